"""Professional lens: the annual training needs analysis, "to inform decisions about the range of
multi-agency training required".

* **The round** is the analysis for the financial year the period falls in (or, before it is done, the
  latest one submitted by the period end).
* **Needs against delivery**: for each topic, the staff the agencies said need training on it in the
  round, against the places attended in **the twelve months to the period end** on the course the
  analysis names for the topic (from the training attendance register): the programme's current yearly
  capacity against a year's need. **Coverage** = places attended ÷ staff to train × 100; the **gap** is
  the need not met, staff to train − places attended (none when coverage is 100% or more).
* A topic is a **gap** when coverage is below half; a topic that no course of the programme meets is
  named as such. The same comparison is made for each agency and topic.

Places attended are counts of learners, and needs are counts of staff: both go through small-number
suppression, and no coverage or gap is shown from a suppressed count.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..narrative import Finding, sentence_number
from ..periods import Period, PeriodWords, parse_period
from ..sections import Section
from ._common import (
    ROLLING,
    agency_labels,
    happened,
    in_window,
    missing_part,
    missing_section,
    needs_columns,
    percent,
    register,
    states_set_aside,
    worded,
)

__all__ = ["GAP_COVERAGE", "current_round", "needs_against_delivery", "published_needs", "section", "findings"]

SOURCE = "the partnership's training needs analysis and the training attendance register"
GAP_COVERAGE = 50.0  # places attended covering less than this share of the need is a gap
NO_COURSE = "no course in the programme"
_LENS, _SRC = "professional", "assurance"


def _count(value) -> str:
    """A published count in a sentence: ``2,134`` (:func:`~cscp_analysis.narrative.sentence_number`), a symbol
    (``c``) as it is."""
    try:
        return sentence_number(float(value), decimals=0)
    except (TypeError, ValueError):
        return str(value)


def current_round(needs: pd.DataFrame, period: str | Period) -> str | None:
    """The round for the period's financial year if submitted by the period end, else the latest one (None: none)."""
    needs_columns(needs, ("round", "assessed_date", "agency", "topic", "course", "staff_to_train"), "training_needs")
    p = parse_period(period)
    known = needs.loc[happened(needs["assessed_date"], p), "round"].astype("string").dropna()
    if not len(known):
        return None
    rounds = sorted(known.unique())
    return p.financial_year.label if p.financial_year.label in rounds else rounds[-1]


def needs_against_delivery(needs: pd.DataFrame, attendance: pd.DataFrame | None, period: str | Period,
                           by_agency: bool = False, config=None) -> pd.DataFrame:
    """Staff to train in the round against places attended in the twelve months, by topic (and agency).

    Columns: (``agency``), ``topic``, ``course`` (or "no course in the programme"), ``staff_to_train``,
    ``places_attended``, ``coverage_pct``, ``gap``; topics by need, largest first, then an "All topics" row
    (per agency when ``by_agency``).
    """
    p = parse_period(period)
    rnd = current_round(needs, p)
    keys = (["agency"] if by_agency else []) + ["topic"]
    cols = [*keys, "course", "staff_to_train", "places_attended", "coverage_pct", "gap"]
    if rnd is None:
        return pd.DataFrame(columns=cols)
    n = needs.loc[(needs["round"].astype("string") == rnd) & happened(needs["assessed_date"], p)].copy()
    n["course"] = n["course"].astype("string").fillna("")
    need = n.groupby(keys, sort=True).agg(staff_to_train=("staff_to_train", "sum"),
                                          course=("course", lambda c: "; ".join(sorted(set(c) - {""}))))
    need = need.reset_index()
    attended = pd.Series(0, index=pd.MultiIndex.from_arrays([[], []]), dtype=int)
    if attendance is not None and len(attendance):
        a = attendance.loc[in_window(attendance["session_date"], p, ROLLING)
                           & (attendance["attended"].astype("string") == "Y").fillna(False)]
        attended = a.groupby([a["agency"].astype("string"), a["course"].astype("string")]).size()
    by_course = attended.groupby(level=1).sum()
    if by_agency:
        need["places_attended"] = [int(attended.get((ag, c), 0)) if c else 0
                                   for ag, c in zip(need["agency"], need["course"], strict=True)]
    else:
        need["places_attended"] = [int(by_course.get(c, 0)) if c else 0 for c in need["course"]]
    need["course"] = need["course"].replace("", NO_COURSE)
    need["staff_to_train"] = need["staff_to_train"].astype(int)
    need = need.sort_values([*keys[:-1], "staff_to_train", "topic"], ascending=[True] * (len(keys) - 1) + [False, True],
                            kind="mergesort")
    parts = []
    for _, block in (need.groupby("agency", sort=True) if by_agency else [("", need)]):
        total = {"topic": "All topics", "course": "", "staff_to_train": int(block["staff_to_train"].sum()),
                 "places_attended": int(block["places_attended"].sum())}
        if by_agency:
            total["agency"] = block["agency"].iloc[0]
        parts += [block, pd.DataFrame([total])]
    out = pd.concat(parts, ignore_index=True)
    out["coverage_pct"] = percent(out["places_attended"], out["staff_to_train"])
    out["gap"] = np.maximum(out["staff_to_train"] - out["places_attended"], 0)
    if by_agency:
        out["agency"] = agency_labels(out["agency"], config)
    return out[cols]


