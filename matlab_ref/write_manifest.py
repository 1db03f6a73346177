#!/usr/bin/env python3
"""Write parity_tests/fixtures/MANIFEST (JSON) from the fixtures' meta_* variables.

For each fixture file: generator, interpreter and version, original commit,
networks, original input files with sha256, notes, tolerance, generation time,
the fixture's own sha256 and size, and every variable with its MATLAB class and
shape. With --code-matlab, the sha256 of every file of the original code.
"""

import argparse
import json
import pathlib

import numpy as np
import scipy.io
from export_networks import sha256_of


def text(value):
    """A MATLAB char array (as loaded by scipy) as str."""
    if value.size == 0:
        return ""
    return str(np.asarray(value).ravel()[0])


def text_list(value):
    """A MATLAB cell of char (as loaded by scipy) as a list of str."""
    return [text(item) for item in np.asarray(value).ravel()]


def describe(value):
    """MATLAB class and size of a loaded variable, e.g. 'double [100, 2]'."""
    if value.dtype.kind == "U":
        return "char"
    kind = "cell" if value.dtype == object else "double" if value.dtype == np.float64 else str(value.dtype)
    return f"{kind} {list(value.shape)}"


def fixture_entry(path):
    data = scipy.io.loadmat(path)
    meta = {name[5:]: value for name, value in data.items() if name.startswith("meta_")}
    inputs = dict(zip(text_list(meta["input_files"]), text_list(meta["input_sha256"])))
    networks = []
    net_ids = np.asarray(meta["network_ids"], dtype=float).ravel()
    for label, digest, net_id in zip(text_list(meta["networks"]), text_list(meta["network_sha256"]), net_ids):
        entry = {"label": label}
        if digest:
            entry["source_sha256"] = digest
            entry["net_id"] = int(net_id)
        else:
            entry["weights"] = "stored in the fixture"
        networks.append(entry)
    variables = {
        name: describe(value)
        for name, value in sorted(data.items())
        if not name.startswith("__") and not name.startswith("meta_")
    }
    return {
        "file": path.name,
        "sha256": sha256_of(path),
        "bytes": path.stat().st_size,
        "generator": text(meta["generator"]),
        "interpreter": text(meta["interpreter"]),
        "interpreter_version": text(meta["interpreter_version"]),
        "original_commit": text(meta["original_commit"]),
        "networks": networks,
        "input_files_sha256": inputs,
        "notes": text(meta["notes"]),
        "tolerance": text(meta["tolerance"]),
        "generation_seconds": round(float(meta["elapsed_s"].ravel()[0]), 1),
        "variables": variables,
    }


def main():
    here = pathlib.Path(__file__).resolve().parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--fixtures",
        type=pathlib.Path,
        default=here.parent / "parity_tests" / "fixtures",
        help="fixture folder (default: parity_tests/fixtures)",
    )
    parser.add_argument("--code-matlab", type=pathlib.Path, help="the original code_matlab folder")
    args = parser.parse_args()

    fixtures = [fixture_entry(path) for path in sorted(args.fixtures.glob("*.mat"))]
    if not fixtures:
        raise SystemExit(f"no fixtures in {args.fixtures}")
    commits = {entry["original_commit"] for entry in fixtures}
    manifest = {
        "description": "Parity fixtures written by running the original MATLAB code "
        "(ManteLab/operative_dimensions, code_matlab/) through the drivers in matlab_ref/. "
        "Original networks are named by file and sha256, not stored; paths of input files "
        "are relative to the original data folder (OPDIMS_ORIGINAL_DATA).",
        "original_repository": "ManteLab/operative_dimensions",
        "original_commit": sorted(commits)[0] if len(commits) == 1 else sorted(commits),
        "regenerate": "matlab_ref/regenerate.sh /path/to/code_matlab [octave|matlab]",
        "total_bytes": sum(entry["bytes"] for entry in fixtures),
        "fixtures": fixtures,
    }
    if args.code_matlab:
        files = sorted(p for p in args.code_matlab.rglob("*") if p.is_file())
        manifest["original_code_sha256"] = {
            p.relative_to(args.code_matlab).as_posix(): sha256_of(p) for p in files
        }
    target = args.fixtures / "MANIFEST"
    target.write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"wrote {target}: {len(fixtures)} fixtures, {manifest['total_bytes'] / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
