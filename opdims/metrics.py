"""Performance measures: output cost and state distance, as in the original."""

from __future__ import annotations

import numpy as np

__all__ = ["mse", "state_distance"]


def state_distance(traj_a, traj_b) -> np.ndarray:
    """Mean over trials and time of the Euclidean distance between states.

    ``traj_a``, ``traj_b``: ``[..., B, T, N]``; leading axes (e.g. networks of
    a sweep) are kept. Returns ``[...]`` (a 0-d array for plain trajectories).
    """
    a = np.asarray(traj_a, dtype=np.float64)
    b = np.asarray(traj_b, dtype=np.float64)
    if a.shape[-3:] != b.shape[-3:] or a.ndim < 3:
        raise ValueError(f"state_distance: trajectories [..., trials, time, units] differ in shape: {a.shape} vs {b.shape}")
    dist = np.linalg.norm(a - b, axis=-1)
    return dist.mean(axis=(-1, -2))


def mse(z, targets, trial_ids=None) -> np.ndarray:
    """Mean squared error of output 1 over the chosen trials and all time steps.

    ``z``: ``[..., B, T, n_out]``; ``targets``: ``[B, T, n_out]``;
    ``trial_ids``: 1-based trial numbers, or ``None`` for all trials.
    """
    z = np.asarray(z, dtype=np.float64)
    targets = np.asarray(targets, dtype=np.float64)
    if z.shape[-3:-1] != targets.shape[-3:-1]:
        raise ValueError(f"mse: outputs {z.shape} and targets {targets.shape} differ in trials/time")
    if trial_ids is None:
        sel = slice(None)
    else:
        sel = np.asarray(trial_ids).reshape(-1).astype(int) - 1
        if sel.size and (sel.min() < 0 or sel.max() >= targets.shape[-3]):
            raise ValueError(f"trial_ids: expected 1-based ids in 1..{targets.shape[-3]}, got {np.asarray(trial_ids)}")
    err = z[..., sel, :, 0] - targets[sel, :, 0]
    return np.mean(err**2, axis=(-1, -2))
