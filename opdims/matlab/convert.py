"""Conversions between MATLAB's conventions and the core's.

MATLAB keeps ``[units, time, trials]`` and drops trailing singleton axes;
the core keeps ``[trials, time, units]``.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from ..core.errors import MissingFieldError, ValidationError
from ..core.network import DT, TAU, Network


class Struct(SimpleNamespace):
    """A MATLAB struct: attribute access, fields in creation order.

    What the compatibility layer returns where the original returns a struct
    (:func:`opdims.matlab.utils.run_one_forwardPass`, the sampling-location
    properties, ...). Fields are read as attributes (``fp.n_x_t``) or by name
    (``fp['n_x_t']``, MATLAB's ``fp.(name)``).

    Parameters
    ----------
    **fields
        Field name -> value, in order.

    Examples
    --------
    >>> from opdims.matlab import Struct
    >>> s = Struct(a=1, b=[2, 3])
    >>> s.a, s["b"], "b" in s
    (1, [2, 3], True)
    >>> s.c = 4
    >>> s.fields()
    ['a', 'b', 'c']
    """

    def __init__(self, /, **fields):
        super().__init__(**fields)

    def __getitem__(self, name):
        return getattr(self, name)

    def __setitem__(self, name, value):
        setattr(self, name, value)

    def __contains__(self, name):
        return name in self.__dict__

    def fields(self) -> list[str]:
        """Return the field names in creation order, as MATLAB's ``fieldnames(s)``.

        Returns
        -------
        list of str
            The names.

        Examples
        --------
        >>> from opdims.matlab import Struct
        >>> Struct(n_x_t=0, m_z_t=1).fields()
        ['n_x_t', 'm_z_t']
        """
        return list(self.__dict__)


def field(struct, name: str, what: str = "struct"):
    """Field ``name`` of a dict, Struct or any object with attributes.

    Parameters
    ----------
    struct : dict or object
        The struct.
    name : str
        The field.
    what : str, optional
        What the struct is, for the message.

    Returns
    -------
    object
        The field's value.

    Raises
    ------
    KeyError
        If the field is missing.

    Examples
    --------
    >>> field({"a": 1}, "a")
    1
    """
    if isinstance(struct, dict):
        if name not in struct:
            raise MissingFieldError(f"{what}: missing field {name!r}")
        return struct[name]
    if not hasattr(struct, name):
        raise MissingFieldError(f"{what}: missing field {name!r}")
    return getattr(struct, name)


def has_field(struct, name: str) -> bool:
    """Whether a dict, Struct or object has field ``name``.

    Parameters
    ----------
    struct : dict or object
        The struct.
    name : str
        The field.

    Returns
    -------
    bool
        Whether it is there.

    Examples
    --------
    >>> has_field(Struct(a=1), "b")
    False
    """
    return name in struct if isinstance(struct, dict) else hasattr(struct, name)


def scalar(value, name: str):
    """A MATLAB scalar (a number, or an array of one element such as ``[1, 1]``) as a Python number.

    Parameters
    ----------
    value : object
        The value.
    name : str
        The argument's name, for the message.

    Returns
    -------
    int or float
        The number.

    Raises
    ------
    ValueError
        Unless it is one number.

    Examples
    --------
    >>> scalar(np.array([[1001.0]]), "seed")
    1001.0
    """
    arr = np.asarray(value)
    if arr.size != 1 or arr.dtype.kind not in "biuf":
        raise ValidationError(f"{name}: expected a number (or an array of one), got {value!r}")
    return arr.reshape(-1)[0].item()


def is_empty(value) -> bool:
    """MATLAB's ``isempty`` for ``None``, ``[]``, ``''`` and zero-size arrays.

    Parameters
    ----------
    value : object
        The value.

    Returns
    -------
    bool
        Whether it is empty.

    Examples
    --------
    >>> is_empty([]), is_empty(0)
    (True, False)
    """
    if value is None:
        return True
    if isinstance(value, str):
        return value == ""
    return np.size(value) == 0


def matlab_shape(arr: np.ndarray) -> np.ndarray:
    """Drop trailing singleton axes beyond the second, as MATLAB does.

    Parameters
    ----------
    arr : numpy.ndarray
        The array.

    Returns
    -------
    numpy.ndarray
        A view with MATLAB's shape.

    Examples
    --------
    >>> matlab_shape(np.zeros((3, 4, 1))).shape
    (3, 4)
    """
    while arr.ndim > 2 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    return arr


def to_core(arr) -> np.ndarray:
    """MATLAB ``[a, T, B]`` (or ``[a, T]``) to the core's ``[B, T, a]``.

    Parameters
    ----------
    arr : array_like
        ``[units or inputs, time, trials]``.

    Returns
    -------
    numpy.ndarray
        ``[trials, time, units or inputs]`` (float64).

    Raises
    ------
    ValueError
        Unless the array is 2-D or 3-D.

    Examples
    --------
    >>> to_core(np.zeros((5, 7, 2))).shape
    (2, 7, 5)
    """
    arr = np.asarray(arr, dtype=np.float64)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if arr.ndim != 3:
        raise ValidationError(f"expected a MATLAB array [units, time, trials], got shape {arr.shape}")
    return np.transpose(arr, (2, 1, 0))


def to_matlab(arr) -> np.ndarray:
    """The core's ``[B, T, a]`` to MATLAB ``[a, T, B]`` (trailing singletons dropped).

    Parameters
    ----------
    arr : array_like
        ``[trials, time, units or outputs]``.

    Returns
    -------
    numpy.ndarray
        ``[units or outputs, time, trials]``.

    Examples
    --------
    >>> to_matlab(np.zeros((1, 7, 5))).shape
    (5, 7)
    """
    return matlab_shape(np.ascontiguousarray(np.transpose(np.asarray(arr), (2, 1, 0))))


def column(arr) -> np.ndarray:
    """A vector as a MATLAB column ``[n, 1]``.

    Parameters
    ----------
    arr : array_like
        The values.

    Returns
    -------
    numpy.ndarray
        ``[n, 1]`` float64.

    Examples
    --------
    >>> column([1, 2]).shape
    (2, 1)
    """
    return np.asarray(arr, dtype=np.float64).reshape(-1, 1)


def network_from_matlab(n_Wru_v, n_Wrr_n, m_Wzr_n, n_x0_c, n_bx_1, m_bz_1,
                        dt=DT, tau=TAU, noise_sigma=0.0) -> Network:
    """A core Network from weights in the original's orientation.

    Parameters
    ----------
    n_Wru_v : array_like
        Input weights ``[N, n_in]``.
    n_Wrr_n : array_like
        Recurrent weights ``[N, N]``.
    m_Wzr_n : array_like
        Output weights ``[n_out, N]``.
    n_x0_c : array_like
        Initial states ``[N, n_ctx]``.
    n_bx_1 : array_like
        Unit biases ``[N, 1]``.
    m_bz_1 : array_like
        Output biases ``[n_out, 1]``.
    dt, tau : float, optional
        Step and time constant (s).
    noise_sigma : float, optional
        Internal noise (default 0).

    Returns
    -------
    opdims.Network
        The network.

    Examples
    --------
    >>> net = network_from_matlab(np.ones((3, 1)), np.eye(3), np.ones((1, 3)), np.zeros((3, 1)), np.zeros((3, 1)),
    ...                           np.zeros((1, 1)))
    >>> net.n_units
    3
    """
    return Network(W_in=n_Wru_v, W=n_Wrr_n, W_out=m_Wzr_n, x0=n_x0_c,
                   b_x=np.asarray(n_bx_1, dtype=np.float64).reshape(-1),
                   b_z=np.asarray(m_bz_1, dtype=np.float64).reshape(-1),
                   dt=dt, tau=tau, noise_sigma=noise_sigma)
