"""MAT-files and the original layout without the authors' data: round trips, formats, converters."""

import h5py
import numpy as np
import pytest
import scipy.io
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from synthetic import random_network

from opdims import (
    NumpyStream,
    context_integration_trials,
    global_operative_dimensions,
    local_column_dimensions,
    rank_sweep,
    simulate,
    sine_wave_trials,
)
from opdims.io import (
    describe_file,
    detect_format,
    global_dims_variables,
    list_networks,
    load_mat,
    load_network,
    matlab_variables,
    network_variables,
    save_mat,
    save_network,
    save_networks_hdf5,
)
from opdims.matlab import Struct, utils

VERSIONS = ["7", "7.3"]
FORMAT_OF = {"7": "mat-v5", "7.3": "mat-v7.3"}


def bits(arr):
    arr = np.ascontiguousarray(arr)
    return arr.view(f"u{arr.dtype.itemsize}") if arr.dtype.kind == "f" else arr


def same_network(a, b) -> bool:
    """Every weight array equal bit for bit (Network's == compares arrays elementwise)."""
    fields = ("W_in", "W", "W_out", "x0", "b_x", "b_z")
    return all(np.array_equal(bits(getattr(a, f)), bits(getattr(b, f))) for f in fields)


float_arrays = hnp.arrays(
    dtype=st.sampled_from([np.float64, np.float32]),
    shape=hnp.array_shapes(min_dims=2, max_dims=4, min_side=1, max_side=5),
    elements={"allow_nan": True, "allow_infinity": True, "allow_subnormal": True})


@pytest.mark.parametrize("version", VERSIONS)
@settings(max_examples=25, deadline=None)
@given(arr=float_arrays)
def test_float_arrays_round_trip_bit_for_bit(tmp_path_factory, version, arr):
    path = tmp_path_factory.mktemp("rt") / "a.mat"
    save_mat(path, {"a": arr}, version=version)
    back = load_mat(path)["a"]
    assert back.shape == arr.shape and back.dtype == arr.dtype
    assert np.array_equal(bits(back), bits(arr))


@pytest.mark.parametrize("version", VERSIONS)
def test_special_values_and_every_numeric_class_round_trip(tmp_path, version):
    special = np.array([[np.nan, -np.nan, np.inf, -np.inf, 0.0, -0.0, 5e-324, 1.7976931348623157e308]])
    special[0, 1] = np.frombuffer(np.uint64(0x7FF4000000000001).tobytes(), dtype=np.float64)[0]  # a signalling NaN
    values = {"special": special, "i8": np.array([[-128, 127]], dtype=np.int8),
              "u64": np.array([[0, 2**64 - 1]], dtype=np.uint64), "i32": np.arange(6, dtype=np.int32).reshape(2, 3),
              "flag": np.array([[True, False], [False, True]])}
    path = save_mat(tmp_path / "v.mat", values, version=version)
    back = load_mat(path)
    for name, arr in values.items():
        got = back[name]
        if name == "flag" and version == "7":
            got = got.astype(bool)  # scipy reads MATLAB logicals back as uint8
        assert got.shape == arr.shape and got.dtype == arr.dtype, name
        assert np.array_equal(bits(got), bits(arr)), name


@pytest.mark.parametrize("version", VERSIONS)
def test_structs_strings_cells_scalars_and_vectors(tmp_path, version):
    values = {"s": Struct(alpha=np.ones((3, 1)), inner={"label": "ctxt", "k": 3}),
              "names": ["Ctxt1-pos-coh", "Freq1"], "row": np.arange(4.0), "ids": [1, 2, 3], "scalar": 2.5,
              "nothing": None}
    back = load_mat(save_mat(tmp_path / "s.mat", values, version=version))
    assert list(back["s"]) == ["alpha", "inner"]
    assert back["s"]["inner"]["label"] == "ctxt"
    assert back["s"]["inner"]["k"].shape == (1, 1) and back["s"]["inner"]["k"].dtype == np.float64
    assert back["names"].shape == (1, 2) and list(back["names"].reshape(-1)) == values["names"]
    assert back["row"].shape == (1, 4) and back["scalar"].shape == (1, 1) and back["nothing"].shape == (0, 0)
    assert back["ids"].dtype == np.float64 and back["ids"].tolist() == [[1.0, 2.0, 3.0]]
    column = load_mat(save_mat(tmp_path / "c.mat", {"v": np.arange(4.0)}, version=version, oned_as="column"))
    assert column["v"].shape == (4, 1)


@pytest.mark.parametrize("version", VERSIONS)
def test_mat_files_hold_matlab_orientation(tmp_path, version):
    """A NumPy array of shape (a, b, c) is MATLAB size [a, b, c] with the same element at each index."""
    arr = np.arange(24.0).reshape(2, 3, 4)
    path = save_mat(tmp_path / "o.mat", {"x": arr}, version=version)
    if version == "7":
        assert scipy.io.loadmat(path)["x"][1, 2, 3] == 23.0
    else:
        with h5py.File(path, "r") as f:  # column-major on disk: h5py sees the axes reversed
            assert f["x"].shape == (4, 3, 2) and f["x"][3, 2, 1] == 23.0
            assert f["x"].attrs["MATLAB_class"] == b"double"
        with open(path, "rb") as handle:
            header = handle.read(128)
        assert header.startswith(b"MATLAB 7.3 MAT-file") and header[124:128] == b"\x00\x02IM"


