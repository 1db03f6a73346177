"""W3: local operative row dimensions at all 120 ctxt sampling locations (up to 100 each).

Run: python benchmarks/bench_w3_rows.py [--reference-dims 2]
"""

import argparse

import numpy as np
from _bench import Row, ctxt_network, data_dir, gemm_throughput, once, peak_traced_bytes, report

from opdims import MatlabTwisterStream
from opdims.core.sampling import sampling_location_properties
from opdims.data.sources import ORIGINAL_FILES
from opdims.dims.exact_rows import best_row_dimension, exact_row_dimensions
from opdims.matlab.loops import row_dimensions_loops
from opdims.matlab.scripts import read_sampling_locations


def exact_flops(n: int, dims_per_location) -> float:
    """Arithmetic of the exact solver: per step (WB)'(WB) (2 N d^2) and its eigendecomposition (~9 d^3)."""
    d = n - np.concatenate([np.arange(k) for k in dims_per_location])
    return float(np.sum(2 * n * d**2 + 9 * d**3))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference-dims", type=int, default=2,
                        help="dimensions found in reference mode at location 1 (the rest is extrapolated)")
    args = parser.parse_args()
    net = ctxt_network(1)
    props = sampling_location_properties("ctxt")
    locations = read_sampling_locations(data_dir() / ORIGINAL_FILES["ctxt_columns"], props, net.n_units)

    def exact():
        return exact_row_dimensions(net, locations)

    result, first = once(exact)
    _, second = once(exact)
    found = np.sum(~np.isnan(result.fvals), axis=1)
    ref, ref_time = once(lambda: row_dimensions_loops(net, locations[0], n_dims=args.reference_dims,
                                                      stream=MatlabTwisterStream(1001)))
    per_dim = ref_time / args.reference_dims
    reference = per_dim * found.sum()
    gap = [best_row_dimension(net, locations[0], ref.dims[0, :j].T)[1] / -ref.fvals[0, j] - 1
           for j in range(args.reference_dims)]
    rows = [Row(f"exact rows, 120 locations ({found.sum()} dimensions)", min(first, second), reference,
                exact_flops(net.n_units, found) / gemm_throughput(), 30.0, peak_traced_bytes(exact),
                f"reference extrapolated from {args.reference_dims} dimensions at location 1")]
    report("w3_rows", "W3 — local operative row dimensions, ctxt network 1, all 120 sampling locations", rows,
           [f"dimensions per location until |fval| < 1e-8 (the original's stop rule): {found.min()}..{found.max()}",
            (f"reference mode: opdims.matlab.loops.row_dimensions_loops (BFGS with finite differences from a "
             f"random start, the original's objective through the trial loop): {per_dim:.1f} s per dimension, "
             f"times the {found.sum()} dimensions the stop rule gives"),
            f"exact Δf / reference Δf - 1 at location 1, dimensions 1..{args.reference_dims}, each given the "
            "reference's earlier dimensions: "
            + ", ".join(f"{g:.1e}" for g in gap),
            "lower bound: 2 N d^2 + 9 d^3 flops per greedy step / measured matrix-multiply rate"],
           "python benchmarks/bench_w3_rows.py")


if __name__ == "__main__":
    main()
