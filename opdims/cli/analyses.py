"""``opdims s1|s2|s3|s4``: the four analyses of the original MATLAB scripts.

Each subcommand runs one pipeline of :mod:`opdims.pipelines`, prints a short
summary table, and writes its results (``.mat`` with the script's variable
names and/or ``.h5``) and figures (PNG and PDF) into an output folder.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

import numpy as np

from .. import pipelines
from ..defaults import default_weights
from ..global_dims import SUBSETS
from ..local_dims import ROW_METHODS
from ..pipelines._files import RESULT_FORMATS, result_paths, save_result
from ..reference_data import ENV_VAR, ORIGINAL_FILES, original_data_dir

ALIASES = {"s1": ["high-variance-dims"], "s2": ["local-dims"], "s3": ["global-dims"], "s4": ["reduced-rank"]}

DESCRIPTIONS = {
    "s1": ("high-variance dimensions (s1_analysis_high_variance_dimensions.m)",
           ("Variance explained by the singular values of W and by the principal components of the network's "
            "activity, and the output cost and state distance of the network when W keeps only its top-k "
            "singular directions, k = 1..N.")),
    "s2": ("local operative dimensions (s2_generate_operative_dimensions.m)",
           ("Run the network, take sampling locations on its condition-average trajectories, find the local "
            "operative dimensions (columns or rows of W) at each, and save them in the original HDF5 layout "
            "(localOpDims_<task>_<dim-type>_<yyyymmdd_HHMMSS>.h5, or --out).")),
    "s3": ("global operative dimensions (s3_analysis_global_operative_dimensions.m)",
           ("Combine local operative dimensions into global ones (SVD of all local dimensions scaled by their "
            "effect) and measure output cost and state distance when W keeps only its top-k global operative "
            "dimensions, k = 1..N (the paper's figure 3 b-d).")),
    "s4": ("full-rank vs reduced-rank network (s4_run_reduced_rank_network.m)",
           ("Run the network with W and with W reduced to its top-k global operative dimensions on the same "
            "trials and noise; compare outputs and condition-average trajectories.")),
}

TASK_NAMES = {"ctxt": "context-dependent integration", "swg": "sine-wave generation"}


def register(subparsers) -> None:
    for analysis, (summary, description) in DESCRIPTIONS.items():
        parser = subparsers.add_parser(analysis, aliases=ALIASES[analysis], help=summary,
                                       description=f"{summary}. {description}")
        _network_options(parser, analysis)
        if analysis != "s1":
            _dimension_options(parser, analysis)
        _output_options(parser, analysis)
        parser.set_defaults(func=RUNNERS[analysis], analysis=analysis)


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
    group.add_argument("--dim-type", choices=("columns", "rows"), default="columns",
                       help="remove dimensions from the columns or from the rows of W (default %(default)s)")
    group.add_argument("--row-method", choices=ROW_METHODS, default=pipelines.default_row_method(),
                       help="how row dimensions are found: 'exact' solves for the best dimension, 'reference' "
                            "is the original's random-start quasi-Newton search (slow); default %(default)s")
    if analysis == "s2":
        group.add_argument("--sampling-locs-from", metavar="FILE", default=None,
                           help="take the sampling locations stored in this local-dimension file (original "
                                "layout) instead of the trajectories; with the authors' file and --dim-type "
                                "columns this reproduces their file")
        return
    group.add_argument("--local-dims", metavar="FILE", default=None,
                       help="local operative dimensions (an s2 output or the authors' file); default: the "
                            "authors' localOpDims_<task>_<dim-type>.h5 for their network 1, else computed "
                            "as s2 would")
    group.add_argument("--combine", "--sampling-locs-to-combine", dest="combine", choices=SUBSETS, default="all",
                       metavar="SUBSET",
                       help="sampling locations whose local dimensions form the global ones (the scripts' "
                            f"sampling_locs_to_combine): {', '.join(SUBSETS)}; all but 'all' are ctxt only "
                            "(default %(default)s)")
    if analysis == "s4":
        group.add_argument("--rank", type=int, default=None, metavar="K",
                           help="rank of the reduced W; default the original's: 15 (ctxt) / 29 (swg) for "
                                "columns, 27 / 41 for rows")


def _output_options(parser, analysis: str) -> None:
    group = parser.add_argument_group("output")
    group.add_argument("--out-dir", metavar="DIR", default=None,
                       help="folder for results and figures (created if needed); default "
                            f"./{analysis}_<task>{'' if analysis == 's1' else '_<dim-type>'}_net<N>")
    if analysis == "s2":
        group.add_argument("--out", metavar="FILE", default=None,
                           help="local-dimension file to write; default "
                                "<out-dir>/localOpDims_<task>_<dim-type>_<yyyymmdd_HHMMSS>.h5")
    else:
        group.add_argument("--format", choices=(*RESULT_FORMATS, "both"), default="both",
                           help="results as .mat (the script's variable names, MATLAB orientation), .h5 "
                                "(opdims names and orientation) or both (default %(default)s)")
    group.add_argument("--no-figures", dest="figures", action="store_false", help="write no figures")
    group.add_argument("--force", action="store_true", help="replace existing output files")
    group.add_argument("--quiet", action="store_true", help="no progress bars")


# ---- running -----------------------------------------------------------------------------------

def _authors_file(key: str) -> Path | None:
    folder = original_data_dir()
    path = None if folder is None else folder / ORIGINAL_FILES[key]
    return path if path is not None and path.is_file() else None


def _weights(args) -> Path:
    if args.weights is not None:
        path = Path(args.weights)
        if not path.is_file():
            raise FileNotFoundError(f"--weights {path}: no such file")
        return path
    if os.environ.get(ENV_VAR):
        path = _authors_file(f"{args.task}_weights")
        if path is None:
            raise FileNotFoundError(f"no --weights given and ${ENV_VAR} holds no "
                                    f"{ORIGINAL_FILES[args.task + '_weights']}")
        return path
    path = default_weights(args.task)
    print(f"no --weights given: using the bundled default {args.task} network ({path.name}); "
          f"set {ENV_VAR} to analyse the authors' networks", file=sys.stderr)
    return path


def _local_dims(args, weights: Path):
    """The local-dimension file to use, or ``None`` to compute them; and a note for the user."""
    if args.local_dims is not None:
        path = Path(args.local_dims)
        if not path.is_file():
            raise FileNotFoundError(f"--local-dims {path}: no such file")
        return path, f"local dimensions from {path}"
    authors_weights = _authors_file(f"{args.task}_weights")
    name = f"localOpDims_{args.task}_{args.dim_type}.h5"
    authors_dims = None if authors_weights is None else original_data_dir() / "local_operative_dimensions" / name
    if (authors_weights is not None and authors_weights.resolve() == weights.resolve() and args.net_id == 1
            and authors_dims.is_file()):
        return authors_dims, f"the authors' local dimensions {authors_dims}"
    method = "" if args.dim_type == "columns" else f", row method {args.row_method}"
    return None, f"local {args.dim_type[:-1]} dimensions computed as s2 would{method}"


def _stem(args) -> str:
    """``<s>_<task>[_<dim-type>]_net<N>``: the default output folder and the start of every file name."""
    dim = "" if args.analysis == "s1" else f"_{args.dim_type}"
    return f"{args.analysis}_{args.task}{dim}_net{args.net_id}"


def _out_dir(args) -> Path:
    return Path(args.out_dir if args.out_dir is not None else _stem(args))


def _formats(args) -> tuple[str, ...]:
    return RESULT_FORMATS if args.format == "both" else (args.format,)


def _figure_paths(out_dir: Path, names) -> list[Path]:
    return [out_dir / f"{name}.{ext}" for name in names for ext in ("png", "pdf")]


def _check_outputs(paths, force: bool) -> None:
    """Fail before any work if an output exists (unless ``--force``)."""
    for path in paths:
        if path.exists() and not force:
            raise FileExistsError(f"{path}: exists already; pass --force to replace it, or choose --out-dir")


def _check_figures_possible(args) -> None:
    if args.figures and importlib.util.find_spec("matplotlib") is None:
        raise ValueError("figures need matplotlib (pip install 'opdims[plot]'); or pass --no-figures")


def _common(args) -> dict:
    """The pipelines' network and trial keywords; checks them before any work."""
    if args.n_trials is not None and args.n_trials < 1:
        raise ValueError(f"--n-trials: expected a positive number, got {args.n_trials}")
    if getattr(args, "combine", "all") != "all" and args.task != "ctxt":
        raise ValueError(f"--combine {args.combine}: only 'all' exists for {args.task} networks "
                         "(the other subsets are ctxt contexts and choices)")
    return {"net_id": args.net_id, "net_noise": args.net_noise, "input_noise": args.input_noise,
            "seed_run": args.seed_run, "seed_input": args.seed_input, "n_trials": args.n_trials}


