"""The fault corpus: what the machine, the user or the cluster does to a run.

Each row runs the command line as a user does (a subprocess) and checks the
rules of issue 18: one line on stderr, a non-zero exit, nothing half-written
(no ``.part`` files, no output that does not load), and a rerun that resumes
or completes. A full disk is a small tmpfs the test mounts (as root; skipped
with the reason elsewhere). The cases are listed in docs/io.md ("Faults").
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from synthetic import random_network

from opdims import io
from opdims.core.errors import NotWritableError, Terminated

N = 6


def opdims_cmd(*args) -> list[str]:
    return [sys.executable, "-m", "opdims", *map(str, args)]


def run(*args, timeout=300, **kwargs):
    return subprocess.run(opdims_cmd(*args), check=False, capture_output=True, text=True, timeout=timeout,
                          **kwargs)


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{err}"
    return lines[0]


def assert_whole(folder: Path) -> None:
    """No temporary files; every analysis file loads."""
    assert not list(folder.rglob("*.part")), list(folder.rglob("*.part"))
    for path in folder.rglob("*.h5"):
        io.load_analysis(path)


def descendants(pid: int) -> set[int]:
    """Live (not zombie) processes below ``pid``."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if fields[0] != "Z":
                parents[int(entry)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pids) -> set[int]:
    left = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if state[state.rindex(")") + 2] != "Z":
            left.add(pid)
    return left


def wait_gone(pids, seconds=30) -> set[int]:
    deadline = time.monotonic() + seconds
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive(pids)


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    folder = tmp_path_factory.mktemp("weights")
    small = folder / "small.h5"
    for k in (1, 2):
        io.add_network_hdf5(small, k, random_network(N, n_in=1, n_out=1, n_ctx=1, seed=k, gain=1.2))
    slow = folder / "slow.h5"  # a few seconds per network: long enough to be interrupted
    for k in (1, 2, 3, 4):
        io.add_network_hdf5(slow, k, random_network(40, n_in=1, n_out=1, n_ctx=1, seed=k, gain=1.2))
    rng = np.random.default_rng(0)
    np.savez(folder / "trials.npz", inputs=rng.standard_normal((4, 200, 1)), targets=np.zeros((4, 200, 1)),
             labels=[0, 0, 1, 1])
    return SimpleNamespace(small=small, slow=slow, trials=folder / "trials.npz", folder=folder)


def _mount(path: Path, options: str):
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("a small file system needs root (mount -t tmpfs) on Linux")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], check=False,
                          capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")


@pytest.fixture
def small_disk(tmp_path):
    """A 64 kB file system (full after the first small file); ``grow()`` makes room."""
    mount = tmp_path / "disk"
    mount.mkdir()
    _mount(mount, "size=64k")

    def grow():
        subprocess.run(["mount", "-o", "remount,size=16m", str(mount)], check=True)

    def fill(leave=4096):
        stat = os.statvfs(mount)
        (mount / "filler").write_bytes(b"\0" * max(stat.f_bavail * stat.f_frsize - leave, 0))

    yield SimpleNamespace(path=mount, grow=grow, fill=fill)
    subprocess.run(["umount", "-l", str(mount)], check=False, capture_output=True)


