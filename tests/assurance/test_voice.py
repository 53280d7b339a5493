"""Your Voice Matters: % agree among non-blank answers, diverging positions, suppression, change."""

import numpy as np
import pandas as pd
import pytest

from cscp_analysis.assurance import voice as V
from cscp_analysis.charts.assurance import diverging_positions
from cscp_analysis.disclosure import check_disclosure

from .conftest import PERIOD, make

ITEMS = {"Q1": "I know who to talk to if I feel unsafe", "Q2": "Adults listen to me"}


def answers(date, item, values, start=0, setting="School group"):
    return [{"response_id": f"R{date}-{start + i}", "survey_date": date, "setting": setting, "age_band": "11-13",
             "item_id": item, "item": ITEMS[item], "response": v} for i, v in enumerate(values)]


def test_percent_agree_is_among_those_who_answered():
    # Q1: 5 4 4 3 2 and one blank: answered 5; disagree 1, neither 1, agree 3 -> 60% agree.
    t = V.likert_summary(make("voice_responses", answers("2026-08-01", "Q1", [5, 4, 4, 3, 2, None])), PERIOD).iloc[0]
    assert (t["answered"], t["blank"], t["disagree"], t["neither"], t["agree"]) == (5, 1, 1, 1, 3)
    assert [t[f"n_{k}"] for k in (1, 2, 3, 4, 5)] == [0, 1, 1, 2, 1]
    assert (t["pct_disagree"], t["pct_neither"], t["pct_agree"]) == (20.0, 20.0, 60.0)


def test_only_the_quarters_survey_is_summarised():
    rows = answers("2026-08-01", "Q1", [5, 5]) + answers("2026-06-30", "Q1", [1, 1, 1], start=10)
    t = V.likert_summary(make("voice_responses", rows), PERIOD)
    assert t["answered"].tolist() == [2] and t["pct_agree"].tolist() == [100.0]


def test_diverging_positions_centre_the_neutral_share():
    # 20% disagree, 20% neither, 60% agree: neither spans -10 to +10, disagree -30 to -10, agree +10 to +70.
    s = pd.DataFrame({"item_id": ["Q1"], "pct_disagree": [20.0], "pct_neither": [20.0], "pct_agree": [60.0]})
    pos = diverging_positions(s).set_index("segment")
    assert pos.loc["disagree", ["left", "width"]].tolist() == [-30.0, 20.0]
    assert pos.loc["neither", ["left", "width"]].tolist() == [-10.0, 20.0]
    assert pos.loc["agree", ["left", "width"]].tolist() == [10.0, 60.0]


def test_a_suppressed_share_has_no_position():
    s = pd.DataFrame({"item_id": ["Q1"], "pct_disagree": ["c"], "pct_neither": ["c"], "pct_agree": ["80.0"]})
    pos = diverging_positions(s).set_index("segment")
    assert np.isnan(pos.loc["disagree", "width"]) and pos.loc["agree", "width"] == 80.0


def test_published_likert_suppresses_small_counts_and_their_percentages(config):
    # 40 answers to Q1: 3 disagree, 7 neither, 30 agree. 3 is suppressed; so is the next smallest (7), so that
    # 3 cannot be worked out from the total; both their percentages are c; 30 and 75.0% are shown.
    rows = answers("2026-08-01", "Q1", [2] * 3 + [3] * 7 + [4] * 20 + [5] * 10)
    t = V.published_likert(make("voice_responses", rows), PERIOD, config).iloc[0]
    assert (t["answered"], t["disagree"], t["neither"], t["agree"]) == ("40", "c", "c", "30")
    assert (t["pct_disagree"], t["pct_neither"], t["pct_agree"]) == ("c", "c", "75.0")
    check_disclosure(pd.DataFrame([t]), counts=["answered", "disagree", "neither", "agree"], threshold=5)


