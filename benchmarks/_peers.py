"""The two peers of ``bench_peers.py``: the original MATLAB code (under GNU Octave
or MATLAB) and the authors' Python port, run on the inputs that
``bench_peers.py`` saved in its working folder (``inputs.mat``).

Neither peer's code is part of this project. The original's folders are only
put on the interpreter's path; the port is copied to the working folder (so
nothing, not even ``__pycache__``, is written into the user's checkout) and
imported from there, unchanged. Both run the call sequences of the original
scripts (``s2_generate_operative_dimensions``, ``s3_analysis_global_operative_dimensions``):
the scripts and notebooks cannot be called as functions (fixed paths, plots,
file output), so the drivers below repeat their statements, as the fixture
drivers in ``matlab_ref/`` do.

The port runs in its own interpreter: ``python benchmarks/_peers.py port WORKDIR``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

#: What is changed to run the port on current NumPy / SciPy; printed and documented.
PORT_PATCHES = [
    ("s2_generate_operative_dimensions.ipynb, row optimisation: "
     "`minimize(get_neg_deltaFF, x0, method='CG', tol=1e-6, args=...)` is called with `x0.ravel()` "
     "instead of the [N, 1] start `x0` (SciPy >= 1.11 rejects a 2-D start: \"'x0' must only have one "
     "dimension\"); nothing else. The modules in `utils/` and `rnnFramework/` run unchanged."),
]

#: How the inputs reach each peer (not patches: the peers' arithmetic is untouched).
INPUT_FEEDS = [
    ("trials: the same inputs, targets, condition ids and coherencies for all three peers (generated once "
     "by opdims, MATLAB-twister stream, seed_input 1000, saved to `inputs.mat`); the peers' own input "
     "generators are not timed"),
    ("network noise: the same standard-normal noise for all three. Original: a `randn.m` placed first on "
     "the path returns the saved [N, T] noise of the next trial when called as `randn(N, T)` with T the "
     "trials' length, and calls the built-in `randn` otherwise. Port: `np.random.normal` as seen by "
     "`rnnFramework/run_rnn.py` (its module attribute `np`) does the same; the file is unchanged"),
    ("row optimisation starts: the same unit random starts for the original (`fminunc`) and the port "
     "(`minimize`), instead of each drawing `randn([N, 1])`"),
    ("original under Octave: `matlab_ref/shim_octave/mean.m` first on the path (Octave 7 lacks "
     "`mean(x, 'all')`, used by `get_mse`); `fminunc` with `optimset('Display', 'off', 'TolX', 1e-6)` "
     "instead of s2's `'Display', 'iter'` (no per-iteration printing), as the fixture drivers"),
    ("weights: the port reads the authors' `.h5` with its own `UtilsIO.load_weights`; the original gets the "
     "same arrays from `inputs.mat` (Octave has no `h5read`)"),
    ("not timed in any peer: writing / reading the local-dimension `.h5` files between s2 and s3 (Octave "
     "has no `h5create`; the dimensions are passed in memory, laid out as `load_local_op_dims` returns "
     "them), plots, input generation"),
]

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


# ---------------------------------------------------------------------------------------------
# The original MATLAB code
# ---------------------------------------------------------------------------------------------

RANDN_SHIM = r"""function varargout = randn(varargin)
    % bench_peers: serves the saved network noise, one trial's [N, T] per
    % call randn(N, T) (run_rnn's draw), trial after trial; anything else
    % goes to the built-in randn. Written for the opdims benchmark.
    global OPDIMS_PEER_NOISE OPDIMS_PEER_CURSOR
    if nargin == 2 && ~isempty(OPDIMS_PEER_NOISE) && isnumeric(varargin{1}) && isnumeric(varargin{2}) ...
            && isscalar(varargin{1}) && isscalar(varargin{2}) ...
            && varargin{1} == size(OPDIMS_PEER_NOISE, 1) && varargin{2} == size(OPDIMS_PEER_NOISE, 2)
        k = mod(OPDIMS_PEER_CURSOR, size(OPDIMS_PEER_NOISE, 3)) + 1;
        OPDIMS_PEER_CURSOR = OPDIMS_PEER_CURSOR + 1;
        varargout{1} = OPDIMS_PEER_NOISE(:, :, k);
    elseif nargout == 0
        builtin('randn', varargin{:});  % e.g. rng's randn('state', s)
    else
        [varargout{1:nargout}] = builtin('randn', varargin{:});
    end
end
"""

DRIVER = r"""function peers_driver(workdir, code_matlab, shim_octave, shim_noise)
    % bench_peers: the original code on the saved inputs; results to
    % original_results.mat. Call sequences of s2 / s3 (see _peers.py).
    % Written for the opdims benchmark; the original code is only called.
    global OPDIMS_PEER_NOISE OPDIMS_PEER_CURSOR
    is_octave = exist('OCTAVE_VERSION', 'builtin') > 0;
    if is_octave
        warning('off', 'Octave:shadowed-function');
        R.interpreter = ['GNU Octave ', OCTAVE_VERSION()];
    else
        warning('off', 'MATLAB:dispatcher:nameConflict');
        R.interpreter = ['MATLAB ', version()];
    end
    addpath(code_matlab, '-begin');
    addpath(fullfile(code_matlab, 'rnnFramework'), '-begin');
    if is_octave
        addpath(shim_octave, '-begin');
    end
    addpath(shim_noise, '-begin');

    t_load = tic;
    S = load(fullfile(workdir, 'inputs.mat'));
    R.load_s = toc(t_load);
    Wru = S.n_Wru_v; Wrr = S.n_Wrr_n; Wzr = S.m_Wzr_n; x0c = S.n_x0_c; bx = S.n_bx_1; bz = S.m_bz_1;
    n_units = size(Wrr, 1);
    n_inputs = size(Wru, 2);
    seed_run = S.seed_run;
    net_noise = 'default';
    dim_type_cols = 'columns';
    say('original: W1 forward pass');

    % W1: one forward pass of the s3 trials
    OPDIMS_PEER_NOISE = S.s3_noise; OPDIMS_PEER_CURSOR = 0;
    R.w1_s = nan(1, S.repeats_forward);
    for rep = 1:S.repeats_forward
        t = tic;
        fp_org = utils.run_one_forwardPass(Wru, Wrr, Wzr, x0c, bx, bz, S.s3_inputs, S.s3_conditionIds, ...
                                           seed_run, net_noise);
        R.w1_s(rep) = toc(t);
    end
    R.w1_z = fp_org.m_z_t;
    R.w1_x_last = squeeze(fp_org.n_x_t(:, end, :));
    R.w1_cost = utils.get_mse(fp_org.m_z_t, S.s3_targets, 'all');

    % W2: one s3 rank step (rank k of the given basis), against the W1 pass
    say('original: W2 rank step');
    R.w2_s = nan(1, S.repeats_rank_step);
    for rep = 1:S.repeats_rank_step
        t = tic;
        W_mod = utils.remove_dimension_from_weight_matrix(Wrr, S.basis(:, S.rank_k + 1:n_units), dim_type_cols);
        fp = utils.run_one_forwardPass(Wru, W_mod, Wzr, x0c, bx, bz, S.s3_inputs, S.s3_conditionIds, ...
                                       seed_run, net_noise);
        mse = utils.get_mse(fp.m_z_t, S.s3_targets, 'all');
        statedist = utils.get_state_distance_between_trajs(fp.n_x_t, fp_org.n_x_t);
        R.w2_s(rep) = toc(t);
    end
    R.w2_cost = mse;
    R.w2_statedist = statedist;
    clear fp fp_org
    OPDIMS_PEER_NOISE = [];

    % W3 / W4: row dimensions at one location, s2's loop (greedy until abs(fval) < 1e-8)
    rmpath(shim_noise);  % no saved noise here: the built-in randn, without the shim's call
    say('original: W3/W4 row dimensions at one location');
    thr_fval = 1e-8;
    t = tic;
    P = struct();
    P.local_op_dims = nan([n_units, n_units]);
    P.all_fvals = nan([n_units, 1]);
    P.sampling_loc = S.loc_state;
    P.ctxt_id = S.loc_ctxt;
    P.all_trajs_org = relax(P, Wru, Wrr, Wzr, bx, bz, n_units, n_inputs, seed_run);
    R.w4_relax_s = toc(t);
    n_row_dims = min(S.row_max_dims, n_units);
    R.w4_dim_s = nan(1, n_row_dims);
    R.w4_fevals = nan(1, n_row_dims);
    options = optimset('Display', 'off', 'TolX', 1e-6);
    for dim_nr = 1:n_row_dims
        t = tic;
        op_dims = P.local_op_dims(1:dim_nr - 1, :).';
        x0 = S.row_starts(:, dim_nr);
        dims_to_be_orth = op_dims;
        fun = @(x0)utils.get_neg_deltaFF(x0, dims_to_be_orth, P, Wru, Wrr, Wzr, bx, bz, 'rows', 'ctxt');
        [x0, fval, ~, output] = fminunc(fun, x0, options);
        [Q, ~] = qr([op_dims, utils.make_unit_length(x0)], 0);
        P.local_op_dims(dim_nr, :) = utils.make_unit_length(Q(:, end));
        P.all_fvals(dim_nr, 1) = fval;
        R.w4_dim_s(dim_nr) = toc(t);
        R.w4_fevals(dim_nr) = output.funcCount;
        say(sprintf('original: row dimension %d, fval %.6g, %.1f s', dim_nr, fval, R.w4_dim_s(dim_nr)));
        if abs(fval) < thr_fval
            break
        end
    end
    R.w4_fvals = P.all_fvals;
    R.w4_dims = P.local_op_dims;
    addpath(shim_noise, '-begin');

    % W5: s2 (columns) then s3 with the 100-rank sweep (ranks S.sweep_ranks timed)
    say('original: W5 s2 forward pass and sampling locations');
    USL = utils.UtilsSamplingLocs;
    UOD = utils.UtilsOpDims;
    props = USL.get_sampling_location_properties('ctxt');
    OPDIMS_PEER_NOISE = S.s2_noise; OPDIMS_PEER_CURSOR = 0;
    t = tic;
    fp = utils.run_one_forwardPass(Wru, Wrr, Wzr, x0c, bx, bz, S.s2_inputs, S.s2_conditionIds, seed_run, net_noise);
    sampling_locs = USL.get_sampling_locs_on_condAvgTrajs_ctxt(fp.n_x_t, props, S.s2_conditionIds, ...
                                                               S.s2_coherencies_trial);
    R.w5_s2_forward_s = toc(t);
    clear fp
    OPDIMS_PEER_NOISE = [];

    say('original: W5 s2 local column dimensions');
    n_locs = numel(props.t_start_pt_per_loc);
    all_local_op_dims = nan([n_locs, n_units, n_units]);
    all_fvals = nan([n_locs, n_units]);
    all_locs = nan([n_locs, n_units]);
    t = tic;
    for loc_nr = 1:n_locs
        P = struct();
        P.local_op_dims = nan([n_units, n_units]);
        P.all_fvals = nan([n_units, 1]);
        start_pt_nr = USL.map_optLocNr_to_startPtNr(loc_nr, props);
        inpCond_nr = USL.map_optLocNr_to_inpCondNr(loc_nr, props, 'ctxt');
        P.sampling_loc = squeeze(sampling_locs(inpCond_nr, :, start_pt_nr));
        P.t_start_point = props.t_start_pt_per_loc(loc_nr);
        P.ctxt_id = props.ctxt_per_loc(loc_nr);
        P.signCoh1 = props.signCoh1_per_loc(loc_nr);
        P.signCoh2 = props.signCoh2_per_loc(loc_nr);
        dim_name = UOD.get_name_of_local_operative_dims('ctxt', P.t_start_point(1), P.ctxt_id, ...
                                                        P.signCoh1, P.signCoh2, []);
        P.all_trajs_org = relax(P, Wru, Wrr, Wzr, bx, bz, n_units, n_inputs, seed_run);
        P.local_op_dims(1, :) = utils.make_unit_length(Wrr * tanh(P.sampling_loc).');
        fval = utils.get_neg_deltaFF(P.local_op_dims(1, :).', [], P, Wru, Wrr, Wzr, bx, bz, ...
                                     dim_type_cols, 'ctxt');
        P.all_fvals = nan([n_units, 1]);
        P.all_fvals(1, 1) = fval;
        % (s2 saves P to the .h5 file here; s3's load_local_op_dims reads it back as below)
        all_local_op_dims(loc_nr, :, :) = reshape(P.local_op_dims, [1, n_units, n_units]);
        all_fvals(loc_nr, :) = P.all_fvals.';
        all_locs(loc_nr, :) = P.sampling_loc;
    end
    R.w5_s2_columns_s = toc(t);
    R.w5_locations = all_locs;
    R.w5_column_fvals = all_fvals(:, 1);

    say('original: W5 s3 global dimensions');
    t = tic;
    [global_op_dims, singular_values] = UOD.get_global_operative_dimensions('all', props, all_local_op_dims, all_fvals);
    R.w5_s3_global_s = toc(t);
    R.w5_singular_values = diag(singular_values);

    say('original: W5 s3 full-rank pass');
    OPDIMS_PEER_NOISE = S.s3_noise; OPDIMS_PEER_CURSOR = 0;
    t = tic;
    fp_org = utils.run_one_forwardPass(Wru, Wrr, Wzr, x0c, bx, bz, S.s3_inputs, S.s3_conditionIds, seed_run, net_noise);
    R.w5_s3_full_s = toc(t);
    ranks = S.sweep_ranks(:).';
    R.w5_sweep_ranks = ranks;
    R.w5_sweep_s = nan(size(ranks));
    R.w5_sweep_cost = nan(size(ranks));
    R.w5_sweep_statedist = nan(size(ranks));
    for i = 1:numel(ranks)
        dim_nr = ranks(i);
        t = tic;
        W_mod = utils.remove_dimension_from_weight_matrix(Wrr, global_op_dims(:, dim_nr + 1:n_units), dim_type_cols);
        fp = utils.run_one_forwardPass(Wru, W_mod, Wzr, x0c, bx, bz, S.s3_inputs, S.s3_conditionIds, seed_run, net_noise);
        R.w5_sweep_cost(i) = utils.get_mse(fp.m_z_t, S.s3_targets, 'all');
        R.w5_sweep_statedist(i) = utils.get_state_distance_between_trajs(fp.n_x_t, fp_org.n_x_t);
        R.w5_sweep_s(i) = toc(t);
        say(sprintf('original: sweep rank %d, %.1f s', dim_nr, R.w5_sweep_s(i)));
    end
    OPDIMS_PEER_NOISE = [];
    save(fullfile(workdir, 'original_results.mat'), '-v7', '-struct', 'R');
end

function trajs = relax(P, Wru, Wrr, Wzr, bx, bz, n_units, n_inputs, seed_run)
    % s2: the full-rank network's one step from the sampling location (ctxt)
    trajs = nan([n_units, 2]);
    inputs_relax = zeros([n_inputs, 1, 1]);
    ctxt_id = P.ctxt_id;
    inputs_relax(2 + ctxt_id, :, :) = 0;
    conditionIds_relax = [ctxt_id ctxt_id];
    init_n_x0_c = [P.sampling_loc; P.sampling_loc].';
    fp = utils.run_one_forwardPass(Wru, Wrr, Wzr, init_n_x0_c, bx, bz, inputs_relax, conditionIds_relax, seed_run, 0);
    trajs(:, 1) = fp.n_x0_1(:, 1);
    trajs(:, 2) = fp.n_x_t;
end

function say(text)
    fprintf('  %s\n', text);
    if exist('OCTAVE_VERSION', 'builtin') > 0
        fflush(stdout);
    end
end
"""


def interpreter(prefer: str | None = None) -> list[str] | None:
    """Command prefix of MATLAB (``matlab -batch``) if on the PATH, else GNU Octave, else None."""
    octave_flags = ["--norc", "--quiet", "--no-history", "--eval"]
    if prefer:
        return [prefer, *octave_flags] if Path(prefer).name.startswith("octave") else [prefer, "-batch"]
    matlab = shutil.which("matlab")
    if matlab:
        return [matlab, "-batch"]
    octave = shutil.which("octave-cli") or shutil.which("octave")
    if octave:
        return [octave, *octave_flags]
    return None


def run_original(workdir: Path, code_matlab: Path, command: list[str], timeout: float) -> dict:
    """Run the original code on ``workdir/inputs.mat``; returns its results (scipy.io.loadmat)."""
    import scipy.io

    shim_noise = workdir / "shim_noise"
    shim_noise.mkdir(exist_ok=True)
    (shim_noise / "randn.m").write_text(RANDN_SHIM)
    (workdir / "peers_driver.m").write_text(DRIVER)
    args = ", ".join(f"'{p}'" for p in (workdir, code_matlab, REPO / "matlab_ref" / "shim_octave", shim_noise))
    call = f"addpath('{workdir}'); peers_driver({args});"
    if command[0].endswith("matlab"):
        call = f"try, {call} catch err, disp(getReport(err)); exit(1); end"
    start = time.perf_counter()
    proc = subprocess.run([*command, call], cwd=workdir, timeout=timeout, text=True, check=False,
                          stdout=sys.stdout, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    results = workdir / "original_results.mat"
    if proc.returncode != 0 or not results.exists():
        raise RuntimeError(f"the original code failed under {command[0]} (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    out = scipy.io.loadmat(results, squeeze_me=True)
    out["wall_s"] = wall
    return out


# ---------------------------------------------------------------------------------------------
# The authors' Python port
# ---------------------------------------------------------------------------------------------

NOTEBOOK_CALL = "minimize(get_neg_deltaFF, x0, method='CG', tol=1e-6, args="


def copy_port(code_python: Path, workdir: Path) -> Path:
    """Copy ``code_python/`` to ``workdir`` and check that the notebook statement patched
    (``PORT_PATCHES``) is the one this driver transcribes."""
    dest = workdir / "code_python"
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(code_python, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    notebook = json.loads((dest / "s2_generate_operative_dimensions.ipynb").read_text())
    source = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code")
    if NOTEBOOK_CALL not in source:
        raise RuntimeError(f"{code_python}/s2_generate_operative_dimensions.ipynb: the row optimisation call "
                           f"`{NOTEBOOK_CALL}...` was not found; this driver transcribes that call")
    return dest


def run_port(workdir: Path, timeout: float) -> dict:
    """Run the port (its own interpreter) on ``workdir/inputs.mat``; returns its results."""
    import numpy as np

    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-B", str(Path(__file__).resolve()), "port", str(workdir)],
                          timeout=timeout, text=True, check=False, stdout=sys.stdout, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    results = workdir / "port_results.npz"
    if proc.returncode != 0 or not results.exists():
        raise RuntimeError(f"the port failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    with np.load(results) as f:
        out = {k: f[k] for k in f.files}
    out["wall_s"] = wall
    return out


def _port_main(workdir: Path) -> None:
    """The port's side: runs in a fresh interpreter with the copy of code_python first on sys.path."""
    sys.dont_write_bytecode = True
    sys.path.insert(0, str(workdir / "code_python"))
    import types

    import numpy as np
    import rnnFramework.run_rnn as run_rnn_module
    import scipy.io
    from scipy.optimize import minimize
    from utils.get_mse import get_mse
    from utils.get_neg_deltaFF import get_neg_deltaFF
    from utils.get_state_distance_between_trajs import get_state_distance_between_trajs
    from utils.make_unit_length import make_unit_length
    from utils.remove_dimension_from_weight_matrix import remove_dimension_from_weight_matrix
    from utils.run_one_forwardPass import run_one_forwardPass
    from utils.UtilsIO import UtilsIO
    from utils.UtilsOpDims import UtilsOpDims
    from utils.UtilsSamplingLocs import UtilsSamplingLocs

    S = scipy.io.loadmat(workdir / "inputs.mat")
    settings = json.loads((workdir / "settings.json").read_text())

    def say(text):
        print(f"  {text}", flush=True)

    # the saved noise, served to run_rnn's np.random.normal(size=[N, T]) (see INPUT_FEEDS)
    feed = {"noise": None, "cursor": 0}

    def normal(loc=0.0, scale=1.0, size=None):
        noise = feed["noise"]
        if noise is not None and size is not None and list(np.atleast_1d(size)) == list(noise.shape[:2]):
            k = feed["cursor"] % noise.shape[2]
            feed["cursor"] += 1
            return loc + scale * noise[:, :, k]
        return np.random.normal(loc, scale, size)

    class _Numpy(types.ModuleType):
        def __getattr__(self, name):
            return getattr(np, name)

    shim = _Numpy("numpy")
    shim.random = types.SimpleNamespace(normal=normal, seed=np.random.seed)
    run_rnn_module.np = shim

    def use_noise(noise):
        feed["noise"], feed["cursor"] = noise, 0

    Wru, Wrr, Wzr, x0c, bx, bz = UtilsIO().load_weights(settings["weights"], settings["net_id"])
    for name, a in zip(("n_Wru_v", "n_Wrr_n", "m_Wzr_n", "n_x0_c", "n_bx_1", "m_bz_1"), (Wru, Wrr, Wzr, x0c, bx, bz)):
        if not np.array_equal(np.asarray(a, dtype=np.float64).reshape(S[name].shape), S[name]):
            raise RuntimeError(f"the port's {name} differs from the benchmark's")
    n_units = np.shape(Wrr)[0]
    n_inputs = np.shape(Wru)[1]
    seed_run = int(settings["seed_run"])
    net_noise = "default"
    R = {}

    # W1
    say("port: W1 forward pass")
    use_noise(S["s3_noise"])
    times = []
    for _ in range(settings["repeats_forward"]):
        t = time.perf_counter()
        fp_org = run_one_forwardPass(Wru, Wrr, Wzr, x0c, bx, bz, S["s3_inputs"], S["s3_conditionIds"], seed_run,
                                     net_noise)
        times.append(time.perf_counter() - t)
    R["w1_s"] = np.array(times)
    R["w1_z"] = fp_org["m_z_t"]
    R["w1_x_last"] = fp_org["n_x_t"][:, -1, :]
    R["w1_cost"] = get_mse(fp_org["m_z_t"], S["s3_targets"], "all")

    # W2
    say("port: W2 rank step")
    k = int(settings["rank_k"])
    times = []
    for _ in range(settings["repeats_rank_step"]):
        t = time.perf_counter()
        W_mod = remove_dimension_from_weight_matrix(Wrr, S["basis"][:, k:n_units + 1], "columns")
        fp = run_one_forwardPass(Wru, W_mod, Wzr, x0c, bx, bz, S["s3_inputs"], S["s3_conditionIds"], seed_run,
                                 net_noise)
        mse = get_mse(fp["m_z_t"], S["s3_targets"], "all")
        statedist = get_state_distance_between_trajs(fp["n_x_t"], fp_org["n_x_t"])
        times.append(time.perf_counter() - t)
    R["w2_s"] = np.array(times)
    R["w2_cost"], R["w2_statedist"] = mse, statedist
    del fp, fp_org
    use_noise(None)

    def relax(P):
        P["all_trajs_org"] = np.full([n_units, 2], np.nan)
        inputs_relax = np.zeros([n_inputs, 1, 1])
        ctxt_id = int(P["ctxt_id"])
        inputs_relax[1 + ctxt_id, :, :] = 0
        conditionIds_relax = np.reshape(np.asarray([ctxt_id, ctxt_id]), [1, 2])
        init_n_x0_c = np.concatenate([P["sampling_loc"], P["sampling_loc"]], axis=1)
        fpm = run_one_forwardPass(Wru, Wrr, Wzr, init_n_x0_c, bx, bz, inputs_relax, conditionIds_relax, seed_run, 0)
        P["all_trajs_org"][:, 0] = np.reshape(fpm["n_x0_1"][:, 0], [n_units, ])
        P["all_trajs_org"][:, 1] = np.reshape(fpm["n_x_t"], [n_units, ])

    # W3 / W4: the notebook's row loop at one location
    say("port: W3/W4 row dimensions at one location")
    thr_fval = 1e-8
    t = time.perf_counter()
    P = {"local_op_dims": np.full([n_units, n_units], np.nan), "all_fvals": np.full([n_units, 1], np.nan),
         "sampling_loc": np.reshape(S["loc_state"], [n_units, 1]), "ctxt_id": float(np.asarray(S["loc_ctxt"]).item())}
    relax(P)
    R["w4_relax_s"] = time.perf_counter() - t
    n_row_dims = min(int(settings["row_max_dims"]), n_units)
    dim_s, nfev = np.full(n_row_dims, np.nan), np.full(n_row_dims, np.nan)
    for dim_nr in range(n_row_dims):
        t = time.perf_counter()
        if dim_nr == 0:
            op_dims = np.zeros([n_units, 0])
        else:
            op_dims = P["local_op_dims"][0:dim_nr, :].T
        x0 = np.reshape(S["row_starts"][:, dim_nr], [n_units, 1])
        dims_to_be_orth = op_dims
        res = minimize(get_neg_deltaFF, x0.ravel(), method="CG", tol=1e-6,  # PATCH: x0.ravel() (PORT_PATCHES)
                       args=(dims_to_be_orth, P, Wru, Wrr, Wzr, bx, bz, "rows", "ctxt"))
        new_opDim = np.reshape(make_unit_length(res.x), [n_units, 1])
        Q, _ = np.linalg.qr(np.concatenate([dims_to_be_orth, new_opDim], 1))
        new_opDim = Q[:, -1]
        new_opDim = np.reshape(make_unit_length(new_opDim), [n_units, 1])
        fval = get_neg_deltaFF(new_opDim, dims_to_be_orth, P, Wru, Wrr, Wzr, bx, bz, "rows", "ctxt")
        P["local_op_dims"][dim_nr, :] = new_opDim.T
        P["all_fvals"][dim_nr, 0] = fval
        dim_s[dim_nr], nfev[dim_nr] = time.perf_counter() - t, res.nfev
        say(f"port: row dimension {dim_nr + 1}, fval {float(fval):.6g}, {dim_s[dim_nr]:.1f} s")
        if abs(fval) < thr_fval:
            break
    R["w4_dim_s"], R["w4_fevals"] = dim_s, nfev
    R["w4_fvals"], R["w4_dims"] = P["all_fvals"][:, 0], P["local_op_dims"]

    # W5: s2 (columns) and s3
    say("port: W5 s2 forward pass and sampling locations")
    USL, UOD = UtilsSamplingLocs(), UtilsOpDims()
    props = USL.get_sampling_location_properties("ctxt")
    use_noise(S["s2_noise"])
    t = time.perf_counter()
    forwardPass = run_one_forwardPass(Wru, Wrr, Wzr, x0c, bx, bz, S["s2_inputs"], S["s2_conditionIds"], seed_run,
                                      net_noise)
    sampling_locs = USL.get_sampling_locs_on_condAvgTrajs_ctxt(forwardPass["n_x_t"], props, S["s2_conditionIds"],
                                                               S["s2_coherencies_trial"])
    R["w5_s2_forward_s"] = time.perf_counter() - t
    del forwardPass
    use_noise(None)

    say("port: W5 s2 local column dimensions")
    n_locs = np.size(props["t_start_pt_per_loc"])
    all_local_op_dims = np.full([n_locs, n_units, n_units], np.nan)
    all_fvals = np.full([n_locs, n_units], np.nan)
    all_locs = np.full([n_locs, n_units], np.nan)
    t = time.perf_counter()
    for loc_nr in range(n_locs):
        P = {"local_op_dims": np.full([n_units, n_units], np.nan), "all_fvals": np.full([n_units, 1], np.nan)}
        start_pt_nr = USL.map_optLocNr_to_startPtNr(loc_nr, props)
        inpCond_nr = USL.map_optLocNr_to_inpCondNr(loc_nr, props, "ctxt")
        P["sampling_loc"] = np.reshape(sampling_locs[inpCond_nr, :, start_pt_nr], [n_units, 1])
        P["t_start_point"] = props["t_start_pt_per_loc"][0, loc_nr]
        P["ctxt_id"] = props["ctxt_per_loc"][0, loc_nr]
        P["signCoh1"] = props["signCoh1_per_loc"][0, loc_nr]
        P["signCoh2"] = props["signCoh2_per_loc"][0, loc_nr]
        UOD.get_name_of_local_operative_dims(network_type="ctxt", t_start_point=P["t_start_point"],
                                             ctxt_id=P["ctxt_id"], signCoh1=P["signCoh1"], signCoh2=P["signCoh2"])
        relax(P)
        P["local_op_dims"][0, :] = make_unit_length(np.matmul(Wrr, np.tanh(P["sampling_loc"]))).T
        dims_to_be_orth = np.zeros([100, 0])
        fval = get_neg_deltaFF(P["local_op_dims"][0, :].T, dims_to_be_orth, P, Wru, Wrr, Wzr, bx, bz, "columns",
                               "ctxt")
        P["all_fvals"] = np.full([n_units, 1], np.nan)
        P["all_fvals"][0, 0] = fval
        # (the notebook saves P to the .h5 file here; s3's load_local_op_dims reads it back as below)
        all_local_op_dims[loc_nr] = P["local_op_dims"]
        all_fvals[loc_nr] = P["all_fvals"][:, 0]
        all_locs[loc_nr] = P["sampling_loc"][:, 0]
    R["w5_s2_columns_s"] = time.perf_counter() - t
    R["w5_locations"], R["w5_column_fvals"] = all_locs, all_fvals[:, 0]

    say("port: W5 s3 global dimensions (full SVD of L, as the port does)")
    t = time.perf_counter()
    global_op_dims, singular_values = UOD.get_global_operative_dimensions("all", props, all_local_op_dims, all_fvals)
    R["w5_s3_global_s"] = time.perf_counter() - t
    R["w5_singular_values"] = singular_values

    say("port: W5 s3 full-rank pass")
    use_noise(S["s3_noise"])
    t = time.perf_counter()
    forwardPass_org = run_one_forwardPass(Wru, Wrr, Wzr, x0c, bx, bz, S["s3_inputs"], S["s3_conditionIds"],
                                          seed_run, net_noise)
    R["w5_s3_full_s"] = time.perf_counter() - t
    ranks = [int(r) for r in settings["sweep_ranks"]]
    R["w5_sweep_ranks"] = np.array(ranks)
    sweep_s, cost, dist = (np.full(len(ranks), np.nan) for _ in range(3))
    for i, rank in enumerate(ranks):
        dim_nr = rank - 1
        t = time.perf_counter()
        n_Wrr_n_modified = remove_dimension_from_weight_matrix(Wrr, global_op_dims[:, dim_nr + 1:n_units + 1],
                                                               "columns")
        forwardPass = run_one_forwardPass(Wru, n_Wrr_n_modified, Wzr, x0c, bx, bz, S["s3_inputs"],
                                          S["s3_conditionIds"], seed_run, net_noise)
        cost[i] = get_mse(forwardPass["m_z_t"], S["s3_targets"], "all")
        dist[i] = get_state_distance_between_trajs(forwardPass["n_x_t"], forwardPass_org["n_x_t"])
        sweep_s[i] = time.perf_counter() - t
        say(f"port: sweep rank {rank}, {sweep_s[i]:.1f} s")
    R["w5_sweep_s"], R["w5_sweep_cost"], R["w5_sweep_statedist"] = sweep_s, cost, dist
    R["numpy_version"], R["scipy_version"] = np.array(np.__version__), np.array(scipy.__version__)
    np.savez(workdir / "port_results.npz", **{k: np.asarray(v) for k, v in R.items()})


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "port":
        _port_main(Path(sys.argv[2]))
    else:
        sys.exit("usage: python _peers.py port WORKDIR (called by bench_peers.py)")
