"""Models and tasks people have: PyTorch checkpoints of any layout (nn.RNN, nn.GRU, nn.LSTM found by their
tensors), PsychRNN's saved weights, neurogym tasks, and fixed points as sampling locations (issue 17, item 4)."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

import opdims
from opdims import io
from opdims.cli import main
from opdims.core.errors import OpdimsError
from opdims.core.sampling import fixed_point_locations
from opdims.core.simulate import simulate

torch = pytest.importorskip("torch")



def model(kind="rnn", n_in=3, n=8, n_out=2, seed=0):
    torch.manual_seed(seed)
    rnn = {"rnn": torch.nn.RNN, "gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[kind](n_in, n, batch_first=True)
    return rnn, torch.nn.Linear(n, n_out)


def prefixed(prefix, module):
    return {f"{prefix}{k}": v for k, v in module.state_dict().items()}


# the checkpoint layouts people use, each made from (rnn, readout)
LAYOUTS = {
    "flat state dict": lambda r, o: {**prefixed("rnn.", r), **prefixed("readout.", o)},
    "model_state_dict": lambda r, o: {"model_state_dict": {**prefixed("rnn.", r), **prefixed("fc.", o)},
                                      "optimizer_state_dict": {"state": {0: {"exp_avg": torch.zeros(8, 8)}},
                                                               "param_groups": [{"lr": 0.01}]}, "epoch": 7},
    "nested modules": lambda r, o: {"rnn": r.state_dict(), "readout": o.state_dict()},
    "prefixed keys": lambda r, o: {**prefixed("model.rnn.", r), **prefixed("model.readout.", o)},
    "unusual names": lambda r, o: {**prefixed("core.recurrent.", r), **prefixed("w.", o)},
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy"])
def test_every_checkpoint_layout_loads_the_same_network(layout, legacy, tmp_path):
    rnn, readout = model()
    path = tmp_path / "model.pt"
    torch.save(LAYOUTS[layout](rnn, readout), path, _use_new_zipfile_serialization=not legacy)
    assert io.load_network(path).fingerprint() == io.from_torch(rnn, readout).fingerprint()


@pytest.mark.parametrize("kind", ["gru", "lstm"])
@pytest.mark.parametrize("layout", ["nested modules", "model_state_dict"])
def test_gated_modules_are_found_with_their_tensors(kind, layout, tmp_path, monkeypatch):
    """Discovery only: the module's kind and tensors as handed to the cells (whatever the cell class is)."""
    rnn, readout = model(kind)
    torch.save(LAYOUTS[layout](rnn, readout), tmp_path / "gated.pt")
    handed = {}
    monkeypatch.setattr(io.networks, "gated_network",
                        lambda kind, tensors, source="": handed.update(kind=kind, source=source, **tensors) or "net")
    assert io.load_network(tmp_path / "gated.pt") == "net"
    assert handed["kind"] == kind
    expected = {"weight_ih": rnn.weight_ih_l0, "weight_hh": rnn.weight_hh_l0, "bias_ih": rnn.bias_ih_l0,
                "bias_hh": rnn.bias_hh_l0, "readout_weight": readout.weight, "readout_bias": readout.bias}
    for role, tensor in expected.items():
        np.testing.assert_array_equal(handed[role], tensor.detach().double().numpy())
        assert handed[role].dtype == np.float64
    entry = io.list_networks(tmp_path / "gated.pt")[0]
    assert (entry.kind, entry.n_units, entry.naming) == (kind, 8, "torch")
    monkeypatch.setattr(io.torch_models, "gated_network", lambda kind, tensors, source="": (kind, tensors))
    got_kind, tensors = io.from_torch(rnn, readout)
    assert got_kind == kind and set(tensors) == set(expected)
    np.testing.assert_array_equal(tensors["weight_hh"], rnn.weight_hh_l0.detach().double().numpy())


