"""Checks of what users hand in, in one place (as scikit-learn's ``utils.validation``).

Every public function validates its arguments with these helpers before any
long work starts, so that a bad argument gives one clear message naming the
argument, what was expected and what was given.
"""

from __future__ import annotations

import numpy as np

from .errors import ValidationError

__all__ = [
    "BANDS",
    "DIM_TYPES",
    "GATED_KINDS",
    "NONLINEARITY_NAMES",
    "RANK_RULES",
    "ROW_METHODS",
    "TASKS",
    "ValidationError",
    "as_real_array",
    "check_band",
    "check_choice",
    "check_condition_ids",
    "check_count",
    "check_dim_type",
    "check_gated_kind",
    "check_inputs",
    "check_locations",
    "check_noise",
    "check_nonlinearity",
    "check_positive_int",
    "check_positive_seconds",
    "check_rank_rule",
    "check_recurrent",
    "check_row_method",
    "check_sampling_steps",
    "check_seed",
    "check_state_kind",
    "check_targets",
    "check_task",
    "name_check",
    "parse_id_ranges",
    "select_ids",
]

#: where dimensions are removed from W
DIM_TYPES = ("columns", "rows")
#: the paper's tasks
TASKS = ("ctxt", "swg")
#: names of the supported nonlinearities (their formulas: :mod:`opdims.core.nonlinearity`)
NONLINEARITY_NAMES = ("tanh", "relu", "softplus", "linear")
#: how local row dimensions are found: the exact solver, or the original's optimiser (``fminunc``)
ROW_METHODS = ("exact", "fminunc")
#: the rules of "the rank at which the cost is back" (:func:`opdims.dims.sweeps.cost_rank`)
RANK_RULES = ("range", "ratio", "settled")
#: the bands over networks (:func:`opdims.core.metrics.absolute_deviation`): mean absolute deviation about the
#: mean (MATLAB's ``mad(X)``, the paper's) or median absolute deviation about the median
BANDS = ("mean", "median")
#: the gated cells opdims analyses (PyTorch's nn.GRU and nn.LSTM)
GATED_KINDS = ("gru", "lstm")
#: former names of row methods (opdims 0.2 called the original's optimiser ``'reference'``)
FORMER_ROW_METHODS = {"reference": "fminunc"}


def check_choice(value, name: str, choices, meanings: dict | None = None) -> str:
    """``value`` if it is one of ``choices``, else raise naming ``name`` and the choices.

    Every "is this name one of those" check of opdims goes through here.

    Parameters
    ----------
    value : str
        The value to check.
    name : str
        The argument's name, for the message.
    choices : sequence of str
        The accepted values.
    meanings : dict, optional
        A few words on each choice, for the message.

    Returns
    -------
    str
        ``value``.

    Raises
    ------
    ValidationError
        If ``value`` is not one of ``choices``.

    Examples
    --------
    >>> check_choice("rows", "dim_type", DIM_TYPES)
    'rows'
    >>> check_choice("diagonal", "dim_type", DIM_TYPES)
    Traceback (most recent call last):
    ...
    opdims.core.errors.ValidationError: dim_type: expected 'columns' or 'rows', got 'diagonal'
    """
    if isinstance(value, str) and value in choices:
        return value
    named = [f"{c!r}" + (f" ({meanings[c]})" if meanings and c in meanings else "") for c in choices]
    expected = " or ".join(named) if len(named) == 2 else "one of " + ", ".join(named)
    raise ValidationError(f"{name}: expected {expected}, got {value!r}")


