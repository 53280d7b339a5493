"""RAG rating: a decision table that respects the uncertainty of the value, with its reason in words.

A colour is never shown alone (colour alone fails accessibility, and a rating without its reason
cannot be challenged): :func:`rate_indicator` returns the rating *and* the sentence naming every
condition that set it. The decision table (``docs/scorecard.md``, "RAG decision table"), tested row by
row in ``tests/scorecard/test_rag.py``:

**Grey**: not rated. The indicator is not published (its data were blocked), it has no value for the
quarter, its value rests on a count small enough to be suppressed (1 to the disclosure threshold), or
there is nothing to rate it against.

**1. The target** (when the indicator has one), judged on the quarter's 95% interval, not the point alone:

====================================================  =======  ==============================================
the value and its 95% interval against the target       rating   the reason says
====================================================  =======  ==============================================
the whole interval meets the target                     green    "the target is met: the whole interval ..."
the interval contains the target                        amber    "cannot tell at this number of <things> ..."
the whole interval misses it; the value within the      amber    "missed by x, within the tolerance of y"
tolerance
the whole interval misses it by more than the            red     "missed by x, more than the tolerance of y"
tolerance
====================================================  =======  ==============================================

A count has no interval: its value alone is compared with the target (met: green; missed within the
tolerance: amber; beyond: red). The tolerance comes from configuration: ``scorecard.rag.tolerance_pct``
in ``partnership.yaml`` (a percentage of the target, 5 by default), or the indicator's own ``rag:
tolerance`` in its units.

**2. England** (a comparable published benchmark, for an indicator with a preferred direction):
significantly worse than England at 99.8% is red, at 95% only amber; similar or better is green
evidence. Where the indicator has a target, the target decides the side: an indicator whose whole
interval meets its target is never red (worse than England makes it amber), and one whose whole
interval misses its target is never green.

**3. SPC** (Making Data Count): special-cause variation alone never makes an indicator red. A concern in
the quarter adds a *watch* to the reason; it sets the colour (amber) only when the indicator has neither
a target nor a benchmark, when SPC is all there is to rate it by (improvement is then green, common-cause
variation grey: stable is not the same as good).

The rating is the worst that applies (red, amber, green); the two guarantees of step 2 are applied last.
Each indicator may switch criteria off or set its tolerance in ``indicators.yaml`` (``rag:`` mapping,
:data:`~cscp_analysis.scorecard.registry.RAG_OPTIONS`).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["DEFAULTS", "DEFAULT_TOLERANCE_PCT", "options", "target_status", "target_position", "rate_indicator",
           "fmt_value", "is_suppressed"]

DEFAULT_TOLERANCE_PCT = 5.0  # of the target, when neither the partnership nor the indicator says otherwise
DEFAULTS = {
    "tolerance": None,  # None: the partnership's percentage of the target
    "use_target": True,
    "use_spc": True,
    "use_benchmark": True,
    "red_confidence": 0.998,
    "amber_confidence": 0.95,
}
_ORDER = {"green": 0, "amber": 1, "red": 2}


def tolerance_pct(config) -> float:
    """The partnership's tolerance as a percentage of the target (``scorecard.rag.tolerance_pct``)."""
    raw = getattr(config, "raw", None) or {}
    value = ((raw.get("scorecard") or {}).get("rag") or {}).get("tolerance_pct", DEFAULT_TOLERANCE_PCT)
    return float(value)


def options(ind, config=None) -> dict:
    o = {**DEFAULTS, **(ind.rag or {})}
    if o["tolerance"] is None and ind.target is not None:
        o["tolerance"] = abs(ind.target) * tolerance_pct(config) / 100
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
    """``met``, ``missed``, ``no target`` or ``not computable`` for the quarter's value (the point alone)."""
    ind = res.indicator
    if ind.target is None:
        return "no target"
    cur = res.current
    if cur is None or np.isnan(cur["value"]):
        return "not computable"
    v = float(cur["value"])
    ok = v >= ind.target if ind.polarity == "higher_is_better" else v <= ind.target
    return "met" if ok else "missed"


def _meets(ind, x: float) -> bool:
    return x >= ind.target if ind.polarity == "higher_is_better" else x <= ind.target


def target_position(ind, value: float, lower: float, upper: float) -> str:
    """Where the value and its interval stand against the target: ``met`` (the whole interval meets it),
    ``missed`` (the whole interval misses it), ``uncertain`` (the interval contains it); without an
    interval (NaN limits), the value alone decides ``met`` or ``missed``."""
    if np.isnan(lower) or np.isnan(upper):
        return "met" if _meets(ind, value) else "missed"
    low_ok, high_ok = _meets(ind, lower), _meets(ind, upper)
    if low_ok and high_ok:
        return "met"
    if not low_ok and not high_ok:
        return "missed"
    return "uncertain"


def _noun(res) -> str:
    from .measures import MEASURES

    ind = res.indicator
    measure = ind.denominator if ind.statistic == "percentage" and ind.denominator else ind.numerator
    spec = MEASURES.get(measure.split(":", 1)[0]) if measure else None
    noun = getattr(spec, "noun", "") if spec else ""
    return noun or "children or events"


def _interval(ind, lo: float, hi: float) -> str:
    return f"{fmt_value(ind, lo)} to {fmt_value(ind, hi)}"


