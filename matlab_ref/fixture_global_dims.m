function fixture_global_dims(ctx)
    % UtilsOpDims.load_local_op_dims and get_global_operative_dimensions
    % on the authors' local operative column dimensions of original
    % network 1: subsets 'all', 'ctxt1', 'ctxt2', 'allPosChoice',
    % 'allNegChoice' for ctxt, 'all' for swg.
    %
    % load_local_op_dims reads the original .h5 with hdf5read; here
    % shim_hdf5/hdf5read.m serves the same datasets from the .mat export.
    % Per task T: T_all_local_op_dims [n_locs, 100, 100] and T_all_fvals
    % [n_locs, 100] (as loaded, NaN beyond dimension 1), and per subset
    % S: T_S_global_op_dims [100, 100] and T_S_singular_values
    % [100, 100] (the diagonal matrix svd returns).
    %
    % Copyright (C) 2026 The opdims authors
    net_c = ref_load_net(ctx.networks_dir, 'ctxt_net1');
    net_s = ref_load_net(ctx.networks_dir, 'swg_net1');
    meta = ref_meta(mfilename(), {net_c, net_s}, ...
                    ['inputs: local_operative_dimensions/localOpDims_' ...
                     '{ctxt,swg}_columns.h5 (sha256 in local_dims_sha256)']);
    usl = utils.UtilsSamplingLocs;
    uod = utils.UtilsOpDims;
    d = struct();
    tasks = {'ctxt', 'swg'};
    subsets = {{'all', 'ctxt1', 'ctxt2', 'allPosChoice', 'allNegChoice'}, ...
               {'all'}};
    for k = 1:numel(tasks)
        task = tasks{k};
        props = usl.get_sampling_location_properties(task);
        file = fullfile(ctx.networks_dir, ...
                        ['localOpDims_', task, '_columns.mat']);
        src = load(file, 'source_file', 'source_sha256');
        d.([task, '_local_dims_file']) = strtrim(src.source_file);
        d.([task, '_local_dims_sha256']) = strtrim(src.source_sha256);
        [dims, fvals] = uod.load_local_op_dims(file, 100, props, task);
        d.([task, '_all_local_op_dims']) = dims;
        d.([task, '_all_fvals']) = fvals;
        d.([task, '_subsets']) = subsets{k};
        for s = 1:numel(subsets{k})
            [u, sv] = uod.get_global_operative_dimensions(subsets{k}{s}, ...
                                                          props, dims, fvals);
            d.([task, '_', subsets{k}{s}, '_global_op_dims']) = u;
            d.([task, '_', subsets{k}{s}, '_singular_values']) = sv;
        end
    end
    meta.tolerance = ['ladder 2: singular values 1e-10 relative; ' ...
                      'vectors up to sign where the gap to the ' ...
                      'neighbours is clear, else principal angles; ' ...
                      'loaded local dimensions exact'];
    meta = ref_meta_add_input(meta, ctx, 'localOpDims_ctxt_columns');
    meta = ref_meta_add_input(meta, ctx, 'localOpDims_swg_columns');
    ref_log_reset();
    ref_save_fixture(ctx, 'global_dims.mat', d, meta);
end
