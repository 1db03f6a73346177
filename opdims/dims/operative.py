"""What every local-dimension method shares: the one-step relaxation at a
sampling location, Δf, and the result container :class:`LocalOperativeDimensions`.

Δf of a unit vector q at location x: the distance between the next state of
the full network and of the network with q removed from W (columns or rows),
after one step from x with zero input and zero noise. The original stores
``fval = -Δf`` (it minimises); so does opdims.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.backend import single_threaded
from ..core.cells import is_gated, remove_gated_dimensions
from ..core.reduce import as_dimension_matrix, remove_dimensions
from ..core.sampling import select_locations
from ..core.validation import ValidationError, check_dim_type, check_locations

__all__ = ["FVAL_THRESHOLD", "LocalOperativeDimensions", "delta_f", "orthonormalize_against", "relax_step"]

FVAL_THRESHOLD = 1e-8  #: the original stops the greedy search once |fval| drops below this


@single_threaded
def relax_step(net, locations, W=None) -> np.ndarray:
    """State one step after ``locations [..., N]`` with zero input and zero noise.

    ``x' = (1 - a) x + a (W φ(x) + b_x)``, the full network's next state the
    original stores as ``all_trajs_org(:, 2)``; for a gated cell
    (:class:`~opdims.core.cells.GatedNetwork`) its step with zero input.

    Parameters
    ----------
    net : opdims.Network or GatedNetwork
        The network (its ``alpha``, ``b_x`` and nonlinearity).
    locations : array_like
        States ``[..., N]``.
    W : array_like, optional
        Recurrent weights ``[N, N]`` or one per location ``[..., N, N]``
        (default ``net.W``).

    Returns
    -------
    numpy.ndarray
        Next states ``[..., N]``.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims import Network
    >>> net = Network(W_in=np.ones((2, 1)), W=np.eye(2), W_out=np.ones((1, 2)), x0=np.zeros(2),
    ...               b_x=np.zeros(2), b_z=np.zeros(1))
    >>> relax_step(net, np.zeros(2))
    array([0., 0.])
    """
    x = check_locations(net, locations)
    W = net.W if W is None else np.asarray(W, dtype=np.float64)
    if is_gated(net):
        return net.step(x, W=W)
    r = net.rates(x)
    recurrent = (W @ r[..., None])[..., 0]
    a = net.alpha
    return (1.0 - a) * x + a * (recurrent + net.b_x)


@single_threaded
def orthonormalize_against(x, previous) -> np.ndarray:
    """Unit vector from ``x [N]`` orthogonal to the columns of ``previous [N, d]``.

    As the original: normalise x, then take the last column of the thin QR
    factor of ``[previous, x]``.

    Parameters
    ----------
    x : array_like
        Vector ``[N]``.
    previous : array_like or None
        Earlier dimensions as columns ``[N, d]`` (``None`` or empty for none).

    Returns
    -------
    numpy.ndarray
        Unit vector ``[N]``.

    Examples
    --------
    >>> orthonormalize_against([1.0, 1.0], [[1.0], [0.0]]).round(12) ** 2
    array([0., 1.])
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    previous = as_dimension_matrix(previous, x.size, "previous dimensions")
    x = x / np.linalg.norm(x)
    q, _ = np.linalg.qr(np.column_stack([previous, x]))
    return q[:, -1]


@single_threaded
def delta_f(net, location, q, dim_type: str, next_state=None) -> float:
    """Δf of removing the unit vector ``q [N]`` from W at ``location [N]``.

    Parameters
    ----------
    net : opdims.Network
        The network.
    location : array_like
        The sampling location ``[N]``.
    q : array_like
        Unit vector ``[N]`` to remove.
    dim_type : str
        ``'columns'`` or ``'rows'``.
    next_state : array_like, optional
        The full network's next state (computed if not given).

    Returns
    -------
    float
        The distance between the two next states.
    """
    check_dim_type(dim_type)
    location = check_locations(net, location)
    if next_state is None:
        next_state = relax_step(net, location)
    if is_gated(net):
        W_mod = remove_gated_dimensions(net.W, q, dim_type, net.n_blocks)
    else:
        W_mod = remove_dimensions(net.W, q, dim_type)
    return float(np.linalg.norm(next_state - relax_step(net, location, W_mod)))


