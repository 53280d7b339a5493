"""Rapid reviews and practice reviews against calendars worked out by hand."""

import pandas as pd
import pytest

from cscp_analysis.assurance import reviews as R
from cscp_analysis.periods import PeriodWords

from .conftest import PERIOD, make


def rv(review_id, notified, rapid=None, decision="PENDING", commissioned=None, due=None, published=None, themes=None):
    return {"review_id": review_id, "notification_date": notified, "rapid_review_date": rapid, "decision": decision,
            "lcspr_commissioned_date": commissioned, "lcspr_due_date": due, "lcspr_published_date": published,
            "themes": themes}


def status(rows, period=PERIOD):
    return R.rapid_review_status(make("reviews", rows), period).set_index("review_id")


def test_notified_the_day_before_a_bank_holiday_weekend():
    # Notified Friday 22 May 2026. Saturday 23, Sunday 24 and Monday 25 May (spring bank holiday) are not
    # working days. Working days after the notification: Tue 26, Wed 27, Thu 28, Fri 29 May (4);
    # 1-5 June (9); 8-12 June (14); Monday 15 June is the 15th. Ignoring the bank holiday would have
    # made Friday 12 June the last day.
    s = status([rv("RR1", "2026-05-22", "2026-06-15", "NO_REVIEW"), rv("RR2", "2026-05-22", "2026-06-16", "LCSPR")])
    assert s.loc["RR1", "due_date"] == pd.Timestamp("2026-06-15")
    assert s.loc["RR1", "working_days"] == 15 and bool(s.loc["RR1", "within_15"])
    assert s.loc["RR2", "working_days"] == 16 and not bool(s.loc["RR2", "within_15"])
    assert s.loc["RR1", "status"] == "within 15 working days"
    assert s.loc["RR2", "status"] == "later than 15 working days"


def test_notified_before_easter():
    # Thursday 2 April 2026; Good Friday 3 April and Easter Monday 6 April are bank holidays.
    # Tue 7 - Fri 10 April (4), 13-17 (9), 20-24 (14), Monday 27 April is the 15th working day.
    s = status([rv("RR1", "2026-04-02", "2026-04-27", "NO_REVIEW")], period="2026-27-Q1")
    assert s.loc["RR1", "due_date"] == pd.Timestamp("2026-04-27") and s.loc["RR1", "working_days"] == 15


def test_notification_day_is_not_counted():
    # Monday 7 September 2026, completed the same day: 0 working days; the next day: 1.
    s = status([rv("A", "2026-09-07", "2026-09-07", "NO_REVIEW"), rv("B", "2026-09-07", "2026-09-08", "NO_REVIEW")])
    assert (s.loc["A", "working_days"], s.loc["B", "working_days"]) == (0, 1)


def test_pending_reviews_as_at_the_period_end():
    # Notified Tuesday 15 September 2026: by Wednesday 30 September, 11 working days (16-18, 21-25, 28-30):
    # pending, not yet due. Notified Tuesday 1 September: 21 working days by 30 September: overdue.
    # Completed on 2 October, after the period end: still pending at the period end, decision pending.
    s = status([rv("A", "2026-09-15"), rv("B", "2026-09-01"), rv("C", "2026-09-01", "2026-10-02", "LCSPR")])
    assert s.loc["A", "working_days_so_far"] == 11 and s.loc["A", "status"] == "pending, not yet due"
    assert s.loc["B", "working_days_so_far"] == 21 and s.loc["B", "status"] == "pending and overdue"
    assert s.loc["C", "status"] == "pending and overdue" and s.loc["C", "decision"] == "PENDING"
    assert pd.isna(s.loc["C", "within_15"])


def test_rolling_twelve_month_window_edges():
    # 2026-27-Q2: the twelve months run from 1 October 2025 to 30 September 2026.
    s = status([rv("in_first", "2025-10-01", "2025-10-10", "NO_REVIEW"), rv("out", "2025-09-30", "2025-10-10", "NO_REVIEW"),
                rv("in_last", "2026-09-30"), rv("future", "2026-10-01")])
    assert sorted(s.index) == ["in_first", "in_last"]


