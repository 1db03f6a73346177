"""Interruptions (Ctrl-C, SIGTERM) held back while something must not be cut in half.

Writing a file, starting worker processes or a cluster: an interruption in
the middle leaves a half-written file, or processes that nobody stops.
:func:`interrupts_held_back` delays SIGINT and SIGTERM until the block is
done, then delivers the first that came, as if it came then.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

__all__ = ["interrupts_held_back"]

_HELD = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name))


@contextmanager
def interrupts_held_back(children: bool = False):
    """Hold back SIGINT and SIGTERM meanwhile (main thread only); deliver the first that came afterwards.

    Parameters
    ----------
    children : bool, optional
        Processes are started meanwhile: SIGINT is also blocked in this
        thread, so they start with it blocked and a Ctrl-C at the terminal,
        which reaches the whole process group, is left to this process
        (which stops them) instead of making each print a traceback. Start
        multiprocessing's resource tracker before (it unblocks SIGINT in the
        thread that starts it).

    Yields
    ------
    None

    Raises
    ------
    KeyboardInterrupt
        Afterwards, if Ctrl-C (or SIGTERM, where its handler raises) came meanwhile.

    Examples
    --------
    >>> with interrupts_held_back():
    ...     done = sum(range(10))
    >>> done
    45
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    previous = {}
    blocked = children and hasattr(signal, "pthread_sigmask")
    # recorded, also when blocked: another thread of the process (a BLAS thread) that does not block SIGINT
    # may take it, and Python would then raise it in this thread in the middle of starting a process
    for signum in _HELD:
        previous[signum] = signal.signal(signum, lambda number, frame: received.append(number))
    if blocked:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        if blocked:  # a Ctrl-C pending for this thread is delivered now, and recorded
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if received:
        if received[0] == signal.SIGINT and previous[signal.SIGINT] is signal.default_int_handler:
            raise KeyboardInterrupt
        signal.raise_signal(received[0])  # as if it came now: the handler that was set, or the default
