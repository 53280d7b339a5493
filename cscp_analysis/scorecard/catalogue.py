"""The catalogue of measures: one registered function per numerator or denominator an indicator can name.

Each function derives its measure from the returns, once, and says which tables it needs and which
agency owns it (``@measure(...)``, machinery in :mod:`.measures`). Add a measure here, then name it in
``config/indicators.yaml``; ``docs/architecture.md`` ("Adding an indicator") walks through it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..periods import working_days_between
from .measures import (
    Events,
    FunctionStock,
    IntervalStock,
    MeasureData,
    Population,
    Quarterly,
    Stock,
    _days,
    _yes,
    measure,
)

# ---------------------------------------------------------------------------------------------------
# Children's social care (record-level extract)
# ---------------------------------------------------------------------------------------------------


@measure("csc.referrals", noun="referrals", kind="events", tables=("referrals",), agency="CSC")
def referrals(data: MeasureData) -> Events:
    """Referrals to children's social care, dated by the referral date (CIN census: referrals, not children)."""
    r = data.table("referrals", ("referral_date",))
    return Events.build(r["referral_date"], since=r["referral_date"].min())


def _rereferral_flag(data: MeasureData) -> pd.DataFrame:
    def make():
        r = data.table("referrals", ("referral_id", "child_id", "referral_date"))[["referral_id", "child_id", "referral_date"]]
        r = r.assign(referral_date=pd.to_datetime(r["referral_date"])).sort_values(
            ["child_id", "referral_date", "referral_id"], kind="stable")
        prev = r.groupby("child_id", sort=False)["referral_date"].shift(1)
        # within 12 months: the previous referral was on or after the same date a year earlier
        year_before = r["referral_date"] - pd.DateOffset(years=1)
        return r.assign(rereferral=(prev.notna() & (prev >= year_before)).to_numpy())

    return data.cached("rereferral", make)


@measure("csc.rereferrals", kind="events", tables=("referrals",), agency="CSC")
def rereferrals(data: MeasureData) -> Events:
    """Referrals within 12 months of the same child's previous referral (the previous referral on or after
    the same date a year earlier), dated by the referral date (CIN census re-referral definition).
    Referrals before the extract's first date are not visible, so the first year of the extract is
    undercounted."""
    r = _rereferral_flag(data)
    return Events.build(r.loc[r["rereferral"], "referral_date"], since=r["referral_date"].min())


def _assessments(data: MeasureData) -> pd.DataFrame:
    def make():
        a = data.table("assessments", ("assessment_start", "assessment_authorised"))
        wd = working_days_between(a["assessment_start"].to_numpy(), a["assessment_authorised"].to_numpy()) \
            if len(a) else np.array([], dtype=float)
        return pd.DataFrame({"authorised": pd.to_datetime(a["assessment_authorised"]).to_numpy(),
                             "working_days": np.asarray(wd, dtype=float),
                             "factors": a["factors"].to_numpy() if "factors" in a.columns else None})

    return data.cached("assessments", make)


@measure("csc.assessments_completed", noun="assessments completed", kind="events", tables=("assessments",), agency="CSC")
def assessments_completed(data: MeasureData) -> Events:
    """Assessments completed (authorised), dated by the authorisation date (CIN census)."""
    a = _assessments(data)
    return Events.build(a["authorised"], since=a["authorised"].min())


@measure("csc.assessments_within_45wd", kind="events", tables=("assessments",), agency="CSC")
def assessments_within_45wd(data: MeasureData) -> Events:
    """Assessments authorised within 45 working days of their start (working days from the assessment
    start, not counting that day, to the authorisation date, counting it; weekends and England and Wales
    bank holidays excluded), dated by the authorisation date: the CIN census measure (DfE table C2 and
    validation rule 8670Q count from the assessment's actual start date)."""
    a = _assessments(data)
    return Events.build(a.loc[a["working_days"] <= 45, "authorised"], since=a["authorised"].min())


@measure("csc.assessment_working_days", kind="values", tables=("assessments",), agency="CSC")
def assessment_working_days(data: MeasureData) -> Events:
    """Working days each authorised assessment took from its start to its authorisation, dated by the
    authorisation date."""
    a = _assessments(data)
    return Events.build(a["authorised"], values=a["working_days"], since=a["authorised"].min())


