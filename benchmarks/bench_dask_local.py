"""Networks on local processes and on a Dask LocalCluster, with and without Dask's malloc setting.

Networks 1-3 of both tasks (columns and rows, as W5), 2 workers each time, one after the other in this
run: local processes (``--workers 2``), a Dask LocalCluster as ``opdims --dask-local 2`` starts it (without
Dask's ``MALLOC_TRIM_THRESHOLD_``), and the same cluster with ``MALLOC_TRIM_THRESHOLD_=65536`` in its
workers' environment (Dask's default, set here in the parent's environment, which the workers inherit).

Run: python benchmarks/bench_dask_local.py [--nets 1-3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from _bench import machine_line

HERE = Path(__file__).resolve().parent

RUN = """
import json, sys, time
import opdims
from opdims.analysis.batch import batch_jobs, run_batch
from opdims.data.sources import ORIGINAL_FILES, original_data_dir
if __name__ == "__main__":
    first, _, last = sys.argv[1].partition("-")
    ids = list(range(int(first), int(last or first) + 1))
    root = original_data_dir()
    weights = {t: root / ORIGINAL_FILES[f"{t}_weights"] for t in ("ctxt", "swg")}
    jobs = batch_jobs(weights, ids, opdims.AnalysisOptions(), threads=1)
    dask = sys.argv[2] == "dask"
    start = time.perf_counter()
    run_batch(jobs, workers=1 if dask else 2, dask_local=2 if dask else None, progress=False)
    print(json.dumps({"seconds": time.perf_counter() - start}))
"""


def measure(mode: str, nets: str, extra_env: dict) -> float:
    done = subprocess.run([sys.executable, "-c", RUN, nets, mode], env={**os.environ, **extra_env},
                          capture_output=True, text=True, timeout=3600)
    if done.returncode:
        raise SystemExit(f"{mode} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])["seconds"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nets", default="1-3", help="network ids of each task (default 1-3)")
    args = parser.parse_args()
    cases = [("local processes, 2 workers", "local", {}),
             ("Dask LocalCluster of 2, as --dask-local starts it", "dask", {}),
             ("Dask LocalCluster of 2 with MALLOC_TRIM_THRESHOLD_=65536 (Dask's default)", "dask",
              {"MALLOC_TRIM_THRESHOLD_": "65536"})]
    seconds = [measure(mode, args.nets, env) for _, mode, env in cases]
    lines = [f"## Local processes and Dask — `python benchmarks/bench_dask_local.py --nets {args.nets}`", "",
             machine_line(), "", f"networks {args.nets} of both tasks, columns and rows", "",
             "| back end | seconds | / local |", "| --- | --- | --- |"]
    lines += [f"| {name} | {s:.1f} | {s / seconds[0]:.2f} |" for (name, _, _), s in zip(cases, seconds)]
    text = "\n".join(lines)
    print(text)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "dask_local.md").write_text(text + "\n")


if __name__ == "__main__":
    main()
