"""The four analyses (s1-s4) end to end on small synthetic networks."""

import h5py
import numpy as np
import pytest
from synthetic import random_network

from opdims import (
    MatlabTwisterStream,
    condition_averages,
    context_integration_trials,
    global_operative_dimensions,
    io,
    mse,
    remove_dimensions,
    sampling_location_properties,
    simulate,
    state_distance,
)
from opdims.analysis.runs import prepare_run
from opdims.core.metrics import principal_components
from opdims.core.simulate import draw_noise
from opdims.dims.sweeps import RankSweep
from opdims.matlab.scripts import (
    s1_high_variance_dimensions,
    s2_local_operative_dimensions,
    s3_global_operative_dimensions,
    s4_reduced_rank_network,
)
from opdims.matlab.scripts.outputs import save_result

N = 12
CTXT_TRIALS = 3  # per context and coherency: the fewest that give every ctxt condition a trial with seed 1000


def write_original_weights(path, net, net_id=1):
    """``net`` as ``/NetNr<id>/final/*`` of an original weights file (MATLAB column-major: transposed)."""
    arrays = {"n_Wru_v": net.W_in, "n_Wrr_n": net.W, "m_Wzr_n": net.W_out, "n_x0_c": net.x0,
              "n_bx_1": net.b_x[:, None], "m_bz_1": net.b_z[:, None]}
    with h5py.File(path, "a") as f:
        group = f.require_group(f"NetNr{net_id}/final")
        for name, value in arrays.items():
            group.create_dataset(name, data=np.asarray(value, dtype=np.float64).T)
    return path


def ctxt_net():
    return random_network(n=N, n_in=5, n_ctx=2, seed=3, gain=1.2)


def swg_net():
    return random_network(n=N, n_in=1, n_ctx=1, seed=4, gain=1.2)


@pytest.fixture(scope="module")
def ctxt_weights(tmp_path_factory):
    return write_original_weights(tmp_path_factory.mktemp("weights") / "ctxt_weights.h5", ctxt_net())


@pytest.fixture(scope="module")
def ctxt_local(ctxt_weights):
    return s2_local_operative_dimensions(ctxt_weights, "ctxt", n_trials=CTXT_TRIALS)


# ---- shared set-up -------------------------------------------------------------------------------

def test_prepare_run_uses_the_scripts_defaults_and_seeds(ctxt_weights):
    run = prepare_run("s1", ctxt_weights, "ctxt")
    assert run.trials.n_trials == 12 * 5  # s1: 5 trials per context and coherency
    expected = context_integration_trials(5, True, MatlabTwisterStream(1000))
    np.testing.assert_array_equal(run.trials.inputs, expected.inputs)
    noise = draw_noise(MatlabTwisterStream(1001), 60, run.trials.inputs.shape[1], N)
    np.testing.assert_array_equal(run.noise, noise)
    s = run.settings
    assert (s.task, s.net_id, s.seed_run, s.seed_input, s.n_trials, s.stream) == (
        "ctxt", 1, 1001, 1000, 5, "MatlabTwisterStream")
    assert prepare_run("s3", swg_net(), "swg").trials.n_trials == 51 * 5


def test_prepare_run_without_noise(ctxt_weights):
    run = prepare_run("s1", ctxt_weights, "ctxt", net_noise=False, input_noise=False, n_trials=1)
    assert run.noise is None and run.net.noise_sigma == 0
    assert not run.settings.net_noise and not run.settings.input_noise
    # without input noise the sensory inputs are constant after the burn-in
    sensory = run.trials.inputs[:, 700:, :2]
    np.testing.assert_array_equal(sensory, np.broadcast_to(sensory[:, :1], sensory.shape))


def test_prepare_run_errors(ctxt_weights, tmp_path):
    with pytest.raises(ValueError, match="5 input"):
        prepare_run("s1", ctxt_weights, "swg")
    with pytest.raises(FileNotFoundError, match="nowhere.h5"):
        prepare_run("s1", tmp_path / "nowhere.h5", "ctxt")
    with pytest.raises(KeyError, match="no network 7"):
        prepare_run("s1", ctxt_weights, "ctxt", net_id=7)
    with pytest.raises(ValueError, match="n_trials"):
        prepare_run("s1", ctxt_weights, "ctxt", n_trials=0)
    with pytest.raises(ValueError, match="network type"):
        prepare_run("s1", ctxt_weights, "sine")


