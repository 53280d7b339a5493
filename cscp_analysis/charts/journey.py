"""The journey chart (each group's rate at each stage) and the trend chart (each group's RRI over
the last eight quarters).

Both take *published* tables (``cscp_analysis.disproportionality.publish``): values as text, ``c``
where suppressed. Rates per 10,000 fall steeply along the journey (hundreds referred, tens on a plan),
so the journey chart uses a log scale; the trend chart shows ratios on a log scale with a line at 1.
Groups are told apart by marker shape as well as colour. A suppressed value is not drawn (the line
breaks there) and is marked ``c``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..symbols import hidden_words
from . import PALETTE, SUPPRESSED, finish, hidden_note, mark_of, new_figure

__all__ = ["journey", "journey_alt", "trend", "trend_alt"]

MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def _wrap(text: str, width: int = 72) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def _num(s) -> np.ndarray:
    return pd.to_numeric(pd.Series(s), errors="coerce").to_numpy(float)


#: the same group keeps the same colour and marker in every chart
_FIXED = {"White British": 0, "White": 0, "Other White backgrounds": 1, "Mixed": 2, "Asian": 3, "Black": 4, "Other": 5}


def _style(group: str, i: int) -> tuple[str, str]:
    k = _FIXED.get(str(group), i)
    return PALETTE[k % len(PALETTE)], MARKERS[k % len(MARKERS)]


def journey(table: pd.DataFrame, *, stage: str = "stage", group: str = "group", value: str = "rate_per_10000",
            title: str = "", source: str = ""):
    """Lines across the stages (x, in table order), one per group; log y."""
    stages = list(dict.fromkeys(table[stage]))
    groups = list(dict.fromkeys(table[group]))
    fig, ax = new_figure(7.5, 4.4)
    x = np.arange(len(stages))
    stacked = dict.fromkeys(range(len(stages)), 0)  # hidden marks at each stage, one under another
    for i, g in enumerate(groups):
        sub = table[table[group] == g].set_index(stage).reindex(stages)
        v = _num(sub[value])
        colour, marker = _style(g, i)
        ax.plot(x, np.where(v > 0, v, np.nan), marker=marker, color=colour, label=str(g), linewidth=1.5, markersize=5)
        for xi, raw in zip(x, sub[value], strict=True):
            if raw == "c":  # in the group's colour, so the reader sees whose value is hidden
                ax.annotate(mark_of(raw), (xi, 1), xycoords=("data", "axes fraction"),
                            xytext=(0, -2 - 10 * stacked[int(xi)]), textcoords="offset points", ha="center",
                            va="top", fontsize=8, color=colour if colour else SUPPRESSED, fontstyle="italic")
                stacked[int(xi)] += 1
    ax.set_yscale("log")
    from matplotlib.ticker import FuncFormatter, LogLocator

    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}"))
    ax.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
    ax.set_xticks(x)
    ax.set_xticklabels([str(s) for s in stages], fontsize=8, rotation=15, ha="right")
    ax.legend(fontsize=8, ncol=1, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)  # clear of the marks
    note = hidden_note(table[value])
    return finish(fig, ax, title=_wrap(title), ylabel="Children per 10,000 (log scale)", source=source,
                  note=f"{note} Marked at the top of the chart in the colour of the group's line." if note else "")


def journey_alt(table: pd.DataFrame, *, stage: str = "stage", group: str = "group",
                value: str = "rate_per_10000") -> str:
    stages = list(dict.fromkeys(table[stage]))
    text = (f"Line chart of the rate per 10,000 children at each of {len(stages)} stages of the journey "
            f"({', '.join(map(str, stages))}), one line per group, log scale. ")
    first, last = table[table[stage] == stages[0]], table[table[stage] == stages[-1]]
    for name, sub in (("first", first), ("last", last)):
        v = _num(sub[value])
        if np.isfinite(v).any():
            hi, lo = int(np.nanargmax(v)), int(np.nanargmin(v))
            text += (f"At the {name} stage the highest rate is {sub[group].iloc[hi]} ({sub[value].iloc[hi]}) and the "
                     f"lowest {sub[group].iloc[lo]} ({sub[value].iloc[lo]}). ")
    text += hidden_words(table[value])
    return text.strip()


def trend(table: pd.DataFrame, *, window: str = "window", panel: str = "stage", group: str = "group",
          ratio: str = "rri", title: str = "", source: str = "", ncols: int = 3):
    """Small multiples, one per ``panel`` (stage): each group's ratio over the windows; log y, line at 1."""
    t = table[table[ratio] != "z"]
    panels = list(dict.fromkeys(t[panel]))
    groups = list(dict.fromkeys(t[group]))
    windows = list(dict.fromkeys(t[window]))
    nrows = int(np.ceil(len(panels) / ncols))
    fig, axes = new_figure(7.5, 2.3 * nrows + 0.9, nrows=nrows, ncols=ncols, sharey=True, squeeze=False)
    x = np.arange(len(windows))
    allv = _num(t[ratio])
    allv = allv[np.isfinite(allv) & (allv > 0)]
    lo = min(0.5, float(allv.min()) / 1.2) if len(allv) else 0.5
    hi = max(2.0, float(allv.max()) * 1.2) if len(allv) else 2.0
    ticks = [v for v in (0.1, 0.25, 0.5, 1, 2, 4, 8) if lo <= v <= hi]
    for k, p in enumerate(panels):
        ax = axes[k // ncols][k % ncols]
        ax.axhline(1.0, color="#505050", linewidth=0.9)
        for i, g in enumerate(groups):
            sub = t[(t[panel] == p) & (t[group] == g)].set_index(window).reindex(windows)
            v = _num(sub[ratio])
            colour, marker = _style(g, i)
            ax.plot(x, v, marker=marker, color=colour, label=str(g), linewidth=1.2, markersize=3.5)
        ax.set_yscale("log")
        ax.set_title(str(p), fontsize=9)
        ax.set_xticks([0, len(windows) - 1])
        ax.set_xticklabels([str(windows[0]), str(windows[-1])], fontsize=7)
        ax.set_ylim(lo, hi)
        ax.minorticks_off()
        ax.set_yticks(ticks)
        ax.set_yticklabels([f"{v:g}" for v in ticks], fontsize=7)
    for k in range(len(panels), nrows * ncols):
        axes[k // ncols][k % ncols].set_visible(False)
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 0.03), ncol=min(len(groups), 6), fontsize=8,
               frameon=False)
    fig.suptitle(_wrap(title), x=0.01, ha="left", fontsize=11, fontweight="bold")
    fig.supylabel("Relative rate index (log scale)", fontsize=9)
    if source:
        fig.text(0.01, 0.005, f"Source: {source}", fontsize=7, color="#505050", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.09, 1, 0.95))
    return fig


def trend_alt(series: pd.DataFrame, summary: pd.DataFrame | None = None, *, reference: str = "the reference") -> str:
    windows = list(dict.fromkeys(series["window"]))
    text = (f"Small multiples, one per stage, of each group's relative rate index against {reference} for the "
            f"rolling twelve months ending each quarter from {windows[0]} to {windows[-1]}, log scale with a line at 1.")
    if summary is not None and len(summary):
        n_n = int((summary["direction"] == "narrowing").sum())
        n_w = int((summary["direction"] == "widening").sum())
        text += f" {n_n} gaps are narrowing and {n_w} widening significantly; the rest show no clear change or are too small."
    return text
