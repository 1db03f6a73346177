"""W2: the full s3 sweep of ctxt network 1: 101 forward passes (full rank and k = 1..100).

Run: python benchmarks/bench_w2_sweep.py [--reference-ranks 4] [--kernel numba|numpy]
"""

import argparse

import numpy as np
from _bench import Row, add_kernel_option, apply_kernel_option, gemm_throughput, once, peak_traced_bytes, report, s3_run

from opdims.dims.sweeps import rank_sweep
from opdims.matlab.loops import rank_sweep_loops


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference-ranks", type=int, default=4,
                        help="ranks timed in reference mode (the rest is extrapolated)")
    add_kernel_option(parser)
    args = parser.parse_args()
    apply_kernel_option(args)
    run = s3_run("ctxt")
    net, trials, noise = run.net, run.trials, run.noise
    basis, _, _ = np.linalg.svd(net.W)
    B, T, _ = trials.inputs.shape
    n = net.n_units
    flops = 2 * B * T * n**2 * (n + 1)
    bound = flops / gemm_throughput()

    def sweep():
        return rank_sweep(net, basis, "columns", trials.inputs, trials.condition_ids, trials.targets, noise=noise)

    result, measured = once(sweep)  # the first call also loads (or compiles) the numba kernel
    _, measured_again = once(sweep)
    ranks = np.linspace(1, n, args.reference_ranks).round().astype(int)
    (cost, dist), ref_time = once(lambda: rank_sweep_loops(net, basis, "columns", trials.inputs,
                                                           trials.condition_ids, trials.targets, noise, ranks))
    per_pass = ref_time / (len(ranks) + 1)
    reference = per_pass * (n + 1)
    agree = np.max(np.abs(cost - result.cost[ranks - 1]) / result.cost[ranks - 1])
    partial = ranks < n  # at full rank both distances are 0 up to rounding: compared in absolute terms
    agree = max(agree, np.max(np.abs(dist - result.state_distance[ranks - 1])[partial]
                              / result.state_distance[ranks - 1][partial], initial=0.0))
    full_rank_dist = np.max(np.abs(dist - result.state_distance[ranks - 1])[~partial], initial=0.0)
    rows = [Row("s3 sweep, 101 passes (numpy backend)", min(measured, measured_again), reference, bound, 5.0,
                peak_traced_bytes(sweep), f"reference mode extrapolated from {len(ranks)} ranks + full pass; "
                f"opdims runs: {measured:.2f} s, {measured_again:.2f} s")]
    report("w2_sweep", f"W2 — s3 rank sweep, ctxt network 1, {B} trials x {T} steps x 101 networks", rows,
           [f"lower bound: {flops / 1e9:.0f} GFLOP of recurrent products / measured matrix-multiply rate",
            (f"reference mode: opdims.matlab.loops.rank_sweep_loops (per rank: column-by-column removal, one "
             f"trial-by-trial forward pass) at ranks {ranks.tolist()}; {per_pass:.1f} s per pass"),
            (f"largest relative difference opdims vs reference at those ranks: {agree:.1e} (state distance at "
             f"full rank: {full_rank_dist:.1e} absolute)")],
           "python benchmarks/bench_w2_sweep.py" + (f" --kernel {args.kernel}" if args.kernel else ""))


if __name__ == "__main__":
    main()
