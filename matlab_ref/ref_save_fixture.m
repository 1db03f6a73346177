function ref_save_fixture(ctx, file_name, data, meta)
    % Save fixture DATA (a struct of variables) as a compressed -v7 .mat.
    %
    % Adds the draw log (ref_log_take) and meta_* variables: generator,
    % interpreter and version, original commit, networks (label and
    % source sha256, net id), original input files and their sha256, notes,
    % tolerance and elapsed generation time.
    %
    % Copyright (C) 2026 The opdims authors
    draws = ref_log_take();
    names = fieldnames(draws);
    for k = 1:numel(names)
        data.(names{k}) = draws.(names{k});
    end
    data.meta_generator = ['matlab_ref/', meta.generator, '.m'];
    data.meta_interpreter = ctx.info.interpreter;
    data.meta_interpreter_version = ctx.info.version;
    data.meta_original_commit = ctx.commit;
    data.meta_networks = meta.networks;
    data.meta_network_sha256 = meta.network_sha256;
    data.meta_network_ids = meta.network_ids;
    data.meta_input_files = meta.input_files;
    data.meta_input_sha256 = meta.input_sha256;
    data.meta_notes = meta.notes;
    if isempty(meta.tolerance)
        error('opdims:ref:meta', '%s: no tolerance stated', file_name);
    end
    data.meta_tolerance = meta.tolerance;
    data.meta_elapsed_s = toc(meta.t_start);
    file = fullfile(ctx.out_dir, file_name);
    save(file, '-struct', 'data', '-v7');
    fprintf('wrote %s (%.1f s)\n', file, data.meta_elapsed_s);
end
