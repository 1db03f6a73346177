"""MATLAB's global random stream, ``rng(seed)``."""

from __future__ import annotations

from ..core.errors import ValidationError
from ..core.random import MatlabTwisterStream, RandomStream
from .convert import scalar

_stream: RandomStream = MatlabTwisterStream(0)


def rng(seed=0) -> None:
    """Reseed the global stream, as MATLAB's ``rng(seed)``.

    Calls the global stream's ``seed`` method (:meth:`opdims.MatlabTwisterStream.seed`
    by default): a MATLAB twister stream is reseeded; a replay stream
    (:class:`opdims.ReplayStream`) jumps to the draws recorded after
    ``rng(seed)``.

    Parameters
    ----------
    seed : int or str, optional
        The seed, an integer in ``[0, 2**32)`` (or a ``[1, 1]`` array of one);
        ``'default'`` is 0, as in MATLAB (default 0).

    Raises
    ------
    ValueError
        For a string other than ``'default'``, a global stream that cannot
        be reseeded, or a seed the stream refuses.

    Examples
    --------
    >>> from opdims.matlab import get_stream, rng
    >>> rng(42)
    >>> first = get_stream().rand((1, 3))
    >>> rng(42)
    >>> bool((get_stream().rand((1, 3)) == first).all())
    True
    """
    if isinstance(seed, str):
        if seed != "default":
            raise ValidationError(f"rng: expected an integer seed or 'default', got {seed!r}")
        seed = 0
    seed = scalar(seed, "rng: seed")
    if not hasattr(_stream, "seed"):
        raise ValidationError(f"rng: the global stream ({type(_stream).__name__}) cannot be reseeded")
    _stream.seed(int(seed))


def get_stream() -> RandomStream:
    """Return the global stream that the compatibility layer draws from.

    Returns
    -------
    RandomStream
        A :class:`opdims.MatlabTwisterStream` unless :func:`set_stream`
        replaced it.

    Examples
    --------
    >>> from opdims.matlab import get_stream, rng
    >>> rng(0)
    >>> float(get_stream().rand((1, 1))[0, 0])  # MATLAB: rng(0); rand
    0.8147236863931789
    """
    return _stream


def set_stream(stream: RandomStream) -> RandomStream:
    """Make ``stream`` the global stream (e.g. a replay stream).

    Parameters
    ----------
    stream : RandomStream
        Any object with ``randn``, ``rand``, ``randperm`` and ``randsample``
        (:class:`opdims.RandomStream`); :func:`rng` needs it to have ``seed``.

    Returns
    -------
    RandomStream
        The previous global stream, to restore it later.

    Raises
    ------
    TypeError
        If ``stream`` is not a random stream.

    Examples
    --------
    >>> from opdims import NumpyStream
    >>> from opdims.matlab import set_stream
    >>> old = set_stream(NumpyStream(0))
    >>> type(set_stream(old)).__name__
    'NumpyStream'
    """
    global _stream
    if not isinstance(stream, RandomStream):
        raise ValidationError(f"set_stream: expected a random stream, got {type(stream).__name__}")
    old, _stream = _stream, stream
    return old
