"""Fingertips recent-trend markers for annual series: Increasing, Decreasing, No significant change.

The method of the Fingertips trend markers (OHID, *Fingertips trend markers*, Public Health
Technical Guidance; the Fingertips ``TrendMarkerCalculator`` and PHEindicatormethods
``assign_trend_markers``), applied to the most recent five points of each series:

* **Proportions** — Cochran–Armitage χ² test for trend, with counts xᵢ of nᵢ at times tᵢ,
  X = Σxᵢ, N = Σnᵢ:

      χ² = N (N Σxᵢtᵢ − X Σnᵢtᵢ)² / (X (N − X) (N Σnᵢtᵢ² − (Σnᵢtᵢ)²))

  The direction is the sign of the least-squares slope of logit(xᵢ/nᵢ) on tᵢ.
* **Other indicators** (rates, DSRs, ratios, means…) — inverse-variance weighted regression of the
  values yᵢ on tᵢ, with standard errors from the 95% intervals, sᵢ = (Uᵢ − Lᵢ) / (2 × 1.96), weights
  wᵢ = 1/sᵢ²:

      β = (Σw Σwty − Σwt Σwy) / (Σw Σwt² − (Σwt)²),  SE(β) = √(Σw / (Σw Σwt² − (Σwt)²)),  χ² = (β / SE(β))²

* The trend is significant when χ² > χ²₁(0.998) = 9.5495 (99.8% level) **and** no single point
  drives it: the slope keeps its sign when each of the five points is left out in turn (Fingertips'
  outlier check); otherwise "No significant change".
* "Cannot be calculated" when a series has fewer than five points, duplicate periods, missing
  values, or (proportions) a period with no events or with every child counted, where the logit is
  undefined and the test has too few events.

Decisions: time enters as the values given (consecutive years give the same result as Fingertips'
1..5 counter, and gaps are handled rather than ignored); the polarity-aware label is Fingertips'
"Increasing and getting better" etc., with "neither" keeping "Increasing"/"Decreasing".
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.special import chdtrc, chdtri, ndtri

from ._checks import _column, _confidence, _counts, _no_more_than, _numeric

__all__ = ["recent_trend", "trend_polarity", "chi2_for_trend", "TREND_LABELS", "POINTS"]

POINTS = 5
TREND_LABELS = ("Increasing", "Decreasing", "No significant change", "Cannot be calculated")


def _keys(df, group_by, where):
    if group_by is None:
        return []
    keys = [group_by] if isinstance(group_by, str) or not isinstance(group_by, Sequence) else list(group_by)
    for k in keys:
        _column(df, k, "group_by", where)
    return keys


def chi2_for_trend(x, n, t=None):
    """Cochran–Armitage χ² statistic for a linear trend in proportions x/n over scores t (last axis).

    χ² = N (N Σxt − X Σnt)² / (X (N − X) (N Σnt² − (Σnt)²)), 1 degree of freedom; the statistic of
    R ``prop.trend.test`` and of the Fingertips trend marker for proportions. ``t`` defaults to
    1, 2, …; arrays of shape (series, periods) give one statistic per series.
    """
    x = _counts(x, "x", where="chi2_for_trend")
    n = _counts(n, "n", where="chi2_for_trend")
    _no_more_than(x, n, "x", "n", where="chi2_for_trend")
    t = np.arange(1, x.shape[-1] + 1, dtype=float) if t is None else _numeric(t, "t", where="chi2_for_trend")
    big_n, big_x = n.sum(-1), x.sum(-1)
    snt, sxt, sntt = (n * t).sum(-1), (x * t).sum(-1), (n * t * t).sum(-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return big_n * (big_n * sxt - big_x * snt) ** 2 / (big_x * (big_n - big_x) * (big_n * sntt - snt ** 2))


def _leave_one_out_masks(points: int) -> np.ndarray:
    """Row 0 keeps every point; row j (1..points) drops point j − 1."""
    masks = np.ones((points + 1, points), dtype=bool)
    masks[np.arange(1, points + 1), np.arange(points)] = False
    return masks


def _ols_slopes(t: np.ndarray, y: np.ndarray, w: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """Weighted least-squares slopes of y on t for every (mask, series): shape (masks, series)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        mw = masks[:, None, :] * w[None, :, :]
        sw = mw.sum(-1)
        swt = (mw * t).sum(-1)
        swy = (mw * y).sum(-1)
        swty = (mw * t * y).sum(-1)
        swtt = (mw * t * t).sum(-1)
        return (sw * swty - swt * swy) / (sw * swtt - swt ** 2)


