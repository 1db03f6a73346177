"""The high-variance baseline (s1 in one place), the rank rules on the silent-to-full cost scale, the bands."""

import numpy as np
import pytest
from synthetic import random_network

from opdims import analyse_network, io, rank_sweep
from opdims.core.errors import ValidationError
from opdims.core.metrics import absolute_deviation
from opdims.dims.high_variance import high_variance_dimensions
from opdims.dims.sweeps import (
    RankSweep,
    cost_rank,
    rank_rule_text,
    rank_within_cost_range,
    rank_within_full_cost,
    silent_network_cost,
)
from opdims.matlab.scripts import s1_high_variance_dimensions

LOCS = np.random.default_rng(9).standard_normal((5, 6))  # sampling locations given: no location run needed


def swg_net(n=6, seed=0):
    return random_network(n, n_in=1, n_out=1, n_ctx=1, seed=seed, gain=1.2)


# ---- the rank rules ---------------------------------------------------------------------------------

def test_range_rule_survives_a_full_rank_cost_near_zero():
    ranks = np.arange(1, 41)
    cost = np.full(40, 1e-29)  # rank 3 already does the task; rounding leaves costs of order 1e-29
    cost[:2] = [0.8, 0.3]
    full, silent = 1e-30, 1.0
    assert rank_within_cost_range(ranks, cost, full, silent) == 3
    assert rank_within_full_cost(ranks, cost, full) is None  # 1e-29 > 1.1e-30: the old rule never comes back
    assert cost_rank(ranks, cost, full, silent) == 3
    assert cost_rank(ranks, cost, full, rule="settled") == 3
    cost[20] = 0.05  # noise of 5% of the range later on does not move the rank at 10%
    assert cost_rank(ranks, cost, full, silent, tolerance=0.1) == 3
    assert cost_rank(ranks, cost, full, silent, tolerance=0.01) == 22  # 0.05 at rank 21 is not back: from 22 on
    assert cost_rank(ranks, cost, full, silent, tolerance=0.35) == 2  # 0.3 is within 35% of the range


def test_range_rule_arithmetic():
    ranks = [1, 2, 3]
    # full 1, silent 3: the limit is 1 + 0.1 * 2 = 1.2
    assert rank_within_cost_range(ranks, [2.0, 1.21, 1.2], 1.0, 3.0) == 3
    assert rank_within_cost_range(ranks, [2.0, 1.21, 1.2], 1.0, 3.0, tolerance=0.2) == 2
    # a silent network better than the full-rank one: the scale is the distance either way
    assert rank_within_cost_range(ranks, [2.0, 1.21, 1.2], 1.0, 0.0, tolerance=0.25) == 2
    assert rank_within_cost_range(ranks, [5.0, 4.0, 3.0], 1.0, 3.0) is None
    # a curve that is back early and rises again is back only from where it stays
    assert rank_within_cost_range([1, 2, 3, 4], [2.0, 1.0, 1.5, 1.0], 1.0, 3.0) == 4


def test_rank_rules_are_checked_and_explained():
    with pytest.raises(ValidationError, match="rank rule: expected one of"):
        cost_rank([1], [1.0], 1.0, 2.0, rule="median")
    with pytest.raises(ValidationError, match="silent network's cost"):
        cost_rank([1], [1.0], 1.0, None)
    assert "silent network's (W = 0)" in rank_rule_text("range")
    assert "<= 1.1 x the full-rank cost" in rank_rule_text("ratio")
    assert "mean cost" in rank_rule_text("settled", mean=True)
    sweep = RankSweep(np.arange(1, 4), np.array([2.0, 1.1, 1.0]), np.zeros(3), 1.0, 3.0)
    assert sweep.rank() == 2 and sweep.rank("ratio", 0.0) == 3


def test_silent_cost_is_the_rank_zero_network():
    net = swg_net(seed=3)
    rng = np.random.default_rng(0)
    inputs, targets = rng.standard_normal((3, 30, 1)), rng.standard_normal((3, 30, 1))
    noise = rng.standard_normal((3, 30, 6))
    sweep = rank_sweep(net, np.eye(6), "columns", inputs, [1, 1, 1], targets, ranks=[0, 3], noise=noise)
    silent = silent_network_cost(net, inputs, [1, 1, 1], targets, noise=noise)
    assert silent == pytest.approx(sweep.cost[0], rel=1e-12)
    assert silent != pytest.approx(sweep.cost[1], rel=1e-3)


# ---- the bands ---------------------------------------------------------------------------------------

