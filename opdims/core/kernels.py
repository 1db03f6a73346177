"""Step kernels of the rank sweep: one fused pass per time step, compiled with numba when it is installed.

Arrays are ``[networks K, units N, trials B]``. A sweep step of a block of
networks is

1. ``rec = W @ r`` (one batched BLAS product: ``[N, N] @ [N, B]`` per network);
2. ``x <- keep x + alpha (rec + drive_t)`` (``x <- rec + drive_t`` when
   ``alpha = 1``), the formula of :func:`opdims.core.simulate.euler_steps`;
3. ``d2 = sum_n (x - x_full)^2`` and ``dist += sqrt(d2)`` per network and trial;
4. ``r = phi(x)``;
5. ``err = w_out' r + b_out - target_t`` and ``sq_err += err^2`` per network and trial.

Steps 1 and 4 are NumPy calls on both paths: BLAS does the product, and
NumPy's vectorised ``tanh`` (or the network's other nonlinearity, through
:func:`opdims.core.nonlinearity.apply_nonlinearity`) gives the rates; numba's own
``tanh`` (the C library's, one number at a time) is about 8 times slower here
and differs from NumPy's by up to 3 units in the last place. Steps 2, 3 and 5 are

- ``numba`` (``pip install 'opdims[fast]'``): :func:`update_distance_output`,
  one pass over each network's ``[N, B]`` slab that does the update, the
  squared distance and the output of the previous step's rates, vectorised
  over trials, compiled once and cached on disk;
- ``numpy`` (the fallback): in-place array operations, with the sums over
  units as reductions over the middle axis.

Both add up the sums over units in unit order (NumPy reduces a middle axis
element by element, one unit after the other), with the same operations in
the same order, so the two paths give the same bits; the tests check that
they agree to 1e-12 and that the states are identical. The last sum, over a
network's trials, is ``math.fsum``. Every number of a network depends only
on that network, its trials and the noise, so neither the block a network is
simulated in, nor the number of threads, nor where an array lies in memory
changes a single bit. (With trials as the contiguous axis, ``einsum`` over
units gave a network's output one unit in the last place apart depending on
the block it ran in; reductions over a middle axis have no such freedom.)
"""

from __future__ import annotations

import math
import os
import threading

import numpy as np

from .errors import MissingDependencyError, ValidationError
from .nonlinearity import apply_nonlinearity

__all__ = ["KERNELS", "KERNEL_ENV", "check_kernel", "numba_available", "run_block", "unit_sum",
           "update_distance_output"]

KERNELS = ("numba", "numpy")  #: implementations of the sweep step
KERNEL_ENV = "OPDIMS_KERNEL"  #: environment variable choosing the default kernel ("numba" or "numpy")

_lock = threading.Lock()
_compiled = None


def numba_available() -> bool:
    """Whether numba can be imported (``pip install 'opdims[fast]'``).

    Returns
    -------
    bool
        ``True`` when the numba kernel can be used.
    """
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def check_kernel(kernel: str | None) -> str:
    """The step kernel to use: ``kernel``, else ``$OPDIMS_KERNEL``, else numba when installed.

    Parameters
    ----------
    kernel : str or None
        ``'numba'``, ``'numpy'`` or ``None`` (automatic).

    Returns
    -------
    str
        ``'numba'`` or ``'numpy'``.

    Raises
    ------
    ValueError
        For an unknown name.
    ImportError
        If ``'numba'`` is asked for and numba is not installed.

    Examples
    --------
    >>> check_kernel("numpy")
    'numpy'
    """
    if kernel is None:
        kernel = os.environ.get(KERNEL_ENV) or None
        if kernel is None:
            return "numba" if numba_available() else "numpy"
    if kernel not in KERNELS:
        raise ValidationError(f"kernel: expected one of {', '.join(KERNELS)} (or ${KERNEL_ENV}), got {kernel!r}")
    if kernel == "numba" and not numba_available():
        raise MissingDependencyError("kernel='numba' needs numba: pip install 'opdims[fast]' (or use kernel='numpy')")
    return kernel


