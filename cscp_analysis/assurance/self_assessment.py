"""Section 11 and Section 175/157 self-assessments.

Section 11 of the Children Act 2004 places a duty on agencies to make arrangements to safeguard and
promote the welfare of children; the partnership asks each agency to rate itself against the
standards every two years (a round is a financial year and starts on 1 April). Section 175 of the
Education Act 2002 (section 157 for independent schools and academies) does the same for schools and
colleges, every year (a round is an academic year and starts on 1 September).

Rules (docs/assurance.md):

* the **current round** of a framework is the latest round that has started by the period end and
  has at least one submission dated on or before the period end; the **previous round** is the one
  before it;
* an organisation listed in a round **did not submit** when its rating is ``not_submitted`` or its
  submission is dated after the period end (as at the period end it had not submitted);
* each standard an organisation rates **not met** (and, second, **partly met**) becomes a recommended
  action on its one-page summary;
* **change since the previous round** compares each organisation's rating of each standard in both
  rounds (not met < partly met < met): improved, unchanged or declined.

Self-ratings describe organisations, not people: counts of standards and organisations are published
in full (the framework's purpose is to say which agency has which gap). Section 175 results are
published by standard, not by school.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..narrative import Finding
from ..periods import Period, PeriodWords, parse_period
from ..sections import Section
from ._common import needs_columns, percent, period_end, states_set_aside, tables_of

__all__ = [
    "FRAMEWORKS",
    "RATINGS",
    "round_start",
    "current_rounds",
    "ratings",
    "not_submitted",
    "agency_actions",
    "change_since_previous",
    "rounds_overview",
    "section",
    "findings",
]

SOURCE = "the partnership's register of Section 11 and Section 175/157 self-assessments"  # where this section's numbers come from, in words

FRAMEWORKS = {
    "S11": "Section 11 (Children Act 2004)",
    "S175": "Section 175/157 (Education Act 2002)",
}
RATINGS = ("met", "partly_met", "not_met")
RATING_LABELS = {"met": "Met", "partly_met": "Partly met", "not_met": "Not met", "not_submitted": "Not submitted"}
_SCORE = {"not_met": 0, "partly_met": 1, "met": 2}
_ROUND_START_MONTH = {"S11": 4, "S175": 9}
_COLUMNS = ("framework", "round", "organisation", "agency", "standard_id", "standard", "rating", "submitted_date")


def round_start(framework: str, round_label) -> pd.Series | pd.Timestamp:
    """First day of a round: 1 April (Section 11) or 1 September (Section 175) of its first year."""
    month = _ROUND_START_MONTH[framework]
    years = pd.to_numeric(pd.Series(round_label, dtype="string").str.slice(0, 4), errors="coerce")
    out = pd.to_datetime(pd.DataFrame({"year": years, "month": month, "day": 1}), errors="coerce")
    return out.iloc[0] if np.ndim(round_label) == 0 else out


def _as_at(sa: pd.DataFrame, framework: str, period: str | Period) -> pd.DataFrame:
    """The framework's rows of rounds started by the period end, ratings as at the period end."""
    needs_columns(sa, _COLUMNS, "self_assessments")
    if framework not in FRAMEWORKS:
        raise ValueError(f"framework {framework!r} is not one of {', '.join(FRAMEWORKS)}")
    end = period_end(period)
    f = sa.loc[sa["framework"] == framework].copy()
    f["round"] = f["round"].astype("string")
    f = f.loc[(round_start(framework, f["round"]) <= end).to_numpy()]
    sub = pd.to_datetime(f["submitted_date"]).dt.normalize()
    submitted = sub.notna() & (sub <= end) & f["rating"].astype("string").ne("not_submitted").fillna(False)
    f["rating"] = f["rating"].astype("string").where(submitted, "not_submitted")
    f["submitted_date"] = sub.where(submitted)
    return f


