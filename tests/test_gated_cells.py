"""Gated cells (nn.GRU, nn.LSTM) as opdims networks: PyTorch's equations, shapes, dimension removal."""

import numpy as np
import pytest

from opdims.core.cells import (
    GatedNetwork,
    gated_network_from_tensors,
    remove_gated_dimensions,
    run_gated,
)
from opdims.core.reduce import remove_dimensions

torch = pytest.importorskip("torch")


def torch_pair(kind, n=6, n_in=3, n_out=2, seed=0, bias=True):
    torch.manual_seed(seed)
    cls = torch.nn.GRU if kind == "gru" else torch.nn.LSTM
    return cls(n_in, n, batch_first=True, bias=bias).double(), torch.nn.Linear(n, n_out).double()


@pytest.mark.parametrize("kind", ["gru", "lstm"])
@pytest.mark.parametrize("bias", [True, False])
def test_from_torch_runs_as_pytorch(kind, bias):
    from opdims.io.torch_models import from_torch

    rnn, readout = torch_pair(kind, bias=bias)
    gen = torch.Generator().manual_seed(1)
    u = torch.randn(3, 9, 3, generator=gen, dtype=torch.float64)
    h0 = 0.5 * torch.tanh(torch.randn(6, generator=gen, dtype=torch.float64))
    c0 = torch.randn(6, generator=gen, dtype=torch.float64)
    hx = h0[None, None].expand(1, 3, 6).contiguous()
    with torch.no_grad():
        y = rnn(u, hx if kind == "gru" else (hx, c0[None, None].expand(1, 3, 6).contiguous()))[0]
        z = readout(y).numpy()
    net = from_torch(rnn, readout, h0=h0, c0=c0 if kind == "lstm" else None)
    assert isinstance(net, GatedNetwork) and net.kind == kind and net.n_blocks == (3 if kind == "gru" else 4)
    states = run_gated(net, u.numpy(), np.broadcast_to(net.x0[:, 0], (3, net.state_size)))
    np.testing.assert_allclose(states[..., :6], y.numpy(), rtol=0, atol=1e-13)
    np.testing.assert_allclose(net.hidden(states) @ net.W_out.T + net.b_z, z, rtol=0, atol=1e-13)
    one = net.step(states[:, 3], u.numpy()[:, 4])
    np.testing.assert_allclose(one, states[:, 4], rtol=0, atol=1e-14)


@pytest.mark.parametrize("call, message", [
    (lambda: gated_network_from_tensors("gru", np.zeros((12, 2)), np.zeros((12, 3))),
     r"weight_hh: expected shape \[3 N, N\] = \[9, 3\]"),
    (lambda: gated_network_from_tensors("lstm", np.zeros((12, 2)), np.zeros((16, 4))),
     r"weight_ih: expected shape \[16, n_inputs\]"),
    (lambda: gated_network_from_tensors("gru", np.zeros((12, 2)), np.zeros((12, 4)), bias_hh=np.zeros(8)),
     r"bias_hh: expected shape \[12\], got \[8\]"),
    (lambda: gated_network_from_tensors("gru", np.zeros((12, 2)), np.zeros((12, 4)), readout_weight=np.zeros((1, 5))),
     r"readout_weight: expected shape \[n_outputs, 4\]"),
    (lambda: gated_network_from_tensors("gru", np.zeros((12, 2)), np.zeros((12, 4)), readout_weight=np.zeros((2, 4)),
                                        readout_bias=np.zeros(3)), r"readout_bias: expected shape \[2\]"),
    (lambda: gated_network_from_tensors("gru", np.zeros((12, 2)), np.zeros((12, 4)), h0=np.zeros(3)),
     r"h0: expected shape \[4, 1\]"),
    (lambda: gated_network_from_tensors("lstm", np.zeros((16, 2)), np.zeros((16, 4)), c0=np.zeros(5)),
     r"c0: expected shape \[4, 1\]"),
    (lambda: gated_network_from_tensors("rnn", np.zeros((4, 2)), np.zeros((4, 4))), "kind: expected 'gru' or 'lstm', got 'rnn'"),
    (lambda: gated_network_from_tensors("gru", np.zeros((12, 2)), np.full((12, 4), np.nan)), "weight_hh|W: contains"),
])
def test_bad_tensors_get_one_line_naming_them(call, message):
    with pytest.raises(ValueError, match=message) as info:
        call()
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("dim_type", ["columns", "rows"])
def test_one_block_removal_is_the_vanilla_one_and_every_block_is_projected(dim_type):
    rng = np.random.default_rng(0)
    W = rng.standard_normal((5, 5))
    V = np.linalg.qr(rng.standard_normal((5, 2)))[0]
    np.testing.assert_allclose(remove_gated_dimensions(W, V, dim_type, 1), remove_dimensions(W, V, dim_type),
                               atol=1e-14)
    W3 = rng.standard_normal((15, 5))
    reduced = remove_gated_dimensions(W3, V, dim_type, 3)
    for g in range(3):
        block = W3[5 * g:5 * g + 5]
        np.testing.assert_allclose(reduced[5 * g:5 * g + 5], remove_dimensions(block, V, dim_type), atol=1e-14)
    stack = remove_gated_dimensions(np.stack([W3, 2 * W3]), V, dim_type, 3)
    np.testing.assert_allclose(stack[1], 2 * reduced, atol=1e-13)
    skew = V + 0.1 * rng.standard_normal(V.shape)  # not orthonormal: removed one after another, as the original
    np.testing.assert_allclose(remove_gated_dimensions(W, skew, dim_type, 1), remove_dimensions(W, skew, dim_type),
                               atol=1e-13)


