"""The demo's registers of the arrangements' other evidence: quality-assurance visits and their actions,
the Safeguarding Together Action Group (STAG), the staff survey, the training needs analysis, contract
monitoring, who was heard, "you said, we did", professional disagreements and the partnership's funding.

Each register is drawn from its own random stream (spawned from the assurance generator's, in a fixed
order), so that adding or changing one leaves the others' bytes alone. Sizes are those of a city like
Coventry and do not grow with ``--children``:

* about 60 quality-assurance visits a year across the agencies, planned up to three months ahead, some
  cancelled or slipped; 1 to 6 actions from each visit held;
* STAG every six weeks or so, 2 to 4 issues a meeting, about a third escalated to a subgroup;
* a staff survey twice a year (closing in June and December), about 285 practitioners answering 8
  statements, answers alike within a respondent (a respondent effect);
* a training needs analysis every April for each agency and topic, tied to the places the agency takes on
  the matching course, with one topic no course of the programme meets;
* about 40 commissioned providers reviewed once a year against 8 safeguarding standards;
* who took part in about ten engagement activities a quarter, by age band, sex, ethnicity, disability and
  (for some) religion;
* a "you said, we did" tracker of about 85 themes a year from children, families and practitioners;
* about 140 professional disagreements a year;
* each partner's contribution and the spend by function for every financial year (one year of history).

The effects each register carries (``effects``) are listed in the demo README.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..periods import Period, period_range
from ..returns.schemas import SCHEMAS
from . import _dates
from .effects import Effect, effect

__all__ = ["generate_more_registers", "NEEDS_TOPICS"]

GRADES = ("outstanding", "good", "requires_improvement", "inadequate")

QA_AGENCIES = (("CSC", 0.22), ("HEALTH", 0.20), ("EDUCATION", 0.20), ("POLICE", 0.10), ("EARLY_YEARS", 0.08),
               ("YJS", 0.06), ("HOUSING", 0.05), ("PROBATION", 0.04), ("VCS", 0.05))
QA_SERVICES = {
    "CSC": ("Front door (MASH)", "Assessment team", "Children in care team", "Disabled children's team"),
    "HEALTH": ("Emergency department", "Health visiting", "School nursing", "Child and adolescent mental health"),
    "EDUCATION": ("Secondary school", "Primary school", "Alternative provision", "Attendance service"),
    "POLICE": ("Public protection unit", "Missing persons team", "Custody suite"),
    "EARLY_YEARS": ("Day nursery", "Childminders' network", "Family hub"),
    "YJS": ("Youth justice case management", "Out-of-court disposals"),
    "HOUSING": ("Homelessness assessment", "Temporary accommodation"),
    "PROBATION": ("Probation delivery unit",),
    "VCS": ("Youth charity", "Domestic abuse support service"),
}
QA_FOCUS = ("Voice of the child in records", "Management oversight", "Information sharing", "Response to neglect",
            "Escalation and challenge", "Safer recruitment", "Recording of ethnicity and identity")

STAG_ATTENDANCE = (("CSC", 0.95), ("HEALTH", 0.9), ("EDUCATION", 0.9), ("EARLY_YEARS", 0.7), ("POLICE", 0.6),
                   ("VCS", 0.6), ("YJS", 0.5), ("HOUSING", 0.3), ("PROBATION", 0.35))
STAG_THEMES = (
    ("Delays in strategy discussions out of hours", "The out-of-hours rota was reviewed with police and health."),
    ("No feedback after making a referral", "The front door now sends an outcome letter to every referrer."),
    ("Thresholds applied differently by different teams", "Right Help Right Time briefings were run for all teams."),
    ("Children missing education not known to schools", "The attendance service now shares its list monthly."),
    ("Hard to reach a GP for safeguarding information", "A named GP contact was agreed for each practice."),
    ("Exploitation screening tool is too long", "The screening tool was shortened with practitioners."),
    ("Parents of babies not told about safe sleep", "Safe sleep advice was added to every new-birth visit."),
    ("Waiting lists for mental health support", "The mental health service published its waiting times."),
    ("Interpreters not booked for meetings", "A standard was agreed for booking interpreters."),
    ("Online harm in primary schools", "Online safety sessions were offered to primary schools."),
)
STAG_ESCALATED_TO = ("Audit and Performance subgroup", "Learning and Development subgroup", "Executive group")

SURVEY_ITEMS = (
    ("I know how to escalate a concern about a child", 4.35),
    ("I understand the Right Help Right Time threshold guidance", 3.9),
    ("I know how to make a referral to children's social care", 4.3),
    ("I get feedback when I make a referral", 3.2),
    ("I am confident to challenge other professionals", 3.7),
    ("Multi-agency training has helped my practice", 3.8),
    ("I know about the learning from local reviews", 3.4),
    ("I feel supported by my manager when I raise a concern", 4.0),
)
SURVEY_AGENCIES = (("EDUCATION", 0.28), ("HEALTH", 0.24), ("CSC", 0.18), ("EARLY_YEARS", 0.09), ("POLICE", 0.08),
                   ("VCS", 0.06), ("YJS", 0.03), ("HOUSING", 0.02), ("PROBATION", 0.02))

# topic of the needs analysis -> the course of the programme that meets it (None: no course does)
NEEDS_TOPICS = (
    ("Safeguarding basics", "Introduction to safeguarding children"),
    ("Neglect", "Neglect and the Graded Care Profile"),
    ("Domestic abuse", "Domestic abuse: impact on children"),
    ("Child exploitation", "Child criminal exploitation and county lines"),
    ("Harmful sexual behaviour", "Harmful sexual behaviour"),
    ("Working with resistant families", "Working with resistant families"),
    ("Safeguarding disabled children", "Safeguarding disabled children"),
    ("Professional curiosity", "Professional curiosity and challenge"),
    ("Adolescent mental health and self-harm", "Adolescent mental health and self-harm"),
    ("Online safety", "Online safety for practitioners"),
    ("Learning from reviews", "Learning from local reviews"),
    ("Designated safeguarding lead", "Designated safeguarding lead refresher"),
    ("Contextual safeguarding and harm outside the home", None),
)

CONTRACT_PROVIDERS = {
    "childrens_home": ("Northfold Children's Homes", "Larkspur Care", "Meadowbank Residential", "Hawthorn House",
                       "Kestrel Children's Services", "Pinewood Homes", "Rosemead Care", "Willowbrook Residential",
                       "Cedar Park Homes", "Alder Court Care"),
    "fostering_agency": ("Foxhollow Fostering", "Greenacre Family Placements", "Juniper Fostering",
                         "Sandpiper Foster Care", "Upton Vale Fostering", "Bramley Families"),
    "supported_accommodation": ("Quarry Hill Supported Living", "Thornbury Heath Housing", "Dovecote Lodgings",
                                "Fernhill Youth Housing", "Glebe Farm Supported Accommodation", "Heron Way Housing",
                                "Coppice Move-On"),
    "short_breaks": ("Ivybridge Short Breaks", "Yewtree Respite", "Elmstead Family Breaks", "Oakridge Play and Stay"),
    "alternative_provision": ("Damson Lane Learning Centre", "Birchfield Alternative Provision", "Ashgrove Pathways",
                              "Northfold Tuition", "Kestrel Vocational", "Larkspur Education"),
    "home_to_school_transport": ("City Minibus Co-operative", "Meadow Taxis", "Greenway Coaches", "Arrow Travel"),
    "youth_services": ("Upton Vale Youth Club", "Pinewood Detached Youth Work", "Rosemead Sports Trust",
                       "Cedar Park Arts for Young People", "Willowbrook Mentoring"),
}
CONTRACT_STANDARDS = (
    "Safer recruitment checks complete", "Safeguarding policy up to date and known to staff",
    "Staff safeguarding training current", "Missing from care or education protocol followed",
    "Allegations referred to the LADO", "Children's views sought and acted on",
    "Incidents reported to the commissioner within 24 hours", "Exploitation risks assessed and shared",
)
CONTRACT_RATINGS = (0.88, 0.09, 0.03)  # met, partly met, not met

REACH_ACTIVITIES = ("Your Voice Matters survey", "Youth forum", "Children in care council", "School council visit",
                    "Special school group", "Young carers group", "Youth club consultation", "Online consultation")
REACH_AGE = (("5 to 9", 0.38), ("10 to 15", 0.47), ("16 to 17", 0.15))  # as the city's children aged 5 to 17
REACH_SEX = (("Female", 0.50), ("Male", 0.50))
REACH_ETHNICITY = (("White", 0.549), ("Mixed", 0.069), ("Asian", 0.202), ("Black", 0.135), ("Other", 0.045))
REACH_DISABILITY = (("Disabled", 0.10), ("Not disabled", 0.90))
REACH_RELIGION = (("Christian", 0.33), ("Muslim", 0.14), ("Sikh", 0.06), ("Hindu", 0.03), ("No religion", 0.40),
                  ("Other religion", 0.04))
NOT_RECORDED_SHARE = 0.05

YOU_SAID = {
    "children": (
        ("Feeling unsafe at the bus station after dark", "Bus station staff were briefed and lighting was improved."),
        ("Not knowing who to talk to at school", "Schools put up photographs of their safeguarding leads."),
        ("Waiting too long for mental health support", "A weekly drop-in was opened at the youth hub."),
        ("Being asked the same questions by different workers", "Workers now share one chronology with consent."),
        ("Pressure to share images online", "A campaign on image sharing was co-produced with the youth forum."),
        ("Nowhere to go in the evenings", "The youth offer was extended to Friday evenings."),
        ("Adults talking about us in meetings we are not in", "Young people are now invited to their own reviews."),
        ("Knife crime near school", "Police and youth workers ran sessions in three schools."),
    ),
    "families": (
        ("Not told what happens after a referral", "A leaflet explaining next steps is given at every referral."),
        ("Too many professionals involved", "A lead professional is named for every family with a plan."),
        ("Hard to get help before things get worse", "Family hubs opened drop-in sessions on Saturdays."),
        ("Meetings held when parents are at work", "Meetings are now offered after 5pm."),
        ("Letters full of jargon", "Standard letters were rewritten with parents."),
        ("No help with a child's behaviour at home", "A parenting course was added at two family hubs."),
    ),
    "practitioners": (
        ("No feedback after making a referral", "The front door now sends an outcome letter to every referrer."),
        ("Thresholds applied differently by different teams", "Right Help Right Time briefings were run for all teams."),
        ("Exploitation screening tool is too long", "The screening tool was shortened with practitioners."),
        ("Interpreters not booked for meetings", "A standard was agreed for booking interpreters."),
        ("Hard to reach a GP for safeguarding information", "A named GP contact was agreed for each practice."),
    ),
}
YOU_SAID_FORUMS = {"children": ("Youth forum", "Children in care council", "School council visit",
                                "Your Voice Matters survey"),
                   "families": ("Parents' forum", "Family hub feedback", "Complaints and compliments"),
                   "practitioners": ("Safeguarding Together Action Group", "Staff survey")}
YOU_SAID_LEADS = ("PARTNERSHIP", "CSC", "HEALTH", "EDUCATION", "POLICE", "EARLY_YEARS")

DISAGREE_WITH = (("CSC", 0.45), ("HEALTH", 0.18), ("EDUCATION", 0.14), ("POLICE", 0.13), ("HOUSING", 0.05),
                 ("EARLY_YEARS", 0.05))
DISAGREE_BY = (("EDUCATION", 0.30), ("HEALTH", 0.25), ("CSC", 0.15), ("POLICE", 0.10), ("EARLY_YEARS", 0.08),
               ("VCS", 0.07), ("YJS", 0.05))
DISAGREE_ISSUES = (("threshold_decision", 0.38), ("plan_or_progress", 0.22), ("information_sharing", 0.16),
                   ("response_to_referral", 0.17), ("other", 0.07))

FUNDING_PARTNERS = (
    ("Coventry City Council", "CSC", 330_000),
    ("NHS Coventry and Warwickshire Integrated Care Board", "HEALTH", 190_000),
    ("West Midlands Police", "POLICE", 95_000),
    ("Probation Service", "PROBATION", 6_000),
    ("Coventry Schools Forum", "EDUCATION", 40_000),
)
FUNDING_SHARE = (("business_unit", 0.52), ("independent_scrutiny", 0.08), ("training", 0.16),
                 ("practice_reviews", 0.12), ("child_death_reviews", 0.06), ("voice_and_engagement", 0.04),
                 ("other", 0.02))


def _weighted(pairs):
    codes = [c for c, _ in pairs]
    w = np.array([p for _, p in pairs], float)
    return codes, w / w.sum()


def _iso(days) -> np.ndarray:
    return _dates.iso(np.asarray(days, dtype=np.int64))


def _working(days) -> np.ndarray:
    return _dates.add_working_days(np.asarray(days, dtype=np.int64), 0)


def _year_of(day: int) -> int:
    """Start year of the financial year a day falls in."""
    y, m, _ = _dates.ymd(np.array([day]))
    return int(y[0]) if int(m[0]) >= 4 else int(y[0]) - 1


def generate_more_registers(rng: np.random.Generator, first: Period, last: Period, attendance: pd.DataFrame,
                            effects: list[Effect]) -> dict[str, pd.DataFrame]:
    """The registers listed in the module docstring for ``first`` to ``last`` (nothing after ``last.end``)."""
    lo, end = _dates.day(first.start), _dates.day(last.end)
    streams = iter(rng.spawn(9))
    out: dict[str, pd.DataFrame] = {}
    out["qa_visits"], out["qa_visit_actions"] = _qa_visits(next(streams), lo, end, effect("qa_actions_slow", effects))
    out["stag_attendance"], out["stag_issues"] = _stag(next(streams), lo, end, effect("stag_absent_agency", effects))
    out["staff_survey"] = _staff_survey(next(streams), first, last, effect("survey_escalation_drop", effects))
    out["training_needs"] = _training_needs(next(streams), first, last, attendance,
                                            effect("training_need_exploitation", effects))
    out["contract_monitoring"] = _contracts(next(streams), lo, end, effect("contract_supported_accommodation", effects))
    out["voice_reach"] = _reach(next(streams), first, last, effect("reach_asian_children", effects))
    out["you_said_we_did"] = _you_said(next(streams), lo, end, effect("you_said_families_wait", effects))
    out["professional_disagreements"] = _disagreements(next(streams), lo, end, effect("disagreements_stuck", effects))
    out["funding_contributions"], out["funding_spend"] = _funding(next(streams), first, last,
                                                                  effect("funding_deficit", effects))
    # rows in the order of each table's key, as every file of the demo
    return {name: df.sort_values(list(SCHEMAS[name].key), kind="stable").reset_index(drop=True)
            for name, df in out.items()}


# --- quality-assurance visits ------------------------------------------------------------------------


def _qa_visits(rng, lo: int, end: int, slow: Effect) -> tuple[pd.DataFrame, pd.DataFrame]:
    codes, w = _weighted(QA_AGENCIES)
    n = int(round((end + 90 - lo) / 365.25 * 60))
    planned = np.sort(_working(lo + rng.integers(0, end + 90 - lo, n)))
    agency = rng.choice(codes, size=n, p=w)
    service = np.array([QA_SERVICES[a][int(rng.integers(0, len(QA_SERVICES[a])))] for a in agency], dtype=object)
    held_day = _dates.add_working_days(planned, rng.integers(0, 6, n))
    cancelled = rng.random(n) < 0.08
    slipped = (planned <= end) & (planned > end - 30) & (rng.random(n) < 0.3)  # not yet held, planned date passed
    held = ~cancelled & ~slipped & (held_day <= end)
    grade = np.where(held, rng.choice(GRADES, size=n, p=[0.08, 0.52, 0.33, 0.07]), "")
    status = np.where(held, "held", np.where(cancelled & (planned <= end), "cancelled", "planned"))
    years = np.array([_year_of(int(d)) for d in planned])
    seq = pd.Series(years).groupby(years).cumcount().to_numpy() + 1
    ids = np.array([f"QAV-{y}-{k:03d}" for y, k in zip(years, seq, strict=True)], dtype=object)
    visits = pd.DataFrame({
        "visit_id": ids, "agency": agency, "service": service, "planned_date": _iso(planned),
        "visit_date": _dates.iso(held_day, ~held), "status": status, "grade": grade,
        "focus": np.where(held, rng.choice(QA_FOCUS, size=n), ""),
    })
    # actions: more after a weaker grade; the slow agency's close later (the planted effect)
    h = np.flatnonzero(held)
    k = 1 + rng.poisson(1.6, len(h)) + np.isin(grade[h], ("requires_improvement", "inadequate")) * 2
    k = np.minimum(k, 6)
    rows = np.repeat(h, k)
    m = len(rows)
    raised = _working(held_day[rows] + rng.integers(3, 15, m))
    due = raised + rng.choice([30, 60, 90], size=m)
    is_slow = np.isin(agency[rows], slow.groups)
    scale = np.where(is_slow, slow.detail["slow_scale_days"], slow.detail["usual_scale_days"])
    done = raised + np.ceil(rng.gamma(2.0, scale)).astype(np.int64)
    complete = done <= end
    keep = raised <= end
    actions = pd.DataFrame({
        "visit_id": ids[rows], "agency": agency[rows], "raised_date": _iso(raised), "due_date": _iso(due),
        "status": np.where(complete, "complete", "open"), "completed_date": _dates.iso(done, ~complete),
    })[keep].reset_index(drop=True)
    actions.insert(0, "action_id", [f"QAVA-{i + 1:04d}" for i in range(len(actions))])
    return visits.sort_values("visit_id", kind="stable").reset_index(drop=True), actions


# --- STAG and the staff survey -------------------------------------------------------------------------


def _stag(rng, lo: int, end: int, absent: Effect) -> tuple[pd.DataFrame, pd.DataFrame]:
    meetings = []
    d = lo + int(rng.integers(10, 30))
    while d <= end:
        meetings.append(int(_working(np.array([d]))[0]))
        d += 42 + int(rng.integers(-5, 6))
    meetings = [m for m in meetings if m <= end]
    att, issues = [], []
    stop = end - int(absent.detail["months_absent"] * 30.44)
    for day in meetings:
        mid = f"STAG-{_iso([day])[0][:7]}"
        present = []
        for agency, p in STAG_ATTENDANCE:
            if agency in absent.groups and day > stop:
                continue
            if rng.random() < p:
                present.append(agency)
                att.append((mid, _iso([day])[0], agency, int(rng.integers(1, 7))))
        for _ in range(int(rng.integers(2, 5))):
            theme, response = STAG_THEMES[int(rng.integers(0, len(STAG_THEMES)))]
            by = present[int(rng.integers(0, len(present)))] if present else "PARTNERSHIP"
            esc = rng.random() < 0.35
            to = STAG_ESCALATED_TO[int(rng.integers(0, len(STAG_ESCALATED_TO)))] if esc else ""
            r_day = day + int(rng.integers(20, 121)) if esc else day + int(rng.integers(0, 30))
            answered = r_day <= end and rng.random() < 0.92
            issues.append((mid, _iso([day])[0], by, theme, "Y" if esc else "N", to,
                           response if answered else "", _iso([r_day])[0] if answered else ""))
    attendance = pd.DataFrame(att, columns=["meeting_id", "meeting_date", "agency", "attendees"])
    iss = pd.DataFrame(issues, columns=["meeting_id", "meeting_date", "agency", "theme", "escalated", "escalated_to",
                                        "response", "response_date"])
    iss.insert(0, "issue_id", [f"STAGI-{i + 1:04d}" for i in range(len(iss))])
    return (attendance.sort_values(["meeting_id", "agency"], kind="stable").reset_index(drop=True),
            iss.reset_index(drop=True))


def _survey_waves(first: Period, last: Period) -> list[int]:
    """The closing day of each wave: the last working day of June and of December, within the quarters."""
    out = []
    for q in period_range(first, last):
        if q.quarter in (1, 3):
            out.append(int(_dates.add_working_days(np.array([_dates.day(q.end)]), 0, roll="backward")[0]))
    return out


def _staff_survey(rng, first: Period, last: Period, drop: Effect) -> pd.DataFrame:
    codes, w = _weighted(SURVEY_AGENCIES)
    means = np.array([m for _, m in SURVEY_ITEMS])
    frames = []
    waves = _survey_waves(first, last)
    for k, day in enumerate(waves):
        n = int(rng.integers(250, 321))
        agency = rng.choice(codes, size=n, p=w)
        person = rng.normal(0, 0.45, n)[:, None]  # answers of one respondent are alike
        mu = np.broadcast_to(means, (n, len(means))).copy()
        if k == len(waves) - 1:  # the planted drop, in the latest wave only
            hit = np.isin(agency, drop.groups)
            mu[hit, int(drop.detail["item"])] -= float(drop.detail["shift"])
        latent = mu + person + rng.normal(0, 0.75, (n, len(means)))
        resp = np.clip(np.rint(latent), 1, 5).astype(np.int64).astype(object)
        resp[rng.random(resp.shape) < 0.02] = pd.NA
        wave = f"{_iso([day])[0][:4]}{'A' if _iso([day])[0][5:7] == '06' else 'B'}"
        frames.append(pd.DataFrame({
            "response_id": np.repeat([f"SS-{wave}-{i + 1:04d}" for i in range(n)], len(means)),
            "survey_date": _iso([day])[0],
            "agency": np.repeat(agency, len(means)),
            "item_id": np.tile([f"S{j + 1}" for j in range(len(means))], n),
            "item": np.tile([t for t, _ in SURVEY_ITEMS], n),
            "response": resp.ravel(),
        }))
    cols = ["response_id", "survey_date", "agency", "item_id", "item", "response"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


# --- training needs ------------------------------------------------------------------------------------


def _training_needs(rng, first: Period, last: Period, attendance: pd.DataFrame, high: Effect) -> pd.DataFrame:
    end = _dates.day(last.end)
    att = attendance[attendance["attended"] == "Y"]
    days = np.array([_dates.day(d) for d in att["session_date"]]) if len(att) else np.array([], dtype=np.int64)
    span_years = max((days.max() - days.min() + 1) / 365.25, 0.25) if len(days) else 1.0
    per_year = att.groupby(["agency", "course"]).size() / span_years
    agencies = sorted(att["agency"].unique()) if len(att) else []
    rows = []
    for y in range(first.start_year, last.start_year + 1):
        for agency in agencies:
            assessed = int(_working(np.array([_dates.day(f"{y}-04-01") + int(rng.integers(7, 50))]))[0])
            if assessed > end:
                continue
            for topic, course in NEEDS_TOPICS:
                if course is None:
                    need = int(rng.poisson(18)) if rng.random() < 0.6 else 0
                else:
                    base = float(per_year.get((agency, course), 0.0))
                    factor = high.factor if topic in high.groups else rng.uniform(0.75, 1.2)
                    need = int(rng.poisson(base * factor))
                if need == 0:
                    continue
                priority = "high" if (topic in high.groups or need >= 40) else ("medium" if need >= 10 else "low")
                rows.append((f"{y}-{(y + 1) % 100:02d}", _iso([assessed])[0], agency, topic, course or "", need, priority))
    return pd.DataFrame(rows, columns=["round", "assessed_date", "agency", "topic", "course", "staff_to_train",
                                       "priority"])


# --- contract monitoring -------------------------------------------------------------------------------


def _contracts(rng, lo: int, end: int, weak: Effect) -> pd.DataFrame:
    rows = []
    seq: dict[int, int] = {}
    providers = [(p, s) for s, names in CONTRACT_PROVIDERS.items() for p in names]
    offsets = rng.integers(0, 365, len(providers))  # each provider reviewed on about the same day each year
    effect_size = rng.normal(0, 0.3, len(providers))  # providers differ: standards cluster within a review
    reviews = []
    for (provider, stype), off, eff in zip(providers, offsets, effect_size, strict=True):
        d = lo + int(off)
        while d <= end:
            day = int(_working(np.array([d]))[0])
            if day <= end:
                reviews.append((day, provider, stype, eff))
            d += 365 + int(rng.integers(-20, 21))
    reviews.sort(key=lambda r: (r[0], r[1]))
    for day, provider, stype, eff in reviews:
        y = _year_of(day)
        seq[y] = seq.get(y, 0) + 1
        rid = f"CM-{y}-{seq[y]:03d}"
        base = np.array(weak.detail["ratings"] if stype in weak.groups else CONTRACT_RATINGS)
        met = 1 / (1 + np.exp(-(np.log(base[0] / (1 - base[0])) + eff)))
        rest = base[1:] / base[1:].sum() * (1 - met)
        p = np.array([met, *rest])
        ratings = rng.choice(["met", "partly_met", "not_met"], size=len(CONTRACT_STANDARDS), p=p / p.sum())
        concern = rng.random(len(ratings)) < np.select([ratings == "not_met", ratings == "partly_met"], [0.6, 0.15],
                                                      0.01)
        for k, (std, r, c) in enumerate(zip(CONTRACT_STANDARDS, ratings, concern, strict=True)):
            rows.append((rid, _iso([day])[0], provider, stype, f"CM-{k + 1}", std, str(r), "Y" if c else "N"))
    return pd.DataFrame(rows, columns=["review_id", "review_date", "provider", "service_type", "standard_id",
                                       "standard", "rating", "concern_raised"])


# --- who was heard ----------------------------------------------------------------------------------


def _split(rng, n: int, pairs, factors: dict | None = None, recorded: float = 1 - NOT_RECORDED_SHARE):
    groups = [g for g, _ in pairs]
    w = np.array([p * (factors or {}).get(g, 1.0) for g, p in pairs], float)
    known = int(rng.binomial(n, recorded))
    counts = rng.multinomial(known, w / w.sum())
    return [*zip(groups, counts.tolist(), strict=True), ("Not recorded", n - known)]


def _reach(rng, first: Period, last: Period, under: Effect) -> pd.DataFrame:
    rows = []
    end = _dates.day(last.end)
    seq: dict[int, int] = {}
    for q in period_range(first, last):
        for _ in range(int(rng.integers(8, 13))):
            day = int(_working(np.array([_dates.day(q.start) + int(rng.integers(3, 88))]))[0])
            if day > end:
                continue
            kind = REACH_ACTIVITIES[int(rng.integers(0, len(REACH_ACTIVITIES)))]
            n = int(rng.integers(80, 151)) if kind in ("Your Voice Matters survey", "Online consultation") \
                else int(rng.integers(8, 31))
            y = _year_of(day)
            seq[y] = seq.get(y, 0) + 1
            aid = f"VR-{y}-{seq[y]:03d}"
            parts = {"age_band": _split(rng, n, REACH_AGE), "sex": _split(rng, n, REACH_SEX),
                     "ethnicity": _split(rng, n, REACH_ETHNICITY, {g: under.factor for g in under.groups}),
                     "disability": _split(rng, n, REACH_DISABILITY, recorded=0.85)}
            if kind in ("Your Voice Matters survey", "Online consultation"):
                parts["religion"] = _split(rng, n, REACH_RELIGION, recorded=0.7)
            for ch, groups in parts.items():
                for g, k in groups:
                    if k:
                        rows.append((aid, _iso([day])[0], kind, ch, g, k))
    df = pd.DataFrame(rows, columns=["activity_id", "activity_date", "activity", "characteristic", "group",
                                     "participants"])
    return df.sort_values(["activity_id", "characteristic", "group"], kind="stable").reset_index(drop=True)


# --- you said, we did ----------------------------------------------------------------------------------


def _you_said(rng, lo: int, end: int, slow: Effect) -> pd.DataFrame:
    rate = {"children": 36, "families": 30, "practitioners": 18}  # themes a year
    rows = []
    for voice, per_year in rate.items():
        n = int(round(per_year * (end - lo + 1) / 365.25))
        days = np.sort(_working(lo + rng.integers(0, end - lo + 1, n)))
        scale = slow.detail["slow_scale_days"] if voice in slow.groups else slow.detail["usual_scale_days"]
        waits = np.ceil(rng.gamma(2.0, scale, n)).astype(np.int64)
        for day, wait in zip(days, waits, strict=True):
            theme, did = YOU_SAID[voice][int(rng.integers(0, len(YOU_SAID[voice])))]
            forum = YOU_SAID_FORUMS[voice][int(rng.integers(0, len(YOU_SAID_FORUMS[voice])))]
            lead = YOU_SAID_LEADS[int(rng.integers(0, len(YOU_SAID_LEADS)))]
            r = int(day + wait)
            rows.append((int(day), voice, forum, theme, lead, did if r <= end else "", _iso([r])[0] if r <= end else ""))
    rows.sort(key=lambda r: (r[0], r[1]))
    df = pd.DataFrame(rows, columns=["day", "voice_of", "forum", "theme", "lead_agency", "we_did", "response_date"])
    df.insert(0, "theme_id", [f"YSWD-{i + 1:04d}" for i in range(len(df))])
    df.insert(1, "raised_date", _iso(df.pop("day").to_numpy()))
    return df


# --- professional disagreements --------------------------------------------------------------------------


def _disagreements(rng, lo: int, end: int, stuck: Effect) -> pd.DataFrame:
    n = int(round(140 * (end - lo + 1) / 365.25))
    days = np.sort(_working(lo + rng.integers(0, end - lo + 1, n)))
    with_codes, with_w = _weighted(DISAGREE_WITH)
    by_codes, by_w = _weighted(DISAGREE_BY)
    raised_with = rng.choice(with_codes, size=n, p=with_w)
    raised_by = rng.choice(by_codes, size=n, p=by_w)
    same = raised_by == raised_with
    while same.any():  # a disagreement is between two agencies
        raised_by[same] = rng.choice(by_codes, size=int(same.sum()), p=by_w)
        same = raised_by == raised_with
    issue_codes, issue_w = _weighted(DISAGREE_ISSUES)
    stage = rng.choice([1, 2, 3, 4], size=n, p=[0.60, 0.28, 0.10, 0.02])
    # each stage usually settles within about three working days
    wd = stage * 3 + np.ceil(rng.gamma(1.5, 1.0, n)).astype(np.int64)
    recent = days > end - int(stuck.detail["months"] * 30.44)
    hit = recent & np.isin(raised_with, stuck.groups) & (rng.random(n) < stuck.detail["share_stuck"])
    stage = np.where(hit, 2, stage)
    wd = np.where(hit, np.ceil(rng.gamma(2.0, 60.0, n)).astype(np.int64) + 20, wd)
    resolved = _dates.add_working_days(days, wd)
    done = resolved <= end
    withdrawn = rng.random(n) < 0.08
    years = np.array([_year_of(int(d)) for d in days])
    seq = pd.Series(years).groupby(years).cumcount().to_numpy() + 1
    return pd.DataFrame({
        "escalation_id": [f"ESC-{y}-{k:04d}" for y, k in zip(years, seq, strict=True)],
        "raised_date": _iso(days), "raised_by": raised_by, "raised_with": raised_with,
        "issue": rng.choice(issue_codes, size=n, p=issue_w), "stage_reached": stage.astype(np.int64),
        "outcome": np.where(done, np.where(withdrawn, "withdrawn", "resolved"), "ongoing"),
        "resolved_date": _dates.iso(resolved, ~done),
    }).sort_values("escalation_id", kind="stable").reset_index(drop=True)


# --- funding -------------------------------------------------------------------------------------------


def _funding(rng, first: Period, last: Period, deficit: Effect) -> tuple[pd.DataFrame, pd.DataFrame]:
    end = _dates.day(last.end)
    contributions, spend = [], []
    functions, shares = _weighted(FUNDING_SHARE)
    for y in range(first.start_year - 1, last.start_year + 1):
        label = f"{y}-{(y + 1) % 100:02d}"
        agreed = int(_working(np.array([_dates.day(f"{y}-04-01")]))[0])
        if agreed > end:
            continue
        grow = 1.02 ** (y - (first.start_year - 1))
        total = 0
        for partner, agency, base in FUNDING_PARTNERS:
            frozen = agency in deficit.groups  # this partner's contribution has not risen
            amount = int(round(base * (1.0 if frozen else grow), -2))
            total += amount
            contributions.append((label, partner, agency, amount, _iso([agreed])[0]))
        recorded = int(_working(np.array([_dates.day(f"{y + 1}-04-30")]))[0])
        if recorded > end:
            continue
        budget = np.round(total * shares, -2).astype(np.int64)
        spent = np.round(budget * rng.uniform(0.93, 1.02, len(budget)), -2).astype(np.int64)
        if y == last.start_year - 1:  # the latest year with an outturn: practice reviews overspent
            k = functions.index(deficit.stage)
            spent[k] = int(round(budget[k] * deficit.factor, -2))
        for f, b, s in zip(functions, budget, spent, strict=True):
            spend.append((label, f, int(b), int(s), _iso([recorded])[0]))
    return (pd.DataFrame(contributions, columns=["year", "partner", "agency", "contribution", "agreed_date"]),
            pd.DataFrame(spend, columns=["year", "function", "budget", "spent", "recorded_date"]))
