"""The import paths of opdims 0.2 before its folders showed its floors.

``import opdims.sampling`` or ``from opdims.pipelines import s2_local_operative_dimensions``
keep working: each old module name is an alias of the module that now holds
the code (the same module object, so monkeypatching either name patches
both). New code should use the new paths (``docs/architecture.md``).

=============================  ==========================================================
old path                       new path
=============================  ==========================================================
``opdims.errors`` …            ``opdims.core.errors`` (also ``validation``, ``backend``,
                               ``nonlinearity``, ``random``, ``network``, ``simulate``,
                               ``reduce``, ``metrics``, ``kernels``, ``tasks``, ``sampling``)
``opdims.operative`` …         ``opdims.dims.operative`` (also ``local_dims``, ``exact_rows``,
                               ``global_dims``, ``sweeps``, ``network_analysis``)
``opdims.executor``, ``batch``, ``opdims.analysis.executor``, ``.batch``, ``.reproduce``
``reproduce``
``opdims.pipelines``           ``opdims.analysis.chain`` (the chain) and
                               ``opdims.matlab.scripts`` (s1–s4)
``opdims.pipelines.setup``     ``opdims.analysis.runs``
``opdims.reference``           ``opdims.matlab.loops``
``opdims.io.results``          ``opdims.io.mat_variables``
``opdims.io.files``            ``opdims.io.filesystem``
``opdims.reference_data``      ``opdims.data.sources``
``opdims.defaults``            ``opdims.data``
``opdims.cli.analyses``        ``opdims.cli.scripts``
=============================  ==========================================================
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types

__all__ = ["MERGED_ALIASES", "MODULE_ALIASES", "install"]

_CORE = ("errors", "validation", "backend", "nonlinearity", "random", "network", "simulate", "reduce", "metrics",
         "kernels", "tasks", "sampling")
_DIMS = ("operative", "local_dims", "exact_rows", "global_dims", "sweeps", "network_analysis")

#: old module name -> new module name
MODULE_ALIASES = {
    **{f"opdims.{m}": f"opdims.core.{m}" for m in _CORE},
    **{f"opdims.{m}": f"opdims.dims.{m}" for m in _DIMS},
    "opdims.executor": "opdims.analysis.executor",
    "opdims.batch": "opdims.analysis.batch",
    "opdims.reproduce": "opdims.analysis.reproduce",
    "opdims.pipelines.chain": "opdims.analysis.chain",
    "opdims.pipelines.setup": "opdims.analysis.runs",
    "opdims.pipelines.files": "opdims.matlab.scripts.outputs",
    **{f"opdims.pipelines.s{i}": f"opdims.matlab.scripts.s{i}" for i in range(1, 5)},
    "opdims.reference": "opdims.matlab.loops",
    "opdims.io.results": "opdims.io.mat_variables",
    "opdims.io.files": "opdims.io.filesystem",
    "opdims.reference_data": "opdims.data.sources",
    "opdims.defaults": "opdims.data",
    "opdims.cli.analyses": "opdims.cli.scripts",
}

#: old packages whose names are found in several new modules, in this order
MERGED_ALIASES = {
    "opdims.pipelines": ("opdims.analysis.chain", "opdims.analysis.runs", "opdims.matlab.scripts"),
}


class MergedModule(types.ModuleType):
    """An old package whose names now live in several modules (looked up on first use).

    Parameters
    ----------
    name : str
        The old dotted name.
    sources : tuple of str
        The new modules, searched in order.
    """

    def __init__(self, name: str, sources: tuple[str, ...]):
        super().__init__(name, f"Old import path; the names are in {', '.join(sources)}.")
        self.__path__ = []  # a package, so that its old submodules resolve through the finder
        self.sources = sources

    def __getattr__(self, attr: str):
        for source in self.sources:
            module = importlib.import_module(source)
            if hasattr(module, attr):
                return getattr(module, attr)
        raise AttributeError(f"module {self.__name__!r} has no attribute {attr!r}")

    def __dir__(self):
        names = set(super().__dir__())
        for source in self.sources:
            names.update(getattr(importlib.import_module(source), "__all__", ()))
        return sorted(names)


class AliasLoader(importlib.abc.Loader):
    """Loads an old module name as the module that now holds its code.

    Parameters
    ----------
    target : str or None
        The new module name (``None`` for a merged package).
    """

    def __init__(self, target: str | None):
        self.target = target

    def create_module(self, spec):
        if self.target is None:
            return MergedModule(spec.name, MERGED_ALIASES[spec.name])
        return importlib.import_module(self.target)

    def exec_module(self, module):
        """Nothing to run: the module was imported under its new name."""


class AliasFinder(importlib.abc.MetaPathFinder):
    """Finds the old module names of :data:`MODULE_ALIASES` and :data:`MERGED_ALIASES`."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname in MODULE_ALIASES:
            return importlib.machinery.ModuleSpec(fullname, AliasLoader(MODULE_ALIASES[fullname]))
        if fullname in MERGED_ALIASES:
            return importlib.machinery.ModuleSpec(fullname, AliasLoader(None), is_package=True)
        return None


def install() -> None:
    """Put the finder of the old import paths on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, AliasFinder) for finder in sys.meta_path):
        sys.meta_path.append(AliasFinder())
    # modules imported already are entered under their old names at once: loading an alias later would set
    # the old name as an attribute of its parent package and hide a facade name (``opdims.simulate``)
    for old, new in MODULE_ALIASES.items():
        if new in sys.modules:
            sys.modules.setdefault(old, sys.modules[new])
