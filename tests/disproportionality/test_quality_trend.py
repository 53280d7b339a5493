"""Data quality (ethnicity not known) with its warning rule, the sensitivity check, and the trend test."""

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from cscp_analysis.disproportionality import analyse
from cscp_analysis.disproportionality.trend import ratio_change, trend

from .helpers import PERIOD, cohort, merge, population, row

Z = norm.ppf(0.975)


def _run(tables, pop, **kw):
    return analyse(tables, pop, PERIOD, data_start=date(2023, 4, 1), quarters=1, intersections=False, **kw)


POP = population({("WBRI", "M"): 10_000, ("BCRB", "M"): 1_000})


def test_warning_when_ethnicity_is_largely_missing():
    known = cohort({"WBRI": {"referral": 200}, "BCRB": {"referral": 40}})
    missing = cohort({"NOBT": {"referral": 70}, "REFU": {"referral": 30}})
    res = _run(merge(known, missing), POP)
    q = row(res.latest_quality(), stage="referral")
    # 100 of 340 children (29.4%) have ethnicity not known: above the 5% threshold
    assert (q["unknown"], q["refused"], q["not_obtained"]) == (100, 30, 70)
    assert q["unknown_pct"] == pytest.approx(100 / 340 * 100)
    assert bool(q["above_threshold"]) and bool(q["warning"])
    assert "more than 5% of children" in q["warning_reason"]
    # and the sentence that says so comes before any other
    from cscp_analysis.disproportionality.findings import findings

    f = findings(res)
    assert f[0].kind == "needs_to_happen" and "29.4% of children referred" in f[0].text


def test_no_warning_when_ethnicity_is_recorded():
    res = _run(cohort({"WBRI": {"referral": 200}, "BCRB": {"referral": 40}}), POP)
    q = row(res.latest_quality(), stage="referral")
    assert q["unknown"] == 0 and not q["warning"] and q["warning_reason"] == ""


def test_warning_when_the_unknown_children_could_change_a_finding():
    # BCRB 40 of 1,000 against WBRI 200 of 10,000: RRI 2.0, significant. 2,000 children of unknown ethnicity,
    # shared out like the population (1/11 to BCRB, 10/11 to WBRI): (40 + 181.8) / 1000 against
    # (200 + 1818.2) / 10000 -> 1.10, not significant: the label changes, so the warning fires even with
    # the percentage threshold switched off.
    tables = merge(cohort({"WBRI": {"referral": 200}, "BCRB": {"referral": 40}}), cohort({"NOBT": {"referral": 2000}}))
    res = _run(tables, POP, missing_warning_pct=100.0)
    s = row(res.sensitivity, stage="referral", characteristic="ethnicity", group="BCRB")
    assert s["rri"] == pytest.approx(2.0) and s["label"] == "significantly higher"
    a_r, a0_r = 40 + 2000 * 1000 / 11000, 200 + 2000 * 10000 / 11000
    assert s["rri_reallocated"] == pytest.approx((a_r / 1000) / (a0_r / 10000))
    assert s["label_reallocated"] == "not significant" and s["label_changes"]
    # extreme bounds: every unknown child in the group, or every one in the reference
    assert s["rri_all_unknown_in_group"] == pytest.approx((2040 / 1000) / (200 / 10000))
    assert s["rri_all_unknown_in_reference"] == pytest.approx((40 / 1000) / (2200 / 10000))
    q = row(res.latest_quality(), stage="referral")
    assert not q["above_threshold"] and q["labels_changed"] >= 1 and q["warning"]
    assert "shared out like the population" in q["warning_reason"]
    # no sentence is drafted from a finding that the unknown children could overturn
    from cscp_analysis.disproportionality.findings import findings

    texts = [f.text for f in findings(res)]
    assert not any("Black Caribbean" in t and "be referred" in t for t in texts)


def test_ratio_change_by_hand():
    # RRI 4.0 (3.0 to 5.333) a year ago, 2.0 (1.5 to 2.667) now
    ratio, p = ratio_change(2.0, 1.5, 8 / 3, 4.0, 3.0, 16 / 3)
    se = math.log((8 / 3) / 1.5) / (2 * Z)  # the same for both
    z = math.log(0.5) / math.sqrt(2 * se**2)
    assert ratio == pytest.approx(0.5) and p == pytest.approx(2 * norm.sf(abs(z)))


def _series(rows):
    cols = ["window", "stage", "characteristic", "group", "group_label", "stratum", "reference_label", "children",
            "rri", "rri_lower", "rri_upper", "label", "is_reference"]
    return pd.DataFrame([dict(zip(cols, r, strict=True)) for r in rows])


def test_direction_needs_a_gap_and_a_significant_change():
    ws = ["2025-26-Q2", "2025-26-Q3", "2025-26-Q4", "2026-27-Q1", "2026-27-Q2"]
    rows = []
    for w in ws:
        last = w == ws[-1]
        first = w == ws[0]
        # A: significant gap (4.0) a year ago, 2.0 now: narrowing
        rows.append((w, "s47", "ethnicity", "A", "A", "", "ref", 100, 2.0 if last else 4.0,
                     1.5 if last else 3.0, 8 / 3 if last else 16 / 3, "significantly higher", False))
        # B: 1.0 (not significant) a year ago, 2.0 now: widening
        rows.append((w, "s47", "ethnicity", "B", "B", "", "ref", 100, 2.0 if last else 1.0,
                     1.5 if last else 0.75, 8 / 3 if last else 4 / 3,
                     "significantly higher" if last else "not significant", False))
        # C: 0.95 to 1.05, both not significant: no gap either side, no clear change
        rows.append((w, "s47", "ethnicity", "C", "C", "", "ref", 100, 1.05 if last else 0.95,
                     0.9 if last else 0.8, 1.2 if last else 1.1, "not significant", False))
        # D: too few a year ago
        rows.append((w, "s47", "ethnicity", "D", "D", "", "ref", 3 if first else 100, 2.0, 1.5, 8 / 3,
                     "too few to say" if first else "significantly higher", False))
    _, summary = trend(_series(rows), ws)
    d = dict(zip(summary["group"], summary["direction"], strict=True))
    assert d == {"A": "narrowing", "B": "widening", "C": "no clear change", "D": "too few to say"}
    a = row(summary, group="A")
    assert a["window_then"] == "2025-26-Q2" and a["window_now"] == "2026-27-Q2"
    assert a["change_ratio"] == pytest.approx(0.5)
    assert np.isfinite(a["change_p_adjusted"])
