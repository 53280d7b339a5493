"""The statistic of each kind of indicator, its interval, and the edge cases (zero denominators, no data)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2
from statsmodels.stats.proportion import proportion_confint

from cscp_analysis.periods import parse_period
from cscp_analysis.scorecard import compute, median_interval
from cscp_analysis.scorecard.compute import estimates
from cscp_analysis.scorecard.measures import Windows

from .conftest import only
from .helpers import indicator


def test_median_interval_uses_binomial_order_statistics():
    # n = 10 at 95%: P(B <= 1) = 11/1024 = 0.0107 <= 0.025 < P(B <= 2) = 56/1024, so r = 2: [x(2), x(9)]
    med, lo, hi = median_interval(np.arange(1, 11), 0.95)
    assert (med, lo, hi) == (5.5, 2.0, 9.0)
    # n = 20: P(B <= 5) = 0.0207 <= 0.025 < P(B <= 6) = 0.0577, so r = 6: [x(6), x(15)]
    assert median_interval(np.arange(1, 21) * 10, 0.95)[1:] == (60.0, 150.0)
    # n = 5: even [x(1), x(5)] covers only 1 - 2/32 = 93.75% < 95%: no interval
    med, lo, hi = median_interval([3, 1, 2, 5, 4], 0.95)
    assert med == 3 and math.isnan(lo) and math.isnan(hi)
    assert all(math.isnan(v) for v in median_interval([], 0.95))


def _one_quarter():
    p = parse_period("2025-26-Q4")
    return Windows.quarters([p])


def test_percentage_uses_the_wilson_interval():
    ind = indicator()
    e = estimates(ind, np.array([45.0]), np.array([60.0]), _one_quarter()).iloc[0]
    lo, hi = proportion_confint(45, 60, alpha=0.05, method="wilson")
    assert e["value"] == pytest.approx(75.0)
    assert (e["lower_ci"], e["upper_ci"]) == pytest.approx((100 * lo, 100 * hi), rel=1e-9)
    lo, hi = proportion_confint(45, 60, alpha=0.002, method="wilson")
    assert (e["lower_998"], e["upper_998"]) == pytest.approx((100 * lo, 100 * hi), rel=1e-9)


def test_a_rate_of_events_in_a_quarter_is_annualised_with_byar_from_ten_events():
    ind = indicator(statistic="rate", per=10000, numerator="csc.referrals", denominator="population.age_0_17",
                    polarity="neither", target=None)
    e = estimates(ind, np.array([12.0]), np.array([10_000.0]), _one_quarter()).iloc[0]
    assert e["value"] == pytest.approx(12 / 10_000 * 10_000 * 4)  # 48 a year
    # Byar by hand: O (1 - 1/(9O) - z/(3 sqrt O))^3 and (O+1)(1 - 1/(9(O+1)) + z/(3 sqrt(O+1)))^3, z = 1.959964
    z = 1.959963984540054
    lo = 12 * (1 - 1 / 108 - z / (3 * math.sqrt(12))) ** 3
    hi = 13 * (1 - 1 / 117 + z / (3 * math.sqrt(13))) ** 3
    assert (e["lower_ci"], e["upper_ci"]) == pytest.approx((lo * 4, hi * 4), rel=1e-9)


def test_a_rate_below_ten_events_uses_the_exact_poisson_interval():
    ind = indicator(statistic="rate", per=100000, numerator="partner.numerator:YJS_FTE", denominator="population.age_10_17",
                    polarity="lower_is_better", target=None)
    e = estimates(ind, np.array([3.0]), np.array([20_000.0]), _one_quarter()).iloc[0]
    scale = 100_000 / 20_000 * 4
    assert e["value"] == pytest.approx(3 * scale)
    assert e["lower_ci"] == pytest.approx(chi2.ppf(0.025, 6) / 2 * scale, rel=1e-9)
    assert e["upper_ci"] == pytest.approx(chi2.ppf(0.975, 8) / 2 * scale, rel=1e-9)


def test_a_rate_of_a_stock_is_not_annualised():
    ind = indicator(statistic="rate", per=10000, numerator="csc.cla_open", denominator="population.age_0_17",
                    polarity="neither", target=None)
    e = estimates(ind, np.array([70.0]), np.array([10_000.0]), _one_quarter()).iloc[0]
    assert e["value"] == pytest.approx(70.0)


def test_a_count_has_no_interval():
    ind = indicator(statistic="count", numerator="csc.missing_episodes", denominator=None, target=None,
                    polarity="lower_is_better")
    e = estimates(ind, np.array([41.0]), None, _one_quarter()).iloc[0]
    assert e["value"] == 41 and math.isnan(e["lower_ci"]) and math.isnan(e["upper_ci"])


def test_a_zero_denominator_gives_no_value_and_says_why():
    e = estimates(indicator(), np.array([0.0]), np.array([0.0]), _one_quarter()).iloc[0]
    assert math.isnan(e["value"]) and math.isnan(e["lower_ci"])
    assert e["note"] == "no assessments completed in the period"


def test_a_numerator_above_its_denominator_is_an_error_naming_the_indicator():
    from cscp_analysis.scorecard import IndicatorError

    with pytest.raises(IndicatorError, match="indicator T-01: numerator csc.assessments_within_45wd is larger"):
        estimates(indicator(), np.array([12.0]), np.array([10.0]), _one_quarter())


def test_a_quarter_with_no_events_counts_zero_and_a_percentage_of_nothing_is_missing(fixture_returns, config):
    t = dict(fixture_returns.tables)
    m = t["missing_episodes"]
    t["missing_episodes"] = m[~m["missing_start"].between("2026-01-01", "2026-03-31")]
    r = SimpleNamespace(**{**vars(fixture_returns), "tables": t})
    sc = compute(r, "2025-26-Q4", config, indicators=only(config, "CSC-14", "CSC-16"))
    assert sc["CSC-14"].current["value"] == 0  # a count of nothing is zero
    assert math.isnan(sc["CSC-16"].current["value"])
    assert sc["CSC-16"].current["note"] == "no missing episodes in the period"
    assert sc["CSC-16"].rag == "grey"
    assert sc["CSC-16"].rag_reason == "Grey: no value for January to March 2026 (no missing episodes in the period)."


def test_an_indicator_with_a_target_but_no_benchmark_is_rated_on_its_target_alone(fixture_scorecard):
    sc = fixture_scorecard
    r = sc["CSC-03"]
    assert r.indicator.benchmark is None and r.indicator.target == 90
    assert r.benchmark == {"status": "none", "note": "no comparable published benchmark"}
    assert "England" not in r.rag_reason and "target of 90.0%" in r.rag_reason


def test_a_partner_return_missing_in_the_quarter_is_grey_not_zero(fixture_returns, config):
    part = fixture_returns.partner
    r = SimpleNamespace(**{**vars(fixture_returns),
                           "partner": part[~((part["agency"] == "POLICE") & (part["period"] == "2025-26-Q4"))]})
    sc = compute(r, "2025-26-Q4", config, indicators=only(config, "POL-01", "POL-02", "POL-03"))
    for iid in ("POL-01", "POL-02", "POL-03"):
        assert math.isnan(sc[iid].current["value"]), iid
        assert sc[iid].rag == "grey" and "no data for the period" in sc[iid].rag_reason
        assert math.isnan(sc[iid].twelve_months["value"])  # twelve months need all four quarters


def test_population_note_names_the_estimate_used(fixture_returns, fixture_scorecard):
    sc = fixture_scorecard
    assert sc["CSC-01"].population_note == "population: mid-2025 estimate of children aged 0-17"
    assert sc["YJS-01"].current["denominator"] == pd.DataFrame(fixture_returns.tables["population"]).query(
        "year == 2025 and age >= 10")["population"].sum()
