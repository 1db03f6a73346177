"""Options several commands share, spelled one way across commands.

``--dim-types`` takes dimension types as separate words (``--dim-types
columns rows``) on every command; the commands of the original scripts
(``opdims s2`` … ``s4``) analyse one type at a time and take one word.
``--row-method`` takes ``exact`` or ``fminunc``. The values are checked once, by
the library (:mod:`opdims.core.validation`, at the door of the function the
command calls); here they are only parsed, and the library's message names the flag
(:func:`opdims.cli.as_flags`).
"""

from __future__ import annotations

import argparse

from ..core.validation import DIM_TYPES, ROW_METHODS

__all__ = ["add_dim_types", "add_row_method"]


class DimTypesAction(argparse.Action):
    """Collects ``--dim-types`` words (a comma-separated word, the spelling of opdims 0.2, is split too).

    Parameters
    ----------
    option_strings, dest, **kwargs
        As :class:`argparse.Action`.
    """

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, tuple(w.strip() for value in values for w in value.split(",") if w.strip()))


def add_dim_types(group, *, several: bool = True, dest: str = "dim_types") -> None:
    """Add ``--dim-types`` to a parser or argument group.

    Parameters
    ----------
    group : argparse.ArgumentParser or argparse._ArgumentGroup
        Where the option goes.
    several : bool, optional
        Accept both types (default); ``False``: exactly one (``--dim-type`` is its former spelling).
    dest : str, optional
        Attribute of the parsed arguments.
    """
    if several:
        group.add_argument("--dim-types", "--dims", dest=dest, nargs="+", action=DimTypesAction,
                           default=DIM_TYPES, metavar="TYPE",
                           help="columns and/or rows (default: both)")
    else:
        group.add_argument("--dim-types", "--dim-type", dest=dest, default="columns", metavar="TYPE",
                           help="columns or rows: remove dimensions from the columns or the rows of W "
                                "(default %(default)s)")


def add_row_method(group, default: str = "exact") -> None:
    """Add ``--row-method`` (``exact`` or ``fminunc``; ``reference`` is read as ``fminunc``).

    Parameters
    ----------
    group : argparse.ArgumentParser or argparse._ArgumentGroup
        Where the option goes.
    default : str, optional
        The default method.
    """
    group.add_argument("--row-method", default=default, metavar="{" + ",".join(ROW_METHODS) + "}",
                       help="how row dimensions are found: 'exact' solves for the best dimension, 'fminunc' is "
                            "the original's random-start quasi-Newton search (slow); default %(default)s")
