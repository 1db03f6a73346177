function w_out = ref_remove_dims(w, dims, dim_type)
    % utils.remove_dimension_from_weight_matrix(W, DIMS, DIM_TYPE).
    %
    % Copyright (C) 2026 The opdims authors
    w_out = utils.remove_dimension_from_weight_matrix(w, dims, dim_type);
end
