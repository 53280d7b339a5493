"""Run charts with the Anhøj rules, for series whose points are not independent (rolling measures).

An XmR chart assumes each point is a fresh observation of the process. A rolling twelve-month
measure is not: consecutive points share eleven months of data, so the moving ranges are small,
the limits too narrow and runs long by construction. Either chart the monthly values behind them
with :func:`~cscp_analysis.stats.xmr`, or show a run chart and say why. A run chart has no process limits: only a centre line (the median)
and tests of whether the points fall about it at random.

Rules (Anhøj & Olesen 2014; Anhøj 2015; as R qicharts2 ``runs.analysis`` implements them), for
each segment:

* centre line: the median of the baseline values (all values, or the first ``baseline``);
* **useful** observations: values not on the median and not missing (gaps are skipped, as
  qicharts2 does); n = their number;
* a **run** is a sequence of consecutive useful observations on the same side of the median;
  **crossings** = number of runs − 1;
* **unusually long run** (a shift): the longest run is longer than round(log₂ n) + 3 (Schilling 2012);
* **unusually few crossings**: fewer than the 5% quantile of Binomial(n − 1, ½) (Chen 2010), R
  ``qbinom(0.05, n - 1, 0.5)``;
* either is a signal of non-random variation. Both limits have a false-signal rate near 5% whatever
  n is, which the fixed "6 points in a run" and "5 points in a trend" rules do not (the trend rule
  adds false signals without finding more real ones: Anhøj & Olesen 2014), so they are not used.

Points in an unusually long run get a point type as :func:`xmr` names them (improvement, concern or
neutral high/low by direction); a too-few-crossings signal belongs to the whole segment, not to a
point, and is reported in ``crossings_signal``.

Sources: Anhøj J, Olesen AV (2014) Run charts revisited: a simulation study of run chart rules for
detection of non-random variation in health care processes. *PLoS ONE* 9(11):e113825; Anhøj J
(2015) Diagnostic value of run chart analysis. *PLoS ONE* 10(3):e0121349; Schilling MF (2012) The
surprising predictability of long runs. *Math Mag* 85:141–149; Chen Z (2010) A note on the runs
test. *Model Assist Stat Appl* 5:73–77; Anhøj J, qicharts2 (R package), ``runs.analysis``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binom

from ._checks import _numeric
from .spc import _DIRECTION, _point_type, _segments, variation_icon

__all__ = ["run_chart", "longest_run_limit", "crossings_limit"]


def longest_run_limit(n_useful):
    """Upper limit of the longest run: round(log₂ n) + 3 (Schilling 2012; Anhøj & Olesen 2014).

    A longest run *longer* than this is a signal. NaN for n < 1. Scalars or arrays.
    """
    n = np.asarray(n_useful, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(n >= 1, np.floor(np.log2(n) + 0.5) + 3, np.nan)
    return out[()] if out.ndim == 0 else out


def crossings_limit(n_useful):
    """Lower limit of the number of crossings: the 5% quantile of Binomial(n − 1, ½) (Chen 2010).

    Fewer crossings than this is a signal. R ``qbinom(0.05, n - 1, 0.5)``: the least c with
    P(X ≤ c) ≥ 0.05. NaN for n < 1. Scalars or arrays.
    """
    n = np.asarray(n_useful, dtype=float)
    with np.errstate(invalid="ignore"):
        out = np.where(n >= 1, binom.ppf(0.05, np.maximum(n - 1, 0), 0.5), np.nan)
    return out[()] if out.ndim == 0 else out


def _runs(side: np.ndarray):
    """Run number and run length of each entry of a ±1 sequence (no zeros, no gaps)."""
    if side.size == 0:
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    new = np.r_[True, side[1:] != side[:-1]]
    run_id = np.cumsum(new) - 1
    lengths = np.bincount(run_id)
    return run_id, lengths


def run_chart(values, baseline=None, rebase=None, improvement=None) -> pd.DataFrame:
    """Run chart of one series with the Anhøj rules (median centre line, longest run, crossings).

    Parameters
    ----------
    values : the series in time order (list, array or Series; a Series keeps its index). Missing
        values are gaps: kept in place, skipped by the rules.
    baseline : the median is taken over the first ``baseline`` values of each segment (gaps not
        counted); None uses every value.
    rebase : positions (or index labels) where a new segment with its own median starts.
    improvement : "increase", "decrease" or "neutral"/None, to name points in a long run as
        improvement or concern.

    Returns one row per point with ``value``, ``segment``, ``median``, ``relative_to_median``
    (1 above, −1 below, 0 on the median, NaN for a gap), ``useful`` (counts for the rules),
    ``run_length`` (of the run the point belongs to; 0 if not useful), ``in_long_run``,
    ``point_type``, and for the point's segment ``n_useful``, ``longest_run``,
    ``longest_run_max``, ``crossings``, ``crossings_min``, ``long_run_signal``,
    ``crossings_signal`` and ``runs_signal`` (either). ``result.attrs`` holds the last segment's
    ``runs_signal``, ``long_run_signal``, ``crossings_signal`` and the ``variation_icon`` of the
    last observed point.
    """
    index = values.index if isinstance(values, pd.Series) else None
    y = _numeric(values, "values", where="run_chart").ravel()
    if improvement not in _DIRECTION:
        raise ValueError(f"run_chart: 'improvement' must be 'increase', 'decrease', 'neutral' or None; "
                         f"got {improvement!r}")
    if baseline is not None and (isinstance(baseline, bool) or not isinstance(baseline, (int, np.integer))
                                 or baseline < 1):
        raise ValueError(f"run_chart: 'baseline' must be a whole number of points, at least 1; got {baseline!r}")
    n = len(y)
    seg = _segments(n, rebase, index, where="run_chart")
    median = np.full(n, np.nan)
    side = np.full(n, np.nan)
    useful = np.zeros(n, dtype=bool)
    run_length = np.zeros(n, dtype=int)
    in_long = np.zeros(n, dtype=bool)
    point_type = np.full(n, None, dtype=object)
    seg_cols = {c: np.full(n, np.nan) for c in ("n_useful", "longest_run", "longest_run_max", "crossings",
                                                "crossings_min")}
    seg_flags = {c: np.zeros(n, dtype=bool) for c in ("long_run_signal", "crossings_signal", "runs_signal")}
    direction = _DIRECTION[improvement]
    last_flags = {c: False for c in seg_flags}

    for s in np.unique(seg):
        idx = np.flatnonzero(seg == s)
        ys = y[idx]
        observed = np.flatnonzero(~np.isnan(ys))
        if observed.size == 0:
            continue
        base = observed if baseline is None else observed[:baseline]
        centre = float(np.median(ys[base]))
        sd = np.sign(ys - centre)
        median[idx] = centre
        side[idx] = sd
        use = observed[sd[observed] != 0]
        useful[idx[use]] = True
        run_id, lengths = _runs(sd[use])
        n_use = use.size
        longest = int(lengths.max()) if n_use else 0
        crossings = max(len(lengths) - 1, 0)
        l_max = longest_run_limit(n_use)
        c_min = crossings_limit(n_use)
        long_signal = bool(n_use and longest > l_max)
        few_signal = bool(n_use and crossings < c_min)
        run_length[idx[use]] = lengths[run_id] if n_use else 0
        long_points = use[lengths[run_id] > l_max] if n_use else use
        in_long[idx[long_points]] = True
        kinds = np.full(observed.size, "Common Cause", dtype=object)
        pos_in_obs = np.searchsorted(observed, long_points)
        kinds[pos_in_obs] = np.where(sd[long_points] > 0, "Run Above CL", "Run Below CL")
        point_type[idx[observed]] = _point_type(kinds, direction)
        for c, v in (("n_useful", n_use), ("longest_run", longest), ("longest_run_max", l_max),
                     ("crossings", crossings), ("crossings_min", c_min)):
            seg_cols[c][idx] = v
        flags = {"long_run_signal": long_signal, "crossings_signal": few_signal,
                 "runs_signal": long_signal or few_signal}
        for c, v in flags.items():
            seg_flags[c][idx] = v
        last_flags = flags

    result = pd.DataFrame({"value": y, "segment": seg, "median": median, "relative_to_median": side,
                           "useful": useful, "run_length": run_length, "in_long_run": in_long,
                           "point_type": point_type, **seg_cols, **seg_flags},
                          index=index if index is not None else pd.RangeIndex(n))
    for c in seg_cols:
        result[c] = result[c].astype("Int64")
    result["point_type"] = pd.Series(point_type, index=result.index, dtype=object)  # None for gaps, not NaN
    observed_all = np.flatnonzero(~np.isnan(y))
    result.attrs.update({
        **last_flags,
        "variation_icon": variation_icon(point_type[observed_all[-1]], improvement) if observed_all.size else None,
        "improvement": improvement,
        "baseline": baseline,
        "rules": "Anhøj: longest run > round(log2 n) + 3; crossings < qbinom(0.05, n - 1, 0.5)",
    })
    return result
