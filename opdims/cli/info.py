"""``opdims info FILE...``: what a weights, local-dimension or MAT file holds."""

from __future__ import annotations

import os
import sys

from ..io import describe_file


def register(subparsers) -> None:
    """Add the ``info`` subcommand to the ``opdims`` command line.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        What :meth:`argparse.ArgumentParser.add_subparsers` returned.

    Examples
    --------
    >>> import argparse
    >>> from opdims.cli import info
    >>> parser = argparse.ArgumentParser(prog="opdims")
    >>> info.register(parser.add_subparsers())
    >>> args = parser.parse_args(["info", "a.h5", "b.mat"])
    >>> args.func is info.run
    True
    """
    parser = subparsers.add_parser(
        "info", help="summarise .h5/.mat files: format, networks, arrays and sizes, tasks",
        description="Print the format (detected from the file's header, not its extension) and the contents "
                    "of each file: the networks of a weights file (ids, stages, MATLAB sizes, the task each "
                    "fits, whether its weights load), the sampling locations of a local-operative-dimension "
                    "file, or the variables of a MAT-file.")
    parser.add_argument("files", nargs="+", metavar="FILE", help=".h5, .mat, .npz or PyTorch file(s)")
    parser.add_argument("--module", metavar="NAME", default=None,
                        help="a PyTorch file's recurrent module (NAME, or NAME:READOUT to choose its readout)")
    parser.set_defaults(func=run)


def run(args) -> int:
    """Run ``opdims info``: describe every file (:func:`opdims.io.describe_file`).

    A file that cannot be read gets one error line on stderr and exit code 1;
    the other files are still described.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line; ``files``: the paths.

    Returns
    -------
    int
        0, or 1 if a file could not be read.

    Examples
    --------
    >>> import opdims
    >>> from opdims.cli import main
    >>> main(["info", str(opdims.default_weights("swg"))])  # doctest: +ELLIPSIS
    /.../swg_default.h5
      format: HDF5
    ...
    0
    """
    status = 0
    for index, path in enumerate(args.files):
        try:
            text = describe_file(path, module=getattr(args, "module", None))
        except (ValueError, KeyError, OSError) as exc:
            message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
            print(f"opdims info: error: {message}", file=sys.stderr)
            status = 1
            continue
        try:
            print(("\n" if index else "") + text, flush=True)
        except BrokenPipeError:  # e.g. piped into head: stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return status
    return status
