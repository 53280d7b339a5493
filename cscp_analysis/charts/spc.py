"""SPC charts in the NHS England "Making Data Count" style, one indicator or a grid of small multiples.

Points are coloured *and shaped* by their type (colour alone fails accessibility): grey circles for
common-cause variation, blue upward triangles for special-cause improvement, orange downward
triangles for special-cause concern, purple diamonds for special-cause variation of an indicator
with no preferred direction. The mean is a solid grey line, the process limits dashed grey lines, the
target (where there is one) a dotted orange line. A run chart has a median line and no limits. A hidden
(suppressed) or missing point is a gap in the line, never bridged, and the chart says how many there are.

The charts take the *published* series (:func:`cscp_analysis.scorecard.published_series`: values as
text, ``c`` where suppressed) so that nothing on a chart is more detailed than the published table;
:func:`cscp_analysis.scorecard.report.spc_alt` describes each chart from the same numbers.
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd

from . import BENCHMARK, SPC_COLOURS, SUPPRESSED, finish, hidden_note, mark_of, new_figure

__all__ = ["spc_chart", "spc_small_multiples", "MARKERS", "series_for", "axis_unit", "gaps_note"]

MARKERS = {
    "common_cause": ("o", "common cause"),
    "special_cause_improvement": ("^", "special cause: improvement"),
    "special_cause_concern": ("v", "special cause: concern"),
    "special_cause_neutral_high": ("D", "special cause: no preferred direction"),
    "special_cause_neutral_low": ("D", "special cause: no preferred direction"),
}


def _x(labels: pd.Series) -> pd.DatetimeIndex:
    """Plot positions: the middle of each month or quarter."""
    out = []
    for lab in labels.astype(str):
        if "-Q" in lab:
            from ..periods import parse_period

            p = parse_period(lab)
            out.append(pd.Timestamp(p.start) + (pd.Timestamp(p.end) - pd.Timestamp(p.start)) / 2)
        else:
            per = pd.Period(lab, freq="M")
            out.append(per.start_time + (per.end_time - per.start_time) / 2)
    return pd.DatetimeIndex(out)


def _num(values) -> np.ndarray:
    return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)


def series_for(series: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    """One indicator's rows of the published series."""
    return series[series["indicator_id"] == indicator_id].reset_index(drop=True)


def _draw(ax, s: pd.DataFrame, ind, *, small: bool = False, legend: bool = True) -> None:
    """One series: the centre line and limits drawn period of the process by period (they change at a recorded
    change point), the values as a line broken at every gap (a hidden or missing value is never bridged),
    points shaped and coloured by type, the target, and a dotted line at each change point."""
    x = _x(s["label"])
    v = _num(s["value"])
    centre = _num(s["centre"])
    lpl, upl = _num(s["lower_process_limit"]), _num(s["upper_process_limit"])
    run = str(s["chart"].iloc[0]) == "run chart" if "chart" in s and len(s) else False
    period = s["period_of_process"].to_numpy() if "period_of_process" in s else np.ones(len(s), dtype=int)
    for k, seg in enumerate(pd.unique(period)):
        sel = period == seg
        first = k == 0
        ax.plot(x[sel], centre[sel], color="#505050", lw=1.0, label=("median" if run else "mean") if first else None,
                zorder=2)
        if not run:
            ax.plot(x[sel], upl[sel], color="#7B7D7D", lw=0.9, ls="--", label="process limits" if first else None,
                    zorder=2)
            ax.plot(x[sel], lpl[sel], color="#7B7D7D", lw=0.9, ls="--", zorder=2)
        if not first:
            ax.axvline(x[sel][0] - (x[sel][0] - x[np.flatnonzero(sel)[0] - 1]) / 2, color="#505050", lw=0.8, ls=":",
                       label="change point" if k == 1 else None, zorder=1)
    ax.plot(x, v, color="#BFBFBF", lw=1.0, zorder=3)  # NaN (hidden or missing) breaks the line
    shown = ~np.isnan(v)
    size = 16 if small else 30
    drawn = set()
    for kind, (marker, words) in MARKERS.items():
        sel = shown & (s["point_type"].astype(str).to_numpy() == kind)
        if sel.any():
            words = "_" + words if words in drawn else words  # one legend entry per kind of point
            drawn.add(words)
            ax.scatter(x[sel], v[sel], s=size, marker=marker, color=SPC_COLOURS[kind], zorder=4,
                       edgecolor="white", linewidth=0.4, label=words)
    if getattr(ind, "target", None) is not None:
        ax.axhline(ind.target, color=BENCHMARK, lw=1.2, ls=":", label=f"target {ind.target:g}", zorder=1)
    ax.set_ylabel(axis_unit(ind), fontsize=7 if small else 9)
    if legend:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)


