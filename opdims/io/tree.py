"""Any supported file as a tree of named arrays in MATLAB orientation.

A tree is a dict: groups (HDF5 groups, MATLAB structs) are dicts, arrays are
:class:`Leaf` objects that know their MATLAB shape and class and read their
value on demand. MATLAB stores arrays column-major, so h5py sees every
MATLAB-written array with its axes reversed; leaves undo that.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import h5py
import numpy as np
import scipy.io
import scipy.sparse

from .filesystem import FileFormatError
from .formats import detect_format

__all__ = ["NUMERIC_CLASSES", "Group", "Leaf", "join_path", "materialize", "open_tree"]

#: MATLAB class of each NumPy dtype opdims reads or writes
NUMERIC_CLASSES = {
    "float64": "double", "float32": "single", "bool": "logical",
    "int8": "int8", "uint8": "uint8", "int16": "int16", "uint16": "uint16",
    "int32": "int32", "uint32": "uint32", "int64": "int64", "uint64": "uint64",
}
_DTYPE_OF_CLASS = {cls: np.dtype(name) for name, cls in NUMERIC_CLASSES.items()}
_SKIPPED_HDF5_NAMES = ("#refs#", "#subsystem#")  #: MATLAB's bookkeeping groups in v7.3 files


class Group(dict):
    """A group of a file's tree (HDF5 group, MATLAB struct, the top level): name -> Group or Leaf.

    A dict, with the HDF5 group's attributes in ``attrs``.

    Parameters
    ----------
    *args
        As for :class:`dict`: the entries.
    attrs : dict, optional
        The group's attributes (empty for other formats than HDF5).
    **kwargs
        As for :class:`dict`: more entries.

    Examples
    --------
    >>> from opdims.io.tree import Group
    >>> group = Group({"a": 1}, attrs={"seed": 3})
    >>> list(group), group.attrs
    (['a'], {'seed': 3})
    """

    def __init__(self, *args, attrs: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.attrs = dict(attrs or {})


@dataclass(frozen=True)
class Leaf:
    """One array of a file: where it is, its MATLAB shape and class; its value on demand.

    Parameters
    ----------
    where : str
        Display path (:func:`join_path`).
    shape : tuple of int
        MATLAB size (at least 2-D).
    matlab_class : str
        ``'double'``, ``'single'``, ``'logical'``, ``'char'``, ``'cell'``, an integer class, ...
    read : callable
        Returns the value: numeric arrays in MATLAB orientation (at least
        2-D), ``str`` for a one-row char array, object arrays for cells;
        only while the file is open (inside :func:`open_tree`).

    Examples
    --------
    >>> import numpy as np
    >>> from opdims.io.tree import Leaf
    >>> leaf = Leaf("/NetNr1/final/n_bx_1", (3, 1), "double", lambda: np.zeros((3, 1)))
    >>> leaf.is_numeric, leaf.read().shape
    (True, (3, 1))
    """

    where: str
    shape: tuple[int, ...]
    matlab_class: str
    read: Callable[[], Any] = field(repr=False, compare=False)

    @property
    def is_numeric(self) -> bool:
        """Whether the array is numeric (a float or integer class; not logical)."""
        return self.matlab_class in _DTYPE_OF_CLASS and self.matlab_class != "logical"


def join_path(fmt: str, parts) -> str:
    """Return the display path of a node: ``/a/b`` for plain HDF5, ``a.b`` (MATLAB syntax) for MAT-files.

    Parameters
    ----------
    fmt : str
        The file's format (:func:`opdims.io.detect_format`).
    parts : iterable of str
        Names from the top level down.

    Returns
    -------
    str
        The path (``'(top level)'`` for none in a MAT-file).

    Examples
    --------
    >>> join_path("hdf5", ["NetNr1", "final"]), join_path("mat-v5", ["net", "W"])
    ('/NetNr1/final', 'net.W')
    """
    parts = list(parts)
    if fmt == "hdf5":
        return "/" + "/".join(parts)
    if fmt in ("npz", "torch"):
        return "/".join(parts) if parts else "(top level)"
    return ".".join(parts) if parts else "(top level)"


@contextmanager
def open_tree(path):
    """Open a file as a tree of named arrays: a context manager yielding ``(format, tree)``.

    Leaves are readable inside the ``with`` block.

    Parameters
    ----------
    path : str or path
        An HDF5 file or a MAT-file.

    Yields
    ------
    format : str
        As :func:`opdims.io.detect_format` returns it.
    tree : Group
        The top level.

    Raises
    ------
    FileNotFoundError
        For a missing file.
    ValueError
        (:class:`~opdims.io.FileFormatError`) For a damaged or unknown file.

    Examples
    --------
    >>> import opdims
    >>> from opdims.io.tree import open_tree
    >>> with open_tree(opdims.default_weights("swg")) as (fmt, tree):
    ...     leaf = tree["NetNr1"]["final"]["n_Wrr_n"]
    ...     fmt, leaf.shape, leaf.read().shape
    ('hdf5', (100, 100), (100, 100))
    """
    fmt = detect_format(path)
    if fmt == "mat-v5":
        yield fmt, _mat_v5_tree(path)
        return
    if fmt == "npz":
        yield fmt, _npz_tree(path)
        return
    if fmt == "torch":
        yield fmt, _torch_tree(path)
        return
    try:
        handle = h5py.File(path, "r")
    except OSError as exc:
        raise FileFormatError(f"{path}: cannot open as HDF5 ({exc}); the file is truncated or damaged") from exc
    with handle:
        yield fmt, _hdf5_group(handle, path, fmt, ())


def materialize(node):
    """Read every leaf of a tree (or a leaf).

    Parameters
    ----------
    node : Group or Leaf
        A (sub)tree from :func:`open_tree`, inside its ``with`` block.

    Returns
    -------
    dict or object
        Nested dicts of values (for a group), or the leaf's value.

    Examples
    --------
    >>> import opdims
    >>> from opdims.io.tree import materialize, open_tree
    >>> with open_tree(opdims.default_weights("swg")) as (_, tree):
    ...     values = materialize(tree["NetNr1"]["final"])
    >>> sorted(values)
    ['m_Wzr_n', 'm_bz_1', 'n_Wrr_n', 'n_Wru_v', 'n_bx_1', 'n_x0_c']
    """
    if isinstance(node, dict):
        return {name: materialize(child) for name, child in node.items()}
    return node.read()


# ---- HDF5: the authors' files and MAT v7.3 -------------------------------------------------------

def _attr_text(obj, name: str) -> str | None:
    value = obj.attrs.get(name)
    if value is None:
        return None
    if isinstance(value, np.ndarray):
        value = value.reshape(-1)[0] if value.size else b""
    return value.decode("ascii", "replace") if isinstance(value, bytes) else str(value)


def _plain_attrs(obj) -> dict:
    """An HDF5 object's attributes other than MATLAB's bookkeeping, as Python values."""
    out = {}
    for name, value in obj.attrs.items():
        if name.startswith("MATLAB_"):
            continue
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        elif isinstance(value, np.ndarray) and value.size == 1:
            value = value.reshape(-1)[0]
        if isinstance(value, np.generic):
            value = value.item()
        out[name] = value
    return out


def _hdf5_group(group: h5py.Group, path, fmt: str, parts: tuple) -> dict:
    tree = Group(attrs=_plain_attrs(group))
    for name in group:
        if not parts and name in _SKIPPED_HDF5_NAMES:
            continue
        obj = group.get(name)
        child = parts + (name,)
        if isinstance(obj, h5py.Dataset):
            tree[name] = _hdf5_leaf(obj, path, fmt, child)
        elif isinstance(obj, h5py.Group):
            cls = _attr_text(obj, "MATLAB_class")
            if "MATLAB_sparse" in obj.attrs:
                cls = f"sparse {cls}"
            if cls in (None, "struct"):
                tree[name] = _hdf5_group(obj, path, fmt, child)
            else:
                tree[name] = Leaf(join_path(fmt, child), (), cls, _unsupported(path, join_path(fmt, child), cls))
    return tree


def _unsupported(path, where: str, cls: str):
    def read():
        raise FileFormatError(f"{path}: {where}: MATLAB class {cls!r} is not supported by opdims "
                              "(store full numeric arrays, char, logical, cells or scalar structs)")
    return read


def _hdf5_leaf(dataset: h5py.Dataset, path, fmt: str, parts: tuple) -> Leaf:
    where = join_path(fmt, parts)
    cls = _attr_text(dataset, "MATLAB_class")
    is_reference = dataset.dtype == h5py.ref_dtype
    if cls is None:
        cls = "cell" if is_reference else NUMERIC_CLASSES.get(dataset.dtype.name, dataset.dtype.name)
    empty = bool(np.asarray(dataset.attrs.get("MATLAB_empty", 0)).reshape(-1)[0])
    if empty:
        dims = tuple(int(d) for d in np.asarray(dataset[()]).reshape(-1))
        return Leaf(where, dims, cls, lambda: _empty_value(cls, dims))
    shape = _matlab_shape(dataset.shape)

    def read():
        try:
            raw = dataset[()]
        except (OSError, ValueError) as exc:
            raise FileFormatError(f"{path}: {where}: cannot read the data ({exc}); damaged file?") from exc
        value = np.asarray(raw).T.reshape(shape)
        if cls == "cell" or is_reference:
            return _cell(dataset.file, value, path, where)
        if cls == "char":
            return _text(value)
        if cls == "logical":
            return value.astype(bool)
        if cls not in _DTYPE_OF_CLASS or value.dtype.kind not in "biuf":
            return _unsupported(path, where, cls)()
        return value.astype(_DTYPE_OF_CLASS[cls], copy=False)

    return Leaf(where, shape, cls, read)


def _matlab_shape(h5_shape: tuple) -> tuple:
    """MATLAB shape of a dataset h5py sees as ``h5_shape`` (MATLAB arrays are >= 2-D)."""
    shape = tuple(reversed(h5_shape))
    if len(shape) == 0:
        return (1, 1)
    if len(shape) == 1:
        return (shape[0], 1)
    return shape


def _empty_value(cls: str, dims: tuple):
    if cls == "char":
        return ""
    if cls == "cell":
        return np.empty(dims, dtype=object)
    return np.zeros(dims, dtype=_DTYPE_OF_CLASS.get(cls, np.float64))


def _cell(file: h5py.File, references: np.ndarray, path, where: str) -> np.ndarray:
    out = np.empty(references.shape, dtype=object)
    for index, ref in np.ndenumerate(references):
        target = file[ref]
        element = f"{where}{{{', '.join(str(i + 1) for i in index)}}}"
        if isinstance(target, h5py.Group):
            out[index] = materialize(_hdf5_group(target, path, "mat-v7.3", (element,)))
        else:
            out[index] = _hdf5_leaf(target, path, "mat-v7.3", (element,)).read()
    return out


def _text(codes: np.ndarray):
    """A char array (character codes, MATLAB orientation) as str, or an array of row strings."""
    codes = np.atleast_2d(codes)
    if codes.size == 0:
        return ""
    rows = ["".join(chr(int(c)) for c in row) for row in codes]
    return rows[0] if len(rows) == 1 else np.array(rows, dtype=object).reshape(-1, 1)


# ---- MAT level 5 (v6/v7) through scipy.io ----------------------------------------------------------

def _mat_v5_tree(path) -> dict:
    try:
        variables = scipy.io.loadmat(path, squeeze_me=False, struct_as_record=True,
                                     chars_as_strings=False, mat_dtype=False)
    except Exception as exc:  # scipy raises many types for damaged files; report them all the same way
        raise FileFormatError(f"{path}: cannot read the MAT-file ({type(exc).__name__}: {exc}); "
                              "the file is truncated or damaged") from exc
    return Group({name: _v5_node(value, path, (name,))
                  for name, value in variables.items() if not name.startswith("__")})


def _v5_node(value, path, parts: tuple):
    where = join_path("mat-v5", parts)
    if isinstance(value, np.ndarray) and value.dtype.names:
        if value.size != 1:
            return Leaf(where, value.shape, "struct array", _unsupported(path, where, "struct array"))
        record = value.reshape(-1)[0]
        return Group({name: _v5_node(record[name], path, parts + (name,)) for name in value.dtype.names})
    if not isinstance(value, np.ndarray):
        cls = "sparse" if scipy.sparse.issparse(value) else type(value).__name__
        return Leaf(where, tuple(getattr(value, "shape", ())), cls, _unsupported(path, where, cls))
    if value.dtype == object:
        return Leaf(where, value.shape, "cell", lambda: _v5_cell(value, path, parts))
    if value.dtype.kind == "U":
        return Leaf(where, value.shape, "char", lambda: _text(np.vectorize(ord, otypes=[int])(value)))
    cls = NUMERIC_CLASSES.get(value.dtype.name, value.dtype.name)
    if cls not in _DTYPE_OF_CLASS:
        return Leaf(where, value.shape, cls, _unsupported(path, where, cls))
    return Leaf(where, value.shape, cls, lambda: value)


def _v5_cell(cell: np.ndarray, path, parts: tuple) -> np.ndarray:
    out = np.empty(cell.shape, dtype=object)
    for index, element in np.ndenumerate(cell):
        label = f"{parts[-1]}{{{', '.join(str(i + 1) for i in index)}}}"
        out[index] = materialize(_v5_node(element, path, parts[:-1] + (label,)))
    return out


# ---- NumPy .npz and PyTorch files (NumPy orientation) ----------------------------------------------

def _unsupported_dtype(path, where: str, dtype: str):
    def read():
        hint = ("complex values: store real numbers" if dtype.startswith("complex")
                else "convert it, e.g. with numpy's .astype(np.float64)")
        raise FileFormatError(f"{path}: {where}: arrays of dtype {dtype} are not read by opdims; expected real "
                              f"numbers (float64, float32 or integers): {hint}")
    return read


def _array_leaf(where: str, value, path=None) -> Leaf:
    arr = np.asarray(value)
    if arr.dtype.kind in "US":
        if arr.size == 1:
            text = str(arr.reshape(-1)[0])
            return Leaf(where, (1, len(text)), "char", lambda: text)
        return Leaf(where, arr.shape, "cell", lambda: arr.astype(str).astype(object))
    cls = NUMERIC_CLASSES.get(arr.dtype.name, arr.dtype.name)
    if cls not in _DTYPE_OF_CLASS:
        return Leaf(where, arr.shape, cls, _unsupported_dtype(where.split(":")[0] if path is None else path, where,
                                                              arr.dtype.name))
    return Leaf(where, arr.shape, cls, lambda: arr)


def _npz_tree(path) -> dict:
    group = Group()
    try:
        with np.load(path, allow_pickle=False) as archive:
            for name in archive.files:
                try:
                    group[name] = _array_leaf(f"{name}", archive[name], path)
                except ValueError as exc:
                    if "allow_pickle" not in str(exc):
                        raise
                    group[name] = Leaf(name, (), "object", _pickled(path, name))
    except (ValueError, OSError, EOFError) as exc:
        raise FileFormatError(f"{path}: cannot read the .npz archive ({exc}); truncated or damaged") from exc
    return group


def _pickled(path, where: str):
    def read():
        raise FileFormatError(f"{path}: {where}: holds pickled Python objects, which opdims never loads (files are "
                              "data); expected numeric or text arrays")
    return read


def _torch_tree(path) -> dict:
    try:
        import torch
    except ImportError as exc:
        raise FileFormatError(f"{path}: a PyTorch file; reading it needs torch (pip install torch, see the README)") \
            from exc
    try:
        content = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for damaged or unsafe files; report them alike
        raise FileFormatError(f"{path}: cannot load the PyTorch file ({type(exc).__name__}: "
                              f"{str(exc).splitlines()[0] if str(exc) else ''}); opdims reads state_dicts and "
                              "checkpoints of plain tensors (torch.load with weights_only=True)") from exc
    return _torch_group(content, path, ())


def _torch_group(node, path, parts: tuple) -> dict:
    import torch

    group = Group()
    items = node.items() if isinstance(node, dict) else []
    for name, value in items:
        name = str(name)
        where = join_path("torch", parts + (name,))
        if isinstance(value, dict):
            group[name] = _torch_group(value, path, parts + (name,))
        elif isinstance(value, torch.Tensor):
            group[name] = _tensor_leaf(path, where, value)
        elif isinstance(value, (int, float, str)) and not isinstance(value, bool):
            group[name] = _array_leaf(where, np.asarray(value))
    return group


_TORCH_NUMPY_DTYPES = ("float32", "float64", "int8", "uint8", "int16", "int32", "int64", "bool")


def _tensor_leaf(path, where: str, tensor) -> Leaf:
    """A leaf of a torch tensor: a NumPy array, or (meta, sparse, bfloat16, ...) one that says why it is none."""
    import torch

    shape = tuple(int(d) for d in tensor.shape)
    dtype = str(tensor.dtype).removeprefix("torch.")
    if tensor.is_meta:
        why = ("a tensor on the 'meta' device, which holds no values (saved from a model that was never "
               "materialised); expected tensors holding numbers")
    elif tensor.layout != torch.strided:
        why = (f"a sparse tensor ({str(tensor.layout).removeprefix('torch.')}); expected dense tensors "
               "(call .to_dense() before torch.save)")
    elif dtype not in _TORCH_NUMPY_DTYPES:
        why = (f"a torch.{dtype} tensor; expected float32 or float64 weights (convert with .double() or .float() "
               "before torch.save)")
    else:
        return _array_leaf(where, tensor.detach().cpu().numpy())

    def read():
        raise FileFormatError(f"{path}: {where}: {why}")

    return Leaf(where, shape, f"torch.{dtype}", read)
