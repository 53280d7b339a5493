"""Risk ratio, rate ratio and disproportionality ratio against worked examples and statsmodels."""

from math import comb

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.contingency_tables import Table2x2
from statsmodels.stats.proportion import proportion_confint, proportions_ztest
from statsmodels.stats.rates import confint_poisson_2indep

from cscp_analysis.stats import (
    disproportionality_ratio,
    rate_ratio,
    risk_ratio,
    significance_flag,
)


def test_risk_ratio_jewell_worked_example():
    # epitools documents risk.ratio(178, 1589, 79, 1565), Jewell (2004) p. 83 (Western
    # Collaborative Group Study: CHD in type A vs type B). By hand:
    # RR = (178/1589)/(79/1565) = 0.112020/0.050479 = 2.21913
    # SE(ln RR) = √(1/178 − 1/1589 + 1/79 − 1/1565) = √0.0170080 = 0.130414
    # CI = exp(0.797115 ∓ 1.959964 × 0.130414) = (1.7186, 2.8654)
    rr, lo, hi = risk_ratio(178, 1589, 79, 1565)
    assert rr == pytest.approx(2.21913, abs=1e-5)
    assert lo == pytest.approx(1.7186, abs=1e-4)
    assert hi == pytest.approx(2.8654, abs=1e-4)


def test_risk_ratio_matches_statsmodels_katz_and_p_value():
    cases = [(178, 1589, 79, 1565), (12, 40, 30, 400), (3, 1000, 9, 1200), (50, 50, 20, 60)]
    for a1, n1, a0, n0 in cases:
        table = Table2x2([[a1, n1 - a1], [a0, n0 - a0]], shift_zeros=False)
        res = risk_ratio(a1, n1, a0, n0)
        assert res.ratio == pytest.approx(table.riskratio, rel=1e-12)
        ref_lo, ref_hi = table.riskratio_confint(alpha=0.05)
        assert res.lower == pytest.approx(ref_lo, rel=1e-9)
        assert res.upper == pytest.approx(ref_hi, rel=1e-9)
        assert res.p_value == pytest.approx(table.log_riskratio_pvalue(), rel=1e-9)


def test_risk_ratio_vectorised_and_unpacks_as_three():
    res = risk_ratio([178, 0], [1589, 100], [79, 5], [1565, 100], confidence=0.998)
    ratio, lower, upper = res  # the contract of docs/architecture.md §3.3: (ratio, lower, upper)
    assert ratio.shape == (2,) and res.p_value.shape == (2,)
    assert ratio[1] == 0 and np.isnan(lower[1]) and np.isnan(upper[1]) and np.isnan(res.p_value[1])
    assert "Katz" in res.method


def test_rate_ratio_exact_matches_clopper_pearson_transform():
    # events per child: 10 episodes among 100 children vs 4 among 120.
    # Conditional on 14 events, the share in group 1 is binomial; Clopper-Pearson limits of 10/14
    # (statsmodels method="beta") turned into a ratio: RR = p/(1 − p) × t0/t1.
    x1, t1, x0, t0 = 10, 100, 4, 120
    res = rate_ratio(x1, t1, x0, t0)
    p_lo, p_hi = proportion_confint(x1, x1 + x0, alpha=0.05, method="beta")
    assert res.ratio == pytest.approx((10 / 100) / (4 / 120))
    assert res.lower == pytest.approx(p_lo / (1 - p_lo) * t0 / t1, rel=1e-9)
    assert res.upper == pytest.approx(p_hi / (1 - p_hi) * t0 / t1, rel=1e-9)


def test_rate_ratio_exact_p_value_by_hand():
    # Under RR = 1 the share of the 14 events in group 1 is Bin(14, 100/220). Central two-sided p:
    # 2 × min(P(X ≤ 10), P(X ≥ 10)), with the binomial sums written out
    p = 100 / 220
    pmf = [comb(14, k) * p ** k * (1 - p) ** (14 - k) for k in range(15)]
    expected = min(1.0, 2 * min(sum(pmf[:11]), sum(pmf[10:])))
    assert rate_ratio(10, 100, 4, 120).p_value == pytest.approx(expected, rel=1e-9)


