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

from ._checks import _column, _confidence, _counts, _no_more_than, _numeric, _positive

__all__ = ["recent_trend", "trend_polarity", "chi2_for_trend", "cochran_armitage_test", "trend_across_waves",
           "TrendTest", "TREND_LABELS", "POINTS"]

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


# --------------------------------------------------------------------------------------------------
# Cochran–Armitage test for trend across survey waves (signed, with its p-value)


class TrendTest(tuple):
    """``(z, p_value)`` of the Cochran–Armitage test, with ``.chi2`` (= z²) and ``.slope``.

    ``.slope`` is the change in the proportion per unit of score (per wave when the scores are
    1, 2, 3, …), Armitage's regression coefficient b.
    """

    def __new__(cls, z, p_value, chi2, slope):
        def out(a):
            a = np.asarray(a, dtype=float)
            return a[()] if a.ndim == 0 else a

        obj = super().__new__(cls, (out(z), out(p_value)))
        obj.chi2 = out(chi2)
        obj.slope = out(slope)
        return obj

    @property
    def z(self):
        return self[0]

    @property
    def p_value(self):
        return self[1]

    def __repr__(self) -> str:
        return f"TrendTest(z={self[0]!r}, p_value={self[1]!r}, chi2={self.chi2!r}, slope={self.slope!r})"


def _armitage_from_sums(big_n, big_x, snt, sxt, sntt):
    """z, two-sided p, χ² and slope from the sums N = Σn, X = Σx, Σnt, Σxt and Σnt² of each series."""
    with np.errstate(divide="ignore", invalid="ignore"):
        pbar = big_x / big_n
        sxx = sntt - snt ** 2 / big_n                 # Σ nᵢ (tᵢ − t̄)²
        numerator = sxt - pbar * snt                  # Σ xᵢ tᵢ − p̄ Σ nᵢ tᵢ = Σ xᵢ (tᵢ − t̄)
        slope = numerator / sxx
        var0 = pbar * (1 - pbar) * sxx
        z = np.where(var0 > 0, numerator / np.sqrt(var0), 0.0)
    # one wave, or every score the same (up to rounding): no trend to test
    degenerate = ~(sxx > 1e-12 * np.maximum(np.abs(sntt), 1))
    z = np.where(degenerate | np.isnan(big_x) | np.isnan(big_n), np.nan, z)
    slope = np.where(degenerate, np.nan, slope)
    return z, chdtrc(1, z * z), z * z, slope


def _armitage(x, n, t):
    """z, two-sided p, χ² and slope from arrays whose last axis is the waves."""
    return _armitage_from_sums(n.sum(-1), x.sum(-1), (n * t).sum(-1), (x * t).sum(-1), (n * t * t).sum(-1))


def cochran_armitage_test(x, n, scores=None) -> TrendTest:
    """Cochran–Armitage test for a linear trend in the proportions xᵢ/nᵢ across waves (last axis).

    With scores tᵢ (1, 2, 3, … by default), N = Σnᵢ, p̄ = Σxᵢ / N, t̄ = Σnᵢtᵢ / N:

        z = Σ xᵢ(tᵢ − t̄) / √(p̄(1 − p̄) Σ nᵢ(tᵢ − t̄)²),   p = 2(1 − Φ(|z|)),   χ² = z² (1 df)
        slope b = Σ xᵢ(tᵢ − t̄) / Σ nᵢ(tᵢ − t̄)²   (change in the proportion per unit of score)

    z > 0 is an upward trend. χ² is R ``prop.trend.test`` and :func:`chi2_for_trend` (Armitage
    1955; Agresti 2013); statsmodels ``Table.test_ordinal_association`` gives the same test
    with the permutation variance, its z² = (N − 1)/N × ours. Waves must hold different respondents.
    When no one, or everyone, answered yes in every wave, z = 0 and p = 1; with a single wave (or
    equal scores) there is no trend to test and the result is NaN. Arrays of shape
    (series, waves) give one test per series.
    """
    where = "cochran_armitage_test"
    x = _counts(x, "x", where=where)
    n = _positive(n, "n", where=where)
    _no_more_than(x, n, "x", "n", where=where)
    t = np.arange(1, x.shape[-1] + 1, dtype=float) if scores is None else _numeric(scores, "scores", where=where)
    if t.shape[-1] != x.shape[-1]:
        raise ValueError(f"{where}: 'scores' has {t.shape[-1]} values but there are {x.shape[-1]} waves")
    return TrendTest(*_armitage(x, n, t))


