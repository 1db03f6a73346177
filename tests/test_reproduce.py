"""opdims reproduce: figure 3 over many networks from the one chain; resuming, summaries, thresholds, CLI."""

import numpy as np
import pytest
from synthetic import random_network

from opdims import io, sampling_location_properties
from opdims.analysis.reproduce import (
    HIGH_VARIANCE,
    NetworkSet,
    Summary,
    figure1,
    figure3,
    figure_operative_vs_high_variance,
    network_ids,
    rank_thresholds,
    reproduce,
    threshold_table,
)
from opdims.cli import main
from opdims.core.sampling import random_locations
from opdims.data import default_weights
from opdims.dims.network_analysis import LOCATION_KINDS


def swg_net(n=6, seed=0):
    return random_network(n, n_in=1, n_out=1, n_ctx=1, seed=seed, gain=1.2)


@pytest.fixture
def weights(tmp_path):
    """A weights file with two small swg networks, in the original layout."""
    path = tmp_path / "swg.h5"
    for k in (1, 2):
        io.add_network_hdf5(path, k, swg_net(seed=k))
    return path


def test_random_locations_follow_the_per_unit_statistics_of_the_trajectories():
    rng = np.random.default_rng(0)
    averages = rng.normal(loc=[0.5, -1.0, 2.0], scale=[0.1, 1.0, 3.0], size=(4, 50, 3))
    locs = random_locations(averages, 20000, seed=1)
    states = averages.reshape(-1, 3)
    assert locs.shape == (20000, 3)
    np.testing.assert_allclose(locs.mean(axis=0), states.mean(axis=0), atol=0.05)
    np.testing.assert_allclose(locs.std(axis=0), states.std(axis=0), rtol=0.03)
    np.testing.assert_array_equal(random_locations(averages, 5, seed=1), locs[:5])
    assert not np.array_equal(random_locations(averages, 5, seed=2), locs[:5])


def test_reproduction_curves_are_consistent_and_resume(weights, tmp_path, monkeypatch):
    import opdims.analysis.batch as batch

    sets = [NetworkSet("swg", weights, (1, 2), "test")]
    summary = reproduce(sets, tmp_path / "out", ("columns", "rows"), progress=False)
    for dim_type in ("columns", "rows"):
        for kind in LOCATION_KINDS:
            c = summary.curves["swg", dim_type, kind]
            assert c["cost"].shape == c["state_distance"].shape == (2, 6)
            np.testing.assert_allclose(c["variance_explained"].sum(axis=1), 100)
            np.testing.assert_allclose(c["state_distance"][:, -1], 0, atol=1e-12)  # rank N is the full network
            np.testing.assert_allclose(c["cost"][:, -1], c["full_cost"], rtol=1e-12)
    assert not np.allclose(summary.curves["swg", "columns", "trajectory"]["variance_explained"],
                           summary.curves["swg", "columns", "random"]["variance_explained"])
    hv = summary.curves[("swg", *HIGH_VARIANCE)]  # the high-variance baseline (s1) of every network
    assert hv["cost"].shape == hv["state_distance"].shape == hv["activity_variance_explained"].shape == (2, 6)
    np.testing.assert_allclose(hv["cost"][:, -1], summary.curves["swg", "columns", "trajectory"]["full_cost"])
    np.testing.assert_allclose(hv["variance_explained"].sum(axis=1), 100)
    assert np.all(hv["silent_cost"] == summary.curves["swg", "rows", "random"]["silent_cost"])
    store = io.AnalysisStore(tmp_path / "out" / "networks")
    stamps = [store.path("swg", k).stat().st_mtime_ns for k in (1, 2)]
    monkeypatch.setattr(batch, "analyse_network", lambda *a, **k: pytest.fail("finished network recomputed"))
    again = reproduce(sets, tmp_path / "out", ("columns", "rows"), progress=False)
    np.testing.assert_array_equal(again.curves["swg", "rows", "random"]["cost"],
                                  summary.curves["swg", "rows", "random"]["cost"])
    assert [store.path("swg", k).stat().st_mtime_ns for k in (1, 2)] == stamps


def test_changed_weights_are_recomputed_not_reused(weights, tmp_path):
    """A finished result is keyed on the network's contents, not on the file name and id."""
    sets = [NetworkSet("swg", weights, (1,), "test")]
    first = reproduce(sets, tmp_path / "out", ("columns",), progress=False)
    io.add_network_hdf5(weights, 1, swg_net(seed=7), overwrite=True)  # the same file and id, another network
    second = reproduce(sets, tmp_path / "out", ("columns",), progress=False)
    assert not np.allclose(first.curves["swg", "columns", "trajectory"]["cost"],
                           second.curves["swg", "columns", "trajectory"]["cost"])
    stored = io.AnalysisStore(tmp_path / "out" / "networks").load("swg", 1)
    assert stored.provenance["network_fingerprint"] == io.load_network(weights, 1).fingerprint()


