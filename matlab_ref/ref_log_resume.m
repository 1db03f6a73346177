function ref_log_resume(state)
    % Continue a log set aside by ref_log_suspend.
    %
    % Copyright (C) 2026 The opdims authors
    global OPDIMS_DRAWLOG

    names = fieldnames(state);
    for k = 1:numel(names)
        OPDIMS_DRAWLOG.(names{k}) = state.(names{k});
    end
    OPDIMS_DRAWLOG.need_seed = true;
    OPDIMS_DRAWLOG.active = true;
end
