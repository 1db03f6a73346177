function res = ref_local_rows(net, task, params, max_dims, options)
    % Local operative row dimensions by the s2 procedure, first MAX_DIMS.
    %
    % For each dimension: start x0 = make_unit_length(randn([N, 1])),
    % fminunc on get_neg_deltaFF (orthogonal to the dimensions found so
    % far), QR post-processing, stop when abs(fval) < 1e-8.
    %
    % res.starts [N, max_dims], res.x_opt [N, max_dims] (fminunc's raw
    % solution), res.local_op_dims [N, N] (rows; NaN beyond those found),
    % res.all_fvals [N, 1], res.n_found, res.fevals and res.exitflags
    % [1, max_dims] (NaN where not run), res.elapsed_s.
    %
    % Copyright (C) 2026 The opdims authors
    t_start = tic;
    thr_fval = 1e-8;
    n_units = size(net.n_Wrr_n, 1);
    res = struct();
    res.starts = nan(n_units, max_dims);
    res.x_opt = nan(n_units, max_dims);
    res.local_op_dims = nan(n_units, n_units);
    res.all_fvals = nan(n_units, 1);
    res.fevals = nan(1, max_dims);
    res.exitflags = nan(1, max_dims);
    res.n_found = 0;
    for dim_nr = 1:max_dims
        op_dims = res.local_op_dims(1:dim_nr - 1, :).';
        x0 = utils.make_unit_length(randn([n_units, 1]));
        fun = @(x) ref_neg_dff(x, op_dims, params, net, 'rows', task);
        [x_opt, fval, exitflag, output] = fminunc(fun, x0, options);
        [q, ~] = qr([op_dims, utils.make_unit_length(x_opt)], 0);
        res.local_op_dims(dim_nr, :) = utils.make_unit_length(q(:, end));
        res.all_fvals(dim_nr, 1) = fval;
        res.starts(:, dim_nr) = x0;
        res.x_opt(:, dim_nr) = x_opt;
        res.fevals(dim_nr) = output.funcCount;
        res.exitflags(dim_nr) = exitflag;
        res.n_found = dim_nr;
        if abs(fval) < thr_fval
            break
        end
    end
    res.elapsed_s = toc(t_start);
end
