"""What the scorecard notebook shows, section by section, on the one section contract.

Each function takes a computed :class:`~.compute.Scorecard` (and, where it needs it, the published
scorecard table) and returns a :class:`~cscp_analysis.sections.Section`; the notebook shows each with
``ctx.show(...)``. Nothing here computes a statistic: the tables come from :mod:`.publish` (disclosure
control), the sentences from :mod:`.report` and :mod:`.narrative`, the charts from
:mod:`cscp_analysis.charts`.
"""

from __future__ import annotations

import pandas as pd

from ..narrative import Finding
from ..periods import PeriodWords
from ..sections import Section, Workbook
from . import report
from .publish import (
    commentary_table,
    definitions_table,
    own_work_rows,
    published_series,
    published_table,
    rag_changes_table,
    suppression_flags,
)

__all__ = ["LENS", "SOURCE", "set_aside_intro", "overview", "detail", "findings", "spc", "benchmarks", "commentary",
           "not_published", "definitions", "rag_changes", "published", "audit_declaration"]

LENS = "independent"
SOURCE = "partners' returns; DfE and ONS published data"


def _context(texts, evidence: str, rule: str = "") -> list[Finding]:
    return [Finding("context", t, LENS, "scorecard", evidence, rule=rule) for t in texts]


def set_aside_intro(sc, results=None, full: bool = True) -> str:
    """What a section of the scorecard says, once, about rows set aside at validation in the tables its
    indicators read (``IndicatorResult.set_aside``); "" when none were.

    ``full``: each table's sentence with how many rows, of how many, why, and the indicators that leave them
    out (the scorecard on one screen); otherwise one sentence pointing to it (the other sections).
    """
    from ..returns.page_notes import rows_words, set_aside_sentence

    by_table: dict[str, tuple] = {}
    for r in (list(sc) if results is None else results):
        for table, sa in (getattr(r, "set_aside", None) or {}).items():
            by_table.setdefault(table, (sa, []))[1].append(f"{r.indicator.id} {r.indicator.label}")
    if not by_table:
        return ""
    if full:
        return "**Rows set aside.** " + " ".join(
            set_aside_sentence(sa, table, consequence="the indicators computed from them leave them out ("
                               + "; ".join(names) + ")") for table, (sa, names) in by_table.items())
    listed = ", ".join(f"{sa.n:,} of {sa.total:,} {rows_words(t)[0]}"
                       for t, (sa, _) in by_table.items())
    return (f"**Rows set aside.** Some indicators below leave out rows set aside at validation ({listed}); the "
            "scorecard on one screen says which indicators, and why the rows were set aside.")


def published(sc) -> pd.DataFrame:
    """The published (disclosure-controlled) scorecard table, which several sections share."""
    return published_table(sc)


def overview(sc, table: pd.DataFrame) -> Section:
    """The scorecard on one screen (grouped by priority, with trend, SPC icons, RAG and why, England), the
    overview in sentences, and the whole scorecard as a board workbook."""
    from .board import summary_html, workbook_sheets
    from .report import benchmark_summary

    words = PeriodWords.quarter(sc.period)
    title = f"Multi-agency performance scorecard, {words.label}"
    series = published_series(sc)
    sec = Section("scorecard", title, LENS, source=SOURCE, intro=set_aside_intro(sc))
    sec.add_table("scorecard", title, table, counts=["numerator", "denominator"], html=summary_html(sc, table, series),
                  own_work=own_work_rows(sc), audit=audit_declaration(sc, table))
    sec.findings = _context(report.overview_sentences(sc), "table scorecard")
    sheets = workbook_sheets(sc, table, benchmark_summary(sc, table), commentary_table(sc),
                             definitions_table([r.indicator for r in sc]))
    sec.workbooks.append(Workbook("scorecard", title, sheets, created=sc.period.end))
    return sec


