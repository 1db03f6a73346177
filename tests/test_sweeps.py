"""Batched rank sweeps equal one network at a time, and the literal loops."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from synthetic import random_network

from opdims import NumpyStream, mse, remove_dimensions, simulate, state_distance
from opdims.reference import rank_sweep_loops
from opdims.sweeps import rank_sweep, sweep_blocks


def sweep_problem(n=6, B=4, T=25, seed=0):
    net = random_network(n, n_in=3, n_out=2, seed=seed)
    rng = np.random.default_rng(seed)
    inputs = rng.standard_normal((B, T, 3))
    targets = rng.standard_normal((B, T, 2))
    ids = rng.integers(1, 3, B)
    noise = rng.standard_normal((B, T, n))
    basis, _, _ = np.linalg.svd(rng.standard_normal((n, n)))
    return net, basis, inputs, ids, targets, noise


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**16), dim_type=st.sampled_from(["columns", "rows"]),
       block_size=st.integers(1, 7), threads=st.integers(1, 3))
def test_sweep_equals_one_network_at_a_time(seed, dim_type, block_size, threads):
    net, basis, inputs, ids, targets, noise = sweep_problem(seed=seed)
    sweep = rank_sweep(net, basis, dim_type, inputs, ids, targets, noise=noise, block_size=block_size,
                       threads=threads)
    full = simulate(net, inputs, ids, noise=noise)
    for i, k in enumerate(sweep.ranks):
        one = simulate(net, inputs, ids, noise=noise, W=remove_dimensions(net.W, basis[:, k:], dim_type))
        assert sweep.cost[i] == pytest.approx(float(mse(one.z, targets)), rel=1e-10, abs=1e-14)
        assert sweep.state_distance[i] == pytest.approx(float(state_distance(one.x, full.x)), rel=1e-10, abs=1e-14)
    assert sweep.full_cost == pytest.approx(float(mse(full.z, targets)), rel=1e-12)
    np.testing.assert_array_equal(sweep.ranks, np.arange(1, net.n_units + 1))


@pytest.mark.parametrize("dim_type", ["columns", "rows"])
def test_sweep_equals_the_literal_loops_of_the_original(dim_type):
    net, basis, inputs, ids, targets, noise = sweep_problem(n=5, B=3, T=15, seed=3)
    sweep = rank_sweep(net, basis, dim_type, inputs, ids, targets, noise=noise)
    cost, dist = rank_sweep_loops(net, basis, dim_type, inputs, ids, targets, noise)
    np.testing.assert_allclose(sweep.cost, cost, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(sweep.state_distance, dist, rtol=1e-10, atol=1e-14)
    assert sweep.state_distance[-1] == pytest.approx(0.0, abs=1e-13)


def test_noise_from_a_stream_equals_the_same_noise_given():
    net, basis, inputs, ids, targets, _ = sweep_problem(seed=4)
    noise = NumpyStream(11).randn((inputs.shape[0], net.n_units, inputs.shape[1])).transpose(0, 2, 1)
    drawn = rank_sweep(net, basis, "rows", inputs, ids, targets, stream=NumpyStream(11), ranks=[2, 5])
    given_ = rank_sweep(net, basis, "rows", inputs, ids, targets, noise=noise, ranks=[2, 5])
    np.testing.assert_array_equal(drawn.cost, given_.cost)
    np.testing.assert_array_equal(drawn.state_distance, given_.state_distance)


def test_thread_count_does_not_change_the_numbers():
    net, basis, inputs, ids, targets, noise = sweep_problem(n=8, B=40, T=20, seed=5)
    one = rank_sweep(net, basis, "columns", inputs, ids, targets, noise=noise, threads=1)
    two = rank_sweep(net, basis, "columns", inputs, ids, targets, noise=noise, threads=2, block_size=3)
    np.testing.assert_allclose(one.cost, two.cost, rtol=1e-13)
    np.testing.assert_allclose(one.state_distance, two.state_distance, rtol=1e-13)


@given(n=st.integers(0, 120), block=st.integers(1, 40), parallel=st.integers(1, 4))
def test_blocks_cover_every_rank_once_within_the_size(n, block, parallel):
    blocks = sweep_blocks(n, block, parallel)
    covered = np.concatenate([np.arange(s.start, s.stop) for s in blocks]) if blocks else np.array([], int)
    np.testing.assert_array_equal(covered, np.arange(n))
    assert all(0 < s.stop - s.start <= block for s in blocks)
    if n >= parallel:
        assert len(blocks) >= parallel


@pytest.mark.parametrize("kwargs, message", [
    ({"targets": np.zeros((4, 3, 1))}, r"targets: expected shape \[4, 25, n_out\]"),
    ({"noise": np.zeros((4, 25, 2))}, r"noise: expected shape \(4, 25, 6\)"),
    ({"backend": "jax"}, "backend: expected one of"),
    ({"dtype": "float16"}, "dtype: expected one of"),
])
def test_bad_arguments_say_what_was_expected(kwargs, message):
    net, basis, inputs, ids, targets, noise = sweep_problem()
    args = {"targets": targets, "noise": noise}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        rank_sweep(net, basis, "rows", inputs, ids, args.pop("targets"), **args)
