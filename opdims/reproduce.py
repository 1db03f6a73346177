"""Figure 3 b–g of the paper over many networks, with the random-location control.

For every network of a weights file and every dimension type (columns,
rows), as the original scripts s2 and s3 do for one network:

1. sampling locations: a forward pass on the s2 trials (ctxt: 10 trials per
   context and coherency; swg: 510 trials; MATLAB twister seeds 1000 for the
   trials and 1001 for the noise), condition averages, the original's 120
   (ctxt) or 121 (swg) locations along them;
2. local operative dimensions there (columns in closed form, rows by the
   exact method), global operative dimensions (SVD of L) and the variance
   each explains;
3. the rank sweep on the s3 trials (ctxt: 5 per context and coherency; swg:
   255 trials; same seeds): cost and state distance of the network whose W
   keeps only the first k global operative dimensions, k = 1..N.

Control (the paper's dotted curves): the same with *random sampling
locations* instead of locations on the trajectories. Each random location is
drawn unit by unit from a normal distribution with that unit's mean and
standard deviation over all states of the condition-average trajectories
(every condition, every time step), as many locations as the original, from
a NumPy generator seeded with ``(RANDOM_LOCATION_SEED, task, net_id)``. So
the random locations cover the same range of states as the network visits,
without the structure of its trajectories.

Each network's results go to ``<out>/networks/<task>/NetNr<k>_<dim_type>.npz``
(written atomically); a rerun skips finished files, so an interrupted run
resumes. The summary is the mean over networks with a band of plus or minus
the median absolute deviation (MAD), as the paper's figure.
"""

from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from . import io
from .defaults import default_weights
from .global_dims import global_operative_dimensions, variance_explained
from .io._files import atomic_output, existing_file
from .local_dims import ROW_METHODS, local_column_dimensions, local_row_dimensions
from .network import Network
from .pipelines import prepare_run
from .pipelines._common import trial_info
from .reduce import check_dim_type
from .sampling import condition_averages, locations_in_order, sampling_location_properties
from .simulate import simulate
from .sweeps import rank_sweep
from .tasks import TASKS, check_task
from .training import trained_network_ids

__all__ = [
    "COST_TOLERANCE",
    "DIM_TYPES",
    "LOCATION_KINDS",
    "RANDOM_LOCATION_SEED",
    "NetworkSet",
    "Summary",
    "default_weights",
    "figure3",
    "network_curves",
    "network_ids",
    "original_weights",
    "random_locations",
    "rank_thresholds",
    "reproduce",
    "result_path",
    "run_network",
    "summarise",
    "threshold_table",
    "trajectory_locations",
]

DIM_TYPES = ("columns", "rows")
LOCATION_KINDS = ("trajectory", "random")  #: sampling along trajectories; the random-location control
RANDOM_LOCATION_SEED = 2022
COST_TOLERANCE = 0.10  #: rank threshold: mean cost within this fraction of the full-rank cost
_MEASURES = ("variance_explained", "cost", "state_distance")


@dataclass(frozen=True)
class NetworkSet:
    """The networks of one task to analyse: ``path`` of a weights file
    (original layout), the ``net_ids`` in it, and a ``label`` for reports."""

    task: str
    path: Path
    net_ids: tuple[int, ...]
    label: str


def original_weights(data_dir, task: str) -> Path:
    """The weights file of ``task`` in the authors' data folder ``data_dir``."""
    path = Path(data_dir) / "pretrained_networks" / check_task(task) / f"{task}_weights.h5"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: not found; expected the authors' data folder (with "
                                f"pretrained_networks/{task}/{task}_weights.h5) at {data_dir}")
    return path


def network_ids(path) -> tuple[int, ...]:
    """Ids ``k`` of the networks ``/NetNr<k>/final`` in a weights file."""
    ids = trained_network_ids(existing_file(path))
    if not ids:
        raise ValueError(f"{path}: no networks /NetNr<k>/final in this file (expected the original layout)")
    return tuple(ids)


