"""Intervals and the proportion/rate table functions against independently obtained values."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2
from statsmodels.stats.proportion import proportion_confint

from cscp_analysis.stats import (
    byar_interval,
    exact_poisson_interval,
    poisson_interval,
    proportion,
    rate,
    wilson_interval,
)

Z95 = 1.959963984540054  # Φ⁻¹(0.975)
Z998 = 3.090232306167813  # Φ⁻¹(0.999)


# ---------------------------------------------------------------- Wilson


def test_wilson_with_no_events_has_closed_form():
    # x = 0: lower = 0 and upper = z² / (n + z²); z² = 3.841459 at 95%, so 0 of 10 gives
    # 3.841459 / 13.841459 = 0.277533 (hand calculation)
    lo, hi = wilson_interval(0, 10)
    assert lo == pytest.approx(0.0, abs=1e-12)
    assert hi == pytest.approx(0.277533, abs=1e-6)


def test_wilson_newcombe_altman_worked_example():
    # 81 of 263 (Newcombe & Altman, Statistics with confidence, ch. 6), by hand at 95%:
    # 2x + z² = 165.841459; 4x(1 − x/n) = 224.212928; √(z² + 224.212928) = 15.101470;
    # z·15.101470 = 29.598337; 2(n + z²) = 533.682918
    # lower = (165.841459 − 29.598337) / 533.682918 = 0.255289
    # upper = (165.841459 + 29.598337) / 533.682918 = 0.366210
    lo, hi = wilson_interval(81, 263)
    assert lo == pytest.approx(0.255289, abs=1e-6)
    assert hi == pytest.approx(0.366210, abs=1e-6)


@pytest.mark.parametrize("confidence, alpha", [(0.95, 0.05), (0.998, 0.002), (99.8, 0.002), (95, 0.05)])
def test_wilson_matches_statsmodels(confidence, alpha):
    x = np.array([0, 1, 5, 17, 50, 99, 100, 3, 250])
    n = np.array([10, 1, 40, 17, 100, 100, 1000, 7, 251])
    lo, hi = wilson_interval(x, n, confidence)
    ref_lo, ref_hi = proportion_confint(x, n, alpha=alpha, method="wilson")
    np.testing.assert_allclose(lo, ref_lo, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(hi, ref_hi, rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------- Poisson counts


@pytest.mark.parametrize("confidence", [0.95, 0.998])
def test_exact_poisson_matches_scipy_chi2(confidence):
    o = np.arange(0, 25, dtype=float)
    lo, hi = exact_poisson_interval(o, confidence)
    alpha = 1 - confidence
    ref_lo = np.where(o > 0, chi2.ppf(alpha / 2, 2 * np.maximum(o, 1)) / 2, 0.0)
    ref_hi = chi2.ppf(1 - alpha / 2, 2 * o + 2) / 2
    np.testing.assert_allclose(lo, ref_lo, rtol=1e-12)
    np.testing.assert_allclose(hi, ref_hi, rtol=1e-12)


def test_exact_poisson_textbook_values():
    # exact (Garwood 1936) limits for 0 and 1 events at 95%, as tabulated in standard tables:
    # 0 -> (0, 3.689); 1 -> (0.0253, 5.572)
    lo, hi = exact_poisson_interval([0, 1])
    np.testing.assert_allclose(lo, [0.0, 0.0253], atol=5e-5)
    np.testing.assert_allclose(hi, [3.6889, 5.5716], atol=5e-5)


def test_byar_by_hand():
    # O = 10 at 95%: lower = 10 (1 − 1/90 − 1.959964/(3√10))³ = 10 × (1 − 0.011111 − 0.206599)³
    #              = 10 × 0.782290³ = 4.787450
    # upper = 11 (1 − 1/99 + 1.959964/(3√11))³ = 11 × (1 − 0.010101 + 0.196984)³ = 11 × 1.186883³ = 18.391459
    lo, hi = byar_interval(10)
    assert lo == pytest.approx(4.787450, abs=1e-5)
    assert hi == pytest.approx(18.391459, abs=1e-5)


def test_byar_lower_is_nan_where_formula_goes_negative():
    # O = 1 at 99.8%: 1 − 1/9 − 3.090232/3 = −0.141122 < 0, so the cube is negative: NaN
    lo, hi = byar_interval([1, 0], 0.998)
    assert np.isnan(lo).all()
    assert np.isfinite(hi).all()


def test_poisson_interval_switches_at_ten():
    lo, hi = poisson_interval([9, 10], 0.95)
    e_lo, e_hi = exact_poisson_interval(9)
    b_lo, b_hi = byar_interval(10)
    assert (lo[0], hi[0]) == (e_lo, e_hi)
    assert (lo[1], hi[1]) == (b_lo, b_hi)


# ---------------------------------------------------------------- table functions


def phe_rate_example():
    # the data of PHEindicatormethods' phe_rate example
    return pd.DataFrame({
        "area": np.repeat(["Area1", "Area2", "Area3", "Area4"], 3),
        "obs": [np.nan, 82, 9, 48, 6500, 8200, 10000, 10000, 8, 7, 750, 900],
        "pop": np.repeat([100, 10000, 10000, 10000], 3),
    }, index=list("lkjihgfedcba"))


def _scalar_rate(o, n, confidence, m):
    """Row-by-row reference: scipy chi2 below 10 events, Byar's formula from 10."""
    if np.isnan(o):
        return np.nan, np.nan
    z = {0.95: Z95, 0.998: Z998}[confidence]
    a = 1 - confidence
    if o < 10:
        lo = chi2.ppf(a / 2, 2 * o) / 2 if o > 0 else 0.0
        hi = chi2.ppf(1 - a / 2, 2 * o + 2) / 2
    else:
        lo = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
        hi = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * np.sqrt(o + 1))) ** 3
    return lo / n * m, hi / n * m