def test_principal_components_match_the_covariance_eigendecomposition():
    samples = np.random.default_rng(0).standard_normal((200, 5)) @ np.diag([3.0, 2.0, 1.0, 0.5, 0.1])
    components, variances = principal_components(samples)
    eigenvalues, eigenvectors = np.linalg.eigh(np.cov(samples, rowvar=False))
    np.testing.assert_allclose(variances, eigenvalues[::-1], rtol=1e-12)
    np.testing.assert_allclose(np.abs(components.T @ eigenvectors[:, ::-1]), np.eye(5), atol=1e-10)
    biggest = components[np.argmax(np.abs(components), axis=0), np.arange(5)]
    assert np.all(biggest > 0)  # MATLAB's sign convention


def test_condition_means_average_matching_trials_and_mark_empty_conditions():
    props = sampling_location_properties("swg")
    x = np.random.default_rng(1).standard_normal((4, 3, 2))
    freq_ids = np.array([1, 6, 1, 50])
    means = condition_averages(x, props, min_trials=0, freq_ids=freq_ids)
    np.testing.assert_allclose(means[0], x[[0, 2]].mean(axis=0))
    np.testing.assert_allclose(means[1], x[1])
    assert np.isnan(means[2:]).all()  # ids 11..51 (step 5) have no trial; 50 is no condition


# ---- s1 ------------------------------------------------------------------------------------------

def test_s1_variances_and_rank_sweep(ctxt_weights):
    result = s1_high_variance_dimensions(ctxt_weights, "ctxt", n_trials=1)
    net = io.load_network(ctxt_weights)
    s = np.linalg.svd(net.W, compute_uv=False)
    np.testing.assert_allclose(result.w_variance_explained, 100 * s**2 / np.sum(s**2), rtol=1e-12)
    run = prepare_run("s1", ctxt_weights, "ctxt", n_trials=1)
    full = simulate(run.net, run.trials.inputs, run.trials.condition_ids, noise=run.noise)
    latent = np.linalg.eigvalsh(np.cov(full.x.reshape(-1, N), rowvar=False))[::-1]
    np.testing.assert_allclose(result.activity_variances, latent, rtol=1e-8, atol=1e-12)
    assert result.activity_variance_explained.sum() == pytest.approx(100)
    # rank 3: W keeps its top 3 left singular vectors
    U = np.linalg.svd(net.W)[0]
    reduced = simulate(run.net, run.trials.inputs, run.trials.condition_ids,
                       W=remove_dimensions(net.W, U[:, 3:], "columns"), noise=run.noise)
    sweep = result.sweep
    np.testing.assert_array_equal(sweep.ranks, np.arange(1, N + 1))
    assert sweep.cost[2] == pytest.approx(float(mse(reduced.z, run.trials.targets)), rel=1e-10)
    assert sweep.state_distance[2] == pytest.approx(float(state_distance(reduced.x, full.x)), rel=1e-10)
    assert sweep.cost[-1] == pytest.approx(sweep.full_cost, rel=1e-10)
    assert sweep.state_distance[-1] == pytest.approx(0, abs=1e-10)


def test_s1_is_reproducible_and_depends_on_seed_run(ctxt_weights):
    a = s1_high_variance_dimensions(ctxt_weights, "ctxt", n_trials=1, ranks=[2])
    b = s1_high_variance_dimensions(ctxt_weights, "ctxt", n_trials=1, ranks=[2], stream=MatlabTwisterStream(7))
    c = s1_high_variance_dimensions(ctxt_weights, "ctxt", n_trials=1, ranks=[2], seed_run=5)
    np.testing.assert_array_equal(a.sweep.cost, b.sweep.cost)  # a given stream is reseeded as rng(seed)
    assert a.sweep.cost[0] != c.sweep.cost[0]


# ---- s2 ------------------------------------------------------------------------------------------

def test_s2_column_dimensions_follow_the_closed_form(ctxt_weights, ctxt_local):
    net = io.load_network(ctxt_weights)
    local = ctxt_local.local
    Wr = np.tanh(local.locations) @ net.W.T
    norms = np.linalg.norm(Wr, axis=1)
    np.testing.assert_allclose(local.dims[:, 0], Wr / norms[:, None], atol=1e-14)
    np.testing.assert_allclose(local.fvals[:, 0], -net.alpha * norms, rtol=1e-12)
    assert np.isnan(local.dims[:, 1:]).all() and np.isnan(local.fvals[:, 1:]).all()
    # the locations are the condition averages at the sampled times, in the original order
    run = prepare_run("s2", ctxt_weights, "ctxt", n_trials=CTXT_TRIALS)
    x = simulate(run.net, run.trials.inputs, run.trials.condition_ids, noise=run.noise).x
    props = ctxt_local.props
    for loc in (0, 37, 119):
        c, t = props.condition_index(loc), props.loc_times[loc]
        trials = ((run.trials.condition_ids == props.condition_contexts[c])
                  & (np.sign(run.trials.coherencies[:, 0]) == props.condition_sign_coh1[c])
                  & (np.sign(run.trials.coherencies[:, 1]) == props.condition_sign_coh2[c]))
        np.testing.assert_allclose(local.locations[loc], x[trials, t - 1].mean(axis=0), atol=1e-14)


