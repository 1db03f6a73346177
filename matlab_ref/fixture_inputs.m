function fixture_inputs(ctx)
    % Input generators: InputGeneratorCtxt.get_ctxt_dep_integrator_
    % inputOutputDataset (n = 1 with and without input noise, n = 2 with
    % noise), generate_one_trial, InputGeneratorSWG.get_simulation_
    % parameters, get_input_parameters and get_sine_wave_generator_
    % inputOutputDataset (n = 7, which seeds rng(2001) itself).
    %
    % Copyright (C) 2026 The opdims authors
    meta = ref_meta(mfilename(), {}, ...
                    ['ctxt n1: rng(1000) before each call (the clean ' ...
                     'call replays the noisy call''s draws); ctxt n2: ' ...
                     'rng(1002); generate_one_trial: rng(11) once, then ' ...
                     'the cases in order']);
    gen_ctxt = utils.input_generation.InputGeneratorCtxt;
    gen_swg = utils.input_generation.InputGeneratorSWG;
    outs = {'coherencies_trial', 'conditionIds', 'inputs', 'targets'};
    d = struct();
    meta.tolerance = ['ids, coherencies, frequencies: exact; inputs and ' ...
                      'targets: 1e-12 relative'];
    ref_log_reset();

    cases = {'ctxt_n1_noise', 1000, 1, true
             'ctxt_n1_clean', 1000, 1, false
             'ctxt_n2_noise', 1002, 2, true};
    for c = 1:size(cases, 1)
        rng(cases{c, 2});
        res = cell(1, 4);
        n_trials = cases{c, 3};
        with_noise = cases{c, 4};
        [res{:}] = ...
            gen_ctxt.get_ctxt_dep_integrator_inputOutputDataset(n_trials, ...
                                                                with_noise);
        for k = 1:numel(outs)
            d.([cases{c, 1}, '_', outs{k}]) = res{k};
        end
    end

    d.one_trial_drifts = [0.15 -0.036 0.009 -0.15
                          -0.036 0.15 -0.009 0.15];
    d.one_trial_ctxt = [1 2 1 2];
    d.one_trial_sigma = [0 31.6228 * sqrt(0.001) 1 0];
    n_cases = numel(d.one_trial_ctxt);
    d.one_trial_inputs = zeros(5, 1400, n_cases);
    d.one_trial_targets = zeros(1, 1400, n_cases);
    rng(11);
    for c = 1:n_cases
        [d.one_trial_inputs(:, :, c), d.one_trial_targets(:, :, c)] = ...
            gen_ctxt.generate_one_trial(d.one_trial_drifts(:, c), ...
                                        d.one_trial_ctxt(c), ...
                                        d.one_trial_sigma(c));
    end

    d.swg_n = 7;
    sim = gen_swg.get_simulation_parameters(d.swg_n);
    d.swg_sim_dt = sim.dt;
    d.swg_sim_time = sim.time;
    d.swg_sim_nTrials = sim.nTrials;
    inp = gen_swg.get_input_parameters();
    d.swg_inp_nFreqs = inp.nFreqs;
    d.swg_inp_max_freq = inp.max_freq;
    d.swg_inp_min_freq = inp.min_freq;
    d.swg_inp_seed_freqs = inp.seed_freqs;
    res = cell(1, 5);
    [res{:}] = gen_swg.get_sine_wave_generator_inputOutputDataset(d.swg_n);
    outs = {'all_freqs', 'all_freq_ids', 'inputs', 'targets', 'conditionIds'};
    for k = 1:numel(outs)
        d.(['swg_n7_', outs{k}]) = res{k};
    end

    ref_save_fixture(ctx, 'inputs.mat', d, meta);
end
