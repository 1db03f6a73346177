"""Array back ends and threads: where and how the numerics run.

One module for what :mod:`opdims.core.simulate`, :mod:`opdims.dims.sweeps`, the row
solver and the training recurrence share: the back-end names (``numpy``,
``torch``), the precisions, the torch device, and the thread discipline.

Thread discipline: opdims' kernels are many small dense products (a step of
60 trials x 100 units, a 100 x 100 eigendecomposition). On a multi-threaded
BLAS those run slower than on one thread, and far slower on a busy machine
where BLAS threads wait for cores. So every kernel runs its BLAS on a
controlled number of threads (:func:`blas_threads`, one by default), and
opdims parallelises at the level that scales: trials, blocks of ranks,
locations, networks.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import threading

import numpy as np

from .errors import MissingDependencyError, NotEnoughMemoryError, ValidationError

__all__ = [
    "BACKENDS",
    "DTYPES",
    "THREADS_ENV",
    "available_memory",
    "blas_threads",
    "check_backend",
    "check_memory",
    "check_threads",
    "single_threaded",
    "single_threaded_blas",
    "split",
    "torch_device",
    "torch_threads",
    "usable_cores",
]

BACKENDS = ("numpy", "torch")  #: array back ends of the simulation and the sweeps
DTYPES = ("float64", "float32")  #: precisions (float64 is the default everywhere)
THREADS_ENV = "OPDIMS_THREADS"  #: environment variable capping the threads opdims uses

_controller = None
_controller_lock = threading.RLock()
_active: list[int] = []  #: the limits of the blas_threads() contexts open now (any thread)
_limiter = None  #: restores the limits found when the first of them opened
_applied = None  #: the limit set now


def usable_cores() -> int:
    """Threads opdims uses by default.

    Returns
    -------
    int
        ``$OPDIMS_THREADS`` if set, else the CPU cores this process may run on.

    Raises
    ------
    ValueError
        If ``$OPDIMS_THREADS`` is set but not a positive integer.

    Examples
    --------
    >>> usable_cores() >= 1
    True
    """
    value = os.environ.get(THREADS_ENV)
    if value:
        if not value.isdigit() or int(value) < 1:
            raise ValidationError(f"{THREADS_ENV}: expected a positive integer (threads), got {value!r}")
        return int(value)
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def check_threads(threads, name: str = "threads") -> int:
    """``threads`` as a positive int; ``None`` means :func:`usable_cores`.

    Parameters
    ----------
    threads : int or None
        Requested number of threads.
    name : str, optional
        The argument's name, for the error message.

    Returns
    -------
    int
        The number of threads.

    Raises
    ------
    ValueError
        If ``threads`` is not a positive integer.

    Examples
    --------
    >>> check_threads(2)
    2
    """
    if threads is None:
        return usable_cores()
    if isinstance(threads, bool) or not float(threads).is_integer() or int(threads) < 1:
        raise ValidationError(f"{name}: expected a positive integer, got {threads!r}")
    return int(threads)


def _blas_controller():
    global _controller
    with _controller_lock:
        if _controller is None:
            from threadpoolctl import ThreadpoolController

            _controller = ThreadpoolController()
        return _controller


@contextlib.contextmanager
def blas_threads(n: int = 1):
    """Context in which BLAS and OpenMP use at most ``n`` threads.

    The limit is process-wide: while contexts are open (nested, or in
    several threads) the smallest of their limits holds, and the limits
    found before the first one are restored when the last one closes. So
    kernels called from inside a parallel section keep their one thread, and
    a wider limit around them (say ``blas_threads(4)`` around
    :func:`opdims.analyse_network`) does not undo the single-threaded BLAS of
    the kernels inside. Without ``threadpoolctl`` this is a no-op.

    Parameters
    ----------
    n : int, optional
        Threads for BLAS inside the context (default 1).

    Yields
    ------
    None

    Examples
    --------
    >>> with blas_threads(1):
    ...     _ = np.ones((3, 3)) @ np.ones((3, 3))
    """
    global _limiter, _applied
    n = max(1, int(n))
    with _controller_lock:
        _active.append(n)
        _apply(min(_active))
    try:
        yield
    finally:
        with _controller_lock:
            _active.remove(n)
            if _active:
                _apply(min(_active))
            else:
                if _limiter is not None:
                    _limiter.restore_original_limits()
                _limiter = _applied = None


def _apply(limit: int) -> None:
    """Set the BLAS limit to ``limit`` unless it is set already (under ``_controller_lock``)."""
    global _limiter, _applied
    if limit == _applied:
        return
    try:
        limiter = _blas_controller().limit(limits=limit, user_api=None)
    except ImportError:
        return
    if _limiter is None:  # the first: it restores the limits found before any context
        _limiter = limiter
    _applied = limit


def single_threaded_blas():
    """:func:`blas_threads` with one thread: the context every small kernel runs in.

    Returns
    -------
    contextlib.AbstractContextManager
        The context.

    Examples
    --------
    >>> with single_threaded_blas():
    ...     _ = np.linalg.eigh(np.eye(3))
    """
    return blas_threads(1)


def single_threaded(func):
    """Decorator: ``func`` runs inside :func:`single_threaded_blas` (cheap when already inside one).

    For the small dense kernels of the public API (a relaxation step, a
    removal, an SVD of 100 x 100), which are fastest, and steadiest on a busy
    machine, on one BLAS thread.

    Parameters
    ----------
    func : callable
        The kernel.

    Returns
    -------
    callable
        The wrapped kernel.
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with blas_threads(1):
            return func(*args, **kwargs)

    return wrapper


