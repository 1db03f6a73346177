import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from synthetic import random_network

from opdims import (
    delta_f,
    local_column_dimensions,
    local_operative_dimensions,
    local_row_dimensions,
    orthonormalize_against,
    relax_step,
)
from opdims.core.sampling import sampling_location_properties
from opdims.io import load_network


def test_relax_step_is_one_noise_free_step(small_net):
    x = np.random.default_rng(0).standard_normal(small_net.n_units)
    expected = 0.9 * x + 0.1 * (small_net.W @ np.tanh(x) + small_net.b_x)
    np.testing.assert_allclose(relax_step(small_net, x), expected, atol=1e-15)


def test_delta_f_has_the_closed_forms(small_net):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(small_net.n_units)
    q = orthonormalize_against(rng.standard_normal(small_net.n_units), None)
    r, W, a = np.tanh(x), small_net.W, small_net.alpha
    assert delta_f(small_net, x, q, "columns") == pytest.approx(a * abs(q @ W @ r), rel=1e-12)
    assert delta_f(small_net, x, q, "rows") == pytest.approx(a * abs(q @ r) * np.linalg.norm(W @ q), rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 10), seed=st.integers(0, 10**6))
def test_closed_form_column_dimension_maximises_delta_f(n, seed):
    net = random_network(n, seed=seed)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    res = local_column_dimensions(net, x[None])
    best = -res.fvals[0, 0]
    assert best == pytest.approx(delta_f(net, x, res.dims[0, 0], "columns"), rel=1e-12)
    for q in rng.standard_normal((50, n)):
        assert delta_f(net, x, q / np.linalg.norm(q), "columns") <= best * (1 + 1e-12)
    assert np.isnan(res.fvals[0, 1:]).all() and np.isnan(res.dims[0, 1:]).all()


def test_orthonormalize_against_previous_dimensions():
    rng = np.random.default_rng(2)
    prev, _ = np.linalg.qr(rng.standard_normal((6, 2)))
    q = orthonormalize_against(rng.standard_normal(6), prev)
    assert np.linalg.norm(q) == pytest.approx(1.0) and np.abs(prev.T @ q).max() < 1e-14
    for empty in (None, [], np.zeros((6, 0))):
        x = rng.standard_normal(6)
        np.testing.assert_allclose(abs(orthonormalize_against(x, empty) @ x), np.linalg.norm(x), rtol=1e-14)


def test_reference_row_dimensions_are_orthonormal_and_decreasing():
    net = random_network(6, seed=4)
    locs = np.random.default_rng(4).standard_normal((2, 6))
    res = local_row_dimensions(net, locs, method="reference", stream=5)
    for loc in range(2):
        found = ~np.isnan(res.fvals[loc])
        D = res.dims[loc, found]
        np.testing.assert_allclose(D @ D.T, np.eye(found.sum()), atol=1e-10)
        df = -res.fvals[loc, found]
        # the first dimension is near the best of many random unit vectors
        rand = [delta_f(net, locs[loc], q / np.linalg.norm(q), "rows") for q in np.random.default_rng(9).standard_normal((300, 6))]
        assert df[0] >= max(rand) * (1 - 1e-6)
        np.testing.assert_allclose(res.next_states[loc], relax_step(net, locs[loc]))


def test_dispatch_and_errors(small_net):
    x = np.zeros((1, small_net.n_units))
    assert local_operative_dimensions(small_net, x + 0.1, "columns").dim_type == "columns"
    with pytest.raises(ValueError, match="dim_type"):
        local_operative_dimensions(small_net, x, "diagonals")
    with pytest.raises(ValueError, match="method"):
        local_row_dimensions(small_net, x, method="magic")
    with pytest.raises(ValueError, match=r"\[..., 7\]"):
        local_column_dimensions(small_net, np.zeros((2, 3)))
    with pytest.raises(ValueError, match="NaN"):
        local_column_dimensions(small_net, np.full((1, 7), np.nan))


@pytest.mark.parametrize("task", ["ctxt", "swg"])
def test_authors_column_dimensions_are_reproduced_at_every_location(original_data, task):
    """Proof on the authors' data: dimension, fval and next state of all locations (1e-12)."""
    import h5py

    net = load_network(original_data / f"pretrained_networks/{task}/{task}_weights.h5", 1)
    props = sampling_location_properties(task)
    with h5py.File(original_data / f"local_operative_dimensions/localOpDims_{task}_columns.h5", "r") as f:
        groups = [f[props.name(k)] for k in range(props.n_locations)]
        locs = np.array([g["sampling_loc"][()].ravel() for g in groups])
        dims = np.array([g["local_op_dims"][()][:, 0] for g in groups])
        fvals = np.array([g["all_fvals"][()].ravel() for g in groups])
        trajs = np.array([g["all_trajs_org"][()] for g in groups])  # h5py [2, N]: MATLAB [N, 2]
    res = local_column_dimensions(net, locs)
    assert res.n_locations == {"ctxt": 120, "swg": 121}[task]
    np.testing.assert_allclose(res.dims[:, 0], dims, rtol=0, atol=1e-12)
    np.testing.assert_allclose(res.fvals[:, 0], fvals[:, 0], rtol=1e-12, atol=0)
    assert np.isnan(fvals[:, 1:]).all() and np.isnan(res.fvals[:, 1:]).all()
    np.testing.assert_allclose(res.next_states, trajs[:, 1], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(trajs[:, 0], locs)
