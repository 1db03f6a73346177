"""Training the paper's networks (PyTorch, the ``torch`` extra) and writing them in the authors' layout.

Floor 3, beside :mod:`opdims.plotting`: it uses the core and io, and is called by ``opdims train``.
"""

from .trainer import *  # noqa: F403  (the names of trainer.__all__)
from .trainer import __all__  # noqa: F401
