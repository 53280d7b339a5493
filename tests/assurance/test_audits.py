"""Thematic audits: grade distributions, comparison with earlier audits, recommendations."""

import numpy as np
import pandas as pd
import pytest

from cscp_analysis.assurance import audits as AU
from cscp_analysis.disclosure import check_section

from .conftest import PERIOD, make


def grades(audit_id, date, theme, spec, copies=1):
    """spec: {(agency, line): [grade of case 1, grade of case 2, ...]}, the cases repeated ``copies`` times."""
    rows = []
    for (agency, line), gs in spec.items():
        for i, g in enumerate(gs * copies):
            rows.append({"audit_id": audit_id, "audit_date": date, "theme": theme, "case_ref": f"C{i + 1}",
                         "agency": agency, "line_of_enquiry": line, "grade": g})
    return rows


OS, G, R, IN = "outstanding", "good", "requires_improvement", "inadequate"
NOW = grades("MACA-2026-Q2", "2026-08-12", "Neglect", {
    ("CSC", "Voice of the child"): [OS, G, G, R],
    ("HEALTH", "Voice of the child"): [G, R, IN, IN],
    ("CSC", "Risk assessment"): [G, G, G, G],
    ("HEALTH", "Risk assessment"): [OS, G, R, G],
})
BEFORE = grades("MACA-2025-Q2", "2025-08-10", "neglect ", {   # same theme, other spelling
    ("CSC", "Voice of the child"): [R, R, G, IN],
    ("CSC", "Risk assessment"): [G, G, R, R],
})
OTHER = grades("MACA-2026-Q1", "2026-05-20", "Exploitation", {("POLICE", "Voice of the child"): [G, G, G, G]})
LATER = grades("MACA-2026-Q3", "2026-11-20", "Neglect", {("CSC", "Voice of the child"): [IN, IN, IN, IN]})


@pytest.fixture
def audits():
    return make("audits", NOW + BEFORE + OTHER + LATER)


def test_the_quarters_audit(audits):
    m = AU.audits_in_period(audits, PERIOD)
    assert m[["audit_id", "cases", "agencies", "lines_of_enquiry", "gradings"]].values.tolist() == [
        ["MACA-2026-Q2", 4, 2, 2, 16]]


def test_distribution_by_line_of_enquiry(audits):
    t = AU.grade_distribution(audits, PERIOD, by="line_of_enquiry").set_index("line_of_enquiry")
    # Voice of the child: OS G G R + G R IN IN -> 1 outstanding, 3 good, 2 RI, 2 inadequate; 4 of 8 good or better.
    assert t.loc["Voice of the child", list(AU.GRADES)].tolist() == [1, 3, 2, 2]
    assert t.loc["Voice of the child", "pct_good_or_better"] == pytest.approx(50.0)
    # Risk assessment: G G G G + OS G R G -> 1, 6, 1, 0; 7 of 8 = 87.5%.
    assert t.loc["Risk assessment", list(AU.GRADES)].tolist() == [1, 6, 1, 0]
    assert t.loc["Risk assessment", "pct_good_or_better"] == pytest.approx(87.5)
    assert t.loc["All", list(AU.GRADES)].tolist() == [2, 9, 3, 2]
    assert t.loc["All", "graded"] == 16 and t.loc["All", "pct_good_or_better"] == pytest.approx(100 * 11 / 16)
    assert list(t.index) == ["Risk assessment", "Voice of the child", "All"]


def test_distribution_by_agency_and_by_both(audits):
    t = AU.grade_distribution(audits, PERIOD, by="agency").set_index("agency")
    assert t.loc["HEALTH", list(AU.GRADES)].tolist() == [1, 3, 2, 2]
    both = AU.grade_distribution(audits, PERIOD, by=["line_of_enquiry", "agency"])
    cell = both.loc[(both["line_of_enquiry"] == "Voice of the child") & (both["agency"] == "HEALTH")].iloc[0]
    assert cell[list(AU.GRADES)].tolist() == [0, 1, 1, 2]
    assert both.iloc[-1]["graded"] == 16


def test_theme_history_compares_with_the_earlier_audit_on_the_theme(audits):
    h = AU.theme_history(audits, PERIOD)
    # Only neglect audits up to the period end: 2025 and 2026 (not the exploitation one, not November 2026's).
    assert h["audit_id"].tolist() == ["MACA-2025-Q2", "MACA-2026-Q2"]
    # 2025: R R G IN + G G R R = 3 of 8 good (37.5%); 2026: 11 of 16 (68.75%); change +31.25 points.
    assert h["pct_good_or_better"].tolist() == pytest.approx([37.5, 68.75])
    assert pd.isna(h["change_pp"].iloc[0]) and h["change_pp"].iloc[1] == pytest.approx(31.25)
    assert h["current"].tolist() == [False, True]
    by_line = AU.theme_history(audits, PERIOD, by="line_of_enquiry").set_index(["line_of_enquiry", "audit_id"])
    # Voice of the child: 1 of 4 (25%) -> 4 of 8 (50%): +25 points.
    assert by_line.loc[("Voice of the child", "MACA-2026-Q2"), "change_pp"] == pytest.approx(25.0)


