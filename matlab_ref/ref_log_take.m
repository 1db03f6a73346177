function draws = ref_log_take()
    % Stop recording and return the log as fixture variables.
    %
    % draws.draw_seeds:  1xS double, NaN for the initial segment
    % draws.draw_funcs:  1xS cell, each a 1xn cell of function names
    % draws.draw_values: 1xS cell, each a 1xn cell of returned arrays
    %
    % Copyright (C) 2026 The opdims authors
    global OPDIMS_DRAWLOG

    n_seg = numel(OPDIMS_DRAWLOG.seeds);
    funcs = cell(1, n_seg);
    values = cell(1, n_seg);
    for seg = 1:n_seg
        n_draws = OPDIMS_DRAWLOG.counts(seg);
        funcs{seg} = reshape(OPDIMS_DRAWLOG.funcs{seg}(1:n_draws), 1, n_draws);
        values{seg} = reshape(OPDIMS_DRAWLOG.values{seg}(1:n_draws), ...
                              1, n_draws);
    end
    draws = struct();
    draws.draw_seeds = reshape(OPDIMS_DRAWLOG.seeds, 1, n_seg);
    draws.draw_funcs = funcs;
    draws.draw_values = values;
    OPDIMS_DRAWLOG.active = false;
end
