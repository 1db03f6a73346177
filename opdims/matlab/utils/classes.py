"""The original's utility classes: ``UtilsSamplingLocs``, ``UtilsOpDims``, ``UtilsIO``."""

from __future__ import annotations

import numpy as np

from ... import io as _io
from ...core.errors import ValidationError
from ...core.sampling import (
    SamplingLocationProperties,
    condition_sampling_locations,
    location_name,
    sampling_location_properties,
)
from ...core.validation import check_task
from ...dims.global_dims import global_operative_dimensions
from ..convert import Struct, field, has_field, is_empty, scalar, to_core

__all__ = ["UtilsIO", "UtilsOpDims", "UtilsSamplingLocs", "props_from_struct", "props_to_struct"]

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
    """Convert core sampling-location properties to the original's struct.

    Parameters
    ----------
    props : opdims.SamplingLocationProperties
        Properties of ctxt or swg (:func:`opdims.sampling_location_properties`).

    Returns
    -------
    Struct
        The original's fields (``inpCond_names`` a list, the others ``[1, n]`` rows).

    Examples
    --------
    >>> import opdims
    >>> from opdims.matlab.utils.classes import props_to_struct
    >>> props_to_struct(opdims.sampling_location_properties("swg")).freq_idx_per_inpCond
    array([[ 1.,  6., 11., 16., 21., 26., 31., 36., 41., 46., 51.]])
    """
    out = Struct()
    for matlab_name, core_name in _PROPS_FIELDS[props.task]:
        value = getattr(props, core_name)
        out[matlab_name] = list(value) if matlab_name == "inpCond_names" else _row(value)
    return out


