"""The exact row solver: optimal at every greedy step, degenerate cases, parity fixtures."""

import tracemalloc
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import scipy.io
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq, minimize
from synthetic import random_network

from opdims import Network, delta_f, exact_rows, local_column_dimensions, local_row_dimensions, orthonormalize_against
from opdims.dims.exact_rows import (
    _best_in_eigenbasis,
    _check_previous,
    _exact_rows,
    _max_update_rank,
    _update_directions,
    best_directions,
    best_row_dimension,
    exact_row_dimensions,
    secular_maximiser,
)
from opdims.dims.operative import FVAL_THRESHOLD
from opdims.io import load_network

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


# --------------------------------------------------------------------------------------------------
# any nonlinearity and alpha


def _network(n, seed, gain, nonlinearity="tanh", alpha=0.1):
    """A random network with the given nonlinearity; alpha = dt / tau (dt = 1)."""
    return replace(random_network(n, seed=seed, gain=gain), nonlinearity=nonlinearity, dt=1.0, tau=1.0 / alpha)


@pytest.mark.parametrize("alpha", [1.0, 0.1])
@pytest.mark.parametrize("nonlinearity", ["relu", "softplus", "linear"])
@settings(max_examples=3, deadline=None)
@given(n=st.integers(3, 5), seed=st.integers(0, 2**20), gain=st.floats(0.3, 3.0))
def test_exact_beats_random_start_optimisation_for_any_nonlinearity_and_alpha(nonlinearity, alpha, n, seed, gain):
    """Δf = a |q'r| ||Wq|| with r = φ(x) for every φ and a: the exact dimensions beat BFGS on the
    one-step simulation (the original's objective) at every greedy step."""
    net = _network(n, seed, gain, nonlinearity, alpha)
    assert net.alpha == pytest.approx(alpha)
    location = np.random.default_rng(seed + 1).standard_normal(n) * 1.5
    res = exact_row_dimensions(net, location[None], threshold=0.0)
    assert res.counts[0] == n
    for j in range(n):
        exact = -res.fvals[0, j]
        best = best_of_random_starts(net, location, res.dims[0, :j].T, n_starts=4, seed=seed + j)
        assert exact >= best * (1 - 1e-10) - 1e-15, f"step {j + 1}: exact {exact} < BFGS {best}"


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu", "softplus", "linear"])
def test_alpha_scales_the_fvals_and_leaves_the_dimensions(nonlinearity):
    """The maximiser does not depend on a; Δf is proportional to it (alpha 1 is PyTorch's nn.RNN)."""
    location = np.random.default_rng(11).standard_normal((3, 10)) * 1.5
    one = exact_row_dimensions(_network(10, 11, 1.5, nonlinearity, 1.0), location, threshold=0.0)
    tenth = exact_row_dimensions(_network(10, 11, 1.5, nonlinearity, 0.1), location, threshold=0.0)
    np.testing.assert_allclose(tenth.fvals, 0.1 * one.fvals, rtol=1e-9, atol=1e-14 * np.abs(one.fvals).max())
    weight = np.abs(one.fvals) / np.abs(one.fvals[:, :1])
    signs = np.sign(np.sum(one.dims * tenth.dims, axis=2))[..., None]
    assert np.max(np.linalg.norm(one.dims - signs * tenth.dims, axis=2) * weight) < 1e-10


# --------------------------------------------------------------------------------------------------
# previous=: continuing the greedy search


@pytest.mark.parametrize("k", [1, 3, 6])
def test_continuing_from_the_first_k_dimensions_reproduces_the_rest(k):
    net = random_network(12, seed=21, gain=1.8)
    locations = np.random.default_rng(21).standard_normal((4, 12)) * 1.5
    full = exact_row_dimensions(net, locations)
    assert full.counts.min() > k
    rest = exact_row_dimensions(net, locations, previous=full.dims[:, :k])
    np.testing.assert_array_equal(rest.counts, full.counts - k)
    np.testing.assert_allclose(rest.fvals, full.fvals[:, k:], rtol=1e-9, atol=1e-12, equal_nan=True)
    ok = ~np.isnan(rest.fvals)
    weight = np.abs(rest.fvals[ok]) / np.abs(full.fvals[:, :1].repeat(rest.fvals.shape[1], 1)[ok])
    assert np.max(np.linalg.norm(rest.dims[ok] - full.dims[:, k:][ok], axis=1) * weight) < 1e-10
    np.testing.assert_array_equal(rest.next_states, full.next_states)


