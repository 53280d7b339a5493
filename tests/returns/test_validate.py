"""load_returns as other modules use it: typed accepted rows, row numbers, as-at cut, what is blocked."""

import io

import numpy as np
import pandas as pd
import pytest

from cscp_analysis.periods import Period
from cscp_analysis.returns import ReturnsError, latest_period, period_folders, validate_main

from .conftest import edit, load, messages, set_cell, write_data


def test_accepted_rows_are_typed_with_file_rows(clean_returns):
    r = clean_returns
    ref = r.tables["referrals"]
    assert ref["referral_date"].dtype == "datetime64[ns]"
    assert str(r.tables["population"]["population"].dtype) == "Int64"
    assert ref["referral_source"].dtype == "str" and pd.isna(ref.loc[ref["referral_id"] == "R4", "primary_need"]).all()
    assert ref["_row"].tolist() == [2, 3, 4, 5]
    assert r.period == Period(2026, 2) and str(r.period) == "2026-27-Q2"


def test_partner_history_up_to_the_period(clean_returns, config):
    p = clean_returns.partner
    assert sorted(p["period"].unique()) == ["2026-27-Q1", "2026-27-Q2"]
    assert set(p["_file"].astype(str)) >= {"2026-27-Q2/police.csv", "2026-27-Q1/police.csv"}
    assert clean_returns.tables["partner_return"] is p
    assert len(clean_returns.submissions) == 2 * len(config.returns)
    assert len(clean_returns.commentary) == 2 * len(config.returns)


def test_an_earlier_period_sees_only_its_history_and_the_extract_as_at_its_end(data_dir):
    r = load(data_dir, "2026-27-Q1")  # period end 2026-06-30
    assert set(r.partner["period"]) == {"2026-27-Q1"}
    assert r.tables["referrals"]["referral_id"].tolist() == ["R1", "R2"]  # R3, R4 are from July and August
    a = r.tables["assessments"]
    assert a["assessment_id"].tolist() == ["A1"]
    lado = r.tables["lado"].set_index("allegation_id")
    assert list(lado.index) == ["LADO-1"]  # LADO-2 was received in August
    assert set(r.tables["children"]["child_id"]) == {"C1", "C2", "C4"}  # C3 first referred in July
    rec = r.reconciliation.set_index("file")
    assert rec.loc["csc/referrals.csv", "after_period_end"] == 2 and rec.loc["csc/referrals.csv", "used"] == 2


def test_pending_dates_after_the_period_end_are_blanked(data_dir):
    # LADO-1 concluded 2026-06-30: as at 2026-06-30 it is concluded; move it to July and it is ongoing
    set_cell(data_dir, "assurance/lado.csv", 2, "date_concluded", "2026-07-02")
    set_cell(data_dir, "csc/assessments.csv", 2, "assessment_authorised", "2026-07-01")
    set_cell(data_dir, "assurance/actions.csv", 3, "completed_date", "2026-07-20")
    r = load(data_dir, "2026-27-Q1")
    lado = r.tables["lado"].set_index("allegation_id")
    assert lado.loc["LADO-1", "outcome"] == "ongoing" and pd.isna(lado.loc["LADO-1", "date_concluded"])
    a = r.tables["assessments"].set_index("assessment_id")
    assert pd.isna(a.loc["A1", "assessment_authorised"]) and pd.isna(a.loc["A1", "assessment_outcome"])
    assert pd.isna(a.loc["A1", "factors"])
    acts = r.tables["actions"].set_index("action_id")
    assert acts.loc["ACT-2", "status"] == "open" and pd.isna(acts.loc["ACT-2", "completed_date"])
    # in the quarter when they happened they are there
    r2 = load(data_dir, "2026-27-Q2")
    assert r2.tables["lado"].set_index("allegation_id").loc["LADO-1", "outcome"] == "substantiated"


def test_reconciliation_balances_and_counts_missing_files(data_dir):
    (data_dir / "2026-27-Q2" / "lado.csv").unlink()
    set_cell(data_dir, "csc/children.csv", 3, "ethnicity", "ZZZZ")  # C2: its referral R2 cascades
    r = load(data_dir)
    rec = r.reconciliation
    assert (rec["received"] == rec["accepted"] + rec["rejected"]).all()
    assert (rec["accepted"] == rec["used"] + rec["after_period_end"]).all()
    by = rec.set_index("file")
    assert by.loc["2026-27-Q2/lado.csv", "status"] == "missing"
    assert by.loc["csc/children.csv", "rejected"] == 1 and by.loc["csc/referrals.csv", "rejected"] == 1
    assert by.loc["csc/missing_episodes.csv", "rejected"] == 1  # M2 is about C2 too
    assert sorted(r.rejected) == ["csc/children.csv", "csc/missing_episodes.csv", "csc/referrals.csv"]
    rej = r.rejected["csc/referrals.csv"]
    assert rej["row"].tolist() == [3] and rej["rule_id"].tolist() == ["RET-041"]
    assert rej["reason"].iloc[0] == ("child_id: RET-041 A row whose parent row was rejected is rejected too (e.g. the "
                                     "assessments of a rejected referral) (C2 was rejected: children.csv:3 RET-024)")
    assert "R2" not in set(r.tables["referrals"]["referral_id"])  # never used downstream