def test_a_stored_analysis_without_the_baseline_is_recomputed(weights, tmp_path):
    """Results stored before the high-variance baseline (or without it) do not satisfy a reproduction."""
    import dataclasses

    from opdims.analysis.batch import batch_jobs, run_batch
    from opdims.analysis.chain import AnalysisOptions

    store = io.AnalysisStore(tmp_path / "out" / "networks", keep_local=False)
    old = AnalysisOptions(dim_types=("columns",), random_control=True, high_variance=False)
    run_batch(batch_jobs({"swg": weights}, (1,), old), store, progress=False)
    assert store.load("swg", 1).high_variance is None
    legacy = store.load("swg", 1)  # as written by an opdims without the option: no such field in the options
    legacy.provenance["options"] = {k: v for k, v in legacy.provenance["options"].items() if k != "high_variance"}
    store.save(dataclasses.replace(legacy))
    summary = reproduce([NetworkSet("swg", weights, (1,), "test")], tmp_path / "out", ("columns",), progress=False)
    assert summary.has_high_variance("swg") and store.load("swg", 1).high_variance is not None


def test_interrupted_reproduction_resumes_with_the_unfinished_networks(weights, tmp_path, monkeypatch):
    import opdims.analysis.batch as batch

    real, computed = batch.analyse_network, []

    def second_fails(net, task, options, **kw):
        computed.append(kw["net_id"])
        if len(computed) == 2:
            raise KeyboardInterrupt
        return real(net, task, options, **kw)

    sets = [NetworkSet("swg", weights, (1, 2), "test")]
    monkeypatch.setattr(batch, "analyse_network", second_fails)
    with pytest.raises(KeyboardInterrupt):
        reproduce(sets, tmp_path / "out", ("columns",), progress=False)
    store = io.AnalysisStore(tmp_path / "out" / "networks")
    assert store.path("swg", 1).exists() and not store.path("swg", 2).exists()
    assert not list((tmp_path / "out" / "networks" / "swg").glob(".*.part"))
    monkeypatch.setattr(batch, "analyse_network", lambda net, task, options, **kw: computed.append(kw["net_id"])
                        or real(net, task, options, **kw))
    summary = reproduce(sets, tmp_path / "out", ("columns",), progress=False)
    assert computed == [1, 2, 2]
    assert summary.curves["swg", "columns", "trajectory"]["cost"].shape == (2, 6)


def fake_summary(values, full=1.0, band="mean"):
    """A summary whose curves are constant per network: network k has value values[k-1]."""
    curves = {}
    constant = {m: np.array([np.full(4, float(v)) for v in values]) for m in ("variance_explained", "cost",
                                                                              "state_distance")}
    for kind in LOCATION_KINDS:
        curves["ctxt", "columns", kind] = {**constant, "full_cost": np.full(len(values), full),
                                           "silent_cost": np.full(len(values), 2 * full), "ranks": np.arange(1, 5)}
    curves[("ctxt", *HIGH_VARIANCE)] = {**curves["ctxt", "columns", "trajectory"],
                                        "activity_variance_explained": constant["variance_explained"]}
    return Summary(curves, {"ctxt": NetworkSet("ctxt", None, tuple(range(1, len(values) + 1)), "x")}, 6.0, band=band)


def test_summary_mean_and_the_bands():
    summary = fake_summary([1.0, 2.0, 10.0])
    np.testing.assert_allclose(summary.mean("ctxt", "columns", "trajectory", "cost"), 13 / 3)
    # the paper's band (MATLAB's mad): mean 13/3; absolute deviations 10/3, 7/3, 17/3; their mean 34/9
    np.testing.assert_allclose(summary.mad("ctxt", "columns", "trajectory", "cost"), 34 / 9)
    # median 2; absolute deviations 1, 0, 8; their median 1
    np.testing.assert_allclose(summary.mad("ctxt", "columns", "trajectory", "cost", band="median"), 1.0)
    np.testing.assert_allclose(fake_summary([1.0, 2.0, 10.0], band="median").mad("ctxt", "columns", "trajectory",
                                                                                  "cost"), 1.0)
    assert summary.n_networks("ctxt") == 3
    with pytest.raises(ValueError, match="band"):
        fake_summary([1.0], band="max")


