"""Funnel plots: control limits at 95% (2 sigma) and 99.8% (3 sigma), and each point's significance.

As PHEindicatormethods ``calculate_funnel_limits``, ``assign_funnel_significance`` and
``calculate_funnel_points`` (Fingertips technical guidance, *Funnel plots*), for proportions,
ratios (counts or indirectly standardised ratios) and rates (crude or directly standardised).

* **Proportions**: the limits at population n around the average proportion P are the values of
  x/n whose Wilson score interval just reaches P (PHEindicatormethods ``sigma_adjustment``):

      limit = (P(n/q² + 1) ∓ ⅛√[(8P(n/q² + 1))² − 64(1/q² + 1/n) P (n(P(n/q² + 2) − 1) + q²(P − 1))])
              / (1/q² + 1/n) / n,   q = Φ⁻¹(0.975) or Φ⁻¹(0.999)

* **Ratios and rates**: for O observed events the limits are O / E where E is the expected count for
  which O is at the 2.5% / 0.1% tail of a Poisson distribution. PHEindicatormethods finds E by
  bisection (``poisson_funnel``); it is exactly the Poisson (Garwood) limit of O, so here it is
  computed directly: E_low-limit = χ²_{1−p}(2O + 2)/2 and E_high-limit = χ²_{p}(2O)/2. The two agree to
  about 1e-6 relative (the bisection's tolerance).
* **Significance** of each point compares the point with the limits at its own denominator:
  "High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)", "Not significant" (and, for DSRs,
  "Not applicable for events less than 10 for dsrs"). For ratios and rates the point's own Poisson
  interval (exact below 10 events, Byar's from 10) is compared with the average, which is the same
  test.

Decisions: the proportion limits are clipped to [0, multiplier] (PHEindicatormethods clips to
[0, 100] whatever the multiplier, which only differs when the multiplier is not 100); the funnel's
centre is the pooled average of the data unless ``average`` is given (e.g. the England value).
The 100 x-axis points are built as PHEindicatormethods does (axis from 0, or from just below the
smallest denominator when the largest is under twice the smallest, to just above the largest).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.special import gammaincinv, ndtri

from ._checks import _column, _counts, _no_more_than, _numeric, _positive, _rows
from .intervals import _multiplier, _per, _poisson

__all__ = ["funnel_limits", "funnel_significance", "funnel_points", "SIGNIFICANCE_LEVELS"]

SIGNIFICANCE_LEVELS = ("High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)", "Not significant",
                       "Not applicable for events less than 10 for dsrs")

_STATISTICS = ("proportion", "ratio", "rate")


def _sigma_adjustment(p: float, population, average: float, side: str, multiplier: float = 1.0):
    """PHEindicatormethods ``sigma_adjustment``, vectorised over ``population``."""
    q2 = ndtri(p) ** 2
    n = np.asarray(population, dtype=float)
    first = average * (n / q2 + 1)
    with np.errstate(invalid="ignore"):
        adj = np.sqrt((-8 * average * (n / q2 + 1)) ** 2 - 64 * (1 / q2 + 1 / n) * average *
                      (n * (average * (n / q2 + 2) - 1) + q2 * (average - 1)))
    last = 1 / q2 + 1 / n
    value = (first - adj / 8) / last if side == "low" else (first + adj / 8) / last
    return value / n * multiplier


def _poisson_funnel(obs, p: float, side: str):
    """Expected events E for which ``obs`` sits at tail probability ``p`` (PHEindicatormethods ``poisson_funnel``).

    side "low": P(X ≥ obs | E) = p  ->  E = gammaincinv(obs, p) = χ²_p(2·obs)/2
    side "high": P(X ≤ obs | E) = p  ->  E = gammaincinv(obs + 1, 1 − p) = χ²_{1−p}(2·obs + 2)/2
    """
    o = np.asarray(obs, dtype=float)
    if side == "low":
        with np.errstate(invalid="ignore"):
            return np.where(o > 0, gammaincinv(np.maximum(o, 1e-300), p), 0.0)
    return gammaincinv(o + 1, 1 - p)


def _signif_floor(x: float, percentage_down: float = 0.95) -> float:
    if x == 0:
        return 0.0
    n = len(str(math.floor(x * percentage_down))) - 1
    return math.floor(x * percentage_down / 10.0 ** n) * 10.0 ** n


def _signif_ceiling(x: float, percentage_up: float = 1.05) -> float:
    if x == 0:
        return 0.0
    n = len(str(math.ceil(x * percentage_up))) - 2
    return math.ceil(x * percentage_up / 10.0 ** n) * 10.0 ** n


def _axis(min_den: float, max_den: float, statistic: str, years: float, average: float) -> np.ndarray:
    """The 100 x-axis values of the funnel lines (a recurrence over 100 grid points, not over data rows)."""
    if max_den > 2 * min_den:
        axis_min = 0.0
    elif statistic == "rate":
        axis_min = _signif_floor(min_den / years) * years
    else:
        axis_min = _signif_floor(min_den)
    axis_max = _signif_ceiling(max_den / years) * years if statistic == "rate" else _signif_ceiling(max_den)
    if statistic == "rate":
        axis_min = math.floor(axis_min * average)
        axis_max = math.ceil(axis_max * average)
    first = [max(1.0, float(axis_min))]
    for j in range(2, 101):
        offset = j - 1 if statistic == "ratio" else j
        prev = first[-1]
        first.append(max(float(np.round((axis_max / prev) ** (1 / (101 - offset)) * prev)), prev + 1))
    return np.array(first)


def _derived_denominator(df, num: np.ndarray, denominator, rate, rate_type, multiplier, where) -> np.ndarray:
    """Denominators for rate funnels: from the rate (events / rate × multiplier), PHEindicatormethods."""
    if rate is None or rate_type is None or multiplier is None:
        raise ValueError(f"{where}: rates need 'rate' (the rate column), 'rate_type' ('dsr' or 'crude') and 'multiplier'")
    if rate_type not in ("dsr", "crude"):
        raise ValueError(f"{where}: 'rate_type' must be 'dsr' or 'crude'; got {rate_type!r}")
    r = _numeric(_column(df, rate, "rate", where), rate, where=where)
    m = _multiplier(multiplier, where)
    zero = num == 0
    if zero.any() and denominator is None:
        raise ValueError(f"{where}: for rates, rows with 0 events ({_rows(zero, df.index)}) need the "
                         f"'denominator' column, because the denominator cannot be derived from a rate of 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = m * num / r
    if rate_type == "dsr":
        return np.where(zero, np.nan, derived)
    if denominator is None:
        return derived
    den = _positive(_column(df, denominator, "denominator", where), denominator, where=where, index=df.index)
    return np.where(zero, den, derived)


def _check_statistic(statistic, where):
    if statistic not in _STATISTICS:
        raise ValueError(f"{where}: 'statistic' must be 'proportion', 'ratio' or 'rate'; got {statistic!r}")


def funnel_limits(df: pd.DataFrame, numerator, denominator=None, statistic="proportion", multiplier=100,
                  ratio_type=None, rate=None, rate_type=None, years_of_data=None, average=None) -> pd.DataFrame:
    """Control limits for a funnel plot, as PHEindicatormethods ``calculate_funnel_limits``.

    Returns 100 rows (the funnel lines, not the data): the x column (``Population`` for
    proportions, ``Observed_events`` for ratios, ``Events`` for rates), ``lower_2s_limit``,
    ``upper_2s_limit`` (95%), ``lower_3s_limit``, ``upper_3s_limit`` (99.8%), for ratios the expected
    events ``*_exp_events`` and for rates the yearly populations ``*_population_1_year``;
    ``baseline`` (proportions and rates), ``statistic`` and ``method`` ("Wilson" or "Poisson").

    ``ratio_type`` is "count" (limits of O/E − 1) or "isr" (O/E × 100). Rates need ``rate``,
    ``rate_type`` ("dsr" or "crude") and ``years_of_data``. ``average`` replaces the pooled
    average of the data as the funnel's centre (proportions and rates).
    """
    where = "funnel_limits"
    _check_statistic(statistic, where)
    num = _counts(_column(df, numerator, "numerator", where), numerator, where=where, index=df.index)
    if np.isnan(num).any():
        raise ValueError(f"{where}: '{numerator}' is missing in {_rows(np.isnan(num), df.index)}; give every "
                         f"numerator, even when it is 0")
    m = None if multiplier is None else _multiplier(multiplier, where)
    years = 1.0
    if statistic == "rate":
        if years_of_data is None:
            raise ValueError(f"{where}: 'years_of_data' is required for rates")
        years = float(years_of_data)
        den = _derived_denominator(df, num, denominator, rate, rate_type, multiplier, where)
    else:
        if denominator is None:
            raise ValueError(f"{where}: 'denominator' is required for {statistic}s")
        den = _positive(_column(df, denominator, "denominator", where), denominator, where=where, index=df.index)
        if statistic == "proportion":
            _no_more_than(num, den, numerator, denominator, where=where, index=df.index)
        if statistic == "ratio" and ratio_type not in ("count", "isr"):
            raise ValueError(f"{where}: 'ratio_type' must be 'count' or 'isr' for ratios; got {ratio_type!r}")
        if m is None and statistic == "proportion":
            raise ValueError(f"{where}: 'multiplier' is required for proportions")
    av = float(num.sum() / np.nansum(den)) if average is None else float(average) / (m if statistic != "ratio" else 1)
    x = _axis(float(np.nanmin(den)), float(np.nanmax(den)), statistic, years, av)

    if statistic == "proportion":
        t = pd.DataFrame({"Population": x})
        for tag, p in (("2s", 0.975), ("3s", 0.999)):
            t[f"lower_{tag}_limit"] = np.maximum(0.0, _sigma_adjustment(p, x, av, "low", m))
            t[f"upper_{tag}_limit"] = np.minimum(m, _sigma_adjustment(p, x, av, "high", m))
        t = t[["Population", "lower_2s_limit", "upper_2s_limit", "lower_3s_limit", "upper_3s_limit"]]
        t["baseline"] = av * m
        t["statistic"] = "proportion"
        t["method"] = "Wilson"
        return t
    if statistic == "ratio":
        t = pd.DataFrame({"Observed_events": x})
        for tag, p in (("2s", 0.025), ("3s", 0.001)):
            t[f"lower_{tag}_exp_events"] = _poisson_funnel(x, p, "high")
            t[f"lower_{tag}_limit"] = x / t[f"lower_{tag}_exp_events"]
            t[f"upper_{tag}_exp_events"] = _poisson_funnel(x, p, "low")
            t[f"upper_{tag}_limit"] = x / t[f"upper_{tag}_exp_events"]
        limits = [c for c in t.columns if c.endswith("limit")]
        t[limits] = t[limits] - 1 if ratio_type == "count" else t[limits] * 100
        t["statistic"] = f"ratio ({ratio_type})"
        t["method"] = "Poisson"
        return t
    t = pd.DataFrame({"Events": x})
    for tag, p in (("2s", 0.025), ("3s", 0.001)):
        lower_pop = _poisson_funnel(x, p, "high") / av
        upper_pop = _poisson_funnel(x, p, "low") / av
        t[f"lower_{tag}_population_1_year"] = lower_pop / years
        t[f"lower_{tag}_limit"] = x / lower_pop * m
        t[f"upper_{tag}_population_1_year"] = upper_pop / years
        t[f"upper_{tag}_limit"] = x / upper_pop * m
    t["baseline"] = av * m
    t["statistic"] = f"rate ({rate_type} per {_per(m)})"
    t["method"] = "Poisson"
    return t


def funnel_significance(df: pd.DataFrame, numerator, denominator=None, statistic="proportion", rate=None,
                        rate_type=None, multiplier=None, average=None) -> pd.DataFrame:
    """Each point's position against the funnel, as PHEindicatormethods ``assign_funnel_significance``.

    Returns a copy of ``df`` (same rows, order and index) with a ``significance`` column: "High
    (0.001)" beyond the upper 99.8% limit, "High (0.025)" beyond the upper 95% limit, "Low (0.001)",
    "Low (0.025)", "Not significant" and, for DSRs with fewer than 10 events, "Not applicable for
    events less than 10 for dsrs". Proportions: the proportion against the limits at its
    denominator. Ratios (``denominator`` = expected events): the Poisson interval of O / E against 1.
    Rates: the Poisson interval of events / derived denominator against the weighted average rate.
    ``average`` replaces the data's pooled average (a proportion or rate on the data's scale, or a
    ratio, usually 1).
    """
    where = "funnel_significance"
    _check_statistic(statistic, where)
    num = _counts(_column(df, numerator, "numerator", where), numerator, where=where, index=df.index)
    if np.isnan(num).any():
        raise ValueError(f"{where}: '{numerator}' is missing in {_rows(np.isnan(num), df.index)}; give every "
                         f"numerator, even when it is 0")
    out = df.copy()
    if statistic == "proportion":
        if denominator is None:
            raise ValueError(f"{where}: 'denominator' is required for proportions")
        den = _positive(_column(df, denominator, "denominator", where), denominator, where=where, index=df.index)
        _no_more_than(num, den, numerator, denominator, where=where, index=df.index)
        av = num.sum() / den.sum() if average is None else float(average) / (1 if multiplier is None else multiplier)
        p = num / den
        # conditions in PHEindicatormethods' order: low 0.001, low 0.025, high 0.001, high 0.025
        label = np.select(
            [p < _sigma_adjustment(0.999, den, av, "low"), p < _sigma_adjustment(0.975, den, av, "low"),
             p > _sigma_adjustment(0.999, den, av, "high"), p > _sigma_adjustment(0.975, den, av, "high")],
            ["Low (0.001)", "Low (0.025)", "High (0.001)", "High (0.025)"], default="Not significant")
    else:
        if statistic == "ratio":
            if denominator is None:
                raise ValueError(f"{where}: 'denominator' (expected events) is required for ratios")
            den = _positive(_column(df, denominator, "denominator", where), denominator, where=where,
                            index=df.index)
            centre = 1.0 if average is None else float(average)
        else:
            den = _derived_denominator(df, num, denominator, rate, rate_type, multiplier, where)
            centre = num.sum() / np.nansum(den) if average is None else float(average) / float(multiplier)
        with np.errstate(divide="ignore", invalid="ignore"):
            lo998, hi998 = (v / den for v in _poisson(num, 0.998))
            lo95, hi95 = (v / den for v in _poisson(num, 0.95))
        lo998, lo95 = np.where(num == 0, 0.0, lo998), np.where(num == 0, 0.0, lo95)
        label = np.select([centre < lo998, centre < lo95, centre > hi998, centre > hi95],
                          ["High (0.001)", "High (0.025)", "Low (0.001)", "Low (0.025)"], default="Not significant")
        if statistic == "rate" and rate_type == "dsr":
            label = np.where(num < 10, SIGNIFICANCE_LEVELS[5], label)
    out["significance"] = pd.Categorical(label, categories=list(SIGNIFICANCE_LEVELS[:5]) +
                                         ([SIGNIFICANCE_LEVELS[5]] if statistic == "rate" else []))
    return out


def funnel_points(df: pd.DataFrame, numerator, rate, rate_type, denominator=None, multiplier=100_000,
                  years_of_data=1) -> pd.DataFrame:
    """For rate funnels, the points to plot, as PHEindicatormethods ``calculate_funnel_points``.

    Appends ``<rate>_chart`` (the rate; NaN for DSRs with fewer than 10 events) and
    ``denominator_derived`` (the yearly population implied by events / rate, or the given
    denominator for rows with no events).
    """
    where = "funnel_points"
    num = _counts(_column(df, numerator, "numerator", where), numerator, where=where, index=df.index)
    den = _derived_denominator(df, num, denominator, rate, rate_type, multiplier, where)
    r = _numeric(df[rate], rate, where=where)
    out = df.copy()
    if rate_type == "dsr":
        small = num < 10
        out[f"{rate}_chart"] = np.where(small, np.nan, r)
        out["denominator_derived"] = np.where(small, np.nan, den / years_of_data)
    else:
        out[f"{rate}_chart"] = r
        out["denominator_derived"] = den / years_of_data
    return out
