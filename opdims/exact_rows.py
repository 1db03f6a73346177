"""Exact local operative row dimensions: the provably best unit vector at each greedy step.

Removing a unit vector q from the rows of W changes the next state at a
location x by ``a (W q)(q' r)``, ``r = φ(x)`` (any nonlinearity φ), so
``Δf(q) = a |q' r| ||W q||``. The greedy search takes, at each step, the q
maximising Δf among unit vectors orthogonal to the dimensions found so far.
Write q = B y with B [N, d] an orthonormal basis of that allowed subspace,
``r~ = B' r``, ``rho = |r~|`` and ``M~ = (WB)'(WB) = V diag(lam) V'``.

The maximum has a closed characterisation. Because
``|y'r~| ||WBy|| = max over unit z, v of (y'r~)(z'WBy)`` and the largest
eigenvalue of the symmetric part of ``r~ b'`` is ``(r~'b + |r~||b|) / 2``,

    max_y |y'r~| ||WBy|| = 1/2 max over unit v of ||WB (r~ + rho v)||,

and the right side is a trust-region problem: maximise the convex quadratic
``sum_i lam_i (c_i + rho w_i)^2`` (``c = V'r~``, ``w = V'v``) on the unit
sphere. Its global maximiser is ``w_i = lam_i c_i / (rho (sigma - lam_i))``
with the unique ``sigma >= lam_max`` solving the secular equation

    sum_i lam_i^2 c_i^2 / (sigma - lam_i)^2 = rho^2,

whose left side decreases strictly on ``(lam_max, inf)``; when the weights
``lam_i c_i`` of the top eigenspace vanish and the left side at ``lam_max``
is at most ``rho^2`` (the "hard case"), ``sigma = lam_max`` and the missing
norm goes to a top eigenvector. The best row dimension is then
``y = p / |p|`` with ``p = c + rho w``, i.e. ``y ∝ (sigma I - M~)^{-1} r~``,
and ``Δf = a/2 sqrt(sum_i lam_i p_i^2)``. (``sigma = 2 y'M~y``: this is the
stationary point of DESIGN §5 on the outermost branch, the only one that
is the global maximum.)
"""

from __future__ import annotations

import numpy as np
from tqdm.auto import tqdm

from .backend import single_threaded_blas
from .network import Network
from .operative import FVAL_THRESHOLD, LocalOperativeDimensions, delta_f, orthonormalize_against, relax_step
from .reduce import as_dimension_matrix
from .validation import check_locations

__all__ = ["best_directions", "best_row_dimension", "exact_row_dimensions", "secular_maximiser"]

_MAX_ITERATIONS = 200


def _secular_root(e, gap, rho, lo, hi):
    """Root ``delta > 0`` of ``S(delta) = sum_i e_i / (delta + gap_i)^2 = rho^2`` per row.

    Safeguarded Newton on ``psi = 1/sqrt(S) - 1/rho`` (increasing in delta)
    inside the bracket ``[lo, hi]`` where ``psi(lo) <= 0 <= psi(hi)``.
    ``e, gap [L, d]``, ``rho, lo, hi [L]``.
    """
    weighted = e > 0
    delta = lo.copy()
    for _ in range(_MAX_ITERATIONS):
        denom = np.where(weighted, delta[:, None] + gap, 1.0)
        s = np.sum(np.where(weighted, e / denom**2, 0.0), axis=1)
        ds = np.sum(np.where(weighted, e / denom**3, 0.0), axis=1)
        psi = 1.0 / np.sqrt(s) - 1.0 / rho
        lo = np.where(psi <= 0, delta, lo)
        hi = np.where(psi >= 0, delta, hi)
        step = psi * s**1.5 / ds
        new = delta - step
        outside = ~((new > lo) & (new < hi))
        new = np.where(outside, 0.5 * (lo + hi), new)
        done = (np.abs(new - delta) <= 4 * np.finfo(float).eps * np.abs(delta)) | (hi - lo <= 0) | (psi == 0)
        delta = np.where(psi == 0, delta, new)
        if done.all():
            break
    return delta


