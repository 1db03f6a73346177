"""The generic (autograd) solver of local operative dimensions against the exact vanilla solvers.

For a vanilla cell the first-order problem is the exact one, so the generic solver must give the exact
solvers' Δf at every greedy step: given the same earlier dimensions, and along its own greedy sequence, to
1e-8 relative, or to the rounding of the states Δf is the distance between where that is larger (the last
steps, whose Δf is near the 1e-8 stop: there the exact solver does not agree with itself to 1e-8 relative
either once its location moves by rounding; see ``test_near_the_stop_the_exact_solver_meets_the_same_bound``).
"""

from dataclasses import replace

import numpy as np
import pytest

from opdims.dims.generic import RecurrentCell, cell_of, generic_local_dimensions
from opdims.dims.local_dims import local_column_dimensions, local_row_dimensions
from opdims.dims.operative import FVAL_THRESHOLD, delta_f

pytest.importorskip("torch")
h5py = pytest.importorskip("h5py")

RTOL = 1e-8
ATOL = 1e-15  # Δf is a difference of O(1) states of N numbers: below the stop threshold only rounding is left
EPS = np.finfo(np.float64).eps


def rounding_of_delta_f(locations):
    """``[L, 1]``: the rounding of a state (an ulp of its norm), below which Δf, a distance of two states, is not known."""
    return EPS * np.linalg.norm(np.atleast_2d(locations), axis=1, keepdims=True)


def assert_close_per_step(fvals, reference, locations, what):
    """Every greedy step: 1e-8 relative, or the states' rounding where that is larger."""
    bound = RTOL * np.abs(reference) + rounding_of_delta_f(locations)
    err = np.abs(fvals - reference)
    worst = np.nanargmax(err - bound)
    assert np.nanmax(err - bound) <= 0, (f"{what}: location {worst // err.shape[1]}, step {worst % err.shape[1] + 1}: "
                                        f"|Δf difference| {err.flat[worst]:.3g} > bound {bound.flat[worst]:.3g}")


def assert_same_as_exact(net, locations):
    exact_cols = local_column_dimensions(net, locations)
    generic_cols = generic_local_dimensions(net, locations, "columns")
    np.testing.assert_array_equal(generic_cols.counts, exact_cols.counts)
    np.testing.assert_allclose(generic_cols.fvals, exact_cols.fvals, rtol=RTOL, atol=ATOL)

    exact = local_row_dimensions(net, locations)
    for i, x in enumerate(locations):
        for j in range(exact.counts[i]):  # each greedy step, from the exact solver's earlier dimensions
            step = generic_local_dimensions(net, x, "rows", n_dims=1, previous=[exact.dims[i, :j]])
            np.testing.assert_allclose(step.fvals[0, 0], exact.fvals[i, j], rtol=RTOL, atol=ATOL,
                                       err_msg=f"location {i}, greedy step {j + 1}")
            assert abs(delta_f(net, x, step.dims[0, 0], "rows") + step.fvals[0, 0]) <= 1e-12 * abs(exact.fvals[i, 0])
    generic = generic_local_dimensions(net, locations, "rows")  # the generic solver's own greedy sequence
    np.testing.assert_array_equal(generic.counts, exact.counts)
    assert_close_per_step(generic.fvals, exact.fvals, locations, "own greedy sequence")
    dims = generic.dims[0, :generic.counts[0]]
    np.testing.assert_allclose(dims @ dims.T, np.eye(len(dims)), atol=1e-12)
    return exact


@pytest.mark.parametrize("nonlinearity", ["relu", "softplus", "tanh"])
def test_random_vanilla_networks_give_the_exact_delta_f_at_every_step(nonlinearity):
    from synthetic import random_network

    net = replace(random_network(n=14, seed=3), nonlinearity=nonlinearity)
    locations = np.random.default_rng(4).standard_normal((2, 14))
    exact = assert_same_as_exact(net, locations)
    assert exact.counts.min() > 5 and np.nanmin(np.abs(exact.fvals)) < FVAL_THRESHOLD


@pytest.mark.parametrize("task", ["ctxt", "swg"])
def test_the_papers_networks_give_the_exact_delta_f_at_every_step(task, original_data):
    from opdims import io
    from opdims.data.sources import ORIGINAL_FILES

    net = io.load_network(original_data / ORIGINAL_FILES[f"{task}_weights"], 1)
    with h5py.File(original_data / ORIGINAL_FILES[f"{task}_columns"], "r") as f:
        groups = sorted(f.keys())
        locations = np.array([np.asarray(f[k]["sampling_loc"]).reshape(-1) for k in (groups[0], groups[-1])])
    assert_same_as_exact(net, locations)


