"""The RAG decision table (docs/scorecard.md, "RAG decision table"), row by row.

Every expected rating and sentence below is worked out by hand from the value, its 95% interval, the
target and the tolerance (5% of the target unless said otherwise: 4.5 points for a 90% target).
"""

from __future__ import annotations

import pytest

from cscp_analysis.scorecard.rag import rate_indicator, target_position

from .helpers import bench, indicator, result


def rag(r):
    return rate_indicator(r)


# --- 1. the target, on the interval ---------------------------------------------------------------


def test_row_1_whole_interval_meets_the_target_is_green():
    colour, reason = rag(result(values=(95.0,), ci=(91.0, 98.0)))
    assert (colour, reason) == ("green", "Green: the target of 90.0% is met (95.0%; the whole 95% interval, 91.0% to "
                                         "98.0%, is above it).")


def test_row_2_interval_contains_the_target_is_amber_and_says_it_cannot_tell():
    # CSC-08 in the demo: 24.0%, interval 17.4 to 32.2, target 20 (lower is better): was red, is amber
    ind = indicator(polarity="lower_is_better", target=20)
    colour, reason = rag(result(ind, values=(24.0,), ci=(17.4, 32.2)))
    assert colour == "amber"
    assert reason == ("Amber: at this number of assessments completed we cannot tell whether the target of 20.0% is "
                      "met: the value is 24.0% and its 95% interval, 17.4% to 32.2%, includes the target.")
    # the same when the point meets the target but the interval still reaches past it
    assert rag(result(values=(92.0,), ci=(86.0, 96.0)))[0] == "amber"


def test_row_3_whole_interval_misses_within_the_tolerance_is_amber():
    colour, reason = rag(result(values=(87.0,), ci=(85.5, 88.5)))  # misses by 3.0 < 4.5
    assert colour == "amber"
    assert reason == ("Amber: the target of 90.0% is missed by 3.0 percentage points, within the tolerance of 4.5 "
                      "percentage points (87.0%; the whole 95% interval, 85.5% to 88.5%, misses it).")


def test_row_4_whole_interval_misses_beyond_the_tolerance_is_red():
    colour, reason = rag(result(values=(80.0,), ci=(77.0, 83.0)))  # misses by 10.0 > 4.5
    assert colour == "red"
    assert reason == ("Red: the target of 90.0% is missed by 10.0 percentage points, more than the tolerance of 4.5 "
                      "percentage points (80.0%; the whole 95% interval, 77.0% to 83.0%, misses it).")


def test_a_count_without_an_interval_is_judged_on_its_value():
    ind = indicator(statistic="count", numerator="csc.cla_started", denominator=None, polarity="lower_is_better",
                    target=100)
    assert rag(result(ind, values=(99.0,), ci=None))[0] == "green"
    assert rag(result(ind, values=(104.0,), ci=None))[0] == "amber"  # within 5 (5% of 100)
    assert rag(result(ind, values=(106.0,), ci=None))[0] == "red"


@pytest.mark.parametrize("polarity, target, value, lower, upper, expected", [
    ("higher_is_better", 90, 95, 91, 98, "met"), ("higher_is_better", 90, 92, 86, 96, "uncertain"),
    ("higher_is_better", 90, 80, 77, 83, "missed"), ("lower_is_better", 10, 6.8, 4.1, 9.9, "met"),
    ("lower_is_better", 20, 24.0, 17.4, 32.2, "uncertain"), ("lower_is_better", 20, 30, 25, 35, "missed"),
    ("higher_is_better", 90, 90, 88, 92, "uncertain"),  # exactly on the target: the interval holds it
])
def test_target_position(polarity, target, value, lower, upper, expected):
    assert target_position(indicator(polarity=polarity, target=target), value, lower, upper) == expected


def test_the_tolerance_comes_from_configuration():
    from types import SimpleNamespace

    r = result(values=(87.0,), ci=(85.5, 88.5))
    r.config = SimpleNamespace(raw={"scorecard": {"rag": {"tolerance_pct": 2.0}}})  # 1.8 points of 90%
    colour, reason = rate_indicator(r)
    assert colour == "red" and "more than the tolerance of 1.8 percentage points" in reason
    wide = indicator(rag={"tolerance": 15})  # the indicator's own, in its units
    assert rag(result(wide, values=(80.0,), ci=(77.0, 83.0)))[0] == "amber"


