"""Shared machinery of the parity suite: fixtures, replay, comparisons, report.

A fixture is a ``.mat`` file written by the ``matlab_ref/`` drivers running
the ORIGINAL MATLAB code. Each comparison is recorded (MATLAB function,
opdims function, fixture, errors, tolerance) for the report that
``opdims parity`` prints.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import scipy.io

from opdims.core.network import Network
from opdims.core.random import ReplayStream
from opdims.data.sources import ENV_VAR, PARITY_FIXTURES_ENV, SOURCE_PARITY_FIXTURES, original_data_dir
from opdims.io import load_network

# tolerances of the parity ladder (DESIGN §4), relative to the quantity's scale
KERNEL = 1e-12
SINGULAR_VALUES = 1e-10
LONG_NOISY = 1e-9
# rung 4 (rows, step by step): opdims' exact step may fall short of the
# reference's Δf by at most ROW_SHORTFALL (absolute); where the reference's Δf
# is within ROW_SAME_OPTIMUM (relative) of opdims' optimum, fminunc converged
# to that optimum (to its TolX 1e-6 accuracy) and the two directions must
# agree up to sign: 1 - |q'q_ref| <= ROW_DIRECTION (an angle of about 4e-3 rad)
ROW_SHORTFALL = 1e-9
ROW_SAME_OPTIMUM = 1e-6
ROW_DIRECTION = 1e-5


def fixtures_dir() -> Path:
    """The fixture folder: ``$OPDIMS_PARITY_FIXTURES``, else the source checkout's ``parity_tests/fixtures``.

    Returns
    -------
    pathlib.Path
        The folder (which may not exist in an installed package).
    """
    return Path(os.environ.get(PARITY_FIXTURES_ENV, SOURCE_PARITY_FIXTURES))


@dataclass
class Record:
    matlab: str
    opdims: str
    fixture: str
    max_abs: float
    max_rel: float
    tolerance: float
    passed: bool
    backend: str = "numpy"


RECORDS: list[Record] = []


def backends() -> list[tuple[str, str | None]]:
    """The back ends the simulation comparisons run on: ``(backend, device)``.

    NumPy always; torch on the CPU (float64) when torch is installed; torch on
    CUDA when a GPU is present.
    """
    found = [("numpy", None)]
    try:
        import torch
    except ImportError:
        return found
    found.append(("torch", "cpu"))
    if torch.cuda.is_available():
        found.append(("torch", "cuda"))
    return found


BACKENDS = backends()
BACKEND_IDS = ["numpy" if b == "numpy" else f"torch-{d}" for b, d in BACKENDS]


def backend_label(backend: str, device: str | None) -> str:
    return "numpy" if backend == "numpy" else f"torch ({device})"


class Fixture:
    """One fixture file: variables by name, MATLAB shapes kept."""

    def __init__(self, name: str):
        self.name = name
        path = fixtures_dir() / f"{name}.mat"
        if not path.is_file():
            if fixtures_dir() == SOURCE_PARITY_FIXTURES and SOURCE_PARITY_FIXTURES.is_dir():
                pytest.fail(f"committed parity fixture {path} is missing")
            pytest.skip(f"parity fixture {path} not found in {fixtures_dir()}")
        self.path = path
        self.vars = scipy.io.loadmat(path, squeeze_me=False, mat_dtype=False)

    def __getitem__(self, key: str) -> np.ndarray:
        if key not in self.vars:
            raise KeyError(f"{self.path.name}: no variable {key!r}")
        return self.vars[key]

    def __contains__(self, key: str) -> bool:
        return key in self.vars

    def scalar(self, key: str) -> float:
        return float(np.asarray(self[key]).reshape(-1)[0])

    def text(self, key: str) -> str:
        return str(np.asarray(self[key]).reshape(-1)[0])

    def texts(self, key: str) -> list[str]:
        return [str(np.asarray(v).reshape(-1)[0]) for v in np.asarray(self[key]).reshape(-1)]

    def replay(self) -> ReplayStream:
        """The draws the original code made while this fixture was written."""
        seeds = np.asarray(self["draw_seeds"], dtype=float).reshape(-1)
        funcs = [[str(np.asarray(f).reshape(-1)[0]) for f in np.asarray(cell).reshape(-1)]
                 for cell in np.asarray(self["draw_funcs"]).reshape(-1)]
        values = [[np.asarray(v, dtype=float) for v in np.asarray(cell).reshape(-1)]
                  for cell in np.asarray(self["draw_values"]).reshape(-1)]
        return ReplayStream.from_recording(list(seeds), funcs, values)

    def synthetic_network(self, prefix: str) -> Network:
        """A network whose weights the fixture stores as ``<prefix>_n_Wrr_n`` etc."""
        g = lambda k: np.asarray(self[f"{prefix}_{k}"], dtype=float)
        return Network(W_in=g("n_Wru_v"), W=g("n_Wrr_n"), W_out=g("m_Wzr_n"), x0=g("n_x0_c"),
                       b_x=g("n_bx_1").reshape(-1), b_z=g("m_bz_1").reshape(-1), source=f"{self.name}:{prefix}")

    def original_network(self, prefix: str) -> Network:
        """An original network named by file sha256 and id (``<prefix>_source_sha256``, ``<prefix>_net_id``)."""
        root = original_data_dir()
        if root is None:
            pytest.skip(f"{self.name}: needs the original networks (set {ENV_VAR} or provide ../shared/reference/original)")
        source = self.text(f"{prefix}_source_file")
        task = "ctxt" if "ctxt" in Path(source).name else "swg"
        path = root / "pretrained_networks" / task / f"{task}_weights.h5"
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        expected = self.text(f"{prefix}_source_sha256")
        if digest != expected:
            pytest.fail(f"{path}: sha256 {digest} differs from the fixture's {expected}")
        return load_network(path, int(self.scalar(f"{prefix}_net_id")))


def compare(matlab: str, opdims_name: str, fixture: Fixture | str, actual, expected, tol: float,
            scale: float | None = None, backend: str = "numpy") -> None:
    """Assert ``actual`` equals ``expected`` within ``tol`` times the quantity's scale; record it."""
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    name = fixture.name if isinstance(fixture, Fixture) else fixture
    if actual.shape != expected.shape:
        RECORDS.append(Record(matlab, opdims_name, name, np.inf, np.inf, tol, False, backend))
        pytest.fail(f"{matlab} vs {opdims_name} ({name}): shape {actual.shape} != fixture's {expected.shape}")
    if not np.array_equal(np.isnan(actual), np.isnan(expected)):
        RECORDS.append(Record(matlab, opdims_name, name, np.inf, np.inf, tol, False, backend))
        pytest.fail(f"{matlab} vs {opdims_name} ({name}): NaN positions differ")
    ok = ~np.isnan(expected)
    diff = np.abs(actual[ok] - expected[ok])
    max_abs = float(diff.max(initial=0.0))
    if scale is None:
        scale = float(np.abs(expected[ok]).max(initial=0.0)) or 1.0
    max_rel = max_abs / scale
    passed = max_rel <= tol
    RECORDS.append(Record(matlab, opdims_name, name, max_abs, max_rel, tol, passed, backend))
    assert passed, (f"{matlab} vs {opdims_name} ({name}): max abs error {max_abs:.3g}, "
                    f"relative to scale {scale:.3g}: {max_rel:.3g} > {tol:.0e}")


