"""The four analyses of the original scripts as functions returning results.

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

from ._common import (
                      DEFAULT_N_TRIALS,
                      SEED_INPUT,
                      SEED_RUN,
                      RunSettings,
                      condition_means,
                      prepare_run,
                      principal_components,
                      rank_within_full_cost,
                      settled_rank,
)
from .s1 import S1Result, s1_high_variance_dimensions
from .s2 import S2Result, default_row_method, read_sampling_locations, s2_local_operative_dimensions
from .s3 import GlobalDimensions, S3Result, s3_global_operative_dimensions
from .s4 import DEFAULT_RANKS, S4Result, s4_reduced_rank_network

__all__ = [
                      "DEFAULT_N_TRIALS",
                      "DEFAULT_RANKS",
                      "SEED_INPUT",
                      "SEED_RUN",
                      "GlobalDimensions",
                      "RunSettings",
                      "S1Result",
                      "S2Result",
                      "S3Result",
                      "S4Result",
                      "condition_means",
                      "default_row_method",
                      "prepare_run",
                      "principal_components",
                      "rank_within_full_cost",
                      "read_sampling_locations",
                      "s1_high_variance_dimensions",
                      "s2_local_operative_dimensions",
                      "s3_global_operative_dimensions",
                      "s4_reduced_rank_network",
                      "settled_rank",
]
