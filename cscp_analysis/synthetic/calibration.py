"""What the generated extract achieves, beside Coventry's published figures (for the demo's README).

Measures follow the DfE definitions in plain pandas on the written tables: a financial year's
referrals, re-referrals within 12 months of a previous referral of the same child, plans starting
and whether the child had a plan before, plans and children looked after at 31 March, and so on.
Rates are per 10,000 children aged 0-17 at the mid-year in which the financial year starts (the
estimate DfE uses for that year).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _dates, published

__all__ = ["measures", "targets", "table"]


def _d(s: pd.Series) -> np.ndarray:
    """Day numbers of ISO dates (blank: a far-future day)."""
    v = pd.to_datetime(s.replace("", None), format="%Y-%m-%d")
    out = ((v - pd.Timestamp("1970-01-01")) // pd.Timedelta(days=1)).to_numpy(dtype=float, na_value=np.nan)
    return np.where(np.isnan(out), 10**7, out).astype(np.int64)


def measures(frames: dict[str, pd.DataFrame], population: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """One row per financial year starting in ``years`` (2023 is 2023-24), one column per measure."""
    ref, ass, s47, icpc = frames["referrals"], frames["assessments"], frames["section47"], frames["icpc"]
    plans, cla, miss, ch = frames["cp_plans"], frames["cla_periods"], frames["missing_episodes"], frames["children"]
    r_day = _d(ref["referral_date"])
    r_child = pd.factorize(ref["child_id"])[0]
    o = np.lexsort((r_day, r_child))
    same = np.zeros(len(o), dtype=bool)
    same[1:] = r_child[o][1:] == r_child[o][:-1]
    gap = np.full(len(o), 10**7)
    gap[1:] = r_day[o][1:] - r_day[o][:-1]
    r = pd.DataFrame({"day": r_day[o], "rereferral": same & (gap <= 365)})
    a_start, a_auth = _d(ass["assessment_start"]), _d(ass["assessment_authorised"])
    a_wd = np.where(a_auth < 10**7, _dates.working_days_between(a_start, np.minimum(a_auth, 10**6)), 10**6)
    s_strat, s_start = _d(s47["strategy_discussion_date"]), _d(s47["s47_start"])
    i_day = _d(icpc["icpc_date"])
    i_strat = icpc["s47_id"].map(pd.Series(s_strat, index=s47["s47_id"].to_numpy())).to_numpy(dtype=np.int64)
    i_wd = _dates.working_days_between(i_strat, i_day) if len(icpc) else np.array([])
    p_start, p_end = _d(plans["plan_start"]), _d(plans["plan_end"])
    p_child = pd.factorize(plans["child_id"])[0]
    o = np.lexsort((p_start, p_child))
    subsequent = np.zeros(len(o), dtype=bool)
    subsequent[o[1:]] = p_child[o][1:] == p_child[o][:-1]
    c_start, c_end = _d(cla["cla_start"]), _d(cla["cla_end"])
    m_start = _d(miss["missing_start"])
    closure = _d(ref["cin_closure_date"])
    rows = []
    for y in years:
        lo, hi = _dates.day(f"{y}-04-01"), _dates.day(f"{y + 1}-03-31")
        pop = int(population.loc[population["year"] == y, "population"].sum())
        in_y = (r_day >= lo) & (r_day <= hi)
        n_ref = int(in_y.sum())
        rr = r.loc[(r["day"] >= lo) & (r["day"] <= hi), "rereferral"]
        auth_y = (a_auth >= lo) & (a_auth <= hi)
        s_y = (s_start >= lo) & (s_start <= hi)
        i_y = (i_day >= lo) & (i_day <= hi)
        p_y = (p_start >= lo) & (p_start <= hi)
        p_at = (p_start <= hi) & (p_end > hi)
        c_at = (c_start <= hi) & (c_end > hi)
        cin_at = (r_day <= hi) & (closure > hi)
        rows.append({
            "year": f"{y}-{(y + 1) % 100:02d}",
            "population_0_17": pop,
            "referrals": n_ref,
            "referrals_per_10k": 1e4 * n_ref / pop,
            "rereferral_pct": 100 * float(rr.mean()) if len(rr) else np.nan,
            "assessments_authorised": int(auth_y.sum()),
            "assessments_within_45wd_pct": 100 * float((a_wd[auth_y] <= 45).mean()) if auth_y.any() else np.nan,
            "section47": int(s_y.sum()),
            "section47_per_10k": 1e4 * s_y.sum() / pop,
            "icpc": int(i_y.sum()),
            "icpc_per_10k": 1e4 * i_y.sum() / pop,
            "icpc_within_15wd_pct": 100 * float((i_wd[i_y] <= 15).mean()) if i_y.any() else np.nan,
            "cp_starts": int(p_y.sum()),
            "cp_starts_per_10k": 1e4 * p_y.sum() / pop,
            "cp_subsequent_pct": 100 * float(subsequent[p_y].mean()) if p_y.any() else np.nan,
            "cp_at_31_march": int(p_at.sum()),
            "cp_at_31_march_per_10k": 1e4 * p_at.sum() / pop,
            "cp_2_years_or_more_pct": 100 * float((hi - p_start[p_at] >= 730).mean()) if p_at.any() else np.nan,
            "cin_at_31_march": int(cin_at.sum()),
            "cla_at_31_march": int(c_at.sum()),
            "cla_at_31_march_per_10k": 1e4 * c_at.sum() / pop,
            "cla_starts": int(((c_start >= lo) & (c_start <= hi)).sum()),
            "cla_starts_per_10k": 1e4 * ((c_start >= lo) & (c_start <= hi)).sum() / pop,
            "cla_ceased": int(((c_end >= lo) & (c_end <= hi)).sum()),
            "missing_episodes": int(((m_start >= lo) & (m_start <= hi)).sum()),
            "missing_episodes_looked_after": int(((m_start >= lo) & (m_start <= hi) & (miss["looked_after"] == "Y").to_numpy()).sum()),
        })
    out = pd.DataFrame(rows)
    out.attrs["unknown_ethnicity_pct"] = 100 * float(ch["ethnicity"].isin(["NOBT", "REFU"]).mean())
    out.attrs["disabled_pct"] = 100 * float((ch["disability"] == "Y").mean())
    out.attrs["sex_unknown_referrals_pct"] = 100 * float(
        ref["child_id"].isin(ch.loc[ch["sex"] == "U", "child_id"]).mean())
    return out


def _rng(d: dict, fmt: str = "{:,.0f}") -> str:
    lo, hi = min(d.values()), max(d.values())
    return fmt.format(lo) if lo == hi else f"{fmt.format(lo)} to {fmt.format(hi)}"


def targets() -> dict[str, str]:
    """Coventry's published figures for 2022-23 to 2024-25, as ranges over the three years."""
    pops = {2023: published.MYE_0_17[2022], 2024: published.MYE_0_17[2023], 2025: published.MYE_0_17[2024]}
    per10k = lambda d: {y: 1e4 * v / pops[y] for y, v in d.items()}  # noqa: E731
    return {
        "referrals_per_10k": _rng(per10k(published.REFERRALS)),
        "rereferral_pct": _rng(published.REREFERRAL_PCT, "{:.1f}"),
        "section47_per_10k": _rng(per10k(published.SECTION47)),
        "icpc_per_10k": _rng(per10k(published.ICPC)),
        "icpc_within_15wd_pct": _rng(published.ICPC_WITHIN_15WD_PCT, "{:.1f}"),
        "cp_starts_per_10k": _rng(per10k(published.CP_STARTS)),
        "cp_subsequent_pct": _rng(published.CP_SUBSEQUENT_PCT, "{:.1f}"),
        "cp_at_31_march_per_10k": _rng(per10k(published.CP_AT_31_MARCH)),
        "cp_2_years_or_more_pct": _rng(published.CP_2YEARS_PCT, "{:.1f}"),
        "cin_at_31_march_per_10k": _rng(per10k(published.CIN_AT_31_MARCH)),
        "cla_at_31_march_per_10k": _rng({y: v[1] for y, v in published.CLA_AT_31_MARCH.items()}),
        "cla_starts_per_10k": _rng({y: v[1] for y, v in published.CLA_STARTS.items()}),
        "cla_ceased_per_10k": _rng({y: v[1] for y, v in published.CLA_CEASED.items()}),
        "missing_episodes_looked_after_per_10k": f"{1e4 * published.CLA_MISSING_2023['incidents'] / published.MYE_0_17[2022]:.0f} (2022-23)",
    }


