"""Writing an analysis's results as ``.mat`` (MATLAB names and orientation)
and ``.h5`` (this package's names and orientation, settings as attributes)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ... import io
from ...core.errors import ValidationError
from ...io import atomic_outputs, hdf5_output

__all__ = ["RESULT_FORMATS", "result_paths", "save_result"]

RESULT_FORMATS = ("mat", "h5")


def result_paths(stem, formats) -> list[Path]:
    """The result files ``<stem>.<format>`` for each format.

    Parameters
    ----------
    stem : path
        Folder and start of the file name.
    formats : iterable of str
        A subset of :data:`RESULT_FORMATS` (``'mat'``, ``'h5'``).

    Returns
    -------
    list of pathlib.Path
        One path per format.

    Raises
    ------
    ValueError
        For an unknown format.
    """
    bad = [f for f in formats if f not in RESULT_FORMATS]
    if bad:
        raise ValidationError(f"result format: expected some of {', '.join(RESULT_FORMATS)}, got {', '.join(bad)}")
    stem = Path(stem)
    return [stem.with_name(f"{stem.name}.{fmt}") for fmt in formats]


def _write_h5(path: Path, arrays: dict, attributes: dict, overwrite: bool) -> None:
    with hdf5_output(path, overwrite) as f:
        for name, value in arrays.items():
            value = np.asarray(value)
            f.create_dataset(name, data=value, **({"compression": "gzip"} if value.ndim else {}))
        for name, value in attributes.items():
            f.attrs[name] = value


def save_result(result, stem, formats=RESULT_FORMATS, overwrite: bool = False) -> list[Path]:
    """Write an S1/S3/S4 result to ``<stem>.mat`` and/or ``<stem>.h5``.

    The ``.mat`` holds the original script's variables plus a ``settings``
    struct; the ``.h5`` holds the result's ``arrays()`` with the settings as root
    attributes. Existing files are refused unless ``overwrite`` (checked for
    every file before any is written).

    Parameters
    ----------
    result : S1Result, S3Result or S4Result
        The result.
    stem : path
        Folder and start of the file names.
    formats : iterable of str, optional
        ``'mat'`` and/or ``'h5'`` (default both).
    overwrite : bool, optional
        Replace existing files.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    FileExistsError
        If a file exists and ``overwrite`` is false.
    """
    paths = result_paths(stem, formats)
    settings = result.settings.as_dict()
    with atomic_outputs(paths, overwrite) as parts:  # the formats appear together, or none does
        for path, part in zip(paths, parts):
            if path.suffix == ".mat":
                io.save_mat(part, {**result.matlab_variables(), "settings": settings})
            else:
                _write_h5(part, result.arrays(), settings, False)
    return paths
