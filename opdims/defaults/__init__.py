"""The bundled default networks: one trained ctxt and one trained swg network.

Each is ``/NetNr1`` (``init`` and ``final``) of ``<task>_default.h5`` in the
original HDF5 layout, made by ``opdims train``; the group's attributes record
the seed, the command line, the training time and the evaluation cost (see
``README.md`` in this folder). Every analysis uses them when no weights file
is given.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..errors import MissingFileError
from ..tasks import check_task

__all__ = ["default_weights"]


def default_weights(task: str) -> Path:
    """Path of the bundled default network file of ``task`` (``'ctxt'`` or ``'swg'``)."""
    check_task(task)
    path = Path(str(resources.files(__name__).joinpath(f"{task}_default.h5")))
    if not path.is_file():
        raise MissingFileError(f"{path}: the bundled default {task} network is missing from this installation")
    return path
