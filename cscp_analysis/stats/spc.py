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

__all__ = ["xmr", "assurance_icon", "variation_icon", "default_baseline", "LIMIT", "MR_SCREEN", "MIN_POINTS",
           "IMPROVEMENTS", "GAP_RULES", "BASELINE_POINTS"]

LIMIT = 2.66          # 3 / d2 with d2 = 1.128 for moving ranges of two
MR_SCREEN = 3.267     # D4 for moving ranges of two: upper limit of the moving-range chart
MIN_POINTS = 13       # NHSRplotthedots' ptd_spc.warning_threshold: fewer points give provisional limits
IMPROVEMENTS = ("increase", "decrease", "neutral")
GAP_RULES = ("skip", "break")
#: Points the limits are fixed from, by frequency (:func:`default_baseline`)
BASELINE_POINTS = {"monthly": 20, "quarterly": 13}

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


def _segments(n: int, rebase, index, where: str = "xmr") -> np.ndarray:
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
            raise ValueError(f"{where}: 'rebase' must list positions (0 to {n - 1}) or index labels where a new "
                             f"period of limits starts; {r!r} is neither")
        if not isinstance(pos, (int, np.integer)):
            raise ValueError(f"{where}: 'rebase' label {r!r} is not unique in the index")
        starts.append(int(pos))
    for s in sorted(set(starts)):
        if s > 0:
            seg[s:] += 1
    return seg


def _check_int(value, name: str, least: int, hint: str):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
        raise ValueError(f"xmr: '{name}' must be a whole number of at least {least}{hint}; got {value!r}")


def _bound(value, name: str):
    if value is None:
        return None
    arr = _numeric(value, name, where="xmr")
    if arr.size != 1 or np.isnan(arr).any():
        raise ValueError(f"xmr: '{name}' must be a single number (for example 0 or 100) or None; got {value!r}")
    return float(arr.ravel()[0])


def _rule_blocks(observed_positions: np.ndarray, gaps: str) -> list[np.ndarray]:
    """Positions the rules run over together: all observed points ("skip"), or each unbroken stretch ("break")."""
    if gaps == "skip" or observed_positions.size == 0:
        return [observed_positions]
    cuts = np.flatnonzero(np.diff(observed_positions) > 1) + 1
    return np.split(observed_positions, cuts)


