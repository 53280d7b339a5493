"""XmR charts as Making Data Count intends (issue 13): gaps, limits the measure can take, baselines, icons."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cscp_analysis.stats import (
    BASELINE_POINTS,
    ProvisionalLimitsWarning,
    assurance_icon,
    default_baseline,
    variation_icon,
    xmr,
)


def quiet_xmr(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProvisionalLimitsWarning)
        return xmr(*args, **kwargs)


# ------------------------------------------------ gaps


def test_a_gap_stays_in_place_and_no_moving_range_crosses_it():
    # 10, 12, gap, 11, 13, 12: moving ranges 2, -, -, 2, 1 (none across the gap) -> mean MR = 5/3;
    # mean of the five values = 58/5 = 11.6; limits 11.6 ∓ 2.66 × 5/3 = 11.6 ∓ 4.433333
    # (NHSRplotthedots takes the mean and mean moving range with na.rm = TRUE and its diff() gives NA
    # next to a missing value: the same numbers)
    y = pd.Series([10, 12, np.nan, 11, 13, 12], index=pd.period_range("2025-04", periods=6, freq="M"))
    r = quiet_xmr(y)
    assert list(r.index) == list(y.index)
    assert np.isnan(r["value"].iloc[2]) and r["point_type"].iloc[2] is None and r["rule"].iloc[2] is None
    assert r["moving_range"].isna().tolist() == [True, False, True, True, False, False]
    assert r["mean"].iloc[2] == pytest.approx(11.6)  # the segment's lines continue through the gap
    assert (r["lpl"].iloc[0], r["upl"].iloc[0]) == pytest.approx((11.6 - 4.433333, 11.6 + 4.433333), abs=1e-6)
    assert not r["special_cause_flag"].iloc[2] and r.attrs["missing"] == 1
    assert r["point_type"].drop(r.index[2]).eq("common_cause").all()


def shifted_with_gap():
    # baseline: 4, 6 alternating (mean 5, every moving range 2, limits 5 ∓ 5.32, two-sigma 5 ∓ 3.546667),
    # then 7, 7, 7, gap, 7, 7, 7, 7: eight observed values above the mean counting the last baseline 6
    return [4, 6] * 5 + [7, 7, 7, np.nan, 7, 7, 7, 7]


def test_gaps_are_skipped_by_the_rules_by_default():
    r = quiet_xmr(shifted_with_gap(), baseline=10, improvement="increase")
    assert r["mean"].iloc[0] == 5 and r["upl"].iloc[0] == pytest.approx(10.32)
    shift = r["rule"] == "shift"
    assert shift.tolist() == [False] * 9 + [True] * 4 + [False] + [True] * 4
    assert set(r.loc[shift, "point_type"]) == {"special_cause_improvement"}


def test_gaps_can_break_runs_instead():
    r = quiet_xmr(shifted_with_gap(), baseline=10, improvement="increase", gaps="break")
    # 6, 7, 7, 7 then 7, 7, 7, 7: two runs of four, neither reaches seven
    assert (r["rule"].dropna() == "").all()
    with pytest.raises(ValueError, match="'gaps'"):
        xmr([1.0, 2.0], gaps="bridge")


def test_only_gaps_give_nothing():
    r = quiet_xmr([np.nan, np.nan, np.nan])
    assert r["mean"].isna().all() and r.attrs["variation_icon"] is None and r.attrs["assurance_icon"] is None


def test_the_last_observed_point_gives_the_variation_icon():
    r = quiet_xmr(list(range(1, 10)) + [np.nan], improvement="increase")
    assert r.attrs["variation_icon"] == "improvement_high"


# ------------------------------------------------ limits the measure can take


COUNTS = [2, 0, 5, 1, 9, 0, 3, 0, 7, 1, 0, 4, 2, 0, 6]  # a small count: the lower limit goes below zero


def test_limits_are_truncated_to_what_the_measure_can_take():
    raw = xmr(COUNTS)
    assert raw["lpl"].iloc[0] < 0 and raw["lower_two_sigma"].iloc[0] < 0
    clipped = xmr(COUNTS, limits_floor=0)
    assert clipped["lpl"].iloc[0] == 0 and clipped["lower_two_sigma"].iloc[0] == 0
    assert clipped["upl"].iloc[0] == raw["upl"].iloc[0] and clipped["mean"].iloc[0] == raw["mean"].iloc[0]
    # truncation changes what is drawn, not which points are special cause
    assert clipped["point_type"].tolist() == raw["point_type"].tolist()
    assert clipped.attrs["limits_floor"] == 0


def test_percentages_are_capped_at_100():
    y = [97, 99, 100, 92, 98, 100, 95, 99, 100, 96, 99, 100, 98]
    raw = xmr(y, improvement="increase")
    assert raw["upl"].iloc[0] > 100
    capped = xmr(y, improvement="increase", limits_floor=0, limits_ceiling=100)
    assert capped["upl"].iloc[0] == 100 and capped["lpl"].iloc[0] == raw["lpl"].iloc[0]
    assert capped["point_type"].tolist() == raw["point_type"].tolist()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=2, max_size=40))
def test_truncation_never_changes_the_rules(values):
    raw = quiet_xmr(values)
    clipped = quiet_xmr(values, limits_floor=0)
    assert clipped["point_type"].tolist() == raw["point_type"].tolist()
    assert clipped["rule"].tolist() == raw["rule"].tolist()
    assert (clipped["lpl"].dropna() >= 0).all()


def test_a_value_the_measure_cannot_take_is_refused():
    with pytest.raises(ValueError, match=r"above 'limits_ceiling' \(100\).*row 1"):
        xmr([50, 101, 60], limits_ceiling=100)
    with pytest.raises(ValueError, match=r"below 'limits_floor' \(0\).*row 0"):
        xmr([-1, 2, 3], limits_floor=0)
    with pytest.raises(ValueError, match="must be below"):
        xmr([1, 2, 3], limits_floor=5, limits_ceiling=5)


# ------------------------------------------------ baselines


def test_baseline_counts_values_not_gaps():
    # baseline 4 over 10, gap, 12, 11, 13, 30: the first four values are 10, 12, 11, 13 (mean 11.5);
    # moving ranges inside the baseline: 12→11 = 1 and 11→13 = 2 (none across the gap) -> 1.5
    r = quiet_xmr([10, np.nan, 12, 11, 13, 30], baseline=4)
    assert r["mean"].iloc[0] == pytest.approx(11.5)
    assert r["upl"].iloc[0] == pytest.approx(11.5 + 2.66 * 1.5)
    assert r["in_baseline"].tolist() == [True, False, True, True, True, False]
    assert r["rule"].iloc[-1] == "outside_limits"


def test_limits_from_fewer_than_13_values_are_provisional_even_on_a_long_series():
    y = np.tile([4.0, 6.0], 20)
    with pytest.warns(ProvisionalLimitsWarning, match="rests on 12 value"):
        assert xmr(y, baseline=12)["provisional"].all()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ProvisionalLimitsWarning)
        assert not xmr(y, baseline=13)["provisional"].any()


def test_default_baseline():
    assert BASELINE_POINTS == {"monthly": 20, "quarterly": 13}
    assert default_baseline(42) == 20 and default_baseline(15) == 15 and default_baseline(42, "quarterly") == 13
    assert default_baseline(0) == 2
    with pytest.raises(ValueError, match="'frequency'"):
        default_baseline(20, "annual")


def test_a_baseline_stops_a_trending_series_being_special_cause_everywhere():
    # issue 13: limits over a whole trending series make almost every point special cause, and the
    # early points of a declining series show as improvement. With the limits fixed from the first 20
    # points the early points are read against their own period: 60 falling by 1 a month over 42 months
    # plus a small wobble
    y = 60 - np.arange(42) + np.tile([0.8, -0.8], 21)
    whole = xmr(y, improvement="decrease")
    fixed = xmr(y, improvement="decrease", baseline=default_baseline(len(y)))
    assert (whole["point_type"].iloc[:5] == "special_cause_concern").all()  # above the whole-series mean
    assert fixed["in_baseline"].sum() == 20 and fixed["mean"].iloc[0] == pytest.approx(np.mean(y[:20]))
    assert (fixed["point_type"].iloc[25:] == "special_cause_improvement").all()  # the fall is the signal


# ------------------------------------------------ icons, in one place


def test_assurance_icon_is_strict_as_nhsrplotthedots():
    assert assurance_icon(4, -3, 3, "increase") == "consistent_fail"
    assert assurance_icon(-4, -3, 3, "increase") == "consistent_pass"
    assert assurance_icon(4, -3, 3, "decrease") == "consistent_pass"
    assert assurance_icon(-4, -3, 3, "decrease") == "consistent_fail"
    assert assurance_icon(3, -3, 3, "increase") == "inconsistent"   # on the limit: hit and miss
    assert assurance_icon(0, -3, 3, "increase") == "inconsistent"
    assert assurance_icon(0, -3, 3, "neutral") is None
    assert assurance_icon(None, -3, 3, "increase") is None
    assert assurance_icon(0, np.nan, 3, "increase") is None
    many = assurance_icon([4, 4, 0], [-3, -3, -3], [3, 3, 3], ["increase", "decrease", None])
    assert list(many) == ["consistent_fail", "consistent_pass", None]


def test_variation_icon_matches_xmr():
    assert variation_icon("special_cause_improvement", "increase") == "improvement_high"
    assert variation_icon("special_cause_improvement", "decrease") == "improvement_low"
    assert variation_icon("special_cause_concern", "increase") == "concern_low"
    assert variation_icon("special_cause_concern", "decrease") == "concern_high"
    assert variation_icon("special_cause_neutral_low", None) == "neutral_low"
    assert variation_icon(None, "increase") is None
    assert list(variation_icon(["common_cause", "special_cause_concern"], ["increase", "decrease"])) == \
        ["common_cause", "concern_high"]
    r = quiet_xmr(list(range(9, 0, -1)), improvement="increase", target=100)
    assert r.attrs["variation_icon"] == variation_icon(r["point_type"].iloc[-1], "increase") == "concern_low"
    assert r.attrs["assurance_icon"] == assurance_icon(100, r["lpl"].iloc[-1], r["upl"].iloc[-1], "increase")
    with pytest.raises(ValueError, match="unknown point type"):
        variation_icon("special", "increase")
