"""Child deaths reviewed by the Child Death Overview Panel (CDOP).

Child death review partners (the local authority and the integrated care board) review the death of
every child normally resident in the area (Child Death Review Statutory and Operational Guidance,
2018). The panel records the category of death (the ten national categories below), whether
modifiable factors were identified and whether the death was expected.

These are the most identifying numbers the partnership holds, so publication is strict
(docs/assurance.md):

* reviews completed in **the twelve months to the period end** (never a single quarter);
* every count from 1 to ``cdop_threshold`` (configuration, default 5) is suppressed, and secondary
  suppression makes sure no suppressed count can be worked out from the total and the other counts;
* when the window's total is under ``cdop_min_total`` (default 10) **no breakdown is published at
  all**, only the total (itself suppressed when it is 1 to the threshold);
* no percentage is shown from a suppressed count;
* findings never quote a suppressed number, nor a category whose count is suppressed.
"""

from __future__ import annotations

import pandas as pd

from .. import disclosure
from ..narrative import Finding
from ..periods import Period, PeriodWords, parse_period
from ..sections import Section
from ..symbols import hidden_words, symbol
from ._common import ROLLING, in_window, needs_columns, states_set_aside, tables_of

__all__ = [
    "CATEGORIES",
    "AGE_BANDS",
    "BREAKDOWNS",
    "DEFAULT_MIN_TOTAL",
    "min_total",
    "deaths_reviewed",
    "published_breakdown",
    "audit_declaration",
    "section",
    "findings",
]

SOURCE = "the Child Death Overview Panel's register of reviews"  # where this section's numbers come from, in words

CATEGORIES = {
    1: "Deliberately inflicted injury, abuse or neglect",
    2: "Suicide or deliberate self-inflicted harm",
    3: "Trauma and other external factors",
    4: "Malignancy",
    5: "Acute medical or surgical condition",
    6: "Chronic medical condition",
    7: "Chromosomal, genetic and congenital anomalies",
    8: "Perinatal or neonatal event",
    9: "Infection",
    10: "Sudden unexpected, unexplained death",
}
AGE_BANDS = ("0-27 days", "28-364 days", "1-4", "5-9", "10-14", "15-17")
BREAKDOWNS = {
    "category": ("Category of death", tuple(CATEGORIES.values())),
    "age_band": ("Age at death", AGE_BANDS),
    "modifiable": ("Modifiable factors identified", ("Yes", "No")),
    "expected": ("Death expected", ("Yes", "No")),
}
DEFAULT_MIN_TOTAL = 10


def min_total(config=None) -> int:
    """Smallest twelve-month total for which any breakdown is published (``disclosure.cdop_min_total``).

    Never below the CDOP threshold plus one, so that a published breakdown always has a published total.
    """
    raw = getattr(config, "raw", {}) or {}
    configured = int((raw.get("disclosure") or {}).get("cdop_min_total", DEFAULT_MIN_TOTAL))
    return max(configured, _threshold(config) + 1)


def _threshold(config=None) -> int:
    return int(getattr(config, "cdop_threshold", 5))


def deaths_reviewed(child_deaths: pd.DataFrame, period: str | Period, by: str = "category",
                    window: str = ROLLING) -> pd.DataFrame:
    """Reviews completed in the window by ``by`` (unsuppressed: for internal use and tests only).

    Every group of the breakdown appears (0 where none), then an "All" row. Columns: ``group``,
    ``reviews``.
    """
    needs_columns(child_deaths, ("review_id", "review_date", "age_band", "category", "modifiable", "expected"),
                  "child_deaths")
    if by not in BREAKDOWNS:
        raise ValueError(f"by must be one of {', '.join(BREAKDOWNS)}")
    d = child_deaths.loc[in_window(child_deaths["review_date"], period, window)]
    if by == "category":
        values = pd.to_numeric(d["category"], errors="coerce").map(CATEGORIES)
    elif by in ("modifiable", "expected"):
        values = d[by].astype("string").map({"Y": "Yes", "N": "No"})
    else:
        values = d[by].astype("string")
    groups = list(BREAKDOWNS[by][1])
    counts = values.value_counts().reindex(groups, fill_value=0)
    out = pd.DataFrame({"group": groups + ["All"], "reviews": list(counts.to_numpy()) + [len(d)]})
    out["reviews"] = out["reviews"].astype(int)
    return out


