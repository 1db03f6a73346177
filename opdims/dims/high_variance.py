"""High-variance dimensions: the paper's baseline against which operative dimensions are measured.

What the original ``s1_analysis_high_variance_dimensions.m`` computes for one
network (figure 1 c–e and h–j of the paper): the variance explained by the
singular values of W, the variance explained by the principal components of
the full-rank activity, and the output cost and state distance of the network
whose W keeps only its top-k left singular vectors (``'columns'``), k = 1..N,
on the same trials and noise as the operative-dimension sweeps. Computed here
once, and used by s1, the analysis chain (:func:`opdims.analyse_network`) and
``opdims reproduce`` / ``opdims analyse``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.metrics import principal_components
from ..core.network import Network
from ..core.simulate import simulate
from .global_dims import variance_explained
from .sweeps import COST_TOLERANCE, DEFAULT_RANK_RULE, RankSweep, rank_sweep

__all__ = ["HighVarianceDimensions", "high_variance_dimensions"]


@dataclass
class HighVarianceDimensions:
    """W's singular values, the activity's principal-component variances, and the sweep over W's SVD.

    Parameters
    ----------
    w_singular_values : numpy.ndarray
        ``[N]``: singular values of W, descending.
    activity_variances : numpy.ndarray or None
        ``[N]``: variances of the principal components of the full-rank
        states of all trials and steps (MATLAB's ``pca`` latent); ``None``
        when no trials were run.
    sweep : RankSweep or None
        Cost and state distance when W keeps its top-k left singular vectors
        (``None`` when no sweep was run).
    """

    w_singular_values: np.ndarray
    activity_variances: np.ndarray | None = None
    sweep: RankSweep | None = None

    @property
    def w_variance_explained(self) -> np.ndarray:
        """Percentage of W's variance per singular direction ``[N]`` (``100 s^2 / sum(s^2)``)."""
        return variance_explained(self.w_singular_values)

    @property
    def activity_variance_explained(self) -> np.ndarray | None:
        """Percentage of the activity's variance per principal component ``[N]`` (or ``None``)."""
        if self.activity_variances is None:
            return None
        return 100 * self.activity_variances / self.activity_variances.sum()

    def rank(self, rule: str = DEFAULT_RANK_RULE, tolerance: float = COST_TOLERANCE) -> int | None:
        """Rank of W's SVD at which the cost is back (see :func:`opdims.dims.sweeps.cost_rank`).

        Parameters
        ----------
        rule : str, optional
            One of :data:`opdims.dims.sweeps.RANK_RULES`.
        tolerance : float, optional
            The rule's tolerance.

        Returns
        -------
        int or None
            The rank (``None``: not reached, or no sweep).
        """
        return None if self.sweep is None else self.sweep.rank(rule, tolerance)


def high_variance_dimensions(net: Network, inputs=None, condition_ids=None, targets=None, *, noise=None,
                             ranks=None, sweep: bool = True, threads: int | None = None,
                             progress: bool = False, **sweep_options) -> HighVarianceDimensions:
    """The high-variance analysis of one network (the original s1) on given trials and noise.

    Parameters
    ----------
    net : opdims.Network
        The network.
    inputs : array_like, optional
        ``[B, T, n_in]``; without trials only W's singular values are computed.
    condition_ids : array_like of int, optional
        1-based initial-state column of each trial.
    targets : array_like, optional
        ``[B, T, n_out]`` (the cost is the MSE of output 1).
    noise : array_like, optional
        Standard-normal noise ``[B, T, N]`` of every forward pass.
    ranks : sequence of int, optional
        Ranks of the sweep (default ``1..N``).
    sweep : bool, optional
        Run the rank sweep over W's left singular vectors (default).
    threads : int, optional
        CPU threads.
    progress : bool, optional
        A progress bar over the ranks.
    **sweep_options
        Passed to :func:`opdims.rank_sweep` (``backend``, ``device``, ...).

    Returns
    -------
    HighVarianceDimensions
        The variances and the sweep.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims import Network
    >>> rng = np.random.default_rng(0)
    >>> net = Network(W_in=rng.standard_normal((4, 1)), W=rng.standard_normal((4, 4)),
    ...               W_out=rng.standard_normal((1, 4)), x0=np.zeros(4), b_x=np.zeros(4), b_z=np.zeros(1),
    ...               noise_sigma=0.0)
    >>> hv = high_variance_dimensions(net, np.ones((2, 20, 1)), [1, 1], np.zeros((2, 20, 1)))
    >>> hv.sweep.ranks, round(float(hv.w_variance_explained.sum()), 6)
    (array([1, 2, 3, 4]), 100.0)
    """
    basis, singular_values, _ = np.linalg.svd(net.W)
    if inputs is None:
        return HighVarianceDimensions(singular_values)
    full = simulate(net, inputs, condition_ids, noise=noise, threads=threads)
    _, latent = principal_components(full.x.reshape(-1, net.n_units))
    del full
    result = None
    if sweep:
        result = rank_sweep(net, basis, "columns", inputs, condition_ids, targets, ranks=ranks, noise=noise,
                            threads=threads, progress=progress, **sweep_options)
    return HighVarianceDimensions(singular_values, latent, result)
