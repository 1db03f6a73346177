"""s4: the full-rank and a reduced-rank network side by side: outputs and
condition-average trajectories."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ... import io
from ...analysis.runs import SEED_INPUT, SEED_RUN, RunSettings, prepare_run
from ...core.metrics import mse, principal_components, state_distance
from ...core.random import RandomStream
from ...core.reduce import remove_dimensions
from ...core.sampling import condition_averages, sampling_location_properties
from ...core.simulate import simulate
from ...core.tasks import TaskData
from ...core.validation import ValidationError
from ...io.mat_variables import reversed_axes
from .s3 import GlobalOperativeDimensions, script_global_operative_dimensions

__all__ = ["DEFAULT_RANKS", "S4Result", "s4_reduced_rank_network"]

#: the original's rank of the reduced-rank W, per dimension type and task
DEFAULT_RANKS = {"columns": {"ctxt": 15, "swg": 29}, "rows": {"ctxt": 27, "swg": 41}}


@dataclass
class S4Result:
    """What ``s4_run_reduced_rank_network.m`` computes.

    Parameters
    ----------
    settings : RunSettings
        The script's parameters.
    global_dims : GlobalOperativeDimensions
        The global operative dimensions used.
    rank : int
        Rank of the reduced W (it keeps the top-``rank`` global operative dimensions).
    trials : opdims.TaskData
        The trials.
    z_full, z_reduced : numpy.ndarray
        ``[B, T, n_out]``: outputs of the two networks.
    condition_averages_full, condition_averages_reduced : numpy.ndarray
        ``[n_cond, T, N]``: condition-average states (NaN for a condition without trials).
    activity_pcs : numpy.ndarray
        ``[N, 3]``: first principal components of the full-rank states.
    cost_full, cost_reduced : float
        MSE of output 1.
    state_distance : float
        Reduced to full-rank trajectories.
    """

    settings: RunSettings
    global_dims: GlobalOperativeDimensions
    rank: int
    trials: TaskData
    z_full: np.ndarray
    z_reduced: np.ndarray
    condition_averages_full: np.ndarray
    condition_averages_reduced: np.ndarray
    activity_pcs: np.ndarray
    cost_full: float
    cost_reduced: float
    state_distance: float

    def arrays(self) -> dict:
        """Results by name, this package's orientation (for ``.h5``).

        Returns
        -------
        dict
            Name -> array.
        """
        return {"rank": self.rank, "targets": self.trials.targets, "z_full": self.z_full,
                "z_reduced": self.z_reduced, "condition_averages_full": self.condition_averages_full,
                "condition_averages_reduced": self.condition_averages_reduced, "activity_pcs": self.activity_pcs,
                "global_dims": self.global_dims.basis, "cost_full": self.cost_full,
                "cost_reduced": self.cost_reduced, "state_distance": self.state_distance}

    def matlab_variables(self) -> dict:
        """Results under the original script's names and orientation (for ``.mat``).

        Returns
        -------
        dict
            ``rankW``, the global dimensions (as s3), the trials (``inputs``,
            ``targets``, ``conditionIds``, ...), outputs ``m_z_t_fullRank``,
            ``m_z_t_reducedRank [n_out, T, B]``, costs and state distance.
        """
        gd = self.global_dims
        return {"rankW": self.rank, **io.global_dims_variables(gd.basis, gd.singular_values),
                **io.task_variables(self.trials), "m_z_t_fullRank": reversed_axes(self.z_full),
                "m_z_t_reducedRank": reversed_axes(self.z_reduced), "mse_full_rank": self.cost_full,
                "mse_reduced_rank": self.cost_reduced, "statedist_to_org": self.state_distance}


def default_rank(dim_type: str, task: str, n_units: int) -> int:
    """The original's rank for ``dim_type`` and ``task``.

    Parameters
    ----------
    dim_type : str
        ``'columns'`` or ``'rows'``.
    task : str
        ``'ctxt'`` or ``'swg'``.
    n_units : int
        The network's units.

    Returns
    -------
    int
        The rank.

    Raises
    ------
    ValueError
        If the network has fewer units.
    """
    rank = DEFAULT_RANKS[dim_type][task]
    if rank > n_units:
        raise ValidationError(f"rank: the original's default rank {rank} ({task}, {dim_type}) exceeds the network's "
                         f"{n_units} units; give a rank in 0..{n_units} (rank=, --rank)")
    return rank


def s4_reduced_rank_network(network, task: str, dim_type: str = "columns", *, rank: int | None = None,
                            local_dims=None, sampling_locs_to_combine: str = "all", net_id: int = 1,
                            net_noise: bool = True, input_noise: bool = True, seed_run: int = SEED_RUN,
                            seed_input: int = SEED_INPUT, n_trials: int | None = None,
                            stream: RandomStream | None = None, row_method: str | None = None,
                            threads: int | None = None, progress: bool = False) -> S4Result:
    """The analysis of ``s4_run_reduced_rank_network.m``: full-rank and reduced-rank network side by side.

    Both networks run on the same trials and noise.

    Parameters
    ----------
    network : opdims.Network or path
        The network or a weights file.
    task : str
        ``'ctxt'`` or ``'swg'``.
    dim_type : str, optional
        ``'columns'`` (default) or ``'rows'``.
    rank : int, optional
        Rank of the reduced W; default the original's (:data:`DEFAULT_RANKS`:
        15/29 for columns, 27/41 for rows, ctxt/swg).
    local_dims : path, S2Result or LocalOperativeDimensions, optional
        As :func:`s3_global_operative_dimensions`.
    sampling_locs_to_combine : str, optional
        As :func:`s3_global_operative_dimensions`.
    net_id : int, optional
        Which network of the file.
    net_noise, input_noise : bool, optional
        Noise on or off.
    seed_run, seed_input : int, optional
        The scripts' seeds.
    n_trials : int, optional
        ctxt per context and coherency (default 5), swg in total (255).
    stream : RandomStream, optional
        Plays MATLAB's global stream.
    row_method : str, optional
        How rows are found when computed.
    threads : int, optional
        CPU threads.
    progress : bool, optional
        Progress bars.

    Returns
    -------
    S4Result
        Outputs, condition averages, costs and state distance of both networks.

    Raises
    ------
    ValueError
        For a rank outside ``0..N``.
    """
    run = prepare_run("s4", network, task, net_id=net_id, net_noise=net_noise, input_noise=input_noise,
                      seed_run=seed_run, seed_input=seed_input, n_trials=n_trials, stream=stream)
    net, trials = run.net, run.trials
    rank = default_rank(dim_type, task, net.n_units) if rank is None else rank
    if isinstance(rank, bool) or not float(rank).is_integer() or not 0 <= rank <= net.n_units:
        raise ValidationError(f"rank: expected an integer in 0..{net.n_units} (the network's units), got {rank!r}")
    rank = int(rank)
    gd, _, _ = script_global_operative_dimensions(network, task, dim_type, local_dims=local_dims,
                                     sampling_locs_to_combine=sampling_locs_to_combine, ranks=(), net_id=net_id,
                                     net_noise=net_noise, input_noise=input_noise, seed_run=seed_run,
                                     seed_input=seed_input, stream=run.stream, row_method=row_method or "exact",
                                     threads=threads, progress=progress)
    W_reduced = remove_dimensions(net.W, gd.basis[:, rank:], dim_type)
    both = simulate(net, trials.inputs, trials.condition_ids, W=np.stack([net.W, W_reduced]), noise=run.noise)
    props = sampling_location_properties(task)
    averages = [condition_averages(x, props, min_trials=0, **trials.condition_info()) for x in both.x]
    pcs, _ = principal_components(both.x[0].reshape(-1, net.n_units))
    return S4Result(run.settings, gd, rank, trials, both.z[0], both.z[1], averages[0], averages[1], pcs[:, :3],
                    float(mse(both.z[0], trials.targets)), float(mse(both.z[1], trials.targets)),
                    float(state_distance(both.x[1], both.x[0])))
