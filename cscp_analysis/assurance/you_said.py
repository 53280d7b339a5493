"""Citizen lens: "you said, we did". Each theme children, families and practitioners raise with the
partnership, with what was done and when.

* Themes raised in **the twelve months to the period end**, as they stood at the period end: answered
  (a response recorded by then) or awaiting.
* **Answered within three months**: of the themes raised at least 91 days before the period end (every one
  has had three months), the share with a response within 91 days of being raised, for each voice
  (children, families, practitioners), with its Wilson interval, and each voice against the other two
  together (difference, Newcombe interval, pooled z-test, Benjamini–Hochberg: ``_compare``).
* The list: every theme of the twelve months with what was done and when (month), or "awaiting".

Themes are not counts of people: the tables are formatted, not suppressed.
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
    missing_section,
    needs_columns,
    period_end,
    register,
    states_set_aside,
    worded,
)
from ._compare import ALPHA, against_the_rest, p_of, published_comparison

__all__ = ["RESPONSE_DAYS", "theme_status", "by_voice", "theme_list", "section", "findings"]

SOURCE = "the partnership's \"you said, we did\" tracker"
RESPONSE_DAYS = 91  # three months
ANSWERED_GOOD = 80.0
VOICES = ("children", "families", "practitioners")
VOICE_WORDS = {"children": "Children and young people", "families": "Parents and families",
               "practitioners": "Practitioners"}
STATES = ("answered within three months", "answered later", "awaiting, over three months", "awaiting, under three months")
_LENS, _SRC = "citizen", "assurance"


def theme_status(ysw: pd.DataFrame, period: str | Period, window: str = ROLLING) -> pd.DataFrame:
    """Themes raised in the window with ``days`` (raised to response, NaN while awaited), ``due`` (raised at least
    three months before the period end) and ``state`` (one of ``STATES``)."""
    needs_columns(ysw, ("theme_id", "raised_date", "voice_of", "theme", "we_did", "response_date"), "you_said_we_did")
    t = ysw.loc[in_window(ysw["raised_date"], period, window)].copy()
    raised = pd.to_datetime(t["raised_date"]).dt.normalize()
    answered = happened(t["response_date"], period)
    resp = pd.to_datetime(t["response_date"]).dt.normalize().where(answered)
    t["days"] = (resp - raised).dt.days
    t["due"] = raised <= period_end(period) - pd.Timedelta(days=RESPONSE_DAYS)
    quick = answered & (t["days"] <= RESPONSE_DAYS)
    t["state"] = np.select([quick, answered, t["due"]], list(STATES[:3]), STATES[3])
    t["response_date"] = resp
    return t.reset_index(drop=True)


def by_voice(ysw: pd.DataFrame, period: str | Period) -> pd.DataFrame:
    """Themes by who raised them: ``voice``, ``raised``, the four ``STATES`` as columns, ``due``,
    ``answered_in_time``, ``median_days`` (of those answered), then the comparison columns; "All voices" last."""
    t = theme_status(ysw, period)
    voice = pd.Categorical(t["voice_of"].astype("string"), categories=list(VOICES))
    g = pd.crosstab(voice, pd.Categorical(t["state"], categories=list(STATES)), dropna=False)
    g = g.reindex(index=list(VOICES), columns=list(STATES), fill_value=0)
    g.columns = [s.replace(", ", "_").replace(" ", "_") for s in STATES]
    g.insert(0, "raised", g.sum(axis=1))
    g["due"] = t.groupby(voice, observed=False)["due"].sum().reindex(list(VOICES)).fillna(0).astype(int).to_numpy()
    g["answered_in_time"] = g["answered_within_three_months"].where(g["due"] > 0, 0)
    # only themes that were due count for the share (a theme raised last month cannot be late yet)
    in_time_due = (t["due"] & (t["state"] == STATES[0])).groupby(voice, observed=False).sum()
    g["answered_in_time"] = in_time_due.reindex(list(VOICES)).fillna(0).astype(int).to_numpy()
    g["median_days"] = t.groupby(voice, observed=False)["days"].median().reindex(list(VOICES)).to_numpy()
    g = g.rename_axis("voice").reset_index()
    g = g.loc[g["raised"] > 0].reset_index(drop=True)
    body = against_the_rest(g, "answered_in_time", "due")
    total = g.drop(columns=["voice", "median_days"]).sum().to_frame().T
    total.insert(0, "voice", "All voices")
    total["median_days"] = t["days"].median()
    total = against_the_rest(total, "answered_in_time", "due")
    out = pd.concat([body, total], ignore_index=True)
    out["voice"] = out["voice"].map(lambda v: VOICE_WORDS.get(v, v))
    return out


def theme_list(ysw: pd.DataFrame, period: str | Period, config=None) -> pd.DataFrame:
    """"You said, we did": every theme raised in the window, oldest first: ``raised`` (month), ``voice``,
    ``forum``, ``you_said``, ``we_did``, ``when`` (month, or "awaiting"), ``lead``."""
    t = theme_status(ysw, period).sort_values(["raised_date", "theme_id"], kind="mergesort")
    return pd.DataFrame({
        "raised": pd.to_datetime(t["raised_date"]).dt.strftime("%B %Y"),
        "voice": t["voice_of"].astype("string").map(lambda v: VOICE_WORDS.get(v, v)),
        "forum": t["forum"].astype("string") if "forum" in t.columns else "",
        "you_said": t["theme"].astype("string"),
        "we_did": t["we_did"].astype("string").fillna("").where(t["response_date"].notna(), ""),
        "when": t["response_date"].dt.strftime("%B %Y").fillna("awaiting"),
        "lead": agency_labels(t["lead_agency"], config) if "lead_agency" in t.columns else "",
    }).reset_index(drop=True)


# --- the section ------------------------------------------------------------------------------------

_VOICE_COLUMNS = ["answered_within_three_months", "answered_later", "awaiting_over_three_months",
                  "awaiting_under_three_months"]
_VOICE_WORDS = {"voice": "Who said it", "raised": "Themes raised", "answered_within_three_months": "Answered within "
                "three months", "answered_later": "Answered later", "awaiting_over_three_months": "Awaiting, over three "
                "months", "awaiting_under_three_months": "Awaiting, under three months", "due": "Raised three or more "
                "months ago", "pct": "Answered within three months (% of those)", "lower_ci": "95% interval from",
                "upper_ci": "to", "difference_pp": "Difference from the others (points)", "p_adjusted": "p (adjusted)",
                "median_days": "Median days to answer"}
_LIST_WORDS = {"raised": "Raised", "voice": "Who said it", "forum": "Where", "you_said": "You said",
               "we_did": "We did", "when": "When", "lead": "Lead agency"}


@states_set_aside("you_said_we_did")
def section(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> Section:
    """"You said, we did": themes by who raised them, how quickly they were answered, and the list (citizen)."""
    from ..charts import registers as charts

    p = parse_period(period)
    w = words or PeriodWords.quarter(p)
    sec = Section("you_said_we_did", "You said, we did", _LENS, period=w.label, source=SOURCE,
                  window=f"themes raised in {w.twelve_months}, as they stood at {w.end}")
    ysw = register(returns_or_tables, "you_said_we_did")
    if ysw is None:
        return missing_section(sec, "you_said_we_did")
    raw = by_voice(ysw, p)
    t = published_comparison(raw, "All voices", "voice")
    t["median_days"] = ["x" if pd.isna(v) else f"{v:.0f}" for v in raw["median_days"]]
    sec.add_table("assurance_you_said_by_voice", f"You said, we did: themes raised in {w.twelve_months} by who raised "
                  "them, and how quickly they were answered", t, view=worded(t, _VOICE_WORDS))
    if len(t):
        tot = t.iloc[-1]
        sec.tables[-1].summary = (f"{tot['raised']} themes were raised in {w.twelve_months}; of the {tot['due']} raised "
                                  f"three or more months before {w.end}, {tot['pct']}% were answered within three "
                                  "months.")
        names = {c: s[:1].upper() + s[1:] for c, s in zip(_VOICE_COLUMNS, STATES, strict=True)}
        sec.add_figure(
            "assurance_you_said_chart", f"You said, we did: themes by who raised them, {w.twelve_months}",
            f"Stacked bar chart, one bar for each of children, families and practitioners, of the {tot['raised']} themes "
            f"raised in {w.twelve_months}: answered within three months, answered later, and still awaiting a response "
            f"at {w.end} (over or under three months after being raised).",
            "assurance_you_said_by_voice",
            lambda: charts.stacked_counts(t.iloc[:-1], "voice", _VOICE_COLUMNS, names=names,
                                          title="You said, we did: how quickly themes were answered",
                                          xlabel="Themes raised (number)", source="you said, we did tracker"))
    lst = theme_list(ysw, p, config)
    sec.add_table("assurance_you_said_list", f"You said, we did: each theme raised in {w.twelve_months} and what was "
                  "done", lst, view=worded(lst, _LIST_WORDS),
                  summary=f"{len(lst)} themes, oldest first, with what the partnership did and when (or awaiting).")
    sec.findings = _findings(t, w)
    return sec


def findings(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> list[Finding]:
    """Findings about "you said, we did" (rules YSW-01 to YSW-04, docs/assurance.md)."""
    return section(returns_or_tables, period, config, words).findings


def _num(v) -> float:
    from .publish import number

    return number(v)


def _findings(t: pd.DataFrame, w: PeriodWords) -> list[Finding]:
    if not len(t):
        return [Finding("needs_to_happen", f"No theme was recorded in the \"you said, we did\" tracker in "
                        f"{w.twelve_months}.", _LENS, _SRC, "table assurance_you_said_by_voice", priority="P4",
                        rule="YSW-01", weight=0.6)]
    tot, body = t.iloc[-1], t.iloc[:-1]
    out = [Finding("context", f"{tot['raised']} themes were raised with the partnership in {w.twelve_months}: "
                   + "; ".join(f"{r.voice.lower()} {r.raised}" for r in body.itertuples()) + ".", _LENS, _SRC,
                   "table assurance_you_said_by_voice", priority="P4", rule="YSW-01")]
    pa, diff = body["p_adjusted"].map(p_of), body["difference_pp"].map(_num)
    slow = body.loc[(pa < ALPHA) & (diff < 0)]
    for r in slow.itertuples():
        out.append(Finding("worried", f"Themes raised by {r.voice.lower()} were answered within three months "
                           f"{r.pct}% of the time (95% interval {r.lower_ci}% to {r.upper_ci}%), against {r.pct_rest}% "
                           f"for the others: {abs(_num(r.difference_pp)):.1f} points lower, more than chance would "
                           f"explain (median {r.median_days} days to answer).", _LENS, _SRC,
                           "table assurance_you_said_by_voice", priority="P4", rule="YSW-02", weight=0.8))
    share = _num(tot["pct"])
    if pd.notna(share) and not len(slow):
        out.append(Finding("working_well" if share >= ANSWERED_GOOD else "context",
                           f"{share:.1f}% of themes were answered within three months, and no group waited "
                           "significantly longer than the others.", _LENS, _SRC, "table assurance_you_said_by_voice",
                           priority="P4", rule="YSW-04", weight=share / 200))
    waiting = _num(tot["awaiting_over_three_months"])
    if waiting > 0:
        who = "; ".join(f"{r.voice.lower()} {r.awaiting_over_three_months}" for r in body.itertuples()
                        if _num(r.awaiting_over_three_months) > 0)
        out.append(Finding("needs_to_happen", f"{waiting:.0f} themes raised more than three months before {w.end} were "
                           f"still awaiting a response ({who}): the lead agencies should say what they will do.", _LENS,
                           _SRC, "table assurance_you_said_list", priority="P4", rule="YSW-03", weight=0.6))
    return out
