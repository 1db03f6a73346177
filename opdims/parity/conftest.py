"""Parity suite: opdims against fixtures written by the original MATLAB code."""

import os
from pathlib import Path

import pytest

from opdims.data.sources import PARITY_REPORT_ENV
from opdims.parity.machinery import RECORDS, Fixture, report_table


@pytest.fixture(scope="module")
def fixture_file():
    """Load a fixture by name: ``fixture_file('kernels')``."""
    cache = {}

    def load(name: str) -> Fixture:
        if name not in cache:
            cache[name] = Fixture(name)
        return cache[name]

    return load


def pytest_terminal_summary(terminalreporter, config):
    """Write the table to ``$OPDIMS_PARITY_REPORT`` (used by ``opdims parity``)."""
    path = os.environ.get(PARITY_REPORT_ENV)
    if path and RECORDS:
        Path(path).write_text(report_table(RECORDS) + "\n")
