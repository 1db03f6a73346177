"""Every bad input a user can hand in gets one clear line, a non-zero exit code, and nothing written.

Table-driven: each row is a command line with one bad file or argument; the expected message names the
file or option and what was expected. The cases are listed in docs/io.md ("Bad input").
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import scipy.io
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synthetic import random_network

import opdims
from opdims import io
from opdims.cli import main
from opdims.core.errors import OpdimsError

N = 6


def write_weights(path, net, net_id=1):
    io.add_network_hdf5(path, net_id, net)
    return path


def mat_network(path, **override):
    net = random_network(N, n_in=1, n_out=1, n_ctx=1, seed=1)
    arrays = {"n_Wru_v": net.W_in, "n_Wrr_n": net.W, "m_Wzr_n": net.W_out, "n_x0_c": net.x0,
              "n_bx_1": net.b_x[:, None], "m_bz_1": net.b_z[:, None]}
    arrays.update(override)
    arrays = {k: v for k, v in arrays.items() if v is not None}
    scipy.io.savemat(path, arrays)
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """One file of every kind of bad input, and good ones to pair them with."""
    d = tmp_path_factory.mktemp("bad")
    good = write_weights(d / "good.h5", random_network(N, n_in=1, n_out=1, n_ctx=1, seed=0))
    (d / "folder").mkdir()
    (d / "empty.h5").write_bytes(b"")
    (d / "noise.h5").write_bytes(np.random.default_rng(0).bytes(4096))
    data = good.read_bytes()
    (d / "truncated.h5").write_bytes(data[: len(data) // 2])
    mat = mat_network(d / "full.mat")
    (d / "truncated.mat").write_bytes(mat.read_bytes()[:300])
    mat_network(d / "shape.mat", n_Wrr_n=np.ones((N, N + 1)))
    w_nan = np.eye(N)
    w_nan[2, 3] = np.nan
    mat_network(d / "nan.mat", n_Wrr_n=w_nan)
    mat_network(d / "complex.mat", n_Wrr_n=np.eye(N) * (1 + 1j))
    mat_network(d / "integer.mat", n_Wrr_n=np.eye(N, dtype=np.int32))
    net = random_network(N, n_in=1, n_out=1, n_ctx=1, seed=1)
    io.save_mat(d / "boolean.mat", {**{k: v for k, v in io.network_variables(net).items()},
                                     "n_Wrr_n": np.eye(N, dtype=bool)}, version="7.3")
    mat_network(d / "missing.mat", n_Wru_v=None, m_bz_1=None)
    rng = np.random.default_rng(1)
    trials = {"inputs": rng.standard_normal((4, 30, 1)), "targets": np.zeros((4, 30, 1)), "labels": [0, 0, 1, 1]}
    np.savez(d / "trials.npz", **trials)
    np.savez(d / "trials_inputs.npz", **{**trials, "inputs": rng.standard_normal((4, 30, 2))})
    np.savez(d / "trials_labels.npz", **{**trials, "labels": [0, 1, 1]})
    bad_inputs = trials["inputs"].copy()
    bad_inputs[1, 5, 0] = np.inf
    np.savez(d / "trials_inf.npz", **{**trials, "inputs": bad_inputs})
    np.savez(d / "trials_missing.npz", inputs=trials["inputs"], labels=trials["labels"])
    (d / "a_file").write_text("x")
    np.savez(d / "trials_float16.npz", **{**trials, "inputs": trials["inputs"].astype(np.float16)})
    np.savez(d / "trials_complex.npz", **{**trials, "inputs": trials["inputs"] + 1j})
    np.savez(d / "trials_2_steps.npz", **{**trials, "inputs": trials["inputs"][:, :2], "targets": np.zeros((4, 2, 1))})
    scipy.io.savemat(d / "trials_numpy_order.mat", {k: np.asarray(v) for k, v in trials.items()})
    np.savez(d / "locations_wide.npz", locations=np.zeros((5, N + 1)))
    np.savez(d / "locations_transposed.npz", locations=np.zeros((N, 3)))
    arrays = {"W_in": net.W_in, "W": net.W, "W_out": net.W_out, "x0": net.x0, "b_x": net.b_x, "b_z": net.b_z}
    np.savez(d / "alpha.npz", alpha=-0.5, **arrays)
    np.savez(d / "huge.npz", **{**arrays, "W": net.W * 1e300})
    local_dimension_files(d)
    analysis_files(d)
    torch_files(d)
    return d


def analysis_files(d):
    """An analysis.h5 of good.h5, damaged by hand in the ways of issue 18, and a batch output to resume."""
    import h5py

    net = io.load_network(d / "good.h5")
    trials = io.load_trials(d / "trials.npz", n_contexts=1)
    options = opdims.AnalysisOptions(dim_types=("columns",), ranks=(1, 3, 6), every=10)
    io.save_analysis(d / "analysis.h5", opdims.analyse_network(net, "mine", options, trials=trials))

    def damaged(name, change):
        shutil.copyfile(d / "analysis.h5", d / name)
        with h5py.File(d / name, "r+") as f:
            change(f)

    def scalar_basis(f):
        del f["results/columns/trajectory/basis"]
        f["results/columns/trajectory/basis"] = 1.0

    def string_basis(f):
        del f["results/columns/trajectory/basis"]
        f["results/columns/trajectory/basis"] = np.full((N, N), "x", dtype="S1")

    def swapped(f):
        del f["results/columns/trajectory/sweep"]
        f["results/columns/trajectory/sweep"] = np.arange(3.0)

    def provenance(f):
        f.attrs["provenance"] = 7

    def short_ranks(f):
        del f["results/columns/trajectory/sweep/ranks"]
        f["results/columns/trajectory/sweep/ranks"] = np.array([1, 3])

    assert main(BATCH + ["--swg-weights", str(d / "good.h5"), "--out", str(d / "batch_out")]) == 0
    with h5py.File(d / "batch_out" / "swg" / "NetNr1.h5", "r+") as f:
        del f["results/columns/trajectory/singular_values"]
    for name, change in [("scalar_basis", scalar_basis), ("string_basis", string_basis), ("swapped", swapped),
                         ("provenance", provenance), ("short_ranks", short_ranks)]:
        damaged(f"analysis_{name}.h5", change)


def local_dimension_files(d):
    """The local column dimensions of good.h5 as s2 writes them, a row-dimension file, and damaged copies."""
    import h5py

    from opdims.matlab.scripts import s2_local_operative_dimensions

    columns = d / "localOpDims_swg_columns.h5"
    s2_local_operative_dimensions(d / "good.h5", "swg", "columns").save(columns)
    local, props = io.read_local_operative_dimensions(columns)
    rows = opdims.LocalOperativeDimensions("rows", np.repeat(local.dims[:, :1], 2, axis=1),
                                           np.repeat(local.fvals[:, :1], 2, axis=1),
                                           local.locations, local.next_states)
    io.save_local_operative_dimensions(d / "my_dims.h5", rows, props)  # a name that says nothing

    def damaged(name, change):
        shutil.copyfile(columns, d / name)
        with h5py.File(d / name, "r+") as f:
            for i, group in enumerate(f.values()):
                change(i, group)

    def all_nan(i, group):
        group["local_op_dims"][...] = np.nan
        group["all_fvals"][...] = np.nan

    def inf_fval(i, group):
        if i == 3:
            group["all_fvals"][...] = -np.inf

    def nan_dims(i, group):
        group["local_op_dims"][...] = np.nan

    damaged("all_nan.h5", all_nan)
    damaged("inf_fval.h5", inf_fval)
    damaged("nan_dims.h5", nan_dims)


def torch_files(d):
    """The PyTorch files of issue 18's unclear cases (none without torch)."""
    try:
        import torch
    except ImportError:
        return
    torch.manual_seed(0)
    rnn, readout = torch.nn.RNN(1, N), torch.nn.Linear(N, 1)
    state = rnn.state_dict()
    for name, change in {"bf16": lambda t: t.to(torch.bfloat16), "meta": lambda t: torch.empty_like(t, device="meta"),
                         "sparse": lambda t: t.to_sparse()}.items():
        torch.save({"rnn": {**state, "weight_hh_l0": change(state["weight_hh_l0"])}, "readout": readout.state_dict()},
                   d / f"{name}.pt")
    torch.save({"rnn": state, "readout": torch.nn.Linear(N + 2, 1).state_dict()}, d / "readout_size.pt")
    torch.save({"encoder": torch.nn.GRU(1, N).state_dict(), "rnn": state, "readout": readout.state_dict()},
               d / "two_modules.pt")
    torch.save({"rnn": state, "readout": readout.state_dict()}, d / "legacy.pt", _use_new_zipfile_serialization=False)
    (d / "legacy_truncated.pt").write_bytes((d / "legacy.pt").read_bytes()[:200])


