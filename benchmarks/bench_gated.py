"""What a GRU costs: local operative dimensions per location and the rank sweep per rank.

A random GRU (weight_hh ~ gain * randn / sqrt(N), gain 2, biases 0.3 randn) of N units, locations
taken from its own trajectories, both dimension types by the generic solver
(:mod:`opdims.dims.generic`), and a rank sweep of a few ranks on ``--trials`` trials of
``--steps`` steps, on one thread. The times are CPU seconds of this process (on one thread they are
the work done, also on a busy machine; wall-clock times there are larger). Prints a table and writes
it to ``benchmarks/results/bench_gated.md``::

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/bench_gated.py --units 100 256 --locations 2
"""

from __future__ import annotations

import argparse
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
            started = time.process_time()
            local = generic_local_dimensions(net, locations, dim_type)
            seconds = (time.process_time() - started) / len(locations)
            line[dim_type] = (seconds, float(local.counts.mean()))
        basis = np.linalg.qr(rng.standard_normal((n, n)))[0]
        ranks = np.linspace(1, n - 1, args.ranks).astype(int)
        targets = np.zeros((args.trials, args.steps, 1))
        started = time.process_time()
        rank_sweep(net, basis, "rows", inputs, np.ones(args.trials, int), targets, ranks=ranks, threads=1)
        line["sweep"] = (time.process_time() - started) / len(ranks)
        rows.append(line)
        print(line, flush=True)
    title = (f"GRU, random weights; {args.locations} locations per type; sweep on {args.trials} trials x "
             f"{args.steps} steps; CPU seconds on one thread; {platform.processor() or platform.machine()}")
    table = [title, "",
             "| N | columns: CPU s / location (dims found) | rows: CPU s / location (dims found) | sweep: CPU s / rank |",
             "| ---: | ---: | ---: | ---: |"]
    for line in rows:
        (c, cd), (r, rd) = line["columns"], line["rows"]
        table.append(f"| {line['N']} | {c:.1f} ({cd:.0f}) | {r:.1f} ({rd:.0f}) | {line['sweep']:.2f} |")
    text = "\n".join(table) + "\n"
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_gated.md").write_text(text)


if __name__ == "__main__":
    main()