def secular_maximiser(lam, c, rho):
    """Solve ``max over unit w of sum_i lam_i (c_i + rho w_i)^2`` for each row.

    ``lam [L, d]``: eigenvalues of ``M~`` in ascending order (>= 0);
    ``c [L, d]``: ``r~`` in the eigenbasis; ``rho [L]``: ``|r~|`` (> 0).
    Returns ``p = c + rho w`` ``[L, d]`` (eigenbasis coordinates of the best
    direction, unnormalised) and ``value [L]`` = ``Δf / a`` of that direction.
    """
    lam = np.maximum(np.asarray(lam, dtype=np.float64), 0.0)
    c = np.asarray(c, dtype=np.float64)
    rho = np.asarray(rho, dtype=np.float64)
    n_rows = lam.shape[0]
    gap = lam[:, -1:] - lam
    at_top = gap == 0
    e = (lam * c) ** 2
    e_top = np.sum(np.where(at_top, e, 0.0), axis=1)
    off_top = ~at_top
    s_at_top = np.sum(np.where(off_top, e / np.where(off_top, gap, 1.0) ** 2, 0.0), axis=1)
    hard = (e_top == 0) & (s_at_top <= rho**2)

    delta = np.zeros(n_rows)
    regular = ~hard
    if regular.any():
        lo = np.sqrt(e_top[regular]) / rho[regular]
        hi = np.sqrt(e[regular].sum(axis=1)) / rho[regular]
        delta[regular] = _secular_root(e[regular], gap[regular], rho[regular], lo, hi)

    denom = delta[:, None] + gap
    solvable = denom > 0
    w = np.where(solvable, lam * c / (rho[:, None] * np.where(solvable, denom, 1.0)), 0.0)
    if hard.any():
        first_top = np.argmax(at_top, axis=1)
        rows = np.flatnonzero(hard)
        rest = np.sum(w[rows] ** 2, axis=1)
        w[rows, first_top[rows]] = np.sqrt(np.maximum(0.0, 1.0 - rest))
    p = c + rho[:, None] * w
    value = 0.5 * np.sqrt(np.sum(lam * p**2, axis=1))
    return p, value


def best_directions(WB, r_sub):
    """Best unit ``y [L, d]`` maximising ``|y'r~| ||WB y||`` for each of ``L`` problems.

    ``WB [L, N, d]``: W times an orthonormal basis B of the allowed subspace;
    ``r_sub [L, d]``: ``B' φ(x)``. Returns ``y`` and ``value [L]``, the
    maximum of ``|y'r~| ||WB y||`` (= ``Δf / a``). Where every direction
    gives zero (``r~ = 0`` or ``WB = 0``) ``y`` is a top eigenvector of
    ``(WB)'(WB)`` and the value is 0.
    """
    WB = np.asarray(WB, dtype=np.float64)
    r_sub = np.asarray(r_sub, dtype=np.float64)
    lam, V = np.linalg.eigh(np.swapaxes(WB, 1, 2) @ WB)
    c = np.einsum("ldk,ld->lk", V, r_sub)
    rho = np.linalg.norm(r_sub, axis=1)
    y_eig = np.zeros_like(c)
    y_eig[:, -1] = 1.0
    value = np.zeros(len(c))
    live = rho > 0
    if live.any():
        p, v = secular_maximiser(lam[live], c[live], rho[live])
        norm = np.linalg.norm(p, axis=1)
        ok = norm > 0
        y_eig[np.flatnonzero(live)[ok]] = p[ok] / norm[ok, None]
        value[live] = v
    return np.einsum("ldk,lk->ld", V, y_eig), value


def best_row_dimension(net: Network, location, previous=None):
    """The best next row dimension at ``location [N]`` given earlier ones.

    ``previous [N, j]``: the dimensions found so far (as columns; they are
    orthonormalised, as the original does with QR). Returns ``q [N]`` (unit,
    orthogonal to ``previous``) and its Δf from the one-step simulation.
    """
    loc = check_locations(net, location).reshape(-1)
    n = net.n_units
    previous = as_dimension_matrix(previous, n, "previous dimensions")
    j = previous.shape[1]
    if j >= n:
        raise ValueError(f"previous dimensions: {j} given, so no direction of {n} units is left")
    basis, _ = np.linalg.qr(np.column_stack([previous, np.eye(n)]), mode="complete")
    B = basis[:, j:]
    y, _ = best_directions((net.W @ B)[None], (B.T @ net.rates(loc))[None])
    q = orthonormalize_against(B @ y[0], previous)
    return q, delta_f(net, loc, q, "rows")


