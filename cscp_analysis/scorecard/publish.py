"""The scorecard as tables: unrounded for analysis, disclosure-controlled for the evidence pack.

:func:`scorecard_frame` gives one row per indicator with every number unrounded and unsuppressed
(never written to the pack). :func:`published_table` gives the tidy, disclosure-controlled table the
pack publishes (``tables/scorecard.csv``), and :func:`published_series` the SPC series behind the
charts.

Disclosure (DESIGN §5, ``cscp_analysis.disclosure``): a count of children or events from 1 to the
threshold (5) is shown as ``c``, and so is every value, interval and rate derived from it (the
quarter's value rests on its numerator and, for a percentage or median, on its denominator or number
of cases; a population denominator is never small). Secondary suppression, so that no suppressed count
can be recovered by subtraction: in a series of monthly counts or rates of events, a quarter with
exactly one suppressed month has its next smallest month suppressed too; the rolling-twelve-month
count or rate is suppressed when exactly one of its quarters is suppressed. Blocked indicators show
``x`` (not available) with the reason, never a number. Values are rounded once, here, to the
indicator's decimals (percentages and rates one decimal place).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .measures import MEASURES

__all__ = ["scorecard_frame", "published_table", "published_series", "PUBLISHED_COLUMNS", "definitions_table",
           "commentary_table", "fmt"]

PUBLISHED_COLUMNS = [
    "period", "indicator_id", "title", "agency", "priority", "lens", "statistic", "unit", "polarity",
    "value", "lower_ci", "upper_ci", "numerator", "denominator",
    "previous_quarter", "same_quarter_last_year", "rolling_12_months",
    "target", "target_status",
    "benchmark_measure", "benchmark_year", "benchmark_value", "england", "west_midlands", "sn_median",
    "comparison_england_95", "comparison_england_99_8", "better_worse_england", "comparison_sn_median_95",
    "sn_rank", "sn_ranked", "sn_quartile", "benchmark_note",
    "rag", "rag_reason", "spc_frequency", "spc_point_type", "spc_variation", "spc_assurance", "spc_note",
    "commentary_status", "commentary", "status", "status_reason",
]


def _num(row, col):
    if row is None:
        return math.nan
    v = row[col]
    return math.nan if v is None or pd.isna(v) else float(v)


def scorecard_frame(sc) -> pd.DataFrame:
    """One row per indicator, unrounded and unsuppressed (internal use only)."""
    rows = []
    for r in sc:
        ind = r.indicator
        cur, prev, ly, roll = r.current, r.previous, r.last_year, r.twelve_months
        b = r.benchmark or {}
        s = r.spc_summary or {}
        rows.append({
            "period": sc.period.label, "indicator_id": ind.id, "title": ind.title, "agency": ind.agency,
            "priority": ind.priority, "lens": ind.lens, "statistic": ind.statistic, "unit": ind.unit,
            "polarity": ind.polarity,
            "value": _num(cur, "value"), "lower_ci": _num(cur, "lower_ci"), "upper_ci": _num(cur, "upper_ci"),
            "lower_998": _num(cur, "lower_998"), "upper_998": _num(cur, "upper_998"),
            "numerator": _num(cur, "numerator"), "denominator": _num(cur, "denominator"),
            "note": "" if cur is None else cur["note"],
            "previous_quarter": _num(prev, "value"), "previous_numerator": _num(prev, "numerator"),
            "previous_denominator": _num(prev, "denominator"),
            "same_quarter_last_year": _num(ly, "value"), "last_year_numerator": _num(ly, "numerator"),
            "last_year_denominator": _num(ly, "denominator"),
            "rolling_12_months": _num(roll, "value"), "rolling_numerator": _num(roll, "numerator"),
            "rolling_denominator": _num(roll, "denominator"),
            "target": ind.target, "target_status": r.target_status,
            "benchmark_measure": ind.benchmark or "", "benchmark_year": b.get("year"),
            "benchmark_value": b.get("value", math.nan), "england": b.get("england", math.nan),
            "west_midlands": b.get("region", math.nan), "sn_median": b.get("sn_median", math.nan),
            "comparison_england_95": b.get("vs_england_95", ""), "comparison_england_99_8": b.get("vs_england_998", ""),
            "better_worse_england": b.get("vs_england_95_polarity", ""),
            "comparison_sn_median_95": b.get("vs_sn_95", ""),
            "sn_rank": b.get("rank"), "sn_ranked": b.get("n"), "sn_quartile": b.get("quartile"),
            "benchmark_note": b.get("caveat", b.get("note", "")),
            "rag": r.rag, "rag_reason": r.rag_reason, "spc_frequency": r.spc_frequency,
            "spc_point_type": s.get("latest_point_type", ""), "spc_variation": s.get("variation", ""),
            "spc_assurance": s.get("assurance", ""), "spc_note": s.get("note", ""),
            "commentary_status": r.commentary_status, "commentary": r.commentary,
            "status": "published" if r.status == "ok" else "not published", "status_reason": r.reason,
            "population_note": r.population_note,
        })
    return pd.DataFrame(rows)


def fmt(value, decimals: int) -> str:
    """A number rounded half away from zero to ``decimals`` places, as text ('' when missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    from ..benchmarking import round_half_up

    v = round_half_up(float(value), decimals)
    return f"{v:.{decimals}f}"


def _small(v, t: int) -> bool:
    return v is not None and not (isinstance(v, float) and math.isnan(v)) and 1 <= v <= t


def _den_counted(ind) -> bool:
    return bool(ind.denominator) and MEASURES[ind.denominator.split(":", 1)[0]].kind != "population"


def _sums_of_months(ind) -> bool:
    """Whether a quarter's or year's value is the sum of its parts (counts and rates of events), so that
    a suppressed part could be recovered by subtraction."""
    return ind.statistic in ("count", "rate") and MEASURES[ind.numerator.split(":", 1)[0]].time == "flow"


def _series_suppression(r, t: int) -> pd.DataFrame | None:
    """The SPC series with a ``suppressed`` flag (primary and secondary)."""
    if r.spc is None:
        return None
    s = r.spc.copy()
    ind = r.indicator
    sup = s["numerator"].map(lambda v: _small(v, t)).to_numpy(dtype=bool)
    if _den_counted(ind):
        sup |= s["denominator"].map(lambda v: _small(v, t)).to_numpy(dtype=bool)
    if _sums_of_months(ind) and r.spc_frequency == "monthly":
        quarter = pd.PeriodIndex(pd.to_datetime(s["end"]), freq="Q-MAR")
        for q in np.unique(quarter.astype(str)):  # tens of quarters
            idx = np.flatnonzero(quarter.astype(str) == q)
            if sup[idx].sum() == 1 and len(idx) > 1:
                others = [i for i in idx if not sup[i]]
                j = min(others, key=lambda i: (s["numerator"].iloc[i], i))
                sup[j] = True
    s["suppressed"] = sup
    return s


def published_table(sc, threshold: int | None = None) -> pd.DataFrame:
    """The disclosure-controlled scorecard (columns :data:`PUBLISHED_COLUMNS`; numbers as text)."""
    t = threshold if threshold is not None else (getattr(sc.config, "suppression_threshold", 5) if sc.config else 5)
    f = scorecard_frame(sc)
    out = []
    for r, (_, row) in zip(sc, f.iterrows()):  # one row per indicator (tens), not per child
        ind = r.indicator
        d = ind.decimals
        rec = {c: row.get(c, "") for c in PUBLISHED_COLUMNS}
        if r.status != "ok":
            for c in ("value", "lower_ci", "upper_ci", "numerator", "denominator", "previous_quarter",
                      "same_quarter_last_year", "rolling_12_months", "benchmark_value"):
                rec[c] = "x"
            out.append(rec)
            continue
        den_counted = _den_counted(ind)

        def sup(num, den):  # for a median, the numerator is the number of cases
            return _small(num, t) or (den_counted and _small(den, t))

        cur_sup = sup(row["numerator"], row["denominator"])
        prev_sup = sup(row["previous_numerator"], row["previous_denominator"])
        ly_sup = sup(row["last_year_numerator"], row["last_year_denominator"])
        roll_sup = sup(row["rolling_numerator"], row["rolling_denominator"])
        if _sums_of_months(ind) and not r.is_stock:
            # secondary: the twelve months less three published quarters would give a suppressed quarter
            parts = [r._q(-k) for k in range(4)]
            n_sup = sum(1 for p in parts if p is not None and sup(p["numerator"], p["denominator"]))
            roll_sup = roll_sup or n_sup == 1
        rec["value"] = "c" if cur_sup else fmt(row["value"], d)
        rec["lower_ci"] = "c" if cur_sup else fmt(row["lower_ci"], d)
        rec["upper_ci"] = "c" if cur_sup else fmt(row["upper_ci"], d)
        rec["numerator"] = "c" if _small(row["numerator"], t) else fmt(row["numerator"], 0)
        if ind.statistic in ("median_days", "count"):
            rec["denominator"] = ""
        elif _den_counted(ind):
            rec["denominator"] = "c" if _small(row["denominator"], t) else fmt(row["denominator"], 0)
        else:
            rec["denominator"] = fmt(row["denominator"], 0)
        rec["previous_quarter"] = "c" if prev_sup else fmt(row["previous_quarter"], d)
        rec["same_quarter_last_year"] = "c" if ly_sup else fmt(row["same_quarter_last_year"], d)
        rec["rolling_12_months"] = "c" if roll_sup else fmt(row["rolling_12_months"], d)
        b = r.benchmark or {}
        bd = b.get("decimals", d)
        comp_sup = roll_sup if not r.is_stock else cur_sup
        rec["benchmark_value"] = ("c" if comp_sup else fmt(row["benchmark_value"], d)) if b.get("status") == "ok" else ""
        for c in ("england", "west_midlands", "sn_median"):
            rec[c] = fmt(row[c], bd) if b.get("status") == "ok" else ""
        if comp_sup:
            for c in ("comparison_england_95", "comparison_england_99_8", "better_worse_england",
                      "comparison_sn_median_95", "sn_rank", "sn_quartile", "sn_ranked"):
                rec[c] = ""
        rec["target"] = "" if ind.target is None else fmt(ind.target, d)
        for c in ("sn_rank", "sn_ranked", "sn_quartile", "benchmark_year"):
            v = rec[c]
            rec[c] = "" if v is None or (isinstance(v, float) and math.isnan(v)) or v == "" else str(int(v))
        out.append(rec)
    return pd.DataFrame(out, columns=PUBLISHED_COLUMNS)


def published_series(sc, threshold: int | None = None) -> pd.DataFrame:
    """The SPC series of every indicator, long and disclosure-controlled: ``indicator_id, label, value``
    (text, ``c`` when suppressed), ``mean, lpl, upl`` (rounded), ``point_type``, ``suppressed``."""
    t = threshold if threshold is not None else (getattr(sc.config, "suppression_threshold", 5) if sc.config else 5)
    frames = []
    for r in sc:
        s = _series_suppression(r, t)
        if s is None:
            continue
        d = r.indicator.decimals
        frames.append(pd.DataFrame({
            "indicator_id": r.indicator.id,
            "frequency": r.spc_frequency,
            "label": s["label"].astype(str).to_numpy(),
            "value": ["c" if x else fmt(v, d) for v, x in zip(s["value"], s["suppressed"])],
            "mean": [fmt(v, d + 1) for v in s["mean"]],
            "lower_process_limit": [fmt(v, d + 1) for v in s["lpl"]],
            "upper_process_limit": [fmt(v, d + 1) for v in s["upl"]],
            "point_type": s["point_type"].astype(str).to_numpy(),
            "suppressed": s["suppressed"].to_numpy(dtype=bool),
        }))
    cols = ["indicator_id", "frequency", "label", "value", "mean", "lower_process_limit", "upper_process_limit",
            "point_type", "suppressed"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


def definitions_table(indicators) -> pd.DataFrame:
    """The registry as a table (definitions with sources), for the pack."""
    return pd.DataFrame([i.describe() for i in indicators])


def commentary_table(sc) -> pd.DataFrame:
    """Each indicator's commentary from its owning agency, flagged when missing."""
    rows = []
    for r in sc:
        rows.append({"indicator_id": r.indicator.id, "title": r.indicator.title, "agency": r.indicator.agency,
                     "commentary_status": r.commentary_status,
                     "commentary": r.commentary if r.commentary else
                     ("MISSING: no commentary received for the quarter" if r.commentary_status == "missing" else "")})
    return pd.DataFrame(rows)
