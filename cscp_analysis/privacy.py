"""The privacy scan every pack passes before it is published.

Two checks, over every file the pack would publish (HTML, notebooks, CSV, SVG, text, JSON):

1. **No child identifier or date of birth from the inputs.** Every identifier of the record-level
   extract (child, referral, assessment, enquiry, conference, plan, period of care, placement,
   missing episode), every audited case reference and every child-death review identifier is looked
   for as a whole token; every child's date of birth is looked for as an ISO date (``2014-05-03``) or
   a UK date (``03/05/2014``). A date of birth that is also a date the pack legitimately shows (a
   quarter's first or last day, a date in the partnership's registers or partners' returns) is not
   evidence of a leak and is ignored; a papermill timestamp (``2026-11-23T…``) is not a date of birth.
2. **No unsuppressed small count in a published table.** In every ``tables/*.csv``, the columns
   declared as counts when the table was written (``Pack.table(count_columns=...)``), and any
   column called ``numerator``, ``denominator`` or ``children``, must hold no number from 1 to the
   suppression threshold.

The pipeline runs the scan after the notebooks and before the pack is moved into place: a finding
fails the run, so a leaky pack is never published.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .evidence import CatalogueEntry

__all__ = ["PrivacyFinding", "scan_pack", "sensitive_tokens", "COUNT_COLUMN_NAMES"]

COUNT_COLUMN_NAMES = {"numerator", "denominator", "children"}
TEXT_SUFFIXES = {".html", ".ipynb", ".csv", ".svg", ".txt", ".json", ".md"}
# identifier columns of tables about individual children or cases
_ID_COLUMNS = {
    "children": ["child_id"],
    "referrals": ["referral_id", "child_id"],
    "assessments": ["assessment_id", "child_id"],
    "section47": ["s47_id", "child_id"],
    "icpc": ["icpc_id", "child_id"],
    "cp_plans": ["plan_id", "child_id"],
    "cla_periods": ["cla_id", "child_id"],
    "cla_placements": ["placement_id", "child_id"],
    "missing_episodes": ["missing_id", "child_id"],
    "audits": ["case_ref"],
    "child_deaths": ["review_id"],
    "reviews": ["review_id"],
    "lado": ["allegation_id"],
}
_MIN_ID_LENGTH = 5  # shorter values (e.g. "12") are too common in any document to mean a child
_TOKEN = re.compile(r"[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*")
_ISO_DATE = re.compile(r"(?<![\d-])(\d{4}-\d{2}-\d{2})(?![\dT:])")
_UK_DATE = re.compile(r"(?<![\d/])(\d{2}/\d{2}/\d{4})(?![\d/])")


@dataclass(frozen=True)
class PrivacyFinding:
    file: str
    what: str
    detail: str

    def __str__(self) -> str:
        return f"{self.file}: {self.what} ({self.detail})"


def _dates_in(df: pd.DataFrame) -> set[str]:
    out: set[str] = set()
    for col in df.columns:
        if pd.api.types.is_datetime64_any_dtype(df[col]):
            out.update(df[col].dropna().dt.strftime("%Y-%m-%d").unique().tolist())
    return out


def sensitive_tokens(tables: dict[str, pd.DataFrame], periods: Iterable = ()) -> tuple[set[str], set[str]]:
    """(identifiers, dates of birth) to look for, from the loaded returns' tables."""
    ids: set[str] = set()
    for table, cols in _ID_COLUMNS.items():
        df = tables.get(table)
        if df is None:
            continue
        for col in cols:
            if col in df.columns:
                vals = df[col].dropna().astype(str).unique()
                ids.update(v for v in vals if len(v) >= _MIN_ID_LENGTH)
    dobs: set[str] = set()
    children = tables.get("children")
    if children is not None and "date_of_birth" in children.columns:
        dob = pd.to_datetime(children["date_of_birth"], errors="coerce").dropna()
        dobs = set(dob.dt.strftime("%Y-%m-%d").unique().tolist())
    allowed: set[str] = set()
    child_level = set(_ID_COLUMNS) - {"audits", "child_deaths", "reviews", "lado"}
    for name, df in tables.items():
        if name not in child_level and isinstance(df, pd.DataFrame):
            allowed |= _dates_in(df)
    for p in periods:
        allowed.update({p.start.isoformat(), p.end.isoformat()})
    return ids, dobs - allowed


def _text_files(pack_dir: Path) -> list[Path]:
    return sorted(p for p in pack_dir.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES
                  and ".catalogue" not in p.parts)


