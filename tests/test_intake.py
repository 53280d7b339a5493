"""What was received for a quarter (cscp_analysis.intake), on a hand-made returns object."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from cscp_analysis import intake
from cscp_analysis.periods import parse_period

PERIOD = parse_period("2026-27-Q2")


def _returns(received_police="2026-10-20", rejected=0):
    spec = lambda agency, file: SimpleNamespace(agency=agency, file=file)  # noqa: E731
    config = SimpleNamespace(agencies={"POLICE": "Police", "HEALTH": "Health", "EDUCATION": "Education"},
                             returns={"police": spec("POLICE", "police.csv"), "health": spec("HEALTH", "health.csv"),
                                      "education": spec("EDUCATION", "education.csv")})
    subs = pd.DataFrame({
        "period": ["2026-27-Q2"] * 3 + ["2026-27-Q1"],
        "agency": ["POLICE", "HEALTH", "EDUCATION", "POLICE"],
        "return_name": ["police.csv", "health.csv", "education.csv", "police.csv"],
        "due_date": pd.to_datetime(["2026-10-15"] * 3 + ["2026-07-15"]),
        "received_date": pd.to_datetime([received_police, "2026-10-15", None, "2026-07-01"]),
    })
    rec = pd.DataFrame({
        "period": ["2026-27-Q2", "2026-27-Q2"], "table": ["partner_return", "partner_return"],
        "file": ["2026-27-Q2/police.csv", "2026-27-Q2/health.csv"],
        "received": [40, 30], "accepted": [40 - rejected, 30], "rejected": [rejected, 0],
    })
    return SimpleNamespace(period=PERIOD, submissions=subs, reconciliation=rec, config=config)


def test_received_says_on_time_late_or_not_received_and_counts_rows():
    t = intake.received(_returns()).set_index("agency")
    assert t.loc["HEALTH", "status"] == "on time"  # received on the due date
    assert t.loc["POLICE", "status"] == "5 days late"  # 20 October against 15 October
    assert t.loc["EDUCATION", "status"] == "not received"
    assert (t.loc["POLICE", "rows_received"], t.loc["EDUCATION", "rows_received"]) == (40, 0)
    assert list(t.index) == ["EDUCATION", "HEALTH", "POLICE"]  # stable order


def test_one_day_late_is_singular():
    t = intake.received(_returns(received_police="2026-10-16")).set_index("agency")
    assert t.loc["POLICE", "status"] == "1 day late"


def test_rows_by_source_balances():
    t = intake.rows_by_source(_returns(rejected=3))
    row = t.set_index("table").loc["partner_return"]
    assert (row["received"], row["accepted"], row["rejected"], row["balances"]) == (70, 67, 3, "yes")


def _completeness(recorded: int, referred: int) -> pd.DataFrame:
    """One quarter of ethnicity recording, as :func:`intake.completeness` gives it."""
    return pd.DataFrame({"period": ["2026-27-Q2"], "measure": ["ethnicity_recorded"], "label": ["Ethnicity recorded"],
                         "numerator": [recorded], "denominator": [referred], "percent": [100 * recorded / referred]})


def test_findings_name_the_late_and_missing_returns_and_the_rejected_rows(monkeypatch):
    monkeypatch.setattr(intake, "completeness", lambda returns, quarters=8: _completeness(930, 1000))
    found = intake.findings(_returns(rejected=3))
    by_rule = {}
    for f in found:
        by_rule.setdefault(f.rule, []).append(f)
    assert [f.kind for f in by_rule["DQ-1"]] == ["worried"] and "Education did not send" in by_rule["DQ-1"][0].text
    assert "Police's return for 2026-27-Q2 arrived 5 days late" in by_rule["DQ-2"][0].text
    assert "3 rows failed validation" in by_rule["DQ-3"][0].text
    assert by_rule["DQ-4"][0].kind == "worried" and "93.0%" in by_rule["DQ-4"][0].text


def test_all_on_time_is_working_well(monkeypatch):
    monkeypatch.setattr(intake, "completeness", lambda returns, quarters=8: _completeness(992, 1000))
    r = _returns(received_police="2026-10-10")
    r.submissions.loc[2, "received_date"] = pd.Timestamp("2026-10-01")
    r.reconciliation = pd.concat([r.reconciliation, pd.DataFrame({
        "period": ["2026-27-Q2"], "table": ["partner_return"], "file": ["2026-27-Q2/education.csv"],
        "received": [10], "accepted": [10], "rejected": [0]})], ignore_index=True)
    found = intake.findings(r)
    assert [(f.rule, f.kind) for f in found] == [("DQ-1", "working_well"), ("DQ-4", "context")]


def test_the_ethnicity_finding_never_quotes_a_hidden_share(monkeypatch):
    # 997 of 1,000 recorded: 3 not recorded is a count from 1 to 5, so the share (99.7%) is hidden in the
    # published table, and the finding must not state it (one truth per cell)
    monkeypatch.setattr(intake, "completeness", lambda returns, quarters=8: _completeness(997, 1000))
    found = intake.findings(_returns(received_police="2026-10-10"))
    assert not any("99.7" in f.text for f in found) and not any(f.rule == "DQ-4" for f in found)


def test_rows_set_aside_are_listed_with_why_beside_the_reconciliation():
    from cscp_analysis.returns import SetAside, get_rule

    r = _returns()
    r.config.set_aside_threshold_pct = 1.0
    r.set_aside_rows = {"children": SetAside(5, 17_620, ((get_rule("RET-022").sentence, 5),), "csc/children.csv")}
    sec = intake.rows_section(r)
    assert [t.name for t in sec.tables] == ["rows_by_table", "set_aside"]
    shown = sec.table("set_aside")
    assert not shown.written  # tables/set_aside.csv is written with the validation report
    assert shown.data[["table", "set_aside", "rows"]].values.tolist() == [["children", 5, 17_620]]
    assert shown.view.to_dict("records") == [{
        "Records": "Children's records in the children's social care extract", "Set aside": "5", "Of": "17,620",
        "Share": "0.028%", "Why": "They did not meet the rule that a date column holds a real date, written "
                                  "YYYY-MM-DD or DD/MM/YYYY, or an Excel date"}]
    assert "fewer than 1% of its rows rejected" in sec.intro and "**set aside**" in sec.intro
    # nothing set aside: the reconciliation alone, and no paragraph about it
    r.set_aside_rows = {}
    sec = intake.rows_section(r)
    assert [t.name for t in sec.tables] == ["rows_by_table"] and sec.intro == ""


def test_problems_by_rule_say_what_was_found_not_the_rules_identifier():
    issues = pd.DataFrame({
        "file": ["2024-25-Q3/health.csv", "a.csv", "b.csv", "c.csv", "d.csv"],
        "row": [None, 2, 3, 4, 5], "column": ["", "x", "x", "x", "x"],
        "rule_id": ["SUB-002", "X-1", "X-1", "X-1", "X-1"], "severity": ["warning"] + ["error"] * 4,
        "message": ["Every agency sent its return.", "A value is a number."] + ["A value is a number."] * 3,
        "value": ["no health.csv in 2024-25-Q3/", "abc", "", "d", "e"]})
    found = intake.found_examples(issues).set_index("rule_id")["found"]
    assert found["SUB-002"] == "no health.csv in 2024-25-Q3/ (2024-25-Q3/health.csv)"
    assert found["X-1"] == "abc (a.csv); b.csv; d (c.csv); and 1 more"
    report = SimpleNamespace(issues=issues, n_errors=4, n_warnings=1,
                             summary=lambda: pd.DataFrame({"rule_id": ["SUB-002", "X-1"], "severity": ["warning", "error"],
                                                           "rule": ["Every agency sent its return.", "A value is a number."],
                                                           "files": [1, 4], "count": [1, 4]}))
    sec = intake.validation_section(SimpleNamespace(report=report))
    table = sec.table("validation_summary")
    assert list(table.view.columns) == ["checked", "severity", "problems", "found"]
    assert "SUB-002" in set(table.data["rule_id"])  # the identifier stays in the CSV
    assert sec.findings[0].text.startswith("4 errors and 1 warning: each is listed")
