"""Local operative dimensions of any recurrent cell: a generic solver (PyTorch autograd, float64).

A cell is a step ``s' = F(s; W)`` in which the recurrent matrix ``W [G N, N]``
(``G`` stacked gate blocks; ``G = 1`` for a vanilla RNN) acts on a vector
``v(s) [N]`` of the state: ``F(s; W) = step(s, W v(s))``, inputs and noise
zero (:class:`RecurrentCell`). Removing a unit vector ``q`` changes the drive
``a = W v`` by

- rows, ``W -> W (I - q q')``: ``δ(q) = (W q)(q' v)``;
- columns, ``W_g -> (I - q q') W_g`` in every block: ``δ(q)_g = q (q' a_g)``;

and ``Δf(q) = ||step(s, a) - step(s, a - δ(q))||`` (see docs/gated_cells.md).
The greedy sequence takes, at each step, the unit q orthogonal to the
dimensions found so far with the largest Δf, until ``Δf`` falls below the
threshold (1e-8, the original's) or N dimensions are found.

Each step starts from the first-order problem. With ``J = ∂step/∂a`` at the
location, rows give ``Δf ≈ |q' v| ||J W q||``: the problem the exact row
solver (:mod:`opdims.dims.exact_rows`) solves in closed form, for the matrix
``R`` with ``R'R = (J W)'(J W)`` and the vector ``v``. Columns give
``Δf ≈ ||Σ_g J_g q (a_g' q)||``, maximised at ``q ∝ a`` when ``G = 1``; the
starts are then the projected ``a_g``. Further starts: the projected ``v``
(rows) and random unit vectors (8 by default, seeded). Every start is refined on the
unit sphere of the allowed subspace by quasi-Newton ascent of the exact
``Δf²`` (L-BFGS on ``q = P y / |P y|``, gradients by autograd; the starts of
a step together, their independent objectives summed), and the best is kept
(the first-order start unless another is better by more than rounding). For a vanilla cell the first-order problem *is* the exact one (the
step is affine in the drive), so the solver gives the exact solver's answer.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from tqdm.auto import tqdm

from ..core.backend import check_threads, single_threaded_blas
from ..core.cells import GatedNetwork, gated_step
from ..core.errors import MissingDependencyError
from ..core.network import Network
from ..core.nonlinearity import apply_nonlinearity
from ..core.reduce import check_dim_type
from ..core.validation import ValidationError, check_count, check_locations, check_seed
from .exact_rows import best_row_dimension
from .operative import FVAL_THRESHOLD, LocalOperativeDimensions

__all__ = ["RANDOM_STARTS", "RecurrentCell", "cell_of", "generic_local_dimensions"]

_GTOL = 1e-9  #: L-BFGS: largest gradient entry of the normalised objective (Δf² / its start) at convergence
_FTOL = 1e-13  #: L-BFGS: relative change of the objective at convergence
_MAX_ITER = 500  #: L-BFGS iterations per start
_GAIN = 1e-12  #: relative gain in Δf (beyond its rounding) below which a refinement keeps its start
RANDOM_STARTS = 8  #: random unit starts per greedy step besides the first-order ones (default)


def _torch():
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - torch is a dependency of the gated cells
        raise MissingDependencyError("the generic solver needs torch (pip install torch)") from exc
    return torch


@dataclass(frozen=True)
class RecurrentCell:
    """A recurrent cell as functions of torch tensors: what the generic solver needs.

    Parameters
    ----------
    W : numpy.ndarray
        The recurrent matrix ``[G N, N]`` (``G`` gate blocks stacked, ``G = 1`` for a vanilla RNN).
    acts_on : callable
        ``acts_on(state [S]) -> v [N]``: the vector W multiplies (a vanilla
        RNN's rates ``φ(x)``, a GRU's or LSTM's ``h``).
    step : callable
        ``step(state [S], drive [G N]) -> next state [S]``: one step with
        zero input and noise, given the recurrent drive ``W v`` (biases
        added inside). Both functions take and give float64 torch tensors
        and must be differentiable by autograd.
    n_blocks : int, optional
        ``G`` (default 1).

    Examples
    --------
    >>> import numpy as np
    >>> cell = RecurrentCell(np.eye(2), lambda s: s.tanh(), lambda s, drive: drive)
    >>> cell.n_units
    2
    """

    W: np.ndarray
    acts_on: Callable
    step: Callable
    n_blocks: int = 1

    def __post_init__(self):
        W = np.asarray(self.W, dtype=np.float64)
        if W.ndim != 2 or W.shape[0] != self.n_blocks * W.shape[1]:
            raise ValidationError(f"W: expected shape [{self.n_blocks} N, N] ({self.n_blocks} gate block(s)), "
                                  f"got {list(W.shape)}")
        if not np.all(np.isfinite(W)):
            raise ValidationError("W: contains NaN or Inf")
        object.__setattr__(self, "W", W)

    @property
    def n_units(self) -> int:
        """``N``: the length of ``v`` and of every dimension."""
        return self.W.shape[1]


def cell_of(net) -> RecurrentCell:
    """The :class:`RecurrentCell` of an opdims network (vanilla or gated).

    Parameters
    ----------
    net : opdims.Network or GatedNetwork
        The network.

    Returns
    -------
    RecurrentCell
        Its cell: vanilla ``step(x, d) = (1 - a) x + a (d + b_x)`` with
        ``v = φ(x)``; gated, PyTorch's step with ``v = h``.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims import Network
    >>> net = Network(W_in=np.ones((2, 1)), W=np.eye(2), W_out=np.ones((1, 2)), x0=np.zeros(2),
    ...               b_x=np.zeros(2), b_z=np.zeros(1))
    >>> cell_of(net).n_blocks
    1
    """
    torch = _torch()
    if isinstance(net, GatedNetwork):
        b_rec = torch.tensor(net.b_rec)
        b_in = torch.tensor(net.b_in)
        n = net.n_units

        def gated(state, drive):
            return gated_step(net.kind, state, drive + b_rec, b_in, xp=torch)

        return RecurrentCell(net.W, lambda s: s[..., :n], gated, net.n_blocks)
    if isinstance(net, Network):
        b_x = torch.tensor(net.b_x)
        alpha = net.alpha

        def vanilla(state, drive):
            return (1.0 - alpha) * state + alpha * (drive + b_x)

        return RecurrentCell(net.W, lambda s: apply_nonlinearity(net.nonlinearity, s, xp=torch), vanilla, 1)
    raise ValidationError(f"net: expected an opdims Network or GatedNetwork, got {type(net).__name__}")


class _Location:
    """One sampling location: the drive, the Jacobian of the step and Δf of a direction."""

    def __init__(self, cell: RecurrentCell, state, dim_type: str):
        torch = _torch()
        self.torch = torch
        self.cell = cell
        self.dim_type = dim_type
        self.s = torch.as_tensor(np.asarray(state, dtype=np.float64))
        self.W = torch.tensor(cell.W)
        with torch.no_grad():
            self.v = cell.acts_on(self.s)
            self.a = self.W @ self.v
            self.next = cell.step(self.s, self.a)
        self.n = cell.n_units
        self.v_np = self.v.numpy().copy()
        #: rounding of Δf, a difference of two next states of about this norm
        self.noise = 8 * np.finfo(np.float64).eps * float(self.torch.linalg.vector_norm(self.next))
        self.a_blocks = self.a.reshape(cell.n_blocks, self.n).numpy().copy()

    def jacobian(self) -> np.ndarray:
        """``∂step/∂a [S, G N]`` at the location."""
        jac = self.torch.autograd.functional.jacobian(lambda d: self.cell.step(self.s, d), self.a)
        return jac.reshape(self.next.numel(), -1).numpy()

    def change(self, q):
        """``step(s, a) - step(s, a - δ(q))`` for a torch vector q (any length: it is used as given)."""
        if self.dim_type == "rows":
            delta = (self.W @ q) * (q @ self.v)
        else:
            blocks = self.a.reshape(self.cell.n_blocks, self.n)
            delta = ((blocks @ q)[:, None] * q[None, :]).reshape(-1)
        return self.next - self.cell.step(self.s, self.a - delta)

    def delta_f(self, q: np.ndarray) -> float:
        """Δf of the unit vector ``q [N]``."""
        with self.torch.no_grad():
            return float(self.torch.linalg.vector_norm(self.change(self.torch.as_tensor(q))))


def _project(x: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """``x`` without its components along the orthonormal columns of Q (twice: x may lie almost in their span)."""
    if not Q.shape[1]:
        return x.copy()
    x = x - Q @ (Q.T @ x)
    return x - Q @ (Q.T @ x)


def _unit_or_none(x: np.ndarray, scale: float):
    norm = float(np.linalg.norm(x))
    return x / norm if norm > 1e-12 * max(scale, 1e-300) else None


def _batched_change(site: _Location):
    """``change`` over a leading axis of directions ``[K, N]`` (``torch.func.vmap``; a loop if the cell cannot)."""
    torch = site.torch
    try:
        batched = torch.func.vmap(site.change)
        batched(torch.zeros((1, site.n), dtype=torch.float64))
        return batched
    except Exception:  # noqa: BLE001 - a cell written with operations vmap does not know
        return lambda qs: torch.stack([site.change(q) for q in qs])


def _refine(site: _Location, starts: list, Q: np.ndarray) -> list:
    """Ascent of Δf² from every start at once on the unit sphere orthogonal to ``Q``.

    One L-BFGS run over all starts (their objectives, each divided by its value at the start, are
    summed: the problems are independent, and one run costs one evaluation of the cell per iteration
    for all of them). Returns ``(direction, Δf)`` per start.
    """
    torch = site.torch
    Qt = torch.as_tensor(Q)
    f0 = np.array([site.delta_f(u) ** 2 for u in starts])
    active = np.flatnonzero(f0 > 0)
    out = [(u, float(np.sqrt(f))) for u, f in zip(starts, f0)]
    if not active.size:
        return out
    k = active.size
    scale = torch.as_tensor(f0[active])
    change = _batched_change(site)

    def objective(y):
        yt = torch.as_tensor(y).reshape(k, site.n).requires_grad_(True)
        p = yt - (yt @ Qt) @ Qt.T if Q.shape[1] else yt
        q = p / torch.linalg.vector_norm(p, dim=1, keepdim=True)
        value = -torch.sum(torch.sum(change(q) ** 2, dim=1) / scale)
        (grad,) = torch.autograd.grad(value, yt)
        return float(value.detach()), grad.reshape(-1).numpy().astype(np.float64)

    y0 = np.concatenate([starts[i] for i in active])
    res = minimize(objective, y0, jac=True, method="L-BFGS-B",
                   options={"gtol": _GTOL, "ftol": _FTOL, "maxiter": _MAX_ITER, "maxcor": 20})
    for row, i in enumerate(active):
        q = _unit_or_none(_project(res.x[row * site.n:(row + 1) * site.n], Q), 1.0)
        if q is None:
            continue
        value, start = site.delta_f(q), out[i][1]
        # Δf is flat at a maximum: a move that gains no more than rounding is noise, and moving the
        # direction would shift every later greedy step (first order in the earlier directions)
        if value > start * (1 + _GAIN) + site.noise:
            out[i] = (q, value)
    return out


def _row_model(site: _Location) -> Network:
    """A linear vanilla network whose exact row problem is the first-order one: ``|q'v| ||R q||``."""
    JW = site.jacobian() @ site.cell.W  # [S, N]
    n = site.n
    R = np.linalg.qr(JW, mode="r")
    if R.shape[0] < n:
        R = np.vstack([R, np.zeros((n - R.shape[0], n))])
    return Network(W_in=np.zeros((n, 1)), W=R, W_out=np.zeros((1, n)), x0=np.zeros(n), b_x=np.zeros(n),
                   b_z=np.zeros(1), dt=1.0, tau=1.0, noise_sigma=0.0, nonlinearity="linear")


def _greedy(site: _Location, n_dims: int, threshold: float, rng, random_starts: int, Q: np.ndarray):
    n = site.n
    model = _row_model(site) if site.dim_type == "rows" else None
    dims, fvals = [], []
    scale = max(float(np.linalg.norm(site.v_np)), float(np.abs(site.a_blocks).max(initial=0.0)))
    for _ in range(min(n_dims, n - Q.shape[1])):
        if site.dim_type == "rows":
            pv = _unit_or_none(_project(site.v_np, Q), scale)
            if pv is None:  # v lies in the dimensions found: no direction changes the next state
                break
            starts = [best_row_dimension(model, site.v_np, Q)[0], pv]
        else:
            starts = [u for u in (_unit_or_none(_project(a_g, Q), scale) for a_g in site.a_blocks) if u is not None]
            if not starts:  # every block's drive lies in the dimensions found: Δf = 0 for every q
                break
        for _ in range(random_starts):
            u = _unit_or_none(_project(rng.standard_normal(n), Q), 1.0)
            if u is not None:
                starts.append(u)
        unique = []
        for u in starts:
            if all(abs(abs(float(u @ w)) - 1.0) > 1e-12 for w in unique):
                unique.append(u)
        refined = _refine(site, unique, Q)
        best_q, best_value = refined[0]  # the first-order start, unless another start is clearly better
        for q, value in refined[1:]:
            if value > best_value * (1 + _GAIN) + site.noise:
                best_q, best_value = q, value
        q = _unit_or_none(_project(best_q, Q), 1.0)
        q = best_q if q is None else q
        value = site.delta_f(q)
        dims.append(q)
        fvals.append(-value)
        Q = np.column_stack([Q, q])
        if value < threshold:
            break
    return dims, fvals


def _previous(previous, n_loc: int, n: int) -> list:
    """Earlier dimensions per location as orthonormal columns ``[N, j_l]``."""
    if previous is None:
        return [np.zeros((n, 0))] * n_loc
    if isinstance(previous, LocalOperativeDimensions):
        previous = [d[~np.isnan(f)] for d, f in zip(previous.dims, previous.fvals)]
    parts = list(previous) if isinstance(previous, (list, tuple)) else list(np.asarray(previous, dtype=np.float64))
    if len(parts) != n_loc:
        raise ValidationError(f"previous: expected dimensions for {n_loc} locations, got {len(parts)}")
    out = []
    for i, part in enumerate(parts):
        P = np.asarray(part, dtype=np.float64) if np.size(part) else np.zeros((0, n))
        P = P[None] if P.ndim == 1 else P
        if P.ndim != 2 or P.shape[1] != n or not np.all(np.isfinite(P)) or len(P) >= n:
            raise ValidationError(f"previous, location {i}: expected [j, {n}] finite dimensions (as rows, j < {n}), "
                                  f"got shape {np.shape(part)}")
        out.append(np.linalg.qr(P.T)[0] if len(P) else np.zeros((n, 0)))
    return out


def generic_local_dimensions(net, locations, dim_type: str, *, cell: RecurrentCell | None = None,
                             n_dims: int | None = None, threshold: float = FVAL_THRESHOLD,
                             random_starts: int = RANDOM_STARTS, seed: int = 0, previous=None,
                             threads: int | None = 1, progress: bool = False) -> LocalOperativeDimensions:
    """Greedy local operative dimensions of any recurrent cell at ``locations [L, S]``.

    The generic solver (module docstring): first-order start, exact Δf
    refined on the sphere, several starts. For a vanilla network it gives
    the exact solvers' Δf (:func:`opdims.dims.local_dims.local_column_dimensions`,
    :func:`opdims.dims.exact_rows.exact_row_dimensions`); for a gated cell it
    is the method opdims uses.

    Parameters
    ----------
    net : opdims.Network or GatedNetwork or None
        The network (``None`` with ``cell``).
    locations : array_like
        States ``[L, S]`` (or one ``[S]``).
    dim_type : str
        ``'columns'`` or ``'rows'``.
    cell : RecurrentCell, optional
        The cell as functions (default ``cell_of(net)``).
    n_dims : int, optional
        Most dimensions per location (default N).
    threshold : float, optional
        Stop a location once Δf falls below this (the original's 1e-8).
    random_starts : int, optional
        Random unit starts per greedy step besides the first-order ones
        (default :data:`RANDOM_STARTS`, 8: on small random GRUs and LSTMs they
        find the best of 30 random starts at every first step we tried; the
        first-order starts alone fell short by up to 6 %).
    seed : int, optional
        Seed of the random starts (location ``i`` draws from ``[seed, i]``,
        so the result does not depend on ``threads``).
    previous : list or LocalOperativeDimensions, optional
        Dimensions already found at each location (``L`` arrays ``[j_l, N]``):
        the greedy search goes on from them (as the exact row solver's ``previous``).
    threads : int or None, optional
        Worker threads over locations (default 1; ``None``: the usable
        cores), each with torch and BLAS on one thread. They pay only for
        cells heavy enough to release the GIL for long: on a GRU of 100 or
        256 units two threads took 0.78-1.18 of one thread's time
        (``benchmarks/bench_gated.py``), the optimiser's Python holding it.
    progress : bool, optional
        Progress bar over locations.

    Returns
    -------
    LocalOperativeDimensions
        ``dims [L, D, N]``, ``fvals = -Δf [L, D]`` (NaN where a location stopped earlier).

    Examples
    --------
    >>> import numpy as np
    >>> from opdims.core.cells import gated_network_from_tensors
    >>> rng = np.random.default_rng(0)
    >>> net = gated_network_from_tensors("gru", rng.standard_normal((9, 1)), rng.standard_normal((9, 3)))
    >>> local = generic_local_dimensions(net, [[0.5, -0.2, 0.1]], "rows")
    >>> local.dims.shape[2], bool(np.all(np.diff(-local.fvals[0]) <= 1e-12))
    (3, True)
    """
    check_dim_type(dim_type)
    if cell is None:
        cell = cell_of(net)
    if net is not None:
        loc = check_locations(net, locations)
        loc = loc.reshape(-1, loc.shape[-1])
    else:
        loc = np.atleast_2d(np.asarray(locations, dtype=np.float64))
    n = cell.n_units
    n_dims = n if n_dims is None else int(n_dims)
    if not 1 <= n_dims <= n:
        raise ValidationError(f"n_dims: expected an integer in 1..{n}, got {n_dims}")
    prior = _previous(previous, len(loc), n)
    random_starts = check_count(random_starts, "random_starts", "random starts per greedy step")
    seed = check_seed(seed)
    threads = min(check_threads(threads), max(len(loc), 1))
    torch = _torch()

    def one(i):
        torch.set_num_threads(1)  # in this thread too: without it a new thread summed in another order (a test)
        site = _Location(cell, loc[i], dim_type)
        found = _greedy(site, n_dims, threshold, np.random.default_rng([seed, i]), random_starts, prior[i])
        return found, site.next.numpy()

    outcomes = [None] * len(loc)
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    bar = tqdm(total=len(loc), desc=f"{dim_type} dimensions (generic)", unit="location", disable=not progress)
    try:
        with single_threaded_blas(), bar:
            if threads == 1:
                for i in range(len(loc)):
                    outcomes[i] = one(i)
                    bar.update()
            else:
                with ThreadPoolExecutor(max_workers=threads) as pool:
                    futures = {pool.submit(one, i): i for i in range(len(loc))}
                    for future in as_completed(futures):
                        outcomes[futures[future]] = future.result()
                        bar.update()
    finally:
        torch.set_num_threads(before)
    results = [found for found, _ in outcomes]
    next_states = [state for _, state in outcomes]
    depth = max([len(d) for d, _ in results] + [1])
    dims = np.full((len(loc), depth, n), np.nan)
    fvals = np.full((len(loc), depth), np.nan)
    for i, (d, f) in enumerate(results):
        if d:
            dims[i, :len(d)] = np.array(d)
            fvals[i, :len(f)] = f
    return LocalOperativeDimensions(dim_type, dims, fvals, loc, np.array(next_states).reshape(loc.shape))
