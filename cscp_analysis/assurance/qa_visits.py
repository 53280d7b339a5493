"""Professional lens: quality-assurance visits, "another approach to ensuring the CSCP has in place a
continuous cycle of quality assurance and improvement".

* **Visits** planned for **the twelve months to the period end** (by planned date), by agency, as they
  stood at the period end: held (a visit date on or before the period end), cancelled, or not held (the
  planned date has passed with no visit). **Held of those due** = held ÷ (planned − cancelled).
* **Grades** of the visits held: good or better (outstanding, good) against requires improvement or
  inadequate, as for the case-file audits.
* **Actions closed within 90 days**: of the actions agreed in the twelve months ending 90 days before the
  period end (so that every one has had 90 days), the share completed within 90 calendar days of being
  agreed, by agency, with its Wilson interval, and each agency against all the others together
  (difference, Newcombe interval, pooled z-test, Benjamini–Hochberg across agencies: ``_compare``). A
  fixed horizon avoids the bias of a median time to close when some actions are still open.
* **Open and overdue at the period end**: actions agreed by the period end and not completed by it;
  overdue when their due date is before the period end.

Visits and actions are about services, not people: the tables are formatted (rounding, symbols) but not
suppressed (docs/assurance.md §3.9).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..narrative import Finding
from ..periods import Period, PeriodWords, parse_period
from ..sections import Section
from ._common import (
    ROLLING,
    agency_labels,
    dates_words,
    happened,
    in_window,
    missing_part,
    missing_section,
    needs_columns,
    percent,
    period_end,
    register,
    states_set_aside,
    worded,
)
from ._compare import ALPHA, against_the_rest, p_of, published_comparison

__all__ = ["CLOSE_DAYS", "visit_status", "visits_by_agency", "closure_window", "action_closure", "section",
           "findings"]

SOURCE = "the partnership's register of quality-assurance visits and their actions"
CLOSE_DAYS = 90  # an action agreed at a visit should be completed within this many calendar days
HELD_POOR = 80.0  # fewer visits held of those due than this share is a worry
GOOD_SHARE = 75.0  # at least this share of visits good or outstanding is working well
CLOSED_GOOD = 80.0  # at least this share closed within 90 days, with no agency lower than the rest: working well


def visit_status(visits: pd.DataFrame, period: str | Period, window: str = ROLLING) -> pd.DataFrame:
    """One row per visit planned in the window, with ``state`` as at the period end: held, cancelled, not held."""
    needs_columns(visits, ("visit_id", "agency", "planned_date", "visit_date", "status", "grade"), "qa_visits")
    v = visits.loc[in_window(visits["planned_date"], period, window)].copy()
    held = happened(v["visit_date"], period).to_numpy() & (v["status"].astype("string") == "held").fillna(False).to_numpy()
    cancelled = (v["status"].astype("string") == "cancelled").fillna(False).to_numpy()
    v["state"] = np.select([held, cancelled], ["held", "cancelled"], "not held")
    v["grade"] = v["grade"].astype("string").where(held)
    return v.reset_index(drop=True)


def visits_by_agency(visits: pd.DataFrame, period: str | Period, config=None) -> pd.DataFrame:
    """Visits planned in the twelve months to the period end by agency, with an "All agencies" row.

    Columns: ``agency``, ``planned``, ``held``, ``cancelled``, ``not_held``, ``pct_held`` (of those due:
    planned − cancelled), ``good_or_better``, ``ri_or_inadequate``, ``inadequate``, ``pct_good`` (of held).
    """
    v = visit_status(visits, period)
    g = pd.DataFrame({
        "agency": v["agency"].astype("string"), "planned": 1,
        "held": (v["state"] == "held").astype(int), "cancelled": (v["state"] == "cancelled").astype(int),
        "not_held": (v["state"] == "not held").astype(int),
        "good_or_better": v["grade"].isin(["outstanding", "good"]).fillna(False).astype(int),
        "ri_or_inadequate": v["grade"].isin(["requires_improvement", "inadequate"]).fillna(False).astype(int),
        "inadequate": (v["grade"] == "inadequate").fillna(False).astype(int),
    }).groupby("agency", sort=True).sum()
    g = pd.concat([g, g.sum().to_frame("All agencies").T]).rename_axis("agency").reset_index()
    g["agency"] = agency_labels(g["agency"], config).where(g["agency"] != "All agencies", "All agencies")
    g["pct_held"] = percent(g["held"], g["planned"] - g["cancelled"])
    g["pct_good"] = percent(g["good_or_better"], g["held"])
    return g[["agency", "planned", "held", "cancelled", "not_held", "pct_held", "good_or_better", "ri_or_inadequate",
              "inadequate", "pct_good"]]


def closure_window(period: str | Period) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day on which an action counted for closure within 90 days was agreed."""
    last = period_end(period) - pd.Timedelta(days=CLOSE_DAYS)
    return last - pd.DateOffset(years=1) + pd.Timedelta(days=1), last


