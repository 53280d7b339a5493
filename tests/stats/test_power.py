"""Minimum detectable ratio and power: hand calculation (the 13-events example) and statsmodels power."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.power import NormalIndPower, normal_power_het

from cscp_analysis.stats import detectable_ratio, minimum_detectable_ratio, power_for_ratio


def test_thirteen_events_by_hand():
    # Issue 15: a planted 2.5-fold over-representation (Black pupils' permanent exclusions) on 13 events.
    # Say 13 exclusions among 2,600 Black pupils (0.5%) and 40 among 20,000 other pupils (r0 = 0.2%):
    # RR = 2.5. Under the null both groups have r0 = 0.002:
    #   SE0² = (1 − r0)/r0 × (1/n1 + 1/n0) = 499 × (0.000384615 + 0.00005) = 499 × 0.000434615 = 0.216873
    #   SE0 = 0.465697
    # 80% power, two-sided 5%: z = 1.959964 + 0.841621 = 2.801585; 2.801585 × 0.465697 = 1.304689
    #   MDR = exp(1.304689) = 3.6865: only a ratio of about 3.7 or more would reliably have been detected.
    # Power at the planted 2.5: ln 2.5 / SE0 = 0.916291 / 0.465697 = 1.967571;
    #   Φ(1.967571 − 1.959964) + Φ(−1.967571 − 1.959964) = Φ(0.007607) + Φ(−3.927535) = 0.503035 + 0.000043 = 0.50308
    # so a true 2.5-fold difference is missed about half the time: "not significant" is not "no difference".
    assert minimum_detectable_ratio(2600, 40, 20000) == pytest.approx(3.6865, abs=5e-4)
    assert power_for_ratio(2.5, 2600, 40, 20000) == pytest.approx(0.50308, abs=5e-5)
    # downwards the detectable ratio is the reciprocal
    out = detectable_ratio(pd.DataFrame({"n1": [2600], "a0": [40], "n0": [20000]}), "n1", "a0", "n0")
    assert out["minimum_detectable_ratio_below"].iloc[0] == pytest.approx(1 / 3.6865, abs=5e-5)
    assert out["se_log_ratio"].iloc[0] == pytest.approx(0.465697, abs=1e-6)


def test_a_ratio_below_one_is_detectable_when_one_above_is_not():
    # A common outcome: reference 600 of 1,000 (r0 = 0.6), group of 20 children.
    # SE0² = (1 − 0.6)/0.6 × (1/20 + 1/1000) = 0.666667 × 0.051 = 0.034; SE0 = 0.184391.
    # Upwards: exp(2.801585 × 0.184391) = exp(0.516587) = 1.67635, and 1.67635 × 0.6 = 1.006 ≥ 1: no proportion
    # can be that high, so nothing above 1 is detectable (infinite). Downwards: exp(−0.516587) = 0.59653,
    # detectable all the same (the old 1/MDR gave 0).
    out = detectable_ratio(pd.DataFrame({"n1": [20], "a0": [600], "n0": [1000]}), "n1", "a0", "n0")
    assert np.isinf(out["minimum_detectable_ratio"].iloc[0])
    assert out["minimum_detectable_ratio_below"].iloc[0] == pytest.approx(0.59653, abs=5e-5)


def test_poisson_rates_by_hand():
    # missing episodes: reference 300 episodes over 1,000 children (r0 = 0.3 per child), group of 100 children.
    # SE0² = (1/0.3) × (1/100 + 1/1000) = 3.333333 × 0.011 = 0.0366667; SE0 = 0.191485;
    # MDR = exp(2.801585 × 0.191485) = exp(0.536461) = e^0.5 × e^0.036461 = 1.648721 × 1.037134 = 1.70995
    assert minimum_detectable_ratio(100, 300, 1000, kind="rate") == pytest.approx(1.70995, abs=5e-5)


@pytest.mark.parametrize("n1, a0, n0, kind", [(2600, 40, 20000, "proportion"), (150, 12, 4000, "proportion"),
                                              (500, 900, 30000, "rate"), (40, 5, 200, "proportion")])
@pytest.mark.parametrize("alpha, power", [(0.05, 0.8), (0.05, 0.9), (0.01, 0.8), (0.05 / 12, 0.8)])
def test_mdr_and_power_match_statsmodels(n1, a0, n0, kind, alpha, power):
    # statsmodels' two-sample normal power with effect size ln R / σ, σ² = (1 − r0)/r0 (or 1/r0) per child
    r0 = a0 / n0
    sigma = np.sqrt((1 - r0) / r0 if kind == "proportion" else 1 / r0)
    effect = NormalIndPower().solve_power(effect_size=None, nobs1=n1, alpha=alpha, power=power, ratio=n0 / n1)
    mdr = minimum_detectable_ratio(n1, a0, n0, power=power, alpha=alpha, kind=kind)
    if kind == "proportion" and np.exp(effect * sigma) * r0 >= 1:
        assert np.isinf(mdr)
        return
    assert mdr == pytest.approx(np.exp(effect * sigma), rel=2e-5)  # statsmodels also counts the far tail
    for ratio in (0.5, 1.0, 1.5, 2.5):
        expected = NormalIndPower().power(np.log(ratio) / sigma, n1, alpha, ratio=n0 / n1)
        assert power_for_ratio(ratio, n1, a0, n0, alpha=alpha, kind=kind) == pytest.approx(expected, abs=1e-12)
    # the same with statsmodels' heteroscedastic form, standard error stated directly
    se0 = sigma * np.sqrt(1 / n1 + 1 / n0)
    het = normal_power_het(np.log(2.0), 1, alpha, std_null=se0, std_alternative=se0, alternative="two-sided")
    assert power_for_ratio(2.0, n1, a0, n0, alpha=alpha, kind=kind) == pytest.approx(het, abs=1e-12)


def test_power_at_the_mdr_is_the_power_asked_for_and_alpha_at_one():
    mdr = minimum_detectable_ratio([2600, 150, 40], [40, 12, 5], [20000, 4000, 200])
    got = power_for_ratio(mdr, [2600, 150, 40], [40, 12, 5], [20000, 4000, 200])
    np.testing.assert_allclose(got, 0.8, atol=1e-5)
    assert power_for_ratio(1.0, 2600, 40, 20000) == pytest.approx(0.05)


def test_stricter_family_level_and_smaller_groups_need_larger_ratios():
    base = minimum_detectable_ratio(2600, 40, 20000)
    assert minimum_detectable_ratio(2600, 40, 20000, alpha=0.05 / 20) > base
    assert minimum_detectable_ratio(260, 40, 20000) > base
    assert minimum_detectable_ratio(2600, 40, 20000, power=0.9) > base


def test_nothing_detectable_is_infinite():
    # no reference events; and a proportion whose detectable ratio would push the group above 100%
    assert np.isinf(minimum_detectable_ratio(100, 0, 1000))
    assert np.isinf(minimum_detectable_ratio(10, 60, 100))
    assert np.isnan(power_for_ratio(2.0, 10, 60, 100))  # 2 × 60% is impossible


def test_table_form_with_a_column_of_levels_and_a_ratio():
    df = pd.DataFrame({"group": ["Black", "Mixed"], "n1": [2600, 1500], "a0": [40, 40], "n0": [20000, 20000],
                       "level": [0.05, 0.01]}, index=["x", "y"])
    out = detectable_ratio(df, "n1", "a0", "n0", alpha="level", ratio=2.5)
    assert list(out.index) == ["x", "y"] and list(out["group"]) == ["Black", "Mixed"]
    expected = minimum_detectable_ratio(df["n1"], df["a0"], df["n0"], alpha=df["level"])
    np.testing.assert_allclose(out["minimum_detectable_ratio"], expected)
    np.testing.assert_allclose(out["mdr_alpha"], [0.05, 0.01])
    assert out["power_at_ratio"].iloc[0] == pytest.approx(0.50308, abs=5e-5)


def test_input_checks():
    with pytest.raises(ValueError, match="'kind' must be 'proportion'"):
        minimum_detectable_ratio(10, 1, 100, kind="odds")
    with pytest.raises(ValueError, match="'alpha' must be between 0 and 1"):
        minimum_detectable_ratio(10, 1, 100, alpha=5)
    with pytest.raises(ValueError, match="'a0' must not be larger than 'n0'"):
        minimum_detectable_ratio(10, 200, 100)
    with pytest.raises(ValueError, match="'ratio' must be greater than 0"):
        power_for_ratio(0, 10, 1, 100)