def split(n: int, parts: int) -> list[slice]:
    """Cut ``range(n)`` into at most ``parts`` contiguous, non-empty, near-equal slices.

    Parameters
    ----------
    n : int
        Number of items.
    parts : int
        Largest number of slices.

    Returns
    -------
    list of slice
        The slices, in order.

    Examples
    --------
    >>> split(5, 2)
    [slice(0, 2, None), slice(2, 5, None)]
    """
    edges = np.linspace(0, n, max(1, int(parts)) + 1).round().astype(int)
    return [slice(int(a), int(b)) for a, b in itertools.pairwise(edges) if b > a]


def check_backend(backend: str, dtype: str = "float64", device=None) -> None:
    """Check a back end, precision and device before any work.

    Parameters
    ----------
    backend : str
        One of :data:`BACKENDS`.
    dtype : str, optional
        One of :data:`DTYPES`.
    device : str or None, optional
        torch device (``'cpu'``, ``'cuda'``, ``'cuda:1'``); only with ``backend='torch'``.

    Raises
    ------
    ValueError
        For an unknown back end, precision or device, a device with the numpy
        back end, or a CUDA device on a machine without CUDA.
    ImportError
        If the torch back end is asked for and torch is not installed.

    Examples
    --------
    >>> check_backend("numpy", "float64")
    """
    if backend not in BACKENDS:
        raise ValidationError(f"backend: expected one of {', '.join(BACKENDS)}, got {backend!r}")
    if dtype not in DTYPES:
        raise ValidationError(f"dtype: expected one of {', '.join(DTYPES)}, got {dtype!r}")
    if backend == "numpy":
        if device not in (None, "cpu"):
            raise ValidationError(f"device={device!r} needs backend='torch' (the numpy back end runs on the CPU)")
        return
    torch_device(device)


def torch_device(device=None):
    """``torch.device`` for ``device``; default CUDA when available, else the CPU.

    Parameters
    ----------
    device : str, torch.device or None
        The device.

    Returns
    -------
    torch.device
        The device.

    Raises
    ------
    ImportError
        If torch is not installed.
    ValueError
        If the device name is not valid, or names CUDA on a machine without it.

    Examples
    --------
    >>> torch_device("cpu").type  # doctest: +SKIP
    'cpu'
    """
    try:
        import torch
    except ImportError as exc:
        raise MissingDependencyError("backend='torch' needs torch: pip install torch (see the README)") from exc
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValidationError(f"device: expected 'cpu', 'cuda' or 'cuda:<n>', got {device!r}") from exc
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ValidationError(f"device={device!r}: this machine has no CUDA device usable by torch "
                             "(use device='cpu', or the numpy back end)")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise ValidationError(f"device={device!r}: only {torch.cuda.device_count()} CUDA device(s) present")
    elif dev.type != "cpu":
        raise ValidationError(f"device: expected 'cpu' or 'cuda', got {device!r}")
    return dev


@contextlib.contextmanager
def torch_threads(dev, n: int = 1):
    """On a CPU device, torch uses ``n`` threads meanwhile (nothing changes on a GPU).

    Parameters
    ----------
    dev : torch.device
        The device the work runs on.
    n : int, optional
        torch's intra-op threads inside the context (default 1).

    Yields
    ------
    None
    """
    import torch

    if dev.type != "cpu":
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(int(n))
    try:
        yield
    finally:
        torch.set_num_threads(before)


def available_memory() -> tuple[int | None, str]:
    """Bytes of memory this process can still take, and where the figure comes from.

    The smaller of the system's available memory (``MemAvailable`` of
    ``/proc/meminfo``, else psutil's, when installed) and what the address
    space limit (``ulimit -v``, ``RLIMIT_AS``) leaves above the process's
    present size.

    Returns
    -------
    tuple
        ``(bytes or None when unknown, source)``.

    Examples
    --------
    >>> free, source = available_memory()
    >>> free is None or free > 0
    True
    """
    candidates = []
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    candidates.append((int(line.split()[1]) * 1024, "available memory"))
    except (OSError, ValueError, IndexError):
        pass
    if not candidates:
        try:
            import psutil

            candidates.append((int(psutil.virtual_memory().available), "available memory"))
        except (ImportError, AttributeError, OSError):
            pass
    try:
        import resource

        limit = resource.getrlimit(resource.RLIMIT_AS)[0]
        if limit != resource.RLIM_INFINITY:
            size = 0
            with open("/proc/self/status") as handle:
                for line in handle:
                    if line.startswith("VmSize:"):
                        size = int(line.split()[1]) * 1024
            candidates.append((max(limit - size, 0), f"the address space limit (ulimit -v) of {limit / 1e9:.2g} GB"))
    except (ImportError, OSError, ValueError, IndexError):
        pass
    if not candidates:
        return None, "unknown"
    return min(candidates)


def check_memory(needed: float, what: str, advice: str = "") -> None:
    """Refuse, before the work starts, what would not fit in memory.

    Parameters
    ----------
    needed : float
        The estimate, in bytes.
    what : str
        What needs it (the file or option first), for the message.
    advice : str, optional
        What to do instead, for the message.

    Raises
    ------
    MemoryError
        If ``needed`` exceeds :func:`available_memory` (when that is known).

    Examples
    --------
    >>> check_memory(1000, "a small job")
    """
    free, source = available_memory()
    if free is not None and needed > free:
        raise NotEnoughMemoryError(f"{what}: needs about {needed / 1e9:.2f} GB of memory, {free / 1e9:.2f} GB "
                                   f"available ({source})" + (f"; {advice}" if advice else ""))
