function out = ref_seed(n_out, args)
    % Call the real rng with ARGS and move the log cursor to the seed.
    %
    % rng(s), rng(s, 'twister') and rng('default') (seed 0, as in MATLAB)
    % select the segment of that seed, creating it at first use, and put
    % the cursor at its start. Queries (rng with no input) pass through.
    % Seedings the log cannot replay (other generators, 'shuffle', a
    % saved state structure) raise an error while recording.
    %
    % Copyright (C) 2026 The opdims authors
    global OPDIMS_DRAWLOG

    if ~OPDIMS_DRAWLOG.active || OPDIMS_DRAWLOG.depth > 0 || isempty(args)
        out = ref_call_real('rng', n_out, args);
        return
    end

    seed = ref_seed_value(args);
    OPDIMS_DRAWLOG.depth = OPDIMS_DRAWLOG.depth + 1;
    try
        out = ref_call_real('rng', n_out, args);
    catch err
        OPDIMS_DRAWLOG.depth = OPDIMS_DRAWLOG.depth - 1;
        rethrow(err);
    end
    OPDIMS_DRAWLOG.depth = OPDIMS_DRAWLOG.depth - 1;

    seg = find(OPDIMS_DRAWLOG.seeds == seed, 1);
    if isempty(seg)
        seg = numel(OPDIMS_DRAWLOG.seeds) + 1;
        OPDIMS_DRAWLOG.seeds(seg) = seed;
        OPDIMS_DRAWLOG.funcs{seg} = {};
        OPDIMS_DRAWLOG.values{seg} = {};
        OPDIMS_DRAWLOG.counts(seg) = 0;
    end
    OPDIMS_DRAWLOG.seg = seg;
    OPDIMS_DRAWLOG.cursor = 1;
    OPDIMS_DRAWLOG.need_seed = false;
end

function seed = ref_seed_value(args)
    % Seed that an rng call sets, or an error if the log cannot use it.
    first = args{1};
    if ischar(first) && strcmpi(first, 'default') && numel(args) == 1
        seed = 0;
        return
    end
    if ~(isnumeric(first) && isscalar(first) && isreal(first) && ...
         first >= 0 && first == round(first))
        error('opdims:drawlog:seed', ...
              'rng call not supported while recording draws');
    end
    if numel(args) > 2 || (numel(args) == 2 && ...
                           ~(ischar(args{2}) && strcmpi(args{2}, 'twister')))
        error('opdims:drawlog:generator', ...
              'only the twister generator is supported while recording');
    end
    seed = double(first);
end