def name_check(function: str, name: str, choices, meanings: dict | None = None, normalise=None):
    """A check that a value is one of ``choices``, for an argument usually called ``name``.

    The checks below are made here, so that each is "this name in that
    tuple" through :func:`check_choice`, documented once.

    Parameters
    ----------
    function : str
        The check's own name (``check_...``), for its ``__name__``.
    name : str
        The argument's usual name (each check takes ``name=`` to say otherwise).
    choices : sequence of str
        The accepted values.
    meanings : dict, optional
        A few words on each choice, for the message.
    normalise : callable, optional
        Applied to a string value first (e.g. ``str.lower``, or a map of former names).

    Returns
    -------
    callable
        ``check(value, name=name) -> value``, raising :class:`ValidationError` for anything else.

    Examples
    --------
    >>> name_check("check_colour", "colour", ("red", "blue"))("red")
    'red'
    """
    listed = " or ".join(f"``{c!r}``" for c in choices) if len(choices) == 2 else \
        "one of " + ", ".join(f"``{c!r}``" for c in choices)

    def check(value, name: str = name) -> str:
        if normalise is not None and isinstance(value, str):
            value = normalise(value)
        return check_choice(value, name, choices, meanings)

    check.__doc__ = f"""``value`` if it is {listed}, else raise :class:`ValidationError`.

    Parameters
    ----------
    value : str
        The value to check.
    name : str, optional
        The argument's name, for the message (default ``{name!r}``).

    Returns
    -------
    str
        ``value``.
    """
    check.__name__ = check.__qualname__ = function
    return check


#: ``check_dim_type(value)``: ``'columns'`` or ``'rows'``
check_dim_type = name_check("check_dim_type", "dim_type", DIM_TYPES)
#: ``check_task(value)``: ``'ctxt'`` or ``'swg'``
check_task = name_check("check_task", "network type", TASKS,
                        {"ctxt": "context-dependent integration", "swg": "sine-wave generation"})
#: ``check_rank_rule(value)``: one of :data:`RANK_RULES`
check_rank_rule = name_check("check_rank_rule", "rank rule", RANK_RULES, {
    "range": "within a fraction of the range from the full-rank to the silent cost",
    "ratio": "at most (1 + tolerance) x the full-rank cost", "settled": "stays within a fraction of its range"})
#: ``check_band(value)``: ``'mean'`` or ``'median'`` absolute deviation
check_band = name_check("check_band", "band", BANDS)
#: ``check_nonlinearity(value)``: one of :data:`NONLINEARITY_NAMES`
check_nonlinearity = name_check("check_nonlinearity", "nonlinearity", NONLINEARITY_NAMES)


#: ``check_row_method(value)``: ``'exact'`` or ``'fminunc'`` (the former name ``'reference'`` is read as ``'fminunc'``)
check_row_method = name_check("check_row_method", "row_method", ROW_METHODS,
                              {"exact": "the exact solver", "fminunc": "the original's optimiser"},
                              normalise=lambda method: FORMER_ROW_METHODS.get(method, method))


#: ``check_gated_kind(value)``: ``'gru'`` or ``'lstm'``, in any case
check_gated_kind = name_check("check_gated_kind", "kind", GATED_KINDS, normalise=str.lower)


def check_positive_int(value, name: str, meaning: str = "") -> int:
    """``value`` as an int if it is a whole number >= 1, else raise.

    Parameters
    ----------
    value : int
        The value to check (bools are refused).
    name : str
        The argument's name, for the message.
    meaning : str, optional
        What the number counts, for the message.

    Returns
    -------
    int
        The value.

    Raises
    ------
    ValidationError
        If ``value`` is not a positive whole number.

    Examples
    --------
    >>> check_positive_int(3, "n_trials")
    3
    """
    return _whole_number(value, name, meaning, 1, "a positive integer")


def check_count(value, name: str, meaning: str = "") -> int:
    """``value`` as an int if it is a count that may be zero (a whole number >= 0), else raise.

    Parameters
    ----------
    value : int
        The count (bools are refused).
    name, meaning : str
        The argument's name and what it counts, as for :func:`check_positive_int`.

    Returns
    -------
    int
        The count.

    Raises
    ------
    ValidationError
        If ``value`` is negative, fractional or not a number.

    Examples
    --------
    >>> check_count(0, "random_starts")
    0
    """
    return _whole_number(value, name, meaning, 0, "an integer >= 0")


def _whole_number(value, name: str, meaning: str, minimum: int, expected: str) -> int:
    what = f" ({meaning})" if meaning else ""
    try:
        ok = not isinstance(value, bool) and float(value).is_integer() and value >= minimum
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValidationError(f"{name}: expected {expected}{what}, got {value!r}")
    return int(value)