def test_previous_per_location_lengths_and_forms():
    """Ragged lists, a NaN-padded LocalOperativeDimensions, an [L, j, N] array and one location's
    [j, N] give the same continuation; only the new dimensions are returned."""
    net = random_network(9, seed=22, gain=2.0)
    locations = np.random.default_rng(22).standard_normal((3, 9)) * 1.5
    full = exact_row_dimensions(net, locations, threshold=0.0)
    lengths = [0, 2, 5]
    ragged = exact_row_dimensions(net, locations, previous=[full.dims[i, :j] for i, j in enumerate(lengths)],
                                  threshold=0.0)
    for i, j in enumerate(lengths):
        assert ragged.counts[i] == 9 - j
        np.testing.assert_allclose(ragged.fvals[i, :9 - j], full.fvals[i, j:], rtol=1e-9, atol=1e-13)
        alone = exact_row_dimensions(net, locations[i], previous=full.dims[i, :j], threshold=0.0)
        np.testing.assert_allclose(alone.fvals[0], ragged.fvals[i, :9 - j], rtol=1e-12, atol=1e-15)
    cut = full[np.arange(3)]
    cut.fvals[:, 4:] = np.nan  # a NaN-padded run of 4 dimensions per location
    cut.dims[:, 4:] = np.nan
    from_result = exact_row_dimensions(net, locations, previous=cut, threshold=0.0)
    from_array = exact_row_dimensions(net, locations, previous=full.dims[:, :4], threshold=0.0)
    np.testing.assert_allclose(from_result.fvals, from_array.fvals, rtol=1e-12)
    np.testing.assert_allclose(from_result.fvals, full.fvals[:, 4:], rtol=1e-9, atol=1e-13)
    # only the span of the earlier dimensions matters (QR, as the original)
    mixed = full.dims[:, :4].copy()
    mixed[:, 0] += 0.5 * mixed[:, 1]
    np.testing.assert_allclose(exact_row_dimensions(net, locations, previous=2.0 * mixed, threshold=0.0).fvals,
                               from_array.fvals, rtol=1e-9, atol=1e-13)
    # no direction left: nothing new at that location
    none_left = exact_row_dimensions(net, locations, previous=[full.dims[0], None, full.dims[2, :8]])
    assert list(none_left.counts) == [0, full.counts[1], 1]


def test_previous_is_checked():
    net = random_network(5, seed=23)
    locations = np.random.default_rng(23).standard_normal((2, 5))
    dims = np.linalg.qr(np.random.default_rng(23).standard_normal((5, 2)))[0].T
    with pytest.raises(ValueError, match="2 locations"):
        exact_row_dimensions(net, locations, previous=[dims])
    with pytest.raises(ValueError, match="expected \\[j, 5\\]"):
        exact_row_dimensions(net, locations, previous=[dims[:, :4], dims])
    with pytest.raises(ValueError, match="NaN"):
        exact_row_dimensions(net, locations, previous=np.stack([dims, np.full_like(dims, np.nan)]))
    with pytest.raises(ValueError, match="linearly dependent"):
        exact_row_dimensions(net, locations, previous=[np.stack([dims[0], 2 * dims[0]]), None])
    with pytest.raises(ValueError, match="\\[L, j, N\\]"):
        exact_row_dimensions(net, locations, previous=dims)
    with pytest.raises(ValueError, match="threshold"):
        exact_row_dimensions(net, locations, threshold=-1.0)
    with pytest.raises(ValueError, match="threads"):
        exact_row_dimensions(net, locations, threads=0)


def test_best_row_dimension_is_the_first_continued_dimension(small_net):
    rng = np.random.default_rng(24)
    location = rng.standard_normal(small_net.n_units)
    previous = np.linalg.qr(rng.standard_normal((small_net.n_units, 2)))[0]
    q, df = best_row_dimension(small_net, location, previous)
    res = exact_row_dimensions(small_net, location, previous=previous.T, n_dims=1)
    assert df == pytest.approx(-res.fvals[0, 0], rel=1e-12)
    assert abs(q @ res.dims[0, 0]) == pytest.approx(1.0, abs=1e-12)