def current_rounds(sa: pd.DataFrame, framework: str, period: str | Period) -> tuple[str | None, str | None]:
    """``(current, previous)`` round labels of a framework at the period end (``None`` when there is none)."""
    f = _as_at(sa, framework, period)
    rounds = sorted(f["round"].dropna().unique())
    with_submissions = sorted(f.loc[f["rating"] != "not_submitted", "round"].dropna().unique())
    if not with_submissions:
        return None, None
    current = with_submissions[-1]
    i = rounds.index(current)
    return current, (rounds[i - 1] if i > 0 else None)


def _round(sa, framework, period, round_label):
    f = _as_at(sa, framework, period)
    if round_label is None:
        round_label, _ = current_rounds(sa, framework, period)
    return f.loc[f["round"] == round_label], round_label


def ratings(sa: pd.DataFrame, period: str | Period, framework: str, by: str = "standard",
            round_label: str | None = None) -> pd.DataFrame:
    """Standards met, partly met and not met in a round (the current one by default), by ``by``.

    ``by`` is ``"standard"`` (one row per standard, counting organisations) or ``"organisation"``
    (one row per organisation that submitted, counting standards), with an "All" row.
    Columns: the keys, ``met``, ``partly_met``, ``not_met``, ``rated``, ``pct_met``, ``pct_not_met``.
    """
    f, _ = _round(sa, framework, period, round_label)
    f = f.loc[f["rating"] != "not_submitted"]
    if by == "standard":
        keys = ["standard_id", "standard"]
    elif by == "organisation":
        keys = ["organisation", "agency"]
    else:
        raise ValueError("by must be 'standard' or 'organisation'")
    rating = pd.Categorical(f["rating"], categories=list(RATINGS))
    tab = pd.crosstab([f[k].astype("string") for k in keys], rating, dropna=False)
    tab = tab.reindex(columns=list(RATINGS), fill_value=0)
    tab.columns = list(RATINGS)
    tab = tab.loc[tab.sum(axis=1) > 0].reset_index()
    tab = tab.sort_values(keys, key=lambda s: _natural(s) if s.name == "standard_id" else s,
                          kind="mergesort").reset_index(drop=True)
    total = pd.DataFrame([{**{k: ("All" if i == 0 else "") for i, k in enumerate(keys)},
                           **{r: int((f["rating"] == r).sum()) for r in RATINGS}}])
    out = pd.concat([tab, total], ignore_index=True)
    out["rated"] = out[list(RATINGS)].sum(axis=1)
    out["pct_met"] = percent(out["met"], out["rated"])
    out["pct_not_met"] = percent(out["not_met"], out["rated"])
    return out


def _natural(s: pd.Series) -> pd.Series:
    """Sort key putting S11-2 before S11-10."""
    num = pd.to_numeric(s.astype("string").str.extract(r"(\d+)\s*$")[0], errors="coerce")
    return s.astype("string").str.replace(r"\d+\s*$", "", regex=True) + num.map(
        lambda v: f"{int(v):06d}" if pd.notna(v) else "").astype("string")


def not_submitted(sa: pd.DataFrame, period: str | Period, framework: str,
                  round_label: str | None = None) -> pd.DataFrame:
    """Organisations listed in the round that had not submitted by the period end."""
    f, _ = _round(sa, framework, period, round_label)
    g = f.groupby(["organisation", "agency"], sort=True)["rating"].apply(lambda r: bool((r == "not_submitted").all()))
    out = g[g].reset_index()[["organisation", "agency"]]
    return out.reset_index(drop=True)


def agency_actions(sa: pd.DataFrame, period: str | Period, framework: str, include_partly: bool = True,
                   round_label: str | None = None) -> pd.DataFrame:
    """Each organisation's standards not met (then partly met) as recommended actions.

    One row per organisation and standard: ``organisation``, ``agency``, ``standard_id``, ``standard``,
    ``rating``, ``recommended_action``. This is the body of each agency's one-page summary.
    """
    f, label = _round(sa, framework, period, round_label)
    wanted = ["not_met", "partly_met"] if include_partly else ["not_met"]
    f = f.loc[f["rating"].isin(wanted)].copy()
    f["_order"] = f["rating"].map({"not_met": 0, "partly_met": 1})
    f = f.sort_values(["organisation", "_order", "standard_id"], key=lambda s: _natural(s) if s.name == "standard_id"
                      else s, kind="mergesort")
    verb = np.where(f["rating"] == "not_met", "Meet", "Fully meet")
    f["recommended_action"] = (
        pd.Series(verb, index=f.index) + " standard " + f["standard_id"].astype(str) + " (" + f["standard"].astype(str)
        + "): rated " + f["rating"].map(RATING_LABELS).str.lower() + f" in {label}; agree a SMART action with an owner "
        "and a date, and report progress before the next round."
    )
    f["rating"] = f["rating"].map(RATING_LABELS)
    return f[["organisation", "agency", "standard_id", "standard", "rating", "recommended_action"]].reset_index(drop=True)


