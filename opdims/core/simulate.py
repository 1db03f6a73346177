"""Batched simulation of the rate RNN: all trials (and networks) per step.

Two backends compute the same numbers: ``numpy`` (default; the work is
split over CPU threads, each running single-threaded BLAS) and ``torch``
(optional, CPU or GPU). Both run in float64 unless float32 is asked for.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .backend import check_backend, check_threads, single_threaded_blas, split, torch_device, torch_threads
from .cells import is_gated, run_gated
from .errors import ValidationError
from .network import Network
from .nonlinearity import apply_nonlinearity
from .random import NumpyStream, RandomStream, as_stream
from .validation import check_condition_ids, check_inputs, check_noise, check_recurrent

__all__ = ["StateSummary", "Trajectories", "check_gated_run", "draw_noise", "drive_chunks", "euler_steps", "simulate",
           "summarise_states"]

_TIME_CHUNK = 64  #: steps whose input drive is formed at once
_MIN_ROWS_PER_THREAD = 16  #: trials x networks below which one thread does the work
_SUMMARY_CHUNK = 32  #: trials summed together by summarise_states (fixed, so results do not depend on threads)


@dataclass
class Trajectories:
    """States of one forward pass.

    Parameters
    ----------
    x, r : numpy.ndarray
        ``[(K,) B, T, N]``: states and rates ``φ(x)`` after each step.
    z : numpy.ndarray
        ``[(K,) B, T, n_out]``: outputs.
    x0, r0 : numpy.ndarray
        ``[B, N]``: initial states and rates.

    Notes
    -----
    The optional leading axis ``K`` indexes recurrent matrices simulated
    together (e.g. the reduced-rank networks of a sweep).
    """

    x: np.ndarray
    r: np.ndarray
    z: np.ndarray
    x0: np.ndarray
    r0: np.ndarray


def draw_noise(stream: RandomStream, n_trials: int, n_steps: int, n_units: int) -> np.ndarray:
    """Standard-normal noise ``[B, T, N]`` drawn in MATLAB's order.

    The original draws ``randn(n_units, n_timesteps)`` once per trial, in
    trial order; each draw is transposed into this package's orientation.
    Drawing ``B1`` trials and then ``B2`` gives the same numbers as drawing
    ``B1 + B2`` at once.

    Parameters
    ----------
    stream : RandomStream
        Where the draws come from.
    n_trials, n_steps, n_units : int
        The shape ``[B, T, N]``.

    Returns
    -------
    numpy.ndarray
        The noise.

    Examples
    --------
    >>> from opdims import NumpyStream
    >>> draw_noise(NumpyStream(0), 2, 3, 4).shape
    (2, 3, 4)
    """
    noise = np.empty((n_trials, n_steps, n_units))
    if isinstance(stream, NumpyStream):
        # consecutive draws of a NumPy generator are one draw cut in pieces
        noise[:] = stream.randn((n_trials, n_units, n_steps)).transpose(0, 2, 1)
        return noise
    for b in range(n_trials):
        noise[b] = stream.randn((n_units, n_steps)).T
    return noise


def drive_chunks(net: Network, inputs, noise, sigma: float, dtype=np.float64, chunk: int = _TIME_CHUNK):
    """Yield ``(t0, drive [B, t, N])``: input, bias and scaled noise of ``chunk`` steps at a time.

    ``drive = (inputs W_in' + b_x) + sigma * noise``, the sum order of the
    whole-array form; ``noise`` may be ``None`` (no noise).

    Parameters
    ----------
    net : opdims.Network
        The network.
    inputs : numpy.ndarray
        ``[B, T, n_in]``.
    noise : numpy.ndarray or None
        Standard-normal noise ``[B, T, N]``.
    sigma : float
        Noise scale.
    dtype : numpy dtype, optional
        Precision of the drive.
    chunk : int, optional
        Steps per chunk.

    Yields
    ------
    tuple
        ``(t0, drive)``.
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


def euler_steps(xp, x, r, WT, chunks, alpha, keep, nonlinearity: str = "tanh"):
    """Advance ``x``, ``r`` ``[..., B, N]`` in place, one step per drive row; yield ``t`` after each.

    ``x <- keep x + alpha (r WT + drive_t)``, ``r <- φ(x)``: the one Euler
    step loop of the simulation, the sweeps and (in torch) the training.

    Parameters
    ----------
    xp : module
        ``numpy`` or ``torch``.
    x, r : array
        States and rates ``[..., B, N]``, updated in place.
    WT : array
        Transposed recurrent weights ``[..., N, N]``.
    chunks : iterable
        ``(t0, drive [B, t, N])`` of ``xp`` arrays (see :func:`drive_chunks`).
    alpha, keep : float
        ``dt / tau`` and ``1 - alpha``.
    nonlinearity : str, optional
        The network's φ (default ``'tanh'``).

    Yields
    ------
    int
        The step just taken (0-based).
    """
    rec = xp.empty_like(x)
    keep_state = keep != 0
    for t0, drive in chunks:
        for i in range(drive.shape[1]):
            xp.matmul(r, WT, out=rec)
            rec += drive[:, i]
            if keep_state:
                rec *= alpha
                x *= keep
                x += rec
            else:  # alpha = 1: the state is the new drive
                x[...] = rec if alpha == 1 else alpha * rec
            apply_nonlinearity(nonlinearity, x, out=r, xp=xp)
            yield t0 + i


def _numpy_pass(net, W, x0, inputs, noise, sigma, dtype, sink):
    """Advance ``W [(K,) N, N]`` on the trials of ``x0 [B, N]``; ``sink(t, x, r)`` after each step."""
    WT = np.swapaxes(W.astype(dtype, copy=False), -1, -2)
    x = np.array(np.broadcast_to(x0.astype(dtype), W.shape[:-2] + x0.shape))
    r = apply_nonlinearity(net.nonlinearity, x)
    chunks = drive_chunks(net, inputs, noise, sigma, dtype)
    for t in euler_steps(np, x, r, WT, chunks, dtype(net.alpha), dtype(1.0 - net.alpha), net.nonlinearity):
        sink(t, x, r)


def _parts(n_trials: int, lead, threads: int):
    """How the work is shared among threads: ``(by_network, slices)``."""
    rows = n_trials * (lead[0] if lead else 1)
    threads = max(1, min(threads, rows // _MIN_ROWS_PER_THREAD))
    by_network = bool(lead) and lead[0] >= threads
    return by_network, split(lead[0] if by_network else n_trials, threads)


def _run_parts(work, parts, threads: int | None = None) -> list:
    """``work(part)`` for every part, on ``threads`` threads (default one per part), results in order."""
    threads = len(parts) if threads is None else max(1, min(threads, len(parts)))
    with single_threaded_blas():
        if threads == 1:
            return [work(part) for part in parts]
        with ThreadPoolExecutor(threads) as pool:
            return list(pool.map(work, parts))


def _simulate_numpy(net, W, x0, inputs, noise, sigma, dtype, threads):
    """All trials and networks on CPU threads; each thread owns a share of trials or networks."""
    lead = W.shape[:-2]
    n_trials, n_steps, n = inputs.shape[0], inputs.shape[1], net.n_units
    x_out = np.empty(lead + (n_trials, n_steps, n), dtype=dtype)
    r_out = np.empty_like(x_out)
    z_out = np.empty(lead + (n_trials, n_steps, net.n_outputs), dtype=dtype)
    by_network, parts = _parts(n_trials, lead, threads)

    def work(part: slice):
        if by_network:
            sel = (part,)
            net_W, part_x0, part_inputs, part_noise = W[part], x0, inputs, noise
        else:
            sel = (Ellipsis, part, slice(None), slice(None))
            net_W, part_x0, part_inputs = W, x0[part], inputs[part]
            part_noise = None if noise is None else noise[part]
        xs, rs = x_out[sel], r_out[sel]

        def sink(t, x, r):
            xs[..., t, :] = x
            rs[..., t, :] = r

        _numpy_pass(net, net_W, part_x0, part_inputs, part_noise, sigma, dtype, sink)
        z_out[sel] = rs @ net.W_out.T.astype(dtype) + net.b_z.astype(dtype)

    _run_parts(work, parts)
    return x_out, r_out, z_out


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
    r = apply_nonlinearity(net.nonlinearity, x, xp=torch)
    chunks = ((t0, tensor(drive)) for t0, drive in drive_chunks(net, inputs, noise, sigma))
    for t in euler_steps(torch, x, r, WT, chunks, net.alpha, 1.0 - net.alpha, net.nonlinearity):
        x_out[..., t, :] = x
        r_out[..., t, :] = r
    z_out = r_out @ tensor(net.W_out.T) + tensor(net.b_z)
    return tuple(a.cpu().numpy() for a in (x_out, r_out, z_out))


def _prepare(net, inputs, condition_ids, W, noise, stream, noise_sigma):
    """Checked inputs, recurrent weights, 0-based ids, sigma and noise (drawn if needed)."""
    inputs = check_inputs(net, inputs)
    W = check_recurrent(net, W)
    n_trials, n_steps, _ = inputs.shape
    ids = check_condition_ids(net, condition_ids, n_trials)
    sigma = net.noise_sigma if noise_sigma is None else float(noise_sigma)
    if not (np.isfinite(sigma) and sigma >= 0):
        raise ValidationError(f"noise_sigma: expected a number >= 0, got {noise_sigma!r}")
    if noise is None and (sigma != 0 or stream is not None):
        noise = draw_noise(as_stream(stream), n_trials, n_steps, net.n_units)
    if noise is not None:
        noise = check_noise(noise, (n_trials, n_steps, net.n_units))
    return inputs, W, ids, sigma, noise


def check_gated_run(net, noise=None, noise_sigma=None, backend: str = "numpy", dtype: str = "float64") -> None:
    """Raise unless a gated cell can run with these options: no noise, numpy back end, float64.

    Parameters
    ----------
    net : GatedNetwork
        The network.
    noise : array_like, optional
        Noise asked for (only zeros fit).
    noise_sigma : float, optional
        Noise scale asked for (only 0 fits).
    backend, dtype : str, optional
        Back end and precision asked for.

    Raises
    ------
    ValidationError
        For noise, the torch back end or float32.
    """
    if noise_sigma not in (None, 0, 0.0):
        raise ValidationError(f"noise_sigma: a {net.kind.upper()} (PyTorch's cell) has no internal noise; got "
                              f"{noise_sigma}")
    if noise is not None and np.any(np.asarray(noise) != 0):
        raise ValidationError(f"noise: a {net.kind.upper()} (PyTorch's cell) has no internal noise")
    if backend != "numpy" or dtype != "float64":
        raise ValidationError(f"backend: gated cells ({net.kind.upper()}) run on the numpy back end in float64, got "
                              f"{backend!r} / {dtype!r}")


def _simulate_gated(net, inputs, condition_ids, W, noise, noise_sigma, backend, dtype) -> Trajectories:
    check_gated_run(net, noise, noise_sigma, backend, dtype)
    inputs = check_inputs(net, inputs)
    W = check_recurrent(net, W)
    ids = check_condition_ids(net, condition_ids, inputs.shape[0])
    x0 = net.x0[:, ids].T.copy()
    with single_threaded_blas():
        states = run_gated(net, inputs, x0, W)
    h = states[..., :net.n_units]
    return Trajectories(x=states, r=h.copy(), z=h @ net.W_out.T + net.b_z, x0=x0, r0=net.hidden(x0))


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

    Parameters
    ----------
    net : opdims.Network
        The network.
    inputs : array_like
        ``[B, T, n_in]``.
    condition_ids : array_like of int
        1-based, one per trial: the column of ``net.x0`` each trial starts from.
    W : array_like, optional
        Replaces the recurrent weights: ``[N, N]``, or ``[K, N, N]`` to run K
        networks on the same trials and noise.
    noise : array_like, optional
        Standard-normal noise ``[B, T, N]``, scaled by ``noise_sigma``.
        Without it, noise is drawn from ``stream`` in MATLAB's order
        (:func:`draw_noise`), also when sigma is 0 if a stream is given, so
        that later draws stay aligned with MATLAB; with sigma 0 and no stream
        nothing is drawn.
    stream : RandomStream or int, optional
        Source of the noise when ``noise`` is not given.
    noise_sigma : float, optional
        Noise scale (default ``net.noise_sigma``).
    backend : str, optional
        ``'numpy'`` (default; ``threads`` CPU threads) or ``'torch'``.
    device : str, optional
        torch device (``'cpu'``, ``'cuda'``; default CUDA when available).
    dtype : str, optional
        ``'float64'`` (default) or ``'float32'`` (about 1e-6 relative error on
        the states, see docs/performance.md).
    threads : int, optional
        CPU threads of the numpy back end (default: all usable cores).

    Returns
    -------
    Trajectories
        NumPy arrays of ``dtype``.

    Raises
    ------
    ValueError
        For inputs, ids, weights or noise that do not fit the network, or a
        bad back end, precision or device (checked before any work).

    Examples
    --------
    >>> import numpy as np
    >>> from opdims import Network
    >>> net = Network(W_in=np.ones((2, 1)), W=np.zeros((2, 2)), W_out=np.ones((1, 2)), x0=np.zeros(2),
    ...               b_x=np.zeros(2), b_z=np.zeros(1), noise_sigma=0.0)
    >>> simulate(net, np.ones((1, 3, 1)), [1]).x[0, :, 0].round(4)
    array([0.1 , 0.19 , 0.271])
    """
    check_backend(backend, dtype, device)
    threads = check_threads(threads)
    if is_gated(net):
        return _simulate_gated(net, inputs, condition_ids, W, noise, noise_sigma, backend, dtype)
    inputs, W, ids, sigma, noise = _prepare(net, inputs, condition_ids, W, noise, stream, noise_sigma)
    x0 = net.x0[:, ids].T.copy()
    r0 = net.rates(x0)
    if backend == "numpy":
        x_t, r_t, z_t = _simulate_numpy(net, W, x0, inputs, noise, sigma, np.dtype(dtype).type, threads)
    else:
        dev = torch_device(device)
        with single_threaded_blas(), torch_threads(dev, 1):
            x_t, r_t, z_t = _simulate_torch(net, W, x0, inputs, noise, sigma, dtype, dev)
    return Trajectories(x=x_t, r=r_t, z=z_t, x0=x0, r0=r0)


@dataclass
class StateSummary:
    """What a forward pass leaves when its trajectories are not kept.

    Parameters
    ----------
    sums : numpy.ndarray
        ``[G, T, N]``: sum of the states of the trials of each group at each step.
    counts : numpy.ndarray
        ``[G]``: trials per group.
    state_sum : numpy.ndarray
        ``[N]``: sum of all states (every trial and step).
    outer_sum : numpy.ndarray or None
        ``[N, N]``: sum of ``x x'`` over all states (for principal components),
        ``None`` when not asked for.
    n_samples : int
        Number of states summed (trials x steps).
    """

    sums: np.ndarray
    counts: np.ndarray
    state_sum: np.ndarray
    outer_sum: np.ndarray | None
    n_samples: int

    def averages(self) -> np.ndarray:
        """Group-average states ``[G, T, N]`` (NaN for a group without trials).

        Returns
        -------
        numpy.ndarray
            The averages.
        """
        with np.errstate(invalid="ignore", divide="ignore"):
            out = self.sums / self.counts[:, None, None]
        out[self.counts == 0] = np.nan
        return out

    def covariance(self) -> np.ndarray:
        """Sample covariance ``[N, N]`` of all states (normalised by ``n_samples - 1``).

        Returns
        -------
        numpy.ndarray
            The covariance.

        Raises
        ------
        ValueError
            If the outer products were not accumulated or there are fewer than 2 samples.
        """
        if self.outer_sum is None or self.n_samples < 2:
            raise ValidationError("covariance: needs summarise_states(..., covariance=True) over at least 2 states")
        mean = self.state_sum / self.n_samples
        cov = (self.outer_sum - self.n_samples * np.outer(mean, mean)) / (self.n_samples - 1)
        return (cov + cov.T) / 2


def summarise_states(net: Network, inputs, condition_ids, groups, n_groups: int, *, noise=None,
                     stream: RandomStream | int | None = None, noise_sigma: float | None = None,
                     covariance: bool = False, threads: int | None = None,
                     max_bytes: int = 768 * 2**20) -> StateSummary:
    """Run trials and keep only group sums of the states (and, optionally, their second moments).

    The memory-light forward pass: trials are simulated in pieces of a few
    trials, each piece's states summed into ``[G, T, N]`` as the steps go,
    so no trajectory is ever held. The noise is drawn piece after piece in
    MATLAB's trial order (the same numbers as drawing it all at once) while
    ``threads`` threads simulate the pieces drawn before; at most ``threads
    + 1`` pieces of noise exist at a time (about ``max_bytes``). The states
    are exactly those :func:`simulate` computes, and the sums are added in
    piece order, so they do not depend on ``threads``.

    Parameters
    ----------
    net : opdims.Network
        The network.
    inputs : array_like
        ``[B, T, n_in]``.
    condition_ids : array_like of int
        1-based initial-state columns, one per trial.
    groups : array_like of int
        ``[B]``: the group (0-based, ``< n_groups``) each trial is summed into;
        ``-1`` for none.
    n_groups : int
        Number of groups ``G``.
    noise : array_like, optional
        Standard-normal noise ``[B, T, N]`` (else drawn from ``stream`` as in :func:`simulate`).
    stream : RandomStream or int, optional
        Source of the noise.
    noise_sigma : float, optional
        Noise scale (default ``net.noise_sigma``).
    covariance : bool, optional
        Also sum ``x x'`` over all states (see :meth:`StateSummary.covariance`).
    threads : int, optional
        CPU threads (default: all usable cores).
    max_bytes : int, optional
        Rough memory for the noise of the pieces in flight.

    Returns
    -------
    StateSummary
        The sums.
    """
    threads = check_threads(threads)
    inputs = check_inputs(net, inputs)
    n_trials, n_steps, n = inputs.shape[0], inputs.shape[1], getattr(net, "state_size", net.n_units)
    if is_gated(net):
        check_gated_run(net, noise, noise_sigma)
        noise = stream = None
    groups = np.asarray(groups).reshape(-1)
    if groups.size != n_trials or groups.dtype.kind not in "iu":
        raise ValidationError(f"groups: expected {n_trials} integer group numbers (one per trial), got "
                         f"{groups.size} of dtype {groups.dtype}")
    if groups.size and (groups.max() >= n_groups or groups.min() < -1):
        raise ValidationError(f"groups: expected values in -1..{n_groups - 1}, got {groups.min()}..{groups.max()}")
    ids = check_condition_ids(net, condition_ids, n_trials)
    sigma = net.noise_sigma if noise_sigma is None else float(noise_sigma)
    if noise is not None:
        noise = check_noise(noise, (n_trials, n_steps, n))
    source = None
    if noise is None and (sigma != 0 or stream is not None):
        source = as_stream(stream)
    # fixed pieces of trials: they depend on the problem's size only (not on threads), so the sums do not
    # either; three pieces of noise (two threads at work, one drawn) fit in about max_bytes
    chunk = int(np.clip(max_bytes // max(n_steps * n * 8 * 3, 1), 4, _SUMMARY_CHUNK))
    pieces = split(n_trials, -(-n_trials // chunk))

    def work(rows: slice, piece_noise):
        mine = groups[rows]
        onehot = np.zeros((n_groups, mine.size))
        valid = mine >= 0
        onehot[mine[valid], np.flatnonzero(valid)] = 1.0
        part_sums = np.zeros((n_groups, n_steps, n))
        part_state = np.zeros(n)
        part_outer = np.zeros((n, n)) if covariance else None
        buffer = np.empty((_TIME_CHUNK, mine.size, n)) if covariance else None

        def sink(t, x, r):
            np.matmul(onehot, x, out=part_sums[:, t])
            if covariance:
                buffer[t % _TIME_CHUNK] = x
                if t % _TIME_CHUNK == _TIME_CHUNK - 1 or t == n_steps - 1:
                    flat = buffer[: t % _TIME_CHUNK + 1].reshape(-1, n)
                    part_outer[...] += flat.T @ flat
                    part_state[...] += flat.sum(axis=0)
            else:
                part_state[...] += x.sum(axis=0)

        x0 = net.x0[:, ids[rows]].T.copy()
        if is_gated(net):
            run_gated(net, inputs[rows], x0, sink=lambda t, s: sink(t, s, None))
        else:
            _numpy_pass(net, net.W, x0, inputs[rows], piece_noise, sigma, np.float64, sink)
        return part_sums, part_state, part_outer

    sums = np.zeros((n_groups, n_steps, n))
    state_sum = np.zeros(n)
    outer_sum = np.zeros((n, n)) if covariance else None

    def add(result) -> None:  # in piece order: the same sums whatever the threads
        part_sums, part_state, part_outer = result
        sums[...] += part_sums
        state_sum[...] += part_state
        if covariance:
            outer_sum[...] += part_outer

    with single_threaded_blas(), ThreadPoolExecutor(threads) as pool:
        pending = deque()
        for rows in pieces:  # the noise is drawn here, piece after piece, in MATLAB's trial order
            piece_noise = noise[rows] if noise is not None else (
                draw_noise(source, rows.stop - rows.start, n_steps, n) if source is not None else None)
            pending.append(pool.submit(work, rows, piece_noise))
            while len(pending) > threads:
                add(pending.popleft().result())
        while pending:
            add(pending.popleft().result())
    counts = np.bincount(groups[groups >= 0], minlength=n_groups)[:n_groups]
    return StateSummary(sums, counts, state_sum, outer_sum, n_trials * n_steps)
