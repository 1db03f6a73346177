function ds = ref_short_dataset(task)
    % The short trials of the all-network fixtures: 4 trials x 200 steps.
    %
    % ctxt: trials 1:4 of the s1-s4 ctxt dataset with n = 1 and input
    % noise after rng(1000) (contexts 1, 2, 1, 2), steps 601:800 (the last
    % 50 steps of the burn-in, then 150 steps of sensory evidence).
    % swg: trials 1:4 of s1's sine-wave dataset (51 * 3 trials; the
    % generator calls rng(2001)), steps 1:200.
    %
    % ds.inputs [n_in, 200, 4], ds.conditionIds [1, 4], ds.trial_ids,
    % ds.window [first, last step]; swg also ds.freq_ids [1, 4].
    % Call while the draw log is inactive: the generators' draws are not
    % part of these fixtures (inputs.mat covers them).
    %
    % Copyright (C) 2026 The opdims authors
    ds = struct();
    ds.trial_ids = 1:4;
    if strcmp(task, 'ctxt')
        full = ref_ctxt_dataset(1000, 1);
        ds.window = [601 800];
        ids = full.conditionIds;
        inputs = full.inputs;
    else
        gen_swg = utils.input_generation.InputGeneratorSWG;
        [~, freq_ids, inputs, ~, ids] = ...
            gen_swg.get_sine_wave_generator_inputOutputDataset(51 * 3);
        ds.window = [1 200];
        ds.freq_ids = reshape(freq_ids(ds.trial_ids), 1, []);
    end
    ds.inputs = inputs(:, ds.window(1):ds.window(2), ds.trial_ids);
    ds.conditionIds = ids(ds.trial_ids);
end
