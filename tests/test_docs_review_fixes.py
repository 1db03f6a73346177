"""Bugs found while documenting the package, one test each, and the figures
of the smallest networks (1 and 2 units)."""

from dataclasses import replace

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from synthetic import random_network

from opdims import NumpyStream, plotting, simulate
from opdims.core.metrics import mse
from opdims.core.tasks import sine_wave_trials
from opdims.matlab import utils
from opdims.matlab.convert import to_matlab
from opdims.matlab.loops import column_dimensions_loops, run_rnn_loops
from opdims.matlab.scripts import (
    s1_high_variance_dimensions,
    s2_local_operative_dimensions,
    s3_global_operative_dimensions,
    s4_reduced_rank_network,
)


@pytest.fixture(autouse=True)
def close_pyplot_figures():
    yield
    plt.close("all")


# ---- metrics.mse: trial ids with leading (network) axes --------------------------------------------

def test_mse_of_a_stack_of_networks_selects_trials_per_network():
    """``z[..., sel, :, 0]`` moved the trial axis first: wrong numbers, or a broadcasting error."""
    rng = np.random.default_rng(0)
    z, targets = rng.standard_normal((3, 4, 5, 1)), rng.standard_normal((4, 5, 1))
    for ids in ([2], [1, 3], [1, 2, 3]):
        expected = [mse(z[k], targets, ids) for k in range(3)]
        np.testing.assert_allclose(mse(z, targets, ids), expected, rtol=1e-14)
    assert mse(z[0], targets, [1, 2, 3, 4]) == pytest.approx(mse(z[0], targets))


# ---- random.NumpyStream.randperm: k > n -------------------------------------------------------------

def test_numpy_randperm_refuses_more_draws_than_items_like_the_matlab_stream():
    """NumpyStream.randperm(3, 5) returned 3 numbers instead of raising as MatlabTwisterStream does."""
    with pytest.raises(ValueError, match="0 <= k <= n"):
        NumpyStream(0).randperm(3, 5)
    assert sorted(NumpyStream(0).randperm(3, 3).tolist()) == [1, 2, 3]


# ---- reference loops: the network's nonlinearity ----------------------------------------------------

def test_reference_loops_use_the_network_nonlinearity():
    """The reference loops computed tanh rates whatever the network's nonlinearity."""
    net = replace(random_network(n=4, n_in=1, n_ctx=1, seed=2), nonlinearity="relu")
    inputs = np.ones((2, 6, 1))
    x_t, z_t = run_rnn_loops(net, inputs, [1, 1], noise=np.zeros((2, 6, 4)))
    traj = simulate(net, inputs, [1, 1], noise_sigma=0)
    np.testing.assert_allclose(x_t, traj.x, atol=1e-12)
    np.testing.assert_allclose(z_t, traj.z, atol=1e-12)
    location = np.array([1.0, -0.5, 0.25, -2.0])
    local = column_dimensions_loops(net, location[None], stream=0)
    v = net.W @ np.maximum(location, 0)
    np.testing.assert_allclose(local.dims[0, 0], v / np.linalg.norm(v))


# ---- the MATLAB layer: MATLAB scalars are [1, 1] arrays ---------------------------------------------

@pytest.fixture
def global_stream_restored():
    from opdims.matlab import get_stream

    state = get_stream()._state.get_state()
    yield
    get_stream()._state.set_state(state)


def test_matlab_layer_takes_scalars_as_one_element_arrays(global_stream_restored):
    """rng, run_rnn and the input generators refused the [1, 1] arrays a MAT-file holds for scalars."""
    from opdims.matlab import get_stream, rng, run_rnn

    one = lambda value: np.array([[value]])
    rng(one(1000))
    first = get_stream().rand((1, 2))
    rng(1000)
    np.testing.assert_array_equal(get_stream().rand((1, 2)), first)
    weights = (np.ones((3, 1)), 0.5 * np.eye(3), np.ones((1, 3)), np.zeros((3, 1)), np.zeros((3, 1)), np.zeros((1, 1)))
    inputs = np.ones((1, 4, 2))
    z_arrays = run_rnn(*weights, one(1e-3), one(1e-2), one(0.0), inputs, [1, 1])[1]
    z_numbers = run_rnn(*weights, 1e-3, 1e-2, 0.0, inputs, [1, 1])[1]
    np.testing.assert_array_equal(z_arrays, z_numbers)
    ctxt = utils.input_generation.InputGeneratorCtxt()
    assert ctxt.get_ctxt_dep_integrator_inputOutputDataset(one(1), one(0))[2].shape == (5, 1400, 12)
    assert ctxt.generate_one_trial([0.1, 0.1], one(2), one(0.0))[0].shape == (5, 1400)
    swg = utils.input_generation.InputGeneratorSWG()
    assert swg.get_sine_wave_generator_inputOutputDataset(one(3))[2].shape == (1, 500, 3)
    with pytest.raises(ValueError, match="n_trials"):
        swg.get_sine_wave_generator_inputOutputDataset(np.array([3, 4]))
    with pytest.raises(ValueError, match="positive integer"):
        ctxt.get_ctxt_dep_integrator_inputOutputDataset(1.5, 0)


# ---- figures of 1- and 2-unit networks --------------------------------------------------------------

