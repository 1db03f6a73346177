function fixture_sampling_props(ctx)
    % UtilsSamplingLocs.get_sampling_location_properties (every field),
    % map_optLocNr_to_startPtNr and map_optLocNr_to_inpCondNr for every
    % location, UtilsOpDims.get_name_of_local_operative_dims for every
    % location, for both tasks. Text is stored as cells of char.
    %
    % Copyright (C) 2026 The opdims authors
    meta = ref_meta(mfilename(), {}, 'deterministic');
    usl = utils.UtilsSamplingLocs;
    uod = utils.UtilsOpDims;
    d = struct();
    tasks = {'ctxt', 'swg'};
    for k = 1:numel(tasks)
        task = tasks{k};
        props = usl.get_sampling_location_properties(task);
        fields = fieldnames(props);
        for f = 1:numel(fields)
            value = props.(fields{f});
            if iscell(value)
                value = cellfun(@char, value, 'UniformOutput', false);
            end
            d.([task, '_props_', fields{f}]) = value;
        end
        d.([task, '_props_fields']) = reshape(fields, 1, []);

        n_locs = numel(props.t_start_pt_per_loc);
        start_pt = zeros(1, n_locs);
        inp_cond = zeros(1, n_locs);
        names = cell(1, n_locs);
        for loc = 1:n_locs
            start_pt(loc) = usl.map_optLocNr_to_startPtNr(loc, props);
            inp_cond(loc) = usl.map_optLocNr_to_inpCondNr(loc, props, task);
            names{loc} = char(ref_dim_name(uod, task, props, loc));
        end
        d.([task, '_start_pt_nr']) = start_pt;
        d.([task, '_inpCond_nr']) = inp_cond;
        d.([task, '_dim_names']) = names;
    end
    meta.tolerance = 'exact (integers and text)';
    ref_log_reset();
    ref_save_fixture(ctx, 'sampling_props.mat', d, meta);
end
