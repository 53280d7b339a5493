"""Reading a partner's file, CSV or Excel, into text cells numbered as the partner sees them.

The loader never raises on a bad file: whatever it cannot read becomes a file-level problem with a
rule identifier (see ``rules_files``), and the file's rows are then rejected, counted and reported.

What it accepts, because that is what partners' spreadsheets produce:

* CSV in UTF-8 with or without a byte-order mark, Windows-1252 (Excel's "CSV" on Windows), or
  UTF-16 with a byte-order mark (Excel's "Unicode text"); separated by commas, or by semicolons, tabs
  or bars (read, with a warning, when the headings split that way);
* Excel workbooks (``.xlsx``, ``.xlsm``): the sheet named after the return (the template's), else the
  first sheet that is not the template's "About" sheet; an Excel workbook saved with a ``.csv`` name;
* title rows above the table (the header is the row among the first 30 that names most of the
  return's columns), trailing empty rows and columns, blank lines in between (skipped and counted),
  column headings in any case and with spaces for underscores (``Child ID`` is ``child_id``).

Row numbers are those of the partner's file as a spreadsheet shows it: the first record is row 1,
blank lines and title rows count, and the header is usually row 1, so the first data row is row 2.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["RawTable", "FileProblem", "read_table", "show", "find_file", "folder_in_place", "versions_of",
           "normalise_heading", "EXCEL_SUFFIXES"]

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
OTHER_SPREADSHEETS = (".xls", ".ods", ".numbers")
_HEADER_SEARCH = 30
_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "bars (|)"}
ABOUT_SHEETS = ("about", "read me", "readme", "notes", "guidance")


@dataclass
class FileProblem:
    """Something wrong with a file as a whole (or one of its columns); reported with ``rule_id``."""

    rule_id: str
    value: str = ""
    column: str = ""


def show(text: object, limit: int = 80) -> str:
    """A value as it can be shown in a one-line message: control characters escaped, long text cut."""
    t = str(text)
    t = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in t[: limit + 1])
    return t if len(t) <= limit else t[: limit - 1] + "…"


@dataclass
class RawTable:
    """The text cells of one file's table, as received."""

    path: Path | None
    rel: str  # path relative to the data folder, as shown in messages
    cells: pd.DataFrame  # data rows only; one column per heading as written (made unique); text as received, "" blank
    rows: np.ndarray  # the file row of each data row (1-based, header row = usually 1)
    columns: dict[str, str]  # schema column -> heading as written, for the columns found
    extra: list[str]  # headings that are not columns of the schema (ignored)
    problems: list[FileProblem] = field(default_factory=list)
    header_row: int | None = None
    blank_rows: int = 0
    fmt: str = "csv"
    sha256: str = ""
    bytes: int = 0
    readable: bool = True  # False: nothing could be read (unreadable, empty, or no usable header)
    spill: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # rows with values beyond the headings
    spill_values: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=object))



@lru_cache(maxsize=4096)
def normalise_heading(text: str) -> str:
    """``'Child ID '`` -> ``'child_id'``: lower case, runs of other characters become one underscore."""
    return re.sub(r"[^0-9a-z]+", "_", str(text).strip().lower()).strip("_")


def find_file(folder: Path, stem: str) -> tuple[Path | None, list[Path]]:
    """The file called ``stem`` with a CSV or Excel suffix in ``folder`` (case-insensitive).

    Returns the file to read (CSV preferred) and every candidate found, so that the caller can warn
    when a partner sent both, or sent a format we cannot read (``.xls``).
    """
    if not folder.is_dir():
        return None, []
    want = stem.lower()
    found = sorted(p for p in folder.iterdir() if p.is_file() and p.stem.lower() == want
                   and p.suffix.lower() in (".csv", *EXCEL_SUFFIXES, *OTHER_SPREADSHEETS, ".txt"))
    for suffix in (".csv", *EXCEL_SUFFIXES, ".txt", *OTHER_SPREADSHEETS):
        for p in found:
            if p.suffix.lower() == suffix:
                return p, found
    return None, found


_READABLE_SUFFIXES = (".csv", *EXCEL_SUFFIXES, ".txt", *OTHER_SPREADSHEETS)
_VERSION_SUFFIXES = (".csv", *EXCEL_SUFFIXES, *OTHER_SPREADSHEETS)  # a note (.txt) beside a return is not a version


