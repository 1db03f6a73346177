"""opdims.io against the authors' files: exact loading, exact rewriting, summaries."""

import h5py
import numpy as np
import pytest

from opdims.cli import main
from opdims.core.sampling import sampling_location_properties
from opdims.data.sources import ORIGINAL_FILES
from opdims.io import (
    describe_file,
    detect_format,
    list_networks,
    load_mat,
    load_network,
    read_local_operative_dimensions,
    read_location_group,
    save_local_operative_dimensions,
    save_mat,
    save_network,
)
from opdims.matlab import utils

WEIGHTS = {"ctxt": "ctxt_weights", "swg": "swg_weights"}
COLUMNS = {"ctxt": "ctxt_columns", "swg": "swg_columns"}
NETWORK_FIELDS = {"W_in": "n_Wru_v", "W": "n_Wrr_n", "W_out": "m_Wzr_n", "x0": "n_x0_c",
                  "b_x": "n_bx_1", "b_z": "m_bz_1"}


def original(data_dir, key):
    return data_dir / ORIGINAL_FILES[key]


def bits(arr):
    """Bit pattern of a float64 array, so that NaN payloads and -0.0 count too."""
    return np.ascontiguousarray(arr, dtype=np.float64).view(np.uint64)


@pytest.mark.parametrize("task", ["ctxt", "swg"])
def test_every_array_of_every_network_loads_as_the_transposed_h5py_read(original_data, task):
    path = original(original_data, WEIGHTS[task])
    with h5py.File(path, "r") as f:
        groups = sorted(f, key=lambda name: int(name.removeprefix("NetNr")))
        assert len(groups) == 20
        for group in groups:
            for stage in ("final", "init"):
                net = load_network(path, int(group.removeprefix("NetNr")), stage)
                for field, name in NETWORK_FIELDS.items():
                    direct = f[f"{group}/{stage}/{name}"][()].T
                    loaded = getattr(net, field)
                    assert np.array_equal(bits(loaded), bits(direct.reshape(loaded.shape))), (group, stage, name)
                    if loaded.ndim == 2:
                        assert loaded.shape == direct.shape


@pytest.mark.parametrize("task, n_in, n_ctx", [("ctxt", 5, 2), ("swg", 1, 1)])
def test_load_weights_returns_the_original_outputs_and_shapes(original_data, task, n_in, n_ctx):
    path = original(original_data, WEIGHTS[task])
    arrays = utils.UtilsIO().load_weights(str(path), 7)
    assert [a.shape for a in arrays] == [(100, n_in), (100, 100), (1, 100), (100, n_ctx), (100, 1), (1, 1)]
    with h5py.File(path, "r") as f:
        for arr, name in zip(arrays, NETWORK_FIELDS.values()):
            assert np.array_equal(bits(arr), bits(f[f"NetNr7/final/{name}"][()].T))


@pytest.mark.parametrize("task", ["ctxt", "swg"])
def test_list_networks_finds_twenty_networks_with_both_stages_and_their_task(original_data, task):
    entries = list_networks(original(original_data, WEIGHTS[task]))
    assert [(e.net_id, e.stage) for e in entries] == [(k, s) for k in range(1, 21) for s in ("final", "init")]
    assert {e.task for e in entries} == {task}
    assert entries[4].where == "/NetNr3/final"


@pytest.mark.parametrize("task", ["ctxt", "swg"])
def test_rewriting_an_authors_local_dimension_file_gives_the_same_file_content(original_data, tmp_path, task):
    source = original(original_data, COLUMNS[task])
    local, props = read_local_operative_dimensions(source)
    assert props.task == task and local.dim_type == "columns"
    copy = save_local_operative_dimensions(tmp_path / "copy.h5", local, props)
    with h5py.File(source, "r") as a, h5py.File(copy, "r") as b:
        assert set(a) == set(b) and len(b) == props.n_locations
        assert dict(a.attrs) == dict(b.attrs) == {}
        for group in a:
            assert list(a[group]) == list(b[group])
            assert dict(b[group].attrs) == {}
            for name in a[group]:
                x, y = a[group][name], b[group][name]
                assert (y.shape, y.dtype, y.chunks, y.compression, y.compression_opts, y.shuffle) == \
                       (x.shape, x.dtype, x.chunks, x.compression, x.compression_opts, x.shuffle), (group, name)
                assert y.chunks == y.shape and y.compression_opts == 9 and y.dtype == np.float64
                assert dict(y.attrs) == {}
                assert (x.id.get_create_plist().fill_value_defined()
                        == y.id.get_create_plist().fill_value_defined())
                assert np.array_equal(np.isnan(x[()]), np.isnan(y[()]))
                assert np.array_equal(bits(x[()]), bits(y[()])), (group, name)


