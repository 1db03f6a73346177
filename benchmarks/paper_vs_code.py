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
        stream = published.stream
        reseed(stream, SEED_INPUT)
        six = context_integration_trials(published.settings.n_trials, True, stream, all_coherencies=True)
        result["six_coherencies"] = run_set(published.net, six, published.noise, trajectory, n_burn)
    result["seconds"] = time.perf_counter() - started
    return result


def spread(values: np.ndarray) -> tuple[float, float, float]:
    """Mean, mean absolute deviation about the mean (MATLAB's mad), median absolute deviation about the median."""
    return (float(values.mean()), float(np.abs(values - values.mean()).mean()),
            float(np.median(np.abs(values - np.median(values)))))


def tables(cache: dict, tasks) -> str:
    lines = []
    for task in tasks:
        nets = sorted(int(k) for k in cache.get(task, {}))
        if not nets:
            continue
        results = [cache[task][str(k)] for k in nets]
        lines.append(f"\n### {task}: {len(nets)} network(s) ({nets[0]}..{nets[-1]})\n")
        lines.append("| variant | dims | locations | measure | " + " | ".join(f"rank {k}" for k in RANKS) + " |")
        lines.append("| --- | --- | --- | --- | " + " | ".join("---:" for _ in RANKS) + " |")
        rows = [("published", "published", "cost"), ("published", "published", "distance")]
        if task == "ctxt":
            rows.append(("cost, decision period only", "published", "cost_decision"))
        rows += [("distance on rates tanh(x)", "published", "distance_rates"),
                 ("distance between condition averages", "published", "distance_averages"),
                 ("no network noise", "no_net_noise", "cost"), ("no network noise", "no_net_noise", "distance")]
        if task == "ctxt":
            rows += [("no noise at all", "no_noise", "cost"), ("no noise at all", "no_noise", "distance"),
                     ("six coherencies", "six_coherencies", "cost"),
                     ("six coherencies", "six_coherencies", "distance")]
        for dim_type in DIM_TYPES:
            for kind in KINDS:
                for label, variant, measure in rows:
                    if kind == "random" and variant != "published" or kind == "random" and measure not in (
                            "cost", "distance"):
                        continue
                    cells = []
                    for k in RANKS:
                        values = np.array([r[variant][f"{dim_type}/{kind}/{k}/{measure}"] for r in results])
                        mean, mean_ad, median_ad = spread(values)
                        cells.append(f"{mean:.3f} ± {mean_ad:.3f} ({median_ad:.3f})")
                    lines.append(f"| {label} | {dim_type} | {kind} | {measure} | " + " | ".join(cells) + " |")
        with_ve = [r for r in results if "variance_explained" in r]
        if with_ve:
            lines.append(f"\nVariance explained (%) by global operative dimension i = 1..5 ({len(with_ve)} networks):\n")
            lines.append("| dims | locations | " + " | ".join(f"i = {i}" for i in range(1, 6)) + " |")
            lines.append("| --- | --- | " + " | ".join("---:" for _ in range(5)) + " |")
            for dim_type in DIM_TYPES:
                for kind in KINDS:
                    values = np.array([r["variance_explained"][f"{dim_type}/{kind}"] for r in with_ve])
                    cells = [f"{spread(values[:, i])[0]:.1f} ± {spread(values[:, i])[1]:.1f}" for i in range(5)]
                    lines.append(f"| {dim_type} | {kind} | " + " | ".join(cells) + " |")
        lines.append("")
        for variant in ("published", "no_net_noise", "no_noise", "six_coherencies"):
            if variant in results[0]:
                full = np.array([r[variant]["full_cost"] for r in results])
                silent = np.array([r[variant]["silent_cost"] for r in results])
                lines.append(f"- {variant}: full-rank cost {full.mean():.4f}, silent network (W = 0) cost "
                             f"{silent.mean():.4f}" + (f" (decision period: "
                                                       f"{np.mean([r[variant]['silent_cost_decision'] for r in results]):.4f})"
                                                       if task == "ctxt" else ""))
        lines.append(f"- compute: {sum(r['seconds'] for r in results) / 60:.1f} min in all")
    lines.append("\nCells: mean over networks ± mean absolute deviation (MATLAB's mad) (median absolute deviation).")
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
            for net_id, result in sorted(cache.get(task, {}).items()):
                if "variance_explained" not in result and int(net_id) in parse_ids(args.nets):
                    result["variance_explained"] = global_dimensions(path, task, int(net_id))[1]
                    save(cache, args.cache)
                    print(f"{task} network {net_id}: variance explained added", flush=True)
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
