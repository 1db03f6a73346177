function names = ref_all_net_names()
    % Names of the 40 original networks as exported by export_networks.py:
    % ctxt_net1 .. ctxt_net20, then swg_net1 .. swg_net20.
    %
    % Copyright (C) 2026 The opdims authors
    names = cell(1, 40);
    for k = 1:20
        names{k} = sprintf('ctxt_net%d', k);
        names{20 + k} = sprintf('swg_net%d', k);
    end
end
