"""The original HDF5 layout, written by MATLAB (column-major: h5py sees every
array transposed)."""

from __future__ import annotations

import os

import h5py
import numpy as np

from ..network import Network
from ..sampling import SamplingLocationProperties

__all__ = ["WEIGHT_NAMES", "load_network", "load_local_operative_dimensions"]

#: dataset name of each Network field in the original layout
WEIGHT_NAMES = {"W_in": "n_Wru_v", "W": "n_Wrr_n", "W_out": "m_Wzr_n",
                "x0": "n_x0_c", "b_x": "n_bx_1", "b_z": "m_bz_1"}


def _matlab_array(dataset) -> np.ndarray:
    """A MATLAB-written dataset in MATLAB orientation."""
    return np.asarray(dataset[()], dtype=np.float64).T


def load_network(path, net_id: int = 1, stage: str = "final") -> Network:
    """Network ``/NetNr<net_id>/<stage>`` of an original weights file."""
    path = os.fspath(path)
    group = f"NetNr{int(net_id)}/{stage}"
    with h5py.File(path, "r") as f:
        if group not in f:
            present = sorted(k for k in f.keys() if k.startswith("NetNr"))
            raise KeyError(f"{path}: no group /{group}; networks present: {', '.join(present) or 'none'}")
        g = f[group]
        arrays = {}
        for field, name in WEIGHT_NAMES.items():
            if name not in g:
                raise KeyError(f"{path}: /{group}/{name} is missing (expected the six arrays {list(WEIGHT_NAMES.values())})")
            arrays[field] = _matlab_array(g[name])
    return Network(**arrays, source=f"{path}:/{group}")


def load_local_operative_dimensions(path, props: SamplingLocationProperties, n_units: int):
    """Local dimensions of every location of ``props`` from an original-layout file.

    Returns ``dims [L, D, N]`` (``D = n_units``) and ``fvals [L, D]``, NaN
    where the file holds none.
    """
    path = os.fspath(path)
    dims = np.full((props.n_locations, n_units, n_units), np.nan)
    fvals = np.full((props.n_locations, n_units), np.nan)
    with h5py.File(path, "r") as f:
        for loc in range(props.n_locations):
            name = props.name(loc)
            if name not in f:
                raise KeyError(f"{path}: group /{name} (sampling location {loc + 1}) is missing")
            local = _matlab_array(f[name]["local_op_dims"])  # [n_dims, N]
            fv = _matlab_array(f[name]["all_fvals"]).reshape(-1)
            n_dims = min(n_units, local.shape[0], fv.size)
            dims[loc, :n_dims] = local[:n_dims]
            fvals[loc, :n_dims] = fv[:n_dims]
    return dims, fvals
