"""Words for readers: the one table of labels that turns the tidy names of the CSVs into headings.

The published CSVs keep tidy, stable column names (``rri_lower``, ``ethnicity_major``) that analysts
and scripts rely on; what a reader sees says the same thing in words ("Relative rate index, lower 95%",
"Ethnic group"). The renderer (``Session.show_table``) passes every table it shows through
:func:`for_readers`; the pack carries the list as ``tables/column_labels.csv`` (a data dictionary of
the published tables). A name without an explicit label is turned into words token by token
(:data:`TOKENS`), so no variable name reaches a reader.

Symbols are not labels: a cell holding ``[c]``, ``[s]``, ``[x]``, ``[z]`` or ``[low]`` (or the package's
letters, which the output boundary turns into them, :mod:`cscp_analysis.symbols`) is left as it is here,
and the footnote under each table says what the symbols it shows mean.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["COLUMNS", "VALUES", "TOKENS", "ANALYST_COLUMNS", "label", "value_label", "for_readers", "dictionary",
           "analyst_columns"]

#: Column name -> heading.
COLUMNS: dict[str, str] = {
    # identity and period
    "indicator_id": "Indicator", "title": "Title", "short_title": "Indicator", "agency": "Agency",
    "agency_name": "Agency", "priority": "Priority", "lens": "Lens", "period": "Period", "quarter": "Quarter",
    "window": "Twelve months to", "year": "Year", "financial_year": "Financial year", "label": "Label",
    "stage": "Stage", "decision": "Decision", "characteristic": "Characteristic", "group": "Group",
    "reference": "Compared with", "measure": "Measure", "measure_title": "Measure", "unit": "Unit",
    "area": "Area", "area_name": "Area", "area_code": "Area code", "area_type": "Area type",
    "file": "File", "table": "Table", "row": "Row", "column": "Column", "rule": "Rule", "rule_id": "Rule",
    "severity": "Severity", "checked": "What is checked", "found": "What was found", "message": "Problem", "description": "Description", "files": "Files",
    "due_date": "Due", "received_date": "Received", "status": "Status", "status_reason": "Why",
    "rows_received": "Rows received", "rows_accepted": "Rows accepted", "rows_rejected": "Rows rejected",
    "received": "Received", "accepted": "Accepted", "rejected": "Rejected", "balances": "Balances",
    "used": "Used", "after_period_end": "After the period end", "problems": "Problems", "count": "Count",
    # values and intervals
    "value": "Value", "value_in_quarter": "In the quarter", "period_basis": "Period", "lower_ci": "Lower 95%",
    "upper_ci": "Upper 95%", "numerator": "Numerator", "denominator": "Denominator", "percent": "%",
    "previous_quarter": "Previous quarter", "same_quarter_last_year": "Same quarter last year",
    "rolling_12_months": "Twelve months", "target": "Target", "target_status": "Target",
    "statistic": "Statistic", "polarity": "Better when", "definition": "Definition", "source": "Source",
    "benchmark": "Benchmark", "benchmark_measure": "Published measure", "benchmark_year": "Year of benchmark",
    "benchmark_value": "The partnership", "benchmark_note": "Note", "england": "England",
    "west_midlands": "West Midlands", "region": "Region", "sn_median": "Neighbours' median",
    "authority": "The authority", "n_neighbours": "Neighbours counted", "rank": "Rank", "ranked": "Of",
    "quartile": "Quartile", "sn_rank": "Rank among neighbours", "sn_ranked": "Of", "sn_quartile": "Quartile",
    "comparison_england_95": "Against England (95%)", "comparison_england_99_8": "Against England (99.8%)",
    "better_worse_england": "Better or worse than England", "comparison_sn_median_95": "Against neighbours (95%)",
    "published_for_authority": "DfE's figure for the authority", "local_same_year": "Our figure, same year",
    "reconciliation": "Why the two differ", "rag": "RAG", "rag_reason": "Why", "previous_rag": "RAG before",
    "direction": "Direction", "change": "Change", "commentary": "Commentary", "commentary_status": "Commentary",
    # SPC
    "frequency": "Frequency", "chart": "Chart", "centre": "Centre line", "mean": "Mean",
    "lower_process_limit": "Lower process limit", "upper_process_limit": "Upper process limit",
    "point_type": "Point", "period_of_process": "Period of the process",
    "change_point": "Change recorded here (limits recalculated)", "in_baseline": "In the baseline",
    "suppressed": "Hidden", "spc_frequency": "SPC frequency", "spc_point_type": "Latest point",
    "spc_variation": "SPC variation", "spc_assurance": "SPC assurance", "spc_note": "SPC note",
    # disproportionality
    "children": "Children", "population": "Population", "rate_per_10000": "Rate per 10,000",
    "rate_lower": "Rate, lower 95%", "rate_upper": "Rate, upper 95%", "rri": "Relative rate index",
    "rri_lower": "Lower 95%", "rri_upper": "Upper 95%", "disproportionality_ratio": "Disproportionality ratio",
    "dr_lower": "Lower 95%", "dr_upper": "Upper 95%", "p_adjusted": "p (adjusted)", "p_value": "p",
    "children_at_previous_stage": "Children at the stage before", "children_going_on": "Children going on",
    "percent_going_on": "% going on", "ratio": "Ratio", "ratio_lower": "Lower 95%", "ratio_upper": "Upper 95%",
    "ethnicity_refused": "Refused", "ethnicity_not_obtained": "Not yet obtained",
    "ethnicity_not_known": "Not known", "percent_not_known": "% not known", "warning": "Warning",
    "rri_year_earlier": "Index a year earlier", "rri_latest": "Index now", "crude_rri": "Crude index",
    "age_standardised_rri": "Age-standardised index", "age_standardised_rate": "Age-standardised rate",
    "age_profile_changes_the_ratio": "Age explains part of it",
    # findings
    "kind": "Line", "text": "Finding", "evidence": "Evidence", "weight": "Weight", "level": "Level of help",
    "owner": "Owner", "by_when": "By when", "severity_rank": "Rank", "report": "Report",
    # assurance
    "reviews": "Reviews", "allegations": "Allegations", "gradings": "Gradings", "graded": "Graded",
    "good_or_better": "Good or better", "ri_or_inadequate": "Requires improvement or inadequate",
    "pct_good_or_better": "% good or better", "cases": "Cases", "audit_id": "Audit", "audit_date": "Date",
    "theme": "Theme", "line_of_enquiry": "Line of enquiry", "booked": "Booked", "attended": "Attended",
    "did_not_attend": "Did not attend", "pct_attended": "% attended", "course": "Course", "pairs": "Learners",
    "answered": "Answered", "agree": "Agree", "disagree": "Disagree", "neither": "Neither",
    "pct_agree": "% agree", "pct_disagree": "% disagree", "pct_neither": "% neither", "item": "Statement",
    "item_id": "Number", "survey": "Survey", "setting": "Setting", "respondents": "Respondents",
    "organisation": "Organisation", "standard": "Standard", "standard_id": "Standard", "rating": "Rating",
    "met": "Met", "partly_met": "Partly met", "not_met": "Not met", "rated": "Rated", "pct_met": "% met",
    "action_id": "Action", "owner_agency": "Owner", "days_overdue": "Days overdue", "employer_sector": "Sector",
    "total": "Total", "pct": "%", "of": "Of", "band": "Band",
}

#: Code-like values in what readers see -> words (the CSVs keep the codes).
VALUES: dict[str, str] = {
    # the tables of the returns, as the data returns page names them
    "icpc": "initial child protection conferences", "section47": "section 47 enquiries",
    "cla_periods": "periods of care", "cla_placements": "placements in care", "cp_plans": "child protection plans",
    "lado": "LADO allegations", "qa_visits": "quality-assurance visits", "qa_visit_actions": "quality-assurance visit actions",
    "stag_attendance": "STAG attendance", "stag_issues": "STAG issues", "you_said_we_did": "you said, we did",
    "partner_return": "partners' returns",
    "ethnicity_major": "Ethnic group", "ethnicity": "Ethnic group (DfE code)", "sex": "Sex", "age_band": "Age band",
    "disability": "Disability", "ethnicity_major_x_sex": "Ethnic group by sex",
    "ethnicity_major_x_age_band": "Ethnic group by age band",
    "working_well": "What is working well", "worried": "What we are worried about",
    "needs_to_happen": "What needs to happen", "context": "Context",
    "higher_is_better": "higher", "lower_is_better": "lower", "neither": "neither",
    "median_days": "median days", "common_cause": "common cause",
    "special_cause_improvement": "special-cause improvement", "special_cause_concern": "special-cause concern",
    "special_cause_neutral_high": "special cause (high)", "special_cause_neutral_low": "special cause (low)",
    "not_published": "not published", "not_expected": "not expected", "partly_met": "partly met",
    "not_met": "not met", "not_submitted": "not submitted", "requires_improvement": "requires improvement",
    # the areas of the benchmarking tables
    "la": "Local authority", "sn_median": "Statistical neighbours' median", "region": "Region", "england": "England",
}

#: Tokens of a tidy name -> words, for names without an explicit label.
TOKENS: dict[str, str] = {"pct": "%", "rri": "relative rate index", "dr": "disproportionality ratio",
                          "sn": "neighbours'", "ci": "interval", "num": "number", "pp": "percentage points",
                          "lcspr": "practice review", "s11": "Section 11", "s175": "Section 175", "cdop": "CDOP",
                          "lado": "LADO", "id": "", "yjs": "youth justice", "rhi": "return home interview",
                          "cla": "looked after", "cin": "children in need", "cpp": "child protection plan",
                          "icpc": "conference", "s47": "section 47", "q": "quarter", "n": "number"}

_SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
_UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
#: A code written as one capitalised word of five letters or more (POLICE, HEALTH, EDUCATION); shorter
#: ones are acronyms and stay as they are (CSC, YJS, LADO, and DfE's four-letter ethnicity codes).
_UPPER_WORD = re.compile(r"^[A-Z]{5,}$")


def label(name: str) -> str:
    """The heading of a column: its explicit label, or its tokens in words."""
    if name in COLUMNS:
        return COLUMNS[name]
    if not (_SNAKE.match(str(name)) or re.fullmatch(r"[a-z][a-z0-9]*", str(name))):
        return str(name)
    words = [TOKENS.get(t, t) for t in str(name).split("_")]
    text = " ".join(w for w in words if w).strip()
    return text[:1].upper() + text[1:] if text else str(name)


def value_label(value):
    """A code-like value in words (other values unchanged)."""
    if isinstance(value, str):
        if value in VALUES:
            return VALUES[value]
        if _SNAKE.match(value):
            return value.replace("_", " ")
        if _UPPER_SNAKE.match(value) or _UPPER_WORD.match(value):  # EARLY_HELP, POLICE: "Early help", "Police"
            return value.replace("_", " ").capitalize()
    return value


def for_readers(table: pd.DataFrame) -> pd.DataFrame:
    """The table as a reader sees it: headings in words, code-like values in words (a copy)."""
    out = table.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(value_label)
    out.columns = [label(c) for c in out.columns]
    return out


#: Columns that hold keys for the analyst (which rule drafted a finding, which table is its evidence, its
#: ranking weight, the page it links to): in the CSV, never in a reader's view of the table.
ANALYST_COLUMNS = frozenset({"rule", "evidence", "weight", "report", "value_num"})  # value_num: value, as a number

#: A value that is a key, not words: a tidy name (``referral_rate``, ``table assurance_voice_reach``,
#: ``disproportionality_rates[EDU_PERM_EXCL, sex, M]``), a partner's field code (``EDU_PERM_EXCL``) or a
#: dotted measure name (``csc.referrals``, ``partner.numerator:POL_STRATEGY_ATTEND``) or a reference to a
#: file and its field (``dfe_cin_census/b1_children_in_need_2013_to_2025.csv: At31_episodes``), or a sentence
#: naming such a file in a folder (``median of 10 neighbours' values (statistical_neighbours/sn_model.csv)``).
_CODE = re.compile(r"^(?:table )?[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?:\[.*\])?$|^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$"
                   r"|^[a-z][a-z0-9_]*\.[A-Za-z0-9_.:]+$|^[\w./-]+\.(?:csv|xlsx|xml)\b"
                   r"|^.*\b[\w-]+/[\w./-]+\.(?:csv|xlsx|xml)\b")


def analyst_columns(table: pd.DataFrame, share: float = 0.8) -> list[str]:
    """The columns of a table that a reader's view leaves out (they stay in its CSV): those named in
    :data:`ANALYST_COLUMNS`, and text columns whose values are mostly keys rather than words (at least
    ``share`` of the non-empty values look like :data:`_CODE`), when the table has other columns to read."""
    out = []
    for c in table.columns:
        if str(c) in ANALYST_COLUMNS:
            out.append(c)
            continue
        column = table[c]
        if not (column.dtype == object or pd.api.types.is_string_dtype(column)):
            continue
        values = column.dropna().astype(str).str.strip()
        values = values[values != ""]
        if len(values) and values.str.match(_CODE).mean() >= share:
            out.append(c)
    return out if len(out) < len(table.columns) else []


def dictionary(columns) -> pd.DataFrame:
    """The data dictionary of published columns: the tidy name and its heading in words."""
    names = sorted(set(map(str, columns)))
    return pd.DataFrame({"column": names, "heading": [label(c) for c in names]})
