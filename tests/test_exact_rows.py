"""The exact row solver: optimal at every greedy step, degenerate cases, parity fixtures."""

from pathlib import Path

import numpy as np
import pytest
import scipy.io
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize
from synthetic import random_network

from opdims import Network, delta_f, local_column_dimensions, local_row_dimensions, orthonormalize_against
from opdims.exact_rows import best_directions, best_row_dimension, exact_row_dimensions, secular_maximiser
from opdims.io import load_network
from opdims.operative import FVAL_THRESHOLD

FIXTURES = Path(__file__).resolve().parents[1] / "parity_tests" / "fixtures"


def best_of_random_starts(net, location, previous, n_starts, seed):
    """The largest Δf that BFGS reaches from random starts, with the original's objective."""
    rng = np.random.default_rng(seed)
    n = net.n_units

    def objective(x):
        return -delta_f(net, location, orthonormalize_against(x, previous), "rows")

    return max(-minimize(objective, rng.standard_normal(n), method="BFGS").fun for _ in range(n_starts))


@settings(max_examples=12, deadline=None)
@given(n=st.integers(3, 8), seed=st.integers(0, 2**20), gain=st.floats(0.3, 3.0))
def test_exact_beats_random_start_optimisation_at_every_step(n, seed, gain):
    net = random_network(n, seed=seed, gain=gain)
    location = np.random.default_rng(seed + 1).standard_normal(n) * 1.5
    res = exact_row_dimensions(net, location[None], threshold=0.0)
    for j in range(n):
        exact = -res.fvals[0, j]
        best = best_of_random_starts(net, location, res.dims[0, :j].T, n_starts=6, seed=seed + j)
        assert exact >= best * (1 - 1e-10) - 1e-15, f"step {j + 1}: exact {exact} < BFGS {best}"


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 8), d=st.integers(1, 8), seed=st.integers(0, 2**20), rank=st.integers(0, 8),
       r_off_top=st.booleans())
def test_certified_value_is_attained_and_beats_random_directions(n, d, seed, rank, r_off_top):
    """The solver's value equals |y'r| ||WB y|| at its y, and no random y does better;
    covers singular WB (rank < d) and r orthogonal to the top eigenvector (the hard case)."""
    rng = np.random.default_rng(seed)
    WB = rng.standard_normal((n, min(rank, d))) @ rng.standard_normal((min(rank, d), d))
    r = rng.standard_normal(d)
    if r_off_top:
        top = np.linalg.eigh(WB.T @ WB)[1][:, -1]
        r -= top * (top @ r)
    y, value = best_directions(WB[None], r[None])
    attained = abs(y[0] @ r) * np.linalg.norm(WB @ y[0])
    assert np.linalg.norm(y[0]) == pytest.approx(1.0, abs=1e-14)
    assert attained == pytest.approx(value[0], rel=1e-12, abs=1e-300)
    for u in rng.standard_normal((200, d)):
        u /= np.linalg.norm(u)
        assert abs(u @ r) * np.linalg.norm(WB @ u) <= value[0] * (1 + 1e-12) + 1e-300


def test_repeated_eigenvalues_orthogonal_weights():
    """W = s Q with Q orthogonal: every eigenvalue is s^2, the best q is r / |r|."""
    rng = np.random.default_rng(3)
    Q, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    r = rng.standard_normal(6)
    y, value = best_directions(2.5 * Q[None], r[None])
    assert value[0] == pytest.approx(2.5 * np.linalg.norm(r), rel=1e-14)
    assert abs(y[0] @ r) == pytest.approx(np.linalg.norm(r), rel=1e-14)


def test_hard_case_puts_the_missing_norm_on_the_top_eigenvector():
    """r has no component on a dominant eigenvector: the optimum mixes it in anyway."""
    V, _ = np.linalg.qr(np.random.default_rng(4).standard_normal((4, 4)))
    lam = np.array([0.1, 0.5, 1.0, 50.0])
    WB = np.sqrt(lam)[:, None] * V.T
    r = V[:, :3] @ np.array([0.01, -0.02, 0.005])
    c = V.T @ r
    c[-1] = 0.0
    p, value = secular_maximiser(lam[None], c[None], np.linalg.norm(c)[None])
    assert abs(p[0, -1]) > 0.5 * np.linalg.norm(p[0])
    y, value_y = best_directions(WB[None], r[None])
    brute = max(abs(u @ r) * np.linalg.norm(WB @ u) / (u @ u)
                for u in (minimize(lambda x: -abs(x @ r) * np.linalg.norm(WB @ x) / (x @ x), s, method="BFGS").x
                          for s in np.random.default_rng(5).standard_normal((30, 4))))
    assert value_y[0] == pytest.approx(value[0], rel=1e-12)
    assert value_y[0] >= brute * (1 - 1e-10)
    assert abs(y[0] @ V[:, -1]) > 0.5


@pytest.mark.parametrize("case", ["r zero", "W zero"])
def test_nothing_to_remove_gives_zero_and_stops(case):
    net = random_network(5, seed=1)
    location = np.random.default_rng(1).standard_normal(5)
    if case == "r zero":
        location = np.zeros(5)
    else:
        net = net.with_recurrent(np.zeros((5, 5)))
    res = exact_row_dimensions(net, location[None])
    assert res.fvals[0, 0] == 0.0
    assert np.isnan(res.fvals[0, 1:]).all()
    assert np.linalg.norm(res.dims[0, 0]) == pytest.approx(1.0)


