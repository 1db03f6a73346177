"""Sampling locations: where along condition-average trajectories local
operative dimensions are computed.

Locations are numbered in the original's fixed order (ctxt: 120, swg: 121);
this module uses 0-based indices, the MATLAB compatibility layer 1-based.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import OutOfRangeError, ValidationError
from .network import Network
from .validation import TASKS, as_real_array, check_locations, check_sampling_steps, check_state_kind, check_task

__all__ = [
    "SUBSETS",
    "SamplingLocationProperties",
    "as_locations",
    "check_condition_counts",
    "condition_averages",
    "condition_sampling_locations",
    "condition_sampling_scheme",
    "fixed_point_locations",
    "is_fixed_points",
    "location_name",
    "locations_from_averages",
    "locations_in_order",
    "random_locations",
    "sampling_location_properties",
    "select_locations",
]

#: which sampling locations to combine (``all`` for every task; the others ctxt only)
SUBSETS = ("all", "ctxt1", "ctxt2", "allPosChoice", "allNegChoice")

_CTXT_TIMES = np.array([1] + list(range(100, 1401, 100)))
_SWG_TIMES = np.array([1] + list(range(50, 501, 50)))


@dataclass(frozen=True)
class SamplingLocationProperties:
    """Where the sampling locations of a task lie: which condition average, which time step.

    Parameters
    ----------
    task : str
        ``'ctxt'``, ``'swg'`` (the original's locations), or the name of a
        user's task (locations from :func:`condition_sampling_scheme`).
    condition_names : tuple of str
        One name per input condition ``[n_cond]``.
    times_per_condition : numpy.ndarray
        ``[n_t]``: the 1-based time steps sampled on every condition average.
    loc_times : numpy.ndarray
        ``[L]``: the time step of each location, in the task's location order.
    condition_freq_ids, loc_freq_ids : numpy.ndarray or None
        swg: frequency id of each condition / location.
    condition_contexts, condition_sign_coh1, condition_sign_coh2 : numpy.ndarray or None
        ctxt: context and coherency signs of each condition.
    loc_contexts, loc_sign_coh1, loc_sign_coh2 : numpy.ndarray or None
        ctxt: the same per location.
    condition_labels : tuple or None
        A user's task: the trial label of each condition.
    loc_conditions : numpy.ndarray or None
        A user's task: the 0-based condition of each location.
    min_trials : int
        Trials a condition needs for its average (the original: ctxt 0, NaN
        when none; swg 2; a user's task 1).
    """

    task: str
    condition_names: tuple[str, ...]
    times_per_condition: np.ndarray
    loc_times: np.ndarray
    condition_freq_ids: np.ndarray | None = None
    loc_freq_ids: np.ndarray | None = None
    condition_contexts: np.ndarray | None = None
    condition_sign_coh1: np.ndarray | None = None
    condition_sign_coh2: np.ndarray | None = None
    loc_contexts: np.ndarray | None = None
    loc_sign_coh1: np.ndarray | None = None
    loc_sign_coh2: np.ndarray | None = None
    condition_labels: tuple | None = None
    loc_conditions: np.ndarray | None = None
    min_trials: int = 1

    @property
    def n_locations(self) -> int:
        """Number of sampling locations ``L``."""
        return self.loc_times.size

    @property
    def n_conditions(self) -> int:
        """Number of input conditions."""
        return len(self.condition_names)

    @property
    def is_original(self) -> bool:
        """Whether these are the original's locations of ctxt or swg."""
        return self.task in TASKS and self.condition_labels is None

    def _check(self, loc: int) -> int:
        loc = int(loc)
        if not 0 <= loc < self.n_locations:
            raise OutOfRangeError(f"sampling location: expected an index in 0..{self.n_locations - 1} "
                             f"({self.task} has {self.n_locations} locations), got {loc}")
        return loc

    def start_point_index(self, loc: int) -> int:
        """Index into ``times_per_condition`` of location ``loc`` (0-based).

        Parameters
        ----------
        loc : int
            0-based location.

        Returns
        -------
        int
            0-based index.
        """
        loc = self._check(loc)
        return int(np.flatnonzero(self.times_per_condition == self.loc_times[loc])[0])

    def condition_index(self, loc: int) -> int:
        """Index of the input condition of location ``loc`` (0-based).

        Parameters
        ----------
        loc : int
            0-based location.

        Returns
        -------
        int
            0-based condition.
        """
        loc = self._check(loc)
        if self.loc_conditions is not None:
            return int(self.loc_conditions[loc])
        if self.task == "swg":
            match = self.condition_freq_ids == self.loc_freq_ids[loc]
        else:
            match = ((self.condition_contexts == self.loc_contexts[loc])
                     & (self.condition_sign_coh1 == self.loc_sign_coh1[loc])
                     & (self.condition_sign_coh2 == self.loc_sign_coh2[loc]))
        return int(np.flatnonzero(match)[0])

    def name(self, loc: int) -> str:
        """The name of location ``loc`` (its HDF5 group name; the original's for ctxt and swg).

        Parameters
        ----------
        loc : int
            0-based location.

        Returns
        -------
        str
            ``opt_dims_t<T>Ctxt<c>Inps<s1>_<s2>``, ``opt_dims_t<T>Freq<f>`` or
            ``opt_dims_t<T>Cond<k>`` (a user's task; k 1-based).
        """
        loc = self._check(loc)
        if not self.is_original:
            return f"opt_dims_t{int(self.loc_times[loc])}Cond{self.condition_index(loc) + 1}"
        if self.task == "swg":
            return location_name("swg", self.loc_times[loc], freq_id=self.loc_freq_ids[loc])
        return location_name("ctxt", self.loc_times[loc], self.loc_contexts[loc],
                             self.loc_sign_coh1[loc], self.loc_sign_coh2[loc])

    def trial_conditions(self, *, condition_ids=None, coherencies=None, freq_ids=None, labels=None) -> np.ndarray:
        """The 0-based condition of every trial (``-1`` for a trial of no condition).

        Parameters
        ----------
        condition_ids : array_like, optional
            ctxt: the context of each trial ``[B]``.
        coherencies : array_like, optional
            ctxt: the coherencies of each trial ``[B, 2]`` (their signs count).
        freq_ids : array_like, optional
            swg: the frequency id of each trial ``[B]``.
        labels : array_like, optional
            A user's task: the label of each trial ``[B]``.

        Returns
        -------
        numpy.ndarray
            ``[B]`` ints.

        Raises
        ------
        ValueError
            If what the task needs is missing or not one value per trial.
        """
        if not self.is_original:
            if labels is None:
                raise ValidationError(f"{self.task}: condition averages need one label per trial (labels)")
            labels = np.asarray(labels).reshape(-1)
            index = {label: k for k, label in enumerate(self.condition_labels)}
            return np.array([index.get(label.item() if hasattr(label, "item") else label, -1) for label in labels],
                            dtype=int)
        if self.task == "ctxt":
            if condition_ids is None or coherencies is None:
                raise ValidationError("ctxt condition averages need condition_ids [B] and coherencies [B, 2]")
            ids = np.asarray(condition_ids).reshape(-1)
            signs = np.sign(np.asarray(coherencies, dtype=float))
            if signs.ndim != 2 or ids.size != signs.shape[0] or signs.shape[1] != 2:
                raise ValidationError(f"expected condition_ids [B] and coherencies [B, 2] for the same trials, "
                                 f"got {ids.shape} and {signs.shape}")
            out = np.full(ids.size, -1)
            for c in range(self.n_conditions):
                mask = ((ids == self.condition_contexts[c]) & (signs[:, 0] == self.condition_sign_coh1[c])
                        & (signs[:, 1] == self.condition_sign_coh2[c]))
                out[mask] = c
            return out
        if freq_ids is None:
            raise ValidationError("swg condition averages need freq_ids [B]")
        fids = np.asarray(freq_ids).reshape(-1)
        out = np.full(fids.size, -1)
        for c, f in enumerate(self.condition_freq_ids):
            out[fids == f] = c
        return out


def _frozen(a) -> np.ndarray:
    arr = np.asarray(a, dtype=int)
    arr.setflags(write=False)
    return arr


def sampling_location_properties(task: str) -> SamplingLocationProperties:
    """The original's sampling locations of ``'ctxt'`` (120) or ``'swg'`` (121).

    Parameters
    ----------
    task : str
        ``'ctxt'`` or ``'swg'``.

    Returns
    -------
    SamplingLocationProperties
        Conditions, times and locations in the original's order.

    Examples
    --------
    >>> sampling_location_properties("ctxt").n_locations
    120
    """
    check_task(task)
    if task == "swg":
        cond_freqs = np.arange(1, 52, 5)
        n_t = _SWG_TIMES.size
        return SamplingLocationProperties(
            task="swg",
            condition_names=tuple(f"Freq{f}" for f in cond_freqs),
            times_per_condition=_frozen(_SWG_TIMES),
            loc_times=_frozen(np.tile(_SWG_TIMES, cond_freqs.size)),
            condition_freq_ids=_frozen(cond_freqs),
            loc_freq_ids=_frozen(np.repeat(cond_freqs, n_t)),
            min_trials=2,
        )
    n_t = _CTXT_TIMES.size  # 15 times per condition, 8 conditions
    down = np.repeat(_CTXT_TIMES[::-1], 2)
    up = np.repeat(_CTXT_TIMES, 2)
    per_ctx = 4 * n_t
    pm, mp = np.tile([1, -1], n_t), np.tile([-1, 1], n_t)
    return SamplingLocationProperties(
        task="ctxt",
        condition_names=("Ctxt1-pos-coh", "Ctxt1-pos-incoh", "Ctxt1-neg-coh", "Ctxt1-neg-incoh",
                         "Ctxt2-pos-coh", "Ctxt2-pos-incoh", "Ctxt2-neg-coh", "Ctxt2-neg-incoh"),
        times_per_condition=_frozen(_CTXT_TIMES),
        loc_times=_frozen(np.concatenate([down, up, down, up])),
        condition_contexts=_frozen([1, 1, 1, 1, 2, 2, 2, 2]),
        condition_sign_coh1=_frozen([1, 1, -1, -1, 1, -1, -1, 1]),
        condition_sign_coh2=_frozen([1, -1, -1, 1, 1, 1, -1, -1]),
        loc_contexts=_frozen(np.repeat([1, 2], per_ctx)),
        loc_sign_coh1=_frozen(np.concatenate([np.ones(2 * n_t), -np.ones(2 * n_t), pm, mp])),
        loc_sign_coh2=_frozen(np.concatenate([pm, mp, np.ones(2 * n_t), -np.ones(2 * n_t)])),
        min_trials=0,
    )


def location_name(task: str, t_start: int, context_id=None, sign_coh1=None, sign_coh2=None,
                  freq_id=None) -> str:
    """Group name of a location, as the original's ``get_name_of_local_operative_dims``.

    Parameters
    ----------
    task : str
        ``'ctxt'`` or ``'swg'``.
    t_start : int
        The location's time step.
    context_id, sign_coh1, sign_coh2 : int, optional
        ctxt: the context and the coherency signs.
    freq_id : int, optional
        swg: the frequency id.

    Returns
    -------
    str
        ``opt_dims_t<T>Ctxt<c>Inps<s1>_<s2>`` or ``opt_dims_t<T>Freq<f>``.

    Examples
    --------
    >>> location_name("swg", 50, freq_id=6)
    'opt_dims_t50Freq6'
    """
    check_task(task)

    def num(v) -> str:
        v = float(np.asarray(v).reshape(-1)[0])
        return str(int(v)) if v == int(v) else repr(v)

    if task == "swg":
        return f"opt_dims_t{num(t_start)}Freq{num(freq_id)}"
    return f"opt_dims_t{num(t_start)}Ctxt{num(context_id)}Inps{num(sign_coh1)}_{num(sign_coh2)}"


def condition_averages(x_t, props: SamplingLocationProperties, *, min_trials: int | None = None,
                       **trial_info) -> np.ndarray:
    """Condition-average trajectories ``[n_cond, T, N]`` of states ``x_t [B, T, N]``.

    Parameters
    ----------
    x_t : array_like
        States ``[B, T, N]``.
    props : SamplingLocationProperties
        The task's conditions.
    min_trials : int, optional
        Trials a condition needs (default ``props.min_trials``: ctxt 0 — a
        condition without trials is NaN, as MATLAB's mean of nothing; swg 2,
        as the original; a user's task 1).
    **trial_info
        What :meth:`SamplingLocationProperties.trial_conditions` needs:
        ctxt ``condition_ids``, ``coherencies``; swg ``freq_ids``; a user's
        task ``labels`` (:meth:`opdims.TaskData.condition_info` gives them).

    Returns
    -------
    numpy.ndarray
        The averages.

    Raises
    ------
    ValueError
        If a condition has fewer than ``min_trials`` trials.
    """
    x_t = np.asarray(x_t, dtype=np.float64)
    if x_t.ndim != 3:
        raise ValidationError(f"x_t: expected [trials, time, units], got shape {x_t.shape}")
    conditions = props.trial_conditions(**trial_info)
    if conditions.size != x_t.shape[0]:
        raise ValidationError(f"expected one condition per trial ({x_t.shape[0]}), got {conditions.size}")
    check_condition_counts(props, conditions, min_trials)
    out = np.full((props.n_conditions,) + x_t.shape[1:], np.nan)
    for c in range(props.n_conditions):
        mask = conditions == c
        if mask.any():
            out[c] = x_t[mask].mean(axis=0)
    return out


def check_condition_counts(props: SamplingLocationProperties, conditions, min_trials: int | None = None) -> None:
    """Raise unless every condition has at least ``min_trials`` trials.

    Parameters
    ----------
    props : SamplingLocationProperties
        The task's conditions.
    conditions : array_like of int
        The 0-based condition of each trial (-1: none).
    min_trials : int, optional
        Default ``props.min_trials``.

    Raises
    ------
    ValueError
        Naming the conditions with too few trials.
    """
    need = props.min_trials if min_trials is None else int(min_trials)
    counts = np.bincount(np.asarray(conditions)[np.asarray(conditions) >= 0], minlength=props.n_conditions)
    short = [f"{props.condition_names[c]} ({counts[c]})" for c in range(props.n_conditions) if counts[c] < need]
    if short:
        raise ValidationError(f"not enough trials for condition(s) {', '.join(short)}: each needs at least {need}; "
                         "use more trials")


def condition_sampling_locations(x_t, props: SamplingLocationProperties, **trial_info) -> np.ndarray:
    """States at the sampled times of each condition average, ``[n_cond, n_t, N]``.

    Parameters
    ----------
    x_t : array_like
        States ``[B, T, N]``.
    props : SamplingLocationProperties
        The task's conditions and times.
    **trial_info
        As for :func:`condition_averages`.

    Returns
    -------
    numpy.ndarray
        The states.
    """
    averages = condition_averages(x_t, props, **trial_info)
    return averages[:, props.times_per_condition - 1, :]


def locations_in_order(cond_locs, props: SamplingLocationProperties) -> np.ndarray:
    """Sampling locations ``[L, N]`` in the task's order, from ``[n_cond, n_t, N]``.

    Parameters
    ----------
    cond_locs : array_like
        States at the sampled times of each condition average.
    props : SamplingLocationProperties
        The task's locations.

    Returns
    -------
    numpy.ndarray
        The locations.
    """
    cond_locs = np.asarray(cond_locs)
    idx_c = [props.condition_index(k) for k in range(props.n_locations)]
    idx_t = [props.start_point_index(k) for k in range(props.n_locations)]
    return cond_locs[idx_c, idx_t, :]


def locations_from_averages(averages, props: SamplingLocationProperties) -> np.ndarray:
    """The sampling locations ``[L, N]`` on condition averages ``[n_cond, T, N]``.

    Parameters
    ----------
    averages : array_like
        Condition-average states.
    props : SamplingLocationProperties
        The task's locations.

    Returns
    -------
    numpy.ndarray
        The locations, in the task's order.

    Raises
    ------
    ValueError
        If a sampled condition average is NaN (a condition without trials) or
        a sampled time lies beyond the trials.
    """
    averages = np.asarray(averages, dtype=np.float64)
    if props.times_per_condition.max(initial=0) > averages.shape[1]:
        raise ValidationError(f"sampling times up to step {props.times_per_condition.max()}, but the trials have "
                         f"{averages.shape[1]} steps")
    locations = locations_in_order(averages[:, props.times_per_condition - 1], props)
    empty = sorted({props.condition_names[props.condition_index(k)] for k in range(props.n_locations)
                    if np.isnan(locations[k]).any()})
    if empty:
        raise ValidationError(f"no trials of input condition(s) {', '.join(empty)}: their averages are undefined; "
                         "use more trials")
    return locations


def condition_sampling_scheme(labels, n_steps: int, *, every: int | None = None, times=None,
                              name: str = "custom") -> SamplingLocationProperties:
    """Sampling locations of a user's task, on the condition averages of labelled trials.

    One condition per distinct label, sampled every ``every`` steps or at the
    given ``times``.

    Parameters
    ----------
    labels : array_like
        One label per trial (ints or strings); each distinct label is a condition,
        in order of first appearance.
    n_steps : int
        Steps per trial ``T``.
    every : int, optional
        Sample steps ``every, 2 every, ...`` (1-based, up to T).
    times : array_like of int, optional
        The 1-based steps to sample instead.
    name : str, optional
        The task's name.

    Returns
    -------
    SamplingLocationProperties
        Locations ordered condition by condition, time by time.

    Raises
    ------
    ValueError
        For neither or both of ``every`` and ``times``, steps outside ``1..T``,
        or no labels.

    Examples
    --------
    >>> props = condition_sampling_scheme(["a", "b", "a"], 10, every=5)
    >>> props.n_locations, props.name(1)
    (4, 'opt_dims_t10Cond1')
    """
    labels = np.asarray(labels).reshape(-1)
    if labels.size == 0:
        raise ValidationError("labels: expected one condition label per trial, got none")
    if labels.dtype.kind not in "iuUS":
        raise ValidationError(f"labels: expected integer or string labels, got dtype {labels.dtype}")
    steps = check_sampling_steps(every, times, int(n_steps), ("every", "times"))
    _, first = np.unique(labels, return_index=True)
    conditions = tuple(labels[np.sort(first)].tolist())
    n_cond, n_t = len(conditions), steps.size
    return SamplingLocationProperties(
        task=str(name), condition_names=tuple(str(c) for c in conditions), times_per_condition=_frozen(steps),
        loc_times=_frozen(np.tile(steps, n_cond)), condition_labels=conditions,
        loc_conditions=_frozen(np.repeat(np.arange(n_cond), n_t)), min_trials=1)


def random_locations(states, n_locations: int, seed) -> np.ndarray:
    """Random sampling locations ``[n_locations, N]``, the paper's control.

    Each unit is drawn from a normal distribution with that unit's mean and
    standard deviation over ``states [..., N]`` (e.g. the condition-average
    trajectories): random locations that cover the range of states the
    network visits, without the structure of its trajectories.

    Parameters
    ----------
    states : array_like
        States ``[..., N]``.
    n_locations : int
        How many locations.
    seed : int or sequence of int
        Seed of a NumPy generator.

    Returns
    -------
    numpy.ndarray
        The locations.
    """
    states = np.asarray(states, dtype=np.float64).reshape(-1, np.shape(states)[-1])
    states = states[~np.isnan(states).any(axis=1)]
    rng = np.random.default_rng(seed)
    return states.mean(axis=0) + states.std(axis=0) * rng.standard_normal((n_locations, states.shape[1]))


def select_locations(subset: str, props: SamplingLocationProperties | None, n_locations: int) -> np.ndarray:
    """0-based indices of the locations in ``subset`` (see :data:`SUBSETS`).

    Parameters
    ----------
    subset : str
        The original's ``sampling_locs_to_combine``.
    props : SamplingLocationProperties or None
        The locations' properties (ctxt, for every subset but ``'all'``).
    n_locations : int
        Number of locations.

    Returns
    -------
    numpy.ndarray
        Indices.

    Raises
    ------
    ValueError
        For an unknown subset, a ctxt subset without ctxt properties, or
        properties of another number of locations.
    """
    if subset not in SUBSETS:
        raise ValidationError(f"sampling_locs_to_combine: expected one of {SUBSETS}, got {subset!r}")
    if subset == "all":
        return np.arange(n_locations)
    if props is None or props.task != "ctxt":
        raise ValidationError(f"sampling_locs_to_combine={subset!r} needs the ctxt sampling locations; "
                         "other tasks only support 'all'")
    if props.n_locations != n_locations:
        raise ValidationError(f"the sampling-location properties describe {props.n_locations} locations, "
                         f"but {n_locations} local dimension sets were given")
    ctx, s1, s2 = props.loc_contexts, props.loc_sign_coh1, props.loc_sign_coh2
    masks = {
        "ctxt1": ctx == 1,
        "ctxt2": ctx == 2,
        "allPosChoice": ((ctx == 1) & (s1 > 0)) | ((ctx == 2) & (s2 > 0)),
        "allNegChoice": ((ctx == 1) & (s1 < 0)) | ((ctx == 2) & (s2 < 0)),
    }
    return np.flatnonzero(masks[subset])


def _fixed_point_arrays(fixed_points):
    """``(states, inputs or None)`` of FixedPointFinder's ``FixedPoints`` or a mapping with ``xstar``."""
    if isinstance(fixed_points, dict) or hasattr(fixed_points, "keys"):
        if "xstar" not in fixed_points:
            raise ValidationError("fixed points: expected 'xstar' (the states [n, N]) and optionally 'inputs' "
                                  f"[n, n_inputs]; got {', '.join(map(str, fixed_points.keys())) or 'nothing'}")
        return fixed_points["xstar"], fixed_points.get("inputs") if hasattr(fixed_points, "get") else None
    return fixed_points.xstar, getattr(fixed_points, "inputs", None)


def is_fixed_points(value) -> bool:
    """Whether ``value`` is fixed points rather than an array of states.

    Parameters
    ----------
    value : object
        Sampling locations as given.

    Returns
    -------
    bool
        True for an object with ``xstar`` (FixedPointFinder's ``FixedPoints``)
        or a mapping with an ``'xstar'`` entry.
    """
    if hasattr(value, "xstar"):
        return True
    return hasattr(value, "keys") and not isinstance(value, np.ndarray) and "xstar" in value


def fixed_point_locations(net, fixed_points, *, states: str = "hidden") -> np.ndarray:
    """Sampling locations ``[n, N]`` (opdims' states x) at fixed points and their inputs.

    Accepts FixedPointFinder's ``FixedPoints`` (``xstar [n, N]``,
    ``inputs [n, n_inputs]``) or any object or mapping with ``xstar`` (and
    optionally ``inputs``; zero inputs without them). FixedPointFinder, run on
    a PyTorch model, finds hidden states ``h* = φ(x*)``; opdims' state is the
    pre-activation x, and at a fixed point of ``x ← (1 − α) x + α (W φ(x) +
    W_in u + b_x)`` it is ``x* = W h* + W_in u* + b_x`` (for any α, hence
    also for ``nn.RNN``, α = 1). With ``states='preactivation'`` the states
    are taken as x* themselves.

    Parameters
    ----------
    net : opdims.Network
        The network (for another kind of network, e.g. a gated one, the
        states are its own and are returned as they are).
    fixed_points : object or mapping
        ``xstar [n, N]`` (or ``[N]``) and optionally ``inputs [n, n_inputs]`` (or ``[n_inputs]``, for all).
    states : str, optional
        ``'hidden'`` (default: ``xstar`` are ``h = φ(x)``) or ``'preactivation'`` (``xstar`` are x).

    Returns
    -------
    numpy.ndarray
        ``[n, N]`` float64 locations.

    Raises
    ------
    ValidationError
        For states or inputs of the wrong size, non-finite values, or no ``xstar``.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims import Network
    >>> net = Network(W_in=np.ones((2, 1)), W=0.5 * np.eye(2), W_out=np.ones((1, 2)), x0=np.zeros(2),
    ...               b_x=np.zeros(2), b_z=np.zeros(1))
    >>> fixed_point_locations(net, {"xstar": np.array([[0.5, 0.5]]), "inputs": np.array([[1.0]])})
    array([[1.25, 1.25]])
    """
    check_state_kind(states)
    xstar, inputs = _fixed_point_arrays(fixed_points)
    x = check_locations(net, np.atleast_2d(as_real_array(xstar, "fixed points: xstar", finite=False)))
    if x.ndim != 2:
        raise ValidationError(f"fixed points: xstar: expected [n, {net.n_units}] states, got shape {x.shape}")
    if states == "preactivation" or not isinstance(net, Network):
        return x
    if inputs is None:
        u = np.zeros((x.shape[0], net.n_inputs))
    else:
        u = np.atleast_2d(as_real_array(inputs, "fixed points: inputs"))
        if u.shape[-1] != net.n_inputs or u.shape[0] not in (1, x.shape[0]) or u.ndim != 2:
            raise ValidationError(f"fixed points: inputs: expected [{x.shape[0]}, {net.n_inputs}] (one input per "
                                  f"fixed point, the network's {net.n_inputs} input(s)), got shape {u.shape}")
    return x @ net.W.T + u @ net.W_in.T + net.b_x


def as_locations(net, locations) -> np.ndarray:
    """Sampling locations ``[L, N]`` from states, or from fixed points (:func:`fixed_point_locations`).

    Parameters
    ----------
    net : opdims.Network
        The network.
    locations : array_like or object
        States ``[..., N]``, or fixed points (an object or mapping with ``xstar``).

    Returns
    -------
    numpy.ndarray
        ``[L, N]`` float64.
    """
    if is_fixed_points(locations):
        return fixed_point_locations(net, locations)
    return check_locations(net, locations).reshape(-1, net.n_units)
