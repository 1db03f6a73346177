"""Reference mode: the original analysis loops, ported statement by statement.

These functions follow the structure of the original MATLAB code: one trial
at a time and one step at a time (``run_rnn``), one rank at a time with a
fresh forward pass each (the s1/s3 sweeps), dimension removal column by
column, and the row search by a quasi-Newton optimiser with finite
differences from a random start (``fminunc``). They are deliberately slow:
the benchmarks time them against the batched code, and the tests check that
both give the same numbers. Arrays use this package's orientation
(``[trials, time, units]``). The rates are the network's nonlinearity
(``tanh`` in the paper).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from ..core.network import Network
from ..core.random import RandomStream, as_stream
from ..dims.operative import FVAL_THRESHOLD, LocalOperativeDimensions

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
    """Run the network as the original's ``run_rnn``: trial by trial, step by step.

    Parameters
    ----------
    net : opdims.Network
        The network.
    inputs : array_like
        ``[B, T, n_in]``.
    condition_ids : array_like of int
        ``[B]``: 1-based initial-state column of each trial.
    noise : array_like, optional
        ``[B, T, N]`` standard-normal internal noise (scaled by the sigma).
        Without it, each trial draws ``randn(N, T)`` from ``stream``, as the
        original (also for sigma 0).
    stream : RandomStream, optional
        Where to draw the noise from (default: a fresh :class:`opdims.NumpyStream`).
    noise_sigma : float, optional
        Noise standard deviation (default ``net.noise_sigma``).
    W : array_like, optional
        ``[N, N]`` recurrent weights to use instead of ``net.W``.

    Returns
    -------
    x_t : numpy.ndarray
        ``[B, T, N]`` states after each step.
    z_t : numpy.ndarray
        ``[B, T, n_out]`` outputs.

    Examples
    --------
    >>> import numpy as np
    >>> import opdims
    >>> rng = np.random.default_rng(0)
    >>> net = opdims.Network(W_in=rng.standard_normal((3, 1)), W=rng.standard_normal((3, 3)) / 2,
    ...                      W_out=rng.standard_normal((1, 3)), x0=np.zeros((3, 1)), b_x=np.zeros(3), b_z=np.zeros(1))
    >>> x_t, z_t = run_rnn_loops(net, np.ones((2, 5, 1)), [1, 1], noise=np.zeros((2, 5, 3)))
    >>> traj = opdims.simulate(net, np.ones((2, 5, 1)), [1, 1], noise_sigma=0)
    >>> bool(np.allclose(x_t, traj.x))
    True
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
        r = net.rates(x)
        wu_t = net.W_in @ inputs[trial].T
        if noise is not None:
            noise_t = sigma * np.asarray(noise[trial]).T
        else:
            noise_t = sigma * stream.randn((n, n_steps))
        for t in range(n_steps):
            x = (1.0 - a) * x + a * (wu_t[:, t] + W @ r + net.b_x + noise_t[:, t])
            r = net.rates(x)
            x_t[trial, t] = x
            z_t[trial, t] = net.W_out @ r + net.b_z
    return x_t, z_t


def remove_dimension_loops(W, dims, dim_type: str) -> np.ndarray:
    """Remove dimensions from W as ``remove_dimension_from_weight_matrix``: one column at a time.

    Parameters
    ----------
    W : array_like
        ``[N, N]`` recurrent weights.
    dims : array_like
        ``[N, d]`` dimensions as columns (``[N]`` for one).
    dim_type : str
        ``'columns'`` or ``'rows'``.

    Returns
    -------
    numpy.ndarray
        ``[N, N]``.

    Examples
    --------
    >>> import numpy as np
    >>> remove_dimension_loops(np.ones((2, 2)), [1.0, 0.0], "rows")
    array([[0., 1.],
           [0., 1.]])
    """
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
    """Return the state distance as ``get_state_distance_between_trajs``: step by step, trial by trial.

    Parameters
    ----------
    x_a : array_like
        ``[B, T, N]`` states.
    x_b : array_like
        ``[B, T, N]`` states.

    Returns
    -------
    float
        The Euclidean distance per step and trial, averaged over trials, then over steps.

    Examples
    --------
    >>> import numpy as np
    >>> state_distance_loops(np.zeros((1, 2, 2)), np.full((1, 2, 2), 3.0) * [1.0, 4 / 3])
    5.0
    """
    n_trials, n_steps, _ = np.shape(x_a)
    dist = np.zeros((n_steps, n_trials))
    for t in range(n_steps):
        for trial in range(n_trials):
            dist[t, trial] = np.linalg.norm(x_a[trial, t] - x_b[trial, t])
    return float(dist.mean(axis=1).mean(axis=0))


