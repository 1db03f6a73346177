"""Speed before and after a change, side by side in one run: W2 and W5 of an older commit and of this tree.

The older commit is checked out into a temporary git worktree; each workload runs in a fresh process
with that tree (or this one) first on the Python path, one after another on the same machine. W5 also
runs on a Dask LocalCluster of 2 workers (this tree only).

Run: python benchmarks/bench_regression.py --old 5838835 [--nets 1-20] [--skip-w5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

W2 = """
import json, time, numpy as np
from opdims import NumpyStream, rank_sweep
from opdims.io import load_network
from opdims.analysis.runs import prepare_run
from opdims.data.sources import ORIGINAL_FILES, original_data_dir
path = original_data_dir() / ORIGINAL_FILES["ctxt_weights"]
run = prepare_run("s3", path, "ctxt", net_id=1, stream=NumpyStream(1000))
U = np.linalg.svd(run.net.W)[0]
args = (run.net, U, "columns", run.trials.inputs, run.trials.condition_ids, run.trials.targets)
rank_sweep(*args, noise=run.noise)
times = []
for _ in range(3):
    start = time.perf_counter()
    rank_sweep(*args, noise=run.noise)
    times.append(time.perf_counter() - start)
print(json.dumps({"seconds": min(times)}))
"""

W5 = """
import json, sys, time
import opdims
from opdims.analysis.batch import batch_jobs, run_batch
from opdims.data.sources import ORIGINAL_FILES, original_data_dir
nets, dask_local = sys.argv[1], (int(sys.argv[2]) or None)
first, _, last = nets.partition("-")
ids = list(range(int(first), int(last or first) + 1))
root = original_data_dir()
weights = {t: root / ORIGINAL_FILES[f"{t}_weights"] for t in ("ctxt", "swg")}
start = time.perf_counter()
if hasattr(opdims, "analyse_network"):  # the one chain
    jobs = batch_jobs(weights, ids, opdims.AnalysisOptions(), threads=1)
    run_batch(jobs, workers=1 if dask_local else 2, dask_local=dask_local, progress=False)
else:  # before the chain
    run_batch(batch_jobs(weights, ids, ("columns", "rows")), workers=2, progress=False)
print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def measure(tree: Path, code: str, *args: str, timeout: float = 7200) -> float:
    from opdims.data.sources import ENV_VAR, original_data_dir

    data = original_data_dir()
    if data is None:
        raise SystemExit(f"the benchmarks need the authors' data: set {ENV_VAR}")
    env = {**os.environ, "PYTHONPATH": str(tree), ENV_VAR: str(data)}
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=tree, env=env, capture_output=True, text=True,
                          timeout=timeout)
    if done.returncode:
        raise SystemExit(f"workload failed in {tree}:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])["seconds"]


def fmt(s: float) -> str:
    return f"{s:.2f} s" if s < 60 else f"{s / 60:.1f} min"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", required=True, help="the commit to compare with (e.g. 5838835)")
    parser.add_argument("--nets", default="1-20", help="W5 network ids per task (default 1-20)")
    parser.add_argument("--skip-w5", action="store_true")
    args = parser.parse_args()
    from _bench import machine_line

    with tempfile.TemporaryDirectory() as tmp:
        old = Path(tmp) / "old"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), args.old], check=True,
                       capture_output=True)
        try:
            rows = [("W2 s3 sweep, ctxt net 1, 101 passes (best of 3)", measure(old, W2), measure(ROOT, W2), None)]
            if not args.skip_w5:
                w5_old = measure(old, W5, args.nets, "0")
                w5_new = measure(ROOT, W5, args.nets, "0")
                w5_dask = measure(ROOT, W5, args.nets, "2")
                label = f"W5 s2 + s3, columns + rows, networks {args.nets} of both tasks"
                rows.append((label + ", 2 local workers", w5_old, w5_new, None))
                rows.append((label + ", Dask LocalCluster of 2", w5_old, w5_dask, None))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], capture_output=True)
    lines = [f"## Before and after — `python benchmarks/bench_regression.py --old {args.old} --nets {args.nets}`", "",
             f"{machine_line()}; measured {time.strftime('%Y-%m-%d %H:%M')}", "",
             f"| workload | {args.old} (before) | this tree (after) | after / before |", "| --- | --- | --- | --- |"]
    for what, before, after, _ in rows:
        lines.append(f"| {what} | {fmt(before)} | {fmt(after)} | {after / before:.2f} |")
    text = "\n".join(lines)
    print(text)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "regression.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
