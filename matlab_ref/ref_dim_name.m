function name = ref_dim_name(uod, task, props, loc)
    % Name of the local operative dimensions at location LOC, by calling
    % the original get_name_of_local_operative_dims the way
    % load_local_op_dims does.
    %
    % Copyright (C) 2026 The opdims authors
    t_start = props.t_start_pt_per_loc(loc);
    if strcmp(task, 'swg')
        freq_id = props.freq_idx_per_loc(loc);
        name = uod.get_name_of_local_operative_dims(task, t_start, [], [], ...
                                                    [], freq_id);
    else
        ctxt_id = props.ctxt_per_loc(loc);
        sign1 = props.signCoh1_per_loc(loc);
        sign2 = props.signCoh2_per_loc(loc);
        name = uod.get_name_of_local_operative_dims(task, t_start, ...
                                                    ctxt_id, sign1, sign2, ...
                                                    []);
    end
end
