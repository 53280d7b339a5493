"""RAG rating: one documented rule combining target, benchmark and SPC, with its reason in words.

A colour is never shown alone (colour alone fails accessibility, and a rating without its reason
cannot be challenged): :func:`rate_indicator` returns the rating *and* the sentence naming every
condition that set it. The rule (``docs/scorecard.md``, "RAG rule"):

**Grey** — not rated: the indicator is not published (its data were blocked), it has no value for the
quarter, its value rests on a count small enough to be suppressed (1 to the disclosure threshold), or
there is nothing to rate it against (no target, no published benchmark, and no direction of
improvement for SPC).

**Red** — any of:
  R1. the target is missed by more than the tolerance (default 5% of the target);
  R2. a point of the latest quarter is a special-cause concern on the SPC chart;
  R3. the partnership is significantly worse than England at 99.8%.

**Amber** — otherwise, any of:
  A1. the target is missed, within the tolerance;
  A2. significantly worse than England at 95% (but not at 99.8%).

**Green** — otherwise, when there is positive evidence: the target is met, the value is similar to or
better than England, or the SPC chart shows special-cause improvement in the latest quarter. Stable
(common-cause) variation alone is not evidence of good performance: an indicator with no target and
no benchmark whose chart shows no special cause is grey (not rated), with that said in words.

Each indicator may switch criteria off or change the tolerance in ``indicators.yaml`` (``rag:``
mapping; options in :data:`~cscp_analysis.scorecard.registry.RAG_OPTIONS`).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["DEFAULTS", "options", "target_status", "rate_indicator", "fmt_value", "is_suppressed"]

DEFAULTS = {
    "tolerance": None,  # None: 5% of the target
    "use_target": True,
    "use_spc": True,
    "use_benchmark": True,
    "red_confidence": 0.998,
    "amber_confidence": 0.95,
}


def options(ind) -> dict:
    o = {**DEFAULTS, **(ind.rag or {})}
    if o["tolerance"] is None and ind.target is not None:
        o["tolerance"] = abs(ind.target) * 0.05
    for key in ("red_confidence", "amber_confidence"):
        c = float(o[key])
        o[key] = c / 100 if c > 1 else c
        if o[key] not in (0.95, 0.998):
            raise ValueError(f"indicator {ind.id}: rag {key} must be 0.95 or 0.998, not {o[key]}")
    return o


def fmt_value(ind, value, decimals: int | None = None) -> str:
    """A value as it reads in a sentence: 92.1%, 512.3 per 10,000 children aged 0-17, 14 days, 1,234."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "not available"
    d = ind.decimals if decimals is None else decimals
    if ind.statistic == "percentage":
        return f"{value:,.{d}f}%"
    if ind.statistic == "count":
        return f"{value:,.0f}"
    if ind.statistic == "median_days":
        return f"{value:,.{d}f} days" if not float(value).is_integer() else f"{value:,.0f} days"
    return f"{value:,.{d}f} {ind.unit}".strip()


def _gap(ind, value, decimals=None) -> str:
    d = ind.decimals if decimals is None else decimals
    unit = " percentage points" if ind.statistic == "percentage" else (" days" if ind.statistic == "median_days" else "")
    return f"{value:,.{d}f}{unit}"


def is_suppressed(res, threshold: int = 5) -> bool:
    """Whether the quarter's value rests on a count from 1 to ``threshold`` (numerator, or a counted
    denominator; a population denominator is never small)."""
    from .measures import MEASURES

    cur = res.current
    if cur is None:
        return False
    small = lambda v: v is not None and not (isinstance(v, float) and math.isnan(v)) and 1 <= v <= threshold  # noqa: E731
    if small(cur["numerator"]):
        return True
    den = res.indicator.denominator
    if den and MEASURES[den.split(":", 1)[0]].kind != "population" and small(cur["denominator"]):
        return True
    return False


