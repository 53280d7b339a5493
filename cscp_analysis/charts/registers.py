"""Charts of the registers of the arrangements' other evidence: shares with their intervals against a
reference, paired bars (needed against delivered, this year against last) and stacked counts.

Each function takes a *published* table (numbers as text, ``c`` where suppressed, ``x`` or blank where
not available) and the names of its columns, and returns a matplotlib ``Figure`` in the house style. A
value that is not a number is never drawn as zero: it is marked ``c`` where it would be.
"""

from __future__ import annotations

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

__all__ = ["shares_with_intervals", "paired_bars", "stacked_counts"]


def _num(values) -> np.ndarray:
    return pd.to_numeric(pd.Series(values).astype("string").str.replace(",", "", regex=False),
                         errors="coerce").to_numpy(dtype=float)


def _wrap(text, width: int = 36) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def shares_with_intervals(table: pd.DataFrame, label: str, value: str, lower: str, upper: str, *,
                          reference: str | float | None = None, reference_name: str = "", value_name: str = "",
                          title: str = "", xlabel: str = "", source: str = "", xlim: tuple[float, float] | None = (0, 100)):
    """One row per group: the value as a dot with its interval as a line, and a reference.

    ``reference`` is a column (a diamond on each row, e.g. the group's share of the population) or one
    number (a vertical line, e.g. the figure for all groups together).
    """
    t = table.reset_index(drop=True)
    fig, ax = new_figure(7.5, 0.42 * len(t) + 1.7)
    ax.set_axisbelow(True)
    y = np.arange(len(t))[::-1]
    v, lo, hi = _num(t[value]), _num(t[lower]), _num(t[upper])
    ok = ~np.isnan(v)
    ax.hlines(y[ok & ~np.isnan(lo) & ~np.isnan(hi)], lo[ok & ~np.isnan(lo) & ~np.isnan(hi)],
              hi[ok & ~np.isnan(lo) & ~np.isnan(hi)], color=FOCUS, linewidth=2, label="95% interval")
    ax.scatter(v[ok], y[ok], color=FOCUS, zorder=3, s=36, label=value_name or "Value")
    left = xlim[0] if xlim else np.nanmin(np.concatenate([lo, v, [0.0]]))
    for yi, cell in zip(y[~ok], t[value].to_numpy(dtype=object)[~ok], strict=True):
        mark_suppressed(ax, left + 2, yi - 0.2, cell=cell)
    if isinstance(reference, str):
        r = _num(t[reference])
        has = ~np.isnan(r)
        ax.scatter(r[has], y[has], marker="D", color=BENCHMARK, zorder=4, s=30, label=reference_name or "Reference")
    elif reference is not None and not np.isnan(float(reference)):
        ax.axvline(float(reference), color=BENCHMARK, linestyle="--", linewidth=1.2,
                   label=reference_name or "Reference")
    ax.set_yticks(y, [_wrap(s) for s in t[label]])
    if xlim:
        ax.set_xlim(*xlim)
    ax.grid(axis="x", color="#E5E5E5")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    return finish(fig, ax, title=title, xlabel=xlabel, source=source, note=hidden_note(t[value]))


def paired_bars(table: pd.DataFrame, label: str, first: str, second: str, *, first_name: str, second_name: str,
                title: str = "", xlabel: str = "", source: str = ""):
    """Two horizontal bars per group (``first`` in grey for context, ``second`` in dark blue)."""
    t = table.reset_index(drop=True)
    fig, ax = new_figure(7.5, 0.55 * len(t) + 1.7)
    ax.set_axisbelow(True)
    y = np.arange(len(t))[::-1].astype(float)
    a, b = _num(t[first]), _num(t[second])
    h = 0.38
    ax.barh(y + h / 2, np.nan_to_num(a), height=h, color=CONTEXT, label=first_name)
    ax.barh(y - h / 2, np.nan_to_num(b), height=h, color=FOCUS, label=second_name)
    top = np.nanmax(np.concatenate([a, b, [1.0]]))
    for yi, ai, bi, ca, cb in zip(y, a, b, t[first], t[second], strict=True):
        for off, vv, cell in ((h / 2, ai, ca), (-h / 2, bi, cb)):
            if np.isnan(vv):
                mark_suppressed(ax, top * 0.01, yi + off - 0.15, cell=cell)
            else:
                ax.text(vv + top * 0.01, yi + off, f"{vv:,.0f}", va="center", fontsize=7)
    ax.set_yticks(y, [_wrap(s) for s in t[label]])
    ax.set_xlim(0, top * 1.15)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:,.0f}")
    ax.grid(axis="x", color="#E5E5E5")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", fontsize=8)
    return finish(fig, ax, title=title, xlabel=xlabel, source=source, note=hidden_note(t[first], t[second]))


def stacked_counts(table: pd.DataFrame, label: str, parts: list[str], *, names: dict[str, str] | None = None,
                   title: str = "", xlabel: str = "", source: str = ""):
    """Horizontal bars of counts stacked by ``parts``; a hidden part is left out and its symbol written."""
    t = table.reset_index(drop=True)
    fig, ax = new_figure(7.5, 0.42 * len(t) + 1.7)
    ax.set_axisbelow(True)
    y = np.arange(len(t))[::-1]
    left = np.zeros(len(t))
    hidden = np.zeros(len(t), dtype=bool)
    marks = [set() for _ in range(len(t))]
    for i, part in enumerate(parts):
        v = _num(t[part])
        hidden |= np.isnan(v)
        for k in np.flatnonzero(np.isnan(v)):
            marks[k].add(mark_of(t[part].iloc[k]))
        ax.barh(y, np.nan_to_num(v), left=left, height=0.65, color=PALETTE[i % len(PALETTE)],
                label=(names or {}).get(part, part), edgecolor="white", linewidth=0.5)
        left = left + np.nan_to_num(v)
    for yi, tot, hid, mk in zip(y, left, hidden, marks, strict=True):
        ax.text(tot, yi, f" {tot:,.0f}" + (" + " + " + ".join(sorted(mk)) if hid else ""), va="center", fontsize=8,
                color=SUPPRESSED if hid else "black")
    ax.set_yticks(y, [_wrap(s) for s in t[label]])
    ax.set_xlim(0, max(float(left.max()) if len(left) else 0.0, 1.0) * 1.18)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="x", color="#E5E5E5")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8)
    return finish(fig, ax, title=title, xlabel=xlabel, source=source, note=hidden_note(*(t[p] for p in parts)))
