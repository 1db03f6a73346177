function fixture_all_networks(ctx)
    % Every original network (ctxt 1-20, swg 1-20), cheaply: a short
    % forward pass per network and, at three states it reaches, the s2
    % relaxation step, get_neg_deltaFF and the local operative column
    % dimension. Writes two fixtures (weights are never stored; each
    % network is named by source file, sha256 and net id, prefix P =
    % ctxt<k>_ or swg<k>_):
    %
    % all_networks_forward.mat: utils.run_one_forwardPass (seed 1001,
    % default noise) on the short trials of ref_short_dataset (stored as
    % <task>_inputs, <task>_conditionIds, <task>_trial_ids, <task>_window,
    % swg_freq_ids); per network P_m_z_t [1, 200, 4] and P_n_x_t_sub =
    % n_x_t(:, t_idx, :) [100, 4, 4]. All 40 passes draw the same noise
    % (4 x randn(100, 200) after rng(1001)): the draw log holds it once.
    %
    % all_networks_local.mat: at the locations n_x_t(:, loc_t(l),
    % loc_trial(l)) of that pass (ref_short_locs; they are entries of
    % P_n_x_t_sub): P_ctxt_ids [1, 3], P_next_state [100, 3] =
    % all_trajs_org(:, 2) of the s2 relaxation run (seed 1001; column 1
    % is the location itself), P_col_dims [3, 100] = make_unit_length(W *
    % tanh(loc)'), P_col_fvals [3, 1] = get_neg_deltaFF(dim, [], ...,
    % 'columns'), P_fval [2 x0, 3 locations, 2 dim types (columns, rows),
    % 2 (no earlier dims, orth as earlier dims)] = get_neg_deltaFF(x0(:,
    % x), ...) for the shared x0 [100, 2] and orth [100, 2] (orthonormal).
    %
    % Copyright (C) 2026 The opdims authors
    names = ref_all_net_names();
    n_nets = numel(names);
    nets = cell(1, n_nets);
    prefixes = cell(1, n_nets);
    tasks = cell(1, n_nets);
    for k = 1:n_nets
        nets{k} = ref_load_net(ctx.networks_dir, names{k});
        prefixes{k} = [strrep(names{k}, '_net', ''), '_'];
        tasks{k} = strtok(names{k}, '_');
    end
    ds = struct('ctxt', ref_short_dataset('ctxt'), ...
                'swg', ref_short_dataset('swg'));
    rng(60);
    x0 = 2.5 * randn(100, 2);
    [orth, ~] = qr(randn(100, 2), 0);

    % forward passes
    meta = ref_meta(mfilename(), nets, ...
                    ['short trials: ctxt dataset n = 1 after rng(1000), ' ...
                     'trials 1:4, steps 601:800; swg dataset of 153 ' ...
                     'trials (rng(2001) in the generator), trials 1:4, ' ...
                     'steps 1:200; forward pass seed 1001, default ' ...
                     'noise, from the network''s own initial states; ' ...
                     'n_x_t stored at t_idx']);
    meta.tolerance = ['1e-12 relative (short 200-step noisy runs with ' ...
                      'replayed draws: kernel level, ladder 1)'];
    d = struct();
    d.net_names = names;
    d.t_idx = [50 100 150 200];
    fields = {'inputs', 'conditionIds', 'trial_ids', 'window'};
    for task = {'ctxt', 'swg'}
        for f = 1:numel(fields)
            d.([task{1}, '_', fields{f}]) = ds.(task{1}).(fields{f});
        end
    end
    d.swg_freq_ids = ds.swg.freq_ids;
    locs = cell(1, n_nets);
    ctxt_ids = cell(1, n_nets);
    ref_log_reset();
    for k = 1:n_nets
        p = prefixes{k};
        d = ref_net_vars(d, p, nets{k});
        fp = ref_short_forward(nets{k}, ds.(tasks{k}));
        d.([p, 'm_z_t']) = fp.m_z_t;
        d.([p, 'n_x_t_sub']) = fp.n_x_t(:, d.t_idx, :);
        [locs{k}, ctxt_ids{k}, loc_t, loc_trial] = ...
            ref_short_locs(fp, ds.(tasks{k}), tasks{k});
    end
    ref_save_fixture(ctx, 'all_networks_forward.mat', d, meta);

    % relaxation step, delta f and column dimensions at three locations
    meta = ref_meta(mfilename(), nets, ...
                    ['locations: states n_x_t(:, loc_t, loc_trial) of ' ...
                     'all_networks_forward.mat; relaxation run seed 1001; ' ...
                     'columns: dimension 1 only; get_neg_deltaFF draws ' ...
                     'randn(100, 1) per call (noise 0)']);
    meta.tolerance = '1e-12 relative (one step from a stored state; ladder 1)';
    d = struct();
    d.net_names = names;
    d.loc_t = loc_t;
    d.loc_trial = loc_trial;
    d.seed_run = 1001;
    d.x0 = x0;
    d.orth = orth;
    dim_types = {'columns', 'rows'};
    orth_sets = {[], orth};
    ref_log_reset();
    for k = 1:n_nets
        [p, net, task] = deal(prefixes{k}, nets{k}, tasks{k});
        d = ref_net_vars(d, p, net);
        n_locs = size(locs{k}, 1);
        next_state = zeros(100, n_locs);
        dims = zeros(n_locs, 100);
        col_fvals = zeros(n_locs, 1);
        fvals = zeros(2, n_locs, 2, 2);
        for loc = 1:n_locs
            params = ref_loc_params(net, task, locs{k}(loc, :), ...
                                    ctxt_ids{k}(loc), d.seed_run);
            if ~isequal(params.all_trajs_org(:, 1), locs{k}(loc, :).')
                error('opdims:ref:relax', '%s: relaxation start moved', p);
            end
            next_state(:, loc) = params.all_trajs_org(:, 2);
            dim = utils.make_unit_length(net.n_Wrr_n * ...
                                         tanh(params.sampling_loc).');
            dims(loc, :) = dim;
            col_fvals(loc) = ref_neg_dff(dim, [], params, net, 'columns', ...
                                         task);
            for t = 1:2
                for o = 1:2
                    for x = 1:2
                        fvals(x, loc, t, o) = ref_neg_dff(x0(:, x), ...
                                                          orth_sets{o}, ...
                                                          params, net, ...
                                                          dim_types{t}, ...
                                                          task);
                    end
                end
            end
        end
        d.([p, 'ctxt_ids']) = ctxt_ids{k};
        d.([p, 'next_state']) = next_state;
        d.([p, 'col_dims']) = dims;
        d.([p, 'col_fvals']) = col_fvals;
        d.([p, 'fval']) = fvals;
    end
    ref_save_fixture(ctx, 'all_networks_local.mat', d, meta);
end
