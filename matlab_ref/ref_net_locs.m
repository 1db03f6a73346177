function [locs, ctxt_ids, names] = ref_net_locs(ctx, net, task, loc_nrs)
    % Sampling locations for the local-dimension fixtures.
    %
    % Original networks: locations LOC_NRS of the original local-dimension
    % file. Synthetic networks: numel(LOC_NRS) random states 0.8 * randn
    % (context 1, 2, 1, ... for ctxt; NaN for swg), named 'random<k>'.
    % Call before the draw log starts.
    %
    % Copyright (C) 2026 The opdims authors
    n_locs = numel(loc_nrs);
    if ~isempty(net.source_sha256)
        [locs, ctxt_ids, names] = ref_file_locs(ctx, task, loc_nrs);
        return
    end
    n_units = size(net.n_Wrr_n, 1);
    locs = 0.8 * randn(n_locs, n_units);
    if strcmp(task, 'ctxt')
        ctxt_ids = 2 - mod(1:n_locs, 2);
    else
        ctxt_ids = nan(1, n_locs);
    end
    names = cell(1, n_locs);
    for k = 1:n_locs
        names{k} = sprintf('random%d', k);
    end
end
