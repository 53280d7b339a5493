"""Issue 18 §3: no CSV the pack or rejected/ writes holds a cell a spreadsheet would run.

The cases are OWASP's ("CSV Injection") and the issue's own: commentary beginning
``=HYPERLINK("http://x","click")`` or ``+cmd|' /C calc'!A0``, and a partner value beginning ``=``.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cscp_analysis import evidence
from cscp_analysis.returns import load_returns, write_quarantine

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data_raw" / "demo"
PERIOD = "2026-27-Q2"
HYPERLINK = '=HYPERLINK("http://x","click")'
DDE = "+cmd|' /C calc'!A0"


def _cells(data: bytes | str) -> list[str]:
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)*|\.\d+)(?:[eE][+-]?\d+)?%?")


def _unsafe(cells: list[str]) -> list[str]:
    """Cells a spreadsheet would evaluate: starting with =, +, -, @, tab or carriage return, and not a number."""
    return [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.fullmatch(c)]


@pytest.mark.parametrize("text", [HYPERLINK, DDE, "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "-", "=", "+"])
def test_text_a_spreadsheet_would_run_is_prefixed_with_a_quote(text):
    from cscp_analysis.spreadsheet_safety import neutralise_text

    assert neutralise_text(text) == "'" + text
    assert neutralise_text(neutralise_text(text)) == "'" + text  # applying it twice changes nothing


@pytest.mark.parametrize("value", ["-5", "+3", "-0.25", "1e-3", "-1,234.5", "-12%", "ok", "", "'=already safe", 3, -2.5, None])
def test_numbers_and_ordinary_text_are_unchanged(value):
    from cscp_analysis.spreadsheet_safety import neutralise_text

    assert neutralise_text(value) == value


def test_a_table_keeps_its_numbers_and_types():
    from cscp_analysis.spreadsheet_safety import neutralise

    df = pd.DataFrame({"indicator": ["A", "B", "C"], "commentary": [HYPERLINK, "Stable.", DDE],
                       "value": [-1.5, 2.0, np.nan], "count": [-3, 4, 5], "note": ["-5", "-", None]})
    out = neutralise(df)
    assert out["commentary"].tolist() == ["'" + HYPERLINK, "Stable.", "'" + DDE]
    assert out["note"].tolist()[:2] == ["-5", "'-"] and pd.isna(out["note"].iloc[2])
    pd.testing.assert_series_equal(out["value"], df["value"])
    pd.testing.assert_series_equal(out["count"], df["count"])
    assert df["commentary"].iloc[0] == HYPERLINK  # the caller's table is not changed


def test_a_column_name_is_made_safe_too():
    from cscp_analysis.spreadsheet_safety import neutralise

    assert list(neutralise(pd.DataFrame({"=1+1": [1]})).columns) == ["'=1+1"]


def test_every_pack_table_is_written_safe():
    # what a notebook publishes through the pack (the scorecard's commentary columns, for example)
    df = pd.DataFrame({"indicator_id": ["POL-01", "POL-02"], "commentary": [HYPERLINK, DDE], "value": [-4.5, 12.0]})
    cells = _cells(evidence.deterministic_csv(df))
    assert _unsafe(cells) == []
    assert "'" + HYPERLINK in cells and "-4.5" in cells


def test_a_partner_value_beginning_with_equals_is_safe_in_rejected_and_the_report(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DEMO, data)
    police = data / PERIOD / "police.csv"
    df = pd.read_csv(police, dtype=str, keep_default_na=False)
    df.loc[0, "numerator"] = "=1+cmd|' /C calc'!A0"
    df.to_csv(police, index=False, lineterminator="\n")
    com = data / PERIOD / "commentary.csv"
    c = pd.read_csv(com, dtype=str, keep_default_na=False)
    c.loc[0, "indicator"] = HYPERLINK  # rejected (not an indicator), so it reaches rejected/ and the report
    c.to_csv(com, index=False, lineterminator="\n")
    returns = load_returns(data, PERIOD)
    pack = tmp_path / "pack"
    write_quarantine(returns, pack)
    rejected = (pack / "rejected" / f"{PERIOD}_police.csv").read_text(encoding="utf-8")
    assert "'=1+cmd" in rejected
    written = [p for p in pack.rglob("*.csv")]
    assert len(written) >= 5
    for path in written:
        assert _unsafe(_cells(path.read_text(encoding="utf-8"))) == [], path.name
    report = (pack / "tables" / "validation_report.csv").read_text(encoding="utf-8")
    assert "'" + HYPERLINK + f" is not an indicator of {c.loc[0, 'agency']}" in _cells(report)


@pytest.mark.slow
def test_the_demo_pack_has_no_cell_a_spreadsheet_would_run(quarter_pack):
    for path in sorted(quarter_pack.glob("*/*.csv")):
        assert _unsafe(_cells(path.read_text(encoding="utf-8"))) == [], path.relative_to(quarter_pack)
