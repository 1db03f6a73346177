import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from synthetic import random_network

from opdims import MatlabTwisterStream, ReplayStream, draw_noise, simulate
from opdims.core.random import RecordedDraw


def literal_run(net, inputs, condition_ids, noise):
    """The original loop: trial by trial, step by step, MATLAB's sum order."""
    B, T, _ = inputs.shape
    a = net.dt / net.tau
    x_t = np.empty((B, T, net.n_units))
    z_t = np.empty((B, T, net.n_outputs))
    for b in range(B):
        x = net.x0[:, condition_ids[b] - 1].copy()
        r = np.tanh(x)
        wu = net.W_in @ inputs[b].T
        for t in range(T):
            x = (1.0 - a) * x + a * (wu[:, t] + net.W @ r + net.b_x + net.noise_sigma * noise[b, t])
            r = np.tanh(x)
            x_t[b, t] = x
            z_t[b, t] = net.W_out @ r + net.b_z
    return x_t, z_t


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 9), n_in=st.integers(1, 3), n_ctx=st.integers(1, 2), B=st.integers(1, 4),
       T=st.integers(1, 30), seed=st.integers(0, 2**16))
def test_batched_simulation_equals_literal_loop(n, n_in, n_ctx, B, T, seed):
    net = random_network(n, n_in, 2, n_ctx, seed=seed)
    rng = np.random.default_rng(seed)
    inputs = rng.standard_normal((B, T, n_in))
    ids = rng.integers(1, n_ctx + 1, B)
    noise = rng.standard_normal((B, T, n))
    traj = simulate(net, inputs, ids, noise=noise)
    x_ref, z_ref = literal_run(net, inputs, ids, noise)
    np.testing.assert_allclose(traj.x, x_ref, rtol=0, atol=1e-12)
    np.testing.assert_allclose(traj.z, z_ref, rtol=0, atol=1e-12)
    np.testing.assert_allclose(traj.r, np.tanh(traj.x), rtol=0, atol=0)
    np.testing.assert_array_equal(traj.x0, net.x0[:, ids - 1].T)


def test_stack_of_recurrent_matrices_equals_separate_runs(small_net):
    rng = np.random.default_rng(3)
    inputs = rng.standard_normal((3, 20, small_net.n_inputs))
    noise = rng.standard_normal((3, 20, small_net.n_units))
    Ws = np.stack([small_net.W, 0.5 * small_net.W, np.zeros_like(small_net.W)])
    stacked = simulate(small_net, inputs, [1, 2, 1], W=Ws, noise=noise)
    for k in range(3):
        one = simulate(small_net, inputs, [1, 2, 1], W=Ws[k], noise=noise)
        np.testing.assert_allclose(stacked.x[k], one.x, rtol=0, atol=1e-13)
        np.testing.assert_allclose(stacked.z[k], one.z, rtol=0, atol=1e-13)


def test_noise_is_drawn_per_trial_in_matlab_order(small_net):
    n, T = small_net.n_units, 6
    draws = [np.random.default_rng(k).standard_normal((n, T)) for k in range(2)]
    replay = ReplayStream([RecordedDraw("randn", d) for d in draws])
    inputs = np.zeros((2, T, small_net.n_inputs))
    traj = simulate(small_net, inputs, [1, 1], stream=replay)
    assert replay.exhausted
    expected = simulate(small_net, inputs, [1, 1], noise=np.stack([d.T for d in draws]))
    np.testing.assert_array_equal(traj.x, expected.x)


def test_zero_sigma_still_draws_when_a_stream_is_given(small_net):
    s1, s2 = MatlabTwisterStream(4), MatlabTwisterStream(4)
    simulate(small_net, np.zeros((2, 5, small_net.n_inputs)), [1, 2], stream=s1, noise_sigma=0)
    draw_noise(s2, 2, 5, small_net.n_units)
    assert s1.rand((1, 1)) == s2.rand((1, 1))


def test_noise_free_run_needs_no_stream(small_net):
    a = simulate(small_net, np.ones((1, 4, small_net.n_inputs)), [2], noise_sigma=0)
    b = simulate(small_net, np.ones((1, 4, small_net.n_inputs)), [2], noise_sigma=0)
    np.testing.assert_array_equal(a.x, b.x)


@pytest.mark.parametrize("kwargs, message", [
    (dict(inputs=np.zeros((1, 4, 2))), r"inputs: expected shape \[trials, time, 3\]"),
    (dict(condition_ids=[3]), r"condition_ids: expected ids in 1..2"),
    (dict(condition_ids=[]), "expected at least 1 ids"),
    (dict(W=np.zeros((3, 3))), r"W: expected shape \[7, 7\]"),
    (dict(noise=np.zeros((1, 4, 6))), r"noise: expected shape \(1, 4, 7\)"),
    (dict(inputs=np.full((1, 4, 3), np.nan)), "NaN"),
])
def test_bad_arguments_say_what_was_expected(small_net, kwargs, message):
    args = dict(inputs=np.zeros((1, 4, 3)), condition_ids=[1])
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        simulate(small_net, args.pop("inputs"), args.pop("condition_ids"), noise_sigma=0, **args)
