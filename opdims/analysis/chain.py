"""The one analysis chain of a network: forward pass -> sampling locations ->
local operative dimensions -> global operative dimensions -> rank sweep.

:func:`analyse_network` is the only implementation of the chain; the s2 and
s3 analyses, ``opdims batch``, ``opdims reproduce`` and ``opdims analyse``
all call it (or its steps, below), for the paper's two tasks and for any
user's trials alike.

Trials. For ``'ctxt'`` and ``'swg'`` the chain uses the original scripts'
trials: the sampling locations come from s2's trials (ctxt: 10 per context
and coherency; swg: 510) and the sweep runs on s3's (ctxt: 5; swg: 255), with
``seed_input`` and ``seed_run`` as in the scripts. For a user's task the
trials are given (``trials``; ``sweep_trials`` default the same), and the
noise comes from ``NumpyStream(seed_run)``.
"""

from __future__ import annotations

import platform
import time
from dataclasses import asdict, dataclass, replace

import numpy as np
from tqdm.auto import tqdm

from ..core.backend import check_backend, check_memory, check_threads, single_threaded
from ..core.cells import is_gated
from ..core.metrics import principal_components
from ..core.network import Network
from ..core.random import RandomStream
from ..core.sampling import (
    SUBSETS,
    SamplingLocationProperties,
    as_locations,
    check_condition_counts,
    condition_sampling_scheme,
    locations_from_averages,
    random_locations,
    sampling_location_properties,
    select_locations,
)
from ..core.simulate import StateSummary, summarise_states
from ..core.tasks import TaskData
from ..core.validation import (
    DIM_TYPES,
    TASKS,
    ValidationError,
    check_choice,
    check_count,
    check_dim_type,
    check_locations,
    check_positive_int,
    check_row_method,
    check_seed,
)
from ..dims.generic import RANDOM_STARTS, generic_local_dimensions
from ..dims.global_dims import global_operative_dimensions
from ..dims.high_variance import HighVarianceDimensions, high_variance_dimensions
from ..dims.local_dims import local_column_dimensions, local_row_dimensions
from ..dims.network_analysis import DimensionResult, NetworkAnalysis
from ..dims.operative import LocalOperativeDimensions, relax_step
from ..dims.sweeps import check_ranks, rank_sweep, silent_network_cost
from ..version import __version__
from .runs import SEED_INPUT, SEED_RUN, Run, load_network_argument, prepare_run, prepare_trials_run, relaxation_draws

__all__ = [
    "RANDOM_LOCATION_SEED",
    "AnalysisOptions",
    "analyse_network",
    "check_local_dimensions_of",
    "location_summary",
    "memory_estimate",
    "random_location_seed",
]

RANDOM_LOCATION_SEED = 2022  #: first entry of the random-location control's seed


