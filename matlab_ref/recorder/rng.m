function varargout = rng(varargin)
    % Recording wrapper: calls the real rng and moves the draw-log cursor
    % to the start of the seed's segment (ref_seed).
    %
    % Copyright (C) 2026 The opdims authors
    varargout = ref_seed(nargout, varargin);
end
