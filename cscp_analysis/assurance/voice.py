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

Honest statistics (docs/assurance.md §3.4):

* **Intervals** for the share agreeing allow for answers clustered within children: the cluster is the
  respondent (``response_id``, the schema's anonymous respondent identifier within a survey; with the
  item it is the register's key). For one statement each child answers once, so the interval is
  Wilson's; across all statements (about 900 answers from about 112 children) it is the Wilson interval
  of the effective counts, with the design effect from the intracluster correlation
  (``stats.clustered_proportion``, docs/methods.md §15).
* **Changes** since the previous survey are tested (``stats.two_proportion_test``: the pooled z-test and
  Newcombe's interval of the difference; the two surveys hold different respondents) and, with three or
  more of the last four quarterly surveys, the trend across them (``stats.trend_across_waves``,
  Cochran–Armitage). The statements of a survey are one false-discovery family for each test
  (Benjamini–Hochberg). A change is a finding (working well, or a worry) only when its adjusted p-value
  is below 0.05; a move of 10 points or more that is not is reported as "no clear change" with its p-value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import disclosure
from ..narrative import Finding
from ..periods import Period, PeriodWords, parse_period
from ..sections import Section
from ._common import QUARTER, in_window, needs_columns, percent, split_list, states_set_aside, tables_of

__all__ = [
    "LEVELS",
    "LEVEL_LABELS",
    "survey_overview",
    "likert_summary",
    "likert_change",
    "agreement",
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


def agreement(responses: pd.DataFrame, period: str | Period, window: str = QUARTER,
              confidence: float = 0.95) -> pd.DataFrame:
    """The share agreeing with each statement and with all statements together, with intervals that allow
    for answers clustered within children (the cluster is the respondent, ``response_id``).

    One row per item and a last row ``item_id`` "All" (every answer to every statement): ``answered``,
    ``agree``, ``respondents``, ``icc``, ``design_effect``, ``pct_agree``, ``agree_lower``, ``agree_upper``
    (percent). For one item each child answers once (design effect 1: Wilson's interval).
    """
    from ..stats import clustered_proportion

    s = _survey(responses, period, window)
    resp = pd.to_numeric(s["response"], errors="coerce")
    a = pd.DataFrame({"item_id": s["item_id"].astype("string").to_numpy(), "respondent": s["response_id"].to_numpy(),
                      "agree": (resp >= 4).astype(float).to_numpy(), "one": 1.0})[resp.notna().to_numpy()]
    cols = ["item_id", "answered", "agree", "respondents", "icc", "design_effect", "pct_agree", "agree_lower",
            "agree_upper"]
    if a.empty:
        return pd.DataFrame(columns=cols)

    def shares(group_by):
        t = clustered_proportion(a, "agree", "one", "respondent", group_by=group_by, confidence=confidence,
                                 multiplier=100)
        return t.rename(columns={"numerator": "agree", "denominator": "answered", "clusters": "respondents",
                                 "value": "pct_agree", "lower_ci": "agree_lower", "upper_ci": "agree_upper"})

    items = shares("item_id").sort_values("item_id", key=_item_order, kind="mergesort")
    total = shares(None).assign(item_id="All")
    return pd.concat([items[cols], total[cols]], ignore_index=True)


def likert_change(responses: pd.DataFrame, period: str | Period, surveys: int = 4) -> pd.DataFrame:
    """% agree per item this quarter and the quarter before, with the tests of the change.

    Columns: ``item_id``, ``item``, ``answered``, ``agree``, ``pct_agree``, ``answered_previous``,
    ``agree_previous``, ``pct_agree_previous``, ``change_pp``; ``change_lower`` and ``change_upper`` (the
    Newcombe 95% interval of the change, points) and ``p_value`` (pooled two-proportion z-test,
    ``stats.two_proportion_test``), ``p_adjusted`` (Benjamini–Hochberg across the items compared);
    ``trend_surveys`` (how many of the last ``surveys`` quarterly surveys asked the item), ``trend_p`` and
    ``trend_p_adjusted`` (Cochran–Armitage across them, ``stats.trend_across_waves``; only with three or more).
    """
    from ..stats import bh_adjust, trend_across_waves, two_proportion_test

    p = parse_period(period)
    now = likert_summary(responses, p)[["item_id", "item", "answered", "agree", "pct_agree"]]
    before = likert_summary(responses, p.previous())[["item_id", "answered", "agree", "pct_agree"]]
    before = before.rename(columns={"answered": "answered_previous", "agree": "agree_previous",
                                    "pct_agree": "pct_agree_previous"})
    out = now.merge(before, on="item_id", how="left")
    out["change_pp"] = out["pct_agree"] - out["pct_agree_previous"]
    both = (out["answered"] > 0) & (out["answered_previous"] > 0)
    for c in ("change_lower", "change_upper", "p_value"):
        out[c] = np.nan
    if both.any():
        b = out[both]
        t = two_proportion_test(b["agree_previous"].to_numpy(float), b["answered_previous"].to_numpy(float),
                                b["agree"].to_numpy(float), b["answered"].to_numpy(float))
        out.loc[both, "change_lower"] = np.asarray(t.lower, float) * 100
        out.loc[both, "change_upper"] = np.asarray(t.upper, float) * 100
        out.loc[both, "p_value"] = np.asarray(t.p_value, float)
    out["p_adjusted"] = bh_adjust(out["p_value"].to_numpy(float))
    waves = []
    q = p
    for k in range(surveys):
        w = likert_summary(responses, q)[["item_id", "agree", "answered"]]
        waves.append(w[w["answered"] > 0].assign(wave=surveys - k))
        q = q.previous()
    long = pd.concat(waves, ignore_index=True)
    n_waves = long.groupby("item_id")["wave"].nunique()
    out["trend_surveys"] = out["item_id"].map(n_waves).fillna(0).astype(int)
    out["trend_p"] = np.nan
    enough = long[long["item_id"].map(n_waves) >= 3]
    if len(enough):
        tr = trend_across_waves(enough, "wave", "agree", "answered", group_by="item_id").set_index("item_id")
        out["trend_p"] = out["item_id"].map(tr["p_value"]).astype(float)
    out["trend_p_adjusted"] = bh_adjust(out["trend_p"].to_numpy(float))
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
CHANGE_PP = 10.0  # a change in % agree of at least this size that is not significant is reported as no clear change
CHANGE_ALPHA = 0.05  # a change (or trend) is working well or a worry only when its adjusted p-value is below this
_LIKERT_COUNTS = ["answered", "disagree", "neither", "agree"]


def published_likert(responses: pd.DataFrame, period: str | Period, config=None) -> pd.DataFrame:
    """The quarter's items as published: answered, disagree / neither / agree and their percentages.

    Only the three-way split is published (with the five-point detail as well, a suppressed level could be
    worked out from its group); every percentage whose count is suppressed is ``c``.
    """
    from .publish import publish

    t = likert_summary(responses, period)[["item_id", "item", *_LIKERT_COUNTS, "pct_disagree", "pct_neither",
                                           "pct_agree"]]
    ci = agreement(responses, period)[["item_id", "agree_lower", "agree_upper"]]
    t = t.merge(ci, on="item_id", how="left") if len(t) else t.assign(agree_lower=[], agree_upper=[])
    return publish(t, _LIKERT_COUNTS, config, total_column="answered",
                   derived={"pct_disagree": ["disagree", "answered"], "pct_neither": ["neither", "answered"],
                            "pct_agree": ["agree", "answered"], "agree_lower": ["agree", "answered"],
                            "agree_upper": ["agree", "answered"]}, own_work=True).table


def published_agreement(responses: pd.DataFrame, period: str | Period, config=None) -> pd.DataFrame:
    """Agreement across all the statements of the quarter's survey: answers, children, the share agreeing
    and its interval allowing for answers clustered within children, and the design effect.

    Published only when every statement's agreeing count is shown: the total of agreeing answers less the
    shown statements' would otherwise give a hidden count away (then every figure but the counts of
    answers and children is ``c``).
    """
    from .publish import publish

    a = agreement(responses, period)
    cols = ["statements", "answers", "respondents", "agree", "pct_agree", "agree_lower", "agree_upper", "design_effect"]
    if a.empty:
        return pd.DataFrame(columns=cols)
    total = a[a["item_id"] == "All"].iloc[0]
    t = pd.DataFrame([{"statements": int((a["item_id"] != "All").sum()), "answers": total["answered"],
                       "respondents": total["respondents"], "agree": total["agree"], "pct_agree": total["pct_agree"],
                       "agree_lower": total["agree_lower"], "agree_upper": total["agree_upper"],
                       "design_effect": total["design_effect"]}])
    out = publish(t, ["answers", "respondents", "agree"], config,
                  derived={c: ["agree", "answers"] for c in ("pct_agree", "agree_lower", "agree_upper", "design_effect")},
                  decimals={"design_effect": 2}, own_work=True).table
    if (published_likert(responses, period, config)["agree"] == disclosure.SUPPRESSED).any():
        out.loc[:, ["agree", "pct_agree", "agree_lower", "agree_upper", "design_effect"]] = disclosure.SUPPRESSED
    out["statements"] = out["statements"].astype(str)
    return out


def _p_text(p: float) -> str:
    """A p-value as published: three decimals, ``<0.001`` below that, ``x`` when not tested."""
    return str(disclosure.format_p([p])[0])


def published_change(responses: pd.DataFrame, period: str | Period, config=None, surveys: int = 4) -> pd.DataFrame:
    """% agree per item this quarter and last, each as published; the change, its 95% interval and the tests
    (:func:`likert_change`) only where both shares are shown, the trend test only where the share of every
    survey it uses is."""
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
    raw = likert_change(responses, p, surveys).set_index("item_id")
    hidden = out["change_pp"] == "c"
    missing = out["change_pp"] == "x"
    fmt = disclosure.format_numbers
    for col, values in (("change_lower", fmt(out["item_id"].map(raw["change_lower"]).to_numpy(float), 1)),
                        ("change_upper", fmt(out["item_id"].map(raw["change_upper"]).to_numpy(float), 1)),
                        ("p_value", [_p_text(v) for v in out["item_id"].map(raw["p_value"]).astype(float)]),
                        ("p_adjusted", [_p_text(v) for v in out["item_id"].map(raw["p_adjusted"]).astype(float)])):
        out[col] = np.where(hidden, disclosure.SUPPRESSED, np.where(missing, disclosure.NOT_AVAILABLE, values))
    # the trend uses every survey of the last four: hidden when any of their agreeing counts is
    trend_hidden = pd.Series(False, index=out.index)
    q = p
    for _ in range(surveys):
        lik = published_likert(responses, q, config).set_index("item_id")["agree"]
        trend_hidden |= out["item_id"].map(lik).eq(disclosure.SUPPRESSED).to_numpy()
        q = q.previous()
    out["trend_surveys"] = out["item_id"].map(raw["trend_surveys"]).fillna(0).astype(int).astype(str)
    for col in ("trend_p", "trend_p_adjusted"):
        values = [_p_text(v) for v in out["item_id"].map(raw[col]).astype(float)]
        out[col] = np.where(trend_hidden, disclosure.SUPPRESSED, values)
    return out


@states_set_aside("voice_responses", "voice_sessions")
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
                publish(survey_overview(resp, p), ["respondents"], config, total_row=("setting", "All"), own_work=True).table,
                counts=["respondents"])
        lik = sec.add_table("assurance_voice_likert", f"Your Voice Matters: how children answered each statement, {w.label}",
                      published_likert(resp, p, config), counts=_LIKERT_COUNTS)
        sec.add_table("assurance_voice_agreement", f"Agreement across all the statements of the survey, {w.label}, with "
                      "an interval that allows for each child answering every statement",
                      published_agreement(resp, p, config), counts=["answers", "respondents", "agree"])
        sec.add_table("assurance_voice_change", "Agreement with each statement compared with the previous quarter, with "
                      "the test of the change and of the trend over the last four surveys",
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


def _p_number(text) -> float:
    from .publish import number

    return 0.0 if str(text) == "<0.001" else number(text)


def _change_findings(ch: pd.DataFrame) -> list[Finding]:
    """VOI-03: a change since the last survey, or a trend over the last four, is working well or a worry only
    when its test is significant after adjustment across the statements; a move of CHANGE_PP points or more
    that is not is reported as no clear change, with its p-value."""
    from .publish import number

    out: list[Finding] = []
    n_items = int((ch["p_value"] != disclosure.NOT_AVAILABLE).sum())
    across = f"{n_items} statement{'s' if n_items != 1 else ''}"
    for _, r in ch.iterrows():
        change, p, q = number(r["change_pp"]), _p_number(r["p_value"]), _p_number(r["p_adjusted"])
        tq = _p_number(r["trend_p_adjusted"])
        item, ev = r["item"], "table assurance_voice_change"
        if np.isfinite(q) and q < CHANGE_ALPHA and np.isfinite(change):
            out.append(Finding(
                "working_well" if change > 0 else "worried",
                f"Agreement that \"{item}\" {'rose' if change > 0 else 'fell'} from {r['pct_agree_previous']}% last "
                f"quarter to {r['pct_agree']}% ({change:+.1f} percentage points, 95% interval {r['change_lower']} to "
                f"{r['change_upper']}); a clear change (p {_p_words(r['p_value'])}; {_p_words(r['p_adjusted'])} after "
                f"allowing for the {across}).", "citizen", "assurance", ev, priority="P4", rule="VOI-03",
                weight=abs(float(change)) / 100))
        elif np.isfinite(tq) and tq < CHANGE_ALPHA:
            out.append(Finding(
                "context", f"Agreement that \"{item}\" has moved steadily over the last {r['trend_surveys']} surveys, to "
                f"{r['pct_agree']}% this quarter (trend test p {_p_words(r['trend_p'])}; {_p_words(r['trend_p_adjusted'])} "
                f"after allowing for the {across}).", "citizen", "assurance", ev, priority="P4", rule="VOI-03",
                weight=0.2))
        elif np.isfinite(change) and abs(change) >= CHANGE_PP and np.isfinite(p):
            out.append(Finding(
                "context", f"Agreement that \"{item}\" moved from {r['pct_agree_previous']}% last quarter to "
                f"{r['pct_agree']}% ({change:+.1f} percentage points), but with {r['answered_previous']} and "
                f"{r['answered']} children answering this is no clear change (p {_p_words(r['p_value'])}).",
                "citizen", "assurance", ev, priority="P4", rule="VOI-03", weight=0.1))
    return out


def _p_words(text) -> str:
    return str(text) if str(text).startswith("<") else f"= {text}"


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
            # a level is a finding only when its interval is clear of one half (docs/assurance.md §3.4)
            agree = lik["pct_agree"].map(number)
            lo, hi = lik["agree_lower"].map(number), lik["agree_upper"].map(number)
            good = lik.loc[(agree >= AGREE_GOOD) & (lo > 50)]
            poor = lik.loc[(agree < AGREE_POOR) & (hi < 50)]
            unclear = lik.loc[(agree < AGREE_POOR) & (hi >= 50)]

            def quoted(rows):
                return "; ".join(f"\"{r.item}\" ({r.pct_agree}% of {r.answered}, 95% interval {r.agree_lower}% to "
                                 f"{r.agree_upper}%)" for r in rows.itertuples())

            if len(good):
                out.append(Finding("working_well", "Most children agreed that: " + quoted(good) + ".",
                    "citizen", "assurance", "table assurance_voice_likert", priority="P4", rule="VOI-02",
                    weight=float(agree[good.index].mean()) / 100))
            if len(poor):
                out.append(Finding("worried", "Fewer than half of children agreed that: " + quoted(poor) + ".",
                    "citizen", "assurance", "table assurance_voice_likert", priority="P4", rule="VOI-02",
                    weight=1 - float(agree[poor.index].min()) / 100))
            if len(unclear):
                out.append(Finding("context", "Fewer than half of the children who answered agreed that: " + quoted(unclear)
                                   + "; but the 95% interval includes one half, so with this many children it could be "
                                   "chance.", "citizen", "assurance", "table assurance_voice_likert", priority="P4",
                                   rule="VOI-02", weight=0.2))
            out += _change_findings(sec["assurance_voice_change"])
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