def test_recommendations_are_the_actions_raised_from_the_audit(audits):
    actions = make("actions", [
        {"action_id": "A1", "source_type": "AUDIT", "source_ref": "MACA-2026-Q2", "description": "Hear the child",
         "owner_agency": "HEALTH", "raised_date": "2026-08-20", "due_date": "2026-09-30", "status": "open"},
        {"action_id": "A2", "source_type": "AUDIT", "source_ref": "MACA-2025-Q2", "description": "Old",
         "owner_agency": "CSC", "raised_date": "2025-08-20", "due_date": "2025-12-31", "status": "open"},
        {"action_id": "A3", "source_type": "LCSPR", "source_ref": "MACA-2026-Q2", "description": "Not an audit",
         "owner_agency": "CSC", "raised_date": "2026-08-20", "due_date": "2026-12-31", "status": "open"},
    ])
    r = AU.recommendations(actions, audits, PERIOD)
    assert r["action_id"].tolist() == ["A1"] and r["state"].tolist() == ["open"]  # due on the period end


def test_findings_never_quote_a_share_resting_on_a_small_count(audits, config):
    # The audit has 11 good-or-better and 5 weaker gradings: 5 is suppressed, so no share is quoted.
    f = AU.findings({"audits": audits, "actions": make("actions", [])}, PERIOD, config)
    rules = {x.rule: x for x in f}
    assert rules["AUD-01"].kind == "context" and "too small to publish" in rules["AUD-01"].text
    assert rules["AUD-01"].priority == "P3"  # neglect -> Tackling neglect
    assert rules["AUD-04"].kind == "needs_to_happen"
    for x in f:
        assert "%" not in x.text, x.text


def test_findings_from_a_larger_audit(config):
    # Three copies of each 2026 case: 6 OS, 27 G, 9 R, 6 IN: 33 of 48 good or better (68.75%).
    # Six copies of each 2025 case: 0 OS, 18 G, 24 R, 6 IN: 18 of 48 (37.5%). No count from 1 to 5, so both shares show.
    rows = grades("MACA-2026-Q2", "2026-08-12", "Neglect", dict(zip(
        [("CSC", "Voice of the child"), ("HEALTH", "Voice of the child"), ("CSC", "Risk assessment"),
         ("HEALTH", "Risk assessment")], [[OS, G, G, R], [G, R, IN, IN], [G, G, G, G], [OS, G, R, G]], strict=True)), copies=3) + \
        grades("MACA-2025-Q2", "2025-08-10", "Neglect", {("CSC", "Voice of the child"): [R, R, G, IN],
                                                         ("CSC", "Risk assessment"): [G, G, R, R]}, copies=6)
    f = {x.rule: x for x in AU.findings({"audits": make("audits", rows)}, PERIOD, config)}
    assert f["AUD-01"].kind == "working_well", f["AUD-01"].text
    # 31.25 points, rounded half up once at publication (as DfE tables): 31.3.
    assert "68.8% of 48 gradings were good or outstanding, up 31.3 percentage points" in f["AUD-01"].text
    # Voice of the child: 12 of 24 good or better (50%) is not "fewer than half"; Risk assessment 21 of 24 = 87.5%.
    # 21 of 24 is above three quarters, but the 3 weaker gradings are a small count: the line is named, no share.
    # (and 21 of 24 from 12 cases is clearly more than half: its interval allowing for the cases lies above one half)
    assert f["AUD-02"].kind == "working_well" and f["AUD-02"].text.endswith("being alike: Risk assessment.")
    # the change: 18 of 48 then 33 of 48, tested allowing for gradings of the same case being alike
    assert "a clear change (p" in f["AUD-01"].text


def _anova_icc(y, m):
    """The one-way ANOVA intracluster correlation written out (Donner & Klar 2000), for the tests."""
    import numpy as np

    y, m = np.asarray(y, float), np.asarray(m, float)
    k, n, total = len(y), m.sum(), y.sum()
    msb = ((y ** 2 / m).sum() - total ** 2 / n) / (k - 1)
    msw = (total - (y ** 2 / m).sum()) / (n - k)
    m0 = (n - (m ** 2).sum() / n) / (k - 1)
    return (msb - msw) / (msb + (m0 - 1) * msw)


