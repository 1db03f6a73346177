function params = ref_loc_params(net, task, loc, ctxt_id, seed_run)
    % Sampling-location parameters as s2 builds them before optimising:
    % sampling_loc [1, N], ctxt_id (ctxt only) and all_trajs_org [N, 2],
    % the state at LOC and one step later in the full-rank network with
    % zero input and zero noise (utils.run_one_forwardPass, seed SEED_RUN).
    %
    % Copyright (C) 2026 The opdims authors
    n_units = size(net.n_Wrr_n, 1);
    params = struct();
    params.sampling_loc = reshape(loc, 1, n_units);
    inputs_relax = zeros([size(net.n_Wru_v, 2), 1, 1]);
    if strcmp(task, 'swg')
        condition_ids = 1;
        init_x0 = params.sampling_loc.';
    else
        params.ctxt_id = ctxt_id;
        inputs_relax(2 + ctxt_id, :, :) = 0;
        condition_ids = [ctxt_id ctxt_id];
        init_x0 = [params.sampling_loc; params.sampling_loc].';
    end
    fp = utils.run_one_forwardPass(net.n_Wru_v, net.n_Wrr_n, net.m_Wzr_n, ...
                                   init_x0, net.n_bx_1, net.m_bz_1, ...
                                   inputs_relax, condition_ids, seed_run, 0);
    params.all_trajs_org = nan([n_units, 2]);
    params.all_trajs_org(:, 1) = fp.n_x0_1(:, 1);
    params.all_trajs_org(:, 2) = fp.n_x_t;
end
