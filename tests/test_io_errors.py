"""Bad input gets one clear error naming the file and the problem; writing is all or nothing."""

import h5py
import numpy as np
import pytest
import scipy.io
from synthetic import random_network

from opdims.cli import main
from opdims.core.sampling import sampling_location_properties
from opdims.dims.local_dims import local_column_dimensions
from opdims.io import (
    FileFormatError,
    NotInFileError,
    describe_file,
    detect_format,
    load_local_operative_dimensions,
    load_mat,
    load_network,
    network_variables,
    read_local_operative_dimensions,
    save_local_operative_dimensions,
    save_mat,
    save_network,
    save_networks_hdf5,
    save_to_hdf5,
)


def weights(**changes):
    """The six arrays of a 7-unit network (MATLAB orientation), with some replaced or (None) removed."""
    arrays = network_variables(random_network(n=7, n_in=3, n_out=1, n_ctx=2))
    arrays.update(changes)
    return {k: v for k, v in arrays.items() if v is not None}


def mat_with(tmp_path, **changes):
    path = tmp_path / "net.mat"
    scipy.io.savemat(path, weights(**changes))
    return path


def truncated(path):
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def listing(folder):
    return sorted(p.name for p in folder.iterdir())


# ---- reading -----------------------------------------------------------------------------------

def test_missing_file(tmp_path):
    path = tmp_path / "absent.h5"
    for call in (detect_format, load_network, load_mat, describe_file):
        with pytest.raises(FileNotFoundError, match=f"{path}: no such file"):
            call(path)


def test_a_file_that_is_neither_hdf5_nor_mat(tmp_path):
    path = tmp_path / "weights.h5"
    path.write_text("n_Wrr_n = [1 2; 3 4]\n")
    with pytest.raises(FileFormatError, match=r"weights.h5: neither an HDF5 file nor a MAT-file"):
        load_network(path)


def test_an_empty_file(tmp_path):
    path = tmp_path / "empty.mat"
    path.write_bytes(b"")
    with pytest.raises(FileFormatError, match=r"empty.mat: empty file \(0 bytes\)"):
        load_mat(path)


def test_a_plain_hdf5_file_is_not_a_mat_file(tmp_path):
    path = save_networks_hdf5(tmp_path / "w.h5", {1: random_network()})
    with pytest.raises(FileFormatError, match="plain HDF5 file, not a MAT-file"):
        load_mat(path)


@pytest.mark.parametrize("kind", ["hdf5", "mat-v5", "mat-v7.3"])
def test_truncated_files(tmp_path, kind):
    net = random_network(n=40)
    if kind == "hdf5":
        path = save_networks_hdf5(tmp_path / "w.h5", {1: net})
    else:
        path = save_network(tmp_path / "w.mat", net, version="7" if kind == "mat-v5" else "7.3")
    truncated(path)
    with pytest.raises(FileFormatError, match=r"w\.(h5|mat): .*truncated"):
        load_network(path)


def test_absent_network_id_lists_the_ones_present(tmp_path):
    path = save_networks_hdf5(tmp_path / "w.h5", {k: random_network(seed=k) for k in (1, 2, 3, 8)})
    with pytest.raises(NotInFileError, match=r"w.h5: no network 5; networks present: 1-3, 8") as info:
        load_network(path, 5)
    assert str(info.value).startswith(str(path))  # a KeyError, but printed without quotes
    with pytest.raises(NotInFileError, match=r"no network named 'net'; networks present: /NetNr1, /NetNr2"):
        load_network(path, "net")
    with pytest.raises(TypeError, match=r"net_id: expected a whole number or a struct name, got 1.5"):
        load_network(path, 1.5)
    assert load_network(path, "8").source.endswith("/NetNr8/final")


def test_absent_stage_and_bad_stage(tmp_path):
    path = save_networks_hdf5(tmp_path / "w.h5", {4: random_network()})
    with pytest.raises(NotInFileError, match=r"network 4 \(/NetNr4\) has no 'init' weights; stages present: final"):
        load_network(path, 4, "init")
    with pytest.raises(ValueError, match="stage: expected one of"):
        load_network(path, 4, "trained")


def test_a_file_without_networks_says_what_it_holds(tmp_path):
    path = save_mat(tmp_path / "other.mat", {"inputs": np.zeros((5, 3)), "targets": np.ones((1, 3))})
    with pytest.raises(FileFormatError, match=r"other.mat: no network weights found; .*holds: inputs, targets"):
        load_network(path)


def test_a_missing_array(tmp_path):
    path = mat_with(tmp_path, m_bz_1=None)
    with pytest.raises(FileFormatError, match=r"net.mat: \(top level\): missing m_bz_1; found"):
        load_network(path)


