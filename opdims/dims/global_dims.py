"""Global operative dimensions: the dominant directions of all local ones."""

from __future__ import annotations

import numpy as np

from ..core.backend import single_threaded_blas
from ..core.errors import ValidationError
from ..core.sampling import SUBSETS, SamplingLocationProperties, select_locations
from .operative import LocalOperativeDimensions

__all__ = ["SUBSETS", "global_operative_dimensions", "select_locations", "variance_explained"]

def global_operative_dimensions(local_dims, fvals=None, props: SamplingLocationProperties | None = None,
                                subset: str = "all"):
    """Global operative dimensions: the left singular vectors of all local ones, scaled by their effect.

    Every computed (non-NaN) local dimension, times its fval, is a column of
    the matrix L (the original also stacks the NaN slots, as zero columns,
    which changes nothing); its left singular vectors are the global
    operative dimensions, ordered by singular value.

    Parameters
    ----------
    local_dims : LocalOperativeDimensions or array_like
        The local dimensions, or their ``dims [L, D, N]`` array (then give ``fvals``).
    fvals : array_like, optional
        ``[L, D]``, NaN where no dimension was computed (with an array ``local_dims``).
    props : SamplingLocationProperties, optional
        The locations' properties, needed for every ``subset`` but ``'all'``.
    subset : str, optional
        Which locations to combine (:data:`SUBSETS`; default ``'all'``).

    Returns
    -------
    U : numpy.ndarray
        ``[N, N]``: the global operative dimensions as columns, a full
        orthonormal basis (beyond the rank of L: any completion, singular value 0).
    s : numpy.ndarray
        ``[N]``: the singular values of L, descending.

    Raises
    ------
    ValueError
        For arrays of inconsistent shapes, an unknown subset, no computed
        local dimension at all, or non-finite computed dimensions or fvals.

    Examples
    --------
    >>> import numpy as np
    >>> dims = np.array([[[1.0, 0.0]], [[0.0, 1.0]]])
    >>> U, s = global_operative_dimensions(dims, np.array([[-2.0], [-1.0]]))
    >>> s
    array([2., 1.])
    >>> U.shape
    (2, 2)
    """
    if isinstance(local_dims, LocalOperativeDimensions):
        if fvals is not None:
            raise ValidationError("global_operative_dimensions: fvals come with the LocalOperativeDimensions; "
                             "do not pass them separately")
        local = local_dims
    else:
        dims = np.asarray(local_dims, dtype=np.float64)
        fvals = np.asarray(fvals, dtype=np.float64)
        if dims.ndim != 3 or fvals.shape != dims.shape[:2]:
            raise ValidationError(f"expected local_dims [L, D, N] and fvals [L, D], got {dims.shape} and {fvals.shape}")
        n_loc, _, n = dims.shape
        local = LocalOperativeDimensions("columns", dims, fvals, np.zeros((n_loc, n)), np.zeros((n_loc, n)))
    local = local.select(subset, props)
    L = local.scaled_dimensions()
    if not np.isfinite(L).all():
        raise ValidationError(f"local_dims: {int(L.size - np.isfinite(L).sum())} non-finite value(s) in the computed "
                              "local dimensions scaled by their fvals; expected finite dimensions and fvals (NaN "
                              "fvals mark dimensions not computed)")
    if L.shape[1] == 0:
        raise ValidationError("global_operative_dimensions: no local dimension was computed at the selected locations")
    n = L.shape[0]
    if L.shape[1] < n:  # as the original's zero columns: U is a full basis [N, N]
        L = np.hstack([L, np.zeros((n, n - L.shape[1]))])
    with single_threaded_blas():  # the same numbers whatever the threads
        U, s, _ = np.linalg.svd(L, full_matrices=False)
    return U, s


def variance_explained(singular_values) -> np.ndarray:
    """Percentage of variance per dimension, ``100 s^2 / sum(s^2)``.

    Parameters
    ----------
    singular_values : array_like
        Singular values ``[k]``.

    Returns
    -------
    numpy.ndarray
        Percentages ``[k]`` (summing to 100).

    Examples
    --------
    >>> variance_explained([3.0, 4.0])
    array([36., 64.])
    """
    var = np.asarray(singular_values, dtype=np.float64) ** 2
    return var / var.sum() * 100