def test_several_modules_name_them_and_module_chooses(tmp_path):
    gru, _ = model("gru")
    rnn, readout = model("rnn", seed=1)
    path = tmp_path / "two.pt"
    torch.save({"encoder": gru.state_dict(), "decoder": rnn.state_dict(), "readout": readout.state_dict()}, path)
    with pytest.raises(OpdimsError) as exc:
        io.load_network(path)
    message = str(exc.value)
    assert "two.pt: 2 recurrent modules: encoder (nn.GRU, N = 8), decoder (nn.RNN, N = 8)" in message
    assert "--module NAME" in message and "\n" not in message
    assert io.load_network(path, module="decoder").fingerprint() == io.from_torch(rnn, readout).fingerprint()
    with pytest.raises(OpdimsError, match="no recurrent module.*'middle'.*encoder .*decoder"):
        io.load_network(path, module="middle")


def test_two_possible_readouts_and_choosing_one(tmp_path):
    rnn, readout = model()
    other = torch.nn.Linear(8, 1)
    path = tmp_path / "two_readouts.pt"
    torch.save({"rnn": rnn.state_dict(), "a": readout.state_dict(), "b": other.state_dict()}, path)
    with pytest.raises(OpdimsError, match="2 possible readouts for rnn .*: a, b; choose one with --module rnn:READOUT"):
        io.load_network(path)
    assert io.load_network(path, module="rnn:b").n_outputs == 1
    assert io.load_network(path, module="rnn:a").fingerprint() == io.from_torch(rnn, readout).fingerprint()


def test_cli_module_option(tmp_path, capsys):
    gru, _ = model("gru")
    rnn, readout = model("rnn", n_in=1, n_out=1)
    path = tmp_path / "two.pt"
    torch.save({"enc": gru.state_dict(), "dec": rnn.state_dict(), "readout": readout.state_dict()}, path)
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "trials.npz", inputs=rng.standard_normal((4, 12, 1)), targets=np.zeros((4, 12, 1)),
             labels=[0, 0, 1, 1])
    argv = ["analyse", "--weights", str(path), "--trials", str(tmp_path / "trials.npz"), "--every", "4", "--quiet",
            "--no-figures", "--dim-types", "columns", "--ranks", "1-8:7", "--out", str(tmp_path / "out")]
    assert main(argv) == 1
    assert "choose one with --module NAME" in capsys.readouterr().err
    assert main(argv + ["--module", "dec"]) == 0
    assert (tmp_path / "out" / "analysis.h5").exists()
    assert main(["info", str(path), "--module", "dec"]) == 0
    out = capsys.readouterr().out
    assert "dec" in out and "enc" not in out.split("networks:")[1].split("variables:")[0]


# ---- PsychRNN -------------------------------------------------------------------------------------

def psychrnn_file(path, *, dale_ratio=None, transfer="relu", raw=False, seed=0, n=10, n_in=3, n_out=2):
    """A weights file as PsychRNN 1.0.0's RNN.save writes it: np.savez(**get_weights()), the effective W_rec,
    W_in, W_out (masked, Dale's law), the masks, dale_ratio (None pickled) and the pickled transfer function.
    Returns the effective weights PsychRNN's Basic model computes with."""
    rng = np.random.default_rng(seed)
    w = {"W_in": rng.standard_normal((n, n_in)), "W_rec": rng.standard_normal((n, n)) / np.sqrt(n),
         "W_out": rng.standard_normal((n_out, n)), "b_rec": 0.1 * rng.standard_normal(n),
         "b_out": 0.1 * rng.standard_normal(n_out), "init_state": 0.1 + 0.01 * rng.standard_normal((1, n))}
    masks = {"input_connectivity": (rng.random((n, n_in)) > 0.2).astype(float),
             "rec_connectivity": (rng.random((n, n)) > 0.3).astype(float),
             "output_connectivity": np.ones((n_out, n))}
    signs = np.ones(n)
    if dale_ratio is not None:
        signs[int(dale_ratio * n):] = -1
    dale = {"Dale_rec": np.diag(signs), "Dale_out": np.diag((signs > 0).astype(float)) if dale_ratio else np.eye(n)}
    effective = {"W_rec": w["W_rec"] * masks["rec_connectivity"], "W_in": w["W_in"] * masks["input_connectivity"],
                 "W_out": w["W_out"] * masks["output_connectivity"]}
    if dale_ratio is not None:
        effective = {"W_rec": np.abs(effective["W_rec"]) @ dale["Dale_rec"], "W_in": np.abs(effective["W_in"]),
                     "W_out": np.abs(effective["W_out"]) @ dale["Dale_out"]}
    saved = {**w, **masks, **dale, **({} if raw else effective),
             "dale_ratio": np.array(dale_ratio, dtype=object) if dale_ratio is None else dale_ratio}
    fake = types.ModuleType("tensorflow.python.ops.gen_nn_ops")  # what tf.nn.relu pickles as, without TensorFlow
    function = types.FunctionType((lambda x: x).__code__, {}, transfer)
    function.__module__, function.__qualname__ = fake.__name__, transfer
    setattr(fake, transfer, function)
    names = ["tensorflow", "tensorflow.python", "tensorflow.python.ops", fake.__name__]
    added = {name: fake if name == fake.__name__ else types.ModuleType(name) for name in names
             if name not in sys.modules}
    sys.modules.update(added)
    try:
        np.savez(path, **saved, transfer_function=np.array(function, dtype=object))
    finally:
        for name in added:
            del sys.modules[name]
    return {**w, **effective}


