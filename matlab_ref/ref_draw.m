function out = ref_draw(name, n_out, args)
    % Call the real random function NAME with ARGS and log the draw.
    %
    % Called by the wrappers in recorder/. Calls made while another
    % wrapper runs (e.g. the rand calls inside Octave's randi or
    % randsample), calls while the log is inactive, and state calls such
    % as randn('state', s) (a first input of char other than a class
    % name) pass through unrecorded. Returns the outputs
    % as a cell for the wrapper's varargout.
    %
    % Copyright (C) 2026 The opdims authors
    global OPDIMS_DRAWLOG

    is_state_call = any(strcmp(name, {'rand', 'randn'})) && ...
        ~isempty(args) && ischar(args{1}) && ...
        ~any(strcmp(args{1}, {'double', 'single', 'like'}));
    if ~OPDIMS_DRAWLOG.active || OPDIMS_DRAWLOG.depth > 0 || is_state_call
        out = ref_call_real(name, n_out, args);
        return
    end

    OPDIMS_DRAWLOG.depth = OPDIMS_DRAWLOG.depth + 1;
    try
        value = ref_call_real(name, 1, args);
    catch err
        OPDIMS_DRAWLOG.depth = OPDIMS_DRAWLOG.depth - 1;
        rethrow(err);
    end
    OPDIMS_DRAWLOG.depth = OPDIMS_DRAWLOG.depth - 1;
    ref_log_store(name, value{1});
    out = value;
end
