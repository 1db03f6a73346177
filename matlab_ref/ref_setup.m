function info = ref_setup(code_matlab_dir)
    % Put the original code, the shims and the draw recorder on the path.
    %
    % CODE_MATLAB_DIR is the original code_matlab folder (not part of this
    % project). Order on the path, first to last: recorder/ (random draw
    % wrappers), shim_octave/ (Octave only: mean with 'all'), shim_hdf5/
    % (hdf5read reading .mat exports), the original code. Handles to the
    % real random functions are captured before the wrappers are added.
    %
    % Copyright (C) 2026 The opdims authors
    global OPDIMS_DRAWLOG

    if ~isfolder(fullfile(code_matlab_dir, '+utils'))
        error('opdims:ref:path', 'not an original code_matlab folder: %s', ...
              code_matlab_dir);
    end
    here = fileparts(mfilename('fullpath'));
    ref_teardown();

    info = struct();
    info.is_octave = exist('OCTAVE_VERSION', 'builtin') > 0;
    if info.is_octave
        warning('off', 'Octave:shadowed-function');
        pkg('load', 'statistics');
        info.interpreter = 'GNU Octave';
        info.version = OCTAVE_VERSION();
    else
        warning('off', 'MATLAB:dispatcher:nameConflict');
        info.interpreter = 'MATLAB';
        info.version = version();
    end

    names = {'rand', 'randn', 'randperm', 'randi', 'randsample', 'rng'};
    real = struct();
    for k = 1:numel(names)
        entry = struct();
        entry.is_builtin = exist(names{k}, 'builtin') == 5;
        entry.handle = str2func(names{k});
        real.(names{k}) = entry;
    end

    addpath(code_matlab_dir, '-begin');
    addpath(fullfile(code_matlab_dir, 'rnnFramework'), '-begin');
    addpath(fullfile(here, 'shim_hdf5'), '-begin');
    if info.is_octave
        addpath(fullfile(here, 'shim_octave'), '-begin');
    end
    addpath(fullfile(here, 'recorder'), '-begin');

    OPDIMS_DRAWLOG = struct('real', real, 'active', false, 'depth', 0);
    ref_log_reset();
    OPDIMS_DRAWLOG.active = false;

    info.code_matlab_dir = code_matlab_dir;
    info.here = here;
end
