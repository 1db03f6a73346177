function w = ref_weights(net)
    % The six weight arrays of NET as a cell, in the original argument
    % order: n_Wru_v, n_Wrr_n, m_Wzr_n, n_x0_c, n_bx_1, m_bz_1.
    %
    % Copyright (C) 2026 The opdims authors
    w = {net.n_Wru_v, net.n_Wrr_n, net.m_Wzr_n, net.n_x0_c, net.n_bx_1, ...
         net.m_bz_1};
end
