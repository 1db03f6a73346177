"""Training: the torch dynamics equal opdims.core.simulate, gradients are right,
networks are written in the original layout, training resumes and stops."""

from dataclasses import replace

import h5py
import numpy as np
import pytest
from synthetic import random_network

from opdims import io, mse, simulate, sine_wave_trials
from opdims.analysis.runs import prepare_run
from opdims.cli import main
from opdims.cli.train import parse_net_ids
from opdims.training import (
    PARAMETERS,
    TASK_SIZES,
    TrainingConfig,
    all_frequency_trials,
    evaluation_data,
    initial_network,
    task_cost,
    torch_forward,
    train_network,
)

torch = pytest.importorskip("torch")


def as_params(net, requires_grad=False):
    return {name: torch.tensor(getattr(net, name), requires_grad=requires_grad) for name in PARAMETERS}


def small_problem(n=9, n_in=3, n_ctx=2, B=5, T=40, seed=0):
    net = random_network(n, n_in, 1, n_ctx, seed=seed, gain=1.3)
    rng = np.random.default_rng(seed + 1)
    return net, rng.standard_normal((B, T, n_in)), rng.integers(1, n_ctx + 1, B), rng.standard_normal((B, T, n))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_torch_forward_equals_simulate_in_float64(seed):
    net, inputs, ids, noise = small_problem(seed=seed)
    ref = simulate(net, inputs, ids, noise=noise)
    x, z = torch_forward(as_params(net), torch.tensor(inputs), torch.tensor(ids - 1), torch.tensor(noise),
                         net.alpha, net.noise_sigma)
    np.testing.assert_allclose(x.numpy(), ref.x, rtol=0, atol=1e-10)
    np.testing.assert_allclose(z.numpy(), ref.z, rtol=0, atol=1e-10)


def test_torch_forward_without_noise_equals_noiseless_simulation():
    net, inputs, ids, _ = small_problem(seed=4)
    ref = simulate(net, inputs, ids, noise_sigma=0.0)
    _, z = torch_forward(as_params(net), torch.tensor(inputs), torch.tensor(ids - 1), None, net.alpha, 0.1)
    np.testing.assert_allclose(z.numpy(), ref.z, rtol=0, atol=1e-10)


def autograd_loop(params, inputs, ids, noise, alpha, sigma):
    """The recurrence written step by step, differentiated by autograd."""
    drive = inputs @ params["W_in"].T + params["b_x"] + sigma * noise
    x = params["x0"][:, ids].T
    states = []
    for t in range(inputs.shape[1]):
        x = (1 - alpha) * x + alpha * (torch.tanh(x) @ params["W"].T + drive[:, t])
        states.append(x)
    x_t = torch.stack(states, 1)
    return x_t, torch.tanh(x_t) @ params["W_out"].T + params["b_z"]


def test_hand_written_backward_equals_autograd():
    net, inputs, ids, noise = small_problem(seed=3)
    args = (torch.tensor(inputs), torch.tensor(ids - 1), torch.tensor(noise), net.alpha, net.noise_sigma)
    grads = []
    for forward in (torch_forward, autograd_loop):
        params = as_params(net, requires_grad=True)
        x, z = forward(params, *args)
        # a loss that depends on states and outputs at every step
        ((z - 0.3) ** 2).sum().add((x**3).sum() * 0.01).backward()
        grads.append({name: params[name].grad.numpy() for name in PARAMETERS})
    for name in PARAMETERS:
        np.testing.assert_allclose(grads[0][name], grads[1][name], rtol=1e-10, atol=1e-12, err_msg=name)


def test_gradcheck_of_the_recurrence():
    net, inputs, ids, noise = small_problem(n=4, n_in=2, B=2, T=6, seed=5)
    W = torch.tensor(net.W, requires_grad=True)
    x0 = torch.tensor(net.x0, requires_grad=True)
    W_in = torch.tensor(net.W_in, requires_grad=True)

    def f(W, x0, W_in):
        params = {**as_params(net), "W": W, "x0": x0, "W_in": W_in}
        return torch_forward(params, torch.tensor(inputs), torch.tensor(ids - 1), torch.tensor(noise), 0.1, 0.1)[1]

    assert torch.autograd.gradcheck(f, (W, x0, W_in))


def test_all_frequency_trials_match_sine_wave_trials():
    ref = sine_wave_trials(300)
    mine = all_frequency_trials(2)
    assert mine.n_trials == 102 and sorted(set(mine.freq_ids)) == list(range(1, 52))
    for b in range(ref.n_trials):
        k = ref.freq_ids[b] - 1
        np.testing.assert_array_equal(mine.inputs[k], ref.inputs[b])
        np.testing.assert_array_equal(mine.targets[k], ref.targets[b])
        assert mine.freqs[k] == ref.freqs[b]


