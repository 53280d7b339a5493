"""The record-level children's social care extract of the demo partnership.

What is modelled (children-in-need census and Ofsted Annex A, SSDA903 for care):

* **Referrals** arrive for children of each age, sex and ethnicity at a rate per child per year that
  depends on age (under-1s highest) and sex, and is the same for every ethnic group except the
  injected under-referral (``effects``). A child's episode of need closes when its last stage ends;
  after it closes the child may be referred again (43% of episodes), often within months, which gives
  re-referrals within 12 months of about a fifth of referrals.
* **After referral** every decision is a draw with a fixed probability, the same for every child
  whatever their age, sex or ethnicity, except the injected assessment -> section 47 effect:
  referral -> assessment (90%); assessment -> section 47 enquiry (40%), otherwise no further action,
  step down or a child-in-need plan; section 47 -> initial child protection conference (32%);
  conference -> child protection plan (90%); entry to care from a plan (20%), from a child-in-need plan
  (8%) or in an emergency during a section 47 enquiry (6%).
* **Durations**: assessments in working days (mostly within 45; the injected decline in timeliness
  over the last six quarters), strategy discussion to conference in working days (about 84% within
  15, as Coventry), plans (a mixture calibrated on Coventry's plans at 31 March by duration),
  periods of care (return home, proceedings, adoption for young children, or until 18), placements
  within care (a move about every two years), missing episodes from home or care.
* **History**: the simulation starts eight years before the extract (1 April 2014) and, for long
  periods of care, with children who entered care up to 18 years earlier, so that on 1 April 2022
  the stock of children in need, on plans and looked after is in steady state. The extract holds
  referrals from 1 April 2022 and those still open then, with everything downstream; every plan and
  period of care of the children in it, however old (for repeat plans and durations); and some earlier
  plans for children with a plan (calibrated to Coventry's 25% second or subsequent plans).

Calibrated on Coventry's published figures (``published``; years ending 31 March 2023-2025): referrals
about 575 per 10,000 children a year, re-referrals about 19%, conferences about 68 and plans starting
about 61 per 10,000, about 52 per 10,000 on a plan and 405 in need at 31 March, looked after at
31 March about 90 per 10,000, starting about 34 per 10,000 (``calibration`` measures these in the
written files; the demo's README shows them beside Coventry's). Section 47 enquiries are deliberately
lower than Coventry's (about 210 rather than 290-315 per 10,000), so that the injected 1.8x
decision-point effect remains a probability.

Everything is vectorised over records; the only loops are over generations of re-referral (a few
dozen at most) and over the dozen assessment factors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..periods import Period, parse_period
from . import _dates as D
from ._write import LazyTable
from .effects import Effect, effect
from .population import ETH, Population

__all__ = ["Extract", "generate_extract", "SOURCES", "NEEDS"]

from .csc_codes import (  # noqa: F401  (re-exported: the codes in array order)
    ASS_OUTCOMES,
    CATEGORIES,
    DISABILITY_CODES,
    ETH_ALL,
    FACTORS,
    LEGAL,
    NEEDS,
    NEVER,
    PLACEMENTS,
    REF_OUTCOMES,
    SEX_CODES,
    SOURCES,
)

# --- calibration (see the module docstring and data_raw/demo/README.md) ----------------------------
REFERRAL_RATE = 0.0362  # first referrals per child per year at age and sex multiplier 1
AGE_MULT = np.array([2.6, 0.9, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 1.05, 1.1, 1.15, 1.15, 1.15, 1.1, 1.0, 0.9])
SEX_MULT = np.array([1.04, 0.96])
MAX_REFERRAL_AGE_DAYS = int(17.5 * 365.25)  # no referral in the six months before the 18th birthday
P_SEX_UNKNOWN_UNDER_1 = 0.03  # sex not recorded, children under 1 at their first referral
P_DISABLED, P_DISABILITY_UNKNOWN = 0.11, 0.02
# DfE disability codes of disabled children (weights, assumed; several codes a child in 30% of cases).
_DISABILITY_CODE_SHARES = {"MOB": 0.06, "HAND": 0.02, "PC": 0.03, "INC": 0.02, "COMM": 0.14, "LD": 0.22, "HEAR": 0.04,
                           "VIS": 0.03, "BEH": 0.14, "CON": 0.02, "AUT": 0.22, "DDA": 0.06}
P_SECOND_DISABILITY_CODE = 0.30

# Source of referral: CIN census-like shares (police about 30%, schools 20%, health 14%, LA 12%, ...).
_SOURCE_SHARES = {"1A": 0.035, "1B": 0.005, "1C": 0.01, "1D": 0.01, "2A": 0.19, "2B": 0.02, "3A": 0.02, "3B": 0.02,
                  "3C": 0.005, "3D": 0.015, "3E": 0.03, "3F": 0.05, "4": 0.02, "5A": 0.05, "5B": 0.02, "5C": 0.04,
                  "5D": 0.03, "6": 0.29, "7": 0.04, "8": 0.035, "9": 0.01, "10": 0.005}
_NEED_SHARES = (0.52, 0.05, 0.03, 0.12, 0.15, 0.04, 0.005, 0.02, 0.05, 0.015)
P_REF_OUTCOME = (0.90, 0.04, 0.04, 0.02)
ASSESSMENT_START_DELAY = ((0, 1, 2, 3, 4, 5), (0.45, 0.30, 0.10, 0.07, 0.05, 0.03))  # working days after referral
P_NON_S47_OUTCOME = (0.32, 0.0, 0.50, 0.18)  # CIN_PLAN, (S47), NFA, STEP_DOWN among assessments not going to s47
P_ICPC = 0.32
P_PLAN = 0.90
P_EMERGENCY_CARE = 0.06  # section 47 enquiries without a conference where the child enters care at once
P_CIN_AFTER_S47 = 0.5
P_PLAN_TO_CARE = 0.20
P_STEP_DOWN = 0.7  # plans ending (not in care) followed by a child-in-need plan
P_CIN_TO_CARE = 0.08
P_NEXT_REFERRAL = 0.43
# Working days from strategy discussion to the conference: (low, high, probability).
ICPC_DELAY = ((5, 10, 0.04), (11, 15, 0.80), (16, 20, 0.09), (21, 35, 0.07))
# Plan durations in days: (low, high, probability).
PLAN_DURATION = ((30, 90, 0.10), (91, 183, 0.25), (184, 365, 0.35), (366, 730, 0.25), (731, 1100, 0.05))
_CATEGORY_SHARES = (0.50, 0.34, 0.08, 0.04, 0.04)
P_PRIOR_PLAN = 0.30  # children with a plan who had an earlier one before the simulation (age 2 and over)
# Factors at the end of assessment: probability when the assessment ends in NFA / otherwise; min age.
_FACTOR_P = {"3B": (0.25, 0.45, 0), "4B": (0.25, 0.42, 0), "2B": (0.10, 0.22, 0), "16A": (0.08, 0.30, 0),
             "17A": (0.10, 0.30, 0), "18C": (0.04, 0.12, 0), "19C": (0.02, 0.06, 0), "11A": (0.01, 0.05, 10),
             "24A": (0.02, 0.07, 10), "13A": (0.01, 0.03, 11), "10A": (0.03, 0.08, 8), "15A": (0.03, 0.07, 10)}
# Missing episodes: episodes per child-year at propensity 1; looked-after multiplier; age factors.
MISSING_RATE = 0.41
MISSING_SHAPE = 0.8  # gamma shape of children's propensity (a few children go missing often)
MISSING_CARE_MULT = 2.1
_MISSING_AGE = np.array([0, 0, 0, 0, 0, 0, 0, 0, 0.15, 0.2, 0.3, 0.6, 1.0, 1.3, 1.6, 1.6, 1.5, 1.3])
PLACEMENT_MOVES_PER_YEAR = 0.45


# --- small helpers ------------------------------------------------------------------------------

def _choice(rng: np.random.Generator, n: int, probs) -> np.ndarray:
    p = np.asarray(probs, dtype=float)
    cum = np.cumsum(p / p.sum())
    cum[-1] = 1.0
    return np.searchsorted(cum, rng.random(n), side="right").astype(np.int64)


def _banded(rng: np.random.Generator, n: int, bands) -> np.ndarray:
    """Integers drawn from a mixture of uniform bands ((low, high, probability), inclusive)."""
    k = _choice(rng, n, [b[2] for b in bands])
    lo = np.array([b[0] for b in bands])[k]
    hi = np.array([b[1] for b in bands])[k]
    return lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(np.int64)


def _lognormal_days(rng: np.random.Generator, n: int, median: float, sigma: float, lo: int = 1) -> np.ndarray:
    return np.maximum(lo, np.rint(median * np.exp(sigma * rng.standard_normal(n)))).astype(np.int64)


def _cat(*arrays) -> np.ndarray:
    return np.concatenate([np.asarray(a) for a in arrays]) if arrays else np.array([], dtype=np.int64)


@dataclass
class _Kids:
    """The simulated children (every one, kept or not): characteristics by index."""

    dob: list = field(default_factory=list)
    sex: list = field(default_factory=list)
    eth: list = field(default_factory=list)
    dis: list = field(default_factory=list)

    def add(self, dob, sex, eth, dis) -> np.ndarray:
        start = self.n
        self.dob.append(np.asarray(dob, np.int64))
        self.sex.append(np.asarray(sex, np.int8))
        self.eth.append(np.asarray(eth, np.int8))
        self.dis.append(np.asarray(dis, np.int8))
        self._cache = None
        return np.arange(start, self.n)

    @property
    def n(self) -> int:
        return int(sum(len(a) for a in self.dob))

    def arrays(self):
        if getattr(self, "_cache", None) is None:
            dob = _cat(*self.dob)
            self._cache = (dob, _cat(*self.sex), _cat(*self.eth), _cat(*self.dis), D.add_years(dob, 18))
        return self._cache


@dataclass
class _Ctx:
    """Dates and effect parameters shared by every stage."""

    x0: int  # first day of the extract's history (1 April 2022)
    b0: int  # first day of the simulation (four years earlier)
    end: int  # last day of the extract
    on_time_q: np.ndarray  # quarter indices ...
    on_time_p: np.ndarray  # ... and the probability an assessment is completed within 45 working days
    s47_groups: np.ndarray  # ethnicity indices of the s47 effect
    s47_base: float
    s47_factor: float
    referral_groups: np.ndarray
    referral_factor: float
    spike_month: int  # month number of the missing-episodes special cause
    spike_factor: float
    missing_eth: dict

    def on_time(self, q: np.ndarray) -> np.ndarray:
        return np.interp(q, self.on_time_q, self.on_time_p)


def _context(first: Period, last: Period, effects: list[Effect]) -> _Ctx:
    x0 = D.day(first.shift(-4).start)
    end = D.day(last.end)
    tl = effect("assessment_timeliness_decline", effects)
    decline = [parse_period(p) for p in tl.periods]
    base, final = tl.detail["baseline"], tl.detail["final"]
    qs = [D.period_index(decline[0].previous())] + [D.period_index(p) for p in decline]
    ps = [base] + [base - (base - final) * (k + 1) / len(decline) for k in range(len(decline))]
    s47 = effect("s47_decision_point", effects)
    ref = effect("referral_under_representation", effects)
    spike = effect("missing_special_cause", effects)
    y, m = (int(x) for x in spike.periods[0].split("-"))
    return _Ctx(
        x0=x0, b0=D.day(first.shift(-36).start), end=end,
        on_time_q=np.array(qs, float), on_time_p=np.array(ps, float),
        s47_groups=np.array([ETH.index(g) for g in s47.groups]), s47_base=s47.detail["base_probability"],
        s47_factor=s47.factor,
        referral_groups=np.array([ETH.index(g) for g in ref.groups]), referral_factor=ref.factor,
        spike_month=(y - 1970) * 12 + m - 1, spike_factor=spike.factor,
        missing_eth=effect("missing_ethnicity", effects).detail,
    )


# --- one generation of referrals and everything downstream -----------------------------------------

_TABLES = {
    "ref": ("child", "rdate", "source", "need", "outcome", "closure", "route"),
    "ass": ("ref", "child", "start", "auth", "outcome", "factors"),
    "s47": ("ref", "child", "strategy", "start", "end", "icpc_req"),
    "icpc": ("s47", "ref", "child", "date", "plan_made"),
    "plan": ("icpc", "ref", "child", "start", "end", "category"),
    "cla": ("ref", "child", "start", "end", "legal", "need", "route"),
}


def _empty() -> dict[str, dict[str, list]]:
    return {t: {c: [] for c in cols} for t, cols in _TABLES.items()}


def _source(rng, age: np.ndarray) -> np.ndarray:
    shares = np.array([_SOURCE_SHARES[s] for s in SOURCES])
    young = shares.copy()
    i2a, i2b, i3b = SOURCES.index("2A"), SOURCES.index("2B"), SOURCES.index("3B")
    young[i3b] += young[i2a] * 0.6 + young[i2b] * 0.5  # under-5s: health visitors rather than schools
    young[SOURCES.index("5D")] += young[i2a] * 0.4 + young[i2b] * 0.5
    young[[i2a, i2b]] = 0
    out = _choice(rng, len(age), shares)
    is_young = age < 5
    out[is_young] = _choice(rng, int(is_young.sum()), young)
    return out


def _cla_duration(rng, n: int, age: np.ndarray) -> np.ndarray:
    """Days in care (before the cap at 18): return home, proceedings, adoption (young children) or long term."""
    u = rng.random(n)
    dur = np.full(n, NEVER, dtype=np.int64)
    short = u < 0.39
    medium = (u >= 0.39) & (u < 0.61)
    adopt = (u >= 0.61) & (u < 0.85) & (age < 4)
    long_ = ~(short | medium | adopt)
    dur[short] = _lognormal_days(rng, int(short.sum()), 110, 0.9, 3)
    dur[medium] = _lognormal_days(rng, int(medium.sum()), 480, 0.45, 60)
    dur[adopt] = _lognormal_days(rng, int(adopt.sum()), 700, 0.3, 200)
    to_18 = long_ & ((age >= 8) | (rng.random(n) < 0.6))
    fixed = long_ & ~to_18
    dur[fixed] = _lognormal_days(rng, int(fixed.sum()), 5.5 * 365, 0.5, 365)
    return dur


def _process(rng, kids: _Kids, refs: dict, ctx: _Ctx) -> tuple[dict, np.ndarray]:
    """Everything downstream of a batch of referrals; returns the tables and each referral's closure day."""
    dob_all, _, eth_all, _, b18_all = kids.arrays()
    child, r, route = refs["child"], refs["rdate"], refs["route"]
    n = len(child)
    b18, eth = b18_all[child], eth_all[child]
    age = D.age_years(dob_all[child], r)
    out = {t: {} for t in _TABLES}
    closure = r.copy()

    # referral
    source = _source(rng, age)
    outcome = _choice(rng, n, P_REF_OUTCOME)
    outcome[route > 0] = 0
    need = _choice(rng, n, _NEED_SHARES)
    need[(outcome == 1) | (outcome == 3)] = -1
    eh = outcome == 2
    closure[eh] = r[eh] + rng.integers(0, 4, int(eh.sum()))

    # assessment
    ai = np.flatnonzero(outcome == 0)
    na = len(ai)
    a_start = D.add_working_days(r[ai], _choice(rng, na, ASSESSMENT_START_DELAY[1]))
    on_time = rng.random(na) < ctx.on_time(D.quarter_index(a_start + 40))
    dur = np.where(on_time, 8 + np.floor(38 * rng.beta(2.2, 1.3, na)).astype(np.int64),
                   46 + np.minimum(rng.geometric(1 / 14, na) - 1, 90))
    dur = np.minimum(dur, np.where(on_time, 45, 136))
    a_auth = D.add_working_days(a_start, dur)
    p47 = np.full(na, ctx.s47_base)
    p47[np.isin(eth[ai], ctx.s47_groups)] *= ctx.s47_factor
    to_s47 = rng.random(na) < p47
    a_out = np.where(to_s47, 1, _choice(rng, na, P_NON_S47_OUTCOME))
    a_route = route[ai]
    a_out[(a_route == 1) | (a_route == 3)] = 1
    a_out[a_route == 2] = 0
    ends = (a_out == 2) | (a_out == 3)
    closure[ai[ends]] = a_auth[ends] + rng.integers(0, 3, int(ends.sum()))
    a_age = age[ai]
    factors = np.zeros(na, dtype=np.int64)
    for bit, code in enumerate(FACTORS):
        p_nfa, p_other, min_age = _FACTOR_P[code]
        p = np.where(a_out == 2, p_nfa, p_other) * (a_age >= min_age)
        factors |= (rng.random(na) < p).astype(np.int64) << bit
    out["ass"] = {"ref": ai, "child": child[ai], "start": a_start, "auth": a_auth, "outcome": a_out, "factors": factors}

    # section 47
    sj = np.flatnonzero(a_out == 1)
    si = ai[sj]
    ns = len(si)
    s_route = route[si]
    strategy = D.add_working_days(a_auth[sj], _choice(rng, ns, (0.6, 0.3, 0.1)))
    d_start = _choice(rng, ns, (0.85, 0.15))
    s_start = D.add_working_days(strategy, d_start)
    icpc_req = rng.random(ns) < P_ICPC
    icpc_req[s_route == 1] = True
    icpc_req[s_route == 3] = False
    d_icpc = np.maximum(_banded(rng, ns, ICPC_DELAY), d_start + 2)
    d_end = np.where(icpc_req, np.maximum(d_start, d_icpc - rng.integers(1, 5, ns)), d_start + rng.integers(3, 26, ns))
    s_end = D.add_working_days(strategy, d_end)
    emergency = ~icpc_req & (rng.random(ns) < P_EMERGENCY_CARE)
    emergency[s_route == 3] = True
    cin_after = ~icpc_req & ~emergency & (rng.random(ns) < P_CIN_AFTER_S47)
    no_icpc = ~icpc_req
    closure[si[no_icpc]] = s_end[no_icpc]
    out["s47"] = {"ref": si, "child": child[si], "strategy": strategy, "start": s_start, "end": s_end,
                  "icpc_req": icpc_req.astype(np.int8)}

    # initial child protection conference
    kk = np.flatnonzero(icpc_req)
    ki = si[kk]
    nk = len(ki)
    i_date = D.add_working_days(strategy[kk], d_icpc[kk])
    plan_made = rng.random(nk) < P_PLAN
    plan_made[route[ki] == 1] = True
    out["icpc"] = {"s47": kk, "ref": ki, "child": child[ki], "date": i_date, "plan_made": plan_made.astype(np.int8)}

    # child protection plan
    pp = np.flatnonzero(plan_made)
    pi = ki[pp]
    npl = len(pi)
    p_start = i_date[pp]
    p_end = np.minimum(p_start + _banded(rng, npl, PLAN_DURATION), b18[pi])
    p_cla = (rng.random(npl) < P_PLAN_TO_CARE) | (route[pi] == 1)
    p_cla &= p_end < b18[pi] - 30
    step = ~p_cla & (rng.random(npl) < P_STEP_DOWN)
    plain = ~p_cla & ~step
    closure[pi[plain]] = p_end[plain]
    out["plan"] = {"icpc": pp, "ref": pi, "child": child[pi], "start": p_start, "end": p_end,
                   "category": _choice(rng, npl, _CATEGORY_SHARES)}

    # child-in-need plans: after assessment, after s47 without conference, after a conference without a
    # plan, and stepping down from a plan
    no_plan = ~plan_made
    c_ref = _cat(ai[a_out == 0], si[cin_after], ki[no_plan], pi[step])
    c_start = _cat(a_auth[a_out == 0], s_end[cin_after], i_date[no_plan], p_end[step])
    kind = _cat(np.zeros(int((a_out == 0).sum())), np.zeros(int(cin_after.sum())), np.zeros(int(no_plan.sum())),
                np.ones(int(step.sum()))).astype(bool)
    nc = len(c_ref)
    c_dur = np.where(kind, _lognormal_days(rng, nc, 120, 0.6, 14), np.minimum(_lognormal_days(rng, nc, 290, 0.75, 20), 1460))
    c_end = np.minimum(c_start + c_dur, b18[c_ref])
    c_cla = ~kind & ((rng.random(nc) < P_CIN_TO_CARE) | (route[c_ref] == 2))
    c_cla_start = c_start + np.floor((0.05 + 0.9 * rng.random(nc)) * (c_end - c_start)).astype(np.int64)
    c_cla &= c_cla_start < b18[c_ref] - 30
    closure[c_ref[~c_cla]] = c_end[~c_cla]

    # care: from a plan, in an emergency during a section 47 enquiry, from a child-in-need plan
    e_ref = si[emergency]
    l_ref = _cat(pi[p_cla], e_ref, c_ref[c_cla])
    l_start = _cat(p_end[p_cla], s_start[emergency] + rng.integers(0, 3, len(e_ref)), c_cla_start[c_cla])
    l_route = _cat(np.full(int(p_cla.sum()), 1), np.full(len(e_ref), 3), np.full(int(c_cla.sum()), 2))
    nl = len(l_ref)
    l_child = child[l_ref]
    l_age = D.age_years(dob_all[l_child], l_start)
    l_end = np.minimum(l_start + _cla_duration(rng, nl, l_age), b18[l_ref])
    legal = np.zeros(nl, dtype=np.int64)
    for code, probs in ((1, (0.75, 0.10, 0.03, 0.12, 0.0, 0.0)), (3, (0.35, 0.0, 0.0, 0.20, 0.45, 0.0)),
                        (2, (0.20, 0.04, 0.0, 0.70, 0.0, 0.06))):
        m = l_route == code
        legal[m] = _choice(rng, int(m.sum()), probs)
    legal[(legal == LEGAL.index("J2")) & (l_age < 10)] = LEGAL.index("V2")
    legal[(legal == LEGAL.index("E1")) & (l_age >= 5)] = LEGAL.index("C2")
    l_need = _choice(rng, nl, (0.62, 0.07, 0.03, 0.08, 0.13, 0.03, 0.005, 0.035, 0.0, 0.005))
    closure[e_ref] = s_end[emergency]
    closure[l_ref] = np.maximum(closure[l_ref], l_end)
    out["cla"] = {"ref": l_ref, "child": l_child, "start": l_start, "end": l_end, "legal": legal, "need": l_need,
                  "route": l_route}

    closure = np.minimum(closure, b18)
    out["ref"] = {"child": child, "rdate": r, "source": source, "need": need, "outcome": outcome, "closure": closure,
                  "route": route}
    return out, closure


