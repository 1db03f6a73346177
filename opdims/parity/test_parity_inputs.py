"""Both input generators with the original's random draws replayed."""

import pytest

from opdims.matlab import rng, set_stream, utils
from opdims.parity.machinery import KERNEL, compare


@pytest.fixture(scope="module")
def fx(fixture_file):
    return fixture_file("inputs")


@pytest.fixture
def replay(fx):
    stream = fx.replay()
    old = set_stream(stream)
    yield stream
    set_stream(old)


OUTS = ("coherencies_trial", "conditionIds", "inputs", "targets")


@pytest.mark.parametrize("case, seed, n_trials, noise", [
    ("ctxt_n1_noise", 1000, 1, 1), ("ctxt_n1_clean", 1000, 1, 0), ("ctxt_n2_noise", 1002, 2, 1)])
def test_ctxt_dataset(fx, replay, case, seed, n_trials, noise):
    rng(seed)
    out = utils.input_generation.InputGeneratorCtxt().get_ctxt_dep_integrator_inputOutputDataset(n_trials, noise)
    for name, value in zip(OUTS, out):
        compare("InputGeneratorCtxt.get_ctxt_dep_integrator_inputOutputDataset",
                f"context_integration_trials -> {name}", fx, value, fx[f"{case}_{name}"], KERNEL)
    assert replay.exhausted  # every draw the original made was consumed, in order


def test_generate_one_trial(fx, replay):
    gen = utils.input_generation.InputGeneratorCtxt()
    rng(11)
    drifts, ctxt, sigma = fx["one_trial_drifts"], fx["one_trial_ctxt"][0], fx["one_trial_sigma"][0]
    for c in range(ctxt.size):
        inputs, targets = gen.generate_one_trial(drifts[:, c], ctxt[c], sigma[c])
        compare("InputGeneratorCtxt.generate_one_trial", "opdims.core.tasks.context_trial -> inputs", fx,
                inputs, fx["one_trial_inputs"][:, :, c], KERNEL)
        compare("InputGeneratorCtxt.generate_one_trial", "opdims.core.tasks.context_trial -> targets", fx,
                targets, fx["one_trial_targets"][:, :, c], KERNEL)
    assert replay.exhausted


def test_swg_dataset_and_parameters(fx, replay):
    gen = utils.input_generation.InputGeneratorSWG()
    n = int(fx.scalar("swg_n"))
    sim, inp = gen.get_simulation_parameters(n), gen.get_input_parameters()
    assert (sim.dt, sim.time, sim.nTrials) == (fx.scalar("swg_sim_dt"), fx.scalar("swg_sim_time"),
                                                fx.scalar("swg_sim_nTrials"))
    assert (inp.nFreqs, inp.max_freq, inp.min_freq, inp.seed_freqs) == tuple(
        fx.scalar(f"swg_inp_{k}") for k in ("nFreqs", "max_freq", "min_freq", "seed_freqs"))
    out = gen.get_sine_wave_generator_inputOutputDataset(n)
    for name, value in zip(("all_freqs", "all_freq_ids", "inputs", "targets", "conditionIds"), out):
        compare("InputGeneratorSWG.get_sine_wave_generator_inputOutputDataset", f"sine_wave_trials -> {name}",
                fx, value, fx[f"swg_n7_{name}"], KERNEL)