@pytest.mark.parametrize("kind", ["gru", "lstm"])
def test_the_chain_and_its_files_work_for_gated_cells(kind, tmp_path):
    from opdims import io
    from opdims.analysis.chain import analyse_network, check_local_dimensions_of
    from opdims.core.simulate import simulate
    from opdims.core.tasks import trials_from_arrays
    from opdims.io.torch_models import from_torch

    rnn, readout = torch_pair(kind, n=6, n_in=2, n_out=1, seed=2)
    net = from_torch(rnn, readout)
    labels = np.repeat([0, 1, 2], 2)
    inputs = np.zeros((6, 30, 2))
    inputs[:, 3:12, 0] = labels[:, None] - 1.0
    full = simulate(net, inputs, np.ones(6, int))
    assert full.x.shape == (6, 30, net.state_size) and full.z.shape == (6, 30, 1)
    trials = trials_from_arrays(inputs, full.z + 0.05, labels)
    analysis = analyse_network(net, "three-way", trials=trials, every=10, ranks=(1, 3, 6), pcs=True,
                               random_control=kind == "gru")
    assert analysis.locations.shape == (9, net.state_size) and analysis.n_units == 6
    for dim_type in ("columns", "rows"):
        result = analysis[dim_type]
        assert result.basis.shape == (6, 6) and result.sweep.cost.shape == (3,)
        assert result.sweep.state_distance[-1] == 0 and result.sweep.cost[-1] == result.sweep.full_cost
        np.testing.assert_allclose(result.sweep.full_cost, 0.0025, rtol=1e-12)
        check_local_dimensions_of(net, result.local)
    io.save_analysis(tmp_path / "analysis.h5", analysis)
    again = io.load_analysis(tmp_path / "analysis.h5")
    np.testing.assert_array_equal(again["rows"].basis, analysis["rows"].basis)
    assert again.provenance["nonlinearity"] == kind and again.provenance["network_fingerprint"] == net.fingerprint()
    io.save_mat(tmp_path / "analysis.mat", io.analysis_variables(analysis))
    assert ("| operative rows | random |" in analysis.summary_table()) == (kind == "gru")
    plotting = pytest.importorskip("opdims.plotting")
    plotting.figure_network_analysis(analysis).savefig(tmp_path / "ranks.png")
    plotting.figure_analysis_locations(analysis).savefig(tmp_path / "locations.png")


def test_gated_cells_refuse_noise_and_the_torch_back_end():
    from opdims.core.simulate import simulate

    net = gated_network_from_tensors("gru", np.ones((6, 1)), np.zeros((6, 2)))
    with pytest.raises(ValueError, match="no internal noise"):
        simulate(net, np.ones((1, 3, 1)), [1], noise_sigma=0.1)
    with pytest.raises(ValueError, match="numpy back end"):
        simulate(net, np.ones((1, 3, 1)), [1], backend="torch")


