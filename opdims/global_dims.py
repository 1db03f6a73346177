"""Global operative dimensions: the dominant directions of all local ones."""

from __future__ import annotations

import numpy as np

from .sampling import SamplingLocationProperties

__all__ = ["SUBSETS", "global_operative_dimensions", "select_locations", "variance_explained"]

#: which sampling locations to combine (``all`` for every task; the others ctxt only)
SUBSETS = ("all", "ctxt1", "ctxt2", "allPosChoice", "allNegChoice")


def select_locations(subset: str, props: SamplingLocationProperties | None, n_locations: int) -> np.ndarray:
    """0-based indices of the locations in ``subset`` (see :data:`SUBSETS`)."""
    if subset not in SUBSETS:
        raise ValueError(f"sampling_locs_to_combine: expected one of {SUBSETS}, got {subset!r}")
    if subset == "all":
        return np.arange(n_locations)
    if props is None or props.task != "ctxt":
        raise ValueError(f"sampling_locs_to_combine={subset!r} needs the ctxt sampling locations; "
                         "other tasks only support 'all'")
    if props.n_locations != n_locations:
        raise ValueError(f"the sampling-location properties describe {props.n_locations} locations, "
                         f"but {n_locations} local dimension sets were given")
    ctx, s1, s2 = props.loc_contexts, props.loc_sign_coh1, props.loc_sign_coh2
    masks = {
        "ctxt1": ctx == 1,
        "ctxt2": ctx == 2,
        "allPosChoice": ((ctx == 1) & (s1 > 0)) | ((ctx == 2) & (s2 > 0)),
        "allNegChoice": ((ctx == 1) & (s1 < 0)) | ((ctx == 2) & (s2 < 0)),
    }
    return np.flatnonzero(masks[subset])


def global_operative_dimensions(local_dims, fvals, props: SamplingLocationProperties | None = None,
                                subset: str = "all"):
    """Global operative dimensions from local ones.

    ``local_dims [L, D, N]`` and ``fvals [L, D]`` (NaN where none). Every
    non-NaN local dimension, scaled by its fval, is a column of
    ``L [N, n_sel * D]`` (NaN entries give zero columns, as in the original);
    returns ``U [N, min(N, n_sel * D)]`` (left singular vectors, the global
    operative dimensions) and the singular values ``s`` (descending).
    """
    local_dims = np.asarray(local_dims, dtype=np.float64)
    fvals = np.asarray(fvals, dtype=np.float64)
    if local_dims.ndim != 3 or fvals.shape != local_dims.shape[:2]:
        raise ValueError(f"expected local_dims [L, D, N] and fvals [L, D], got {local_dims.shape} and {fvals.shape}")
    sel = select_locations(subset, props, local_dims.shape[0])
    n = local_dims.shape[2]
    dims, f = local_dims[sel], fvals[sel]
    valid = ~np.isnan(f)
    columns = np.where(valid[..., None], dims * np.where(valid, f, 0.0)[..., None], 0.0)
    L = columns.reshape(-1, n).T
    U, s, _ = np.linalg.svd(L, full_matrices=False)
    return U, s


def variance_explained(singular_values) -> np.ndarray:
    """Percentage of variance per dimension, ``100 s^2 / sum(s^2)``."""
    var = np.asarray(singular_values, dtype=np.float64) ** 2
    return var / var.sum() * 100
