"""Figures of the analyses (opdims.plotting) and the MATLAB layer's UtilsPlotting."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from test_pipelines import CTXT_TRIALS, N, ctxt_net, swg_net

from opdims import plotting
from opdims.core.metrics import principal_components
from opdims.core.simulate import simulate
from opdims.core.tasks import sine_wave_trials
from opdims.matlab import utils
from opdims.matlab.convert import to_matlab
from opdims.matlab.scripts import (
    s1_high_variance_dimensions,
    s2_local_operative_dimensions,
    s3_global_operative_dimensions,
    s4_reduced_rank_network,
)
from opdims.matlab.utils.plotting import UtilsPlotting


@pytest.fixture(scope="module")
def ctxt_results():
    local = s2_local_operative_dimensions(ctxt_net(), "ctxt", n_trials=CTXT_TRIALS)
    return {"s2": local,
            "s3": s3_global_operative_dimensions(ctxt_net(), "ctxt", local_dims=local, n_trials=1),
            "s4": s4_reduced_rank_network(ctxt_net(), "ctxt", rank=3, local_dims=local, n_trials=1)}


@pytest.fixture(scope="module")
def swg_results():
    local = s2_local_operative_dimensions(swg_net(), "swg")
    return {"s2": local,
            "s3": s3_global_operative_dimensions(swg_net(), "swg", local_dims=local, n_trials=51),
            "s4": s4_reduced_rank_network(swg_net(), "swg", rank=5, local_dims=local, n_trials=51)}


@pytest.fixture(autouse=True)
def close_pyplot_figures():
    yield
    plt.close("all")


def lines_of(ax):
    return [line for line in ax.get_lines() if line.get_linestyle() != "--"]


def test_line_plot_draws_the_data_from_zero():
    fig = matplotlib.figure.Figure()
    ax = fig.add_subplot()
    y = np.array([[1.0, 3.0, 2.0], [0.5, 0.5, 4.0]])
    lines = plotting.line_plot(ax, [1, 2, 3], y.T, title="t", xlabel="x", ylabel="y", labels=["a", "b"])
    np.testing.assert_array_equal(lines[1].get_ydata(), y[1])  # [n, M] is read as M lines
    assert ax.get_ylim() == pytest.approx((0, 4.4))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("t", "x", "y")
    with pytest.raises(ValueError, match="line plot"):
        plotting.line_plot(ax, [1, 2, 3, 4], y)


def test_figure_s1_shows_variances_and_rank_curves():
    result = s1_high_variance_dimensions(ctxt_net(), "ctxt", n_trials=1)
    fig = plotting.figure_s1(result)
    axes = fig.get_axes()
    assert [ax.get_title() for ax in axes] == ["Dimensionality W", "Dimensionality X",
                                               "network output cost for reduced-rank W",
                                               "state distance to trajectory of full-rank W"]
    np.testing.assert_array_equal(lines_of(axes[0])[0].get_ydata(), result.w_variance_explained)
    np.testing.assert_array_equal(lines_of(axes[2])[0].get_ydata(), result.sweep.cost)
    np.testing.assert_array_equal(lines_of(axes[3])[0].get_ydata(), result.sweep.state_distance)
    assert "W^{PC}_k" in axes[2].get_xlabel()


def test_figure_global_dims_overlays_tasks_like_the_paper(ctxt_results, swg_results):
    fig = plotting.figure_global_dims([ctxt_results["s3"], swg_results["s3"]])
    ax_var, ax_cost, ax_dist = fig.get_axes()
    assert ax_var.get_xlabel() == r"PC(L)$_i$" and ax_var.get_ylabel() == "variance explained (%)"
    assert "W^{OP}_k" in ax_cost.get_xlabel() and ax_cost.get_ylabel() == "cost"
    assert ax_dist.get_ylabel() == "state distance (a.u.)"
    assert [t.get_text() for t in ax_var.get_legend().get_texts()] == ["ctxt", "swg"]
    for ax, field in ((ax_cost, "cost"), (ax_dist, "state_distance")):
        drawn = lines_of(ax)
        assert len(drawn) == 2
        np.testing.assert_array_equal(drawn[1].get_ydata(), getattr(swg_results["s3"].sweep, field))
        assert matplotlib.colors.same_color(drawn[0].get_color(), plotting.TASK_COLORS["ctxt"])
    # the full-rank cost of each network as a dashed line
    dashed = [line for line in ax_cost.get_lines() if line.get_linestyle() == "--"]
    assert dashed[0].get_ydata()[0] == pytest.approx(ctxt_results["s3"].sweep.full_cost)
    assert ax_dist.get_xlim() == (0, N)


def test_figure_sampling_locations_projects_onto_activity_pcs(ctxt_results, swg_results):
    result = ctxt_results["s2"]
    ax = plotting.figure_sampling_locations(result).get_axes()[0]
    assert ax.name == "rectilinear" and len(ax.get_lines()) == result.props.n_conditions
    points = ax.collections[0].get_offsets()
    np.testing.assert_allclose(points, result.local.locations @ result.activity_pcs[:, :2])
    ax3 = plotting.figure_sampling_locations(swg_results["s2"]).get_axes()[0]
    assert ax3.name == "3d" and ax3.get_zlabel() == r"PC(X)$_3$"


def test_figures_of_s4(ctxt_results, swg_results):
    result = ctxt_results["s4"]
    panels = [ax for ax in plotting.figure_outputs(result).get_axes() if ax.get_visible()]
    assert [ax.get_title() for ax in panels] == ["network output, trial 1", "network output, trial 6",
                                                 "network output, trial 11"]
    target, _, reduced = panels[1].get_lines()
    np.testing.assert_array_equal(reduced.get_ydata(), result.z_reduced[5, :, 0])
    np.testing.assert_array_equal(target.get_ydata(), result.trials.targets[5, :, 0])
    assert panels[0].get_ylim() == (-1.1, 1.1)
    ax = plotting.figure_full_and_reduced_trajectories(swg_results["s4"]).get_axes()[0]
    styles = [line.get_linestyle() for line in ax.get_lines()]
    assert styles == ["-"] * 11 + [":"] * 11
    assert "k=5" in ax.get_title()


def test_save_figure_writes_png_and_pdf_and_never_overwrites(tmp_path):
    fig = matplotlib.figure.Figure()
    fig.add_subplot().plot([0, 1], [1, 0])
    png, pdf = plotting.save_figure(fig, tmp_path / "fig")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and pdf.read_bytes()[:5] == b"%PDF-"
    with pytest.raises(FileExistsError, match="fig.png"):
        plotting.save_figure(fig, tmp_path / "fig")
    assert plotting.save_figure(fig, tmp_path / "fig", overwrite=True) == [png, pdf]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.pdf", "fig.png"]  # no temporary files left


# ---- UtilsPlotting (MATLAB orientation) ---------------------------------------------------------

def test_plot_lineplot_as_the_original():
    UPlt = UtilsPlotting()
    y = np.array([[1.0, 2.0, 5.0], [0.0, 1.0, 0.5]])
    _, ax = UPlt.plot_lineplot(np.arange(1, 4), y, "title", "x", "y", "display_names", ["a", "b"],
                                 "my_mad", [0.1, 6.0, 0.1])
    assert len(ax.get_lines()) == 2
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), y[0])
    assert ax.get_ylim() == pytest.approx((0, 6.6))  # 1.1 * max of data and MAD
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]
    assert ax.title.get_fontsize() == UPlt.my_fontsize
    _, ax = UPlt.plot_lineplot(np.arange(1, 4), y.T, "t", "x", "y")  # [n, M] is transposed
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), y[1])
    with pytest.raises(ValueError, match="not recognized"):
        UPlt.plot_lineplot(np.arange(1, 4), y, "t", "x", "y", "colour", "red")


def test_projections_and_pcs_in_matlab_orientation():
    UPlt = UtilsPlotting()
    rng = np.random.default_rng(2)
    activity = rng.standard_normal((6, 20, 3))  # [N, T, trials]
    PCs = UPlt.get_PCs_of_network_activity(activity)
    expected, _ = principal_components(np.transpose(activity, (2, 1, 0)).reshape(-1, 6))
    np.testing.assert_array_equal(PCs, expected)
    locs = rng.standard_normal((4, 6, 5))  # [n_inpConds, N, n_locs_per_cond]
    proj = UPlt.project_sampling_locs_onto_PCs(locs, PCs[:, :2])
    assert proj.shape == (4, 5, 2)
    assert proj[2, 3, 1] == pytest.approx(PCs[:, 1] @ locs[2, :, 3])


def test_trajectory_figures_of_the_compatibility_layer():
    UPlt, USL = UtilsPlotting(), utils.UtilsSamplingLocs()
    net = swg_net()
    data = sine_wave_trials(510)
    traj = simulate(net, data.inputs, data.condition_ids, noise_sigma=0)
    activity = to_matlab(traj.x)  # [N, T, trials]
    props = USL.get_sampling_location_properties("swg")
    freq_ids = data.freq_ids.reshape(-1, 1)
    locs = USL.get_sampling_locs_on_condAvgTrajs_swg(activity, props, freq_ids)
    _, ax = UPlt.plot_sampling_locs_on_condAvgTrajs(activity, locs, props, freq_ids, [], [], "swg")
    assert ax.name == "3d" and len(ax.get_lines()) == 11 and len(ax.collections) == 1
    _, ax = UPlt.plot_full_and_reduced_rank_condAvgTrajs(activity, activity * 0.5, props, freq_ids, [], [],
                                                           "swg", 7)
    assert [line.get_linestyle() for line in ax.get_lines()] == ["-"] * 11 + [":"] * 11
    assert "k=7" in ax.get_title()
    flat_ax = plt.figure().add_subplot()
    with pytest.raises(ValueError, match="3-D"):
        UPlt.plot_condAvgTrajs(flat_ax, np.zeros((11, 5, 3)), plotting.condition_colors(11), "swg", True, "-")
