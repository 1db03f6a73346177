"""Batched simulation of the rate RNN: all trials (and networks) per step.

Two backends compute the same numbers: ``numpy`` (default; the work is
split over CPU threads, each running single-threaded BLAS) and ``torch``
(optional, CPU or GPU). Both run in float64 unless float32 is asked for.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .network import Network
from .random import NumpyStream, RandomStream, as_stream

__all__ = [
    "BACKENDS",
    "DTYPES",
    "THREADS_ENV",
    "Trajectories",
    "check_condition_ids",
    "draw_noise",
    "simulate",
    "single_threaded_blas",
    "usable_cores",
]

BACKENDS = ("numpy", "torch")
DTYPES = ("float64", "float32")
_TIME_CHUNK = 64  #: steps whose input drive is formed at once
_MIN_ROWS_PER_THREAD = 16  #: trials x networks below which one thread does the work
_blas_controller = None


@dataclass
class Trajectories:
    """States of one forward pass.

    ``x``, ``r``: ``[(K,) B, T, N]`` (pre- and post-tanh, after each step);
    ``z``: ``[(K,) B, T, n_out]``; ``x0``, ``r0``: ``[B, N]`` initial states.
    The optional leading axis ``K`` indexes recurrent matrices simulated
    together (e.g. the reduced-rank networks of a sweep).
    """

    x: np.ndarray
    r: np.ndarray
    z: np.ndarray
    x0: np.ndarray
    r0: np.ndarray


THREADS_ENV = "OPDIMS_THREADS"  #: environment variable capping the threads of the numpy backend


def usable_cores() -> int:
    """Threads the numpy backend uses by default: ``$OPDIMS_THREADS`` if set, else the
    CPU cores this process may run on."""
    if os.environ.get(THREADS_ENV):
        value = os.environ[THREADS_ENV]
        if not value.isdigit() or int(value) < 1:
            raise ValueError(f"{THREADS_ENV}: expected a positive integer (threads), got {value!r}")
        return int(value)
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def single_threaded_blas():
    """Context in which BLAS uses one thread (needs ``threadpoolctl``; else a no-op).

    Small matrix products (a step of 60 trials x 100 units) run fastest on
    one BLAS thread; opdims parallelises over trials or networks instead.
    """
    global _blas_controller
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return contextlib.nullcontext()
    if _blas_controller is None:
        _blas_controller = ThreadpoolController()
    return _blas_controller.limit(limits=1, user_api="blas")


def check_condition_ids(net: Network, condition_ids, n_trials: int) -> np.ndarray:
    """Validate 1-based condition ids ``[>= B]`` and return the first ``B``, 0-based."""
    ids = np.asarray(condition_ids).reshape(-1)
    if ids.size < n_trials:
        raise ValueError(f"condition_ids: expected at least {n_trials} ids (one per trial), got {ids.size}")
    ids = ids[:n_trials]
    if not np.all(np.isfinite(ids)) or np.any(ids != np.round(ids)):
        raise ValueError(f"condition_ids: expected integers, got {ids}")
    ids = ids.astype(int)
    if ids.size and (ids.min() < 1 or ids.max() > net.n_contexts):
        raise ValueError(
            f"condition_ids: expected ids in 1..{net.n_contexts} (columns of x0), "
            f"got values from {ids.min()} to {ids.max()}"
        )
    return ids - 1


def draw_noise(stream: RandomStream, n_trials: int, n_steps: int, n_units: int) -> np.ndarray:
    """Standard-normal noise ``[B, T, N]`` drawn in MATLAB's order.

    The original draws ``randn(n_units, n_timesteps)`` once per trial, in
    trial order; each draw is transposed into this package's orientation.
    """
    noise = np.empty((n_trials, n_steps, n_units))
    if isinstance(stream, NumpyStream):
        # consecutive draws of a NumPy generator are one draw cut in pieces
        noise[:] = stream.randn((n_trials, n_units, n_steps)).transpose(0, 2, 1)
        return noise
    for b in range(n_trials):
        noise[b] = stream.randn((n_units, n_steps)).T
    return noise


def _check_inputs(net: Network, inputs) -> np.ndarray:
    inputs = np.asarray(inputs, dtype=np.float64)
    if inputs.ndim != 3 or inputs.shape[2] != net.n_inputs:
        raise ValueError(
            f"inputs: expected shape [trials, time, {net.n_inputs}] for a network with "
            f"{net.n_inputs} inputs, got {inputs.shape}"
        )
    if not np.all(np.isfinite(inputs)):
        raise ValueError("inputs: contain NaN or Inf")
    return inputs


def _check_recurrent(net: Network, W) -> np.ndarray:
    if W is None:
        return net.W
    W = np.asarray(W, dtype=np.float64)
    n = net.n_units
    if W.shape[-2:] != (n, n) or W.ndim not in (2, 3):
        raise ValueError(f"W: expected shape [{n}, {n}] or [K, {n}, {n}], got {W.shape}")
    return W


def _check_noise(noise, shape) -> np.ndarray:
    noise = np.asarray(noise, dtype=np.float64)
    if noise.shape != shape:
        raise ValueError(f"noise: expected shape {shape}, got {noise.shape}")
    return noise


def check_backend(backend: str, dtype: str) -> None:
    """Raise unless ``backend`` is in :data:`BACKENDS` and ``dtype`` in :data:`DTYPES`."""
    if backend not in BACKENDS:
        raise ValueError(f"backend: expected one of {BACKENDS}, got {backend!r}")
    if dtype not in DTYPES:
        raise ValueError(f"dtype: expected one of {DTYPES}, got {dtype!r}")


def drive_chunks(net: Network, inputs, noise, sigma: float, dtype=np.float64, chunk: int = _TIME_CHUNK):
    """Yield ``(t0, drive [B, t, N])``: input, bias and scaled noise of ``chunk`` steps at a time.

    ``drive = (inputs W_in' + b_x) + sigma * noise``, the sum order of the
    whole-array form; ``noise`` may be ``None`` (no noise).
    """
    n_trials, n_steps, n_in = inputs.shape
    for t0 in range(0, n_steps, chunk):
        sl = slice(t0, t0 + chunk)
        u = np.ascontiguousarray(inputs[:, sl]).reshape(-1, n_in)
        drive = (u @ net.W_in.T).reshape(n_trials, -1, net.n_units)
        drive += net.b_x
        if noise is not None:
            drive += sigma * noise[:, sl]
        yield t0, drive.astype(dtype, copy=False)


def euler_steps(xp, x, r, WT, chunks, alpha, keep):
    """Advance ``x``, ``r`` ``[..., B, N]`` in place, one step per drive row; yield ``t`` after each.

    ``x <- keep x + alpha (r WT + drive_t)``, ``r <- tanh(x)``. ``xp`` is
    numpy or torch; ``chunks`` yields ``(t0, drive [B, t, N])`` of ``xp``.
    """
    rec = xp.empty_like(x)
    for t0, drive in chunks:
        for i in range(drive.shape[1]):
            xp.matmul(r, WT, out=rec)
            rec += drive[:, i]
            rec *= alpha
            x *= keep
            x += rec
            xp.tanh(x, out=r)
            yield t0 + i


def _numpy_pass(net, W, x0, inputs, noise, sigma, x_out, r_out, dtype):
    """Advance ``W [(K,) N, N]`` on the trials of ``x0 [B, N]``; fill ``x_out, r_out [(K,) B, T, N]``."""
    WT = np.swapaxes(W.astype(dtype, copy=False), -1, -2)
    x = np.array(np.broadcast_to(x0.astype(dtype), W.shape[:-2] + x0.shape))
    r = np.tanh(x)
    chunks = drive_chunks(net, inputs, noise, sigma, dtype)
    for t in euler_steps(np, x, r, WT, chunks, dtype(net.alpha), dtype(1.0 - net.alpha)):
        x_out[..., t, :] = x
        r_out[..., t, :] = r


def _split(n: int, parts: int) -> list[slice]:
    edges = np.linspace(0, n, parts + 1).round().astype(int)
    return [slice(a, b) for a, b in itertools.pairwise(edges) if b > a]


def _simulate_numpy(net, W, x0, inputs, noise, sigma, dtype, threads):
    """All trials and networks on CPU threads; each thread owns a share of trials or networks."""
    lead = W.shape[:-2]
    n_trials, n_steps, n = inputs.shape[0], inputs.shape[1], net.n_units
    x_out = np.empty(lead + (n_trials, n_steps, n), dtype=dtype)
    r_out = np.empty_like(x_out)
    z_out = np.empty(lead + (n_trials, n_steps, net.n_outputs), dtype=dtype)
    rows = n_trials * (lead[0] if lead else 1)
    threads = max(1, min(threads, rows // _MIN_ROWS_PER_THREAD))
    by_network = bool(lead) and lead[0] >= threads

    def work(part: slice):
        if by_network:
            sel = (part,)
            _numpy_pass(net, W[part], x0, inputs, noise, sigma, x_out[part], r_out[part], dtype)
        else:
            sel = (Ellipsis, part, slice(None), slice(None))
            _numpy_pass(net, W, x0[part], inputs[part], None if noise is None else noise[part], sigma,
                        x_out[sel], r_out[sel], dtype)
        z_out[sel] = r_out[sel] @ net.W_out.T.astype(dtype) + net.b_z.astype(dtype)

    parts = _split(lead[0] if by_network else n_trials, threads)
    with single_threaded_blas():
        if len(parts) == 1:
            work(parts[0])
        else:
            with ThreadPoolExecutor(len(parts)) as pool:
                list(pool.map(work, parts))
    return x_out, r_out, z_out


def torch_device(device):
    """``torch.device`` for ``device`` (default: CUDA when available, else CPU)."""
    import torch

    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


@contextlib.contextmanager
def torch_single_thread_on_cpu(dev):
    """On a CPU device, torch uses one thread meanwhile (faster for per-step small products)."""
    import torch

    if dev.type != "cpu":
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _simulate_torch(net, W, x0, inputs, noise, sigma, dtype, device):
    """The same loop in torch on ``device``; results come back as NumPy arrays."""
    import torch

    tdtype = getattr(torch, dtype)
    dev = torch_device(device)

    def tensor(a):
        return torch.tensor(a, dtype=tdtype, device=dev)

    lead = W.shape[:-2]
    n_trials, n_steps, n = inputs.shape[0], inputs.shape[1], net.n_units
    WT = tensor(np.swapaxes(W, -1, -2))
    x_out = torch.empty(lead + (n_trials, n_steps, n), dtype=tdtype, device=dev)
    r_out = torch.empty_like(x_out)
    x = tensor(np.broadcast_to(x0, lead + x0.shape))
    r = torch.tanh(x)
    chunks = ((t0, tensor(drive)) for t0, drive in drive_chunks(net, inputs, noise, sigma))
    for t in euler_steps(torch, x, r, WT, chunks, net.alpha, 1.0 - net.alpha):
        x_out[..., t, :] = x
        r_out[..., t, :] = r
    z_out = r_out @ tensor(net.W_out.T) + tensor(net.b_z)
    return tuple(a.cpu().numpy() for a in (x_out, r_out, z_out))


def simulate(
    net: Network,
    inputs,
    condition_ids,
    *,
    W=None,
    noise=None,
    stream: RandomStream | int | None = None,
    noise_sigma: float | None = None,
    backend: str = "numpy",
    device=None,
    dtype: str = "float64",
    threads: int | None = None,
) -> Trajectories:
    """Run trials ``[B, T, n_in]`` through the network, all trials per step.

    ``condition_ids`` (1-based, one per trial) pick the column of ``net.x0``
    each trial starts from. ``W`` replaces the recurrent weights: ``[N, N]``,
    or ``[K, N, N]`` to run K networks on the same trials and noise.

    Noise: ``noise`` is standard-normal ``[B, T, N]``, scaled by
    ``noise_sigma`` (default ``net.noise_sigma``). Without it, noise is drawn
    from ``stream`` in MATLAB's order (:func:`draw_noise`), also when sigma is
    0 if a stream is given, so that later draws stay aligned with MATLAB;
    with sigma 0 and no stream nothing is drawn.

    ``backend``: ``'numpy'`` (``threads`` CPU threads, default all usable
    cores) or ``'torch'`` on ``device`` (``'cpu'``, ``'cuda'``; default CUDA
    when available). ``dtype``: ``'float64'`` (default) or ``'float32'``
    (about 1e-6 relative error on the states, see docs/performance.md).
    Results are NumPy arrays of that dtype.
    """
    check_backend(backend, dtype)
    inputs = _check_inputs(net, inputs)
    W = _check_recurrent(net, W)
    n_trials, n_steps, _ = inputs.shape
    ids = check_condition_ids(net, condition_ids, n_trials)
    sigma = net.noise_sigma if noise_sigma is None else float(noise_sigma)
    n = net.n_units

    if noise is None and (sigma != 0 or stream is not None):
        noise = draw_noise(as_stream(stream), n_trials, n_steps, n)
    if noise is not None:
        noise = _check_noise(noise, (n_trials, n_steps, n))

    x0 = net.x0[:, ids].T.copy()
    r0 = np.tanh(x0)
    if backend == "numpy":
        threads = usable_cores() if threads is None else max(1, int(threads))
        x_t, r_t, z_t = _simulate_numpy(net, W, x0, inputs, noise, sigma, np.dtype(dtype).type, threads)
    else:
        with single_threaded_blas(), torch_single_thread_on_cpu(torch_device(device)):
            x_t, r_t, z_t = _simulate_torch(net, W, x0, inputs, noise, sigma, dtype, device)
    return Trajectories(x=x_t, r=r_t, z=z_t, x0=x0, r0=r0)
