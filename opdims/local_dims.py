"""Local operative dimensions: the directions of W whose removal changes the
network's next state most, at one sampling location.

Δf of a unit vector q at location x: the distance between the next state of
the full network and of the network with q removed from W (columns or rows),
after one step from x with zero input and zero noise. The original stores
``fval = -Δf`` (it minimises); so does this module.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from tqdm.auto import tqdm

from .network import Network
from .random import RandomStream, as_stream
from .reduce import as_dimension_matrix, check_dim_type, remove_dimensions

__all__ = [
    "FVAL_THRESHOLD",
    "ROW_METHODS",
    "LocalOperativeDimensions",
    "delta_f",
    "local_column_dimensions",
    "local_operative_dimensions",
    "local_row_dimensions",
    "local_row_dimensions_reference",
    "orthonormalize_against",
    "relax_step",
]

FVAL_THRESHOLD = 1e-8  #: the original stops the greedy search once |fval| drops below this


@dataclass
class LocalOperativeDimensions:
    """Local operative dimensions at ``L`` sampling locations.

    ``dims [L, D, N]``: dimension j at location l is ``dims[l, j]`` (unit
    vector), NaN where none was computed; ``fvals [L, D]``: the original's
    ``fval = -Δf`` of each, NaN likewise; ``locations [L, N]``; ``next_states
    [L, N]``: the full network's state one step after each location.
    """

    dim_type: str
    dims: np.ndarray
    fvals: np.ndarray
    locations: np.ndarray
    next_states: np.ndarray

    @property
    def n_locations(self) -> int:
        return self.dims.shape[0]


def _locations(net: Network, locations) -> np.ndarray:
    loc = np.asarray(locations, dtype=np.float64)
    if loc.shape[-1] != net.n_units:
        raise ValueError(f"locations: expected [..., {net.n_units}] states, got shape {loc.shape}")
    if not np.all(np.isfinite(loc)):
        raise ValueError("locations: contain NaN or Inf (was a condition without trials averaged?)")
    return loc


def relax_step(net: Network, locations, W=None) -> np.ndarray:
    """State one step after ``locations [..., N]`` with zero input and noise.

    ``W``: ``[N, N]`` or per-location ``[..., N, N]`` (default ``net.W``).
    """
    x = _locations(net, locations)
    W = net.W if W is None else np.asarray(W, dtype=np.float64)
    r = np.tanh(x)
    recurrent = (W @ r[..., None])[..., 0]
    a = net.alpha
    return (1.0 - a) * x + a * (recurrent + net.b_x)


def orthonormalize_against(x, previous) -> np.ndarray:
    """Unit vector from ``x [N]`` orthogonal to the columns of ``previous [N, d]``.

    As the original: normalise x, then take the last column of the thin QR
    factor of ``[previous, x]``.
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    previous = as_dimension_matrix(previous, x.size, "previous dimensions")
    x = x / np.linalg.norm(x)
    q, _ = np.linalg.qr(np.column_stack([previous, x]))
    return q[:, -1]


def delta_f(net: Network, location, q, dim_type: str, next_state=None) -> float:
    """Δf of removing the unit vector ``q [N]`` from W at ``location [N]``.

    ``next_state``: the full network's next state (computed if not given).
    """
    check_dim_type(dim_type)
    location = _locations(net, location)
    if next_state is None:
        next_state = relax_step(net, location)
    W_mod = remove_dimensions(net.W, q, dim_type)
    return float(np.linalg.norm(next_state - relax_step(net, location, W_mod)))


def local_column_dimensions(net: Network, locations) -> LocalOperativeDimensions:
    """Local operative column dimensions at ``locations [L, N]`` (closed form).

    The best column dimension is ``W tanh(x) / ||W tanh(x)||``; only this
    first dimension is computed (the others stay NaN, as in the original),
    with its fval from the one-step simulation, as the original's.
    """
    loc = _locations(net, locations)
    loc = loc.reshape(-1, net.n_units)
    n_loc, n = loc.shape
    Wr = np.tanh(loc) @ net.W.T
    v = Wr / np.linalg.norm(Wr, axis=1, keepdims=True)
    W_mod = net.W[None] - v[:, :, None] * (v @ net.W)[:, None, :]
    next_states = relax_step(net, loc)
    fval = -np.linalg.norm(next_states - relax_step(net, loc, W_mod), axis=1)
    dims = np.full((n_loc, n, n), np.nan)
    fvals = np.full((n_loc, n), np.nan)
    dims[:, 0] = v
    fvals[:, 0] = fval
    return LocalOperativeDimensions("columns", dims, fvals, loc, next_states)


