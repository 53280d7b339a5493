"""The statistics this package uses, in one place.

Everything comes from the statistics core (``cscp_analysis.stats``) except :func:`proportion_ratio`,
the ratio of two proportions with the Miettinen–Nurminen score test and interval, which the core
does not offer yet (tested against statsmodels' score test as the reference implementation). It
belongs in the core when the core grows one.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, ndtri

from ..stats import (
    bh_adjust,
    disproportionality_ratio,
    dsr,
    minimum_detectable_ratio,
    proportion,
    rate,
    rate_ratio,
    risk_ratio,
)

__all__ = ["bh_adjust", "disproportionality_ratio", "dsr", "minimum_detectable_ratio", "proportion", "rate",
           "rate_ratio", "risk_ratio", "proportion_ratio"]


def _score_z(x1, n1, x0, n0, theta):
    """Miettinen–Nurminen score statistic for H0: p1 / p0 = theta (vectorised).

    The proportions restricted to the null, p̃0 and p̃1 = θ·p̃0, maximise the likelihood under H0; p̃0 is
    the smaller root of  A p̃0² + B p̃0 + C = 0  with  A = N θ,  B = −(n1 θ + x1 + n0 + x0 θ),  C = x1 + x0
    (Farrington & Manning 1990, eq. 4; N = n1 + n0). Then

        z = (p̂1 − θ p̂0) / √( (p̃1 (1 − p̃1) / n1 + θ² p̃0 (1 − p̃0) / n0) · N / (N − 1) )

    (Miettinen & Nurminen 1985: the factor N / (N − 1)). This is the statistic of statsmodels
    ``test_proportions_2indep(compare="ratio", method="score")``.
    """
    big_n = n1 + n0
    a = big_n * theta
    b = -(n1 * theta + x1 + n0 + x0 * theta)
    c = x1 + x0
    disc = np.sqrt(np.maximum(b * b - 4 * a * c, 0.0))
    p0 = (-b - disc) / (2 * a)
    p1 = theta * p0
    var = (p1 * (1 - p1) / n1 + theta**2 * p0 * (1 - p0) / n0) * big_n / (big_n - 1)
    return (x1 / n1 - theta * x0 / n0) / np.sqrt(var)


def proportion_ratio(x1, n1, x0, n0, confidence: float = 0.95):
    """Ratio of two proportions (x1/n1) / (x0/n0): ``(ratio, lower, upper, p_value)`` arrays.

    p-value: the Miettinen–Nurminen score test of ratio = 1 (:func:`_score_z`; at ratio 1 it is
    Pearson's chi-square multiplied by (N − 1)/N). Interval: the values of the ratio θ at which that
    test has p = 1 − confidence, found by bisection on ln θ (60 halvings, all rows at once): the
    score interval of Koopman (1984) with the Miettinen–Nurminen factor.

    Used for decision points, where a proportion can be close to 1 (nine in ten referred children
    are assessed). There the Katz interval is far too narrow, because its standard error
    √(1/x − 1/n) vanishes as x approaches n: 58 of 58 children against 1,822 of 1,966 gives Katz
    1.07 to 1.09, the score interval 1.01 to 1.09. (statsmodels ``confint_proportions_2indep`` picks
    the wrong root of its cubic in that case, giving 1.077 to 1.094, which is why the interval is
    found by inverting the test here.) Rows with a missing count, n ≤ 0, or x0 = 0 give NaN.

    Belongs in the statistics core (``cscp_analysis.stats``) when the core grows a score interval.
    """
    x1, n1, x0, n0 = (np.asarray(v, float) for v in (x1, n1, x0, n0))
    c = confidence / 100 if confidence > 1 else confidence
    zc = float(ndtri(1 - (1 - c) / 2))
    ok = np.isfinite(x1) & np.isfinite(n1) & np.isfinite(x0) & np.isfinite(n0) & (n1 > 0) & (n0 > 0) & (x0 > 0) \
        & (x1 <= n1) & (x0 <= n0) & (n1 + n0 > 1)
    ratio = np.full(x1.shape, np.nan)
    lower, upper, p = ratio.copy(), ratio.copy(), ratio.copy()
    if not ok.any():
        return ratio, lower, upper, p
    a1, m1, a0, m0 = x1[ok], n1[ok], x0[ok], n0[ok]
    r = (a1 / m1) / (a0 / m0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z1 = _score_z(a1, m1, a0, m0, np.ones_like(r))
        pv = np.where(np.isfinite(z1), 2 * ndtr(-np.abs(z1)), 1.0)  # identical proportions of 0 or 1: z = 0/0

        def solve(lo, hi, target):
            # z(θ) decreases in θ; find z(θ) = target between lo and hi (log scale)
            llo, lhi = np.log(lo), np.log(hi)
            for _ in range(60):
                mid = (llo + lhi) / 2
                z = _score_z(a1, m1, a0, m0, np.exp(mid))
                above = z > target
                llo = np.where(above, mid, llo)
                lhi = np.where(above, lhi, mid)
            return np.exp((llo + lhi) / 2)

        tiny, huge = np.full_like(r, 1e-9), np.full_like(r, 1e9)
        lo_b = np.where(a1 > 0, solve(tiny, np.maximum(r, 1e-9), zc), 0.0)
        hi_b = solve(np.maximum(r, 1e-9), huge, -zc)
    ratio[ok], lower[ok], upper[ok], p[ok] = r, lo_b, hi_b, pv
    return ratio, lower, upper, p
