"""Professional lens: practitioners' views, through the Safeguarding Together Action Group (STAG) and the
regular staff survey.

STAG is "comprised of frontline staff ... to capture the views of practitioners, to share learning from
local and national reviews, to look at the effects of action on frontline practice ... and to identify
emerging safeguarding issues". Measures (docs/assurance.md):

* **Attendance**: STAG meetings held in **the twelve months to the period end**, and for each agency that
  has ever sent someone, the meetings it attended and the practitioners it sent. An agency that sent no one
  in the twelve months is named.
* **Issues** raised at STAG in the twelve months by theme: raised, escalated to a subgroup or the
  executive, answered by the period end. An escalated issue still awaiting a response more than 90 days
  after the meeting is named.
* **The staff survey**: the latest wave closing on or before the period end (within the twelve months)
  against the wave before it. For each statement, % agree (4 or 5 of 5, among those who answered) in each
  wave, the change in percentage points with Newcombe's interval and the pooled two-proportion z-test
  (``stats.two_proportion_test``; the two waves treated as independent samples, which the anonymous
  survey cannot check: the same person answering both makes the test conservative when their answers
  agree), p-values adjusted by Benjamini–Hochberg across the statements, and separately across every
  agency × statement comparison. **Agreement across all statements** by agency, for the latest wave, has
  an interval that allows for the answers of one respondent being alike (design effect with the ANOVA
  intracluster correlation, respondent = cluster: ``stats.clustered_proportion``).

Survey respondents are staff, and a small team's answers could be told apart: counts of respondents and
answers go through small-number suppression, and no share, change or test is shown from a suppressed
count. STAG attendance and issues are about the partnership's meetings, not people: formatted only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..narrative import Finding
from ..periods import Period, PeriodWords, parse_period
from ..sections import Section
from ._common import (
    ROLLING,
    agency_labels,
    happened,
    in_window,
    missing_part,
    missing_section,
    needs_columns,
    percent,
    period_end,
    register,
    states_set_aside,
    worded,
)
from ._compare import ALPHA, p_of, p_text

__all__ = ["AGREE", "stag_attendance", "stag_issues", "survey_waves", "survey_change", "agreement_by_agency",
           "published_survey_change", "section", "findings"]

SOURCE = "the Safeguarding Together Action Group's attendance and issues, and the multi-agency staff survey"
AGREE = (4, 5)  # agree and strongly agree
RESPONSE_DAYS = 90  # an escalated issue should have a response within this many days of the meeting
_LENS, _SRC = "professional", "assurance"


# --- STAG ---------------------------------------------------------------------------------------------


def stag_attendance(att: pd.DataFrame, period: str | Period, config=None, window: str = ROLLING) -> pd.DataFrame:
    """Meetings attended and practitioners sent in the window, for every agency that has ever attended.

    Columns: ``agency``, ``meetings_attended``, ``practitioners``, ``pct_of_meetings``; the last row,
    "All meetings", gives the meetings held and every practitioner.
    """
    needs_columns(att, ("meeting_id", "meeting_date", "agency", "attendees"), "stag_attendance")
    ever = att.loc[happened(att["meeting_date"], period)]
    now = ever.loc[in_window(ever["meeting_date"], period, window)]
    held = int(now["meeting_id"].nunique())
    g = now.groupby(now["agency"].astype("string"), sort=True).agg(
        meetings_attended=("meeting_id", "nunique"), practitioners=("attendees", "sum"))
    g = g.reindex(sorted(ever["agency"].astype("string").unique()), fill_value=0)
    g = g.rename_axis("agency").reset_index()
    g["agency"] = agency_labels(g["agency"], config)
    total = pd.DataFrame({"agency": ["All meetings"], "meetings_attended": [held],
                          "practitioners": [int(now["attendees"].sum())]})
    out = pd.concat([g, total], ignore_index=True)
    out["pct_of_meetings"] = percent(out["meetings_attended"], held)
    out[["meetings_attended", "practitioners"]] = out[["meetings_attended", "practitioners"]].astype(int)
    return out


def stag_issues(issues: pd.DataFrame, period: str | Period, window: str = ROLLING) -> pd.DataFrame:
    """Issues raised at STAG in the window by theme: ``theme``, ``raised``, ``escalated``, ``answered``,
    ``escalated_waiting`` (escalated, no response by the period end, meeting more than 90 days before it)."""
    needs_columns(issues, ("issue_id", "meeting_date", "theme", "escalated", "response_date"), "stag_issues")
    i = issues.loc[in_window(issues["meeting_date"], period, window)]
    answered = happened(i["response_date"], period)
    esc = (i["escalated"].astype("string") == "Y").fillna(False)
    old = pd.to_datetime(i["meeting_date"]) < period_end(period) - pd.Timedelta(days=RESPONSE_DAYS)
    t = pd.DataFrame({"theme": i["theme"].astype("string"), "raised": 1, "escalated": esc.astype(int),
                      "answered": answered.astype(int), "escalated_waiting": (esc & ~answered & old).astype(int)})
    g = t.groupby("theme", sort=True).sum().sort_values("raised", ascending=False, kind="mergesort")
    g = pd.concat([g, g.sum().to_frame("All themes").T]).rename_axis("theme").reset_index()
    return g


# --- the staff survey -------------------------------------------------------------------------------------


def survey_waves(survey: pd.DataFrame, period: str | Period) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The latest wave closing in the twelve months to the period end, and the wave before it (None if none)."""
    needs_columns(survey, ("response_id", "survey_date", "agency", "item_id", "item", "response"), "staff_survey")
    dates = pd.to_datetime(survey["survey_date"]).dt.normalize()
    known = pd.Series(sorted(dates[happened(dates, period)].unique()))
    if not len(known) or not in_window(known.iloc[[-1]], period, ROLLING).iloc[0]:
        return None, None
    return pd.Timestamp(known.iloc[-1]), (pd.Timestamp(known.iloc[-2]) if len(known) > 1 else None)


