"""Docstrings: every public object of opdims is documented (numpydoc), and
every Examples section runs.

Which objects
-------------
The walk imports every module of the ``opdims`` package (``opdims`` itself,
its modules and every subpackage (``core``, ``dims``, ``io``, ``data``, ``plotting``,
``training``, ``analysis``, ``matlab``, ``cli``); not ``__main__``, and not private
modules, whose objects count where a public module re-exports them) and
collects

- the functions and classes named in each module's ``__all__``; a module
  without ``__all__`` (the ``cli`` modules) contributes the functions and
  classes it defines whose names do not start with ``_``;
- the methods of those classes (plain, static and class methods defined in
  the class or in an opdims base class; no dunder or private methods, no
  properties).

Objects defined outside opdims (re-exported NumPy functions, say) and
constants are left out. Each object is checked once, under the name of the
module that defines it (``opdims.io.networks.load_network``, not
``opdims.io.load_network``), so a failure names the file to fix.

Which checks
------------
:func:`numpydoc.validate.validate` runs on each object, one test per object;
the test fails on the codes in :data:`CHECKS`:

- GL08: no docstring;
- PR01: a parameter of the signature is not documented (for a class: its
  constructor's parameters, dataclass fields included; not for a
  ``typing.Protocol``, which is never instantiated);
- PR02: a documented parameter is not in the signature;
- PR07: a documented parameter has no description;
- RT01: no Returns section although the function returns a value
  (numpydoc's judgement: ``return`` statements without a value, or with
  ``None``, need none);
- SS01, SS03, SS06: no summary line, one that does not end with a period, or
  one that runs over several lines.

The MATLAB compatibility layer (``opdims.matlab`` and ``opdims.matlab.utils``; not the
scripts of ``opdims.matlab.scripts``) must also give every function, class and method an Examples section (EX01).

Examples
--------
:func:`test_examples_run` runs every Examples section of a module as a
doctest (one test per module; ``ELLIPSIS`` and ``NORMALIZE_WHITESPACE`` on),
each docstring in a temporary working folder of its own, restoring the MATLAB layer's global random
stream and closing pyplot figures afterwards. An example that needs torch is
skipped where torch is not installed. (``doctest_optionflags`` in
``pyproject.toml`` sets the same options for ``pytest --doctest-modules``,
which, however, runs the examples in the current folder.)
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import inspect
import io
import os
import pkgutil
import warnings

import pytest

import opdims

#: numpydoc checks that fail the test, for every object
CHECKS = {
    "GL08",  # the object has no docstring
    "PR01",  # parameters not documented
    "PR02",  # unknown parameters documented
    "PR07",  # a parameter has no description
    "RT01",  # no Returns section, although the function returns a value
    "SS01",  # no summary
    "SS03",  # summary does not end with a period
    "SS06",  # summary spans more than one line
}
#: checks added for the MATLAB compatibility layer
MATLAB_CHECKS = {"EX01"}  # no Examples section
MATLAB_PREFIX = "opdims.matlab."
#: the ports of the four scripts live in the MATLAB wing but are not MATLAB functions: no EX01 for them
MATLAB_SCRIPTS_PREFIX = "opdims.matlab.scripts."

DOCTEST_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _all_modules():
    """Every module of the package except ``__main__`` and the parity suite's test code (``opdims.parity``)."""
    names = ["opdims"] + [info.name for info in pkgutil.walk_packages(opdims.__path__, prefix="opdims.")
                          if info.name.rsplit(".", 1)[-1] != "__main__"
                          and not info.name.startswith("opdims.parity")]
    return [importlib.import_module(name) for name in sorted(names)]


def _is_private(module) -> bool:
    return any(part.startswith("_") for part in module.__name__.split("."))


MODULES = _all_modules()


def _own(obj) -> bool:
    return (inspect.isfunction(obj) or inspect.isclass(obj)) and \
        (getattr(obj, "__module__", None) or "").split(".")[0] == "opdims"


def _module_objects(module):
    """The functions and classes a module makes public."""
    if hasattr(module, "__all__"):
        candidates = [getattr(module, name) for name in module.__all__]
    else:  # e.g. the cli modules: what they define, without a leading underscore
        candidates = [obj for name, obj in vars(module).items()
                      if not name.startswith("_") and getattr(obj, "__module__", None) == module.__name__]
    return [obj for obj in candidates if _own(obj)]


def _methods(cls):
    """``(qualified name, function)`` of the public methods of ``cls``: its own
    and those it inherits from opdims classes."""
    found = {}
    for klass in cls.__mro__:
        if not (klass.__module__ or "").startswith("opdims"):
            continue
        for name, attr in vars(klass).items():
            if name.startswith("_") or name in found:
                continue
            if isinstance(attr, (staticmethod, classmethod)):
                attr = attr.__func__
            if inspect.isfunction(attr):  # properties and other descriptors are not
                found[name] = (f"{klass.__module__}.{klass.__qualname__}.{name}", attr)
    return list(found.values())


def _collect() -> dict:
    objects = {}
    for module in MODULES:
        if _is_private(module):
            continue
        for obj in _module_objects(module):
            objects.setdefault(f"{obj.__module__}.{obj.__qualname__}", obj)
            if inspect.isclass(obj):
                for name, method in _methods(obj):
                    objects.setdefault(name, method)
    return dict(sorted(objects.items()))


OBJECTS = _collect()