def mse_loops(z, targets) -> float:
    """Return the mean squared error of output 1, as ``get_mse(z, targets, 'all')``.

    Parameters
    ----------
    z : array_like
        ``[B, T, n_out]`` outputs.
    targets : array_like
        ``[B, T, n_out]``.

    Returns
    -------
    float
        The error.

    Examples
    --------
    >>> import numpy as np
    >>> mse_loops(np.ones((2, 3, 1)), np.zeros((2, 3, 1)))
    1.0
    """
    return float(np.mean((np.asarray(z)[..., 0] - np.asarray(targets)[..., 0]) ** 2))


def rank_sweep_loops(net: Network, basis, dim_type: str, inputs, condition_ids, targets, noise, ranks=None):
    """Sweep the rank as the s1/s3 scripts: per rank, remove ``basis[:, k:]`` and run a forward pass.

    Every pass uses the same standard-normal noise (the original reseeds
    before each).

    Parameters
    ----------
    net : opdims.Network
        The network.
    basis : array_like
        ``[N, N]`` orthonormal basis as columns, by importance.
    dim_type : str
        ``'columns'`` or ``'rows'``.
    inputs : array_like
        ``[B, T, n_in]``.
    condition_ids : array_like of int
        ``[B]``: 1-based initial-state column of each trial.
    targets : array_like
        ``[B, T, n_out]``.
    noise : array_like
        ``[B, T, N]`` standard-normal internal noise.
    ranks : array_like of int, optional
        ``[K]`` ranks (default ``1..N``).

    Returns
    -------
    cost : numpy.ndarray
        ``[K]`` MSE of output 1 per rank.
    state_distance : numpy.ndarray
        ``[K]`` distance to the full-rank trajectories per rank.

    Examples
    --------
    >>> import numpy as np
    >>> import opdims
    >>> rng = np.random.default_rng(0)
    >>> net = opdims.Network(W_in=rng.standard_normal((3, 1)), W=rng.standard_normal((3, 3)) / 2,
    ...                      W_out=rng.standard_normal((1, 3)), x0=np.zeros((3, 1)), b_x=np.zeros(3), b_z=np.zeros(1))
    >>> cost, distance = rank_sweep_loops(net, np.eye(3), "columns", np.ones((2, 5, 1)), [1, 1],
    ...                                   np.zeros((2, 5, 1)), np.zeros((2, 5, 3)))
    >>> float(distance[-1])  # rank N: the full network
    0.0
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
    """Return ``-delta f`` as ``get_neg_deltaFF``: remove a dimension from W and run one step.

    ``x0`` is normalised, made orthogonal to ``previous`` by QR and removed
    from W; the network runs one noise-free step from ``location`` with zero
    input (drawing ``randn(N, 1)`` from ``stream`` as the original).

    Parameters
    ----------
    x0 : array_like
        ``[N]`` candidate dimension (any length).
    previous : array_like
        ``[N, j]`` dimensions found before, as columns.
    net : opdims.Network
        The network.
    location : array_like
        ``[N]`` the sampling location (a state).
    next_state : array_like
        ``[N]`` the full-rank network's state one step after ``location``.
    dim_type : str
        ``'columns'`` or ``'rows'``.
    stream : RandomStream
        Where the step's (unused) noise is drawn from.

    Returns
    -------
    float
        Minus the distance between ``next_state`` and the modified network's state.

    Examples
    --------
    >>> import numpy as np
    >>> import opdims
    >>> rng = np.random.default_rng(0)
    >>> net = opdims.Network(W_in=rng.standard_normal((3, 1)), W=rng.standard_normal((3, 3)) / 2,
    ...                      W_out=rng.standard_normal((1, 3)), x0=np.zeros((3, 1)), b_x=np.zeros(3), b_z=np.zeros(1))
    >>> from opdims import NumpyStream
    >>> location = np.array([1.0, 0.5, -0.5])
    >>> nothing = np.zeros((3, 0))
    >>> x1 = neg_delta_ff_loops([1.0, 0, 0], nothing, net, location, location, "columns", NumpyStream(0))
    >>> x1 < 0
    True
    """
    x0 = np.asarray(x0, dtype=np.float64) / np.linalg.norm(x0)
    q, _ = np.linalg.qr(np.column_stack([previous, x0]))
    W_mod = remove_dimension_loops(net.W, q[:, -1], dim_type)
    return -float(np.linalg.norm(next_state - _relax_loops(net, location, W_mod, stream)))


def column_dimensions_loops(net: Network, locations, stream: RandomStream | int | None = None):
    """Compute s2's column dimensions location by location: the closed-form first dimension and its fval.

    Parameters
    ----------
    net : opdims.Network
        The network.
    locations : array_like
        ``[L, N]`` sampling locations (states).
    stream : RandomStream, int or None, optional
        Where the one-step runs draw their (unused) noise from.

    Returns
    -------
    opdims.LocalOperativeDimensions
        Column dimensions: dimension 1 (``W φ(location)``, normalised) at
        each location, NaN for the others.

    Examples
    --------
    >>> import numpy as np
    >>> import opdims
    >>> rng = np.random.default_rng(0)
    >>> net = opdims.Network(W_in=rng.standard_normal((3, 1)), W=rng.standard_normal((3, 3)) / 2,
    ...                      W_out=rng.standard_normal((1, 3)), x0=np.zeros((3, 1)), b_x=np.zeros(3), b_z=np.zeros(1))
    >>> local = column_dimensions_loops(net, np.zeros((2, 3)) + [1.0, 0.5, -0.5], stream=0)
    >>> local.dims.shape, bool(np.isnan(local.fvals[:, 1:]).all())
    ((2, 3, 3), True)
    """
    stream = as_stream(stream)
    locations = np.asarray(locations, dtype=np.float64).reshape(-1, net.n_units)
    n_loc, n = locations.shape
    dims = np.full((n_loc, n, n), np.nan)
    fvals = np.full((n_loc, n), np.nan)
    next_states = np.empty((n_loc, n))
    for loc in range(n_loc):
        next_states[loc] = _relax_loops(net, locations[loc], net.W, stream)
        v = net.W @ net.rates(locations[loc])
        dims[loc, 0] = v / np.linalg.norm(v)
        fvals[loc, 0] = neg_delta_ff_loops(dims[loc, 0], np.zeros((n, 0)), net, locations[loc],
                                           next_states[loc], "columns", stream)
    return LocalOperativeDimensions("columns", dims, fvals, locations, next_states)


def row_dimensions_loops(net: Network, location, *, n_dims: int | None = None,
                         stream: RandomStream | int | None = None, threshold: float = FVAL_THRESHOLD,
                         tol_x: float = 1e-6) -> LocalOperativeDimensions:
    """Compute s2's row dimensions at one location by numerical optimisation, as the original.

    Per dimension a random unit start, a BFGS minimisation
    (finite-difference gradient, as ``fminunc``) of
    :func:`neg_delta_ff_loops`, QR post-processing; stop once ``|fval| < threshold``.

    Parameters
    ----------
    net : opdims.Network
        The network.
    location : array_like
        ``[N]`` the sampling location (a state).
    n_dims : int, optional
        Most dimensions to find (default N).
    stream : RandomStream, int or None, optional
        Where the starts are drawn from.
    threshold : float, optional
        Stop once a dimension's ``|fval|`` is below this.
    tol_x : float, optional
        Relative step tolerance of the minimiser.

    Returns
    -------
    opdims.LocalOperativeDimensions
        Row dimensions at one location (``dims [1, N, N]``, NaN for those not computed).

    Examples
    --------
    >>> import numpy as np
    >>> import opdims
    >>> rng = np.random.default_rng(0)
    >>> net = opdims.Network(W_in=rng.standard_normal((3, 1)), W=rng.standard_normal((3, 3)) / 2,
    ...                      W_out=rng.standard_normal((1, 3)), x0=np.zeros((3, 1)), b_x=np.zeros(3), b_z=np.zeros(1))
    >>> local = row_dimensions_loops(net, [1.0, 0.5, -0.5], n_dims=1, stream=0)
    >>> local.dims.shape, bool(np.isfinite(local.fvals[0, 0]))
    ((1, 3, 3), True)
    """
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
