"""Figures (matplotlib, the ``plot`` extra): the paper's panels, the analysis of one network, saving as PNG and PDF.

Floor 3, beside :mod:`opdims.training`: it reads results of the floors below (``core``, ``dims``, ``io``)
and is called by the analysis (``reproduce``), the MATLAB wing and the CLI.
"""

from .figures import *  # noqa: F403  (the names of figures.__all__)
from .figures import __all__  # noqa: F401