def test_summary_groups_add_up_to_notifications():
    rows = [rv("A", "2026-05-22", "2026-06-15", "NO_REVIEW"), rv("B", "2026-05-22", "2026-06-16", "LCSPR"),
            rv("C", "2026-09-15"), rv("D", "2026-01-10", "2026-01-20", "NATIONAL")]
    t = R.review_summary(make("reviews", rows), PERIOD)
    for group, g in t.groupby("group"):
        assert g["reviews"].iloc[0] == 4 and g["reviews"].iloc[1:].sum() == 4, group
    v = t.set_index(["group", "measure"])["reviews"]
    assert v[("timeliness", "Rapid review within 15 working days")] == 2  # A and D (D: 8 working days)
    assert v[("timeliness", "Rapid review later than 15 working days")] == 1
    assert v[("decision", "Local child safeguarding practice review")] == 1
    assert v[("decision", "Decision pending")] == 1


def test_lcspr_due_on_the_period_end_is_not_overdue():
    rows = [
        rv("A", "2025-11-03", "2025-11-20", "LCSPR", commissioned="2025-12-01", due="2026-09-30"),  # due on the end
        rv("B", "2025-11-03", "2025-11-20", "LCSPR", commissioned="2025-12-01", due="2026-09-29"),  # overdue
        rv("C", "2025-10-03", "2025-10-20", "LCSPR", commissioned="2025-11-01", due="2026-05-01",
           published="2026-06-10"),                                                               # published late
        rv("D", "2025-10-03", "2025-10-20", "LCSPR", commissioned="2025-11-01", due="2026-05-01",
           published="2026-10-10"),  # published after the period end: in progress and overdue at the end
    ]
    v = R.lcspr_status(make("reviews", rows), PERIOD).set_index("measure")["reviews"]
    assert v["Commissioned (to date)"] == 4
    assert v["In progress at the period end"] == 3
    assert v["In progress and past the due date"] == 2  # B and D; A is due on the period end itself
    assert v["Published in the last twelve months"] == 1
    assert v["Published in the last twelve months after the due date"] == 1


def test_themes_count_reviews_not_mentions():
    rows = [rv("A", "2026-05-01", themes="Neglect; Information sharing;Neglect"), rv("B", "2026-06-01", themes="Neglect"),
            rv("C", "2025-01-01", themes="Exploitation")]
    t = R.learning_themes(make("reviews", rows), PERIOD)
    assert t.to_dict("list") == {"theme": ["Neglect", "Information sharing"], "reviews": [2, 1]}


def test_rolling_series_is_as_at_each_quarter_end():
    rows = [rv("A", "2026-03-20", "2026-04-20", "NO_REVIEW")]  # completed in the next quarter, 20 working days
    t = R.rolling_series(make("reviews", rows), PERIOD, quarters=3).set_index("period")
    assert t.loc["2025-26-Q4"].to_dict() == {"notified": 1, "completed": 0, "within_15": 0, "late": 0, "pending": 1}
    assert t.loc["2026-27-Q1"].to_dict() == {"notified": 1, "completed": 1, "within_15": 0, "late": 1, "pending": 0}


def test_findings_never_quote_small_counts(config):
    rows = [rv("A", "2026-05-22", "2026-06-15", "NO_REVIEW"), rv("B", "2026-05-22", "2026-06-16", "LCSPR",
            commissioned="2026-07-01", due="2026-09-01")]
    f = {x.rule: x for x in R.findings({"reviews": make("reviews", rows)}, PERIOD, config)}
    assert f["REV-01"].kind == "worried" and "At least one" in f["REV-01"].text
    assert f["REV-03"].kind == "needs_to_happen"
    for x in f.values():
        assert not any(ch.isdigit() for ch in x.text.replace(PeriodWords.quarter(PERIOD).end, "").replace("15", "")), x.text


def test_findings_when_every_review_was_on_time(config):
    rows = [rv(f"R{i}", "2026-05-22", "2026-06-15", "NO_REVIEW") for i in range(7)]
    f = R.findings({"reviews": make("reviews", rows)}, PERIOD, config)
    assert f[0].kind == "working_well" and "All 7 rapid reviews" in f[0].text


@pytest.mark.parametrize("n", [0])
def test_findings_with_no_notifications(n, config):
    f = R.findings({"reviews": make("reviews", [])}, PERIOD, config)
    assert f[0].kind == "context" and "No serious incidents" in f[0].text
