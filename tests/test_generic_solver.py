"""The generic (autograd) solver of local operative dimensions against the exact vanilla solvers.

For a vanilla cell the first-order problem is the exact one, so the generic solver must give the exact
solvers' Δf: at every greedy step given the same earlier dimensions (1e-8 relative; steps below the 1e-8 stop
are compared to rounding, 1e-15 absolute), and along its own greedy sequence (1e-8 of the first Δf).
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
    first = np.abs(exact.fvals[:, :1])
    assert np.nanmax(np.abs(generic.fvals - exact.fvals) / first) <= RTOL
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
    alone = generic_local_dimensions(net, locations[2:3], "rows", random_starts=2, seed=0)
    # location i draws from [seed, i]: alone at index 0 it draws other starts, so only the maximum must agree
    np.testing.assert_allclose(alone.fvals[0, 0], one.fvals[2, 0], rtol=1e-6)