def check_positive_seconds(value, name: str) -> float:
    """``value`` as a float if it is a finite number of seconds > 0, else raise.

    Parameters
    ----------
    value : float
        The value to check.
    name : str
        The argument's name, for the message.

    Returns
    -------
    float
        The value.

    Raises
    ------
    ValidationError
        If ``value`` is not a finite positive number.

    Examples
    --------
    >>> check_positive_seconds(10, "--connect-timeout")
    10.0
    """
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = float("nan")
    if isinstance(value, bool) or not (0 < seconds < float("inf")):
        raise ValidationError(f"{name}: expected a positive number of seconds, got {value!r}")
    return seconds


def as_real_array(value, name: str, *, ndim: int | None = None, finite: bool = True,
                  allow_int: bool = True) -> np.ndarray:
    """``value`` as a float64 array after checking its type and values.

    Parameters
    ----------
    value : array_like
        The array.
    name : str
        The argument's name, for the message.
    ndim : int, optional
        Required number of dimensions.
    finite : bool, optional
        Refuse NaN and Inf (default).
    allow_int : bool, optional
        Accept integer arrays (converted exactly); booleans and complex
        numbers are always refused.

    Returns
    -------
    numpy.ndarray
        A float64 array (a copy only when a conversion was needed).

    Raises
    ------
    ValidationError
        For non-numeric, boolean, complex (or, without ``allow_int``, integer)
        values, the wrong number of dimensions, or non-finite values.

    Examples
    --------
    >>> as_real_array([1, 2], "x")
    array([1., 2.])
    """
    if isinstance(value, (str, bytes)):
        raise ValidationError(f"{name}: expected a numeric array, got a string")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{name}: expected a numeric array, got {type(value).__name__}") from exc
    kind = arr.dtype.kind
    if kind == "b":
        raise ValidationError(f"{name}: expected real numbers, got a boolean array")
    if kind == "c":
        raise ValidationError(f"{name}: expected real numbers, got complex values")
    if kind in "iu" and not allow_int:
        raise ValidationError(f"{name}: expected floating-point values, got integers ({arr.dtype})")
    if kind not in "iuf":
        raise ValidationError(f"{name}: expected a numeric array, got {type(value).__name__} of dtype {arr.dtype}")
    arr = arr.astype(np.float64, copy=False)
    if ndim is not None and arr.ndim != ndim:
        raise ValidationError(f"{name}: expected a {ndim}-D array, got shape {arr.shape}")
    if finite and arr.size and not np.isfinite(arr).all():
        bad = int(arr.size - np.count_nonzero(np.isfinite(arr)))
        raise ValidationError(f"{name}: {bad} non-finite value(s) (NaN or Inf); expected finite numbers")
    return arr


