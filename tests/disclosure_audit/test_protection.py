"""The protection rule (docs/disclosure.md, "The intruder audit"), case by case, and the checks against
the true figures."""

import math

import pandas as pd
import pytest

from cscp_analysis import disclosure_audit as audit
from cscp_analysis.disclosure_audit.protection import check_protection, whole_range

INF = math.inf


@pytest.mark.parametrize("low, high, s_low, s_high, truth, ok, reason", [
    # [c] (1 to 5), true value 3: d_lo = min(5, 3 − 1) = 2, d_hi = min(5, 5 − 3) = 2, so it passes when the
    # intruder cannot rule out 1 (L ≤ 1) or cannot rule out 5 (H ≥ 5)
    (1, 5, 1, 5, 3, True, ""),
    (1, 4, 1, 5, 3, True, ""),
    (2, 5, 1, 5, 3, True, ""),
    (2, 4, 1, 5, 3, False, "narrow"),
    (3, 3, 1, 5, 3, False, "pinned"),
    # true value 1: no room below (d_lo = 0), so 5 must stay possible (d_hi = 4: H ≥ 5)
    (1, 3, 1, 5, 1, False, "narrow"),   # the "ethnicity not known: 1 to 3", when it is 1
    (1, 5, 1, 5, 1, True, ""),
    (1, 3, 1, 5, 2, True, ""),          # when it is 2, 1 is still possible
    (5, 5, 1, 5, 5, False, "pinned"),
    # bare c (1 or more), true value 3: d_lo = 2 (L ≤ 1) or d_hi = 5 (H ≥ 8)
    (1, 7, 1, INF, 3, True, ""),
    (2, 7, 1, INF, 3, False, "narrow"),
    (2, 8, 1, INF, 3, True, ""),
    (2, INF, 1, INF, 3, True, ""),
    # a larger count, true value 39: within 5 either side fails, reaching 34 or 44 passes
    (38, 40, 1, INF, 39, False, "narrow"),
    (34, 40, 1, INF, 39, True, ""),
    (38, 44, 1, INF, 39, True, ""),
    (35, 43, 1, INF, 39, False, "narrow"),
    # the true value outside the range: a declaration or the truth is wrong
    (1, 5, 1, 5, 7, False, "truth outside"),
])
def test_the_rule_with_the_true_value(low, high, s_low, s_high, truth, ok, reason):
    got, why = check_protection([low], [high], [s_low], [s_high], 5, truth=[truth])
    assert (bool(got[0]), why[0]) == (ok, reason)


@pytest.mark.parametrize("low, high, s_low, s_high, truth, ok", [
    # strict: where the symbol's range lies within 5 of the value, all of it must stay possible
    (1, 5, 1, 5, 3, True), (1, 4, 1, 5, 3, False), (2, 5, 1, 5, 3, False),
    # otherwise "not within 5 either side": bare c, value 3: L ≤ −2 is impossible, so H ≥ 8
    (1, 7, 1, INF, 3, False), (1, 8, 1, INF, 3, True),
])
def test_the_strict_rule(low, high, s_low, s_high, truth, ok):
    got, _ = check_protection([low], [high], [s_low], [s_high], 5, truth=[truth], strict=True)
    assert bool(got[0]) == ok


@pytest.mark.parametrize("low, high, s_low, s_high, ok, strict_ok", [
    # necessary condition: not pinned, and reaching the symbol's floor or top, or at least 5 wide
    (1, 5, 1, 5, True, True),
    (1, 4, 1, 5, True, False),
    (2, 4, 1, 5, False, False),
    (1, 1, 1, 5, False, False),
    (8, 12, 6, INF, False, False),  # [s]: 4 wide, above its floor of 6
    (6, 10, 6, INF, True, False),
    (8, 13, 6, INF, True, True),
    (6, 6, 6, INF, False, False),
])
def test_the_rule_without_the_true_value(low, high, s_low, s_high, ok, strict_ok):
    assert bool(check_protection([low], [high], [s_low], [s_high], 5)[0][0]) == ok
    assert bool(check_protection([low], [high], [s_low], [s_high], 5, strict=True)[0][0]) == strict_ok


def test_a_secondary_cell_only_needs_not_to_be_recovered_exactly():
    got, why = check_protection([8, 10], [12, 10], [6, 6], [INF, INF], 5, truth=[10, 10], sensitive=[False, False])
    assert list(got) == [True, False] and list(why) == ["", "pinned"]


def test_protection_one_is_sdctables_check_no_exact_disclosure():
    got, _ = check_protection([3, 3], [4, 3], [1, 1], [5, 5], 1, truth=[3, 3])
    assert list(got) == [True, False]


def test_protection_must_be_a_whole_number_of_at_least_one():
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="'protection' must be a whole number"):
            check_protection([1], [5], [1], [5], bad)