def action_closure(actions: pd.DataFrame, period: str | Period, config=None) -> pd.DataFrame:
    """Actions by agency: closed within 90 days (with the comparison against the rest) and open now.

    Columns: ``agency``, ``agreed`` (in :func:`closure_window`), ``closed_in_90_days``, the columns of
    :func:`._compare.against_the_rest` (``pct`` ...), ``open_now`` and ``overdue_now`` (at the period
    end, every action agreed by then); the last row is "All agencies" (no comparison).
    """
    needs_columns(actions, ("action_id", "agency", "raised_date", "due_date", "completed_date"), "qa_visit_actions")
    end = period_end(period)
    a, b = closure_window(period)
    raised = pd.to_datetime(actions["raised_date"]).dt.normalize()
    done = pd.to_datetime(actions["completed_date"]).dt.normalize().where(happened(actions["completed_date"], period))
    due = pd.to_datetime(actions["due_date"]).dt.normalize()
    counted = (raised >= a) & (raised <= b)
    within = counted & done.notna() & ((done - raised).dt.days <= CLOSE_DAYS)
    open_now = (raised <= end) & done.isna()
    t = pd.DataFrame({"agency": actions["agency"].astype("string"), "agreed": counted.astype(int),
                      "closed_in_90_days": within.astype(int), "open_now": open_now.astype(int),
                      "overdue_now": (open_now & (due < end)).astype(int)}).groupby("agency", sort=True).sum()
    t = t.loc[(t["agreed"] > 0) | (t["open_now"] > 0)].reset_index()
    body = against_the_rest(t, "closed_in_90_days", "agreed")
    total = t.drop(columns="agency").sum().to_frame().T
    total.insert(0, "agency", "All agencies")
    total = against_the_rest(total, "closed_in_90_days", "agreed")  # its own share and interval; no rest
    out = pd.concat([body, total], ignore_index=True)
    out["agency"] = agency_labels(out["agency"], config).where(out["agency"] != "All agencies", "All agencies")
    first = ["agency", "agreed", "closed_in_90_days", "pct", "lower_ci", "upper_ci", "pct_rest", "difference_pp",
             "difference_lower", "difference_upper", "p_value", "p_adjusted", "open_now", "overdue_now"]
    return out[first]


# --- publication and findings ------------------------------------------------------------------------

_VISIT_WORDS = {"agency": "Agency", "planned": "Visits planned", "held": "Held", "cancelled": "Cancelled",
                "not_held": "Not held (date passed)", "pct_held": "Held of those due (%)",
                "good_or_better": "Good or outstanding", "ri_or_inadequate": "Requires improvement or inadequate",
                "pct_good": "Good or outstanding (% of held)"}
_ACTION_WORDS = {"agency": "Agency", "agreed": "Actions agreed", "closed_in_90_days": "Closed within 90 days",
                 "pct": "Closed within 90 days (%)", "lower_ci": "95% interval from", "upper_ci": "to",
                 "difference_pp": "Difference from other agencies (points)", "p_adjusted": "p (adjusted)",
                 "open_now": "Open at the period end", "overdue_now": "Overdue at the period end"}


