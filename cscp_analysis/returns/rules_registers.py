"""Rules of the partnership's registers (assurance) and of the population table."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import codes as C
from .registry import ERROR, WARNING, Hits, rule
from .table import Context, Table


def _status_vs_date(t: Table, status_col: str, open_value: str, date_col: str, shown_open: str):
    """Rows where the status says open but a date is given, or says closed with no date."""
    st = t.text[status_col]
    has_date = t.data[date_col].notna().to_numpy() | t.bad[date_col]
    is_open = (st == open_value).fillna(False).to_numpy(dtype=bool)
    closed = st.notna().to_numpy() & ~is_open
    bad = (is_open & has_date) | (closed & ~has_date)
    if not bad.any():
        return None
    vals = np.where(is_open[bad], f"{shown_open} with a {date_col}", "")
    vals = np.array([v or f"{s} with no {date_col}" for v, s in zip(vals, st[bad].to_numpy(dtype=object), strict=False)], dtype=object)
    return Hits(np.flatnonzero(bad), status_col, vals)


@rule("REG-001", table="lado", field="outcome", severity=ERROR)
def lado_outcome_and_conclusion(t: Table, ctx: Context):
    """An allegation's outcome is 'ongoing' exactly when it has no date_concluded."""
    return _status_vs_date(t, "outcome", "ongoing", "date_concluded", "ongoing")


@rule("REG-002", table="actions", field="status", severity=ERROR)
def action_status_and_completion(t: Table, ctx: Context):
    """An action is 'complete' exactly when it has a completed_date (an open action has none)."""
    return _status_vs_date(t, "status", "open", "completed_date", "open")


@rule("REG-003", table="self_assessments", field="rating", severity=WARNING)
def self_assessment_submitted(t: Table, ctx: Context):
    """A self-assessment is rated 'not_submitted' exactly when it has no submitted_date."""
    return _status_vs_date(t, "rating", "not_submitted", "submitted_date", "not_submitted")


@rule("REG-004", table="reviews", field="decision", severity=WARNING)
def lcspr_dates_need_lcspr(t: Table, ctx: Context):
    """Only a review decided as a local child safeguarding practice review (LCSPR) has LCSPR dates."""
    has = np.zeros(len(t), dtype=bool)
    for c in ("lcspr_commissioned_date", "lcspr_due_date", "lcspr_published_date"):
        has |= t.data[c].notna().to_numpy()
    dec = t.text["decision"]
    bad = has & dec.notna().to_numpy() & (dec != "LCSPR").to_numpy(dtype=bool)
    if not bad.any():
        return None
    return Hits(np.flatnonzero(bad), "decision",
                np.array([f"{d} with LCSPR dates" for d in dec[bad].to_numpy(dtype=object)], dtype=object))


@rule("POP-001", table="population", severity=WARNING)
def population_complete(t: Table, ctx: Context):
    """The population has a row for every age from 0 to 17, sex (M, F) and ethnicity in each year it covers.

    A missing cell is taken as no children, which would overstate rates for that group.
    """
    d = t.data.dropna(subset=["year", "age", "sex", "ethnicity"])
    if d.empty:
        return None
    years = sorted(int(y) for y in d["year"].unique())
    full = pd.MultiIndex.from_product([years, range(18), ["M", "F"], list(C.ETHNICITY_CODES)],
                                      names=["year", "age", "sex", "ethnicity"])
    have = pd.MultiIndex.from_arrays([d["year"].astype("int64"), d["age"].astype("int64"), d["sex"], d["ethnicity"]])
    missing = full[~full.isin(have)]
    # REFU and NOBT are not population groups: the census has no such category
    missing = missing[~missing.get_level_values("ethnicity").isin(C.UNKNOWN_ETHNICITY)]
    if not len(missing):
        return None
    by_year = pd.Series(1, index=missing).groupby(level="year").sum()
    return [Hits(None, "", f"{n} of the year-age-sex-ethnicity cells of {y} are missing", file=0)
            for y, n in by_year.items()]


# --- the registers of quality-assurance visits, practitioners, training needs, contract monitoring, who was heard,
# "you said, we did", professional disagreements and funding -------------------------------------------------------


def _given(t: Table, column: str) -> np.ndarray:
    """Cells that hold something (text or an unreadable value)."""
    given = t.text[column].notna().to_numpy()
    return given | t.bad[column] if column in t.bad else given


def _together(t: Table, first: str, second: str):
    """Rows where exactly one of two columns that go together is given."""
    a, b = _given(t, first), _given(t, second)
    bad = a != b
    if not bad.any():
        return None
    vals = np.where(a[bad], f"{first} without a {second}", f"{second} without {first}")
    return Hits(np.flatnonzero(bad), first, vals.astype(object))