# --------------------------------------------------------------------------------------------------
# the update path (Schur complement in a shared eigenbasis) against the recompute path


def _problem(kind, n, seed):
    """A network and 3 locations: generic or degenerate (equal or clustered singular values, low
    rank, sparse rates, rates orthogonal to the top right singular vector of W: the hard case)."""
    rng = np.random.default_rng(seed)
    net = random_network(n, seed=seed, gain=1.5)
    U, _ = np.linalg.qr(rng.standard_normal((n, n)))
    V, _ = np.linalg.qr(rng.standard_normal((n, n)))
    locations = rng.standard_normal((3, n)) * 1.5
    if kind == "orthogonal":
        net = net.with_recurrent(1.7 * U)
    elif kind == "clustered":
        sv = np.repeat([2.0, 1.0, 0.3], -(-n // 3))[:n]
        net = net.with_recurrent(U @ np.diag(sv) @ V.T)
    elif kind == "low rank":
        net = net.with_recurrent(rng.standard_normal((n, 2)) @ rng.standard_normal((2, n)) / np.sqrt(n))
    elif kind == "sparse rates":
        net = replace(net, nonlinearity="relu")
        locations[:, : n // 2] = -np.abs(locations[:, : n // 2])
    elif kind == "hard case":
        net = replace(net.with_recurrent(U @ np.diag(np.r_[5.0, np.linspace(1.0, 0.2, n - 1)]) @ V.T),
                      nonlinearity="linear")
        locations -= np.outer(locations @ V[:, 0], V[:, 0])  # r = x has no weight on the top eigenvector
    return net, locations


def _recompute(net, locations, previous, n_dims, threshold=0.0):
    dims, fvals, _, stats = _exact_rows(net, locations, previous, n_dims, threshold, 1, max_rank=0)
    assert stats["update"] == 0
    return dims, fvals


KINDS = ["generic", "orthogonal", "clustered", "low rank", "sparse rates", "hard case"]
# Kinds whose optimum is unique at every step with Δf > 0. With a repeated top eigenvalue a
# greedy step leaves an eigenvector of the deflated problem that r has no weight on (the hard
# case): the optimum is then unique only up to a symmetry of the problem (e.g. the sign of
# that eigenvector's component), so only Δf is compared there.
UNIQUE = ("generic", "low rank", "sparse rates")


@settings(max_examples=30, deadline=None)
@given(kind=st.sampled_from(KINDS), n=st.integers(4, 24), seed=st.integers(0, 2**20))
def test_update_path_equals_recompute_path_step_by_step(kind, n, seed):
    """Given the recompute path's own earlier dimensions, the update path's next dimension has the
    same Δf (1e-10 of the first) and, where the optimum is unique, the same direction."""
    net, locations = _problem(kind, n, seed)
    none = _check_previous(None, 3, n)
    dims, fvals = _recompute(net, locations, none, n)
    steps = [(i, j) for i in range(3) for j in range(1, min(n - 2, _max_update_rank(n)) + 1)]
    previous = _check_previous([dims[i, :j] for i, j in steps], len(steps), n)
    new, new_fvals, _, stats = _exact_rows(net, locations[[i for i, _ in steps]], previous, 1, 0.0, 1)
    assert stats["update"] + stats["rebase (fallback)"] == len(steps)
    if kind == "generic":
        assert stats["update"] >= len(steps) // 2
    scale = np.abs(fvals[:, :1])
    for p, (i, j) in enumerate(steps):
        assert abs(new_fvals[p, 0] - fvals[i, j]) <= 1e-10 * scale[i, 0]
        if kind in UNIQUE and abs(fvals[i, j]) > 1e-6 * scale[i, 0]:
            # unique optimum; rounding grows like |f_1| / |f_j| (|r| / |r_S|)
            gap = np.linalg.norm(new[p, 0] - np.sign(new[p, 0] @ dims[i, j]) * dims[i, j])
            assert gap * abs(fvals[i, j]) <= 1e-10 * scale[i, 0]


@settings(max_examples=20, deadline=None)
@given(kind=st.sampled_from(["generic", "orthogonal", "clustered", "low rank", "sparse rates"]),
       n=st.integers(4, 40), seed=st.integers(0, 2**20))
def test_update_path_equals_recompute_path_whole_sequence(kind, n, seed):
    """All N greedy steps: fvals (and, where the optimum is unique, dims * fval) agree to 1e-10
    of the first fval (the update path recomputes its base only after max(8, N/4) steps or where
    its error check says so; symmetric problems stay symmetric, so their fvals agree as well)."""
    net, locations = _problem(kind, n, seed)
    none = _check_previous(None, 3, n)
    dims_r, fvals_r = _recompute(net, locations, none, n)
    dims_u, fvals_u, _, stats = _exact_rows(net, locations, none, n, 0.0, 1)
    # the update path runs unless every step fell back (possible for tiny networks with sparse rates)
    assert stats["update"] > 0 or (kind == "sparse rates" and stats["rebase (fallback)"] > 0)
    scale = np.abs(fvals_r[:, :1])
    assert np.all(np.abs(fvals_u - fvals_r) <= 1e-10 * scale)
    if kind in UNIQUE:
        signs = np.sign(np.sum(dims_u * dims_r, axis=2))[..., None]
        assert np.all(np.linalg.norm(dims_u - signs * dims_r, axis=2) * np.abs(fvals_r) <= 1e-10 * scale)


def _dense_step(lam, c, Y):
    """The recompute path's step in base coordinates: decompose M~ on Y⊥, closed form."""
    k = Y.shape[1]
    Z = np.linalg.qr(Y, mode="complete")[0][:, k:]
    mu, U = np.linalg.eigh(Z.T @ (lam[:, None] * Z))
    u, value = _best_in_eigenbasis(mu[None], (U.T @ (Z.T @ c))[None])
    return Z @ U @ u[0], value[0], 2 * u[0] @ (mu * u[0])


@pytest.mark.parametrize("distance", [1e-3, 1e-7, 1e-10, -1e-10])
def test_update_is_accurate_with_sigma_next_to_a_top_eigenvalue(distance):
    """sigma a relative 1e-10 from the top base eigenvalue, which the removed dimensions touch:
    the plain Schur complement Y'(sigma - lam)^{-1}Y loses ~7 digits there (2e-7 in the direction
    here); the update keeps 1e-10 without falling back."""
    rng = np.random.default_rng(25)
    n, k = 14, 3
    lam = np.sort(rng.uniform(0.0, 1.0, n))
    lam[-3:] = [2.0, 3.0, 4.0]
    Y = np.linalg.qr(rng.standard_normal((n, k)))[0]
    c = rng.standard_normal(n)

    def with_top(x):
        out = lam.copy()
        out[-1] = x
        return out

    # the top eigenvalue at which sigma equals it, then moved by a relative `distance`
    x = brentq(lambda x: _dense_step(with_top(x), c, Y)[2] - x, 4.0, 6.0, xtol=1e-15, rtol=1e-15)
    lam = with_top(x * (1 + distance))
    u_dense, value_dense, sigma = _dense_step(lam, c, Y)
    assert abs(sigma - lam[-1]) / sigma < abs(distance)
    u, value, ok = _update_directions(lam[None], c[None], Y[None])
    assert ok[0]
    assert value[0] == pytest.approx(value_dense, rel=1e-12)
    assert np.linalg.norm(u[0] - np.sign(u[0] @ u_dense) * u_dense) < 1e-10


def test_hard_case_after_earlier_dimensions_falls_back_to_the_exact_path():
    """r has no weight on the top eigenvector of the deflated problem (and that eigenvalue
    dominates): the update cannot bracket sigma, the location recomputes its base, and the
    result is the dense kernel's."""
    rng = np.random.default_rng(26)
    n = 8
    U, _ = np.linalg.qr(rng.standard_normal((n, n)))
    V, _ = np.linalg.qr(rng.standard_normal((n, n)))
    W = U @ np.diag(np.r_[20.0, np.linspace(1.0, 0.5, n - 1)]) @ V.T
    net = replace(random_network(n, seed=26), W=W, nonlinearity="linear")
    previous = np.linalg.qr(rng.standard_normal((n, 1)))[0]
    B = np.linalg.qr(np.column_stack([previous, np.eye(n)]), mode="complete")[0][:, 1:]
    top = B @ np.linalg.eigh((W @ B).T @ (W @ B))[1][:, -1]
    location = rng.standard_normal(n) * 0.1
    location -= previous[:, 0] * (previous[:, 0] @ location) + top * (top @ location)
    dims, fvals, _, stats = _exact_rows(net, location[None], _check_previous([previous.T], 1, n), 1, 0.0, 1)
    assert stats["rebase (fallback)"] == 1
    y, value = best_directions((W @ B)[None], (B.T @ location)[None])
    assert -fvals[0, 0] == pytest.approx(net.alpha * value[0], rel=1e-10)
    assert abs(dims[0, 0] @ top) > 0.5  # the missing norm on the top eigenvector
    assert abs(dims[0, 0] @ (B @ y[0])) == pytest.approx(1.0, abs=1e-10)


# --------------------------------------------------------------------------------------------------
# chunks, threads, memory, BLAS threads


def test_chunks_and_threads_give_the_same_dimensions(monkeypatch):
    net = random_network(16, seed=27, gain=1.8)
    locations = np.random.default_rng(27).standard_normal((7, 16)) * 1.5
    one = exact_row_dimensions(net, locations, threads=1)
    monkeypatch.setattr(exact_rows, "_MEMORY_BYTES", 8 * 16 * (2 * 16 + 64) * 2)  # 2 locations a chunk
    calls = []
    original = exact_rows._greedy_chunk
    monkeypatch.setattr(exact_rows, "_greedy_chunk", lambda net, loc, *a: calls.append(len(loc)) or original(net, loc, *a))
    many = exact_row_dimensions(net, locations, threads=3)
    assert sorted(calls) == [1, 2, 2, 2]
    # the same to rounding (batches of other sizes round differently), relative to the first fval
    scale = np.abs(one.fvals[:, :1])
    np.testing.assert_array_equal(np.isnan(many.fvals), np.isnan(one.fvals))
    assert np.nanmax(np.abs(many.fvals - one.fvals) / scale) < 1e-12
    assert np.nanmax(np.linalg.norm(many.dims - one.dims, axis=2) * np.abs(one.fvals) / scale) < 1e-12


def test_memory_stays_bounded_with_many_locations():
    """No per-location N x N arrays for all locations at once (the former solver held two
    [L, N, d] bases: 19 MB here)."""
    n, n_loc = 200, 30
    net = random_network(n, seed=28, gain=0.9)
    locations = np.random.default_rng(28).standard_normal((n_loc, n)) * 1.5
    tracemalloc.start()
    try:
        res = exact_row_dimensions(net, locations, n_dims=4, threads=1)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert res.counts.min() == 4
    assert peak < 12 * 8 * n * n, f"peak {peak / 1e6:.1f} MB"


def test_kernels_run_with_single_threaded_blas(small_net):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    seen = []
    originals = {name: getattr(exact_rows, name) for name in ("_best_in_eigenbasis", "_update_directions")}

    def recording(name):
        def kernel(*args):
            seen.append(max(info["num_threads"] for info in threadpoolctl.threadpool_info()))
            return originals[name](*args)
        return kernel

    location = np.random.default_rng(29).standard_normal(small_net.n_units)
    with pytest.MonkeyPatch.context() as mp, threadpoolctl.threadpool_limits(2):
        if max(info["num_threads"] for info in threadpoolctl.threadpool_info()) < 2:
            pytest.skip("BLAS cannot run 2 threads here")
        for name in originals:
            mp.setattr(exact_rows, name, recording(name))
        best_directions(small_net.W[None], location[None])
        best_row_dimension(small_net, location, np.eye(small_net.n_units)[:, :2])
        exact_row_dimensions(small_net, location, threads=2)
    assert len(seen) >= 3 and max(seen) == 1, seen


def _peak_bytes(net, n_loc):
    locations = np.random.default_rng(n_loc).standard_normal((n_loc, net.n_units)) * 1.5
    tracemalloc.start()
    try:
        exact_row_dimensions(net, locations, n_dims=3, threads=1)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_grows_linearly_with_the_number_of_locations():
    """Issue 18, defect 5: each location kept a copy of its whole group's directions, memory
    grew with the square of the locations (250 / 1000 locations: 7.1 / 99.7 MB, x14)."""
    net = random_network(12, seed=3)
    small, large = _peak_bytes(net, 250), _peak_bytes(net, 1000)
    assert large < 6 * small, f"4x the locations took {large / small:.1f}x the memory ({small / 1e6:.1f} MB -> " \
                              f"{large / 1e6:.1f} MB)"
