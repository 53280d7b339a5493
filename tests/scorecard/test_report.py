"""What the notebooks show: the accessible scorecard table and sentences counted from the results."""

from __future__ import annotations

import re

import pandas as pd

from cscp_analysis.narrative import Finding
from cscp_analysis.scorecard import published_table
from cscp_analysis.scorecard.report import findings_markdown, overview_sentences, scorecard_html


def test_every_rag_colour_is_printed_as_a_word_with_its_reason(fixture_scorecard):
    t = published_table(fixture_scorecard)
    html = scorecard_html(t)
    rows = re.findall(r"<tr>(.*?)</tr>", html)[1:]
    assert len(rows) == len(t)
    for row, (_, r) in zip(rows, t.iterrows(), strict=True):
        assert f">{r['rag'].capitalize()}</td>" in row
        assert r["rag_reason"].replace("'", "&#x27;") in row
    assert "<caption>" in html and 'scope="col"' in html


def test_overview_counts_the_ratings_and_names_missing_commentary(fixture_scorecard):
    s = overview_sentences(fixture_scorecard)
    counts = pd.Series([r.rag for r in fixture_scorecard]).value_counts()
    assert s[0].startswith(f"{len(fixture_scorecard)} indicators for 2025-26-Q4 (Jan-Mar 2026): "
                           f"{counts.get('red', 0)} red, {counts.get('amber', 0)} amber")
    missing = [r for r in fixture_scorecard if r.commentary_status == "missing"]
    assert "HLT-02" in {r.indicator.id for r in missing} and {r.indicator.agency for r in missing} >= {"HEALTH", "CSC"}
    assert any(x.startswith(f"Commentary is missing for {len(missing)} indicators: ") for x in s)
    line = next(x for x in s if x.startswith("Commentary is missing"))
    assert "(CSC)" not in line and "; NHS Coventry and Warwickshire (ICB and providers): 1 indicator, HLT-02." in line


def test_identifiers_in_runs_are_written_as_ranges():
    from cscp_analysis.scorecard.report import id_ranges

    assert id_ranges(["CSC-01", "CSC-02", "CSC-03", "CSC-05", "HLT-02"]) == "CSC-01 to CSC-03, CSC-05, HLT-02"
    assert id_ranges(["CSC-01", "CSC-02"]) == "CSC-01, CSC-02"
    assert id_ranges(["CSC-09", "CSC-10", "CSC-11", "EH-01"]) == "CSC-09 to CSC-11, EH-01"
    assert id_ranges([]) == ""


def test_findings_markdown_has_the_three_lists_even_when_one_is_empty():
    f = [Finding("worried", "Something is wrong.", "independent", "scorecard", "T-01", "P1", "SC-WR-3", 2.0)]
    md = findings_markdown(f)
    assert "### What is working well\n\nNothing was drafted by the rules for this quarter." in md
    assert "- Something is wrong. *(rule SC-WR-3; evidence T-01)*" in md
    assert "### What needs to happen" in md and "### Context" not in md