@measure("csc.assessments_exploitation", kind="events", tables=("assessments",), agency="CSC")
def assessments_exploitation(data: MeasureData) -> Events:
    """Authorised assessments whose factors at the end of assessment include child sexual exploitation
    (CIN census code 11A) or child criminal exploitation (24A), dated by the authorisation date."""
    a = _assessments(data)
    f = pd.Series(a["factors"], dtype="string").fillna("")
    hit = f.str.contains(r"(?:^|;)\s*(?:11A|24A)\s*(?:;|$)", regex=True).to_numpy(dtype=bool)
    return Events.build(a.loc[hit, "authorised"], since=a["authorised"].min())


@measure("csc.s47_enquiries", kind="events", tables=("section47",), agency="CSC")
def s47_enquiries(data: MeasureData) -> Events:
    """Section 47 enquiries started, dated by their start (CIN census: enquiries, not children)."""
    s = data.table("section47", ("s47_start",))
    return Events.build(s["s47_start"], since=s["s47_start"].min())


def _icpc(data: MeasureData) -> pd.DataFrame:
    def make():
        i = data.table("icpc", ("icpc_id", "s47_id", "icpc_date"))
        s = data.table("section47", ("s47_id", "strategy_discussion_date"))
        m = i[["icpc_id", "s47_id", "icpc_date"]].merge(
            s[["s47_id", "strategy_discussion_date"]].drop_duplicates("s47_id"), on="s47_id", how="left")
        wd = working_days_between(m["strategy_discussion_date"].to_numpy(), m["icpc_date"].to_numpy()) \
            if len(m) else np.array([], dtype=float)
        return pd.DataFrame({"icpc_date": pd.to_datetime(m["icpc_date"]).to_numpy(), "working_days": np.asarray(wd, float)})

    return data.cached("icpc", make)


@measure("csc.icpcs", noun="conferences", kind="events", tables=("icpc", "section47"), agency="CSC")
def icpcs(data: MeasureData) -> Events:
    """Initial child protection conferences held, dated by the conference date."""
    i = _icpc(data)
    return Events.build(i["icpc_date"], since=i["icpc_date"].min())


@measure("csc.icpcs_within_15wd", kind="events", tables=("icpc", "section47"), agency="CSC")
def icpcs_within_15wd(data: MeasureData) -> Events:
    """Initial child protection conferences held within 15 working days of the strategy discussion that
    started the section 47 enquiry (Working Together 2023; working days after the discussion up to and
    including the conference day), dated by the conference date. A conference whose enquiry has no
    strategy discussion date does not count as within 15 days."""
    i = _icpc(data)
    return Events.build(i.loc[i["working_days"] <= 15, "icpc_date"], since=i["icpc_date"].min())


def _plans(data: MeasureData) -> pd.DataFrame:
    def make():
        p = data.table("cp_plans", ("plan_id", "child_id", "plan_start", "plan_end"))
        p = p[["plan_id", "child_id", "plan_start", "plan_end"]].assign(
            plan_start=pd.to_datetime(p["plan_start"]), plan_end=pd.to_datetime(p["plan_end"]))
        p = p.sort_values(["child_id", "plan_start", "plan_id"], kind="stable")
        p["repeat"] = p.groupby("child_id", sort=False).cumcount().to_numpy() > 0
        return p

    return data.cached("plans", make)


@measure("csc.cp_plans_started", noun="plans starting", kind="events", tables=("cp_plans",), agency="CSC")
def cp_plans_started(data: MeasureData) -> Events:
    """Child protection plans starting, dated by the plan start."""
    return Events.build(_plans(data)["plan_start"])


@measure("csc.cp_plans_started_repeat", kind="events", tables=("cp_plans",), agency="CSC")
def cp_plans_started_repeat(data: MeasureData) -> Events:
    """Child protection plans starting that are a second or subsequent plan for the child (an earlier plan
    at any time, including plans from before the extract's first period), dated by the plan start
    (DfE table D3)."""
    p = _plans(data)
    return Events.build(p.loc[p["repeat"], "plan_start"])


@measure("csc.cp_plans_open", noun="children on a plan", kind="stock", tables=("cp_plans",), agency="CSC")
def cp_plans_open(data: MeasureData) -> Stock:
    """Children on a child protection plan at the date: the plan started on or before it and had not ended
    by it (a plan ending on the date no longer counts), as DfE counts plans at 31 March."""
    p = _plans(data)
    return IntervalStock.build(p["plan_start"], p["plan_end"])


