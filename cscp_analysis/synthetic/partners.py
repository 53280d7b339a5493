"""The partners' aggregate quarterly returns, their commentary and the submissions log.

Every indicator of ``config/partnership.yaml`` is returned by its agency every quarter, in the tidy
format (period, agency, indicator, breakdown, group, numerator, denominator): ``total``/``all`` plus the
configured breakdowns (sex: M, F; ethnicity: the ONS major groups White, Mixed, Asian, Black, Other and
Unknown), the groups summing to the total. Levels are those of a city of the population's size
(they scale with it) and agree with the extract where the two overlap:

* police strategy-discussion attendance has the extract's strategy discussions as its denominator;
  police protection follows the extract's entries to care under police protection; missing reports are
  the extract's missing episodes plus reports of children not known to children's social care;
* initial health assessments have the extract's entries to care as denominator, review health
  assessments a quarter of the children looked after at the quarter's end;
* education rates are per 100 pupils on roll (children aged 5 to 15 in the population);
* LADO figures are counted from the LADO register.

Injected effects (``effects``): suspensions rise steadily; Black pupils are permanently excluded, and
Black children become first-time entrants, at 2.5 times the rate of others; one return is missing in
an earlier quarter; in the latest quarter one return is late and one commentary is missing.

Commentary is written from templates that state the actual figures and the direction of change,
with a sentence of context and action per indicator chosen with the seeded generator.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from ..config import PartnershipConfig
from ..periods import Period, period_range
from . import _dates
from .effects import Effect, effect
from .population import ETH_MAJOR, Population

__all__ = ["generate_returns", "MAJOR_GROUPS"]

MAJOR_GROUPS = ("White", "Mixed", "Asian", "Black", "Other", "Unknown")
SEX_GROUPS = ("M", "F")
REFERENCE_CHILDREN = 80_000

AUTHORS = {
    "POLICE": "Detective Chief Inspector, Public Protection",
    "HEALTH": "Designated Nurse for Safeguarding Children",
    "EDUCATION": "Head of Education Entitlement and Inclusion",
    "YJS": "Head of Youth Justice Service",
    "LADO": "Local Authority Designated Officer",
}

CONTEXT = {
    "POL_DA_CHILDREN": ("Every incident with a child present is shared with the child's school the next morning through "
                        "Operation Encompass.", "Incidents are reviewed daily at the domestic abuse triage meeting with "
                        "children's services and health."),
    "POL_MISSING_REPORTS": ("A small number of young people account for a large share of reports; each has a missing "
                            "strategy in place.", "Missing reports are discussed weekly at the exploitation and missing "
                            "panel."),
    "POL_PROTECTION": ("Each use of police protection is reviewed by an inspector within 24 hours.",
                       "Police protection is used only where no other option keeps the child safe."),
    "POL_STRATEGY_ATTEND": ("Attendance is monitored daily by the public protection unit.",
                            "Where police cannot attend, information is shared in writing before the discussion."),
    "POL_EXPLOITATION": ("Flags are reviewed at the multi-agency child exploitation meeting.",
                         "The rise and fall in flags tracks the seasonal pattern of county-lines activity."),
    "POL_ARRESTS": ("Out-of-court disposals are considered for every child arrested, with the youth justice service.",
                    "Custody suites have a children's rights officer available at all times."),
    "HLT_IHA_20WD": ("Delays are mostly in receiving consent and placement details from children's services.",
                     "A weekly tracker of initial health assessments is now shared with children's services."),
    "HLT_RHA_ON_TIME": ("Review health assessments of children placed out of area take longest to arrange.",
                        "The looked-after children health team has filled its vacant nurse post."),
    "HLT_SELF_HARM": ("Every attendance is followed up by the liaison psychiatry team before discharge.",
                      "Attendances peak in the weeks before examinations."),
    "HLT_NEW_BIRTH_14D": ("Visits outside 14 days are mostly babies still in hospital.",
                          "Health visiting capacity has been stable this quarter."),
    "HLT_L3_TRAINED": ("Compliance is reported to each provider's safeguarding committee monthly.",
                       "A new e-learning refresher was launched this quarter."),
    "EDU_SUSPENSIONS": ("Suspensions are concentrated in a few secondary schools, which are receiving support from the "
                        "inclusion team.", "Persistent disruptive behaviour remains the most common reason."),
    "EDU_PERM_EXCL": ("Every permanent exclusion is reviewed by the local authority with the school.",
                      "Black pupils remain over-represented; the inclusion partnership is reviewing each case."),
    "EDU_CME": ("Most children missing education are new arrivals awaiting a school place.",
                "Children missing education are tracked weekly by the education entitlement team."),
    "EDU_EHE": ("Every family electing home education is visited within 20 school days.",
                "The number of children electively home educated continues to grow, as nationally."),
    "YJS_FTE": ("Black children are over-represented among first-time entrants; a disproportionality review has been "
                "commissioned.", "Most first-time entrants receive a youth caution or a referral order."),
    "YJS_REOFFEND": ("The cohort is small, so the percentage moves a lot from quarter to quarter.",
                     "Reoffending is concentrated in children with education, health and care plans."),
    "YJS_CUSTODY": ("Each custodial sentence is reviewed by the management board.",
                    "Numbers are small and vary from quarter to quarter."),
    "LADO_ALLEGATIONS": ("Education remains the sector that refers most allegations.",
                         "Awareness sessions for sports clubs have increased referrals from that sector."),
    "LADO_IC_1WD": ("Initial considerations outside one working day were mainly received on Fridays.",
                    "A duty rota now covers the LADO's leave."),
}


def _scale(pop: Population, year: int) -> float:
    return pop.total(year) / REFERENCE_CHILDREN


def _quarter_days(q: Period) -> tuple[int, int]:
    return _dates.day(q.start), _dates.day(q.end)


def _count_in(days: np.ndarray, q: Period) -> int:
    lo, hi = _quarter_days(q)
    return int(((days >= lo) & (days <= hi)).sum())


def _groups_pop(pop: Population, year: int, ages: range) -> dict[str, dict[str, float]]:
    """Children of ``ages`` by sex and ONS major group (no Unknown)."""
    c = pop.counts[pop.year_index(year)][list(ages)].sum(axis=0)  # sex, eth
    major = np.asarray(ETH_MAJOR)
    by_group = {g: float(c[:, major == g].sum()) for g in MAJOR_GROUPS[:-1]}
    by_sex = {s: float(c[i].sum()) for i, s in enumerate(SEX_GROUPS)}
    return {"ethnicity": by_group, "sex": by_sex}


def _split(rng, total: int, weights: dict[str, float]) -> dict[str, int]:
    keys = list(weights)
    w = np.array([weights[k] for k in keys], float)
    counts = rng.multinomial(total, w / w.sum()) if total > 0 else np.zeros(len(keys), dtype=int)
    return {k: int(v) for k, v in zip(keys, counts, strict=True)}


def _eth_weights(groups: dict[str, float], unknown_share: float, black_factor: float = 1.0) -> dict[str, float]:
    w = {g: v * (black_factor if g == "Black" else 1.0) for g, v in groups.items()}
    tot = sum(w.values())
    w = {g: v / tot * (1 - unknown_share) for g, v in w.items()}
    w["Unknown"] = unknown_share
    return w


def _rate_rows(rng, num_total_rate: float, pupils: dict, p_male: float, black_factor: float, unknown_pupils: float):
    """Numerators and denominators for a rate with sex and ethnicity breakdowns that sum to the total."""
    eth_pupils = dict(pupils["ethnicity"])
    tot = sum(eth_pupils.values())
    eth_den = {g: int(round(v * (1 - unknown_pupils))) for g, v in eth_pupils.items()}
    eth_den["Unknown"] = int(round(tot)) - sum(eth_den.values())
    den_total = sum(eth_den.values())
    sex_den = {"M": int(round(den_total * pupils["sex"]["M"] / sum(pupils["sex"].values())))}
    sex_den["F"] = den_total - sex_den["M"]
    num_total = int(rng.poisson(num_total_rate * den_total))
    eth_num = _split(rng, num_total, {g: eth_den[g] * (black_factor if g == "Black" else 1.0) for g in MAJOR_GROUPS})
    sex_num = _split(rng, num_total, {"M": sex_den["M"] * p_male, "F": sex_den["F"] * (1 - p_male)})
    return num_total, den_total, {"sex": (sex_num, sex_den), "ethnicity": (eth_num, eth_den)}


def _extract_counts(x, quarters: list[Period]) -> dict[str, dict[str, int]]:
    legal_l1 = 4  # index of L1 in csc.LEGAL
    cla = x.cla_periods
    out = {}
    for q in quarters:
        lo, hi = _quarter_days(q)
        out[str(q)] = {
            "strategy": _count_in(x.section47["strategy"], q),
            "cla_starts": _count_in(cla["start"], q),
            "police_protection": _count_in(cla["start"][cla["legal"] == legal_l1], q),
            "cla_at_end": int(((cla["start"] <= hi) & (cla["end"] > hi)).sum()),
            "missing": _count_in(x.missing_episodes["start"], q),
        }
    return out


def generate_returns(rng: np.random.Generator, config: PartnershipConfig, pop: Population, extract, lado: pd.DataFrame,
                     first: Period, last: Period, effects: list[Effect]) -> dict[str, dict[str, pd.DataFrame]]:
    """For each period: each agency's return (keyed by its file name), ``commentary`` and ``submissions``."""
    quarters = period_range(first, last)
    counts = _extract_counts(extract, quarters)
    susp = effect("suspensions_rising", effects)
    excl_f = effect("black_pupils_permanent_exclusions", effects).factor
    fte_f = effect("black_children_first_time_entrants", effects).factor
    missing_ret = effect("return_missing", effects)
    late_ret = effect("return_late", effects)
    no_comm = effect("commentary_missing", effects)
    lado_recv_days = np.array([_dates.day(d) for d in lado["date_received"]], dtype=np.int64)
    lado_ic = np.array([_dates.day(d) if d else 10**7 for d in lado["initial_consideration_date"]], dtype=np.int64)

    values: dict[str, dict[str, dict]] = {}  # period -> indicator -> {total: (num, den), breakdowns}
    out: dict[str, dict[str, pd.DataFrame]] = {}
    for k, q in enumerate(quarters):
        p = str(q)
        year = q.start.year if q.start.month >= 7 else q.start.year - 1
        s = _scale(pop, year)
        c = counts[p]
        kids_10_17 = _groups_pop(pop, year, range(10, 18))
        pupils = _groups_pop(pop, year, range(5, 16))
        births = float(pop.counts[pop.year_index(year)][0].sum())
        frac = k / max(1, len(quarters) - 1)
        vals: dict[str, dict] = {}

        def count(ind, lam, p_male=None, eth=None, black=1.0, unknown=0.04, vals=vals):
            n = int(rng.poisson(max(lam, 0.0)))
            br = {}
            if p_male is not None:
                br["sex"] = (_split(rng, n, {"M": p_male, "F": 1 - p_male}), None)
            if eth is not None:
                br["ethnicity"] = (_split(rng, n, _eth_weights(eth, unknown, black)), None)
            vals[ind] = {"total": (n, None), "breakdowns": br}

        def pct(ind, den, prob, vals=vals):
            den = int(max(den, 0))
            vals[ind] = {"total": (int(rng.binomial(den, min(max(prob, 0), 1))) if den else 0, den), "breakdowns": {}}

        season = {1: 1.0, 2: 1.05, 3: 1.1, 4: 0.95}[q.quarter]
        count("POL_DA_CHILDREN", 720 * s * season)
        vals["POL_MISSING_REPORTS"] = {"total": (int(round(c["missing"] * 1.35)) + int(rng.poisson(15 * s)), None),
                                       "breakdowns": {}}
        vals["POL_PROTECTION"] = {"total": (c["police_protection"] + int(rng.poisson(6 * s)), None), "breakdowns": {}}
        pct("POL_STRATEGY_ATTEND", c["strategy"], 0.94)
        count("POL_EXPLOITATION", 75 * s, p_male=0.68, eth=kids_10_17["ethnicity"])
        count("POL_ARRESTS", 130 * s * (1 - 0.01 * k), p_male=0.84, eth=kids_10_17["ethnicity"], unknown=0.05)
        pct("HLT_IHA_20WD", c["cla_starts"], 0.62)
        pct("HLT_RHA_ON_TIME", round(0.27 * c["cla_at_end"]), 0.88)
        count("HLT_SELF_HARM", 95 * s * (1.1 if q.quarter == 1 else 1.0))
        pct("HLT_NEW_BIRTH_14D", rng.poisson(births / 4), 0.91)
        pct("HLT_L3_TRAINED", round(2400 * s) + int(rng.integers(-40, 41)), 0.82 + 0.08 * frac)
        rate_per_100 = susp.detail["first_rate_per_100"] + (susp.detail["last_rate_per_100"] - susp.detail["first_rate_per_100"]) * frac
        num, den, br = _rate_rows(rng, rate_per_100 / 100, pupils, 0.72, 1.0, 0.015)
        vals["EDU_SUSPENSIONS"] = {"total": (num, den), "breakdowns": br}
        num, den, br = _rate_rows(rng, 0.0003, pupils, 0.78, excl_f, 0.015)
        vals["EDU_PERM_EXCL"] = {"total": (num, den), "breakdowns": br}
        count("EDU_CME", 190 * s)
        count("EDU_EHE", (700 + 12 * k) * s)
        count("YJS_FTE", 17 * s, p_male=0.82, eth=kids_10_17["ethnicity"], black=fte_f, unknown=0.03)
        pct("YJS_REOFFEND", rng.poisson(45 * s), 0.32)
        count("YJS_CUSTODY", 2.5 * s)
        lo, hi = _quarter_days(q)
        in_q = (lado_recv_days >= lo) & (lado_recv_days <= hi)
        vals["LADO_ALLEGATIONS"] = {"total": (int(in_q.sum()), None), "breakdowns": {}}
        considered = in_q & (lado_ic < 10**7)
        within = considered & (_dates.working_days_between(lado_recv_days, np.minimum(lado_ic, lado_recv_days + 3650)) <= 1)
        vals["LADO_IC_1WD"] = {"total": (int(within.sum()), int(considered.sum())), "breakdowns": {}}
        values[p] = vals

        files: dict[str, pd.DataFrame] = {}
        subs = []
        due = q.end + timedelta(days=config.due_days_after_period_end)
        for agency, spec in config.returns.items():
            absent = p in missing_ret.periods and agency in missing_ret.groups
            if absent:
                received = ""
            elif p in late_ret.periods and agency in late_ret.groups:
                received = str(due + timedelta(days=int(late_ret.detail.get("days_late", 4))))
            else:
                received = str(due - timedelta(days=int(rng.integers(0, 13))))
            subs.append((p, agency, spec.file, str(due), received))
            if absent:
                continue
            rows = []
            for ind, ispec in spec.indicators.items():
                v = vals.get(ind) or _generic(rng, ispec, s, pupils)
                vals.setdefault(ind, v)
                n, d = v["total"]
                rows.append((p, agency, ind, "total", "all", n, d))
                for b in ispec.get("breakdowns", []) or []:
                    if b not in v["breakdowns"]:
                        v["breakdowns"][b] = _generic_breakdown(rng, b, n, d, kids_10_17)
                    nums, dens = v["breakdowns"][b]
                    for g in (SEX_GROUPS if b == "sex" else MAJOR_GROUPS):
                        rows.append((p, agency, ind, b, g, nums.get(g, 0), None if dens is None else dens.get(g, 0)))
            df = pd.DataFrame(rows, columns=["period", "agency", "indicator", "breakdown", "group", "numerator", "denominator"])
            files[spec.file] = df.sort_values(["period", "agency", "indicator", "breakdown", "group"], kind="stable").reset_index(drop=True)
        files["submissions.csv"] = pd.DataFrame(subs, columns=["period", "agency", "return_name", "due_date", "received_date"]).sort_values(
            ["period", "agency", "return_name"], kind="stable").reset_index(drop=True)
        previous = values.get(str(quarters[k - 1])) if k else None
        files["commentary.csv"] = _commentary(rng, config, p, vals, previous, absent_agencies=[
            a for a in config.returns if p in missing_ret.periods and a in missing_ret.groups],
            skip={(a, no_comm.stage) for a in no_comm.groups} if p in no_comm.periods else set())
        out[p] = files
    return out


