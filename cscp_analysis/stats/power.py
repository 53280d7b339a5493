"""What could the data have detected? The minimum detectable ratio and the power to detect a ratio.

"Not significant" is not "no difference": with 13 events a group's rate could be two or three times
its reference rate and the test still miss it. For each comparison of interest that is not
significant, report the smallest ratio the data could have detected.

Method (the normal approximation to the test of ln RR = 0 that :func:`~cscp_analysis.stats.risk_ratio`
and :func:`~cscp_analysis.stats.rate_ratio` (``method="wald"``) use, with the Katz standard error):
group 1 has n₁ children (or child-years), the reference group a₀ events among n₀, reference rate
r₀ = a₀/n₀. Under the null hypothesis both groups have rate r₀, so the expected events are n₁r₀ and
n₀r₀ and the standard error of ln RR is

    proportions (risk ratio, Katz):  SE₀ = √(1/(n₁r₀) − 1/n₁ + 1/(n₀r₀) − 1/n₀) = √((1 − r₀)/r₀ · (1/n₁ + 1/n₀))
    rates (Poisson rate ratio):      SE₀ = √(1/(n₁r₀) + 1/(n₀r₀))               = √((1/r₀) · (1/n₁ + 1/n₀))

The two-sided test at level α rejects when |ln RR| / SE₀ > z₁₋α/₂. If the true ratio is R, ln RR is
approximately normal with mean ln R and (taking the same SE₀) standard deviation SE₀, so

    power(R) = Φ(|ln R| / SE₀ − z₁₋α/₂) + Φ(−|ln R| / SE₀ − z₁₋α/₂)

(statsmodels ``NormalIndPower`` / ``normal_power`` with effect size ln R / σ, σ² = (1 − r₀)/r₀ or
1/r₀ per child). Setting the first term to the power wanted (the second is below 10⁻⁵ at 80%
power) gives the **minimum detectable ratio**

    MDR = exp((z₁₋α/₂ + z_power) · SE₀)

and, downwards, 1/MDR. With α = 0.05 and 80% power, z₁₋α/₂ + z_power = 1.959964 + 0.841621 =
2.801585. The standard error is the one under the null hypothesis at the observed reference rate
(it does not depend on the group's own count, so the MDR says what the comparison could detect
before looking at the result); under the alternative the group's variance is smaller for R > 1, so
this MDR is slightly cautious. For proportions a ratio with R·r₀ ≥ 1 is impossible: the MDR is then
infinite (no over-representation could be detected). A reference group without events gives an
infinite MDR too.

**Multiple comparisons**: a comparison in a family adjusted by Benjamini–Hochberg is tested at a
stricter level than α; pass the level the family implies (e.g. α/m, the threshold of the smallest of
m p-values, for the most cautious reading) as ``alpha``.

Sources: Katz D et al. (1978) Biometrics 34:469–474 (SE of ln RR); Rothman KJ, Greenland S,
Lash TL (2008) *Modern Epidemiology*, 3rd edn (power and the detectable ratio); Chow SC,
Shao J, Wang H (2008) *Sample size calculations in clinical research*, 2nd edn (two-sample comparisons);
Hoenig JM, Heisey DM (2001) The abuse of power. *Am Stat* 55:19–24 (why the detectable effect, not
"observed power").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from ._checks import _column, _counts, _no_more_than, _numeric, _positive, _rows

__all__ = ["minimum_detectable_ratio", "power_for_ratio", "detectable_ratio", "KINDS"]

KINDS = ("proportion", "rate")


def _level(value, name: str, where: str, index=None) -> np.ndarray:
    arr = _numeric(value, name, where=where)
    bad = ~((arr > 0) & (arr < 1))
    if bad.any():
        raise ValueError(f"{where}: '{name}' must be between 0 and 1 (for example 0.05 or 0.8) but is not in "
                         f"{_rows(bad, index)}")
    return arr


def _se_null(n1, a0, n0, kind: str, where: str, index=None) -> np.ndarray:
    """Standard error of ln RR under the null hypothesis at the reference rate a0/n0."""
    if kind not in KINDS:
        raise ValueError(f"{where}: 'kind' must be 'proportion' (children with the outcome) or 'rate' "
                         f"(events per child or per child-year); got {kind!r}")
    n1 = _positive(n1, "n1", where=where, index=index)
    a0 = _counts(a0, "a0", where=where, index=index)
    n0 = _positive(n0, "n0", where=where, index=index)
    if kind == "proportion":
        _no_more_than(a0, n0, "a0", "n0", where=where, index=index)
    r0 = a0 / n0
    with np.errstate(divide="ignore", invalid="ignore"):
        per_child = (1 - r0) / r0 if kind == "proportion" else 1 / r0
        se = np.sqrt(per_child * (1 / n1 + 1 / n0))
    se = np.where(r0 == 0, np.inf, se)
    return se, r0


def minimum_detectable_ratio(n1, a0, n0, power=0.8, alpha=0.05, kind="proportion"):
    """Smallest ratio above 1 that a two-sided test at level ``alpha`` detects with probability ``power``.

    MDR = exp((z₁₋α/₂ + z_power) · SE₀), SE₀ the standard error of ln RR under the null hypothesis at
    the reference rate r₀ = a0/n0: √((1 − r₀)/r₀ · (1/n1 + 1/n0)) for proportions (Katz),
    √((1/r₀) · (1/n1 + 1/n0)) for rates (``kind="rate"``). The detectable ratio below 1 is
    exp(−(z₁₋α/₂ + z_power) · SE₀): 1/MDR, except where a proportion caps MDR at infinity (a ratio below 1
    can still be detected then).

    ``n1``: children (or child-years) in the group; ``a0`` and ``n0``: events and children in the
    reference group. Scalars or arrays; ``alpha`` and ``power`` may be arrays too (one per
    comparison). Infinite where nothing could be detected (no reference events, or, for
    proportions, MDR·r₀ ≥ 1). 13 events in a group of 2,600 against a reference of 0.2% among 20,000
    give MDR 3.69 (docs/methods.md works it through).
    """
    where = "minimum_detectable_ratio"
    se, r0 = _se_null(n1, a0, n0, kind, where)
    a = _level(alpha, "alpha", where)
    pw = _level(power, "power", where)
    k = ndtri(1 - a / 2) + ndtri(pw)
    with np.errstate(over="ignore", invalid="ignore"):
        mdr = np.exp(k * se)
        if kind == "proportion":
            mdr = np.where(mdr * r0 >= 1, np.inf, mdr)
    mdr = np.where(np.isnan(se), np.nan, mdr)
    return mdr[()] if np.ndim(mdr) == 0 else mdr


def power_for_ratio(ratio, n1, a0, n0, alpha=0.05, kind="proportion"):
    """Power of the two-sided test at level ``alpha`` to detect a true ratio ``ratio`` (either side of 1).

    power = Φ(|ln R|/SE₀ − z₁₋α/₂) + Φ(−|ln R|/SE₀ − z₁₋α/₂), SE₀ as :func:`minimum_detectable_ratio`;
    equal to statsmodels ``NormalIndPower().power`` with effect size ln R / σ. At R = 1 it is α.
    The inverse of :func:`minimum_detectable_ratio` (to within 10⁻⁵ at 80% power). NaN for a ratio a
    proportion cannot reach (R·r₀ ≥ 1).
    """
    where = "power_for_ratio"
    r = _numeric(ratio, "ratio", where=where)
    bad = ~(r > 0) & ~np.isnan(r)
    if bad.any():
        raise ValueError(f"{where}: 'ratio' must be greater than 0 but is not in {_rows(bad)}")
    se, r0 = _se_null(n1, a0, n0, kind, where)
    z = ndtri(1 - _level(alpha, "alpha", where) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = np.abs(np.log(r)) / se
    out = ndtr(shift - z) + ndtr(-shift - z)
    if kind == "proportion":
        out = np.where(r * r0 >= 1, np.nan, out)   # an impossible ratio for a proportion
    return out[()] if np.ndim(out) == 0 else out


def detectable_ratio(df: pd.DataFrame, n1, a0, n0, power=0.8, alpha=0.05, kind="proportion",
                     ratio=None) -> pd.DataFrame:
    """Table form: the minimum detectable ratio of each comparison (and, optionally, the power at a ratio).

    ``n1``, ``a0``, ``n0`` name columns (group size, reference events, reference size). ``alpha``
    is a number or the name of a column (e.g. the level each family's adjustment implies);
    ``ratio`` (a number or a column name) adds the power to detect it.

    Returns a copy of ``df`` (same rows, order and index) with ``se_log_ratio`` (SE₀),
    ``minimum_detectable_ratio`` (above 1), ``minimum_detectable_ratio_below`` (1/MDR),
    ``mdr_power``, ``mdr_alpha`` and, with ``ratio``, ``power_at_ratio``.
    """
    where = "detectable_ratio"
    index = df.index
    cols = {arg: _column(df, name, arg, where) for arg, name in (("n1", n1), ("a0", a0), ("n0", n0))}
    alpha_values = _column(df, alpha, "alpha", where) if isinstance(alpha, str) else alpha
    a = np.broadcast_to(_level(alpha_values, "alpha", where, index), (len(df),))
    pw = float(_level(power, "power", where).ravel()[0]) if np.ndim(power) == 0 else None
    if pw is None:
        raise ValueError(f"{where}: 'power' must be a single number such as 0.8; got {power!r}")
    se, r0 = _se_null(cols["n1"], cols["a0"], cols["n0"], kind, where, index)
    mdr = minimum_detectable_ratio(cols["n1"], cols["a0"], cols["n0"], power=pw, alpha=a, kind=kind)
    out = df.copy()
    out["se_log_ratio"] = se
    out["minimum_detectable_ratio"] = mdr
    k = ndtri(1 - np.asarray(a, dtype=float) / 2) + ndtri(pw)
    with np.errstate(over="ignore", invalid="ignore"):  # not 1/MDR: a capped MDR (infinite) would give 0
        out["minimum_detectable_ratio_below"] = np.where(np.isnan(se), np.nan, np.exp(-k * se))
    out["mdr_power"] = pw
    out["mdr_alpha"] = a
    if ratio is not None:
        r = _column(df, ratio, "ratio", where) if isinstance(ratio, str) else ratio
        out["power_at_ratio"] = power_for_ratio(r, cols["n1"], cols["a0"], cols["n0"], alpha=a, kind=kind)
    return out
