"""Small hand-made data folders for the returns tests (the demo data are used where they exist).

``write_data(root)`` writes a complete, clean partnership data folder with two quarters
(2026-27-Q1 and 2026-27-Q2): every table of every schema with a few rows whose values are chosen
by hand, so that each rule's test can break exactly one thing and expect exactly one message.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cscp_analysis import codes as C
from cscp_analysis.config import load_partnership
from cscp_analysis.periods import parse_period
from cscp_analysis.returns.schemas import SCHEMAS

PERIODS = ("2026-27-Q1", "2026-27-Q2")
DEMO = Path(__file__).resolve().parents[2] / "data_raw" / "demo"
CSC_CLEAN = True  # marker for test modules that import the hand-made tables

TABLES: dict[str, list[dict]] = {
    "children": [
        {"child_id": "C1", "date_of_birth": "2015-03-02", "sex": "F", "ethnicity": "WBRI", "disability": "N", "uasc": "N"},
        {"child_id": "C2", "date_of_birth": "2020-06-11", "sex": "M", "ethnicity": "APKN", "disability": "N", "uasc": "N"},
        {"child_id": "C3", "date_of_birth": "2012-01-20", "sex": "F", "ethnicity": "NOBT", "disability": "U", "uasc": ""},
        {"child_id": "C4", "date_of_birth": "2009-09-09", "sex": "M", "ethnicity": "BCRB", "disability": "Y", "uasc": "N"},
    ],
    "referrals": [
        {"referral_id": "R1", "child_id": "C1", "referral_date": "2026-04-10", "referral_source": "2A",
         "primary_need": "N1", "referral_outcome": "ASSESSMENT", "cin_closure_date": ""},
        {"referral_id": "R2", "child_id": "C2", "referral_date": "2026-05-03", "referral_source": "6",
         "primary_need": "N4", "referral_outcome": "NFA", "cin_closure_date": "2026-05-03"},
        {"referral_id": "R3", "child_id": "C3", "referral_date": "2026-07-14", "referral_source": "3A",
         "primary_need": "N1", "referral_outcome": "ASSESSMENT", "cin_closure_date": ""},
        {"referral_id": "R4", "child_id": "C4", "referral_date": "2026-08-01", "referral_source": "6",
         "primary_need": "", "referral_outcome": "ASSESSMENT", "cin_closure_date": ""},
    ],
    "assessments": [
        {"assessment_id": "A1", "referral_id": "R1", "child_id": "C1", "assessment_start": "2026-04-11",
         "assessment_authorised": "2026-05-20", "factors": "DA;MH", "assessment_outcome": "S47"},
        {"assessment_id": "A3", "referral_id": "R3", "child_id": "C3", "assessment_start": "2026-07-15",
         "assessment_authorised": "", "factors": "", "assessment_outcome": ""},
        {"assessment_id": "A4", "referral_id": "R4", "child_id": "C4", "assessment_start": "2026-08-02",
         "assessment_authorised": "2026-09-01", "factors": "NEG", "assessment_outcome": "CIN_PLAN"},
    ],
    "section47": [
        {"s47_id": "S1", "referral_id": "R1", "child_id": "C1", "strategy_discussion_date": "2026-04-12",
         "s47_start": "2026-04-12", "s47_end": "2026-04-26", "icpc_required": "Y"},
    ],
    "icpc": [{"icpc_id": "I1", "s47_id": "S1", "child_id": "C1", "icpc_date": "2026-05-05", "plan_made": "Y"}],
    "cp_plans": [
        {"plan_id": "P1", "child_id": "C1", "icpc_id": "I1", "plan_start": "2026-05-05", "plan_end": "", "category": "NEG"},
        {"plan_id": "P0", "child_id": "C4", "icpc_id": "", "plan_start": "2025-02-01", "plan_end": "2025-10-01",
         "category": "EMO"},
    ],
    "cla_periods": [
        {"cla_id": "L1", "child_id": "C4", "cla_start": "2025-11-03", "cla_end": "", "legal_status": "C2",
         "category_of_need": "N1"},
    ],
    "cla_placements": [
        {"placement_id": "PL1", "cla_id": "L1", "child_id": "C4", "placement_start": "2025-11-03",
         "placement_end": "2026-03-01", "placement_type": "FOSTER"},
        {"placement_id": "PL2", "cla_id": "L1", "child_id": "C4", "placement_start": "2026-03-01",
         "placement_end": "", "placement_type": "RESID"},
    ],
    "missing_episodes": [
        {"missing_id": "M1", "child_id": "C4", "missing_start": "2026-06-12", "missing_end": "2026-06-13",
         "looked_after": "Y", "rhi_offered": "Y", "rhi_date": "2026-06-15"},
        {"missing_id": "M2", "child_id": "C2", "missing_start": "2026-09-20", "missing_end": "",
         "looked_after": "N", "rhi_offered": "N", "rhi_date": ""},
    ],
    "audits": [
        {"audit_id": "MACA-2026-Q1", "audit_date": "2026-06-10", "theme": "Neglect", "case_ref": "CASE-01",
         "agency": "HEALTH", "line_of_enquiry": "Voice of the child", "grade": "good"},
        {"audit_id": "MACA-2026-Q1", "audit_date": "2026-06-10", "theme": "Neglect", "case_ref": "CASE-01",
         "agency": "POLICE", "line_of_enquiry": "Voice of the child", "grade": "requires_improvement"},
    ],
    "self_assessments": [
        {"framework": "S11", "round": "2025-26", "organisation": "West Midlands Police", "agency": "POLICE",
         "standard_id": "S11-3", "standard": "Safer recruitment", "rating": "met", "submitted_date": "2025-11-01"},
        {"framework": "S175", "round": "2025-26", "organisation": "Oak School", "agency": "EDUCATION",
         "standard_id": "S175-1", "standard": "Designated safeguarding lead", "rating": "not_submitted",
         "submitted_date": ""},
    ],
    "reviews": [
        {"review_id": "RR-2026-01", "notification_date": "2026-04-20", "rapid_review_date": "2026-05-08",
         "decision": "LCSPR", "lcspr_commissioned_date": "2026-06-01", "lcspr_due_date": "2027-03-01",
         "lcspr_published_date": "", "themes": "Neglect;Information sharing"},
    ],
    "training_attendance": [
        {"booking_id": "TB-1", "course": "Neglect", "session_date": "2026-05-12", "agency": "EDUCATION", "attended": "Y"},
        {"booking_id": "TB-2", "course": "Neglect", "session_date": "2026-05-12", "agency": "HEALTH", "attended": "N"},
    ],
    "training_evaluation": [
        {"response_id": "TE-1", "course": "Neglect", "session_date": "2026-05-12", "agency": "EDUCATION",
         "confidence_before": "5", "confidence_after": "8", "changed_practice": "Y"},
    ],
    "actions": [
        {"action_id": "ACT-1", "source_type": "AUDIT", "source_ref": "MACA-2026-Q1", "description": "Record the child's words",
         "owner_agency": "HEALTH", "raised_date": "2026-06-20", "due_date": "2026-12-31", "status": "open",
         "completed_date": ""},
        {"action_id": "ACT-2", "source_type": "RAPID_REVIEW", "source_ref": "RR-2026-01", "description": "Share the learning",
         "owner_agency": "PARTNERSHIP", "raised_date": "2026-05-10", "due_date": "2026-07-31", "status": "complete",
         "completed_date": "2026-07-20"},
    ],
    "voice_responses": [
        {"response_id": "YVM-1", "survey_date": "2026-06-05", "setting": "School group", "age_band": "11-13",
         "item_id": "Q1", "item": "I know who to talk to", "response": "4"},
        {"response_id": "YVM-1", "survey_date": "2026-06-05", "setting": "School group", "age_band": "11-13",
         "item_id": "Q2", "item": "I feel listened to", "response": ""},
    ],
    "voice_sessions": [
        {"session_id": "VS-1", "session_date": "2026-06-05", "setting": "Youth forum", "participants": "12",
         "themes": "Online safety", "you_said_we_did": "Workshop for parents"},
    ],
    "lado": [
        {"allegation_id": "LADO-1", "date_received": "2026-04-02", "employer_sector": "education",
         "allegation_category": "physical", "threshold_met": "Y", "initial_consideration_date": "2026-04-03",
         "outcome": "substantiated", "date_concluded": "2026-06-30"},
        {"allegation_id": "LADO-2", "date_received": "2026-08-20", "employer_sector": "sport",
         "allegation_category": "suitability", "threshold_met": "N", "initial_consideration_date": "2026-08-21",
         "outcome": "ongoing", "date_concluded": ""},
    ],
    "child_deaths": [
        {"review_id": "CDOP-1", "review_date": "2026-05-14", "age_band": "0-27 days", "category": "7",
         "modifiable": "N", "expected": "Y"},
    ],
    "qa_visits": [
        {"visit_id": "QAV-1", "agency": "HEALTH", "service": "Emergency department", "planned_date": "2026-05-04",
         "visit_date": "2026-05-06", "status": "held", "grade": "good", "focus": "Voice of the child"},
        {"visit_id": "QAV-2", "agency": "POLICE", "service": "Public protection unit", "planned_date": "2026-11-02",
         "visit_date": "", "status": "planned", "grade": "", "focus": ""},
    ],
    "qa_visit_actions": [
        {"action_id": "QAVA-1", "visit_id": "QAV-1", "agency": "HEALTH", "raised_date": "2026-05-06",
         "due_date": "2026-08-06", "status": "complete", "completed_date": "2026-07-01"},
        {"action_id": "QAVA-2", "visit_id": "QAV-1", "agency": "HEALTH", "raised_date": "2026-05-06",
         "due_date": "2026-08-06", "status": "open", "completed_date": ""},
    ],
    "stag_attendance": [
        {"meeting_id": "STAG-1", "meeting_date": "2026-06-10", "agency": "EDUCATION", "attendees": "4"},
        {"meeting_id": "STAG-1", "meeting_date": "2026-06-10", "agency": "HEALTH", "attendees": "2"},
    ],
    "stag_issues": [
        {"issue_id": "STAGI-1", "meeting_id": "STAG-1", "meeting_date": "2026-06-10", "agency": "HEALTH",
         "theme": "Delays in strategy discussions", "escalated": "Y", "escalated_to": "Audit and Performance subgroup",
         "response": "Out-of-hours rota reviewed", "response_date": "2026-08-01"},
        {"issue_id": "STAGI-2", "meeting_id": "STAG-1", "meeting_date": "2026-06-10", "agency": "EDUCATION",
         "theme": "Feedback after referrals", "escalated": "N", "escalated_to": "", "response": "",
         "response_date": ""},
    ],
    "staff_survey": [
        {"response_id": "SS-1", "survey_date": "2026-06-30", "agency": "HEALTH", "item_id": "S1",
         "item": "I know how to escalate a concern about a child", "response": "4"},
        {"response_id": "SS-2", "survey_date": "2026-06-30", "agency": "POLICE", "item_id": "S1",
         "item": "I know how to escalate a concern about a child", "response": "5"},
    ],
    "training_needs": [
        {"round": "2026-27", "assessed_date": "2026-04-20", "agency": "EDUCATION", "topic": "Neglect",
         "course": "Neglect", "staff_to_train": "40", "priority": "high"},
        {"round": "2026-27", "assessed_date": "2026-04-20", "agency": "HEALTH", "topic": "Contextual safeguarding",
         "course": "", "staff_to_train": "12", "priority": "medium"},
    ],
    "contract_monitoring": [
        {"review_id": "CM-1", "review_date": "2026-06-15", "provider": "Oak Homes Ltd", "service_type": "childrens_home",
         "standard_id": "CM-1", "standard": "Safer recruitment", "rating": "met", "concern_raised": "N"},
        {"review_id": "CM-1", "review_date": "2026-06-15", "provider": "Oak Homes Ltd", "service_type": "childrens_home",
         "standard_id": "CM-2", "standard": "Missing from care protocol", "rating": "partly_met",
         "concern_raised": "Y"},
    ],
    "voice_reach": [
        {"activity_id": "VR-1", "activity_date": "2026-06-05", "activity": "Youth forum", "characteristic": "sex",
         "group": "Female", "participants": "7"},
        {"activity_id": "VR-1", "activity_date": "2026-06-05", "activity": "Youth forum", "characteristic": "sex",
         "group": "Male", "participants": "5"},
        {"activity_id": "VR-1", "activity_date": "2026-06-05", "activity": "Youth forum",
         "characteristic": "ethnicity", "group": "White", "participants": "9"},
        {"activity_id": "VR-1", "activity_date": "2026-06-05", "activity": "Youth forum",
         "characteristic": "ethnicity", "group": "Asian", "participants": "3"},
    ],
    "you_said_we_did": [
        {"theme_id": "YS-1", "raised_date": "2026-05-01", "voice_of": "children", "forum": "Youth forum",
         "theme": "Buses at night", "lead_agency": "PARTNERSHIP", "we_did": "Briefed bus drivers",
         "response_date": "2026-07-01"},
        {"theme_id": "YS-2", "raised_date": "2026-08-01", "voice_of": "families", "forum": "Parents' forum",
         "theme": "Waiting lists", "lead_agency": "HEALTH", "we_did": "", "response_date": ""},
    ],
    "professional_disagreements": [
        {"escalation_id": "ESC-1", "raised_date": "2026-05-02", "raised_by": "EDUCATION", "raised_with": "CSC",
         "issue": "threshold_decision", "stage_reached": "2", "outcome": "resolved", "resolved_date": "2026-05-20"},
        {"escalation_id": "ESC-2", "raised_date": "2026-09-01", "raised_by": "HEALTH", "raised_with": "POLICE",
         "issue": "information_sharing", "stage_reached": "1", "outcome": "ongoing", "resolved_date": ""},
    ],
    "funding_contributions": [
        {"year": "2025-26", "partner": "Coventry City Council", "agency": "CSC", "contribution": "250000",
         "agreed_date": "2025-04-01"},
        {"year": "2025-26", "partner": "West Midlands Police", "agency": "POLICE", "contribution": "90000",
         "agreed_date": "2025-04-01"},
    ],
    "funding_spend": [
        {"year": "2025-26", "function": "business_unit", "budget": "250000", "spent": "255000",
         "recorded_date": "2026-04-30"},
        {"year": "2025-26", "function": "training", "budget": "90000", "spent": "80000", "recorded_date": "2026-04-30"},
    ],
}


def population_rows(year: int = 2025) -> list[dict]:
    known = [c for c in C.ETHNICITY_CODES if c not in C.UNKNOWN_ETHNICITY]
    return [{"year": str(year), "age": str(a), "sex": s, "ethnicity": e, "population": "100"}
            for a in range(18) for s in ("M", "F") for e in known]


def partner_rows(period: str, agency: str, config) -> list[dict]:
    rows = []
    for code, ind in config.returns[agency].indicators.items():
        den = "" if ind["type"] == "count" else "200"
        rows.append({"period": period, "agency": agency, "indicator": code, "breakdown": "total", "group": "all",
                     "numerator": "10", "denominator": den})
        if "sex" in (ind.get("breakdowns") or []):
            for g, n in (("M", "7"), ("F", "3")):
                rows.append({"period": period, "agency": agency, "indicator": code, "breakdown": "sex", "group": g,
                             "numerator": n, "denominator": "" if not den else "100"})
    return rows


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=columns).astype(object).fillna("").to_csv(path, index=False, lineterminator="\n")
    return path


def write_data(root: Path, periods=PERIODS, config=None) -> Path:
    """A clean data folder for ``periods`` (every schema's file, small and hand-made)."""
    config = config or load_partnership()
    root = Path(root)
    write_csv(root / SCHEMAS["population"].file, population_rows(), SCHEMAS["population"].column_names)
    for name, rows in TABLES.items():
        write_csv(root / SCHEMAS[name].file, rows, SCHEMAS[name].column_names)
    for p in periods:
        per = parse_period(p)
        due = (pd.Timestamp(per.end) + pd.Timedelta(days=30)).date()
        subs, com = [], []
        for agency, spec in config.returns.items():
            write_csv(root / p / spec.file, partner_rows(p, agency, config), SCHEMAS["partner_return"].column_names)
            subs.append({"period": p, "agency": agency, "return_name": spec.file, "due_date": str(due),
                         "received_date": str(due - pd.Timedelta(days=2))})
            com.append({"period": p, "agency": agency, "indicator": "", "commentary": f"{agency} figures are stable.",
                        "author_role": "Head of Service"})
        write_csv(root / p / "submissions.csv", subs, SCHEMAS["submissions"].column_names)
        write_csv(root / p / "commentary.csv", com, SCHEMAS["commentary"].column_names)
    return root


@pytest.fixture(scope="session")
def config():
    return load_partnership()


@pytest.fixture()
def data_dir(tmp_path, config):
    return write_data(tmp_path / "data", config=config)


@pytest.fixture(scope="session")
def clean_returns(tmp_path_factory, config):
    from cscp_analysis.returns import load_returns

    d = write_data(tmp_path_factory.mktemp("clean") / "data", config=config)
    return load_returns(d, "2026-27-Q2", config)


# --- helpers to break one thing --------------------------------------------------------------------


def read(root: Path, rel: str) -> pd.DataFrame:
    return pd.read_csv(Path(root) / rel, dtype=str, keep_default_na=False)


def write(root: Path, rel: str, df: pd.DataFrame) -> Path:
    p = Path(root) / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    if p.is_symlink():  # a linked copy of the demo: never write through to the original
        p.unlink()
    df.to_csv(p, index=False, lineterminator="\n")
    return p


def linked_copy(src: Path, dst: Path) -> Path:
    """A copy of a data folder made of symbolic links (a corruption replaces the one file it changes)."""
    src, dst = Path(src).resolve(), Path(dst)
    for f in src.rglob("*"):
        if f.is_file():
            target = dst / f.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(f)
    return dst


def edit(root: Path, rel: str, fn) -> Path:
    """Rewrite one CSV of the data folder through ``fn(df) -> df`` (text cells)."""
    return write(root, rel, fn(read(root, rel)))


def set_cell(root: Path, rel: str, row: int, column: str, value: str) -> Path:
    """Set one cell; ``row`` is the file row a partner sees (header = row 1)."""
    def fn(df):
        df.loc[row - 2, column] = value
        return df
    return edit(root, rel, fn)


def messages(returns, rule_id: str | None = None) -> list[str]:
    rep = returns.report
    df = rep.issues if rule_id is None else rep.issues[rep.issues["rule_id"] == rule_id]
    return rep.lines(df).tolist()


def load(root: Path, period: str = "2026-27-Q2"):
    from cscp_analysis.returns import load_returns

    return load_returns(root, period, load_partnership())


def ctx(config=None, period: str = "2026-27-Q2", extract_date: str = "2026-09-30", **accepted):
    """A rule context; ``accepted`` gives parent tables as lists of records (text)."""
    from cscp_analysis.returns.table import Context, table_from_records

    c = Context(period=parse_period(period), config=config or load_partnership(),
                extract_date=pd.Timestamp(extract_date))
    for name, records in accepted.items():
        c.accepted[name] = table_from_records(name, records).data
    return c


def run_rule(rule_id: str, t, c) -> list[tuple]:
    """What a rule finds in table ``t``: sorted (file row or None, column, value shown)."""
    import numpy as np

    from cscp_analysis.returns.registry import as_hits, get_rule

    r = get_rule(rule_id)
    out = []
    for h in as_hits(r.func(t, c), r, len(t)):
        if h.pos is None:
            out.append((None, h.column, str(h.values)))
            continue
        if h.values is None:
            vals = t.text[h.column].to_numpy(dtype=object)[h.pos] if h.column in t.text else [""] * len(h.pos)
        elif isinstance(h.values, str):
            vals = [h.values] * len(h.pos)
        else:
            vals = list(np.asarray(h.values, dtype=object))
        out += [(int(t.rows[p]), h.column, str(v)) for p, v in zip(h.pos, vals, strict=True)]
    return sorted(out, key=lambda x: (x[0] or 0, x[1], x[2]))


def records(name: str, **changes) -> list[dict]:
    """The hand-made rows of table ``name`` (copies), for rule tests."""
    return [dict(r) for r in TABLES[name]]


# --- reading each unchanged file once ------------------------------------------------------------------

_READ_CACHE: dict = {}
_BUILD_CACHE: dict = {}


@pytest.fixture(autouse=True)
def _read_each_file_once(monkeypatch):
    """Corruption tests validate many linked copies of one folder: read each unchanged file once.

    A file is the same when its real path, size and modification time are; a corrupted file is a
    new file, so it is always read. (The loader itself never caches.)
    """
    import dataclasses
    import os

    from cscp_analysis.returns import validate as V

    real = V.read_table

    def cached(path, rel, *args, **kw):
        try:
            st = os.stat(path)
        except OSError:
            return real(path, rel, *args, **kw)
        key = (os.path.realpath(path), st.st_size, st.st_mtime_ns, rel, repr(args), repr(sorted(kw.items())))
        if key not in _READ_CACHE:
            _READ_CACHE[key] = real(path, rel, *args, **kw)
        hit = _READ_CACHE[key]
        return dataclasses.replace(hit, problems=list(hit.problems))

    monkeypatch.setattr(V, "read_table", cached)

    real_build = V.build_table

    def cached_build(schema, files, folders=None, owners=None):
        # the same cells (shared by cached reads) give the same typed table; a fresh copy for each run
        key = (schema.name, tuple(id(f.cells) for f in files), tuple(folders or ()), tuple(owners or ()))
        if key not in _BUILD_CACHE:
            _BUILD_CACHE[key] = (real_build(schema, files, folders, owners), list(files))  # keep the cells alive
        t = _BUILD_CACHE[key][0]
        return dataclasses.replace(t, files=list(files), cache={})

    monkeypatch.setattr(V, "build_table", cached_build)
