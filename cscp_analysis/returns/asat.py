"""The extract and the registers as they stood at a period end.

The extract and the registers are cumulative: the files hold everything up to the latest quarter,
and an evidence pack for an earlier quarter must see only what was known at its end. For each
table (declared in ``schemas.py``, written out in ``docs/data_returns.md``):

* a row whose ``starts`` date is after the period end has not happened yet and is left out;
* each ``Pending`` date after the period end is blanked, with what is only known once it has
  happened (an assessment authorised after the period end is open, without factors or outcome; an
  LADO allegation concluded after it is ``ongoing``; an action completed after it is ``open``);
* special cases (``as_at_note``): children are kept when a kept row refers to them (or, if nothing
  refers to them, when born by the period end); a self-assessment round that starts after the period
  end is left out; a training follow-up answer is blanked for sessions less than 91 days before it.

Dates are compared with the period end as a calendar day: an event on the last day counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..periods import Period
from .schemas import SCHEMAS, Schema

__all__ = ["as_at", "as_at_all", "FOLLOW_UP_DAYS"]

FOLLOW_UP_DAYS = 91


def _blank(df: pd.DataFrame, col: str, mask: np.ndarray) -> None:
    if not mask.any():
        return
    if pd.api.types.is_datetime64_any_dtype(df[col]):
        df.loc[mask, col] = pd.NaT
    elif isinstance(df[col].dtype, pd.Int64Dtype):
        df.loc[mask, col] = pd.NA
    else:
        df.loc[mask, col] = np.nan


def as_at(schema: Schema, df: pd.DataFrame, period: Period) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows of ``df`` as at the end of ``period`` and the mask of rows left out (relative to ``df``)."""
    end = pd.Timestamp(period.end)
    out_mask = np.zeros(len(df), dtype=bool)
    if schema.starts:
        out_mask |= (df[schema.starts] > end).fillna(False).to_numpy(dtype=bool)
    if schema.name == "self_assessments":
        out_mask |= _round_after(df, end)
    kept = df[~out_mask].copy()
    for p in schema.pending:
        later = (kept[p.date] > end).fillna(False).to_numpy(dtype=bool)
        if not later.any():
            continue
        _blank(kept, p.date, later)
        for c in p.blank:
            _blank(kept, c, later)
        for c, v in p.reset:
            kept.loc[later, c] = v
    if schema.name == "training_evaluation":
        recent = (kept["session_date"] > end - pd.Timedelta(days=FOLLOW_UP_DAYS)).fillna(False).to_numpy(dtype=bool)
        _blank(kept, "changed_practice", recent)
    return kept, out_mask


def _round_after(df: pd.DataFrame, end: pd.Timestamp) -> np.ndarray:
    first_year = pd.to_numeric(df["round"].str.extract(r"^(\d{4})")[0], errors="coerce")
    month = np.where(df["framework"].to_numpy(dtype=object) == "S175", 9, 4)
    start = pd.to_datetime(pd.DataFrame({"year": first_year.fillna(1900), "month": month, "day": 1}), errors="coerce")
    return ((start > end) & first_year.notna()).to_numpy(dtype=bool)


def as_at_all(accepted: dict[str, pd.DataFrame], period: Period) -> tuple[dict[str, pd.DataFrame], dict[str, np.ndarray]]:
    """Every table of ``accepted`` as at the end of ``period``; with the mask of rows left out of each."""
    out: dict[str, pd.DataFrame] = {}
    left: dict[str, np.ndarray] = {}
    for name, df in accepted.items():
        schema = SCHEMAS[name]
        if schema.scope not in ("extract", "register") or name == "children":
            continue
        out[name], left[name] = as_at(schema, df, period)
    if "children" in accepted:
        ch = accepted["children"]
        end = pd.Timestamp(period.end)
        names = [n for n in accepted if n != "children" and SCHEMAS[n].scope == "extract" and "child_id" in accepted[n]]
        refs = np.concatenate([accepted[n]["child_id"].to_numpy(dtype=object) for n in names]) if names else np.zeros(0, object)
        kept = np.concatenate([~left[n] for n in names]) if names else np.zeros(0, bool)
        pos = pd.Index(ch["child_id"].to_numpy(dtype=object)).get_indexer(refs)  # one look-up for every reference
        referenced_ever = np.zeros(len(ch), dtype=bool)
        referenced_now = np.zeros(len(ch), dtype=bool)
        referenced_ever[pos[pos >= 0]] = True
        referenced_now[pos[(pos >= 0) & kept]] = True
        born = (ch["date_of_birth"] <= end).fillna(False).to_numpy(dtype=bool)
        keep = referenced_now | (~referenced_ever & born)
        out["children"], left["children"] = ch[keep].copy(), ~keep
    return out, left
