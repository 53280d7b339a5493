"""Audit grades and survey answers come in clusters (the grades of one case, the answers of one child): the
scorecard's interval for PART-03 and PART-05 allows for it, as the quality-assurance page does (issue 15)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from cscp_analysis.periods import parse_period
from cscp_analysis.scorecard.compute import clustered_intervals, estimates
from cscp_analysis.scorecard.measures import Events, Windows

from .conftest import only

Z = 1.959963984540054  # the normal quantile for 95%


def wilson(x: float, n: float, z: float = Z) -> tuple[float, float]:
    """Wilson's score interval, written out (Newcombe 1998, method 3), in percent."""
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def test_grades_alike_within_each_case_count_as_one_grade_per_case(config):
    # four cases of five grades each, in the quarter: two cases graded good throughout, two never. The
    # grades within a case are identical, so the ICC is 1, the design effect 1 + (5 - 1) x 1 = 5, and the
    # twenty grades are worth four independent ones: Wilson's interval of 2 of 4, not of 10 of 20
    ind = only(config, "PART-03")[0]
    w = Windows.quarters([parse_period("2026-27-Q2")])
    day = pd.Timestamp("2026-08-14")
    cases = [c for c in "ABCD" for _ in range(5)]
    good = [c for c in cases if c in "AB"]
    den = Events.build(pd.Series([day] * 20), cluster=cases)
    num = Events.build(pd.Series([day] * 10), cluster=good)
    plain = estimates(ind, num.count(w), den.count(w), w)
    assert np.allclose(plain[["lower_ci", "upper_ci"]].iloc[0], wilson(10, 20))
    clustered = clustered_intervals(plain, ind, num, den, w)
    assert clustered["value"].iloc[0] == 50.0
    assert np.allclose(clustered[["lower_ci", "upper_ci"]].iloc[0], wilson(2, 4), atol=1e-9)
    assert clustered["lower_998"].iloc[0] < clustered["lower_ci"].iloc[0]


def test_independent_grades_keep_wilsons_interval(config):
    # one grade per case: nothing is clustered (design effect 1), so the interval is Wilson's of the grades
    ind = only(config, "PART-03")[0]
    w = Windows.quarters([parse_period("2026-27-Q2")])
    day = pd.Timestamp("2026-08-14")
    den = Events.build(pd.Series([day] * 20), cluster=[f"case {i}" for i in range(20)])
    num = Events.build(pd.Series([day] * 7), cluster=[f"case {i}" for i in range(7)])
    est = clustered_intervals(estimates(ind, num.count(w), den.count(w), w), ind, num, den, w)
    assert np.allclose(est[["lower_ci", "upper_ci"]].iloc[0], wilson(7, 20), atol=1e-9)


def test_the_scorecard_and_the_quality_assurance_page_give_the_same_interval(fixture_returns, config):
    # the audit grades of the quarter, read by the scorecard (PART-03) and by the audits section
    from cscp_analysis.assurance.audits import good_or_better_intervals
    from cscp_analysis.scorecard import compute

    from .conftest import PERIOD

    r = compute(fixture_returns, PERIOD, config, only(config, "PART-03")).results["PART-03"]
    mine = r.quarters.iloc[-1]
    page = good_or_better_intervals(fixture_returns.tables["audits"], PERIOD, by=None).iloc[0]
    assert mine["denominator"] == page["graded"] and mine["numerator"] == page["good_or_better"]
    assert np.isclose(mine["lower_ci"], page["pct_lower"]) and np.isclose(mine["upper_ci"], page["pct_upper"])