def test_a_misnamed_array_gets_a_suggestion(tmp_path):
    arrays = weights()
    arrays["n_Wrr"] = arrays.pop("n_Wrr_n")
    path = tmp_path / "misnamed.mat"
    scipy.io.savemat(path, arrays)
    with pytest.raises(FileFormatError, match=r"missing n_Wrr_n \(is 'n_Wrr' meant to be n_Wrr_n\?\)"):
        load_network(path)


def test_a_non_square_recurrent_matrix(tmp_path):
    path = mat_with(tmp_path, n_Wrr_n=np.ones((7, 6)))
    expected = r"n_Wrr_n: expected a square, non-empty \[N, N\] matrix, got size \[7, 6\]"
    with pytest.raises(FileFormatError, match=expected):
        load_network(path)


def test_inconsistent_sizes_name_the_array_and_the_expected_size(tmp_path):
    path = mat_with(tmp_path, n_bx_1=np.zeros((8, 1)))
    with pytest.raises(FileFormatError, match=r"n_bx_1: expected size \[7, 1\] .* got \[8, 1\]$"):
        load_network(path)


def test_a_transposed_array_gets_a_hint(tmp_path):
    path = mat_with(tmp_path, n_Wru_v=np.zeros((3, 7)))
    expected = r"n_Wru_v: expected size \[7, n_inputs\] .* got \[3, 7\] \(it looks transposed"
    with pytest.raises(FileFormatError, match=expected):
        load_network(path)


def test_non_finite_weights(tmp_path):
    W = np.eye(7)
    W[2, 4] = np.nan
    W[5, 0] = np.inf
    path = mat_with(tmp_path, n_Wrr_n=W)
    expected = r"n_Wrr_n: 2 non-finite value\(s\) \(NaN or Inf\), the first at \(3, 5\)"
    with pytest.raises(FileFormatError, match=expected):
        load_network(path)


def test_non_numeric_and_not_2d_arrays(tmp_path):
    with pytest.raises(FileFormatError, match=r"n_x0_c: expected a real numeric array, got MATLAB class 'char'"):
        load_network(mat_with(tmp_path, n_x0_c="zeros"))
    path = tmp_path / "3d.mat"
    save_mat(path, weights(n_Wrr_n=np.zeros((7, 7, 2))))
    with pytest.raises(FileFormatError, match=r"n_Wrr_n: expected a 2-D array, got size \[7, 7, 2\]"):
        load_network(path)


def test_local_dimensions_of_the_other_task(tmp_path):
    props = sampling_location_properties("swg")
    net = random_network(n=4, n_in=1, n_ctx=1)
    local = local_column_dimensions(net, np.random.default_rng(0).standard_normal((props.n_locations, 4)))
    path = save_local_operative_dimensions(tmp_path / "swg.h5", local, props)
    with pytest.raises(NotInFileError, match=r"no group /opt_dims_t1400Ctxt1Inps1_1 .*its groups are swg locations"):
        load_local_operative_dimensions(path, sampling_location_properties("ctxt"), 4)
    with pytest.raises(FileFormatError, match=r"local dimensions have 4 units, expected 100"):
        load_local_operative_dimensions(path, props, 100)
    with h5py.File(path, "r+") as f:
        del f[props.name(3)]["freq_id"]
        f[props.name(3)]["freq_id"] = np.array([[99.0]])
    with pytest.raises(FileFormatError, match=rf"/{props.name(3)}/freq_id: expected 1 \(from the group's name\)"):
        read_local_operative_dimensions(path)


def test_a_weights_file_is_not_a_local_dimension_file(tmp_path):
    path = save_networks_hdf5(tmp_path / "w.h5", {1: random_network()})
    with pytest.raises(FileFormatError, match="not a local-operative-dimension file"):
        read_local_operative_dimensions(path)


# ---- writing -----------------------------------------------------------------------------------

def test_existing_outputs_are_never_overwritten_unless_asked(tmp_path):
    net = random_network()
    path = tmp_path / "out.mat"
    path.write_bytes(b"precious")
    writers = [lambda **kw: save_network(path, net, **kw), lambda **kw: save_mat(path, {"a": 1.0}, **kw),
               lambda **kw: save_networks_hdf5(path, {1: net}, **kw)]
    for write in writers:
        with pytest.raises(FileExistsError, match=r"out.mat: exists already; pass overwrite=True"):
            write()
        assert path.read_bytes() == b"precious"
    save_network(path, net, overwrite=True)
    assert detect_format(path) == "mat-v5"


@pytest.mark.parametrize("version", ["7", "7.3"])
def test_a_failing_write_leaves_no_file_behind(tmp_path, monkeypatch, version):
    from opdims.io import matfile

    def fail_midway(path, *args, **kwargs):
        with open(path, "wb") as handle:
            handle.write(b"MATLAB half")
        raise OSError("disk full")

    def fail_in_a_variable(group, name, value):
        group.create_dataset("half", data=np.ones(10))
        raise OSError("disk full")

    if version == "7.3":
        monkeypatch.setattr(matfile, "_write_h5_value", fail_in_a_variable)
    else:
        monkeypatch.setattr(matfile.scipy.io, "savemat", fail_midway)
    with pytest.raises(OSError, match="disk full"):
        save_mat(tmp_path / "r.mat", {"x": np.ones(3)}, version=version)
    assert listing(tmp_path) == []


