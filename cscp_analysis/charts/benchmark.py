"""Benchmark charts: the partnership beside its statistical neighbours, England and its region.

* :func:`benchmark_bars` — one indicator: horizontal bars of each statistical neighbour's published
  value (grey) and the partnership's own value (dark blue, with its 95% interval), sorted; England
  (orange line) and the region (dark pink dashed line) across the bars. A suppressed or unpublished
  neighbour is listed with ``c`` or ``x`` where its bar would be, never drawn as zero.
* :func:`benchmark_trend` — one published measure over the years: the authority, its region, England
  and the neighbours' median (for the benchmarking notebook).

Each has an ``alt`` function that describes the chart from its numbers.
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd

from ..disclosure import PRIMARY, Hidden
from . import BENCHMARK, CONTEXT, FOCUS, PALETTE, finish, mark_suppressed, new_figure

__all__ = ["benchmark_bars", "bars_data", "bars_alt", "benchmark_trend", "trend_alt"]

REGION_COLOUR = PALETTE[2]  # dark pink
SN_COLOUR = PALETTE[1]  # turquoise


def _fmt(v: float, decimals: int) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:,.{decimals}f}"


def bars_data(result, suppressed: bool = False) -> pd.DataFrame:
    """The rows behind :func:`benchmark_bars`: each neighbour's published value and the partnership's
    (``c`` when its value is suppressed), with England and the region."""
    b = result.benchmark
    d = b.get("decimals", 1)
    rows = [{"area": n["area_name"], "role": "statistical neighbour", "period": b["year_label"],
             "value": _fmt(n["value"], d) if n["status"] == "ok" else n["status"]} for n in b.get("neighbours", [])]
    rows.append({"area": b.get("la_name", "partnership"), "role": "partnership", "period": b["value_label"],
                 "value": Hidden(PRIMARY, b["value"]) if suppressed else _fmt(b["value"], result.indicator.decimals)})
    rows.append({"area": "England", "role": "England", "period": b["year_label"], "value": _fmt(b["england"], d)})
    rows.append({"area": b.get("region_name", "region"), "role": "region", "period": b["year_label"],
                 "value": _fmt(b["region"], d)})
    rows.append({"area": "Statistical-neighbour median", "role": "statistical-neighbour median",
                 "period": b["year_label"], "value": _fmt(b["sn_median"], d)})
    return pd.DataFrame(rows)


def benchmark_bars(result, suppressed: bool = False, *, source: str = ""):
    """The partnership's comparable value among its statistical neighbours' published values."""
    ind, b = result.indicator, result.benchmark
    data = bars_data(result, suppressed)
    bars = data[data["role"].isin(["statistical neighbour", "partnership"])].copy()
    bars["num"] = pd.to_numeric(bars["value"], errors="coerce")
    bars = bars.sort_values(["num", "area"], na_position="first", kind="mergesort").reset_index(drop=True)
    fig, ax = new_figure(8.0, 0.32 * len(bars) + 1.9)
    y = np.arange(len(bars))
    colours = [FOCUS if r == "partnership" else CONTEXT for r in bars["role"]]
    ax.barh(y, bars["num"].fillna(0).where(bars["num"].notna(), 0), color=colours, height=0.7)
    for yi, (v, txt) in enumerate(zip(bars["num"], bars["value"], strict=False)):
        if math.isnan(v):
            mark_suppressed(ax, 0, yi - 0.3, label=txt or "x")
    me = bars.index[bars["role"] == "partnership"]
    if len(me) and not suppressed and not math.isnan(b.get("lower_ci", math.nan)):
        i = int(me[0])
        ax.errorbar([b["value"]], [i], xerr=[[b["value"] - b["lower_ci"]], [b["upper_ci"] - b["value"]]],
                    fmt="none", ecolor="black", elinewidth=1, capsize=3, label="95% interval")
    ax.set_yticks(y, [textwrap.shorten(a, 34) for a in bars["area"]])
    for lab, role in zip(ax.get_yticklabels(), bars["role"], strict=False):
        if role == "partnership":
            lab.set_fontweight("bold")
    if not math.isnan(b["england"]):
        ax.axvline(b["england"], color=BENCHMARK, lw=1.6, label=f"England {_fmt(b['england'], b['decimals'])}")
    if not math.isnan(b["region"]):
        ax.axvline(b["region"], color=REGION_COLOUR, lw=1.4, ls="--",
                   label=f"{b.get('region_name', 'region')} {_fmt(b['region'], b['decimals'])}")
    ax.grid(axis="x", color="#E5E5E5")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", fontsize=8, frameon=True, framealpha=0.9)
    sub = f"{b.get('la_name', 'Partnership')}: {b['value_label']}; others: {b['year_label']}"
    ax.set_title(textwrap.shorten(f"{ind.id} {ind.label}", 80), pad=16)  # room for the subtitle below it
    ax.text(0, 1.01, sub, transform=ax.transAxes, fontsize=8, color="#505050", va="bottom")
    finish(fig, ax, xlabel=ind.unit or "count",
           source=source or f"DfE {b.get('measure_title', '')} ({b['measure']}); partnership returns")
    return fig


def bars_alt(result, suppressed: bool = False) -> str:
    """Alt text of :func:`benchmark_bars` from its numbers."""
    ind, b = result.indicator, result.benchmark
    d = b.get("decimals", 1)
    unit = "%" if ind.statistic == "percentage" else f" {ind.unit}"
    vals = [n["value"] for n in b.get("neighbours", []) if n["status"] == "ok"]
    own = "suppressed" if suppressed else f"{_fmt(b['value'], ind.decimals)}{unit}"
    text = (f"{ind.title}: {b.get('la_name', 'the partnership')} {own} {b['value_label']}, beside its "
            f"{len(vals)} statistical neighbours with published values ({b['year_label']}), from "
            f"{_fmt(min(vals), d)} to {_fmt(max(vals), d)}{unit if vals else ''}; England {_fmt(b['england'], d)}, "
            f"{b.get('region_name', 'region')} {_fmt(b['region'], d)}, neighbours' median {_fmt(b['sn_median'], d)}."
            if vals else f"{ind.title}: no neighbour values published for {b['year_label']}.")
    if not suppressed and b.get("rank"):
        text += (f" It ranks {b['rank']} of {b['n']} (1 = highest) and is "
                 f"{b['vs_england_95']} than England at 95%." if b["vs_england_95"] in ("higher", "lower")
                 else f" It ranks {b['rank']} of {b['n']} (1 = highest) and is similar to England at 95%.")
    return text.replace("similar than", "similar to")


def benchmark_trend(table: pd.DataFrame, measure: str, *, la_name: str = "", source: str = ""):
    """One measure over the years from ``build_benchmark_table`` rows: authority, region, England, neighbours' median."""
    t = table[table["measure"] == measure]
    if not len(t):
        raise ValueError(f"benchmark_trend: no rows for measure {measure!r}")
    fig, ax = new_figure(7.5, 3.8)
    styles = {"la": (FOCUS, "-", 2.2, "o"), "region": (REGION_COLOUR, "--", 1.4, None),
              "england": (BENCHMARK, "-", 1.6, None), "sn_median": (SN_COLOUR, ":", 1.6, None)}
    for area_type, (colour, ls, lw, marker) in styles.items():
        g = t[t["area_type"] == area_type].sort_values("year")
        if not len(g):
            continue
        name = g["area_name"].iloc[-1] if area_type != "sn_median" else "Statistical-neighbour median"
        ax.plot(g["year"], g["value_num"], color=colour, ls=ls, lw=lw, marker=marker, ms=4, label=name)
        for yr, st in zip(g["year"], g["status"], strict=False):
            if st not in ("ok",) and area_type == "la":
                mark_suppressed(ax, yr, np.nanmin(t["value_num"]) if t["value_num"].notna().any() else 0,
                                label=st if st != "missing" else "x")
    title = t["measure_title"].iloc[0]
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.xaxis.set_major_locator(__import__("matplotlib").ticker.MaxNLocator(integer=True))
    finish(fig, ax, title=textwrap.shorten(title, 70), xlabel="Year ending 31 March", ylabel=t["unit"].iloc[0],
           source=source or f"DfE and ONS published data ({measure})")
    return fig


def trend_alt(table: pd.DataFrame, measure: str) -> str:
    """Alt text of :func:`benchmark_trend` from its numbers."""
    t = table[table["measure"] == measure]
    title, unit = t["measure_title"].iloc[0], t["unit"].iloc[0]
    parts = []
    for area_type, label in (("la", None), ("region", None), ("england", "England"), ("sn_median", "neighbours' median")):
        g = t[(t["area_type"] == area_type) & (t["status"] == "ok")].sort_values("year")
        if not len(g):
            continue
        name = label or g["area_name"].iloc[-1]
        parts.append(f"{name} {g['value'].iloc[0]} in {g['year'].iloc[0]} and {g['value'].iloc[-1]} in {g['year'].iloc[-1]}")
    years = t["year"]
    return f"{title} ({unit}), years ending 31 March {years.min()} to {years.max()}: " + "; ".join(parts) + "."
