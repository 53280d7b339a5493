"""``cscp run`` / ``load_returns`` find statutory files in ``csc/``, import them on the way into a private
temporary folder that is removed afterwards, and record the statutory files as the run's inputs."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from cscp_analysis.config import PROJECT_ROOT, load_partnership
from cscp_analysis.returns import load_returns

from .conftest import DATA

DEMO = PROJECT_ROOT / "data_raw" / "demo"
PERIOD = "2026-27-Q2"
pytestmark = pytest.mark.skipif(not (DEMO / PERIOD).is_dir(), reason="demo data not generated")


def _folder(tmp_path, *files):
    data = tmp_path / "data"
    shutil.copytree(DEMO, data, ignore=shutil.ignore_patterns("csc"))
    (data / "csc").mkdir()
    for f in files:
        shutil.copy(f, data / "csc" / Path(f).name)
    return data


def _staging_folders():
    return set(Path(tempfile.gettempdir()).glob("cscp-statutory-*"))


def test_a_cin_census_in_csc_is_imported_on_the_way(tmp_path):
    before = _staging_folders()
    data = _folder(tmp_path, DATA / "cin_2025.xml")
    r = load_returns(data, PERIOD, load_partnership())
    assert sorted(r.tables["referrals"]["referral_id"]) == ["R-LA001-20240603", "R-LA001-20250201", "R-LA002-20250301"]
    assert r.tables["cp_plans"]["category"].tolist() == ["SAB", "NEG"]
    inputs = r.inputs.set_index("path")
    assert "csc/cin_2025.xml" in inputs.index and "csc/referrals.csv" not in inputs.index
    assert inputs.loc["csc/cin_2025.xml", "bytes"] == (DATA / "cin_2025.xml").stat().st_size
    assert r.statutory_gaps["section47.strategy_discussion_date"].endswith("supply Annex A List 5")
    assert _staging_folders() == before  # the private staging folder is gone
    # periods of care are not in the census: their file is reported missing, not made up
    assert r.blocked_reason(table="cla_periods")


def test_a_wrong_file_in_csc_is_a_validation_error_not_a_traceback(tmp_path):
    data = _folder(tmp_path, DATA / "workbook.xml")
    r = load_returns(data, PERIOD, load_partnership())
    issues = r.report.issues
    hit = issues[(issues["file"] == "csc/workbook.xml") & (issues["rule_id"] == "RET-001")]
    assert len(hit) == 1 and "not a CIN census" in hit["value"].item()


def test_a_hand_built_extract_is_read_as_before(tmp_path):
    r = load_returns(DEMO, PERIOD, load_partnership())
    assert getattr(r, "statutory_gaps", {}) == {}
    assert "csc/referrals.csv" in set(r.inputs["path"])


def test_the_partnerships_own_table_beside_the_statutory_files_wins(tmp_path):
    data = _folder(tmp_path, DATA / "cin_2025.xml")
    (data / "csc" / "missing_episodes.csv").write_text(
        "missing_id,child_id,missing_start,missing_end,looked_after,rhi_offered,rhi_date\n"
        "M1,LA001,2025-02-10,2025-02-11,N,Y,2025-02-13\n", encoding="utf-8")
    r = load_returns(data, PERIOD, load_partnership())
    assert r.tables["missing_episodes"]["missing_id"].tolist() == ["M1"]
    assert not any(k.startswith("missing_episodes.") for k in r.statutory_gaps)
    paths = set(r.inputs["path"])
    assert {"csc/cin_2025.xml", "csc/missing_episodes.csv"} <= paths and "csc/referrals.csv" not in paths
