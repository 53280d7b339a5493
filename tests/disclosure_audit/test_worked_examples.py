"""Hand-worked examples: every expected bound is derived in the comments, not taken from the code."""

import numpy as np
import pandas as pd
import pytest

from cscp_analysis import disclosure_audit as audit

from .helpers import brute_force, grid, grid_declaration, key, result, within_totals


def test_one_suppressed_cell_in_a_two_way_table_is_pinned():
    #            A     B   Total
    #   X       [c]   10     13        X,A = 13 − 10 = 3 from its row, and 10 − 7 = 3 from its column
    #   Y        7    20     27
    #   Total   10    30     40
    t = grid([["[c]", "10", "13"], ["7", "20", "27"], ["10", "30", "40"]], ["X", "Y", "Total"], ["A", "B", "Total"])
    report = audit.audit_tables([(t, grid_declaration(t))])
    r = result(report, key("X", "A"))
    assert (r["low"], r["high"]) == (3, 3)
    assert r["lower"] == pytest.approx(3) and r["upper"] == pytest.approx(3)
    assert not r["protected"] and r["reason"] == "pinned"
    assert r["pinned_by"] == "Table grid"
    assert not report.ok
    assert "X, A (shown as [c] in grid): an intruder can narrow it to exactly 3" in report.format()


def test_secondary_suppression_of_a_rectangle_leaves_the_primary_cell_free():
    #            A     B   Total       true:  3  10 | 13
    #   X       [c]   [s]    13               12 20 | 32
    #   Y       [s]   [s]    32               15 30 | 45
    #   Total   15    30     45
    # One degree of freedom: X,A = a gives X,B = 13 − a, Y,A = 15 − a, Y,B = 30 − 13 + a = 17 + a.
    # [c] says 1 ≤ a ≤ 5; [s] says each other cell ≥ 6: 13 − a ≥ 6 → a ≤ 7; 15 − a ≥ 6 → a ≤ 9;
    # 17 + a ≥ 6 always. So a ∈ [1, 5]: every value the symbol allows, and X,A is protected.
    # Then X,B ∈ [8, 12], Y,A ∈ [10, 14], Y,B ∈ [18, 22]: not exact, so the secondary cells pass.
    t = grid([["[c]", "[s]", "13"], ["[s]", "[s]", "32"], ["15", "30", "45"]], ["X", "Y", "Total"],
             ["A", "B", "Total"])
    truth = {key("X", "A"): 3, key("X", "B"): 10, key("Y", "A"): 12, key("Y", "B"): 20}
    report = audit.audit_tables([(t, grid_declaration(t))], truth=truth, exact=True)
    expected = {("X", "A"): (1, 5), ("X", "B"): (8, 12), ("Y", "A"): (10, 14), ("Y", "B"): (18, 22)}
    for (row, col), (lo, hi) in expected.items():
        r = result(report, key(row, col))
        assert (r["low"], r["high"]) == (lo, hi), (row, col)
        assert r["protected"], (row, col)
    assert result(report, key("X", "A"))["sensitive"] and not result(report, key("X", "B"))["sensitive"]
    assert report.ok, report.format()


def test_the_secondary_mark_itself_can_narrow_the_primary_cell():
    #            A     B   Total       true:  3  10 | 13
    #   X       [c]   [s]    13                7  20 | 27
    #   Y       [s]   [s]    27               10  30 | 40
    #   Total   10    30     40
    # As above with a = X,A: Y,A = 10 − a ≥ 6 (it is marked [s]) → a ≤ 4, so a ∈ [1, 4]: an intruder
    # learns X,A is not 5. 1 is still possible, so the default rule passes it; the strict rule (every
    # value 1 to 5 stays possible) does not.
    t = grid([["[c]", "[s]", "13"], ["[s]", "[s]", "27"], ["10", "30", "40"]], ["X", "Y", "Total"],
             ["A", "B", "Total"])
    truth = {key("X", "A"): 3}
    r = result(audit.audit_tables([(t, grid_declaration(t))], truth=truth), key("X", "A"))
    assert (r["low"], r["high"], r["protected"]) == (1, 4, True)
    r = result(audit.audit_tables([(t, grid_declaration(t))], truth=truth, strict=True), key("X", "A"))
    assert (r["low"], r["high"], r["protected"], r["reason"]) == (1, 4, False, "narrow")
    # With the bare c of older packs (c means 1 or more) the marks reveal less: X,B = 13 − a ≥ 1 → a ≤ 12;
    # Y,A = 10 − a ≥ 1 → a ≤ 9; so a ∈ [1, 9]: with true value 3 the range reaches 8 = 3 + 5: protected.
    old = t.assign(count=t["count"].replace({"[c]": "c", "[s]": "c"}))
    report = audit.audit_tables([(old, grid_declaration(old))], truth={key("X", "A"): 3}, exact=True)
    r = result(report, key("X", "A"))
    assert (r["low"], r["high"], r["protected"]) == (1, 9, True)


