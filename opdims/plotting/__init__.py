"""Figures (matplotlib, the ``plot`` extra): the paper's panels, the analysis of one network, saving as PNG and PDF.

Floor 3, beside :mod:`opdims.training`: it reads results of the floors below (``core``, ``dims``, ``io``)
and is called by the analysis (``reproduce``), the MATLAB wing and the CLI.
"""

from .figures import (
    TASK_COLORS,
    condition_colors,
    figure_analysis_locations,
    figure_full_and_reduced_trajectories,
    figure_global_dims,
    figure_network_analysis,
    figure_outputs,
    figure_s1,
    figure_sampling_locations,
    leading_components,
    line_plot,
    plot_condition_trajectories,
    plot_sampling_locations,
    project,
    save_figure,
    trajectory_axes,
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