def test_s2_file_round_trip_and_sampling_locations_from_file(ctxt_weights, ctxt_local, tmp_path):
    first = ctxt_local.save(tmp_path / "first.h5")
    local, _ = io.read_local_operative_dimensions(first)
    np.testing.assert_array_equal(local.dims, ctxt_local.local.padded().dims)
    np.testing.assert_array_equal(local.next_states, ctxt_local.local.next_states)
    # other noise would give other locations; taking them from the file reproduces the file
    again = s2_local_operative_dimensions(ctxt_weights, "ctxt", n_trials=CTXT_TRIALS, seed_run=5,
                                          sampling_locations=first)
    assert again.locations_from == str(first)
    second = again.save(tmp_path / "second.h5")
    with h5py.File(first) as a, h5py.File(second) as b:
        assert list(a) == list(b)
        for group in a:
            assert list(a[group]) == list(b[group])
            for name in a[group]:
                np.testing.assert_array_equal(a[group][name][()], b[group][name][()])
    with pytest.raises(FileExistsError, match="first.h5"):
        ctxt_local.save(first)


def test_s2_needs_trials_of_every_condition(ctxt_weights):
    with pytest.raises(ValueError, match="no trials of input condition"):
        s2_local_operative_dimensions(ctxt_weights, "ctxt", n_trials=1)


def test_s2_rows_greedy_orthonormal_and_in_the_original_draw_order():
    class Recording(MatlabTwisterStream):
        def __init__(self):
            self.calls = []
            super().__init__(0)

        def seed(self, seed):
            if hasattr(self, "calls"):
                self.calls.append(("seed", seed))
            super().seed(seed)

        def randn(self, shape):
            self.calls.append(("randn", tuple(shape)))
            return super().randn(shape)

    stream = Recording()
    result = s2_local_operative_dimensions(swg_net(), "swg", "rows", stream=stream, net_noise=False)
    assert result.row_method == "exact"
    local = result.local
    assert local.dims.shape[0] == 121 and local.dims.shape[1:] <= (N, N) and local.padded().dims.shape == (121, N, N)
    for dims, fvals in zip(local.dims[::30], local.fvals[::30]):
        found = ~np.isnan(fvals)
        q = dims[found]
        np.testing.assert_allclose(q @ q.T, np.eye(found.sum()), atol=1e-10)
        assert np.all(np.diff(np.abs(fvals[found])) <= 1e-12)  # greedy: each dimension matters less
    # per location: rng(seed_run), then the relaxation run's one step of noise (randn(N, 1))
    per_location = stream.calls[-2 * 121:]
    assert per_location == [("seed", 1001), ("randn", (N, 1))] * 121


# ---- s3 ------------------------------------------------------------------------------------------

def test_s3_from_a_result_a_file_or_computed_agree(ctxt_weights, ctxt_local, tmp_path):
    path = ctxt_local.save(tmp_path / "local.h5")
    from_result = s3_global_operative_dimensions(ctxt_weights, "ctxt", local_dims=ctxt_local, n_trials=1)
    from_file = s3_global_operative_dimensions(ctxt_weights, "ctxt", local_dims=path, n_trials=1)
    np.testing.assert_array_equal(from_result.global_dims.basis, from_file.global_dims.basis)
    np.testing.assert_array_equal(from_result.sweep.cost, from_file.sweep.cost)
    assert from_file.global_dims.local_dims_from == str(path)
    U, _ = global_operative_dimensions(ctxt_local.local.dims, ctxt_local.local.fvals, ctxt_local.props)
    np.testing.assert_array_equal(from_result.global_dims.basis, U)
    assert from_result.variance_explained.sum() == pytest.approx(100)
    assert from_result.sweep.cost[-1] == pytest.approx(from_result.sweep.full_cost, rel=1e-10)
    # computing the local dimensions (s2's defaults) where none are given
    s2_default = s2_local_operative_dimensions(ctxt_weights, "ctxt")
    computed = s3_global_operative_dimensions(ctxt_weights, "ctxt", n_trials=1, ranks=[1])
    U_default, _ = global_operative_dimensions(s2_default.local.dims, s2_default.local.fvals, s2_default.props)
    np.testing.assert_array_equal(computed.global_dims.basis, U_default)
    assert computed.global_dims.local_dims_from.startswith("computed")


