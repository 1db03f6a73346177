"""The errors opdims raises for what a user hands in.

Every one derives from :class:`OpdimsError` (and from the built-in exception
a Python user would expect: ``ValueError``, ``FileNotFoundError``, ...), so
the command line reports them in one line while a programming error still
shows its traceback.
"""

from __future__ import annotations

__all__ = [
    "ClusterError",
    "FileFormatError",
    "MissingDependencyError",
    "MissingFieldError",
    "MissingFileError",
    "NotEnoughMemoryError",
    "NotInFileError",
    "NotWritableError",
    "OpdimsError",
    "OutOfRangeError",
    "OutputExistsError",
    "Terminated",
    "ValidationError",
]


class OpdimsError(Exception):
    """Base class of the errors opdims raises for a user's input, files or settings."""


class ValidationError(OpdimsError, ValueError, TypeError):
    """An argument that cannot be used: wrong type, shape or values."""


class FileFormatError(OpdimsError, ValueError):
    """A file that is not what it should be: format, layout, names, shapes or values.

    The message always starts with the file's path.
    """


class NotInFileError(OpdimsError, KeyError):
    """A network, stage, group or variable that the file does not hold (the message lists what it does)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class MissingFileError(OpdimsError, FileNotFoundError):
    """A file or folder that should exist does not (or is of the wrong kind)."""


class OutputExistsError(OpdimsError, FileExistsError):
    """An output that exists already and may not be replaced (``--force`` / ``overwrite=True`` replaces it)."""


class NotWritableError(OpdimsError, PermissionError):
    """An output that cannot be written (read-only folder, no such folder)."""


class MissingFieldError(OpdimsError, KeyError):
    """A struct or result that lacks a field or entry."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class OutOfRangeError(OpdimsError, IndexError):
    """An index (e.g. of a sampling location) outside its range."""


class MissingDependencyError(OpdimsError, ImportError):
    """An optional dependency (torch, matplotlib, dask) that a feature needs is not installed."""


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM): raised where it runs, so outputs are cleaned up as after Ctrl-C.

    The command line turns SIGTERM into this exception (exit code 143).
    """


class ClusterError(OpdimsError, ConnectionError):
    """A Dask scheduler that cannot be reached, is not a scheduler, or stopped answering."""


class NotEnoughMemoryError(OpdimsError, MemoryError):
    """A run whose estimated memory exceeds what is available (refused before it starts)."""
