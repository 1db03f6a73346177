"""get_neg_deltaFF at random points, both dimension types, both tasks."""

import numpy as np
import pytest

from opdims.matlab import set_stream, utils
from opdims.parity.machinery import KERNEL, compare

NETS = [("sc_", "synthetic"), ("ss_", "synthetic"), ("oc_", "original"), ("os_", "original")]


def relax_params(fx, p, net, loc, ctxt_id, seed_run, task):
    """The s2 relaxation run that gives all_trajs_org (draws as the original)."""
    n_inputs = net.W_in.shape[1]
    params = {"sampling_loc": loc[None]}
    if task == "swg":
        ids, init = [1], loc[:, None]
    else:
        params["ctxt_id"] = ctxt_id
        ids, init = [ctxt_id, ctxt_id], np.column_stack([loc, loc])
    fp = utils.run_one_forwardPass(net.W_in, net.W, net.W_out, init, net.b_x[:, None], net.b_z[:, None],
                                   np.zeros((n_inputs, 1, 1)), ids, seed_run, 0)
    params["all_trajs_org"] = np.column_stack([fp.n_x0_1[:, 0], fp.n_x_t[:, 0]])
    return params


@pytest.mark.parametrize("p, kind", NETS)
def test_get_neg_deltaFF(fixture_file, p, kind):
    fx = fixture_file("deltaff")
    net = fx.synthetic_network(p[:-1]) if kind == "synthetic" else fx.original_network(p[:-1])
    task, seed_run = fx.text(p + "task"), int(fx.scalar(p + "seed_run"))
    old = set_stream(fx.replay())
    try:
        fvals = np.zeros((3, 2, 2, 2))
        trajs = np.zeros((net.n_units, 2, 2))
        for loc in range(2):
            ctxt_id = int(fx[p + "ctxt_ids"][0, loc]) if task == "ctxt" else None
            params = relax_params(fx, p, net, fx[p + "sampling_locs"][loc], ctxt_id, seed_run, task)
            trajs[:, :, loc] = params["all_trajs_org"]
            for t, dim_type in enumerate(("columns", "rows")):
                for o, orth in enumerate(([], fx[p + "orth"])):
                    for x in range(3):
                        fvals[x, loc, t, o] = utils.get_neg_deltaFF(
                            fx[p + "x0"][:, x:x + 1], orth, params, net.W_in, net.W, net.W_out,
                            net.b_x[:, None], net.b_z[:, None], dim_type, task)
    finally:
        set_stream(old)
    compare("utils.run_one_forwardPass (relaxation step)", "opdims.relax_step", fx, trajs, fx[p + "all_trajs_org"],
            KERNEL)
    compare("utils.get_neg_deltaFF", f"opdims.delta_f ({task}, {kind})", fx, fvals, fx[p + "fval"], KERNEL)
