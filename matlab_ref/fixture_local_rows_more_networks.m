function fixture_local_rows_more_networks(ctx)
    % Local operative row dimensions (s2, dim_type 'rows', Octave's
    % fminunc) on original ctxt and swg networks 2, 7, 12 and 17: first
    % 4 dimensions at 2 locations each, the states n_x_t(:, 50, 1)
    % and n_x_t(:, 200, 4) of the network's short forward pass
    % (ref_short_dataset, ref_short_forward, ref_short_locs; the same
    % states as locations 1 and 3 of all_networks_local.mat).
    %
    % Writes local_rows_<task>_net<k>.mat with the variables of
    % local_rows_ctxt_net1.mat (ref_rows_fixture) plus loc_t, loc_trial.
    % As there, the draw log holds the relaxation runs only (the recorder
    % is suspended during the optimisation; starts in row_starts).
    %
    % Copyright (C) 2026 The opdims authors
    names = {'ctxt_net2', 'ctxt_net7', 'ctxt_net12', 'ctxt_net17', ...
             'swg_net2', 'swg_net7', 'swg_net12', 'swg_net17'};
    keep = [1 3];
    for k = 1:numel(names)
        net = ref_load_net(ctx.networks_dir, names{k});
        task = strtok(names{k}, '_');
        ds = ref_short_dataset(task);
        fp = ref_short_forward(net, ds);
        [locs, ctxt_ids, loc_t, loc_trial] = ref_short_locs(fp, ds, task);
        meta = ref_meta(mfilename(), {net}, ...
                        ['fminunc options: optimset(''Display'', ''off'', ' ...
                         '''TolX'', 1e-6); locations: states of the short ' ...
                         'forward pass (loc_t, loc_trial); relaxation run ' ...
                         'seed 1001; draw log without the optimisation ' ...
                         'draws (see row_starts, row_fevals)']);
        meta.tolerance = ['all_trajs_org 1e-12; rows: ladder 4 (given the ' ...
                          'reference''s earlier dimensions, reach delta f ' ...
                          '>= reference delta f - 1e-9; same optimum up ' ...
                          'to sign)'];
        d = struct();
        d = ref_net_vars(d, 'net_', net);
        d.task = task;
        d.loc_t = loc_t(keep);
        d.loc_trial = loc_trial(keep);
        ref_log_reset();
        d = ref_rows_fixture(ctx, d, net, task, locs(keep, :), ...
                             ctxt_ids(keep), 1001, 4, false);
        ref_save_fixture(ctx, ['local_rows_', names{k}, '.mat'], d, meta);
    end
end