@measure("csc.cp_plans_open_2yrs", kind="stock", tables=("cp_plans",), agency="CSC")
def cp_plans_open_2yrs(data: MeasureData) -> Stock:
    """Children on a child protection plan at the date whose plan had lasted 2 years or more (started on or
    before the same date two years earlier), as DfE table D5 counts plans at 31 March by duration."""
    p = _plans(data)
    s, e = _days(p["plan_start"]), _days(p["plan_end"])

    def at(d):
        two = np.datetime64((pd.Timestamp(d) - pd.DateOffset(years=2)).date(), "D")
        return float(np.sum((s <= two) & (np.isnat(e) | (e > d))))

    return FunctionStock(at)


def _cla(data: MeasureData) -> pd.DataFrame:
    return data.table("cla_periods", ("cla_id", "child_id", "cla_start", "cla_end"))


@measure("csc.cla_open", noun="children looked after", kind="stock", tables=("cla_periods",), agency="CSC")
def cla_open(data: MeasureData) -> Stock:
    """Children looked after at the date: a period of care started on or before it and not ended by it
    (SSDA903: looked after at 31 March)."""
    c = _cla(data)
    return IntervalStock.build(c["cla_start"], c["cla_end"])


@measure("csc.cla_started", kind="events", tables=("cla_periods",), agency="CSC")
def cla_started(data: MeasureData) -> Events:
    """Children starting to be looked after: distinct children with a period of care starting in the
    window (a child starting twice counts once), as DfE counts children starting in the year."""
    c = _cla(data)
    return Events.build(c["cla_start"], child=c["child_id"], distinct=True)


@measure("csc.cla_3plus_placements", kind="stock", tables=("cla_periods", "cla_placements"), agency="CSC")
def cla_3plus_placements(data: MeasureData) -> Stock:
    """Children looked after at the date who had three or more placements during the twelve months to it
    (placements open at any time in that year: started on or before the date and not ended on or before
    the same date a year earlier), as DfE's placement-stability measure counts at 31 March."""
    c = _cla(data)
    pl = data.table("cla_placements", ("child_id", "placement_start", "placement_end"))
    codes, uniques = pd.factorize(pd.concat([c["child_id"], pl["child_id"]], ignore_index=True))
    c_child, p_child = codes[: len(c)], codes[len(c):]
    cs, ce = _days(c["cla_start"]), _days(c["cla_end"])
    ps, pe = _days(pl["placement_start"]), _days(pl["placement_end"])
    n = len(uniques)

    def at(d):
        year_before = np.datetime64((pd.Timestamp(d) - pd.DateOffset(years=1)).date(), "D")
        looked_after = np.zeros(n, dtype=bool)
        looked_after[c_child[(cs <= d) & (np.isnat(ce) | (ce > d))]] = True
        in_year = (ps <= d) & (np.isnat(pe) | (pe > year_before))
        moves = np.bincount(p_child[in_year], minlength=n)
        return float(np.sum(looked_after & (moves >= 3)))

    return FunctionStock(at)


@measure("csc.cin_open", kind="stock", tables=("referrals",), agency="CSC")
def cin_open(data: MeasureData) -> Stock:
    """Children in need at the date: child-in-need episodes (opened by a referral) open on it — referral on
    or before the date, closure blank or after it (CIN census: episodes open at 31 March)."""
    r = data.table("referrals", ("referral_date", "cin_closure_date"))
    return IntervalStock.build(r["referral_date"], r["cin_closure_date"])


def _missing(data: MeasureData) -> pd.DataFrame:
    return data.table("missing_episodes", ("child_id", "missing_start"))


@measure("csc.missing_episodes", noun="missing episodes", kind="events", tables=("missing_episodes",), agency="CSC")
def missing_episodes(data: MeasureData) -> Events:
    """Episodes of a child going missing from home or care, dated by the day the child was reported missing."""
    m = _missing(data)
    return Events.build(m["missing_start"], since=m["missing_start"].min())


@measure("csc.children_missing", kind="events", tables=("missing_episodes",), agency="CSC")
def children_missing(data: MeasureData) -> Events:
    """Distinct children with at least one missing episode starting in the window."""
    m = _missing(data)
    return Events.build(m["missing_start"], child=m["child_id"], distinct=True, since=m["missing_start"].min())