def _next_referrals(rng, kids: _Kids, child: np.ndarray, closure: np.ndarray, ctx: _Ctx) -> dict:
    dob_all = kids.arrays()[0]
    n = len(child)
    again = (closure <= ctx.end) & (rng.random(n) < P_NEXT_REFERRAL)
    soon = rng.random(n) < 0.66
    gap = np.where(soon, 5 + rng.exponential(80, n), 300 + rng.exponential(550, n)).astype(np.int64)
    nd = closure + gap
    keep = again & (nd <= ctx.end) & (nd - dob_all[child] < MAX_REFERRAL_AGE_DAYS)
    return {"child": child[keep], "rdate": nd[keep], "route": np.zeros(int(keep.sum()), dtype=np.int64)}


def _simulate(rng, kids: _Kids, gen0: dict, ctx: _Ctx, max_generations: int = 40) -> dict:
    """Referral chains from ``gen0`` until no child is referred again; indices global to the result."""
    acc = _empty()
    offsets = {t: 0 for t in _TABLES}
    pending = gen0
    for _ in range(max_generations):
        if len(pending["child"]) == 0:
            break
        tables, closure = _process(rng, kids, pending, ctx)
        # shift the batch's row references into the accumulated tables
        for t, cols in tables.items():
            for c, v in cols.items():
                if c == "ref":
                    v = v + offsets["ref"]
                elif c == "s47" and t == "icpc":
                    v = v + offsets["s47"]
                elif c == "icpc" and t == "plan":
                    v = v + offsets["icpc"]
                acc[t][c].append(v)
        for t in _TABLES:
            offsets[t] += len(tables[t]["child"])
        pending = _next_referrals(rng, kids, pending["child"], closure, ctx)
    return {t: {c: _cat(*v) if v else np.array([], np.int64) for c, v in cols.items()} for t, cols in acc.items()}


