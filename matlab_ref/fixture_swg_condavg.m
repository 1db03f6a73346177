function fixture_swg_condavg(ctx)
    % UtilsSamplingLocs.get_sampling_locs_on_condAvgTrajs_swg on a noisy
    % forward pass of a synthetic swg-type network (7 units, 1 input,
    % 1 context). The sine-wave dataset needs n = 310 trials before every
    % sampled frequency (1:5:51) has the two trials the function asserts;
    % the forward pass runs on 24 of them (the first two trials of each
    % sampled frequency and of frequency 2), selected in trial order.
    %
    % Copyright (C) 2026 The opdims authors
    net = ref_synthetic_net(103, 7, 1, 1, 1);
    meta = ref_meta(mfilename(), {net}, ...
                    ['dataset: get_sine_wave_generator_inputOutputDataset(' ...
                     '310) (rng(2001) inside); forward pass: seed 1001, ' ...
                     'default noise, on trials trial_ids']);
    gen_swg = utils.input_generation.InputGeneratorSWG;
    usl = utils.UtilsSamplingLocs;
    d = struct();
    d = ref_net_vars(d, 'net_', net);
    w = ref_weights(net);

    meta.tolerance = ['1e-9 relative (500-step noisy run, replayed draws; ' ...
                      'ladder 3)'];
    ref_log_reset();
    d.n_trials_dataset = 310;
    [~, freq_ids, inputs, ~, ~] = ...
        gen_swg.get_sine_wave_generator_inputOutputDataset(d.n_trials_dataset);
    keep = false(size(freq_ids));
    for f = [1:5:51, 2]
        hits = find(freq_ids == f, 2);
        keep(hits) = true;
    end
    d.trial_ids = reshape(find(keep), 1, []);
    d.all_freq_ids = freq_ids(d.trial_ids, 1);
    d.inputs = inputs(:, :, d.trial_ids);
    d.conditionIds = ones(1, numel(d.trial_ids));

    fp = utils.run_one_forwardPass(w{:}, d.inputs, d.conditionIds, 1001, ...
                                   'default');
    props = usl.get_sampling_location_properties('swg');
    d.sampling_locs = usl.get_sampling_locs_on_condAvgTrajs_swg(fp.n_x_t, ...
                                                                props, ...
                                                                d.all_freq_ids);
    ref_save_fixture(ctx, 'swg_condavg_synth.mat', d, meta);
end