W = "2026-27-Q2"
STAGE_KEY = "children | stage={stage} | characteristic={characteristic} | group={group} | window={window}"
NEXT_STAGE = ("children | stage={decision:after →} | characteristic={characteristic} | group={group} | "
              "window={window}")


def _journey(groups, plan, going_on, total, characteristic="sex", not_known_column=None, not_known=None,
             equal=False):
    """The issue's tables, reduced: children on a plan by group (rates), the stage total (quality) and
    the decision point initial conference → plan (decisions)."""
    rates = pd.DataFrame({"window": W, "stage": "Child protection plan", "characteristic": characteristic,
                          "group": groups, "children": plan})
    quality = pd.DataFrame({"window": [W], "stage": ["Child protection plan"], "children": [total]})
    decisions = pd.DataFrame({"window": W, "decision": "Initial conference → Child protection plan",
                              "characteristic": characteristic, "group": groups,
                              "children_at_previous_stage": "c", "children_going_on": going_on,
                              "percent_going_on": "c"})
    if characteristic == "sex":  # sex groups, not recorded included, add up to the children at the stage
        d_rates = audit.declare(rates, "rates", audit.Cells("children", STAGE_KEY, label="{group} on a plan"),
                                sums=[audit.SumOver("children", "group",
                                                    total_key="children | stage={stage} | window={window}")],
                                title="Rates by sex")
        d_quality = audit.declare(quality, "quality", audit.Cells("children", "children | stage={stage} | window={window}"),
                                  title="Ethnicity not known")
    else:  # ethnic groups add up to the children of known ethnicity; known + not known = all children
        d_rates = audit.declare(rates, "rates", audit.Cells("children", STAGE_KEY, label="{group} on a plan"),
                                sums=[audit.SumOver("children", "group", total_key=(
                                    "children of known ethnicity | stage={stage} | window={window}"))],
                                title="Rates by ethnic group")
        quality[not_known_column] = not_known
        d_quality = audit.declare(
            quality, "quality",
            [audit.Cells("children", "children | stage={stage} | window={window}"),
             audit.Cells(not_known_column, "children of unknown ethnicity | stage={stage} | window={window}",
                         label="Ethnicity not known on a plan")],
            sums=[audit.SumAcross(["children of known ethnicity | stage={stage} | window={window}", not_known_column],
                                  "children")], title="Ethnicity not known")
    d_dec = audit.declare(decisions, "decisions", [
        audit.Cells("children_at_previous_stage", "children | stage={decision:before →} | characteristic={characteristic}"
                    " | group={group} | window={window}"),
        audit.Cells("children_going_on", "children going on | decision={decision} | characteristic={characteristic} | "
                    "group={group} | window={window}", label="{group} going on to a plan")],
        at_most=[audit.AtMost("children_going_on", "children_at_previous_stage"),
                 audit.AtMost("children_going_on", NEXT_STAGE)],
        equal=[audit.Equal("children_going_on", NEXT_STAGE)] if equal else [],
        ratios=[audit.Ratio("percent_going_on", "children_going_on", "children_at_previous_stage")],
        title="Decision points")
    return [(rates, d_rates), (quality, d_quality), (decisions, d_dec)]


def test_the_issues_decision_point_leak_pins_the_sex_split():
    # 511 children started a plan; boys, girls and "sex not recorded" are all c in the rates table.
    # The decision table prints 289 boys and 221 girls going on from conference to plan, and going on
    # is at most the children at the next stage: boys ≥ 289, girls ≥ 221; not recorded is c, so ≥ 1.
    # boys + girls + not recorded = 511: not recorded ≤ 511 − 289 − 221 = 1 → exactly 1;
    # boys ≤ 511 − 221 − 1 = 289 → exactly 289; girls ≤ 511 − 289 − 1 = 221 → exactly 221.
    tables = _journey(["Boys", "Girls", "Sex not recorded"], ["c", "c", "c"], ["289", "221", "c"], "511")
    report = audit.audit_tables(tables)
    for group, value in (("Boys", 289), ("Girls", 221), ("Sex not recorded", 1)):
        r = result(report, f"children | characteristic=sex | group={group} | stage=Child protection plan | window={W}")
        assert (r["low"], r["high"]) == (value, value), group
        assert not r["protected"]
        assert {"Decision points", "Rates by sex", "Ethnicity not known"} == set(r["pinned_by"].split("; ")), group
    text = report.format()
    assert "Boys on a plan (shown as c in rates): an intruder can narrow it to exactly 289" in text
    assert "“Decision points”" in text and "“Rates by sex”" in text


