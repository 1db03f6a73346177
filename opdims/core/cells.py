"""Gated recurrent cells (PyTorch's ``nn.GRU`` and ``nn.LSTM``) as opdims networks.

A gated cell is a step ``s' = F(s, u; W)`` whose recurrent matrix ``W`` (PyTorch's
``weight_hh_l0``) acts on the hidden state ``h``: ``W h`` is the stacked
recurrent drive of the gate blocks, ``G = 3`` for a GRU (blocks r, z, n) and
``G = 4`` for an LSTM (blocks i, f, g, o), each ``[N, N]``. The equations are
PyTorch's (float64 here):

GRU, state ``s = h`` (``N`` numbers)::

    r = σ(W_ir u + b_ir + W_hr h + b_hr)
    z = σ(W_iz u + b_iz + W_hz h + b_hz)
    n = tanh(W_in u + b_in + r * (W_hn h + b_hn))
    h' = (1 - z) * n + z * h

LSTM, state ``s = (h, c)`` (``2N`` numbers, h first)::

    i, f, o = σ(W_i* u + b_i* + W_h* h + b_h*),   g = tanh(W_ig u + b_ig + W_hg h + b_hg)
    c' = f * c + i * g,   h' = o * tanh(c')

The readout is ``z = W_out h + b_out``. Removing dimensions from such a W
(:func:`remove_gated_dimensions`) acts on every gate block: ``'columns'``
projects each block's output, ``(I - V V') W_g``; ``'rows'`` projects the
state it reads, ``W (I - V V')`` (see docs/gated_cells.md).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

import numpy as np

from .errors import ValidationError
from .network import NetworkError
from .reduce import as_dimension_matrix, check_dim_type, is_orthonormal
from .validation import GATED_KINDS, check_gated_kind

__all__ = [
    "GATED_KINDS",
    "GATE_BLOCKS",
    "GatedNetwork",
    "gated_network_from_tensors",
    "gated_step",
    "is_gated",
    "remove_gated_dimensions",
    "run_gated",
]

GATE_BLOCKS = {"gru": 3, "lstm": 4}  #: gate blocks stacked in ``weight_hh`` (PyTorch's order: r,z,n / i,f,g,o)


def _sigmoid(xp, x):
    if xp is np:
        return 0.5 * (1.0 + np.tanh(0.5 * x))  # overflow-free logistic
    return xp.sigmoid(x)


def gated_step(kind: str, state, recurrent, driven, xp=np):
    """One step of a gated cell from its drives: the cell as a function of ``W h``.

    Parameters
    ----------
    kind : str
        ``'gru'`` or ``'lstm'``.
    state : array
        ``[..., S]``: states (GRU: ``h``; LSTM: ``h`` then ``c``).
    recurrent : array
        ``[..., G N]``: the recurrent drive ``W h + b_hh`` of every gate block.
    driven : array
        ``[..., G N]``: the input drive ``W_ih u + b_ih`` (``b_ih`` for zero input).
    xp : module, optional
        ``numpy`` (default) or ``torch`` (autograd-capable).

    Returns
    -------
    array
        ``[..., S]``: the next states.

    Examples
    --------
    >>> import numpy as np
    >>> gated_step("gru", np.zeros(2), np.zeros(6), np.zeros(6))
    array([0., 0.])
    """
    n = recurrent.shape[-1] // GATE_BLOCKS[kind]
    if kind == "gru":
        h = state
        r = _sigmoid(xp, driven[..., :n] + recurrent[..., :n])
        z = _sigmoid(xp, driven[..., n:2 * n] + recurrent[..., n:2 * n])
        cand = xp.tanh(driven[..., 2 * n:] + r * recurrent[..., 2 * n:])
        return (1.0 - z) * cand + z * h
    pre = driven + recurrent
    i = _sigmoid(xp, pre[..., :n])
    f = _sigmoid(xp, pre[..., n:2 * n])
    g = xp.tanh(pre[..., 2 * n:3 * n])
    o = _sigmoid(xp, pre[..., 3 * n:])
    c = f * state[..., n:] + i * g
    h = o * xp.tanh(c)
    return xp.concatenate([h, c], -1) if xp is np else xp.cat([h, c], -1)


def _as_array(value, name: str, shape: tuple, source: str) -> np.ndarray:
    where = f"{source}: " if source else ""
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise NetworkError(f"{where}{name}: expected real numbers of shape {list(shape)}, got "
                           f"{type(value).__name__}") from exc
    if arr.ndim == 1 and len(shape) == 2 and shape[1] == 1 and arr.size == shape[0]:
        arr = arr[:, None]
    if arr.shape != tuple(shape):
        raise NetworkError(f"{where}{name}: expected shape {list(shape)}, got {list(arr.shape)}")
    if not np.all(np.isfinite(arr)):
        raise NetworkError(f"{where}{name}: contains NaN or Inf; weights must be finite")
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True)
class GatedNetwork:
    """A one-layer, unidirectional GRU or LSTM with a linear readout, in PyTorch's equations.

    The state is ``h`` (GRU, ``N`` numbers) or ``(h, c)`` (LSTM, ``2N``
    numbers, ``h`` first); ``W`` (PyTorch's ``weight_hh``) acts on ``h``.
    Float64 copies, read-only.

    Parameters
    ----------
    kind : str
        ``'gru'`` or ``'lstm'``.
    W_in : array_like
        ``weight_ih`` ``[G N, n_in]`` (``G`` = 3 for a GRU, 4 for an LSTM).
    W : array_like
        ``weight_hh`` ``[G N, N]``, the gate blocks stacked in PyTorch's order.
    b_in : array_like
        ``bias_ih`` ``[G N]``.
    b_rec : array_like
        ``bias_hh`` ``[G N]``.
    W_out : array_like
        Readout weights ``[n_out, N]`` (from ``h``).
    b_z : array_like
        Readout biases ``[n_out]``.
    x0 : array_like
        Initial states ``[S, n_ctx]``, one column per condition id (``[S]`` for one);
        ``S = N`` (GRU) or ``2N`` (LSTM: ``h0`` then ``c0``).
    source : str, optional
        Where the weights came from, for messages (not compared).

    Raises
    ------
    NetworkError
        For arrays of the wrong shape or non-finite values; the message names the array and the shape expected.

    Examples
    --------
    >>> import numpy as np
    >>> net = GatedNetwork("gru", np.zeros((6, 1)), np.zeros((6, 2)), np.zeros(6), np.zeros(6),
    ...                    np.ones((1, 2)), np.zeros(1), np.zeros(2))
    >>> net.n_units, net.state_size, net.n_blocks, net.alpha
    (2, 2, 3, 1.0)
    """

    kind: str
    W_in: np.ndarray
    W: np.ndarray
    b_in: np.ndarray
    b_rec: np.ndarray
    W_out: np.ndarray
    b_z: np.ndarray
    x0: np.ndarray
    source: str = field(default="", compare=False)

    def __post_init__(self):
        kind = check_gated_kind(self.kind)
        object.__setattr__(self, "kind", kind)
        g = GATE_BLOCKS[kind]
        W = np.asarray(self.W)
        if W.ndim != 2 or W.shape[0] != g * W.shape[1]:
            where = f"{self.source}: " if self.source else ""
            raise NetworkError(f"{where}W (weight_hh): expected shape [{g} N, N] ({kind}: {g} gate blocks), "
                               f"got {list(W.shape)}")
        n = W.shape[1]
        s = n if kind == "gru" else 2 * n
        W_in = np.asarray(self.W_in)
        W_out = np.asarray(self.W_out)
        x0 = np.asarray(self.x0, dtype=np.float64)
        if x0.ndim == 1:
            x0 = x0[:, None]
        n_in = W_in.shape[1] if W_in.ndim == 2 else 0
        n_out = W_out.shape[0] if W_out.ndim == 2 else 0
        shapes = {"W": (g * n, n), "W_in": (g * n, n_in), "b_in": (g * n,), "b_rec": (g * n,),
                  "W_out": (n_out, n), "b_z": (n_out,), "x0": (s, x0.shape[1] if x0.ndim == 2 else 1)}
        for name, shape in shapes.items():
            value = x0 if name == "x0" else getattr(self, name)
            object.__setattr__(self, name, _as_array(value, name, shape, self.source))
        if kind == "gru" and np.any(np.abs(self.x0) > 1):
            raise NetworkError(f"{self.source + ': ' if self.source else ''}x0: a GRU's hidden state lies in "
                               "[-1, 1]; got values outside")

    @property
    def n_units(self) -> int:
        """Hidden units ``N`` (the length of ``h`` and of every dimension)."""
        return self.W.shape[1]

    @property
    def n_blocks(self) -> int:
        """Gate blocks ``G`` stacked in ``W``."""
        return GATE_BLOCKS[self.kind]

    @property
    def state_size(self) -> int:
        """Numbers in a state ``S``: ``N`` (GRU) or ``2N`` (LSTM)."""
        return self.n_units if self.kind == "gru" else 2 * self.n_units

    @property
    def n_inputs(self) -> int:
        """Number of inputs."""
        return self.W_in.shape[1]

    @property
    def n_outputs(self) -> int:
        """Number of outputs."""
        return self.W_out.shape[0]

    @property
    def n_contexts(self) -> int:
        """Number of initial states (columns of ``x0``)."""
        return self.x0.shape[1]

    @property
    def alpha(self) -> float:
        """1: a discrete-time cell (recorded as a vanilla network's ``dt / tau``)."""
        return 1.0

    @property
    def noise_sigma(self) -> float:
        """0: PyTorch's cells have no internal noise."""
        return 0.0

    @property
    def nonlinearity(self) -> str:
        """The cell's kind (``'gru'`` or ``'lstm'``), where a vanilla network names its φ."""
        return self.kind

    def hidden(self, states) -> np.ndarray:
        """The hidden states ``h`` of states ``[..., S]`` (what W and the readout read).

        Parameters
        ----------
        states : array_like
            States ``[..., S]``.

        Returns
        -------
        numpy.ndarray
            ``[..., N]``.
        """
        return np.asarray(states, dtype=np.float64)[..., :self.n_units]

    def rates(self, states, out=None) -> np.ndarray:
        """Alias of :meth:`hidden` (a vanilla network's rates are what its W and readout read).

        Parameters
        ----------
        states : array_like
            States ``[..., S]``.
        out : numpy.ndarray, optional
            Where to write them.

        Returns
        -------
        numpy.ndarray
            ``[..., N]``.
        """
        h = self.hidden(states)
        if out is None:
            return h.copy()
        out[...] = h
        return out

    def step(self, states, inputs=None, W=None) -> np.ndarray:
        """Next states of ``states [..., S]`` with inputs ``[..., n_in]`` (default zero).

        Parameters
        ----------
        states : array_like
            ``[..., S]``.
        inputs : array_like, optional
            ``[..., n_in]``; zero when not given.
        W : array_like, optional
            Recurrent weights ``[G N, N]`` or ``[..., G N, N]`` (default ``self.W``).

        Returns
        -------
        numpy.ndarray
            ``[..., S]``.

        Examples
        --------
        >>> import numpy as np
        >>> net = GatedNetwork("lstm", np.zeros((8, 1)), np.zeros((8, 2)), np.zeros(8), np.zeros(8),
        ...                    np.ones((1, 2)), np.zeros(1), np.ones(4) * 0.5)
        >>> net.step(net.x0[:, 0]).round(4)
        array([0.1225, 0.1225, 0.25  , 0.25  ])
        """
        s = np.asarray(states, dtype=np.float64)
        W = self.W if W is None else np.asarray(W, dtype=np.float64)
        h = s[..., :self.n_units]
        recurrent = (W @ h[..., None])[..., 0] + self.b_rec
        driven = self.b_in if inputs is None else np.asarray(inputs, dtype=np.float64) @ self.W_in.T + self.b_in
        return gated_step(self.kind, s, recurrent, np.broadcast_to(driven, recurrent.shape))

    def fingerprint(self) -> str:
        """sha256 of everything that determines the dynamics (``source`` does not count).

        Returns
        -------
        str
            64 hex digits.
        """
        digest = hashlib.sha256(self.kind.encode())
        for name in ("W_in", "W", "b_in", "b_rec", "W_out", "b_z", "x0"):
            arr = np.ascontiguousarray(getattr(self, name), dtype=np.float64)
            digest.update(f"{name}{arr.shape}".encode())
            digest.update(arr.tobytes())
        return digest.hexdigest()

    def with_recurrent(self, W) -> GatedNetwork:
        """The same network with ``W`` (``weight_hh`` ``[G N, N]``) replaced.

        Parameters
        ----------
        W : array_like
            New recurrent weights.

        Returns
        -------
        GatedNetwork
            The new network.
        """
        return replace(self, W=W)

    def with_initial_states(self, x0) -> GatedNetwork:
        """The same network with initial states ``x0 [S, n_ctx]`` replaced.

        Parameters
        ----------
        x0 : array_like
            New initial states.

        Returns
        -------
        GatedNetwork
            The new network.
        """
        return replace(self, x0=x0)


def is_gated(net) -> bool:
    """Whether ``net`` is a :class:`GatedNetwork`.

    Parameters
    ----------
    net : object
        A network.

    Returns
    -------
    bool
        True for a GRU or LSTM.

    Examples
    --------
    >>> is_gated(object())
    False
    """
    return isinstance(net, GatedNetwork)


def gated_network_from_tensors(kind, weight_ih, weight_hh, bias_ih=None, bias_hh=None, readout_weight=None,
                               readout_bias=None, h0=None, *, c0=None, source: str = "") -> GatedNetwork:
    """A :class:`GatedNetwork` from the tensors of a PyTorch ``nn.GRU``/``nn.LSTM`` (NumPy arrays, PyTorch's shapes).

    Parameters
    ----------
    kind : str
        ``'gru'`` or ``'lstm'``.
    weight_ih : array_like
        ``weight_ih_l0`` ``[G N, n_in]``.
    weight_hh : array_like
        ``weight_hh_l0`` ``[G N, N]``.
    bias_ih, bias_hh : array_like, optional
        ``bias_ih_l0``, ``bias_hh_l0`` ``[G N]`` (default zeros: ``bias=False``).
    readout_weight : array_like, optional
        ``[n_out, N]`` (an ``nn.Linear``'s weight); default: the identity (the outputs are ``h``).
    readout_bias : array_like, optional
        ``[n_out]`` (default zeros).
    h0 : array_like, optional
        Initial hidden state ``[N]`` or ``[N, n_ctx]`` (default zeros, as PyTorch's).
    c0 : array_like, optional
        LSTM: initial cell state, the same shape as ``h0`` (default zeros).
    source : str, optional
        Where the tensors came from, for messages.

    Returns
    -------
    GatedNetwork
        The network.

    Raises
    ------
    NetworkError
        One line naming the tensor and the shape expected, for any tensor that does not fit.

    Examples
    --------
    >>> import numpy as np
    >>> net = gated_network_from_tensors("gru", np.zeros((12, 2)), np.zeros((12, 4)), readout_weight=np.ones((1, 4)))
    >>> net.n_units, net.n_inputs, net.n_outputs
    (4, 2, 1)
    >>> gated_network_from_tensors("lstm", np.zeros((12, 2)), np.zeros((12, 4)))
    Traceback (most recent call last):
    ...
    opdims.core.network.NetworkError: weight_hh: expected shape [4 N, N] = [16, 4] for an lstm of N = 4 units \
(gate blocks i, f, g, o), got [12, 4]
    """
    kind = check_gated_kind(kind)
    g = GATE_BLOCKS[kind]
    where = f"{source}: " if source else ""
    whh = np.asarray(weight_hh, dtype=np.float64) if not hasattr(weight_hh, "detach") else \
        weight_hh.detach().cpu().double().numpy()
    if whh.ndim != 2:
        raise NetworkError(f"{where}weight_hh: expected a 2-D array [{g} N, N], got shape {list(whh.shape)}")
    n = whh.shape[1]
    gates = "r, z, n" if kind == "gru" else "i, f, g, o"
    if whh.shape[0] != g * n:
        raise NetworkError(f"{where}weight_hh: expected shape [{g} N, N] = [{g * n}, {n}] for an {kind} of N = {n} "
                           f"units (gate blocks {gates}), got {list(whh.shape)}")

    def arr(value, name, shape):
        if value is None:
            return None
        if hasattr(value, "detach"):
            value = value.detach().cpu().double().numpy()
        return _as_array(value, name, shape, source)

    wih = np.asarray(weight_ih.detach().cpu().double().numpy() if hasattr(weight_ih, "detach") else weight_ih,
                     dtype=np.float64)
    if wih.ndim != 2 or wih.shape[0] != g * n:
        raise NetworkError(f"{where}weight_ih: expected shape [{g * n}, n_inputs] ({g} gate blocks of N = {n}), "
                           f"got {list(wih.shape)}")
    b_in = arr(bias_ih, "bias_ih", (g * n,))
    b_rec = arr(bias_hh, "bias_hh", (g * n,))
    if readout_weight is not None and (np.ndim(readout_weight) != 2 or np.shape(readout_weight)[1] != n):
        raise NetworkError(f"{where}readout_weight: expected shape [n_outputs, {n}] (N = {n} hidden units), got "
                           f"{list(np.shape(readout_weight))}")
    w_out = arr(readout_weight, "readout_weight", np.shape(readout_weight))
    n_out = n if w_out is None else w_out.shape[0]
    b_z = arr(readout_bias, "readout_bias", (n_out,))
    h = np.zeros((n, 1)) if h0 is None else np.asarray(arr(h0, "h0", (n, np.shape(h0)[1] if np.ndim(h0) == 2 else 1)))
    x0 = h
    if kind == "lstm":
        c = np.zeros_like(h) if c0 is None else np.asarray(arr(c0, "c0", h.shape))
        x0 = np.vstack([h, c])
    elif c0 is not None:
        raise NetworkError(f"{where}c0: a GRU has no cell state; give only h0")
    return GatedNetwork(kind, wih, whh, np.zeros(g * n) if b_in is None else b_in,
                        np.zeros(g * n) if b_rec is None else b_rec, np.eye(n) if w_out is None else w_out,
                        np.zeros(n_out) if b_z is None else b_z, x0, source=source)


def remove_gated_dimensions(W, dims, dim_type: str, n_blocks: int) -> np.ndarray:
    """Remove the columns of ``dims [N, d]`` from every gate block of ``W [G N, N]``.

    ``'columns'``: each block's output, ``W_g <- (I - V V') W_g``; ``'rows'``:
    the state it reads, ``W <- W (I - V V')``. Orthonormal ``V`` takes the
    one-shot projection, other vectors are removed one after another (as
    :func:`opdims.core.reduce.remove_dimensions`). For ``G = 1`` this is that function.

    Parameters
    ----------
    W : array_like
        ``[G N, N]`` or a stack ``[K, G N, N]``.
    dims : array_like or None
        ``[N, d]`` (``[N]`` for one).
    dim_type : str
        ``'columns'`` or ``'rows'``.
    n_blocks : int
        ``G``.

    Returns
    -------
    numpy.ndarray
        The reduced weights, the shape of ``W``.

    Examples
    --------
    >>> import numpy as np
    >>> remove_gated_dimensions(np.ones((4, 2)), [1.0, 0.0], "columns", 2)
    array([[0., 0.],
           [1., 1.],
           [0., 0.],
           [1., 1.]])
    """
    check_dim_type(dim_type)
    W = np.asarray(W, dtype=np.float64)
    n = W.shape[-1]
    if W.shape[-2] != n_blocks * n:
        raise ValidationError(f"W: expected shape [..., {n_blocks} N, N] ({n_blocks} gate blocks), got {W.shape}")
    V = as_dimension_matrix(dims, n)
    if dim_type == "rows":
        if is_orthonormal(V):
            return W - (W @ V) @ V.T
        W = W.copy()
        for v in V.T:
            W -= np.einsum("...i,j->...ij", W @ v, v)
        return W
    blocks = W.reshape(W.shape[:-2] + (n_blocks, n, n))
    if is_orthonormal(V):
        blocks = blocks - V @ (V.T @ blocks)
    else:
        blocks = blocks.copy()
        for v in V.T:
            blocks -= np.einsum("i,...j->...ij", v, np.einsum("i,...ij->...j", v, blocks))
    return blocks.reshape(W.shape)


def run_gated(net: GatedNetwork, inputs, x0, W=None, sink=None):
    """Run trials through a gated network: states after each step.

    Parameters
    ----------
    net : GatedNetwork
        The network.
    inputs : numpy.ndarray
        ``[B, T, n_in]`` (checked by the caller).
    x0 : numpy.ndarray
        ``[B, S]`` initial states.
    W : numpy.ndarray, optional
        ``[G N, N]``, or ``[K, G N, N]`` to run K networks on the same trials.
    sink : callable, optional
        ``sink(t, states)`` after each step (``states [(K,) B, S]``); when
        given, nothing is kept and ``None`` is returned.

    Returns
    -------
    numpy.ndarray or None
        ``[(K,) B, T, S]`` states.

    Examples
    --------
    >>> import numpy as np
    >>> net = gated_network_from_tensors("gru", np.ones((3, 1)), np.zeros((3, 1)))
    >>> run_gated(net, np.ones((1, 2, 1)), np.zeros((1, 1))).round(4)[0, :, 0]
    array([0.2048, 0.3546])
    """
    W = net.W if W is None else np.asarray(W, dtype=np.float64)
    n_trials, n_steps, _ = inputs.shape
    n = net.n_units
    lead = W.shape[:-2]
    s = np.broadcast_to(np.asarray(x0, dtype=np.float64), lead + (n_trials, net.state_size)).copy()
    driven = inputs @ net.W_in.T + net.b_in  # [B, T, G N]
    WT = np.swapaxes(W, -1, -2)
    out = None if sink is not None else np.empty(lead + (n_trials, n_steps, net.state_size))
    for t in range(n_steps):
        recurrent = s[..., :n] @ WT + net.b_rec
        s = gated_step(net.kind, s, recurrent, driven[:, t])
        if sink is not None:
            sink(t, s)
        else:
            out[..., t, :] = s
    return out
