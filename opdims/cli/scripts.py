"""``opdims s1|s2|s3|s4``: the four analyses of the original MATLAB scripts.

One runner serves all four: it resolves the weights (one data policy,
:func:`opdims.data.sources.resolve_weights`), checks every output before
the work starts, runs the pipeline of :mod:`opdims.pipelines`, prints a
summary table and writes the results and figures under ``--out DIR``.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import io
from ..core.errors import MissingDependencyError, ValidationError
from ..core.sampling import SUBSETS, sampling_location_properties
from ..core.validation import check_seed
from ..data.sources import ENV_VAR, authors_local_dimensions, resolve_weights
from ..dims.sweeps import COST_TOLERANCE
from ..matlab import scripts as pipelines
from ..matlab.scripts import RESULT_FORMATS, result_paths, save_result
from .options import add_dim_types, add_row_method

TASK_NAMES = {"ctxt": "context-dependent integration", "swg": "sine-wave generation"}


@dataclass(frozen=True)
class Analysis:
    """One subcommand: its texts, the pipeline it runs, its outputs.

    Parameters
    ----------
    name : str
        ``'s1'`` ... ``'s4'``.
    alias : str
        A descriptive alias (``'local-dims'``, ...).
    summary : str
        The one-line help.
    description : str
        The subcommand's description.
    figures : tuple of str
        Names of the figures it writes.
    """

    name: str
    alias: str
    summary: str
    description: str
    figures: tuple[str, ...]


ANALYSES = {
    "s1": Analysis("s1", "high-variance-dims", "high-variance dimensions (s1_analysis_high_variance_dimensions.m)",
                   "Variance explained by the singular values of W and by the principal components of the network's "
                   "activity, and the output cost and state distance of the network when W keeps only its top-k "
                   "singular directions, k = 1..N.", ("dimensions_and_ranks",)),
    "s2": Analysis("s2", "local-dims", "local operative dimensions (s2_generate_operative_dimensions.m)",
                   "Run the network, take sampling locations on its condition-average trajectories, find the local "
                   "operative dimensions (columns or rows of W) at each, and save them in the original HDF5 layout "
                   "(OUT/localOpDims_<task>_<dim-type>_<yyyymmdd_HHMMSS>.h5, or --name).", ("sampling_locations",)),
    "s3": Analysis("s3", "global-dims", "global operative dimensions (s3_analysis_global_operative_dimensions.m)",
                   "Combine local operative dimensions into global ones (SVD of all local dimensions scaled by their "
                   "effect) and measure output cost and state distance when W keeps only its top-k global operative "
                   "dimensions, k = 1..N (the paper's figure 3 b-d).", ("global_dims",)),
    "s4": Analysis("s4", "reduced-rank", "full-rank vs reduced-rank network (s4_run_reduced_rank_network.m)",
                   "Run the network with W and with W reduced to its top-k global operative dimensions on the same "
                   "trials and noise; compare outputs and condition-average trajectories.",
                   ("outputs", "trajectories")),
}


def register(subparsers) -> None:
    """Add ``s1 ... s4`` to the ``opdims`` command.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The ``opdims`` parser's subcommands.
    """
    for spec in ANALYSES.values():
        parser = subparsers.add_parser(spec.name, aliases=[spec.alias], help=spec.summary,
                                       description=f"{spec.summary}. {spec.description}")
        _network_options(parser, spec.name)
        if spec.name != "s1":
            _dimension_options(parser, spec.name)
        _output_options(parser, spec.name)
        parser.set_defaults(func=run, analysis=spec.name)


def _network_options(parser, analysis: str) -> None:
    group = parser.add_argument_group("network and trials (the top of the original script)")
    group.add_argument("--task", "--network-type", choices=("ctxt", "swg"), default="ctxt",
                       help="network type: ctxt = context-dependent integration, swg = sine-wave generation "
                            "(default %(default)s)")
    group.add_argument("--weights", metavar="FILE", default=None,
                       help="weights file (.h5 of the original layout, or .mat); default: the authors' "
                            f"<task>_weights.h5 in ${ENV_VAR} when that is set, else the bundled default "
                            "network of the task")
    group.add_argument("--net-id", type=int, default=1, metavar="N",
                       help="network number in the weights file (default %(default)s)")
    group.add_argument("--no-net-noise", dest="net_noise", action="store_false",
                       help="run without the internal noise (sigma 0.1) of every unit")
    group.add_argument("--no-input-noise", dest="input_noise", action="store_false",
                       help="ctxt only: sensory inputs without noise")
    group.add_argument("--seed-run", type=int, default=pipelines.SEED_RUN,
                       help="seed of the noise of every forward pass (the scripts' seed_run; default %(default)s)")
    group.add_argument("--seed-input", type=int, default=pipelines.SEED_INPUT,
                       help="seed of the trial generation (the scripts' seed_input; default %(default)s)")
    defaults = pipelines.DEFAULT_N_TRIALS[analysis]
    group.add_argument("--n-trials", type=int, default=None, metavar="N",
                       help=f"ctxt: trials per context and coherency, 12 N trials in all (default "
                            f"{defaults['ctxt']}); swg: trials in total (default {defaults['swg']})")


def _dimension_options(parser, analysis: str) -> None:
    group = parser.add_argument_group("operative dimensions")
    add_dim_types(group, several=False, dest="dim_type")
    add_row_method(group, default=pipelines.default_row_method())
    if analysis == "s2":
        group.add_argument("--sampling-locs-from", metavar="FILE", default=None,
                           help="take the sampling locations stored in this local-dimension file (original "
                                "layout) instead of the trajectories; with the authors' file and --dim-types "
                                "columns this reproduces their file")
        return
    group.add_argument("--local-dims", metavar="FILE", default=None,
                       help="local operative dimensions (an s2 output or the authors' file) of this network; "
                            "default: the authors' localOpDims_<task>_<dim-type>.h5 for their network 1, else "
                            "computed as s2 would")
    group.add_argument("--combine", "--sampling-locs-to-combine", dest="combine", choices=SUBSETS, default="all",
                       metavar="SUBSET",
                       help="sampling locations whose local dimensions form the global ones (the scripts' "
                            f"sampling_locs_to_combine): {', '.join(SUBSETS)}; all but 'all' are ctxt only "
                            "(default %(default)s)")
    if analysis == "s3":
        group.add_argument("--ranks", metavar="GRID", default=None,
                           help="ranks of the sweep, e.g. '1-50,60-100:10' (1..50, then every 10th); default all")
    if analysis == "s4":
        group.add_argument("--rank", type=int, default=None, metavar="K",
                           help="rank of the reduced W; default the original's: 15 (ctxt) / 29 (swg) for "
                                "columns, 27 / 41 for rows")


def _output_options(parser, analysis: str) -> None:
    group = parser.add_argument_group("output")
    group.add_argument("--out", "--out-dir", dest="out", metavar="DIR", default=None,
                       help="folder for results and figures (created if needed); default "
                            f"./{analysis}_<task>{'' if analysis == 's1' else '_<dim-type>'}_net<N>")
    if analysis == "s2":
        group.add_argument("--name", metavar="FILE_NAME", default=None,
                           help="name of the local-dimension file in DIR; default "
                                "localOpDims_<task>_<dim-type>_<yyyymmdd_HHMMSS>.h5")
    else:
        group.add_argument("--format", choices=(*RESULT_FORMATS, "both"), default="both",
                           help="results as .mat (the script's variable names, MATLAB orientation), .h5 "
                                "(opdims names and orientation) or both (default %(default)s)")
    group.add_argument("--no-figures", dest="figures", action="store_false", help="write no figures")
    group.add_argument("--force", action="store_true", help="replace existing output files")
    group.add_argument("--quiet", action="store_true", help="no progress bars")


# ---- running -----------------------------------------------------------------------------------

def parse_ranks(text: str | None):
    """``'1-50,60-100:10'`` as ranks ``[1, ..., 50, 60, 70, ..., 100]``; ``None`` stays ``None``.

    Parameters
    ----------
    text : str or None
        Comma-separated items ``K``, ``A-B`` or ``A-B:STEP``.

    Returns
    -------
    list of int or None
        The ranks, ascending and unique.
    """
    if text is None:
        return None
    ranks = set()
    for item in text.split(","):
        span, _, step = item.strip().partition(":")
        first, dash, last = span.partition("-")
        try:
            a, b, k = int(first), int(last) if dash else int(first), int(step) if step else 1
        except ValueError:
            raise ValidationError(f"--ranks: expected items like 5, 1-50 or 60-100:10, got {item!r}") from None
        if a < 0 or b < a or k < 1:
            raise ValidationError(f"--ranks: expected increasing ranks >= 0 and a positive step, got {item!r}")
        ranks.update(range(a, b + 1, k))
    return sorted(ranks)


def _stem(args) -> str:
    """``<s>_<task>[_<dim-type>]_net<N>``: the default output folder and the start of every file name."""
    dim = "" if args.analysis == "s1" else f"_{args.dim_type}"
    return f"{args.analysis}_{args.task}{dim}_net{args.net_id}"


def _figure_paths(out_dir: Path, stem: str, names) -> list[Path]:
    return [out_dir / f"{stem}_{name}.{ext}" for name in names for ext in ("png", "pdf")]


def _print_table(title: str, rows) -> None:
    width = max(len(label) for label, _ in rows)
    print(title)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.4g}"


def _trials_text(settings) -> str:
    if settings.task == "ctxt":
        return f"{12 * settings.n_trials} ({settings.n_trials} per context and coherency)"
    return str(settings.n_trials)


def _count_to(variance_percent, share: float = 90.0) -> int:
    return int(np.searchsorted(np.cumsum(variance_percent), share) + 1)


def _rank_rows(sweep, rank_name: str) -> list:
    """Summary rows: where the cost curve of a rank sweep is back at the full-rank level."""
    settled, within = sweep.settled_rank(), sweep.rank_within_full_cost()
    pct = f"{100 * COST_TOLERANCE:g}%"
    return [(f"{rank_name} from which the cost stays within {pct} of its range",
             "-" if settled is None else f"{settled} (cost {_fmt(sweep.cost[sweep.ranks == settled][0])})"),
            (f"smallest {rank_name} with cost within {pct} of the full-rank cost", "-" if within is None else within)]


def _common(args) -> dict:
    """The pipelines' network and trial keywords; checks them before any work."""
    if args.n_trials is not None and args.n_trials < 1:
        raise ValidationError(f"--n-trials: expected a positive number, got {args.n_trials}")
    if args.net_id < 1:
        raise ValidationError(f"--net-id: expected a network number >= 1, got {args.net_id}")
    check_seed(args.seed_run, "--seed-run")
    check_seed(args.seed_input, "--seed-input")
    if getattr(args, "combine", "all") != "all" and args.task != "ctxt":
        raise ValidationError(f"--combine {args.combine}: only 'all' exists for {args.task} networks "
                              "(the other subsets are ctxt contexts and choices)")
    return {"net_id": args.net_id, "net_noise": args.net_noise, "input_noise": args.input_noise,
            "seed_run": args.seed_run, "seed_input": args.seed_input, "n_trials": args.n_trials,
            "progress": not args.quiet}


