"""The unit nonlinearities φ of a rate network, for NumPy and torch arrays.

A network's rates are ``r = φ(x)`` of its states. The paper's networks use
``tanh``; ``relu``, ``softplus`` (``log(1 + e^x)``) and ``linear`` (the
identity) are the other choices. Both array libraries compute the same
function with the same formula, so the numpy and torch backends agree.
"""

from __future__ import annotations

import numpy as np

from .errors import ValidationError
from .validation import NONLINEARITY_NAMES, check_nonlinearity

__all__ = ["NONLINEARITIES", "apply_nonlinearity", "check_nonlinearity"]

#: names of the supported nonlinearities
NONLINEARITIES = NONLINEARITY_NAMES


def apply_nonlinearity(name: str, x, out=None, xp=np):
    """``φ(x)`` for the nonlinearity ``name``, written into ``out`` when given.

    Parameters
    ----------
    name : str
        One of :data:`NONLINEARITIES`.
    x : array
        States, a NumPy array (``xp=np``) or a torch tensor (``xp=torch``).
    out : array, optional
        Where to write the rates (same shape and type as ``x``).
    xp : module, optional
        ``numpy`` (default) or ``torch``.

    Returns
    -------
    array
        The rates, ``out`` when given.

    Examples
    --------
    >>> apply_nonlinearity("relu", np.array([-1.0, 2.0]))
    array([0., 2.])
    """
    if xp is np:
        if name == "tanh":
            return np.tanh(x, out=out)
        if name == "relu":
            return np.maximum(x, 0.0, out=out)
        if name == "softplus":
            return np.logaddexp(0.0, x, out=out)
        if name == "linear":
            if out is None:
                return np.array(x, copy=True)
            out[...] = x
            return out
        raise ValidationError(f"nonlinearity: expected one of {', '.join(NONLINEARITIES)}, got {name!r}")
    if name == "tanh":
        return xp.tanh(x, out=out) if out is not None else xp.tanh(x)
    if name == "relu":
        return xp.clamp_min(x, 0.0, out=out) if out is not None else xp.clamp_min(x, 0.0)
    if name == "softplus":
        value = xp.logaddexp(x, xp.zeros_like(x))
    elif name == "linear":
        value = x
    else:
        raise ValidationError(f"nonlinearity: expected one of {', '.join(NONLINEARITIES)}, got {name!r}")
    if out is None:
        return value.clone()
    out.copy_(value)
    return out
