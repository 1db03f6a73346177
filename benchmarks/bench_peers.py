"""Peers side by side: the original MATLAB code (GNU Octave, or MATLAB when `matlab` is
on the PATH), the authors' Python port and opdims, in one run, on the same trials and noise.

Run: python benchmarks/bench_peers.py --original-code PATH [--full]

PATH is the folder of a checkout of ManteLab/operative_dimensions that holds
``code_matlab/`` and ``code_python/``. Workloads (ctxt network 1 of the authors'
data): W1 one forward pass; W2 one s3 rank step; W3 one row dimension and
W4 all row dimensions at one sampling location; W5 a whole s2 + s3 (columns,
and rows). Slow peers' long parts are timed in part and extrapolated (labelled
``est.``; ``--full`` runs them whole). Writes ``benchmarks/results/peers.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.io
from _bench import RESULTS, _seconds, machine_line
from _peers import INPUT_FEEDS, PORT_PATCHES, copy_port, interpreter, run_original, run_port

from opdims.data.sources import ENV_VAR, ORIGINAL_FILES, original_data_dir

NET_ID = 1
SEED_RUN = 1001
RANK_K = 15  # W2: the s4 rank of ctxt columns


# =============================================================================================
# opdims: every call of opdims' API is in this block (the API is being refactored; adapt here)
# =============================================================================================

def opdims_inputs(weights: Path, columns_file: Path) -> dict:
    """The shared inputs, made once with opdims: network, s3 trials (5 per context and
    coherency, 60) and s2 trials (10, 120) with their noise (MATLAB-twister stream, seed_input
    1000, seed_run 1001, as the original scripts), the W2 basis (global operative dimensions of
    the authors' local column dimensions) and the W3/W4 location (the file's first)."""
    from opdims import global_operative_dimensions
    from opdims.analysis.runs import prepare_run
    from opdims.core.sampling import sampling_location_properties
    from opdims.io import load_local_operative_dimensions
    from opdims.matlab.scripts import read_sampling_locations

    s3 = prepare_run("s3", weights, "ctxt", net_id=NET_ID, seed_run=SEED_RUN)
    s2 = prepare_run("s2", weights, "ctxt", net_id=NET_ID, seed_run=SEED_RUN)
    net = s3.net
    props = sampling_location_properties("ctxt")
    dims, fvals = load_local_operative_dimensions(columns_file, props, net.n_units)
    basis, _ = global_operative_dimensions(dims, fvals, props, "all")
    return {"net": net, "W_in": net.W_in, "W": net.W, "W_out": net.W_out, "x0": net.x0, "b_x": net.b_x,
            "b_z": net.b_z, "s3": s3.trials, "s3_noise": s3.noise, "s2": s2.trials, "s2_noise": s2.noise,
            "basis": basis, "location": read_sampling_locations(columns_file, props, net.n_units)[0],
            "location_context": int(props.loc_contexts[0])}


def opdims_workloads(inp: dict, weights: Path) -> dict:
    """Each workload as a call of opdims; each returns the numbers compared with the peers."""
    import opdims
    from opdims.dims.exact_rows import exact_row_dimensions
    from opdims.matlab.scripts import s2_local_operative_dimensions, s3_global_operative_dimensions

    net, trials, noise, basis = inp["net"], inp["s3"], inp["s3_noise"], inp["basis"]
    location = inp["location"][None]

    def forward():
        traj = opdims.simulate(net, trials.inputs, trials.condition_ids, noise=noise)
        return {"z": traj.z, "x_last": traj.x[:, -1, :], "cost": float(opdims.mse(traj.z, trials.targets))}

    full_x = opdims.simulate(net, trials.inputs, trials.condition_ids, noise=noise).x

    def rank_step():
        W = opdims.remove_dimensions(net.W, basis[:, RANK_K:], "columns")
        traj = opdims.simulate(net, trials.inputs, trials.condition_ids, W=W, noise=noise)
        return {"cost": float(opdims.mse(traj.z, trials.targets)),
                "statedist": float(opdims.state_distance(traj.x, full_x))}

    def row_dimension():
        return {"fvals": exact_row_dimensions(net, location, n_dims=1).fvals[0]}

    def location_rows():
        return {"fvals": exact_row_dimensions(net, location).fvals[0]}

    def s2_s3(dim_type):
        s2 = s2_local_operative_dimensions(weights, "ctxt", dim_type, net_id=NET_ID, seed_run=SEED_RUN)
        s3 = s3_global_operative_dimensions(weights, "ctxt", dim_type, local_dims=s2, net_id=NET_ID,
                                            seed_run=SEED_RUN)
        fvals = s2.local.fvals
        return {"locations": s2.local.locations, "first_fvals": fvals[:, 0],
                "n_dims": int(np.sum(~np.isnan(fvals))), "fvals": fvals,
                "singular_values": s3.global_dims.singular_values,
                "ranks": s3.sweep.ranks, "cost": s3.sweep.cost, "statedist": s3.sweep.state_distance}

    return {"forward": forward, "rank_step": rank_step, "row_dimension": row_dimension,
            "location_rows": location_rows, "s2_s3_columns": lambda: s2_s3("columns"),
            "s2_s3_rows": lambda: s2_s3("rows")}


# =============================================================================================


def best_of(fn, repeats: int):
    """(result of the last call, shortest wall-clock time of ``repeats`` calls)."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, min(times)


