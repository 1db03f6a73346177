function varargout = rand(varargin)
    % Recording wrapper: calls the real rand and logs the draw (ref_draw).
    %
    % Copyright (C) 2026 The opdims authors
    varargout = ref_draw('rand', nargout, varargin);
end
