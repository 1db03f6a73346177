"""MATLAB compatibility layer: the original's functions under their names.

Same argument order, MATLAB orientation (``[units, time, trials]``), 1-based
ids, struct outputs with attribute access, and a global random stream set by
:func:`rng`. A thin shell over the core: numerics live in ``opdims``.

    from opdims.matlab import utils, run_rnn, rng
    UIO = utils.UtilsIO()
    n_Wru_v, n_Wrr_n, m_Wzr_n, n_x0_c, n_bx_1, m_bz_1 = UIO.load_weights(path, 1)
"""

from . import utils
from .convert import Struct
from .global_stream import get_stream, rng, set_stream
from .rnn import run_rnn, vec

__all__ = ["Struct", "get_stream", "rng", "run_rnn", "set_stream", "utils", "vec"]
