"""Compare two folders of parity fixtures number by number.

    python matlab_ref/compare_fixtures.py parity_tests/fixtures /path/to/regenerated/fixtures

For each fixture present in both folders, prints the variables that differ
(numbers compared exactly, NaN equal to NaN; text and cells by value) and the
largest absolute difference. Provenance (``meta_*``) and timing
(``*_elapsed_s``) variables are skipped. Exits 1 if any variable differs or
is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import scipy.io


def _flatten(value, prefix: str, out: dict) -> None:
    """Numeric arrays and text of a loaded variable, cells unpacked, by path."""
    arr = np.asarray(value)
    if arr.dtype == object:
        for i, item in enumerate(arr.reshape(-1)):
            _flatten(item, f"{prefix}{{{i}}}", out)
    else:
        out[prefix] = arr


def _differences(a: dict, b: dict) -> list[str]:
    report = []
    for key in sorted(set(a) | set(b)):
        if key.startswith(("__", "meta_")) or key.endswith("_elapsed_s"):
            continue
        if key not in a or key not in b:
            report.append(f"  {key}: only in {'the first' if key in a else 'the second'} folder")
            continue
        fa, fb = {}, {}
        _flatten(a[key], key, fa)
        _flatten(b[key], key, fb)
        for path in sorted(set(fa) | set(fb)):
            x, y = fa.get(path), fb.get(path)
            if x is None or y is None or x.shape != y.shape:
                report.append(f"  {path}: shapes differ")
            elif x.dtype.kind in "fc" or y.dtype.kind in "fc":
                if not np.array_equal(x, y, equal_nan=True):
                    diff = np.nanmax(np.abs(x.astype(float) - y.astype(float)), initial=0.0)
                    report.append(f"  {path}: max abs difference {diff:.3g}")
            elif not np.array_equal(x, y):
                report.append(f"  {path}: values differ")
    return report


def main(first: str, second: str) -> int:
    files = sorted(p.name for p in Path(first).glob("*.mat"))
    bad = 0
    for name in files:
        other = Path(second) / name
        if not other.is_file():
            print(f"{name}: missing in {second}")
            bad += 1
            continue
        report = _differences(scipy.io.loadmat(Path(first) / name), scipy.io.loadmat(other))
        print(f"{name}: {'DIFFERS' if report else 'identical numbers'}")
        if report:
            print("\n".join(report))
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
