"""run_rnn and run_one_forwardPass with the original's noise replayed."""

import numpy as np
import pytest

import opdims
from opdims.matlab import get_stream, rng, run_rnn, set_stream, utils
from opdims.parity.machinery import BACKEND_IDS, BACKENDS, KERNEL, LONG_NOISY, backend_label, compare

NAMES = ("n_r_t", "m_z_t", "n_r0_1", "n_x_t", "n_x0_1")


def weights(net):
    return (net.W_in, net.W, net.W_out, net.x0, net.b_x[:, None], net.b_z[:, None])


@pytest.fixture
def synth(fixture_file):
    fx = fixture_file("forward_synth")
    old = set_stream(fx.replay())
    yield fx
    set_stream(old)


def test_run_rnn_synthetic(synth):
    fx = synth
    w = weights(fx.synthetic_network("A"))
    for prefix, seed, dt, tau, sigma in (("A_rnn_", 1001, 0.001, 0.01, 0.1), ("A_rnn2_", 1002, 0.002, 0.005, 0.05)):
        rng(seed)
        out = run_rnn(*w, dt, tau, sigma, fx["A_inputs"], fx["A_conditionIds"])
        for name, value in zip(NAMES, out):
            compare("run_rnn", f"opdims.core.simulate -> {name}", fx, value, fx[prefix + name], KERNEL)


def test_run_one_forward_pass_synthetic(synth):
    fx = synth
    a, b = weights(fx.synthetic_network("A")), weights(fx.synthetic_network("B"))
    cases = [("A_fp_noisy_", a, "A", 1001, "default"), ("A_fp_clean_", a, "A", 1001, 0),
             ("A_fp_noseed_", a, "A", [], 0.3), ("B_fp_noisy_", b, "B", 1003, "default"),
             ("B_fp_clean_", b, "B", 1003, 0)]
    for prefix, w, net, seed, noise in cases:
        fp = utils.run_one_forwardPass(*w, fx[f"{net}_inputs"], fx[f"{net}_conditionIds"], seed, noise)
        for name in NAMES:
            compare("utils.run_one_forwardPass", f"opdims.core.simulate -> {name}", fx, fp[name], fx[prefix + name], KERNEL)


def test_forward_pass_original_ctxt_network_1400_steps(fixture_file):
    fx = fixture_file("forward_ctxt_net1")
    w = weights(fx.original_network("net"))
    old = set_stream(fx.replay())
    try:
        rng(1000)
        _, ids, inputs, _ = utils.input_generation.InputGeneratorCtxt().get_ctxt_dep_integrator_inputOutputDataset(1, 1)
        trials = fx["trial_ids"][0].astype(int) - 1
        compare("InputGeneratorCtxt.get_ctxt_dep_integrator_inputOutputDataset", "context_integration_trials",
                fx, inputs[:, :, trials], fx["inputs"], KERNEL)
        t_idx = fx["t_idx"][0].astype(int) - 1
        for prefix, noise in (("noisy_", "default"), ("clean_", 0)):
            fp = utils.run_one_forwardPass(*w, fx["inputs"], fx["conditionIds"], 1001, noise)
            compare("utils.run_one_forwardPass", "opdims.core.simulate -> n_x_t (1400 steps)", fx,
                    fp.n_x_t[:, t_idx], fx[prefix + "n_x_t_sub"], LONG_NOISY)
            compare("utils.run_one_forwardPass", "opdims.core.simulate -> m_z_t (1400 steps)", fx,
                    fp.m_z_t, fx[prefix + "m_z_t"], LONG_NOISY)
            for name in ("n_x0_1", "n_r0_1"):
                compare("utils.run_one_forwardPass", f"opdims.core.simulate -> {name}", fx, fp[name], fx[prefix + name],
                        KERNEL)
    finally:
        set_stream(old)


@pytest.mark.parametrize("backend, device", BACKENDS, ids=BACKEND_IDS)
def test_run_rnn_synthetic_on_each_backend(synth, backend, device):
    """The core simulation (not the MATLAB layer) on every back end, fed the same replayed noise."""
    fx = synth
    net = fx.synthetic_network("A")
    for prefix, seed, dt, tau, sigma in (("A_rnn_", 1001, 0.001, 0.01, 0.1), ("A_rnn2_", 1002, 0.002, 0.005, 0.05)):
        inputs = np.transpose(fx["A_inputs"], (2, 1, 0))
        rng(seed)
        noise = opdims.draw_noise(get_stream(), inputs.shape[0], inputs.shape[1], net.n_units)
        run = net.__class__(**{**{k: getattr(net, k) for k in ("W_in", "W", "W_out", "x0", "b_x", "b_z")},
                               "dt": dt, "tau": tau, "noise_sigma": sigma})
        traj = opdims.simulate(run, inputs, fx["A_conditionIds"], noise=noise, backend=backend, device=device)
        for name, value in (("n_x_t", traj.x), ("n_r_t", traj.r), ("m_z_t", traj.z)):
            compare("run_rnn", f"opdims.core.simulate -> {name}", fx, np.transpose(value, (2, 1, 0)), fx[prefix + name],
                    KERNEL, backend=backend_label(backend, device))
