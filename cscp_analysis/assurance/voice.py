"""The voice of children and families: the quarterly Your Voice Matters survey and engagement sessions.

* The **survey of the period** is every response with a survey date in the quarter; the previous
  survey is the quarter before (same item identifiers) for change.
* Each item is a statement answered 1 (strongly disagree) to 5 (strongly agree). **% agree** is the
  share answering 4 or 5 among those who answered the item (blanks left out of the denominator);
  % disagree is 1 or 2, % neither 3. The diverging chart puts disagreement left of zero and agreement
  right, with "neither" split half each side of zero (the usual centred-neutral diverging bar).
* **Themes** are those recorded at engagement sessions of the quarter, with what the partnership did
  in response ("you said, we did"). No counts of children are attached to themes.

Respondents are children: published counts (respondents, answers at each level) go through
small-number suppression, and no percentage is shown from a suppressed count.
"""

from __future__ import annotations

import pandas as pd

from ..narrative import Finding
from ..periods import Period, PeriodWords, parse_period
from ..sections import Section
from ._common import QUARTER, in_window, needs_columns, percent, split_list, tables_of

__all__ = [
    "LEVELS",
    "LEVEL_LABELS",
    "survey_overview",
    "likert_summary",
    "likert_change",
    "session_themes",
    "published_likert",
    "published_change",
    "section",
    "findings",
]

SOURCE = "the Your Voice Matters survey and the register of engagement sessions"  # where this section's numbers come from, in words

LEVELS = (1, 2, 3, 4, 5)
LEVEL_LABELS = {1: "Strongly disagree", 2: "Disagree", 3: "Neither", 4: "Agree", 5: "Strongly agree"}
_COLS = ("response_id", "survey_date", "setting", "item_id", "item", "response")


def _survey(responses: pd.DataFrame, period: str | Period, window: str = QUARTER) -> pd.DataFrame:
    needs_columns(responses, _COLS, "voice_responses")
    return responses.loc[in_window(responses["survey_date"], period, window)]


def survey_overview(responses: pd.DataFrame, period: str | Period) -> pd.DataFrame:
    """Respondents in the quarter by setting and age band, with an "All" row: ``setting``, ``respondents``."""
    s = _survey(responses, period)
    people = s.drop_duplicates("response_id")
    g = people.groupby(people["setting"].astype("string"), sort=True).size()
    out = pd.concat([g, pd.Series({"All": int(len(people))})]).rename("respondents")
    return out.rename_axis("setting").reset_index()


def likert_summary(responses: pd.DataFrame, period: str | Period, window: str = QUARTER) -> pd.DataFrame:
    """One row per item of the quarter's survey.

    Columns: ``item_id``, ``item``, ``answered`` (non-blank), ``blank``, ``n_1`` .. ``n_5``,
    ``disagree`` (1+2), ``neither`` (3), ``agree`` (4+5), ``pct_disagree``, ``pct_neither``,
    ``pct_agree`` (of answered).
    """
    s = _survey(responses, period, window)
    resp = pd.to_numeric(s["response"], errors="coerce")
    items = s[["item_id", "item"]].astype("string").drop_duplicates("item_id")
    level = pd.Categorical(resp, categories=list(LEVELS))
    tab = pd.crosstab(s["item_id"].astype("string"), level, dropna=False).reindex(columns=list(LEVELS), fill_value=0)
    tab.columns = [f"n_{k}" for k in LEVELS]
    blanks = resp.isna().groupby(s["item_id"].astype("string")).sum().rename("blank")
    out = items.merge(tab, left_on="item_id", right_index=True, how="left").merge(
        blanks, left_on="item_id", right_index=True, how="left")
    n_cols = [f"n_{k}" for k in LEVELS]
    out[n_cols + ["blank"]] = out[n_cols + ["blank"]].fillna(0).astype(int)
    out["answered"] = out[n_cols].sum(axis=1)
    out["disagree"] = out["n_1"] + out["n_2"]
    out["neither"] = out["n_3"]
    out["agree"] = out["n_4"] + out["n_5"]
    for c in ("disagree", "neither", "agree"):
        out[f"pct_{c}"] = percent(out[c], out["answered"])
    out = out.sort_values("item_id", key=_item_order, kind="mergesort").reset_index(drop=True)
    return out[["item_id", "item", "answered", "blank"] + n_cols + ["disagree", "neither", "agree", "pct_disagree",
                                                                     "pct_neither", "pct_agree"]]


def _item_order(s: pd.Series) -> pd.Series:
    num = pd.to_numeric(s.astype("string").str.extract(r"(\d+)")[0], errors="coerce").fillna(0)
    return num.astype(int).map(lambda v: f"{v:06d}") + s.astype("string")


