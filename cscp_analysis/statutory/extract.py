"""What an importer produces, and how it is written: the extract, its reconciliation and provenance.

An importer returns an :class:`Extract`: the children's social care tables it could build (columns of
``returns/schemas.py``), how many source records fed each table, the records it set aside with the
reason, where each column came from (or why no source gave it), the files it read, and warnings
about the files' layout. :func:`write_extract` writes it into a folder::

    children.csv, referrals.csv, ...   the tables the sources supply (a table no source supplies is not
                                       written: an empty file would claim that there were no records)
    import_report.csv                  table, read, written, set_aside (read = written + set_aside)
    rejected/<table>.csv               each record set aside: source, location, reason, its values
    sources.csv                        table, column, supplied_by, coverage (all, part, none), note
    import_files.csv                   each file read: its kind, what it is, each part and its records
    import_warnings.csv                file, path, problem, count, example (only when there are some)

:func:`missing_fields` reads ``sources.csv`` back: what no source supplied, in a sentence that says
which source would.
"""

from __future__ import annotations

import csv
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..returns.schemas import CSC_TABLES, SCHEMAS
from .values import iso

__all__ = ["Extract", "Field", "write_extract", "missing_fields", "REPORT_COLUMNS", "OUTPUT_FILES"]

REPORT_COLUMNS = ["table", "read", "written", "set_aside"]
SOURCES_COLUMNS = ["table", "column", "supplied_by", "coverage", "note"]
FILES_COLUMNS = ["file", "kind", "detail", "part", "records", "used_for"]
WARNING_COLUMNS = ["file", "path", "problem", "count", "example"]
OUTPUT_FILES = ("import_report.csv", "sources.csv", "import_files.csv", "import_warnings.csv", "rejected")
CHUNK = 200_000


@dataclass
class Field:
    """Where one column of the extract came from: ``supplied_by`` (blank when no source gave it),
    ``coverage`` (``all``, ``part`` of the records, or ``none``) and a sentence for the reader."""

    supplied_by: str
    coverage: str = "all"
    note: str = ""


@dataclass
class Extract:
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    read: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, list[pd.DataFrame]] = field(default_factory=dict)
    fields: dict[tuple[str, str], Field] = field(default_factory=dict)
    absent: dict[str, str] = field(default_factory=dict)  # table -> why no source supplies it
    files: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    # tables already written in parts (a large file read in parallel): CSV files with a heading line each
    parts: dict[str, list[Path]] = field(default_factory=dict)
    part_rows: dict[str, int] = field(default_factory=dict)

    def set_aside(self, table: str, frame: pd.DataFrame) -> None:
        """Records of ``table`` set aside: ``frame`` has ``source``, ``location``, ``reason`` and values."""
        if len(frame):
            self.rejected.setdefault(table, []).append(frame.reset_index(drop=True))

    def n_set_aside(self, table: str) -> int:
        return int(sum(len(f) for f in self.rejected.get(table, [])))

    def warn(self, file: str, path: str, problem: str, count: int, example: str = "") -> None:
        if count:
            self.warnings.append({"file": file, "path": path, "problem": problem, "count": int(count),
                                  "example": example})

    def report(self) -> pd.DataFrame:
        """One row per table supplied: read, written, set aside (read = written + set aside)."""
        rows = []
        for name in CSC_TABLES:
            if name not in self.tables and name not in self.read and name not in self.parts:
                continue
            written = len(self.tables[name]) if name in self.tables else self.part_rows.get(name, 0)
            rows.append({"table": name, "read": int(self.read.get(name, written)), "written": written,
                         "set_aside": self.n_set_aside(name)})
        return pd.DataFrame(rows, columns=REPORT_COLUMNS)

    def check(self) -> None:
        """The reconciliation holds for every table (a failure here is a bug, never a file's fault)."""
        rep = self.report()
        bad = rep[rep["read"] != rep["written"] + rep["set_aside"]]
        if len(bad):
            raise AssertionError("import does not reconcile: " + bad.to_string(index=False))

    def sources_table(self) -> pd.DataFrame:
        rows = []
        for name in CSC_TABLES:
            for col in SCHEMAS[name].columns:
                f = self.fields.get((name, col.name))
                if f is None:
                    why = self.absent.get(name) or "no source supplied this column"
                    f = Field("", "none", why)
                rows.append({"table": name, "column": col.name, "supplied_by": f.supplied_by, "coverage": f.coverage,
                             "note": f.note})
        return pd.DataFrame(rows, columns=SOURCES_COLUMNS)


# --- writing -----------------------------------------------------------------------------------------


