"""The demo extract written in the schema's layout: one lazy table per return table, columns in order.

Dates are day numbers (``NEVER`` or beyond the extract's end: blank), codes are indices into the tuples of
``csc_codes``; text is made chunk by chunk when the table is written (``_write.LazyTable``).
"""

from __future__ import annotations

import numpy as np

from . import _dates as D
from ._write import Column, LazyTable, format_ids
from .csc_codes import (
    ASS_OUTCOMES,
    CATEGORIES,
    DISABILITY_CODES,
    ETH_ALL,
    FACTORS,
    LEGAL,
    NEEDS,
    PLACEMENTS,
    REF_OUTCOMES,
    SEX_CODES,
    SOURCES,
)

__all__ = ["tables"]


def _code_col(idx: np.ndarray, codes) -> Column:
    arr = np.asarray(list(codes) + [""], dtype=object)
    idx = np.where(idx < 0, len(arr) - 1, idx)
    return lambda sl: arr[idx[sl]]


def _date_col(days: np.ndarray, end: int) -> Column:
    return lambda sl: D.iso(days[sl], days[sl] > end)


def _id_col(prefix: str, numbers: np.ndarray, width: int) -> Column:
    return lambda sl: format_ids(prefix, numbers[sl], width)


def _yn_col(flag: np.ndarray, blank: np.ndarray | None = None) -> Column:
    code = np.where(flag == 1, 0, 1)
    if blank is not None:
        code = np.where(blank, -1, code)
    return _code_col(code, ("Y", "N"))


def _seq(*keys) -> tuple[np.ndarray, np.ndarray]:
    """Row order by ``keys`` (last key primary, as ``np.lexsort``) and each row's 1-based position."""
    order = np.lexsort(keys) if len(keys[0]) else np.array([], dtype=np.int64)
    seq = np.empty(len(order), dtype=np.int64)
    seq[order] = np.arange(1, len(order) + 1)
    return order, seq


def _width(n: int) -> int:
    return max(7, len(str(n)))


