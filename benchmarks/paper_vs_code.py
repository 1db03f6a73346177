"""The paper's figure 3 against the published code: the measured values, and every candidate explanation.

    OPDIMS_ORIGINAL_DATA=/path/to/original OMP_NUM_THREADS=1 nice -n 10 \\
        python benchmarks/paper_vs_code.py --nets 1-20 --cache paper_vs_code.json

For each of the authors' networks (ctxt and swg): the global operative
dimensions (columns and rows) from the published pipeline (s2's trials and
sampling locations, opdims = the published code), then the reduced-rank
networks at the few ranks the paper's panels can be read at (1, 5, 10, 20),
run on s3's trials with s3's noise. Besides the published measures (cost =
MSE of the output over the whole trial; state distance = mean over trials
and steps of the distance between the noisy states of the reduced and the
full-rank network) it measures the variants one might suspect behind the
differences from the paper's figure:

- ``distance, no network noise``: both networks run without their internal noise;
- ``distance, no noise at all``: no internal noise and no input noise (the caption's "without any noise");
- ``distance on rates tanh(x)``: the distance between the rates instead of the states;
- ``distance between condition averages``: between the reduced and full-rank condition averages
  (ctxt: trials of one context and coherency pair; swg: one frequency);
- ``cost, decision period only`` (ctxt): MSE after the 650 ms burn-in only;
- ``six coherencies`` (ctxt): s3's trials drawn from the six coherencies (the published generator
  draws 0 instead of +0.15);
- the silent network (W = 0) as the floor of the cost.

Each network's numbers are kept in the cache (``--cache``), so a rerun adds
networks without redoing the finished ones. Prints Markdown tables: mean over
networks, +- mean absolute deviation (MATLAB's ``mad``) and median absolute
deviation.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

from opdims.analysis.chain import analyse_network
from opdims.analysis.runs import SEED_INPUT, prepare_run, reseed
from opdims.core.reduce import reduced_rank_stack
from opdims.core.simulate import simulate
from opdims.core.tasks import CTXT, context_integration_trials
from opdims.data.sources import ORIGINAL_FILES, original_data_dir

RANKS = (1, 5, 10, 20)
DIM_TYPES = ("columns", "rows")
KINDS = ("trajectory", "random")


def parse_ids(text: str) -> list[int]:
    ids = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        ids.extend(range(int(lo), int(hi or lo) + 1))
    return ids


def condition_groups(trials) -> np.ndarray:
    """0-based group of every trial: same context and coherencies (ctxt), same frequency (swg)."""
    if trials.task == "ctxt":
        key = np.column_stack([trials.condition_ids, trials.coherencies])
    else:
        key = np.asarray(trials.freq_ids).reshape(-1, 1)
    return np.unique(key, axis=0, return_inverse=True)[1].reshape(-1)


def group_means(x: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """``[G, T, N]`` means of the trials of each group."""
    return np.stack([x[groups == g].mean(axis=0) for g in range(groups.max() + 1)])


def measures(run_x, run_z, ref_x, targets, groups, nonlin, n_burn):
    """Cost and the distance variants of one reduced-rank run against the full-rank run."""
    err = (run_z[..., 0] - targets[..., 0]) ** 2
    return {
        "cost": float(err.mean()),
        "cost_decision": float(err[:, n_burn:].mean()),
        "distance": float(np.linalg.norm(run_x - ref_x, axis=-1).mean()),
        "distance_rates": float(np.linalg.norm(nonlin(run_x) - nonlin(ref_x), axis=-1).mean()),
        "distance_averages": float(np.linalg.norm(group_means(run_x, groups) - group_means(ref_x, groups),
                                                  axis=-1).mean()),
    }


def run_set(net, trials, noise, bases, n_burn):
    """Every measure for the full-rank, silent and reduced networks on one set of trials and noise."""
    groups = condition_groups(trials)
    inputs, cids, targets = trials.inputs, trials.condition_ids, trials.targets
    full = simulate(net, inputs, cids, noise=noise, threads=1)
    out = {"full_cost": float(((full.z[..., 0] - targets[..., 0]) ** 2).mean())}
    silent = simulate(net, inputs, cids, W=np.zeros_like(net.W), noise=noise, threads=1)
    out["silent_cost"] = float(((silent.z[..., 0] - targets[..., 0]) ** 2).mean())
    out["silent_cost_decision"] = float(((silent.z[..., 0] - targets[..., 0])[:, n_burn:] ** 2).mean())
    for (dim_type, kind), basis in bases.items():
        for k, W in zip(RANKS, reduced_rank_stack(net.W, basis, dim_type, RANKS)):
            res = simulate(net, inputs, cids, W=W, noise=noise, threads=1)
            for name, value in measures(res.x, res.z, full.x, targets, groups, np.tanh, n_burn).items():
                out[f"{dim_type}/{kind}/{k}/{name}"] = value
    return out


def global_dimensions(path: Path, task: str, net_id: int):
    """The published pipeline's global operative dimensions, and the variance explained by the first 5."""
    analysis = analyse_network(path, task, net_id=net_id, ranks=(), random_control=True, threads=1)
    bases = {(d, k): analysis[d, k].basis for d in DIM_TYPES for k in KINDS}
    return bases, {f"{d}/{k}": analysis[d, k].variance_explained[:5].tolist() for d in DIM_TYPES for k in KINDS}


