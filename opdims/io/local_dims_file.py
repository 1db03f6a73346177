"""Local operative dimensions in the authors' HDF5 layout.

One group per sampling location, named as ``get_name_of_local_operative_dims``
names it (``opt_dims_t<T>Ctxt<c>Inps<s1>_<s2>`` or ``opt_dims_t<T>Freq<f>``),
written in the location order of the task, holding (MATLAB sizes, in the
original's creation order): ``local_op_dims [D, N]`` (row j: dimension j),
``all_fvals [D, 1]``, ``sampling_loc [1, N]``, ``t_start_point``, then
``ctxt_id``, ``signCoh1``, ``signCoh2`` (ctxt) or ``freq_id`` (swg), then
``all_trajs_org [N, 2]`` (the location and the full-rank state one step
later). NaN marks dimensions that were not computed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from ..core.errors import ValidationError
from ..core.sampling import SamplingLocationProperties, sampling_location_properties
from ..dims.operative import LocalOperativeDimensions
from .filesystem import FileFormatError, NotInFileError, hdf5_output
from .original_h5 import write_matlab_dataset
from .tree import Leaf, open_tree

__all__ = [
    "LOCATION_FIELDS",
    "FILE_NAME",
    "LOCATION_NAME",
    "check_stored_dim_type",
    "guess_dim_type",
    "load_local_operative_dimensions",
    "location_fields",
    "location_scalars",
    "read_local_operative_dimensions",
    "read_location_group",
    "save_local_operative_dimensions",
    "stored_dim_type",
    "task_of_location_names",
]

#: dataset names of one location group, in the original's creation order
LOCATION_FIELDS = {
    "ctxt": ("local_op_dims", "all_fvals", "sampling_loc", "t_start_point", "ctxt_id", "signCoh1", "signCoh2",
             "all_trajs_org"),
    "swg": ("local_op_dims", "all_fvals", "sampling_loc", "t_start_point", "freq_id", "all_trajs_org"),
}
#: a location group's name; groups ``ctxt`` or ``swg`` tell the task
LOCATION_NAME = re.compile(r"opt_dims_t(?P<t>\d+)(?:Ctxt(?P<ctxt>\d+)Inps(?P<s1>-?\d+)_(?P<s2>-?\d+)"
                           r"|Freq(?P<freq>\d+))")


def task_of_location_names(names) -> str | None:
    """Return the task whose location groups these names are.

    Parameters
    ----------
    names : iterable of str
        Group names.

    Returns
    -------
    str or None
        ``'ctxt'`` or ``'swg'`` if every name is a location group of that
        task, else None (also for no names).

    Examples
    --------
    >>> task_of_location_names(["opt_dims_t1Freq1", "opt_dims_t50Freq6"])
    'swg'
    >>> task_of_location_names(["opt_dims_t1Freq1", "NetNr1"]) is None
    True
    """
    tasks = set()
    for name in names:
        match = LOCATION_NAME.fullmatch(name)
        if not match:
            return None
        tasks.add("ctxt" if match.group("ctxt") else "swg")
    return tasks.pop() if len(tasks) == 1 else None


def location_scalars(props: SamplingLocationProperties, loc: int) -> dict:
    """Return the scalars stored with a location: ``t_start_point`` and its condition's ids.

    Parameters
    ----------
    props : opdims.SamplingLocationProperties
        The task's locations.
    loc : int
        0-based location.

    Returns
    -------
    dict
        ``t_start_point`` and ``ctxt_id``, ``signCoh1``, ``signCoh2`` (ctxt)
        or ``freq_id`` (swg).

    Examples
    --------
    >>> import opdims
    >>> scalars = location_scalars(opdims.sampling_location_properties("swg"), 12)
    >>> {name: int(value) for name, value in scalars.items()}
    {'t_start_point': 50, 'freq_id': 6}
    """
    out = {"t_start_point": props.loc_times[loc]}
    if props.task == "ctxt":
        out.update(ctxt_id=props.loc_contexts[loc], signCoh1=props.loc_sign_coh1[loc],
                   signCoh2=props.loc_sign_coh2[loc])
    else:
        out["freq_id"] = props.loc_freq_ids[loc]
    return out


def location_fields(local: LocalOperativeDimensions, props: SamplingLocationProperties, loc: int) -> dict:
    """Return the datasets of one location group, in MATLAB orientation and the original's order.

    Parameters
    ----------
    local : opdims.LocalOperativeDimensions
        Dimensions at every location of ``props``.
    props : opdims.SamplingLocationProperties
        The task's locations.
    loc : int
        0-based location.

    Returns
    -------
    dict
        Dataset name -> value (see the module docstring).

    Examples
    --------
    >>> import numpy as np
    >>> import opdims
    >>> props = opdims.sampling_location_properties("swg")  # 121 locations
    >>> L, N = props.n_locations, 3
    >>> local = opdims.LocalOperativeDimensions("columns", np.ones((L, 1, N)) / np.sqrt(N), -np.ones((L, 1)),
    ...                                         np.zeros((L, N)), np.zeros((L, N)))
    >>> list(location_fields(local, props, 0))
    ['local_op_dims', 'all_fvals', 'sampling_loc', 't_start_point', 'freq_id', 'all_trajs_org']
    """
    n, found = local.n_units, local.dims.shape[1]
    dims, fvals = np.full((n, n), np.nan), np.full((n, 1), np.nan)  # N slots, as the original stores them
    dims[:found], fvals[:found, 0] = local.dims[loc], local.fvals[loc]
    return {
        "local_op_dims": dims,
        "all_fvals": fvals,
        "sampling_loc": local.locations[loc].reshape(1, -1),
        **location_scalars(props, loc),
        "all_trajs_org": np.column_stack([local.locations[loc], local.next_states[loc]]),
    }


def read_location_group(path, name: str) -> dict:
    """Read every dataset of one location group (MATLAB orientation).

    Parameters
    ----------
    path : str or path
        A local-operative-dimension file.
    name : str
        The group, e.g. ``'opt_dims_t1Freq1'``.

    Returns
    -------
    dict
        Dataset name -> value.

    Raises
    ------
    KeyError
        If the file has no such group.
    FileNotFoundError
        For a missing file.

    Examples
    --------
    >>> import numpy as np
    >>> import opdims
    >>> props = opdims.sampling_location_properties("swg")  # 121 locations
    >>> L, N = props.n_locations, 3
    >>> local = opdims.LocalOperativeDimensions("columns", np.ones((L, 1, N)) / np.sqrt(N), -np.ones((L, 1)),
    ...                                         np.zeros((L, N)), np.zeros((L, N)))
    >>> _ = save_local_operative_dimensions("localOpDims_swg_columns.h5", local, props)
    >>> read_location_group("localOpDims_swg_columns.h5", "opt_dims_t1Freq1")["all_trajs_org"].shape
    (3, 2)
    """
    with open_tree(path) as (_, tree):
        group = tree.get(name)
        if not isinstance(group, dict):
            raise NotInFileError(f"{path}: no location group {name!r}")
        return {k: leaf.read() for k, leaf in group.items() if isinstance(leaf, Leaf)}


def _check_local(local: LocalOperativeDimensions, props: SamplingLocationProperties) -> int:
    dims = np.asarray(local.dims)
    if dims.ndim != 3:
        raise ValidationError(f"local.dims: expected [n_locs, n_dims, n_units], got shape {dims.shape}")
    n_locs, n_dims, n = dims.shape
    expected = {"fvals": (n_locs, n_dims), "locations": (n_locs, n), "next_states": (n_locs, n)}
    for name, shape in expected.items():
        if np.shape(getattr(local, name)) != shape:
            raise ValidationError(f"local.{name}: expected shape {shape} to match dims {dims.shape}, "
                             f"got {np.shape(getattr(local, name))}")
    if n_locs != props.n_locations:
        raise ValidationError(f"local dimensions at {n_locs} locations, but the {props.task} sampling-location "
                         f"properties describe {props.n_locations}")
    return n


def save_local_operative_dimensions(path, local: LocalOperativeDimensions, props: SamplingLocationProperties,
                                    *, overwrite: bool = False) -> Path:
    """Write local dimensions exactly in the authors' layout (see the module docstring).

    Every dataset is float64, gzip 9, one chunk; the file is written under a
    temporary name, then renamed.

    Parameters
    ----------
    path : str or path
        The file.
    local : opdims.LocalOperativeDimensions
        Dimensions at every location of ``props`` (``dims [L, D, N]``).
    props : opdims.SamplingLocationProperties
        The group names and location properties, in order.
    overwrite : bool, optional
        Replace an existing file (default: refuse).

    Returns
    -------
    pathlib.Path
        The path.

    Raises
    ------
    ValueError
        For arrays of inconsistent shapes, or another number of locations than ``props`` has.
    FileExistsError
        If ``path`` exists and ``overwrite`` is false.

    Examples
    --------
    >>> import numpy as np
    >>> import opdims
    >>> props = opdims.sampling_location_properties("swg")  # 121 locations
    >>> L, N = props.n_locations, 3
    >>> local = opdims.LocalOperativeDimensions("columns", np.ones((L, 1, N)) / np.sqrt(N), -np.ones((L, 1)),
    ...                                         np.zeros((L, N)), np.zeros((L, N)))
    >>> save_local_operative_dimensions("local.h5", local, props).name
    'local.h5'
    """
    _check_local(local, props)
    with hdf5_output(path, overwrite) as f:
        for loc in range(props.n_locations):
            group = f.create_group(props.name(loc))
            for name, value in location_fields(local, props, loc).items():
                write_matlab_dataset(group, name, value)
    return Path(os.fspath(path))


def guess_dim_type(fvals) -> str:
    """Guess the dimension type from which fvals are set.

    Parameters
    ----------
    fvals : array_like
        ``[L, D]``, NaN where no dimension was computed.

    Returns
    -------
    str
        ``'columns'`` if only dimension 1 is set at every location (as the
        original computes them), else ``'rows'``.

    Examples
    --------
    >>> import numpy as np
    >>> guess_dim_type(np.array([[-1.0, np.nan], [-2.0, np.nan]]))
    'columns'
    """
    computed = ~np.isnan(np.asarray(fvals))
    return "columns" if computed[:, 0].all() and not computed[:, 1:].any() else "rows"


#: the original's file names say what they hold: ``localOpDims_<task>_<dim_type>[_<yyyymmdd_HHMMSS>].h5``
FILE_NAME = re.compile(r"^localOpDims_(?P<task>ctxt|swg)_(?P<dim_type>columns|rows)(?:_\d{8}_\d{6})?\.h5$")


def stored_dim_type(path, fvals=None) -> tuple[str | None, str]:
    """What a local-dimension file says it holds, and how it says so.

    The authors' layout has no field for it; two things tell: the file's name
    as the original (and ``opdims s2``) names it,
    ``localOpDims_<task>_<columns|rows>[_<yyyymmdd_HHMMSS>].h5``, and the
    dimensions themselves: column files hold one dimension per location, so
    a location with more holds row dimensions.

    Parameters
    ----------
    path : path
        The file.
    fvals : array_like, optional
        Its ``[L, D]`` fvals (NaN where no dimension was computed), if read.

    Returns
    -------
    dim_type : str or None
        ``'columns'``, ``'rows'`` or ``None`` (nothing tells).
    reason : str
        How it is known, for messages.

    Examples
    --------
    >>> stored_dim_type("localOpDims_swg_columns_20240101_120000.h5")
    ('columns', 'its name says so')
    """
    if fvals is not None:
        computed = ~np.isnan(np.asarray(fvals, dtype=np.float64))
        if computed.ndim == 2 and computed[:, 1:].any():
            return "rows", "it holds more than one dimension at a location, which only row files do"
    match = FILE_NAME.match(Path(os.fspath(path)).name)
    if match:
        return match["dim_type"], "its name says so"
    return None, "nothing tells"


def check_stored_dim_type(path, fvals, dim_type: str, option: str = "dim_type", what: str = "") -> None:
    """Refuse local dimensions of one type used as the other.

    Parameters
    ----------
    path : path
        The file.
    fvals : array_like or None
        Its fvals, if read (see :func:`stored_dim_type`).
    dim_type : str
        The type asked for.
    option : str, optional
        The argument asking, for the message.
    what : str, optional
        The argument naming the file (e.g. ``'--local-dims'``), for the message.

    Raises
    ------
    ValidationError
        If the file holds the other type.

    Examples
    --------
    >>> check_stored_dim_type("localOpDims_swg_rows.h5", None, "rows")
    """
    held, reason = stored_dim_type(path, fvals)
    if held is not None and held != dim_type:
        label = f"{what} {path}" if what else str(path)
        raise ValidationError(f"{label}: holds local {held} dimensions ({reason}), but {option} asks for "
                              f"{dim_type}; give a file of {dim_type[:-1]} dimensions (opdims s2 --dim-types "
                              f"{dim_type}) or {option} {held}")


def _location_values(path, tree: dict, props: SamplingLocationProperties, loc: int) -> dict:
    name = props.name(loc)
    group = tree.get(name)
    if not isinstance(group, dict):
        present = [k for k in tree if isinstance(tree[k], dict)]
        task = task_of_location_names(present)
        hint = (f"; its groups are {task} locations, not {props.task}" if task and task != props.task
                else f"; it holds {len(present)} groups" + (f", e.g. {present[0]}" if present else ""))
        raise NotInFileError(f"{path}: no group /{name} (sampling location {loc + 1} of {props.task}){hint}")
    fields = LOCATION_FIELDS[props.task]
    missing = [k for k in fields if not isinstance(group.get(k), Leaf)]
    if missing:
        raise FileFormatError(f"{path}: /{name}: missing {', '.join(missing)}; found {', '.join(group)}")
    values = {k: np.asarray(group[k].read(), dtype=np.float64) for k in fields}
    expected = location_scalars(props, loc)
    for k, want in expected.items():
        got = values[k].reshape(-1)
        if got.size != 1 or got[0] != want:
            raise FileFormatError(f"{path}: /{name}/{k}: expected {want} (from the group's name), got "
                                  f"{got.tolist()}")
    return values


def _check_values(path, props: SamplingLocationProperties, dims: np.ndarray, fvals: np.ndarray) -> None:
    """NaN marks a dimension not computed; anything else must be finite, and something must be computed."""
    if np.isinf(fvals).any():
        loc, j = np.argwhere(np.isinf(fvals))[0]
        raise FileFormatError(f"{path}: /{props.name(loc)}/all_fvals: {fvals[loc, j]} for dimension {j + 1}; expected "
                              f"finite values (NaN: not computed), {int(np.isinf(fvals).sum())} Inf in the file")
    computed = ~np.isnan(fvals)
    if not computed.any():
        raise FileFormatError(f"{path}: no local dimension at any of its {props.n_locations} locations (every "
                              "all_fvals is NaN); expected the dimensions opdims s2 computes")
    bad = computed & ~np.isfinite(dims).all(axis=2)
    if bad.any():
        loc, j = np.argwhere(bad)[0]
        raise FileFormatError(f"{path}: /{props.name(loc)}/local_op_dims: dimension {j + 1} holds NaN or Inf "
                              f"although its fval is set; expected finite values ({int(bad.sum())} such "
                              "dimension(s) in the file)")


def read_local_operative_dimensions(path, props: SamplingLocationProperties | None = None,
                                    dim_type: str | None = None):
    """Read local operative dimensions from a file in the authors' layout.

    Every group is checked: present, its datasets present with consistent
    sizes, its scalars matching its name.

    Parameters
    ----------
    path : str or path
        The file (e.g. ``localOpDims_ctxt_columns.h5``).
    props : opdims.SamplingLocationProperties, optional
        Which locations to read (default: the original locations of the
        task the group names show).
    dim_type : str, optional
        ``'columns'`` or ``'rows'``: refused if the file holds the other type
        (:func:`stored_dim_type`); default: what the file holds, else guessed
        (:func:`guess_dim_type`).

    Returns
    -------
    local : opdims.LocalOperativeDimensions
        The dimensions, ``dims [L, D, N]``.
    props : opdims.SamplingLocationProperties
        The locations.

    Raises
    ------
    FileNotFoundError
        For a missing file.
    KeyError
        If a location's group is missing.
    ValueError
        (:class:`~opdims.io.FileFormatError`) For a file that is not in the
        layout, or groups of inconsistent sizes or scalars; for a file of
        the other ``dim_type``.

    Examples
    --------
    >>> import numpy as np
    >>> import opdims
    >>> props = opdims.sampling_location_properties("swg")  # 121 locations
    >>> L, N = props.n_locations, 3
    >>> local = opdims.LocalOperativeDimensions("columns", np.ones((L, 1, N)) / np.sqrt(N), -np.ones((L, 1)),
    ...                                         np.zeros((L, N)), np.zeros((L, N)))
    >>> _ = save_local_operative_dimensions("localOpDims_swg_columns.h5", local, props)
    >>> local, props = read_local_operative_dimensions("localOpDims_swg_columns.h5")
    >>> local.dim_type, local.dims.shape, props.task
    ('columns', (121, 3, 3), 'swg')
    """
    with open_tree(path) as (_, tree):
        if props is None:
            task = task_of_location_names(k for k in tree if isinstance(tree[k], dict))
            if task is None:
                raise FileFormatError(f"{path}: not a local-operative-dimension file: expected groups named "
                                      "opt_dims_t<T>Ctxt<c>Inps<s1>_<s2> or opt_dims_t<T>Freq<f>, found "
                                      f"{', '.join(list(tree)[:5]) or 'none'}")
            props = sampling_location_properties(task)
        records = [_location_values(path, tree, props, loc) for loc in range(props.n_locations)]
    first = records[0]["local_op_dims"].shape
    n_units = first[1]
    for loc, record in enumerate(records):
        sizes = {"local_op_dims": first, "all_fvals": (first[0], 1), "sampling_loc": (1, n_units),
                 "all_trajs_org": (n_units, 2)}
        for k, size in sizes.items():
            if record[k].shape != size:
                raise FileFormatError(f"{path}: /{props.name(loc)}/{k}: expected size {list(size)} like the "
                                      f"first group's, got {list(record[k].shape)}")
    fvals = np.stack([r["all_fvals"][:, 0] for r in records])
    dims = np.stack([r["local_op_dims"] for r in records])
    _check_values(path, props, dims, fvals)
    if dim_type is not None:
        check_stored_dim_type(path, fvals, dim_type)
    local = LocalOperativeDimensions(
        dim_type=dim_type or stored_dim_type(path, fvals)[0] or guess_dim_type(fvals),
        dims=dims,
        fvals=fvals,
        locations=np.stack([r["sampling_loc"][0] for r in records]),
        next_states=np.stack([r["all_trajs_org"][:, 1] for r in records]),
    )
    return local, props


def load_local_operative_dimensions(path, props: SamplingLocationProperties, n_units: int):
    """Read the local dimensions of every location, as the original's ``load_local_op_dims``.

    Parameters
    ----------
    path : str or path
        A file in the authors' layout.
    props : opdims.SamplingLocationProperties
        Which locations to read.
    n_units : int
        The network's number of units N.

    Returns
    -------
    dims : numpy.ndarray
        ``[L, N, N]``: dimension j of location l is ``dims[l, j]``; NaN where the file holds none.
    fvals : numpy.ndarray
        ``[L, N]``, NaN where the file holds none.

    Raises
    ------
    ValueError
        (:class:`~opdims.io.FileFormatError`) If the dimensions have another
        number of units, or as :func:`read_local_operative_dimensions`.

    Examples
    --------
    >>> import numpy as np
    >>> import opdims
    >>> props = opdims.sampling_location_properties("swg")  # 121 locations
    >>> L, N = props.n_locations, 3
    >>> local = opdims.LocalOperativeDimensions("columns", np.ones((L, 1, N)) / np.sqrt(N), -np.ones((L, 1)),
    ...                                         np.zeros((L, N)), np.zeros((L, N)))
    >>> _ = save_local_operative_dimensions("localOpDims_swg_columns.h5", local, props)
    >>> dims, fvals = load_local_operative_dimensions("localOpDims_swg_columns.h5", props, 3)
    >>> dims.shape, fvals.shape
    ((121, 3, 3), (121, 3))
    """
    local, _ = read_local_operative_dimensions(path, props)
    if local.dims.shape[2] != n_units:
        raise FileFormatError(f"{path}: local dimensions have {local.dims.shape[2]} units, expected {n_units}")
    n_dims = min(n_units, local.dims.shape[1])
    dims = np.full((props.n_locations, n_units, n_units), np.nan)
    fvals = np.full((props.n_locations, n_units), np.nan)
    dims[:, :n_dims] = local.dims[:, :n_dims]
    fvals[:, :n_dims] = local.fvals[:, :n_dims]
    return dims, fvals
