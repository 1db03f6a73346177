"""Figure 3 b–g and figure 1 c–e, h–j of the paper over many networks: operative against high-variance dimensions.

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
resumes. Each network also gets the high-variance baseline (the original s1:
W's SVD, the activity's principal components, the sweep over W's top-k left
singular vectors on s3's trials and noise) and the silent network's cost
(W = 0), the bottom of the cost scale of the headline rank. The summary is the
mean over networks with a band of plus or minus the mean absolute deviation
about the mean (MATLAB's ``mad(X)``, as the paper drew it; ``band='median'``
for the median absolute deviation about the median).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..core.metrics import absolute_deviation
from ..core.validation import DIM_TYPES, ValidationError, check_band
from ..dims.network_analysis import LOCATION_KINDS
from ..dims.sweeps import (
    COST_TOLERANCE,
    DEFAULT_RANK_RULE,
    check_rank_rule,
    cost_rank,
    rank_rule_text,
    rank_within_full_cost,
    settled_rank,
)
from ..io import AnalysisStore, list_networks
from .batch import batch_jobs, run_batch
from .chain import AnalysisOptions
from .executor import CONNECT_TIMEOUT, threads_per_job

__all__ = [
    "BAND_NAMES",
    "HIGH_VARIANCE",
    "MEASURES",
    "NetworkSet",
    "Summary",
    "figure1",
    "figure3",
    "figure_operative_vs_high_variance",
    "network_ids",
    "rank_thresholds",
    "reproduce",
    "summarise",
    "threshold_table",
]

MEASURES = ("variance_explained", "cost", "state_distance")  #: the curves of figure 3
#: key ``(dim_type, kind)`` of the high-variance baseline's curves in :attr:`Summary.curves`
HIGH_VARIANCE = ("high_variance", "svd")
#: the bands' names in legends
BAND_NAMES = {"mean": "mean absolute deviation (MATLAB's mad, as the paper)",
              "median": "median absolute deviation"}


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
        ``(task, dim_type, kind) -> {measure: [n_networks, n]}`` (``full_cost``, ``silent_cost``:
        ``[n_networks]``); the high-variance baseline under ``(task, *HIGH_VARIANCE)``, with
        ``variance_explained`` (of W) and ``activity_variance_explained``.
    sources : dict
        ``task -> NetworkSet``.
    seconds : float
        Compute time stored with the results.
    fingerprints : dict
        ``(task, net_id) -> fingerprint`` of each network (:meth:`opdims.Network.fingerprint`).
    band : str, optional
        The default band of :meth:`mad` and the figures: ``'mean'`` (MATLAB's
        ``mad``, the paper's) or ``'median'``.
    """

    curves: dict
    sources: dict
    seconds: float
    fingerprints: dict = field(default_factory=dict)
    band: str = "mean"

    def __post_init__(self):
        check_band(self.band)

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

    def mad(self, task, dim_type, kind, measure, band: str | None = None) -> np.ndarray:
        """Absolute deviation over networks: the half-width of the band.

        By default (``band='mean'``) MATLAB's ``mad(X)``, the mean absolute
        deviation about the mean, as the paper drew it; ``band='median'``:
        the median absolute deviation about the median.

        Parameters
        ----------
        task, dim_type, kind, measure : str
            Which curve.
        band : str, optional
            ``'mean'`` or ``'median'`` (default: the summary's :attr:`band`).

        Returns
        -------
        numpy.ndarray
            The deviation curve.
        """
        return absolute_deviation(self.curves[task, dim_type, kind][measure], self.band if band is None else band)

    def has_high_variance(self, task) -> bool:
        """Whether the curves of ``task`` include the high-variance baseline.

        Parameters
        ----------
        task : str
            The task.

        Returns
        -------
        bool
            True when every network of the task has it.
        """
        return (task, *HIGH_VARIANCE) in self.curves

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


def _silent(sweep) -> float:
    return np.nan if sweep.silent_cost is None else float(sweep.silent_cost)


