"""``opdims reproduce``: the paper's figure 3 b–g over every network of a weights file."""

from __future__ import annotations

import time
from pathlib import Path

from ..reference_data import ENV_VAR, original_data_dir
from .train import parse_net_ids

FIGURE_NAME = "figure3.png"
TABLE_NAME = "rank_thresholds.md"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "reproduce", help="figure 3 b-g of the paper (global operative dimensions, cost and state distance "
                          "against rank) over all networks, with the random-location control",
        description="For every network: sampling locations (s2), local and global operative dimensions, and "
                    "the cost / state-distance curves over rank (s3), for column and row dimensions, along the "
                    "trajectories and at random sampling locations (the paper's control). Writes "
                    f"OUT/{FIGURE_NAME} (mean over networks, band +- median absolute deviation), "
                    f"OUT/{TABLE_NAME} (smallest rank at which the mean cost is within 10% of full rank, see "
                    "--tolerance) and "
                    "one result file per network under OUT/networks/; a rerun resumes from those. Without "
                    "weights, runs on the bundled default networks (one per task).")
    parser.add_argument("--out", type=Path, default=Path("reproduction"), metavar="DIR",
                        help="output folder (default ./reproduction)")
    parser.add_argument("--original", nargs="?", const="", default=None, metavar="DIR",
                        help=f"use the authors' 20 networks per task from their data folder DIR (default: "
                             f"${ENV_VAR} or ../shared/reference/original)")
    parser.add_argument("--ctxt", type=Path, metavar="FILE", help="ctxt weights file (original layout)")
    parser.add_argument("--swg", type=Path, metavar="FILE", help="swg weights file (original layout)")
    parser.add_argument("--tasks", nargs="+", choices=("ctxt", "swg"), default=("ctxt", "swg"),
                        help="tasks to run (default both)")
    parser.add_argument("--dims", nargs="+", choices=("columns", "rows"), default=("columns", "rows"),
                        help="dimension types (default both)")
    parser.add_argument("--nets", metavar="IDS", help="only these network ids, e.g. 1-5 (default: all in the file)")
    parser.add_argument("--tolerance", type=float, default=0.1,
                        help="rank table: smallest rank whose mean cost is at most (1 + TOLERANCE) x the "
                             "full-rank cost (default 0.1)")
    parser.add_argument("--workers", type=int, default=1, help="networks computed in parallel (default 1)")
    parser.add_argument("--force", action="store_true",
                        help="overwrite the figure and table of an earlier run (its finished networks are reused)")
    parser.add_argument("--recompute", action="store_true", help="recompute networks finished in an earlier run")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def _weights(args, task: str) -> tuple[Path, str]:
    from ..reproduce import default_weights, original_weights

    given = getattr(args, task)
    if given is not None and args.original is not None:
        raise ValueError(f"--{task} and --original both name {task} networks; give one of them")
    if given is not None:
        return given, f"from {given.name}"
    if args.original is not None:
        folder = Path(args.original) if args.original else original_data_dir()
        if folder is None:
            raise FileNotFoundError(f"--original: the authors' data folder was not found; give it as "
                                    f"--original DIR or set {ENV_VAR}")
        return original_weights(folder, task), "original"
    return default_weights(task), "bundled default"


def run(args) -> int:
    from ..io._files import atomic_output
    from ..reproduce import NetworkSet, figure3, network_ids, rank_thresholds, reproduce, threshold_table

    if args.workers < 1:
        raise ValueError(f"--workers: expected a positive number, got {args.workers}")
    if not args.tolerance >= 0:
        raise ValueError(f"--tolerance: expected a number >= 0, got {args.tolerance}")
    figure_path, table_path = args.out / FIGURE_NAME, args.out / TABLE_NAME
    if not args.force:
        for path in (figure_path, table_path):
            if path.exists():
                raise FileExistsError(f"{path}: exists already; use --force to replace it (finished networks "
                                      "are reused) or another --out")
    sets = []
    for task in args.tasks:
        path, label = _weights(args, task)
        available = network_ids(path)
        ids = available if args.nets is None else tuple(parse_net_ids(args.nets))
        missing = sorted(set(ids) - set(available))
        if missing:
            raise KeyError(f"{path}: no network(s) {missing}; the file holds {list(available)}")
        sets.append(NetworkSet(task, path, ids, label))
    started = time.perf_counter()
    summary = reproduce(sets, args.out, args.dims, workers=args.workers, force=args.recompute,
                        progress=not args.quiet)
    table = threshold_table(rank_thresholds(summary, args.tolerance), args.tolerance)
    sources = "\n".join(f"- {s.task}: {len(s.net_ids)} network(s) ({s.label}) in {s.path}" for s in sets)
    report = (f"{table}\n\nNetworks:\n{sources}\n\nCompute time of the stored results: {summary.seconds / 60:.1f} min "
              f"(this run: {(time.perf_counter() - started) / 60:.1f} min)\n")
    with atomic_output(table_path, overwrite=True) as temporary:
        Path(temporary).write_text(report)
    fig = figure3(summary, args.dims)
    with atomic_output(figure_path, overwrite=True) as temporary:
        fig.savefig(temporary, format="png", dpi=110)
    print(report)
    print(f"wrote {figure_path} and {table_path}")
    return 0
