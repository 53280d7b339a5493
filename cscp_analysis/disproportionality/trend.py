"""Is each gap changing? RRIs over the last eight quarters (rolling twelve months).

The series: each group's RRI for the rolling twelve months ending each of the last eight quarters.
Neighbouring points share nine months of children, so they are not independent and a regression
through all eight would overstate the evidence. The test therefore compares the two points that
share no months: the latest twelve months and the twelve months ending four quarters earlier.

Test of the difference between two ratios (Altman DG, Bland JM (2003) Interaction revisited: the
difference between two estimates. BMJ 326:219):

    d = ln RRI_now − ln RRI_then,   SE(ln RRI) = (ln upper − ln lower) / (2·z),
    SE(d) = √(SE_now² + SE_then²),  z_d = d / SE(d),  p = 2·(1 − Φ(|z_d|))

(a child can be in both years, so the two estimates are not strictly independent; the test is a
guide, not a proof). The *gap* is the distance of the RRI from 1 on the log scale, |ln RRI|:

* ``narrowing``: the RRI a year earlier was significantly different from 1 (there was a gap), the
  change is significant (p < 0.05 after Benjamini–Hochberg adjustment, one family for the question
  "is any gap changing?": every stage, ethnic characteristic and group) and |ln RRI_now| < |ln RRI_then|;
* ``widening``: the latest RRI is significantly different from 1, the change is significant after
  adjustment and |ln RRI_now| > |ln RRI_then|;
* ``no clear change``: otherwise;
* ``too few to say``: either year is too small to estimate (label *too few to say* or no interval).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from .statistics import adjust

__all__ = ["trend", "ratio_change"]


def ratio_change(rri_now, lower_now, upper_now, rri_then, lower_then, upper_then, confidence: float = 0.95):
    """``(ratio of RRIs, p-value)`` for the change between two RRIs from their intervals (see module)."""
    z = float(ndtri(1 - (1 - confidence) / 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        se_now = (np.log(upper_now) - np.log(lower_now)) / (2 * z)
        se_then = (np.log(upper_then) - np.log(lower_then)) / (2 * z)
        d = np.log(rri_now) - np.log(rri_then)
        zd = d / np.sqrt(se_now**2 + se_then**2)
        p = 2 * ndtr(-np.abs(zd))
    return np.exp(d), p


def trend(rates: pd.DataFrame, windows: list[str], *, characteristics=("ethnicity_major", "ethnicity"),
          alpha: float = 0.05, confidence: float = 0.95) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(series, summary)``.

    ``series``: one row per window × stage × characteristic × group with the RRI, its interval, label
    and ``children`` (for the trend chart). ``summary``: one row per stage × characteristic × group
    with the latest and year-earlier RRIs, ``change_ratio`` (now / then), ``change_p`` and
    ``direction`` (narrowing / widening / no clear change / too few to say).
    """
    keys = ["stage", "characteristic", "group", "group_label", "stratum", "reference_label"]
    cols = keys + ["window", "children", "rri", "rri_lower", "rri_upper", "label", "is_reference"]
    series = rates[rates["characteristic"].isin(characteristics) & rates["window"].isin(windows)][cols].copy()
    order = {w: i for i, w in enumerate(windows)}
    series["_w"] = series["window"].map(order)
    # stages, characteristics and groups in the order the rates table has them (the journey's order)
    for col in ("stage", "characteristic", "group"):
        first = {v: i for i, v in enumerate(dict.fromkeys(series[col]))}
        series[f"_{col}"] = series[col].map(first)
    series = series.sort_values(["_stage", "_characteristic", "_group", "_w"], kind="mergesort")
    series = series.drop(columns=["_w", "_stage", "_characteristic", "_group"])
    latest = windows[-1]
    earlier = windows[-5] if len(windows) >= 5 else None
    now = series[series["window"] == latest].set_index(keys)
    summary = now[["children", "rri", "rri_lower", "rri_upper", "label", "is_reference"]].add_suffix("_now")
    if earlier is None:
        summary["rri_then"] = np.nan
        summary["change_ratio"] = np.nan
        summary["change_p"] = np.nan
        summary["direction"] = "too few to say"
        summary["window_then"] = ""
        return series.reset_index(drop=True), summary.reset_index()
    then = series[series["window"] == earlier].set_index(keys)
    then = then[["children", "rri", "rri_lower", "rri_upper", "label"]].add_suffix("_then")
    summary = summary.join(then, how="left")
    ratio, p = ratio_change(summary["rri_now"].to_numpy(float), summary["rri_lower_now"].to_numpy(float),
                            summary["rri_upper_now"].to_numpy(float), summary["rri_then"].to_numpy(float),
                            summary["rri_lower_then"].to_numpy(float), summary["rri_upper_then"].to_numpy(float),
                            confidence)
    summary["change_ratio"], summary["change_p"] = ratio, p
    summary = summary.reset_index()
    unusable = (summary["label_now"].isin(["too few to say", "not available"])
                | summary["label_then"].isin(["too few to say", "not available"]) | ~np.isfinite(p)).to_numpy()
    summary.loc[unusable, "change_p"] = np.nan
    summary["family"] = "trend"  # one question: is any gap changing? (every stage, characteristic and group)
    adjust(summary, "change_p", "change_p_adjusted", family=["family"])
    pa = summary["change_p_adjusted"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        gap_now = np.abs(np.log(summary["rri_now"].to_numpy(float)))
        gap_then = np.abs(np.log(summary["rri_then"].to_numpy(float)))
    sig = ("significantly higher", "significantly lower")
    narrowing = (pa < alpha) & (gap_now < gap_then) & summary["label_then"].isin(sig).to_numpy()
    widening = (pa < alpha) & (gap_now > gap_then) & summary["label_now"].isin(sig).to_numpy()
    direction = np.where(narrowing, "narrowing", np.where(widening, "widening", "no clear change"))
    direction = np.where(unusable, "too few to say", direction)
    direction = np.where(summary["is_reference_now"].to_numpy(bool), "reference", direction)
    summary["direction"] = direction
    summary["window_then"] = earlier
    summary["window_now"] = latest
    rank = {k: i for i, k in enumerate(dict.fromkeys(zip(series["stage"], series["characteristic"], series["group"],
                                                             strict=True)))}
    summary["_r"] = [rank.get(k, 0) for k in zip(summary["stage"], summary["characteristic"], summary["group"],
                                                  strict=True)]
    summary = summary.sort_values("_r", kind="mergesort").drop(columns="_r").reset_index(drop=True)
    return series.reset_index(drop=True), summary
