"""Many networks through the one chain: jobs, the executor's two back ends, the store, the command."""

import os
import signal

import numpy as np
import pytest
from synthetic import random_network

from opdims import AnalysisOptions, analyse_network, io
from opdims.analysis.batch import AnalysisJob, analyse_job, batch_jobs, run_batch
from opdims.analysis.executor import LocalExecutor, make_executor
from opdims.cli import main
from opdims.cli.batch import parse_net_ids
from opdims.matlab.scripts import s3_global_operative_dimensions


def small(task, seed):
    return random_network(6, n_in=5 if task == "ctxt" else 1, n_out=1, n_ctx=2 if task == "ctxt" else 1,
                          seed=seed, gain=1.2)


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    folder = tmp_path_factory.mktemp("weights")
    paths = {}
    for task in ("ctxt", "swg"):
        paths[task] = folder / f"{task}.h5"
        for k in (1, 2, 3):
            io.add_network_hdf5(paths[task], k, small(task, 10 * k + len(task)))
    return paths


def curves(analysis):
    return {key: (r.singular_values, r.sweep.cost, r.sweep.state_distance, r.basis)
            for key, r in analysis.results.items()}


def assert_identical(a, b):
    assert a.results.keys() == b.results.keys()
    for key in a.results:
        for x, y in zip(curves(a)[key], curves(b)[key]):
            np.testing.assert_array_equal(x, y)


@pytest.mark.parametrize("task", ["ctxt", "swg"])
def test_batch_job_equals_the_s3_pipeline(task):
    """The chain run by a batch job gives the s3 pipeline's numbers (there is one chain)."""
    net = small(task, 12)
    job = AnalysisJob(task, 1, net, AnalysisOptions(), threads=1)
    result = analyse_job(job)
    for dim_type in ("columns", "rows"):
        pipeline = s3_global_operative_dimensions(net, task, dim_type)
        np.testing.assert_array_equal(result[dim_type].singular_values, pipeline.global_dims.singular_values)
        np.testing.assert_array_equal(result[dim_type].sweep.cost, pipeline.sweep.cost)
        np.testing.assert_array_equal(result[dim_type].sweep.state_distance, pipeline.sweep.state_distance)


def test_jobs_from_weights_files(weights):
    jobs = batch_jobs(weights, [1, 3])
    assert [(j.task, j.net_id) for j in jobs] == [("ctxt", 1), ("ctxt", 3), ("swg", 1), ("swg", 3)]
    assert jobs[0].provenance["weights_sha256"] == io.sha256_of_file(weights["ctxt"])
    with pytest.raises(ValueError, match=r"no network\(s\) \[9\]"):
        batch_jobs(weights, [9])
    with pytest.raises(FileNotFoundError, match="no such file"):
        batch_jobs({"swg": weights["swg"].with_name("none.h5")})
    assert parse_net_ids("1-3,7") == [1, 2, 3, 7]
    with pytest.raises(ValueError, match="--nets"):
        parse_net_ids("one")


def test_store_streams_results_and_resumes(weights, tmp_path, monkeypatch):
    import opdims.analysis.batch as batch

    jobs = batch_jobs({"swg": weights["swg"]}, options=AnalysisOptions(dim_types=("columns",), ranks=(1, 3, 6)))
    store = io.AnalysisStore(tmp_path / "store")
    seen = []
    first = run_batch(jobs, store, progress=False, on_result=lambda job, res: seen.append(job.net_id))
    assert seen == [1, 2, 3]
    assert sorted(p.name for p in (tmp_path / "store" / "swg").iterdir()) == ["NetNr1.h5", "NetNr2.h5", "NetNr3.h5"]
    monkeypatch.setattr(batch, "analyse_network", lambda *a, **k: pytest.fail("finished network recomputed"))
    again = run_batch(jobs, store, progress=False)
    for a, b in zip(first, again):
        assert_identical(a, b)
    # other settings are not "finished"
    other = batch_jobs({"swg": weights["swg"]}, [1], AnalysisOptions(dim_types=("columns",), ranks=(1, 2)))
    with pytest.raises(pytest.fail.Exception, match="recomputed"):
        run_batch(other, store, progress=False)