def _results(n_units: int, task: str) -> dict:
    net = random_network(n=n_units, n_in=5 if task == "ctxt" else 1, n_ctx=2 if task == "ctxt" else 1, seed=3)
    trials = {"n_trials": 1} if task == "ctxt" else {}
    s2 = s2_local_operative_dimensions(net, task, **({"n_trials": 3} if task == "ctxt" else {}))
    return {"s1": s1_high_variance_dimensions(net, task, **trials), "s2": s2,
            "s3": s3_global_operative_dimensions(net, task, local_dims=s2, **trials),
            "s4": s4_reduced_rank_network(net, task, rank=1, local_dims=s2, **trials)}


@pytest.mark.parametrize("n_units", [1, 2])
@pytest.mark.parametrize("task", ["ctxt", "swg"])
def test_every_figure_of_a_tiny_network(n_units, task):
    """A 1-unit network crashed the s2 (ctxt, swg) and s4 (swg) figures after the results were written."""
    results = _results(n_units, task)
    figures = [plotting.figure_s1(results["s1"]), plotting.figure_sampling_locations(results["s2"]),
               plotting.figure_global_dims([results["s3"]]), plotting.figure_outputs(results["s4"]),
               plotting.figure_full_and_reduced_trajectories(results["s4"])]
    for fig in figures:
        FigureCanvasAgg(fig).draw()  # everything drawn, as save_figure would
    n_pcs = 3 if task == "swg" else 2
    for fig in figures[1], figures[4]:
        ax = fig.get_axes()[0]
        coordinates = [ax.get_lines()[0].get_data_3d() if n_pcs == 3 else ax.get_lines()[0].get_data()][0]
        assert len(coordinates) == n_pcs
        for i in range(n_units, n_pcs):  # no such component: drawn at 0, and the axis says so
            np.testing.assert_array_equal(coordinates[i], 0)
        labels = [ax.get_xlabel(), ax.get_ylabel()] + ([ax.get_zlabel()] if n_pcs == 3 else [])
        assert [("none" in label) for label in labels] == [i >= n_units for i in range(n_pcs)]


def test_a_single_point_line_shows_a_marker():
    """A 1-unit network's curves are single points, which a plain line does not draw."""
    ax = matplotlib.figure.Figure().add_subplot()
    (point,) = plotting.line_plot(ax, [1], [0.5])
    (line,) = plotting.line_plot(ax, [1, 2], [0.5, 0.2])
    assert point.get_marker() == "o" and line.get_marker() in ("None", None, "")


def test_the_matlab_trajectory_figures_of_a_one_unit_network():
    UPlt, USL = utils.UtilsPlotting(), utils.UtilsSamplingLocs()
    net = random_network(n=1, n_in=1, n_ctx=1, seed=4)
    data = sine_wave_trials(510)
    activity = to_matlab(simulate(net, data.inputs, data.condition_ids, noise_sigma=0).x)  # [1, T, trials]
    props = USL.get_sampling_location_properties("swg")
    freq_ids = data.freq_ids.reshape(-1, 1)
    locs = USL.get_sampling_locs_on_condAvgTrajs_swg(activity, props, freq_ids)
    _, ax = UPlt.plot_sampling_locs_on_condAvgTrajs(activity, locs, props, freq_ids, [], [], "swg")
    assert ax.name == "3d" and len(ax.get_lines()) == 11
    _, ax = UPlt.plot_full_and_reduced_rank_condAvgTrajs(activity, activity * 0.5, props, freq_ids, [], [], "swg", 1)
    np.testing.assert_array_equal(ax.get_lines()[0].get_data_3d()[1], 0)


def test_figure_outputs_refuses_trials_it_cannot_draw():
    """No trials divided by zero; a negative index drew the last trial titled 'trial 0'."""
    result = _results(1, "swg")["s4"]
    for trials in ([], [-1], [result.z_full.shape[0]], [0.5]):
        with pytest.raises(ValueError, match="trials"):
            plotting.figure_outputs(result, trials=trials)
    assert len(plotting.figure_outputs(result, trials=[1]).get_axes()) == 1


# ---- s4: full-rank and reduced-rank trajectories tell apart ---------------------------------------------

def test_s4_reduced_rank_lines_differ_in_style_width_and_shade_and_the_legend_says_which():
    results = _results(2, "swg")
    ax = plotting.figure_full_and_reduced_trajectories(results["s4"]).get_axes()[0]
    lines = ax.get_lines()
    full, reduced = lines[:11], lines[11:]
    assert len(reduced) == 11
    assert {line.get_linestyle() for line in full} == {"-"} and {line.get_linestyle() for line in reduced} == {":"}
    assert reduced[0].get_linewidth() >= 1.5 * full[0].get_linewidth()
    for a, b in zip(full, reduced):  # the same hue, lighter
        rgb_full, rgb_reduced = (np.array(matplotlib.colors.to_rgb(line.get_color())) for line in (a, b))
        assert np.all(rgb_reduced >= rgb_full) and rgb_reduced.sum() > rgb_full.sum() + 0.3
    entries = [text.get_text() for text in ax.get_legend().get_texts()]
    assert entries == ["full rank: $W$", r"reduced rank: $W^{OP}_{k=1}$"]
    handles = ax.get_legend().legend_handles
    assert [h.get_linestyle() for h in handles] == ["-", ":"]
