"""The original ``+utils`` package: same names, arguments and shapes."""

from . import input_generation
from .functions import (get_mse, get_neg_deltaFF, get_state_distance_between_trajs,
                        make_unit_length, remove_dimension_from_weight_matrix,
                        run_one_forwardPass)
from .classes import UtilsIO, UtilsOpDims, UtilsSamplingLocs
from .plotting import UtilsPlotting

__all__ = ["input_generation", "get_mse", "get_neg_deltaFF", "get_state_distance_between_trajs",
           "make_unit_length", "remove_dimension_from_weight_matrix", "run_one_forwardPass",
           "UtilsIO", "UtilsOpDims", "UtilsSamplingLocs", "UtilsPlotting"]
