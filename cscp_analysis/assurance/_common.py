"""Helpers shared by the assurance modules: windows of time, the period end, tables and percentages.

Every assurance function is pure: DataFrames and a period in, DataFrames out. Nothing reads the
clock; "as at" always means the period end. The loader already returns each register as at the
period end (``cscp_analysis.returns``); the functions here still treat any date after the period end
as "not happened yet", so that a register passed in straight from a file gives the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ..periods import Period, parse_period

__all__ = [
    "QUARTER",
    "ROLLING",
    "TO_DATE",
    "WINDOWS",
    "period_end",
    "window",
    "in_window",
    "happened",
    "percent",
    "tables_of",
    "split_list",
    "needs_columns",
]

QUARTER = "quarter"
ROLLING = "rolling_12_months"
TO_DATE = "to_date"
WINDOWS = {
    QUARTER: "the quarter",
    ROLLING: "the twelve months to the period end",
    TO_DATE: "everything recorded up to the period end",
}


def period_end(period: str | Period) -> pd.Timestamp:
    """The last day of the period as a timestamp (midnight; dates carry no time)."""
    return pd.Timestamp(parse_period(period).end)


def window(period: str | Period, kind: str = QUARTER) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day (inclusive) of a window ending at the period end.

    ``quarter``: the three months of the period; ``rolling_12_months``: the four quarters ending with
    it; ``to_date``: from the earliest possible date to the period end.
    """
    p = parse_period(period)
    if kind == QUARTER:
        return pd.Timestamp(p.start), pd.Timestamp(p.end)
    if kind == ROLLING:
        a, b = p.rolling_twelve_months()
        return pd.Timestamp(a), pd.Timestamp(b)
    if kind == TO_DATE:
        return pd.Timestamp("1900-01-01"), pd.Timestamp(p.end)
    raise ValueError(f"window {kind!r} is not one of {', '.join(WINDOWS)}")


def _dates(values) -> pd.Series:
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    return pd.to_datetime(s, errors="coerce").dt.normalize()


def in_window(dates, period: str | Period, kind: str = QUARTER) -> pd.Series:
    """Boolean mask: the date falls in the window (blank dates are outside)."""
    a, b = window(period, kind)
    d = _dates(dates)
    return (d >= a) & (d <= b)


def happened(dates, period: str | Period) -> pd.Series:
    """Boolean mask: the date is filled in and on or before the period end (as at the period end)."""
    d = _dates(dates)
    return d.notna() & (d <= period_end(period))


def as_at_date(dates, period: str | Period) -> pd.Series:
    """The date where it has happened by the period end, else NaT."""
    d = _dates(dates)
    return d.where(happened(d, period))


def percent(numerator, denominator) -> np.ndarray:
    """100 × numerator / denominator, NaN where the denominator is 0 or missing."""
    num = np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(numerator)), errors="coerce"), dtype=float)
    den = np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(denominator)), errors="coerce"), dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den > 0, 100.0 * num / np.where(den > 0, den, 1.0), np.nan)
    return out


def tables_of(returns_or_tables) -> Mapping[str, pd.DataFrame]:
    """The dictionary of tables from a ``Returns`` object (``.tables``) or a plain mapping."""
    tables = getattr(returns_or_tables, "tables", returns_or_tables)
    if not isinstance(tables, Mapping):
        raise TypeError("expected a Returns object (with .tables) or a mapping of table name to DataFrame")
    return tables


def split_list(values: pd.Series, sep: str = ";") -> pd.Series:
    """Explode a ';'-separated text column into one stripped, non-empty item per row (index kept)."""
    s = values.astype("string").str.split(sep).explode().str.strip()
    return s[s.notna() & (s != "")]