def check_inputs(net, inputs) -> np.ndarray:
    """Trial inputs ``[B, T, n_in]`` that fit ``net``, as float64.

    Parameters
    ----------
    net : opdims.Network
        The network the inputs drive.
    inputs : array_like
        ``[trials, time, inputs]``.

    Returns
    -------
    numpy.ndarray
        The inputs.

    Raises
    ------
    ValidationError
        For the wrong shape, no trials or steps, or non-finite values.
    """
    arr = as_real_array(inputs, "inputs", finite=False)
    if arr.ndim != 3 or arr.shape[2] != net.n_inputs:
        raise ValidationError(f"inputs: expected shape [trials, time, {net.n_inputs}] for a network with "
                              f"{net.n_inputs} input(s), got {arr.shape}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValidationError(f"inputs: expected at least one trial and one time step, got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValidationError("inputs: contain NaN or Inf")
    return arr


def check_targets(targets, n_trials: int, n_steps: int, n_outputs: int | None = None) -> np.ndarray:
    """Targets ``[B, T, n_out]`` matching ``n_trials`` trials of ``n_steps`` steps.

    Parameters
    ----------
    targets : array_like
        ``[trials, time, outputs]``.
    n_trials, n_steps : int
        The trials' numbers of trials and steps.
    n_outputs : int, optional
        The network's outputs, if the targets must match them.

    Returns
    -------
    numpy.ndarray
        The targets as float64.

    Raises
    ------
    ValidationError
        For the wrong shape or non-finite values.
    """
    arr = as_real_array(targets, "targets")
    outs = "n_out" if n_outputs is None else str(n_outputs)
    if arr.ndim != 3 or arr.shape[:2] != (n_trials, n_steps) or (n_outputs is not None and arr.shape[2] != n_outputs):
        raise ValidationError(f"targets: expected shape [{n_trials}, {n_steps}, {outs}] (trials, time, outputs), "
                              f"got {arr.shape}")
    return arr


def check_noise(noise, shape) -> np.ndarray:
    """Standard-normal noise of exactly ``shape`` ``[B, T, N]``, as float64.

    Parameters
    ----------
    noise : array_like
        The noise.
    shape : tuple of int
        The shape it must have.

    Returns
    -------
    numpy.ndarray
        The noise.

    Raises
    ------
    ValidationError
        For the wrong shape or non-finite values.
    """
    arr = as_real_array(noise, "noise")
    if arr.shape != tuple(shape):
        raise ValidationError(f"noise: expected shape {tuple(shape)} (trials, time, units), got {arr.shape}")
    return arr


def check_recurrent(net, W) -> np.ndarray:
    """Recurrent weights ``[N, N]`` or a stack ``[K, N, N]`` for ``net`` (``None``: ``net.W``).

    Parameters
    ----------
    net : opdims.Network
        The network.
    W : array_like or None
        Replacement recurrent weights.

    Returns
    -------
    numpy.ndarray
        The weights.

    Raises
    ------
    ValidationError
        For the wrong shape or non-finite values.
    """
    if W is None:
        return net.W
    arr = as_real_array(W, "W")
    rows, n = net.W.shape  # [N, N]; a gated cell's [G N, N]
    if arr.ndim not in (2, 3) or arr.shape[-2:] != (rows, n):
        raise ValidationError(f"W: expected shape [{rows}, {n}] or [K, {rows}, {n}], got {arr.shape}")
    return arr


def check_condition_ids(net, condition_ids, n_trials: int) -> np.ndarray:
    """0-based initial-state columns of ``n_trials`` trials from 1-based ``condition_ids``.

    Parameters
    ----------
    net : opdims.Network
        The network (its ``x0`` has one column per condition id).
    condition_ids : array_like of int
        1-based ids, at least one per trial (extra ids are ignored, as MATLAB does).
    n_trials : int
        Number of trials.

    Returns
    -------
    numpy.ndarray
        0-based column indices ``[n_trials]``.

    Raises
    ------
    ValidationError
        For too few ids, non-integers or ids outside ``1..n_contexts``.
    """
    ids = np.asarray(condition_ids).reshape(-1)
    if ids.dtype.kind not in "iuf":
        raise ValidationError(f"condition_ids: expected integer ids, got values of dtype {ids.dtype}")
    if ids.size < n_trials:
        raise ValidationError(f"condition_ids: expected at least {n_trials} ids (one per trial), got {ids.size}")
    ids = ids[:n_trials]
    if not np.all(np.isfinite(ids)) or np.any(ids != np.round(ids)):
        raise ValidationError(f"condition_ids: expected integers, got {ids}")
    ids = ids.astype(int)
    if ids.size and (ids.min() < 1 or ids.max() > net.n_contexts):
        raise ValidationError(f"condition_ids: expected ids in 1..{net.n_contexts} (columns of x0), "
                              f"got values from {ids.min()} to {ids.max()}")
    return ids - 1


def check_locations(net, locations) -> np.ndarray:
    """Sampling locations (states) ``[..., N]`` of ``net``, as float64.

    Parameters
    ----------
    net : opdims.Network
        The network.
    locations : array_like
        States, the last axis over units.

    Returns
    -------
    numpy.ndarray
        The locations.

    Raises
    ------
    ValidationError
        For the wrong number of units or non-finite values.
    """
    loc = as_real_array(locations, "locations", finite=False)
    size = getattr(net, "state_size", net.n_units)  # an LSTM's state is (h, c): 2N numbers
    if loc.ndim == 0 or loc.shape[-1] != size:
        hint = ("; it looks transposed (one column per location): store one row per location"
                if loc.ndim == 2 and loc.shape[0] == size else "")
        what = f"{size} units" if size == net.n_units else f"h and c of {net.n_units} units"
        raise ValidationError(f"locations: expected [..., {size}] states (one row per location, "
                              f"{what}), got shape {loc.shape}{hint}")
    if not np.all(np.isfinite(loc)):
        raise ValidationError("locations: contain NaN or Inf (was a condition without trials averaged?)")
    return loc


#: what the states of fixed points are: the rates (hidden state) r = φ(x), or opdims' state x
STATE_KINDS = ("hidden", "preactivation")


def check_state_kind(value) -> str:
    """``states`` of fixed points: ``'hidden'`` or ``'preactivation'``.

    Parameters
    ----------
    value : str
        The argument.

    Returns
    -------
    str
        The value.

    Raises
    ------
    ValidationError
        For anything else.
    """
    if value not in STATE_KINDS:
        raise ValidationError(f"states: expected 'hidden' (r = φ(x), a PyTorch model's and FixedPointFinder's) or "
                              f"'preactivation' (opdims' state x), got {value!r}")
    return value


def parse_id_ranges(text, option: str = "--nets") -> tuple[range, ...]:
    """1-based ids such as ``'3'``, ``'1-20'`` or ``'1,4,7-9'`` as sorted, merged ranges (never a list).

    The ids are not expanded, so ``'1-100000000'`` costs nothing until it is
    checked against what exists (:func:`select_ids`).

    Parameters
    ----------
    text : str
        The ids.
    option : str, optional
        The option, for messages.

    Returns
    -------
    tuple of range
        Disjoint ranges, ascending.

    Raises
    ------
    ValidationError
        For anything but positive whole numbers and increasing ranges.

    Examples
    --------
    >>> parse_id_ranges("7-9,1,2-3")
    (range(1, 4), range(7, 10))
    """
    pieces = []
    for part in str(text).split(","):
        lo, sep, hi = part.strip().partition("-")
        if not lo.strip().isdigit() or (sep and not hi.strip().isdigit()) or len(lo) + len(hi) > 40:
            raise ValidationError(f"{option}: expected ids such as 1, 1-20 or 1,4,7-9, got {str(text)[:80]!r}")
        first, last = int(lo), int(hi) if sep else int(lo)
        if first < 1 or last < first:
            raise ValidationError(f"{option}: expected positive, increasing ids, got {part.strip()!r}")
        pieces.append((first, last + 1))
    merged: list[list[int]] = []
    for start, stop in sorted(pieces):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], stop)
        else:
            merged.append([start, stop])
    return tuple(range(start, stop) for start, stop in merged)