ANALYSE = ["analyse", "--every", "5", "--quiet", "--no-figures"]
BATCH = ["batch", "--tasks", "swg", "--dim-types", "columns", "--ranks", "1-6:5", "--quiet"]
S3 = ["s3", "--task", "swg", "--weights", "{d}/good.h5", "--quiet", "--no-figures", "--ranks", "1-3"]

# (command line, expected pieces of the message); {d}: the folder of bad files, {out}: the output folder
CASES = {
    "missing file": (["s1", "--weights", "{d}/missing.h5"], ["--weights", "missing.h5: no such file"]),
    "a folder": (["s1", "--weights", "{d}/folder"], ["--weights", "is a folder"]),
    "empty file": (["s1", "--weights", "{d}/empty.h5"], ["empty.h5: empty file (0 bytes)"]),
    "random bytes": (["s1", "--weights", "{d}/noise.h5"], ["noise.h5: neither an HDF5 file nor a MAT-file"]),
    "truncated HDF5": (["s1", "--weights", "{d}/truncated.h5"], ["truncated.h5", "truncated or damaged"]),
    "truncated MAT": (["s1", "--weights", "{d}/truncated.mat"], ["truncated.mat", "truncated or damaged"]),
    "wrong shape": (["s1", "--weights", "{d}/shape.mat"], ["shape.mat", "n_Wrr_n", "square"]),
    "NaN weights": (["s1", "--weights", "{d}/nan.mat"], ["nan.mat", "n_Wrr_n", "non-finite", "(3, 4)"]),
    "complex weights": (["s1", "--weights", "{d}/complex.mat"], ["complex.mat", "n_Wrr_n"]),
    "integer weights": (["s1", "--weights", "{d}/integer.mat"], ["integer.mat", "n_Wrr_n", "int32"]),
    "boolean weights": (["s1", "--weights", "{d}/boolean.mat"], ["boolean.mat", "n_Wrr_n", "logical"]),
    "missing variables": (["s1", "--weights", "{d}/missing.mat"], ["missing.mat", "missing n_Wru_v, m_bz_1"]),
    "network id out of range": (["s1", "--weights", "{d}/good.h5", "--net-id", "7"], ["good.h5: no network 7"]),
    "network id zero": (["s1", "--weights", "{d}/good.h5", "--net-id", "0"], ["--net-id", ">= 1"]),
    "task does not fit": (["s1", "--weights", "{d}/good.h5", "--task", "ctxt"], ["input(s)", "--task"]),
    "local dims: not a local-dims file": (["s3", "--task", "swg", "--weights", "{d}/good.h5", "--local-dims",
                                           "{d}/good.h5"], ["good.h5", "no group"]),
    "local dims: columns file, rows asked": (S3 + ["--dim-type", "rows", "--local-dims",
                                                  "{d}/localOpDims_swg_columns.h5"],
                                             ["--local-dims", "localOpDims_swg_columns.h5: holds local columns "
                                              "dimensions (its name says so), but --dim-types asks for rows"]),
    "local dims: rows file, columns asked": (S3 + ["--dim-type", "columns", "--local-dims", "{d}/my_dims.h5"],
                                             ["--local-dims", "my_dims.h5: holds local rows dimensions",
                                              "--dim-types asks for columns"]),
    "local dims: all NaN": (S3 + ["--local-dims", "{d}/all_nan.h5"],
                            ["--local-dims", "all_nan.h5: no local dimension at any of its 121 locations"]),
    "local dims: an Inf fval": (S3 + ["--local-dims", "{d}/inf_fval.h5"],
                                ["--local-dims", "inf_fval.h5", "all_fvals: -inf for dimension 1; expected finite"]),
    "local dims: NaN dimensions with fvals": (S3 + ["--local-dims", "{d}/nan_dims.h5"],
                                              ["--local-dims", "nan_dims.h5", "local_op_dims: dimension 1 holds NaN"]),
    "analysis: scalar basis": (["info", "{d}/analysis_scalar_basis.h5"],
                               ["analysis_scalar_basis.h5: /results/columns/trajectory/basis: expected a 2-D array"]),
    "analysis: basis of strings": (["info", "{d}/analysis_string_basis.h5"],
                                   ["analysis_string_basis.h5: /results/columns/trajectory/basis: expected numbers"]),
    "analysis: group and dataset swapped": (["info", "{d}/analysis_swapped.h5"],
                                            ["analysis_swapped.h5: /results/columns/trajectory/sweep: expected a "
                                             "group, found a dataset"]),
    "analysis: provenance of the wrong type": (["info", "{d}/analysis_provenance.h5"],
                                               ["analysis_provenance.h5: attribute provenance: expected JSON text"]),
    "analysis: ranks shorter than cost": (["info", "{d}/analysis_short_ranks.h5"],
                                          ["analysis_short_ranks.h5: /results/columns/trajectory/sweep/cost: "
                                           "expected 2 along axis 0"]),
    "batch: resume past a damaged result": (BATCH + ["--swg-weights", "{d}/good.h5", "--out", "{d}/batch_out"],
                                            ["NetNr1.h5: /results/columns/trajectory/singular_values: expected a "
                                             "dataset, found nothing", "rerun with --recompute"]),
    "analyse: negative seed": (ANALYSE[:1] + ["--task", "swg", "--weights", "{d}/good.h5", "--seed", "-1"],
                               ["--seed: expected a whole number in 0..4294967295", "got -1"]),
    "analyse: negative --random-starts": (ANALYSE[:1] + ["--task", "swg", "--weights", "{d}/good.h5", "--out",
                                                         "{out}", "--random-starts", "-1"],
                                          ["--random-starts: expected an integer >= 0", "got -1"]),
    "trials: --every larger than T": (["analyse", "--every", "50", "--weights", "{d}/good.h5", "--trials",
                                       "{d}/trials.npz"], ["--every 50: more than the 30 step(s) of the trials of",
                                                            "trials.npz", "expected --every in 1..30"]),
    "trials: 2 steps": (ANALYSE + ["--weights", "{d}/good.h5", "--trials", "{d}/trials_2_steps.npz"],
                        ["--every 5: more than the 2 step(s)", "trials_2_steps.npz", "expected --every in 1..2"]),
    "trials: --times beyond T": (["analyse", "--times", "3,40", "--weights", "{d}/good.h5", "--trials",
                                  "{d}/trials.npz"], ["--times: expected steps in 1..30", "got [40]"]),
    "trials: float16 inputs": (ANALYSE + ["--weights", "{d}/good.h5", "--trials", "{d}/trials_float16.npz"],
                               ["--trials", "trials_float16.npz: inputs: arrays of dtype float16"]),
    "trials: complex inputs": (ANALYSE + ["--weights", "{d}/good.h5", "--trials", "{d}/trials_complex.npz"],
                               ["--trials", "trials_complex.npz: inputs: arrays of dtype complex128"]),
    "trials: .mat in NumPy orientation": (ANALYSE + ["--weights", "{d}/good.h5", "--trials",
                                                     "{d}/trials_numpy_order.mat"],
                                          ["--trials", "trials_numpy_order.mat", "look like NumPy orientation",
                                           "MATLAB orientation [n, T, trials]"]),
    "locations: wrong number of units": (ANALYSE[:1] + ["--task", "swg", "--weights", "{d}/good.h5", "--locations",
                                                        "{d}/locations_wide.npz"],
                                         ["--locations", "locations_wide.npz: locations: expected [..., 6] states",
                                          "got shape (5, 7)"]),
    "locations: transposed": (ANALYSE[:1] + ["--task", "swg", "--weights", "{d}/good.h5", "--locations",
                                             "{d}/locations_transposed.npz"],
                              ["--locations", "locations_transposed.npz", "it looks transposed"]),
    "weights: negative alpha": (ANALYSE + ["--weights", "{d}/alpha.npz", "--trials", "{d}/trials.npz"],
                                ["--weights", "alpha.npz", "alpha: expected a number in (0, 1]", "got -0.5"]),
    "weights: scaled to 1e300": (ANALYSE + ["--weights", "{d}/huge.npz", "--trials", "{d}/trials.npz"],
                                 ["--weights", "huge.npz", "W: values up to", "expected at most 1e+50"]),
    "trials: missing file": (ANALYSE + ["--weights", "{d}/good.h5", "--trials", "{d}/none.npz"],
                             ["--trials", "none.npz: no such file"]),
    "trials: inputs do not fit": (ANALYSE + ["--weights", "{d}/good.h5", "--trials", "{d}/trials_inputs.npz"],
                                  ["1 input(s)", "have 2"]),
    "trials: labels not per trial": (ANALYSE + ["--weights", "{d}/good.h5", "--trials", "{d}/trials_labels.npz"],
                                     ["trials_labels.npz", "labels: expected one condition label per trial (4)"]),
    "trials: Inf inputs": (ANALYSE + ["--weights", "{d}/good.h5", "--trials", "{d}/trials_inf.npz"],
                           ["trials_inf.npz", "inputs", "non-finite"]),
    "trials: missing array": (ANALYSE + ["--weights", "{d}/good.h5", "--trials", "{d}/trials_missing.npz"],
                              ["trials_missing.npz", "no targets array"]),
    "output folder is a file": (ANALYSE + ["--weights", "{d}/good.h5", "--trials", "{d}/trials.npz",
                                           "--out", "{d}/a_file"], ["--out", "a_file: is a file"]),
    "output under a file": (ANALYSE + ["--weights", "{d}/good.h5", "--trials", "{d}/trials.npz",
                                       "--out", "{d}/a_file/sub"], ["--out", "cannot create the folder"]),
    "batch: missing weights": (["batch", "--tasks", "swg", "--swg-weights", "{d}/none.h5"],
                               ["--swg-weights", "none.h5: no such file"]),
    "batch: network not in the file": (["batch", "--tasks", "swg", "--swg-weights", "{d}/good.h5", "--nets", "3"],
                                       ["good.h5: no network(s) [3]"]),
    "batch: a million ids": (["batch", "--tasks", "swg", "--swg-weights", "{d}/good.h5", "--nets", "1-1000000"],
                             ["good.h5: no network(s) [2, 3, 4, 5, 6, ...] (999999 of the 1000000 ids asked for)",
                              "the file holds 1"]),
    "reproduce: a million ids": (["reproduce", "--tasks", "swg", "--swg", "{d}/good.h5", "--nets", "1-1000000",
                                  "--quiet"], ["good.h5: no network(s) [2, 3, 4, 5, 6, ...] (999999 of the"]),
    "reproduce: random bytes": (["reproduce", "--tasks", "swg", "--swg", "{d}/noise.h5", "--quiet"],
                                ["noise.h5: neither an HDF5 file nor a MAT-file"]),
    "info: random bytes": (["info", "{d}/noise.h5"], ["noise.h5: neither an HDF5 file nor a MAT-file"]),
    "parity: no fixtures there": (["parity", "--fixtures", "{d}/folder"],
                                  ["--fixtures", "folder: no folder of fixture .mat files"]),
    "parity: the table file exists": (["parity", "--markdown", "{d}/good.h5"],
                                      ["--markdown", "good.h5: exists already; pass --force"]),
    "train: output in a missing folder": (["train", "swg", "--out", "{d}/nowhere/w.h5", "--quiet"],
                                          ["nowhere", "does not exist"]),
    "torch: bfloat16 tensor": (ANALYSE + ["--weights", "{d}/bf16.pt", "--trials", "{d}/trials.npz"],
                               ["bf16.pt", "weight_hh_l0", "torch.bfloat16", "expected float32 or float64"]),
    "torch: meta-device tensor": (ANALYSE + ["--weights", "{d}/meta.pt", "--trials", "{d}/trials.npz"],
                                  ["meta.pt", "weight_hh_l0", "'meta' device", "expected tensors holding numbers"]),
    "torch: sparse tensor": (ANALYSE + ["--weights", "{d}/sparse.pt", "--trials", "{d}/trials.npz"],
                             ["sparse.pt", "weight_hh_l0", "sparse tensor", "expected dense tensors"]),
    "torch: readout size": (ANALYSE + ["--weights", "{d}/readout_size.pt", "--trials", "{d}/trials.npz"],
                            ["readout_size.pt", "no readout for rnn (N = 6)", "[n_outputs, 6]", "readout.weight [1, 8]"]),
    "torch: two recurrent modules": (ANALYSE + ["--weights", "{d}/two_modules.pt", "--trials", "{d}/trials.npz"],
                                     ["two_modules.pt: 2 recurrent modules", "encoder (nn.GRU, N = 6)",
                                      "rnn (nn.RNN, N = 6)", "--module NAME"]),
    "torch: no such module": (ANALYSE + ["--weights", "{d}/two_modules.pt", "--trials", "{d}/trials.npz",
                                         "--module", "decoder"], ["two_modules.pt", "'decoder'", "--module NAME"]),
    "torch: truncated legacy file": (ANALYSE + ["--weights", "{d}/legacy_truncated.pt", "--trials", "{d}/trials.npz"],
                                     ["legacy_truncated.pt", "cannot load the PyTorch file"]),
}


