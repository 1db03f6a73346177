function ref_log_reset()
    % Start a new, empty, active draw log.
    %
    % The log holds one segment per seed; segment 1 (seed NaN) collects the
    % draws made before the first rng call.
    %
    % Copyright (C) 2026 The opdims authors
    global OPDIMS_DRAWLOG

    OPDIMS_DRAWLOG.seeds = NaN;
    OPDIMS_DRAWLOG.funcs = {{}};
    OPDIMS_DRAWLOG.values = {{}};
    OPDIMS_DRAWLOG.counts = 0;
    OPDIMS_DRAWLOG.seg = 1;
    OPDIMS_DRAWLOG.cursor = 1;
    OPDIMS_DRAWLOG.need_seed = false;
    OPDIMS_DRAWLOG.depth = 0;
    OPDIMS_DRAWLOG.active = true;
end