def folder_in_place(folder: Path, stem: str) -> Path | None:
    """A folder named like the file expected (``health.csv/``), where the return itself should be."""
    if not folder.is_dir():
        return None
    want = stem.lower()
    for p in sorted(folder.iterdir()):
        if p.is_dir() and p.suffix.lower() in _READABLE_SUFFIXES and p.stem.lower() == want:
            return p
    return None


def versions_of(folder: Path, stem: str, other_stems: set[str] = frozenset()) -> list[Path]:
    """Other files in ``folder`` that look like another version of the return called ``stem``.

    ``police v2.csv``, ``police (1).xlsx``, ``Police - corrected.csv``, ``Copy of police.csv`` and
    ``police_final.csv`` are versions of ``police``: their name, in lower case with every run of other
    characters read as one separator, is the stem followed or preceded by more words. A name that is
    itself another expected return (``other_stems``) is not a version, and neither is a text file
    (``police notes.txt`` is a note about the return).
    """
    if not folder.is_dir():
        return []
    want = normalise_heading(stem)
    others = {normalise_heading(o) for o in other_stems}
    out = []
    for p in sorted(folder.iterdir()):
        if not p.is_file() or p.name.startswith(".") or p.suffix.lower() not in _VERSION_SUFFIXES:
            continue
        if p.stem.lower() == stem.lower():
            continue  # the return itself (in one format or another): find_file's business
        name = normalise_heading(p.stem)
        if name in others:
            continue
        if name == want or name.startswith(want + "_") or name.endswith("_" + want):
            out.append(p)
    return out


# --- reading bytes into a grid of text -------------------------------------------------------------


class _Unreadable(Exception):
    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


