"""XmR / Making Data Count against NHSRplotthedots' published tests and snapshots, and hand calculations."""

import warnings

import numpy as np
import pandas as pd
import pytest

from cscp_analysis.stats import ProvisionalLimitsWarning, xmr
from cscp_analysis.stats.spc import _segment_rules

# R: set.seed(123); rnorm(20) -- the series of NHSRplotthedots' tests/testthat/test-ptd_spc_standard.R
RNORM_123 = np.array([-0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621,
                      -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272,
                      -0.55584113, 1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141])


def quiet_xmr(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ProvisionalLimitsWarning)
        return xmr(*args, **kwargs)


def test_nhsrplotthedots_snapshot_limits():
    # tests/testthat/_snaps/ptd_spc_standard.md: mean_col 0.1416238, lpl -3.01138, upl 3.294627;
    # relative_to_mean -1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1, …; ptd_spc summary: 20 common cause
    r = xmr(RNORM_123)
    assert r["mean"].iloc[0] == pytest.approx(0.1416238, abs=5e-8)
    assert r["lpl"].iloc[0] == pytest.approx(-3.01138, abs=5e-6)
    assert r["upl"].iloc[0] == pytest.approx(3.294627, abs=5e-7)
    assert r["relative_to_mean"].iloc[:15].tolist() == [-1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1]
    assert (r["point_type"] == "common_cause").all()
    assert not r["provisional"].any() and r.attrs["variation_icon"] == "common_cause"


def test_nhsrplotthedots_snapshot_outlier_screening():
    # the same series with data$y[15] <- 10 (R is 1-based): screened mean 0.6694159, lpl -2.383666,
    # upl 3.722497; screen_outliers = FALSE: lpl -4.596625, upl 5.935457
    y = RNORM_123.copy()
    y[14] = 10
    screened = xmr(y)
    assert screened["mean"].iloc[0] == pytest.approx(0.6694159, abs=5e-8)
    assert screened["lpl"].iloc[0] == pytest.approx(-2.383666, abs=5e-7)
    assert screened["upl"].iloc[0] == pytest.approx(3.722497, abs=5e-7)
    assert screened["mr_excluded"].sum() == 2  # the jumps into and out of the 10
    plain = xmr(y, screen_outliers=False)
    assert plain["lpl"].iloc[0] == pytest.approx(-4.596625, abs=5e-7)
    assert plain["upl"].iloc[0] == pytest.approx(5.935457, abs=5e-7)
    assert screened["relative_to_mean"].iloc[:14].tolist() == [-1, -1, 1, -1, -1, 1, -1, -1, -1, -1, 1, -1, -1, -1]


def test_screening_by_hand():
    # y = 5, 6, 5, 6, 5, 6, 5, 6, 5, 40: moving ranges 1 ×8 and 35; mean MR = 43/9 = 4.777778;
    # 3.267 × 4.777778 = 15.609 so the 35 is dropped and the mean MR becomes 1.
    # mean = (5×5 + 6×4 + 40)/10 = 8.9; limits 8.9 ∓ 2.66 = (6.24, 11.56); two-sigma 8.9 ∓ 1.773333
    y = [5, 6, 5, 6, 5, 6, 5, 6, 5, 40]
    r = quiet_xmr(y)
    assert r["mean"].iloc[0] == pytest.approx(8.9)
    assert (r["lpl"].iloc[0], r["upl"].iloc[0]) == pytest.approx((6.24, 11.56))
    assert (r["lower_two_sigma"].iloc[0], r["upper_two_sigma"].iloc[0]) == pytest.approx((7.126667, 10.673333), abs=1e-6)
    assert r["mr_excluded"].tolist() == [False] * 9 + [True]
    plain = quiet_xmr(y, screen_outliers=False)  # 8.9 ∓ 2.66 × 4.777778 = 8.9 ∓ 12.708889
    assert plain["upl"].iloc[0] == pytest.approx(21.608889, abs=1e-6)


