"""The RAG rule: every condition, its words, and per-indicator overrides."""

from __future__ import annotations

import pytest

from cscp_analysis.scorecard.rag import rate_indicator

from .helpers import bench, indicator, result


def rag(r):
    return rate_indicator(r)


def test_target_missed_by_more_than_the_tolerance_is_red_and_says_by_how_much():
    # target 90%, tolerance 5% of it = 4.5 points; 80% misses by 10 points
    colour, reason = rag(result(values=(80.0,)))
    assert colour == "red"
    assert reason == ("Red: the target of 90.0% is missed by 10.0 percentage points (more than the tolerance of "
                      "4.5 percentage points).")


def test_target_missed_within_the_tolerance_is_amber():
    colour, reason = rag(result(values=(87.0,)))
    assert colour == "amber" and "missed by 3.0 percentage points (within the tolerance of 4.5" in reason


def test_target_met_is_green_with_the_value():
    colour, reason = rag(result(values=(92.0,)))
    assert (colour, reason) == ("green", "Green: the target of 90.0% is met (92.0%).")


def test_lower_is_better_target_and_tolerance():
    ind = indicator(polarity="lower_is_better", target=20)  # tolerance 1.0 point
    assert rag(result(ind, values=(21.0,)))[0] == "amber"
    assert rag(result(ind, values=(21.5,)))[0] == "red"
    assert rag(result(ind, values=(19.0,)))[0] == "green"


def test_special_cause_concern_in_the_quarter_is_red_even_when_the_target_is_met():
    spc = {"concern_in_period": True, "types": ["common_cause", "special_cause_concern", "common_cause"]}
    colour, reason = rag(result(values=(95.0,), spc=spc))
    assert colour == "red" and "special-cause concern in 2025-26-Q4" in reason


def test_significantly_worse_than_england_at_998_is_red_and_at_95_only_amber():
    colour, reason = rag(result(values=(95.0,), benchmark=bench("worse", "worse")))
    assert colour == "red" and "significantly worse than England (80.0%, 2025) at 99.8%" in reason
    colour, reason = rag(result(values=(95.0,), benchmark=bench("worse", "similar")))
    assert colour == "amber" and "at 95%" in reason


def test_a_red_reason_names_every_condition_that_fired():
    spc = {"concern_in_period": True}
    colour, reason = rag(result(values=(70.0,), spc=spc, benchmark=bench("worse", "worse")))
    assert colour == "red"
    assert reason.count(";") == 2  # target, SPC and England


def test_small_numbers_blocked_data_and_missing_values_are_grey_with_the_reason():
    assert rag(result(values=(60.0,), nums=[3.0], dens=[5.0])) == (
        "grey", "Grey: not rated, because the quarter's figure rests on fewer than 6 children or events and is suppressed.")
    colour, reason = rag(result(status="not_published", reason="the education return was rejected"))
    assert (colour, reason) == ("grey", "Grey: not published, because the education return was rejected.")
    r = result(values=(float("nan"),))
    r.quarters.loc[:, "note"] = "no data for the period"
    assert rag(r) == ("grey", "Grey: no value for 2025-26-Q4 (no data for the period).")


def test_nothing_to_rate_against_is_grey_not_green():
    ind = indicator(polarity="neither", target=None)
    assert rag(result(ind))[1].startswith("Grey: not rated, because it has no target, no preferred direction")
    ind = indicator(polarity="lower_is_better", target=None)
    colour, reason = rag(result(ind, spc={"concern_in_period": False}))
    assert colour == "grey" and "stable variation is not evidence of good performance" in reason


def test_similar_to_england_without_a_target_is_green():
    ind = indicator(polarity="lower_is_better", target=None, benchmark="rereferral_pct")
    assert rag(result(ind, benchmark=bench()))[1] == "Green: it is similar to England (80.0%, 2025) at 95%."


def test_an_indicator_can_override_the_tolerance_and_switch_criteria_off():
    wide = indicator(rag={"tolerance": 15})
    assert rag(result(wide, values=(80.0,)))[0] == "amber"
    no_spc = indicator(rag={"use_spc": False})
    assert rag(result(no_spc, values=(95.0,), spc={"concern_in_period": True}))[0] == "green"
    no_target = indicator(rag={"use_target": False})
    assert rag(result(no_target, values=(50.0,), benchmark=bench()))[0] == "green"
    strict = indicator(rag={"red_confidence": 0.95})
    assert rag(result(strict, values=(95.0,), benchmark=bench("worse", "similar")))[0] == "red"


def test_a_bad_confidence_override_is_refused():
    with pytest.raises(ValueError, match="T-01: rag red_confidence must be 0.95 or 0.998"):
        rag(result(indicator(rag={"red_confidence": 0.9}), values=(95.0,)))