def test_mean_absolute_deviation_is_matlabs_mad_and_the_median_one_stays_available():
    values = np.array([[1.0, 0.0], [2.0, 0.0], [10.0, 3.0]])
    # mean 13/3: deviations 10/3, 7/3, 17/3 -> mean 34/9 (MATLAB: mad([1 2 10]) = 3.7778)
    np.testing.assert_allclose(absolute_deviation(values), [34 / 9, 4 / 3])
    # median 2: deviations 1, 0, 8 -> median 1
    np.testing.assert_allclose(absolute_deviation(values, "median"), [1.0, 0.0])
    with pytest.raises(ValidationError, match="band"):
        absolute_deviation(values, "max")


# ---- the baseline in one place ----------------------------------------------------------------------

def test_high_variance_dimensions_are_s1s_numbers():
    net = swg_net(seed=1)
    s1 = s1_high_variance_dimensions(net, "swg", n_trials=4)
    from opdims.analysis.runs import prepare_run

    run = prepare_run("s1", net, "swg", n_trials=4)
    hv = high_variance_dimensions(run.net, run.trials.inputs, run.trials.condition_ids, run.trials.targets,
                                  noise=run.noise)
    np.testing.assert_array_equal(hv.sweep.cost, s1.sweep.cost)
    np.testing.assert_array_equal(hv.activity_variances, s1.activity_variances)
    np.testing.assert_allclose(hv.w_variance_explained.sum(), 100)
    U = np.linalg.svd(net.W)[0]
    direct = rank_sweep(run.net, U, "columns", run.trials.inputs, run.trials.condition_ids, run.trials.targets,
                        noise=run.noise)
    np.testing.assert_array_equal(hv.sweep.state_distance, direct.state_distance)


def test_the_chain_computes_s1_on_s3s_trials_and_noise_and_stores_it(tmp_path):
    net = swg_net(seed=2)
    analysis = analyse_network(net, "swg", dim_types=("columns",), n_sweep_trials=4, locations=LOCS)
    s1 = s1_high_variance_dimensions(net, "swg", n_trials=4)  # s1 on the sweep's (s3's) trials and seeds
    hv = analysis.high_variance
    np.testing.assert_array_equal(hv.sweep.cost, s1.sweep.cost)
    np.testing.assert_array_equal(hv.sweep.state_distance, s1.sweep.state_distance)
    np.testing.assert_allclose(hv.activity_variances, s1.activity_variances, rtol=1e-12)
    assert hv.sweep.full_cost == analysis["columns"].sweep.full_cost
    assert analysis.silent_cost is not None and hv.sweep.silent_cost == analysis.silent_cost
    assert analysis["columns"].sweep.silent_cost == analysis.silent_cost
    assert set(analysis.ranks()) == {"columns", "high_variance"}
    path = io.save_analysis(tmp_path / "a.h5", analysis)
    back = io.load_analysis(path)
    np.testing.assert_array_equal(back.high_variance.sweep.cost, hv.sweep.cost)
    np.testing.assert_array_equal(back.high_variance.w_singular_values, hv.w_singular_values)
    assert back.silent_cost == analysis.silent_cost and back.high_variance.sweep.silent_cost == analysis.silent_cost
    assert back.summary_table() == analysis.summary_table()
    variables = io.analysis_variables(back)
    np.testing.assert_allclose(variables["high_variance"]["S"].ravel(), hv.w_singular_values ** 2)
    assert variables["high_variance"]["mses"].shape == (6, 1) and variables["mse_silent"] == analysis.silent_cost
    off = analyse_network(net, "swg", dim_types=("columns",), n_sweep_trials=4, locations=LOCS, high_variance=False)
    assert off.high_variance is None and "SVD of W" not in off.summary_table()
    np.testing.assert_array_equal(off["columns"].sweep.cost, analysis["columns"].sweep.cost)


def test_the_figure_of_one_network_draws_the_baseline_and_says_the_rule(tmp_path):
    from opdims.plotting import figure_network_analysis

    net = swg_net(seed=4)
    analysis = analyse_network(net, "swg", dim_types=("columns",), n_sweep_trials=4, locations=LOCS)
    fig = figure_network_analysis(analysis)
    cost_labels = [line.get_label() for line in fig.axes[1].lines]
    assert "high-variance (SVD of W)" in cost_labels and "silent (W = 0)" in cost_labels
    assert any(label.startswith("SVD of W: rank") for label in cost_labels)
    assert "SVD of W" in [line.get_label() for line in fig.axes[0].lines]
    title = fig._suptitle.get_text()
    assert "Rank at which the cost is back: operative columns" in title and "silent network's (W = 0)" in title
    assert "<= 1.1 x the full-rank cost" in figure_network_analysis(analysis, rule="ratio")._suptitle.get_text()
    fig.savefig(tmp_path / "f.png")
