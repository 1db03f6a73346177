"""Reading and writing networks and results (original HDF5 layout, .mat)."""

from .original_h5 import load_network, load_local_operative_dimensions

__all__ = ["load_network", "load_local_operative_dimensions"]
