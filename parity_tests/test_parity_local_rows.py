"""Local operative row dimensions against the original's fminunc procedure
(ladder rung 4): whole greedy sequences are not comparable, so each step is
checked with the reference's own earlier dimensions as the constraint."""

import numpy as np
import pytest
from _parity import KERNEL, compare

import opdims
from opdims.exact_rows import best_row_dimension

CASES = [("local_rows_synth", "synthetic"), ("local_rows_ctxt_net1", "original")]


@pytest.mark.parametrize("name, kind", CASES)
def test_exact_step_reaches_the_reference_delta_f(fixture_file, name, kind):
    fx = fixture_file(name)
    net = fx.synthetic_network("net") if kind == "synthetic" else fx.original_network("net")
    locs = fx["sampling_locs"]
    ref_dims, ref_fvals = fx["local_op_dims"], fx["all_fvals"]  # [D, N, L], [D, L]
    n_found = fx["row_n_found"].reshape(-1).astype(int)
    trajs = fx["all_trajs_org"]
    compare("s2: relaxation run (all_trajs_org)", "opdims.relax_step", fx,
            opdims.relax_step(net, locs), trajs[:, 1, :].T, KERNEL)
    shortfall, same_optimum = [], []
    for loc in range(locs.shape[0]):
        for j in range(n_found[loc]):
            previous = ref_dims[:j, :, loc].T
            q, df = best_row_dimension(net, locs[loc], previous)
            ref_df = -ref_fvals[j, loc]
            # the reference's fval, recomputed from its dimension, agrees with what fminunc reported
            ref_q = ref_dims[j, :, loc]
            assert opdims.delta_f(net, locs[loc], ref_q, "rows") == pytest.approx(ref_df, rel=1e-6, abs=1e-12)
            shortfall.append(max(0.0, ref_df - df))
            if abs(df - ref_df) <= 1e-9 * max(1.0, ref_df):
                same_optimum.append(1 - abs(q @ ref_q))
    compare("s2 (rows): fminunc step given the reference's earlier dimensions",
            "opdims.exact_rows.best_row_dimension (Δf shortfall)", fx, np.array(shortfall),
            np.zeros(len(shortfall)), 1e-9, scale=1.0)
    if same_optimum:
        compare("s2 (rows): fminunc step, same optimum", "opdims.exact_rows.best_row_dimension (1 - abs(q'q_ref))",
                fx, np.array(same_optimum), np.zeros(len(same_optimum)), 1e-6, scale=1.0)
