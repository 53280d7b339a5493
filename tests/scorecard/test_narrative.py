"""The narrative rules: which findings each statistic drafts, and which it never drafts."""

from __future__ import annotations

from cscp_analysis.scorecard.narrative import RULES, scorecard_findings, when

from .helpers import bench, indicator, result, scorecard


def kinds(*results):
    return {(f.kind, f.rule) for f in scorecard_findings(scorecard(*results))}


def test_special_cause_improvement_is_working_well():
    spc = {"improvement_in_period": True, "special": {"2026-02": ("special_cause_improvement", "outside_limits", 75.0)}}
    fs = scorecard_findings(scorecard(result(values=(95.0,), spc=spc)))
    ww = [f for f in fs if f.kind == "working_well"]
    assert len(ww) == 1 and ww[0].rule == "SC-WW-1"
    assert "95.0% in January to March 2026" in ww[0].text and "special-cause improvement: February 2026 (above the upper process limit)" in ww[0].text
    assert ww[0].evidence.startswith("T-01") and ww[0].priority == "P1" and ww[0].lens == "independent"


def test_better_than_england_and_neighbours_is_working_well_but_not_england_alone():
    assert ("working_well", "SC-WW-2") in kinds(result(values=(95.0,), benchmark=bench("better", "better", "better")))
    assert ("working_well", "SC-WW-2") not in kinds(result(values=(95.0,), benchmark=bench("better", "better", "similar")))


def test_target_met_four_quarters_running_is_working_well():
    assert ("working_well", "SC-WW-3") in kinds(result(values=(91.0, 92.0, 93.0, 94.0)))
    assert ("working_well", "SC-WW-3") not in kinds(result(values=(85.0, 92.0, 93.0, 94.0)))


def test_worries_and_the_needs_that_follow_them():
    run = {m: ("special_cause_concern", "shift", 40.0) for m in ("2025-11", "2025-12", "2026-01", "2026-02", "2026-03")}
    spc = {"concern_in_period": True, "special": run}
    fs = scorecard_findings(scorecard(result(values=(70.0,), spc=spc, benchmark=bench("worse", "worse"))))
    worried = [f for f in fs if f.kind == "worried"]
    assert len(worried) == 1  # one finding per indicator and kind, rules listed
    assert worried[0].rule == "SC-WR-1, SC-WR-2, SC-WR-3"
    text = worried[0].text
    assert ("special-cause concern: January 2026 to March 2026 (part of a run of seven or more points below the mean)"
            in text)
    assert "significantly worse than England (80.0%, year ending 31 March 2025) at 99.8%" in text
    assert "misses the target of 90.0%" in text
    needs = [f for f in fs if f.kind == "needs_to_happen"]
    assert [f.rule for f in needs] == ["SC-NH-1"]
    assert needs[0].text.startswith("CSC to set out how assessments within 45 working days (T-01) will come back to "
                                    "the target of 90.0% from 70.0%")
    assert (needs[0].owner, needs[0].by_when) == ("CSC", "the April to June 2026 scorecard")
    assert worried[0].weight > 5


def test_an_earlier_special_cause_in_the_year_is_a_worry_in_the_past_tense():
    special = {"2025-10": ("special_cause_concern", "outside_limits", 80.0),
               "2025-11": ("special_cause_concern", "shift", 60.0), "2025-12": ("special_cause_concern", "shift", 60.0)}
    spc = {"concern_in_period": False, "recent_concerns": ["2025-10", "2025-11", "2025-12"], "special": special}
    r = result(indicator(target=None, polarity="lower_is_better"), values=(20.0,), spc=spc)
    fs = [f for f in scorecard_findings(scorecard(r)) if f.kind == "worried"]
    assert fs[0].rule == "SC-WR-4"
    assert fs[0].text == ("Assessments within 45 working days: earlier in the year the SPC chart showed special-cause "
                          "concern: October 2025 (above the upper process limit); November 2025 to December 2025 "
                          "(part of a run of seven or more points above the mean); January to March 2026 is back within "
                          "common-cause variation.")


def test_an_earlier_concern_is_a_watch_when_the_target_has_been_met_all_year():
    # issue 13: CSC-13 was listed as working well (target met in each of four quarters) and as a worry (a run
    # above the median months ago); a resolved signal on a target met throughout is a watch, not a worry
    special = {"2025-10": ("special_cause_concern", "outside_limits", 80.0)}
    spc = {"concern_in_period": False, "recent_concerns": ["2025-10"], "special": special}
    r = result(indicator(target=10, polarity="lower_is_better"), values=(8.0, 7.0, 7.5, 6.8), spc=spc, ci=1.0)
    fs = scorecard_findings(scorecard(r))
    assert [(f.kind, f.rule) for f in fs if f.kind != "needs_to_happen"] == [("working_well", "SC-WW-3"),
                                                                             ("context", "SC-CX-3")]
    assert "a watch for the next quarter" in fs[1].text and not [f for f in fs if f.kind == "worried"]
    # with the target missed in one of the four quarters it stays a worry
    r = result(indicator(target=10, polarity="lower_is_better"), values=(12.0, 7.0, 7.5, 6.8), spc=spc, ci=1.0)
    assert ("worried", "SC-WR-4") in {(f.kind, f.rule) for f in scorecard_findings(scorecard(r))}