def run(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, err


def has_out(argv):
    return "--out" in argv


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_one_clear_line_and_nothing_is_written(case, files, tmp_path, capsys):
    pytest.importorskip("torch") if case.startswith(("train", "torch")) else None
    argv, pieces = CASES[case]
    out = tmp_path / "out"
    argv = [a.format(d=files, out=out) for a in argv]
    if not has_out(argv):
        argv += ["--out", str(out)] if argv[0] not in ("info", "parity") else []
    code, err = run(capsys, argv)
    lines = err.strip().splitlines()
    assert code != 0, f"{case}: exit code 0"
    assert len(lines) == 1, f"{case}: expected one line, got:\n{err}"
    assert len(lines[0]) < 500, f"{case}: a line of {len(lines[0])} characters"
    for piece in pieces:
        assert piece in lines[0], f"{case}: {piece!r} not in {lines[0]!r}"
    assert "Traceback" not in err
    assert not out.exists() or not any(p for p in out.rglob("*") if p.is_file()), f"{case}: something was written"


def test_a_legacy_torch_file_is_read_as_data(files):
    pytest.importorskip("torch")
    assert io.detect_format(files / "legacy.pt") == "torch"
    assert io.load_network(files / "legacy.pt").n_units == N


def test_usage_errors_are_one_line_too(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["s1", "--net-id", "abc"])
    assert exc.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "--net-id: invalid int value: 'abc'" in lines[0]


def test_existing_outputs_need_force(files, tmp_path, capsys):
    argv = ANALYSE + ["--weights", str(files / "good.h5"), "--trials", str(files / "trials.npz"), "--out",
                      str(tmp_path / "o"), "--dim-types", "columns", "--ranks", "1-6:5"]
    assert run(capsys, argv)[0] == 0
    stamp = (tmp_path / "o" / "analysis.h5").stat().st_mtime_ns
    code, err = run(capsys, argv)
    assert code == 1 and "analysis.h5: exists already; pass --force" in err
    assert (tmp_path / "o" / "analysis.h5").stat().st_mtime_ns == stamp
    assert run(capsys, argv + ["--force"])[0] == 0


@pytest.mark.skipif(shutil.which("chattr") is None or os.geteuid() != 0,
                    reason="needs root and chattr to make a folder read-only even for root")
def test_a_read_only_output_folder_is_found_before_the_work(files, tmp_path, capsys):
    out = tmp_path / "ro"
    out.mkdir()
    if subprocess.run(["chattr", "+i", str(out)], capture_output=True).returncode:
        pytest.skip("chattr +i not supported on this file system")
    try:
        code, err = run(capsys, ANALYSE + ["--weights", str(files / "good.h5"), "--trials",
                                           str(files / "trials.npz"), "--out", str(out)])
    finally:
        subprocess.run(["chattr", "-i", str(out)])
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert f"--out {out}: cannot write in folder" in err


# ---- hypothesis: random bytes and random shapes -------------------------------------------------

@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=0, max_size=2048))
def test_random_bytes_are_a_file_format_error_naming_the_file(tmp_path, data):
    path = tmp_path / "random.bin"
    path.write_bytes(data)
    with pytest.raises(OpdimsError, match="random.bin"):
        io.load_network(path)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=st.tuples(st.integers(0, 4), st.integers(0, 4)), name=st.sampled_from(
    ["n_Wru_v", "n_Wrr_n", "m_Wzr_n", "n_x0_c", "n_bx_1", "m_bz_1"]))
