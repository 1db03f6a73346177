function d = ref_rows_fixture(ctx, d, net, task, locs, ctxt_ids, ...
                              seed_run, max_dims, record_inner)
    % Shared body of the row-dimension fixtures (s2, dim_type 'rows').
    %
    % Runs ref_loc_params and ref_local_rows at each location (rows of
    % LOCS) and adds to D: sampling_locs, ctxt_ids, all_trajs_org
    % [N, 2, n], row_starts / row_x_opt [N, max_dims, n], local_op_dims
    % [max_dims, N, n], all_fvals [max_dims, n], row_n_found [1, n],
    % row_fevals / row_exitflags [max_dims, n], row_elapsed_s [1, n].
    % With RECORD_INNER false the draw log is suspended while the
    % dimensions are optimised (only the relaxation runs are recorded).
    %
    % Copyright (C) 2026 The opdims authors
    options = optimset('Display', 'off', 'TolX', 1e-6);
    n_units = size(net.n_Wrr_n, 1);
    n_locs = size(locs, 1);
    d.sampling_locs = locs;
    d.ctxt_ids = ctxt_ids;
    d.seed_run = seed_run;
    d.max_dims = max_dims;
    d.fminunc_options = 'optimset(''Display'', ''off'', ''TolX'', 1e-6)';
    d.all_trajs_org = zeros(n_units, 2, n_locs);
    d.row_starts = nan(n_units, max_dims, n_locs);
    d.row_x_opt = nan(n_units, max_dims, n_locs);
    d.local_op_dims = nan(max_dims, n_units, n_locs);
    d.all_fvals = nan(max_dims, n_locs);
    d.row_n_found = zeros(1, n_locs);
    d.row_fevals = nan(max_dims, n_locs);
    d.row_exitflags = nan(max_dims, n_locs);
    d.row_elapsed_s = zeros(1, n_locs);
    for loc = 1:n_locs
        params = ref_loc_params(net, task, locs(loc, :), ctxt_ids(loc), ...
                                seed_run);
        d.all_trajs_org(:, :, loc) = params.all_trajs_org;
        if ~record_inner
            saved = ref_log_suspend();
        end
        res = ref_local_rows(net, task, params, max_dims, options);
        if ~record_inner
            ref_log_resume(saved);
        end
        d.row_starts(:, :, loc) = res.starts;
        d.row_x_opt(:, :, loc) = res.x_opt;
        d.local_op_dims(:, :, loc) = res.local_op_dims(1:max_dims, :);
        d.all_fvals(:, loc) = res.all_fvals(1:max_dims);
        d.row_n_found(loc) = res.n_found;
        d.row_fevals(:, loc) = res.fevals.';
        d.row_exitflags(:, loc) = res.exitflags.';
        d.row_elapsed_s(loc) = res.elapsed_s;
        fprintf('  rows at location %d: %d dims, %.1f s\n', loc, ...
                res.n_found, res.elapsed_s);
    end
end
