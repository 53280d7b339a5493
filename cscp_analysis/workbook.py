"""Tables as an Excel workbook for boards: text as text, RAG as a word on its colour, ready to print.

A small declarative writer on top of XlsxWriter. The caller describes each sheet (a title, a table,
which columns to show and how, optional notes) and :func:`write` lays it out the same way every time::

    workbook.write("scorecard.xlsx", created=date(2026, 10, 15), marking="OFFICIAL-SENSITIVE",
                   properties={"title": "Performance scorecard", "author": "Safeguarding partnership"},
                   sheets=[workbook.Sheet(
                       name="Summary", title="Multi-agency performance scorecard, July to September 2026",
                       table=summary,
                       columns=[workbook.Column("Indicator", key="title", width=40, wrap=True),
                                workbook.Column("This quarter", key="value", number_format="0.0"),
                                workbook.Column("RAG", key="rag"),
                                workbook.Column("Why", key="rag_reason", width=60, wrap=True)],
                       rag_column="RAG", notes=["Method: docs/scorecard.md."])])

Layout of every sheet, top to bottom: the security marking (when given), the title, the header row
(frozen, with an autofilter, repeated on every printed page), the rows of the table, a blank row and
the notes, the first of them (when the sheet shows any symbol) saying what each symbol it shows means. Print setup: A4, landscape (or portrait), one page wide, the print area set to exactly
that block, and a page header and footer carrying the marking, the title and "Page n of m".

What each cell holds, decided by the value, never guessed from text:

- text is written as a text cell, always (``write_string``): a commentary beginning ``=HYPERLINK(``
  stays the words a partner typed and never becomes a formula (formula injection); the symbols are
  text too, written as GSS recommends (``[c]``, ``[s]``, ``[x]``, ``[z]``, ``[low]``; the package's
  letters ``c``, ``x``, ``z``, ``low`` are turned into them, :func:`cscp_analysis.symbols.published`);
- numbers (Python or numpy) are numbers, in the column's number format; blanks (None, NaN, NaT)
  are blank cells; dates are dates; ``True``/``False`` are the words "Yes"/"No";
- a column holding numbers (and only the disclosure symbols besides) is right-aligned, symbols
  included, so that they line up; other columns are left-aligned, and wrapped when asked;
- the RAG column shows the word ("Red", "Amber", "Green", "Grey") on its fill colour, so the rating
  never depends on colour alone.

Same inputs give the same bytes on every run and every day: the creation date in the document
properties comes from the ``created`` argument (never the clock), and the workbook is assembled in
memory, where XlsxWriter stamps every part of the zip file with the fixed date 1 January 1980.

This module knows nothing about scorecards: it writes whatever tables it is given.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .symbols import footnote, published

__all__ = ["Column", "Sheet", "write", "WorkbookError", "RAG_COLOURS", "SYMBOLS"]


class WorkbookError(ValueError):
    """A sheet cannot be written as described; the message names the sheet, row and column."""


#: Fill and text colours of each RAG word (fill, font). The word is always written as well.
RAG_COLOURS: dict[str, tuple[str, str]] = {
    "red": ("#C8102E", "#FFFFFF"),
    "amber": ("#F0A30A", "#000000"),
    "green": ("#00703C", "#FFFFFF"),
    "grey": ("#BFBFBF", "#000000"),
}

#: Disclosure and availability symbols (GSS): text, but aligned with the numbers around them.
SYMBOLS = frozenset({"c", "[c]", "[s]", "x", "[x]", "z", "[z]", "u", "[u]", "low", "[low]", ":", ".."})

_PAPER_A4 = 9  # Excel's paper size code for A4
_MAX_SHEET_NAME = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_MAX_HEADER_FOOTER = 255
_HEADER_FILL = "#DEE0E2"


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    ``header`` is what the reader sees; ``key`` the column of the table it comes from (default: the
    header); ``width`` in characters (default: from the content, at most 50); ``wrap`` wraps long text;
    ``number_format`` is an Excel format code for the numbers in it (for example ``"0.0"``);
    ``align`` (``"left"``, ``"right"`` or ``"center"``) overrides the alignment chosen from the values.

    ``parse_numbers`` is for tables published with their numbers as text (already rounded, with
    ``c`` and ``x`` among them): in such a column, text that is a plain decimal number (``12``,
    ``-3.40``) is written as a number shown with the same decimal places; symbols and any other text
    stay text. Nothing else is ever read as a number.
    """

    header: str
    key: str | None = None
    width: float | None = None
    wrap: bool = False
    number_format: str | None = None
    align: str | None = None
    parse_numbers: bool = False

    @property
    def source(self) -> str:
        return self.header if self.key is None else self.key


