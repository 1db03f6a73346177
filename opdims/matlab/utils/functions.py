"""The original's utility functions (``+utils/*.m``)."""

from __future__ import annotations

import numpy as np

from ... import metrics
from ...errors import ValidationError
from ...network import DT, NOISE_SIGMA, TAU
from ...operative import orthonormalize_against
from ...reduce import as_dimension_matrix, remove_dimensions
from ...tasks import check_task
from .._convert import Struct, field, is_empty, to_core
from .._rng import rng
from ..rnn import run_rnn


def run_one_forwardPass(n_Wru_v, n_Wrr_n, m_Wzr_n, n_x0_c, n_bx_1, m_bz_1,
                        inputs, conditionIds, seed_run, net_noise):
    """One forward pass; a struct with ``n_r_t, m_z_t, n_r0_1, n_x_t, n_x0_1``.

    ``seed_run``: reseed the global stream first unless empty. ``net_noise``:
    ``'default'`` (sigma 0.1) or the noise sigma.
    """
    if not is_empty(seed_run):
        rng(int(np.asarray(seed_run).reshape(-1)[0]))
    if isinstance(net_noise, str):
        if net_noise != "default":
            raise ValidationError(f"net_noise: expected 'default' or a number, got {net_noise!r}")
        sigma = NOISE_SIGMA
    else:
        sigma = float(np.asarray(net_noise).reshape(-1)[0])
    out = run_rnn(n_Wru_v, n_Wrr_n, m_Wzr_n, n_x0_c, n_bx_1, m_bz_1, DT, TAU, sigma,
                  inputs, conditionIds)
    return Struct(**dict(zip(("n_r_t", "m_z_t", "n_r0_1", "n_x_t", "n_x0_1"), out)))


def remove_dimension_from_weight_matrix(W, all_dims_to_remove, dim_type):
    """Remove the columns of ``all_dims_to_remove [N, d]`` from W's columns or rows."""
    return remove_dimensions(W, all_dims_to_remove, dim_type)


def get_state_distance_between_trajs(traj_A, traj_B):
    """Mean Euclidean distance between ``[N, T, trials]`` trajectories."""
    return float(metrics.state_distance(to_core(traj_A), to_core(traj_B)))


def get_mse(m_z_t, targets, valid_trial_ids):
    """Mean squared error of output 1; ``valid_trial_ids``: ``'all'`` or 1-based ids."""
    if isinstance(valid_trial_ids, str):
        if valid_trial_ids != "all":
            raise ValidationError(f"valid_trial_ids: expected 'all' or trial ids, got {valid_trial_ids!r}")
        valid_trial_ids = None
    return float(metrics.mse(to_core(m_z_t), to_core(targets), valid_trial_ids))


def make_unit_length(a):
    """``a / norm(a)`` (a vector; for a matrix, MATLAB's 2-norm)."""
    a = np.asarray(a, dtype=np.float64)
    return a / np.linalg.norm(a, 2 if a.ndim == 2 and min(a.shape) > 1 else None)


def get_neg_deltaFF(x0, dims_to_be_orth, samplingLocParams, n_Wru_v, n_Wrr_n, m_Wzr_n,
                    n_bx_1, m_bz_1, dim_type, network_type):
    """Minus the state distance after one step, with ``x0`` removed from W.

    ``x0 [N, 1]`` is made unit length and orthogonal to ``dims_to_be_orth
    [N, d]`` (may be empty); ``samplingLocParams`` needs ``sampling_loc``,
    ``all_trajs_org [N, 2]`` and (ctxt) ``ctxt_id``. Like the original this
    runs the network for one step through ``run_one_forwardPass``, which
    draws ``randn(N, 1)`` from the global stream.
    """
    check_task(network_type)
    n_units = np.asarray(n_Wrr_n).shape[0]
    n_inputs = np.asarray(n_Wru_v).shape[1]
    previous = as_dimension_matrix(None if is_empty(dims_to_be_orth) else dims_to_be_orth, n_units,
                                   "dims_to_be_orth")
    q = orthonormalize_against(x0, previous)
    W_mod = remove_dimensions(n_Wrr_n, q, dim_type)
    loc = np.asarray(field(samplingLocParams, "sampling_loc", "samplingLocParams"), dtype=float).reshape(-1)
    if network_type == "swg":
        ids = [1]
        init = loc[:, None]
    else:
        ctxt_id = int(np.asarray(field(samplingLocParams, "ctxt_id", "samplingLocParams")).reshape(-1)[0])
        ids = [ctxt_id, ctxt_id]
        init = np.column_stack([loc, loc])
    fp = run_one_forwardPass(n_Wru_v, W_mod, m_Wzr_n, init, n_bx_1, m_bz_1,
                             np.zeros((n_inputs, 1, 1)), ids, [], 0)
    org = np.asarray(field(samplingLocParams, "all_trajs_org", "samplingLocParams"), dtype=float)
    reference = org.reshape(n_units, -1)[:, 1:]
    moved = np.asarray(fp.n_x_t).reshape(n_units, -1)
    return -get_state_distance_between_trajs(reference, moved)
