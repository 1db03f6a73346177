"""Figure 3 b–g of the paper over many networks, with the random-location control.

For every network of a weights file, the analysis chain
(:func:`opdims.analyse_network`, run by :func:`opdims.analysis.batch.run_batch`) with
both kinds of sampling locations: along the condition-average trajectories
(the original's 120 ctxt or 121 swg locations on s2's trials), and the
paper's control, random sampling locations (see
:func:`opdims.core.sampling.random_locations`: each unit drawn from a normal
distribution with that unit's mean and standard deviation over the
condition-average states, seeded with ``(2022, task, net id)``). The sweep
runs on s3's trials.

Each network's results go to ``<out>/networks/<task>/NetNr<k>.h5`` (an
:class:`~opdims.io.AnalysisStore`) as they finish; a rerun reuses finished
networks whose weights and settings are unchanged, so an interrupted run
resumes. The summary is the mean over networks with a band of plus or minus
the median absolute deviation (MAD), as the paper's figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..core.validation import DIM_TYPES, ValidationError
from ..dims.network_analysis import LOCATION_KINDS
from ..dims.sweeps import COST_TOLERANCE, rank_within_full_cost, settled_rank
from ..io import AnalysisStore, list_networks
from .batch import batch_jobs, run_batch
from .chain import AnalysisOptions
from .executor import CONNECT_TIMEOUT, threads_per_job

__all__ = [
    "MEASURES",
    "NetworkSet",
    "Summary",
    "figure3",
    "network_ids",
    "rank_thresholds",
    "reproduce",
    "summarise",
    "threshold_table",
]

MEASURES = ("variance_explained", "cost", "state_distance")  #: the curves of figure 3


@dataclass(frozen=True)
class NetworkSet:
    """The networks of one task to analyse.

    Parameters
    ----------
    task : str
        ``'ctxt'`` or ``'swg'``.
    path : pathlib.Path
        A weights file (original layout).
    net_ids : tuple of int
        The networks in it.
    label : str
        A label for reports.
    """

    task: str
    path: Path
    net_ids: tuple[int, ...]
    label: str


def network_ids(path) -> tuple[int, ...]:
    """Ids ``k`` of the networks with ``final`` weights in a weights file.

    Parameters
    ----------
    path : path
        The file.

    Returns
    -------
    tuple of int
        The ids, ascending.

    Raises
    ------
    ValueError
        If the file holds no network.
    """
    ids = tuple(sorted({e.net_id for e in list_networks(path) if e.stage == "final"}))
    if not ids:
        raise ValidationError(f"{path}: no networks /NetNr<k>/final in this file (expected the original layout)")
    return ids


@dataclass
class Summary:
    """Curves over networks.

    Parameters
    ----------
    curves : dict
        ``(task, dim_type, kind) -> {measure: [n_networks, n]}`` (``full_cost``: ``[n_networks]``).
    sources : dict
        ``task -> NetworkSet``.
    seconds : float
        Compute time stored with the results.
    fingerprints : dict
        ``(task, net_id) -> fingerprint`` of each network (:meth:`opdims.Network.fingerprint`).
    """

    curves: dict
    sources: dict
    seconds: float
    fingerprints: dict = field(default_factory=dict)

    def mean(self, task, dim_type, kind, measure) -> np.ndarray:
        """Mean over networks.

        Parameters
        ----------
        task, dim_type, kind, measure : str
            Which curve.

        Returns
        -------
        numpy.ndarray
            The mean curve.
        """
        return self.curves[task, dim_type, kind][measure].mean(axis=0)

    def mad(self, task, dim_type, kind, measure) -> np.ndarray:
        """Median absolute deviation over networks (around the median).

        Parameters
        ----------
        task, dim_type, kind, measure : str
            Which curve.

        Returns
        -------
        numpy.ndarray
            The MAD curve.
        """
        values = self.curves[task, dim_type, kind][measure]
        return np.median(np.abs(values - np.median(values, axis=0)), axis=0)

    def n_networks(self, task) -> int:
        """Networks of ``task``.

        Parameters
        ----------
        task : str
            The task.

        Returns
        -------
        int
            How many.
        """
        return len(self.sources[task].net_ids)


def summarise(sets, dim_types, analyses) -> Summary:
    """Stack the curves of the analyses of every network of ``sets``.

    Parameters
    ----------
    sets : sequence of NetworkSet
        The networks.
    dim_types : sequence of str
        Dimension types.
    analyses : dict
        ``(task, net_id) -> NetworkAnalysis``.

    Returns
    -------
    Summary
        The curves.
    """
    curves, seconds, fingerprints = {}, 0.0, {}
    for nets in sets:
        mine = [analyses[nets.task, net_id] for net_id in nets.net_ids]
        for net_id, analysis in zip(nets.net_ids, mine):
            fingerprints[nets.task, net_id] = analysis.provenance.get("network_fingerprint")
        seconds += sum(float(a.provenance.get("seconds", 0.0)) for a in mine)
        for dim_type in dim_types:
            for kind in LOCATION_KINDS:
                results = [a[dim_type, kind] for a in mine]
                curves[nets.task, dim_type, kind] = {
                    "variance_explained": np.array([r.variance_explained for r in results]),
                    "cost": np.array([r.sweep.cost for r in results]),
                    "state_distance": np.array([r.sweep.state_distance for r in results]),
                    "full_cost": np.array([r.sweep.full_cost for r in results]),
                    "ranks": results[0].sweep.ranks,
                }
    return Summary(curves, {nets.task: nets for nets in sets}, seconds, fingerprints)


def rank_thresholds(summary: Summary, tolerance: float = COST_TOLERANCE) -> list[dict]:
    """Per task, dimension type and kind of locations: where the mean cost comes back.

    Both rules of :mod:`opdims.dims.sweeps` on the mean curves: the smallest rank
    with mean cost at most ``(1 + tolerance)`` x the mean full-rank cost, and
    the rank from which the mean cost stays within ``tolerance`` of its range.

    Parameters
    ----------
    summary : Summary
        The curves.
    tolerance : float, optional
        Relative tolerance (default 0.1).

    Returns
    -------
    list of dict
        One row per curve.
    """
    rows = []
    for (task, dim_type, kind), curves in summary.curves.items():
        full = float(curves["full_cost"].mean())
        cost = curves["cost"].mean(axis=0)
        rows.append({"task": task, "dim_type": dim_type, "locations": kind, "n_networks": summary.n_networks(task),
                     "full_cost": full, "rank": rank_within_full_cost(curves["ranks"], cost, full, tolerance),
                     "settled_rank": settled_rank(curves["ranks"], cost, full, tolerance)})
    return rows


def threshold_table(rows, tolerance: float = COST_TOLERANCE) -> str:
    """The rank thresholds as a Markdown table (both rules).

    Parameters
    ----------
    rows : list of dict
        From :func:`rank_thresholds`.
    tolerance : float, optional
        The tolerance they were computed with.

    Returns
    -------
    str
        The table.
    """
    lines = [("| task | dimensions | sampling locations | networks | mean full-rank cost | "
              f"smallest rank with mean cost <= {1 + tolerance:g} x full | "
              f"rank from which the mean cost stays within {100 * tolerance:g}% of its range |"),
             "| --- | --- | --- | ---: | ---: | ---: | ---: |"]
    for row in rows:
        rank = "not reached" if row["rank"] is None else str(row["rank"])
        settled = "not reached" if row["settled_rank"] is None else str(row["settled_rank"])
        lines.append(f"| {row['task']} | {row['dim_type']} | {row['locations']} | {row['n_networks']} | "
                     f"{row['full_cost']:.2e} | {rank} | {settled} |")
    return "\n".join(lines)


def figure3(summary: Summary, dim_types=DIM_TYPES):
    """The paper's figure 3 b–g.

    One row per dimension type; variance explained of L, cost and state
    distance against rank; mean over networks (line) with a band of +- MAD
    when there is more than one network; solid for trajectory locations,
    dotted for random ones. Panels lettered b–d (columns) and e–g (rows) as
    in the paper.

    Parameters
    ----------
    summary : Summary
        The curves.
    dim_types : sequence of str, optional
        Rows of panels.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    from matplotlib.figure import Figure

    from ..plotting import TASK_COLORS

    dim_types = tuple(dim_types)
    fig = Figure(figsize=(13, 3.6 * len(dim_types)), layout="constrained")
    axes = np.atleast_2d(fig.subplots(len(dim_types), 3))
    styles = {"trajectory": "-", "random": ":"}
    banded = any(summary.n_networks(task) > 1 for task in summary.sources)
    for row, dim_type in zip(axes, dim_types):
        for task, nets in summary.sources.items():
            color = TASK_COLORS[task]
            for kind in LOCATION_KINDS:
                panels = zip(row, MEASURES) if kind == "trajectory" else zip(row[1:], MEASURES[1:])
                for ax, measure in panels:
                    mean = summary.mean(task, dim_type, kind, measure)
                    x = np.arange(1, mean.size + 1) if measure == "variance_explained" else \
                        summary.curves[task, dim_type, kind]["ranks"]
                    label = f"{task} (n={len(nets.net_ids)}, {nets.label}), {kind} locations"
                    ax.plot(x, mean, ls=styles[kind], color=color, lw=1.8, label=label)
                    if summary.n_networks(task) > 1:
                        mad = summary.mad(task, dim_type, kind, measure)
                        ax.fill_between(x, mean - mad, mean + mad, color=color, alpha=0.15, lw=0)
        row[0].set(xlim=(0, 30), ylim=(0, None), xlabel=r"PC(L)$_i$", ylabel="variance explained (%)",
                   title=f"{dim_type}: global operative dimensions")
        row[1].set(xlim=(0, 30), ylim=(0, None), xlabel=r"rank($W^{OP}_k$)", ylabel="cost",
                   title=f"{dim_type}: output cost")
        row[2].set(xlim=(0, None), ylim=(0, None), xlabel=r"rank($W^{OP}_k$)", ylabel="state distance (a.u.)",
                   title=f"{dim_type}: state distance to full rank")
    for dim_type, row in zip(dim_types, axes):
        start = 0 if dim_type == "columns" else 3
        for k, ax in enumerate(row):
            ax.set_title("bcdefg"[start + k], loc="left", fontweight="bold")
    handles, labels = axes[0, 1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=2, fontsize="small", frameon=False)
    title = "mean over networks" + (", band: +- median absolute deviation" if banded else "") + \
        "; dotted: random sampling locations"
    fig.suptitle(title, fontsize="medium")
    return fig


