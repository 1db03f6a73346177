function m = mean(x, dim)
    % Octave-only shim: mean with the 'all' option used by the original
    % get_mse (Octave 7's own mean lacks it). Arithmetic mean as
    % sum / count, over all elements ('all'), a given dimension, or the
    % first non-singleton dimension.
    %
    % Copyright (C) 2026 The opdims authors
    if nargin < 2
        dim = find(size(x) ~= 1, 1);
        if isempty(dim)
            dim = 1;
        end
    end
    if ischar(dim)
        if ~strcmp(dim, 'all')
            error('opdims:shim:mean', 'unsupported mean option %s', dim);
        end
        m = sum(x(:)) / numel(x);
    else
        m = sum(x, dim) / size(x, dim);
    end
end