def table(m: pd.DataFrame) -> str:
    """Markdown table: each measure, Coventry's published range, and the demo's value for each year."""
    t = targets()
    years = list(m["year"])
    derived = m.copy()
    derived["cin_at_31_march_per_10k"] = 1e4 * m["cin_at_31_march"] / m["population_0_17"]
    derived["cla_ceased_per_10k"] = 1e4 * m["cla_ceased"] / m["population_0_17"]
    derived["missing_episodes_looked_after_per_10k"] = 1e4 * m["missing_episodes_looked_after"] / m["population_0_17"]
    labels = [
        ("referrals_per_10k", "Referrals per 10,000 children", "{:.0f}"),
        ("rereferral_pct", "Re-referrals within 12 months (%)", "{:.1f}"),
        ("section47_per_10k", "Section 47 enquiries per 10,000", "{:.0f}"),
        ("icpc_per_10k", "Initial child protection conferences per 10,000", "{:.0f}"),
        ("icpc_within_15wd_pct", "Conferences within 15 working days of the strategy discussion (%)", "{:.1f}"),
        ("cp_starts_per_10k", "Child protection plans starting per 10,000", "{:.0f}"),
        ("cp_subsequent_pct", "Plans that are a second or subsequent plan (%)", "{:.1f}"),
        ("cp_at_31_march_per_10k", "Child protection plans at 31 March per 10,000", "{:.0f}"),
        ("cp_2_years_or_more_pct", "Plans at 31 March lasting 2 years or more (%)", "{:.1f}"),
        ("cin_at_31_march_per_10k", "Children in need (open episodes) at 31 March per 10,000", "{:.0f}"),
        ("cla_at_31_march_per_10k", "Children looked after at 31 March per 10,000", "{:.0f}"),
        ("cla_starts_per_10k", "Children starting to be looked after per 10,000", "{:.0f}"),
        ("cla_ceased_per_10k", "Children ceasing to be looked after per 10,000", "{:.0f}"),
        ("assessments_within_45wd_pct", "Assessments within 45 working days (%)", "{:.1f}"),
        ("missing_episodes_looked_after_per_10k", "Missing episodes of looked-after children per 10,000", "{:.0f}"),
    ]
    head = "| measure | Coventry published (2022-23 to 2024-25) | " + " | ".join(f"demo {y}" for y in years) + " |"
    lines = [head, "|---|---|" + "---|" * len(years)]
    for key, label, fmt in labels:
        vals = " | ".join(fmt.format(v) for v in derived[key])
        lines.append(f"| {label} | {t.get(key, 'not published here')} | {vals} |")
    return "\n".join(lines)