def summarise(sets, dim_types, analyses, band: str = "mean") -> Summary:
    """Stack the curves of the analyses of every network of ``sets``.

    Parameters
    ----------
    sets : sequence of NetworkSet
        The networks.
    dim_types : sequence of str
        Dimension types.
    analyses : dict
        ``(task, net_id) -> NetworkAnalysis``.
    band : str, optional
        The summary's band: ``'mean'`` (default) or ``'median'`` absolute deviation.

    Returns
    -------
    Summary
        The curves (with the high-variance baseline when every network has it).
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
                    "silent_cost": np.array([_silent(r.sweep) for r in results]),
                    "ranks": results[0].sweep.ranks,
                }
        hv = [a.high_variance for a in mine]
        if all(h is not None and h.sweep is not None and h.activity_variances is not None for h in hv):
            curves[(nets.task, *HIGH_VARIANCE)] = {
                "variance_explained": np.array([h.w_variance_explained for h in hv]),
                "activity_variance_explained": np.array([h.activity_variance_explained for h in hv]),
                "cost": np.array([h.sweep.cost for h in hv]),
                "state_distance": np.array([h.sweep.state_distance for h in hv]),
                "full_cost": np.array([h.sweep.full_cost for h in hv]),
                "silent_cost": np.array([_silent(h.sweep) for h in hv]),
                "ranks": hv[0].sweep.ranks,
            }
    return Summary(curves, {nets.task: nets for nets in sets}, seconds, fingerprints, band)


def rank_thresholds(summary: Summary, tolerance: float = COST_TOLERANCE, rule: str = DEFAULT_RANK_RULE) -> list[dict]:
    """Per task, dimension type and kind of locations, and for the SVD of W: where the mean cost comes back.

    The rules of :mod:`opdims.dims.sweeps` on the mean curves: ``rank`` by
    ``rule`` (default ``'range'``: the smallest rank whose mean cost is within
    ``tolerance`` of the range from the mean full-rank cost to the mean
    silent cost), and the two older rules: ``ratio_rank``, the smallest rank
    with mean cost at most ``(1 + tolerance)`` x the mean full-rank cost, and
    ``settled_rank``, the rank from which the mean cost stays within
    ``tolerance`` of its range.

    Parameters
    ----------
    summary : Summary
        The curves.
    tolerance : float, optional
        Tolerance of the rules (default 0.1).
    rule : str, optional
        The rule of ``rank`` (:data:`opdims.dims.sweeps.RANK_RULES`).

    Returns
    -------
    list of dict
        One row per curve (``dim_type`` ``'high_variance'`` for the SVD of W).
    """
    check_rank_rule(rule)
    rows = []
    for (task, dim_type, kind), curves in summary.curves.items():
        full = float(curves["full_cost"].mean())
        silent = curves.get("silent_cost")
        silent = None if silent is None or np.isnan(silent).any() else float(silent.mean())
        cost = curves["cost"].mean(axis=0)
        rank = None if rule == "range" and silent is None else \
            cost_rank(curves["ranks"], cost, full, silent, rule=rule, tolerance=tolerance)
        rows.append({"task": task, "dim_type": dim_type, "locations": kind, "n_networks": summary.n_networks(task),
                     "full_cost": full, "silent_cost": silent, "rank": rank,
                     "ratio_rank": rank_within_full_cost(curves["ranks"], cost, full, tolerance),
                     "settled_rank": settled_rank(curves["ranks"], cost, full, tolerance)})
    return rows


def threshold_table(rows, tolerance: float = COST_TOLERANCE, rule: str = DEFAULT_RANK_RULE) -> str:
    """The rank thresholds as a Markdown table: the headline rule, then the two older ones.

    Parameters
    ----------
    rows : list of dict
        From :func:`rank_thresholds`.
    tolerance : float, optional
        The tolerance they were computed with.
    rule : str, optional
        The rule of their ``rank``.

    Returns
    -------
    str
        The table, with what each rank means below it.
    """
    lines = [("| task | dimensions | sampling locations | networks | mean full-rank cost | mean silent cost (W = 0) | "
              f"rank ({rule}) | smallest rank with mean cost <= {1 + tolerance:g} x full | "
              f"rank from which the mean cost stays within {100 * tolerance:g}% of its range |"),
             "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]

    def fmt(value):
        return "not reached" if value is None else str(value)

    for row in rows:
        if row["dim_type"] == HIGH_VARIANCE[0]:
            dims, where = "high-variance (SVD of W)", "-"
        else:
            dims, where = row["dim_type"], row["locations"]
        silent = "-" if row.get("silent_cost") is None else f"{row['silent_cost']:.2e}"
        rank = "-" if rule == "range" and row.get("silent_cost") is None else fmt(row["rank"])
        lines.append(f"| {row['task']} | {dims} | {where} | {row['n_networks']} | {row['full_cost']:.2e} | {silent} | "
                     f"{rank} | {fmt(row['ratio_rank'])} | {fmt(row['settled_rank'])} |")
    lines += ["", f"rank ({rule}): the {rank_rule_text(rule, tolerance, mean=True)} (the mean over networks)."]
    return "\n".join(lines)


def _band_text(summary: Summary, band: str | None) -> str:
    """The legend's words for the band, or "" when there is no band (one network per task)."""
    banded = any(summary.n_networks(task) > 1 for task in summary.sources)
    return f", band: +- {BAND_NAMES[summary.band if band is None else band]}" if banded else ""