def xmr(values, screen_outliers: bool = True, improvement=None, target=None, baseline=None, rebase=None,
        trend_points: int = 7, shift_points: int = 7, limits_floor=None, limits_ceiling=None,
        gaps: str = "skip") -> pd.DataFrame:
    """XmR chart of one series, as NHSRplotthedots ``ptd_spc`` (NHS England "Making Data Count").

    Parameters
    ----------
    values : the series in time order (list, array or Series; a Series keeps its index). Missing
        values (NaN, e.g. a suppressed month) are **gaps**: they stay in place in the result, get no
        point type, and no moving range is computed across them.
    screen_outliers : drop moving ranges ≥ 3.267 × their mean before recomputing the mean moving
        range (True, NHSRplotthedots' default); False matches the NHS England Excel tool.
    improvement : "increase", "decrease" or "neutral" (None is treated as "neutral": no direction).
    target : a single target value for the assurance icon (None: no assurance icon).
    baseline : fix the mean and limits of each segment from its first ``baseline`` values (gaps not
        counted; NHSRplotthedots ``fix_after_n_points``); None uses every value. See
        :func:`default_baseline`.
    rebase : positions (or index labels) where a new segment with its own limits starts (the change
        points a partnership records).
    trend_points, shift_points : run lengths for the trend and shift rules (7 as NHSRplotthedots;
        6 is also common).
    limits_floor, limits_ceiling : the least and greatest value the measure can take (0 for counts
        and rates; 0 and 100 for percentages). The process limits and two-sigma lines are drawn no
        further out than these; the rules are unchanged (see docs/methods.md). A value outside them
        raises.
    gaps : "skip" (default): the run, trend and two-of-three rules run over the observed values in
        order, as if the gap were not there; "break": a gap ends every run and trend.

    Returns one row per point (gaps included, in place) with ``value``, ``segment``, ``mean``,
    ``lpl``, ``upl``, ``lower_two_sigma``, ``upper_two_sigma``, ``moving_range``, ``mr_excluded``
    (screened out of the mean moving range), ``relative_to_mean``, ``outside_limits``,
    ``close_to_limits``, ``special_cause_type`` (NHSRplotthedots' text, e.g. "7 Point Trend
    (Increasing)"), ``rule`` (``outside_limits``, ``trend``, ``two_of_three``, ``shift`` or ""),
    ``special_cause_flag``, ``point_type``, ``provisional``, ``in_baseline`` (the point is one the
    limits were computed from) and ``target``. Gap rows have the segment's mean and limits, a NaN
    value and moving range, and None as rule and point type. ``result.attrs`` holds
    ``variation_icon`` (of the last observed point: ``common_cause``, ``improvement_high``/``_low``,
    ``concern_high``/``_low``, ``neutral_high``/``_low``), ``assurance_icon`` (``consistent_pass``,
    ``consistent_fail``, ``inconsistent`` or None), ``provisional`` and the options used.
    """
    index = values.index if isinstance(values, pd.Series) else None
    y = _numeric(values, "values", where="xmr").ravel()
    if improvement not in _DIRECTION:
        raise ValueError(f"xmr: 'improvement' must be 'increase', 'decrease', 'neutral' or None; got {improvement!r}")
    _check_int(trend_points, "trend_points", 3, " (usually 6 or 7)")
    _check_int(shift_points, "shift_points", 3, " (usually 6 or 7)")
    if baseline is not None:
        _check_int(baseline, "baseline", 2, " points")
    if gaps not in GAP_RULES:
        raise ValueError(f"xmr: 'gaps' must be 'skip' or 'break'; got {gaps!r}")
    if target is not None:
        target_arr = _numeric(target, "target", where="xmr")
        if target_arr.size != 1 or np.isnan(target_arr).any():
            raise ValueError(f"xmr: 'target' must be a single number; got {target!r}")
        target = float(target_arr.ravel()[0])
    floor, ceiling = _bound(limits_floor, "limits_floor"), _bound(limits_ceiling, "limits_ceiling")
    if floor is not None and ceiling is not None and not floor < ceiling:
        raise ValueError(f"xmr: 'limits_floor' ({floor:g}) must be below 'limits_ceiling' ({ceiling:g})")
    with np.errstate(invalid="ignore"):
        for bound, bad, word in ((floor, y < (floor if floor is not None else -np.inf), "below 'limits_floor'"),
                                 (ceiling, y > (ceiling if ceiling is not None else np.inf), "above 'limits_ceiling'")):
            if bound is not None and bad.any():
                raise ValueError(f"xmr: 'values' are {word} ({bound:g}), which the measure cannot take, in "
                                 f"{_rows(bad, index)}")
    direction = _DIRECTION[improvement]
    n = len(y)
    missing = np.isnan(y)
    seg = _segments(n, rebase, index)

    cols = {name: np.full(n, np.nan) for name in
            ("mean", "lpl", "upl", "lower_two_sigma", "upper_two_sigma", "moving_range", "relative_to_mean")}
    mr_excluded = np.zeros(n, dtype=bool)
    outside = np.zeros(n, dtype=bool)
    close = np.zeros(n, dtype=bool)
    in_baseline = np.zeros(n, dtype=bool)
    kind = np.full(n, None, dtype=object)
    rule = np.full(n, None, dtype=object)
    point_type = np.full(n, None, dtype=object)
    provisional = np.zeros(n, dtype=bool)
    base_sizes = []

    for s in np.unique(seg):  # a handful of segments
        idx = np.flatnonzero(seg == s)
        ys = y[idx]
        k = len(ys)
        observed = np.flatnonzero(~np.isnan(ys))
        mr = np.full(k, np.nan)
        mr[1:] = np.abs(np.diff(ys))            # NaN next to a gap: no moving range across it
        cols["moving_range"][idx] = mr
        last_base = observed[baseline - 1] if baseline is not None and observed.size >= baseline else k - 1
        base = np.arange(k) <= last_base
        fixed = ys[base & ~np.isnan(ys)]
        base_sizes.append(fixed.size)
        provisional[idx] = fixed.size < MIN_POINTS
        in_baseline[idx] = base & ~np.isnan(ys)
        mr_pos = np.flatnonzero(base & ~np.isnan(mr))
        if fixed.size < 2 or mr_pos.size == 0:
            continue
        mean = fixed.mean()
        mr_base = mr[mr_pos]
        amr = mr_base.mean()
        if screen_outliers:
            keep = mr_base < MR_SCREEN * amr
            mr_excluded[idx[mr_pos]] = ~keep
            amr = mr_base[keep].mean() if keep.any() else amr
        lpl, upl = mean - LIMIT * amr, mean + LIMIT * amr
        near = 2 * (LIMIT / 3) * amr  # NHSRplotthedots: limitclose = 2 * (limit / 3)
        nlpl, nupl = mean - near, mean + near
        with np.errstate(invalid="ignore"):
            rtm = np.sign(ys - mean)
            out_s = (ys > upl) | (ys < lpl)
            close_s = ~out_s & ((ys < nlpl) | (ys > nupl))
        lines = np.array([lpl, upl, nlpl, nupl])
        lines = np.clip(lines, floor if floor is not None else -np.inf, ceiling if ceiling is not None else np.inf)
        cols["mean"][idx] = mean
        cols["lpl"][idx], cols["upl"][idx] = lines[0], lines[1]
        cols["lower_two_sigma"][idx], cols["upper_two_sigma"][idx] = lines[2], lines[3]
        cols["relative_to_mean"][idx] = rtm
        outside[idx], close[idx] = out_s, close_s
        for block in _rule_blocks(observed, gaps):
            if block.size == 0:
                continue
            k_s, r_s = _segment_rules(ys[block], rtm[block], close_s[block], out_s[block], trend_points, shift_points)
            kind[idx[block]], rule[idx[block]] = k_s, r_s
            point_type[idx[block]] = _point_type(k_s, direction)

    result = pd.DataFrame({"value": y, "segment": seg, **{c: cols[c] for c in
                           ("mean", "lpl", "upl", "lower_two_sigma", "upper_two_sigma", "moving_range")},
                           "mr_excluded": mr_excluded, "relative_to_mean": cols["relative_to_mean"],
                           "outside_limits": outside, "close_to_limits": close,
                           "special_cause_type": kind, "rule": rule,
                           "special_cause_flag": np.isin(rule, ["outside_limits", "trend", "two_of_three", "shift"]),
                           "point_type": point_type, "provisional": provisional, "in_baseline": in_baseline,
                           "target": np.full(n, np.nan if target is None else target)},
                          index=index if index is not None else pd.RangeIndex(n))
    for c, v in (("special_cause_type", kind), ("rule", rule), ("point_type", point_type)):
        # object columns keep None for gaps (pandas would infer a string column and turn None into NaN)
        result[c] = pd.Series(v, index=result.index, dtype=object)

    is_provisional = bool(provisional.any())
    if is_provisional and n:
        warnings.warn(f"xmr: limits are provisional: a period of limits rests on {min(base_sizes)} value(s), fewer "
                      f"than the {MIN_POINTS} SPC needs; they will move as points are added", ProvisionalLimitsWarning,
                      stacklevel=2)
    last = np.flatnonzero(~missing)
    last = int(last[-1]) if last.size else None
    result.attrs.update({
        "variation_icon": None if last is None else variation_icon(point_type[last], improvement),
        "assurance_icon": None if last is None else assurance_icon(target, cols["lpl"][last], cols["upl"][last],
                                                                   improvement),
        "provisional": is_provisional,
        "improvement": improvement,
        "target": target,
        "screen_outliers": screen_outliers,
        "baseline": baseline,
        "trend_points": trend_points,
        "shift_points": shift_points,
        "limits_floor": floor,
        "limits_ceiling": ceiling,
        "gaps": gaps,
        "missing": int(missing.sum()),
    })
    return result