@dataclass(frozen=True)
class AnalysisOptions:
    """How the chain runs (everything that changes its numbers, except the network and trials).

    Parameters
    ----------
    dim_types : tuple of str
        ``'columns'`` and/or ``'rows'``.
    row_method : str
        ``'exact'`` (default) or ``'fminunc'`` (the original's optimiser; ``'reference'`` is accepted as its
        former name).
    subset : str
        Which locations form the global dimensions (:data:`opdims.SUBSETS`).
    ranks : tuple of int or None
        Ranks of the sweep (``None``: 1..N; ``()``: no sweep).
    random_control : bool
        Also analyse random sampling locations (the paper's dotted curves).
    every : int or None
        A user's task: sample the condition averages every ``every`` steps.
    times : tuple of int or None
        A user's task: sample them at these 1-based steps instead.
    net_noise, input_noise : bool
        Internal noise; ctxt input noise.
    sweep_noise : bool
        The rank sweep with that noise (default, as the published s3); ``False``: the sweep runs
        without any noise, internal or input (a user's trials as given), so cost and state
        distance measure the reduced network's deviation alone, as the paper's caption puts it
        ("without any noise"); the sampling locations are found as before.
    seed_run, seed_input : int
        Seeds of the noise and of the trial generation.
    n_trials, n_sweep_trials : int or None
        Paper tasks: trials for the locations (s2's, default 10 / 510) and
        for the sweep (s3's, default 5 / 255).
    pcs : bool
        Also compute the principal components of the full-rank states (for figures).
    high_variance : bool
        Also compute the baseline, the high-variance dimensions (the original
        s1: W's SVD, the activity's principal components, and the rank sweep
        over W's top-k left singular vectors on the sweep's trials and noise);
        default on, turn it off for big networks (one more sweep). Not
        computed for gated cells (GRU, LSTM).
    backend, device : str or None
        Back end of the sweep (``'numpy'`` or ``'torch'``) and torch device.
    random_starts : int
        Gated cells (GRU, LSTM): random unit starts of the generic solver per
        greedy step besides the first-order ones (default 8; more search for
        a larger Δf at a higher cost, 0 for the first-order starts alone).
        Unused for vanilla networks, whose solvers are exact.
    """

    dim_types: tuple = DIM_TYPES
    row_method: str = "exact"
    subset: str = "all"
    ranks: tuple | None = None
    random_control: bool = False
    every: int | None = None
    times: tuple | None = None
    net_noise: bool = True
    input_noise: bool = True
    sweep_noise: bool = True
    seed_run: int = SEED_RUN
    seed_input: int = SEED_INPUT
    n_trials: int | None = None
    n_sweep_trials: int | None = None
    pcs: bool = False
    high_variance: bool = True
    backend: str = "numpy"
    device: str | None = None
    random_starts: int = RANDOM_STARTS

    def __post_init__(self):
        dim_types = tuple(self.dim_types) if not isinstance(self.dim_types, str) else (self.dim_types,)
        if not dim_types or len(set(dim_types)) != len(dim_types):
            raise ValidationError(f"dim_types: expected 'columns' and/or 'rows' (each once), got {self.dim_types!r}")
        for d in dim_types:
            check_dim_type(d, "dim_types")
        object.__setattr__(self, "dim_types", dim_types)
        object.__setattr__(self, "row_method", check_row_method(self.row_method))
        check_choice(self.subset, "subset", SUBSETS)
        if self.ranks is not None:
            object.__setattr__(self, "ranks", tuple(int(k) for k in np.atleast_1d(self.ranks)))
        if self.every is not None:
            object.__setattr__(self, "every", check_positive_int(self.every, "every", "steps"))
        if self.times is not None:
            object.__setattr__(self, "times", tuple(check_positive_int(t, "times", "1-based steps")
                                                    for t in np.atleast_1d(self.times)))
        check_backend(self.backend, "float64", self.device)
        check_seed(self.seed_run, "seed_run")
        check_seed(self.seed_input, "seed_input")
        object.__setattr__(self, "random_starts", check_count(self.random_starts, "random_starts",
                                                              "random starts per greedy step"))

    @property
    def sweep(self) -> bool:
        """Whether the chain runs a rank sweep."""
        return self.ranks != ()

    def as_dict(self) -> dict:
        """The options as plain values (for provenance).

        Returns
        -------
        dict
            Field name -> value.
        """
        return asdict(self)


def random_location_seed(task: str, net_id: int) -> list[int]:
    """Seed of the random-location control of network ``net_id`` of ``task``.

    Parameters
    ----------
    task : str
        The task's name.
    net_id : int
        The network's number.

    Returns
    -------
    list of int
        ``[RANDOM_LOCATION_SEED, task number, net_id]`` (task number: 0 ctxt,
        1 swg, else a stable number from the name).
    """
    number = TASKS.index(task) if task in TASKS else int.from_bytes(task.encode()[:4].ljust(4, b"\0"), "little")
    return [RANDOM_LOCATION_SEED, number, int(net_id)]