def test_columns_closed_form_is_the_special_case_of_the_solver(small_net):
    """Columns: Δf = a |q'Wr| ||q||, i.e. the row problem with W -> I and r -> W r; the
    solver gives exactly the closed form that local_column_dimensions uses."""
    locations = np.random.default_rng(6).standard_normal((4, small_net.n_units))
    cols = local_column_dimensions(small_net, locations)
    u = np.tanh(locations) @ small_net.W.T
    eye = np.broadcast_to(np.eye(small_net.n_units), (4,) + small_net.W.shape)
    y, value = best_directions(eye, u)
    signs = np.sign(np.sum(y * cols.dims[:, 0], axis=1))
    np.testing.assert_allclose(y * signs[:, None], cols.dims[:, 0], rtol=0, atol=1e-14)
    np.testing.assert_allclose(-small_net.alpha * value, cols.fvals[:, 0], rtol=1e-14)


def test_greedy_dimensions_orthonormal_fvals_by_simulation_and_stop_rule():
    net = random_network(9, seed=7, gain=2.0)
    locations = np.random.default_rng(7).standard_normal((3, 9))
    res = exact_row_dimensions(net, locations)
    for loc in range(3):
        found = ~np.isnan(res.fvals[loc])
        k = int(found.sum())
        assert found[:k].all()
        D = res.dims[loc, :k]
        np.testing.assert_allclose(D @ D.T, np.eye(k), atol=1e-13)
        for j in range(k):
            assert -res.fvals[loc, j] == pytest.approx(delta_f(net, locations[loc], D[j], "rows"), rel=1e-13)
        assert (np.abs(res.fvals[loc, :k - 1]) >= FVAL_THRESHOLD).all()
        assert k == 9 or abs(res.fvals[loc, k - 1]) < FVAL_THRESHOLD
        assert np.all(np.diff(-res.fvals[loc, :k]) <= 1e-12)


def test_all_locations_together_equal_one_at_a_time():
    net = random_network(8, seed=8)
    locations = np.random.default_rng(8).standard_normal((5, 8))
    together = exact_row_dimensions(net, locations, n_dims=6)
    for loc in range(5):
        alone = exact_row_dimensions(net, locations[loc], n_dims=6)
        np.testing.assert_allclose(together.fvals[loc], alone.fvals[0], rtol=1e-12, equal_nan=True)
        signs = np.sign(np.nansum(together.dims[loc] * alone.dims[0], axis=1))[:, None]
        np.testing.assert_allclose(together.dims[loc] * signs, alone.dims[0],
                                   atol=1e-10, equal_nan=True)


def test_exact_is_the_default_method_and_n_dims_caps(small_net):
    locations = np.random.default_rng(9).standard_normal((2, small_net.n_units))
    default = local_row_dimensions(small_net, locations, n_dims=3)
    np.testing.assert_array_equal(default.fvals, exact_row_dimensions(small_net, locations, n_dims=3).fvals)
    assert np.isnan(default.fvals[:, 3:]).all()
    with pytest.raises(ValueError, match="n_dims"):
        exact_row_dimensions(small_net, locations, n_dims=99)


def test_best_row_dimension_respects_the_constraint_and_says_when_none_is_left(small_net):
    rng = np.random.default_rng(10)
    location = rng.standard_normal(small_net.n_units)
    previous, _ = np.linalg.qr(rng.standard_normal((small_net.n_units, 3)))
    q, df = best_row_dimension(small_net, location, previous)
    assert np.abs(previous.T @ q).max() < 1e-14
    assert df == pytest.approx(delta_f(small_net, location, q, "rows"), rel=1e-14)
    with pytest.raises(ValueError, match="no direction"):
        best_row_dimension(small_net, location, np.eye(small_net.n_units))


def _fixture_network(fx, original_data):
    if "net_n_Wrr_n" in fx:
        g = lambda k: np.asarray(fx[f"net_{k}"], dtype=float)
        return Network(W_in=g("n_Wru_v"), W=g("n_Wrr_n"), W_out=g("m_Wzr_n"), x0=g("n_x0_c"),
                       b_x=g("n_bx_1").reshape(-1), b_z=g("m_bz_1").reshape(-1))
    return load_network(original_data / "pretrained_networks" / "ctxt" / "ctxt_weights.h5",
                        int(np.asarray(fx["net_net_id"]).reshape(-1)[0]))


@pytest.mark.parametrize("name", ["local_rows_synth", "local_rows_ctxt_net1"])
def test_exact_reaches_the_reference_optimiser_step_by_step(name, request):
    """Parity ladder 4: given the reference's own earlier dimensions, exact's Δf for the
    next dimension is at least the reference's (Octave fminunc) minus 1e-9."""
    path = FIXTURES / f"{name}.mat"
    if not path.is_file():
        pytest.skip(f"parity fixture {path} not found")
    fx = scipy.io.loadmat(path)
    original_data = request.getfixturevalue("original_data") if "net_n_Wrr_n" not in fx else None
    net = _fixture_network(fx, original_data)
    dims, fvals = fx["local_op_dims"], fx["all_fvals"]  # [max_dims, N, L], [max_dims, L]
    locations = fx["sampling_locs"]
    n_found = np.asarray(fx["row_n_found"]).reshape(-1).astype(int)
    for loc in range(locations.shape[0]):
        np.testing.assert_allclose(fx["all_trajs_org"][:, 1, loc],
                                   exact_row_dimensions(net, locations[loc], n_dims=0).next_states[0], atol=1e-12)
        for j in range(min(n_found[loc], dims.shape[0])):
            _, exact = best_row_dimension(net, locations[loc], dims[:j, :, loc].T)
            reference = -fvals[j, loc]
            assert exact >= reference - 1e-9, f"location {loc + 1}, dimension {j + 1}: {exact} < {reference}"