def test_random_shapes_are_refused_with_the_array_named(tmp_path, shape, name):
    path = mat_network(tmp_path / "w.mat", **{name: np.ones(shape)})
    try:
        net = io.load_network(path)
    except OpdimsError as exc:
        assert name in str(exc) and "w.mat" in str(exc)
    else:  # only shapes that fit (a scalar bias of a 1-output network, ...)
        assert net.n_units == N


# ---- the Python API -----------------------------------------------------------------------------

def test_python_api_bad_arguments(tmp_path):
    api = tmp_path / "opdims-api.mat"
    net = random_network(N, n_in=1, n_out=1, n_ctx=1, seed=0)
    inputs = np.zeros((2, 5, 1))
    W = net.W.copy()
    W[0, 0] = np.nan
    cases = [
        (lambda: opdims.simulate(net, inputs, [1, 1], W=W), "W: 1 non-finite"),
        (lambda: opdims.simulate(net, inputs, [1, 1], noise_sigma=-1), "noise_sigma: expected a number >= 0"),
        (lambda: opdims.simulate(net, np.zeros((0, 5, 1)), []), "inputs: expected at least one trial"),
        (lambda: opdims.simulate(net, inputs, [1, 2]), "condition_ids: expected ids in 1..1"),
        (lambda: opdims.simulate(net, inputs.astype(complex), [1, 1]), "inputs: expected real numbers"),
        (lambda: opdims.simulate(net, inputs, [1, 1], backend="jax"), "backend: expected one of"),
        (lambda: io.load_network(io.save_network(api, net, overwrite=True), None),
         "net_id: expected a whole number"),
        (lambda: io.save_mat(api, {"a": object()}, overwrite=True), "cannot store a object"),
        (lambda: io.save_network(tmp_path / "opdims-api.txt", net), "expected a .mat"),
        (lambda: opdims.Network(W_in=np.ones((N, 1)), W=np.eye(N), W_out=np.ones((1, N)), x0=np.zeros(N),
                                b_x=np.zeros(N), b_z=np.zeros(1), dt=0.02), "dt / tau: expected at most 1"),
        (lambda: opdims.trials_from_arrays(inputs, np.zeros((2, 5, 1)), [0, 1, 2]), "labels"),
        (lambda: opdims.analyse_network(net, "mine", trials=opdims.trials_from_arrays(
            np.zeros((2, 5, 3)), np.zeros((2, 5, 1)), [0, 1]), every=2), "input(s)"),
    ]
    for call, message in cases:
        with pytest.raises(OpdimsError, match=message.replace("(", r"\(").replace(")", r"\)")):
            call()