@pytest.mark.parametrize("task", ["ctxt", "swg"])
def test_initial_network_has_the_statistics_of_the_original_init(task):
    net = initial_network(task, seed=3, n_units=200)
    n_in, n_out, n_ctx = TASK_SIZES[task]
    assert (net.n_inputs, net.n_outputs, net.n_contexts) == (n_in, n_out, n_ctx)
    assert abs(net.W.std() * np.sqrt(200) - 1) < 0.05
    assert abs(net.W_in.std() * np.sqrt(n_in) - 1) < 0.2
    assert not net.x0.any() and not net.b_x.any() and not net.b_z.any()
    np.testing.assert_array_equal(initial_network(task, seed=3, n_units=200).W, net.W)
    assert not np.array_equal(initial_network(task, seed=4, n_units=200).W, net.W)


def test_task_cost_is_the_s3_cost_of_the_original_scripts():
    """The evaluation set is the s3 script's (trials seed 1000, noise seed 1001)."""
    net = random_network(100, 5, 1, 2, seed=8, gain=0.9)
    run = prepare_run("s3", net, "ctxt")
    traj = simulate(run.net, run.trials.inputs, run.trials.condition_ids, noise=run.noise)
    assert task_cost(net, "ctxt") == pytest.approx(float(mse(traj.z, run.trials.targets)), rel=1e-12)
    np.testing.assert_array_equal(evaluation_data("ctxt").targets, run.trials.targets)


def test_written_network_reads_back_in_the_original_orientation(tmp_path):
    path = tmp_path / "w.h5"
    init, final = initial_network("ctxt", 1, 10), random_network(10, 5, 1, 2, seed=2)
    io.add_network_hdf5(path, 3, {'init': init, 'final': final}, attrs={"seed": 1})
    loaded = io.load_network(path, 3)
    for name in PARAMETERS:
        np.testing.assert_array_equal(getattr(loaded, name), getattr(final, name))
    np.testing.assert_array_equal(io.load_network(path, 3, "init").W, init.W)
    with h5py.File(path, "r") as f:
        # MATLAB column-major, as the original files: h5py sees [n_inputs, n_units], [n_ctx, n_units]
        assert f["NetNr3/final/n_Wru_v"].shape == (5, 10)
        assert f["NetNr3/final/n_x0_c"].shape == (2, 10)
        assert f["NetNr3/final/m_Wzr_n"].shape == (10, 1)
        assert f["NetNr3/final/n_bx_1"].shape == (1, 10)
        assert f["NetNr3/final/n_Wrr_n"].compression == "gzip"
        assert f["NetNr3"].attrs["seed"] == 1
    assert io.network_ids(path) == [3]


def test_layout_matches_the_original_file(tmp_path, original_data):
    original = original_data / "pretrained_networks/swg/swg_weights.h5"
    net = io.load_network(original, 1)
    path = tmp_path / "copy.h5"
    io.add_network_hdf5(path, 1, {'init': io.load_network(original, 1, "init"), 'final': net})
    with h5py.File(original, "r") as ref, h5py.File(path, "r") as mine:
        for stage in ("init", "final"):
            for name, dataset in ref[f"NetNr1/{stage}"].items():
                got = mine[f"NetNr1/{stage}/{name}"]
                assert got.shape == dataset.shape and got.dtype == dataset.dtype, name
                assert got.chunks == dataset.chunks and got.compression == dataset.compression, name
                np.testing.assert_array_equal(got[()], dataset[()])


def test_writing_keeps_other_networks_and_refuses_to_overwrite(tmp_path):
    path = tmp_path / "w.h5"
    a, b = random_network(6, 1, 1, 1, seed=1), random_network(6, 1, 1, 1, seed=2)
    io.add_network_hdf5(path, 1, {'init': a, 'final': a})
    io.add_network_hdf5(path, 2, {'init': b, 'final': b})
    with pytest.raises(FileExistsError, match="NetNr2 exists already"):
        io.add_network_hdf5(path, 2, {'init': a, 'final': a})
    assert io.network_ids(path) == [1, 2]
    np.testing.assert_array_equal(io.load_network(path, 2).W, b.W)
    io.add_network_hdf5(path, 2, {'init': a, 'final': a}, overwrite=True)
    np.testing.assert_array_equal(io.load_network(path, 2).W, a.W)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.h5"]  # no temporary files left


