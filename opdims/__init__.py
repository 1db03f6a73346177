"""opdims: operative dimensions of recurrent neural networks.

Python implementation of the analysis of Krause et al., "Operative dimensions
in unconstrained connectivity of recurrent neural networks" (NeurIPS 2022).
The core API uses ``[trials, time, units]`` arrays and explicit random
streams; :mod:`opdims.matlab` mirrors the original MATLAB functions.
"""

__version__ = "0.1.0"

from .batch import batch_jobs, run_batch
from .defaults import default_weights
from .exact_rows import best_row_dimension, exact_row_dimensions
from .global_dims import SUBSETS, global_operative_dimensions, select_locations, variance_explained
from .local_dims import (
                         local_column_dimensions,
                         local_operative_dimensions,
                         local_row_dimensions,
                         local_row_dimensions_reference,
)
from .metrics import mse, state_distance
from .network import Network, NetworkError
from .operative import LocalOperativeDimensions, delta_f, orthonormalize_against, relax_step
from .random import MatlabTwisterStream, NumpyStream, RandomStream, ReplayStream
from .reduce import reduced_rank_stack, remove_dimensions
from .sampling import (
                         SamplingLocationProperties,
                         condition_averages,
                         condition_sampling_locations,
                         locations_in_order,
                         sampling_location_properties,
)
from .simulate import Trajectories, draw_noise, simulate
from .sweeps import RankSweep, rank_sweep
from .tasks import TaskData, context_integration_trials, sine_wave_trials

__all__ = [
                         "SUBSETS",
                         "LocalOperativeDimensions",
                         "MatlabTwisterStream",
                         "Network",
                         "NetworkError",
                         "NumpyStream",
                         "RandomStream",
                         "RankSweep",
                         "ReplayStream",
                         "SamplingLocationProperties",
                         "TaskData",
                         "Trajectories",
                         "batch_jobs",
                         "best_row_dimension",
                         "condition_averages",
                         "condition_sampling_locations",
                         "context_integration_trials",
                         "default_weights",
                         "delta_f",
                         "draw_noise",
                         "exact_row_dimensions",
                         "global_operative_dimensions",
                         "local_column_dimensions",
                         "local_operative_dimensions",
                         "local_row_dimensions",
                         "local_row_dimensions_reference",
                         "locations_in_order",
                         "mse",
                         "orthonormalize_against",
                         "rank_sweep",
                         "reduced_rank_stack",
                         "relax_step",
                         "remove_dimensions",
                         "run_batch",
                         "sampling_location_properties",
                         "select_locations",
                         "simulate",
                         "sine_wave_trials",
                         "state_distance",
                         "variance_explained",
]