@measure("csc.missing_rhi_offered", kind="events", tables=("missing_episodes",), agency="CSC")
def missing_rhi_offered(data: MeasureData) -> Events:
    """Missing episodes after which a return home interview was offered, dated by the day the child was
    reported missing."""
    m = data.table("missing_episodes", ("missing_start", "rhi_offered"))
    return Events.build(m.loc[_yes(m["rhi_offered"]), "missing_start"], since=m["missing_start"].min())


# ---------------------------------------------------------------------------------------------------
# Population
# ---------------------------------------------------------------------------------------------------


def _population(data: MeasureData, lo: int, hi: int) -> Population:
    p = data.table("population", ("year", "age", "population"))
    ages = pd.to_numeric(p["age"], errors="coerce")
    sel = p[(ages >= lo) & (ages <= hi)]
    by_year = pd.to_numeric(sel["population"], errors="coerce").groupby(
        pd.to_numeric(sel["year"], errors="coerce").astype(int)).sum()
    return Population({int(y): float(v) for y, v in by_year.items()}, (lo, hi))


@measure("population.age_0_17", kind="population", tables=("population",), agency="PARTNERSHIP",
         unit="children aged 0-17")
def population_0_17(data: MeasureData) -> Population:
    """Resident children aged 0 to 17 (mid-year estimate; the estimate of the year the financial year
    starts in, as DfE: 2025-26 uses mid-2025)."""
    return _population(data, 0, 17)


@measure("population.age_10_17", kind="population", tables=("population",), agency="PARTNERSHIP",
         unit="children aged 10-17")
def population_10_17(data: MeasureData) -> Population:
    """Resident children aged 10 to 17 (mid-year estimate, same rule), the youth justice denominator."""
    return _population(data, 10, 17)


# ---------------------------------------------------------------------------------------------------
# Partners' quarterly returns
# ---------------------------------------------------------------------------------------------------


def _partner_series(data: MeasureData, code: str, column: str) -> dict[str, float]:
    def headline():
        df = data.partner()
        return df[(df["breakdown"].astype(str).str.lower() == "total") & (df["group"].astype(str).str.lower() == "all")]

    h = data.cached("partner_headline", headline)
    head = h[h["indicator"] == code]
    vals = pd.to_numeric(head[column], errors="coerce").astype(float)
    s = vals.groupby(head["period"].astype(str)).sum(min_count=1)
    return {str(k): float(v) for k, v in s.items()}


@measure("partner.numerator", kind="quarterly", tables=("partner_return",), agency="", argument="partner indicator code")
def partner_numerator(data: MeasureData, code: str) -> Quarterly:
    """The headline count (breakdown 'total', group 'all') of a partner's quarterly return, by quarter;
    twelve months is the sum of four quarters (unavailable if any is missing)."""
    return Quarterly(_partner_series(data, code, "numerator"), flow=True)


@measure("partner.denominator", noun="cases returned", kind="quarterly", tables=("partner_return",), agency="", argument="partner indicator code")
def partner_denominator(data: MeasureData, code: str) -> Quarterly:
    """The headline denominator of a partner's quarterly return, counted over the quarter (twelve months:
    the sum of four quarters)."""
    return Quarterly(_partner_series(data, code, "denominator"), flow=True)


@measure("partner.snapshot", kind="quarterly", tables=("partner_return",), agency="", time="stock",
         argument="partner indicator code")
def partner_snapshot(data: MeasureData, code: str) -> Quarterly:
    """The headline count of a partner's return that is a snapshot at the quarter end (twelve months: the
    latest quarter's)."""
    return Quarterly(_partner_series(data, code, "numerator"), flow=False)


@measure("partner.snapshot_denominator", noun="pupils or cases returned", kind="quarterly", tables=("partner_return",), agency="", time="stock",
         argument="partner indicator code")
def partner_snapshot_denominator(data: MeasureData, code: str) -> Quarterly:
    """The headline denominator of a partner's return that is a snapshot at the quarter end (for example
    pupils on roll); twelve months uses the latest quarter's."""
    return Quarterly(_partner_series(data, code, "denominator"), flow=False)


# ---------------------------------------------------------------------------------------------------
# The partnership's registers
# ---------------------------------------------------------------------------------------------------


@measure("training.places_attended", kind="events", tables=("training_attendance",), agency="PARTNERSHIP")
def training_places_attended(data: MeasureData) -> Events:
    """Places on multi-agency safeguarding courses that were attended, dated by the session."""
    t = data.table("training_attendance", ("session_date", "attended"))
    return Events.build(t.loc[_yes(t["attended"]), "session_date"], since=t["session_date"].min())