def tiny_config(**changes):
    config = TrainingConfig("swg", seed=2, n_units=6, max_iterations=4, eval_every=1, checkpoint_every=2,
                            lr=1e-2, target_cost=1e-9, dtype="float64")
    return replace(config, **changes)


def test_training_lowers_the_validation_cost():
    result = train_network(tiny_config(max_iterations=30, eval_every=5, lr=3e-2), progress=False)
    validation = [h[2] for h in result.history]
    assert result.iterations == 30 and len(validation) == 6
    assert result.cost == pytest.approx(task_cost(result.final, "swg"))
    assert result.cost < 0.9 * task_cost(result.initial, "swg")
    assert validation[-1] < validation[0]
    assert not np.array_equal(result.final.W, result.initial.W)


def test_frozen_parameters_stay_at_their_initial_values():
    result = train_network(tiny_config(frozen=("W_in", "x0")), progress=False)
    np.testing.assert_array_equal(result.final.W_in, result.initial.W_in)
    np.testing.assert_array_equal(result.final.x0, result.initial.x0)
    assert not np.array_equal(result.final.W, result.initial.W)


def test_training_stops_at_the_target_cost():
    result = train_network(tiny_config(max_iterations=50, eval_every=3, target_cost=10.0), progress=False)
    assert result.iterations == 3


def test_interrupted_training_resumes_from_its_checkpoint(tmp_path, monkeypatch):
    from opdims.training import trainer as training

    whole = train_network(tiny_config(), tmp_path / "a.h5", progress=False)
    real_batch, calls = training.training_batch, []

    def interrupted(config, stream, iteration=0):
        calls.append(iteration)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return real_batch(config, stream, iteration)

    monkeypatch.setattr(training, "training_batch", interrupted)
    with pytest.raises(KeyboardInterrupt):
        train_network(tiny_config(), tmp_path / "b.h5", progress=False)
    assert (tmp_path / "b.h5.NetNr1.checkpoint.pt").exists() and not (tmp_path / "b.h5").exists()
    monkeypatch.setattr(training, "training_batch", real_batch)
    resumed = train_network(tiny_config(), tmp_path / "b.h5", progress=False)
    assert resumed.iterations == 4
    np.testing.assert_array_equal(resumed.final.W, whole.final.W)
    np.testing.assert_array_equal(io.load_network(tmp_path / "b.h5").W, whole.final.W)
    assert not (tmp_path / "b.h5.NetNr1.checkpoint.pt").exists()
    with pytest.raises(FileExistsError, match="NetNr1 exists already"):
        train_network(tiny_config(), tmp_path / "b.h5", progress=False)


def test_checkpoint_of_other_options_is_refused(tmp_path, monkeypatch):
    from opdims.training import trainer as training

    def interrupted(config, stream, iteration=0):
        if iteration == 2:
            raise KeyboardInterrupt
        return all_frequency_trials(1)

    monkeypatch.setattr(training, "training_batch", interrupted)
    with pytest.raises(KeyboardInterrupt):
        train_network(tiny_config(), tmp_path / "w.h5", progress=False)
    monkeypatch.undo()
    with pytest.raises(ValueError, match="different training options"):
        train_network(tiny_config(lr=0.5), tmp_path / "w.h5", progress=False)


@pytest.mark.parametrize("changes, message", [
    ({"task": "mnist"}, "network type"), ({"batch": 0}, "batch"), ({"lr": -1.0}, "lr"),
    ({"dtype": "float16"}, "dtype"), ({"frozen": ("W_rec",)}, "frozen"), ({"max_minutes": 0}, "max_minutes"),
])
def test_bad_configuration_is_named(changes, message):
    with pytest.raises(ValueError, match=message):
        TrainingConfig(**{"task": "swg", **changes})


def test_parse_net_ids():
    assert parse_net_ids("3") == [3]
    assert parse_net_ids("1-3,7,2") == [1, 2, 3, 7]
    for bad in ("0", "3-1", "a", "1-"):
        with pytest.raises(ValueError, match="--nets"):
            parse_net_ids(bad)


def test_cli_trains_records_the_command_and_skips_finished_networks(tmp_path, capsys):
    out = tmp_path / "w.h5"
    argv = ["train", "swg", "--out", str(out), "--nets", "1-2", "--units", "5", "--max-iterations", "2",
            "--dtype", "float64", "--quiet"]
    assert main(argv) == 0
    assert io.network_ids(out) == [1, 2]
    with h5py.File(out, "r") as f:
        assert f["NetNr2"].attrs["seed"] == 2 and f["NetNr2"].attrs["history"].shape == (1, 3)
        command = f["NetNr2"].attrs["command"]
    assert command.startswith(f"opdims train swg --out {out} --nets 1-2 --seed 1")
    assert main(argv) == 0
    assert "NetNr1 exists already, skipped" in capsys.readouterr().out


