"""Rules generated from the schemas: types, blanks, codes, ranges, keys, parents and date order.

Each applies to every table (or every table of a scope) and to each column the schema marks, so a
new column in ``schemas.py`` is checked without writing a rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .registry import ERROR, Hits, rule
from .table import Context, Table

EARLIEST_DATE = pd.Timestamp("1990-01-01")


def _fmt_dates(s: pd.Series) -> pd.Series:
    return s.dt.strftime("%Y-%m-%d")


def _allowed(col, ctx: Context) -> tuple[str, ...] | None:
    if col.codes is not None:
        return tuple(col.codes)
    if col.codes_from:
        return ctx.config.code_list(col.codes_from)
    return None


@rule("RET-013", table="*", severity=ERROR)
def values_beyond_headings(t: Table, ctx: Context):
    """The row has no more values than the file has column headings.

    Usually a comma inside a value that is not in quotation marks, which shifts the row's values
    into the wrong columns; the value shown is the first one beyond the last heading.
    """
    out = []
    offset = 0
    for raw in t.files:
        if len(raw.spill):
            out.append(Hits(raw.spill + offset, "", raw.spill_values))
        offset += len(raw.cells)
    return out


@rule("RET-020", table="*", severity=ERROR)
def required_value_blank(t: Table, ctx: Context):
    """A required value is not blank."""
    out = []
    for col in t.schema.columns:
        if col.nullable:
            continue
        blank = t.text[col.name].isna().to_numpy()
        if blank.any():
            out.append(Hits(np.flatnonzero(blank), col.name, "blank"))
    return out


@rule("RET-021", table="*", severity=ERROR)
def not_a_whole_number(t: Table, ctx: Context):
    """A number column holds a whole number (digits only, no decimals or words).

    In a partner return, a suppression symbol (c, *, <5) in a breakdown row is not this error but
    PRT-010 (suppressed by the partner); on the total row it is.
    """
    from .rules_partner import suppressed_by_partner

    allowed = suppressed_by_partner(t)
    return [Hits(np.flatnonzero(t.bad[c.name] & ~allowed), c.name) for c in t.schema.columns
            if c.type == "integer" and (t.bad[c.name] & ~allowed).any()]


@rule("RET-022", table="*", severity=ERROR)
def not_a_date(t: Table, ctx: Context):
    """A date column holds a real date, written YYYY-MM-DD or DD/MM/YYYY, or an Excel date."""
    return [Hits(np.flatnonzero(t.bad[c.name]), c.name) for c in t.schema.columns
            if c.type == "date" and t.bad[c.name].any()]


@rule("RET-023", table="*", severity=ERROR)
def not_a_period(t: Table, ctx: Context):
    """A period is a financial quarter written YYYY-YY-Qn, e.g. 2026-27-Q2."""
    return [Hits(np.flatnonzero(t.bad[c.name]), c.name) for c in t.schema.columns
            if c.type == "period" and t.bad[c.name].any()]


@rule("RET-024", table="*", severity=ERROR)
def unknown_code(t: Table, ctx: Context):
    """A coded value is one of the allowed codes listed in the data dictionary.

    Codes are matched exactly; when a code differs only in case or spacing the message says which
    code was probably meant.
    """
    out = []
    for col in t.schema.columns:
        if col.type != "code":
            continue
        allowed = _allowed(col, ctx)
        if allowed is None:
            continue
        s = t.text[col.name]
        bad = (s.notna() & ~s.isin(allowed)).to_numpy()
        if not bad.any():
            continue
        seen = s[bad]
        lookup = {a.upper().replace(" ", ""): a for a in allowed}
        shown = {}
        for v in seen.unique():  # one per distinct value, not per row
            guess = lookup.get(str(v).upper().replace(" ", ""))
            shown[v] = f"{v}; did you mean {guess}?" if guess else str(v)
        out.append(Hits(np.flatnonzero(bad), col.name, seen.map(shown).to_numpy(dtype=object)))
    return out


@rule("RET-025", table="*", severity=ERROR)
def negative_count(t: Table, ctx: Context):
    """A count is not negative."""
    out = []
    for col in t.schema.columns:
        if col.type == "integer" and col.min == 0:
            neg = (t.data[col.name] < 0).fillna(False).to_numpy(dtype=bool)
            if neg.any():
                out.append(Hits(np.flatnonzero(neg), col.name))
    return out


@rule("RET-026", table="*", severity=ERROR)
def outside_range(t: Table, ctx: Context):
    """A number lies within its allowed range (for example an age from 0 to 17, a rating from 1 to 10)."""
    out = []
    for col in t.schema.columns:
        if col.type != "integer" or (col.min is None and col.max is None):
            continue
        v = t.data[col.name]
        low = (v < col.min).fillna(False).to_numpy(dtype=bool) if col.min not in (None, 0) else np.zeros(len(v), bool)
        high = (v > col.max).fillna(False).to_numpy(dtype=bool) if col.max is not None else np.zeros(len(v), bool)
        bad = low | high
        if bad.any():
            lo = "" if col.min is None else f"{col.min:g}"
            hi = "" if col.max is None else f"{col.max:g}"
            rng = f"{lo} to {hi}" if lo and hi else (f"at least {lo}" if lo else f"at most {hi}")
            vals = t.text[col.name].to_numpy(dtype=object)[bad]
            out.append(Hits(np.flatnonzero(bad), col.name, np.array([f"{x}; allowed {rng}" for x in vals], dtype=object)
                            if len(vals) < 10_000 else f"allowed {rng}"))
    return out


def _repeats(t: Table) -> tuple[np.ndarray, pd.DataFrame]:
    """Rows that repeat an earlier row exactly, and the text of the rows that share a key with another.

    Only rows whose key (with the file) is shared can repeat one another, so the full-row
    comparison runs on those few rows; shared by RET-030 and RET-031.
    """
    if "repeats" in t.cache:
        return t.cache["repeats"]
    key = list(t.schema.key) or t.schema.column_names
    if len(key) == 1 and len(t.files) <= 1:  # the common case: one identifier column in one file
        shared = t.text[key[0]].duplicated(keep=False).to_numpy()
    else:
        kdf = t.text[key].copy()
        kdf["_f"] = t.file_idx
        shared = kdf.duplicated(keep=False).to_numpy() if len(kdf) else np.zeros(0, dtype=bool)
    if not shared.any():
        t.cache["repeats"] = (np.zeros(len(t), dtype=bool), t.text.iloc[:0])
        return t.cache["repeats"]
    rep = np.zeros(len(t), dtype=bool)
    sub = t.text.loc[shared, t.schema.column_names].copy()
    sub["_f"] = t.file_idx[shared]
    if len(sub):
        rep[np.flatnonzero(shared)] = sub.duplicated(keep="first").to_numpy()
    t.cache["repeats"] = (rep, sub)
    return rep, sub


@rule("RET-030", table="*", severity=ERROR)
def repeated_row(t: Table, ctx: Context):
    """A row appears only once in the file (an exact repeat of an earlier row is rejected; the first is kept)."""
    rep, sub = _repeats(t)
    if not rep.any():
        return None
    rows = pd.Series(t.data["_row"].to_numpy()[sub.index.to_numpy()], index=sub.index)
    first = rows.groupby([sub[c] for c in sub.columns], dropna=False, sort=False).transform("min")
    shown = first.loc[np.flatnonzero(rep)].to_numpy()
    return Hits(np.flatnonzero(rep), "", np.array([f"repeats row {r}" for r in shown], dtype=object))


@rule("RET-031", table="*", severity=ERROR)
def duplicate_key(t: Table, ctx: Context):
    """Each identifier (the table's key) appears on one row only; rows that share it are all rejected.

    Two different rows with the same identifier cannot both be right and it cannot be known which
    is, so neither is used. (For quarterly returns the key includes the period, agency, indicator,
    breakdown and group.)
    """
    key = list(t.schema.key)
    if not key or not len(t):
        return None
    rep, shared = _repeats(t)
    if shared.empty:
        return None
    kdf = shared.loc[~rep[shared.index.to_numpy()], key + ["_f"]]
    dup_sub = kdf.duplicated(keep=False).to_numpy()
    if not dup_sub.any():
        return None
    pos = kdf.index.to_numpy()[dup_sub]
    sub = kdf[dup_sub]
    rows = t.data["_row"].to_numpy()[pos]
    grp = pd.Series(rows).groupby([sub[c].to_numpy() for c in key + ["_f"]], dropna=False, sort=False)
    first = grp.transform("min").to_numpy()
    count = grp.transform("count").to_numpy()
    label = sub[key].astype(object).fillna("(blank)").astype(str).agg(" / ".join, axis=1).to_numpy() if len(key) > 1 \
        else sub[key[0]].astype(object).fillna("(blank)").astype(str).to_numpy()
    vals = np.array([f"{lab} on {c} rows, first row {f}" for lab, c, f in zip(label, count, first, strict=False)], dtype=object)
    return Hits(pos, key[0] if len(key) == 1 else "", vals)


def _parent_problems(t: Table, ctx: Context, want_rejected: bool):
    out = []
    for rel in t.schema.relations:
        v = t.text[rel.column]
        present = v.notna().to_numpy()
        if rel.parent in ctx.unusable:  # the whole parent file could not be used
            if want_rejected and present.any():
                out.append(Hits(np.flatnonzero(present), rel.column,
                                np.array([f"{x}: {ctx.unusable[rel.parent]}" for x in v[present].to_numpy(dtype=object)],
                                         dtype=object)))
            continue
        if rel.parent not in ctx.accepted and rel.parent not in ctx.rejected:
            continue  # the parent table was not loaded (e.g. a test of this table alone)
        pos = ctx.parent_rows(t, rel.column, rel.parent, rel.parent_column)
        in_acc = pos >= 0 if pos is not None else np.zeros(len(v), bool)
        rej = ctx.rejected.get(rel.parent)
        if rej is not None and len(rej):
            look = present & ~in_acc
            in_rej = np.zeros(len(v), bool)
            in_rej[look] = v[look].isin(rej[rel.parent_column]).to_numpy()
        else:
            in_rej = np.zeros(len(v), bool)
        from .schemas import SCHEMAS
        parent_file = SCHEMAS[rel.parent].file.rsplit("/", 1)[-1]
        if want_rejected:
            m = present & in_rej
            if m.any():
                first = rej.drop_duplicates(rel.parent_column).set_index(rel.parent_column)
                vals = v[m]
                where = first.loc[vals.to_numpy(), "_where"].to_numpy(dtype=object)
                shown = np.array([f"{x} was rejected: {w}" for x, w in zip(vals.to_numpy(dtype=object), where, strict=False)],
                                 dtype=object)
                out.append(Hits(np.flatnonzero(m), rel.column, shown))
        else:
            m = present & ~in_acc & ~in_rej
            if m.any():
                vals = v[m].to_numpy(dtype=object)
                out.append(Hits(np.flatnonzero(m), rel.column,
                                np.array([f"{x} not in {parent_file}" for x in vals], dtype=object)))
    return out


@rule("RET-040", table=("extract",), severity=ERROR)
def parent_missing(t: Table, ctx: Context):
    """A row refers to a row that exists in its parent table (e.g. an assessment's referral_id is in referrals.csv)."""
    return _parent_problems(t, ctx, want_rejected=False)


@rule("RET-041", table=("extract",), severity=ERROR)
def parent_rejected(t: Table, ctx: Context):
    """A row whose parent row was rejected is rejected too (e.g. the assessments of a rejected referral).

    Keeping it would count an assessment without its referral: the row itself may be right and is
    accepted again once the parent row is corrected.
    """
    return _parent_problems(t, ctx, want_rejected=True)


@rule("RET-050", table="*", severity=ERROR)
def dates_out_of_order(t: Table, ctx: Context):
    """Dates on a row are in order (e.g. a referral_date on or before its cin_closure_date)."""
    out = []
    for a, b in t.schema.date_order:
        da, db = t.data[a], t.data[b]
        bad = (da > db).fillna(False).to_numpy(dtype=bool)
        if bad.any():
            sa, sb = _fmt_dates(da[bad]).to_numpy(dtype=object), _fmt_dates(db[bad]).to_numpy(dtype=object)
            out.append(Hits(np.flatnonzero(bad), b,
                            np.array([f"{b} {y} is before {a} {x}" for x, y in zip(sa, sb, strict=False)], dtype=object)))
    return out


@rule("RET-060", table=("population", "extract", "register"), severity=ERROR)
def date_after_extract(t: Table, ctx: Context):
    """A date is not after the end of the latest quarter in the data (the date the extract was taken).

    Due dates planned ahead (an action's due date, a practice review's due date) are exempt.
    """
    out = []
    limit = ctx.extract_date
    for col in t.schema.columns:
        if col.type != "date" or col.planned:
            continue
        bad = (t.data[col.name] > limit).fillna(False).to_numpy(dtype=bool)
        if bad.any():
            vals = _fmt_dates(t.data[col.name][bad]).to_numpy(dtype=object)
            out.append(Hits(np.flatnonzero(bad), col.name,
                            np.array([f"{x} is after {limit:%Y-%m-%d}" for x in vals], dtype=object)))
    return out


@rule("RET-061", table="*", severity=ERROR)
def date_too_early(t: Table, ctx: Context):
    """A date is not before 1 January 1990 (an earlier date is a typing mistake in these returns)."""
    out = []
    for col in t.schema.columns:
        if col.type != "date":
            continue
        bad = (t.data[col.name] < EARLIEST_DATE).fillna(False).to_numpy(dtype=bool)
        if bad.any():
            out.append(Hits(np.flatnonzero(bad), col.name))
    return out
