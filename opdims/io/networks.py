"""Networks in files: finding, checking, loading and saving their weights.

A network is six arrays under the original's names (MATLAB orientation):
``n_Wru_v [N, n_in]``, ``n_Wrr_n [N, N]``, ``m_Wzr_n [n_out, N]``,
``n_x0_c [N, n_ctx]``, ``n_bx_1 [N, 1]``, ``m_bz_1 [n_out, 1]``. They are
found in ``/NetNr<k>/final`` and ``/NetNr<k>/init`` (the authors' files),
at the top level of a MAT-file, or inside a struct (any depth up to 4, with
optional ``final``/``init`` sub-structs).
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..core.errors import ValidationError
from ..core.network import TAU, Network, NetworkError
from ..core.tasks import CTXT
from .filesystem import FileFormatError, NotInFileError
from .mat_variables import network_variables
from .matfile import save_mat
from .original_h5 import NETWORK_SETTINGS, STAGES, WEIGHT_NAMES, save_networks_hdf5
from .tree import Leaf, join_path, open_tree

__all__ = [
    "WEIGHT_DESCRIPTIONS",
    "NetworkEntry",
    "find_networks",
    "guess_task",
    "id_ranges",
    "list_networks",
    "network_ids",
    "load_network",
    "network_from_entry",
    "network_from_group",
    "network_views",
    "save_network",
]

#: original name -> (what it holds, MATLAB size)
WEIGHT_DESCRIPTIONS = {
    "n_Wru_v": ("input weights", "[N, n_inputs]"),
    "n_Wrr_n": ("recurrent weights", "[N, N]"),
    "m_Wzr_n": ("output weights", "[n_outputs, N]"),
    "n_x0_c": ("initial states, one column per context", "[N, n_contexts]"),
    "n_bx_1": ("unit biases", "[N, 1]"),
    "m_bz_1": ("output biases", "[n_outputs, 1]"),
}
_NAMES = tuple(WEIGHT_NAMES.values())
_NET_GROUP = re.compile(r"NetNr(\d+)")
_MAX_DEPTH = 4


@dataclass(frozen=True)
class NetworkEntry:
    """One set of weights in a file.

    Parameters
    ----------
    net_id : int
        From the ``NetNr<k>`` name, else numbered 1, 2, ... in file order.
    stage : str
        ``'final'`` or ``'init'``.
    container : str
        Display path of the network's group, struct or module.
    where : str
        Display path of the group holding the arrays.
    shapes : dict
        MATLAB size of each weight array present, by the original's names.
    parts : tuple of str
        Path of that group in the file's tree.
    naming : str
        How the file names the arrays: ``'original'`` (``n_Wrr_n``, ...),
        ``'generic'`` (``W_in, W, W_out, x0, b_x, b_z``) or ``'torch'`` (an
        ``nn.RNN`` state dict with an ``nn.Linear`` readout).
    label : str
        Prefix of the torch module's keys (``''`` otherwise).
    """

    net_id: int
    stage: str
    container: str
    where: str
    shapes: dict
    parts: tuple = field(repr=False, compare=False, default=())
    naming: str = "original"
    label: str = field(repr=False, compare=False, default="")

    @property
    def missing(self) -> list[str]:
        return [name for name in _NAMES if name not in self.shapes]

    @property
    def n_units(self) -> int | None:
        shape = self.shapes.get("n_Wrr_n")
        return shape[0] if shape else None

    @property
    def task(self) -> str | None:
        """The task the array sizes fit (``'ctxt'``, ``'swg'``), or None."""
        if self.missing or any(len(s) != 2 for s in self.shapes.values()):
            return None
        return guess_task(self.shapes["n_Wru_v"][1], self.shapes["m_Wzr_n"][0], self.shapes["n_x0_c"][1])


def guess_task(n_inputs: int, n_outputs: int, n_contexts: int) -> str | None:
    """The task whose array sizes these are.

    Parameters
    ----------
    n_inputs, n_outputs, n_contexts : int
        Inputs, outputs and initial states of a network.

    Returns
    -------
    str or None
        ``'ctxt'`` (5 inputs, 1 output, 2 contexts), ``'swg'`` (1, 1, 1), else ``None``.

    Examples
    --------
    >>> guess_task(5, 1, 2)
    'ctxt'
    """
    if (n_inputs, n_outputs, n_contexts) == (CTXT.n_inputs, CTXT.n_outputs, 2):
        return "ctxt"
    if (n_inputs, n_outputs, n_contexts) == (1, 1, 1):
        return "swg"
    return None


def id_ranges(ids) -> str:
    """Network ids as ranges for messages.

    Parameters
    ----------
    ids : iterable of int
        The ids.

    Returns
    -------
    str
        E.g. ``'1-3, 5'`` for ``[1, 2, 3, 5]``.

    Examples
    --------
    >>> id_ranges([1, 2, 3, 5])
    '1-3, 5'
    """
    ids = sorted(set(int(i) for i in ids))
    runs = []
    for i in ids:
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def _groups(tree: dict, parts: tuple = ()):
    yield parts, tree
    if len(parts) < _MAX_DEPTH:
        for name, child in tree.items():
            if isinstance(child, dict):
                yield from _groups(child, parts + (name,))


GENERIC_NAMES = dict(WEIGHT_NAMES)  #: generic name (the core's) -> original name
TORCH_RNN_KEYS = ("weight_ih_l0", "weight_hh_l0")  #: what marks an nn.RNN state dict
_READOUT_HINTS = ("readout", "linear", "fc", "out", "decoder", "head")
_PROBLEM = "__problem__"  #: key of a view that is no usable network, holding why


def _derived(where: str, shape, read) -> Leaf:
    return Leaf(where, tuple(shape), "double", read)


def _generic_view(fmt: str, group: dict) -> dict:
    """The generic names as original-name leaves in MATLAB orientation (1-D vectors as columns or rows)."""
    view = {}
    for generic, original in GENERIC_NAMES.items():
        leaf = group.get(generic)
        if not isinstance(leaf, Leaf):
            continue
        shape = tuple(reversed(leaf.shape)) if fmt == "hdf5" else tuple(leaf.shape)
        flip = fmt == "hdf5"
        if len(shape) == 1:
            shape = (1, shape[0]) if original == "m_Wzr_n" else (shape[0], 1)

        def read(leaf=leaf, flip=flip, shape=shape):
            value = np.asarray(leaf.read())
            value = value.T if flip else value
            return value.reshape(shape)

        view[original] = Leaf(leaf.where, shape, leaf.matlab_class, read)
    return view


def _torch_readout(group: dict, rnn_prefix: str, n_units: int) -> str | None:
    """The prefix of the nn.Linear readout (``<p>weight [n_out, N]``) beside an nn.RNN, if one is clear."""
    candidates = [name[: -len("weight")] for name, leaf in group.items()
                  if name.endswith("weight") and not name.startswith(rnn_prefix + "weight_")
                  and isinstance(leaf, Leaf) and len(leaf.shape) == 2 and leaf.shape[1] == n_units]
    if len(candidates) > 1:
        hinted = [c for c in candidates if any(h in c.lower() for h in _READOUT_HINTS)]
        candidates = hinted if len(hinted) == 1 else candidates
    return candidates[0] if len(candidates) == 1 else None


def _torch_problem(group: dict, prefix: str, w_hh: Leaf) -> str:
    """Why a state dict's recurrent module is not a vanilla one-layer unidirectional RNN ('' if it is)."""
    rows, n = w_hh.shape
    if rows == 4 * n:
        return f"weight_hh_l0 is [{rows}, {n}] = [4N, N]: an LSTM; opdims analyses vanilla RNNs (torch.nn.RNN)"
    if rows == 3 * n:
        return f"weight_hh_l0 is [{rows}, {n}] = [3N, N]: a GRU; opdims analyses vanilla RNNs (torch.nn.RNN)"
    if rows != n:
        return f"weight_hh_l0 is [{rows}, {n}], expected a square [N, N] matrix of a torch.nn.RNN"
    if prefix + "weight_hh_l1" in group:
        return "the RNN has more than one layer (weight_hh_l1); opdims analyses one recurrent layer at a time"
    if prefix + "weight_hh_l0_reverse" in group:
        return "the RNN is bidirectional (weight_hh_l0_reverse); opdims analyses unidirectional RNNs"
    return ""


