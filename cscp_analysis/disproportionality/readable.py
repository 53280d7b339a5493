"""The page's readable tables: a few columns with words for headers, built from the published tables.

Every table the page shows is a *view* of a published, disclosure-controlled table (the CSV keeps the
tidy column names): a ratio with its interval in one cell, p-values as numbers (``<0.001``), and a
"What it means" column in words: significantly higher or lower, no clear difference with the smallest
ratio the numbers could have detected, too few children to say, or hidden with the reason (a count of
1 to 5; hidden so that another hidden count cannot be worked out from the totals; the comparison
group's count is hidden). Nothing here computes a statistic or reads an unpublished number.
"""

from __future__ import annotations

import pandas as pd

from .. import disclosure

__all__ = ["ratio_cell", "p_cell", "meaning", "count_cell", "went_on_cell", "pivot_cell", "rates_view",
           "decisions_view", "HIDDEN"]

HIDDEN = "hidden"
_SYMBOL_WORDS = {disclosure.SUPPRESSED: HIDDEN, disclosure.NOT_AVAILABLE: "not available",
                 disclosure.NOT_APPLICABLE: ""}


_is_number = disclosure.is_cell_number


def count_cell(value) -> str:
    """A published count in words: thousands separated, ``hidden`` for ``c``."""
    v = str(value)
    if _is_number(v):
        return f"{float(v.replace(',', '')):,.0f}"
    return _SYMBOL_WORDS.get(v, v)


def ratio_cell(ratio, lower, upper) -> str:
    """'1.33 (1.13 to 1.57)' from published strings; ``hidden``, ``not available`` or blank otherwise."""
    r = str(ratio)
    if not _is_number(r):
        return _SYMBOL_WORDS.get(r, r)
    lo, hi = str(lower), str(upper)
    if _is_number(lo) and _is_number(hi):
        return f"{r} ({lo} to {hi})"
    return r


def p_cell(p) -> str:
    """An adjusted p-value as published ('0.003', '<0.001'); blank for the comparison group, 'not tested'
    where there was no test."""
    v = str(p)
    if v == disclosure.NOT_AVAILABLE:
        return "not tested"
    return _SYMBOL_WORDS.get(v, v)


def meaning(label, hidden_because, ratio, above, below) -> str:
    """What a published comparison means, in words (see the module docstring)."""
    lab = str(label)
    if lab == disclosure.SUPPRESSED:
        why = str(hidden_because)
        if not why or why == "nan":
            return "Hidden"
        return why[0].upper() + why[1:] if why.startswith("hidden") else f"Hidden: {why}"
    if lab == "significantly higher":
        return "Higher (statistically significant)"
    if lab == "significantly lower":
        return "Lower (statistically significant)"
    if lab == "too few to say":
        return "Too few children to say"
    if lab == "reference":
        return "The comparison group"
    if lab == "not available":
        return "No population figures to compare with"
    if lab == "not significant":
        r = float(ratio) if _is_number(ratio) else 1.0
        bound, word = (str(above), "more") if r >= 1 else (str(below), "less")
        if bound == "none":
            return f"No clear difference; no ratio {'above' if r >= 1 else 'below'} 1 could have been detected"
        if _is_number(bound):
            return f"No clear difference; could only have detected {bound} or {word}"
        return "No clear difference"
    return lab


def went_on_cell(going_on, previous, percent) -> str:
    """'250 of 540 (46.3%)' from published strings; ``hidden`` when any is."""
    g, p, pc = str(going_on), str(previous), str(percent)
    if not (_is_number(g) and _is_number(p)):
        return HIDDEN
    share = f" ({pc}%)" if _is_number(pc) else ""
    return f"{count_cell(g)} of {count_cell(p)}{share}"


def pivot_cell(ratio, label) -> str:
    """A ratio for a grid of groups by stage: '1.33, higher' when significantly different, the ratio alone
    otherwise, 'too few' or 'hidden'."""
    r, lab = str(ratio), str(label)
    if r == disclosure.SUPPRESSED or lab == disclosure.SUPPRESSED:
        return HIDDEN
    if lab == "too few to say":
        return "too few"
    if not _is_number(r):
        return _SYMBOL_WORDS.get(r, r)
    if lab == "significantly higher":
        return f"{r}, higher"
    if lab == "significantly lower":
        return f"{r}, lower"
    return r


def rates_view(t: pd.DataFrame, group_header: str, count_header: str) -> pd.DataFrame:
    """A published rates table (one stage) as the page shows it."""
    return pd.DataFrame({
        group_header: t["group"].to_numpy(),
        count_header: [count_cell(v) for v in t["children"]],
        "Rate per 10,000 children": [_SYMBOL_WORDS.get(str(v), str(v)) for v in t["rate_per_10000"]],
        "Relative rate index (95% interval)": [ratio_cell(*x) for x in zip(t["rri"], t["rri_lower"], t["rri_upper"],
                                                                          strict=True)],
        "Adjusted p-value": [p_cell(v) for v in t["p_adjusted"]],
        "What it means": [meaning(*x) for x in zip(t["label"], t["hidden_because"], t["rri"], t["detectable_ratio_above"],
                                                   t["detectable_ratio_below"], strict=True)],
    })


def decisions_view(t: pd.DataFrame, reference: pd.DataFrame, reference_label: str) -> pd.DataFrame:
    """A published decision-point table as the page shows it: ``reference`` holds the reference group's
    rows (one per decision) for the share of the comparison group that went on."""
    ref_share = {d: (f"{p}%" if _is_number(p) else HIDDEN)
                 for d, p in zip(reference["decision"], reference["percent_going_on"], strict=True)}
    return pd.DataFrame({
        "Decision": t["decision"].to_numpy(),
        "Group": t["group"].to_numpy(),
        "Went on": [went_on_cell(*x) for x in zip(t["children_going_on"], t["children_at_previous_stage"],
                                                  t["percent_going_on"], strict=True)],
        f"{reference_label[0].upper()}{reference_label[1:]} who went on": [ref_share.get(d, "") for d in t["decision"]],
        "Ratio (95% interval)": [ratio_cell(*x) for x in zip(t["ratio"], t["ratio_lower"], t["ratio_upper"], strict=True)],
        "Adjusted p-value": [p_cell(v) for v in t["p_adjusted"]],
        "What it means": [meaning(*x) for x in zip(t["label"], t["hidden_because"], t["ratio"], t["detectable_ratio_above"],
                                                   t["detectable_ratio_below"], strict=True)],
    })
