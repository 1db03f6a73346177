function meta = ref_meta(generator, nets, notes)
    % Start the metadata of one fixture (and its generation timer).
    %
    % NETS is a cell of network structs (ref_load_net, ref_synthetic_net);
    % the source files of original networks become input files. Set
    % meta.tolerance before saving; add other original data files with
    % ref_meta_add_input.
    %
    % Copyright (C) 2026 The opdims authors
    meta = struct();
    meta.generator = generator;
    meta.networks = cell(1, numel(nets));
    meta.network_sha256 = cell(1, numel(nets));
    meta.network_ids = nan(1, numel(nets));
    meta.input_files = {};
    meta.input_sha256 = {};
    for k = 1:numel(nets)
        meta.networks{k} = nets{k}.label;
        meta.network_sha256{k} = nets{k}.source_sha256;
        meta.network_ids(k) = nets{k}.net_id;
        if ~isempty(nets{k}.source_sha256)
            meta = ref_meta_input(meta, nets{k}.source_file, ...
                                  nets{k}.source_sha256);
        end
    end
    meta.notes = notes;
    meta.tolerance = '';
    meta.t_start = tic;
end

function meta = ref_meta_input(meta, file, sha256)
    % Add an input file once.
    if ~any(strcmp(meta.input_files, file))
        meta.input_files{end + 1} = file;
        meta.input_sha256{end + 1} = sha256;
    end
end
