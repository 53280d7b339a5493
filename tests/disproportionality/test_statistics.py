"""Rates, RRIs, disproportionality and decision-point ratios, BH and labels on hand-made cohorts,
against values worked out in the test."""

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2, norm
from statsmodels.stats.proportion import test_proportions_2indep as sm_score_test

from cscp_analysis.disproportionality import analyse
from cscp_analysis.disproportionality import statistics as S
from cscp_analysis.disproportionality._stats import proportion_ratio

from .helpers import PERIOD, cohort, merge, population, row

Z = norm.ppf(0.975)  # 1.959964
START = date(2023, 4, 1)


def _analyse(tables, pop, **kw):
    return analyse(tables, pop, PERIOD, data_start=START, quarters=1, intersections=False, **kw)


def _hand_case():
    # White British: 20 of 2,000 children referred; Black Caribbean: 30 of 1,000; Pakistani 12 of 3,000.
    t = cohort({"WBRI": {"referral": 20, "assessment": 16, "s47": 6},
                "BCRB": {"referral": 30, "assessment": 24, "s47": 18},
                "APKN": {"referral": 12, "assessment": 9, "s47": 3}})
    pop = population({("WBRI", "M"): 2000, ("BCRB", "M"): 1000, ("APKN", "M"): 3000})
    return t, pop


def test_rate_rri_and_dr_against_hand_calculation():
    t, pop = _hand_case()
    res = _analyse(t, pop)
    r = res.latest_rates()
    b = row(r, stage="referral", characteristic="ethnicity", group="BCRB")
    # rate: 30 / 1,000 x 10,000 = 300; Byar's interval for 30 events:
    #   lower = 30 (1 - 1/(9*30) - z/(3 sqrt 30))^3,  upper = 31 (1 - 1/(9*31) + z/(3 sqrt 31))^3
    lo = 30 * (1 - 1 / 270 - Z / (3 * math.sqrt(30))) ** 3 / 1000 * 10_000
    hi = 31 * (1 - 1 / 279 + Z / (3 * math.sqrt(31))) ** 3 / 1000 * 10_000
    assert b["rate"] == pytest.approx(300.0)
    assert (b["rate_lower"], b["rate_upper"]) == (pytest.approx(lo, rel=1e-9), pytest.approx(hi, rel=1e-9))
    # RRI: (30/1000)/(20/2000) = 3; Katz: SE = sqrt(1/30 - 1/1000 + 1/20 - 1/2000)
    se = math.sqrt(1 / 30 - 1 / 1000 + 1 / 20 - 1 / 2000)
    assert b["rri"] == pytest.approx(3.0)
    assert b["rri_lower"] == pytest.approx(3 * math.exp(-Z * se), rel=1e-9)
    assert b["rri_upper"] == pytest.approx(3 * math.exp(Z * se), rel=1e-9)
    assert b["rri_p"] == pytest.approx(2 * norm.sf(math.log(3) / se), rel=1e-9)
    # DR: share of all 62 children referred over share of the 6,000 children: (30/62)/(1000/6000)
    assert b["dr"] == pytest.approx((30 / 62) / (1000 / 6000))
    # the reference row carries no ratio of its own
    w = row(r, stage="referral", characteristic="ethnicity", group="WBRI")
    assert w["label"] == "reference" and np.isnan(w["rri"])


def _bh_by_hand(p):
    """Benjamini-Hochberg written out: sorted ascending, q_i = min over j >= i of m p_j / j (capped at 1)."""
    p = np.asarray(p, float)
    order = np.argsort(p)
    m = len(p)
    q_sorted = np.minimum(np.minimum.accumulate((p[order] * m / np.arange(1, m + 1))[::-1])[::-1], 1)
    out = np.empty(m)
    out[order] = q_sorted
    return out


