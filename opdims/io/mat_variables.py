"""Core objects as MATLAB variables: the original's names, MATLAB orientation.

Every converter returns a dict ``name -> value`` ready for
:func:`opdims.io.save_mat`; :func:`matlab_variables` picks the converter by
type. Orientation rules (the table in ``docs/io.md``):

- trajectories and trials: the core's ``[trials, time, units]`` axes
  reversed, ``[units, time, trials]`` (``[units, time, trials, K]`` for a
  stack of K networks), as ``run_one_forwardPass`` returns them;
- local dimensions keep the core's axes, ``[n_locs, n_dims, n_units]``, as
  the original's ``load_local_op_dims`` returns them;
- vectors become MATLAB columns ``[n, 1]`` unless the original uses rows.
"""

from __future__ import annotations

import numpy as np

from ..core.errors import ValidationError
from ..core.network import Network
from ..core.simulate import Trajectories
from ..core.tasks import TaskData
from ..dims.operative import LocalOperativeDimensions
from ..dims.sweeps import RankSweep

__all__ = [
    "global_dims_variables",
    "has_matlab_variables",
    "local_dims_variables",
    "matlab_variables",
    "network_variables",
    "rank_sweep_variables",
    "reversed_axes",
    "task_variables",
    "trajectory_variables",
]


def reversed_axes(arr) -> np.ndarray:
    """Return ``arr`` with its axes in reverse order (core ``[B, T, N]`` -> MATLAB ``[N, T, B]``).

    Parameters
    ----------
    arr : array_like
        Any array.

    Returns
    -------
    numpy.ndarray
        The transpose, C-contiguous.

    Examples
    --------
    >>> import numpy as np
    >>> reversed_axes(np.zeros((2, 5, 3))).shape
    (3, 5, 2)
    """
    return np.ascontiguousarray(np.transpose(np.asarray(arr)))


def _column(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).reshape(-1, 1)


def _row(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).reshape(1, -1)


def network_variables(net: Network) -> dict:
    """Return a network's arrays and settings as MATLAB variables.

    The six weight arrays under the original's names (as
    ``UtilsIO.load_weights`` returns them), and ``dt``, ``tau``,
    ``noise_sigma``, ``nonlinearity``.

    Parameters
    ----------
    net : opdims.Network
        The network.

    Returns
    -------
    dict
        Variable name -> value.

    Examples
    --------
    >>> import opdims
    >>> from opdims.io import load_network
    >>> variables = network_variables(load_network(opdims.default_weights("ctxt")))
    >>> variables["n_x0_c"].shape, variables["n_bx_1"].shape
    ((100, 2), (100, 1))
    """
    return {"n_Wru_v": net.W_in, "n_Wrr_n": net.W, "m_Wzr_n": net.W_out, "n_x0_c": net.x0,
            "n_bx_1": _column(net.b_x), "m_bz_1": _column(net.b_z), "dt": net.dt, "tau": net.tau,
            "noise_sigma": net.noise_sigma, "nonlinearity": net.nonlinearity}


def trajectory_variables(traj: Trajectories) -> dict:
    """Return trajectories as MATLAB variables, under ``run_one_forwardPass``'s names.

    Parameters
    ----------
    traj : opdims.Trajectories
        What :func:`opdims.core.simulate` returns (for one network or a stack of K).

    Returns
    -------
    dict
        ``n_x_t``, ``n_r_t [N, T, B(, K)]``, ``m_z_t [n_out, T, B(, K)]``,
        ``n_x0_1``, ``n_r0_1 [N, B(, K)]``.

    Examples
    --------
    >>> import numpy as np
    >>> import opdims
    >>> net = opdims.Network(W_in=np.ones((3, 1)), W=np.eye(3) / 2, W_out=np.ones((1, 3)),
    ...                      x0=np.zeros((3, 1)), b_x=np.zeros(3), b_z=np.zeros(1))
    >>> traj = opdims.simulate(net, np.ones((2, 5, 1)), [1, 1], noise_sigma=0)
    >>> trajectory_variables(traj)["n_x_t"].shape
    (3, 5, 2)
    """
    return {"n_r_t": reversed_axes(traj.r), "m_z_t": reversed_axes(traj.z), "n_r0_1": reversed_axes(traj.r0),
            "n_x_t": reversed_axes(traj.x), "n_x0_1": reversed_axes(traj.x0)}


def task_variables(data: TaskData) -> dict:
    """Return trials as MATLAB variables, under the input generators' names.

    Parameters
    ----------
    data : opdims.TaskData
        The trials.

    Returns
    -------
    dict
        ``inputs [n_in, T, B]``, ``targets [n_out, T, B]``, ``conditionIds
        [1, B]``; ctxt ``coherencies_trial [2, B]``; swg ``all_freqs [1,
        B]``, ``all_freq_ids [B, 1]``.

    Examples
    --------
    >>> import opdims
    >>> sorted(task_variables(opdims.sine_wave_trials(3)))
    ['all_freq_ids', 'all_freqs', 'conditionIds', 'inputs', 'targets']
    """
    out = {"inputs": reversed_axes(data.inputs), "targets": reversed_axes(data.targets),
           "conditionIds": _row(data.condition_ids)}
    if data.coherencies is not None:
        out["coherencies_trial"] = reversed_axes(np.asarray(data.coherencies, dtype=np.float64))
    if data.freq_ids is not None:
        out["all_freqs"] = _row(data.freqs)
        out["all_freq_ids"] = _column(data.freq_ids)
    return out


