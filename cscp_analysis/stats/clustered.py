"""Intervals for proportions whose answers come in clusters: gradings within cases, answers within children.

An audit of 8 cases graded 195 times, or a survey of about 112 children giving 900 answers, does
not hold 195 or 900 independent observations: gradings of one case, or answers of one child, tend
to agree. A Wilson interval on the raw counts is then too narrow. Two remedies, both at the level
of the cluster (the case, the child):

**Design effect** (Kish 1965; Donner & Klar 2000, ch. 5). For clusters i = 1 … k with mᵢ answers,
yᵢ of them "yes", N = Σmᵢ, Y = Σyᵢ:

* intracluster correlation by the one-way analysis-of-variance estimator for binary data
  (Donner & Klar 2000; Ridout, Demétrio & Firth 1999):

      MSB = (Σ yᵢ²/mᵢ − Y²/N) / (k − 1),   MSW = (Y − Σ yᵢ²/mᵢ) / (N − k),
      m₀ = (N − Σmᵢ²/N) / (k − 1),          ICC = (MSB − MSW) / (MSB + (m₀ − 1) MSW)

* design effect for unequal cluster sizes, deff = 1 + (m̃ − 1)·ICC with m̃ = Σmᵢ² / N, which is
  Eldridge, Ashby & Kerry's (2006) 1 + ((cv² + 1)m̄ − 1)·ICC (cv with divisor k) and Kish's
  1 + (m − 1)·ICC when the clusters are of equal size m;
* effective sample size n_eff = N / deff and effective count Y / deff; the interval is the Wilson
  interval of Y/deff out of N/deff (Kish 1965; Korn & Graubard 1998; Dean & Pagano 2015).

Decisions: a negative ICC estimate (answers less alike within clusters than between them) is
reported but the design effect uses 0, so the interval is never narrower than Wilson's; where the
ICC cannot be estimated (a single cluster, or no variation at all: every answer "yes" or every
answer "no") the design effect uses ICC = 1 (each cluster counts once), the cautious choice, unless
an ICC is supplied (``icc=``, e.g. from a larger audit). With clusters of one answer each the
design effect is 1 and the interval is Wilson's.

**Cluster bootstrap** (Davison & Hinkley 1997, ch. 3; Field & Welsh 2007): resample whole clusters
with replacement, recompute Σyᵢ*/Σmᵢ* each time, and take the (1 − c)/2 and (1 + c)/2 percentiles.
Deterministic for a given ``seed``. With few clusters (8 cases) the percentile bootstrap is too
narrow by about √((k − 1)/k) and cannot show values no resample produces; prefer the design
effect, or report both.

Both need the answers of each cluster summed: pass one row per cluster, or one row per answer with
the cluster's identifier (the table function sums them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from ._checks import _column, _confidence, _counts, _label, _no_more_than, _numeric, _positive, _rows, _z
from .intervals import _multiplier, _per, _wilson

__all__ = [
    "ClusteredInterval",
    "icc_anova",
    "design_effect",
    "clustered_wilson_interval",
    "cluster_bootstrap_interval",
    "clustered_proportion",
    "BOOTSTRAP_REPLICATES",
    "BOOTSTRAP_SEED",
]

BOOTSTRAP_REPLICATES = 5000
BOOTSTRAP_SEED = 20240401


class ClusteredInterval(NamedTuple):
    """A proportion from clustered answers with its design-effect Wilson interval."""

    value: float
    lower: float
    upper: float
    icc: float             # the estimate (may be negative or NaN); the design effect uses max(0, ICC), 1 if NaN
    design_effect: float
    effective_n: float
    clusters: int


def _icc_from_sums(big_n, big_y, sum_y2_over_m, sum_m2, k):
    """ANOVA ICC from the sums of each group (vectorised over groups)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        msb = (sum_y2_over_m - big_y ** 2 / big_n) / (k - 1)
        msw = (big_y - sum_y2_over_m) / (big_n - k)
        m0 = (big_n - sum_m2 / big_n) / (k - 1)
        icc = (msb - msw) / (msb + (m0 - 1) * msw)
    return np.where(np.isfinite(icc), icc, np.nan)


