"""The scorecard as tables: unrounded for analysis, disclosure-controlled for the evidence pack.

:func:`scorecard_frame` gives one row per indicator with every number unrounded and unsuppressed
(never written to the pack). :func:`published_table` gives the tidy, disclosure-controlled table the
pack publishes (``tables/scorecard.csv``), and :func:`published_series` the SPC series behind the
charts.

Disclosure (docs/architecture.md §5, ``cscp_analysis.disclosure``): a count of children or events from 1 to the
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

__all__ = [
    "rag_changes_table","scorecard_frame", "published_table", "published_series", "PUBLISHED_COLUMNS", "definitions_table",
           "commentary_table", "fmt", "suppression_flags", "set_aside_words"]

PUBLISHED_COLUMNS = [
    "period", "indicator_id", "title", "agency", "priority", "lens", "statistic", "unit", "period_basis", "polarity",
    "value", "value_in_quarter", "lower_ci", "upper_ci", "numerator", "denominator",
    "previous_quarter", "same_quarter_last_year", "rolling_12_months",
    "target", "target_status",
    "benchmark_measure", "benchmark_year", "benchmark_value", "england", "west_midlands", "sn_median",
    "comparison_england_95", "comparison_england_99_8", "better_worse_england", "comparison_sn_median_95",
    "sn_rank", "sn_ranked", "sn_quartile", "benchmark_note", "published_for_authority", "local_same_year",
    "reconciliation",
    "rag", "rag_reason", "spc_frequency", "spc_point_type", "spc_variation", "spc_assurance", "spc_note",
    "commentary_status", "commentary", "commentary_flag", "status", "status_reason", "set_aside",
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
            "priority": ind.priority_at(sc.period), "lens": ind.lens, "statistic": ind.statistic, "unit": ind.unit,
            "period_basis": period_basis(r), "polarity": ind.polarity,
            "value": _num(cur, "value"), "value_in_quarter": _num(cur, "value") / 4 if _annualised(r) else math.nan, "lower_ci": _num(cur, "lower_ci"), "upper_ci": _num(cur, "upper_ci"),
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
            "published_for_authority": b.get("la_published", math.nan), "local_same_year": b.get("local_same_year", math.nan),
            "reconciliation": "",
            "rag": r.rag, "rag_reason": r.rag_reason, "spc_frequency": r.spc_frequency,
            "spc_point_type": s.get("latest_point_type", ""), "spc_variation": s.get("variation", ""),
            "spc_assurance": s.get("assurance", ""), "spc_note": s.get("note", ""),
            "commentary_status": r.commentary_status, "commentary": r.commentary,
            "commentary_flag": r.commentary_flag,
            "status": "published" if r.status == "ok" else "not published", "status_reason": r.reason,
            "set_aside": set_aside_words(r),
            "population_note": r.population_note,
        })
    return pd.DataFrame(rows)


def set_aside_words(res, short: bool = False) -> str:
    """What an indicator leaves out because validation set rows of its tables aside (``res.set_aside``), in
    words: "Leaves out rows set aside at validation: 5 of 17,620 children's records, 8 of 24,160 referrals."
    (``short``: without the lead-in). "" when nothing was set aside."""
    from ..returns.page_notes import rows_words

    parts = [f"{sa.n:,} of {sa.total:,} {rows_words(t)[0]}"
             for t, sa in (getattr(res, "set_aside", None) or {}).items() if sa.n]
    if not parts:
        return ""
    listed = ", ".join(parts)
    return f"{listed} set aside at validation" if short else f"Leaves out rows set aside at validation: {listed}."


def _annualised(res) -> bool:
    """A rate of events counted in a quarter and shown a year (× 4), as DfE publishes annual rates."""
    ind = res.indicator
    return ind.statistic == "rate" and MEASURES[ind.numerator.split(":", 1)[0]].time == "flow"


def period_basis(res) -> str:
    """What period the value covers, in words: a rate of events a year, a share of the quarter's events,
    a number at the period end."""
    from ..periods import day_words

    ind = res.indicator
    if res.is_stock:
        return f"at {day_words(res.period.end)}"
    if _annualised(res):
        return "a year (the quarter × 4)"
    if ind.statistic == "percentage":
        return "of those in the quarter"
    if ind.statistic == "median_days":
        return "of those completed in the quarter"
    return "in the quarter"


def fmt(value, decimals: int) -> str:
    """A number rounded half away from zero to ``decimals`` places, as text ('' when missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    from ..disclosure import round_half_up

    v = round_half_up(float(value), decimals)
    return f"{v:.{decimals}f}"


def _small(v, t: int) -> bool:
    return bool(v is not None and not pd.isna(v) and 1 <= v <= t)


def _den_counted(ind) -> bool:
    return bool(ind.denominator) and MEASURES[ind.denominator.split(":", 1)[0]].kind != "population"


def _sums_of_parts(ind) -> bool:
    """Whether a quarter's or year's value is the sum of its parts (counts and rates of events), so that
    a suppressed part could be recovered by subtraction."""
    return ind.statistic in ("count", "rate") and MEASURES[ind.numerator.split(":", 1)[0]].time == "flow"


def suppression_flags(res, threshold: int = 5) -> dict[str, bool]:
    """Which of an indicator's published values are suppressed: ``current``, ``previous``, ``last_year``,
    ``rolling`` and ``comparable`` (the value compared with benchmarks). Primary: the value's numerator
    (for a median, its number of cases) or counted denominator is from 1 to ``threshold``. Secondary:
    a rolling twelve-month count or rate of events is suppressed when exactly one of its four quarters is
    (it could otherwise be recovered by subtraction)."""
    ind = res.indicator
    den_counted = _den_counted(ind)
    if getattr(res, "counts_as_they_are", False):  # the partnership's own work, in the board's pack
        return dict.fromkeys(("current", "previous", "last_year", "rolling", "comparable"), False)

    def sup(row) -> bool:
        return bool(row is not None and (_small(row["numerator"], threshold) or
                                         (den_counted and _small(row["denominator"], threshold))))

    flags = {"current": sup(res.current), "previous": sup(res.previous), "last_year": sup(res.last_year),
             "rolling": sup(res.twelve_months)}
    if _sums_of_parts(ind) and res.quarters is not None:
        n = sum(1 for k in range(4) if sup(res._q(-k)))
        flags["rolling"] = flags["rolling"] or n == 1
    flags["comparable"] = flags["current"] if res.is_stock else flags["rolling"]
    return flags


_COUNT_COLUMNS = ["numerator", "denominator", "previous_numerator", "previous_denominator", "last_year_numerator",
                  "last_year_denominator", "rolling_numerator", "rolling_denominator", "comparable_numerator",
                  "comparable_denominator"]
_DERIVED = {
    "value": ["numerator", "denominator"], "value_in_quarter": ["numerator", "denominator"], "lower_ci": ["numerator", "denominator"],
    "upper_ci": ["numerator", "denominator"],
    "previous_quarter": ["previous_numerator", "previous_denominator"],
    "same_quarter_last_year": ["last_year_numerator", "last_year_denominator"],
    "rolling_12_months": ["rolling_numerator", "rolling_denominator"],
    "benchmark_value": ["comparable_numerator", "comparable_denominator"],
}
_FROM_COMPARABLE = ["comparison_england_95", "comparison_england_99_8", "better_worse_england",
                    "comparison_sn_median_95", "sn_rank", "sn_ranked", "sn_quartile"]


def published_table(sc, threshold: int | None = None) -> pd.DataFrame:
    """The disclosure-controlled scorecard (columns :data:`PUBLISHED_COLUMNS`; numbers as text).

    Suppression and rounding by :func:`cscp_analysis.disclosure.publish_table` (counts 1 to the
    threshold and every value derived from them shown as ``c``; missing as ``x``; a denominator that
    does not apply, as for a count, as ``z``), then the secondary rule of :func:`suppression_flags`,
    checked with :func:`cscp_analysis.disclosure.check_disclosure` before it is returned.
    """
    from .. import disclosure

    t = threshold if threshold is not None else (getattr(sc.config, "suppression_threshold", 5) if sc.config else 5)
    f = scorecard_frame(sc).reset_index(drop=True)
    results = list(sc)
    stock = np.array([r.is_stock for r in results], dtype=bool)
    f["comparable_numerator"] = np.where(stock, f["numerator"], f["rolling_numerator"])
    f["comparable_denominator"] = np.where(stock, f["denominator"], f["rolling_denominator"])
    no_den = f["statistic"].isin(["count", "median_days"]).to_numpy()
    f.loc[no_den, [c for c in _COUNT_COLUMNS if c.endswith("denominator")]] = np.nan
    decimals = np.array([r.indicator.decimals for r in results])
    as_they_are = np.array([r.counts_as_they_are for r in results], dtype=bool)
    parts = []
    for d, own in sorted(set(zip(decimals.tolist(), as_they_are.tolist(), strict=True))):  # blocks by decimal places
        block = f[(decimals == d) & (as_they_are == own)]
        na = pd.DataFrame(False, index=block.index, columns=block.columns)
        for c in _COUNT_COLUMNS:
            if c.endswith("denominator"):
                na[c] = block["statistic"].isin(["count", "median_days"]).to_numpy()
        pub = disclosure.publish_table(block, counts=_COUNT_COLUMNS, derived=_DERIVED, threshold=t, decimals=int(d),
                                       not_applicable=na, suppress=not own)
        parts.append(pub.table)
    out = pd.concat(parts).sort_index()
    for i, r in enumerate(results):  # tens of indicators: secondary rule, benchmarks, blocked rows
        ind = r.indicator
        flags = suppression_flags(r, t)
        if flags["rolling"]:
            out.at[i, "rolling_12_months"] = disclosure.SUPPRESSED
        if flags["comparable"] and r.benchmark.get("status") == "ok":
            out.at[i, "benchmark_value"] = disclosure.SUPPRESSED
            for c in _FROM_COMPARABLE:
                out.at[i, c] = disclosure.SUPPRESSED
        b = r.benchmark or {}
        bd = b.get("decimals", ind.decimals)
        for c in ("england", "west_midlands", "sn_median"):
            out.at[i, c] = fmt(f.at[i, c], bd) if b.get("status") == "ok" else ""
        if b.get("status") != "ok":
            out.at[i, "benchmark_value"] = ""
        out.at[i, "target"] = "" if ind.target is None else fmt(ind.target, ind.decimals)
        if not _annualised(r) and out.at[i, "value_in_quarter"] not in (disclosure.SUPPRESSED,):
            out.at[i, "value_in_quarter"] = disclosure.NOT_APPLICABLE
        elif out.at[i, "value_in_quarter"] not in (disclosure.SUPPRESSED,):
            out.at[i, "value_in_quarter"] = fmt(f.at[i, "value_in_quarter"], ind.decimals + 1)
        _reconcile(out, i, r, f, bd, t)
        for c in ("sn_rank", "sn_ranked", "sn_quartile", "benchmark_year"):
            v = out.at[i, c]
            if v not in (disclosure.SUPPRESSED,):
                out.at[i, c] = "" if v is None or (isinstance(v, float) and math.isnan(v)) or v == "" else str(int(v))
        if ind.statistic == "count":  # a complete count has no interval
            out.at[i, "lower_ci"] = out.at[i, "upper_ci"] = disclosure.NOT_APPLICABLE
        if r.status != "ok":
            for c in list(_DERIVED) + ["numerator", "denominator"]:
                out.at[i, c] = disclosure.NOT_AVAILABLE
    out = out[PUBLISHED_COLUMNS].reset_index(drop=True)
    disclosure.check_disclosure(out[~as_they_are].reset_index(drop=True), counts=["numerator", "denominator"], threshold=t,
                       derived={"value": ["numerator", "denominator"], "lower_ci": ["numerator"],
                                "upper_ci": ["numerator"]})
    return out


def _reconcile(out: pd.DataFrame, i: int, r, f: pd.DataFrame, decimals: int, threshold: int) -> None:
    """The partnership's own figure for DfE's year beside DfE's published figure, and a sentence on why they
    differ (blank where there is no benchmark)."""
    from .. import disclosure
    from .reconcile import reconciliation_sentence

    b = r.benchmark or {}
    if b.get("status") != "ok":
        for c in ("published_for_authority", "local_same_year", "reconciliation"):
            out.at[i, c] = ""
        return
    out.at[i, "published_for_authority"] = fmt(b.get("la_published", math.nan), decimals) or disclosure.NOT_AVAILABLE
    hidden = _small(b.get("local_same_year_numerator"), threshold) and not r.counts_as_they_are
    local = disclosure.SUPPRESSED if hidden else (fmt(b.get("local_same_year", math.nan), decimals)
                                                  or disclosure.NOT_AVAILABLE)
    out.at[i, "local_same_year"] = local
    out.at[i, "reconciliation"] = reconciliation_sentence(r, local, out.at[i, "published_for_authority"])


def own_work_rows(sc) -> list[int]:
    """Rows of the published scorecard whose counts are the partnership's own work shown as they are
    (the board's pack; ``IndicatorResult.counts_as_they_are``)."""
    return [i for i, r in enumerate(sc) if r.counts_as_they_are]


def published_series(sc, threshold: int | None = None) -> pd.DataFrame:
    """The SPC series of every indicator, long and disclosure-controlled: ``indicator_id, frequency,
    chart`` (XmR or run chart), ``label, value`` (text, ``c`` when suppressed, ``x`` for a gap), ``centre``
    (the mean of an XmR chart, the median of a run chart), process limits (rounded; ``z`` on a run chart),
    ``point_type``, ``period_of_process`` (1, 2, ... from each recorded change point), ``change_point``
    (on the first point of each new period, why the partnership recorded the change; limits are
    recalculated from there), ``in_baseline`` (the points the limits were fixed from) and ``suppressed``
    (for the charts to leave as gaps).

    A point is suppressed when its numerator (for a median, its number of cases) or counted denominator
    is from 1 to the threshold (``disclosure.primary_suppression``); for counts and rates of events,
    a quarter with exactly one suppressed month has its next smallest month suppressed too, so that
    the quarter's published value cannot give it away.
    """
    from .. import disclosure
    from .spc import change_points

    t = threshold if threshold is not None else (getattr(sc.config, "suppression_threshold", 5) if sc.config else 5)
    frames = []
    for r in sc:
        if r.spc is None:
            continue
        s = r.spc.reset_index(drop=True)
        ind = r.indicator
        reasons = change_points(ind, s)
        sup = disclosure.primary_suppression(s["numerator"].to_numpy(dtype=float), t)
        if _den_counted(ind):
            sup |= disclosure.primary_suppression(s["denominator"].to_numpy(dtype=float), t)
        if r.counts_as_they_are:  # the partnership's own work, in the board's pack
            sup[:] = False
        small = sup.copy()  # hidden for their own small count ([c]); a month added below protects one ([s])
        if not r.counts_as_they_are and _sums_of_parts(ind) and r.spc_frequency == "monthly":
            quarter = pd.PeriodIndex(pd.to_datetime(s["end"]), freq="Q-MAR").astype(str)
            for q in pd.unique(quarter):  # tens of quarters
                idx = np.flatnonzero(quarter == q)
                if sup[idx].sum() == 1 and len(idx) > 1:
                    others = [i for i in idx if not sup[i]]
                    sup[min(others, key=lambda i: (s["numerator"].iloc[i], i))] = True
        d = ind.decimals
        val = disclosure.format_numbers(s["value"].to_numpy(dtype=float), d)
        frames.append(pd.DataFrame({
            "indicator_id": ind.id,
            "frequency": r.spc_frequency,
            "chart": "run chart" if r.spc_summary.get("chart") == "run" else "XmR chart",
            "label": s["label"].astype(str).to_numpy(),
            "value": disclosure.hide(s["value"].to_numpy(dtype=float), sup, val,
                                     kind=np.where(small, disclosure.PRIMARY, disclosure.SECONDARY)),
            "centre": disclosure.format_numbers(s["mean"].to_numpy(dtype=float), d + 1),
            "lower_process_limit": _limits(s["lpl"], d, r),
            "upper_process_limit": _limits(s["upl"], d, r),
            "point_type": s["point_type"].fillna("").astype(str).to_numpy(),
            "period_of_process": s["segment"].astype(int).to_numpy() + 1 if "segment" in s else 1,
            "change_point": [reasons.get(i, "") for i in range(len(s))],
            "in_baseline": np.where(s.get("in_baseline", pd.Series(True, index=s.index)).astype(bool), "yes", "no"),
            "suppressed": sup,
        }))
    cols = ["indicator_id", "frequency", "chart", "label", "value", "centre", "lower_process_limit",
            "upper_process_limit", "point_type", "period_of_process", "change_point", "in_baseline", "suppressed"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


def _limits(values: pd.Series, decimals: int, r) -> np.ndarray:
    """Process limits as published: blank on a run chart (it has none), rounded otherwise."""
    from .. import disclosure

    v = values.to_numpy(dtype=float)
    if r.spc_summary.get("chart") == "run":
        return np.full(len(v), disclosure.NOT_APPLICABLE, dtype=object)
    return disclosure.format_numbers(v, decimals + 1)


def definitions_table(indicators) -> pd.DataFrame:
    """The registry as a table (definitions with sources), for the pack."""
    return pd.DataFrame([i.describe() for i in indicators])


def commentary_table(sc) -> pd.DataFrame:
    """Each indicator's commentary from its owning agency, flagged when missing; commentary the screen found
    giving detail about individual children is withheld in the public pack and flagged in the board's
    (``commentary_flag``, in words; never the words the screen found)."""
    rows = []
    for r in sc:
        rows.append({"indicator_id": r.indicator.id, "title": r.indicator.title, "agency": r.indicator.agency,
                     "commentary_status": r.commentary_status,
                     "commentary": r.commentary if r.commentary else
                     ("MISSING: no commentary received for the quarter" if r.commentary_status == "missing" else ""),
                     "commentary_flag": r.commentary_flag})
    return pd.DataFrame(rows, columns=["indicator_id", "title", "agency", "commentary_status", "commentary",
                                       "commentary_flag"])


def rag_changes_table(current, previous) -> pd.DataFrame:
    """Indicators whose RAG rating changed since last quarter (both computed on this quarter's returns).

    ``current`` and ``previous`` are :class:`~cscp_analysis.scorecard.Scorecard` objects. Columns:
    indicator_id, title, previous_rag, rag, direction ("better" when the rating moved towards green).
    """
    order = {"red": 0, "amber": 1, "green": 2}
    rows = []
    for iid, res in current.results.items():
        before = previous.results.get(iid)
        now_rag, was_rag = getattr(res, "rag", None), getattr(before, "rag", None) if before else None
        if not now_rag or not was_rag or now_rag == was_rag:
            continue
        if now_rag in order and was_rag in order:
            direction = "better" if order[now_rag] > order[was_rag] else "worse"
        else:
            direction = "now rated" if now_rag in order else "no longer rated"
        rows.append({"indicator_id": iid, "title": res.indicator.title, "previous_rag": was_rag, "rag": now_rag,
                     "direction": direction})
    cols = ["indicator_id", "title", "previous_rag", "rag", "direction"]
    return pd.DataFrame(rows, columns=cols).sort_values("indicator_id").reset_index(drop=True)
