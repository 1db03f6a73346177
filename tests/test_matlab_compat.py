"""The compatibility layer: the original's names, shapes, 1-based ids and structs."""

import numpy as np
import pytest
from synthetic import random_network

import opdims
from opdims.core.random import MatlabTwisterStream, RecordedDraw, ReplayStream
from opdims.matlab import Struct, get_stream, rng, run_rnn, set_stream, utils, vec


def matlab_weights(net):
    return (net.W_in, net.W, net.W_out, net.x0, net.b_x[:, None], net.b_z[:, None])


def test_run_rnn_shapes_and_equality_with_the_core():
    net = random_network(6, n_in=2, n_out=1, n_ctx=2, seed=1)
    inputs = np.random.default_rng(0).standard_normal((2, 9, 3))  # [n_in, T, trials]
    rng(5)
    n_r_t, m_z_t, n_r0_1, n_x_t, n_x0_1 = run_rnn(*matlab_weights(net), 0.001, 0.01, 0.1, inputs, [1, 2, 2])
    assert n_x_t.shape == (6, 9, 3) and m_z_t.shape == (1, 9, 3) and n_x0_1.shape == (6, 3)
    core = opdims.simulate(net, np.transpose(inputs, (2, 1, 0)), [1, 2, 2], stream=MatlabTwisterStream(5))
    np.testing.assert_array_equal(n_x_t, np.transpose(core.x, (2, 1, 0)))
    np.testing.assert_array_equal(n_r0_1, np.tanh(net.x0[:, [0, 1, 1]]))
    # one trial: MATLAB drops the trailing singleton axis
    out = run_rnn(*matlab_weights(net), 0.001, 0.01, 0.0, inputs[:, :, 0], [2])
    assert out[3].shape == (6, 9)


def test_forward_pass_reseeds_and_draws_even_without_noise():
    net = random_network(5, n_in=1, seed=2)
    inputs = np.zeros((1, 4, 2))
    a = utils.run_one_forwardPass(*matlab_weights(net), inputs, [1, 1], 7, "default")
    b = utils.run_one_forwardPass(*matlab_weights(net), inputs, [1, 1], 7, 0.1)
    np.testing.assert_array_equal(a.n_x_t, b.n_x_t)
    assert set(a.fields()) == {"n_r_t", "m_z_t", "n_r0_1", "n_x_t", "n_x0_1"}
    replay = ReplayStream([RecordedDraw("randn", np.zeros((5, 4))), RecordedDraw("randn", np.zeros((5, 4)))])
    old = set_stream(replay)
    try:
        utils.run_one_forwardPass(*matlab_weights(net), inputs, [1, 1], [], 0)
        assert replay.exhausted
    finally:
        set_stream(old)
    with pytest.raises(ValueError, match="net_noise"):
        utils.run_one_forwardPass(*matlab_weights(net), inputs, [1, 1], [], "loud")


def test_small_functions():
    assert vec(np.array([[1, 2], [3, 4]])).ravel().tolist() == [1, 3, 2, 4]
    np.testing.assert_allclose(utils.make_unit_length(np.array([3.0, 4.0])), [0.6, 0.8])
    W = np.random.default_rng(0).standard_normal((4, 4))
    for empty in ([], None, np.zeros((4, 0))):
        np.testing.assert_array_equal(utils.remove_dimension_from_weight_matrix(W, empty, "rows"), W)
    z = np.zeros((1, 3, 2))
    t = np.ones((1, 3, 2))
    t[0, :, 1] = 3
    assert utils.get_mse(z, t, "all") == 5.0 and utils.get_mse(z, t, [2]) == 9.0
    assert utils.get_state_distance_between_trajs(np.zeros((2, 3)), np.ones((2, 3))) == pytest.approx(np.sqrt(2))
    with pytest.raises(ValueError):
        utils.get_mse(z, t, "some")


def test_sampling_loc_struct_fields_in_original_order_and_maps():
    USL = utils.UtilsSamplingLocs()
    p = USL.get_sampling_location_properties("ctxt")
    assert p.fields() == ["inpCond_names", "ctxt_per_inpCond", "signCoh1_per_inpCond", "signCoh2_per_inpCond",
                          "t_sampling_locs_per_cond", "t_start_pt_per_loc", "ctxt_per_loc", "signCoh1_per_loc",
                          "signCoh2_per_loc"]
    assert p.t_start_pt_per_loc.shape == (1, 120)
    s = USL.get_sampling_location_properties("swg")
    assert s.fields() == ["inpCond_names", "freq_idx_per_inpCond", "t_sampling_locs_per_cond",
                          "t_start_pt_per_loc", "freq_idx_per_loc"]
    assert USL.map_optLocNr_to_startPtNr(1, p) == 15 and USL.map_optLocNr_to_inpCondNr(1, p, "ctxt") == 1
    assert USL.map_optLocNr_to_startPtNr(121, s) == 11 and USL.map_optLocNr_to_inpCondNr(121, s, "swg") == 11
    as_dict = {k: getattr(p, k) for k in p.fields()}  # a plain dict works too
    assert USL.map_optLocNr_to_inpCondNr(120, as_dict, "ctxt") == 8  # Ctxt2-neg-incoh
    with pytest.raises(ValueError, match="network type"):
        USL.get_sampling_location_properties("rnn")
    UOD = utils.UtilsOpDims()
    assert UOD.get_name_of_local_operative_dims("ctxt", 100, 2, -1, 1, []) == "opt_dims_t100Ctxt2Inps-1_1"
    assert UOD.get_name_of_local_operative_dims("swg", 1, [], [], [], 46) == "opt_dims_t1Freq46"


