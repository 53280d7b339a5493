"""Every indicator's value checked against a count computed independently in plain pandas (expected.py)."""

from __future__ import annotations

import math

import pytest

from cscp_analysis.periods import parse_period
from cscp_analysis.scorecard import load_indicators

from .expected import expected_values


@pytest.fixture(scope="module")
def scorecard(fixture_scorecard):
    return fixture_scorecard


def _same(a, b):
    if (a is None or (isinstance(a, float) and math.isnan(a))) and (b is None or (isinstance(b, float) and math.isnan(b))):
        return True
    return a == pytest.approx(b, rel=1e-9, abs=1e-9)


def test_every_configured_indicator_has_an_independent_expectation(config):
    ids = {i.id for i in load_indicators(config=config)}
    from .conftest import make_returns

    exp = expected_values(make_returns(), parse_period("2025-26-Q4"))
    assert ids == set(exp), f"indicators without an independent check: {sorted(ids - set(exp))}"


def test_each_indicator_matches_its_independent_count(scorecard, fixture_returns):
    exp = expected_values(fixture_returns, parse_period("2025-26-Q4"))
    wrong = []
    for iid, (num, den, value) in exp.items():
        cur = scorecard[iid].current
        got = (float(cur["numerator"]), float(cur["denominator"]), float(cur["value"]))
        if scorecard[iid].indicator.statistic in ("count", "median_days"):
            den = math.nan
        if not (_same(got[0], num) and _same(got[1], den) and _same(got[2], value)):
            wrong.append(f"{iid}: got {got}, expected {(num, den, value)}")
    assert not wrong, "\n".join(wrong)


def test_previous_quarter_and_same_quarter_last_year_use_the_same_definition(scorecard, fixture_returns):
    for offset, attr in ((-1, "previous"), (-4, "last_year")):
        p = parse_period("2025-26-Q4").shift(offset)
        exp = expected_values(fixture_returns, p)
        for iid in ("CSC-02", "CSC-03", "CSC-07", "CSC-13", "POL-02", "PART-04"):
            row = getattr(scorecard[iid], attr)
            assert _same(float(row["value"]), exp[iid][2]), (iid, attr)


def test_rolling_twelve_months_sums_the_four_quarters(scorecard, fixture_returns):
    quarters = [parse_period("2025-26-Q4").shift(-k) for k in range(4)]
    exps = [expected_values(fixture_returns, q) for q in quarters]
    # a percentage over twelve months: the four quarters' numerators over their denominators
    for iid in ("CSC-02", "CSC-03", "POL-02"):
        num = sum(e[iid][0] for e in exps)
        den = sum(e[iid][1] for e in exps)
        assert scorecard[iid].twelve_months["value"] == pytest.approx(100 * num / den, rel=1e-12)
    # a rate over twelve months is not annualised again: referrals in the year over the population
    n = sum(e["CSC-01"][0] for e in exps)
    assert scorecard["CSC-01"].twelve_months["value"] == pytest.approx(n / exps[0]["CSC-01"][1] * 10_000, rel=1e-12)
    # a stock over twelve months is the value at the end
    assert scorecard["CSC-07"].twelve_months["value"] == pytest.approx(exps[0]["CSC-07"][2], rel=1e-12)


def test_monthly_spc_series_adds_up_to_the_quarter(scorecard):
    res = scorecard["CSC-14"]  # a count of events
    months = res.spc[res.spc["in_period"]]
    assert len(months) == 3
    assert months["value"].sum() == res.current["value"]
    assert res.spc_frequency == "monthly"
    assert scorecard["POL-02"].spc_frequency == "quarterly"


def test_a_partner_quarter_that_never_arrived_has_no_value_and_is_a_gap_in_the_chart(scorecard):
    res = scorecard["HLT-01"]
    q = res.quarters.set_index("label").loc["2024-25-Q2"]
    assert math.isnan(q["value"]) and q["note"] == "no data for the period"
    gap = res.spc.set_index("label").loc["2024-25-Q2"]
    assert math.isnan(gap["value"]) and gap["point_type"] is None  # kept in place as a gap, never bridged
    assert "2024-25-Q2" in res.spc_summary["note"]