def test_near_the_stop_the_exact_solver_meets_the_same_bound(original_data):
    """Why the bound has a rounding term: the exact solver against itself, its location moved by 1e-15.

    At the last greedy steps Δf is about 1e-8 of the first; a greedy step depends to first order on the
    earlier directions, so rounding-level differences in those move it by more than 1e-8 relative. The
    exact solver, given locations that differ in the last bits, differs from itself there by more than 1e-8
    relative, and within the same bound as the generic solver from it.
    """
    from opdims import io
    from opdims.data.sources import ORIGINAL_FILES

    net = io.load_network(original_data / ORIGINAL_FILES["swg_weights"], 1)
    with h5py.File(original_data / ORIGINAL_FILES["swg_columns"], "r") as f:
        locations = np.array([np.asarray(f[k]["sampling_loc"]).reshape(-1) for k in sorted(f.keys())[:2]])
    exact = local_row_dimensions(net, locations)
    worst = 0.0
    for seed in range(3):
        moved = locations * (1 + 1e-15 * np.random.default_rng(seed).standard_normal(locations.shape))
        again = local_row_dimensions(net, moved)
        np.testing.assert_array_equal(again.counts, exact.counts)
        assert_close_per_step(again.fvals, exact.fvals, locations, f"exact solver, moved locations ({seed})")
        worst = max(worst, np.nanmax(np.abs(again.fvals - exact.fvals) / np.abs(exact.fvals)))
    assert worst > RTOL  # 1e-8 relative alone is beyond what the problem determines at the last steps


def test_a_cell_given_as_functions_is_the_networks_cell():
    import torch
    from synthetic import random_network

    net = random_network(n=6, seed=1)
    W = torch.tensor(net.W)
    cell = RecurrentCell(net.W, torch.tanh, lambda x, drive: 0.9 * x + 0.1 * (drive + torch.tensor(net.b_x)))
    x = np.random.default_rng(0).standard_normal(6)
    a = generic_local_dimensions(None, x, "rows", cell=cell)
    b = generic_local_dimensions(net, x, "rows")
    np.testing.assert_allclose(a.fvals, b.fvals, rtol=1e-12)
    assert cell_of(net).n_blocks == 1 and W.shape == (6, 6)


def test_bad_arguments_are_named():
    from synthetic import random_network

    net = random_network(n=5)
    with pytest.raises(ValueError, match="n_dims: expected an integer in 1..5"):
        generic_local_dimensions(net, np.zeros(5), "rows", n_dims=6)
    with pytest.raises(ValueError, match=r"previous, location 0: expected \[j, 5\]"):
        generic_local_dimensions(net, np.zeros(5), "rows", previous=[np.zeros((2, 4))])
    with pytest.raises(ValueError, match="locations: expected"):
        generic_local_dimensions(net, np.zeros(4), "rows")
    with pytest.raises(ValueError, match="random_starts: expected an integer >= 0"):
        generic_local_dimensions(net, np.zeros(5), "rows", random_starts=-1)
    with pytest.raises(ValueError, match="threads: expected a positive integer"):
        generic_local_dimensions(net, np.zeros(5), "rows", threads=0)
    with pytest.raises(ValueError, match=r"W: expected shape \[3 N, N\]"):
        RecurrentCell(np.zeros((4, 4)), None, None, 3)


def test_threads_do_not_change_the_result_and_random_starts_are_used():
    from opdims.core.cells import gated_network_from_tensors

    rng = np.random.default_rng(5)
    net = gated_network_from_tensors("gru", rng.standard_normal((18, 1)), 1.5 * rng.standard_normal((18, 6)))
    locations = 0.5 * rng.standard_normal((4, 6))
    one = generic_local_dimensions(net, locations, "rows", threads=1, random_starts=2)
    two = generic_local_dimensions(net, locations, "rows", threads=2, random_starts=2)
    np.testing.assert_array_equal(one.dims, two.dims)
    np.testing.assert_array_equal(one.fvals, two.fvals)
    # torch's own threads stay at one inside the worker threads too: there a new thread's torch took every
    # core for the projection on 30 earlier dimensions, and its other summation order moved the result
    big = gated_network_from_tensors("gru", rng.standard_normal((300, 2)), 0.2 * rng.standard_normal((300, 100)))
    where = 0.5 * rng.standard_normal((2, 100))
    earlier = [np.linalg.qr(rng.standard_normal((100, 30)))[0].T for _ in where]
    one_big, two_big = (generic_local_dimensions(big, where, "columns", n_dims=2, previous=earlier, threads=t)
                        for t in (1, 2))
    np.testing.assert_array_equal(one_big.dims, two_big.dims)
    alone = generic_local_dimensions(net, locations[2:3], "rows", random_starts=2, seed=0)
    # location i draws from [seed, i]: alone at index 0 it draws other starts, so only the maximum must agree
    np.testing.assert_allclose(alone.fvals[0, 0], one.fvals[2, 0], rtol=1e-6)
