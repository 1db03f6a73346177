"""MAT-files written by opdims, loaded by GNU Octave: MATLAB's sizes, classes and values.

Octave loads each file, reports every variable's class and size, uses the
weights as MATLAB code does, and saves everything back with its own writer;
the values it saves must equal what opdims wrote, bit for bit. GNU Octave 7
reads v7.3 files as plain HDF5 (numeric arrays and structs only), so the
v7.3 check holds doubles and structs.
"""

import shutil
import subprocess

import numpy as np
import pytest
import scipy.io
from synthetic import random_network

from opdims import NumpyStream, context_integration_trials, simulate
from opdims.io import network_variables, save_mat, trajectory_variables

OCTAVE = shutil.which("octave-cli")
pytestmark = pytest.mark.skipif(OCTAVE is None, reason="octave-cli not found: install GNU Octave "
                                                       "(apt-get install octave) to check MAT-files in Octave")

SCRIPT = """
s = load('in.mat');
fid = fopen('sizes.txt', 'w');
names = fieldnames(s);
for i = 1:numel(names)
  fprintf(fid, '%s %s %s\\n', names{i}, class(s.(names{i})), mat2str(size(s.(names{i}))));
end
fields = fieldnames(s.fp);
for i = 1:numel(fields)
  fprintf(fid, 'fp.%s %s %s\\n', fields{i}, class(s.fp.(fields{i})), mat2str(size(s.fp.(fields{i}))));
end
fclose(fid);
next_state = 0.9 * s.n_x0_c(:, 2) + 0.1 * (s.n_Wrr_n * tanh(s.n_x0_c(:, 2)) + s.n_Wru_v * ones(3, 1) + s.n_bx_1);
output = s.m_Wzr_n * tanh(next_state) + s.m_bz_1;
s.octave_next_state = next_state;
s.octave_output = output;
save('-v7', 'out.mat', '-struct', 's');
"""


def bits(arr):
    return np.ascontiguousarray(arr, dtype=np.float64).view(np.uint64)


def run_in_octave(folder):
    result = subprocess.run([OCTAVE, "--norc", "--quiet", "--eval", SCRIPT], cwd=folder, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    sizes = {}
    for line in (folder / "sizes.txt").read_text().splitlines():
        name, cls, size = line.split(" ", 2)
        sizes[name] = (cls, tuple(int(d) for d in size.strip("[]").split()))
    return sizes, scipy.io.loadmat(folder / "out.mat", squeeze_me=False)


@pytest.mark.parametrize("version", ["7", "7.3"])
def test_octave_loads_opdims_mat_files_with_matlab_sizes_and_values(tmp_path, version):
    net = random_network(n=7, n_in=3, n_out=1, n_ctx=2)
    trials = context_integration_trials(1, input_noise=False, stream=NumpyStream(0))
    net5 = random_network(n=7, n_in=5, n_out=1, n_ctx=2)
    traj = simulate(net5, trials.inputs[:3, :20], trials.condition_ids[:3], stream=NumpyStream(1))
    written = {**network_variables(net), "fp": traj, "cube": np.arange(24.0).reshape(2, 3, 4) / 7}
    if version == "7":
        written.update(label="ctxt", flags=np.array([[True, False]]), counts=np.array([[1, 2, 3]], dtype=np.int32))
    save_mat(tmp_path / "in.mat", written, version=version)

    sizes, back = run_in_octave(tmp_path)

    expected = {"n_Wru_v": (7, 3), "n_Wrr_n": (7, 7), "m_Wzr_n": (1, 7), "n_x0_c": (7, 2), "n_bx_1": (7, 1),
                "m_bz_1": (1, 1), "cube": (2, 3, 4), "fp.n_x_t": (7, 20, 3), "fp.n_r_t": (7, 20, 3),
                "fp.m_z_t": (1, 20, 3), "fp.n_x0_1": (7, 3), "fp.n_r0_1": (7, 3)}
    for name, shape in expected.items():
        assert sizes[name] == ("double", shape), name
    assert sizes["fp"] == ("struct", (1, 1))
    if version == "7":
        assert sizes["label"] == ("char", (1, 4)) and sizes["flags"] == ("logical", (1, 2))
        assert sizes["counts"] == ("int32", (1, 3))
        assert back["label"][0] == "ctxt" and back["counts"].dtype == np.int32

    for name, value in network_variables(net).items():
        if isinstance(value, str):  # Octave 7 loads a v7.3 char as its uint16 codes (MATLAB: char)
            text = back[name][0] if version == "7" else "".join(map(chr, back[name].reshape(-1)))
            assert text == value, name
        else:
            assert np.array_equal(bits(back[name]).reshape(-1), bits(np.asarray(value)).reshape(-1)), name
    assert np.array_equal(bits(back["cube"]), bits(written["cube"]))
    octave_fp = back["fp"][0, 0]
    for name, value in trajectory_variables(traj).items():
        assert np.array_equal(bits(octave_fp[name]), bits(value)), name

    x = net.x0[:, 1]
    next_state = 0.9 * x + 0.1 * (net.W @ np.tanh(x) + net.W_in @ np.ones(3) + net.b_x)
    np.testing.assert_allclose(back["octave_next_state"][:, 0], next_state, rtol=0, atol=1e-13)
    np.testing.assert_allclose(back["octave_output"], net.W_out @ np.tanh(next_state)[:, None] + net.b_z,
                               rtol=0, atol=1e-13)
