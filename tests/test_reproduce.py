"""opdims reproduce: per-network curves, resuming, summary statistics, thresholds, figure, CLI."""

import numpy as np
import pytest
from synthetic import random_network

from opdims import io, sampling_location_properties
from opdims.cli import main
from opdims.reproduce import (
    LOCATION_KINDS,
    NetworkSet,
    Summary,
    default_weights,
    figure3,
    network_curves,
    network_ids,
    random_locations,
    rank_thresholds,
    reproduce,
    result_path,
    run_network,
    summarise,
    threshold_table,
    trajectory_locations,
)
from opdims.training import write_network


def swg_net(n=6, seed=0):
    return random_network(n, n_in=1, n_out=1, n_ctx=1, seed=seed, gain=1.2)


def ctxt_net(n=6, seed=0):
    return random_network(n, n_in=5, n_out=1, n_ctx=2, seed=seed, gain=1.2)


@pytest.fixture
def weights(tmp_path):
    """A weights file with two small swg networks, in the original layout."""
    path = tmp_path / "swg.h5"
    for k in (1, 2):
        net = swg_net(seed=k)
        write_network(path, k, net, net)
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


@pytest.mark.parametrize("task, make", [("ctxt", ctxt_net), ("swg", swg_net)])
def test_trajectory_locations_are_condition_averages_at_the_original_times(task, make):
    net = make()
    locs, averages = trajectory_locations(net, task)
    props = sampling_location_properties(task)
    assert locs.shape == (props.n_locations, net.n_units)
    for loc in (0, 7, props.n_locations - 1):
        t = props.loc_times[loc]
        np.testing.assert_array_equal(locs[loc], averages[props.condition_index(loc), t - 1])


def test_network_curves_are_consistent():
    net = swg_net()
    curves = network_curves(net, "swg", ("columns", "rows"), seed=3)
    assert set(curves) == {(d, k) for d in ("columns", "rows") for k in LOCATION_KINDS}
    for c in curves.values():
        assert c["cost"].shape == c["state_distance"].shape == (net.n_units,)
        assert c["variance_explained"].sum() == pytest.approx(100)
        assert c["state_distance"][-1] == pytest.approx(0, abs=1e-12)  # rank N is the full network
        assert c["cost"][-1] == pytest.approx(c["full_cost"], rel=1e-12)
    # trajectory and random locations give different global dimensions
    assert not np.allclose(curves["columns", "trajectory"]["variance_explained"],
                           curves["columns", "random"]["variance_explained"])


def test_run_network_resumes_and_refuses_results_of_another_network(weights, tmp_path, monkeypatch):
    import opdims.reproduce as rep

    out = tmp_path / "out"
    assert run_network("swg", weights, 1, ("columns",), out) > 0
    path = result_path(out, "swg", 1, "columns")
    stamp = path.stat().st_mtime_ns
    monkeypatch.setattr(rep, "network_curves", lambda *a, **k: pytest.fail("finished network recomputed"))
    assert run_network("swg", weights, 1, ("columns",), out) == 0
    assert path.stat().st_mtime_ns == stamp
    path.rename(result_path(out, "swg", 2, "columns"))
    with pytest.raises(ValueError, match="network 1, not of .* network 2"):
        run_network("swg", weights, 2, ("columns",), out)


def test_interrupted_reproduction_resumes_with_the_unfinished_networks(weights, tmp_path, monkeypatch):
    import opdims.reproduce as rep

    real, computed = rep.network_curves, []

    def failing_second(net, task, dim_types, seed):
        computed.append(seed[-1])
        if len(computed) == 2:
            raise KeyboardInterrupt
        return real(net, task, dim_types, seed=seed)

    sets = [NetworkSet("swg", weights, (1, 2), "test")]
    monkeypatch.setattr(rep, "network_curves", failing_second)
    with pytest.raises(KeyboardInterrupt):
        reproduce(sets, tmp_path / "out", ("columns",), progress=False)
    assert result_path(tmp_path / "out", "swg", 1, "columns").exists()
    assert not result_path(tmp_path / "out", "swg", 2, "columns").exists()
    monkeypatch.setattr(rep, "network_curves", lambda net, task, dim_types, seed: computed.append(seed[-1])
                        or real(net, task, dim_types, seed=seed))
    summary = reproduce(sets, tmp_path / "out", ("columns",), progress=False)
    assert computed == [1, 2, 2]
    assert summary.curves["swg", "columns", "trajectory"]["cost"].shape == (2, 6)


def fake_results(out, values):
    """Result files whose curves are constant per network: network k has value values[k-1]."""
    for k, v in enumerate(values, start=1):
        path = result_path(out, "ctxt", k, "columns")
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {f"{m}_{kind}": np.full(4, float(v)) for kind in LOCATION_KINDS
                  for m in ("variance_explained", "cost", "state_distance")}
        arrays.update({f"full_cost_{kind}": 1.0 for kind in LOCATION_KINDS})
        np.savez(path, weights="w", net_id=k, seconds=2.0, **arrays)


