"""Removing dimensions from the columns or rows of a recurrent matrix."""

from __future__ import annotations

import numpy as np

from .backend import single_threaded
from .errors import ValidationError
from .validation import DIM_TYPES, check_dim_type

__all__ = [
    "DIM_TYPES",
    "as_dimension_matrix",
    "check_dim_type",
    "is_orthonormal",
    "reduced_rank_stack",
    "remove_dimensions",
]

def as_dimension_matrix(dims, n_units: int, name: str = "dims") -> np.ndarray:
    """Return dimensions as the columns of a float64 matrix ``[N, d]``.

    Parameters
    ----------
    dims : array_like or None
        ``[N, d]`` dimensions as columns, or one vector ``[N]`` (then
        ``d = 1``); ``None``, ``[]`` or ``[N, 0]`` give ``d = 0``.
    n_units : int
        N.
    name : str, optional
        What to call ``dims`` in error messages.

    Returns
    -------
    numpy.ndarray
        ``[N, d]``.

    Raises
    ------
    ValueError
        For another number of rows, more than two axes, or NaN or Inf.

    Examples
    --------
    >>> as_dimension_matrix([1.0, 0.0, 0.0], 3).shape, as_dimension_matrix(None, 3).shape
    ((3, 1), (3, 0))
    """
    if dims is None:
        return np.zeros((n_units, 0))
    arr = np.asarray(dims, dtype=np.float64)
    if arr.size == 0:
        return np.zeros((n_units, 0))
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] != n_units:
        raise ValidationError(f"{name}: expected shape [{n_units}, n_dims] (dimensions as columns), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValidationError(f"{name}: contains NaN or Inf")
    return arr


def is_orthonormal(V: np.ndarray, tol: float = 1e-12) -> bool:
    """Return whether the columns of ``V`` are orthonormal.

    Parameters
    ----------
    V : numpy.ndarray
        ``[N, d]``.
    tol : float, optional
        Largest allowed deviation of ``V' V`` from the identity, entry by entry.

    Returns
    -------
    bool
        True for orthonormal columns (and for ``d = 0``).

    Examples
    --------
    >>> import numpy as np
    >>> is_orthonormal(np.eye(3)[:, :2]), is_orthonormal(np.ones((3, 1)))
    (True, False)
    """
    gram = V.T @ V
    return bool(np.max(np.abs(gram - np.eye(V.shape[1])), initial=0.0) <= tol)


@single_threaded
def remove_dimensions(W, dims, dim_type: str) -> np.ndarray:
    """Remove each column of ``dims`` from every column or row of ``W``.

    As in the original, vectors are removed one after another:
    ``W <- W - v (v' W)`` for columns and ``W <- W - (W v) v'`` for rows.
    For non-orthonormal vectors this sequence is not a projection, and it is
    followed literally; orthonormal vectors take the equivalent one-shot
    projection ``W - V (V' W)``.

    Parameters
    ----------
    W : array_like
        ``[N, N]`` recurrent weights.
    dims : array_like or None
        ``[N, d]`` dimensions as columns (``[N]`` for one; ``None`` or empty for none).
    dim_type : str
        ``'columns'`` (remove from W's columns, i.e. from its range) or
        ``'rows'`` (from its rows).

    Returns
    -------
    numpy.ndarray
        ``[N, N]``.

    Raises
    ------
    ValueError
        For an unknown ``dim_type``, a W that is not square, or dimensions
        of another length.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.arange(4.0).reshape(2, 2)
    >>> remove_dimensions(W, [0.0, 1.0], "columns")
    array([[0., 1.],
           [0., 0.]])
    >>> remove_dimensions(W, [0.0, 1.0], "rows")
    array([[0., 0.],
           [2., 0.]])
    """
    check_dim_type(dim_type)
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise ValidationError(f"W: expected a square matrix, got shape {W.shape}")
    V = as_dimension_matrix(dims, W.shape[0])
    A = W if dim_type == "columns" else W.T
    if is_orthonormal(V):
        A = A - V @ (V.T @ A)
    else:
        A = A.copy()
        for v in V.T:
            A -= np.outer(v, v @ A)
    return A if dim_type == "columns" else A.T


@single_threaded
def reduced_rank_stack(W, basis, dim_type: str, ranks) -> np.ndarray:
    """Return W with ``basis[:, k:]`` removed, for each rank k.

    Rank k keeps the first k basis vectors, as
    ``remove_dimension_from_weight_matrix(W, basis(:, k+1:N), dim_type)`` in
    the original sweeps.

    Parameters
    ----------
    W : array_like
        ``[N, N]`` recurrent weights.
    basis : array_like
        ``[N, N]`` orthonormal basis as columns (e.g. global operative
        dimensions, or W's left singular vectors), ordered by importance.
    dim_type : str
        ``'columns'`` or ``'rows'``.
    ranks : int or array_like of int
        ``[K]`` ranks, each in ``0..N``.

    Returns
    -------
    numpy.ndarray
        ``[K, N, N]``: one matrix per rank.

    Raises
    ------
    ValueError
        For an unknown ``dim_type``, a basis of another size, or a rank out of range.

    Examples
    --------
    >>> import numpy as np
    >>> stack = reduced_rank_stack(np.eye(3), np.eye(3), "columns", [1, 3])
    >>> stack.shape, [int(np.linalg.matrix_rank(w)) for w in stack]
    ((2, 3, 3), [1, 3])
    """
    check_dim_type(dim_type)
    W = np.asarray(W, dtype=np.float64)
    basis = as_dimension_matrix(basis, W.shape[0], "basis")
    ranks = [int(k) for k in np.atleast_1d(ranks)]
    if any(not 0 <= k <= basis.shape[1] for k in ranks):
        raise ValidationError(f"ranks: expected values in 0..{basis.shape[1]}, got {ranks}")
    return np.stack([remove_dimensions(W, basis[:, k:], dim_type) for k in ranks])