def rate_indicator(res, threshold: int | None = None) -> tuple[str, str]:
    """``(rag, reason)`` for an indicator result, by the decision table in the module docstring."""
    ind = res.indicator
    threshold = getattr(res, "threshold", 5) if threshold is None else threshold
    from ..periods import PeriodWords

    quarter = PeriodWords.quarter(res.period).label
    if res.status != "ok":
        return "grey", f"Grey: not published, because {res.reason}."
    cur = res.current
    if cur is None or np.isnan(cur["value"]):
        note = (cur["note"] if cur is not None and cur["note"] else "no data for the quarter")
        return "grey", f"Grey: no value for {quarter} ({note})."
    if is_suppressed(res, threshold):
        return "grey", ("Grey: not rated, because the quarter's figure rests on fewer than "
                        f"{threshold + 1} children or events and is suppressed.")
    o = options(ind, getattr(res, "config", None))
    found: dict[str, list[str]] = {"red": [], "amber": [], "green": []}
    watch: list[str] = []
    position = None
    # 1. the target, on the interval
    if o["use_target"] and ind.target is not None:
        v = float(cur["value"])
        lo, hi = float(cur.get("lower_ci", np.nan)), float(cur.get("upper_ci", np.nan))
        position = target_position(ind, v, lo, hi)
        tgt = fmt_value(ind, ind.target)
        has_ci = not (np.isnan(lo) or np.isnan(hi))
        side = "above" if ind.polarity == "higher_is_better" else "below"
        if position == "met":
            found["green"].append(f"the target of {tgt} is met ({fmt_value(ind, v)}"
                                  + (f"; the whole 95% interval, {_interval(ind, lo, hi)}, is {side} it)" if has_ci
                                     else ")"))
        elif position == "uncertain":
            found["amber"].append(f"at this number of {_noun(res)} we cannot tell whether the target of {tgt} is "
                                  f"met: the value is {fmt_value(ind, v)} and its 95% interval, "
                                  f"{_interval(ind, lo, hi)}, includes the target")
        else:
            miss = (ind.target - v) if ind.polarity == "higher_is_better" else (v - ind.target)
            whole = f"; the whole 95% interval, {_interval(ind, lo, hi)}, misses it" if has_ci else ""
            if miss > o["tolerance"] + 1e-12:
                found["red"].append(f"the target of {tgt} is missed by {_gap(ind, miss)}, more than the tolerance of "
                                    f"{_gap(ind, o['tolerance'])} ({fmt_value(ind, v)}{whole})")
            else:
                found["amber"].append(f"the target of {tgt} is missed by {_gap(ind, miss)}, within the tolerance of "
                                      f"{_gap(ind, o['tolerance'])} ({fmt_value(ind, v)}{whole})")
    # 2. England
    b = res.benchmark or {}
    benchmarked = o["use_benchmark"] and b.get("status") == "ok" and ind.polarity != "neither"
    if benchmarked:
        key_red = "vs_england_998_polarity" if o["red_confidence"] == 0.998 else "vs_england_95_polarity"
        key_amber = "vs_england_95_polarity" if o["amber_confidence"] == 0.95 else "vs_england_998_polarity"
        red_level = "99.8%" if o["red_confidence"] == 0.998 else "95%"
        amber_level = "95%" if o["amber_confidence"] == 0.95 else "99.8%"
        eng = fmt_value(ind, b["england"], b.get("decimals"))
        if b.get(key_red) == "worse":
            found["red"].append(f"it is significantly worse than England ({eng}, {b['year']}) at {red_level}")
        elif b.get(key_amber) == "worse":
            found["amber"].append(f"it is significantly worse than England ({eng}, {b['year']}) at {amber_level}")
        elif b.get(key_amber) in ("better", "similar"):
            found["green"].append(f"it is {'significantly better than' if b[key_amber] == 'better' else 'similar to'} "
                                  f"England ({eng}, {b['year']}) at {amber_level}")
    # 3. SPC: a watch, or the only evidence
    s = res.spc_summary or {}
    spc_only = position is None and not benchmarked
    stable = ""
    if o["use_spc"] and res.spc is not None and ind.improvement != "neutral":
        if s.get("concern_in_period"):
            text = f"the SPC chart shows a special-cause concern in {quarter}"
            (found["amber"] if spc_only else watch).append(text)
        elif s.get("improvement_in_period") and spc_only:
            found["green"].append(f"the SPC chart shows special-cause improvement in {quarter}")
        elif spc_only:
            stable = f"the SPC chart shows only common-cause variation in {quarter}"
    rating = max((k for k, v in found.items() if v), key=_ORDER.get, default=None)
    # the two guarantees: the target decides the side
    because = ""
    if rating == "red" and position == "met":
        rating, because = "amber", " (not red, because the target is met)"
    if rating == "green" and position in ("missed", "uncertain"):
        rating, because = "amber", " (not green, because the target is not shown to be met)"
    if rating is None:
        if ind.polarity == "neither" and ind.target is None:
            why = "it has no target and no preferred direction, so nothing to rate it against"
        elif stable:
            why = f"it has no target and no comparable published benchmark, and {stable} (stable variation is not " \
                  "evidence of good performance)"
        else:
            why = "it has no target, no comparable published benchmark and no SPC chart"
        return "grey", f"Grey: not rated, because {why}." + (f" Watch: {'; '.join(watch)}." if watch else "")
    reasons = found[rating] + [x for k in ("red", "amber", "green") if k != rating for x in found[k]]
    text = f"{rating.capitalize()}{because}: " + "; ".join(reasons) + "."
    if watch:
        text += " Watch: " + "; ".join(watch) + "."
    return rating, text
