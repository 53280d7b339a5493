"""The benchmarking page: the authority's latest published year and every year, in sections.

The partnership's own, more recent values are compared with the same measures in the scorecard
(:mod:`cscp_analysis.scorecard.benchmarks`); this page shows DfE's and ONS's published figures as they are.
"""

from __future__ import annotations

import math

import pandas as pd

from ..narrative import Finding
from ..sections import Section
from .compute import all_england
from .measures import MEASURES
from .table import benchmark_values, build_benchmark_table

__all__ = ["published_year", "latest_benchmarks", "published_benchmark_sentences", "latest_section",
           "trend_section"]

LENS = "independent"


def published_year(period, reference_dir=None) -> int:
    """The latest year (ending 31 March) with published figures, no later than the one ending before the
    period's financial year starts (2025 for a 2026-27 quarter)."""
    years = {y for ys in all_england(reference_dir).years.values() for y in ys}
    usable = [y for y in years if y <= period.financial_year.start_year]
    if not usable:
        raise ValueError(f"no published benchmark year before {period.financial_year}")
    return max(usable)


def latest_benchmarks(la, year: int, reference_dir=None) -> pd.DataFrame:
    """Every published measure for the authority in ``year`` (or its latest year before): the authority,
    region, England, neighbours' median, rank and quartile among its neighbours (1 = highest)."""
    eng = all_england(reference_dir)
    rows = []
    for mid, m in MEASURES.items():
        years = [y for y in eng.years.get(mid, []) if y <= int(year)]
        if not years:
            continue
        y = max(years)
        v = benchmark_values(mid, y, la, reference_dir)
        d = m.decimals
        f = lambda x, d=d: "" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{d}f}"  # noqa: E731
        rows.append({"measure": mid, "title": m.title, "unit": m.unit, "year": y, "authority": f(v["la"]),
                     "region": f(v["region"]), "england": f(v["england"]), "sn_median": f(v["sn_median"]),
                     "rank": "" if v["rank"] is None else str(v["rank"]), "ranked": "" if v["n"] is None else str(v["n"]),
                     "quartile": "" if v["quartile"] is None else str(v["quartile"]), "polarity": m.polarity,
                     "n_neighbours": str(v["n_neighbours"])})
    return pd.DataFrame(rows)


def published_benchmark_sentences(latest: pd.DataFrame, la_name: str) -> list[str]:
    """Sentences from :func:`latest_benchmarks`: where the authority stands against England and its neighbours."""
    out = []
    for _, r in latest.iterrows():
        if r["authority"] == "" or r["england"] == "":
            out.append(f"{r['title']}: no published figure for {la_name} in {r['year']}.")
            continue
        pct = "%" if r["unit"] == "%" else ""
        unit = "%" if pct else f" {r['unit']}"

        def rel(a: str, b: str) -> str:
            x, y = float(a), float(b)
            return "above" if x > y else "below" if x < y else "the same as"

        sn = (f" and {rel(r['authority'], r['sn_median'])} the neighbours' median ({r['sn_median']}{pct})"
              if r["sn_median"] else "")
        pol = {"lower_is_better": " (lower is better)", "higher_is_better": " (higher is better)"}.get(r["polarity"], "")
        out.append(f"{r['title']}{pol}: {la_name} {r['authority']}{unit} in {r['year']}, "
                   f"{rel(r['authority'], r['england'])} England ({r['england']}{pct}){sn}; rank {r['rank']} of "
                   f"{r['ranked']} among itself and its statistical neighbours.")  # 1 = highest, said once above
    return out


def latest_section(la: str, la_name: str, year: int, reference_dir=None) -> Section:
    """Each measure for the authority in its latest published year beside the region, England and neighbours."""
    latest = latest_benchmarks(la, year, reference_dir)
    title = f"{la_name} against region, England and statistical neighbours, latest published year"
    sec = Section("benchmarking_latest", title, LENS,
                  source="DfE children in need, children looked after, social work workforce; ONS mid-year estimates")
    sec.add_table("benchmarking_latest", title, latest, view=latest.drop(columns=["polarity", "measure"]))
    sec.findings = [Finding("context", t, LENS, "benchmarking", "table benchmarking_latest")
                    for t in published_benchmark_sentences(latest, la_name)]
    return sec


def trend_section(la: str, la_name: str, region_name: str, year: int, reference_dir=None) -> Section:
    """The measures for every year in the reference data, and one trend chart per measure."""
    from ..charts import benchmark as benchmark_charts

    trend = build_benchmark_table(la, year, reference_dir)
    title = f"{la_name}: published measures by year"
    sec = Section("benchmarking_trend", title, LENS, source="DfE and ONS published data, as copied into the package's reference data",
                  figures_first=False,
                  intro=f"{len(trend):,} published values: {trend['measure'].nunique()} measures, years ending 31 March "
                        f"{trend['year'].min()} to {trend['year'].max()}, for {la_name}, {region_name}, England and the "
                        "neighbours' median.")
    sec.add_table("benchmarking_trend", title, trend, shown=False)
    for measure in MEASURES:
        if measure not in set(trend["measure"]):
            continue
        sec.add_figure(f"benchmarking_trend_{measure}",
                       f"{MEASURES[measure].title}: {la_name}, region, England and neighbours",
                       benchmark_charts.trend_alt(trend, measure),
                       trend[trend["measure"] == measure].reset_index(drop=True),
                       lambda measure=measure: benchmark_charts.benchmark_trend(trend, measure))
    return sec
