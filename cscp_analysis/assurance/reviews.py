"""Rapid reviews and local child safeguarding practice reviews (Working Together 2023, chapter 5).

When a child dies or is seriously harmed and abuse or neglect is known or suspected, the local
authority notifies the Child Safeguarding Practice Review Panel; the safeguarding partners then
complete a **rapid review** and send it, with their decision, to the national panel "within 15 working
days" of becoming aware of the incident. Where they decide on a **local child safeguarding practice
review** (LCSPR), it is commissioned and should be published (Working Together: within six months of
the decision); the register holds the date each is due.

Rules (docs/assurance.md):

* working days are counted with :func:`cscp_analysis.periods.working_days_between`: from the
  notification date to the date the rapid review was completed, the notification day not counted,
  Saturdays, Sundays and England and Wales bank holidays not counted. "Within 15 working days" means
  that count is 15 or fewer; the last day allowed is ``add_working_days(notification, 15)``;
* a rapid review not completed by the period end is *pending*; it is *pending and overdue* when more
  than 15 working days have passed by the period end;
* an LCSPR is *overdue* when it was commissioned, is not published by the period end, and its due date
  is strictly before the period end;
* the registers are small: notifications, decisions and themes are counted over **the twelve months
  to the period end** (rolling), LCSPRs as they stand at the period end.

These are records about individual children. Review identifiers are never published, and every
published count goes through small-number suppression.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..narrative import Finding
from ..periods import Period, PeriodWords, add_working_days, parse_period, working_days_between
from ..sections import Section
from ._common import (
    ROLLING,
    happened,
    in_window,
    needs_columns,
    period_end,
    split_list,
    states_set_aside,
    tables_of,
)

__all__ = [
    "RAPID_REVIEW_WORKING_DAYS",
    "DECISIONS",
    "rapid_review_status",
    "review_summary",
    "lcspr_status",
    "learning_themes",
    "rolling_series",
    "section",
    "findings",
]

SOURCE = "the partnership's register of serious incident notifications, rapid reviews and practice reviews"  # where this section's numbers come from, in words

RAPID_REVIEW_WORKING_DAYS = 15
DECISIONS = {
    "LCSPR": "Local child safeguarding practice review",
    "NATIONAL": "National review (referred to the panel)",
    "NO_REVIEW": "No further review",
    "PENDING": "Decision pending",
}
STATUS = ("within 15 working days", "later than 15 working days", "pending, not yet due", "pending and overdue")


def rapid_review_status(reviews: pd.DataFrame, period: str | Period, window: str = ROLLING) -> pd.DataFrame:
    """One row per serious incident notified in the window, with its rapid-review timeliness.

    Adds ``due_date`` (the 15th working day after notification), ``working_days`` (notification to
    completion; blank while pending), ``within_15`` (True/False, NA while pending),
    ``working_days_so_far`` (to the period end, for pending reviews) and ``status``.
    For internal use: it names reviews, so it is never published.
    """
    needs_columns(reviews, ("review_id", "notification_date", "rapid_review_date", "decision"), "reviews")
    p = parse_period(period)
    end = period_end(p)
    r = reviews.loc[in_window(reviews["notification_date"], p, window)].copy()
    r["notification_date"] = pd.to_datetime(r["notification_date"]).dt.normalize()
    done = happened(r["rapid_review_date"], p)
    r["rapid_review_date"] = pd.to_datetime(r["rapid_review_date"]).dt.normalize().where(done)
    r["decision"] = r["decision"].astype("string").where(done, "PENDING")
    if len(r):
        r["due_date"] = pd.to_datetime(add_working_days(r["notification_date"].to_numpy(), RAPID_REVIEW_WORKING_DAYS))
        wd = working_days_between(r["notification_date"].to_numpy(), r["rapid_review_date"].to_numpy())
        so_far = working_days_between(r["notification_date"].to_numpy(), np.repeat(np.datetime64(end.date()), len(r)))
    else:
        r["due_date"] = pd.Series(dtype="datetime64[ns]")
        wd = so_far = np.array([], dtype=float)
    r["working_days"] = pd.array(wd, dtype="Float64").astype("Int64")
    within = pd.array(np.asarray(wd) <= RAPID_REVIEW_WORKING_DAYS, dtype="boolean")
    within[~done.to_numpy()] = pd.NA
    r["within_15"] = within
    r["working_days_so_far"] = pd.array(np.where(done, np.nan, so_far), dtype="Float64").astype("Int64")
    status = np.select(
        [done.to_numpy() & (np.asarray(wd) <= RAPID_REVIEW_WORKING_DAYS), done.to_numpy(),
         np.asarray(so_far) <= RAPID_REVIEW_WORKING_DAYS],
        [STATUS[0], STATUS[1], STATUS[2]],
        STATUS[3],
    )
    r["status"] = pd.Categorical(status, categories=STATUS)
    return r.reset_index(drop=True)


def review_summary(reviews: pd.DataFrame, period: str | Period, window: str = ROLLING) -> pd.DataFrame:
    """Counts for the window: notifications, rapid-review timeliness and decisions.

    Returns a tidy table with columns ``group`` ("timeliness" or "decision"), ``measure`` and
    ``reviews``; each group's rows add up to the notifications in the window (the "Notifications"
    row of each group), so that the table can be protected by secondary suppression group by group.
    """
    s = rapid_review_status(reviews, period, window)
    n = len(s)
    timeliness = s["status"].value_counts(sort=False).reindex(list(STATUS), fill_value=0)
    decisions = s["decision"].value_counts().reindex(list(DECISIONS), fill_value=0)
    rows = [("timeliness", "Serious incidents notified", n)]
    rows += [("timeliness", f"Rapid review {k}", int(v)) for k, v in timeliness.items()]
    rows += [("decision", "Serious incidents notified", n)]
    rows += [("decision", DECISIONS[k], int(v)) for k, v in decisions.items()]
    return pd.DataFrame(rows, columns=["group", "measure", "reviews"])


def lcspr_status(reviews: pd.DataFrame, period: str | Period) -> pd.DataFrame:
    """Local practice reviews as they stand at the period end.

    Counts: ``commissioned`` (to date), ``commissioned_in_window`` (twelve months), ``published_in_window``,
    ``in_progress`` (commissioned, not published), ``overdue`` (in progress with due date strictly
    before the period end), ``published_late`` (in the window, after the due date).
    """
    needs_columns(reviews, ("lcspr_commissioned_date", "lcspr_due_date", "lcspr_published_date"), "reviews")
    p = parse_period(period)
    end = period_end(p)
    commissioned = happened(reviews["lcspr_commissioned_date"], p)
    published = happened(reviews["lcspr_published_date"], p) & commissioned
    due = pd.to_datetime(reviews["lcspr_due_date"]).dt.normalize()
    pub_date = pd.to_datetime(reviews["lcspr_published_date"]).dt.normalize()
    in_progress = commissioned & ~published
    pub_window = published & in_window(pub_date, p, ROLLING)
    rows = [
        ("Commissioned (to date)", int(commissioned.sum())),
        ("Commissioned in the last twelve months", int((commissioned & in_window(reviews["lcspr_commissioned_date"], p, ROLLING)).sum())),
        ("Published in the last twelve months", int(pub_window.sum())),
        ("Published in the last twelve months after the due date", int((pub_window & (pub_date > due)).sum())),
        ("In progress at the period end", int(in_progress.sum())),
        ("In progress and past the due date", int((in_progress & (due < end)).sum())),
    ]
    return pd.DataFrame(rows, columns=["measure", "reviews"])


def learning_themes(reviews: pd.DataFrame, period: str | Period, window: str = ROLLING) -> pd.DataFrame:
    """Learning themes of the reviews notified in the window: theme and number of reviews naming it."""
    needs_columns(reviews, ("themes", "notification_date"), "reviews")
    r = reviews.loc[in_window(reviews["notification_date"], period, window)]
    themes = split_list(r["themes"])
    # a review naming a theme twice counts once
    pairs = pd.DataFrame({"row": themes.index, "theme": themes.to_numpy()}).drop_duplicates()
    counts = pairs["theme"].value_counts()
    out = counts.rename("reviews").rename_axis("theme").reset_index()
    return out.sort_values(["reviews", "theme"], ascending=[False, True], kind="mergesort").reset_index(drop=True)


def rolling_series(reviews: pd.DataFrame, period: str | Period, quarters: int = 8) -> pd.DataFrame:
    """Rolling twelve-month counts at each of the last ``quarters`` quarter ends (oldest first).

    Columns: ``period``, ``notified``, ``completed``, ``within_15``, ``late`` (completed later than 15
    working days) and ``pending``, each over the twelve months to that quarter's end, as at that
    quarter's end.
    """
    p = parse_period(period)
    rows = []
    for q in p.rolling_quarters(quarters):
        s = rapid_review_status(reviews, q, ROLLING)
        rows.append({
            "period": q.label,
            "notified": len(s),
            "completed": int(s["within_15"].notna().sum()),
            "within_15": int(s["within_15"].fillna(False).astype(bool).sum()),
            "late": int((s["within_15"] == False).fillna(False).astype(bool).sum()),  # noqa: E712
            "pending": int(s["within_15"].isna().sum()),
        })
    return pd.DataFrame(rows)


# --- publication and findings ------------------------------------------------------------------------

_SUMMARY_TOTAL = "Serious incidents notified"


@states_set_aside("reviews")
def section(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> Section:
    """The reviews section: timeliness, decisions, practice reviews and themes (lens: professional)."""
    from ..charts import assurance as assurance_charts
    from .publish import publish

    tables = tables_of(returns_or_tables)
    p = parse_period(period)
    w = words or PeriodWords.quarter(p)
    sec = Section("reviews", "Rapid reviews and local child safeguarding practice reviews", "professional", period=w.label, source=SOURCE,
                  window="serious incidents notified in the twelve months to the period end; practice reviews as they stood "
                  "at the period end")
    reviews = tables.get("reviews")
    if reviews is None:
        return sec.missing("reviews")
    sec.add_table("assurance_reviews_summary", f"Rapid reviews: timeliness and decisions, {w.twelve_months}",
            publish(review_summary(reviews, p), ["reviews"], config, by="group",
                    total_row=("measure", _SUMMARY_TOTAL), own_work=True).table, counts=["reviews"], own_work=True)
    sec.add_table("assurance_lcspr_status", f"Local child safeguarding practice reviews at {w.end}",
            publish(lcspr_status(reviews, p), ["reviews"], config, own_work=True).table, counts=["reviews"],
            own_work=True)
    sec.add_table("assurance_reviews_themes", f"Learning themes of reviews notified in {w.twelve_months}",
            publish(learning_themes(reviews, p), ["reviews"], config, own_work=True).table, counts=["reviews"],
            own_work=True)
    series = rolling_series(reviews, p)[["period", "notified", "within_15", "late", "pending"]]
    rolling = sec.add_table("assurance_reviews_rolling", "Rolling twelve-month notifications and rapid-review timeliness at "
                      "each quarter end", publish(series, ["notified", "within_15", "late", "pending"], config,
                                                  total_column="notified", by="period", own_work=True).table,
                      counts=["notified", "within_15", "late", "pending"], own_work=True)
    last = rolling.iloc[-1]
    sec.add_figure(
        "assurance_reviews_chart", "Serious incidents notified and rapid reviews within 15 working days, rolling "
        "twelve months",
        f"Line chart of the rolling twelve-month number of serious incidents notified and of rapid reviews completed "
        f"within 15 working days, at each of the last {len(rolling)} quarter ends; at {w.end} the figures "
        f"were {last['notified']} and {last['within_15']} (c marks a number too small to publish).",
        "assurance_reviews_rolling",
        lambda: assurance_charts.review_timeliness(rolling, title="Rapid reviews, rolling twelve months",
                                     source="rapid review register"),
    )
    sec.findings = _findings(sec, reviews, p, config, w)
    return sec


def findings(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> list[Finding]:
    """Findings about rapid reviews and practice reviews (rules REV-01 to REV-04, docs/assurance.md).

    Numbers are quoted only as the published tables show them; where a count that matters is too small
    to publish (a late rapid review, an overdue LCSPR), the sentence says there was at least one.
    """
    return section(returns_or_tables, period, config, words).findings


def _findings(sec, reviews: pd.DataFrame, p: Period, config, w: PeriodWords) -> list[Finding]:
    from .publish import number

    summ = sec["assurance_reviews_summary"]
    timely = summ.loc[summ["group"] == "timeliness"].set_index("measure")["reviews"].map(number)
    s = rapid_review_status(reviews, p)
    out: list[Finding] = []
    n = len(s)
    done = int(s["within_15"].notna().sum())
    within = int(s["within_15"].fillna(False).astype(bool).sum())
    late = done - within
    overdue_pending = int((s["status"] == STATUS[3]).sum())
    shown_within, shown_late = timely[f"Rapid review {STATUS[0]}"], timely[f"Rapid review {STATUS[1]}"]
    ev = "table assurance_reviews_summary"
    if n == 0:
        out.append(Finding("context", "No serious incidents were notified to the national panel in "
                           f"{w.twelve_months}.", "professional", "assurance", ev, priority="P4", rule="REV-01"))
    elif done and late == 0 and overdue_pending == 0:
        what = f"All {shown_within:.0f} rapid reviews" if pd.notna(shown_within) else "Every rapid review"
        out.append(Finding("working_well", f"{what} completed in {w.twelve_months} "
                           f"{'were' if pd.notna(shown_within) else 'was'} sent to the national panel within 15 working "
                           "days of the notification.", "professional", "assurance", ev, priority="P4", rule="REV-01",
                           weight=0.6))
    else:
        if late:
            if pd.notna(shown_late) and pd.notna(shown_within):
                text = (f"{shown_late:.0f} of {shown_late + shown_within:.0f} rapid reviews completed in "
                        f"{w.twelve_months} took longer than 15 working days.")
            else:
                text = (f"At least one rapid review completed in {w.twelve_months} took longer "
                        "than 15 working days (the numbers are too small to publish).")
            out.append(Finding("worried", text, "professional", "assurance", ev, priority="P4", rule="REV-01",
                               weight=0.7))
        if overdue_pending:
            shown = timely[f"Rapid review {STATUS[3]}"]
            who = (f"{shown:.0f} rapid review{'s were' if shown != 1 else ' was'}" if pd.notna(shown)
                   else "At least one rapid review was")
            out.append(Finding("worried", f"{who} still outstanding more than 15 working days "
                               f"after notification at {w.end}.", "professional", "assurance", ev,
                               priority="P4", rule="REV-02", weight=0.8))
    ls = lcspr_status(reviews, p).set_index("measure")["reviews"]
    if int(ls["In progress and past the due date"]):
        shown = number(sec["assurance_lcspr_status"].set_index("measure")["reviews"]["In progress and past the due date"])
        who = (f"{shown:.0f} local child safeguarding practice review{'s were' if shown != 1 else ' was'}"
               if pd.notna(shown) else "At least one local child safeguarding practice review was")
        out.append(Finding(
            "needs_to_happen",
            f"{who} past {'their' if pd.notna(shown) and shown != 1 else 'its'} publication date at "
            f"{w.end}: the partners should agree a revised date and tell the national panel.",
            "professional", "assurance", "table assurance_lcspr_status", priority="P4", rule="REV-03", weight=0.8,
        ))
    themes = learning_themes(reviews, p)
    if len(themes):
        top = themes.loc[themes["reviews"] == themes["reviews"].max(), "theme"].tolist()
        out.append(Finding(
            "context",
            f"The most frequent learning theme{'s' if len(top) > 1 else ''} in reviews of the last twelve months: "
            f"{', '.join(top)}.",
            "professional", "assurance", "table assurance_reviews_themes", priority="P4", rule="REV-04",
        ))
    return out
