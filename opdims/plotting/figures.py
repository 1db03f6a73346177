"""Figures of the four analyses (matplotlib, no pyplot state).

Building blocks draw into a given ``Axes``; the ``figure_*`` functions build
a whole :class:`~matplotlib.figure.Figure` from a pipeline result, and
:func:`save_figure` writes it as PNG and PDF. Trajectories are drawn as the
original does: condition-average states projected (uncentred) onto the
first principal components of the full-rank activity, 2-D for ctxt, 3-D for
swg. A network with fewer units than that has fewer components: the missing
coordinates are drawn as 0 and their axis says so.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..core.errors import OutputExistsError, ValidationError
from ..core.sampling import sampling_location_properties
from ..io import atomic_output

__all__ = [
    "TASK_COLORS",
    "condition_colors",
    "figure_analysis_locations",
    "figure_full_and_reduced_trajectories",
    "figure_global_dims",
    "figure_network_analysis",
    "figure_outputs",
    "figure_s1",
    "figure_sampling_locations",
    "leading_components",
    "line_plot",
    "plot_condition_trajectories",
    "plot_sampling_locations",
    "project",
    "save_figure",
    "trajectory_axes",
]

#: line colour per task, as in the paper's figure 3
TASK_COLORS = {"ctxt": "#303030", "swg": "#2bb5a0"}
RANK_OP = r"rank($W^{OP}_k$)"
RANK_PC = r"rank($W^{PC}_k$)"
#: s4 trajectories: the full-rank network's lines and the reduced-rank network's
FULL_RANK_LINES = {"linestyle": "-", "lw": 1.5}
REDUCED_RANK_LINES = {"linestyle": ":", "lw": 3.0}
REDUCED_RANK_LIGHTEN = 0.45  #: reduced-rank colours are this much closer to white


def line_plot(ax, x, y, *, title: str = "", xlabel: str = "", ylabel: str = "", labels=None, spread=None,
              from_zero: bool = True, **line_options):
    """Draw lines ``y [M, n]`` (or ``[n]``) against ``x [n]`` into ``ax``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    x : array_like
        ``[n]`` x values.
    y : array_like
        ``[M, n]`` (one line per row), ``[n]`` (one line), or ``[n, M]``
        (read as M lines when ``n`` matches ``x`` and ``M`` does not).
    title, xlabel, ylabel : str, optional
        Axes title and labels.
    labels : sequence of str, optional
        ``[M]``: a legend entry per line (default: no legend).
    spread : array_like, optional
        ``[n]`` (e.g. a MAD): a grey band ``y +- spread`` around the first line.
    from_zero : bool, optional
        y-axis from 0 to 1.1 times the largest value (of the lines and the
        band), as the original (default True).
    **line_options
        Passed to :meth:`matplotlib.axes.Axes.plot` (default ``lw=2``, and a
        marker where a line has a single point, which would not show).

    Returns
    -------
    list of matplotlib.lines.Line2D
        The ``M`` lines.

    Raises
    ------
    ValueError
        If ``y`` does not match ``x``, or ``labels`` has not one entry per line.

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().add_subplot()
    >>> lines = line_plot(ax, [1, 2, 3], [[1.0, 3.0, 2.0], [0.5, 0.5, 4.0]], labels=["a", "b"])
    >>> len(lines), [round(float(limit), 2) for limit in ax.get_ylim()]
    (2, [0.0, 4.4])
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    y = np.atleast_2d(np.asarray(y, dtype=np.float64))
    if y.shape[1] != x.size and y.shape[0] == x.size:
        y = y.T
    if y.shape[1] != x.size:
        raise ValidationError(f"line plot: y has shape {y.shape}, expected [lines, {x.size}] to match x")
    if labels is not None and len(labels) != y.shape[0]:
        raise ValidationError(f"line plot: {len(labels)} labels for {y.shape[0]} lines")
    line_options = {"lw": 2, **({"marker": "o"} if x.size == 1 else {}), **line_options}
    lines = [ax.plot(x, row, label=None if labels is None else str(labels[i]), **line_options)[0]
             for i, row in enumerate(y)]
    top = np.nanmax(y)
    if spread is not None:
        spread = np.asarray(spread, dtype=np.float64).reshape(-1)
        ax.fill_between(x, y[0] - spread, y[0] + spread, color="k", alpha=0.2, lw=0)
        top = np.nanmax(y[0] + spread)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    ax.grid(True, alpha=0.3)
    if from_zero and np.isfinite(top) and top > 0:
        ax.set_ylim(0, 1.1 * top)
    if labels is not None:
        ax.legend(loc="best")
    return lines


