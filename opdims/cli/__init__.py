"""The ``opdims`` command line: a thin shell over the library.

Each module of this package that defines ``register(subparsers)`` adds one
or more subcommands; ``register`` sets ``func`` (taking the parsed args and
returning an exit code) on its parsers. Errors opdims raises for the user's
input (:class:`opdims.core.errors.OpdimsError`) are printed as one line with exit
code 1; any other exception is a bug and shows its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import re
import signal
import sys
import threading
from contextlib import contextmanager

from ..core.errors import OpdimsError, Terminated
from ..version import __version__


class Parser(argparse.ArgumentParser):
    """An argparse parser whose usage errors are one line.

    ``opdims <command>: error: <what is wrong> (see opdims <command> --help)``,
    exit code 2.

    Parameters
    ----------
    *args, **kwargs
        As :class:`argparse.ArgumentParser`.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

    def error(self, message):
        """Print one line naming the option and what is wrong, and exit with code 2.

        Parameters
        ----------
        message : str
            argparse's message.
        """
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The ``opdims`` argument parser with every subcommand.

    Returns
    -------
    argparse.ArgumentParser
        The parser.
    """
    parser = Parser(
        prog="opdims",
        description="Operative dimensions of recurrent neural networks (Krause et al., NeurIPS 2022).",
    )
    parser.add_argument("--version", action="version", version=f"opdims {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"{__name__}.{module.name}")
        if hasattr(mod, "register"):
            mod.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``opdims`` with ``argv`` (default ``sys.argv[1:]``).

    Parameters
    ----------
    argv : list of str, optional
        The arguments.

    Returns
    -------
    int
        The exit code: 0 success, 1 an error in the input, 2 bad usage, 130 interrupted (Ctrl-C), 143
        terminated (SIGTERM).
    """
    try:  # the subcommands' modules load here: a Ctrl-C meanwhile is one line too
        parser = build_parser()
    except KeyboardInterrupt:
        print("opdims: interrupted while starting", file=sys.stderr)
        return 130
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        with _sigterm_raises():
            return int(args.func(args) or 0)
    except KeyboardInterrupt as exc:
        terminated = isinstance(exc, Terminated)
        print(f"opdims {args.command}: {'terminated (SIGTERM)' if terminated else 'interrupted'}; nothing was left "
              "half-written" + ("; run the same command again to resume" if args.command in RESUMABLE else ""),
              file=sys.stderr)
        return 143 if terminated else 130
    except OpdimsError as exc:
        print(f"opdims {args.command}: error: {as_flags(str(exc), parser, args.command)}", file=sys.stderr)
        return 1


RESUMABLE = ("batch", "reproduce", "train")  #: commands whose rerun resumes where an interrupted run stopped


def _raise_terminated(signum, frame):
    raise Terminated


@contextmanager
def _sigterm_raises():
    """SIGTERM raises :class:`Terminated` meanwhile (main thread only), so outputs and workers are cleaned up."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def as_flags(message: str, parser: argparse.ArgumentParser, command: str) -> str:
    """A library message in the command's words: ``dim_types: ...`` becomes ``--dim-types: ...``.

    The library names its parameters; where a parameter is an option of the
    command, the message names the option (``overwrite=True`` is ``--force``).

    Parameters
    ----------
    message : str
        The library's message.
    parser : argparse.ArgumentParser
        The ``opdims`` parser.
    command : str
        The subcommand that ran.

    Returns
    -------
    str
        The message with the command's option names.

    Examples
    --------
    >>> as_flags("dim_types: expected 'columns' or 'rows', got 'x'", build_parser(), "analyse")
    "--dim-types: expected 'columns' or 'rows', got 'x'"
    """
    sub = next((a.choices.get(command) for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)
    # every spelling of an option -> the spelling its help shows first
    flags = {s: a.option_strings[0] for a in (sub._actions if sub else ()) for s in a.option_strings}
    message = message.replace("pass overwrite=True", "pass --force" if "--force" in flags else "pass overwrite=True")


    def keyword(match):  # "give every=K" -> "give --every K"
        name = "--" + match.group(1).replace("_", "-")
        return f"{flags[name]} " if name in flags else match.group(0)

    message = re.sub(r"(?<![\w.-])([a-z][a-z0-9_]*)=(?!=)", keyword, message)
    head, sep, rest = message.partition(": ")
    names = head.split(" and ")
    if sep and all(re.fullmatch(r"[a-z][a-z0-9_]*", n) for n in names):
        mapped = ["--" + n.replace("_", "-") for n in names]
        if all(m in flags for m in mapped):
            return " and ".join(flags[m] for m in mapped) + sep + rest
    return message


if __name__ == "__main__":
    sys.exit(main())
