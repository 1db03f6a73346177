"""The original's utility functions (``+utils/*.m``)."""

from __future__ import annotations

import numpy as np

from ...core import metrics
from ...core.errors import ValidationError
from ...core.network import DT, NOISE_SIGMA, TAU
from ...core.reduce import as_dimension_matrix, remove_dimensions
from ...core.validation import check_task
from ...dims.operative import orthonormalize_against
from ..convert import Struct, field, is_empty, to_core
from ..global_stream import rng
from ..rnn import run_rnn

__all__ = [
    "get_mse",
    "get_neg_deltaFF",
    "get_state_distance_between_trajs",
    "make_unit_length",
    "remove_dimension_from_weight_matrix",
    "run_one_forwardPass",
]


def run_one_forwardPass(n_Wru_v, n_Wrr_n, m_Wzr_n, n_x0_c, n_bx_1, m_bz_1,
                        inputs, conditionIds, seed_run, net_noise):
    """Run one forward pass of the network, as ``+utils/run_one_forwardPass.m``.

    :func:`opdims.matlab.rnn.run_rnn` (one :func:`opdims.core.simulate` call)
    with the paper's ``dt`` (1 ms) and ``tau`` (10 ms), after reseeding the
    global stream; the outputs gathered in a struct.

    Parameters
    ----------
    n_Wru_v : array_like
        Input weights ``[N, n_inputs]``.
    n_Wrr_n : array_like
        Recurrent weights ``[N, N]``.
    m_Wzr_n : array_like
        Output weights ``[n_outputs, N]``.
    n_x0_c : array_like
        Initial states ``[N, n_contexts]``, one column per condition id.
    n_bx_1 : array_like
        Unit biases ``[N, 1]``.
    m_bz_1 : array_like
        Output biases ``[n_outputs, 1]``.
    inputs : array_like
        ``[n_inputs, T, trials]``.
    conditionIds : array_like of int
        ``[1, trials]``: 1-based column of ``n_x0_c`` each trial starts from.
    seed_run : int or empty
        ``rng(seed_run)`` first; empty (``[]`` or ``None``): draw on from
        the global stream as it is.
    net_noise : str or float
        ``'default'`` (sigma 0.1, the paper's) or the internal noise sigma.

    Returns
    -------
    Struct
        ``n_r_t [N, T, trials]`` (rates), ``m_z_t [n_outputs, T, trials]``
        (outputs), ``n_r0_1 [N, trials]`` (initial rates), ``n_x_t [N, T,
        trials]`` (states), ``n_x0_1 [N, trials]`` (initial states); a
        trailing singleton trial axis is dropped, as in MATLAB.

    Raises
    ------
    ValueError
        For a string ``net_noise`` other than ``'default'``, or weights and
        inputs of inconsistent shapes.

    Examples
    --------
    >>> import opdims
    >>> from opdims.matlab import utils
    >>> UIO = utils.UtilsIO()
    >>> n_Wru_v, n_Wrr_n, m_Wzr_n, n_x0_c, n_bx_1, m_bz_1 = UIO.load_weights(opdims.default_weights("swg"), 1)
    >>> _, _, inputs, targets, conditionIds = (
    ...     utils.input_generation.InputGeneratorSWG().get_sine_wave_generator_inputOutputDataset(51))
    >>> fp = utils.run_one_forwardPass(n_Wru_v, n_Wrr_n, m_Wzr_n, n_x0_c, n_bx_1, m_bz_1,
    ...                                inputs, conditionIds, 1001, "default")
    >>> fp.n_x_t.shape, fp.m_z_t.shape
    ((100, 500, 51), (1, 500, 51))
    >>> utils.get_mse(fp.m_z_t, targets, "all") < 1e-3
    True
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
    """Remove dimensions from the columns or rows of W.

    One call of :func:`opdims.remove_dimensions`: the dimensions are removed
    one after another, ``W <- W - v (v' W)`` (columns) or ``W <- W - (W v) v'``
    (rows), as the original.

    Parameters
    ----------
    W : array_like
        ``[N, N]`` recurrent weights.
    all_dims_to_remove : array_like
        ``[N, d]``: the dimensions, as columns (``[N]`` for one; empty for none).
    dim_type : str
        ``'columns'`` or ``'rows'``.

    Returns
    -------
    numpy.ndarray
        ``[N, N]``: W without those dimensions.

    Raises
    ------
    ValueError
        For an unknown ``dim_type``, a W that is not square, or dimensions
        of the wrong length.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims.matlab import utils
    >>> W = np.arange(9.0).reshape(3, 3)
    >>> utils.remove_dimension_from_weight_matrix(W, np.array([[1.0], [0.0], [0.0]]), "columns")
    array([[0., 0., 0.],
           [3., 4., 5.],
           [6., 7., 8.]])
    """
    return remove_dimensions(W, all_dims_to_remove, dim_type)


def get_state_distance_between_trajs(traj_A, traj_B):
    """Return the mean Euclidean distance between two trajectories.

    One call of :func:`opdims.state_distance` on the trajectories in core
    orientation: the distance between the states at each step of each
    trial, averaged over steps and trials.

    Parameters
    ----------
    traj_A : array_like
        ``[N, T, trials]`` (``[N, T]`` for one trial).
    traj_B : array_like
        ``[N, T, trials]``, the same shape.

    Returns
    -------
    float
        The distance.

    Raises
    ------
    ValueError
        If the shapes differ.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims.matlab import utils
    >>> traj_A = np.zeros((2, 5, 3))  # [N, T, trials]
    >>> utils.get_state_distance_between_trajs(traj_A, traj_A + np.array([3.0, 4.0])[:, None, None])
    5.0
    """
    return float(metrics.state_distance(to_core(traj_A), to_core(traj_B)))


def get_mse(m_z_t, targets, valid_trial_ids):
    """Return the mean squared error of output 1 over the chosen trials and all steps.

    One call of :func:`opdims.mse` on the arrays in core orientation.

    Parameters
    ----------
    m_z_t : array_like
        Network outputs ``[n_outputs, T, trials]``.
    targets : array_like
        Targets ``[n_outputs, T, trials]``.
    valid_trial_ids : str or array_like of int
        ``'all'``, or the 1-based trials to average over.

    Returns
    -------
    float
        The error.

    Raises
    ------
    ValueError
        For a string other than ``'all'``, trial ids out of range, or
        outputs and targets that differ in trials or steps.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims.matlab import utils
    >>> m_z_t = np.zeros((1, 4, 2))
    >>> targets = np.stack([np.zeros((1, 4)), np.ones((1, 4))], axis=2)  # trial 2 is off by 1
    >>> utils.get_mse(m_z_t, targets, "all"), utils.get_mse(m_z_t, targets, [2])
    (0.5, 1.0)
    """
    if isinstance(valid_trial_ids, str):
        if valid_trial_ids != "all":
            raise ValidationError(f"valid_trial_ids: expected 'all' or trial ids, got {valid_trial_ids!r}")
        valid_trial_ids = None
    return float(metrics.mse(to_core(m_z_t), to_core(targets), valid_trial_ids))


def make_unit_length(a):
    """Return ``a / norm(a)``, as ``+utils/make_unit_length.m``.

    No core call: NumPy's norm, as MATLAB's ``norm`` computes it.

    Parameters
    ----------
    a : array_like
        A vector (any orientation); for a matrix, MATLAB's ``norm`` is its
        largest singular value.

    Returns
    -------
    numpy.ndarray
        ``a`` scaled, same shape.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims.matlab import utils
    >>> utils.make_unit_length(np.array([[3.0], [4.0]])).ravel()
    array([0.6, 0.8])
    """
    a = np.asarray(a, dtype=np.float64)
    return a / np.linalg.norm(a, 2 if a.ndim == 2 and min(a.shape) > 1 else None)


def get_neg_deltaFF(x0, dims_to_be_orth, samplingLocParams, n_Wru_v, n_Wrr_n, m_Wzr_n,
                    n_bx_1, m_bz_1, dim_type, network_type):
    """Return minus the state distance after one step, with ``x0`` removed from W.

    The objective of the original's search for local operative dimensions
    (``-delta f``). ``x0`` is made unit length and orthogonal to
    ``dims_to_be_orth`` (:func:`opdims.orthonormalize_against`), removed from
    W (:func:`opdims.remove_dimensions`), and the network runs one
    noise-free step from the sampling location with zero input
    (:func:`run_one_forwardPass`, which, as the original, draws ``randn(N,
    1)`` from the global stream). The core computes the same quantity for
    many locations at once in :func:`opdims.delta_f`.

    Parameters
    ----------
    x0 : array_like
        ``[N, 1]``: the candidate dimension (any length).
    dims_to_be_orth : array_like
        ``[N, d]``: dimensions found before, as columns; empty for none.
    samplingLocParams : Struct or dict
        Fields ``sampling_loc [N, 1]`` (the state), ``all_trajs_org [N, 2]``
        (the state and the full-rank network's state one step later) and,
        for ctxt, ``ctxt_id`` (1-based context).
    n_Wru_v : array_like
        Input weights ``[N, n_inputs]``.
    n_Wrr_n : array_like
        Recurrent weights ``[N, N]``.
    m_Wzr_n : array_like
        Output weights ``[n_outputs, N]``.
    n_bx_1 : array_like
        Unit biases ``[N, 1]``.
    m_bz_1 : array_like
        Output biases ``[n_outputs, 1]``.
    dim_type : str
        ``'columns'`` or ``'rows'``.
    network_type : str
        ``'ctxt'`` or ``'swg'``.

    Returns
    -------
    float
        Minus the Euclidean distance between the full-rank and the modified
        network's states after one step (0 when ``x0`` does not matter).

    Raises
    ------
    ValueError
        For an unknown ``network_type`` or ``dim_type``, dimensions of the
        wrong length, or a missing field of ``samplingLocParams``.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims.matlab import utils
    >>> n_Wru_v, n_Wrr_n, m_Wzr_n = np.ones((3, 1)), 0.5 * np.eye(3), np.ones((1, 3))
    >>> n_bx_1, m_bz_1 = np.zeros((3, 1)), np.zeros((1, 1))
    >>> loc = np.array([[1.0], [0.5], [-0.5]])
    >>> fp = utils.run_one_forwardPass(n_Wru_v, n_Wrr_n, m_Wzr_n, loc, n_bx_1, m_bz_1,
    ...                                np.zeros((1, 1, 1)), [1], [], 0)
    >>> params = {"sampling_loc": loc, "all_trajs_org": np.hstack([loc, fp.n_x_t])}
    >>> x0 = np.array([[2.0], [0.0], [0.0]])
    >>> neg_df = utils.get_neg_deltaFF(x0, [], params, n_Wru_v, n_Wrr_n, m_Wzr_n, n_bx_1, m_bz_1,
    ...                                "columns", "swg")
    >>> round(neg_df, 4)  # -dt/tau * 0.5 * tanh(1)
    -0.0381
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