def trajectory_locations(net: Network, task: str):
    """s2: sampling locations ``[L, N]`` on the condition-average trajectories,
    and those trajectories ``[n_cond, T, N]``."""
    run = prepare_run("s2", net, task)
    traj = simulate(run.net, run.trials.inputs, run.trials.condition_ids, noise=run.noise)
    props = sampling_location_properties(task)
    averages = condition_averages(traj.x, props, **trial_info(run.trials))
    locations = locations_in_order(averages[:, props.times_per_condition - 1, :], props)
    return locations, averages


def random_locations(averages, n_locations: int, seed) -> np.ndarray:
    """Random sampling locations ``[n_locations, N]``: each unit drawn from a normal
    distribution with its mean and standard deviation over ``averages [..., N]``."""
    states = np.asarray(averages, dtype=np.float64).reshape(-1, np.shape(averages)[-1])
    rng = np.random.default_rng(seed)
    return states.mean(axis=0) + states.std(axis=0) * rng.standard_normal((n_locations, states.shape[1]))


def _check_row_method() -> None:
    if "exact" not in ROW_METHODS:
        raise ValueError("row dimensions need opdims.local_row_dimensions(method='exact'), which this "
                         "installation lacks (the original optimiser takes hours per network); use --dims columns")


def _local_dimensions(net: Network, locations, dim_type: str):
    if dim_type == "columns":
        return local_column_dimensions(net, locations)
    _check_row_method()
    return local_row_dimensions(net, locations, method="exact")


def network_curves(net: Network, task: str, dim_types=DIM_TYPES, *, seed=0) -> dict:
    """Figure-3 curves of one network: ``{(dim_type, kind): {measure: array}}``.

    Measures: ``variance_explained [N]`` (%), ``cost [N]`` and
    ``state_distance [N]`` at ranks 1..N, ``full_cost`` (scalar). ``kind`` is
    ``'trajectory'`` or ``'random'`` (locations from ``seed``, see
    :func:`random_locations`).
    """
    check_task(task)
    locations, averages = trajectory_locations(net, task)
    sites = {"trajectory": locations, "random": random_locations(averages, locations.shape[0], seed)}
    run = prepare_run("s3", net, task)
    curves = {}
    for dim_type in dim_types:
        check_dim_type(dim_type)
        for kind, where in sites.items():
            local = _local_dimensions(net, where, dim_type)
            U, s = global_operative_dimensions(local.dims, local.fvals)
            sweep = rank_sweep(run.net, U, dim_type, run.trials.inputs, run.trials.condition_ids,
                               run.trials.targets, noise=run.noise)
            curves[dim_type, kind] = {"variance_explained": variance_explained(s), "cost": sweep.cost,
                                      "state_distance": sweep.state_distance, "full_cost": sweep.full_cost}
    return curves


def result_path(out_dir, task: str, net_id: int, dim_type: str) -> Path:
    """Where one network's curves of one dimension type are stored."""
    return Path(out_dir) / "networks" / task / f"NetNr{int(net_id)}_{dim_type}.npz"


def _location_seed(task: str, net_id: int) -> list[int]:
    return [RANDOM_LOCATION_SEED, TASKS.index(task), int(net_id)]


def _stored_source(path: Path) -> tuple[str, int]:
    with np.load(path) as f:
        return str(f["weights"]), int(f["net_id"])


def _finished(out_dir, task: str, weights: Path, net_id: int, dim_type: str) -> bool:
    """Whether the result file exists for this very network; a file from another one is an error."""
    path = result_path(out_dir, task, net_id, dim_type)
    if not path.exists():
        return False
    try:
        stored = _stored_source(path)
    except (OSError, ValueError, KeyError) as exc:
        raise ValueError(f"{path}: unreadable result file ({exc}); delete it or rerun with --recompute") from exc
    if stored != (str(weights), int(net_id)):
        raise ValueError(f"{path}: holds results of {stored[0]} network {stored[1]}, not of {weights} network "
                         f"{net_id}; use another output folder or --recompute")
    return True