def test_a_failing_local_dimension_write_leaves_no_file_behind(tmp_path, monkeypatch):
    from opdims.io import local_dims_file
    props = sampling_location_properties("swg")
    local = local_column_dimensions(random_network(n=3, n_in=1, n_ctx=1), np.ones((props.n_locations, 3)))
    calls = []

    def fail_on_the_fiftieth(group, name, value):
        calls.append(name)
        if len(calls) == 50:
            raise OSError("disk full")
        return original(group, name, value)

    original = local_dims_file.write_matlab_dataset
    monkeypatch.setattr(local_dims_file, "write_matlab_dataset", fail_on_the_fiftieth)
    with pytest.raises(OSError, match="disk full"):
        save_local_operative_dimensions(tmp_path / "dims.h5", local, props)
    assert listing(tmp_path) == []


def test_save_to_hdf5_adds_groups_but_never_replaces_a_dataset(tmp_path):
    path = tmp_path / "dims.h5"
    save_to_hdf5(path, "g1", {"a": np.arange(3.0), "b": 2})
    save_to_hdf5(path, "g2", {"a": 1.0})
    before = path.read_bytes()
    with pytest.raises(FileExistsError, match=r"dims.h5: /g1/b exist\(s\) already; nothing was written"):
        save_to_hdf5(path, "g1", {"c": 1.0, "b": 3.0})
    assert path.read_bytes() == before
    with h5py.File(path, "r") as f:
        assert sorted(f) == ["g1", "g2"] and f["g1/a"].shape == (3, 1) and f["g1/b"].shape == (1, 1)


def test_save_to_hdf5_removes_a_half_written_group(tmp_path, monkeypatch):
    from opdims.io import original_h5
    path = save_to_hdf5(tmp_path / "dims.h5", "g1", {"a": 1.0})
    original = original_h5.write_matlab_dataset

    def fail_on_b(group, name, value):
        if name == "b":
            raise OSError("disk full")
        return original(group, name, value)

    monkeypatch.setattr(original_h5, "write_matlab_dataset", fail_on_b)
    with pytest.raises(OSError, match="disk full"):
        save_to_hdf5(path, "g2", {"a": 1.0, "b": 2.0})
    with h5py.File(path, "r") as f:
        assert list(f) == ["g1"]


def test_bad_values_and_names_are_refused_before_anything_is_written(tmp_path):
    path = tmp_path / "r.mat"
    with pytest.raises(ValueError, match=r"r.mat: variable: '2fast' is not a valid MATLAB name"):
        save_mat(path, {"2fast": 1.0})
    with pytest.raises(ValueError, match=r"r.mat: s: 'x-y' is not a valid MATLAB name"):
        save_mat(path, {"s": {"x-y": 1.0}})
    with pytest.raises(ValueError, match=r"r.mat: z: cannot store complex values; expected real numbers"):
        save_mat(path, {"z": np.ones(2) * 1j})
    with pytest.raises(ValueError, match=r"version: expected one of"):
        save_mat(path, {"a": 1.0}, version="6")
    with pytest.raises(TypeError, match=r"dims.h5: /g/s: expected a real numeric array"):
        save_to_hdf5(tmp_path / "dims.h5", "g", {"s": "text"})
    assert listing(tmp_path) == []


def test_writing_into_a_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="folder .*nowhere does not exist"):
        save_mat(tmp_path / "nowhere" / "r.mat", {"a": 1.0})


# ---- the command line --------------------------------------------------------------------------

def test_info_errors_are_one_line_and_exit_non_zero(tmp_path, capsys):
    good = save_network(tmp_path / "good.mat", random_network())
    bad = tmp_path / "bad.h5"
    bad.write_text("not a file format")
    assert main(["info", str(bad), str(good), str(tmp_path / "absent.mat")]) == 1
    captured = capsys.readouterr()
    errors = captured.err.strip().splitlines()
    assert len(errors) == 2 and "Traceback" not in captured.err
    assert errors[0].startswith(f"opdims info: error: {bad}: neither an HDF5 file nor a MAT-file")
    assert errors[1] == f"opdims info: error: {tmp_path / 'absent.mat'}: no such file"
    assert "network weights, 1 network(s) (id 1)" in captured.out


def test_info_flags_a_network_that_does_not_load(tmp_path, capsys):
    W = np.eye(7)
    W[0, 0] = np.inf
    path = mat_with(tmp_path, n_Wrr_n=W)
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "final: n_Wrr_n: 1 non-finite value(s) (NaN or Inf), the first at (1, 1)" in out