def select_ids(wanted, available, where: str, what: str = "network(s)", shown: int = 5) -> list[int]:
    """The ids of ``wanted`` after checking them against ``available``, before any other work.

    Parameters
    ----------
    wanted : iterable of int or range, or None
        The ids asked for (ranges, as from :func:`parse_id_ranges`, are never
        expanded); ``None``: all of ``available``.
    available : iterable of int
        The ids that exist (e.g. the networks of a file).
    where : str
        What holds them (the file), for the message.
    what : str, optional
        What the ids count, for the message.
    shown : int, optional
        How many missing ids the message shows at most.

    Returns
    -------
    list of int
        The ids asked for, ascending and unique; all in ``available``.

    Raises
    ------
    ValidationError
        If ids are missing: how many, the first few, and what exists.

    Examples
    --------
    >>> select_ids([range(2, 4)], [1, 2, 3, 4], "w.h5")
    [2, 3]
    """
    have = sorted({int(i) for i in available})
    if wanted is None:
        return have
    ranges: list[range] = []
    for r in sorted((r if isinstance(r, range) else range(int(r), int(r) + 1) for r in wanted),
                    key=lambda r: (r.start, r.stop)):
        if ranges and r.start <= ranges[-1].stop:  # merged, so that every id counts once
            ranges[-1] = range(ranges[-1].start, max(ranges[-1].stop, r.stop))
        elif r.stop > r.start:
            ranges.append(r)
    known = set(have)
    chosen, missing, n_missing, n_wanted = set(), [], 0, 0
    for r in ranges:
        inside = [i for i in have if i in r]
        chosen.update(inside)
        n_wanted += r.stop - r.start
        n_missing += (r.stop - r.start) - len(inside)
        i = r.start
        while len(missing) < shown and i < r.stop:  # at most `shown` + len(have) steps
            if i not in known:
                missing.append(i)
            i += 1
    if n_missing:
        listed = missing + (["..."] if n_missing > len(missing) else [])
        count = f" ({n_missing} of the {n_wanted} ids asked for)" if n_missing > len(missing) else ""
        from_have = _id_runs(have) if have else "none"
        raise ValidationError(f"{where}: no {what} [{', '.join(map(str, listed))}]{count}; the file holds "
                              f"{from_have}")
    return sorted(chosen)


