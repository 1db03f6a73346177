"""A readable summary of a file: its format and what it holds (``opdims info``)."""

from __future__ import annotations

from collections import Counter

import numpy as np

from ..core.errors import OpdimsError
from ..core.sampling import sampling_location_properties
from .analysis_file import ANALYSIS_FORMAT, load_analysis
from .formats import FORMATS, detect_format
from .local_dims_file import LOCATION_FIELDS, guess_dim_type, task_of_location_names
from .networks import WEIGHT_DESCRIPTIONS, find_networks, id_ranges, module_entries, network_from_entry
from .tree import Leaf, open_tree

__all__ = ["TASK_NAMES", "describe_file"]

TASK_NAMES = {"ctxt": "context-dependent integration", "swg": "sine-wave generation"}
_MAX_LISTED = 40  #: lines of a variable listing before it is cut short


def describe_file(path, *, module: str | None = None) -> str:
    """Describe the format and contents of a weights, local-dimension or MAT file, as text.

    What ``opdims info`` prints: the format (from the file's header), and the
    networks of a weights file (ids, stages, MATLAB sizes, the task each
    fits, whether its weights load), the sampling locations of a
    local-operative-dimension file, or the variables of a MAT-file.

    Parameters
    ----------
    path : str or path
        The file.
    module : str, optional
        Describe only this recurrent module of a PyTorch file (``'NAME'`` or
        ``'NAME:READOUT'``, as :func:`opdims.io.load_network` takes it).

    Returns
    -------
    str
        Several lines of text.

    Raises
    ------
    FileNotFoundError
        For a missing file.
    ValueError
        (:class:`~opdims.io.FileFormatError`) For a damaged or unknown file.

    Examples
    --------
    >>> import opdims
    >>> from opdims.io import describe_file
    >>> print(describe_file(opdims.default_weights("swg")))  # doctest: +ELLIPSIS
    /.../swg_default.h5
      format: HDF5
      sizes below are MATLAB's (rows, columns, ...)
      contents: network weights, 1 network(s) (id 1), stage(s): final, init
    ...
    """
    fmt = detect_format(path)
    lines = [str(path), f"  format: {FORMATS[fmt]}"]
    with open_tree(path) as (_, tree):
        if getattr(tree, "attrs", {}).get("format") == ANALYSIS_FORMAT:
            return "\n".join(lines + _analysis_lines(path))
        lines.append("  sizes below are MATLAB's (rows, columns, ...)")
        entries = find_networks(fmt, tree) if module is None else module_entries(path, fmt, tree, module)
        groups = [name for name, node in tree.items() if isinstance(node, dict)]
        task = task_of_location_names(groups) if groups else None
        if entries:
            lines += _network_lines(path, fmt, tree, entries)
        elif task:
            lines += _local_dims_lines(tree, groups, task)
        if fmt != "hdf5" or not (entries or task):
            lines += ["  variables:" if fmt != "hdf5" else "  contents:"] + _tree_lines(tree, fmt)
    return "\n".join(lines)


def _analysis_lines(path) -> list[str]:
    analysis = load_analysis(path)
    p = analysis.provenance
    lines = ["  contents: an opdims analysis of one network (opdims analyse, batch or reproduce)",
             f"  network: {p.get('weights')} (id {p.get('net_id')}), {p.get('n_units')} units, "
             f"{p.get('nonlinearity')}, alpha {p.get('alpha')}; task {p.get('task')}",
             f"  made by opdims {p.get('opdims_version')} on {p.get('created')} in {p.get('seconds', 0):.1f} s",
             "  results:"]
    lines += ["    " + line for line in analysis.summary_table().splitlines()]
    return lines


_NAMINGS = {
    "original": "the original's names (n_Wru_v, n_Wrr_n, m_Wzr_n, n_x0_c, n_bx_1, m_bz_1)",
    "generic": "generic names (W_in, W, W_out, x0, b_x, b_z), shown below under the original's",
    "torch": "a torch.nn.RNN state dict (weight_ih_l0, weight_hh_l0, biases; nn.GRU and nn.LSTM too, found by "
             "their shapes) and an nn.Linear readout: the alpha = 1 network; nonlinearity not stored (tanh assumed; "
             "--nonlinearity relu for a relu RNN); sizes as PyTorch stores them",
    "psychrnn": "PsychRNN's saved weights (W_rec, W_in, W_out, b_rec, b_out, masks; RNN.save), shown below under "
                "the original's names",
}


def _size(shape) -> str:
    return "[" + ", ".join(str(d) for d in shape) + "]"


def _node(tree: dict, parts: tuple):
    for part in parts:
        tree = tree[part]
    return tree


