function net = ref_synthetic_net(seed, n_units, n_inputs, n_contexts, n_outputs)
    % Random network with the original weight layout, made from SEED.
    %
    % Recurrent weights 0.9 * randn / sqrt(N) (stable, not chaotic, so
    % long simulations stay comparable to round-off), input weights randn,
    % output weights randn / sqrt(N), initial states 0.5 * randn, biases
    % 0.1 * randn. Must be called while no draw log is recording; the
    % weights are stored in the fixtures.
    %
    % Copyright (C) 2026 The opdims authors
    global OPDIMS_DRAWLOG

    if OPDIMS_DRAWLOG.active
        error('opdims:ref:synthetic', ...
              'make synthetic networks before ref_log_reset');
    end
    rng(seed);
    net = struct();
    net.n_Wru_v = randn(n_units, n_inputs);
    net.n_Wrr_n = 0.9 * randn(n_units, n_units) / sqrt(n_units);
    net.m_Wzr_n = randn(n_outputs, n_units) / sqrt(n_units);
    net.n_x0_c = 0.5 * randn(n_units, n_contexts);
    net.n_bx_1 = 0.1 * randn(n_units, 1);
    net.m_bz_1 = 0.1 * randn(n_outputs, 1);
    net.label = sprintf('synthetic:seed%d', seed);
    net.source_file = '';
    net.source_sha256 = '';
    net.net_id = NaN;
    net.seed = seed;
end