def change_since_previous(sa: pd.DataFrame, period: str | Period, framework: str, by: str = "organisation") -> pd.DataFrame:
    """How ratings moved between the previous and the current round, by organisation or by standard.

    Only pairs rated in both rounds are compared. Columns: the key, ``compared``, ``improved``,
    ``unchanged``, ``declined``, ``pct_met_previous``, ``pct_met_current``, ``change_pp`` (of the pairs
    compared), with an "All" row.
    """
    current, previous = current_rounds(sa, framework, period)
    key = {"organisation": "organisation", "standard": "standard_id"}.get(by)
    if key is None:
        raise ValueError("by must be 'organisation' or 'standard'")
    cols = [key, "improved", "unchanged", "declined", "compared", "pct_met_previous", "pct_met_current", "change_pp"]
    if current is None or previous is None:
        return pd.DataFrame(columns=cols)
    f = _as_at(sa, framework, period)
    f = f.loc[f["rating"] != "not_submitted"]
    pair = ["organisation", "standard_id"]
    a = f.loc[f["round"] == previous, pair + ["rating"]].rename(columns={"rating": "before"})
    b = f.loc[f["round"] == current, pair + ["rating"]].rename(columns={"rating": "after"})
    m = a.merge(b, on=pair, how="inner")
    diff = m["after"].map(_SCORE) - m["before"].map(_SCORE)
    m = m.assign(improved=(diff > 0).astype(int), unchanged=(diff == 0).astype(int), declined=(diff < 0).astype(int),
                 compared=1, met_before=(m["before"] == "met").astype(int), met_after=(m["after"] == "met").astype(int))
    num = ["improved", "unchanged", "declined", "compared", "met_before", "met_after"]
    g = m.groupby(key, sort=True)[num].sum()
    g = g.iloc[np.argsort(_natural(pd.Series(g.index, name=key)).to_numpy(), kind="stable")]
    g = pd.concat([g, m[num].sum().to_frame("All").T])
    g.index.name = key
    g = g.reset_index()
    g["pct_met_previous"] = percent(g["met_before"], g["compared"])
    g["pct_met_current"] = percent(g["met_after"], g["compared"])
    g["change_pp"] = g["pct_met_current"] - g["pct_met_previous"]
    return g[cols]


# --- publication ------------------------------------------------------------------------------------


def rounds_overview(sa: pd.DataFrame, period: str | Period) -> pd.DataFrame:
    """One row per framework: current and previous round, who was asked, who submitted, share met, change."""
    rows = []
    for fw in FRAMEWORKS:
        current, previous = current_rounds(sa, fw, period)
        if current is None:
            continue
        f, _ = _round(sa, fw, period, current)
        orgs = f["organisation"].nunique()
        ns = len(not_submitted(sa, period, fw))
        tot = ratings(sa, period, fw).iloc[-1]
        ch = change_since_previous(sa, period, fw)
        rows.append({
            "framework": FRAMEWORKS[fw], "current_round": current, "previous_round": previous or "",
            "organisations_asked": orgs, "submitted": orgs - ns, "not_submitted": ns,
            "standard_ratings": int(tot["rated"]), "pct_met": tot["pct_met"], "pct_not_met": tot["pct_not_met"],
            "ratings_compared": int(ch.iloc[-1]["compared"]) if len(ch) else 0,
            "change_pp_met": ch.iloc[-1]["change_pp"] if len(ch) else np.nan,
        })
    return pd.DataFrame(rows, columns=["framework", "current_round", "previous_round", "organisations_asked", "submitted",
                                       "not_submitted", "standard_ratings", "pct_met", "pct_not_met",
                                       "ratings_compared", "change_pp_met"])