def test_cli_reports_a_missing_folder_in_one_line(tmp_path, capsys):
    assert main(["train", "swg", "--out", str(tmp_path / "no" / "w.h5"), "--quiet"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "does not exist" in err


@pytest.mark.parametrize("task", ["ctxt", "swg"])
def test_default_networks_hold_their_recorded_cost(task):
    from opdims.data import default_weights

    path = default_weights(task)
    net = io.load_network(path, 1)
    assert (net.n_inputs, net.n_outputs, net.n_contexts) == TASK_SIZES[task]
    with h5py.File(path, "r") as f:
        attrs = dict(f["NetNr1"].attrs)
    assert attrs["task"] == task and attrs["command"].startswith(f"opdims train {task}")
    assert task_cost(net, task) == pytest.approx(attrs["evaluation_cost"], rel=1e-9)


def test_ctxt_curriculum_shortens_the_burn_in_of_early_batches():
    from opdims.core.random import NumpyStream
    from opdims.training import training_batch

    config = TrainingConfig("ctxt", batch=1, short_burn_in_iterations=10, short_burn_in=0.05)
    early, late = training_batch(config, NumpyStream(0), 9), training_batch(config, NumpyStream(0), 10)
    assert early.inputs.shape == (12, 800, 5) and late.inputs.shape == (12, 1400, 5)
    # the integration epoch is the same; only the burn-in before it is shorter
    assert not early.targets[:, :50].any() and not late.targets[:, :650].any()
    assert np.abs(early.inputs[:, 50:, :2]).min() > 0 and not early.inputs[:, :50, :2].any()


def test_task_defaults_fill_the_unset_options():
    from opdims.training import TASK_DEFAULTS

    config = TrainingConfig("ctxt", lr=1e-4)
    assert config.lr == 1e-4 and config.batch == TASK_DEFAULTS["ctxt"]["batch"]
    assert TrainingConfig("swg").short_burn_in_iterations == 0


def test_a_file_that_is_not_hdf5_is_named(tmp_path):
    path = tmp_path / "notes.h5"
    path.write_text("not hdf5")
    net = random_network(4, 1, 1, 1)
    with pytest.raises(ValueError, match="notes.h5: neither an HDF5 file nor a MAT-file"):
        io.add_network_hdf5(path, 1, {'init': net, 'final': net})
    assert path.read_text() == "not hdf5"


class _RunsCodeWhenUnpickled:
    """A pickle that would write a marker file when loaded with ``weights_only=False``."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return exec, (f"open({self.marker!r}, 'w').write('code ran')",)


@pytest.mark.parametrize("entry", ["config", "state"])
def test_a_checkpoint_that_would_run_code_is_refused_and_never_run(tmp_path, capsys, entry):
    out, marker = tmp_path / "w.h5", tmp_path / "marker"
    checkpoint = tmp_path / "w.h5.NetNr1.checkpoint.pt"
    content = {"config": {}, "params": {}, "optimizer": {}, "schedule": {}, "stream": {},
               "noise_gen": torch.zeros(3, dtype=torch.uint8), "state": {}}
    content[entry] = _RunsCodeWhenUnpickled(marker)
    torch.save(content, checkpoint)
    code = main(["train", "swg", "--out", str(out), "--units", "5", "--max-iterations", "2", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert not marker.exists(), "unpickling the checkpoint ran code"
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert str(checkpoint) in lines[0] and "cannot be loaded as data only" in lines[0]
    assert not out.exists() and checkpoint.exists()  # nothing written, the file left for the user to look at


def test_a_damaged_checkpoint_is_one_line(tmp_path, capsys):
    out = tmp_path / "w.h5"
    checkpoint = tmp_path / "w.h5.NetNr1.checkpoint.pt"
    torch.save({"params": {"W": torch.zeros(2)}}, checkpoint)
    assert main(["train", "swg", "--out", str(out), "--units", "5", "--max-iterations", "2", "--quiet"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "expected the entries" in err and str(checkpoint) in err, err
    checkpoint.write_bytes(b"not a torch file")
    assert main(["train", "swg", "--out", str(out), "--units", "5", "--max-iterations", "2", "--quiet"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "cannot be loaded as data only" in err, err
    assert not out.exists()
