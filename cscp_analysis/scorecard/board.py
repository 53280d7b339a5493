"""The scorecard as a board reads it: a one-screen summary, a detail appendix that fits the page, and a
workbook.

The summary follows NHS England's *Making Data Count* summary tables and Fingertips' spine charts: the
indicators grouped by the partnership priority in force for the quarter, each on one row with its
value, unit and period, a small trend, the SPC variation and assurance icons, the RAG word on its colour
with a short reason, and where it stands against England. It is an accessible HTML table (caption,
header scopes, words beside every colour and icon) laid out to fit a 1280-pixel screen without
scrolling sideways: fixed column widths, wrapped, left-aligned text. The detail appendix gives every
number with its full reason and the agency's commentary, and fits the page the same way.

Everything here arranges the *published* (disclosure-controlled) tables; nothing computes a statistic.
"""

from __future__ import annotations

import html
import math

import pandas as pd

from ..charts import RAG_COLOURS
from ..charts.inline import assurance_icon, sparkline, variation_icon
from ..periods import PeriodWords, parse_period
from ..symbols import SHORT_WORDS, footnote, symbol
from .compute import BOARD_FLAG
from .spc import ASSURANCE_WORDS

__all__ = ["CSS", "short_reason", "priorities_in_force", "summary_html", "detail_html", "workbook_sheets",
           "value_words", "commentary_cell"]

_RAG_TEXT = {"red": "#FFFFFF", "amber": "#000000", "green": "#FFFFFF", "grey": "#000000"}
_SYMBOL_WORDS = {"x": "not available", "[x]": "not available", "z": "not applicable", "[z]": "not applicable",
                 "": "not available"}

#: One stylesheet for the scorecard tables: fixed layout, wrapped left-aligned text, numbers on the right.
CSS = """<style>
table.cscp-board{width:100%;max-width:100%;table-layout:fixed;border-collapse:collapse;font-size:13px;line-height:1.3;
  margin:0}
table.cscp-board caption{text-align:left;font-weight:bold;padding:4px 0 8px;caption-side:top}
table.cscp-board th,table.cscp-board td{border:0;border-bottom:1px solid #d0d4d8;padding:5px 6px;vertical-align:top;
  text-align:left !important;overflow-wrap:anywhere;word-break:normal;white-space:normal;background:transparent}
table.cscp-board thead th{background:#eef0f2;font-weight:bold}
table.cscp-board tr.priority th{background:#12436d;color:#fff;font-size:13px}
table.cscp-board tbody tr:nth-child(odd){background:transparent}
table.cscp-board .id{color:#505a5f;font-weight:normal;font-size:12px}
table.cscp-board small{color:#383f43;font-size:12px}
table.cscp-board .rag{display:inline-block;font-weight:bold;padding:1px 6px;border-radius:3px;margin-right:4px}
table.cscp-board .mdc-icon{vertical-align:middle;margin-right:2px}
table.cscp-board .spark{display:block}
</style>"""


def _e(x) -> str:
    return html.escape("" if x is None or (isinstance(x, float) and math.isnan(x)) else str(x), quote=True)


def _rag_badge(rag: str) -> str:
    colour = RAG_COLOURS.get(rag, "#BFBFBF")
    return (f'<span class="rag" style="background:{colour};color:{_RAG_TEXT.get(rag, "#000")}">'
            f"{_e(str(rag).capitalize())}</span>")