def test_bh_within_each_question():
    t, pop = _hand_case()
    r = _analyse(t, pop).latest_rates()
    # "who is referred?": every tested comparison at referral, whatever the characteristic (here the major and
    # detailed ethnic groups: the other characteristics have no reference with 10 children)
    fam = r[(r["stage"] == "referral") & r["rri_p"].notna()]
    assert set(fam["characteristic"]) == {"ethnicity_major", "ethnicity"} and len(fam) == 4
    assert fam["rri_p_adjusted"].to_numpy() == pytest.approx(_bh_by_hand(fam["rri_p"]))
    assert (fam["family"] == "referred").all() and (fam["family_size"] == 4).all()
    # "who reaches the later stages?": assessment and section 47 together, referral not in it
    later = r[r["stage"].isin(["assessment", "s47"]) & r["rri_p"].notna()]
    assert (later["family"] == "reached").all() and (later["family_size"] == len(later)).all()
    assert later["rri_p_adjusted"].to_numpy() == pytest.approx(_bh_by_hand(later["rri_p"]))


def test_looked_after_is_one_question_across_the_rates_and_the_decision_points():
    # the rate of starting to be looked after and the decision from referral are adjusted together
    t = cohort({"WBRI": {"referral": 200, "cla": 40}, "BCRB": {"referral": 60, "cla": 25},
                "APKN": {"referral": 40, "cla": 8}})
    pop = population({("WBRI", "M"): 2000, ("BCRB", "M"): 1000, ("APKN", "M"): 3000})
    res = _analyse(t, pop)
    r, d = res.latest_rates(), res.latest_decisions()
    rr = r[(r["stage"] == "cla") & r["rri_p"].notna()]
    dd = d[(d["stage"] == "cla") & d["ratio_p"].notna()]
    assert len(rr) and len(dd)
    q = _bh_by_hand(np.r_[rr["rri_p"], dd["ratio_p"]])
    assert rr["rri_p_adjusted"].to_numpy() == pytest.approx(q[: len(rr)])
    assert dd["ratio_p_adjusted"].to_numpy() == pytest.approx(q[len(rr):])
    assert (rr["family_size"] == len(rr) + len(dd)).all() and (dd["family"] == "looked_after").all()


def test_what_could_have_been_detected_by_hand():
    # White British 20 of 2,000 referred, Black African 12 of 1,000: a ratio of 1.2, not significant
    t = cohort({"WBRI": {"referral": 20}, "BAFR": {"referral": 12}})
    pop = population({("WBRI", "M"): 2000, ("BAFR", "M"): 1000})
    r = _analyse(t, pop).latest_rates()
    a = row(r, stage="referral", characteristic="ethnicity", group="BAFR")
    assert a["label"] == "not significant" and a["rri"] == pytest.approx(1.2)
    # the family "who is referred?" holds two tests (Black, Black African), no discovery: the next discovery would
    # have needed p <= (0 + 1) x 0.05 / 2 = 0.025
    assert a["family_size"] == 2 and a["mdr_alpha"] == pytest.approx(0.025)
    # SE0 = sqrt((1 - r0)/r0 (1/n1 + 1/n0)) at r0 = 20/2,000: sqrt(99 x (1/1000 + 1/2000)) = 0.385357
    # MDR = exp((z_0.9875 + z_0.8) x SE0) = exp((2.241403 + 0.841621) x 0.385357) = exp(1.188078) = 3.2807
    se0 = math.sqrt(99 * (1 / 1000 + 1 / 2000))
    assert se0 == pytest.approx(0.385357, abs=1e-6)
    assert a["mdr"] == pytest.approx(math.exp((norm.ppf(1 - 0.025 / 2) + norm.ppf(0.8)) * se0))
    assert a["mdr"] == pytest.approx(3.2807, abs=1e-3)
    assert a["mdr_below"] == pytest.approx(1 / a["mdr"])
    # a significant comparison has none
    t, pop = _hand_case()
    b = row(_analyse(t, pop).latest_rates(), stage="referral", characteristic="ethnicity", group="BCRB")
    assert b["label"] == "significantly higher" and np.isnan(b["mdr"])


