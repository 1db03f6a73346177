"""Many networks: the analysis chain (:func:`opdims.analyse_network`) for every
network of one or more weights files, on one executor (local processes or
Dask), results streamed into an :class:`~opdims.io.AnalysisStore` as they
finish, resuming where a run stopped.

Each job is one network of one task, analysed for every dimension type (the
forward pass for the sampling locations and the sweep trials are shared
between them). A job carries the network itself (so workers need no shared
file system) and its number of threads (so its numbers do not depend on the
back end or worker that ran it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from ..core.backend import check_threads
from ..core.errors import FileFormatError
from ..core.network import Network
from ..core.validation import check_task, select_ids
from ..dims.network_analysis import NetworkAnalysis
from ..io import AnalysisStore, check_output_folder, list_networks, load_network, sha256_of_file
from ..version import __version__
from .chain import AnalysisOptions, analyse_network
from .executor import CONNECT_TIMEOUT, make_executor, threads_per_job

__all__ = ["AnalysisJob", "analyse_job", "batch_jobs", "run_batch"]


@dataclass(frozen=True)
class AnalysisJob:
    """One network to analyse.

    Parameters
    ----------
    task : str
        ``'ctxt'`` or ``'swg'``.
    net_id : int
        The network's number.
    network : opdims.Network
        Its weights.
    options : AnalysisOptions
        How to analyse it.
    threads : int
        opdims' worker threads of the job (its BLAS runs on one thread, see
        :func:`opdims.analyse_network`).
    provenance : dict
        Extra provenance (the weights file and its sha256).
    """

    task: str
    net_id: int
    network: Network = field(repr=False)
    options: AnalysisOptions
    threads: int = 1
    provenance: dict = field(default_factory=dict)

    def expected(self) -> dict:
        """Provenance entries a stored result must have to be reused.

        Returns
        -------
        dict
            Task, network id, options and opdims version.
        """
        return {"task": self.task, "net_id": self.net_id, "options": self.options.as_dict(),
                "opdims_version": __version__}


def analyse_job(job: AnalysisJob) -> NetworkAnalysis:
    """Run one job (in whichever process or worker the executor chose).

    Parameters
    ----------
    job : AnalysisJob
        The job.

    Returns
    -------
    NetworkAnalysis
        Its results.
    """
    return analyse_network(job.network, job.task, job.options, net_id=job.net_id, threads=job.threads,
                           provenance=job.provenance)


def batch_jobs(weights: dict, net_ids=None, options: AnalysisOptions | None = None, *,
               threads: int = 1) -> list[AnalysisJob]:
    """One job per task in ``weights`` (``{task: weights file}``) and network id.

    Parameters
    ----------
    weights : dict
        Task -> weights file (authors' layout or MAT).
    net_ids : iterable of int or range, or dict, optional
        Network ids (for every task), or task -> ids; default every network
        in each file. Ranges (:func:`opdims.core.validation.parse_id_ranges`)
        are checked against the file without being expanded.
    options : AnalysisOptions, optional
        How to analyse (default: both dimension types, all ranks).
    threads : int, optional
        Threads per job.

    Returns
    -------
    list of AnalysisJob
        The jobs, task by task, id by id.

    Raises
    ------
    FileNotFoundError
        If a weights file does not exist.
    KeyError
        If a network id is not in its file.
    """
    options = AnalysisOptions() if options is None else options
    threads = check_threads(threads)
    jobs = []
    for task, path in weights.items():
        check_task(task)
        path = Path(os.fspath(path))
        available = sorted({e.net_id for e in list_networks(path) if e.stage == "final"})
        wanted = net_ids.get(task) if isinstance(net_ids, dict) else net_ids
        ids = select_ids(wanted, available, str(path))
        digest = sha256_of_file(path)
        for net_id in ids:
            net = load_network(path, net_id)
            jobs.append(AnalysisJob(task, net_id, net, options, threads,
                                    {"weights": str(path), "weights_sha256": digest}))
    return jobs


def run_batch(jobs, store: AnalysisStore | None = None, *, workers: int = 1, scheduler: str | None = None,
              dask_local: int | None = None, recompute: bool = False, progress: bool = True,
              on_result=None, connect_timeout: float = CONNECT_TIMEOUT) -> list[NetworkAnalysis]:
    """Run ``jobs`` on one executor; store each result as it finishes.

    Parameters
    ----------
    jobs : sequence of AnalysisJob
        The jobs (:func:`batch_jobs`).
    store : AnalysisStore, optional
        Where results go as they finish; finished networks found there (same
        network fingerprint and settings) are not recomputed.
    workers : int, optional
        Local worker processes (default 1: this process).
    scheduler : str, optional
        A Dask scheduler's address instead.
    dask_local : int, optional
        A Dask ``LocalCluster`` of this many workers instead.
    recompute : bool, optional
        Recompute networks the store holds already.
    progress : bool, optional
        A progress bar over networks.
    on_result : callable, optional
        Called with each job and its result as it finishes.
    connect_timeout : float, optional
        Seconds a Dask scheduler has to answer (default 10).

    Returns
    -------
    list of NetworkAnalysis
        One per job, in the order of ``jobs``.

    Raises
    ------
    FileExistsError
        Before any work, if the store holds a file for a job that is not an
        opdims analysis of that network (:meth:`opdims.io.AnalysisStore.check_replaceable`).
    ValueError
        (:class:`~opdims.io.FileFormatError`) If a finished result to reuse is
        damaged (``recompute=True`` replaces it).
    """
    jobs = list(jobs)
    results: list = [None] * len(jobs)
    if store is not None:  # every folder it will write, checked before any work
        for task in dict.fromkeys(job.task for job in jobs):
            check_output_folder(store.folder / task, "output folder")
    todo = []
    if store is not None:
        for job in jobs:  # before any work: files there that are not our results are never touched
            store.check_replaceable(job.task, job.net_id)
    for i, job in enumerate(jobs):
        if store is not None and not recompute and store.finished(job.task, job.net_id, job.network.fingerprint(),
                                                                   job.expected()):
            try:
                results[i] = store.load(job.task, job.net_id)
            except FileFormatError as exc:
                raise FileFormatError(f"{exc}; rerun with --recompute (recompute=True) to analyse the network "
                                      "again and replace it") from exc
        else:
            todo.append(i)
    bar = tqdm(total=len(jobs), initial=len(jobs) - len(todo), desc="networks", unit="net", disable=not progress)
    with bar, make_executor(workers, scheduler=scheduler, dask_local=dask_local, threads=threads_per_job(workers),
                            connect_timeout=connect_timeout) as executor:
        futures = {executor.submit(analyse_job, jobs[i]): i for i in todo}
        for future in executor.as_completed(futures):
            i = futures[future]
            results[i] = executor.result(future)
            if store is not None:
                store.save(results[i])
            if on_result is not None:
                on_result(jobs[i], results[i])
            bar.set_postfix_str(f"{jobs[i].task} NetNr{jobs[i].net_id}")
            bar.update(1)
    return results
