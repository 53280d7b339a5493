"""The scorecard's year view for the annual book: each indicator in a financial year against the year before.

The book computes the scorecard at the year's fourth quarter (its rolling twelve months are the
financial year) and at the fourth quarter of the year before, and these functions set the two side by
side as the scorecard publishes them (disclosure-controlled, rounded); nothing here computes a statistic.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import disclosure
from ..periods import parse_period
from .publish import fmt, published_table

__all__ = ["MAX_KEY_INDICATORS", "scorecard_year_on_year", "percentage_indicators", "key_indicators",
           "quarterly_trend", "year_on_year_summary", "percentages_alt", "trend_alt", "year_sentences"]

MAX_KEY_INDICATORS = 9


number = disclosure.cell_number  # a published cell as a number (NaN for a symbol)


_is_number = disclosure.is_cell_number


def scorecard_year_on_year(sc, previous) -> pd.DataFrame:
    """Each indicator's value for the financial year (``sc`` at the year's Q4) beside the previous year's.

    The year's value is the scorecard's rolling twelve months at Q4 for events and its value at 31 March
    for a stock (a number of children at a date), each as the scorecard publishes it (disclosure-controlled,
    rounded). ``change`` is this year minus the previous year, from the unrounded values, shown only where
    both years are; ``direction`` is ``better``/``worse`` given the indicator's polarity (``higher``/``lower``
    when it has none, ``no change`` when the change rounds to zero). England, the comparison with it and
    the RAG rating are the scorecard's at the year end.
    """

    pub, pub0 = published_table(sc), published_table(previous)
    prev_pos = {r.indicator.id: i for i, r in enumerate(previous)}
    rows = []
    for i, r in enumerate(sc):
        ind = r.indicator
        j = prev_pos.get(ind.id)
        col = "value" if r.is_stock else "rolling_12_months"
        now = pub.at[i, col]
        then = pub0.at[j, col] if j is not None else disclosure.NOT_AVAILABLE
        now_v = r.comparable["value"] if r.comparable is not None else np.nan
        then_v = (previous.results[ind.id].comparable["value"] if j is not None
                  and previous.results[ind.id].comparable is not None else np.nan)
        if _is_number(now) and _is_number(then) and np.isfinite(now_v) and np.isfinite(then_v):
            change = fmt(now_v - then_v, ind.decimals)
            if float(change) == 0:
                direction = "no change"
            elif ind.polarity == "neither":
                direction = "higher" if now_v > then_v else "lower"
            else:
                up = now_v > then_v
                direction = "better" if up == (ind.polarity == "higher_is_better") else "worse"
        else:
            change = disclosure.SUPPRESSED if disclosure.SUPPRESSED in (now, then) else disclosure.NOT_AVAILABLE
            direction = change
        target_met = disclosure.NOT_APPLICABLE
        if ind.target is not None:
            if _is_number(now):
                v = float(now_v)
                target_met = "yes" if (v >= ind.target if ind.polarity == "higher_is_better" else v <= ind.target) else "no"
            else:
                target_met = now if now in (disclosure.SUPPRESSED, disclosure.NOT_AVAILABLE) else disclosure.NOT_AVAILABLE
        bench = pub.at[i, "benchmark_measure"] != "" and r.benchmark.get("status") == "ok"
        rows.append({
            "indicator_id": ind.id, "title": ind.title, "short_title": ind.label, "agency": ind.agency,
            "statistic": ind.statistic,
            "unit": ind.unit, "polarity": ind.polarity,
            "year_basis": f"at {sc.period.end:%-d %B %Y}" if r.is_stock else f"{sc.period.financial_year} (April to March)",
            "value_previous_year": then if then != "" else disclosure.NOT_AVAILABLE,
            "value_year": now if now != "" else disclosure.NOT_AVAILABLE,
            "change": change, "direction": direction,
            "target": pub.at[i, "target"] or disclosure.NOT_APPLICABLE, "target_met_in_year": target_met,
            "england": pub.at[i, "england"] if bench else disclosure.NOT_APPLICABLE,
            "england_year": pub.at[i, "benchmark_year"] if bench else disclosure.NOT_APPLICABLE,
            "compared_with_england": pub.at[i, "better_worse_england"] if bench else disclosure.NOT_APPLICABLE,
            "rag_year_end": pub.at[i, "rag"], "rag_reason": pub.at[i, "rag_reason"],
            "status": pub.at[i, "status"], "status_reason": pub.at[i, "status_reason"],
        })
    current = {r.indicator.id for r in sc}
    for j, r in enumerate(previous):  # indicators retired during the year: shown for the year before only
        ind = r.indicator
        if ind.id in current:
            continue
        z = disclosure.NOT_APPLICABLE
        rows.append({
            "indicator_id": ind.id, "title": ind.title, "short_title": ind.label, "agency": ind.agency,
            "statistic": ind.statistic, "unit": ind.unit, "polarity": ind.polarity,
            "year_basis": f"retired before {sc.period.end:%-d %B %Y}",
            "value_previous_year": pub0.at[j, "value" if r.is_stock else "rolling_12_months"] or disclosure.NOT_AVAILABLE,
            "value_year": z, "change": z, "direction": "retired", "target": pub0.at[j, "target"] or z,
            "target_met_in_year": z, "england": z, "england_year": z, "compared_with_england": z,
            "rag_year_end": "grey", "rag_reason": "Retired from the scorecard during the year.",
            "status": "retired", "status_reason": "no longer on the scorecard at the year end",
        })
    return pd.DataFrame(rows)


def percentage_indicators(yoy: pd.DataFrame) -> pd.DataFrame:
    """The percentage indicators of :func:`scorecard_year_on_year` shown in at least one year, for the chart."""
    t = yoy[(yoy["statistic"] == "percentage") & (yoy["status"] == "published")]
    t = t[t["value_year"].map(_is_number) | t["value_previous_year"].map(_is_number)]
    out = t[["indicator_id", "title", "polarity", "value_previous_year", "value_year", "change", "direction",
             "england"]].copy()
    out.insert(1, "label", out["indicator_id"] + " " + t["short_title"].to_numpy())
    out["england"] = out["england"].where(out["england"].map(_is_number), "")
    return out.reset_index(drop=True)


def key_indicators(sc, limit: int = MAX_KEY_INDICATORS) -> list[str]:
    """The indicators compared with England (the published DfE measures), in registry order; if none,
    the first published indicators."""
    ok = [r for r in sc if r.status == "ok" and r.quarters is not None]
    keys = [r.indicator.id for r in ok if (r.benchmark or {}).get("status") == "ok"]
    return (keys or [r.indicator.id for r in ok])[:limit]


def quarterly_trend(sc, indicators: Sequence[str], quarters: int = 8) -> pd.DataFrame:
    """The quarterly values of ``indicators`` over the ``quarters`` quarters to ``sc.period``, as published.

    Each quarter's value is the scorecard's (rates of events annualised), shown as ``c`` where its
    numerator (or counted denominator) is from 1 to the threshold (``disclosure.publish_table``), rounded
    to the indicator's decimals; counts and denominators are not published here. ``england`` is England's
    latest published value where the indicator has a comparable measure.
    """

    pub = published_table(sc)
    t = int(getattr(sc.config, "suppression_threshold", 5) or 5) if sc.config is not None else 5
    labels = [p.label for p in sc.period.rolling_quarters(quarters)]
    frames = []
    for r in sc:
        ind = r.indicator
        if ind.id not in indicators or r.status != "ok" or r.quarters is None:
            continue
        q = r.quarters.set_index("label").reindex(labels).reset_index()
        q = q.rename(columns={"index": "label"}) if "label" not in q.columns else q
        p = disclosure.publish_table(q[["label", "numerator", "denominator", "value"]], ["numerator", "denominator"],
                            {"value": ["numerator", "denominator"]}, threshold=t, decimals=ind.decimals).table
        i = list(sc.results).index(ind.id)
        bench = (r.benchmark or {}).get("status") == "ok"
        frames.append(pd.DataFrame({
            "indicator_id": ind.id, "label": ind.label, "unit": ind.unit or "",
            "financial_year": [str(parse_period(x).financial_year) for x in labels],
            "quarter": labels, "value": p["value"].to_numpy(),
            "england": pub.at[i, "england"] if bench else "",
        }))
    order = {k: n for n, k in enumerate(indicators)}
    frames.sort(key=lambda f: order[f["indicator_id"].iloc[0]])
    cols = ["indicator_id", "label", "unit", "financial_year", "quarter", "value", "england"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)





def _rag_words(yoy: pd.DataFrame) -> str:
    by = yoy["rag_year_end"].value_counts()
    return ", ".join(f"{int(by.get(c, 0))} {c}" for c in ("red", "amber", "green", "grey"))


def percentages_alt(t: pd.DataFrame, fy: str, py: str) -> str:
    text = (f"Dumbbell chart of {len(t)} percentage indicators on a scale of 0 to 100%, one row each, with an arrow "
            f"from the value in {py} (grey) to the value in {fy} (blue) and England's latest published value as an "
            "orange mark where there is one. ")
    ch = t.assign(c=t["change"].map(number)).dropna(subset=["c"])
    better, worse = ch[ch["direction"] == "better"], ch[ch["direction"] == "worse"]
    if len(better):
        b = better.loc[better["c"].abs().idxmax()]
        text += (f"The largest improvement: {b['label']}, {b['value_previous_year']}% to {b['value_year']}%. ")
    if len(worse):
        w = worse.loc[worse["c"].abs().idxmax()]
        text += f"The largest deterioration: {w['label']}, {w['value_previous_year']}% to {w['value_year']}%. "
    n_c = int(((t["value_year"] == "c") | (t["value_previous_year"] == "c")).sum())
    if n_c:
        text += f"{n_c} value{'s are' if n_c > 1 else ' is'} suppressed and marked c."
    return text.strip()


def trend_alt(t: pd.DataFrame) -> str:
    ids = list(dict.fromkeys(t["indicator_id"]))
    quarters = list(dict.fromkeys(t["quarter"]))
    parts = []
    for i in ids:
        s = t[t["indicator_id"] == i]
        first, last = s.iloc[0], s.iloc[-1]
        eng = f", England {last['england']}" if last["england"] else ""
        parts.append(f"{i} {first['label']}: {first['value']} in {first['quarter']} and {last['value']} in "
                     f"{last['quarter']}{eng}")
    n_c = int((t["value"] == "c").sum())
    return (f"Small multiples of {len(ids)} indicators, each a line of its quarterly values from {quarters[0]} to "
            f"{quarters[-1]} (rates of events annualised), a dotted line at the start of each financial year and "
            "England's latest published annual value as a dashed orange line. " + "; ".join(parts) + "."
            + (f" {n_c} quarterly values are suppressed and marked c." if n_c else ""))


def year_sentences(yoy: pd.DataFrame, fy: str, py: str) -> list[str]:
    out = []
    judged = yoy[yoy["direction"].isin(["better", "worse"])]
    for word in ("better", "worse"):
        sub = judged[judged["direction"] == word]
        if len(sub):
            out.append(f"Moved in the {word} direction between {py} and {fy}: " + "; ".join(
                f"{r.indicator_id} {r.title} ({r.value_previous_year} to {r.value_year})" for r in sub.itertuples())
                + ".")
    for word in ("better", "worse"):
        sub = yoy[yoy["compared_with_england"] == word]
        if len(sub):
            out.append(f"Significantly {word} than England (95%, England's latest published year) in {fy}: "
                       + ", ".join(f"{r.indicator_id} {r.title}" for r in sub.itertuples()) + ".")
    red = yoy[yoy["rag_year_end"] == "red"]
    out.append(f"RAG ratings at the year end: {_rag_words(yoy)}"
               + (". Red: " + ", ".join(f"{r.indicator_id} {r.title}" for r in red.itertuples()) if len(red) else "")
               + ".")
    blocked = yoy[yoy["status"] != "published"]
    if len(blocked):
        out.append("Not published for the year: " + "; ".join(f"{r.indicator_id} ({r.status_reason})"
                                                              for r in blocked.itertuples()) + ".")
    return out


def year_on_year_summary(yoy: pd.DataFrame, fy: str, py: str, year_end) -> str:
    """One sentence about the year-on-year table, from its numbers."""
    n_pub = int((yoy["status"] == "published").sum())
    judged = yoy[yoy["direction"].isin(["better", "worse"])]
    return (f"{len(yoy)} indicators, {n_pub} published for {fy}; of those with a preferred direction and a value shown "
            f"in both years, {int((judged['direction'] == 'better').sum())} moved in the better direction and "
            f"{int((judged['direction'] == 'worse').sum())} in the worse direction since {py}. RAG ratings at "
            f"{year_end:%-d %B %Y}: " + _rag_words(yoy) + ".")
