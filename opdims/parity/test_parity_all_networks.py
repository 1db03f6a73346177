"""Every original network (ctxt 1-20, swg 1-20), cheaply, against the original
code run under Octave (fixtures ``all_networks_forward`` and
``all_networks_local``, driver ``matlab_ref/fixture_all_networks.m``):

* a short noisy forward pass (4 trials x 200 steps, the original's noise
  replayed): outputs z at every step, states at 4 time points; 200 steps are
  short enough to hold to the kernel tolerance (ladder rung 1);
* at 3 states that pass reached: the s2 relaxation step (``all_trajs_org``),
  the local operative column dimension and its fval, and ``get_neg_deltaFF``
  of two fixed vectors as columns and rows, with and without earlier
  dimensions.
"""

import numpy as np
import pytest

import opdims
from opdims.parity.machinery import BACKEND_IDS, BACKENDS, KERNEL, backend_label, compare

NAMES = [f"{task}_net{k}" for task in ("ctxt", "swg") for k in range(1, 21)]
SIGMA = 0.1  # run_one_forwardPass's 'default' network noise


def prefix(name: str) -> str:
    """``ctxt_net7`` -> ``ctxt7`` (the fixtures' variable prefix, without ``_``)."""
    return name.replace("_net", "")


@pytest.fixture(scope="module")
def networks():
    """Original networks by name, each loaded (and its file's sha256 checked) once."""
    return {}


def network(networks, fx, name):
    if name not in networks:
        networks[name] = fx.original_network(prefix(name))
    return networks[name]


def states_at_locations(ff, fl, p):
    """The locations of ``all_networks_local`` (steps ``loc_t`` of trials
    ``loc_trial``): entries of the forward fixture's ``n_x_t_sub``, Octave's
    own states, as ``[3, N]``."""
    t_idx = ff["t_idx"].reshape(-1).astype(int)
    cols = [int(np.flatnonzero(t_idx == t)[0]) for t in fl["loc_t"].reshape(-1)]
    sub = ff[f"{p}_n_x_t_sub"]
    return np.stack([sub[:, c, int(trial) - 1] for c, trial in zip(cols, fl["loc_trial"].reshape(-1))])


@pytest.mark.parametrize("backend, device", BACKENDS, ids=BACKEND_IDS)
@pytest.mark.parametrize("name", NAMES)
def test_short_forward_pass(fixture_file, networks, name, backend, device):
    ff = fixture_file("all_networks_forward")
    net = network(networks, ff, name)
    p, task = prefix(name), name.split("_")[0]
    inputs = np.transpose(ff[f"{task}_inputs"], (2, 1, 0))  # [n_in, T, B] -> [B, T, n_in]
    ids = ff[f"{task}_conditionIds"].reshape(-1).astype(int)
    stream = ff.replay()
    stream.seed(1001)
    traj = opdims.simulate(net, inputs, ids, stream=stream, noise_sigma=SIGMA, backend=backend, device=device)
    assert stream.exhausted, "opdims drew less noise than the original"
    t_idx = ff["t_idx"].reshape(-1).astype(int) - 1
    label = backend_label(backend, device)
    compare("utils.run_one_forwardPass (200 steps, every network)", "opdims.core.simulate -> m_z_t", ff,
            np.transpose(traj.z, (2, 1, 0)), ff[f"{p}_m_z_t"], KERNEL, backend=label)
    compare("utils.run_one_forwardPass (200 steps, every network)", "opdims.core.simulate -> n_x_t at t_idx", ff,
            np.transpose(traj.x[:, t_idx, :], (2, 1, 0)), ff[f"{p}_n_x_t_sub"], KERNEL, backend=label)


@pytest.mark.parametrize("name", NAMES)
def test_relaxation_delta_f_and_column_dimensions(fixture_file, networks, name):
    ff, fl = fixture_file("all_networks_forward"), fixture_file("all_networks_local")
    p, task = prefix(name), name.split("_")[0]
    for key in ("source_sha256", "net_id"):
        assert np.array_equal(fl[f"{p}_{key}"], ff[f"{p}_{key}"]), f"{p}: the two fixtures name other networks"
    net = network(networks, fl, name)
    locs = states_at_locations(ff, fl, p)  # [3, N]

    compare("s2: relaxation run (all_trajs_org, every network)", "opdims.relax_step", fl,
            opdims.relax_step(net, locs).T, fl[f"{p}_next_state"], KERNEL)

    res = opdims.local_column_dimensions(net, locs)
    compare("s2 (columns): make_unit_length(W * tanh(loc)') (every network)",
            "opdims.local_column_dimensions -> dims", fl, res.dims[:, 0], fl[f"{p}_col_dims"], KERNEL)
    compare("s2 (columns): get_neg_deltaFF (every network)", "opdims.local_column_dimensions -> fvals", fl,
            res.fvals[:, :1], fl[f"{p}_col_fvals"], KERNEL)

    # get_neg_deltaFF(x0, dims_to_be_orth, ...): x0 made unit length, then
    # orthonormalised against the earlier dimensions (last column of QR)
    x0, orth = fl["x0"], fl["orth"]
    fvals = np.zeros((2, len(locs), 2, 2))
    for x in range(2):
        unit = x0[:, x] / np.linalg.norm(x0[:, x])
        for o, q in enumerate((unit, np.linalg.qr(np.column_stack([orth, unit]))[0][:, -1])):
            for t, dim_type in enumerate(("columns", "rows")):
                for loc in range(len(locs)):
                    fvals[x, loc, t, o] = -opdims.delta_f(net, locs[loc], q, dim_type)
    compare("utils.get_neg_deltaFF (every network)", f"opdims.delta_f ({task})", fl, fvals, fl[f"{p}_fval"], KERNEL)
