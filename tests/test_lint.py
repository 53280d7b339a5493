"""The code keeps the project's ruff settings (pyproject.toml), so a lint slip fails the suite, not a reviewer."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_is_clean():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if not ruff:
        pytest.skip("ruff is not installed (it comes with the dev extras: pip install -e '.[dev]')")
    r = subprocess.run([ruff, "check", "--no-cache", "cscp_analysis", "tests", "benchmarks"], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