def test_python_api_names_the_parameter_at_its_door(files):
    """The library's checks of issue 18's unclear cases name the parameter (the CLI names its flag)."""
    from opdims.core.sampling import condition_sampling_scheme

    net = io.load_network(files / "good.h5")
    trials = io.load_trials(files / "trials.npz", n_contexts=1)
    big = {"W_in": net.W_in, "W": net.W * 1e300, "W_out": net.W_out, "x0": net.x0, "b_x": net.b_x, "b_z": net.b_z}
    cases = [
        (lambda: opdims.AnalysisOptions(seed_run=-1), "seed_run: expected a whole number in 0..4294967295"),
        (lambda: opdims.MatlabTwisterStream(2**32), "seed: expected a whole number"),
        (lambda: opdims.analyse_network(net, "mine", opdims.AnalysisOptions(every=50), trials=trials),
         "every 50: more than the 30 step(s)"),
        (lambda: condition_sampling_scheme([0, 1], 2, times=[0, 1]), "times: expected steps in 1..2"),
        (lambda: opdims.Network(**big), "W: values up to"),
        (lambda: opdims.core.validation.check_locations(net, np.zeros((N, 3))), "it looks transposed"),
        (lambda: io.load_analysis(files / "analysis_string_basis.h5"), "basis: expected numbers"),
        (lambda: io.read_local_operative_dimensions(files / "localOpDims_swg_columns.h5",
                                                    opdims.sampling_location_properties("swg"), "rows"),
         "holds local columns dimensions (its name says so), but dim_type asks for rows"),
        (lambda: opdims.global_operative_dimensions(np.full((2, 1, N), np.inf), np.ones((2, 1))),
         "local_dims: 12 non-finite value(s)"),
    ]
    for call, message in cases:
        with pytest.raises(OpdimsError, match=message.replace("(", r"\(").replace(")", r"\)")):
            call()
    assert io.load_analysis(files / "analysis.h5").results  # the undamaged file loads


