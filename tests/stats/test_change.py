"""Tests of change between survey waves against published examples, statsmodels, scipy and hand calculation."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2_contingency
from statsmodels.stats.contingency_tables import Table
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportions_ztest,
)
from statsmodels.stats.proportion import test_proportions_2indep as score_test_2indep  # not a pytest test

from cscp_analysis.stats import (
    chi2_for_trend,
    cochran_armitage_test,
    proportion_change,
    trend_across_waves,
    two_proportion_test,
)

# ---------------------------------------------------------------- two-proportion test


@pytest.mark.parametrize("first, second, lower, upper", [
    # Newcombe (1998) Stat Med 17:873-890, Table II, method 10 (hybrid score), to 4 decimals;
    # the paper's difference is first − second, ours later − earlier, so "earlier" is the second
    ((56, 70), (48, 80), 0.0524, 0.3339),
    ((9, 10), (3, 10), 0.1705, 0.8090),
    ((5, 56), (0, 29), -0.0381, 0.1926),
    ((0, 10), (0, 20), -0.1611, 0.2775),
    ((10, 10), (0, 20), 0.6791, 1.0000),
])
def test_newcombe_published_examples(first, second, lower, upper):
    d, lo, hi = two_proportion_test(second[0], second[1], first[0], first[1])
    assert d == pytest.approx(first[0] / first[1] - second[0] / second[1])
    assert lo == pytest.approx(lower, abs=5e-5) and hi == pytest.approx(upper, abs=5e-5)


def test_survey_change_by_hand():
    # numbers consistent with issue 15's example: 50 of 83 children then 80 of 112 (+11.2 points).
    # p1 = 0.602410, p2 = 0.714286, d = 0.111876; pooled p = 130/195 = 0.666667;
    # var = 0.666667 × 0.333333 × (1/83 + 1/112) = 0.222222 × 0.0209768 = 0.00466151; SE = 0.0682752;
    # z = 0.111876 / 0.0682752 = 1.63860; p = 2 × (1 − Φ(1.63860)) = 0.10130: not significant
    r = two_proportion_test(50, 83, 80, 112)
    assert r.difference == pytest.approx(0.111876, abs=1e-6)
    assert r.z == pytest.approx(1.63860, abs=1e-5)
    assert r.p_value == pytest.approx(0.10130, abs=1e-5)
    assert r.lower < 0 < r.upper  # the interval includes no change


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
def test_matches_statsmodels_and_scipy():
    rng = np.random.default_rng(1)
    n1 = rng.integers(5, 400, 200)
    n2 = rng.integers(5, 400, 200)
    x1 = rng.binomial(n1, rng.uniform(0, 1, 200))
    x2 = rng.binomial(n2, rng.uniform(0, 1, 200))
    d, lo, hi = r = two_proportion_test(x1, n1, x2, n2)
    for i in range(200):
        ref_lo, ref_hi = confint_proportions_2indep(x2[i], n2[i], x1[i], n1[i], method="newcomb", compare="diff")
        assert lo[i] == pytest.approx(ref_lo, abs=1e-12) and hi[i] == pytest.approx(ref_hi, abs=1e-12)
        pooled = (x1[i] + x2[i]) / (n1[i] + n2[i])
        if 0 < pooled < 1:
            z, p = proportions_ztest([x2[i], x1[i]], [n2[i], n1[i]])
            assert r.z[i] == pytest.approx(z, rel=1e-10) and r.p_value[i] == pytest.approx(p, rel=1e-9)
            score = score_test_2indep(x2[i], n2[i], x1[i], n1[i], method="score", correction=False)
            assert r.p_value[i] == pytest.approx(score.pvalue, rel=1e-9)
            # z² is Pearson's chi-squared without continuity correction
            chi2 = chi2_contingency([[x1[i], n1[i] - x1[i]], [x2[i], n2[i] - x2[i]]], correction=False)[0]
            assert r.z[i] ** 2 == pytest.approx(chi2, rel=1e-9)


def test_no_variation_gives_no_evidence_and_confidence_level_matters():
    r = two_proportion_test([0, 10], [10, 10], [0, 20], [20, 20])
    assert list(r.z) == [0, 0] and list(r.p_value) == [1, 1]
    narrow = two_proportion_test(50, 83, 80, 112, 0.95)
    wide = two_proportion_test(50, 83, 80, 112, 99.8)
    assert wide.lower < narrow.lower and wide.upper > narrow.upper and wide.p_value == narrow.p_value


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 300), st.integers(1, 300), st.data())
def test_interval_contains_difference_and_stays_in_range(n1, n2, data):
    x1 = data.draw(st.integers(0, n1))
    x2 = data.draw(st.integers(0, n2))
    d, lo, hi = two_proportion_test(x1, n1, x2, n2)
    assert -1 - 1e-12 <= lo <= d + 1e-12 and d - 1e-12 <= hi <= 1 + 1e-12


def test_table_form_keeps_rows_and_adds_columns():
    df = pd.DataFrame({"question": ["safe", "listened"], "yes1": [50, 60], "n1": [83, 83], "yes2": [80, 75],
                       "n2": [112, 112]}, index=[10, 20])
    out = proportion_change(df, "yes1", "n1", "yes2", "n2", multiplier=100)
    assert list(out.index) == [10, 20] and list(out["question"]) == ["safe", "listened"]
    r = two_proportion_test(df["yes1"], df["n1"], df["yes2"], df["n2"])
    np.testing.assert_allclose(out["value"], r.difference * 100)
    np.testing.assert_allclose(out["lower_ci"], r.lower * 100)
    np.testing.assert_allclose(out["p_value"], r.p_value)
    assert set(out["statistic"]) == {"Difference in percentage points"} and set(out["confidence"]) == {"95%"}
    both = proportion_change(df, "yes1", "n1", "yes2", "n2", confidence=[0.95, 0.998])
    assert {"lower95_ci", "upper99_8_ci"} <= set(both.columns)


def test_input_checks_name_the_argument_and_rows():
    with pytest.raises(ValueError, match=r"'x2' must not be larger than 'n2'.*row 1"):
        two_proportion_test([1, 2], [10, 10], [3, 30], [20, 20])
    with pytest.raises(ValueError, match="'n1' is a denominator"):
        two_proportion_test(1, 0, 1, 2)
    df = pd.DataFrame({"a": [1], "b": [2], "c": [1]})
    with pytest.raises(ValueError, match="'den2' names column 'zzz'"):
        proportion_change(df, "a", "b", "c", "zzz")


# ---------------------------------------------------------------- Cochran–Armitage across waves


def test_cochran_armitage_r_prop_trend_test_example():
    # R documentation, ?prop.trend.test: smokers <- c(83, 90, 129, 70); patients <- c(86, 93, 136, 82);
    # prop.trend.test(smokers, patients) gives X-squared = 8.2249, df = 1, p-value = 0.004132
    r = cochran_armitage_test([83, 90, 129, 70], [86, 93, 136, 82])
    assert r.chi2 == pytest.approx(8.2249, abs=5e-5)
    assert r.p_value == pytest.approx(0.004132, abs=5e-7)
    assert r.z < 0  # the proportion of smokers falls across the four groups


def test_cochran_armitage_agresti_example_and_statsmodels():
    # Agresti, An Introduction to Categorical Data Analysis (2007) §2.5: infant malformation by
    # mother's alcohol consumption, scores 0, 0.5, 1.5, 4, 7; M² = 6.57 (linear-by-linear, P = 0.01)
    present = np.array([48, 38, 5, 1, 1])
    absent = np.array([17066, 14464, 788, 126, 37])
    scores = np.array([0, 0.5, 1.5, 4, 7])
    n = present + absent
    r = cochran_armitage_test(present, n, scores)
    assert r.chi2 == pytest.approx(6.57, abs=5e-3) and r.z > 0
    # statsmodels' permutation variance: its z² = (N − 1)/N × ours
    ref = Table(np.vstack([present, absent]).T).test_ordinal_association(row_scores=scores,
                                                                          col_scores=np.array([1, 0]))
    big_n = n.sum()
    assert r.chi2 * (big_n - 1) / big_n == pytest.approx(ref.zscore ** 2, rel=1e-10)
    assert np.sign(r.z) == np.sign(ref.zscore)


def test_cochran_armitage_by_hand_and_agrees_with_chi2_for_trend():
    # 2 of 10, 5 of 10, 8 of 10 at scores 1, 2, 3: N = 30, p̄ = 0.5, t̄ = 2, Σx(t − t̄) = −2 + 0 + 8 = 6,
    # Σn(t − t̄)² = 20, z = 6 / √(0.25 × 20) = 2.683282; slope = 6/20 = 0.3 per wave
    r = cochran_armitage_test([2, 5, 8], [10, 10, 10])
    assert r.z == pytest.approx(2.683282, abs=1e-6) and r.slope == pytest.approx(0.3)
    assert r.chi2 == pytest.approx(float(chi2_for_trend([2, 5, 8], [10, 10, 10])))
    many = cochran_armitage_test(np.array([[2, 5, 8], [8, 5, 2]]), np.array([[10, 10, 10]] * 2))
    np.testing.assert_allclose(many.z, [2.683282, -2.683282], atol=1e-6)
    # two waves: the trend test is the two-proportion test
    assert cochran_armitage_test([50, 80], [83, 112]).p_value == pytest.approx(
        two_proportion_test(50, 83, 80, 112).p_value, rel=1e-12)


def test_cochran_armitage_degenerate_cases():
    none = cochran_armitage_test([0, 0, 0], [10, 20, 30])
    assert none.z == 0 and none.p_value == 1
    single = cochran_armitage_test([3], [10])
    assert np.isnan(single.z) and np.isnan(single.p_value)


def test_trend_across_waves_table():
    df = pd.DataFrame({"question": ["b", "b", "b", "a", "a", "a"], "wave": [3, 1, 2, 1, 2, 3],
                       "yes": [8, 2, 5, 83, 90, 129], "answers": [10, 10, 10, 86, 93, 136]})
    out = trend_across_waves(df, "wave", "yes", "answers", group_by="question")
    assert list(out["question"]) == ["b", "a"]  # order of first appearance
    assert list(out["waves"]) == [3, 3] and list(out["first_wave"]) == [1, 1] and list(out["last_wave"]) == [3, 3]
    assert out["z"].iloc[0] == pytest.approx(2.683282, abs=1e-6)
    assert out["first_value"].iloc[0] == pytest.approx(0.2) and out["last_value"].iloc[0] == pytest.approx(0.8)
    ref = cochran_armitage_test([83, 90, 129], [86, 93, 136])
    assert out["p_value"].iloc[1] == pytest.approx(ref.p_value)
    with pytest.raises(ValueError, match="'yes' or 'answers' is missing in row 0"):
        trend_across_waves(df.assign(yes=[np.nan, 2, 5, 83, 90, 129]), "wave", "yes", "answers", "question")