@states_set_aside("qa_visits", "qa_visit_actions")
def section(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> Section:
    """The quality-assurance visits section: visits by agency and the closure of their actions (professional)."""
    from ..charts import registers as charts
    from .publish import format_only

    p = parse_period(period)
    w = words or PeriodWords.quarter(p)
    a, b = closure_window(p)
    sec = Section("qa_visits", "Quality-assurance visits", "professional", period=w.label, source=SOURCE,
                  window=f"visits planned in {w.twelve_months}; actions agreed from {dates_words(a, b)} (each has "
                         f"had at least {CLOSE_DAYS} days to close), and every action open at {w.end}")
    visits, actions = register(returns_or_tables, "qa_visits"), register(returns_or_tables, "qa_visit_actions")
    if visits is None and actions is None:
        return missing_section(sec, "qa_visits", "qa_visit_actions")
    if visits is not None:
        vt = format_only(visits_by_agency(visits, p, config), {"pct_held": 1, "pct_good": 1})
        tot = vt.iloc[-1]
        sec.add_table("assurance_qa_visits_by_agency", f"Quality-assurance visits planned in {w.twelve_months} by "
                      "agency: held, cancelled and not held, and the grades given", vt,
                      view=worded(vt, _VISIT_WORDS),
                      summary=f"{tot['planned']} visits were planned in {w.twelve_months}; {tot['held']} were held "
                              f"({tot['pct_held']}% of those not cancelled) and {tot['pct_good']}% of those held were "
                              "graded good or outstanding.")
        if len(vt) > 1:
            sec.add_figure(
                "assurance_qa_visits_chart", f"Quality-assurance visits by agency, {w.twelve_months}",
                f"Stacked bar chart, one bar per agency, of the {tot['planned']} visits planned in {w.twelve_months}: "
                f"held, cancelled, and not held although the planned date had passed; {tot['held']} were held.",
                "assurance_qa_visits_by_agency",
                lambda: charts.stacked_counts(vt.iloc[:-1], "agency", ["held", "cancelled", "not_held"],
                                              names={"held": "Held", "cancelled": "Cancelled",
                                                     "not_held": "Not held (date passed)"},
                                              title="Quality-assurance visits by agency",
                                              xlabel="Visits planned (number)", source="quality-assurance visits"))
    else:
        missing_part(sec, "qa_visits")
    if actions is not None:
        at = published_comparison(action_closure(actions, p, config), "All agencies", "agency")
        tot = at.iloc[-1]
        sec.add_table("assurance_qa_actions_closure", f"Actions from quality-assurance visits closed within {CLOSE_DAYS} "
                      f"days, by agency (actions agreed {dates_words(a, b)}), and actions open at {w.end}", at,
                      view=worded(at, _ACTION_WORDS),
                      summary=f"Of {tot['agreed']} actions agreed from {dates_words(a, b)}, {tot['pct']}% were closed "
                              f"within {CLOSE_DAYS} days; {tot['open_now']} actions were open at {w.end}, "
                              f"{tot['overdue_now']} of them past their due date.")
        if len(at) > 1:
            sec.add_figure(
                "assurance_qa_actions_chart", f"Actions closed within {CLOSE_DAYS} days by agency",
                f"Dot chart, one row per agency, of the share of actions agreed from {dates_words(a, b)} that were "
                f"closed within {CLOSE_DAYS} days, with its 95% interval as a line; the dashed line is all agencies "
                f"together ({tot['pct']}%).",
                "assurance_qa_actions_closure",
                lambda: charts.shares_with_intervals(
                    at.iloc[:-1], "agency", "pct", "lower_ci", "upper_ci", reference=float(_num(tot["pct"])),
                    reference_name="All agencies", value_name="Closed within 90 days",
                    title=f"Actions closed within {CLOSE_DAYS} days, by agency",
                    xlabel=f"Actions closed within {CLOSE_DAYS} days (%)", source="quality-assurance visit actions"))
    else:
        missing_part(sec, "qa_visit_actions")
    sec.findings = _findings(sec, w, (a, b)) + sec.findings
    return sec


def findings(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> list[Finding]:
    """Findings about quality-assurance visits (rules QAV-01 to QAV-04, docs/assurance.md)."""
    return section(returns_or_tables, period, config, words).findings


def _num(v) -> float:
    from .publish import number

    return number(v)


def _findings(sec: Section, w: PeriodWords, window) -> list[Finding]:
    out: list[Finding] = []
    lens, src = "professional", "assurance"
    if "assurance_qa_visits_by_agency" in sec:
        vt = sec["assurance_qa_visits_by_agency"]
        tot = vt.iloc[-1]
        planned, held, pct = _num(tot["planned"]), _num(tot["held"]), _num(tot["pct_held"])
        if planned == 0:
            out.append(Finding("worried", f"No quality-assurance visit was planned in {w.twelve_months}.", lens, src,
                               "table assurance_qa_visits_by_agency", rule="QAV-01", weight=0.6))
        elif pd.notna(pct):
            out.append(Finding("worried" if pct < HELD_POOR else "context",
                               f"{held:.0f} of the {planned:.0f} quality-assurance visits planned in {w.twelve_months} "
                               f"were held ({pct:.1f}% of those not cancelled).", lens, src,
                               "table assurance_qa_visits_by_agency", rule="QAV-01", weight=(100 - pct) / 100))
        good = _num(tot["pct_good"])
        body = vt.iloc[:-1]
        poor = body.loc[body["inadequate"].map(_num) > 0, "agency"].tolist()
        if poor:
            out.append(Finding("worried", f"Visits graded a service inadequate in {w.twelve_months}: "
                               + ", ".join(poor) + ".", lens, src, "table assurance_qa_visits_by_agency", rule="QAV-02",
                               weight=0.7))
        if pd.notna(good):
            out.append(Finding("working_well" if good >= GOOD_SHARE else "context",
                               f"{good:.1f}% of the visits held were graded good or outstanding.", lens, src,
                               "table assurance_qa_visits_by_agency", rule="QAV-02", weight=good / 200))
    if "assurance_qa_actions_closure" in sec:
        at = sec["assurance_qa_actions_closure"]
        body, tot = at.iloc[:-1], at.iloc[-1]
        pa, diff = body["p_adjusted"].map(p_of), body["difference_pp"].map(_num)
        slow = body.loc[(pa < ALPHA) & (diff < 0)]
        for r in slow.itertuples():
            out.append(Finding(
                "worried", f"{r.agency} closed {r.pct}% of its quality-assurance actions within {CLOSE_DAYS} days "
                f"(95% interval {r.lower_ci}% to {r.upper_ci}%), against {r.pct_rest}% for the other agencies "
                f"together: {abs(_num(r.difference_pp)):.1f} points lower, more than chance would explain.",
                lens, src, "table assurance_qa_actions_closure", rule="QAV-03", weight=0.8))
        share = _num(tot["pct"])
        if pd.notna(share) and not len(slow):
            out.append(Finding("working_well" if share >= CLOSED_GOOD else "context",
                               f"{share:.1f}% of the actions from quality-assurance visits were closed within "
                               f"{CLOSE_DAYS} days, and no agency was significantly slower than the others.", lens, src,
                               "table assurance_qa_actions_closure", rule="QAV-03", weight=share / 200))
        over = body.assign(n_=body["overdue_now"].map(_num)).query("n_ > 0").sort_values("n_", ascending=False,
                                                                                          kind="mergesort")
        if len(over):
            names = "; ".join(f"{r.agency} {r.overdue_now}" for r in over.head(3).itertuples())
            out.append(Finding("needs_to_happen", f"{tot['overdue_now']} actions from quality-assurance visits were "
                               f"past their due date at {w.end} (most: {names}): the agencies should report when they "
                               "will close them.", lens, src, "table assurance_qa_actions_closure", rule="QAV-04",
                               weight=0.5))
    return out