def test_opdims_analyse_an_lstm_checkpoint(tmp_path, capsys):
    from opdims import io
    from opdims.cli import main

    rnn, readout = torch_pair("lstm", n=5, n_in=2, n_out=1, seed=4)
    torch.save({"model_state_dict": {**{f"rnn.{k}": v for k, v in rnn.state_dict().items()},
                                     **{f"readout.{k}": v for k, v in readout.state_dict().items()}}},
               tmp_path / "lstm.pt")
    labels = np.repeat([0, 1], 2)
    inputs = np.zeros((4, 20, 2))
    inputs[:, 2:8, 1] = 2.0 * labels[:, None] - 1.0
    with torch.no_grad():
        targets = readout(rnn(torch.tensor(inputs))[0]).numpy() + 0.05
    np.savez(tmp_path / "trials.npz", inputs=inputs, targets=targets, labels=labels)
    out = tmp_path / "out"
    code = main(["analyse", "--weights", str(tmp_path / "lstm.pt"), "--trials", str(tmp_path / "trials.npz"),
                 "--every", "10", "--out", str(out), "--quiet"])
    assert code == 0, capsys.readouterr().err
    assert "5 units" in capsys.readouterr().out
    analysis = io.load_analysis(out / "analysis.h5")
    assert analysis.locations.shape == (4, 10) and analysis.provenance["nonlinearity"] == "lstm"
    np.testing.assert_allclose(analysis["rows"].sweep.full_cost, 0.0025, rtol=1e-10)
    for name in ("summary.md", "analysis.mat", "operative_dimensions.png", "sampling_locations.png"):
        assert (out / name).stat().st_size > 0


def test_the_local_dimension_functions_take_a_gated_network():
    from opdims.dims.generic import generic_local_dimensions
    from opdims.dims.local_dims import local_column_dimensions, local_operative_dimensions, local_row_dimensions
    from opdims.dims.operative import delta_f

    rng = np.random.default_rng(5)
    net = gated_network_from_tensors("lstm", rng.standard_normal((16, 2)), rng.standard_normal((16, 4)),
                                     rng.standard_normal(16), rng.standard_normal(16))
    states = rng.standard_normal((2, 8)) * 0.5
    rows = local_row_dimensions(net, states, n_dims=2)
    np.testing.assert_array_equal(rows.fvals, generic_local_dimensions(net, states, "rows", n_dims=2).fvals)
    assert abs(delta_f(net, states[0], rows.dims[0, 0], "rows") + rows.fvals[0, 0]) < 1e-14
    cols = local_column_dimensions(net, states)
    np.testing.assert_array_equal(cols.fvals, local_operative_dimensions(net, states, "columns").fvals)
    assert abs(delta_f(net, states[1], cols.dims[1, 0], "columns") + cols.fvals[1, 0]) < 1e-14
    assert np.all(np.diff(-rows.fvals[0]) <= 1e-12)  # greedy: each step's best is no better than the last
    with pytest.raises(ValueError, match="generic solver"):
        local_row_dimensions(net, states, method="fminunc")


def test_opdims_analyse_writes_the_same_outputs_for_a_gru_as_for_a_vanilla_rnn(tmp_path, capsys):
    """Issue 17: a GRU saved as {'rnn': state_dict, 'readout': ...} goes through `opdims analyse` like an nn.RNN."""
    from opdims import io
    from opdims.cli import main

    labels = np.repeat([0, 1], 2)
    inputs = np.zeros((4, 20, 2))
    inputs[:, 2:8, 1] = 2.0 * labels[:, None] - 1.0
    np.savez(tmp_path / "trials.npz", inputs=inputs, targets=0.1 * np.ones((4, 20, 1)), labels=labels)
    written = {}
    for kind in ("rnn", "gru"):
        torch.manual_seed(3)
        rnn = (torch.nn.RNN if kind == "rnn" else torch.nn.GRU)(2, 5, batch_first=True)
        torch.save({"rnn": rnn.state_dict(), "readout": torch.nn.Linear(5, 1).state_dict()}, tmp_path / f"{kind}.pt")
        out = tmp_path / kind
        code = main(["analyse", "--weights", str(tmp_path / f"{kind}.pt"), "--trials", str(tmp_path / "trials.npz"),
                     "--every", "10", "--out", str(out), "--quiet", "--random-starts", "3"])
        assert code == 0, capsys.readouterr().err
        analysis = io.load_analysis(out / "analysis.h5")
        written[kind] = (sorted(p.name for p in out.iterdir()), sorted(analysis.results))
        assert analysis.provenance["options"]["random_starts"] == 3
    assert written["gru"] == written["rnn"]
    assert "analysis.h5" in written["gru"][0] and "index.html" in written["gru"][0]
