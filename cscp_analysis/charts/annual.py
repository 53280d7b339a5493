"""Charts of the annual-report figure book (:mod:`cscp_analysis.annual`).

* :func:`year_on_year` — percentage indicators, one row each: an arrow from the previous financial
  year's value to this year's, England's latest published value as an orange bar mark;
* :func:`quarterly_trend` — small multiples of key indicators' quarterly values across two financial
  years, a dotted line between the years and England's published value as a dashed orange line;
* :func:`agreement_by_survey` — for each survey statement, the share of children agreeing in each of
  the year's surveys (one marker shape per survey, so the chart does not rely on colour).

Every function takes a *published* table (numbers as text, ``c`` where suppressed) and returns a
matplotlib ``Figure`` in the house style; a suppressed value is marked ``c`` where it would be, never
drawn as zero.
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
import pandas as pd

from . import (
    BENCHMARK,
    CONTEXT,
    FOCUS,
    PALETTE,
    SUPPRESSED,
    finish,
    hidden_note,
    mark_of,
    mark_suppressed,
    new_figure,
)

__all__ = ["year_on_year", "quarterly_trend", "agreement_by_survey", "SURVEY_MARKERS"]

SURVEY_MARKERS = ("o", "s", "^", "D", "v", "P")


def _num(values) -> np.ndarray:
    return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float)


def _wrap(text: str, width: int = 38) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def year_on_year(table: pd.DataFrame, *, label: str = "label", previous: str = "value_previous_year",
                 current: str = "value_year", england: str = "england", previous_name: str = "previous year",
                 current_name: str = "this year", title: str = "", source: str = ""):
    """Dumbbell chart on a 0–100% axis: one row per indicator, an arrow from ``previous`` to ``current``.

    A value shown in one year only is labelled with the other year's symbol (``[c]`` or ``[s]`` hidden, ``[x]``
    not available) beside it; a note under the chart says what the symbols mean."""
    t = table.reset_index(drop=True)
    fig, ax = new_figure(7.5, 0.5 * len(t) + 2.0)
    ax.set_axisbelow(True)
    y = np.arange(len(t))[::-1]
    p, c, e = _num(t[previous]), _num(t[current]), _num(t[england]) if england in t.columns else np.full(len(t), np.nan)
    for yi, pi, ci, cell in zip(y, p, c, t[current], strict=True):
        if np.isfinite(pi) and np.isfinite(ci) and abs(ci - pi) >= 2.5:
            ax.annotate("", xy=(ci, yi), xytext=(pi, yi),
                        arrowprops={"arrowstyle": "->", "color": FOCUS, "lw": 1.6, "shrinkA": 3, "shrinkB": 3})
        if not np.isfinite(pi) and not np.isfinite(ci):
            mark_suppressed(ax, 50, yi - 0.2, cell=cell)
    ok_p, ok_c = np.isfinite(p), np.isfinite(c)
    ax.scatter(p[ok_p], y[ok_p], s=38, color=CONTEXT, edgecolor="#505050", zorder=3, label=previous_name)
    ax.scatter(c[ok_c], y[ok_c], s=38, color=FOCUS, zorder=4, label=current_name)
    ok_e = np.isfinite(e)
    if ok_e.any():
        ax.scatter(e[ok_e], y[ok_e], s=140, marker="|", color=BENCHMARK, linewidths=2.2, zorder=2,
                   label="England (latest published)")
    texts = zip(y, p, c, t[previous], t[current], strict=True)
    for yi, pi, ci, pt, ct in texts:  # a value hidden ([c], [s]) or not available ([x]) in one year only
        if np.isfinite(pi) != np.isfinite(ci):
            shown, symbol = (pi, mark_of(ct)) if np.isfinite(pi) else (ci, mark_of(pt))
            ax.annotate(f"{previous_name if np.isfinite(ci) else current_name}: {symbol}",
                        (shown + (3 if shown < 75 else -3), yi), ha="left" if shown < 75 else "right", va="center",
                        fontsize=7.5, color=SUPPRESSED, fontstyle="italic")
    ax.set_yticks(y, [_wrap(v, 44) for v in t[label]], fontsize=8.5)
    ax.set_xlim(0, 100)
    ax.grid(axis="x", color="#E5E5E5")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=8)
    return finish(fig, ax, title=title, xlabel="Percentage (%)", source=source, note=hidden_note(t[previous], t[current]))


def quarterly_trend(data: pd.DataFrame, *, ncols: int = 3, title: str = "", source: str = ""):
    """Small multiples, one per indicator (in table order): quarterly values, a line between the years.

    ``data`` columns: ``indicator_id``, ``label``, ``unit``, ``financial_year``, ``quarter``, ``value``
    (text, ``c`` when suppressed) and ``england`` (text, empty where not comparable).
    """
    ids = list(dict.fromkeys(data["indicator_id"]))
    n = len(ids)
    nrows = max(1, math.ceil(n / ncols))
    fig, axes = new_figure(7.5 if ncols <= 3 else 10.0, 2.2 * nrows + 1.1, nrows=nrows, ncols=ncols, squeeze=False)
    years = list(dict.fromkeys(data["financial_year"]))
    for k, ax in enumerate(axes.ravel()):
        if k >= n:
            ax.set_visible(False)
            continue
        s = data[data["indicator_id"] == ids[k]].reset_index(drop=True)
        x = np.arange(len(s))
        v = _num(s["value"])
        ok = np.isfinite(v)
        ax.plot(x[ok], v[ok], color=FOCUS, marker="o", markersize=3.5, linewidth=1.5, label="quarter")
        eng = _num(s["england"]) if "england" in s.columns else np.full(len(s), np.nan)
        if np.isfinite(eng).any():
            ax.axhline(float(eng[np.isfinite(eng)][0]), color=BENCHMARK, linestyle="--", linewidth=1.1,
                       label="England (latest published year)")
        fy = s["financial_year"].astype(str).to_numpy()
        breaks = np.flatnonzero(fy[1:] != fy[:-1])
        for b in breaks:
            ax.axvline(b + 0.5, color="#7B7D7D", linestyle=":", linewidth=0.9)
        lows = np.r_[v[ok], eng[np.isfinite(eng)]]
        base = float(np.nanmin(lows)) if lows.size else 0.0
        for xi in x[(s["value"] == "c").to_numpy()]:
            mark_suppressed(ax, xi, base, cell=s["value"].iloc[xi])
        ax.set_title(textwrap.fill(f"{ids[k]} {s['label'].iloc[0]}", 28), fontsize=8, loc="left")
        starts = np.r_[True, fy[1:] != fy[:-1]]
        ax.set_xticks(x, [f"Q{str(q)[-1]}" + (f"\n{y}" if st else "") for q, y, st in zip(s["quarter"], fy, starts,
                                                                                          strict=True)], fontsize=6.5)
        ax.tick_params(axis="y", labelsize=7)
        unit = str(s["unit"].iloc[0]) if "unit" in s.columns else ""
        if unit:
            ax.set_ylabel(textwrap.fill(unit, 22), fontsize=7)
        ax.margins(y=0.25)
    handles, labels = [], []
    for ax in axes.ravel():
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=False):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    years_text = " and ".join(years)
    fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 0.03), ncol=max(1, len(labels)), fontsize=8,
               frameon=False)
    fig.suptitle(textwrap.fill(title, 90), x=0.01, ha="left", fontsize=10.5, fontweight="bold")
    fig.text(0.99, 0.075, f"Quarters of {years_text} (rates of events annualised); dotted line: start of a financial year", ha="right",
             fontsize=7, color="#505050")
    if source:
        fig.text(0.01, 0.005, f"Source: {source}", fontsize=7, color="#505050", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.1, 1, 0.95))
    return fig


def agreement_by_survey(table: pd.DataFrame, *, item: str = "item", survey: str = "survey",
                        value: str = "pct_agree", title: str = "", source: str = ""):
    """Dot plot: one row per statement, one marker (shape and colour) per survey; the symbol where hidden."""
    items = list(dict.fromkeys(table[item].astype(str)))
    surveys = list(dict.fromkeys(table[survey].astype(str)))
    fig, ax = new_figure(7.5, 0.55 * len(items) + 1.9)
    ax.set_axisbelow(True)
    y = {it: len(items) - 1 - i for i, it in enumerate(items)}
    offsets = np.linspace(-0.22, 0.22, len(surveys)) if len(surveys) > 1 else np.zeros(1)
    for j, sv in enumerate(surveys):
        sub = table[table[survey].astype(str) == sv]
        v = _num(sub[value])
        yy = np.array([y[str(i)] for i in sub[item]], dtype=float) - offsets[j]  # first survey on top
        ok = np.isfinite(v)
        ax.scatter(v[ok], yy[ok], marker=SURVEY_MARKERS[j % len(SURVEY_MARKERS)], color=PALETTE[j % len(PALETTE)],
                   s=34, zorder=3, label=sv, edgecolor="white", linewidth=0.4)
        for yi, cell in zip(yy[~ok], sub[value].to_numpy(dtype=object)[~ok], strict=True):
            mark_suppressed(ax, 2, yi - 0.12, cell=cell)
    ax.set_yticks(list(y.values()), [_wrap(i, 40) for i in y])
    ax.set_xlim(0, 100)
    ax.grid(axis="x", color="#E5E5E5")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(len(surveys), 4), fontsize=8,
              title="Survey", title_fontsize=8)
    return finish(fig, ax, title=title, xlabel="Children agreeing or strongly agreeing (% of those answering)",
                  source=source, note=hidden_note(table[value]))