def run_network(task: str, weights, net_id: int, dim_types, out_dir, force: bool = False) -> float:
    """Compute and store one network's curves (the dimension types not yet done).

    Returns the seconds spent (0 when everything was done already).
    """
    weights = Path(weights).resolve()
    todo = [d for d in dim_types if force or not _finished(out_dir, task, weights, net_id, d)]
    if not todo:
        return 0.0
    started = time.perf_counter()
    net = io.load_network(weights, net_id)
    curves = network_curves(net, task, todo, seed=_location_seed(task, net_id))
    seconds = time.perf_counter() - started
    for dim_type in todo:
        path = result_path(out_dir, task, net_id, dim_type)
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {f"{measure}_{kind}": curves[dim_type, kind][measure]
                  for kind in LOCATION_KINDS for measure in (*_MEASURES, "full_cost")}
        with atomic_output(path, overwrite=True) as temporary, open(temporary, "wb") as f:
            np.savez(f, weights=str(weights), net_id=int(net_id), task=task, dim_type=dim_type,
                     seconds=seconds / len(todo), **arrays)
    return seconds


@dataclass
class Summary:
    """Curves over networks: ``curves[task, dim_type, kind][measure]`` is
    ``[n_networks, n]`` (``full_cost``: ``[n_networks]``); ``sources``: the
    network sets; ``seconds``: compute time stored with the results."""

    curves: dict
    sources: dict
    seconds: float

    def mean(self, task, dim_type, kind, measure) -> np.ndarray:
        return self.curves[task, dim_type, kind][measure].mean(axis=0)

    def mad(self, task, dim_type, kind, measure) -> np.ndarray:
        """Median absolute deviation over networks (around the median)."""
        values = self.curves[task, dim_type, kind][measure]
        return np.median(np.abs(values - np.median(values, axis=0)), axis=0)

    def n_networks(self, task) -> int:
        return len(self.sources[task].net_ids)


def summarise(sets, dim_types, out_dir) -> Summary:
    """Collect the stored curves of every network of ``sets`` (all must be finished)."""
    curves, seconds = {}, 0.0
    for nets in sets:
        for dim_type in dim_types:
            per_kind = {kind: {m: [] for m in (*_MEASURES, "full_cost")} for kind in LOCATION_KINDS}
            for net_id in nets.net_ids:
                path = result_path(out_dir, nets.task, net_id, dim_type)
                if not path.exists():
                    raise FileNotFoundError(f"{path}: missing; run the networks first")
                with np.load(path) as f:
                    seconds += float(f["seconds"])
                    for kind in LOCATION_KINDS:
                        for measure in per_kind[kind]:
                            per_kind[kind][measure].append(f[f"{measure}_{kind}"])
            for kind in LOCATION_KINDS:
                curves[nets.task, dim_type, kind] = {m: np.array(v) for m, v in per_kind[kind].items()}
    return Summary(curves, {nets.task: nets for nets in sets}, seconds)


def rank_thresholds(summary: Summary, tolerance: float = COST_TOLERANCE) -> list[dict]:
    """Per task, dimension type and location kind: the smallest rank k at which the
    mean cost is within ``tolerance`` of the mean full-rank cost (``None``: never)."""
    rows = []
    for (task, dim_type, kind), curves in summary.curves.items():
        full = float(curves["full_cost"].mean())
        cost = curves["cost"].mean(axis=0)
        within = np.flatnonzero(cost <= (1 + tolerance) * full)
        rows.append({"task": task, "dim_type": dim_type, "locations": kind, "n_networks": summary.n_networks(task),
                     "full_cost": full, "rank": int(within[0]) + 1 if within.size else None})
    return rows


