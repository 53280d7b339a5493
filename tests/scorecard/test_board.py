"""The scorecard as a board reads it (issue 13): the one-screen summary, the appendix, the workbook, and the
guarantees that its numbers do not contradict each other, on the demo quarter."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from cscp_analysis import scorecard
from cscp_analysis.config import load_partnership
from cscp_analysis.returns import load_returns
from cscp_analysis.scorecard import board
from cscp_analysis.scorecard.publish import published_series
from cscp_analysis.scorecard.registry import parse_indicators

from .helpers import indicator

PERIOD = "2026-27-Q2"


@pytest.fixture(scope="module")
def demo():
    config = load_partnership()
    sc = scorecard.compute(load_returns("data_raw/demo", PERIOD, config), PERIOD, config)
    return sc, scorecard.published_table(sc), published_series(sc)


def test_no_indicator_is_red_while_its_interval_meets_its_target_nor_green_while_it_misses(demo):
    sc, table, _ = demo
    checked = 0
    for r in sc:
        ind, cur = r.indicator, r.current
        if ind.target is None or cur is None or np.isnan(cur["value"]) or r.rag == "grey":
            continue
        lo, hi = cur["lower_ci"], cur["upper_ci"]
        if np.isnan(lo):
            continue
        up = ind.polarity == "higher_is_better"
        whole = (lo >= ind.target and hi >= ind.target) if up else (lo <= ind.target and hi <= ind.target)
        if whole:
            assert r.rag != "red", ind.id
        else:
            assert r.rag != "green", ind.id
        checked += 1
    assert checked >= 8


def test_the_issues_examples_are_no_longer_red(demo):
    sc, _, _ = demo
    assert sc["CSC-13"].rag == "green"  # 6.8% against 10%, the whole interval below it
    assert sc["CSC-08"].rag == "amber" and "cannot tell" in sc["CSC-08"].rag_reason
    assert sc["LADO-01"].rag == "amber" and "cannot tell" in sc["LADO-01"].rag_reason


def test_no_published_process_limit_lies_outside_what_the_measure_can_take(demo):
    sc, _, series = demo
    stat = {r.indicator.id: r.indicator.statistic for r in sc}
    for col in ("lower_process_limit", "upper_process_limit"):
        v = pd.to_numeric(series[col], errors="coerce")
        assert (v.dropna() >= 0).all(), col
        pct = series["indicator_id"].map(stat) == "percentage"
        assert (v[pct].dropna() <= 100).all(), col


def test_stock_series_are_run_charts_and_flow_series_xmr(demo):
    sc, _, series = demo
    charts = series.groupby("indicator_id")["chart"].first()
    assert charts["CSC-13"] == "run chart" and charts["CSC-07"] == "run chart"  # children at a date
    assert charts["CSC-03"] == "XmR chart" and charts["CSC-01"] == "XmR chart"  # events in a month
    assert (series.loc[series["chart"] == "run chart", "lower_process_limit"] == "z").all()


def test_the_summary_groups_every_indicator_under_its_priority_with_words_beside_every_colour(demo):
    sc, table, series = demo
    html = board.summary_html(sc, table, series)
    assert html.count('<th scope="row">') == len(table)
    heads = re.findall(r'<tr class="priority"><th scope="colgroup" colspan="6">([^<]+)</th>', html)
    assert heads == ["P1 Right help at the right time",
                     "P2 Protecting children from exploitation and harm outside the home", "P3 Tackling neglect",
                     "P4 A learning partnership that hears children&#x27;s voices"]
    for word in ("Red", "Amber", "Green", "Grey"):
        assert f">{word}</span>" in html
    assert html.count("<title>") >= len(table)  # every sparkline and icon is described
    assert "table-layout:fixed" in html and "snake" not in html


def test_a_sparkline_breaks_at_a_gap():
    from cscp_analysis.charts.inline import sparkline

    svg = sparkline([1, 2, np.nan, 3, 4], label="a series with a gap")
    assert svg.count("<polyline") == 2 and "<title>a series with a gap</title>" in svg


def test_the_workbook_reads_back(demo, tmp_path):
    from datetime import date

    import openpyxl

    from cscp_analysis.workbook import write

    sc, table, _ = demo
    from cscp_analysis.scorecard.report import benchmark_summary

    comm = scorecard.commentary_table(sc).copy()
    comm.loc[0, "commentary"] = '=HYPERLINK("http://x","click")'
    sheets = board.workbook_sheets(sc, table, benchmark_summary(sc, table), comm,
                                   scorecard.definitions_table([r.indicator for r in sc]))
    path = write(tmp_path / "scorecard.xlsx", sheets, created=date(2026, 9, 30), marking="OFFICIAL-SENSITIVE")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Summary", "Detail", "Benchmarks", "Commentary", "Definitions"]
    ws = wb["Summary"]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.freeze_panes is not None and ws.print_area
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert "OFFICIAL-SENSITIVE" in cells
    rag = next(c for v, c in cells.items() if v == "Red")
    assert rag.fill.fgColor.rgb.endswith("C8102E")
    formula = next(c for row in wb["Commentary"].iter_rows() for c in row
                   if isinstance(c.value, str) and c.value.startswith("=HYPERLINK"))
    assert formula.data_type == "s"  # text, never a formula


def test_priorities_and_indicators_in_force():
    ind = indicator(priority=[{"id": "P3", "to": "2024-25-Q4"}, {"id": "P1", "from": "2025-26-Q1"}],
                    in_force={"to": "2025-26-Q4"})
    assert ind.priority_at("2024-25-Q2") == "P3" and ind.priority_at("2025-26-Q2") == "P1"
    assert ind.in_force_at("2025-26-Q4") and not ind.in_force_at("2026-27-Q1")
    with pytest.raises(ValueError, match="in_force from 'next year' is not a quarter"):
        indicator(in_force={"from": "next year"})


def test_the_priorities_in_force_follow_the_configuration():
    from types import SimpleNamespace

    config = SimpleNamespace(raw={"priorities": [{"id": "P1", "title": "Old", "to": "2024-25-Q4"},
                                                 {"id": "P2", "title": "New", "from": "2025-26-Q1"}]})
    assert board.priorities_in_force(config, "2024-25-Q3") == [("P1", "Old")]
    assert board.priorities_in_force(config, "2026-27-Q2") == [("P2", "New")]


def test_a_retired_indicator_is_left_off_the_scorecard_but_kept_in_its_year(demo):
    sc, _, _ = demo
    config = load_partnership()
    returns = load_returns("data_raw/demo", PERIOD, config)
    items = [dict(id="T-99", title="Retired measure", agency="CSC", priority="P1", lens="independent",
                  statistic="count", numerator="csc.cla_started", polarity="lower_is_better", definition="d",
                  source="s", in_force={"to": "2025-26-Q4"})]
    retired = parse_indicators(items, config=config)
    assert len(scorecard.compute(returns, PERIOD, config, indicators=retired)) == 0
    assert len(scorecard.compute(returns, "2025-26-Q4", config, indicators=retired)) == 1
