"""One network's analysis (:class:`opdims.NetworkAnalysis`) in an HDF5 file, a
MAT export in MATLAB orientation, and a folder of them (:class:`AnalysisStore`).

File layout (this package's orientation, ``[L, D, N]`` etc.): root attribute
``provenance`` (JSON) and ``format`` (``opdims-analysis 1``); ``/locations
[L, N]``; ``/props`` (attributes: the sampling-location scheme, when there is
one); optional ``/condition_averages``, ``/activity_pcs``; and per result
``/results/<dim_type>/<kind>/`` with ``basis [N, N]``, ``singular_values
[N]``, optional ``local/{dims, fvals, locations, next_states}`` and
``sweep/{ranks, cost, state_distance}`` (attributes ``full_cost`` and, when known,
``silent_cost``); the root attributes ``full_cost`` and ``silent_cost`` (the silent
network's cost, W = 0); and the high-variance baseline ``/high_variance/`` with
``w_singular_values [N]``, optional ``activity_variances [N]`` and ``sweep/`` as above.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import h5py
import numpy as np

from ..core.errors import OutputExistsError, ValidationError
from ..core.sampling import SamplingLocationProperties, sampling_location_properties
from ..dims.high_variance import HighVarianceDimensions
from ..dims.network_analysis import DimensionResult, NetworkAnalysis
from ..dims.operative import LocalOperativeDimensions
from ..dims.sweeps import RankSweep
from .filesystem import FileFormatError, existing_file, hdf5_output
from .mat_variables import global_dims_variables, local_dims_variables, rank_sweep_variables, reversed_axes

__all__ = ["ANALYSIS_FORMAT", "AnalysisStore", "analysis_variables", "load_analysis", "save_analysis"]

ANALYSIS_FORMAT = "opdims-analysis 1"  #: the ``format`` attribute of an analysis file
_PROPS_ARRAYS = ("times_per_condition", "loc_times", "loc_conditions")


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (Path, os.PathLike)):
        return os.fspath(value)
    raise TypeError(f"cannot store {type(value).__name__} in the provenance")


def _write_props(group: h5py.Group, props: SamplingLocationProperties) -> None:
    group.attrs["task"] = props.task
    if props.is_original:
        return
    group.attrs["condition_names"] = json.dumps(list(props.condition_names))
    group.attrs["condition_labels"] = json.dumps(list(props.condition_labels), default=_json_default)
    group.attrs["min_trials"] = props.min_trials
    for name in _PROPS_ARRAYS:
        group.create_dataset(name, data=np.asarray(getattr(props, name), dtype=np.int64))


def _read_props(group: h5py.Group) -> SamplingLocationProperties:
    task = str(group.attrs["task"])
    if "condition_labels" not in group.attrs:
        return sampling_location_properties(task)
    arrays = {name: np.asarray(group[name][()]) for name in _PROPS_ARRAYS}
    for arr in arrays.values():
        arr.setflags(write=False)
    return SamplingLocationProperties(
        task=task, condition_names=tuple(json.loads(group.attrs["condition_names"])),
        condition_labels=tuple(json.loads(group.attrs["condition_labels"])),
        min_trials=int(group.attrs["min_trials"]), **arrays)


def _dataset(group: h5py.Group, name: str, value) -> None:
    value = np.asarray(value)
    group.create_dataset(name, data=value, **({"compression": "gzip", "compression_opts": 4} if value.ndim else {}))


def _write_sweep(group: h5py.Group, sweep: RankSweep) -> None:
    sw = group.create_group("sweep")
    for name in ("ranks", "cost", "state_distance"):
        _dataset(sw, name, getattr(sweep, name))
    sw.attrs["full_cost"] = sweep.full_cost
    if sweep.silent_cost is not None:
        sw.attrs["silent_cost"] = sweep.silent_cost


def _read_sweep(group: h5py.Group, read) -> RankSweep | None:
    """The ``sweep/`` of a result group (``read``: a ``_Checked``), or None."""
    if "sweep" not in group:
        return None
    sw = read.group(group, "sweep")
    ranks = read.array(sw, "ranks", 1, integer=True)
    silent = read.number(sw, "silent_cost") if "silent_cost" in sw.attrs else None
    return RankSweep(ranks, read.array(sw, "cost", 1, ranks.shape), read.array(sw, "state_distance", 1, ranks.shape),
                     read.number(sw, "full_cost"), silent)


def save_analysis(path, analysis: NetworkAnalysis, *, overwrite: bool = False, keep_local: bool = True,
                  keep_trajectories: bool = True) -> Path:
    """Write ``analysis`` to an HDF5 file (written under a temporary name, then renamed).

    Parameters
    ----------
    path : path
        The file.
    analysis : NetworkAnalysis
        What to write.
    overwrite : bool, optional
        Replace an existing file.
    keep_local : bool, optional
        Also store the local dimensions (default).
    keep_trajectories : bool, optional
        Also store the condition averages and principal components (default).

    Returns
    -------
    pathlib.Path
        The path.

    Raises
    ------
    FileExistsError
        If the file exists and ``overwrite`` is false.
    """
    if not isinstance(analysis, NetworkAnalysis):
        raise ValidationError(f"save_analysis: expected a NetworkAnalysis, got {type(analysis).__name__}")
    path = Path(os.fspath(path))
    with hdf5_output(path, overwrite) as f:
        f.attrs["format"] = ANALYSIS_FORMAT
        f.attrs["provenance"] = json.dumps(analysis.provenance, default=_json_default)
        _dataset(f, "locations", analysis.locations)
        if analysis.props is not None:
            _write_props(f.create_group("props"), analysis.props)
        if keep_trajectories:
            for name in ("condition_averages", "activity_pcs"):
                if getattr(analysis, name) is not None:
                    _dataset(f, name, getattr(analysis, name))
        if analysis.full_cost is not None:
            f.attrs["full_cost"] = analysis.full_cost
        if analysis.silent_cost is not None:
            f.attrs["silent_cost"] = analysis.silent_cost
        if analysis.high_variance is not None:
            hv = analysis.high_variance
            g = f.create_group("high_variance")
            _dataset(g, "w_singular_values", hv.w_singular_values)
            if hv.activity_variances is not None:
                _dataset(g, "activity_variances", hv.activity_variances)
            if hv.sweep is not None:
                _write_sweep(g, hv.sweep)
        for (dim_type, kind), res in analysis.results.items():
            g = f.create_group(f"results/{dim_type}/{kind}")
            _dataset(g, "basis", res.basis)
            _dataset(g, "singular_values", res.singular_values)
            if keep_local and res.local is not None:
                loc = g.create_group("local")
                for name in ("dims", "fvals", "locations", "next_states"):
                    _dataset(loc, name, getattr(res.local, name))
            if res.sweep is not None:
                _write_sweep(g, res.sweep)
    return path


def load_analysis(path) -> NetworkAnalysis:
    """Read an analysis written by :func:`save_analysis`.

    Parameters
    ----------
    path : path
        The file.

    Returns
    -------
    NetworkAnalysis
        The analysis.

    Raises
    ------
    FileFormatError
        If the file is not an opdims analysis file, or is damaged.
    """
    path = existing_file(path)
    try:
        f = h5py.File(path, "r")
    except OSError as exc:
        raise FileFormatError(f"{path}: cannot open as HDF5 ({exc}); not an opdims analysis file, or damaged") from exc
    with f:
        if f.attrs.get("format") != ANALYSIS_FORMAT:
            raise FileFormatError(f"{path}: not an opdims analysis file (no format attribute {ANALYSIS_FORMAT!r})")
        try:
            return _read_analysis(f, _Checked(path))
        except FileFormatError:
            raise
        except (KeyError, ValueError, TypeError, AttributeError, IndexError, OSError) as exc:
            raise FileFormatError(f"{path}: damaged opdims analysis file ({type(exc).__name__}: {exc})") from exc


class _Checked:
    """Reads the parts of an analysis file, each checked to be what :func:`save_analysis` writes."""

    def __init__(self, path):
        self.path = path

    def fail(self, where: str, message: str):
        raise FileFormatError(f"{self.path}: {where}: {message}; a damaged opdims analysis file (rerun the "
                              "analysis to write it again)")

    def group(self, parent, name: str) -> h5py.Group:
        obj = parent.get(name)
        where = f"{parent.name.rstrip('/')}/{name}"
        if not isinstance(obj, h5py.Group):
            self.fail(where, f"expected a group, found {'nothing' if obj is None else 'a dataset'}")
        return obj

    def array(self, parent, name: str, ndim: int, shape: tuple = (), integer: bool = False) -> np.ndarray:
        """A numeric dataset of ``ndim`` dimensions; ``shape`` entries that are not None must match."""
        obj = parent.get(name)
        where = f"{parent.name.rstrip('/')}/{name}"
        if not isinstance(obj, h5py.Dataset):
            self.fail(where, f"expected a dataset, found {'nothing' if obj is None else 'a group'}")
        if obj.dtype.kind not in ("iu" if integer else "iuf"):
            self.fail(where, f"expected {'integers' if integer else 'numbers'}, found values of dtype {obj.dtype}")
        if obj.ndim != ndim:
            self.fail(where, f"expected a {ndim}-D array, found shape {obj.shape}")
        for axis, (want, got) in enumerate(zip(shape, obj.shape)):
            if want is not None and want != got:
                self.fail(where, f"expected {want} along axis {axis} (shape {tuple(shape)}), found shape {obj.shape}")
        value = obj[()]
        return value.astype(np.int64 if integer else np.float64, copy=False)

    def number(self, obj, name: str) -> float:
        value = obj.attrs.get(name)
        arr = np.asarray(value)
        if value is None or arr.dtype.kind not in "iuf" or arr.size != 1:
            self.fail(f"{obj.name.rstrip('/')} attribute {name}", f"expected one number, found {value!r}")
        return float(arr.reshape(-1)[0])

    def provenance(self, f) -> dict:
        raw = f.attrs.get("provenance")
        if isinstance(raw, bytes):
            raw = raw.decode("utf-8", "replace")
        try:
            value = json.loads(raw) if isinstance(raw, str) else None
        except ValueError:
            value = None
        if not isinstance(value, dict):
            self.fail("attribute provenance", f"expected JSON text of a record, found {str(raw)[:60]!r}")
        return value


def _read_analysis(f: h5py.File, read: _Checked) -> NetworkAnalysis:
    provenance = read.provenance(f)
    locations = read.array(f, "locations", 2)
    size = locations.shape[1]  # states: N numbers, an LSTM's (h, c) 2N
    units = provenance.get("n_units")
    n = units if isinstance(units, int) and size in (units, 2 * units) else size  # units: the dimensions' length
    props = _read_props(read.group(f, "props")) if "props" in f else None
    extra = {}
    if "condition_averages" in f:
        extra["condition_averages"] = read.array(f, "condition_averages", 3, (None, None, size))
    if "activity_pcs" in f:
        extra["activity_pcs"] = read.array(f, "activity_pcs", 2, (size, None))
    results = {}
    for dim_type in read.group(f, "results") if "results" in f else ():
        if dim_type not in ("columns", "rows"):
            read.fail(f"/results/{dim_type}", "expected results of columns or rows")
        kinds = read.group(read.group(f, "results"), dim_type)
        for kind in kinds:
            g = read.group(kinds, kind)
            local = None
            if "local" in g:
                lg = read.group(g, "local")
                dims = read.array(lg, "dims", 3, (None, None, n))
                local = LocalOperativeDimensions(dim_type, dims, read.array(lg, "fvals", 2, dims.shape[:2]),
                                                 read.array(lg, "locations", 2, (dims.shape[0], size)),
                                                 read.array(lg, "next_states", 2, (dims.shape[0], size)))
            sweep = _read_sweep(g, read)
            results[dim_type, kind] = DimensionResult(dim_type, kind, local, read.array(g, "basis", 2, (n, n)),
                                                      read.array(g, "singular_values", 1, (n,)), sweep)
    full_cost = read.number(f, "full_cost") if "full_cost" in f.attrs else None
    silent_cost = read.number(f, "silent_cost") if "silent_cost" in f.attrs else None
    high_variance = None
    if "high_variance" in f:
        g = read.group(f, "high_variance")
        high_variance = HighVarianceDimensions(
            read.array(g, "w_singular_values", 1, (n,)),
            read.array(g, "activity_variances", 1) if "activity_variances" in g else None, _read_sweep(g, read))
    return NetworkAnalysis(provenance, locations, results, props, extra.get("condition_averages"),
                           extra.get("activity_pcs"), full_cost, silent_cost, high_variance)


def analysis_variables(analysis: NetworkAnalysis) -> dict:
    """The analysis as MATLAB variables (MATLAB orientation, the original scripts' names where they exist).

    One struct per result, named ``<dim_type>_<kind>`` (e.g. ``columns_trajectory``),
    with ``global_op_dims``, ``singular_values_of_global_op_dims``, ``ranks``,
    ``mses``, ``statedists_to_org``, ``mse_full_rank`` and the local dimensions
    (``all_local_op_dims [L, D, N]``, D the most found at a location, ``all_fvals``,
    ``sampling_locs``); the high-variance baseline as the struct ``high_variance``
    under the s1 script's names (``S [N, 1]``: squared singular values of W,
    ``LATENT [N, 1]``: activity PCA variances, ``ranks``, ``mses``,
    ``statedists_to_org``, ``mse_full_rank``, ``mse_silent``); plus
    ``sampling_locs [L, N]``, ``condAvgTrajs [N, T, n_cond]`` when kept,
    ``mse_silent`` (the silent network's cost, W = 0) when known, and
    ``provenance`` (JSON text).

    Parameters
    ----------
    analysis : NetworkAnalysis
        The analysis.

    Returns
    -------
    dict
        Variable name -> value, for :func:`opdims.io.save_mat`.
    """
    out = {"sampling_locs": analysis.locations,
           "provenance": json.dumps(analysis.provenance, default=_json_default)}
    if analysis.condition_averages is not None:
        out["condAvgTrajs"] = reversed_axes(analysis.condition_averages)
    for (dim_type, kind), res in analysis.results.items():
        struct = global_dims_variables(res.basis, res.singular_values)
        if res.sweep is not None:
            struct.update(rank_sweep_variables(res.sweep))
        if res.local is not None:
            struct.update(local_dims_variables(res.local))
        out[f"{dim_type}_{kind}"] = struct
    if analysis.silent_cost is not None:
        out["mse_silent"] = float(analysis.silent_cost)
    hv = analysis.high_variance
    if hv is not None:
        struct = {"S": (hv.w_singular_values ** 2).reshape(-1, 1)}
        if hv.activity_variances is not None:
            struct["LATENT"] = hv.activity_variances.reshape(-1, 1)
        if hv.sweep is not None:
            struct.update(rank_sweep_variables(hv.sweep))
        out["high_variance"] = struct
    return out


class AnalysisStore:
    """A folder of analyses, one file per network: ``<folder>/<task>/NetNr<k>.h5``.

    Results stream into it as they finish (each file written atomically), and
    a rerun resumes: a network is finished when its file exists and its
    provenance matches, i.e. the same network fingerprint (the weights'
    contents, not their file name) and the same settings.

    Parameters
    ----------
    folder : path
        The store's folder (created when first written).
    keep_local : bool, optional
        Store the local dimensions too.
    keep_trajectories : bool, optional
        Store the condition averages too (large: ``n_cond x T x N`` per network).

    Examples
    --------
    >>> store = AnalysisStore("results")                                # doctest: +SKIP
    >>> store.path("ctxt", 3)                                           # doctest: +SKIP
    PosixPath('results/ctxt/NetNr3.h5')
    """

    def __init__(self, folder, *, keep_local: bool = True, keep_trajectories: bool = False):
        self.folder = Path(os.fspath(folder))
        self.keep_local = keep_local
        self.keep_trajectories = keep_trajectories

    def path(self, task: str, net_id: int) -> Path:
        """Where network ``net_id`` of ``task`` is stored.

        Parameters
        ----------
        task : str
            The task's name.
        net_id : int
            The network's number.

        Returns
        -------
        pathlib.Path
            The file's path.
        """
        return self.folder / str(task) / f"NetNr{int(net_id)}.h5"

    def provenance(self, task: str, net_id: int) -> dict | None:
        """The stored provenance of a network, or ``None`` if absent or unreadable.

        Parameters
        ----------
        task : str
            The task's name.
        net_id : int
            The network's number.

        Returns
        -------
        dict or None
            The provenance.
        """
        path = self.path(task, net_id)
        if not path.is_file():
            return None
        try:
            with h5py.File(path, "r") as f:
                if f.attrs.get("format") != ANALYSIS_FORMAT:
                    return None
                return json.loads(f.attrs["provenance"])
        except (OSError, KeyError, ValueError):
            return None

    def check_replaceable(self, task: str, net_id: int) -> None:
        """Check that the store's file of a network is absent or an opdims analysis of that network.

        Only such files are reused or replaced; anything else found there (a
        user's HDF5 file, a MAT-file, an analysis of another network) is
        refused, before any work starts, and left untouched.

        Parameters
        ----------
        task : str
            The task's name.
        net_id : int
            The network's number.

        Raises
        ------
        OutputExistsError
            If the file exists and is not an opdims analysis of this network.
        """
        path = self.path(task, net_id)
        if not os.path.lexists(path):
            return
        what = self._what_is_there(path)
        if what is None:
            return
        that = f"an opdims analysis of {task} network {int(net_id)}"
        raise OutputExistsError(f"{path}: exists and is not {that} ({what}); opdims replaces only its own "
                                "results: move the file away or write to another output folder")

    @staticmethod
    def _what_is_there(path: Path) -> str | None:
        """``None`` for an opdims analysis (of the network the file's name says), else what the file is."""
        if path.is_symlink() or not path.is_file():
            return "not a regular file" if not path.is_dir() else "a folder"
        try:
            with h5py.File(path, "r") as f:
                if f.attrs.get("format") != ANALYSIS_FORMAT:
                    return "an HDF5 file without the opdims analysis format attribute"
                raw = f.attrs.get("provenance")
        except (OSError, ValueError, TypeError):
            try:
                with open(path, "rb") as handle:
                    head = handle.read(128)
            except OSError as exc:
                return f"unreadable: {exc.strerror or exc}"
            return "a MAT-file" if head.startswith(b"MATLAB") else "not an HDF5 file"
        try:
            provenance = json.loads(raw)
            task, net_id = provenance["task"], int(provenance["net_id"])
        except (TypeError, ValueError, KeyError):
            return None  # an opdims analysis whose provenance is damaged: it is recomputed and replaced
        if path != Path(path.parent.parent, str(task), f"NetNr{net_id}.h5"):
            return f"an opdims analysis of {task} network {net_id}"
        return None

    def finished(self, task: str, net_id: int, fingerprint: str, settings: dict) -> bool:
        """Whether the stored result is for this very network and these settings.

        Parameters
        ----------
        task : str
            The task's name.
        net_id : int
            The network's number.
        fingerprint : str
            :meth:`opdims.Network.fingerprint` of the network now.
        settings : dict
            Provenance entries the result must have (e.g. the options and the
            opdims version); only the keys given are compared.

        Returns
        -------
        bool
            True when it can be reused.
        """
        stored = self.provenance(task, net_id)
        if stored is None or stored.get("network_fingerprint") != fingerprint:
            return False
        return all(json.dumps(stored.get(k), default=_json_default, sort_keys=True)
                   == json.dumps(v, default=_json_default, sort_keys=True) for k, v in settings.items())

    def save(self, analysis: NetworkAnalysis) -> Path:
        """Store an analysis (replacing an older one of the same network).

        Parameters
        ----------
        analysis : NetworkAnalysis
            It must have ``task`` and ``net_id`` in its provenance.

        Returns
        -------
        pathlib.Path
            The file written.
        """
        path = self.path(analysis.provenance["task"], analysis.provenance["net_id"])
        path.parent.mkdir(parents=True, exist_ok=True)
        return save_analysis(path, analysis, overwrite=True, keep_local=self.keep_local,
                             keep_trajectories=self.keep_trajectories)

    def load(self, task: str, net_id: int) -> NetworkAnalysis:
        """The stored analysis of a network.

        Parameters
        ----------
        task : str
            The task's name.
        net_id : int
            The network's number.

        Returns
        -------
        NetworkAnalysis
            The analysis.
        """
        return load_analysis(self.path(task, net_id))