def published_needs(table: pd.DataFrame, config=None, by_agency: bool = False) -> pd.DataFrame:
    """Needs against delivery as published: counts suppressed (topics add up to "All topics"), and the coverage
    and gap of a row shown as ``c`` when either count is hidden."""
    from .publish import publish

    return publish(table, ["staff_to_train", "places_attended"], config,
                   derived={"coverage_pct": ["staff_to_train", "places_attended"],
                            "gap": ["staff_to_train", "places_attended"]},
                   total_row=("topic", "All topics"), by="agency" if by_agency else None,
                   decimals={"coverage_pct": 1, "gap": 0}, own_work=True).table


# --- the section ------------------------------------------------------------------------------------

_WORDS = {"agency": "Agency", "topic": "Topic", "course": "Course that meets it", "staff_to_train": "Staff to train",
          "places_attended": "Places attended (twelve months)", "coverage_pct": "Need covered (%)",
          "gap": "Staff not reached"}


@states_set_aside("training_needs")
def section(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> Section:
    """The training needs section: needs by topic and agency against places delivered (lens: professional)."""
    from ..charts import registers as charts

    p = parse_period(period)
    w = words or PeriodWords.quarter(p)
    sec = Section("training_needs", "Training needs analysis: needs against the training delivered", _LENS,
                  period=w.label, source=SOURCE,
                  window=f"the needs analysis for the year, against places attended in {w.twelve_months}")
    needs = register(returns_or_tables, "training_needs")
    if needs is None:
        return missing_section(sec, "training_needs")
    attendance = register(returns_or_tables, "training_attendance")
    if attendance is None:
        missing_part(sec, "training_attendance")
    rnd = current_round(needs, p)
    if rnd is None:
        sec.findings.insert(0, Finding("needs_to_happen", f"No training needs analysis had been submitted by {w.end}.",
                                       _LENS, _SRC, "register training needs", priority="P4", rule="TNA-01",
                                       weight=0.6))
        return sec
    topics = sec.add_table(
        "assurance_training_needs_by_topic", f"Training needs analysis {rnd}: staff to train on each topic against "
        f"places attended in {w.twelve_months}", published_needs(needs_against_delivery(needs, attendance, p), config),
        counts=["staff_to_train", "places_attended"])
    tot = topics.iloc[-1]
    sec.tables[-1].view = worded(topics, _WORDS)
    sec.tables[-1].summary = (f"The agencies asked for {_count(tot['staff_to_train'])} staff to be trained in {rnd}; "
                              f"{_count(tot['places_attended'])} places were attended on the matching courses in "
                              f"{w.twelve_months} ({tot['coverage_pct']}% of the need).")
    agencies = published_needs(needs_against_delivery(needs, attendance, p, by_agency=True, config=config), config,
                               by_agency=True)
    sec.add_table("assurance_training_needs_by_agency", f"Training needs analysis {rnd} by agency and topic, against "
                  f"places attended in {w.twelve_months}", agencies, counts=["staff_to_train", "places_attended"],
                  view=worded(agencies, _WORDS),
                  summary="Each agency's needs by topic and the places its staff attended on the matching course.")
    body = topics.iloc[:-1]
    sec.add_figure(
        "assurance_training_needs_chart", f"Staff to train ({rnd}) and places attended ({w.twelve_months}), by topic",
        f"Paired bar chart, one pair per topic of the {rnd} training needs analysis: staff the agencies need trained "
        f"(grey) and places attended on the matching course in {w.twelve_months} (blue); in all, {_count(tot['staff_to_train'])} "
        f"staff to train and {_count(tot['places_attended'])} places attended.",
        "assurance_training_needs_by_topic",
        lambda: charts.paired_bars(body, "topic", "staff_to_train", "places_attended",
                                   first_name=f"Staff to train ({rnd})", second_name="Places attended (twelve months)",
                                   title="Training needs against places attended", xlabel="Staff (number)",
                                   source="training needs analysis; training attendance"))
    sec.findings = _findings(topics, agencies, needs, attendance, rnd, p, w, config) + sec.findings
    return sec


def findings(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> list[Finding]:
    """Findings about training needs (rules TNA-01 to TNA-04, docs/assurance.md)."""
    return section(returns_or_tables, period, config, words).findings


def _num(v) -> float:
    from .publish import number

    return number(v)


def _findings(topics, agencies, needs, attendance, rnd, p, w, config) -> list[Finding]:
    out: list[Finding] = []
    tot, body = topics.iloc[-1], topics.iloc[:-1]
    asked = needs.loc[needs["round"].astype("string") == rnd, "agency"].astype("string").unique()
    out.append(Finding("context", f"{len(asked)} agencies submitted needs for {rnd}: {_count(tot['staff_to_train'])} staff to "
                       f"train across {len(body)} topics, against {_count(tot['places_attended'])} places attended on the "
                       f"matching courses in {w.twelve_months}.", _LENS, _SRC,
                       "table assurance_training_needs_by_topic", priority="P4", rule="TNA-01"))
    cov = body["coverage_pct"].map(_num)
    has_course = body["course"] != NO_COURSE
    gaps = body.loc[has_course & (cov < GAP_COVERAGE)]
    for r in gaps.itertuples():
        out.append(Finding(
            "worried", f"{r.topic}: the agencies need {r.staff_to_train} staff trained in {rnd}, but {r.places_attended} "
            f"places were attended on \"{r.course}\" in {w.twelve_months} ({r.coverage_pct}% of the need; "
            f"{r.gap} staff not reached).", _LENS, _SRC, "table assurance_training_needs_by_topic", priority="P4",
            rule="TNA-02", weight=min(1.0, 1 - _num(r.coverage_pct) / 100 + 0.2)))
    if not len(gaps) and cov[has_course].notna().any():
        out.append(Finding("working_well", f"Every topic with a course had at least half of its need for {rnd} met by "
                           f"places attended in {w.twelve_months}.", _LENS, _SRC,
                           "table assurance_training_needs_by_topic", priority="P4", rule="TNA-02", weight=0.3))
    none = body.loc[~has_course]
    if len(none):
        out.append(Finding("needs_to_happen", "No course of the multi-agency programme meets the need for: "
                           + "; ".join(f"{r.topic} ({r.staff_to_train} staff)" for r in none.itertuples())
                           + ". The Learning and Development subgroup should decide how to meet it.", _LENS, _SRC,
                           "table assurance_training_needs_by_topic", priority="P4", rule="TNA-03", weight=0.6))
    if attendance is not None:
        took = attendance.loc[in_window(attendance["session_date"], p, ROLLING), "agency"].astype("string").unique()
        silent = sorted(set(took) - set(asked) - {"PARTNERSHIP"})
        if silent:
            names = ", ".join(agency_labels(pd.Series(silent), config))
            out.append(Finding("needs_to_happen", f"{names} took places on the programme in {w.twelve_months} but sent "
                               f"no training needs for {rnd}.", _LENS, _SRC, "table assurance_training_needs_by_agency",
                               priority="P4", rule="TNA-04", weight=0.4))
    return out
