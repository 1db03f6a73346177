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

import concurrent.futures
from multiprocessing import get_context

from ..core.backend import THREADS_ENV, usable_cores
from ..core.errors import MissingDependencyError
from ..core.validation import ValidationError, check_positive_int

__all__ = ["DaskExecutor", "LocalExecutor", "make_executor", "threads_per_job"]


def _start_worker(threads: int) -> None:
    """Worker process set-up: its simulations and BLAS use ``threads`` threads by default."""
    import os

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
            self._pool = concurrent.futures.ProcessPoolExecutor(
                self.workers, mp_context=get_context("spawn"), initializer=_start_worker,
                initargs=(threads or 1,))

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
        return self._pool.submit(fn, *args)

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

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class DaskExecutor:
    """Jobs on a Dask ``distributed`` cluster (needs ``pip install 'dask[distributed]'``).

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``tcp://host:8786``).
    n_local : int, optional
        Start a ``LocalCluster`` of this many worker processes (one thread each) instead.

    Raises
    ------
    ImportError
        If ``distributed`` is not installed.
    ValueError
        Unless exactly one of ``scheduler`` and ``n_local`` is given.
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, n_local: int | None = None):
        if (scheduler is None) == (n_local is None):
            raise ValidationError("DaskExecutor: give scheduler='tcp://host:port' or n_local=N")
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise MissingDependencyError("the Dask back end needs dask.distributed: "
                                         "pip install 'opdims[dask]'") from exc
        self.cluster = None
        if scheduler is not None:
            self.client = Client(scheduler, timeout="30s")
        else:
            n_local = check_positive_int(n_local, "dask_local", "worker processes")
            import dask

            # Dask starts its workers with MALLOC_TRIM_THRESHOLD_ set, which stops glibc from raising its
            # mmap threshold: every temporary array of a sweep step is then mapped and unmapped again (page
            # faults at each step). The BLAS limits stay; the trim setting is left out.
            environ = {k: v for k, v in dask.config.get("distributed.nanny.pre-spawn-environ", {}).items()
                       if k != "MALLOC_TRIM_THRESHOLD_"}
            with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
                self.cluster = LocalCluster(n_workers=n_local, threads_per_worker=1, processes=True,
                                            dashboard_address=None)
            self.client = Client(self.cluster)

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

        yield from as_completed(list(futures))

    def close(self) -> None:
        """Disconnect (and stop a local cluster)."""
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


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


def make_executor(workers: int = 1, *, scheduler: str | None = None, dask_local: int | None = None,
                  threads: int | None = None):
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

    Returns
    -------
    LocalExecutor or DaskExecutor
        The executor (a context manager).

    Raises
    ------
    ValueError
        If both Dask options, or Dask and ``workers > 1``, are given.
    """
    if scheduler is not None and dask_local is not None:
        raise ValidationError("scheduler and dask_local: give one of them")
    if scheduler is not None or dask_local is not None:
        if workers != 1:
            raise ValidationError("workers: the number of local processes; with Dask the cluster's workers run the jobs")
        return DaskExecutor(scheduler=scheduler, n_local=dask_local)
    return LocalExecutor(workers, threads)
