"""Figures (matplotlib, the ``plot`` extra): the paper's panels, the analysis of one network, saving as PNG and PDF;
the report page of an output folder (:mod:`opdims.plotting.report`, no matplotlib needed).

Floor 3, beside :mod:`opdims.training`: it reads results of the floors below (``core``, ``dims``, ``io``)
and is called by the analysis (``reproduce``), the MATLAB wing and the CLI.
"""

import importlib

#: the figure functions (matplotlib is imported when the first of them is used, so that the report
#: of :mod:`opdims.plotting.report` works without it)
_FIGURE_NAMES = (
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
)

__all__ = [
    "TASK_COLORS",
    "condition_colors",
    "figure_full_and_reduced_trajectories",
    "figure_analysis_locations",
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


def __getattr__(name: str):
    """The figure functions of :mod:`opdims.plotting.figures`, imported on first use."""
    if name in _FIGURE_NAMES:
        return getattr(importlib.import_module(".figures", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_FIGURE_NAMES))
