"""Checks and safe writing shared by every reader and writer of ``opdims.io``."""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path

__all__ = ["FileFormatError", "NotInFileError", "atomic_output", "existing_file"]


class FileFormatError(ValueError):
    """A file that is not what it should be: format, layout, names, shapes or values.

    The message always starts with the file's path.
    """


class NotInFileError(KeyError):
    """A network, stage, group or variable that the file does not hold (the message lists what it does)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def existing_file(path) -> Path:
    """``path`` as a Path, after checking that it names an existing file."""
    path = Path(os.fspath(path))
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise IsADirectoryError(f"{path}: is a folder, expected a file")
    return path


@contextmanager
def atomic_output(path, overwrite: bool = False):
    """Yield a temporary path next to ``path``; it becomes ``path`` only on success.

    Refuses an existing ``path`` unless ``overwrite``; on any error the
    temporary file is removed, so no half-written output is ever left.
    """
    path = Path(os.fspath(path))
    if path.is_dir():
        raise IsADirectoryError(f"{path}: is a folder, expected a file name to write")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path}: exists already; pass overwrite=True (--force on the command line) "
                              "to replace it")
    if not path.parent.is_dir():
        raise FileNotFoundError(f"{path}: cannot write, folder {path.parent} does not exist")
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.part")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()
