"""The original's utility classes: ``UtilsSamplingLocs``, ``UtilsOpDims``, ``UtilsIO``."""

from __future__ import annotations

import numpy as np

from ... import io as _io
from ...errors import ValidationError
from ...global_dims import global_operative_dimensions
from ...sampling import (
    SamplingLocationProperties,
    condition_sampling_locations,
    location_name,
    sampling_location_properties,
)
from ...tasks import check_task
from .._convert import Struct, field, has_field, is_empty, to_core

# MATLAB field name -> core attribute, in the original's field order
_PROPS_FIELDS = {
    "swg": [("inpCond_names", "condition_names"), ("freq_idx_per_inpCond", "condition_freq_ids"),
            ("t_sampling_locs_per_cond", "times_per_condition"), ("t_start_pt_per_loc", "loc_times"),
            ("freq_idx_per_loc", "loc_freq_ids")],
    "ctxt": [("inpCond_names", "condition_names"), ("ctxt_per_inpCond", "condition_contexts"),
             ("signCoh1_per_inpCond", "condition_sign_coh1"), ("signCoh2_per_inpCond", "condition_sign_coh2"),
             ("t_sampling_locs_per_cond", "times_per_condition"), ("t_start_pt_per_loc", "loc_times"),
             ("ctxt_per_loc", "loc_contexts"), ("signCoh1_per_loc", "loc_sign_coh1"),
             ("signCoh2_per_loc", "loc_sign_coh2")],
}


def _row(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).reshape(1, -1)


def props_to_struct(props: SamplingLocationProperties) -> Struct:
    """Core properties as the original's struct (row vectors, names as a list)."""
    out = Struct()
    for matlab_name, core_name in _PROPS_FIELDS[props.task]:
        value = getattr(props, core_name)
        out[matlab_name] = list(value) if matlab_name == "inpCond_names" else _row(value)
    return out


def props_from_struct(struct) -> SamplingLocationProperties:
    """Core properties from the original's struct (dict or object)."""
    if isinstance(struct, SamplingLocationProperties):
        return struct
    task = "ctxt" if has_field(struct, "ctxt_per_loc") else "swg"
    kwargs = {"task": task, "min_trials": sampling_location_properties(task).min_trials}
    for matlab_name, core_name in _PROPS_FIELDS[task]:
        value = field(struct, matlab_name, "sampling_loc_props")
        if matlab_name == "inpCond_names":
            kwargs[core_name] = tuple(str(v) for v in np.asarray(value, dtype=object).reshape(-1))
        else:
            kwargs[core_name] = np.asarray(value).reshape(-1).astype(int)
    return SamplingLocationProperties(**kwargs)


def _scalar(value) -> int:
    return int(np.asarray(value).reshape(-1)[0])


class UtilsSamplingLocs:
    """Sampling-location helpers of the original (1-based location numbers)."""

    def get_sampling_location_properties(self, network_type):
        return props_to_struct(sampling_location_properties(network_type))

    def get_sampling_locs_on_condAvgTrajs_ctxt(self, network_activity, sampling_loc_props,
                                               conditionIds, coherencies_trial):
        """``[n_inpConds, n_units, n_t]`` from activity ``[N, T, trials]``."""
        props = props_from_struct(sampling_loc_props)
        locs = condition_sampling_locations(
            to_core(network_activity), props, condition_ids=np.asarray(conditionIds).reshape(-1),
            coherencies=np.asarray(coherencies_trial, dtype=float).T)
        return np.transpose(locs, (0, 2, 1))

    def get_sampling_locs_on_condAvgTrajs_swg(self, network_activity, sampling_loc_props, all_freq_ids):
        """``[n_inpConds, n_units, n_t]`` from activity ``[N, T, trials]``."""
        props = props_from_struct(sampling_loc_props)
        locs = condition_sampling_locations(to_core(network_activity), props,
                                            freq_ids=np.asarray(all_freq_ids).reshape(-1))
        return np.transpose(locs, (0, 2, 1))

    def map_optLocNr_to_startPtNr(self, opt_loc_nr, sampling_loc_props):
        return props_from_struct(sampling_loc_props).start_point_index(_scalar(opt_loc_nr) - 1) + 1

    def map_optLocNr_to_inpCondNr(self, opt_loc_nr, sampling_loc_props, network_type):
        check_task(network_type)
        return props_from_struct(sampling_loc_props).condition_index(_scalar(opt_loc_nr) - 1) + 1


class UtilsOpDims:
    """Operative-dimension helpers of the original."""

    def load_local_op_dims(self, inputfilename, n_units, sampling_loc_props, network_type):
        """``(all_local_op_dims [n_locs, n_units, n_units], all_fvals [n_locs, n_units])``."""
        check_task(network_type)
        props = props_from_struct(sampling_loc_props)
        return _io.load_local_operative_dimensions(inputfilename, props, int(n_units))

    def get_name_of_local_operative_dims(self, network_type, t_start_point, ctxt_id, signCoh1,
                                         signCoh2, freq_id):
        check_task(network_type)
        if network_type == "swg":
            return location_name("swg", t_start_point, freq_id=freq_id)
        if any(is_empty(v) for v in (ctxt_id, signCoh1, signCoh2)):
            raise ValidationError("ctxt location names need ctxt_id, signCoh1 and signCoh2")
        return location_name("ctxt", t_start_point, ctxt_id, signCoh1, signCoh2)

    def get_global_operative_dimensions(self, sampling_locs_to_combine, sampling_loc_props,
                                        all_local_op_dims, all_fvals_dims):
        """``(all_lSV [N, N], all_SVals [N, N] diagonal)``, as ``svd(L, 'econ')``."""
        props = None if is_empty(sampling_loc_props) else props_from_struct(sampling_loc_props)
        U, s = global_operative_dimensions(all_local_op_dims, all_fvals_dims, props,
                                           sampling_locs_to_combine)
        return U, np.diag(s)


class UtilsIO:
    """Input/output helpers of the original."""

    def load_weights(self, path_to_weights, net_id):
        """``(n_Wru_v [N, n_in], n_Wrr_n [N, N], m_Wzr_n [n_out, N], n_x0_c [N, n_ctx], n_bx_1 [N, 1],
        m_bz_1 [n_out, 1])`` of network ``net_id``'s final weights (an .h5 in the authors' layout or a
        .mat; the format is read from the file's header)."""
        net = _io.load_network(path_to_weights, _scalar(net_id))
        return (net.W_in.copy(), net.W.copy(), net.W_out.copy(), net.x0.copy(),
                net.b_x.reshape(-1, 1).copy(), net.b_z.reshape(-1, 1).copy())

    def save_to_hdf5(self, outputfilename, group_name, my_data):
        """Store every field of ``my_data`` (struct or dict, MATLAB orientation) as
        ``/<group_name>/<field>``: float64, gzip 9, one chunk per dataset, as ``h5create``/``h5write``.
        Creates the file or adds to it; an existing dataset is an error."""
        _io.save_to_hdf5(outputfilename, group_name, my_data)
