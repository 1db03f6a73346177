"""Locating the authors' original data (never bundled with opdims)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ENV_VAR", "ORIGINAL_FILES", "original_data_dir"]

ENV_VAR = "OPDIMS_ORIGINAL_DATA"

#: paths of the original files, relative to the data folder
ORIGINAL_FILES = {
    "ctxt_weights": "pretrained_networks/ctxt/ctxt_weights.h5",
    "swg_weights": "pretrained_networks/swg/swg_weights.h5",
    "ctxt_columns": "local_operative_dimensions/localOpDims_ctxt_columns.h5",
    "swg_columns": "local_operative_dimensions/localOpDims_swg_columns.h5",
}


def original_data_dir(start: str | os.PathLike | None = None) -> Path | None:
    """The folder holding the original data, or ``None``.

    ``$OPDIMS_ORIGINAL_DATA`` if set, else ``../shared/reference/original``
    seen from ``start`` (default: the current directory) or from this
    package's checkout.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        path = Path(env)
        return path if path.is_dir() else None
    bases = [Path(start) if start else Path.cwd(), Path(__file__).resolve().parents[1]]
    for base in bases:
        candidate = base / ".." / "shared" / "reference" / "original"
        if candidate.is_dir():
            return candidate.resolve()
    return None
