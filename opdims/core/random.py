"""Random streams: one small protocol, three implementations.

Every stochastic function in opdims takes a *stream* with the methods below,
so the same code can draw from NumPy, reproduce MATLAB's twister ``rand``
exactly, or replay draws recorded from MATLAB/Octave.

Protocol (shapes are MATLAB shapes; arrays are filled column-major, as MATLAB
fills them):

- ``randn(shape)`` -> standard normal array of ``shape``
- ``rand(shape)`` -> uniform (0, 1) array of ``shape``
- ``randperm(n, k)`` -> ``k`` distinct integers from 1..n (1-based), shape (k,)
- ``randsample(population, k, replace)`` -> ``k`` items of ``population``, shape (k,)
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from scipy.special import ndtri

from .errors import ValidationError
from .validation import check_seed

__all__ = [
    "MatlabTwisterStream",
    "NumpyStream",
    "RandomStream",
    "RecordedDraw",
    "ReplayMismatchError",
    "ReplayStream",
    "as_stream",
]


def _shape(shape) -> tuple[int, ...]:
    if np.isscalar(shape):
        return (int(shape),)
    out = tuple(int(s) for s in shape)
    if any(s < 0 for s in out):
        raise ValidationError(f"random draw shape must be non-negative, got {out}")
    return out


@runtime_checkable
class RandomStream(Protocol):
    """What opdims asks of a random stream: four MATLAB-like draws.

    A protocol: any object with these methods is a stream (``isinstance``
    checks the method names); :class:`NumpyStream`,
    :class:`MatlabTwisterStream` and :class:`ReplayStream` are the three
    that opdims provides. Shapes are MATLAB shapes, filled column-major.

    Examples
    --------
    >>> from opdims import NumpyStream, RandomStream
    >>> isinstance(NumpyStream(0), RandomStream)
    True
    """

    def randn(self, shape) -> np.ndarray:
        """Draw standard normal numbers, as MATLAB's ``randn(shape)``."""  # sections: SHAPE_SECTIONS
        ...

    def rand(self, shape) -> np.ndarray:
        """Draw uniform numbers in (0, 1), as MATLAB's ``rand(shape)``."""  # sections: SHAPE_SECTIONS
        ...

    def randperm(self, n: int, k: int | None = None) -> np.ndarray:
        """Draw ``k`` distinct integers from 1..n, as MATLAB's ``randperm(n, k)``.

        Parameters
        ----------
        n : int
            Largest integer.
        k : int, optional
            How many (default ``n``: a permutation).

        Returns
        -------
        numpy.ndarray
            ``[k]`` 1-based integers.

        Raises
        ------
        ValueError
            Unless ``0 <= k <= n``.
        """
        ...

    def randsample(self, population, k: int, replace: bool) -> np.ndarray:
        """Draw ``k`` items of ``population``, as MATLAB's ``randsample(population, k, replace)``.

        Parameters
        ----------
        population : array_like
            The items.
        k : int
            How many.
        replace : bool
            With replacement.

        Returns
        -------
        numpy.ndarray
            ``[k]`` items.

        Raises
        ------
        ValueError
            For more items than the population has, without replacement.
        """
        ...


#: the sections of the two draws that take a shape (``randn``, ``rand``), written once
SHAPE_SECTIONS = """Parameters
----------
shape : int or tuple of int
    Output shape.

Returns
-------
numpy.ndarray
    float64 array of ``shape``.

Raises
------
ValueError
    For a negative size.
"""
for _draw in (RandomStream.randn, RandomStream.rand):
    _draw.__doc__ = f"{_draw.__doc__}\n\n{SHAPE_SECTIONS}"
del _draw


def with_protocol_sections(cls):
    """Give each draw of ``cls`` the Parameters/Returns/Raises of :class:`RandomStream`'s (written once there).

    A stream's method keeps its own summary line (how it draws); the sections
    below it are the protocol's.

    Parameters
    ----------
    cls : type
        A stream class.

    Returns
    -------
    type
        ``cls``, its draw methods' docstrings completed.
    """
    for name in ("randn", "rand", "randperm", "randsample"):
        method = cls.__dict__.get(name)
        if method is None:
            continue
        summary = inspect.cleandoc(method.__doc__ or "").split("\n\n")[0]
        sections = inspect.cleandoc(getattr(RandomStream, name).__doc__).split("\n\n", 1)[1]
        method.__doc__ = f"{summary}\n\n{sections}"
    return cls


