function [locs, ctxt_ids, names] = ref_file_locs(ctx, task, loc_nrs)
    % Sampling locations LOC_NRS of original network 1, read from the
    % .mat export of the original local-operative-dimension file.
    %
    % locs [n, 100]; ctxt_ids [1, n] (NaN for swg); names {1, n}.
    %
    % Copyright (C) 2026 The opdims authors
    usl = utils.UtilsSamplingLocs;
    uod = utils.UtilsOpDims;
    props = usl.get_sampling_location_properties(task);
    file = fullfile(ctx.networks_dir, ['localOpDims_', task, '_columns.mat']);
    n_locs = numel(loc_nrs);
    names = cell(1, n_locs);
    ctxt_ids = nan(1, n_locs);
    locs = [];
    for k = 1:n_locs
        names{k} = char(ref_dim_name(uod, task, props, loc_nrs(k)));
        var = strrep([names{k}, '__sampling_loc'], '-', 'm');
        contents = load(file, var);
        locs(k, :) = contents.(var); %#ok<AGROW>
        if strcmp(task, 'ctxt')
            ctxt_ids(k) = props.ctxt_per_loc(loc_nrs(k));
        end
    end
end
