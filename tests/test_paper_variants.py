"""The options that docs/paper_vs_code.md measured against the published code: a rank sweep without any noise,
and the ctxt trials drawn from all six coherencies. The published behaviour stays the default."""

import numpy as np
import pytest
from synthetic import random_network

from opdims import analyse_network, io, simulate, trials_from_arrays
from opdims.analysis.runs import prepare_run
from opdims.cli import main
from opdims.core.random import MatlabTwisterStream
from opdims.core.tasks import CTXT, context_integration_trials


def test_the_six_coherency_generator_draws_the_same_way_with_plus_015_instead_of_zero():
    published = context_integration_trials(5, True, MatlabTwisterStream(1000))
    six = context_integration_trials(5, True, MatlabTwisterStream(1000), all_coherencies=True)
    assert 0.0 in published.coherencies and CTXT.coherencies.max() not in published.coherencies
    np.testing.assert_array_equal(np.unique(six.coherencies), CTXT.coherencies)
    # the same draws from a table shifted by one block: 0 becomes -0.15, each coherency the next larger one
    blocks = np.concatenate([[0.0], CTXT.coherencies])
    moved = {blocks[k]: blocks[k + 1] for k in range(6)}
    np.testing.assert_array_equal(six.coherencies, np.vectorize(moved.get)(published.coherencies))
    np.testing.assert_array_equal(six.condition_ids, published.condition_ids)


def small_task(seed=1):
    rng = np.random.default_rng(seed)
    labels = np.repeat([1, 2], 3)
    inputs = 0.3 * rng.standard_normal((6, 30, 2))
    inputs[labels == 2, 5:15, 0] += 1.0
    return trials_from_arrays(inputs, np.tanh(np.cumsum(inputs[..., :1], axis=1) / 10), labels)


def test_a_noise_free_sweep_keeps_the_locations_and_runs_without_noise():
    net = random_network(6, n_in=2, n_out=1, n_ctx=1, seed=2, sigma=0.3)
    trials = small_task()
    kwargs = {"trials": trials, "every": 5, "dim_types": ("columns",), "ranks": (1, 3, 6)}
    noisy = analyse_network(net, "mine", **kwargs)
    quiet = analyse_network(net, "mine", sweep_noise=False, **kwargs)
    np.testing.assert_array_equal(quiet.locations, noisy.locations)
    np.testing.assert_array_equal(quiet["columns"].basis, noisy["columns"].basis)
    clean = simulate(net, trials.inputs, trials.condition_ids, noise_sigma=0.0)
    assert quiet.full_cost == pytest.approx(np.mean((clean.z[..., 0] - trials.targets[..., 0]) ** 2), rel=1e-12)
    assert abs(noisy.full_cost - quiet.full_cost) > 1e-6
    assert quiet.provenance["options"]["sweep_noise"] is False and quiet.provenance["sweep_run"]["net_noise"] is False
    assert noisy.provenance["options"]["sweep_noise"] is True


def test_a_noise_free_sweep_of_a_paper_task_has_neither_internal_nor_input_noise():
    quiet = prepare_run("s3", random_network(100, n_in=5, n_out=1, n_ctx=2, seed=0), "ctxt", n_trials=1,
                        net_noise=False, input_noise=False)
    assert quiet.noise is None and quiet.settings.input_noise is False
    sensory = quiet.trials.inputs[:, CTXT.n_burn:, :2]
    np.testing.assert_array_equal(sensory, np.broadcast_to(sensory[:, :1], sensory.shape))  # constant: no noise


def test_reproduce_noise_free_sweep_recomputes_stored_networks(tmp_path, capsys):
    for k in (1, 2):
        io.add_network_hdf5(tmp_path / "swg.h5", k, random_network(6, n_in=1, n_out=1, n_ctx=1, seed=k, gain=1.2))
    argv = ["reproduce", "--swg", str(tmp_path / "swg.h5"), "--tasks", "swg", "--dims", "columns", "--out",
            str(tmp_path / "out"), "--quiet"]
    assert main(argv) == 0
    store = io.AnalysisStore(tmp_path / "out" / "networks")
    noisy = store.load("swg", 1)
    assert main(argv + ["--force", "--noise-free-sweep"]) == 0
    quiet = store.load("swg", 1)
    assert quiet.provenance["options"]["sweep_noise"] is False
    assert not np.allclose(quiet["columns"].sweep.state_distance, noisy["columns"].sweep.state_distance)
    assert "sweep_noise" in (tmp_path / "out" / "index.html").read_text()
