"""Removing dimensions from the columns or rows of a recurrent matrix."""

from __future__ import annotations

import numpy as np

from .backend import single_threaded
from .errors import ValidationError

__all__ = [
    "DIM_TYPES",
    "as_dimension_matrix",
    "check_dim_type",
    "is_orthonormal",
    "reduced_rank_stack",
    "remove_dimensions",
]

DIM_TYPES = ("columns", "rows")


def check_dim_type(dim_type: str) -> str:
    """Return ``dim_type`` if it is ``'columns'`` or ``'rows'``, else raise."""
    if dim_type not in DIM_TYPES:
        raise ValidationError(f"dim_type: expected 'columns' or 'rows', got {dim_type!r}")
    return dim_type


def as_dimension_matrix(dims, n_units: int, name: str = "dims") -> np.ndarray:
    """Dimensions as columns ``[N, d]``; ``None``, ``[]`` or ``[N, 0]`` give ``d = 0``.

    A single vector ``[N]`` becomes ``[N, 1]``.
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
    """Whether the columns of ``V [N, d]`` are orthonormal to ``tol``."""
    gram = V.T @ V
    return bool(np.max(np.abs(gram - np.eye(V.shape[1])), initial=0.0) <= tol)


@single_threaded
def remove_dimensions(W, dims, dim_type: str) -> np.ndarray:
    """Remove each column of ``dims [N, d]`` from every column or row of ``W [N, N]``.

    As in the original, vectors are removed one after another:
    ``W <- W - v (v' W)`` for columns and ``W <- W - (W v) v'`` for rows.
    For non-orthonormal vectors this sequence is not a projection, and it is
    followed literally; orthonormal vectors take the equivalent one-shot
    projection ``W - V (V' W)``.
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
    """Matrices ``[K, N, N]``: W with ``basis[:, k:]`` removed, for each rank k.

    ``basis [N, N]`` is orthonormal (e.g. global operative dimensions or the
    left singular vectors of W), ordered by importance; rank k keeps the
    first k basis vectors, as ``remove_dimension_from_weight_matrix(W,
    basis(:, k+1:N), dim_type)`` in the original sweeps.
    """
    check_dim_type(dim_type)
    W = np.asarray(W, dtype=np.float64)
    basis = as_dimension_matrix(basis, W.shape[0], "basis")
    ranks = [int(k) for k in np.atleast_1d(ranks)]
    if any(not 0 <= k <= basis.shape[1] for k in ranks):
        raise ValidationError(f"ranks: expected values in 0..{basis.shape[1]}, got {ranks}")
    return np.stack([remove_dimensions(W, basis[:, k:], dim_type) for k in ranks])
