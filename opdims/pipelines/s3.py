"""s3: global operative dimensions, their variance explained, and the cost /
state-distance curves when W keeps only its top-k global operative dimensions."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from .. import io
from ..global_dims import global_operative_dimensions, select_locations, variance_explained
from ..local_dims import LocalOperativeDimensions
from ..random import RandomStream
from ..reduce import check_dim_type
from ..sampling import sampling_location_properties
from ..sweeps import RankSweep, rank_sweep
from ._common import SEED_INPUT, SEED_RUN, Run, RunSettings, SweepSummary, prepare_run
from .s2 import S2Result, s2_local_operative_dimensions

__all__ = ["GlobalDimensions", "S3Result", "global_dimensions_of_run", "s3_global_operative_dimensions"]


@dataclass
class GlobalDimensions:
    """Global operative dimensions ``basis [N, N]`` (columns, by importance),
    the singular values of L ``[N]``, and the provenance of the local dimensions."""

    dim_type: str
    basis: np.ndarray
    singular_values: np.ndarray
    sampling_locs_to_combine: str
    local_dims_from: str


def _local_dims(local_dims, run: Run, network, dim_type: str, row_method: str | None, progress: bool):
    """``(dims [L, N, N], fvals [L, N], provenance)`` from any accepted form of ``local_dims``."""
    net, s = run.net, run.settings
    if isinstance(local_dims, (str, os.PathLike)):
        path = os.fspath(local_dims)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"local-dimension file {path} does not exist")
        props = sampling_location_properties(s.task)
        dims, fvals = io.load_local_operative_dimensions(path, props, net.n_units)
        return dims, fvals, path
    if local_dims is None:
        local_dims = s2_local_operative_dimensions(
            network, s.task, dim_type, net_id=s.net_id, net_noise=s.net_noise, input_noise=s.input_noise,
            seed_run=s.seed_run, seed_input=s.seed_input, stream=run.stream, row_method=row_method,
            progress=progress)
        provenance = "computed (s2 with its default trials)"
    else:
        provenance = "given local dimensions"
    if isinstance(local_dims, S2Result):
        local_dims = local_dims.local
    if not isinstance(local_dims, LocalOperativeDimensions):
        raise TypeError("local_dims: expected None, a file, an S2Result or LocalOperativeDimensions, "
                        f"got {type(local_dims).__name__}")
    if local_dims.dim_type != dim_type:
        raise ValueError(f"local_dims: they are {local_dims.dim_type} dimensions, but dim_type is {dim_type!r}")
    return local_dims.dims, local_dims.fvals, provenance


def global_dimensions_of_run(run: Run, network, dim_type: str, local_dims=None, sampling_locs_to_combine="all",
                             row_method: str | None = None, progress: bool = False) -> GlobalDimensions:
    """Global operative dimensions for a prepared run (s3 and s4).

    ``local_dims``: a local-dimension file (original layout), an
    :class:`S2Result` or :class:`~opdims.LocalOperativeDimensions`, or
    ``None`` to compute them with s2's defaults (rows with ``row_method``).
    """
    check_dim_type(dim_type)
    props = sampling_location_properties(run.settings.task)
    select_locations(sampling_locs_to_combine, props, props.n_locations)  # a bad subset fails before any work
    dims, fvals, provenance = _local_dims(local_dims, run, network, dim_type, row_method, progress)
    if dims.shape[-1] != run.net.n_units:
        raise ValueError(f"local dimensions from {provenance} have {dims.shape[-1]} units, "
                         f"the network {run.net.n_units}")
    U, s = global_operative_dimensions(dims, fvals, props, sampling_locs_to_combine)
    return GlobalDimensions(dim_type, U, s, sampling_locs_to_combine, provenance)


@dataclass
class S3Result(SweepSummary):
    """What ``s3_analysis_global_operative_dimensions.m`` computes.

    ``global_dims``: the basis ``[N, N]`` and singular values of L;
    ``variance_explained [N]`` (%) per global dimension; ``sweep``: cost
    (MSE of output 1) and state distance to the full-rank trajectories when W
    keeps its top-k global operative dimensions, k = 1..N.
    """

    settings: RunSettings
    global_dims: GlobalDimensions
    variance_explained: np.ndarray
    sweep: RankSweep

    def arrays(self) -> dict:
        """Results by name, this package's orientation (for ``.h5``)."""
        return {"global_dims": self.global_dims.basis, "singular_values": self.global_dims.singular_values,
                "variance_explained": self.variance_explained, "ranks": self.sweep.ranks,
                "cost": self.sweep.cost, "state_distance": self.sweep.state_distance,
                "full_rank_cost": self.sweep.full_cost}

    def matlab_variables(self) -> dict:
        """Results under the original script's variable names (for ``.mat``):
        ``global_op_dims [N, N]``, ``singular_values_of_global_op_dims [N, N]``
        (diagonal), ``ranks``, ``mses``, ``statedists_to_org [N, 1]``, ``mse_full_rank``."""
        return {**io.global_dims_variables(self.global_dims.basis, self.global_dims.singular_values),
                **io.rank_sweep_variables(self.sweep)}


def s3_global_operative_dimensions(network, task: str, dim_type: str = "columns", *, local_dims=None,
                                   sampling_locs_to_combine: str = "all", net_id: int = 1,
                                   net_noise: bool = True, input_noise: bool = True, seed_run: int = SEED_RUN,
                                   seed_input: int = SEED_INPUT, n_trials: int | None = None,
                                   stream: RandomStream | None = None, row_method: str | None = None,
                                   ranks=None, progress: bool = False) -> S3Result:
    """The analysis of ``s3_analysis_global_operative_dimensions.m``.

    ``local_dims`` as :func:`global_dimensions_of_run`;
    ``sampling_locs_to_combine``: ``'all'``, or for ctxt ``'ctxt1'``,
    ``'ctxt2'``, ``'allPosChoice'``, ``'allNegChoice'``. ``n_trials``
    defaults to 5 per context and coherency for ctxt, 255 for swg.
    ``ranks`` default ``1..N``; ``progress`` shows progress bars.
    """
    run = prepare_run("s3", network, task, net_id=net_id, net_noise=net_noise, input_noise=input_noise,
                      seed_run=seed_run, seed_input=seed_input, n_trials=n_trials, stream=stream)
    gd = global_dimensions_of_run(run, network, dim_type, local_dims, sampling_locs_to_combine, row_method, progress)
    trials = run.trials
    sweep = rank_sweep(run.net, gd.basis, dim_type, trials.inputs, trials.condition_ids, trials.targets,
                       ranks=ranks, noise=run.noise, progress=progress)
    return S3Result(run.settings, gd, variance_explained(gd.singular_values), sweep)
