"""The partnership action plan: SMART actions from audits, reviews, self-assessments, scrutiny and inspection.

Every recommendation of every lens becomes an action with an owner, a due date and a status, and is
tracked until it is complete. Everything here is *as at the period end*, never as at today:

* an action is **complete** when its completion date is on or before the period end (an action the
  tracker shows as complete with no completion date counts as complete, with "on time" unknown);
  otherwise it is **open**;
* an open action is **overdue** when its due date is strictly before the period end: an action due on
  the last day of the quarter is not overdue at the end of that quarter;
* a complete action was **completed on time** when it was completed on or before its due date;
* the **ageing** of an open action is how far past its due date it is at the period end, in calendar
  days, banded: not yet due, 1-30, 31-90, 91-180, over 180 days overdue.

Actions are records about organisations, not people: their counts are published without small-number
suppression. The reference of a review-sourced action (``source_ref``) names an individual child's
review, so it is never published.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..narrative import Finding
from ..periods import Period, PeriodWords, parse_period
from ..sections import Section
from ._common import happened, in_window, needs_columns, percent, period_end, states_set_aside, tables_of

__all__ = [
    "AGEING_BANDS",
    "SOURCE_LENS",
    "SOURCE_LABELS",
    "action_status",
    "action_summary",
    "ageing",
    "overdue_actions",
    "section",
    "findings",
]

SOURCE = "the partnership's action plan register"  # where this section's numbers come from, in words

# (label, lowest days overdue, highest days overdue) for open actions; "not yet due" is <= 0.
AGEING_BANDS: tuple[tuple[str, float, float], ...] = (
    ("not yet due", -np.inf, 0),
    ("1 to 30 days overdue", 1, 30),
    ("31 to 90 days overdue", 31, 90),
    ("91 to 180 days overdue", 91, 180),
    ("over 180 days overdue", 181, np.inf),
)
AGEING_LABELS = tuple(b[0] for b in AGEING_BANDS)

# Which lens each source of an action belongs to (docs/architecture.md §1).
SOURCE_LENS = {
    "AUDIT": "professional",
    "S11": "professional",
    "S175": "professional",
    "RAPID_REVIEW": "professional",
    "LCSPR": "professional",
    "SCRUTINY": "independent",
    "INSPECTION": "independent",
}
SOURCE_LABELS = {
    "AUDIT": "Multi-agency audit",
    "S11": "Section 11 self-assessment",
    "S175": "Section 175/157 self-assessment",
    "RAPID_REVIEW": "Rapid review",
    "LCSPR": "Local child safeguarding practice review",
    "SCRUTINY": "Independent scrutiny",
    "INSPECTION": "Inspection",
}

_COLUMNS = ("action_id", "source_type", "owner_agency", "raised_date", "due_date", "status", "completed_date")


def action_status(actions: pd.DataFrame, period: str | Period) -> pd.DataFrame:
    """One row per action raised by the period end, with its state as at the period end.

    Adds ``complete``, ``open``, ``overdue`` (open and due strictly before the period end),
    ``days_overdue`` (period end minus due date, calendar days, open actions only), ``ageing_band``
    (open actions only), ``completed_on_time`` (True/False for completed actions with a date, NA
    otherwise), ``completed_in_quarter`` and ``raised_in_quarter``.
    """
    needs_columns(actions, _COLUMNS, "actions")
    end = period_end(period)
    a = actions.loc[happened(actions["raised_date"], period)].copy()
    due = pd.to_datetime(a["due_date"]).dt.normalize()
    done_date = pd.to_datetime(a["completed_date"]).dt.normalize()
    dated_complete = happened(done_date, period)
    undated_complete = done_date.isna() & a["status"].astype("string").eq("complete").fillna(False)
    a["completed_date"] = done_date.where(dated_complete)
    a["complete"] = (dated_complete | undated_complete).astype(bool)
    a["open"] = ~a["complete"]
    a["overdue"] = a["open"] & (due < end)
    days = (end - due).dt.days
    a["days_overdue"] = pd.array(np.where(a["open"], days, np.nan), dtype="Float64").astype("Int64")
    bands = pd.Series(pd.NA, index=a.index, dtype="string")
    for label, lo, hi in AGEING_BANDS:
        bands = bands.mask(a["open"] & (days >= lo) & (days <= hi), label)
    a["ageing_band"] = pd.Categorical(bands, categories=AGEING_LABELS, ordered=True)
    on_time = pd.array(np.where(dated_complete, a["completed_date"] <= due, False), dtype="boolean")
    on_time[~dated_complete.to_numpy()] = pd.NA
    a["completed_on_time"] = on_time
    a["raised_in_quarter"] = in_window(a["raised_date"], period).to_numpy()
    a["completed_in_quarter"] = in_window(a["completed_date"], period).to_numpy()
    a["lens"] = a["source_type"].map(SOURCE_LENS)
    return a.reset_index(drop=True)


def action_summary(actions: pd.DataFrame, period: str | Period, by: str = "source_type") -> pd.DataFrame:
    """Counts of actions by ``by`` (``source_type``, ``owner_agency`` or ``lens``), with an "All" row.

    Columns: ``raised`` (by the period end), ``raised_in_quarter``, ``open``, ``overdue``,
    ``pct_overdue`` (of open), ``completed``, ``completed_in_quarter``, ``completed_with_date``,
    ``completed_on_time``, ``pct_on_time`` (of completed with a date).
    """
    s = action_status(actions, period)
    if by not in s.columns:
        raise ValueError(f"actions cannot be grouped by {by!r}")
    s = s.assign(
        raised=1,
        completed_with_date=s["completed_on_time"].notna(),
        completed_on_time_n=s["completed_on_time"].fillna(False).astype(bool),
    )
    cols = {"raised": "raised", "raised_in_quarter": "raised_in_quarter", "open": "open", "overdue": "overdue",
            "complete": "completed", "completed_in_quarter": "completed_in_quarter",
            "completed_with_date": "completed_with_date", "completed_on_time_n": "completed_on_time"}
    num = s[list(cols)].astype(int).rename(columns=cols)
    num[by] = s[by].astype("string")
    grouped = num.groupby(by, sort=True).sum()
    total = num.drop(columns=by).sum().to_frame("All actions").T
    out = pd.concat([grouped, total])
    out.index.name = by
    out = out.reset_index()
    out["pct_overdue"] = percent(out["overdue"], out["open"])
    out["pct_on_time"] = percent(out["completed_on_time"], out["completed_with_date"])
    order = [by, "raised", "raised_in_quarter", "open", "overdue", "pct_overdue", "completed",
             "completed_in_quarter", "completed_with_date", "completed_on_time", "pct_on_time"]
    return out[order]


def ageing(actions: pd.DataFrame, period: str | Period, by: str | None = None) -> pd.DataFrame:
    """Open actions at the period end by ageing band (rows), optionally split by ``by`` (columns).

    Every band appears, with 0 where no action falls in it.
    """
    s = action_status(actions, period)
    s = s.loc[s["open"]]
    if by is None:
        counts = s["ageing_band"].value_counts(sort=False).reindex(list(AGEING_LABELS), fill_value=0)
        out = counts.rename("open_actions").rename_axis("ageing_band").reset_index()
        return out
    tab = pd.crosstab(s["ageing_band"], s[by].astype("string"), dropna=False)
    tab = tab.reindex(list(AGEING_LABELS), fill_value=0)
    tab["All"] = tab.sum(axis=1)
    tab.columns.name = None
    return tab.rename_axis("ageing_band").reset_index()


def overdue_actions(actions: pd.DataFrame, period: str | Period) -> pd.DataFrame:
    """The overdue actions at the period end, most overdue first (no source references)."""
    s = action_status(actions, period)
    s = s.loc[s["overdue"]].copy()
    s["source"] = s["source_type"].map(SOURCE_LABELS).fillna(s["source_type"])
    cols = ["action_id", "source", "owner_agency", "raised_date", "due_date", "days_overdue", "ageing_band"]
    if "description" in s.columns:
        cols.append("description")
    s = s.sort_values(["days_overdue", "action_id"], ascending=[False, True], kind="mergesort")
    out = s[cols].reset_index(drop=True)
    for c in ("raised_date", "due_date"):
        out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d")
    out["ageing_band"] = out["ageing_band"].astype("string")
    return out


# --- publication -----------------------------------------------------------------------------------

_PCT = {"pct_overdue": 1, "pct_on_time": 1}


@states_set_aside("actions")
def section(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> Section:
    """The action plan section (lens: professional; inspection and scrutiny actions also under independent)."""
    from ..charts import assurance as assurance_charts
    from .publish import format_only

    tables = tables_of(returns_or_tables)
    p = parse_period(period)
    w = words or PeriodWords.quarter(p)
    sec = Section("actions", "The partnership action plan", "professional", period=w.label, source=SOURCE,
                  window="every action raised by the period end, as it stood at the period end")
    actions = tables.get("actions")
    if actions is None:
        return sec.missing("actions")
    by_source = action_summary(actions, p, "source_type")
    by_source.insert(1, "source", by_source["source_type"].map(SOURCE_LABELS).fillna("All sources"))
    by_source.insert(2, "lens", by_source["source_type"].map(SOURCE_LENS).fillna("all"))
    sec.add_table("assurance_actions_by_source", f"Actions by source at {w.end}", format_only(by_source, _PCT))
    sec.add_table("assurance_actions_by_owner", f"Actions by owning agency at {w.end}",
            format_only(action_summary(actions, p, "owner_agency"), _PCT))
    ind = by_source.loc[by_source["lens"] == "independent"]
    sec.add_table("assurance_actions_independent", "Actions from inspection and independent scrutiny: progress at "
            f"{w.end}", format_only(ind, _PCT), lens="independent")
    age = ageing(actions, p, by="source_type")
    age = age.rename(columns={k: v for k, v in SOURCE_LABELS.items() if k in age.columns})
    sec.add_table("assurance_actions_ageing", f"Open actions by time past their due date at {w.end}", age)
    sec.add_table("assurance_actions_overdue", f"Overdue actions at {w.end}, most overdue first",
            overdue_actions(actions, p))
    total = age["All"]
    overdue = int(total.iloc[1:].sum())
    sec.add_figure(
        "assurance_actions_ageing_chart", f"Open actions by time past their due date, at {w.end}",
        f"Stacked column chart of the {int(total.sum())} actions open at {w.end}, by how far past their "
        f"due date they were (not yet due, then 1 to 30, 31 to 90, 91 to 180 and over 180 days overdue), coloured by "
        f"where the action came from; {overdue} were overdue and {int(total.iloc[0])} not yet due.",
        "assurance_actions_ageing",
        lambda: assurance_charts.action_ageing(age, title="Open actions by ageing", source="partnership action plan"),
    )
    sec.findings = findings(tables, p, config)
    return sec


# --- findings ---------------------------------------------------------------------------------------

ON_TIME_GOOD = 80.0  # % of actions completed on time at or above which completion is "working well"
ON_TIME_POOR = 60.0  # below which it is a worry
MIN_COMPLETED = 10  # fewer completed actions than this and the on-time share is not judged


def findings(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> list[Finding]:
    """Findings about the action plan (rules ACT-01 to ACT-04, docs/assurance.md)."""
    tables = tables_of(returns_or_tables)
    actions = tables.get("actions")
    if actions is None or actions.empty:
        return []
    p = parse_period(period)
    w = words or PeriodWords.quarter(p)
    s = action_status(actions, p)
    summ = action_summary(actions, p).set_index("source_type").loc["All actions"]
    out: list[Finding] = []
    n_open, n_over = int(summ["open"]), int(summ["overdue"])
    if n_over:
        oldest = int(s.loc[s["overdue"], "days_overdue"].max())
        out.append(Finding(
            "worried",
            f"{n_over} of {n_open} open actions were overdue at {w.end} "
            f"({summ['pct_overdue']:.1f}%); the oldest was {oldest} days past its due date.",
            "professional", "assurance", "table assurance_actions_by_source", rule="ACT-01",
            weight=float(summ["pct_overdue"]) / 100,
        ))
        per_owner = s.loc[s["overdue"]].groupby("owner_agency").size().sort_values(ascending=False, kind="mergesort")
        owners = ", ".join(f"{k} ({v})" for k, v in per_owner.items())
        out.append(Finding(
            "needs_to_happen",
            f"Owners of overdue actions to report progress or agree revised dates at the next subgroup: {owners}.",
            "professional", "assurance", "table assurance_actions_overdue", rule="ACT-02", weight=0.5,
        ))
    elif n_open:
        out.append(Finding(
            "working_well",
            f"None of the {n_open} open actions was overdue at {w.end}.",
            "professional", "assurance", "table assurance_actions_by_source", rule="ACT-01", weight=0.4,
        ))
    n_dated = int(summ["completed_with_date"])
    if n_dated >= MIN_COMPLETED:
        pct = float(summ["pct_on_time"])
        text = (f"{int(summ['completed_on_time'])} of {n_dated} completed actions ({pct:.1f}%) were completed "
                "on or before their due date.")
        if pct >= ON_TIME_GOOD:
            out.append(Finding("working_well", text, "professional", "assurance",
                               "table assurance_actions_by_source", rule="ACT-03", weight=pct / 100))
        elif pct < ON_TIME_POOR:
            out.append(Finding("worried", text, "professional", "assurance",
                               "table assurance_actions_by_source", rule="ACT-03", weight=1 - pct / 100))
        else:
            out.append(Finding("context", text, "professional", "assurance",
                               "table assurance_actions_by_source", rule="ACT-03"))
    long_overdue = int((s["overdue"] & (s["days_overdue"] > 180)).sum())
    if long_overdue:
        out.append(Finding(
            "needs_to_happen",
            f"{long_overdue} action{'s have' if long_overdue != 1 else ' has'} been overdue for more than six months: "
            "the partnership should decide whether each is still the right action, and escalate or close it.",
            "professional", "assurance", "figure assurance_actions_ageing_chart", rule="ACT-04", weight=0.6,
        ))
    return out
