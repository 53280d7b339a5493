"""Each indicator's quarter value computed independently, in plain pandas, for the value tests.

Written deliberately differently from the library where a different formulation exists (re-referrals
by a pairwise self-join rather than a shift; working days with ``np.busday_count`` over [start, end)
corrected at both ends; stocks by direct masks rather than sorted counts), so that a mistake in either
shows up as a disagreement.
"""

from __future__ import annotations

import holidays
import numpy as np
import pandas as pd

from cscp_analysis.periods import Period


def _holidays(lo: int = 2010, hi: int = 2030) -> np.ndarray:
    return np.array(sorted(holidays.country_holidays("GB", subdiv="ENG", years=range(lo, hi + 1))), dtype="datetime64[D]")


HOL = _holidays()


def working_days(start: pd.Series, end: pd.Series) -> np.ndarray:
    """Working days after ``start`` up to and including ``end``: busday_count counts [start, end), so
    take away ``start`` if it is a working day and add ``end`` if it is."""
    s = start.to_numpy(dtype="datetime64[D]")
    e = end.to_numpy(dtype="datetime64[D]")
    n = np.busday_count(s, e, holidays=HOL)
    return n - np.is_busday(s, holidays=HOL) + np.is_busday(e, holidays=HOL)


def population(pop: pd.DataFrame, period: Period, lo: int, hi: int) -> float:
    year = period.start_year  # the financial year 2025-26 uses mid-2025 (DfE: previous mid-year)
    years = sorted(y for y in pop["year"].unique() if y <= year)
    p = pop[(pop["year"] == years[-1]) & pop["age"].between(lo, hi)]
    return float(p["population"].sum())