def condition_colors(n: int) -> np.ndarray:
    """Return one colour per input condition (viridis, like MATLAB's parula).

    Parameters
    ----------
    n : int
        Number of conditions.

    Returns
    -------
    numpy.ndarray
        ``[n, 4]`` RGBA colours.

    Examples
    --------
    >>> condition_colors(3).shape
    (3, 4)
    """
    return matplotlib.colormaps["viridis"](np.linspace(0, 1, n))


def project(states, components) -> np.ndarray:
    """Project states (uncentred) onto components.

    Parameters
    ----------
    states : array_like
        ``[..., N]`` states (e.g. ``[n_cond, T, N]`` condition averages).
    components : array_like
        ``[N, k]`` components as columns.

    Returns
    -------
    numpy.ndarray
        ``[..., k]`` coordinates.

    Raises
    ------
    ValueError
        If the states and the components differ in the number of units.

    Examples
    --------
    >>> import numpy as np
    >>> project(np.array([[1.0, 2.0, 3.0]]), np.eye(3)[:, :2])
    array([[1., 2.]])
    """
    states = np.asarray(states, dtype=np.float64)
    components = np.asarray(components, dtype=np.float64)
    if states.shape[-1] != components.shape[0]:
        raise ValidationError(f"projection: states have {states.shape[-1]} units, components {components.shape[0]}")
    return states @ components


def leading_components(components, n: int) -> np.ndarray:
    """Return the first ``n`` columns of ``components``, padded with zero columns.

    A network of fewer than ``n`` units has fewer than ``n`` principal
    components; the missing ones are zero vectors, so trajectories projected
    onto them lie at 0 along those axes.

    Parameters
    ----------
    components : array_like
        ``[N, k]`` components as columns.
    n : int
        How many are wanted.

    Returns
    -------
    numpy.ndarray
        ``[N, n]``.

    Examples
    --------
    >>> import numpy as np
    >>> leading_components(np.ones((1, 1)), 3)
    array([[1., 0., 0.]])
    """
    components = np.asarray(components, dtype=np.float64)
    out = np.zeros((components.shape[0], int(n)))
    k = min(int(n), components.shape[1])
    out[:, :k] = components[:, :k]
    return out


def trajectory_axes(fig: Figure, n_dims: int, *args, n_components: int | None = None):
    """Add axes for ``n_dims``-D trajectories (2 or 3) to ``fig``, labelled PC(X)_i.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    n_dims : int
        2 (plain axes) or 3 (3-D axes).
    *args
        Subplot position, as :meth:`matplotlib.figure.Figure.add_subplot`
        takes it (default ``1, 1, 1``).
    n_components : int, optional
        How many principal components the network has (its number of
        units), when fewer than ``n_dims``: the labels of the other axes
        say that there is no such component.

    Returns
    -------
    matplotlib.axes.Axes
        The axes (``Axes3D`` for 3).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> ax = trajectory_axes(Figure(), 2, n_components=1)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('PC(X)$_1$', 'PC(X)$_2$ (none: 1 unit)')
    """
    ax = fig.add_subplot(*(args or (1, 1, 1)), **({"projection": "3d"} if n_dims == 3 else {}))

    def label(i: int) -> str:
        text = rf"PC(X)$_{i}$"
        if n_components is not None and i > n_components:
            text += f" (none: {n_components} unit{'s' if n_components != 1 else ''})"
        return text

    ax.set_xlabel(label(1))
    ax.set_ylabel(label(2))
    if n_dims == 3:
        ax.set_zlabel(label(3))
        ax.set_box_aspect(None, zoom=0.85)  # room for the axis labels
    return ax