def save_inputs(workdir: Path, inp: dict, settings: dict) -> None:
    """``inputs.mat`` for both peers, MATLAB orientation ([units, time, trials], 1-based ids)."""

    def matlab_trials(trials, noise):
        return {"inputs": trials.inputs.transpose(2, 1, 0), "targets": trials.targets.transpose(2, 1, 0),
                "conditionIds": trials.condition_ids.reshape(1, -1).astype(np.float64),
                "coherencies_trial": trials.coherencies.T, "noise": noise.transpose(2, 1, 0)}

    arrays = {"n_Wru_v": inp["W_in"], "n_Wrr_n": inp["W"], "m_Wzr_n": inp["W_out"], "n_x0_c": inp["x0"],
              "n_bx_1": inp["b_x"].reshape(-1, 1), "m_bz_1": inp["b_z"].reshape(-1, 1), "basis": inp["basis"],
              "loc_state": inp["location"].reshape(1, -1), "loc_ctxt": float(inp["location_context"]),
              "row_starts": inp["row_starts"], "seed_run": float(SEED_RUN), "rank_k": float(RANK_K),
              "sweep_ranks": np.asarray(settings["sweep_ranks"], dtype=np.float64).reshape(1, -1),
              "repeats_forward": float(settings["repeats_forward"]),
              "repeats_rank_step": float(settings["repeats_rank_step"]),
              "row_max_dims": float(settings["row_max_dims"])}
    for name in ("s3", "s2"):
        for key, value in matlab_trials(inp[name], inp[f"{name}_noise"]).items():
            arrays[f"{name}_{key}"] = np.ascontiguousarray(value)
    scipy.io.savemat(workdir / "inputs.mat", arrays, do_compression=False)
    (workdir / "settings.json").write_text(json.dumps(settings))


