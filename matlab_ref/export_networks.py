#!/usr/bin/env python3
"""Export original networks and local operative dimensions to MATLAB .mat files.

GNU Octave cannot read the original HDF5 files with ``hdf5read``, so the
fixture drivers in this folder read ``.mat`` copies written by this script.

Written into ``--out`` (a build folder, never committed):

* ``ctxt_net<k>.mat`` and ``swg_net<k>.mat`` for every network ``k`` of the
  two weight files (20 each; ``--net-id`` exports one): the ``/NetNr<k>/final`` weights
  ``n_Wru_v`` [N, n_in], ``n_Wrr_n`` [N, N], ``m_Wzr_n`` [n_out, N],
  ``n_x0_c`` [N, n_ctx], ``n_bx_1`` [N, 1], ``m_bz_1`` [n_out, 1] in MATLAB
  orientation, plus ``source_file``, ``source_sha256`` and ``net_id``.
* ``localOpDims_<task>_columns.mat``: every dataset of every group of the
  original local-operative-dimension file, named ``<group>__<dataset>`` with
  ``-`` replaced by ``m`` (MATLAB variable names cannot hold ``-``); read by
  ``shim_hdf5/hdf5read.m``.
* ``SOURCES.txt``: ``<sha256>  <path relative to --original>`` per source.

h5py sees every array written by MATLAB transposed; each array is transposed
back, so the ``.mat`` files hold MATLAB orientation.
"""

import argparse
import hashlib
import pathlib

import h5py
import numpy as np
import scipy.io

WEIGHT_NAMES = ("n_Wru_v", "n_Wrr_n", "m_Wzr_n", "n_x0_c", "n_bx_1", "m_bz_1")
TASKS = ("ctxt", "swg")


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def matlab_array(dataset):
    """Return a dataset's value in MATLAB orientation (2-D, float64)."""
    value = np.asarray(dataset[()], dtype=np.float64)
    if value.ndim != 2:
        raise ValueError(f"{dataset.name}: expected a 2-D dataset, got {value.shape}")
    return np.ascontiguousarray(value.T)


def mat_name(group, dataset):
    name = f"{group}__{dataset}".replace("-", "m")
    if len(name) > 63 or not name.replace("_", "a").isalnum():
        raise ValueError(f"cannot map {group}/{dataset} to a MATLAB variable name")
    return name


def export_weights(original, out, task, net_id):
    rel = pathlib.Path("pretrained_networks") / task / f"{task}_weights.h5"
    src = original / rel
    data = {}
    with h5py.File(src, "r") as h5:
        group = h5[f"NetNr{net_id}/final"]
        for name in WEIGHT_NAMES:
            data[name] = matlab_array(group[name])
    n_units = data["n_Wrr_n"].shape[0]
    expected = {
        "n_Wrr_n": (n_units, n_units),
        "n_bx_1": (n_units, 1),
    }
    for name, shape in expected.items():
        if data[name].shape != shape:
            raise ValueError(f"{task} {name}: shape {data[name].shape}, expected {shape}")
    if data["n_Wru_v"].shape[0] != n_units or data["n_x0_c"].shape[0] != n_units:
        raise ValueError(f"{task}: n_Wru_v / n_x0_c do not have {n_units} rows")
    if data["m_Wzr_n"].shape[1] != n_units or data["m_bz_1"].shape[1] != 1:
        raise ValueError(f"{task}: m_Wzr_n / m_bz_1 have unexpected shapes")
    digest = sha256_of(src)
    data["source_file"] = str(rel)
    data["source_sha256"] = digest
    data["net_id"] = np.array([[float(net_id)]])
    target = out / f"{task}_net{net_id}.mat"
    scipy.io.savemat(target, data, do_compression=True, oned_as="column")
    return rel, digest, target


def network_ids(original, task):
    """The k of every ``/NetNr<k>`` group of a task's weight file, ascending."""
    with h5py.File(original / "pretrained_networks" / task / f"{task}_weights.h5", "r") as h5:
        ids = sorted(int(name[5:]) for name in h5 if name.startswith("NetNr") and name[5:].isdigit())
    if not ids:
        raise ValueError(f"{task}: no /NetNr<k> groups in the weight file")
    return ids


def export_local_dims(original, out, task):
    rel = pathlib.Path("local_operative_dimensions") / f"localOpDims_{task}_columns.h5"
    src = original / rel
    data = {}
    with h5py.File(src, "r") as h5:
        for group_name, group in h5.items():
            for dataset_name, dataset in group.items():
                data[mat_name(group_name, dataset_name)] = matlab_array(dataset)
    digest = sha256_of(src)
    data["source_file"] = str(rel)
    data["source_sha256"] = digest
    target = out / f"localOpDims_{task}_columns.mat"
    scipy.io.savemat(target, data, do_compression=True, oned_as="column")
    return rel, digest, target


def main():
    here = pathlib.Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--original",
        type=pathlib.Path,
        default=here.parent.parent / "shared" / "reference" / "original",
        help="folder of the original data (default: ../shared/reference/original)",
    )
    parser.add_argument(
        "--out",
        type=pathlib.Path,
        default=here.parent / "build" / "networks",
        help="output folder (default: build/networks)",
    )
    parser.add_argument("--net-id", type=int, default=None,
                        help="export only this network number (default: every network of both files)")
    args = parser.parse_args()

    args.out.mkdir(parents=True, exist_ok=True)
    lines = []
    for task in TASKS:
        ids = network_ids(args.original, task) if args.net_id is None else [args.net_id]
        results = [export_weights(args.original, args.out, task, net_id) for net_id in ids]
        results.append(export_local_dims(args.original, args.out, task))
        for rel, digest, target in results:
            if f"{digest}  {rel.as_posix()}" not in lines:
                lines.append(f"{digest}  {rel.as_posix()}")
            print(f"wrote {target} from {rel} (sha256 {digest})")
    (args.out / "SOURCES.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
