"""Reading files as partners send them: encodings, separators, Excel, title rows, blank rows."""

from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from cscp_analysis.returns.load import find_file, normalise_heading, read_table
from cscp_analysis.returns.schemas import SCHEMAS

PR = SCHEMAS["partner_return"]
HEADER = "period,agency,indicator,breakdown,group,numerator,denominator"
ROW = "2026-27-Q2,POLICE,POL_DA_CHILDREN,total,all,412,"


def _read(path: Path, schema=PR):
    return read_table(path, path.name, schema.column_names, schema.required_columns, (schema.sheet,))


def _csv(tmp_path, data: bytes, name="police.csv"):
    p = tmp_path / name
    p.write_bytes(data)
    return _read(p)


@pytest.mark.parametrize("encoding,prefix", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""),
                                              ("utf-16", b"")])
def test_encodings(tmp_path, encoding, prefix):
    text = f"{HEADER}\n2026-27-Q2,POLICE,POL_DA_CHILDREN,total,all,412,\n2026-27-Q2,POLICE,Café,total,all,1,\n"
    raw = _csv(tmp_path, prefix + text.encode(encoding))
    assert raw.readable and not raw.problems
    assert raw.cells["indicator"].tolist() == ["POL_DA_CHILDREN", "Café"]
    assert raw.rows.tolist() == [2, 3]


@pytest.mark.parametrize("sep,name", [(";", "semicolons"), ("\t", "tabs"), ("|", "bars (|)")])
def test_other_separators_are_read_with_a_warning(tmp_path, sep, name):
    raw = _csv(tmp_path, (HEADER.replace(",", sep) + "\n" + ROW.replace(",", sep) + "\n").encode())
    assert raw.cells["numerator"].tolist() == ["412"]
    assert [(p.rule_id, p.value) for p in raw.problems] == [("RET-004", f"separated by {name}, not commas: read anyway")]


def test_title_rows_blank_rows_and_trailing_columns(tmp_path):
    text = ("West Midlands Police: quarterly return,,,,,,,,\n,,,,,,,,\n" + HEADER + ",,\n" + ROW + ",,\n,,,,,,,,\n"
            + ROW.replace("412", "5").replace("POL_DA_CHILDREN", "POL_ARRESTS") + ",,\n,,,,,,,,\n,,,,,,,,\n")
    raw = _csv(tmp_path, text.encode())
    assert raw.header_row == 3
    assert raw.rows.tolist() == [4, 6]  # the rows a spreadsheet shows
    assert raw.blank_rows == 3
    assert list(raw.cells.columns) == PR.column_names and not raw.problems


def test_headings_match_without_case_or_spaces(tmp_path):
    raw = _csv(tmp_path, ("Period, Agency ,INDICATOR,Breakdown,Group,Numerator,Denominator\n" + ROW + "\n").encode())
    assert set(raw.columns) == set(PR.column_names) and not raw.problems
    assert normalise_heading(" Child ID ") == "child_id"


def test_values_beyond_the_last_heading_are_kept_for_ret013(tmp_path):
    raw = _csv(tmp_path, (HEADER + "\n" + ROW + "\n" + ROW + ",extra\n").encode())
    assert raw.spill.tolist() == [1] and raw.spill_values.tolist() == ["extra"]


def test_unexpected_and_duplicate_columns(tmp_path):
    raw = _csv(tmp_path, (HEADER + ",notes,Numerator\n" + ROW + ",hello,3\n").encode())
    rules = sorted((p.rule_id, p.column) for p in raw.problems)
    assert rules == [("RET-011", "notes"), ("RET-012", "numerator")]


def test_missing_columns_are_named_with_the_headings_found(tmp_path):
    raw = _csv(tmp_path, b"period,agency,indicator\n2026-27-Q2,POLICE,X\n")
    missing = [p.column for p in raw.problems if p.rule_id == "RET-010"]
    assert missing == ["breakdown", "group", "numerator", "denominator"]
    assert raw.problems[-1].value == "headings found: period, agency, indicator"


@pytest.mark.parametrize("data,rule,words", [
    (b"", "RET-002", "0 bytes"),
    (b"\n\n  \n", "RET-002", "blank"),
    (b"\x00\x01\x02binary" * 10, "RET-001", "binary"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "RET-001", ".xls"),
    (b"period,agency\n\"2026-27-Q2,POLICE\n", "RET-001", "quotation mark"),
    (b"PK\x03\x04not really a zip", "RET-001", "not a readable Excel workbook"),
    (HEADER.encode() + b"\n", "RET-003", "no rows"),
])
def test_unreadable_and_empty_files(tmp_path, data, rule, words):
    raw = _csv(tmp_path, data)
    assert raw.problems and raw.problems[0].rule_id == rule
    assert words in " ".join(p.value for p in raw.problems)