def test_format_comes_from_the_header_not_the_extension(tmp_path):
    net = random_network()
    as_h5 = save_mat(tmp_path / "weights.h5", network_variables(net))  # a MAT-file named .h5
    as_mat = save_networks_hdf5(tmp_path / "weights.mat", {1: net})
    as_v73 = save_mat(tmp_path / "noext", network_variables(net), version="7.3")
    assert (detect_format(as_h5), detect_format(as_mat), detect_format(as_v73)) == ("mat-v5", "hdf5", "mat-v7.3")
    for path in (as_h5, as_mat, as_v73):
        assert same_network(load_network(path), net)


def test_networks_are_found_at_top_level_in_structs_and_in_netnr_groups(tmp_path):
    a, b, c = (random_network(seed=s) for s in range(3))
    top = save_network(tmp_path / "top.mat", a)
    nested = save_mat(tmp_path / "nested.mat", {"first": matlab_variables(a), "second": {"net": b}})
    netnr = save_mat(tmp_path / "netnr.mat", {"NetNr3": {"final": a, "init": b}, "NetNr7": {"final": c}},
                     version="7.3")
    assert [(e.net_id, e.container) for e in list_networks(top)] == [(1, "(top level)")]
    assert [(e.net_id, e.container) for e in list_networks(nested)] == [(1, "first"), (2, "second.net")]
    assert same_network(load_network(nested, 2), b) and same_network(load_network(nested, "net"), b)
    assert same_network(load_network(nested, "first"), a)
    assert [(e.net_id, e.stage) for e in list_networks(netnr)] == [(3, "final"), (3, "init"), (7, "final")]
    assert same_network(load_network(netnr, 3, "init"), b) and same_network(load_network(netnr, 7), c)


def test_original_layout_networks_round_trip_with_both_stages(tmp_path):
    nets = {2: {"final": random_network(seed=1), "init": random_network(seed=2)}, 9: random_network(seed=3)}
    path = save_networks_hdf5(tmp_path / "w.h5", nets)
    with h5py.File(path, "r") as f:
        ds = f["NetNr2/init/n_Wru_v"]
        assert ds.shape == (3, 7) and ds.chunks == ds.shape and ds.compression_opts == 9
        assert f["NetNr9/final/n_bx_1"].shape == (1, 7)  # MATLAB [7, 1]
    assert same_network(load_network(path, 2, "init"), nets[2]["init"])
    assert same_network(load_network(path, 9), nets[9])
    loaded = utils.UtilsIO().load_weights(str(path), 2)
    assert [x.shape for x in loaded] == [(7, 3), (7, 7), (1, 7), (7, 2), (7, 1), (1, 1)]


@pytest.mark.parametrize("version", VERSIONS)
def test_results_are_saved_in_matlab_orientation(tmp_path, version):
    net = random_network(n=6, n_in=5, n_ctx=2)
    trials = context_integration_trials(1, input_noise=False, stream=NumpyStream(0))
    traj = simulate(net, trials.inputs, trials.condition_ids, stream=NumpyStream(1))
    locations = traj.x[:3, 40]
    local = local_column_dimensions(net, locations)
    U, s = global_operative_dimensions(local.dims, local.fvals)
    sweep = rank_sweep(net, U, "columns", trials.inputs, trials.condition_ids, trials.targets, ranks=[1, 3],
                       noise=np.zeros_like(traj.x))
    variables = {"fp": traj, "trials": trials, "local": local, "sweep": sweep, **global_dims_variables(U, s)}
    back = load_mat(save_mat(tmp_path / "r.mat", variables, version=version))
    B, T, N = traj.x.shape
    assert back["fp"]["n_x_t"].shape == (N, T, B) and back["fp"]["m_z_t"].shape == (1, T, B)
    assert back["fp"]["n_x0_1"].shape == (N, B)
    assert back["fp"]["n_x_t"][4, 40, 2] == traj.x[2, 40, 4]
    assert back["trials"]["inputs"].shape == (5, T, B) and back["trials"]["conditionIds"].shape == (1, B)
    assert back["trials"]["coherencies_trial"].shape == (2, B)
    assert back["local"]["all_local_op_dims"].shape == (3, local.trimmed().dims.shape[1], N)
    assert back["local"]["dim_type"] == "columns"
    assert np.array_equal(back["local"]["all_local_op_dims"], local.trimmed().dims, equal_nan=True)
    assert back["sweep"]["mses"].shape == (2, 1) and back["sweep"]["mses"][1, 0] == sweep.cost[1]
    assert np.array_equal(np.diag(back["singular_values_of_global_op_dims"]), s)
    assert np.array_equal(back["global_op_dims"], U)


def test_sine_wave_trials_convert_under_the_generator_names():
    data = sine_wave_trials(4)
    variables = matlab_variables(data)
    assert variables["all_freqs"].shape == (1, 4) and variables["all_freq_ids"].shape == (4, 1)
    assert variables["inputs"].shape == (1, data.inputs.shape[1], 4)


def test_info_lists_what_other_files_hold(tmp_path):
    with h5py.File(tmp_path / "other.h5", "w") as f:
        f["group/values"] = np.zeros((4, 2))  # h5py (4, 2): MATLAB [2, 4]
    text = describe_file(tmp_path / "other.h5")
    assert "/group         group with 1 entries" in text and "/group/values  double [2, 4]" in text
    mat = save_mat(tmp_path / "r.mat", {f"v{i}": float(i) for i in range(45)})
    text = describe_file(mat)
    assert "v39  double [1, 1]" in text and "v40" not in text and "... (5 more)" in text
