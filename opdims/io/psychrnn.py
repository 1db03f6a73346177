"""PsychRNN's saved weights in: the ``.npz`` of ``RNN.save`` as an opdims :class:`~opdims.Network`.

Followed: PsychRNN 1.0.0 (``psychrnn/backend/rnn.py`` and ``models/basic.py``,
github.com/murraylab/PsychRNN, commit aff98e1 of Nov 2023). ``RNN.save(path)``
is ``np.savez(path, **get_weights())``: ``init_state [1, N]``, ``W_in [N,
n_in]``, ``W_rec [N, N]``, ``W_out [n_out, N]``, ``b_rec [N]``, ``b_out
[n_out]``, ``Dale_rec``, ``Dale_out [N, N]``, ``input_connectivity``,
``rec_connectivity``, ``output_connectivity``, ``dale_ratio`` (a number, or
``None`` pickled) and ``transfer_function`` (the TensorFlow function, pickled).
``W_in``, ``W_rec`` and ``W_out`` are saved *effective* (masked, and with
Dale's law ``|W_rec ∘ C_rec| Dale_rec``, ``|W_in ∘ C_in|``, ``|W_out ∘ C_out|
Dale_out``); the masks are applied again here exactly as PsychRNN applies them
when it loads a file, which changes nothing for its own files and gives the
effective weights for raw ones. ``Basic`` steps ``x ← (1 − α) x + α (W_rec
φ(x) + W_in u + b_rec) + sqrt(2 α) σ_rec ξ`` with ``α = dt / tau`` and outputs
``W_out φ(x) + b_out``: opdims' network with ``noise_sigma = σ_rec sqrt(2 /
α)``. ``dt``, ``tau`` and ``rec_noise`` are the task's parameters, not saved:
they are given here (or stored beside the weights); ``φ`` is ``relu`` unless
the pickled ``transfer_function`` names another (read without unpickling).
Pickled arrays are never unpickled.
"""

from __future__ import annotations

import io as _bytes_io
import pickletools
import zipfile

import numpy as np

from ..core.network import TAU, Network, NetworkError
from ..core.nonlinearity import NONLINEARITIES
from .filesystem import FileFormatError
from .tree import Leaf, open_tree

__all__ = ["PSYCHRNN_NAMES", "PSYCHRNN_VERSION", "from_psychrnn", "is_psychrnn", "psychrnn_network"]

PSYCHRNN_VERSION = "1.0.0"  #: the PsychRNN whose save() layout this follows
#: the arrays that mark a PsychRNN weights file
PSYCHRNN_NAMES = ("W_rec", "W_in", "W_out", "b_rec", "b_out")
_TRANSFER_NAMES = {"relu": "relu", "tanh": "tanh", "softplus": "softplus", "identity": "linear", "linear": "linear"}


def is_psychrnn(group: dict) -> bool:
    """Whether a group of a file's tree holds PsychRNN's weights (``W_rec``, ``W_in``, ``W_out``, ``b_rec``, ``b_out``).

    Parameters
    ----------
    group : dict
        A group of :func:`opdims.io.tree.open_tree`'s tree.

    Returns
    -------
    bool
        True if all five arrays are there.
    """
    return all(isinstance(group.get(name), Leaf) for name in PSYCHRNN_NAMES)


def _number(path, group: dict, name: str):
    leaf = group.get(name)
    if not isinstance(leaf, Leaf) or leaf.matlab_class in ("object", "char"):
        return None
    value = np.asarray(leaf.read())
    if value.dtype.kind not in "iuf" or value.size != 1:
        raise FileFormatError(f"{path}: {leaf.where}: expected one number, got size {list(value.shape)}")
    return float(value.reshape(-1)[0])


def _matrix(path, group: dict, name: str, shape: tuple | None = None) -> np.ndarray:
    leaf = group[name]
    if leaf.matlab_class in ("object", "char", "cell") or leaf.matlab_class.startswith("torch"):
        raise FileFormatError(f"{path}: {leaf.where}: expected a numeric array, got {leaf.matlab_class}")
    value = np.asarray(leaf.read(), dtype=np.float64)
    if shape is not None and value.shape != shape:
        value = value.reshape(shape) if value.size == int(np.prod(shape)) else value
        if value.shape != shape:
            raise FileFormatError(f"{path}: {leaf.where}: expected size {list(shape)}, got {list(value.shape)}")
    return value