def plot_condition_trajectories(ax, projected, colors, *, linestyle: str = "-", labels=None, lw: float = 2):
    """Draw condition-average trajectories into ``ax``, one colour each.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw (3-D axes for 3-D trajectories).
    projected : array_like
        ``[n_cond, T, 2 or 3]`` trajectories in PC coordinates.
    colors : array_like
        ``[n_cond, 3 or 4]`` RGB(A) colours, or ``n_cond`` colour names.
    linestyle : str, optional
        Matplotlib line style (default solid).
    labels : sequence of str, optional
        ``[n_cond]`` legend entries.
    lw : float, optional
        Line width (default 2).

    Returns
    -------
    list of matplotlib.lines.Line2D
        One line per condition.

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().add_subplot()
    >>> lines = plot_condition_trajectories(ax, np.zeros((2, 5, 2)), condition_colors(2), linestyle=":")
    >>> [line.get_linestyle() for line in lines]
    [':', ':']
    """
    projected = np.asarray(projected, dtype=np.float64)
    lines = []
    for c, trajectory in enumerate(projected):
        label = None if labels is None else str(labels[c])
        lines += ax.plot(*trajectory.T, color=colors[c], lw=lw, linestyle=linestyle, label=label)
    return lines


def plot_sampling_locations(ax, projected):
    """Draw sampling locations into ``ax`` as black diamonds.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw (3-D axes for 3-D locations).
    projected : array_like
        ``[..., 2 or 3]`` locations in PC coordinates.

    Returns
    -------
    matplotlib.collections.PathCollection
        The markers.

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().add_subplot()
    >>> plot_sampling_locations(ax, np.zeros((2, 3, 2))).get_offsets().shape
    (6, 2)
    """
    points = np.asarray(projected, dtype=np.float64).reshape(-1, np.shape(projected)[-1])
    return ax.scatter(*points.T, s=40, c="k", marker="D", zorder=3)


def figure_s1(result) -> Figure:
    """Draw s1: the variance explained by W and by the activity, and the rank sweep.

    Four panels: variance explained by W's singular values and by the
    activity's principal components, and cost and state distance against
    rank(W^PC_k).

    Parameters
    ----------
    result : opdims.matlab.scripts.S1Result
        What :func:`opdims.matlab.scripts.s1_high_variance_dimensions` returns.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not attached to pyplot).

    Examples
    --------
    >>> import numpy as np
    >>> import opdims
    >>> rng = np.random.default_rng(0)
    >>> net = opdims.Network(W_in=rng.standard_normal((3, 1)), W=rng.standard_normal((3, 3)) / 2,
    ...                      W_out=rng.standard_normal((1, 3)), x0=np.zeros((3, 1)), b_x=np.zeros(3), b_z=np.zeros(1))
    >>> from opdims.matlab.scripts import s1_high_variance_dimensions
    >>> fig = figure_s1(s1_high_variance_dimensions(net, "swg"))
    >>> [ax.get_title() for ax in fig.get_axes()][:2]
    ['Dimensionality W', 'Dimensionality X']
    """
    fig = Figure(figsize=(11, 8.5), layout="constrained")
    axes = fig.subplots(2, 2)
    n_w, n_x = result.w_variance_explained.size, result.activity_variance_explained.size
    color = TASK_COLORS.get(result.settings.task)
    line_plot(axes[0, 0], np.arange(1, n_w + 1), result.w_variance_explained, title="Dimensionality W",
              xlabel=r"PC(W)$_i$", ylabel="variance explained (%)", color=color)
    line_plot(axes[0, 1], np.arange(1, n_x + 1), result.activity_variance_explained, title="Dimensionality X",
              xlabel=r"PC(X)$_i$", ylabel="variance explained (%)", color=color)
    _rank_panels(axes[1, 0], axes[1, 1], [result.sweep], [result.settings.task], [None], RANK_PC)
    fig.suptitle(_network_title(result.settings))
    return fig


def _network_title(settings, extra: str = "") -> str:
    name = Path(settings.weights).name if settings.weights else "network"
    return f"{settings.task} network {settings.net_id} ({name}){extra}"


def _axis_end(n: int) -> float:
    """Right end of an x-axis of ranks or components 1..n: n, with room for a lone point."""
    return n if n > 1 else n + 0.5


