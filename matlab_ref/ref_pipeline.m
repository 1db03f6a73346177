function d = ref_pipeline(d, net, global_fun, rank_w, t_idx)
    % The s1, s3 and s4 sequences of calls on the ctxt task (columns).
    %
    % seed_input 1000, seed_run 1001, network and input noise on, as in
    % the scripts, but n_trials = 1 per coherency (12 trials). GLOBAL_FUN
    % returns [global_op_dims, singular_values] (s3 / s4 load local
    % dimensions and call get_global_operative_dimensions with 'all');
    % it runs between s1 and s3 and must leave the draw log as it found
    % it (the log refuses draws until the next rng call). Adds to D the
    % variables listed in matlab_ref/README.md.
    %
    % Copyright (C) 2026 The opdims authors
    seed_input = 1000;
    seed_run = 1001;
    n_units = size(net.n_Wrr_n, 1);
    usl = utils.UtilsSamplingLocs;
    d.seed_input = seed_input;
    d.seed_run = seed_run;
    d.t_idx = t_idx;

    % s1: high-variance dimensions
    ds = ref_ctxt_dataset(seed_input, 1);
    d.coherencies_trial = ds.coherencies_trial;
    d.conditionIds = ds.conditionIds;
    d.inputs = ds.inputs;
    d.targets = ds.targets;
    s = svd(net.n_Wrr_n);
    d.s1_singular_values_W = s;
    d.s1_var_explained_W = s.^2 / sum(s.^2) * 100;
    fp_full = ref_forward(net, net.n_Wrr_n, ds, seed_run);
    d.full_m_z_t = fp_full.m_z_t;
    d.full_n_x_t_sub = fp_full.n_x_t(:, t_idx, :);
    net_activities = fp_full.n_x_t(:, :);
    [~, ~, latent] = pca(net_activities.');
    d.s1_latent = latent;
    d.s1_var_explained_X = latent / sum(latent) * 100;
    [u, ~, ~] = svd(net.n_Wrr_n);
    d.s1_U = u;
    [d.s1_mses, d.s1_statedists] = ref_rank_sweep(net, u, 'columns', ds, ...
                                                  seed_run, fp_full.n_x_t);

    % sampling locations on the condition averages (s2)
    props = usl.get_sampling_location_properties('ctxt');
    d.sampling_locs = ...
        usl.get_sampling_locs_on_condAvgTrajs_ctxt(fp_full.n_x_t, props, ...
                                                   ds.conditionIds, ...
                                                   ds.coherencies_trial);

    % s3: global operative dimensions
    [global_dims, sv] = global_fun(d.sampling_locs);
    ds = ref_ctxt_dataset(seed_input, 1);
    d.s3_global_op_dims = global_dims;
    d.s3_singular_values = sv;
    var_l = sv.^2;
    d.s3_var_explained_L = diag(var_l) / sum(var_l(:)) * 100;
    fp_org = ref_forward(net, net.n_Wrr_n, ds, seed_run);
    [d.s3_mses, d.s3_statedists] = ref_rank_sweep(net, global_dims, ...
                                                  'columns', ds, seed_run, ...
                                                  fp_org.n_x_t);

    % s4: full-rank and reduced-rank network (the full-rank pass equals
    % s1's: full_m_z_t, full_n_x_t_sub)
    ds = ref_ctxt_dataset(seed_input, 1);
    d.s4_rankW = rank_w;
    fp_full = ref_forward(net, net.n_Wrr_n, ds, seed_run);
    if ~isequal(fp_full.m_z_t, d.full_m_z_t)
        error('opdims:ref:pipeline', 's4 full-rank pass differs from s1''s');
    end
    w_reduced = ref_remove_dims(net.n_Wrr_n, ...
                                global_dims(:, rank_w + 1:n_units), 'columns');
    fp_reduced = ref_forward(net, w_reduced, ds, seed_run);
    d.s4_W_reduced = w_reduced;
    d.s4_reduced_m_z_t = fp_reduced.m_z_t;
    d.s4_reduced_n_x_t_sub = fp_reduced.n_x_t(:, t_idx, :);
end