def _transfer_function(path) -> str | None:
    """The nonlinearity named by a PsychRNN file's pickled ``transfer_function`` (parsed, never unpickled)."""
    try:
        with zipfile.ZipFile(path) as archive:
            raw = archive.read("transfer_function.npy")
        stream = _bytes_io.BytesIO(raw)
        version = np.lib.format.read_magic(stream)
        header = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
        header[version](stream)
        names = [arg for _, arg, _ in pickletools.genops(stream.read()) if isinstance(arg, str)]
    except (KeyError, ValueError, OSError, zipfile.BadZipFile):
        return None
    words = [word for arg in names for word in arg.replace("\n", " ").replace(".", " ").split()]
    known = [_TRANSFER_NAMES[w] for w in words if w in _TRANSFER_NAMES]
    if known:
        return known[-1]
    return "unknown: " + ".".join(words[-2:]) if words else None


def psychrnn_network(path, group: dict, *, dt=None, tau=None, rec_noise=None, nonlinearity=None,
                     where: str = "") -> Network:
    """The network of PsychRNN's arrays in a group of a file's tree (inside :func:`open_tree`).

    Parameters
    ----------
    path : path
        The file, for messages (and its pickled ``transfer_function``).
    group : dict
        The group holding the arrays.
    dt, tau : float, optional
        PsychRNN's time step and time constant (same units); default those
        stored beside the weights (``dt``, ``tau``, or ``alpha``).
    rec_noise : float, optional
        PsychRNN's ``rec_noise`` (default the stored one, else 0, PsychRNN's default).
    nonlinearity : str, optional
        Default: the pickled ``transfer_function``'s name, ``relu`` without one.
    where : str, optional
        Display path of the group, for messages.

    Returns
    -------
    opdims.Network
        The effective weights, ``alpha = dt / tau`` (as opdims' ``dt = alpha
        * 10 ms``, ``tau = 10 ms``).

    Raises
    ------
    FileFormatError
        For missing or misshapen arrays, missing ``dt``/``tau``, or a transfer function opdims lacks.
    """
    label = f"{path}: {where + ': ' if where else ''}"
    stored_alpha = _number(path, group, "alpha")
    if dt is None and tau is None and stored_alpha is not None:
        dt, tau = stored_alpha, 1.0
    dt = _number(path, group, "dt") if dt is None else dt
    tau = _number(path, group, "tau") if tau is None else tau
    if dt is None or tau is None:
        raise FileFormatError(f"{label}PsychRNN weights (W_rec, W_in, W_out, b_rec, b_out) without dt and tau, which "
                              "PsychRNN does not save: give your task's values (opdims.io.from_psychrnn(path, dt=10, "
                              "tau=100), --alpha DT/TAU on the command line) or store dt and tau in the file")
    rec_noise = _number(path, group, "rec_noise") if rec_noise is None else rec_noise
    if nonlinearity is None:
        stored = group.get("transfer_function")
        nonlinearity = _transfer_function(path) if isinstance(stored, Leaf) else "relu"
        if nonlinearity is None or nonlinearity not in NONLINEARITIES:
            raise FileFormatError(f"{label}transfer_function: expected one of {', '.join(NONLINEARITIES)} "
                                  f"(PsychRNN's default is relu), got {nonlinearity or 'an unreadable one'}; "
                                  "pass nonlinearity= (--nonlinearity) if the network used one of them")
    W_rec = _matrix(path, group, "W_rec")
    n = W_rec.shape[0]
    if W_rec.ndim != 2 or W_rec.shape != (n, n):
        raise FileFormatError(f"{label}W_rec: expected a square [N, N] matrix, got {list(W_rec.shape)}")
    W_in = _matrix(path, group, "W_in")
    W_out = _matrix(path, group, "W_out")
    if W_in.ndim != 2 or W_in.shape[0] != n:
        raise FileFormatError(f"{label}W_in: expected size [{n}, n_inputs] (N = {n} from W_rec), got {list(W_in.shape)}")
    if W_out.ndim != 2 or W_out.shape[1] != n:
        raise FileFormatError(f"{label}W_out: expected size [n_outputs, {n}] (N = {n} from W_rec), got "
                              f"{list(W_out.shape)}")
    n_out = W_out.shape[0]
    masks = {name: _matrix(path, group, name, shape) for name, shape in
             (("rec_connectivity", (n, n)), ("input_connectivity", W_in.shape), ("output_connectivity", W_out.shape))
             if isinstance(group.get(name), Leaf)}
    W_rec = W_rec * masks.get("rec_connectivity", 1.0)
    W_in = W_in * masks.get("input_connectivity", 1.0)
    W_out = W_out * masks.get("output_connectivity", 1.0)
    dale_ratio = _number(path, group, "dale_ratio")  # a pickled None (no Dale's law) reads as None
    if dale_ratio is not None and np.isfinite(dale_ratio):
        signs = np.ones(n)
        signs[int(dale_ratio * n):] = -1
        dale_rec = _matrix(path, group, "Dale_rec", (n, n)) if isinstance(group.get("Dale_rec"), Leaf) else np.diag(signs)
        dale_out = (_matrix(path, group, "Dale_out", (n, n)) if isinstance(group.get("Dale_out"), Leaf)
                    else np.diag((signs > 0).astype(float)))
        W_rec = np.abs(W_rec) @ dale_rec
        W_in = np.abs(W_in)
        W_out = np.abs(W_out) @ dale_out
    init = _matrix(path, group, "init_state", (1, n)) if isinstance(group.get("init_state"), Leaf) else np.zeros((1, n))
    try:
        alpha = float(dt) / float(tau)
        sigma = 0.0 if not rec_noise else float(rec_noise) * np.sqrt(2.0 / alpha)
        return Network(W_in=W_in, W=W_rec, W_out=W_out, x0=init.reshape(n, 1),
                       b_x=_matrix(path, group, "b_rec", (n,)), b_z=_matrix(path, group, "b_out", (n_out,)),
                       dt=alpha * TAU, tau=TAU, noise_sigma=sigma, nonlinearity=nonlinearity,
                       source=f"{path}{':' + where if where else ''}")
    except (NetworkError, ZeroDivisionError) as exc:
        raise FileFormatError(f"{label}{exc}" if not str(exc).startswith(str(path)) else str(exc)) from exc