def psychrnn_forward(weights, inputs, alpha, phi):
    """PsychRNN's Basic.forward_pass (no noise), in NumPy: states after each step and outputs."""
    state = np.repeat(weights["init_state"], inputs.shape[0], axis=0)
    outputs = []
    for t in range(inputs.shape[1]):
        state = (1 - alpha) * state + alpha * (phi(state) @ weights["W_rec"].T + inputs[:, t] @ weights["W_in"].T
                                               + weights["b_rec"])
        outputs.append(phi(state) @ weights["W_out"].T + weights["b_out"])
    return np.stack(outputs, axis=1)


@pytest.mark.parametrize("dale_ratio", [None, 0.8])
@pytest.mark.parametrize("raw", [False, True], ids=["as saved", "raw weights + masks"])
def test_psychrnn_file_runs_as_psychrnn_runs_it(dale_ratio, raw, tmp_path):
    weights = psychrnn_file(tmp_path / "psychrnn.npz", dale_ratio=dale_ratio, raw=raw)
    net = io.from_psychrnn(tmp_path / "psychrnn.npz", dt=10, tau=100)
    assert (net.alpha, net.nonlinearity, net.noise_sigma) == (0.1, "relu", 0.0)
    inputs = np.random.default_rng(1).standard_normal((3, 25, 3))
    z = simulate(net, inputs, [1, 1, 1], noise_sigma=0.0).z
    expected = psychrnn_forward(weights, inputs, 0.1, lambda x: np.maximum(x, 0))
    np.testing.assert_allclose(z, expected, rtol=1e-12, atol=1e-12)
    if dale_ratio is not None:  # Dale's law: excitatory columns >= 0, inhibitory <= 0
        assert (net.W[:, :8] >= 0).all() and (net.W[:, 8:] <= 0).all()
    loaded = io.load_network(tmp_path / "psychrnn.npz", alpha=0.1)
    assert loaded.fingerprint() == net.fingerprint()


def test_psychrnn_noise_and_transfer_function(tmp_path):
    psychrnn_file(tmp_path / "tanh.npz", transfer="tanh")
    net = io.from_psychrnn(tmp_path / "tanh.npz", dt=20, tau=100, rec_noise=0.05)
    assert net.nonlinearity == "tanh"
    # PsychRNN adds sqrt(2 alpha) rec_noise per step; opdims alpha * noise_sigma
    assert np.isclose(net.alpha * net.noise_sigma, np.sqrt(2 * 0.2) * 0.05)
    psychrnn_file(tmp_path / "sigmoid.npz", transfer="sigmoid")
    with pytest.raises(OpdimsError, match="sigmoid.npz: transfer_function: expected one of tanh, relu"):
        io.from_psychrnn(tmp_path / "sigmoid.npz", dt=10, tau=100)
    assert io.from_psychrnn(tmp_path / "sigmoid.npz", dt=10, tau=100, nonlinearity="softplus").nonlinearity == "softplus"