@measure("training.places_booked", noun="places booked", kind="events", tables=("training_attendance",), agency="PARTNERSHIP")
def training_places_booked(data: MeasureData) -> Events:
    """Places booked on multi-agency safeguarding courses, dated by the session."""
    t = data.table("training_attendance", ("session_date",))
    return Events.build(t["session_date"], since=t["session_date"].min())


@measure("audits.cases_audited", kind="events", tables=("audits",), agency="PARTNERSHIP")
def audits_cases_audited(data: MeasureData) -> Events:
    """Children's case files audited in multi-agency thematic audits (each case once per audit), dated by
    the audit panel."""
    a = data.table("audits", ("audit_id", "case_ref", "audit_date"))
    cases = a.drop_duplicates(["audit_id", "case_ref"])
    return Events.build(cases["audit_date"], since=a["audit_date"].min())


def _audit_cases(a: pd.DataFrame) -> pd.Series:
    """The case each grade belongs to (an audit and its case reference): the grades of one case are alike."""
    return a["audit_id"].astype("string") + "|" + a["case_ref"].astype("string")


@measure("audits.judgements", noun="audit grades", kind="events", tables=("audits",), agency="PARTNERSHIP")
def audits_judgements(data: MeasureData) -> Events:
    """Grades given in multi-agency audits (one per case, agency and line of enquiry), dated by the panel;
    clustered by case."""
    a = data.table("audits", ("audit_date", "grade", "audit_id", "case_ref"))
    return Events.build(a["audit_date"], since=a["audit_date"].min(), cluster=_audit_cases(a))


@measure("audits.judgements_good", kind="events", tables=("audits",), agency="PARTNERSHIP")
def audits_judgements_good(data: MeasureData) -> Events:
    """Audit grades of good or outstanding, dated by the panel; clustered by case."""
    a = data.table("audits", ("audit_date", "grade", "audit_id", "case_ref"))
    good = a["grade"].astype("string").isin(["good", "outstanding"]).fillna(False).to_numpy(dtype=bool)
    return Events.build(a.loc[good, "audit_date"], since=a["audit_date"].min(), cluster=_audit_cases(a)[good])


def _actions(data: MeasureData):
    a = data.table("actions", ("raised_date", "due_date", "completed_date"))
    return _days(a["raised_date"]), _days(a["due_date"]), _days(a["completed_date"])


@measure("actions.open", noun="open actions", kind="stock", tables=("actions",), agency="PARTNERSHIP")
def actions_open(data: MeasureData) -> Stock:
    """Actions of the partnership's action plan open at the date (raised on or before it, not completed by it)."""
    raised, _, done = _actions(data)
    return IntervalStock.build(raised, done)


@measure("actions.open_overdue", kind="stock", tables=("actions",), agency="PARTNERSHIP")
def actions_open_overdue(data: MeasureData) -> Stock:
    """Actions open at the date whose due date had passed (due before the date)."""
    raised, due, done = _actions(data)

    def at(d):
        return float(np.sum((raised <= d) & (np.isnat(done) | (done > d)) & (due < d)))

    return FunctionStock(at)


def _voice(data: MeasureData) -> pd.DataFrame:
    v = data.table("voice_responses", ("survey_date", "response", "response_id"))
    return v[pd.to_numeric(v["response"], errors="coerce").notna()]


@measure("voice.responses", noun="answers", kind="events", tables=("voice_responses",), agency="PARTNERSHIP")
def voice_responses(data: MeasureData) -> Events:
    """Answers given by children to the Your Voice Matters survey statements (blank answers left out),
    dated by the survey; clustered by the child answering (``response_id``: one child's answers)."""
    v = _voice(data)
    return Events.build(v["survey_date"], since=v["survey_date"].min(), cluster=v["response_id"])


@measure("voice.responses_agree", kind="events", tables=("voice_responses",), agency="PARTNERSHIP")
def voice_responses_agree(data: MeasureData) -> Events:
    """Answers of agree or strongly agree (4 or 5) to the Your Voice Matters statements, dated by the survey."""
    v = _voice(data)
    agree = (pd.to_numeric(v["response"]) >= 4).to_numpy()
    return Events.build(v.loc[agree, "survey_date"], since=v["survey_date"].min(), cluster=v.loc[agree, "response_id"])
