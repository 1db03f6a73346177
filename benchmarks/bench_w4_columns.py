"""W4: local operative column dimensions at all 120 ctxt sampling locations.

Run: python benchmarks/bench_w4_columns.py
"""

import numpy as np
from _bench import Row, best_time, ctxt_network, data_dir, gemm_throughput, once, peak_traced_bytes, report

from opdims import local_column_dimensions
from opdims.core.sampling import sampling_location_properties
from opdims.data.sources import ORIGINAL_FILES
from opdims.matlab.loops import column_dimensions_loops
from opdims.matlab.scripts import read_sampling_locations


def main():
    net = ctxt_network(1)
    props = sampling_location_properties("ctxt")
    locations = read_sampling_locations(data_dir() / ORIGINAL_FILES["ctxt_columns"], props, net.n_units)
    n, n_loc = net.n_units, len(locations)

    def fast():
        return local_column_dimensions(net, locations)

    ref, reference = once(lambda: column_dimensions_loops(net, locations, stream=1))
    agree = np.nanmax(np.abs(ref.fvals - fast().fvals))
    flops = n_loc * 8 * n**2
    rows = [Row("column dimensions, 120 locations", best_time(fast, 20), reference,
                flops / gemm_throughput(), 0.050, peak_traced_bytes(fast))]
    report("w4_columns", "W4 — local operative column dimensions, ctxt network 1, all 120 sampling locations",
           rows, [("reference mode: opdims.matlab.loops.column_dimensions_loops (location by location, the "
                   "relaxation run and get_neg_deltaFF through the trial loop, column-by-column removal)"),
                  f"largest |fval| difference opdims vs reference: {agree:.1e}",
                  "lower bound: about 8 N^2 flops per location / measured matrix-multiply rate"],
           "python benchmarks/bench_w4_columns.py")


if __name__ == "__main__":
    main()