def _torch_view(group: dict) -> list[tuple[str, dict]]:
    """Every nn.RNN (+ readout) of a state dict as original-name leaves: ``[(prefix, view)]``."""
    views = []
    for name, leaf in group.items():
        if not (name.endswith(TORCH_RNN_KEYS[1]) and isinstance(leaf, Leaf) and len(leaf.shape) == 2):
            continue
        prefix = name[: -len(TORCH_RNN_KEYS[1])]
        w_ih, w_hh = group.get(prefix + TORCH_RNN_KEYS[0]), leaf
        n = w_hh.shape[1]
        problem = _torch_problem(group, prefix, w_hh)
        if problem:
            views.append((prefix, {"n_Wrr_n": Leaf(leaf.where, (n, n), "double", lambda: None),
                                   _PROBLEM: f"{leaf.where}: {problem}"}))
            continue
        view = {"n_Wrr_n": w_hh}
        if isinstance(w_ih, Leaf):
            view["n_Wru_v"] = w_ih
        biases = [group.get(prefix + key) for key in ("bias_ih_l0", "bias_hh_l0")]
        biases = [b for b in biases if isinstance(b, Leaf)]

        def bias(biases=biases, n=n):
            return sum((np.asarray(b.read(), dtype=np.float64).reshape(-1) for b in biases), np.zeros(n))[:, None]

        view["n_bx_1"] = _derived(f"{prefix}bias_ih_l0 + {prefix}bias_hh_l0", (n, 1), bias)
        view["n_x0_c"] = _derived("(zero initial hidden state)", (n, 1), lambda n=n: np.zeros((n, 1)))
        readout = _torch_readout(group, prefix, n)
        if readout is not None:
            out = group[readout + "weight"]
            view["m_Wzr_n"] = out
            b = group.get(readout + "bias")
            view["m_bz_1"] = _derived(f"{readout}bias", (out.shape[0], 1),
                                      (lambda b=b: np.asarray(b.read(), dtype=np.float64).reshape(-1, 1))
                                      if isinstance(b, Leaf) else (lambda m=out.shape[0]: np.zeros((m, 1))))
        views.append((prefix, view))
    return views


