"""Sampling locations: where along condition-average trajectories local
operative dimensions are computed.

Locations are numbered in the original's fixed order (ctxt: 120, swg: 121);
this module uses 0-based indices, the MATLAB compatibility layer 1-based.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .tasks import check_task

__all__ = [
    "SUBSETS",
    "SamplingLocationProperties",
    "condition_averages",
    "condition_sampling_locations",
    "location_name",
    "locations_in_order",
    "sampling_location_properties",
    "select_locations",
]

#: which sampling locations to combine (``all`` for every task; the others ctxt only)
SUBSETS = ("all", "ctxt1", "ctxt2", "allPosChoice", "allNegChoice")

_CTXT_TIMES = np.array([1] + list(range(100, 1401, 100)))
_SWG_TIMES = np.array([1] + list(range(50, 501, 50)))


@dataclass(frozen=True)
class SamplingLocationProperties:
    """Properties of the sampling locations of one task.

    Per input condition (``[n_cond]``): ``condition_names``, and either
    ``condition_contexts``, ``condition_sign_coh1``, ``condition_sign_coh2``
    (ctxt) or ``condition_freq_ids`` (swg). ``times_per_condition [n_t]``:
    the 1-based time steps sampled on every condition-average trajectory.
    Per location (``[n_locs]``, the original order): ``loc_times`` and
    ``loc_contexts``, ``loc_sign_coh1``, ``loc_sign_coh2`` (ctxt) or
    ``loc_freq_ids`` (swg). Fields a task does not have are ``None``.
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

    @property
    def n_locations(self) -> int:
        return self.loc_times.size

    @property
    def n_conditions(self) -> int:
        return len(self.condition_names)

    def _check(self, loc: int) -> int:
        loc = int(loc)
        if not 0 <= loc < self.n_locations:
            raise IndexError(f"sampling location: expected an index in 0..{self.n_locations - 1} "
                             f"({self.task} has {self.n_locations} locations), got {loc}")
        return loc

    def start_point_index(self, loc: int) -> int:
        """Index into ``times_per_condition`` of location ``loc`` (0-based)."""
        loc = self._check(loc)
        return int(np.flatnonzero(self.times_per_condition == self.loc_times[loc])[0])

    def condition_index(self, loc: int) -> int:
        """Index of the input condition of location ``loc`` (0-based)."""
        loc = self._check(loc)
        if self.task == "swg":
            match = self.condition_freq_ids == self.loc_freq_ids[loc]
        else:
            match = ((self.condition_contexts == self.loc_contexts[loc])
                     & (self.condition_sign_coh1 == self.loc_sign_coh1[loc])
                     & (self.condition_sign_coh2 == self.loc_sign_coh2[loc]))
        return int(np.flatnonzero(match)[0])

    def name(self, loc: int) -> str:
        """The original's name of location ``loc`` (its HDF5 group name)."""
        loc = self._check(loc)
        if self.task == "swg":
            return location_name("swg", self.loc_times[loc], freq_id=self.loc_freq_ids[loc])
        return location_name("ctxt", self.loc_times[loc], self.loc_contexts[loc],
                             self.loc_sign_coh1[loc], self.loc_sign_coh2[loc])


def _frozen(a) -> np.ndarray:
    arr = np.asarray(a, dtype=int)
    arr.setflags(write=False)
    return arr


def sampling_location_properties(task: str) -> SamplingLocationProperties:
    """The original's sampling locations for ``'ctxt'`` (120) or ``'swg'`` (121)."""
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
    )


def location_name(task: str, t_start: int, context_id=None, sign_coh1=None, sign_coh2=None,
                  freq_id=None) -> str:
    """Group name of a location: ``opt_dims_t<T>Ctxt<c>Inps<s1>_<s2>`` or ``opt_dims_t<T>Freq<f>``."""
    check_task(task)

    def num(v) -> str:
        v = float(np.asarray(v).reshape(-1)[0])
        return str(int(v)) if v == int(v) else repr(v)

    if task == "swg":
        return f"opt_dims_t{num(t_start)}Freq{num(freq_id)}"
    return f"opt_dims_t{num(t_start)}Ctxt{num(context_id)}Inps{num(sign_coh1)}_{num(sign_coh2)}"


