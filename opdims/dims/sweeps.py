"""Rank sweeps: cost and state distance of reduced-rank networks, k = 1..N.

All reduced-rank networks of a block advance together with all trials (one
batched matrix product per step), and the measures are accumulated on the
fly, so memory stays at a few ``block * trials * units`` arrays. With the
numpy backend the blocks run on CPU threads; with the torch backend on one
device (CPU or GPU).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

from ..core.backend import check_backend, check_threads, single_threaded_blas, split, torch_device, torch_threads
from ..core.cells import is_gated, remove_gated_dimensions, run_gated
from ..core.errors import ValidationError
from ..core.kernels import check_kernel, run_block
from ..core.network import Network
from ..core.nonlinearity import apply_nonlinearity
from ..core.random import RandomStream, as_stream
from ..core.reduce import as_dimension_matrix, reduced_rank_stack
from ..core.simulate import check_gated_run, draw_noise, drive_chunks, euler_steps, simulate
from ..core.validation import (
    RANK_RULES,
    check_condition_ids,
    check_inputs,
    check_noise,
    check_rank_rule,
    check_targets,
)

__all__ = ["COST_TOLERANCE", "DEFAULT_RANK_RULE", "RANK_RULES", "RankSweep", "check_rank_rule", "check_ranks", "cost_rank",
           "default_block_size", "rank_rule_text", "rank_sweep", "rank_within_cost_range", "rank_within_full_cost",
           "settled_rank", "silent_network_cost", "sweep_blocks"]

COST_TOLERANCE = 0.10  #: default tolerance of the rank thresholds (10 % of the cost range, or of the full-rank cost)
# RANK_RULES (from core.validation): ``'range'`` (default, :func:`rank_within_cost_range`),
# ``'ratio'`` (:func:`rank_within_full_cost`), ``'settled'`` (:func:`settled_rank`)
DEFAULT_RANK_RULE = "range"  #: the headline rule of every summary, table and figure
_BLOCK_BYTES = 512 * 2**10  #: target size of one [K, N, B] array of a block (see default_block_size)
_TORCH_BLOCK_SIZE = 25  #: default networks per block of the torch back end


def rank_within_cost_range(ranks, cost, full_cost: float, silent_cost: float,
                           tolerance: float = COST_TOLERANCE) -> int | None:
    """Smallest rank from which the cost stays within ``tolerance`` of the range between silent and full-rank cost.

    The scale of the cost is the distance between the silent network's cost
    (W = 0: the network does nothing with its recurrence) and the full-rank
    cost; a rank is back when its cost is at most ``full + tolerance *
    |silent - full|``, i.e. it has recovered ``1 - tolerance`` of what the
    recurrence contributes, and the answer is the rank from which every
    larger rank of the sweep is back too (a curve that dips early and rises
    again is not back yet). Unlike a ratio to the full-rank cost, this does
    not break down when the full-rank cost is near zero, and noise in the
    cost matters only relative to the whole range. The headline rule of
    opdims (``'range'`` of :data:`RANK_RULES`).

    Parameters
    ----------
    ranks : array_like of int
        Ranks ``[K]``, ascending.
    cost : array_like
        Cost at each rank ``[K]`` (for several networks: their mean).
    full_cost : float
        The full-rank network's cost (likewise).
    silent_cost : float
        The silent network's cost, W = 0, on the same trials and noise (likewise).
    tolerance : float, optional
        Fraction of the range (default 0.1).

    Returns
    -------
    int or None
        The rank, or ``None`` if the last rank of the sweep is not back.

    Examples
    --------
    >>> rank_within_cost_range([1, 2, 3, 4], [0.9, 0.05, 0.5, 1e-30], 1e-30, 1.0)
    4
    >>> rank_within_cost_range([1, 2, 3, 4], [0.9, 0.05, 0.08, 1e-30], 1e-30, 1.0)
    2
    """
    ranks = np.asarray(ranks).reshape(-1)
    limit = float(full_cost) + tolerance * abs(float(silent_cost) - float(full_cost))
    above = np.flatnonzero(~(np.asarray(cost, dtype=np.float64) <= limit))
    if not above.size:
        return int(ranks[0])
    back = above[-1] + 1
    return int(ranks[back]) if back < ranks.size else None


def rank_within_full_cost(ranks, cost, full_cost: float, tolerance: float = COST_TOLERANCE) -> int | None:
    """Smallest rank whose cost is at most ``(1 + tolerance)`` times the full-rank cost.

    The ``'ratio'`` rule of :data:`RANK_RULES` (opdims' headline rule before
    the ``'range'`` rule): it asks for more than a reader expects when the
    full-rank cost is small compared with the noise of the cost, and for a
    full-rank cost near zero almost nothing qualifies.

    Parameters
    ----------
    ranks : array_like of int
        Ranks ``[K]``, ascending.
    cost : array_like
        Cost at each rank ``[K]`` (for several networks: their mean).
    full_cost : float
        The full-rank network's cost (likewise).
    tolerance : float, optional
        Relative tolerance (default 0.1).

    Returns
    -------
    int or None
        The rank, or ``None`` if no rank of the sweep qualifies.

    Examples
    --------
    >>> rank_within_full_cost([1, 2, 3], [5.0, 1.05, 1.0], 1.0)
    2
    """
    ranks = np.asarray(ranks).reshape(-1)
    within = np.flatnonzero(np.asarray(cost, dtype=np.float64) <= (1 + tolerance) * float(full_cost))
    return int(ranks[within[0]]) if within.size else None


def settled_rank(ranks, cost, full_cost: float, tolerance: float = COST_TOLERANCE) -> int | None:
    """Smallest rank from which on the cost stays within ``tolerance`` of its range above the full-rank cost.

    The range is the largest cost minus the full-rank cost: this is where the
    cost curve is back at the full-rank level on the paper's axes (the
    ``'settled'`` rule of :data:`RANK_RULES`).

    Parameters
    ----------
    ranks : array_like of int
        Ranks ``[K]``, ascending.
    cost : array_like
        Cost at each rank ``[K]``.
    full_cost : float
        The full-rank cost.
    tolerance : float, optional
        Fraction of the range (default 0.1).

    Returns
    -------
    int or None
        The rank, or ``None`` if the last rank of the sweep is not settled.

    Examples
    --------
    >>> settled_rank([1, 2, 3, 4], [9.0, 2.0, 1.05, 1.0], 1.0)
    3
    """
    ranks = np.asarray(ranks).reshape(-1)
    excess = np.asarray(cost, dtype=np.float64) - float(full_cost)
    above = np.flatnonzero(excess > tolerance * max(excess.max(initial=0.0), 0.0))
    if not above.size:
        return int(ranks[0])
    settled = above[-1] + 1
    return int(ranks[settled]) if settled < excess.size else None


def cost_rank(ranks, cost, full_cost: float, silent_cost: float | None = None, *, rule: str = DEFAULT_RANK_RULE,
              tolerance: float = COST_TOLERANCE) -> int | None:
    """The rank at which the cost is back, by one of :data:`RANK_RULES`.

    Parameters
    ----------
    ranks : array_like of int
        Ranks ``[K]``, ascending.
    cost : array_like
        Cost at each rank ``[K]``.
    full_cost : float
        The full-rank cost.
    silent_cost : float, optional
        The silent network's cost (W = 0); needed by the ``'range'`` rule.
    rule : str, optional
        ``'range'`` (default: :func:`rank_within_cost_range`), ``'ratio'``
        (:func:`rank_within_full_cost`) or ``'settled'`` (:func:`settled_rank`).
    tolerance : float, optional
        The rule's tolerance (default 0.1).

    Returns
    -------
    int or None
        The rank, or ``None`` if no rank of the sweep qualifies.

    Raises
    ------
    ValueError
        For an unknown rule, or the ``'range'`` rule without the silent cost.

    Examples
    --------
    >>> cost_rank([1, 2, 3], [0.9, 0.05, 1e-30], 1e-30, 1.0), cost_rank([1, 2, 3], [0.9, 0.05, 1e-30], 1e-30,
    ...                                                                    rule="ratio")
    (2, 3)
    """
    check_rank_rule(rule)
    if rule == "ratio":
        return rank_within_full_cost(ranks, cost, full_cost, tolerance)
    if rule == "settled":
        return settled_rank(ranks, cost, full_cost, tolerance)
    if silent_cost is None:
        raise ValidationError("rank rule 'range': the silent network's cost (W = 0) is not known for these results "
                              "(analyses stored before it was computed); use rule 'ratio' or 'settled', or recompute")
    return rank_within_cost_range(ranks, cost, full_cost, silent_cost, tolerance)


def rank_rule_text(rule: str = DEFAULT_RANK_RULE, tolerance: float = COST_TOLERANCE, *, mean: bool = False) -> str:
    """What a rule's rank means, in words (for table headers, legends and summaries).

    Parameters
    ----------
    rule : str, optional
        One of :data:`RANK_RULES`.
    tolerance : float, optional
        Its tolerance.
    mean : bool, optional
        Say "mean cost" (curves averaged over networks).

    Returns
    -------
    str
        The text.

    Examples
    --------
    >>> print(rank_rule_text("ratio"))
    smallest rank whose cost is <= 1.1 x the full-rank cost
    """
    check_rank_rule(rule)
    cost = "mean cost" if mean else "cost"
    if rule == "range":
        return (f"smallest rank from which the {cost} stays within {100 * tolerance:g}% of the range from the "
                "full-rank cost to the silent network's (W = 0)")
    if rule == "ratio":
        return f"smallest rank whose {cost} is <= {1 + tolerance:g} x the full-rank cost"
    return f"rank from which the {cost} stays within {100 * tolerance:g}% of its range above the full-rank cost"


def silent_network_cost(net: Network, inputs, condition_ids, targets, *, noise=None, threads: int | None = None) -> float:
    """The cost of the silent network (W = 0) on the given trials and noise.

    The bottom of the cost scale of the ``'range'`` rule: what the network's
    output does with its inputs, biases and noise but without recurrence
    (= rank 0 of every sweep).

    Parameters
    ----------
    net : opdims.Network
        The network.
    inputs : array_like
        ``[B, T, n_in]``.
    condition_ids : array_like of int
        1-based initial-state column of each trial.
    targets : array_like
        ``[B, T, n_out]`` (the cost is the MSE of output 1, as in the sweeps).
    noise : array_like, optional
        Standard-normal noise ``[B, T, N]`` (the sweep's).
    threads : int, optional
        CPU threads.

    Returns
    -------
    float
        The cost.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims import Network
    >>> net = Network(W_in=np.ones((2, 1)), W=np.eye(2), W_out=np.ones((1, 2)), x0=np.zeros(2), b_x=np.zeros(2),
    ...               b_z=np.zeros(1), noise_sigma=0.0)
    >>> silent_network_cost(net, np.zeros((1, 5, 1)), [1], np.ones((1, 5, 1)))
    1.0
    """
    inputs = check_inputs(net, inputs)
    targets = check_targets(targets, inputs.shape[0], inputs.shape[1])
    traj = simulate(net, inputs, condition_ids, W=np.zeros_like(net.W), noise=noise, threads=threads)
    return float(np.mean((traj.z[..., 0] - targets[..., 0]) ** 2))


@dataclass
class RankSweep:
    """Output cost and state distance of reduced-rank networks, per rank.

    Parameters
    ----------
    ranks : numpy.ndarray
        ``[K]`` ranks k (the network keeps the first k basis vectors).
    cost : numpy.ndarray
        ``[K]`` MSE of output 1.
    state_distance : numpy.ndarray
        ``[K]`` mean distance to the full-rank trajectories.
    full_cost : float
        The full-rank network's cost.
    silent_cost : float or None
        The silent network's cost (W = 0) on the same trials and noise, the
        bottom of the cost scale of the ``'range'`` rule (``None``: unknown).
    """

    ranks: np.ndarray
    cost: np.ndarray
    state_distance: np.ndarray
    full_cost: float
    silent_cost: float | None = None

    def rank(self, rule: str = DEFAULT_RANK_RULE, tolerance: float = COST_TOLERANCE) -> int | None:
        """The rank at which the cost is back (see :func:`cost_rank`).

        Parameters
        ----------
        rule : str, optional
            One of :data:`RANK_RULES` (default ``'range'``).
        tolerance : float, optional
            The rule's tolerance.

        Returns
        -------
        int or None
            The rank.
        """
        return cost_rank(self.ranks, self.cost, self.full_cost, self.silent_cost, rule=rule, tolerance=tolerance)

    def rank_within_full_cost(self, tolerance: float = COST_TOLERANCE) -> int | None:
        """See :func:`rank_within_full_cost`.

        Parameters
        ----------
        tolerance : float, optional
            Relative tolerance.

        Returns
        -------
        int or None
            The rank.
        """
        return rank_within_full_cost(self.ranks, self.cost, self.full_cost, tolerance)

    def settled_rank(self, tolerance: float = COST_TOLERANCE) -> int | None:
        """See :func:`settled_rank`.

        Parameters
        ----------
        tolerance : float, optional
            Fraction of the cost range.

        Returns
        -------
        int or None
            The rank.
        """
        return settled_rank(self.ranks, self.cost, self.full_cost, tolerance)


def sweep_blocks(n_ranks: int, block_size: int, parallel: int = 1) -> list[slice]:
    """Split ``n_ranks`` networks into blocks of at most ``block_size``.

    At least ``parallel`` blocks, a multiple of ``parallel``, so that workers stay busy.

    Parameters
    ----------
    n_ranks : int
        Networks of the sweep.
    block_size : int
        Most networks per block.
    parallel : int, optional
        Workers.

    Returns
    -------
    list of slice
        The blocks, in order.

    Examples
    --------
    >>> sweep_blocks(10, 4, parallel=2)
    [slice(0, 2, None), slice(2, 5, None), slice(5, 8, None), slice(8, 10, None)]
    """
    block_size = max(1, int(block_size))
    n_blocks = max(-(-n_ranks // block_size), 1)
    n_blocks = -(-n_blocks // parallel) * parallel
    return split(n_ranks, min(n_blocks, max(n_ranks, 1)))


def _drive_by_step(net: Network, inputs, noise, dtype) -> np.ndarray:
    """Input, bias and scaled noise of every step, ``[T, N, B]`` (the drive of :func:`drive_chunks`)."""
    n_trials, n_steps, _ = inputs.shape
    drive = np.empty((n_steps, net.n_units, n_trials), dtype=dtype)
    for t0, chunk in drive_chunks(net, inputs, noise, net.noise_sigma, dtype):
        drive[t0:t0 + chunk.shape[1]] = chunk.transpose(1, 2, 0)
    return drive


def default_block_size(n_trials: int, n_units: int, itemsize: int = 8) -> int:
    """Networks advanced together by default: about 512 KiB per ``[K, N, B]`` array.

    The state, the rates and the product of a block then stay near a core's L2 cache.

    Parameters
    ----------
    n_trials, n_units : int
        ``B`` and ``N``.
    itemsize : int, optional
        Bytes per number (8 for float64).

    Returns
    -------
    int
        The block size, at least 1.

    Examples
    --------
    >>> default_block_size(60, 100)
    11
    """
    return max(1, round(_BLOCK_BYTES / max(n_trials * n_units * itemsize, 1)))


def _torch_block(net: Network, W, x0, inputs, noise, reference_x, target, tdtype, dev):
    """:func:`_numpy_block` in torch; ``reference_x``, ``target`` are tensors on ``dev``."""
    import torch

    def tensor(a):
        return torch.tensor(a, dtype=tdtype, device=dev)

    alpha, keep = net.alpha, 1.0 - net.alpha
    WT = tensor(np.swapaxes(W, -1, -2))
    x = tensor(np.broadcast_to(x0, (W.shape[0],) + x0.shape))
    r = apply_nonlinearity(net.nonlinearity, x, xp=torch)
    w_out, b_out = tensor(net.W_out[0]), float(net.b_z[0])
    sq_err = torch.zeros(x.shape[:2], dtype=torch.float64, device=dev)
    dist = torch.zeros(x.shape[:2], dtype=torch.float64, device=dev)
    chunks = ((t0, tensor(drive)) for t0, drive in drive_chunks(net, inputs, noise, net.noise_sigma))
    for t in euler_steps(torch, x, r, WT, chunks, alpha, keep, net.nonlinearity):
        dist += torch.linalg.vector_norm(x - reference_x[:, t], dim=-1)
        err = r @ w_out + b_out - target[:, t]
        sq_err += err * err
    return sq_err.sum(dim=1).cpu().numpy(), dist.sum(dim=1).cpu().numpy()


def check_ranks(ranks, n_units: int) -> np.ndarray:
    """Ranks of a sweep as ints in ``0..N``, ascending and unique; ``None`` means ``1..N``.

    Parameters
    ----------
    ranks : array_like of int or None
        The ranks.
    n_units : int
        Number of units N.

    Returns
    -------
    numpy.ndarray
        The ranks.

    Raises
    ------
    ValueError
        For non-integer ranks, ranks outside ``0..N``, or none at all.
    """
    if ranks is None:
        return np.arange(1, n_units + 1)
    arr = np.atleast_1d(np.asarray(ranks))
    if arr.dtype.kind not in "iuf" or arr.ndim != 1 or arr.size == 0 or np.any(arr != np.round(arr)):
        raise ValidationError(f"ranks: expected integers in 0..{n_units}, got {ranks!r}")
    arr = np.unique(arr.astype(int))
    if arr[0] < 0 or arr[-1] > n_units:
        raise ValidationError(f"ranks: expected integers in 0..{n_units} (the network's units), "
                              f"got {arr[0]}..{arr[-1]}")
    return arr


def rank_sweep(net: Network, basis, dim_type: str, inputs, condition_ids, targets, *,
               ranks=None, noise=None, stream: RandomStream | int | None = None,
               block_size: int | None = None, progress: bool = False, backend: str = "numpy", device=None,
               dtype: str = "float64", threads: int | None = None, kernel: str | None = None) -> RankSweep:
    """Cost and state distance when W keeps only ``basis[:, :k]``, for each rank k.

    Every network gets the same noise (the original reseeds before each run).
    With the numpy back end the full-rank network is simulated first (its states
    are the reference of the distance), and the rank that keeps the whole basis,
    which is the full-rank network itself, is not simulated again: its cost is
    the full-rank cost and its distance 0. Each network's numbers depend neither
    on ``threads`` nor on ``block_size``.

    Parameters
    ----------
    net : opdims.Network
        The network.
    basis : array_like
        ``[N, N]`` orthonormal dimensions ordered by importance (global
        operative dimensions, or W's left singular vectors).
    dim_type : str
        ``'columns'`` or ``'rows'``: where the dimensions are removed.
    inputs : array_like
        ``[B, T, n_in]``.
    condition_ids : array_like of int
        1-based initial-state column of each trial.
    targets : array_like
        ``[B, T, n_out]`` (the cost is the MSE of output 1).
    ranks : sequence of int, optional
        Ranks k (default ``1..N``).
    noise : array_like, optional
        Standard-normal noise ``[B, T, N]``.
    stream : RandomStream or int, optional
        Source of the noise when not given (drawn once, in MATLAB's order).
    block_size : int, optional
        Most networks simulated at a time (numpy default: :func:`default_block_size`; torch: 25).
    progress : bool, optional
        A progress bar over the networks.
    backend : str, optional
        ``'numpy'`` (default) or ``'torch'``.
    device : str, optional
        torch device.
    dtype : str, optional
        ``'float64'`` (default) or ``'float32'``.
    threads : int, optional
        numpy back end: blocks run on this many CPU threads (default all cores).
    kernel : str, optional
        numpy back end: ``'numba'`` or ``'numpy'`` (see :mod:`opdims.core.kernels`);
        default numba when installed (``pip install 'opdims[fast]'``).

    Returns
    -------
    RankSweep
        Ranks, cost, state distance and the full-rank cost.

    Raises
    ------
    ValueError
        For inputs, targets, ranks, noise or back-end options that do not fit (checked before any work).

    Examples
    --------
    >>> import numpy as np
    >>> from opdims import Network
    >>> rng = np.random.default_rng(0)
    >>> net = Network(W_in=rng.standard_normal((4, 1)), W=rng.standard_normal((4, 4)),
    ...               W_out=rng.standard_normal((1, 4)), x0=np.zeros(4), b_x=np.zeros(4), b_z=np.zeros(1),
    ...               noise_sigma=0.0)
    >>> sweep = rank_sweep(net, np.eye(4), "columns", np.ones((2, 20, 1)), [1, 1], np.zeros((2, 20, 1)))
    >>> sweep.ranks, float(sweep.state_distance[-1])
    (array([1, 2, 3, 4]), 0.0)
    """
    check_backend(backend, dtype, device)
    inputs = check_inputs(net, inputs)
    n_trials, n_steps, _ = inputs.shape
    targets = check_targets(targets, n_trials, n_steps)
    ranks = check_ranks(ranks, net.n_units)
    if is_gated(net):
        check_gated_run(net, noise, None, backend, dtype)
        return _gated_sweep(net, basis, dim_type, inputs, condition_ids, targets, ranks, block_size, progress,
                            check_threads(threads))
    if noise is None and (net.noise_sigma != 0 or stream is not None):
        noise = draw_noise(as_stream(stream), n_trials, n_steps, net.n_units)
    if noise is not None:
        noise = check_noise(noise, (n_trials, n_steps, net.n_units))
    threads = check_threads(threads)
    if backend == "numpy":
        return _numpy_sweep(net, basis, dim_type, inputs, condition_ids, targets, ranks, noise, block_size,
                            progress, dtype, threads, check_kernel(kernel))
    full = simulate(net, inputs, condition_ids, noise=noise, backend=backend, device=device, dtype=dtype,
                    threads=threads)
    x0 = net.x0[:, check_condition_ids(net, condition_ids, n_trials)].T
    target = targets[..., 0]
    blocks = sweep_blocks(ranks.size, _TORCH_BLOCK_SIZE if block_size is None else block_size, 1)

    import torch

    dev, tdtype = torch_device(device), getattr(torch, dtype)
    reference_x = torch.as_tensor(full.x, dtype=tdtype, device=dev)
    target_t = torch.as_tensor(target, dtype=tdtype, device=dev)

    cost = np.empty(ranks.size)
    dist = np.empty(ranks.size)
    n_samples = n_trials * n_steps
    with tqdm(total=ranks.size, desc="rank sweep", unit="network", disable=not progress) as bar, \
            single_threaded_blas(), torch_threads(dev, 1):
        for sel in blocks:
            W = reduced_rank_stack(net.W, basis, dim_type, ranks[sel])
            sq_err, d = _torch_block(net, W, x0, inputs, noise, reference_x, target_t, tdtype, dev)
            cost[sel] = sq_err / n_samples
            dist[sel] = d / n_samples
            bar.update(sel.stop - sel.start)
    full_cost = float(np.mean((full.z[..., 0] - target) ** 2))
    return RankSweep(ranks, cost, dist, full_cost)


def _numpy_sweep(net, basis, dim_type, inputs, condition_ids, targets, ranks, noise, block_size, progress,
                 dtype, threads, kernel) -> RankSweep:
    """The numpy back end of :func:`rank_sweep`: the full-rank pass, then blocks of networks on threads."""
    n_trials, n_steps, _ = inputs.shape
    np_dtype = np.dtype(dtype).type
    basis = as_dimension_matrix(basis, net.n_units, "basis")
    if ranks[-1] > basis.shape[1]:
        raise ValidationError(f"ranks: expected values in 0..{basis.shape[1]} (the basis vectors), got {ranks[-1]}")
    x0 = np.ascontiguousarray(net.x0[:, check_condition_ids(net, condition_ids, n_trials)], dtype=np_dtype)  # [N, B]
    target = np.ascontiguousarray(targets[..., 0].T, dtype=np_dtype)  # [T, B]
    w_out, b_out = net.W_out[0], net.b_z[0]
    alpha, keep = net.alpha, 1.0 - net.alpha
    n_samples = n_trials * n_steps

    with single_threaded_blas():
        drive = _drive_by_step(net, inputs, noise, np_dtype)
        chunks = [(0, drive)]
        reference = np.empty_like(drive)
        full_sq, _ = run_block(net.W[None].astype(np_dtype), x0, chunks, None, target, w_out, b_out, alpha,
                               keep, net.nonlinearity, kernel, record=reference)
    full_cost = float(full_sq[0] / n_samples)

    cost = np.full(ranks.size, full_cost)
    dist = np.zeros(ranks.size)
    todo = np.flatnonzero(ranks != basis.shape[1])  # keeping every basis vector leaves W as it is
    if block_size is None:
        block_size = default_block_size(n_trials, net.n_units, np.dtype(dtype).itemsize)
    blocks = [todo[sel] for sel in sweep_blocks(todo.size, block_size, threads)]

    def run(sel):
        W = reduced_rank_stack(net.W, basis, dim_type, ranks[sel])
        return run_block(np.ascontiguousarray(W, dtype=np_dtype), x0, chunks, reference, target, w_out, b_out,
                         alpha, keep, net.nonlinearity, kernel)

    with tqdm(total=ranks.size, desc="rank sweep", unit="network", disable=not progress) as bar, \
            single_threaded_blas(), ThreadPoolExecutor(max(1, min(threads, len(blocks)))) as pool:
        bar.update(ranks.size - todo.size)
        for sel, (sq_err, d) in zip(blocks, pool.map(run, blocks)):
            cost[sel] = sq_err / n_samples
            dist[sel] = d / n_samples
            bar.update(sel.size)
    return RankSweep(ranks, cost, dist, full_cost)


def _gated_sweep(net, basis, dim_type, inputs, condition_ids, targets, ranks, block_size, progress,
                 threads) -> RankSweep:
    """:func:`rank_sweep` of a gated cell: every gate block of W keeps ``basis[:, :k]``; numpy, no noise."""
    n_trials, n_steps, _ = inputs.shape
    n = net.n_units
    basis = as_dimension_matrix(basis, n, "basis")
    if ranks[-1] > basis.shape[1]:
        raise ValidationError(f"ranks: expected values in 0..{basis.shape[1]} (the basis vectors), got {ranks[-1]}")
    x0 = net.x0[:, check_condition_ids(net, condition_ids, n_trials)].T.copy()  # [B, S]
    target = targets[..., 0]  # [B, T]
    w_out, b_out = net.W_out[0], net.b_z[0]
    n_samples = n_trials * n_steps
    with single_threaded_blas():
        reference = run_gated(net, inputs, x0)  # [B, T, S]
    full_cost = float(np.mean((reference[..., :n] @ w_out + b_out - target) ** 2))

    cost = np.full(ranks.size, full_cost)
    dist = np.zeros(ranks.size)
    todo = np.flatnonzero(ranks != basis.shape[1])  # keeping every basis vector leaves W as it is
    if block_size is None:
        block_size = default_block_size(n_trials, net.n_blocks * n)
    blocks = [todo[sel] for sel in sweep_blocks(todo.size, block_size, threads)]

    def run(sel):
        W = np.stack([remove_gated_dimensions(net.W, basis[:, k:], dim_type, net.n_blocks) for k in ranks[sel]])
        sq_err = np.zeros(len(sel))
        d = np.zeros(len(sel))

        def sink(t, states):  # states [K, B, S]
            err = states[..., :n] @ w_out + b_out - target[:, t]
            sq_err[...] += np.sum(err * err, axis=1)
            d[...] += np.sum(np.linalg.norm(states - reference[:, t], axis=-1), axis=1)

        run_gated(net, inputs, x0, W, sink=sink)
        return sq_err, d

    with tqdm(total=ranks.size, desc="rank sweep", unit="network", disable=not progress) as bar, \
            single_threaded_blas(), ThreadPoolExecutor(max(1, min(threads, len(blocks)))) as pool:
        bar.update(ranks.size - todo.size)
        for sel, (sq_err, d) in zip(blocks, pool.map(run, blocks)):
            cost[sel] = sq_err / n_samples
            dist[sel] = d / n_samples
            bar.update(sel.size)
    return RankSweep(ranks, cost, dist, full_cost)