def threshold_table(rows, tolerance: float = COST_TOLERANCE) -> str:
    """The rank thresholds as a Markdown table."""
    lines = [("| task | dimensions | sampling locations | networks | mean full-rank cost | "
             f"smallest rank with mean cost <= {1 + tolerance:g} x full |"),
             "| --- | --- | --- | ---: | ---: | ---: |"]
    for row in rows:
        rank = "not reached" if row["rank"] is None else str(row["rank"])
        lines.append(f"| {row['task']} | {row['dim_type']} | {row['locations']} | {row['n_networks']} | "
                     f"{row['full_cost']:.2e} | {rank} |")
    return "\n".join(lines)


def figure3(summary: Summary, dim_types=DIM_TYPES):
    """The paper's figure 3 b–g: one row per dimension type; variance explained
    of L, cost and state distance against rank; mean over networks (line) with
    a band of +- MAD, solid for trajectory locations, dotted for random ones."""
    from matplotlib.figure import Figure

    from .plotting import TASK_COLORS

    fig = Figure(figsize=(13, 3.6 * len(dim_types)), layout="constrained")
    axes = np.atleast_2d(fig.subplots(len(dim_types), 3))
    styles = {"trajectory": "-", "random": ":"}
    for row, dim_type in zip(axes, dim_types):
        for task, nets in summary.sources.items():
            color = TASK_COLORS[task]
            for kind in LOCATION_KINDS:
                panels = zip(row, _MEASURES) if kind == "trajectory" else zip(row[1:], _MEASURES[1:])
                for ax, measure in panels:
                    mean = summary.mean(task, dim_type, kind, measure)
                    mad = summary.mad(task, dim_type, kind, measure)
                    x = np.arange(1, mean.size + 1)
                    label = f"{task} (n={len(nets.net_ids)}, {nets.label}), {kind} locations"
                    ax.plot(x, mean, ls=styles[kind], color=color, lw=1.8, label=label)
                    ax.fill_between(x, mean - mad, mean + mad, color=color, alpha=0.15, lw=0)
        row[0].set(xlim=(0, 30), ylim=(0, None), xlabel=r"PC(L)$_i$", ylabel="variance explained (%)",
                   title=f"{dim_type}: global operative dimensions")
        row[1].set(xlim=(0, 30), ylim=(0, None), xlabel=r"rank($W^{OP}_k$)", ylabel="cost",
                   title=f"{dim_type}: output cost")
        row[2].set(xlim=(0, None), ylim=(0, None), xlabel=r"rank($W^{OP}_k$)", ylabel="state distance (a.u.)",
                   title=f"{dim_type}: state distance to full rank")
    handles, labels = axes[0, 1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=2, fontsize="small", frameon=False)
    fig.suptitle("mean over networks, band: +- median absolute deviation; dotted: random sampling locations",
                 fontsize="medium")
    return fig


def _jobs(sets, dim_types, out_dir, force):
    return [(nets.task, nets.path, net_id, tuple(dim_types), out_dir, force)
            for nets in sets for net_id in nets.net_ids]


def reproduce(sets, out_dir, dim_types=DIM_TYPES, *, workers: int = 1, force: bool = False,
              progress: bool = True) -> Summary:
    """Compute (or resume) every network of ``sets``, then summarise.

    ``sets``: :class:`NetworkSet` per task. ``workers`` processes run
    networks in parallel. Writes nothing but the per-network result files;
    see :func:`figure3` and :func:`threshold_table` for the outputs.
    """
    dim_types = tuple(dim_types)
    for dim_type in dim_types:
        check_dim_type(dim_type)
    if "rows" in dim_types:
        _check_row_method()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    jobs = _jobs(sets, dim_types, out_dir, force)
    bar = tqdm(total=len(jobs), desc="networks", unit="net", disable=not progress)
    if workers <= 1:
        for job in jobs:
            bar.set_postfix_str(f"{job[0]} NetNr{job[2]}")
            run_network(*job)
            bar.update(1)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for future in as_completed([pool.submit(run_network, *job) for job in jobs]):
                future.result()
                bar.update(1)
    bar.close()
    return summarise(sets, dim_types, out_dir)

