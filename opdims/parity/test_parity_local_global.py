"""Local operative column dimensions, condition-average sampling locations,
and global operative dimensions for every subset option."""

import numpy as np
import pytest

import opdims
from opdims.data.sources import original_data_dir
from opdims.matlab import set_stream, utils
from opdims.parity.machinery import KERNEL, LONG_NOISY, SINGULAR_VALUES, compare, compare_up_to_sign

NETS = [("sc_", "synthetic"), ("ss_", "synthetic"), ("oc_", "original"), ("os_", "original")]


@pytest.mark.parametrize("p, kind", NETS)
def test_local_column_dimensions(fixture_file, p, kind):
    fx = fixture_file("local_columns")
    net = fx.synthetic_network(p[:-1]) if kind == "synthetic" else fx.original_network(p[:-1])
    res = opdims.local_column_dimensions(net, fx[p + "sampling_locs"])
    compare("s2 (columns): make_unit_length(W * tanh(loc)')", "opdims.local_column_dimensions -> dims", fx,
            res.dims[:, 0], fx[p + "local_op_dims"], KERNEL)
    compare("s2 (columns): get_neg_deltaFF", "opdims.local_column_dimensions -> fvals", fx,
            res.fvals[:, :1], fx[p + "all_fvals"], KERNEL)
    trajs = fx[p + "all_trajs_org"]  # [N, 2, L]
    compare("s2: relaxation run (all_trajs_org)", "opdims.relax_step", fx,
            np.stack([res.locations, res.next_states], axis=1).transpose(2, 1, 0), trajs, KERNEL)
    if kind == "original":
        props = opdims.sampling_location_properties(fx.text(p + "task"))
        names = [props.name(k - 1) for k in fx[p + "loc_nrs"].reshape(-1).astype(int)]
        assert names == fx.texts(p + "loc_names")


def test_swg_condition_average_sampling_locations(fixture_file):
    fx = fixture_file("swg_condavg_synth")
    net = fx.synthetic_network("net")
    old = set_stream(fx.replay())
    try:
        _, freq_ids, inputs, _, _ = utils.input_generation.InputGeneratorSWG(
        ).get_sine_wave_generator_inputOutputDataset(int(fx.scalar("n_trials_dataset")))
        trials = fx["trial_ids"][0].astype(int) - 1
        compare("InputGeneratorSWG (randsample ids)", "sine_wave_trials", fx, freq_ids[trials], fx["all_freq_ids"], 0.0)
        w = (net.W_in, net.W, net.W_out, net.x0, net.b_x[:, None], net.b_z[:, None])
        fp = utils.run_one_forwardPass(*w, fx["inputs"], fx["conditionIds"], 1001, "default")
    finally:
        set_stream(old)
    usl = utils.UtilsSamplingLocs()
    locs = usl.get_sampling_locs_on_condAvgTrajs_swg(fp.n_x_t, usl.get_sampling_location_properties("swg"),
                                                     fx["all_freq_ids"])
    compare("UtilsSamplingLocs.get_sampling_locs_on_condAvgTrajs_swg", "opdims.condition_sampling_locations", fx,
            locs, fx["sampling_locs"], LONG_NOISY)


@pytest.mark.parametrize("task", ["ctxt", "swg"])
def test_global_operative_dimensions_every_subset(fixture_file, task):
    fx = fixture_file("global_dims")
    uod, usl = utils.UtilsOpDims(), utils.UtilsSamplingLocs()
    props = usl.get_sampling_location_properties(task)
    dims, fvals = fx[f"{task}_all_local_op_dims"], fx[f"{task}_all_fvals"]
    for subset in fx.texts(f"{task}_subsets"):
        U, S = uod.get_global_operative_dimensions(subset, props, dims, fvals)
        expected_S = fx[f"{task}_{subset}_singular_values"]
        compare("UtilsOpDims.get_global_operative_dimensions", f"opdims.global_operative_dimensions ({subset}) -> S",
                fx, S, expected_S, SINGULAR_VALUES)
        s = np.diag(expected_S)
        significant = s > s[0] * 1e-8  # directions of (numerically) zero singular value are arbitrary
        compare_up_to_sign("UtilsOpDims.get_global_operative_dimensions",
                           f"opdims.global_operative_dimensions ({subset}) -> U", fx,
                           U[:, significant], fx[f"{task}_{subset}_global_op_dims"][:, significant],
                           SINGULAR_VALUES * 1e2, singular_values=s[significant])


@pytest.mark.parametrize("task", ["ctxt", "swg"])
def test_load_local_op_dims_reads_the_authors_file_exactly(fixture_file, task):
    fx = fixture_file("global_dims")
    root = original_data_dir()
    if root is None:
        pytest.skip("needs the authors' local-dimension files")
    path = root / f"local_operative_dimensions/localOpDims_{task}_columns.h5"
    props = utils.UtilsSamplingLocs().get_sampling_location_properties(task)
    dims, fvals = utils.UtilsOpDims().load_local_op_dims(str(path), 100, props, task)
    compare("UtilsOpDims.load_local_op_dims", "opdims.io.load_local_operative_dimensions", fx, dims,
            fx[f"{task}_all_local_op_dims"], 0.0)
    compare("UtilsOpDims.load_local_op_dims", "opdims.io.load_local_operative_dimensions", fx, fvals,
            fx[f"{task}_all_fvals"], 0.0)