def compare_up_to_sign(matlab: str, opdims_name: str, fixture: Fixture, actual, expected, tol: float,
                       singular_values=None, gap: float = 1e-6) -> None:
    """Columns equal up to sign where the singular value is separated from its
    neighbours by ``gap`` (relative); the remaining columns compared as a
    subspace (largest principal-angle sine)."""
    actual = np.asarray(actual, dtype=float)
    expected = np.asarray(expected, dtype=float)
    n = expected.shape[1]
    clear = np.ones(n, dtype=bool)
    if singular_values is not None:
        s = np.asarray(singular_values, dtype=float)
        rel_gap = np.diff(s) / max(s[0], 1e-300)
        close = np.abs(rel_gap) < gap
        clear[:-1] &= ~close
        clear[1:] &= ~close
    signs = np.sign(np.sum(actual * expected, axis=0))
    signs[signs == 0] = 1
    compare(matlab, f"{opdims_name} (up to sign)", fixture, (actual * signs)[:, clear], expected[:, clear], tol)
    if not clear.all():
        qa, _ = np.linalg.qr(actual[:, ~clear])
        qe, _ = np.linalg.qr(expected[:, ~clear])
        sines = np.sqrt(np.clip(1 - np.linalg.svd(qa.T @ qe, compute_uv=False) ** 2, 0, None))
        compare(matlab, f"{opdims_name} (subspace, principal angles)", fixture, sines, np.zeros_like(sines), tol,
                scale=1.0)


def report_table(records: list[Record]) -> str:
    """The parity table as Markdown: one row per (MATLAB function, opdims
    function, fixture, tolerance), with the largest errors of its comparisons."""
    rows: dict[tuple, list[Record]] = {}
    for r in records:
        rows.setdefault((r.matlab, r.opdims, r.backend, r.fixture, r.tolerance), []).append(r)
    lines = ["| MATLAB function | opdims function | back end | fixture | comparisons | max abs error | max rel error "
             "| tolerance | pass |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for (matlab, opdims_name, backend, fixture, tol), group in rows.items():
        max_abs = max(r.max_abs for r in group)
        max_rel = max(r.max_rel for r in group)
        passed = all(r.passed for r in group)
        lines.append(f"| `{matlab}` | `{opdims_name}` | {backend} | {fixture} | {len(group)} | {max_abs:.2e} | {max_rel:.2e} | "
                     f"{tol:.0e} | {'yes' if passed else 'NO'} |")
    return "\n".join(lines)
