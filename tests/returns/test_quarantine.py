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
    # a record-level file: the row number, the rules and the columns, never the values
    kids = pd.read_csv(a / "rejected" / "csc_children.csv", dtype=str)
    assert list(kids.columns) == ["row", "rule_id", "reason"]
    assert kids["reason"].tolist() == ["ethnicity: RET-024 A coded value is one of the allowed codes listed in the "
                                       "data dictionary"]
    rec = pd.read_csv(a / "tables" / "reconciliation.csv")
    assert (rec["received"] == rec["accepted"] + rec["rejected"]).all()
    text = (a / "validation_report.txt").read_text()
    assert "csc/children.csv:2: ethnicity: RET-024 A coded value is one of the allowed codes listed in the data " \
           "dictionary (withheld)" in text
    assert "BLACK" not in text and "BLACK" in r.report.format()  # the analyst's own run shows the value
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


def test_the_pack_passes_the_privacy_scan(data_dir, tmp_path):
    from cscp_analysis.privacy import scan_pack

    set_cell(data_dir, "csc/referrals.csv", 2, "referral_source", "99")  # R1 of accepted child C1
    set_cell(data_dir, "csc/children.csv", 3, "date_of_birth", "1985-06-11")  # C2: RET-061 shows the date
    set_cell(data_dir, "2026-27-Q2/police.csv", 2, "numerator", "3")
    set_cell(data_dir, "2026-27-Q2/police.csv", 2, "period", "2026-27-Q1")  # rejected with a small count
    r = load(data_dir)
    pack = tmp_path / "pack"
    write_quarantine(r, pack)
    assert scan_pack(pack, r.tables, r.config.suppression_threshold) == []
    # without redaction the rows would carry the child's identifier (the hand-made ones are too short for the scan)
    leaky = tmp_path / "leaky"
    write_quarantine(r, leaky, redact=False)
    assert "C1" in set(pd.read_csv(leaky / "rejected" / "csc_referrals.csv", dtype=str)["child_id"])
    assert "child_id" not in pd.read_csv(pack / "rejected" / "csc_referrals.csv", dtype=str).columns
    assert "1985-06-11" not in (pack / "validation_report.txt").read_text()
    police = pd.read_csv(pack / "rejected" / "2026-27-Q2_police.csv", dtype=str)
    assert police["numerator"].tolist() == ["c"]


def test_a_number_of_days_is_not_hidden_but_a_small_count_is():
    # "4 days late" counts no one (issue 14: the report said "c days late"); "3" referrals does.
    from cscp_analysis.returns.quarantine import _small_number_pattern

    small = _small_number_pattern(5)
    text = "received 2026-11-03, due 2026-10-30: 4 days late; 2 working days; referrals 3; code E08000026"
    assert small.sub("c", text) == ("received 2026-11-03, due 2026-10-30: 4 days late; 2 working days; "
                                    "referrals c; code E08000026")
