"""opdims: operative dimensions of recurrent neural networks.

Python implementation of the analysis of Krause et al., "Operative dimensions
in unconstrained connectivity of recurrent neural networks" (NeurIPS 2022).
The core API uses ``[trials, time, units]`` arrays and explicit random
streams; :mod:`opdims.matlab` mirrors the original MATLAB functions.
:func:`analyse_network` is the whole analysis of one network, for the
paper's two tasks and for any user's trials.

The package is built in floors (``docs/architecture.md``): :mod:`opdims.core`,
:mod:`opdims.dims`, :mod:`opdims.io`, :mod:`opdims.plotting` and
:mod:`opdims.training`, :mod:`opdims.analysis`, and the two faces,
:mod:`opdims.matlab` and :mod:`opdims.cli`. This facade holds what a user
calls; every other public name stays in its module (and, for code written
against opdims 0.2, is still found here and under its old module path).
"""

from __future__ import annotations

import importlib
import os
import sys


def _starting_the_command_line() -> bool:
    """Whether this import is the ``opdims`` command starting (its script, or ``python -m opdims``)."""
    argv = getattr(sys, "argv", None) or [""]
    return argv[0] == "-m" or os.path.basename(argv[0]) in ("opdims", "opdims.exe")


try:  # the floors below load numpy, scipy and h5py: about half a second, in which a Ctrl-C may come
    from . import aliases
    from .analysis.batch import run_batch
    from .analysis.chain import AnalysisOptions, analyse_network
    from .core.errors import OpdimsError
    from .core.metrics import mse, state_distance
    from .core.network import Network
    from .core.random import NumpyStream
    from .core.simulate import simulate
    from .core.tasks import context_integration_trials, sine_wave_trials, trials_from_arrays, trials_from_neurogym
    from .data import default_weights
    from .dims.global_dims import global_operative_dimensions
    from .dims.local_dims import local_operative_dimensions
    from .dims.network_analysis import NetworkAnalysis
    from .dims.network_analysis import set_html_renderer as _set_html_renderer
    from .dims.sweeps import rank_sweep
    from .version import __version__
except KeyboardInterrupt:
    if not _starting_the_command_line():
        raise
    print("opdims: interrupted while starting", file=sys.stderr)
    raise SystemExit(130) from None

aliases.install()


def _analysis_html(analysis) -> str:
    """A NetworkAnalysis in a notebook: the report of opdims.plotting (loaded when first shown)."""
    from .plotting.report import analysis_html

    return analysis_html(analysis)


_set_html_renderer(_analysis_html)

__all__ = [
    "AnalysisOptions",
    "Network",
    "NetworkAnalysis",
    "NumpyStream",
    "OpdimsError",
    "__version__",
    "analyse_network",
    "context_integration_trials",
    "default_weights",
    "global_operative_dimensions",
    "io",
    "local_operative_dimensions",
    "mse",
    "rank_sweep",
    "run_batch",
    "simulate",
    "sine_wave_trials",
    "state_distance",
    "trials_from_arrays",
    "trials_from_neurogym",
]

#: names of the opdims 0.2 facade that now live only in their modules
FORMER_NAMES = {
    **dict.fromkeys(("AnalysisJob", "batch_jobs"), "opdims.analysis.batch"),
    **dict.fromkeys(("ValidationError",), "opdims.core.errors"),
    **dict.fromkeys(("best_row_dimension", "exact_row_dimensions"), "opdims.dims.exact_rows"),
    **dict.fromkeys(("variance_explained",), "opdims.dims.global_dims"),
    **dict.fromkeys(("local_column_dimensions", "local_row_dimensions", "local_row_dimensions_reference",
                     "local_row_dimensions_fminunc"),
                    "opdims.dims.local_dims"),
    **dict.fromkeys(("principal_components",), "opdims.core.metrics"),
    **dict.fromkeys(("NetworkError",), "opdims.core.network"),
    **dict.fromkeys(("DimensionResult",), "opdims.dims.network_analysis"),
    **dict.fromkeys(("NONLINEARITIES",), "opdims.core.nonlinearity"),
    **dict.fromkeys(("LocalOperativeDimensions", "delta_f", "orthonormalize_against", "relax_step"),
                    "opdims.dims.operative"),
    **dict.fromkeys(("MatlabTwisterStream", "RandomStream", "ReplayStream"), "opdims.core.random"),
    **dict.fromkeys(("reduced_rank_stack", "remove_dimensions"), "opdims.core.reduce"),
    **dict.fromkeys(("SUBSETS", "SamplingLocationProperties", "condition_averages", "condition_sampling_locations",
                     "condition_sampling_scheme", "locations_from_averages", "locations_in_order",
                     "random_locations", "sampling_location_properties", "select_locations"),
                    "opdims.core.sampling"),
    **dict.fromkeys(("StateSummary", "Trajectories", "draw_noise", "summarise_states"), "opdims.core.simulate"),
    **dict.fromkeys(("RankSweep",), "opdims.dims.sweeps"),
    **dict.fromkeys(("TaskData",), "opdims.core.tasks"),
}


def __getattr__(name: str):
    """Names of the former, larger facade, and the subpackages, on first use."""
    if name in FORMER_NAMES:
        return getattr(importlib.import_module(FORMER_NAMES[name]), name)
    if name == "io":
        return importlib.import_module("opdims.io")
    raise AttributeError(f"module 'opdims' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(FORMER_NAMES) | {"io"})
