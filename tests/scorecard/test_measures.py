"""Measures on tiny hand-made tables: each definition's boundaries worked out by hand."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from cscp_analysis.periods import parse_period
from cscp_analysis.scorecard.measures import MeasureData, Quarterly, Windows, population_year

D = pd.Timestamp


def data(**tables):
    frames = {}
    for name, rows in tables.items():
        df = pd.DataFrame(rows)
        for c in df.columns:
            if "date" in c or c.endswith(("_start", "_end", "_authorised")):
                df[c] = pd.to_datetime(df[c])
        frames[name] = df
    return MeasureData(SimpleNamespace(tables=frames, partner=None, blocked={}))


def at(day: str) -> Windows:
    """A one-day window (for stocks, evaluated at its end)."""
    d = np.array([day], dtype="datetime64[D]")
    return Windows("quarter", (day,), d, d, (parse_period("2025-26-Q4"),), 3)


def between(start: str, end: str) -> Windows:
    return Windows("quarter", ("w",), np.array([start], dtype="datetime64[D]"), np.array([end], dtype="datetime64[D]"),
                   (parse_period("2025-26-Q4"),), 3)


def test_rereferral_within_twelve_months_includes_the_same_date_a_year_later():
    d = data(referrals=[
        {"referral_id": "R1", "child_id": "A", "referral_date": "2024-05-10"},
        {"referral_id": "R2", "child_id": "A", "referral_date": "2025-05-10"},  # exactly a year later: a re-referral
        {"referral_id": "R3", "child_id": "A", "referral_date": "2026-05-11"},  # a year and a day: not
        {"referral_id": "R4", "child_id": "B", "referral_date": "2025-06-01"},
        {"referral_id": "R5", "child_id": "B", "referral_date": "2025-06-01"},  # same day, second referral: re-referral
        {"referral_id": "R6", "child_id": "C", "referral_date": "2025-06-02"},  # first referral of C
    ])
    ev = d.get("csc.rereferrals")
    assert list(ev.dates.astype(str)) == ["2025-05-10", "2025-06-01"]
    assert d.get("csc.referrals").count(between("2024-01-01", "2026-12-31"))[0] == 6


def test_assessment_within_45_working_days_across_easter_and_may_bank_holidays():
    # From Thursday 10 April 2025, not counting that day, and excluding Good Friday (18 Apr), Easter
    # Monday (21 Apr), 5 May and 26 May: the 45th working day is Wednesday 18 June 2025 (hand count).
    d = data(assessments=[
        {"assessment_start": "2025-04-10", "assessment_authorised": "2025-06-18", "factors": None},
        {"assessment_start": "2025-04-10", "assessment_authorised": "2025-06-19", "factors": None},
        {"assessment_start": "2025-04-10", "assessment_authorised": None, "factors": None},  # still open
    ])
    w = between("2025-04-01", "2025-06-30")
    assert d.get("csc.assessments_completed").count(w)[0] == 2
    assert d.get("csc.assessments_within_45wd").count(w)[0] == 1
    assert sorted(d.get("csc.assessment_working_days").values_in(w)[0]) == [45, 46]


def test_icpc_within_15_working_days_of_the_strategy_discussion_over_christmas():
    # Strategy discussion Tuesday 16 December 2025; 25, 26 December and 1 January are bank holidays:
    # the 15th working day after it is Friday 9 January 2026 (hand count); Monday 12 January is the 16th.
    d = data(section47=[{"s47_id": "S1", "strategy_discussion_date": "2025-12-16"},
                        {"s47_id": "S2", "strategy_discussion_date": "2025-12-16"}],
             icpc=[{"icpc_id": "I1", "s47_id": "S1", "icpc_date": "2026-01-09"},
                   {"icpc_id": "I2", "s47_id": "S2", "icpc_date": "2026-01-12"}])
    w = between("2026-01-01", "2026-03-31")
    assert d.get("csc.icpcs").count(w)[0] == 2
    assert d.get("csc.icpcs_within_15wd").count(w)[0] == 1


def test_a_plan_ending_on_the_date_is_not_open_on_it_and_one_starting_on_it_is():
    d = data(cp_plans=[
        {"plan_id": "P1", "child_id": "A", "plan_start": "2025-01-01", "plan_end": "2025-03-31"},
        {"plan_id": "P2", "child_id": "B", "plan_start": "2025-03-31", "plan_end": None},
        {"plan_id": "P3", "child_id": "C", "plan_start": "2023-03-31", "plan_end": None},  # exactly two years at 31 March 2025
        {"plan_id": "P4", "child_id": "D", "plan_start": "2023-04-01", "plan_end": None},  # a day short of two years
    ])
    assert d.get("csc.cp_plans_open").count(at("2025-03-31"))[0] == 3  # P2, P3, P4
    assert d.get("csc.cp_plans_open").count(at("2025-03-30"))[0] == 3  # P1, P3, P4
    assert d.get("csc.cp_plans_open_2yrs").count(at("2025-03-31"))[0] == 1


def test_repeat_plan_counts_a_plan_after_an_earlier_one_at_any_time():
    d = data(cp_plans=[
        {"plan_id": "P1", "child_id": "A", "plan_start": "2012-06-01", "plan_end": "2013-01-01"},
        {"plan_id": "P2", "child_id": "A", "plan_start": "2025-05-01", "plan_end": None},  # second plan, 12 years on
        {"plan_id": "P3", "child_id": "B", "plan_start": "2025-05-02", "plan_end": None},  # first plan
    ])
    w = between("2025-04-01", "2025-06-30")
    assert d.get("csc.cp_plans_started").count(w)[0] == 2
    assert d.get("csc.cp_plans_started_repeat").count(w)[0] == 1


def test_three_or_more_placements_in_the_year_for_children_looked_after_at_the_date():
    d = data(
        cla_periods=[{"cla_id": "L1", "child_id": "A", "cla_start": "2024-01-01", "cla_end": None},
                     {"cla_id": "L2", "child_id": "B", "cla_start": "2024-01-01", "cla_end": None},
                     {"cla_id": "L3", "child_id": "C", "cla_start": "2025-06-01", "cla_end": "2026-02-01"}],
        cla_placements=[
            # A: the first placement ended exactly a year before 31 March 2026, so it is not in the year; 3 are
            {"child_id": "A", "placement_start": "2024-01-01", "placement_end": "2025-03-31"},
            {"child_id": "A", "placement_start": "2025-03-31", "placement_end": "2025-08-01"},
            {"child_id": "A", "placement_start": "2025-08-01", "placement_end": "2026-01-01"},
            {"child_id": "A", "placement_start": "2026-01-01", "placement_end": None},
            # B: two in the year
            {"child_id": "B", "placement_start": "2024-01-01", "placement_end": "2025-04-01"},
            {"child_id": "B", "placement_start": "2025-04-01", "placement_end": None},
            # C: three in the year, but no longer looked after at 31 March 2026
            {"child_id": "C", "placement_start": "2025-06-01", "placement_end": "2025-07-01"},
            {"child_id": "C", "placement_start": "2025-07-01", "placement_end": "2025-09-01"},
            {"child_id": "C", "placement_start": "2025-09-01", "placement_end": "2026-02-01"},
        ])
    assert d.get("csc.cla_open").count(at("2026-03-31"))[0] == 2
    assert d.get("csc.cla_3plus_placements").count(at("2026-03-31"))[0] == 1
    # at 31 January 2026 C is still looked after with three placements in the year
    assert d.get("csc.cla_3plus_placements").count(at("2026-01-31"))[0] == 2


def test_distinct_children_are_counted_once_per_window():
    d = data(missing_episodes=[
        {"child_id": "A", "missing_start": "2026-01-05", "rhi_offered": "Y"},
        {"child_id": "A", "missing_start": "2026-01-20", "rhi_offered": "N"},
        {"child_id": "B", "missing_start": "2026-02-01", "rhi_offered": "Y"},
        {"child_id": "A", "missing_start": "2026-04-01", "rhi_offered": "Y"},
    ], cla_periods=[
        {"cla_id": "L1", "child_id": "A", "cla_start": "2026-01-02", "cla_end": "2026-01-10"},
        {"cla_id": "L2", "child_id": "A", "cla_start": "2026-02-02", "cla_end": None},
    ])
    q = between("2026-01-01", "2026-03-31")
    assert d.get("csc.missing_episodes").count(q)[0] == 3
    assert d.get("csc.children_missing").count(q)[0] == 2
    assert d.get("csc.missing_rhi_offered").count(q)[0] == 2
    assert d.get("csc.cla_started").count(q)[0] == 1  # one child, two periods of care


def test_exploitation_factors_match_whole_codes_only():
    d = data(assessments=[
        {"assessment_start": "2026-01-02", "assessment_authorised": "2026-01-20", "factors": "3B;11A"},
        {"assessment_start": "2026-01-02", "assessment_authorised": "2026-01-21", "factors": "24A"},
        {"assessment_start": "2026-01-02", "assessment_authorised": "2026-01-22", "factors": "11A;24A"},
        {"assessment_start": "2026-01-02", "assessment_authorised": "2026-01-23", "factors": "16A;1A;4A;11;124A"},
        {"assessment_start": "2026-01-02", "assessment_authorised": "2026-01-24", "factors": None},
    ])
    assert d.get("csc.assessments_exploitation").count(between("2026-01-01", "2026-03-31"))[0] == 3


def test_partner_quarters_sum_to_twelve_months_only_when_all_four_arrived():
    periods = [parse_period("2025-26-Q4").shift(-k) for k in range(4)][::-1]
    flow = Quarterly({p.label: 10.0 * (i + 1) for i, p in enumerate(periods)}, flow=True)
    roll = Windows.rolling([periods[-1]])
    assert flow.count(roll)[0] == 100.0
    gap = Quarterly({p.label: 10.0 for p in periods[1:]}, flow=True)
    assert np.isnan(gap.count(roll)[0])
    snap = Quarterly({p.label: 10.0 * (i + 1) for i, p in enumerate(periods)}, flow=False)
    assert snap.count(roll)[0] == 40.0
    assert np.isnan(flow.count(Windows.monthly([periods[-1]]))).all()  # no monthly figures in a quarterly return


def test_population_year_follows_dfe_and_falls_back_to_the_latest_estimate():
    assert population_year(D("2026-03-31")) == 2025  # year ending 31 March 2026 uses mid-2025
    assert population_year(D("2026-04-01")) == 2026
    rows = [{"year": y, "age": a, "population": 100 * (y - 2020)} for y in (2023, 2024) for a in (5, 12)]
    d = data(population=rows)
    pop = d.get("population.age_0_17")
    assert pop.count(at("2024-06-30"))[0] == 800  # mid-2024: 2 ages x 400
    assert pop.count(at("2026-09-30"))[0] == 800  # mid-2026 not available: mid-2024 used
    assert pop.used["2026"] == "mid-2024"
    assert d.get("population.age_10_17").count(at("2024-01-31"))[0] == 300  # FY 2023-24 -> mid-2023, age 12 only


def test_actions_open_and_overdue_at_a_date():
    d = data(actions=[
        {"raised_date": "2025-01-01", "due_date": "2025-06-30", "completed_date": None},  # open, overdue at 1 Jul
        {"raised_date": "2025-01-01", "due_date": "2025-07-01", "completed_date": None},  # due on the day: not overdue
        {"raised_date": "2025-01-01", "due_date": "2025-03-01", "completed_date": "2025-07-01"},  # completed that day
    ])
    assert d.get("actions.open").count(at("2025-07-01"))[0] == 2
    assert d.get("actions.open_overdue").count(at("2025-07-01"))[0] == 1
    assert d.get("actions.open_overdue").count(at("2025-06-30"))[0] == 1  # the third was overdue and open then


def test_a_window_before_a_register_begins_has_no_data_rather_than_zero():
    d = data(training_attendance=[{"session_date": "2023-04-12", "attended": "Y"},
                                  {"session_date": "2023-05-02", "attended": "N"}])
    q = Windows.quarters([parse_period("2022-23-Q4"), parse_period("2023-24-Q1"), parse_period("2023-24-Q2")])
    got = d.get("training.places_attended").count(q)
    assert np.isnan(got[0]) and list(got[1:]) == [1.0, 0.0]  # before the register: unknown; after: zero
