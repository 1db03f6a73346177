"""``opdims batch``: s2 + s3 for many networks, spread over worker processes."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from ..batch import batch_jobs, run_batch, save_batch
from ..reference_data import ENV_VAR, ORIGINAL_FILES, original_data_dir


def parse_ids(text: str) -> list[int]:
    """``'1-20'``, ``'1,3,5'`` or ``'2'`` as a list of network ids."""
    ids = []
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise ValueError(f"--nets: expected ids like 1-20 or 1,3,5, got {text!r}")
        ids.extend(range(int(first), int(last or first) + 1))
    if not ids or min(ids) < 1:
        raise ValueError(f"--nets: expected network ids >= 1, got {text!r}")
    return ids


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "batch", help="local + global operative dimensions and rank sweeps of many networks (s2 + s3)",
        description="For every task, network id and dimension type: s2 (local operative dimensions at the "
                    "sampling locations) and s3 (global operative dimensions, cost and state distance for "
                    "rank 1..N), with the original scripts' settings. Independent networks run on --workers "
                    "processes.")
    parser.add_argument("--tasks", nargs="+", default=["ctxt", "swg"], choices=["ctxt", "swg"])
    parser.add_argument("--nets", default="1-20", help="network ids, e.g. 1-20 or 1,4 (default 1-20)")
    parser.add_argument("--dim-types", nargs="+", default=["columns", "rows"], choices=["columns", "rows"])
    parser.add_argument("--ctxt-weights", help=f"ctxt weights file (default: the authors' data, ${ENV_VAR})")
    parser.add_argument("--swg-weights", help=f"swg weights file (default: the authors' data, ${ENV_VAR})")
    parser.add_argument("--workers", type=int, default=1, help="processes running networks side by side")
    parser.add_argument("--threads", type=int, help="threads per worker (default: cores / workers)")
    parser.add_argument("--output", help="write all results to this .h5 file")
    parser.add_argument("--force", action="store_true", help="replace an existing --output file")
    parser.set_defaults(func=run)


def _weights(args) -> dict:
    weights = {}
    for task in args.tasks:
        path = getattr(args, f"{task}_weights")
        if path is None:
            root = original_data_dir()
            if root is None:
                raise FileNotFoundError(f"no --{task}-weights given and the authors' data was not found "
                                        f"(set {ENV_VAR})")
            path = root / ORIGINAL_FILES[f"{task}_weights"]
        weights[task] = path
    return weights


def _check_writable(path: Path, force: bool) -> None:
    """Fail before the work, not after it, when ``--output`` cannot be written."""
    if path.exists() and not force:
        raise FileExistsError(f"{path}: exists already; pass --force to replace it")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"{path}: cannot write, folder {path.parent} does not exist")


def run(args) -> int:
    if args.workers < 1:
        raise ValueError(f"--workers: expected a positive number of processes, got {args.workers}")
    jobs = batch_jobs(_weights(args), parse_ids(args.nets), args.dim_types)
    if args.output:
        _check_writable(Path(args.output), args.force)
    start = time.perf_counter()
    results = run_batch(jobs, workers=args.workers, threads=args.threads)
    elapsed = time.perf_counter() - start
    print(f"{'task':<5} {'net':>4} {'dims':<8} {'full cost':>10} {'rank for cost <= 1.1 full':>26} {'seconds':>8}")
    for res in results:
        close = np.flatnonzero(res.cost <= 1.1 * res.full_cost)
        rank = str(int(res.ranks[close[0]])) if close.size else "-"
        print(f"{res.task:<5} {res.net_id:>4} {res.dim_type:<8} {res.full_cost:>10.3g} {rank:>26} "
              f"{res.seconds:>8.1f}")
    print(f"{len(jobs)} networks in {elapsed:.1f} s on {args.workers} worker(s)")
    if args.output:
        print(f"wrote {save_batch(args.output, results, overwrite=args.force)}")
    return 0
