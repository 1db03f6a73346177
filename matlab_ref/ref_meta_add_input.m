function meta = ref_meta_add_input(meta, ctx, export_name)
    % Record an original data file read through its .mat export
    % EXPORT_NAME (e.g. 'localOpDims_ctxt_columns') as a fixture input.
    %
    % Copyright (C) 2026 The opdims authors
    src = load(fullfile(ctx.networks_dir, [export_name, '.mat']), ...
               'source_file', 'source_sha256');
    file = strtrim(src.source_file);
    if ~any(strcmp(meta.input_files, file))
        meta.input_files{end + 1} = file;
        meta.input_sha256{end + 1} = strtrim(src.source_sha256);
    end
end
