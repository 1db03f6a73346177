"""W2 and W5-like sweeps on a CUDA GPU (float64 and float32) against the NumPy back end, tolerances checked.

The s3 rank sweep of ctxt network 1 (101 passes of 60 trials x 1400 steps) and of swg network 1 (255 x
500), on the CPU with NumPy and on the GPU with torch in float64 and float32. The float64 results must
agree with NumPy within the parity suite's tolerance for long noisy simulations (1e-9, relative); float32
is reported with its largest relative difference. Without CUDA the script says so and exits 0.

Run: python benchmarks/bench_gpu.py [--block-size 101]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _bench import machine_line, report_text, s3_run

from opdims import rank_sweep

LONG_NOISY = 1e-9  #: the parity ladder's tolerance for long noisy simulations


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--block-size", type=int, default=101, help="networks advanced together on the GPU")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        print("skipped: torch is not installed")
        return
    if not torch.cuda.is_available():
        print("skipped: no CUDA device on this machine (the GPU rows of docs/performance.md need one)")
        return
    lines = ["| workload | NumPy (CPU) | torch float64 (GPU) | torch float32 (GPU) | float64 max rel. diff | "
             "float32 max rel. diff | float64 within 1e-9 |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for task in ("ctxt", "swg"):
        run = s3_run(task)
        U = np.linalg.svd(run.net.W)[0]
        problem = (run.net, U, "columns", run.trials.inputs, run.trials.condition_ids, run.trials.targets)
        start = time.perf_counter()
        ref = rank_sweep(*problem, noise=run.noise)
        cpu = time.perf_counter() - start
        cells, diffs = [], []
        for dtype in ("float64", "float32"):
            rank_sweep(*problem, noise=run.noise, backend="torch", device="cuda", dtype=dtype, ranks=[1, 2])
            torch.cuda.synchronize()
            start = time.perf_counter()
            got = rank_sweep(*problem, noise=run.noise, backend="torch", device="cuda", dtype=dtype,
                             block_size=args.block_size)
            torch.cuda.synchronize()
            cells.append(time.perf_counter() - start)
            scale = np.abs(ref.cost).max()
            diffs.append(max(np.abs(got.cost - ref.cost).max() / scale,
                             np.abs(got.state_distance - ref.state_distance).max()
                             / max(np.abs(ref.state_distance).max(), 1.0)))
        lines.append(f"| W2-like sweep, {task} network 1 | {cpu:.2f} s | {cells[0]:.2f} s | {cells[1]:.2f} s | "
                     f"{diffs[0]:.1e} | {diffs[1]:.1e} | {'yes' if diffs[0] <= LONG_NOISY else 'NO'} |")
    report_text("gpu", "GPU sweeps — `python benchmarks/bench_gpu.py`",
                [machine_line(), f"GPU: {torch.cuda.get_device_name()}", "", *lines])


if __name__ == "__main__":
    main()