def _save_figures(figures: dict, out_dir: Path, force: bool) -> list[Path]:
    from .. import plotting
    written = []
    for name, fig in figures.items():
        written += plotting.save_figure(fig, out_dir / name, overwrite=force)
    return written


def _print_table(title: str, rows) -> None:
    width = max(len(label) for label, _ in rows)
    print(title)
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")


def _print_written(paths) -> None:
    print("written:")
    for path in paths:
        print(f"  {path}")


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.4g}"


def _trials_text(settings) -> str:
    if settings.task == "ctxt":
        return f"{12 * settings.n_trials} ({settings.n_trials} per context and coherency)"
    return str(settings.n_trials)


def _header(args, weights: Path, extra: str = "") -> None:
    print(f"opdims {args.analysis}: {args.task} ({TASK_NAMES[args.task]}) network {args.net_id} from {weights}"
          f"{extra}", flush=True)


def _count_to(variance_percent, share: float = 90.0) -> int:
    return int(np.searchsorted(np.cumsum(variance_percent), share) + 1)


def _rank_rows(result, rank_name: str) -> list:
    """Summary rows: where the cost curve of a rank sweep is back at the full-rank level."""
    sweep, settled, within = result.sweep, result.settled_rank(), result.rank_within_full_cost()
    return [(f"{rank_name} from which the cost stays within 10% of its range",
             "-" if settled is None else f"{settled} (cost {_fmt(sweep.cost[sweep.ranks == settled][0])})"),
            (f"smallest {rank_name} with cost within 10% of the full-rank cost", "-" if within is None else within)]


