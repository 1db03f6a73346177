"""Regression snapshot (pytest-regressions) of a small seeded end-to-end run.

The stored numbers came from opdims itself: this guards against unintended
changes, it does not prove correctness (the parity suite does that).
"""

import numpy as np
from synthetic import random_network

import opdims


def test_end_to_end_snapshot(ndarrays_regression):
    net = random_network(12, n_in=5, n_out=1, n_ctx=2, seed=11, gain=0.9)
    trials = opdims.context_integration_trials(1, True, opdims.MatlabTwisterStream(1000))
    traj = opdims.simulate(net, trials.inputs, trials.condition_ids, stream=opdims.MatlabTwisterStream(1001))
    props = opdims.sampling_location_properties("ctxt")
    cond_locs = opdims.condition_sampling_locations(traj.x, props, condition_ids=trials.condition_ids,
                                                    coherencies=trials.coherencies)
    locs = opdims.locations_in_order(cond_locs, props)
    valid = ~np.isnan(locs).any(axis=1)
    local = opdims.local_column_dimensions(net, locs[valid])
    U, s = opdims.global_operative_dimensions(local.dims, local.fvals)
    sweep = opdims.rank_sweep(net, U, "columns", trials.inputs, trials.condition_ids, trials.targets,
                              stream=opdims.MatlabTwisterStream(1001))
    ndarrays_regression.check(
        {
            "singular_values": s,
            "cost": sweep.cost,
            "state_distance": sweep.state_distance,
            "first_fvals": np.resize(local.fvals[:, 0], 12),
        },
        default_tolerance=dict(rtol=1e-9, atol=1e-12),
    )
