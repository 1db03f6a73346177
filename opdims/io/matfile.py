"""MAT-files: reading v5/v7 (scipy.io) and v7.3 (h5py), writing v7 and v7.3.

Values are exchanged in MATLAB orientation: an array of MATLAB size
``[a, b, c]`` is a NumPy array of shape ``(a, b, c)`` with the same element at
the same (0-based) index.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Mapping
from types import SimpleNamespace

import h5py
import numpy as np
import scipy.io

from ..core.errors import ValidationError
from .filesystem import FileFormatError, atomic_output, hdf5_output
from .formats import MAT73_USERBLOCK, detect_format
from .mat_variables import has_matlab_variables, matlab_variables
from .tree import NUMERIC_CLASSES, materialize, open_tree

__all__ = ["MAT_VERSIONS", "check_matlab_name", "load_mat", "matlab_value", "save_mat"]

MAT_VERSIONS = ("7", "7.3")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,62}")
_V73_COMPRESS_BYTES = 1024  #: arrays this large or larger are stored gzip-compressed in v7.3 files


def load_mat(path) -> dict:
    """Read every variable of a MAT-file (v5/v6/v7 or v7.3), in MATLAB orientation.

    Numeric arrays keep MATLAB's size (at least 2-D) and class (``double`` ->
    float64, ``single`` -> float32, ``logical`` -> bool, ...); a one-row char
    array is a ``str``; a struct is a dict; a cell is an object array.

    Parameters
    ----------
    path : str or path
        The MAT-file (the format is read from its header).

    Returns
    -------
    dict
        Variable name -> value, in the file's order.

    Raises
    ------
    FileNotFoundError
        For a missing file.
    ValueError
        (:class:`~opdims.io.FileFormatError`) For a plain HDF5 file, or a
        damaged or unknown one; reading a variable of an unsupported class
        (sparse, objects, struct arrays) raises it too.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims.io import load_mat, save_mat
    >>> _ = save_mat("vars.mat", {"W": np.eye(2), "name": "ctxt", "s": {"k": 3}})
    >>> variables = load_mat("vars.mat")
    >>> variables["W"].shape, variables["name"], variables["s"]["k"]
    ((2, 2), 'ctxt', array([[3.]]))
    """
    fmt = detect_format(path)
    if fmt == "hdf5":
        raise FileFormatError(f"{path}: a plain HDF5 file, not a MAT-file (no MATLAB header); read it with "
                              "opdims.io.load_network, opdims.io.read_local_operative_dimensions or h5py")
    with open_tree(path) as (_, tree):
        return materialize(tree)


def check_matlab_name(name, where: str) -> str:
    """Return ``name`` if it is a valid MATLAB variable or field name, else raise.

    Parameters
    ----------
    name : str
        The name: a letter, then up to 62 letters, digits or underscores.
    where : str
        What the name is for, for the error message.

    Returns
    -------
    str
        ``name``.

    Raises
    ------
    ValueError
        For anything else.

    Examples
    --------
    >>> check_matlab_name("n_Wrr_n", "variable")
    'n_Wrr_n'
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValidationError(f"{where}: {name!r} is not a valid MATLAB name (a letter, then up to 62 letters, "
                         "digits or underscores)")
    return name


