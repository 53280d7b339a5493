"""Rules of the partnership's registers (assurance) and of the population table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import codes as C
from .registry import ERROR, WARNING, Hits, rule
from .table import Context, Table


def _status_vs_date(t: Table, status_col: str, open_value: str, date_col: str, shown_open: str):
    """Rows where the status says open but a date is given, or says closed with no date."""
    st = t.text[status_col]
    has_date = t.data[date_col].notna().to_numpy() | t.bad[date_col]
    is_open = (st == open_value).fillna(False).to_numpy(dtype=bool)
    closed = st.notna().to_numpy() & ~is_open
    bad = (is_open & has_date) | (closed & ~has_date)
    if not bad.any():
        return None
    vals = np.where(is_open[bad], f"{shown_open} with a {date_col}", "")
    vals = np.array([v or f"{s} with no {date_col}" for v, s in zip(vals, st[bad].to_numpy(dtype=object), strict=False)], dtype=object)
    return Hits(np.flatnonzero(bad), status_col, vals)


@rule("REG-001", table="lado", field="outcome", severity=ERROR)
def lado_outcome_and_conclusion(t: Table, ctx: Context):
    """An allegation's outcome is 'ongoing' exactly when it has no date_concluded."""
    return _status_vs_date(t, "outcome", "ongoing", "date_concluded", "ongoing")


@rule("REG-002", table="actions", field="status", severity=ERROR)
def action_status_and_completion(t: Table, ctx: Context):
    """An action is 'complete' exactly when it has a completed_date (an open action has none)."""
    return _status_vs_date(t, "status", "open", "completed_date", "open")


@rule("REG-003", table="self_assessments", field="rating", severity=WARNING)
def self_assessment_submitted(t: Table, ctx: Context):
    """A self-assessment is rated 'not_submitted' exactly when it has no submitted_date."""
    return _status_vs_date(t, "rating", "not_submitted", "submitted_date", "not_submitted")


@rule("REG-004", table="reviews", field="decision", severity=WARNING)
def lcspr_dates_need_lcspr(t: Table, ctx: Context):
    """Only a review decided as a local child safeguarding practice review (LCSPR) has LCSPR dates."""
    has = np.zeros(len(t), dtype=bool)
    for c in ("lcspr_commissioned_date", "lcspr_due_date", "lcspr_published_date"):
        has |= t.data[c].notna().to_numpy()
    dec = t.text["decision"]
    bad = has & dec.notna().to_numpy() & (dec != "LCSPR").to_numpy(dtype=bool)
    if not bad.any():
        return None
    return Hits(np.flatnonzero(bad), "decision",
                np.array([f"{d} with LCSPR dates" for d in dec[bad].to_numpy(dtype=object)], dtype=object))


@rule("POP-001", table="population", severity=WARNING)
def population_complete(t: Table, ctx: Context):
    """The population has a row for every age from 0 to 17, sex (M, F) and ethnicity in each year it covers.

    A missing cell is taken as no children, which would overstate rates for that group.
    """
    d = t.data.dropna(subset=["year", "age", "sex", "ethnicity"])
    if d.empty:
        return None
    years = sorted(int(y) for y in d["year"].unique())
    full = pd.MultiIndex.from_product([years, range(18), ["M", "F"], list(C.ETHNICITY_CODES)],
                                      names=["year", "age", "sex", "ethnicity"])
    have = pd.MultiIndex.from_arrays([d["year"].astype("int64"), d["age"].astype("int64"), d["sex"], d["ethnicity"]])
    missing = full[~full.isin(have)]
    # REFU and NOBT are not population groups: the census has no such category
    missing = missing[~missing.get_level_values("ethnicity").isin(C.UNKNOWN_ETHNICITY)]
    if not len(missing):
        return None
    by_year = pd.Series(1, index=missing).groupby(level="year").sum()
    return [Hits(None, "", f"{n} of the year-age-sex-ethnicity cells of {y} are missing", file=0)
            for y, n in by_year.items()]