def _agree_counts(survey: pd.DataFrame, wave, by: list[str]) -> pd.DataFrame:
    s = survey.loc[pd.to_datetime(survey["survey_date"]).dt.normalize() == wave]
    r = pd.to_numeric(s["response"], errors="coerce")
    t = s[by].astype("string").assign(answered=r.notna().astype(int), agree=r.isin(AGREE).astype(int))
    return t.groupby(by, sort=True)[["answered", "agree"]].sum()


ALL = "All agencies"


def survey_change(survey: pd.DataFrame, period: str | Period, config=None) -> pd.DataFrame:
    """% agree with each statement in the latest wave against the wave before (see the module docstring).

    One block per statement: a row per agency, then the "All agencies" row. Columns: ``item_id``,
    ``item``, ``agency``, ``answered_previous``, ``agree_previous``, ``answered``, ``agree``,
    ``pct_previous``, ``pct``, ``change_pp``, ``change_lower``, ``change_upper``, ``p_value``,
    ``p_adjusted`` (Benjamini–Hochberg within two families: the "All agencies" rows, and the rows of the
    agencies).
    """
    from ..stats import bh_adjust, two_proportion_test

    latest, before = survey_waves(survey, period)
    cols = ["item_id", "item", "agency", "answered_previous", "agree_previous", "answered", "agree", "pct_previous",
            "pct", "change_pp", "change_lower", "change_upper", "p_value", "p_adjusted"]
    if latest is None:
        return pd.DataFrame(columns=cols)
    parts = []
    for keys in (["item_id", "item", "agency"], ["item_id", "item"]):
        now = _agree_counts(survey, latest, keys)
        prev = (_agree_counts(survey, before, keys) if before is not None else now.iloc[0:0]).add_suffix("_previous")
        t = now.join(prev, how="left").fillna(0).astype(int).reset_index()
        if "agency" not in t.columns:
            t["agency"] = ALL
        parts.append(t)
    t = pd.concat(parts, ignore_index=True)
    t["_all"] = t["agency"] == ALL
    t = t.sort_values(["item_id", "_all", "agency"], key=lambda c: c.map(_item_key) if c.name == "item_id" else c,
                      kind="mergesort").reset_index(drop=True)
    t["pct_previous"] = percent(t["agree_previous"], t["answered_previous"])
    t["pct"] = percent(t["agree"], t["answered"])
    ok = ((t["answered"] > 0) & (t["answered_previous"] > 0)).to_numpy()
    ch, lo, hi, p = (np.full(len(t), np.nan) for _ in range(4))
    if ok.any():
        res = two_proportion_test(t.loc[ok, "agree_previous"].to_numpy(), t.loc[ok, "answered_previous"].to_numpy(),
                                  t.loc[ok, "agree"].to_numpy(), t.loc[ok, "answered"].to_numpy())
        ch[ok], lo[ok], hi[ok] = (100 * np.asarray(v, float) for v in res)
        p[ok] = np.asarray(res.p_value, float)
    t["change_pp"], t["change_lower"], t["change_upper"], t["p_value"] = ch, lo, hi, p
    t["p_adjusted"] = bh_adjust(p, family=np.where(t["_all"], "all agencies", "each agency"))
    t["agency"] = agency_labels(t["agency"], config).where(~t["_all"], ALL)
    return t[cols]