def _scalar_or_array(out: np.ndarray):
    return out[()] if out.ndim == 0 else out


def variation_icon(point_type, improvement=None):
    """Making Data Count variation icon of a point type (NHSRplotthedots ``ptd_get_icons``).

    ``common_cause`` → ``common_cause``; ``special_cause_neutral_high``/``_low`` → ``neutral_high``/``_low``;
    ``special_cause_improvement`` → ``improvement_high`` when improvement is "increase", else
    ``improvement_low``; ``special_cause_concern`` → ``concern_low`` when "increase", else
    ``concern_high``. None (a gap, or no chart) gives None. Scalars or arrays (one per indicator;
    ``improvement`` may be one per indicator too).
    """
    types = np.asarray(point_type, dtype=object)
    imp = np.asarray(improvement, dtype=object)
    bad = ~np.isin(imp, list(_DIRECTION))
    if bad.any():
        raise ValueError(f"variation_icon: 'improvement' must be 'increase', 'decrease', 'neutral' or None; "
                         f"got {imp.ravel()[np.flatnonzero(bad.ravel())[0]]!r}")
    known = ("common_cause", "special_cause_improvement", "special_cause_concern", "special_cause_neutral_high",
             "special_cause_neutral_low", None)
    odd = ~np.isin(types, known)
    if odd.any():
        raise ValueError(f"variation_icon: unknown point type {types.ravel()[np.flatnonzero(odd.ravel())[0]]!r}")
    increasing = imp == "increase"
    out = np.full(np.broadcast(types, imp).shape, None, dtype=object)
    out = np.where(types == "common_cause", "common_cause", out)
    out = np.where(types == "special_cause_neutral_high", "neutral_high", out)
    out = np.where(types == "special_cause_neutral_low", "neutral_low", out)
    out = np.where(types == "special_cause_improvement", np.where(increasing, "improvement_high", "improvement_low"),
                   out)
    out = np.where(types == "special_cause_concern", np.where(increasing, "concern_low", "concern_high"), out)
    return _scalar_or_array(np.asarray(out, dtype=object))


