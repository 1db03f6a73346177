"""Plant bugs in a copy of opdims, one at a time, and check that the parity suite catches each.

Every mutation replaces one exact piece of code (it must occur exactly once) in a temporary copy of the
package; the parity suite then runs against that copy and must fail. A mutation the suite does not catch
is a hole in the parity suite.

Run: python parity_tests/mutations.py [--only NAME ...] [--list]
(exit code 1 if a planted bug went uncaught or a mutation no longer applies).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "parity_tests" / "fixtures"


@dataclass(frozen=True)
class Mutation:
    """A planted bug: in ``path`` (below the repository root), ``old`` becomes ``new``."""

    name: str
    path: str
    old: str
    new: str
    what: str


MUTATIONS = [
    Mutation("euler-alpha", "opdims/core/simulate.py",
             "                rec *= alpha\n", "                rec *= alpha * 1.00001\n",
             "the Euler step's alpha off by 1e-5 (numpy and torch)"),
    Mutation("torch-alpha", "opdims/core/simulate.py",
             "    for t in euler_steps(torch, x, r, WT, chunks, net.alpha, 1.0 - net.alpha, net.nonlinearity):",
             "    for t in euler_steps(torch, x, r, WT, chunks, net.alpha * 1.00001, 1.0 - net.alpha, "
             "net.nonlinearity):",
             "alpha off by 1e-5 in the torch simulation only"),
    Mutation("noise-orientation", "opdims/core/simulate.py",
             "        noise[b] = stream.randn((n_units, n_steps)).T\n",
             "        noise[b] = stream.randn((n_units, n_steps)).reshape(n_steps, n_units)\n",
             "MATLAB's randn(N, T) read in the wrong order"),
    Mutation("removal-side", "opdims/core/reduce.py",
             '    A = W if dim_type == "columns" else W.T\n', '    A = W.T if dim_type == "columns" else W\n',
             "columns removed as rows and rows as columns"),
    Mutation("relax-bias", "opdims/dims/operative.py",
             "    return (1.0 - a) * x + a * (recurrent + net.b_x)\n", "    return (1.0 - a) * x + a * recurrent\n",
             "the relaxation step without the unit biases"),
    Mutation("L-unscaled", "opdims/dims/operative.py",
             "        return (self.dims[valid] * self.fvals[valid][:, None]).T\n",
             "        return self.dims[valid].T\n",
             "the local dimensions stacked into L without their fvals"),
    Mutation("column-norm", "opdims/dims/local_dims.py",
             "        v = Wr / np.where(dead[:, None], 1.0, norm)\n",
             "        v = Wr / np.where(dead[:, None], 1.0, norm + 1e-6)\n",
             "the column dimension not quite unit length"),
    Mutation("sampling-signs", "opdims/core/sampling.py",
             "        condition_sign_coh1=_frozen([1, 1, -1, -1, 1, -1, -1, 1]),\n",
             "        condition_sign_coh1=_frozen([1, 1, -1, -1, 1, -1, 1, -1]),\n",
             "two ctxt conditions' coherency signs swapped"),
    Mutation("input-noise-scale", "opdims/core/tasks.py",
             "    sigma = c.input_noise_scale * np.sqrt(c.dt) if input_noise else 0.0\n",
             "    sigma = c.input_noise_scale * c.dt if input_noise else 0.0\n",
             "ctxt input noise scaled by dt instead of sqrt(dt)"),
    Mutation("rows-stale-constraint", "opdims/dims/exact_rows.py",
             "            s.Y = np.column_stack([s.Y, u_of[i]])\n", "            s.Y = s.Y\n",
             "the batched row solver forgets a found direction in its next steps (a stale WB)"),
    Mutation("rows-unit-length", "opdims/dims/exact_rows.py",
             "            q[p] /= np.linalg.norm(q[p])\n", "            q[p] /= 0.9999 * np.linalg.norm(q[p])\n",
             "the batched row solver's dimensions 1e-4 longer than unit length"),
    Mutation("mse-abs", "opdims/core/metrics.py",
             "    return np.mean(err**2, axis=(-1, -2))\n", "    return np.mean(np.abs(err), axis=(-1, -2))\n",
             "the cost as mean absolute instead of squared error"),
]


def apply(mutation: Mutation, tree: Path) -> None:
    path = tree / mutation.path
    text = path.read_text()
    count = text.count(mutation.old)
    if count != 1:
        raise SystemExit(f"mutation {mutation.name}: {mutation.path} holds its code {count} times (expected once); "
                         "update parity_tests/mutations.py")
    path.write_text(text.replace(mutation.old, mutation.new))


def run_suite(package_root: Path, timeout: float) -> tuple[int, float]:
    """Exit code and seconds of the parity suite run against the package copy in ``package_root``."""
    env = {**os.environ, "PYTHONPATH": str(package_root), "PYTHONDONTWRITEBYTECODE": "1",
           "OPDIMS_PARITY_FIXTURES": str(FIXTURES)}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", str(package_root / "opdims" / "parity"), "-x", "-q",
                           "-p", "no:cacheprovider",
                           "--no-header", "-o", "addopts="], cwd=package_root, env=env, capture_output=True,
                          text=True, timeout=timeout)
    return done.returncode, time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these mutations")
    parser.add_argument("--list", action="store_true", help="list the mutations and stop")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per suite run")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTATIONS if not args.only or m.name in args.only]
    if args.list:
        for m in chosen:
            print(f"{m.name:20s} {m.path:24s} {m.what}")
        return 0
    rows, uncaught = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for m in chosen:
            tree = Path(tmp) / m.name
            shutil.copytree(ROOT / "opdims", tree / "opdims", ignore=shutil.ignore_patterns("__pycache__"))
            (tree / "conftest.py").write_text("")  # pytest's rootdir: the copy, not the checkout
            apply(m, tree)
            code, seconds = run_suite(tree, args.timeout)
            caught = code == 1
            if not caught:
                uncaught.append(m.name)
            rows.append(f"| {m.name} | `{m.path}` | {m.what} | {'caught' if caught else f'NOT caught (exit {code})'} "
                        f"| {seconds:.0f} s |")
            print(rows[-1], flush=True)
    print("\n| mutation | file | planted bug | parity suite | time |\n| --- | --- | --- | --- | --- |")
    print("\n".join(rows))
    if uncaught:
        print(f"\nnot caught: {', '.join(uncaught)}")
        return 1
    print(f"\nall {len(rows)} planted bugs caught by the parity suite")
    return 0


if __name__ == "__main__":
    sys.exit(main())