def _text(col: pd.Series) -> np.ndarray:
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        return iso(col.to_numpy(dtype="datetime64[D]"))
    arr = col.to_numpy(dtype=object)
    missing = pd.isna(arr)
    if missing.any():
        arr = arr.copy()
        arr[missing] = ""
    return arr.astype(str).astype(object)


def write_csv(path: Path, frame: pd.DataFrame) -> int:
    """``frame`` as UTF-8 CSV with ``\\n`` line ends, ISO dates and blanks empty, written in chunks."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(frame.columns) + "\n")
        n = len(frame)
        for start in range(0, n, CHUNK):
            part = frame.iloc[start:start + CHUNK]
            cols = [_text(part[c]).tolist() for c in part.columns]
            text = "\n".join(map(",".join, zip(*cols, strict=True))) + "\n"
            rows = len(cols[0])
            if text.count(",") == rows * (len(cols) - 1) and text.count("\n") == rows and '"' not in text \
                    and "\r" not in text:
                fh.write(text)
            else:
                csv.writer(fh, lineterminator="\n").writerows(zip(*cols, strict=True))
    return len(frame)


def write_table(path: Path, name: str, df: pd.DataFrame) -> int:
    """Table ``name`` of the extract in the schema's columns (a column the source lacks: blank)."""
    cols = {c: (df[c] if c in df.columns else pd.Series([""] * len(df), index=df.index, dtype=object))
            for c in SCHEMAS[name].column_names}
    return write_csv(path, pd.DataFrame(cols))


def _private_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(path, 0o700)
    except OSError:  # pragma: no cover - a file system without modes
        pass


def _clear(out: Path) -> None:
    for name in [f"{t}.csv" for t in CSC_TABLES] + list(OUTPUT_FILES):
        p = out / name
        if p.is_dir():
            for q in p.iterdir():
                q.unlink()
            p.rmdir()
        elif p.exists():
            p.unlink()


def write_extract(extract: Extract, out_dir, force: bool = False) -> pd.DataFrame:
    """Write ``extract`` into ``out_dir`` (see the module docstring); returns the import report.

    A folder that already holds files is refused unless ``force``, which replaces only the files an
    import writes. Folders are created private (mode 0700): they hold child-level records.
    """
    extract.check()
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out} exists and is not a folder")
    if out.exists() and any(out.iterdir()):
        if not force:
            raise FileExistsError(f"{out} is not empty; choose an empty folder or use --force to replace an earlier import")
        _clear(out)
    _private_dir(out)
    for name in CSC_TABLES:
        if name in extract.tables:
            write_table(out / f"{name}.csv", name, extract.tables[name])
        elif name in extract.parts:
            with open(out / f"{name}.csv", "wb") as fh:
                fh.write((",".join(SCHEMAS[name].column_names) + "\n").encode("utf-8"))
                for part in extract.parts[name]:
                    with open(part, "rb") as src:
                        src.readline()  # each part's heading line
                        shutil.copyfileobj(src, fh, 1 << 22)
    report = extract.report()
    write_csv(out / "import_report.csv", report)
    write_csv(out / "sources.csv", extract.sources_table())
    write_csv(out / "import_files.csv", pd.DataFrame(extract.files, columns=FILES_COLUMNS))
    if extract.warnings:
        w = pd.DataFrame(extract.warnings, columns=WARNING_COLUMNS)
        w = w.groupby(["file", "path", "problem"], sort=True, as_index=False).agg(count=("count", "sum"),
                                                                                example=("example", "first"))
        write_csv(out / "import_warnings.csv", w[WARNING_COLUMNS])
    if extract.rejected:
        _private_dir(out / "rejected")
        for name, frames in sorted(extract.rejected.items()):
            write_csv(out / "rejected" / f"{name}.csv", pd.concat(frames, ignore_index=True).fillna(""))
    return report


def missing_fields(extract_dir) -> dict[str, str]:
    """``{"table.column": sentence}`` for every column of the extract that no source supplied in full,
    read from ``sources.csv`` of an import: e.g. ``{"section47.strategy_discussion_date": "the CIN census
    does not record the strategy discussion date; supply Annex A List 5"}``.

    An indicator computed from such a column is not published; the sentence says why and what would
    make it publishable. A folder without ``sources.csv`` (an extract built by hand) gives ``{}``.
    """
    path = Path(extract_dir) / "sources.csv"
    if not path.is_file():
        return {}
    s = pd.read_csv(path, dtype=str, keep_default_na=False)
    gap = s[s["coverage"] != "all"]
    return {f"{t}.{c}": n for t, c, n in zip(gap["table"], gap["column"], gap["note"], strict=True)}