def test_id_ranges_are_checked_against_the_file_without_being_expanded():
    from opdims.core.validation import parse_id_ranges, select_ids

    ranges = parse_id_ranges("5-10,1-3,10-10000000000000000000000000000,2")
    assert ranges == (range(1, 4), range(5, 10000000000000000000000000001))
    with pytest.raises(OpdimsError) as exc:
        select_ids(ranges, [1, 2, 5, 6, 9], "w.h5")
    message = str(exc.value)
    assert message.startswith("w.h5: no network(s) [3, 7, 8, 10, 11, ...] (")
    assert "(9999999999999999999999999994 of the 9999999999999999999999999999 ids asked for); the file holds " \
           "1-2, 5-6, 9" in message
    assert select_ids(parse_id_ranges("2,5-6,1-2"), [1, 2, 5, 6, 9], "w.h5") == [1, 2, 5, 6]
    assert select_ids(None, [3, 1], "w.h5") == [1, 3]


def test_cuda_without_cuda_is_a_clear_error():
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    net = random_network(N, n_in=1, n_out=1, n_ctx=1, seed=0)
    with pytest.raises(OpdimsError, match="no CUDA device"):
        opdims.simulate(net, np.zeros((1, 3, 1)), [1], backend="torch", device="cuda")


def test_global_dimensions_take_what_the_readers_return(files):
    local = opdims.local_column_dimensions(random_network(N, seed=0), np.random.default_rng(0).standard_normal((5, N)))
    U, s = opdims.global_operative_dimensions(local)
    assert U.shape == (N, N)