def run_s1(args) -> int:
    common = _common(args)
    weights = _weights(args)
    out_dir = _out_dir(args)
    stem = out_dir / _stem(args)
    figures = [f"{_stem(args)}_dimensions_and_ranks"] if args.figures else []
    _check_figures_possible(args)
    _check_outputs(result_paths(stem, _formats(args)) + _figure_paths(out_dir, figures), args.force)
    _header(args, weights)
    start = time.perf_counter()
    result = pipelines.s1_high_variance_dimensions(weights, args.task, progress=not args.quiet, **common)
    sweep = result.sweep
    costs = {k: sweep.cost[sweep.ranks == k] for k in (1, 10, 20, 50)}
    _print_table(f"s1 summary ({time.perf_counter() - start:.1f} s)", [
        ("trials", _trials_text(result.settings)),
        ("singular directions of W holding 90% of its variance", _count_to(result.w_variance_explained)),
        ("principal components of the activity holding 90% of its variance",
         _count_to(result.activity_variance_explained)),
        ("full-rank cost", _fmt(sweep.full_cost)),
        *_rank_rows(result, "rank(W^PC_k)"),
        ("cost at rank(W^PC_k) = 1 / 10 / 20 / 50",
         " / ".join(_fmt(v[0]) if v.size else "-" for v in costs.values())),
    ])
    out_dir.mkdir(parents=True, exist_ok=True)
    written = save_result(result, stem, _formats(args), overwrite=args.force)
    if args.figures:
        from .. import plotting
        written += _save_figures({figures[0]: plotting.figure_s1(result)}, out_dir, args.force)
    _print_written(written)
    return 0


def run_s2(args) -> int:
    common = _common(args)
    weights = _weights(args)
    out_dir = _out_dir(args)
    if args.sampling_locs_from is not None and not Path(args.sampling_locs_from).is_file():
        raise FileNotFoundError(f"--sampling-locs-from {args.sampling_locs_from}: no such file")
    out = Path(args.out) if args.out is not None else None
    figures = [f"{_stem(args)}_sampling_locations"] if args.figures else []
    _check_figures_possible(args)
    _check_outputs(([out] if out else []) + _figure_paths(out_dir, figures), args.force)
    _header(args, weights, f", local {args.dim_type[:-1]} dimensions")
    start = time.perf_counter()
    result = pipelines.s2_local_operative_dimensions(
        weights, args.task, args.dim_type, row_method=args.row_method, sampling_locations=args.sampling_locs_from,
        progress=not args.quiet, **common)
    if out is None:
        out = out_dir / result.default_file_name(time.strftime("%Y%m%d_%H%M%S"))
    delta_f = -result.local.fvals[:, 0]
    found = np.sum(~np.isnan(result.local.fvals), axis=1)
    _print_table(f"s2 summary ({time.perf_counter() - start:.1f} s)", [
        ("trials", _trials_text(result.settings)),
        ("sampling locations", f"{result.props.n_locations}, from {result.locations_from}"),
        ("dimension type", args.dim_type + ("" if result.row_method is None else f" (method {result.row_method})")),
        ("dimensions per location (min / max)", f"{found.min()} / {found.max()}"),
        ("delta f of dimension 1 (min / median / max)",
         f"{_fmt(delta_f.min())} / {_fmt(np.median(delta_f))} / {_fmt(delta_f.max())}"),
    ])
    out.parent.mkdir(parents=True, exist_ok=True)
    written = [result.save(out, overwrite=args.force)]
    if args.figures:
        from .. import plotting
        out_dir.mkdir(parents=True, exist_ok=True)
        written += _save_figures({figures[0]: plotting.figure_sampling_locations(result)}, out_dir, args.force)
    _print_written(written)
    return 0


