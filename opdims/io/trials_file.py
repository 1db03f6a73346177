"""A user's trials from a file: inputs, targets and one condition label per trial.

Accepted files (the format is read from the header):

- ``.npz`` (``numpy.savez``) and HDF5 written from Python (h5py): NumPy
  orientation, ``inputs [B, T, n_in]``, ``targets [B, T, n_out]``,
  ``labels [B]`` (ints or strings);
- ``.mat`` (v5/v7 or v7.3): MATLAB orientation as the original generators
  return trials, ``inputs [n_in, T, B]``, ``targets [n_out, T, B]``,
  ``labels`` ``[1, B]`` (numbers or a cell of text).

Optional: ``condition_ids`` (``conditionIds`` in a ``.mat``): the 1-based
initial-state column of each trial. ``conditions`` is accepted for ``labels``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..core.errors import FileFormatError, ValidationError
from ..core.tasks import TaskData, trials_from_arrays
from .tree import Leaf, open_tree

__all__ = ["TRIAL_NAMES", "load_trials", "read_array"]

#: what each array may be called in a trials file
TRIAL_NAMES = {"inputs": ("inputs",), "targets": ("targets",), "labels": ("labels", "conditions"),
               "condition_ids": ("condition_ids", "conditionIds")}


def _find(path, tree: dict, key: str, required: bool):
    for name in TRIAL_NAMES[key]:
        if isinstance(tree.get(name), Leaf):
            return tree[name]
    if required:
        raise FileFormatError(f"{path}: no {' or '.join(TRIAL_NAMES[key])} array; a trials file holds inputs "
                              "[trials, time, inputs], targets [trials, time, outputs] and labels [trials] "
                              f"(MATLAB orientation in a .mat); found: {', '.join(tree) or 'nothing'}")
    return None


def load_trials(path, *, n_contexts: int | None = None, name: str | None = None) -> TaskData:
    """Trials from an ``.npz``, ``.mat`` or ``.h5`` file (see the module docstring).

    Parameters
    ----------
    path : path
        The file.
    n_contexts : int, optional
        The network's number of initial states (to infer each trial's, see
        :func:`opdims.trials_from_arrays`).
    name : str, optional
        The task's name (default the file's stem).

    Returns
    -------
    opdims.TaskData
        The trials.

    Raises
    ------
    FileFormatError
        If an array is missing, not numeric, or of the wrong dimensions.
    ValidationError
        If the arrays do not fit together (trials, steps, one label per trial).
    """
    with open_tree(path) as (fmt, tree):
        matlab = fmt in ("mat-v5", "mat-v7.3")
        leaves = {key: _find(path, tree, key, key in ("inputs", "targets", "labels")) for key in TRIAL_NAMES}
        values = {}
        for key, leaf in leaves.items():
            if leaf is None:
                continue
            value = leaf.read()
            if fmt == "hdf5":  # h5py's view is the NumPy orientation of what Python wrote
                value = np.asarray(value).T
            values[key] = value
    for key in ("inputs", "targets"):
        arr = np.asarray(values[key])
        if arr.dtype.kind not in "iuf":
            raise FileFormatError(f"{path}: {key}: expected numbers, got {arr.dtype}")
        if matlab and arr.ndim == 2:
            arr = arr[:, :, None]  # MATLAB drops a trailing singleton trial axis
        if arr.ndim != 3:
            layout = "[n, T, trials]" if matlab else "[trials, T, n]"
            raise FileFormatError(f"{path}: {key}: expected a 3-D array ({layout}), "
                                  f"got shape {arr.shape}")
        values[key] = np.transpose(arr, (2, 1, 0)) if matlab else arr
    n_labels = np.size(values["labels"]) if not isinstance(values["labels"], str) else 1
    hint = ""
    if matlab and values["inputs"].shape[0] != n_labels and values["inputs"].shape[2] == n_labels:
        shape = values["inputs"].shape[::-1]
        hint = (f"; the .mat inputs look like NumPy orientation {list(shape)} [trials, T, n]: a .mat holds MATLAB "
                "orientation [n, T, trials] (save arr.transpose(2, 1, 0), or use an .npz)")
    labels = values["labels"]
    if isinstance(labels, str):
        labels = [labels]
    labels = np.asarray([str(v) if not isinstance(v, (int, float, np.number)) else v for v in np.ravel(labels)]
                        if np.asarray(labels).dtype == object else np.ravel(labels))
    ids = values.get("condition_ids")
    try:
        return trials_from_arrays(values["inputs"], values["targets"], labels,
                                  None if ids is None else np.ravel(ids), n_contexts=n_contexts,
                                  name=name or Path(path).stem)
    except ValidationError as exc:
        raise ValidationError(f"{path}: {exc}{hint}") from exc


def read_array(path, name: str) -> np.ndarray:
    """One numeric array of an ``.npz``, ``.h5`` (NumPy orientation) or ``.mat`` file.

    Parameters
    ----------
    path : path
        The file.
    name : str
        The array's name.

    Returns
    -------
    numpy.ndarray
        The array as float64 (a ``.mat`` array in MATLAB's shape).

    Raises
    ------
    FileFormatError
        If the file holds no such numeric array.
    """
    with open_tree(path) as (fmt, tree):
        leaf = tree.get(name)
        if not isinstance(leaf, Leaf):
            raise FileFormatError(f"{path}: no array {name!r}; found {', '.join(tree) or 'nothing'}")
        if not leaf.is_numeric:
            raise FileFormatError(f"{path}: {name}: expected numbers, got class {leaf.matlab_class!r}")
        value = np.asarray(leaf.read(), dtype=np.float64)
    return value.T if fmt == "hdf5" else value

