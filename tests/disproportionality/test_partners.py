"""Partners' aggregate breakdowns: four quarters combined, the right denominator, the right test."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from cscp_analysis import stats
from cscp_analysis.disproportionality.partners import major_group_of, partner_breakdowns

from .helpers import population, row

Z = norm.ppf(0.975)
QUARTERS = ["2025-26-Q3", "2025-26-Q4", "2026-27-Q1", "2026-27-Q2"]


def _returns():
    rows = []
    for i, q in enumerate(["2025-26-Q2"] + QUARTERS):  # the first is outside the four quarters
        # suspensions (events), with pupils on roll as the denominator (which drifts: the mean is used)
        rows += [(q, "EDUCATION", "EDU_SUSPENSIONS", "ethnicity", "White", 100, 10_000 + 100 * i),
                 (q, "EDUCATION", "EDU_SUSPENSIONS", "ethnicity", "black", 30, 1_000 + 10 * i),
                 (q, "EDUCATION", "EDU_SUSPENSIONS", "ethnicity", "Not known", 4, 200),
                 (q, "EDUCATION", "EDU_SUSPENSIONS", "sex", "M", 90, 5_500),
                 (q, "EDUCATION", "EDU_SUSPENSIONS", "sex", "F", 44, 5_500)]
        # first-time entrants (children), no denominator: population aged 10-17
        rows += [(q, "YJS", "YJS_FTE", "ethnicity", "WBRI", 5, None), (q, "YJS", "YJS_FTE", "ethnicity", "BCRB", 4, None)]
    return pd.DataFrame(rows, columns=["period", "agency", "indicator", "breakdown", "group", "numerator", "denominator"])


POP = population({("WBRI", "M"): 1000, ("WBRI", "F"): 1000, ("BCRB", "M"): 100, ("BCRB", "F"): 100},
                 years=(2026,), age=12)
IND = {"EDU_SUSPENSIONS": {"title": "Suspensions", "breakdowns": ["sex", "ethnicity"]},
       "YJS_FTE": {"title": "First-time entrants", "breakdowns": ["sex", "ethnicity"]}}


def test_group_labels_map_to_major_groups():
    assert list(major_group_of(pd.Series(["White", "black", "BCRB", "MWBC", "Not known", "REFU", " asian "]))) == \
        ["White", "Black", "Black", "Mixed", "Unknown", "Unknown", "Asian"]


def test_events_four_quarters_mean_denominator_and_exact_rate_ratio():
    t = partner_breakdowns(_returns(), POP, "2026-27-Q2", indicators=IND)
    b = row(t, indicator="EDU_SUSPENSIONS", breakdown="ethnicity", group="Black")
    w = row(t, indicator="EDU_SUSPENSIONS", breakdown="ethnicity", group="White")
    # four quarters (not the fifth): 4 x 30 suspensions over the mean of 1,010 ... 1,040 pupils
    assert b["numerator"] == 120 and b["quarters"] == 4 and b["counts"] == "events"
    assert b["denominator"] == pytest.approx(np.mean([1010, 1020, 1030, 1040]))
    assert b["rate"] == pytest.approx(120 / 1025 * 100) and b["per"] == 100
    # events: the exact conditional Poisson rate ratio against White pupils (400 over 10,250)
    rr = stats.rate_ratio(120, 1025, 400, 10250)
    assert (b["ratio"], b["ratio_lower"], b["ratio_upper"]) == (pytest.approx(float(rr[0])), pytest.approx(float(rr[1])),
                                                                pytest.approx(float(rr[2])))
    assert w["is_reference"] and w["label"] == "reference"
    # ethnicity not known: 16 of 536 suspensions
    assert b["unknown"] == 16 and b["unknown_pct"] == pytest.approx(16 / 536 * 100)
    # boys against girls
    m = row(t, indicator="EDU_SUSPENSIONS", breakdown="sex", group="M")
    assert m["ratio"] == pytest.approx((360 / 5500) / (176 / 5500)) and m["reference"] == "girls"


def test_children_against_the_10_to_17_population_with_katz():
    t = partner_breakdowns(_returns(), POP, "2026-27-Q2", indicators=IND)
    b = row(t, indicator="YJS_FTE", breakdown="ethnicity", group="Black")
    # 16 first-time entrants among 200 Black children aged 10-17; 20 among 2,000 White children
    assert b["counts"] == "children" and b["denominator"] == 200 and b["rate"] == pytest.approx(16 / 200 * 10_000)
    se = math.sqrt(1 / 16 - 1 / 200 + 1 / 20 - 1 / 2000)
    assert b["ratio"] == pytest.approx(8.0)
    assert b["ratio_lower"] == pytest.approx(8 * math.exp(-Z * se)) and b["ratio_upper"] == pytest.approx(8 * math.exp(Z * se))
    assert "population aged 10 to 17" in b["denominator_source"]


def test_one_family_per_indicator_and_what_a_non_significant_ratio_could_have_detected():
    rows = []
    for q in QUARTERS:  # permanent exclusions (events): Black 3 or 4 a quarter among 5,000 pupils, White 10 among 20,000
        rows += [(q, "EDUCATION", "EDU_PERM_EXCL", "ethnicity", "White", 10, 20_000),
                 (q, "EDUCATION", "EDU_PERM_EXCL", "ethnicity", "Black", 3 + (q == QUARTERS[0]), 5_000),
                 (q, "EDUCATION", "EDU_PERM_EXCL", "sex", "M", 11, 11_000),
                 (q, "EDUCATION", "EDU_PERM_EXCL", "sex", "F", 3, 11_000)]
    ret = pd.DataFrame(rows, columns=["period", "agency", "indicator", "breakdown", "group", "numerator", "denominator"])
    t = partner_breakdowns(ret, POP, "2026-27-Q2",
                           indicators={"EDU_PERM_EXCL": {"title": "Permanent exclusions", "breakdowns": ["sex", "ethnicity"]}})
    b = row(t, indicator="EDU_PERM_EXCL", breakdown="ethnicity", group="Black")
    m = row(t, indicator="EDU_PERM_EXCL", breakdown="sex", group="M")
    # one question, "who is permanently excluded?": Black pupils and boys are adjusted together (m = 2)
    assert b["family"] == m["family"] == "EDU_PERM_EXCL" and b["family_size"] == m["family_size"] == 2
    p = np.array([b["ratio_p"], m["ratio_p"]])
    order = np.argsort(p)
    q_sorted = np.minimum.accumulate((p[order] * 2 / np.array([1, 2]))[::-1])[::-1]
    assert b["ratio_p_adjusted"] == pytest.approx(q_sorted[list(order).index(0)])
    # 13 exclusions among 5,000 Black pupils against 40 among 20,000 White pupils: 1.3 times, not significant
    assert b["numerator"] == 13 and b["ratio"] == pytest.approx((13 / 5000) / (40 / 20000))
    assert b["label"] == "not significant" and m["label"] == "significantly higher"
    # one discovery (boys) of two: one more would have needed p <= (1 + 1) x 0.05 / 2 = 0.05
    # events: Poisson SE0 = sqrt((1/r0)(1/n1 + 1/n0)), r0 = 40/20,000: sqrt(500 x (1/5000 + 1/20000)) = 0.353553;
    # MDR = exp((1.959964 + 0.841621) x 0.353553) = exp(0.990509) = 2.6926
    se0 = math.sqrt((20000 / 40) * (1 / 5000 + 1 / 20000))
    assert b["mdr_alpha"] == pytest.approx(0.05)
    assert b["mdr"] == pytest.approx(math.exp((norm.ppf(0.975) + norm.ppf(0.8)) * se0))
    assert b["mdr"] == pytest.approx(2.6926, abs=1e-3)