def test_rank_thresholds_all_rules():
    cost = np.array([[5.0, 1.3, 1.05, 1.2, 1.0], [5.0, 1.1, 1.15, 1.0, 1.0]])  # mean: 5, 1.2, 1.1, 1.1, 1
    never = np.array([[3.0, 2.0, 2.0, 2.0, 2.0]])
    ranks = np.arange(1, 6)
    silent = np.array([3.5, 3.5])  # the range rule's limit: 1 + 0.1 * (3.5 - 1) = 1.25
    summary = Summary(
        curves={("ctxt", "columns", "trajectory"): {"cost": cost, "full_cost": np.array([1.0, 1.0]),
                                                    "silent_cost": silent, "ranks": ranks},
                ("ctxt", "columns", "random"): {"cost": never, "full_cost": np.array([1.0]),
                                                "silent_cost": silent[:1], "ranks": ranks},
                ("ctxt", *HIGH_VARIANCE): {"cost": never, "full_cost": np.array([1.0]), "silent_cost": np.array([5.0]),
                                           "ranks": ranks}},
        sources={"ctxt": NetworkSet("ctxt", None, (1, 2), "x")}, seconds=0.0)
    rows = {r["locations"]: r for r in rank_thresholds(summary)}
    assert rows["trajectory"]["rank"] == 2 and rows["trajectory"]["silent_cost"] == 3.5
    assert rows["trajectory"]["ratio_rank"] == 3
    assert rows["trajectory"]["settled_rank"] == 2  # within 10% of the range (4) above full: <= 1.4 from rank 2
    assert rows["random"]["rank"] is None and rows["random"]["ratio_rank"] is None
    assert rows["svd"]["rank"] is None and rows["svd"]["dim_type"] == "high_variance"  # limit 1.4 < 2
    assert rank_thresholds(summary, rule="ratio")[0]["rank"] == 3
    assert rank_thresholds(summary, tolerance=0.25, rule="ratio")[0]["rank"] == 2
    table = threshold_table(rank_thresholds(summary))
    assert "| ctxt | columns | trajectory | 2 | 1.00e+00 | 3.50e+00 | 2 | 3 | 2 |" in table and "not reached" in table
    assert "| ctxt | high-variance (SVD of W) | - | 2 | 1.00e+00 | 5.00e+00 | not reached | not reached |" in table
    assert "stays within 10% of its range" in table and "to the silent network's (W = 0)" in table


def test_figure_has_the_six_panels_of_figure_3_lettered(tmp_path):
    fig = figure3(fake_summary([1.0, 2.0]), ("columns",))
    assert len(fig.axes) == 3
    assert [ax.get_ylabel() for ax in fig.axes] == ["variance explained (%)", "cost", "state distance (a.u.)"]
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["b", "c", "d"]
    # solid trajectory line in all three panels, dotted random-location line in cost and state distance
    assert [len(ax.lines) for ax in fig.axes] == [1, 2, 2]
    assert fig.axes[1].lines[1].get_linestyle() == ":"
    assert "band: +- mean absolute deviation (MATLAB's mad, as the paper)" in fig._suptitle.get_text()
    median = figure3(fake_summary([1.0, 2.0], band="median"), ("columns",))
    assert "band: +- median absolute deviation" in median._suptitle.get_text()
    single = figure3(fake_summary([1.0]), ("columns",))
    assert "absolute deviation" not in single._suptitle.get_text()  # no band, no band legend
    fig.savefig(tmp_path / "f.png")


def test_figure1_and_the_side_by_side_figure(tmp_path):
    summary = fake_summary([0.5, 1.5])  # mean cost 1 = the full-rank cost: back at rank 1
    fig = figure1(summary)
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["c", "d", "e"]
    assert [ax.get_xlabel() for ax in fig.axes] == [r"PC(W)$_i$", r"PC(X)$_i$", r"rank($W^{PC}_k$)"]
    assert "mean absolute deviation" in fig._suptitle.get_text()
    assert len(fig.axes[0].collections) == 1  # the band
    side = figure_operative_vs_high_variance(summary, ("columns",))
    assert len(side.axes) == 2
    labels = [line.get_label() for line in side.axes[0].lines]
    assert "operative columns: rank 1" in labels and "high-variance (SVD of W): rank 1" in labels
    assert "silent network's (W = 0)" in side._suptitle.get_text()
    side.savefig(tmp_path / "side.png")
    fig.savefig(tmp_path / "f1.png")