def likert_change(responses: pd.DataFrame, period: str | Period) -> pd.DataFrame:
    """% agree per item this quarter and the quarter before: ``item_id``, ``item``, ``answered``, ``agree``,
    ``pct_agree``, ``answered_previous``, ``agree_previous``, ``pct_agree_previous``, ``change_pp``."""
    p = parse_period(period)
    now = likert_summary(responses, p)[["item_id", "item", "answered", "agree", "pct_agree"]]
    before = likert_summary(responses, p.previous())[["item_id", "answered", "agree", "pct_agree"]]
    before = before.rename(columns={"answered": "answered_previous", "agree": "agree_previous",
                                    "pct_agree": "pct_agree_previous"})
    out = now.merge(before, on="item_id", how="left")
    out["change_pp"] = out["pct_agree"] - out["pct_agree_previous"]
    return out


def session_themes(sessions: pd.DataFrame, period: str | Period, window: str = QUARTER) -> pd.DataFrame:
    """Themes raised at engagement sessions in the window, with the setting and what was done.

    One row per session and theme: ``session_date`` (month), ``setting``, ``theme``, ``you_said_we_did``.
    """
    needs_columns(sessions, ("session_id", "session_date", "setting", "themes"), "voice_sessions")
    s = sessions.loc[in_window(sessions["session_date"], period, window)].copy()
    themes = split_list(s["themes"])
    out = s.loc[themes.index, ["session_date", "setting"]].copy()
    out["theme"] = themes.to_numpy()
    out["you_said_we_did"] = (s.loc[themes.index, "you_said_we_did"].astype("string").fillna("")
                              if "you_said_we_did" in s.columns else "")
    out["session_date"] = pd.to_datetime(out["session_date"]).dt.strftime("%B %Y")
    return out.sort_values(["theme", "setting"], kind="mergesort").reset_index(drop=True)


# --- publication and findings ------------------------------------------------------------------------

AGREE_GOOD = 75.0  # items with at least this share agreeing are "working well"
AGREE_POOR = 50.0  # items with less than this share agreeing are a worry
CHANGE_PP = 10.0  # a change in % agree of at least this size since the last survey is reported
_LIKERT_COUNTS = ["answered", "disagree", "neither", "agree"]


def published_likert(responses: pd.DataFrame, period: str | Period, config=None) -> pd.DataFrame:
    """The quarter's items as published: answered, disagree / neither / agree and their percentages.

    Only the three-way split is published (with the five-point detail as well, a suppressed level could be
    worked out from its group); every percentage whose count is suppressed is ``c``.
    """
    from .publish import publish

    t = likert_summary(responses, period)[["item_id", "item", *_LIKERT_COUNTS, "pct_disagree", "pct_neither",
                                           "pct_agree"]]
    return publish(t, _LIKERT_COUNTS, config, total_column="answered",
                   derived={"pct_disagree": ["disagree", "answered"], "pct_neither": ["neither", "answered"],
                            "pct_agree": ["agree", "answered"]}).table


def published_change(responses: pd.DataFrame, period: str | Period, config=None) -> pd.DataFrame:
    """% agree per item this quarter and last, each as published; the change only where both are shown."""
    from .publish import number

    p = parse_period(period)
    now = published_likert(responses, p, config)[["item_id", "item", "answered", "pct_agree"]]
    before = published_likert(responses, p.previous(), config)[["item_id", "answered", "pct_agree"]]
    out = now.merge(before.rename(columns={"answered": "answered_previous", "pct_agree": "pct_agree_previous"}),
                    on="item_id", how="left")
    a, b = out["pct_agree"].map(number), out["pct_agree_previous"].map(number)
    change = (a - b).round(1)
    out["answered_previous"] = out["answered_previous"].fillna("x")
    out["pct_agree_previous"] = out["pct_agree_previous"].fillna("x")
    out["change_pp"] = [f"{v:.1f}" if pd.notna(v) else ("x" if pv == "x" else "c")
                        for v, pv in zip(change, out["pct_agree_previous"], strict=True)]
    return out