@rule("REG-005", table="qa_visits", field="status", severity=ERROR)
def qa_visit_status_and_date(t: Table, ctx: Context):
    """A visit is 'held' exactly when it has a visit_date (a planned or cancelled visit has none)."""
    st = t.text["status"]
    held = (st == "held").fillna(False).to_numpy(dtype=bool)
    known = st.notna().to_numpy()
    has = _given(t, "visit_date")
    bad = known & (held != has)
    if not bad.any():
        return None
    vals = np.where(held[bad], "held with no visit_date", st[bad].to_numpy(dtype=object) + " with a visit_date")
    return Hits(np.flatnonzero(bad), "status", vals.astype(object))


@rule("REG-006", table="qa_visits", field="grade", severity=ERROR)
def qa_visit_grade_only_when_held(t: Table, ctx: Context):
    """Only a visit that was held has a grade."""
    held = (t.text["status"] == "held").fillna(False).to_numpy(dtype=bool)
    bad = _given(t, "grade") & ~held & t.text["status"].notna().to_numpy()
    if not bad.any():
        return None
    return Hits(np.flatnonzero(bad), "grade",
                np.array([f"{g} for a {s} visit" for g, s in zip(t.text["grade"][bad], t.text["status"][bad],
                                                                  strict=True)], dtype=object))


@rule("REG-007", table="qa_visit_actions", field="status", severity=ERROR)
def qa_action_status_and_completion(t: Table, ctx: Context):
    """An action is 'complete' exactly when it has a completed_date (an open action has none)."""
    return _status_vs_date(t, "status", "open", "completed_date", "open")


@rule("REG-008", table="qa_visit_actions", field="agency", severity=WARNING)
def qa_action_agency_is_the_visits(t: Table, ctx: Context):
    """An action belongs to the agency whose service the visit looked at.

    An action for another agency belongs in the partnership's action plan; here it would be counted
    against the wrong agency's closure times.
    """
    visits = ctx.accepted.get("qa_visits")
    if visits is None or not len(visits):
        return None
    agency_of = visits.drop_duplicates("visit_id").set_index("visit_id")["agency"]
    expected = t.text["visit_id"].map(agency_of)
    bad = (expected.notna() & t.text["agency"].notna() & (expected != t.text["agency"])).to_numpy(dtype=bool)
    if not bad.any():
        return None
    return Hits(np.flatnonzero(bad), "agency",
                np.array([f"{a} (the visit was to {e})" for a, e in zip(t.text["agency"][bad], expected[bad],
                                                                         strict=True)], dtype=object))


@rule("REG-009", table="stag_issues", field="escalated_to", severity=WARNING)
def stag_escalated_to(t: Table, ctx: Context):
    """An issue names where it was escalated to exactly when it was escalated (escalated Y)."""
    esc = (t.text["escalated"] == "Y").fillna(False).to_numpy(dtype=bool)
    known = t.text["escalated"].notna().to_numpy()
    named = _given(t, "escalated_to")
    bad = known & (esc != named)
    if not bad.any():
        return None
    vals = np.where(esc[bad], "escalated with nowhere named", "not escalated but escalated_to given")
    return Hits(np.flatnonzero(bad), "escalated_to", vals.astype(object))


@rule("REG-010", table="stag_issues", field="response", severity=ERROR)
def stag_response_and_date(t: Table, ctx: Context):
    """A response and its response_date are given together (both blank while the response is awaited)."""
    return _together(t, "response", "response_date")


@rule("REG-011", table="staff_survey", field="item", severity=WARNING)
def survey_statement_wording(t: Table, ctx: Context):
    """A statement identifier has the same wording in every row of a survey.

    Answers to different wordings cannot be added up; the rows whose wording differs from the
    survey's most common wording for that identifier (on a tie, the first met) are shown.
    """
    d = pd.DataFrame({"survey": t.text["survey_date"].to_numpy(), "id": t.text["item_id"].to_numpy(),
                      "item": t.text["item"].to_numpy()})
    d["pos"] = np.arange(len(d))
    counts = d.dropna().groupby(["survey", "id", "item"], sort=True).agg(n=("pos", "size"), first=("pos", "min"))
    if counts.empty:
        return None
    # the most common wording; on a tie, the one met first in the file
    common = (counts.reset_index().sort_values(["survey", "id", "n", "first"], ascending=[True, True, False, True],
                                               kind="stable")
              .drop_duplicates(["survey", "id"]).set_index(["survey", "id"])["item"])
    expected = pd.Series(common.reindex(pd.MultiIndex.from_frame(d[["survey", "id"]])).to_numpy(), dtype="object")
    bad = (expected.notna() & d["item"].notna() & (expected != d["item"])).to_numpy(dtype=bool)
    if not bad.any():
        return None
    return Hits(np.flatnonzero(bad), "item", np.array([f"{v} (elsewhere: {c})" for v, c in zip(
        d["item"][bad], expected[bad], strict=True)], dtype=object))


_YEAR_COLUMN = {"training_needs": "round", "funding_contributions": "year", "funding_spend": "year"}


