"""s3: global operative dimensions, their variance explained, and the cost /
state-distance curves when W keeps only its top-k global operative dimensions."""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from ... import io
from ...analysis.chain import analyse_network
from ...analysis.runs import SEED_INPUT, SEED_RUN, RunSettings
from ...core.random import RandomStream
from ...core.sampling import sampling_location_properties, select_locations
from ...core.validation import ValidationError, check_dim_type
from ...dims.global_dims import variance_explained
from ...dims.operative import LocalOperativeDimensions
from ...dims.sweeps import RankSweep
from .s2 import S2Result

__all__ = ["GlobalOperativeDimensions", "S3Result", "script_global_operative_dimensions", "s3_global_operative_dimensions"]


@dataclass
class GlobalOperativeDimensions:
    """Global operative dimensions and where their local dimensions came from.

    Parameters
    ----------
    dim_type : str
        ``'columns'`` or ``'rows'``.
    basis : numpy.ndarray
        ``[N, N]``: the global operative dimensions (columns, by importance).
    singular_values : numpy.ndarray
        ``[N]``: the singular values of L.
    sampling_locs_to_combine : str
        The subset of locations combined.
    local_dims_from : str
        Provenance of the local dimensions.
    """

    dim_type: str
    basis: np.ndarray
    singular_values: np.ndarray
    sampling_locs_to_combine: str
    local_dims_from: str


def _given_local_dims(local_dims, task: str, dim_type: str):
    """``(LocalOperativeDimensions or None, provenance)`` from any accepted form of ``local_dims``."""
    if local_dims is None:
        return None, "computed (s2 with its default trials)"
    if isinstance(local_dims, (str, os.PathLike)):
        path = os.fspath(local_dims)
        local, _ = io.read_local_operative_dimensions(path, sampling_location_properties(task), dim_type)
        return local, path
    if isinstance(local_dims, S2Result):
        local_dims = local_dims.local
    if not isinstance(local_dims, LocalOperativeDimensions):
        raise ValidationError("local_dims: expected None, a file, an S2Result or LocalOperativeDimensions, "
                              f"got {type(local_dims).__name__}")
    if local_dims.dim_type != dim_type:
        raise ValidationError(f"local_dims: they are {local_dims.dim_type} dimensions, but dim_type is {dim_type!r}")
    return local_dims, "given local dimensions"


def script_global_operative_dimensions(network, task: str, dim_type: str, *, local_dims=None, sampling_locs_to_combine="all",
                          ranks=(), n_trials=None, **chain_options):
    """Global operative dimensions (and, with ``ranks``, the sweep) through the analysis chain.

    Parameters
    ----------
    network : opdims.Network or path
        The network or a weights file.
    task : str
        ``'ctxt'`` or ``'swg'``.
    dim_type : str
        ``'columns'`` or ``'rows'``.
    local_dims : path, S2Result or LocalOperativeDimensions, optional
        Local dimensions to use (a file of the original layout is checked to
        belong to the network); default: computed as s2 does.
    sampling_locs_to_combine : str, optional
        The locations to combine.
    ranks : sequence of int or None, optional
        Ranks of the sweep (``None``: 1..N; ``()``: none).
    n_trials : int, optional
        Trials of the sweep (s3's defaults).
    **chain_options
        Passed to :func:`opdims.analyse_network`.

    Returns
    -------
    tuple
        ``(GlobalOperativeDimensions, RankSweep or None, NetworkAnalysis)``.
    """
    check_dim_type(dim_type)
    select_locations(sampling_locs_to_combine, sampling_location_properties(task),
                     sampling_location_properties(task).n_locations)  # a bad subset fails before any work
    given, provenance = _given_local_dims(local_dims, task, dim_type)
    analysis = analyse_network(network, task, dim_types=(dim_type,), subset=sampling_locs_to_combine, ranks=ranks,
                               n_sweep_trials=n_trials, local_dims=None if given is None else {dim_type: given},
                               **chain_options)
    result = analysis[dim_type]
    gd = GlobalOperativeDimensions(dim_type, result.basis, result.singular_values, sampling_locs_to_combine, provenance)
    return gd, result.sweep, analysis


