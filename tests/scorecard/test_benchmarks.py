"""Benchmarks beside indicators: values read from the DfE files independently, significance and rank."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from cscp_analysis.reference import DEFAULT_REFERENCE_DIR as REF

C1 = REF / "dfe_cin_census" / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
SN = REF / "statistical_neighbours" / "sn_model_2025_wide.csv"


@pytest.fixture(scope="module")
def c1():
    return pd.read_csv(C1, dtype=str, encoding="utf-8-sig")


def test_rereferrals_compared_with_england_region_and_neighbours(fixture_scorecard, c1):
    b = fixture_scorecard["CSC-02"].benchmark
    y = c1[c1["time_period"] == "2025"]
    england = float(y.loc[y["geographic_level"] == "National", "rereferral_percent"].iloc[0])
    wm = float(y.loc[(y["geographic_level"] == "Regional") & (y["region_name"] == "West Midlands"),
                     "rereferral_percent"].iloc[0])
    assert (b["year"], b["england"], b["region"]) == (2025, england, wm)
    # neighbours of Coventry (331) in the 2025 model, their published 2025 percentages, median
    sn = pd.read_csv(SN, dtype=str, encoding="utf-8-sig")
    codes = [sn.loc[sn["old_la_code"] == "331", f"SN_{k}"].iloc[0].strip() for k in range(1, 11)]
    vals = pd.to_numeric(y.loc[y["old_la_code"].isin(codes), "rereferral_percent"], errors="coerce").dropna()
    assert b["sn_median"] == pytest.approx(round(float(np.median(vals)) + 1e-9, 1), abs=0.051)
    # the partnership's twelve months: Wilson interval, then the benchmark outside or inside it
    roll = fixture_scorecard["CSC-02"].twelve_months
    lo, hi = proportion_confint(roll["numerator"], roll["denominator"], alpha=0.05, method="wilson")
    expected = "higher" if england < 100 * lo else "lower" if england > 100 * hi else "similar"
    assert b["vs_england_95"] == expected
    pol = {"higher": "worse", "lower": "better", "similar": "similar"}[expected]  # lower is better
    assert b["vs_england_95_polarity"] == pol
    lo, hi = proportion_confint(roll["numerator"], roll["denominator"], alpha=0.002, method="wilson")
    assert b["vs_england_998"] == ("higher" if england < 100 * lo else "lower" if england > 100 * hi else "similar")
    # rank among the neighbours: 1 = highest value
    assert b["rank"] == 1 + int((vals.to_numpy() > roll["value"]).sum())
    assert b["n"] == len(vals) + 1
    assert b["quartile"] == math.ceil(4 * b["rank"] / b["n"])
    assert "12 months to 31 March 2026" in b["caveat"] and "year ending 31 March 2025" in b["caveat"]


def test_a_stock_is_compared_at_the_period_end(fixture_scorecard):
    r = fixture_scorecard["CSC-11"]
    assert r.benchmark["value"] == r.current["value"]
    assert r.benchmark["value_label"] == "at 31 March 2026"
    assert r.benchmark["england"] == 67.0  # DfE: children looked after at 31 March 2025, England, per 10,000


def test_indicators_without_a_published_measure_say_so(fixture_scorecard):
    for r in fixture_scorecard:
        if r.indicator.benchmark is None:
            assert r.benchmark["note"] == "no comparable published benchmark"


def test_the_latest_published_year_before_the_period_is_used(fixture_returns, config):
    from cscp_analysis.scorecard import compute, load_indicators

    inds = [i for i in load_indicators(config=config) if i.id == "CSC-02"]
    assert compute(fixture_returns, "2024-25-Q3", config, indicators=inds)["CSC-02"].benchmark["year"] == 2024