def trend_across_waves(df: pd.DataFrame, wave, numerator, denominator, group_by=None) -> pd.DataFrame:
    """Cochran–Armitage test for trend of each series of survey waves (table form).

    ``wave`` names a numeric column used as the score of each wave (1, 2, 3… or the year);
    ``numerator``/``denominator`` the yes answers and answers in each wave; ``group_by`` the
    column(s) identifying each series (e.g. the question). One row per series, in order of first
    appearance: the group columns, ``waves``, ``first_wave``, ``last_wave``, ``first_value`` and
    ``last_value`` (proportions), ``slope`` (change in the proportion per unit of ``wave``), ``z``,
    ``chi2`` and ``p_value``. Vectorised across series (grouped sums).
    """
    where = "trend_across_waves"
    keys = _keys(df, group_by, where)
    t = _numeric(_column(df, wave, "wave", where), wave, where=where)
    if np.isnan(t).any():
        from ._checks import _rows

        raise ValueError(f"{where}: '{wave}' must give a number for every row but is missing in "
                         f"{_rows(np.isnan(t), df.index)}")
    x = _counts(_column(df, numerator, "numerator", where), numerator, where=where, index=df.index)
    n = _positive(_column(df, denominator, "denominator", where), denominator, where=where, index=df.index)
    _no_more_than(x, n, numerator, denominator, where=where, index=df.index)
    missing = np.isnan(x) | np.isnan(n)
    if missing.any():
        from ._checks import _rows

        raise ValueError(f"{where}: '{numerator}' or '{denominator}' is missing in {_rows(missing, df.index)}; "
                         f"a wave without counts cannot be tested (remove the wave and say so)")
    work = pd.DataFrame({"t": t, "x": x, "n": n, "nt": n * t, "xt": x * t, "ntt": n * t * t})
    if keys:
        gid = pd.DataFrame({f"_g{i}": df[k].to_numpy() for i, k in enumerate(keys)}) \
            .groupby([f"_g{i}" for i in range(len(keys))], sort=False, dropna=False).ngroup().to_numpy()
    else:
        gid = np.zeros(len(df), dtype=int)
    work["gid"] = gid
    ordered = work.sort_values(["gid", "t"], kind="mergesort")
    grouped = ordered.groupby("gid", sort=True)
    sums = grouped[["x", "n", "nt", "xt", "ntt"]].sum()
    z, p, chi2, slope = _armitage_from_sums(*(sums[c].to_numpy() for c in ("n", "x", "nt", "xt", "ntt")))
    first = grouped.head(1).set_index("gid")
    last = grouped.tail(1).set_index("gid")
    rows = pd.Series(np.arange(len(df))).groupby(gid).first().sort_index().to_numpy()
    out = pd.DataFrame({k: df[k].to_numpy()[rows] for k in keys})
    out["waves"] = grouped.size().to_numpy()
    out["first_wave"] = first["t"].to_numpy()
    out["last_wave"] = last["t"].to_numpy()
    out["first_value"] = (first["x"] / first["n"]).to_numpy()
    out["last_value"] = (last["x"] / last["n"]).to_numpy()
    out["slope"] = slope
    out["z"] = z
    out["chi2"] = chi2
    out["p_value"] = p
    return out