def expected_values(returns, period: Period) -> dict[str, tuple[float, float, float]]:
    """{indicator id: (numerator, denominator, value)} for the quarter ``period``."""
    t = returns.tables
    qs, qe = pd.Timestamp(period.start), pd.Timestamp(period.end)

    def inq(s):
        return (s >= qs) & (s <= qe)

    def open_at(start, end, d=qe):
        return (start <= d) & (end.isna() | (end > d))

    pop = population(t["population"], period, 0, 17)
    pop10 = population(t["population"], period, 10, 17)
    out: dict[str, tuple[float, float, float]] = {}

    ref = t["referrals"]
    n_ref = int(inq(ref["referral_date"]).sum())
    out["CSC-01"] = (n_ref, pop, n_ref / pop * 10_000 * 4)
    # re-referral: some *other* referral of the same child on or before this one (earlier, or the same day
    # with a smaller id) and no more than a year before it
    r = ref[["referral_id", "child_id", "referral_date"]]
    this = r[inq(r["referral_date"])]
    pairs = this.merge(r, on="child_id", suffixes=("", "_other"))
    earlier = (pairs["referral_date_other"] < pairs["referral_date"]) | (
        (pairs["referral_date_other"] == pairs["referral_date"]) & (pairs["referral_id_other"] < pairs["referral_id"]))
    within = pairs["referral_date_other"] >= pairs["referral_date"] - pd.DateOffset(years=1)
    n_re = pairs.loc[earlier & within, "referral_id"].nunique()
    out["CSC-02"] = (n_re, n_ref, 100 * n_re / n_ref)

    a = t["assessments"]
    done = a[inq(a["assessment_authorised"])]
    wd = working_days(done["assessment_start"], done["assessment_authorised"])
    out["CSC-03"] = (int((wd <= 45).sum()), len(done), 100 * (wd <= 45).sum() / len(done))
    out["CSC-04"] = (len(done), np.nan, float(np.median(wd)))
    fac = done["factors"].fillna("").str.split(";")
    expl = fac.map(lambda f: bool({"11A", "24A"} & {x.strip() for x in f}))
    out["CSC-17"] = (int(expl.sum()), np.nan, float(expl.sum()))

    s47 = t["section47"]
    n_s = int(inq(s47["s47_start"]).sum())
    out["CSC-05"] = (n_s, pop, n_s / pop * 10_000 * 4)
    ic = t["icpc"][inq(t["icpc"]["icpc_date"])].merge(s47[["s47_id", "strategy_discussion_date"]], on="s47_id")
    wd_i = working_days(ic["strategy_discussion_date"], ic["icpc_date"])
    out["CSC-06"] = (int((wd_i <= 15).sum()), len(ic), 100 * (wd_i <= 15).sum() / len(ic))

    p = t["cp_plans"]
    on_plan = open_at(p["plan_start"], p["plan_end"])
    out["CSC-07"] = (int(on_plan.sum()), pop, on_plan.sum() / pop * 10_000)
    first = p.groupby("child_id")["plan_start"].transform("min")
    started = inq(p["plan_start"])
    out["CSC-08"] = (int((started & (p["plan_start"] > first)).sum()), int(started.sum()),
                     100 * (started & (p["plan_start"] > first)).sum() / started.sum())
    two = on_plan & (p["plan_start"] <= qe - pd.DateOffset(years=2))
    out["CSC-09"] = (int(two.sum()), int(on_plan.sum()), 100 * two.sum() / on_plan.sum())

    cin = open_at(ref["referral_date"], ref["cin_closure_date"])
    out["CSC-10"] = (int(cin.sum()), pop, cin.sum() / pop * 10_000)

    c = t["cla_periods"]
    lac = open_at(c["cla_start"], c["cla_end"])
    out["CSC-11"] = (int(lac.sum()), pop, lac.sum() / pop * 10_000)
    n_start = c.loc[inq(c["cla_start"]), "child_id"].nunique()
    out["CSC-12"] = (n_start, pop, n_start / pop * 10_000 * 4)
    pl = t["cla_placements"]
    year_start = qe - pd.DateOffset(years=1)
    in_year = pl[(pl["placement_start"] <= qe) & (pl["placement_end"].isna() | (pl["placement_end"] > year_start))]
    moves = in_year.groupby("child_id").size()
    lac_children = set(c.loc[lac, "child_id"])
    unstable = sum(1 for ch, k in moves.items() if k >= 3 and ch in lac_children)
    out["CSC-13"] = (unstable, len(lac_children), 100 * unstable / len(lac_children))

    m = t["missing_episodes"]
    mq = m[inq(m["missing_start"])]
    out["CSC-14"] = (len(mq), np.nan, float(len(mq)))
    out["CSC-15"] = (mq["child_id"].nunique(), np.nan, float(mq["child_id"].nunique()))
    rhi = int((mq["rhi_offered"] == "Y").sum())
    out["CSC-16"] = (rhi, len(mq), 100 * rhi / len(mq))

    part = returns.partner
    head = part[(part["period"] == period.label) & (part["breakdown"] == "total") & (part["group"] == "all")]

    def pr(code):
        row = head[head["indicator"] == code]
        if not len(row):
            return np.nan, np.nan
        return float(row["numerator"].iloc[0]), float(row["denominator"].iloc[0]) if pd.notna(row["denominator"].iloc[0]) else np.nan

    for ind, code in (("POL-01", "POL_DA_CHILDREN"), ("POL-03", "POL_EXPLOITATION"), ("EDU-03", "EDU_CME")):
        n, _ = pr(code)
        out[ind] = (n, np.nan, n)
    for ind, code in (("POL-02", "POL_STRATEGY_ATTEND"), ("HLT-01", "HLT_IHA_20WD"), ("HLT-02", "HLT_RHA_ON_TIME"),
                      ("LADO-01", "LADO_IC_1WD")):
        n, d = pr(code)
        out[ind] = (n, d, 100 * n / d)
    for ind, code in (("EDU-01", "EDU_SUSPENSIONS"), ("EDU-02", "EDU_PERM_EXCL")):
        n, d = pr(code)
        out[ind] = (n, d, n / d * 100 * 4)
    for ind, code in (("HLT-03", "HLT_SELF_HARM"), ("YJS-01", "YJS_FTE")):
        n, _ = pr(code)
        out[ind] = (n, pop10, n / pop10 * 100_000 * 4)
    # early help: assessments started per 10,000 children 0-17 a year; three percentages; step-downs a count
    n, _ = pr("EH_STARTED")
    out["EH-01"] = (n, pop, n / pop * 10_000 * 4)
    for ind, code in (("EH-02", "EH_CLOSED_MET"), ("EH-03", "EH_STEP_UP"), ("EH-05", "EH_REREFERRAL")):
        n, d = pr(code)
        out[ind] = (n, d, 100 * n / d)
    n, _ = pr("EH_STEP_DOWN")
    out["EH-04"] = (n, np.nan, n)

    tr = t["training_attendance"]
    n_att = int((inq(tr["session_date"]) & (tr["attended"] == "Y")).sum())
    out["PART-01"] = (n_att, np.nan, float(n_att))
    au = t["audits"]
    aq = au[inq(au["audit_date"])]
    cases = len(aq[["audit_id", "case_ref"]].drop_duplicates())
    out["PART-02"] = (cases, np.nan, float(cases))
    good = int(aq["grade"].isin(["good", "outstanding"]).sum())
    out["PART-03"] = (good, len(aq), 100 * good / len(aq))
    ac = t["actions"]
    op = open_at(ac["raised_date"], ac["completed_date"])
    late = op & (ac["due_date"] < qe)
    out["PART-04"] = (int(late.sum()), int(op.sum()), 100 * late.sum() / op.sum())
    v = t["voice_responses"]
    vq = v[inq(v["survey_date"]) & v["response"].notna()]
    agree = int((vq["response"] >= 4).sum())
    out["PART-05"] = (agree, len(vq), 100 * agree / len(vq))
    return out