@dataclass(frozen=True)
class Sheet:
    """One sheet: a title, a table and the notes below it.

    ``columns`` default to every column of ``table`` under its own name. ``rag_column`` is the
    *header* of the column holding RAG words (red, amber, green, grey; any case; blank allowed).
    """

    name: str
    title: str
    table: pd.DataFrame
    columns: Sequence[Column] | None = None
    rag_column: str | None = None
    notes: Sequence[str] = field(default_factory=tuple)
    landscape: bool = True


def write(path: str | Path, sheets: Sequence[Sheet], *, created: dt.date | dt.datetime,
          marking: str | None = None, properties: Mapping[str, str] | None = None,
          threshold: int | None = None) -> Path:
    """Write ``sheets`` to the workbook ``path`` (see the module docstring) and return the path.

    ``threshold`` is the largest count hidden as ``[c]`` (5 unless given), for the symbols' note.

    ``created`` is the creation date written into the document properties (a date is taken as
    midnight UTC; an aware datetime is converted to UTC). ``properties`` may give ``title``,
    ``subject``, ``author``, ``manager``, ``company``, ``category``, ``keywords``, ``comments`` and
    ``status``. Raises :class:`WorkbookError` for a sheet that cannot be written as described.
    """
    import xlsxwriter

    if not sheets:
        raise WorkbookError("a workbook needs at least one sheet")
    _check_names([s.name for s in sheets])
    sheets = [_with_symbols(s, threshold) for s in sheets]
    plans = [_plan(s) for s in sheets]  # every check before the file is opened
    props = _properties(properties or {}, created)

    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(out), {
        "in_memory": True,  # parts stamped 1980-01-01 in the zip, not the files' times on disk
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        "remove_timezone": True,
    })
    try:
        book.set_properties(props)
        formats = _Formats(book)
        for sheet, plan in zip(sheets, plans, strict=True):
            _write_sheet(book, formats, sheet, plan, marking)
    finally:
        book.close()
    return out


# --- checking and planning -------------------------------------------------------------------------


def _with_symbols(sheet: Sheet, threshold: int | None) -> Sheet:
    """The sheet with GSS symbols in its cells and, first among its notes, what the symbols it shows mean."""
    if not isinstance(sheet.table, pd.DataFrame):
        return sheet  # _plan names the problem
    table = published(sheet.table)
    keys = [c.source for c in sheet.columns] if sheet.columns is not None else list(table.columns)
    note = footnote(table[[k for k in dict.fromkeys(keys) if k in table.columns]], threshold)
    notes = ([note] if note else []) + list(sheet.notes)
    return Sheet(sheet.name, sheet.title, table, sheet.columns, sheet.rag_column, notes, sheet.landscape)


@dataclass(frozen=True)
class _Plan:
    columns: list[Column]
    numeric: list[bool]  # per column: holds numbers (and only symbols besides)
    widths: list[float]
    rag_index: int | None


def _check_names(names: list[str]) -> None:
    seen: dict[str, str] = {}
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise WorkbookError(f"a sheet needs a name, not {name!r}")
        if len(name) > _MAX_SHEET_NAME:
            raise WorkbookError(f"sheet name {name!r} is longer than Excel's {_MAX_SHEET_NAME} characters")
        if _BAD_SHEET_CHARS.search(name) or name.startswith("'") or name.endswith("'"):
            raise WorkbookError(f"sheet name {name!r} has a character Excel does not allow ([ ] : * ? / \\ or an "
                                "apostrophe at either end)")
        if name.lower() in seen:
            raise WorkbookError(f"sheet name {name!r} is used twice (Excel ignores case: {seen[name.lower()]!r})")
        seen[name.lower()] = name


