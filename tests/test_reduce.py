import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from opdims.core.reduce import is_orthonormal, reduced_rank_stack, remove_dimensions

finite = st.floats(-10, 10, allow_nan=False)


def orthonormal(n, d, seed):
    q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
    return q[:, :d]


def literal_removal(W, dims, dim_type):
    """The original's double loop: each vector from each column, in turn."""
    A = W.T.copy() if dim_type == "rows" else W.copy()
    for v in dims.T:
        for j in range(A.shape[1]):
            A[:, j] = A[:, j] - np.dot(A[:, j], v) * v
    return A.T if dim_type == "rows" else A


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 8), d=st.integers(1, 8), seed=st.integers(0, 10**6),
       dim_type=st.sampled_from(["columns", "rows"]))
def test_removed_dimensions_are_orthogonal_in_the_right_orientation(n, d, seed, dim_type):
    d = min(d, n)
    W = np.random.default_rng(seed).standard_normal((n, n))
    V = orthonormal(n, d, seed + 1)
    R = remove_dimensions(W, V, dim_type)
    residual = V.T @ R if dim_type == "columns" else R @ V
    assert np.max(np.abs(residual)) < 1e-12
    np.testing.assert_allclose(R, literal_removal(W, V, dim_type), atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 8), seed=st.integers(0, 10**6))
def test_removing_a_full_orthonormal_basis_gives_zero(n, seed):
    W = np.random.default_rng(seed).standard_normal((n, n))
    for dim_type in ("columns", "rows"):
        assert np.max(np.abs(remove_dimensions(W, orthonormal(n, n, seed), dim_type))) < 1e-12


@settings(max_examples=40, deadline=None)
@given(W=arrays(np.float64, (5, 5), elements=finite), V=arrays(np.float64, (5, 3), elements=finite))
def test_rows_removal_is_columns_removal_on_the_transpose(W, V):
    np.testing.assert_allclose(remove_dimensions(W, V, "rows"), remove_dimensions(W.T, V, "columns").T,
                               rtol=1e-12, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 7), d=st.integers(1, 4), seed=st.integers(0, 10**6),
       dim_type=st.sampled_from(["columns", "rows"]))
def test_non_orthonormal_vectors_follow_the_original_sequence(n, d, seed, dim_type):
    rng = np.random.default_rng(seed)
    W, V = rng.standard_normal((n, n)), rng.standard_normal((n, d))
    assert not is_orthonormal(V)
    np.testing.assert_allclose(remove_dimensions(W, V, dim_type), literal_removal(W, V, dim_type),
                               rtol=1e-10, atol=1e-9)


def test_empty_dimension_sets_leave_w_unchanged():
    W = np.arange(9.0).reshape(3, 3)
    for empty in (None, [], np.zeros((3, 0))):
        np.testing.assert_array_equal(remove_dimensions(W, empty, "columns"), W)


def test_reduced_rank_stack_matches_single_removals():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((6, 6))
    U = orthonormal(6, 6, 1)
    stack = reduced_rank_stack(W, U, "rows", [1, 3, 6])
    for i, k in enumerate([1, 3, 6]):
        np.testing.assert_allclose(stack[i], remove_dimensions(W, U[:, k:], "rows"), atol=1e-14)
    assert np.linalg.matrix_rank(stack[1]) == 3


@pytest.mark.parametrize("args, message", [
    ((np.eye(3), np.ones((3, 1)), "diagonal"), "dim_type: expected 'columns' or 'rows'"),
    ((np.eye(3), np.ones((4, 1)), "rows"), r"expected shape \[3, n_dims\]"),
    ((np.ones((3, 2)), np.ones((3, 1)), "rows"), "square"),
    ((np.eye(3), np.full((3, 1), np.nan), "rows"), "NaN"),
])
def test_bad_arguments(args, message):
    with pytest.raises(ValueError, match=message):
        remove_dimensions(*args)