def matlab_value(value, where: str = "value", oned_as: str = "row"):
    """Return ``value`` in the form both MAT-file writers store.

    That is a dict (struct), a str (char row), a >= 2-D numeric or bool
    array, or an object array (cell) of such values. Python numbers and
    lists of them become ``double`` (NumPy arrays keep their class);
    scalars become ``[1, 1]``; 1-D arrays ``[1, n]`` (``oned_as='row'``) or
    ``[n, 1]`` (``'column'``); ``None`` an empty ``[0, 0]`` double; a list
    of strings a ``{1, n}`` cell; a Network, Trajectories, TaskData,
    LocalOperativeDimensions or RankSweep a struct of its MATLAB variables
    (:func:`opdims.io.matlab_variables`).

    Parameters
    ----------
    value : object
        The value.
    where : str, optional
        What the value is, for error messages.
    oned_as : str, optional
        ``'row'`` (default) or ``'column'``: how 1-D arrays are stored.

    Returns
    -------
    dict, str or numpy.ndarray
        The value to store.

    Raises
    ------
    ValueError
        For an invalid field name, an unknown ``oned_as``, or a value that
        cannot be stored (complex numbers, arbitrary objects).

    Examples
    --------
    >>> matlab_value([1, 2, 3])
    array([[1., 2., 3.]])
    >>> matlab_value({"a": None})["a"].shape
    (0, 0)
    """
    if oned_as not in ("row", "column"):
        raise ValidationError(f"oned_as: expected 'row' or 'column', got {oned_as!r}")
    if isinstance(value, str):
        return value
    if has_matlab_variables(value):
        value = matlab_variables(value)
    if isinstance(value, SimpleNamespace):
        value = vars(value)
    if isinstance(value, Mapping):
        return {check_matlab_name(k, where): matlab_value(v, f"{where}.{k}", oned_as) for k, v in value.items()}
    if value is None:
        return np.zeros((0, 0))
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value):
        value = np.array(value, dtype=object)
    python_numbers = isinstance(value, (int, float, list, tuple)) and not isinstance(value, bool)
    try:
        arr = np.asarray(value)
    except ValueError as exc:
        raise ValidationError(f"{where}: cannot store a {type(value).__name__} ({exc})") from exc
    if python_numbers and arr.dtype.kind in "iu":
        arr = arr.astype(np.float64)  # MATLAB's numbers are double; NumPy integer arrays keep their class
    if arr.dtype == object and arr.ndim == 0:
        raise ValidationError(f"{where}: cannot store a {type(value).__name__} in a MAT-file; expected numbers, "
                              "text, booleans, dicts (structs), lists (cells) or opdims results")
    if arr.dtype.kind == "c":
        raise ValidationError(f"{where}: cannot store complex values; expected real numbers")
    arr = _at_least_2d(arr, oned_as)
    if arr.dtype == object or arr.dtype.kind in "US":
        cell = np.empty(arr.shape, dtype=object)
        for index, element in np.ndenumerate(arr):
            cell[index] = matlab_value(element, f"{where}{{{', '.join(str(i + 1) for i in index)}}}", oned_as)
        return cell
    if arr.dtype.name not in NUMERIC_CLASSES:
        raise ValidationError(f"{where}: cannot store values of dtype {arr.dtype} in a MAT-file; expected "
                         "real numbers (float64, float32, integers) or booleans")
    return arr


def _at_least_2d(arr: np.ndarray, oned_as: str) -> np.ndarray:
    if arr.ndim == 0:
        return arr.reshape(1, 1)
    if arr.ndim == 1:
        return arr.reshape((1, -1) if oned_as == "row" else (-1, 1))
    return arr


def save_mat(path, variables: Mapping, *, version: str = "7", overwrite: bool = False,
             oned_as: str = "row"):
    """Write variables (MATLAB orientation) to a MAT-file.

    The file is written under a temporary name and renamed when complete.

    Parameters
    ----------
    path : str or path
        The MAT-file.
    variables : mapping
        Variable name -> value, as :func:`matlab_value` accepts.
    version : str, optional
        ``'7'`` (compressed level-5 file, MATLAB's default) or ``'7.3'``
        (HDF5 based, needed for variables over 2 GB).
    overwrite : bool, optional
        Replace an existing file (default: refuse).
    oned_as : str, optional
        ``'row'`` (default) or ``'column'``: how 1-D arrays are stored.

    Returns
    -------
    str or path
        ``path``, as given.

    Raises
    ------
    ValueError
        For an unknown version, no variables, an invalid name, or a value
        that cannot be stored.
    FileExistsError
        If ``path`` exists and ``overwrite`` is false.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims.io import load_mat, save_mat
    >>> save_mat("weights.mat", {"n_Wrr_n": np.eye(3), "dt": 1e-3}, version="7.3")
    'weights.mat'
    >>> load_mat("weights.mat")["n_Wrr_n"].shape
    (3, 3)
    """
    if str(version) not in MAT_VERSIONS:
        raise ValidationError(f"version: expected one of {MAT_VERSIONS}, got {version!r}")
    if not isinstance(variables, Mapping) or not variables:
        raise ValidationError(f"{path}: expected a non-empty mapping of MATLAB variable names to values")
    values = {check_matlab_name(name, f"{path}: variable"): matlab_value(value, f"{path}: {name}", oned_as)
              for name, value in variables.items()}
    if str(version) == "7":
        with atomic_output(path, overwrite) as temporary:
            scipy.io.savemat(temporary, values, appendmat=False, do_compression=True, long_field_names=True,
                             oned_as=oned_as)
    else:
        _write_v73(path, values, overwrite)
    return path


