"""Small inline SVG for summary tables: sparklines and the Making Data Count icons.

These are drawn as SVG text (no matplotlib), so a one-screen summary of thirty indicators costs
milliseconds and the bytes are deterministic. Each carries ``role="img"`` and a ``<title>``, and the
tables that use them say the same thing in words beside them: nothing depends on colour or shape alone.

* :func:`sparkline` — the series as a line broken at every gap (a hidden or missing value is never
  bridged), the latest value as a dot, the target as a dashed line when it lies within the range;
* :func:`variation_icon` and :func:`assurance_icon` — NHS England's Making Data Count icons, in the
  spirit of its summary tables: a circle whose colour and letter say the variation (grey: common
  cause; blue: improvement; orange: concern; purple: a change in a direction that is neither, with H
  or L for high or low) or the assurance (blue P: consistently passes the target; orange F:
  consistently fails; grey ?: hit and miss).
"""

from __future__ import annotations

import html
import math

import numpy as np

__all__ = ["sparkline", "variation_icon", "assurance_icon", "ICON_COLOURS"]

ICON_COLOURS = {"common": "#7B7D7D", "improvement": "#1D70B8", "concern": "#D4700B", "neutral": "#5B2C86"}


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def sparkline(values, *, label: str, target: float | None = None, width: int = 96, height: int = 26) -> str:
    """An inline SVG sparkline of ``values`` (NaN for a gap), described by ``label`` (its title)."""
    v = np.asarray(values, dtype=float)
    title = html.escape(label, quote=True)
    if not np.isfinite(v).any():
        return f'<svg class="spark" role="img" width="{width}" height="{height}"><title>{title}</title></svg>'
    lo, hi = float(np.nanmin(v)), float(np.nanmax(v))
    if target is not None and lo <= target <= hi:
        lo, hi = min(lo, target), max(hi, target)
    span = hi - lo or 1.0
    pad = 3
    xs = np.linspace(pad, width - pad, len(v)) if len(v) > 1 else np.array([width / 2])
    ys = height - pad - (v - lo) / span * (height - 2 * pad)
    runs, run = [], []
    for x, y in zip(xs, ys, strict=True):
        if math.isnan(y):
            if run:
                runs.append(run)
            run = []
        else:
            run.append(f"{_fmt(x)},{_fmt(y)}")
    if run:
        runs.append(run)
    parts = [f'<svg class="spark" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
             f"<title>{title}</title>"]
    if target is not None and lo <= target <= hi:
        ty = height - pad - (target - lo) / span * (height - 2 * pad)
        parts.append(f'<line x1="{pad}" x2="{width - pad}" y1="{_fmt(ty)}" y2="{_fmt(ty)}" stroke="#D4700B" '
                     'stroke-width="1" stroke-dasharray="3 2"/>')
    for r in runs:
        if len(r) == 1:
            x, y = r[0].split(",")
            parts.append(f'<circle cx="{x}" cy="{y}" r="1.2" fill="#505A5F"/>')
        else:
            parts.append(f'<polyline points="{" ".join(r)}" fill="none" stroke="#505A5F" stroke-width="1.2"/>')
    last = np.flatnonzero(np.isfinite(v))[-1]
    parts.append(f'<circle cx="{_fmt(xs[last])}" cy="{_fmt(ys[last])}" r="2.4" fill="#12436D"/>')
    parts.append("</svg>")
    return "".join(parts)


def _circle(colour: str, letter: str, title: str) -> str:
    return (f'<svg class="mdc-icon" role="img" width="22" height="22" viewBox="0 0 22 22"><title>'
            f'{html.escape(title, quote=True)}</title><circle cx="11" cy="11" r="10" fill="{colour}"/>'
            f'<text x="11" y="15" text-anchor="middle" font-family="Arial, sans-serif" font-size="11" '
            f'font-weight="bold" fill="#FFFFFF">{html.escape(letter)}</text></svg>')


def variation_icon(code: str | None, words: str) -> str:
    """The Making Data Count variation icon for an NHSRplotthedots code (``common_cause``,
    ``improvement_high``, ``concern_low``, ``neutral_high``, ...); ``words`` is its title."""
    if not code:
        return ""
    kind, _, side = str(code).partition("_")
    if kind == "common":
        return _circle(ICON_COLOURS["common"], "~", words)
    letter = "H" if side == "high" else "L"
    return _circle(ICON_COLOURS.get(kind, ICON_COLOURS["common"]), letter, words)


def assurance_icon(code: str | None, words: str) -> str:
    """The Making Data Count assurance icon (``consistent_pass``, ``consistent_fail``, ``inconsistent``)."""
    if code == "consistent_pass":
        return _circle(ICON_COLOURS["improvement"], "P", words)
    if code == "consistent_fail":
        return _circle(ICON_COLOURS["concern"], "F", words)
    if code == "inconsistent":
        return _circle(ICON_COLOURS["common"], "?", words)
    return ""