def test_baseline_fixes_the_limits_by_hand():
    # baseline = 4: mean of 10, 12, 11, 13 = 11.5; moving ranges 2, 1, 2 -> 5/3; limits 11.5 ∓ 2.66 × 5/3
    r = quiet_xmr([10, 12, 11, 13, 12, 14, 13, 30], baseline=4)
    assert r["mean"].iloc[-1] == pytest.approx(11.5)
    assert (r["lpl"].iloc[-1], r["upl"].iloc[-1]) == pytest.approx((11.5 - 2.66 * 5 / 3, 11.5 + 2.66 * 5 / 3))
    assert r["rule"].iloc[-1] == "outside_limits"


def test_rebase_gives_each_period_its_own_limits():
    y = pd.Series([10, 11, 10, 11, 10, 20, 21, 20, 21, 20],
                  index=pd.period_range("2024-04", periods=10, freq="M"))
    r = quiet_xmr(y, rebase=[pd.Period("2024-09", "M")])
    assert r["segment"].tolist() == [0] * 5 + [1] * 5
    assert r["mean"].tolist() == pytest.approx([10.4] * 5 + [20.4] * 5)
    assert list(r.index) == list(y.index)
    assert quiet_xmr(y.to_numpy(), rebase=[5])["mean"].tolist() == pytest.approx([10.4] * 5 + [20.4] * 5)


# ------------------------------------------------ the rules, as NHSRplotthedots' unit tests state them


def rules(y, rtm=None, close=None, outside=None, trend_points=7, shift_points=7):
    y = np.asarray(y, dtype=float)
    k = len(y)
    rtm = np.zeros(k) if rtm is None else np.asarray(rtm, dtype=float)
    close = np.zeros(k, dtype=bool) if close is None else np.asarray(close, dtype=bool)
    outside = np.zeros(k, dtype=bool) if outside is None else np.asarray(outside, dtype=bool)
    kind, rule = _segment_rules(y, rtm, close, outside, trend_points, shift_points)
    return list(kind), list(rule)


def test_trend_rule_as_nhsrplotthedots():
    # ptd_seven_point_trend(1:6) -> no trend; (c(1:3, 3:6)) -> none: an equal value breaks a trend;
    # 1:7 -> a trend ending at the 7th point, so all seven are part of it; 7:1 -> decreasing
    assert rules(range(1, 7))[1] == [""] * 6
    assert rules([1, 2, 3, 3, 4, 5, 6])[1] == [""] * 7
    kind, rule = rules(range(1, 8))
    assert rule == ["trend"] * 7 and set(kind) == {"7 Point Trend (Increasing)"}
    kind, rule = rules(range(7, 0, -1))
    assert set(kind) == {"7 Point Trend (Decreasing)"}
    # c(2, 1:7, 3): the trend is the middle seven points
    assert rules([2, 1, 2, 3, 4, 5, 6, 7, 3])[1] == [""] + ["trend"] * 7 + [""]
    # six points are enough when asked
    assert rules(range(1, 7), trend_points=6)[1] == ["trend"] * 6


def test_shift_rule_as_nhsrplotthedots():
    # ptd_seven_point_one_side_mean(c(rep(1, 8), -1)): points 1-8 are part of a run; a point on the
    # mean (0) breaks a run
    y = [0, 1, 0, 1, 0, 1, 0, 1, 0]  # no trend
    assert rules(y, rtm=[1] * 8 + [-1])[1] == ["shift"] * 8 + [""]
    assert rules(y, rtm=[1, 1, 1, 0, 1, 1, 1, 1, 1])[1] == [""] * 9
    assert rules(y, rtm=[-1] * 6 + [1, 1, 1])[1] == [""] * 9
    assert rules(y[:6], rtm=[1] * 6, shift_points=6)[1] == ["shift"] * 6


def test_two_of_three_rule_as_nhsrplotthedots():
    y = [0, 1, 0, 1, 0, 1, 0]
    # ptd_part_of_two_in_three: close c(0, 0, 1, 0, 1, 0, 0), all above -> the two close points;
    # the rest are in a seven-point shift (lower precedence)
    kind, rule = rules(y, rtm=[1] * 7, close=[0, 0, 1, 0, 1, 0, 0])
    assert rule == ["shift", "shift", "two_of_three", "shift", "two_of_three", "shift", "shift"]
    assert kind[2] == "2 in 3 Above CL"
    # close c(1, 0, 0, 1): no window of three holds two close points
    assert rules(y[:4], rtm=[1] * 4, close=[1, 0, 0, 1])[1] == [""] * 4
    # opposite sides of the mean never count
    assert rules(y[:3], rtm=[1, -1, 1], close=[1, 0, 1])[1] == [""] * 3