@with_protocol_sections
class NumpyStream:
    """The default stream, backed by :class:`numpy.random.Generator` (PCG64).

    Parameters
    ----------
    seed : int, optional
        Seed of the generator (default: fresh entropy).

    Attributes
    ----------
    generator : numpy.random.Generator
        The generator drawn from.

    Examples
    --------
    >>> from opdims import NumpyStream
    >>> stream = NumpyStream(0)
    >>> stream.randn((2, 3)).shape
    (2, 3)
    >>> sorted(stream.randperm(4).tolist())
    [1, 2, 3, 4]
    """

    def __init__(self, seed: int | None = None):
        self.seed(seed)

    def seed(self, seed: int | None) -> None:
        """Restart from ``seed``.

        Parameters
        ----------
        seed : int or None
            The seed; ``None`` for fresh entropy.

        Examples
        --------
        >>> from opdims import NumpyStream
        >>> stream = NumpyStream(1)
        >>> first = stream.rand(3)
        >>> stream.seed(1)
        >>> bool((stream.rand(3) == first).all())
        True
        """
        self.generator = np.random.default_rng(seed)

    def randn(self, shape) -> np.ndarray:
        """Draw standard normal numbers."""
        return self.generator.standard_normal(_shape(shape))

    def rand(self, shape) -> np.ndarray:
        """Draw uniform numbers in [0, 1)."""
        return self.generator.random(_shape(shape))

    def randperm(self, n: int, k: int | None = None) -> np.ndarray:
        """Draw ``k`` distinct integers from 1..n."""
        k = n if k is None else k
        _check_randperm(n, k)
        return self.generator.permutation(n)[:k] + 1

    def randsample(self, population, k: int, replace: bool) -> np.ndarray:
        """Draw ``k`` items of ``population``."""
        return self.generator.choice(np.asarray(population), size=k, replace=replace)


def _check_randperm(n: int, k: int) -> None:
    if not 0 <= k <= n:
        raise ValidationError(f"randperm(n, k) needs 0 <= k <= n, got n={n}, k={k}")


@with_protocol_sections
class MatlabTwisterStream:
    """MATLAB's default ``rng(seed)`` ('twister') with an exact ``rand``.

    ``rand`` is MT19937 seeded by ``init_genrand(seed)`` (seed 0 means 5489)
    with 53-bit doubles, bit-identical to MATLAB. MATLAB's default ``randn``
    (Ziggurat) is undocumented; here ``randn`` is the inversion transform
    ``ndtri(rand)``, one uniform per normal, like MATLAB's ``'Inversion'``
    normal transform. ``randperm`` sorts uniforms and ``randsample`` with
    replacement uses ``floor(n * rand) + 1``: same distributions as MATLAB,
    not guaranteed to be MATLAB's exact sequence.

    Parameters
    ----------
    seed : int, optional
        MATLAB seed in ``[0, 2**32)`` (default 0, MATLAB's ``rng('default')``).

    Raises
    ------
    ValueError
        For a seed out of range.

    Examples
    --------
    >>> from opdims import MatlabTwisterStream
    >>> MatlabTwisterStream(0).rand((1, 2))  # MATLAB: rng(0); rand(1, 2)
    array([[0.81472369, 0.90579194]])
    """

    def __init__(self, seed: int = 0):
        self.seed(seed)

    def seed(self, seed: int) -> None:
        """Restart from ``seed``, as MATLAB's ``rng(seed)``.

        Parameters
        ----------
        seed : int
            In ``[0, 2**32)``; 0 is MATLAB's default seed (5489 internally).

        Raises
        ------
        ValueError
            For a seed out of range.

        Examples
        --------
        >>> from opdims import MatlabTwisterStream
        >>> stream = MatlabTwisterStream(5)
        >>> stream.seed(0)
        >>> float(stream.rand((1, 1))[0, 0])
        0.8147236863931789
        """
        seed = check_seed(seed, "seed")
        self._state = np.random.RandomState(5489 if seed == 0 else seed)

    def rand(self, shape) -> np.ndarray:
        """Draw uniform numbers in (0, 1), bit-identical to MATLAB's ``rand(shape)``."""
        shape = _shape(shape)
        flat = self._state.random_sample(int(np.prod(shape)))
        return flat.reshape(shape, order="F")

    def randn(self, shape) -> np.ndarray:
        """Draw standard normal numbers by inversion, ``ndtri(rand(shape))``."""
        return ndtri(self.rand(shape))

    def randperm(self, n: int, k: int | None = None) -> np.ndarray:
        """Draw ``k`` distinct integers from 1..n: the order of ``n`` uniforms."""
        k = n if k is None else k
        _check_randperm(n, k)
        return np.argsort(self.rand((1, n))[0], kind="stable")[:k] + 1

    def randsample(self, population, k: int, replace: bool) -> np.ndarray:
        """Draw ``k`` items of ``population``, as MATLAB's ``randsample``."""
        population = np.asarray(population).ravel()
        n = population.size
        if replace:
            idx = np.floor(n * self.rand((k, 1))[:, 0]).astype(int)
        else:
            idx = self.randperm(n, k) - 1
        return population[idx]


