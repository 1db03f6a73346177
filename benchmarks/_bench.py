"""Shared parts of the benchmarks: the workloads' data, timing, memory, the
matrix-multiply throughput of this machine, and the result table.

Every benchmark measures opdims and the reference mode (the original's
loops, :mod:`opdims.matlab.loops`) in the same run, and writes its table to
``benchmarks/results/<name>.md`` as well as printing it.
"""

from __future__ import annotations

import os
import platform
import resource
import sys
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from opdims import NumpyStream
from opdims.analysis.runs import prepare_run
from opdims.core.backend import single_threaded_blas, usable_cores
from opdims.data.sources import ENV_VAR, ORIGINAL_FILES, original_data_dir
from opdims.io import load_network

RESULTS = Path(__file__).parent / "results"


def data_dir() -> Path:
    root = original_data_dir()
    if root is None:
        sys.exit(f"the benchmarks need the authors' data: set {ENV_VAR}")
    return root


def ctxt_network(net_id: int = 1):
    return load_network(data_dir() / ORIGINAL_FILES["ctxt_weights"], net_id)


def s3_run(task: str = "ctxt", net_id: int = 1):
    """Network, trials and noise of s3 (ctxt: 60 trials x 1400 steps; swg: 255 x 500)."""
    weights = data_dir() / ORIGINAL_FILES[f"{task}_weights"]
    return prepare_run("s3", weights, task, net_id=net_id, stream=NumpyStream(1000))


def best_time(fn, repeats: int) -> float:
    """Shortest wall-clock time of ``repeats`` calls (after one warm-up call)."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def once(fn):
    """``(result, seconds)`` of one call."""
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def peak_traced_bytes(fn) -> int:
    """Peak memory allocated by Python and NumPy during ``fn()`` (tracemalloc)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def max_rss_bytes() -> int:
    """Peak resident memory of this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def gemm_throughput() -> float:
    """Best float64 matrix-multiply rate of this machine (flop/s): a large product on all
    BLAS threads, or the simulation's batched 60x100x100 products on every core."""
    big = np.random.default_rng(0).standard_normal((1500, 1500))
    large = 2 * 1500**3 / best_time(lambda: big @ big, 3)
    r = np.random.default_rng(1).standard_normal((25, 60, 100))
    W = np.random.default_rng(2).standard_normal((25, 100, 100))
    out = np.empty_like(r)
    with single_threaded_blas():
        one_core = 2 * 25 * 60 * 100 * 100 / best_time(lambda: np.matmul(r, W, out=out), 20)
    return max(large, one_core * usable_cores())


@dataclass
class Row:
    what: str
    measured: float
    reference: float
    lower_bound: float
    target: float | None
    peak_bytes: int
    note: str = ""


def _seconds(s: float) -> str:
    if s >= 3600:
        return f"{s / 3600:.2f} h"
    if s >= 60:
        return f"{s / 60:.1f} min"
    if s >= 1:
        return f"{s:.2f} s"
    return f"{s * 1e3:.1f} ms"


def machine_line() -> str:
    from threadpoolctl import threadpool_info

    infos = [i for i in threadpool_info() if i["user_api"] == "blas"]
    blas = next((i for i in infos if "numpy" in i.get("filepath", "")), infos[0] if infos else {})
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{platform.processor() or platform.machine()}, {usable_cores()} cores, load average {load:.2f} "
            f"at the start, BLAS {blas.get('internal_api', '?')} {blas.get('version', '')} "
            f"({blas.get('architecture', '?')} kernels), numpy {np.__version__}, float64{_kernel_note()}")


def _kernel_note() -> str:
    """The rank sweep's step kernel (opdims.core.kernels), where this version of opdims has one."""
    try:
        from opdims.core.kernels import check_kernel
    except ImportError:
        return ""
    kernel = check_kernel(None)
    if kernel == "numba":
        import numba

        return f", sweep kernel numba {numba.__version__}"
    return ", sweep kernel numpy"


def add_kernel_option(parser) -> None:
    """``--kernel numba|numpy``: the sweep's step kernel, for this process and its workers ($OPDIMS_KERNEL)."""
    parser.add_argument("--kernel", choices=("numba", "numpy"), default=None,
                        help="rank-sweep step kernel (default: numba when installed)")


def apply_kernel_option(args) -> None:
    if args.kernel is not None:
        os.environ["OPDIMS_KERNEL"] = args.kernel


def report(name: str, title: str, rows: list[Row], notes: list[str], command: str) -> str:
    """Print the table and write it to ``benchmarks/results/<name>.md``."""
    lines = [f"## {title}", "", f"`{command}` — {machine_line()}", "",
             "| workload | opdims | reference mode | ratio | lower bound | target | met | peak memory | note |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        met = "" if r.target is None else ("yes" if r.measured <= r.target else "NO")
        target = "" if r.target is None else _seconds(r.target)
        lines.append(f"| {r.what} | {_seconds(r.measured)} | {_seconds(r.reference)} | "
                     f"{r.reference / r.measured:,.0f}x | {_seconds(r.lower_bound)} | {target} | {met} | "
                     f"{r.peak_bytes / 2**20:,.0f} MiB | {r.note} |")
    lines += [""] + [f"- {n}" for n in notes] + [""]
    text = "\n".join(lines)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.md").write_text(text)
    return text


def report_text(name: str, title: str, lines: list[str]) -> str:
    """Print a free-form result and write it to ``benchmarks/results/<name>.md``."""
    text = "\n".join([f"## {title}", "", *lines, ""])
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.md").write_text(text)
    return text
