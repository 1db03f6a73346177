"""Network weights as one validated, immutable object."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

import numpy as np

from .nonlinearity import NONLINEARITIES, apply_nonlinearity
from .validation import ValidationError, as_real_array

__all__ = ["DT", "NOISE_SIGMA", "TAU", "Network", "NetworkError"]

DT = 1e-3  #: simulation step (s), as in the original
TAU = 1e-2  #: unit time constant (s)
NOISE_SIGMA = 0.1  #: default standard deviation of the internal noise
#: the largest weight magnitude accepted: the analyses multiply up to four weights (row dimensions), which must
#: stay finite in float64 (at most about 1.8e308; 1e100 already overflows there)
LARGEST_WEIGHT = 1e50


class NetworkError(ValidationError):
    """Weights that cannot form a network: wrong shapes, non-finite values."""


def _as_float_array(value, name: str, ndim: int, source: str) -> np.ndarray:
    try:
        arr = np.array(as_real_array(value, name, finite=False), dtype=np.float64)
    except ValidationError as exc:
        raise NetworkError(f"{source}{exc}") from exc
    if ndim == 1 and arr.ndim == 2 and 1 in arr.shape:
        arr = arr.reshape(-1)
    if arr.ndim != ndim:
        raise NetworkError(f"{source}{name}: expected a {ndim}-D array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise NetworkError(f"{source}{name}: {bad} non-finite value(s) (NaN or Inf); weights must be finite")
    largest = float(np.abs(arr).max()) if arr.size else 0.0
    if largest > LARGEST_WEIGHT:
        raise NetworkError(f"{source}{name}: values up to {largest:.3g} in magnitude; expected at most "
                           f"{LARGEST_WEIGHT:g} (larger ones overflow float64 in the analysis)")
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True)
class Network:
    """A vanilla rate RNN, ``x <- (1-a) x + a (W_in u + W φ(x) + b_x + noise)``, ``z = W_out φ(x) + b_z``.

    ``a = dt / tau`` (0.1 in the paper; 1 for a discrete-time RNN such as
    PyTorch's ``nn.RNN``); ``φ`` is the ``nonlinearity`` (``tanh`` in the paper).

    Parameters
    ----------
    W_in : array_like
        Input weights ``[N, n_in]``.
    W : array_like
        Recurrent weights ``[N, N]``.
    W_out : array_like
        Output weights ``[n_out, N]``.
    x0 : array_like
        Initial states ``[N, n_ctx]``, one column per condition id (``[N]`` for one).
    b_x : array_like
        Unit biases ``[N]``.
    b_z : array_like
        Output biases ``[n_out]``.
    dt : float, optional
        Simulation step (s), default 1 ms.
    tau : float, optional
        Unit time constant (s), default 10 ms; ``dt / tau`` must be in (0, 1].
    noise_sigma : float, optional
        Standard deviation of the internal noise (default 0.1), >= 0.
    nonlinearity : str, optional
        ``'tanh'`` (default), ``'relu'``, ``'softplus'`` or ``'linear'``.
    source : str, optional
        Where the weights came from, for error messages (not compared).

    Raises
    ------
    NetworkError
        For arrays of the wrong shape, non-finite or non-real values, or bad
        scalars; the message names the array and what was expected.

    Examples
    --------
    >>> import numpy as np
    >>> net = Network(W_in=np.ones((3, 1)), W=np.eye(3), W_out=np.ones((1, 3)), x0=np.zeros(3),
    ...               b_x=np.zeros(3), b_z=np.zeros(1))
    >>> net.n_units, net.alpha, net.nonlinearity
    (3, 0.1, 'tanh')
    """

    W_in: np.ndarray
    W: np.ndarray
    W_out: np.ndarray
    x0: np.ndarray
    b_x: np.ndarray
    b_z: np.ndarray
    dt: float = DT
    tau: float = TAU
    noise_sigma: float = NOISE_SIGMA
    nonlinearity: str = "tanh"
    source: str = field(default="", compare=False)

    def __post_init__(self):
        where = f"{self.source}: " if self.source else ""
        arrays = {
            "W_in": 2, "W": 2, "W_out": 2, "x0": 2, "b_x": 1, "b_z": 1,
        }
        for name, ndim in arrays.items():
            value = getattr(self, name)
            if name == "x0":
                value = np.asarray(value, dtype=np.float64)
                if value.ndim == 1:
                    value = value[:, None]
            object.__setattr__(self, name, _as_float_array(value, name, ndim, where))
        n = self.W.shape[0]
        expected = {
            "W": (n, n),
            "W_in": (n, self.W_in.shape[1]),
            "W_out": (self.W_out.shape[0], n),
            "x0": (n, self.x0.shape[1]),
            "b_x": (n,),
            "b_z": (self.W_out.shape[0],),
        }
        for name, shape in expected.items():
            if getattr(self, name).shape != shape:
                raise NetworkError(
                    f"{where}{name}: expected shape {shape} for a network of {n} units, "
                    f"got {getattr(self, name).shape}"
                )
        for name in ("dt", "tau", "noise_sigma"):
            value = getattr(self, name)
            if isinstance(value, (bool, str, bytes)) or np.ndim(value) != 0 or np.iscomplexobj(value):
                raise NetworkError(f"{where}{name}: expected a real number, got {value!r}")
        for name in ("dt", "tau"):
            value = float(getattr(self, name))
            if not (np.isfinite(value) and value > 0):
                raise NetworkError(f"{where}{name}: expected a positive number, got {value}")
            object.__setattr__(self, name, value)
        if not self.dt / self.tau <= 1.0 + 1e-12:
            raise NetworkError(f"{where}dt / tau: expected at most 1 (alpha = dt / tau in (0, 1]), got "
                               f"dt = {self.dt}, tau = {self.tau}")
        if self.nonlinearity not in NONLINEARITIES:
            raise NetworkError(f"{where}nonlinearity: expected one of {', '.join(NONLINEARITIES)}, "
                               f"got {self.nonlinearity!r}")
        sigma = float(self.noise_sigma)
        if not (np.isfinite(sigma) and sigma >= 0):
            raise NetworkError(f"{where}noise_sigma: expected a number >= 0, got {sigma}")
        object.__setattr__(self, "noise_sigma", sigma)

    @property
    def n_units(self) -> int:
        """Number of units ``N``."""
        return self.W.shape[0]

    @property
    def n_inputs(self) -> int:
        """Number of inputs ``n_in``."""
        return self.W_in.shape[1]

    @property
    def n_outputs(self) -> int:
        """Number of outputs ``n_out``."""
        return self.W_out.shape[0]

    @property
    def n_contexts(self) -> int:
        """Number of initial states (columns of ``x0``)."""
        return self.x0.shape[1]

    @property
    def alpha(self) -> float:
        """Integration factor ``dt / tau`` (0.1 by default)."""
        return self.dt / self.tau

    def rates(self, x, out=None) -> np.ndarray:
        """Rates ``φ(x)`` of states ``x [..., N]`` (into ``out`` when given).

        Parameters
        ----------
        x : numpy.ndarray
            States.
        out : numpy.ndarray, optional
            Where to write the rates.

        Returns
        -------
        numpy.ndarray
            The rates.
        """
        return apply_nonlinearity(self.nonlinearity, np.asarray(x, dtype=np.float64), out=out)

    def fingerprint(self) -> str:
        """sha256 of everything that determines the network's dynamics.

        The six arrays (shape and float64 bytes), ``dt``, ``tau``,
        ``noise_sigma`` and the nonlinearity; ``source`` does not count. Two
        networks with the same fingerprint give the same numbers.

        Returns
        -------
        str
            64 hex digits.
        """
        digest = hashlib.sha256()
        for name in ("W_in", "W", "W_out", "x0", "b_x", "b_z"):
            arr = np.ascontiguousarray(getattr(self, name), dtype=np.float64)
            digest.update(f"{name}{arr.shape}".encode())
            digest.update(arr.tobytes())
        digest.update(repr((self.dt, self.tau, self.noise_sigma, self.nonlinearity)).encode())
        return digest.hexdigest()

    def with_recurrent(self, W: np.ndarray) -> Network:
        """The same network with recurrent weights ``W [N, N]`` replaced.

        Parameters
        ----------
        W : array_like
            New recurrent weights.

        Returns
        -------
        Network
            The new network.
        """
        return replace(self, W=W)

    def with_initial_states(self, x0: np.ndarray) -> Network:
        """The same network with initial states ``x0 [N, n_ctx]`` replaced.

        Parameters
        ----------
        x0 : array_like
            New initial states.

        Returns
        -------
        Network
            The new network.
        """
        return replace(self, x0=x0)