def assurance_icon(target, lpl, upl, improvement):
    """Making Data Count assurance icon: will the process consistently pass, fail, or hit and miss the target?

    As NHSRplotthedots ``ptd_calculate_assurance_type``, with strict comparisons: with improvement
    "increase", target > upper process limit → ``consistent_fail``, target < lower limit →
    ``consistent_pass``; mirrored for "decrease"; otherwise (a target on or between the limits)
    ``inconsistent`` (hit and miss). None without a target, without limits, or when the improvement
    direction is "neutral" or None. Scalars or arrays (one per indicator, ``improvement`` too).
    """
    imp = np.asarray(improvement, dtype=object)
    bad = ~np.isin(imp, list(_DIRECTION))
    if bad.any():
        raise ValueError(f"assurance_icon: 'improvement' must be 'increase', 'decrease', 'neutral' or None; "
                         f"got {imp.ravel()[np.flatnonzero(bad.ravel())[0]]!r}")
    t = _numeric(np.nan if target is None else target, "target", where="assurance_icon")
    lo = _numeric(lpl, "lpl", where="assurance_icon")
    hi = _numeric(upl, "upl", where="assurance_icon")
    increasing, decreasing = imp == "increase", imp == "decrease"
    with np.errstate(invalid="ignore"):
        above, below = t > hi, t < lo
    out = np.where(above, np.where(increasing, "consistent_fail", "consistent_pass"),
                   np.where(below, np.where(increasing, "consistent_pass", "consistent_fail"), "inconsistent"))
    out = np.asarray(out, dtype=object)
    out = np.where(np.isnan(t) | np.isnan(lo) | np.isnan(hi) | ~(increasing | decreasing), None, out)
    return _scalar_or_array(np.asarray(out, dtype=object))


def default_baseline(n_points: int, frequency: str = "monthly") -> int:
    """How many points to fix a series' SPC limits from, when the partnership has not said.

    ``min(n_points, BASELINE_POINTS[frequency])`` and never fewer than 2: the first 20 points of a
    monthly series (The Health Care Data Guide: "the most recent 20 to 30 measurements"; under two
    years, so the limits describe the recent process; docs/methods.md gives the sources), the first
    13 of a quarterly one (the fewest NHSRplotthedots treats as firm rather than trial limits; 20
    quarters would reach five years back). A series shorter than that uses all its points, and
    below 13 its limits are provisional. Pass the result as ``xmr(..., baseline=...)``; recalculate
    at the change points the partnership records (``rebase``).
    """
    if isinstance(n_points, bool) or not isinstance(n_points, (int, np.integer)) or n_points < 0:
        raise ValueError(f"default_baseline: 'n_points' must be a whole number of at least 0; got {n_points!r}")
    if frequency not in BASELINE_POINTS:
        raise ValueError(f"default_baseline: 'frequency' must be one of {', '.join(BASELINE_POINTS)}; got {frequency!r}")
    return max(2, min(int(n_points), BASELINE_POINTS[frequency]))
