"""The analysis (floor 4): one chain for one network, many networks, the paper's reproduction.

``runs`` (the paper's trial, noise and seed protocol), ``chain`` (the one
implementation of the analysis of one network, :func:`~opdims.analysis.chain.analyse_network`),
``executor`` (local processes or Dask), ``batch`` (many networks into an
analysis store) and ``reproduce`` (the paper's figures over networks).
"""
