function fixture_kernels(ctx)
    % Deterministic kernels: vec, make_unit_length,
    % remove_dimension_from_weight_matrix, get_mse,
    % get_state_distance_between_trajs. Inputs are random arrays made
    % before recording starts and stored in the fixture.
    %
    % Copyright (C) 2026 The opdims authors
    meta = ref_meta(mfilename(), {}, ...
                    'inputs stored; no random draws inside the calls');
    rng(20);
    d = struct();

    d.vec_in = randn(3, 4, 2);
    d.vec_out = vec(d.vec_in);

    d.unit_in = 3 * randn(7, 1);
    d.unit_out = utils.make_unit_length(d.unit_in);
    d.unit_in_row = randn(1, 5);
    d.unit_out_row = utils.make_unit_length(d.unit_in_row);

    d.rm_W = randn(7, 7);
    [q, ~] = qr(randn(7, 4), 0);
    d.rm_dims_orth = q;
    d.rm_dims_nonorth = randn(7, 4);
    d.rm_counts = 0:4;
    types = {'columns', 'rows'};
    kinds = {'orth', 'nonorth'};
    for t = 1:numel(types)
        for s = 1:numel(kinds)
            dims = d.(['rm_dims_', kinds{s}]);
            out = zeros(7, 7, numel(d.rm_counts));
            for c = 1:numel(d.rm_counts)
                dims_c = dims(:, 1:d.rm_counts(c));
                out(:, :, c) = ref_remove_dims(d.rm_W, dims_c, types{t});
            end
            d.(['rm_', types{t}, '_', kinds{s}]) = out;
        end
    end
    d.rm_W20 = randn(20, 20) / sqrt(20);
    [q, ~] = qr(randn(20, 20));
    d.rm_dims20 = q(:, 6:20);
    for t = 1:numel(types)
        d.(['rm_', types{t}, '20']) = ref_remove_dims(d.rm_W20, d.rm_dims20, ...
                                                      types{t});
    end

    d.mse_m_z_t = randn(2, 30, 5);
    d.mse_targets = randn(2, 30, 5);
    d.mse_all = utils.get_mse(d.mse_m_z_t, d.mse_targets, 'all');
    d.mse_trial_ids = [1 3 4];
    d.mse_ids = utils.get_mse(d.mse_m_z_t, d.mse_targets, d.mse_trial_ids);
    d.mse_trial_id_single = 2;
    d.mse_single = utils.get_mse(d.mse_m_z_t, d.mse_targets, ...
                                 d.mse_trial_id_single);

    d.sd_A = randn(7, 30, 5);
    d.sd_B = d.sd_A + 0.1 * randn(7, 30, 5);
    d.sd_out = utils.get_state_distance_between_trajs(d.sd_A, d.sd_B);
    d.sd_A1 = randn(7, 1);
    d.sd_B1 = randn(7, 1);
    d.sd_out1 = utils.get_state_distance_between_trajs(d.sd_A1, d.sd_B1);

    meta.tolerance = '1e-12 relative to each quantity''s scale (ladder 1)';
    ref_log_reset();
    ref_save_fixture(ctx, 'kernels.mat', d, meta);
end