def _one_step_fvals(net: Network, locations, next_states, q):
    """``-Δf`` of removing ``q [L, N]`` from the rows of W, by the one-step simulation."""
    W_mod = net.W[None] - (q @ net.W.T)[:, :, None] * q[:, None, :]
    return -np.linalg.norm(next_states - relax_step(net, locations, W_mod), axis=1)


def _deflate(B, WB, y):
    """Drop direction ``y [L, d]`` from the bases: ``B, WB [L, N, d] -> [L, N, d-1]``.

    A Householder reflection maps y to ``±e_1``; the other reflected columns
    span the complement of y.
    """
    sign = np.where(y[:, 0] >= 0, 1.0, -1.0)
    u = y.copy()
    u[:, 0] += sign
    scale = 2.0 / np.sum(u * u, axis=1)
    B = B - (scale[:, None] * np.einsum("lnd,ld->ln", B, u))[:, :, None] * u[:, None, :]
    WB = WB - (scale[:, None] * np.einsum("lnd,ld->ln", WB, u))[:, :, None] * u[:, None, :]
    return B[:, :, 1:], WB[:, :, 1:]


def exact_row_dimensions(net: Network, locations, *, n_dims: int | None = None,
                         threshold: float = FVAL_THRESHOLD, progress: bool = False) -> LocalOperativeDimensions:
    """Local operative row dimensions at ``locations [L, N]``, each greedy step exact.

    At each step every location takes the unit vector with the largest Δf
    orthogonal to its earlier dimensions (see the module docstring), its
    ``fval = -Δf`` from the one-step simulation as the original, and stops
    after the first dimension with ``|fval| < threshold``, as the original.
    ``n_dims`` caps the number of dimensions (default N). All locations
    advance together.
    """
    loc = check_locations(net, locations).reshape(-1, net.n_units)
    n_loc, n = loc.shape
    n_dims = n if n_dims is None else int(n_dims)
    if not 0 <= n_dims <= n:
        raise ValueError(f"n_dims: expected 0..{n} (the number of units), got {n_dims}")
    next_states = relax_step(net, loc)
    dims = np.full((n_loc, n, n), np.nan)
    fvals = np.full((n_loc, n), np.nan)
    active = np.arange(n_loc)
    B = np.broadcast_to(np.eye(n), (n_loc, n, n)).copy()
    WB = np.broadcast_to(net.W, (n_loc, n, n)).copy()
    r = net.rates(loc)
    with single_threaded_blas():
        for j in tqdm(range(n_dims), desc="exact row dimensions", unit="dim", disable=not progress):
            if active.size == 0:
                break
            B, WB, active = _greedy_step(net, loc, r, next_states, dims, fvals, B, WB, active, j, threshold)
    return LocalOperativeDimensions("rows", dims, fvals, loc, next_states).trimmed()


def _greedy_step(net, loc, r, next_states, dims, fvals, B, WB, active, j, threshold):
    """Dimension ``j`` at the ``active`` locations (written into ``dims``, ``fvals``);
    returns the deflated bases and the locations that go on."""
    y, _ = best_directions(WB, np.einsum("lnd,ln->ld", B, r[active]))
    q = np.einsum("lnd,ld->ln", B, y)
    if j:
        previous = dims[active, :j]
        q = q - np.einsum("ljn,lj->ln", previous, np.einsum("ljn,ln->lj", previous, q))
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    fval = _one_step_fvals(net, loc[active], next_states[active], q)
    dims[active, j] = q
    fvals[active, j] = fval
    going_on = np.abs(fval) >= threshold
    active = active[going_on]
    if j + 1 < net.n_units:
        B, WB = _deflate(B[going_on], WB[going_on], y[going_on])
    return B, WB, active
