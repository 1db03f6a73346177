"""Operative dimensions (floor 1): local, global, their sweeps and the result container.

Δf and the relaxation step with the :class:`~opdims.dims.operative.LocalOperativeDimensions`
container (``operative``); local column and row dimensions (``local_dims``,
``exact_rows``); global dimensions (``global_dims``); rank sweeps and the
rank-threshold rules (``sweeps``); the :class:`~opdims.dims.network_analysis.NetworkAnalysis`
container of one network's results (``network_analysis``). Built on
:mod:`opdims.core` only.
"""
