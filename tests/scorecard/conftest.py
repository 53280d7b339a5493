"""A small returns fixture built to the schemas, for the scorecard tests.

``make_returns()`` gives an object shaped like ``cscp_analysis.returns.load_returns``'s result (``tables``
of typed DataFrames as at the period end, ``partner``, ``commentary``, ``submissions``, ``blocked``),
with a few thousand rows drawn from a fixed seed: big enough for every indicator to have a value in
every quarter, small enough for the tests to stay fast.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cscp_analysis.config import load_partnership
from cscp_analysis.periods import parse_period, period_range

PERIOD = "2025-26-Q4"  # January to March 2026
START = pd.Timestamp("2022-04-01")
END = pd.Timestamp("2026-03-31")


def _dates(rng, n, lo=START, hi=END):
    days = (hi - lo).days + 1
    return lo + pd.to_timedelta(rng.integers(0, days, n), unit="D")


def _as_at(df, start_col, end_cols):
    df = df[df[start_col] <= END].copy()
    for c in end_cols:
        df.loc[df[c] > END, c] = pd.NaT
    return df.reset_index(drop=True)


def make_returns(seed: int = 20260331, period: str = PERIOD):
    rng = np.random.default_rng(seed)
    n_child = 2500
    child = pd.DataFrame({
        "child_id": [f"CH{i:05d}" for i in range(n_child)],
        "date_of_birth": _dates(rng, n_child, pd.Timestamp("2005-01-01"), pd.Timestamp("2025-06-30")),
        "sex": rng.choice(["M", "F"], n_child), "ethnicity": rng.choice(["WBRI", "AIND", "BAFR"], n_child),
        "disability": "N", "uasc": "N",
    })
    # referrals: some children several times, so that re-referrals occur
    n_ref = 4000
    ref = pd.DataFrame({
        "referral_id": [f"R{i:06d}" for i in range(n_ref)],
        "child_id": rng.choice(child["child_id"].to_numpy()[:1800], n_ref),
        "referral_date": _dates(rng, n_ref),
        "referral_source": "6", "primary_need": "N1",
        "referral_outcome": rng.choice(["ASSESSMENT", "NFA", "EARLY_HELP"], n_ref, p=[0.7, 0.2, 0.1]),
    })
    ref["cin_closure_date"] = ref["referral_date"] + pd.to_timedelta(rng.integers(0, 400, n_ref), unit="D")
    ref = _as_at(ref, "referral_date", ["cin_closure_date"])
    # assessments for referrals that led to one
    a_src = ref[ref["referral_outcome"] == "ASSESSMENT"].reset_index(drop=True)
    na = len(a_src)
    start = a_src["referral_date"] + pd.to_timedelta(rng.integers(0, 4, na), unit="D")
    ass = pd.DataFrame({
        "assessment_id": [f"A{i:06d}" for i in range(na)], "referral_id": a_src["referral_id"],
        "child_id": a_src["child_id"], "assessment_start": start,
        "assessment_authorised": start + pd.to_timedelta(rng.integers(5, 90, na), unit="D"),
        "factors": rng.choice(["3B;4B", "16A", "11A", "3B;24A", "2B", "11A;24A", ""], na,
                              p=[0.3, 0.25, 0.05, 0.05, 0.25, 0.02, 0.08]),
        "assessment_outcome": rng.choice(["CIN_PLAN", "S47", "NFA"], na, p=[0.4, 0.3, 0.3]),
    })
    ass = _as_at(ass, "assessment_start", ["assessment_authorised"])
    ass.loc[ass["assessment_authorised"].isna(), ["factors", "assessment_outcome"]] = None
    ass["factors"] = ass["factors"].replace("", None)
    # section 47 enquiries, conferences
    s_src = ass[ass["assessment_outcome"] == "S47"].reset_index(drop=True)
    ns = len(s_src)
    strat = s_src["assessment_start"] + pd.to_timedelta(rng.integers(0, 10, ns), unit="D")
    s47 = pd.DataFrame({
        "s47_id": [f"S{i:06d}" for i in range(ns)], "referral_id": s_src["referral_id"], "child_id": s_src["child_id"],
        "strategy_discussion_date": strat, "s47_start": strat + pd.to_timedelta(rng.integers(0, 2, ns), unit="D"),
    })
    s47["s47_end"] = s47["s47_start"] + pd.to_timedelta(rng.integers(3, 20, ns), unit="D")
    s47["icpc_required"] = rng.choice(["Y", "N"], ns, p=[0.5, 0.5])
    s47 = _as_at(s47, "s47_start", ["s47_end"])
    s47.loc[s47["s47_end"].isna(), "icpc_required"] = None
    i_src = s47[s47["icpc_required"] == "Y"].reset_index(drop=True)
    ni = len(i_src)
    icpc = pd.DataFrame({
        "icpc_id": [f"I{i:06d}" for i in range(ni)], "s47_id": i_src["s47_id"], "child_id": i_src["child_id"],
        "icpc_date": i_src["strategy_discussion_date"] + pd.to_timedelta(rng.integers(7, 35, ni), unit="D"),
        "plan_made": rng.choice(["Y", "N"], ni, p=[0.8, 0.2]),
    })
    icpc = _as_at(icpc, "icpc_date", [])
    # plans: from conferences, plus older plans (before the extract) for some of the same children
    p_src = icpc[icpc["plan_made"] == "Y"].reset_index(drop=True)
    npl = len(p_src)
    old = p_src.sample(frac=0.25, random_state=1).reset_index(drop=True)
    plans = pd.concat([
        pd.DataFrame({"child_id": p_src["child_id"], "icpc_id": p_src["icpc_id"], "plan_start": p_src["icpc_date"],
                      "plan_end": p_src["icpc_date"] + pd.to_timedelta(rng.integers(60, 1000, npl), unit="D")}),
        pd.DataFrame({"child_id": old["child_id"], "icpc_id": None,
                      "plan_start": _dates(rng, len(old), pd.Timestamp("2017-01-01"), pd.Timestamp("2021-12-31")),
                      "plan_end": pd.NaT}),
    ], ignore_index=True)
    long_open = plans["icpc_id"].isna()
    plans.loc[long_open, "plan_end"] = plans.loc[long_open, "plan_start"] + pd.to_timedelta(
        rng.integers(100, 2400, long_open.sum()), unit="D")
    plans = plans.sort_values(["plan_start", "child_id"], kind="stable").reset_index(drop=True)
    plans.insert(0, "plan_id", [f"P{i:06d}" for i in range(len(plans))])
    plans["category"] = rng.choice(["NEG", "EMO", "PHY"], len(plans))
    plans = _as_at(plans, "plan_start", ["plan_end"])
    # periods of care and placements
    n_cla = 260
    cla_child = rng.choice(child["child_id"].to_numpy(), n_cla, replace=False)
    cla_start = _dates(rng, n_cla, pd.Timestamp("2019-01-01"), END)
    cla = pd.DataFrame({"cla_id": [f"L{i:05d}" for i in range(n_cla)], "child_id": cla_child, "cla_start": cla_start,
                        "cla_end": cla_start + pd.to_timedelta(rng.integers(30, 2000, n_cla), unit="D"),
                        "legal_status": "C2", "category_of_need": "N1"})
    cla = _as_at(cla, "cla_start", ["cla_end"])
    rows = []
    k = 0
    n_pl = rng.integers(1, 6, len(cla))
    for (cid, ch, s, e), m in zip(cla[["cla_id", "child_id", "cla_start", "cla_end"]].itertuples(index=False), n_pl, strict=False):
        stop = e if pd.notna(e) else END
        cuts = sorted(_dates(rng, int(m) - 1, s, stop)) if m > 1 and stop > s else []
        bounds = [s, *cuts, e]
        for j in range(len(bounds) - 1):
            rows.append((f"PL{k:06d}", cid, ch, bounds[j], bounds[j + 1], "FOSTER"))
            k += 1
    pl = pd.DataFrame(rows, columns=["placement_id", "cla_id", "child_id", "placement_start", "placement_end",
                                     "placement_type"])
    pl = _as_at(pl, "placement_start", ["placement_end"])
    # missing episodes
    n_m = 1500
    ms = _dates(rng, n_m)
    miss = pd.DataFrame({"missing_id": [f"M{i:06d}" for i in range(n_m)],
                         "child_id": rng.choice(child["child_id"].to_numpy()[:400], n_m),
                         "missing_start": ms, "missing_end": ms + pd.to_timedelta(rng.integers(0, 3, n_m), unit="D"),
                         "looked_after": rng.choice(["Y", "N"], n_m), "rhi_offered": rng.choice(["Y", "N"], n_m, p=[0.9, 0.1])})
    miss["rhi_date"] = pd.NaT
    miss = _as_at(miss, "missing_start", ["missing_end", "rhi_date"])
    # population
    pop = pd.DataFrame([(y, a, s, "WBRI", 1000 + 10 * (y - 2020) + a) for y in range(2020, 2026) for a in range(18)
                        for s in ("M", "F")], columns=["year", "age", "sex", "ethnicity", "population"])
    # registers
    n_t = 900
    train = pd.DataFrame({"booking_id": [f"TB-{i:06d}" for i in range(n_t)], "course": "Neglect",
                          "session_date": _dates(rng, n_t), "agency": rng.choice(["POLICE", "HEALTH", "EDUCATION"], n_t),
                          "attended": rng.choice(["Y", "N"], n_t, p=[0.8, 0.2])})
    aud_rows = []
    for p in period_range("2022-23-Q1", period):
        d = pd.Timestamp(p.start) + pd.Timedelta(days=40)
        for c in range(8):
            for ag in ("CSC", "POLICE", "HEALTH"):
                for loe in ("Voice of the child", "Risk"):
                    aud_rows.append((f"MACA-{p.label}", d, "Neglect", f"CASE-{c:02d}", ag, loe,
                                     rng.choice(["outstanding", "good", "requires_improvement", "inadequate"],
                                                p=[0.1, 0.6, 0.2, 0.1])))
    audits = pd.DataFrame(aud_rows, columns=["audit_id", "audit_date", "theme", "case_ref", "agency", "line_of_enquiry", "grade"])
    n_ac = 200
    raised = _dates(rng, n_ac)
    actions = pd.DataFrame({"action_id": [f"ACT-{i:04d}" for i in range(n_ac)], "source_type": "AUDIT", "source_ref": "x",
                            "description": "d", "owner_agency": "CSC", "raised_date": raised,
                            "due_date": raised + pd.to_timedelta(rng.integers(30, 200, n_ac), unit="D"),
                            "completed_date": raised + pd.to_timedelta(rng.integers(10, 400, n_ac), unit="D")})
    actions = _as_at(actions, "raised_date", ["completed_date"])
    actions["status"] = np.where(actions["completed_date"].isna(), "open", "complete")
    n_v = 1200
    voice = pd.DataFrame({"response_id": [f"YVM-{i:05d}" for i in range(n_v)], "survey_date": _dates(rng, n_v),
                          "setting": "School", "age_band": "11-13", "item_id": "Q1", "item": "I know who to talk to",
                          "response": pd.array(rng.choice([1, 2, 3, 4, 5, None], n_v), dtype="Int64")})
    for df in (ref, ass, s47, icpc, plans, cla, pl, miss, train, audits, actions, voice):
        for c in df.columns:
            if "date" in c or c.endswith(("_start", "_end", "_authorised")):
                df[c] = pd.to_datetime(df[c]).astype("datetime64[ns]")
    tables = {"children": child, "referrals": ref, "assessments": ass, "section47": s47, "icpc": icpc,
              "cp_plans": plans, "cla_periods": cla, "cla_placements": pl, "missing_episodes": miss,
              "population": pop, "training_attendance": train, "audits": audits, "actions": actions,
              "voice_responses": voice}
    # partners' quarterly returns
    cfg = load_partnership()
    prow = []
    for p in period_range("2023-24-Q1", period):
        for code, spec in cfg.partner_indicators.items():
            if spec["type"] == "count":
                num, den = int(rng.integers(20, 200)), None
            elif spec["type"] == "percentage":
                den = int(rng.integers(40, 120))
                num = int(rng.integers(int(den * 0.7), den + 1))
            else:
                den = 40000
                num = int(rng.integers(400, 1200)) if code == "EDU_SUSPENSIONS" else int(rng.integers(3, 15))
            prow.append((p.label, spec["agency"], code, "total", "all", num, den))
            prow.append((p.label, spec["agency"], code, "sex", "F", num // 2, None if den is None else den // 2))
    partner = pd.DataFrame(prow, columns=["period", "agency", "indicator", "breakdown", "group", "numerator", "denominator"])
    partner["numerator"] = partner["numerator"].astype("Int64")
    partner["denominator"] = partner["denominator"].astype("Int64")
    # a quarter whose health return never arrived
    partner = partner[~((partner["agency"] == "HEALTH") & (partner["period"] == "2024-25-Q2"))].reset_index(drop=True)
    com = [(period, spec["agency"], code, f"Commentary on {code}.", "Head of Service")
           for code, spec in cfg.partner_indicators.items() if code != "HLT_RHA_ON_TIME"]
    com.append((period, "CSC", "CSC-03", "Timeliness has dipped because of staffing.", "Head of Service"))
    com.append((period, "POLICE", None, "Overall the quarter was steady.", "Superintendent"))
    commentary = pd.DataFrame(com, columns=["period", "agency", "indicator", "commentary", "author_role"])
    return SimpleNamespace(tables=tables, partner=partner, commentary=commentary, submissions=pd.DataFrame(),
                           blocked={}, period=parse_period(period), data_dir="fixture")


@pytest.fixture(scope="session")
def fixture_returns():
    return make_returns()


@pytest.fixture(scope="session")
def config():
    return load_partnership()


@pytest.fixture(scope="session")
def fixture_scorecard(fixture_returns, config):
    from cscp_analysis.scorecard import compute

    return compute(fixture_returns, PERIOD, config)


def only(config, *ids):
    """The shipped indicators with these ids (to compute a few quickly)."""
    from cscp_analysis.scorecard import load_indicators

    return [i for i in load_indicators(config=config) if i.id in ids]