def _item_key(item_id):
    text = str(item_id)
    digits = "".join(ch for ch in text if ch.isdigit())
    return f"{int(digits):06d}{text}" if digits else text


def agreement_by_agency(survey: pd.DataFrame, period: str | Period, config=None) -> pd.DataFrame:
    """Agreement across all statements in the latest wave by agency, with an interval allowing for clustering.

    Columns: ``agency``, ``respondents``, ``answers``, ``agree``, ``pct``, ``lower_ci``, ``upper_ci``,
    ``icc``, ``design_effect``; the last row is "All agencies".
    """
    from ..stats import clustered_proportion

    latest, _ = survey_waves(survey, period)
    cols = ["agency", "respondents", "answers", "agree", "pct", "lower_ci", "upper_ci", "icc", "design_effect"]
    if latest is None:
        return pd.DataFrame(columns=cols)
    s = survey.loc[pd.to_datetime(survey["survey_date"]).dt.normalize() == latest]
    r = pd.to_numeric(s["response"], errors="coerce")
    a = pd.DataFrame({"agency": s["agency"].astype("string"), "respondent": s["response_id"].astype("string"),
                      "agree": r.isin(AGREE).astype(int), "answer": 1})[r.notna().to_numpy()]
    everyone = a.assign(agency="All agencies")
    both = pd.concat([a.sort_values("agency", kind="mergesort"), everyone], ignore_index=True)
    res = clustered_proportion(both, "agree", "answer", "respondent", group_by="agency", multiplier=100)
    out = res.rename(columns={"numerator": "agree", "denominator": "answers", "clusters": "respondents",
                              "value": "pct"})
    out["agency"] = agency_labels(out["agency"], config).where(out["agency"] != "All agencies", "All agencies")
    return out[cols]


# --- publication ---------------------------------------------------------------------------------------


