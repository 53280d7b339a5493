"""Cohorts: children (not events) in a window, their group, their age at the first event, decision points."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cscp_analysis.disproportionality import cohorts as co
from cscp_analysis.periods import age_at

from .helpers import row


def _extract():
    ch = pd.DataFrame({
        "child_id": ["A", "B", "C", "D", "E", "F", "G"],
        "date_of_birth": pd.to_datetime(["2010-10-01", "2015-02-28", "2020-01-01", "2026-05-01", "2012-02-29",
                                         "2009-03-15", "2014-07-07"]),
        "sex": ["M", "F", "M", "F", "U", "M", "F"],
        "ethnicity": ["WBRI", "BCRB", "APKN", "NOBT", "WBRI", "REFU", " bafr "],
        "disability": ["N", "Y", "N", "N", "U", "N", ""],
    })
    ref = pd.DataFrame({
        "child_id": ["A", "A", "B", "C", "C", "D", "E", "F", "G", "ZZ"],
        "referral_date": pd.to_datetime([
            "2025-10-01",  # A: first day of the window (in)
            "2026-09-30",  # A again: last day (in) -> A counted once, two events
            "2025-09-30",  # B: the day before the window (out)
            "2026-10-01",  # C: the day after (out)
            "2026-01-15",  # C: in
            "2026-03-01",  # D: before birth (unborn)
            "2026-02-28",  # E: born 29 Feb 2012: 13 on 28 Feb 2026 (birthday counts from 1 March)
            "2026-03-15",  # F: 17th birthday
            "2026-04-01",  # G
            "2026-04-01",  # ZZ: not in the children table
        ]),
    })
    ass = pd.DataFrame({"child_id": ["A", "B", "C", "G"],
                        "assessment_start": pd.to_datetime(["2025-10-03", "2026-01-01", "2026-01-20", "2026-04-02"])})
    return co.prepare({"children": ch, "referrals": ref, "assessments": ass})


W = co.Window("2026-27-Q2", date(2025, 10, 1), date(2026, 9, 30))


def _pop():
    rows = []
    for age in range(18):
        for sex in "MF":
            for eth, n in (("WBRI", 100), ("BCRB", 20), ("APKN", 30), ("BAFR", 50)):
                rows.append((2026, age, sex, eth, n))
    return pd.DataFrame(rows, columns=["year", "age", "sex", "ethnicity", "population"])


def test_window_edges_children_once_and_events():
    ex = _extract()
    gs = co.groupings("WBRI")
    P = co.population_array(_pop(), 2026)
    t = co.count_stage(ex, "referral", W, gs[:1], P)
    # In the window: A (twice), C (once), D, E, F, G; B's referral is the day before, C's second the day after.
    wbri = row(t, group="WBRI")
    assert wbri["children"] == 2  # A and E
    assert wbri["events"] == 3  # A twice, E once
    assert row(t, group="Asian")["children"] == 1  # C
    assert row(t, group="Black")["children"] == 1  # G (" bafr " read as BAFR)
    assert row(t, group="Black")["children"] + row(t, group="Asian")["children"] + wbri["children"] == 4
    # D (NOBT) and F (REFU): ethnicity not known, counted apart
    assert wbri["unknown_ethnicity"] == 2
    q = co.ethnicity_quality(ex, "referral", W)
    assert (q["children"], q["refused"], q["not_obtained"]) == (6, 1, 1)
    assert ex.notes["referrals_unmatched_child"] == 1  # ZZ


def test_age_band_at_first_event_and_unborn():
    ex = _extract()
    gs = {g.characteristic: g for g in co.groupings("WBRI")}
    P = co.population_array(_pop(), 2026)
    t = co.count_stage(ex, "referral", W, [gs["age_band"]], P)
    # A: born 1 Oct 2010, first referral 1 Oct 2025 = 15th birthday -> 15 (10 to 15), not 16 at the second referral
    # C: born 1 Jan 2020, 15 Jan 2026 -> 6 (5 to 9); D: unborn; E: 13 (10 to 15); F: 17 (16 to 17); G: 11 (10 to 15)
    counts = dict(zip(t["group"], t["children"], strict=True))
    assert counts == {"Unborn": 1, "Under 1": 0, "1 to 4": 0, "5 to 9": 1, "10 to 15": 3, "16 to 17": 1, "18 and over": 0}
    # unborn and 18+ have no population, so no rate
    assert np.isnan(row(t, group="Unborn")["population"])
    # population of 10 to 15: 6 ages x 2 sexes x 200 children
    assert row(t, group="10 to 15")["population"] == 6 * 2 * 200


def test_sex_and_others_reference():
    ex = _extract()
    gs = {g.characteristic: g for g in co.groupings("WBRI", references={"sex": "others"})}
    P = co.population_array(_pop(), 2026)
    t = co.count_stage(ex, "referral", W, [gs["sex"]], P)
    # boys: A, C, F; girls: D, G; not recorded: E (no population, not among "all other children")
    assert list(t["children"]) == [3, 2, 1]
    assert row(t, group="M")["ref_children"] == 2 and row(t, group="F")["ref_children"] == 3
    assert row(t, group="M")["population"] == 18 * 200 and row(t, group="M")["ref_population"] == 18 * 200


def test_decision_point_counts_children_in_both_cohorts():
    ex = _extract()
    g = co.groupings("WBRI")[0]
    t = co.count_decision(ex, "assessment", W, [g])
    # referred in the window: A, C, D, E, F, G; assessed in the window: A, B, C, G. Both: A, C, G.
    # B was assessed in the window but referred before it: not in the denominator.
    assert row(t, group="WBRI")[["previous_children", "children"]].tolist() == [2, 1]  # A and E referred; A assessed
    assert row(t, group="Asian")[["previous_children", "children"]].tolist() == [1, 1]
    assert row(t, group="Black")[["previous_children", "children"]].tolist() == [1, 1]
    assert row(t, group="WBRI")["unknown_previous"] == 2 and row(t, group="WBRI")["unknown_children"] == 0


def test_groupings_never_a_combined_bme_group():
    gs = co.groupings("WBRI")
    major = gs[0]
    assert major.groups == ("WBRI", "Other White", "Mixed", "Asian", "Black", "Other")
    assert all("BME" not in x.upper() and "minority" not in x.lower() for g in gs for x in g.labels)
    # every known DfE code belongs to exactly one group; REFU and NOBT to none
    for g in gs[:2]:
        mapped = g.ethnic_map[[co.ETH_CODES.index(c) for c in co.ETH_CODES if c not in ("REFU", "NOBT")]]
        assert (mapped >= 0).all()
        assert (g.ethnic_map[[co.ETH_CODES.index("REFU"), co.ETH_CODES.index("NOBT")]] == -1).all()
    others = co.groupings("all other children")[0]
    assert others.groups == ("White", "Mixed", "Asian", "Black", "Other") and set(others.reference) == {-1}
    with pytest.raises(ValueError, match="reference group"):
        co.groupings("XXXX")


def test_population_year_is_the_year_of_the_midpoint_or_nearest():
    pop = pd.DataFrame({"year": [2023, 2024, 2025], "age": 0, "sex": "M", "ethnicity": "WBRI", "population": 1})
    # 1 Oct 2024 - 30 Sep 2025: midpoint 1 April 2025 -> 2025
    assert co.population_year(pop, date(2024, 10, 1), date(2025, 9, 30)) == 2025
    # 1 Apr 2024 - 31 Mar 2025: midpoint 30 Sep 2024 -> 2024
    assert co.population_year(pop, date(2024, 4, 1), date(2025, 3, 31)) == 2024
    # beyond the table: the nearest year held
    assert co.population_year(pop, date(2026, 10, 1), date(2027, 9, 30)) == 2025


def test_windows_are_rolling_twelve_months_and_respect_the_data_start():
    ws = co.windows("2026-27-Q2", 8)
    assert [w.label for w in ws][0] == "2024-25-Q3" and len(ws) == 8
    assert (ws[-1].start, ws[-1].end) == (date(2025, 10, 1), date(2026, 9, 30))
    assert (ws[0].start, ws[0].end) == (date(2024, 1, 1), date(2024, 12, 31))
    assert len(co.windows("2026-27-Q2", 8, data_start=date(2024, 4, 1))) == 7


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)),
       st.integers(min_value=0, max_value=7000))
def test_age_in_years_agrees_with_periods_age_at(dob, days):
    on = pd.Timestamp(dob) + pd.Timedelta(days=days)
    d = np.array([np.datetime64(dob, "D").astype(np.int64)])
    o = np.array([np.datetime64(on.date(), "D").astype(np.int64)])
    assert co.age_in_years(d, o)[0] == age_at(pd.Timestamp(dob), on)[0]


def test_blank_codes_fall_back_and_are_counted():
    ch = pd.DataFrame({"child_id": ["a", "b"], "date_of_birth": ["2015-01-01", "2015-01-01"], "sex": ["M", None],
                       "ethnicity": [None, "XXXX"], "disability": ["N", "N"]})
    ex = co.prepare({"children": ch})
    assert ex.notes["ethnicity_blank_or_unrecognised"] == 2 and ex.notes["sex_blank_or_unrecognised"] == 1
    assert list(ex.ethnicity) == [co.ETH_CODES.index("NOBT")] * 2
    with pytest.raises(ValueError, match="repeated"):
        co.prepare({"children": pd.concat([ch, ch])})


def test_identifier_lookup_fast_and_exact_paths_agree(monkeypatch):
    kids = pd.Series(["CH1", "CH22", "CH333", "Zoë", "7"], dtype=object)
    events = pd.Series(["CH22", "CH333", "CH1", "CH4444", "CH22", "7"], dtype=object)
    expected = pd.Index(kids).get_indexer(events)  # exact: pandas' own hash table of the strings
    assert list(co._IdLookup(kids)(events)) == list(expected)  # non-ASCII "Zoë": the exact path
    ascii_kids = kids.replace({"Zoë": "Z"})
    fast = co._IdLookup(ascii_kids)
    assert fast.fast
    assert list(fast(events)) == list(pd.Index(ascii_kids).get_indexer(events))  # widths differ: S4 vs S6
    # integers read as numbers
    assert list(co._IdLookup(pd.Series([10, 20, 30]))(pd.Series([30, 40, 10]))) == [2, -1, 0]
    # a hash collision among the children switches to the exact path; a collision with an unknown
    # identifier never links it to the wrong child (the bytes are compared)
    monkeypatch.setattr(co, "_fnv1a", lambda b: np.zeros(len(b), dtype=np.uint64))
    collided = co._IdLookup(ascii_kids)
    assert not collided.fast and list(collided(events)) == list(pd.Index(ascii_kids).get_indexer(events))
    monkeypatch.setattr(co, "_fnv1a", lambda b: np.array([len(x) for x in b], dtype=np.uint64))
    one = co._IdLookup(pd.Series(["AB"]))
    assert one.fast and list(one(pd.Series(["AB", "CD"]))) == [0, -1]