# ---- v7.3 writer -------------------------------------------------------------------------------

def _mat73_header() -> bytes:
    text = (f"MATLAB 7.3 MAT-file, Platform: {sys.platform}, Created on: "
            f"{time.strftime('%a %b %d %H:%M:%S %Y')} by opdims HDF5 schema 1.00 .").encode("ascii")
    header = text[:116].ljust(116, b" ") + b"\x00" * 8 + (0x0200).to_bytes(2, "little") + b"IM"
    return header.ljust(MAT73_USERBLOCK, b"\x00")


def _write_v73(path, values: dict, overwrite: bool) -> None:
    with hdf5_output(path, overwrite, userblock=_mat73_header(), libver="earliest", track_order=True) as f:
        for name, value in values.items():
            _write_h5_value(f, name, value)


def _write_h5_value(parent: h5py.Group, name: str, value) -> None:
    if isinstance(value, dict):
        group = parent.create_group(name, track_order=True)
        group.attrs["MATLAB_class"] = np.bytes_("struct")
        field_names = np.empty(len(value), dtype=object)
        field_names[:] = [np.frombuffer(k.encode("ascii"), dtype="S1") for k in value]
        group.attrs.create("MATLAB_fields", field_names, dtype=h5py.vlen_dtype(np.dtype("S1")))
        for field_name, field_value in value.items():
            _write_h5_value(group, field_name, field_value)
    elif isinstance(value, str):
        codes = np.array([[ord(c) for c in value]], dtype=np.uint16).reshape(1 if value else 0, len(value))
        _write_h5_array(parent, name, codes, "char", int_decode=2)
    elif value.dtype == object:
        refs_group = parent.file.require_group("#refs#")
        references = np.empty(value.shape, dtype=h5py.ref_dtype)
        for index, element in np.ndenumerate(value):
            ref_name = f"r{len(refs_group)}"
            _write_h5_value(refs_group, ref_name, element)
            references[index] = refs_group[ref_name].ref
        dataset = parent.create_dataset(name, data=references.T)
        dataset.attrs["MATLAB_class"] = np.bytes_("cell")
    elif value.dtype == bool:
        _write_h5_array(parent, name, value.astype(np.uint8), "logical", int_decode=1)
    else:
        _write_h5_array(parent, name, value, NUMERIC_CLASSES[value.dtype.name])


def _write_h5_array(parent: h5py.Group, name: str, arr: np.ndarray, matlab_class: str,
                    int_decode: int | None = None) -> None:
    """One array as MATLAB does: column-major (h5py sees the transpose); empty arrays as their size."""
    if arr.size == 0:
        dataset = parent.create_dataset(name, data=np.array(arr.shape, dtype=np.uint64))
        dataset.attrs["MATLAB_empty"] = np.uint8(1)
    else:
        compress = {"compression": "gzip", "chunks": True} if arr.nbytes >= _V73_COMPRESS_BYTES else {}
        dataset = parent.create_dataset(name, data=np.ascontiguousarray(arr.T), **compress)
    dataset.attrs["MATLAB_class"] = np.bytes_(matlab_class)
    if int_decode is not None:
        dataset.attrs["MATLAB_int_decode"] = np.int32(int_decode)
