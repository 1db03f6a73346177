function state = ref_log_suspend()
    % Set the current log aside (recording stops) and return it.
    %
    % Pass the result to ref_log_resume to continue that log. Random
    % draws made in between move the generator, so the resumed log
    % refuses any draw until the next rng(seed).
    %
    % Copyright (C) 2026 The opdims authors
    global OPDIMS_DRAWLOG

    state = rmfield(OPDIMS_DRAWLOG, 'real');
    OPDIMS_DRAWLOG.active = false;
end
