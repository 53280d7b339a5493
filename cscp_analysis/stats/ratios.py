"""Ratios between groups: risk ratio (relative rate index), Poisson rate ratio, disproportionality ratio.

Every function works on scalars or arrays (one comparison per element) and returns a
:class:`RatioInterval`: it unpacks as ``ratio, lower, upper = risk_ratio(...)`` (the contract in
docs/architecture.md §3.3) and also carries ``.p_value`` (two-sided, for ratio = 1) so that p-values can be
adjusted with :func:`cscp_analysis.stats.bh_adjust`.

* :func:`risk_ratio` — Katz log interval, as epitools ``riskratio.wald``; Wald z-test p-value on log RR.
* :func:`rate_ratio` — events per child (or per person-time) in two groups: exact conditional
  (Clopper–Pearson on the binomial split of the events) by default, or log-normal (Wald).
* :func:`disproportionality_ratio` — share of a cohort over share of the population, with the
  Wilson interval of the cohort share and the score-test p-value (population shares are taken as
  known, e.g. ONS estimates).
* :func:`significance_flag` — "higher" / "lower" / "similar" for a ratio interval against 1.

Sources: Katz D et al. (1978) Biometrics 34:469-474; Rothman KJ, Greenland S (1998) *Modern
Epidemiology* 2nd edn; epitools ``riskratio.wald`` (Aragón T); Jewell NP (2004) *Statistics for
Epidemiology* pp 81-83; Clopper CJ, Pearson ES (1934) Biometrika 26:404-413; Armitage P, Berry G
(2002) §5.3 (comparison of two Poisson counts); Wilson EB (1927).
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaincinv, ndtr
from scipy.stats import binom

from ._checks import _confidence, _counts, _no_more_than, _positive, _z
from .intervals import _wilson

__all__ = [
    "RatioInterval",
    "risk_ratio",
    "rate_ratio",
    "disproportionality_ratio",
    "significance_flag",
]


class RatioInterval(tuple):
    """``(ratio, lower, upper)`` with the two-sided p-value for ratio = 1 as ``.p_value``.

    Unpacks as three values, as docs/architecture.md §3.3 promises; ``.ratio``, ``.lower``, ``.upper``,
    ``.p_value`` and ``.method`` are also available by name.
    """

    def __new__(cls, ratio, lower, upper, p_value, method: str):
        obj = super().__new__(cls, (_out(ratio), _out(lower), _out(upper)))
        obj.p_value = _out(p_value)
        obj.method = method
        return obj

    @property
    def ratio(self):
        return self[0]

    @property
    def lower(self):
        return self[1]

    @property
    def upper(self):
        return self[2]

    def __repr__(self) -> str:
        return (f"RatioInterval(ratio={self[0]!r}, lower={self[1]!r}, upper={self[2]!r}, "
                f"p_value={self.p_value!r}, method={self.method!r})")


def _out(a):
    """Return 0-d results as numpy floats, arrays as arrays."""
    a = np.asarray(a, dtype=float)
    return a[()] if a.ndim == 0 else a


def _two_sided_normal(z):
    with np.errstate(invalid="ignore"):
        return 2 * ndtr(-np.abs(z))


def risk_ratio(a1, n1, a0, n0, confidence=0.95) -> RatioInterval:
    """Risk ratio (relative rate index) of group 1 against group 0 with the Katz log interval.

    RR = (a1/n1) / (a0/n0);  SE(ln RR) = √(1/a1 − 1/n1 + 1/a0 − 1/n0);
    lower, upper = exp(ln RR ∓ z·SE);  p = 2·(1 − Φ(|ln RR| / SE))

    As epitools ``riskratio.wald`` (Katz et al. 1978) and statsmodels ``Table2x2.riskratio_confint``.
    ``a`` are children with the outcome, ``n`` the children at risk (a ≤ n). Where a1 or a0 is
    zero the log ratio is undefined: the interval and p-value are NaN (the ratio itself is 0 or
    infinite); no continuity correction is applied. The p-value is the Wald test of ln RR = 0, so
    p < 1 − c exactly when the interval excludes 1.
    """
    where = "risk_ratio"
    a1 = _counts(a1, "a1", where=where)
    n1 = _positive(n1, "n1", where=where)
    a0 = _counts(a0, "a0", where=where)
    n0 = _positive(n0, "n0", where=where)
    _no_more_than(a1, n1, "a1", "n1", where=where)
    _no_more_than(a0, n0, "a0", "n0", where=where)
    z = _z(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        rr = (a1 / n1) / (a0 / n0)
        se = np.sqrt(1 / a1 - 1 / n1 + 1 / a0 - 1 / n0)
        ok = (a1 > 0) & (a0 > 0)
        se = np.where(ok, se, np.nan)
        log_rr = np.log(np.where(ok, rr, np.nan))
        lower = np.exp(log_rr - z * se)
        upper = np.exp(log_rr + z * se)
        p = _two_sided_normal(log_rr / se)
        # identical risks: SE may be 0 only when both groups have every child with the outcome
        p = np.where(ok & (se == 0), 1.0, p)
    return RatioInterval(rr, lower, upper, p, "Katz log (Wald)")


def rate_ratio(x1, t1, x0, t0, confidence=0.95, method="exact") -> RatioInterval:
    """Poisson rate ratio of group 1 against group 0, e.g. missing episodes per child.

    RR = (x1/t1) / (x0/t0), with x events over exposure t (children, or child-years).

    ``method="exact"`` (default): conditional on the total events x1 + x0, x1 is binomial with
    p = RR·t1 / (RR·t1 + t0). The Clopper–Pearson limits (pL, pU) of x1 / (x1 + x0) give
    RR limits pL/(1 − pL) · t0/t1 and pU/(1 − pU) · t0/t1 (Armitage & Berry 2002 §5.3). The p-value
    is the exact conditional binomial test of p = t1/(t1 + t0), two-sided by doubling the smaller
    tail (capped at 1), so it agrees with the central interval: p < 1 − c exactly when the interval
    excludes 1. Valid for any counts, including zero events in one group.

    ``method="wald"``: log-normal, SE(ln RR) = √(1/x1 + 1/x0), NaN when either count is zero.

    Events may exceed the number of children (a child can go missing many times), so there is no
    x ≤ t check; counts must be non-negative and exposures positive.
    """
    where = "rate_ratio"
    x1 = _counts(x1, "x1", where=where)
    t1 = _positive(t1, "t1", where=where)
    x0 = _counts(x0, "x0", where=where)
    t0 = _positive(t0, "t0", where=where)
    c = _confidence(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        rr = (x1 / t1) / (x0 / t0)
    if method == "exact":
        alpha = 1 - c
        total = x1 + x0
        with np.errstate(divide="ignore", invalid="ignore"):
            # Clopper-Pearson: pL = Beta⁻¹(α/2; x1, x0 + 1), pU = Beta⁻¹(1 − α/2; x1 + 1, x0)
            p_lo = np.where(x1 > 0, betaincinv(np.maximum(x1, 1e-300), x0 + 1, alpha / 2), 0.0)
            p_hi = np.where(x0 > 0, betaincinv(x1 + 1, np.maximum(x0, 1e-300), 1 - alpha / 2), 1.0)
            odds = t0 / t1
            lower = p_lo / (1 - p_lo) * odds
            upper = np.where(p_hi < 1, p_hi / (1 - p_hi) * odds, np.inf)
            p_null = t1 / (t1 + t0)
            lower_tail = binom.cdf(x1, total, p_null)
            upper_tail = binom.sf(x1 - 1, total, p_null)
            p = np.minimum(1.0, 2 * np.minimum(lower_tail, upper_tail))
            none = total == 0
            lower = np.where(none, np.nan, lower)
            upper = np.where(none, np.nan, upper)
            p = np.where(none, np.nan, p)
        nan = np.isnan(x1) | np.isnan(x0)
        lower, upper, p = (np.where(nan, np.nan, v) for v in (lower, upper, p))
        return RatioInterval(rr, lower, upper, p, "Exact conditional (Clopper-Pearson)")
    if method == "wald":
        z = _z(c)
        with np.errstate(divide="ignore", invalid="ignore"):
            ok = (x1 > 0) & (x0 > 0)
            se = np.where(ok, np.sqrt(1 / x1 + 1 / x0), np.nan)
            log_rr = np.log(np.where(ok, rr, np.nan))
            return RatioInterval(rr, np.exp(log_rr - z * se), np.exp(log_rr + z * se),
                                 _two_sided_normal(log_rr / se), "Log-normal (Wald)")
    raise ValueError(f"rate_ratio: 'method' must be 'exact' or 'wald', not {method!r}")


def disproportionality_ratio(cohort, cohort_total, population, population_total, confidence=0.95) -> RatioInterval:
    """Disproportionality ratio: a group's share of a cohort over its share of the population.

    DR = (cohort / cohort_total) / (population / population_total)

    e.g. Black children are 12% of children on a plan and 6% of children in the area: DR = 2.0.
    The population shares come from ONS estimates and are treated as known; the cohort share
    s = cohort / cohort_total is binomial, so the interval is its Wilson interval divided by the
    population share, and the p-value is the score test of s = population share (the test the
    Wilson interval inverts, so p < 1 − c exactly when the interval excludes 1).
    """
    where = "disproportionality_ratio"
    a = _counts(cohort, "cohort", where=where)
    big_a = _positive(cohort_total, "cohort_total", where=where)
    p = _counts(population, "population", where=where)
    big_p = _positive(population_total, "population_total", where=where)
    _no_more_than(a, big_a, "cohort", "cohort_total", where=where)
    _no_more_than(p, big_p, "population", "population_total", where=where)
    z = _z(confidence)
    share_pop = p / big_p
    with np.errstate(divide="ignore", invalid="ignore"):
        share = a / big_a
        lo, hi = _wilson(a, big_a, z)
        dr = share / share_pop
        lower, upper = lo / share_pop, hi / share_pop
        score = (share - share_pop) / np.sqrt(share_pop * (1 - share_pop) / big_a)
        pv = _two_sided_normal(score)
        degenerate = (share_pop <= 0) | (share_pop >= 1)
        dr, lower, upper, pv = (np.where(degenerate, np.nan, v) for v in (dr, lower, upper, pv))
    return RatioInterval(dr, lower, upper, pv, "Wilson score on the cohort share")


def significance_flag(lower, upper, null=1.0):
    """'higher' when the interval is wholly above ``null`` (1 for ratios), 'lower' when wholly below,
    'similar' when it contains it, 'not compared' when either limit is missing. Vectorised."""
    lo = np.asarray(lower, dtype=float)
    hi = np.asarray(upper, dtype=float)
    ref = np.asarray(null, dtype=float)
    out = np.where(lo > ref, "higher", np.where(hi < ref, "lower", "similar")).astype(object)
    out = np.where(np.isnan(lo) | np.isnan(hi) | np.isnan(ref), "not compared", out)
    return out[()] if out.ndim == 0 else out