def _local_dims(args, weights: Path):
    """The local-dimension file to use (or ``None``: compute them) and a note for the user."""
    if args.local_dims is not None:
        path = io.existing_file(args.local_dims, "--local-dims")
        with io.named_by("--local-dims", path):
            local, _ = io.read_local_operative_dimensions(path, sampling_location_properties(args.task))
        io.check_stored_dim_type(path, local.fvals, args.dim_type, "--dim-types", "--local-dims")
        return path, f"local dimensions from {path}"
    authors = authors_local_dimensions(args.task, args.dim_type, weights, args.net_id)
    if authors is not None:
        return authors, f"the authors' local dimensions {authors}"
    method = "" if args.dim_type == "columns" else f", row method {args.row_method}"
    return None, f"local {args.dim_type[:-1]} dimensions computed as s2 would{method}"


def _run_s1(args, weights, common):
    result = pipelines.s1_high_variance_dimensions(weights, args.task, **common)
    sweep = result.sweep
    costs = {k: sweep.cost[sweep.ranks == k] for k in (1, 10, 20, 50)}
    rows = [("trials", _trials_text(result.settings)),
            ("singular directions of W holding 90% of its variance", _count_to(result.w_variance_explained)),
            ("principal components of the activity holding 90% of its variance",
             _count_to(result.activity_variance_explained)),
            ("full-rank cost", _fmt(sweep.full_cost)),
            *_rank_rows(sweep, "rank(W^PC_k)"),
            ("cost at rank(W^PC_k) = 1 / 10 / 20 / 50",
             " / ".join(_fmt(v[0]) if v.size else "-" for v in costs.values()))]
    return result, rows