def _generic(rng, ispec: dict, s: float, pupils: dict) -> dict:
    """A plausible value for an indicator this generator does not know (a partnership's own configuration)."""
    kind = ispec.get("type")
    if kind == "count":
        return {"total": (int(rng.poisson(50 * s)), None), "breakdowns": {}}
    if kind == "rate":
        den = int(sum(pupils["ethnicity"].values()))
        return {"total": (int(rng.poisson(0.01 * den)), den), "breakdowns": {}}
    den = int(rng.poisson(100 * s))
    return {"total": (int(rng.binomial(den, 0.8)), den), "breakdowns": {}}


def _generic_breakdown(rng, b: str, n: int, d, kids: dict):
    groups = SEX_GROUPS if b == "sex" else MAJOR_GROUPS
    weights = {"M": 0.5, "F": 0.5} if b == "sex" else _eth_weights(kids["ethnicity"], 0.04)
    nums = _split(rng, n, {g: weights.get(g, 1.0) for g in groups})
    dens = None if d is None else _split(rng, d, {g: weights.get(g, 1.0) for g in groups})
    if dens is not None:
        nums = {g: min(nums[g], dens[g]) for g in groups}
    return nums, dens


def _value(kind: str, num: int, den) -> float:
    if kind == "count":
        return float(num)
    if not den:
        return float("nan")
    return 100.0 * num / den


