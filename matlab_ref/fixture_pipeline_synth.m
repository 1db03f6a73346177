function fixture_pipeline_synth(ctx)
    % s1 / s2 (columns) / s3 / s4 on a synthetic ctxt-type network
    % (20 units, 5 inputs, 2 contexts, 1 output), 12 trials, rank 5 in s4.
    %
    % Two fixtures: pipeline_ctxt_synth.mat (s1, sampling locations, s3,
    % s4, with their draw log) and pipeline_ctxt_synth_s2.mat (local
    % column dimensions at all 120 sampling locations and the global
    % dimensions of every subset, with its own draw log: its relaxation
    % runs reseed 1001 and draw randn(20, 1), which the forward passes'
    % randn(20, 1400) draws after rng(1001) would contradict).
    %
    % Copyright (C) 2026 The opdims authors
    net = ref_synthetic_net(107, 20, 5, 2, 1);
    meta = ref_meta(mfilename(), {net}, ...
                    ['s1/s3/s4 call sequences with seed_input 1000, ' ...
                     'seed_run 1001, noise on, n_trials = 1 per coherency ' ...
                     '(12 trials); rankW 5; *_sub arrays at steps t_idx']);
    d = struct();
    d = ref_net_vars(d, 'net_', net);
    meta.tolerance = ['trajectories, mses, state distances 1e-9 ' ...
                      'relative (ladder 3); svd / pca values 1e-10 ' ...
                      'relative, vectors up to sign (ladder 2)'];
    ref_log_reset();
    d = ref_pipeline(d, net, @(locs) ref_synth_s2(ctx, net, locs), 5, ...
                     10:10:1400);
    ref_save_fixture(ctx, 'pipeline_ctxt_synth.mat', d, meta);
end

function [global_dims, sv] = ref_synth_s2(ctx, net, sampling_locs)
    % s2 (columns) at all sampling locations, saved as its own fixture.
    saved = ref_log_suspend();
    meta = ref_meta('fixture_pipeline_synth', {net}, ...
                    ['s2 columns at all 120 ctxt sampling locations of ' ...
                     'pipeline_ctxt_synth.mat (relaxation seed 1001), ' ...
                     'then get_global_operative_dimensions']);
    usl = utils.UtilsSamplingLocs;
    uod = utils.UtilsOpDims;
    props = usl.get_sampling_location_properties('ctxt');
    n_units = size(net.n_Wrr_n, 1);
    n_locs = numel(props.t_start_pt_per_loc);
    d = struct();
    d = ref_net_vars(d, 'net_', net);
    d.sampling_locs = sampling_locs;
    d.all_local_op_dims = nan([n_locs, n_units, n_units]);
    d.all_fvals = nan([n_locs, n_units]);
    d.all_trajs_org = nan([n_units, 2, n_locs]);
    d.loc_sampling_loc = nan([n_locs, n_units]);
    meta.tolerance = ['local dimensions, fvals, all_trajs_org 1e-12 ' ...
                      'relative (ladder 1); global dimensions: ladder 2'];
    ref_log_reset();
    for loc = 1:n_locs
        start_pt = usl.map_optLocNr_to_startPtNr(loc, props);
        inp_cond = usl.map_optLocNr_to_inpCondNr(loc, props, 'ctxt');
        loc_state = squeeze(sampling_locs(inp_cond, :, start_pt));
        params = ref_loc_params(net, 'ctxt', loc_state, ...
                                props.ctxt_per_loc(loc), 1001);
        dim = utils.make_unit_length(net.n_Wrr_n * ...
                                     tanh(params.sampling_loc).');
        d.loc_sampling_loc(loc, :) = params.sampling_loc;
        d.all_trajs_org(:, :, loc) = params.all_trajs_org;
        d.all_local_op_dims(loc, 1, :) = dim;
        d.all_fvals(loc, 1) = ref_neg_dff(dim, [], params, net, 'columns', ...
                                          'ctxt');
    end
    d.subsets = {'all', 'ctxt1', 'ctxt2', 'allPosChoice', 'allNegChoice'};
    for s = 1:numel(d.subsets)
        [u, sv] = uod.get_global_operative_dimensions(d.subsets{s}, props, ...
                                                      d.all_local_op_dims, ...
                                                      d.all_fvals);
        d.([d.subsets{s}, '_global_op_dims']) = u;
        d.([d.subsets{s}, '_singular_values']) = sv;
    end
    ref_save_fixture(ctx, 'pipeline_ctxt_synth_s2.mat', d, meta);
    global_dims = d.all_global_op_dims;
    sv = d.all_singular_values;
    ref_log_resume(saved);
end