def test_network_ids_of_a_file(weights, tmp_path):
    assert network_ids(weights) == (1, 2)
    empty = tmp_path / "empty.h5"
    import h5py

    h5py.File(empty, "w").close()
    with pytest.raises(ValueError, match="no network"):
        network_ids(empty)


def test_original_files_hold_twenty_networks(original_data):
    for task in ("ctxt", "swg"):
        assert network_ids(original_data / f"pretrained_networks/{task}/{task}_weights.h5") == tuple(range(1, 21))


@pytest.mark.parametrize("task", ["ctxt", "swg"])
def test_default_networks_are_bundled(task):
    net = io.load_network(default_weights(task), 1)
    assert net.n_units == 100 and network_ids(default_weights(task)) == (1,)
    assert sampling_location_properties(task).n_locations in (120, 121)


def test_cli_writes_figure_and_table_and_resumes(weights, tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["reproduce", "--swg", str(weights), "--tasks", "swg", "--dim-types", "columns", "--out", str(out), "--quiet"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "| swg | columns | trajectory | 2 |" in printed and "| swg | columns | random | 2 |" in printed
    for name in ("figure3.png", "figure1.png", "operative_vs_high_variance.png"):
        assert (out / name).stat().st_size > 10_000
    table = (out / "rank_thresholds.md").read_text()
    assert "| swg | columns | trajectory | 2 |" in table and "| swg | high-variance (SVD of W) | - | 2 |" in table
    assert main(argv) == 1
    assert "exists already; pass --force" in capsys.readouterr().err
    store = io.AnalysisStore(out / "networks")
    stamp = store.path("swg", 2).stat().st_mtime_ns
    assert main(argv + ["--force", "--tolerance", "4", "--rank-rule", "ratio"]) == 0  # networks reused
    assert "mean cost <= 5 x full" in (out / "rank_thresholds.md").read_text()
    assert "rank (ratio)" in (out / "rank_thresholds.md").read_text()
    assert store.path("swg", 2).stat().st_mtime_ns == stamp
    assert main(argv + ["--nets", "2", "--force", "--recompute"]) == 0
    assert store.path("swg", 2).stat().st_mtime_ns != stamp


def test_cli_on_a_dask_local_cluster_gives_the_local_numbers_bit_for_bit(weights, tmp_path, capsys):
    pytest.importorskip("distributed")
    argv = ["reproduce", "--swg", str(weights), "--tasks", "swg", "--quiet"]
    assert main(argv + ["--out", str(tmp_path / "local")]) == 0
    assert main(argv + ["--out", str(tmp_path / "dask"), "--dask-local", "2"]) == 0
    local, dask = (io.AnalysisStore(tmp_path / name / "networks") for name in ("local", "dask"))
    for k in (1, 2):
        a, b = local.load("swg", k), dask.load("swg", k)
        assert a.provenance["network_fingerprint"] == b.provenance["network_fingerprint"]
        assert a.results.keys() == b.results.keys() and len(a.results) == 4  # 2 dimension types x 2 kinds
        np.testing.assert_array_equal(a.high_variance.sweep.cost, b.high_variance.sweep.cost)
        for key, ra in a.results.items():
            rb = b.results[key]
            np.testing.assert_array_equal(ra.sweep.cost, rb.sweep.cost)
            np.testing.assert_array_equal(ra.sweep.state_distance, rb.sweep.state_distance)
            np.testing.assert_array_equal(ra.singular_values, rb.singular_values)
            np.testing.assert_array_equal(ra.basis, rb.basis)
    tables = [(tmp_path / name / "rank_thresholds.md").read_text().split("\n\nNetworks:")[0]
              for name in ("local", "dask")]  # (the compute times after the table differ)
    assert "| swg | rows | random | 2 |" in tables[0] and tables[0] == tables[1]


@pytest.mark.parametrize("extra, message", [
    (["--original", "/nonexistent/folder"], "pretrained_networks/ctxt/ctxt_weights.h5"),
    (["--ctxt", "/nonexistent.h5"], "no such file"),
    (["--nets", "3"], "no network(s) [3]"),
    (["--workers", "0"], "--workers"),
    (["--tolerance", "-1"], "--tolerance"),
    (["--scheduler", "tcp://x:1", "--dask-local", "2"], "give one of them"),
])
def test_cli_errors_are_one_line(tmp_path, capsys, weights, extra, message):
    argv = ["reproduce", "--out", str(tmp_path / "o"), "--quiet", "--dim-types", "columns"]
    if "--nets" in extra:
        argv += ["--swg", str(weights), "--tasks", "swg"]
    assert main(argv + extra) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err