def network_views(fmt: str, group: dict) -> list[tuple[str, str, dict]]:
    """The weight sets of one group as ``(naming, label, view)``.

    A view maps the original names to leaves in MATLAB orientation (see
    :class:`NetworkEntry` for the namings).

    Parameters
    ----------
    fmt : str
        The file's format.
    group : dict
        A group of its tree.

    Returns
    -------
    list of tuple
        One entry per weight set found.
    """
    found = []
    original = {name: group[name] for name in _NAMES if isinstance(group.get(name), Leaf)}
    if original:
        found.append(("original", "", original))
    generic = _generic_view(fmt, group)
    if generic and not original:
        found.append(("generic", "", generic))
    found += [("torch", prefix, view) for prefix, view in _torch_view(group)]
    return found


def find_networks(fmt: str, tree: dict) -> list[NetworkEntry]:
    """Every set of weights in a file's tree (see :func:`opdims.io.tree.open_tree`).

    Parameters
    ----------
    fmt : str
        The file's format.
    tree : dict
        Its tree.

    Returns
    -------
    list of NetworkEntry
        Sorted by id, then stage.
    """
    containers: dict[tuple, dict] = {}
    for parts, group in _groups(tree):
        for naming, label, view in network_views(fmt, group):
            shapes = {name: leaf.shape for name, leaf in view.items() if name != _PROBLEM}
            here = parts + ((label.rstrip("."),) if label else ())
            container, stage = (here[:-1], here[-1]) if here and here[-1] in STAGES else (here, "final")
            containers.setdefault(container, {}).setdefault(stage, (parts, shapes, naming, label))
    named = {c: int(m.group(1)) for c in containers if c and (m := _NET_GROUP.fullmatch(c[-1]))}
    ids, next_id = dict(named), 1
    for container in containers:
        if container not in ids:
            while next_id in ids.values():
                next_id += 1
            ids[container] = next_id
            next_id += 1
    entries = [NetworkEntry(ids[c], stage, join_path(fmt, c), join_path(fmt, parts), shapes, parts, naming, label)
               for c, stages in containers.items() for stage, (parts, shapes, naming, label) in stages.items()]
    return sorted(entries, key=lambda e: (e.net_id, STAGES.index(e.stage)))


def list_networks(path) -> list[NetworkEntry]:
    """The networks in a weights file (any format :func:`load_network` reads).

    Parameters
    ----------
    path : path
        The file.

    Returns
    -------
    list of NetworkEntry
        Sorted by id, then stage.
    """
    with open_tree(path) as (fmt, tree):
        return find_networks(fmt, tree)


