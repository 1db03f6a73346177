import h5py
import numpy as np
import pytest

from opdims import condition_averages, condition_sampling_locations, locations_in_order, sampling_location_properties
from opdims.core.sampling import location_name


@pytest.mark.parametrize("task, n_locs, n_cond, n_t", [("ctxt", 120, 8, 15), ("swg", 121, 11, 11)])
def test_property_sizes_and_index_maps(task, n_locs, n_cond, n_t):
    p = sampling_location_properties(task)
    assert (p.n_locations, p.n_conditions, p.times_per_condition.size) == (n_locs, n_cond, n_t)
    pairs = {(p.condition_index(k), p.start_point_index(k)) for k in range(n_locs)}
    assert len(pairs) == n_cond * n_t == n_locs  # every (condition, time) exactly once
    for k in range(n_locs):
        assert p.times_per_condition[p.start_point_index(k)] == p.loc_times[k]
    with pytest.raises(IndexError, match=f"0..{n_locs - 1}"):
        p.name(n_locs)


def test_ctxt_location_order_and_conditions():
    p = sampling_location_properties("ctxt")
    assert p.loc_times[:4].tolist() == [1400, 1400, 1300, 1300]
    assert p.loc_times[28:32].tolist() == [1, 1, 1, 1]
    assert p.loc_contexts[:60].tolist() == [1] * 60 and p.loc_contexts[60:].tolist() == [2] * 60
    for k in range(120):
        c = p.condition_index(k)
        assert (p.condition_contexts[c], p.condition_sign_coh1[c], p.condition_sign_coh2[c]) == (
            p.loc_contexts[k], p.loc_sign_coh1[k], p.loc_sign_coh2[k])
    assert p.name(0) == "opt_dims_t1400Ctxt1Inps1_1"
    assert location_name("swg", 50, freq_id=6) == "opt_dims_t50Freq6"


@pytest.mark.parametrize("task", ["ctxt", "swg"])
def test_names_equal_the_authors_groups(original_data, task):
    p = sampling_location_properties(task)
    path = original_data / f"local_operative_dimensions/localOpDims_{task}_columns.h5"
    with h5py.File(path, "r") as f:
        groups = set(f)
        for k in range(p.n_locations):
            g = f[p.name(k)]
            assert g["t_start_point"][()].item() == p.loc_times[k]
            if task == "ctxt":
                assert (g["ctxt_id"][()].item(), g["signCoh1"][()].item(), g["signCoh2"][()].item()) == (
                    p.loc_contexts[k], p.loc_sign_coh1[k], p.loc_sign_coh2[k])
            else:
                assert g["freq_id"][()].item() == p.loc_freq_ids[k]
    assert groups == {p.name(k) for k in range(p.n_locations)}


def test_ctxt_condition_averages_select_by_context_and_signs():
    p = sampling_location_properties("ctxt")
    B, T, N = 6, 1400, 3
    x = np.arange(B, dtype=float)[:, None, None] * np.ones((B, T, N))
    ids = np.array([1, 1, 2, 2, 1, 2])
    coh = np.array([[0.1, 0.2], [0.3, 0.1], [0.1, 0.1], [-0.1, 0.2], [0.0, 0.1], [0.2, 0.2]])
    avg = condition_averages(x, p, condition_ids=ids, coherencies=coh)
    assert avg[0, 0, 0] == 0.5  # Ctxt1-pos-coh: trials 1 and 2 (trial 5 has zero coherency)
    assert avg[4, 0, 0] == 3.5  # Ctxt2-pos-coh: trials 3 and 6
    assert np.isnan(avg[1]).all()  # no trial: NaN, as MATLAB's mean of nothing
    locs = condition_sampling_locations(x, p, condition_ids=ids, coherencies=coh)
    assert locs.shape == (8, 15, 3)
    ordered = locations_in_order(locs, p)
    assert ordered.shape == (120, 3) and ordered[0, 0] == 0.5


def test_swg_condition_averages_need_two_trials():
    p = sampling_location_properties("swg")
    fids = np.repeat(np.arange(1, 52, 5), 2)
    x = np.random.default_rng(0).standard_normal((fids.size, 500, 2))
    locs = condition_sampling_locations(x, p, freq_ids=fids)
    np.testing.assert_allclose(locs[0, 0], x[:2, 0].mean(axis=0))
    with pytest.raises(ValueError, match=r"not enough trials for condition\(s\) Freq1 \(1\): each needs at least 2"):
        condition_averages(x[1:], p, freq_ids=fids[1:])
    with pytest.raises(ValueError, match="network type"):
        sampling_location_properties("sine")
