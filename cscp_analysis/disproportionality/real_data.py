"""A worked example on real, published figures: children looked after by ethnic group.

Numerators: DfE's children looked after at 31 March 2014, 2015, 2016 and 2017 by ethnic group (White,
Mixed, Asian, Black, Any other, Not known) for every local authority (SFR underlying data).
Denominators: ONS Census 2021 children **aged 10 to 17** by ethnic group, for Coventry and five
other West Midlands metropolitan districts (Birmingham, Dudley, Sandwell, Solihull, Walsall).

What the example can and cannot say (the caveats travel with every table and sentence):

* **the years differ**: looked-after figures from 2014-2017, population from March 2021. Coventry's
  child population became more diverse over that time, so the 2021 shares probably *overstate* the
  minority groups' shares of the 2014-2017 child population, and the ratios below probably
  *understate* those groups' over-representation (and overstate under-representation);
* **the ages differ**: the looked-after figures cover ages 0-17, the population ages 10-17. The
  ratio of two groups' rates is right only if each group's 0-17 population is in the same proportion
  to its 10-17 population; minority groups are younger on average, so this again leans towards
  understating their over-representation... and the "rates" themselves are not rates, so they are
  never shown;
* **a stock, not a flow**: children looked after on one day (31 March), not children starting to be
  looked after during a year (the demo's measure);
* **five groups only**, as published at local-authority level: Black African and Black Caribbean
  children, whose experiences differ, cannot be separated; "Other" is often suppressed;
* **the shares of the looked-after cohort** are of every child looked after, including the few with
  ethnicity not known (DfE suppresses that count when it is 1 to 5, so the known total is not always
  published); unknown ethnicity was 2% or less in Coventry where shown.

Statistics (as the record-level analysis, from ``cscp_analysis.stats``): disproportionality ratio
(share of children looked after over share of the 10-17 population, Wilson interval of the
looked-after share); ratio of each group's looked-after count per 10-17 population to White
children's (Katz interval, ``risk_ratio``), Benjamini–Hochberg within each year and area.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _stats as stats
from .statistics import adjust, label

__all__ = ["GROUPS", "cla_example", "CAVEATS"]

GROUPS = ("White", "Mixed", "Asian", "Black", "Other")
CAVEATS = (
    "Looked-after figures are for 31 March 2014-2017; the population is Census 2021 (March 2021).",
    "Looked-after children are aged 0-17; the population is children aged 10-17 only.",
    "Children looked after on one day (a stock), not children starting to be looked after (a flow).",
    "Five broad ethnic groups only: Black African and Black Caribbean children cannot be separated.",
    "'x' is DfE's suppression of a count from 1 to 5; it is never read as zero.",
)


def cla_example(cla: pd.DataFrame, census: pd.DataFrame, *, reference: str = "White", min_children: int = 10,
                confidence: float = 0.95) -> pd.DataFrame:
    """One row per year × area (the districts with Census 10-17 figures) × ethnic group.

    ``cla``: :func:`cscp_analysis.reference.read_cla_by_ethnicity`; ``census``:
    :func:`cscp_analysis.reference.read_census_10_17`. Columns: ``year, area, new_la_code,
    group, looked_after, looked_after_status, looked_after_total, population_10_17, share_looked_after_pct,
    share_population_pct, dr, dr_lower, dr_upper, ratio, ratio_lower, ratio_upper, ratio_p_adjusted,
    label``.
    """
    pop = census.groupby(["new_la_code", "area", "group"], as_index=False)["population"].sum()
    pop_total = pop.groupby("new_la_code")["population"].sum()
    la = cla[(cla["level"] == "la") & cla["new_la_code"].isin(pop["new_la_code"])]
    tot = la[la["group"] == "Total"].set_index(["year", "new_la_code"])["value"]
    df = la[la["group"].isin(GROUPS)].merge(pop[["new_la_code", "group", "population"]],
                                            on=["new_la_code", "group"], how="left")
    df = df.rename(columns={"value": "looked_after", "status": "looked_after_status", "population": "population_10_17"})
    df["looked_after_total"] = [tot.get((y, c), np.nan) for y, c in zip(df["year"], df["new_la_code"], strict=True)]
    df["population_total"] = df["new_la_code"].map(pop_total).astype(float)
    a, big_a = df["looked_after"].to_numpy(float), df["looked_after_total"].to_numpy(float)
    n, big_n = df["population_10_17"].to_numpy(float), df["population_total"].to_numpy(float)
    ok = np.isfinite(a) & np.isfinite(big_a) & (big_a > 0)
    dr = stats.disproportionality_ratio(np.where(ok, a, np.nan), np.where(ok, big_a, np.nan), n, big_n,
                                        confidence=confidence)
    df["share_looked_after_pct"] = a / big_a * 100
    df["share_population_pct"] = n / big_n * 100
    df["dr"], df["dr_lower"], df["dr_upper"] = np.asarray(dr[0]), np.asarray(dr[1]), np.asarray(dr[2])
    ref = df[df["group"] == reference].set_index(["year", "new_la_code"])
    key = list(zip(df["year"], df["new_la_code"], strict=True))
    a0 = np.array([ref["looked_after"].get(k, np.nan) for k in key], float)
    n0 = np.array([ref["population_10_17"].get(k, np.nan) for k in key], float)
    is_ref = (df["group"] == reference).to_numpy()
    okr = ok & np.isfinite(a0) & ~is_ref
    rr = stats.risk_ratio(np.where(okr, a, np.nan), np.where(okr, n, np.nan), np.where(okr, a0, np.nan),
                          np.where(okr, n0, np.nan), confidence=confidence)
    df["ratio"], df["ratio_lower"], df["ratio_upper"] = np.asarray(rr[0]), np.asarray(rr[1]), np.asarray(rr[2])
    df["ratio_p"] = np.asarray(rr.p_value, float)
    too_few = ~ok | (np.nan_to_num(a) < min_children) | (np.nan_to_num(a0) < min_children)
    df.loc[too_few, "ratio_p"] = np.nan
    df["window"], df["stage"], df["characteristic"] = df["year"].astype(str), df["area"], "ethnicity"
    adjust(df, "ratio_p", "ratio_p_adjusted", family=["window", "stage", "characteristic"])  # each area and year
    df["label"] = label(df["ratio"], df["ratio_p_adjusted"], too_few, np.ones(len(df), bool), is_ref)
    df["reference"] = f"{reference} children"
    order = {g: i for i, g in enumerate(GROUPS)}
    df["_o"] = df["group"].map(order)
    df = df.sort_values(["area", "year", "_o"], kind="mergesort")
    cols = ["year", "area", "new_la_code", "group", "looked_after", "looked_after_status", "looked_after_total",
            "population_10_17", "share_looked_after_pct", "share_population_pct", "dr", "dr_lower", "dr_upper",
            "reference", "ratio", "ratio_lower", "ratio_upper", "ratio_p_adjusted", "label"]
    return df[cols].reset_index(drop=True)
