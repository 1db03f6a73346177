function fixture_local_rows_synth(ctx)
    % Local operative row dimensions (s2, dim_type 'rows') on a synthetic
    % ctxt-type network (7 units, 5 inputs, 2 contexts) at 3 random
    % sampling locations, first 5 dimensions. Octave's fminunc is not
    % MATLAB's: these are a reference optimiser's results (compare step
    % by step, DESIGN section 4). The full draw log is stored: starts and
    % the randn(7, 1) of every get_neg_deltaFF call interleave.
    %
    % Copyright (C) 2026 The opdims authors
    rng(60);
    net = ref_synthetic_net(106, 7, 5, 2, 1);
    meta = ref_meta(mfilename(), {net}, ...
                    ['fminunc options: optimset(''Display'', ''off'', ' ...
                     '''TolX'', 1e-6) (s2 uses Display iter); relaxation ' ...
                     'run seed 1001 at each location; starts in row_starts']);
    d = struct();
    d = ref_net_vars(d, 'net_', net);
    d.task = 'ctxt';
    [locs, ctxt_ids] = ref_net_locs(ctx, net, 'ctxt', 1:3);
    meta.tolerance = ['all_trajs_org 1e-12; rows: ladder 4 (given the ' ...
                      'reference''s earlier dimensions, reach delta f >= ' ...
                      'reference delta f - 1e-9; same optimum up to sign)'];
    ref_log_reset();
    d = ref_rows_fixture(ctx, d, net, 'ctxt', locs, ctxt_ids, 1001, 5, true);
    ref_save_fixture(ctx, 'local_rows_synth.mat', d, meta);
end
