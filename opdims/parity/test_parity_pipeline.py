"""The s1 / s3 / s4 call sequences (seed_input 1000, seed_run 1001, 12 trials
of 1400 steps, noise replayed): high-variance and global operative
dimensions, cost and state distance for every rank k = 1..N, the
reduced-rank network."""

import numpy as np
import pytest

import opdims
from opdims.data.sources import original_data_dir
from opdims.io import load_local_operative_dimensions
from opdims.matlab import get_stream, rng, set_stream, utils
from opdims.parity.machinery import (
    BACKEND_IDS,
    BACKENDS,
    KERNEL,
    LONG_NOISY,
    SINGULAR_VALUES,
    backend_label,
    compare,
    compare_up_to_sign,
)

CASES = [("pipeline_ctxt_synth", "synthetic"), ("pipeline_ctxt_net1", "original")]


def _network(fx, kind):
    return fx.synthetic_network("net") if kind == "synthetic" else fx.original_network("net")


def _dataset(fx):
    rng(1000)
    out = utils.input_generation.InputGeneratorCtxt().get_ctxt_dep_integrator_inputOutputDataset(1, 1)
    for name, value in zip(("coherencies_trial", "conditionIds", "inputs", "targets"), out):
        compare("InputGeneratorCtxt.get_ctxt_dep_integrator_inputOutputDataset",
                f"context_integration_trials -> {name}", fx, value, fx[name], KERNEL)
    return out


def _noise(net, n_trials, n_steps):
    rng(1001)
    return opdims.draw_noise(get_stream(), n_trials, n_steps, net.n_units)


@pytest.fixture(params=CASES, ids=[c[0] for c in CASES])
def case(request, fixture_file):
    name, kind = request.param
    fx = fixture_file(name)
    net = _network(fx, kind)
    old = set_stream(fx.replay())
    try:
        coh, ids, inputs, targets = _dataset(fx)
        noise = _noise(net, inputs.shape[2], inputs.shape[1])
    finally:
        set_stream(old)
    trials = opdims.TaskData("ctxt", np.transpose(inputs, (2, 1, 0)), np.transpose(targets, (2, 1, 0)),
                             ids.reshape(-1).astype(int), coherencies=coh.T)
    return fx, net, trials, noise


@pytest.mark.parametrize("backend, device", BACKENDS, ids=BACKEND_IDS)
def test_s1_high_variance_dimensions(case, backend, device):
    fx, net, trials, noise = case
    on = {"backend": backend, "device": device}
    label = backend_label(backend, device)
    U, s, _ = np.linalg.svd(net.W)
    compare("svd(n_Wrr_n)", "numpy.linalg.svd", fx, s, fx["s1_singular_values_W"].ravel(), SINGULAR_VALUES)
    compare_up_to_sign("svd(n_Wrr_n)", "numpy.linalg.svd", fx, U, fx["s1_U"], SINGULAR_VALUES * 1e2,
                       singular_values=s)
    full = opdims.simulate(net, trials.inputs, trials.condition_ids, noise=noise, **on)
    compare("utils.run_one_forwardPass (full rank)", "opdims.core.simulate -> m_z_t", fx,
            np.transpose(full.z, (2, 1, 0)), fx["full_m_z_t"], LONG_NOISY, backend=label)
    t_idx = fx["t_idx"][0].astype(int) - 1
    compare("utils.run_one_forwardPass (full rank)", "opdims.core.simulate -> n_x_t", fx,
            np.transpose(full.x, (2, 1, 0))[:, t_idx], fx["full_n_x_t_sub"], LONG_NOISY, backend=label)
    sweep = opdims.rank_sweep(net, U, "columns", trials.inputs, trials.condition_ids, trials.targets, noise=noise,
                              **on)
    compare("s1 loop: utils.get_mse", "opdims.rank_sweep -> cost", fx, sweep.cost, fx["s1_mses"].ravel(), LONG_NOISY,
            backend=label)
    compare("s1 loop: utils.get_state_distance_between_trajs", "opdims.rank_sweep -> state_distance", fx,
            sweep.state_distance, fx["s1_statedists"].ravel(), LONG_NOISY, backend=label)


def _global_dims(fx, net, trials, noise, kind):
    full = opdims.simulate(net, trials.inputs, trials.condition_ids, noise=noise)
    props = opdims.sampling_location_properties("ctxt")
    locs = opdims.condition_sampling_locations(full.x, props, condition_ids=trials.condition_ids,
                                               coherencies=trials.coherencies)
    compare("UtilsSamplingLocs.get_sampling_locs_on_condAvgTrajs_ctxt", "opdims.condition_sampling_locations", fx,
            np.transpose(locs, (0, 2, 1)), fx["sampling_locs"], LONG_NOISY)
    if kind == "synthetic":
        s2 = type(fx)("pipeline_ctxt_synth_s2")
        ordered = opdims.locations_in_order(locs, props)
        valid = ~np.isnan(ordered).any(axis=1)
        local = opdims.local_column_dimensions(net, ordered[valid])
        dims = np.full((props.n_locations, net.n_units, net.n_units), np.nan)
        fvals = np.full((props.n_locations, net.n_units), np.nan)
        dims[valid], fvals[valid] = local.padded().dims, local.padded().fvals
        compare("s2 (columns) at every location", "opdims.local_column_dimensions -> dims", s2, dims,
                s2["all_local_op_dims"], KERNEL)
        compare("s2 (columns) at every location", "opdims.local_column_dimensions -> fvals", s2, fvals,
                s2["all_fvals"], KERNEL)
    else:
        dims, fvals = load_local_operative_dimensions(
            original_data_dir() / "local_operative_dimensions/localOpDims_ctxt_columns.h5", props, net.n_units)
    return opdims.global_operative_dimensions(dims, fvals, props, "all")