# ---- interruptions: Ctrl-C and kill -9 ----------------------------------------------------------

def test_ctrl_c_during_a_batch_leaves_whole_files_and_a_rerun_resumes(files, tmp_path):
    weights = tmp_path / "w.h5"
    for k in (1, 2, 3, 4):
        write_weights(weights, random_network(20, n_in=1, n_out=1, n_ctx=1, seed=k), k)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "opdims", "batch", "--tasks", "swg", "--swg-weights", str(weights), "--out", str(out),
           "--dim-types", "columns", "--ranks", "1-20:6", "--quiet"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    first = out / "swg" / "NetNr1.h5"
    deadline = time.time() + 240
    while not first.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=240)
    assert proc.returncode in (130, 0), err
    if proc.returncode == 130:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and "interrupted" in lines[0] and "resume" in lines[0], err
    assert not list(out.rglob("*.part"))
    for path in out.rglob("*.h5"):
        io.load_analysis(path)  # every file whole
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (out / "swg").glob("*.h5")) == [f"NetNr{k}.h5" for k in (1, 2, 3, 4)]


def test_kill_9_mid_write_leaves_no_file_and_the_next_write_cleans_up(tmp_path):
    target = tmp_path / "big.mat"
    script = ("import numpy as np, opdims.io as io\n"
              f"io.save_mat({str(target)!r}, {{'x': np.random.default_rng(0).standard_normal((4000, 4000))}})\n")
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.time() + 60
    while not list(tmp_path.glob(".big.mat.*.part")) and time.time() < deadline and proc.poll() is None:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    if proc.returncode == 0:
        pytest.skip("the write finished before the kill")
    assert not target.exists()
    assert list(tmp_path.glob(".big.mat.*.part"))  # the killed process's temporary file
    io.save_mat(target, {"x": np.ones(3)})
    assert target.exists() and not list(tmp_path.glob(".big.mat.*.part"))


