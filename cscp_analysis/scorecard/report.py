"""What the scorecard notebooks show: accessible HTML tables, sentences from the numbers, chart groups.

Nothing here computes a statistic; it arranges published (disclosure-controlled) tables for reading.
The RAG rating is always shown as a coloured badge *with its word* and, beside it, its reason in words
(colour alone fails accessibility, WCAG 2.2 success criterion 1.4.1).
"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd

from ..charts import RAG_COLOURS
from ..disclosure import BOARD, audience_of
from ..narrative import KINDS, findings_table
from ..symbols import footnote, hidden_words, symbol
from .publish import suppression_flags

__all__ = [
    "spc_alt",
    "scorecard_html",
    "overview_sentences",
    "findings_markdown",
    "spc_groups",
    "small_multiples_alt",
    "benchmark_summary",
    "benchmark_sentences",
    "commentary_sentences",
    "AGENCY_GROUPS",
]

AGENCY_GROUPS = [
    ("csc", "Children's social care", ("CSC",)),
    ("partners", "Police, health, education, youth justice and LADO", ("POLICE", "HEALTH", "EDUCATION", "YJS", "LADO")),
    ("early_help", "Early help", ("EARLY_HELP",)),
    ("partnership", "The partnership itself", ("PARTNERSHIP",)),
]
_RAG_TEXT = {"red": "#FFFFFF", "amber": "#000000", "green": "#FFFFFF", "grey": "#000000"}


def _e(x) -> str:
    return html.escape("" if x is None or (isinstance(x, float) and math.isnan(x)) else str(x), quote=True)


def scorecard_html(table: pd.DataFrame) -> str:
    """The published scorecard as an accessible HTML table (a caption, header scopes, RAG as a word on
    its colour with the reason beside it)."""
    cols = [("indicator_id", "Indicator"), ("title", "Title"), ("agency", "Agency"), ("value", "This quarter"),
            ("interval", "95% interval"), ("previous_quarter", "Previous quarter"),
            ("same_quarter_last_year", "Same quarter last year"), ("rolling_12_months", "Rolling 12 months"),
            ("target", "Target"), ("england", "England"), ("west_midlands", "West Midlands"),
            ("sn_median", "Neighbours' median"), ("better_worse_england", "Compared with England (95%)"),
            ("spc_variation", "SPC variation"), ("spc_assurance", "SPC assurance"), ("rag", "RAG"),
            ("rag_reason", "Why"), ("commentary", "Agency's commentary")]
    out = ['<table class="cscp-table cscp-scorecard"><caption>Multi-agency performance scorecard, '
           f'{_e(table["period"].iloc[0]) if len(table) else ""}. RAG ratings are given in words with their '
           f'reasons. {_e(footnote(table))}</caption><thead><tr>']
    out += [f'<th scope="col">{_e(h)}</th>' for _, h in cols]
    out.append("</tr></thead><tbody>")
    for _, r in table.iterrows():
        cells = []
        for key, _ in cols:
            if key == "interval":
                lo, hi = r["lower_ci"], r["upper_ci"]
                v = "" if lo in ("", "z", None) or (isinstance(lo, float) and math.isnan(lo)) else f"{lo} to {hi}"
                cells.append(f"<td>{_e(v)}</td>")
            elif key == "rag":
                colour = RAG_COLOURS.get(r["rag"], "#BFBFBF")
                cells.append(f'<td style="background:{colour};color:{_RAG_TEXT.get(r["rag"], "#000")};'
                             f'font-weight:bold">{_e(str(r["rag"]).capitalize())}</td>')
            elif key == "value":
                unit = "%" if r["statistic"] == "percentage" and r["value"] not in ("c", "x", "") else ""
                extra = "" if r["statistic"] in ("percentage", "count") else f' <small>{_e(r["unit"])}</small>'
                cells.append(f"<td><strong>{_e(r['value'])}{unit}</strong>{extra}</td>")
            elif key == "commentary":
                if r["commentary_status"] == "missing":
                    cells.append('<td><strong>Missing</strong>: no commentary received for the quarter</td>')
                else:
                    flag = str(r.get("commentary_flag", "") or "")
                    cells.append(f"<td>{_e(r['commentary'])}" + (f"<br><small>{_e(flag)}</small>" if flag else "")
                                 + "</td>")
            elif key == "indicator_id":
                cells.append(f'<th scope="row">{_e(r[key])}</th>')
            else:
                cells.append(f"<td>{_e(r[key])}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def id_ranges(ids) -> str:
    """Indicator identifiers with runs written as ranges: CSC-01, CSC-02, CSC-03, CSC-05 -> 'CSC-01 to CSC-03,
    CSC-05' (a run of two stays two names)."""
    runs: list[list[str]] = []
    for iid in ids:
        prefix, _, number = str(iid).rpartition("-")
        if runs and number.isdigit():
            last_prefix, _, last_number = runs[-1][-1].rpartition("-")
            if last_prefix == prefix and last_number.isdigit() and int(number) == int(last_number) + 1:
                runs[-1].append(str(iid))
                continue
        runs.append([str(iid)])
    parts = []
    for run in runs:
        parts.append(f"{run[0]} to {run[-1]}" if len(run) > 2 else ", ".join(run))
    return ", ".join(parts)


