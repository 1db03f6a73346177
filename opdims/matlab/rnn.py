"""``run_rnn`` and ``vec`` from the original's rnnFramework."""

from __future__ import annotations

import numpy as np

from ..simulate import simulate
from ._convert import network_from_matlab, to_core, to_matlab
from ._rng import get_stream


def run_rnn(n_Wru_v, n_Wrr_n, m_Wzr_n, n_bx0_c, n_bx_1, m_bz_1, dt, tau,
            noise_sigma, inputs, conditionIds):
    """The original's simulation loop; returns
    ``(n_r_t, m_z_t, n_r0_1, n_x_t, n_x0_1)`` in MATLAB orientation.

    ``inputs [n_inputs, T, B]``; ``conditionIds`` 1-based. Noise is drawn from
    the global stream as ``randn(N, T)`` per trial, also when sigma is 0.
    """
    net = network_from_matlab(n_Wru_v, n_Wrr_n, m_Wzr_n, n_bx0_c, n_bx_1, m_bz_1,
                              dt=dt, tau=tau, noise_sigma=noise_sigma)
    traj = simulate(net, to_core(inputs), conditionIds, stream=get_stream())
    return (to_matlab(traj.r), to_matlab(traj.z), traj.r0.T.copy(),
            to_matlab(traj.x), traj.x0.T.copy())


def vec(A) -> np.ndarray:
    """``A(:)``: all elements, column-major, as a column ``[n, 1]``."""
    return np.asarray(A).reshape(-1, 1, order="F")