def location_summary(run: Run, props: SamplingLocationProperties, *, covariance: bool = False,
                     threads: int | None = None) -> StateSummary:
    """The full-rank pass on a run's trials, kept as condition sums (no trajectories held).

    Parameters
    ----------
    run : Run
        The network, trials and noise.
    props : SamplingLocationProperties
        The task's conditions.
    covariance : bool, optional
        Also accumulate the states' second moments (for principal components).
    threads : int, optional
        CPU threads.

    Returns
    -------
    StateSummary
        Sums per condition.

    Raises
    ------
    ValueError
        If a condition has fewer trials than the task needs.
    """
    groups = props.trial_conditions(**run.trials.condition_info())
    check_condition_counts(props, groups)
    stream = run.noise_stream()
    noise = None if stream is not None else run.noise
    return summarise_states(run.net, run.trials.inputs, run.trials.condition_ids, groups, props.n_conditions,
                            noise=noise, stream=stream, covariance=covariance, threads=threads)


def local_dimensions(net: Network, locations, dim_type: str, *, row_method: str = "exact",
                     run: Run | None = None, threads: int | None = None, random_starts: int = RANDOM_STARTS,
                     progress: bool = False) -> LocalOperativeDimensions:
    """Local operative dimensions of ``dim_type`` at ``locations [L, N]``.

    Columns in closed form; rows exactly or, with ``row_method='fminunc'``,
    by the original's optimiser. A gated cell (GRU, LSTM) takes the generic
    solver (:func:`opdims.dims.generic.generic_local_dimensions`) for both
    types. For rows, the run's stream draws in the original's order: before each location it is reseeded with ``seed_run``
    and one step of noise (``randn(N, 1)``) is drawn for the relaxation run;
    the reference optimiser's random starts follow.

    Parameters
    ----------
    net : opdims.Network
        The network.
    locations : array_like
        ``[L, N]``.
    dim_type : str
        ``'columns'`` or ``'rows'``.
    row_method : str, optional
        ``'exact'`` or ``'fminunc'`` (checked by :class:`AnalysisOptions`).
    run : Run, optional
        The run whose stream and ``seed_run`` the reference method draws from.
    threads : int, optional
        CPU threads.
    random_starts : int, optional
        Gated cells: the generic solver's random starts per greedy step.
    progress : bool, optional
        Progress bar over locations (rows).

    Returns
    -------
    LocalOperativeDimensions
        The dimensions.
    """
    # dim_type and row_method come checked from AnalysisOptions (the one door)
    if is_gated(net):
        # on one thread: its steps are mostly Python that holds the GIL (docs/gated_cells.md, Cost)
        return generic_local_dimensions(net, locations, dim_type, random_starts=random_starts, progress=progress)
    if dim_type == "columns":
        return local_column_dimensions(net, locations)
    locations = check_locations(net, locations).reshape(-1, net.n_units)
    stream = None if run is None else run.stream
    if row_method == "exact":
        relaxation_draws(run, len(locations))
        return local_row_dimensions(net, locations, method="exact", progress=progress, threads=threads)
    parts = []
    for loc in tqdm(locations, desc="row dimensions", unit="location", disable=not progress):
        relaxation_draws(run, 1)
        parts.append(local_row_dimensions(net, loc[None], method="fminunc", stream=stream))
    return LocalOperativeDimensions.concatenate(parts)


def check_local_dimensions_of(net: Network, local: LocalOperativeDimensions, where: str = "local dimensions",
                              tolerance: float = 1e-9) -> None:
    """Raise unless ``local`` was computed for ``net``.

    Its stored next states must be the network's relaxation step from its
    locations (the original's ``all_trajs_org``).

    Parameters
    ----------
    net : opdims.Network
        The network.
    local : LocalOperativeDimensions
        The local dimensions (e.g. read from a file).
    where : str, optional
        Where they came from, for the message.
    tolerance : float, optional
        Largest relative difference accepted.

    Raises
    ------
    ValueError
        If the units differ, or the next states do not match.
    """
    if local.n_units != net.n_units:
        raise ValidationError(f"{where}: dimensions of {local.n_units} units, but the network has {net.n_units}")
    expected = relax_step(net, local.locations)
    scale = max(float(np.abs(expected).max(initial=0.0)), 1e-300)
    error = float(np.abs(expected - local.next_states).max(initial=0.0)) / scale
    if not error <= tolerance:
        raise ValidationError(f"{where}: computed for another network: their stored next states (all_trajs_org) "
                              f"differ from this network's relaxation step by {error:.2g} (relative); give the "
                              "local dimensions of this network (or check --net-id / --weights)")