def _draw_band(ax, summary, key, measure, x, mean, color, band):
    if summary.n_networks(key[0]) > 1:
        spread = summary.mad(*key, measure, band=band)
        ax.fill_between(x, mean - spread, mean + spread, color=color, alpha=0.15, lw=0)


def figure3(summary: Summary, dim_types=DIM_TYPES, band: str | None = None):
    """The paper's figure 3 b–g.

    One row per dimension type; variance explained of L, cost and state
    distance against rank; mean over networks (line) with a band of +- the
    absolute deviation (default the mean absolute deviation, MATLAB's
    ``mad``, as the paper) when there is more than one network; solid for
    trajectory locations, dotted for random ones. Panels lettered b–d
    (columns) and e–g (rows) as in the paper.

    Parameters
    ----------
    summary : Summary
        The curves.
    dim_types : sequence of str, optional
        Rows of panels.
    band : str, optional
        ``'mean'`` or ``'median'`` absolute deviation (default: the summary's).

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
                    _draw_band(ax, summary, (task, dim_type, kind), measure, x, mean, color, band)
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
    title = "mean over networks" + _band_text(summary, band) + "; dotted: random sampling locations"
    fig.suptitle(title, fontsize="medium")
    return fig


def figure1(summary: Summary, band: str | None = None):
    """The paper's figure 1 c–e (ctxt) and h–j (swg) over networks: the high-variance dimensions.

    One row per task: the variance explained by W's singular values
    (PC(W)_i), by the principal components of the activity (PC(X)_i), and
    the output cost of the network whose W keeps its top-k left singular
    vectors, against k; mean over networks with a band of +- the absolute
    deviation (default the mean absolute deviation, as the paper).

    Parameters
    ----------
    summary : Summary
        The curves (with the high-variance baseline, :meth:`Summary.has_high_variance`).
    band : str, optional
        ``'mean'`` or ``'median'`` absolute deviation (default: the summary's).

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Raises
    ------
    ValueError
        If no task has the high-variance baseline.
    """
    from matplotlib.figure import Figure

    from ..plotting import TASK_COLORS

    tasks = [task for task in summary.sources if summary.has_high_variance(task)]
    if not tasks:
        raise ValidationError("figure 1: the results hold no high-variance baseline (recompute them)")
    fig = Figure(figsize=(13, 3.6 * len(tasks) + 0.4), layout="constrained")
    axes = np.atleast_2d(fig.subplots(len(tasks), 3, squeeze=False))
    panels = (("variance_explained", r"PC(W)$_i$", "variance explained (%)", "Dimensionality W"),
              ("activity_variance_explained", r"PC(X)$_i$", "variance explained (%)", "Dimensionality X"),
              ("cost", r"rank($W^{PC}_k$)", "cost", "network output cost for reduced-rank W"))
    for row, task in zip(axes, tasks):
        key = (task, *HIGH_VARIANCE)
        curves, color, nets = summary.curves[key], TASK_COLORS.get(task), summary.sources[task]
        for ax, (measure, xlabel, ylabel, title) in zip(row, panels):
            mean = summary.mean(*key, measure)
            x = curves["ranks"] if measure == "cost" else np.arange(1, mean.size + 1)
            ax.plot(x, mean, color=color, lw=1.8, label=f"{task} (n={len(nets.net_ids)}, {nets.label})")
            _draw_band(ax, summary, key, measure, x, mean, color, band)
            ax.set(xlim=(0, x[-1] + 0.5), ylim=(0, None), xlabel=xlabel, ylabel=ylabel, title=title)
            ax.grid(True, alpha=0.3)
        row[2].axhline(curves["full_cost"].mean(), color="0.5", ls="--", lw=1, label="full rank (mean)")
        row[2].legend(loc="upper right", fontsize="small")
        letters = "cde" if task == "ctxt" else "hij"
        for letter, ax in zip(letters, row):
            ax.set_title(letter, loc="left", fontweight="bold")
    fig.suptitle("high-variance dimensions: mean over networks" + _band_text(summary, band), fontsize="medium")
    return fig


#: line styles of the three kinds of dimensions in :func:`figure_operative_vs_high_variance`
_ANSWER_STYLES = {"columns": {"color": "k", "ls": "-"}, "rows": {"color": "0.45", "ls": "--"},
                  HIGH_VARIANCE[0]: {"color": "tab:blue", "ls": "-"}}


def figure_operative_vs_high_variance(summary: Summary, dim_types=DIM_TYPES, band: str | None = None,
                                      tolerance: float = COST_TOLERANCE, rule: str = DEFAULT_RANK_RULE):
    """The paper's answer side by side: operative against high-variance dimensions, per task.

    One row per task: the output cost and the state distance to the
    full-rank trajectories against rank, for W reduced to its operative
    column dimensions, its operative row dimensions (trajectory locations)
    and its high-variance dimensions (top-k left singular vectors), on the
    same axes; mean over networks with a band; the rank at which each mean
    cost is back (``rule``) marked and said in the legend.

    Parameters
    ----------
    summary : Summary
        The curves.
    dim_types : sequence of str, optional
        Operative dimension types to draw.
    band : str, optional
        ``'mean'`` or ``'median'`` absolute deviation (default: the summary's).
    tolerance : float, optional
        Tolerance of the marked ranks.
    rule : str, optional
        Rule of the marked ranks (:data:`opdims.dims.sweeps.RANK_RULES`).

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    from matplotlib.figure import Figure

    check_rank_rule(rule)
    tasks = list(summary.sources)
    fig = Figure(figsize=(13, 3.8 * len(tasks) + 0.5), layout="constrained")
    axes = np.atleast_2d(fig.subplots(len(tasks), 2, squeeze=False))
    names = {"columns": "operative columns", "rows": "operative rows", HIGH_VARIANCE[0]: "high-variance (SVD of W)"}
    ranks = {(r["task"], r["dim_type"]): r["rank"] for r in rank_thresholds(summary, tolerance, rule)
             if r["locations"] in ("trajectory", HIGH_VARIANCE[1])}
    for (ax_cost, ax_dist), task in zip(axes, tasks):
        keys = [(task, d, "trajectory") for d in dim_types if (task, d, "trajectory") in summary.curves]
        if summary.has_high_variance(task):
            keys.append((task, *HIGH_VARIANCE))
        for key in keys:
            style, x = _ANSWER_STYLES[key[1]], summary.curves[key]["ranks"]
            k = ranks.get(key[:2])
            label = f"{names[key[1]]}: rank {'not reached' if k is None else k}"
            for ax, measure in ((ax_cost, "cost"), (ax_dist, "state_distance")):
                mean = summary.mean(*key, measure)
                ax.plot(x, mean, lw=1.8, label=label, **style)
                _draw_band(ax, summary, key, measure, x, mean, style["color"], band)
            if k is not None:
                ax_cost.axvline(k, color=style["color"], ls=":", lw=1)
        if keys:
            curves = summary.curves[keys[0]]
            ax_cost.axhline(curves["full_cost"].mean(), color="0.6", ls="--", lw=1, label="full rank (mean)")
            if not np.isnan(curves["silent_cost"]).any():
                ax_cost.axhline(curves["silent_cost"].mean(), color="0.6", ls="-.", lw=1, label="silent, W = 0 (mean)")
        n = max((summary.curves[key]["ranks"][-1] for key in keys), default=1)
        for ax, ylabel in ((ax_cost, "cost"), (ax_dist, "state distance (a.u.)")):
            ax.set(xlim=(0, n + 0.5), ylim=(0, None), xlabel="rank k", ylabel=ylabel,
                   title=f"{task} (n={summary.n_networks(task)}): {ylabel.split(' (')[0]}")
            ax.grid(True, alpha=0.3)
        ax_cost.legend(loc="upper right", fontsize="small")
    fig.suptitle(f"operative against high-variance dimensions: mean over networks{_band_text(summary, band)}\n"
                 f"rank: the {rank_rule_text(rule, tolerance, mean=True)}", fontsize="medium")
    return fig


def reproduce(sets, out_dir, dim_types=DIM_TYPES, *, workers: int = 1, scheduler: str | None = None,
              dask_local: int | None = None, threads: int | None = None, recompute: bool = False,
              progress: bool = True, connect_timeout: float = CONNECT_TIMEOUT, sweep_noise: bool = True,
              band: str = "mean") -> Summary:
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
    band : str, optional
        The summary's band: ``'mean'`` (default, MATLAB's ``mad``, the paper's) or ``'median'`` absolute
        deviation.

    Returns
    -------
    Summary
        The curves over networks (see :func:`figure3`, :func:`figure1`,
        :func:`figure_operative_vs_high_variance`, :func:`threshold_table`).
    """
    check_band(band)
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
    return summarise(sets, dim_types, analyses, band)
