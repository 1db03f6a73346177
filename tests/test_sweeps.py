"""Batched rank sweeps equal one network at a time, and the literal loops; the numba and numpy
step kernels agree; threads and blocks do not change a bit."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from synthetic import random_network

from opdims import NumpyStream, kernels, mse, remove_dimensions, simulate, state_distance
from opdims.core.errors import MissingDependencyError
from opdims.core.nonlinearity import NONLINEARITIES
from opdims.dims.sweeps import rank_sweep, sweep_blocks
from opdims.matlab.loops import rank_sweep_loops

AVAILABLE_KERNELS = ["numpy"] + (["numba"] if kernels.numba_available() else [])
needs_numba = pytest.mark.skipif(not kernels.numba_available(),
                                 reason="numba is not installed (pip install 'opdims[fast]'): only the numpy "
                                        "kernel can run")


def sweep_problem(n=6, B=4, T=25, seed=0, nonlinearity="tanh", alpha=0.1):
    net = random_network(n, n_in=3, n_out=2, seed=seed)
    net = dataclasses.replace(net, dt=alpha * net.tau, nonlinearity=nonlinearity)
    rng = np.random.default_rng(seed)
    inputs = rng.standard_normal((B, T, 3))
    targets = rng.standard_normal((B, T, 2))
    ids = rng.integers(1, 3, B)
    noise = rng.standard_normal((B, T, n))
    basis, _, _ = np.linalg.svd(rng.standard_normal((n, n)))
    return net, basis, inputs, ids, targets, noise


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**16), dim_type=st.sampled_from(["columns", "rows"]),
       block_size=st.integers(1, 7), threads=st.integers(1, 3), kernel=st.sampled_from(AVAILABLE_KERNELS),
       nonlinearity=st.sampled_from(NONLINEARITIES), alpha=st.sampled_from([0.1, 0.5, 1.0]))
def test_sweep_equals_one_network_at_a_time(seed, dim_type, block_size, threads, kernel, nonlinearity, alpha):
    net, basis, inputs, ids, targets, noise = sweep_problem(seed=seed, nonlinearity=nonlinearity, alpha=alpha)
    sweep = rank_sweep(net, basis, dim_type, inputs, ids, targets, noise=noise, block_size=block_size,
                       threads=threads, kernel=kernel)
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


@pytest.mark.parametrize("kernel", AVAILABLE_KERNELS)
@pytest.mark.parametrize("n_trials", [40, 1])
def test_threads_and_blocks_do_not_change_a_bit(kernel, n_trials):
    net, basis, inputs, ids, targets, noise = sweep_problem(n=8, B=n_trials, T=20, seed=5)
    one = rank_sweep(net, basis, "columns", inputs, ids, targets, noise=noise, threads=1, kernel=kernel)
    for threads, block_size in [(2, 3), (2, 1), (3, 8), (1, 2)]:
        other = rank_sweep(net, basis, "columns", inputs, ids, targets, noise=noise, threads=threads,
                           block_size=block_size, kernel=kernel)
        np.testing.assert_array_equal(one.cost, other.cost)
        np.testing.assert_array_equal(one.state_distance, other.state_distance)
        assert one.full_cost == other.full_cost


@pytest.mark.parametrize("kernel", AVAILABLE_KERNELS)
def test_full_rank_is_the_full_network(kernel):
    net, basis, inputs, ids, targets, noise = sweep_problem(seed=6)
    sweep = rank_sweep(net, basis, "rows", inputs, ids, targets, noise=noise, kernel=kernel)
    assert sweep.cost[-1] == sweep.full_cost
    assert sweep.state_distance[-1] == 0.0
    assert sweep.full_cost == pytest.approx(float(mse(simulate(net, inputs, ids, noise=noise).z, targets)), rel=1e-12)


@needs_numba
@pytest.mark.parametrize("nonlinearity", NONLINEARITIES)
@pytest.mark.parametrize("alpha", [0.1, 1.0])
def test_numba_kernel_equals_numpy_kernel(nonlinearity, alpha):
    net, basis, inputs, ids, targets, noise = sweep_problem(n=20, B=7, T=120, seed=7, nonlinearity=nonlinearity,
                                                            alpha=alpha)
    fast = rank_sweep(net, basis, "columns", inputs, ids, targets, noise=noise, kernel="numba", block_size=4)
    slow = rank_sweep(net, basis, "columns", inputs, ids, targets, noise=noise, kernel="numpy", block_size=4)
    np.testing.assert_allclose(fast.cost, slow.cost, rtol=1e-12, atol=0)
    np.testing.assert_allclose(fast.state_distance, slow.state_distance, rtol=1e-12, atol=0)
    assert fast.full_cost == pytest.approx(slow.full_cost, rel=1e-12, abs=0)


@pytest.mark.parametrize("shape", [(1, 100, 1), (5, 100, 1), (3, 9, 1), (1, 100, 60), (7, 100, 60), (2, 17, 255),
                                   (4, 8, 2), (12, 130, 3)])
def test_unit_sums_add_unit_after_unit(shape):
    """The order both kernels rely on for their bits (and that NumPy could change)."""
    a = np.random.default_rng(9).standard_normal(shape)
    sequential = a[:, 0].copy()
    for n in range(1, shape[1]):
        sequential += a[:, n]
    np.testing.assert_array_equal(kernels.unit_sum(a), sequential)
    for k in range(shape[0]):
        np.testing.assert_array_equal(kernels.unit_sum(a[k:k + 1].copy())[0], sequential[k])


@needs_numba
def test_numba_kernel_states_equal_numpy_kernel_states_bit_for_bit():
    """Both kernels take the rates from NumPy (np.tanh); the update is the same formula, so the states agree
    exactly and the kernels differ only in how they add up the distance and the output."""
    rng = np.random.default_rng(8)
    K, B, N, T = 3, 5, 37, 50
    W = rng.standard_normal((K, N, N)) * 1.5 / np.sqrt(N)
    x0 = rng.standard_normal((N, B))
    drive = rng.standard_normal((T, N, B))
    target = rng.standard_normal((T, B))
    w_out = rng.standard_normal(N)
    states = {}
    for kernel in ("numba", "numpy"):
        states[kernel] = np.empty((T, N, B))
        kernels.run_block(W, x0, [(0, drive)], None, target, w_out, 0.3, 0.1, 0.9, "tanh", kernel,
                          record=states[kernel])
    np.testing.assert_array_equal(states["numba"], states["numpy"])


@needs_numba
def test_numba_kernel_equals_numpy_kernel_on_the_authors_networks(original_data):
    """ctxt and swg network 1, the s3 trials and noise, ranks down to the smallest distances (k = N - 1)."""
    from opdims import NumpyStream
    from opdims.analysis.runs import prepare_run
    from opdims.data.sources import ORIGINAL_FILES

    for task in ("ctxt", "swg"):
        run = prepare_run("s3", original_data / ORIGINAL_FILES[f"{task}_weights"], task, net_id=1,
                          stream=NumpyStream(1000))
        net, trials = run.net, run.trials
        basis = np.linalg.svd(net.W)[0]
        args = (net, basis, "columns", trials.inputs, trials.condition_ids, trials.targets)
        kwargs = {"noise": run.noise, "ranks": [1, 40, net.n_units - 1, net.n_units]}
        fast = rank_sweep(*args, kernel="numba", **kwargs)
        slow = rank_sweep(*args, kernel="numpy", **kwargs)
        np.testing.assert_allclose(fast.cost, slow.cost, rtol=1e-12, atol=0)
        np.testing.assert_allclose(fast.state_distance, slow.state_distance, rtol=1e-12, atol=0)
        assert 0 < fast.state_distance[-2] < 1e-2  # the smallest distance is still checked relative to itself


def test_kernel_choice(monkeypatch):
    net, basis, inputs, ids, targets, noise = sweep_problem()
    with pytest.raises(ValueError, match="kernel: expected one of numba, numpy"):
        rank_sweep(net, basis, "rows", inputs, ids, targets, noise=noise, kernel="fortran")
    monkeypatch.setattr(kernels, "numba_available", lambda: False)
    assert kernels.check_kernel(None) == "numpy"
    with pytest.raises(MissingDependencyError, match=r"pip install 'opdims\[fast\]'"):
        kernels.check_kernel("numba")
    monkeypatch.setenv(kernels.KERNEL_ENV, "numpy")
    assert kernels.check_kernel(None) == "numpy"


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