def _options(options: AnalysisOptions | None, overrides: dict) -> AnalysisOptions:
    if options is None:
        return AnalysisOptions(**overrides)
    if not isinstance(options, AnalysisOptions):
        raise ValidationError(f"options: expected AnalysisOptions, got {type(options).__name__}")
    return replace(options, **overrides) if overrides else options


def _runs(network, task, net_id, trials, sweep_trials, opts: AnalysisOptions, stream, need_locations: bool):
    """The location run (or None) and the sweep run (or None)."""
    if task in TASKS and trials is None:
        common = {"net_id": net_id, "net_noise": opts.net_noise, "input_noise": opts.input_noise,
                  "seed_run": opts.seed_run, "seed_input": opts.seed_input, "stream": stream}
        location_run = prepare_run("s2", network, task, n_trials=opts.n_trials, **common) if need_locations else None
        if not opts.sweep_noise:
            common = {**common, "net_noise": False, "input_noise": False}
        sweep_run = prepare_run("s3", network, task, n_trials=opts.n_sweep_trials, **common) if opts.sweep else None
        return location_run, sweep_run
    if trials is None:
        raise ValidationError(f"task {task!r}: give the trials (inputs, targets and a label per trial), e.g. "
                              "opdims.trials_from_arrays(...) or opdims.io.load_trials(path)")
    common = {"net_id": net_id, "net_noise": opts.net_noise, "seed_run": opts.seed_run}
    location_run = prepare_trials_run("locations", network, trials, **common) if need_locations else None
    sweep_run = None
    if opts.sweep:
        common = common if opts.sweep_noise else {**common, "net_noise": False}
        sweep_run = prepare_trials_run("sweep", network, trials if sweep_trials is None else sweep_trials, **common)
    return location_run, sweep_run


def _props(task: str, trials: TaskData | None, opts: AnalysisOptions) -> SamplingLocationProperties:
    if task in TASKS and trials is None:
        if opts.every is not None or opts.times is not None:
            raise ValidationError(f"every and times: the {task} task uses the original's sampling locations; "
                                  "give your own trials to choose them")
        return sampling_location_properties(task)
    if opts.every is None and opts.times is None:
        raise ValidationError("sampling locations: give every=K (every K-th step of the condition averages), "
                              "times=[...] (steps) or locations=[L, N] (states)")
    return condition_sampling_scheme(trials.labels if trials.labels is not None else trials.condition_ids,
                                     trials.n_steps, every=opts.every, times=opts.times, name=task)


def memory_estimate(net: Network, trials: TaskData) -> float:
    """Bytes the chain needs for a forward pass and sweep on ``trials`` (an estimate, measured to ~10%).

    States, noise and work arrays of every trial and step: about
    ``8 (3 N + 4 (n_in + n_out))`` bytes per trial and step.

    Parameters
    ----------
    net : opdims.Network
        The network.
    trials : TaskData
        The trials.

    Returns
    -------
    float
        The estimate in bytes.

    Examples
    --------
    >>> import numpy as np, opdims
    >>> net = opdims.io.load_network(opdims.default_weights("swg"))  # 100 units, 1 input, 1 output
    >>> trials = opdims.trials_from_arrays(np.zeros((2, 10, 1)), np.zeros((2, 10, 1)), [0, 1])
    >>> memory_estimate(net, trials)
    49280.0
    """
    per_step = 8.0 * (3 * net.n_units + 4 * (net.n_inputs + net.n_outputs))
    return per_step * trials.n_trials * trials.n_steps


