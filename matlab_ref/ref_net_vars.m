function data = ref_net_vars(data, prefix, net)
    % Add a network to fixture DATA: weights for synthetic networks, the
    % source file and sha256 (no weights) for original networks.
    %
    % Copyright (C) 2026 The opdims authors
    weight_names = {'n_Wru_v', 'n_Wrr_n', 'm_Wzr_n', 'n_x0_c', 'n_bx_1', ...
                    'm_bz_1'};
    data.([prefix, 'label']) = net.label;
    if isempty(net.source_sha256)
        for k = 1:numel(weight_names)
            data.([prefix, weight_names{k}]) = net.(weight_names{k});
        end
        data.([prefix, 'seed']) = net.seed;
    else
        data.([prefix, 'source_file']) = net.source_file;
        data.([prefix, 'source_sha256']) = net.source_sha256;
        data.([prefix, 'net_id']) = net.net_id;
    end
end
