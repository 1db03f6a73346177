function fval = ref_neg_dff(x0, dims_to_be_orth, params, net, dim_type, task)
    % utils.get_neg_deltaFF with the weights of NET.
    %
    % Copyright (C) 2026 The opdims authors
    fval = utils.get_neg_deltaFF(x0, dims_to_be_orth, params, net.n_Wru_v, ...
                                 net.n_Wrr_n, net.m_Wzr_n, net.n_bx_1, ...
                                 net.m_bz_1, dim_type, task);
end