def props_from_struct(struct) -> SamplingLocationProperties:
    """Convert the original's sampling-location struct to core properties.

    Parameters
    ----------
    struct : Struct, dict or opdims.SamplingLocationProperties
        The original's struct (as
        :meth:`UtilsSamplingLocs.get_sampling_location_properties` returns
        it, or any object or dict with its fields); core properties pass
        through unchanged. The task is ctxt if it has ``ctxt_per_loc``.

    Returns
    -------
    opdims.SamplingLocationProperties
        The properties.

    Raises
    ------
    KeyError
        If a field is missing.

    Examples
    --------
    >>> from opdims.matlab import utils
    >>> from opdims.matlab.utils.classes import props_from_struct
    >>> props = utils.UtilsSamplingLocs().get_sampling_location_properties("ctxt")
    >>> props_from_struct(props).n_locations
    120
    """
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
    """Sampling-location helpers of the original ``+utils/UtilsSamplingLocs.m``.

    Location and condition numbers are 1-based, arrays in MATLAB
    orientation; each method calls one core function (named in its
    docstring).

    Examples
    --------
    >>> from opdims.matlab import utils
    >>> USL = utils.UtilsSamplingLocs()
    >>> props = USL.get_sampling_location_properties("ctxt")
    >>> USL.map_optLocNr_to_inpCondNr(30, props, "ctxt"), USL.map_optLocNr_to_startPtNr(30, props)
    (2, 1)
    """

    def get_sampling_location_properties(self, network_type):
        """Return where the original's sampling locations of a task lie.

        One call of :func:`opdims.sampling_location_properties`, converted to
        the original's struct.

        Parameters
        ----------
        network_type : str
            ``'ctxt'`` (8 input conditions x 15 times: 120 locations) or
            ``'swg'`` (11 x 11: 121).

        Returns
        -------
        Struct
            ``inpCond_names`` (list of str), ``t_sampling_locs_per_cond``
            ``[1, n_t]`` (1-based steps), ``t_start_pt_per_loc [1, L]``;
            swg: ``freq_idx_per_inpCond``, ``freq_idx_per_loc``; ctxt:
            ``ctxt_per_inpCond``, ``signCoh1_per_inpCond``,
            ``signCoh2_per_inpCond``, ``ctxt_per_loc``, ``signCoh1_per_loc``,
            ``signCoh2_per_loc``.

        Raises
        ------
        ValueError
            For a ``network_type`` other than ``'ctxt'`` and ``'swg'``.

        Examples
        --------
        >>> from opdims.matlab import utils
        >>> props = utils.UtilsSamplingLocs().get_sampling_location_properties("swg")
        >>> props.inpCond_names[:3], props.t_start_pt_per_loc.shape
        (['Freq1', 'Freq6', 'Freq11'], (1, 121))
        """
        return props_to_struct(sampling_location_properties(network_type))

    def get_sampling_locs_on_condAvgTrajs_ctxt(self, network_activity, sampling_loc_props,
                                               conditionIds, coherencies_trial):
        """Return the ctxt sampling locations: states on the condition-average trajectories.

        One call of :func:`opdims.condition_sampling_locations`, axes
        reordered to the original's.

        Parameters
        ----------
        network_activity : array_like
            States ``[N, T, trials]``.
        sampling_loc_props : Struct or dict
            The ctxt properties
            (:meth:`get_sampling_location_properties`).
        conditionIds : array_like of int
            ``[1, trials]``: 1-based context of each trial.
        coherencies_trial : array_like
            ``[2, trials]``: coherency of sensory inputs 1 and 2 per trial.

        Returns
        -------
        numpy.ndarray
            ``[n_inpConds, N, n_t]`` (8, N, 15): the condition-average state
            at each sampled step; NaN for a condition without trials.

        Raises
        ------
        ValueError
            For arrays of inconsistent sizes.

        Examples
        --------
        >>> import numpy as np
        >>> from opdims.matlab import rng, utils
        >>> USL = utils.UtilsSamplingLocs()
        >>> weights = np.random.default_rng(0).standard_normal((3, 9))  # a 3-unit ctxt network
        >>> n_Wru_v, n_Wrr_n, m_Wzr_n = weights[:, :5], weights[:, 5:8] / 2, weights[:, 8:].T
        >>> n_x0_c, n_bx_1, m_bz_1 = np.zeros((3, 2)), np.zeros((3, 1)), np.zeros((1, 1))
        >>> rng(1000)
        >>> coherencies_trial, conditionIds, inputs, targets = (
        ...     utils.input_generation.InputGeneratorCtxt().get_ctxt_dep_integrator_inputOutputDataset(5, 1))
        >>> fp = utils.run_one_forwardPass(n_Wru_v, n_Wrr_n, m_Wzr_n, n_x0_c, n_bx_1, m_bz_1,
        ...                                inputs, conditionIds, 1001, "default")
        >>> props = USL.get_sampling_location_properties("ctxt")
        >>> USL.get_sampling_locs_on_condAvgTrajs_ctxt(fp.n_x_t, props, conditionIds, coherencies_trial).shape
        (8, 3, 15)
        """
        props = props_from_struct(sampling_loc_props)
        locs = condition_sampling_locations(
            to_core(network_activity), props, condition_ids=np.asarray(conditionIds).reshape(-1),
            coherencies=np.asarray(coherencies_trial, dtype=float).T)
        return np.transpose(locs, (0, 2, 1))

    def get_sampling_locs_on_condAvgTrajs_swg(self, network_activity, sampling_loc_props, all_freq_ids):
        """Return the swg sampling locations: states on the condition-average trajectories.

        One call of :func:`opdims.condition_sampling_locations`, axes
        reordered to the original's.

        Parameters
        ----------
        network_activity : array_like
            States ``[N, T, trials]``.
        sampling_loc_props : Struct or dict
            The swg properties
            (:meth:`get_sampling_location_properties`).
        all_freq_ids : array_like of int
            ``[trials, 1]``: frequency id (1..51) of each trial.

        Returns
        -------
        numpy.ndarray
            ``[n_inpConds, N, n_t]`` (11, N, 11): the condition-average state
            at each sampled step.

        Raises
        ------
        ValueError
            For arrays of inconsistent sizes, or a condition with fewer than
            2 trials (as the original).

        Examples
        --------
        >>> import numpy as np
        >>> from opdims.matlab import utils
        >>> USL = utils.UtilsSamplingLocs()
        >>> weights = np.random.default_rng(0).standard_normal((3, 5))  # a 3-unit swg network
        >>> n_Wru_v, n_Wrr_n, m_Wzr_n = weights[:, :1], weights[:, 1:4] / 2, weights[:, 4:].T
        >>> n_x0_c, n_bx_1, m_bz_1 = np.zeros((3, 1)), np.zeros((3, 1)), np.zeros((1, 1))
        >>> _, all_freq_ids, inputs, _, conditionIds = (
        ...     utils.input_generation.InputGeneratorSWG().get_sine_wave_generator_inputOutputDataset(510))
        >>> fp = utils.run_one_forwardPass(n_Wru_v, n_Wrr_n, m_Wzr_n, n_x0_c, n_bx_1, m_bz_1,
        ...                                inputs, conditionIds, 1001, "default")
        >>> props = USL.get_sampling_location_properties("swg")
        >>> USL.get_sampling_locs_on_condAvgTrajs_swg(fp.n_x_t, props, all_freq_ids).shape
        (11, 3, 11)
        """
        props = props_from_struct(sampling_loc_props)
        locs = condition_sampling_locations(to_core(network_activity), props,
                                            freq_ids=np.asarray(all_freq_ids).reshape(-1))
        return np.transpose(locs, (0, 2, 1))

    def map_optLocNr_to_startPtNr(self, opt_loc_nr, sampling_loc_props):
        """Return the sampled time of a location, as its number among ``t_sampling_locs_per_cond``.

        One call of :meth:`opdims.SamplingLocationProperties.start_point_index`, 1-based.

        Parameters
        ----------
        opt_loc_nr : int
            1-based location number.
        sampling_loc_props : Struct or dict
            The task's properties (:meth:`get_sampling_location_properties`).

        Returns
        -------
        int
            1-based index into ``t_sampling_locs_per_cond``.

        Raises
        ------
        IndexError
            For a location number out of range.

        Examples
        --------
        >>> from opdims.matlab import utils
        >>> USL = utils.UtilsSamplingLocs()
        >>> USL.map_optLocNr_to_startPtNr(1, USL.get_sampling_location_properties("ctxt"))  # ctxt's order
        15
        """
        return props_from_struct(sampling_loc_props).start_point_index(_scalar(opt_loc_nr) - 1) + 1

    def map_optLocNr_to_inpCondNr(self, opt_loc_nr, sampling_loc_props, network_type):
        """Return the input condition a location lies on.

        One call of :meth:`opdims.SamplingLocationProperties.condition_index`, 1-based.

        Parameters
        ----------
        opt_loc_nr : int
            1-based location number.
        sampling_loc_props : Struct or dict
            The task's properties (:meth:`get_sampling_location_properties`).
        network_type : str
            ``'ctxt'`` or ``'swg'`` (checked only).

        Returns
        -------
        int
            1-based input condition (index into ``inpCond_names``).

        Raises
        ------
        ValueError
            For an unknown ``network_type``.
        IndexError
            For a location number out of range.

        Examples
        --------
        >>> from opdims.matlab import utils
        >>> USL = utils.UtilsSamplingLocs()
        >>> USL.map_optLocNr_to_inpCondNr(121, USL.get_sampling_location_properties("swg"), "swg")
        11
        """
        check_task(network_type)
        return props_from_struct(sampling_loc_props).condition_index(_scalar(opt_loc_nr) - 1) + 1


