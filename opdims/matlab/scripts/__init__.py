"""The analysis chain of one network and the four analyses of the original scripts.

=====================================================  ===========================================
MATLAB script                                          function
=====================================================  ===========================================
``s1_analysis_high_variance_dimensions.m``             :func:`s1_high_variance_dimensions`
``s2_generate_operative_dimensions.m``                 :func:`s2_local_operative_dimensions`
``s3_analysis_global_operative_dimensions.m``          :func:`s3_global_operative_dimensions`
``s4_run_reduced_rank_network.m``                      :func:`s4_reduced_rank_network`
=====================================================  ===========================================

Each takes the script's parameters (network type, dimension type, network
id, weights file, noise on/off, ``seed_run``, ``seed_input``, number of
trials, ``sampling_locs_to_combine``, rank) and a random stream, and returns
a result holding the arrays and the :class:`RunSettings` that made them.
"""

from ...analysis.chain import (
    RANDOM_LOCATION_SEED,
    AnalysisOptions,
    analyse_network,
    check_local_dimensions_of,
    location_summary,
    random_location_seed,
)
from ...analysis.runs import (
    DEFAULT_N_TRIALS,
    SEED_INPUT,
    SEED_RUN,
    Run,
    RunSettings,
    load_network_argument,
    prepare_run,
    prepare_trials_run,
    reseed,
)
from .outputs import RESULT_FORMATS, result_paths, save_result
from .s1 import S1Result, s1_high_variance_dimensions
from .s2 import S2Result, default_row_method, read_sampling_locations, s2_local_operative_dimensions
from .s3 import GlobalOperativeDimensions, S3Result, s3_global_operative_dimensions, script_global_operative_dimensions
from .s4 import DEFAULT_RANKS, S4Result, s4_reduced_rank_network

__all__ = [
    "DEFAULT_N_TRIALS",
    "DEFAULT_RANKS",
    "RANDOM_LOCATION_SEED",
    "RESULT_FORMATS",
    "SEED_INPUT",
    "SEED_RUN",
    "AnalysisOptions",
    "GlobalOperativeDimensions",
    "Run",
    "RunSettings",
    "S1Result",
    "S2Result",
    "S3Result",
    "S4Result",
    "analyse_network",
    "check_local_dimensions_of",
    "default_row_method",
    "script_global_operative_dimensions",
    "load_network_argument",
    "location_summary",
    "prepare_run",
    "prepare_trials_run",
    "random_location_seed",
    "read_sampling_locations",
    "reseed",
    "result_paths",
    "s1_high_variance_dimensions",
    "s2_local_operative_dimensions",
    "s3_global_operative_dimensions",
    "s4_reduced_rank_network",
    "save_result",
]
