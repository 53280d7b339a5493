"""Adjustment of p-values for multiple comparisons.

Benjamini–Hochberg (1995) false discovery rate: with the m non-missing p-values of a family sorted,
p₍₁₎ ≤ … ≤ p₍ₘ₎, the adjusted value of p₍ᵢ₎ is min over j ≥ i of min(1, m·p₍ⱼ₎ / j). Without
families this is statsmodels ``multipletests(method="fdr_bh")``; with a ``family`` for each p-value
the same adjustment runs within each family separately (each with its own m), vectorised across
families. Missing p-values stay missing and are not counted in m (a group too small to test is not a
comparison made).

One family per question, across the whole pack: e.g. "is any ethnic group over-represented at any
stage of the child's journey?" is one family holding every group × stage comparison, so a worry
reported in the summary has had its false-discovery control across everything that could have
produced it. :func:`fdr_by_family` states the family and its size beside each adjusted p-value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from ._checks import _column, _numeric, _rows

__all__ = ["bh_adjust", "fdr_by_family"]


def _check_p(p, where: str, index=None) -> np.ndarray:
    arr = _numeric(p, "p", where=where)
    bad = (arr < 0) | (arr > 1)
    if bad.any():
        raise ValueError(f"{where}: 'p' must be between 0 and 1 but is outside in {_rows(bad, index)}")
    return arr


def _bh_within(p: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """BH-adjusted p-values and family sizes for 1-D ``p`` with integer family ``codes`` (NaN skipped)."""
    out = np.full(p.shape, np.nan)
    size = np.zeros(p.shape, dtype=int)
    ok = ~np.isnan(p)
    if not ok.any():
        return out, size
    pos = np.flatnonzero(ok)
    fam, pv = codes[pos], p[pos]
    order = np.argsort(pv)                            # p ascending, then (stable) by family:
    order = order[np.argsort(fam[order], kind="stable")]  # by family, then p (faster than lexsort)
    fam_s, p_s = fam[order], pv[order]
    starts = np.r_[0, np.flatnonzero(np.diff(fam_s)) + 1]
    counts = np.diff(np.r_[starts, fam_s.size])
    m = np.repeat(counts, counts)
    rank = np.arange(fam_s.size) - np.repeat(starts, counts) + 1
    raw = m * p_s / rank
    # step-up: the running minimum from the largest p down, within each family
    rev = pd.Series(raw[::-1]).groupby(fam_s[::-1]).cummin().to_numpy()[::-1]
    adjusted = np.minimum(rev, 1.0)
    back = np.empty_like(adjusted)
    back[order] = adjusted
    out[pos] = back
    sizes = np.empty_like(m)
    sizes[order] = m
    size[pos] = sizes
    return out, size


def bh_adjust(p, family=None):
    """Benjamini–Hochberg adjusted p-values (q-values), NaN-tolerant, optionally within families.

    Accepts a scalar, list, array or pandas Series; returns the same shape (a Series keeps its index
    and name). Values must lie in [0, 1]. ``family`` (one label per p-value, e.g. the question each
    comparison answers) adjusts each family separately; None treats all p-values as one family.
    """
    arr = _check_p(p, "bh_adjust")
    flat = arr.ravel()
    if family is None:
        out = np.full(flat.shape, np.nan)
        ok = ~np.isnan(flat)
        if ok.any():
            out[ok] = multipletests(flat[ok], method="fdr_bh")[1]
    else:
        labels = np.asarray(family, dtype=object).ravel()
        if labels.size != flat.size:
            raise ValueError(f"bh_adjust: 'family' must have one label per p-value ({flat.size}); got {labels.size}")
        codes, _ = pd.factorize(pd.Series(labels), use_na_sentinel=False)
        out, _ = _bh_within(flat, codes)
    out = out.reshape(arr.shape)
    if isinstance(p, pd.Series):
        return pd.Series(out, index=p.index, name=p.name)
    return out[()] if out.ndim == 0 else out


def fdr_by_family(df: pd.DataFrame, p="p_value", family="family", fdr=0.05) -> pd.DataFrame:
    """Benjamini–Hochberg within each family of a table of p-values (one false-discovery family per question).

    ``p`` names the p-value column; ``family`` the column (or columns) naming each comparison's
    family. Returns a copy of ``df`` (same rows, order and index) with ``q_value`` (the adjusted
    p-value), ``family_size`` (the m of its family: comparisons with a p-value) and ``discovery``
    (q_value < ``fdr``, the false discovery rate controlled, 5% by default). Rows without a p-value
    keep a missing q-value, family size 0 and no discovery.
    """
    where = "fdr_by_family"
    pv = _check_p(_column(df, p, "p", where), where, df.index)
    names = [family] if isinstance(family, str) or not isinstance(family, Sequence) else list(family)
    if not names:
        raise ValueError(f"{where}: 'family' must name at least one column")
    for name in names:
        _column(df, name, "family", where)
    if not (isinstance(fdr, (int, float, np.integer, np.floating)) and not isinstance(fdr, bool) and 0 < fdr < 1):
        raise ValueError(f"{where}: 'fdr' must be between 0 and 1, for example 0.05; got {fdr!r}")
    codes = df.groupby(names, sort=False, dropna=False).ngroup().to_numpy()
    q, size = _bh_within(pv.ravel(), codes)
    out = df.copy()
    out["q_value"] = q
    out["family_size"] = size
    out["discovery"] = np.nan_to_num(q, nan=1.0) < fdr
    return out