def _rank_panels(ax_cost, ax_dist, sweeps, tasks, labels, rank_label: str, cost_xmax=None):
    for sweep, task, label in zip(sweeps, tasks, labels):
        color = TASK_COLORS.get(task)
        line_plot(ax_cost, sweep.ranks, sweep.cost, color=color, title="network output cost for reduced-rank W",
                  xlabel=rank_label, ylabel="cost")
        ax_cost.axhline(sweep.full_cost, color=color, ls="--", lw=1,
                        label=f"full rank{'' if label is None else f' ({label})'}")
        line_plot(ax_dist, sweep.ranks, sweep.state_distance, color=color,
                  title="state distance to trajectory of full-rank W", xlabel=rank_label,
                  ylabel="state distance (a.u.)")
    for ax, values in ((ax_cost, [s.cost for s in sweeps]), (ax_dist, [s.state_distance for s in sweeps])):
        top = max(np.nanmax(v) for v in values)
        ax.set_ylim(0, 1.1 * top if top > 0 else 1)
    ax_cost.legend(loc="upper right")
    if cost_xmax is not None:
        ax_cost.set_xlim(0, cost_xmax)
    ax_dist.set_xlim(0, _axis_end(max(s.ranks.max() for s in sweeps)))


def figure_global_dims(results, labels=None) -> Figure:
    """Draw the paper's figure 3 b-d (and e-g) for one or more s3 results.

    For, e.g., a ctxt and an swg network: the variance explained by the
    global operative dimensions (PC(L)_i), and cost and state distance
    against rank(W^OP_k); one row of panels per dimension type (columns,
    rows) among the results.

    Parameters
    ----------
    results : iterable of opdims.matlab.scripts.S3Result
        What :func:`opdims.matlab.scripts.s3_global_operative_dimensions` returns.
    labels : sequence of str, optional
        One legend entry per result (default: its network type).

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not attached to pyplot).

    Raises
    ------
    ValueError
        For no results, or not one label per result.

    Examples
    --------
    >>> import numpy as np
    >>> import opdims
    >>> rng = np.random.default_rng(0)
    >>> net = opdims.Network(W_in=rng.standard_normal((3, 1)), W=rng.standard_normal((3, 3)) / 2,
    ...                      W_out=rng.standard_normal((1, 3)), x0=np.zeros((3, 1)), b_x=np.zeros(3), b_z=np.zeros(1))
    >>> from opdims.matlab.scripts import s3_global_operative_dimensions
    >>> fig = figure_global_dims([s3_global_operative_dimensions(net, "swg")], labels=["my network"])
    >>> fig.get_axes()[0].get_title()
    'global operative column dimensions'
    """
    results = list(results)
    if not results:
        raise ValidationError("figure_global_dims: expected at least one s3 result")
    labels = [r.settings.task for r in results] if labels is None else list(labels)
    if len(labels) != len(results):
        raise ValidationError(f"figure_global_dims: {len(labels)} labels for {len(results)} results")
    dim_types = [d for d in ("columns", "rows") if any(r.global_dims.dim_type == d for r in results)]
    fig = Figure(figsize=(14, 4.2 * len(dim_types)), layout="constrained")
    for row, dim_type in zip(fig.subplots(len(dim_types), 3, squeeze=False), dim_types):
        chosen = [(r, label) for r, label in zip(results, labels) if r.global_dims.dim_type == dim_type]
        _global_dims_row(*row, [r for r, _ in chosen], [label for _, label in chosen], dim_type)
    networks = dict.fromkeys(_network_title(r.settings) for r in results)  # unique, in order
    fig.suptitle("; ".join(networks), fontsize="medium")
    return fig


def _global_dims_row(ax_var, ax_cost, ax_dist, results, labels, dim_type: str) -> None:
    for result, label in zip(results, labels):
        n = result.variance_explained.size
        line_plot(ax_var, np.arange(1, n + 1), result.variance_explained, labels=[label],
                  color=TASK_COLORS.get(result.settings.task), title=f"global operative {dim_type[:-1]} dimensions",
                  xlabel=r"PC(L)$_i$", ylabel="variance explained (%)")
    ax_var.set_ylim(0, 1.1 * max(np.nanmax(r.variance_explained) for r in results))
    n_units = max(r.variance_explained.size for r in results)
    ax_var.set_xlim(0, _axis_end(min(n_units, 30)))
    settled = [r.sweep.settled_rank() or n_units for r in results]
    _rank_panels(ax_cost, ax_dist, [r.sweep for r in results], [r.settings.task for r in results], labels,
                 RANK_OP, cost_xmax=_axis_end(min(n_units, max(30, int(1.5 * max(settled))))))


