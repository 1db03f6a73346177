"""Batched simulation of the rate RNN: all trials (and networks) per step."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Network
from .random import RandomStream, as_stream

__all__ = ["Trajectories", "simulate", "draw_noise", "check_condition_ids", "step_states"]


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


def step_states(x: np.ndarray, r: np.ndarray, W: np.ndarray, drive: np.ndarray, alpha: float):
    """One Euler step ``x <- (1-a) x + a (W r + drive)``; returns ``(x, tanh(x))``.

    ``x``, ``r``: ``[..., B, N]``; ``W``: ``[N, N]`` or ``[K, N, N]``;
    ``drive``: ``[B, N]`` (input, bias and noise of this step).
    """
    recurrent = r @ np.swapaxes(W, -1, -2)
    x = (1.0 - alpha) * x + alpha * (recurrent + drive)
    return x, np.tanh(x)


def simulate(
    net: Network,
    inputs,
    condition_ids,
    *,
    W=None,
    noise=None,
    stream: RandomStream | int | None = None,
    noise_sigma: float | None = None,
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
    """
    inputs = _check_inputs(net, inputs)
    W = _check_recurrent(net, W)
    n_trials, n_steps, _ = inputs.shape
    ids = check_condition_ids(net, condition_ids, n_trials)
    sigma = net.noise_sigma if noise_sigma is None else float(noise_sigma)
    n = net.n_units

    if noise is None and (sigma != 0 or stream is not None):
        noise = draw_noise(as_stream(stream), n_trials, n_steps, n)
    drive = inputs @ net.W_in.T + net.b_x
    if noise is not None:
        noise = np.asarray(noise, dtype=np.float64)
        if noise.shape != (n_trials, n_steps, n):
            raise ValueError(f"noise: expected shape {(n_trials, n_steps, n)}, got {noise.shape}")
        drive = drive + sigma * noise

    x0 = net.x0[:, ids].T.copy()
    r0 = np.tanh(x0)
    lead = W.shape[:-2]
    x_t = np.empty(lead + (n_trials, n_steps, n))
    r_t = np.empty_like(x_t)
    x = np.broadcast_to(x0, lead + x0.shape)
    r = np.broadcast_to(r0, lead + r0.shape)
    alpha = net.alpha
    for t in range(n_steps):
        x, r = step_states(x, r, W, drive[:, t], alpha)
        x_t[..., t, :] = x
        r_t[..., t, :] = r
    z_t = r_t @ net.W_out.T + net.b_z
    return Trajectories(x=x_t, r=r_t, z=z_t, x0=x0, r0=r0)
