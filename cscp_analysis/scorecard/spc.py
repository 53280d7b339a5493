"""The SPC series of an indicator: NHS England "Making Data Count" XmR chart, and its icons.

The chart itself is ``cscp_analysis.stats.xmr`` (as NHSRplotthedots: process limits at the mean ∓ 2.66
× the mean moving range, moving ranges above 3.267 × their mean screened out, and the special-cause
rules: a point outside the limits, a run of points on one side of the mean, a trend, two of three
points near a limit). This module feeds it the indicator's series in the improvement direction its
polarity gives, keeps the series' labels and counts beside the point types, and summarises what the
scorecard needs:

* ``variation`` — the Making Data Count variation icon of the latest point: ``common cause``,
  ``special cause improvement``, ``special cause concern`` or ``special cause neutral`` (for an
  indicator without a preferred direction);
* ``assurance`` — the assurance icon, when there is a target: ``consistently passes`` the target
  (the target lies outside the process limits on the failing side), ``consistently fails``
  (outside on the passing side) or ``hit and miss`` (the target lies within the limits);
* whether any point of the *latest quarter* (its three months, or the quarter itself) is a special
  cause of concern or of improvement, and which earlier points of the twelve months were.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..periods import Period
from .registry import Indicator

__all__ = ["run_xmr", "POINT_TYPE_WORDS", "MIN_SPC_POINTS", "VARIATION_WORDS", "ASSURANCE_WORDS"]

MIN_SPC_POINTS = 8  # fewer points: no SPC chart; 8 to 12 points give provisional limits (stats.xmr: 13)

POINT_TYPE_WORDS = {
    "common_cause": "common-cause variation",
    "special_cause_improvement": "special-cause improvement",
    "special_cause_concern": "special-cause concern",
    "special_cause_neutral_high": "special-cause variation (high)",
    "special_cause_neutral_low": "special-cause variation (low)",
}


VARIATION_WORDS = {
    "common_cause": "common cause",
    "improvement_high": "special cause improvement (high)",
    "improvement_low": "special cause improvement (low)",
    "concern_high": "special cause concern (high)",
    "concern_low": "special cause concern (low)",
    "neutral_high": "special cause neutral (high)",
    "neutral_low": "special cause neutral (low)",
}
ASSURANCE_WORDS = {
    "consistent_pass": "consistently passes the target",
    "consistent_fail": "consistently fails the target",
    "inconsistent": "hit and miss",
}


def _xmr(values: np.ndarray, improvement: str, target):
    import warnings

    from ..stats.spc import xmr

    with warnings.catch_warnings():  # provisional limits are reported in the summary's note instead
        warnings.simplefilter("ignore")
        return xmr(values, improvement=improvement, target=target)


def run_xmr(ind: Indicator, series: pd.DataFrame, period: Period) -> tuple[pd.DataFrame | None, dict]:
    """Run the XmR chart on ``series`` (columns label, start, end, value, numerator, denominator).

    Returns the chart table (one row per point with a value: the series columns plus ``mean``, ``lpl``,
    ``upl``, ``point_type``, ``rule``, ``in_period``) and the summary dict. Fewer than
    :data:`MIN_SPC_POINTS` points give no chart (``None``) and a note.
    """

    s = series[series["value"].notna()].reset_index(drop=True)
    freq = "monthly" if len(s) and "-Q" not in str(s["label"].iloc[0]) else "quarterly"
    summary: dict = {"frequency": freq, "points": int(len(s)), "variation": "", "assurance": "",
                     "latest_label": "", "latest_point_type": "", "concern_in_period": False,
                     "improvement_in_period": False, "neutral_in_period": "", "recent_concerns": [],
                     "recent_improvements": [], "note": ""}
    if len(s) < MIN_SPC_POINTS:
        summary["note"] = (f"too few points for an SPC chart ({len(s)} {freq} value{'' if len(s) == 1 else 's'}; "
                           f"at least {MIN_SPC_POINTS} are needed)")
        return None, summary
    chart = _xmr(s["value"].to_numpy(dtype=float), ind.improvement, ind.target)
    attrs = dict(chart.attrs)
    chart = chart.reset_index(drop=True)
    out = s.copy()
    for col in ("mean", "lpl", "upl", "point_type"):
        if col not in chart.columns:
            raise ValueError(f"stats.xmr returned no {col!r} column")
        out[col] = chart[col].to_numpy()
    rule = next((c for c in ("rule", "special_cause_rule", "rules") if c in chart.columns), None)
    out["rule"] = chart[rule].astype("string").fillna("").to_numpy() if rule else ""
    gaps = [str(x) for x in series.loc[series["value"].isna(), "label"]]
    notes = []
    if gaps:
        notes.append(f"no value for {', '.join(gaps)}, left out of the chart")
    if attrs.get("provisional"):
        notes.append("limits are provisional (fewer than 13 points)")
    summary["note"] = "; ".join(notes)
    out["in_period"] = (out["end"] >= pd.Timestamp(period.start)) & (out["end"] <= pd.Timestamp(period.end))
    twelve_start = pd.Timestamp(period.rolling_twelve_months()[0])
    recent = (out["end"] >= twelve_start) & ~out["in_period"]
    last = out.iloc[-1]
    pts = out.loc[out["in_period"], "point_type"].astype(str)
    summary.update(
        latest_label=str(last["label"]),
        latest_point_type=str(last["point_type"]),
        variation=VARIATION_WORDS.get(attrs.get("variation_icon"), ""),
        assurance=ASSURANCE_WORDS.get(attrs.get("assurance_icon"), ""),
        concern_in_period=bool((pts == "special_cause_concern").any()),
        improvement_in_period=bool((pts == "special_cause_improvement").any()),
        neutral_in_period=("high" if (pts == "special_cause_neutral_high").any()
                           else "low" if (pts == "special_cause_neutral_low").any() else ""),
        recent_concerns=list(out.loc[recent & (out["point_type"] == "special_cause_concern"), "label"].astype(str)),
        recent_improvements=list(out.loc[recent & (out["point_type"] == "special_cause_improvement"), "label"].astype(str)),
    )
    return out, summary
