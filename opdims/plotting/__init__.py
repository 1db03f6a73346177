"""Figures (matplotlib, the ``plot`` extra): the paper's panels, the analysis of one network, saving as PNG and PDF;
the report page of an output folder (:mod:`opdims.plotting.report`, no matplotlib needed).

Floor 3, beside :mod:`opdims.training`: it reads results of the floors below (``core``, ``dims``, ``io``)
and is called by the analysis (``reproduce``), the MATLAB wing and the CLI.

The names of :mod:`opdims.plotting.figures` (``__all__`` too) are found here on first use, so matplotlib is
imported only when a figure is drawn.
"""

import importlib

_SUBMODULES = ("figures", "report")


def __getattr__(name: str):
    """A name of :mod:`opdims.plotting.figures`, imported on first use."""
    if name in _SUBMODULES or (name.startswith("__") and name != "__all__"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    figures = importlib.import_module(".figures", __name__)
    if name != "__all__" and name not in figures.__all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(figures, name)


def __dir__():
    return sorted(set(globals()) | set(importlib.import_module(".figures", __name__).__all__))