@pytest.fixture
def read_only(tmp_path):
    """A folder nobody may write in (a read-only tmpfs as root, else a folder without write permission)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() == 0:
        _mount(folder, "size=64k,ro")
        yield folder
        subprocess.run(["umount", "-l", str(folder)], check=False, capture_output=True)
    else:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)


# ---- a full disk -------------------------------------------------------------------------------------------------

def test_disk_full_in_batch_is_one_line_and_a_rerun_resumes(weights, small_disk):
    out = small_disk.path / "out"
    args = ("batch", "--tasks", "swg", "--swg-weights", weights.small, "--out", out, "--dim-types", "columns",
            "--quiet")
    done = run(*args)
    assert done.returncode == 1, done.stderr
    line = one_line(done.stderr)
    assert "no space left" in line and str(out / "swg") in line, line
    assert_whole(out)
    small_disk.grow()
    again = run(*args)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in (out / "swg").iterdir()) == ["NetNr1.h5", "NetNr2.h5"]
    assert_whole(out)


def test_disk_full_in_analyse_writes_nothing_and_a_rerun_completes(weights, small_disk):
    out = small_disk.path / "out"
    args = ("analyse", "--weights", weights.small, "--trials", weights.trials, "--every", 50, "--out", out,
            "--no-figures", "--quiet")
    done = run(*args)
    assert done.returncode == 1, done.stderr
    line = one_line(done.stderr)
    assert "no space left" in line and str(out) in line, line
    assert sorted(p.name for p in out.iterdir()) == []  # all outputs together or none
    small_disk.grow()
    again = run(*args)
    assert again.returncode == 0, again.stderr
    assert {"analysis.h5", "analysis.mat", "summary.md"} <= {p.name for p in out.iterdir()}
    assert_whole(out)


def test_disk_full_with_both_formats_writes_neither(weights, small_disk):
    out = small_disk.path / "s1"
    small_disk.fill()
    args = ("s1", "--task", "swg", "--weights", weights.small, "--n-trials", 4, "--out", out, "--format", "both",
            "--no-figures", "--quiet")
    done = run(*args)
    assert done.returncode == 1, done.stderr
    assert "no space left" in one_line(done.stderr)
    assert not [p for p in out.rglob("*") if p.is_file()]
    small_disk.grow()
    assert run(*args).returncode == 0


@pytest.mark.parametrize("version", ["7", "7.3"])
def test_disk_full_writing_a_mat_file(small_disk, version):
    target = small_disk.path / "big.mat"
    with pytest.raises(NotWritableError, match=r"big\.mat: cannot write: no space left on device"):
        io.save_mat(target, {"x": np.random.default_rng(0).standard_normal((200, 200))}, version=version)
    assert list(small_disk.path.iterdir()) == []


def test_disk_full_while_train_writes_a_checkpoint_is_one_line_and_a_rerun_resumes(small_disk):
    """Issue 18: torch's writer reported a full disk as a RuntimeError traceback."""
    pytest.importorskip("torch")
    out = small_disk.path / "nets.h5"
    args = ("train", "swg", "--out", out, "--units", 5, "--max-iterations", 100, "--quiet")
    small_disk.fill(leave=2048)  # room for the check that the folder is writable, not for a checkpoint
    done = run(*args)
    assert done.returncode == 1, done.stderr
    line = one_line(done.stderr)
    assert "no space left" in line and "checkpoint" in line, line
    assert not list(small_disk.path.glob("*.part")) and not out.exists()
    (small_disk.path / "filler").unlink()
    small_disk.grow()
    again = run(*args)
    assert again.returncode == 0, again.stderr
    assert io.network_ids(out) == [1]


# ---- outputs that cannot be written, found before the work -----------------------------------------------------

def test_train_out_on_a_read_only_location(read_only):
    pytest.importorskip("torch")
    done = run("train", "swg", "--out", read_only / "nets.h5", "--units", 5, "--max-iterations", 2, "--quiet")
    assert done.returncode == 1
    line = one_line(done.stderr)
    assert "--out" in line and "cannot write" in line, line


def test_analyse_out_on_a_read_only_location(weights, read_only):
    done = run("analyse", "--weights", weights.small, "--trials", weights.trials, "--every", 50, "--out",
               read_only / "out", "--no-figures", "--quiet")
    assert done.returncode == 1
    assert "--out" in one_line(done.stderr)
    assert "opdims analyse: network" not in done.stdout  # refused before the work


def test_reproduce_with_an_unwritable_networks_folder_is_refused_before_work(weights, tmp_path):
    out = tmp_path / "rep"
    out.mkdir()
    (out / "networks").write_text("not a folder")
    done = run("reproduce", "--swg", weights.small, "--tasks", "swg", "--out", out, "--quiet")
    assert done.returncode == 1
    line = one_line(done.stderr)
    assert str(out / "networks") in line and "cannot create the folder" in line, line
    assert sorted(p.name for p in out.iterdir()) == ["networks"]