def local_dims_variables(local: LocalOperativeDimensions) -> dict:
    """Return local operative dimensions as MATLAB variables.

    The dimensions keep their compact size: ``D`` slots per location, the
    most found at any location, NaN where a location has fewer. (The
    original's ``load_local_op_dims`` pads to ``D = N``, which for large
    networks is ``L x N x N`` numbers; in MATLAB,
    ``all_local_op_dims(:, end+1:N, :) = NaN; all_fvals(:, end+1:N) = NaN;``
    restores that layout for the original's ``get_global_operative_dimensions``.)

    Parameters
    ----------
    local : opdims.LocalOperativeDimensions
        The dimensions.

    Returns
    -------
    dict
        ``all_local_op_dims [L, D, N]`` and ``all_fvals [L, D]``,
        ``sampling_locs [L, N]``, ``next_states [L, N]`` and ``dim_type``.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims import LocalOperativeDimensions
    >>> local = LocalOperativeDimensions("columns", np.ones((2, 1, 3)), np.ones((2, 1)), np.zeros((2, 3)),
    ...                                  np.zeros((2, 3)))
    >>> local_dims_variables(local)["all_local_op_dims"].shape
    (2, 1, 3)
    """
    local = local.trimmed()
    return {"all_local_op_dims": np.asarray(local.dims, dtype=np.float64),
            "all_fvals": np.asarray(local.fvals, dtype=np.float64),
            "sampling_locs": np.asarray(local.locations, dtype=np.float64),
            "next_states": np.asarray(local.next_states, dtype=np.float64),
            "dim_type": local.dim_type}


def global_dims_variables(global_dims, singular_values) -> dict:
    """Return global operative dimensions as MATLAB variables, under the s3 script's names.

    Parameters
    ----------
    global_dims : array_like
        ``[N, k]`` the dimensions as columns.
    singular_values : array_like
        ``[k]`` their singular values.

    Returns
    -------
    dict
        ``global_op_dims [N, k]`` and ``singular_values_of_global_op_dims
        [k, k]`` (diagonal, as ``svd(L, 'econ')``).

    Examples
    --------
    >>> import numpy as np
    >>> global_dims_variables(np.eye(2), [2.0, 1.0])["singular_values_of_global_op_dims"]
    array([[2., 0.],
           [0., 1.]])
    """
    s = np.asarray(singular_values, dtype=np.float64).reshape(-1)
    return {"global_op_dims": np.asarray(global_dims, dtype=np.float64),
            "singular_values_of_global_op_dims": np.diag(s)}


def rank_sweep_variables(sweep: RankSweep) -> dict:
    """Return a rank sweep as MATLAB variables, under the s3 script's names.

    Parameters
    ----------
    sweep : opdims.RankSweep
        The sweep.

    Returns
    -------
    dict
        ``ranks``, ``mses``, ``statedists_to_org [K, 1]`` and ``mse_full_rank``; ``mse_silent`` (the
        silent network's cost, W = 0) when known.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims import RankSweep
    >>> sweep = RankSweep(np.array([1, 2]), np.array([0.5, 0.1]), np.array([2.0, 0.0]), 0.1)
    >>> rank_sweep_variables(sweep)["mses"].shape
    (2, 1)
    """
    out = {"ranks": _column(sweep.ranks), "mses": _column(sweep.cost),
           "statedists_to_org": _column(sweep.state_distance), "mse_full_rank": float(sweep.full_cost)}
    if sweep.silent_cost is not None:
        out["mse_silent"] = float(sweep.silent_cost)
    return out


_CONVERTERS = ((Network, network_variables), (Trajectories, trajectory_variables), (TaskData, task_variables),
               (LocalOperativeDimensions, local_dims_variables), (RankSweep, rank_sweep_variables))


def matlab_variables(result) -> dict:
    """Return the MATLAB variables of a Network, Trajectories, TaskData, LocalOperativeDimensions or RankSweep.

    Picks :func:`network_variables`, :func:`trajectory_variables`,
    :func:`task_variables`, :func:`local_dims_variables` or
    :func:`rank_sweep_variables` by type. (Global dimensions are a plain
    pair: use :func:`global_dims_variables`.)

    Parameters
    ----------
    result : object
        One of those types.

    Returns
    -------
    dict
        Variable name -> value (MATLAB orientation).

    Raises
    ------
    TypeError
        For another type.

    Examples
    --------
    >>> import opdims
    >>> from opdims.io import load_network, matlab_variables
    >>> "n_Wrr_n" in matlab_variables(load_network(opdims.default_weights("swg")))
    True
    """
    for cls, convert in _CONVERTERS:
        if isinstance(result, cls):
            return convert(result)
    raise ValidationError(f"no MATLAB conversion for {type(result).__name__}; expected one of "
                    f"{', '.join(cls.__name__ for cls, _ in _CONVERTERS)}")


def has_matlab_variables(value) -> bool:
    """Return whether :func:`matlab_variables` can convert ``value``.

    Parameters
    ----------
    value : object
        Anything.

    Returns
    -------
    bool
        True for a Network, Trajectories, TaskData, LocalOperativeDimensions or RankSweep.

    Examples
    --------
    >>> has_matlab_variables(3.0)
    False
    """
    return any(isinstance(value, cls) for cls, _ in _CONVERTERS)