def test_change_since_last_quarter_only_from_published_shares(config):
    now = answers("2026-08-01", "Q1", [4] * 30 + [2] * 10) + answers("2026-08-01", "Q2", [4] * 30 + [2] * 10, start=100)
    before = answers("2026-05-01", "Q1", [4] * 20 + [2] * 20, start=200) + \
        answers("2026-05-01", "Q2", [4] * 3 + [2] * 37, start=300)  # 3 agree: suppressed
    t = V.published_change(make("voice_responses", now + before), PERIOD, config).set_index("item_id")
    assert (t.loc["Q1", "pct_agree_previous"], t.loc["Q1", "pct_agree"], t.loc["Q1", "change_pp"]) == ("50.0", "75.0", "25.0")
    assert t.loc["Q2", "pct_agree_previous"] == "c" and t.loc["Q2", "change_pp"] == "c"


def test_session_themes():
    s = make("voice_sessions", [
        {"session_id": "S1", "session_date": "2026-07-10", "setting": "Youth forum", "participants": 12,
         "themes": "Online safety; Feeling safe at school", "you_said_we_did": "Online safety assembly"},
        {"session_id": "S2", "session_date": "2026-05-10", "setting": "Youth forum", "participants": 9,
         "themes": "Transport", "you_said_we_did": None},
    ])
    t = V.session_themes(s, PERIOD)
    assert t["theme"].tolist() == ["Feeling safe at school", "Online safety"]
    assert t["session_date"].tolist() == ["July 2026", "July 2026"]


def test_findings(config):
    rows = answers("2026-08-01", "Q1", [4] * 30 + [2] * 10) + answers("2026-08-01", "Q2", [4] * 10 + [2] * 30, start=100)
    f = V.findings({"voice_responses": make("voice_responses", rows)}, PERIOD, config)
    kinds = {x.kind: x.text for x in f}
    # 30 of 40 agreeing: Wilson 59.8% to 85.8%, clear of one half; 10 of 40: 14.2% to 40.2%
    assert "\"I know who to talk to if I feel unsafe\" (75.0% of 40, 95% interval 59.8% to 85.8%)" in kinds["working_well"]
    assert "\"Adults listen to me\" (25.0% of 40, 95% interval 14.2% to 40.2%)" in kinds["worried"]
    assert all(x.lens == "citizen" for x in f)


def test_a_level_whose_interval_includes_one_half_is_not_a_worry(config):
    # 18 of 40 agreeing (45%): Wilson 30.7% to 60.1% includes one half, so it is context, not a worry
    rows = answers("2026-08-01", "Q1", [4] * 18 + [2] * 22)
    f = V.findings({"voice_responses": make("voice_responses", rows)}, PERIOD, config)
    voi2 = [x for x in f if x.rule == "VOI-02"]
    assert [x.kind for x in voi2] == ["context"] and "could be chance" in voi2[0].text


def _wilson(x, n, z=1.959963984540054):
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_agreement_across_statements_allows_for_answers_clustered_within_children():
    # three children answer two statements each; children 1 and 2 agree with both, child 3 with neither: 4 of 6
    # answers agree, and a child's two answers are identical (ICC 1): each child counts once, deff = 2
    rows = []
    for item in ("Q1", "Q2"):
        rows += [{"response_id": f"R{i}", "survey_date": "2026-08-01", "setting": "School group", "age_band": "11-13",
                  "item_id": item, "item": ITEMS[item], "response": v} for i, v in enumerate([5, 4, 1])]
    t = V.agreement(make("voice_responses", rows), PERIOD).set_index("item_id")
    a = t.loc["All"]
    # ANOVA ICC: y = (2, 2, 0), m = 2: MSB = (4 - 16/6)/2 = 2/3, MSW = (4 - 4)/3 = 0, so ICC = 1; deff = 1 + (2 - 1) x 1
    assert (a["answered"], a["agree"], a["respondents"]) == (6, 4, 3)
    assert a["icc"] == pytest.approx(1.0) and a["design_effect"] == pytest.approx(2.0)
    lo, hi = _wilson(2, 3)  # effective counts 4/2 of 6/2
    assert (a["agree_lower"], a["agree_upper"]) == (pytest.approx(100 * lo), pytest.approx(100 * hi))
    # one statement: each child answers once, so the interval is Wilson's on 2 of 3
    q1 = t.loc["Q1"]
    assert q1["design_effect"] == 1 and q1["agree_lower"] == pytest.approx(100 * lo)


