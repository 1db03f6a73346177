function fixture_forward_ctxt_net1(ctx)
    % utils.run_one_forwardPass on original ctxt network 1: two full
    % 1400-step trials (trials 1 and 2 of the ctxt generator's n = 1
    % dataset after rng(1000)), noisy (seed 1001, default noise) and
    % noise-free (seed 1001, noise 0: same draws). The weights are not
    % stored (see meta_network_sha256).
    %
    % Copyright (C) 2026 The opdims authors
    net = ref_load_net(ctx.networks_dir, 'ctxt_net1');
    meta = ref_meta(mfilename(), {net}, ...
                    ['inputs: rng(1000), ctxt generator n = 1 with input ' ...
                     'noise, trials 1:2; n_x_t stored every 10th step ' ...
                     '(t_idx) as *_n_x_t_sub']);
    gen_ctxt = utils.input_generation.InputGeneratorCtxt;
    d = struct();
    d = ref_net_vars(d, 'net_', net);
    w = ref_weights(net);
    d.trial_ids = [1 2];
    d.t_idx = 10:10:1400;

    meta.tolerance = ['1e-9 relative (1400-step noisy run, replayed draws; ' ...
                      'ladder 3)'];
    ref_log_reset();
    rng(1000);
    [~, condition_ids, inputs] = ...
        gen_ctxt.get_ctxt_dep_integrator_inputOutputDataset(1, true);
    d.inputs = inputs(:, :, d.trial_ids);
    d.conditionIds = condition_ids(d.trial_ids);

    fp = utils.run_one_forwardPass(w{:}, d.inputs, d.conditionIds, 1001, ...
                                   'default');
    d = ref_fp_vars(d, 'noisy_', fp, d.t_idx);
    fp = utils.run_one_forwardPass(w{:}, d.inputs, d.conditionIds, 1001, 0);
    d = ref_fp_vars(d, 'clean_', fp, d.t_idx);

    ref_save_fixture(ctx, 'forward_ctxt_net1.mat', d, meta);
end