def rel(a, b) -> float:
    """Largest difference relative to the largest magnitude of ``b``."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def n_found(fvals) -> int:
    return int(np.sum(~np.isnan(np.asarray(fvals, dtype=np.float64))))


def peer_estimates(peer: dict, n_units: int, n_loc_dims: int, n_locations: int, full: bool) -> dict:
    """Times of one slow peer (measured, or extrapolated from its measured parts) and how."""
    w4_dims = np.asarray(peer["w4_dim_s"], dtype=np.float64).ravel()
    w4_dims = w4_dims[~np.isnan(w4_dims)]
    fvals = np.asarray(peer["w4_fvals"], dtype=np.float64).ravel()
    stopped = np.any(np.abs(fvals[~np.isnan(fvals)]) < 1e-8)
    per_dim = w4_dims.mean()
    if stopped:
        w4, w4_how = peer["w4_relax_s"] + w4_dims.sum(), None
    else:
        w4 = peer["w4_relax_s"] + per_dim * n_loc_dims
        w4_how = (f"{len(w4_dims)} dimensions timed ({per_dim:.1f} s each on average) x {n_loc_dims} "
                  "(opdims' count at this location with the same stop rule; a lower estimate: the optimisers "
                  "need more dimensions than the exact solver to meet the stop rule)")
    ranks = np.asarray(peer["w5_sweep_ranks"]).ravel()
    sweep_s = np.asarray(peer["w5_sweep_s"], dtype=np.float64).ravel()
    if full or len(ranks) == n_units:
        sweep, sweep_how = peer["w5_s3_full_s"] + sweep_s.sum(), None
    else:
        sweep = peer["w5_s3_full_s"] + sweep_s.mean() * n_units
        sweep_how = (f"full-rank pass + ranks {', '.join(str(int(r)) for r in ranks)} timed "
                     f"({sweep_s.mean():.1f} s per rank step on average) x {n_units} rank steps")
    s2_forward = peer["w5_s2_forward_s"]
    columns = s2_forward + peer["w5_s2_columns_s"] + peer["w5_s3_global_s"] + sweep
    rows = s2_forward + w4 * n_locations + peer["w5_s3_global_s"] + sweep
    rows_how = (f"s2 forward pass + {n_locations} x the whole location of W4 ({_seconds(w4)}"
                f"{', itself estimated' if w4_how else ''}) + s3 as for columns (global dimensions, sweep; "
                "removing rows costs the same as removing columns)")
    return {"w1": float(np.min(peer["w1_s"])), "w2": float(np.min(peer["w2_s"])), "w3": float(w4_dims[0]),
            "w4": float(w4), "w4_how": w4_how, "w5_columns": float(columns), "sweep_how": sweep_how,
            "w5_rows": float(rows), "rows_how": rows_how, "per_dim": float(per_dim),
            "w4_n": n_found(fvals), "w4_stopped": bool(stopped)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--original-code", type=Path, default=os.environ.get("OPDIMS_ORIGINAL_CODE"),
                        help="folder holding code_matlab/ and code_python/ of the original repository "
                             "(default $OPDIMS_ORIGINAL_CODE)")
    parser.add_argument("--interpreter", help="MATLAB or Octave executable (default: matlab if on the PATH, "
                                              "else octave-cli)")
    parser.add_argument("--sweep-ranks", type=int, default=4,
                        help="ranks of the s3 sweep timed in the slow peers (evenly spaced; the rest is "
                             "extrapolated); default 4")
    parser.add_argument("--row-dims", type=int, default=0,
                        help="row dimensions found at the W4 location by the slow peers (0: until |fval| < 1e-8, "
                             "as the original; fewer: extrapolated)")
    parser.add_argument("--full", action="store_true", help="run the slow peers' sweeps whole (about 10 min more)")
    parser.add_argument("--keep", action="store_true", help="keep the working folder (inputs and peers' results)")
    args = parser.parse_args()

    def skip(why: str):
        print(f"bench_peers: skipped: {why}")
        sys.exit(0)

    if args.original_code is None:
        skip("no original code given (--original-code PATH or $OPDIMS_ORIGINAL_CODE)")
    original = Path(args.original_code).resolve()
    if not (original / "code_matlab" / "+utils").is_dir() or not (original / "code_python" / "utils").is_dir():
        skip(f"{original} does not hold code_matlab/ and code_python/ of the original repository")
    if args.interpreter and shutil.which(args.interpreter) is None:
        skip(f"interpreter {args.interpreter} not found")
    command = interpreter(args.interpreter)
    if command is None:
        skip("neither MATLAB (matlab) nor GNU Octave (octave-cli) is on the PATH")
    data = original_data_dir()
    if data is None:
        skip(f"the authors' data is missing: set {ENV_VAR}")
    weights, columns_file = data / ORIGINAL_FILES["ctxt_weights"], data / ORIGINAL_FILES["ctxt_columns"]

    machine = machine_line()
    workdir = Path(tempfile.mkdtemp(prefix="opdims-peers-"))
    print(f"bench_peers: working folder {workdir}")
    try:
        inp = opdims_inputs(weights, columns_file)
        n_units = inp["W"].shape[0]
        inp["row_starts"] = np.random.default_rng(2022).standard_normal((n_units, n_units))
        inp["row_starts"] /= np.linalg.norm(inp["row_starts"], axis=0)
        ranks = list(range(1, n_units + 1)) if args.full else \
            np.linspace(1, n_units, args.sweep_ranks).round().astype(int).tolist()
        settings = {"weights": str(weights), "net_id": NET_ID, "seed_run": SEED_RUN, "rank_k": RANK_K,
                    "sweep_ranks": ranks, "repeats_forward": 3, "repeats_rank_step": 2,
                    "row_max_dims": args.row_dims or n_units}
        save_inputs(workdir, inp, settings)

        print("opdims ...", flush=True)
        work = opdims_workloads(inp, weights)
        mine = {}
        mine["w1"], t1 = best_of(work["forward"], 7)
        mine["w2"], t2 = best_of(work["rank_step"], 7)
        mine["w3"], t3 = best_of(work["row_dimension"], 7)
        mine["w4"], t4 = best_of(work["location_rows"], 5)
        mine["w5c"], t5c = best_of(work["s2_s3_columns"], 2)
        mine["w5r"], t5r = best_of(work["s2_s3_rows"], 2)
        times_opdims = {"w1": t1, "w2": t2, "w3": t3, "w4": t4, "w5_columns": t5c, "w5_rows": t5r}

        print("the authors' Python port ...", flush=True)
        copy_port(original / "code_python", workdir)
        port = run_port(workdir, timeout=3600)
        print(f"the original code ({Path(command[0]).name}) ...", flush=True)
        orig = run_original(workdir, original / "code_matlab", command, timeout=7200)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    n_loc_dims = n_found(mine["w4"]["fvals"])
    n_rows_total = mine["w5r"]["n_dims"]
    n_locations = len(mine["w5c"]["locations"])
    est = {name: peer_estimates(peer, n_units, n_loc_dims, n_locations, args.full)
           for name, peer in (("original", orig), ("port", port))}
    interp = str(orig["interpreter"])
    text = render(mine, times_opdims, orig, port, est, interp, machine, args, ranks, n_loc_dims, n_rows_total,
                  os.getloadavg()[0])
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "peers.md").write_text(text)


def _g(x) -> str:
    return f"{float(x):.6g}"


def _cell(seconds: float, estimated: bool) -> str:
    return _seconds(seconds) + (" (est.)" if estimated else "")


def agreement(mine, orig, port, est, ranks, n_loc_dims, n_rows_total) -> dict:
    """What each peer computed next to opdims, one text per workload."""
    eo, ep = est["original"], est["port"]
    z, x_last = mine["w1"]["z"][..., 0], mine["w1"]["x_last"]
    out = {"w1": (f"max abs difference to opdims, outputs z / last states x: original "
                  f"{np.max(np.abs(orig['w1_z'].T - z)):.1e} / {np.max(np.abs(orig['w1_x_last'].T - x_last)):.1e}, "
                  f"port {np.max(np.abs(port['w1_z'][0].T - z)):.1e} / "
                  f"{np.max(np.abs(port['w1_x_last'].T - x_last)):.1e}")}
    w2 = mine["w2"]
    worst = max(rel(p[f"w2_{k}"], w2[k]) for p in (orig, port) for k in ("cost", "statedist"))
    out["w2"] = (f"cost {_g(orig['w2_cost'])} / {_g(port['w2_cost'])} / {_g(w2['cost'])}, state distance "
                 f"{_g(orig['w2_statedist'])} / {_g(port['w2_statedist'])} / {_g(w2['statedist'])} "
                 f"(original / port / opdims; largest relative difference {worst:.0e})")
    f_o, f_p = -np.ravel(orig["w4_fvals"])[0], -np.ravel(port["w4_fvals"])[0]
    f_x = -mine["w3"]["fvals"][0]
    out["w3"] = (f"Δf {_g(f_o)} / {_g(f_p)} / {_g(f_x)}; the exact optimum exceeds the original's by "
                 f"{(f_x - f_o) / f_x:.1e}, the port's by {(f_x - f_p) / f_x:.1e} (relative)")
    sums = [np.nansum(-np.ravel(p["w4_fvals"]).astype(np.float64)) for p in (orig, port)]
    sums.append(np.nansum(-mine["w4"]["fvals"]))
    counts = [f"{e['w4_n']}" + ("" if e["w4_stopped"] else " (stopped early)") for e in (eo, ep)]
    out["w4"] = (f"dimensions {counts[0]} / {counts[1]} / {n_loc_dims}; sum of Δf "
                 f"{sums[0]:.6f} / {sums[1]:.6f} / {sums[2]:.6f}")
    c = mine["w5c"]
    idx = np.asarray(ranks) - 1
    pieces = []
    for name, p in (("original", orig), ("port", port)):
        pieces.append(
            f"{name}: locations {np.max(np.abs(p['w5_locations'] - c['locations'])):.0e}, column Δf "
            f"{rel(p['w5_column_fvals'], c['first_fvals']):.0e}, σ(L) "
            f"{rel(np.ravel(p['w5_singular_values'])[:len(c['singular_values'])], c['singular_values']):.0e}, "
            f"cost {rel(p['w5_sweep_cost'], c['cost'][idx]):.0e}, state distance "
            f"{np.max(np.abs(np.ravel(p['w5_sweep_statedist']) - c['statedist'][idx])):.0e} (abs)")
    shown = ", ".join(map(str, ranks)) if len(ranks) <= 8 else "1..100"
    out["w5c"] = f"largest relative difference to opdims (ranks {shown}): " + "; ".join(pieces)
    per_loc = np.sum(~np.isnan(mine["w5r"]["fvals"]), axis=1)
    out["w5r"] = (f"not compared (the peers' times are estimates); opdims finds {n_rows_total} row dimensions at "
                  f"{len(per_loc)} locations ({per_loc.min()}–{per_loc.max()} each), the peers' optimisers "
                  f"{eo['w4_n']} and {ep['w4_n']} at location 1 (W4)")
    return out


def render(mine, t_op, orig, port, est, interp, machine, args, ranks, n_loc_dims, n_rows_total, load_end) -> str:
    """The table and its notes (Markdown)."""
    eo, ep = est["original"], est["port"]
    agree = agreement(mine, orig, port, est, ranks, n_loc_dims, n_rows_total)
    rows = [
        ("W1 one forward pass, 60 trials x 1400 steps, noise given", "w1", False, False, "w1"),
        (f"W2 one s3 rank step (rank {RANK_K}: remove {100 - RANK_K} column dims, pass, cost, state distance)",
         "w2", False, False, "w2"),
        ("W3 one row dimension at location 1 (fminunc / CG / exact)", "w3", False, False, "w3"),
        ("W4 all row dimensions at location 1 (until abs(fval) < 1e-8)", "w4", eo["w4_how"] is not None,
         ep["w4_how"] is not None, "w4"),
        ("W5 s2 + s3, columns (s2: 120-trial pass, locations, 120 column dims; s3: global dims, 101 passes)",
         "w5_columns", eo["sweep_how"] is not None, ep["sweep_how"] is not None, "w5c"),
        ("W5 s2 + s3, rows (row dims at 120 locations)", "w5_rows", True, True, "w5r"),
    ]
    command = "python benchmarks/bench_peers.py --original-code PATH" + (" --full" if args.full else "")
    lines = [f"## Peers side by side — ctxt network {NET_ID}, same trials and noise", "",
             f"`{command}` — {machine}; load average {load_end:.2f} at the end", "",
             (f"Peers: the original MATLAB code under {interp}; the authors' Python port (numpy "
              f"{port['numpy_version']}, scipy {port['scipy_version']}); opdims (best of several runs)."), "",
             "| workload | original | port | opdims | original / opdims | port / opdims | agreement |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for what, key, o_est, p_est, ag in rows:
        to, tp, tx = eo[key], ep[key], t_op[key]
        lines.append(f"| {what} | {_cell(to, o_est)} | {_cell(tp, p_est)} | {_seconds(tx)} | {to / tx:,.0f}x | "
                     f"{tp / tx:,.0f}x | {agree[ag]} |")
    notes = [("Times exclude starting the interpreters and loading the inputs; opdims' W5 includes generating its "
              "trials and drawing its noise (the peers get them ready-made), so it is counted against opdims.")]
    for name, p in (("original", orig), ("port", port)):
        notes.append(f"{name}, W5 parts: s2 forward pass and sampling locations {_seconds(p['w5_s2_forward_s'])}, "
                     f"120 column dimensions {_seconds(p['w5_s2_columns_s'])}, s3 global dimensions "
                     f"{_seconds(p['w5_s3_global_s'])}, full-rank pass {_seconds(p['w5_s3_full_s'])}, rank steps "
                     f"{', '.join(_seconds(t) for t in np.ravel(p['w5_sweep_s'])[:8])}"
                     + (" ..." if np.size(p["w5_sweep_s"]) > 8 else "") + ".")
    for name, e in (("original", eo), ("port", ep)):
        if e["w4_how"]:
            notes.append(f"{name}, W4 (est.): {e['w4_how']}.")
        if e["sweep_how"]:
            notes.append(f"{name}, W5 sweep (est.): {e['sweep_how']}.")
        notes.append(f"{name}, W5 rows (est.): {e['rows_how']}.")
    notes.append(f"W3 is the first dimension of W4 (the slow peers run it once); the optimisers start from the same "
                 f"unit random vectors. Row dimensions: original {eo['per_dim']:.1f} s, port {ep['per_dim']:.1f} s "
                 f"per dimension on average at location 1 (function evaluations per dimension: original "
                 f"{np.nanmean(orig['w4_fevals']):.0f}, port {np.nanmean(port['w4_fevals']):.0f}).")
    tails = []
    for name, p in (("original", orig), ("port", port)):
        f = -np.ravel(p["w4_fvals"]).astype(np.float64)
        f = f[~np.isnan(f)][n_loc_dims:]
        if f.size:
            tails.append(f"{name} {np.median(f):.0e}")
    if tails:
        notes.append(f"Stop rule at location 1: opdims' exact steps reach Δf < 1e-8 after {n_loc_dims} dimensions; "
                     f"past that count the optimisers' dimensions still have Δf of about "
                     f"{', '.join(tails)} (median), left over by their slightly suboptimal earlier dimensions, "
                     "so they go on to many more dimensions, most of them quick (well under 1 s each).")
    notes.append("Agreement: W1, W2 and W5 (columns) use the same inputs, so the numbers must agree to rounding; "
                 "row dimensions come from different optimisers (Octave's fminunc, SciPy's CG, opdims' exact "
                 "solver), so they agree only as far as the optimisers find the optimum.")
    notes += [f"Port patch: {p}" for p in PORT_PATCHES]
    notes += [f"Inputs: {p}." for p in INPUT_FEEDS]
    return "\n".join([*lines, "", *[f"- {n}" for n in notes], ""])


if __name__ == "__main__":
    main()
