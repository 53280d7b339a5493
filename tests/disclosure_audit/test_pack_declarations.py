"""Issue 14: the intruder audit on the pack (the disproportionality page's own cases are in
tests/disproportionality/test_audit_declarations.py).

* CDOP's breakdowns share one total, and symbols that cannot all be true are caught;
* the completeness alt text quotes no hidden percentage (the old one is caught);
* the demo quarter's pack passes the audit in the run, records it, and can be audited again from disk;
* a fabricated pack with a leak fails the run with a clear message;
* own-work tables and rows of the board's pack are not audited; the published declarations carry no true value.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cscp_analysis import disclosure_audit as audit
from cscp_analysis.evidence import Pack
from cscp_analysis.run_safety import RunError


def test_cdop_totals_are_one_quantity_and_impossible_symbols_are_caught():
    # public pack: 'Yes [c], No [c], All 28' cannot be true when [c] means 1 to 5 (at most 10, not 28)
    from cscp_analysis.assurance import child_deaths

    t = pd.DataFrame({"group": ["Yes", "No", "All"], "reviews": ["[c]", "[c]", "28"], "pct": ["[c]", "[c]", "100.0"],
                      "note": ""})
    cat = pd.DataFrame({"group": ["Perinatal or neonatal event", "All"], "reviews": ["28", "28"],
                        "pct": ["100.0", "100.0"], "note": ""})
    decl = child_deaths.audit_declaration(t, "assurance_cdop_modifiable", "modifiable", "2026-27-Q2")
    cat_decl = child_deaths.audit_declaration(cat, "assurance_cdop_by_category", "category", "2026-27-Q2")
    report = audit.audit_tables([(t, decl), (cat, cat_decl)])
    assert [f.kind for f in report.findings] == ["contradiction"]
    facts = audit.build_facts([audit.Source(t, decl), audit.Source(cat, cat_decl)])
    assert "child death reviews | window=twelve months to 2026-27-Q2" in set(facts.keys)


def test_the_completeness_alt_text_quotes_no_hidden_percentage(monkeypatch):
    # 3 of 1,195 children referred without sex recorded is hidden (c) with its percentage; the alt text quoted 99.7%
    # (1,192 / 1,195 = 99.749...), which pins the hidden 3 (99.65 ≤ 100·r/1195 ≤ 99.75 → r = 1,191 or 1,192)
    from cscp_analysis import intake

    complete = pd.DataFrame({"period": ["2026-27-Q1", "2026-27-Q2"] * 2,
                             "measure": ["ethnicity_recorded"] * 2 + ["sex_recorded"] * 2,
                             "label": ["Ethnicity recorded"] * 2 + ["Sex recorded"] * 2,
                             "numerator": [1130, 1149, 1159, 1192], "denominator": [1166, 1195, 1166, 1195]})
    complete["percent"] = 100 * complete["numerator"] / complete["denominator"]
    monkeypatch.setattr(intake, "completeness", lambda returns, quarters=8: complete)
    sec = intake.completeness_section(None, 5)
    table = sec["data_completeness"]
    assert table["not_recorded"].tolist() == ["36", "46", "7", "c"]
    alt = sec.figures[0].alt
    # ethnicity 1,149 / 1,195 = 96.15% now, 1,130 / 1,166 = 96.91% before; sex 1,159 / 1,166 = 99.40% before,
    # hidden now and said to be hidden, never quoted
    assert "99.7" not in alt and "ethnicity recorded 96.2% in 2026-27-Q2" in alt
    assert "sex recorded hidden in 2026-27-Q2 (99.4% in the quarter shown; 1 quarter hidden)" in alt
    decl = sec.table("data_completeness").audit
    assert audit.audit_tables([(table, decl)], truth=audit.truth_of([audit.Source(table, decl)])).ok
    # the old alt text, declared as the figures it quoted, is caught
    quoted = pd.DataFrame({"period": ["2026-27-Q2"], "label": ["Sex recorded"], "percent": ["99.7"]})
    key = "children referred{} | measure={{label}} | quarter={{period}}"
    alt_decl = audit.declare(quoted, "completeness_alt_text", [], inline=True, ratios=[audit.Ratio(
        "percent", key.format(" with the characteristic recorded"), key.format(""), decimals=1)])
    report = audit.audit_tables([(table, decl), (quoted, alt_decl)])
    row = report.failures.set_index("label").loc["Sex recorded: not recorded, children referred in 2026-27-Q2"]
    assert (row["low"], row["high"]) == (3, 4)


# --- the run ----------------------------------------------------------------------------------------------


def test_the_quarter_pack_passes_the_audit_and_records_it(quarter_pack):
    manifest = json.loads((quarter_pack / "manifest.json").read_text())
    summary = manifest["disclosure_audit"]
    assert summary["suppressed_figures_at_risk"] == 0 and summary["contradictions"] == 0
    assert summary["false_declarations"] == 0 and summary["true_values_known"] is True
    assert summary["suppressed_figures_checked"] > 400 and summary["tables_audited"] >= 20
    assert summary["seconds"] < 2
    text = (quarter_pack / "disclosure_audit.txt").read_text()
    assert text.startswith(f"Intruder audit: {summary['suppressed_figures_checked']:,} suppressed figure(s)")
    saved = (quarter_pack / audit.DECLARATIONS_FILE).read_text()
    assert '"truth' not in saved  # the published declarations never carry a true value
    audited = {t["name"] for t in json.loads(saved)["tables"] if t["extra"].get("audit")}
    assert {"disproportionality_decision_points", "disproportionality_rates_major", "assurance_cdop_by_category",
            "assurance_voice_reach", "data_completeness", "scorecard"} <= audited
    # audited again from disk, without the true values (what `cscp audit-disclosure PACK` does)
    again = audit.audit_pack(quarter_pack)
    assert again.ok and not again.with_truth and len(again.cells) == summary["suppressed_figures_checked"]
    assert "tables/assurance_reviews_summary.csv" in again.own_work  # the board's own work, shown as it is
    assert audit.main_audit(quarter_pack, out=open("/dev/null", "w")) == 0


def _leaky_staging(root):
    """The issue's case in miniature, in a staging folder: the sex split of 511 plans hidden, the numerators shown."""
    pack = Pack(root, notebook="03_disproportionality")
    window = "2026-27-Q2"
    key = "children | group={group} | stage={stage} | window={window}"
    rates = pd.DataFrame({"window": window, "stage": "Child protection plan",
                          "group": ["Boys", "Girls", "Sex not recorded"], "children": ["[s]", "[s]", "[c]"]})
    pack.table(rates, "rates_sex", "Rates by sex", "independent", count_columns=["children"], audit=audit.declare(
        rates, "rates_sex", audit.Cells("children", key, label="{group} on a plan"),
        sums=[audit.SumOver("children", "group", total_key="children | stage={stage} | window={window}")],
        truth={"children": [289, 221, 1]}))
    quality = pd.DataFrame({"window": [window], "stage": ["Child protection plan"], "children": ["511"]})
    pack.table(quality, "quality", "Children at each stage", "independent", count_columns=["children"],
               audit=audit.declare(quality, "quality", audit.Cells("children", "children | stage={stage} | window={window}")))
    decisions = pd.DataFrame({"window": window, "decision": "Initial conference → Child protection plan",
                              "group": ["Boys", "Girls", "Sex not recorded"], "children_going_on": ["289", "221", "[c]"]})
    pack.table(decisions, "decisions", "Decision points", "independent", count_columns=["children_going_on"],
               audit=audit.declare(decisions, "decisions", audit.Cells(
                   "children_going_on", "going on | decision={decision} | group={group} | window={window}"),
                   at_most=[audit.AtMost("children_going_on", "children | group={group} | stage={decision:after →} | "
                                                              "window={window}")]))
    return pack


