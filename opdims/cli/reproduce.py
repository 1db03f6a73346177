"""``opdims reproduce``: the paper's figure 3 b–g over every network of a weights file."""

from __future__ import annotations

import time
from pathlib import Path

from ..core.errors import ValidationError
from ..core.validation import parse_id_ranges, select_ids
from ..data.sources import ENV_VAR, resolve_weights
from ..io import atomic_output, check_output_file, check_output_folder, sha256_of_file
from ..plotting import report as html_report
from ..version import __version__
from .batch import add_executor_options, executor_settings
from .options import add_dim_types, command_doc

FIGURE_NAME = "figure3.png"
TABLE_NAME = "rank_thresholds.md"


@command_doc("reproduce")
def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "reproduce", help="figure 3 b-g of the paper (global operative dimensions, cost and state distance "
                          "against rank) over all networks, with the random-location control",
        description="For every network: sampling locations (s2), local and global operative dimensions, and "
                    "the cost / state-distance curves over rank (s3), for column and row dimensions, along the "
                    "trajectories and at random sampling locations (the paper's control). Writes "
                    f"OUT/{FIGURE_NAME} (mean over networks, band +- median absolute deviation), "
                    f"OUT/{TABLE_NAME} (where the mean cost comes back to the full-rank level, see "
                    "--tolerance) and one result file per network under OUT/networks/; a rerun resumes from "
                    f"those; OUT/{html_report.REPORT_NAME} shows it all in one page. Without weights, runs on the "
                    "bundled default networks (one per task).")
    parser.add_argument("--out", type=Path, default=Path("reproduction"), metavar="DIR",
                        help="output folder (default ./reproduction)")
    parser.add_argument("--original", nargs="?", const="", default=None, metavar="DIR",
                        help=f"use the authors' 20 networks per task from their data folder DIR (default: "
                             f"${ENV_VAR} or ../shared/reference/original)")
    parser.add_argument("--ctxt", type=Path, metavar="FILE", help="ctxt weights file (original layout)")
    parser.add_argument("--swg", type=Path, metavar="FILE", help="swg weights file (original layout)")
    parser.add_argument("--tasks", nargs="+", choices=("ctxt", "swg"), default=("ctxt", "swg"),
                        help="tasks to run (default both)")
    add_dim_types(parser, dest="dims")
    parser.add_argument("--nets", metavar="IDS", help="only these network ids, e.g. 1-5 (default: all in the file)")
    parser.add_argument("--tolerance", type=float, default=0.1,
                        help="rank table: smallest rank whose mean cost is at most (1 + TOLERANCE) x the "
                             "full-rank cost, and rank from which it stays within TOLERANCE of its range "
                             "(default 0.1)")
    parser.add_argument("--noise-free-sweep", dest="sweep_noise", action="store_false",
                        help="run the rank sweep without any noise (no internal noise, no ctxt input noise), as the "
                             "paper's caption describes the state distance; default: with the noise, as the "
                             "published s3 computes it (see docs/paper_vs_code.md)")
    add_executor_options(parser)
    parser.add_argument("--force", action="store_true",
                        help="overwrite the figure and table of an earlier run (its finished networks are reused)")
    parser.add_argument("--recompute", action="store_true", help="recompute networks finished in an earlier run")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


@command_doc("reproduce")
def run(args) -> int:
    from ..analysis.reproduce import NetworkSet, figure3, network_ids, rank_thresholds, reproduce, threshold_table

    executor = executor_settings(args)
    if not args.tolerance >= 0:
        raise ValidationError(f"--tolerance: expected a number >= 0, got {args.tolerance}")
    sets = []
    for task in args.tasks:
        given = getattr(args, task)
        if given is not None and args.original is not None:
            raise ValidationError(f"--{task} and --original both name {task} networks; give one of them")
        choice = resolve_weights(task, given, original=args.original, use_env=False, option=f"--{task}")
        label = {"given": f"from {choice.path.name}", "original": "original"}.get(choice.label, choice.label)
        available = network_ids(choice.path)
        ids = select_ids(None if args.nets is None else parse_id_ranges(args.nets), available, str(choice.path))
        sets.append(NetworkSet(task, choice.path, tuple(ids), label))
    figure_path, table_path = args.out / FIGURE_NAME, args.out / TABLE_NAME
    page_path = args.out / html_report.REPORT_NAME
    check_output_folder(args.out)
    for nets in sets:  # where each network's result goes, before any work
        check_output_folder(args.out / "networks" / nets.task, "--out")
    for path in (figure_path, table_path, page_path):
        check_output_file(path, args.force)
    started = time.perf_counter()
    summary = reproduce(sets, args.out, args.dims, recompute=args.recompute, progress=not args.quiet,
                        sweep_noise=args.sweep_noise, **executor)
    thresholds = rank_thresholds(summary, args.tolerance)
    table = threshold_table(thresholds, args.tolerance)
    sources = "\n".join(f"- {s.task}: {len(s.net_ids)} network(s) ({s.label}) in {s.path}" for s in sets)
    report = (f"{table}\n\nNetworks:\n{sources}\n\nCompute time of the stored results: {summary.seconds / 60:.1f} min "
              f"(this run: {(time.perf_counter() - started) / 60:.1f} min)\n")
    fig = figure3(summary, args.dims)
    with atomic_output(table_path, overwrite=True) as temporary:
        Path(temporary).write_text(report)
    with atomic_output(figure_path, overwrite=True) as temporary:
        fig.savefig(temporary, format="png", dpi=110)
    page = html_report.Report(
        f"Operative dimensions over {sum(len(s.net_ids) for s in sets)} network(s): reproduction of the paper",
        html_report.rank_sentence(thresholds, args.tolerance, rank_key="rank"), report,
        html_report.folder_figures(args.out),
        [("networks", "; ".join(f"{s.task}: {len(s.net_ids)} ({s.label})" for s in sets)),
         ("opdims version", __version__),
         ("compute time of the stored results", f"{summary.seconds / 60:.1f} min"),
         ("this run", f"{(time.perf_counter() - started) / 60:.1f} min"),
         ("parity suite", html_report.parity_sentence())],
        [(f"{s.task} weights", str(s.path), sha256_of_file(s.path)) for s in sets],
        {k: v for k, v in vars(args).items() if k not in ("func", "command", "quiet", "force")},
        [(f"{task} network {net_id}", digest) for (task, net_id), digest in summary.fingerprints.items()])
    html_report.write_report(args.out, page, overwrite=True)
    print(report)
    print(f"wrote {figure_path}, {table_path} and {page_path}")
    return 0
