function make_all_fixtures(code_matlab_dir, networks_dir, out_dir, only)
    % Run the original code and write every parity fixture.
    %
    % make_all_fixtures(code_matlab_dir, networks_dir, out_dir)
    % make_all_fixtures(..., only)  % cell of fixture function names
    %
    % code_matlab_dir: the original code_matlab folder (ManteLab/
    %   operative_dimensions, commit below); it is only added to the path.
    % networks_dir: folder written by export_networks.py (ctxt_net<k>.mat,
    %   swg_net<k>.mat for k = 1..20, localOpDims_<task>_columns.mat).
    % out_dir: where the .mat fixtures go (parity_tests/fixtures).
    %
    % Copyright (C) 2026 The opdims authors
    all_fixtures = {'fixture_kernels', 'fixture_sampling_props', ...
                    'fixture_inputs', 'fixture_forward_synth', ...
                    'fixture_forward_ctxt_net1', 'fixture_swg_condavg', ...
                    'fixture_deltaff', 'fixture_local_columns', ...
                    'fixture_local_rows_synth', ...
                    'fixture_local_rows_ctxt_net1', ...
                    'fixture_global_dims', 'fixture_pipeline_synth', ...
                    'fixture_pipeline_ctxt_net1', ...
                    'fixture_all_networks', ...
                    'fixture_local_rows_more_networks'};
    if nargin < 4
        only = all_fixtures;
    end
    unknown = setdiff(only, all_fixtures);
    if ~isempty(unknown)
        error('opdims:ref:fixture', 'unknown fixture %s', unknown{1});
    end

    ctx = struct();
    ctx.info = ref_setup(code_matlab_dir);
    ctx.commit = 'd7c1ad99b9afa7998e2c15484ec13253ebe3d426';
    ctx.networks_dir = networks_dir;
    ctx.out_dir = out_dir;
    if ~isfolder(out_dir)
        mkdir(out_dir);
    end
    t_all = tic;
    try
        for k = 1:numel(all_fixtures)
            if any(strcmp(only, all_fixtures{k}))
                feval(all_fixtures{k}, ctx);
            end
        end
    catch err
        ref_teardown();
        rethrow(err);
    end
    ref_teardown();
    fprintf('all fixtures done in %.1f s\n', toc(t_all));
end
