"""Writing the authors' HDF5 layout, as MATLAB's ``h5create``/``h5write`` do.

Every dataset is float64 (``h5create``'s default type), stored column-major
(h5py sees the MATLAB array transposed), gzip level 9, one chunk of the
dataset's own size; no attributes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace

import h5py
import numpy as np

from ..core.errors import OutputExistsError, ValidationError
from ..core.network import Network
from .filesystem import FileFormatError, hdf5_output
from .formats import detect_format

__all__ = [
    "NETWORK_SETTINGS",
    "STAGES",
    "WEIGHT_NAMES",
    "add_network_hdf5",
    "matlab_dataset_value",
    "network_settings",
    "save_networks_hdf5",
    "save_to_hdf5",
    "write_matlab_dataset",
]

#: dataset name of each Network field in the original layout
WEIGHT_NAMES = {"W_in": "n_Wru_v", "W": "n_Wrr_n", "W_out": "m_Wzr_n",
                "x0": "n_x0_c", "b_x": "n_bx_1", "b_z": "m_bz_1"}
#: the weight sets of one network in the authors' files, ``/NetNr<k>/<stage>``
STAGES = ("final", "init")
#: a network's settings besides its arrays; stored as attributes of its HDF5 group (MATLAB ignores them)
NETWORK_SETTINGS = ("dt", "tau", "noise_sigma", "nonlinearity")


def network_settings(net: Network) -> dict:
    """``dt``, ``tau``, ``noise_sigma`` and ``nonlinearity`` of a network, as stored with it.

    Parameters
    ----------
    net : opdims.Network
        The network.

    Returns
    -------
    dict
        Name -> value.
    """
    return {name: getattr(net, name) for name in NETWORK_SETTINGS}


def _write_stage(group: h5py.Group, net: Network) -> None:
    """The six arrays in name order (as the authors' files), settings as attributes."""
    for field_name, name in sorted(WEIGHT_NAMES.items(), key=lambda item: item[1]):
        value = getattr(net, field_name)
        write_matlab_dataset(group, name, value.reshape(-1, 1) if value.ndim == 1 else value)
    for name, value in network_settings(net).items():
        group.attrs[name] = value


def _stage_plan(path, net_id, entry) -> list:
    stages = {"final": entry} if isinstance(entry, Network) else dict(entry)
    plan = []
    for stage, net in stages.items():
        if stage not in STAGES or not isinstance(net, Network):
            raise ValidationError(f"{path}: network {net_id}: expected a Network per stage {STAGES}, "
                             f"got {stage!r}: {type(net).__name__}")
        plan.append((f"NetNr{int(net_id)}/{stage}", net))
    return plan
_GZIP_LEVEL = 9


def matlab_dataset_value(value, where: str) -> np.ndarray:
    """Return ``value`` as ``h5create``/``h5write`` would store it: a float64 array, MATLAB orientation.

    Scalars become ``[1, 1]`` and 1-D arrays rows ``[1, n]`` (MATLAB's ``[a b c]``).

    Parameters
    ----------
    value : array_like
        Real numbers or booleans.
    where : str
        What the value is, for error messages.

    Returns
    -------
    numpy.ndarray
        float64, at least 2-D.

    Raises
    ------
    ValueError
        For non-numeric or empty values.

    Examples
    --------
    >>> matlab_dataset_value([1, 2, 3], "x")
    array([[1., 2., 3.]])
    """
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise ValidationError(f"{where}: expected a real numeric array, got {type(value).__name__} "
                        f"of dtype {arr.dtype} (h5create stores numbers only)")
    arr = arr.astype(np.float64)
    if arr.ndim == 0:
        arr = arr.reshape(1, 1)
    elif arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.size == 0:
        raise ValidationError(f"{where}: cannot store an empty array of size {list(arr.shape)} "
                         "(h5create refuses zero sizes too)")
    return arr


def write_matlab_dataset(group: h5py.Group, name: str, value, where: str | None = None) -> h5py.Dataset:
    """Create a dataset holding ``value`` (MATLAB orientation) as the original's ``h5create``/``h5write`` do.

    Parameters
    ----------
    group : h5py.Group
        Where to create it.
    name : str
        The dataset's name.
    value : array_like
        As :func:`matlab_dataset_value` accepts.
    where : str, optional
        What the value is, for error messages (default the dataset's path).

    Returns
    -------
    h5py.Dataset
        The dataset: float64, column-major (h5py sees the transpose), gzip 9, one chunk.

    Raises
    ------
    ValueError
        For non-numeric or empty values.

    Examples
    --------
    >>> import h5py
    >>> import numpy as np
    >>> with h5py.File("data.h5", "w") as f:
    ...     write_matlab_dataset(f, "W", np.zeros((2, 3))).shape
    (3, 2)
    """
    arr = matlab_dataset_value(value, where or f"{group.name.rstrip('/')}/{name}")
    stored = np.ascontiguousarray(arr.T)
    return group.create_dataset(name, data=stored, chunks=stored.shape, compression="gzip",
                                compression_opts=_GZIP_LEVEL)


def _fields(my_data, where: str) -> dict:
    if isinstance(my_data, SimpleNamespace):
        my_data = vars(my_data)
    if not isinstance(my_data, Mapping) or not my_data:
        raise ValidationError(f"{where}: expected a non-empty struct or dict of arrays, got {type(my_data).__name__}")
    return dict(my_data)


def save_to_hdf5(path, group_name: str, my_data) -> Path:
    """Store every field of ``my_data`` as a dataset ``/<group_name>/<field>``.

    As the original ``UtilsIO.save_to_hdf5``: creates the file if absent,
    adds to it otherwise, and fails (writing nothing) if a dataset exists.
    A new file is written under a temporary name, then renamed; in an
    existing file, datasets created before a failure are removed again.

    Parameters
    ----------
    path : str or path
        The HDF5 file.
    group_name : str
        The group (with or without the leading ``/``).
    my_data : dict or types.SimpleNamespace
        Field name -> numeric array (MATLAB orientation).

    Returns
    -------
    pathlib.Path
        The path.

    Raises
    ------
    FileExistsError
        If one of the datasets exists already.
    ValueError
        For empty data, non-numeric values, or a file that is not plain HDF5.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims.io import save_to_hdf5
    >>> save_to_hdf5("out.h5", "run1", {"mses": np.array([0.1, 0.2])}).name
    'out.h5'
    """
    path = Path(os.fspath(path))
    group_name = "/" + str(group_name).strip("/")
    fields = _fields(my_data, f"{path}: {group_name}")
    values = {name: matlab_dataset_value(value, f"{path}: {group_name}/{name}") for name, value in fields.items()}
    if not path.exists():
        with hdf5_output(path) as f:
            _write_group(f, group_name, values)
        return path
    if detect_format(path) != "hdf5":
        raise FileFormatError(f"{path}: exists and is not a plain HDF5 file; cannot add {group_name} to it")
    with hdf5_output(path, overwrite=True, based_on=path) as f:  # the file with the group added, or as it was
        clashes = [f"{group_name}/{name}" for name in values if f"{group_name}/{name}" in f]
        if clashes:
            raise OutputExistsError(f"{path}: {', '.join(clashes)} exist(s) already; nothing was written")
        _write_group(f, group_name, values)
    return path


def _write_group(f: h5py.File, group_name: str, values: dict) -> None:
    group = f.require_group(group_name)
    for name, value in values.items():
        write_matlab_dataset(group, name, value)


def save_networks_hdf5(path, networks: Mapping, *, overwrite: bool = False) -> Path:
    """Write networks in the authors' weights layout, ``/NetNr<k>/<stage>/<name>``.

    Datasets are written in name order, as in the authors' files; the
    settings (``dt``, ``tau``, ...) as attributes. The file reads back with
    :func:`opdims.io.load_network` and with the original MATLAB
    ``UtilsIO.load_weights``.

    Parameters
    ----------
    path : str or path
        The file.
    networks : mapping
        Net id -> Network (stored as ``final``) or net id -> ``{'final':
        Network, 'init': Network}`` (either stage may be left out).
    overwrite : bool, optional
        Replace an existing file (default: refuse).

    Returns
    -------
    pathlib.Path
        The path.

    Raises
    ------
    ValueError
        For no networks, or entries that are not networks.
    FileExistsError
        If ``path`` exists and ``overwrite`` is false.

    Examples
    --------
    >>> import opdims
    >>> from opdims.io import load_network, save_networks_hdf5
    >>> net = load_network(opdims.default_weights("swg"))
    >>> path = save_networks_hdf5("my_weights.h5", {1: net, 2: {"final": net, "init": net}})
    >>> load_network(path, 2, stage="init").n_units
    100
    """
    if not isinstance(networks, Mapping) or not networks:
        raise ValidationError(f"{path}: expected a non-empty mapping of network ids to networks")
    plan = [item for net_id, entry in networks.items() for item in _stage_plan(path, net_id, entry)]
    with hdf5_output(path, overwrite) as f:
        for group_name, net in plan:
            _write_stage(f.create_group(group_name), net)
    return Path(os.fspath(path))


def add_network_hdf5(path, net_id: int, stages, *, attrs: dict | None = None, overwrite: bool = False) -> Path:
    """Add ``/NetNr<net_id>`` to a weights file of the authors' layout, keeping its other networks.

    The file is rewritten under a temporary name and moved into place, so it
    is never left half-written.

    Parameters
    ----------
    path : path
        The weights file (created if absent).
    net_id : int
        The network's number.
    stages : Network or dict
        A Network (stored as ``final``) or ``{'init': Network, 'final': Network}``.
    attrs : dict, optional
        Attributes of the ``/NetNr<k>`` group (e.g. how it was trained).
    overwrite : bool, optional
        Replace an existing ``/NetNr<k>``.

    Returns
    -------
    pathlib.Path
        The path.

    Raises
    ------
    FileExistsError
        If the network exists and ``overwrite`` is false.
    """
    path = Path(os.fspath(path))
    name = f"NetNr{int(net_id)}"
    plan = _stage_plan(path, net_id, stages)
    if path.exists() and detect_format(path) != "hdf5":
        raise FileFormatError(f"{path}: exists and is not an HDF5 weights file; cannot add {name} to it")
    with hdf5_output(path, overwrite=True, based_on=path if path.exists() else None) as f:
        if name in f:
            if not overwrite:
                raise OutputExistsError(f"{path}: /{name} exists already (use --force to overwrite it)")
            del f[name]
        for group_name, net in plan:
            _write_stage(f.create_group(group_name), net)
        for key, value in (attrs or {}).items():
            f[name].attrs[key] = value
    return path
