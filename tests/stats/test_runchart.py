"""Run charts with the Anhøj rules: critical values by hand and by exact binomial sums, and worked series."""

from math import comb

import numpy as np
import pandas as pd
import pytest

from cscp_analysis.stats import crossings_limit, longest_run_limit, run_chart


def test_critical_values_by_hand():
    # n = 10: round(log2 10 = 3.32) + 3 = 6; Binomial(9, ½): P(X ≤ 1) = 10/512 = 0.0195,
    #   P(X ≤ 2) = 46/512 = 0.0898 ≥ 0.05 -> 2
    # n = 12: round(3.58) + 3 = 7; Binomial(11, ½): P(X ≤ 2) = 67/2048 = 0.0327, P(X ≤ 3) = 232/2048 = 0.113 -> 3
    # n = 20: round(4.32) + 3 = 7; Binomial(19, ½): P(X ≤ 5) = 16664/524288 = 0.0318,
    #   P(X ≤ 6) = 43796/524288 = 0.0835 -> 6
    # (Anhøj & Olesen 2014, Table 1, list 6 and 2 for n = 10, 7 and 6 for n = 20)
    assert [longest_run_limit(n) for n in (10, 12, 20)] == [6, 7, 7]
    assert [crossings_limit(n) for n in (10, 12, 20)] == [2, 3, 6]


def test_critical_values_against_exact_binomial_sums():
    # the 5% quantile from exact integer sums of binomial coefficients, an implementation independent of scipy
    for n in range(2, 101):
        total = 2 ** (n - 1)
        cumulative, c = 0, -1
        while cumulative * 20 < total:  # P(X ≤ c) < 0.05
            c += 1
            cumulative += comb(n - 1, c)
        assert crossings_limit(n) == c, n
    np.testing.assert_array_equal(longest_run_limit(np.array([16, 23, 24, 45, 46])), [7, 8, 8, 8, 9])


def test_a_worked_series_with_points_on_the_median():
    # 5, 3, 5, 7, 5, 8, 2, 9, 1, 6, 4: median 5; the three 5s are not useful; the other eight fall
    # below, above, above, below, above, below, above, below: runs 1, 2, 1, 1, 1, 1, 1 -> 7 runs,
    # 6 crossings, longest 2; limits for n = 8: longest ≤ round(3) + 3 = 6, crossings ≥ 1
    # (Binomial(7, ½): P(X ≤ 0) = 1/128, P(X ≤ 1) = 8/128 = 0.0625): no signal
    r = run_chart([5, 3, 5, 7, 5, 8, 2, 9, 1, 6, 4])
    assert r["median"].iloc[0] == 5
    assert r["useful"].tolist() == [False, True, False, True, False, True, True, True, True, True, True]
    assert r["run_length"].tolist() == [0, 1, 0, 2, 0, 2, 1, 1, 1, 1, 1]
    first = r.iloc[0]
    assert (first["n_useful"], first["longest_run"], first["crossings"]) == (8, 2, 6)
    assert (first["longest_run_max"], first["crossings_min"]) == (6, 1)
    assert not r["runs_signal"].any() and set(r["point_type"]) == {"common_cause"}


def test_a_sustained_shift_signals_both_rules():
    # ten values below then ten above the median (7): runs of 10 and 10 > 7, one crossing < 6
    y = [5, 3, 6, 4, 5, 3, 6, 4, 5, 3, 8, 9, 8, 9, 8, 9, 8, 9, 8, 9]
    r = run_chart(y, improvement="increase")
    assert r["median"].iloc[0] == 7 and r["longest_run"].iloc[0] == 10 and r["crossings"].iloc[0] == 1
    assert r["long_run_signal"].all() and r["crossings_signal"].all() and r.attrs["runs_signal"]
    assert r["in_long_run"].all()
    assert r["point_type"].tolist() == ["special_cause_concern"] * 10 + ["special_cause_improvement"] * 10
    assert r.attrs["variation_icon"] == "improvement_high"


def test_a_steady_climb_has_too_few_crossings_without_a_long_run():
    # 1..12: median 6.5, six below then six above: runs 6 and 6 (not > 7), 1 crossing < 3
    r = run_chart(list(range(1, 13)))
    assert not r["long_run_signal"].any() and r["crossings_signal"].all()
    assert set(r["point_type"]) == {"common_cause"}  # a crossings signal belongs to no single point


def test_gaps_are_skipped_and_kept_in_place():
    # the worked series above with its first "below" value (3) missing: the median of the ten values left
    # is still 5; useful values 7, 8 (above), 2, 9, 1, 6, 4: runs 2, 1, 1, 1, 1, 1, so 5 crossings
    y = pd.Series([5, np.nan, 5, 7, 5, 8, 2, 9, 1, 6, 4], index=pd.period_range("2024-04", periods=11, freq="M"))
    r = run_chart(y)
    assert list(r.index) == list(y.index)
    assert np.isnan(r["relative_to_median"].iloc[1]) and r["point_type"].iloc[1] is None
    assert not r["useful"].iloc[1]
    assert (r["n_useful"].iloc[0], r["longest_run"].iloc[0], r["crossings"].iloc[0]) == (7, 2, 5)


def test_baseline_and_rebase():
    y = [1, 2, 3, 4, 10, 11, 12, 13, 14, 15]
    assert run_chart(y, baseline=4)["median"].iloc[0] == 2.5
    r = run_chart(y, rebase=[4])
    assert r["segment"].tolist() == [0] * 4 + [1] * 6
    assert r["median"].tolist() == [2.5] * 4 + [12.5] * 6
    with pytest.raises(ValueError, match="run_chart: 'rebase'"):
        run_chart(y, rebase=[99])
    with pytest.raises(ValueError, match="'baseline'"):
        run_chart(y, baseline=0)