def test_a_change_is_a_finding_only_when_the_test_says_so(config):
    from scipy.stats import norm

    # Q1: 50 of 83 agreed last quarter, 80 of 112 now: +11.2 points. Pooled z-test: p = 130/195,
    # z = (80/112 - 50/83) / sqrt(p(1 - p)(1/83 + 1/112)), two-sided p = 0.101: no clear change.
    # Q2: 20 of 83, then 80 of 112: a clear change.
    before = answers("2026-05-01", "Q1", [4] * 50 + [2] * 33, start=1000) + \
        answers("2026-05-01", "Q2", [4] * 20 + [2] * 63, start=1000)
    now = answers("2026-08-01", "Q1", [4] * 80 + [2] * 32, start=2000) + \
        answers("2026-08-01", "Q2", [4] * 80 + [2] * 32, start=2000)
    ch = V.likert_change(make("voice_responses", before + now), PERIOD).set_index("item_id")
    pooled = 130 / 195
    z = (80 / 112 - 50 / 83) / np.sqrt(pooled * (1 - pooled) * (1 / 83 + 1 / 112))
    assert ch.loc["Q1", "p_value"] == pytest.approx(2 * norm.sf(abs(z)))
    assert ch.loc["Q1", "p_value"] == pytest.approx(0.101, abs=0.001)
    # Benjamini-Hochberg across the two statements: the larger p stays, the smaller doubles (capped by the larger)
    p1, p2 = ch.loc["Q1", "p_value"], ch.loc["Q2", "p_value"]
    assert ch.loc["Q1", "p_adjusted"] == pytest.approx(max(p1, min(1, 2 * p2)))
    assert ch.loc["Q2", "p_adjusted"] == pytest.approx(min(2 * p2, p1))
    f = [x for x in V.findings({"voice_responses": make("voice_responses", before + now)}, PERIOD, config)
         if x.rule == "VOI-03"]
    by_item = {("school" if "talk to" in x.text else "listen"): x for x in f}
    assert by_item["school"].kind == "context" and "no clear change (p = 0.101)" in by_item["school"].text
    assert by_item["listen"].kind == "working_well" and "a clear change" in by_item["listen"].text


def test_no_survey_in_the_quarter(config):
    f = V.findings({"voice_responses": make("voice_responses", answers("2026-05-01", "Q1", [4] * 8))}, PERIOD, config)
    assert f[0].kind == "needs_to_happen" and f[0].rule == "VOI-01"


@pytest.mark.parametrize("values, pct", [([1, 2, 3, 4, 5], 40.0), ([4, 5, None, None], 100.0)])
def test_percent_agree_examples(values, pct):
    t = V.likert_summary(make("voice_responses", answers("2026-08-01", "Q1", values)), PERIOD).iloc[0]
    assert t["pct_agree"] == pct


def test_the_trend_over_the_last_four_surveys_by_hand():
    from scipy.stats import chi2

    # agreement 10, 15, 20, 25 of 40 in the surveys of October 2025, February, May and August 2026 (scores 1 to 4).
    # Cochran-Armitage: p = 70/160, t = 2.5, sum x(t - tbar) = 10(-1.5) + 15(-0.5) + 20(0.5) + 25(1.5) = 25,
    # sum n(t - tbar)^2 = 40 x 5 = 200, z = 25 / sqrt(p(1 - p) 200), chi2 = z^2 on 1 degree of freedom
    rows = []
    for k, (date, agree) in enumerate([("2025-10-15", 10), ("2026-02-10", 15), ("2026-05-12", 20), ("2026-08-01", 25)]):
        rows += answers(date, "Q1", [4] * agree + [2] * (40 - agree), start=100 * k)
    ch = V.likert_change(make("voice_responses", rows), PERIOD).iloc[0]
    p = 70 / 160
    z = 25 / np.sqrt(p * (1 - p) * 200)
    assert ch["trend_surveys"] == 4
    assert ch["trend_p"] == pytest.approx(chi2.sf(z * z, 1))
