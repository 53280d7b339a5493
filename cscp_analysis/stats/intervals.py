"""Confidence intervals for proportions and counts, and the PHEindicatormethods-style table functions.

Array primitives (scalars or arrays in, arrays out):

* :func:`wilson_interval` — Wilson score interval for a proportion x/n.
* :func:`byar_interval` — Byar's approximation to the Poisson interval of a count.
* :func:`exact_poisson_interval` — the exact (Garwood, chi-squared) Poisson interval of a count.
* :func:`poisson_interval` — exact below 10 events, Byar's from 10, as PHEindicatormethods ``phe_rate``.

Table functions (a DataFrame in, the same DataFrame out with columns appended, same row order and
index):

* :func:`proportion` — as PHEindicatormethods ``phe_proportion``.
* :func:`rate` — as PHEindicatormethods ``phe_rate``.

Both accept one confidence level (columns ``lower_ci``/``upper_ci``) or several, e.g.
``confidence=[0.95, 0.998]`` (columns ``lower95_ci``, ``upper95_ci``, ``lower99_8_ci``, ``upper99_8_ci``).

Sources: Wilson EB (1927) J Am Stat Assoc 22:209-212; Newcombe RG, Altman DG (2000) in *Statistics
with confidence*, 2nd edn, pp 46-48; Breslow NE, Day NE (1987) *Statistical methods in cancer
research* vol II (Byar's method); Armitage P, Berry G (2002) *Statistical methods in medical
research*, 4th edn (exact Poisson limits); Garwood F (1936) Biometrika 28:437-442.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import gammaincinv

from ._checks import (
    _column,
    _confidences,
    _counts,
    _label,
    _no_more_than,
    _positive,
    _suffix,
    _z,
)

__all__ = [
    "wilson_interval",
    "byar_interval",
    "exact_poisson_interval",
    "poisson_interval",
    "proportion",
    "rate",
    "EXACT_BELOW",
]

#: Counts below this use the exact Poisson interval in :func:`poisson_interval`, :func:`rate` and the
#: ratio functions; Byar's approximation is used from this count upwards (PHEindicatormethods).
EXACT_BELOW = 10


def wilson_interval(x, n, confidence=0.95):
    """Wilson score interval for the proportion x / n.

    lower, upper = (2x + z² ∓ z·√(z² + 4x(1 − x/n))) / (2(n + z²)),  z = Φ⁻¹(1 − (1 − c)/2)

    Same formula and results as PHEindicatormethods ``phe_proportion`` / ``wilson_lower`` and
    ``wilson_upper`` (Wilson 1927; Newcombe & Altman 2000) and statsmodels
    ``proportion_confint(method="wilson")``. ``x`` and ``n`` are counts (x ≤ n, n > 0); NaN gives NaN.
    Returns a pair of float arrays (``lower``, ``upper``) as proportions (0 to 1).
    """
    x = _counts(x, "x", where="wilson_interval")
    n = _positive(n, "n", where="wilson_interval")
    _no_more_than(x, n, "x", "n", where="wilson_interval")
    return _wilson(x, n, _z(confidence))


def _wilson(x: np.ndarray, n: np.ndarray, z: float):
    z2 = z * z
    spread = z * np.sqrt(z2 + 4 * x * (1 - x / n))
    centre = 2 * x + z2
    denom = 2 * (n + z2)
    return (centre - spread) / denom, (centre + spread) / denom


def byar_interval(count, confidence=0.95):
    """Byar's approximation to the confidence interval of a Poisson count O.

    lower = O · (1 − 1/(9O) − z/(3√O))³
    upper = (O + 1) · (1 − 1/(9(O + 1)) + z/(3√(O + 1)))³

    As PHEindicatormethods ``byars_lower`` / ``byars_upper`` (Breslow & Day 1987). The lower limit is
    NaN where the formula goes negative or is undefined (O = 0), as PHEindicatormethods, which
    returns NA there. Use it for counts of 10 or more; :func:`poisson_interval` switches for you.
    """
    o = _counts(count, "count", where="byar_interval")
    return _byar(o, _z(confidence))


def _byar(o: np.ndarray, z: float):
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
        o1 = o + 1
        upper = o1 * (1 - 1 / (9 * o1) + z / (3 * np.sqrt(o1))) ** 3
    lower = np.where(lower >= 0, lower, np.nan)
    return lower, upper


def exact_poisson_interval(count, confidence=0.95):
    """Exact (Garwood) confidence interval of a Poisson count O, from the chi-squared distribution.

    lower = χ²_{(1−c)/2}(2O) / 2   (0 when O = 0)
    upper = χ²_{1−(1−c)/2}(2O + 2) / 2

    As PHEindicatormethods ``phe_rate`` below 10 events (``qchisq``; Armitage & Berry 2002) and
    scipy ``chi2.ppf``. Non-integer counts are accepted and use the same formula.
    """
    o = _counts(count, "count", where="exact_poisson_interval")
    return _exact(o, _alpha(confidence))


def _alpha(confidence) -> float:
    from ._checks import _confidence

    return 1 - _confidence(confidence)


def _exact(o: np.ndarray, alpha: float):
    """Exact limits computed once per distinct count (counts repeat a lot, and quantiles are costly)."""
    o = np.asarray(o, dtype=float)
    flat = o.ravel()
    finite = ~np.isnan(flat)
    lower = np.full(flat.shape, np.nan)
    upper = np.full(flat.shape, np.nan)
    if finite.any():
        uniq, inverse = np.unique(flat[finite], return_inverse=True)
        # chi2.ppf(q, k) / 2 = gammaincinv(k / 2, q): the same call scipy's chi2.ppf makes
        with np.errstate(invalid="ignore"):
            lo = np.where(uniq > 0, gammaincinv(np.maximum(uniq, 1e-300), alpha / 2), 0.0)
        hi = gammaincinv(uniq + 1, 1 - alpha / 2)
        lower[finite] = lo[inverse]
        upper[finite] = hi[inverse]
    return lower.reshape(o.shape), upper.reshape(o.shape)


def poisson_interval(count, confidence=0.95):
    """Confidence interval of a Poisson count: exact below 10 events, Byar's from 10.

    This is the switch PHEindicatormethods ``phe_rate``, ``calculate_ISRatio`` and the funnel-plot
    significance use. Returns (``lower``, ``upper``) counts; divide by a denominator for a rate.
    """
    o = _counts(count, "count", where="poisson_interval")
    return _poisson(o, _confidences(confidence)[0])


def _poisson(o: np.ndarray, confidence: float):
    small = o < EXACT_BELOW
    b_lo, b_hi = _byar(o, _z(confidence))
    if small.any():
        e_lo, e_hi = _exact(np.where(small, o, np.nan), 1 - confidence)
        return np.where(small, e_lo, b_lo), np.where(small, e_hi, b_hi)
    return b_lo, b_hi


# --------------------------------------------------------------------------------------------------
# table functions


def _append(df: pd.DataFrame, value: np.ndarray, limits: dict[float, tuple[np.ndarray, np.ndarray]],
            statistic: str, method) -> pd.DataFrame:
    """Copy ``df`` and append value, interval columns, confidence, statistic and method."""
    out = df.copy()
    out["value"] = value
    levels = list(limits)
    if len(levels) == 1:
        lo, hi = limits[levels[0]]
        out["lower_ci"] = lo
        out["upper_ci"] = hi
    else:
        for c in levels:
            lo, hi = limits[c]
            out[f"lower{_suffix(c)}_ci"] = lo
            out[f"upper{_suffix(c)}_ci"] = hi
    out["confidence"] = _label(levels)
    out["statistic"] = statistic
    out["method"] = method
    return out


def _multiplier(multiplier, where: str) -> float:
    if isinstance(multiplier, (bool, np.bool_)) or not isinstance(multiplier, (int, float, np.integer, np.floating)) \
            or not multiplier > 0:
        raise ValueError(f"{where}: 'multiplier' must be a positive number such as 1, 100 or 10000; got {multiplier!r}")
    return float(multiplier)


def _per(multiplier: float) -> str:
    return f"{multiplier:,.0f}" if float(multiplier).is_integer() else f"{multiplier:,}"


def proportion(df: pd.DataFrame, num, den, confidence=0.95, multiplier=1) -> pd.DataFrame:
    """Proportions with Wilson score intervals, as PHEindicatormethods ``phe_proportion``.

    value = num / den × multiplier; interval from :func:`wilson_interval` × multiplier.

    Returns a copy of ``df`` (same row order and index) with ``value``, ``lower_ci``, ``upper_ci``
    (or ``lowerXX_ci``/``upperXX_ci`` for several levels), ``confidence`` (e.g. "95%"),
    ``statistic`` ("Proportion" for multiplier 1, "Percentage" for 100, else "Proportion per N")
    and ``method`` ("Wilson"). Missing numerators or denominators give missing results.
    """
    where = "proportion"
    x = _counts(_column(df, num, "num", where), num, where=where, index=df.index)
    n = _positive(_column(df, den, "den", where), den, where=where, index=df.index)
    _no_more_than(x, n, num, den, where=where, index=df.index)
    m = _multiplier(multiplier, where)
    levels = _confidences(confidence)
    limits = {}
    for c in levels:
        lo, hi = _wilson(x, n, _z(c))
        limits[c] = (lo * m, hi * m)
    if m == 1:
        statistic = "Proportion"
    elif m == 100:
        statistic = "Percentage"
    else:
        statistic = f"Proportion per {_per(m)}"
    return _append(df, x / n * m, limits, statistic, "Wilson")


def rate(df: pd.DataFrame, count, pop, multiplier=10_000, confidence=0.95) -> pd.DataFrame:
    """Crude rates with exact (below 10 events) or Byar's (from 10) intervals, as PHEindicatormethods ``phe_rate``.

    value = count / pop × multiplier; lower, upper = Poisson limits of count / pop × multiplier.

    The default multiplier is 10,000 (children's services rates are per 10,000 children aged 0–17, as
    DfE publishes them). ``method`` is "Exact" or "Byars" row by row; ``statistic`` is
    "Rate per 10,000". Same columns and conventions as :func:`proportion`.
    """
    where = "rate"
    o = _counts(_column(df, count, "count", where), count, where=where, index=df.index)
    n = _positive(_column(df, pop, "pop", where), pop, where=where, index=df.index)
    m = _multiplier(multiplier, where)
    levels = _confidences(confidence)
    limits = {}
    scale = m / n
    for c in levels:
        lo, hi = _poisson(o, c)
        limits[c] = (lo * scale, hi * scale)
    codes = np.where(np.isnan(o), -1, (o < EXACT_BELOW).astype(np.int8))
    method = pd.Categorical.from_codes(codes, categories=["Byars", "Exact"])
    return _append(df, o * scale, limits, f"Rate per {_per(m)}", np.asarray(method, dtype=object))
