"""PyTorch models in: ``nn.RNN`` + ``nn.Linear`` readout as an opdims :class:`~opdims.Network`.

A one-layer, unidirectional ``torch.nn.RNN`` computes ``h_t = φ(W_ih u_t +
b_ih + W_hh h_{t-1} + b_hh)`` and its readout ``z_t = W_out h_t + b_out``.
With the pre-activation as state, ``x_t = W_hh φ(x_{t-1}) + W_ih u_t + b_ih +
b_hh`` and ``h_t = φ(x_t)``: exactly opdims' network with ``alpha = dt / tau
= 1``, ``W_in = W_ih``, ``W = W_hh``, ``b_x = b_ih + b_hh``, no internal noise,
and the initial state ``x_0`` with ``φ(x_0) = h_0`` (zero for the default
zero ``h_0``). ``batch_first`` only concerns how inputs are laid out: opdims'
trials are always ``[trials, time, inputs]`` (``batch_first=True``).
"""

from __future__ import annotations

import numpy as np

from ..core.cells import GatedNetwork, gated_network_from_tensors
from ..core.errors import MissingDependencyError, ValidationError
from ..core.network import TAU, Network

__all__ = ["from_torch"]


def _array(tensor) -> np.ndarray:
    return tensor.detach().cpu().double().numpy().copy()


def _from_gated(rnn, readout, h0, c0, source) -> GatedNetwork:
    """The :class:`~opdims.core.cells.GatedNetwork` of a live ``nn.GRU``/``nn.LSTM`` (checked by the caller)."""
    import torch

    kind = rnn.mode.lower()
    if getattr(rnn, "proj_size", 0):
        raise ValidationError(f"rnn: expected an LSTM without projections, got proj_size={rnn.proj_size}")

    def value(x):
        return None if x is None else (_array(x) if isinstance(x, torch.Tensor) else np.asarray(x, dtype=np.float64))

    def state(x, name):
        x = value(x)
        if x is None:
            return None
        if x.size != rnn.hidden_size:
            raise ValidationError(f"{name}: expected {rnn.hidden_size} values (the hidden state), got {x.size}")
        return x.reshape(-1)

    bias = (_array(rnn.bias_ih_l0), _array(rnn.bias_hh_l0)) if rnn.bias else (None, None)
    return gated_network_from_tensors(
        kind, _array(rnn.weight_ih_l0), _array(rnn.weight_hh_l0), *bias, readout_weight=_array(readout.weight),
        readout_bias=None if readout.bias is None else _array(readout.bias), h0=state(h0, "h0"),
        c0=state(c0, "c0") if kind == "lstm" else value(c0),
        source=source or f"torch.nn.{type(rnn).__name__}({rnn.input_size}, {rnn.hidden_size}) + "
        f"Linear({rnn.hidden_size}, {readout.out_features})")


def from_torch(rnn, readout, *, h0=None, c0=None, source: str | None = None) -> Network | GatedNetwork:
    """The opdims network of a PyTorch ``nn.RNN``, ``nn.GRU`` or ``nn.LSTM`` and its ``nn.Linear`` readout.

    An ``nn.GRU`` or ``nn.LSTM`` becomes a :class:`~opdims.core.cells.GatedNetwork`
    (PyTorch's equations, the state ``h`` or ``(h, c)``; see docs/gated_cells.md).

    Parameters
    ----------
    rnn : torch.nn.RNN, torch.nn.GRU or torch.nn.LSTM
        One layer, unidirectional (an RNN's ``nonlinearity`` ``'tanh'`` or
        ``'relu'``), with or without biases, ``batch_first`` either way.
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
    opdims.Network or GatedNetwork
        ``alpha = 1``, no internal noise, float64 copies of the weights.

    Raises
    ------
    ValidationError
        For another module, several layers, a bidirectional RNN, a readout of
        the wrong kind or size, or an ``h0`` that no state gives.
    MissingDependencyError
        If torch is not installed.

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
    modes = ("RNN_TANH", "RNN_RELU", "GRU", "LSTM")
    if not isinstance(rnn, torch.nn.RNNBase) or getattr(rnn, "mode", None) not in modes:
        raise ValidationError(f"rnn: expected a torch.nn.RNN, nn.GRU or nn.LSTM, got {kind}")
    if rnn.num_layers != 1:
        raise ValidationError(f"rnn: expected one layer, got num_layers={rnn.num_layers} (analyse each layer's "
                              "recurrent matrix as its own network)")
    if rnn.bidirectional:
        raise ValidationError("rnn: expected a unidirectional RNN, got bidirectional=True")
    if not isinstance(readout, torch.nn.Linear):
        raise ValidationError(f"readout: expected a torch.nn.Linear, got {type(readout).__name__}")
    n = rnn.hidden_size
    if readout.in_features != n:
        raise ValidationError(f"readout: expected in_features = {n} (the RNN's hidden_size), got "
                              f"{readout.in_features}")
    if rnn.mode in ("GRU", "LSTM"):
        return _from_gated(rnn, readout, h0, c0, source)
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