def test_psychrnn_without_dt_and_tau_is_one_clear_line(tmp_path, capsys):
    psychrnn_file(tmp_path / "p.npz", n_in=1, n_out=1)
    with pytest.raises(OpdimsError, match=r"p.npz: PsychRNN weights .* without dt and tau"):
        io.load_network(tmp_path / "p.npz")
    assert "PsychRNN's saved weights" in io.describe_file(tmp_path / "p.npz")
    np.savez(tmp_path / "trials.npz", inputs=np.zeros((2, 10, 1)), targets=np.zeros((2, 10, 1)), labels=[0, 1])
    argv = ["analyse", "--weights", str(tmp_path / "p.npz"), "--trials", str(tmp_path / "trials.npz"), "--every",
            "5", "--quiet", "--no-figures", "--out", str(tmp_path / "o")]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--alpha" in err[0]
    assert main(argv + ["--alpha", "0.1", "--dim-types", "columns", "--ranks", "1-10:9"]) == 0


# ---- neurogym -----------------------------------------------------------------------------------

class MinimalContextTask:
    """A task with neurogym's TrialEnv interface (2.3.1): new_trial() -> trial dict, env.ob, env.gt."""

    def __init__(self):
        self.rng = np.random.RandomState(0)
        self.action_space = types.SimpleNamespace(n=3)

    def seed(self, seed=None):
        self.rng = np.random.RandomState(seed)

    def new_trial(self):
        context, coh = int(self.rng.choice(2)), int(self.rng.choice([-10, 10]))
        self.ob = np.zeros((30, 4), dtype=np.float32)
        self.ob[:, 0] = 1
        self.ob[5:20, 1 + context] = coh / 10
        self.gt = np.zeros(30, dtype=np.int64)
        self.gt[20:] = 1 if coh > 0 else 2
        self.trial = {"context": context, "coh": coh, "ground_truth": self.gt[-1]}
        return self.trial


def test_trials_from_a_neurogym_like_task():
    data = opdims.trials_from_neurogym(MinimalContextTask(), 16, seed=3)
    assert data.inputs.shape == (16, 30, 4) and data.targets.shape == (16, 30, 3)
    assert set(data.labels.tolist()) <= {f"context={c}, coh={h}, ground_truth={1 if h > 0 else 2}"
                                         for c in (0, 1) for h in (-10, 10)}
    np.testing.assert_array_equal(data.targets.sum(axis=2), 1)  # one-hot
    again = opdims.trials_from_neurogym(MinimalContextTask(), 16, seed=3)
    np.testing.assert_array_equal(again.inputs, data.inputs)
    index = opdims.trials_from_neurogym(MinimalContextTask(), 4, label_keys=["context"], targets="index", seed=3)
    assert index.targets.shape == (4, 30, 1) and all(label.startswith("context=") for label in index.labels)
    with pytest.raises(OpdimsError, match="label_keys: colour not in the trial dict, which holds context, coh"):
        opdims.trials_from_neurogym(MinimalContextTask(), 2, label_keys=["colour"])
    with pytest.raises(OpdimsError, match="env: expected a neurogym task"):
        opdims.trials_from_neurogym(object(), 2)


def test_trials_from_neurogym_itself():
    ngym = pytest.importorskip("neurogym")
    env = ngym.make("ContextDecisionMaking-v0", timing={"fixation": 100, "stimulus": 300, "delay": 100,
                                                         "decision": 100})
    data = opdims.trials_from_neurogym(env, 30, seed=0)
    assert data.inputs.shape[::2] == (30, env.observation_space.shape[0])
    assert data.targets.shape[2] == env.action_space.n
    assert all("context=" in label and "coh_1=" in label and "coh_2=" in label for label in data.labels)
    # a network with the task's inputs and one readout unit per action is analysed on its own task
    from opdims.analysis.chain import analyse_network

    torch.manual_seed(0)
    rnn = torch.nn.RNN(data.inputs.shape[2], 8, batch_first=True)
    net = io.from_torch(rnn, torch.nn.Linear(8, data.targets.shape[2]))
    analysis = analyse_network(net, "ContextDecisionMaking", trials=data, every=5, ranks=(1, 4, 8),
                               dim_types=("columns",))
    assert analysis["columns", "trajectory"].sweep.cost.shape[0] == 3


