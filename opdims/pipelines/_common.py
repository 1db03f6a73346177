"""What the four analyses share: their settings, the network, the trials and
the noise of the forward passes, as set up at the top of each original script.

The original seeds MATLAB's global stream with ``rng(seed_input)`` before it
generates trials and with ``rng(seed_run)`` before every forward pass, so
every forward pass of a script sees the same noise. Here one ``stream`` plays
the global stream: it is reseeded the same way when it has a ``seed`` method,
and the noise is drawn once and shared by all forward passes.

The default stream is :class:`~opdims.MatlabTwisterStream`: its ``rand`` is
MATLAB's, but MATLAB's ``randn`` cannot be reproduced, so its normals (the
network noise, the ctxt input noise) come by inversion of ``rand``: the
right distribution, not MATLAB's numbers. A :class:`~opdims.ReplayStream` of
draws recorded from MATLAB gives MATLAB's numbers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from .. import io
from ..network import Network
from ..random import MatlabTwisterStream, RandomStream, as_stream
from ..sampling import SamplingLocationProperties
from ..simulate import draw_noise
from ..sweeps import RankSweep
from ..tasks import TaskData, check_task, context_integration_trials, sine_wave_trials

__all__ = [
    "DEFAULT_N_TRIALS",
    "SEED_INPUT",
    "SEED_RUN",
    "Run",
    "RunSettings",
    "condition_means",
    "prepare_run",
    "principal_components",
    "rank_within_full_cost",
    "reseed",
    "settled_rank",
    "trial_info",
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

    ``task``: ``'ctxt'`` or ``'swg'`` (the script's ``network_type``);
    ``weights``: the weights file (or the in-memory network's ``source``);
    ``net_id``; ``net_noise``: internal noise (sigma 0.1) on or off;
    ``input_noise``: noise on the ctxt sensory inputs on or off (swg has
    none); ``seed_run``, ``seed_input``; ``n_trials``: ctxt trials per context
    and coherency (12 ``n_trials`` trials in all), swg trials in total;
    ``stream``: the kind of random stream.
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
        return asdict(self)


@dataclass
class Run:
    """A prepared run: settings, network (noise sigma 0 when noise is off),
    trials, standard-normal noise ``[B, T, N]`` (``None`` when off), stream."""

    settings: RunSettings
    net: Network
    trials: TaskData
    noise: np.ndarray | None
    stream: RandomStream


def reseed(stream: RandomStream, seed: int) -> None:
    """``rng(seed)`` on ``stream`` if it can be reseeded (else draws just go on)."""
    if hasattr(stream, "seed"):
        stream.seed(int(seed))


def _load(network, net_id: int) -> tuple[Network, str]:
    if isinstance(network, Network):
        return network, network.source or "<in-memory network>"
    path = Path(network)
    if not path.is_file():
        raise FileNotFoundError(f"weights file {path} does not exist")
    return io.load_network(path, net_id), str(path)


def _check_positive_int(value, name: str, meaning: str) -> int:
    if isinstance(value, bool) or int(value) != value or value < 1:
        raise ValueError(f"{name}: expected a positive integer ({meaning}), got {value!r}")
    return int(value)


def _trials(task: str, n_trials: int, input_noise: bool, stream: RandomStream) -> TaskData:
    if task == "ctxt":
        return context_integration_trials(n_trials, input_noise, stream)
    return sine_wave_trials(n_trials, stream)


def _check_network_fits_task(net: Network, trials: TaskData, where: str) -> None:
    n_inputs = trials.inputs.shape[2]
    if net.n_inputs != n_inputs:
        raise ValueError(f"{where}: the network has {net.n_inputs} input(s), but {trials.task} trials have "
                         f"{n_inputs}; is the network type (--task) right?")
    n_contexts = int(trials.condition_ids.max())
    if net.n_contexts < n_contexts:
        raise ValueError(f"{where}: x0 has {net.n_contexts} initial state(s), but {trials.task} trials need "
                         f"{n_contexts} (one per context)")


def prepare_run(analysis: str, network, task: str, *, net_id: int = 1, net_noise: bool = True,
                input_noise: bool = True, seed_run: int = SEED_RUN, seed_input: int = SEED_INPUT,
                n_trials: int | None = None, stream: RandomStream | None = None) -> Run:
    """Network, trials and noise of an analysis, as the top of its original script.

    ``analysis``: ``'s1'`` ... ``'s4'`` (picks the default ``n_trials``);
    ``network``: a :class:`~opdims.Network` or the path of a weights file
    (network ``net_id``, ``final`` weights); ``net_noise``: internal noise
    with the network's ``noise_sigma`` (0.1 for loaded networks) or none;
    ``input_noise``: ctxt sensory-input noise. ``stream`` defaults to a MATLAB
    twister stream; it is reseeded with ``seed_input`` before the trials and
    with ``seed_run`` before the noise.
    """
    check_task(task)
    net_id = _check_positive_int(net_id, "net_id", "the network's number in the weights file")
    net, source = _load(network, net_id)
    n_trials = DEFAULT_N_TRIALS[analysis][task] if n_trials is None else n_trials
    meaning = "trials per context and coherency" if task == "ctxt" else "trials in total"
    n_trials = _check_positive_int(n_trials, "n_trials", meaning)
    stream = MatlabTwisterStream(seed_input) if stream is None else as_stream(stream)
    if not net_noise:
        net = replace(net, noise_sigma=0.0)
    reseed(stream, seed_input)
    trials = _trials(task, n_trials, input_noise, stream)
    _check_network_fits_task(net, trials, f"{source} (network {net_id})")
    noise = None
    if net_noise:
        reseed(stream, seed_run)
        noise = draw_noise(stream, trials.n_trials, trials.inputs.shape[1], net.n_units)
    settings = RunSettings(analysis, task, source, net_id, bool(net_noise), bool(input_noise and task == "ctxt"),
                           int(seed_run), int(seed_input), n_trials, type(stream).__name__)
    return Run(settings, net, trials, noise, stream)


def trial_info(trials: TaskData) -> dict:
    """The keyword arguments that :func:`opdims.condition_averages` needs for ``trials``."""
    if trials.task == "ctxt":
        return {"condition_ids": trials.condition_ids, "coherencies": trials.coherencies}
    return {"freq_ids": trials.freq_ids}


def condition_means(x_t, props: SamplingLocationProperties, *, condition_ids=None, coherencies=None,
                    freq_ids=None) -> np.ndarray:
    """Mean states ``[n_cond, T, N]`` of the trials of each input condition of ``props``.

    As the original's plotting: any number of trials per condition, NaN for
    none (:func:`opdims.condition_averages`, used for sampling locations,
    asks for at least two swg trials). ``x_t [B, T, N]``; ctxt:
    ``condition_ids [B]``, ``coherencies [B, 2]``; swg: ``freq_ids [B]``.
    """
    x_t = np.asarray(x_t, dtype=np.float64)
    n_trials = x_t.shape[0]
    if props.task == "ctxt":
        if condition_ids is None or coherencies is None:
            raise ValueError("ctxt condition means need condition_ids [B] and coherencies [B, 2]")
        ids = np.asarray(condition_ids).reshape(-1)
        signs = np.sign(np.asarray(coherencies, dtype=np.float64))
        if ids.size != n_trials or signs.shape != (n_trials, 2):
            raise ValueError(f"expected condition_ids [{n_trials}] and coherencies [{n_trials}, 2], "
                             f"got {ids.shape} and {signs.shape}")
        masks = [(ids == ctx) & (signs[:, 0] == s1) & (signs[:, 1] == s2)
                 for ctx, s1, s2 in zip(props.condition_contexts, props.condition_sign_coh1,
                                        props.condition_sign_coh2)]
    else:
        if freq_ids is None or np.size(freq_ids) != n_trials:
            raise ValueError(f"swg condition means need freq_ids, one per trial ({n_trials})")
        fids = np.asarray(freq_ids).reshape(-1)
        masks = [fids == f for f in props.condition_freq_ids]
    return np.stack([x_t[m].mean(axis=0) if m.any() else np.full(x_t.shape[1:], np.nan) for m in masks])


def principal_components(samples) -> tuple[np.ndarray, np.ndarray]:
    """PCA of ``samples [M, N]`` as MATLAB's ``pca``: ``(components [N, N], variances [N])``.

    Mean-centred; variances are the covariance eigenvalues (normalised by
    ``M - 1``), descending; each component's largest-magnitude entry is
    positive, MATLAB's sign convention. With ``M <= N`` there are ``M``
    components (``min(M, N)``), not ``N``.
    """
    samples = np.asarray(samples, dtype=np.float64)
    if samples.ndim != 2 or samples.shape[0] < 2:
        raise ValueError(f"PCA: expected samples [M >= 2, N], got shape {samples.shape}")
    centred = samples - samples.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    components = vt.T
    biggest = np.argmax(np.abs(components), axis=0)
    components = components * np.sign(components[biggest, np.arange(components.shape[1])])
    return components, s**2 / (samples.shape[0] - 1)


def rank_within_full_cost(sweep: RankSweep, tolerance: float = 0.1) -> int | None:
    """Smallest rank whose cost is within ``tolerance`` (relative) of the
    full-rank cost; ``None`` if no rank of the sweep is."""
    close = np.abs(sweep.cost - sweep.full_cost) <= tolerance * sweep.full_cost
    return int(sweep.ranks[np.argmax(close)]) if close.any() else None


def settled_rank(sweep: RankSweep, tolerance: float = 0.1) -> int | None:
    """Smallest rank from which on (ranks ascending) the cost stays within
    ``tolerance`` of its range (largest cost minus full-rank cost) above the
    full-rank cost: where the cost curve is back at the full-rank level on the
    paper's axes. ``None`` if the last rank of the sweep is not."""
    excess = sweep.cost - sweep.full_cost
    above = np.flatnonzero(excess > tolerance * max(excess.max(), 0.0))
    if not above.size:
        return int(sweep.ranks[0])
    settled = above[-1] + 1
    return int(sweep.ranks[settled]) if settled < excess.size else None


class SweepSummary:
    """Rank summaries of a result with a ``sweep`` (:class:`~opdims.sweeps.RankSweep`)."""

    sweep: RankSweep

    def rank_within_full_cost(self, tolerance: float = 0.1) -> int | None:
        """See :func:`~opdims.pipelines.rank_within_full_cost`."""
        return rank_within_full_cost(self.sweep, tolerance)

    def settled_rank(self, tolerance: float = 0.1) -> int | None:
        """See :func:`~opdims.pipelines.settled_rank`."""
        return settled_rank(self.sweep, tolerance)