def _concat_sims(a: dict, b: dict) -> dict:
    """Both simulations' tables, ``b``'s row references shifted after ``a``'s."""
    shift = {t: len(a[t]["child"]) for t in _TABLES}
    out = {}
    for t, cols in _TABLES.items():
        out[t] = {}
        for c in cols:
            v = b[t][c]
            if c == "ref":
                v = v + shift["ref"]
            elif c == "s47" and t == "icpc":
                v = v + shift["s47"]
            elif c == "icpc" and t == "plan":
                v = v + shift["icpc"]
            out[t][c] = _cat(a[t][c], v)
    return out


def _select(sim: dict, keep: dict[str, np.ndarray]) -> dict:
    """Keep rows of ``sim`` (boolean masks by table), renumbering row references (-1 where dropped)."""
    newidx = {t: np.cumsum(keep[t]) - 1 for t in keep}
    out = {}
    for t, cols in sim.items():
        k = keep[t]
        out[t] = {}
        for c, v in cols.items():
            v = v[k]
            for parent, col in (("ref", "ref"), ("s47", "s47"), ("icpc", "icpc")):
                if c == col and t != parent:
                    v = np.where(keep[parent][v], newidx[parent][v], -1)
            out[t][c] = v
    return out


# --- first referrals from the population -------------------------------------------------------

