"""Data-quality indicators per agency per quarter.

Tidy, one row per quarter, agency and measure, with its numerator, denominator and percentage:

children's social care (agency ``CSC``), among the children referred in the quarter:
    ``ethnicity_recorded``       ethnicity neither refused (REFU), not yet obtained (NOBT) nor blank; every
                                 disproportionality finding depends on it
    ``ethnicity_refused``        REFU
    ``ethnicity_not_obtained``   NOBT
    ``sex_recorded``             sex not U
    ``disability_recorded``      disability not U
    ``primary_need_recorded``    referrals of the quarter with a primary need
each partner agency with a return (and CSC for the extract files, in the quarter being run):
    ``return_received``          1 of 1 when the return is in the quarter's folder
    ``return_on_time``           1 of 1 when submissions.csv shows it received by its due date
    ``days_late``                calendar days after the due date (numerator; 0 when on time)
    ``rows_rejected``            rows rejected of rows received in the agency's files
    ``indicators_supplied``      indicators of the specification with a total row, of those specified
    ``ethnicity_unknown_in_breakdowns``  share of the ethnicity breakdowns' counts in groups Unknown/REFU/NOBT
    ``commentary_received``      1 of 1 when the agency wrote commentary for the quarter
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import codes as C
from ..periods import period_range

__all__ = ["data_quality", "QUALITY_COLUMNS"]

QUALITY_COLUMNS = ["period", "agency", "measure", "numerator", "denominator", "percent"]
_UNKNOWN_GROUPS = ("Unknown", "REFU", "NOBT")


def _rows(period: str, agency: str, measure: str, num, den) -> dict:
    return {"period": period, "agency": agency, "measure": measure, "numerator": num, "denominator": den}


def _csc(returns) -> list[dict]:
    out = []
    ref = returns.tables.get("referrals")
    ch = returns.tables.get("children")
    if ref is None or ch is None or ref.empty:
        return out
    first = min(str(returns.period), returns.config.first_period)
    quarters = [str(q) for q in period_range(first, returns.period)]
    q_of = pd.Series(ref["referral_date"].dt.to_period("Q-MAR").astype(str), index=ref.index)
    # pandas' fiscal quarters ending in March label 2026-27 Q2 as "2027Q2": map to YYYY-YY-Qn
    fy_end = q_of.str.slice(0, 4).astype(int)
    label = (fy_end - 1).astype(str) + "-" + (fy_end % 100).map("{:02d}".format) + "-Q" + q_of.str.slice(5, 6)
    r = pd.DataFrame({"period": label, "child_id": ref["child_id"], "need": ref["primary_need"]})
    r = r[r["period"].isin(quarters)]
    kids = r.drop_duplicates(["period", "child_id"]).merge(
        ch[["child_id", "ethnicity", "sex", "disability"]], on="child_id", how="left")
    g = kids.groupby("period")
    n = g.size()
    eth = kids["ethnicity"]
    measures = {
        "ethnicity_recorded": (eth.notna() & ~eth.isin(C.UNKNOWN_ETHNICITY)),
        "ethnicity_refused": eth == "REFU",
        "ethnicity_not_obtained": eth == "NOBT",
        "sex_recorded": kids["sex"].notna() & (kids["sex"] != "U"),
        "disability_recorded": kids["disability"].notna() & (kids["disability"] != "U"),
    }
    for m, mask in measures.items():
        num = mask.groupby(kids["period"]).sum()
        for q in quarters:
            out.append(_rows(q, "CSC", m, int(num.get(q, 0)), int(n.get(q, 0))))
    need = r["need"].notna().groupby(r["period"]).agg(["sum", "size"])
    for q in quarters:
        s = need.loc[q] if q in need.index else pd.Series({"sum": 0, "size": 0})
        out.append(_rows(q, "CSC", "primary_need_recorded", int(s["sum"]), int(s["size"])))
    return out


def _partners(returns) -> list[dict]:
    out = []
    cfg = returns.config
    rec = returns.reconciliation
    subs = returns.submissions
    com = returns.commentary
    part = returns.partner
    quarters = sorted(set(rec.loc[rec["table"] == "partner_return", "period"]) - {""})
    for q in quarters:
        for agency, spec in cfg.returns.items():
            r = rec[(rec["table"] == "partner_return") & (rec["period"] == q) & (rec["agency"] == agency)]
            received = int((r["status"] != "missing").any()) if len(r) else 0
            out.append(_rows(q, agency, "return_received", received, 1))
            s = subs[(subs["period"] == q) & (subs["agency"] == agency)] if len(subs) else subs
            if len(s):
                due, got = s["due_date"].iloc[0], s["received_date"].iloc[0]
                if pd.notna(got) and pd.notna(due):
                    late = max(int((got - due).days), 0)
                    out.append(_rows(q, agency, "return_on_time", int(late == 0), 1))
                    out.append(_rows(q, agency, "days_late", late, np.nan))
                else:
                    out.append(_rows(q, agency, "return_on_time", 0, 1))
            out.append(_rows(q, agency, "rows_rejected", int(r["rejected"].sum()), int(r["received"].sum())))
            p = part[(part["period"] == q) & (part["agency"] == agency)] if len(part) else part
            wanted = list(spec.indicators)
            have = set(p.loc[p["breakdown"].str.lower() == "total", "indicator"]) if len(p) else set()
            out.append(_rows(q, agency, "indicators_supplied", len(have & set(wanted)), len(wanted)))
            e = p[p["breakdown"].str.lower() == "ethnicity"] if len(p) else p
            if len(e):
                unk = int(e.loc[e["group"].isin(_UNKNOWN_GROUPS), "numerator"].sum())
                out.append(_rows(q, agency, "ethnicity_unknown_in_breakdowns", unk, int(e["numerator"].sum())))
            c = com[(com["period"] == q) & (com["agency"] == agency)] if len(com) else com
            out.append(_rows(q, agency, "commentary_received", int(len(c) > 0), 1))
    # the cumulative files (extract, registers) in the quarter being run, by owning agency
    cum = rec[rec["period"] == ""]
    for agency, g in cum.groupby("agency"):
        out.append(_rows(str(returns.period), agency or "PARTNERSHIP", "rows_rejected", int(g["rejected"].sum()),
                         int(g["received"].sum())))
    return out


def data_quality(returns) -> pd.DataFrame:
    """Data-quality indicators per agency per quarter (see the module docstring)."""
    rows = _csc(returns) + _partners(returns)
    df = pd.DataFrame(rows, columns=QUALITY_COLUMNS[:-1])
    num = pd.to_numeric(df["numerator"], errors="coerce")
    den = pd.to_numeric(df["denominator"], errors="coerce")
    with np.errstate(divide="ignore", invalid="ignore"):
        df["percent"] = np.where(den > 0, 100.0 * num / den, np.nan)
    df["numerator"] = num.astype("Int64")
    df["denominator"] = den.astype("Int64")
    return df.sort_values(["period", "agency", "measure"], kind="stable").reset_index(drop=True)