class UtilsOpDims:
    """Operative-dimension helpers of the original ``+utils/UtilsOpDims.m``.

    Each method calls one core function (named in its docstring).

    Examples
    --------
    >>> from opdims.matlab import utils
    >>> utils.UtilsOpDims().get_name_of_local_operative_dims("swg", 50, [], [], [], 6)
    'opt_dims_t50Freq6'
    """

    def load_local_op_dims(self, inputfilename, n_units, sampling_loc_props, network_type):
        """Read the local operative dimensions at every sampling location of a file.

        One call of :func:`opdims.io.load_local_operative_dimensions`.

        Parameters
        ----------
        inputfilename : str or path
            A file in the authors' layout (as ``s2`` writes it).
        n_units : int
            The network's number of units N.
        sampling_loc_props : Struct or dict
            The task's properties (:meth:`UtilsSamplingLocs.get_sampling_location_properties`).
        network_type : str
            ``'ctxt'`` or ``'swg'`` (checked only).

        Returns
        -------
        all_local_op_dims : numpy.ndarray
            ``[n_locs, N, N]``: dimension j of location l is
            ``all_local_op_dims[l, j, :]``; NaN where the file holds none.
        all_fvals : numpy.ndarray
            ``[n_locs, N]``: the fval (``-delta f``) of each dimension; NaN
            where none was computed.

        Raises
        ------
        ValueError
            For an unknown ``network_type``, or a file that is not in the
            authors' layout, lacks a location or has another number of units.
        FileNotFoundError
            If the file does not exist.

        Examples
        --------
        >>> import numpy as np
        >>> import opdims
        >>> rng = np.random.default_rng(0)
        >>> net = opdims.Network(W_in=rng.standard_normal((3, 1)), W=rng.standard_normal((3, 3)) / 2,
        ...                      W_out=rng.standard_normal((1, 3)), x0=np.zeros((3, 1)), b_x=np.zeros(3),
        ...                      b_z=np.zeros(1))
        >>> from opdims.matlab.scripts import s2_local_operative_dimensions
        >>> from opdims.matlab import utils
        >>> _ = s2_local_operative_dimensions(net, "swg").save("localOpDims_swg_columns.h5")
        >>> UOD, USL = utils.UtilsOpDims(), utils.UtilsSamplingLocs()
        >>> props = USL.get_sampling_location_properties("swg")
        >>> all_local_op_dims, all_fvals = UOD.load_local_op_dims("localOpDims_swg_columns.h5", 3, props, "swg")
        >>> all_local_op_dims.shape, all_fvals.shape
        ((121, 3, 3), (121, 3))
        """
        check_task(network_type)
        props = props_from_struct(sampling_loc_props)
        return _io.load_local_operative_dimensions(inputfilename, props, int(scalar(n_units, "n_units")))

    def get_name_of_local_operative_dims(self, network_type, t_start_point, ctxt_id, signCoh1,
                                         signCoh2, freq_id):
        """Return the HDF5 group name of a sampling location.

        One call of :func:`opdims.core.sampling.location_name`.

        Parameters
        ----------
        network_type : str
            ``'ctxt'`` or ``'swg'``.
        t_start_point : int
            1-based time step of the location.
        ctxt_id : int or empty
            ctxt: the context (1 or 2); ignored for swg.
        signCoh1 : int or empty
            ctxt: sign of the coherency of sensory input 1 (-1 or 1).
        signCoh2 : int or empty
            ctxt: sign of the coherency of sensory input 2.
        freq_id : int or empty
            swg: the frequency id (1..51); ignored for ctxt.

        Returns
        -------
        str
            ``opt_dims_t<T>Ctxt<c>Inps<s1>_<s2>`` (ctxt) or ``opt_dims_t<T>Freq<f>`` (swg).

        Raises
        ------
        ValueError
            For an unknown ``network_type``, or a ctxt location without
            ``ctxt_id``, ``signCoh1`` and ``signCoh2``.

        Examples
        --------
        >>> from opdims.matlab import utils
        >>> utils.UtilsOpDims().get_name_of_local_operative_dims("ctxt", 100, 2, -1, 1, [])
        'opt_dims_t100Ctxt2Inps-1_1'
        """
        check_task(network_type)
        if network_type == "swg":
            return location_name("swg", t_start_point, freq_id=freq_id)
        if any(is_empty(v) for v in (ctxt_id, signCoh1, signCoh2)):
            raise ValidationError("ctxt location names need ctxt_id, signCoh1 and signCoh2")
        return location_name("ctxt", t_start_point, ctxt_id, signCoh1, signCoh2)

    def get_global_operative_dimensions(self, sampling_locs_to_combine, sampling_loc_props,
                                        all_local_op_dims, all_fvals_dims):
        """Return the global operative dimensions: left singular vectors of the local ones.

        One call of :func:`opdims.global_operative_dimensions`, the singular
        values as a diagonal matrix as ``svd(L, 'econ')`` returns them.

        Parameters
        ----------
        sampling_locs_to_combine : str
            Which locations to combine: ``'all'``, or for ctxt ``'ctxt1'``,
            ``'ctxt2'``, ``'allPosChoice'``, ``'allNegChoice'``.
        sampling_loc_props : Struct, dict or empty
            The task's properties (:meth:`UtilsSamplingLocs.get_sampling_location_properties`);
            may be empty for ``'all'``.
        all_local_op_dims : array_like
            ``[n_locs, N, N]`` local dimensions (as :meth:`load_local_op_dims` returns them).
        all_fvals_dims : array_like
            ``[n_locs, N]`` their fvals, NaN where none was computed.

        Returns
        -------
        all_lSV : numpy.ndarray
            ``[N, N]``: the global operative dimensions as columns, ordered by singular value.
        all_SVals : numpy.ndarray
            ``[N, N]``: diagonal, the singular values of the matrix of local
            dimensions scaled by their fvals, descending.

        Raises
        ------
        ValueError
            For an unknown subset, arrays of inconsistent shapes, or no
            computed local dimension.

        Examples
        --------
        >>> import numpy as np
        >>> from opdims.matlab import utils
        >>> all_local_op_dims = np.array([[[1.0, 0.0], [np.nan, np.nan]], [[0.0, 1.0], [np.nan, np.nan]]])
        >>> all_fvals = np.array([[-2.0, np.nan], [-1.0, np.nan]])
        >>> all_lSV, all_SVals = utils.UtilsOpDims().get_global_operative_dimensions(
        ...     "all", [], all_local_op_dims, all_fvals)
        >>> np.diag(all_SVals)
        array([2., 1.])
        """
        props = None if is_empty(sampling_loc_props) else props_from_struct(sampling_loc_props)
        U, s = global_operative_dimensions(all_local_op_dims, all_fvals_dims, props,
                                           sampling_locs_to_combine)
        return U, np.diag(s)


