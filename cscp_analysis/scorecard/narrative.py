"""Drafting the partnership's three Signs of Safety lines from the scorecard, by documented rules.

Each rule has an identifier; a finding names its rule(s), the indicator and the evidence, and is a
draft for the Audit and Performance subgroup to edit. No finding is drafted from a value that is not
published (blocked data) or that rests on a suppressed count. One finding per indicator and kind: when
several rules fire for an indicator their sentences are joined and their identifiers listed.

What is working well
  SC-WW-1  a point of the latest quarter is a special-cause improvement on the SPC chart.
  SC-WW-2  significantly better than England *and* than the statistical-neighbour median (95%).
  SC-WW-3  the target has been met in each of the last four quarters.

What are we worried about (the same decision as the RAG rating: docs/scorecard.md §7)
  SC-WR-1  a point of the latest quarter is a special-cause concern on the SPC chart, and the target is not
           met with certainty (when it is, the concern is a *watch*: SC-CX-3).
  SC-WR-2  significantly worse than England (95%; weighted more at 99.8%).
  SC-WR-3  the target was missed in the latest quarter by the whole 95% interval (when the interval holds the
           target, we cannot tell: SC-CX-2).
  SC-WR-4  an earlier point of the last twelve months was a special-cause concern (the latest quarter
           is not), so the A&P subgroup can check that it has been understood; when the target has been met
           in each of the last four quarters (SC-WW-3) it is a watch instead (SC-CX-3).

What needs to happen (each with its owner, by when and the level of help it happens at)
  SC-NH-1  for every indicator with a worry, one ask of the owning agency that names the worry: how it will
           return to its target, why it is worse than England, or what changed in the months of the concern;
           by the next quarter's scorecard.
  SC-NH-2  an agency's commentary is missing for the quarter: one request per agency and priority,
           naming each indicator (not one near-identical sentence per indicator).
  SC-NH-3  an indicator could not be published because its data were rejected or blocked.

Context
  SC-CX-1  an indicator without a preferred direction shows special-cause variation in the latest
           quarter (unusually high or low), for the subgroup to understand.
  SC-CX-2  the quarter's interval holds the target: at this number of children we cannot tell.
  SC-CX-3  a watch: a special-cause concern while the target is met with certainty, or an earlier one
           while the target has been met in each of the last four quarters.

Severity (for the scrutiny summary's ranking): 1 for an indicator that measures a statutory timescale or
duty (``statutory:`` in ``indicators.yaml``), 2 otherwise; 4 for a missing commentary.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..narrative import Finding
from .rag import fmt_value, is_suppressed

__all__ = ["scorecard_findings", "RULES", "when"]

RULES = {
    "SC-WW-1": "special-cause improvement in the latest quarter",
    "SC-WW-2": "significantly better than England and the statistical-neighbour median (95%)",
    "SC-WW-3": "target met in each of the last four quarters",
    "SC-WR-1": "special-cause concern in the latest quarter",
    "SC-WR-2": "significantly worse than England (95%)",
    "SC-WR-3": "target missed in the latest quarter",
    "SC-WR-4": "special-cause concern earlier in the last twelve months",
    "SC-NH-1": "an agreed response to each worry, from the owning agency",
    "SC-NH-2": "commentary missing",
    "SC-NH-3": "indicator not published (data blocked)",
    "SC-CX-1": "special-cause variation without a preferred direction",
    "SC-CX-2": "the interval holds the target: cannot tell",
    "SC-CX-3": "a watch: special-cause concern while the target is met",
}


def when(label: str) -> str:
    """A series label in words: '2026-01' -> 'January 2026'; '2026-27-Q2' -> 'July to September 2026'."""
    from ..periods import PeriodWords

    if "-Q" in label:
        return PeriodWords.quarter(label).label
    try:
        return pd.Period(label, freq="M").strftime("%B %Y")
    except (ValueError, TypeError):
        return label


def _ci(res, row, level: str = "95") -> str:
    ind = res.indicator
    lo, hi = (row["lower_ci"], row["upper_ci"]) if level == "95" else (row["lower_998"], row["upper_998"])
    if lo is None or hi is None or math.isnan(lo) or math.isnan(hi):
        return ""
    pct = "99.8" if level == "998" else "95"
    return f" ({pct}% interval {fmt_value(ind, lo)} to {fmt_value(ind, hi)})"


def _now(res) -> str:
    from ..periods import PeriodWords

    cur = res.current
    return f"{fmt_value(res.indicator, float(cur['value']))} in {PeriodWords.quarter(res.period).label}"


_RULE_WORDS = {
    "outside_limits": ("above the upper process limit", "below the lower process limit"),
    "trend": ("part of a run of seven or more rising points", "part of a run of seven or more falling points"),
    "two_of_three": ("two of three points close to the upper limit", "two of three points close to the lower limit"),
    "shift": ("part of a run of seven or more points above the mean", "part of a run of seven or more points below "
              "the mean"),
    "long_run": ("part of a run above the median longer than chance allows",
                 "part of a run below the median longer than chance allows"),
}


def describe_special_causes(rows: pd.DataFrame) -> str:
    """Special-cause points in words, consecutive points with the same rule grouped:
    'January 2026 (above the upper process limit); October to December 2025 (part of a run ...)'."""
    if rows is None or not len(rows):
        return ""
    rows = rows.reset_index(drop=True)
    high = (rows["value"] > rows["mean"]).to_numpy()
    rule = rows["rule"].astype(str).to_numpy() if "rule" in rows.columns else np.full(len(rows), "")
    pos = rows.index.to_numpy()
    if "_pos" in rows.columns:
        pos = rows["_pos"].to_numpy()
    groups: list[list[int]] = []
    for i in range(len(rows)):  # a handful of points
        if groups and rule[i] == rule[groups[-1][-1]] and high[i] == high[groups[-1][-1]] and pos[i] == pos[groups[-1][-1]] + 1:
            groups[-1].append(i)
        else:
            groups.append([i])
    parts = []
    for g in groups:
        first, last = when(str(rows["label"].iloc[g[0]])), when(str(rows["label"].iloc[g[-1]]))
        span = first if len(g) == 1 else f"{first} to {last}"
        words = _RULE_WORDS.get(rule[g[0]], ("a special cause", "a special cause"))[0 if high[g[0]] else 1]
        parts.append(f"{span} ({words})")
    return "; ".join(parts)


def _special(res, which: str, in_period: bool) -> pd.DataFrame:
    s = res.spc.reset_index(drop=True).assign(_pos=lambda d: np.arange(len(d)))
    twelve = pd.Timestamp(res.period.rolling_twelve_months()[0])
    sel = s["in_period"] if in_period else (~s["in_period"] & (s["end"] >= twelve))
    return s[sel & (s["point_type"] == which)]


def _spc_words(res, which: str) -> str:
    freq = "monthly" if res.spc_frequency == "monthly" else "quarterly"
    kind = which.replace("special_cause_", "special-cause ")
    detail = describe_special_causes(_special(res, which, True)) if res.spc is not None else ""
    return f"the {freq} SPC chart shows {kind}: {detail}" if detail else f"the {freq} SPC chart shows {kind}"


def _bench_words(res, which: str) -> str:
    b = res.benchmark
    ind = res.indicator
    d = b.get("decimals")
    return (f"{fmt_value(ind, b['value'])} {b['value_label']} is significantly {which} than England "
            f"({fmt_value(ind, b['england'], d)}, {b['year_label']})")


def _severity(ind) -> int:
    return 1 if ind.statutory else 2


def _finding(kind, res, texts, rules, weight) -> Finding:
    ind = res.indicator
    text = f"{ind.title}: " + "; ".join(texts) + "."
    return Finding(kind=kind, text=text[:1].upper() + text[1:], lens=ind.lens, source="scorecard",
                   evidence=ind.id, priority=ind.priority_at(res.period), rule=", ".join(rules), weight=float(weight),
                   severity=_severity(ind) if kind in ("worried", "needs_to_happen") else 0, level=ind.level)


def _next_scorecard(res) -> str:
    from ..periods import PeriodWords

    return f"the {PeriodWords.quarter(res.period.next()).label} scorecard"


def _ask(res, wr_rules: list[str]) -> str:
    """What the owning agency is asked for, naming what is specific to this worry."""
    ind, cur, b = res.indicator, res.current, res.benchmark or {}
    title = _lower_first(ind.title)
    if "SC-WR-3" in wr_rules:
        return (f"{_agency(res)} to set out how {title} ({ind.id}) will come back to the target of "
                f"{fmt_value(ind, ind.target)} from {fmt_value(ind, float(cur['value']))}, with the steps and their dates")
    if "SC-WR-2" in wr_rules:
        return (f"{_agency(res)} to explain why {title} ({ind.id}) is worse than England "
                f"({fmt_value(ind, b.get('england'), b.get('decimals'))}) and what its better-performing statistical "
                "neighbours do differently")
    months = describe_special_causes(_special(res, "special_cause_concern", "SC-WR-1" in wr_rules)) or "the quarter"
    return (f"{_agency(res)} to explain what changed in {title} ({ind.id}) at {months}, and whether it is lasting")


def _indicator_findings(res, threshold: int) -> list[Finding]:
    ind = res.indicator
    out: list[Finding] = []
    if res.status != "ok":
        out.append(Finding(
            kind="needs_to_happen", lens=ind.lens, source="scorecard", evidence=ind.id,
            priority=ind.priority_at(res.period), rule="SC-NH-3", weight=2.0, severity=4, owner=_agency(res),
            by_when=_next_scorecard(res), level=ind.level,
            text=f"{_agency(res)} to correct and resubmit the data behind {ind.title} ({ind.id}), which could not be "
                 f"published for {res.period.label} because {res.reason}."))
        return out
    from .publish import suppression_flags

    cur = res.current
    usable = cur is not None and not math.isnan(cur["value"]) and not is_suppressed(res, threshold)
    bench_ok = usable and not suppression_flags(res, threshold)["comparable"]
    s = res.spc_summary or {}
    b = res.benchmark or {}
    ww, wr, wr_rules, ww_rules = [], [], [], []
    ww_w = wr_w = 0.0
    if usable:
        # working well
        if res.spc is not None and s.get("improvement_in_period"):
            ww.append(f"{_now(res)}; {_spc_words(res, 'special_cause_improvement')}")
            ww_rules.append("SC-WW-1")
            ww_w += 2
        if bench_ok and b.get("status") == "ok" and b.get("vs_england_95_polarity") == "better" \
                and b.get("vs_sn_95") == "better":
            ww.append(_bench_words(res, "better") + f" and than the statistical-neighbour median "
                      f"({fmt_value(ind, b['sn_median'], b.get('decimals'))})" + _ci(res, res.comparable))
            ww_rules.append("SC-WW-2")
            ww_w += 2
        if ind.target is not None and res.quarters is not None:
            last4 = [res._q(-k) for k in range(4)]
            vals = [None if r is None or math.isnan(r["value"]) else float(r["value"]) for r in last4]
            if all(v is not None for v in vals):
                ok = [(v >= ind.target) if ind.polarity == "higher_is_better" else (v <= ind.target) for v in vals]
                if all(ok):
                    ww.append(f"the target of {fmt_value(ind, ind.target)} has been met in each of the last four "
                              f"quarters (from {fmt_value(ind, vals[-1])} to {fmt_value(ind, vals[0])})")
                    ww_rules.append("SC-WW-3")
                    ww_w += 1
        # worried
        from ..periods import PeriodWords
        from .rag import target_position

        position = (target_position(ind, float(cur["value"]), float(cur["lower_ci"]), float(cur["upper_ci"]))
                    if ind.target is not None else None)
        watch = []
        if res.spc is not None and s.get("concern_in_period"):
            if position == "met":
                watch.append(f"{_now(res)} meets its target, but {_spc_words(res, 'special_cause_concern')}: a "
                             "watch for the next quarter")
            else:
                wr.append(f"{_now(res)}; {_spc_words(res, 'special_cause_concern')}")
                wr_rules.append("SC-WR-1")
                wr_w += 3
        if bench_ok and b.get("status") == "ok" and b.get("vs_england_95_polarity") == "worse":
            strong = b.get("vs_england_998_polarity") == "worse"
            wr.append(_bench_words(res, "worse") + (" at 99.8%" if strong else " at 95%")
                      + _ci(res, res.comparable, "998" if strong else "95"))
            wr_rules.append("SC-WR-2")
            wr_w += 3 if strong else 2
        if position == "missed":
            lead = "it" if wr else _now(res)  # the value is said once
            wr.append(f"{lead} misses the target of {fmt_value(ind, ind.target)}" + _ci(res, cur))
            wr_rules.append("SC-WR-3")
            wr_w += 2
        elif position == "uncertain":
            out.append(_finding("context", res, [f"{_now(res)} against a target of {fmt_value(ind, ind.target)}"
                                                 + _ci(res, cur) + ": at this number we cannot tell whether the "
                                                 "target is met"], ["SC-CX-2"], 1))
        if res.spc is not None and s.get("recent_concerns") and not s.get("concern_in_period"):
            detail = describe_special_causes(_special(res, "special_cause_concern", False))
            earlier = (f"earlier in the year the SPC chart showed special-cause concern: {detail}; "
                       f"{PeriodWords.quarter(res.period).label} is back within common-cause variation")
            if "SC-WW-3" in ww_rules:  # the target met throughout: a watch, not a worry (as SC-WR-1)
                watch.append(f"{_now(res)} meets its target, as in each of the last four quarters; {earlier}: a "
                             "watch for the next quarter")
            else:
                wr.append(earlier)
                wr_rules.append("SC-WR-4")
                wr_w += 1
        if ww:
            out.append(_finding("working_well", res, ww, ww_rules, ww_w))
        if watch:
            out.append(_finding("context", res, watch, ["SC-CX-3"], 1))
        if wr:
            out.append(_finding("worried", res, wr, wr_rules, wr_w))
            out.append(Finding("needs_to_happen", _ask(res, wr_rules) + ".", ind.lens, "scorecard", ind.id,
                               ind.priority_at(res.period), "SC-NH-1", wr_w, severity=_severity(ind),
                               owner=_agency(res), by_when=_next_scorecard(res), level=ind.level))
        if res.spc is not None and s.get("neutral_in_period") and ind.improvement == "neutral":
            out.append(_finding("context", res, [f"{_now(res)}; the SPC chart shows special-cause variation "
                                                 f"({s['neutral_in_period']}) in {res.period.label}, which is neither good "
                                                 "nor bad in itself and needs explaining"], ["SC-CX-1"], 1))
    return out


def _lower_first(text: str) -> str:
    """'Assessments completed' -> 'assessments completed'; 'LADO allegations' stays as it is."""
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _agency(res) -> str:
    cfg = getattr(res, "config", None)
    name = (cfg.agencies.get(res.indicator.agency) if cfg is not None else None) or res.indicator.agency
    return name


def scorecard_findings(sc) -> list[Finding]:
    """Every finding of the scorecard, by the rules above, in registry order."""
    threshold = getattr(sc.config, "suppression_threshold", 5) if sc.config is not None else 5
    out: list[Finding] = []
    for res in sc:
        out.extend(_indicator_findings(res, threshold))
    return out + _missing_commentary([res for res in sc if res.commentary_status == "missing"])


def _missing_commentary(missing: list) -> list[Finding]:
    """SC-NH-2: one request per agency and priority for the commentary it has not sent, naming each
    indicator (one sentence for seventeen indicators, not seventeen sentences that differ by a title)."""
    from ..periods import PeriodWords

    groups: dict[tuple[str, str], list] = {}
    for res in missing:
        groups.setdefault((_agency(res), res.indicator.priority_at(res.period)), []).append(res)
    out = []
    for (agency, priority), group in groups.items():
        first = group[0]
        quarter = PeriodWords.quarter(first.period).label
        named = [f"{r.indicator.title} ({r.indicator.id})" for r in group]
        if len(group) == 1:
            text = f"{agency} to send its commentary on {named[0]} for {quarter}, which is missing."
        else:
            text = (f"{agency} to send its commentary for {quarter} on each indicator of this priority it has not "
                    f"commented on: " + "; ".join(named) + ".")  # no count: beside a title it reads as one of children
        levels = [r.indicator.level for r in group]
        out.append(Finding(
            "needs_to_happen", text, first.indicator.lens, "scorecard", ", ".join(r.indicator.id for r in group),
            priority, "SC-NH-2", 0.5 * len(group), severity=4, owner=agency,
            by_when="before the next meeting of the Audit and Performance subgroup",
            level=max(levels, key=levels.count)))  # the commonest, the first on a tie
    return out