class ReplayMismatchError(RuntimeError):
    """The code asked a replay stream for a draw the reference did not make."""


@dataclass
class RecordedDraw:
    """One recorded call: function name, its arguments, and what it returned.

    Parameters
    ----------
    func : str
        ``'randn'``, ``'rand'``, ``'randperm'`` or ``'randsample'``.
    values : numpy.ndarray
        What the call returned (MATLAB's shape).
    args : tuple, optional
        Its arguments, for messages.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims.core.random import RecordedDraw
    >>> RecordedDraw("rand", np.array([[0.5, 0.25]])).func
    'rand'
    """

    func: str
    values: np.ndarray
    args: tuple = ()


@with_protocol_sections
class ReplayStream:
    """Plays back draws recorded from MATLAB/Octave, strictly in order.

    A recording is split into *segments*: the draws made before any
    ``rng(seed)`` call (``initial``), and for each seed the draws made after
    ``rng(seed)``. Because a MATLAB seed always restarts the same sequence,
    a recorder stores each seed's sequence once, however often the code
    reseeds; :meth:`seed` jumps back to the start of that seed's segment.

    Each request must match the next recorded call's function and output
    shape; otherwise :class:`ReplayMismatchError` says what was asked, what
    was recorded and where. :attr:`draws_served` counts every draw played.

    Parameters
    ----------
    initial : sequence of RecordedDraw, optional
        The draws made before any ``rng(seed)``.
    segments : mapping of int to sequence of RecordedDraw, optional
        For each seed, the draws made after ``rng(seed)``.

    Attributes
    ----------
    segments : dict
        Seed -> list of :class:`RecordedDraw`.
    position : int
        Draws played from the current segment.
    draws_served : int
        Draws played in all.

    Examples
    --------
    >>> import numpy as np
    >>> from opdims import ReplayStream
    >>> from opdims.core.random import RecordedDraw
    >>> stream = ReplayStream(segments={7: [RecordedDraw("rand", np.array([[0.25, 0.5]]))]})
    >>> stream.seed(7)
    >>> stream.rand((1, 2))
    array([[0.25, 0.5 ]])
    >>> stream.exhausted
    True
    """

    def __init__(
        self,
        initial: Sequence[RecordedDraw] = (),
        segments: Mapping[int, Sequence[RecordedDraw]] | None = None,
    ):
        self.segments = {int(k): list(v) for k, v in (segments or {}).items()}
        self._initial = list(initial)
        self._label = "before any rng(seed)"
        self._current = self._initial
        self.position = 0
        self.draws_served = 0

    @classmethod
    def from_recording(cls, seeds, funcs, values) -> ReplayStream:
        """Build a replay stream from parallel lists, one entry per segment.

        Parameters
        ----------
        seeds : sequence
            The seed of each segment; NaN or ``None`` for the draws made
            before any ``rng(seed)``.
        funcs : sequence of sequence of str
            The function name of each draw of each segment.
        values : sequence of sequence of array_like
            What each draw returned.

        Returns
        -------
        ReplayStream
            The stream, at the start of the initial segment.

        Examples
        --------
        >>> import numpy as np
        >>> from opdims import ReplayStream
        >>> stream = ReplayStream.from_recording([np.nan, 3], [["randn"], ["rand"]],
        ...                                      [[np.zeros((2, 1))], [np.ones((1, 1))]])
        >>> stream.randn((2, 1)).ravel(), sorted(stream.segments)
        (array([0., 0.]), [3])
        """
        initial: list[RecordedDraw] = []
        segments: dict[int, list[RecordedDraw]] = {}
        for seed, names, vals in zip(seeds, funcs, values):
            draws = [RecordedDraw(str(f), np.asarray(v, dtype=float)) for f, v in zip(names, vals)]
            if seed is None or (isinstance(seed, float) and np.isnan(seed)):
                initial = draws
            else:
                segments[int(seed)] = draws
        return cls(initial, segments)

    def seed(self, seed: int) -> None:
        """Restart the sequence recorded after ``rng(seed)``.

        Parameters
        ----------
        seed : int
            A seed of the recording.

        Raises
        ------
        ReplayMismatchError
            If nothing was recorded for ``seed``.

        Examples
        --------
        >>> import numpy as np
        >>> from opdims import ReplayStream
        >>> from opdims.core.random import RecordedDraw
        >>> stream = ReplayStream(segments={1: [RecordedDraw("randn", np.array([[1.5]]))]})
        >>> stream.seed(1)
        >>> float(stream.randn((1, 1))[0, 0])
        1.5
        """
        seed = int(seed)
        if seed not in self.segments:
            raise ReplayMismatchError(
                f"replay: the code called rng({seed}), but the recording has no draws for that seed "
                f"(recorded seeds: {sorted(self.segments)})"
            )
        self._current = self.segments[seed]
        self._label = f"after rng({seed})"
        self.position = 0

    @property
    def exhausted(self) -> bool:
        """Whether the current segment has been played to its end."""
        return self.position == len(self._current)

    def _next(self, func: str, shape: tuple[int, ...]) -> np.ndarray:
        where = f"draw #{self.position + 1} {self._label}"
        if self.position >= len(self._current):
            raise ReplayMismatchError(
                f"replay: asked for {func}{shape} as {where}, "
                f"but only {len(self._current)} draws were recorded there"
            )
        draw = self._current[self.position]
        values = np.asarray(draw.values)
        if draw.func != func or _squeeze_shape(values.shape) != _squeeze_shape(shape):
            raise ReplayMismatchError(
                f"replay: {where} was recorded as {draw.func}{tuple(values.shape)}, "
                f"but the code asked for {func}{shape}"
            )
        self.position += 1
        self.draws_served += 1
        return values.reshape(shape, order="F").astype(float, copy=True)

    def randn(self, shape) -> np.ndarray:
        """Play the next draw, which must be a recorded ``randn`` of ``shape``."""
        return self._next("randn", _shape(shape))

    def rand(self, shape) -> np.ndarray:
        """Play the next draw, which must be a recorded ``rand`` of ``shape``."""
        return self._next("rand", _shape(shape))

    def randperm(self, n: int, k: int | None = None) -> np.ndarray:
        """Play the next draw, which must be a recorded ``randperm`` of ``k`` integers."""
        k = n if k is None else k
        return self._next("randperm", (k,)).astype(int)

    def randsample(self, population, k: int, replace: bool) -> np.ndarray:
        """Play the next draw, which must be a recorded ``randsample`` of ``k`` items."""
        return self._next("randsample", (k,))


def _squeeze_shape(shape) -> tuple[int, ...]:
    """Shape without singleton axes: MATLAB stores a k-vector as 1xk or kx1."""
    return tuple(s for s in shape if s != 1)


def as_stream(stream: RandomStream | int | None) -> RandomStream:
    """Turn ``None`` (fresh entropy) or an int seed into a :class:`NumpyStream`.

    Parameters
    ----------
    stream : RandomStream, int or None
        A stream (returned as it is), a seed, or ``None``.

    Returns
    -------
    RandomStream
        The stream.

    Raises
    ------
    TypeError
        For anything else.

    Examples
    --------
    >>> from opdims.core.random import as_stream
    >>> type(as_stream(3)).__name__
    'NumpyStream'
    """
    if stream is None or isinstance(stream, (int, np.integer)):
        return NumpyStream(None if stream is None else int(stream))
    if not isinstance(stream, RandomStream):
        raise ValidationError(
            "expected a random stream (randn, rand, randperm, randsample), an int seed or None, "
            f"got {type(stream).__name__}"
        )
    return stream
