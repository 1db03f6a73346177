"""Speed on a busy machine: W2, W3 and single-call row steps alone and next to CPU-bound processes.

The benchmark starts the competing processes itself (each spins on one core in pure Python), measures
every workload first on a quiet machine and then with them running, stops them, and reports the slowdown
(loaded / quiet). With C competing processes on K cores, a workload using all K cores gets a fair share
of K / (K + C) of the machine: a slowdown of (K + C) / K (2x for two competitors on 2 cores).

Run: python benchmarks/bench_under_load.py [--competitors 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from _bench import ctxt_network, data_dir, machine_line, s3_run

from opdims import rank_sweep
from opdims.core.backend import usable_cores
from opdims.core.sampling import sampling_location_properties
from opdims.data.sources import ORIGINAL_FILES
from opdims.dims.exact_rows import best_row_dimension, exact_row_dimensions
from opdims.matlab.scripts import read_sampling_locations

SPIN = "import time\nend = time.time() + {seconds}\nwhile time.time() < end:\n    pass\n"


def workloads():
    net = ctxt_network(1)
    props = sampling_location_properties("ctxt")
    locations = read_sampling_locations(data_dir() / ORIGINAL_FILES["ctxt_columns"], props, net.n_units)
    run = s3_run("ctxt")
    import numpy as np

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
    return f"{s * 1e3:.2f} ms" if s < 1 else f"{s:.2f} s"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--competitors", type=int, default=2, help="CPU-bound processes started (default 2)")
    args = parser.parse_args()
    cases = workloads()
    quiet = {name: timed(fn, n) for name, (fn, n) in cases.items()}
    budget = 60 + 4 * sum(quiet[name] * (n + 1) for name, (_, n) in cases.items())
    spinners = [subprocess.Popen([sys.executable, "-c", SPIN.format(seconds=budget)]) for _ in range(args.competitors)]
    try:
        time.sleep(1.0)
        loaded = {name: timed(fn, n) for name, (fn, n) in cases.items()}
    finally:
        for p in spinners:
            p.kill()
            p.wait()
    cores = usable_cores()
    fair = (cores + args.competitors) / cores
    lines = [f"## Under load — `python benchmarks/bench_under_load.py --competitors {args.competitors}`", "",
             machine_line(), "",
             f"{args.competitors} competing CPU-bound processes on {cores} cores (fair share: a slowdown of "
             f"{fair:.1f}x for a workload on every core); medians; target <= 2.5x", "",
             "| workload | quiet | loaded | slowdown | target met |", "| --- | --- | --- | --- | --- |"]
    for name in cases:
        ratio = loaded[name] / quiet[name]
        lines.append(f"| {name} | {fmt(quiet[name])} | {fmt(loaded[name])} | {ratio:.2f}x | "
                     f"{'yes' if ratio <= 2.5 else 'NO'} |")
    text = "\n".join(lines)
    print(text)
    os.makedirs(os.path.join(os.path.dirname(__file__), "results"), exist_ok=True)
    with open(os.path.join(os.path.dirname(__file__), "results", "under_load.md"), "w") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main()
