"""Training reach and evaluation: Wilcoxon signed-rank and effect sizes checked by hand and with scipy."""

import math

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from cscp_analysis.assurance import training as T

from .conftest import PERIOD, make

BEFORE = [3, 4, 5, 5, 6, 4, 3, 5, 6, 7, 5, 4]
AFTER = [6, 6, 7, 5, 8, 5, 5, 4, 7, 9, 8, 4]


def test_signed_rank_by_hand():
    # d = after - before = 3 2 2 0 2 1 2 -1 1 2 3 0; two zeros dropped, n = 10.
    # |d| = 1 three times (ranks 1-3, average 2); 2 five times (ranks 4-8, average 6); 3 twice (9-10, 9.5).
    # T- = 2 (the one negative difference, |d| = 1); T+ = 55 - 2 = 53.
    r = T.signed_rank(BEFORE, AFTER)
    assert (r["pairs"], r["nonzero_pairs"], r["improved"], r["unchanged"], r["worse"]) == (12, 10, 9, 2, 1)
    assert (r["t_plus"], r["t_minus"]) == (53.0, 2.0)
    assert r["statistic"] == 2.0  # scipy reports min(T+, T-)
    # Matched-pairs rank-biserial: (53 - 2) / 55.
    assert r["rank_biserial"] == pytest.approx(51 / 55)
    # Normal approximation with tie correction: mean n(n+1)/4 = 27.5;
    # variance n(n+1)(2n+1)/24 - sum(t^3 - t)/48 = 96.25 - (24 + 120 + 6)/48 = 93.125.
    z = (27.5 - 2) / math.sqrt(93.125)  # signed positive: confidence rose
    assert r["z"] == pytest.approx(z, abs=1e-9)
    assert r["r_z"] == pytest.approx(z / math.sqrt(10), abs=1e-9)
    # p-value as scipy computes it for this sample (ties, n <= 13: exhaustive permutations).
    d = np.array(AFTER) - np.array(BEFORE)
    assert r["p_value"] == pytest.approx(sps.wilcoxon(d[d != 0]).pvalue)
    assert r["p_value"] < 0.05


def test_signed_rank_needs_enough_pairs():
    r = T.signed_rank([1, 2, 3], [4, 5, 6])
    assert r["pairs"] == 3 and np.isnan(r["p_value"]) and np.isnan(r["rank_biserial"])


def test_rank_biserial_is_minus_one_when_everyone_falls():
    r = T.signed_rank(list(range(2, 14)), list(range(1, 13)))
    assert r["rank_biserial"] == pytest.approx(-1.0) and r["z"] < 0


def evals(course, before, after, changed=None, date="2026-05-10", agency="CSC"):
    changed = changed or [None] * len(before)
    return [{"response_id": f"{course}-{i}", "course": course, "session_date": date, "agency": agency,
             "confidence_before": b, "confidence_after": a, "changed_practice": c}
            for i, (b, a, c) in enumerate(zip(before, after, changed, strict=True))]


def test_evaluation_by_course_and_overall():
    rows = evals("Neglect", BEFORE, AFTER) + evals("Exploitation", [5, 5, 6], [6, 7, 6]) \
        + evals("Old course", [1] * 12, [9] * 12, date="2025-09-30")  # outside the twelve months
    t = T.evaluation(make("training_evaluation", rows), PERIOD).set_index("course")
    assert list(t.index) == ["Exploitation", "Neglect", "All"]
    assert t.loc["Neglect", "rank_biserial"] == pytest.approx(51 / 55)
    assert np.isnan(t.loc["Exploitation", "p_value"])  # 2 non-zero pairs: no test
    assert t.loc["All", "pairs"] == 15
    assert t.loc["All", "mean_before"] == pytest.approx((sum(BEFORE) + 16) / 15)
    assert t.loc["All", "median_after"] == np.median(AFTER + [6, 7, 6])


def test_changed_practice_with_wilson_interval():
    yn = ["Y"] * 9 + ["N"] * 3
    rows = evals("Neglect", BEFORE, AFTER, changed=yn) + evals("Neglect", [5, 5], [6, 6], changed=[None, None])
    t = T.changed_practice(make("training_evaluation", rows), PERIOD).iloc[-1]
    assert (t["followed_up"], t["changed"]) == (12, 9) and t["pct_changed"] == pytest.approx(75.0)
    lo, hi = proportion_confint(9, 12, alpha=0.05, method="wilson")
    assert (t["lower_ci"], t["upper_ci"]) == (pytest.approx(100 * lo), pytest.approx(100 * hi))


def test_follow_up_answers_for_recent_sessions_are_not_counted_yet():
    # A session on 1 September 2026 is 29 days before the period end: its three-month follow-up cannot exist yet.
    rows = evals("Neglect", [5, 5], [6, 6], changed=["Y", "Y"], date="2026-09-01") \
        + evals("Neglect", [5, 5], [6, 6], changed=["N", "Y"], date="2026-06-01")
    t = T.changed_practice(make("training_evaluation", rows), PERIOD).iloc[-1]
    assert (t["followed_up"], t["changed"]) == (2, 1)


def test_reach_by_agency_in_the_quarter():
    rows = [{"booking_id": f"B{i}", "course": c, "session_date": d, "agency": a, "attended": y}
            for i, (c, d, a, y) in enumerate([
                ("Neglect", "2026-07-10", "CSC", "Y"), ("Neglect", "2026-07-10", "CSC", "N"),
                ("Neglect", "2026-08-10", "POLICE", "Y"), ("Exploitation", "2026-09-30", "CSC", "Y"),
                ("Exploitation", "2026-06-30", "CSC", "Y")])]  # last one is in the previous quarter
    t = T.reach(make("training_attendance", rows), PERIOD).set_index("agency")
    assert t.loc["CSC", ["booked", "attended", "did_not_attend"]].tolist() == [3, 2, 1]
    assert t.loc["All", ["booked", "attended"]].tolist() == [4, 3] and t.loc["All", "pct_attended"] == 75.0
    c = T.reach(make("training_attendance", rows), PERIOD, by="course").set_index("course")
    assert c.loc["Exploitation", "booked"] == 1


def test_confidence_distribution_counts_each_rating():
    t = T.confidence_distribution(make("training_evaluation", evals("N", BEFORE, AFTER)), PERIOD)
    assert t["before"].sum() == 12 and t.set_index("rating").loc[5, "before"] == 4
    assert t.set_index("rating").loc[6, "after"] == 2


def test_findings(config):
    rows = evals("Neglect", BEFORE * 2, AFTER * 2, changed=(["Y"] * 9 + ["N"] * 3) * 2)
    f = {x.rule: x for x in T.findings({"training_evaluation": make("training_evaluation", rows)}, PERIOD, config)}
    assert f["TRN-01"].kind == "working_well" and "24 learners" in f["TRN-01"].text
    assert "rank-biserial effect size 0.93" in f["TRN-01"].text
    assert "75.0% of 24 learners" in f["TRN-02"].text
