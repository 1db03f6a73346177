"""``opdims analyse``: the operative dimensions of any network, from its weights and trials."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from .. import io
from ..analysis.chain import AnalysisOptions, analyse_network, memory_estimate
from ..analysis.runs import SEED_RUN
from ..core.backend import check_memory
from ..core.errors import MissingDependencyError, ValidationError
from ..core.nonlinearity import NONLINEARITIES
from ..core.sampling import as_locations
from ..core.validation import TASKS, check_sampling_steps, check_seed
from ..dims.generic import RANDOM_STARTS
from ..dims.sweeps import DEFAULT_RANK_RULE, RANK_RULES
from ..io.tree import open_tree
from ..plotting import report as html_report
from .options import add_dim_types, add_row_method, command_doc
from .scripts import parse_ranks

OUTPUTS = {"analysis": "analysis.h5", "matlab": "analysis.mat", "summary": "summary.md",
           "ranks": "operative_dimensions.png", "locations": "sampling_locations.png", "report": "index.html"}


@command_doc("analyse")
def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "analyse", aliases=["analyze"],
        help="operative dimensions of your own network: weights (.h5, .mat, .npz, PyTorch) and trials in, "
             "local and global operative dimensions, rank sweep against the high-variance baseline (SVD of W), "
             "summary and figures out",
        description="The whole analysis of one network: a forward pass on the trials, sampling locations on the "
                    "condition-average trajectories (one condition per trial label), local operative dimensions "
                    "of W's columns and/or rows there, global operative dimensions, and the output cost and state "
                    "distance of the network reduced to rank k, against the same for W reduced to its top-k left "
                    "singular vectors (the high-variance baseline of the paper's figure 1). Writes OUT/analysis.h5 "
                    "and OUT/analysis.mat (MATLAB orientation), OUT/summary.md, figures and OUT/index.html (the "
                    "report: figures, summary and provenance in one page that stands alone). Networks: the "
                    "authors' .h5 layout, .mat, "
                    ".npz or .h5 of named arrays (W_in, W, W_out, x0, b_x, b_z, alpha or dt and tau, "
                    "nonlinearity), PsychRNN's saved weights (with --alpha), or a PyTorch nn.RNN (nn.GRU, nn.LSTM) "
                    "state dict with an nn.Linear readout.")
    group = parser.add_argument_group("network")
    group.add_argument("--weights", required=True, metavar="MODEL", help="the network's file")
    group.add_argument("--net-id", default="1", metavar="ID",
                       help="which network of the file: its number, or a struct or module name (default 1)")
    group.add_argument("--module", metavar="NAME", default=None,
                       help="a PyTorch file's recurrent module when it holds several (NAME, or NAME:READOUT to "
                            "choose its readout too)")
    group.add_argument("--alpha", type=float, default=None, metavar="DT/TAU",
                       help="dt / tau, for weights that do not store it (PsychRNN's .npz)")
    group.add_argument("--nonlinearity", choices=NONLINEARITIES, default=None,
                       help="override the stored nonlinearity (a PyTorch state dict does not store it: tanh is "
                            "assumed)")
    group.add_argument("--no-net-noise", dest="net_noise", action="store_false",
                       help="run without the network's internal noise")
    group.add_argument("--seed", type=int, default=SEED_RUN, help="seed of the internal noise (default %(default)s)")
    group = parser.add_argument_group("trials and sampling locations")
    group.add_argument("--trials", metavar="FILE",
                       help="inputs [B, T, n_in], targets [B, T, n_out] and labels [B] (.npz or .h5; a .mat in "
                            "MATLAB orientation); required unless --task ctxt|swg")
    group.add_argument("--task", choices=TASKS, default=None,
                       help="use the paper's trials and sampling locations of this task instead of --trials")
    group.add_argument("--sweep-trials", metavar="FILE", help="other trials for the rank sweep (default --trials)")
    where = group.add_mutually_exclusive_group()
    where.add_argument("--every", type=int, metavar="K",
                       help="sample every K-th step of each condition average")
    where.add_argument("--times", metavar="T1,T2,...", help="sample these steps (1-based) of each condition average")
    where.add_argument("--locations", metavar="FILE",
                       help="sampling locations [L, N] (states) from a file (.npz/.h5 'locations', .mat 'locations' "
                            "in [L, N]), or fixed points: 'xstar' [n, N] hidden states with their 'inputs' "
                            "[n, n_inputs] (FixedPointFinder's xstar and inputs)")
    group = parser.add_argument_group("analysis")
    add_dim_types(group)
    add_row_method(group)
    group.add_argument("--ranks", metavar="GRID", default=None,
                       help="ranks of the sweep, e.g. '1-50,60-500:10' (default all 1..N)")
    group.add_argument("--random-control", action="store_true",
                       help="also use random sampling locations (the paper's control)")
    group.add_argument("--no-high-variance", dest="high_variance", action="store_false",
                       help="skip the high-variance baseline (W's SVD, the activity's PCs and the rank sweep over "
                            "W's top-k left singular vectors: one more sweep, for big networks)")
    group.add_argument("--rank-rule", choices=RANK_RULES, default=DEFAULT_RANK_RULE,
                       help="summary and figure: the rank at which the cost is back. 'range' (default): smallest "
                            "rank whose cost is within TOLERANCE of the range from the full-rank cost to the silent "
                            "network's (W = 0); 'ratio': cost <= (1 + TOLERANCE) x full; 'settled': from which the "
                            "cost stays within TOLERANCE of its range above the full-rank cost")
    group.add_argument("--tolerance", type=float, default=0.1,
                       help="tolerance of the rank rule (default %(default)s)")
    group.add_argument("--random-starts", type=int, default=RANDOM_STARTS, metavar="K",
                       help="GRU/LSTM: random starts of the generic solver per greedy step, besides the first-order "
                            "ones (default %(default)s; more: a wider search, slower)")
    group.add_argument("--threads", type=int, default=None, help="CPU threads (default all cores)")
    group = parser.add_argument_group("output")
    group.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder (created if needed)")
    group.add_argument("--no-figures", dest="figures", action="store_false", help="write no figures")
    group.add_argument("--force", action="store_true", help="replace existing outputs")
    group.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.set_defaults(func=run)


def _times(text):
    if text is None:
        return None
    try:
        return tuple(int(t) for t in text.split(","))
    except ValueError:
        raise ValidationError(f"--times: expected steps like 1,50,100, got {text!r}") from None


def _locations(path, net):
    """Sampling locations from a file: ``locations [L, N]``, or fixed points ``xstar [n, N]`` (+ ``inputs``)."""
    with open_tree(path) as (_, tree):
        names = set(tree)
    if "xstar" in names:
        found = {name: io.read_array(path, name) for name in ("xstar", "inputs") if name in names}
    else:
        found = io.read_array(path, "locations")
    try:
        return as_locations(net, found)
    except ValidationError as exc:
        raise ValidationError(f"--locations {path}: {exc}") from None


@command_doc("analyse")
def run(args) -> int:
    started = time.perf_counter()
    dim_types = args.dim_types
    ranks = parse_ranks(args.ranks)
    times = _times(args.times)
    check_seed(args.seed, "--seed")
    if not args.tolerance >= 0:
        raise ValidationError(f"--tolerance: expected a number >= 0, got {args.tolerance}")
    if (args.trials is None) == (args.task is None):
        raise ValidationError("give --trials FILE (your trials) or --task ctxt|swg (the paper's), one of them")
    if args.task is not None and args.sweep_trials:
        raise ValidationError(f"--sweep-trials: --task {args.task} uses the paper's trials; it goes with --trials")
    # the options' door checks every, times and the rest before any file is read; the chain decides which
    # sampling locations a task takes (every, times or locations)
    options = AnalysisOptions(dim_types=dim_types, row_method=args.row_method, ranks=ranks,
                              random_control=args.random_control, every=args.every, times=times,
                              net_noise=args.net_noise, seed_run=args.seed, pcs=args.figures and args.locations is None,
                              high_variance=args.high_variance, random_starts=args.random_starts)
    if args.figures:
        try:
            import matplotlib  # noqa: F401
        except ImportError as exc:
            raise MissingDependencyError("figures need matplotlib (pip install 'opdims[plot]'); or pass "
                                         "--no-figures") from exc
    weights = io.existing_file(args.weights, "--weights")
    net_id = int(args.net_id) if str(args.net_id).isdigit() else args.net_id
    with io.named_by("--weights", weights):
        net = io.load_network(weights, net_id, nonlinearity=args.nonlinearity, module=args.module,
                              alpha=args.alpha)
    trials = sweep_trials = None
    if args.trials is not None:
        with io.named_by("--trials", args.trials):
            trials = io.load_trials(io.existing_file(args.trials, "--trials"), n_contexts=net.n_contexts)
        if args.every is not None or times is not None:
            check_sampling_steps(args.every, times, trials.n_steps, ("--every", "--times"),
                                 f"the trials of {args.trials}")
    if args.sweep_trials is not None:
        with io.named_by("--sweep-trials", args.sweep_trials):
            sweep_trials = io.load_trials(io.existing_file(args.sweep_trials, "--sweep-trials"),
                                          n_contexts=net.n_contexts)
    for option, path, given in (("--trials", args.trials, trials), ("--sweep-trials", args.sweep_trials, sweep_trials)):
        if given is not None:  # before any work: what cannot fit is refused with the estimate
            check_memory(memory_estimate(net, given), f"{option} {path} ({given.n_trials} trials x {given.n_steps} "
                         f"steps, {net.n_units} units)", "use fewer or shorter trials")
    locations = None
    if args.locations is not None:
        with io.named_by("--locations", args.locations):
            locations = _locations(io.existing_file(args.locations, "--locations"), net)
    out = io.check_output_folder(args.out)
    paths = {key: out / name for key, name in OUTPUTS.items()}
    figures = {"ranks": paths["ranks"], "locations": paths["locations"]} if args.figures else {}
    for key in ("analysis", "matlab", "summary", "report", *figures):
        io.check_output_file(paths[key], args.force)
    task = args.task or (trials.task if trials is not None else "custom")
    print(f"opdims analyse: network {args.net_id} of {weights}: {net.n_units} units, {net.n_inputs} input(s), "
          f"{net.n_outputs} output(s), {net.nonlinearity}, alpha {net.alpha:g}; "
          + (f"the paper's {task} trials" if trials is None else f"{trials.n_trials} trials x {trials.n_steps} steps "
             f"from {args.trials}"), flush=True)
    analysis = analyse_network(net, task, options, net_id=net_id if isinstance(net_id, int) else 1, trials=trials,
                               sweep_trials=sweep_trials, locations=locations, threads=args.threads,
                               progress=not args.quiet,
                               provenance={"weights": str(weights), "weights_sha256": io.sha256_of_file(weights)})
    table = analysis.summary_table(args.tolerance, args.rank_rule)
    report = (f"# Operative dimensions of {weights.name} (network {args.net_id})\n\n{table}\n\n"
              f"{analysis.locations.shape[0]} sampling locations ({analysis.provenance['locations_from']}); "
              f"{analysis.provenance['seconds']:.1f} s\n")
    drawn = {}
    if args.figures:
        from .. import plotting

        drawn["ranks"] = plotting.figure_network_analysis(analysis, args.tolerance, args.rank_rule)
        if analysis.condition_averages is not None and analysis.activity_pcs is not None:
            drawn["locations"] = plotting.figure_analysis_locations(analysis)
    keys = ["analysis", "matlab", "summary", *drawn, "report"]
    written = [paths[key] for key in keys]
    inputs = [("trials", args.trials), ("sweep trials", args.sweep_trials), ("sampling locations", args.locations)]
    # all outputs appear together or none does: an interrupted write phase leaves nothing a rerun refuses
    with io.atomic_outputs(written, overwrite=args.force) as temporaries:
        part = dict(zip(keys, temporaries))
        io.save_analysis(part["analysis"], analysis)
        io.save_mat(part["matlab"], io.analysis_variables(analysis))
        part["summary"].write_text(report)
        for key, fig in drawn.items():
            fig.savefig(part[key], format="png", dpi=110)
        figures = [(f"{html_report.CAPTIONS.get(paths[key].stem, paths[key].stem)} ({paths[key].name})",
                    Path(part[key]).read_bytes()) for key in drawn]
        page = html_report.analysis_report(
            analysis, figures=figures, tolerance=args.tolerance,
            title=f"Operative dimensions of {weights.name} (network {args.net_id})",
            data_files=[(role, str(path), io.sha256_of_file(path)) for role, path in inputs if path is not None],
            timings=[("opdims analyse, in all", f"{time.perf_counter() - started:.1f} s")],
            options={k: v for k, v in vars(args).items() if k not in ("func", "command", "quiet", "force")})
        Path(part["report"]).write_text(page.page(), encoding="utf-8")
    print(table)
    print(f"done in {time.perf_counter() - started:.1f} s; written:")
    for path in written:
        print(f"  {path}")
    sys.stdout.flush()
    return 0
