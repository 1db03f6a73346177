import numpy as np
import pytest
from synthetic import random_network

from opdims import Network, NetworkError


def _arrays(n=4, n_in=2, n_out=1, n_ctx=2):
    rng = np.random.default_rng(1)
    return dict(W_in=rng.standard_normal((n, n_in)), W=rng.standard_normal((n, n)),
                W_out=rng.standard_normal((n_out, n)), x0=rng.standard_normal((n, n_ctx)),
                b_x=rng.standard_normal(n), b_z=rng.standard_normal(n_out))


def test_network_properties_and_float64():
    net = Network(**_arrays())
    assert (net.n_units, net.n_inputs, net.n_outputs, net.n_contexts) == (4, 2, 1, 2)
    assert net.alpha == pytest.approx(0.1)
    assert all(getattr(net, k).dtype == np.float64 for k in ("W_in", "W", "W_out", "x0", "b_x", "b_z"))
    with pytest.raises(ValueError):
        net.W[0, 0] = 1.0  # weights are read-only


def test_column_vectors_and_single_context_are_accepted():
    a = _arrays(n_ctx=1)
    a["b_x"] = a["b_x"].reshape(-1, 1)  # MATLAB [N, 1]
    a["x0"] = a["x0"][:, 0]
    net = Network(**a)
    assert net.b_x.shape == (4,) and net.x0.shape == (4, 1)


@pytest.mark.parametrize("name, value, message", [
    ("W", np.zeros((4, 3)), r"W: expected shape \(4, 4\)"),
    ("W_in", np.zeros((3, 2)), r"W_in: expected shape \(4, 2\)"),
    ("W_out", np.zeros((1, 5)), r"W_out: expected shape \(1, 4\)"),
    ("b_x", np.zeros(5), r"b_x: expected shape \(4,\)"),
    ("x0", np.zeros((3, 2)), r"x0: expected shape \(4, 2\)"),
    ("b_z", np.zeros(2), r"b_z: expected shape \(1,\)"),
    ("W", np.zeros((4, 4, 1)), "expected a 2-D array"),
    ("W", "abc", "expected a numeric array"),
])
def test_wrong_shapes_name_the_field(name, value, message):
    a = _arrays()
    a[name] = value
    with pytest.raises(NetworkError, match=message):
        Network(**a, source="net.h5")


def test_non_finite_weights_and_bad_constants_are_rejected():
    a = _arrays()
    a["W"][1, 2] = np.nan
    with pytest.raises(NetworkError, match=r"file.mat: W: 1 non-finite"):
        Network(**a, source="file.mat")
    with pytest.raises(NetworkError, match="tau"):
        Network(**_arrays(), tau=0)
    with pytest.raises(NetworkError, match="noise_sigma"):
        Network(**_arrays(), noise_sigma=-1)


def test_with_recurrent_validates():
    net = random_network(5)
    assert net.with_recurrent(np.eye(5)).W[0, 0] == 1.0
    with pytest.raises(NetworkError):
        net.with_recurrent(np.eye(4))