@dataclass
class LocalOperativeDimensions:
    """Local operative dimensions at ``L`` sampling locations.

    Parameters
    ----------
    dim_type : str
        ``'columns'`` or ``'rows'``.
    dims : numpy.ndarray
        ``[L, D, N]``: dimension j at location l is ``dims[l, j]`` (a unit
        vector), NaN where none was computed. ``D <= N`` is the most
        dimensions any location has (the original pads to N; see :meth:`padded`).
    fvals : numpy.ndarray
        ``[L, D]``: the original's ``fval = -Δf`` of each dimension, NaN likewise.
    locations : numpy.ndarray
        ``[L, S]``: the sampling locations (``S = N``, but ``2N`` for an LSTM's ``(h, c)``).
    next_states : numpy.ndarray
        ``[L, S]``: the full network's state one step after each location.

    Examples
    --------
    >>> import numpy as np
    >>> a = LocalOperativeDimensions("columns", np.ones((2, 1, 3)), -np.ones((2, 1)), np.zeros((2, 3)),
    ...                              np.zeros((2, 3)))
    >>> both = LocalOperativeDimensions.concatenate([a, a[:1]])
    >>> len(both), both.n_units
    (3, 3)
    """

    dim_type: str
    dims: np.ndarray
    fvals: np.ndarray
    locations: np.ndarray
    next_states: np.ndarray

    def __post_init__(self):
        check_dim_type(self.dim_type)
        self.dims = np.asarray(self.dims, dtype=np.float64)
        self.fvals = np.asarray(self.fvals, dtype=np.float64)
        self.locations = np.asarray(self.locations, dtype=np.float64)
        self.next_states = np.asarray(self.next_states, dtype=np.float64)
        if self.dims.ndim != 3:
            raise ValidationError(f"local dimensions: dims must be [locations, dims, units], "
                                  f"got shape {self.dims.shape}")
        n_loc, n_dims, n = self.dims.shape
        size = self.locations.shape[-1] if self.locations.ndim == 2 else n  # the state: N, or an LSTM's 2N
        expected = {"fvals": (n_loc, n_dims), "locations": (n_loc, size), "next_states": (n_loc, size)}
        for name, shape in expected.items():
            if getattr(self, name).shape != shape:
                raise ValidationError(f"local dimensions: {name} must have shape {shape} to match dims "
                                      f"{self.dims.shape}, got {getattr(self, name).shape}")
        if n_dims > n:
            raise ValidationError(f"local dimensions: {n_dims} dimensions per location for {n} units")

    @property
    def n_locations(self) -> int:
        """Number of sampling locations ``L``."""
        return self.dims.shape[0]

    @property
    def n_units(self) -> int:
        """Number of units ``N``."""
        return self.dims.shape[2]

    @property
    def counts(self) -> np.ndarray:
        """Dimensions computed at each location ``[L]``."""
        return np.sum(~np.isnan(self.fvals), axis=1)

    def __len__(self) -> int:
        return self.n_locations

    def __getitem__(self, index) -> LocalOperativeDimensions:
        """The locations picked by ``index`` (int, slice, index array or boolean mask)."""
        if isinstance(index, (int, np.integer)):
            index = [int(index)]
        index = np.arange(self.n_locations)[index]
        return LocalOperativeDimensions(self.dim_type, self.dims[index], self.fvals[index],
                                        self.locations[index], self.next_states[index]).trimmed()

    def trimmed(self) -> LocalOperativeDimensions:
        """The same dimensions with trailing all-NaN dimension slots dropped (``D`` = most found).

        Returns
        -------
        LocalOperativeDimensions
            The trimmed dimensions (``self`` when nothing is dropped).
        """
        counts = self.counts
        d = int(counts.max(initial=0))
        if d == self.dims.shape[1]:
            return self
        return LocalOperativeDimensions(self.dim_type, self.dims[:, :d], self.fvals[:, :d], self.locations,
                                        self.next_states)

    def padded(self, n_dims: int | None = None) -> LocalOperativeDimensions:
        """The same dimensions with ``n_dims`` NaN-padded slots per location, as the original stores them.

        The default ``n_dims`` is N.

        Parameters
        ----------
        n_dims : int, optional
            Slots per location (at least the dimensions found).

        Returns
        -------
        LocalOperativeDimensions
            The padded dimensions.
        """
        n_dims = self.n_units if n_dims is None else int(n_dims)
        have = self.dims.shape[1]
        if n_dims < int(self.counts.max(initial=0)):
            raise ValidationError(f"padded: {n_dims} slots cannot hold {int(self.counts.max())} dimensions")
        dims = np.full((self.n_locations, n_dims, self.n_units), np.nan)
        fvals = np.full((self.n_locations, n_dims), np.nan)
        k = min(have, n_dims)
        dims[:, :k] = self.dims[:, :k]
        fvals[:, :k] = self.fvals[:, :k]
        return LocalOperativeDimensions(self.dim_type, dims, fvals, self.locations, self.next_states)

    def select(self, subset: str, props=None) -> LocalOperativeDimensions:
        """The locations of a subset (the original's ``sampling_locs_to_combine``).

        ``'all'``, or for ctxt ``'ctxt1'``, ``'ctxt2'``, ``'allPosChoice'``, ``'allNegChoice'``.

        Parameters
        ----------
        subset : str
            The original's ``sampling_locs_to_combine``.
        props : opdims.SamplingLocationProperties, optional
            The locations' properties (needed for every subset but ``'all'``).

        Returns
        -------
        LocalOperativeDimensions
            The dimensions at those locations.
        """
        return self[select_locations(subset, props, self.n_locations)]

    @classmethod
    def concatenate(cls, parts) -> LocalOperativeDimensions:
        """One object with the locations of all ``parts`` (same type and units), in order.

        Parameters
        ----------
        parts : sequence of LocalOperativeDimensions
            At least one.

        Returns
        -------
        LocalOperativeDimensions
            All locations; dimension slots padded with NaN to the largest ``D``.
        """
        parts = list(parts)
        if not parts:
            raise ValidationError("concatenate: expected at least one LocalOperativeDimensions")
        types = {p.dim_type for p in parts}
        units = {p.n_units for p in parts}
        if len(types) > 1 or len(units) > 1:
            raise ValidationError(f"concatenate: parts differ in dimension type {sorted(types)} or units "
                                  f"{sorted(units)}")
        d = max(p.dims.shape[1] for p in parts)
        padded = [p.padded(d) if p.dims.shape[1] != d else p for p in parts]
        return cls(parts[0].dim_type, *(np.concatenate([getattr(p, name) for p in padded])
                                        for name in ("dims", "fvals", "locations", "next_states")))

    def scaled_dimensions(self) -> np.ndarray:
        """Every computed dimension times its fval, as the columns of the original's matrix L.

        L's left singular vectors are the global operative dimensions.

        Returns
        -------
        numpy.ndarray
            ``[N, number of computed dimensions]``.
        """
        valid = ~np.isnan(self.fvals)
        return (self.dims[valid] * self.fvals[valid][:, None]).T
