function data = ref_fp_vars(data, prefix, forward_pass, t_idx)
    % Add the fields of a forward-pass struct to fixture DATA.
    %
    % With T_IDX, the time-resolved n_x_t and n_r_t are stored only at
    % those steps (as <prefix>n_x_t_sub; n_r_t is then left out).
    %
    % Copyright (C) 2026 The opdims authors
    if nargin < 4
        names = fieldnames(forward_pass);
        for k = 1:numel(names)
            data.([prefix, names{k}]) = forward_pass.(names{k});
        end
        return
    end
    data.([prefix, 'm_z_t']) = forward_pass.m_z_t;
    data.([prefix, 'n_x0_1']) = forward_pass.n_x0_1;
    data.([prefix, 'n_r0_1']) = forward_pass.n_r0_1;
    data.([prefix, 'n_x_t_sub']) = forward_pass.n_x_t(:, t_idx, :);
end