def test_rate_matches_row_by_row_reference_and_keeps_index():
    df = phe_rate_example()
    out = rate(df, "obs", "pop", multiplier=100_000, confidence=[0.95, 0.998])
    assert list(out.index) == list(df.index)
    assert list(out.columns) == ["area", "obs", "pop", "value", "lower95_ci", "upper95_ci", "lower99_8_ci",
                                 "upper99_8_ci", "confidence", "statistic", "method"]
    for i, (o, n) in enumerate(zip(df["obs"], df["pop"], strict=True)):
        for c, s in ((0.95, "95"), (0.998, "99_8")):
            lo, hi = _scalar_rate(o, n, c, 100_000)
            np.testing.assert_allclose([out[f"lower{s}_ci"].iloc[i], out[f"upper{s}_ci"].iloc[i]], [lo, hi],
                                       rtol=1e-12)
    assert out["confidence"].iloc[0] == "95%, 99.8%"
    assert out["statistic"].iloc[0] == "Rate per 100,000"
    assert list(out["method"].iloc[1:]) == ["Byars", "Exact", "Byars", "Byars", "Byars", "Byars", "Byars",
                                            "Exact", "Exact", "Byars", "Byars"]
    assert pd.isna(out["method"].iloc[0]) and np.isnan(out["value"].iloc[0])


def test_rate_default_is_per_ten_thousand_children():
    # 25 referrals among 5,000 children: 25 / 5000 × 10,000 = 50 per 10,000
    out = rate(pd.DataFrame({"n": [25], "children": [5000]}), "n", "children")
    assert out["value"].iloc[0] == pytest.approx(50.0)
    assert out["statistic"].iloc[0] == "Rate per 10,000"
    assert list(out.columns[-6:]) == ["value", "lower_ci", "upper_ci", "confidence", "statistic", "method"]


def test_proportion_percentage_and_single_confidence():
    df = pd.DataFrame({"x": [81, 0], "n": [263, 10]}, index=[10, 20])
    out = proportion(df, "x", "n", confidence=95, multiplier=100)
    assert out["statistic"].tolist() == ["Percentage", "Percentage"]
    assert out["method"].tolist() == ["Wilson", "Wilson"]
    assert out["confidence"].tolist() == ["95%", "95%"]
    np.testing.assert_allclose(out["lower_ci"], [25.5289, 0.0], atol=1e-4)
    np.testing.assert_allclose(out["upper_ci"], [36.6210, 27.7533], atol=1e-4)
    assert list(out.index) == [10, 20]
    assert proportion(df, "x", "n")["statistic"].iloc[0] == "Proportion"


# ---------------------------------------------------------------- input checks


@pytest.mark.parametrize("bad", [0.5, 0.89, 0.9, 90, 1, 100, 1.5, "95", None, True])
def test_confidence_outside_range_is_refused(bad):
    with pytest.raises(ValueError, match="confidence"):
        wilson_interval(1, 10, bad)