@rule("REG-012", table=tuple(_YEAR_COLUMN), severity=ERROR)
def financial_year_written(t: Table, ctx: Context):
    """The year is a financial year written YYYY-YY, for example 2026-27 (April 2026 to March 2027)."""
    col = _YEAR_COLUMN[t.name]
    text = t.text[col]
    parts = text.str.extract(r"^\s*(\d{4})-(\d{2})\s*$")
    first, second = pd.to_numeric(parts[0], errors="coerce"), pd.to_numeric(parts[1], errors="coerce")
    ok = (first.notna() & ((first + 1) % 100 == second)).to_numpy(dtype=bool)
    bad = text.notna().to_numpy() & ~ok
    if not bad.any():
        return None
    return Hits(np.flatnonzero(bad), col)


@rule("REG-013", table="training_needs", field="course", severity=WARNING)
def needs_course_is_in_the_programme(t: Table, ctx: Context):
    """A course named for a need is one the training attendance register lists.

    Otherwise the places delivered against the need cannot be counted, and the topic is reported as a
    gap; leave the course blank when no course of the programme meets the need.
    """
    att = ctx.accepted.get("training_attendance")
    courses = set() if att is None else set(att["course"].dropna().astype(str))
    named = t.text["course"]
    bad = (named.notna() & ~named.isin(courses)).to_numpy(dtype=bool)
    if not bad.any():
        return None
    return Hits(np.flatnonzero(bad), "course")


@rule("REG-014", table="contract_monitoring", field="review_id", severity=ERROR)
def contract_review_consistent(t: Table, ctx: Context):
    """Every row of a review has the same review_date, provider and service_type."""
    d = t.text[["review_id", "review_date", "provider", "service_type"]]
    n = d.groupby("review_id", sort=False)[["review_date", "provider", "service_type"]].transform("nunique")
    bad = (n > 1).any(axis=1).to_numpy(dtype=bool) & d["review_id"].notna().to_numpy()
    if not bad.any():
        return None
    return Hits(np.flatnonzero(bad), "review_id",
                np.array([f"{r} has more than one date, provider or service type" for r in d["review_id"][bad]],
                         dtype=object))


REACH_GROUPS = {
    "age_band": ("5 to 9", "10 to 15", "16 to 17"),
    "sex": ("Male", "Female"),
    "ethnicity": ("White", "Mixed", "Asian", "Black", "Other"),
}
NOT_RECORDED = "Not recorded"


@rule("REG-015", table="voice_reach", field="group", severity=ERROR)
def reach_group_known(t: Table, ctx: Context):
    """For age band, sex and ethnicity the group is one the population can be compared with (or 'Not recorded').

    Age bands 5 to 9, 10 to 15 and 16 to 17; sex Male or Female; ethnicity the ONS major groups White,
    Mixed, Asian, Black or Other. Disability and religion groups are free text.
    """
    ch, grp = t.text["characteristic"], t.text["group"]
    bad = np.zeros(len(t), dtype=bool)
    for characteristic, groups in REACH_GROUPS.items():
        bad |= ((ch == characteristic) & grp.notna() & ~grp.isin((*groups, NOT_RECORDED))).to_numpy(dtype=bool)
    if not bad.any():
        return None
    return Hits(np.flatnonzero(bad), "group",
                np.array([f"{g} ({c})" for g, c in zip(grp[bad], ch[bad], strict=True)], dtype=object))


@rule("REG-016", table="voice_reach", field="participants", severity=WARNING)
def reach_totals_agree(t: Table, ctx: Context):
    """An activity's participants add up to the same number for every characteristic recorded.

    Each characteristic splits the same participants (with 'Not recorded' for those whose group is
    not known); a different total means a group is missing or counted twice.
    """
    d = pd.DataFrame({"a": t.text["activity_id"], "c": t.text["characteristic"],
                      "n": t.data["participants"].astype("Float64")})
    totals = d.groupby(["a", "c"], sort=False)["n"].transform("sum")
    by_activity = totals.groupby(d["a"], sort=False)
    spread = by_activity.transform("max") - by_activity.transform("min")
    bad = (spread > 0).fillna(False).to_numpy(dtype=bool)
    if not bad.any():
        return None
    return Hits(np.flatnonzero(bad), "participants",
                np.array([f"{c} adds up to {n:.0f}" for c, n in zip(d["c"][bad], totals[bad], strict=True)],
                         dtype=object))


@rule("REG-017", table="you_said_we_did", field="we_did", severity=ERROR)
def we_did_and_date(t: Table, ctx: Context):
    """What was done and its response_date are given together (both blank while the response is awaited)."""
    return _together(t, "we_did", "response_date")


@rule("REG-018", table="professional_disagreements", field="outcome", severity=ERROR)
def disagreement_outcome_and_date(t: Table, ctx: Context):
    """A disagreement is 'ongoing' exactly when it has no resolved_date."""
    return _status_vs_date(t, "outcome", "ongoing", "resolved_date", "ongoing")


@rule("REG-019", table="professional_disagreements", field="raised_with", severity=WARNING)
def disagreement_between_agencies(t: Table, ctx: Context):
    """A disagreement is raised with another agency than the one raising it.

    A disagreement within one agency follows that agency's own procedure, not the partnership's.
    """
    same = (t.text["raised_by"] == t.text["raised_with"]).fillna(False).to_numpy(dtype=bool)
    return same if same.any() else None
