"""Rules of the children's social care extract that look across its tables.

A child's journey runs referral -> assessment -> strategy discussion and section 47 enquiry ->
initial child protection conference -> child protection plan, and separately period of care ->
placements. Each row is compared with its parent row among the parent table's *accepted* rows (a
row whose parent was rejected is already rejected by RET-041).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..periods import age_at
from .registry import ERROR, WARNING, Hits, rule
from .table import Context, Table


def _parent(t: Table, ctx: Context, parent: str, key: str, cols: list[str], child_key: str | None = None) -> pd.DataFrame | None:
    """The parent row's ``cols`` for each row of ``t`` (NaN where there is no accepted parent)."""
    pos = ctx.parent_rows(t, child_key or key, parent, key)
    if pos is None:
        return None
    acc = ctx.accepted[parent]
    missing = pos < 0
    out = {}
    for c in cols:  # take by position; NaT/NaN (never a wrong value) where there is no parent
        col = acc[c]
        taken = col.iloc[np.maximum(pos, 0)].reset_index(drop=True) if len(acc) else \
            pd.Series(np.full(len(pos), None), dtype=col.dtype)
        out[c] = taken.where(~missing) if len(acc) else taken
    found = pd.DataFrame(out)
    found.index = t.data.index
    return found


def _days(s: pd.Series) -> np.ndarray:
    return s.dt.strftime("%Y-%m-%d").to_numpy(dtype=object)


def _before(t: Table, col: str, other: pd.Series, label: str) -> Hits | None:
    mine = t.data[col]
    bad = (mine < other).fillna(False).to_numpy(dtype=bool)
    if not bad.any():
        return None
    vals = [f"{a} is before the {label} {b}" for a, b in zip(_days(mine[bad]), _days(other[bad]), strict=False)]
    return Hits(np.flatnonzero(bad), col, np.array(vals, dtype=object))


@rule("CSC-001", table="assessments", field="assessment_start", severity=ERROR)
def assessment_after_referral(t: Table, ctx: Context):
    """An assessment starts on or after the date of the referral it belongs to."""
    p = _parent(t, ctx, "referrals", "referral_id", ["referral_date"])
    return None if p is None else _before(t, "assessment_start", p["referral_date"], "referral_date")


@rule("CSC-002", table="section47", field="strategy_discussion_date", severity=ERROR)
def strategy_after_referral(t: Table, ctx: Context):
    """A strategy discussion is held on or after the date of the referral it belongs to."""
    p = _parent(t, ctx, "referrals", "referral_id", ["referral_date"])
    return None if p is None else _before(t, "strategy_discussion_date", p["referral_date"], "referral_date")


@rule("CSC-003", table="icpc", field="icpc_date", severity=ERROR)
def icpc_after_s47(t: Table, ctx: Context):
    """An initial child protection conference is held on or after the start of its section 47 enquiry."""
    p = _parent(t, ctx, "section47", "s47_id", ["s47_start"])
    return None if p is None else _before(t, "icpc_date", p["s47_start"], "s47_start")


@rule("CSC-004", table="cp_plans", field="plan_start", severity=ERROR)
def plan_after_icpc(t: Table, ctx: Context):
    """A child protection plan starts on or after the conference that made it."""
    p = _parent(t, ctx, "icpc", "icpc_id", ["icpc_date"])
    return None if p is None else _before(t, "plan_start", p["icpc_date"], "icpc_date")


@rule("CSC-005", table="cla_placements", field="placement_start", severity=ERROR)
def placement_within_care(t: Table, ctx: Context):
    """A placement starts within its period of care (on or after cla_start, and not after cla_end)."""
    p = _parent(t, ctx, "cla_periods", "cla_id", ["cla_start", "cla_end"])
    if p is None:
        return None
    out = []
    early = _before(t, "placement_start", p["cla_start"], "cla_start")
    if early:
        out.append(early)
    start = t.data["placement_start"]
    late = (start > p["cla_end"]).fillna(False).to_numpy(dtype=bool)
    if late.any():
        vals = [f"{a} is after the cla_end {b}" for a, b in zip(_days(start[late]), _days(p["cla_end"][late]), strict=False)]
        out.append(Hits(np.flatnonzero(late), "placement_start", np.array(vals, dtype=object)))
    return out


_PARENT_OF = {
    "assessments": ("referrals", "referral_id"),
    "section47": ("referrals", "referral_id"),
    "icpc": ("section47", "s47_id"),
    "cp_plans": ("icpc", "icpc_id"),
    "cla_placements": ("cla_periods", "cla_id"),
}


@rule("CSC-006", table=tuple(_PARENT_OF), field="child_id", severity=ERROR)
def same_child_as_parent(t: Table, ctx: Context):
    """A row is about the same child as its parent row (e.g. an assessment and its referral have the same child_id)."""
    parent, key = _PARENT_OF[t.name]
    p = _parent(t, ctx, parent, key, ["child_id"])
    if p is None:
        return None
    mine = t.data["child_id"]
    theirs = p["child_id"]
    bad = (mine.notna() & theirs.notna() & (mine != theirs)).to_numpy(dtype=bool)
    if not bad.any():
        return None
    vals = [f"{a}, but {key} {i} is about {b}" for a, i, b in
            zip(mine[bad].to_numpy(dtype=object), t.data[key][bad].to_numpy(dtype=object), theirs[bad].to_numpy(dtype=object), strict=False)]
    return Hits(np.flatnonzero(bad), "child_id", np.array(vals, dtype=object))


@rule("CSC-007", table="referrals", field="referral_date", severity=WARNING)
def referred_under_18(t: Table, ctx: Context):
    """A child is under 18 on the date of the referral (check the date of birth or the referral date)."""
    p = _parent(t, ctx, "children", "child_id", ["date_of_birth"])
    if p is None:
        return None
    dob = p["date_of_birth"]
    known = (dob.notna() & t.data["referral_date"].notna()).to_numpy()
    if not known.any():
        return None
    age = np.full(len(t), np.nan)
    age[known] = age_at(dob[known].to_numpy(), t.data["referral_date"][known].to_numpy())
    bad = known & (age >= 18)
    if not bad.any():
        return None
    vals = [f"{d}: aged {int(a)} (born {b})" for d, a, b in
            zip(_days(t.data["referral_date"][bad]), age[bad], _days(dob[bad]), strict=False)]
    return Hits(np.flatnonzero(bad), "referral_date", np.array(vals, dtype=object))


PREGNANCY = pd.Timedelta(weeks=40)


@rule("CSC-008", table="referrals", field="referral_date", severity=ERROR)
def referral_not_long_before_birth(t: Table, ctx: Context):
    """A referral is dated no more than 40 weeks before the child's date of birth.

    An unborn child may be referred during the pregnancy (a pre-birth referral), so a referral up
    to 40 weeks before the date of birth is valid; an earlier one is a mistake in one of the two
    dates, and would count a referral for a child who was not yet conceived.
    """
    p = _parent(t, ctx, "children", "child_id", ["date_of_birth"])
    if p is None:
        return None
    dob = p["date_of_birth"]
    earliest = dob - PREGNANCY
    bad = (t.data["referral_date"] < earliest).fillna(False).to_numpy(dtype=bool)
    if not bad.any():
        return None
    weeks = ((dob[bad] - t.data["referral_date"][bad]).dt.days // 7).to_numpy()
    vals = [f"{d}: {int(w)} weeks before the child's birth on {b}" for d, w, b in
            zip(_days(t.data["referral_date"][bad]), weeks, _days(dob[bad]), strict=False)]
    return Hits(np.flatnonzero(bad), "referral_date", np.array(vals, dtype=object))
