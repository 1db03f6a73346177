function fixture_pipeline_ctxt_net1(ctx)
    % s1 / s3 / s4 (columns) on original ctxt network 1, 12 trials.
    %
    % As in the scripts, s3 and s4 take the global operative dimensions
    % from the authors' local column dimensions (load_local_op_dims via
    % shim_hdf5, get_global_operative_dimensions 'all'); s4 uses rank 15.
    % Time-resolved states are stored at the sampling steps 100:100:1400
    % only (t_idx). The weights are not stored.
    %
    % Copyright (C) 2026 The opdims authors
    net = ref_load_net(ctx.networks_dir, 'ctxt_net1');
    meta = ref_meta(mfilename(), {net}, ...
                    ['s1/s3/s4 call sequences with seed_input 1000, ' ...
                     'seed_run 1001, noise on, n_trials = 1 per coherency ' ...
                     '(12 trials); local dimensions: local_operative_' ...
                     'dimensions/localOpDims_ctxt_columns.h5; rankW 15']);
    d = struct();
    d = ref_net_vars(d, 'net_', net);
    file = fullfile(ctx.networks_dir, 'localOpDims_ctxt_columns.mat');
    src = load(file, 'source_sha256');
    d.local_dims_sha256 = strtrim(src.source_sha256);
    meta.tolerance = ['trajectories, mses, state distances 1e-9 ' ...
                      'relative (ladder 3); svd / pca values 1e-10 ' ...
                      'relative, vectors up to sign (ladder 2)'];
    meta = ref_meta_add_input(meta, ctx, 'localOpDims_ctxt_columns');
    ref_log_reset();
    d = ref_pipeline(d, net, @(locs) ref_file_global(file), 15, 100:100:1400);
    ref_save_fixture(ctx, 'pipeline_ctxt_net1.mat', d, meta);
end

function [global_dims, sv] = ref_file_global(file)
    % Global dimensions ('all') from the original local dimensions.
    usl = utils.UtilsSamplingLocs;
    uod = utils.UtilsOpDims;
    props = usl.get_sampling_location_properties('ctxt');
    [dims, fvals] = uod.load_local_op_dims(file, 100, props, 'ctxt');
    [global_dims, sv] = uod.get_global_operative_dimensions('all', props, ...
                                                            dims, fvals);
end
