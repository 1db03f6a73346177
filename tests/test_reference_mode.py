"""Reference mode (the original's loops) gives the batched code's numbers."""

import numpy as np
import pytest
from synthetic import random_network

from opdims import (
    MatlabTwisterStream,
    delta_f,
    local_column_dimensions,
    mse,
    remove_dimensions,
    simulate,
    state_distance,
)
from opdims.dims.exact_rows import best_row_dimension
from opdims.matlab.loops import (
    column_dimensions_loops,
    mse_loops,
    remove_dimension_loops,
    row_dimensions_loops,
    run_rnn_loops,
    state_distance_loops,
)


def test_forward_pass_loops_equal_batched_simulation_with_the_same_draws(small_net):
    rng = np.random.default_rng(0)
    inputs = rng.standard_normal((3, 30, small_net.n_inputs))
    ids = [1, 2, 2]
    x_loop, z_loop = run_rnn_loops(small_net, inputs, ids, stream=MatlabTwisterStream(7))
    batched = simulate(small_net, inputs, ids, stream=MatlabTwisterStream(7))
    np.testing.assert_allclose(batched.x, x_loop, rtol=0, atol=1e-12)
    np.testing.assert_allclose(batched.z, z_loop, rtol=0, atol=1e-12)


@pytest.mark.parametrize("dim_type", ["columns", "rows"])
@pytest.mark.parametrize("orthonormal", [True, False])
def test_dimension_removal_loops_equal_remove_dimensions(dim_type, orthonormal):
    rng = np.random.default_rng(1)
    W = rng.standard_normal((6, 6))
    dims = np.linalg.qr(rng.standard_normal((6, 3)))[0] if orthonormal else rng.standard_normal((6, 3))
    np.testing.assert_allclose(remove_dimension_loops(W, dims, dim_type), remove_dimensions(W, dims, dim_type),
                               rtol=0, atol=1e-12)


def test_metric_loops_equal_the_vectorised_metrics():
    rng = np.random.default_rng(2)
    a, b = rng.standard_normal((2, 4, 9, 5))
    assert state_distance_loops(a, b) == pytest.approx(float(state_distance(a, b)), rel=1e-14)
    z, targets = rng.standard_normal((2, 4, 9, 2))
    assert mse_loops(z, targets) == pytest.approx(float(mse(z, targets)), rel=1e-14)


def test_column_dimension_loops_equal_the_vectorised_closed_form(small_net):
    locations = np.random.default_rng(3).standard_normal((4, small_net.n_units))
    loops = column_dimensions_loops(small_net, locations, stream=1)
    fast = local_column_dimensions(small_net, locations)
    np.testing.assert_allclose(loops.padded().dims, fast.padded().dims, rtol=0, atol=1e-15, equal_nan=True)
    np.testing.assert_allclose(loops.padded().fvals, fast.padded().fvals, rtol=1e-14, equal_nan=True)
    np.testing.assert_allclose(loops.next_states, fast.next_states, rtol=0, atol=1e-14)


def test_row_search_loops_never_beat_exact_step_by_step():
    net = random_network(5, seed=4)
    location = np.random.default_rng(4).standard_normal(5)
    loops = row_dimensions_loops(net, location, n_dims=3, stream=MatlabTwisterStream(5))
    D = loops.dims[0]
    np.testing.assert_allclose(D[:3] @ D[:3].T, np.eye(3), atol=1e-12)
    for j in range(3):
        assert -loops.fvals[0, j] == pytest.approx(delta_f(net, location, D[j], "rows"), rel=1e-6)
        _, exact = best_row_dimension(net, location, D[:j].T)
        assert exact >= -loops.fvals[0, j] - 1e-9