def _plan(sheet: Sheet) -> _Plan:
    table = sheet.table
    if not isinstance(table, pd.DataFrame):
        raise WorkbookError(f"sheet {sheet.name!r}: the table must be a pandas DataFrame, not {type(table).__name__}")
    if not isinstance(sheet.title, str) or not sheet.title.strip():
        raise WorkbookError(f"sheet {sheet.name!r} needs a title (what the table shows), not {sheet.title!r}")
    columns = list(sheet.columns) if sheet.columns is not None else [Column(str(c), key=c) for c in table.columns]
    if not columns:
        raise WorkbookError(f"sheet {sheet.name!r}: no columns to show")
    missing = [c.source for c in columns if c.source not in table.columns]
    if missing:
        raise WorkbookError(f"sheet {sheet.name!r}: the table has no column {', '.join(map(repr, missing))} "
                            f"(it has {', '.join(map(repr, map(str, table.columns)))})")
    headers = [c.header for c in columns]
    for c in columns:
        if c.align not in (None, "left", "right", "center"):
            raise WorkbookError(f"sheet {sheet.name!r}: column {c.header!r}: align must be left, right or center, "
                                f"not {c.align!r}")
        if headers.count(c.header) > 1:
            raise WorkbookError(f"sheet {sheet.name!r}: column heading {c.header!r} is used twice")
    rag_index = None
    if sheet.rag_column is not None:
        if sheet.rag_column not in headers:
            raise WorkbookError(f"sheet {sheet.name!r}: the RAG column {sheet.rag_column!r} is not one of its "
                                f"columns ({', '.join(map(repr, headers))})")
        rag_index = headers.index(sheet.rag_column)
        words = table[columns[rag_index].source]
        bad = [(i, v) for i, v in enumerate(words) if not _blank(v) and _rag_key(v) not in RAG_COLOURS]
        if bad:
            row, value = bad[0]
            raise WorkbookError(f"sheet {sheet.name!r}: row {row + 1} of the table: column {sheet.rag_column!r}: RAG rating "
                                f"{value!r} is not one of red, amber, green, grey ({len(bad)} such rows)")
    for c in columns:
        values = table[c.source]
        for i, v in enumerate(values):
            if isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isinf(float(v)):
                raise WorkbookError(f"sheet {sheet.name!r}: row {i + 1} of the table: column {c.header!r}: {v} cannot be "
                                    "written to Excel (infinite number)")
    numeric = [_is_numeric(table[c.source], c.parse_numbers) for c in columns]
    widths = [c.width if c.width is not None else _auto_width(c.header, table[c.source]) for c in columns]
    return _Plan(columns, numeric, widths, rag_index)


def _blank(v) -> bool:
    if v is None or v is pd.NaT or v is pd.NA:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    if isinstance(v, numbers.Real) and not isinstance(v, bool):
        return math.isnan(float(v))
    return isinstance(v, str) and not v.strip()


def _rag_key(v) -> str:
    return str(v).strip().lower()