#: Breakdowns that are the panel's own judgements (modifiable factors, expected or not): counts of the
#: partnership's own work, shown as they are in the board's pack. Category of death (a rare event) and
#: age (a protected characteristic) keep the strict rule in both audiences (``docs/disclosure.md``).
OWN_WORK_BREAKDOWNS = frozenset({"modifiable", "expected"})


def published_breakdown(child_deaths: pd.DataFrame, period: str | Period, by: str, config=None,
                        window: str = ROLLING) -> pd.DataFrame:
    """The breakdown as it may be published: strict suppression, or only the total when it is small.
    In the board's pack the panel's own judgements (``OWN_WORK_BREAKDOWNS``) are shown as they are.

    Columns: ``group``, ``reviews`` (number or ``c``), ``pct`` (of the total; ``c`` wherever the count
    is suppressed), ``note``.
    """
    from .publish import own_work, publish, suppressed_total

    raw = deaths_reviewed(child_deaths, period, by, window)
    total = int(raw["reviews"].iloc[-1])
    t = _threshold(config)
    as_they_are = by in OWN_WORK_BREAKDOWNS and own_work(config)
    if total < min_total(config) and not as_they_are:
        shown = suppressed_total(total, t)
        return pd.DataFrame({
            "group": ["All"],
            "reviews": [shown],
            "pct": [disclosure.Hidden(disclosure.PRIMARY, 100.0) if shown == "c" else "z"],
            "note": [f"No breakdown is published when there are fewer than {min_total(config)} reviews in the period"],
        })
    raw["pct"] = 100 * raw["reviews"] / total
    pub = publish(raw, ["reviews"], config, derived={"pct": ["reviews"]}, total_row=("group", "All"), cdop=True,
                  own_work=by in OWN_WORK_BREAKDOWNS).table
    pub["note"] = ""
    return pub[["group", "reviews", "pct", "note"]]


def audit_declaration(table: pd.DataFrame, name: str, by: str, period: str | Period, raw: pd.DataFrame | None = None):
    """How a published breakdown adds up, for the intruder audit (``docs/disclosure.md``): its groups add up to
    the "All" row, which is the same number in all four breakdowns (every review completed in the twelve
    months), and each percentage is of it. ``raw``: :func:`deaths_reviewed` (the true counts, for the run's
    private check; a table cut to its total keeps only the total's)."""
    from ..disclosure_audit import Cells, Equal, Ratio, SumOver, declare

    window = f"twelve months to {parse_period(period)}"
    total = f"child death reviews | window={window}"
    truth = None
    if raw is not None:
        values = raw["reviews"].astype(float).tolist()
        truth = {"reviews": values if len(raw) == len(table) else values[-1:] * len(table)}
    return declare(table, name, Cells("reviews", f"child death reviews | breakdown={by} | group={{group}} | "
                                                 f"window={window}", label=f"{BREAKDOWNS[by][0]}: {{group}}, {window}"),
                   sums=[SumOver("reviews", "group", total="All")],
                   equal=[Equal("reviews", total, where={"group": ["All"]})],
                   ratios=[Ratio("pct", "reviews", total, decimals=1)], truth=truth)


# --- publication and findings ------------------------------------------------------------------------


