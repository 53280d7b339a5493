"""Why the scorecard's figure and DfE's published figure for the authority differ, in words."""

from __future__ import annotations

from .rag import fmt_value

__all__ = ["reconciliation_sentence"]


def reconciliation_sentence(r, local: str, published: str) -> str:
    """Why the scorecard's figure and DfE's published figure for the authority differ, in one or two sentences.

    Both are for the year DfE last published (ending 31 March); the scorecard itself compares the latest
    twelve months (or the period end) with England and ranks it among the neighbours' published figures,
    while the benchmarking page shows DfE's own figure for the authority.
    """
    b = r.benchmark
    ind = r.indicator
    year, la = b["year"], b.get("la_name", "the authority")
    try:
        lv, pv = float(local), float(published)
    except ValueError:
        return (f"For the year ending 31 March {year} DfE published {published} for {la}; the partnership's own "
                "figure for that year cannot be shown (too small to publish, or before the extract begins).")
    gap = (lv - pv) / pv * 100 if pv else float("nan")
    text = (f"For the year ending 31 March {year} DfE published {fmt_value(ind, pv, b.get('decimals'))} for {la} "
            f"and the partnership's own records give {fmt_value(ind, lv, b.get('decimals'))}")
    if abs(gap) < 5:
        text += ", within 5% of each other."
    else:
        text += (f", {abs(gap):.0f}% {'higher' if gap > 0 else 'lower'}: DfE counts from the return the council made "
                 "after the year end, while the local figure is from today's records, which include late entries and "
                 "corrections, and counting rules can differ.")
    if "(demo)" in str(getattr(getattr(r, "config", None), "name", "")):
        text += " The demo partnership's records are synthetic, so they are not expected to match the published figure."
    text += (f" The scorecard compares the latest figure ({b['value_label']}) with England and ranks it among the "
             "neighbours' published figures; the benchmarking page shows DfE's published figures.")
    return text