def _deff_from_sums(big_n, sum_m2, icc):
    """Design effect 1 + (m̃ − 1)·ICC, m̃ = Σm²/N, with ICC floored at 0 and NaN taken as 1."""
    m_tilde = sum_m2 / big_n
    rho = np.where(np.isnan(icc), 1.0, np.maximum(icc, 0.0))
    return np.where(m_tilde <= 1, 1.0, 1 + (m_tilde - 1) * rho)


def _clusters(events, sizes, where):
    y = _counts(events, "events", where=where).ravel()
    m = _positive(sizes, "sizes", where=where).ravel()
    if y.shape != m.shape:
        raise ValueError(f"{where}: 'events' and 'sizes' must have one value per cluster each; got {y.size} and {m.size}")
    missing = np.isnan(y) | np.isnan(m)
    if missing.any():
        raise ValueError(f"{where}: 'events' or 'sizes' is missing for cluster(s) in {_rows(missing)}")
    _no_more_than(y, m, "events", "sizes", where=where)
    if y.size == 0:
        raise ValueError(f"{where}: there are no clusters")
    return y, m


def icc_anova(events, sizes) -> float:
    """Intracluster correlation of a binary answer by the one-way ANOVA estimator.

    ``events[i]`` "yes" answers out of ``sizes[i]`` answers in cluster i (one value per cluster).

        ICC = (MSB − MSW) / (MSB + (m₀ − 1)·MSW),  m₀ = (N − Σmᵢ²/N) / (k − 1)

    with the between- and within-cluster mean squares of the 0/1 answers (Donner & Klar 2000),
    the same mean squares as a one-way analysis of variance of the answers on the cluster. NaN when
    it cannot be estimated (one cluster, clusters of one answer, or no variation at all). Can be
    negative.
    """
    y, m = _clusters(events, sizes, "icc_anova")
    return float(_icc_from_sums(m.sum(), y.sum(), (y * y / m).sum(), (m * m).sum(), y.size))


def design_effect(sizes, icc) -> float:
    """Kish design effect for clusters of unequal size: deff = 1 + (m̃ − 1)·ICC, m̃ = Σmᵢ² / Σmᵢ.

    Equal sizes m give 1 + (m − 1)·ICC (Kish 1965); m̃ = (cv² + 1)·m̄ (Eldridge, Ashby & Kerry 2006).
    A negative ICC is taken as 0 (deff ≥ 1); a missing ICC as 1 (the cautious choice).
    """
    m = _positive(sizes, "sizes", where="design_effect").ravel()
    rho = _numeric(icc, "icc", where="design_effect")
    if rho.size != 1 or rho.ravel()[0] > 1:
        raise ValueError(f"design_effect: 'icc' must be a single number no greater than 1; got {icc!r}")
    return float(_deff_from_sums(m.sum(), (m * m).sum(), rho.ravel()[0]))


def clustered_wilson_interval(events, sizes, confidence=0.95, icc=None) -> ClusteredInterval:
    """Proportion Σyᵢ/Σmᵢ of clustered answers with the Wilson interval of its effective counts.

    deff = 1 + (m̃ − 1)·ICC (:func:`design_effect`, ICC by :func:`icc_anova` unless ``icc`` is given);
    lower, upper = Wilson(Y/deff, N/deff). Returns a :class:`ClusteredInterval` (value, lower,
    upper, icc, design_effect, effective_n, clusters). Clusters of one answer each give the ordinary
    Wilson interval.
    """
    where = "clustered_wilson_interval"
    y, m = _clusters(events, sizes, where)
    big_n, big_y, sum_m2 = m.sum(), y.sum(), (m * m).sum()
    if icc is None:
        rho = float(_icc_from_sums(big_n, big_y, (y * y / m).sum(), sum_m2, y.size))
    else:
        rho = _given_icc(icc, where)
    deff = float(_deff_from_sums(big_n, sum_m2, rho))
    lo, hi = _wilson(np.float64(big_y / deff), np.float64(big_n / deff), _z(confidence))
    return ClusteredInterval(float(big_y / big_n), float(lo), float(hi), rho, deff, float(big_n / deff), int(y.size))