def needs_columns(df: pd.DataFrame, columns: Iterable[str], table: str) -> None:
    """Raise a ValueError naming the table and the missing columns."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{table}: missing column(s) {', '.join(missing)}")


_COMMON_WORDS = {"children", "people", "family", "families", "safeguarding", "partnership", "practice", "service",
                 "services", "protecting", "through", "within"}


def priority_for(text: str, config=None) -> str:
    """The partnership priority whose title shares a distinctive word (6+ letters) with ``text``, else "".

    For example the theme "Neglect" matches "Tackling neglect" and "Child criminal exploitation"
    matches "Protecting children from exploitation and harm outside the home".
    """
    priorities = getattr(config, "priorities", None) or {}
    words = {w for w in "".join(c.lower() if c.isalpha() else " " for c in str(text)).split() if len(w) >= 6}
    words -= _COMMON_WORDS
    for pid, title in sorted(priorities.items()):
        title_words = set("".join(c.lower() if c.isalpha() else " " for c in title).split())
        if words & title_words:
            return pid
    return ""


# --- helpers of the registers added for the arrangements' other evidence -------------------------------


def register(returns_or_tables, name: str) -> pd.DataFrame | None:
    """A register as the section may use it, or None when it was not supplied or validation blocked it.

    The loader keeps an empty table for a register that was not received and records why a register
    cannot be used (``Returns.blocked_reason``); both mean the section must say the register is missing.
    """
    tables = tables_of(returns_or_tables)
    df = tables.get(name)
    reason = getattr(returns_or_tables, "blocked_reason", None)
    if df is None or (callable(reason) and reason(table=name)):
        return None
    return df


def agency_label(code, config=None) -> str:
    """An agency as a reader knows it: the configured name, else the code in words (``EARLY_YEARS`` -> Early years)."""
    names = getattr(config, "agencies", None) or {}
    if code in names:
        return str(names[code])
    return str(code).replace("_", " ").capitalize() if str(code).isupper() else str(code)


def agency_labels(codes: pd.Series, config=None) -> pd.Series:
    """:func:`agency_label` for a column (vectorised over the distinct codes)."""
    uniq = pd.unique(codes.astype("string").fillna(""))
    return codes.astype("string").fillna("").map({c: agency_label(c, config) for c in uniq})


def worded(df: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """The page's view of a published table: the columns in ``labels`` only, headed in words."""
    return df[[c for c in labels if c in df.columns]].rename(columns=dict(labels))


def missing_part(sec, *names: str) -> None:
    """Say in a section that some of its registers were not available (the rest of it is shown)."""
    from ..narrative import Finding

    which = ", ".join(register_words(n) for n in names)
    were = "s were" if len(names) > 1 else " was"
    sec.findings.append(Finding(
        "needs_to_happen", f"The {which} register{were} not available for {sec.period or 'this period'} (not received, "
        "or blocked by validation: see the data returns section), so this part of the evidence is missing.", sec.lens,
        "assurance", f"register {which}", rule="QA-00", weight=0.9))


REGISTER_WORDS = {
    "qa_visits": "quality-assurance visits", "qa_visit_actions": "quality-assurance visit actions",
    "stag_attendance": "STAG attendance", "stag_issues": "STAG issues", "staff_survey": "staff survey",
    "training_needs": "training needs analysis", "training_attendance": "training attendance",
    "contract_monitoring": "contract monitoring", "voice_reach": "engagement reach",
    "you_said_we_did": "\"you said, we did\"", "professional_disagreements": "professional disagreements",
    "funding_contributions": "funding contributions", "funding_spend": "funding spend", "population": "population",
}


def register_words(name: str) -> str:
    """A register as a reader names it (``qa_visits`` -> "quality-assurance visits")."""
    return REGISTER_WORDS.get(name, name.replace("_", " "))


def missing_section(sec, *names: str):
    """``Section.missing`` with the registers named in words."""
    return sec.missing(*(register_words(n) for n in names))


def dates_words(a: pd.Timestamp, b: pd.Timestamp) -> str:
    """``1 July 2025 to 2 July 2026``."""
    from ..periods import day_words

    return f"{day_words(a.date())} to {day_words(b.date())}"


def states_set_aside(*registers: str):
    """A ``section(returns_or_tables, period, config=None, words=None)`` whose section says, once (after its
    introduction), how many rows of ``registers`` were set aside at validation, of how many, and why
    (``Returns.set_aside``: rejected rows few enough that the rest of the register was used).

    Nothing is said when the section was given plain tables, or when nothing was set aside.
    """
    import functools

    def wrap(fn):
        @functools.wraps(fn)
        def section(returns_or_tables, *args, **kw):
            from ..returns.page_notes import set_aside_note

            sec = fn(returns_or_tables, *args, **kw)
            note = set_aside_note(returns_or_tables, registers)
            if note:
                sec.intro = f"{sec.intro}\n\n{note}" if sec.intro else note
            return sec

        section.registers = registers
        return section

    return wrap
