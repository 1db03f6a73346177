"""Sampling-location properties, index maps and names (exact)."""

import numpy as np
import pytest

from opdims.matlab import utils
from opdims.parity.machinery import compare


@pytest.fixture(scope="module")
def fx(fixture_file):
    return fixture_file("sampling_props")


@pytest.mark.parametrize("task", ["ctxt", "swg"])
def test_get_sampling_location_properties_every_field_in_order(fx, task):
    props = utils.UtilsSamplingLocs().get_sampling_location_properties(task)
    assert props.fields() == fx.texts(f"{task}_props_fields")
    for name in props.fields():
        expected = fx[f"{task}_props_{name}"]
        if name == "inpCond_names":
            assert list(props[name]) == fx.texts(f"{task}_props_{name}")
        else:
            compare("UtilsSamplingLocs.get_sampling_location_properties", f"sampling_location_properties().{name}",
                    fx, props[name], expected, 0.0)


@pytest.mark.parametrize("task", ["ctxt", "swg"])
def test_index_maps_and_names_for_every_location(fx, task):
    usl, uod = utils.UtilsSamplingLocs(), utils.UtilsOpDims()
    props = usl.get_sampling_location_properties(task)
    n = props.t_start_pt_per_loc.size
    start = [usl.map_optLocNr_to_startPtNr(k, props) for k in range(1, n + 1)]
    cond = [usl.map_optLocNr_to_inpCondNr(k, props, task) for k in range(1, n + 1)]
    compare("UtilsSamplingLocs.map_optLocNr_to_startPtNr", "SamplingLocationProperties.start_point_index", fx,
            np.array(start)[None], fx[f"{task}_start_pt_nr"], 0.0)
    compare("UtilsSamplingLocs.map_optLocNr_to_inpCondNr", "SamplingLocationProperties.condition_index", fx,
            np.array(cond)[None], fx[f"{task}_inpCond_nr"], 0.0)
    names = []
    for k in range(n):
        if task == "ctxt":
            names.append(uod.get_name_of_local_operative_dims(
                task, props.t_start_pt_per_loc[0, k], props.ctxt_per_loc[0, k], props.signCoh1_per_loc[0, k],
                props.signCoh2_per_loc[0, k], []))
        else:
            names.append(uod.get_name_of_local_operative_dims(task, props.t_start_pt_per_loc[0, k], [], [], [],
                                                              props.freq_idx_per_loc[0, k]))
    expected = fx.texts(f"{task}_dim_names")
    mismatches = sum(a != b for a, b in zip(names, expected))
    compare("UtilsOpDims.get_name_of_local_operative_dims", "SamplingLocationProperties.name", fx,
            mismatches, 0, 0.0, scale=1.0)
    assert names == expected
