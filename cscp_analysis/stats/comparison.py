"""Comparison of an area's value with a benchmark (England, region, statistical neighbours).

Fingertips / PHEindicatormethods convention (Public Health England, *Technical guide: Comparing
indicator values with a benchmark*): an area is significantly **higher** than the benchmark when
the benchmark value lies below the area's confidence interval, **lower** when it lies above it, and
**similar** otherwise (a benchmark exactly on a limit counts as similar). It is done separately at
95% and 99.8%. An indicator's polarity turns that into **better** / **worse** / **similar**:

=====================  ===========  ===========
polarity                higher       lower
=====================  ===========  ===========
``higher_is_better``    better       worse
``lower_is_better``     worse        better
``neither``             higher       lower
=====================  ===========  ===========

Rows with a missing limit or benchmark are "not compared". Everything is vectorised: polarity and
benchmark may be scalars or one per row (a scorecard of many indicators).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._checks import _column, _confidences, _numeric, _suffix

__all__ = ["POLARITIES", "compare_with_benchmark", "apply_polarity", "benchmark_comparison"]

POLARITIES = ("higher_is_better", "lower_is_better", "neither")


def compare_with_benchmark(lower, upper, benchmark, polarity=None):
    """'higher' / 'lower' / 'similar' (or, with a polarity, 'better' / 'worse' / 'similar').

    higher: benchmark < lower;  lower: benchmark > upper;  similar otherwise.
    ``polarity`` None keeps higher/lower; otherwise see :func:`apply_polarity`.
    """
    lo = _numeric(lower, "lower", where="compare_with_benchmark")
    hi = _numeric(upper, "upper", where="compare_with_benchmark")
    ref = _numeric(benchmark, "benchmark", where="compare_with_benchmark")
    out = np.where(ref < lo, "higher", np.where(ref > hi, "lower", "similar")).astype(object)
    out = np.where(np.isnan(lo) | np.isnan(hi) | np.isnan(ref), "not compared", out)
    if polarity is not None:
        out = apply_polarity(out, polarity)
    return out[()] if np.ndim(out) == 0 else out


def apply_polarity(labels, polarity):
    """Turn 'higher'/'lower' into 'better'/'worse' by polarity; 'neither' keeps higher/lower.

    ``polarity`` is one of ``POLARITIES`` or an array of them (one per label).
    """
    lab = np.asarray(labels, dtype=object)
    pol = np.asarray(polarity, dtype=object)
    bad = ~np.isin(pol, POLARITIES)
    if bad.any():
        example = pol.ravel()[np.flatnonzero(bad.ravel())[0]]
        raise ValueError(f"'polarity' must be one of {', '.join(POLARITIES)}; got {example!r}")
    better_high = pol == "higher_is_better"
    better_low = pol == "lower_is_better"
    out = lab.copy()
    out = np.where((lab == "higher") & better_high, "better", out)
    out = np.where((lab == "lower") & better_high, "worse", out)
    out = np.where((lab == "higher") & better_low, "worse", out)
    out = np.where((lab == "lower") & better_low, "better", out)
    return out.astype(object)


def benchmark_comparison(df: pd.DataFrame, benchmark, polarity=None, confidence=(0.95, 0.998)) -> pd.DataFrame:
    """Append ``comparisonXX`` columns (one per confidence level) to a copy of ``df``.

    The interval columns are those :func:`proportion` / :func:`rate` write: ``lowerXX_ci`` /
    ``upperXX_ci`` (e.g. ``lower95_ci``, ``lower99_8_ci``), or ``lower_ci`` / ``upper_ci`` when only
    one level is asked for and those are the columns present. ``benchmark`` and ``polarity`` are a
    scalar, a column name of ``df``, or an array with one entry per row.
    """
    where = "benchmark_comparison"
    levels = _confidences(confidence)
    ref = _column(df, benchmark, "benchmark", where) if isinstance(benchmark, str) else benchmark
    pol = _column(df, polarity, "polarity", where) if isinstance(polarity, str) and polarity in df.columns \
        else polarity
    out = df.copy()
    for c in levels:
        s = _suffix(c)
        lo_name, hi_name = f"lower{s}_ci", f"upper{s}_ci"
        if lo_name not in df.columns and len(levels) == 1 and "lower_ci" in df.columns:
            lo_name, hi_name = "lower_ci", "upper_ci"
        lo = _column(df, lo_name, "confidence", where)
        hi = _column(df, hi_name, "confidence", where)
        ref_arr = np.broadcast_to(_numeric(ref, "benchmark", where=where), len(df))
        pol_arr = None if pol is None else np.broadcast_to(np.asarray(pol, dtype=object), len(df))
        out[f"comparison{s}"] = compare_with_benchmark(lo, hi, ref_arr, pol_arr)
    return out
