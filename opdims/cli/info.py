"""``opdims info FILE...``: what a weights, local-dimension or MAT file holds."""

from __future__ import annotations

import os
import sys

from ..io import describe_file


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "info", help="summarise .h5/.mat files: format, networks, arrays and sizes, tasks",
        description="Print the format (detected from the file's header, not its extension) and the contents "
                    "of each file: the networks of a weights file (ids, stages, MATLAB sizes, the task each "
                    "fits, whether its weights load), the sampling locations of a local-operative-dimension "
                    "file, or the variables of a MAT-file.")
    parser.add_argument("files", nargs="+", metavar="FILE", help=".h5 or .mat file(s)")
    parser.set_defaults(func=run)


def run(args) -> int:
    """Describe every file; a file that cannot be read gets one error line and exit code 1."""
    status = 0
    for index, path in enumerate(args.files):
        try:
            text = describe_file(path)
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