def test_dask_local_cluster_gives_the_local_numbers_bit_for_bit(weights, tmp_path):
    pytest.importorskip("distributed")
    jobs = batch_jobs(weights, [1, 2], AnalysisOptions(ranks=(1, 2, 4, 6)))
    local = run_batch(jobs, progress=False)
    dask = run_batch(jobs, io.AnalysisStore(tmp_path / "dask"), dask_local=2, progress=False)
    for a, b in zip(local, dask):
        assert (a.provenance["task"], a.provenance["net_id"]) == (b.provenance["task"], b.provenance["net_id"])
        assert_identical(a, b)


def test_a_killed_dask_worker_does_not_lose_networks(weights, tmp_path):
    """Two workers; one is killed (SIGKILL) while the batch runs: every network still finishes, equal to a
    clean run, and the store holds only whole files."""
    distributed = pytest.importorskip("distributed")
    options = AnalysisOptions(dim_types=("columns",))
    jobs = batch_jobs(weights, None, options)
    clean = run_batch(jobs, progress=False)
    killed = []

    def kill_a_busy_worker(job, result):
        if killed:
            return
        client = distributed.Client.current()
        busy = [addr for addr, keys in client.processing().items() if keys] or list(client.processing())
        pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    store = io.AnalysisStore(tmp_path / "store")
    results = run_batch(jobs, store, dask_local=2, progress=False, on_result=kill_a_busy_worker)
    assert killed
    for job, a, b in zip(jobs, clean, results):
        assert_identical(a, b)
        assert_identical(a, store.load(job.task, job.net_id))
    assert not list((tmp_path / "store").rglob("*.part"))


def test_executor_choices():
    with make_executor() as ex:
        assert isinstance(ex, LocalExecutor) and ex.workers == 1
        assert [f.result() for f in ex.as_completed([ex.submit(abs, -3)])] == [3]
    with LocalExecutor(2) as ex:
        assert sorted(f.result() for f in ex.as_completed([ex.submit(abs, k) for k in (-1, -2)])) == [1, 2]
    with pytest.raises(ValueError, match="give one of them"):
        make_executor(scheduler="tcp://x:1", dask_local=2)
    with pytest.raises(ValueError, match="workers: "):
        make_executor(2, dask_local=2)


def test_command_writes_the_store_and_resumes(weights, tmp_path, capsys):
    argv = ["batch", "--tasks", "swg", "--swg-weights", str(weights["swg"]), "--nets", "1-2", "--dim-types",
            "columns", "--ranks", "1-6:2", "--out", str(tmp_path / "out"), "--quiet"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "2 networks in" in out and "swg      1 columns" in out
    stored = io.load_analysis(tmp_path / "out" / "swg" / "NetNr1.h5")
    np.testing.assert_array_equal(stored["columns"].sweep.ranks, [1, 3, 5])
    assert main(argv) == 0  # resumes: nothing to do
    assert main(["batch", "--tasks", "swg", "--swg-weights", str(tmp_path / "none.h5"), "--out",
                 str(tmp_path / "o")]) == 1
    assert "--swg-weights" in capsys.readouterr().err


def test_analyse_network_is_the_chain_of_every_entry_point(weights):
    """analyse_network with a path equals the job run on the loaded network."""
    a = analyse_network(weights["swg"], "swg", dim_types=("rows",), ranks=(2, 4), net_id=2)
    b = analyse_job(AnalysisJob("swg", 2, io.load_network(weights["swg"], 2),
                                AnalysisOptions(dim_types=("rows",), ranks=(2, 4)), threads=2))
    assert_identical(a, b)