def test_a_fabricated_pack_with_a_leak_fails_the_run_with_a_clear_message(tmp_path):
    from cscp_analysis import pipeline

    _leaky_staging(tmp_path)
    with pytest.raises(RunError) as caught:
        pipeline._intruder_audit(tmp_path)
    message = str(caught.value)
    assert message.startswith("intruder audit failed: 4 suppressed figure(s) can be worked out too closely by "
                              "combining the pack's tables")
    assert ("Sex not recorded on a plan (shown as [c] in rates_sex): an intruder can narrow it to exactly 1 from the "
            "tables “Decision points”, “Children at each stage” and “Rates by sex”") in message
    assert "Boys on a plan (shown as [s] in rates_sex): an intruder can narrow it to exactly 289" in message
    assert not (tmp_path / "disclosure_audit.txt").exists()  # nothing is recorded for a pack that is not published


def test_a_table_the_audit_cannot_read_fails_the_run_clearly(tmp_path):
    from cscp_analysis import pipeline

    _leaky_staging(tmp_path)
    path = tmp_path / "tables" / "rates_sex.csv"
    path.write_text(path.read_text().replace("Girls,[s]", "Girls,?"))
    with pytest.raises(RunError, match=r"a published table or its declaration cannot be read.*\n  tables/rates_sex.csv:3: "
                                       r"column 'children': '\?' is neither a count nor a symbol"):
        pipeline._intruder_audit(tmp_path)


