"""Charts of the data returns: completeness of characteristics over time."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import FOCUS, PALETTE, finish, hidden_note, mark_of, new_figure

__all__ = ["completeness_chart", "completeness_alt"]


def completeness_chart(table: pd.DataFrame, published: pd.DataFrame | None = None):
    """One line per characteristic: % of children referred with it recorded, by quarter.

    ``table`` has period, label, percent (unrounded); ``published`` (optional, same rows) marks
    hidden percentages, which are left out of the line (a gap, never a value) and marked with their
    symbol at the foot of the chart, in the line's colour; a note says what the symbol means.
    """
    fig, ax = new_figure(7.5, 4.0)
    periods = sorted(table["period"].unique())
    x = {p: i for i, p in enumerate(periods)}
    shown = table["percent"].astype(float).copy()
    hidden_all = np.zeros(len(table), dtype=bool)
    if published is not None:
        hidden_all = published["percent"].astype(str).isin(["c", "[c]", "[s]"]).to_numpy()
        shown[hidden_all] = float("nan")  # the axis never stretches to a hidden value
    low = min(90.0, float(shown.min()) - 1) if shown.notna().any() else 90.0
    for i, (label, g) in enumerate(table.groupby("label", sort=True)):
        g = g.sort_values("period")
        y = shown.loc[g.index]
        colour = FOCUS if label.startswith("Ethnicity") else PALETTE[(i + 1) % len(PALETTE)]
        ax.plot([x[p] for p in g["period"]], y, marker="o", lw=2, ms=4, label=label, color=colour)
        for period, idx in zip(g["period"], g.index, strict=True):
            if published is not None and hidden_all[table.index.get_loc(idx)]:
                ax.annotate(mark_of(published.loc[idx, "percent"]), (x[period], low), xytext=(0, 2),
                            textcoords="offset points", ha="center", va="bottom", fontsize=8, color=colour,
                            fontstyle="italic")
    ax.axhline(95, color="#505050", lw=1, ls="--")
    ax.annotate("95%", (len(periods) - 1, 95), xytext=(4, -10), textcoords="offset points", fontsize=8, color="#505050")
    ax.set_xticks(range(len(periods)), periods, rotation=45, ha="right")
    ax.set_ylim(low, 100.5)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)  # beside the plot, clear of the marks
    note = hidden_note(published["percent"]) if published is not None else ""
    if note:
        note += " Marked at the foot of the chart in the colour of its line."
    return finish(fig, ax, title="Children referred with each characteristic recorded",
                  ylabel="Children referred (%)", source="children's social care extract", note=note)


def completeness_alt(published: pd.DataFrame) -> str:
    """Alt text from the *published* numbers: the latest value and range of each line, and the quarters hidden.

    ``published``: period, label, percent as published (text; a hidden percentage is never quoted)."""
    latest = published["period"].max()
    parts = []
    for label, g in published.groupby("label", sort=True):
        value = pd.to_numeric(g["percent"], errors="coerce")
        shown = g.loc[value.notna()]
        hidden = int(g["percent"].astype(str).isin(["c", "[c]", "[s]"]).sum())
        now = value[g["period"] == latest]
        said = f"{label.lower()} "
        said += f"{now.iloc[0]:.1f}% in {latest}" if len(now) and pd.notna(now.iloc[0]) else f"hidden in {latest}"
        if len(shown):
            if value.min() == value.max():
                said += f" ({value.min():.1f}% in {'the quarter' if len(shown) == 1 else 'every quarter'} shown"
            else:
                said += f" (range {value.min():.1f}% to {value.max():.1f}% in the quarters shown"
            said += f"; {hidden} quarter{'s' if hidden != 1 else ''} hidden)" if hidden else ")"
        parts.append(said)
    return "Line chart of the share of children referred each quarter with each characteristic recorded: " + \
        "; ".join(parts) + "."