def test_adjust_by_hand_with_an_untested_group():
    df = pd.DataFrame({"window": "w", "stage": ["s"] * 4 + ["t"], "characteristic": "c",
                       "p": [0.01, 0.04, 0.03, np.nan, 0.02]})
    S.adjust(df, "p", "q", family=["window", "stage"])
    # family s: m = 3 (NaN not counted): sorted 0.01, 0.03, 0.04 -> 0.03, min(0.045, 0.04) = 0.04, 0.04
    assert df["q"].tolist()[:3] == pytest.approx([0.03, 0.04, 0.04])
    assert np.isnan(df["q"].iloc[3]) and df["q"].iloc[4] == pytest.approx(0.02)
    assert df["family_size"].tolist() == [3, 3, 3, 0, 1]


def test_labels():
    lab = S.label([2.0, 0.5, 1.2, 3.0, np.nan, np.nan], [0.01, 0.01, 0.2, 0.001, np.nan, np.nan],
                  [False, False, False, True, False, False], [True, True, True, True, False, True],
                  [False, False, False, False, False, True])
    assert list(lab) == ["significantly higher", "significantly lower", "not significant", "too few to say",
                         "not available", "reference"]


def test_too_few_children_are_not_tested_or_labelled():
    t, pop = _hand_case()
    r = _analyse(t, pop, min_children=25).latest_rates()
    a = row(r, stage="referral", characteristic="ethnicity", group="APKN")  # 12 children < 25
    assert a["label"] == "too few to say" and np.isnan(a["rri_p"]) and np.isnan(a["rri_p_adjusted"])
    w = row(r, stage="referral", characteristic="ethnicity", group="BCRB")  # 30, but the reference has 20 < 25
    assert w["label"] == "too few to say"


def test_decision_point_ratio_score_test_is_the_chi_square_test():
    t, pop = _hand_case()
    d = _analyse(t, pop).latest_decisions()
    b = row(d, stage="s47", characteristic="ethnicity", group="BCRB")
    # assessed -> s47: BCRB 18 of 24, WBRI 6 of 16
    assert (b["previous_children"], b["children"]) == (24, 18)
    assert b["proportion"] == pytest.approx(75.0)
    assert b["ratio"] == pytest.approx((18 / 24) / (6 / 16))
    # the score test of equal proportions is Pearson's chi-square with the Miettinen-Nurminen factor (N-1)/N
    a_, b_, c_, d_ = 18, 6, 6, 10
    n = a_ + b_ + c_ + d_
    x2 = n * (a_ * d_ - b_ * c_) ** 2 / ((a_ + b_) * (c_ + d_) * (a_ + c_) * (b_ + d_))
    assert b["ratio_p"] == pytest.approx(chi2.sf(x2 * (n - 1) / n, 1), rel=1e-8)


@pytest.mark.parametrize("x1, n1, x0, n0", [(40, 100, 30, 150), (58, 58, 1822, 1966), (0, 12, 5, 40), (7, 9, 3, 30)])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_score_interval_inverts_statsmodels_score_test(x1, n1, x0, n0):
    # reference implementation: statsmodels' Miettinen-Nurminen score test of p1/p0 = value
    ratio, lo, hi, p = proportion_ratio(np.array([x1]), np.array([n1]), np.array([x0]), np.array([n0]))
    assert ratio[0] == pytest.approx((x1 / n1) / (x0 / n0))
    assert p[0] == pytest.approx(sm_score_test(x1, n1, x0, n0, compare="ratio", method="score").pvalue, rel=1e-9)
    # each limit is the null ratio at which the two-sided score test has p = 0.05
    for bound in ([hi[0]] if x1 == 0 else [lo[0], hi[0]]):
        pv = sm_score_test(x1, n1, x0, n0, value=bound, compare="ratio", method="score").pvalue
        assert pv == pytest.approx(0.05, abs=1e-6)
    assert lo[0] <= ratio[0] < hi[0]
    assert (p[0] < 0.05) == (lo[0] > 1 or hi[0] < 1)