@pytest.mark.parametrize("backend, device", BACKENDS, ids=BACKEND_IDS)
def test_s3_global_operative_dimensions_and_curves_and_s4(case, backend, device):
    fx, net, trials, noise = case
    on = {"backend": backend, "device": device}
    label = backend_label(backend, device)
    kind = "synthetic" if fx.name.endswith("synth") else "original"
    U, s = _global_dims(fx, net, trials, noise, kind)
    compare("UtilsOpDims.get_global_operative_dimensions", "opdims.global_operative_dimensions -> S", fx,
            np.diag(s), fx["s3_singular_values"], SINGULAR_VALUES)
    compare("s3: diag(S.^2)/sum(S.^2)*100", "opdims.variance_explained", fx, opdims.variance_explained(s),
            fx["s3_var_explained_L"].ravel(), SINGULAR_VALUES)
    compare_up_to_sign("UtilsOpDims.get_global_operative_dimensions", "opdims.global_operative_dimensions -> U", fx,
                       U, fx["s3_global_op_dims"], SINGULAR_VALUES * 1e2, singular_values=s)
    sweep = opdims.rank_sweep(net, U, "columns", trials.inputs, trials.condition_ids, trials.targets, noise=noise,
                              **on)
    compare("s3 loop: utils.get_mse", "opdims.rank_sweep -> cost", fx, sweep.cost, fx["s3_mses"].ravel(), LONG_NOISY,
            backend=label)
    compare("s3 loop: utils.get_state_distance_between_trajs", "opdims.rank_sweep -> state_distance", fx,
            sweep.state_distance, fx["s3_statedists"].ravel(), LONG_NOISY, scale=max(fx["s3_statedists"].max(), 1.0),
            backend=label)

    # s4: the reduced-rank network at the fixture's rank
    rank = int(fx.scalar("s4_rankW"))
    W_reduced = utils.remove_dimension_from_weight_matrix(net.W, U[:, rank:], "columns")
    compare("s4: remove_dimension_from_weight_matrix", "opdims.remove_dimensions", fx, W_reduced,
            fx["s4_W_reduced"], LONG_NOISY)
    reduced = opdims.simulate(net, trials.inputs, trials.condition_ids, W=W_reduced, noise=noise, **on)
    compare("s4: utils.run_one_forwardPass (reduced rank)", "opdims.core.simulate -> m_z_t", fx,
            np.transpose(reduced.z, (2, 1, 0)), fx["s4_reduced_m_z_t"], LONG_NOISY, backend=label)
    t_idx = fx["t_idx"][0].astype(int) - 1
    compare("s4: utils.run_one_forwardPass (reduced rank)", "opdims.core.simulate -> n_x_t", fx,
            np.transpose(reduced.x, (2, 1, 0))[:, t_idx], fx["s4_reduced_n_x_t_sub"], LONG_NOISY, backend=label)


def test_s1_pipeline_end_to_end_with_replayed_draws(fixture_file):
    """``opdims.matlab.scripts.s1_high_variance_dimensions`` as one call, fed the original's draws."""
    from opdims.matlab.scripts import s1_high_variance_dimensions

    fx = fixture_file("pipeline_ctxt_synth")
    res = s1_high_variance_dimensions(fx.synthetic_network("net"), "ctxt", n_trials=1, stream=fx.replay())
    compare("s1: svd(n_Wrr_n).^2 / sum * 100", "s1_high_variance_dimensions -> w_variance_explained", fx,
            res.w_variance_explained, fx["s1_var_explained_W"].ravel(), SINGULAR_VALUES)
    compare("s1: pca(n_x_t(:, :).') latent", "s1_high_variance_dimensions -> activity_variances", fx,
            res.activity_variances, fx["s1_latent"].ravel(), SINGULAR_VALUES)
    compare("s1: LATENT / sum * 100", "s1_high_variance_dimensions -> activity_variance_explained", fx,
            res.activity_variance_explained, fx["s1_var_explained_X"].ravel(), SINGULAR_VALUES)
    compare("s1 loop: utils.get_mse", "s1_high_variance_dimensions -> sweep.cost", fx, res.sweep.cost,
            fx["s1_mses"].ravel(), LONG_NOISY)
    compare("s1 loop: utils.get_state_distance_between_trajs", "s1_high_variance_dimensions -> sweep.state_distance",
            fx, res.sweep.state_distance, fx["s1_statedists"].ravel(), LONG_NOISY)