def update_distance_output(rec, drive, x, r, ref, w_out, b_out, target, alpha, keep, update, distance,
                           output, dist, sq_err, acc_dist, acc_out):
    """Steps 2, 3 and 5 of a sweep step for every network ``k`` and trial ``b`` (compiled by numba).

    Arrays are ``[networks K, units N, trials B]``; the sums over units run
    in unit order, trial by trial, as NumPy's reductions over the middle axis.

    Parameters
    ----------
    rec : ndarray ``[K, N, B]``
        ``W @ r`` of this step.
    drive : ndarray ``[N, B]``
        Input, bias and noise of this step.
    x : ndarray ``[K, N, B]``
        States, updated in place (when ``update``).
    r : ndarray ``[K, N, B]``
        Rates of the previous step (their output is scored when ``output``).
    ref : ndarray ``[N, B]``
        Full-rank states of this step (used when ``distance``).
    w_out : ndarray ``[N]``
        Output weights of output 1.
    b_out : float
        Its bias.
    target : ndarray ``[B]``
        Target of output 1 at the previous step (used when ``output``).
    alpha, keep : float
        ``dt / tau`` and ``1 - alpha``.
    update, distance, output : bool
        Which of the steps to do.
    dist, sq_err : ndarray ``[B, K]``
        Summed distances and squared output errors, added to in place.
    acc_dist, acc_out : ndarray ``[B]``
        Scratch space.
    """
    n_nets, n_units, n_trials = x.shape
    keep_state = keep != 0.0
    for k in range(n_nets):
        if output:
            for b in range(n_trials):
                acc_out[b] = r[k, 0, b] * w_out[0]
            for n in range(1, n_units):
                wn = w_out[n]
                for b in range(n_trials):
                    acc_out[b] += r[k, n, b] * wn
            for b in range(n_trials):
                err = acc_out[b] + b_out - target[b]
                sq_err[b, k] += err * err
        if update:
            for n in range(n_units):
                if keep_state:
                    for b in range(n_trials):
                        x[k, n, b] = keep * x[k, n, b] + alpha * (rec[k, n, b] + drive[n, b])
                elif alpha == 1.0:
                    for b in range(n_trials):
                        x[k, n, b] = rec[k, n, b] + drive[n, b]
                else:
                    for b in range(n_trials):
                        x[k, n, b] = alpha * (rec[k, n, b] + drive[n, b])
        if distance:
            for b in range(n_trials):
                e = x[k, 0, b] - ref[0, b]
                acc_dist[b] = e * e
            for n in range(1, n_units):
                for b in range(n_trials):
                    e = x[k, n, b] - ref[n, b]
                    acc_dist[b] += e * e
            for b in range(n_trials):
                dist[b, k] += math.sqrt(acc_dist[b])


def _numba_kernel():
    """:func:`update_distance_output` compiled (once per process; cached on disk)."""
    global _compiled
    with _lock:
        if _compiled is None:
            import numba

            _compiled = numba.njit(cache=True, nogil=True, error_model="numpy", boundscheck=False)(
                update_distance_output)
        return _compiled