def _select(path, tree: dict, entries: list[NetworkEntry], net_id, stage: str) -> NetworkEntry:
    if stage not in STAGES:
        raise ValidationError(f"stage: expected one of {STAGES}, got {stage!r}")
    if not entries:
        held = ", ".join(list(tree)[:12]) or "nothing"
        raise FileFormatError(f"{path}: no network weights found; expected the arrays {', '.join(_NAMES)} "
                              "in /NetNr<k>/final groups (the authors' layout), at the top level of a MAT-file "
                              f"or inside a struct; the file holds: {held}")
    if net_id is None or isinstance(net_id, (bytes, float)) and not float(net_id).is_integer():
        raise ValidationError(f"net_id: expected a whole number or a struct name, got {net_id!r}")
    if isinstance(net_id, str) and net_id.strip().isdigit():
        net_id = int(net_id)
    if isinstance(net_id, str):
        matches = [e for e in entries if e.parts and net_id in (e.container, e.container.split(".")[-1],
                                                                e.container.strip("/"))]
        if not matches:
            raise NotInFileError(f"{path}: no network named {net_id!r}; networks present: "
                                 f"{', '.join(sorted({e.container for e in entries}))}")
    else:
        if isinstance(net_id, bool) or not float(net_id).is_integer():
            raise ValidationError(f"net_id: expected a whole number or a struct name, got {net_id!r}")
        matches = [e for e in entries if e.net_id == int(net_id)]
        if not matches:
            raise NotInFileError(f"{path}: no network {int(net_id)}; networks present: "
                                 f"{id_ranges(e.net_id for e in entries)}")
    for entry in matches:
        if entry.stage == stage:
            return entry
    raise NotInFileError(f"{path}: network {net_id} ({matches[0].container}) has no {stage!r} weights; "
                         f"stages present: {', '.join(e.stage for e in matches)}")


def load_network(path, net_id: int | str = 1, stage: str = "final", *, nonlinearity: str | None = None) -> Network:
    """Network ``net_id`` of a weights file: HDF5, MAT, NumPy ``.npz`` or PyTorch.

    The format is detected from the file's header. The arrays are found under
    the original's names (``n_Wru_v, n_Wrr_n, ...``; MATLAB orientation), the
    generic names (``W_in, W, W_out, x0, b_x, b_z``; NumPy orientation in
    ``.npz``, ``.h5`` written by h5py and torch files, MATLAB orientation in
    ``.mat``, which is the same shapes), or as an ``nn.RNN`` state dict
    (``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0``, ``bias_hh_l0``) with an
    ``nn.Linear`` readout (``<name>.weight``, ``<name>.bias``): that is the
    ``alpha = 1`` network of :func:`opdims.io.from_torch`. Settings stored
    with the weights (``dt``, ``tau`` or ``alpha``, ``noise_sigma``,
    ``nonlinearity``) are used; absent ones are the paper's (torch: alpha 1,
    no noise, ``tanh`` unless ``nonlinearity`` is given).

    Parameters
    ----------
    path : path
        The file.
    net_id : int or str, optional
        The ``k`` of ``/NetNr<k>`` (the authors' files), a struct's or
        module's name, or the number of the network in file order (1 for a
        file with one network); a string of digits counts as the number.
    stage : str, optional
        ``'final'`` (default) or ``'init'``.
    nonlinearity : str, optional
        Overrides the stored (or default) nonlinearity, e.g. ``'relu'`` for
        the state dict of an ``nn.RNN(nonlinearity='relu')``.

    Returns
    -------
    opdims.Network
        The network (every array checked: present, real, 2-D, sizes consistent, finite).

    Raises
    ------
    FileFormatError
        If the file holds no complete, valid network.
    NotInFileError
        If it holds no network ``net_id`` or no such stage.
    """
    with open_tree(path) as (fmt, tree):
        entry = _select(path, tree, find_networks(fmt, tree), net_id, stage)
        return network_from_entry(path, fmt, tree, entry, nonlinearity=nonlinearity)


def network_from_entry(path, fmt: str, tree: dict, entry: NetworkEntry, *, nonlinearity: str | None = None) -> Network:
    """The checked Network of one entry of :func:`find_networks` (inside :func:`open_tree`).

    Parameters
    ----------
    path : path
        The file, for messages.
    fmt : str
        Its format.
    tree : dict
        Its tree.
    entry : NetworkEntry
        The network.
    nonlinearity : str, optional
        Overrides the stored one.

    Returns
    -------
    opdims.Network
        The network.

    Raises
    ------
    FileFormatError
        If its arrays are missing, of the wrong sizes or values, or it is no vanilla RNN.
    """
    group = tree
    for part in entry.parts:
        group = group[part]
    view = next(v for naming, label, v in network_views(fmt, group) if (naming, label) == (entry.naming, entry.label))
    if _PROBLEM in view:
        raise FileFormatError(f"{path}: {view[_PROBLEM]}")
    settings = {"dt": TAU, "tau": TAU, "noise_sigma": 0.0} if entry.naming == "torch" else {}
    if nonlinearity is not None:
        settings["nonlinearity"] = nonlinearity
    return network_from_group(path, entry.where, {**group, **view}, settings=settings, attrs=group)


