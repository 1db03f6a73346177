"""The version of opdims (one place; the package, provenance and the CLI read it here)."""

__version__ = "0.2.0"
