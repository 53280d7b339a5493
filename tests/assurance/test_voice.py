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
    assert "\"I know who to talk to if I feel unsafe\" (75.0% of 40)" in kinds["working_well"]
    assert "\"Adults listen to me\" (25.0% of 40)" in kinds["worried"]
    assert all(x.lens == "citizen" for x in f)


def test_no_survey_in_the_quarter(config):
    f = V.findings({"voice_responses": make("voice_responses", answers("2026-05-01", "Q1", [4] * 8))}, PERIOD, config)
    assert f[0].kind == "needs_to_happen" and f[0].rule == "VOI-01"


@pytest.mark.parametrize("values, pct", [([1, 2, 3, 4, 5], 40.0), ([4, 5, None, None], 100.0)])
def test_percent_agree_examples(values, pct):
    t = V.likert_summary(make("voice_responses", answers("2026-08-01", "Q1", values)), PERIOD).iloc[0]
    assert t["pct_agree"] == pct