def one_network(path: Path, task: str, net_id: int) -> dict:
    """All variants for one network."""
    started = time.perf_counter()
    bases, variance = global_dimensions(path, task, net_id)
    n_burn = CTXT.n_burn if task == "ctxt" else 0
    published = prepare_run("s3", path, task, net_id=net_id)
    result = {"published": run_set(published.net, published.trials, published.noise, bases, n_burn),
              "variance_explained": variance}
    trajectory = {key: b for key, b in bases.items() if key[1] == "trajectory"}
    quiet = prepare_run("s3", path, task, net_id=net_id, net_noise=False)
    result["no_net_noise"] = run_set(quiet.net, quiet.trials, None, trajectory, n_burn)
    if task == "ctxt":
        silent = prepare_run("s3", path, task, net_id=net_id, net_noise=False, input_noise=False)
        result["no_noise"] = run_set(silent.net, silent.trials, None, trajectory, n_burn)
        result["six_coherencies"] = six_coherencies(path, net_id, bases)
    result["seconds"] = time.perf_counter() - started
    return result


def six_coherencies(path: Path, net_id: int, bases: dict) -> dict:
    """The published s3 run, but its trials drawn from the six coherencies (same draws, same noise)."""
    published = prepare_run("s3", path, "ctxt", net_id=net_id)
    reseed(published.stream, SEED_INPUT)
    six = context_integration_trials(published.settings.n_trials, True, published.stream, all_coherencies=True)
    return run_set(published.net, six, published.noise, bases, CTXT.n_burn)


def complete(cache: dict, path: Path, task: str, net_id: str) -> bool:
    """Add what a result of an earlier version of this script lacks (variance explained; ctxt: six coherencies
    at random locations). Returns whether anything was added."""
    result = cache[task][net_id]
    six_random = task != "ctxt" or "columns/random/1/cost" in result["six_coherencies"]
    if "variance_explained" in result and six_random:
        return False
    started = time.perf_counter()
    bases, variance = global_dimensions(path, task, int(net_id))
    result["variance_explained"] = variance
    if not six_random:
        result["six_coherencies"].update(six_coherencies(path, int(net_id), bases))
    result["seconds"] += time.perf_counter() - started
    return True


def spread(values: np.ndarray) -> tuple[float, float, float]:
    """Mean, mean absolute deviation about the mean (MATLAB's mad), median absolute deviation about the median."""
    return (float(values.mean()), float(np.abs(values - values.mean()).mean()),
            float(np.median(np.abs(values - np.median(values)))))