def _run_s2(args, weights, common):
    locations = None
    if args.sampling_locs_from is not None:
        locations = io.existing_file(args.sampling_locs_from, "--sampling-locs-from")
    result = pipelines.s2_local_operative_dimensions(weights, args.task, args.dim_type, row_method=args.row_method,
                                                     sampling_locations=locations, **common)
    delta_f = -result.local.fvals[:, 0]
    found = result.local.counts
    rows = [("trials", _trials_text(result.settings)),
            ("sampling locations", f"{result.props.n_locations}, from {result.locations_from}"),
            ("dimension type", args.dim_type + ("" if result.row_method is None else f" (method {result.row_method})")),
            ("dimensions per location (min / max)", f"{found.min()} / {found.max()}"),
            ("delta f of dimension 1 (min / median / max)",
             f"{_fmt(delta_f.min())} / {_fmt(np.median(delta_f))} / {_fmt(delta_f.max())}")]
    return result, rows


def _run_s3(args, weights, common):
    result = pipelines.s3_global_operative_dimensions(
        weights, args.task, args.dim_type, local_dims=args.local_dims_file, sampling_locs_to_combine=args.combine,
        row_method=args.row_method, ranks=parse_ranks(args.ranks), **common)
    ve = np.cumsum(result.variance_explained)
    rows = [("trials", _trials_text(result.settings)),
            ("sampling locations combined", args.combine),
            ("variance explained by global dims 1 / 1-3 / 1-5 (%)",
             " / ".join(f"{ve[min(k, ve.size) - 1]:.1f}" for k in (1, 3, 5))),
            ("full-rank cost", _fmt(result.sweep.full_cost)),
            *_rank_rows(result.sweep, "rank(W^OP_k)")]
    return result, rows


