"""Auditing a pack on disk: declarations read from the catalogue, the command and its exit codes."""

import argparse
import contextlib
import io
import json

import pandas as pd
import pytest

from cscp_analysis import disclosure_audit as audit
from cscp_analysis.disclosure import PRIMARY, SECONDARY, Hidden
from cscp_analysis.evidence import CATALOGUE_DIR, Pack

W = "2026-27-Q2"
#: The decision numerators hidden as the fixed publication hides them: boys and girls to protect "not recorded"
#: ([s], written as such by the pack), "not recorded" for its own small count ([c]).
HIDDEN_GOING_ON = (Hidden(SECONDARY, 289), Hidden(SECONDARY, 221), "c")
KEY = "children | stage={stage} | characteristic=sex | group={group} | window={window}"


def _write_pack(root, going_on=("289", "221", "c"), declare_extra=True):
    """Three tables of the issue's leak, through evidence.Pack with their declarations, and a chart quote."""
    pack = Pack(root, notebook="03_disproportionality")
    rates = pd.DataFrame({"window": W, "stage": "Child protection plan", "group": ["Boys", "Girls", "Sex not recorded"],
                          "children": [Hidden(SECONDARY, 289), Hidden(SECONDARY, 221), Hidden(PRIMARY, 1)]})
    pack.table(rates, "rates_sex", "Rates by sex", "independent", count_columns=["children"],
               audit=audit.declare(rates, "rates_sex", audit.Cells("children", KEY, label="{group} on a plan"),
                                   sums=[audit.SumOver("children", "group",
                                                       total_key="children | stage={stage} | window={window}")]))
    quality = pd.DataFrame({"window": [W], "stage": ["Child protection plan"], "children": ["511"]})
    pack.table(quality, "quality", "Children at each stage", "independent", count_columns=["children"],
               audit=[audit.declare(quality, "quality", audit.Cells("children", "children | stage={stage} | window={window}"))])
    decisions = pd.DataFrame({"window": W, "decision": "Initial conference → Child protection plan",
                              "group": ["Boys", "Girls", "Sex not recorded"], "children_going_on": list(going_on)})
    pack.table(decisions, "decisions", "Decision points", "independent", count_columns=["children_going_on"],
               audit=audit.declare(decisions, "decisions", audit.Cells(
                   "children_going_on", "going on | decision={decision} | group={group} | window={window}"),
                   at_most=[audit.AtMost("children_going_on", "children | stage={decision:after →} | characteristic=sex"
                                                              " | group={group} | window={window}")]).to_dict())
    if declare_extra:  # a table the audit has no declaration for
        pack.table(pd.DataFrame({"a": [1]}), "notes", "Notes", "independent")
    return pack


def test_a_pack_with_the_issues_leak_fails_and_names_the_tables(tmp_path):
    _write_pack(tmp_path)
    entry = json.loads((tmp_path / CATALOGUE_DIR / "table-decisions.json").read_text())
    assert entry["extra"]["audit"]["cells"][0]["column"] == "children_going_on"
    assert entry["extra"]["count_columns"] == ["children_going_on"]
    report = audit.audit_pack(tmp_path)
    assert report.not_audited == ["tables/notes.csv"]
    assert sorted(report.audited) == ["decisions", "quality", "rates_sex"]
    fails = report.failures.set_index("label")
    # boys ≥ 289 and girls ≥ 221 (going on is at most the plan count), not recorded ≥ 1 (c), all three add up to
    # 511: boys = 289, girls = 221, not recorded = 1 (as in test_worked_examples)
    assert fails.loc["Boys on a plan", "low"] == fails.loc["Boys on a plan", "high"] == 289
    assert set(fails.loc["Sex not recorded on a plan", "pinned_by"].split("; ")) == {
        "Rates by sex", "Children at each stage", "Decision points"}
    out = io.StringIO()
    assert audit.main_audit(tmp_path, out=out) == 1
    text = out.getvalue()
    assert "Boys on a plan (shown as [s] in rates_sex): an intruder can narrow it to exactly 289" in text
    assert "Not audited (no declaration of how their cells add up): tables/notes.csv" in text


