function varargout = randsample(varargin)
    % Recording wrapper: calls the real randsample and logs the draw (ref_draw).
    %
    % Copyright (C) 2026 The opdims authors
    varargout = ref_draw('randsample', nargout, varargin);
end