def _did_you_mean(name: str, group: dict) -> str:
    close = difflib.get_close_matches(name, [k for k in group if k not in _NAMES], n=1, cutoff=0.6)
    return f" (is {close[0]!r} meant to be {name}?)" if close else ""


def _matlab_index(arr: np.ndarray, flat: int) -> str:
    return "(" + ", ".join(str(i + 1) for i in np.unravel_index(flat, arr.shape)) + ")"


def _read_weight(path, leaf: Leaf) -> np.ndarray:
    if leaf.matlab_class not in ("double", "single"):
        kind = "a real numeric array" if not leaf.is_numeric else "floating-point values (double or single)"
        raise FileFormatError(f"{path}: {leaf.where}: expected {kind}, got MATLAB class {leaf.matlab_class!r}")
    if len(leaf.shape) != 2:
        raise FileFormatError(f"{path}: {leaf.where}: expected a 2-D array, got size {list(leaf.shape)}")
    arr = np.asarray(leaf.read(), dtype=np.float64)
    finite = np.isfinite(arr)
    if not finite.all():
        first = int(np.flatnonzero(~finite)[0])
        raise FileFormatError(f"{path}: {leaf.where}: {arr.size - int(finite.sum())} non-finite value(s) "
                              f"(NaN or Inf), the first at {_matlab_index(arr, first)}; weights must be finite")
    return arr


def network_from_group(path, where: str, group: dict, *, settings: dict | None = None, attrs=None) -> Network:
    """A checked Network from a group holding the six weight arrays (original names).

    Parameters
    ----------
    path : path
        The file, for messages.
    where : str
        Display path of the group, for messages.
    group : dict
        The group (or a view of it) of the file's tree.
    settings : dict, optional
        ``dt``, ``tau``, ``noise_sigma``, ``nonlinearity`` that override the stored ones.
    attrs : object, optional
        Where the stored settings' attributes are (default ``group``).

    Returns
    -------
    opdims.Network
        The network.

    Raises
    ------
    FileFormatError
        For missing arrays, wrong sizes or values.
    """
    missing = [name for name in _NAMES if not isinstance(group.get(name), Leaf)]
    if missing:
        hints = "".join(_did_you_mean(name, group) for name in missing)
        raise FileFormatError(f"{path}: {where}: missing {', '.join(missing)}{hints}; found: "
                              f"{', '.join(group) or 'nothing'}")
    arrays = {name: _read_weight(path, group[name]) for name in _NAMES}
    _check_sizes(path, group, arrays)
    net_fields = {field_name: arrays[name] for field_name, name in WEIGHT_NAMES.items()}
    net_fields["b_x"] = net_fields["b_x"].reshape(-1)
    net_fields["b_z"] = net_fields["b_z"].reshape(-1)
    try:
        stored = _settings(path, where, group, getattr(attrs if attrs is not None else group, "attrs", {}))
        return Network(**net_fields, **{**stored, **(settings or {})}, source=f"{path}:{where}")
    except NetworkError as exc:
        raise FileFormatError(str(exc)) from exc


def _settings(path, where: str, group, attrs) -> dict:
    """``dt``, ``tau``, ``noise_sigma``, ``nonlinearity`` stored with the weights (HDF5 attributes,
    or variables beside the arrays; ``alpha`` stands for ``dt / tau`` with tau 10 ms); absent ones
    take the paper's values."""
    found = dict(attrs)
    for name in (*NETWORK_SETTINGS, "alpha"):
        leaf = group.get(name)
        if isinstance(leaf, Leaf):
            value = leaf.read()
            if name == "nonlinearity":
                if not isinstance(value, str):
                    raise FileFormatError(f"{path}: {leaf.where}: expected text (tanh, relu, softplus or "
                                          f"linear), got MATLAB class {leaf.matlab_class!r}")
            else:
                arr = np.asarray(value)
                if arr.dtype.kind not in "iuf" or arr.size != 1:
                    raise FileFormatError(f"{path}: {leaf.where}: expected one number, got size {list(arr.shape)}")
                value = float(arr.reshape(-1)[0])
            found[name] = value
    settings = {name: found[name] for name in NETWORK_SETTINGS if name in found}
    if "alpha" in found:
        if "dt" in found or "tau" in found:
            raise FileFormatError(f"{path}: {where}: give alpha or dt and tau, not both")
        alpha = found["alpha"]
        if isinstance(alpha, (bool, str, bytes)) or not np.isreal(alpha) or not 0 < float(alpha) <= 1:
            raise FileFormatError(f"{path}: {where}: alpha: expected a number in (0, 1] (alpha = dt / tau, the "
                                  f"step's share of the update), got {alpha!r}")
        settings["dt"], settings["tau"] = float(alpha) * TAU, TAU
    if isinstance(settings.get("nonlinearity"), bytes):
        settings["nonlinearity"] = settings["nonlinearity"].decode()
    return settings


