function fp = ref_short_forward(net, ds)
    % utils.run_one_forwardPass of NET on the short trials DS
    % (ref_short_dataset) from the network's own initial states, seed
    % 1001 (the s1-s4 seed_run), default network noise.
    %
    % Copyright (C) 2026 The opdims authors
    w = ref_weights(net);
    fp = utils.run_one_forwardPass(w{:}, ds.inputs, ds.conditionIds, 1001, ...
                                   'default');
end
