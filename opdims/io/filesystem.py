"""Checks and safe writing shared by every reader and writer of opdims.

Outputs are written under a temporary name next to the destination
(``.NAME.<pid>.<random>.part``) and renamed when complete, so the
destination never holds a half-written file. A Ctrl-C during the write is
held back until the file is complete or removed, then raised (so it is
never swallowed by a library's clean-up code). Temporary files left by a
process that was killed (``kill -9``) are removed by the next write to the
same destination.
"""

from __future__ import annotations

import hashlib
import os
import signal
import stat
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

from ..core.errors import (
    FileFormatError,
    MissingFileError,
    NotInFileError,
    NotWritableError,
    OpdimsError,
    OutputExistsError,
)

__all__ = [
    "FileFormatError",
    "NotInFileError",
    "atomic_output",
    "check_output_file",
    "check_output_folder",
    "existing_file",
    "named_by",
    "sha256_of_file",
]


def existing_file(path, what: str = "") -> Path:
    """``path`` as a Path, after checking that it names an existing file.

    Parameters
    ----------
    path : path
        The file.
    what : str, optional
        The option or argument naming it (e.g. ``'--weights'``), for messages.

    Returns
    -------
    pathlib.Path
        The path.

    Raises
    ------
    FileNotFoundError
        If it does not exist or is a folder.
    FileFormatError
        If it is not a regular file (a FIFO, a socket, a device): reading one
        could block forever.
    """
    path = Path(os.fspath(path))
    label = f"{what} {path}" if what else str(path)
    if not path.exists():
        raise MissingFileError(f"{label}: no such file")
    if path.is_dir():
        raise MissingFileError(f"{label}: is a folder, expected a file")
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        raise FileFormatError(f"{label}: is {_file_kind(mode)}, expected a regular file")
    return path


@contextmanager
def named_by(option: str, path):
    """Name ``option`` in front of errors about ``path`` raised meanwhile (the CLI names its flags).

    Parameters
    ----------
    option : str
        The option that gave the file, e.g. ``'--trials'``.
    path : path
        The file.

    Yields
    ------
    None

    Raises
    ------
    OpdimsError
        The error raised meanwhile, of the same type, its message starting
        ``'<option> <path>: '`` when it was about ``path``.

    Examples
    --------
    >>> from opdims.core.errors import FileFormatError
    >>> try:
    ...     with named_by("--trials", "t.npz"):
    ...         raise FileFormatError("t.npz: no inputs array")
    ... except FileFormatError as exc:
    ...     print(exc)
    --trials t.npz: no inputs array
    """
    try:
        yield
    except OpdimsError as exc:
        text = str(exc)
        if not text.startswith(os.fspath(path)):
            raise
        raise type(exc)(f"{option} {text}") from exc


def _file_kind(mode: int) -> str:
    kinds = [(stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")]
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def _probe_writable(folder: Path, label: str) -> None:
    probe = folder / f".opdims-write-test.{os.getpid()}.{uuid.uuid4().hex[:8]}"
    try:
        probe.touch()
    except OSError as exc:
        raise NotWritableError(f"{label}: cannot write in folder {folder} ({exc.strerror or exc})") from exc
    probe.unlink(missing_ok=True)


def check_output_folder(folder, what: str = "--out", create: bool = True) -> Path:
    """Check (and create) an output folder before any work: it must be writable.

    Parameters
    ----------
    folder : path
        The folder.
    what : str, optional
        The option naming it, for messages.
    create : bool, optional
        Create it (and its parents) if missing.

    Returns
    -------
    pathlib.Path
        The folder.

    Raises
    ------
    PermissionError
        If it cannot be created or written.
    FileNotFoundError
        If it is missing and ``create`` is false, or names a file.
    """
    folder = Path(os.fspath(folder))
    label = f"{what} {folder}" if what else str(folder)
    if folder.exists() and not folder.is_dir():
        raise MissingFileError(f"{label}: is a file, expected a folder")
    if not folder.exists():
        if not create:
            raise MissingFileError(f"{label}: no such folder")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise NotWritableError(f"{label}: cannot create the folder ({exc.strerror or exc})") from exc
    _probe_writable(folder, label)
    return folder


def check_output_file(path, overwrite: bool = False, what: str = "") -> Path:
    """Check before any work that ``path`` may be written.

    It must not exist (unless ``overwrite``), must not be a folder, and its
    folder must exist and be writable.

    Parameters
    ----------
    path : path
        The output file.
    overwrite : bool, optional
        Whether an existing file may be replaced.
    what : str, optional
        The option naming it, for messages.

    Returns
    -------
    pathlib.Path
        The path.

    Raises
    ------
    FileExistsError
        If it exists and ``overwrite`` is false.
    PermissionError, FileNotFoundError
        If it cannot be written.
    """
    path = Path(os.fspath(path))
    label = f"{what} {path}" if what else str(path)
    if path.is_dir():
        raise MissingFileError(f"{label}: is a folder, expected a file name to write")
    if path.exists() and not overwrite:
        raise OutputExistsError(f"{label}: exists already; pass overwrite=True to replace it")
    if not path.parent.is_dir():
        raise MissingFileError(f"{label}: cannot write, folder {path.parent} does not exist")
    _probe_writable(path.parent, label)
    return path


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale_parts(path: Path) -> None:
    """Temporary files for ``path`` left by processes that no longer run."""
    for part in path.parent.glob(f".{path.name}.*.part"):
        pieces = part.name[len(path.name) + 2:].split(".")
        if pieces and pieces[0].isdigit() and not _pid_alive(int(pieces[0])):
            part.unlink(missing_ok=True)


@contextmanager
def _interrupts_held_back():
    """Hold back SIGINT meanwhile (main thread only); raise KeyboardInterrupt afterwards if one came."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


@contextmanager
def atomic_output(path, overwrite: bool = False):
    """Yield a temporary path next to ``path``; it becomes ``path`` only on success.

    Parameters
    ----------
    path : path
        The destination.
    overwrite : bool, optional
        Replace an existing destination.

    Yields
    ------
    pathlib.Path
        The temporary file to write.

    Raises
    ------
    FileExistsError
        If ``path`` exists and ``overwrite`` is false.
    FileNotFoundError
        If its folder does not exist or ``path`` is a folder.
    KeyboardInterrupt
        After the temporary file was removed, if Ctrl-C was pressed while writing.
    """
    path = Path(os.fspath(path))
    if path.is_dir():
        raise MissingFileError(f"{path}: is a folder, expected a file name to write")
    if path.exists() and not overwrite:
        raise OutputExistsError(f"{path}: exists already; pass overwrite=True (--force on the command line) "
                                "to replace it")
    if not path.parent.is_dir():
        raise MissingFileError(f"{path}: cannot write, folder {path.parent} does not exist")
    _remove_stale_parts(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}.part")
    with _interrupts_held_back():
        try:
            yield temporary
            os.replace(temporary, path)
        except PermissionError as exc:
            raise NotWritableError(f"{path}: cannot write ({exc.strerror or exc})") from exc
        finally:
            if temporary.exists():
                temporary.unlink()


def sha256_of_file(path) -> str:
    """sha256 of a file's bytes (hex).

    Parameters
    ----------
    path : path
        The file.

    Returns
    -------
    str
        64 hex digits.
    """
    digest = hashlib.sha256()
    with open(existing_file(path), "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
