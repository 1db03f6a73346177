"""The original ``+utils`` package: same names, arguments and shapes."""

from . import input_generation
from .classes import UtilsIO, UtilsOpDims, UtilsSamplingLocs
from .functions import (
    get_mse,
    get_neg_deltaFF,
    get_state_distance_between_trajs,
    make_unit_length,
    remove_dimension_from_weight_matrix,
    run_one_forwardPass,
)
from .plotting import UtilsPlotting

__all__ = [
    "UtilsIO",
    "UtilsOpDims",
    "UtilsPlotting",
    "UtilsSamplingLocs",
    "get_mse",
    "get_neg_deltaFF",
    "get_state_distance_between_trajs",
    "input_generation",
    "make_unit_length",
    "remove_dimension_from_weight_matrix",
    "run_one_forwardPass",
]