def test_every_plan_following_a_conference_pins_from_the_decision_table_alone():
    # Declaring "going on from conference to plan equals the children on a plan" (every plan in the
    # window followed a conference in it): boys = 289 straight from the decision table's printed 289.
    tables = _journey(["Boys", "Girls", "Sex not recorded"], ["c", "c", "c"], ["289", "221", "c"], "511", equal=True)
    report = audit.audit_tables(tables)
    r = result(report, f"children | characteristic=sex | group=Boys | stage=Child protection plan | window={W}")
    assert (r["low"], r["high"]) == (289, 289)
    assert r["lower_pinned_by"] == "Decision points" and r["upper_pinned_by"] == "Decision points"


def test_mixed_other_and_not_known_are_pinned_to_within_two():
    # Ethnic groups on a plan: White British 300, Other White 41, Asian 60, Black 43 printed; Mixed and
    # Other c; ethnicity not known c (quality table); 511 children. 300 + 41 + 60 + 43 = 444, so
    # Mixed + Other + not known = 511 − 444 = 67. The decision table prints 38 Mixed and 26 Other going
    # on to a plan: Mixed ≥ 38, Other ≥ 26, not known ≥ 1 (c). Hence
    # Mixed ≤ 67 − 26 − 1 = 40, Other ≤ 67 − 38 − 1 = 28, not known ≤ 67 − 38 − 26 = 3:
    # Mixed 38 to 40, Other 26 to 28, not known 1 to 3, as the issue found.
    groups = ["White British", "Other White backgrounds", "Mixed", "Asian", "Black", "Other"]
    tables = _journey(groups, ["300", "41", "c", "60", "43", "c"], ["290", "40", "38", "58", "41", "26"], "511",
                      characteristic="ethnicity_major", not_known_column="ethnicity_not_known", not_known="c")
    truth = {f"children | characteristic=ethnicity_major | group=Mixed | stage=Child protection plan | window={W}": 39,
             f"children | characteristic=ethnicity_major | group=Other | stage=Child protection plan | window={W}": 27,
             f"children of unknown ethnicity | stage=Child protection plan | window={W}": 1}
    report = audit.audit_tables(tables, truth=truth, exact=True)
    bounds = {k: (result(report, k)["low"], result(report, k)["high"]) for k in truth}
    assert list(bounds.values()) == [(38, 40), (26, 28), (1, 3)]
    unknown = result(report, f"children of unknown ethnicity | stage=Child protection plan | window={W}")
    # not known is truly 1 (a primary count): its range 1–3 stays within 5 of 1 and does not leave 1 to 5 open
    assert unknown["sensitive"] and not unknown["protected"]
    mixed = result(report, list(truth)[0])
    assert not mixed["sensitive"] and mixed["protected"]  # a secondary cell: narrowed, not recovered exactly
    strict = audit.audit_tables(tables, truth=truth, protect_secondary=True)
    assert not result(strict, list(truth)[0])["protected"]


def test_a_percentage_beside_a_total_pins_the_suppressed_count():
    # "99.7% of 1,195 records complete", with the incomplete count suppressed ([c], truly 4).
    # 99.7 rounded to 1 place: 99.65 ≤ 100·complete/1195 ≤ 99.75, so
    # complete ∈ [99.65 × 11.95, 99.75 × 11.95] = [1190.8175, 1192.0125] → whole numbers 1191 to 1192;
    # incomplete = 1195 − complete ∈ [2.9875, 4.1825] → 3 to 4: narrowed, so it fails.
    t = pd.DataFrame({"measure": ["Ethnicity recorded"], "complete": ["[s]"], "incomplete": ["[c]"],
                      "records": ["1,195"], "percent_complete": ["99.7"]})
    k = "records | measure={measure} | part="
    d = audit.declare(t, "completeness", [audit.Cells("complete", k + "complete"), audit.Cells("incomplete", k + "incomplete"),
                                          audit.Cells("records", k + "all")],
                      sums=[audit.SumAcross(["complete", "incomplete"], "records")],
                      ratios=[audit.Ratio("percent_complete", "complete", "records", decimals=1)])
    report = audit.audit_tables([(t, d)])
    r = result(report, "records | measure=Ethnicity recorded | part=incomplete")
    assert r["lower"] == pytest.approx(2.9875, abs=1e-6) and r["upper"] == pytest.approx(4.1825, abs=1e-6)
    assert (r["low"], r["high"], r["protected"]) == (3, 4, False)
    c = result(report, "records | measure=Ethnicity recorded | part=complete")
    assert c["lower"] == pytest.approx(1190.8175, abs=1e-6) and c["upper"] == pytest.approx(1192.0125, abs=1e-6)


