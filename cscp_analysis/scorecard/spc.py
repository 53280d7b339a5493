"""The SPC series of an indicator, as NHS England's "Making Data Count" intends, and its summary.

The charts themselves are ``cscp_analysis.stats.xmr`` and ``cscp_analysis.stats.run_chart``; this module
chooses and configures them for an indicator (``docs/scorecard.md``, "SPC"):

* **which chart**: an XmR chart for a series of independent points (events counted in each month or
  quarter); a **run chart** (median line, Anhøj's rules for runs and crossings) for a *stock* (children
  on a plan at each month end, children with three or more placements in the twelve months to each
  date), whose consecutive points share most of the same children and so are not independent: XmR
  limits from their moving ranges would be far too narrow and flag almost every point. The indicator may
  say otherwise (``spc_chart: xmr | run`` in ``indicators.yaml``);
* **limits from a baseline**: the mean and limits are fixed from the first points of each period of the
  process (``spc_baseline``, default :func:`cscp_analysis.stats.default_baseline`: 20 months or 13
  quarters), and recalculated from each change point the partnership records (``spc_changes``: the
  first month or quarter of the new process and why), so that a real change shows as special cause
  instead of dragging the limits with it;
* **limits the measure can take**: 0 to 100 for a percentage, 0 upwards for counts, rates and days;
* **gaps**: a point without a value (suppressed, blocked, or no data) stays in place as a gap; no
  moving range is taken across it and the rules run over the values observed.

The summary gives what the scorecard needs: the variation (the Making Data Count variation icon of the
latest point, or the run chart's signal) and assurance (target against the process limits; an XmR
chart only), whether any point of the latest quarter is a special cause of concern or of improvement,
and a note of what to bear in mind (gaps, provisional limits, the chart chosen and why).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..periods import Period
from .measures import MEASURES
from .registry import Indicator, change_start

__all__ = ["run_xmr", "run_spc", "chart_kind", "limits_range", "POINT_TYPE_WORDS", "MIN_SPC_POINTS",
           "VARIATION_WORDS", "ASSURANCE_WORDS"]

MIN_SPC_POINTS = 8  # fewer observed points: no SPC chart; 8 to 12 give provisional limits (stats.xmr: 13)

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
CHART_WORDS = {"xmr": "XmR chart", "run": "run chart"}


#: Why a stock is charted as a run chart (in the chart's note; said once on the scorecard page).
RUN_CHART_WHY = ("a run chart, because each point counts children at a date, mostly the same children from one "
                 "point to the next, so the points are not independent as an XmR chart needs")

def chart_kind(ind: Indicator) -> str:
    """``xmr`` for events counted in each period, ``run`` for a stock (unless the indicator says)."""
    if ind.spc_chart:
        return ind.spc_chart
    return "run" if MEASURES[ind.numerator.split(":", 1)[0]].time == "stock" else "xmr"


def limits_range(ind: Indicator) -> tuple[float, float | None]:
    """What the measure can take: 0 to 100 for a percentage, 0 upwards otherwise."""
    return (0.0, 100.0) if ind.statistic == "percentage" else (0.0, None)


def change_points(ind: Indicator, series: pd.DataFrame) -> dict[int, str]:
    """The recorded change points that fall inside ``series``: {position of the first point of the new
    period of the process: why (several reasons at one point joined with "; ")}. A change before the first
    point, or after the last, starts no new period."""
    starts = pd.to_datetime(series["start"]).to_numpy()
    out: dict[int, list[str]] = {}
    for when, why in ind.spc_changes:
        first = np.flatnonzero(starts >= np.datetime64(change_start(when)))
        if len(first) and first[0] > 0:
            out.setdefault(int(first[0]), []).append(why)
    return {k: "; ".join(v) for k, v in sorted(out.items())}


def _rebase_positions(ind: Indicator, series: pd.DataFrame) -> list[int]:
    return list(change_points(ind, series))


def run_spc(ind: Indicator, series: pd.DataFrame, period: Period) -> tuple[pd.DataFrame | None, dict]:
    """The SPC chart of ``series`` (columns label, start, end, value, numerator, denominator; a point
    without a value is a gap).

    Returns the chart table (every point of the series, plus ``chart``, ``segment``, ``in_baseline``,
    ``mean`` (the centre line: the mean of an XmR chart, the median of a run chart), ``lpl``, ``upl``
    (NaN on a run chart), ``point_type``, ``rule``, ``in_period``) and the summary dict. Fewer than
    :data:`MIN_SPC_POINTS` observed values give no chart (``None``) and a note.
    """
    from ..stats import default_baseline, run_chart, xmr
    from ..stats import variation_icon as icon_of

    s = series.reset_index(drop=True)
    observed = s["value"].notna()
    n_obs = int(observed.sum())
    freq = "monthly" if len(s) and "-Q" not in str(s["label"].iloc[0]) else "quarterly"
    kind = chart_kind(ind)
    summary: dict = {"frequency": freq, "points": n_obs, "chart": kind, "variation": "", "assurance": "",
                     "latest_label": "", "latest_point_type": "", "concern_in_period": False,
                     "improvement_in_period": False, "neutral_in_period": "", "recent_concerns": [],
                     "recent_improvements": [], "note": "", "changes": list(ind.spc_changes), "baseline": None,
                     "special_points": 0, "variation_code": "", "assurance_code": ""}
    if n_obs < MIN_SPC_POINTS:
        summary["note"] = (f"too few points for an SPC chart ({n_obs} {freq} value{'' if n_obs == 1 else 's'}; "
                           f"at least {MIN_SPC_POINTS} are needed)")
        return None, summary
    values = s["value"].to_numpy(dtype=float)
    rebase = _rebase_positions(ind, s)
    floor, ceiling = limits_range(ind)
    out = s.copy()
    out["chart"] = kind
    if kind == "xmr":
        baseline = ind.spc_baseline or default_baseline(n_obs, freq)
        with warnings.catch_warnings():  # provisional limits are reported in the note instead
            warnings.simplefilter("ignore")
            chart = xmr(values, improvement=ind.improvement, target=ind.target, baseline=baseline, rebase=rebase or None,
                        limits_floor=floor, limits_ceiling=ceiling, gaps="skip")
        out["mean"], out["lpl"], out["upl"] = chart["mean"].to_numpy(), chart["lpl"].to_numpy(), chart["upl"].to_numpy()
        out["rule"] = chart["rule"].astype("string").fillna("").to_numpy()
        out["in_baseline"] = chart["in_baseline"].to_numpy()
        variation = VARIATION_WORDS.get(chart.attrs.get("variation_icon"), "")
        assurance = ASSURANCE_WORDS.get(chart.attrs.get("assurance_icon"), "")
        summary["assurance_code"] = chart.attrs.get("assurance_icon") or ""
        provisional = bool(chart.attrs.get("provisional"))
    else:
        baseline = None
        chart = run_chart(values, rebase=rebase or None, improvement=ind.improvement)
        out["mean"] = chart["median"].to_numpy()
        out["lpl"] = out["upl"] = np.nan
        out["rule"] = np.where(chart["in_long_run"].to_numpy(), "long_run", "")
        out["in_baseline"] = observed.to_numpy()
        last_obs = chart[observed.to_numpy()].iloc[-1]
        if bool(last_obs["in_long_run"]):
            side = "above" if last_obs["relative_to_median"] > 0 else "below"
            variation = (f"a shift: the latest {int(last_obs['run_length'])} points are all {side} the median (more "
                         f"than {int(last_obs['longest_run_max'])} in a row would not happen by chance; run chart)")
        elif bool(last_obs["runs_signal"]):
            variation = ("a shift earlier in the series, but the latest point is within random variation around the "
                         "median (run chart)")
        else:
            variation = "random variation around the median (run chart)"
        assurance = ""
        provisional = False
    out["segment"] = chart["segment"].to_numpy()
    out["point_type"] = pd.Series(chart["point_type"].to_numpy(), dtype=object).where(observed.to_numpy(), None)
    notes = []
    gaps = [str(x) for x in s.loc[~observed, "label"]]
    if gaps:
        notes.append(f"no value for {', '.join(gaps)}: left as a gap")
    if provisional:
        notes.append("limits are provisional (fewer than 13 points in a period of the process)")
    if kind == "run" and not ind.spc_chart:
        notes.append(RUN_CHART_WHY)
    summary["note"] = "; ".join(notes)
    summary["baseline"] = baseline
    out["in_period"] = (out["end"] >= pd.Timestamp(period.start)) & (out["end"] <= pd.Timestamp(period.end))
    twelve_start = pd.Timestamp(period.rolling_twelve_months()[0])
    recent = (out["end"] >= twelve_start) & ~out["in_period"]
    seen = out[observed.to_numpy()]
    last = seen.iloc[-1]
    pts = out.loc[out["in_period"] & observed, "point_type"].astype(str)
    types = out["point_type"].astype(str)
    summary.update(
        latest_label=str(last["label"]),
        latest_point_type=str(last["point_type"]),
        variation=variation,
        assurance=assurance,
        concern_in_period=bool((pts == "special_cause_concern").any()),
        improvement_in_period=bool((pts == "special_cause_improvement").any()),
        neutral_in_period=("high" if (pts == "special_cause_neutral_high").any()
                           else "low" if (pts == "special_cause_neutral_low").any() else ""),
        recent_concerns=list(out.loc[recent & (types == "special_cause_concern"), "label"].astype(str)),
        recent_improvements=list(out.loc[recent & (types == "special_cause_improvement"), "label"].astype(str)),
        special_points=int((observed & types.str.startswith("special_cause").to_numpy()).sum()),
        variation_code=icon_of(str(last["point_type"]), ind.improvement) or "",
    )
    return out, summary


run_xmr = run_spc  # the name the scorecard has used
