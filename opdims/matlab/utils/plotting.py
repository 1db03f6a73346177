"""The original's ``UtilsPlotting``: same methods, arguments and shapes, drawn
with matplotlib (pyplot figures, so they show like MATLAB's ``figure``).

matplotlib (the ``plot`` extra) is imported on first use, so that the rest of
the compatibility layer works without it.
"""

from __future__ import annotations

import numpy as np

from ...errors import ValidationError
from ...metrics import principal_components
from ...sampling import condition_averages
from ...tasks import check_task
from .._convert import is_empty, to_core
from .classes import props_from_struct

__all__ = ["UtilsPlotting"]

_PIXELS_PER_INCH = 100  # MATLAB figure positions are in pixels


def _plotting():
    """:mod:`opdims.plotting` (and with it matplotlib), imported on first use."""
    from ... import plotting
    return plotting


def _figure(width_px: int, height_px: int, network_type: str | None = None):
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(width_px / _PIXELS_PER_INCH, height_px / _PIXELS_PER_INCH), layout="constrained")
    three_d = network_type == "swg"
    ax = fig.add_subplot(1, 1, 1, **({"projection": "3d"} if three_d else {}))
    ax.grid(True)
    return fig, ax


def _name_value_pairs(varargin) -> dict:
    if len(varargin) % 2:
        raise ValidationError("plot_lineplot: options come in name-value pairs, e.g. 'display_names', [...]")
    options = dict(zip(varargin[::2], varargin[1::2]))
    unknown = set(options) - {"display_names", "my_mad"}
    if unknown:
        raise ValidationError(f"plot_lineplot: option(s) {sorted(unknown)} not recognized; "
                         "expected 'display_names' or 'my_mad'")
    return options


