"""Speed on a busy machine: what users run, and the W2/W3 pieces, alone and next to CPU-bound processes.

Two parts, each timed on the machine as it is ("quiet": no competitors started) and then next to
``--competitors`` CPU-bound processes that the benchmark starts itself (each spins on one core in pure
Python) and stops afterwards:

- the commands users run, each in a fresh process, with the default threads and with ``--threads 1``,
  side by side: the README's main job (``opdims reproduce --out DIR`` on the bundled default networks)
  and ``opdims batch`` of one swg and one ctxt network (the bundled ones, both dimension types);
- the pieces (W2 sweep, W3 exact rows, a single row step), in this process.

The commands run with ``OMP_NUM_THREADS``, ``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS`` and
``OPDIMS_THREADS`` removed from their environment, as in a new user's shell. For each command the four
runs are made one after another (quiet: default, then 1 thread; loaded: 1 thread, then default), so that
the other load of a shared machine changes little between them; next to each time the table gives the
1-minute load average at its start and the mean number of runnable tasks while it ran (sampled from
``/proc/loadavg``; it counts this benchmark's own threads and its competitors too).

Targets (issue 18): with the competitors, the default within 2.5x of its quiet time, and never slower
than ``--threads 1`` on the same loaded machine (ratio default / 1 thread <= 1).

Run: python benchmarks/bench_under_load.py [--competitors 2] [--cases main batch-swg batch-ctxt pieces]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from _bench import machine_line

from opdims.analysis.executor import threads_per_job
from opdims.core.backend import usable_cores

SPIN = "import time\nend = time.time() + {seconds}\nwhile time.time() < end:\n    pass\n"
CASES = ("main", "batch-swg", "batch-ctxt", "pieces")
TARGET = 2.5  #: loaded / quiet, default threads
CLEAN_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OPDIMS_THREADS")


def commands(cases):
    """``{name: argv after 'python -m opdims'}`` of the user-level cases (``{out}``: a fresh folder)."""
    from opdims.data.sources import resolve_weights

    def bundled(task):
        return str(resolve_weights(task, None, original=None, use_env=False, option=f"--{task}-weights").path)

    known = {
        "main": ("README main job: opdims reproduce --out DIR (bundled ctxt + swg networks)",
                 ["reproduce", "--out", "{out}", "--quiet"]),
        "batch-swg": ("opdims batch, one swg network (bundled), columns + rows",
                      ["batch", "--tasks", "swg", "--swg-weights", bundled("swg"), "--out", "{out}", "--quiet"]),
        "batch-ctxt": ("opdims batch, one ctxt network (bundled), columns + rows",
                       ["batch", "--tasks", "ctxt", "--ctxt-weights", bundled("ctxt"), "--out", "{out}", "--quiet"]),
    }
    return {key: known[key] for key in cases if key in known}


class Sampler:
    """Mean of the runnable tasks (``/proc/loadavg``, 4th field) while the context runs."""

    def __init__(self, every: float = 0.5):
        self.every, self.samples = every, []
        self._stop = threading.Event()

    def _run(self):
        while not self._stop.wait(self.every):
            try:
                with open("/proc/loadavg") as f:
                    self.samples.append(int(f.read().split()[3].split("/")[0]))
            except (OSError, ValueError, IndexError):
                return

    @contextmanager
    def running(self):
        thread = threading.Thread(target=self._run, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join()

    @property
    def mean(self) -> float:
        return statistics.fmean(self.samples) if self.samples else float("nan")


def load1() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def run_command(argv, threads: int | None):
    """Seconds, load average at the start and mean runnable tasks of one fresh ``python -m opdims`` run."""
    env = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV}
    out = Path(tempfile.mkdtemp(prefix="opdims-load-"))
    try:
        args = [a.replace("{out}", str(out / "run")) for a in argv] + ([] if threads is None else
                                                                       ["--threads", str(threads)])
        start_load = load1()
        with Sampler().running() as sampler:
            start = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "opdims", *args], env=env, capture_output=True, text=True,
                                  check=False)
            seconds = time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit(f"opdims {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
        return seconds, start_load, sampler.mean
    finally:
        shutil.rmtree(out, ignore_errors=True)


@contextmanager
def competitors(n: int, seconds: float):
    """``n`` CPU-bound processes (ending by themselves after ``seconds`` at the latest)."""
    spinners = [subprocess.Popen([sys.executable, "-c", SPIN.format(seconds=seconds)]) for _ in range(n)]
    try:
        time.sleep(1.0)
        yield
    finally:
        for p in spinners:
            p.kill()
            p.wait()


def pieces():
    """The W2/W3 pieces of the first version of this benchmark (need the authors' data)."""
    import numpy as np
    from _bench import ctxt_network, data_dir, s3_run

    from opdims import rank_sweep
    from opdims.core.sampling import sampling_location_properties
    from opdims.data.sources import ORIGINAL_FILES
    from opdims.dims.exact_rows import best_row_dimension, exact_row_dimensions
    from opdims.matlab.scripts import read_sampling_locations

    net = ctxt_network(1)
    props = sampling_location_properties("ctxt")
    locations = read_sampling_locations(data_dir() / ORIGINAL_FILES["ctxt_columns"], props, net.n_units)
    run = s3_run("ctxt")
    basis = np.linalg.qr(np.random.default_rng(0).standard_normal((net.n_units, net.n_units)))[0]
    previous = exact_row_dimensions(net, locations[:1], n_dims=5).dims[0, :5].T

    def w2():
        rank_sweep(run.net, basis, "columns", run.trials.inputs, run.trials.condition_ids, run.trials.targets,
                   noise=run.noise)

    def w3():
        exact_row_dimensions(net, locations)

    def row_step():
        best_row_dimension(net, locations[0], previous)

    return {"W2 s3 sweep, ctxt net 1, 101 passes": (w2, 2),
            "W3 exact rows, 120 ctxt locations": (w3, 3),
            "one row step (best_row_dimension), called alone": (row_step, 200)}


def timed(fn, repeats: int) -> float:
    """Median seconds of ``repeats`` calls after one warm-up."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fmt(s: float) -> str:
    if s < 1:
        return f"{s * 1e3:.2f} ms"
    return f"{s:.1f} s" if s < 120 else f"{s / 60:.2f} min"


def cell(result) -> str:
    seconds, start_load, runnable = result
    return f"{fmt(seconds)} ({start_load:.1f} / {runnable:.1f})"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--competitors", type=int, default=2, help="CPU-bound processes started (default 2)")
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES),
                        help="what to time (default all: main batch-swg batch-ctxt pieces)")
    args = parser.parse_args()
    cores = usable_cores()
    default_threads = threads_per_job(1)
    header = machine_line()
    fair = (cores + args.competitors) / cores
    shown = "" if list(args.cases) == list(CASES) else " --cases " + " ".join(args.cases)
    title = f"## Under load — `python benchmarks/bench_under_load.py --competitors {args.competitors}{shown}`"
    setting = (f"{args.competitors} competing CPU-bound processes on {cores} cores (fair share: a slowdown of "
               f"{fair:.1f}x for a workload on every core, {(1 + args.competitors):.1f}x on one core). Targets: "
               f"loaded / quiet of the default <= {TARGET}x; default / 1 thread, loaded, <= 1.")
    lines = [title, "", header, "", setting, ""]
    user = commands(args.cases)
    if user:
        intro = (f"Commands users run, one fresh process each; default threads: {default_threads} (this machine's "
                 "choice for one worker). Each cell: time (1-minute load average at the start / mean runnable "
                 "tasks during the run).")
        columns = ("| command | quiet, default | quiet, 1 thread | loaded, 1 thread | loaded, default | default "
                   "loaded / quiet | default / 1 thread, loaded | default / 1 thread, quiet | targets met |")
        lines += [intro, "", columns, "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for key, (name, argv) in user.items():
            quiet_default = run_command(argv, None)
            print(f"{key}: quiet, default {cell(quiet_default)}", flush=True)
            quiet_one = run_command(argv, 1)
            print(f"{key}: quiet, 1 thread {cell(quiet_one)}", flush=True)
            with competitors(args.competitors, 60 + 20 * (quiet_default[0] + quiet_one[0])):
                loaded_one = run_command(argv, 1)
                print(f"{key}: loaded, 1 thread {cell(loaded_one)}", flush=True)
                loaded_default = run_command(argv, None)
                print(f"{key}: loaded, default {cell(loaded_default)}", flush=True)
            slowdown = loaded_default[0] / quiet_default[0]
            versus_one = loaded_default[0] / loaded_one[0]
            met = slowdown <= TARGET and versus_one <= 1.0
            lines.append(f"| {name} | {cell(quiet_default)} | {cell(quiet_one)} | {cell(loaded_one)} | "
                         f"{cell(loaded_default)} | {slowdown:.2f}x | {versus_one:.2f} | "
                         f"{quiet_default[0] / quiet_one[0]:.2f} | {'yes' if met else 'NO'} |")
            print(lines[-1], flush=True)
        lines.append("")
    if "pieces" in args.cases:
        cases = pieces()
        quiet = {name: timed(fn, n) for name, (fn, n) in cases.items()}
        budget = 60 + 4 * sum(quiet[name] * (n + 1) for name, (_, n) in cases.items())
        with competitors(args.competitors, budget):
            loaded = {name: timed(fn, n) for name, (fn, n) in cases.items()}
        lines += [f"Pieces, in this process (medians; load average at the end: {load1():.2f}):", "",
                  "| workload | quiet | loaded | slowdown | target met |", "| --- | --- | --- | --- | --- |"]
        for name in cases:
            ratio = loaded[name] / quiet[name]
            lines.append(f"| {name} | {fmt(quiet[name])} | {fmt(loaded[name])} | {ratio:.2f}x | "
                         f"{'yes' if ratio <= TARGET else 'NO'} |")
    text = "\n".join(lines)
    print(text)
    os.makedirs(os.path.join(os.path.dirname(__file__), "results"), exist_ok=True)
    with open(os.path.join(os.path.dirname(__file__), "results", "under_load.md"), "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
