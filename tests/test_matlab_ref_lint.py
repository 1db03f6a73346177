"""The MATLAB drivers in matlab_ref/ pass the MISS_HIT linter and style checker."""

import shutil
import subprocess
from pathlib import Path

import pytest

MATLAB_REF = Path(__file__).resolve().parents[1] / "matlab_ref"


@pytest.mark.parametrize("tool", ["mh_lint", "mh_style"])
def test_matlab_ref_passes_miss_hit(tool):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} not installed (pip install miss_hit)")
    result = subprocess.run([tool, str(MATLAB_REF)], capture_output=True, text=True, cwd=MATLAB_REF.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "file(s) analysed" in result.stdout or "everything seems fine" in result.stdout, result.stdout
