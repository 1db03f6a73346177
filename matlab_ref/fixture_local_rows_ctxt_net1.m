function fixture_local_rows_ctxt_net1(ctx)
    % Local operative row dimensions (s2, dim_type 'rows') on original
    % ctxt network 1 at 2 sampling locations of the original local-
    % dimension file, first 5 dimensions, Octave's fminunc.
    %
    % The draw log holds the relaxation runs only: during the
    % optimisation the recorder is suspended, because every fminunc
    % evaluation draws randn(100, 1) (about 12000 draws, 10 MB per
    % location). The starts are in row_starts; the draws between two
    % starts are row_fevals of the earlier dimension.
    %
    % Copyright (C) 2026 The opdims authors
    net = ref_load_net(ctx.networks_dir, 'ctxt_net1');
    meta = ref_meta(mfilename(), {net}, ...
                    ['fminunc options: optimset(''Display'', ''off'', ' ...
                     '''TolX'', 1e-6); relaxation run seed 1001; draw log ' ...
                     'without the optimisation draws (see row_starts, ' ...
                     'row_fevals)']);
    d = struct();
    d = ref_net_vars(d, 'net_', net);
    d.task = 'ctxt';
    d.loc_nrs = [1 60];
    [locs, ctxt_ids, d.loc_names] = ref_file_locs(ctx, 'ctxt', d.loc_nrs);
    meta.tolerance = ['all_trajs_org 1e-12; rows: ladder 4 (given the ' ...
                      'reference''s earlier dimensions, reach delta f >= ' ...
                      'reference delta f - 1e-9; same optimum up to sign)'];
    meta = ref_meta_add_input(meta, ctx, 'localOpDims_ctxt_columns');
    ref_log_reset();
    d = ref_rows_fixture(ctx, d, net, 'ctxt', locs, ctxt_ids, 1001, 5, false);
    ref_save_fixture(ctx, 'local_rows_ctxt_net1.mat', d, meta);
end
