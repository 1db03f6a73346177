"""``opdims batch``: the analysis chain for many networks, on local processes or Dask."""

from __future__ import annotations

import time
from pathlib import Path

from ..analysis.batch import batch_jobs, run_batch
from ..analysis.chain import AnalysisOptions
from ..analysis.executor import CONNECT_TIMEOUT, check_executor_options, threads_per_job
from ..core.validation import parse_id_ranges
from ..data.sources import ENV_VAR, resolve_weights
from ..dims.sweeps import rank_rule_text
from ..io import AnalysisStore, check_output_folder
from .options import add_dim_types, command_doc
from .scripts import parse_ranks


def parse_net_ids(text: str, option: str = "--nets") -> list[int]:
    """Network ids from ``'3'``, ``'1-20'`` or ``'1,4,7-9'`` (1-based), ascending and unique.

    Parameters
    ----------
    text : str
        The ids.
    option : str, optional
        The option, for messages.

    Returns
    -------
    list of int
        The ids.

    Raises
    ------
    ValidationError
        For anything but positive whole numbers and increasing ranges.

    See Also
    --------
    opdims.core.validation.parse_id_ranges : the same as ranges, not expanded (for ids checked against a file).
    """
    return [i for ids in parse_id_ranges(text, option) for i in ids]


def add_executor_options(parser) -> None:
    """``--workers``, ``--scheduler``, ``--dask-local``, ``--threads``, ``--connect-timeout``: where the networks run.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The subcommand's parser.
    """
    group = parser.add_argument_group("where the networks run (one back end)")
    group.add_argument("--workers", type=int, default=1, metavar="N",
                       help="local worker processes running networks side by side (default 1)")
    group.add_argument("--threads", type=int, default=None, metavar="N",
                       help="threads per network (default: the machine's cores / workers)")
    group.add_argument("--scheduler", metavar="ADDRESS", default=None,
                       help="run on a Dask cluster: its scheduler's address, e.g. tcp://HOST:8786 "
                            "(needs pip install 'opdims[dask]'; see docs/cluster.md)")
    group.add_argument("--dask-local", type=int, metavar="N", default=None,
                       help="run on a Dask LocalCluster of N worker processes on this machine")
    group.add_argument("--connect-timeout", type=float, metavar="SECONDS", default=CONNECT_TIMEOUT,
                       help="seconds the --scheduler has to answer before the run gives up on it "
                            "(default %(default)g)")


def executor_settings(args) -> dict:
    """The executor options of ``args``, checked.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed options (see :func:`add_executor_options`).

    Returns
    -------
    dict
        ``workers``, ``scheduler``, ``dask_local``, ``connect_timeout``, and the ``threads`` per job.
    """
    # checked by the library's one door; its messages name the parameters, which main() turns into the flags
    settings = check_executor_options(args.workers, scheduler=args.scheduler, dask_local=args.dask_local,
                                      threads=args.threads, connect_timeout=args.connect_timeout)
    if settings["threads"] is None:
        settings["threads"] = threads_per_job(settings["workers"], scheduler=args.scheduler,
                                              dask_local=settings["dask_local"])
    return settings


@command_doc("batch")
def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "batch", help="the analysis chain (s2 + s3: local and global operative dimensions, rank sweep) of many "
                      "networks, on local processes or a Dask cluster",
        description="For every task, network id and dimension type: sampling locations and local operative "
                    "dimensions (s2), global operative dimensions and the cost / state distance for each rank "
                    "(s3), with the original scripts' settings. Each network's results go to "
                    "OUT/<task>/NetNr<k>.h5 as it finishes; a rerun skips networks whose weights and settings "
                    "are unchanged.")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="folder for the results (one .h5 per network; created if needed)")
    parser.add_argument("--tasks", nargs="+", default=["ctxt", "swg"], choices=["ctxt", "swg"],
                        help="tasks to run (default both)")
    parser.add_argument("--nets", default=None, metavar="IDS",
                        help="network ids, e.g. 1-20 or 1,4 (default: every network in each file)")
    add_dim_types(parser)
    parser.add_argument("--ctxt-weights", metavar="FILE",
                        help=f"ctxt weights file (default: the authors' data in ${ENV_VAR}, else the bundled default)")
    parser.add_argument("--swg-weights", metavar="FILE",
                        help=f"swg weights file (default: the authors' data in ${ENV_VAR}, else the bundled default)")
    parser.add_argument("--ranks", metavar="GRID", default=None,
                        help="ranks of the sweeps, e.g. '1-50,60-100:10' (default all)")
    parser.add_argument("--random-control", action="store_true",
                        help="also analyse random sampling locations (the paper's control)")
    add_executor_options(parser)
    parser.add_argument("--recompute", action="store_true", help="recompute networks the output folder holds")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


@command_doc("batch")
def run(args) -> int:
    executor = executor_settings(args)
    options = AnalysisOptions(dim_types=tuple(args.dim_types), random_control=args.random_control,
                              ranks=parse_ranks(args.ranks))
    weights = {task: resolve_weights(task, getattr(args, f"{task}_weights"), option=f"--{task}-weights").path
               for task in args.tasks}
    net_ids = None if args.nets is None else parse_id_ranges(args.nets)
    jobs = batch_jobs(weights, net_ids, options, threads=executor.pop("threads"))
    store = AnalysisStore(check_output_folder(args.out))
    start = time.perf_counter()
    results = run_batch(jobs, store, recompute=args.recompute, progress=not args.quiet, **executor)
    elapsed = time.perf_counter() - start
    print(f"{'task':<5} {'net':>4} {'dims':<8} {'full cost':>10} {'rank (range)':>12} {'rank: cost <= 1.1 full':>23} "
          f"{'rank: settled':>14} {'seconds':>8}")
    for job, res in zip(jobs, results):
        rows = [(dim_type, res[dim_type].sweep) for dim_type in options.dim_types]
        if res.high_variance is not None:
            rows.append(("SVD of W", res.high_variance.sweep))
        for name, sweep in rows:
            cost = "-" if sweep is None else f"{sweep.full_cost:.3g}"
            ranks = ["-"] * 3 if sweep is None else [
                sweep.rank() if sweep.silent_cost is not None else None, sweep.rank_within_full_cost(),
                sweep.settled_rank()]
            ranks = [str(k or "-") for k in ranks]
            print(f"{job.task:<5} {job.net_id:>4} {name:<8} {cost:>10} {ranks[0]:>12} {ranks[1]:>23} "
                  f"{ranks[2]:>14} {res.provenance.get('seconds', 0.0):>8.1f}")
    print(f"rank (range): the {rank_rule_text()}")
    where = args.scheduler or (f"a Dask LocalCluster of {args.dask_local}" if args.dask_local else
                               f"{args.workers} local worker(s)")
    print(f"{len(jobs)} networks in {elapsed:.1f} s on {where}; results in {store.folder}/")
    return 0
