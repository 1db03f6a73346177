"""The torch backend computes the numpy backend's numbers (CPU here; the same code runs on CUDA)."""

import numpy as np
import pytest
from synthetic import random_network

from opdims import simulate
from opdims.dims.sweeps import rank_sweep

torch = pytest.importorskip("torch")


def problem(n=12, B=5, T=60, seed=0):
    net = random_network(n, n_in=3, n_out=1, seed=seed, gain=1.2)
    rng = np.random.default_rng(seed)
    inputs = rng.standard_normal((B, T, 3))
    ids = rng.integers(1, 3, B)
    noise = rng.standard_normal((B, T, n))
    return net, inputs, ids, noise


@pytest.mark.parametrize("stacked", [False, True])
def test_float64_trajectories_equal_numpy(stacked):
    net, inputs, ids, noise = problem()
    W = np.stack([net.W, 0.5 * net.W, net.W.T]) if stacked else None
    ref = simulate(net, inputs, ids, noise=noise, W=W)
    out = simulate(net, inputs, ids, noise=noise, W=W, backend="torch", device="cpu")
    for name in ("x", "r", "z"):
        got, want = getattr(out, name), getattr(ref, name)
        assert got.dtype == np.float64 and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-10)


@pytest.mark.parametrize("dim_type", ["columns", "rows"])
def test_float64_sweep_equals_numpy(dim_type):
    net, inputs, ids, noise = problem(n=8, T=40, seed=1)
    targets = np.random.default_rng(1).standard_normal((inputs.shape[0], inputs.shape[1], 1))
    basis, _, _ = np.linalg.svd(net.W)
    ref = rank_sweep(net, basis, dim_type, inputs, ids, targets, noise=noise)
    out = rank_sweep(net, basis, dim_type, inputs, ids, targets, noise=noise, backend="torch", device="cpu",
                     block_size=3)
    np.testing.assert_allclose(out.cost, ref.cost, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(out.state_distance, ref.state_distance, rtol=1e-10, atol=1e-14)
    assert out.full_cost == pytest.approx(ref.full_cost, rel=1e-10)


@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_float32_error_stays_at_single_precision_scale(backend):
    """float32 on request: states within 1e-4 of float64 over 60 steps (docs/performance.md)."""
    net, inputs, ids, noise = problem(seed=2)
    ref = simulate(net, inputs, ids, noise=noise)
    out = simulate(net, inputs, ids, noise=noise, backend=backend, device="cpu", dtype="float32")
    assert out.x.dtype == np.float32
    err = np.abs(out.x - ref.x).max() / np.abs(ref.x).max()
    assert 1e-9 < err < 1e-4


def test_unknown_device_is_a_clear_error():
    net, inputs, ids, noise = problem(T=3)
    with pytest.raises(ValueError, match="device: expected 'cpu', 'cuda'"):
        simulate(net, inputs, ids, noise=noise, backend="torch", device="tpu")