def audit_declaration(sc, table: pd.DataFrame):
    """How the published scorecard's counts relate, for the intruder audit (``docs/disclosure.md``): each
    percentage is its numerator over its denominator (rounded to the indicator's decimal places), and a count
    of the quarter is at most the same count over the rolling twelve months that contain the quarter. The
    indicators' counts are not tied to other tables (a referral is not a child referred). The own-work rows
    of the board's pack are left out by the audit. The true counts go with it for the run's private check."""
    from ..disclosure_audit import AtMost, Cells, Ratio, declare
    from .publish import scorecard_frame

    results = list(sc)
    key = "scorecard {} | indicator={{indicator_id}} | quarter={{period}}"
    percentages: dict[int, list[str]] = {}
    flows = []
    for r in results:
        if r.indicator.statistic == "percentage":
            percentages.setdefault(int(r.indicator.decimals), []).append(r.indicator.id)
        elif r.indicator.statistic == "count" and not r.is_stock:
            flows.append(r.indicator.id)
    ratios = [Ratio("value", "numerator", "denominator", decimals=d, where={"indicator_id": ids})
              for d, ids in sorted(percentages.items())]
    cells = [Cells("numerator", key.format("numerator"), label="{title}: the count, {period}"),
             Cells("denominator", key.format("denominator"), label="{title}: the denominator, {period}")]
    at_most = []
    if flows:
        flow = {"indicator_id": flows}
        cells.append(Cells("rolling_12_months", key.format("count in the twelve months"), where=flow,
                           label="{title}: the count in the twelve months to {period}"))
        at_most.append(AtMost("numerator", "rolling_12_months", where=flow))
    f = scorecard_frame(sc).reset_index(drop=True)
    truth = {"numerator": f["numerator"].astype(float).tolist(), "denominator": f["denominator"].astype(float).tolist(),
             **({"rolling_12_months": f["rolling_numerator"].astype(float).tolist()} if flows else {})}
    if len(f) != len(table):
        truth = None
    return declare(table, "scorecard", cells, at_most=at_most, ratios=ratios, truth=truth)


def detail(sc, table: pd.DataFrame) -> Section:
    """Every indicator in detail (the same published table, laid out to be read): the appendix."""
    from .board import detail_html

    sec = Section("scorecard_detail", "Every indicator in detail", LENS, source=SOURCE,
                  intro=set_aside_intro(sc, full=False))
    sec.add_table("scorecard", f"Multi-agency performance scorecard, {PeriodWords.quarter(sc.period).label}", table,
                  counts=["numerator", "denominator"], html=detail_html(table), written=False)
    return sec


def findings(sc) -> Section:
    """What is working well, what we are worried about and what needs to happen, by the documented rules."""
    from ..narrative import findings_table

    found = sc.findings()
    sec = Section("scorecard_findings", f"Scorecard findings, {sc.period}", LENS, findings_by_line=True,
                  intro=set_aside_intro(sc, full=False))
    sec.add_table("scorecard_findings", f"Scorecard findings, {sc.period}", findings_table(found), shown=False)
    sec.findings = list(found)
    return sec


def spc(sc) -> Section:
    """SPC charts in small multiples, one figure per group of agencies, and the series not in common cause."""
    from ..charts import spc as spc_charts

    series = published_series(sc)
    sec = Section("scorecard_spc", f"SPC charts, {sc.period}", LENS, findings_heading="Series that are not in "
                  "common-cause variation", intro=set_aside_intro(sc, [r for r in sc if r.spc is not None], full=False))
    for name, title, results in report.spc_groups(sc):
        data = series[series["indicator_id"].isin([r.indicator.id for r in results])]
        sec.add_figure(f"scorecard_spc_{name}", f"SPC charts: {title}, {sc.period}",
                       report.small_multiples_alt(results, data), data,
                       lambda results=results, data=data: spc_charts.spc_small_multiples(
                           results, data, source="partners' returns; Making Data Count XmR"))
    from .spc import RUN_CHART_WHY

    quiet = {"common cause", "random variation around the median (run chart)"}  # common-cause, in either chart
    listed = [r for r in sc if r.spc is not None and r.spc_summary.get("variation") not in quiet]
    said: dict[str, list[str]] = {}  # the same reading for several series is said once, naming them
    runs = [r.indicator.id for r in sc if r.spc is not None and RUN_CHART_WHY in str(r.spc_summary.get("note") or "")]
    for r in listed:
        notes = [n for n in str(r.spc_summary.get("note") or "").split("; ") if n and n != RUN_CHART_WHY]
        reading = r.spc_summary["variation"] + (f", {r.spc_summary['assurance']}" if r.spc_summary.get("assurance")
                                               else "")
        said.setdefault(reading, []).append(f"{r.indicator.id} {r.indicator.label}"
                                            + (f" ({'; '.join(notes)})" if notes else ""))
    lines = [f"{names[0]}: {reading}." if len(names) == 1 else f"{reading[0].upper()}{reading[1:]}: {'; '.join(names)}."
             for reading, names in said.items()]
    if runs:  # the reason for a run chart is said once, not under every series that has one
        lines.append(f"{', '.join(runs)}: {RUN_CHART_WHY[0].upper()}{RUN_CHART_WHY[1:]}.")
    changed = series[series["change_point"].astype(str) != ""] if "change_point" in series else series.iloc[:0]
    for _, row in changed.iterrows():  # why the limits start again (the dotted line on the chart)
        lines.append(f"{row['indicator_id']}: the centre line and limits are recalculated from {row['label']}, when "
                     f"the partnership recorded a change in how it works: {row['change_point']}.")
    sec.findings = _context(lines, "SPC charts")
    return sec


