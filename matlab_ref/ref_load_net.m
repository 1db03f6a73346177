function net = ref_load_net(networks_dir, name)
    % Load an original network exported by export_networks.py.
    %
    % NAME is e.g. 'ctxt_net1'. Returns the six weight arrays in MATLAB
    % orientation plus label, source_file, source_sha256 and net_id.
    %
    % Copyright (C) 2026 The opdims authors
    file = fullfile(networks_dir, [name, '.mat']);
    if ~isfile(file)
        error('opdims:ref:network', ...
              '%s missing: run matlab_ref/export_networks.py first', file);
    end
    net = load(file);
    net.label = ['original:', name];
    net.source_file = strtrim(net.source_file);
    net.source_sha256 = strtrim(net.source_sha256);
end