# ---- fixed points -------------------------------------------------------------------------------

class FixedPoints:
    """What FixedPointFinder's FixedPoints holds (the attributes used): xstar [n, N], inputs [n, I]."""

    def __init__(self, xstar, inputs):
        self.xstar, self.inputs = xstar, inputs


def test_fixed_points_of_a_torch_rnn_become_opdims_states():
    rnn, readout = model("rnn", n_in=2, n=6, n_out=1)
    with torch.no_grad():
        rnn.weight_hh_l0.mul_(0.3)
    net = io.from_torch(rnn, readout)
    inputs = np.array([[0.5, -0.2], [0.0, 0.3]])
    h = np.zeros((2, 6))
    for _ in range(300):  # relax to the fixed points of h <- tanh(W h + W_in u + b)
        h = np.tanh(h @ net.W.T + inputs @ net.W_in.T + net.b_x)
    x = fixed_point_locations(net, FixedPoints(h, inputs))
    np.testing.assert_allclose(x, np.arctanh(h), atol=1e-10)  # the pre-activation whose rate is h*
    np.testing.assert_allclose(fixed_point_locations(net, {"xstar": x}, states="preactivation"), x)
    with pytest.raises(OpdimsError, match=r"fixed points: inputs: expected \[2, 2\]"):
        fixed_point_locations(net, FixedPoints(h, np.zeros((2, 3))))
    with pytest.raises(OpdimsError, match=r"locations: expected \[..., 6\]"):
        fixed_point_locations(net, {"xstar": np.zeros((2, 5))})


def test_analyse_network_and_cli_take_fixed_points(tmp_path, capsys):
    rnn, readout = model("rnn", n_in=1, n=6, n_out=1)
    torch.save({"rnn": rnn.state_dict(), "readout": readout.state_dict()}, tmp_path / "m.pt")
    net = io.load_network(tmp_path / "m.pt")
    rng = np.random.default_rng(0)
    fps = FixedPoints(np.tanh(rng.standard_normal((3, 6))), rng.standard_normal((3, 1)))
    trials = opdims.trials_from_arrays(rng.standard_normal((4, 10, 1)), np.zeros((4, 10, 1)), [0, 0, 1, 1])
    options = opdims.AnalysisOptions(dim_types=("columns",), ranks=(1, 6))
    a = opdims.analyse_network(net, "mine", options, trials=trials, locations=fps, progress=False)
    b = opdims.analyse_network(net, "mine", options, trials=trials, locations=fixed_point_locations(net, fps),
                               progress=False)
    np.testing.assert_array_equal(a.locations, b.locations)
    np.testing.assert_array_equal(a["columns"].basis, b["columns"].basis)
    np.savez(tmp_path / "fps.npz", xstar=fps.xstar, inputs=fps.inputs)
    np.savez(tmp_path / "trials.npz", inputs=trials.inputs, targets=trials.targets, labels=trials.labels)
    argv = ["analyse", "--weights", str(tmp_path / "m.pt"), "--trials", str(tmp_path / "trials.npz"), "--quiet",
            "--no-figures", "--dim-types", "columns", "--ranks", "1,6"]
    assert main(argv + ["--locations", str(tmp_path / "fps.npz"), "--out", str(tmp_path / "o")]) == 0
    np.testing.assert_allclose(io.load_analysis(tmp_path / "o" / "analysis.h5").locations, a.locations)
    np.savez(tmp_path / "bad.npz", xstar=fps.xstar, inputs=np.zeros((3, 2)))
    assert main(argv + ["--locations", str(tmp_path / "bad.npz"), "--out", str(tmp_path / "p")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--locations" in err[0] and "bad.npz" in err[0] and "inputs" in err[0]
