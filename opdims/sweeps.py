"""Rank sweeps: cost and state distance of reduced-rank networks, k = 1..N.

All reduced-rank networks of a block advance together with all trials (one
batched matrix product per step), and the measures are accumulated on the
fly, so memory stays at ``block * trials * units`` per step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

from .network import Network
from .random import RandomStream, as_stream
from .reduce import reduced_rank_stack
from .simulate import _check_inputs, check_condition_ids, draw_noise, simulate, step_states

__all__ = ["RankSweep", "rank_sweep"]


@dataclass
class RankSweep:
    """Measures per rank: ``ranks [K]``, ``cost [K]`` (MSE of output 1),
    ``state_distance [K]`` (to the full-rank trajectories), ``full_cost``."""

    ranks: np.ndarray
    cost: np.ndarray
    state_distance: np.ndarray
    full_cost: float


def rank_sweep(net: Network, basis, dim_type: str, inputs, condition_ids, targets, *,
               ranks=None, noise=None, stream: RandomStream | int | None = None,
               block_size: int = 25, progress: bool = False) -> RankSweep:
    """Cost and state distance when W keeps only ``basis[:, :k]``, for each rank k.

    ``basis [N, N]``: orthonormal dimensions ordered by importance (global
    operative dimensions, or W's left singular vectors). ``inputs [B, T,
    n_in]``, ``targets [B, T, n_out]``. Every network gets the same noise
    (the original reseeds before each run): ``noise [B, T, N]`` standard
    normal, or drawn once from ``stream`` in MATLAB's order. ``ranks``
    default ``1..N``; ``block_size`` networks are simulated at a time.
    """
    inputs = _check_inputs(net, inputs)
    targets = np.asarray(targets, dtype=np.float64)
    n_trials, n_steps, _ = inputs.shape
    if targets.shape[:2] != (n_trials, n_steps):
        raise ValueError(f"targets: expected shape [{n_trials}, {n_steps}, n_out], got {targets.shape}")
    ranks = np.arange(1, net.n_units + 1) if ranks is None else np.atleast_1d(ranks).astype(int)
    if noise is None and (net.noise_sigma != 0 or stream is not None):
        noise = draw_noise(as_stream(stream), n_trials, n_steps, net.n_units)
    full = simulate(net, inputs, condition_ids, noise=noise)
    ids = check_condition_ids(net, condition_ids, n_trials)
    drive = inputs @ net.W_in.T + net.b_x
    if noise is not None:
        drive = drive + net.noise_sigma * np.asarray(noise, dtype=np.float64)
    x0 = net.x0[:, ids].T
    cost = np.empty(ranks.size)
    dist = np.empty(ranks.size)
    blocks = range(0, ranks.size, max(1, int(block_size)))
    for start in tqdm(blocks, desc="rank sweep", unit="block", disable=not progress):
        sel = slice(start, start + block_size)
        W = reduced_rank_stack(net.W, basis, dim_type, ranks[sel])
        cost[sel], dist[sel] = _accumulate(net, W, drive, x0, full.x, targets[..., 0])
    full_cost = float(np.mean((full.z[..., 0] - targets[..., 0]) ** 2))
    return RankSweep(ranks, cost, dist, full_cost)


def _accumulate(net: Network, W, drive, x0, reference_x, target):
    """Mean squared output error and mean state distance of each of ``W [K, N, N]``."""
    k = W.shape[0]
    x = np.broadcast_to(x0, (k,) + x0.shape)
    r = np.tanh(x)
    w_out, b_out = net.W_out[0], net.b_z[0]
    sq_err = np.zeros(k)
    dist = np.zeros(k)
    for t in range(drive.shape[1]):
        x, r = step_states(x, r, W, drive[:, t], net.alpha)
        sq_err += ((r @ w_out + b_out - target[:, t]) ** 2).sum(axis=-1)
        dist += np.linalg.norm(x - reference_x[:, t], axis=-1).sum(axis=-1)
    n = drive.shape[0] * drive.shape[1]
    return sq_err / n, dist / n