def _index_referrals(rng, pop: Population, kids: _Kids, ctx: _Ctx) -> dict:
    """First referrals of children in each month from the simulation start to the extract's end."""
    months = np.arange(D.month_number(np.array([ctx.b0]))[0], D.month_number(np.array([ctx.end]))[0] + 1)
    bounds = (_cat(months, [months[-1] + 1]).astype("datetime64[M]").astype("datetime64[D]")
              - np.datetime64("1970-01-01", "D")).astype(np.int64)
    mstart, mdays = bounds[:-1], np.diff(bounds)
    year = months // 12 + 1970
    month = months % 12 + 1
    est_year = np.where(month >= 7, year, year - 1)
    eth_mult = np.ones(len(ETH))
    eth_mult[ctx.referral_groups] = ctx.referral_factor
    cell_rate = REFERRAL_RATE * AGE_MULT[:, None, None] * SEX_MULT[None, :, None] * eth_mult[None, None, :]
    lam = np.stack([pop.counts[pop.year_index(int(y))] * cell_rate for y in est_year])  # month, age, sex, eth
    lam = lam * (mdays / 365.25)[:, None, None, None]
    counts = rng.poisson(lam).reshape(len(months), -1)
    flat = np.repeat(np.arange(counts.size), counts.ravel())
    m_i, cell = np.divmod(flat, counts.shape[1])
    age, rest = np.divmod(cell, 2 * len(ETH))
    sex, eth = np.divmod(rest, len(ETH))
    n = len(flat)
    rdate = mstart[m_i] + np.floor(rng.random(n) * mdays[m_i]).astype(np.int64)
    age_days = np.floor((age + rng.random(n)) * 365.25).astype(np.int64)
    ok = age_days < MAX_REFERRAL_AGE_DAYS
    rdate, age_days, age, sex, eth = rdate[ok], age_days[ok], age[ok], sex[ok], eth[ok]
    n = len(rdate)
    # order chronologically so child numbering follows time
    order = np.lexsort((eth, sex, age_days, rdate))
    rdate, age_days, age, sex, eth = rdate[order], age_days[order], age[order], sex[order], eth[order]
    sex = sex.astype(np.int8)
    sex[(age == 0) & (rng.random(n) < P_SEX_UNKNOWN_UNDER_1)] = 2
    dis = _choice(rng, n, (1 - P_DISABLED - P_DISABILITY_UNKNOWN, P_DISABLED, P_DISABILITY_UNKNOWN))
    ids = kids.add(rdate - age_days, sex, eth, dis)
    return {"child": ids, "rdate": rdate, "route": np.zeros(n, dtype=np.int64)}