def _mean_or_nan(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    if not mask.any():
        return np.full(x.shape[1:], np.nan)
    return x[mask].mean(axis=0)


def condition_averages(x_t, props: SamplingLocationProperties, *, condition_ids=None,
                       coherencies=None, freq_ids=None) -> np.ndarray:
    """Condition-average trajectories ``[n_cond, T, N]`` of states ``x_t [B, T, N]``.

    ctxt: trials whose context and coherency signs match the condition
    (``condition_ids [B]``, ``coherencies [B, 2]``); a condition with no trial
    is NaN, as MATLAB's mean of nothing. swg: trials with the condition's
    frequency id (``freq_ids [B]``); each needs at least two trials, as in
    the original.
    """
    x_t = np.asarray(x_t, dtype=np.float64)
    if x_t.ndim != 3:
        raise ValueError(f"x_t: expected [trials, time, units], got shape {x_t.shape}")
    n_trials = x_t.shape[0]
    out = np.empty((props.n_conditions,) + x_t.shape[1:])
    if props.task == "ctxt":
        if condition_ids is None or coherencies is None:
            raise ValueError("ctxt condition averages need condition_ids [B] and coherencies [B, 2]")
        ids = np.asarray(condition_ids).reshape(-1)
        signs = np.sign(np.asarray(coherencies, dtype=float))
        if ids.size != n_trials or signs.shape != (n_trials, 2):
            raise ValueError(f"expected condition_ids [{n_trials}] and coherencies [{n_trials}, 2], "
                             f"got {ids.shape} and {signs.shape}")
        for c in range(props.n_conditions):
            mask = ((ids == props.condition_contexts[c]) & (signs[:, 0] == props.condition_sign_coh1[c])
                    & (signs[:, 1] == props.condition_sign_coh2[c]))
            out[c] = _mean_or_nan(x_t, mask)
        return out
    if freq_ids is None:
        raise ValueError("swg condition averages need freq_ids [B]")
    fids = np.asarray(freq_ids).reshape(-1)
    if fids.size != n_trials:
        raise ValueError(f"freq_ids: expected {n_trials} ids (one per trial), got {fids.size}")
    for c in range(props.n_conditions):
        mask = fids == props.condition_freq_ids[c]
        if mask.sum() < 2:
            raise ValueError(f"not enough trials for condition {props.condition_names[c]}: "
                             f"need at least 2, got {int(mask.sum())}")
        out[c] = x_t[mask].mean(axis=0)
    return out


def condition_sampling_locations(x_t, props: SamplingLocationProperties, **trial_info) -> np.ndarray:
    """States at the sampled times of each condition average, ``[n_cond, n_t, N]``.

    ``trial_info`` as for :func:`condition_averages`.
    """
    averages = condition_averages(x_t, props, **trial_info)
    return averages[:, props.times_per_condition - 1, :]


def locations_in_order(cond_locs, props: SamplingLocationProperties) -> np.ndarray:
    """Sampling locations ``[n_locs, N]`` in the original order, from ``[n_cond, n_t, N]``."""
    cond_locs = np.asarray(cond_locs)
    idx_c = [props.condition_index(k) for k in range(props.n_locations)]
    idx_t = [props.start_point_index(k) for k in range(props.n_locations)]
    return cond_locs[idx_c, idx_t, :]


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
        raise ValueError(f"sampling_locs_to_combine: expected one of {SUBSETS}, got {subset!r}")
    if subset == "all":
        return np.arange(n_locations)
    if props is None or props.task != "ctxt":
        raise ValueError(f"sampling_locs_to_combine={subset!r} needs the ctxt sampling locations; "
                         "other tasks only support 'all'")
    if props.n_locations != n_locations:
        raise ValueError(f"the sampling-location properties describe {props.n_locations} locations, "
                         f"but {n_locations} local dimension sets were given")
    ctx, s1, s2 = props.loc_contexts, props.loc_sign_coh1, props.loc_sign_coh2
    masks = {
        "ctxt1": ctx == 1,
        "ctxt2": ctx == 2,
        "allPosChoice": ((ctx == 1) & (s1 > 0)) | ((ctx == 2) & (s2 > 0)),
        "allNegChoice": ((ctx == 1) & (s1 < 0)) | ((ctx == 2) & (s2 < 0)),
    }
    return np.flatnonzero(masks[subset])