def published_survey_change(table: pd.DataFrame, config=None) -> pd.DataFrame:
    """:func:`survey_change` as published: each wave's counts suppressed on their own lines (answered = agree +
    not agree in a row; the agencies add up to "All agencies" within a statement), and every share, change and
    p-value shown as ``c`` where a count it uses is hidden."""
    out = table[["item_id", "item", "agency"]].copy()
    prev = _publish_wave(table, "answered_previous", "agree_previous", config)
    now = _publish_wave(table, "answered", "agree", config)
    out["answered_previous"], out["agree_previous"] = prev["answered"].to_numpy(), prev["agree"].to_numpy()
    out["answered"], out["agree"] = now["answered"].to_numpy(), now["agree"].to_numpy()
    from .. import disclosure

    counts = ["answered", "agree", "not_agree"]
    hidden_prev = ((prev[counts] == "c").any(axis=1)).to_numpy()
    hidden_now = ((now[counts] == "c").any(axis=1)).to_numpy()
    small_prev, small_now = _small(prev[counts]), _small(now[counts])
    none_prev = (table["answered_previous"] == 0).to_numpy()
    hidden = hidden_prev | hidden_now
    small = (small_prev & hidden_prev) | (small_now & hidden_now)

    def shown(values, text, mask, primary):
        kind = np.where(primary, disclosure.PRIMARY, disclosure.SECONDARY)
        number = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
        return disclosure.hide(number, mask, np.asarray(text, dtype=object), kind=kind)

    out["pct_previous"] = np.where(none_prev, "x", shown(table["pct_previous"], _one_decimal(table["pct_previous"]),
                                                         hidden_prev, small_prev))
    out["pct"] = shown(table["pct"], _one_decimal(table["pct"]), hidden_now, small_now)
    for c in ("change_pp", "change_lower", "change_upper"):
        out[c] = np.where(none_prev, "x", shown(table[c], _one_decimal(table[c]), hidden, small))
    for c in ("p_value", "p_adjusted"):
        out[c] = np.where(none_prev, "x", shown(table[c], p_text(table[c]), hidden, small))
    return out


def _small(cells: pd.DataFrame) -> np.ndarray:
    """Rows where a hidden count is a count from 1 to the threshold (or a plain ``c``)."""
    from .. import disclosure

    kinds = [[c == "c" and getattr(c, "kind", disclosure.PRIMARY) == disclosure.PRIMARY for c in cells[col]]
             for col in cells.columns]
    return np.array(kinds, dtype=bool).any(axis=0) if kinds else np.zeros(len(cells), dtype=bool)


def _one_decimal(values) -> list[str]:
    from .. import disclosure

    return list(disclosure.format_numbers(pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float), 1))


def _publish_wave(t: pd.DataFrame, answered: str, agree: str, config) -> pd.DataFrame:
    from .publish import publish

    part = pd.DataFrame({"item_id": t["item_id"].to_numpy(), "agency": t["agency"].to_numpy(),
                         "answered": t[answered].to_numpy(), "agree": t[agree].to_numpy(),
                         "not_agree": (t[answered] - t[agree]).to_numpy()})
    return publish(part, ["answered", "agree", "not_agree"], config, total_column="answered", by="item_id",
                   total_row=("agency", ALL), own_work=True).table


def published_agreement(table: pd.DataFrame, config=None) -> pd.DataFrame:
    """:func:`agreement_by_agency` as published: respondents suppressed (agencies add up to all agencies), and
    the answers, shares, intervals and design effects of a hidden agency shown as ``c``."""
    from .publish import publish

    stats = ["pct", "lower_ci", "upper_ci", "icc", "design_effect"]
    t = publish(table[["agency", "respondents", *stats]], ["respondents"], config,
                derived={c: ["respondents"] for c in stats}, total_row=("agency", ALL),
                decimals={"pct": 1, "lower_ci": 1, "upper_ci": 1, "icc": 3, "design_effect": 2}, own_work=True).table
    from .. import disclosure

    t.insert(2, "answers", disclosure.hidden_like(t["respondents"], table["answers"].to_numpy(float),
                                                  table["answers"].astype(int).astype(str).to_numpy()))
    return t


# --- the section ------------------------------------------------------------------------------------

_STAG_WORDS = {"agency": "Agency", "meetings_attended": "Meetings attended", "practitioners": "Practitioners sent",
               "pct_of_meetings": "Meetings attended (%)"}
_ISSUE_WORDS = {"theme": "Issue raised", "raised": "Times raised", "escalated": "Escalated",
                "answered": "Answered by the period end", "escalated_waiting": "Escalated, no answer after 90 days"}