def short_reason(res) -> str:
    """The RAG reason in a few words, for the summary (the full sentence is in the detail appendix)."""
    ind = res.indicator
    reason = res.rag_reason or ""
    if res.status != "ok":
        return "not published: data rejected or not received"
    if "cannot tell whether the target" in reason:
        short = "cannot tell at this number whether the target is met"
    elif "more than the tolerance" in reason:
        short = "target missed beyond the tolerance"
    elif "within the tolerance" in reason:
        short = "target missed, within the tolerance"
    elif "the target of" in reason and "is met" in reason:
        short = "target met, the whole interval"
    elif "significantly worse than England" in reason:
        short = "significantly worse than England"
    elif "similar to England" in reason:
        short = "similar to England"
    elif "significantly better than England" in reason:
        short = "significantly better than England"
    elif "special-cause concern" in reason:
        short = "special-cause concern on the SPC chart"
    elif "special-cause improvement" in reason:
        short = "special-cause improvement on the SPC chart"
    elif "suppressed" in reason:
        short = "too few to rate (hidden)"
    elif "no value" in reason:
        short = "no value this quarter"
    elif ind.polarity == "neither":
        short = "for context: no target and no better direction"
    else:
        short = "nothing to rate against" if ind.target is None else "not rated"
    if res.rag == "amber" and "not red, because the target is met" in reason:
        short = "target met, but significantly worse than England"
    if "Watch:" in reason:
        short += "; watch the SPC chart"
    return short


def priorities_in_force(config, period) -> list[tuple[str, str]]:
    """The partnership's priorities in force in ``period`` (``from``/``to`` quarters in partnership.yaml),
    as ``(id, title)`` in their order."""
    p = parse_period(period)
    raw = (getattr(config, "raw", None) or {}).get("priorities") or []
    out = []
    for item in raw:
        start, end = item.get("from"), item.get("to")
        if (not start or parse_period(str(start)) <= p) and (not end or p <= parse_period(str(end))):
            out.append((str(item["id"]), str(item["title"])))
    if not raw and config is not None:
        out = list(getattr(config, "priorities", {}).items())
    return out


def value_words(row: pd.Series) -> str:
    """The value with its unit, as the summary shows it: '18.5%', '578.1 per 10,000 children aged 0-17'."""
    v = str(row["value"])
    if v in ("c", "[c]", "[s]"):  # the mark the tables use, and what it means
        mark = symbol(row["value"])
        return f"{mark} hidden: {SHORT_WORDS[mark].format(threshold=5)}" if mark in SHORT_WORDS else "hidden"
    if v in _SYMBOL_WORDS:
        return _SYMBOL_WORDS[v]
    unit = str(row["unit"] or "")
    if unit == "%":
        return f"{v}%"
    if row["statistic"] == "count":
        return v
    return f"{v} {unit}".strip()


def _value_cell(row: pd.Series) -> str:
    lo, hi = str(row["lower_ci"]), str(row["upper_ci"])
    extra = [str(row["period_basis"])]
    if str(row["value_in_quarter"]) not in ("z", "", "c", "x"):
        extra.append(f"{row['value_in_quarter']} in the quarter")
    if lo not in ("z", "", "c", "x") and hi not in ("z", "", "c", "x"):
        pct = "%" if row["unit"] == "%" else ""
        extra.append(f"95% interval {lo}{pct} to {hi}{pct}")
    if str(row.get("set_aside", "") or ""):  # rows of its tables set aside at validation (said above the table)
        extra.append(_lower_first(str(row["set_aside"]).rstrip(".")))
    return (f'<td class="num"><strong>{_e(value_words(row))}</strong><br><small>{_e("; ".join(extra))}</small>'
            "</td>")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def commentary_cell(row: pd.Series) -> str:
    """The agency's commentary as the detail appendix shows it (HTML): missing, not expected, withheld for
    review (public pack), or the words, flagged to be read before publishing (board's pack) when the screen
    found detail about individual children in them."""
    status, flag = row["commentary_status"], str(row.get("commentary_flag", "") or "")
    if status == "missing":
        return "<strong>Missing</strong>: no commentary received for the quarter"
    if status == "not expected":
        return "<small>not expected</small>"
    if status == "withheld":
        return f"<strong>Withheld for review</strong>: {_e(flag)}"
    figure = (f"<br><small>The scorecard's figure: {_e(value_words(row))} ({_e(row['period_basis'])}"
              + (f"; {_e(row['value_in_quarter'])} in the quarter"
                 if str(row['value_in_quarter']) not in ("z", "", "c", "x") else "") + ")</small>")
    if not flag:
        return _e(row["commentary"]) + figure
    if flag.startswith(BOARD_FLAG):
        why = flag[len(BOARD_FLAG):].lstrip(": ")
        return (f'<strong class="flag">Flagged: read before publishing.</strong> <small>{_e(why[:1].upper() + why[1:])}'
                f"</small><br>{_e(row['commentary'])}{figure}")
    return f"{_e(row['commentary'])}<br><small>{_e(flag)}</small>{figure}"


