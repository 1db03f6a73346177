"""``run_rnn`` and ``vec`` from the original's rnnFramework."""

from __future__ import annotations

import numpy as np

from ..core.simulate import simulate
from .convert import network_from_matlab, scalar, to_core, to_matlab
from .global_stream import get_stream

__all__ = ["run_rnn", "vec"]


def run_rnn(n_Wru_v, n_Wrr_n, m_Wzr_n, n_bx0_c, n_bx_1, m_bz_1, dt, tau,
            noise_sigma, inputs, conditionIds):
    """Run the original's simulation loop (``rnnFramework/run_rnn.m``).

    One call of :func:`opdims.core.simulate` on the network these weights make,
    drawing the internal noise from the global stream (:func:`rng`), with
    the outputs in MATLAB orientation. As the original, the noise is drawn
    as ``randn(N, T)`` per trial, also when ``noise_sigma`` is 0.

    Parameters
    ----------
    n_Wru_v : array_like
        Input weights ``[N, n_inputs]``.
    n_Wrr_n : array_like
        Recurrent weights ``[N, N]``.
    m_Wzr_n : array_like
        Output weights ``[n_outputs, N]``.
    n_bx0_c : array_like
        Initial states ``[N, n_contexts]``, one column per condition id.
    n_bx_1 : array_like
        Unit biases ``[N, 1]``.
    m_bz_1 : array_like
        Output biases ``[n_outputs, 1]``.
    dt : float
        Simulation step (s), 1e-3 in the paper (a number or a ``[1, 1]`` array, as all scalars here).
    tau : float
        Unit time constant (s), 1e-2 in the paper.
    noise_sigma : float
        Standard deviation of the internal noise.
    inputs : array_like
        ``[n_inputs, T, trials]`` (``[n_inputs, T]`` for one trial).
    conditionIds : array_like of int
        ``[trials]``: 1-based column of ``n_bx0_c`` each trial starts from.

    Returns
    -------
    n_r_t : numpy.ndarray
        Rates ``tanh(x)`` ``[N, T, trials]`` (a trailing singleton trial axis dropped, as MATLAB does).
    m_z_t : numpy.ndarray
        Outputs ``[n_outputs, T, trials]``.
    n_r0_1 : numpy.ndarray
        Initial rates ``[N, trials]``.
    n_x_t : numpy.ndarray
        States ``[N, T, trials]`` (after each step; the initial state is not included).
    n_x0_1 : numpy.ndarray
        Initial states ``[N, trials]``.

    Raises
    ------
    ValueError
        For weights or inputs of inconsistent shapes, or condition ids
        outside ``1..n_contexts``.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims.matlab import rng, run_rnn
    >>> n_Wru_v, n_Wrr_n, m_Wzr_n = np.ones((3, 1)), 0.5 * np.eye(3), np.ones((1, 3)) / 3
    >>> n_bx0_c, n_bx_1, m_bz_1 = np.zeros((3, 1)), np.zeros((3, 1)), np.zeros((1, 1))
    >>> inputs = np.ones((1, 20, 2))  # [n_inputs, T, trials]
    >>> rng(1)
    >>> n_r_t, m_z_t, n_r0_1, n_x_t, n_x0_1 = run_rnn(n_Wru_v, n_Wrr_n, m_Wzr_n, n_bx0_c, n_bx_1, m_bz_1,
    ...                                                1e-3, 1e-2, 0.0, inputs, [1, 1])
    >>> n_x_t.shape, m_z_t.shape, n_x0_1.shape
    ((3, 20, 2), (1, 20, 2), (3, 2))
    >>> round(float(m_z_t[0, -1, 0]), 4)
    0.8259
    """
    net = network_from_matlab(n_Wru_v, n_Wrr_n, m_Wzr_n, n_bx0_c, n_bx_1, m_bz_1, dt=scalar(dt, "dt"),
                              tau=scalar(tau, "tau"), noise_sigma=scalar(noise_sigma, "noise_sigma"))
    traj = simulate(net, to_core(inputs), conditionIds, stream=get_stream())
    return (to_matlab(traj.r), to_matlab(traj.z), traj.r0.T.copy(),
            to_matlab(traj.x), traj.x0.T.copy())


def vec(A) -> np.ndarray:
    """Return all elements of ``A`` column-major as a column, MATLAB's ``A(:)``.

    Parameters
    ----------
    A : array_like
        Any array (MATLAB orientation).

    Returns
    -------
    numpy.ndarray
        ``[numel(A), 1]``.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims.matlab import vec
    >>> vec(np.array([[1, 2], [3, 4]])).ravel()
    array([1, 3, 2, 4])
    """
    return np.asarray(A).reshape(-1, 1, order="F")
