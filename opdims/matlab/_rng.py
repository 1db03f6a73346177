"""MATLAB's global random stream, ``rng(seed)``."""

from __future__ import annotations

from ..errors import ValidationError
from ..random import MatlabTwisterStream, RandomStream

_stream: RandomStream = MatlabTwisterStream(0)


def rng(seed=0) -> None:
    """Reseed the global stream, as MATLAB's ``rng(seed)``.

    A MATLAB twister stream is reseeded; a replay stream jumps to the draws
    recorded after ``rng(seed)``. ``rng('default')`` is ``rng(0)``.
    """
    if isinstance(seed, str):
        if seed != "default":
            raise ValidationError(f"rng: expected an integer seed or 'default', got {seed!r}")
        seed = 0
    if not hasattr(_stream, "seed"):
        raise ValidationError(f"rng: the global stream ({type(_stream).__name__}) cannot be reseeded")
    _stream.seed(int(seed))


def get_stream() -> RandomStream:
    """The global stream that the compatibility layer draws from."""
    return _stream


def set_stream(stream: RandomStream) -> RandomStream:
    """Make ``stream`` the global stream (e.g. a replay stream); returns the old one."""
    global _stream
    if not isinstance(stream, RandomStream):
        raise ValidationError(f"set_stream: expected a random stream, got {type(stream).__name__}")
    old, _stream = _stream, stream
    return old
