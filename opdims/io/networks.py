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
from .psychrnn import is_psychrnn, psychrnn_network
from .torch_models import flat_tensors, gated_network, recurrent_modules
from .tree import Leaf, join_path, open_tree

__all__ = [
    "WEIGHT_DESCRIPTIONS",
    "NetworkEntry",
    "find_networks",
    "guess_task",
    "id_ranges",
    "list_networks",
    "load_network",
    "module_entries",
    "network_from_entry",
    "network_from_group",
    "network_ids",
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
        ``'generic'`` (``W_in, W, W_out, x0, b_x, b_z``), ``'psychrnn'``
        (``W_rec, W_in, W_out, b_rec, b_out``, PsychRNN's ``save``) or
        ``'torch'`` (an ``nn.RNN``, ``nn.GRU`` or ``nn.LSTM`` state dict with
        an ``nn.Linear`` readout).
    label : str
        The recurrent module's dotted name (``''`` otherwise).
    kind : str
        ``'rnn'`` (vanilla), ``'gru'`` or ``'lstm'``.
    readout : str or None
        The readout module's dotted name (PyTorch files).
    """

    net_id: int
    stage: str
    container: str
    where: str
    shapes: dict
    parts: tuple = field(repr=False, compare=False, default=())
    naming: str = "original"
    label: str = field(repr=False, compare=False, default="")
    kind: str = field(compare=False, default="rnn")
    readout: str | None = field(repr=False, compare=False, default=None)

    @property
    def missing(self) -> list[str]:
        return [name for name in _NAMES if name not in self.shapes]

    @property
    def n_units(self) -> int | None:
        shape = self.shapes.get("n_Wrr_n")
        if not shape:
            return None
        return shape[-1] if self.kind in ("gru", "lstm") else shape[0]

    def describe(self) -> str:
        """The network in a few words.

        Returns
        -------
        str
            ``'rnn (nn.GRU, N = 32)'`` for a PyTorch module, else its container.
        """
        if self.naming != "torch":
            return self.container
        return f"{self.container} (nn.{self.kind.upper() if self.kind != 'lstm' else 'LSTM'}, N = {self.n_units})"

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
_PROBLEM = "__problem__"  #: key of a view that is no usable network, holding why
_MODULE = "__module__"  #: key of a PyTorch view holding its RecurrentModule
_TENSORS = "__tensors__"  #: key of a gated module's view: role -> leaf


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


def _column(where: str, leaves: list, n: int) -> Leaf:
    """The sum of 1-D leaves (absent ones zero) as a column ``[n, 1]``."""
    def read(leaves=leaves, n=n):
        return sum((np.asarray(b.read(), dtype=np.float64).reshape(-1) for b in leaves), np.zeros(n))[:, None]
    return _derived(where, (n, 1), read)


def _torch_views(group: dict, readouts: dict | None = None) -> list[tuple[str, dict]]:
    """Every recurrent module (+ readout) of a file's tensors, at any depth: ``[(module name, view)]``.

    An ``nn.RNN``'s view holds the original names (the ``alpha = 1`` network of
    :func:`opdims.io.from_torch`); a GRU's or LSTM's holds its tensors for
    :func:`opdims.io.torch_models.gated_network` and, for display, the
    original names' sizes.
    """
    flat = {key: leaf for key, leaf in flat_tensors(group).items() if isinstance(leaf, Leaf)}
    views = []
    for module in recurrent_modules(flat, readouts):
        keys, n = module.keys, module.n_units
        view = {_MODULE: module, "n_Wrr_n": flat[keys["weight_hh"]]}
        if "weight_ih" in keys:
            view["n_Wru_v"] = flat[keys["weight_ih"]]
        if module.problem:
            view[_PROBLEM] = module.problem
            views.append((module.name, view))
            continue
        biases = [flat[keys[b]] for b in ("bias_ih", "bias_hh") if b in keys]
        rows = n if module.kind == "rnn" else flat[keys["weight_hh"]].shape[0]  # gated: biases of every gate
        view["n_bx_1"] = _column(" + ".join(keys[b] for b in ("bias_ih", "bias_hh") if b in keys) or "(no biases)",
                                 biases, rows)
        view["n_x0_c"] = _derived("(zero initial hidden state)", (n, 1), lambda n=n: np.zeros((n, 1)))
        out = flat[keys["readout_weight"]]
        view["m_Wzr_n"] = out
        bias = [flat[keys["readout_bias"]]] if "readout_bias" in keys else []
        view["m_bz_1"] = _column(keys.get("readout_bias", "(no readout bias)"), bias, out.shape[0])
        if module.kind != "rnn":
            view[_TENSORS] = {role: flat[key] for role, key in keys.items()}
        views.append((module.name, view))
    return views


def network_views(fmt: str, group: dict, *, modules: bool = True, readouts: dict | None = None
                  ) -> list[tuple[str, str, dict]]:
    """The weight sets of one group as ``(naming, label, view)``.

    A view maps the original names to leaves in MATLAB orientation (see
    :class:`NetworkEntry` for the namings).

    Parameters
    ----------
    fmt : str
        The file's format.
    group : dict
        A group of its tree.
    modules : bool, optional
        Also look for PyTorch recurrent modules in the group and every group below it.
    readouts : dict, optional
        Recurrent module name -> its readout's name, where the user chose.

    Returns
    -------
    list of tuple
        One entry per weight set found.
    """
    found = []
    original = {name: group[name] for name in _NAMES if isinstance(group.get(name), Leaf)}
    if original:
        found.append(("original", "", original))
    psychrnn = is_psychrnn(group)
    if psychrnn and not original:
        found.append(("psychrnn", "", _psychrnn_view(group)))
    generic = _generic_view(fmt, group)
    if generic and not original and not psychrnn:
        found.append(("generic", "", generic))
    if modules:
        found += [("torch", name, view) for name, view in _torch_views(group, readouts)]
    return found


def _psychrnn_view(group: dict) -> dict:
    """PsychRNN's arrays under the original names, for sizes (the network is built by psychrnn_network)."""
    view = {"n_Wrr_n": group["W_rec"], "n_Wru_v": group["W_in"], "m_Wzr_n": group["W_out"]}
    n, n_out = group["W_rec"].shape[0], group["W_out"].shape[0]
    view["n_bx_1"] = _derived(group["b_rec"].where, (n, 1), lambda: None)
    view["m_bz_1"] = _derived(group["b_out"].where, (n_out, 1), lambda: None)
    view["n_x0_c"] = _derived("init_state", (n, 1), lambda: None)
    return view


def find_networks(fmt: str, tree: dict, *, readouts: dict | None = None) -> list[NetworkEntry]:
    """Every set of weights in a file's tree (see :func:`opdims.io.tree.open_tree`).

    Parameters
    ----------
    fmt : str
        The file's format.
    tree : dict
        Its tree.
    readouts : dict, optional
        Recurrent module name -> its readout's name, where the user chose.

    Returns
    -------
    list of NetworkEntry
        Sorted by id, then stage.
    """
    containers: dict[tuple, dict] = {}
    for parts, group in _groups(tree):
        for naming, label, view in network_views(fmt, group, modules=not parts, readouts=readouts):
            shapes = {name: leaf.shape for name, leaf in view.items() if isinstance(leaf, Leaf)}
            module = view.get(_MODULE)
            extra = (module.kind or "rnn", module.readout) if module is not None else ("rnn", None)
            here = parts + ((label,) if label else ())
            container, stage = (here[:-1], here[-1]) if here and here[-1] in STAGES else (here, "final")
            containers.setdefault(container, {}).setdefault(stage, (parts, shapes, naming, label, *extra))
    named = {c: int(m.group(1)) for c in containers if c and (m := _NET_GROUP.fullmatch(c[-1]))}
    ids, next_id = dict(named), 1
    for container in containers:
        if container not in ids:
            while next_id in ids.values():
                next_id += 1
            ids[container] = next_id
            next_id += 1
    entries = [NetworkEntry(ids[c], stage, join_path(fmt, c), join_path(fmt, parts), shapes, parts, naming, label,
                            kind, readout)
               for c, stages in containers.items()
               for stage, (parts, shapes, naming, label, kind, readout) in stages.items()]
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


def _modules(entries: list[NetworkEntry]) -> str:
    return ", ".join(e.describe() for e in entries if e.naming == "torch" and e.stage == "final")


def module_entries(path, fmt: str, tree: dict, module: str) -> list[NetworkEntry]:
    """The entries of one PyTorch recurrent module of a file (inside :func:`open_tree`).

    Parameters
    ----------
    path : path
        The file, for messages.
    fmt : str
        Its format.
    tree : dict
        Its tree.
    module : str
        The module's dotted name, its last part, or ``'.'`` for a bare state
        dict's; ``'NAME:READOUT'`` also chooses its readout.

    Returns
    -------
    list of NetworkEntry
        Its entries (one per stage).

    Raises
    ------
    NotInFileError
        If no module, or several, have that name.
    """
    name, _, readout = module.partition(":")
    name = "" if name == "." else name
    entries = find_networks(fmt, tree)
    labels = {e.label for e in entries if e.naming == "torch" and name in (e.label, e.label.split(".")[-1])}
    if len(labels) != 1:
        raise NotInFileError(f"{path}: {'several' if labels else 'no'} recurrent module(s) named {name or '.'!r}; "
                             f"modules in the file: {_modules(entries) or 'none'}; pass one of their names "
                             "(--module NAME)")
    label = labels.pop()
    if readout:
        entries = find_networks(fmt, tree, readouts={label: readout})
    return [e for e in entries if e.naming == "torch" and e.label == label]


def _select_module(path, fmt: str, tree: dict, module: str, stage: str) -> NetworkEntry:
    matches = [e for e in module_entries(path, fmt, tree, module) if e.stage == stage]
    if not matches:
        raise NotInFileError(f"{path}: module {module!r} has no {stage!r} weights")
    return matches[0]


def _select(path, tree: dict, entries: list[NetworkEntry], net_id, stage: str) -> NetworkEntry:
    if stage not in STAGES:
        raise ValidationError(f"stage: expected one of {STAGES}, got {stage!r}")
    modules = [e for e in entries if e.naming == "torch" and e.stage == "final"]
    if len(modules) > 1 and not isinstance(net_id, str):
        raise FileFormatError(f"{path}: {len(modules)} recurrent modules: {_modules(entries)}; choose one with "
                              f"--module NAME (module='NAME' in opdims.io.load_network), e.g. --module "
                              f"{modules[0].label or '.'}")
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


def load_network(path, net_id: int | str = 1, stage: str = "final", *, nonlinearity: str | None = None,
                 module: str | None = None, alpha: float | None = None):
    """Network ``net_id`` of a weights file: HDF5, MAT, NumPy ``.npz`` or PyTorch.

    The format is detected from the file's header. The arrays are found under
    the original's names (``n_Wru_v, n_Wrr_n, ...``; MATLAB orientation), the
    generic names (``W_in, W, W_out, x0, b_x, b_z``; NumPy orientation in
    ``.npz``, ``.h5`` written by h5py and torch files, MATLAB orientation in
    ``.mat``, which is the same shapes), PsychRNN's (``W_rec, W_in, W_out,
    b_rec, b_out``: :func:`opdims.io.from_psychrnn`), or as a PyTorch
    ``nn.RNN``, ``nn.GRU`` or ``nn.LSTM`` state dict with an ``nn.Linear``
    readout, found by tensor names and shapes at any depth of a checkpoint
    (:func:`opdims.io.torch_models.recurrent_modules`): an ``nn.RNN`` is the
    ``alpha = 1`` network of :func:`opdims.io.from_torch`, a GRU or LSTM a
    gated network. Settings stored with the weights (``dt``, ``tau`` or
    ``alpha``, ``noise_sigma``, ``nonlinearity``) are used; absent ones are
    the paper's (torch: alpha 1, no noise, ``tanh`` unless ``nonlinearity``
    is given).

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
    module : str, optional
        A PyTorch file's recurrent module, by its dotted name (``'rnn'``,
        ``'model_state_dict.encoder'``, its last part, or ``'.'`` for a bare
        state dict's), optionally with its readout (``'rnn:fc'``) where
        several could be. Needed when the file holds several.
    alpha : float, optional
        ``dt / tau``, for files that do not store it (PsychRNN's); overrides
        the stored one.

    Returns
    -------
    opdims.Network
        The network (every array checked: present, real, 2-D, sizes
        consistent, finite); for a GRU or LSTM the gated network of
        :mod:`opdims.core.cells`.

    Raises
    ------
    FileFormatError
        If the file holds no complete, valid network, or several recurrent
        modules and no ``module``.
    NotInFileError
        If it holds no network ``net_id``, no such stage or module.
    """
    if stage not in STAGES:
        raise ValidationError(f"stage: expected one of {STAGES}, got {stage!r}")
    with open_tree(path) as (fmt, tree):
        if module is not None:
            entry = _select_module(path, fmt, tree, str(module), stage)
        else:
            entry = _select(path, tree, find_networks(fmt, tree), net_id, stage)
        return network_from_entry(path, fmt, tree, entry, nonlinearity=nonlinearity, alpha=alpha)


def network_from_entry(path, fmt: str, tree: dict, entry: NetworkEntry, *, nonlinearity: str | None = None,
                       alpha: float | None = None):
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
    alpha : float, optional
        Overrides the stored ``dt / tau``.

    Returns
    -------
    opdims.Network
        The network (a gated network for a GRU or LSTM).

    Raises
    ------
    FileFormatError
        If its arrays are missing, of the wrong sizes or values, or it is no network opdims analyses.
    """
    group = tree
    for part in entry.parts:
        group = group[part]
    readouts = {entry.label: entry.readout} if entry.readout is not None else None
    view = next(v for naming, label, v in network_views(fmt, group, modules=not entry.parts, readouts=readouts)
                if (naming, label) == (entry.naming, entry.label))
    if _PROBLEM in view:
        raise FileFormatError(f"{path}: {view[_PROBLEM]}")
    if entry.naming == "psychrnn":
        return psychrnn_network(path, group, dt=None if alpha is None else alpha * TAU,
                                tau=None if alpha is None else TAU, nonlinearity=nonlinearity, where=entry.where
                                if entry.parts else "")
    if _TENSORS in view:
        tensors = {role: _read_weight(path, leaf, ndim=len(leaf.shape)) for role, leaf in view[_TENSORS].items()}
        return gated_network(entry.kind, tensors, source=f"{path}: {entry.label or '(top level)'}")
    settings = {"dt": TAU, "tau": TAU, "noise_sigma": 0.0} if entry.naming == "torch" else {}
    if alpha is not None:
        settings.update(dt=float(alpha) * TAU, tau=TAU)
    if nonlinearity is not None:
        settings["nonlinearity"] = nonlinearity
    return network_from_group(path, entry.where, {**group, **view}, settings=settings, attrs=group)


def _did_you_mean(name: str, group: dict) -> str:
    close = difflib.get_close_matches(name, [k for k in group if k not in _NAMES], n=1, cutoff=0.6)
    return f" (is {close[0]!r} meant to be {name}?)" if close else ""


def _matlab_index(arr: np.ndarray, flat: int) -> str:
    return "(" + ", ".join(str(i + 1) for i in np.unravel_index(flat, arr.shape)) + ")"


def _read_weight(path, leaf: Leaf, ndim: int = 2) -> np.ndarray:
    if leaf.matlab_class.startswith("torch.") or leaf.matlab_class == "object":
        leaf.read()  # raises, saying what the tensor is (meta, sparse, bfloat16, ...) or that it is pickled
    if leaf.matlab_class not in ("double", "single"):
        kind = "a real numeric array" if not leaf.is_numeric else "floating-point values (double or single)"
        raise FileFormatError(f"{path}: {leaf.where}: expected {kind}, got MATLAB class {leaf.matlab_class!r}")
    if len(leaf.shape) != ndim:
        raise FileFormatError(f"{path}: {leaf.where}: expected a {ndim}-D array, got size {list(leaf.shape)}")
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
