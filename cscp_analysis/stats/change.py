"""Has a proportion changed between two survey waves? The two-proportion test and its interval.

A survey result is not "working well" or "a worry" because it moved: the change must be larger
than two samples of that size would give by chance. For two independent samples (different
respondents in each wave), x₁ of n₁ then x₂ of n₂, with p₁ = x₁/n₁ and p₂ = x₂/n₂:

* **difference** d = p₂ − p₁ (the later wave minus the earlier one);
* **interval**: Newcombe's hybrid score interval (Newcombe 1998, method 10), built from the Wilson
  interval (l₁, u₁) of p₁ and (l₂, u₂) of p₂:

      lower = d − √((p₂ − l₂)² + (u₁ − p₁)²),   upper = d + √((u₂ − p₂)² + (p₁ − l₁)²)

  the same numbers as statsmodels ``confint_proportions_2indep(method="newcomb")``; it stays within
  [−1, 1] and behaves well for small counts and proportions near 0 or 1, where the Wald interval
  does not;
* **p-value**: the two-sided pooled z-test (the score test of p₁ = p₂),

      p̄ = (x₁ + x₂)/(n₁ + n₂),  z = (p₂ − p₁) / √(p̄(1 − p̄)(1/n₁ + 1/n₂)),  p = 2(1 − Φ(|z|))

  as statsmodels ``proportions_ztest`` (two samples, pooled variance) and
  ``test_proportions_2indep(method="score", correction=False)``; z² is Pearson's χ² for the 2 × 2
  table without continuity correction. When no one, or everyone, answered yes in both waves
  (p̄ = 0 or 1) there is no difference to test: z = 0 and p = 1.

The interval and the test come from different constructions, so at the boundary they can
disagree (an interval just excluding 0 with p just above 0.05, or the reverse); report both.

The respondents of the two waves must be different people. The same children answering twice
(a panel) need a paired test (McNemar), which this is not.

Sources: Newcombe RG (1998) Interval estimation for the difference between independent
proportions: comparison of eleven methods. *Stat Med* 17:873–890 (method 10); Newcombe RG, Altman
DG (2000) in *Statistics with confidence*, 2nd edn, ch. 6; Agresti A (2013) *Categorical data
analysis*, 3rd edn (the z-test for two proportions).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr

from ._checks import _column, _confidences, _counts, _label, _no_more_than, _positive, _suffix, _z
from .intervals import _multiplier, _per, _wilson

__all__ = ["DifferenceInterval", "two_proportion_test", "proportion_change"]


def _out(a):
    a = np.asarray(a, dtype=float)
    return a[()] if a.ndim == 0 else a


class DifferenceInterval(tuple):
    """``(difference, lower, upper)`` with ``.p_value``, ``.z`` and ``.method``.

    Unpacks as three values like :class:`~cscp_analysis.stats.RatioInterval`; the parts are also
    available by name (``.difference``, ``.lower``, ``.upper``).
    """

    def __new__(cls, difference, lower, upper, z, p_value, method: str):
        obj = super().__new__(cls, (_out(difference), _out(lower), _out(upper)))
        obj.z = _out(z)
        obj.p_value = _out(p_value)
        obj.method = method
        return obj

    @property
    def difference(self):
        return self[0]

    @property
    def lower(self):
        return self[1]

    @property
    def upper(self):
        return self[2]

    def __repr__(self) -> str:
        return (f"DifferenceInterval(difference={self[0]!r}, lower={self[1]!r}, upper={self[2]!r}, "
                f"z={self.z!r}, p_value={self.p_value!r}, method={self.method!r})")


METHOD = "Newcombe hybrid score interval; pooled two-proportion z-test"


def _difference(x1, n1, x2, n2, z):
    """Difference p2 − p1, Newcombe limits, pooled z and its two-sided p-value (arrays in, arrays out)."""
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = _wilson(x1, n1, z)
    l2, u2 = _wilson(x2, n2, z)
    d = p2 - p1
    lower = d - np.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    upper = d + np.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    pooled = (x1 + x2) / (n1 + n2)
    se0 = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = np.where(se0 > 0, d / se0, 0.0)
    stat = np.where(np.isnan(d), np.nan, stat)
    p = 2 * ndtr(-np.abs(stat))
    return d, lower, upper, stat, p


def two_proportion_test(x1, n1, x2, n2, confidence=0.95) -> DifferenceInterval:
    """Change from x1 of n1 (earlier wave) to x2 of n2 (later wave): p2 − p1, its interval and p-value.

    difference = x2/n2 − x1/n1;  interval: Newcombe hybrid score (Newcombe 1998, method 10);
    p-value: two-sided pooled z-test, z = (p2 − p1) / √(p̄(1 − p̄)(1/n1 + 1/n2)), p̄ = (x1 + x2)/(n1 + n2).

    Same results as statsmodels ``confint_proportions_2indep(x2, n2, x1, n1, method="newcomb")`` and
    ``proportions_ztest([x2, x1], [n2, n1])``. Scalars or arrays (one comparison per element); NaN
    gives NaN. Returns a :class:`DifferenceInterval`: ``difference, lower, upper = ...`` plus
    ``.z`` and ``.p_value``. For independent samples (different respondents in each wave).
    """
    where = "two_proportion_test"
    x1 = _counts(x1, "x1", where=where)
    n1 = _positive(n1, "n1", where=where)
    x2 = _counts(x2, "x2", where=where)
    n2 = _positive(n2, "n2", where=where)
    _no_more_than(x1, n1, "x1", "n1", where=where)
    _no_more_than(x2, n2, "x2", "n2", where=where)
    d, lower, upper, stat, p = _difference(x1, n1, x2, n2, _z(confidence))
    return DifferenceInterval(d, lower, upper, stat, p, METHOD)


def proportion_change(df: pd.DataFrame, num1, den1, num2, den2, confidence=0.95, multiplier=1) -> pd.DataFrame:
    """Table form of :func:`two_proportion_test`: one change (earlier → later wave) per row.

    Returns a copy of ``df`` (same rows, order and index) with ``value`` (the difference
    (num2/den2 − num1/den1) × multiplier, e.g. percentage points with ``multiplier=100``),
    ``lower_ci``, ``upper_ci`` (or ``lowerXX_ci``/``upperXX_ci`` for several levels),
    ``confidence``, ``statistic`` ("Difference in proportions", or "Difference in percentage points"
    for multiplier 100), ``method``, ``z`` and ``p_value`` (the pooled z-test, which does not depend
    on the confidence level).
    """
    where = "proportion_change"
    x1 = _counts(_column(df, num1, "num1", where), num1, where=where, index=df.index)
    n1 = _positive(_column(df, den1, "den1", where), den1, where=where, index=df.index)
    x2 = _counts(_column(df, num2, "num2", where), num2, where=where, index=df.index)
    n2 = _positive(_column(df, den2, "den2", where), den2, where=where, index=df.index)
    _no_more_than(x1, n1, num1, den1, where=where, index=df.index)
    _no_more_than(x2, n2, num2, den2, where=where, index=df.index)
    m = _multiplier(multiplier, where)
    levels = _confidences(confidence)
    out = df.copy()
    limits = {}
    for c in levels:
        d, lo, hi, stat, p = _difference(x1, n1, x2, n2, _z(c))
        limits[c] = (lo * m, hi * m)
    out["value"] = d * m
    if len(levels) == 1:
        out["lower_ci"], out["upper_ci"] = limits[levels[0]]
    else:
        for c in levels:
            out[f"lower{_suffix(c)}_ci"], out[f"upper{_suffix(c)}_ci"] = limits[c]
    out["confidence"] = _label(levels)
    if m == 1:
        out["statistic"] = "Difference in proportions"
    elif m == 100:
        out["statistic"] = "Difference in percentage points"
    else:
        out["statistic"] = f"Difference in proportions per {_per(m)}"
    out["method"] = METHOD
    out["z"] = stat
    out["p_value"] = p
    return out