def test_own_work_is_not_audited_and_its_rows_leave_with_their_true_values(tmp_path):
    pack = Pack(tmp_path, audience="board")
    reviews = pd.DataFrame({"group": ["On time", "Late", "All"], "reviews": [5, 4, 9]})
    pack.table(reviews, "reviews", "Rapid reviews", "professional", count_columns=["reviews"], own_work=True,
               audit=audit.declare(reviews.astype(str), "reviews", audit.Cells("reviews", "reviews | group={group}")))
    scorecard = pd.DataFrame({"indicator_id": ["CSC-01", "PART-02"], "numerator": ["c", "3"]})
    pack.table(scorecard, "scorecard", "Scorecard", "independent", count_columns=["numerator"], own_work=[1],
               audit=audit.declare(scorecard, "scorecard", audit.Cells("numerator", "count | indicator={indicator_id}"),
                                   truth={"numerator": [2, 3]}))
    report = audit.audit_pack(tmp_path)
    assert report.own_work == ["tables/reviews.csv"] and report.audited == ["scorecard"]
    assert report.cells["key"].tolist() == ["count | indicator=CSC-01"] and report.cells["true_value"].tolist() == [2]
    assert report.ok
    saved = json.loads(audit.save_declarations(tmp_path).read_text())
    assert "truth" not in json.dumps(saved) and [t["name"] for t in saved["tables"]] == ["reviews", "scorecard"]


def test_true_values_that_disagree_name_both_tables():
    a = pd.DataFrame({"g": ["x"], "n": ["c"]})
    one = audit.declare(a, "one", audit.Cells("n", "k | g={g}"), truth={"n": [2]})
    two = audit.declare(a, "two", audit.Cells("n", "k | g={g}"), truth={"n": [3]})
    with pytest.raises(audit.AuditError, match=r"'k \| g=x' has two different values \(in one, two\)"):
        audit.truth_of([audit.Source(a, one), audit.Source(a, two)])
    with pytest.raises(audit.AuditError, match="2 true values for column 'n', but the table has 1 rows"):
        audit.declare(a, "three", audit.Cells("n", "k | g={g}"), truth={"n": [2, 3]})
    unknown = audit.declare(a, "four", audit.Cells("n", "k | g={g}"), truth={"n": [float("nan")]})
    assert audit.Declaration.from_dict(json.loads(json.dumps(unknown.to_dict()))).truth == {"n": [None]}
    assert audit.truth_of([audit.Source(a, unknown)]) is None