def test_missing_commentary_and_blocked_data_need_to_happen():
    fs = scorecard_findings(scorecard(result(values=(95.0,), commentary_status="missing", commentary="")))
    assert [(f.kind, f.rule) for f in fs] == [("needs_to_happen", "SC-NH-2")]
    assert "to send its commentary on Assessments within 45 working days (T-01) for January to March 2026" in fs[0].text
    # an agency missing several commentaries in one priority gets one request naming each indicator
    second = result(indicator(id="T-02", title="Referrals per 10,000"), values=(95.0,), commentary_status="missing",
                    commentary="")
    other = result(indicator(id="T-03", title="Plans", priority="P2"), values=(95.0,), commentary_status="missing",
                   commentary="")
    fs = [f for f in scorecard_findings(scorecard(result(values=(95.0,), commentary_status="missing", commentary=""),
                                                  second, other)) if f.rule == "SC-NH-2"]
    assert [(f.priority, f.evidence) for f in fs] == [("P1", "T-01, T-02"), ("P2", "T-03")]
    assert fs[0].text == ("CSC to send its commentary for January to March 2026 on each indicator of this priority it "
                          "has not commented on: Assessments within 45 working days (T-01); Referrals per 10,000 "
                          "(T-02).")
    blocked = result(status="not_published", reason="the return was rejected")
    fs = scorecard_findings(scorecard(blocked))
    assert [f.rule for f in fs] == ["SC-NH-3"] and "the return was rejected" in fs[0].text


def test_neutral_special_cause_is_context():
    ind = indicator(polarity="neither", target=None)
    spc = {"neutral_in_period": "high", "special": {"2026-03": ("special_cause_neutral_high", "outside_limits", 80.0)}}
    assert ("context", "SC-CX-1") in kinds(result(ind, spc=spc))


def test_no_finding_rests_on_a_suppressed_value():
    spc = {"concern_in_period": True}
    r = result(values=(40.0,), nums=[2.0], dens=[5.0], spc=spc, benchmark=bench("worse", "worse"))
    assert kinds(r) == set()


def test_every_rule_used_is_documented():
    assert {r for r in RULES} >= {"SC-WW-1", "SC-WW-2", "SC-WW-3", "SC-WR-1", "SC-WR-2", "SC-WR-3", "SC-WR-4",
                                   "SC-NH-1", "SC-NH-2", "SC-NH-3", "SC-CX-1"}


def test_labels_read_as_words():
    assert when("2026-01") == "January 2026"
    assert when("2026-27-Q2") == "July to September 2026"


def test_the_spc_list_says_each_reading_once_and_leaves_out_random_variation(monkeypatch):
    # the scorecard page listed the same run-chart reading, and why a run chart, under six series each
    from types import SimpleNamespace

    import pandas as pd

    from cscp_analysis.scorecard import sections
    from cscp_analysis.scorecard.spc import RUN_CHART_WHY

    shift = "a shift earlier in the series, but the latest point is within random variation around the median (run chart)"

    def res(iid, label, variation, note=""):
        return SimpleNamespace(spc=pd.DataFrame(), indicator=SimpleNamespace(id=iid, label=label),
                               spc_summary={"variation": variation, "note": note})

    results = [res("A-01", "Plans", shift, RUN_CHART_WHY), res("A-02", "In need", shift, RUN_CHART_WHY),
               res("A-03", "Missing education", "random variation around the median (run chart)", RUN_CHART_WHY),
               res("A-04", "Assessments", "special cause concern (low)"), res("A-05", "Referrals", "common cause")]
    monkeypatch.setattr(sections, "published_series", lambda sc: pd.DataFrame({"indicator_id": []}))
    monkeypatch.setattr(sections.report, "spc_groups", lambda sc: [])
    monkeypatch.setattr(sections, "set_aside_intro", lambda *a, **k: "")

    class Card(list):
        period = "2026-27-Q2"

    sec = sections.spc(Card(results))
    texts = [f.text for f in sec.findings]
    assert texts == [
        "A shift earlier in the series, but the latest point is within random variation around the median (run "
        "chart): A-01 Plans; A-02 In need.",
        "A-04 Assessments: special cause concern (low).",
        "A-01, A-02, A-03: A run chart, because each point counts children at a date, mostly the same children from "
        "one point to the next, so the points are not independent as an XmR chart needs."]
