function varargout = randperm(varargin)
    % Recording wrapper: calls the real randperm and logs the draw (ref_draw).
    %
    % Copyright (C) 2026 The opdims authors
    varargout = ref_draw('randperm', nargout, varargin);
end
