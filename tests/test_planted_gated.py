"""A GRU with a planted task part: the operative dimensions find it, the SVD of weight_hh does not."""

import numpy as np
import pytest

from opdims.analysis.chain import analyse_network
from opdims.core.cells import gated_network_from_tensors, run_gated
from opdims.core.tasks import trials_from_arrays
from opdims.dims.sweeps import rank_sweep

pytest.importorskip("torch")

N, M = 24, 4  # units; task units (the planted subspace)


def planted_gru(seed=0):
    """The task runs on M units: their blocks of weight_hh (all three gates) are moderate. The other units
    carry a large random part of weight_hh (gain 8) that the task never reaches: they start at 0, read
    nothing from the task units and their update gates are shut (z = σ(30) ≈ 1), so they stay at 0."""
    rng = np.random.default_rng(seed)
    W = np.zeros((3, N, N))
    W[:, :M, :M] = 1.5 * rng.standard_normal((3, M, M)) / np.sqrt(M)
    W[:, M:, M:] = 8.0 * rng.standard_normal((3, N - M, N - M)) / np.sqrt(N - M)
    b_ih = np.zeros((3, N))
    b_ih[:, :M] = 0.2 * rng.standard_normal((3, M))
    b_ih[1, M:] = 30.0  # shut update gates: damped units
    W_ih = np.zeros((3, N, 2))
    W_ih[:, :M] = rng.standard_normal((3, M, 2))
    readout = np.zeros((1, N))
    readout[0, :M] = rng.standard_normal(M)
    P = np.eye(N)[rng.permutation(N)]  # hide the task units
    return gated_network_from_tensors("gru", (P @ W_ih).reshape(3 * N, 2), (P @ W @ P.T).reshape(3 * N, N),
                                      (P @ b_ih[..., None])[..., 0].reshape(-1), None, readout @ P.T), P[:, :M]


def planted_trials(net):
    labels = np.repeat(np.arange(4), 2)
    angles = labels * np.pi / 2
    inputs = np.zeros((labels.size, 60, 2))
    inputs[:, 5:30, 0], inputs[:, 5:30, 1] = np.cos(angles)[:, None], np.sin(angles)[:, None]
    states = run_gated(net, inputs, np.zeros((labels.size, N)))
    targets = states @ net.W_out.T + net.b_z + 0.05  # the network does the task, up to 0.05
    return trials_from_arrays(inputs, targets, labels)


def overlap(A, B):
    """Smallest cosine of the principal angles between the column spaces of A and B (1: the same space)."""
    qa, qb = np.linalg.qr(A)[0], np.linalg.qr(B)[0]
    return float(np.linalg.svd(qa.T @ qb, compute_uv=False).min())


def test_the_operative_dimensions_of_a_planted_gru_recover_its_task_units_and_the_svd_does_not():
    net, planted = planted_gru()
    trials = planted_trials(net)
    analysis = analyse_network(net, "planted", trials=trials, every=10)
    assert np.abs(analysis.locations @ (np.eye(N) - planted @ planted.T)).max() < 1e-12  # task units only
    blocks = net.W.reshape(3, N, N)
    svd = {"rows": np.linalg.svd(net.W)[2].T,  # right singular vectors of weight_hh [3N, N]
           "columns": np.linalg.svd(np.hstack(list(blocks)))[0]}  # the blocks' output directions
    for dim_type in ("columns", "rows"):
        result = analysis[dim_type]
        assert overlap(result.basis[:, :M], planted) > 0.999, dim_type
        assert result.variance_explained[:M].sum() > 99.99
        assert overlap(svd[dim_type][:, :M], planted) < 0.5, dim_type
        assert result.sweep.cost[M - 1] <= 1.001 * result.sweep.full_cost  # rank M does the task
        assert result.sweep.cost[0] > 1.5 * result.sweep.full_cost  # rank 1 does not
        svd_sweep = rank_sweep(net, svd[dim_type], dim_type, trials.inputs, trials.condition_ids, trials.targets,
                               ranks=range(1, N + 1))
        assert svd_sweep.rank_within_full_cost() > 2 * M, dim_type