def test_cond_avg_locations_in_matlab_orientation():
    USL = utils.UtilsSamplingLocs()
    p = USL.get_sampling_location_properties("ctxt")
    rng(1)
    coh, ids, inputs, targets = utils.input_generation.InputGeneratorCtxt().get_ctxt_dep_integrator_inputOutputDataset(2, 0)
    assert coh.shape == (2, 24) and ids.shape == (1, 24) and inputs.shape == (5, 1400, 24)
    activity = np.random.default_rng(0).standard_normal((3, 1400, 24))
    locs = USL.get_sampling_locs_on_condAvgTrajs_ctxt(activity, p, ids, coh)
    assert locs.shape == (8, 3, 15)
    for c in range(8):
        mask = ((ids[0] == p.ctxt_per_inpCond[0, c]) & (np.sign(coh[0]) == p.signCoh1_per_inpCond[0, c])
                & (np.sign(coh[1]) == p.signCoh2_per_inpCond[0, c]))
        if mask.any():
            np.testing.assert_allclose(locs[c, :, 14], activity[:, 1399, mask].mean(axis=1))
        else:
            assert np.isnan(locs[c]).all()


def test_neg_delta_ff_matches_the_core_for_both_tasks_and_types():
    net = random_network(6, n_in=5, n_ctx=2, seed=3)
    rng(0)
    loc = np.random.default_rng(1).standard_normal(6)
    nxt = opdims.relax_step(net, loc)
    params = {"sampling_loc": loc[None], "all_trajs_org": np.column_stack([loc, nxt]), "ctxt_id": 2}
    x0 = np.random.default_rng(2).standard_normal((6, 1))
    prev = np.linalg.qr(np.random.default_rng(3).standard_normal((6, 2)))[0]
    for network_type in ("ctxt", "swg"):
        for dim_type in ("columns", "rows"):
            f = utils.get_neg_deltaFF(x0, prev, params, net.W_in, net.W, net.W_out, net.b_x[:, None],
                                      net.b_z[:, None], dim_type, network_type)
            q = opdims.orthonormalize_against(x0, prev)
            assert f == pytest.approx(-opdims.delta_f(net, loc, q, dim_type, nxt), rel=1e-12)
    with pytest.raises(ValueError, match="network type"):
        utils.get_neg_deltaFF(x0, [], params, net.W_in, net.W, net.W_out, net.b_x, net.b_z, "rows", "xyz")


def test_rng_default_and_set_stream_type_check():
    rng("default")
    assert get_stream().rand((1, 1))[0, 0] == pytest.approx(0.8147236863931789)
    with pytest.raises(TypeError):
        set_stream(object())
    with pytest.raises(ValueError):
        rng("shuffle")
    assert isinstance(Struct(a=1)["a"], int)


def test_s3_script_translated_line_by_line_runs(original_data):
    """s3_analysis_global_operative_dimensions.m, line by line (trials cut to 1, ranks to 3)."""
    UIO = utils.UtilsIO()
    UOD = utils.UtilsOpDims()
    USL = utils.UtilsSamplingLocs()
    net_id, network_type, dim_type = 1, "ctxt", "columns"
    seed_run, seed_input = 1001, 1000
    path_to_weights = str(original_data / "pretrained_networks" / network_type / f"{network_type}_weights.h5")
    n_Wru_v, n_Wrr_n, m_Wzr_n, n_x0_c, n_bx_1, m_bz_1 = UIO.load_weights(path_to_weights, net_id)
    n_units = n_Wrr_n.shape[0]
    net_noise = "default"
    rng(seed_input)
    InpGenCtxt = utils.input_generation.InputGeneratorCtxt()
    coherencies_trial, conditionIds, inputs, targets = InpGenCtxt.get_ctxt_dep_integrator_inputOutputDataset(1, 1)
    sampling_loc_props = USL.get_sampling_location_properties(network_type)
    inputfilename = str(original_data / "local_operative_dimensions" / f"localOpDims_{network_type}_{dim_type}.h5")
    all_local_op_dims, all_fvals = UOD.load_local_op_dims(inputfilename, n_units, sampling_loc_props, network_type)
    global_op_dims, singular_values_of_global_op_dims = UOD.get_global_operative_dimensions(
        "all", sampling_loc_props, all_local_op_dims, all_fvals)
    var_of_global_op_dims = singular_values_of_global_op_dims ** 2
    explained = np.diag(var_of_global_op_dims) / var_of_global_op_dims.sum() * 100
    forwardPass_org = utils.run_one_forwardPass(n_Wru_v, n_Wrr_n, m_Wzr_n, n_x0_c, n_bx_1, m_bz_1,
                                                inputs, conditionIds, seed_run, net_noise)
    mses, statedists_to_org = [], []
    for dim_nr in (1, 15, n_units):
        n_Wrr_n_modified = utils.remove_dimension_from_weight_matrix(
            n_Wrr_n, global_op_dims[:, dim_nr:n_units], dim_type)
        forwardPass = utils.run_one_forwardPass(n_Wru_v, n_Wrr_n_modified, m_Wzr_n, n_x0_c, n_bx_1, m_bz_1,
                                                inputs, conditionIds, seed_run, net_noise)
        mses.append(utils.get_mse(forwardPass.m_z_t, targets, "all"))
        statedists_to_org.append(utils.get_state_distance_between_trajs(forwardPass.n_x_t, forwardPass_org.n_x_t))
    assert explained.shape == (100,) and explained.sum() == pytest.approx(100)
    assert all_local_op_dims.shape == (120, 100, 100)
    assert statedists_to_org[-1] == 0 and mses[0] > mses[1]
    assert mses[-1] == pytest.approx(utils.get_mse(forwardPass_org.m_z_t, targets, "all"))
