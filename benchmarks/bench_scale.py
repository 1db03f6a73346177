"""Scale in N: time and peak memory of each step of the analysis for random networks of N units.

Random stable networks (W = 0.9 randn / sqrt(N), tanh, alpha 0.1) with ctxt-shaped trials (5 inputs, 2
contexts, the original's trials and sampling locations). Each workload runs in a fresh process, so its
peak resident memory is its own. For every workload the growth exponent p of time ~ N^p is fitted over
the sizes measured.

Run: python benchmarks/bench_scale.py [--sizes 100,250,500,1000,2000]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

#: workload -> what it is
WORKLOADS = {
    "forward": "forward pass, 60 trials x 1400 steps (s3 trials), noise drawn, trajectories kept",
    "s2_columns": "s2 columns: 120-trial pass (condition sums only), 120 locations, column dimensions",
    "rows_location": "all row dimensions of one location (exact, until abs(fval) < 1e-8)",
    "global_dims": "global dimensions from 120 column dimensions (SVD of L)",
    "s3_rank": "s3: one more rank of the sweep (60 trials x 1400 steps; sweeps of 8 and 16 ranks)",
    "analyse": "opdims analyse, columns + rows, 32 trials x 300 steps, every 20th step, ranks 1-50,60-N:10",
}
S3_BLOCK = 8  #: ranks simulated to time one rank
GRID = "1-50,60-N:10"  #: the rank grid of the s3 row


def network(n: int):
    from opdims import Network

    rng = np.random.default_rng(n)
    return Network(W_in=rng.standard_normal((n, 5)) / np.sqrt(5), W=0.9 * rng.standard_normal((n, n)) / np.sqrt(n),
                   W_out=rng.standard_normal((1, n)) / np.sqrt(n), x0=0.1 * rng.standard_normal((n, 2)),
                   b_x=np.zeros(n), b_z=np.zeros(1))


def grid(n: int) -> list[int]:
    return sorted(set(range(1, min(50, n) + 1)) | set(range(60, n + 1, 10)))


def run_one(n: int, workload: str) -> dict:
    """One workload in this process: ``{'seconds', 'peak_mb', ...}``."""
    import opdims
    from opdims.analysis.runs import prepare_run

    net = network(n)
    extra = {}
    if workload == "forward":
        run = prepare_run("s3", net, "ctxt")
        start = time.perf_counter()
        opdims.simulate(run.net, run.trials.inputs, run.trials.condition_ids, noise=run.noise)
    elif workload == "s2_columns":
        start = time.perf_counter()
        opdims.analyse_network(net, "ctxt", dim_types=("columns",), ranks=())
    elif workload in ("rows_location", "global_dims"):
        analysis = opdims.analyse_network(net, "ctxt", dim_types=("columns",), ranks=())
        if workload == "rows_location":
            start = time.perf_counter()
            rows = opdims.exact_row_dimensions(net, analysis.locations[:1])
            extra["dims"] = int(rows.counts[0])
        else:
            local = analysis["columns"].local
            start = time.perf_counter()
            opdims.global_operative_dimensions(local)
    elif workload == "s3_rank":
        run = prepare_run("s3", net, "ctxt")
        basis = np.linalg.qr(np.random.default_rng(0).standard_normal((n, n)))[0]
        noise = run.noise
        times = []
        for block in (S3_BLOCK, 2 * S3_BLOCK):
            start = time.perf_counter()
            opdims.rank_sweep(run.net, basis, "columns", run.trials.inputs, run.trials.condition_ids,
                              run.trials.targets, noise=noise, ranks=list(range(1, block + 1)))
            times.append(time.perf_counter() - start)
        start = time.perf_counter() - (times[1] - times[0])
    elif workload == "analyse":
        import tempfile

        from opdims.cli import main as opdims_main
        from opdims.io import save_network

        folder = Path(tempfile.mkdtemp())
        save_network(folder / "net.h5", net)
        rng = np.random.default_rng(0)
        labels = np.repeat(np.arange(8), 4)
        inputs = np.zeros((32, 300, 5))
        inputs[:, 50:150, 0] = np.cos(labels * np.pi / 4)[:, None]
        inputs[:, 50:150, 1] = np.sin(labels * np.pi / 4)[:, None]
        inputs += 0.05 * rng.standard_normal(inputs.shape)
        np.savez(folder / "trials.npz", inputs=inputs, targets=np.zeros((32, 300, 1)), labels=labels,
                 condition_ids=1 + labels % 2)
        start = time.perf_counter()
        code = opdims_main(["analyse", "--weights", str(folder / "net.h5"), "--trials", str(folder / "trials.npz"),
                            "--every", "20", "--ranks", f"1-{min(50, n)},60-{n}:10", "--out", str(folder / "out"),
                            "--quiet"])
        if code:
            raise SystemExit(f"opdims analyse failed with exit code {code}")
    else:
        raise SystemExit(f"unknown workload {workload}")
    seconds = time.perf_counter() - start
    if workload == "s3_rank":
        seconds /= S3_BLOCK  # the marginal cost of one more rank (the sweep's full-rank pass cancels)
    return {"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra}


def measure(n: int, workload: str, timeout: float) -> dict:
    cmd = [sys.executable, str(Path(__file__)), "--one", str(n), workload]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"over {timeout:.0f} s"}
    if done.returncode:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def exponent(sizes, values) -> float | None:
    pairs = [(n, v) for n, v in zip(sizes, values) if v]
    if len(pairs) < 2:
        return None
    x, y = np.log([p[0] for p in pairs]), np.log([p[1] for p in pairs])
    return float(np.polyfit(x, y, 1)[0])


def fmt_time(s) -> str:
    if s is None:
        return "-"
    return f"{s * 1e3:.0f} ms" if s < 1 else (f"{s:.1f} s" if s < 120 else f"{s / 60:.1f} min")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,250,500,1000,2000")
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per workload and size")
    parser.add_argument("--one", nargs=2, metavar=("N", "WORKLOAD"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(int(args.one[0]), args.one[1])))
        return
    from _bench import machine_line

    sizes = [int(s) for s in args.sizes.split(",")]
    workloads = args.workloads.split(",")
    results = {w: {} for w in workloads}
    for n in sizes:
        for w in workloads:
            results[w][n] = measure(n, w, args.timeout)
            print(f"N = {n}, {w}: {results[w][n]}", flush=True)
    lines = [f"## Scale in N — `python benchmarks/bench_scale.py --sizes {args.sizes}`", "",
             f"{machine_line()}", "",
             "| workload | " + " | ".join(f"N = {n}" for n in sizes) + " | growth N^p |",
             "| --- | " + " | ".join("---" for _ in sizes) + " | --- |"]
    for w in workloads:
        cells, times = [], []
        for n in sizes:
            r = results[w][n]
            if "error" in r:
                cells.append(r["error"])
                times.append(None)
                continue
            extra = f", {r['dims']} dims" if "dims" in r else ""
            cells.append(f"{fmt_time(r['seconds'])}, {r['peak_mb']:.0f} MB{extra}")
            times.append(r["seconds"])
        p = exponent(sizes, times)
        lines.append(f"| {WORKLOADS[w]} | " + " | ".join(cells) + f" | {'-' if p is None else f'{p:.2f}'} |")
        if w == "s3_rank":
            for label, count in (("s3 rank grid " + GRID + " (time per rank x ranks)", lambda n: len(grid(n))),
                                 ("s3 full sweep, ranks 1..N (time per rank x N)", lambda n: n)):
                est = [None if t is None else t * count(n) for n, t in zip(sizes, times)]
                pe = exponent(sizes, est)
                lines.append(f"| {label} | " + " | ".join(fmt_time(e) for e in est)
                             + f" | {'-' if pe is None else f'{pe:.2f}'} |")
    lines += ["", "Peak memory: the largest resident size of the process running the workload (it includes "
              "Python, NumPy and the network; about 100 MB at N = 100).", ""]
    text = "\n".join(lines)
    print(text)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "scale.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
