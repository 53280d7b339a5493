"""What goes into the evidence pack: rejected rows, the report, the reconciliation; the same bytes every time."""

import hashlib

import pandas as pd

from cscp_analysis.returns import write_quarantine
from cscp_analysis.returns.quarantine import rejected_name

from .conftest import load, set_cell


def _digest(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_pack_files_and_deterministic_bytes(data_dir, tmp_path):
    set_cell(data_dir, "2026-27-Q2/education.csv", 3, "numerator", "-4")
    set_cell(data_dir, "csc/children.csv", 2, "ethnicity", "BLACK")
    r = load(data_dir)
    a, b = tmp_path / "a", tmp_path / "b"
    write_quarantine(r, a)
    write_quarantine(load(data_dir), b)
    files = _digest(a)
    assert files == _digest(b)
    assert set(files) >= {"rejected/2026-27-Q2_education.csv", "rejected/csc_children.csv", "rejected/csc_referrals.csv",
                          "tables/validation_report.csv", "tables/validation_summary.csv", "tables/reconciliation.csv",
                          "tables/blocked.csv", "validation_report.txt"}
    rej = pd.read_csv(a / "rejected" / "2026-27-Q2_education.csv", dtype=str)
    assert rej["row"].tolist() == ["3"] and rej["numerator"].tolist() == ["-4"]
    assert rej["rule_id"].tolist() == ["RET-025"]
    assert list(rej.columns)[-2:] == ["rule_id", "reason"]
    rec = pd.read_csv(a / "tables" / "reconciliation.csv")
    assert (rec["received"] == rec["accepted"] + rec["rejected"]).all()
    assert (a / "validation_report.txt").read_text() == r.report.format(max_per_rule=200)
    issues = pd.read_csv(a / "tables" / "validation_report.csv")
    assert list(issues.columns) == ["file", "row", "column", "rule_id", "severity", "message", "value"]


def test_no_rejected_folder_when_nothing_was_rejected(clean_returns, tmp_path):
    write_quarantine(clean_returns, tmp_path)
    assert not (tmp_path / "rejected").exists()
    assert (tmp_path / "validation_report.txt").read_text().endswith("No problems found.\n")


def test_rejected_names_are_flat_and_unique():
    assert rejected_name("2026-27-Q2/education.csv") == "2026-27-Q2_education.csv"
    assert rejected_name("2026-27-Q1/education.xlsx") == "2026-27-Q1_education.csv"
    assert rejected_name("csc/referrals.csv") == "csc_referrals.csv"
