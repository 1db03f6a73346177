"""One way to run many independent jobs: local processes, or Dask distributed.

Both back ends take ``concurrent.futures``-style submissions and hand
results back as they finish:

- :class:`LocalExecutor` (the default): ``workers`` processes on this
  machine (``workers=1`` runs the jobs in this process, one after another);
- :class:`DaskExecutor`: a Dask ``distributed`` cluster, either an existing
  one (``scheduler='tcp://host:8786'``, e.g. started by dask-jobqueue's
  ``SLURMCluster``) or a ``LocalCluster`` of ``n_local`` worker processes.
  Dask reruns the jobs of a worker that dies on the others.

A job fixes its own number of threads (see :func:`opdims.analysis.batch.analyse_job`),
so its numbers do not depend on the back end that ran it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ctypes
import logging
import os
import signal
import sys
import threading
import time
import warnings
from multiprocessing import get_context

from ..core.backend import THREADS_ENV, usable_cores
from ..core.errors import ClusterError, MissingDependencyError
from ..core.signals import interrupts_held_back
from ..core.validation import ValidationError, check_positive_int, check_positive_seconds

__all__ = ["CONNECT_TIMEOUT", "DaskExecutor", "LocalExecutor", "check_executor_options", "make_executor", "threads_per_job"]

CONNECT_TIMEOUT = 10.0  #: seconds a Dask scheduler has to answer before a run gives up on it

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_TRACKER_QUIET = "ignore:resource_tracker:UserWarning"


def _end_with_parent(parent: int) -> None:
    """Make this (worker) process end when its parent does, however the parent ends.

    On Linux the kernel sends SIGKILL when the parent dies (``prctl(PR_SET_PDEATHSIG)``); elsewhere a
    daemon thread polls the parent's id. Otherwise a killed parent leaves its workers (and the
    multiprocessing resource tracker they keep alive) running, holding the caller's pipes open.
    ``parent`` is the parent's process id, as the parent saw it (it may have died before this runs).
    """
    if os.getppid() != parent:
        os._exit(1)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent:  # the parent died before the request
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="opdims-parent-watch", daemon=True).start()


def _tracker_running() -> None:
    """Start multiprocessing's resource tracker now, before worker processes are started with SIGINT blocked.

    Starting it blocks SIGINT and SIGTERM in the calling thread and unblocks them afterwards: started
    inside :func:`interrupts_held_back` (when the first queue of a pool or cluster is made), it would
    unblock SIGINT there, and the workers started after it would take a Ctrl-C at the terminal while
    Python is still starting in them (a "Fatal Python error" on stderr).
    """
    if os.name == "posix":
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()


def _start_worker(threads: int, parent: int) -> None:
    """Worker process set-up: its simulations and BLAS use ``threads`` threads by default; it ends with its
    parent; SIGINT is left to the parent (a Ctrl-C reaches the whole process group)."""
    _end_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ[THREADS_ENV] = str(threads)


class _Done(concurrent.futures.Future):
    """A future of a job run in this process when its result is asked for."""

    def __init__(self, fn, args):
        super().__init__()
        self._job = (fn, args)

    def run(self) -> None:
        fn, args = self._job
        try:
            self.set_result(fn(*args))
        except BaseException as exc:  # handed to the caller through result()
            self.set_exception(exc)
            if isinstance(exc, KeyboardInterrupt):
                raise


class LocalExecutor:
    """Jobs on ``workers`` local processes (``1``: in this process, in order).

    Parameters
    ----------
    workers : int, optional
        Processes (default 1).
    threads : int, optional
        Default threads of a worker process (``$OPDIMS_THREADS`` there).

    Examples
    --------
    >>> with LocalExecutor() as ex:
    ...     futures = [ex.submit(pow, 2, k) for k in range(3)]
    ...     sorted(f.result() for f in ex.as_completed(futures))
    [1, 2, 4]
    """

    name = "local"

    def __init__(self, workers: int = 1, threads: int | None = None):
        self.workers = check_positive_int(workers, "workers", "processes")
        self._pool = None
        if self.workers > 1:
            _tracker_running()
            try:  # started now, with SIGINT held back: a Ctrl-C at the terminal would reach them mid-start
                with interrupts_held_back(children=True):
                    self._pool = concurrent.futures.ProcessPoolExecutor(
                        self.workers, mp_context=get_context("spawn"), initializer=_start_worker,
                        initargs=(threads or 1, os.getpid()))
                    for started in [self._pool.submit(os.getpid) for _ in range(self.workers)]:
                        started.result()
            except BaseException:
                self.terminate()
                raise

    def submit(self, fn, *args):
        """Submit ``fn(*args)``.

        Parameters
        ----------
        fn : callable
            A picklable, module-level function.
        *args
            Its arguments (picklable).

        Returns
        -------
        concurrent.futures.Future
            The job's future.
        """
        if self._pool is None:
            return _Done(fn, args)
        with interrupts_held_back(children=True):  # submitting starts the workers: not cut in half
            return self._pool.submit(fn, *args)

    def result(self, future):
        """The result of a finished job.

        Parameters
        ----------
        future : concurrent.futures.Future
            From :meth:`as_completed`.

        Returns
        -------
        object
            The job's result.
        """
        return future.result()

    def as_completed(self, futures):
        """Yield the futures as their jobs finish.

        Parameters
        ----------
        futures : iterable of Future
            From :meth:`submit`.

        Yields
        ------
        concurrent.futures.Future
            Finished futures.
        """
        futures = list(futures)
        if self._pool is None:
            for future in futures:
                if not future.done():
                    future.run()
                yield future
            return
        yield from concurrent.futures.as_completed(futures)

    def close(self) -> None:
        """Stop the worker processes (cancelling jobs not started)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def terminate(self) -> None:
        """Stop the worker processes now, running jobs included (after an error, Ctrl-C or SIGTERM)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join(5)
        pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            self.close()
        else:
            self.terminate()


class DaskExecutor:
    """Jobs on a Dask ``distributed`` cluster (needs ``pip install 'dask[distributed]'``).

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``tcp://host:8786``).
    n_local : int, optional
        Start a ``LocalCluster`` of this many worker processes (one thread each) instead.
    connect_timeout : float, optional
        Seconds the scheduler has to answer (default :data:`CONNECT_TIMEOUT`): an address where
        nothing answers, or something that is not a Dask scheduler, is one clear error after at most
        this long.

    Raises
    ------
    ImportError
        If ``distributed`` is not installed.
    ValueError
        Unless exactly one of ``scheduler`` and ``n_local`` is given, or for an address that is none.
    ConnectionError
        If no Dask scheduler answers at ``scheduler`` within ``connect_timeout``.
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, n_local: int | None = None,
                 connect_timeout: float = CONNECT_TIMEOUT):
        if (scheduler is None) == (n_local is None):
            raise ValidationError("DaskExecutor: give scheduler='tcp://host:port' or n_local=N")
        self.connect_timeout = check_positive_seconds(connect_timeout, "connect_timeout")
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise MissingDependencyError("the Dask back end needs dask.distributed: "
                                         "pip install 'opdims[dask]'") from exc
        self.cluster = self.client = None
        self.address = scheduler
        # a lost scheduler or an interruption is reported once, as one line: not also as Dask's logged warnings
        # and tracebacks (a job's own error still reaches the caller through result())
        self._log_levels = {}
        for name in ("distributed", "distributed.client", "distributed.core", "distributed.comm",
                     "distributed.nanny", "distributed.worker"):
            self._log_levels[name] = logging.getLogger(name).level
            logging.getLogger(name).setLevel(logging.CRITICAL)
        if scheduler is not None:
            _check_scheduler(scheduler, self.connect_timeout)
            try:
                self.client = Client(scheduler, timeout=f"{self.connect_timeout}s")
            except (OSError, TimeoutError) as exc:
                raise ClusterError(f"--scheduler {scheduler}: cannot connect a client within "
                                   f"{self.connect_timeout:g} s ({exc or type(exc).__name__})") from None
        else:
            n_local = check_positive_int(n_local, "dask_local", "worker processes")
            import dask

            # Dask starts its workers with MALLOC_TRIM_THRESHOLD_ set, which stops glibc from raising its
            # mmap threshold: every temporary array of a sweep step is then mapped and unmapped again (page
            # faults at each step). The BLAS limits stay; the trim setting is left out.
            environ = {k: v for k, v in dask.config.get("distributed.nanny.pre-spawn-environ", {}).items()
                       if k != "MALLOC_TRIM_THRESHOLD_"}
            environ["DASK_LOGGING__DISTRIBUTED"] = "error"  # the workers' warnings when they are stopped
            environ["PYTHONWARNINGS"] = "ignore::UserWarning:distributed.node"  # a busy default port
            # Workers stopped while busy leave a semaphore for multiprocessing's resource tracker, which removes
            # it and warns at exit; the tracker takes its warning filters from this process's -W options.
            if _TRACKER_QUIET not in sys.warnoptions:
                sys.warnoptions.append(_TRACKER_QUIET)
            _tracker_running()
            try:  # a Ctrl-C or SIGTERM while the cluster starts would leave it half-started (and a traceback)
                with interrupts_held_back(children=True), warnings.catch_warnings(), \
                        dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
                    warnings.simplefilter("ignore", UserWarning)  # e.g. a busy default port another run holds
                    self.cluster = LocalCluster(n_workers=n_local, threads_per_worker=1, processes=True,
                                                dashboard_address=None, preload=[__name__])
                    self.client = Client(self.cluster)
            except BaseException:
                self.close()
                raise
            self.address = self.cluster.scheduler_address

    def submit(self, fn, *args):
        """Submit ``fn(*args)`` to the cluster.

        Parameters
        ----------
        fn : callable
            A picklable function.
        *args
            Its arguments.

        Returns
        -------
        distributed.Future
            The job's future.
        """
        return self.client.submit(fn, *args, pure=False)

    def as_completed(self, futures):
        """Yield the futures as their jobs finish.

        Parameters
        ----------
        futures : iterable of distributed.Future
            From :meth:`submit`.

        Yields
        ------
        distributed.Future
            Finished futures.
        """
        from distributed import as_completed

        try:
            yield from as_completed(list(futures))
        except (OSError, TimeoutError, concurrent.futures.CancelledError) as exc:
            raise ClusterError(f"the Dask scheduler {self.address} stopped answering while the jobs ran "
                               f"({type(exc).__name__}: {_first_sentence(exc)}); finished results are kept, run "
                               "again to resume") from None

    def result(self, future):
        """The result of a finished job; a scheduler that went away is one clear error.

        Parameters
        ----------
        future : distributed.Future
            From :meth:`as_completed`.

        Returns
        -------
        object
            The job's result.

        Raises
        ------
        ConnectionError
            If the scheduler stopped answering.
        """
        try:
            return future.result()
        except (OSError, TimeoutError, concurrent.futures.CancelledError) as exc:
            if self.client is not None and self.client.status == "running":
                raise
            raise ClusterError(f"the Dask scheduler {self.address} stopped answering while the jobs ran "
                               f"({type(exc).__name__}: {_first_sentence(exc)}); finished results are kept, run "
                               "again to resume") from None

    def close(self) -> None:
        """Disconnect (and stop a local cluster)."""
        with interrupts_held_back():
            for part in (self.client, self.cluster):
                if part is not None:
                    try:
                        part.close()
                    except (OSError, TimeoutError, RuntimeError, AssertionError):  # already gone
                        pass
            self.client = self.cluster = None
        for name, level in getattr(self, "_log_levels", {}).items():
            logging.getLogger(name).setLevel(level)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _first_sentence(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text.split(". ")[0][:200]


def dask_setup(worker) -> None:
    """Set up a worker process of opdims' Dask ``LocalCluster`` (Dask calls it: the module is a preload).

    A Ctrl-C at the terminal reaches every process of the group: the
    workers leave it to opdims, which stops the cluster, instead of each
    printing a traceback.

    Parameters
    ----------
    worker : distributed.Worker
        The worker (unused).
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


async def _identity(address: str, timeout: float) -> dict:
    from distributed.comm import connect

    comm = await asyncio.wait_for(connect(address, timeout=timeout), timeout)
    try:
        await asyncio.wait_for(comm.write({"op": "identity", "reply": True}), timeout)
        return await asyncio.wait_for(comm.read(), timeout)
    finally:
        comm.abort()


def _check_scheduler(address: str, timeout: float) -> None:
    """Ask ``address`` who it is, within ``timeout`` seconds: a Dask scheduler, or one clear error."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # its own event loop, whatever the caller runs
        try:
            reply = pool.submit(asyncio.run, _identity(address, timeout)).result()
        except ValueError as exc:
            raise ValidationError(f"--scheduler {address!r}: not an address ({exc}); expected "
                                  "tcp://HOST:PORT") from None
        except (asyncio.TimeoutError, TimeoutError):
            raise ClusterError(f"--scheduler {address}: no Dask scheduler answered within {timeout:g} s (tried: "
                               "connect and ask for its identity); check the address, or allow longer with "
                               "--connect-timeout") from None
        except OSError as exc:
            raise ClusterError(f"--scheduler {address}: cannot connect within {timeout:g} s ({exc})") from None
        except Exception as exc:  # noqa: BLE001 - the service answered, but not as Dask does
            raise ClusterError(f"--scheduler {address}: not a Dask scheduler (its answer: {type(exc).__name__}: "
                               f"{str(exc)[:200]})") from None
    if not isinstance(reply, dict) or reply.get("type") != "Scheduler":
        what = reply.get("type") if isinstance(reply, dict) else type(reply).__name__
        raise ClusterError(f"--scheduler {address}: not a Dask scheduler (it answered as {what!r})")


def threads_per_job(workers: int = 1, *, scheduler: str | None = None, dask_local: int | None = None) -> int:
    """Default threads of one network's analysis: this machine's usable cores shared among its workers.

    Parameters
    ----------
    workers : int, optional
        Local worker processes.
    scheduler : str, optional
        A Dask scheduler's address: the networks run elsewhere, one thread each.
    dask_local : int, optional
        Workers of a Dask ``LocalCluster`` on this machine (instead of ``workers``).

    Returns
    -------
    int
        Threads per job, at least 1.

    Examples
    --------
    >>> threads_per_job(scheduler="tcp://host:8786")
    1
    """
    if scheduler is not None:
        return 1
    return max(1, usable_cores() // max(dask_local or workers, 1))


def check_executor_options(workers: int = 1, *, scheduler: str | None = None, dask_local: int | None = None,
                           threads: int | None = None, connect_timeout: float = CONNECT_TIMEOUT) -> dict:
    """The options that choose where jobs run, checked (the one door of :func:`make_executor` and the CLI).

    Parameters
    ----------
    workers : int, optional
        Local processes (the default back end).
    scheduler : str, optional
        A Dask scheduler's address.
    dask_local : int, optional
        Workers of a Dask ``LocalCluster``.
    threads : int, optional
        Threads per job (``None``: chosen later, :func:`threads_per_job`).
    connect_timeout : float, optional
        Seconds a Dask scheduler has to answer.

    Returns
    -------
    dict
        The same keys, the numbers as ``int`` / ``float``.

    Raises
    ------
    ValueError
        For a non-positive number, both Dask options, or Dask with ``workers > 1``.

    Examples
    --------
    >>> check_executor_options(2)["workers"]
    2
    """
    workers = check_positive_int(workers, "workers", "local processes")
    if scheduler is not None and dask_local is not None:
        raise ValidationError("scheduler and dask_local: give one of them")
    if (scheduler is not None or dask_local is not None) and workers != 1:
        raise ValidationError("workers: the number of local processes; with Dask the cluster's workers run the jobs")
    return {"workers": workers, "scheduler": scheduler,
            "dask_local": None if dask_local is None else check_positive_int(dask_local, "dask_local",
                                                                             "worker processes"),
            "threads": None if threads is None else check_positive_int(threads, "threads", "per job"),
            "connect_timeout": check_positive_seconds(connect_timeout, "connect_timeout")}


def make_executor(workers: int = 1, *, scheduler: str | None = None, dask_local: int | None = None,
                  threads: int | None = None, connect_timeout: float = CONNECT_TIMEOUT):
    """The executor for the options a command takes.

    Parameters
    ----------
    workers : int, optional
        Local processes (the default back end).
    scheduler : str, optional
        A Dask scheduler's address: run on that cluster.
    dask_local : int, optional
        Run on a Dask ``LocalCluster`` of this many workers.
    threads : int, optional
        Default threads of a local worker process.
    connect_timeout : float, optional
        Seconds a Dask scheduler has to answer (default :data:`CONNECT_TIMEOUT`).

    Returns
    -------
    LocalExecutor or DaskExecutor
        The executor (a context manager).

    Raises
    ------
    ValueError
        If both Dask options, or Dask and ``workers > 1``, are given.
    """
    options = check_executor_options(workers, scheduler=scheduler, dask_local=dask_local, threads=threads,
                                     connect_timeout=connect_timeout)
    if scheduler is not None or dask_local is not None:
        return DaskExecutor(scheduler=scheduler, n_local=options["dask_local"],
                            connect_timeout=options["connect_timeout"])
    return LocalExecutor(options["workers"], options["threads"])