def _run_s4(args, weights, common):
    result = pipelines.s4_reduced_rank_network(
        weights, args.task, args.dim_type, rank=args.rank, local_dims=args.local_dims_file,
        sampling_locs_to_combine=args.combine, row_method=args.row_method, **common)
    rows = [("trials", _trials_text(result.settings)),
            ("rank of the reduced W", f"{result.rank}{' (the original default)' if args.rank is None else ''}"),
            ("cost, full-rank network", _fmt(result.cost_full)),
            ("cost, reduced-rank network", _fmt(result.cost_reduced)),
            ("state distance, reduced to full rank", _fmt(result.state_distance))]
    return result, rows


def _figures(analysis: str, result) -> list:
    from .. import plotting

    if analysis == "s1":
        return [plotting.figure_s1(result)]
    if analysis == "s2":
        return [plotting.figure_sampling_locations(result)]
    if analysis == "s3":
        return [plotting.figure_global_dims([result])]
    return [plotting.figure_outputs(result), plotting.figure_full_and_reduced_trajectories(result)]


RUNNERS = {"s1": _run_s1, "s2": _run_s2, "s3": _run_s3, "s4": _run_s4}


def run(args) -> int:
    """Run ``opdims s1 ... s4`` with parsed options.

    Parameters
    ----------
    args : argparse.Namespace
        The options.

    Returns
    -------
    int
        The exit code (0).
    """
    spec = ANALYSES[args.analysis]
    common = _common(args)
    if args.analysis == "s3":
        parse_ranks(args.ranks)
    if args.figures and importlib.util.find_spec("matplotlib") is None:
        raise MissingDependencyError("figures need matplotlib (pip install 'opdims[plot]'); or pass --no-figures")
    choice = resolve_weights(args.task, args.weights)
    if choice.note:
        print(choice.note, file=sys.stderr)
    weights = choice.path
    note = ""
    if args.analysis in ("s3", "s4"):
        args.local_dims_file, note = _local_dims(args, weights)
        note = f"; {note}"
    elif args.analysis == "s2":
        note = f", local {args.dim_type[:-1]} dimensions"
    stem = _stem(args)
    out_dir = Path(args.out if args.out is not None else stem)
    if args.analysis == "s2":
        name = args.name or f"localOpDims_{args.task}_{args.dim_type}_{time.strftime('%Y%m%d_%H%M%S')}.h5"
        if Path(name).name != name:
            raise ValidationError(f"--name {name}: expected a file name without folders (the folder is --out)")
        results = [out_dir / name]
    else:
        results = result_paths(out_dir / stem, RESULT_FORMATS if args.format == "both" else (args.format,))
    figures = _figure_paths(out_dir, stem, spec.figures) if args.figures else []
    io.check_output_folder(out_dir)
    for path in results + figures:
        io.check_output_file(path, args.force)
    print(f"opdims {args.analysis}: {args.task} ({TASK_NAMES[args.task]}) network {args.net_id} from {weights}"
          f"{note}", flush=True)
    started = time.perf_counter()
    result, rows = RUNNERS[args.analysis](args, weights, common)
    _print_table(f"{args.analysis} summary ({time.perf_counter() - started:.1f} s)", rows)
    drawn = _figures(args.analysis, result) if args.figures else []  # before anything is written
    if args.analysis == "s2":
        written = [result.save(results[0], overwrite=args.force)]
    else:
        written = save_result(result, out_dir / stem, RESULT_FORMATS if args.format == "both" else (args.format,),
                              overwrite=args.force)
    if args.figures:
        from .. import plotting

        for name, fig in zip(spec.figures, drawn):
            written += plotting.save_figure(fig, out_dir / f"{stem}_{name}", overwrite=args.force)
    print("written:")
    for path in written:
        print(f"  {path}")
    return 0
