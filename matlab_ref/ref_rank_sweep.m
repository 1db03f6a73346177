function [mses, statedists] = ref_rank_sweep(net, dims, dim_type, ds, ...
                                             seed_run, reference_n_x_t)
    % The s1 / s3 sweep: for k = 1..N remove DIMS(:, k+1:N) from W
    % (remove_dimension_from_weight_matrix), run the network (seed
    % SEED_RUN, default noise) and collect get_mse (output 1, all trials)
    % and the state distance to REFERENCE_N_X_T.
    %
    % Copyright (C) 2026 The opdims authors
    n_units = size(net.n_Wrr_n, 1);
    mses = nan([n_units, 1]);
    statedists = nan([n_units, 1]);
    for k = 1:n_units
        w_mod = ref_remove_dims(net.n_Wrr_n, dims(:, k + 1:n_units), ...
                                dim_type);
        fp = utils.run_one_forwardPass(net.n_Wru_v, w_mod, net.m_Wzr_n, ...
                                       net.n_x0_c, net.n_bx_1, ...
                                       net.m_bz_1, ds.inputs, ...
                                       ds.conditionIds, seed_run, 'default');
        mses(k, 1) = utils.get_mse(fp.m_z_t, ds.targets, 'all');
        statedists(k, 1) = ...
            utils.get_state_distance_between_trajs(fp.n_x_t, ...
                                                   reference_n_x_t);
    end
end