def run_block(W, x0, chunks, ref, target, w_out, b_out, alpha, keep, nonlinearity: str, kernel: str,
              record=None):
    """Advance the networks ``W [K, N, N]`` (C-contiguous) over all steps; summed measures.

    Parameters
    ----------
    W : ndarray ``[K, N, N]``
        Recurrent weights of the networks, C-contiguous.
    x0 : ndarray ``[N, B]``
        Initial states of the trials (the same for every network).
    chunks : iterable
        ``(t0, drive [t, N, B])`` in time order, C-contiguous.
    ref : ndarray ``[T, N, B]`` or None
        Full-rank states after each step (``None``: no state distance).
    target : ndarray ``[T, B]``
        Target of output 1.
    w_out : ndarray ``[N]``
        Output weights of output 1.
    b_out : float
        Its bias.
    alpha, keep : float
        ``dt / tau`` and ``1 - alpha``.
    nonlinearity : str
        The network's φ.
    kernel : str
        ``'numba'`` or ``'numpy'`` (see :func:`check_kernel`).
    record : ndarray ``[T, N, B]``, optional
        Where to write the states of network 0 after each step (for the full-rank pass).

    Returns
    -------
    tuple of ndarray
        ``(sq_err [K], dist [K])``: squared output error and state distance,
        summed over trials and steps (each network's trials added with ``math.fsum``).
    """
    dtype = W.dtype.type
    alpha, keep = dtype(alpha), dtype(keep)
    n_nets, (n_units, n_trials) = W.shape[0], x0.shape
    x = np.array(np.broadcast_to(x0.astype(dtype), (n_nets,) + x0.shape))
    r = apply_nonlinearity(nonlinearity, x)
    rec = np.empty_like(x)
    sq_err = np.zeros((n_trials, n_nets))
    dist = np.zeros((n_trials, n_nets))
    w_out = np.ascontiguousarray(w_out, dtype=dtype)
    b_out = dtype(b_out)
    distance = ref is not None
    t = -1
    if kernel == "numba":
        step = _numba_kernel()
        empty = np.zeros((n_units, n_trials), dtype=dtype)
        acc_dist, acc_out = np.empty(n_trials, dtype=dtype), np.empty(n_trials, dtype=dtype)
        for t0, drive in chunks:
            for i in range(drive.shape[0]):
                t = t0 + i
                np.matmul(W, r, out=rec)
                step(rec, drive[i], x, r, ref[t] if distance else empty, w_out, b_out, target[t - 1], alpha, keep,
                     True, distance, t > 0, dist, sq_err, acc_dist, acc_out)
                apply_nonlinearity(nonlinearity, x, out=r)
                if record is not None:
                    record[t] = x[0]
        if t >= 0:
            step(rec, empty, x, r, empty, w_out, b_out, target[t], alpha, keep, False, False, True, dist, sq_err,
                 acc_dist, acc_out)
        return _total(sq_err), _total(dist)

    # The same arithmetic in NumPy: the sums over units are reductions over the middle axis, which NumPy
    # adds up element by element in unit order (the numba kernel's order), whatever the arrays' addresses.
    keep_state = keep != 0
    diff = np.empty_like(x)
    w_col = w_out[:, None]
    for t0, drive in chunks:
        for i in range(drive.shape[0]):
            t = t0 + i
            np.matmul(W, r, out=rec)
            rec += drive[i]
            if keep_state:
                rec *= alpha
                x *= keep
                x += rec
            elif alpha == 1:
                x, rec = rec, x
            else:
                np.multiply(rec, alpha, out=x)
            apply_nonlinearity(nonlinearity, x, out=r)
            if distance:
                np.subtract(x, ref[t], out=diff)
                np.square(diff, out=diff)
                dist += np.sqrt(unit_sum(diff)).T
            np.multiply(r, w_col, out=diff)
            err = unit_sum(diff)
            err += b_out
            err -= target[t]
            sq_err += (err * err).T
            if record is not None:
                record[t] = x[0]
    return _total(sq_err), _total(dist)


def unit_sum(a) -> np.ndarray:
    """``[K, N, B]`` -> ``[K, B]``: the sum over units, added unit after unit (``((a_0 + a_1) + a_2) + ...``).

    NumPy reduces a middle axis that way (element by element over the
    trials); with a single trial the units are the contiguous axis, which
    ``np.add.reduce`` would add pairwise, so a running sum is taken instead.

    Parameters
    ----------
    a : ndarray ``[K, N, B]``
        The terms.

    Returns
    -------
    ndarray ``[K, B]``
        The sums.
    """
    if a.shape[2] > 1:
        return np.add.reduce(a, axis=1)
    return np.add.accumulate(a, axis=1)[:, -1]


def _total(per_trial) -> np.ndarray:
    """``[B, K]`` -> ``[K]``: each network's trials added up exactly rounded (``math.fsum``)."""
    return np.array([math.fsum(column) for column in per_trial.T])