def test_the_share_good_or_better_allows_for_gradings_clustered_within_cases():
    import math

    from scipy.stats import norm

    # Four cases graded four times each (by four agencies on one line): case 1 all good, case 2 all good, case 3
    # all inadequate, case 4 two good and two requires improvement: 10 of 16 good, strongly clustered by case.
    spec = {("CSC", "Risk"): [G, G, IN, G], ("HEALTH", "Risk"): [G, G, IN, G], ("POLICE", "Risk"): [G, G, IN, R],
            ("EDUCATION", "Risk"): [G, G, IN, R]}
    a = make("audits", grades("MACA-2026-Q2", "2026-08-12", "Neglect", spec))
    t = AU.good_or_better_intervals(a, PERIOD, by=None).iloc[0]
    y, m = [4, 4, 0, 2], [4, 4, 4, 4]
    icc = _anova_icc(y, m)
    # MSB = (9 - 6.25)/3 = 0.916667, MSW = (10 - 9)/12 = 0.083333, m0 = 4: ICC = 0.833333/1.166667 = 5/7
    assert icc == pytest.approx(5 / 7)
    deff = 1 + (4 - 1) * icc  # equal clusters of 4: Kish 1 + (m - 1) ICC = 22/7
    assert (t["cases"], t["icc"], t["design_effect"]) == (4, pytest.approx(icc), pytest.approx(deff))
    # Wilson on the effective counts 10/deff of 16/deff, written out
    z, x, n = norm.ppf(0.975), 10 / deff, 16 / deff
    p = x / n
    centre, half = (p + z * z / (2 * n)) / (1 + z * z / n), z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert (t["pct_lower"], t["pct_upper"]) == (pytest.approx(100 * (centre - half)), pytest.approx(100 * (centre + half)))
    # wider than the Wilson interval that treats the 16 gradings as independent
    p16 = 10 / 16
    half16 = z * math.sqrt(p16 * (1 - p16) / 16 + z * z / (4 * 256)) / (1 + z * z / 16)
    assert t["pct_upper"] - t["pct_lower"] > 2 * 100 * half16


def test_a_change_between_audits_is_tested_on_effective_counts():
    from scipy.stats import norm

    # 2025: four cases, each graded twice, both grades the same: 2 cases good, 2 not (4 of 8); 2026: four cases graded
    # twice, 3 cases good (6 of 8). Each audit: ICC 1 (perfectly alike within cases), deff = 1 + (2 - 1) x 1 = 2.
    before = grades("MACA-2025-Q2", "2025-08-10", "Neglect", {("CSC", "Risk"): [G, G, R, R], ("HEALTH", "Risk"): [G, G, R, R]})
    now = grades("MACA-2026-Q2", "2026-08-12", "Neglect", {("CSC", "Risk"): [G, G, G, R], ("HEALTH", "Risk"): [G, G, G, R]})
    h = AU.theme_history(make("audits", before + now), PERIOD)
    assert h["change_pp"].iloc[1] == pytest.approx(25.0)
    # effective counts 2 of 4 then 3 of 4; pooled z-test: p = 5/8, z = 0.25 / sqrt(5/8 x 3/8 x (1/4 + 1/4))
    z = 0.25 / (5 / 8 * 3 / 8 * 0.5) ** 0.5
    assert h["change_p"].iloc[1] == pytest.approx(2 * norm.sf(z))
    assert np.isnan(h["change_p"].iloc[0])


def test_no_audit_in_the_quarter(config):
    f = AU.findings({"audits": make("audits", OTHER)}, PERIOD, config)
    assert len(f) == 1 and f[0].kind == "context" and "No multi-agency audit" in f[0].text


def test_published_audit_tables_hide_small_counts_consistently(config):
    # Three copies of the 2026 cases: 6 OS, 27 G, 9 R, 6 IN (48). Add 2 more outstanding gradings from a
    # fourth agency: 8 OS, 27 G, 9 R, 6 IN, 2 of them on a line with few gradings.
    rows = grades("MACA-2026-Q2", "2026-08-12", "Neglect", dict(zip(
        [("CSC", "Voice of the child"), ("HEALTH", "Voice of the child"), ("CSC", "Risk assessment"),
         ("HEALTH", "Risk assessment")], [[OS, G, G, R], [G, R, IN, IN], [G, G, G, G], [OS, G, R, G]], strict=True)), copies=3) + \
        grades("MACA-2026-Q2", "2026-08-12", "Neglect", {("POLICE", "Early help"): [OS, OS]})
    sec = AU.section({"audits": make("audits", rows), "actions": make("actions", [])}, PERIOD, config)
    check_section(sec, 5)
    four = sec["assurance_audit_grades"].set_index("grade")
    assert four.loc["Outstanding", "gradings"] == "8" and four.loc["Good", "gradings"] == "27"
    assert four.loc["Outstanding", "pct"] == "16.0"  # 8 of 50
    # By line: Early help has 2 gradings, both good or better: 2 and its total are hidden, and so is the
    # next smallest line in the same column, so that neither can be worked out from the "All" row.
    line = sec["assurance_audit_grades_by_line"].set_index("line_of_enquiry")
    assert line.loc["Early help", ["good_or_better", "graded", "pct_good_or_better"]].tolist() == ["c", "c", "c"]
    assert (line["good_or_better"] == "c").sum() >= 2 and (line["graded"] == "c").sum() >= 2
    assert line.loc["All", ["good_or_better", "ri_or_inadequate", "graded"]].tolist() == ["35", "15", "50"]