def _check_sizes(path, group: dict, arrays: dict) -> None:
    W = arrays["n_Wrr_n"]
    if W.shape[0] != W.shape[1] or W.size == 0:
        raise FileFormatError(f"{path}: {group['n_Wrr_n'].where}: expected a square, non-empty [N, N] "
                              f"matrix, got size {list(W.shape)}")
    n = W.shape[0]
    n_out = arrays["m_Wzr_n"].shape[0]
    expected = {"n_Wru_v": (n, None), "m_Wzr_n": (None, n), "n_x0_c": (n, None), "n_bx_1": (n, 1),
                "m_bz_1": (n_out, 1)}  # None: any positive size

    def fits(shape, actual) -> bool:
        return 0 not in actual and all(e is None or e == a for e, a in zip(shape, actual))

    for name, shape in expected.items():
        actual = arrays[name].shape
        if fits(shape, actual):
            continue
        labels = WEIGHT_DESCRIPTIONS[name][1].strip("[]").split(", ")
        wanted = ", ".join(label if e is None else str(e) for label, e in zip(labels, shape))
        hint = (" (it looks transposed: was it written from row-major code without transposing?)"
                if fits(shape, actual[::-1]) else "")
        raise FileFormatError(f"{path}: {group[name].where}: expected size [{wanted}] for a network of "
                              f"N = {n} units (from n_Wrr_n) and {n_out} output(s) (from m_Wzr_n), "
                              f"got {list(actual)}{hint}")


def save_network(path, net: Network, *, version: str = "7", overwrite: bool = False):
    """Write a network: a ``.mat`` under the original's names, or an ``.h5`` in the authors' layout.

    A ``.mat`` gives MATLAB the six arrays with ``load(path)``, as
    ``UtilsIO.load_weights`` returns them, plus ``dt``, ``tau``,
    ``noise_sigma`` and ``nonlinearity``; an ``.h5`` holds ``/NetNr1/final``
    (as :func:`save_networks_hdf5`). :func:`load_network` reads either back as
    network 1.

    Parameters
    ----------
    path : path
        A ``.mat`` or ``.h5`` file name (the suffix chooses the format).
    net : opdims.Network
        The network.
    version : str, optional
        MAT-file version, ``'7'`` (default) or ``'7.3'``.
    overwrite : bool, optional
        Replace an existing file.

    Returns
    -------
    path
        The path.

    Raises
    ------
    ValueError
        For another suffix.
    FileExistsError
        If the file exists and ``overwrite`` is false.
    """
    suffix = Path(os.fspath(path)).suffix.lower()
    if suffix in (".h5", ".hdf5"):
        if str(version) != "7":
            raise ValidationError(f"{path}: version={version!r} is for MAT-files; an .h5 file is written in the "
                                  "authors' HDF5 layout")
        return save_networks_hdf5(path, {1: net}, overwrite=overwrite)
    if suffix != ".mat":
        raise ValidationError(f"{path}: expected a .mat (MAT-file) or .h5 (the authors' HDF5 layout) file name, "
                              f"got {suffix or 'no extension'}")
    return save_mat(path, network_variables(net), version=version, overwrite=overwrite)


def network_ids(path, *, missing_ok: bool = False) -> list[int]:
    """Ids of the networks with ``final`` weights in a weights file.

    Parameters
    ----------
    path : path
        The file.
    missing_ok : bool, optional
        Return ``[]`` for a file that does not exist (instead of raising).

    Returns
    -------
    list of int
        The ids, ascending.
    """
    if missing_ok and not Path(os.fspath(path)).exists():
        return []
    return sorted({e.net_id for e in list_networks(path) if e.stage == "final"})
