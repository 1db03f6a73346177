"""Trial generators for the two tasks of the paper, driven by a random stream.

Both follow the original generators call for call (same draws, same order),
including their quirks, so replayed MATLAB draws give MATLAB's trials.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .random import MatlabTwisterStream, RandomStream, as_stream
from .validation import TASKS, ValidationError, as_real_array, check_task

__all__ = [
    "CTXT",
    "SWG",
    "TASKS",
    "CtxtConstants",
    "SwgConstants",
    "TaskData",
    "check_task",
    "context_integration_trials",
    "context_trial",
    "colon_range",
    "sine_wave_trials",
    "trials_from_arrays",
    "trials_from_neurogym",
]

@dataclass
class TaskData:
    """Trials of one task: inputs, targets and what each trial's condition is.

    Made by :func:`context_integration_trials`, :func:`sine_wave_trials` or
    :func:`trials_from_arrays`.

    Parameters
    ----------
    task : str
        ``'ctxt'``, ``'swg'``, or the name of a user's task.
    inputs : numpy.ndarray
        ``[B, T, n_in]``.
    targets : numpy.ndarray
        ``[B, T, n_out]``.
    condition_ids : numpy.ndarray
        ``[B]``: the 1-based initial-state column (context) of each trial.
    coherencies : numpy.ndarray or None
        ctxt: ``[B, 2]``.
    freq_ids : numpy.ndarray or None
        swg: ``[B]`` (1-based, 1..51).
    freqs : numpy.ndarray or None
        swg: ``[B]`` (angular, rad/s).
    labels : numpy.ndarray or None
        A user's task: the condition label of each trial ``[B]``.

    Examples
    --------
    >>> data = sine_wave_trials(3)
    >>> data.n_trials, data.n_steps, data.inputs.shape
    (3, 500, (3, 500, 1))
    >>> data.subset([0, 2]).freq_ids.shape
    (2,)
    """

    task: str
    inputs: np.ndarray
    targets: np.ndarray
    condition_ids: np.ndarray
    coherencies: np.ndarray | None = None
    freq_ids: np.ndarray | None = None
    freqs: np.ndarray | None = None
    labels: np.ndarray | None = None

    @property
    def n_trials(self) -> int:
        """Number of trials ``B``."""
        return self.inputs.shape[0]

    @property
    def n_steps(self) -> int:
        """Steps per trial ``T``."""
        return self.inputs.shape[1]

    def condition_info(self) -> dict:
        """What :meth:`opdims.SamplingLocationProperties.trial_conditions` needs for these trials.

        Returns
        -------
        dict
            ctxt: ``condition_ids``, ``coherencies``; swg: ``freq_ids``; a user's task: ``labels``.
        """
        if self.labels is not None:
            return {"labels": self.labels}
        if self.task == "ctxt":
            return {"condition_ids": self.condition_ids, "coherencies": self.coherencies}
        return {"freq_ids": self.freq_ids}

    def subset(self, index) -> TaskData:
        """The trials picked by ``index`` (slice, index array or mask).

        Parameters
        ----------
        index : slice or array_like
            Which trials.

        Returns
        -------
        TaskData
            Those trials.
        """
        def pick(a):
            return None if a is None else np.asarray(a)[index]

        return TaskData(self.task, self.inputs[index], self.targets[index], pick(self.condition_ids),
                        pick(self.coherencies), pick(self.freq_ids), pick(self.freqs), pick(self.labels))


def trials_from_arrays(inputs, targets, labels, condition_ids=None, *, n_contexts: int | None = None,
                       name: str = "custom") -> TaskData:
    """A user's trials from arrays: ``inputs [B, T, n_in]``, ``targets [B, T, n_out]``, one label per trial.

    Parameters
    ----------
    inputs : array_like
        ``[B, T, n_in]``.
    targets : array_like
        ``[B, T, n_out]``.
    labels : array_like
        ``[B]`` condition labels (ints or strings): trials with the same label
        are averaged into one condition-average trajectory.
    condition_ids : array_like of int, optional
        ``[B]`` 1-based initial-state column (of the network's ``x0``) of each
        trial. Default: all 1 when ``n_contexts`` is 1 or not given; with
        ``n_contexts > 1`` and as many distinct labels, label k (in sorted
        order) starts from column k.
    n_contexts : int, optional
        The network's number of initial states.
    name : str, optional
        The task's name.

    Returns
    -------
    TaskData
        The trials.

    Raises
    ------
    ValueError
        For shapes that do not match, non-finite values, labels that are not
        one per trial, or initial-state columns that cannot be inferred.

    Examples
    --------
    >>> import numpy as np
    >>> data = trials_from_arrays(np.zeros((4, 10, 2)), np.zeros((4, 10, 1)), [0, 1, 0, 1])
    >>> data.n_trials, data.condition_ids.tolist()
    (4, [1, 1, 1, 1])
    """
    inputs = as_real_array(inputs, "inputs", ndim=3)
    n_trials, n_steps = inputs.shape[:2]
    if n_trials == 0 or n_steps == 0:
        raise ValidationError(f"inputs: expected at least one trial and one step, got shape {inputs.shape}")
    targets = as_real_array(targets, "targets", ndim=3)
    if targets.shape[:2] != (n_trials, n_steps):
        raise ValidationError(f"targets: expected shape [{n_trials}, {n_steps}, n_out] to match the inputs "
                              f"[trials, time, inputs] {inputs.shape}, got {targets.shape}")
    labels = np.asarray(labels)
    if labels.ndim > 1 and 1 in labels.shape:
        labels = labels.reshape(-1)
    if labels.ndim != 1 or labels.size != n_trials:
        raise ValidationError(f"labels: expected one condition label per trial ({n_trials}), got shape "
                              f"{labels.shape}")
    if labels.dtype.kind == "f":
        if not np.all(np.isfinite(labels)) or np.any(labels != np.round(labels)):
            raise ValidationError("labels: expected integer or string labels, got non-integer numbers")
        labels = labels.astype(int)
    if labels.dtype.kind == "O":
        labels = labels.astype(str)
    if labels.dtype.kind not in "iuUS":
        raise ValidationError(f"labels: expected integer or string labels, got dtype {labels.dtype}")
    if condition_ids is None:
        distinct = np.unique(labels)
        if n_contexts in (None, 1):
            condition_ids = np.ones(n_trials, dtype=int)
        elif distinct.size == n_contexts:
            condition_ids = np.searchsorted(distinct, labels) + 1
        else:
            raise ValidationError(f"condition_ids: the network has {n_contexts} initial states but the trials "
                                  f"have {distinct.size} distinct labels; give the initial-state column of each "
                                  "trial (condition_ids)")
    condition_ids = np.asarray(condition_ids).reshape(-1)
    if condition_ids.size != n_trials or condition_ids.dtype.kind not in "iuf" or np.any(
            condition_ids != np.round(condition_ids)) or condition_ids.min() < 1:
        raise ValidationError(f"condition_ids: expected {n_trials} 1-based integers (one per trial), got "
                              f"{condition_ids.size} value(s)")
    return TaskData(str(name), inputs, targets, condition_ids.astype(int), labels=labels)


@dataclass(frozen=True)
class CtxtConstants:
    """Constants of context-dependent integration (the original's properties).

    :data:`CTXT` holds the original's values; :func:`dataclasses.replace`
    makes variants (e.g. a shorter burn-in).

    Parameters
    ----------
    n_inputs : int, optional
        Inputs: two sensory inputs, then three context cues (two are used).
    n_outputs : int, optional
        Outputs.
    n_integrators : int, optional
        Sensory inputs (and contexts).
    max_bound : float, optional
        Upper bound of the target.
    min_bound : float, optional
        Lower bound of the target.
    integration_tau : float, optional
        Time constant (s) of the target's integration.
    burn_length : float, optional
        Burn-in (s) before the sensory inputs start.
    dt : float, optional
        Step (s).
    tau : float, optional
        Unit time constant (s).
    time : float, optional
        Trial length after the burn-in (s).
    input_noise_scale : float, optional
        The sensory inputs' noise sigma is this times ``sqrt(dt)``.

    Examples
    --------
    >>> CTXT.n_steps, CTXT.n_burn
    (1400, 650)
    """

    n_inputs: int = 5
    n_outputs: int = 1
    n_integrators: int = 2
    max_bound: float = 1.0
    min_bound: float = -1.0
    integration_tau: float = 5 * 0.01
    burn_length: float = 0.650
    dt: float = 0.001
    tau: float = 0.01
    time: float = 0.75
    input_noise_scale: float = 31.6228  #: input noise sigma is this times sqrt(dt)

    @property
    def coherencies(self) -> np.ndarray:
        """The six coherencies ``[6]``, ascending."""
        return np.array([-0.5, -0.12, -0.03, 0.03, 0.12, 0.5]) * 0.3

    @property
    def n_burn(self) -> int:
        """Steps of the burn-in."""
        return int(self.burn_length / self.dt)

    @property
    def n_steps(self) -> int:
        """Steps per trial ``T``, the burn-in included."""
        return int(round(self.time / self.dt) + self.burn_length / self.dt)


CTXT = CtxtConstants()


def context_trial(drifts, context_id: int, noise_sigma: float, stream: RandomStream,
                  constants: CtxtConstants = CTXT):
    """Return one context-dependent integration trial, as the original's ``generate_one_trial``.

    Draws ``randn(1, T - burn)`` per sensory input, also when
    ``noise_sigma`` is 0 (as the original). The target integrates the
    contextually relevant input (with its noise) after the burn-in until it
    reaches a bound, then stays there.

    Parameters
    ----------
    drifts : array_like
        ``[2]``: coherency of sensory inputs 1 and 2.
    context_id : int
        1 or 2: which input is relevant (and which context cue is on).
    noise_sigma : float
        Standard deviation of the sensory inputs' noise per step.
    stream : RandomStream
        Where the noise is drawn from.
    constants : CtxtConstants, optional
        The task's constants (default :data:`CTXT`).

    Returns
    -------
    inputs : numpy.ndarray
        ``[T, 5]``.
    targets : numpy.ndarray
        ``[T, 1]``.

    Examples
    --------
    >>> from opdims import NumpyStream
    >>> inputs, targets = context_trial([0.045, -0.15], 1, 0.0, NumpyStream(0))
    >>> inputs.shape, round(float(targets[-1, 0]), 6)  # 0.045 per 50 ms, over 750 ms
    ((1400, 5), 0.675)
    """
    c = constants
    n_steps, n_burn = c.n_steps, c.n_burn
    inputs = np.zeros((n_steps, c.n_inputs))
    targets = np.zeros((n_steps, c.n_outputs))
    inputs[:, c.n_inputs - c.n_integrators - 1 + context_id - 1] = 1.0
    for i in range(c.n_integrators):
        inputs[n_burn:, i] = drifts[i] + stream.randn((1, n_steps - n_burn))[0] * noise_sigma
    gain = c.dt / c.integration_tau
    relevant = inputs[:, context_id - 1]
    value = 0.0
    for t in range(n_burn, n_steps):
        value = value + gain * relevant[t]
        if value >= c.max_bound:
            targets[t:, 0] = c.max_bound
            break
        if value <= c.min_bound:
            targets[t:, 0] = c.min_bound
            break
        targets[t, 0] = value
    return inputs, targets


def context_integration_trials(n_trials: int, input_noise: bool = True,
                               stream: RandomStream | int | None = None,
                               constants: CtxtConstants = CTXT, *, all_coherencies: bool = False) -> TaskData:
    """Return a context-dependent integration data set, as the original generator.

    ``B = 12 n_trials`` trials, contexts alternating 1, 2, 1, 2, ...
    Coherencies are drawn per sensory input and context with ``randperm``.
    As in the original, the table the coherencies are drawn from has zeros
    in its first ``2 n`` entries and the largest coherency past its end, so
    zero coherency occurs and +0.15 never. ``all_coherencies=True`` fills
    the table with the six coherencies only (each ``2 n`` times), as the
    paper describes the task: the same draws, no zero, +0.15 included.

    Parameters
    ----------
    n_trials : int
        Trials per context and coherency.
    input_noise : bool, optional
        Add noise to the sensory inputs (default True).
    stream : RandomStream, int or None, optional
        Where coherencies and noise are drawn from (an int seeds a
        :class:`opdims.NumpyStream`; the original: ``MatlabTwisterStream(1000)``).
    constants : CtxtConstants, optional
        The task's constants (default :data:`CTXT`).
    all_coherencies : bool, optional
        Draw from the six coherencies (the paper's task) instead of the
        published generator's table (zero in place of +0.15; default).

    Returns
    -------
    TaskData
        ``inputs [B, 1400, 5]``, ``targets [B, 1400, 1]``, ``condition_ids
        [B]`` (the context), ``coherencies [B, 2]``.

    Raises
    ------
    ValueError
        If ``n_trials`` is not a positive integer.

    Examples
    --------
    >>> from opdims import MatlabTwisterStream
    >>> data = context_integration_trials(5, True, MatlabTwisterStream(1000))  # the s3 script's trials
    >>> data.inputs.shape, data.condition_ids[:4].tolist()
    ((60, 1400, 5), [1, 2, 1, 2])
    """
    if int(n_trials) != n_trials or n_trials < 1:
        raise ValidationError("n_trials: expected a positive integer (trials per context and coherency), "
                              f"got {n_trials}")
    n_trials = int(n_trials)
    stream = as_stream(stream)
    c = constants
    cohs = c.coherencies
    per_coh = c.n_integrators * n_trials
    n_total = n_trials * cohs.size * c.n_integrators
    condition_ids = np.tile(np.arange(1, c.n_integrators + 1), n_total // c.n_integrators)
    table = np.zeros((cohs.size + 1) * per_coh)
    for k, coh in enumerate(cohs, start=0 if all_coherencies else 1):
        table[k * per_coh:(k + 1) * per_coh] = coh
    coherencies = np.zeros((n_total, c.n_integrators))
    for i in range(c.n_integrators):
        for ctx in (1, 2):
            picks = stream.randperm(n_total, n_trials * cohs.size)
            coherencies[condition_ids == ctx, i] = table[np.asarray(picks, dtype=int) - 1]
    sigma = c.input_noise_scale * np.sqrt(c.dt) if input_noise else 0.0
    inputs = np.zeros((n_total, c.n_steps, c.n_inputs))
    targets = np.zeros((n_total, c.n_steps, c.n_outputs))
    for b in range(n_total):
        inputs[b], targets[b] = context_trial(coherencies[b, :2], condition_ids[b], sigma, stream, c)
    return TaskData("ctxt", inputs, targets, condition_ids, coherencies=coherencies)


def colon_range(start: float, step: float, stop: float) -> np.ndarray:
    """Return MATLAB's ``start:step:stop`` for floats, bit for bit.

    MATLAB counts the first half of the elements up from ``start`` and the
    second half down from ``stop``, which ``numpy.arange`` does not.

    Parameters
    ----------
    start : float
        First element.
    step : float
        Increment (positive).
    stop : float
        Last element, if reached (within a relative 1e-10 of a step count).

    Returns
    -------
    numpy.ndarray
        ``[n + 1]`` elements (empty when ``stop < start``).

    Examples
    --------
    >>> colon_range(1.0, 0.1, 1.5)
    array([1. , 1.1, 1.2, 1.3, 1.4, 1.5])
    """
    n = int(np.floor((stop - start) / step * (1 + 1e-10)))
    k = np.arange(n + 1)
    half = n // 2
    out = np.where(k <= half, start + k * step, stop - (n - k) * step)
    return out


@dataclass(frozen=True)
class SwgConstants:
    """Constants of sine-wave generation (the original's parameters).

    :data:`SWG` holds the original's values.

    Parameters
    ----------
    dt : float, optional
        Step (s).
    time : float, optional
        Trial length (s).
    n_freqs : int, optional
        Frequencies (ids 1..n_freqs).
    max_freq : float, optional
        Highest frequency (Hz).
    min_freq : float, optional
        Lowest frequency (Hz).
    seed_freqs : int, optional
        MATLAB seed the trials' frequencies are drawn with.

    Examples
    --------
    >>> SWG.freq_per_id[[0, 1, -1]]
    array([1. , 1.1, 6. ])
    """

    dt: float = 0.001
    time: float = 0.5
    n_freqs: int = 51
    max_freq: float = 6.0
    min_freq: float = 1.0
    seed_freqs: int = 2001

    @property
    def freq_per_id(self) -> np.ndarray:
        """Frequencies (Hz) of ids 1..51, ``[51]``."""
        delta = (self.max_freq - self.min_freq) / (self.n_freqs - 1)
        return colon_range(self.min_freq, delta, self.max_freq)

    @property
    def times(self) -> np.ndarray:
        """Time of each step (s), ``[T]``."""
        return colon_range(self.dt, self.dt, self.time)


SWG = SwgConstants()


def sine_wave_trials(n_trials: int, stream: RandomStream | None = None,
                     constants: SwgConstants = SWG) -> TaskData:
    """Return a sine-wave generation data set, as the original generator.

    Frequency ids are drawn with ``randsample(1:51, n_trials, true)``. The
    original reseeds MATLAB's global stream with 2001 first, so its trials
    never change: without ``stream`` this uses a MATLAB twister stream seeded
    2001 (a given ``stream`` is reseeded with 2001 if it has ``seed``).
    Input is the constant ``id/51 + 0.25``, target ``sin(2 pi f t)``.

    Parameters
    ----------
    n_trials : int
        Trials in all.
    stream : RandomStream, optional
        Where the frequency ids are drawn from (default
        ``MatlabTwisterStream(2001)``).
    constants : SwgConstants, optional
        The task's constants (default :data:`SWG`).

    Returns
    -------
    TaskData
        ``inputs [B, 500, 1]``, ``targets [B, 500, 1]``, ``condition_ids``
        (all 1), ``freq_ids [B]`` (1..51), ``freqs [B]`` (rad/s).

    Raises
    ------
    ValueError
        If ``n_trials`` is not a positive integer.

    Examples
    --------
    >>> data = sine_wave_trials(255)  # the s3 script's trials
    >>> data.targets.shape, int(data.freq_ids.min()) >= 1
    ((255, 500, 1), True)
    """
    if int(n_trials) != n_trials or n_trials < 1:
        raise ValidationError(f"n_trials: expected a positive integer (trials in total), got {n_trials}")
    n_trials = int(n_trials)
    c = constants
    if stream is None:
        stream = MatlabTwisterStream(c.seed_freqs)
    elif hasattr(stream, "seed"):
        stream.seed(c.seed_freqs)
    freq_ids = np.asarray(stream.randsample(np.arange(1, c.n_freqs + 1), n_trials, True)).astype(int).reshape(-1)
    freq_hz = c.freq_per_id[freq_ids - 1]
    t = c.times
    freqs = 2 * np.pi * freq_hz
    inputs = np.broadcast_to((freq_ids / c.n_freqs + 0.25)[:, None, None], (n_trials, t.size, 1)).copy()
    targets = np.sin(2 * np.pi * freq_hz[:, None] * t[None, :])[:, :, None]
    return TaskData("swg", inputs, targets, np.ones(n_trials, dtype=int), freq_ids=freq_ids, freqs=freqs)


NEUROGYM_VERSION = "2.3.1"  #: the neurogym whose TrialEnv interface trials_from_neurogym follows
NEUROGYM_TARGETS = ("onehot", "index")  #: how a discrete action space's ground truth becomes targets


def _scalar(value):
    value = value.item() if isinstance(value, np.generic) or (isinstance(value, np.ndarray) and value.size == 1) \
        else value
    return value if isinstance(value, (bool, int, float, str)) else None


def trials_from_neurogym(env, n_trials: int, *, label_keys=None, targets: str = "onehot", seed: int | None = None,
                         name: str | None = None) -> TaskData:
    """Labelled trials of a neurogym task, for the network trained on it.

    Each trial is ``env.new_trial()``: its observations ``env.ob [T, n_in]``
    are the inputs, its ground truth ``env.gt`` the targets, and its trial
    dict (e.g. ``{'context': 0, 'coh_1': 50, 'coh_2': 15, 'ground_truth':
    1, ...}`` for ``ContextDecisionMaking``) the condition label, so that
    trials of one condition are averaged into one trajectory. Follows
    neurogym 2.3.1's ``TrialEnv`` (``new_trial``, ``ob``, ``gt``,
    ``action_space``, ``seed``); wrappers are looked through
    (``env.unwrapped``). Trials shorter than the longest are padded at the
    end (inputs 0, targets their last value): for aligned condition averages
    make the task with fixed epoch durations (``timing={...}``).

    Parameters
    ----------
    env : neurogym.TrialEnv
        The task (``neurogym.make(...)`` or the class itself).
    n_trials : int
        How many trials to draw.
    label_keys : sequence of str, optional
        Entries of the trial dict that make the condition (default: every
        entry that is one number, string or bool).
    targets : str, optional
        For a discrete action space: ``'onehot'`` (default; ``[B, T,
        n_actions]``, for a readout of one unit per action) or ``'index'``
        (``[B, T, 1]``, the action's number). A continuous (Box) ground truth
        is used as it is.
    seed : int, optional
        Seeds the task's random generator first (``env.seed(seed)``).
    name : str, optional
        The task's name (default the environment's class name).

    Returns
    -------
    TaskData
        ``inputs [B, T, n_in]``, ``targets [B, T, n_out]`` and one label per trial.

    Raises
    ------
    ValidationError
        For a task without ``new_trial``/``ob``/``gt``, label keys that are
        not in its trial dicts, or a bad ``n_trials``/``targets``.

    Examples
    --------
    >>> import numpy as np
    >>> class Task:  # the part of neurogym's TrialEnv used here
    ...     rng = np.random.default_rng(0)
    ...     def new_trial(self):
    ...         side = int(self.rng.integers(2))
    ...         self.ob = np.zeros((20, 2)); self.ob[5:15, side] = 1
    ...         self.gt = np.zeros(20, dtype=int); self.gt[15:] = side + 1
    ...         return {"ground_truth": side}
    >>> data = trials_from_neurogym(Task(), 6)
    >>> data.inputs.shape, data.targets.shape, sorted(set(data.labels.tolist()))
    ((6, 20, 2), (6, 20, 3), ['ground_truth=0', 'ground_truth=1'])
    """
    if isinstance(n_trials, bool) or not isinstance(n_trials, (int, np.integer)) or n_trials < 1:
        raise ValidationError(f"n_trials: expected a whole number >= 1, got {n_trials!r}")
    if targets not in NEUROGYM_TARGETS:
        raise ValidationError(f"targets: expected one of {NEUROGYM_TARGETS}, got {targets!r}")
    task = getattr(env, "unwrapped", env)
    if not callable(getattr(task, "new_trial", None)):
        raise ValidationError(f"env: expected a neurogym task (new_trial(), ob, gt), got {type(env).__name__}")
    if seed is not None and callable(getattr(task, "seed", None)):
        task.seed(seed)
    obs, gts, labels = [], [], []
    for k in range(int(n_trials)):
        trial = task.new_trial() or getattr(task, "trial", None) or {}
        ob, gt = getattr(task, "ob", None), getattr(task, "gt", None)
        if ob is None or gt is None:
            raise ValidationError(f"env: trial {k + 1} set no ob/gt; expected a neurogym task whose new_trial() "
                                  "builds the observations (env.ob) and ground truth (env.gt)")
        keys = list(trial) if label_keys is None else list(label_keys)
        missing = [key for key in keys if key not in trial]
        if missing:
            raise ValidationError(f"label_keys: {', '.join(map(str, missing))} not in the trial dict, which holds "
                                  f"{', '.join(map(str, trial)) or 'nothing'}")
        parts = [(key, _scalar(trial[key])) for key in keys]
        labels.append(", ".join(f"{key}={value}" for key, value in parts if value is not None) or "all")
        ob = np.asarray(ob, dtype=np.float64)
        obs.append(ob.reshape(ob.shape[0], -1))
        gts.append(np.asarray(gt))
    space = getattr(task, "action_space", None)
    discrete = all(g.ndim == 1 and g.dtype.kind in "iub" for g in gts)
    if discrete and targets == "onehot":
        n_actions = int(getattr(space, "n", 0) or max(int(g.max(initial=0)) for g in gts) + 1)
        gts = [np.eye(n_actions)[g.astype(int)] for g in gts]
    else:
        gts = [np.asarray(g, dtype=np.float64).reshape(g.shape[0], -1) for g in gts]
    n_steps = max(o.shape[0] for o in obs)

    def pad(arrays, last: bool):
        out = np.zeros((len(arrays), n_steps, arrays[0].shape[1]))
        for i, a in enumerate(arrays):
            out[i, : a.shape[0]] = a
            if last and 0 < a.shape[0] < n_steps:
                out[i, a.shape[0]:] = a[-1]
        return out

    return trials_from_arrays(pad(obs, False), pad(gts, True), np.array(labels),
                              name=name or type(task).__name__)


#: the name of opdims 0.2
matlab_colon = colon_range