@dataclass
class S3Result:
    """What ``s3_analysis_global_operative_dimensions.m`` computes.

    Parameters
    ----------
    settings : RunSettings
        The script's parameters (of the sweep's run).
    global_dims : GlobalOperativeDimensions
        The basis ``[N, N]`` and singular values of L.
    variance_explained : numpy.ndarray
        ``[N]`` (%) per global dimension.
    sweep : RankSweep
        Cost (MSE of output 1) and state distance to the full-rank
        trajectories when W keeps its top-k global operative dimensions.
    """

    settings: RunSettings
    global_dims: GlobalOperativeDimensions
    variance_explained: np.ndarray
    sweep: RankSweep

    def arrays(self) -> dict:
        """Results by name, this package's orientation (for ``.h5``).

        Returns
        -------
        dict
            Name -> array.
        """
        return {"global_dims": self.global_dims.basis, "singular_values": self.global_dims.singular_values,
                "variance_explained": self.variance_explained, "ranks": self.sweep.ranks,
                "cost": self.sweep.cost, "state_distance": self.sweep.state_distance,
                "full_rank_cost": self.sweep.full_cost}

    def matlab_variables(self) -> dict:
        """Results under the original script's variable names (for ``.mat``).

        Returns
        -------
        dict
            ``global_op_dims [N, N]``, ``singular_values_of_global_op_dims
            [N, N]`` (diagonal), ``ranks``, ``mses``, ``statedists_to_org
            [N, 1]``, ``mse_full_rank``.
        """
        return {**io.global_dims_variables(self.global_dims.basis, self.global_dims.singular_values),
                **io.rank_sweep_variables(self.sweep)}


def s3_global_operative_dimensions(network, task: str, dim_type: str = "columns", *, local_dims=None,
                                   sampling_locs_to_combine: str = "all", net_id: int = 1,
                                   net_noise: bool = True, input_noise: bool = True, seed_run: int = SEED_RUN,
                                   seed_input: int = SEED_INPUT, n_trials: int | None = None,
                                   stream: RandomStream | None = None, row_method: str | None = None,
                                   ranks=None, threads: int | None = None, progress: bool = False) -> S3Result:
    """The analysis of ``s3_analysis_global_operative_dimensions.m`` (through :func:`opdims.analyse_network`).

    Parameters
    ----------
    network : opdims.Network or path
        The network or a weights file.
    task : str
        ``'ctxt'`` or ``'swg'``.
    dim_type : str, optional
        ``'columns'`` (default) or ``'rows'``.
    local_dims : path, S2Result or LocalOperativeDimensions, optional
        Local dimensions to combine; default computed as s2 does (its trials).
    sampling_locs_to_combine : str, optional
        ``'all'``, or for ctxt ``'ctxt1'``, ``'ctxt2'``, ``'allPosChoice'``, ``'allNegChoice'``.
    net_id : int, optional
        Which network of the file.
    net_noise, input_noise : bool, optional
        Noise on or off.
    seed_run, seed_input : int, optional
        The scripts' seeds.
    n_trials : int, optional
        Sweep trials: ctxt per context and coherency (default 5), swg in total (255).
    stream : RandomStream, optional
        Plays MATLAB's global stream.
    row_method : str, optional
        How rows are found when computed.
    ranks : sequence of int, optional
        Ranks of the sweep (default 1..N).
    threads : int, optional
        CPU threads.
    progress : bool, optional
        Progress bars.

    Returns
    -------
    S3Result
        Global dimensions and the sweep.
    """
    if ranks is not None and np.size(ranks) == 0:
        raise ValidationError("ranks: expected at least one rank for the sweep")
    gd, sweep, analysis = script_global_operative_dimensions(
        network, task, dim_type, local_dims=local_dims, sampling_locs_to_combine=sampling_locs_to_combine,
        ranks=ranks, n_trials=n_trials, net_id=net_id, net_noise=net_noise, input_noise=input_noise,
        seed_run=seed_run, seed_input=seed_input, stream=stream, row_method=row_method or "exact",
        threads=threads, progress=progress)
    settings = RunSettings(**{**analysis.provenance["sweep_run"], "analysis": "s3"})
    return S3Result(settings, gd, variance_explained(gd.singular_values), sweep)


#: names of opdims 0.2
GlobalDimensions = GlobalOperativeDimensions
global_dimensions_for = script_global_operative_dimensions
