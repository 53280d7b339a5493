"""Charts of the quality-assurance evidence: audit grades, self-assessment ratings, review timeliness,
training before and after, action ageing, the voice of children, LADO allegations and CDOP.

Every function takes a *published* table (counts already disclosure-controlled, ``c`` where a count
is suppressed) and returns a matplotlib ``Figure`` in the house style. A suppressed value is never
drawn as zero: it is marked ``c`` where its bar would be, or, in a stacked bar, the suppressed part is
drawn as one grey hatched segment labelled ``c`` (its size is what the published total implies, so it
discloses nothing the table does not).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import CONTEXT, FOCUS, PALETTE, SUPPRESSED, finish, hidden_note, mark_of, mark_suppressed, new_figure

__all__ = [
    "diverging_positions",
    "GRADE_COLOURS",
    "grade_bars",
    "rating_bars",
    "review_timeliness",
    "paired_confidence",
    "action_ageing",
    "likert_diverging",
    "sector_bars",
    "category_bars",
]

# Ordered scales: dark blue (best) to dark pink (worst), distinguishable in lightness as well as hue.
GRADE_COLOURS = {"outstanding": "#12436D", "good": "#28A197", "requires_improvement": "#F46A25",
                 "inadequate": "#801650"}
RATING_COLOURS = {"met": "#12436D", "partly_met": "#F46A25", "not_met": "#801650"}
LIKERT_COLOURS = {"disagree": "#801650", "neither": "#BFBFBF", "agree": "#12436D"}
_HATCH = "////"


def _num(values) -> np.ndarray:
    return pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)


def _labels(codes) -> dict[str, str]:
    """Readable names of scale codes: ``requires_improvement`` -> ``Requires improvement``."""
    return {c: c.replace("_", " ").capitalize() for c in codes}


def _wrap(text: str, width: int = 34) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _stacked_shares(ax, labels, table: pd.DataFrame, parts: list[str], total_col: str, colours: dict,
                    names: dict) -> None:
    """Horizontal 100% stacked bars, suppressed parts drawn as one hatched grey remainder."""
    y = np.arange(len(labels))[::-1]
    ax.set_axisbelow(True)
    total = _num(table[total_col])
    left = np.zeros(len(labels))
    for part in parts:
        v = _num(table[part])
        share = np.where(np.isnan(v) | ~(total > 0), 0.0, 100 * v / np.where(total > 0, total, 1))
        ax.barh(y, share, left=left, color=colours[part], label=names[part], height=0.7, edgecolor="white",
                linewidth=0.5)
        for yi, li, si in zip(y, left, share, strict=True):
            if si >= 9:
                ax.text(li + si / 2, yi, f"{si:.0f}%", ha="center", va="center", fontsize=8,
                        color="white" if colours[part] not in (CONTEXT,) else "black")
        left = left + share
    rest = np.where(total > 0, 100 - left, 0.0)
    has_rest = rest > 0.05
    marks = _row_marks(table, parts)
    if has_rest.any():
        ax.barh(y[has_rest], rest[has_rest], left=left[has_rest], color="white", edgecolor=SUPPRESSED, hatch=_HATCH,
                height=0.7, linewidth=0.5, label="hidden (see the note)")
        for yi, li, ri, mark in zip(y[has_rest], left[has_rest], rest[has_rest], marks[has_rest], strict=True):
            mark_suppressed(ax, li + ri / 2, yi - 0.15, label=mark or "[c]")
    for yi, t, cell in zip(y, total, table[total_col], strict=True):
        if np.isnan(t):
            mark_suppressed(ax, 50, yi - 0.15, cell=cell)

    ax.set_yticks(y, [_wrap(lab) for lab in labels])
    ax.set_xlim(0, 100)
    ax.grid(axis="x", color="#E5E5E5")
    ax.grid(axis="y", visible=False)


def _row_marks(table: pd.DataFrame, columns) -> np.ndarray:
    """For each row, the symbols of its hidden cells among ``columns`` ("[c]", "[c] [s]", or "")."""
    out = []
    for _, row in table[list(columns)].iterrows():  # a handful of rows per chart
        found = {mark_of(v) for v in row if isinstance(v, str) and v in ("c", "[c]", "[s]")}
        out.append(" ".join(m for m in ("[c]", "[s]") if m in found))
    return np.array(out, dtype=object)


def grade_bars(table: pd.DataFrame, by: str, title: str = "", source: str = ""):
    """Share of gradings good or better, and requiring improvement or inadequate, for each ``by`` group.

    Draws the four grades instead when the table has them (columns ``outstanding`` ... ``inadequate``).
    """
    grades = list(GRADE_COLOURS)
    fig, ax = new_figure(7.5, 0.45 * len(table) + 1.6)
    if all(g in table.columns for g in grades):
        _stacked_shares(ax, table[by].tolist(), table, grades, "graded", GRADE_COLOURS, _labels(grades))
    else:
        colours = {"good_or_better": GRADE_COLOURS["good"], "ri_or_inadequate": GRADE_COLOURS["inadequate"]}
        names = {"good_or_better": "Good or outstanding", "ri_or_inadequate": "Requires improvement or inadequate"}
        _stacked_shares(ax, table[by].tolist(), table, list(colours), "graded", colours, names)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    shown = [c for c in (*grades, "good_or_better", "ri_or_inadequate", "graded") if c in table.columns]
    return finish(fig, ax, title=title, xlabel="Share of gradings (%)", source=source,
                  note=hidden_note(*(table[c] for c in shown)))


def rating_bars(table: pd.DataFrame, label: str, title: str = "", source: str = ""):
    """Share of standards met, partly met and not met for each row (standard or organisation)."""
    ratings = list(RATING_COLOURS)
    labels = table[label].astype(str).tolist()
    fig, ax = new_figure(7.5, 0.38 * len(table) + 1.6)
    _stacked_shares(ax, labels, table, ratings, "rated", RATING_COLOURS, _labels(ratings))
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    return finish(fig, ax, title=title, xlabel="Share of ratings (%)", source=source,
                  note=hidden_note(*(table[c] for c in (*ratings, "rated") if c in table.columns)))


def review_timeliness(series: pd.DataFrame, title: str = "", source: str = ""):
    """Rolling twelve-month notifications and rapid reviews within 15 working days at each quarter end."""
    fig, ax = new_figure()
    ax.set_axisbelow(True)
    x = np.arange(len(series))
    for col, colour, name, marker, dx in (("notified", "#707070", "Serious incidents notified", "o", -0.12),
                                          ("within_15", FOCUS, "Rapid reviews within 15 working days", "s", 0.12)):
        v = _num(series[col])
        ax.plot(x, v, color=colour, marker=marker, label=name, linewidth=2)
        for xi, cell in zip(x[np.isnan(v)], series[col].to_numpy(dtype=object)[np.isnan(v)], strict=True):
            ax.annotate(mark_of(cell), (xi + dx, 0), ha="center", va="bottom", fontsize=9, color=colour,
                        fontstyle="italic")
    ax.set_xticks(x, series["period"].tolist(), rotation=0, fontsize=8)
    ax.set_ylim(bottom=0)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="upper left")
    note = hidden_note(series["notified"], series["within_15"])
    if note:
        note = f"{note} Marked at 0 in grey for notifications and in blue for reviews on time."
    return finish(fig, ax, title=title, xlabel="Twelve months to the end of quarter",
                  ylabel="Number (rolling twelve months)", source=source, note=note)


def paired_confidence(table: pd.DataFrame, label: str, title: str = "", source: str = ""):
    """Mean confidence before and after each course (dumbbell): one line per course, before to after."""
    t = table.reset_index(drop=True)
    fig, ax = new_figure(7.5, 0.42 * len(t) + 1.6)
    ax.set_axisbelow(True)
    y = np.arange(len(t))[::-1]
    b, a = _num(t["mean_before"]), _num(t["mean_after"])
    for yi, bi, ai, lab, cb, ca in zip(y, b, a, t[label], t["mean_before"], t["mean_after"], strict=True):
        if np.isnan(bi) or np.isnan(ai):
            mark_suppressed(ax, 5.5, yi - 0.15, cell=cb if np.isnan(bi) else ca)
            continue
        ax.annotate("", xy=(ai, yi), xytext=(bi, yi),
                    arrowprops={"arrowstyle": "->", "color": FOCUS if lab != "All" else PALETTE[2], "lw": 1.8})
    ax.scatter(b, y, color=CONTEXT, edgecolor="#505050", zorder=3, label="Before the course", s=36)
    ax.scatter(a, y, color=FOCUS, zorder=3, label="After the course", s=36)
    ax.set_yticks(y, [_wrap(v) for v in t[label]])
    ax.set_xlim(1, 10)
    ax.grid(axis="x", color="#E5E5E5")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    return finish(fig, ax, title=title, xlabel="Mean self-rated confidence (1 to 10)", source=source,
                  note=hidden_note(t["mean_before"], t["mean_after"]))


def action_ageing(table: pd.DataFrame, title: str = "", source: str = ""):
    """Open actions at the period end by ageing band, stacked by the columns after ``ageing_band``/"All"."""
    parts = [c for c in table.columns if c not in ("ageing_band", "All", "open_actions")]
    if not parts:
        parts = [c for c in ("open_actions", "All") if c in table.columns][:1]
    fig, ax = new_figure(8.5, 4.2)
    ax.set_axisbelow(True)
    x = np.arange(len(table))
    bottom = np.zeros(len(table))
    for i, col in enumerate(parts):
        v = np.nan_to_num(_num(table[col]))
        ax.bar(x, v, bottom=bottom, color=PALETTE[i % len(PALETTE)], label=str(col), width=0.65)
        bottom += v
    for xi, tot in zip(x, bottom, strict=True):
        ax.text(xi, tot, f"{tot:.0f}", ha="center", va="bottom", fontsize=9)
    ax.set_xticks(x, [_wrap(v, 14) for v in table["ageing_band"]], fontsize=8)
    ax.yaxis.get_major_locator().set_params(integer=True)
    if len(parts) > 1:
        ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return finish(fig, ax, title=title, xlabel="Time past the due date at the period end",
                  ylabel="Open actions", source=source)


def diverging_positions(summary: pd.DataFrame) -> pd.DataFrame:
    """Left edge and width of each segment of a centred diverging bar (percentage points).

    From the three-way split of :func:`likert_summary` (``pct_disagree``, ``pct_neither``,
    ``pct_agree``): "neither" straddles zero, disagreement sits to its left and agreement to its right.
    One row per item and segment: ``item_id``, ``segment``, ``left``, ``width``. A segment whose
    percentage is missing (suppressed) has NaN width and left.
    """
    d, n, a = (pd.to_numeric(summary[f"pct_{k}"], errors="coerce").to_numpy(dtype=float)
               for k in ("disagree", "neither", "agree"))
    lefts = np.column_stack([-n / 2 - d, -n / 2, n / 2])
    widths = np.column_stack([d, n, a])
    return pd.DataFrame({
        "item_id": np.repeat(summary["item_id"].to_numpy(), 3),
        "segment": np.tile(["disagree", "neither", "agree"], len(summary)),
        "left": lefts.ravel(),
        "width": widths.ravel(),
    })


def likert_diverging(table: pd.DataFrame, title: str = "", source: str = ""):
    """Centred diverging bars: disagree left of zero, neither across zero, agree right of zero."""
    pos = diverging_positions(table)
    items = table["item"].astype(str).tolist()
    fig, ax = new_figure(7.5, 0.5 * len(items) + 1.6)
    ax.set_axisbelow(True)
    y = np.arange(len(items))[::-1]
    ymap = dict(zip(table["item_id"], y, strict=True))
    names = {"disagree": "Disagree or strongly disagree", "neither": "Neither", "agree": "Agree or strongly agree"}
    for seg in ("disagree", "neither", "agree"):
        s = pos.loc[pos["segment"] == seg]
        ok = s["width"].notna().to_numpy()
        yy = s["item_id"].map(ymap).to_numpy()
        ax.barh(yy[ok], s["width"].to_numpy()[ok], left=s["left"].to_numpy()[ok], color=LIKERT_COLOURS[seg],
                label=names[seg], height=0.65, edgecolor="white", linewidth=0.5)
        for yi, le, wi in zip(yy[ok], s["left"].to_numpy()[ok], s["width"].to_numpy()[ok], strict=True):
            if wi >= 16:
                ax.text(le + wi / 2, yi, f"{wi:.0f}%", ha="center", va="center", fontsize=8,
                        color="black" if seg == "neither" else "white")
    pct = [f"pct_{k}" for k in ("disagree", "neither", "agree")]
    marks = dict(zip(table["item_id"], _row_marks(table, pct), strict=True))
    agree = dict(zip(table["item_id"], _num(table["pct_agree"]), strict=True))
    missing = pos.loc[pos["width"].isna(), "item_id"].unique()
    for item in missing:  # a centred bar cannot be placed without every part: say what is hidden, and what is shown
        shown = f"; {agree[item]:.0f}% agreed" if np.isfinite(agree.get(item, np.nan)) else ""
        mark_suppressed(ax, 0, ymap[item] - 0.2, label=f"{marks.get(item) or '[c]'} (part hidden){shown}")
    ax.axvline(0, color="#3D3D3D", linewidth=0.8)
    ax.set_yticks(y, [_wrap(v, 38) for v in items])
    ax.set_xlim(-100, 100)
    ax.xaxis.set_major_formatter(lambda v, _: f"{abs(v):.0f}")
    ax.grid(axis="x", color="#E5E5E5")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    return finish(fig, ax, title=title, xlabel="Share of children answering (%), disagreement to the left",
                  source=source, note=hidden_note(*(table[c] for c in pct)))


def sector_bars(table: pd.DataFrame, label: str = "employer_sector", value: str = "total", title: str = "",
                source: str = "", threshold: int | None = None):
    """Horizontal bars of a published count by group (last "All" row left out), its symbol where hidden
    (``threshold``: the largest count hidden as ``[c]``, for the note; 5 unless given)."""
    t = table.loc[table[label] != "All"].reset_index(drop=True)
    fig, ax = new_figure(7.5, 0.38 * len(t) + 1.4)
    ax.set_axisbelow(True)
    y = np.arange(len(t))[::-1]
    v = _num(t[value])
    ax.barh(y, np.nan_to_num(v), color=FOCUS, height=0.65)
    for yi, vi, cell in zip(y, v, t[value], strict=True):
        if np.isnan(vi):
            mark_suppressed(ax, 0.5, yi - 0.2, cell=cell)
        else:
            ax.text(vi, yi, f" {vi:.0f}", va="center", fontsize=8)
    ax.set_yticks(y, [_wrap(s, 40) for s in t[label]])
    ax.grid(axis="x", color="#E5E5E5")
    ax.grid(axis="y", visible=False)
    ax.xaxis.get_major_locator().set_params(integer=True)
    return finish(fig, ax, title=title, xlabel="Number", source=source, note=hidden_note(t[value], threshold=threshold))


def category_bars(table: pd.DataFrame, title: str = "", source: str = "", threshold: int | None = None):
    """CDOP reviews by category: published counts only, the symbol where hidden (see :func:`sector_bars`)."""
    return sector_bars(table, label="group", value="reviews", title=title, source=source, threshold=threshold)
