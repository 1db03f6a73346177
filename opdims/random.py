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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
from scipy.special import ndtri

from .errors import ValidationError

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
    """What opdims asks of a random stream."""

    def randn(self, shape) -> np.ndarray: ...

    def rand(self, shape) -> np.ndarray: ...

    def randperm(self, n: int, k: int | None = None) -> np.ndarray: ...

    def randsample(self, population, k: int, replace: bool) -> np.ndarray: ...


class NumpyStream:
    """Default stream backed by :class:`numpy.random.Generator` (PCG64)."""

    def __init__(self, seed: int | None = None):
        self.seed(seed)

    def seed(self, seed: int | None) -> None:
        """Restart from ``seed`` (fresh entropy for ``None``)."""
        self.generator = np.random.default_rng(seed)

    def randn(self, shape) -> np.ndarray:
        return self.generator.standard_normal(_shape(shape))

    def rand(self, shape) -> np.ndarray:
        return self.generator.random(_shape(shape))

    def randperm(self, n: int, k: int | None = None) -> np.ndarray:
        k = n if k is None else k
        return self.generator.permutation(n)[:k] + 1

    def randsample(self, population, k: int, replace: bool) -> np.ndarray:
        return self.generator.choice(np.asarray(population), size=k, replace=replace)


class MatlabTwisterStream:
    """MATLAB's default ``rng(seed)`` ('twister') with an exact ``rand``.

    ``rand`` is MT19937 seeded by ``init_genrand(seed)`` (seed 0 means 5489)
    with 53-bit doubles, bit-identical to MATLAB. MATLAB's default ``randn``
    (Ziggurat) is undocumented; here ``randn`` is the inversion transform
    ``ndtri(rand)``, one uniform per normal, like MATLAB's ``'Inversion'``
    normal transform. ``randperm`` sorts uniforms and ``randsample`` with
    replacement uses ``floor(n * rand) + 1``: same distributions as MATLAB,
    not guaranteed to be MATLAB's exact sequence.
    """

    def __init__(self, seed: int = 0):
        self.seed(seed)

    def seed(self, seed: int) -> None:
        seed = int(seed)
        if not 0 <= seed < 2**32:
            raise ValidationError(f"MATLAB seeds are integers in [0, 2^32), got {seed}")
        self._state = np.random.RandomState(5489 if seed == 0 else seed)

    def rand(self, shape) -> np.ndarray:
        shape = _shape(shape)
        flat = self._state.random_sample(int(np.prod(shape)))
        return flat.reshape(shape, order="F")

    def randn(self, shape) -> np.ndarray:
        return ndtri(self.rand(shape))

    def randperm(self, n: int, k: int | None = None) -> np.ndarray:
        k = n if k is None else k
        if not 0 <= k <= n:
            raise ValidationError(f"randperm(n, k) needs 0 <= k <= n, got n={n}, k={k}")
        return np.argsort(self.rand((1, n))[0], kind="stable")[:k] + 1

    def randsample(self, population, k: int, replace: bool) -> np.ndarray:
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
    """One recorded call: function name, its arguments, and what it returned."""

    func: str
    values: np.ndarray
    args: tuple = ()


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
        """Build from parallel lists: ``seeds[i]`` (NaN or None for the
        initial segment) with its ``funcs[i]`` names and ``values[i]`` arrays."""
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
        """Restart the sequence recorded after ``rng(seed)``."""
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
        return self._next("randn", _shape(shape))

    def rand(self, shape) -> np.ndarray:
        return self._next("rand", _shape(shape))

    def randperm(self, n: int, k: int | None = None) -> np.ndarray:
        k = n if k is None else k
        return self._next("randperm", (k,)).astype(int)

    def randsample(self, population, k: int, replace: bool) -> np.ndarray:
        return self._next("randsample", (k,))


def _squeeze_shape(shape) -> tuple[int, ...]:
    """Shape without singleton axes: MATLAB stores a k-vector as 1xk or kx1."""
    return tuple(s for s in shape if s != 1)


def as_stream(stream: RandomStream | int | None) -> RandomStream:
    """Turn ``None`` (fresh entropy) or an int seed into a :class:`NumpyStream`."""
    if stream is None or isinstance(stream, (int, np.integer)):
        return NumpyStream(None if stream is None else int(stream))
    if not isinstance(stream, RandomStream):
        raise ValidationError(
            "expected a random stream (randn, rand, randperm, randsample), an int seed or None, "
            f"got {type(stream).__name__}"
        )
    return stream