def test_blocked_parts(data_dir, config):
    (data_dir / "2026-27-Q2" / "lado.csv").unlink()
    (data_dir / "2026-27-Q1" / "youth_justice.csv").unlink()
    set_cell(data_dir, "2026-27-Q2/education.csv", 2, "numerator", "-1")
    set_cell(data_dir, "csc/referrals.csv", 5, "referral_source", "99")
    r = load(data_dir)
    b = r.blocked
    assert b["agency:LADO"].startswith("no return: no lado.csv in 2026-27-Q2/")
    assert b["agency:YJS@2026-27-Q1"].startswith("no return")
    ind = list(config.returns["EDUCATION"].indicators)[0]
    assert b[f"indicator:{ind}"] == "2026-27-Q2/education.csv:2 rejected (RET-025)"
    assert b["table:referrals"] == "1 row of csc/referrals.csv rejected (RET-024)"
    # the assessment of R4 cascades, so assessments are blocked too
    assert b["table:assessments"].startswith("1 row of csc/assessments.csv rejected (RET-041")
    assert r.blocked_reason(indicator=ind) == b[f"indicator:{ind}"]
    assert r.blocked_reason(agency="EDUCATION") is None  # only that indicator
    assert r.blocked_reason(agency="YJS", period="2026-27-Q1").startswith("no return")
    assert r.blocked_reason(indicator="YJS_FTE", period="2026-27-Q1").startswith("no return")
    assert r.blocked_reason(table="icpc") is None and not r.is_blocked(agency="POLICE")


def test_rows_rejected_after_the_period_end_do_not_block_an_earlier_quarter(data_dir):
    set_cell(data_dir, "csc/referrals.csv", 5, "referral_source", "99")  # R4, referred in August
    assert "table:referrals" in load(data_dir, "2026-27-Q2").blocked
    r = load(data_dir, "2026-27-Q1")
    assert "table:referrals" not in r.blocked and r.report.has_errors  # still reported


def test_an_unusable_file_rejects_every_row_and_blocks(data_dir):
    edit(data_dir, "csc/cp_plans.csv", lambda df: df.drop(columns=["category"]))
    r = load(data_dir)
    assert r.blocked["table:cp_plans"].startswith("csc/cp_plans.csv could not be used: category: RET-010")
    assert len(r.rejected["csc/cp_plans.csv"]) == 2 and r.tables["cp_plans"].empty
    by = r.reconciliation.set_index("file")
    assert by.loc["csc/cp_plans.csv", ["received", "rejected", "status"]].tolist() == [2, 2, "file rejected"]


def test_excel_and_csv_returns_give_the_same_tables(data_dir, tmp_path):
    from openpyxl import Workbook

    df = pd.read_csv(data_dir / "2026-27-Q2" / "police.csv", dtype=str, keep_default_na=False)
    wb = Workbook()
    ws = wb.active
    ws.append(["West Midlands Police quarterly return"])
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        ws.append([int(v) if v.isdigit() else (v or None) for v in row])
    (data_dir / "2026-27-Q2" / "police.csv").unlink()
    wb.save(data_dir / "2026-27-Q2" / "police.xlsx")
    r = load(data_dir)
    assert not r.report.has_errors, r.report.format()
    p = r.partner[r.partner["_file"] == "2026-27-Q2/police.xlsx"]
    assert p["numerator"].tolist() == df["numerator"].astype(int).tolist()
    assert p["_row"].tolist() == list(range(3, 3 + len(df)))


def test_inputs_list_every_file_read_with_checksums(clean_returns):
    inp = clean_returns.inputs
    assert list(inp.columns) == ["path", "sha256", "bytes"]
    assert "csc/referrals.csv" in set(inp["path"]) and "2026-27-Q1/police.csv" in set(inp["path"])
    assert inp["sha256"].str.fullmatch(r"[0-9a-f]{64}").all() and (inp["bytes"] > 0).all()