def tables(x) -> dict[str, LazyTable]:
    """Each table of the extract ``x`` (a ``csc.Extract``) in the schema's layout, sorted by key."""
    end = x.end
    ch = x.children
    lookup = np.full(int(ch["kid"].max()) + 1 if len(ch["kid"]) else 1, -1, dtype=np.int64)
    lookup[ch["kid"]] = np.arange(len(ch["kid"]))
    number = ch["number"]
    cw = ch["width"]

    def num(kid):
        return number[lookup[kid]]

    out: dict[str, LazyTable] = {}
    o = np.argsort(number, kind="stable")
    out["children"] = LazyTable(len(o), {
        "child_id": _id_col("CH", number[o], cw),
        "date_of_birth": _date_col(ch["dob"][o], end),
        "sex": _code_col(ch["sex"][o], SEX_CODES),
        "ethnicity": _code_col(ch["eth"][o], ETH_ALL),
        "disability": _code_col(ch["dis"][o], DISABILITY_CODES),
        "disability_codes": lambda sl, codes=ch["dis_codes"][o]: codes[sl],
        "uasc": _code_col(np.zeros(len(o), dtype=np.int64), ("N",)),
    })

    r = x.referrals
    o, r_seq = _seq(num(r["child"]), r["rdate"])
    rw = _width(len(o))
    out["referrals"] = LazyTable(len(o), {
        "referral_id": _id_col("R", r_seq[o], rw),
        "child_id": _id_col("CH", num(r["child"])[o], cw),
        "referral_date": _date_col(r["rdate"][o], end),
        "referral_source": _code_col(r["source"][o], SOURCES),
        "primary_need": _code_col(r["need"][o], NEEDS),
        "referral_outcome": _code_col(r["outcome"][o], REF_OUTCOMES),
        "cin_closure_date": _date_col(r["closure"][o], end),
    })

    a = x.assessments
    o, a_seq = _seq(r_seq[a["ref"]], a["start"])
    open_a = a["auth"] > end
    factors = np.where(open_a, -1, a["factors"])
    out["assessments"] = LazyTable(len(o), {
        "assessment_id": _id_col("A", a_seq[o], _width(len(o))),
        "referral_id": _id_col("R", r_seq[a["ref"]][o], rw),
        "child_id": _id_col("CH", num(a["child"])[o], cw),
        "assessment_start": _date_col(a["start"][o], end),
        "assessment_authorised": _date_col(a["auth"][o], end),
        "factors": lambda sl, f=factors[o]: _factor_strings(f[sl]),
        "assessment_outcome": _code_col(np.where(open_a, -1, a["outcome"])[o], ASS_OUTCOMES),
    })

    s = x.section47
    o, s_seq = _seq(r_seq[s["ref"]], s["start"], s["strategy"])
    sw = _width(len(o))
    out["section47"] = LazyTable(len(o), {
        "s47_id": _id_col("S", s_seq[o], sw),
        "referral_id": _id_col("R", r_seq[s["ref"]][o], rw),
        "child_id": _id_col("CH", num(s["child"])[o], cw),
        "strategy_discussion_date": _date_col(s["strategy"][o], end),
        "s47_start": _date_col(s["start"][o], end),
        "s47_end": _date_col(s["end"][o], end),
        "icpc_required": _yn_col(s["icpc_req"][o], (s["end"] > end)[o]),
    })

    i = x.icpc
    o, i_seq = _seq(s_seq[i["s47"]], i["date"])
    iw = _width(len(o))
    out["icpc"] = LazyTable(len(o), {
        "icpc_id": _id_col("I", i_seq[o], iw),
        "s47_id": _id_col("S", s_seq[i["s47"]][o], sw),
        "child_id": _id_col("CH", num(i["child"])[o], cw),
        "icpc_date": _date_col(i["date"][o], end),
        "plan_made": _yn_col(i["plan_made"][o]),
    })

    p = x.cp_plans
    o, p_seq = _seq(num(p["child"]), p["start"])
    icpc_no = np.where(p["icpc"] >= 0, i_seq[np.maximum(p["icpc"], 0)] if len(i_seq) else -1, -1)
    out["cp_plans"] = LazyTable(len(o), {
        "plan_id": _id_col("P", p_seq[o], _width(len(o))),
        "child_id": _id_col("CH", num(p["child"])[o], cw),
        "icpc_id": _id_col("I", icpc_no[o], iw),
        "plan_start": _date_col(p["start"][o], end),
        "plan_end": _date_col(p["end"][o], end),
        "category": _code_col(p["category"][o], CATEGORIES),
    })

    c = x.cla_periods
    o, c_seq = _seq(num(c["child"]), c["start"])
    lw = _width(len(o))
    out["cla_periods"] = LazyTable(len(o), {
        "cla_id": _id_col("L", c_seq[o], lw),
        "child_id": _id_col("CH", num(c["child"])[o], cw),
        "cla_start": _date_col(c["start"][o], end),
        "cla_end": _date_col(c["end"][o], end),
        "legal_status": _code_col(c["legal"][o], LEGAL),
        "category_of_need": _code_col(c["need"][o], NEEDS),
    })

    pl = x.cla_placements
    o, pl_seq = _seq(pl["start"], c_seq[pl["cla"]])
    out["cla_placements"] = LazyTable(len(o), {
        "placement_id": _id_col("PL", pl_seq[o], _width(len(o))),
        "cla_id": _id_col("L", c_seq[pl["cla"]][o], lw),
        "child_id": _id_col("CH", num(pl["child"])[o], cw),
        "placement_start": _date_col(pl["start"][o], end),
        "placement_end": _date_col(pl["end"][o], end),
        "placement_type": _code_col(pl["type"][o], PLACEMENTS),
    })

    m = x.missing_episodes
    o, m_seq = _seq(num(m["child"]), m["start"])
    out["missing_episodes"] = LazyTable(len(o), {
        "missing_id": _id_col("M", m_seq[o], _width(len(o))),
        "child_id": _id_col("CH", num(m["child"])[o], cw),
        "missing_start": _date_col(m["start"][o], end),
        "missing_end": _date_col(m["end"][o], end),
        "looked_after": _yn_col(m["looked_after"][o]),
        "rhi_offered": _yn_col(m["rhi_offered"][o]),
        "rhi_date": _date_col(m["rhi"][o], end),
    })
    return out


def _factor_strings(masks: np.ndarray) -> np.ndarray:
    """';'-separated factor codes of each bit mask (a negative mask: blank)."""
    if len(masks) == 0:
        return np.array([], dtype=object)
    uniq, inv = np.unique(masks, return_inverse=True)
    text = np.array(["" if u < 0 else ";".join(code for bit, code in enumerate(FACTORS) if (int(u) >> bit) & 1)
                     for u in uniq], dtype=object)
    return text[inv]
