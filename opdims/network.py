"""Network weights as one validated, immutable object."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

__all__ = ["DT", "NOISE_SIGMA", "TAU", "Network", "NetworkError"]

DT = 1e-3  #: simulation step (s), as in the original
TAU = 1e-2  #: unit time constant (s)
NOISE_SIGMA = 0.1  #: default standard deviation of the internal noise


class NetworkError(ValueError):
    """Weights that cannot form a network: wrong shapes, non-finite values."""


def _as_float_array(value, name: str, ndim: int, source: str) -> np.ndarray:
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise NetworkError(f"{source}{name}: expected a numeric array, got {type(value).__name__}") from exc
    if ndim == 1 and arr.ndim == 2 and 1 in arr.shape:
        arr = arr.reshape(-1)
    if arr.ndim != ndim:
        raise NetworkError(f"{source}{name}: expected a {ndim}-D array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise NetworkError(f"{source}{name}: {bad} non-finite value(s) (NaN or Inf); weights must be finite")
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True)
class Network:
    """A vanilla rate RNN, ``x <- (1-a) x + a (W_in u + W tanh(x) + b_x + noise)``.

    Shapes: ``W_in [N, n_in]``, ``W [N, N]``, ``W_out [n_out, N]``,
    ``x0 [N, n_ctx]`` (one initial state per context/condition id),
    ``b_x [N]``, ``b_z [n_out]``. ``dt`` and ``tau`` in seconds;
    ``noise_sigma`` is the standard deviation of the internal noise.
    ``source`` names where the weights came from, for error messages.
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
        for name in ("dt", "tau"):
            value = float(getattr(self, name))
            if not (np.isfinite(value) and value > 0):
                raise NetworkError(f"{where}{name}: expected a positive number, got {value}")
            object.__setattr__(self, name, value)
        sigma = float(self.noise_sigma)
        if not (np.isfinite(sigma) and sigma >= 0):
            raise NetworkError(f"{where}noise_sigma: expected a number >= 0, got {sigma}")
        object.__setattr__(self, "noise_sigma", sigma)

    @property
    def n_units(self) -> int:
        return self.W.shape[0]

    @property
    def n_inputs(self) -> int:
        return self.W_in.shape[1]

    @property
    def n_outputs(self) -> int:
        return self.W_out.shape[0]

    @property
    def n_contexts(self) -> int:
        return self.x0.shape[1]

    @property
    def alpha(self) -> float:
        """Integration factor ``dt / tau`` (0.1 by default)."""
        return self.dt / self.tau

    def with_recurrent(self, W: np.ndarray) -> Network:
        """The same network with recurrent weights ``W [N, N]`` replaced."""
        return replace(self, W=W)

    def with_initial_states(self, x0: np.ndarray) -> Network:
        """The same network with initial states ``x0 [N, n_ctx]`` replaced."""
        return replace(self, x0=x0)
