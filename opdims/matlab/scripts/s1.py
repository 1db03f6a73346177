"""s1: high-variance dimensions of W and of the activity, and how the network
fares when W keeps only its top-k singular directions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ... import io
from ...analysis.runs import SEED_INPUT, SEED_RUN, RunSettings, prepare_run
from ...core.random import RandomStream
from ...dims.high_variance import high_variance_dimensions
from ...dims.sweeps import RankSweep

__all__ = ["S1Result", "s1_high_variance_dimensions"]


@dataclass
class S1Result:
    """What ``s1_analysis_high_variance_dimensions.m`` computes.

    Parameters
    ----------
    settings : RunSettings
        The script's parameters.
    w_singular_values : numpy.ndarray
        ``[N]``: singular values of W, descending.
    w_variance_explained : numpy.ndarray
        ``[N]`` (%): ``100 s^2 / sum(s^2)``.
    activity_variances : numpy.ndarray
        ``[N]``: PCA variances of the full-rank states of all trials and steps (MATLAB's ``pca`` latent).
    activity_variance_explained : numpy.ndarray
        ``[N]`` (%).
    sweep : RankSweep
        Cost (MSE of output 1) and state distance to the full-rank trajectories
        when W keeps its top-k left singular vectors (``'columns'``), k = 1..N.
    """

    settings: RunSettings
    w_singular_values: np.ndarray
    w_variance_explained: np.ndarray
    activity_variances: np.ndarray
    activity_variance_explained: np.ndarray
    sweep: RankSweep

    def arrays(self) -> dict:
        """Results by name, this package's orientation (for ``.h5``).

        Returns
        -------
        dict
            Name -> array.
        """
        return {"w_singular_values": self.w_singular_values, "w_variance_explained": self.w_variance_explained,
                "activity_variances": self.activity_variances,
                "activity_variance_explained": self.activity_variance_explained,
                "ranks": self.sweep.ranks, "cost": self.sweep.cost, "state_distance": self.sweep.state_distance,
                "full_rank_cost": self.sweep.full_cost}

    def matlab_variables(self) -> dict:
        """Results under the original script's variable names (for ``.mat``).

        Returns
        -------
        dict
            ``S [N, 1]``: squared singular values of W; ``LATENT [N, 1]``:
            activity PCA variances; ``ranks``, ``mses``, ``statedists_to_org
            [N, 1]``: per rank; ``mse_full_rank``.
        """
        return {"S": (self.w_singular_values**2).reshape(-1, 1), "LATENT": self.activity_variances.reshape(-1, 1),
                **io.rank_sweep_variables(self.sweep)}


def s1_high_variance_dimensions(network, task: str, *, net_id: int = 1, net_noise: bool = True,
                                input_noise: bool = True, seed_run: int = SEED_RUN,
                                seed_input: int = SEED_INPUT, n_trials: int | None = None,
                                stream: RandomStream | None = None, ranks=None,
                                progress: bool = False) -> S1Result:
    """The analysis of ``s1_analysis_high_variance_dimensions.m``.

    Parameters
    ----------
    network : opdims.Network or path
        The network or a weights file.
    task : str
        ``'ctxt'`` or ``'swg'``.
    net_id : int, optional
        Which network of the file.
    net_noise, input_noise : bool, optional
        Internal noise; ctxt input noise.
    seed_run, seed_input : int, optional
        The script's seeds.
    n_trials : int, optional
        ctxt per context and coherency (default 5), swg in total (default 153).
    stream : RandomStream, optional
        Plays MATLAB's global stream.
    ranks : sequence of int, optional
        Ranks of the sweep (default 1..N).
    progress : bool, optional
        A progress bar over the ranks.

    Returns
    -------
    S1Result
        The variances and the sweep.
    """
    run = prepare_run("s1", network, task, net_id=net_id, net_noise=net_noise, input_noise=input_noise,
                      seed_run=seed_run, seed_input=seed_input, n_trials=n_trials, stream=stream)
    trials = run.trials
    hv = high_variance_dimensions(run.net, trials.inputs, trials.condition_ids, trials.targets, noise=run.noise,
                                  ranks=ranks, progress=progress)
    return S1Result(run.settings, hv.w_singular_values, hv.w_variance_explained, hv.activity_variances,
                    hv.activity_variance_explained, hv.sweep)