def _given_icc(icc, where) -> float:
    arr = _numeric(icc, "icc", where=where)
    if arr.size != 1 or np.isnan(arr).any() or not (-1 < arr.ravel()[0] <= 1):
        raise ValueError(f"{where}: 'icc' must be a single number between -1 and 1; got {icc!r}")
    return float(arr.ravel()[0])


def _bootstrap(y: np.ndarray, m: np.ndarray, confidence: float, replicates: int, rng) -> tuple[float, float]:
    """Percentile interval of Σy*/Σm* over cluster resamples (vectorised in chunks of replicates)."""
    k = y.size
    chunk = max(1, min(replicates, 4_000_000 // max(k, 1)))
    estimates = np.empty(replicates)
    done = 0
    while done < replicates:
        r = min(chunk, replicates - done)
        idx = rng.integers(0, k, size=(r, k))
        estimates[done:done + r] = y[idx].sum(axis=1) / m[idx].sum(axis=1)
        done += r
    alpha = 1 - confidence
    lo, hi = np.quantile(estimates, [alpha / 2, 1 - alpha / 2])
    return float(lo), float(hi)


def _replicates(replicates, where) -> int:
    if isinstance(replicates, bool) or not isinstance(replicates, (int, np.integer)) or replicates < 100:
        raise ValueError(f"{where}: 'replicates' must be a whole number of at least 100 (5000 is usual); "
                         f"got {replicates!r}")
    return int(replicates)


def _seed(seed, where) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"{where}: 'seed' must be a whole number of at least 0 (results depend on it); got {seed!r}")
    return int(seed)


def cluster_bootstrap_interval(events, sizes, confidence=0.95, replicates=BOOTSTRAP_REPLICATES,
                               seed=BOOTSTRAP_SEED) -> tuple[float, float]:
    """Cluster (case-level) percentile bootstrap interval of the proportion Σyᵢ/Σmᵢ.

    Each replicate draws k clusters with replacement from the k clusters; the limits are the
    (1 − c)/2 and (1 + c)/2 quantiles (numpy's default, linear interpolation) of the replicates'
    Σy*/Σm*. Deterministic: the same ``seed`` gives the same interval (numpy ``default_rng``).
    Returns (lower, upper).
    """
    where = "cluster_bootstrap_interval"
    y, m = _clusters(events, sizes, where)
    rng = np.random.default_rng(_seed(seed, where))
    return _bootstrap(y, m, _confidence(confidence), _replicates(replicates, where), rng)


def clustered_proportion(df: pd.DataFrame, num, den, cluster, group_by=None, confidence=0.95, multiplier=1,
                         method="design_effect", icc=None, replicates=BOOTSTRAP_REPLICATES,
                         seed=BOOTSTRAP_SEED) -> pd.DataFrame:
    """Proportions of clustered answers with intervals that allow for the clustering (table form).

    ``df`` holds counts at any level at or below the cluster (one row per answer with ``num`` 0/1
    and ``den`` 1, or one row per cluster with its totals); rows are summed within each cluster
    (``cluster`` names the column identifying the case or child) and each group (``group_by``: the
    column(s) of the question, the audit standard…).

    ``method="design_effect"`` (default): Wilson interval on the effective counts (vectorised over
    groups); ``"bootstrap"``: cluster percentile bootstrap (``replicates``, ``seed``; group g uses
    the random stream ``default_rng([seed, g])``, g counting groups in order of first appearance).
    ``icc`` fixes the ICC for every group instead of estimating it.

    One row per group, in order of first appearance: the group columns, ``numerator``,
    ``denominator``, ``clusters``, ``mean_cluster_size`` (N/k), ``icc``, ``design_effect``,
    ``effective_n``, ``value`` (× multiplier), ``lower_ci``, ``upper_ci``, ``confidence``,
    ``statistic`` and ``method``. The ICC and design effect are reported with either method.
    """
    where = "clustered_proportion"
    if method not in ("design_effect", "bootstrap"):
        raise ValueError(f"{where}: 'method' must be 'design_effect' or 'bootstrap'; got {method!r}")
    x = _counts(_column(df, num, "num", where), num, where=where, index=df.index)
    n = _positive(_column(df, den, "den", where), den, where=where, index=df.index)
    _no_more_than(x, n, num, den, where=where, index=df.index)
    missing = np.isnan(x) | np.isnan(n)
    if missing.any():
        raise ValueError(f"{where}: '{num}' or '{den}' is missing in {_rows(missing, df.index)}; "
                         f"an answer without a count cannot be placed (remove it and say so)")
    cl = _column(df, cluster, "cluster", where)
    if cl.isna().any():
        raise ValueError(f"{where}: '{cluster}' (the cluster) is missing in {_rows(cl.isna().to_numpy(), df.index)}")
    keys = [] if group_by is None else ([group_by] if isinstance(group_by, str) or not isinstance(group_by, Sequence)
                                        else list(group_by))
    for k in keys:
        _column(df, k, "group_by", where)
    m = _multiplier(multiplier, where)
    c = _confidence(confidence)
    rho_given = None if icc is None else _given_icc(icc, where)

    gcols = [f"_g{i}" for i in range(len(keys))]
    work = pd.DataFrame({**{g: df[k].to_numpy() for g, k in zip(gcols, keys, strict=True)},
                         "_c": cl.to_numpy(), "y": x, "m": n})
    if gcols:
        work["_gid"] = work.groupby(gcols, sort=False, dropna=False).ngroup().to_numpy()
    else:
        work["_gid"] = 0
    first_row = pd.Series(np.arange(len(work))).groupby(work["_gid"].to_numpy()).first().sort_index().to_numpy()
    per_cluster = work.groupby(["_gid", "_c"], sort=True, dropna=False)[["y", "m"]].sum().reset_index()
    per_cluster["y2m"] = per_cluster["y"] ** 2 / per_cluster["m"]
    per_cluster["m2"] = per_cluster["m"] ** 2
    sums = per_cluster.groupby("_gid", sort=True).agg(Y=("y", "sum"), N=("m", "sum"), y2m=("y2m", "sum"),
                                                      m2=("m2", "sum"), k=("y", "size"))
    big_y, big_n = sums["Y"].to_numpy(), sums["N"].to_numpy()
    k = sums["k"].to_numpy()
    rho = (_icc_from_sums(big_n, big_y, sums["y2m"].to_numpy(), sums["m2"].to_numpy(), k)
           if rho_given is None else np.full(len(sums), rho_given))
    deff = _deff_from_sums(big_n, sums["m2"].to_numpy(), rho)
    if method == "design_effect":
        lower, upper = _wilson(big_y / deff, big_n / deff, _z(c))
        label = "Wilson on effective counts (design effect)"
    else:
        reps = _replicates(replicates, where)
        base = _seed(seed, where)
        lower, upper = np.empty(len(sums)), np.empty(len(sums))
        for g, part in per_cluster.groupby("_gid", sort=True):  # one vectorised bootstrap per group
            rng = np.random.default_rng([base, int(g)])
            lower[g], upper[g] = _bootstrap(part["y"].to_numpy(), part["m"].to_numpy(), c, reps, rng)
        label = f"Cluster percentile bootstrap ({reps} replicates, seed {base})"

    out = pd.DataFrame({key: df[key].to_numpy()[first_row] for key in keys})
    out["numerator"] = big_y
    out["denominator"] = big_n
    out["clusters"] = k
    out["mean_cluster_size"] = big_n / k
    out["icc"] = rho
    out["design_effect"] = deff
    out["effective_n"] = big_n / deff
    out["value"] = big_y / big_n * m
    out["lower_ci"] = lower * m
    out["upper_ci"] = upper * m
    out["confidence"] = _label([c])
    out["statistic"] = "Proportion" if m == 1 else ("Percentage" if m == 100 else f"Proportion per {_per(m)}")
    out["method"] = label
    return out
