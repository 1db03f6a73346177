"""Rank sweeps: cost and state distance of reduced-rank networks, k = 1..N.

All reduced-rank networks of a block advance together with all trials (one
batched matrix product per step), and the measures are accumulated on the
fly, so memory stays at a few ``block * trials * units`` arrays. With the
numpy backend the blocks run on CPU threads; with the torch backend on one
device (CPU or GPU).
"""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

from .network import Network
from .random import RandomStream, as_stream
from .reduce import reduced_rank_stack
from .simulate import (
    _check_inputs,
    _check_noise,
    _split,
    check_backend,
    check_condition_ids,
    draw_noise,
    drive_chunks,
    euler_steps,
    simulate,
    single_threaded_blas,
    torch_device,
    torch_single_thread_on_cpu,
    usable_cores,
)

__all__ = ["RankSweep", "rank_sweep", "sweep_blocks"]


@dataclass
class RankSweep:
    """Measures per rank: ``ranks [K]``, ``cost [K]`` (MSE of output 1),
    ``state_distance [K]`` (to the full-rank trajectories), ``full_cost``."""

    ranks: np.ndarray
    cost: np.ndarray
    state_distance: np.ndarray
    full_cost: float


def sweep_blocks(n_ranks: int, block_size: int, parallel: int = 1) -> list[slice]:
    """Split ``n_ranks`` networks into blocks of at most ``block_size``, at least
    ``parallel`` of them (a multiple of ``parallel``, so that workers stay busy)."""
    block_size = max(1, int(block_size))
    n_blocks = max(-(-n_ranks // block_size), 1)
    n_blocks = -(-n_blocks // parallel) * parallel
    return _split(n_ranks, min(n_blocks, max(n_ranks, 1)))


def _numpy_block(net: Network, W, x0, inputs, noise, reference_x, target, dtype):
    """Summed squared output error and summed state distance ``[K]`` of each of ``W [K, N, N]``."""
    alpha, keep = dtype(net.alpha), dtype(1.0 - net.alpha)
    WT = np.swapaxes(W.astype(dtype, copy=False), -1, -2)
    x = np.array(np.broadcast_to(x0.astype(dtype), (W.shape[0],) + x0.shape))
    r = np.tanh(x)
    diff = np.empty_like(x)
    w_out, b_out = net.W_out[0].astype(dtype), dtype(net.b_z[0])
    sq_err = np.zeros(x.shape[:2])
    dist = np.zeros(x.shape[:2])
    chunks = drive_chunks(net, inputs, noise, net.noise_sigma, dtype)
    for t in euler_steps(np, x, r, WT, chunks, alpha, keep):
        np.subtract(x, reference_x[:, t], out=diff)
        np.square(diff, out=diff)
        dist += np.sqrt(diff.sum(axis=-1))
        err = r @ w_out + b_out - target[:, t]
        sq_err += err * err
    return sq_err.sum(axis=1), dist.sum(axis=1)


def _torch_block(net: Network, W, x0, inputs, noise, reference_x, target, tdtype, dev):
    """:func:`_numpy_block` in torch; ``reference_x``, ``target`` are tensors on ``dev``."""
    import torch

    def tensor(a):
        return torch.tensor(a, dtype=tdtype, device=dev)

    alpha, keep = net.alpha, 1.0 - net.alpha
    WT = tensor(np.swapaxes(W, -1, -2))
    x = tensor(np.broadcast_to(x0, (W.shape[0],) + x0.shape))
    r = torch.tanh(x)
    w_out, b_out = tensor(net.W_out[0]), float(net.b_z[0])
    sq_err = torch.zeros(x.shape[:2], dtype=torch.float64, device=dev)
    dist = torch.zeros(x.shape[:2], dtype=torch.float64, device=dev)
    chunks = ((t0, tensor(drive)) for t0, drive in drive_chunks(net, inputs, noise, net.noise_sigma))
    for t in euler_steps(torch, x, r, WT, chunks, alpha, keep):
        dist += torch.linalg.vector_norm(x - reference_x[:, t], dim=-1)
        err = r @ w_out + b_out - target[:, t]
        sq_err += err * err
    return sq_err.sum(dim=1).cpu().numpy(), dist.sum(dim=1).cpu().numpy()


def rank_sweep(net: Network, basis, dim_type: str, inputs, condition_ids, targets, *,
               ranks=None, noise=None, stream: RandomStream | int | None = None,
               block_size: int = 25, progress: bool = False, backend: str = "numpy", device=None,
               dtype: str = "float64", threads: int | None = None) -> RankSweep:
    """Cost and state distance when W keeps only ``basis[:, :k]``, for each rank k.

    ``basis [N, N]``: orthonormal dimensions ordered by importance (global
    operative dimensions, or W's left singular vectors). ``inputs [B, T,
    n_in]``, ``targets [B, T, n_out]``. Every network gets the same noise
    (the original reseeds before each run): ``noise [B, T, N]`` standard
    normal, or drawn once from ``stream`` in MATLAB's order. ``ranks``
    default ``1..N``; at most ``block_size`` networks are simulated at a time.
    ``backend``, ``device``, ``dtype``, ``threads`` as :func:`opdims.simulate`
    (numpy: blocks run on ``threads`` CPU threads).
    """
    check_backend(backend, dtype)
    inputs = _check_inputs(net, inputs)
    targets = np.asarray(targets, dtype=np.float64)
    n_trials, n_steps, _ = inputs.shape
    if targets.ndim != 3 or targets.shape[:2] != (n_trials, n_steps):
        raise ValueError(f"targets: expected shape [{n_trials}, {n_steps}, n_out], got {targets.shape}")
    ranks = np.arange(1, net.n_units + 1) if ranks is None else np.atleast_1d(ranks).astype(int)
    if noise is None and (net.noise_sigma != 0 or stream is not None):
        noise = draw_noise(as_stream(stream), n_trials, n_steps, net.n_units)
    if noise is not None:
        noise = _check_noise(noise, (n_trials, n_steps, net.n_units))
    threads = usable_cores() if threads is None else max(1, int(threads))
    full = simulate(net, inputs, condition_ids, noise=noise, backend=backend, device=device, dtype=dtype,
                    threads=threads)
    x0 = net.x0[:, check_condition_ids(net, condition_ids, n_trials)].T
    target = targets[..., 0]
    parallel = threads if backend == "numpy" else 1
    blocks = sweep_blocks(ranks.size, block_size, parallel)

    if backend == "numpy":
        np_dtype = np.dtype(dtype).type
        reference_x = full.x

        def run(sel):
            W = reduced_rank_stack(net.W, basis, dim_type, ranks[sel])
            return _numpy_block(net, W, x0, inputs, noise, reference_x, target, np_dtype)
    else:
        import torch

        dev, tdtype = torch_device(device), getattr(torch, dtype)
        reference_x = torch.as_tensor(full.x, dtype=tdtype, device=dev)
        target_t = torch.as_tensor(target, dtype=tdtype, device=dev)

        def run(sel):
            W = reduced_rank_stack(net.W, basis, dim_type, ranks[sel])
            return _torch_block(net, W, x0, inputs, noise, reference_x, target_t, tdtype, dev)

    cost = np.empty(ranks.size)
    dist = np.empty(ranks.size)
    n_samples = n_trials * n_steps
    device_threads = torch_single_thread_on_cpu(dev) if backend == "torch" else contextlib.nullcontext()
    with tqdm(total=ranks.size, desc="rank sweep", unit="network", disable=not progress) as bar, \
            single_threaded_blas(), device_threads, ThreadPoolExecutor(max(1, min(parallel, len(blocks)))) as pool:
        for sel, (sq_err, d) in zip(blocks, pool.map(run, blocks)):
            cost[sel] = sq_err / n_samples
            dist[sel] = d / n_samples
            bar.update(sel.stop - sel.start)
    full_cost = float(np.mean((full.z[..., 0] - target) ** 2))
    return RankSweep(ranks, cost, dist, full_cost)