class UtilsIO:
    """Input/output helpers of the original ``+utils/UtilsIO.m``.

    Each method calls one core function (named in its docstring).

    Examples
    --------
    >>> import opdims
    >>> from opdims.matlab import utils
    >>> UIO = utils.UtilsIO()
    >>> n_Wru_v, n_Wrr_n, m_Wzr_n, n_x0_c, n_bx_1, m_bz_1 = UIO.load_weights(opdims.default_weights("ctxt"), 1)
    >>> n_Wrr_n.shape, n_x0_c.shape
    ((100, 100), (100, 2))
    """

    def load_weights(self, path_to_weights, net_id):
        """Read the final weights of one network.

        One call of :func:`opdims.io.load_network`, the arrays in the
        original's orientation.

        Parameters
        ----------
        path_to_weights : str or path
            An ``.h5`` file in the authors' layout (``/NetNr<k>/final/...``)
            or a ``.mat`` file; the format is read from the file's header.
        net_id : int
            The network: the ``k`` of ``/NetNr<k>``.

        Returns
        -------
        n_Wru_v : numpy.ndarray
            Input weights ``[N, n_inputs]``.
        n_Wrr_n : numpy.ndarray
            Recurrent weights ``[N, N]``.
        m_Wzr_n : numpy.ndarray
            Output weights ``[n_outputs, N]``.
        n_x0_c : numpy.ndarray
            Initial states ``[N, n_contexts]``.
        n_bx_1 : numpy.ndarray
            Unit biases ``[N, 1]``.
        m_bz_1 : numpy.ndarray
            Output biases ``[n_outputs, 1]``.

        Raises
        ------
        FileNotFoundError
            If the file does not exist.
        KeyError
            If it holds no network ``net_id``.
        ValueError
            If it is not a weights file, or its arrays do not form a network.

        Examples
        --------
        >>> import opdims
        >>> from opdims.matlab import utils
        >>> weights = utils.UtilsIO().load_weights(opdims.default_weights("swg"), 1)
        >>> [w.shape for w in weights]
        [(100, 1), (100, 100), (1, 100), (100, 1), (100, 1), (1, 1)]
        """
        net = _io.load_network(path_to_weights, _scalar(net_id))
        return (net.W_in.copy(), net.W.copy(), net.W_out.copy(), net.x0.copy(),
                net.b_x.reshape(-1, 1).copy(), net.b_z.reshape(-1, 1).copy())

    def save_to_hdf5(self, outputfilename, group_name, my_data):
        """Store every field of ``my_data`` as a dataset ``/<group_name>/<field>`` of an HDF5 file.

        One call of :func:`opdims.io.save_to_hdf5`: float64, gzip 9, one
        chunk per dataset, column-major, as ``h5create``/``h5write``. Creates
        the file or adds to it.

        Parameters
        ----------
        outputfilename : str or path
            The HDF5 file.
        group_name : str
            The group, e.g. ``'/opt_dims_t1Freq1'``.
        my_data : Struct or dict
            Field name -> numeric array (MATLAB orientation; a scalar is ``[1, 1]``, a 1-D array a row).

        Raises
        ------
        FileExistsError
            If one of the datasets exists already (nothing is written).
        ValueError
            For empty data, non-numeric values, or a file that is not plain HDF5.

        Examples
        --------
        >>> import h5py
        >>> import numpy as np
        >>> from opdims.matlab import utils
        >>> utils.UtilsIO().save_to_hdf5("results.h5", "/run1", {"mses": np.array([[0.1, 0.2, 0.3]])})
        >>> with h5py.File("results.h5") as f:
        ...     f["run1/mses"].shape  # h5py sees MATLAB's [1, 3] column-major
        (3, 1)
        """
        _io.save_to_hdf5(outputfilename, group_name, my_data)