_CHANGE_WORDS = {"agency": "Agency", "item": "Statement", "answered_previous": "Answered (wave before)",
                 "pct_previous": "Agree (%), wave before", "answered": "Answered (latest wave)",
                 "pct": "Agree (%), latest wave", "change_pp": "Change (points)", "change_lower": "95% interval from",
                 "change_upper": "to", "p_adjusted": "p (adjusted)"}
_AGREE_WORDS = {"agency": "Agency", "respondents": "Respondents", "answers": "Answers",
                "pct": "Agree across all statements (%)", "lower_ci": "95% interval from", "upper_ci": "to",
                "design_effect": "Design effect"}


def agreement_sentence(latest) -> str:
    """The summary of the agreement table, filled from its "All agencies" row."""
    return (f"{{pct}}% of the answers of the {{respondents}} practitioners responding in {_wave_words(latest)} agreed "
            "(95% interval {lower_ci}% to {upper_ci}%)")


def _wave_words(day) -> str:
    return f"{day:%B %Y}" if day is not None else "none"


@states_set_aside("stag_attendance", "stag_issues", "staff_survey")
def section(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> Section:
    """Practitioners' views: STAG attendance and issues, and the staff survey (lens: professional)."""
    from ..charts import registers as charts
    from .publish import format_only

    p = parse_period(period)
    w = words or PeriodWords.quarter(p)
    sec = Section("practitioners", "Practitioners' views: the Safeguarding Together Action Group and the staff survey",
                  _LENS, period=w.label, source=SOURCE,
                  window=f"STAG meetings in {w.twelve_months}; the latest staff survey closing in {w.twelve_months}, "
                         "against the survey before it")
    att, issues = register(returns_or_tables, "stag_attendance"), register(returns_or_tables, "stag_issues")
    survey = register(returns_or_tables, "staff_survey")
    if att is None and issues is None and survey is None:
        return missing_section(sec, "stag_attendance", "stag_issues", "staff_survey")
    found: list[Finding] = []
    if att is not None:
        st = format_only(stag_attendance(att, p, config), {"pct_of_meetings": 1})
        st.loc[st.index[-1], "pct_of_meetings"] = "z"
        held = st.iloc[-1]["meetings_attended"]
        sec.add_table("assurance_stag_attendance", f"Safeguarding Together Action Group: meetings attended by each "
                      f"agency, {w.twelve_months}", st, view=worded(st, _STAG_WORDS),
                      summary=f"{held} STAG meetings were held in {w.twelve_months}, with {st.iloc[-1]['practitioners']} "
                              "practitioner places taken.")
        found += _stag_findings(st, w)
    else:
        missing_part(sec, "stag_attendance")
    if issues is not None:
        it = stag_issues(issues, p)
        sec.add_table("assurance_stag_issues", f"Issues practitioners raised at STAG in {w.twelve_months}, escalated and "
                      "answered", it, view=worded(it, _ISSUE_WORDS),
                      summary=f"{it.iloc[-1]['raised']} issues were raised in {w.twelve_months}, "
                              f"{it.iloc[-1]['escalated']} of them escalated to a subgroup or the executive.")
        found += _issue_findings(it, w)
    else:
        missing_part(sec, "stag_issues")
    if survey is not None:
        latest, before = survey_waves(survey, p)
        if latest is None:
            found.append(Finding("needs_to_happen", f"No staff survey closed in {w.twelve_months}: the regular survey "
                                 "of practitioners should be run.", _LENS, _SRC, "register staff survey", priority="P4",
                                 rule="PRA-03", weight=0.6))
        else:
            waves = f"{_wave_words(latest)} against {_wave_words(before)}"
            full = published_survey_change(survey_change(survey, p, config), config)
            is_all = (full["agency"] == ALL).to_numpy()
            overall = sec.add_table(
                "assurance_staff_survey_change", f"Staff survey: practitioners agreeing with each statement, {waves}",
                full.loc[is_all].drop(columns="agency"), counts=["answered_previous", "answered"], own_work=True,
                summary=f"Agreement with each statement in the survey closing in {_wave_words(latest)}, against the "
                        f"one closing in {_wave_words(before)}, with the change and its 95% interval.")
            sec.tables[-1].view = worded(overall, _CHANGE_WORDS)
            agencies = sec.add_table(
                "assurance_staff_survey_change_by_agency", f"Staff survey by statement and agency, {waves}", full,
                counts=["answered_previous", "answered"], own_work=True, shown=False,  # 80 rows: the CSV and the
                summary="The same comparison for each agency and statement; p-values are adjusted for the number of "
                        "comparisons.")  # index's table view; the page shows the agency summary below
            sec.tables[-1].view = worded(full, _CHANGE_WORDS)
            agencies = agencies.loc[agencies["agency"] != ALL]
            ag = sec.add_table(
                "assurance_staff_survey_agreement", f"Staff survey: agreement across all statements by agency, "
                f"{_wave_words(latest)}, with intervals allowing for answers of one respondent being alike",
                published_agreement(agreement_by_agency(survey, p, config), config), counts=["respondents"], own_work=True,
                summary=f"Across all statements, {agreement_sentence(latest)}; the interval allows for the answers of "
                        "one practitioner being alike (the design effect is how much wider that makes it).")
            sec.tables[-1].view = worded(ag, _AGREE_WORDS)
            sec.tables[-1].summary = sec.tables[-1].summary.format(**ag.iloc[-1].to_dict())
            allrow = ag.iloc[-1]
            sec.add_figure(
                "assurance_staff_survey_chart", f"Staff survey: agreement by statement, {waves}",
                f"Dot chart, one row per statement of the staff survey closing in {_wave_words(latest)}: the share of "
                f"practitioners agreeing, with its 95% interval as a line, and a diamond at the share in the survey "
                f"closing in {_wave_words(before)}; across all statements and agencies {allrow['pct']}% of answers "
                "agreed.",
                "assurance_staff_survey_change",
                lambda: charts.shares_with_intervals(
                    _with_wilson(overall), "item", "pct", "lower_ci", "upper_ci", reference="pct_previous",
                    reference_name=f"Survey of {_wave_words(before)}", value_name=f"Survey of {_wave_words(latest)}",
                    title="Practitioners agreeing with each statement", xlabel="Agree or strongly agree (%)",
                    source="multi-agency staff survey"))
            found += _survey_findings(overall, agencies, ag, latest, before)
    else:
        missing_part(sec, "staff_survey")
    sec.findings = found + sec.findings
    return sec


def _with_wilson(t: pd.DataFrame) -> pd.DataFrame:
    """Wilson intervals of the published shares, for the chart (none where a count is hidden)."""
    from ..stats import wilson_interval
    from .publish import number

    n, x = t["answered"].map(number).to_numpy(), t["agree"].map(number).to_numpy()
    lo, hi = np.full(len(t), np.nan), np.full(len(t), np.nan)
    ok = ~np.isnan(n) & ~np.isnan(x) & (n > 0)
    if ok.any():
        a, b = wilson_interval(x[ok], n[ok])
        lo[ok], hi[ok] = 100 * np.asarray(a, float), 100 * np.asarray(b, float)
    return t.assign(lower_ci=lo, upper_ci=hi)


def findings(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> list[Finding]:
    """Findings about practitioners' views (rules PRA-01 to PRA-05, docs/assurance.md)."""
    return section(returns_or_tables, period, config, words).findings


def _num(v) -> float:
    from .publish import number

    return number(v)


def _stag_findings(st: pd.DataFrame, w: PeriodWords) -> list[Finding]:
    held = _num(st.iloc[-1]["meetings_attended"])
    body = st.iloc[:-1]
    if held == 0:
        return [Finding("worried", f"No STAG meeting was held in {w.twelve_months}.", _LENS, _SRC,
                        "table assurance_stag_attendance", priority="P4", rule="PRA-01", weight=0.6)]
    out = [Finding("context", f"{held:.0f} STAG meetings were held in {w.twelve_months}; "
                   f"{int((body['meetings_attended'].map(_num) > 0).sum())} agencies sent practitioners.", _LENS, _SRC,
                   "table assurance_stag_attendance", priority="P4", rule="PRA-01")]
    absent = body.loc[body["meetings_attended"].map(_num) == 0, "agency"].tolist()
    if absent:
        out.append(Finding("needs_to_happen", f"No practitioner from {', '.join(absent)} came to STAG in "
                           f"{w.twelve_months}: the partnership should ask why, so that their practitioners' views are "
                           "heard.", _LENS, _SRC, "table assurance_stag_attendance", priority="P4", rule="PRA-01",
                           weight=0.6))
    return out


def _issue_findings(it: pd.DataFrame, w: PeriodWords) -> list[Finding]:
    tot = it.iloc[-1]
    if not tot["raised"]:
        return []
    out = [Finding("context", f"Practitioners raised {tot['raised']} issues at STAG in {w.twelve_months}, most often: "
                   + "; ".join(f"{r.theme} ({r.raised})" for r in it.iloc[:-1].head(2).itertuples())
                   + f". {tot['escalated']} were escalated.", _LENS, _SRC, "table assurance_stag_issues", priority="P4",
                   rule="PRA-02")]
    if tot["escalated_waiting"]:
        waiting = it.iloc[:-1].loc[it["escalated_waiting"].iloc[:-1] > 0, "theme"].tolist()
        out.append(Finding("needs_to_happen", f"{tot['escalated_waiting']} escalated STAG issues had no response more "
                           f"than {RESPONSE_DAYS} days after the meeting ({'; '.join(waiting)}): the subgroups should "
                           "answer them.", _LENS, _SRC, "table assurance_stag_issues", priority="P4", rule="PRA-02",
                           weight=0.5))
    return out


def _survey_findings(overall, agencies, ag, latest, before) -> list[Finding]:
    out: list[Finding] = []
    when = f"between the surveys of {_wave_words(before)} and {_wave_words(latest)}"
    for t, rule, ev in ((overall, "PRA-03", "table assurance_staff_survey_change"),
                        (agencies, "PRA-04", "table assurance_staff_survey_change_by_agency")):
        pa, ch = t["p_adjusted"].map(p_of), t["change_pp"].map(_num)
        for i in t.index[(pa < ALPHA) & ch.notna()]:
            r = t.loc[i]
            who = f"{r['agency']} practitioners" if "agency" in t.columns else "Practitioners"
            out.append(Finding(
                "working_well" if ch[i] > 0 else "worried",
                f"{who} agreeing that \"{r['item']}\" went from {r['pct_previous']}% to {r['pct']}% {when} "
                f"({ch[i]:+.1f} points, 95% interval {r['change_lower']} to {r['change_upper']}): more than chance "
                "would explain.", _LENS, _SRC, ev, priority="P4", rule=rule, weight=min(1.0, abs(ch[i]) / 50 + 0.3)))
    if not any(f.rule in ("PRA-03", "PRA-04") for f in out):
        out.append(Finding("context", f"No statement's agreement changed {when} by more than chance would explain, "
                           "overall or in any agency.", _LENS, _SRC, "table assurance_staff_survey_change",
                           priority="P4", rule="PRA-03"))
    allrow = ag.iloc[-1]
    if pd.notna(_num(allrow["pct"])):
        out.append(Finding("context", f"In the survey of {_wave_words(latest)}, {allrow['pct']}% of practitioners' "
                           f"answers agreed across all statements (95% interval {allrow['lower_ci']}% to "
                           f"{allrow['upper_ci']}%, allowing for the answers of one practitioner being alike: design "
                           f"effect {allrow['design_effect']}).", _LENS, _SRC, "table assurance_staff_survey_agreement",
                           priority="P4", rule="PRA-05"))
    return out
