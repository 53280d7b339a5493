"""The partnership's assurance registers in the demo: audits, self-assessments, reviews, training, actions,
the voice of children, LADO allegations and child deaths reviewed.

Each register is as the partnership's tracker stood at the end of the last quarter: nothing is dated
after it, open items have blank completion dates. Sizes are those of a city like Coventry and do not
grow with ``--children`` (a register of a few thousand rows is small at any scale):

* one multi-agency thematic case-file audit a quarter: 6-8 cases x 4-6 agencies x 5 lines of enquiry,
  grades improving gently over time;
* Section 11 every two years (rounds 2023-24 and 2025-26) for 10 organisations x 8 standards, one
  organisation not submitting in the latest round; Section 175/157 every academic year for 40 schools
  x 6 standards;
* 6-10 serious-incident notifications a year, most rapid reviews within 15 working days (some notified
  the day before a bank-holiday weekend), a few late; 1-3 local practice reviews a year, one overdue;
* about 2,000 training places a year on 12 courses, about 10% not attended; evaluations with paired
  before/after confidence (after higher on average) and a follow-up answer from about 40%;
* about 90 SMART actions raised from audits, reviews, self-assessments, scrutiny and inspection, some
  overdue at the last quarter's end, one due on that very day and still open;
* a Your Voice Matters survey each quarter (80-150 respondents x 8 statements) and 2-4 voice
  sessions a quarter;
* 250-350 LADO allegations a year by employer sector; 20-30 child deaths reviewed a year;
* the registers of the arrangements' other evidence (quality-assurance visits, STAG, the staff survey,
  training needs, contract monitoring, who was heard, "you said, we did", professional disagreements and
  funding), written by ``synthetic.registers``.

All names of schools, courses and settings are invented.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..periods import Period, period_range
from . import _dates
from .effects import effects_for
from .registers import generate_more_registers

__all__ = ["generate_registers"]

GRADES = ("outstanding", "good", "requires_improvement", "inadequate")

AUDIT_THEMES = (
    "Neglect", "Domestic abuse and its impact on children", "Child criminal exploitation", "Harmful sexual behaviour",
    "Children missing from home and education", "Babies and pre-birth assessments", "Disabled children",
    "Children's emotional wellbeing and self-harm", "Online harm", "Child sexual abuse in the family environment",
    "Early help and step-down", "Transition to adulthood", "Neglect (re-audit)", "Voice of the child",
    "Parental mental health", "Child protection medicals",
)
LINES_OF_ENQUIRY = ("Voice of the child", "Information sharing", "Risk assessment and analysis", "Management oversight",
                    "Impact and outcomes for the child")
AUDIT_AGENCIES = ("CSC", "POLICE", "HEALTH", "EDUCATION", "EARLY_YEARS", "YJS", "PROBATION", "HOUSING", "VCS")

S11_ORGANISATIONS = (
    ("Coventry City Council Children's Services", "CSC"),
    ("West Midlands Police", "POLICE"),
    ("NHS Coventry and Warwickshire Integrated Care Board", "HEALTH"),
    ("University Hospitals Coventry and Warwickshire NHS Trust", "HEALTH"),
    ("Coventry and Warwickshire Partnership NHS Trust", "HEALTH"),
    ("West Midlands Ambulance Service", "HEALTH"),
    ("Probation Service (Coventry)", "PROBATION"),
    ("Coventry Youth Justice Service", "YJS"),
    ("Coventry City Council Housing and Homelessness", "HOUSING"),
    ("Coventry Voluntary Sector Safeguarding Forum", "VCS"),
)
S11_STANDARDS = (
    "Senior management commitment to safeguarding", "A clear line of accountability", "Safer recruitment and allegations",
    "Safeguarding policies and procedures", "Training, supervision and support of staff", "Listening to children",
    "Information sharing and multi-agency working", "Learning from reviews and audits",
)
S175_STANDARDS = (
    "Leadership and the designated safeguarding lead", "Policies, procedures and record keeping",
    "Safer recruitment and the single central record", "Staff training and induction",
    "Early help and referrals to children's social care", "Online safety and the curriculum",
)
_SCHOOL_NAMES = ("Ashgrove", "Birchfield", "Cedar Park", "Damson Lane", "Elmstead", "Foxhollow", "Greenacre", "Hawthorn",
                 "Ivybridge", "Juniper Road", "Kestrel", "Larkspur", "Meadowbank", "Northfold", "Oakridge", "Pinewood",
                 "Quarry Hill", "Rosemead", "Sandpiper", "Thornbury Heath", "Upton Vale", "Willowbrook", "Yewtree",
                 "Alder Court", "Bramley", "Coppice", "Dovecote", "Fernhill", "Glebe Farm", "Heron Way")
COURSES = (
    "Introduction to safeguarding children", "Neglect and the Graded Care Profile", "Domestic abuse: impact on children",
    "Child criminal exploitation and county lines", "Harmful sexual behaviour", "Working with resistant families",
    "Safeguarding disabled children", "Professional curiosity and challenge", "Adolescent mental health and self-harm",
    "Online safety for practitioners", "Learning from local reviews", "Designated safeguarding lead refresher",
)
TRAINING_AGENCIES = (("EDUCATION", 0.30), ("HEALTH", 0.20), ("CSC", 0.15), ("EARLY_YEARS", 0.10), ("VCS", 0.08),
                     ("POLICE", 0.06), ("HOUSING", 0.04), ("YJS", 0.03), ("PROBATION", 0.02), ("LADO", 0.01),
                     ("PARTNERSHIP", 0.01))
VOICE_ITEMS = (
    "I feel safe at home", "I feel safe at school", "I feel safe online", "I feel safe in my neighbourhood",
    "I know who to talk to if I feel unsafe", "Adults listen to me when I tell them something is wrong",
    "I know where to get help with how I am feeling", "I trust that adults will do something if I tell them I am worried",
)
VOICE_SETTINGS = ("Secondary school group", "Primary school group", "Youth forum", "Children in care council",
                  "Special school group", "Youth club")
VOICE_THEMES = ("Feeling safe travelling on buses", "Knife crime", "Online bullying", "Waiting times for mental health support",
                "Vaping and drugs near schools", "Not being listened to at meetings", "Changing social worker",
                "Cost of living at home", "Places to go in the evening", "Racism and discrimination",
                "Police stop and search", "Sharing images online", "Safety in parks and at night")
YOU_SAID = ("We asked bus operators and the transport authority to brief drivers and to add safe-space stickers.",
            "Schools and youth workers ran knife-crime sessions with a local charity.",
            "Online safety sessions were added to the partnership training offer for schools.",
            "The mental health service published its waiting times and a drop-in was opened.",
            "Trading standards visited shops near schools.",
            "Chairs of conferences now meet the young person before their meeting.",
            "Children's Services wrote to every child whose social worker changed to introduce the new worker.",
            "The partnership shared the cost-of-living support leaflet with schools.",
            "The youth offer was extended to Friday evenings in two neighbourhoods.",
            "An anti-racism working group was set up with young people as members.",
            "Police attended the youth forum to explain stop and search and hear concerns.",
            "A campaign on image sharing was co-produced with the youth forum.",
            "Lighting in two parks was raised with the council's parks team.")
REVIEW_THEMES = ("Neglect", "Information sharing", "Professional curiosity", "Domestic abuse", "Safe sleep",
                 "Adolescent exploitation", "Parental mental health", "Escalation and challenge", "Voice of the child",
                 "Non-accidental injury in infants", "Substance misuse", "Education and attendance")
LADO_SECTORS = (("education", 0.42), ("early_years", 0.10), ("health", 0.07), ("social_care", 0.14), ("police", 0.04),
                ("faith", 0.03), ("sport", 0.06), ("transport", 0.05), ("other", 0.09))
LADO_CATEGORIES = (("physical", 0.42), ("sexual", 0.22), ("emotional", 0.14), ("neglect", 0.08), ("suitability", 0.14))
ACTION_TEXT = {
    "AUDIT": ("Embed the voice of the child in {x} records", "Refresh multi-agency guidance on {x}",
              "Deliver practice briefings on {x} to front-line staff", "Re-audit {x} within six months"),
    "RAPID_REVIEW": ("Share the learning briefing on {x} across the partnership", "Review escalation routes for {x}"),
    "LCSPR": ("Implement the review's recommendation on {x}", "Commission multi-agency training on {x}",
              "Report progress on {x} to the executive group"),
    "S11": ("Complete the improvement plan for the Section 11 standard: {x}",),
    "S175": ("Support schools with the Section 175 standard: {x}",),
    "SCRUTINY": ("Respond to the independent scrutineer's challenge on {x}",),
    "INSPECTION": ("Address the inspection recommendation on {x}",),
}


def _pick(rng, options, n, p=None):
    idx = rng.choice(len(options), size=n, p=p)
    return [options[i] for i in idx]


def _weighted(pairs):
    codes = [c for c, _ in pairs]
    w = np.array([p for _, p in pairs], float)
    return codes, w / w.sum()


def _iso(day: int) -> str:
    return str(_dates.to_datetime64(np.array([day]))[0])


def generate_registers(rng: np.random.Generator, first: Period, last: Period) -> dict[str, pd.DataFrame]:
    """Every assurance register for the quarters ``first`` to ``last`` (nothing after ``last.end``)."""
    quarters = period_range(first, last)
    end = _dates.day(last.end)
    out = {}
    out["audits"] = _audits(rng, quarters)
    out["self_assessments"] = _self_assessments(rng, first, last)
    out["reviews"] = _reviews(rng, _dates.day(first.start), end)
    out["training_attendance"], out["training_evaluation"] = _training(rng, _dates.day(first.start), end)
    out["voice_responses"], out["voice_sessions"] = _voice(rng, quarters, end)
    out["lado"] = _lado(rng, _dates.day(first.start), end)
    out["child_deaths"] = _child_deaths(rng, _dates.day(first.start), end)
    out["actions"] = _actions(rng, out, end)
    # the registers of the arrangements' other evidence, each from its own stream (synthetic/registers.py)
    out.update(generate_more_registers(rng, first, last, out["training_attendance"], effects_for(first, last)))
    return out


def _audits(rng, quarters: list[Period]) -> pd.DataFrame:
    rows = []
    p_good = np.array([0.07, 0.43, 0.37, 0.13])
    for k, q in enumerate(quarters):
        audit_id = f"MACA-{q.start_year}-Q{q.quarter}"
        day = _dates.day(q.start) + 35 + int(rng.integers(0, 30))
        day = int(_dates.add_working_days(np.array([day]), 0)[0])
        theme = AUDIT_THEMES[k % len(AUDIT_THEMES)]
        # practice improves gently over the period
        shift = 0.10 * k / max(1, len(quarters) - 1)
        probs = p_good + np.array([0.02, shift, -shift / 2, -shift / 2 - 0.02]) * np.array([1, 1, 1, 1])
        probs = np.clip(probs, 0.01, None)
        probs = probs / probs.sum()
        for case in range(int(rng.integers(6, 9))):
            n_ag = int(rng.integers(4, 7))
            agencies = ["CSC"] + list(rng.choice(AUDIT_AGENCIES[1:], size=n_ag - 1, replace=False))
            for ag in sorted(agencies):
                grades = rng.choice(GRADES, size=len(LINES_OF_ENQUIRY), p=probs)
                for loe, g in zip(LINES_OF_ENQUIRY, grades, strict=True):
                    rows.append((audit_id, _iso(day), theme, f"CASE-{case + 1:02d}", ag, loe, str(g)))
    df = pd.DataFrame(rows, columns=["audit_id", "audit_date", "theme", "case_ref", "agency", "line_of_enquiry", "grade"])
    return df.sort_values(["audit_id", "case_ref", "agency", "line_of_enquiry"], kind="stable").reset_index(drop=True)


def _schools(n: int = 40) -> list[str]:
    kinds = ("Primary School", "Academy", "Primary Academy", "Secondary School", "Infant School", "Junior School")
    return [f"{_SCHOOL_NAMES[i % len(_SCHOOL_NAMES)]} {kinds[(i * 7 + i // len(_SCHOOL_NAMES)) % len(kinds)]}" for i in range(n)]


def _self_assessments(rng, first: Period, last: Period) -> pd.DataFrame:
    rows = []
    end = _dates.day(last.end)
    # Section 11: rounds in the financial years 2023-24 and 2025-26 (every two years), submitted in the autumn
    s11_rounds = [y for y in range(first.start_year, last.start_year + 1) if (y - 2023) % 2 == 0]
    for rnd in s11_rounds:
        latest = rnd == s11_rounds[-1]
        missing_org = S11_ORGANISATIONS[9][0] if latest else None
        for org, agency in S11_ORGANISATIONS:
            sub = _dates.day(f"{rnd}-10-01") + int(rng.integers(0, 75))
            if sub > end:
                continue
            for k, std in enumerate(S11_STANDARDS):
                if org == missing_org:
                    rating, date = "not_submitted", ""
                else:
                    rating = str(rng.choice(["met", "partly_met", "not_met"], p=[0.72, 0.24, 0.04] if latest else [0.64, 0.30, 0.06]))
                    date = _iso(sub)
                rows.append(("S11", f"{rnd}-{(rnd + 1) % 100:02d}", org, agency, f"S11-{k + 1}", std, rating, date))
    # Section 175/157: each academic year, returns in the spring term
    for ay in range(first.start_year, last.start_year + 1):
        window = _dates.day(f"{ay + 1}-01-15")
        if window > end:
            continue
        for school in _schools():
            sub = window + int(rng.integers(0, 60))
            submitted = rng.random() > 0.05 and sub <= end
            for k, std in enumerate(S175_STANDARDS):
                if submitted:
                    rating = str(rng.choice(["met", "partly_met", "not_met"], p=[0.78, 0.19, 0.03]))
                    date = _iso(sub)
                else:
                    rating, date = "not_submitted", ""
                rows.append(("S175", f"{ay}-{(ay + 1) % 100:02d}", school, "EDUCATION", f"S175-{k + 1}", std, rating, date))
    df = pd.DataFrame(rows, columns=["framework", "round", "organisation", "agency", "standard_id", "standard", "rating",
                                     "submitted_date"])
    return df.sort_values(["framework", "round", "organisation", "standard_id"], kind="stable").reset_index(drop=True)


def _before_bank_holiday_weekends(lo: int, hi: int) -> np.ndarray:
    """Working days in [lo, hi] that are followed by a weekend that includes or adjoins a bank holiday."""
    days = np.arange(lo, hi + 1)
    wd = _dates.is_working_day(days)
    nxt = _dates.add_working_days(days, 1)
    long_gap = (nxt - days) >= 4  # e.g. Thursday before Good Friday, Friday before a Monday holiday
    return days[wd & long_gap]


def _reviews(rng, lo: int, end: int) -> pd.DataFrame:
    rows = []
    years = range(int(_dates.ymd(np.array([lo]))[0][0]), int(_dates.ymd(np.array([end]))[0][0]) + 1)
    bh = _before_bank_holiday_weekends(lo, end)
    seq = {}
    for y in years:
        a, b = max(lo, _dates.day(f"{y}-01-01")), min(end, _dates.day(f"{y}-12-31"))
        if a > b:
            continue
        n = int(rng.integers(6, 11) * (b - a + 1) / 365.25 + 0.5)
        days = np.sort(a + rng.integers(0, b - a + 1, n))
        cand = bh[(bh >= a) & (bh <= b)]
        if len(cand) and n:
            days[int(rng.integers(0, n))] = int(rng.choice(cand))  # one notified before a bank-holiday weekend
        days = np.sort(days)
        for d in days:
            d = int(_dates.add_working_days(np.array([d]), 0)[0])
            if d > end:
                continue
            seq[y] = seq.get(y, 0) + 1
            rows.append([f"RR-{y}-{seq[y]:02d}", d])
    n = len(rows)
    late = rng.random(n) < 0.12
    wd = np.where(late, rng.integers(16, 26, n), rng.integers(8, 16, n))
    rr_days = [int(_dates.add_working_days(np.array([d]), int(wd[k]))[0]) for k, (_, d) in enumerate(rows)]
    # decisions: 1-3 local practice reviews a calendar year, one national review, the rest no review;
    # pending while the rapid review is not done or the panel has not yet replied (30 days)
    decided = [k for k in range(n) if rr_days[k] + 30 <= end]
    decision = ["PENDING"] * n
    for k in decided:
        decision[k] = "NO_REVIEW"
    by_year: dict[str, list[int]] = {}
    for k in decided:
        by_year.setdefault(rows[k][0][3:7], []).append(k)
    for y in sorted(by_year):
        ks = by_year[y]
        for k in rng.choice(ks, size=min(len(ks), int(rng.integers(1, 4))), replace=False):
            decision[int(k)] = "LCSPR"
    others = [k for k in decided if decision[k] == "NO_REVIEW"]
    if others:
        decision[int(rng.choice(others))] = "NATIONAL"
    out = []
    lcspr_rows = []
    for k, (rid, d) in enumerate(rows):
        rr = rr_days[k]
        if rr > end:
            out.append([rid, _iso(d), "", "PENDING", "", "", "", ""])
            continue
        themes = ";".join(sorted(rng.choice(REVIEW_THEMES, size=int(rng.integers(1, 4)), replace=False)))
        comm = due = pub = ""
        if decision[k] == "LCSPR":
            c = rr + int(rng.integers(20, 45))
            if c <= end:
                comm = _iso(c)
                due = _iso(c + 182)
                lcspr_rows.append(len(out))
                p = c + int(rng.integers(150, 240))
                pub = _iso(p) if p <= end else ""
        out.append([rid, _iso(d), _iso(rr), decision[k], comm, due, pub, themes])
    # make sure one local review is overdue at the end: due before the end and not yet published
    due_rows = [i for i in lcspr_rows if out[i][5] and out[i][5] < _iso(end)]
    if due_rows and not any(out[i][6] == "" for i in due_rows):
        i = due_rows[-1]
        out[i][6] = ""
    df = pd.DataFrame(out, columns=["review_id", "notification_date", "rapid_review_date", "decision",
                                    "lcspr_commissioned_date", "lcspr_due_date", "lcspr_published_date", "themes"])
    return df.sort_values("review_id", kind="stable").reset_index(drop=True)


def _training(rng, lo: int, end: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    codes, w = _weighted(TRAINING_AGENCIES)
    sessions = []
    for course in COURSES:
        # each course runs every 4-8 weeks, on working days, for 12-30 places
        d = lo + int(rng.integers(3, 40))
        gap = int(rng.integers(28, 57))
        while d <= end:
            wdd = int(_dates.add_working_days(np.array([d]), 0)[0])
            if wdd <= end:
                sessions.append((course, wdd, int(rng.integers(12, 31))))
            d += gap + int(rng.integers(-5, 6))
    sessions.sort(key=lambda s: (s[1], s[0]))
    att, ev = [], []
    for course, day, places in sessions:
        booked = int(rng.binomial(places, 0.85))
        agencies = rng.choice(codes, size=booked, p=w)
        attended = rng.random(booked) > 0.10
        for ag, a in zip(agencies, attended, strict=True):
            att.append((course, _iso(day), str(ag), "Y" if a else "N"))
            if a and rng.random() < 0.55:
                before = int(np.clip(np.rint(rng.normal(5.2, 1.6)), 1, 10))
                after = int(np.clip(before + np.rint(rng.normal(1.8, 1.3)), 1, 10))
                follow = ""
                if day + 91 <= end and rng.random() < 0.40:
                    follow = "Y" if rng.random() < 0.74 else "N"
                ev.append((course, _iso(day), str(ag), before, after, follow))
    attendance = pd.DataFrame(att, columns=["course", "session_date", "agency", "attended"])
    attendance.insert(0, "booking_id", [f"TB-{i + 1:06d}" for i in range(len(att))])
    evaluation = pd.DataFrame(ev, columns=["course", "session_date", "agency", "confidence_before", "confidence_after",
                                           "changed_practice"])
    evaluation.insert(0, "response_id", [f"TE-{i + 1:06d}" for i in range(len(ev))])
    return attendance, evaluation


def _voice(rng, quarters: list[Period], end: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, sessions = [], []
    # agreement improves a little for the item the partnership worked on (online safety), others stable
    base = np.array([4.1, 3.9, 3.3, 3.4, 4.0, 3.6, 3.5, 3.5])
    for k, q in enumerate(quarters):
        day = int(_dates.add_working_days(np.array([_dates.day(q.start) + 40 + int(rng.integers(0, 30))]), 0)[0])
        setting = VOICE_SETTINGS[k % 3] if k % 4 != 3 else VOICE_SETTINGS[3 + (k // 4) % 3]
        n = int(rng.integers(80, 151))
        ages = rng.choice(["8-10", "11-13", "14-15", "16-17", ""], size=n, p=[0.18, 0.38, 0.26, 0.15, 0.03])
        mean = base.copy()
        mean[2] += 0.4 * k / max(1, len(quarters) - 1)
        for i in range(n):
            rid = f"YVM-{q.start_year}Q{q.quarter}-{i + 1:04d}"
            resp = np.clip(np.rint(rng.normal(mean, 0.95)), 1, 5).astype(int)
            skip = rng.random(len(VOICE_ITEMS)) < 0.02
            for j, item in enumerate(VOICE_ITEMS):
                rows.append((rid, _iso(day), setting, str(ages[i]), f"Q{j + 1}", item, pd.NA if skip[j] else int(resp[j])))
        for _ in range(int(rng.integers(2, 5))):
            sd = _dates.day(q.start) + int(rng.integers(5, 85))
            sd = int(_dates.add_working_days(np.array([sd]), 0)[0])
            if sd > end:
                continue
            t = rng.choice(len(VOICE_THEMES), size=int(rng.integers(1, 4)), replace=False)
            themes = ";".join(VOICE_THEMES[i] for i in sorted(t))
            done = sd + 60 <= end
            ysw = " ".join(YOU_SAID[i] for i in sorted(t)) if done else ""
            sessions.append((sd, str(rng.choice(VOICE_SETTINGS + ("Parents' forum",))), int(rng.integers(6, 31)), themes, ysw))
    responses = pd.DataFrame(rows, columns=["response_id", "survey_date", "setting", "age_band", "item_id", "item", "response"])
    responses = responses.sort_values(["response_id", "item_id"], kind="stable").reset_index(drop=True)
    sessions.sort(key=lambda s: s[0])
    vs = pd.DataFrame(sessions, columns=["day", "setting", "participants", "themes", "you_said_we_did"])
    ym = [_iso(d)[:7] for d in vs["day"]]
    counter: dict[str, int] = {}
    ids = []
    for m in ym:
        counter[m] = counter.get(m, 0) + 1
        ids.append(f"VS-{m}-{counter[m]:02d}")
    vs.insert(0, "session_id", ids)
    vs.insert(1, "session_date", [_iso(d) for d in vs.pop("day")])
    return responses, vs.sort_values("session_id", kind="stable").reset_index(drop=True)


def _days_per_year(rng, lo: int, end: int, low: int, high: int) -> np.ndarray:
    """Random days in [lo, end]: between ``low`` and ``high`` a year (pro rata for part years), sorted."""
    out = []
    y = int(_dates.ymd(np.array([lo]))[0][0])
    while _dates.day(f"{y}-01-01") <= end:
        a, b = max(lo, _dates.day(f"{y}-01-01")), min(end, _dates.day(f"{y}-12-31"))
        if a <= b:
            n = int(round(int(rng.integers(low, high + 1)) * (b - a + 1) / 365.25))
            out.append(a + rng.integers(0, b - a + 1, n))
        y += 1
    return np.sort(np.concatenate(out)) if out else np.array([], dtype=np.int64)


def _lado(rng, lo: int, end: int) -> pd.DataFrame:
    days = _dates.add_working_days(_days_per_year(rng, lo, end, 250, 350), 0)
    days = days[days <= end]
    n = len(days)
    sectors, sw = _weighted(LADO_SECTORS)
    cats, cw = _weighted(LADO_CATEGORIES)
    ic_wd = np.where(rng.random(n) < 0.86, rng.integers(0, 2, n), rng.integers(2, 6, n))
    ic = _dates.add_working_days(days, ic_wd)
    threshold = rng.random(n) < 0.42
    conclude = days + np.where(threshold, rng.integers(40, 200, n), rng.integers(5, 60, n))
    out_codes = np.where(threshold, rng.choice(["substantiated", "unsubstantiated", "unfounded", "false", "malicious"],
                                               size=n, p=[0.40, 0.32, 0.18, 0.07, 0.03]),
                         rng.choice(["unsubstantiated", "unfounded", "false", "malicious"], size=n, p=[0.35, 0.52, 0.10, 0.03]))
    concluded = conclude <= end
    ic_known = ic <= end
    seq: dict[int, int] = {}
    ids = []
    for d in days:
        y = int(_dates.ymd(np.array([d]))[0][0])
        seq[y] = seq.get(y, 0) + 1
        ids.append(f"LADO-{y}-{seq[y]:04d}")
    df = pd.DataFrame({
        "allegation_id": ids,
        "date_received": _dates.iso(days),
        "employer_sector": rng.choice(sectors, size=n, p=sw),
        "allegation_category": rng.choice(cats, size=n, p=cw),
        "threshold_met": np.where(threshold, "Y", "N"),
        "initial_consideration_date": _dates.iso(ic, ~ic_known),
        "outcome": np.where(concluded, out_codes, "ongoing"),
        "date_concluded": _dates.iso(conclude, ~concluded),
    })
    return df.sort_values("allegation_id", kind="stable").reset_index(drop=True)


def _child_deaths(rng, lo: int, end: int) -> pd.DataFrame:
    days = np.sort(_dates.add_working_days(_days_per_year(rng, lo, end, 20, 30), 0))
    days = days[days <= end]
    n = len(days)
    bands = rng.choice(["0-27 days", "28-364 days", "1-4", "5-9", "10-14", "15-17"], size=n,
                       p=[0.40, 0.20, 0.12, 0.07, 0.09, 0.12])
    # CDOP categories: 7 perinatal/neonatal event and 6 chromosomal/genetic/congenital most common
    cat = rng.choice(np.arange(1, 11), size=n, p=[0.02, 0.03, 0.04, 0.04, 0.05, 0.22, 0.34, 0.10, 0.08, 0.08])
    modifiable = rng.random(n) < np.where(np.isin(cat, [1, 3, 4, 10]), 0.7, 0.2)
    expected = rng.random(n) < np.where(np.isin(cat, [6, 8, 9]), 0.6, 0.15)
    seq: dict[int, int] = {}
    ids = []
    for d in days:
        y = int(_dates.ymd(np.array([d]))[0][0])
        seq[y] = seq.get(y, 0) + 1
        ids.append(f"CDOP-{y}-{seq[y]:03d}")
    return pd.DataFrame({"review_id": ids, "review_date": _dates.iso(days), "age_band": bands, "category": cat.astype(np.int64),
                         "modifiable": np.where(modifiable, "Y", "N"), "expected": np.where(expected, "Y", "N")})


def _actions(rng, reg: dict[str, pd.DataFrame], end: int) -> pd.DataFrame:
    src = []
    audits = reg["audits"].drop_duplicates("audit_id")
    for _, a in audits.iterrows():
        for _ in range(int(rng.integers(1, 3))):
            src.append(("AUDIT", a["audit_id"], _dates.day(a["audit_date"]) + int(rng.integers(14, 40)), a["theme"].lower()))
    rv = reg["reviews"]
    for _, r in rv[rv["rapid_review_date"] != ""].iterrows():
        if rng.random() < 0.6:
            theme = r["themes"].split(";")[0].lower() if r["themes"] else "information sharing"
            src.append(("RAPID_REVIEW", r["review_id"], _dates.day(r["rapid_review_date"]) + int(rng.integers(7, 30)), theme))
    for _, r in rv[rv["lcspr_published_date"] != ""].iterrows():
        for _ in range(int(rng.integers(2, 5))):
            theme = str(rng.choice(r["themes"].split(";"))).lower() if r["themes"] else "information sharing"
            src.append(("LCSPR", r["review_id"], _dates.day(r["lcspr_published_date"]) + int(rng.integers(0, 20)), theme))
    sa = reg["self_assessments"]
    weak = sa[sa["rating"] == "not_met"].drop_duplicates(["framework", "round", "standard_id"])
    for _, s in weak.iterrows():
        if s["submitted_date"]:
            src.append((s["framework"], f"{s['framework']} {s['round']}", _dates.day(s["submitted_date"]) + int(rng.integers(30, 60)),
                        s["standard"].lower()))
    first_day = min(_dates.day(d) for d in reg["audits"]["audit_date"])
    for k in range(4):
        src.append(("SCRUTINY", f"Scrutiny report {k + 1}", first_day + 150 + 300 * k, str(rng.choice(REVIEW_THEMES)).lower()))
    insp = first_day + 420
    for theme in ("management oversight of child in need plans", "the timeliness of assessments",
                  "the response to children missing from home", "the voice of disabled children"):
        src.append(("INSPECTION", "Joint targeted area inspection", insp, theme))
    src = [s for s in src if s[2] <= end]
    src.sort(key=lambda s: (s[2], s[0], s[1]))
    owners = ("CSC", "POLICE", "HEALTH", "EDUCATION", "PARTNERSHIP", "YJS", "EARLY_YEARS")
    rows = []
    for i, (stype, ref, raised, theme) in enumerate(src):
        raised = int(_dates.add_working_days(np.array([raised]), 0)[0])
        if raised > end:
            continue
        text = str(rng.choice(ACTION_TEXT[stype])).format(x=theme)
        due = raised + int(rng.choice([91, 122, 152, 183, 244, 274]))
        p_done = 0.93 if due + 60 < end else 0.55 if due < end else 0.25
        done = rng.random() < p_done
        comp = ""
        if done:
            c = raised + int((due - raised) * rng.uniform(0.5, 1.25))
            if c <= end:
                comp = _iso(c)
            else:
                done = False
        rows.append([f"ACT-{i + 1:04d}", stype, ref, text, str(rng.choice(owners, p=[0.3, 0.12, 0.18, 0.15, 0.15, 0.05, 0.05])),
                     _iso(raised), _iso(due), "complete" if done else "open", comp])
    # one action due on the very last day and still open
    open_rows = [r for r in rows if r[7] == "open" and _dates.day(r[5]) < end]
    if open_rows:
        r = open_rows[-1]
        r[6] = _iso(end)
    df = pd.DataFrame(rows, columns=["action_id", "source_type", "source_ref", "description", "owner_agency", "raised_date",
                                     "due_date", "status", "completed_date"])
    return df.sort_values("action_id", kind="stable").reset_index(drop=True)
