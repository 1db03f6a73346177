function fixture_forward_synth(ctx)
    % run_rnn and utils.run_one_forwardPass on small synthetic networks:
    % noisy and noise-free, seeded and unseeded, several trials, one or
    % two contexts, default and other dt / tau / sigma.
    %
    % Net A: 7 units, 3 inputs, 2 contexts, 2 outputs; net B: 20 units,
    % 1 input, 1 context, 1 output. Inputs (40 steps) are stored.
    %
    % Copyright (C) 2026 The opdims authors
    net_a = ref_synthetic_net(101, 7, 3, 2, 2);
    net_b = ref_synthetic_net(102, 20, 1, 1, 1);
    meta = ref_meta(mfilename(), {net_a, net_b}, ...
                    ['A_rnn: rng(1001), run_rnn(dt 1e-3, tau 1e-2, sigma ' ...
                     '0.1); A_rnn2: rng(1002), run_rnn(dt 2e-3, tau 5e-3, ' ...
                     'sigma 0.05); A_fp_noisy: seed 1001 default noise; ' ...
                     'A_fp_clean: seed 1001 noise 0; A_fp_noseed: seed [] ' ...
                     'noise 0.3 (continues the stream); B_fp_noisy / ' ...
                     'B_fp_clean: seed 1003']);
    d = struct();
    d = ref_net_vars(d, 'A_', net_a);
    d = ref_net_vars(d, 'B_', net_b);
    rng(30);
    d.A_inputs = 0.5 * randn(3, 40, 4);
    d.A_conditionIds = [1 2 2 1];
    d.B_inputs = 0.5 * randn(1, 40, 3);
    d.B_conditionIds = [1 1 1];
    w = ref_weights(net_a);
    v = ref_weights(net_b);
    names = {'n_r_t', 'm_z_t', 'n_r0_1', 'n_x_t', 'n_x0_1'};

    meta.tolerance = '1e-12 relative (40 steps, replayed draws)';
    ref_log_reset();
    rnn_cases = {'A_rnn_', 1001, 0.001, 0.01, 0.1
                 'A_rnn2_', 1002, 0.002, 0.005, 0.05};
    for c = 1:size(rnn_cases, 1)
        rng(rnn_cases{c, 2});
        res = cell(1, 5);
        [res{:}] = run_rnn(w{:}, rnn_cases{c, 3}, rnn_cases{c, 4}, ...
                           rnn_cases{c, 5}, d.A_inputs, d.A_conditionIds);
        for k = 1:numel(names)
            d.([rnn_cases{c, 1}, names{k}]) = res{k};
        end
    end

    fp = utils.run_one_forwardPass(w{:}, d.A_inputs, d.A_conditionIds, ...
                                   1001, 'default');
    d = ref_fp_vars(d, 'A_fp_noisy_', fp);
    fp = utils.run_one_forwardPass(w{:}, d.A_inputs, d.A_conditionIds, ...
                                   1001, 0);
    d = ref_fp_vars(d, 'A_fp_clean_', fp);
    fp = utils.run_one_forwardPass(w{:}, d.A_inputs, d.A_conditionIds, ...
                                   [], 0.3);
    d = ref_fp_vars(d, 'A_fp_noseed_', fp);
    fp = utils.run_one_forwardPass(v{:}, d.B_inputs, d.B_conditionIds, ...
                                   1003, 'default');
    d = ref_fp_vars(d, 'B_fp_noisy_', fp);
    fp = utils.run_one_forwardPass(v{:}, d.B_inputs, d.B_conditionIds, ...
                                   1003, 0);
    d = ref_fp_vars(d, 'B_fp_clean_', fp);

    ref_save_fixture(ctx, 'forward_synth.mat', d, meta);
end