def test_a_fifo_where_an_output_goes_is_refused_without_blocking(weights, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "analysis.h5")
    done = run("analyse", "--weights", weights.small, "--trials", weights.trials, "--every", 50, "--out", out,
               "--no-figures", "--quiet", timeout=120)
    assert done.returncode == 1
    assert "analysis.h5" in one_line(done.stderr) and "exists already" in done.stderr


# ---- signals -----------------------------------------------------------------------------------------------------

def _start(args):
    return subprocess.Popen(opdims_cmd(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _wait_for_children(proc, n, seconds=120):
    deadline = time.monotonic() + seconds
    while len(descendants(proc.pid)) < n and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    return descendants(proc.pid)


def _batch_args(weights, out, *extra):
    return ("batch", "--tasks", "swg", "--swg-weights", weights.slow, "--out", out, "--dim-types", "columns",
            "--ranks", "1-40:10", "--quiet", *extra)


@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_workers_end_with_batch_and_release_the_callers_pipes(weights, tmp_path, how):
    """Issue 18, defect 7: the workers and the resource tracker outlived a terminated batch under PID 1."""
    out = tmp_path / "out"
    proc = _start(_batch_args(weights, out, "--workers", 2, "--threads", 1))
    children = _wait_for_children(proc, 3)  # two workers and the resource tracker
    if proc.poll() is not None:
        pytest.skip("the batch ended before it could be signalled")
    time.sleep(0.5)  # the workers at work
    os.kill(proc.pid, getattr(signal, how))
    _, err = proc.communicate(timeout=60)  # EOF on both pipes: nobody holds them any more
    assert not wait_gone(children), f"left running: {alive(children)}"
    if how == "SIGTERM":
        assert proc.returncode == 143, err
        line = one_line(err)
        assert "terminated" in line and "resume" in line, line
    assert_whole(out)
    again = run(*_batch_args(weights, out, "--workers", 2))
    assert again.returncode == 0, again.stderr
    assert len(list((out / "swg").glob("NetNr*.h5"))) == 4


@pytest.mark.parametrize("when", ["starting", "running"])
def test_sigint_to_a_dask_local_batch_is_one_line(weights, tmp_path, when):
    """Issue 18: SIGINT to batch --dask-local 2 printed Dask's warnings and the resource tracker's."""
    pytest.importorskip("distributed")
    out = tmp_path / "out"
    proc = _start(_batch_args(weights, out, "--dask-local", 2))
    children = _wait_for_children(proc, 2)
    if when == "running":  # a network done: the cluster is up and busy; Ctrl-C at a terminal reaches every process
        deadline = time.monotonic() + 240
        while not list(out.rglob("NetNr*.h5")) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        children = descendants(proc.pid)
    if proc.poll() is not None:
        pytest.skip("the batch ended before it could be interrupted")
    if when == "running":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGINT)  # while the cluster starts
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in one_line(err)
    assert not wait_gone(children), f"left running: {alive(children)}"
    assert_whole(out)


_INTERRUPT_WHILE_IMPORTING = """
import os, signal, sys
class Interrupt:  # a Ctrl-C in the middle of opdims' imports, when it loads this module
    def find_spec(self, name, path=None, target=None):
        if name == "opdims.core.simulate":
            os.kill(os.getpid(), signal.SIGINT)
        return None
sys.meta_path.insert(0, Interrupt())
sys.argv = {argv!r}
{start}
"""


@pytest.mark.parametrize("how", ["python -m opdims", "the opdims script", "a user's program"])
def test_ctrl_c_while_opdims_is_imported(how):
    """Issue 18: a Ctrl-C in the first half second of a command (its imports) printed a traceback."""
    argv, start = {
        "python -m opdims": (["-m", "info", "x.h5"], "import runpy; runpy._run_module_as_main('opdims')"),
        "the opdims script": (["/usr/local/bin/opdims", "info", "x.h5"],
                              "from opdims.cli import main; sys.exit(main())"),
        "a user's program": (["analysis.py"], "import opdims"),
    }[how]
    done = subprocess.run([sys.executable, "-c", _INTERRUPT_WHILE_IMPORTING.format(argv=argv, start=start)],
                          capture_output=True, text=True, timeout=120, check=False)
    if how == "a user's program":  # not opdims' to decide: the KeyboardInterrupt goes on to the program
        assert "KeyboardInterrupt" in done.stderr and done.returncode != 0, done.stderr
        return
    assert done.returncode == 130, done.stderr
    assert one_line(done.stderr) == "opdims: interrupted while starting"


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


@pytest.mark.parametrize("executor", [("--workers", 2, "--threads", 1), ("--dask-local", 2)],
                         ids=["workers", "dask-local"])
def test_ctrl_c_to_the_group_while_the_workers_start_is_one_line(weights, tmp_path, executor):
    """Issue 18: a Ctrl-C reaching a worker while Python started in it printed a traceback or a fatal error."""
    if executor[0] == "--dask-local":
        pytest.importorskip("distributed")
    out = tmp_path / "out"
    proc = _start(_batch_args(weights, out, *executor))
    deadline = time.monotonic() + 120
    worker = None
    while worker is None and time.monotonic() < deadline and proc.poll() is None:
        # the first worker process as soon as it exists (not the resource tracker): Python is starting in it
        worker = next((p for p in descendants(proc.pid) if b"spawn_main" in _cmdline(p)), None)
        time.sleep(0.002)
    if worker is None:
        pytest.skip("no worker process was seen starting")
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C at a terminal: every process of the group
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in one_line(err)
    assert not wait_gone(descendants(proc.pid) | {worker}), "workers left running"
    assert_whole(out)


def test_sigterm_during_the_computation_of_analyse_writes_nothing(weights, tmp_path):
    out = tmp_path / "out"
    args = ("analyse", "--weights", weights.slow, "--trials", weights.trials, "--every", 20, "--out", out,
            "--no-figures", "--quiet")
    proc = _start(args)
    proc.stdout.readline()  # the first line: the network is loaded, the work starts
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    if proc.returncode == 0:
        pytest.skip("the analysis finished before the signal")
    assert proc.returncode == 143, err
    assert "terminated" in one_line(err)
    assert sorted(p.name for p in out.iterdir()) == []
    again = run(*args)
    assert again.returncode == 0, again.stderr


@pytest.mark.parametrize("handler", ["cli", "default"])
def test_sigterm_during_a_write_completes_or_removes_it(tmp_path, handler):
    """SIGTERM in the middle of writing: held back until the file is whole, then delivered; no .part left."""
    target = tmp_path / "x.analysis.h5"
    script = (
        "import os, signal, numpy as np\n"
        "from opdims import io\n"
        "from opdims.core.errors import Terminated\n"
        "def stop(signum, frame):\n"
        "    raise Terminated\n"
        + ("signal.signal(signal.SIGTERM, stop)\n" if handler == "cli" else "")
        + f"with io.hdf5_output({str(target)!r}) as f:\n"
        "    f['a'] = np.arange(10)\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    f['b'] = np.arange(5)\n"
        "print('not reached')\n")
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True,
                          timeout=120)
    assert "not reached" not in done.stdout
    assert done.returncode == (1 if handler == "cli" else -signal.SIGTERM), done.stderr
    if handler == "cli":
        assert "Terminated" in done.stderr
    assert not list(tmp_path.glob("*.part"))
    import h5py

    with h5py.File(target, "r") as f:  # whole: both datasets
        assert sorted(f) == ["a", "b"]


