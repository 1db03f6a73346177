"""The ``opdims`` command line.

Each module of this package that defines ``register(subparsers)`` adds one
or more subcommands; ``register`` sets ``func`` (taking the parsed args and
returning an exit code) on its parsers.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from .. import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("opdims: interrupted", file=sys.stderr)
        return 130
    except (ValueError, KeyError, OSError, TypeError, IndexError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"opdims {args.command}: error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