#: the paper's figure 3, read off the published figure image (figures_opDims.png) at ranks 1, 5, 10, 20:
#: approximate (about +-0.02 for cost, +-0.2 for state distance), never used in any computation
PAPER = {
    "ctxt": {"columns/trajectory/cost": (0.34, 0.10, 0.01, 0.00), "columns/random/cost": (0.35, 0.36, 0.37, 0.43),
             "columns/trajectory/distance": (3.2, 1.0, 0.4, 0.2), "columns/random/distance": (4.6, 4.6, 4.5, 4.6),
             "rows/trajectory/cost": (0.47, 0.40, 0.09, 0.01), "rows/random/cost": (0.43, 0.52, 0.57, 0.62),
             "rows/trajectory/distance": (4.7, 2.9, 1.2, 0.5), "rows/random/distance": (4.9, 5.1, 5.2, 5.2)},
    "swg": {"columns/trajectory/cost": (0.57, 0.65, 0.05, 0.00), "columns/random/cost": (0.57, 0.65, 0.76, 0.76),
            "columns/trajectory/distance": (5.4, 4.9, 1.5, 0.4), "columns/random/distance": (8.2, 8.6, 7.8, 7.0),
            "rows/trajectory/cost": (0.53, 0.79, 0.30, 0.02), "rows/random/cost": (0.56, 0.60, 0.62, 0.67),
            "rows/trajectory/distance": (7.6, 6.5, 3.6, 1.0), "rows/random/distance": (8.6, 8.7, 8.6, 8.3)},
}
#: panels b and e: variance explained (%) by global operative dimension 1..5, read off the figure likewise
PAPER_VARIANCE = {"ctxt": {"columns": (49, 28, 17, 1.3, 0.5), "rows": (41, 26, 18, 9, 4)},
                  "swg": {"columns": (47, 27, 17, 2.1, 1.2), "rows": (49, 31, 14, 4, 2)}}
PANELS = {("columns", "cost"): "c", ("columns", "distance"): "d", ("rows", "cost"): "f", ("rows", "distance"): "g"}
#: the rows of each panel: (label, variant, measure); the variants are run for trajectory locations only
CANDIDATES = {
    "cost": [("cost over the whole trial, noise as in s3 (the published code)", "published", "cost"),
             ("decision period only (after the 650 ms burn-in)", "published", "cost_decision"),
             ("no network noise", "no_net_noise", "cost"),
             ("no noise at all (network and input)", "no_noise", "cost"),
             ("six coherencies", "six_coherencies", "cost"),
             ("six coherencies, decision period only", "six_coherencies", "cost_decision"),
             ("silent network W = 0 (any rank)", "published", "silent_cost"),
             ("silent network W = 0, decision period only", "published", "silent_cost_decision"),
             ("silent network W = 0, six coherencies, decision period", "six_coherencies", "silent_cost_decision")],
    "distance": [("between the noisy states, per trial (the published code)", "published", "distance"),
                 ("on rates tanh(x)", "published", "distance_rates"),
                 ("between condition averages", "published", "distance_averages"),
                 ("no network noise", "no_net_noise", "distance"),
                 ("no noise at all (network and input)", "no_noise", "distance"),
                 ("no network noise, on rates tanh(x)", "no_net_noise", "distance_rates"),
                 ("no noise at all, on rates tanh(x)", "no_noise", "distance_rates"),
                 ("six coherencies", "six_coherencies", "distance")],
}


def values(results, variant, where, key):
    """``[networks, ranks]`` of one measure at ``where`` (dims/locations); a per-network constant (the silent
    network's cost) repeated."""
    if key.startswith("silent"):
        return np.array([[r[variant][key]] * len(RANKS) for r in results])
    return np.array([[r[variant][f"{where}/{k}/{key}"] for k in RANKS] for r in results])