def _benchmark_cell(row: pd.Series) -> str:
    if not row["england"]:
        return "<td><small>no published benchmark</small></td>"
    unit = "%" if row["unit"] == "%" else ""
    comp = {"better": "better than England", "worse": "worse than England", "similar": "similar to England",
            "higher": "higher than England", "lower": "lower than England"}.get(str(row["better_worse_england"]),
                                                                                   "not compared")
    return (f'<td class="num">England {_e(row["england"])}{unit} <small>({_e(row["benchmark_year"])})</small><br>'
            f"<small>{_e(comp)}</small></td>")


def summary_html(sc, table: pd.DataFrame, series: pd.DataFrame) -> str:
    """The one-screen summary: indicators grouped by the priority in force, one row each (module docstring)."""
    words = PeriodWords.quarter(sc.period)
    in_force = priorities_in_force(sc.config, sc.period)
    titles = dict(in_force)
    by_id = {r.indicator.id: r for r in sc}
    rows = table.set_index("indicator_id", drop=False)
    out = [CSS, '<table class="cscp-board cscp-summary">',
           f"<caption>The scorecard on one screen, {_e(words.label)}: {len(table)} indicators grouped by the "
           "partnership's priorities in force this quarter. RAG is the word on its colour, with why; the icons "
           "are NHS Making Data Count's (~ common cause, H or L special cause high or low, P passes and F fails "
           "the target consistently, ? hit and miss).</caption>",
           '<colgroup><col style="width:27%"><col style="width:17%"><col style="width:11%"><col style="width:13%">'
           '<col style="width:19%"><col style="width:13%"></colgroup>',
           "<thead><tr>" + "".join(f'<th scope="col">{h}</th>' for h in
                                   ("Indicator", "This quarter", "Trend", "Variation and assurance", "RAG and why",
                                    "England")) + "</tr></thead><tbody>"]
    order = [pid for pid, _ in in_force]
    groups: dict[str, list[str]] = {}
    for iid in table["indicator_id"]:
        pid = rows.at[iid, "priority"] or ""
        groups.setdefault(pid, []).append(iid)
    for pid in order + sorted(set(groups) - set(order)):
        if pid not in groups:
            continue
        head = f"{pid} {titles[pid]}" if pid in titles else (pid or "Not linked to a priority in force")
        out.append(f'<tr class="priority"><th scope="colgroup" colspan="6">{_e(head)}</th></tr>')
        for iid in groups[pid]:
            row, res = rows.loc[iid], by_id[iid]
            s = series[series["indicator_id"] == iid] if len(series) else series
            vals = pd.to_numeric(s["value"], errors="coerce").to_numpy() if len(s) else []
            label = (f"Trend of {res.indicator.label}, {len(vals)} points"
                     + (f", latest {row['value']}" if len(vals) else ": no SPC series"))
            spark = sparkline(vals, label=label, target=res.indicator.target) if len(vals) else ""
            summ = res.spc_summary or {}
            var_words = summ.get("variation", "") or "no SPC chart"
            ass_words = summ.get("assurance", "")
            icons = (variation_icon(summ.get("variation_code"), var_words)
                     + assurance_icon(summ.get("assurance_code"), ASSURANCE_WORDS.get(summ.get("assurance_code"), "")))
            out.append(
                "<tr>"
                f'<th scope="row">{_e(res.indicator.label)} <span class="id">{_e(iid)} · {_e(agency_short(res.indicator.agency))}'
                "</span></th>"
                + _value_cell(row)
                + f"<td>{spark}</td>"
                + f"<td>{icons}<br><small>{_e(var_words)}{'; ' + _e(ass_words) if ass_words else ''}</small></td>"
                + f"<td>{_rag_badge(row['rag'])}<small>{_e(short_reason(res))}</small></td>"
                + _benchmark_cell(row)
                + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def agency_short(code: str) -> str:
    """The agency's code as a reader sees it beside an indicator: an acronym as it is (CSC, YJS, LADO), a
    word in sentence case (POLICE -> Police, EARLY_HELP -> Early help)."""
    code = str(code)
    return code if len(code) <= 4 else code.replace("_", " ").capitalize()


def detail_html(table: pd.DataFrame) -> str:
    """Every indicator in detail, wrapped to fit the page: values over time, target, benchmarks, the full
    RAG reason and the agency's commentary (with the indicator's own unit and period beside it)."""
    out = [CSS, '<table class="cscp-board cscp-detail">',
           f"<caption>Every indicator in detail, {_e(table['period'].iloc[0]) if len(table) else ''}. "
           f"{_e(footnote(table))}</caption>",
           '<colgroup><col style="width:18%"><col style="width:14%"><col style="width:14%"><col style="width:14%">'
           '<col style="width:20%"><col style="width:20%"></colgroup>',
           "<thead><tr>" + "".join(f'<th scope="col">{h}</th>' for h in
                                   ("Indicator", "This quarter", "Before", "Target and benchmarks", "RAG: why",
                                    "The agency's commentary")) + "</tr></thead><tbody>"]
    for _, row in table.iterrows():
        pct = "%" if row["unit"] == "%" else ""
        before = (f"Previous quarter {row['previous_quarter']}{pct}<br>Same quarter last year "
                  f"{row['same_quarter_last_year']}{pct}<br>Twelve months {row['rolling_12_months']}{pct}")
        bench = f"Target {row['target']}{pct}" if row["target"] else "No target"
        if row["england"]:
            bench += (f"<br>England {row['england']}{pct}, West Midlands {row['west_midlands']}{pct}, neighbours' "
                      f"median {row['sn_median']}{pct} ({row['benchmark_year']})")
        comment = commentary_cell(row)
        out.append(
            "<tr>"
            f'<th scope="row">{_e(row["title"])} <span class="id">{_e(row["indicator_id"])} · {_e(agency_short(row["agency"]))}'
            "</span></th>"
            + _value_cell(row)
            + f'<td class="num"><small>{before}</small></td>'
            + f'<td class="num"><small>{bench}</small></td>'
            + f"<td>{_rag_badge(row['rag'])}<small>{_e(row['rag_reason'])}</small></td>"
            + f"<td><small>{comment}</small></td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


def workbook_sheets(sc, table: pd.DataFrame, benchmarks: pd.DataFrame, commentary: pd.DataFrame,
                    definitions: pd.DataFrame) -> list:
    """The scorecard workbook's sheets: summary (RAG as a word on its fill), detail, benchmarks, commentary,
    definitions; headings in words."""
    from ..workbook import Column, Sheet

    words = PeriodWords.quarter(sc.period)
    by_id = {r.indicator.id: r for r in sc}
    summary = table.assign(
        value_words=[value_words(r) for _, r in table.iterrows()],
        why=[short_reason(by_id[i]) for i in table["indicator_id"]],
        full_reason=table["rag_reason"],
        variation=[(by_id[i].spc_summary or {}).get("variation", "") for i in table["indicator_id"]],
        assurance=[(by_id[i].spc_summary or {}).get("assurance", "") for i in table["indicator_id"]],
        rag_word=table["rag"].str.capitalize())
    notes = ["Method: docs/scorecard.md in the cscp-analysis package."]  # the writer explains the symbols shown
    sheets = [
        Sheet(name="Summary", title=f"Multi-agency performance scorecard, {words.label}", table=summary,
              columns=[Column("Priority", key="priority", width=9), Column("Indicator", key="title", width=42, wrap=True),
                       Column("Agency", key="agency", width=12),
                       Column("This quarter", key="value_words", width=20, wrap=True),
                       Column("Period", key="period_basis", width=20, wrap=True),
                       Column("RAG", key="rag_word", width=9), Column("Why", key="why", width=36, wrap=True),
                       Column("SPC variation", key="variation", width=24, wrap=True),
                       Column("SPC assurance", key="assurance", width=20, wrap=True),
                       Column("England", key="england", width=10, parse_numbers=True)],
              rag_column="RAG", notes=notes, landscape=True),
        Sheet(name="Detail", title=f"Every indicator in detail, {words.label}", table=table,
              columns=[Column("Indicator", key="indicator_id", width=10), Column("Title", key="title", width=40, wrap=True),
                       Column("Value", key="value", width=10, parse_numbers=True),
                       Column("Unit", key="unit", width=18, wrap=True),
                       Column("Period", key="period_basis", width=18, wrap=True),
                       Column("Lower 95%", key="lower_ci", width=10, parse_numbers=True),
                       Column("Upper 95%", key="upper_ci", width=10, parse_numbers=True),
                       Column("Previous quarter", key="previous_quarter", width=11, parse_numbers=True),
                       Column("Same quarter last year", key="same_quarter_last_year", width=11, parse_numbers=True),
                       Column("Twelve months", key="rolling_12_months", width=11, parse_numbers=True),
                       Column("Target", key="target", width=9, parse_numbers=True),
                       Column("RAG", key="rag", width=9), Column("Why", key="rag_reason", width=60, wrap=True)],
              rag_column="RAG", notes=notes, landscape=True),
        Sheet(name="Benchmarks", title=f"Against England, the West Midlands and statistical neighbours, {words.label}",
              table=benchmarks,
              columns=[Column("Indicator", key="indicator_id", width=10), Column("Title", key="title", width=36, wrap=True),
                       Column("The partnership", key="benchmark_value", width=12, parse_numbers=True),
                       Column("Year of benchmark", key="benchmark_year", width=10),
                       Column("England", key="england", width=10, parse_numbers=True),
                       Column("West Midlands", key="west_midlands", width=10, parse_numbers=True),
                       Column("Neighbours' median", key="sn_median", width=11, parse_numbers=True),
                       Column("Compared with England", key="better_worse_england", width=14),
                       Column("Rank among neighbours", key="sn_rank", width=10),
                       Column("Reconciliation with DfE's figure", key="reconciliation", width=70, wrap=True)],
              notes=notes, landscape=True),
        Sheet(name="Commentary", title=f"Partners' commentary on their indicators, {words.label}", table=commentary,
              columns=[Column("Indicator", key="indicator_id", width=10), Column("Agency", key="agency", width=12),
                       Column("Status", key="commentary_status", width=12),
                       Column("Commentary", key="commentary", width=70, wrap=True),
                       Column("Flag", key="commentary_flag", width=40, wrap=True)],
              notes=notes, landscape=True),
        Sheet(name="Definitions", title="Scorecard indicator definitions", table=definitions,
              columns=[Column("Indicator", key="indicator_id", width=10), Column("Title", key="title", width=36, wrap=True),
                       Column("Statistic", key="statistic", width=11), Column("Unit", key="unit", width=18, wrap=True),
                       Column("Polarity", key="polarity", width=14), Column("Target", key="target", width=8),
                       Column("Definition", key="definition", width=70, wrap=True),
                       Column("Source", key="source", width=50, wrap=True)],
              notes=notes, landscape=True),
    ]
    return sheets
