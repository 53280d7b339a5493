"""Intervals for clustered proportions: hand-worked ICC and design effect, statsmodels ANOVA, limits, bootstrap."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.formula.api import ols

from cscp_analysis.stats import (
    cluster_bootstrap_interval,
    clustered_proportion,
    clustered_wilson_interval,
    design_effect,
    icc_anova,
    wilson_interval,
)


def test_icc_and_design_effect_by_hand():
    # three cases graded four times each, 1, 2 and 4 gradings "good": N = 12, k = 3, Y = 7
    # Σy²/m = 1/4 + 4/4 + 16/4 = 5.25; Y²/N = 49/12 = 4.083333
    # MSB = (5.25 − 4.083333)/2 = 0.583333; MSW = (7 − 5.25)/(12 − 3) = 0.194444
    # m0 = (12 − 48/12)/2 = 4; ICC = (0.583333 − 0.194444)/(0.583333 + 3 × 0.194444) = 1/3
    # deff = 1 + (4 − 1)/3 = 2; effective n = 6, effective count 3.5
    # Wilson(3.5, 6): 2x + z² = 10.841459; √(z² + 4x(1 − x/n)) = √(3.841459 + 5.833333) = 3.110433;
    # z × 3.110433 = 6.096337; 2(n + z²) = 19.682918 → (0.241078, 0.860533)
    assert icc_anova([1, 2, 4], [4, 4, 4]) == pytest.approx(1 / 3)
    r = clustered_wilson_interval([1, 2, 4], [4, 4, 4])
    assert r.value == pytest.approx(7 / 12) and r.clusters == 3
    assert r.design_effect == pytest.approx(2.0) and r.effective_n == pytest.approx(6.0)
    assert (r.lower, r.upper) == pytest.approx((0.241078, 0.860533), abs=1e-6)
    naive = wilson_interval(7, 12)
    assert r.lower < naive[0] and r.upper > naive[1]


def test_mean_squares_agree_with_a_one_way_anova():
    # the ANOVA estimator uses the mean squares of a one-way analysis of variance of the 0/1 answers on
    # the cluster: take them from statsmodels' anova_lm and apply ICC = (MSB − MSW)/(MSB + (m0 − 1)MSW)
    rng = np.random.default_rng(7)
    sizes = rng.integers(2, 12, 15)
    p = rng.beta(2, 3, 15)
    events = rng.binomial(sizes, p)
    answers = pd.DataFrame({"cluster": np.repeat(np.arange(15), sizes),
                            "y": np.concatenate([[1] * e + [0] * (m - e) for e, m in zip(events, sizes, strict=True)])})
    table = sm.stats.anova_lm(ols("y ~ C(cluster)", data=answers).fit())
    msb, msw = table.loc["C(cluster)", "mean_sq"], table.loc["Residual", "mean_sq"]
    n, k = sizes.sum(), 15
    m0 = (n - (sizes ** 2).sum() / n) / (k - 1)
    assert icc_anova(events, sizes) == pytest.approx((msb - msw) / (msb + (m0 - 1) * msw), rel=1e-10)


def test_clusters_of_one_give_the_wilson_interval():
    events = np.array([1, 0, 1, 1, 0, 0, 1, 0, 1, 1])
    r = clustered_wilson_interval(events, np.ones(10))
    assert r.design_effect == 1 and r.effective_n == 10
    assert (r.lower, r.upper) == pytest.approx(wilson_interval(6, 10), abs=1e-15)


def test_perfectly_correlated_clusters_count_once_each():
    # five children answer four questions each, every answer of a child the same: ICC = 1,
    # deff = 1 + (4 − 1) × 1 = 4, effective n = 20/4 = 5 = the number of children
    r = clustered_wilson_interval([4, 4, 4, 0, 0], [4, 4, 4, 4, 4])
    assert r.icc == pytest.approx(1.0) and r.design_effect == pytest.approx(4.0)
    assert r.effective_n == pytest.approx(5.0)
    assert (r.lower, r.upper) == pytest.approx(wilson_interval(3, 5), abs=1e-12)


def test_design_effect_for_unequal_clusters_by_hand():
    # sizes 1 and 3: m̃ = (1 + 9)/4 = 2.5, deff = 1 + 1.5 × 0.5 = 1.75. Eldridge et al. (2006):
    # m̄ = 2, cv² = ((1 − 2)² + (3 − 2)²)/2 / 2² = 0.25, 1 + ((0.25 + 1) × 2 − 1) × 0.5 = 1.75
    assert design_effect([1, 3], 0.5) == pytest.approx(1.75)
    assert design_effect([5, 5, 5], 0.1) == pytest.approx(1.4)  # Kish: 1 + (5 − 1) × 0.1
    assert design_effect([5, 5], -0.2) == 1.0                    # a negative ICC is taken as 0
    assert design_effect([5, 5], np.nan) == pytest.approx(5.0)   # unknown: as if ICC = 1


def test_negative_icc_is_reported_but_never_narrows_the_interval():
    # three clusters of 2, one "yes" each: MSB = (1.5 − 9/6)/2 = 0, MSW = (3 − 1.5)/3 = 0.5, m0 = 2,
    # ICC = (0 − 0.5)/(0 + 0.5) = −1; the design effect uses 0
    r = clustered_wilson_interval([1, 1, 1], [2, 2, 2])
    assert r.icc == pytest.approx(-1.0) and r.design_effect == 1.0
    assert (r.lower, r.upper) == pytest.approx(wilson_interval(3, 6), abs=1e-12)


def test_no_variation_uses_the_cautious_design_effect_or_a_given_icc():
    r = clustered_wilson_interval([0, 0, 0, 0], [6, 6, 6, 6])
    assert np.isnan(r.icc) and r.design_effect == pytest.approx(6.0) and r.effective_n == pytest.approx(4.0)
    given = clustered_wilson_interval([0, 0, 0, 0], [6, 6, 6, 6], icc=0.1)
    assert given.design_effect == pytest.approx(1.5) and given.icc == 0.1


def beta_binomial_clusters(seed, clusters=400, icc=0.2, mean=0.3):
    """Clustered answers with a known ICC: p_i ~ Beta(a, b) with 1/(a + b + 1) = icc."""
    rng = np.random.default_rng(seed)
    total = 1 / icc - 1
    sizes = rng.integers(5, 16, clusters)
    events = rng.binomial(sizes, rng.beta(mean * total, (1 - mean) * total, clusters))
    return events, sizes


def test_bootstrap_agrees_with_the_design_effect_on_a_large_clustered_sample():
    events, sizes = beta_binomial_clusters(11)
    deff = clustered_wilson_interval(events, sizes)
    assert deff.icc == pytest.approx(0.2, abs=0.06)           # the simulated ICC is recovered
    lo, hi = cluster_bootstrap_interval(events, sizes, replicates=4000, seed=3)
    width_deff, width_boot = deff.upper - deff.lower, hi - lo
    assert width_boot == pytest.approx(width_deff, rel=0.10)
    assert (lo + hi) / 2 == pytest.approx((deff.lower + deff.upper) / 2, abs=0.005)
    naive = wilson_interval(events.sum(), sizes.sum())
    assert naive[1] - naive[0] < 0.7 * width_deff            # ignoring the clustering is too narrow


def test_bootstrap_is_deterministic_for_a_seed():
    events, sizes = beta_binomial_clusters(5, clusters=30)
    a = cluster_bootstrap_interval(events, sizes, seed=42)
    assert a == cluster_bootstrap_interval(events, sizes, seed=42)
    assert a != cluster_bootstrap_interval(events, sizes, seed=43)
    assert a[0] < events.sum() / sizes.sum() < a[1]


def test_table_form_sums_answers_within_clusters_and_groups():
    events, sizes = beta_binomial_clusters(3, clusters=12)
    answers = pd.DataFrame({
        "question": np.repeat(["safe", "heard"], sizes.sum()),
        "child": np.tile(np.repeat(np.arange(12), sizes), 2),
        "yes": np.tile(np.concatenate([[1] * e + [0] * (m - e) for e, m in zip(events, sizes, strict=True)]), 2),
        "one": 1,
    })
    answers.loc[answers["question"] == "heard", "yes"] = 1 - answers.loc[answers["question"] == "heard", "yes"]
    out = clustered_proportion(answers, "yes", "one", "child", group_by="question", multiplier=100)
    assert list(out["question"]) == ["safe", "heard"]
    ref = clustered_wilson_interval(events, sizes)
    first = out.iloc[0]
    assert first["clusters"] == 12 and first["denominator"] == sizes.sum()
    assert first["icc"] == pytest.approx(ref.icc) and first["design_effect"] == pytest.approx(ref.design_effect)
    assert (first["lower_ci"], first["upper_ci"]) == pytest.approx((ref.lower * 100, ref.upper * 100))
    assert first["statistic"] == "Percentage" and first["confidence"] == "95%"
    boot = clustered_proportion(answers, "yes", "one", "child", group_by="question", method="bootstrap", seed=9)
    again = clustered_proportion(answers, "yes", "one", "child", group_by="question", method="bootstrap", seed=9)
    pd.testing.assert_frame_equal(boot, again)
    assert boot["lower_ci"].iloc[0] == pytest.approx(
        cluster_bootstrap_interval(events, sizes, seed=9)[0], abs=0.05)  # own stream per group, similar limits


def test_input_checks():
    with pytest.raises(ValueError, match="'events' must not be larger than 'sizes'"):
        icc_anova([3, 1], [2, 2])
    with pytest.raises(ValueError, match="one value per cluster"):
        clustered_wilson_interval([1, 2], [3])
    with pytest.raises(ValueError, match="'seed'"):
        cluster_bootstrap_interval([1, 2], [3, 3], seed=-1)
    df = pd.DataFrame({"y": [1, 0], "n": [1, 1], "c": ["a", None]})
    with pytest.raises(ValueError, match=r"'c' \(the cluster\) is missing in row 1"):
        clustered_proportion(df, "y", "n", "c")
    with pytest.raises(ValueError, match="'method'"):
        clustered_proportion(df.fillna("b"), "y", "n", "c", method="jackknife")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 30), st.floats(0, 1)), min_size=2, max_size=25))
def test_the_design_effect_interval_holds_the_estimate_and_the_naive_interval(clusters):
    sizes = np.array([m for m, _ in clusters])
    events = np.array([round(m * share) for m, share in clusters])
    r = clustered_wilson_interval(events, sizes)
    naive = wilson_interval(events.sum(), sizes.sum())
    assert r.design_effect >= 1 and r.effective_n <= sizes.sum() + 1e-9
    assert r.lower - 1e-12 <= r.value <= r.upper + 1e-12
    assert r.lower <= naive[0] + 1e-12 and r.upper >= naive[1] - 1e-12
