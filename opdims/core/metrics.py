"""Performance measures: output cost and state distance, as in the original."""

from __future__ import annotations

import numpy as np

from .backend import single_threaded
from .errors import ValidationError
from .validation import BANDS, check_band

__all__ = ["BANDS", "absolute_deviation", "mse", "principal_components", "state_distance"]



def absolute_deviation(values, band: str = "mean", axis: int = 0) -> np.ndarray:
    """Mean absolute deviation about the mean (MATLAB's default ``mad``), or median about the median.

    The paper's bands over networks were drawn with MATLAB's ``mad(X)``,
    whose default is the *mean* absolute deviation ``mean(|X - mean(X)|)``;
    ``band='median'`` gives ``median(|X - median(X)|)`` instead.

    Parameters
    ----------
    values : array_like
        The values, e.g. ``[n_networks, n]``.
    band : str, optional
        ``'mean'`` (default) or ``'median'`` (:data:`BANDS`).
    axis : int, optional
        The axis over which to take it (default 0).

    Returns
    -------
    numpy.ndarray
        The deviation, ``values`` without ``axis``.

    Raises
    ------
    ValidationError
        For an unknown band.

    Examples
    --------
    >>> absolute_deviation([1.0, 2.0, 10.0]), absolute_deviation([1.0, 2.0, 10.0], "median")
    (array(3.77777778), array(1.))
    """
    check_band(band)
    values = np.asarray(values, dtype=np.float64)
    center = np.mean if band == "mean" else np.median
    return np.asarray(center(np.abs(values - center(values, axis=axis, keepdims=True)), axis=axis))


def state_distance(traj_a, traj_b) -> np.ndarray:
    """Return the mean over trials and time of the Euclidean distance between states.

    As the original's ``get_state_distance_between_trajs``.

    Parameters
    ----------
    traj_a : array_like
        ``[..., B, T, N]`` states; leading axes (e.g. the networks of a
        sweep) are kept.
    traj_b : array_like
        ``[..., B, T, N]``, the same last three axes (leading axes broadcast).

    Returns
    -------
    numpy.ndarray
        ``[...]``: a 0-d array for plain trajectories.

    Raises
    ------
    ValueError
        If the trajectories differ in trials, time or units, or have fewer than 3 axes.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.zeros((2, 4, 2))  # [trials, time, units]
    >>> float(state_distance(a, a + [3.0, 4.0]))
    5.0
    """
    a = np.asarray(traj_a, dtype=np.float64)
    b = np.asarray(traj_b, dtype=np.float64)
    if a.shape[-3:] != b.shape[-3:] or a.ndim < 3:
        raise ValidationError(f"state_distance: trajectories [..., trials, time, units] differ in shape: "
                              f"{a.shape} vs {b.shape}")
    dist = np.linalg.norm(a - b, axis=-1)
    return dist.mean(axis=(-1, -2))


def mse(z, targets, trial_ids=None) -> np.ndarray:
    """Return the mean squared error of output 1 over the chosen trials and all time steps.

    As the original's ``get_mse``.

    Parameters
    ----------
    z : array_like
        ``[..., B, T, n_out]`` network outputs; leading axes (e.g. the
        networks of a sweep) are kept.
    targets : array_like
        ``[B, T, n_out]``.
    trial_ids : array_like of int, optional
        1-based trial numbers to average over (default all trials).

    Returns
    -------
    numpy.ndarray
        ``[...]``: a 0-d array for plain outputs.

    Raises
    ------
    ValueError
        If outputs and targets differ in trials or time, or a trial id is out of range.

    Examples
    --------
    >>> import numpy as np
    >>> z, targets = np.zeros((2, 3, 1)), np.array([0.0, 2.0])[:, None, None] * np.ones((2, 3, 1))
    >>> float(mse(z, targets)), float(mse(z, targets, trial_ids=[2]))
    (2.0, 4.0)
    """
    z = np.asarray(z, dtype=np.float64)
    targets = np.asarray(targets, dtype=np.float64)
    if z.shape[-3:-1] != targets.shape[-3:-1]:
        raise ValidationError(f"mse: outputs {z.shape} and targets {targets.shape} differ in trials/time")
    if trial_ids is not None:
        sel = np.asarray(trial_ids).reshape(-1).astype(int) - 1
        if sel.size and (sel.min() < 0 or sel.max() >= targets.shape[-3]):
            raise ValidationError(f"trial_ids: expected 1-based ids in 1..{targets.shape[-3]}, "
                                  f"got {np.asarray(trial_ids)}")
        # np.take keeps the axis order; z[..., sel, :, 0] would move the trial axis first
        z, targets = np.take(z, sel, axis=-3), np.take(targets, sel, axis=-3)
    err = z[..., 0] - targets[..., 0]
    return np.mean(err**2, axis=(-1, -2))


@single_threaded
def principal_components(samples=None, *, covariance=None) -> tuple[np.ndarray, np.ndarray]:
    """PCA as MATLAB's ``pca``: ``(components [N, k], variances [k])``.

    Parameters
    ----------
    samples : array_like, optional
        ``[M, N]`` (M >= 2) samples; mean-centred and decomposed by SVD.
    covariance : array_like, optional
        ``[N, N]`` sample covariance instead (e.g. accumulated while
        simulating, :meth:`opdims.StateSummary.covariance`); decomposed by
        ``eigh``.

    Returns
    -------
    components : numpy.ndarray
        Columns ordered by variance; each one's largest-magnitude entry is
        positive (MATLAB's sign convention). From samples, ``k = min(M, N)``.
    variances : numpy.ndarray
        The covariance eigenvalues (normalised by ``M - 1``), descending.

    Raises
    ------
    ValueError
        Unless exactly one of ``samples`` (``[M >= 2, N]``) and ``covariance`` is given.

    Examples
    --------
    >>> components, variances = principal_components(np.array([[0.0, 0.0], [2.0, 0.0], [4.0, 0.0]]))
    >>> components[:, 0], variances
    (array([1., 0.]), array([4., 0.]))
    """
    if (samples is None) == (covariance is None):
        raise ValidationError("principal_components: give samples [M, N] or covariance [N, N]")
    if covariance is not None:
        cov = np.asarray(covariance, dtype=np.float64)
        if cov.ndim != 2 or cov.shape[0] != cov.shape[1]:
            raise ValidationError(f"PCA: expected a square covariance [N, N], got shape {cov.shape}")
        variances, components = np.linalg.eigh(cov)
        variances, components = np.maximum(variances[::-1], 0.0), components[:, ::-1]
    else:
        samples = np.asarray(samples, dtype=np.float64)
        if samples.ndim != 2 or samples.shape[0] < 2:
            raise ValidationError(f"PCA: expected samples [M >= 2, N], got shape {samples.shape}")
        centred = samples - samples.mean(axis=0)
        _, s, vt = np.linalg.svd(centred, full_matrices=False)
        components, variances = vt.T, s**2 / (samples.shape[0] - 1)
    biggest = np.argmax(np.abs(components), axis=0)
    components = components * np.sign(components[biggest, np.arange(components.shape[1])])
    return components, variances
