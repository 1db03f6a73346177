"""The parity suite catches every planted bug of parity_tests/mutations.py (about 2-3 minutes; CI runs it).

Deselect with ``-m "not slow"`` when iterating locally.
"""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "parity_tests"))

import mutations  # noqa: E402


def test_every_mutation_still_applies():
    for m in mutations.MUTATIONS:
        assert (ROOT / m.path).read_text().count(m.old) == 1, f"{m.name}: its code is no longer in {m.path} once"


@pytest.mark.slow
def test_the_parity_suite_catches_every_planted_bug(capsys):
    assert mutations.main([]) == 0, capsys.readouterr().out