def _id_runs(ids) -> str:
    runs: list[list[int]] = []
    for i in ids:
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    text = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs[:20])
    return text + (f", ... ({len(runs)} runs)" if len(runs) > 20 else "")


def check_sampling_steps(every, times, n_steps: int, names: tuple[str, str] = ("every", "times"),
                         what: str = "the trials") -> np.ndarray:
    """The 1-based time steps sampled: every ``every``-th step, or the steps ``times``, of ``n_steps``.

    Parameters
    ----------
    every : int or None
        Sample every ``every``-th step (give this or ``times``).
    times : array_like of int or None
        The steps to sample.
    n_steps : int
        The trials' number of steps T.
    names : tuple of str, optional
        The two arguments' names, for messages (the CLI: ``('--every', '--times')``).
    what : str, optional
        What has the steps, for messages.

    Returns
    -------
    numpy.ndarray
        The steps, ascending and unique, within ``1..n_steps``.

    Raises
    ------
    ValidationError
        For neither or both given, a non-positive or fractional ``every``, one larger than
        ``n_steps`` (no step at all), or steps outside ``1..n_steps``.

    Examples
    --------
    >>> check_sampling_steps(5, None, 12)
    array([ 5, 10])
    """
    every_name, times_name = names
    if (every is None) == (times is None):
        raise ValidationError(f"sampling locations: give either {every_name} K (every K-th step) or {times_name} "
                              "(steps)")
    if every is not None:
        if isinstance(every, bool) or not isinstance(every, (int, np.integer, float)) or every != int(every) \
                or every < 1:
            raise ValidationError(f"{every_name}: expected a positive number of steps, got {every!r}")
        if every > n_steps:
            raise ValidationError(f"{every_name} {int(every)}: more than the {n_steps} step(s) of {what}, so no step "
                                  f"is sampled; expected {every_name} in 1..{n_steps}")
        return np.arange(int(every), int(n_steps) + 1, int(every))
    steps = np.unique(np.asarray(times).reshape(-1))
    if steps.dtype.kind not in "iuf" or not np.all(np.isfinite(steps)) or np.any(steps != np.round(steps)):
        raise ValidationError(f"{times_name}: expected whole time steps, got {times!r}")
    steps = steps.astype(int)
    if steps.size == 0 or steps.min() < 1 or steps.max() > n_steps:
        outside = steps[(steps < 1) | (steps > n_steps)]
        raise ValidationError(f"{times_name}: expected steps in 1..{n_steps} ({what} have {n_steps} step(s)), got "
                              f"{outside[:10].tolist() if outside.size else 'none'}")
    return steps


def check_seed(value, name: str = "seed") -> int:
    """A MATLAB-compatible seed: a whole number in ``[0, 2**32)``.

    Parameters
    ----------
    value : int
        The seed.
    name : str, optional
        The argument's name, for the message (the CLI: its flag).

    Returns
    -------
    int
        The seed.

    Raises
    ------
    ValidationError
        For anything else.

    Examples
    --------
    >>> check_seed(42)
    42
    """
    try:
        ok = not isinstance(value, bool) and float(value).is_integer() and 0 <= value < 2**32
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok:
        raise ValidationError(f"{name}: expected a whole number in 0..{2**32 - 1} (MATLAB's rng seeds), got {value!r}")
    return int(value)
