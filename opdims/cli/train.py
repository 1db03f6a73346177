"""``opdims train TASK --out FILE``: train networks into the original HDF5 layout."""

from __future__ import annotations

import shlex
from pathlib import Path

from .batch import parse_net_ids


def register(subparsers) -> None:
    """Add the ``train`` subcommand to the ``opdims`` command line.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        What :meth:`argparse.ArgumentParser.add_subparsers` returned.

    Examples
    --------
    >>> import argparse
    >>> from opdims.cli import train
    >>> parser = argparse.ArgumentParser(prog="opdims")
    >>> train.register(parser.add_subparsers())
    >>> args = parser.parse_args(["train", "swg", "--out", "my_swg.h5"])
    >>> args.func is train.run
    True
    """
    parser = subparsers.add_parser(
        "train", help="train vanilla RNNs on ctxt or swg (torch), written in the original HDF5 layout",
        description="Train networks as in the paper (N units, tau 10 ms, dt 1 ms, internal noise 0.1, "
                    "no regularisation; W_in, W, W_out, biases and initial states trained with Adam on the "
                    "squared error summed over trials). Network k uses seed SEED + k - 1 and is written to "
                    "/NetNr<k>/init and /final of FILE. Interrupted training resumes from its checkpoint "
                    "(FILE.NetNr<k>.checkpoint.pt); networks already in FILE are skipped.")
    parser.add_argument("task", choices=("ctxt", "swg"), help="ctxt: context-dependent integration; swg: sine waves")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE", help="weights file (.h5) to add networks to")
    parser.add_argument("--nets", default="1", metavar="IDS", help="network ids, e.g. 1 or 1-20 (default 1)")
    parser.add_argument("--seed", type=int, default=1, help="seed of network 1 (default 1)")
    parser.add_argument("--target-cost", type=float, default=None,
                        help="stop once the validation MSE reaches this (default: 1e-3 ctxt, 2e-4 swg)")
    parser.add_argument("--max-iterations", type=int, default=None,
                        help="most Adam steps per network (default 8000 ctxt, 16000 swg)")
    parser.add_argument("--max-minutes", type=float, default=None, help="most training minutes per network")
    parser.add_argument("--batch", type=int, default=None,
                        help="ctxt: trials per context and coherency (12x this per step, default 2); "
                             "swg: copies of the 51 frequencies (default 1)")
    parser.add_argument("--short-burn-in", type=int, default=None, metavar="STEPS",
                        help="ctxt: the first STEPS Adam steps use trials with a 50 ms burn-in instead of 650 ms "
                             "(a curriculum; default 4000 ctxt, 0 swg)")
    parser.add_argument("--lr", type=float, default=None, help="Adam step size (default 5e-3 ctxt, 2e-3 swg)")
    parser.add_argument("--lr-decay", type=float, default=None,
                        help="step-size factor every 1000 steps (default 0.7 ctxt, 0.85 swg)")
    parser.add_argument("--units", type=int, default=100, help="network size N (default 100)")
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32",
                        help="training precision (weights are saved as float64; default float32)")
    parser.add_argument("--device", default="cpu", help="torch device, e.g. cpu or cuda (default cpu)")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    parser.add_argument("--freeze", nargs="+", default=(), metavar="NAME",
                        help="keep these at their initial values: W_in W W_out x0 b_x b_z")
    parser.add_argument("--force", action="store_true", help="retrain networks already in FILE")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def command_line(args, config) -> str:
    """Return the ``opdims train`` command that repeats this run, every option spelled out.

    Stored with each trained network.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.
    config : opdims.training.TrainingConfig
        The configuration, task defaults filled in.

    Returns
    -------
    str
        The command, quoted for a POSIX shell.

    Examples
    --------
    >>> import argparse
    >>> from opdims.cli import train
    >>> from opdims.training import TrainingConfig
    >>> parser = argparse.ArgumentParser(prog="opdims")
    >>> train.register(parser.add_subparsers())
    >>> args = parser.parse_args(["train", "swg", "--out", "my_swg.h5", "--units", "50"])
    >>> train.command_line(args, TrainingConfig("swg", n_units=50))  # doctest: +ELLIPSIS
    'opdims train swg --out my_swg.h5 --nets 1 --seed 1 --target-cost 0.0002 --max-iterations 16000 ...'
    """
    words = ["opdims", "train", args.task, "--out", str(args.out), "--nets", args.nets, "--seed", str(args.seed),
             "--target-cost", str(config.target_cost), "--max-iterations", str(config.max_iterations),
             "--batch", str(config.batch), "--lr", str(config.lr), "--lr-decay", str(config.lr_decay),
             "--short-burn-in", str(config.short_burn_in_iterations), "--units", str(args.units),
             "--dtype", args.dtype, "--device", args.device]
    if args.max_minutes is not None:
        words += ["--max-minutes", str(args.max_minutes)]
    if args.freeze:
        words += ["--freeze", *args.freeze]
    return shlex.join(words)


def run(args) -> int:
    """Run ``opdims train``: train each network of ``--nets`` not yet in the file.

    Network k uses seed ``--seed + k - 1``; each is written to ``/NetNr<k>``
    of ``--out`` as soon as it is trained (:func:`opdims.training.train_network`).

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line (see ``opdims train --help``).

    Returns
    -------
    int
        0.

    Raises
    ------
    ImportError
        If torch is not installed.
    ValueError
        For bad network ids or training options.

    Examples
    --------
    Train a 5-unit swg network for 2 steps (seconds; not run as a doctest):

    >>> from opdims.cli import main
    >>> main(["train", "swg", "--out", "tiny.h5", "--units", "5", "--max-iterations", "2",
    ...       "--quiet"])  # doctest: +SKIP
    tiny.h5: NetNr1 (swg, seed 1): evaluation MSE ... after 2 steps, 0.0 min
    0
    """
    import torch

    from ..io import check_output_file, network_ids
    from ..training import TrainingConfig, train_network

    torch.set_num_threads(args.threads)
    ids = parse_net_ids(args.nets)
    check_output_file(args.out, overwrite=True, what="--out")  # writable, before any training
    done = set(network_ids(args.out, missing_ok=True)) if not args.force else set()
    for net_id in ids:
        if net_id in done:
            print(f"{args.out}: NetNr{net_id} exists already, skipped (use --force to retrain)")
            continue
        config = TrainingConfig(
            task=args.task, seed=args.seed + net_id - 1, n_units=args.units,
            batch=args.batch, max_iterations=args.max_iterations, target_cost=args.target_cost,
            max_minutes=args.max_minutes, lr=args.lr, lr_decay=args.lr_decay,
            short_burn_in_iterations=args.short_burn_in, dtype=args.dtype, device=args.device,
            frozen=tuple(args.freeze))
        result = train_network(config, args.out, net_id, overwrite=args.force, progress=not args.quiet,
                               command=command_line(args, config))
        print(f"{args.out}: NetNr{net_id} ({args.task}, seed {config.seed}): evaluation MSE {result.cost:.3g} "
              f"after {result.iterations} steps, {result.seconds / 60:.1f} min")
    return 0