def _describe(title: str, kind: str, num: int, den, prev) -> str:
    v = _value(kind, num, den)
    if kind == "count":
        now = f"{title}: {num:,} this quarter"
    elif kind == "percentage":
        now = f"{title}: {v:.1f}% ({num:,} of {den:,})" if den else f"{title}: none due this quarter"
    else:
        now = f"{title}: {_rate(v)} per 100 pupils ({num:,} among {den:,} pupils)"
    if prev is None:
        return now + "."
    pv = _value(kind, *prev)
    if np.isnan(v) or np.isnan(pv):
        return now + "."
    if kind == "count":
        if num == prev[0]:
            return now + ", the same as last quarter."
        change = f"{abs(num - prev[0]) / prev[0] * 100:.0f}%" if prev[0] else "from none"
        return now + f", {'up' if num > prev[0] else 'down'} from {prev[0]:,} last quarter ({change})."
    if kind == "percentage":
        if abs(v - pv) < 0.05:
            return now + ", about the same as last quarter."
        return now + f", {'up' if v > pv else 'down'} from {pv:.1f}% last quarter ({abs(v - pv):.1f} percentage points)."
    if _rate(v) == _rate(pv):
        return now + ", about the same as last quarter."
    return now + f", {'up' if v > pv else 'down'} from {_rate(pv)} last quarter."


