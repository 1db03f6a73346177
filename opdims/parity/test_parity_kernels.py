"""Deterministic kernels (ladder rung 1): vec, make_unit_length, dimension
removal, get_mse, get_state_distance_between_trajs."""

import numpy as np
import pytest

from opdims.matlab import utils, vec
from opdims.parity.machinery import KERNEL, compare


@pytest.fixture(scope="module")
def fx(fixture_file):
    return fixture_file("kernels")


def test_vec_and_make_unit_length(fx):
    compare("vec", "opdims.matlab.vec", fx, vec(fx["vec_in"]), fx["vec_out"], KERNEL)
    compare("utils.make_unit_length", "opdims.matlab.utils.make_unit_length", fx,
            utils.make_unit_length(fx["unit_in"]), fx["unit_out"], KERNEL)
    compare("utils.make_unit_length", "opdims.matlab.utils.make_unit_length", fx,
            utils.make_unit_length(fx["unit_in_row"]), fx["unit_out_row"], KERNEL)


@pytest.mark.parametrize("dim_type", ["columns", "rows"])
@pytest.mark.parametrize("kind", ["orth", "nonorth"])
def test_remove_dimension_from_weight_matrix(fx, dim_type, kind):
    dims = fx[f"rm_dims_{kind}"]
    expected = fx[f"rm_{dim_type}_{kind}"]
    counts = fx["rm_counts"].reshape(-1).astype(int)
    out = np.stack([utils.remove_dimension_from_weight_matrix(fx["rm_W"], dims[:, :c], dim_type) for c in counts],
                   axis=2)
    compare("utils.remove_dimension_from_weight_matrix", f"opdims.remove_dimensions ({dim_type}, {kind})", fx,
            out, expected, KERNEL)
    big = utils.remove_dimension_from_weight_matrix(fx["rm_W20"], fx["rm_dims20"], dim_type)
    compare("utils.remove_dimension_from_weight_matrix", f"opdims.remove_dimensions ({dim_type}, 15 of 20)", fx,
            big, fx[f"rm_{dim_type}20"], KERNEL)


def test_get_mse(fx):
    z, t = fx["mse_m_z_t"], fx["mse_targets"]
    compare("utils.get_mse", "opdims.mse ('all')", fx, utils.get_mse(z, t, "all"), fx.scalar("mse_all"), KERNEL)
    compare("utils.get_mse", "opdims.mse (trial ids)", fx, utils.get_mse(z, t, fx["mse_trial_ids"]),
            fx.scalar("mse_ids"), KERNEL)
    compare("utils.get_mse", "opdims.mse (one trial)", fx, utils.get_mse(z, t, fx["mse_trial_id_single"]),
            fx.scalar("mse_single"), KERNEL)


def test_get_state_distance_between_trajs(fx):
    compare("utils.get_state_distance_between_trajs", "opdims.state_distance", fx,
            utils.get_state_distance_between_trajs(fx["sd_A"], fx["sd_B"]), fx.scalar("sd_out"), KERNEL)
    compare("utils.get_state_distance_between_trajs", "opdims.state_distance (one state)", fx,
            utils.get_state_distance_between_trajs(fx["sd_A1"], fx["sd_B1"]), fx.scalar("sd_out1"), KERNEL)