def _is_number(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


_DECIMAL_TEXT = re.compile(r"-?[0-9]+(?:\.([0-9]+))?")


def _number_in_text(v, parse: bool) -> tuple[float, int] | None:
    """(value, decimal places) of text that is a plain decimal number, when the column asks for it."""
    if not parse or not isinstance(v, str):
        return None
    m = _DECIMAL_TEXT.fullmatch(v.strip())
    return (float(v), len(m.group(1) or "")) if m else None


def _is_numeric(values: pd.Series, parse: bool) -> bool:
    kinds = [("number" if _is_number(v) or _number_in_text(v, parse) else
              "symbol" if isinstance(v, str) and v.strip() in SYMBOLS else "other")
             for v in values if not _blank(v)]
    return "number" in kinds and "other" not in kinds


def _display_text(v) -> str:
    return "Yes" if v is True else "No" if v is False else str(v)


def _auto_width(header: str, values: pd.Series) -> float:
    longest_header_word = max((len(w) for w in header.split()), default=0)
    longest = max([len(_display_text(v)) for v in values if not _blank(v)] + [min(len(header), 20),
                                                                                longest_header_word])
    return float(min(max(longest + 2, 8), 50))


def _properties(given: Mapping[str, str], created: dt.date | dt.datetime) -> dict:
    allowed = {"title", "subject", "author", "manager", "company", "category", "keywords", "comments", "status"}
    unknown = sorted(set(given) - allowed)
    if unknown:
        raise WorkbookError(f"unknown document propert{'y' if len(unknown) == 1 else 'ies'} "
                            f"{', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})")
    return {**{k: str(v) for k, v in given.items()}, "created": _utc(created)}


def _utc(created) -> dt.datetime:
    """The creation date as a naive UTC datetime (what XlsxWriter writes, with a ``Z``)."""
    if isinstance(created, pd.Timestamp):
        created = created.to_pydatetime()
    if isinstance(created, dt.datetime):
        if created.tzinfo is not None:
            created = created.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return created
    if isinstance(created, dt.date):
        return dt.datetime(created.year, created.month, created.day)
    raise WorkbookError(f"created must be a date or datetime (a parameter, never the clock), not {created!r}")


# --- writing ---------------------------------------------------------------------------------------


class _Formats:
    """One XlsxWriter format per distinct set of properties, created on first use."""

    def __init__(self, book):
        self._book = book
        self._cache: dict[tuple, object] = {}

    def get(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self._book.add_format({"font_name": "Arial", "font_size": 10, **props})
        return self._cache[key]


def _write_sheet(book, formats: _Formats, sheet: Sheet, plan: _Plan, marking: str | None) -> None:
    ws = book.add_worksheet(sheet.name)
    last_col = len(plan.columns) - 1
    row = 0
    if marking:
        _ok(ws.write_string(row, 0, marking, formats.get(bold=True, font_color="#000000")), sheet, "the marking")
        row += 1
    _ok(ws.write_string(row, 0, sheet.title, formats.get(bold=True, font_size=14)), sheet, "the title")
    ws.set_row(row, 21)
    row += 1

    header_row = row
    header_format = formats.get(bold=True, text_wrap=True, valign="bottom", bg_color=_HEADER_FILL, bottom=1)
    for j, col in enumerate(plan.columns):
        cell_format = header_format if not plan.numeric[j] else formats.get(
            bold=True, text_wrap=True, valign="bottom", bg_color=_HEADER_FILL, bottom=1, align="right")
        _ok(ws.write_string(header_row, j, col.header, cell_format), sheet, f"heading {j + 1}")
        ws.set_column(j, j, plan.widths[j])

    table = sheet.table
    for j, col in enumerate(plan.columns):
        values = table[col.source].tolist()
        if j == plan.rag_index:
            _write_rag(ws, formats, sheet, header_row + 1, j, values)
        else:
            _write_values(ws, formats, sheet, header_row + 1, j, values, col, plan.numeric[j])
    last_row = header_row + len(table)

    ws.freeze_panes(header_row + 1, 0)
    ws.autofilter(header_row, 0, max(last_row, header_row), last_col)

    if sheet.notes:
        row = last_row + 2
        total_width = sum(plan.widths)
        note_format = formats.get(text_wrap=True, valign="top")
        for note in sheet.notes:
            lines = max(1, math.ceil(len(str(note)) / (total_width * 1.1)))
            if last_col > 0:
                ws.merge_range(row, 0, row, last_col, "", note_format)
            _ok(ws.write_string(row, 0, str(note), note_format), sheet, "a note")
            ws.set_row(row, 13 * lines + 2)
            row += 1
        last_row = row - 1

    _print_setup(ws, sheet, header_row, last_row, last_col, marking)


def _write_values(ws, formats: _Formats, sheet: Sheet, first_row: int, j: int, values: list, col: Column,
                  numeric: bool) -> None:
    align = col.align or ("right" if numeric else "left")
    base = {"align": align, "valign": "top"}
    if col.wrap:
        base["text_wrap"] = True
    text = formats.get(**base)
    number = formats.get(**base, num_format=col.number_format) if col.number_format else text
    for i, v in enumerate(values):
        r = first_row + i
        if _blank(v):
            ret = ws.write_blank(r, j, None, text)
        elif _is_number(v):
            ret = ws.write_number(r, j, float(v), number)
        elif (parsed := _number_in_text(v, col.parse_numbers)) is not None:
            value, places = parsed
            shown = col.number_format or ("0." + "0" * places if places else "0")
            ret = ws.write_number(r, j, value, formats.get(**base, num_format=shown))
        elif isinstance(v, (dt.date, pd.Timestamp)):
            ret = _write_date(ws, formats, r, j, v, base)
        else:
            ret = ws.write_string(r, j, _display_text(v), text)
        _ok(ret, sheet, f"row {i + 1} of the table: column {col.header!r}")


def _write_date(ws, formats: _Formats, r: int, j: int, v, base: dict) -> int:
    if isinstance(v, pd.Timestamp):
        v = v.to_pydatetime()
    if isinstance(v, dt.datetime):
        fmt = "d mmm yyyy" if v.time() == dt.time(0) else "d mmm yyyy hh:mm"
    else:
        fmt = "d mmm yyyy"
    return ws.write_datetime(r, j, v, formats.get(**base, num_format=fmt))


def _write_rag(ws, formats: _Formats, sheet: Sheet, first_row: int, j: int, values: list) -> None:
    for i, v in enumerate(values):
        r = first_row + i
        if _blank(v):
            ws.write_blank(r, j, None, formats.get(align="center", valign="top"))
            continue
        key = _rag_key(v)
        fill, font = RAG_COLOURS[key]
        cell_format = formats.get(bold=True, align="center", valign="top", bg_color=fill, font_color=font,
                                  pattern=1)
        ws.write_string(r, j, key.capitalize(), cell_format)  # a short word from RAG_COLOURS


def _ok(ret: int, sheet: Sheet, where: str) -> None:
    """XlsxWriter reports problems by return code; turn them into an error naming the cell."""
    if ret in (0, None):
        return
    reason = {-1: "it is outside Excel's grid", -2: "the text is longer than Excel's 32,767 characters"}.get(
        ret, f"XlsxWriter returned {ret}")
    raise WorkbookError(f"sheet {sheet.name!r}: {where}: cannot write the cell ({reason})")


def _print_setup(ws, sheet: Sheet, header_row: int, last_row: int, last_col: int, marking: str | None) -> None:
    ws.set_paper(_PAPER_A4)
    if sheet.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
    ws.repeat_rows(header_row)
    ws.print_area(0, 0, last_row, last_col)
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    mark = _escape_header(marking) if marking else ""
    ws.set_header(f'&C&"Arial,Bold"{mark}' if mark else "")
    left = "&L" + _escape_header(sheet.title)
    rest = (f"&C{mark}" if mark else "") + "&RPage &P of &N"
    budget = _MAX_HEADER_FOOTER - len(rest)
    if len(left) > budget:  # Excel's limit on a footer: shorten the title, keep the marking and page number
        left = _shorten(left, budget - 1) + "…"
    ws.set_footer(left + rest)


def _shorten(escaped: str, length: int) -> str:
    """Cut header text to ``length`` without splitting a doubled ampersand."""
    cut = escaped[:length]
    trailing = len(cut) - len(cut.rstrip("&"))
    return cut[:-1] if trailing % 2 else cut


def _escape_header(text: str) -> str:
    """An ampersand starts a control code in Excel headers and footers; a literal one is written twice."""
    return str(text).replace("&", "&&")
