"""One group's share against all the other groups together, for registers that compare agencies or types.

For groups g = 1 … k with x_g "yes" out of n_g, each group is compared with the rest of the register,
x_r = Σx − x_g out of n_r = Σn − n_g (the rest, not the whole: a large group would otherwise be compared
partly with itself):

* the group's share p_g = x_g / n_g with its Wilson 95% interval (``stats.wilson_interval``);
* the difference p_g − p_r in percentage points with Newcombe's hybrid score interval and the pooled
  two-proportion z-test (``stats.two_proportion_test``, earlier sample = the rest);
* the p-values adjusted by Benjamini–Hochberg across the k comparisons (``stats.bh_adjust``), because
  the register is searched for any group that stands out.

A group is "lower than the rest" when its adjusted p-value is below 0.05 and the difference is negative.
Groups with no records, or when the rest is empty, have no comparison (NaN).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["ALPHA", "against_the_rest"]

ALPHA = 0.05


def against_the_rest(df: pd.DataFrame, x: str, n: str) -> pd.DataFrame:
    """``df`` (one row per group, no total row) with its comparison columns appended.

    Adds ``pct`` (100 x/n), ``lower_ci``, ``upper_ci`` (Wilson, percent), ``pct_rest``, ``difference_pp``,
    ``difference_lower``, ``difference_upper`` (Newcombe, percentage points), ``p_value`` and
    ``p_adjusted`` (Benjamini–Hochberg across the groups).
    """
    from ..stats import bh_adjust, two_proportion_test, wilson_interval

    out = df.copy()
    xs = pd.to_numeric(out[x], errors="coerce").to_numpy(dtype=float)
    ns = pd.to_numeric(out[n], errors="coerce").to_numpy(dtype=float)
    xr, nr = np.nansum(xs) - xs, np.nansum(ns) - ns
    has = ns > 0
    comparable = has & (nr > 0)
    pct = np.full(len(out), np.nan)
    lo, hi = np.full(len(out), np.nan), np.full(len(out), np.nan)
    if has.any():
        pct[has] = 100 * xs[has] / ns[has]
        a, b = wilson_interval(xs[has], ns[has])
        lo[has], hi[has] = 100 * np.asarray(a, float), 100 * np.asarray(b, float)
    rest = np.full(len(out), np.nan)
    d, dl, du, p = (np.full(len(out), np.nan) for _ in range(4))
    if comparable.any():
        rest[comparable] = 100 * xr[comparable] / nr[comparable]
        res = two_proportion_test(xr[comparable], nr[comparable], xs[comparable], ns[comparable])
        d[comparable], dl[comparable], du[comparable] = (100 * np.asarray(v, float) for v in res)
        p[comparable] = np.asarray(res.p_value, float)
    out["pct"], out["lower_ci"], out["upper_ci"] = pct, lo, hi
    out["pct_rest"], out["difference_pp"], out["difference_lower"], out["difference_upper"] = rest, d, dl, du
    out["p_value"] = p
    out["p_adjusted"] = bh_adjust(p)
    return out


COMPARISON_COLUMNS = ("pct_rest", "difference_pp", "difference_lower", "difference_upper", "p_value", "p_adjusted")
P_FLOOR = 0.001


def p_text(values) -> list[str]:
    """p-values as published: three decimals, ``<0.001`` below that, ``x`` when there is none."""
    v = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    return ["x" if np.isnan(p) else f"<{P_FLOOR}" if p < P_FLOOR else f"{p:.3f}" for p in v]


def p_of(text) -> float:
    """A published p-value as a number (``<0.001`` is 0; symbols are NaN)."""
    s = str(text).strip()
    if s.startswith("<"):
        return 0.0
    try:
        return float(s)
    except ValueError:
        return float("nan")


def published_comparison(df: pd.DataFrame, total_label: str, key: str) -> pd.DataFrame:
    """A table with :func:`against_the_rest` columns as published: shares to one decimal, p-values as text,
    and the comparison columns of the total row ``z`` (not applicable)."""
    from .publish import format_only

    out = format_only(df, {c: 1 for c in ("pct", "lower_ci", "upper_ci", "pct_rest", "difference_pp",
                                           "difference_lower", "difference_upper") if c in df.columns})
    for c in ("p_value", "p_adjusted"):
        if c in out.columns:
            out[c] = p_text(df[c])
    total = out[key] == total_label
    out.loc[total, [c for c in COMPARISON_COLUMNS if c in out.columns]] = "z"
    return out