def _decode(data: bytes) -> tuple[bytes, str]:
    """UTF-8 bytes of the file's text and the encoding it was in; raise ``_Unreadable`` if not text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").encode("utf-8"), "utf-16"
        except UnicodeDecodeError:
            raise _Unreadable("it starts like UTF-16 text but is not") from None
    if b"\x00" in data[:65536]:
        raise _Unreadable("it holds binary data, not text: is it the right file, saved as CSV?")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        data.decode("utf-8")
        return data, "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252").encode("utf-8"), "cp1252"
    except UnicodeDecodeError as exc:
        raise _Unreadable(
            f"it is not text in UTF-8 or Windows-1252 (byte 0x{data[exc.start]:02x} at position {exc.start})"
        ) from None


def _sniff(text_head: list[str], expected: set[str]) -> tuple[str, int]:
    """The delimiter and 0-based record of the header: the pair naming most expected columns."""
    best = (0, 0, ",", 0)  # (score, -line, delim, line)
    for i, line in enumerate(text_head[:_HEADER_SEARCH]):
        for d in _DELIMITERS:
            names = {normalise_heading(x.strip().strip('"')) for x in line.split(d)}
            score = len(names & expected)
            if (score, -i) > best[:2] or (score == best[0] and -i == best[1] and d == ","):
                best = (score, -i, d, i)
    return best[2], best[3]


def _max_fields(data: bytes, delim: str, sample: int = 2_000_000) -> int:
    """An upper bound of the fields per line in the first ``sample`` bytes (quotes ignored, so never too few).

    A later line with more fields makes the fast parser fail, and the file is then read by the
    strict reader instead; no value is ever dropped.
    """
    arr = np.frombuffer(data[:sample], dtype=np.uint8)
    if arr.size == 0:
        return 1
    starts = np.concatenate(([0], np.flatnonzero((arr == 10) | (arr == 13)) + 1))  # \n, \r\n or an old Mac's \r
    starts = starts[starts < arr.size]
    counts = np.add.reduceat((arr == ord(delim)), starts, dtype=np.int64)
    return int(counts.max()) + 1


def _csv_grid(data: bytes, delim: str) -> np.ndarray:
    """Every record of the CSV as text (record i is spreadsheet row i + 1); blank records kept."""
    width = _max_fields(data, delim)
    try:
        return _grid(pd.read_csv(
            io.BytesIO(data), sep=delim, header=None, names=range(width), dtype=str, keep_default_na=False,
            na_filter=False, skip_blank_lines=False, index_col=False, encoding="utf-8", engine="c",
        ))
    except Exception:  # noqa: BLE001 - any parser failure falls back to the strict reader below
        pass
    try:
        reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=delim, strict=True)
        records = list(reader)
    except csv.Error as exc:
        line = getattr(reader, "line_num", "?")
        raise _Unreadable(f"it cannot be read as CSV near line {line}: {exc} (is a quotation mark not closed?)") from None
    return _pad(records)


def _grid(df: pd.DataFrame) -> np.ndarray:
    return df.to_numpy(dtype=object) if df.shape[1] else np.zeros((len(df), 1), dtype=object)


def _pad(records: list[list[str]]) -> np.ndarray:
    """Records of unequal length as a 2-D object array padded with empty text."""
    width = max((len(r) for r in records), default=1) or 1
    grid = np.full((len(records), width), "", dtype=object)
    for i, r in enumerate(records):
        grid[i, :len(r)] = r
    return grid


def _excel_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            return str(v)
        return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == time(0) else v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def _excel_grid(source, sheet_names: tuple[str, ...]) -> tuple[np.ndarray, str]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise _Unreadable(f"it is not a readable Excel workbook ({type(exc).__name__}: {exc})") from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a corrupt file
        raise _Unreadable(f"it is not a readable Excel workbook ({type(exc).__name__})") from None
    try:
        names = wb.sheetnames
        chosen = None
        wanted = [n.lower() for n in sheet_names]
        for n in names:
            if n.strip().lower() in wanted:
                chosen = n
                break
        if chosen is None:
            data_sheets = [n for n in names if n.strip().lower() not in ABOUT_SHEETS]
            chosen = data_sheets[0] if data_sheets else names[0]
        ws = wb[chosen]
        records = [[_excel_text(v) for v in r] for r in ws.iter_rows(min_row=1, values_only=True)]
    except Exception as exc:  # noqa: BLE001
        raise _Unreadable(f"its worksheet cannot be read ({type(exc).__name__}: {exc})") from None
    finally:
        wb.close()
    return _pad(records), chosen


# --- from a grid to the table ----------------------------------------------------------------------


def _header_row(grid: np.ndarray, expected: set[str]) -> int | None:
    best, where = 0, None
    for i in range(min(_HEADER_SEARCH, len(grid))):
        names = {normalise_heading(x) for x in grid[i] if x}
        score = len(names & expected)
        if score > best:
            best, where = score, i
    if where is None:  # nothing recognisable: the first non-blank record is the header
        for i in range(min(_HEADER_SEARCH, len(grid))):
            if any(str(x).strip() for x in grid[i]):
                return i
    return where


def _table_from_grid(raw: RawTable, grid: np.ndarray, schema_columns: list[str], required: list[str]) -> RawTable:
    """From every record of the file (a 2-D object array of text) to the table below its header.

    Cells are kept as received (stripping happens once per used column, in ``table.build_table``);
    a row whose cells are all empty is a blank row, skipped and counted.
    """
    expected = set(schema_columns)
    filled = grid != "" if grid.size else np.zeros(grid.shape, dtype=bool)
    if len(grid) == 0 or not filled.any():
        raw.problems.append(FileProblem("RET-002", "the file has no column headings and no rows"))
        raw.readable = False
        return raw
    h = _header_row(grid, expected)
    if h is None:
        raw.problems.append(FileProblem("RET-002", "the file has no column headings and no rows"))
        raw.readable = False
        return raw
    raw.header_row = h + 1
    headings = [str(x).strip() for x in grid[h]]
    body = grid[h + 1:]
    nonblank = filled[h + 1:]
    keep = nonblank.any(axis=1)
    raw.blank_rows = int((~keep).sum())
    if raw.blank_rows:
        body = body[keep]
        nonblank = nonblank[keep]
    rows = (np.flatnonzero(keep) + h + 2).astype(np.int64)

    # columns: named, unnamed with values (unexpected), unnamed and empty (dropped)
    last_named = max((i for i, x in enumerate(headings) if x), default=-1)
    used: dict[str, str] = {}
    extra: list[str] = []
    labels: list[str] = []
    seen_labels: set[str] = set()
    col_has_values = nonblank.any(axis=0) if len(body) else np.zeros(len(headings), dtype=bool)
    keep_cols: list[int] = []
    for i, heading in enumerate(headings):
        if not heading:
            if i > last_named:
                continue  # trailing columns: handled below (values there mean the row has too many)
            if not col_has_values[i]:
                continue
            heading = f"(column {_excel_letters(i)}, no heading)"
        label = heading
        k = 2
        while label in seen_labels:
            label = f"{heading} ({k})"
            k += 1
        seen_labels.add(label)
        keep_cols.append(i)
        labels.append(label)
        norm = normalise_heading(heading)
        if norm in expected:
            if norm in used:
                raw.problems.append(FileProblem("RET-012", show(f"'{used[norm]}' and '{heading}'"), column=norm))
            else:
                used[norm] = label
        else:
            extra.append(label)
    # values to the right of the last heading: the row has more values than there are headings
    if last_named + 1 < len(headings) and len(body):
        spill = nonblank[:, last_named + 1:].any(axis=1)
        if spill.any():
            raw.spill = np.flatnonzero(spill)
            sub = body[raw.spill, last_named + 1:]
            first_filled = nonblank[raw.spill, last_named + 1:].argmax(axis=1)
            raw.spill_values = sub[np.arange(len(raw.spill)), first_filled]
    raw.cells = pd.DataFrame({label: body[:, i] for label, i in zip(labels, keep_cols, strict=True)},
                             index=pd.RangeIndex(len(body)), dtype=object)
    raw.rows = rows
    raw.columns = used
    raw.extra = extra
    for c in extra:
        raw.problems.append(FileProblem("RET-011", show(c), column=show(c)))
    missing = [c for c in required if c not in used]
    if missing:
        found = show(", ".join(h for h in headings if h) or "none", 160)
        for c in missing:
            raw.problems.append(FileProblem("RET-010", f"headings found: {found}", column=c))
    if not len(raw.cells) and not missing:
        raw.problems.append(FileProblem("RET-003", "column headings but no rows"))
    return raw


def _excel_letters(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:,.1f} MB"


def read_table(path: Path, rel: str, schema_columns: list[str], required: list[str],
               sheet_names: tuple[str, ...] = (), max_bytes: int | None = None) -> RawTable:
    """Read one file into a :class:`RawTable`; problems are recorded, never raised.

    A file larger than ``max_bytes`` is not read at all (rule RET-007): its size is checked first,
    so that a return many times larger than it should be cannot exhaust the memory or the time of a run.
    """
    raw = RawTable(path=path, rel=rel, cells=pd.DataFrame(), rows=np.zeros(0, dtype=np.int64), columns={}, extra=[])
    if path.is_dir():
        raw.problems.append(FileProblem("RET-001", "it is a folder, not a file: put the return itself in its place"))
        raw.readable = False
        return raw
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raw.problems.append(FileProblem(
                "RET-007", f"{_megabytes(size)}, above the limit of {_megabytes(max_bytes)} for this return"))
            raw.readable = False
            raw.bytes = size
            return raw
        data = path.read_bytes()
    except OSError as exc:
        raw.problems.append(FileProblem("RET-001", f"it cannot be opened ({exc.strerror or exc})"))
        raw.readable = False
        return raw
    raw.sha256 = hashlib.sha256(data).hexdigest()
    raw.bytes = len(data)
    suffix = path.suffix.lower()
    try:
        if suffix in OTHER_SPREADSHEETS or data.startswith(b"\xd0\xcf\x11\xe0"):
            raise _Unreadable("it is an old-style Excel (.xls) or other spreadsheet: save it as .xlsx or CSV (UTF-8)"
                              if suffix in (".xls",) or data.startswith(b"\xd0\xcf\x11\xe0")
                              else f"{suffix} files are not read: save it as .xlsx or CSV (UTF-8)")
        if not data.strip():
            raw.problems.append(FileProblem("RET-002", "the file is empty (0 bytes)" if not data else "the file is blank"))
            raw.readable = False
            return raw
        if suffix in EXCEL_SUFFIXES or data.startswith(b"PK\x03\x04"):
            raw.fmt = "xlsx"
            grid, _sheet = _excel_grid(io.BytesIO(data), sheet_names)
            if suffix not in EXCEL_SUFFIXES:
                raw.problems.append(FileProblem("RET-004", f"an Excel workbook saved with a {suffix} name: read as Excel"))
        else:
            text, encoding = _decode(data)
            head = text[:200_000].decode("utf-8", errors="replace").splitlines()
            delim, _ = _sniff(head, set(schema_columns))
            if delim != ",":
                raw.problems.append(FileProblem("RET-004", f"separated by {_DELIMITER_NAMES[delim]}, not commas: read anyway"))
            grid = _csv_grid(text, delim)
    except _Unreadable as exc:
        raw.problems.append(FileProblem("RET-001", exc.why))
        raw.readable = False
        return raw
    except MemoryError:
        raw.problems.append(FileProblem("RET-001", "it is too large to read"))
        raw.readable = False
        return raw
    return _table_from_grid(raw, grid, schema_columns, required)
