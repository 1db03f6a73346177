"""Many networks at once: s2 + s3 (local and global operative dimensions and the
rank sweep) for every network, dimension type and task, spread over processes.

Each job is one network of one task, analysed for both dimension types (the
s2 forward pass and the s3 trials are shared between them); jobs are
independent, so ``workers`` processes run them side by side, each with
``threads`` threads for its own simulations (``$OPDIMS_THREADS``).
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import h5py
import numpy as np
from tqdm.auto import tqdm

from .global_dims import global_operative_dimensions, variance_explained
from .io import atomic_output
from .local_dims import local_operative_dimensions
from .reduce import check_dim_type
from .sampling import condition_averages, locations_in_order, sampling_location_properties
from .backend import THREADS_ENV, usable_cores
from .simulate import simulate
from .sweeps import rank_sweep
from .tasks import check_task

__all__ = ["BatchJob", "BatchResult", "batch_jobs", "run_batch", "save_batch"]


@dataclass(frozen=True)
class BatchJob:
    """One network: ``net_id`` of ``weights`` (a weights file, or a :class:`~opdims.Network`)
    for ``task``, analysed for each of ``dim_types``."""

    task: str
    weights: object
    net_id: int
    dim_types: tuple = ("columns", "rows")
    row_method: str = "exact"


@dataclass
class BatchResult:
    """What s2 + s3 gave for one network and dimension type: variance explained per
    global dimension ``[N]``, cost and state distance per rank ``[N]``, the
    full-rank cost, and the wall-clock seconds of the network's job."""

    task: str
    net_id: int
    dim_type: str
    variance_explained: np.ndarray
    ranks: np.ndarray
    cost: np.ndarray
    state_distance: np.ndarray
    full_cost: float
    seconds: float


def batch_jobs(weights: dict, net_ids, dim_types=("columns", "rows"), row_method: str = "exact") -> list[BatchJob]:
    """One job per task in ``weights`` (``{task: weights file}``) and network id."""
    dim_types = tuple(check_dim_type(d) for d in dim_types)
    jobs = []
    for task, path in weights.items():
        check_task(task)
        if not Path(path).is_file():
            raise FileNotFoundError(f"weights file for {task}: {path} does not exist")
        jobs.extend(BatchJob(task, os.fspath(path), int(net_id), dim_types, row_method) for net_id in net_ids)
    return jobs


def _sampling_locations(run, props) -> np.ndarray:
    """s2's sampling locations: the full-rank network's condition averages at the sampled times."""
    trials = run.trials
    info = ({"condition_ids": trials.condition_ids, "coherencies": trials.coherencies} if trials.task == "ctxt"
            else {"freq_ids": trials.freq_ids})
    x = simulate(run.net, trials.inputs, trials.condition_ids, noise=run.noise).x
    averages = condition_averages(x, props, **info)
    return locations_in_order(averages[:, props.times_per_condition - 1], props)


def run_job(job: BatchJob) -> list[BatchResult]:
    """s2 and s3 of one network, as the original scripts with their default settings,
    sharing the s2 forward pass and the s3 trials between the dimension types."""
    from .pipelines import prepare_run

    start = time.perf_counter()
    props = sampling_location_properties(job.task)
    s2 = prepare_run("s2", job.weights, job.task, net_id=job.net_id)
    locations = _sampling_locations(s2, props)
    s3 = prepare_run("s3", job.weights, job.task, net_id=job.net_id)
    trials = s3.trials
    results = []
    for dim_type in job.dim_types:
        options = {"method": job.row_method} if dim_type == "rows" else {}
        local = local_operative_dimensions(s2.net, locations, dim_type, **options)
        basis, singular_values = global_operative_dimensions(local.dims, local.fvals, props)
        sweep = rank_sweep(s3.net, basis, dim_type, trials.inputs, trials.condition_ids, trials.targets,
                           noise=s3.noise)
        results.append(BatchResult(job.task, job.net_id, dim_type, variance_explained(singular_values),
                                   sweep.ranks, sweep.cost, sweep.state_distance, sweep.full_cost, 0.0))
    for res in results:
        res.seconds = time.perf_counter() - start
    return results


def _start_worker(threads: int) -> None:
    """Worker process set-up: its simulations and BLAS use ``threads`` threads."""
    os.environ[THREADS_ENV] = str(threads)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(threads)


def run_batch(jobs, *, workers: int = 1, threads: int | None = None, progress: bool = True) -> list[BatchResult]:
    """Run ``jobs`` on ``workers`` processes (1: in this process), each using
    ``threads`` threads (default: the usable cores shared among the workers).
    Results come back in the order of ``jobs``, one per job and dimension type."""
    jobs = list(jobs)
    workers = max(1, int(workers))
    threads = max(1, usable_cores() // workers) if threads is None else max(1, int(threads))
    results: list[list[BatchResult]] = [[] for _ in jobs]
    with tqdm(total=len(jobs), desc="networks", unit="network", disable=not progress) as bar:
        if workers == 1:
            previous = os.environ.get(THREADS_ENV)
            os.environ[THREADS_ENV] = str(threads)
            try:
                for i, job in enumerate(jobs):
                    results[i] = run_job(job)
                    bar.update()
            finally:
                if previous is None:
                    os.environ.pop(THREADS_ENV)
                else:
                    os.environ[THREADS_ENV] = previous
        else:
            with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_start_worker,
                                     initargs=(threads,)) as pool:
                futures = {pool.submit(run_job, job): i for i, job in enumerate(jobs)}
                for future in as_completed(futures):
                    results[futures[future]] = future.result()
                    bar.update()
    return [res for per_job in results for res in per_job]


def save_batch(path, results, overwrite: bool = False) -> Path:
    """Write results to HDF5: one group ``/<task>/NetNr<id>/<dim_type>`` per job."""
    path = Path(path)
    with atomic_output(path, overwrite) as temporary, h5py.File(temporary, "w") as f:
        for res in results:
            g = f.create_group(f"{res.task}/NetNr{res.net_id}/{res.dim_type}")
            for name in ("variance_explained", "ranks", "cost", "state_distance"):
                g.create_dataset(name, data=getattr(res, name))
            g.attrs["full_cost"] = res.full_cost
            g.attrs["seconds"] = res.seconds
    return path
