"""Comparison with a benchmark, with and without polarity."""

import numpy as np
import pandas as pd
import pytest

from cscp_analysis.stats import apply_polarity, benchmark_comparison, compare_with_benchmark, proportion


def test_higher_lower_similar():
    # England 20%: an interval 21-25 is above it (higher), 15-19 below (lower), 18-22 and 20-24 contain it
    lower = [21, 15, 18, 20, np.nan]
    upper = [25, 19, 22, 24, 30]
    assert list(compare_with_benchmark(lower, upper, 20)) == ["higher", "lower", "similar", "similar", "not compared"]


@pytest.mark.parametrize("polarity, expected", [
    ("higher_is_better", ["better", "worse", "similar"]),
    ("lower_is_better", ["worse", "better", "similar"]),
    ("neither", ["higher", "lower", "similar"]),
])
def test_polarity(polarity, expected):
    assert list(compare_with_benchmark([21, 15, 18], [25, 19, 22], 20, polarity)) == expected


def test_polarity_per_row_and_bad_polarity():
    out = apply_polarity(["higher", "higher", "lower", "not compared"],
                         ["higher_is_better", "lower_is_better", "neither", "lower_is_better"])
    assert list(out) == ["better", "worse", "lower", "not compared"]
    with pytest.raises(ValueError, match="'polarity' must be one of"):
        apply_polarity(["higher"], ["up"])


def test_benchmark_comparison_table_at_95_and_998():
    # 30 of 100 (30%) against England 20%: Wilson 95% (21.9%, 39.6%) excludes 20% -> higher;
    # 99.8% (17.7%, 45.4%) contains it -> similar. 5 of 100 against 20%: lower at both levels.
    df = pd.DataFrame({"x": [30, 5], "n": [100, 100], "england": [20.0, 20.0],
                       "polarity": ["lower_is_better", "higher_is_better"]}, index=["LA1", "LA2"])
    out = benchmark_comparison(proportion(df, "x", "n", confidence=[0.95, 0.998], multiplier=100),
                               benchmark="england", polarity="polarity")
    assert out["comparison95"].tolist() == ["worse", "worse"]
    assert out["comparison99_8"].tolist() == ["similar", "worse"]
    assert list(out.index) == ["LA1", "LA2"]
    plain = benchmark_comparison(proportion(df, "x", "n", multiplier=100), benchmark=20.0, confidence=0.95)
    assert plain["comparison95"].tolist() == ["higher", "lower"]