def local_row_dimensions_reference(net: Network, location, *, n_dims: int | None = None,
                                   stream: RandomStream | int | None = None,
                                   threshold: float = FVAL_THRESHOLD,
                                   tol_x: float = 1e-6) -> LocalOperativeDimensions:
    """Local operative row dimensions at one ``location [N]``, by the original's procedure.

    Greedily, for each dimension: a random unit start (``randn(N, 1)``), a
    quasi-Newton (BFGS, finite-difference gradient) minimisation of
    ``-Δf`` over directions orthogonal to the dimensions found so far, QR
    post-processing, and a stop once ``|fval| < threshold``. Slow (this is the
    original's method, kept as the ``reference``); local optima are possible.
    """
    loc = _locations(net, location).reshape(-1)
    n = net.n_units
    n_dims = n if n_dims is None else int(n_dims)
    stream = as_stream(stream)
    next_state = relax_step(net, loc)
    dims = np.full((n, n), np.nan)
    fvals = np.full(n, np.nan)
    for j in range(n_dims):
        previous = dims[:j].T

        def objective(x, previous=previous):
            return -delta_f(net, loc, orthonormalize_against(x, previous), "rows", next_state)

        start = stream.randn((n, 1))[:, 0]
        start = start / np.linalg.norm(start)
        res = minimize(objective, start, method="BFGS", options={"xrtol": tol_x})
        q = orthonormalize_against(res.x, previous)
        dims[j] = q / np.linalg.norm(q)
        fvals[j] = res.fun
        if abs(res.fun) < threshold:
            break
    return LocalOperativeDimensions("rows", dims[None], fvals[None], loc[None], next_state[None])


ROW_METHODS = ("exact", "reference")  #: methods of :func:`local_row_dimensions`


def local_row_dimensions(net: Network, locations, *, method: str = "exact",
                         n_dims: int | None = None, stream: RandomStream | int | None = None,
                         threshold: float = FVAL_THRESHOLD, progress: bool = False) -> LocalOperativeDimensions:
    """Local operative row dimensions at every location of ``locations [L, N]``.

    ``method='exact'`` (default): at each greedy step the provably best
    dimension, all locations together (:func:`opdims.exact_rows.exact_row_dimensions`;
    draws nothing from ``stream``). ``method='reference'``: the original's
    optimiser at each location (:func:`local_row_dimensions_reference`),
    drawing its random starts from ``stream`` location after location.
    """
    if method not in ROW_METHODS:
        raise ValueError(f"method: expected one of {ROW_METHODS}, got {method!r}")
    loc = _locations(net, locations).reshape(-1, net.n_units)
    if method == "exact":
        from .exact_rows import exact_row_dimensions

        return exact_row_dimensions(net, loc, n_dims=n_dims, threshold=threshold, progress=progress)
    stream = as_stream(stream)
    parts = [local_row_dimensions_reference(net, x, n_dims=n_dims, stream=stream, threshold=threshold)
             for x in tqdm(loc, desc="row dimensions", unit="location", disable=not progress)]
    return LocalOperativeDimensions(
        "rows", np.concatenate([p.dims for p in parts]), np.concatenate([p.fvals for p in parts]),
        loc, np.concatenate([p.next_states for p in parts]))


def local_operative_dimensions(net: Network, locations, dim_type: str, **row_options) -> LocalOperativeDimensions:
    """Local operative dimensions of ``dim_type`` at ``locations [L, N]``.

    Columns use the closed form; ``row_options`` go to :func:`local_row_dimensions`.
    """
    check_dim_type(dim_type)
    if dim_type == "columns":
        return local_column_dimensions(net, locations)
    return local_row_dimensions(net, locations, **row_options)
