function [locs, ctxt_ids, loc_t, loc_trial] = ref_short_locs(fp, ds, task)
    % Sampling locations reached by the short forward pass FP: the states
    % n_x_t(:, loc_t(l), loc_trial(l)) for (step, trial) = (50, 1),
    % (150, 2), (200, 4) of the short trials DS.
    %
    % locs [3, N]; ctxt_ids [1, 3]: the trials' contexts (ctxt), NaN (swg).
    %
    % Copyright (C) 2026 The opdims authors
    loc_t = [50 150 200];
    loc_trial = [1 2 4];
    n_units = size(fp.n_x_t, 1);
    locs = zeros(numel(loc_t), n_units);
    ctxt_ids = nan(1, numel(loc_t));
    for k = 1:numel(loc_t)
        locs(k, :) = fp.n_x_t(:, loc_t(k), loc_trial(k)).';
        if strcmp(task, 'ctxt')
            ctxt_ids(k) = ds.conditionIds(loc_trial(k));
        end
    end
end