def axis_unit(ind) -> str:
    """The y-axis label: the indicator's unit, short enough for a small chart."""
    unit = getattr(ind, "unit", "") or ""
    if unit == "%":
        return "per cent"
    if getattr(ind, "statistic", "") == "count" or not unit:
        return "number"
    return textwrap.shorten(unit, 28, placeholder="…")


def gaps_note(s: pd.DataFrame) -> str:
    """What the chart leaves out, in words: hidden (suppressed) and missing points."""
    marks = [mark_of(v) for v in s["value"] if isinstance(v, str) and v in ("c", "[c]", "[s]")]
    missing = int((s["value"].astype(str) == "x").sum())
    parts = []
    for m, why in (("[c]", "a count from 1 to 5"), ("[s]", "to protect another hidden count")):
        n = marks.count(m)
        if n:
            parts.append(f"{n} point{'s' if n > 1 else ''} hidden, {m}: {why}")
    if missing:
        parts.append(f"{missing} without a value")
    return "; ".join(parts)


def spc_chart(result, series: pd.DataFrame, *, source: str = ""):
    """One indicator's SPC chart (``result``: an IndicatorResult; ``series``: its published rows)."""
    ind = result.indicator
    s = series_for(series, ind.id) if "indicator_id" in series.columns else series
    fig, ax = new_figure(8.5, 4.0)
    _draw(ax, s, ind)
    freq = "month" if result.spc_frequency == "monthly" else "quarter"
    note = hidden_note(s["value"])
    finish(fig, ax, title=textwrap.shorten(f"{ind.id} {ind.label}", 90), xlabel=freq.capitalize(),
           ylabel=axis_unit(ind), source=source or "partnership returns; "
           "NHS England Making Data Count XmR method",
           note=f"{note} The line is broken where a point is hidden." if note else "")
    return fig


def spc_small_multiples(results: list, series: pd.DataFrame, *, ncols: int = 3, source: str = ""):
    """A grid of small SPC charts, one per indicator result (in the given order), one shared legend."""
    n = len(results)
    nrows = max(1, math.ceil(n / ncols))
    fig, axes = new_figure(11.0, 2.35 * nrows + 0.6, nrows=nrows, ncols=ncols, squeeze=False)
    for k, ax in enumerate(axes.ravel()):
        if k >= n:
            ax.set_visible(False)
            continue
        r = results[k]
        s = series_for(series, r.indicator.id)
        _draw(ax, s, r.indicator, small=True, legend=False)
        var = (r.spc_summary or {}).get("variation", "")
        gaps = gaps_note(s)
        ax.set_title(textwrap.fill(f"{r.indicator.id} {r.indicator.label}", 42), fontsize=8.5, loc="left")
        ax.text(0.0, -0.32, textwrap.shorten(var, 48) if var else "", transform=ax.transAxes, fontsize=7,
                color="#505050")
        if gaps:
            ax.text(0.0, -0.44, gaps, transform=ax.transAxes, fontsize=7, color="#505050")
        ax.tick_params(labelsize=7)
        for lab in ax.get_xticklabels():
            lab.set_rotation(0)
        ax.xaxis.set_major_locator(__import__("matplotlib").dates.YearLocator())
        ax.xaxis.set_major_formatter(__import__("matplotlib").dates.DateFormatter("%Y"))
    handles, labels = [], []
    for ax in axes.ravel():
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=False):
            if lab.startswith("target"):
                lab = "target"
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 0.012), ncol=min(4, len(labels)), fontsize=8,
               frameon=False)
    # fixed margins (in inches, turned into fractions): tight_layout on a grid of 20-odd axes costs seconds
    height = 2.35 * nrows + 0.6
    fig.subplots_adjust(left=0.055, right=0.99, top=1 - 0.45 / height, bottom=1.3 / height, wspace=0.22,
                        hspace=0.95)
    if source:
        fig.text(0.01, 0.005, f"Source: {source}", fontsize=7, color="#505050")
    return fig



_ = SUPPRESSED  # re-exported colour used by mark_suppressed