def benchmarks(sc, table: pd.DataFrame) -> Section:
    """Each benchmarked indicator beside England, the region and its statistical neighbours."""
    from ..charts import benchmark as benchmark_charts

    benchmarked = [r for r in sc if r.benchmark.get("status") == "ok" and r.status == "ok"]
    sec = Section("scorecard_benchmarks", f"Scorecard indicators against published benchmarks, {sc.period}", LENS,
                  source="DfE children in need and children looked after; ONS mid-year estimates", figures_first=False,
                  intro=set_aside_intro(sc, benchmarked, full=False))
    sec.add_table("scorecard_benchmarks", f"Scorecard indicators against published benchmarks, {sc.period}",
                  report.benchmark_summary(sc, table))
    threshold = getattr(sc.config, "suppression_threshold", 5) if sc.config is not None else 5
    for r in sc:
        if r.benchmark.get("status") == "ok" and r.status == "ok":
            hidden = suppression_flags(r, threshold)["comparable"]
            sec.add_figure(f"scorecard_benchmark_{r.indicator.id.lower().replace('-', '_')}",
                           f"{r.indicator.label}: the partnership among its statistical neighbours",
                           benchmark_charts.bars_alt(r, hidden), benchmark_charts.bars_data(r, hidden),
                           lambda r=r, hidden=hidden: benchmark_charts.benchmark_bars(r, suppressed=hidden))
    sec.findings = _context(report.benchmark_sentences(sc), "table scorecard_benchmarks")
    return sec


def commentary(sc) -> Section:
    """Each agency's written analysis of its indicators; an expected commentary that is missing is flagged."""
    table = commentary_table(sc)
    sec = Section("scorecard_commentary", f"Partners' commentary on their indicators, {sc.period}", LENS)
    sec.add_table("scorecard_commentary", f"Partners' commentary on their indicators, {sc.period}", table,
                  view=table[table["commentary_status"] != "not expected"])
    sec.findings = _context(report.commentary_sentences(sc), "table scorecard_commentary")
    return sec


def not_published(sc, table: pd.DataFrame) -> Section:
    """Indicators whose data were rejected or not received: shown as not published, with the reason."""
    sec = Section("scorecard_not_published", f"Indicators not published, {sc.period}", LENS,
                  findings_heading="Not published")
    blocked = table.loc[table["status"] != "published", ["indicator_id", "title", "agency", "status_reason"]]
    if len(blocked):
        sec.add_table("scorecard_not_published", f"Indicators not published this quarter, {sc.period}", blocked)
    sec.findings = _context([f"{r.indicator.id} {r.indicator.label}: not published, because {r.reason}."
                             for r in sc if r.status != "ok"], "table scorecard_not_published")
    return sec


def definitions(sc) -> Section:
    """What each indicator counts, its statistic, polarity, target, benchmark and source."""
    table = definitions_table([r.indicator for r in sc])
    sec = Section("scorecard_definitions", "Scorecard indicator definitions", LENS)
    sec.add_table("scorecard_definitions", "Scorecard indicator definitions", table,
                  display=("indicator_id", "title", "statistic", "unit", "polarity", "target", "benchmark",
                           "definition", "source"))
    return sec


def rag_changes(sc, previous) -> Section:
    """Indicators whose RAG rating moved since the previous quarter, published once here for the scrutiny
    summary to read (both ratings computed from this quarter's returns, so that late corrections to earlier
    data do not masquerade as change)."""
    changes = rag_changes_table(sc, previous)
    before = previous.period
    moved = set(changes["indicator_id"])
    sec = Section("scrutiny_rag_changes", f"RAG ratings that changed since {before}", "summary",
                  intro=set_aside_intro(sc, [r for r in sc if r.indicator.id in moved], full=False))
    sec.add_table("scrutiny_rag_changes", f"RAG ratings that changed since {before}", changes)
    better, worse = (changes["direction"] == "better").sum(), (changes["direction"] == "worse").sum()
    sec.findings = _context([f"{len(changes)} indicators changed rating since {before}: {better} towards green, "
                             f"{worse} away from it."] if len(changes) else
                            [f"No indicator changed its RAG rating since {before}."], "table scrutiny_rag_changes")
    return sec