def test_summary_mean_and_median_absolute_deviation(tmp_path):
    fake_results(tmp_path, [1.0, 2.0, 10.0])
    summary = summarise([NetworkSet("ctxt", tmp_path / "w", (1, 2, 3), "x")], ("columns",), tmp_path)
    np.testing.assert_allclose(summary.mean("ctxt", "columns", "trajectory", "cost"), 13 / 3)
    # median 2; absolute deviations 1, 0, 8; their median 1
    np.testing.assert_allclose(summary.mad("ctxt", "columns", "trajectory", "cost"), 1.0)
    assert summary.seconds == 6.0 and summary.n_networks("ctxt") == 3


def test_summary_names_a_missing_network(tmp_path):
    fake_results(tmp_path, [1.0])
    with pytest.raises(FileNotFoundError, match="NetNr2_columns.npz: missing"):
        summarise([NetworkSet("ctxt", tmp_path / "w", (1, 2), "x")], ("columns",), tmp_path)


def test_rank_threshold_is_the_first_rank_within_tolerance():
    cost = np.array([[5.0, 1.3, 1.05, 1.2, 1.0], [5.0, 1.1, 1.15, 1.0, 1.0]])  # mean: 5, 1.2, 1.1, 1.1, 1
    never = np.array([[3.0, 2.0, 2.0, 2.0, 2.0]])
    summary = Summary(
        curves={("ctxt", "columns", "trajectory"): {"cost": cost, "full_cost": np.array([1.0, 1.0])},
                ("ctxt", "columns", "random"): {"cost": never, "full_cost": np.array([1.0])}},
        sources={"ctxt": NetworkSet("ctxt", None, (1, 2), "x")}, seconds=0.0)
    rows = {r["locations"]: r for r in rank_thresholds(summary)}
    assert rows["trajectory"]["rank"] == 3
    assert rows["random"]["rank"] is None
    assert rank_thresholds(summary, tolerance=0.25)[0]["rank"] == 2
    table = threshold_table(rank_thresholds(summary))
    assert "| ctxt | columns | trajectory | 2 | 1.00e+00 | 3 |" in table and "not reached" in table


def test_figure_has_the_six_panels_of_figure_3(tmp_path):
    fake_results(tmp_path, [1.0, 2.0])
    summary = summarise([NetworkSet("ctxt", tmp_path / "w", (1, 2), "x")], ("columns",), tmp_path)
    fig = figure3(summary, ("columns",))
    assert len(fig.axes) == 3
    assert [ax.get_ylabel() for ax in fig.axes] == ["variance explained (%)", "cost", "state distance (a.u.)"]
    # solid trajectory line in all three panels, dotted random-location line in cost and state distance
    assert [len(ax.lines) for ax in fig.axes] == [1, 2, 2]
    assert fig.axes[1].lines[1].get_linestyle() == ":"
    fig.savefig(tmp_path / "f.png")


def test_network_ids_of_a_file(weights, tmp_path):
    assert network_ids(weights) == (1, 2)
    empty = tmp_path / "empty.h5"
    import h5py

    h5py.File(empty, "w").close()
    with pytest.raises(ValueError, match="no networks"):
        network_ids(empty)


def test_original_files_hold_twenty_networks(original_data):
    for task in ("ctxt", "swg"):
        assert network_ids(original_data / f"pretrained_networks/{task}/{task}_weights.h5") == tuple(range(1, 21))


@pytest.mark.parametrize("task", ["ctxt", "swg"])
def test_default_networks_are_bundled(task):
    net = io.load_network(default_weights(task), 1)
    assert net.n_units == 100 and network_ids(default_weights(task)) == (1,)


def test_cli_writes_figure_and_table_and_resumes(weights, tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["reproduce", "--swg", str(weights), "--tasks", "swg", "--dims", "columns", "--out", str(out), "--quiet"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "| swg | columns | trajectory | 2 |" in printed and "| swg | columns | random | 2 |" in printed
    assert (out / "figure3.png").stat().st_size > 10_000
    assert "| swg | columns | trajectory | 2 |" in (out / "rank_thresholds.md").read_text()
    assert main(argv) == 1
    assert "exists already; use --force" in capsys.readouterr().err
    stamp = result_path(out, "swg", 2, "columns").stat().st_mtime_ns
    assert main(argv + ["--force", "--tolerance", "4"]) == 0  # figure and table replaced, networks reused
    assert "mean cost <= 5 x full" in (out / "rank_thresholds.md").read_text()
    assert result_path(out, "swg", 2, "columns").stat().st_mtime_ns == stamp
    assert main(argv + ["--nets", "2", "--force", "--recompute"]) == 0
    assert result_path(out, "swg", 2, "columns").stat().st_mtime_ns != stamp


@pytest.mark.parametrize("extra, message", [
    (["--original", "/nonexistent/folder"], "pretrained_networks/ctxt/ctxt_weights.h5: not found"),
    (["--ctxt", "/nonexistent.h5"], "no such file"),
    (["--nets", "3"], "no network(s) [3]"),
    (["--workers", "0"], "--workers"),
    (["--tolerance", "-1"], "--tolerance"),
])
def test_cli_errors_are_one_line(tmp_path, capsys, weights, extra, message):
    argv = ["reproduce", "--out", str(tmp_path / "o"), "--quiet", "--dims", "columns"]
    if "--nets" in extra:
        argv += ["--swg", str(weights), "--tasks", "swg"]
    assert main(argv + extra) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err
