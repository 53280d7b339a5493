"""Same inputs, same code → same tables and figures, whatever the day and the working directory.

The second run is a separate ``cscp run`` process started from another folder, with the clock moved
months ahead by ``faketime`` (when it can be installed) and another time zone, so that anything that
read the clock or the working directory would show up as a changed checksum.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
CSCP = [sys.executable, "-m", "cscp_analysis.cli"]


#: What may differ between two runs: when and where they ran (the manifest) and the executed notebooks
#: (papermill records each cell's start time). Every page, table, figure, workbook and PDF must not.
_RUN_RECORDS = ("manifest.json", "checksums.sha256")


def _digests(pack: Path) -> dict[str, str]:
    return {p.relative_to(pack).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(pack.rglob("*")) if p.is_file()
            and p.relative_to(pack).parts[0] != "notebooks" and p.name not in _RUN_RECORDS}


def _run_elsewhere(args: list[str], cwd: Path, faketime: str | None, when: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TZ": "Pacific/Auckland", "PYTHONHASHSEED": "12345"}
    cmd = ([faketime, "-f", f"@{when}"] if faketime else []) + CSCP + args
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=1200)


def test_quarter_is_identical_on_another_day_and_folder(quarter_pack, faketime, tmp_path):
    elsewhere = tmp_path / "another" / "folder"
    elsewhere.mkdir(parents=True)
    out = tmp_path / "second"
    r = _run_elsewhere(["run", "--period", "2026-27-Q2", "--data", str(ROOT / "data_raw" / "demo"), "--out", str(out)],
                       elsewhere, faketime, "2027-03-15 08:30:00")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]
    first, second = _digests(quarter_pack), _digests(out / "2026-27-Q2")
    assert len(first) > 50
    differing = sorted(k for k in first.keys() | second.keys() if first.get(k) != second.get(k))
    assert not differing, differing
    if faketime:  # the clock really was moved: the manifest says when the second run happened
        assert '"started": "2027-03-1' in (out / "2026-27-Q2" / "manifest.json").read_text()  # 15 March in Auckland