# ---- files that are not regular files -----------------------------------------------------------

FIFO_CASES = {
    "--weights": ["s1", "--weights", "{fifo}"],
    "--trials": ANALYSE + ["--weights", "{d}/good.h5", "--trials", "{fifo}"],
    "--locations": ANALYSE[:1] + ["--quiet", "--no-figures", "--weights", "{d}/good.h5", "--task", "swg",
                                  "--locations", "{fifo}"],
    "--local-dims": ["s3", "--task", "swg", "--weights", "{d}/good.h5", "--local-dims", "{fifo}"],
    "info": ["info", "{fifo}"],
    "--swg-weights": ["batch", "--tasks", "swg", "--swg-weights", "{fifo}"],
}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
@pytest.mark.parametrize("option", list(FIFO_CASES))
def test_a_fifo_is_refused_at_once_not_read(option, files, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    out = tmp_path / "out"
    argv = [a.format(d=files, fifo=fifo) for a in FIFO_CASES[option]]
    argv += [] if option == "info" else ["--out", str(out)]
    try:  # today's reading of a FIFO blocks until a writer comes: the timeout is the failure
        done = subprocess.run([sys.executable, "-m", "opdims", *argv], capture_output=True, text=True, timeout=120,
                              check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{option}: reading the FIFO blocked")
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert f"{fifo}: is a FIFO (named pipe), expected a regular file" in lines[-1]
    assert option in lines[-1] or option == "info"
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*"))


# ---- batch writes only over its own results -----------------------------------------------------

def foreign_file(kind, path, files, tmp_path, capsys):
    """A file at ``path`` that opdims batch did not write for this network."""
    if kind == "a user's HDF5":
        import h5py

        with h5py.File(path, "w") as f:
            f["mine"] = np.arange(3.0)
    elif kind == "a MAT-file":
        scipy.io.savemat(path, {"mine": np.arange(3.0)})
    elif kind == "text":
        path.write_text("my notes\n")
    else:  # an opdims analysis of network 2, copied over network 1's name
        other = tmp_path / "other"
        weights = write_weights(tmp_path / "two.h5", random_network(N, n_in=1, n_out=1, n_ctx=1, seed=3), 2)
        assert run(capsys, BATCH + ["--swg-weights", str(weights), "--out", str(other)])[0] == 0
        shutil.copyfile(other / "swg" / "NetNr2.h5", path)


@pytest.mark.parametrize("recompute", [False, True])
@pytest.mark.parametrize("kind", ["a user's HDF5", "a MAT-file", "text", "an analysis of another network"])
def test_batch_never_replaces_a_file_it_did_not_write(kind, recompute, files, tmp_path, capsys):
    out = tmp_path / "out"
    (out / "swg").mkdir(parents=True)
    target = out / "swg" / "NetNr1.h5"
    foreign_file(kind, target, files, tmp_path, capsys)
    before = target.read_bytes()
    code, err = run(capsys, BATCH + ["--swg-weights", str(files / "good.h5"), "--out", str(out)]
                    + (["--recompute"] if recompute else []))
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 1 and "Traceback" not in err, err
    assert f"{target}: exists and is not an opdims analysis of swg network 1" in lines[0]
    assert target.read_bytes() == before
    assert sorted(p.name for p in out.rglob("*")) == ["NetNr1.h5", "swg"]


def test_batch_replaces_its_own_results_and_resumes_past_them(files, tmp_path, capsys):
    out = tmp_path / "out"
    argv = BATCH + ["--swg-weights", str(files / "good.h5"), "--out", str(out)]
    assert run(capsys, argv)[0] == 0
    target = out / "swg" / "NetNr1.h5"
    stamp = target.stat().st_mtime_ns
    assert run(capsys, argv)[0] == 0 and target.stat().st_mtime_ns == stamp  # reused
    assert run(capsys, argv + ["--recompute"])[0] == 0 and target.stat().st_mtime_ns != stamp  # replaced
