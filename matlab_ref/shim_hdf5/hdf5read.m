function data = hdf5read(filename, dataset)
    % Shim for the original code's hdf5read: reads a .mat export.
    %
    % FILENAME is a .mat file written by export_networks.py; the dataset
    % path '/a/b' is the variable a__b, with '-' written as 'm'.
    %
    % Copyright (C) 2026 The opdims authors
    name = strrep(dataset, '/', '__');
    while numel(name) >= 2 && strcmp(name(1:2), '__')
        name = name(3:end);
    end
    name = strrep(name, '-', 'm');
    contents = load(filename, name);
    if ~isfield(contents, name)
        error('opdims:shim:hdf5read', 'no dataset %s in %s', dataset, ...
              filename);
    end
    data = contents.(name);
end
