"""Charts of the data returns: completeness of characteristics over time."""

from __future__ import annotations

import pandas as pd

from . import FOCUS, PALETTE, finish, new_figure

__all__ = ["completeness_chart", "completeness_alt"]


def completeness_chart(table: pd.DataFrame, published: pd.DataFrame | None = None):
    """One line per characteristic: % of children referred with it recorded, by quarter.

    ``table`` has period, label, percent (unrounded); ``published`` (optional, same rows) marks
    suppressed percentages, which are left out of the line rather than drawn.
    """
    fig, ax = new_figure(7.5, 4.0)
    periods = sorted(table["period"].unique())
    x = {p: i for i, p in enumerate(periods)}
    for i, (label, g) in enumerate(table.groupby("label", sort=True)):
        g = g.sort_values("period")
        y = g["percent"].astype(float).copy()
        if published is not None:
            hidden = published.loc[g.index, "percent"].astype(str).eq("c")
            y[hidden.to_numpy()] = float("nan")
        ax.plot([x[p] for p in g["period"]], y, marker="o", lw=2, ms=4, label=label,
                color=FOCUS if label.startswith("Ethnicity") else PALETTE[(i + 1) % len(PALETTE)])
    ax.axhline(95, color="#505050", lw=1, ls="--")
    ax.annotate("95%", (len(periods) - 1, 95), xytext=(4, -10), textcoords="offset points", fontsize=8, color="#505050")
    ax.set_xticks(range(len(periods)), periods, rotation=45, ha="right")
    low = min(90.0, float(table["percent"].min()) - 1) if len(table) else 90.0
    ax.set_ylim(low, 100.5)
    ax.legend(loc="lower left", ncols=2)
    return finish(fig, ax, title="Children referred with each characteristic recorded",
                  ylabel="Children referred (%)", source="children's social care extract")


def completeness_alt(table: pd.DataFrame) -> str:
    """Alt text from the numbers: the latest value and range of each line."""
    latest = table["period"].max()
    parts = []
    for label, g in table.groupby("label", sort=True):
        now = g.loc[g["period"] == latest, "percent"]
        if len(now) and pd.notna(now.iloc[0]):
            parts.append(f"{label.lower()} {now.iloc[0]:.1f}% in {latest} (range {g['percent'].min():.1f}% to "
                         f"{g['percent'].max():.1f}%)")
    return "Line chart of the share of children referred each quarter with each characteristic recorded: " + \
        "; ".join(parts) + "."