def target_status(res) -> str:
    """``met``, ``missed``, ``no target`` or ``not computable`` for the quarter's value."""
    ind = res.indicator
    if ind.target is None:
        return "no target"
    cur = res.current
    if cur is None or np.isnan(cur["value"]):
        return "not computable"
    v = float(cur["value"])
    ok = v >= ind.target if ind.polarity == "higher_is_better" else v <= ind.target
    return "met" if ok else "missed"


def rate_indicator(res, threshold: int | None = None) -> tuple[str, str]:
    """``(rag, reason)`` for an indicator result, by the rule in the module docstring."""
    ind = res.indicator
    threshold = getattr(res, "threshold", 5) if threshold is None else threshold
    if res.status != "ok":
        return "grey", f"Grey: not published, because {res.reason}."
    cur = res.current
    if cur is None or np.isnan(cur["value"]):
        note = (cur["note"] if cur is not None and cur["note"] else "no data for the quarter")
        return "grey", f"Grey: no value for {res.period.label} ({note})."
    if is_suppressed(res, threshold):
        return "grey", ("Grey: not rated, because the quarter's figure rests on fewer than "
                        f"{threshold + 1} children or events and is suppressed.")
    o = options(ind)
    red, amber, green = [], [], []
    stable = ""
    # target
    if o["use_target"] and ind.target is not None:
        v = float(cur["value"])
        miss = (ind.target - v) if ind.polarity == "higher_is_better" else (v - ind.target)
        tgt = fmt_value(ind, ind.target)
        if miss > o["tolerance"] + 1e-12:
            red.append(f"the target of {tgt} is missed by {_gap(ind, miss)} (more than the tolerance of "
                       f"{_gap(ind, o['tolerance'])})")
        elif miss > 1e-12:
            amber.append(f"the target of {tgt} is missed by {_gap(ind, miss)} (within the tolerance of "
                         f"{_gap(ind, o['tolerance'])})")
        else:
            green.append(f"the target of {tgt} is met ({fmt_value(ind, v)})")
    # SPC
    s = res.spc_summary or {}
    if o["use_spc"] and res.spc is not None:
        if s.get("concern_in_period"):
            red.append(f"the SPC chart shows a special-cause concern in {res.period.label}")
        elif ind.improvement != "neutral" and s.get("improvement_in_period"):
            green.append(f"the SPC chart shows special-cause improvement in {res.period.label}")
        elif ind.improvement != "neutral":
            stable = f"the SPC chart shows no special-cause concern in {res.period.label}"
    # benchmark
    b = res.benchmark or {}
    if o["use_benchmark"] and b.get("status") == "ok" and ind.polarity != "neither":
        key_red = "vs_england_998_polarity" if o["red_confidence"] == 0.998 else "vs_england_95_polarity"
        key_amber = "vs_england_95_polarity" if o["amber_confidence"] == 0.95 else "vs_england_998_polarity"
        red_level = "99.8%" if o["red_confidence"] == 0.998 else "95%"
        amber_level = "95%" if o["amber_confidence"] == 0.95 else "99.8%"
        eng = fmt_value(ind, b["england"], b.get("decimals"))
        if b.get(key_red) == "worse":
            red.append(f"it is significantly worse than England ({eng}, {b['year']}) at {red_level}")
        elif b.get(key_amber) == "worse":
            amber.append(f"it is significantly worse than England ({eng}, {b['year']}) at {amber_level}")
        elif b.get(key_amber) in ("better", "similar"):
            green.append(f"it is {'significantly better than' if b[key_amber] == 'better' else 'similar to'} "
                         f"England ({eng}, {b['year']}) at {amber_level}")
    if red:
        return "red", "Red: " + "; ".join(red) + "."
    if amber:
        return "amber", "Amber: " + "; ".join(amber) + "."
    if green:
        return "green", "Green: " + "; ".join(green + ([stable] if stable else [])) + "."
    if ind.polarity == "neither":
        why = "it has no target, no preferred direction and so nothing to rate against"
    elif stable:
        why = f"it has no target and no comparable published benchmark, and {stable} (stable variation is not " \
              "evidence of good performance)"
    else:
        why = "it has no target, no comparable published benchmark and no SPC chart"
    return "grey", f"Grey: not rated, because {why}."
