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

Greedy steps without a new eigendecomposition
---------------------------------------------
Solving each step from scratch costs one eigendecomposition of the
``d x d`` matrix ``M~`` per step and location (the *recompute* path). The
solver instead keeps a *base*: an eigendecomposition ``V diag(lam) V'`` of
``W'W`` on a subspace (at first all of R^N, one for every location), and per
location the ``k`` dimensions found since, as orthonormal columns
``Y [n, k]`` in base coordinates. The allowed subspace is ``S = Y⊥`` and
``M~ = P diag(lam) P`` on it (``P = I - YY'``). Everything the closed form
needs is a resolvent of ``M~`` applied to a vector of S:
``x(t) = (t - M~)^{-1} c_S`` (``c_S = P V'r``), the secular function
``g(t) = |t x - c_S|^2`` (``= sum_i lam~_i^2 c~_i^2 / (t - lam~_i)^2`` in the
eigenbasis of ``M~``, which is never formed), its derivative
``g'(t) = -2 w'(t - M~)^{-1} w`` (``w = t x - c_S``), and the direction
``y ∝ x(sigma)``. A resolvent solves the bordered system
``(t - lam) x + Y nu = b, Y'x = 0``. Its coordinates F below the top k
(eigenvalues ``<= lam_(k+1) <= mu``, the top eigenvalue of ``M~``, by
interlacing, so below ``t``) are eliminated, ``x_F = D_F (b_F - Y_F nu)``
with ``D_F = diag(1 / (t - lam_F))``; the top k coordinates ``x_T`` stay
unknowns, which leaves the symmetric ``2k x 2k`` system (``s = t - lam_(k+1)``)

    [[diag(t - lam_T) / s, Y_T], [Y_T', -s Y_F' D_F Y_F]] [x_T, nu / s] = [b_T / s, -Y_F' D_F b_F],

whose entries stay O(1) however close ``t`` comes to a top base eigenvalue
(eliminating those too, the plain Schur complement ``Y'DY``, cancels
catastrophically there). By Haynsworth's inertia formula this matrix has
exactly k negative eigenvalues iff ``t > mu``. So ``sigma`` is found by
bisection to a start ``mu < t <= sigma`` (an inertia count and ``g(t) >= rho^2``)
and then Newton's method on ``1 / sqrt(g) - 1 / rho`` (concave and increasing
above ``mu``, so the iterates rise monotonically to the root). A greedy step
costs ``O(n k^2)`` per function value instead of ``O(n^3)``, and the
expensive ``O(N^3)`` eigendecomposition of ``W'W`` is shared by all locations.

Each update step estimates its rounding error (cancellation in ``x_F``, and
the condition of the ``2k x 2k`` system). The location falls back to the
exact recompute (its base is replaced by the eigendecomposition of ``M~``
itself, after which ``k = 0`` and the step is the closed form above) where
the estimate exceeds ``1e-11`` (relative), where the bisection cannot place a
start above ``mu`` (at or near the hard case), or where ``r`` has no
component left in S. The base is also recomputed when ``k`` exceeds
``max(8, N / 4)`` (or leaves fewer than two directions), where the ``k x k``
algebra stops being cheap.

Accuracy. Either path gets r's component in S by projection, so a step's
direction carries a rounding error of about ``eps |r| / |r_S|``: it grows
along the greedy sequence as r is used up (to ~1e-8 at the steps where
``|fval|`` nears the 1e-8 stop), in the recompute path as much as here, while
the step's contribution ``dim * fval`` (what the global dimensions are made
of) stays at rounding level relative to the first fval. The two paths agree
to 3e-14 of the first fval on the authors' ctxt network 1.

Locations are processed in chunks of bounded memory (the shared base and a
few ``N x N`` arrays per worker), by ``threads`` worker threads, each with
single-threaded BLAS.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from tqdm.auto import tqdm

from ..core.backend import check_threads, single_threaded_blas, split
from ..core.network import Network
from ..core.reduce import as_dimension_matrix
from ..core.validation import ValidationError, check_locations
from .operative import FVAL_THRESHOLD, LocalOperativeDimensions, delta_f, orthonormalize_against, relax_step

__all__ = ["best_directions", "best_row_dimension", "exact_row_dimensions", "secular_maximiser"]

_MAX_ITERATIONS = 200  #: Newton steps of a secular root (it converges in far fewer)
_MAX_BRACKET = 60  #: bisection steps to find a start above the top eigenvalue of M~ (else: near the hard case)
_UPDATE_TOL = 1e-11  #: estimated relative error of an update step above which the step is recomputed
_MEMORY_BYTES = 256 * 2**20  #: working memory per worker thread, roughly
#: below this many units a location's work is mostly Python overhead under the GIL, and one
#: worker (all locations batched together) beats several: the default is then one thread
_THREADED_UNITS = 256
_EPS = np.finfo(np.float64).eps


# --------------------------------------------------------------------------------------------------
# the closed form in an eigenbasis


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
        newton = delta - psi * s**1.5 / ds
        inside = (newton > lo) & (newton < hi)
        # converged once the Newton step is below rounding, judged before the safeguard (which
        # would bisect back from a root that rounding puts on the wrong side of the bracket)
        done = (np.abs(newton - delta) <= 4 * _EPS * np.abs(delta)) | (hi - lo <= 0) | (psi == 0)
        new = np.where(inside, newton, 0.5 * (lo + hi))
        delta = np.where(psi == 0, delta, np.where(done, np.where(inside, newton, delta), new))
        if done.all():
            break
    return delta


def secular_maximiser(lam, c, rho):
    """Solve ``max over unit w of sum_i lam_i (c_i + rho w_i)^2`` for each row.

    The trust-region form of one greedy step in the eigenbasis of ``M~``
    (see the module docstring); the hard case is included.

    Parameters
    ----------
    lam : array_like
        ``[L, d]``: eigenvalues of ``M~`` in ascending order (negative values,
        rounding errors of a positive semidefinite matrix, count as 0).
    c : array_like
        ``[L, d]``: ``r~`` in the eigenbasis.
    rho : array_like
        ``[L]``: ``|r~|``, positive.

    Returns
    -------
    p : numpy.ndarray
        ``[L, d]``: ``c + rho w``, the eigenbasis coordinates of the best
        direction (not normalised).
    value : numpy.ndarray
        ``[L]``: ``Δf / a`` of that direction, ``max |y'r~| ||WB y||``.

    Raises
    ------
    ValueError
        If the shapes do not match or ``rho`` is not positive.

    Examples
    --------
    >>> import numpy as np
    >>> p, value = secular_maximiser(np.array([[1.0, 4.0]]), np.array([[1.0, 0.0]]), np.array([1.0]))
    >>> (p[0] / np.linalg.norm(p[0])) ** 2, value ** 2  # y = (sqrt(2/3), sqrt(1/3)), (y'r)^2 y'M~y = 4/3
    (array([0.66666667, 0.33333333]), array([1.33333333]))
    """
    lam = np.maximum(np.asarray(lam, dtype=np.float64), 0.0)
    c = np.asarray(c, dtype=np.float64)
    rho = np.asarray(rho, dtype=np.float64)
    if lam.ndim != 2 or c.shape != lam.shape or rho.shape != lam.shape[:1]:
        raise ValueError(f"secular_maximiser: expected lam, c [L, d] and rho [L], got {lam.shape}, {c.shape} and "
                         f"{rho.shape}")
    if not np.all(rho > 0):
        raise ValueError("secular_maximiser: rho (|r~|) must be positive")
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


def _best_in_eigenbasis(lam, c):
    """Best unit ``u [G, n]`` in the eigenbasis (``lam [G, n]`` ascending, ``c [G, n]``) and ``value [G]``.

    Where every direction gives zero (``c = 0``) ``u`` is the top eigenvector
    and the value 0.
    """
    rho = np.linalg.norm(c, axis=1)
    u = np.zeros_like(c)
    u[:, -1] = 1.0
    value = np.zeros(len(c))
    live = rho > 0
    if live.any():
        p, v = secular_maximiser(lam[live], c[live], rho[live])
        norm = np.linalg.norm(p, axis=1)
        ok = norm > 0
        u[np.flatnonzero(live)[ok]] = p[ok] / norm[ok, None]
        value[live] = v
    return u, value


def _best_directions(WB, r_sub):
    lam, V = np.linalg.eigh(np.swapaxes(WB, 1, 2) @ WB)
    c = np.einsum("ldk,ld->lk", V, r_sub)
    u, value = _best_in_eigenbasis(lam, c)
    return np.einsum("ldk,lk->ld", V, u), value


def best_directions(WB, r_sub):
    """Best unit ``y`` maximising ``|y'r~| ||WB y||`` for each of ``L`` problems.

    One eigendecomposition of ``(WB)'(WB)`` per problem and the closed form of
    :func:`secular_maximiser` (single-threaded BLAS).

    Parameters
    ----------
    WB : array_like
        ``[L, N, d]``: W times an orthonormal basis B of the allowed subspace.
    r_sub : array_like
        ``[L, d]``: ``B' φ(x)``.

    Returns
    -------
    y : numpy.ndarray
        ``[L, d]``: unit vectors; where every direction gives zero (``r~ = 0``
        or ``WB = 0``) a top eigenvector of ``(WB)'(WB)``.
    value : numpy.ndarray
        ``[L]``: the maximum of ``|y'r~| ||WB y||`` (``Δf / a``).

    Raises
    ------
    ValueError
        If the shapes do not match.

    Examples
    --------
    >>> import numpy as np
    >>> y, value = best_directions(2.0 * np.eye(3)[None], np.array([[3.0, 0.0, 4.0]]))
    >>> y.round(12), value
    (array([[0.6, 0. , 0.8]]), array([10.]))
    """
    WB = np.asarray(WB, dtype=np.float64)
    r_sub = np.asarray(r_sub, dtype=np.float64)
    if WB.ndim != 3 or r_sub.shape != (WB.shape[0], WB.shape[2]):
        raise ValueError(f"best_directions: expected WB [L, N, d] and r_sub [L, d], got {WB.shape} and "
                         f"{r_sub.shape}")
    with single_threaded_blas():
        return _best_directions(WB, r_sub)


# --------------------------------------------------------------------------------------------------
# the update: a greedy step in a base eigenbasis with k dimensions removed since (Schur complement)


def _mv(A, x):
    """Batched matrix-vector product ``A [G, m, n] @ x [G, n] -> [G, m]``."""
    return (A @ x[..., None])[..., 0]


def _solve_rows(K, rhs):
    """``K^{-1} rhs`` per row; NaN in the rows whose ``K`` is exactly singular (they are recomputed)."""
    try:
        return np.linalg.solve(K, rhs[..., None])[..., 0]
    except np.linalg.LinAlgError:
        out = np.full_like(rhs, np.nan)
        for i in range(len(K)):
            try:
                out[i] = np.linalg.solve(K[i], rhs[i])
            except np.linalg.LinAlgError:
                pass
        return out


def _negative_eigenvalues(K):
    """Number of negative eigenvalues of each symmetric ``K`` (-1 where LAPACK fails) and
    the eigenvalues' magnitudes."""
    try:
        theta = np.linalg.eigvalsh(K)
        return np.sum(theta < 0, axis=1), np.abs(theta)
    except np.linalg.LinAlgError:
        counts, sizes = np.full(len(K), -1), np.full(K.shape[:2], np.nan)
        for i in range(len(K)):
            try:
                theta = np.linalg.eigvalsh(K[i])
                counts[i], sizes[i] = np.sum(theta < 0), np.abs(theta)
            except np.linalg.LinAlgError:
                pass
        return counts, sizes


def _strictly_above(t, floor):
    """``t``, moved just above ``floor`` where it is not above it."""
    bump = floor + np.maximum(4 * _EPS * np.abs(floor), np.finfo(np.float64).tiny)
    return np.where(t > floor, t, bump)


class _Resolvent:
    """``(t - M~)^{-1}`` on ``S = Y⊥`` at one ``t`` per row, ``t`` above the (k+1)-th largest base eigenvalue.

    The top k base coordinates ``x_T`` stay unknowns next to the multipliers
    ``nu`` of the bordered system; the other coordinates, whose eigenvalues
    lie below ``t``, are eliminated, ``x_F = D_F (b_F - Y_F nu)``, with
    ``0 < D_F <= 1 / s``, ``s = t - lam_(k+1)``. What is left is the symmetric
    ``2k x 2k`` system (scaled by s so that its entries are O(1))

        [[diag(t - lam_T) / s, Y_T], [Y_T', -s Y_F' D_F Y_F]] [x_T, nu / s] = [b_T / s, -Y_F' D_F b_F],

    with no large entries however close ``t`` comes to a top eigenvalue, and
    with exactly k negative eigenvalues iff ``t`` is above every eigenvalue of
    ``M~`` (Haynsworth inertia of the bordered matrix).
    """

    def __init__(self, t, lam, parts):
        YF, YFt, YT = parts
        n_f, k = YF.shape[1], YT.shape[2]
        self.parts, self.k = parts, k
        self.s = t - lam[:, n_f - 1]
        self.dF = 1.0 / (t[:, None] - lam[:, :n_f])
        K = np.empty((len(t), 2 * k, 2 * k))
        K[:, :k, :k] = 0.0
        diag = np.arange(k)
        K[:, diag, diag] = (t[:, None] - lam[:, n_f:]) / self.s[:, None]
        K[:, :k, k:] = YT
        K[:, k:, :k] = np.swapaxes(YT, 1, 2)
        K[:, k:, k:] = -self.s[:, None, None] * ((YFt * self.dF[:, None, :]) @ YF)
        self.K = K

    def solve(self, b):
        """``x = (t - M~)^{-1} P b`` for ``b [G, n]``; also the scaled solution ``[x_T, nu / s]``."""
        YF, YFt, _ = self.parts
        n_f = YF.shape[1]
        rhs = np.concatenate([b[:, n_f:] / self.s[:, None], -_mv(YFt, self.dF * b[:, :n_f])], axis=1)
        sol = _solve_rows(self.K, rhs)
        nu = self.s[:, None] * sol[:, self.k:]
        x = np.concatenate([self.dF * (b[:, :n_f] - _mv(YF, nu)), sol[:, :self.k]], axis=1)
        return x, sol, nu


def _update_directions(lam, c, Y):
    """One greedy step for ``G`` locations whose bases have the same size: ``lam [G, n]``
    ascending, ``c [G, n]`` (``r`` in base coordinates), ``Y [G, n, k]`` (orthonormal
    columns, ``1 <= k <= n - 2``).

    Returns ``u [G, n]`` (unit, in S, base coordinates), ``value [G]`` (``Δf / a``)
    and ``ok [G]``: False where the step must be recomputed (see the module docstring).
    """
    n_rows, n, k = Y.shape
    n_f = n - k
    Yt = np.swapaxes(Y, 1, 2)
    c_s = c - _mv(Y, _mv(Yt, c))
    c_s -= _mv(Y, _mv(Yt, c_s))
    rho = np.linalg.norm(c_s, axis=1)
    lam_c = lam * c_s
    lam_c -= _mv(Y, _mv(Yt, lam_c))
    root_e = np.linalg.norm(lam_c, axis=1)  # |M~ c_S| = sqrt(sum of the secular weights)
    ok = (rho > 0) & (root_e > 0) & np.isfinite(rho) & np.isfinite(root_e)
    rho_ok = np.where(ok, rho, 1.0)
    rho2 = rho_ok**2
    # sigma lies in [max(|M~ c_S| / rho, lam_(k+1)), lam_max + |M~ c_S| / rho]; lam_(k+1) <= mu by interlacing
    floor = lam[:, n_f - 1]
    lo = np.maximum(root_e / rho_ok, floor)
    hi = lam[:, -1] + root_e / rho_ok
    YF = np.ascontiguousarray(Y[:, :n_f])
    parts = (YF, np.ascontiguousarray(np.swapaxes(YF, 1, 2)), np.ascontiguousarray(Y[:, n_f:]))

    def rows_of(rows):
        return lam[rows], tuple(p[rows] for p in parts)

    # phase 1: a start t with mu < t <= sigma, by bisection between lo and hi
    start = lo.copy()
    found = ok & (lo > lam[:, -1])  # above every base eigenvalue, hence above mu
    t = lo.copy()
    for _ in range(_MAX_BRACKET):
        rows = np.flatnonzero(ok & ~found)
        if rows.size == 0:
            break
        tt = _strictly_above(t[rows], floor[rows])
        res = _Resolvent(tt, *rows_of(rows))
        above_mu = _negative_eigenvalues(res.K)[0] == k
        x, _, _ = res.solve(c_s[rows])
        g = np.where(above_mu, np.sum((tt[:, None] * x - c_s[rows]) ** 2, axis=1), np.inf)
        good = above_mu & (g >= rho2[rows])
        start[rows[good]] = tt[good]
        found[rows[good]] = True
        lo[rows[~above_mu]] = tt[~above_mu]
        past = above_mu & ~good
        hi[rows[past]] = tt[past]
        t[rows] = 0.5 * (lo[rows] + hi[rows])
    ok &= found

    # phase 2: safeguarded Newton on psi = 1/sqrt(g) - 1/rho from the left (psi is concave above mu)
    t = start
    lo = start.copy()
    active = ok.copy()
    for _ in range(_MAX_ITERATIONS):
        rows = np.flatnonzero(active)
        if rows.size == 0:
            break
        tt = t[rows]
        res = _Resolvent(tt, *rows_of(rows))
        x, _, _ = res.solve(c_s[rows])
        w = tt[:, None] * x - c_s[rows]
        g = np.sum(w * w, axis=1)
        rw, _, _ = res.solve(w)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # g ~ 0 (or g**1.5 underflowing):
            psi = 1.0 / np.sqrt(g) - 1.0 / rho_ok[rows]                       # psi not finite ends the row below
            dpsi = np.sum(w * rw, axis=1) / g**1.5
            newton = tt - psi / dpsi
        lo[rows] = np.where(psi <= 0, tt, lo[rows])
        hi[rows] = np.where(psi >= 0, tt, hi[rows])
        inside = (newton > lo[rows]) & (newton < hi[rows])
        # converged: the Newton step is below rounding (judged before the safeguard, which would
        # otherwise bisect back from a root that rounding puts on the wrong side)
        done = (np.abs(newton - tt) <= 4 * _EPS * np.abs(tt)) | (hi[rows] - lo[rows] <= 4 * _EPS * np.abs(tt)) \
            | (psi == 0) | ~np.isfinite(psi)
        new = np.where(inside, newton, 0.5 * (lo[rows] + hi[rows]))
        t[rows] = np.where(done, np.where(inside, newton, tt), new)
        active[rows[done]] = False

    # the direction at sigma, and its error estimate
    u = np.zeros_like(c)
    value = np.zeros(n_rows)
    rows = np.flatnonzero(ok)
    if rows.size:
        sigma = t[rows]
        res = _Resolvent(sigma, *rows_of(rows))
        cr = c_s[rows]
        x, sol, nu = res.solve(cr)
        n_negative, abs_theta = _negative_eigenvalues(res.K)
        with np.errstate(divide="ignore", invalid="ignore"):
            cond = abs_theta.max(axis=1) / abs_theta.min(axis=1)
            x_max = np.max(np.abs(x), axis=1)
            formed = (k + 2) * _EPS * np.max(res.dF * (np.abs(cr[:, :n_f]) + _mv(np.abs(parts[0][rows]), np.abs(nu))),
                                              axis=1)
            solved = np.sqrt(2 * k) * _EPS * cond * np.linalg.norm(sol, axis=1)
            estimate = (formed + solved) / x_max
        good = (estimate <= _UPDATE_TOL) & (n_negative == k) & np.all(np.isfinite(x), axis=1)
        x = x[good]
        Yg, Ytg = Y[rows[good]], Yt[rows[good]]
        x -= _mv(Yg, _mv(Ytg, x))
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        u[rows[good]] = x
        value[rows[good]] = (np.abs(np.sum(x * cr[good], axis=1))
                             * np.sqrt(np.sum(lam[rows[good]] * x * x, axis=1)))
        ok[rows[~good]] = False
    return u, value, ok


# --------------------------------------------------------------------------------------------------
# the greedy search over locations


class _Base:
    """An eigendecomposition of W'W on a subspace: ``V [N, n]`` orthonormal, ``(WV)'(WV) = diag(lam)``."""

    __slots__ = ("V", "lam")

    def __init__(self, V, lam):
        self.V = V
        self.lam = np.maximum(lam, 0.0)


def _full_base(W):
    """The base of all of R^N, shared by every location without earlier dimensions."""
    lam, V = np.linalg.eigh(W.T @ W)
    return _Base(V, lam)


class _Location:
    """One location's greedy state."""

    __slots__ = ("Y", "base", "c", "dims", "done", "fvals", "new")

    def __init__(self, W, r, previous, shared, max_rank):
        n_units, j = previous.shape
        self.dims = previous.T.copy()  # every dimension so far in R^N (rows), earlier ones first
        self.new, self.fvals = [], []
        self.done = j >= n_units
        self.base = self.c = self.Y = None
        if self.done:
            return
        if shared is not None and j <= max_rank:
            self.base = shared
            self.c = shared.V.T @ r
            self.Y = shared.V.T @ previous
        else:  # the subspace orthogonal to the earlier dimensions, decomposed directly
            B = np.linalg.qr(previous, mode="complete")[0][:, j:] if j else np.eye(n_units)
            WB = W @ B
            lam, U = np.linalg.eigh(WB.T @ WB)
            V = B @ U
            self.base = _Base(V, lam)
            self.c = V.T @ r
            self.Y = np.zeros((len(lam), 0))

    def rebase(self):
        """Recompute the base: the eigendecomposition of M~ on S; afterwards ``k = 0``."""
        k = self.Y.shape[1]
        if k == 0:
            return
        Z = np.linalg.qr(self.Y, mode="complete")[0][:, k:]
        M = Z.T @ (self.base.lam[:, None] * Z)
        lam, U = np.linalg.eigh(0.5 * (M + M.T))
        ZU = Z @ U
        self.base = _Base(self.base.V @ ZU, lam)
        self.c = ZU.T @ self.c
        self.Y = np.zeros((len(lam), 0))


def _max_update_rank(n_units: int) -> int:
    """Dimensions removed from a base before it is recomputed (the k x k algebra stays cheap)."""
    return max(8, n_units // 4)


def _one_step_fvals(net: Network, locations, next_states, q):
    """``-Δf`` of removing ``q [L, N]`` from the rows of W, by the one-step simulation: the
    modified W formed as the original does (in one reused buffer), one location at a time."""
    W = net.W
    buffer = np.empty_like(W)
    out = np.empty(len(q))
    for i, q_i in enumerate(q):
        np.multiply((q_i @ W.T)[:, None], q_i[None, :], out=buffer)
        np.subtract(W, buffer, out=buffer)
        out[i] = -np.linalg.norm(next_states[i] - relax_step(net, locations[i], buffer))
    return out


def _greedy_chunk(net, loc, next_states, previous, shared, n_dims, threshold, max_rank, stats):
    """The greedy search at the locations ``loc [Lc, N]`` (one worker's share)."""
    n_units = net.n_units
    r = net.rates(loc)
    states = [_Location(net.W, r[i], previous[i], shared, max_rank) for i in range(len(loc))]
    for _ in range(n_dims):
        rows = [i for i, s in enumerate(states) if not s.done]
        if not rows:
            break
        for i in rows:
            s = states[i]
            k = s.Y.shape[1]
            if k > max_rank or (k and k >= len(s.base.lam) - 1):
                s.rebase()
                stats["rebase (rank)"] += 1
        groups = {}  # the shared base's locations together; own bases of one size together
        for i in rows:
            st = states[i]
            key = ("shared", st.Y.shape[1]) if st.base is shared else ("own", len(st.base.lam), st.Y.shape[1])
            groups.setdefault(key, []).append(i)
        q = np.empty((len(rows), n_units))
        u_of = {}
        position = {i: p for p, i in enumerate(rows)}
        for key, members in groups.items():
            k = key[-1]
            members = np.asarray(members)
            c = np.stack([states[i].c for i in members])
            lam = (np.broadcast_to(shared.lam, c.shape) if key[0] == "shared"
                   else np.stack([states[i].base.lam for i in members]))
            if k == 0:
                u, _ = _best_in_eigenbasis(lam, c)
                ok = np.ones(len(members), dtype=bool)
                stats["closed form"] += len(members)
            else:
                u, _, ok = _update_directions(lam, c, np.stack([states[i].Y for i in members]))
                stats["update"] += int(ok.sum())
            u_ok = u[ok]  # one copy per group: rows of it per location (a copy per location grew as L^2)
            if key[0] == "shared":
                q_group = u_ok @ shared.V.T
            else:
                q_group = [states[i].base.V @ u_i for i, u_i in zip(members[ok], u_ok)]
            for m, i in enumerate(members[ok]):
                u_of[i] = u_ok[m]
                q[position[i]] = q_group[m]
            for i in members[~ok]:  # the exact fallback: recompute the base, then the closed form
                st = states[i]
                st.rebase()
                stats["rebase (fallback)"] += 1
                u_i, _ = _best_in_eigenbasis(st.base.lam[None], st.c[None])
                u_of[i] = u_i[0]
                q[position[i]] = st.base.V @ u_i[0]
        for p, i in enumerate(rows):  # orthonormal to every earlier dimension in R^N, as the original
            D = states[i].dims
            if len(D):
                q[p] -= D.T @ (D @ q[p])
            q[p] /= np.linalg.norm(q[p])
        fvals = _one_step_fvals(net, loc[rows], next_states[rows], q)
        for p, i in enumerate(rows):
            s = states[i]
            s.dims = np.vstack([s.dims, q[p]])
            s.Y = np.column_stack([s.Y, u_of[i]])
            s.new.append(q[p])
            s.fvals.append(fvals[p])
            s.done = abs(fvals[p]) < threshold or len(s.dims) == n_units or len(s.new) == n_dims
    return [(np.array(s.new).reshape(-1, n_units), np.array(s.fvals)) for s in states]


def _check_previous(previous, n_loc: int, n_units: int) -> list:
    """Earlier dimensions per location as orthonormal columns ``[N, j_l]`` (``j_l`` may differ)."""
    if previous is None:
        return [np.zeros((n_units, 0))] * n_loc
    if isinstance(previous, LocalOperativeDimensions):
        parts = [d[~np.isnan(f)] for d, f in zip(previous.dims, previous.fvals)]
    elif isinstance(previous, (list, tuple)):
        parts = list(previous)
    else:
        arr = np.asarray(previous, dtype=np.float64)
        if arr.ndim == 2 and n_loc == 1:
            arr = arr[None]
        if arr.ndim != 3:
            raise ValidationError(f"previous: expected [L, j, N] dimensions per location (or a list of L arrays "
                                  f"[j_l, N]), got shape {arr.shape}")
        parts = list(arr)
    if len(parts) != n_loc:
        raise ValidationError(f"previous: expected dimensions for {n_loc} locations, got {len(parts)}")
    out = []
    for i, part in enumerate(parts):
        P = np.zeros((0, n_units)) if part is None else np.asarray(part, dtype=np.float64)
        if P.ndim == 1 and P.size:
            P = P[None]
        if P.size == 0:
            out.append(np.zeros((n_units, 0)))
            continue
        if P.ndim != 2 or P.shape[1] != n_units:
            raise ValidationError(f"previous, location {i}: expected [j, {n_units}] dimensions (as rows), "
                                  f"got shape {P.shape}")
        if not np.all(np.isfinite(P)):
            raise ValidationError(f"previous, location {i}: contains NaN or Inf")
        if len(P) > n_units:
            raise ValidationError(f"previous, location {i}: {len(P)} dimensions of {n_units} units")
        Q, R = np.linalg.qr(P.T)
        diag = np.abs(np.diag(R))
        if diag.min() <= 1e-10 * max(diag.max(), np.finfo(float).tiny):
            raise ValidationError(f"previous, location {i}: the dimensions are linearly dependent")
        out.append(Q)
    return out


def _exact_rows(net: Network, loc, previous, n_dims: int, threshold: float, threads: int, progress: bool = False,
                max_rank: int | None = None):
    """The greedy search; returns the new dimensions [L, D, N], their fvals [L, D] and step counts.

    ``max_rank`` caps the dimensions removed from a base before it is
    recomputed (default :func:`_max_update_rank`; 0 recomputes at every
    step: the recompute path).
    """
    n_loc, n_units = loc.shape
    max_rank = _max_update_rank(n_units) if max_rank is None else int(max_rank)
    with single_threaded_blas():
        next_states = relax_step(net, loc)
    stats = {"closed form": 0, "update": 0, "rebase (fallback)": 0, "rebase (rank)": 0}
    if n_loc == 0 or n_dims == 0:
        return np.zeros((n_loc, 0, n_units)), np.zeros((n_loc, 0)), next_states, stats
    per_location = 8 * n_units * (2 * n_units + 64)
    chunk = max(1, _MEMORY_BYTES // per_location)
    slices = split(n_loc, max(min(threads, n_loc), math.ceil(n_loc / chunk)))
    chunk_stats = [dict.fromkeys(stats, 0) for _ in slices]

    def work(index):
        s = slices[index]
        with single_threaded_blas():  # (the limit the caller's context below set holds in workers too)
            return _greedy_chunk(net, loc[s], next_states[s], previous[s], shared, n_dims, threshold, max_rank,
                                 chunk_stats[index])

    results = [None] * len(slices)
    # The BLAS limit is set here, in the calling thread, around the workers: set from inside a
    # worker thread it does not reach OpenBLAS 0.3.31's other threads (nor, as measured, itself).
    with single_threaded_blas(), tqdm(total=n_loc, desc="exact row dimensions", unit="location",
                                      disable=not progress) as bar:
        shared = _full_base(net.W) if any(p.shape[1] <= max_rank for p in previous) else None
        if threads == 1 or len(slices) == 1:
            for index in range(len(slices)):
                results[index] = work(index)
                bar.update(slices[index].stop - slices[index].start)
        else:
            with ThreadPoolExecutor(max_workers=threads) as pool:
                futures = {pool.submit(work, index): index for index in range(len(slices))}
                for future, index in futures.items():
                    results[index] = future.result()
                    bar.update(slices[index].stop - slices[index].start)
    per_location = [item for part in results for item in part]
    for part in chunk_stats:
        for key, value in part.items():
            stats[key] += value
    n_found = max((len(f) for _, f in per_location), default=0)
    dims = np.full((n_loc, n_found, n_units), np.nan)
    fvals = np.full((n_loc, n_found), np.nan)
    for i, (d, f) in enumerate(per_location):
        dims[i, :len(f)] = d
        fvals[i, :len(f)] = f
    return dims, fvals, next_states, stats


def exact_row_dimensions(net: Network, locations, *, previous=None, n_dims: int | None = None,
                         threshold: float = FVAL_THRESHOLD, progress: bool = False,
                         threads: int | None = None) -> LocalOperativeDimensions:
    """Local operative row dimensions at ``locations [L, N]``, each greedy step exact.

    At each step every location takes the unit vector with the largest Δf
    orthogonal to its earlier dimensions (see the module docstring), with its
    ``fval = -Δf`` from the one-step simulation as the original, and stops
    after the first dimension with ``|fval| < threshold``, as the original.
    One eigendecomposition of ``W'W`` serves every location; later steps
    update it (Schur complement, ``k x k`` algebra) and recompute it only where
    the update's error estimate says so. Locations are processed in chunks of
    bounded memory, in parallel over ``threads`` worker threads, each with
    single-threaded BLAS.

    Parameters
    ----------
    net : opdims.Network
        The network (any nonlinearity and ``alpha``).
    locations : array_like
        Sampling locations ``[L, N]`` (or one location ``[N]``).
    previous : array_like, list or LocalOperativeDimensions, optional
        Dimensions already found at each location, from which the greedy
        search continues: an array ``[L, j, N]`` (rows are dimensions; for
        one location also ``[j, N]``), a list of ``L`` arrays ``[j_l, N]`` of
        possibly different lengths (``None`` or an empty array for none), or a
        :class:`LocalOperativeDimensions` (its NaN padding is skipped). They
        are orthonormalised (QR, as the original); only their span matters.
    n_dims : int, optional
        Most new dimensions per location (default N); a location also stops
        when no direction is left (``j_l`` + new = N).
    threshold : float, optional
        Stop a location after the first dimension with ``|fval|`` below this
        (the original's 1e-8; 0 finds every dimension).
    progress : bool, optional
        Show a progress bar (over locations).
    threads : int, optional
        Worker threads over locations, each with single-threaded BLAS (default
        :func:`opdims.core.backend.usable_cores` from 256 units on, else 1: for small
        networks the work is mostly Python overhead, which threads do not share,
        and one batch of all locations is fastest). Threads pay off only where
        cores are idle.

    Returns
    -------
    LocalOperativeDimensions
        Only the NEW dimensions: ``dims[l, i]`` is dimension ``j_l + i + 1``
        of location l, ``fvals[l, i]`` its fval; ``[L, D, N]`` / ``[L, D]``
        NaN-padded, D the most new dimensions found at any location. (Earlier
        and new dimensions together: ``np.concatenate`` of the rows, or run
        without ``previous``.)

    Raises
    ------
    ValidationError
        For locations of the wrong size or with NaN, a ``previous`` of the
        wrong shape, with NaN or linearly dependent.
    ValueError
        For ``n_dims`` outside 0..N, a negative or NaN threshold, or a
        ``threads`` that is not a positive integer.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims import Network
    >>> rng = np.random.default_rng(0)
    >>> net = Network(W_in=np.ones((4, 1)), W=rng.standard_normal((4, 4)), W_out=np.ones((1, 4)),
    ...               x0=np.zeros((4, 1)), b_x=np.zeros(4), b_z=np.zeros(1))
    >>> locations = rng.standard_normal((3, 4))
    >>> first_two = exact_row_dimensions(net, locations, n_dims=2)
    >>> rest = exact_row_dimensions(net, locations, previous=first_two)
    >>> first_two.dims.shape, rest.dims.shape
    ((3, 2, 4), (3, 2, 4))
    >>> bool(np.all(first_two.fvals[:, 0] <= first_two.fvals[:, 1]))
    True
    """
    loc = check_locations(net, locations).reshape(-1, net.n_units)
    n_units = net.n_units
    n_dims = n_units if n_dims is None else int(n_dims)
    if not 0 <= n_dims <= n_units:
        raise ValueError(f"n_dims: expected 0..{n_units} (the number of units), got {n_dims}")
    threshold = float(threshold)
    if not threshold >= 0:
        raise ValueError(f"threshold: expected a number >= 0, got {threshold!r}")
    threads = check_threads(threads if threads is not None or n_units >= _THREADED_UNITS else 1)
    with single_threaded_blas():
        prev = _check_previous(previous, len(loc), n_units)
        dims, fvals, next_states, _ = _exact_rows(net, loc, prev, n_dims, threshold, threads, progress)
    return LocalOperativeDimensions("rows", dims, fvals, loc, next_states).trimmed()


def best_row_dimension(net: Network, location, previous=None):
    """The best next row dimension at one location, given the dimensions found before.

    Parameters
    ----------
    net : opdims.Network
        The network.
    location : array_like
        The sampling location ``[N]``.
    previous : array_like, optional
        ``[N, j]``: the dimensions found so far, as columns (orthonormalised
        by QR, as the original does).

    Returns
    -------
    q : numpy.ndarray
        ``[N]``: the unit vector orthogonal to ``previous`` with the largest Δf.
    delta_f : float
        Its Δf, from the one-step simulation.

    Raises
    ------
    ValueError
        If ``previous`` leaves no direction (``j >= N``), has the wrong shape or
        NaN, or the location is not one state of the network.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims import Network
    >>> net = Network(W_in=np.ones((3, 1)), W=np.diag([1.0, 2.0, 3.0]), W_out=np.ones((1, 3)),
    ...               x0=np.zeros((3, 1)), b_x=np.zeros(3), b_z=np.zeros(1))
    >>> q, df = best_row_dimension(net, np.array([0.5, 0.0, 0.0]))
    >>> (q ** 2).round(12), round(df, 12)  # mixes in unit 3 (largest weight) although only unit 1 is active
    (array([0.5625, 0.    , 0.4375]), 0.07352238951)
    """
    loc = check_locations(net, location)
    n = net.n_units
    if loc.size != n:
        raise ValidationError(f"location: expected one state [{n}], got shape {loc.shape}")
    loc = loc.reshape(-1)
    previous = as_dimension_matrix(previous, n, "previous dimensions")
    j = previous.shape[1]
    if j >= n:
        raise ValueError(f"previous dimensions: {j} given, so no direction of {n} units is left")
    with single_threaded_blas():
        prev = _check_previous([previous.T], 1, n)
        dims, _, next_states, _ = _exact_rows(net, loc[None], prev, 1, 0.0, 1)
        q = orthonormalize_against(dims[0, 0], previous)
        return q, delta_f(net, loc, q, "rows", next_states[0])