def figure_sampling_locations(result) -> Figure:
    """Draw s2: the sampling locations (diamonds) on the condition-average trajectories.

    Parameters
    ----------
    result : opdims.matlab.scripts.S2Result
        What :func:`opdims.matlab.scripts.s2_local_operative_dimensions` returns.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not attached to pyplot): 2-D for ctxt, 3-D for swg.

    Examples
    --------
    >>> import numpy as np
    >>> import opdims
    >>> rng = np.random.default_rng(0)
    >>> net = opdims.Network(W_in=rng.standard_normal((3, 1)), W=rng.standard_normal((3, 3)) / 2,
    ...                      W_out=rng.standard_normal((1, 3)), x0=np.zeros((3, 1)), b_x=np.zeros(3), b_z=np.zeros(1))
    >>> from opdims.matlab.scripts import s2_local_operative_dimensions
    >>> fig = figure_sampling_locations(s2_local_operative_dimensions(net, "swg"))
    >>> fig.get_axes()[0].name
    '3d'
    """
    task = result.settings.task
    n_pcs = 3 if task == "swg" else 2
    fig = Figure(figsize=(8, 7), layout="constrained")
    ax = trajectory_axes(fig, n_pcs, n_components=result.activity_pcs.shape[0])
    pcs = leading_components(result.activity_pcs, n_pcs)
    colors = condition_colors(result.props.n_conditions)
    plot_condition_trajectories(ax, project(result.condition_averages, pcs), colors,
                                labels=result.props.condition_names)
    plot_sampling_locations(ax, project(result.local.locations, pcs))
    ax.set_title(f"sampling locations (\u25c6) on condition average trajectories\n{_network_title(result.settings)}")
    fig.legend(title="input conditions", loc="outside right center")
    return fig


