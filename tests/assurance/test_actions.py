"""The action plan as at the period end, against hand-worked examples."""

import pandas as pd
import pytest

from cscp_analysis.assurance import actions as A
from cscp_analysis.disclosure import check_section

from .conftest import PERIOD, make


def act(action_id, due, status="open", completed=None, raised="2026-01-05", source="AUDIT", owner="CSC"):
    return {"action_id": action_id, "source_type": source, "source_ref": "MACA-2025-Q4", "description": f"do {action_id}",
            "owner_agency": owner, "raised_date": raised, "due_date": due, "status": status, "completed_date": completed}


def status_of(rows, period=PERIOD):
    return A.action_status(make("actions", rows), period).set_index("action_id")


def test_action_due_on_the_period_end_is_not_overdue():
    # Due 30 September 2026, the last day of 2026-27-Q2, still open: not overdue at the end of that quarter.
    s = status_of([act("A1", "2026-09-30")])
    assert bool(s.loc["A1", "open"]) and not bool(s.loc["A1", "overdue"])
    assert s.loc["A1", "days_overdue"] == 0
    assert s.loc["A1", "ageing_band"] == "not yet due"


def test_action_due_the_day_before_the_period_end_is_overdue_by_one_day():
    s = status_of([act("A1", "2026-09-29")])
    assert bool(s.loc["A1", "overdue"]) and s.loc["A1", "days_overdue"] == 1
    assert s.loc["A1", "ageing_band"] == "1 to 30 days overdue"


def test_the_same_action_is_overdue_one_quarter_later():
    s = status_of([act("A1", "2026-09-30")], period="2026-27-Q3")
    # 1 October to 31 December 2026 is 92 days.
    assert bool(s.loc["A1", "overdue"]) and s.loc["A1", "days_overdue"] == 92
    assert s.loc["A1", "ageing_band"] == "91 to 180 days overdue"


@pytest.mark.parametrize("due, days, band", [
    ("2026-08-31", 30, "1 to 30 days overdue"),      # 30 September - 31 August = 30 days
    ("2026-08-30", 31, "31 to 90 days overdue"),
    ("2026-07-02", 90, "31 to 90 days overdue"),     # July has 31 days: 29 + 31 + 30 = 90
    ("2026-07-01", 91, "91 to 180 days overdue"),
    ("2026-04-03", 180, "91 to 180 days overdue"),   # April 3 -> Sept 30: 27 + 31 + 30 + 31 + 31 + 30 = 180
    ("2026-04-02", 181, "over 180 days overdue"),
])
def test_ageing_band_edges(due, days, band):
    s = status_of([act("A1", due, raised="2026-01-01")])
    assert s.loc["A1", "days_overdue"] == days and s.loc["A1", "ageing_band"] == band


def test_completed_after_the_period_end_is_open_at_the_period_end():
    # The tracker says complete on 3 October; at 30 September it was open, and overdue (due 15 September).
    s = status_of([act("A1", "2026-09-15", status="complete", completed="2026-10-03")])
    assert bool(s.loc["A1", "open"]) and bool(s.loc["A1", "overdue"]) and s.loc["A1", "days_overdue"] == 15
    assert pd.isna(s.loc["A1", "completed_on_time"])


def test_completed_on_the_due_date_is_on_time_and_a_day_later_is_not():
    s = status_of([act("A1", "2026-06-30", "complete", "2026-06-30"), act("A2", "2026-06-30", "complete", "2026-07-01")])
    assert bool(s.loc["A1", "completed_on_time"]) is True
    assert bool(s.loc["A2", "completed_on_time"]) is False
    assert not s["overdue"].any()


def test_actions_raised_after_the_period_end_are_left_out():
    s = status_of([act("A1", "2026-12-31", raised="2026-10-01"), act("A2", "2026-12-31")])
    assert list(s.index) == ["A2"]


