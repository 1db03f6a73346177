function ds = ref_ctxt_dataset(seed_input, n_trials)
    % The ctxt dataset as the s1-s4 scripts make it: rng(seed_input),
    % then get_ctxt_dep_integrator_inputOutputDataset(n_trials, 1).
    %
    % Copyright (C) 2026 The opdims authors
    gen_ctxt = utils.input_generation.InputGeneratorCtxt;
    rng(seed_input);
    ds = struct();
    [ds.coherencies_trial, ds.conditionIds, ds.inputs, ds.targets] = ...
        gen_ctxt.get_ctxt_dep_integrator_inputOutputDataset(n_trials, 1);
end
