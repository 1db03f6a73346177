function fixture_local_columns(ctx)
    % Local operative column dimensions by the s2 procedure: relaxation
    % run for all_trajs_org, dimension 1 = make_unit_length(W * tanh(loc)')
    % and its fval = get_neg_deltaFF(dim, [], ...), at several sampling
    % locations of synthetic ctxt / swg-type networks (random locations)
    % and of original ctxt / swg network 1 (locations of the original
    % local-dimension files, which also hold the authors' values).
    %
    % Per network prefix P: P_sampling_locs [n, N], P_ctxt_ids [1, n],
    % P_all_trajs_org [N, 2, n], P_local_op_dims [n, N] (dimension 1),
    % P_all_fvals [n, 1].
    %
    % Copyright (C) 2026 The opdims authors
    rng(50);
    nets = ref_net_set(ctx);
    meta = ref_meta(mfilename(), nets(:, 2).', ...
                    ['relaxation run seed P_seed_run; columns: dimension ' ...
                     '1 only']);
    loc_nrs = {1:4, 1:3, [1 2 15 16 30 31 60 61 90 120], [1 2 11 12 60 121]};
    d = struct();
    for k = 1:size(nets, 1)
        [p, net] = nets{k, 1:2};
        d = ref_net_vars(d, p, net);
        d.([p, 'task']) = nets{k, 3};
        d.([p, 'seed_run']) = nets{k, 4};
        d.([p, 'loc_nrs']) = loc_nrs{k};
        [d.([p, 'sampling_locs']), d.([p, 'ctxt_ids']), ...
         d.([p, 'loc_names'])] = ref_net_locs(ctx, net, nets{k, 3}, ...
                                              loc_nrs{k});
    end

    meta.tolerance = '1e-12 relative (ladder 1)';
    meta = ref_meta_add_input(meta, ctx, 'localOpDims_ctxt_columns');
    meta = ref_meta_add_input(meta, ctx, 'localOpDims_swg_columns');
    ref_log_reset();
    for k = 1:size(nets, 1)
        [p, net, task, seed_run] = nets{k, :};
        n_units = size(net.n_Wrr_n, 1);
        n_locs = numel(loc_nrs{k});
        trajs = zeros(n_units, 2, n_locs);
        dims = zeros(n_locs, n_units);
        fvals = zeros(n_locs, 1);
        for loc = 1:n_locs
            params = ref_loc_params(net, task, ...
                                    d.([p, 'sampling_locs'])(loc, :), ...
                                    d.([p, 'ctxt_ids'])(loc), seed_run);
            trajs(:, :, loc) = params.all_trajs_org;
            dim = utils.make_unit_length(net.n_Wrr_n * ...
                                         tanh(params.sampling_loc).');
            dims(loc, :) = dim;
            fvals(loc) = ref_neg_dff(dim, [], params, net, 'columns', task);
        end
        d.([p, 'all_trajs_org']) = trajs;
        d.([p, 'local_op_dims']) = dims;
        d.([p, 'all_fvals']) = fvals;
    end
    ref_save_fixture(ctx, 'local_columns.mat', d, meta);
end