def run_s3(args) -> int:
    common = _common(args)
    weights = _weights(args)
    local_dims, note = _local_dims(args, weights)
    out_dir = _out_dir(args)
    stem = out_dir / _stem(args)
    figures = [f"{_stem(args)}_global_dims"] if args.figures else []
    _check_figures_possible(args)
    _check_outputs(result_paths(stem, _formats(args)) + _figure_paths(out_dir, figures), args.force)
    _header(args, weights, f"; {note}")
    start = time.perf_counter()
    result = pipelines.s3_global_operative_dimensions(
        weights, args.task, args.dim_type, local_dims=local_dims, sampling_locs_to_combine=args.combine,
        row_method=args.row_method, progress=not args.quiet, **common)
    sweep = result.sweep
    ve = np.cumsum(result.variance_explained)
    _print_table(f"s3 summary ({time.perf_counter() - start:.1f} s)", [
        ("trials", _trials_text(result.settings)),
        ("sampling locations combined", args.combine),
        ("variance explained by global dims 1 / 1-3 / 1-5 (%)",
         " / ".join(f"{ve[min(k, ve.size) - 1]:.1f}" for k in (1, 3, 5))),
        ("full-rank cost", _fmt(sweep.full_cost)),
        *_rank_rows(result, "rank(W^OP_k)"),
    ])
    out_dir.mkdir(parents=True, exist_ok=True)
    written = save_result(result, stem, _formats(args), overwrite=args.force)
    if args.figures:
        from .. import plotting
        written += _save_figures({figures[0]: plotting.figure_global_dims([result])}, out_dir, args.force)
    _print_written(written)
    return 0


def run_s4(args) -> int:
    common = _common(args)
    weights = _weights(args)
    local_dims, note = _local_dims(args, weights)
    out_dir = _out_dir(args)
    stem = out_dir / _stem(args)
    figures = [f"{_stem(args)}_outputs", f"{_stem(args)}_trajectories"] if args.figures else []
    _check_figures_possible(args)
    _check_outputs(result_paths(stem, _formats(args)) + _figure_paths(out_dir, figures), args.force)
    _header(args, weights, f"; {note}")
    start = time.perf_counter()
    result = pipelines.s4_reduced_rank_network(
        weights, args.task, args.dim_type, rank=args.rank, local_dims=local_dims,
        sampling_locs_to_combine=args.combine, row_method=args.row_method, progress=not args.quiet,
        **common)
    _print_table(f"s4 summary ({time.perf_counter() - start:.1f} s)", [
        ("trials", _trials_text(result.settings)),
        ("rank of the reduced W", f"{result.rank}{' (the original default)' if args.rank is None else ''}"),
        ("cost, full-rank network", _fmt(result.cost_full)),
        ("cost, reduced-rank network", _fmt(result.cost_reduced)),
        ("state distance, reduced to full rank", _fmt(result.state_distance)),
    ])
    out_dir.mkdir(parents=True, exist_ok=True)
    written = save_result(result, stem, _formats(args), overwrite=args.force)
    if args.figures:
        from .. import plotting
        written += _save_figures({figures[0]: plotting.figure_outputs(result),
                                  figures[1]: plotting.figure_full_and_reduced_trajectories(result)},
                                 out_dir, args.force)
    _print_written(written)
    return 0


RUNNERS = {"s1": run_s1, "s2": run_s2, "s3": run_s3, "s4": run_s4}
