function fp = ref_forward(net, w_rec, ds, seed_run)
    % utils.run_one_forwardPass of NET with recurrent weights W_REC on
    % dataset DS, seed SEED_RUN, default network noise.
    %
    % Copyright (C) 2026 The opdims authors
    fp = utils.run_one_forwardPass(net.n_Wru_v, w_rec, net.m_Wzr_n, ...
                                   net.n_x0_c, net.n_bx_1, net.m_bz_1, ...
                                   ds.inputs, ds.conditionIds, seed_run, ...
                                   'default');
end