def test_two_of_three_needs_the_same_side():
    # NHSRplotthedots test-ptd_spc_standard.R: rep(c(1, -1), 8) with the last two points 5.5 and -5.5:
    # both close to the limits but on opposite sides, so both are common cause
    y = np.tile([1.0, -1.0], 8)
    y[14], y[15] = 5.5, -5.5
    r = xmr(y)
    assert r["point_type"].iloc[-2:].tolist() == ["common_cause", "common_cause"]


def test_precedence_outside_limits_first():
    kind, rule = rules(range(1, 8), rtm=[1] * 7, outside=[0, 0, 0, 0, 0, 0, 1])
    assert rule == ["trend"] * 6 + ["outside_limits"]
    assert kind[-1] == "Above UCL"


# ------------------------------------------------ point types and icons


def test_point_types_and_variation_icons():
    y = list(range(1, 10))  # 1..9: mean 5, MR 1, limits 2.34 and 7.66
    up = quiet_xmr(y, improvement="increase")
    assert up["rule"].tolist() == ["outside_limits", "outside_limits"] + ["trend"] * 5 + ["outside_limits"] * 2
    assert up["point_type"].tolist() == ["special_cause_concern"] * 2 + ["special_cause_improvement"] * 7
    assert up.attrs["variation_icon"] == "improvement_high"
    down = quiet_xmr(y, improvement="decrease")
    assert down.attrs["variation_icon"] == "concern_high"
    assert quiet_xmr(y[::-1], improvement="increase").attrs["variation_icon"] == "concern_low"
    assert quiet_xmr(y[::-1], improvement="decrease").attrs["variation_icon"] == "improvement_low"
    neutral = quiet_xmr(y, improvement="neutral")
    assert neutral["point_type"].iloc[0] == "special_cause_neutral_low"
    assert neutral.attrs["variation_icon"] == "neutral_high"
    assert quiet_xmr(y).attrs["variation_icon"] == "neutral_high"  # no direction given: neutral


def test_assurance_icon():
    # RNORM_123 limits are -3.01 and 3.29 (snapshot above)
    assert xmr(RNORM_123, improvement="increase", target=-4).attrs["assurance_icon"] == "consistent_pass"
    assert xmr(RNORM_123, improvement="increase", target=4).attrs["assurance_icon"] == "consistent_fail"
    assert xmr(RNORM_123, improvement="decrease", target=4).attrs["assurance_icon"] == "consistent_pass"
    assert xmr(RNORM_123, improvement="decrease", target=-4).attrs["assurance_icon"] == "consistent_fail"
    assert xmr(RNORM_123, improvement="increase", target=0.5).attrs["assurance_icon"] == "inconsistent"
    assert xmr(RNORM_123, improvement="neutral", target=0.5).attrs["assurance_icon"] is None
    assert xmr(RNORM_123, improvement="increase").attrs["assurance_icon"] is None


def test_short_series_are_provisional_and_one_point_gets_nothing():
    with pytest.warns(ProvisionalLimitsWarning, match="fewer than the 13"):
        r = xmr(RNORM_123[:12])
    assert r["provisional"].all() and r.attrs["provisional"]
    with pytest.warns(ProvisionalLimitsWarning):
        one = xmr([4.0])
    assert np.isnan(one["mean"].iloc[0]) and one["point_type"].iloc[0] is None
    assert one.attrs["variation_icon"] is None


def test_xmr_input_checks():
    # a missing value is a gap now (issue 13), tested in test_spc_gaps_and_limits.py; text still raises
    with pytest.raises(ValueError, match=r"'values' must be numeric but has non-numeric values in row 1"):
        xmr(pd.Series([1.0, "c", 3.0], dtype=object))
    with pytest.raises(ValueError, match="'improvement'"):
        xmr(RNORM_123, improvement="up")
    with pytest.raises(ValueError, match="'baseline'"):
        xmr(RNORM_123, baseline=1)
    with pytest.raises(ValueError, match="'rebase'"):
        xmr(RNORM_123, rebase=[99])