_PCT = {"pct_met": 1, "pct_not_met": 1}


@states_set_aside("self_assessments")
def section(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> Section:
    """The self-assessment section: Section 11 by agency, Section 175/157 by standard (lens: professional)."""
    from ..charts import assurance as assurance_charts
    from .publish import format_only

    tables = tables_of(returns_or_tables)
    p = parse_period(period)
    w = words or PeriodWords.quarter(p)
    sec = Section("self_assessment", "Section 11 and Section 175/157 self-assessments", "professional", period=w.label, source=SOURCE,
                  window="the latest round with submissions by the period end, compared with the round before")
    sa = tables.get("self_assessments")
    if sa is None:
        return sec.missing("self_assessments")
    sec.add_table("assurance_self_assessment_rounds", "Self-assessment rounds: who submitted, standards met, change",
            format_only(rounds_overview(sa, p), {"pct_met": 1, "pct_not_met": 1, "change_pp_met": 1}))
    s11, _ = current_rounds(sa, "S11", p)
    if s11 is not None:
        by_org = sec.add_table("assurance_s11_by_organisation", f"Section 11 {s11}: standards met by organisation",
                         format_only(ratings(sa, p, "S11", by="organisation"), _PCT))
        sec.add_table("assurance_s11_by_standard", f"Section 11 {s11}: ratings by standard",
                format_only(ratings(sa, p, "S11", by="standard"), _PCT))
        sec.add_table("assurance_s11_actions", f"Section 11 {s11}: each agency's standards not met or partly met, "
                "as recommended actions", agency_actions(sa, p, "S11"))
        sec.add_table("assurance_s11_change", "Section 11: change in ratings since the previous round, by organisation",
                format_only(change_since_previous(sa, p, "S11"), {"pct_met_previous": 1, "pct_met_current": 1,
                                                                  "change_pp": 1}))
        sec.add_table("assurance_s11_not_submitted", f"Section 11 {s11}: organisations that had not submitted by "
                f"{w.end}", not_submitted(sa, p, "S11"))
        allrow = by_org.iloc[-1]
        sec.add_figure(
            "assurance_s11_chart", f"Section 11 {s11}: share of standards met, partly met and not met by organisation",
            f"Horizontal stacked bars, one per organisation that submitted its Section 11 self-assessment for {s11}, "
            f"showing the share of standards rated met, partly met and not met; across all of them {allrow['pct_met']}% "
            f"of {allrow['rated']} ratings were met.",
            "assurance_s11_by_organisation",
            lambda: assurance_charts.rating_bars(by_org, "organisation", title=f"Section 11 {s11}: ratings by organisation",
                                   source="Section 11 self-assessments"),
        )
    s175, _ = current_rounds(sa, "S175", p)
    if s175 is not None:
        by_std = sec.add_table("assurance_s175_by_standard", f"Section 175/157 {s175}: ratings by standard (schools and "
                         "colleges)", format_only(ratings(sa, p, "S175", by="standard"), _PCT))
        sec.add_table("assurance_s175_change", "Section 175/157: change in ratings since the previous round, by standard",
                format_only(change_since_previous(sa, p, "S175", by="standard"),
                            {"pct_met_previous": 1, "pct_met_current": 1, "change_pp": 1}))
        allrow = by_std.iloc[-1]
        labels = by_std.assign(label=by_std["standard_id"].astype(str) + " " + by_std["standard"].astype(str))
        labels.loc[labels.index[-1], "label"] = "All standards"
        sec.add_figure(
            "assurance_s175_chart", f"Section 175/157 {s175}: share of schools meeting each standard",
            f"Horizontal stacked bars, one per Section 175/157 standard for {s175}, showing the share of schools and "
            f"colleges rating it met, partly met and not met; across all standards {allrow['pct_met']}% of "
            f"{allrow['rated']} ratings were met.",
            "assurance_s175_by_standard",
            lambda: assurance_charts.rating_bars(labels, "label", title=f"Section 175/157 {s175}: ratings by standard",
                                   source="Section 175/157 self-assessments"),
        )
    sec.findings = findings(tables, p, config)
    return sec


# --- findings ---------------------------------------------------------------------------------------

CHANGE_PP = 5.0


def findings(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> list[Finding]:
    """Findings from the Section 11 and Section 175 rounds (rules SA-01 to SA-04, docs/assurance.md)."""
    tables = tables_of(returns_or_tables)
    sa = tables.get("self_assessments")
    if sa is None:
        return []
    p = parse_period(period)
    w = words or PeriodWords.quarter(p)
    out: list[Finding] = []
    for fw, unit in (("S11", "agencies"), ("S175", "schools and colleges")):
        current, previous = current_rounds(sa, fw, p)
        if current is None:
            out.append(Finding("context", f"No {'Section 11' if fw == 'S11' else 'Section 175/157'} round had "
                               f"submissions by {w.end}.", "professional", "assurance",
                               "table assurance_self_assessment_rounds", rule="SA-01"))
            continue
        name = "Section 11" if fw == "S11" else "Section 175/157"
        ev = f"table assurance_{fw.lower()}_by_standard"
        tot = ratings(sa, p, fw, by="standard").iloc[-1]
        text = (f"In the {current} {name} round, {int(tot['met'])} of {int(tot['rated'])} standard ratings "
                f"({tot['pct_met']:.1f}%) were met, {int(tot['partly_met'])} partly met and {int(tot['not_met'])} not met.")
        ch = change_since_previous(sa, p, fw)
        kind = "context"
        if len(ch):
            c = ch.iloc[-1]
            if pd.notna(c["change_pp"]):
                text += (f" Of the {int(c['compared'])} ratings also given in {previous}, {int(c['improved'])} improved "
                         f"and {int(c['declined'])} declined ({c['change_pp']:+.1f} percentage points met).")
                kind = "working_well" if c["change_pp"] >= CHANGE_PP else "worried" if c["change_pp"] <= -CHANGE_PP \
                    else "context"
        out.append(Finding(kind, text, "professional", "assurance", ev, rule="SA-01",
                           weight=float(abs(ch.iloc[-1]["change_pp"]) / 100) if len(ch) else 0.0))
        ns = not_submitted(sa, p, fw)
        if len(ns):
            who = ", ".join(ns["organisation"]) if fw == "S11" else f"{len(ns)} {unit}"
            out.append(Finding("worried", f"Not submitted to the {current} {name} round by {w.end}: {who}.",
                               "professional", "assurance", f"table assurance_{fw.lower()}_not_submitted", rule="SA-02",
                               weight=0.7))
        acts = agency_actions(sa, p, fw, include_partly=False)
        if len(acts):
            if fw == "S11":
                per = acts.groupby("organisation").size()
                who = "; ".join(f"{o} ({n} standard{'s' if n > 1 else ''})" for o, n in per.items())
                text = f"Section 11 standards rated not met in {current} become actions for: {who}."
            else:
                per = acts.groupby("standard_id").size().sort_values(ascending=False, kind="mergesort")
                top = acts.drop_duplicates("standard_id").set_index("standard_id").loc[per.index[:3], "standard"]
                text = (f"{acts['organisation'].nunique()} schools or colleges rated at least one standard not met in "
                        f"{current}; most often: " + "; ".join(f"{s} ({per[i]})" for i, s in top.items()) + ".")
            out.append(Finding("needs_to_happen", text, "professional", "assurance",
                               f"table assurance_{fw.lower()}_actions" if fw == "S11" else ev, rule="SA-03", weight=0.6))
        by_std = ratings(sa, p, fw, by="standard").iloc[:-1]
        weakest = by_std.loc[by_std["pct_met"] == by_std["pct_met"].min()]
        if len(weakest) and weakest["pct_met"].iloc[0] < 50:
            names = "; ".join(f"{r.standard_id} {r.standard} ({r.pct_met:.1f}% met)" for r in weakest.itertuples())
            out.append(Finding("worried", f"The {name} standard least often met in {current}: {names}.",
                               "professional", "assurance", ev, rule="SA-04", weight=0.5))
    return out