def test_summary_against_hand_counts():
    rows = [
        act("A1", "2026-09-30"),                                         # open, not overdue
        act("A2", "2026-09-01"),                                         # open, overdue
        act("A3", "2026-08-01", "complete", "2026-07-20"),               # on time, completed in quarter
        act("A4", "2026-05-01", "complete", "2026-05-10"),               # late
        act("A5", "2026-12-01", "complete", "2026-06-01", source="SCRUTINY", owner="POLICE"),  # on time
        act("A6", "2026-06-01", source="SCRUTINY", owner="POLICE", raised="2026-08-01"),        # overdue, raised in Q
    ]
    t = A.action_summary(make("actions", rows), PERIOD).set_index("source_type")
    allr = t.loc["All actions"]
    assert (allr["raised"], allr["open"], allr["overdue"], allr["completed"]) == (6, 3, 2, 3)
    assert allr["pct_overdue"] == pytest.approx(100 * 2 / 3)
    assert (allr["completed_on_time"], allr["completed_with_date"]) == (2, 3)
    assert allr["pct_on_time"] == pytest.approx(100 * 2 / 3)
    assert (allr["raised_in_quarter"], allr["completed_in_quarter"]) == (1, 1)
    assert (t.loc["AUDIT", "overdue"], t.loc["SCRUTINY", "overdue"]) == (1, 1)
    assert t.loc["SCRUTINY", "pct_on_time"] == pytest.approx(100.0)
    by_owner = A.action_summary(make("actions", rows), PERIOD, by="owner_agency").set_index("owner_agency")
    assert by_owner.loc["POLICE", "raised"] == 2 and by_owner.loc["CSC", "raised"] == 4


def test_ageing_table_has_every_band_and_adds_up():
    rows = [act("A1", "2026-09-30"), act("A2", "2026-09-01"), act("A3", "2025-01-01", raised="2024-06-01"),
            act("A4", "2026-05-01", "complete", "2026-05-10")]
    t = A.ageing(make("actions", rows), PERIOD)
    assert t["ageing_band"].tolist() == list(A.AGEING_LABELS)
    assert t["open_actions"].tolist() == [1, 1, 0, 0, 1]
    by = A.ageing(make("actions", rows), PERIOD, by="source_type")
    assert by["All"].tolist() == [1, 1, 0, 0, 1]


def test_overdue_list_has_no_source_reference_and_is_most_overdue_first():
    rows = [act("A1", "2026-09-01", source="RAPID_REVIEW"), act("A2", "2026-03-01")]
    t = A.overdue_actions(make("actions", rows), PERIOD)
    assert t["action_id"].tolist() == ["A2", "A1"]
    assert "source_ref" not in t.columns
    assert t["source"].tolist() == ["Multi-agency audit", "Rapid review"]


def test_findings_do_not_call_an_action_due_on_the_period_end_overdue():
    f = A.findings({"actions": make("actions", [act("A1", "2026-09-30")])}, PERIOD)
    assert [x.rule for x in f] == ["ACT-01"] and f[0].kind == "working_well"


def test_findings_name_the_overdue_share_and_owners():
    rows = [act("A1", "2026-09-30"), act("A2", "2026-09-01", owner="HEALTH"), act("A3", "2026-01-01", owner="HEALTH")]
    f = {x.rule: x for x in A.findings({"actions": make("actions", rows)}, PERIOD)}
    assert f["ACT-01"].kind == "worried"
    assert "2 of 3 open actions" in f["ACT-01"].text and "66.7%" in f["ACT-01"].text
    assert "272 days" in f["ACT-01"].text  # 1 January to 30 September 2026: 273 - 1 = 272 days
    assert "HEALTH (2)" in f["ACT-02"].text
    assert f["ACT-04"].kind == "needs_to_happen"  # A3 is more than 180 days overdue


def test_a_missing_register_is_said_not_silently_skipped():
    from cscp_analysis import assurance

    for area, module in assurance.AREAS.items():
        sec = module.section({}, PERIOD)
        assert not sec.tables, area
        assert [f.rule for f in sec.findings] == ["QA-00"] and "not available" in sec.findings[0].text, area


def test_empty_registers_give_sections_that_draw_and_say_so():
    from cscp_analysis import assurance
    from cscp_analysis.returns.schemas import ASSURANCE_TABLES

    tables = {t: make(t, []) for t in ASSURANCE_TABLES}
    for area, module in assurance.AREAS.items():
        sec = module.section(tables, PERIOD)
        for f in sec.figures:
            assert f.draw() is not None, area
        check_section(sec, 5)
    rules = {f.rule for f in assurance.findings(tables, PERIOD)}
    assert {"AUD-01", "SA-01", "REV-01", "TRN-01", "VOI-01", "LAD-01", "CDP-01"} <= rules