def test_score_interval_does_not_collapse_near_100_percent():
    # 58 of 58 against 1,822 of 1,966. Katz: SE = sqrt(1/58 - 1/58 + 1/1822 - 1/1966) = 0.0063, so an
    # interval of width about 0.027; the score interval is 1.012 to 1.094 (found above to invert the test).
    katz_se = math.sqrt(1 / 58 - 1 / 58 + 1 / 1822 - 1 / 1966)
    _, lo, hi, _ = proportion_ratio(np.array([58.0]), np.array([58.0]), np.array([1822.0]), np.array([1966.0]))
    assert hi[0] - lo[0] > 3 * (2 * Z * katz_se * (58 / 58) / (1822 / 1966))


def test_age_standardised_rate_by_hand():
    # two age bands: 10 of 1,000 and 20 of 4,000; standard 3,000 and 2,000
    # DSR = (3000 x 0.01 + 2000 x 0.005) / 5000 x 10,000 = 80
    out = S.age_standardised(np.array([[10.0, 20.0]]), np.array([[1000.0, 4000.0]]), np.array([3000.0, 2000.0]))
    assert out["dsr"].iloc[0] == pytest.approx(80.0)
    assert out["dsr_lower"].iloc[0] < 80 < out["dsr_upper"].iloc[0]
    # a group with no population in a band has no standardised rate
    assert np.isnan(S.age_standardised(np.array([[1.0, 20.0]]), np.array([[0.0, 4000.0]]),
                                       np.array([3000.0, 2000.0]))["dsr"].iloc[0])


def test_reference_all_other_children():
    t, pop = _hand_case()
    r = _analyse(t, pop, reference="all other children").latest_rates()
    b = row(r, stage="referral", characteristic="ethnicity", group="BCRB")
    # all other children: (20 + 12) of (2,000 + 3,000)
    assert b["rri"] == pytest.approx((30 / 1000) / (32 / 5000))
    m = row(r, stage="referral", characteristic="ethnicity_major", group="Black")
    assert m["rri"] == pytest.approx((30 / 1000) / (32 / 5000))


def test_unknown_ethnicity_is_left_out_of_the_ratios_but_counted():
    t, pop = _hand_case()
    unknown = cohort({"NOBT": {"referral": 40}})
    r = _analyse(merge(t, unknown), pop)
    b = row(r.latest_rates(), stage="referral", characteristic="ethnicity", group="BCRB")
    assert b["rri"] == pytest.approx(3.0)  # unchanged
    assert b["dr"] == pytest.approx((30 / 102) / (1000 / 6000))  # share of all 102 children at the stage
    q = row(r.latest_quality(), stage="referral")
    assert (q["children"], q["not_obtained"], q["unknown_pct"]) == (102, 40, pytest.approx(40 / 102 * 100))


def test_a_share_near_one_can_only_be_detected_below_one():
    # assessed after referral: White British 180 of 200 (90%), Black African 90 of 100 (90%): ratio 1, not significant.
    # Two tests in "who goes on at each decision?" (Black, Black African), no discovery: level 0.05 / 2 = 0.025.
    # SE0 = sqrt((1 - 0.9)/0.9 x (1/100 + 1/200)) = 0.040825; above 1, exp(3.083 x 0.040825) x 0.9 > 1: impossible;
    # below 1: exp(-(2.241403 + 0.841621) x 0.040825) = 0.8818
    t = cohort({"WBRI": {"referral": 200, "assessment": 180}, "BAFR": {"referral": 100, "assessment": 90}})
    pop = population({("WBRI", "M"): 2000, ("BAFR", "M"): 1000})
    d = row(_analyse(t, pop).latest_decisions(), stage="assessment", characteristic="ethnicity", group="BAFR")
    assert d["label"] == "not significant" and d["family_size"] == 2
    se0 = math.sqrt(0.1 / 0.9 * (1 / 100 + 1 / 200))
    assert np.isinf(d["mdr"])
    assert d["mdr_below"] == pytest.approx(math.exp(-(norm.ppf(1 - 0.025 / 2) + norm.ppf(0.8)) * se0))
    assert d["mdr_below"] == pytest.approx(0.8818, abs=1e-4)
