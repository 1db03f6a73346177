"""Accuracy, not speed: the generic (autograd) solver against the exact vanilla row solver, step by step.

For the networks of ``tests/test_generic_solver.py`` (random relu / softplus / tanh networks of 14 units,
two random locations; the authors' ctxt and swg network 1 at their first and last sampling location) it
prints, per location, the largest relative difference of Δf between the two greedy sequences, the step
where it is and its Δf; the exact solver against itself with the locations moved by 1e-15 relative (the
problem's own conditioning); and how far each solver's reported Δf (a difference of two simulated next
states) is from its closed form ``α |q'φ(x)| ‖W q‖``.

Run: python benchmarks/generic_vs_exact.py
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import h5py
import numpy as np

from opdims import io
from opdims.data.sources import ORIGINAL_FILES, original_data_dir
from opdims.dims.generic import generic_local_dimensions
from opdims.dims.local_dims import local_row_dimensions

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from synthetic import random_network


def closed_form(net, x, dims):
    """Δf of each row dimension in closed form (a vanilla cell: the step is affine in the drive)."""
    v = net.rates(x[None])[0]
    return net.alpha * np.abs(dims @ v) * np.linalg.norm(dims @ net.W.T, axis=1)


def networks():
    rng = np.random.default_rng(4)
    locations = rng.standard_normal((2, 14))
    for nonlinearity in ("relu", "softplus", "tanh"):
        yield nonlinearity, replace(random_network(n=14, seed=3), nonlinearity=nonlinearity), locations
    root = original_data_dir()
    if root is None:
        print("(the authors' networks left out: set OPDIMS_ORIGINAL_DATA)")
        return
    for task in ("ctxt", "swg"):
        net = io.load_network(root / ORIGINAL_FILES[f"{task}_weights"], 1)
        with h5py.File(root / ORIGINAL_FILES[f"{task}_columns"], "r") as f:
            groups = sorted(f.keys())
            where = np.array([np.asarray(f[k]["sampling_loc"]).reshape(-1) for k in (groups[0], groups[-1])])
        yield f"{task} net 1", net, where


def main():
    print("| network | location | steps | max rel. diff. generic vs exact (step, Δf) | steps > 1e-8 | "
          "exact vs itself, moved 1e-15 | exact: reported vs closed form | generic: reported vs closed form |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, net, locations in networks():
        exact = local_row_dimensions(net, locations)
        generic = generic_local_dimensions(net, locations, "rows")
        moved = local_row_dimensions(net, locations * (1 + 1e-15 * np.random.default_rng(9).standard_normal(
            locations.shape)))
        for i, x in enumerate(locations):
            c = exact.counts[i]
            e, g, m = (-r.fvals[i, :c] for r in (exact, generic, moved))
            rel = np.abs(g - e) / e
            k = int(np.argmax(rel))
            ce = closed_form(net, x, exact.dims[i, :c])
            cg = closed_form(net, x, generic.dims[i, :c])
            print(f"| {name} | {i + 1} | {c} / {generic.counts[i]} | {rel.max():.1e} ({k + 1}, {e[k]:.1e}) | "
                  f"{[int(s) + 1 for s in np.flatnonzero(rel > 1e-8)]} | {np.max(np.abs(m - e) / e):.1e} | "
                  f"{np.max(np.abs(e - ce) / ce):.1e} | {np.max(np.abs(g - cg) / cg):.1e} |")


if __name__ == "__main__":
    main()
