"""The original's ``UtilsPlotting``: same methods, arguments and shapes, drawn
with matplotlib (pyplot figures, so they show like MATLAB's ``figure``).

matplotlib (the ``plot`` extra) is imported on first use, so that the rest of
the compatibility layer works without it.
"""

from __future__ import annotations

import numpy as np

from ...core.errors import ValidationError
from ...core.metrics import principal_components
from ...core.sampling import condition_averages
from ...core.validation import check_task
from ..convert import is_empty, to_core
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


def _coordinates(proj: np.ndarray, n: int) -> np.ndarray:
    """The first ``n`` coordinates of ``proj [..., k]``; missing ones (k < n) are 0."""
    out = np.zeros(proj.shape[:-1] + (n,))
    k = min(n, proj.shape[-1])
    out[..., :k] = proj[..., :k]
    return out


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
    """Figures of the original scripts, as ``+utils/UtilsPlotting.m``.

    Arrays in MATLAB orientation, 1-based ids; figures are pyplot figures
    (they show like MATLAB's ``figure``; close them with
    ``matplotlib.pyplot.close``). The drawing is done by
    :mod:`opdims.plotting` (named in each method's docstring). A network
    with fewer units than the 2 (ctxt) or 3 (swg) principal components drawn
    has the missing coordinates drawn as 0.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims.matlab import utils
    >>> fig, ax = utils.UtilsPlotting().plot_lineplot(np.arange(1, 4), np.array([[3.0, 2.0, 1.0]]),
    ...                                                "title", "x", "y")
    >>> [round(float(limit), 2) for limit in ax.get_ylim()]
    [0.0, 3.3]
    """

    my_fontsize = 40

    def plot_lineplot(self, x_data, y_data, my_title, my_xlabel, my_ylabel, *varargin, display_names=None,
                      my_mad=None):
        """Draw lines against x in a new figure, as the original's ``plot_lineplot``.

        :func:`opdims.plotting.line_plot` in a new pyplot figure with the
        original's sizes and fonts; the y-axis from 0 to 1.1 times the largest
        value of ``y_data`` and ``my_mad``.

        Parameters
        ----------
        x_data : array_like
            ``[1, n]`` x values.
        y_data : array_like
            ``[M, n]``: one line per row (``[n, M]`` is transposed).
        my_title : str
            The title.
        my_xlabel : str
            The x-axis label.
        my_ylabel : str
            The y-axis label.
        *varargin
            Options as MATLAB name-value pairs: ``'display_names', names``
            and ``'my_mad', mad``.
        display_names : sequence of str, optional
            ``[M]`` legend entries (or as a name-value pair).
        my_mad : array_like, optional
            ``[1, n]``: a grey band ``y +- my_mad`` around the first line
            (e.g. a median absolute deviation; or as a name-value pair).

        Returns
        -------
        fig : matplotlib.figure.Figure
            The new figure.
        ax : matplotlib.axes.Axes
            Its axes.

        Raises
        ------
        ValueError
            For an unknown option, options not in pairs, or data of
            inconsistent sizes.

        Examples
        --------
        >>> import numpy as np
        >>> from opdims.matlab import utils
        >>> fig, ax = utils.UtilsPlotting().plot_lineplot(
        ...     np.arange(1, 4), np.array([[1.0, 2.0, 5.0], [0.0, 1.0, 0.5]]), "cost", "rank", "MSE",
        ...     "display_names", ["ctxt", "swg"], "my_mad", np.array([0.1, 6.0, 0.1]))
        >>> len(ax.get_lines()), [round(float(limit), 2) for limit in ax.get_ylim()]
        (2, [0.0, 6.6])
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
        """Project sampling locations onto principal components.

        One call of :func:`opdims.plotting.project`, after reordering the axes.

        Parameters
        ----------
        sampling_locs : array_like
            ``[n_inpConds, N, n_locs_per_cond]`` (as
            :meth:`UtilsSamplingLocs.get_sampling_locs_on_condAvgTrajs_swg` returns them).
        PCs : array_like
            ``[N, n_PCs]`` components as columns.

        Returns
        -------
        numpy.ndarray
            ``[n_inpConds, n_locs_per_cond, n_PCs]``.

        Raises
        ------
        ValueError
            If the locations and the components differ in the number of units.

        Examples
        --------
        >>> import numpy as np
        >>> from opdims.matlab import utils
        >>> sampling_locs = np.ones((2, 3, 4))  # [n_inpConds, N, n_locs_per_cond]
        >>> utils.UtilsPlotting().project_sampling_locs_onto_PCs(sampling_locs, np.eye(3)[:, :2]).shape
        (2, 4, 2)
        """
        return _plotting().project(np.transpose(np.asarray(sampling_locs, dtype=np.float64), (0, 2, 1)), PCs)

    def get_PCs_of_network_activity(self, network_activity):
        """Return the principal components of the network activity over all steps and trials.

        One call of :func:`opdims.principal_components` (MATLAB's ``pca``).

        Parameters
        ----------
        network_activity : array_like
            ``[N, T, trials]`` states.

        Returns
        -------
        numpy.ndarray
            ``[N, N]``: components as columns, by variance (``min(N, T
            trials)`` of them when there are fewer samples than units).

        Raises
        ------
        ValueError
            For fewer than 2 samples.

        Examples
        --------
        >>> import numpy as np
        >>> from opdims.matlab import utils
        >>> activity = np.zeros((2, 5, 1))  # [N, T, trials], varying along unit 2 only
        >>> activity[1, :, 0] = np.arange(5.0)
        >>> utils.UtilsPlotting().get_PCs_of_network_activity(activity)[:, 0]
        array([0., 1.])
        """
        states = to_core(network_activity)
        return principal_components(states.reshape(-1, states.shape[-1]))[0]

    def project_condition_average_trajectories_onto_PCs(self, network_activity, PCs, network_type,
                                                        sampling_loc_props, all_freq_ids, conditionIds,
                                                        coherencies_trial):
        """Project the condition-average trajectories onto principal components.

        :func:`opdims.condition_averages` of the activity, then
        :func:`opdims.plotting.project`.

        Parameters
        ----------
        network_activity : array_like
            ``[N, T, trials]`` states.
        PCs : array_like
            ``[N, n_PCs]`` components as columns.
        network_type : str
            ``'ctxt'`` or ``'swg'``.
        sampling_loc_props : Struct or dict
            The task's properties (:meth:`UtilsSamplingLocs.get_sampling_location_properties`).
        all_freq_ids : array_like of int
            swg: ``[trials, 1]`` frequency ids (ignored for ctxt).
        conditionIds : array_like of int
            ctxt: ``[1, trials]`` contexts (ignored for swg).
        coherencies_trial : array_like
            ctxt: ``[2, trials]`` coherencies (ignored for swg).

        Returns
        -------
        numpy.ndarray
            ``[n_inpConds, T, n_PCs]``; NaN for a condition without trials.

        Raises
        ------
        ValueError
            For an unknown ``network_type`` or arrays of inconsistent sizes.

        Examples
        --------
        >>> import numpy as np
        >>> from opdims.matlab import utils
        >>> USL, UPlt = utils.UtilsSamplingLocs(), utils.UtilsPlotting()
        >>> weights = np.random.default_rng(0).standard_normal((3, 5))  # a 3-unit swg network
        >>> n_Wru_v, n_Wrr_n, m_Wzr_n = weights[:, :1], weights[:, 1:4] / 2, weights[:, 4:].T
        >>> n_x0_c, n_bx_1, m_bz_1 = np.zeros((3, 1)), np.zeros((3, 1)), np.zeros((1, 1))
        >>> _, all_freq_ids, inputs, _, conditionIds = (
        ...     utils.input_generation.InputGeneratorSWG().get_sine_wave_generator_inputOutputDataset(510))
        >>> fp = utils.run_one_forwardPass(n_Wru_v, n_Wrr_n, m_Wzr_n, n_x0_c, n_bx_1, m_bz_1,
        ...                                inputs, conditionIds, 1001, "default")
        >>> props = USL.get_sampling_location_properties("swg")
        >>> PCs = UPlt.get_PCs_of_network_activity(fp.n_x_t)[:, :3]
        >>> UPlt.project_condition_average_trajectories_onto_PCs(fp.n_x_t, PCs, "swg", props, all_freq_ids,
        ...                                                      [], []).shape
        (11, 500, 3)
        """
        means = self._condition_means(network_activity, network_type, sampling_loc_props, all_freq_ids,
                                      conditionIds, coherencies_trial)
        return _plotting().project(means, PCs)

    def plot_condAvgTrajs(self, ax, proj_condAvgTrajs, color_per_inpCond, network_type, legend_on, line_style):
        """Draw projected condition-average trajectories into ``ax``, one colour per condition.

        :func:`opdims.plotting.plot_condition_trajectories` on the first 2
        (ctxt) or 3 (swg) coordinates.

        Parameters
        ----------
        ax : matplotlib.axes.Axes
            Where to draw; 3-D axes (``projection='3d'``) for swg.
        proj_condAvgTrajs : array_like
            ``[n_inpConds, T, n_PCs]``
            (:meth:`project_condition_average_trajectories_onto_PCs`); fewer
            than 2 (ctxt) or 3 (swg) coordinates are padded with zeros.
        color_per_inpCond : array_like
            ``[n_inpConds, 3 or 4]`` RGB(A) colours, clipped to [0, 1].
        network_type : str
            ``'ctxt'`` or ``'swg'``.
        legend_on : bool
            Add a figure legend of the conditions (named 1, 2, ...).
        line_style : str
            Matplotlib line style, e.g. ``'-'`` or ``':'``.

        Raises
        ------
        ValueError
            For an unknown ``network_type``, or swg trajectories and axes that are not 3-D.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> import numpy as np
        >>> from opdims import plotting
        >>> from opdims.matlab import utils
        >>> ax = plt.figure().add_subplot()
        >>> utils.UtilsPlotting().plot_condAvgTrajs(ax, np.zeros((8, 10, 2)), plotting.condition_colors(8),
        ...                                         "ctxt", False, "-")
        >>> len(ax.get_lines())
        8
        """
        check_task(network_type)
        proj = np.asarray(proj_condAvgTrajs, dtype=np.float64)
        if network_type == "swg" and getattr(ax, "name", "") != "3d":
            raise ValidationError("plot_condAvgTrajs: swg trajectories are 3-D; create ax with projection='3d'")
        proj = _coordinates(proj, self._n_pcs(network_type))
        labels = [str(c + 1) for c in range(proj.shape[0])] if legend_on else None
        _plotting().plot_condition_trajectories(ax, proj, np.clip(np.asarray(color_per_inpCond), 0, 1),
                                             linestyle=line_style, labels=labels)
        if legend_on:
            size = self.my_fontsize - 15
            ax.figure.legend(title="input conditions", loc="outside right center", fontsize=size,
                             title_fontsize=size)

    def plot_sampling_locs(self, ax, proj_sampling_locs, network_type):
        """Draw projected sampling locations into ``ax`` as black diamonds.

        :func:`opdims.plotting.plot_sampling_locations` on the first 2
        (ctxt) or 3 (swg) coordinates.

        Parameters
        ----------
        ax : matplotlib.axes.Axes
            Where to draw; 3-D axes for swg.
        proj_sampling_locs : array_like
            ``[n_inpConds, n_locs_per_cond, n_PCs]``
            (:meth:`project_sampling_locs_onto_PCs`); fewer than 2 (ctxt) or
            3 (swg) coordinates are padded with zeros.
        network_type : str
            ``'ctxt'`` or ``'swg'``.

        Raises
        ------
        ValueError
            For an unknown ``network_type``.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> import numpy as np
        >>> from opdims.matlab import utils
        >>> ax = plt.figure().add_subplot()
        >>> utils.UtilsPlotting().plot_sampling_locs(ax, np.zeros((8, 15, 2)), "ctxt")
        >>> ax.collections[0].get_offsets().shape
        (120, 2)
        """
        check_task(network_type)
        proj = np.asarray(proj_sampling_locs, dtype=np.float64)
        _plotting().plot_sampling_locations(ax, _coordinates(proj, self._n_pcs(network_type)))

    def plot_sampling_locs_on_condAvgTrajs(self, network_activity, sampling_locs, sampling_loc_props,
                                           all_freq_ids, conditionIds, coherencies_trial, network_type):
        """Draw the sampling locations on the condition-average trajectories in a new figure.

        Activity projected onto its first 2 (ctxt) or 3 (swg) principal
        components (:meth:`get_PCs_of_network_activity`,
        :meth:`project_condition_average_trajectories_onto_PCs`,
        :meth:`project_sampling_locs_onto_PCs`), drawn with
        :meth:`plot_condAvgTrajs` and :meth:`plot_sampling_locs`.

        Parameters
        ----------
        network_activity : array_like
            ``[N, T, trials]`` states.
        sampling_locs : array_like
            ``[n_inpConds, N, n_locs_per_cond]`` (as
            :meth:`UtilsSamplingLocs.get_sampling_locs_on_condAvgTrajs_ctxt` returns them).
        sampling_loc_props : Struct or dict
            The task's properties (:meth:`UtilsSamplingLocs.get_sampling_location_properties`).
        all_freq_ids : array_like of int
            swg: ``[trials, 1]`` frequency ids (ignored for ctxt).
        conditionIds : array_like of int
            ctxt: ``[1, trials]`` contexts (ignored for swg).
        coherencies_trial : array_like
            ctxt: ``[2, trials]`` coherencies (ignored for swg).
        network_type : str
            ``'ctxt'`` (2-D) or ``'swg'`` (3-D).

        Returns
        -------
        fig : matplotlib.figure.Figure
            The new figure.
        ax : matplotlib.axes.Axes
            Its axes.

        Raises
        ------
        ValueError
            For an unknown ``network_type`` or arrays of inconsistent sizes.

        Examples
        --------
        >>> import numpy as np
        >>> from opdims.matlab import utils
        >>> USL, UPlt = utils.UtilsSamplingLocs(), utils.UtilsPlotting()
        >>> weights = np.random.default_rng(0).standard_normal((3, 5))  # a 3-unit swg network
        >>> n_Wru_v, n_Wrr_n, m_Wzr_n = weights[:, :1], weights[:, 1:4] / 2, weights[:, 4:].T
        >>> n_x0_c, n_bx_1, m_bz_1 = np.zeros((3, 1)), np.zeros((3, 1)), np.zeros((1, 1))
        >>> _, all_freq_ids, inputs, _, conditionIds = (
        ...     utils.input_generation.InputGeneratorSWG().get_sine_wave_generator_inputOutputDataset(510))
        >>> fp = utils.run_one_forwardPass(n_Wru_v, n_Wrr_n, m_Wzr_n, n_x0_c, n_bx_1, m_bz_1,
        ...                                inputs, conditionIds, 1001, "default")
        >>> props = USL.get_sampling_location_properties("swg")
        >>> sampling_locs = USL.get_sampling_locs_on_condAvgTrajs_swg(fp.n_x_t, props, all_freq_ids)
        >>> fig, ax = UPlt.plot_sampling_locs_on_condAvgTrajs(fp.n_x_t, sampling_locs, props, all_freq_ids,
        ...                                                   [], [], "swg")
        >>> ax.name, len(ax.get_lines())
        ('3d', 11)
        """
        n_pcs = self._n_pcs(network_type)
        PCs = _plotting().leading_components(self.get_PCs_of_network_activity(network_activity), n_pcs)
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
        """Draw the condition-average trajectories of the full-rank and the reduced-rank network.

        Both projected onto the full-rank activity's first 2 (ctxt) or 3
        (swg) principal components; full rank solid, reduced rank dotted in
        darker colours, as the original.

        Parameters
        ----------
        network_activity_fr : array_like
            ``[N, T, trials]`` states of the full-rank network.
        network_activity_rr : array_like
            ``[N, T, trials]`` states of the reduced-rank network (same trials).
        sampling_loc_props : Struct or dict
            The task's properties (:meth:`UtilsSamplingLocs.get_sampling_location_properties`).
        all_freq_ids : array_like of int
            swg: ``[trials, 1]`` frequency ids (ignored for ctxt).
        conditionIds : array_like of int
            ctxt: ``[1, trials]`` contexts (ignored for swg).
        coherencies_trial : array_like
            ctxt: ``[2, trials]`` coherencies (ignored for swg).
        network_type : str
            ``'ctxt'`` (2-D) or ``'swg'`` (3-D).
        rankW : int
            Rank of the reduced W, for the title.

        Returns
        -------
        fig : matplotlib.figure.Figure
            The new figure.
        ax : matplotlib.axes.Axes
            Its axes.

        Raises
        ------
        ValueError
            For an unknown ``network_type`` or arrays of inconsistent sizes.

        Examples
        --------
        >>> import numpy as np
        >>> from opdims.matlab import utils
        >>> USL, UPlt = utils.UtilsSamplingLocs(), utils.UtilsPlotting()
        >>> weights = np.random.default_rng(0).standard_normal((3, 5))  # a 3-unit swg network
        >>> n_Wru_v, n_Wrr_n, m_Wzr_n = weights[:, :1], weights[:, 1:4] / 2, weights[:, 4:].T
        >>> n_x0_c, n_bx_1, m_bz_1 = np.zeros((3, 1)), np.zeros((3, 1)), np.zeros((1, 1))
        >>> _, all_freq_ids, inputs, _, conditionIds = (
        ...     utils.input_generation.InputGeneratorSWG().get_sine_wave_generator_inputOutputDataset(510))
        >>> fp = utils.run_one_forwardPass(n_Wru_v, n_Wrr_n, m_Wzr_n, n_x0_c, n_bx_1, m_bz_1,
        ...                                inputs, conditionIds, 1001, "default")
        >>> props = USL.get_sampling_location_properties("swg")
        >>> fig, ax = UPlt.plot_full_and_reduced_rank_condAvgTrajs(fp.n_x_t, 0.5 * fp.n_x_t, props, all_freq_ids,
        ...                                                         [], [], "swg", 29)
        >>> [line.get_linestyle() for line in ax.get_lines()][10:12]
        ['-', ':']
        """
        n_pcs = self._n_pcs(network_type)
        PCs = _plotting().leading_components(self.get_PCs_of_network_activity(network_activity_fr), n_pcs)
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
