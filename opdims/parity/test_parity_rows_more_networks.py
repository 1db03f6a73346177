"""Local operative row dimensions on more original networks against the
original's fminunc procedure (ladder rung 4; driver
``matlab_ref/fixture_local_rows_more_networks.m``): at two states each
network's short forward pass reached, every greedy step is checked with the
reference's own earlier dimensions as the constraint. opdims' exact solver
must reach the reference's Δf (to 1e-9) and, where both found the same
optimum, the same direction up to sign. fminunc (TolX 1e-6) stops about 1e-8
short of an optimum, so "the same optimum" means the reference's Δf is within
1e-6 (relative) of opdims' (``ROW_SAME_OPTIMUM``); elsewhere fminunc stopped
further short, or at another, weaker local optimum, and only the Δf check
applies."""

import numpy as np
import pytest

import opdims
from opdims.dims.exact_rows import best_row_dimension
from opdims.parity.machinery import KERNEL, ROW_DIRECTION, ROW_SAME_OPTIMUM, ROW_SHORTFALL, compare

NAMES = [f"{task}_net{k}" for task in ("ctxt", "swg") for k in (2, 7, 12, 17)]


@pytest.mark.parametrize("name", NAMES)
def test_rows_step_by_step(fixture_file, name):
    fx = fixture_file(f"local_rows_{name}")
    net = fx.original_network("net")
    locs = fx["sampling_locs"]  # [L, N]
    ref_dims, ref_fvals = fx["local_op_dims"], fx["all_fvals"]  # [D, N, L], [D, L]
    n_found = fx["row_n_found"].reshape(-1).astype(int)

    # the locations are the states of the short forward pass in all_networks_forward
    ff = fixture_file("all_networks_forward")
    p = name.replace("_net", "")
    assert ff.text(f"{p}_source_sha256") == fx.text("net_source_sha256")
    t_idx = list(ff["t_idx"].reshape(-1).astype(int))
    for loc, (t, trial) in enumerate(zip(fx["loc_t"].reshape(-1), fx["loc_trial"].reshape(-1))):
        assert np.array_equal(locs[loc], ff[f"{p}_n_x_t_sub"][:, t_idx.index(int(t)), int(trial) - 1])

    compare("s2: relaxation run (all_trajs_org)", "opdims.relax_step", fx,
            opdims.relax_step(net, locs), fx["all_trajs_org"][:, 1, :].T, KERNEL)
    shortfall, same_optimum, recomputed, deficits = [], [], [], []
    for loc in range(locs.shape[0]):
        for j in range(n_found[loc]):
            q, df = best_row_dimension(net, locs[loc], ref_dims[:j, :, loc].T)
            ref_q, ref_df = ref_dims[j, :, loc], -ref_fvals[j, loc]
            # Δf of the reference's own dimension, as fminunc reported it
            recomputed.append((opdims.delta_f(net, locs[loc], ref_q, "rows"), ref_df))
            shortfall.append(max(0.0, ref_df - df))
            if abs(df - ref_df) <= ROW_SAME_OPTIMUM * df:
                same_optimum.append(1 - abs(q @ ref_q))
            else:
                deficits.append((df - ref_df) / df)
    # shown with pytest -s: how often fminunc reached opdims' optimum
    print(f"\n{name}: {len(shortfall)} steps, {len(same_optimum)} at the same optimum "
          f"(largest 1 - |q'q_ref| {max(same_optimum, default=0.0):.2g}), {len(deficits)} elsewhere "
          f"(reference Δf lower by up to {max(deficits, default=0.0):.2g}, relative)")
    recomputed = np.array(recomputed)
    compare("s2 (rows): get_neg_deltaFF of fminunc's dimension", "opdims.delta_f (rows)", fx,
            recomputed[:, 0], recomputed[:, 1], KERNEL)
    compare("s2 (rows): fminunc step given the reference's earlier dimensions",
            "opdims.dims.exact_rows.best_row_dimension (Δf shortfall)", fx, np.array(shortfall),
            np.zeros(len(shortfall)), ROW_SHORTFALL, scale=1.0)
    assert same_optimum, "fminunc reached none of opdims' optima: nothing to compare directions with"
    compare("s2 (rows): fminunc step, same optimum", "opdims.dims.exact_rows.best_row_dimension (1 - abs(q'q_ref))",
            fx, np.array(same_optimum), np.zeros(len(same_optimum)), ROW_DIRECTION, scale=1.0)