def tables(cache: dict, tasks) -> str:
    """The comparison as Markdown: per panel, the paper's values, the published code's and every candidate."""
    lines = []
    for task in tasks:
        nets = sorted(int(k) for k in cache.get(task, {}))
        if not nets:
            continue
        results = [cache[task][str(k)] for k in nets]
        lines.append(f"\n### {task}: {len(nets)} network(s) (NetNr{nets[0]}..NetNr{nets[-1]})\n")
        lines.append("| panel | curve | " + " | ".join(f"rank {k}" for k in RANKS) + " |")
        lines.append("| --- | --- | " + " | ".join("---:" for _ in RANKS) + " |")
        for (dim_type, measure), panel in PANELS.items():
            for kind in KINDS:
                where = f"{dim_type}/{kind}/{measure}"
                digits = 2 if measure == "cost" else 1
                paper = " | ".join(f"{v:.{digits}f}" for v in PAPER[task][where])
                lines.append(f"| **{panel}** {dim_type}, {kind} locations | **paper (read off the figure)** | "
                             f"{paper} |")
                for label, variant, key in CANDIDATES[measure]:
                    if kind == "random" and key.startswith("silent"):
                        continue
                    if task == "swg" and "decision" in key:
                        continue  # the swg trials have no burn-in: the same as the whole trial
                    have = [r for r in results if f"{dim_type}/{kind}/1/{measure}" in r.get(variant, {})]
                    if not have:
                        continue
                    if len(have) < len(results):  # completed for some networks so far
                        label = f"{label} ({len(have)} networks)"
                    table = values(have, variant, f"{dim_type}/{kind}", key)
                    cells = []
                    for column in table.T:
                        mean, mean_ad, median_ad = spread(column)
                        cells.append(f"{mean:.3f} ± {mean_ad:.3f} ({median_ad:.3f})")
                    lines.append(f"| {panel} | {label} | " + " | ".join(cells) + " |")
        with_ve = [r for r in results if "variance_explained" in r]
        if with_ve:
            lines.append(f"\nPanels b, e: variance explained (%) by global operative dimension i "
                         f"({len(with_ve)} networks):\n")
            lines.append("| panel | curve | " + " | ".join(f"i = {i}" for i in range(1, 6)) + " |")
            lines.append("| --- | --- | " + " | ".join("---:" for _ in range(5)) + " |")
            for dim_type, panel in (("columns", "b"), ("rows", "e")):
                paper = " | ".join(f"{v:g}" for v in PAPER_VARIANCE[task][dim_type])
                lines.append(f"| {panel} | {dim_type}: paper (read off the figure) | {paper} |")
                table = np.array([r["variance_explained"][f"{dim_type}/trajectory"] for r in with_ve])
                cells = [f"{spread(c)[0]:.1f} ± {spread(c)[1]:.1f} ({spread(c)[2]:.1f})" for c in table.T]
                lines.append(f"| {panel} | {dim_type}: the published code | " + " | ".join(cells) + " |")
        full = np.array([r["published"]["full_cost"] for r in results])
        lines.append(f"\nFull-rank cost (published settings): {full.mean():.4f}; compute: "
                     f"{sum(r['seconds'] for r in results) / 60:.1f} min in all.")
    lines.append("\nCells: mean over networks ± mean absolute deviation about the mean (MATLAB's `mad`, the paper's "
                 "band) (in brackets: median absolute deviation about the median).")
    return "\n".join(lines)


def save(cache: dict, path: Path) -> None:
    """Write the cache whole (temporary name, then rename)."""
    part = path.with_suffix(".part")
    part.write_text(json.dumps(cache))
    os.replace(part, path)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nets", default="1-3", help="network ids, e.g. 1-20 (default %(default)s)")
    parser.add_argument("--tasks", nargs="+", default=("ctxt", "swg"), choices=("ctxt", "swg"))
    parser.add_argument("--cache", type=Path, default=Path("paper_vs_code.json"),
                        help="per-network results, reused by a rerun (default %(default)s)")
    parser.add_argument("--table-only", action="store_true", help="print the table of the cache, compute nothing")
    args = parser.parse_args(argv)
    root = original_data_dir()
    if root is None:
        raise SystemExit("the authors' data was not found: set OPDIMS_ORIGINAL_DATA")
    cache = json.loads(args.cache.read_text()) if args.cache.is_file() else {}
    if not args.table_only:
        for task in args.tasks:
            path = root / ORIGINAL_FILES[f"{task}_weights"]
            for net_id in sorted(cache.get(task, {}), key=int):
                if int(net_id) in parse_ids(args.nets) and complete(cache, path, task, net_id):
                    save(cache, args.cache)
                    print(f"{task} network {net_id}: completed", flush=True)
        for task in args.tasks:
            path = root / ORIGINAL_FILES[f"{task}_weights"]
            for net_id in parse_ids(args.nets):
                if str(net_id) in cache.get(task, {}):
                    continue
                cache.setdefault(task, {})[str(net_id)] = one_network(path, task, net_id)
                save(cache, args.cache)
                print(f"{task} network {net_id}: {cache[task][str(net_id)]['seconds']:.0f} s", flush=True)
    print(tables(cache, args.tasks))


if __name__ == "__main__":
    main()
