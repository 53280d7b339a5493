"""The statistics this package uses, in one place.

Everything comes from the statistics core (``cscp_analysis.stats``) except :func:`proportion_ratio`,
the ratio of two proportions with the score interval and score test, which the core does not
offer yet; it calls statsmodels' reference implementation (nothing is re-derived here) and belongs
in the core when the core grows one.
"""

from __future__ import annotations

import warnings

import numpy as np
from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

from ..stats import bh_adjust, disproportionality_ratio, dsr, proportion, rate, rate_ratio, risk_ratio

__all__ = ["bh_adjust", "disproportionality_ratio", "dsr", "proportion", "rate", "rate_ratio", "risk_ratio",
           "proportion_ratio"]


def proportion_ratio(x1, n1, x0, n0, confidence: float = 0.95):
    """Ratio of two proportions (x1/n1) / (x0/n0): ``(ratio, lower, upper, p_value)`` arrays.

    Interval: the score interval of Koopman (1984) with the Miettinen–Nurminen (1985) small-sample
    factor n/(n − 1), as statsmodels ``confint_proportions_2indep(compare="ratio", method="score")``;
    p-value: the matching score test of ratio = 1, ``test_proportions_2indep(compare="ratio",
    method="score")``. Used for decision points, where a proportion can be close to 1 (nine in ten
    referred children are assessed): there the Katz (Wald) interval is far too narrow, because its
    standard error √(1/x − 1/n) shrinks to nothing as x approaches n (e.g. 58 of 58 gives an
    interval of width 0.02 around a ratio of 1.08). Rows with a missing count, n ≤ 0 or both
    proportions 0 give NaN.
    """
    x1, n1, x0, n0 = (np.asarray(v, float) for v in (x1, n1, x0, n0))
    alpha = 1 - (confidence / 100 if confidence > 1 else confidence)
    ok = np.isfinite(x1) & np.isfinite(n1) & np.isfinite(x0) & np.isfinite(n0) & (n1 > 0) & (n0 > 0) & \
        ((x1 + x0) > 0) & (x0 > 0)
    ratio = np.full(x1.shape, np.nan)
    lower, upper, p = ratio.copy(), ratio.copy(), ratio.copy()
    if not ok.any():
        return ratio, lower, upper, p
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ratio[ok] = (x1[ok] / n1[ok]) / (x0[ok] / n0[ok])
        p[ok] = np.asarray(test_proportions_2indep(x1[ok], n1[ok], x0[ok], n0[ok], compare="ratio",
                                                   method="score").pvalue, float)
        for i in np.flatnonzero(ok):  # one cubic per group (tens to hundreds of rows), not per child
            lo, hi = confint_proportions_2indep(x1[i], n1[i], x0[i], n0[i], compare="ratio", method="score", alpha=alpha)
            lower[i], upper[i] = lo, hi
    return ratio, lower, upper, p
