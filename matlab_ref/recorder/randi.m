function varargout = randi(varargin)
    % Recording wrapper: calls the real randi and logs the draw (ref_draw).
    %
    % Copyright (C) 2026 The opdims authors
    varargout = ref_draw('randi', nargout, varargin);
end
