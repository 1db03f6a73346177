"""The core (floor 0): one network and what is done to it.

Errors and argument checks (``errors``, ``validation``), back ends and
threads (``backend``), φ (``nonlinearity``), random streams (``random``),
the :class:`~opdims.core.network.Network` (``network``), its dynamics
(``simulate``, ``kernels``), removing dimensions from W (``reduce``), cost
and state distance (``metrics``), trials (``tasks``) and sampling locations
(``sampling``). Nothing here knows about files, the analysis chain or MATLAB
names and orientation.
"""
