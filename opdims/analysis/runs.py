"""What the analyses share: their settings, the network, the trials and the
noise of the forward passes, as set up at the top of each original script.

The original seeds MATLAB's global stream with ``rng(seed_input)`` before it
generates trials and with ``rng(seed_run)`` before every forward pass, so
every forward pass of a script sees the same noise. Here one ``stream`` plays
the global stream: it is reseeded the same way when it has a ``seed`` method,
and the noise, drawn when first needed, is shared by all forward passes.

The default stream is :class:`~opdims.MatlabTwisterStream`: its ``rand`` is
MATLAB's, but MATLAB's ``randn`` cannot be reproduced, so its normals (the
network noise, the ctxt input noise) come by inversion of ``rand``: the
right distribution, not MATLAB's numbers. A :class:`~opdims.ReplayStream` of
draws recorded from MATLAB gives MATLAB's numbers.

A user's task (trials as arrays, :func:`opdims.trials_from_arrays`) gets the
same treatment from :func:`prepare_trials_run`: its noise comes from a
:class:`~opdims.NumpyStream` seeded with ``seed_run``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from .. import io
from ..core.cells import GatedNetwork, is_gated
from ..core.network import Network
from ..core.random import MatlabTwisterStream, NumpyStream, RandomStream, as_stream
from ..core.simulate import draw_noise
from ..core.tasks import TaskData, context_integration_trials, sine_wave_trials
from ..core.validation import ValidationError, check_positive_int, check_task

__all__ = [
    "DEFAULT_N_TRIALS",
    "SEED_INPUT",
    "SEED_RUN",
    "Run",
    "RunSettings",
    "load_network_argument",
    "prepare_run",
    "prepare_trials_run",
    "relaxation_draws",
    "reseed",
]

SEED_RUN = 1001  #: the original scripts' ``seed_run`` (noise of the forward passes)
SEED_INPUT = 1000  #: the original scripts' ``seed_input`` (trial generation)

#: the original scripts' ``n_trials``: ctxt per context and coherency (12 n trials), swg in total
DEFAULT_N_TRIALS = {
    "s1": {"ctxt": 5, "swg": 51 * 3},
    "s2": {"ctxt": 10, "swg": 51 * 10},
    "s3": {"ctxt": 5, "swg": 51 * 5},
    "s4": {"ctxt": 5, "swg": 51 * 5},
}


@dataclass(frozen=True)
class RunSettings:
    """The parameters at the top of an original script.

    Parameters
    ----------
    analysis : str
        ``'s1'`` ... ``'s4'`` (or what the run is for).
    task : str
        ``'ctxt'`` or ``'swg'`` (the script's ``network_type``), or a user's task.
    weights : str
        The weights file (or the in-memory network's ``source``).
    net_id : int
        The network's number in the file.
    net_noise : bool
        Internal noise (sigma 0.1) on or off.
    input_noise : bool
        Noise on the ctxt sensory inputs on or off (swg has none).
    seed_run, seed_input : int
        Seeds of the forward passes' noise and of the trials.
    n_trials : int
        ctxt trials per context and coherency (12 ``n_trials`` in all), else trials in total.
    stream : str
        The kind of random stream.
    """

    analysis: str
    task: str
    weights: str
    net_id: int
    net_noise: bool
    input_noise: bool
    seed_run: int
    seed_input: int
    n_trials: int
    stream: str

    def as_dict(self) -> dict:
        """The settings as a plain dict.

        Returns
        -------
        dict
            Field name -> value.
        """
        return asdict(self)


@dataclass
class Run:
    """A prepared run: settings, network (noise sigma 0 when noise is off), trials and stream.

    Parameters
    ----------
    settings : RunSettings
        The parameters that made it.
    net : opdims.Network
        The network.
    trials : opdims.TaskData
        The trials.
    stream : RandomStream
        The stream playing MATLAB's global stream.
    noise_seed : int or None
        ``seed_run``: the stream is reseeded with it before the noise is
        drawn; ``None`` when the network runs without noise.
    """

    settings: RunSettings
    net: Network
    trials: TaskData
    stream: RandomStream
    noise_seed: int | None
    _noise: np.ndarray | None = field(default=None, repr=False, init=False)

    @property
    def noise(self) -> np.ndarray | None:
        """Standard-normal noise ``[B, T, N]`` of every forward pass (drawn on first use), or ``None``."""
        if self.noise_seed is None:
            return None
        if self._noise is None:
            reseed(self.stream, self.noise_seed)
            self._noise = draw_noise(self.stream, self.trials.n_trials, self.trials.n_steps, self.net.n_units)
        return self._noise

    def noise_stream(self) -> RandomStream | None:
        """The stream, reseeded to draw this run's noise trial after trial (for memory-light passes).

        Returns
        -------
        RandomStream or None
            ``None`` when the run has no noise; when the stream cannot be
            reseeded, ``None`` too (use :attr:`noise`).
        """
        if self.noise_seed is None or not hasattr(self.stream, "seed") or self._noise is not None:
            return None
        reseed(self.stream, self.noise_seed)
        return self.stream


def reseed(stream: RandomStream, seed: int) -> None:
    """``rng(seed)`` on ``stream`` if it can be reseeded (else the draws just go on).

    Parameters
    ----------
    stream : RandomStream
        The stream.
    seed : int
        The seed.
    """
    if hasattr(stream, "seed"):
        stream.seed(int(seed))


def relaxation_draws(run: Run | None, n_locations: int) -> None:
    """The draws the original makes before the row dimensions of each location, ``n_locations`` times.

    Per location, s2 reseeds with ``seed_run`` (``rng(seed_run)``) and draws
    one step of noise (``randn(N, 1)``) for its relaxation run; the draw
    order is part of the paper's protocol (the optimiser's random starts
    follow on the same stream). Nothing happens without a run or a stream.

    Parameters
    ----------
    run : Run or None
        The run whose stream and ``seed_run`` are used.
    n_locations : int
        How many locations.
    """
    if run is None or run.stream is None:
        return
    for _ in range(n_locations):
        reseed(run.stream, run.settings.seed_run)
        run.stream.randn((run.net.n_units, 1))


def load_network_argument(network, net_id: int = 1) -> tuple[Network, str]:
    """``(network, its source)`` from a :class:`~opdims.Network` or a weights file.

    Parameters
    ----------
    network : opdims.Network or path
        The network, or a weights file (HDF5 of the authors' layout, or MAT).
    net_id : int, optional
        Which network of the file.

    Returns
    -------
    tuple
        The network and a text naming where it came from.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    """
    if isinstance(network, (Network, GatedNetwork)):
        return network, network.source or "<in-memory network>"
    path = Path(network)
    return io.load_network(path, net_id), str(path)


def _trials(task: str, n_trials: int, input_noise: bool, stream: RandomStream) -> TaskData:
    if task == "ctxt":
        return context_integration_trials(n_trials, input_noise, stream)
    return sine_wave_trials(n_trials, stream)


def _check_network_fits_task(net: Network, trials: TaskData, where: str) -> None:
    n_inputs = trials.inputs.shape[2]
    if net.n_inputs != n_inputs:
        raise ValidationError(f"{where}: the network has {net.n_inputs} input(s), but {trials.task} trials have "
                         f"{n_inputs}; is the network type (--task) right?")
    n_contexts = int(trials.condition_ids.max())
    if net.n_contexts < n_contexts:
        raise ValidationError(f"{where}: x0 has {net.n_contexts} initial state(s), but {trials.task} trials need "
                         f"{n_contexts} (one per context)")


def prepare_run(analysis: str, network, task: str, *, net_id: int = 1, net_noise: bool = True,
                input_noise: bool = True, seed_run: int = SEED_RUN, seed_input: int = SEED_INPUT,
                n_trials: int | None = None, stream: RandomStream | None = None) -> Run:
    """Network, trials and noise of an analysis, as the top of its original script.

    Parameters
    ----------
    analysis : str
        ``'s1'`` ... ``'s4'`` (picks the default ``n_trials``).
    network : opdims.Network or path
        The network or a weights file (network ``net_id``, ``final`` weights).
    task : str
        ``'ctxt'`` or ``'swg'``.
    net_id : int, optional
        Which network of the file.
    net_noise : bool, optional
        Internal noise with the network's ``noise_sigma`` (0.1 for loaded networks), or none.
    input_noise : bool, optional
        ctxt sensory-input noise.
    seed_run, seed_input : int, optional
        The stream is reseeded with ``seed_input`` before the trials and with
        ``seed_run`` before the noise (drawn when first used).
    n_trials : int, optional
        ctxt per context and coherency, swg in total (default the script's).
    stream : RandomStream, optional
        Default a MATLAB twister stream.

    Returns
    -------
    Run
        The run.

    Raises
    ------
    ValueError
        For a bad task, network id or number of trials, or a network that does not fit the task.
    """
    check_task(task)
    net_id = check_positive_int(net_id, "net_id", "the network's number in the weights file")
    net, source = load_network_argument(network, net_id)
    n_trials = DEFAULT_N_TRIALS[analysis][task] if n_trials is None else n_trials
    meaning = "trials per context and coherency" if task == "ctxt" else "trials in total"
    n_trials = check_positive_int(n_trials, "n_trials", meaning)
    stream = MatlabTwisterStream(seed_input) if stream is None else as_stream(stream)
    if is_gated(net):  # PyTorch's cells have no internal noise
        net_noise = False
    elif not net_noise:
        net = replace(net, noise_sigma=0.0)
    reseed(stream, seed_input)
    trials = _trials(task, n_trials, input_noise, stream)
    _check_network_fits_task(net, trials, f"{source} (network {net_id})")
    settings = RunSettings(analysis, task, source, net_id, bool(net_noise), bool(input_noise and task == "ctxt"),
                           int(seed_run), int(seed_input), n_trials, type(stream).__name__)
    return Run(settings, net, trials, stream, int(seed_run) if net_noise else None)


def prepare_trials_run(analysis: str, network, trials: TaskData, *, net_id: int = 1, net_noise: bool = True,
                       seed_run: int = SEED_RUN) -> Run:
    """A run on a user's trials: the network, the trials and noise from ``NumpyStream(seed_run)``.

    Parameters
    ----------
    analysis : str
        What the run is for (recorded in the settings).
    network : opdims.Network or path
        The network or a weights file.
    trials : opdims.TaskData
        The trials (:func:`opdims.trials_from_arrays`, :func:`opdims.io.load_trials`).
    net_id : int, optional
        Which network of the file.
    net_noise : bool, optional
        Internal noise with the network's ``noise_sigma``, or none.
    seed_run : int, optional
        Seed of the noise.

    Returns
    -------
    Run
        The run.

    Raises
    ------
    ValueError
        If the trials do not fit the network (inputs, outputs, initial states).
    """
    net_id = check_positive_int(net_id, "net_id", "the network's number in the weights file")
    net, source = load_network_argument(network, net_id)
    if not isinstance(trials, TaskData):
        raise ValidationError(f"trials: expected TaskData (opdims.trials_from_arrays), got {type(trials).__name__}")
    where = f"{source} (network {net_id})"
    if trials.inputs.shape[2] != net.n_inputs:
        raise ValidationError(f"{where}: the network has {net.n_inputs} input(s), the trials' inputs "
                              f"[trials, time, inputs] have {trials.inputs.shape[2]}")
    if trials.targets.shape[2] != net.n_outputs:
        raise ValidationError(f"{where}: the network has {net.n_outputs} output(s), the trials' targets have "
                              f"{trials.targets.shape[2]}")
    if int(np.max(trials.condition_ids)) > net.n_contexts:
        raise ValidationError(f"{where}: the trials start from initial state {int(np.max(trials.condition_ids))}, "
                              f"but x0 has {net.n_contexts} column(s)")
    if is_gated(net):  # PyTorch's cells have no internal noise
        net_noise = False
    elif not net_noise:
        net = replace(net, noise_sigma=0.0)
    settings = RunSettings(analysis, trials.task, source, net_id, bool(net_noise), False, int(seed_run), 0,
                           trials.n_trials, "NumpyStream")
    return Run(settings, net, trials, NumpyStream(int(seed_run)), int(seed_run) if net_noise else None)
