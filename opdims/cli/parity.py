"""``opdims parity``: run the parity suite and print its table."""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from ..core.errors import MissingDependencyError, MissingFileError
from ..data.sources import (
    PARITY_FIXTURES_ENV,
    PARITY_REPORT_ENV,
    SOURCE_PARITY_FIXTURES,
    parity_status_path,
)
from ..io.filesystem import atomic_output, check_output_file
from ..version import __version__

#: the parity suite's test modules (installed with the package)
PARITY_DIR = Path(__file__).resolve().parents[1] / "parity"


def register(subparsers) -> None:
    """Add the ``parity`` subcommand to the ``opdims`` command line.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        What :meth:`argparse.ArgumentParser.add_subparsers` returned.

    Examples
    --------
    >>> import argparse
    >>> from opdims.cli import parity
    >>> parser = argparse.ArgumentParser(prog="opdims")
    >>> parity.register(parser.add_subparsers())
    >>> args = parser.parse_args(["parity", "--markdown", "parity.md"])
    >>> args.func is parity.run
    True
    """
    p = subparsers.add_parser(
        "parity",
        help="check opdims against numbers produced by the original MATLAB code",
        description="Run the parity suite: every original MATLAB function against fixtures written by the "
                    "original code (committed ones, or your own made with matlab_ref/), and print a table of "
                    "errors and tolerances.",
    )
    p.add_argument("--fixtures", metavar="DIR",
                   help=f"folder of fixture .mat files (default: ${PARITY_FIXTURES_ENV}, else the source checkout's "
                        "parity_tests/fixtures)")
    p.add_argument("--markdown", metavar="FILE", help="also write the table as Markdown to FILE")
    p.add_argument("--force", action="store_true", help="replace the --markdown FILE if it exists")
    p.set_defaults(func=run)


def _provenance(folder: Path) -> str:
    import scipy.io

    for path in sorted(folder.glob("*.mat")):
        meta = scipy.io.loadmat(path, variable_names=["meta_interpreter", "meta_interpreter_version",
                                                      "meta_original_commit"])
        try:
            text = [str(np.asarray(meta[k]).reshape(-1)[0]) for k in
                    ("meta_interpreter", "meta_interpreter_version", "meta_original_commit")]
        except (KeyError, IndexError):
            continue
        return f"fixtures written by {text[0]} {text[1]} running the original code at commit {text[2][:10]}"
    return "fixtures without provenance"


def record_status(code: int, table: str, fixtures: str) -> Path | None:
    """Record the suite's outcome where the reports read it (:func:`opdims.data.sources.parity_status`).

    Parameters
    ----------
    code : int
        pytest's exit code (0: every comparison passed).
    table : str
        The parity table (Markdown).
    fixtures : str
        Where the fixtures came from (one line).

    Returns
    -------
    pathlib.Path or None
        The record, or ``None`` when it could not be written (a warning is printed).
    """
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    failed = sum(line.rstrip().endswith("| NO |") for line in rows)
    record = {"passed": code == 0 and bool(rows) and not failed, "exit_code": code, "comparisons": len(rows),
              "failed": failed, "opdims_version": __version__, "fixtures": fixtures,
              "finished": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    path = parity_status_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_output(path, overwrite=True) as part:
            Path(part).write_text(json.dumps(record, indent=1) + "\n")
    except OSError as exc:
        print(f"opdims parity: could not record the outcome in {path}: {exc}")
        return None
    return path


def run(args) -> int:
    """Run ``opdims parity``: the parity suite, then print its table of errors and tolerances.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line: ``fixtures`` (a folder of fixture .mat
        files, or None for the committed ones), ``markdown`` (a file to
        write the table to, or None) and ``force`` (replace that file).

    Returns
    -------
    int
        pytest's exit code: 0 when every comparison passed.

    Raises
    ------
    FileNotFoundError
        When no fixtures folder is given and none is found.
    ImportError
        Without pytest.

    Examples
    --------
    In a source checkout (a minute or so; not run as a doctest):

    >>> from opdims.cli import main
    >>> main(["parity", "--markdown", "parity.md"])  # doctest: +SKIP
    0
    """
    try:
        import pytest
    except ImportError as exc:
        raise MissingDependencyError("opdims parity runs the parity suite with pytest: pip install 'opdims[test]'") \
            from exc
    if args.fixtures:
        folder, where = Path(args.fixtures), "--fixtures"
    elif os.environ.get(PARITY_FIXTURES_ENV):
        folder, where = Path(os.environ[PARITY_FIXTURES_ENV]), f"${PARITY_FIXTURES_ENV}"
    else:
        folder, where = SOURCE_PARITY_FIXTURES, "the source checkout"
        if not folder.is_dir():
            raise MissingFileError("the parity fixtures (about 25 MB) are not installed with opdims: get the folder "
                                   "parity_tests/fixtures of the opdims source repository and run "
                                   "opdims parity --fixtures DIR")
    if not folder.is_dir() or not any(folder.glob("*.mat")):
        raise MissingFileError(f"{where} {folder}: no folder of fixture .mat files")
    if args.markdown:
        check_output_file(args.markdown, overwrite=getattr(args, "force", False), what="--markdown")
    with tempfile.TemporaryDirectory() as tmp:
        table_path = Path(tmp) / "parity.md"
        os.environ[PARITY_FIXTURES_ENV] = str(folder.resolve())
        os.environ[PARITY_REPORT_ENV] = str(table_path)
        code = pytest.main([str(PARITY_DIR), "-q", "-p", "no:cacheprovider", "--no-header", "-rs"])
        table = table_path.read_text() if table_path.is_file() else "(no comparison ran)\n"
    record_status(int(code), table, _provenance(folder))
    print(f"\n{_provenance(folder)}\n")
    print(table)
    if args.markdown:
        with atomic_output(args.markdown, overwrite=getattr(args, "force", False)) as part:
            part.write_text(f"{_provenance(folder)}\n\n{table}")
    return int(code)
