"""Age standardisation: directly standardised rates (Dobson) and indirectly standardised ratios.

Direct standardisation answers "what would each group's rate be if it had the standard age
profile?" — use it to compare ethnic groups whose age profiles differ (docs/architecture.md §4). For children
the partnership will usually standardise to **its own total child population** (the default:
``standard=None`` sums the population of every group by age band); any other standard can be given,
including the European Standard Population 2013 restricted to ages 0–17 (:func:`esp2013_children`).

Indirect standardisation answers "how many events would this group have had at the reference
group's age-specific rates?": observed / expected, for benchmarking small groups or small areas.

Sources: Dobson AJ, Kuulasmaa K, Eberle E, Scherer J (1991) Confidence intervals for weighted sums
of Poisson parameters. Stat Med 10:457-462; PHEindicatormethods ``phe_dsr`` and
``calculate_ISRatio``; Breslow NE, Day NE (1987); Eurostat (2013) *Revision of the European
Standard Population*.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._checks import _column, _confidences, _counts, _label, _numeric, _positive, _rows, _suffix, _z
from .intervals import EXACT_BELOW, _byar, _multiplier, _per, _poisson

__all__ = ["esp2013_children", "dsr", "isr", "DSR_MIN_EVENTS"]

#: DSRs are not calculated (NaN) below this many events in a group (PHEindicatormethods).
DSR_MIN_EVENTS = 10


def esp2013_children(single_year: bool = False) -> pd.Series:
    """European Standard Population 2013 weights for ages 0–17.

    Five-year bands 0-4, 5-9, 10-14 carry 5,000, 5,500 and 5,500; ESP 2013's 15-19 band (5,500) is
    cut to ages 15–17 as 3/5 of it, 3,300, because ESP 2013 is uniform within that band (1,100 per
    single year). ``single_year=True`` gives ages 0..17: 1,000 for each of ages 0–4 (ESP 2013: under
    1 = 1,000, 1–4 = 4,000) and 1,100 for each of ages 5–17.
    """
    if single_year:
        return pd.Series([1000.0] * 5 + [1100.0] * 13, index=pd.Index(range(18), name="age"), name="esp2013")
    return pd.Series([5000.0, 5500.0, 5500.0, 3300.0],
                     index=pd.Index(["0-4", "5-9", "10-14", "15-17"], name="age_band"), name="esp2013")


def _group_keys(df: pd.DataFrame, group_by, where: str) -> list:
    if group_by is None:
        return []
    keys = [group_by] if isinstance(group_by, str) or not isinstance(group_by, Sequence) else list(group_by)
    for k in keys:
        _column(df, k, "group_by", where)
    return keys


def _weights(df: pd.DataFrame, pop: np.ndarray, age, standard, keys: list, where: str) -> np.ndarray:
    """One standard-population weight per row of ``df``."""
    if isinstance(standard, str) and standard in df.columns:
        return _counts(df[standard], standard, where=where, index=df.index)
    if age is None:
        raise ValueError(f"{where}: 'age' (the age-band column) is needed unless 'standard' names a column "
                         f"of standard populations")
    ages = _column(df, age, "age", where)
    if standard is None:
        # the data's own total population by age band: the partnership standardises to itself
        totals = pd.Series(pop, index=df.index).groupby(ages.to_numpy(), sort=False, dropna=False).sum()
        weights = ages.map(totals)
    else:
        if isinstance(standard, str) and standard.lower() in ("esp2013", "esp2013_children"):
            standard = esp2013_children()
        if not isinstance(standard, (Mapping, pd.Series)):
            raise ValueError(f"{where}: 'standard' must be None (the data's own population), a column name, "
                             f"'esp2013', or a mapping from age band to standard population; got {standard!r}")
        std = pd.Series(standard) if not isinstance(standard, pd.Series) else standard
        weights = ages.map(std)
        missing = weights.isna().to_numpy()
        if missing.any():
            example = ages.to_numpy()[np.flatnonzero(missing)[0]]
            raise ValueError(f"{where}: age band {example!r} has no standard population ({_rows(missing, df.index)}); "
                             f"standard bands are {', '.join(map(str, std.index))}")
        if keys:
            grouped = ages.groupby([df[k] for k in keys], sort=False, dropna=False)
            distinct, size = grouped.nunique(dropna=False), grouped.size()
            short = (distinct != len(std)) | (size != len(std))
            if short.any():
                raise ValueError(f"{where}: every group needs exactly one row for each of the {len(std)} standard "
                                 f"age bands ({', '.join(map(str, std.index))}); group {short.index[short.to_numpy()][0]!r} "
                                 f"has {int(size[short].iloc[0])} rows covering {int(distinct[short].iloc[0])} bands")
    return _counts(weights, "standard", where=where, index=df.index)


def dsr(df: pd.DataFrame, count, pop, group_by=None, age=None, standard=None, multiplier=10_000,
        confidence=0.95) -> pd.DataFrame:
    """Directly standardised rates by group with Dobson confidence intervals, as PHEindicatormethods ``phe_dsr``.

    For a group with events xᵢ and population nᵢ in age band i, and standard weights wᵢ:

        DSR = Σ wᵢ xᵢ/nᵢ / Σ wᵢ × multiplier
        var = Σ xᵢ (wᵢ/nᵢ)² / (Σ wᵢ)²,  O = Σ xᵢ
        lower, upper = DSR + √(var/O) · (O_L − O) × multiplier, with (O_L, O_U) Byar's limits of O

    (Dobson et al. 1991). Groups with fewer than 10 events get NaN value and limits, as
    PHEindicatormethods. Missing counts count as zero (PHEindicatormethods ``na.zero``);
    populations must be positive.

    ``df`` has one row per group × age band. ``group_by`` names the grouping column(s) (None: one
    group). ``standard`` is None (the total population of all groups by age band — the default for
    a partnership standardising to its own children), a column of ``df`` holding each row's standard
    population, ``"esp2013"`` (:func:`esp2013_children`), or a mapping / Series from age band to
    weight. Returns one row per group in order of first appearance: the group columns,
    ``total_count``, ``total_pop``, ``value``, ``lower_ci``, ``upper_ci`` (or ``lowerXX_ci`` ...),
    ``confidence``, ``statistic`` ("DSR per 10,000") and ``method`` ("Dobson").
    """
    where = "dsr"
    x = _counts(_column(df, count, "count", where), count, where=where, index=df.index)
    n = _positive(_column(df, pop, "pop", where), pop, where=where, index=df.index)
    keys = _group_keys(df, group_by, where)
    w = _weights(df, n, age, standard, keys, where)
    m = _multiplier(multiplier, where)
    levels = _confidences(confidence)
    x0 = np.nan_to_num(x, nan=0.0)
    parts = pd.DataFrame({"total_count": x0, "total_pop": n, "_w": w, "_wt": x0 * w / n,
                          "_sq": x0 * (w / n) ** 2}, index=df.index)
    if keys:
        sums = parts.groupby([df[k] for k in keys], sort=False, dropna=False).sum()
    else:
        sums = parts.sum().to_frame().T
    o = sums["total_count"].to_numpy()
    value = sums["_wt"].to_numpy() / sums["_w"].to_numpy() * m
    var = sums["_sq"].to_numpy() / sums["_w"].to_numpy() ** 2
    enough = o >= DSR_MIN_EVENTS
    out = sums[["total_count", "total_pop"]].reset_index() if keys else sums[["total_count", "total_pop"]].reset_index(drop=True)
    out["value"] = np.where(enough, value, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.sqrt(var / o) * m
        for c in levels:
            lo, hi = _byar(o, _z(c))
            lower = np.where(enough, value + scale * (lo - o), np.nan)
            upper = np.where(enough, value + scale * (hi - o), np.nan)
            if len(levels) == 1:
                out["lower_ci"], out["upper_ci"] = lower, upper
            else:
                out[f"lower{_suffix(c)}_ci"], out[f"upper{_suffix(c)}_ci"] = lower, upper
    out["confidence"] = _label(levels)
    out["statistic"] = np.where(enough, f"DSR per {_per(m)}", f"DSR not calculated: fewer than {DSR_MIN_EVENTS} events")
    out["method"] = "Dobson"
    return out


def isr(df: pd.DataFrame, count, pop, group_by=None, ref_count=None, ref_pop=None, age=None, ref_rate=None,
        refvalue=1, confidence=0.95) -> pd.DataFrame:
    """Indirectly standardised ratios (SMR-type) by group, as PHEindicatormethods ``calculate_ISRatio``.

    expected E = Σ nᵢ · rᵢ with rᵢ the reference rate in age band i; observed O = Σ xᵢ;
    ISR = O / E × refvalue;  limits = Poisson limits of O / E × refvalue, exact below 10 events and
    Byar's from 10 (:func:`poisson_interval`).

    The reference rates are, in order of precedence: ``ref_rate`` (a column of rates per person,
    not per 10,000), or ``ref_count`` / ``ref_pop`` (columns of reference events and population),
    or — with ``age`` given and no reference columns — the rates of all groups in ``df`` combined,
    by age band (each group against the partnership as a whole). Returns one row per group:
    the group columns, ``observed``, ``expected``, ``value``, the interval columns, ``confidence``,
    ``statistic`` ("Indirectly standardised ratio x 100" when ``refvalue`` is 100) and ``method``
    ("Exact" or "Byars").
    """
    where = "isr"
    x = np.nan_to_num(_counts(_column(df, count, "count", where), count, where=where, index=df.index), nan=0.0)
    n = _counts(_column(df, pop, "pop", where), pop, where=where, index=df.index)
    keys = _group_keys(df, group_by, where)
    levels = _confidences(confidence)
    ref_m = _multiplier(refvalue, where)
    if ref_rate is not None:
        r = _counts(_column(df, ref_rate, "ref_rate", where), ref_rate, where=where, index=df.index)
    elif ref_count is not None or ref_pop is not None:
        if ref_count is None or ref_pop is None:
            raise ValueError(f"{where}: give both 'ref_count' and 'ref_pop', or 'ref_rate'")
        rc = np.nan_to_num(_counts(_column(df, ref_count, "ref_count", where), ref_count, where=where,
                                   index=df.index), nan=0.0)
        rp = _positive(_column(df, ref_pop, "ref_pop", where), ref_pop, where=where, index=df.index)
        r = rc / rp
    elif age is not None:
        ages = _column(df, age, "age", where).to_numpy()
        sums = pd.DataFrame({"x": x, "n": n}).groupby(ages, sort=False, dropna=False).sum()
        if (sums["n"] <= 0).any():
            raise ValueError(f"{where}: the reference population is zero in age band "
                             f"{sums.index[(sums['n'] <= 0).to_numpy()][0]!r}")
        r = pd.Series(ages).map(sums["x"] / sums["n"]).to_numpy(dtype=float)
    else:
        raise ValueError(f"{where}: give reference rates ('ref_rate'), reference counts and populations "
                         f"('ref_count' and 'ref_pop'), or 'age' to use all groups combined as the reference")
    r = _numeric(r, "reference rate", where=where)
    parts = pd.DataFrame({"observed": x, "expected": n * r}, index=df.index)
    if keys:
        sums = parts.groupby([df[k] for k in keys], sort=False, dropna=False).sum()
        out = sums.reset_index()
    else:
        out = parts.sum().to_frame().T.reset_index(drop=True)
    o = out["observed"].to_numpy(dtype=float)
    e = out["expected"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["value"] = o / e * ref_m
        for c in levels:
            lo, hi = _poisson(o, c)
            lower, upper = lo / e * ref_m, hi / e * ref_m
            if len(levels) == 1:
                out["lower_ci"], out["upper_ci"] = lower, upper
            else:
                out[f"lower{_suffix(c)}_ci"], out[f"upper{_suffix(c)}_ci"] = lower, upper
    out["confidence"] = _label(levels)
    out["statistic"] = "Indirectly standardised ratio" + ("" if ref_m == 1 else f" x {_per(ref_m)}")
    out["method"] = np.where(o < EXACT_BELOW, "Exact", "Byars")
    return out
