function nets = ref_net_set(ctx)
    % The four networks used by the local-dimension fixtures.
    %
    % Each entry: prefix, network, task, seed_run (the s2 seed of the
    % relaxation run; 1011 for the 7-unit synthetic networks so that one
    % seed's draws keep one shape within a fixture).
    %
    % Copyright (C) 2026 The opdims authors
    nets = {'sc_', ref_synthetic_net(104, 7, 5, 2, 1), 'ctxt', 1011
            'ss_', ref_synthetic_net(105, 7, 1, 1, 1), 'swg', 1011
            'oc_', ref_load_net(ctx.networks_dir, 'ctxt_net1'), 'ctxt', 1001
            'os_', ref_load_net(ctx.networks_dir, 'swg_net1'), 'swg', 1001};
end