def from_psychrnn(path, *, dt=None, tau=None, rec_noise=None, nonlinearity=None) -> Network:
    """The opdims network of a PsychRNN weights file (``RNN.save``'s ``.npz``).

    Parameters
    ----------
    path : path
        The ``.npz`` PsychRNN wrote (``model.save(path)``), or any file with
        its arrays (``W_rec``, ``W_in``, ``W_out``, ``b_rec``, ``b_out``;
        optionally ``init_state``, the connectivity masks, ``Dale_rec``,
        ``Dale_out``, ``dale_ratio``).
    dt, tau : float, optional
        Your task's ``dt`` and ``tau`` (PsychRNN's ``get_task_params()``; it
        does not save them); needed unless stored in the file.
    rec_noise : float, optional
        The network's ``rec_noise`` (default 0, PsychRNN's).
    nonlinearity : str, optional
        Default: the saved ``transfer_function``'s name, ``relu`` without one.

    Returns
    -------
    opdims.Network
        ``x ← (1 − α) x + α (W_rec φ(x) + W_in u + b_rec + noise)``, ``α = dt / tau``.

    Raises
    ------
    FileFormatError
        If the file holds no PsychRNN weights, or they do not fit together.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> np.savez("psychrnn_weights.npz", W_rec=rng.standard_normal((8, 8)) / 4, W_in=np.ones((8, 2)),
    ...          W_out=np.ones((1, 8)), b_rec=np.zeros(8), b_out=np.zeros(1), init_state=np.full((1, 8), 0.1))
    >>> net = from_psychrnn("psychrnn_weights.npz", dt=10, tau=100)
    >>> net.n_units, net.alpha, net.nonlinearity
    (8, 0.1, 'relu')
    """
    with open_tree(path) as (_, tree):
        if not is_psychrnn(tree):
            missing = [name for name in PSYCHRNN_NAMES if not isinstance(tree.get(name), Leaf)]
            raise FileFormatError(f"{path}: not PsychRNN weights: missing {', '.join(missing)} (RNN.save writes "
                                  f"{', '.join(PSYCHRNN_NAMES)}); found: {', '.join(tree) or 'nothing'}")
        return psychrnn_network(path, tree, dt=dt, tau=tau, rec_noise=rec_noise, nonlinearity=nonlinearity)
