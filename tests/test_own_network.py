"""Operative dimensions of your own RNN: any size and time step, trials as data, PyTorch models in."""

import numpy as np
import pytest
from synthetic import random_network

from opdims import Network, analyse_network, io, rank_sweep, simulate, trials_from_arrays
from opdims.cli import main

torch = pytest.importorskip("torch")


# ---- PyTorch nn.RNN is the alpha = 1 network -------------------------------------------------------

def torch_model(nonlinearity, batch_first, bias=True, seed=0):
    torch.manual_seed(seed)
    rnn = torch.nn.RNN(3, 16, nonlinearity=nonlinearity, batch_first=batch_first, bias=bias, dtype=torch.float64)
    readout = torch.nn.Linear(16, 2, dtype=torch.float64)
    return rnn, readout


def briefly_train(rnn, readout, batch_first, steps=30):
    """A few Adam steps on a random regression, so the weights are no longer the initial ones."""
    gen = torch.Generator().manual_seed(1)
    u = torch.randn(8, 40, 3, generator=gen, dtype=torch.float64)
    y = torch.randn(8, 40, 2, generator=gen, dtype=torch.float64)
    opt = torch.optim.Adam([*rnn.parameters(), *readout.parameters()], lr=1e-2)
    for _ in range(steps):
        h, _ = rnn(u if batch_first else u.transpose(0, 1))
        h = h if batch_first else h.transpose(0, 1)
        loss = ((readout(h) - y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("batch_first", [True, False])
@pytest.mark.parametrize("trained", [False, True])
def test_simulate_equals_the_torch_forward_pass(nonlinearity, batch_first, trained):
    rnn, readout = torch_model(nonlinearity, batch_first)
    if trained:
        briefly_train(rnn, readout, batch_first)
    u = torch.randn(5, 60, 3, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    with torch.no_grad():
        h, _ = rnn(u if batch_first else u.transpose(0, 1))
        h = h if batch_first else h.transpose(0, 1)
        z = readout(h).numpy()
    net = io.from_torch(rnn, readout)
    assert (net.alpha, net.nonlinearity, net.noise_sigma) == (1.0, nonlinearity, 0.0)
    traj = simulate(net, u.numpy(), np.ones(5))
    scale = np.abs(z).max()
    assert np.abs(traj.z - z).max() <= 1e-12 * scale
    np.testing.assert_allclose(traj.r, h.numpy(), rtol=0, atol=1e-12)


def test_a_given_initial_hidden_state_and_no_biases():
    rnn, readout = torch_model("tanh", True, bias=False)
    h0 = 0.5 * torch.tanh(torch.randn(16, generator=torch.Generator().manual_seed(3), dtype=torch.float64))
    u = torch.randn(2, 10, 3, generator=torch.Generator().manual_seed(4), dtype=torch.float64)
    with torch.no_grad():
        z = readout(rnn(u, h0[None, None, :].expand(1, 2, 16).contiguous())[0]).numpy()
    net = io.from_torch(rnn, readout, h0=h0)
    np.testing.assert_allclose(simulate(net, u.numpy(), [1, 1]).z, z, rtol=0, atol=1e-12)


@pytest.mark.parametrize("module, message", [
    (lambda: torch.nn.GRU(3, 4, num_layers=2), "one layer"),
    (lambda: torch.nn.LSTM(3, 4, proj_size=2), "projections"),
    (lambda: torch.nn.RNN(3, 4, num_layers=2), "one layer"),
    (lambda: torch.nn.RNN(3, 4, bidirectional=True), "unidirectional"),
])
def test_unsupported_modules_are_named(module, message):
    with pytest.raises(ValueError, match=message):
        io.from_torch(module(), torch.nn.Linear(4, 1))
    with pytest.raises(ValueError, match="in_features = 4"):
        io.from_torch(torch.nn.RNN(3, 4), torch.nn.Linear(5, 1))


@pytest.mark.parametrize("module, message", [
    (lambda: torch.nn.RNN(3, 4, num_layers=2), "2-layer nn.RNN"),
    (lambda: torch.nn.RNN(3, 4, bidirectional=True), "bidirectional"),
    (lambda: torch.nn.LSTM(3, 4, proj_size=2), "proj_size"),
])
def test_unsupported_state_dicts_are_named(module, message, tmp_path):
    state = {f"rnn.{k}": v for k, v in module().state_dict().items()}
    torch.save({**state, "readout.weight": torch.zeros(1, 4), "readout.bias": torch.zeros(1)}, tmp_path / "m.pt")
    with pytest.raises(ValueError, match=message):
        io.load_network(tmp_path / "m.pt")


def test_state_dict_and_named_arrays_load_as_the_same_network(tmp_path):
    rnn, readout = torch_model("relu", True)
    torch.save({"model": {**{f"rnn.{k}": v for k, v in rnn.state_dict().items()},
                          **{f"readout.{k}": v for k, v in readout.state_dict().items()}}, "epoch": 3},
               tmp_path / "checkpoint.pt")
    from_file = io.load_network(tmp_path / "checkpoint.pt", nonlinearity="relu")
    direct = io.from_torch(rnn, readout)
    assert from_file.fingerprint() == direct.fingerprint()
    np.savez(tmp_path / "net.npz", W_in=direct.W_in, W=direct.W, W_out=direct.W_out, x0=direct.x0[:, 0],
             b_x=direct.b_x, b_z=direct.b_z, alpha=1.0, noise_sigma=0.0, nonlinearity="relu")
    assert io.load_network(tmp_path / "net.npz").fingerprint() == direct.fingerprint()
    assert "torch.nn.RNN state dict" in io.describe_file(tmp_path / "checkpoint.pt")


# ---- planted structure ------------------------------------------------------------------------------

def planted_network(n=60, m=12, seed=0):
    """W = a rank-3 part on m units (it carries the task) + a large random part among the other units that
    the trajectories never reach (feed-forward between two halves, so rounding errors cannot grow)."""
    rng = np.random.default_rng(seed)
    W = np.zeros((n, n))
    U = np.linalg.qr(rng.standard_normal((m, 3)))[0]
    V = np.linalg.qr(rng.standard_normal((m, 3)))[0]
    W[:m, :m] = U @ np.diag([1.6, 1.3, 1.1]) @ V.T
    h = (n - m) // 2
    W[m + h:, m:m + h] = 8.0 * rng.standard_normal((n - m - h, h)) / np.sqrt(h)
    W_in = np.zeros((n, 2))
    W_in[:m] = rng.standard_normal((m, 2))
    W_out = np.zeros((1, n))
    W_out[0, :m] = rng.standard_normal(m) / np.sqrt(m)
    P = np.eye(n)[rng.permutation(n)]  # hide the blocks
    return Network(W_in=P @ W_in, W=P @ W @ P.T, W_out=W_out @ P.T, x0=np.zeros(n), b_x=np.zeros(n),
                   b_z=np.zeros(1), noise_sigma=0.0)


def planted_trials(net):
    labels = np.repeat(np.arange(4), 4)
    angles = labels * np.pi / 2
    inputs = np.zeros((labels.size, 300, 2))
    inputs[:, 20:120, 0], inputs[:, 20:120, 1] = np.cos(angles)[:, None], np.sin(angles)[:, None]
    targets = simulate(net, inputs, np.ones(labels.size)).z + 0.05  # the network does the task, up to 0.05
    return trials_from_arrays(inputs, targets, labels)


def test_planted_low_rank_structure_is_found_and_the_svd_misses_it():
    net = planted_network()
    trials = planted_trials(net)
    analysis = analyse_network(net, "planted", trials=trials, every=10, dim_types=("columns", "rows"))
    columns = analysis["columns"]
    assert columns.sweep.cost[0] > 1.5 * columns.sweep.full_cost  # rank 1 is not enough
    assert columns.rank_within_full_cost() <= 4 and columns.settled_rank() <= 4
    assert columns.variance_explained[:3].sum() > 99.99  # three global operative dimensions, exactly
    rows = analysis["rows"]
    assert rows.rank_within_full_cost() <= 6  # row dimensions mix in the large unused part (see docs)
    U, _, _ = np.linalg.svd(net.W)
    svd = rank_sweep(net, U, "columns", trials.inputs, trials.condition_ids, trials.targets)
    assert svd.rank_within_full_cost() >= 15  # the top singular directions belong to the unused part
    # the chain's own baseline is that sweep, and the summary gives the three answers
    np.testing.assert_array_equal(analysis.high_variance.sweep.cost, svd.cost)
    ranks = analysis.ranks()
    assert ranks["columns"] <= 3 and ranks["rows"] <= 4 and ranks["high_variance"] >= 15
    sentence = analysis.rank_sentence()
    assert sentence.startswith(f"Rank at which the cost is back: operative columns {ranks['columns']}, operative "
                               f"rows {ranks['rows']}, SVD of W {ranks['high_variance']} (smallest rank")
    assert sentence in analysis.summary_table()


def test_planted_network_with_a_perfect_fit_the_headline_rank_means_what_it_says():
    """Targets = the network's own output: the full-rank cost is 0 (up to rounding). The old ratio rule asks for
    a cost <= 1.1 x 0 and lands far out; the range rule (silent to full-rank cost) finds the planted rank 3."""
    net = planted_network()
    trials = planted_trials(net)
    trials = trials_from_arrays(trials.inputs, trials.targets - 0.05, trials.labels)
    analysis = analyse_network(net, "planted", trials=trials, every=10, dim_types=("columns",))
    columns, hv = analysis["columns"].sweep, analysis.high_variance.sweep
    assert columns.full_cost < 1e-25 and analysis.silent_cost > 1e-3
    assert analysis.ranks() == {"columns": columns.rank(), "high_variance": hv.rank()}
    assert columns.rank() <= 3 and hv.rank() >= 15
    ratio = columns.rank("ratio")  # what the old headline rule said: rounding noise of 1e-16 is not <= 1.1 x 4e-33
    assert ratio is None or ratio > columns.rank() + 3
    table = analysis.summary_table()
    assert "| operative columns | trajectory |" in table and "| high-variance (SVD of W) | - |" in table
    assert f"operative columns {columns.rank()}, SVD of W {hv.rank()}" in table
    assert "range from the full-rank cost to the silent network's (W = 0)" in table
    old = analysis.summary_table(rule="ratio")
    assert "<= 1.1 x the full-rank cost" in old


# ---- opdims analyse -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def model_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("model")
    rnn, readout = torch_model("tanh", True, seed=5)
    briefly_train(rnn, readout, True, steps=10)
    torch.save({**{f"rnn.{k}": v for k, v in rnn.state_dict().items()},
                **{f"readout.{k}": v for k, v in readout.state_dict().items()}}, folder / "rnn.pt")
    rng = np.random.default_rng(6)
    labels = np.repeat(["left", "right", "up"], 3)
    inputs = np.zeros((9, 50, 3))
    for k, name in enumerate(["left", "right", "up"]):
        inputs[labels == name, 5:25, k] = 1.0
    inputs += 0.05 * rng.standard_normal(inputs.shape)
    with torch.no_grad():
        targets = readout(rnn(torch.tensor(inputs))[0]).numpy() + 0.01
    np.savez(folder / "trials.npz", inputs=inputs, targets=targets, labels=labels)
    return folder


def test_analyse_a_torch_checkpoint(model_files, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["analyse", "--weights", str(model_files / "rnn.pt"), "--trials", str(model_files / "trials.npz"),
                 "--every", "5", "--out", str(out), "--quiet"])
    assert code == 0, capsys.readouterr().err
    printed = capsys.readouterr().out
    assert "16 units" in printed and "alpha 1" in printed and "| operative columns | trajectory |" in printed
    analysis = io.load_analysis(out / "analysis.h5")
    assert analysis.locations.shape == (30, 16)  # 3 conditions x 10 sampled steps
    assert analysis["rows"].sweep.cost.shape == (16,)
    variables = io.load_mat(out / "analysis.mat")
    assert variables["columns_trajectory"]["global_op_dims"].shape == (16, 16)
    for name in ("summary.md", "operative_dimensions.png", "sampling_locations.png"):
        assert (out / name).stat().st_size > 0
    # the three ranks: operative columns, operative rows, SVD of W, in the summary and the files
    ranks = analysis.ranks()
    assert set(ranks) == {"columns", "rows", "high_variance"}
    assert analysis.high_variance.sweep.cost.shape == (16,)
    assert variables["high_variance"]["mses"].shape == (16, 1) and "mse_silent" in variables
    summary = (out / "summary.md").read_text()
    assert "Rank at which the cost is back: operative columns" in summary and ", SVD of W " in summary
    assert "Rank at which the cost is back: operative columns" in printed
    assert main(["analyse", "--weights", str(model_files / "rnn.pt"), "--trials", str(model_files / "trials.npz"),
                 "--every", "5", "--out", str(out), "--quiet"]) == 1
    assert "exists already" in capsys.readouterr().err
    assert main(["analyse", "--weights", str(model_files / "rnn.pt"), "--trials", str(model_files / "trials.npz"),
                 "--every", "5", "--out", str(out), "--quiet", "--force", "--no-high-variance", "--no-figures",
                 "--dim-types", "columns", "--rank-rule", "settled"]) == 0
    assert io.load_analysis(out / "analysis.h5").high_variance is None
    summary = (out / "summary.md").read_text()
    assert "SVD of W" not in summary and "stays within 10% of its range" in summary


def test_analyse_an_npz_of_arrays_on_a_mat_of_trials(tmp_path, capsys):
    net = random_network(8, n_in=2, n_out=1, n_ctx=1, seed=3)
    np.savez(tmp_path / "net.npz", W_in=net.W_in, W=net.W, W_out=net.W_out, x0=net.x0, b_x=net.b_x, b_z=net.b_z,
             dt=1e-3, tau=1e-2, nonlinearity="softplus")
    inputs = np.random.default_rng(1).standard_normal((6, 40, 2))
    io.save_mat(tmp_path / "trials.mat", {"inputs": np.transpose(inputs, (2, 1, 0)),
                                          "targets": np.zeros((1, 40, 6)), "labels": np.array([[1, 1, 2, 2, 3, 3]])})
    code = main(["analyse", "--weights", str(tmp_path / "net.npz"), "--trials", str(tmp_path / "trials.mat"),
                 "--times", "10,20,30", "--dim-types", "columns", "--ranks", "1-8:2", "--out",
                 str(tmp_path / "o"), "--quiet", "--no-figures"])
    assert code == 0, capsys.readouterr().err
    analysis = io.load_analysis(tmp_path / "o" / "analysis.h5")
    assert analysis.provenance["nonlinearity"] == "softplus"
    np.testing.assert_array_equal(analysis["columns"].sweep.ranks, [1, 3, 5, 7])
    trials = io.load_trials(tmp_path / "trials.mat")
    np.testing.assert_array_equal(trials.inputs, inputs)


@pytest.mark.parametrize("change, message", [
    ("inputs", "input"),
    ("labels", "labels: expected one condition label per trial"),
    ("nan", "non-finite"),
    ("every", "--every"),
])
def test_analyse_bad_input_is_one_clear_line_and_nothing_is_written(model_files, tmp_path, capsys, change,
                                                                    message):
    data = dict(np.load(model_files / "trials.npz"))
    argv = ["analyse", "--weights", str(model_files / "rnn.pt"), "--every", "5"]
    if change == "inputs":
        data["inputs"] = data["inputs"][:, :, :2]
    elif change == "labels":
        data["labels"] = data["labels"][:5]
    elif change == "nan":
        data["inputs"][0, 3, 1] = np.nan
    else:
        argv[-1] = "0"
    np.savez(tmp_path / "bad.npz", **data)
    out = tmp_path / "out"
    code = main(argv + ["--trials", str(tmp_path / "bad.npz"), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err.strip()
    assert code == 1 and len(err.splitlines()) == 1 and message in err, err
    assert not out.exists() or not any(out.iterdir())
