function fixture_deltaff(ctx)
    % utils.get_neg_deltaFF at random (non-unit) vectors x0, with and
    % without earlier dimensions to be orthogonal to, for 'columns' and
    % 'rows', on synthetic ctxt- and swg-type networks (7 units) and on
    % original ctxt and swg network 1, at two sampling locations each.
    %
    % Per network prefix P: P_x0 [N, 3], P_orth [N, 3] (orthonormal),
    % P_sampling_locs [2, N], P_ctxt_ids, P_all_trajs_org [N, 2, 2] and
    % P_fval [3 x0, 2 locations, 2 dim types (columns, rows),
    % 2 (no earlier dims, P_orth as earlier dims)].
    %
    % Copyright (C) 2026 The opdims authors
    rng(40);
    nets = ref_net_set(ctx);
    meta = ref_meta(mfilename(), nets(:, 2).', ...
                    ['all_trajs_org from the s2 relaxation run with ' ...
                     'seed P_seed_run; original locations from the ' ...
                     'original local-dimension files (P_loc_nrs); ' ...
                     'get_neg_deltaFF draws randn(N, 1) per call (noise 0)']);
    loc_nrs = {[1 2], [1 2], [1 75], [1 64]};
    d = struct();
    for k = 1:size(nets, 1)
        [p, net] = nets{k, 1:2};
        n_units = size(net.n_Wrr_n, 1);
        d = ref_net_vars(d, p, net);
        d.([p, 'task']) = nets{k, 3};
        d.([p, 'seed_run']) = nets{k, 4};
        d.([p, 'loc_nrs']) = loc_nrs{k};
        [d.([p, 'sampling_locs']), d.([p, 'ctxt_ids']), ...
         d.([p, 'loc_names'])] = ref_net_locs(ctx, net, nets{k, 3}, ...
                                              loc_nrs{k});
        d.([p, 'x0']) = 2.5 * randn(n_units, 3);
        [q, ~] = qr(randn(n_units, 3), 0);
        d.([p, 'orth']) = q;
    end

    meta.tolerance = '1e-12 relative (ladder 1)';
    meta = ref_meta_add_input(meta, ctx, 'localOpDims_ctxt_columns');
    meta = ref_meta_add_input(meta, ctx, 'localOpDims_swg_columns');
    ref_log_reset();
    dim_types = {'columns', 'rows'};
    for k = 1:size(nets, 1)
        [p, net, task, seed_run] = nets{k, :};
        n_units = size(net.n_Wrr_n, 1);
        orth_sets = {[], d.([p, 'orth'])};
        fvals = zeros(3, 2, 2, 2);
        trajs = zeros(n_units, 2, 2);
        for loc = 1:2
            params = ref_loc_params(net, task, ...
                                    d.([p, 'sampling_locs'])(loc, :), ...
                                    d.([p, 'ctxt_ids'])(loc), seed_run);
            trajs(:, :, loc) = params.all_trajs_org;
            for t = 1:2
                for o = 1:2
                    for x = 1:3
                        x0 = d.([p, 'x0'])(:, x);
                        fvals(x, loc, t, o) = ref_neg_dff(x0, ...
                                                          orth_sets{o}, ...
                                                          params, net, ...
                                                          dim_types{t}, ...
                                                          task);
                    end
                end
            end
        end
        d.([p, 'all_trajs_org']) = trajs;
        d.([p, 'fval']) = fvals;
    end
    ref_save_fixture(ctx, 'deltaff.mat', d, meta);
end