def _checks_for(name: str) -> set[str]:
    matlab = name.startswith(MATLAB_PREFIX) and not name.startswith(MATLAB_SCRIPTS_PREFIX)
    return CHECKS | MATLAB_CHECKS if matlab else CHECKS


def numpydoc_errors(name: str) -> list[str]:
    """The failing numpydoc checks of the object called ``name``, as ``'CODE: message'``."""
    checks = _checks_for(name)
    obj = OBJECTS.get(name)
    if inspect.isclass(obj) and getattr(obj, "_is_protocol", False):
        checks = checks - {"PR01"}  # a Protocol is never instantiated: its (*args, **kwargs) is typing's
    validate = pytest.importorskip("numpydoc.validate").validate  # the `test` extra; doctests run without
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpydoc's parser warnings: the errors say it all
        result = validate(name)
    return [f"{code}: {message}" for code, message in result["errors"] if code in checks]


def test_the_walk_reaches_every_subpackage():
    for expected in ("opdims.core.network.Network", "opdims.io.networks.load_network",
                     "opdims.matlab.rnn.run_rnn", "opdims.matlab.global_stream.rng", "opdims.matlab.convert.Struct",
                     "opdims.matlab.utils.classes.UtilsIO.load_weights",
                     "opdims.matlab.utils.input_generation.InputGeneratorSWG.get_input_parameters",
                     "opdims.matlab.utils.plotting.UtilsPlotting.plot_lineplot",
                     "opdims.analysis.chain.analyse_network", "opdims.cli.main", "opdims.cli.info.run",
                     "opdims.data.default_weights", "opdims.core.random.ReplayStream.from_recording"):
        assert expected in OBJECTS
    # constants, properties, private and dunder methods are not checked
    assert not any(name.rsplit(".", 1)[-1].startswith("_") for name in OBJECTS)
    assert "opdims.core.tasks.TaskData.n_trials" not in OBJECTS and "opdims.core.reduce.DIM_TYPES" not in OBJECTS


def test_every_matlab_function_is_checked_for_every_parameter():
    """Every function and method of the MATLAB layer is in the walk, and PR01
    (and EX01) apply to it."""
    from opdims import matlab
    from opdims.matlab import utils

    expected = set()
    for module in (matlab, utils, utils.input_generation):
        for obj in _module_objects(module):
            expected.add(f"{obj.__module__}.{obj.__qualname__}")
            if inspect.isclass(obj):
                expected.update(name for name, _ in _methods(obj))
    assert expected <= set(OBJECTS)
    assert len(expected) > 40
    assert all({"PR01", "PR02", "EX01"} <= _checks_for(name) for name in expected)


def test_the_check_catches_an_undocumented_parameter(monkeypatch):
    """The check itself: a parameter missing from the docstring fails."""
    from opdims.matlab.utils import functions

    def get_mse(m_z_t, targets, valid_trial_ids):
        """Mean squared error.

        Parameters
        ----------
        m_z_t : numpy.ndarray
            Outputs.

        Returns
        -------
        float
            The error.

        Examples
        --------
        >>> 1
        1
        """
        return 0.0

    get_mse.__module__ = functions.__name__
    monkeypatch.setattr(functions, "get_mse", get_mse)
    errors = numpydoc_errors("opdims.matlab.utils.functions.get_mse")
    assert len(errors) == 1 and errors[0].startswith("PR01") and "valid_trial_ids" in errors[0]


@pytest.mark.parametrize("name", list(OBJECTS))
def test_docstring(name):
    errors = numpydoc_errors(name)
    assert not errors, f"{name}:\n  " + "\n  ".join(errors)


# ---- doctests -----------------------------------------------------------------------------------

HAS_TORCH = importlib.util.find_spec("torch") is not None


def _doctests(module):
    tests = doctest.DocTestFinder(exclude_empty=True).find(module, module.__name__)
    return sorted((t for t in tests if t.examples), key=lambda t: t.name)


@pytest.fixture
def example_sandbox(tmp_path, monkeypatch):
    """A scratch working folder; the MATLAB layer's global stream and pyplot restored afterwards."""
    from opdims.matlab import get_stream, set_stream

    monkeypatch.chdir(tmp_path)
    stream = get_stream()
    state = stream._state.get_state() if hasattr(stream, "_state") else None
    yield tmp_path
    set_stream(stream)
    if state is not None:
        stream._state.set_state(state)
    if importlib.util.find_spec("matplotlib") is not None:
        import matplotlib.pyplot as plt
        plt.close("all")


@pytest.mark.parametrize("module", [m for m in MODULES if _doctests(m)], ids=lambda m: m.__name__)
def test_examples_run(module, example_sandbox):
    runner = doctest.DocTestRunner(optionflags=DOCTEST_FLAGS)
    report = io.StringIO()
    skipped = []
    for test in _doctests(module):
        if not HAS_TORCH and any("torch" in example.source for example in test.examples):
            skipped.append(test.name)
            continue
        folder = example_sandbox / test.name
        folder.mkdir()
        os.chdir(folder)  # each docstring's files apart; the sandbox returns to the start folder
        runner.run(test, out=report.write)
    failed, attempted = runner.failures, runner.tries
    assert not failed, f"{failed} of {attempted} examples failed in {module.__name__}:\n{report.getvalue()}"
    if skipped and not attempted:
        pytest.skip(f"the examples of {', '.join(skipped)} need torch")
