"""The published benchmarks beside an indicator, and how the partnership compares with them.

For an indicator whose ``benchmark:`` names a published measure
(:data:`cscp_analysis.benchmarking.MEASURES`), from ``cscp_analysis.benchmarking``:

* England, the region and the statistical-neighbour median for the **latest published year** before
  the period's financial year (the year ending 31 March; 2025 for a 2026-27 quarter);
* whether the partnership is significantly **higher, lower or similar** at 95% and at 99.8% — the
  benchmark lies below, above or within the partnership's interval (Fingertips convention,
  ``stats.compare_with_benchmark``) — and **better or worse** given the indicator's polarity; the same
  at 95% against the region and the statistical-neighbour median;
* the partnership's **rank and quartile** among its statistical neighbours: its value placed among the
  neighbours' published values of that year (1 = highest, as ``benchmark_values`` ranks; quartile 1 =
  the highest quarter, which polarity makes the best or the worst).

The partnership's value compared is the *rolling twelve months* for events (referrals in the year) and
the value *at the period end* for a stock (children on a plan), the nearest match to DfE's year ending
31 March — the caveat sentence says so beside every comparison, as the periods differ.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["attach_benchmark", "latest_year", "NO_BENCHMARK", "benchmark_trend"]

NO_BENCHMARK = "no comparable published benchmark"
_CACHE: dict = {}  # published values do not change within a process: (measure, year, la, folder) -> values


def latest_year(measure: str, period, reference_dir=None) -> int | None:
    """The latest year (ending 31 March) published for ``measure`` no later than the year ending the
    31 March before the period's financial year starts."""
    from ..benchmarking import all_england

    years = all_england(reference_dir).years.get(measure, [])
    usable = [y for y in years if y <= period.financial_year.start_year]
    return max(usable) if usable else None


def _compare(value_row, benchmark: float, polarity: str, level: str) -> str:
    from ..stats.comparison import compare_with_benchmark

    if value_row is None or benchmark is None or (isinstance(benchmark, float) and math.isnan(benchmark)):
        return "not compared"
    lo, hi = (value_row["lower_ci"], value_row["upper_ci"]) if level == "95" else \
        (value_row["lower_998"], value_row["upper_998"])
    return str(compare_with_benchmark(float(lo), float(hi), float(benchmark), polarity))


def attach_benchmark(res, config, reference_dir=None, cache: dict | None = None) -> None:
    """Fill ``res.benchmark`` (a dict; ``status`` ``ok``, ``none`` or ``unavailable`` with a ``note``)."""
    ind = res.indicator
    if not ind.benchmark:
        res.benchmark = {"status": "none", "note": NO_BENCHMARK}
        return
    if config is None:
        res.benchmark = {"status": "unavailable", "measure": ind.benchmark,
                         "note": "no partnership configuration, so the authority to compare is not known"}
        return
    from ..benchmarking import MEASURES, BenchmarkError, benchmark_values, sn_distribution

    cache = _CACHE if cache is None else cache
    try:
        year = latest_year(ind.benchmark, res.period, reference_dir)
        if year is None:
            res.benchmark = {"status": "unavailable", "measure": ind.benchmark,
                             "note": f"{ind.benchmark} is not published for a year before {res.period.financial_year}"}
            return
        key = (ind.benchmark, year, str(config.old_la_code), str(reference_dir))
        if key not in cache:
            vals = benchmark_values(ind.benchmark, year, str(config.old_la_code), reference_dir)
            dist = sn_distribution(ind.benchmark, year, str(config.old_la_code), reference_dir)
            cache[key] = (vals, dist)
        vals, dist = cache[key]
    except BenchmarkError as exc:
        res.benchmark = {"status": "unavailable", "measure": ind.benchmark, "note": str(exc)}
        return
    m = MEASURES[ind.benchmark]
    comp = res.comparable
    value = float(comp["value"]) if comp is not None and not np.isnan(comp["value"]) else math.nan
    counted = dist.loc[dist["counted"], "value_num"].to_numpy(dtype=float)
    rank = quartile = n = None
    if not math.isnan(value) and len(counted):
        n = int(len(counted) + 1)
        rank = int(1 + np.sum(counted > value))
        quartile = int(math.ceil(4 * rank / n))
    b = {
        "status": "ok",
        "measure": ind.benchmark,
        "measure_title": m.title,
        "year": int(year),
        "year_label": f"year ending 31 March {year}",
        "decimals": m.decimals,
        "value": value,
        "value_label": res.comparable_label,
        "la_published": vals["la"],
        "england": vals["england"],
        "region": vals["region"],
        "sn_median": vals["sn_median"],
        "n_neighbours": vals.get("n_neighbours"),
        "published_rank": vals["rank"],
        "published_quartile": vals["quartile"],
        "rank": rank,
        "n": n,
        "quartile": quartile,
        "vs_england_95": _compare(comp, vals["england"], "neither", "95"),
        "vs_england_998": _compare(comp, vals["england"], "neither", "998"),
        "vs_england_95_polarity": _compare(comp, vals["england"], ind.polarity, "95"),
        "vs_england_998_polarity": _compare(comp, vals["england"], ind.polarity, "998"),
        "vs_region_95": _compare(comp, vals["region"], ind.polarity, "95"),
        "vs_sn_95": _compare(comp, vals["sn_median"], ind.polarity, "95"),
    }
    b["neighbours"] = [
        {"area_name": str(n), "value": float(v) if v == v else math.nan, "status": str(st), "counted": bool(c)}
        for n, v, st, c in zip(dist["area_name"], dist["value_num"], dist["status"], dist["counted"], strict=False)
    ]
    b["la_name"] = getattr(config, "la_name", "the partnership")
    b["region_name"] = getattr(config, "region_name", "region")
    b["lower_ci"] = float(comp["lower_ci"]) if comp is not None else math.nan
    b["upper_ci"] = float(comp["upper_ci"]) if comp is not None else math.nan
    b["caveat"] = (f"The partnership's value {res.comparable_label} is compared with published figures for the "
                   f"year ending 31 March {year}, the latest available; the periods differ, and published "
                   f"figures are rounded as DfE publishes them"
                   + (f" ({ind.benchmark_note})" if ind.benchmark_note else "") + ".")
    res.benchmark = b


def benchmark_trend(la, year, measures=None, reference_dir=None):
    """Published values of each measure for the authority, region, England and the neighbours' median
    over every year up to ``year`` (a tidy frame from ``build_benchmark_table``), for trend charts."""
    from ..benchmarking import build_benchmark_table

    t = build_benchmark_table(la, year, reference_dir)
    if measures is not None:
        t = t[t["measure"].isin(list(measures))]
    return t.reset_index(drop=True)
