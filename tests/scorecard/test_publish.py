"""The published scorecard: tidy columns, disclosure control, blocked indicators, and the pack's leak check."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from cscp_analysis.disclosure import check_disclosure
from cscp_analysis.evidence import Pack
from cscp_analysis.scorecard import PUBLISHED_COLUMNS, compute, published_series, published_table
from cscp_analysis.scorecard.publish import suppression_flags

from .conftest import only
from .helpers import indicator, result, scorecard


@pytest.fixture(scope="module")
def published(fixture_scorecard):
    return published_table(fixture_scorecard)


def test_published_table_has_the_tidy_columns_and_one_row_per_indicator(fixture_scorecard, published):
    t = published
    assert list(t.columns) == PUBLISHED_COLUMNS
    for c in ("period", "indicator_id", "value", "lower_ci", "upper_ci", "numerator", "denominator", "england",
              "west_midlands", "sn_median", "rag", "rag_reason", "spc_variation", "spc_assurance"):
        assert c in t.columns
    assert list(t["indicator_id"]) == list(fixture_scorecard.results)
    assert (t["period"] == "2025-26-Q4").all()
    assert t["rag_reason"].str.match(r"^(Red|Amber|Green|Grey): ").all()  # never a colour without its reason


def test_values_are_rounded_once_to_the_indicator_decimals(fixture_scorecard, published):
    t = published.set_index("indicator_id")
    raw = fixture_scorecard["CSC-02"].current
    assert t.loc["CSC-02", "value"] == f"{raw['value']:.1f}"
    assert t.loc["CSC-14", "value"] == f"{raw_count(fixture_scorecard, 'CSC-14')}"
    assert t.loc["CSC-14", "lower_ci"] == "z" and t.loc["CSC-14", "denominator"] == "z"  # not applicable to a count


def raw_count(sc, iid):
    return int(sc[iid].current["value"])


def test_small_counts_are_suppressed_with_everything_derived_from_them(fixture_scorecard, published):
    t = published.set_index("indicator_id")
    # in the fixture CSC-08 has 5 repeat plans this quarter: the count and its percentage are c
    assert fixture_scorecard["CSC-08"].current["numerator"] == 5
    row = t.loc["CSC-08"]
    assert (row["numerator"], row["value"], row["lower_ci"], row["upper_ci"]) == ("c", "c", "c", "c")
    assert row["denominator"] == "12"  # the denominator is not small: shown
    assert row["rag"] == "grey"
    check_disclosure(t.reset_index(), counts=["numerator", "denominator"],
                     derived={"value": ["numerator", "denominator"]})


def test_the_pack_accepts_the_published_table_and_refuses_the_raw_one(fixture_scorecard, published, tmp_path):
    pack = Pack(tmp_path, notebook="02_performance_scorecard")
    pack.table(published, "scorecard", "Scorecard", "independent",
               count_columns=["numerator", "denominator"])
    raw = fixture_scorecard.table()
    with pytest.raises(ValueError, match="publish it through cscp_analysis.disclosure"):
        pack.table(raw, "scorecard_raw", "Scorecard", "independent", count_columns=["numerator"])


def test_rolling_twelve_months_of_events_is_suppressed_when_one_quarter_is():
    # a count of events: quarters 40, 30, 3, 50 (oldest first); the year (123) less the three others
    # published in the SPC data would give the suppressed 3 away
    ind = indicator(statistic="count", numerator="csc.missing_episodes", denominator=None, target=None,
                    polarity="lower_is_better")
    r = result(ind, values=(40.0, 30.0, 3.0, 50.0), nums=[40.0, 30.0, 3.0, 50.0], dens=[float("nan")] * 4)
    r.rolling.loc[0, ["numerator", "value"]] = 123.0
    flags = suppression_flags(r)
    assert flags == {"current": False, "previous": True, "last_year": False, "rolling": True, "comparable": True}
    t = published_table(scorecard(r))
    assert t.loc[0, "rolling_12_months"] == "c" and t.loc[0, "value"] == "50"
    # a percentage does not add up over quarters: its twelve months stay
    pct = result(values=(80.0, 90.0, 60.0, 85.0), nums=[80.0, 90.0, 3.0, 85.0], dens=[100.0, 100.0, 5.0, 100.0])
    assert suppression_flags(pct)["rolling"] is False


def test_monthly_series_get_a_second_month_suppressed_in_the_quarter(fixture_returns, config):
    sc = compute(fixture_returns, "2025-26-Q4", config, indicators=only(config, "CSC-17"))
    s = published_series(sc)
    res = sc["CSC-17"]
    small = res.spc["numerator"].between(1, 5).to_numpy()
    assert (s["suppressed"].to_numpy() >= small).all()  # every small month is suppressed
    quarter = pd.PeriodIndex(pd.to_datetime(res.spc["end"]), freq="Q-MAR").astype(str)
    for q in pd.unique(quarter):
        n = s["suppressed"].to_numpy()[quarter == q].sum()
        assert n != 1, f"{q}: a single suppressed month could be recovered from the quarter"
    assert (s.loc[s["suppressed"], "value"] == "c").all()


def test_a_blocked_indicator_shows_no_number_and_says_why(fixture_returns, config):
    r = SimpleNamespace(**{**vars(fixture_returns),
                           "blocked": {"agency:EDUCATION": "education.csv could not be used: RET-010"}})
    sc = compute(r, "2025-26-Q4", config, indicators=only(config, "EDU-01", "EDU-02", "EDU-03", "POL-01"))
    t = published_table(sc).set_index("indicator_id")
    for iid in ("EDU-01", "EDU-02", "EDU-03"):
        row = t.loc[iid]
        assert row["status"] == "not published" and row["status_reason"] == "education.csv could not be used: RET-010"
        assert (row[["value", "numerator", "denominator", "previous_quarter", "rolling_12_months"]] == "x").all()
        assert row["rag"] == "grey" and row["rag_reason"].startswith("Grey: not published, because education.csv")
        assert sc[iid].quarters is None  # nothing computed from rejected data
    assert t.loc["POL-01", "status"] == "published"
    findings = [f for f in sc.findings() if f.evidence == "EDU-01"]
    assert [f.rule for f in findings] == ["SC-NH-3"]


def test_a_blocked_table_stops_every_indicator_reading_it(fixture_returns, config):
    r = SimpleNamespace(**{**vars(fixture_returns), "blocked": {"table:population": "population.csv: 3 rows rejected"}})
    sc = compute(r, "2025-26-Q4", config)
    stopped = {x.indicator.id for x in sc if x.status != "ok"}
    assert stopped == {"CSC-01", "CSC-05", "CSC-07", "CSC-10", "CSC-11", "CSC-12", "HLT-03", "YJS-01", "EH-01"}


def test_an_earlier_blocked_quarter_is_a_gap_in_the_trend(fixture_returns, config):
    r = SimpleNamespace(**{**vars(fixture_returns),
                           "blocked": {"indicator:POL_STRATEGY_ATTEND@2025-26-Q2": "police.csv:7 rejected (PAR-003)"}})
    sc = compute(r, "2025-26-Q4", config, indicators=only(config, "POL-02"))
    res = sc["POL-02"]
    q = res.quarters.set_index("label").loc["2025-26-Q2"]
    assert pd.isna(q["value"]) and q["note"] == "not published: police.csv:7 rejected (PAR-003)"
    assert pd.isna(res.twelve_months["value"])
    gap = res.spc.set_index("label").loc["2025-26-Q2"]
    assert pd.isna(gap["value"]) and gap["point_type"] is None  # a gap in the trend, not bridged
    assert res.status == "ok" and not pd.isna(res.current["value"])
