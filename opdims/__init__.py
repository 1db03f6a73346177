"""opdims: operative dimensions of recurrent neural networks.

Python implementation of the analysis of Krause et al., "Operative dimensions
in unconstrained connectivity of recurrent neural networks" (NeurIPS 2022).
The core API uses ``[trials, time, units]`` arrays and explicit random
streams; :mod:`opdims.matlab` mirrors the original MATLAB functions.
:func:`analyse_network` is the whole analysis of one network, for the
paper's two tasks and for any user's trials.
"""

__version__ = "0.2.0"

from .batch import AnalysisJob, batch_jobs, run_batch
from .defaults import default_weights
from .errors import OpdimsError, ValidationError
from .exact_rows import best_row_dimension, exact_row_dimensions
from .global_dims import global_operative_dimensions, variance_explained
from .local_dims import (
                         local_column_dimensions,
                         local_operative_dimensions,
                         local_row_dimensions,
                         local_row_dimensions_reference,
)
from .metrics import mse, principal_components, state_distance
from .network import Network, NetworkError
from .network_analysis import DimensionResult, NetworkAnalysis
from .nonlinearity import NONLINEARITIES
from .operative import LocalOperativeDimensions, delta_f, orthonormalize_against, relax_step
from .pipelines import AnalysisOptions, analyse_network
from .random import MatlabTwisterStream, NumpyStream, RandomStream, ReplayStream
from .reduce import reduced_rank_stack, remove_dimensions
from .sampling import (
                         SUBSETS,
                         SamplingLocationProperties,
                         condition_averages,
                         condition_sampling_locations,
                         condition_sampling_scheme,
                         locations_from_averages,
                         locations_in_order,
                         random_locations,
                         sampling_location_properties,
                         select_locations,
)
from .simulate import StateSummary, Trajectories, draw_noise, simulate, summarise_states
from .sweeps import RankSweep, rank_sweep
from .tasks import TaskData, context_integration_trials, sine_wave_trials, trials_from_arrays

__all__ = [
                         "NONLINEARITIES",
                         "SUBSETS",
                         "AnalysisJob",
                         "AnalysisOptions",
                         "DimensionResult",
                         "LocalOperativeDimensions",
                         "MatlabTwisterStream",
                         "Network",
                         "NetworkAnalysis",
                         "NetworkError",
                         "NumpyStream",
                         "OpdimsError",
                         "RandomStream",
                         "RankSweep",
                         "ReplayStream",
                         "SamplingLocationProperties",
                         "StateSummary",
                         "TaskData",
                         "Trajectories",
                         "ValidationError",
                         "analyse_network",
                         "batch_jobs",
                         "best_row_dimension",
                         "condition_averages",
                         "condition_sampling_locations",
                         "condition_sampling_scheme",
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
                         "locations_from_averages",
                         "locations_in_order",
                         "mse",
                         "orthonormalize_against",
                         "principal_components",
                         "random_locations",
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
                         "summarise_states",
                         "trials_from_arrays",
                         "variance_explained",
]