# --- 2. England, and the target deciding the side ----------------------------------------------------


def test_worse_than_england_at_998_is_red_and_at_95_amber_without_a_target():
    ind = indicator(target=None, benchmark="rereferral_pct")
    colour, reason = rag(result(ind, values=(70.0,), benchmark=bench("worse", "worse")))
    assert (colour, reason) == ("red", "Red: it is significantly worse than England (80.0%, 2025) at 99.8%.")
    assert rag(result(ind, values=(70.0,), benchmark=bench("worse", "similar")))[0] == "amber"
    assert rag(result(ind, benchmark=bench()))[1] == "Green: it is similar to England (80.0%, 2025) at 95%."


def test_an_indicator_whose_whole_interval_meets_its_target_is_never_red():
    colour, reason = rag(result(values=(95.0,), ci=(91.0, 98.0), benchmark=bench("worse", "worse")))
    assert colour == "amber" and reason.startswith("Amber (not red, because the target is met): ")
    assert "significantly worse than England" in reason and "the target of 90.0% is met" in reason


def test_an_indicator_whose_whole_interval_misses_its_target_is_never_green():
    colour, reason = rag(result(values=(87.0,), ci=(85.5, 88.5), benchmark=bench("better", "better")))
    assert colour == "amber"  # missed within tolerance; England does not make it green
    colour, _ = rag(result(values=(80.0,), ci=(77.0, 83.0), benchmark=bench("better", "better")))
    assert colour == "red"


# --- 3. SPC: a watch, or the only evidence ----------------------------------------------------------


def test_special_cause_concern_does_not_make_a_met_target_red_but_adds_a_watch():
    # CSC-13 in the demo: 6.8% against 10% (lower is better), whole interval below it, two points near the top
    ind = indicator(polarity="lower_is_better", target=10)
    spc = {"concern_in_period": True}
    colour, reason = rag(result(ind, values=(6.8,), ci=(4.1, 9.9), spc=spc))
    assert colour == "green"
    assert reason.endswith("Watch: the SPC chart shows a special-cause concern in January to March 2026.")


def test_special_cause_alone_rates_only_an_indicator_with_nothing_else():
    ind = indicator(polarity="lower_is_better", target=None)
    assert rag(result(ind, spc={"concern_in_period": True}))[0] == "amber"
    assert rag(result(ind, spc={"improvement_in_period": True}))[0] == "green"
    colour, reason = rag(result(ind, spc={"concern_in_period": False}))
    assert colour == "grey" and "stable variation is not evidence of good performance" in reason


# --- grey, overrides ----------------------------------------------------------------------------------


def test_small_numbers_blocked_data_and_missing_values_are_grey_with_the_reason():
    assert rag(result(values=(60.0,), nums=[3.0], dens=[5.0])) == (
        "grey", "Grey: not rated, because the quarter's figure rests on fewer than 6 children or events and is suppressed.")
    colour, reason = rag(result(status="not_published", reason="the education return was rejected"))
    assert (colour, reason) == ("grey", "Grey: not published, because the education return was rejected.")
    r = result(values=(float("nan"),))
    r.quarters.loc[:, "note"] = "no data for the period"
    assert rag(r) == ("grey", "Grey: no value for January to March 2026 (no data for the period).")


def test_nothing_to_rate_against_is_grey_not_green():
    ind = indicator(polarity="neither", target=None)
    assert rag(result(ind))[1].startswith("Grey: not rated, because it has no target and no preferred direction")


def test_criteria_can_be_switched_off():
    no_spc = indicator(target=None, polarity="lower_is_better", rag={"use_spc": False})
    assert rag(result(no_spc, spc={"concern_in_period": True}))[0] == "grey"
    no_target = indicator(rag={"use_target": False})
    assert rag(result(no_target, values=(50.0,), benchmark=bench()))[0] == "green"
    strict = indicator(target=None, rag={"red_confidence": 0.95})
    assert rag(result(strict, values=(95.0,), benchmark=bench("worse", "similar")))[0] == "red"


def test_a_bad_confidence_override_is_refused():
    with pytest.raises(ValueError, match="T-01: rag red_confidence must be 0.95 or 0.998"):
        rag(result(indicator(rag={"red_confidence": 0.9}), values=(95.0,)))
