"""s2: sampling locations on the condition-average trajectories and the local
operative dimensions (columns or rows) at each of them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from .. import io
from ..local_dims import ROW_METHODS, LocalOperativeDimensions, local_column_dimensions, local_row_dimensions
from ..network import Network
from ..random import RandomStream
from ..reduce import check_dim_type
from ..sampling import SamplingLocationProperties, condition_averages, locations_in_order, sampling_location_properties
from ..simulate import simulate
from ._common import SEED_INPUT, SEED_RUN, RunSettings, prepare_run, principal_components, reseed, trial_info

__all__ = ["S2Result", "default_row_method", "read_sampling_locations", "s2_local_operative_dimensions"]


def default_row_method() -> str:
    """The fastest available method of :func:`opdims.local_row_dimensions`."""
    return "exact" if "exact" in ROW_METHODS else ROW_METHODS[0]


@dataclass
class S2Result:
    """What ``s2_generate_operative_dimensions.m`` computes.

    ``props``: the sampling locations' properties (original order);
    ``local``: local operative dimensions at each location (``dims [L, N,
    N]``, ``fvals [L, N]``, ``locations [L, N]``, ``next_states [L, N]``);
    ``locations_from``: where the locations came from (the trajectories, or a
    file); ``condition_averages [n_cond, T, N]``: the full-rank network's
    condition-average states; ``activity_pcs [N, 3]``: the first principal
    components of all its states (for plotting); ``row_method``: how row
    dimensions were found (``None`` for columns).
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
        """The original's name, ``localOpDims_<task>_<dim_type>_<yyyymmdd_HHMMSS>.h5``."""
        return f"localOpDims_{self.settings.task}_{self.dim_type}_{time_stamp}.h5"

    def save(self, path, overwrite: bool = False) -> Path:
        """Write the local dimensions to ``path`` in the original HDF5 layout."""
        io.save_local_operative_dimensions(path, self.local, self.props, overwrite=overwrite)
        return Path(path)


def read_sampling_locations(path, props: SamplingLocationProperties, n_units: int) -> np.ndarray:
    """Sampling locations ``[L, N]`` stored in a local-dimension file of the original layout
    (``/<location name>/sampling_loc`` of every location of ``props``, checked by
    :func:`opdims.io.read_local_operative_dimensions`)."""
    local, _ = io.read_local_operative_dimensions(path, props)
    if local.locations.shape[1] != n_units:
        raise ValueError(f"{path}: sampling_loc has {local.locations.shape[1]} values per location, expected "
                         f"{n_units} (one per unit of the network)")
    return local.locations


def _row_dimensions(net: Network, locations: np.ndarray, method: str, stream: RandomStream, seed_run: int,
                    progress: bool) -> LocalOperativeDimensions:
    """Row dimensions location by location, drawing in the original's order.

    Before each location the original reseeds with ``seed_run`` and draws the
    one step of noise of its relaxation run (``randn(N, 1)``, sigma 0); the
    random starts of the optimiser follow.
    """
    parts = []
    for loc in tqdm(locations, desc="row dimensions", unit="location", disable=not progress):
        reseed(stream, seed_run)
        stream.randn((net.n_units, 1))
        parts.append(local_row_dimensions(net, loc[None], method=method, stream=stream))
    return LocalOperativeDimensions.concatenate(parts)


def s2_local_operative_dimensions(network, task: str, dim_type: str = "columns", *, net_id: int = 1,
                                  net_noise: bool = True, input_noise: bool = True, seed_run: int = SEED_RUN,
                                  seed_input: int = SEED_INPUT, n_trials: int | None = None,
                                  stream: RandomStream | None = None, row_method: str | None = None,
                                  sampling_locations=None, progress: bool = False) -> S2Result:
    """The analysis of ``s2_generate_operative_dimensions.m``.

    Runs the full-rank network (``n_trials`` defaults to 10 per context and
    coherency for ctxt, 510 for swg), takes the sampling locations on its
    condition-average trajectories, and finds the local operative dimensions
    of ``dim_type`` at each: columns in closed form, rows with
    ``row_method`` (default :func:`default_row_method`). ``sampling_locations``
    replaces the locations taken from the trajectories: an array ``[L, N]``,
    or a local-dimension file of the original layout whose ``sampling_loc``
    are used (:func:`read_sampling_locations`). ``progress``: a progress bar
    over locations (rows).
    """
    check_dim_type(dim_type)
    if dim_type == "rows":
        row_method = default_row_method() if row_method is None else row_method
        if row_method not in ROW_METHODS:
            raise ValueError(f"row method: expected one of {', '.join(ROW_METHODS)}, got {row_method!r}")
    else:
        row_method = None
    run = prepare_run("s2", network, task, net_id=net_id, net_noise=net_noise, input_noise=input_noise,
                      seed_run=seed_run, seed_input=seed_input, n_trials=n_trials, stream=stream)
    net, trials = run.net, run.trials
    props = sampling_location_properties(task)
    full = simulate(net, trials.inputs, trials.condition_ids, noise=run.noise)
    averages = condition_averages(full.x, props, **trial_info(trials))
    pcs, _ = principal_components(full.x.reshape(-1, net.n_units))
    if sampling_locations is None:
        empty = [name for name, avg in zip(props.condition_names, averages) if np.isnan(avg).any()]
        if empty:
            raise ValueError(f"no trials of input condition(s) {', '.join(empty)} among the "
                             f"{trials.n_trials} trials; use more trials (n_trials)")
        locations = locations_in_order(averages[:, props.times_per_condition - 1], props)
        source = "condition-average trajectories"
    elif isinstance(sampling_locations, (str, os.PathLike)):
        locations = read_sampling_locations(sampling_locations, props, net.n_units)
        source = os.fspath(sampling_locations)
    else:
        locations = np.asarray(sampling_locations, dtype=np.float64)
        if locations.shape != (props.n_locations, net.n_units):
            raise ValueError(f"sampling_locations: expected shape [{props.n_locations}, {net.n_units}] "
                             f"({task} locations x units), got {locations.shape}")
        source = "given locations"
    if dim_type == "columns":
        local = local_column_dimensions(net, locations)
    else:
        local = _row_dimensions(net, locations, row_method, run.stream, seed_run, progress)
    return S2Result(run.settings, dim_type, row_method, props, local, source, averages, pcs[:, :3])
