"""Provider lens: allegations against people who work with children, managed by the LADO.

Working Together to Safeguard Children 2023 (chapter 2) and Keeping Children Safe in Education
(Part 4) set out how allegations against people who work with children are referred to the Local
Authority Designated Officer (LADO). The measures here (docs/assurance.md):

* **In the period**: allegations *received* in **the twelve months to the period end** (a quarter
  split by sector and outcome is too thin to publish), as they stood at the period end: an allegation
  concluded after the period end is ongoing.
* **Initial consideration within one working day**: ``working_days_between(date received, date of
  initial consideration) <= 1`` (the day of receipt not counted; weekends and bank holidays not
  counted), as a share of all allegations received; one with no initial consideration recorded by the
  period end counts as not within (two bands only, so that the share survives suppression; the cost is
  that an allegation received on the last working day and considered the next is counted against). Employers must refer to the LADO within one working day (Working Together 2023 ch. 2;
  KCSIE Part 4); LADO practice guidance asks the LADO to consider each referral within one working
  day of receipt.
* **Time to conclusion** in calendar months from receipt, in bands: within one month (concluded on or
  before the same date of the next month, month ends clipped: 31 January + 1 month = 28 February),
  one to three months, three to twelve months, over twelve months; and ongoing allegations by how long
  they have been open at the period end. The bands follow the target timescales of DfE's earlier
  allegations guidance (80% resolved within one month, 90% within three months, all but the most
  exceptional within twelve months), which LADO annual reports still use; current KCSIE asks for
  cases to be resolved "as quickly as possible" without fixed timescales.

Each row concerns an individual member of staff and, behind them, a child: every published count
goes through small-number suppression (primary and secondary), and no percentage is drawn from a
suppressed count.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..narrative import Finding
from ..periods import Period, PeriodWords, parse_period, working_days_between
from ..sections import Section
from ._common import (
    ROLLING,
    TO_DATE,
    happened,
    in_window,
    needs_columns,
    percent,
    period_end,
    states_set_aside,
    tables_of,
)

__all__ = [
    "SECTORS",
    "SECTOR_LABELS",
    "OUTCOMES",
    "CONCLUSION_BANDS",
    "IC_BANDS",
    "allegation_status",
    "by_sector",
    "timeliness",
    "timeliness_rates",
    "section",
    "findings",
]

SOURCE = "the LADO's register of allegations"  # where this section's numbers come from, in words

SECTORS = ("education", "early_years", "health", "social_care", "police", "faith", "sport", "transport", "other")
SECTOR_LABELS = {
    "education": "Education", "early_years": "Early years", "health": "Health", "social_care": "Social care",
    "police": "Police", "faith": "Faith groups", "sport": "Sport and leisure", "transport": "Transport", "other": "Other",
}
OUTCOMES = ("substantiated", "unsubstantiated", "unfounded", "false", "malicious", "ongoing")
CATEGORIES = ("physical", "sexual", "emotional", "neglect", "suitability")
IC_BANDS = ("within 1 working day", "not within 1 working day")
CONCLUSION_BANDS = (
    "concluded within 1 month",
    "concluded in 1 to 3 months",
    "concluded in 3 to 12 months",
    "concluded after 12 months",
    "ongoing, open up to 3 months",
    "ongoing, open 3 to 12 months",
    "ongoing, open over 12 months",
)
IC_WORKING_DAYS = 1


def allegation_status(lado: pd.DataFrame, period: str | Period, window: str = ROLLING) -> pd.DataFrame:
    """One row per allegation received in the window, with its timeliness as at the period end.

    Adds ``ic_working_days`` (blank when no initial consideration is recorded by the period end),
    ``ic_band`` (one of ``IC_BANDS``: an allegation with no initial consideration recorded by the period
    end is "not within 1 working day"), ``concluded`` and ``conclusion_band`` (one of
    ``CONCLUSION_BANDS``). Internal: it holds one row per person.
    """
    needs_columns(lado, ("allegation_id", "date_received", "employer_sector", "outcome",
                         "initial_consideration_date", "date_concluded"), "lado")
    p = parse_period(period)
    end = period_end(p)
    a = lado.loc[in_window(lado["date_received"], p, window)].copy()
    rec = pd.to_datetime(a["date_received"]).dt.normalize()
    ic = pd.to_datetime(a["initial_consideration_date"]).dt.normalize().where(happened(a["initial_consideration_date"], p))
    done = pd.to_datetime(a["date_concluded"]).dt.normalize().where(happened(a["date_concluded"], p))
    a["outcome"] = a["outcome"].astype("string").where(done.notna(), "ongoing")
    a["date_concluded"] = done
    a["initial_consideration_date"] = ic
    wd = working_days_between(rec.to_numpy(), ic.to_numpy()) if len(a) else np.array([], dtype=float)
    a["ic_working_days"] = pd.array(wd, dtype="Float64").astype("Int64")
    within = ic.notna().to_numpy() & (np.asarray(wd) <= IC_WORKING_DAYS)
    a["ic_band"] = pd.Categorical(np.where(within, IC_BANDS[0], IC_BANDS[1]), categories=IC_BANDS)
    one, three, twelve = (rec + pd.DateOffset(months=m) for m in (1, 3, 12))
    concluded = done.notna()
    a["concluded"] = concluded
    band = np.select(
        [concluded & (done <= one), concluded & (done <= three), concluded & (done <= twelve), concluded,
         end <= three, end <= twelve],
        list(CONCLUSION_BANDS[:6]),
        CONCLUSION_BANDS[6],
    )
    a["conclusion_band"] = pd.Categorical(band, categories=CONCLUSION_BANDS)
    return a.reset_index(drop=True)


def by_sector(lado: pd.DataFrame, period: str | Period, column: str = "outcome", window: str = ROLLING) -> pd.DataFrame:
    """Allegations received in the window: employer sector (rows) by ``column`` (columns), with totals.

    ``column`` is ``outcome``, ``allegation_category``, ``threshold_met``, ``ic_band`` or
    ``conclusion_band``. Every sector and every category appears (0 where none); the last row is "All"
    and the last column "total".
    """
    a = allegation_status(lado, period, window)
    cats = {"outcome": OUTCOMES, "allegation_category": CATEGORIES, "threshold_met": ("Y", "N"),
            "ic_band": IC_BANDS, "conclusion_band": CONCLUSION_BANDS}.get(column)
    if cats is None:
        raise ValueError(f"cannot split allegations by {column!r}")
    sector = pd.Categorical(a["employer_sector"].astype("string"), categories=list(SECTORS))
    value = pd.Categorical(a[column].astype("string"), categories=list(cats))
    tab = pd.crosstab(sector, value, dropna=False).reindex(index=list(SECTORS), columns=list(cats), fill_value=0)
    tab.columns = list(cats)
    tab["total"] = tab.sum(axis=1)
    tab.loc["All"] = tab.sum(axis=0)
    tab.index.name = "employer_sector"
    out = tab.reset_index()
    out["employer_sector"] = out["employer_sector"].map(lambda s: SECTOR_LABELS.get(s, s))
    return out


def timeliness(lado: pd.DataFrame, period: str | Period, window: str = ROLLING) -> pd.DataFrame:
    """Counts of allegations in each timeliness band, in two partitions that each add up to the total.

    Columns: ``measure`` ("initial consideration" or "conclusion"), ``band``, ``allegations``; each
    measure starts with its "All allegations" row.
    """
    a = allegation_status(lado, period, window)
    rows = []
    for measure, col, bands in (("initial consideration", "ic_band", IC_BANDS),
                                ("conclusion", "conclusion_band", CONCLUSION_BANDS)):
        counts = a[col].value_counts(sort=False).reindex(list(bands), fill_value=0)
        rows.append((measure, "All allegations", len(a)))
        rows += [(measure, b, int(n)) for b, n in counts.items()]
    return pd.DataFrame(rows, columns=["measure", "band", "allegations"])


def timeliness_rates(table: pd.DataFrame) -> pd.DataFrame:
    """Headline percentages from a (possibly suppressed) :func:`timeliness` table.

    One row per measure: ``measure``, ``pct`` and ``of`` (its denominator in words). A percentage is
    NaN when any count it needs is not a number (suppressed), so it is never drawn from a suppressed count.
    """
    from .publish import number

    v = table.drop_duplicates("band").set_index("band")["allegations"].map(number)

    def get(band):
        return v.get(band, np.nan)

    received = get(IC_BANDS[0]) + get(IC_BANDS[1])
    conc = sum(get(b) for b in CONCLUSION_BANDS[:4])
    rows = [
        ("Initial consideration within 1 working day", percent(get(IC_BANDS[0]), received)[0],
         "allegations received"),
        ("Concluded within 1 month", percent(get(CONCLUSION_BANDS[0]), conc)[0], "allegations concluded"),
        ("Concluded within 3 months", percent(get(CONCLUSION_BANDS[0]) + get(CONCLUSION_BANDS[1]), conc)[0],
         "allegations concluded"),
        ("Concluded within 12 months", percent(sum(get(b) for b in CONCLUSION_BANDS[:3]), conc)[0],
         "allegations concluded"),
    ]
    return pd.DataFrame(rows, columns=["measure", "pct", "of"])


# --- publication and findings ------------------------------------------------------------------------

IC_GOOD, IC_POOR = 90.0, 75.0
TARGET_1_MONTH, TARGET_3_MONTHS = 80.0, 90.0
_SECTOR_COUNTS = [*OUTCOMES, "total"]


@states_set_aside("lado")
def section(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> Section:
    """The LADO section: allegations by sector and outcome, and timeliness (lens: provider)."""
    from ..charts import assurance as assurance_charts
    from .publish import format_only, publish

    tables = tables_of(returns_or_tables)
    p = parse_period(period)
    w = words or PeriodWords.quarter(p)
    sec = Section("lado", "Allegations against people who work with children (LADO)", "provider", period=w.label, source=SOURCE,
                  window="allegations received in the twelve months to the period end, as they stood at the period end")
    lado = tables.get("lado")
    if lado is None:
        return sec.missing("lado")
    sector = sec.add_table("assurance_lado_by_sector", f"LADO allegations by employer sector and outcome, "
                     f"{w.twelve_months}", publish(by_sector(lado, p), _SECTOR_COUNTS, config,
                                                       total_row=("employer_sector", "All"), total_column="total",
                                                       own_work=True).table,
                     counts=_SECTOR_COUNTS, own_work=True)
    tl = sec.add_table("assurance_lado_timeliness", f"LADO timeliness: initial consideration and time to conclusion, "
                 f"{w.twelve_months}", publish(timeliness(lado, p), ["allegations"], config, by="measure",
                                                             total_row=("band", "All allegations"),
                                                             own_work=True).table,
                 counts=["allegations"], own_work=True)
    rates = timeliness_rates(tl)
    shown = format_only(rates, {"pct": 1})
    shown["pct"] = shown["pct"].replace({"x": "c"})
    sec.add_table("assurance_lado_timeliness_rates", "LADO timeliness: headline percentages (from published counts only)",
            shown)
    total = sector.iloc[-1]["total"]
    top = sector.iloc[:-1].assign(n_=sector["total"].iloc[:-1].map(_num)).sort_values("n_", ascending=False,
                                                                                        kind="mergesort").iloc[0]
    sec.add_figure(
        "assurance_lado_chart", f"LADO allegations by employer sector, {w.twelve_months}",
        f"Horizontal bar chart of the {total} allegations referred to the LADO in "
        f"{w.twelve_months}, one bar per employer sector; the largest is {top['employer_sector']} with {top['total']} "
        "(c marks a number too small to publish).",
        "assurance_lado_by_sector",
        lambda: assurance_charts.sector_bars(sector, title="LADO allegations by employer sector", source="LADO register"),
        lens="provider",
    )
    sec.findings = _findings(sec, lado, p, w)
    return sec


def _num(v) -> float:
    from .publish import number

    return number(v)


def findings(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> list[Finding]:
    """Findings about LADO allegations (rules LAD-01 to LAD-04, docs/assurance.md), from published counts only."""
    return section(returns_or_tables, period, config, words).findings


def _findings(sec, lado: pd.DataFrame, p: Period, w: PeriodWords) -> list[Finding]:
    out: list[Finding] = []
    sector = sec["assurance_lado_by_sector"]
    n = _num(sector.iloc[-1]["total"])
    if pd.isna(n) or n == 0:
        return [Finding("context", f"Too few allegations were referred to the LADO in "
                        f"{w.twelve_months} to publish any breakdown.", "provider", "assurance", "table assurance_lado_by_sector",
                        rule="LAD-01")]
    body = sector.iloc[:-1].assign(n_=sector["total"].iloc[:-1].map(_num)).dropna(subset=["n_"])
    top = body.sort_values("n_", ascending=False, kind="mergesort").head(2)
    shares = "; ".join(f"{r.employer_sector} {r.n_:.0f} ({100 * r.n_ / n:.1f}%)" for r in top.itertuples())
    out.append(Finding("context", f"{n:.0f} allegations were referred to the LADO in "
                       f"{w.twelve_months}; the largest sectors: {shares}.", "provider", "assurance",
                       "table assurance_lado_by_sector", rule="LAD-01"))
    rates = sec["assurance_lado_timeliness_rates"].set_index("measure")["pct"].map(_num)
    ic = rates["Initial consideration within 1 working day"]
    if pd.notna(ic):
        kind = "working_well" if ic >= IC_GOOD else "worried" if ic < IC_POOR else "context"
        out.append(Finding(kind, f"{ic:.1f}% of allegations had the LADO's initial consideration within one working day "
                           "of receipt.", "provider", "assurance", "table assurance_lado_timeliness_rates",
                           rule="LAD-02", weight=abs(ic - IC_POOR) / 100))
    m1, m3 = rates["Concluded within 1 month"], rates["Concluded within 3 months"]
    if pd.notna(m1) and pd.notna(m3):
        met = m1 >= TARGET_1_MONTH and m3 >= TARGET_3_MONTHS
        out.append(Finding(
            "working_well" if met else "worried",
            f"Of allegations concluded, {m1:.1f}% were concluded within one month and {m3:.1f}% within three months "
            "(the timescales LADO services report against: 80% and 90%).", "provider", "assurance",
            "table assurance_lado_timeliness_rates", rule="LAD-03", weight=0.6 if not met else 0.4,
        ))
    st = allegation_status(lado, p, window=TO_DATE)
    if int((st["conclusion_band"] == CONCLUSION_BANDS[6]).sum()):
        out.append(Finding("needs_to_happen", f"At least one allegation had been open for more than twelve months at "
                           f"{w.end}: the LADO should review what is holding it up.", "provider", "assurance",
                           "table assurance_lado_timeliness", rule="LAD-04", weight=0.7))
    return out