class UtilsPlotting:
    """Figures of the original scripts (MATLAB orientation, 1-based ids)."""

    my_fontsize = 40

    def plot_lineplot(self, x_data, y_data, my_title, my_xlabel, my_ylabel, *varargin, display_names=None,
                      my_mad=None):
        """Lines ``y_data [M, n]`` against ``x_data [1, n]``; ``(fig, ax)``.

        Options as MATLAB name-value pairs (``'display_names', names``,
        ``'my_mad', mad``) or keywords. y from 0 to 1.1 times the largest
        value of ``y_data`` and ``my_mad``, as the original.
        """
        options = {"display_names": display_names, "my_mad": my_mad, **_name_value_pairs(varargin)}
        y = np.atleast_2d(np.asarray(y_data, dtype=np.float64))
        if y.shape[0] > y.shape[1]:
            y = y.T
        mad = None if is_empty(options["my_mad"]) else np.asarray(options["my_mad"], dtype=np.float64)
        names = None if is_empty(options["display_names"]) else [str(n) for n in np.ravel(options["display_names"])]
        fig, ax = _figure(1400, 1400)
        _plotting().line_plot(ax, x_data, y, title=my_title, xlabel=my_xlabel, ylabel=my_ylabel, labels=names,
                           spread=mad, from_zero=False, lw=3)
        top = np.nanmax(np.concatenate([y.ravel(), [] if mad is None else mad.ravel()]))
        if top > 0:
            ax.set_ylim(0, 1.1 * top)
        self._fonts(ax, self.my_fontsize - 10, self.my_fontsize)
        if names is not None:
            ax.legend(fontsize=self.my_fontsize, loc="best")
        return fig, ax

    def project_sampling_locs_onto_PCs(self, sampling_locs, PCs):
        """``[n_inpConds, n_locs_per_cond, n_PCs]`` from ``sampling_locs [n_inpConds, N, n_locs_per_cond]``."""
        return _plotting().project(np.transpose(np.asarray(sampling_locs, dtype=np.float64), (0, 2, 1)), PCs)

    def get_PCs_of_network_activity(self, network_activity):
        """Principal components ``[N, N]`` (columns) of activity ``[N, T, trials]`` over all steps and trials."""
        states = to_core(network_activity)
        return principal_components(states.reshape(-1, states.shape[-1]))[0]

    def project_condition_average_trajectories_onto_PCs(self, network_activity, PCs, network_type,
                                                        sampling_loc_props, all_freq_ids, conditionIds,
                                                        coherencies_trial):
        """``[n_inpConds, T, n_PCs]``: condition-average activity projected onto ``PCs [N, n_PCs]``."""
        means = self._condition_means(network_activity, network_type, sampling_loc_props, all_freq_ids,
                                      conditionIds, coherencies_trial)
        return _plotting().project(means, PCs)

    def plot_condAvgTrajs(self, ax, proj_condAvgTrajs, color_per_inpCond, network_type, legend_on, line_style):
        """Draw ``proj_condAvgTrajs [n_inpConds, T, 2 or 3]`` (3-D for swg) into ``ax``."""
        check_task(network_type)
        proj = np.asarray(proj_condAvgTrajs, dtype=np.float64)
        if network_type == "swg" and getattr(ax, "name", "") != "3d":
            raise ValidationError("plot_condAvgTrajs: swg trajectories are 3-D; create ax with projection='3d'")
        proj = proj[..., :3] if network_type == "swg" else proj[..., :2]
        labels = [str(c + 1) for c in range(proj.shape[0])] if legend_on else None
        _plotting().plot_condition_trajectories(ax, proj, np.clip(np.asarray(color_per_inpCond), 0, 1),
                                             linestyle=line_style, labels=labels)
        if legend_on:
            size = self.my_fontsize - 15
            ax.figure.legend(title="input conditions", loc="outside right center", fontsize=size,
                             title_fontsize=size)

    def plot_sampling_locs(self, ax, proj_sampling_locs, network_type):
        """Draw ``proj_sampling_locs [n_inpConds, n_locs_per_cond, 2 or 3]`` as black diamonds."""
        check_task(network_type)
        proj = np.asarray(proj_sampling_locs, dtype=np.float64)
        _plotting().plot_sampling_locations(ax, proj[..., :3] if network_type == "swg" else proj[..., :2])

    def plot_sampling_locs_on_condAvgTrajs(self, network_activity, sampling_locs, sampling_loc_props,
                                           all_freq_ids, conditionIds, coherencies_trial, network_type):
        """Sampling locations on the condition-average trajectories (PC space); ``(fig, ax)``."""
        n_pcs = self._n_pcs(network_type)
        PCs = self.get_PCs_of_network_activity(network_activity)[:, :n_pcs]
        proj_locs = self.project_sampling_locs_onto_PCs(sampling_locs, PCs)
        proj_trajs = self.project_condition_average_trajectories_onto_PCs(
            network_activity, PCs, network_type, sampling_loc_props, all_freq_ids, conditionIds, coherencies_trial)
        fig, ax = _figure(1700, 1400, network_type)
        colors = _plotting().condition_colors(proj_trajs.shape[0])
        self.plot_condAvgTrajs(ax, proj_trajs, colors, network_type, True, "-")
        self.plot_sampling_locs(ax, proj_locs, network_type)
        ax.set_title("sampling locations (\u25c6) on condition average trajectories")
        self._pc_labels(ax, n_pcs)
        self._fonts(ax, self.my_fontsize - 15, self.my_fontsize - 15)
        return fig, ax

    def plot_full_and_reduced_rank_condAvgTrajs(self, network_activity_fr, network_activity_rr, sampling_loc_props,
                                                all_freq_ids, conditionIds, coherencies_trial, network_type, rankW):
        """Condition-average trajectories of the full-rank (solid) and reduced-rank (dotted) networks,
        projected onto the full-rank activity's PCs; ``(fig, ax)``."""
        n_pcs = self._n_pcs(network_type)
        PCs = self.get_PCs_of_network_activity(network_activity_fr)[:, :n_pcs]
        args = (network_type, sampling_loc_props, all_freq_ids, conditionIds, coherencies_trial)
        proj_fr = self.project_condition_average_trajectories_onto_PCs(network_activity_fr, PCs, *args)
        proj_rr = self.project_condition_average_trajectories_onto_PCs(network_activity_rr, PCs, *args)
        colors = _plotting().condition_colors(proj_fr.shape[0])
        fig, ax = _figure(1800, 1400, network_type)
        self.plot_condAvgTrajs(ax, proj_fr, colors, network_type, True, "-")
        self.plot_condAvgTrajs(ax, proj_rr, colors * [0.7, 0.7, 0.7, 1.0], network_type, False, ":")
        rank = int(np.asarray(rankW).reshape(-1)[0])
        ax.set_title("condition average trajectories\n(solid lines: W; dotted lines: "
                     + rf"$W^{{PC}}_{{k={rank}}}$)")
        self._pc_labels(ax, n_pcs)
        self._fonts(ax, self.my_fontsize - 15, self.my_fontsize - 15)
        return fig, ax

    # ---- helpers (not in the original) ----------------------------------------------------------

    @staticmethod
    def _n_pcs(network_type) -> int:
        return 3 if check_task(network_type) == "swg" else 2

    @staticmethod
    def _pc_labels(ax, n_pcs: int) -> None:
        pad = {"labelpad": 30} if n_pcs == 3 else {}
        ax.set_xlabel(r"PC(X)$_1$", **pad)
        ax.set_ylabel(r"PC(X)$_2$", **pad)
        if n_pcs == 3:
            ax.set_zlabel(r"PC(X)$_3$", **pad)

    @staticmethod
    def _fonts(ax, ticks: float, labels: float) -> None:
        """Font sizes (points) of tick labels and of axis labels and title."""
        ax.tick_params(labelsize=ticks)
        for text in (ax.xaxis.label, ax.yaxis.label, ax.title, *([ax.zaxis.label] if hasattr(ax, "zaxis") else [])):
            text.set_fontsize(labels)

    @staticmethod
    def _condition_means(network_activity, network_type, sampling_loc_props, all_freq_ids, conditionIds,
                         coherencies_trial):
        check_task(network_type)
        props = props_from_struct(sampling_loc_props)
        states = to_core(network_activity)
        if network_type == "swg":
            return condition_averages(states, props, min_trials=0, freq_ids=np.asarray(all_freq_ids).reshape(-1))
        return condition_averages(states, props, min_trials=0, condition_ids=np.asarray(conditionIds).reshape(-1),
                               coherencies=np.asarray(coherencies_trial, dtype=np.float64).T)
