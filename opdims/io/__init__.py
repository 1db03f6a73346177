"""Reading and writing networks and results: the authors' HDF5 layout and MAT-files.

The format of a file is detected from its first bytes, never its extension
(:func:`detect_format`). Arrays are exchanged in MATLAB orientation; the
rules are in ``docs/io.md``.
"""

from .analysis_file import ANALYSIS_FORMAT, AnalysisStore, analysis_variables, load_analysis, save_analysis
from .filesystem import (
    FileFormatError,
    NotInFileError,
    atomic_output,
    atomic_outputs,
    check_output_file,
    check_output_folder,
    existing_file,
    hdf5_output,
    named_by,
    sha256_of_file,
)
from .formats import FORMATS, detect_format
from .local_dims_file import (
    check_stored_dim_type,
    load_local_operative_dimensions,
    read_local_operative_dimensions,
    read_location_group,
    save_local_operative_dimensions,
)
from .mat_variables import (
    global_dims_variables,
    local_dims_variables,
    matlab_variables,
    network_variables,
    rank_sweep_variables,
    task_variables,
    trajectory_variables,
)
from .matfile import MAT_VERSIONS, load_mat, save_mat
from .networks import NetworkEntry, list_networks, load_network, network_ids, save_network
from .original_h5 import (
    NETWORK_SETTINGS,
    WEIGHT_NAMES,
    add_network_hdf5,
    network_settings,
    save_networks_hdf5,
    save_to_hdf5,
)
from .psychrnn import from_psychrnn
from .summary import describe_file
from .torch_models import from_torch
from .trials_file import TRIAL_NAMES, load_trials, read_array

__all__ = [
    "ANALYSIS_FORMAT",
    "FORMATS",
    "MAT_VERSIONS",
    "NETWORK_SETTINGS",
    "TRIAL_NAMES",
    "WEIGHT_NAMES",
    "AnalysisStore",
    "FileFormatError",
    "NetworkEntry",
    "NotInFileError",
    "add_network_hdf5",
    "analysis_variables",
    "atomic_output",
    "atomic_outputs",
    "check_output_file",
    "check_output_folder",
    "check_stored_dim_type",
    "describe_file",
    "detect_format",
    "existing_file",
    "from_psychrnn",
    "from_torch",
    "global_dims_variables",
    "hdf5_output",
    "list_networks",
    "load_analysis",
    "load_local_operative_dimensions",
    "load_mat",
    "load_network",
    "load_trials",
    "local_dims_variables",
    "matlab_variables",
    "named_by",
    "network_ids",
    "network_settings",
    "network_variables",
    "rank_sweep_variables",
    "read_array",
    "read_local_operative_dimensions",
    "read_location_group",
    "save_analysis",
    "save_local_operative_dimensions",
    "save_mat",
    "save_network",
    "save_networks_hdf5",
    "save_to_hdf5",
    "sha256_of_file",
    "task_variables",
    "trajectory_variables",
]
