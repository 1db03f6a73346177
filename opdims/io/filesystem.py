"""Checks and safe writing shared by every reader and writer of opdims.

Outputs are written under a temporary name next to the destination
(``.NAME.<pid>.<random>.part``) and renamed when complete, so the
destination never holds a half-written file. A Ctrl-C or SIGTERM during
the write is held back until the file is complete or removed, then raised
(so it is never swallowed by a library's clean-up code). Temporary files
left by a process that was killed (``kill -9``) are removed by the next
write to the same destination. A write that fails for want of space, a
read-only file system or permissions ends in one
:class:`~opdims.core.errors.NotWritableError` naming the file, with the
temporary file removed.

HDF5 files are built in memory and written with one plain write
(:func:`hdf5_output`): the HDF5 library, failing to write a full disk,
floods stderr and can crash the interpreter (seen with h5py 3.16: exit 139).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
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
from ..core.signals import interrupts_held_back

__all__ = [
    "FileFormatError",
    "NotInFileError",
    "atomic_output",
    "atomic_outputs",
    "check_output_file",
    "check_output_folder",
    "existing_file",
    "hdf5_output",
    "named_by",
    "sha256_of_file",
]

_WRITE_ERRORS = {errno.ENOSPC: "no space left on device", errno.EDQUOT: "disk quota exceeded",
                 errno.EFBIG: "file too large", errno.EROFS: "read-only file system",
                 errno.EACCES: "permission denied", errno.EPERM: "operation not permitted",
                 errno.EIO: "input/output error"}


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
        raise NotWritableError(f"{label}: cannot write in folder {folder} ({_reason(exc)})") from exc
    probe.unlink(missing_ok=True)


def _reason(exc: OSError) -> str:
    return _WRITE_ERRORS.get(exc.errno) or (exc.strerror or str(exc)).lower()


_TEMPORARY = re.compile(r"^\.(.+)\.\d+\.[0-9a-f]{12}\.part$")


def _shown(path) -> Path:
    """The destination a temporary file (``.NAME.<pid>.<random>.part``, maybe nested) stands for."""
    path = Path(os.fspath(path))
    while match := _TEMPORARY.match(path.name):
        path = path.with_name(match.group(1))
    return path


def _not_writable(path, exc: BaseException) -> NotWritableError | None:
    """The one-line error for a write to ``path`` that failed with ``exc``, if it is a write failure."""
    if isinstance(exc, OpdimsError) or not isinstance(exc, OSError) or exc.errno not in _WRITE_ERRORS:
        return None
    path = _shown(path)
    hint = "; free some space and run again" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else ""
    return NotWritableError(f"{path}: cannot write: {_WRITE_ERRORS[exc.errno]} (nothing was written{hint})")


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


def _destination(path, overwrite: bool) -> Path:
    path = Path(os.fspath(path))
    if path.is_dir():
        raise MissingFileError(f"{path}: is a folder, expected a file name to write")
    if path.exists() and not overwrite:
        raise OutputExistsError(f"{path}: exists already; pass overwrite=True (--force on the command line) "
                                "to replace it")
    if not path.parent.is_dir():
        raise MissingFileError(f"{path}: cannot write, folder {path.parent} does not exist")
    _remove_stale_parts(path)
    return path


def _temporary_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}.part")


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
    PermissionError
        If writing fails for want of space or permission (the temporary file is removed).
    KeyboardInterrupt
        After the temporary file was removed, if Ctrl-C (or SIGTERM) came while writing.
    """
    with atomic_outputs([path], overwrite) as (temporary,):
        yield temporary


@contextmanager
def atomic_outputs(paths, overwrite: bool = False):
    """Yield temporary paths next to ``paths``; they become ``paths`` together, only when all are written.

    A set of outputs that belong together (a result in two formats, the
    files of one analysis) appears whole or not at all, so a rerun after an
    interruption finds none of them and starts again.

    Parameters
    ----------
    paths : sequence of path
        The destinations.
    overwrite : bool, optional
        Replace existing destinations.

    Yields
    ------
    list of pathlib.Path
        The temporary files to write, in the order of ``paths``.

    Raises
    ------
    FileExistsError
        If a destination exists and ``overwrite`` is false.
    FileNotFoundError
        If a folder does not exist or a destination is a folder.
    PermissionError
        If writing fails for want of space or permission (the temporary files are removed).
    KeyboardInterrupt
        After the temporary files were removed, if Ctrl-C (or SIGTERM) came while writing.

    Examples
    --------
    >>> from pathlib import Path
    >>> with atomic_outputs(["a.txt", "b.txt"]) as (a, b):
    ...     _ = a.write_text("one")
    ...     _ = b.write_text("two")
    >>> Path("a.txt").read_text(), Path("b.txt").read_text()
    ('one', 'two')
    """
    paths = [_destination(path, overwrite) for path in paths]
    temporaries = [_temporary_name(path) for path in paths]
    with interrupts_held_back():
        current = None
        try:
            yield temporaries
            for path, temporary in zip(paths, temporaries):
                current = path
                os.replace(temporary, path)
        except OSError as exc:
            if current is None:
                named = [p for p, t in zip(paths, temporaries) if exc.filename and os.fspath(exc.filename) == str(t)]
                current = named[0] if named else paths[0] if len(paths) == 1 else paths[0].parent
            failure = _not_writable(current, exc)
            if failure is None:
                raise
            raise failure from exc
        finally:
            for temporary in temporaries:
                try:
                    temporary.unlink(missing_ok=True)
                except OSError:  # never created (a read-only file system says so with EROFS)
                    pass


@contextmanager
def hdf5_output(path, overwrite: bool = False, *, based_on=None, userblock: bytes = b"", **options):
    """Yield an HDF5 file built in memory; it is written to ``path`` (atomically) when the block ends.

    Nothing goes to disk while the file is built: the finished image is
    written with one plain write under a temporary name and renamed. A full
    disk then ends in one clear error, never in the HDF5 library's reports
    (or a crash) on a file it cannot flush. The memory needed is the file's
    size.

    Parameters
    ----------
    path : path
        The destination.
    overwrite : bool, optional
        Replace an existing destination.
    based_on : path, optional
        Start from a copy of this HDF5 file (e.g. ``path`` itself, to add to it).
    userblock : bytes, optional
        The file's user block (e.g. a MAT-file header): its length is the
        user block's size (a power of two, at least 512).
    **options
        Further options of ``h5py.File`` (``libver``, ``track_order``).

    Yields
    ------
    h5py.File
        The file, open for writing.

    Raises
    ------
    FileExistsError
        If ``path`` exists and ``overwrite`` is false.
    PermissionError
        If it cannot be written (no space left, read-only, permissions).

    Examples
    --------
    >>> import h5py
    >>> with hdf5_output("x.h5") as f:
    ...     f["a"] = [1.0, 2.0]
    >>> with h5py.File("x.h5", "r") as f:
    ...     f["a"][()]
    array([1., 2.])
    """
    import h5py

    if userblock:
        options["userblock_size"] = len(userblock)
    with atomic_output(path, overwrite) as temporary:
        if based_on is None:
            handle = h5py.File(temporary, "w", driver="core", backing_store=False, block_size=1 << 20, **options)
        else:
            handle = h5py.File(based_on, "r+", driver="core", backing_store=False, block_size=1 << 20, **options)
        try:
            yield handle
            handle.flush()
            image = handle.id.get_file_image()
        finally:
            handle.close()
        with open(temporary, "wb") as out:
            out.write(userblock)
            out.write(image)
        del image


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