def overview_sentences(sc) -> list[str]:
    """The scorecard in a few sentences, counted from the results: the ratings, the red indicators by title,
    what is not published, and whose commentary is missing (grouped by agency)."""
    from .narrative import _agency

    res = list(sc)
    n = len(res)
    by = pd.Series([r.rag for r in res], dtype=object).value_counts()
    words = ", ".join(f"{int(by.get(c, 0))} {c}" for c in ("red", "amber", "green"))
    out = [f"{n} indicators for {sc.period.label} ({sc.period.short_label}): {words} and {int(by.get('grey', 0))} "
           "grey (not rated or not published; each says why)."]
    red = [r for r in res if r.rag == "red"]
    if red:
        out.append(f"Red ({len(red)}): " + "; ".join(f"{r.indicator.label} ({r.indicator.id})" for r in red) + ".")
    blocked = [r for r in res if r.status != "ok"]
    if blocked:
        out.append(f"Not published because data were rejected or not received ({len(blocked)}): "
                   + "; ".join(f"{r.indicator.label} ({r.indicator.id}: {r.reason})" for r in blocked) + ".")
    else:
        out.append("Every indicator is published: no data behind them were rejected or missing.")
    missing = [r for r in res if r.commentary_status == "missing"]
    if missing:
        agencies: dict[str, list[str]] = {}
        for r in missing:
            agencies.setdefault(_agency(r), []).append(r.indicator.id)
        out.append(f"Commentary is missing for {len(missing)} indicator{'s' if len(missing) != 1 else ''}: "
                   + "; ".join(f"{a}: {len(ids)} indicator{'s' if len(ids) != 1 else ''}, {id_ranges(ids)}"
                               for a, ids in agencies.items()) + ".")
    else:
        out.append("Every agency sent its commentary.")
    concern = [r for r in res if (r.spc_summary or {}).get("concern_in_period")]
    if concern:
        out.append("Special-cause concern on the SPC chart this quarter: "
                   + "; ".join(f"{r.indicator.label} ({r.indicator.id})" for r in concern) + ".")
    return out


def findings_markdown(findings) -> str:
    """The three Signs of Safety lists (and context), each finding with its rule and evidence."""
    t = findings_table(findings)
    parts = []
    for kind, heading in KINDS.items():
        sub = t[t["kind"] == kind]
        if kind == "context" and not len(sub):
            continue
        parts.append(f"### {heading}\n")
        if not len(sub):
            parts.append("Nothing was drafted by the rules for this quarter.\n")
            continue
        for _, f in sub.iterrows():
            parts.append(f"- {f['text']} *(rule {f['rule']}; evidence {f['evidence']})*")
        parts.append("")
    return "\n".join(parts)


def spc_groups(sc) -> list[tuple[str, str, list]]:
    """Indicators with an SPC chart, grouped for small-multiple figures: (name, title, results)."""
    out = []
    for name, title, agencies in AGENCY_GROUPS:
        rs = [r for r in sc if r.indicator.agency in agencies and r.spc is not None]
        if rs:
            out.append((name, title, rs))
    return out


def small_multiples_alt(results, series) -> str:
    """Alt text of a small-multiples figure, short (the numbers are in its data table): what is charted, and
    which indicators show special-cause variation in the latest quarter."""
    from .narrative import when

    parts = [r for r in results if len(series[series["indicator_id"] == r.indicator.id])]
    if not parts:
        return "No SPC charts."
    labels = series.loc[series["indicator_id"] == parts[0].indicator.id, "label"].astype(str)
    concern = [r.indicator.id for r in parts if (r.spc_summary or {}).get("concern_in_period")]
    better = [r.indicator.id for r in parts if (r.spc_summary or {}).get("improvement_in_period")]
    runs = [r.indicator.id for r in parts if (r.spc_summary or {}).get("chart") == "run"]
    text = (f"{len(parts)} small SPC charts, one per indicator, from {when(labels.iloc[0])} to "
            f"{when(labels.iloc[-1])}, each with its centre line, its limits and its target where it has one. ")
    if runs:
        text += f"{', '.join(runs)} {'are run charts' if len(runs) > 1 else 'is a run chart'} (a median line, no limits). "
    text += (f"Special-cause concern in the latest quarter: {', '.join(concern)}. " if concern else
             "No special-cause concern in the latest quarter. ")
    if better:
        text += f"Special-cause improvement: {', '.join(better)}. "
    return text + "Every value, centre line and limit is in the chart's data table."


def benchmark_summary(sc, table: pd.DataFrame) -> pd.DataFrame:
    """The benchmark columns of the published scorecard, for indicators with a published measure."""
    cols = ["indicator_id", "title", "benchmark_value", "benchmark_year", "england", "west_midlands", "sn_median",
            "comparison_england_95", "comparison_england_99_8", "better_worse_england", "comparison_sn_median_95",
            "sn_rank", "sn_ranked", "sn_quartile", "benchmark_note", "published_for_authority", "local_same_year",
            "reconciliation"]
    return table.loc[table["benchmark_measure"] != "", cols].reset_index(drop=True)


