"""Local operative dimensions: the directions of W whose removal changes the
network's next state most, at each sampling location.

Columns have a closed form; rows are found greedily, exactly
(:mod:`opdims.dims.exact_rows`, the default) or by the original's optimiser
(``method='fminunc'``). Δf, the relaxation step and the result container
live in :mod:`opdims.dims.operative`.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize
from tqdm.auto import tqdm

from ..core.backend import single_threaded, single_threaded_blas
from ..core.cells import is_gated
from ..core.errors import ValidationError
from ..core.random import RandomStream, as_stream
from ..core.validation import ROW_METHODS, check_dim_type, check_locations, check_row_method
from .exact_rows import exact_row_dimensions
from .generic import generic_local_dimensions
from .operative import FVAL_THRESHOLD, LocalOperativeDimensions, delta_f, orthonormalize_against, relax_step

__all__ = [
    "ROW_METHODS",
    "local_column_dimensions",
    "local_operative_dimensions",
    "local_row_dimensions",
    "local_row_dimensions_fminunc",
]

_COLUMN_CHUNK_BYTES = 64 * 2**20  #: memory for the modified matrices of one chunk of locations


def local_column_dimensions(net, locations) -> LocalOperativeDimensions:
    """Local operative column dimensions at ``locations [L, N]`` (closed form).

    The best column dimension is ``W φ(x) / ||W φ(x)||`` (removing a unit
    vector v from the columns of W changes the next state by ``a v v'W φ(x)``);
    only this first dimension is computed, as in the original, with its fval
    from the one-step simulation, as the original's. Exact for every
    nonlinearity φ. Where ``W φ(x) = 0`` no direction changes the next state:
    that location gets no dimension (NaN), as it adds nothing to the global ones.

    Parameters
    ----------
    net : opdims.Network
        The network.
    locations : array_like
        Sampling locations ``[L, N]`` (or one ``[N]``).

    Returns
    -------
    LocalOperativeDimensions
        ``dims [L, 1, N]`` and ``fvals [L, 1]``.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims import Network
    >>> net = Network(W_in=np.ones((2, 1)), W=np.array([[0.0, 1.0], [1.0, 0.0]]), W_out=np.ones((1, 2)),
    ...               x0=np.zeros(2), b_x=np.zeros(2), b_z=np.zeros(1))
    >>> local_column_dimensions(net, [[1.0, 0.0]]).dims[0, 0]
    array([0., 1.])
    """
    if is_gated(net):  # a GRU or LSTM: the generic solver (docs/gated_cells.md), greedy
        return generic_local_dimensions(net, locations, "columns")
    loc = check_locations(net, locations).reshape(-1, net.n_units)
    n_loc, n = loc.shape
    with single_threaded_blas():
        Wr = net.rates(loc) @ net.W.T
        norm = np.linalg.norm(Wr, axis=1, keepdims=True)
        dead = norm[:, 0] == 0  # W phi(x) = 0: no direction changes the next state, none is operative
        v = Wr / np.where(dead[:, None], 1.0, norm)
        v[dead] = np.nan
        next_states = relax_step(net, loc)
        fval = np.empty(n_loc)
        chunk = max(1, _COLUMN_CHUNK_BYTES // (8 * n * n))
        for start in range(0, n_loc, chunk):
            sel = slice(start, start + chunk)
            vs = np.where(dead[sel, None], 0.0, v[sel])
            W_mod = net.W[None] - vs[:, :, None] * (vs @ net.W)[:, None, :]
            fval[sel] = -np.linalg.norm(next_states[sel] - relax_step(net, loc[sel], W_mod), axis=1)
        fval[dead] = np.nan
    return LocalOperativeDimensions("columns", v[:, None, :], fval[:, None], loc, next_states)


@single_threaded
def local_row_dimensions_fminunc(net, location, *, n_dims: int | None = None,
                                   stream: RandomStream | int | None = None,
                                   threshold: float = FVAL_THRESHOLD,
                                   tol_x: float = 1e-6) -> LocalOperativeDimensions:
    """Local operative row dimensions at one ``location [N]``, by the original's procedure.

    Greedily, for each dimension: a random unit start (``randn(N, 1)``), a
    quasi-Newton (BFGS, finite-difference gradient) minimisation of
    ``-Δf`` over directions orthogonal to the dimensions found so far, QR
    post-processing, and a stop once ``|fval| < threshold``. Slow (this is the
    original's method, kept as the ``reference``); it stops where its
    step tolerance ``tol_x`` says, so later greedy steps drift.

    Parameters
    ----------
    net : opdims.Network
        The network.
    location : array_like
        The sampling location ``[N]``.
    n_dims : int, optional
        Most dimensions to find (default N).
    stream : RandomStream or int, optional
        Source of the random starts.
    threshold : float, optional
        Stop once ``|fval|`` falls below this (the original's 1e-8).
    tol_x : float, optional
        Relative step tolerance of the optimiser.

    Returns
    -------
    LocalOperativeDimensions
        One location.
    """
    loc = check_locations(net, location).reshape(-1)
    n = net.n_units
    n_dims = n if n_dims is None else int(n_dims)
    stream = as_stream(stream)
    next_state = relax_step(net, loc)
    dims = np.full((n, n), np.nan)
    fvals = np.full(n, np.nan)
    for j in range(n_dims):
        previous = dims[:j].T

        def objective(x, previous=previous):
            return -delta_f(net, loc, orthonormalize_against(x, previous), "rows", next_state)

        start = stream.randn((n, 1))[:, 0]
        start = start / np.linalg.norm(start)
        res = minimize(objective, start, method="BFGS", options={"xrtol": tol_x})
        q = orthonormalize_against(res.x, previous)
        dims[j] = q / np.linalg.norm(q)
        fvals[j] = res.fun
        if abs(res.fun) < threshold:
            break
    return LocalOperativeDimensions("rows", dims[None], fvals[None], loc[None], next_state[None]).trimmed()


def local_row_dimensions(net, locations, *, method: str = "exact", n_dims: int | None = None,
                         stream: RandomStream | int | None = None, threshold: float = FVAL_THRESHOLD,
                         progress: bool = False, previous=None, threads: int | None = None) -> LocalOperativeDimensions:
    """Local operative row dimensions at every location of ``locations [L, N]``.

    Parameters
    ----------
    net : opdims.Network
        The network.
    locations : array_like
        Sampling locations ``[L, N]``.
    method : str, optional
        ``'exact'`` (default): at each greedy step the provably best
        dimension (:func:`opdims.dims.exact_rows.exact_row_dimensions`; draws
        nothing). ``'fminunc'`` (formerly ``'reference'``): the original's optimiser at each location
        (:func:`local_row_dimensions_fminunc`), drawing its random starts
        from ``stream`` location after location.
    n_dims : int, optional
        Most dimensions per location (default N).
    stream : RandomStream or int, optional
        Random starts of the reference method.
    threshold : float, optional
        Stop a location once ``|fval|`` falls below this (the original's 1e-8).
    progress : bool, optional
        Show a progress bar.
    previous : array_like or list, optional
        Exact method: the dimensions already found at each location (see
        :func:`opdims.dims.exact_rows.exact_row_dimensions`); the search goes on from them.
    threads : int, optional
        Exact method: worker threads over locations.

    Returns
    -------
    LocalOperativeDimensions
        The row dimensions.

    Raises
    ------
    ValueError
        For an unknown method.
    """
    method = check_row_method(method, "method")
    if is_gated(net):  # a GRU or LSTM: the generic solver (docs/gated_cells.md)
        if method != "exact":
            raise ValidationError(f"method: a {net.kind.upper()}'s row dimensions come from the generic solver; "
                                  f"method={method!r} is for vanilla networks")
        return generic_local_dimensions(net, locations, "rows", n_dims=n_dims, threshold=threshold,
                                        previous=previous, progress=progress)
    loc = check_locations(net, locations).reshape(-1, net.n_units)
    if method == "exact":
        return exact_row_dimensions(net, loc, n_dims=n_dims, threshold=threshold, progress=progress,
                                    previous=previous, threads=threads)
    if previous is not None:
        raise ValidationError("previous: only the exact method continues from given dimensions")
    stream = as_stream(stream)
    parts = [local_row_dimensions_fminunc(net, x, n_dims=n_dims, stream=stream, threshold=threshold)
             for x in tqdm(loc, desc="row dimensions", unit="location", disable=not progress)]
    return LocalOperativeDimensions.concatenate(parts)


def local_operative_dimensions(net, locations, dim_type: str, **row_options) -> LocalOperativeDimensions:
    """Local operative dimensions of ``dim_type`` at ``locations [L, N]``.

    Parameters
    ----------
    net : opdims.Network
        The network.
    locations : array_like
        Sampling locations ``[L, N]``.
    dim_type : str
        ``'columns'`` (closed form) or ``'rows'``.
    **row_options
        Passed to :func:`local_row_dimensions` for rows.

    Returns
    -------
    LocalOperativeDimensions
        The dimensions.
    """
    check_dim_type(dim_type)
    if dim_type == "columns":
        return local_column_dimensions(net, locations)
    return local_row_dimensions(net, locations, **row_options)  # a GRU or LSTM: the generic solver


#: the name of opdims 0.2
local_row_dimensions_reference = local_row_dimensions_fminunc