def reproduce(sets, out_dir, dim_types=DIM_TYPES, *, workers: int = 1, scheduler: str | None = None,
              dask_local: int | None = None, threads: int | None = None, recompute: bool = False,
              progress: bool = True, connect_timeout: float = CONNECT_TIMEOUT, sweep_noise: bool = True) -> Summary:
    """Compute (or resume) every network of ``sets``, then summarise.

    Parameters
    ----------
    sets : sequence of NetworkSet
        The networks, per task.
    out_dir : path
        Output folder; results go to ``<out_dir>/networks/``.
    dim_types : sequence of str, optional
        Dimension types (default both).
    workers : int, optional
        Local worker processes.
    scheduler : str, optional
        A Dask scheduler's address instead.
    dask_local : int, optional
        A Dask ``LocalCluster`` of this many workers instead.
    threads : int, optional
        Threads per network (default: the usable cores shared among the local workers).
    recompute : bool, optional
        Recompute finished networks.
    progress : bool, optional
        A progress bar.
    connect_timeout : float, optional
        Seconds a Dask scheduler has to answer (default 10).
    sweep_noise : bool, optional
        The rank sweep with the networks' internal noise and the ctxt input noise, as the published s3
        (default); ``False``: without any noise (see :class:`~opdims.AnalysisOptions`). Stored results
        made the other way are recomputed.

    Returns
    -------
    Summary
        The curves over networks (see :func:`figure3`, :func:`threshold_table`).
    """
    dim_types = tuple(dim_types)
    options = AnalysisOptions(dim_types=dim_types, random_control=True, sweep_noise=sweep_noise)
    store = AnalysisStore(Path(out_dir) / "networks", keep_local=False)
    if threads is None:
        threads = threads_per_job(workers, scheduler=scheduler, dask_local=dask_local)
    jobs = batch_jobs({nets.task: nets.path for nets in sets}, {nets.task: nets.net_ids for nets in sets}, options,
                      threads=threads)
    results = run_batch(jobs, store, workers=workers, scheduler=scheduler, dask_local=dask_local,
                        recompute=recompute, progress=progress, connect_timeout=connect_timeout)
    analyses = {(job.task, job.net_id): res for job, res in zip(jobs, results)}
    return summarise(sets, dim_types, analyses)