def test_the_intruder_rounds_inward_to_whole_numbers():
    low, high = whole_range([2.9875, 1190.8175, 3.0000001], [4.1825, 1192.0125, 3.9999999])
    assert list(low) == [3, 1191, 3] and list(high) == [4, 1192, 4]


# --- the true figures ------------------------------------------------------------------------------

LINE = pd.DataFrame({"group": ["A", "B", "C", "All"], "children": ["[c]", "[s]", "12", "30"]})


def _line(table=LINE, **kw):
    return audit.declare(table, "line", audit.Cells("children", "children | group={group}", label="Group {group}"),
                         sums=[audit.SumOver("children", "group", total="All")], title="A line", **kw)


def test_truth_from_unrounded_tables_uses_the_same_keys():
    raw = pd.DataFrame({"group": ["A", "B", "C", "All"], "children": [3, 15, 12, 30]})
    truth = audit.truth_from([(raw, _line())])
    assert truth == {"children | group=A": 3, "children | group=B": 15, "children | group=C": 12, "children | group=All": 30}
    with pytest.raises(audit.AuditError, match="has two different values"):
        audit.truth_from([(raw, _line()), (raw.assign(children=[4, 15, 12, 30]), _line())])


def test_a_line_of_two_suppressed_cells_with_the_truth():
    # A [c] + B [s] = 30 − 12 = 18; A ∈ [1, 5], B ≥ 6: A ∈ [1, 5] (B = 18 − A ∈ [13, 17] ≥ 6): protected;
    # B ∈ [13, 17]: a secondary cell, not recoverable exactly: protected.
    raw = pd.DataFrame({"group": ["A", "B", "C", "All"], "children": [3, 15, 12, 30]})
    report = audit.audit_tables([(LINE, _line())], truth=[(raw, _line())], exact=True)
    assert report.ok and report.with_truth
    frame = report.to_frame().set_index("key")
    assert tuple(frame.loc["children | group=B", ["low", "high", "true_value"]]) == (13, 17, 15)


def test_a_declared_relation_the_true_figures_break_is_reported():
    # the declaration says the parts add up to All, but the true parts add up to 31
    raw = pd.DataFrame({"group": ["A", "B", "C", "All"], "children": [4, 15, 12, 30]})
    report = audit.audit_tables([(LINE, _line())], truth=[(raw, _line())])
    kinds = [f.kind for f in report.findings]
    assert "false fact" in kinds and not report.ok
    finding = [f for f in report.findings if f.kind == "false fact"][0]
    assert finding.message.startswith("line: the declared relation “children adds up over group” does not hold for "
                                      "the true figures")
    assert not any(ch.isdigit() for ch in finding.message)  # no true figure printed


def test_a_zero_marked_secondary_is_reported():
    # [s] promises 6 or more (a zero is always shown); a withheld zero breaks that promise
    table = pd.DataFrame({"group": ["A", "B", "C", "All"], "children": ["[c]", "[s]", "27", "30"]})
    raw = pd.DataFrame({"group": ["A", "B", "C", "All"], "children": [3, 0, 27, 30]})
    report = audit.audit_tables([(table, _line(table))], truth=[(raw, _line(table))])
    messages = [f.message for f in report.findings if f.kind == "false fact"]
    assert any("line:1: column 'children' shows [s] (withheld so that a confidential count cannot be worked out "
               "from the totals), which the true figure for Group B is not" in m for m in messages)


def test_the_report_never_prints_a_true_value_of_a_suppressed_cell():
    # A [c] + B [s] = 30 − 21 = 9 and B ≥ 6, so A ∈ [1, 3]; A is truly 1, so 5 must stay possible: A fails.
    table = pd.DataFrame({"group": ["A", "B", "C", "All"], "children": ["[c]", "[s]", "21", "30"]})
    raw = pd.DataFrame({"group": ["A", "B", "C", "All"], "children": [1, 8, 21, 30]})
    report = audit.audit_tables([(table, _line(table))], truth=[(raw, _line(table))])
    line = [x for x in report.format().splitlines() if "Group A" in x][0]
    assert line == ("  - Group A (shown as [c] in line): an intruder can narrow it to 1–3 from the table “A line” "
                    "(it must stay possible that it is 1, or that it is 5, whichever is not its true value).")
    assert list(report.to_frame()["true_value"]) == [1, 8]  # kept in the frame, for the run's own checks


def test_suppressed_cells_without_a_true_value_are_counted_in_the_report():
    report = audit.audit_tables([(LINE, _line())], truth={"children | group=A": 3, "children | group=Q": 1})
    assert "No true value was given for 1 of them" in report.format()
    assert report.stats["truth_not_in_pack"] == 1
    with pytest.raises(ValueError, match="'protection' must be a whole number"):
        audit.audit_tables([(LINE, _line())], protection=0)
