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

from ..core.errors import MissingFileError
from ..core.validation import check_task

__all__ = ["default_weights"]


def default_weights(task: str) -> Path:
    """Return the path of the bundled default network file of a task.

    Parameters
    ----------
    task : str
        ``'ctxt'`` or ``'swg'``.

    Returns
    -------
    pathlib.Path
        ``<task>_default.h5``: one trained network, ``/NetNr1``, in the
        original HDF5 layout.

    Raises
    ------
    ValueError
        For an unknown task.
    FileNotFoundError
        If the file is missing from the installation.

    Examples
    --------
    >>> from opdims import default_weights
    >>> from opdims.io import load_network
    >>> default_weights("ctxt").name
    'ctxt_default.h5'
    >>> load_network(default_weights("ctxt")).n_units
    100
    """
    check_task(task)
    path = Path(str(resources.files(__name__).joinpath(f"{task}_default.h5")))
    if not path.is_file():
        raise MissingFileError(f"{path}: the bundled default {task} network is missing from this installation")
    return path