def figure_outputs(result, trials=None) -> Figure:
    """Draw s4's outputs: target, full-rank and reduced-rank output 1 of a few trials.

    Parameters
    ----------
    result : opdims.matlab.scripts.S4Result
        What :func:`opdims.matlab.scripts.s4_reduced_rank_network` returns.
    trials : sequence of int, optional
        0-based trial indices, one panel each (default the original's trials
        1, 6, ..., 26, that is indices 0, 5, ..., 25, as far as there are
        trials).

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not attached to pyplot).

    Raises
    ------
    ValueError
        For no trials, or a trial index out of range.

    Examples
    --------
    >>> import numpy as np
    >>> import opdims
    >>> rng = np.random.default_rng(0)
    >>> net = opdims.Network(W_in=rng.standard_normal((3, 1)), W=rng.standard_normal((3, 3)) / 2,
    ...                      W_out=rng.standard_normal((1, 3)), x0=np.zeros((3, 1)), b_x=np.zeros(3), b_z=np.zeros(1))
    >>> from opdims.matlab.scripts import s4_reduced_rank_network
    >>> fig = figure_outputs(s4_reduced_rank_network(net, "swg", rank=2), trials=[0, 1])
    >>> [ax.get_title() for ax in fig.get_axes()]
    ['network output, trial 1', 'network output, trial 2']
    """
    n_trials = result.z_full.shape[0]
    trials = [t for t in range(0, 26, 5) if t < n_trials] if trials is None else list(trials)
    if not trials or any(isinstance(t, bool) or not float(t).is_integer() or not 0 <= t < n_trials for t in trials):
        raise ValidationError(f"figure_outputs: trials: expected one or more 0-based trial indices in "
                              f"0..{n_trials - 1}, got {trials}")
    trials = [int(t) for t in trials]
    columns = min(3, len(trials))
    rows = -(-len(trials) // columns)
    fig = Figure(figsize=(4.5 * columns, 3.2 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, columns, squeeze=False)).reshape(-1)
    steps = np.arange(1, result.z_full.shape[1] + 1)
    for ax, trial in zip(axes, trials):
        line_plot(ax, steps, [result.trials.targets[trial, :, 0], result.z_full[trial, :, 0],
                              result.z_reduced[trial, :, 0]],
                  labels=["target", "full-rank", f"reduced-rank (k={result.rank})"] if ax is axes[0] else None,
                  from_zero=False, title=f"network output, trial {trial + 1}", xlabel="t (steps)", ylabel="$z_t$")
        ax.set_ylim(-1.1, 1.1)
    for ax in axes[len(trials):]:
        ax.set_visible(False)
    fig.suptitle(_network_title(result.settings, f": cost {result.cost_full:.4g} (full rank), "
                                                 f"{result.cost_reduced:.4g} (rank {result.rank})"))
    return fig


def figure_full_and_reduced_trajectories(result) -> Figure:
    """Draw s4's condition-average trajectories of the full-rank and the reduced-rank network.

    Full rank: thin solid lines; reduced rank: thick dotted lines in a
    lighter shade of the same condition colour. A legend in the axes says
    which is which, one beside them names the input conditions.

    Parameters
    ----------
    result : opdims.matlab.scripts.S4Result
        What :func:`opdims.matlab.scripts.s4_reduced_rank_network` returns.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not attached to pyplot): 2-D for ctxt, 3-D for swg.

    Examples
    --------
    >>> import numpy as np
    >>> import opdims
    >>> rng = np.random.default_rng(0)
    >>> net = opdims.Network(W_in=rng.standard_normal((3, 1)), W=rng.standard_normal((3, 3)) / 2,
    ...                      W_out=rng.standard_normal((1, 3)), x0=np.zeros((3, 1)), b_x=np.zeros(3), b_z=np.zeros(1))
    >>> from opdims.matlab.scripts import s4_reduced_rank_network
    >>> fig = figure_full_and_reduced_trajectories(s4_reduced_rank_network(net, "swg", rank=2))
    >>> [text.get_text() for text in fig.get_axes()[0].get_legend().get_texts()]
    ['full rank: $W$', 'reduced rank: $W^{OP}_{k=2}$']
    """
    task = result.settings.task
    n_pcs = 3 if task == "swg" else 2
    fig = Figure(figsize=(8, 7), layout="constrained")
    ax = trajectory_axes(fig, n_pcs, n_components=result.activity_pcs.shape[0])
    pcs = leading_components(result.activity_pcs, n_pcs)
    names = sampling_location_properties(task).condition_names
    colors = condition_colors(len(names))
    lighter = colors.copy()
    lighter[:, :3] += REDUCED_RANK_LIGHTEN * (1 - lighter[:, :3])
    plot_condition_trajectories(ax, project(result.condition_averages_full, pcs), colors, labels=names,
                                **FULL_RANK_LINES)
    plot_condition_trajectories(ax, project(result.condition_averages_reduced, pcs), lighter, **REDUCED_RANK_LINES)
    reduced_name = rf"$W^{{OP}}_{{k={result.rank}}}$"
    ax.set_title(f"condition average trajectories, {_network_title(result.settings)}\n(solid lines: W; dotted "
                 + f"lines: {reduced_name}, global operative {result.global_dims.dim_type[:-1]} dimensions)")
    grey = np.array([0.25, 0.25, 0.25])
    ax.legend(handles=[Line2D([], [], color=grey, label="full rank: $W$", **FULL_RANK_LINES),
                       Line2D([], [], color=grey + REDUCED_RANK_LIGHTEN * (1 - grey),
                              label=f"reduced rank: {reduced_name}", **REDUCED_RANK_LINES)],
              loc="best", fontsize="small")
    fig.legend(handles=ax.get_lines()[:len(names)], title="input conditions", loc="outside right center")
    return fig


def save_figure(fig: Figure, stem, overwrite: bool = False, dpi: int = 110) -> list[Path]:
    """Write ``fig`` to ``<stem>.png`` and ``<stem>.pdf``.

    Each file is written under a temporary name and renamed when complete.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    stem : str or path
        Path without the extension.
    overwrite : bool, optional
        Replace existing files (default: refuse them).
    dpi : int, optional
        Resolution of the PNG (default 110).

    Returns
    -------
    list of pathlib.Path
        The PNG's and the PDF's paths.

    Raises
    ------
    FileExistsError
        If a file exists and ``overwrite`` is false (nothing is written).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> _ = fig.add_subplot().plot([0, 1], [1, 0])
    >>> [path.name for path in save_figure(fig, "my_figure")]
    ['my_figure.png', 'my_figure.pdf']
    """
    stem = Path(stem)
    paths = [stem.with_name(f"{stem.name}.{ext}") for ext in ("png", "pdf")]
    if not overwrite:
        for path in paths:
            if path.exists():
                raise OutputExistsError(f"{path}: exists already; pass overwrite=True (--force on the command "
                                      "line) to replace it")
    for path in paths:
        with atomic_output(path, overwrite) as temporary:
            fig.savefig(temporary, format=path.suffix[1:], dpi=dpi)
    return paths


HIGH_VARIANCE_COLOR = "tab:blue"  #: the high-variance baseline (SVD of W) in the figures of one network
OPERATIVE_RANK_COLOR = "tab:red"  #: the marked rank of the operative dimensions


def figure_network_analysis(analysis, tolerance: float = 0.1, rule: str = "range") -> Figure:
    """Figure 3 b–g for one network (:class:`opdims.NetworkAnalysis`), against the high-variance baseline.

    One row per dimension type: variance explained by the global operative
    dimensions, output cost and state distance against rank; solid for
    sampling locations along the trajectories, dotted for the random-location
    control when it was run; the full-rank cost dashed, the silent network's
    (W = 0) dash-dotted; in blue the high-variance baseline (W's SVD: its
    variance explained, and the network reduced to W's top-k left singular
    vectors) when computed; the rank at which the cost is back (``rule``,
    see :func:`opdims.dims.sweeps.cost_rank`) marked for both, and the rule
    said in the legend.

    Parameters
    ----------
    analysis : opdims.NetworkAnalysis
        The analysis (with a rank sweep).
    tolerance : float, optional
        Tolerance of the marked rank.
    rule : str, optional
        Rule of the marked rank (:data:`opdims.dims.sweeps.RANK_RULES`, default ``'range'``).

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    from ..dims.sweeps import cost_rank, rank_rule_text

    dim_types = analysis.dim_types
    fig = Figure(figsize=(13, 3.6 * len(dim_types) + 0.4), layout="constrained")
    axes = np.atleast_2d(fig.subplots(len(dim_types), 3, squeeze=False))
    styles = {"trajectory": "-", "random": ":"}
    hv = analysis.high_variance
    hv_sweep = None if hv is None else hv.sweep

    def marked(sweep):
        if sweep is None or (rule == "range" and sweep.silent_cost is None):
            return None
        return cost_rank(sweep.ranks, sweep.cost, sweep.full_cost, sweep.silent_cost, rule=rule,
                         tolerance=tolerance)

    n = analysis.n_units
    for row, dim_type in zip(axes, dim_types):
        shown = [marked(hv_sweep) or 0]
        for kind in analysis.kinds:
            res = analysis.results.get((dim_type, kind))
            if res is None:
                continue
            label = f"operative {dim_type}, {kind} locations"
            ve = res.variance_explained
            if kind == "trajectory":
                row[0].plot(np.arange(1, ve.size + 1), ve, "k-", lw=1.8, label=f"operative {dim_type} (PC(L))")
            if res.sweep is None:
                continue
            row[1].plot(res.sweep.ranks, res.sweep.cost, "k", ls=styles[kind], lw=1.8, label=label)
            row[2].plot(res.sweep.ranks, res.sweep.state_distance, "k", ls=styles[kind], lw=1.8, label=label)
            if kind == "trajectory":
                row[1].axhline(res.sweep.full_cost, color="0.5", ls="--", lw=1, label="full rank")
                if res.sweep.silent_cost is not None:
                    row[1].axhline(res.sweep.silent_cost, color="0.5", ls="-.", lw=1, label="silent (W = 0)")
                k = marked(res.sweep)
                if k is not None:
                    shown.append(k)
                    row[1].axvline(k, color=OPERATIVE_RANK_COLOR, lw=1, label=f"operative {dim_type}: rank {k}")
        if hv is not None:
            ve = hv.w_variance_explained
            row[0].plot(np.arange(1, ve.size + 1), ve, color=HIGH_VARIANCE_COLOR, lw=1.5, label="SVD of W")
        if hv_sweep is not None:
            label = "high-variance (SVD of W)"
            row[1].plot(hv_sweep.ranks, hv_sweep.cost, color=HIGH_VARIANCE_COLOR, lw=1.5, label=label)
            row[2].plot(hv_sweep.ranks, hv_sweep.state_distance, color=HIGH_VARIANCE_COLOR, lw=1.5, label=label)
            k = marked(hv_sweep)
            if k is not None:
                row[1].axvline(k, color=HIGH_VARIANCE_COLOR, lw=1, ls="--", label=f"SVD of W: rank {k}")
        cost_end = min(n, max(30, int(np.ceil(1.3 * max(shown)))))
        row[0].set(xlim=(0, min(n, 30) + 0.5), ylim=(0, None), xlabel=r"PC(L)$_i$ / PC(W)$_i$",
                   ylabel="variance explained (%)", title=f"{dim_type}: global operative dimensions")
        row[1].set(xlim=(0, cost_end + 0.5), ylim=(0, None), xlabel=r"rank($W^{OP}_k$) / rank($W^{PC}_k$)",
                   ylabel="cost", title=f"{dim_type}: output cost")
        row[2].set(xlim=(0, n + 0.5), ylim=(0, None), xlabel=r"rank($W^{OP}_k$) / rank($W^{PC}_k$)",
                   ylabel="state distance (a.u.)", title=f"{dim_type}: state distance to full rank")
        start = 0 if dim_type == "columns" else 3
        for k, ax in enumerate(row):
            ax.set_title("bcdefg"[start + k], loc="left", fontweight="bold")
            ax.grid(True, alpha=0.3)
        row[0].legend(loc="upper right", fontsize="small")
        row[1].legend(loc="best", fontsize="small")
    p = analysis.provenance
    title = (f"{p.get('task')} network {p.get('net_id')} ({Path(str(p.get('weights', ''))).name}): "
             f"{analysis.n_units} units, {p.get('nonlinearity')}, alpha {p.get('alpha', 0):g}")
    sentence = analysis.rank_sentence(rule, tolerance) if any(
        marked(r.sweep) is not None for r in analysis.results.values()) else ""
    if sentence:
        title += "\n" + sentence.split(" (")[0] + "\nrank: " + rank_rule_text(rule, tolerance)
    fig.suptitle(title, fontsize="medium")
    return fig


def figure_analysis_locations(analysis) -> Figure:
    """Sampling locations (diamonds) on the condition-average trajectories of an analysis, in PC space.

    Parameters
    ----------
    analysis : opdims.NetworkAnalysis
        The analysis (with condition averages and principal components).

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Raises
    ------
    ValueError
        If the analysis kept no condition averages or components.
    """
    if analysis.condition_averages is None or analysis.activity_pcs is None:
        raise ValidationError("figure_analysis_locations: the analysis holds no condition averages or principal "
                              "components (run it with pcs=True)")
    n_pcs = min(2, analysis.activity_pcs.shape[1])
    fig = Figure(figsize=(8, 7), layout="constrained")
    ax = trajectory_axes(fig, 2)
    pcs = analysis.activity_pcs[:, :n_pcs]
    if n_pcs == 1:
        pcs = np.column_stack([pcs, np.zeros_like(pcs)])
    names = analysis.props.condition_names if analysis.props is not None else \
        [str(c + 1) for c in range(analysis.condition_averages.shape[0])]
    colors = condition_colors(len(names))
    plot_condition_trajectories(ax, project(analysis.condition_averages, pcs), colors, labels=names)
    plot_sampling_locations(ax, project(analysis.locations, pcs))
    ax.set_title(f"sampling locations (\u25c6) on condition average trajectories\n"
                 f"{analysis.provenance.get('task')} network {analysis.provenance.get('net_id')}")
    if len(names) <= 20:
        fig.legend(title="input conditions", loc="outside right center")
    return fig
