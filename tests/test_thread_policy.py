"""The thread policy (issue 18): how many threads a network gets, and BLAS on one thread inside every analysis.

opdims' parallelism is its own worker threads (blocks of ranks, pieces of trials, locations) and processes
(networks); BLAS runs on one thread. A multi-threaded BLAS under those worker threads queues on the BLAS
lock and spins for cores that other processes hold (``opdims reproduce --tasks swg --dims columns`` ran
for more than ten minutes next to two busy processes, against about 1.5 with ``--threads 1``).
"""

import numpy as np
import pytest
from synthetic import random_network

from opdims import AnalysisOptions, analyse_network
from opdims.analysis import chain
from opdims.analysis.batch import AnalysisJob, analyse_job
from opdims.analysis.executor import threads_per_job
from opdims.core.backend import THREADS_ENV, blas_threads, usable_cores

threadpoolctl = pytest.importorskip("threadpoolctl")


def blas_now() -> int:
    """The most threads any BLAS of this process may use now."""
    infos = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    return max((i["num_threads"] for i in infos), default=1)


def blas_can_run(n: int) -> bool:
    with threadpoolctl.threadpool_limits(limits=n, user_api="blas"):
        return blas_now() >= n


@pytest.mark.parametrize(("cores", "workers", "dask_local", "expected"), [
    (2, 1, None, 2),    # one network at a time: its worker threads take the cores
    (2, 2, None, 1),    # two worker processes: one thread each
    (2, 3, None, 1),    # more processes than cores: never below one
    (16, 3, None, 5),   # the cores shared, rounded down
    (8, 1, 4, 2),       # a Dask LocalCluster on this machine counts as its workers
    (1, 1, None, 1),
])
def test_threads_per_network_share_the_cores_among_the_workers(monkeypatch, cores, workers, dask_local, expected):
    monkeypatch.setenv(THREADS_ENV, str(cores))
    assert usable_cores() == cores
    assert threads_per_job(workers, dask_local=dask_local) == expected


def test_networks_on_a_dask_scheduler_get_one_thread(monkeypatch):
    monkeypatch.setenv(THREADS_ENV, "16")
    assert threads_per_job(1, scheduler="tcp://host:8786") == 1


def spy_blas(monkeypatch, name):
    """Wrap ``opdims.analysis.chain.<name>``; return the list of BLAS thread counts seen at its calls."""
    seen = []
    original = getattr(chain, name)

    def spy(*args, **kwargs):
        seen.append(blas_now())
        return original(*args, **kwargs)

    monkeypatch.setattr(chain, name, spy)
    return seen


def small_net():
    return random_network(6, n_in=1, n_out=1, n_ctx=1, seed=3, gain=1.2)


def test_a_job_with_two_threads_runs_its_blas_on_one(monkeypatch):
    if not blas_can_run(2):
        pytest.skip("this BLAS cannot run 2 threads")
    seen = {name: spy_blas(monkeypatch, name) for name in ("rank_sweep", "local_dimensions", "location_summary")}
    job = AnalysisJob("swg", 1, small_net(), AnalysisOptions(dim_types=("columns", "rows"), ranks=(1, 3)),
                      threads=2)
    with blas_threads(2):  # also inside a caller's wider limit
        analyse_job(job)
    assert all(seen.values()), seen
    assert {name: set(counts) for name, counts in seen.items()} == {name: {1} for name in seen}
    assert blas_now() >= 1  # the limit is lifted again afterwards


def test_analyse_network_runs_blas_on_one_thread_and_its_numbers_do_not_depend_on_threads(monkeypatch):
    if not blas_can_run(2):
        pytest.skip("this BLAS cannot run 2 threads")
    seen = spy_blas(monkeypatch, "rank_sweep")
    net = small_net()
    options = AnalysisOptions(dim_types=("columns",), ranks=(1, 2, 6))
    one = analyse_network(net, "swg", options, threads=1)
    two = analyse_network(net, "swg", options, threads=2)
    assert set(seen) == {1}
    for key in one.results:
        np.testing.assert_array_equal(one.results[key].sweep.cost, two.results[key].sweep.cost)
        np.testing.assert_array_equal(one.results[key].basis, two.results[key].basis)


def test_the_smallest_open_blas_limit_holds_and_the_limits_found_come_back():
    if not blas_can_run(2):
        pytest.skip("this BLAS cannot run 2 threads")
    before = blas_now()
    with blas_threads(2):
        assert blas_now() == 2
        with blas_threads(1):
            assert blas_now() == 1
            with blas_threads(2):  # a wider limit inside does not widen it
                assert blas_now() == 1
            assert blas_now() == 1
        assert blas_now() == 2
    assert blas_now() == before