def _prehistory_referrals(rng, pop: Population, kids: _Kids, flow: dict, ctx: _Ctx) -> dict:
    """Children who entered care before the simulation started, at the flow's rate of entry to care.

    Their ages at referral and routes into care are resampled from the simulated flow's entrants; their
    characteristics are drawn like first referrals. Only those still looked after on 1 April 2022 are kept.
    """
    cla = flow["cla"]
    recent = (cla["start"] >= ctx.x0) & (cla["start"] <= ctx.end)
    if not recent.any():
        return {"child": np.array([], np.int64), "rdate": np.array([], np.int64), "route": np.array([], np.int64)}
    per_day = recent.sum() / (ctx.end - ctx.x0 + 1)
    lo, hi = ctx.x0 - int(18 * 365.25), ctx.b0 - 200
    n = int(rng.poisson(per_day * (hi - lo)))
    ref = cla["ref"][recent]
    dob_all = kids.arrays()[0]
    ent_age_days = flow["ref"]["rdate"][ref] - dob_all[flow["ref"]["child"][ref]]
    pick = rng.integers(0, len(ref), n)
    age_days = ent_age_days[pick]
    route = cla["route"][recent][pick]
    rdate = lo + np.floor(rng.random(n) * (hi - lo)).astype(np.int64)
    order = np.argsort(rdate, kind="stable")
    rdate, age_days, route = rdate[order], age_days[order], route[order]
    age = np.minimum(age_days // 365, 17)
    eth_mult = np.ones(len(ETH))
    eth_mult[ctx.referral_groups] = ctx.referral_factor
    w = pop.counts[0] * SEX_MULT[None, :, None] * eth_mult[None, None, :]  # age, sex, eth
    w = w.reshape(18, -1)
    cum = np.cumsum(w, axis=1) / w.sum(axis=1, keepdims=True)
    cum[:, -1] = 1.0
    flat = (cum + np.arange(18)[:, None]).ravel()
    cell = np.searchsorted(flat, age + rng.random(n), side="right") - age * w.shape[1]
    cell = np.clip(cell, 0, w.shape[1] - 1)
    sex, eth = np.divmod(cell, len(ETH))
    dis = _choice(rng, n, (1 - P_DISABLED - P_DISABILITY_UNKNOWN, P_DISABLED, P_DISABILITY_UNKNOWN))
    ids = kids.add(rdate - age_days, sex, eth, dis)
    return {"child": ids, "rdate": rdate, "route": route.astype(np.int64)}


# --- the extract ------------------------------------------------------------------------------

@dataclass
class Extract:
    """The kept records, with dates as day numbers (``NEVER`` or beyond ``end``: blank) and codes as indices."""

    end: int
    x0: int
    children: dict
    referrals: dict
    assessments: dict
    section47: dict
    icpc: dict
    cp_plans: dict
    cla_periods: dict
    cla_placements: dict
    missing_episodes: dict
    true_eth: np.ndarray = field(repr=False, default=None)

    def tables(self) -> dict[str, LazyTable]:
        """Each table in the schema's layout (columns in order, text made chunk by chunk), sorted by key."""
        from .csc_tables import tables

        return tables(self)


def _child_numbers(rng, n: int) -> np.ndarray:
    """``n`` distinct random-looking numbers (child identifiers), drawn without a full permutation."""
    width = max(7, len(str(n * 20)))
    got = np.array([], dtype=np.int64)
    while len(got) < n:
        draw = rng.integers(0, 10**width, int((n - len(got)) * 1.2) + 16)
        allv = _cat(got, draw)
        _, first = np.unique(allv, return_index=True)
        got = allv[np.sort(first)][:n]
    return got, width


def generate_extract(rng: np.random.Generator, pop: Population, first: Period, last: Period,
                     effects: list[Effect], progress=None) -> Extract:
    """Simulate the children's social care records and keep the extract as at the end of ``last``."""
    say = progress or (lambda msg: None)
    ctx = _context(first, last, effects)
    kids = _Kids()
    say("simulating referrals from the population")
    flow = _simulate(rng, kids, _index_referrals(rng, pop, kids, ctx), ctx)
    say("simulating children already looked after")
    n_flow_kids = kids.n
    pre = _simulate(rng, kids, _prehistory_referrals(rng, pop, kids, flow, ctx), ctx)
    # keep the prehistory's children only if they were looked after on the extract's first day
    pc = pre["cla"]
    in_care = (pc["start"] < ctx.x0) & (pc["end"] >= ctx.x0)
    keep_kid = np.zeros(kids.n, dtype=bool)
    keep_kid[pc["child"][in_care]] = True
    keep_kid[:n_flow_kids] = True
    pre = _select(pre, {t: keep_kid[pre[t]["child"]] for t in _TABLES})
    sim = _concat_sims(flow, pre)
    del flow, pre

    say("keeping the extract")
    ref = sim["ref"]
    k_ref = (ref["rdate"] <= ctx.end) & ((ref["rdate"] >= ctx.x0) | (ref["closure"] >= ctx.x0))
    kept_child = np.zeros(kids.n, dtype=bool)
    kept_child[ref["child"][k_ref]] = True
    ass, s47, icpc, plan, cla = sim["ass"], sim["s47"], sim["icpc"], sim["plan"], sim["cla"]
    k_ass = k_ref[ass["ref"]] & (ass["start"] <= ctx.end)
    k_s47 = k_ref[s47["ref"]] & (s47["start"] <= ctx.end)
    k_icpc = k_s47[icpc["s47"]] & (icpc["date"] <= ctx.end)
    k_plan = kept_child[plan["child"]] & (plan["start"] <= ctx.end)
    k_cla = kept_child[cla["child"]] & (cla["start"] <= ctx.end)
    kept = _select(sim, {"ref": k_ref, "ass": k_ass, "s47": k_s47, "icpc": k_icpc, "plan": k_plan, "cla": k_cla})
    first_ref_day = np.full(kids.n, NEVER, dtype=np.int64)
    np.minimum.at(first_ref_day, ref["child"], ref["rdate"])
    del sim, ref

    dob_all, sex_all, eth_all, dis_all, b18_all = kids.arrays()

    # earlier plans (before the simulation) for some children with a plan
    say("adding earlier plans and placements")
    plan = kept["plan"]
    with_plan = np.unique(plan["child"])
    first_plan = np.full(kids.n, NEVER, dtype=np.int64)
    np.minimum.at(first_plan, plan["child"], plan["start"])
    cand = with_plan
    cand = cand[rng.random(len(cand)) < P_PRIOR_PLAN]
    nprior = len(cand)
    pr_end = np.minimum(np.minimum(first_ref_day[cand], first_plan[cand]), ctx.x0) - rng.integers(60, 900, nprior)
    pr_start = pr_end - _banded(rng, nprior, PLAN_DURATION)
    ok = pr_start >= dob_all[cand] + 30
    cand, pr_start, pr_end = cand[ok], pr_start[ok], pr_end[ok]
    npr = len(cand)
    for c, v in (("icpc", np.full(npr, -1)), ("ref", np.full(npr, -1)), ("child", cand), ("start", pr_start),
                 ("end", pr_end), ("category", _choice(rng, npr, _CATEGORY_SHARES))):
        plan[c] = _cat(plan[c], v)

    placements = _placements(rng, kept["cla"], dob_all, ctx)
    say("simulating missing episodes")
    missing = _missing(rng, kept, dob_all, b18_all, ctx)

    # children: identifiers, recorded ethnicity (the injected missing ethnicity)
    kc = np.flatnonzero(kept_child)
    stage = np.zeros(kids.n, dtype=np.int8)
    stage[kept["ass"]["child"]] = 1
    stage[plan["child"]] = 2
    stage[kept["cla"]["child"]] = 2
    me = ctx.missing_eth
    p_unknown = np.array([me["referred_only"], me["assessed"], me["plan_or_looked_after"]])[stage[kc]]
    unknown = rng.random(len(kc)) < p_unknown
    refused = rng.random(len(kc)) < me["refused_share"]
    rec_eth = eth_all[kc].astype(np.int64)
    rec_eth[unknown] = np.where(refused[unknown], ETH_ALL.index("REFU"), ETH_ALL.index("NOBT"))
    numbers, width = _child_numbers(rng, len(kc))
    child_no = np.full(kids.n, -1, dtype=np.int64)
    child_no[kc] = numbers
    dis = dis_all[kc].astype(np.int64)
    children = {"kid": kc, "number": numbers, "width": width, "dob": dob_all[kc], "sex": sex_all[kc].astype(np.int64),
                "eth": rec_eth, "dis": dis, "dis_codes": _disability_codes(rng, dis)}
    return Extract(end=ctx.end, x0=ctx.x0, children=children, referrals=kept["ref"], assessments=kept["ass"],
                   section47=kept["s47"], icpc=kept["icpc"], cp_plans=plan, cla_periods=kept["cla"],
                   cla_placements=placements, missing_episodes=missing, true_eth=eth_all[kc].astype(np.int64))


def _disability_codes(rng, dis: np.ndarray) -> np.ndarray:
    """The DfE disability codes of each child, consistent with ``dis`` (index in ``DISABILITY_CODES``):
    NONE when not disabled, blank when not known, one or two codes when disabled. Drawn last, so that
    every earlier draw (and so every other column of the demo) is unchanged by it."""
    names = tuple(_DISABILITY_CODE_SHARES)
    shares = tuple(_DISABILITY_CODE_SHARES.values())
    n = len(dis)
    first = _choice(rng, n, shares)
    second = _choice(rng, n, shares)
    two = (rng.random(n) < P_SECOND_DISABILITY_CODE) & (second != first)
    lo, hi = np.minimum(first, second), np.maximum(first, second)
    arr = np.asarray(names, dtype=object)
    out = np.where(two, arr[lo] + ";" + arr[hi], arr[first]).astype(object)
    out[dis == DISABILITY_CODES.index("N")] = "NONE"
    out[dis == DISABILITY_CODES.index("U")] = ""
    return out


def _placements(rng, cla: dict, dob_all: np.ndarray, ctx: _Ctx) -> dict:
    """Placements within each period of care: a move about every two years, types by age."""
    n = len(cla["start"])
    start, stop = cla["start"], np.minimum(cla["end"], ctx.end)
    years = np.maximum(stop - start, 0) / 365.25
    k = 1 + np.minimum(rng.poisson(PLACEMENT_MOVES_PER_YEAR * years), 12)
    owner = np.repeat(np.arange(n), k)
    first = np.zeros(len(owner), dtype=bool)
    first[np.cumsum(k) - k] = True
    u = np.where(first, 0.0, rng.random(len(owner)))
    order = np.lexsort((u, owner))
    owner, u = owner[order], u[order]
    p_start = start[owner] + np.floor(u * (stop - start)[owner]).astype(np.int64)
    # drop same-day moves (keep the first placement of a day)
    dup = np.zeros(len(owner), dtype=bool)
    dup[1:] = (owner[1:] == owner[:-1]) & (p_start[1:] == p_start[:-1])
    owner, p_start = owner[~dup], p_start[~dup]
    last = np.ones(len(owner), dtype=bool)
    last[:-1] = owner[1:] != owner[:-1]
    p_end = np.empty(len(owner), dtype=np.int64)
    p_end[:-1] = p_start[1:]
    p_end[last] = cla["end"][owner[last]]
    child = cla["child"][owner]
    age = D.age_years(dob_all[child], p_start)
    ptype = np.full(len(owner), PLACEMENTS.index("FOSTER"), dtype=np.int64)
    for lo, hi, probs in ((0, 4, (0.70, 0.15, 0.0, 0.0, 0.05, 0.08, 0.02)), (5, 11, (0.75, 0.15, 0.05, 0.0, 0.04, 0.0, 0.01)),
                          (12, 15, (0.62, 0.12, 0.20, 0.0, 0.04, 0.0, 0.02)), (16, 17, (0.45, 0.08, 0.15, 0.28, 0.02, 0.0, 0.02))):
        m = (age >= lo) & (age <= hi)
        ptype[m] = _choice(rng, int(m.sum()), probs)
    return {"cla": owner, "child": child, "start": p_start, "end": p_end, "type": ptype}


def _missing(rng, kept: dict, dob_all: np.ndarray, b18_all: np.ndarray, ctx: _Ctx) -> dict:
    """Missing episodes of children in the extract while their episode of need is open (home or care).

    Each child has a propensity (gamma, so a few children go missing often) times an age factor, higher
    while looked after; episodes are placed by thinning a Poisson process, which also carries the
    injected special-cause month.
    """
    ref = kept["ref"]
    lo = np.maximum(ref["rdate"], ctx.x0)
    hi = np.minimum(np.minimum(ref["closure"], ctx.end), b18_all[ref["child"]] - 1)
    live = hi > lo
    child, lo, hi = ref["child"][live], lo[live], hi[live]
    kids_u, inv = np.unique(child, return_inverse=True)
    prop = rng.gamma(MISSING_SHAPE, 1 / MISSING_SHAPE, len(kids_u))[inv]
    fmax = max(1.0, ctx.spike_factor)
    amax = _MISSING_AGE.max()
    lam = MISSING_RATE * prop * MISSING_CARE_MULT * amax * fmax * (hi - lo) / 365.25
    n = rng.poisson(lam)
    owner = np.repeat(np.arange(len(child)), n)
    t = lo[owner] + np.floor(rng.random(len(owner)) * (hi - lo)[owner]).astype(np.int64)
    c = child[owner]
    # looked after at t?
    cla = kept["cla"]
    in_care = _in_interval(c, t, cla["child"], cla["start"], cla["end"])
    age = np.clip(D.age_years(dob_all[c], t), 0, 17)
    month_f = np.where(D.month_number(t) == ctx.spike_month, ctx.spike_factor, 1.0)
    accept = rng.random(len(t)) < (np.where(in_care, MISSING_CARE_MULT, 1.0) * _MISSING_AGE[age] * month_f
                                   / (MISSING_CARE_MULT * amax * fmax))
    c, t, in_care = c[accept], t[accept], in_care[accept]
    order = np.lexsort((c, t))
    c, t, in_care = c[order], t[order], in_care[order]
    m = len(t)
    length = _banded(rng, m, ((0, 0, 0.35), (1, 1, 0.40), (2, 3, 0.15), (4, 14, 0.10)))
    end = t + length
    returned = end <= ctx.end
    offered = returned & (rng.random(m) < 0.92)
    took_place = offered & (rng.random(m) < 0.65)
    rhi = end + _banded(rng, m, ((0, 3, 0.75), (4, 10, 0.25)))
    rhi = np.where(took_place & (rhi <= ctx.end), rhi, NEVER)
    return {"child": c, "start": t, "end": end, "looked_after": in_care.astype(np.int8),
            "rhi_offered": offered.astype(np.int8), "rhi": rhi}


def _in_interval(child: np.ndarray, t: np.ndarray, i_child: np.ndarray, i_start: np.ndarray, i_end: np.ndarray) -> np.ndarray:
    """Whether day ``t`` of ``child`` lies in one of the child's intervals [start, end)."""
    if len(t) == 0 or len(i_child) == 0:
        return np.zeros(len(t), dtype=bool)
    left = pd.DataFrame({"child": child, "t": t, "i": np.arange(len(t))}).sort_values("t", kind="stable")
    right = pd.DataFrame({"child": i_child, "t": i_start, "e": i_end}).sort_values("t", kind="stable")
    m = pd.merge_asof(left, right, on="t", by="child", direction="backward")
    inside = (m["e"].to_numpy(dtype=float, na_value=-1.0) > m["t"].to_numpy())
    out = np.zeros(len(t), dtype=bool)
    out[m["i"].to_numpy()] = inside
    return out


# --- tables in the schema's layout --------------------------------------------------------------
