"""Statistics per group: rates, relative rate indices, disproportionality and decision-point ratios.

Every number comes from the statistics core (:mod:`cscp_analysis.stats`); this module arranges the
counts from :mod:`.cohorts`, adjusts p-values within families and labels each result.

For group *g* with *a* children in a cohort out of a population *n*, and its reference group (or all
other children) with *a₀* out of *n₀*:

* **rate** per 10,000 = a / n × 10,000, with the exact Poisson interval below 10 children and Byar's
  from 10 (``stats.rate``, as PHEindicatormethods ``phe_rate``);
* **relative rate index** RRI = (a/n) / (a₀/n₀) with the Katz log interval and the Wald p-value of
  ln RRI = 0 (``stats.risk_ratio``, as epitools ``riskratio.wald``);
* **disproportionality ratio** DR = (a / A) / (n / N), the group's share of the cohort (A: every child
  at the stage, or in the stratum for intersections, including those whose ethnicity is not known,
  as DfE's percentages are) over its share of the population (N), with the Wilson interval of the
  cohort share (``stats.disproportionality_ratio``). Where x% of the children have ethnicity not
  known, every ethnic group's DR is understated by about x% (shown first, in the data-quality
  table); the RRIs, which leave them out, are not;
* **decision-point ratio**: the proportion p = b / a of the group's children at the previous stage
  (a) who reach this stage (b), Wilson interval (``stats.proportion``), and its ratio to the
  reference group's proportion with the score interval (Koopman; Miettinen–Nurminen) and score test
  (``_stats.proportion_ratio``, statsmodels): decision-point proportions can be close to 1, where the
  Katz interval collapses;
* **age-standardised rate** (direct standardisation, Dobson interval: ``stats.dsr``) over the five
  DfE age bands, the standard being the area's whole child population; the age-standardised RRI is
  the ratio of the two standardised rates.

*Families* for the Benjamini–Hochberg adjustment (``stats.bh_adjust``): one measure (RRI or
decision-point ratio) × one window × one stage × one characteristic. Groups too small to say
anything (fewer than ``min_children`` children in the group or its reference; for a decision point,
at the previous stage) are not tested, so they do not count in the family.

*Label* (after adjustment, at 5%): ``significantly higher`` / ``significantly lower`` when the
adjusted p-value is below 0.05 and the ratio is above / below 1; ``not significant`` otherwise;
``too few to say`` for small groups; ``not available`` where there is no denominator (e.g. no
population by disability); ``reference`` for the reference group itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _stats as stats

__all__ = [
    "LABELS",
    "ALPHA",
    "rates",
    "decision_points",
    "age_standardised",
    "label",
    "adjust",
]

ALPHA = 0.05
LABELS = ("significantly higher", "significantly lower", "not significant", "too few to say", "not available",
          "reference")
FAMILY = ["window", "stage", "characteristic"]


def _nan_if(values, mask) -> np.ndarray:
    return np.where(mask, np.nan, np.asarray(values, dtype=float))


def label(ratio, p_adjusted, too_few, available, is_reference, alpha: float = ALPHA) -> np.ndarray:
    """The plain label of each result (see module docstring). Vectorised."""
    ratio = np.asarray(ratio, float)
    p = np.asarray(p_adjusted, float)
    out = np.where(p < alpha, np.where(ratio > 1, "significantly higher", "significantly lower"), "not significant")
    out = np.where(np.asarray(too_few, bool), "too few to say", out)
    out = np.where(~np.asarray(available, bool), "not available", out)
    out = np.where(np.asarray(is_reference, bool), "reference", out)
    return out.astype(object)


def adjust(df: pd.DataFrame, p_col: str, out_col: str, family: list[str] | None = None) -> pd.DataFrame:
    """Benjamini–Hochberg adjusted p-values within each family (``stats.bh_adjust``); NaN p-values
    (groups not tested) stay NaN and do not count."""
    family = family or FAMILY
    df[out_col] = np.nan
    if len(df) == 0:
        return df
    codes = df.groupby(family, sort=False, dropna=False).ngroup().to_numpy()
    p = df[p_col].to_numpy(float)
    adj = np.full(len(df), np.nan)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    for idx in np.split(order, bounds):  # one call per family (tens to hundreds), not per row
        if np.isfinite(p[idx]).any():
            adj[idx] = stats.bh_adjust(p[idx])
    df[out_col] = adj
    return df


def rates(counts: pd.DataFrame, *, min_children: int = 10, confidence: float = 0.95) -> pd.DataFrame:
    """Rates, RRIs and disproportionality ratios for the counts of :func:`.cohorts.count_stage`.

    Adds ``rate, rate_lower, rate_upper, rate_method, rri, rri_lower, rri_upper, rri_p, rri_p_adjusted,
    dr, dr_lower, dr_upper, too_few, label``. Unrounded: disclosure control happens at publication.
    """
    df = counts.copy()
    a = df["children"].to_numpy(float)
    n = df["population"].to_numpy(float)
    a0 = df["ref_children"].to_numpy(float)
    n0 = df["ref_population"].to_numpy(float)
    has_pop = np.isfinite(n) & (n > 0)
    r = stats.rate(pd.DataFrame({"a": _nan_if(a, ~has_pop), "n": np.where(has_pop, n, np.nan)}), "a", "n",
                   multiplier=10_000, confidence=confidence)
    df["rate"], df["rate_lower"], df["rate_upper"] = r["value"].to_numpy(), r["lower_ci"].to_numpy(), r["upper_ci"].to_numpy()
    df["rate_method"] = np.where(has_pop, r["method"].to_numpy(dtype=object), None)
    # RRI: only where both groups have a population and counts fit inside it
    ok = has_pop & np.isfinite(n0) & (n0 > 0) & (a <= n) & (a0 <= n0) & ~df["is_reference"].to_numpy(bool)
    rr = stats.risk_ratio(_nan_if(a, ~ok), np.where(ok, n, np.nan), _nan_if(a0, ~ok), np.where(ok, n0, np.nan),
                          confidence=confidence)
    df["rri"], df["rri_lower"], df["rri_upper"] = np.asarray(rr[0]), np.asarray(rr[1]), np.asarray(rr[2])
    df["rri_p"] = np.asarray(rr.p_value, float)
    too_few = (a < min_children) | (a0 < min_children) | (ok & ~np.isfinite(df["rri_p"].to_numpy(float)))
    df["too_few"] = too_few
    df.loc[too_few, "rri_p"] = np.nan
    adjust(df, "rri_p", "rri_p_adjusted")
    # disproportionality ratio: share of the cohort (children with a known value and a population) over
    # share of the population
    big_a = df["dr_children"].to_numpy(float)
    big_n = df["dr_population"].to_numpy(float)
    okd = has_pop & np.isfinite(big_n) & (big_n > 0) & (big_a > 0) & (a <= big_a) & (n <= big_n)
    dr = stats.disproportionality_ratio(_nan_if(a, ~okd), np.where(okd, big_a, np.nan), _nan_if(n, ~okd),
                                        np.where(okd, big_n, np.nan), confidence=confidence)
    df["dr"], df["dr_lower"], df["dr_upper"] = np.asarray(dr[0]), np.asarray(dr[1]), np.asarray(dr[2])
    df["label"] = label(df["rri"], df["rri_p_adjusted"], too_few, has_pop & np.isfinite(n0), df["is_reference"])
    return df


def decision_points(counts: pd.DataFrame, *, min_children: int = 10, confidence: float = 0.95) -> pd.DataFrame:
    """Decision-point proportions and ratios for the counts of :func:`.cohorts.count_decision`.

    Adds ``proportion, proportion_lower, proportion_upper`` (as percentages), ``ratio, ratio_lower,
    ratio_upper, ratio_p, ratio_p_adjusted, too_few, label``.
    """
    df = counts.copy()
    a = df["previous_children"].to_numpy(float)
    b = df["children"].to_numpy(float)
    a0 = df["ref_previous_children"].to_numpy(float)
    b0 = df["ref_children"].to_numpy(float)
    has = a > 0
    pr = stats.proportion(pd.DataFrame({"b": _nan_if(b, ~has), "a": np.where(has, a, np.nan)}), "b", "a",
                          confidence=confidence, multiplier=100)
    df["proportion"], df["proportion_lower"], df["proportion_upper"] = (
        pr["value"].to_numpy(), pr["lower_ci"].to_numpy(), pr["upper_ci"].to_numpy())
    ok = has & (a0 > 0) & ~df["is_reference"].to_numpy(bool)
    ratio, lower, upper, p = stats.proportion_ratio(_nan_if(b, ~ok), np.where(ok, a, np.nan), _nan_if(b0, ~ok),
                                                    np.where(ok, a0, np.nan), confidence=confidence)
    df["ratio"], df["ratio_lower"], df["ratio_upper"], df["ratio_p"] = ratio, lower, upper, p
    too_few = (a < min_children) | (a0 < min_children) | (ok & ~np.isfinite(df["ratio_p"].to_numpy(float)))
    df["too_few"] = too_few
    df.loc[too_few, "ratio_p"] = np.nan
    adjust(df, "ratio_p", "ratio_p_adjusted")
    df["label"] = label(df["ratio"], df["ratio_p_adjusted"], too_few, np.ones(len(df), bool), df["is_reference"])
    return df


def age_standardised(counts: np.ndarray, population: np.ndarray, standard: np.ndarray, *,
                     confidence: float = 0.95) -> pd.DataFrame:
    """Directly age-standardised rates per 10,000 (Dobson interval) for each row of ``counts[group, band]``.

    DSR = Σᵢ wᵢ·aᵢ/nᵢ / Σᵢ wᵢ × 10,000, with wᵢ the standard population of age band i
    (``stats.dsr``; NaN below 10 children, as PHEindicatormethods ``phe_dsr``). A group with no
    population in some age band has no standardised rate (NaN).

    Returns one row per group (in order): ``dsr, dsr_lower, dsr_upper``.
    """
    g, k = counts.shape
    out = pd.DataFrame({"dsr": np.nan, "dsr_lower": np.nan, "dsr_upper": np.nan}, index=np.arange(g))
    usable = (population > 0).all(axis=1)
    if not usable.any():
        return out
    rows = np.flatnonzero(usable)
    long = pd.DataFrame({
        "group": np.repeat(rows, k),
        "children": counts[rows].ravel(),
        "population": population[rows].ravel(),
        "standard": np.tile(np.asarray(standard, float), len(rows)),
    })
    d = stats.dsr(long, "children", "population", group_by="group", standard="standard", multiplier=10_000,
                  confidence=confidence)
    out.loc[d["group"].to_numpy(), ["dsr", "dsr_lower", "dsr_upper"]] = d[["value", "lower_ci", "upper_ci"]].to_numpy()
    return out
