"""Professional lens: professional disagreements, escalated under the partnership's resolution and
escalation protocol (stage 1 between practitioners, up to stage 4, the partnership's executive).

* Disagreements raised in **the twelve months to the period end**, as they stood at the period end: the
  highest stage reached; resolved, withdrawn or ongoing.
* **Settled within the timescale**: the protocol expects a disagreement to be settled within
  ``TIMESCALE`` working days of being raised (about five a stage; working days as the children-in-need
  census counts them: ``periods.working_days_between``). Of the disagreements raised at least that long
  before the period end, the share resolved or withdrawn within it, by the agency the disagreement was
  raised with, with its Wilson interval and each agency against the others together (``_compare``).
* **Ongoing past the timescale** at the period end, by agency and the stage it is stuck at.

Disagreements are between agencies about their decisions; the counts are of disagreements, not of
children, and are formatted, not suppressed (docs/assurance.md §3.9).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..narrative import Finding
from ..periods import Period, PeriodWords, parse_period, working_days_between
from ..sections import Section
from ._common import (
    ROLLING,
    agency_labels,
    happened,
    in_window,
    missing_section,
    needs_columns,
    period_end,
    register,
    states_set_aside,
    worded,
)
from ._compare import ALPHA, against_the_rest, p_of, published_comparison

__all__ = ["TIMESCALE", "escalation_status", "by_agency", "stuck", "section", "findings"]

SOURCE = "the partnership's register of professional disagreements (escalations)"
TIMESCALE = 20  # working days from being raised to being settled
STAGES = (1, 2, 3, 4)
ALL = "All agencies"
_LENS, _SRC = "professional", "assurance"


def escalation_status(dis: pd.DataFrame, period: str | Period, window: str = ROLLING) -> pd.DataFrame:
    """Disagreements raised in the window with ``settled`` (by the period end), ``working_days`` (raised to
    settled, or to the period end while ongoing), ``due`` (raised at least ``TIMESCALE`` working days before
    the period end), ``in_time`` and ``past_timescale`` (ongoing and older than the timescale)."""
    needs_columns(dis, ("escalation_id", "raised_date", "raised_by", "raised_with", "stage_reached", "outcome",
                        "resolved_date"), "professional_disagreements")
    d = dis.loc[in_window(dis["raised_date"], period, window)].copy()
    end = period_end(period)
    settled = happened(d["resolved_date"], period)
    stop = pd.to_datetime(d["resolved_date"]).dt.normalize().where(settled, end)
    raised = pd.to_datetime(d["raised_date"]).dt.normalize()
    wd = working_days_between(raised.to_numpy(), stop.to_numpy()) if len(d) else np.array([], dtype=float)
    d["settled"] = settled.to_numpy()
    d["working_days"] = np.asarray(wd, float)
    age = np.asarray(working_days_between(raised.to_numpy(), np.repeat(np.datetime64(end.date()), len(d))), float) \
        if len(d) else np.array([], dtype=float)
    d["due"] = age >= TIMESCALE
    d["in_time"] = d["settled"] & (d["working_days"] <= TIMESCALE)
    d["past_timescale"] = ~d["settled"] & (age > TIMESCALE)
    d["stage_reached"] = pd.to_numeric(d["stage_reached"], errors="coerce")
    return d.reset_index(drop=True)


def by_agency(dis: pd.DataFrame, period: str | Period, config=None) -> pd.DataFrame:
    """Disagreements by the agency they were raised with: ``agency``, ``raised``, ``stage_1`` .. ``stage_4``
    (highest stage reached), ``resolved``, ``withdrawn``, ``ongoing``, ``past_timescale``, ``due``,
    ``in_time``, then the comparison columns (``pct`` settled within the timescale ...); "All agencies" last."""
    d = escalation_status(dis, period)
    outcome = d["outcome"].astype("string").where(d["settled"], "ongoing")
    t = pd.DataFrame({"agency": d["raised_with"].astype("string"), "raised": 1,
                      **{f"stage_{s}": (d["stage_reached"] == s).astype(int) for s in STAGES},
                      "resolved": (outcome == "resolved").astype(int), "withdrawn": (outcome == "withdrawn").astype(int),
                      "ongoing": (outcome == "ongoing").astype(int), "past_timescale": d["past_timescale"].astype(int),
                      "due": d["due"].astype(int), "in_time": (d["in_time"] & d["due"]).astype(int)})
    g = t.groupby("agency", sort=True).sum().reset_index()
    body = against_the_rest(g, "in_time", "due")
    total = g.drop(columns="agency").sum().to_frame().T
    total.insert(0, "agency", ALL)
    out = pd.concat([body, against_the_rest(total, "in_time", "due")], ignore_index=True)
    out["agency"] = agency_labels(out["agency"], config).where(out["agency"] != ALL, ALL)
    return out


def stuck(dis: pd.DataFrame, period: str | Period, config=None) -> pd.DataFrame:
    """Disagreements ongoing past the timescale at the period end (raised at any time up to it), by the agency
    raised with and the stage reached: ``agency``, ``stage``, ``ongoing``, ``median_working_days`` open."""
    from ._common import TO_DATE

    d = escalation_status(dis, period, window=TO_DATE)
    d = d.loc[d["past_timescale"]]
    if d.empty:
        return pd.DataFrame(columns=["agency", "stage", "ongoing", "median_working_days"])
    g = d.groupby([d["raised_with"].astype("string"), d["stage_reached"]], sort=True).agg(
        ongoing=("escalation_id", "size"), median_working_days=("working_days", "median")).reset_index()
    g.columns = ["agency", "stage", "ongoing", "median_working_days"]
    g["agency"] = agency_labels(g["agency"], config)
    g["stage"] = g["stage"].map(lambda s: f"Stage {int(s)}")
    return g.sort_values(["ongoing", "agency"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


# --- the section ------------------------------------------------------------------------------------

_WORDS = {"agency": "Raised with", "raised": "Raised", "stage_1": "Highest stage 1", "stage_2": "Highest stage 2",
          "stage_3": "Highest stage 3", "stage_4": "Highest stage 4", "resolved": "Resolved", "withdrawn": "Withdrawn",
          "ongoing": "Ongoing", "past_timescale": "Ongoing past 20 working days", "pct": "Settled within 20 working "
          "days (%)", "lower_ci": "95% interval from", "upper_ci": "to", "difference_pp": "Difference from other "
          "agencies (points)", "p_adjusted": "p (adjusted)"}
_STUCK_WORDS = {"agency": "Raised with", "stage": "Stage reached", "ongoing": "Ongoing past the timescale",
                "median_working_days": "Median working days open"}


@states_set_aside("professional_disagreements")
def section(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> Section:
    """Professional disagreements by agency, stage and outcome, and those stuck (lens: professional)."""
    from ..charts import registers as charts
    from .publish import format_only

    p = parse_period(period)
    w = words or PeriodWords.quarter(p)
    sec = Section("disagreements", "Professional disagreements: escalation and resolution", _LENS, period=w.label,
                  source=SOURCE, window=f"disagreements raised in {w.twelve_months}, as they stood at {w.end}; every "
                                        "disagreement still open then")
    dis = register(returns_or_tables, "professional_disagreements")
    if dis is None:
        return missing_section(sec, "professional_disagreements")
    t = published_comparison(by_agency(dis, p, config), ALL, "agency")
    sec.add_table("assurance_disagreements_by_agency", f"Professional disagreements raised in {w.twelve_months} by the "
                  "agency they were raised with: highest stage reached, outcome and time to settle", t,
                  view=worded(t, _WORDS))
    st = format_only(stuck(dis, p, config), {"median_working_days": 0})
    sec.add_table("assurance_disagreements_stuck", f"Professional disagreements still open more than {TIMESCALE} working "
                  f"days after being raised, at {w.end}, by agency and stage", st, view=worded(st, _STUCK_WORDS),
                  summary=f"Every disagreement open at {w.end} more than {TIMESCALE} working days after it was raised, "
                          "by the agency it was raised with and the stage it had reached.")
    if len(t):
        tot = t.iloc[-1]
        sec.tables[0].summary = (f"{tot['raised']} disagreements were raised in {w.twelve_months}; of those raised "
                                 f"{TIMESCALE} or more working days before {w.end}, {tot['pct']}% were settled within "
                                 f"{TIMESCALE} working days.")
        names = {f"stage_{s}": f"Stage {s}" for s in STAGES}
        sec.add_figure(
            "assurance_disagreements_chart", f"Professional disagreements by agency and highest stage, {w.twelve_months}",
            f"Stacked bar chart, one bar per agency a disagreement was raised with, of the {tot['raised']} disagreements "
            f"raised in {w.twelve_months}, by the highest stage of the protocol they reached (stage 1 between "
            "practitioners to stage 4 the partnership's executive).",
            "assurance_disagreements_by_agency",
            lambda: charts.stacked_counts(t.iloc[:-1], "agency", [f"stage_{s}" for s in STAGES], names=names,
                                          title="Disagreements by highest stage reached",
                                          xlabel="Disagreements raised (number)",
                                          source="professional disagreements register"))
    sec.findings = _findings(t, st, dis, p, w, config)
    return sec


def findings(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> list[Finding]:
    """Findings about professional disagreements (rules DIS-01 to DIS-04, docs/assurance.md)."""
    return section(returns_or_tables, period, config, words).findings


def _num(v) -> float:
    from .publish import number

    return number(v)


def _findings(t, st, dis, p, w, config) -> list[Finding]:
    if not len(t):
        return [Finding("context", f"No professional disagreement was raised in {w.twelve_months}.", _LENS, _SRC,
                        "table assurance_disagreements_by_agency", rule="DIS-01")]
    tot, body = t.iloc[-1], t.iloc[:-1]
    high = _num(tot["stage_3"]) + _num(tot["stage_4"])
    out = [Finding("context", f"{tot['raised']} professional disagreements were raised in {w.twelve_months}; "
                   f"{high:.0f} reached stage 3 or 4, and {tot['pct']}% of those due were settled within {TIMESCALE} "
                   "working days.", _LENS, _SRC, "table assurance_disagreements_by_agency", rule="DIS-01")]
    pa, diff = body["p_adjusted"].map(p_of), body["difference_pp"].map(_num)
    for r in body.loc[(pa < ALPHA) & (diff < 0)].itertuples():
        out.append(Finding("worried", f"Disagreements raised with {r.agency} were settled within {TIMESCALE} working days "
                           f"{r.pct}% of the time (95% interval {r.lower_ci}% to {r.upper_ci}%), against {r.pct_rest}% "
                           "for the other agencies: more than chance would explain.", _LENS, _SRC,
                           "table assurance_disagreements_by_agency", rule="DIS-02", weight=0.8))
    if len(st):
        top = st.iloc[0]
        out.append(Finding("needs_to_happen", f"{int(st['ongoing'].astype(int).sum())} disagreements were still open at "
                           f"{w.end} more than {TIMESCALE} working days after being raised; the most were raised with "
                           f"{top['agency']} and stuck at {top['stage'].lower()} ({top['ongoing']}, open a median of "
                           f"{top['median_working_days']} working days): the protocol's next stage should be used.",
                           _LENS, _SRC, "table assurance_disagreements_stuck", rule="DIS-03", weight=0.7))
    d = escalation_status(dis, p)
    if len(d):
        by = d["raised_by"].astype("string").value_counts()
        names = agency_labels(pd.Series(by.index[:2]), config).tolist()
        out.append(Finding("context", "Practitioners from " + " and ".join(
            f"{n} ({c})" for n, c in zip(names, by.iloc[:2], strict=True)) + " raised the most disagreements, a sign "
            "that challenge is used.", _LENS, _SRC, "table assurance_disagreements_by_agency", rule="DIS-04"))
    return out