@pytest.mark.parametrize("task", ["ctxt", "swg"])
def test_load_local_op_dims_reads_the_authors_file_and_ours_alike(original_data, tmp_path, task):
    source = original(original_data, COLUMNS[task])
    local, props = read_local_operative_dimensions(source)
    copy = save_local_operative_dimensions(tmp_path / "ours.h5", local, props)
    UOD, USL = utils.UtilsOpDims(), utils.UtilsSamplingLocs()
    struct = USL.get_sampling_location_properties(task)
    dims_a, fvals_a = UOD.load_local_op_dims(str(source), 100, struct, task)
    dims_b, fvals_b = UOD.load_local_op_dims(str(copy), 100, struct, task)
    assert dims_a.shape == (props.n_locations, 100, 100) and fvals_a.shape == (props.n_locations, 100)
    assert np.array_equal(bits(dims_a), bits(dims_b)) and np.array_equal(bits(fvals_a), bits(fvals_b))
    with h5py.File(source, "r") as f:
        first = f[props.name(0)]
        assert np.array_equal(bits(dims_a[0]), bits(first["local_op_dims"][()].T))
        assert np.array_equal(bits(fvals_a[0]), bits(first["all_fvals"][()].reshape(-1)))


def test_the_location_groups_hold_their_location_and_next_state(original_data):
    """all_trajs_org(:, 1) is the sampling location and (:, 2) the full network's next state."""
    source = original(original_data, COLUMNS["ctxt"])
    net = load_network(original(original_data, WEIGHTS["ctxt"]), 1)
    local, _ = read_local_operative_dimensions(source)
    group = read_location_group(source, sampling_location_properties("ctxt").name(5))
    assert np.array_equal(group["all_trajs_org"][:, 0], group["sampling_loc"][0])
    x = local.locations
    expected = 0.9 * x + 0.1 * (np.tanh(x) @ net.W.T + net.b_x)
    np.testing.assert_allclose(local.next_states, expected, rtol=0, atol=1e-12)


def test_save_to_hdf5_rewrites_one_authors_group_exactly(original_data, tmp_path):
    source = original(original_data, COLUMNS["swg"])
    name = sampling_location_properties("swg").name(17)
    fields = read_location_group(source, name)
    out = tmp_path / "one_group.h5"
    utils.UtilsIO().save_to_hdf5(str(out), name, fields)
    with h5py.File(source, "r") as a, h5py.File(out, "r") as b:
        assert list(b) == [name]
        for key in a[name]:
            x, y = a[name][key], b[name][key]
            assert (y.shape, y.chunks, y.compression_opts) == (x.shape, x.chunks, x.compression_opts)
            assert np.array_equal(bits(x[()]), bits(y[()]))


@pytest.mark.parametrize("version", ["7", "7.3"])
def test_an_original_network_survives_a_mat_round_trip_bit_for_bit(original_data, tmp_path, version):
    net = load_network(original(original_data, WEIGHTS["ctxt"]), 4, "init")
    path = save_network(tmp_path / "net4.mat", net, version=version)
    assert detect_format(path) == ("mat-v5" if version == "7" else "mat-v7.3")
    again = load_network(path)
    for field in NETWORK_FIELDS:
        assert np.array_equal(bits(getattr(net, field)), bits(getattr(again, field)))
    assert load_mat(path)["m_Wzr_n"].shape == (1, 100)


def test_info_summarises_the_four_original_files(original_data, capsys):
    paths = [original(original_data, key) for key in ORIGINAL_FILES]
    assert main(["info", *map(str, paths)]) == 0
    out = capsys.readouterr().out
    assert out.count("network weights, 20 network(s) (id 1-20), stage(s): final, init") == 2
    assert out.count("ctxt (context-dependent integration)") == 20
    assert out.count("swg (sine-wave generation)") == 20
    assert "n_Wru_v  [100, 5]" in out and "n_Wru_v  [100, 1]" in out
    assert "sampling locations: 120 group(s), all 120 of the task's locations" in out
    assert "sampling locations: 121 group(s), all 121 of the task's locations" in out
    assert out.count("dimension type (guessed): columns") == 2
    assert out.count("dimensions computed per location: 1 at every location (of 100)") == 2


def test_info_reports_an_interrupted_local_dimension_run(original_data, tmp_path):
    """A file holding only the first locations (as the original leaves it when stopped) is described."""
    source = original(original_data, COLUMNS["ctxt"])
    props = sampling_location_properties("ctxt")
    partial = tmp_path / "partial.h5"
    for loc in range(10):
        utils.UtilsIO().save_to_hdf5(str(partial), props.name(loc), read_location_group(source, props.name(loc)))
    text = describe_file(partial)
    assert "sampling locations: 10 group(s), 10 of the task's 120 locations; missing 110" in text
    assert props.name(10) in text


def test_info_names_the_networks_of_a_mat_file(original_data, tmp_path):
    net = load_network(original(original_data, WEIGHTS["swg"]), 2)
    path = save_mat(tmp_path / "two.mat", {"NetNr2": {"final": net}, "NetNr5": {"final": net, "init": net}})
    text = describe_file(path)
    assert "2 network(s) (id 2, 5)" in text
    assert text.count("swg (sine-wave generation)") == 2
    assert "NetNr5.init.n_Wrr_n" in text