def test_period_folders_and_latest(data_dir):
    (data_dir / "notes").mkdir()
    (data_dir / "2026-27-Q9").mkdir()
    assert [str(p) for p in period_folders(data_dir)] == ["2026-27-Q1", "2026-27-Q2"]
    assert str(latest_period(data_dir)) == "2026-27-Q2"
    with pytest.raises(ReturnsError, match="no quarter folders"):
        latest_period(data_dir / "notes")


def test_a_missing_period_is_a_clear_error(data_dir):
    with pytest.raises(ReturnsError, match=r"there is no folder 2025-26-Q4 in .* \(quarters with a folder: 2026-27-Q1, 2026-27-Q2\)"):
        load(data_dir, "2025-26-Q4")
    out = io.StringIO()
    assert validate_main("2025-26-Q4", data_dir, out=out) == 1
    assert out.getvalue().startswith("cscp validate: there is no folder 2025-26-Q4")
    out = io.StringIO()
    assert validate_main("2025-26", data_dir, out=out) == 1 and "YYYY-YY-Qn" in out.getvalue()
    assert validate_main(None, data_dir / "nowhere", out=io.StringIO()) == 1


def test_validate_main_exit_codes(data_dir):
    out = io.StringIO()
    assert validate_main(data_dir=data_dir, out=out) == 0
    set_cell(data_dir, "2026-27-Q2/submissions.csv", 2, "received_date", "2026-12-01")  # late: a warning
    assert validate_main(data_dir=data_dir, out=io.StringIO()) == 0
    set_cell(data_dir, "2026-27-Q2/police.csv", 2, "numerator", "many")
    out = io.StringIO()
    assert validate_main(data_dir=data_dir, out=out) == 1
    assert "2026-27-Q2/police.csv:2: numerator: RET-021 A number column holds a whole number" in out.getvalue()


def test_report_groups_by_file_and_counts_per_rule(data_dir):
    for row in (2, 3, 4):
        set_cell(data_dir, "2026-27-Q2/police.csv", row, "numerator", "-1")
    set_cell(data_dir, "csc/children.csv", 2, "sex", "X")
    r = load(data_dir)
    text = r.report.format()
    assert "2026-27-Q2/police.csv: 3 errors, 0 warnings" in text
    assert "csc/children.csv: 1 error" in text
    s = r.report.summary().set_index("rule_id")
    assert s.loc["RET-025", "count"] == 3 and s.loc["RET-025", "files"] == 1
    assert r.report.format(max_per_rule=2).count("RET-025 A count is not negative (-1)") == 2
    assert "... and 1 more RET-025 in 2026-27-Q2/police.csv" in r.report.format(max_per_rule=2)
    assert messages(r, "RET-024") == ["csc/children.csv:2: sex: RET-024 A coded value is one of the allowed codes "
                                      "listed in the data dictionary (X)"]


def test_issues_table_columns(clean_returns):
    assert list(clean_returns.report.issues.columns) == ["file", "row", "column", "rule_id", "severity", "message", "value"]
    assert not clean_returns.report.has_errors and clean_returns.blocked == {}


def test_returns_pickle_for_the_notebooks(clean_returns, tmp_path):
    import pickle

    back = pickle.loads(pickle.dumps(clean_returns))
    assert str(back.period) == "2026-27-Q2" and back.tables["referrals"].equals(clean_returns.tables["referrals"])


def test_many_rows_keep_their_row_numbers(tmp_path, config):
    root = write_data(tmp_path / "d", config=config)
    df = pd.read_csv(root / "population" / "population.csv", dtype=str)
    big = pd.concat([df.assign(year=str(y)) for y in range(2000, 2030)], ignore_index=True)
    big.to_csv(root / "population" / "population.csv", index=False)
    r = load(root)
    pop = r.tables["population"]
    assert len(pop) == len(big) and np.array_equal(pop["_row"].to_numpy(), np.arange(2, len(big) + 2))


def test_a_return_with_headings_only_blocks_its_agency(data_dir):
    p = data_dir / "2026-27-Q2" / "health.csv"
    p.write_text(p.read_text().splitlines()[0] + "\n")
    r = load(data_dir)
    assert r.blocked["agency:HEALTH"].startswith("2026-27-Q2/health.csv could not be used: RET-003")
    assert messages(r, "RET-003") == ["2026-27-Q2/health.csv: RET-003 The file has rows below its column headings "
                                      "(column headings but no rows)"]


def test_commentary_with_headings_only_is_allowed(data_dir):
    p = data_dir / "2026-27-Q2" / "commentary.csv"
    p.write_text(p.read_text().splitlines()[0] + "\n")
    r = load(data_dir)
    assert messages(r, "RET-003") == [] and len(messages(r, "COM-001")) == len(r.config.returns) and not r.report.has_errors