def test_windows_1252_with_undefined_bytes_is_not_text(tmp_path):
    raw = _csv(tmp_path, HEADER.encode() + b"\n\x81\x8d\x8f\x90\x9d\n")
    assert raw.problems[0].rule_id == "RET-001" and "not text in UTF-8 or Windows-1252" in raw.problems[0].value


def _xlsx(path: Path, sheets: dict[str, list[list]]):
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def test_excel_first_sheet_title_rows_numbers_and_dates(tmp_path):
    rows = [["Police return"], [], PR.column_names,
            ["2026-27-Q2", "POLICE", "POL_DA_CHILDREN", "total", "all", 412.0, None],
            ["2026-27-Q2", "POLICE", "POL_ARRESTS", "total", "all", "1,234", None], [], [None, None, None]]
    raw = _read(_xlsx(tmp_path / "police.xlsx", {"Data": rows, "About": [["x"]]}))
    assert raw.fmt == "xlsx" and not raw.problems
    assert raw.rows.tolist() == [4, 5]
    assert raw.cells["numerator"].tolist() == ["412", "1,234"]


def test_excel_named_sheet_is_preferred_and_about_is_skipped(tmp_path):
    good = [PR.column_names, ["2026-27-Q2", "POLICE", "POL_DA_CHILDREN", "total", "all", 3, None]]
    raw = _read(_xlsx(tmp_path / "police.xlsx", {"About": [["read me"]], "Notes": [["n"]], "partner_return": good}))
    assert raw.cells["numerator"].tolist() == ["3"]
    raw = _read(_xlsx(tmp_path / "p2.xlsx", {"About": [["read me"]], "Sheet1": good}))
    assert raw.cells["numerator"].tolist() == ["3"]


def test_excel_dates_and_serials(tmp_path):
    s = SCHEMAS["lado"]
    rows = [s.column_names,
            ["L1", datetime(2026, 4, 2), "education", "physical", "Y", 46115, "ongoing", None],
            ["L2", "02/04/2026", "education", "physical", "Y", "2026-04-03", "ongoing", None]]
    raw = _read(_xlsx(tmp_path / "lado.xlsx", {"lado": rows}), s)
    assert raw.cells["date_received"].tolist() == ["2026-04-02", "02/04/2026"]
    assert raw.cells["initial_consideration_date"].tolist() == ["46115", "2026-04-03"]


def test_an_excel_workbook_saved_as_csv_is_read_as_excel(tmp_path):
    good = [PR.column_names, ["2026-27-Q2", "POLICE", "POL_DA_CHILDREN", "total", "all", 3, None]]
    path = _xlsx(tmp_path / "police.xlsx", {"Sheet1": good})
    renamed = path.rename(tmp_path / "police.csv")
    raw = _read(renamed)
    assert raw.cells["numerator"].tolist() == ["3"]
    assert [p.rule_id for p in raw.problems] == ["RET-004"]


def test_find_file_prefers_csv_and_lists_the_others(tmp_path):
    (tmp_path / "Police.XLSX").write_bytes(b"")
    (tmp_path / "police.csv").write_text("x")
    path, found = find_file(tmp_path, "police")
    assert path.name == "police.csv" and len(found) == 2
    assert find_file(tmp_path / "nope", "police") == (None, [])


def test_every_row_is_counted(tmp_path):
    n = 5000
    body = "\n".join([ROW] * n)
    raw = _csv(tmp_path, (HEADER + "\n" + body + "\n").encode())
    assert len(raw.cells) == n and raw.rows[0] == 2 and raw.rows[-1] == n + 1
    assert np.all(np.diff(raw.rows) == 1)
    assert isinstance(raw.cells, pd.DataFrame)


def test_old_mac_line_endings(tmp_path):
    raw = _csv(tmp_path, (HEADER + "\r" + ROW + "\r" + ROW.replace("412", "7") + "\r").encode())
    assert raw.cells["numerator"].tolist() == ["412", "7"] and raw.rows.tolist() == [2, 3]


def test_a_sheet_named_in_the_configuration(tmp_path):
    from cscp_analysis.returns.load import read_table as rt

    good = [PR.column_names, ["2026-27-Q2", "POLICE", "POL_DA_CHILDREN", "total", "all", 9, None]]
    path = _xlsx(tmp_path / "police.xlsx", {"Summary": [["x"]], "Q2 return": good})
    raw = rt(path, "police.xlsx", PR.column_names, PR.required_columns, ("Q2 return", PR.sheet))
    assert raw.cells["numerator"].tolist() == ["9"]
