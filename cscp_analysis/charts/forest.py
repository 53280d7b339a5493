"""Forest plot of relative rate indices (or decision-point ratios) with their intervals, by stage.

Takes a *published* table (from ``cscp_analysis.disproportionality.publish``): the ratio and its
limits as text, ``c`` where suppressed (a ``disclosure.Hidden``: primary or secondary), ``z`` for the
reference group. Ratios are drawn on a log
scale (a ratio of 2 and one of 0.5 are the same distance from 1) with a reference line at 1.
Significance is shown by the marker's fill as well as its colour (filled: significant after
adjustment; hollow: not), so the chart does not rely on colour alone. A suppressed ratio is marked
with its symbol on the line at 1 (``[c]`` or ``[s]``, as in the tables), never drawn as a value, with the
reason it is hidden when the table gives one (``hidden``: the published ``hidden_because`` column): a
count of 1 to 5 (primary suppression, ``[c]``), hidden so that another hidden count cannot be worked out
from the totals (secondary suppression, ``[s]``), or its comparison group's count is hidden (``[s]``).
A note under the chart says what each symbol means, in the words of the tables' footnotes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..symbols import SHORT_WORDS
from . import CONTEXT, FOCUS, PALETTE, SUPPRESSED, hidden_note, mark_of, new_figure

__all__ = ["forest", "forest_alt"]

HIGHER, LOWER = FOCUS, PALETTE[3]
ADJUSTMENT_NOTE = ("Lines: each ratio's own 95% interval. Filled markers: significant after "
                   "Benjamini-Hochberg adjustment for multiple comparisons.")
#: the reason a row is hidden (the start of the published words) -> the short label beside its symbol on the chart
SHORT_REASONS = {
    "hidden so that": "protects another hidden count",
    "the comparison": "comparison group hidden",
}


def _short_reason(words: str, cell) -> str:
    """The label of a hidden row: its symbol and, when the table says why, the reason in a few words."""
    w = str(words)
    if w.startswith("a count of"):
        return f"{mark_of(cell)} {w}"  # "a count of 1 to 5", with the table's own threshold
    for start, short in SHORT_REASONS.items():
        if w.startswith(start):
            return f"{mark_of(cell)} {short}"
    return mark_of(cell)


def _reason_kind(words: str) -> str:
    w = str(words)
    return "small" if w.startswith("a count of") else "secondary" if w.startswith("hidden so that") else \
        "comparison" if w.startswith("the comparison") else ""


def _wrap(text: str, width: int = 72) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def _num(s) -> np.ndarray:
    return pd.to_numeric(pd.Series(s), errors="coerce").to_numpy(float)


def forest(table: pd.DataFrame, *, ratio: str = "rri", lower: str = "rri_lower", upper: str = "rri_upper",
           panel: str = "stage", group: str = "group", title: str = "", xlabel: str = "", source: str = "",
           hidden: str = "hidden_because"):
    """One row per group, grouped under a heading per ``panel`` value (stages), in table order. ``hidden``
    names the column saying why a hidden row is hidden (ignored when the table has none)."""
    rows = table[table[ratio] != "z"].reset_index(drop=True)
    panels = list(dict.fromkeys(rows[panel]))
    ypos, labels, heads = [], [], []
    y = 0.0
    for p in panels:
        heads.append((y, p))
        y += 1
        for _ in range((rows[panel] == p).sum()):
            ypos.append(y)
            y += 1
        y += 0.4
    n_rows = y
    any_hidden = bool((rows[ratio] == "c").any())
    extra = 0.26 if any_hidden else 0.0  # two more lines of note: why rows are hidden
    fig, ax = new_figure(7.5, max(3.4, 0.22 * n_rows + 1.6 + extra))
    r, lo, hi = _num(rows[ratio]), _num(rows[lower]), _num(rows[upper])
    lab = rows["label"].astype(str).to_numpy()
    ypos = np.asarray(ypos)
    finite = np.isfinite(r)
    xmin = np.nanmin(np.r_[lo[np.isfinite(lo)], r[finite], 0.5]) if finite.any() else 0.5
    xmax = np.nanmax(np.r_[hi[np.isfinite(hi)], r[finite], 2.0]) if finite.any() else 2.0
    xmin, xmax = min(xmin, 0.5) / 1.15, max(xmax, 2.0) * 1.15
    ax.set_xscale("log")
    ax.axvline(1.0, color="#505050", linewidth=1.0, zorder=1)
    # the label of a hidden row sits on the side of the line at 1 with more room
    right = np.log(1 / xmin) <= 0.4 * np.log(xmax / xmin)
    for i, yi in enumerate(ypos):
        labels.append(str(rows[group].iloc[i]))
        if not finite[i]:
            cell = rows[ratio].iloc[i]
            text = _short_reason(rows[hidden].iloc[i] if hidden in rows.columns else "", cell) if cell == "c" \
                else mark_of(cell)
            ax.annotate(text, (1.0, yi), xytext=(4 if right else -4, 0), textcoords="offset points", va="center",
                        ha="left" if right else "right", fontsize=7.5, color=SUPPRESSED, fontstyle="italic")
            continue
        sig = lab[i] in ("significantly higher", "significantly lower")
        colour = HIGHER if lab[i] == "significantly higher" else (LOWER if lab[i] == "significantly lower" else CONTEXT)
        if np.isfinite(lo[i]) and np.isfinite(hi[i]):
            ax.plot([max(lo[i], xmin), min(hi[i], xmax)], [yi, yi], color=colour if sig else "#7f7f7f", linewidth=1.4,
                    zorder=2)
        ax.plot([r[i]], [yi], marker="o", markersize=5.5, color=colour if sig else "#505050",
                markerfacecolor=colour if sig else "white", zorder=3, linestyle="none")
    ax.set_xlim(xmin, xmax)
    ticks = [t for t in (0.1, 0.2, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5, 10) if xmin <= t <= xmax]
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{t:g}" for t in ticks])
    ax.minorticks_off()
    ax.set_yticks(list(ypos) + [h for h, _ in heads])
    ax.set_yticklabels(labels + [str(p) for _, p in heads], fontsize=8)
    for t, is_head in zip(ax.get_yticklabels(), [False] * len(ypos) + [True] * len(heads), strict=True):
        if is_head:
            t.set_fontweight("bold")
    ax.set_ylim(n_rows, -1)
    ax.grid(axis="y", visible=False)
    ax.grid(axis="x", color="#E5E5E5")
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker="o", color=HIGHER, markerfacecolor=HIGHER, linestyle="none",
                      label="significantly higher"),
               Line2D([], [], marker="o", color=LOWER, markerfacecolor=LOWER, linestyle="none", label="significantly lower"),
               Line2D([], [], marker="o", color="#505050", markerfacecolor="white", linestyle="none",
                      label="not significant / too few"),
               ]
    height = fig.get_figheight()  # the strip under the axes is laid out in inches: source, note, legend
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, (0.36 + extra) / height), ncol=3, fontsize=8,
               frameon=False)
    # The lines are each ratio's own 95% interval; the fill is the test after adjustment for multiple
    # comparisons, so a line clear of 1 can still be hollow. Say so on the chart, not only in the methods.
    note = ADJUSTMENT_NOTE + ("\n" + _wrap(hidden_note(rows[ratio]), 110) if any_hidden else "")
    fig.text(0.5, 0.2 / height, note, fontsize=7.5, color="#505050", ha="center", va="bottom")
    ax.set_xlabel(xlabel or "Ratio (log scale; 1 = same as the reference)")
    if title:
        fig.suptitle(_wrap(title, 80), x=0.01, ha="left", fontsize=11, fontweight="bold")
    if source:
        fig.text(0.01, 0.005, f"Source: {source}", fontsize=8, color="#505050", ha="left", va="bottom")
    lines = _wrap(title, 80).count("\n") + 1 if title else 0
    strip = 0.75 + extra
    fig.tight_layout(rect=(0, strip / height, 1, 1 - (0.1 + 0.22 * lines) / height))
    return fig


def forest_alt(table: pd.DataFrame, what: str, reference: str, *, ratio: str = "rri", lower: str = "rri_lower",
               upper: str = "rri_upper", panel: str = "stage", group: str = "group", panels_word: str = "stages") -> str:
    """Alt text from the numbers: how many ratios are significantly higher / lower, and the largest."""
    rows = table[table[ratio] != "z"]
    r = _num(rows[ratio])
    n_hi = int((rows["label"] == "significantly higher").sum())
    n_lo = int((rows["label"] == "significantly lower").sum())
    n_c = int((rows[ratio] == "c").sum())
    text = (f"Forest plot of {what} against {reference} on a log scale with a line at 1, for "
            f"{rows[group].nunique()} groups in {rows[panel].nunique()} {panels_word}. Significantly higher after "
            f"adjustment for multiple comparisons: {n_hi}; significantly lower: {n_lo}")
    if np.isfinite(r).any():
        sig = rows["label"].isin(["significantly higher", "significantly lower"]).to_numpy() & np.isfinite(r)
        pick = np.where(sig, np.abs(np.log(np.where(np.isfinite(r), r, 1))), -1)
        if sig.any():
            i = int(np.argmax(pick))
            row = rows.iloc[i]
            text += (f"; the furthest from 1 is {row[group]} at {row[panel]}, {row[ratio]} "
                     f"(95% interval {row[lower]} to {row[upper]})")
    text += "."
    if n_c:
        hidden_rows = rows[rows[ratio] == "c"]
        why = hidden_rows["hidden_because"] if "hidden_because" in rows.columns else pd.Series([""] * n_c)
        kinds = [_reason_kind(x) or ("small" if mark_of(c) == "[c]" else "secondary")
                 for x, c in zip(why, hidden_rows[ratio], strict=True)]
        small = next((str(x) for x in why if str(x).startswith("a count of")), "a count of 1 to 5")
        parts = [f"{kinds.count(k)} {words}" for k, words in (
            ("small", f"marked [c], {small} (or worked out from one)"),
            ("secondary", f"marked [s], {SHORT_WORDS['[s]']} from the totals"),
            ("comparison", "marked [s], because the comparison group's count is hidden")) if kinds.count(k)]
        text += f" Hidden: {'; '.join(parts)}."
    return text
