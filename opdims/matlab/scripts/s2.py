"""s2: sampling locations on the condition-average trajectories and the local
operative dimensions (columns or rows) at each of them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ... import io
from ...analysis.chain import analyse_network
from ...analysis.runs import SEED_INPUT, SEED_RUN, RunSettings
from ...core.random import RandomStream
from ...core.sampling import SamplingLocationProperties, sampling_location_properties
from ...core.validation import ROW_METHODS, ValidationError, check_dim_type, check_row_method
from ...dims.operative import LocalOperativeDimensions

__all__ = ["S2Result", "default_row_method", "read_sampling_locations", "s2_local_operative_dimensions"]


def default_row_method() -> str:
    """The fastest available method of :func:`opdims.local_row_dimensions`.

    Returns
    -------
    str
        ``'exact'``.
    """
    return "exact" if "exact" in ROW_METHODS else ROW_METHODS[0]


@dataclass
class S2Result:
    """What ``s2_generate_operative_dimensions.m`` computes.

    Parameters
    ----------
    settings : RunSettings
        The script's parameters.
    dim_type : str
        ``'columns'`` or ``'rows'``.
    row_method : str or None
        How row dimensions were found (``None`` for columns).
    props : SamplingLocationProperties
        The sampling locations' properties (original order).
    local : LocalOperativeDimensions
        Local operative dimensions at each location.
    locations_from : str
        Where the locations came from (the trajectories, or a file).
    condition_averages : numpy.ndarray
        ``[n_cond, T, N]``: the full-rank network's condition-average states.
    activity_pcs : numpy.ndarray
        ``[N, 3]``: the first principal components of all its states (for plotting).
    """

    settings: RunSettings
    dim_type: str
    row_method: str | None
    props: SamplingLocationProperties
    local: LocalOperativeDimensions
    locations_from: str
    condition_averages: np.ndarray
    activity_pcs: np.ndarray

    def default_file_name(self, time_stamp: str) -> str:
        """The original's name, ``localOpDims_<task>_<dim_type>_<yyyymmdd_HHMMSS>.h5``.

        Parameters
        ----------
        time_stamp : str
            ``yyyymmdd_HHMMSS``.

        Returns
        -------
        str
            The file name.
        """
        return f"localOpDims_{self.settings.task}_{self.dim_type}_{time_stamp}.h5"

    def save(self, path, overwrite: bool = False) -> Path:
        """Write the local dimensions to ``path`` in the original HDF5 layout.

        Parameters
        ----------
        path : path
            The file.
        overwrite : bool, optional
            Replace an existing file.

        Returns
        -------
        pathlib.Path
            The path.
        """
        io.save_local_operative_dimensions(path, self.local, self.props, overwrite=overwrite)
        return Path(path)


def read_sampling_locations(path, props: SamplingLocationProperties, n_units: int) -> np.ndarray:
    """Sampling locations ``[L, N]`` stored in a local-dimension file of the original layout.

    Parameters
    ----------
    path : path
        The file (``/<location name>/sampling_loc`` of every location of ``props``).
    props : SamplingLocationProperties
        The task's locations.
    n_units : int
        The network's units.

    Returns
    -------
    numpy.ndarray
        The locations.

    Raises
    ------
    ValueError
        If the file's locations have another number of units.
    """
    local, _ = io.read_local_operative_dimensions(path, props)
    if local.locations.shape[1] != n_units:
        raise ValidationError(f"{path}: sampling_loc has {local.locations.shape[1]} values per location, "
                              f"expected {n_units} (one per unit of the network)")
    return local.locations


def s2_local_operative_dimensions(network, task: str, dim_type: str = "columns", *, net_id: int = 1,
                                  net_noise: bool = True, input_noise: bool = True, seed_run: int = SEED_RUN,
                                  seed_input: int = SEED_INPUT, n_trials: int | None = None,
                                  stream: RandomStream | None = None, row_method: str | None = None,
                                  sampling_locations=None, threads: int | None = None,
                                  progress: bool = False) -> S2Result:
    """The analysis of ``s2_generate_operative_dimensions.m`` (the first steps of :func:`opdims.analyse_network`).

    Runs the full-rank network, takes the sampling locations on its
    condition-average trajectories, and finds the local operative dimensions
    of ``dim_type`` at each: columns in closed form, rows with ``row_method``.

    Parameters
    ----------
    network : opdims.Network or path
        The network or a weights file.
    task : str
        ``'ctxt'`` or ``'swg'``.
    dim_type : str, optional
        ``'columns'`` (default) or ``'rows'``.
    net_id : int, optional
        Which network of the file.
    net_noise : bool, optional
        Internal noise on or off.
    input_noise : bool, optional
        ctxt input noise on or off.
    seed_run, seed_input : int, optional
        The scripts' seeds.
    n_trials : int, optional
        ctxt: per context and coherency (default 10); swg: in total (default 510).
    stream : RandomStream, optional
        Plays MATLAB's global stream (default a MATLAB twister stream).
    row_method : str, optional
        ``'exact'`` (default) or ``'fminunc'`` (former name ``'reference'``).
    sampling_locations : array_like or path, optional
        Locations ``[L, N]`` instead of those on the trajectories, or a
        local-dimension file of the original layout whose ``sampling_loc`` are used.
    threads : int, optional
        CPU threads.
    progress : bool, optional
        Progress bars.

    Returns
    -------
    S2Result
        The local dimensions and what they came from.
    """
    check_dim_type(dim_type)  # this function's door for its own arguments; the chain trusts them
    row_method = check_row_method(default_row_method() if row_method is None else row_method) \
        if dim_type == "rows" else None
    props = sampling_location_properties(task)
    source = "condition-average trajectories"
    locations = None
    if isinstance(sampling_locations, (str, os.PathLike)):
        locations = io.read_local_operative_dimensions(sampling_locations, props)[0].locations
        source = os.fspath(sampling_locations)
    elif sampling_locations is not None:
        locations = np.asarray(sampling_locations, dtype=np.float64)
        if locations.ndim != 2 or locations.shape[0] != props.n_locations:
            raise ValidationError(f"sampling_locations: expected shape [{props.n_locations}, N] ({task} locations "
                                  f"x units), got {locations.shape}")
        source = "given locations"
    analysis = analyse_network(network, task, dim_types=(dim_type,), ranks=(), row_method=row_method or "exact",
                               locations=locations, pcs=True, net_id=net_id, net_noise=net_noise,
                               input_noise=input_noise, seed_run=seed_run, seed_input=seed_input, n_trials=n_trials,
                               stream=stream, threads=threads, progress=progress)
    settings = RunSettings(**{**analysis.provenance["location_run"], "analysis": "s2"})
    return S2Result(settings, dim_type, row_method, props, analysis[dim_type].local, source,
                    analysis.condition_averages, analysis.activity_pcs)
