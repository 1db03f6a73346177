function out = ref_call_real(name, n_out, args)
    % Call the real (unwrapped) function NAME with N_OUT outputs.
    %
    % Built-in functions go through builtin(); m-file functions (randi and
    % randsample in Octave, rng and randsample everywhere) through the
    % handle that ref_setup captured before the wrappers were on the path.
    %
    % Copyright (C) 2026 The opdims authors
    global OPDIMS_DRAWLOG

    real = OPDIMS_DRAWLOG.real.(name);
    out = cell(1, n_out);
    if real.is_builtin
        if n_out == 0
            builtin(name, args{:});
        else
            [out{:}] = builtin(name, args{:});
        end
    else
        if n_out == 0
            real.handle(args{:});
        else
            [out{:}] = real.handle(args{:});
        end
    end
end
