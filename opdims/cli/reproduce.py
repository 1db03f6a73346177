"""``opdims reproduce``: the paper's figures 3 b–g and 1 c–e, h–j over every network of a weights file."""

from __future__ import annotations

import time
from pathlib import Path

from ..core.errors import ValidationError
from ..core.validation import BANDS, parse_id_ranges, select_ids
from ..data.sources import ENV_VAR, resolve_weights
from ..dims.sweeps import DEFAULT_RANK_RULE, RANK_RULES
from ..io import atomic_output, check_output_file, check_output_folder, sha256_of_file
from ..plotting import report as html_report
from ..version import __version__
from .batch import add_executor_options, executor_settings
from .options import add_dim_types, command_doc

FIGURE_NAME = "figure3.png"
FIGURE1_NAME = "figure1.png"
COMPARISON_NAME = "operative_vs_high_variance.png"
TABLE_NAME = "rank_thresholds.md"


@command_doc("reproduce")
def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "reproduce", help="figures 3 b-g and 1 c-e, h-j of the paper (operative against high-variance "
                          "dimensions: cost and state distance against rank) over all networks, with the "
                          "random-location control",
        description="For every network: sampling locations (s2), local and global operative dimensions, and "
                    "the cost / state-distance curves over rank (s3), for column and row dimensions, along the "
                    "trajectories and at random sampling locations (the paper's control); and the high-variance "
                    "baseline (s1: W's SVD, the activity's PCs, the sweep over W's top-k left singular vectors "
                    "on s3's trials and noise). Writes "
                    f"OUT/{FIGURE_NAME}, OUT/{FIGURE1_NAME} and OUT/{COMPARISON_NAME} (mean over networks, band "
                    "+- mean absolute deviation as the paper, see --band), "
                    f"OUT/{TABLE_NAME} (the rank at which the mean cost is back, see --rank-rule and "
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
                        help="tolerance of the rank rules (default 0.1)")
    parser.add_argument("--rank-rule", choices=RANK_RULES, default=DEFAULT_RANK_RULE,
                        help="headline rank of the table and the side-by-side figure: 'range' (default): smallest "
                             "rank whose mean cost is within TOLERANCE of the range from the full-rank cost to the "
                             "silent network's (W = 0); 'ratio': mean cost <= (1 + TOLERANCE) x full; 'settled': "
                             "from which the mean cost stays within TOLERANCE of its range (the table shows the "
                             "last two as well)")
    parser.add_argument("--band", choices=BANDS, default="mean",
                        help="band over networks: 'mean' absolute deviation about the mean (default; MATLAB's "
                             "mad, as the paper) or 'median' absolute deviation about the median")
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
    from ..analysis.reproduce import (
        NetworkSet,
        figure1,
        figure3,
        figure_operative_vs_high_variance,
        network_ids,
        rank_thresholds,
        reproduce,
        threshold_table,
    )

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
    figures = {name: args.out / name for name in (FIGURE_NAME, FIGURE1_NAME, COMPARISON_NAME)}
    table_path = args.out / TABLE_NAME
    page_path = args.out / html_report.REPORT_NAME
    check_output_folder(args.out)
    for nets in sets:  # where each network's result goes, before any work
        check_output_folder(args.out / "networks" / nets.task, "--out")
    for path in (*figures.values(), table_path, page_path):
        check_output_file(path, args.force)
    started = time.perf_counter()
    summary = reproduce(sets, args.out, args.dims, recompute=args.recompute, progress=not args.quiet,
                        sweep_noise=args.sweep_noise, band=args.band, **executor)
    thresholds = rank_thresholds(summary, args.tolerance, args.rank_rule)
    table = threshold_table(thresholds, args.tolerance, args.rank_rule)
    sources = "\n".join(f"- {s.task}: {len(s.net_ids)} network(s) ({s.label}) in {s.path}" for s in sets)
    report = (f"{table}\n\nNetworks:\n{sources}\n\nCompute time of the stored results: {summary.seconds / 60:.1f} min "
              f"(this run: {(time.perf_counter() - started) / 60:.1f} min)\n")
    drawn = {FIGURE_NAME: figure3(summary, args.dims),
             FIGURE1_NAME: figure1(summary),
             COMPARISON_NAME: figure_operative_vs_high_variance(summary, args.dims, tolerance=args.tolerance,
                                                                rule=args.rank_rule)}
    with atomic_output(table_path, overwrite=True) as temporary:
        Path(temporary).write_text(report)
    for name, fig in drawn.items():
        with atomic_output(figures[name], overwrite=True) as temporary:
            fig.savefig(temporary, format="png", dpi=110)
    page = html_report.Report(
        f"Operative dimensions over {sum(len(s.net_ids) for s in sets)} network(s): reproduction of the paper",
        html_report.rank_sentence(thresholds, args.tolerance, rule=args.rank_rule), report,
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
    print(f"wrote {', '.join(str(p) for p in figures.values())}, {table_path} and {page_path}")
    return 0
