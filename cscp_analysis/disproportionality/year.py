"""The disproportionality analysis's year view for the annual book: tables named for the financial year,
and a sentence about each from its numbers (the analysis at the year's fourth quarter covers the year)."""

from __future__ import annotations

import pandas as pd

from ..periods import FinancialYear

__all__ = ["as_year", "rates_summary", "decisions_summary", "change_summary"]


def as_year(table: pd.DataFrame, fy: FinancialYear) -> pd.DataFrame:
    """A disproportionality table's ``window`` (the twelve months to Q4) named as the financial year."""
    t = table.copy()
    if "window" in t.columns:
        t = t.rename(columns={"window": "financial_year"})
        t["financial_year"] = fy.label
    return t


def rates_summary(t: pd.DataFrame) -> str:
    sig = t[t["label"].astype(str).str.startswith("significantly")]
    return (f"{t['group'].nunique()} ethnic groups at {t['stage'].nunique()} stages of the child's journey: the rate per "
            f"10,000 children with its 95% interval, the relative rate index against {t['reference'].iloc[0]} and the "
            f"disproportionality ratio; {len(sig)} ratios are significantly different from 1 after adjustment for "
            "multiple comparisons.")


def decisions_summary(t: pd.DataFrame) -> str:
    sig = t[t["label"].astype(str).str.startswith("significantly")]
    return (f"{t['decision'].nunique()} decision points, each ethnic group's share going on to the next stage against "
            f"{t['reference'].iloc[0]}; {len(sig)} ratios are significantly different from 1 after adjustment.")


def change_summary(t: pd.DataFrame) -> str:
    n_n = int((t["direction"] == "narrowing").sum())
    n_w = int((t["direction"] == "widening").sum())
    return (f"Each ethnic group's relative rate index at each stage in the year and the year before, the ratio of the "
            f"two and whether the gap changed: {n_n} gaps narrowed and {n_w} widened significantly; the rest show no "
            "clear change or are too small to say.")
