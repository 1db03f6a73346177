function ref_teardown()
    % Remove the recorder and shim folders from the path, clear the log.
    %
    % Copyright (C) 2026 The opdims authors
    global OPDIMS_DRAWLOG

    here = fileparts(mfilename('fullpath'));
    folders = {'recorder', 'shim_octave', 'shim_hdf5'};
    current = [pathsep, path(), pathsep];
    for k = 1:numel(folders)
        folder = fullfile(here, folders{k});
        if ~isempty(strfind(current, [pathsep, folder, pathsep]))
            rmpath(folder);
        end
    end
    OPDIMS_DRAWLOG = [];
end
