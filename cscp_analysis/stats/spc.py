"""XmR statistical process control charts: NHS England "Making Data Count", as NHSRplotthedots.

For a series y₁ … y_k in time order (one segment; rebasing starts a new segment):

* centre line: mean of the baseline points (all points, or the first ``baseline`` points);
* moving ranges MRᵢ = |yᵢ − yᵢ₋₁| over the baseline, mean moving range MR̄;
* screening (``screen_outliers=True``, NHSRplotthedots' default): moving ranges ≥ 3.267 × MR̄ are
  dropped and MR̄ recomputed from the rest (``False`` matches the NHS England Excel tool);
* process limits: mean ∓ 2.66 × MR̄; two-sigma lines: mean ∓ (2/3 × 2.66) × MR̄.

Special-cause rules, in NHSRplotthedots' order of precedence (a point gets the first that applies):

1. **outside the limits**: y > upper or y < lower process limit;
2. **trend**: the point belongs to a run of ``trend_points`` (default 7) points each strictly higher
   (or each strictly lower) than the one before; an equal consecutive value breaks a trend;
3. **two of three**: the point lies between a two-sigma line and the process limit, and at least
   two of three consecutive points containing it do so, all three on the same side of the mean
   (points outside the limits do not count as "close", as NHSRplotthedots);
4. **shift**: the point belongs to a run of ``shift_points`` (default 7) points on the same side of
   the mean; a point exactly on the mean breaks a run.

``point_type`` orients the rule by the improvement direction ("increase", "decrease", "neutral"):
``common_cause``, ``special_cause_improvement``, ``special_cause_concern``,
``special_cause_neutral_high``, ``special_cause_neutral_low``. The **variation icon** is the last
point's type (concern/improvement shown as high or low); the **assurance icon** compares a target
with the last point's process limits: the process will consistently pass, consistently fail, or hit
and miss the target (NHSRplotthedots ``consistent_pass``, ``consistent_fail``, ``inconsistent``).

Limits from fewer than 13 points are provisional (a warning is raised and ``provisional`` is True);
segments of fewer than 2 points get no limits and no point types.

Source: NHS England & Improvement, *Making Data Count* (2019, 2021); NHS-R Community
NHSRplotthedots (``ptd_spc``, ``ptd_spc_standard``, ``ptd_calculate_point_type``,
``ptd_calculate_assurance_type``, ``ptd_get_icons``); Wheeler DJ (2000) *Understanding Variation*.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from ._checks import _numeric, _rows

__all__ = ["xmr", "LIMIT", "MR_SCREEN", "MIN_POINTS", "IMPROVEMENTS"]

LIMIT = 2.66          # 3 / d2 with d2 = 1.128 for moving ranges of two
MR_SCREEN = 3.267     # D4 for moving ranges of two: upper limit of the moving-range chart
MIN_POINTS = 13       # NHSRplotthedots' ptd_spc.warning_threshold: fewer points give provisional limits
IMPROVEMENTS = ("increase", "decrease", "neutral")

_DIRECTION = {"increase": 1, "decrease": -1, "neutral": 0, None: 0}


class ProvisionalLimitsWarning(UserWarning):
    """SPC limits computed from fewer than 13 points."""


def _runs_end(flag: np.ndarray, length: int) -> np.ndarray:
    """True at i when flag[i - length + 1 .. i] are all True."""
    out = np.zeros(flag.shape, dtype=bool)
    if length <= len(flag):
        out[length - 1:] = sliding_window_view(flag, length).all(axis=1)
    return out


def _part_of(end: np.ndarray, length: int) -> np.ndarray:
    """True at i when one of the points i .. i + length − 1 ends a run of ``length`` (so i is in it)."""
    padded = np.concatenate([end, np.zeros(length - 1, dtype=bool)])
    return sliding_window_view(padded, length).any(axis=1)


def _segment_rules(y: np.ndarray, rtm: np.ndarray, close: np.ndarray, outside: np.ndarray,
                   trend_points: int, shift_points: int):
    """Special-cause type text and short rule code for each point of one segment."""
    k = len(y)
    d = np.sign(np.diff(y))
    # trend: trend_points - 1 consecutive strictly increasing (or decreasing) steps end at point i
    up_end = np.zeros(k, dtype=bool)
    down_end = np.zeros(k, dtype=bool)
    if k >= trend_points:
        up_end[1:] = _runs_end(d == 1, trend_points - 1)
        down_end[1:] = _runs_end(d == -1, trend_points - 1)
    part_trend = _part_of(up_end | down_end, trend_points)
    # direction of a trend point: the step to the next point when that point is also in a trend,
    # otherwise the step from the previous point (NHSRplotthedots ptd_special_cause_type)
    right = np.append(d, d[-1] if k > 1 else 0)
    left = np.insert(d, 0, 0)
    nxt = np.append(part_trend[1:], False)
    step = np.where(nxt & part_trend, right, left)
    # shift: shift_points consecutive points on the same side of the mean end at point i
    above_end = _runs_end(rtm == 1, shift_points)
    below_end = _runs_end(rtm == -1, shift_points)
    part_shift = _part_of(above_end | below_end, shift_points)
    # two of three beyond two sigma, same side: flag full windows of 3, then the close points in them
    win = np.zeros(max(k - 2, 0), dtype=bool)
    if k >= 3:
        win = (sliding_window_view(close.astype(int), 3).sum(axis=1) >= 2) & \
              (np.abs(sliding_window_view(rtm, 3).sum(axis=1)) == 3)
    in_window = np.zeros(k, dtype=bool)
    for offset in range(3):  # a point sits at position 0, 1 or 2 of a window
        in_window[offset:offset + len(win)] |= win
    part_two = in_window & close

    side = np.where(rtm > 0, "Above", "Below")
    kind = np.full(k, "Common Cause", dtype=object)
    rule = np.full(k, "", dtype=object)
    masks = [
        (outside, np.where(rtm == 1, "Above UCL", "Below LCL"), "outside_limits"),
        (part_trend, np.where(step == 1, f"{trend_points} Point Trend (Increasing)",
                              f"{trend_points} Point Trend (Decreasing)"), "trend"),
        (part_two, np.char.add("2 in 3 ", np.char.add(side.astype(str), " CL")), "two_of_three"),
        (part_shift, np.char.add(f"{shift_points} Points ", np.char.add(side.astype(str), " CL")), "shift"),
    ]
    done = np.zeros(k, dtype=bool)
    for mask, text, code in masks:
        take = mask & ~done
        kind = np.where(take, text, kind)
        rule = np.where(take, code, rule)
        done |= take
    return kind.astype(object), rule.astype(object)


def _point_type(kind: np.ndarray, direction: int) -> np.ndarray:
    text = kind.astype(str)
    high = (np.char.find(text, "Above") >= 0) | (np.char.find(text, "Increasing") >= 0)
    low = (np.char.find(text, "Below") >= 0) | (np.char.find(text, "Decreasing") >= 0)
    v = np.where(high, 1, np.where(low, -1, 0))
    if direction == 0:
        out = np.where(v > 0, "special_cause_neutral_high",
                       np.where(v < 0, "special_cause_neutral_low", "common_cause"))
    else:
        v = v * direction
        out = np.where(v > 0, "special_cause_improvement",
                       np.where(v < 0, "special_cause_concern", "common_cause"))
    return out.astype(object)


def _segments(n: int, rebase, index) -> np.ndarray:
    """Segment number of each point from rebase positions (or index labels) where a segment starts."""
    seg = np.zeros(n, dtype=int)
    if rebase is None:
        return seg
    starts = []
    for r in np.atleast_1d(np.asarray(rebase, dtype=object)):
        if index is not None and not isinstance(index, pd.RangeIndex) and r in index:
            pos = index.get_loc(r)
        elif isinstance(r, (int, np.integer)) and not isinstance(r, bool) and 0 <= int(r) < n:
            pos = int(r)
        else:
            raise ValueError(f"xmr: 'rebase' must list positions (0 to {n - 1}) or index labels where a new "
                             f"period of limits starts; {r!r} is neither")
        if not isinstance(pos, (int, np.integer)):
            raise ValueError(f"xmr: 'rebase' label {r!r} is not unique in the index")
        starts.append(int(pos))
    for s in sorted(set(starts)):
        if s > 0:
            seg[s:] += 1
    return seg


def xmr(values, screen_outliers: bool = True, improvement=None, target=None, baseline=None, rebase=None,
        trend_points: int = 7, shift_points: int = 7) -> pd.DataFrame:
    """XmR chart of one series, as NHSRplotthedots ``ptd_spc`` (NHS England "Making Data Count").

    Parameters
    ----------
    values : the series in time order (list, array or Series; a Series keeps its index). No gaps
        or missing values: a missing value raises.
    screen_outliers : drop moving ranges ≥ 3.267 × their mean before recomputing the mean moving
        range (True, NHSRplotthedots' default); False matches the NHS England Excel tool.
    improvement : "increase", "decrease" or "neutral" (None is treated as "neutral": no direction).
    target : a single target value for the assurance icon (None: no assurance icon).
    baseline : use only the first ``baseline`` points of each segment for the mean and limits
        (NHSRplotthedots ``fix_after_n_points``); None uses every point.
    rebase : positions (or index labels) where a new segment with its own limits starts.
    trend_points, shift_points : run lengths for the trend and shift rules (7 as NHSRplotthedots;
        6 is also common).

    Returns one row per point with ``value``, ``segment``, ``mean``, ``lpl``, ``upl``,
    ``lower_two_sigma``, ``upper_two_sigma``, ``moving_range``, ``mr_excluded`` (screened out of the
    mean moving range), ``relative_to_mean``, ``outside_limits``, ``close_to_limits``,
    ``special_cause_type`` (NHSRplotthedots' text, e.g. "7 Point Trend (Increasing)"), ``rule``
    (``outside_limits``, ``trend``, ``two_of_three``, ``shift`` or ""), ``special_cause_flag``,
    ``point_type``, ``provisional`` and ``target``. ``result.attrs`` holds ``variation_icon``
    (``common_cause``, ``improvement_high``/``_low``, ``concern_high``/``_low``,
    ``neutral_high``/``_low``), ``assurance_icon`` (``consistent_pass``, ``consistent_fail``,
    ``inconsistent`` or None), ``provisional`` and the options used.
    """
    index = values.index if isinstance(values, pd.Series) else None
    y = _numeric(values, "values", where="xmr").ravel()
    missing = np.isnan(y)
    if missing.any():
        raise ValueError(f"xmr: 'values' has missing values in {_rows(missing, index)}; an SPC chart needs a "
                         f"complete series (fill or remove the gap and say so)")
    if improvement not in _DIRECTION:
        raise ValueError(f"xmr: 'improvement' must be 'increase', 'decrease', 'neutral' or None; got {improvement!r}")
    for name, v in (("trend_points", trend_points), ("shift_points", shift_points)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 3:
            raise ValueError(f"xmr: '{name}' must be a whole number of at least 3 (usually 6 or 7); got {v!r}")
    if baseline is not None and (isinstance(baseline, bool) or not isinstance(baseline, (int, np.integer))
                                 or baseline < 2):
        raise ValueError(f"xmr: 'baseline' must be a whole number of points, at least 2; got {baseline!r}")
    if target is not None:
        target_arr = _numeric(target, "target", where="xmr")
        if target_arr.size != 1 or np.isnan(target_arr).any():
            raise ValueError(f"xmr: 'target' must be a single number; got {target!r}")
        target = float(target_arr.ravel()[0])
    direction = _DIRECTION[improvement]
    n = len(y)
    seg = _segments(n, rebase, index)

    cols = {name: np.full(n, np.nan) for name in
            ("mean", "lpl", "upl", "lower_two_sigma", "upper_two_sigma", "moving_range", "relative_to_mean")}
    mr_excluded = np.zeros(n, dtype=bool)
    outside = np.zeros(n, dtype=bool)
    close = np.zeros(n, dtype=bool)
    kind = np.full(n, None, dtype=object)
    rule = np.full(n, None, dtype=object)
    point_type = np.full(n, None, dtype=object)
    provisional = np.zeros(n, dtype=bool)

    for s in np.unique(seg):  # a handful of segments
        idx = np.flatnonzero(seg == s)
        ys = y[idx]
        k = len(ys)
        provisional[idx] = k < MIN_POINTS
        mr = np.abs(np.diff(ys))
        cols["moving_range"][idx[1:]] = mr
        if k < 2:
            continue
        fixed = ys if baseline is None else ys[:baseline]
        mean = fixed.mean()
        mr_base = np.abs(np.diff(fixed))
        amr = mr_base.mean()
        if screen_outliers:
            keep = mr_base < MR_SCREEN * amr
            mr_excluded[idx[1:len(fixed)]] = ~keep
            amr = mr_base[keep].mean() if keep.any() else amr
        lpl, upl = mean - LIMIT * amr, mean + LIMIT * amr
        near = 2 * (LIMIT / 3) * amr  # NHSRplotthedots: limitclose = 2 * (limit / 3)
        nlpl, nupl = mean - near, mean + near
        rtm = np.sign(ys - mean)
        out_s = (ys > upl) | (ys < lpl)
        close_s = ~out_s & ((ys < nlpl) | (ys > nupl))
        cols["mean"][idx], cols["lpl"][idx], cols["upl"][idx] = mean, lpl, upl
        cols["lower_two_sigma"][idx], cols["upper_two_sigma"][idx] = nlpl, nupl
        cols["relative_to_mean"][idx] = rtm
        outside[idx], close[idx] = out_s, close_s
        k_s, r_s = _segment_rules(ys, rtm, close_s, out_s, trend_points, shift_points)
        kind[idx], rule[idx] = k_s, r_s
        point_type[idx] = _point_type(k_s, direction)

    result = pd.DataFrame({"value": y, "segment": seg, **{c: cols[c] for c in
                           ("mean", "lpl", "upl", "lower_two_sigma", "upper_two_sigma", "moving_range")},
                           "mr_excluded": mr_excluded, "relative_to_mean": cols["relative_to_mean"],
                           "outside_limits": outside, "close_to_limits": close,
                           "special_cause_type": kind, "rule": rule,
                           "special_cause_flag": np.isin(rule, ["outside_limits", "trend", "two_of_three", "shift"]),
                           "point_type": point_type, "provisional": provisional,
                           "target": np.full(n, np.nan if target is None else target)},
                          index=index if index is not None else pd.RangeIndex(n))

    is_provisional = bool(provisional.any())
    if is_provisional and n:
        shortest = int(pd.Series(seg).value_counts().min())
        warnings.warn(f"xmr: limits are provisional: a period of limits has {shortest} point(s), fewer than "
                      f"the {MIN_POINTS} SPC needs; they will move as points are added", ProvisionalLimitsWarning,
                      stacklevel=2)
    result.attrs.update({
        "variation_icon": _variation_icon(point_type[-1] if n else None, improvement),
        "assurance_icon": _assurance_icon(target, cols["lpl"][-1] if n else np.nan,
                                          cols["upl"][-1] if n else np.nan, improvement),
        "provisional": is_provisional,
        "improvement": improvement,
        "target": target,
        "screen_outliers": screen_outliers,
        "baseline": baseline,
        "trend_points": trend_points,
        "shift_points": shift_points,
    })
    return result


def _variation_icon(last_type, improvement) -> str | None:
    """NHSRplotthedots ptd_get_icons: the last point's type, concern/improvement as high or low."""
    if last_type is None:
        return None
    if last_type == "common_cause":
        return "common_cause"
    if last_type == "special_cause_neutral_high":
        return "neutral_high"
    if last_type == "special_cause_neutral_low":
        return "neutral_low"
    increasing = improvement == "increase"
    if last_type == "special_cause_improvement":
        return "improvement_high" if increasing else "improvement_low"
    return "concern_low" if increasing else "concern_high"


def _assurance_icon(target, lpl, upl, improvement) -> str | None:
    """NHSRplotthedots ptd_calculate_assurance_type, on the last point's limits."""
    if target is None or improvement in (None, "neutral") or np.isnan(lpl) or np.isnan(upl):
        return None
    increasing = improvement == "increase"
    if target > upl:
        return "consistent_fail" if increasing else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if increasing else "consistent_fail"
    return "inconsistent"
