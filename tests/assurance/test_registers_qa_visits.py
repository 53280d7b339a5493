"""Quality-assurance visits, and one group against the rest (assurance._compare), worked by hand and against statsmodels."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest

from cscp_analysis.assurance import qa_visits as Q
from cscp_analysis.assurance._compare import against_the_rest, p_of, p_text

from .conftest import PERIOD, make


def visit(vid, agency, planned, held=None, status="held", grade="good"):
    return {"visit_id": vid, "agency": agency, "service": "A service", "planned_date": planned, "visit_date": held,
            "status": status, "grade": grade if status == "held" else None, "focus": None}


def test_visits_held_of_those_due_and_grades(config):
    v = make("qa_visits", [
        visit("V1", "HEALTH", "2026-01-10", "2026-01-12", grade="good"),
        visit("V2", "HEALTH", "2026-02-10", status="cancelled"),
        visit("V3", "HEALTH", "2026-09-20", status="planned"),  # its date passed: not held
        visit("V4", "POLICE", "2026-05-01", "2026-05-01", grade="inadequate"),
        visit("V5", "POLICE", "2026-09-29", "2026-10-02", grade="good"),  # held after the period end: not held yet
        visit("V6", "POLICE", "2025-09-30", "2025-09-30"),  # planned before the twelve months: left out
    ])
    t = Q.visits_by_agency(v, PERIOD, config).set_index("agency")
    health, police, both = t.loc["Health"], t.loc["Police"], t.loc["All agencies"]
    assert (health["planned"], health["held"], health["cancelled"], health["not_held"]) == (3, 1, 1, 1)
    assert health["pct_held"] == 50.0  # 1 held of 3 planned - 1 cancelled
    assert (police["planned"], police["held"], police["not_held"], police["inadequate"]) == (2, 1, 1, 1)
    assert (both["planned"], both["held"], both["good_or_better"], both["ri_or_inadequate"]) == (5, 2, 1, 1)
    assert both["pct_good"] == 50.0


def action(aid, agency, raised, done=None, due="2026-12-31"):
    return {"action_id": aid, "visit_id": "V1", "agency": agency, "raised_date": raised, "due_date": due,
            "status": "complete" if done else "open", "completed_date": done}


def test_closure_window_ends_90_days_before_the_period_end():
    a, b = Q.closure_window(PERIOD)
    assert (a, b) == (pd.Timestamp("2025-07-03"), pd.Timestamp("2026-07-02"))  # 30 September 2026 - 90 days


def test_actions_closed_within_90_days_edges(config):
    acts = make("qa_visit_actions", [
        action("A1", "HEALTH", "2026-07-02", "2026-09-30"),  # last day of the window; closed on day 90: within
        action("A2", "HEALTH", "2026-07-03", "2026-07-04"),  # agreed after the window: not counted
        action("A3", "HEALTH", "2026-01-01", "2026-04-02"),  # 91 days: not within
        action("A4", "HEALTH", "2025-07-03", "2025-07-10"),  # first day of the window: within
        action("A5", "POLICE", "2026-06-01", "2026-10-15"),  # completed after the period end: open, not within
        action("A6", "POLICE", "2026-03-01", None, due="2026-06-01"),  # open and overdue
    ])
    t = Q.action_closure(acts, PERIOD, config).set_index("agency")
    assert (t.loc["Health", "agreed"], t.loc["Health", "closed_in_90_days"]) == (3, 2)
    assert (t.loc["Police", "agreed"], t.loc["Police", "closed_in_90_days"]) == (2, 0)
    assert (t.loc["Police", "open_now"], t.loc["Police", "overdue_now"]) == (2, 1)  # A5 open at the end, A6 overdue
    assert t.loc["Health", "open_now"] == 0 and t.loc["All agencies", "open_now"] == 2


def test_one_group_against_the_rest_matches_statsmodels():
    df = pd.DataFrame({"g": ["a", "b", "c"], "x": [14, 35, 24], "n": [32, 38, 25]})
    out = against_the_rest(df, "x", "n").set_index("g")
    for g in ("a", "b", "c"):
        x, n = df.set_index("g").loc[g]
        xr, nr = df["x"].sum() - x, df["n"].sum() - n
        lo, hi = proportion_confint(x, n, method="wilson")
        assert out.loc[g, "pct"] == pytest.approx(100 * x / n)
        assert (out.loc[g, "lower_ci"], out.loc[g, "upper_ci"]) == pytest.approx((100 * lo, 100 * hi))
        assert out.loc[g, "pct_rest"] == pytest.approx(100 * xr / nr)  # the rest, not the whole
        dl, du = confint_proportions_2indep(x, n, xr, nr, method="newcomb")
        assert out.loc[g, "difference_pp"] == pytest.approx(100 * (x / n - xr / nr))
        assert (out.loc[g, "difference_lower"], out.loc[g, "difference_upper"]) == pytest.approx((100 * dl, 100 * du))
        assert out.loc[g, "p_value"] == pytest.approx(proportions_ztest([x, xr], [n, nr])[1])
    expected = multipletests(out["p_value"].to_numpy(), method="fdr_bh")[1]
    assert out["p_adjusted"].to_numpy() == pytest.approx(expected)


def test_p_values_as_published():
    assert p_text([0.0004, 0.0213, np.nan]) == ["<0.001", "0.021", "x"]
    assert p_of("<0.001") == 0.0 and p_of("0.021") == 0.021 and np.isnan(p_of("c"))


def test_section_names_the_slow_agency_and_says_what_is_missing(config):
    acts = [action(f"H{i}", "HEALTH", "2026-01-05", "2026-01-20") for i in range(30)]
    acts += [action(f"E{i}", "EDUCATION", "2026-01-05", "2026-01-20" if i < 5 else "2026-06-30") for i in range(20)]
    sec = Q.section({"qa_visit_actions": make("qa_visit_actions", acts)}, PERIOD, config)
    assert not sec.unavailable
    slow = [f for f in sec.findings if f.rule == "QAV-03"]
    assert len(slow) == 1 and slow[0].kind == "worried" and slow[0].text.startswith("Education closed 25.0%")
    missing = [f for f in sec.findings if f.rule == "QA-00"]
    assert missing and "quality-assurance visits register was not available" in missing[0].text
    view = sec.table("assurance_qa_actions_closure").view
    assert "Closed within 90 days (%)" in view.columns and not any("_" in c for c in view.columns)
    assert Q.section({}, PERIOD, config).unavailable
