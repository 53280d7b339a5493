"""Adjustment of p-values for multiple comparisons.

Benjamini–Hochberg (1995) false discovery rate: with the m non-missing p-values sorted,
p₍₁₎ ≤ … ≤ p₍ₘ₎, the adjusted value of p₍ᵢ₎ is min over j ≥ i of min(1, m·p₍ⱼ₎ / j).
Computed by statsmodels ``multipletests(method="fdr_bh")``. Missing p-values stay missing and are
not counted in m (a group too small to test is not a comparison made).

Use one family per question, e.g. every ethnic group's relative rate index at one stage of the
child's journey (DESIGN.md §4).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

from ._checks import _numeric

__all__ = ["bh_adjust"]


def bh_adjust(p):
    """Benjamini–Hochberg adjusted p-values (q-values), NaN-tolerant.

    Accepts a scalar, list, array or pandas Series; returns the same shape (a Series keeps its index
    and name). Values must lie in [0, 1].
    """
    arr = _numeric(p, "p", where="bh_adjust")
    bad = (arr < 0) | (arr > 1)
    if bad.any():
        from ._checks import _rows

        raise ValueError(f"bh_adjust: 'p' must be between 0 and 1 but is outside in {_rows(bad)}")
    flat = arr.ravel()
    out = np.full(flat.shape, np.nan)
    ok = ~np.isnan(flat)
    if ok.any():
        out[ok] = multipletests(flat[ok], method="fdr_bh")[1]
    out = out.reshape(arr.shape)
    if isinstance(p, pd.Series):
        return pd.Series(out, index=p.index, name=p.name)
    return out[()] if out.ndim == 0 else out