def _rate(v: float) -> str:
    """A rate per 100 with enough decimals to show small rates (0.034) and larger ones (2.98)."""
    return f"{v:.2f}" if v >= 0.1 else f"{v:.3f}"


def _commentary(rng, config: PartnershipConfig, period: str, vals: dict, previous, absent_agencies, skip) -> pd.DataFrame:
    rows = []
    for agency, spec in config.returns.items():
        if agency in absent_agencies:
            continue
        changes = []
        for ind, ispec in spec.indicators.items():
            num, den = vals[ind]["total"]
            prev = previous[ind]["total"] if previous and ind in previous else None
            kind = ispec["type"]
            title = ispec.get("title", ind)
            if prev is not None:
                v, pv = _value(kind, num, den), _value(kind, *prev)
                if not (np.isnan(v) or np.isnan(pv)) and pv and prev[0] >= 20:
                    changes.append((abs(v - pv) / abs(pv), title, v > pv))
            if (agency, ind) in skip:
                continue
            ctx = CONTEXT.get(ind, ("The figures are reviewed at the agency's safeguarding committee.",))
            text = _describe(title, kind, num, den, prev) + " " + str(ctx[int(rng.integers(0, len(ctx)))])
            rows.append((period, agency, ind, text, AUTHORS.get(agency, "")))
        n_ind = len(spec.indicators)
        if changes:
            big = max(changes)
            overall = (f"Our return covers {n_ind} indicators. The largest change this quarter was in "
                       f"{big[1].lower()}, {'up' if big[2] else 'down'} {big[0] * 100:.0f}% on last quarter.")
        else:
            overall = f"Our return covers {n_ind} indicators; this is the first quarter reported in this format."
        rows.append((period, agency, "", overall, AUTHORS.get(agency, "")))
    df = pd.DataFrame(rows, columns=["period", "agency", "indicator", "commentary", "author_role"])
    return df.sort_values(["period", "agency", "indicator"], kind="stable").reset_index(drop=True)