def test_s3_combines_the_chosen_locations(ctxt_weights, ctxt_local):
    ctxt1 = s3_global_operative_dimensions(ctxt_weights, "ctxt", local_dims=ctxt_local,
                                           sampling_locs_to_combine="ctxt1", n_trials=1, ranks=[1])
    U, _ = global_operative_dimensions(ctxt_local.local.dims, ctxt_local.local.fvals, ctxt_local.props, "ctxt1")
    np.testing.assert_array_equal(ctxt1.global_dims.basis, U)
    assert ctxt1.global_dims.sampling_locs_to_combine == "ctxt1"
    with pytest.raises(ValueError, match="rows"):
        s3_global_operative_dimensions(ctxt_weights, "ctxt", "rows", local_dims=ctxt_local, n_trials=1)


def _s3_with_costs(cost, full_cost):
    cost = np.asarray(cost, dtype=float)
    return RankSweep(np.arange(1, cost.size + 1), cost, np.zeros_like(cost), full_cost)


def test_s3_summary_ranks():
    result = _s3_with_costs([1.0, 0.5, 0.05, 0.3, 0.095, 0.105, 0.1], full_cost=0.1)
    # at most 10% above the full cost (<= 0.11): rank 3 first (a cost below the full cost counts)
    assert result.rank_within_full_cost() == 3
    # range 0.9: stays below 0.1 + 0.09 = 0.19 from rank 5 on (rank 4 is 0.3)
    assert result.settled_rank() == 5
    assert _s3_with_costs([1.0, 0.5, 0.4], full_cost=0.1).settled_rank() is None
    assert _s3_with_costs([1.0, 0.5, 0.4], full_cost=0.1).rank_within_full_cost() is None


# ---- s4 ------------------------------------------------------------------------------------------

def test_s4_reduced_network_matches_an_independent_run(ctxt_weights, ctxt_local):
    result = s4_reduced_rank_network(ctxt_weights, "ctxt", rank=4, local_dims=ctxt_local, n_trials=1)
    run = prepare_run("s4", ctxt_weights, "ctxt", n_trials=1)
    U = result.global_dims.basis
    reduced = simulate(run.net, run.trials.inputs, run.trials.condition_ids,
                       W=remove_dimensions(run.net.W, U[:, 4:], "columns"), noise=run.noise)
    full = simulate(run.net, run.trials.inputs, run.trials.condition_ids, noise=run.noise)
    np.testing.assert_allclose(result.z_reduced, reduced.z, atol=1e-12)
    np.testing.assert_allclose(result.z_full, full.z, atol=1e-12)
    assert result.cost_reduced == pytest.approx(float(mse(reduced.z, run.trials.targets)), rel=1e-10)
    assert result.state_distance == pytest.approx(float(state_distance(reduced.x, full.x)), rel=1e-10)
    props = sampling_location_properties("ctxt")
    np.testing.assert_allclose(result.condition_averages_reduced,
                               condition_averages(reduced.x, props, min_trials=0,
                                                  condition_ids=run.trials.condition_ids,
                                                  coherencies=run.trials.coherencies), atol=1e-12)


def test_s4_full_rank_and_default_rank(ctxt_weights, ctxt_local):
    result = s4_reduced_rank_network(ctxt_weights, "ctxt", rank=N, local_dims=ctxt_local, n_trials=1)
    np.testing.assert_allclose(result.z_reduced, result.z_full, atol=1e-12)
    assert result.state_distance == pytest.approx(0, abs=1e-10)
    with pytest.raises(ValueError, match="default rank 15"):
        s4_reduced_rank_network(ctxt_weights, "ctxt", local_dims=ctxt_local, n_trials=1)
    with pytest.raises(ValueError, match="rank"):
        s4_reduced_rank_network(ctxt_weights, "ctxt", rank=N + 1, local_dims=ctxt_local, n_trials=1)


# ---- results on disk -----------------------------------------------------------------------------

def test_results_as_mat_and_h5(ctxt_weights, ctxt_local, tmp_path):
    result = s3_global_operative_dimensions(ctxt_weights, "ctxt", local_dims=ctxt_local, n_trials=1)
    mat, h5 = save_result(result, tmp_path / "s3")
    variables = io.load_mat(mat)
    np.testing.assert_array_equal(variables["mses"], result.sweep.cost.reshape(-1, 1))
    np.testing.assert_array_equal(variables["global_op_dims"], result.global_dims.basis)
    assert variables["settings"]["task"] == "ctxt"
    with h5py.File(h5) as f:
        np.testing.assert_array_equal(f["cost"][()], result.sweep.cost)
        assert f.attrs["seed_run"] == 1001
    with pytest.raises(FileExistsError, match="s3.mat"):
        save_result(result, tmp_path / "s3")
    assert save_result(result, tmp_path / "s3", ("h5",), overwrite=True) == [h5]