def test_rate_ratio_exact_with_no_events_in_one_group():
    res = rate_ratio(0, 50, 8, 60)
    assert res.ratio == 0 and res.lower == 0 and np.isfinite(res.upper)
    res = rate_ratio(8, 50, 0, 60)
    assert np.isinf(res.ratio) and np.isinf(res.upper) and res.lower > 0


def test_rate_ratio_wald_matches_statsmodels_wald_log():
    res = rate_ratio(10, 100, 4, 120, method="wald")
    ref = confint_poisson_2indep(10, 100, 4, 120, method="wald-log", alpha=0.05)
    assert (res.lower, res.upper) == pytest.approx(ref, rel=1e-9)
    with pytest.raises(ValueError, match="method"):
        rate_ratio(1, 2, 3, 4, method="mid-p")


def test_disproportionality_ratio_by_hand_and_statsmodels():
    # Black children are 30 of 200 children on a plan (15%) and 600 of 10,000 children (6%):
    # DR = 0.15 / 0.06 = 2.5; interval = Wilson interval of 30/200, divided by 0.06;
    # score test z = (0.15 − 0.06) / √(0.06 × 0.94 / 200) = 0.09 / 0.016793 = 5.3594
    res = disproportionality_ratio(30, 200, 600, 10_000)
    lo, hi = proportion_confint(30, 200, alpha=0.05, method="wilson")
    assert res.ratio == pytest.approx(2.5)
    assert (res.lower, res.upper) == pytest.approx((lo / 0.06, hi / 0.06), rel=1e-12)
    z, p = proportions_ztest(30, 200, value=0.06, prop_var=0.06)
    assert z == pytest.approx(5.3594, abs=1e-4)
    assert res.p_value == pytest.approx(p, rel=1e-9)


def test_significance_flag():
    out = significance_flag([1.2, 0.5, 0.9, np.nan], [1.8, 0.9, 1.1, 2.0])
    assert list(out) == ["higher", "lower", "similar", "not compared"]
    assert significance_flag(1.0, 2.0) == "similar"  # a limit equal to 1 is not significant


def test_ratio_input_checks():
    with pytest.raises(ValueError, match=r"risk_ratio: 'a1' must not be larger than 'n1'"):
        risk_ratio(10, 5, 1, 10)
    with pytest.raises(ValueError, match=r"rate_ratio: 't0' is a denominator"):
        rate_ratio(1, 10, 1, 0)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 400), st.integers(0, 400), st.integers(1, 400), st.integers(0, 400))
def test_ratio_intervals_contain_estimate_and_nest(a1, extra1, a0, extra0):
    n1, n0 = a1 + extra1, a0 + extra0
    r95 = risk_ratio(a1, n1, a0, n0, 0.95)
    r998 = risk_ratio(a1, n1, a0, n0, 0.998)
    assert r95.lower <= r95.ratio * (1 + 1e-12) and r95.ratio <= r95.upper * (1 + 1e-12)
    assert r998.lower <= r95.lower * (1 + 1e-12) and r95.upper <= r998.upper * (1 + 1e-12)
    e95 = rate_ratio(a1, n1, a0, n0, 0.95)
    e998 = rate_ratio(a1, n1, a0, n0, 0.998)
    assert e95.lower <= e95.ratio <= e95.upper
    assert e998.lower <= e95.lower and e95.upper <= e998.upper
    # the p-value agrees with the interval: p < 0.05 exactly when the interval excludes 1
    assert (e95.p_value < 0.05) == (e95.lower > 1 or e95.upper < 1) or np.isclose(e95.p_value, 0.05)
    assert (r95.p_value < 0.05) == (r95.lower > 1 or r95.upper < 1) or np.isclose(r95.p_value, 0.05)
