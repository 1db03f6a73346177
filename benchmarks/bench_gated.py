"""What a GRU costs: local operative dimensions per location and the rank sweep per rank.

A random GRU (weight_hh ~ gain * randn / sqrt(N), gain 2, biases 0.3 randn) of N units, locations
taken from its own trajectories, both dimension types by the generic solver
(:mod:`opdims.dims.generic`), and a rank sweep of a few ranks on ``--trials`` trials of
``--steps`` steps. The local dimensions are timed on one thread and, side by side in the same run, on
``--threads`` worker threads over the locations (the same result, checked); the one-thread times are
also given as CPU seconds of this process (the work done, also on a busy machine). Prints a table and
writes it to ``benchmarks/results/bench_gated.md``::

    python benchmarks/bench_gated.py --units 100 256 --locations 4 --threads 2
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np
import torch  # noqa: F401  (imported before the timing: the solver needs it)

from opdims.core.cells import gated_network_from_tensors, run_gated
from opdims.dims.generic import generic_local_dimensions
from opdims.dims.sweeps import rank_sweep

RESULTS = Path(__file__).parent / "results"


def random_gru(n: int, n_in: int = 3, seed: int = 0):
    rng = np.random.default_rng(seed)
    return gated_network_from_tensors("gru", rng.standard_normal((3 * n, n_in)),
                                      2.0 * rng.standard_normal((3 * n, n)) / np.sqrt(n),
                                      0.3 * rng.standard_normal(3 * n), 0.3 * rng.standard_normal(3 * n),
                                      readout_weight=rng.standard_normal((1, n)) / np.sqrt(n))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[100, 256])
    parser.add_argument("--locations", type=int, default=2, help="locations timed per dimension type")
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--ranks", type=int, default=4, help="ranks of the timed sweep")
    parser.add_argument("--threads", type=int, default=2, help="worker threads of the second timing")
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    rows = []
    for n in args.units:
        net = random_gru(n)
        inputs = rng.standard_normal((args.trials, args.steps, net.n_inputs))
        states = run_gated(net, inputs, np.zeros((args.trials, n)))
        locations = states[:args.locations, args.steps // 2]
        line = {"N": n}
        for dim_type in ("columns", "rows"):
            started, cpu = time.perf_counter(), time.process_time()
            local = generic_local_dimensions(net, locations, dim_type, threads=1)
            wall1, cpu1 = time.perf_counter() - started, time.process_time() - cpu
            started = time.perf_counter()
            again = generic_local_dimensions(net, locations, dim_type, threads=args.threads)
            wall2 = time.perf_counter() - started
            assert np.array_equal(local.fvals, again.fvals, equal_nan=True), "threads changed the result"
            line[dim_type] = (wall1 / len(locations), cpu1 / len(locations), float(local.counts.mean()),
                              wall2 / wall1)
        basis = np.linalg.qr(rng.standard_normal((n, n)))[0]
        ranks = np.linspace(1, n - 1, args.ranks).astype(int)
        targets = np.zeros((args.trials, args.steps, 1))
        started = time.process_time()
        rank_sweep(net, basis, "rows", inputs, np.ones(args.trials, int), targets, ranks=ranks, threads=1)
        line["sweep"] = (time.process_time() - started) / len(ranks)
        rows.append(line)
        print(line, flush=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    title = (f"GRU, random weights; {args.locations} locations per type; sweep on {args.trials} trials x "
             f"{args.steps} steps on one thread; {platform.processor() or platform.machine()}, "
             f"{os.cpu_count()} cores, load average {load:.1f} at the end")
    table = [title, "",
             (f"| N | columns: s / location, 1 thread (CPU s; dims found) | {args.threads} threads / 1 thread | "
              f"rows: s / location, 1 thread (CPU s; dims found) | {args.threads} threads / 1 thread | "
              "sweep: CPU s / rank |"),
             "| ---: | ---: | ---: | ---: | ---: | ---: |"]
    for line in rows:
        (c, cc, cd, cr), (r, rc, rd, rr) = line["columns"], line["rows"]
        table.append(f"| {line['N']} | {c:.1f} ({cc:.1f}; {cd:.0f}) | {cr:.2f} | {r:.1f} ({rc:.1f}; {rd:.0f}) | "
                     f"{rr:.2f} | {line['sweep']:.2f} |")
    text = "\n".join(table) + "\n"
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_gated.md").write_text(text)


if __name__ == "__main__":
    main()
