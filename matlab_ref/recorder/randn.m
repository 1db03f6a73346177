function varargout = randn(varargin)
    % Recording wrapper: calls the real randn and logs the draw (ref_draw).
    %
    % Copyright (C) 2026 The opdims authors
    varargout = ref_draw('randn', nargout, varargin);
end
