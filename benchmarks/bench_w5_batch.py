"""W5: s2 + s3 for both dimension types on all 20 networks of both tasks (80 jobs).

Run: python benchmarks/bench_w5_batch.py [--workers 2] [--nets 1-20] [--kernel numba|numpy]
"""

import argparse
import resource

import numpy as np
from _bench import (
    Row,
    add_kernel_option,
    apply_kernel_option,
    data_dir,
    gemm_throughput,
    max_rss_bytes,
    once,
    report,
    s3_run,
)

from opdims import AnalysisOptions, MatlabTwisterStream, simulate
from opdims.analysis.batch import batch_jobs, run_batch
from opdims.analysis.runs import DEFAULT_N_TRIALS, prepare_run
from opdims.cli.batch import parse_net_ids
from opdims.core.backend import usable_cores
from opdims.core.sampling import condition_averages, locations_from_averages, sampling_location_properties
from opdims.data.sources import ORIGINAL_FILES
from opdims.dims.exact_rows import exact_row_dimensions
from opdims.matlab.loops import row_dimensions_loops, run_rnn_loops

TASKS = ("ctxt", "swg")


def s2_locations(task):
    run = prepare_run("s2", data_dir() / ORIGINAL_FILES[f"{task}_weights"], task)
    props = sampling_location_properties(task)
    x = simulate(run.net, run.trials.inputs, run.trials.condition_ids, noise=run.noise).x
    averages = condition_averages(x, props, **run.trials.condition_info())
    return run, locations_from_averages(averages, props)


def reference_estimate(n_nets, dim_types):
    """Seconds the reference mode would need: trial-loop passes timed on a few trials and
    scaled, plus the row search timed for one dimension, times the dimensions exact finds."""
    total, notes = 0.0, []
    for task in TASKS:
        s3 = s3_run(task)
        _, t = once(lambda s3=s3: run_rnn_loops(s3.net, s3.trials.inputs[:4], s3.trials.condition_ids[:4],
                                                noise=s3.noise[:4]))
        s3_pass = t / 4 * s3.trials.n_trials
        s2_run, locations = s2_locations(task)
        s2_pass = s3_pass * s2_run.trials.inputs[..., 0].size / s3.trials.inputs[..., 0].size
        per_job = 102 * s3_pass + s2_pass
        total += n_nets * len(dim_types) * per_job
        if "rows" in dim_types:
            found = np.sum(~np.isnan(exact_row_dimensions(s2_run.net, locations).fvals))
            _, t_dim = once(lambda run=s2_run, loc=locations[0]: row_dimensions_loops(
                run.net, loc, n_dims=1, stream=MatlabTwisterStream(1001)))
            total += n_nets * found * t_dim
            notes.append(f"{task}: reference pass {s3_pass:.0f} s (s3 trials), row search {t_dim:.0f} s per "
                         f"dimension x {found} dimensions per network (network 1)")
        else:
            notes.append(f"{task}: reference pass {s3_pass:.0f} s (s3 trials)")
    return total, notes


def flops(n_nets, dim_types, n=100):
    per_task = {t: DEFAULT_N_TRIALS["s3"][t] * (12 if t == "ctxt" else 1) * (1400 if t == "ctxt" else 500)
                for t in TASKS}
    s2 = {t: DEFAULT_N_TRIALS["s2"][t] * (12 if t == "ctxt" else 1) * (1400 if t == "ctxt" else 500) for t in TASKS}
    return sum(n_nets * len(dim_types) * 2 * n**2 * (102 * per_task[t] + s2[t]) for t in TASKS)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--dask-local", type=int, default=None, help="run on a Dask LocalCluster of N workers")
    parser.add_argument("--nets", default="1-20")
    add_kernel_option(parser)
    args = parser.parse_args()
    apply_kernel_option(args)
    net_ids = parse_net_ids(args.nets)
    dim_types = ("columns", "rows")
    weights = {t: data_dir() / ORIGINAL_FILES[f"{t}_weights"] for t in TASKS}
    if args.dask_local:
        args.workers = 1  # the cluster's workers run the networks
    parallel = args.dask_local or args.workers
    where = f"Dask LocalCluster of {args.dask_local}" if args.dask_local else f"{args.workers} workers"
    jobs = batch_jobs(weights, net_ids, AnalysisOptions(dim_types=dim_types),
                      threads=max(1, usable_cores() // parallel))
    results, measured = once(lambda: run_batch(jobs, workers=args.workers, dask_local=args.dask_local,
                                               progress=False))
    peak = max(max_rss_bytes(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
    reference, notes = reference_estimate(len(net_ids), dim_types)
    slowest = max(results, key=lambda r: r.provenance["seconds"])
    rows = [Row(f"{len(results) * len(dim_types)} analyses ({len(net_ids)} networks x 2 tasks x 2 dimension types), "
                f"{where}", measured, reference, flops(len(net_ids), dim_types) / gemm_throughput(),
                360.0 * len(net_ids) / 20, peak, "reference mode estimated (see notes)")]
    report("w5_batch", "W5 — s2 + s3, columns and rows, both tasks", rows,
           notes + [(f"slowest network (both dimension types): {slowest.provenance['task']} network "
                     f"{slowest.provenance['net_id']}, {slowest.provenance['seconds']:.1f} s"),
                    "target scaled to the number of networks run (6 min for 20)",
                    "peak memory: largest resident size of this process or one worker"],
           "python benchmarks/bench_w5_batch.py "
           + (f"--dask-local {args.dask_local}" if args.dask_local else f"--workers {args.workers}")
           + f" --nets {args.nets}"
           + (f" --kernel {args.kernel}" if args.kernel else ""))


if __name__ == "__main__":
    main()
