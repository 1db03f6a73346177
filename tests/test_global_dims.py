import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opdims import global_operative_dimensions, sampling_location_properties, select_locations, variance_explained


def _local(n_locs, n, seed, n_valid=None):
    rng = np.random.default_rng(seed)
    dims = rng.standard_normal((n_locs, n, n))
    dims /= np.linalg.norm(dims, axis=2, keepdims=True)
    fvals = -rng.random((n_locs, n))
    if n_valid is not None:
        dims[:, n_valid:] = np.nan
        fvals[:, n_valid:] = np.nan
    return dims, fvals


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 8), n_locs=st.integers(1, 6), seed=st.integers(0, 10**6))
def test_global_dimensions_are_orthonormal_and_sorted(n, n_locs, seed):
    dims, fvals = _local(n_locs, n, seed)
    U, s = global_operative_dimensions(dims, fvals)
    np.testing.assert_allclose(U.T @ U, np.eye(U.shape[1]), atol=1e-12)
    assert np.all(np.diff(s) <= 1e-12)
    assert variance_explained(s).sum() == pytest.approx(100)


def test_nan_entries_are_skipped_like_zero_columns():
    dims, fvals = _local(5, 6, 0, n_valid=1)
    U, s = global_operative_dimensions(dims, fvals)
    L = (dims[:, 0] * fvals[:, :1]).T  # only the first dimensions count
    U2, s2, _ = np.linalg.svd(L, full_matrices=False)
    np.testing.assert_allclose(s[:5], s2, rtol=1e-12)
    np.testing.assert_allclose(np.abs(U[:, :5].T @ U2), np.eye(5), atol=1e-10)
    assert np.all(s[5:] < 1e-12)


def test_ctxt_subsets():
    p = sampling_location_properties("ctxt")
    counts = {s: select_locations(s, p, 120).size for s in ("all", "ctxt1", "ctxt2", "allPosChoice", "allNegChoice")}
    assert counts == {"all": 120, "ctxt1": 60, "ctxt2": 60, "allPosChoice": 60, "allNegChoice": 60}
    pos = select_locations("allPosChoice", p, 120)
    assert all((p.loc_sign_coh1[k] if p.loc_contexts[k] == 1 else p.loc_sign_coh2[k]) > 0 for k in pos)
    dims, fvals = _local(120, 4, 1)
    U, _ = global_operative_dimensions(dims, fvals, p, "ctxt1")
    U1, _ = global_operative_dimensions(dims[:60], fvals[:60])
    np.testing.assert_allclose(np.abs(U.T @ U1), np.eye(4), atol=1e-10)


def test_subset_errors():
    dims, fvals = _local(121, 3, 2)
    with pytest.raises(ValueError, match="expected one of"):
        global_operative_dimensions(dims, fvals, None, "everything")
    with pytest.raises(ValueError, match="ctxt sampling locations"):
        global_operative_dimensions(dims, fvals, sampling_location_properties("swg"), "ctxt1")
    with pytest.raises(ValueError, match=r"fvals \[L, D\]"):
        global_operative_dimensions(dims, fvals[:, :2])
