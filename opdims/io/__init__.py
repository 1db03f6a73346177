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
    check_output_file,
    check_output_folder,
    existing_file,
    sha256_of_file,
)
from .formats import FORMATS, detect_format
from .local_dims_file import (
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
from .summary import describe_file
from .torch_models import from_torch
from .trials_file import TRIAL_NAMES, load_trials, read_array

__all__ = [
    "ANALYSIS_FORMAT",
    "FORMATS",
    "TRIAL_NAMES",
    "NETWORK_SETTINGS",
    "AnalysisStore",
    "add_network_hdf5",
    "network_ids",
    "network_settings",
    "analysis_variables",
    "existing_file",
    "from_torch",
    "load_trials",
    "read_array",
    "load_analysis",
    "save_analysis",
    "sha256_of_file",
    "MAT_VERSIONS",
    "WEIGHT_NAMES",
    "FileFormatError",
    "NetworkEntry",
    "NotInFileError",
    "atomic_output",
    "check_output_file",
    "check_output_folder",
    "describe_file",
    "detect_format",
    "global_dims_variables",
    "list_networks",
    "load_local_operative_dimensions",
    "load_mat",
    "load_network",
    "local_dims_variables",
    "matlab_variables",
    "network_variables",
    "rank_sweep_variables",
    "read_local_operative_dimensions",
    "read_location_group",
    "save_local_operative_dimensions",
    "save_mat",
    "save_network",
    "save_networks_hdf5",
    "save_to_hdf5",
    "task_variables",
    "trajectory_variables",
]