def benchmark_sentences(sc) -> list[str]:
    """One sentence per benchmarked indicator, from the numbers (nothing from a suppressed value)."""
    from .rag import fmt_value

    out = []
    threshold = getattr(sc.config, "suppression_threshold", 5) if sc.config is not None else 5
    for r in sc:
        b = r.benchmark or {}
        if b.get("status") != "ok" or r.status != "ok" or suppression_flags(r, threshold)["comparable"]:
            continue
        ind = r.indicator
        d = b.get("decimals")
        rel = b["vs_england_95"]
        words = {"higher": "significantly higher than", "lower": "significantly lower than",
                 "similar": "similar to"}.get(rel, "not compared with")
        pol = b["vs_england_95_polarity"]
        judge = f" ({pol})" if pol in ("better", "worse") else ""
        out.append(f"{ind.label}: {fmt_value(ind, b['value'])} {b['value_label']}, {words} England "
                   f"({fmt_value(ind, b['england'], d)}){judge} at 95%; neighbours' median "
                   f"{fmt_value(ind, b['sn_median'], d)}; rank {b['rank']} of {b['n']} among its statistical "
                   f"neighbours (1 = highest) in {b['year']}.")
    return out


def commentary_sentences(sc) -> list[str]:
    res = list(sc)
    provided = sum(r.commentary_status == "provided" for r in res)
    missing = [r for r in res if r.commentary_status == "missing"]
    out = [f"{provided} indicators have their agency's commentary for {sc.period.label}; "
           f"{len(missing)} expected commentar{'ies are' if len(missing) != 1 else 'y is'} missing."]
    for r in missing:
        out.append(f"Missing: {r.indicator.agency}'s commentary on {r.indicator.id} {r.indicator.label}.")
    flagged = [r for r in res if r.commentary_flag]
    if flagged:
        names = getattr(sc.config, "agencies", None) or {}
        which = "; ".join(f"{names.get(r.indicator.agency, r.indicator.agency)} on {r.indicator.id} "
                          f"{r.indicator.label}" for r in flagged)
        if audience_of(sc.config) == BOARD:
            out.append(f"The commentary on {len(flagged)} indicator{'s' if len(flagged) != 1 else ''} seems to give "
                       f"detail about individual children ({which}): it is shown here, flagged, for the board to read "
                       "before anything is published; the public pack withholds it until the agency has rewritten it.")
        else:
            out.append(f"Commentary on {len(flagged)} indicator{'s was' if len(flagged) != 1 else ' was'} withheld "
                       f"for review because it seemed to give detail about individual children ({which}).")
    return out


POINT_WORDS = {"common_cause": "common-cause variation", "special_cause_improvement": "special-cause improvement",
               "special_cause_concern": "special-cause concern",
               "special_cause_neutral_high": "special-cause variation (high)",
               "special_cause_neutral_low": "special-cause variation (low)"}


def spc_alt(result, series: pd.DataFrame) -> str:
    """A description of one indicator's SPC chart, from its published numbers."""
    from ..charts.spc import series_for
    from .narrative import describe_special_causes, when

    ind = result.indicator
    s = series_for(series, ind.id) if "indicator_id" in series.columns else series
    if not len(s):
        return f"{ind.title}: no SPC chart ({(result.spc_summary or {}).get('note', 'no series')})."
    freq = "monthly" if result.spc_frequency == "monthly" else "quarterly"
    last = s.iloc[-1]
    unit = f" {ind.unit}" if ind.unit and ind.unit != "%" else ("%" if ind.unit == "%" else "")
    run = str(last.get("chart", "")) == "run chart"
    centre = (f"median {last['centre']}{unit}" if run else
              f"mean {last['centre']}{unit}, process limits {last['lower_process_limit']}{unit} to "
              f"{last['upper_process_limit']}{unit}")
    text = (f"{ind.title}: {'run chart' if run else 'XmR chart'} of {freq} values from {when(str(s['label'].iloc[0]))} "
            f"to {when(str(last['label']))}, {centre}. The latest value ({when(str(last['label']))}) is {symbol(last['value'])}"
            f"{unit if last['value'] != 'c' else ' (hidden)'}, "
            f"{POINT_WORDS.get(str(last['point_type']), 'not charted')}.")
    special = s[s["point_type"].astype(str) != "common_cause"].copy()
    if len(special) and result.spc is not None:
        raw = result.spc.reset_index(drop=True).assign(_pos=lambda d: np.arange(len(d)))
        raw = raw[raw["label"].astype(str).isin(set(special["label"].astype(str)))]
        text += f" Special-cause points: {describe_special_causes(raw)}."
    else:
        text += " No special-cause points."
    if ind.target is not None:
        text += f" Target {ind.target:g}{'%' if ind.unit == '%' else ''}."
    hidden = hidden_words(s["value"], "points")
    if hidden:
        text += f" {hidden[:-1]}; the line is broken at each."
    return text