def section(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> Section:
    """The voice section: the quarter's survey and the themes children raised (lens: citizen)."""
    from ..charts import assurance as assurance_charts
    from .publish import number, publish

    tables = tables_of(returns_or_tables)
    p = parse_period(period)
    w = words or PeriodWords.quarter(p)
    sec = Section("voice", "The voice of children and families", "citizen", period=w.label, source=SOURCE,
                  window="the Your Voice Matters survey and engagement sessions held in the quarter")
    resp = tables.get("voice_responses")
    if resp is not None:
        sec.add_table("assurance_voice_respondents", f"Your Voice Matters respondents by setting, {w.label}",
                publish(survey_overview(resp, p), ["respondents"], config, total_row=("setting", "All")).table,
                counts=["respondents"])
        lik = sec.add_table("assurance_voice_likert", f"Your Voice Matters: how children answered each statement, {w.label}",
                      published_likert(resp, p, config), counts=_LIKERT_COUNTS)
        sec.add_table("assurance_voice_change", "Agreement with each statement compared with the previous quarter",
                published_change(resp, p, config), counts=["answered"])
        if len(lik):
            agree = lik["pct_agree"].map(number)
            best = lik.loc[agree.idxmax()] if agree.notna().any() else None
            worst = lik.loc[agree.idxmin()] if agree.notna().any() else None
            extremes = (f"agreement ranged from {worst['pct_agree']}% (\"{worst['item']}\") to {best['pct_agree']}% "
                        f"(\"{best['item']}\")" if best is not None else "the counts are too small to show")
            sec.add_figure(
                "assurance_voice_chart", f"Your Voice Matters survey, {w.label}",
                f"Diverging bar chart, one bar per statement of the {w.label} survey: the share of children who disagreed "
                f"extends left of the centre line, the share who agreed to the right, and those who neither agreed nor "
                f"disagreed straddle it; {extremes}.",
                "assurance_voice_likert",
                lambda: assurance_charts.likert_diverging(lik, title=f"Your Voice Matters, {w.label}", source="Your Voice Matters survey"),
                lens="citizen",
            )
    sessions = tables.get("voice_sessions")
    if sessions is not None:
        sec.add_table("assurance_voice_themes", f"Themes children and families raised in {w.label}, and what was done",
                session_themes(sessions, p))
    sec.findings = _findings(sec, p, w)
    if resp is None and sessions is None:
        return sec.missing("voice_responses", "voice_sessions")
    return sec


def findings(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> list[Finding]:
    """Findings about the voice of children (rules VOI-01 to VOI-04, docs/assurance.md)."""
    return section(returns_or_tables, period, config, words).findings


def _findings(sec, p: Period, w: PeriodWords) -> list[Finding]:
    from .publish import number

    out: list[Finding] = []
    if "assurance_voice_likert" in sec:
        lik = sec["assurance_voice_likert"]
        if lik.empty:
            out.append(Finding("needs_to_happen", f"No Your Voice Matters survey was recorded in {w.label}: the "
                               "quarterly survey should be run.", "citizen", "assurance",
                               "table assurance_voice_likert", priority="P4", rule="VOI-01", weight=0.6))
        else:
            agree = lik["pct_agree"].map(number)
            good, poor = lik.loc[agree >= AGREE_GOOD], lik.loc[agree < AGREE_POOR]
            if len(good):
                out.append(Finding("working_well", "Most children agreed that: " + "; ".join(
                    f"\"{r.item}\" ({r.pct_agree}% of {r.answered})" for r in good.itertuples()) + ".",
                    "citizen", "assurance", "table assurance_voice_likert", priority="P4", rule="VOI-02",
                    weight=float(agree[good.index].mean()) / 100))
            if len(poor):
                out.append(Finding("worried", "Fewer than half of children agreed that: " + "; ".join(
                    f"\"{r.item}\" ({r.pct_agree}% of {r.answered})" for r in poor.itertuples()) + ".",
                    "citizen", "assurance", "table assurance_voice_likert", priority="P4", rule="VOI-02",
                    weight=1 - float(agree[poor.index].min()) / 100))
            ch = sec["assurance_voice_change"]
            change = ch["change_pp"].map(number)
            for i in ch.index[change.abs() >= CHANGE_PP]:
                r = ch.loc[i]
                out.append(Finding("working_well" if change[i] > 0 else "worried",
                                   f"Agreement that \"{r['item']}\" moved from {r['pct_agree_previous']}% last quarter to "
                                   f"{r['pct_agree']}% ({change[i]:+.1f} percentage points).", "citizen", "assurance",
                                   "table assurance_voice_change", priority="P4", rule="VOI-03",
                                   weight=abs(float(change[i])) / 100))
    if "assurance_voice_themes" in sec:
        th = sec["assurance_voice_themes"]
        if len(th):
            out.append(Finding("context", "Themes children and families raised this quarter: "
                               + ", ".join(sorted(th["theme"].unique())) + ".", "citizen", "assurance",
                               "table assurance_voice_themes", priority="P4", rule="VOI-04"))
            no_response = sorted(th.loc[th["you_said_we_did"].str.strip() == "", "theme"].unique())
            if no_response:
                out.append(Finding("needs_to_happen", "Record what the partnership did in response to: "
                                   + ", ".join(no_response) + " (\"you said, we did\").", "citizen",
                                   "assurance", "table assurance_voice_themes", priority="P4", rule="VOI-04",
                                   weight=0.5))
    return out
