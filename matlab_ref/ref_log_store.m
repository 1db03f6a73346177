function ref_log_store(name, value)
    % Store one draw at the cursor of the current seed segment.
    %
    % At the end of the segment the draw is appended; at an earlier
    % position (the seed was set again) it must equal the stored draw:
    % same function, same class and size, identical values.
    %
    % Copyright (C) 2026 The opdims authors
    global OPDIMS_DRAWLOG

    if OPDIMS_DRAWLOG.need_seed
        error('opdims:drawlog:unseeded', ...
              ['%s drawn after a log restore without a new rng(seed): ' ...
               'the generator state is unknown'], name);
    end
    seg = OPDIMS_DRAWLOG.seg;
    pos = OPDIMS_DRAWLOG.cursor;
    n_stored = OPDIMS_DRAWLOG.counts(seg);

    if pos <= n_stored
        old_name = OPDIMS_DRAWLOG.funcs{seg}{pos};
        old_value = OPDIMS_DRAWLOG.values{seg}{pos};
        same = strcmp(old_name, name) && strcmp(class(old_value), ...
                                                class(value)) && ...
            isequal(size(old_value), size(value)) && ...
            isequal(old_value, value);
        if ~same
            error('opdims:drawlog:divergence', ...
                  ['draw %d after seed %g: %s of size %s differs from ' ...
                   'the recorded %s of size %s'], pos, ...
                  OPDIMS_DRAWLOG.seeds(seg), name, mat2str(size(value)), ...
                  old_name, mat2str(size(old_value)));
        end
    else
        if pos > numel(OPDIMS_DRAWLOG.values{seg})
            capacity = max(16, 2 * pos);
            OPDIMS_DRAWLOG.values{seg}{capacity} = [];
            OPDIMS_DRAWLOG.funcs{seg}{capacity} = '';
        end
        OPDIMS_DRAWLOG.values{seg}{pos} = value;
        OPDIMS_DRAWLOG.funcs{seg}{pos} = name;
        OPDIMS_DRAWLOG.counts(seg) = pos;
    end
    OPDIMS_DRAWLOG.cursor = pos + 1;
end