def trend_polarity(trend, polarity):
    """Fingertips' polarity-aware trend: 'Increasing and getting better', 'Decreasing and getting worse', …

    ``polarity`` is "higher_is_better", "lower_is_better" or "neither" (scalar or one per trend);
    "neither" keeps "Increasing"/"Decreasing". Other labels pass through.
    """
    tr = np.asarray(trend, dtype=object)
    pol = np.asarray(polarity, dtype=object)
    bad = ~np.isin(pol, ("higher_is_better", "lower_is_better", "neither"))
    if bad.any():
        raise ValueError("'polarity' must be 'higher_is_better', 'lower_is_better' or 'neither'; got "
                         f"{pol.ravel()[np.flatnonzero(bad.ravel())[0]]!r}")
    up, down = tr == "Increasing", tr == "Decreasing"
    hib, lib = pol == "higher_is_better", pol == "lower_is_better"
    out = tr.copy()
    out = np.where(up & hib, "Increasing and getting better", out)
    out = np.where(up & lib, "Increasing and getting worse", out)
    out = np.where(down & hib, "Decreasing and getting worse", out)
    out = np.where(down & lib, "Decreasing and getting better", out)
    return out.astype(object)


def recent_trend(df: pd.DataFrame, time, kind="proportion", numerator=None, denominator=None, value=None,
                 lower=None, upper=None, group_by=None, confidence=0.95, polarity=None,
                 significance=0.998) -> pd.DataFrame:
    """Recent-trend marker of each series from its last five points (Fingertips method).

    ``kind="proportion"`` needs ``numerator`` and ``denominator`` columns; ``kind="other"`` needs
    ``value``, ``lower`` and ``upper`` (the interval columns, at level ``confidence``, 95% by default).
    ``group_by`` names the column(s) that identify each series. ``polarity`` (a scalar or a column
    name) adds the polarity-aware ``trend_polarity`` column.

    Returns one row per series, in order of first appearance: the group columns, ``period`` (the
    latest time), ``n_points``, ``slope`` (logit scale for proportions, the value's scale per unit
    of time otherwise), ``chi2``, ``p_value``, ``trend`` (one of ``TREND_LABELS``), ``trend_reason``
    and, with a polarity, ``trend_polarity``. Everything is vectorised across series.
    """
    where = "recent_trend"
    if kind not in ("proportion", "other"):
        raise ValueError(f"{where}: 'kind' must be 'proportion' or 'other'; got {kind!r}")
    keys = _keys(df, group_by, where)
    t_all = _numeric(_column(df, time, "time", where), time, where=where)
    if np.isnan(t_all).any():
        raise ValueError(f"{where}: '{time}' must give a number (e.g. the year) for every row")
    if kind == "proportion":
        if numerator is None or denominator is None:
            raise ValueError(f"{where}: proportions need 'numerator' and 'denominator'")
        a = _counts(_column(df, numerator, "numerator", where), numerator, where=where, index=df.index)
        b = _counts(_column(df, denominator, "denominator", where), denominator, where=where, index=df.index)
        _no_more_than(a, b, numerator, denominator, where=where, index=df.index)
        data = {"a": a, "b": b}
    else:
        if value is None or lower is None or upper is None:
            raise ValueError(f"{where}: kind='other' needs 'value', 'lower' and 'upper' columns")
        data = {"a": _numeric(_column(df, value, "value", where), value, where=where),
                "lo": _numeric(_column(df, lower, "lower", where), lower, where=where),
                "hi": _numeric(_column(df, upper, "upper", where), upper, where=where)}
    z = float(ndtri(1 - (1 - _confidence(confidence)) / 2))
    threshold = float(chdtri(1, 1 - _confidence(significance)))

    work = pd.DataFrame({"_t": t_all, **data, "_order": np.arange(len(df))})
    for i, k in enumerate(keys):
        work[f"_g{i}"] = df[k].to_numpy()
    gcols = [f"_g{i}" for i in range(len(keys))]
    if not gcols:
        work["_g"] = 0
        gcols = ["_g"]
    # with sort=False, ngroup() numbers the series in order of first appearance
    group_id = work.groupby(gcols, sort=False, dropna=False).ngroup().to_numpy()
    ngroups = int(group_id.max()) + 1 if len(group_id) else 0
    work["_gid"] = group_id

    work = work.sort_values(["_gid", "_t"], kind="mergesort")
    size = work.groupby("_gid")["_t"].transform("size").to_numpy()
    dup = work.duplicated(["_gid", "_t"], keep=False).to_numpy()
    dup_group = pd.Series(dup).groupby(work["_gid"].to_numpy()).any()
    from_end = work.groupby("_gid").cumcount(ascending=False).to_numpy()
    last = work[(from_end < POINTS) & (size >= POINTS)]

    gids = np.arange(ngroups)
    n_points = np.minimum(pd.Series(size).groupby(work["_gid"].to_numpy()).first().reindex(gids).to_numpy(), POINTS)
    period = work.groupby("_gid")["_t"].max().reindex(gids).to_numpy()
    slope = np.full(ngroups, np.nan)
    chi2 = np.full(ngroups, np.nan)
    trend = np.full(ngroups, "Cannot be calculated", dtype=object)
    reason = np.full(ngroups, f"Fewer than {POINTS} data points", dtype=object)
    dupl = dup_group.reindex(gids, fill_value=False).to_numpy()
    reason = np.where(dupl, "Duplicate time periods", reason)

    full = np.unique(last["_gid"].to_numpy())
    full = full[~dupl[full]]
    if len(full):
        sub = last[last["_gid"].isin(full)]
        shape = (len(full), POINTS)
        t = sub["_t"].to_numpy().reshape(shape)
        masks = _leave_one_out_masks(POINTS)
        if kind == "proportion":
            x = sub["a"].to_numpy().reshape(shape)
            n = sub["b"].to_numpy().reshape(shape)
            bad = np.isnan(x).any(1) | np.isnan(n).any(1) | (n <= 0).any(1)
            degenerate = ((x <= 0) | (x >= n)).any(1)
            stat = chi2_for_trend(np.nan_to_num(x), np.nan_to_num(n), t)
            with np.errstate(divide="ignore", invalid="ignore"):
                y = np.log(x / (n - x))
            slopes = _ols_slopes(t, y, np.ones(shape), masks)
            why_bad = np.where(bad, "Missing values", "A period with no events, or with every case an event")
            bad = bad | degenerate
        else:
            v = sub["a"].to_numpy().reshape(shape)
            lo = sub["lo"].to_numpy().reshape(shape)
            hi = sub["hi"].to_numpy().reshape(shape)
            missing = np.isnan(v).any(1) | np.isnan(lo).any(1) | np.isnan(hi).any(1)
            se = (hi - lo) / (2 * z)
            flat = (se <= 0).any(1)
            with np.errstate(divide="ignore", invalid="ignore"):
                w = 1 / se ** 2
                slopes = _ols_slopes(t, v, w, masks)
                sw, swt, swtt = w.sum(1), (w * t).sum(1), (w * t * t).sum(1)
                se_b = np.sqrt(sw / (sw * swtt - swt ** 2))
                stat = (slopes[0] / se_b) ** 2
            why_bad = np.where(missing, "Missing values", "An interval of zero width")
            bad = missing | flat
        full_slope = slopes[0]
        sign = np.where(slopes >= 0, 1, -1)
        consistent = (sign == sign[0]).all(0)
        significant = stat > threshold
        label = np.where(~significant, "No significant change",
                         np.where(~consistent, "No significant change",
                                  np.where(full_slope < 0, "Decreasing", "Increasing")))
        why = np.where(~significant, "No significant trend",
                       np.where(~consistent, "Outlier found", "Significant trend, no outliers"))
        label = np.where(bad, "Cannot be calculated", label)
        why = np.where(bad, why_bad, why)
        trend[full], reason[full] = label, why
        slope[full] = np.where(bad, np.nan, full_slope)
        chi2[full] = np.where(bad, np.nan, stat)

    first_rows = work.sort_values("_order").groupby("_gid", sort=True).head(1).sort_values("_gid")
    out_order = first_rows["_gid"].to_numpy()  # 0, 1, 2, …: series in order of first appearance
    out = pd.DataFrame({k: df[k].to_numpy()[first_rows["_order"].to_numpy()] for k in keys})
    out["period"] = period[out_order]
    out["n_points"] = n_points[out_order]
    out["slope"] = slope[out_order]
    out["chi2"] = chi2[out_order]
    with np.errstate(invalid="ignore"):
        out["p_value"] = chdtrc(1, chi2[out_order])
    out["trend"] = trend[out_order]
    out["trend_reason"] = reason[out_order]
    if polarity is not None:
        if isinstance(polarity, str) and polarity in df.columns:
            pol = df[polarity].to_numpy()[first_rows["_order"].to_numpy()]
        else:
            pol = polarity
        out["trend_polarity"] = trend_polarity(out["trend"].to_numpy(), pol)
    return out