@states_set_aside("child_deaths")
def section(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> Section:
    """The CDOP section: reviews by category, age, modifiable factors and expectedness (lens: professional)."""
    from ..charts import assurance as assurance_charts
    tables = tables_of(returns_or_tables)
    p = parse_period(period)
    w = words or PeriodWords.quarter(p)
    sec = Section("child_deaths", "Child deaths reviewed (CDOP)", "professional", period=w.label, source=SOURCE,
                  window="reviews the panel completed in the twelve months to the period end")
    cd = tables.get("child_deaths")
    if cd is None:
        return sec.missing("child_deaths")
    names = {"category": "assurance_cdop_by_category", "age_band": "assurance_cdop_by_age",
             "modifiable": "assurance_cdop_modifiable", "expected": "assurance_cdop_expected"}
    for by, name in names.items():
        table = published_breakdown(cd, p, by, config)
        sec.add_table(name, f"Child death reviews completed in {w.twelve_months}: "
                f"{BREAKDOWNS[by][0].lower()}", table, counts=["reviews"],
                own_work=by in OWN_WORK_BREAKDOWNS, audit=audit_declaration(table, name, by, p,
                                                                             deaths_reviewed(cd, p, by)))
    cat = sec["assurance_cdop_by_category"]
    total = cat.iloc[-1]["reviews"]
    sec.add_figure(
        "assurance_cdop_chart", f"Child death reviews by category, {w.twelve_months}",
        (f"Horizontal bar chart of the {symbol(total)} child death reviews completed in "
         f"{w.twelve_months} by category of death. "
         + (hidden_words(cat.iloc[:-1]["reviews"], "categories", _threshold(config)) or
            f"All {len(cat) - 1} categories are shown.") if len(cat) > 1 else
         f"No breakdown of the child death reviews of {w.twelve_months} is published: there "
         "were too few."),
        "assurance_cdop_by_category",
        lambda: assurance_charts.category_bars(cat, title="Child death reviews by category", source="CDOP",
                                               threshold=_threshold(config)),
    )
    sec.findings = _findings(sec, p, w)
    return sec


def findings(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> list[Finding]:
    """Findings from CDOP (rules CDP-01 to CDP-03): only from published counts, never naming a suppressed one."""
    return section(returns_or_tables, period, config, words).findings


def _findings(sec, p: Period, w: PeriodWords) -> list[Finding]:
    from .publish import number

    out: list[Finding] = []
    tot = sec["assurance_cdop_by_category"]
    n = number(tot["reviews"].iloc[-1])
    if len(tot) == 1:
        return [Finding("context", f"The Child Death Overview Panel's reviews in "
                        f"{w.twelve_months} are too few to publish any breakdown.", "professional", "assurance",
                        "table assurance_cdop_by_category", rule="CDP-01")]
    out.append(Finding("context", f"The Child Death Overview Panel completed {n:.0f} reviews in "
                       f"{w.twelve_months}.", "professional", "assurance", "table assurance_cdop_by_category",
                       rule="CDP-01"))
    mod = sec["assurance_cdop_modifiable"].set_index("group")
    yes, pct = number(mod.loc["Yes", "reviews"]), number(mod.loc["Yes", "pct"])
    if pd.notna(yes) and pd.notna(pct):
        out.append(Finding(
            "needs_to_happen" if yes > 0 else "context",
            (f"Modifiable factors were identified in {pct:.1f}% of reviews; the panel's learning on them should reach "
             "the partnership's priorities and training.") if yes > 0 else
            "No modifiable factors were identified in the reviews of the period.",
            "professional", "assurance", "table assurance_cdop_modifiable", rule="CDP-02", weight=0.5))
    cat = tot.iloc[:-1].assign(n_=tot["reviews"].iloc[:-1].map(number)).dropna(subset=["n_"])
    cat = cat.loc[cat["n_"] > 0]
    if len(cat):
        top = cat.loc[cat["n_"] == cat["n_"].max()]
        out.append(Finding("context", "Most frequent category of death among the published counts: "
                           + "; ".join(f"{r.group} ({r.n_:.0f})" for r in top.itertuples()) + ".",
                           "professional", "assurance", "table assurance_cdop_by_category", rule="CDP-03"))
    return out
