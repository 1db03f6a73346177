"""PyTorch models in: ``nn.RNN`` + ``nn.Linear`` readout as an opdims :class:`~opdims.Network`.

A one-layer, unidirectional ``torch.nn.RNN`` computes ``h_t = φ(W_ih u_t +
b_ih + W_hh h_{t-1} + b_hh)`` and its readout ``z_t = W_out h_t + b_out``.
With the pre-activation as state, ``x_t = W_hh φ(x_{t-1}) + W_ih u_t + b_ih +
b_hh`` and ``h_t = φ(x_t)``: exactly opdims' network with ``alpha = dt / tau
= 1``, ``W_in = W_ih``, ``W = W_hh``, ``b_x = b_ih + b_hh``, no internal noise,
and the initial state ``x_0`` with ``φ(x_0) = h_0`` (zero for the default
zero ``h_0``). ``batch_first`` only concerns how inputs are laid out: opdims'
trials are always ``[trials, time, inputs]`` (``batch_first=True``).

In files, modules are found by what their tensors are, not by their names
(:func:`recurrent_modules`): a key ending in ``weight_hh_l0`` is a recurrent
module (``nn.RNN`` if ``[N, N]``, ``nn.GRU`` if ``[3N, N]``, ``nn.LSTM`` if
``[4N, N]``), its readout the one other 2-D ``<name>.weight`` of size
``[n_outputs, N]``, wherever they sit in the checkpoint (a bare state dict,
``{'model_state_dict': ...}``, ``{'rnn': ..., 'readout': ...}``, prefixed keys).
GRUs and LSTMs become gated networks of :mod:`opdims.core.cells`
(:func:`gated_network`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ..core.cells import gated_network_from_tensors
from ..core.errors import MissingDependencyError, ValidationError
from ..core.network import TAU, Network

__all__ = ["GATE_BLOCKS", "READOUT_HINTS", "RecurrentModule", "flat_tensors", "from_torch", "gated_network",
           "recurrent_modules"]

#: number of stacked gate blocks of ``weight_hh_l0`` -> the module it belongs to
GATE_BLOCKS = {1: "rnn", 3: "gru", 4: "lstm"}
_CLASS_NAMES = {"rnn": "nn.RNN", "gru": "nn.GRU", "lstm": "nn.LSTM"}
#: words that mark a readout among several candidates
READOUT_HINTS = ("readout", "linear", "fc", "out", "decoder", "head")
_RECURRENT_KEY = re.compile(r"(weight|bias)_(ih|hh|hr)_l\d+(_reverse)?$")


def gated_network(kind: str, tensors: dict, *, source: str = ""):
    """The gated network of an ``nn.GRU`` or ``nn.LSTM``'s tensors (:mod:`opdims.core.cells`).

    The one place where the importers hand a gated module to the cells.

    Parameters
    ----------
    kind : str
        ``'gru'`` or ``'lstm'``.
    tensors : dict
        NumPy arrays in PyTorch's shapes: ``weight_ih``, ``weight_hh`` and
        optionally ``bias_ih``, ``bias_hh``, ``readout_weight``,
        ``readout_bias``, ``h0``.
    source : str, optional
        The file or module, for messages.

    Returns
    -------
    object
        What ``opdims.core.cells.gated_network_from_tensors`` returns.

    """
    return gated_network_from_tensors(kind, **tensors, source=source)


def flat_tensors(tree: dict, prefix: str = "") -> dict:
    """Every leaf of a nested tree under its dotted key (``model_state_dict.rnn.weight_hh_l0``).

    Parameters
    ----------
    tree : dict
        A tree of :func:`opdims.io.tree.open_tree` (or nested dicts).
    prefix : str, optional
        Prepended to every key.

    Returns
    -------
    dict
        Dotted key -> leaf.

    Examples
    --------
    >>> flat_tensors({"rnn": {"weight_hh_l0": 1}, "readout.weight": 2})
    {'rnn.weight_hh_l0': 1, 'readout.weight': 2}
    """
    out = {}
    for name, child in tree.items():
        key = f"{prefix}{name}"
        if isinstance(child, dict):
            out.update(flat_tensors(child, key + "."))
        else:
            out[key] = child
    return out


@dataclass(frozen=True)
class RecurrentModule:
    """A recurrent module found in a file: what it is, where its tensors are, and why it cannot load.

    Parameters
    ----------
    name : str
        Its dotted name in the file (``''`` for a bare state dict's).
    kind : str
        ``'rnn'``, ``'gru'`` or ``'lstm'`` (``''`` when the shapes fit none).
    n_units : int
        Hidden size N.
    keys : dict
        Role (``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``,
        ``readout_weight``, ``readout_bias``) -> dotted key in the file.
    readout : str or None
        Dotted name of the readout module, if one was found.
    problem : str
        Why it is no network opdims analyses (``''`` if it is).
    """

    name: str
    kind: str
    n_units: int
    keys: dict = field(default_factory=dict)
    readout: str | None = None
    problem: str = ""

    @property
    def label(self) -> str:
        """The module's name for messages (``'(top level)'`` for a bare state dict)."""
        return self.name or "(top level)"

    @property
    def class_name(self) -> str:
        """``'nn.RNN'``, ``'nn.GRU'``, ``'nn.LSTM'`` or ``'recurrent module'``."""
        return _CLASS_NAMES.get(self.kind, "recurrent module")

    def describe(self) -> str:
        """The module in a few words.

        Returns
        -------
        str
            Name, class and size, e.g. ``'rnn (nn.GRU, N = 32)'``.
        """
        return f"{self.label} ({self.class_name}, N = {self.n_units})"


def _shape(leaf) -> tuple:
    return tuple(getattr(leaf, "shape", ()))


def _readout_candidates(flat: dict, n: int) -> list[str]:
    """Dotted names of the 2-D ``<name>.weight [k, n]`` outside recurrent modules."""
    out = []
    for key, leaf in flat.items():
        if key.rsplit(".", 1)[-1] != "weight" or _RECURRENT_KEY.search(key):
            continue
        shape = _shape(leaf)
        if len(shape) == 2 and shape[1] == n:
            out.append(key[: -len("weight")].rstrip("."))
    return out


def _two_d_weights(flat: dict) -> str:
    found = [f"{key} {list(_shape(leaf))}" for key, leaf in flat.items()
             if key.rsplit(".", 1)[-1] == "weight" and not _RECURRENT_KEY.search(key) and len(_shape(leaf)) == 2]
    return ", ".join(found[:6]) + (", ..." if len(found) > 6 else "") if found else "none"


def _module_problem(flat: dict, prefix: str, rows: int, n: int, kind: str) -> str:
    gates = rows // n if n and rows % n == 0 else 0
    where = f"{prefix}weight_hh_l0 [{rows}, {n}]"
    if prefix + "weight_hr_l0" in flat:
        return (f"{prefix.rstrip('.') or 'the module'} is an nn.LSTM with proj_size ({prefix}weight_hr_l0); "
                "opdims analyses LSTMs without projections")
    if not kind:
        return (f"{where} fits no recurrent module: expected [N, N] (nn.RNN), [3N, N] (nn.GRU) or [4N, N] "
                f"(nn.LSTM); got {rows / n if n else rows:g} x N rows")
    layers = sorted({m.group(1) for key in flat if (m := re.fullmatch(re.escape(prefix) + r"weight_hh_l(\d+)", key))},
                    key=int)
    if len(layers) > 1:
        return (f"{prefix.rstrip('.') or 'the module'} is a {len(layers)}-layer {_CLASS_NAMES[kind]} "
                f"({', '.join(prefix + 'weight_hh_l' + k for k in layers)}); opdims analyses one recurrent layer "
                "driven by the trials' inputs (num_layers=1)")
    if prefix + "weight_hh_l0_reverse" in flat:
        return (f"{prefix.rstrip('.') or 'the module'} is a bidirectional {_CLASS_NAMES[kind]} "
                f"({prefix}weight_hh_l0_reverse); opdims analyses unidirectional modules")
    w_ih = flat.get(prefix + "weight_ih_l0")
    if w_ih is None:
        return f"{prefix}weight_ih_l0 is missing: expected the input weights [{gates} x {n}, n_inputs] beside {where}"
    if len(_shape(w_ih)) != 2 or _shape(w_ih)[0] != rows:
        return (f"{prefix}weight_ih_l0 is {list(_shape(w_ih))}: expected [{rows}, n_inputs] to go with {where}")
    for bias in ("bias_ih_l0", "bias_hh_l0"):
        leaf = flat.get(prefix + bias)
        if leaf is not None and _shape(leaf) != (rows,):
            return f"{prefix}{bias} is {list(_shape(leaf))}: expected [{rows}] to go with {where}"
    return ""


def recurrent_modules(flat: dict, readouts: dict | None = None) -> list[RecurrentModule]:
    """The recurrent modules (``nn.RNN``, ``nn.GRU``, ``nn.LSTM``) of a file's tensors, each with its readout.

    Found by tensor names and shapes, not by module names: a key ending in
    ``weight_hh_l0`` (with ``weight_ih_l0`` beside it) is a recurrent module,
    its number of gate blocks (``weight_hh_l0`` is ``[N, N]``, ``[3N, N]`` or
    ``[4N, N]``) says which; the readout is the one other 2-D
    ``<name>.weight [n_outputs, N]`` of the file (among several, the one whose
    name contains ``readout``, ``linear``, ``fc``, ``out``, ``decoder`` or
    ``head``, if that singles one out).

    Parameters
    ----------
    flat : dict
        Dotted key -> leaf (anything with ``.shape``), e.g. :func:`flat_tensors`.
    readouts : dict, optional
        Module name -> readout name, chosen by the user.

    Returns
    -------
    list of RecurrentModule
        In file order; ``problem`` says why a module cannot be analysed.

    Examples
    --------
    >>> import numpy as np
    >>> flat = {"rnn.weight_ih_l0": np.zeros((24, 3)), "rnn.weight_hh_l0": np.zeros((24, 8)),
    ...         "readout.weight": np.zeros((2, 8)), "readout.bias": np.zeros(2)}
    >>> [m.describe() for m in recurrent_modules(flat)]
    ['rnn (nn.GRU, N = 8)']
    >>> recurrent_modules(flat)[0].keys["readout_weight"]
    'readout.weight'
    """
    readouts = readouts or {}
    found = []
    for key, leaf in flat.items():
        if not key.endswith("weight_hh_l0") or len(_shape(leaf)) != 2:
            continue
        prefix = key[: -len("weight_hh_l0")]
        if prefix and not prefix.endswith("."):
            continue
        rows, n = _shape(leaf)
        kind = GATE_BLOCKS.get(rows // n, "") if n and rows % n == 0 else ""
        name = prefix.rstrip(".")
        problem = _module_problem(flat, prefix, rows, n, kind)
        keys = {role: prefix + suffix for role, suffix in (("weight_ih", "weight_ih_l0"), ("weight_hh", "weight_hh_l0"),
                                                          ("bias_ih", "bias_ih_l0"), ("bias_hh", "bias_hh_l0"))
                if prefix + suffix in flat}
        readout = None
        if not problem:
            readout, problem = _choose_readout(flat, name, n, readouts.get(name))
        if readout is not None:
            keys["readout_weight"] = f"{readout}.weight" if readout else "weight"
            bias = f"{readout}.bias" if readout else "bias"
            n_out = _shape(flat[keys["readout_weight"]])[0]
            if bias in flat:
                if _shape(flat[bias]) != (n_out,):
                    problem = f"{bias} is {list(_shape(flat[bias]))}: expected [{n_out}] (the readout's outputs)"
                keys["readout_bias"] = bias
        found.append(RecurrentModule(name, kind, n, keys, readout, problem))
    return found


def _choose_readout(flat: dict, name: str, n: int, chosen: str | None) -> tuple[str | None, str]:
    label = name or "the recurrent module"
    candidates = _readout_candidates(flat, n)
    if chosen is not None:
        if chosen in candidates:
            return chosen, ""
        return None, (f"readout {chosen!r}: expected a '{chosen}.weight' of size [n_outputs, {n}] for {label}; "
                      f"readouts that fit: {', '.join(candidates) or 'none'}")
    if len(candidates) > 1:
        hinted = [c for c in candidates if any(h in c.rsplit(".", 1)[-1].lower() for h in READOUT_HINTS)]
        candidates = hinted if len(hinted) == 1 else candidates
    if len(candidates) == 1:
        return candidates[0], ""
    if not candidates:
        return None, (f"no readout for {label} (N = {n}): expected an nn.Linear '<name>.weight' of size "
                      f"[n_outputs, {n}]; 2-D weights in the file: {_two_d_weights(flat)}")
    return None, (f"{len(candidates)} possible readouts for {label} (N = {n}): {', '.join(candidates)}; choose one "
                  f"with --module {name or '.'}:READOUT (module='{name or '.'}:READOUT' in Python)")


def _array(tensor) -> np.ndarray:
    return tensor.detach().cpu().double().numpy().copy()


def from_torch(rnn, readout, *, h0=None, c0=None, source: str | None = None) -> Network:
    """The opdims network of a PyTorch ``nn.RNN`` (or ``nn.GRU``, ``nn.LSTM``) and its ``nn.Linear`` readout.

    Parameters
    ----------
    rnn : torch.nn.RNN, torch.nn.GRU or torch.nn.LSTM
        One layer, unidirectional, with or without biases, ``batch_first``
        either way; an RNN's ``nonlinearity`` ``'tanh'`` or ``'relu'``. GRUs
        and LSTMs (no ``proj_size``) become gated networks
        (:func:`gated_network`).
    readout : torch.nn.Linear
        Maps the hidden state (``in_features = hidden_size``) to the outputs.
    h0 : array_like or torch.Tensor, optional
        The initial hidden state ``[N]`` (default zeros, as ``nn.RNN``'s).
    c0 : array_like or torch.Tensor, optional
        An LSTM's initial cell state ``[N]`` (default zeros).
    source : str, optional
        A name for messages (default the module's class).

    Returns
    -------
    opdims.Network
        ``alpha = 1``, no internal noise, float64 copies of the weights (for
        a GRU or LSTM: the gated network of :mod:`opdims.core.cells`).

    Raises
    ------
    ValidationError
        For another module, several layers, a bidirectional module, a
        readout of the wrong kind or size, or an ``h0`` that no state gives.
    MissingDependencyError
        If torch is not installed, or for a GRU or LSTM, if opdims has no
        gated cells.

    Examples
    --------
    >>> import torch
    >>> rnn, readout = torch.nn.RNN(3, 8, batch_first=True), torch.nn.Linear(8, 2)
    >>> net = from_torch(rnn, readout)
    >>> net.n_units, net.n_inputs, net.n_outputs, net.alpha, net.nonlinearity
    (8, 3, 2, 1.0, 'tanh')
    >>> gru = from_torch(torch.nn.GRU(3, 8), readout)
    >>> gru.kind, gru.W.shape
    ('gru', (24, 8))
    """
    try:
        import torch
    except ImportError as exc:
        raise MissingDependencyError("from_torch needs torch (pip install torch; see the README)") from exc
    kind = type(rnn).__name__
    mode = getattr(rnn, "mode", None)
    if not isinstance(rnn, torch.nn.RNNBase) or mode not in ("RNN_TANH", "RNN_RELU", "GRU", "LSTM"):
        raise ValidationError(f"rnn: expected a torch.nn.RNN, nn.GRU or nn.LSTM, got {kind}")
    if rnn.num_layers != 1:
        raise ValidationError(f"rnn: expected one layer, got num_layers={rnn.num_layers} (opdims analyses one "
                              "recurrent layer driven by the trials' inputs)")
    if rnn.bidirectional:
        raise ValidationError(f"rnn: expected a unidirectional {kind}, got bidirectional=True")
    if getattr(rnn, "proj_size", 0):
        raise ValidationError(f"rnn: expected an LSTM without projections, got proj_size={rnn.proj_size}")
    if not isinstance(readout, torch.nn.Linear):
        raise ValidationError(f"readout: expected a torch.nn.Linear, got {type(readout).__name__}")
    n = rnn.hidden_size
    if readout.in_features != n:
        raise ValidationError(f"readout: expected in_features = {n} (the {kind}'s hidden_size), got "
                              f"{readout.in_features}")
    if mode in ("GRU", "LSTM"):
        tensors = {"weight_ih": _array(rnn.weight_ih_l0), "weight_hh": _array(rnn.weight_hh_l0),
                   "readout_weight": _array(readout.weight)}
        if rnn.bias:
            tensors.update(bias_ih=_array(rnn.bias_ih_l0), bias_hh=_array(rnn.bias_hh_l0))
        if readout.bias is not None:
            tensors["readout_bias"] = _array(readout.bias)
        for name, value in (("h0", h0), ("c0", c0)):
            if value is not None:
                tensors[name] = (_array(value) if isinstance(value, torch.Tensor) else
                                 np.asarray(value, dtype=np.float64)).reshape(-1)
        return gated_network(mode.lower(), tensors, source=source or "rnn")
    if c0 is not None:
        raise ValidationError(f"c0: only an LSTM has a cell state, got a {kind}")
    nonlinearity = "tanh" if rnn.mode == "RNN_TANH" else "relu"
    b_x = np.zeros(n)
    if rnn.bias:
        b_x = _array(rnn.bias_ih_l0) + _array(rnn.bias_hh_l0)
    b_z = _array(readout.bias) if readout.bias is not None else np.zeros(readout.out_features)
    x0 = np.zeros((n, 1))
    if h0 is not None:
        h = _array(h0) if isinstance(h0, torch.Tensor) else np.asarray(h0, dtype=np.float64)
        h = h.reshape(-1)
        if h.size != n:
            raise ValidationError(f"h0: expected {n} values (the hidden state), got {h.size}")
        if nonlinearity == "tanh":
            if np.any(np.abs(h) >= 1):
                raise ValidationError("h0: a tanh RNN's hidden state lies in (-1, 1); got values outside")
            x0 = np.arctanh(h)[:, None]
        else:
            if np.any(h < 0):
                raise ValidationError("h0: a relu RNN's hidden state is >= 0; got negative values")
            x0 = h[:, None]
    return Network(W_in=_array(rnn.weight_ih_l0), W=_array(rnn.weight_hh_l0), W_out=_array(readout.weight), x0=x0,
                   b_x=b_x, b_z=b_z, dt=TAU, tau=TAU, noise_sigma=0.0, nonlinearity=nonlinearity,
                   source=source or f"torch.nn.{kind}({rnn.input_size}, {n}) + Linear({n}, {readout.out_features})")
