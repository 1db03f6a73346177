"""Reference mode: the original analysis loops, ported statement by statement.

These functions follow the structure of the original MATLAB code: one trial
at a time and one step at a time (``run_rnn``), one rank at a time with a
fresh forward pass each (the s1/s3 sweeps), dimension removal column by
column, and the row search by a quasi-Newton optimiser with finite
differences from a random start (``fminunc``). They are deliberately slow:
the benchmarks time them against the batched code, and the tests check that
both give the same numbers. Arrays use this package's orientation
(``[trials, time, units]``).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from .network import Network
from .operative import FVAL_THRESHOLD, LocalOperativeDimensions
from .random import RandomStream, as_stream

__all__ = [
    "column_dimensions_loops",
    "mse_loops",
    "neg_delta_ff_loops",
    "rank_sweep_loops",
    "remove_dimension_loops",
    "row_dimensions_loops",
    "run_rnn_loops",
    "state_distance_loops",
]


def run_rnn_loops(net: Network, inputs, condition_ids, *, noise=None, stream: RandomStream | None = None,
                  noise_sigma: float | None = None, W=None):
    """``run_rnn``: trial by trial, step by step. Returns ``x_t [B, T, N]``, ``z_t [B, T, n_out]``.

    Per trial the noise is ``noise[b]`` (standard normal ``[T, N]``) or, as
    the original, ``randn(N, T)`` drawn from ``stream`` (also for sigma 0).
    """
    W = net.W if W is None else np.asarray(W, dtype=np.float64)
    sigma = net.noise_sigma if noise_sigma is None else float(noise_sigma)
    inputs = np.asarray(inputs, dtype=np.float64)
    n_trials, n_steps, _ = inputs.shape
    n = net.n_units
    a = net.dt / net.tau
    x_t = np.zeros((n_trials, n_steps, n))
    z_t = np.zeros((n_trials, n_steps, net.n_outputs))
    stream = None if noise is not None else as_stream(stream)
    for trial in range(n_trials):
        x = net.x0[:, int(condition_ids[trial]) - 1].copy()
        r = np.tanh(x)
        wu_t = net.W_in @ inputs[trial].T
        if noise is not None:
            noise_t = sigma * np.asarray(noise[trial]).T
        else:
            noise_t = sigma * stream.randn((n, n_steps))
        for t in range(n_steps):
            x = (1.0 - a) * x + a * (wu_t[:, t] + W @ r + net.b_x + noise_t[:, t])
            r = np.tanh(x)
            x_t[trial, t] = x
            z_t[trial, t] = net.W_out @ r + net.b_z
    return x_t, z_t


def remove_dimension_loops(W, dims, dim_type: str) -> np.ndarray:
    """``remove_dimension_from_weight_matrix``: each dimension (columns of
    ``dims [N, d]``) from each column (or row) of W, one at a time."""
    W = np.array(W, dtype=np.float64)
    dims = np.asarray(dims, dtype=np.float64).reshape(W.shape[0], -1)
    if dim_type == "rows":
        W = W.T.copy()
    for j in range(dims.shape[1]):
        v = dims[:, j]
        for col in range(W.shape[1]):
            W[:, col] = W[:, col] - np.dot(W[:, col], v) * v
    return W.T if dim_type == "rows" else W


def state_distance_loops(x_a, x_b) -> float:
    """``get_state_distance_between_trajs``: per step and trial, then the mean over trials and time."""
    n_trials, n_steps, _ = np.shape(x_a)
    dist = np.zeros((n_steps, n_trials))
    for t in range(n_steps):
        for trial in range(n_trials):
            dist[t, trial] = np.linalg.norm(x_a[trial, t] - x_b[trial, t])
    return float(dist.mean(axis=1).mean(axis=0))


def mse_loops(z, targets) -> float:
    """``get_mse(z, targets, 'all')``: mean squared error of output 1."""
    return float(np.mean((np.asarray(z)[..., 0] - np.asarray(targets)[..., 0]) ** 2))


def rank_sweep_loops(net: Network, basis, dim_type: str, inputs, condition_ids, targets, noise, ranks=None):
    """The s1/s3 sweep: per rank, remove ``basis[:, k:]`` column by column and run a forward pass.

    Every pass uses the same standard-normal ``noise [B, T, N]`` (the
    original reseeds before each). Returns ``cost [K]``, ``state_distance [K]``.
    """
    n = net.n_units
    ranks = range(1, n + 1) if ranks is None else [int(k) for k in np.atleast_1d(ranks)]
    x_full, _ = run_rnn_loops(net, inputs, condition_ids, noise=noise)
    cost, dist = [], []
    for k in ranks:
        W_mod = remove_dimension_loops(net.W, np.asarray(basis)[:, k:n], dim_type)
        x_t, z_t = run_rnn_loops(net, inputs, condition_ids, noise=noise, W=W_mod)
        cost.append(mse_loops(z_t, targets))
        dist.append(state_distance_loops(x_t, x_full))
    return np.array(cost), np.array(dist)


def _relax_loops(net: Network, location, W, stream: RandomStream):
    """One noise-free step from ``location`` with zero input, through :func:`run_rnn_loops`
    (which draws its ``randn(N, 1)`` as the original does)."""
    net_at = net.with_initial_states(np.asarray(location, dtype=np.float64)[:, None])
    x_t, _ = run_rnn_loops(net_at, np.zeros((1, 1, net.n_inputs)), [1], stream=stream, noise_sigma=0.0, W=W)
    return x_t[0, 0]


def neg_delta_ff_loops(x0, previous, net: Network, location, next_state, dim_type: str,
                       stream: RandomStream) -> float:
    """``get_neg_deltaFF``: normalise ``x0``, make it orthogonal to ``previous [N, j]``
    by QR, remove it from W, run one step, return minus the distance to ``next_state``."""
    x0 = np.asarray(x0, dtype=np.float64) / np.linalg.norm(x0)
    q, _ = np.linalg.qr(np.column_stack([previous, x0]))
    W_mod = remove_dimension_loops(net.W, q[:, -1], dim_type)
    return -float(np.linalg.norm(next_state - _relax_loops(net, location, W_mod, stream)))


def column_dimensions_loops(net: Network, locations, stream: RandomStream | int | None = None):
    """s2 for columns, location by location: the closed-form first dimension and its fval."""
    stream = as_stream(stream)
    locations = np.asarray(locations, dtype=np.float64).reshape(-1, net.n_units)
    n_loc, n = locations.shape
    dims = np.full((n_loc, n, n), np.nan)
    fvals = np.full((n_loc, n), np.nan)
    next_states = np.empty((n_loc, n))
    for loc in range(n_loc):
        next_states[loc] = _relax_loops(net, locations[loc], net.W, stream)
        v = net.W @ np.tanh(locations[loc])
        dims[loc, 0] = v / np.linalg.norm(v)
        fvals[loc, 0] = neg_delta_ff_loops(dims[loc, 0], np.zeros((n, 0)), net, locations[loc],
                                           next_states[loc], "columns", stream)
    return LocalOperativeDimensions("columns", dims, fvals, locations, next_states)


def row_dimensions_loops(net: Network, location, *, n_dims: int | None = None,
                         stream: RandomStream | int | None = None, threshold: float = FVAL_THRESHOLD,
                         tol_x: float = 1e-6) -> LocalOperativeDimensions:
    """s2 for rows at one location: per dimension a random unit start, a BFGS
    minimisation (finite-difference gradient, as ``fminunc``) of
    :func:`neg_delta_ff_loops`, QR post-processing; stop once ``|fval| < threshold``."""
    stream = as_stream(stream)
    location = np.asarray(location, dtype=np.float64).reshape(-1)
    n = net.n_units
    n_dims = n if n_dims is None else int(n_dims)
    next_state = _relax_loops(net, location, net.W, stream)
    dims = np.full((n, n), np.nan)
    fvals = np.full(n, np.nan)
    for j in range(n_dims):
        previous = dims[:j].T
        start = stream.randn((n, 1))[:, 0]
        start = start / np.linalg.norm(start)

        def objective(x, previous=previous):
            return neg_delta_ff_loops(x, previous, net, location, next_state, "rows", stream)

        res = minimize(objective, start, method="BFGS", options={"xrtol": tol_x})
        q, _ = np.linalg.qr(np.column_stack([previous, res.x / np.linalg.norm(res.x)]))
        dims[j] = q[:, -1] / np.linalg.norm(q[:, -1])
        fvals[j] = res.fun
        if abs(res.fun) < threshold:
            break
    return LocalOperativeDimensions("rows", dims[None], fvals[None], location[None], next_state[None])
