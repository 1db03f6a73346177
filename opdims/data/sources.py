"""Where the data comes from: the authors' original data (never bundled with
opdims), or the bundled default networks.

One policy for every command: a weights file the user names wins; else the
authors' networks when asked for (``--original``) or when
``$OPDIMS_ORIGINAL_DATA`` is set (the analyses s1-s4); else the bundled
default network of the task.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import MissingFileError
from ..core.validation import check_task
from ..io.filesystem import existing_file
from . import default_weights

__all__ = ["ENV_VAR", "ORIGINAL_FILES", "PARITY_FIXTURES_ENV", "PARITY_REPORT_ENV", "PARITY_STATUS_ENV",
           "SOURCE_PARITY_FIXTURES", "WeightsChoice", "authors_local_dimensions", "original_data_dir",
           "parity_status", "parity_status_path", "resolve_weights"]

ENV_VAR = "OPDIMS_ORIGINAL_DATA"
PARITY_FIXTURES_ENV = "OPDIMS_PARITY_FIXTURES"  #: a folder of parity fixtures (``opdims parity``, the suite)
PARITY_REPORT_ENV = "OPDIMS_PARITY_REPORT"  #: where the parity suite writes its table
PARITY_STATUS_ENV = "OPDIMS_PARITY_STATUS"  #: where ``opdims parity`` records its outcome (see parity_status_path)
#: the parity fixtures of a source checkout (not installed with the package)
SOURCE_PARITY_FIXTURES = Path(__file__).resolve().parents[2] / "parity_tests" / "fixtures"

#: paths of the original files, relative to the data folder
ORIGINAL_FILES = {
    "ctxt_weights": "pretrained_networks/ctxt/ctxt_weights.h5",
    "swg_weights": "pretrained_networks/swg/swg_weights.h5",
    "ctxt_columns": "local_operative_dimensions/localOpDims_ctxt_columns.h5",
    "swg_columns": "local_operative_dimensions/localOpDims_swg_columns.h5",
}


def original_data_dir(start: str | os.PathLike | None = None) -> Path | None:
    """The folder holding the original data, or ``None``.

    Parameters
    ----------
    start : path, optional
        Where to look for ``../shared/reference/original`` (default: the
        current directory, then this package's checkout).

    Returns
    -------
    pathlib.Path or None
        ``$OPDIMS_ORIGINAL_DATA`` if set (``None`` if that is no folder),
        else ``../shared/reference/original`` when it exists.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        path = Path(env)
        return path if path.is_dir() else None
    bases = [Path(start) if start else Path.cwd(), Path(__file__).resolve().parents[2]]
    for base in bases:
        candidate = base / ".." / "shared" / "reference" / "original"
        if candidate.is_dir():
            return candidate.resolve()
    return None


@dataclass(frozen=True)
class WeightsChoice:
    """Which weights file an analysis uses, and why.

    Parameters
    ----------
    path : pathlib.Path
        The weights file.
    label : str
        ``'given'``, ``'original'`` or ``'bundled default'``.
    note : str
        One line for the user (empty when the user named the file).
    """

    path: Path
    label: str
    note: str = ""


def resolve_weights(task: str, weights=None, *, original=None, use_env: bool = True,
                    option: str = "--weights") -> WeightsChoice:
    """The weights file of ``task`` by opdims' one data policy.

    Parameters
    ----------
    task : str
        ``'ctxt'`` or ``'swg'``.
    weights : path, optional
        A file the user named: it wins (it must exist).
    original : path or str or None, optional
        The authors' data folder (``''``: ``$OPDIMS_ORIGINAL_DATA`` or
        ``../shared/reference/original``); ``None``: not asked for.
    use_env : bool, optional
        Whether a set ``$OPDIMS_ORIGINAL_DATA`` alone selects the authors' networks.
    option : str, optional
        The option naming the weights, for messages.

    Returns
    -------
    WeightsChoice
        The file and why.

    Raises
    ------
    FileNotFoundError
        If the named file, or the authors' data asked for, is missing.
    """
    check_task(task)
    if weights is not None:
        return WeightsChoice(existing_file(weights, option), "given")
    if original is not None or (use_env and os.environ.get(ENV_VAR)):
        folder = Path(original) if original else original_data_dir()
        where = f"--original {original}" if original else f"${ENV_VAR}"
        if folder is None:
            raise MissingFileError(f"no {option} given and the authors' data was not found: {where} is not a "
                                   f"folder (set {ENV_VAR} to their data/ folder, or give {option})")
        path = folder / ORIGINAL_FILES[f"{task}_weights"]
        if not path.is_file():
            raise MissingFileError(f"no {option} given and {where} ({folder}) holds no "
                                   f"{ORIGINAL_FILES[task + '_weights']}")
        return WeightsChoice(path, "original")
    path = default_weights(task)
    return WeightsChoice(path, "bundled default",
                         f"no {option} given: using the bundled default {task} network ({path.name}); "
                         f"set {ENV_VAR} to analyse the authors' networks")


def authors_local_dimensions(task: str, dim_type: str, weights, net_id: int) -> Path | None:
    """The authors' local-dimension file for these weights, if they are the authors' network 1.

    Parameters
    ----------
    task : str
        ``'ctxt'`` or ``'swg'``.
    dim_type : str
        ``'columns'`` or ``'rows'`` (only column files ship with the data).
    weights : path
        The weights file in use.
    net_id : int
        The network in use.

    Returns
    -------
    pathlib.Path or None
        The file, or ``None``.
    """
    folder = original_data_dir()
    if folder is None or int(net_id) != 1:
        return None
    authors_weights = folder / ORIGINAL_FILES[f"{task}_weights"]
    dims = folder / "local_operative_dimensions" / f"localOpDims_{task}_{dim_type}.h5"
    if authors_weights.is_file() and dims.is_file() and authors_weights.resolve() == Path(weights).resolve():
        return dims
    return None


def parity_status_path() -> Path:
    """Where ``opdims parity`` records whether the suite passed on this installation.

    Returns
    -------
    pathlib.Path
        ``$OPDIMS_PARITY_STATUS`` if set, else ``opdims/parity_status.json``
        in the user's cache folder (``$XDG_CACHE_HOME``, default ``~/.cache``).
    """
    env = os.environ.get(PARITY_STATUS_ENV)
    if env:
        return Path(env)
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "opdims" / "parity_status.json"


def _status_from_table(path: Path) -> dict | None:
    """Outcome read from a parity table (Markdown, last column ``pass``), or ``None`` if it holds none."""
    rows = [line for line in path.read_text(errors="replace").splitlines()
            if line.startswith("|") and re.search(r"\|\s*(yes|NO)\s*\|\s*$", line)]
    if not rows:
        return None
    failed = sum(bool(re.search(r"\|\s*NO\s*\|\s*$", line)) for line in rows)
    return {"passed": failed == 0, "comparisons": len(rows), "failed": failed, "source": str(path)}


def parity_status() -> dict | None:
    """Whether the parity suite passed on this installation, as last recorded.

    Read from :func:`parity_status_path` (written by ``opdims parity``), else
    from the table at ``$OPDIMS_PARITY_REPORT`` if that names a file.

    Returns
    -------
    dict or None
        ``passed`` (bool), ``comparisons`` and ``failed`` (table rows), and
        when ``opdims parity`` wrote it ``opdims_version``, ``finished`` (UTC)
        and ``fixtures``; ``source``: the file read. ``None``: never run (or
        the record is unreadable).

    Examples
    --------
    >>> status = parity_status()
    >>> status is None or isinstance(status["passed"], bool)
    True
    """
    path = parity_status_path()
    if path.is_file():
        try:
            status = json.loads(path.read_text())
        except (OSError, ValueError):
            status = None
        if isinstance(status, dict) and isinstance(status.get("passed"), bool):
            return {**status, "source": str(path)}
    table = os.environ.get(PARITY_REPORT_ENV)
    if table and Path(table).is_file():
        return _status_from_table(Path(table))
    return None