def test_terminated_is_an_interrupt():
    assert issubclass(Terminated, KeyboardInterrupt)


# ---- Dask schedulers that are not there ------------------------------------------------------------------------

@pytest.fixture
def silent_server():
    """A TCP server on 127.0.0.1 that accepts connections and says nothing."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held = []

    def accept():
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"tcp://127.0.0.1:{server.getsockname()[1]}"
    server.close()
    for conn in held:
        conn.close()


def _closed_port():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return f"tcp://127.0.0.1:{port}"


@pytest.mark.parametrize("where", ["silent", "closed", "notanaddress"])
def test_a_scheduler_that_is_not_there_is_one_line(weights, tmp_path, silent_server, where):
    """Issue 18, defect 9: a silent service hung for minutes, a closed port gave 54 lines after 31 s."""
    pytest.importorskip("distributed")
    address = {"silent": silent_server, "closed": _closed_port(), "notanaddress": "notanaddress"}[where]
    done = run("batch", "--tasks", "swg", "--swg-weights", weights.small, "--out", tmp_path / "out", "--scheduler",
               address, "--connect-timeout", 2, "--quiet", timeout=120)
    assert done.returncode == 1, done.stderr
    line = one_line(done.stderr)
    assert "--scheduler" in line and address in line, line
    if where == "notanaddress":
        assert "expected tcp://HOST:PORT" in line
    else:
        assert "within 2 s" in line
    assert not (tmp_path / "out" / "swg").exists() or not list((tmp_path / "out" / "swg").iterdir())


def test_connect_timeout_must_be_positive(weights, tmp_path):
    done = run("batch", "--tasks", "swg", "--swg-weights", weights.small, "--out", tmp_path / "out",
               "--connect-timeout", 0)
    assert done.returncode == 1 and "--connect-timeout" in one_line(done.stderr)


def test_a_scheduler_dying_mid_run_is_one_line_and_keeps_the_finished_networks(weights, tmp_path):
    distributed = pytest.importorskip("distributed")
    del distributed
    scheduler = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                                  "--port", "0", "--no-dashboard", "--scheduler-file", str(tmp_path / "s.json")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    worker = None
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "s.json").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        import json

        address = json.loads((tmp_path / "s.json").read_text())["address"]
        worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nworkers", "1",
                                   "--nthreads", "1", "--no-dashboard"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        out = tmp_path / "out"
        args = _batch_args(weights, out, "--scheduler", address, "--connect-timeout", 5)
        proc = _start(args)
        deadline = time.monotonic() + 180
        while not list(out.rglob("NetNr*.h5")) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        os.killpg(scheduler.pid, signal.SIGKILL)
        _, err = proc.communicate(timeout=180)
        if proc.returncode == 0:
            pytest.skip("the batch finished before the scheduler was killed")
        assert proc.returncode == 1, err
        line = one_line(err)
        assert address in line and "stopped answering" in line, line
        assert_whole(out)
    finally:
        for p in (scheduler, worker):
            if p is not None and p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


# ---- memory -------------------------------------------------------------------------------------------------------

def test_trials_that_cannot_fit_in_memory_are_refused_with_the_estimate(tmp_path):
    """Issue 18: 0.77 GB of trials took 9 GB; under ulimit -v 4G a MemoryError traceback."""
    resource = pytest.importorskip("resource")
    weights = tmp_path / "w.h5"
    io.add_network_hdf5(weights, 1, random_network(500, n_in=1, n_out=1, n_ctx=1, seed=1))
    trials = tmp_path / "long.npz"
    np.savez(trials, inputs=np.zeros((4, 200_000, 1)), targets=np.zeros((4, 200_000, 1)), labels=[0, 0, 1, 1])
    limit = 4 * 1024 ** 3

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    out = tmp_path / "out"
    done = run("analyse", "--weights", weights, "--trials", trials, "--every", 1000, "--out", out, "--no-figures",
               "--quiet", preexec_fn=cap)
    assert done.returncode == 1, done.stderr
    line = one_line(done.stderr)
    assert "--trials" in line and "long.npz" in line and "needs about" in line and "GB" in line, line
    assert not out.exists() or not list(out.iterdir())