_DATE_RUN = re.compile(r"[\d/-]{10,}")  # where a date can be: ten or more digits, slashes and hyphens in a row


def dates_written(text: str) -> tuple[set[str], set[str]]:
    """(ISO dates, UK dates) written in ``text``: what ``_ISO_DATE`` and ``_UK_DATE`` find in it.

    The two patterns look one character either side of a date, which makes them slow over megabytes of
    pages and charts (a second each on a quarter's pack). Every date lies inside a run of digits, slashes
    and hyphens (:data:`_DATE_RUN`), so they are applied only to each run with the character either side
    of it: the same dates, in a quarter of the time (``tests/test_privacy.py`` compares the two)."""
    iso: set[str] = set()
    uk: set[str] = set()
    for m in _DATE_RUN.finditer(text):
        window = text[max(m.start() - 1, 0): m.end() + 1]
        iso.update(_ISO_DATE.findall(window))
        uk.update(_UK_DATE.findall(window))
    return iso, uk


def _scan_text(path: Path, rel: str, ids: set[str], dobs: set[str]) -> list[PrivacyFinding]:
    text = path.read_text(encoding="utf-8", errors="replace")
    found: list[PrivacyFinding] = []
    if ids:
        hits = sorted(set(_TOKEN.findall(text)) & ids)
        if hits:
            found.append(PrivacyFinding(rel, "child or case identifier from the inputs",
                                        f"{len(hits)} found, e.g. {hits[0][:3]}…"))
    if dobs:
        iso, uk_dates = dates_written(text)
        uk = {f"{d[6:]}-{d[3:5]}-{d[:2]}" for d in uk_dates}
        hits = sorted((iso | uk) & dobs)
        if hits:
            found.append(PrivacyFinding(rel, "a child's date of birth from the inputs", f"{len(hits)} found"))
    return found


def _small_counts(path: Path, rel: str, declared: set[str], threshold: int,
                  skip_rows=()) -> list[PrivacyFinding]:
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError):
        return []
    found = []
    for col in df.columns:
        if col in declared or col.lower() in COUNT_COLUMN_NAMES:
            vals = pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)
            small = (vals >= 1) & (vals <= threshold) & (np.floor(vals) == vals)
            small[[i for i in skip_rows if 0 <= i < len(small)]] = False  # own work, in the board's pack
            if small.any():
                rows = (np.flatnonzero(small)[:3] + 2).tolist()  # file lines, header = line 1
                found.append(PrivacyFinding(rel, f"unsuppressed count from 1 to {threshold} in column {col!r}",
                                            f"lines {rows}"))
    return found


def scan_pack(pack_dir: str | Path, tables: dict[str, pd.DataFrame], threshold: int,
              catalogue: list[CatalogueEntry] = (), periods: Iterable = (),
              audience: str = "public") -> list[PrivacyFinding]:
    """Every privacy problem in the pack (an empty list when it is safe to publish).

    Tables the catalogue marks as the partnership's own work (``extra["own_work"]``) keep their small
    counts in the board's pack; in a public pack such a mark is itself a finding."""
    pack_dir = Path(pack_dir)
    ids, dobs = sensitive_tokens(tables, periods)
    declared: dict[str, set[str]] = {}
    limits: dict[str, int] = {}
    as_they_are: dict[str, object] = {}  # file -> True (every row) or the row positions shown as they are
    findings: list[PrivacyFinding] = []
    for e in catalogue:
        cols = set((e.extra or {}).get("count_columns", []))
        own = (e.extra or {}).get("own_work")
        for f in e.files:
            if own and f.endswith(".csv"):
                if audience == "board":
                    as_they_are[f] = own
                else:
                    findings.append(PrivacyFinding(f, "counts of the partnership's own work shown as they are "
                                                      "in a public pack", "publish it for the board only"))
            if f.endswith(".csv"):
                declared.setdefault(f, set()).update(cols)
                limits[f] = max(limits.get(f, threshold), int((e.extra or {}).get("threshold", threshold)))
    for path in _text_files(pack_dir):
        rel = path.relative_to(pack_dir).as_posix()
        findings += _scan_text(path, rel, ids, dobs)
        if rel.startswith("tables/") and path.suffix == ".csv" and as_they_are.get(rel) is not True:
            findings += _small_counts(path, rel, declared.get(rel, set()), limits.get(rel, threshold),
                                      skip_rows=as_they_are.get(rel) or ())
    return findings