def _network_lines(path, fmt: str, tree: dict, entries) -> list[str]:
    ids = sorted({e.net_id for e in entries})
    stages = sorted({e.stage for e in entries}, key=("final", "init").index)
    lines = [f"  contents: network weights, {len(ids)} network(s) (id {id_ranges(ids)}), "
             f"stage(s): {', '.join(stages)}"]
    lines += [f"  named as: {_NAMINGS[naming]}" for naming in dict.fromkeys(e.naming for e in entries)]
    by_shapes: dict[tuple, list] = {}
    for entry in entries:
        by_shapes.setdefault(tuple(sorted(entry.shapes.items())), []).append(entry)
    for shapes, group in by_shapes.items():
        if len(ids) == 1:
            lines.append("  arrays:")
        elif len(by_shapes) == 1:
            lines.append("  arrays of every network:")
        else:
            lines.append(f"  arrays of network(s) {id_ranges(e.net_id for e in group)}:")
        shape_of = dict(shapes)
        for name, (meaning, layout) in WEIGHT_DESCRIPTIONS.items():
            size = _size(shape_of[name]) if name in shape_of else "MISSING"
            lines.append(f"    {name:8s} {size:11s} {meaning} {layout}")
    lines.append("  networks:")
    lines.append(f"    {'id':>4s}  {'where':18s} {'stages':12s} {'units':>5s} {'inputs':>6s} {'outputs':>7s} "
                 f"{'contexts':>8s}  task / check")
    for net_id in ids:
        mine = [e for e in entries if e.net_id == net_id]
        problems = [f"{e.stage}: {problem}" for e in mine if (problem := _problem(path, fmt, tree, e))]
        first = mine[0]
        sizes = [first.shapes.get(n, (None, None)) for n in ("n_Wru_v", "m_Wzr_n", "n_x0_c")]
        task = first.task
        verdict = "; ".join(problems) if problems else (
            f"{task} ({TASK_NAMES[task]})" if task else "task unknown (sizes fit neither ctxt nor swg)")
        lines.append(f"    {net_id:>4d}  {first.container:18s} {', '.join(e.stage for e in mine):12s} "
                     f"{first.n_units or '?':>5} {sizes[0][1] or '?':>6} {sizes[1][0] or '?':>7} "
                     f"{sizes[2][1] or '?':>8}  {verdict}")
    return lines


def _problem(path, fmt: str, tree: dict, entry) -> str | None:
    """Why the entry's weights do not load, or None when they do."""
    try:
        network_from_entry(path, fmt, tree, entry)
    except OpdimsError as exc:  # a damaged network, or a gated one without opdims.core.cells
        return str(exc).removeprefix(f"{path}: ")
    return None


def _local_dims_lines(tree: dict, groups: list[str], task: str) -> list[str]:
    props = sampling_location_properties(task)
    expected = [props.name(loc) for loc in range(props.n_locations)]
    present = [name for name in expected if name in tree]
    missing = [name for name in expected if name not in tree]
    coverage = (f"all {len(expected)} of the task's locations" if not missing else
                f"{len(present)} of the task's {len(expected)} locations; missing {len(missing)}, e.g. "
                f"{', '.join(missing[:3])}")
    lines = [f"  contents: local operative dimensions of a {task} network ({TASK_NAMES[task]})",
             f"  sampling locations: {len(groups)} group(s), {coverage}"]
    order = {name: index for index, name in enumerate(LOCATION_FIELDS[task])}
    shapes = Counter(tuple(sorted(((k, leaf.shape) for k, leaf in tree[name].items() if isinstance(leaf, Leaf)),
                                  key=lambda item: order.get(item[0], len(order))))
                     for name in groups)
    for layout, count in shapes.most_common():
        fields = ", ".join(f"{k} {_size(s)}" if s not in ((1, 1),) else k for k, s in layout)
        lines.append(f"  datasets per group ({count} group(s)): {fields}")
    fvals = [_leaf_values(tree[name], "all_fvals") for name in present]
    fvals = [f for f in fvals if f is not None]
    if not fvals or len({f.size for f in fvals}) != 1:
        lines.append("  all_fvals: absent or of different sizes between groups")
        return lines
    fvals = np.stack(fvals)
    computed = (~np.isnan(fvals)).sum(axis=1)
    counts = (f"{computed.min()} at every location" if computed.min() == computed.max() else
              f"{computed.min()} to {computed.max()} (median {np.median(computed):g})")
    dim_type = guess_dim_type(fvals)
    reason = ("only dimension 1 is set at every location, as the original computes columns"
              if dim_type == "columns" else "more than dimension 1 is set")
    lines.append(f"  dimensions computed per location: {counts} (of {fvals.shape[1]})")
    lines.append(f"  dimension type (guessed): {dim_type}, {reason}")
    first = fvals[:, 0][~np.isnan(fvals[:, 0])]
    if first.size:
        lines.append(f"  fval of dimension 1 (= -delta f): {first.min():.4g} to {first.max():.4g}")
    return lines


def _leaf_values(group: dict, name: str):
    leaf = group.get(name)
    if not isinstance(leaf, Leaf) or not leaf.is_numeric:
        return None
    return np.asarray(leaf.read(), dtype=np.float64).reshape(-1)


def _tree_lines(tree: dict, fmt: str, indent: str = "    ") -> list[str]:
    """One line per variable (struct fields indented under it), at most ``_MAX_LISTED``."""
    rows = []
    separator, kind = ("/", "group") if fmt == "hdf5" else (".", "struct")

    def visit(node: dict, prefix: str) -> None:
        for name, child in node.items():
            if len(rows) >= _MAX_LISTED:
                return
            if isinstance(child, dict):
                rows.append((prefix + name, f"{kind} with {len(child)} entries"))
                visit(child, prefix + name + separator)
            else:
                rows.append((prefix + name, f"{child.matlab_class} {_size(child.shape)}"))

    visit(tree, "/" if fmt == "hdf5" else "")
    width = max((len(name) for name, _ in rows), default=0)
    lines = [f"{indent}{name:{width}s}  {what}" for name, what in rows]
    total = _count(tree)
    if total > len(rows):
        lines.append(f"{indent}... ({total - len(rows)} more)")
    return lines or [f"{indent}(nothing)"]


def _count(tree: dict) -> int:
    return sum(1 + (_count(child) if isinstance(child, dict) else 0) for child in tree.values())