def test_suppressing_the_decision_numerators_too_protects_the_split(tmp_path):
    # going on hidden too: boys ≥ 6 ... the split is free (each of boys and girls ranges over hundreds)
    _write_pack(tmp_path, going_on=HIDDEN_GOING_ON, declare_extra=False)
    out = io.StringIO()
    assert audit.main_audit(tmp_path, out=out) == 0, out.getvalue()
    assert "No suppressed figure can be narrowed" in out.getvalue()


def test_figures_quoted_in_alt_text_are_audited_from_the_catalogue(tmp_path):
    # The chart withholds both counts of "I feel safe" (23 answers: 18 agree [s], 5 do not [c]), but its alt
    # text quotes 78.3% agreeing: 78.25 ≤ 100·agree/23 ≤ 78.35 → agree ∈ [17.9975, 18.0205] → 18, so
    # "do not agree" = 23 − 18 = 5: pinned.
    pack = Pack(tmp_path, notebook="05_citizen")
    chart = pd.DataFrame({"statement": ["I feel safe"], "agree": ["[s]"], "not_agree": ["[c]"], "answers": ["23"]})
    k = "voice answers | statement={statement} | answer="
    pack.table(chart, "voice_chart_data", "Voice of children", "citizen", count_columns=["agree", "not_agree"],
               audit=audit.declare(chart, "voice_chart_data", [audit.Cells("agree", k + "agree"),
                                                               audit.Cells("not_agree", k + "not agree",
                                                                           label="Not agreeing that {statement}"),
                                                               audit.Cells("answers", k + "all")],
                                   sums=[audit.SumAcross(["agree", "not_agree"], "answers")]))
    quoted = pd.DataFrame({"statement": ["I feel safe"], "percent_agree": ["78.3"]})
    alt = audit.declare(quoted, "voice_alt_text", [], ratios=[audit.Ratio("percent_agree", k + "agree", k + "all")],
                        inline=True, title="Alt text of the voice chart")
    entry = tmp_path / CATALOGUE_DIR / "table-voice_chart_data.json"
    data = json.loads(entry.read_text())
    data["extra"]["audit"] = [data["extra"]["audit"], alt.to_dict()]  # the lead may store a list per entry
    entry.write_text(json.dumps(data))
    report = audit.audit_pack(tmp_path)
    row = report.cells.set_index("label").loc["Not agreeing that I feel safe"]
    assert (row["low"], row["high"], row["protected"]) == (5, 5, False)
    assert "Alt text of the voice chart" in row["pinned_by"]


def test_a_bad_cell_in_a_pack_names_the_file_and_line(tmp_path):
    _write_pack(tmp_path, declare_extra=False)
    path = tmp_path / "tables" / "rates_sex.csv"
    path.write_text(path.read_text().replace("Girls,[s]", "Girls,?"))
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert audit.main_audit(tmp_path) == 1
    assert err.getvalue().strip() == ("cscp: tables/rates_sex.csv:3: column 'children': '?' is neither a count nor a "
                                      "symbol ([c], [s], [x], [z], [low], c, x, z, low)")


def test_no_pack_is_a_clear_error(tmp_path, capsys):
    assert audit.main_audit(tmp_path / "nowhere") == 1
    assert "there is no evidence pack here" in capsys.readouterr().err
    with pytest.raises(audit.AuditError, match="no tables/ folder"):
        audit.audit_pack(tmp_path)


def test_the_command_line_parser(tmp_path, capsys):
    _write_pack(tmp_path, going_on=HIDDEN_GOING_ON, declare_extra=False)
    parser = argparse.ArgumentParser(prog="cscp")
    audit.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["audit-disclosure", str(tmp_path), "--protection", "3"])
    assert args.protection == 3
    assert args.func(args) == 0
    assert "protection 3 either side" in capsys.readouterr().out
