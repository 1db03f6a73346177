"""``opdims s1|s2|s3|s4``: success and error paths on a small synthetic network,
and the authors' local column dimensions reproduced from their sampling locations."""

import h5py
import numpy as np
import pytest
from synthetic import random_network
from test_pipelines import write_original_weights

from opdims import io
from opdims.cli import main
from opdims.data.sources import ENV_VAR, ORIGINAL_FILES

N = 10


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    net = random_network(n=N, n_in=5, n_ctx=2, seed=8, gain=1.2)
    return write_original_weights(tmp_path_factory.mktemp("cli") / "ctxt_weights.h5", net)


@pytest.fixture(scope="module")
def local_dims_file(weights, tmp_path_factory):
    folder = tmp_path_factory.mktemp("s2")
    assert main(["s2", "--weights", str(weights), "--n-trials", "3", "--out", str(folder), "--name", "local.h5",
                 "--no-figures", "--quiet"]) == 0
    return folder / "local.h5"


def run(capsys, *argv):
    """Exit code, stdout and stderr of ``opdims argv``."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_s1_writes_results_and_figures(weights, tmp_path, capsys):
    code, out, err = run(capsys, "s1", "--weights", weights, "--n-trials", 1, "--out-dir", tmp_path, "--quiet")
    assert code == 0, err
    assert "s1 summary" in out and "full-rank cost" in out
    stem = tmp_path / "s1_ctxt_net1"
    variables = io.load_mat(stem.with_suffix(".mat"))
    assert variables["mses"].shape == (N, 1) and variables["S"].shape == (N, 1)
    with h5py.File(stem.with_suffix(".h5")) as f:
        np.testing.assert_array_equal(f["cost"][()], variables["mses"][:, 0])
    figure = tmp_path / "s1_ctxt_net1_dimensions_and_ranks"
    assert figure.with_suffix(".png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert figure.with_suffix(".pdf").read_bytes()[:5] == b"%PDF-"


def test_existing_outputs_are_refused_unless_forced(weights, tmp_path, capsys):
    args = ("high-variance-dims", "--weights", weights, "--n-trials", 1, "--out-dir", tmp_path, "--quiet",
            "--no-figures", "--format", "h5")
    assert run(capsys, *args)[0] == 0
    result = tmp_path / "s1_ctxt_net1.h5"
    before = result.stat().st_mtime_ns
    code, _, err = run(capsys, *args)
    assert code == 1
    line = one_error_line(err)
    assert "s1_ctxt_net1.h5" in line and "--force" in line
    assert result.stat().st_mtime_ns == before
    assert run(capsys, *args, "--force", "--seed-run", 3)[0] == 0
    assert not (tmp_path / "s1_ctxt_net1.mat").exists()  # --format h5 only


def test_s2_sampling_locations_from_a_file_reproduce_it(weights, local_dims_file, tmp_path, capsys):
    out = tmp_path / "again.h5"
    code, stdout, err = run(capsys, "local-dims", "--weights", weights, "--n-trials", 3, "--seed-run", 99,
                            "--sampling-locs-from", local_dims_file, "--name", out.name, "--out", tmp_path, "--quiet")
    assert code == 0, err
    assert f"from {local_dims_file}" in stdout and "s2 summary" in stdout
    with h5py.File(local_dims_file) as a, h5py.File(out) as b:
        assert list(a) == list(b)
        for group in a:
            for name in a[group]:
                np.testing.assert_array_equal(a[group][name][()], b[group][name][()])
    assert (tmp_path / "s2_ctxt_columns_net1_sampling_locations.png").is_file()


def test_s2_default_file_name_is_timestamped(weights, tmp_path, capsys):
    code, out, err = run(capsys, "s2", "--weights", weights, "--n-trials", 3, "--dim-types", "rows",
                         "--out-dir", tmp_path, "--no-figures", "--quiet")
    assert code == 0, err
    written = list(tmp_path.glob("localOpDims_ctxt_rows_*.h5"))
    assert len(written) == 1 and str(written[0]) in out
    assert len(written[0].stem.split("_")[-2]) == 8  # yyyymmdd_HHMMSS
    local, _ = io.read_local_operative_dimensions(written[0])
    assert local.dim_type == "rows"


def test_s3_with_a_local_dimension_file(weights, local_dims_file, tmp_path, capsys):
    code, out, err = run(capsys, "global-dims", "--weights", weights, "--local-dims", local_dims_file,
                         "--n-trials", 1, "--combine", "ctxt2", "--out-dir", tmp_path, "--quiet")
    assert code == 0, err
    assert f"local dimensions from {local_dims_file}" in out
    assert "rank(W^OP_k) from which the cost stays within 10% of its range" in out
    variables = io.load_mat(tmp_path / "s3_ctxt_columns_net1.mat")
    assert variables["global_op_dims"].shape == (N, N)
    assert (tmp_path / "s3_ctxt_columns_net1_global_dims.pdf").is_file()


def test_s4_with_a_rank(weights, local_dims_file, tmp_path, capsys):
    code, out, err = run(capsys, "reduced-rank", "--weights", weights, "--local-dims", local_dims_file,
                         "--n-trials", 1, "--rank", 4, "--out-dir", tmp_path, "--quiet")
    assert code == 0, err
    assert "cost, reduced-rank network" in out
    variables = io.load_mat(tmp_path / "s4_ctxt_columns_net1.mat")
    assert variables["rankW"] == 4
    assert variables["m_z_t_reducedRank"].shape == variables["targets"].shape == (1, 1400, 12)
    for name in ("outputs", "trajectories"):
        assert (tmp_path / f"s4_ctxt_columns_net1_{name}.png").is_file()


@pytest.mark.parametrize("argv, expected", [
    (["s1", "--weights", "{tmp}/missing.h5"], "missing.h5: no such file"),
    (["s1", "--weights", "{weights}", "--net-id", "3"], "no network 3"),
    (["s1", "--weights", "{weights}", "--task", "swg"], "is the network type (--task) right?"),
    (["s3", "--weights", "{weights}", "--local-dims", "{tmp}/missing.h5"], "--local-dims"),
    (["s3", "--weights", "{weights}", "--local-dims", "{weights}"], "ctxt_weights.h5"),
    (["s3", "--weights", "{weights}", "--local-dims", "{local}", "--net-id", "2"], "no network 2"),
    (["s1", "--weights", "{tmp}"], "is a folder"),
    (["s1", "--weights", "{weights}", "--net-id", "0"], "--net-id: expected a network number >= 1"),
    (["s4", "--weights", "{weights}", "--local-dims", "{local}", "--n-trials", "1"], "default rank 15"),
    (["s2", "--weights", "{weights}", "--n-trials", "1"], "no trials of input condition"),
])
def test_errors_are_one_line_and_exit_1(argv, expected, weights, local_dims_file, tmp_path, capsys):
    argv = [a.format(tmp=tmp_path, weights=weights, local=local_dims_file) for a in argv]
    code, _, err = run(capsys, *argv, "--out-dir", tmp_path / "out", "--quiet", "--no-figures")
    assert code == 1
    assert expected in one_error_line(err)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_unknown_option_values_are_one_line_naming_the_option(weights, capsys):
    # parsed by the CLI, checked once by the library, named by the CLI's flag
    code, _, err = run(capsys, "s3", "--weights", weights, "--dim-types", "diagonal")
    assert code == 1
    assert "--dim-types: expected 'columns' or 'rows', got 'diagonal'" in one_error_line(err)


def test_default_weights_need_the_original_data(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nowhere"))
    code, _, err = run(capsys, "s1", "--out", tmp_path)
    assert code == 1
    assert "no --weights given" in one_error_line(err) and ENV_VAR in err


def test_without_weights_or_data_the_bundled_default_network_is_used(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    code, out, err = run(capsys, "s4", "--task", "swg", "--out", tmp_path, "--no-figures", "--quiet",
                         "--n-trials", "102")
    assert code == 0, err
    assert "bundled default swg network (swg_default.h5)" in err
    assert list(tmp_path.glob("*.mat"))


@pytest.mark.parametrize("task", ["ctxt", "swg"])
def test_authors_column_dimensions_are_reproduced(task, original_data, tmp_path, capsys):
    authors = original_data / ORIGINAL_FILES[f"{task}_columns"]
    out = tmp_path / "mine.h5"
    code, _, err = run(capsys, "s2", "--task", task, "--weights", original_data / ORIGINAL_FILES[f"{task}_weights"],
                       "--sampling-locs-from", authors, "--out", tmp_path, "--name", out.name, "--no-figures",
                       "--quiet")
    assert code == 0, err
    with h5py.File(authors) as a, h5py.File(out) as b:
        assert sorted(a) == sorted(b)
        for group in a:
            assert sorted(a[group]) == sorted(b[group])
            for name in a[group]:
                theirs, mine = a[group][name][()], b[group][name][()]
                assert theirs.shape == mine.shape, f"{group}/{name}"
                np.testing.assert_array_equal(np.isnan(theirs), np.isnan(mine))
                np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-12, equal_nan=True, err_msg=f"{group}/{name}")


def test_local_dimensions_of_another_network_are_refused(weights, local_dims_file, tmp_path, capsys):
    """The file's stored next states (all_trajs_org) tell whose local dimensions they are."""
    other = write_original_weights(tmp_path / "other.h5", random_network(n=N, n_in=5, n_ctx=2, seed=9, gain=1.2))
    code, _, err = run(capsys, "s3", "--weights", other, "--local-dims", local_dims_file, "--n-trials", 1,
                       "--out", tmp_path / "o", "--quiet", "--no-figures")
    assert code == 1
    assert "computed for another network" in one_error_line(err)


def test_every_output_goes_under_the_named_folder(weights, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "s2", "--weights", weights, "--n-trials", 3, "--out", "chosen", "--quiet")
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chosen"]
    assert len(list((tmp_path / "chosen").glob("localOpDims_ctxt_columns_*.h5"))) == 1
    assert (tmp_path / "chosen" / "s2_ctxt_columns_net1_sampling_locations.png").is_file()