@single_threaded  # one BLAS thread: the parallelism is opdims' own worker threads (see opdims.core.backend)
def analyse_network(network, task: str = "ctxt", options: AnalysisOptions | None = None, *, net_id: int = 1,
                    trials: TaskData | None = None, sweep_trials: TaskData | None = None, locations=None,
                    local_dims: dict | None = None, stream: RandomStream | None = None,
                    threads: int | None = None, progress: bool = False, provenance: dict | None = None,
                    **option_overrides) -> NetworkAnalysis:
    """The whole analysis of one network: the one chain of opdims.

    Sampling locations, local and global operative dimensions of each type,
    and the rank sweep.

    Parameters
    ----------
    network : opdims.Network or GatedNetwork or path
        The network (a GRU or LSTM too, see docs/gated_cells.md), or a weights file (with ``net_id``).
    task : str, optional
        ``'ctxt'`` or ``'swg'`` (the original's trials and locations), or the
        name of a user's task (then give ``trials``).
    options : AnalysisOptions, optional
        How to run; keyword arguments override single fields (e.g.
        ``dim_types=('columns',)``, ``random_control=True``, ``every=10``).
    net_id : int, optional
        Which network of the weights file.
    trials : TaskData, optional
        A user's trials (required for a user's task).
    sweep_trials : TaskData, optional
        Trials of the rank sweep (default ``trials``).
    locations : array_like or object, optional
        ``[L, N]`` sampling locations to use instead of those on the condition
        averages, or fixed points: FixedPointFinder's ``FixedPoints`` or any
        object or mapping with ``xstar`` (hidden states ``h* = φ(x*)``) and
        ``inputs`` (:func:`opdims.core.sampling.fixed_point_locations`).
    local_dims : dict, optional
        ``dim_type -> LocalOperativeDimensions`` already computed (e.g. read
        from a file): used instead of computing them.
    stream : RandomStream, optional
        The paper tasks' stream (default: MATLAB twister seeded as the scripts).
    threads : int, optional
        opdims' worker threads over blocks of ranks, pieces of trials and
        locations (default: all usable cores). BLAS runs on one thread
        throughout, whatever ``threads``; the numbers do not depend on it.
    progress : bool, optional
        Progress bars.
    provenance : dict, optional
        Extra provenance entries (e.g. the weights file's sha256).
    **option_overrides
        Fields of :class:`AnalysisOptions`.

    Returns
    -------
    NetworkAnalysis
        The results and their provenance.

    Raises
    ------
    ValueError
        For options, trials or locations that do not fit the network (all
        checked before the long work starts).

    Examples
    --------
    >>> import opdims
    >>> analysis = opdims.analyse_network(opdims.default_weights("ctxt"), "ctxt", dim_types=("columns",),
    ...                                   ranks=(1, 5, 10))                               # doctest: +SKIP
    >>> analysis["columns"].sweep.cost.shape                                            # doctest: +SKIP
    (3,)
    """
    started = time.perf_counter()
    opts = _options(options, option_overrides)
    threads = check_threads(threads)
    if task not in TASKS and trials is None:
        raise ValidationError(f"task {task!r}: expected 'ctxt' or 'swg', or give the trials of your own task")
    local_dims = dict(local_dims or {})
    for dim_type, given in local_dims.items():
        if dim_type not in opts.dim_types or not isinstance(given, LocalOperativeDimensions) or \
                given.dim_type != dim_type:
            raise ValidationError(f"local_dims: expected dim_type -> LocalOperativeDimensions of that type for "
                                  f"{opts.dim_types}, got {dim_type!r}: {type(given).__name__}")
    need_locations = (locations is None and len(local_dims) < len(opts.dim_types)) or opts.random_control \
        or opts.pcs
    props = _props(task, trials, opts) if (locations is None or opts.random_control or opts.pcs) else None
    if opts.subset != "all":
        select_locations(opts.subset, props, props.n_locations if props is not None else 0)
    if trials is not None or sweep_trials is not None:
        given = load_network_argument(network, net_id)[0]
        check_memory(max(memory_estimate(given, t) for t in (trials, sweep_trials) if t is not None),
                     f"trials of {max(t.n_trials for t in (trials, sweep_trials) if t is not None)} x "
                     f"{max(t.n_steps for t in (trials, sweep_trials) if t is not None)} steps for "
                     f"{given.n_units} units", "use fewer or shorter trials")
    location_run, sweep_run = _runs(network, task, net_id, trials, sweep_trials, opts, stream, need_locations)
    net = (location_run or sweep_run).net if (location_run or sweep_run) else load_network_argument(network, net_id)[0]
    if sweep_run is not None:
        check_ranks(opts.ranks, net.n_units)

    for dim_type, given in local_dims.items():
        check_local_dimensions_of(net, given)
    averages = pcs = None
    if location_run is not None:
        summary = location_summary(location_run, props, covariance=opts.pcs, threads=threads)
        averages = summary.averages()
        if opts.pcs:
            pcs = principal_components(covariance=summary.covariance())[0][:, :3]
    if locations is not None:
        locations = as_locations(net, locations)
        props = props if props is not None and props.n_locations == locations.shape[0] else None
        locations_from = "given locations"
    elif averages is not None:
        locations = locations_from_averages(averages, props)
        locations_from = "condition-average trajectories"
    else:
        first = next(iter(local_dims.values()))
        locations, locations_from = first.locations, "given local dimensions"
    sites = {"trajectory": locations}
    if opts.random_control:
        seed = random_location_seed(task, net_id)
        sites["random"] = random_locations(averages, locations.shape[0], seed)

    full_cost = silent_cost = None
    results = {}
    sweep_kwargs = {}
    if sweep_run is not None:
        st = sweep_run.trials
        sweep_kwargs = {"inputs": st.inputs, "condition_ids": st.condition_ids, "targets": st.targets,
                        "noise": sweep_run.noise, "ranks": None if opts.ranks is None else list(opts.ranks),
                        "backend": opts.backend, "device": opts.device, "threads": threads, "progress": progress}
        # the bottom of the cost scale of the headline rank, once per network on the sweep's trials and noise
        silent_cost = silent_network_cost(sweep_run.net, st.inputs, st.condition_ids, st.targets,
                                          noise=sweep_run.noise, threads=threads)
    for dim_type in opts.dim_types:
        for kind, where in sites.items():
            if kind == "trajectory" and dim_type in local_dims:
                local = local_dims[dim_type]
            else:
                local = local_dimensions(net, where, dim_type, row_method=opts.row_method, run=location_run,
                                         threads=threads, random_starts=opts.random_starts, progress=progress)
            basis, singular_values = global_operative_dimensions(
                local, props=props if kind == "trajectory" else None,
                subset=opts.subset if kind == "trajectory" else "all")
            sweep = None
            if sweep_run is not None:
                sweep = rank_sweep(sweep_run.net, basis, dim_type, **sweep_kwargs)
                sweep.silent_cost = silent_cost
                full_cost = sweep.full_cost
            results[dim_type, kind] = DimensionResult(dim_type, kind, local, basis, singular_values, sweep)
    high_variance = None
    if is_gated(net):
        pass  # the paper's baseline is W's SVD of a vanilla RNN; a gated cell's W stacks its gates' blocks
    elif opts.high_variance and sweep_run is not None:
        high_variance = high_variance_dimensions(sweep_run.net, **sweep_kwargs)
        high_variance.sweep.silent_cost = silent_cost
        full_cost = high_variance.sweep.full_cost
    elif opts.high_variance:
        high_variance = HighVarianceDimensions(np.linalg.svd(net.W, compute_uv=False))

    record = {
        "task": task, "net_id": int(net_id), "network_fingerprint": net.fingerprint(),
        "weights": net.source, "nonlinearity": net.nonlinearity, "alpha": net.alpha, "n_units": net.n_units,
        "options": opts.as_dict(), "locations_from": locations_from,
        "n_location_trials": None if location_run is None else location_run.trials.n_trials,
        "n_sweep_trials": None if sweep_run is None else sweep_run.trials.n_trials,
        "stream": None if location_run is None and sweep_run is None else
        (location_run or sweep_run).settings.stream,
        "location_run": None if location_run is None else location_run.settings.as_dict(),
        "sweep_run": None if sweep_run is None else sweep_run.settings.as_dict(),
        "opdims_version": __version__, "host": platform.node(),
        "created": time.strftime("%Y-%m-%d %H:%M:%S"), **(provenance or {}),
    }
    record["seconds"] = time.perf_counter() - started
    return NetworkAnalysis(record, locations, results, props, averages, pcs, full_cost, silent_cost, high_variance)