def test_yes_c_no_c_all_28_cannot_all_be_true():
    # [c] means 1 to 5, so Yes + No ≤ 10, but the total printed is 28: no values fit.
    t = pd.DataFrame({"answer": ["Yes", "No", "All"], "children": ["[c]", "[c]", "28"]})
    d = audit.declare(t, "survey", audit.Cells("children", "children | answer={answer}"),
                      sums=[audit.SumOver("children", "answer", total="All")], title="Survey answers")
    report = audit.audit_tables([(t, d)])
    assert not report.ok
    assert [f.kind for f in report.findings] == ["contradiction"]
    assert report.findings[0].tables == ["Survey answers"]
    assert set(report.cells["reason"]) == {"contradiction"}
    assert "no set of values agrees with everything published in “Survey answers”" in report.format()
    # the same table with the bare c (1 or more, any size) is consistent: Yes ∈ [1, 27]
    old = t.assign(children=["c", "c", "28"])
    report = audit.audit_tables([(old, audit.declare(old, "survey", d.cells, sums=d.sums))], exact=True)
    assert report.ok and (result(report, "children | answer=Yes")["low"], result(report, "children | answer=Yes")["high"]) == (1, 27)


def test_a_figure_printed_in_one_table_and_suppressed_in_another_is_pinned_by_the_first():
    a = pd.DataFrame({"group": ["Boys"], "children": ["[c]"]})
    b = pd.DataFrame({"group": ["Boys"], "children": ["4"]})
    cells = audit.Cells("children", "children | group={group}")
    report = audit.audit_tables([(a, audit.declare(a, "a", cells, title="A")), (b, audit.declare(b, "b", cells, title="B"))])
    r = result(report, "children | group=Boys")
    assert (r["low"], r["high"], r["pinned_by"]) == (4, 4, "B")
    # and 8 printed where [c] promises 1 to 5 is a contradiction between the two tables
    b8 = b.assign(children=["8"])
    report = audit.audit_tables([(a, audit.declare(a, "a", cells, title="A")), (b8, audit.declare(b8, "b", cells, title="B"))])
    assert report.findings[0].kind == "contradiction" and set(report.findings[0].tables) == {"A", "B"}


def test_counts_rounded_to_ten_give_intervals():
    # Region rows rounded to the nearest 10 (half up): "30" is any whole number 25 to 34, "50" is 45 to 54,
    # "[low]" is 1 to 4 (non-zero, rounds to 0), "0" is exactly 0 (a non-zero count would be [low]).
    # A + B + C + D = total with A [s] (≥ 6): A = total − B − C − D ∈ [45 − 34 − 4 − 0, 54 − 25 − 1 − 0] = [7, 28].
    t = pd.DataFrame({"part": ["A", "B", "C", "D", "All"], "children": ["[s]", "30", "[low]", "0", "50"]})
    d = audit.declare(t, "region", audit.Cells("children", "children | part={part}", rounded_to=10),
                      sums=[audit.SumOver("children", "part", total="All")])
    report = audit.audit_tables([(t, d)], exact=True)
    r = result(report, "children | part=A")
    assert (r["lower"], r["upper"], r["low"], r["high"]) == (7, 28, 7, 28)
    cells = audit.build_facts([audit.Source(t, d, "region")]).cells.set_index("text")
    assert tuple(cells.loc["30", ["lower", "upper"]]) == (25, 34)
    assert tuple(cells.loc["[low]", ["lower", "upper"]]) == (1, 4)
    assert tuple(cells.loc["0", ["lower", "upper"]]) == (0, 0)


def test_lp_bounds_agree_with_brute_force_on_a_three_by_three_table():
    # true:   2  9  4 | 15      published: [c] [s]  4 | 15
    #         7  3  8 | 18                 [s] [c] [s] | 18
    #         5  6  1 | 12                  5  [s] [c] | 12
    #        14 18 13 | 45                 14  18  13 | 45
    values = np.array([[2, 9, 4, 15], [7, 3, 8, 18], [5, 6, 1, 12], [14, 18, 13, 45]])
    symbols = {(0, 0): "[c]", (0, 1): "[s]", (1, 0): "[s]", (1, 1): "[c]", (1, 2): "[s]", (2, 1): "[s]", (2, 2): "[c]"}
    rows, cols = ["X", "Y", "Z", "Total"], ["A", "B", "C", "Total"]
    shown = [[symbols.get((i, j), str(values[i, j])) for j in range(4)] for i in range(4)]
    t = grid(shown, rows, cols)
    report = audit.audit_tables([(t, grid_declaration(t))], exact=True)
    # candidate values: [c] 1 to 5, [s] 6 or more; a part is at most its printed row and column totals
    allowed = {cell: within_totals(values, cell, *((1, 5) if s == "[c]" else (6, 45)), withheld=symbols)
               for cell, s in symbols.items()}
    expected = brute_force(values, allowed)
    for (i, j), (lo, hi) in expected.items():
        r = result(report, key(rows[i], cols[j]))
        assert (r["low"], r["high"]) == (lo, hi), (rows[i], cols[j])