def test_messages_name_the_argument_and_rows():
    df = pd.DataFrame({"cases": [1, -2, 3, -4], "pop": [10, 10, 0, 10]}, index=["a", "b", "c", "d"])
    with pytest.raises(ValueError, match=r"'cases' must not be negative.*rows 1, 3 \(index 'b', 'd'\)"):
        proportion(df, "cases", "pop")
    df["cases"] = [1, 2, 3, 4]
    with pytest.raises(ValueError, match=r"'pop' is a denominator.*row 2 \(index 'c'\)"):
        rate(df, "cases", "pop")
    df["pop"] = [10, 1, 10, 10]
    with pytest.raises(ValueError, match=r"'cases' must not be larger than 'pop'.*row 1 \(index 'b'\)"):
        proportion(df, "cases", "pop")
    df["cases"] = ["1", 2, "three", 4]
    with pytest.raises(ValueError, match=r"'cases' must be numeric.*rows 0, 2"):
        rate(df, "cases", "pop")
    with pytest.raises(ValueError, match="'num' names column 'nope'"):
        proportion(df, "nope", "pop")


# ---------------------------------------------------------------- properties

counts_and_sizes = st.integers(min_value=1, max_value=5000).flatmap(
    lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n)))


@settings(max_examples=60, deadline=None)
@given(st.lists(counts_and_sizes, min_size=1, max_size=20))
def test_estimate_inside_interval_and_998_contains_95(pairs):
    x = np.array([p[0] for p in pairs], dtype=float)
    n = np.array([p[1] for p in pairs], dtype=float)
    out = proportion(pd.DataFrame({"x": x, "n": n}), "x", "n", confidence=[0.95, 0.998])
    eps = 1e-12
    assert (out["lower95_ci"] <= out["value"] + eps).all() and (out["value"] <= out["upper95_ci"] + eps).all()
    assert (out["lower99_8_ci"] <= out["lower95_ci"] + eps).all()
    assert (out["upper95_ci"] <= out["upper99_8_ci"] + eps).all()
    r = rate(pd.DataFrame({"x": x, "n": n}), "x", "n", confidence=[0.95, 0.998])
    lower95 = r["lower95_ci"].fillna(0)  # Byar's lower is NaN only where it would be negative
    assert (lower95 <= r["value"] + eps).all() and (r["value"] <= r["upper95_ci"] + eps).all()
    assert (r["lower99_8_ci"].fillna(0) <= lower95 + eps).all()
    assert (r["upper95_ci"] <= r["upper99_8_ci"] + eps).all()


@settings(max_examples=40, deadline=None)
@given(st.lists(counts_and_sizes, min_size=1, max_size=15), st.sampled_from([0.95, 0.998]))
def test_vectorised_equals_scalar_formula(pairs, confidence):
    x = np.array([p[0] for p in pairs], dtype=float)
    n = np.array([p[1] for p in pairs], dtype=float)
    lo, hi = wilson_interval(x, n, confidence)
    z = {0.95: Z95, 0.998: Z998}[confidence]
    for i in range(len(x)):
        xi, ni = x[i], n[i]
        spread = z * np.sqrt(z * z + 4 * xi * (1 - xi / ni))
        assert lo[i] == pytest.approx((2 * xi + z * z - spread) / (2 * (ni + z * z)), abs=1e-12)
        assert hi[i] == pytest.approx((2 * xi + z * z + spread) / (2 * (ni + z * z)), abs=1e-12)
    r = rate(pd.DataFrame({"x": x, "n": n}), "x", "n", multiplier=1000, confidence=confidence)
    for i in range(len(x)):
        ref = _scalar_rate(x[i], n[i], confidence, 1000)
        np.testing.assert_allclose([r["lower_ci"].iloc[i], r["upper_ci"].iloc[i]], ref, rtol=1e-10)


# ---------------------------------------------------------------- the anchor's Python port, when installed


def test_agrees_with_phstatsmethods_when_installed():
    phs = pytest.importorskip("PHStatsMethods")
    rng = np.random.default_rng(3)
    n = rng.integers(50, 100_000, 300)
    x = np.minimum(rng.poisson(n * 0.02), n)
    x[x == 0] = 1  # PHStatsMethods' byars_upper refuses a count of 0
    df = pd.DataFrame({"x": x, "n": n})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref_p = phs.ph_proportion(df, "x", "n", confidence=[0.95, 0.998])
        ref_r = phs.ph_rate(df, "x", "n", confidence=[0.95, 0.998], multiplier=10000)
    ours_p = proportion(df, "x", "n", confidence=[0.95, 0.998])
    ours_r = rate(df, "x", "n", confidence=[0.95, 0.998])
    for ours, ref in ((ours_p, ref_p), (ours_r, ref_r)):
        np.testing.assert_allclose(ours["value"], ref["Value"], rtol=1e-12)
        for s in ("95", "99_8"):
            np.testing.assert_allclose(ours[f"lower{s}_ci"], ref[f"lower_{s}_ci"], rtol=1e-9)
            np.testing.assert_allclose(ours[f"upper{s}_ci"], ref[f"upper_{s}_ci"], rtol=1e-9)
