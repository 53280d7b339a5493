"""Multi-agency thematic case-file audits (one a quarter).

Each audit grades a handful of children's case files, agency by agency, against the theme's key
lines of enquiry: outstanding, good, requires improvement or inadequate. Here:

* the audit(s) *of the period* are those whose panel date falls in the quarter;
* a **grading** is one grade for one case, agency and line of enquiry; the distribution of gradings is
  shown by line of enquiry and by agency, with "good or better" = outstanding + good;
* an audit is **compared** with every earlier audit on the same theme (same wording of the theme,
  case and spacing ignored), by the share of gradings that were good or better and its change in
  percentage points;
* the **recommendations** of an audit are the actions of the action plan whose source is that audit.

Gradings of one case tend to agree (the same child's file, the same practice), so an audit of 8 cases
graded 195 times does not hold 195 independent observations. Every interval for a share of gradings
good or better therefore allows for the clustering of gradings within cases (the case is the audit's
``case_ref``): the Wilson interval on the effective counts, with the design effect from the intracluster
correlation (``stats.clustered_proportion``; docs/methods.md §15). A change between two audits on a
theme is tested on the effective counts of each (the Rao–Scott adjustment of the two-proportion test:
each audit's counts divided by its design effect, then ``stats.two_proportion_test``), and is called a
change (working well, or a worry) only when that test is significant at 5%.

Gradings are judgements about practice on children's case files: published counts of gradings go
through small-number suppression like any count about children; case references never leave here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import disclosure
from ..narrative import Finding
from ..periods import Period, PeriodWords, parse_period
from ..sections import Section
from ._common import (
    QUARTER,
    happened,
    in_window,
    needs_columns,
    percent,
    priority_for,
    states_set_aside,
    tables_of,
)
from .actions import action_status

__all__ = [
    "GRADES",
    "GRADE_LABELS",
    "audits_in_period",
    "grade_distribution",
    "theme_history",
    "recommendations",
    "published_grades",
    "published_four_grades",
    "published_history",
    "good_or_better_intervals",
    "section",
    "findings",
]

SOURCE = "the partnership's multi-agency case-file audit register"  # where this section's numbers come from, in words

GRADES = ("outstanding", "good", "requires_improvement", "inadequate")
GRADE_LABELS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
GOOD_OR_BETTER = ("outstanding", "good")
_COLUMNS = ("audit_id", "audit_date", "theme", "case_ref", "agency", "line_of_enquiry", "grade")


def _theme_key(theme: pd.Series) -> pd.Series:
    return theme.astype("string").str.lower().str.split().str.join(" ")


def _period_audits(audits: pd.DataFrame, period: str | Period, window: str = QUARTER) -> pd.DataFrame:
    needs_columns(audits, _COLUMNS, "audits")
    return audits.loc[in_window(audits["audit_date"], period, window)]


def audits_in_period(audits: pd.DataFrame, period: str | Period, window: str = QUARTER) -> pd.DataFrame:
    """The audits held in the window: one row per audit with its theme, date and size.

    Columns: ``audit_id``, ``audit_date``, ``theme``, ``cases``, ``agencies``, ``lines_of_enquiry``,
    ``gradings``.
    """
    a = _period_audits(audits, period, window)
    g = a.groupby("audit_id", sort=True)
    out = pd.DataFrame({
        "audit_date": g["audit_date"].min(),
        "theme": g["theme"].first(),
        "cases": g["case_ref"].nunique(),
        "agencies": g["agency"].nunique(),
        "lines_of_enquiry": g["line_of_enquiry"].nunique(),
        "gradings": g.size(),
    }).reset_index()
    return out.sort_values(["audit_date", "audit_id"], kind="mergesort").reset_index(drop=True)


def _distribution(a: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    grade = pd.Categorical(a["grade"].astype("string"), categories=list(GRADES))
    if by:
        keys = [a[c].astype("string") for c in by]
        counts = pd.crosstab(keys, grade, dropna=False).reindex(columns=list(GRADES), fill_value=0)
        counts = counts.loc[counts.sum(axis=1) > 0]
    else:
        counts = pd.DataFrame([pd.Series(grade).value_counts().reindex(list(GRADES), fill_value=0)])
    counts.columns = list(GRADES)
    counts = counts.reset_index(drop=not by)
    return counts


def _add_shares(t: pd.DataFrame) -> pd.DataFrame:
    t = t.copy()
    t["graded"] = t[list(GRADES)].sum(axis=1)
    t["good_or_better"] = t[list(GOOD_OR_BETTER)].sum(axis=1)
    t["ri_or_inadequate"] = t[["requires_improvement", "inadequate"]].sum(axis=1)
    t["pct_good_or_better"] = percent(t["good_or_better"], t["graded"])
    return t


def grade_distribution(audits: pd.DataFrame, period: str | Period, by: str | list[str] | None = "line_of_enquiry",
                       audit_id: str | None = None) -> pd.DataFrame:
    """Gradings of the period's audit(s) by grade, for each value of ``by``, with an "All" row.

    ``by`` is ``"line_of_enquiry"``, ``"agency"``, a list of both, or ``None`` for the audit as a whole.
    ``audit_id`` picks one audit (any date up to the period end) instead of the quarter's.
    Columns: ``by`` columns, the four grades, ``graded``, ``good_or_better``, ``ri_or_inadequate``,
    ``pct_good_or_better``.
    """
    if audit_id is not None:
        needs_columns(audits, _COLUMNS, "audits")
        a = audits.loc[(audits["audit_id"] == audit_id) & happened(audits["audit_date"], period)]
    else:
        a = _period_audits(audits, period)
    cols = [] if by is None else ([by] if isinstance(by, str) else list(by))
    body = _distribution(a, cols)
    if cols:
        body = body.sort_values(cols, kind="mergesort").reset_index(drop=True)
        total = _distribution(a, [])
        for c in cols:
            total[c] = "All"
        body = pd.concat([body, total[cols + list(GRADES)]], ignore_index=True)
    return _add_shares(body)


def theme_history(audits: pd.DataFrame, period: str | Period, by: str | None = None) -> pd.DataFrame:
    """Every audit up to the period end on a theme audited in the quarter, oldest first.

    One row per audit (and per ``by`` group when given): ``theme``, ``audit_id``, ``audit_date``, grade
    counts, ``graded``, ``good_or_better``, ``pct_good_or_better``, ``change_pp``: the change in
    percentage points from the previous audit on the same theme (same group), and ``change_p``: its
    p-value, allowing for gradings clustered within cases (:func:`_change_tests`).
    """
    needs_columns(audits, _COLUMNS, "audits")
    now = _period_audits(audits, period)
    themes = set(_theme_key(now["theme"]).dropna())
    upto = audits.loc[happened(audits["audit_date"], period)].copy()
    upto["_theme"] = _theme_key(upto["theme"])
    upto = upto.loc[upto["_theme"].isin(themes)]
    cols = ["_theme", "audit_id"] + ([by] if by else [])
    t = _add_shares(_distribution(upto, cols))
    meta = upto.groupby("audit_id").agg(audit_date=("audit_date", "min"), theme=("theme", "first")).reset_index()
    t = t.merge(meta, on="audit_id", how="left")
    group = ["_theme"] + ([by] if by else [])
    t = t.sort_values(group + ["audit_date", "audit_id"], kind="mergesort").reset_index(drop=True)
    t["change_pp"] = t.groupby(group, sort=False)["pct_good_or_better"].diff()
    t["change_p"] = _change_tests(upto, t, group) if len(t) else np.nan
    t["current"] = t["audit_id"].isin(set(now["audit_id"]))
    order = ["theme", "audit_id", "audit_date"] + ([by] if by else []) + list(GRADES) + [
        "graded", "good_or_better", "ri_or_inadequate", "pct_good_or_better", "change_pp", "change_p", "current"]
    return t[order]


def _gradings(audits: pd.DataFrame, upto: pd.DataFrame) -> pd.DataFrame:
    """One row per grading: ``good`` (1 for outstanding or good), ``one``, and ``case`` (the audit and its
    case reference: the cluster)."""
    grade = upto["grade"].astype("string")
    return upto.assign(good=grade.isin(GOOD_OR_BETTER).astype(float).to_numpy(), one=1.0,
                       case=(upto["audit_id"].astype("string") + "|" + upto["case_ref"].astype("string")).to_numpy())


def good_or_better_intervals(audits: pd.DataFrame, period: str | Period, by: str | None = "line_of_enquiry",
                             confidence: float = 0.95) -> pd.DataFrame:
    """The share of the quarter's gradings that were good or better, with an interval that allows for
    gradings clustered within cases, for each value of ``by`` and "All" (``by=None``: the audit as a whole).

    Columns: ``by`` (when given), ``graded``, ``good_or_better``, ``cases``, ``icc``, ``design_effect``,
    ``pct_good_or_better``, ``pct_lower``, ``pct_upper`` (percent). The interval is the Wilson interval of
    the effective counts Y/deff of N/deff, deff = 1 + (m̃ − 1)·ICC (``stats.clustered_proportion``).
    """
    from ..stats import clustered_proportion

    g = _gradings(audits, _period_audits(audits, period))
    cols = ["graded", "good_or_better", "cases", "icc", "design_effect", "pct_good_or_better", "pct_lower", "pct_upper"]
    if g.empty:
        return pd.DataFrame(columns=([by] if by else []) + cols)

    def shares(group_by):
        t = clustered_proportion(g, "good", "one", "case", group_by=group_by, confidence=confidence, multiplier=100)
        return t.rename(columns={"numerator": "good_or_better", "denominator": "graded", "clusters": "cases",
                                 "value": "pct_good_or_better", "lower_ci": "pct_lower", "upper_ci": "pct_upper"})

    total = shares(None)
    if by is None:
        return total[cols]
    body = shares(by)
    body[by] = body[by].astype("string")
    body = body.sort_values(by, kind="mergesort")
    total[by] = "All"
    return pd.concat([body[[by] + cols], total[[by] + cols]], ignore_index=True)


def _change_tests(upto: pd.DataFrame, t: pd.DataFrame, group: list[str]) -> pd.Series:
    """p-value of the change from the previous audit in each ``group`` (rows of ``t`` in date order): the
    two-proportion test on each audit's effective counts (good or better / design effect of N / design
    effect; Rao & Scott 1992)."""
    from ..stats import clustered_proportion, two_proportion_test

    g = _gradings(upto, upto)
    keys = group + ["audit_id"]
    deff = clustered_proportion(g, "good", "one", "case", group_by=keys)[keys + ["design_effect"]]
    d = t[keys + ["good_or_better", "graded"]].merge(deff, on=keys, how="left")
    y = d["good_or_better"].to_numpy(float) / d["design_effect"].to_numpy(float)
    n = d["graded"].to_numpy(float) / d["design_effect"].to_numpy(float)
    prev = d.groupby(group, sort=False)
    y0 = prev["good_or_better"].shift(1).to_numpy(float) / prev["design_effect"].shift(1).to_numpy(float)
    n0 = prev["graded"].shift(1).to_numpy(float) / prev["design_effect"].shift(1).to_numpy(float)
    ok = np.isfinite(y0) & (n0 > 0) & (n > 0)
    p = np.full(len(d), np.nan)
    if ok.any():
        p[ok] = np.asarray(two_proportion_test(y0[ok], n0[ok], y[ok], n[ok]).p_value, float)
    return pd.Series(p, index=t.index)


def recommendations(actions: pd.DataFrame, audits: pd.DataFrame, period: str | Period) -> pd.DataFrame:
    """The actions raised from the quarter's audit(s), with their state at the period end."""
    ids = set(_period_audits(audits, period)["audit_id"])
    s = action_status(actions, period)
    s = s.loc[s["source_type"].astype("string").eq("AUDIT").fillna(False) & s["source_ref"].isin(ids)].copy()
    s["state"] = s["complete"].map({True: "complete"}).fillna(s["overdue"].map({True: "overdue", False: "open"}))
    cols = ["source_ref", "action_id", "owner_agency", "raised_date", "due_date", "state"]
    if "description" in s.columns:
        cols.insert(2, "description")
    out = s[cols].rename(columns={"source_ref": "audit_id"}).sort_values(["audit_id", "action_id"], kind="mergesort")
    for c in ("raised_date", "due_date"):
        out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d")
    return out.reset_index(drop=True)


# --- publication and findings ------------------------------------------------------------------------

CHANGE_PP = 5.0  # a change of at least this many percentage points since the last audit on the theme is reported
ALPHA = 0.05  # ... as working well or a worry only when its test (allowing for clustering) is significant at this level
STRONG_PCT = 75.0  # lines of enquiry at or above this share good or better are "working well"
WEAK_PCT = 50.0  # lines below this share are a worry
_TWO_WAY = ["good_or_better", "ri_or_inadequate", "graded"]
_TWO_WAY_PCT = {"pct_good_or_better": ["good_or_better", "ri_or_inadequate"]}


def published_grades(audits: pd.DataFrame, period: str | Period, config=None, by="line_of_enquiry") -> pd.DataFrame:
    """Gradings by ``by`` as published: good or better / requires improvement or inadequate, their total, share.

    ``pct_lower`` and ``pct_upper``: the 95% interval of the share, allowing for gradings clustered within
    cases (:func:`good_or_better_intervals`). By line of enquiry and by agency only the two-way split is
    published: a line has some 40 gradings,
    and at four grades most cells would be suppressed. The four grades are published for the audit as a
    whole (:func:`published_four_grades`), nested inside the same two groups so that the tables cannot be
    combined to work out a suppressed grade.
    """
    from .publish import publish

    t = grade_distribution(audits, period, by=by)
    col = by if isinstance(by, str) else by[0]
    t = t[[col, *_TWO_WAY, "pct_good_or_better"]]
    ci = good_or_better_intervals(audits, period, by=col)[[col, "pct_lower", "pct_upper"]]
    t = t.merge(ci.astype({col: "string"}), on=col, how="left") if len(t) else t.assign(pct_lower=[], pct_upper=[])
    derived = {**_TWO_WAY_PCT, "pct_lower": ["good_or_better", "ri_or_inadequate"],
               "pct_upper": ["good_or_better", "ri_or_inadequate"]}
    return publish(t, _TWO_WAY, config, derived=derived, total_row=(col, "All"), total_column="graded", own_work=True).table


def published_four_grades(audits: pd.DataFrame, period: str | Period, config=None) -> pd.DataFrame:
    """The four grades of the quarter's audit(s) as a whole, as published (one block per group of grades).

    Columns: ``audit_id``, ``group`` (good or better / requires improvement or inadequate), ``grade``
    (the group's subtotal is the row "all in group"), ``gradings``, ``pct`` (of all gradings of the audit).
    """
    from .publish import publish

    rows = []
    for audit_id in sorted(_period_audits(audits, period)["audit_id"].unique()):
        d = grade_distribution(audits, period, by=None, audit_id=audit_id).iloc[0]
        for group, grades_ in (("Good or better", GOOD_OR_BETTER), ("Requires improvement or inadequate",
                                                                    ("requires_improvement", "inadequate"))):
            rows += [(audit_id, group, GRADE_LABELS[g], int(d[g]), 100 * d[g] / d["graded"]) for g in grades_]
            sub = sum(int(d[g]) for g in grades_)
            rows.append((audit_id, group, "all in group", sub, 100 * sub / d["graded"]))
    t = pd.DataFrame(rows, columns=["audit_id", "group", "grade", "gradings", "pct"])
    if t.empty:
        return t
    t["_block"] = t["audit_id"] + "|" + t["group"]
    pub = publish(t, ["gradings"], config, derived={"pct": ["gradings"]}, total_row=("grade", "all in group"),
                  by="_block", own_work=True).table
    return pub.drop(columns="_block")


def published_history(audits: pd.DataFrame, period: str | Period, config=None) -> pd.DataFrame:
    """Every audit on the quarter's theme(s), as published (two-way split); the change and its p-value
    (allowing for gradings clustered within cases) are ``c`` when either share is, ``z`` for the first
    audit on a theme."""
    from .publish import number, publish

    cols = ["theme", "audit_id", "audit_date", *_TWO_WAY, "pct_good_or_better", "change_pp", "change_p"]
    h = theme_history(audits, period)
    if h.empty:
        return pd.DataFrame(columns=cols)
    both = ["good_or_better", "ri_or_inadequate"]
    pub = publish(h[cols], _TWO_WAY, config, derived={**_TWO_WAY_PCT, "change_pp": both, "change_p": both},
                  total_column="graded", by="audit_id", decimals={"change_p": 3}, own_work=True).table
    shown = (pub["change_p"] != "c").to_numpy()
    pub.loc[shown, "change_p"] = disclosure.format_p(h["change_p"].to_numpy(float))[shown]
    pct = pub["pct_good_or_better"].map(number)
    prev_hidden = pd.Series(pct.isna().to_numpy(), index=pub.index).groupby(
        _theme_key(h["theme"]).to_numpy()).shift(1, fill_value=False).astype(bool)
    for col in ("change_pp", "change_p"):
        pub.loc[prev_hidden.to_numpy() & h["change_pp"].notna().to_numpy(), col] = "c"
        pub.loc[h["change_pp"].isna().to_numpy(), col] = "z"
    return pub


@states_set_aside("audits")
def section(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> Section:
    """The audit section of the evidence pack: tables, figure and findings (lens: professional)."""
    from ..charts import assurance as assurance_charts
    from .publish import dates_as_text, publish

    tables = tables_of(returns_or_tables)
    p = parse_period(period)
    w = words or PeriodWords.quarter(p)
    audits = tables.get("audits")
    sec = Section("audits", "Multi-agency thematic case-file audits", "professional", period=w.label, source=SOURCE,
                  window="audits whose panel met in the quarter, compared with every earlier audit on the same theme")
    if audits is None:
        return sec.missing("audits")
    meta = audits_in_period(audits, p)
    sec.add_table("assurance_audits_held", f"Multi-agency audits held in {w.label}",
            publish(meta, ["cases", "gradings"], config, own_work=True).table, counts=["cases", "gradings"])
    sec.add_table("assurance_audit_grades", f"Audit gradings by grade, {w.label}", published_four_grades(audits, p, config),
            counts=["gradings"])
    by_line = sec.add_table("assurance_audit_grades_by_line", f"Audit gradings by key line of enquiry, {w.label}",
                      published_grades(audits, p, config, "line_of_enquiry"), counts=_TWO_WAY)
    sec.add_table("assurance_audit_grades_by_agency", f"Audit gradings by agency, {w.label}",
            published_grades(audits, p, config, "agency"), counts=_TWO_WAY)
    sec.add_table("assurance_audit_theme_history", "This quarter's audit compared with earlier audits on the same theme",
            published_history(audits, p, config), counts=_TWO_WAY)
    actions = tables.get("actions")
    rec = recommendations(actions, audits, p) if actions is not None else pd.DataFrame()
    sec.add_table("assurance_audit_recommendations", "Recommendations raised by the audit panel, as actions",
            dates_as_text(rec))
    if len(meta):
        allrow = by_line.loc[by_line["line_of_enquiry"] == "All"].iloc[0]
        themes = ", ".join(meta["theme"].astype(str))
        share = (f"{allrow['pct_good_or_better']}% of gradings were good or outstanding" if allrow["pct_good_or_better"]
                 not in ("c", "x") else "some grade counts are too small to show")
        sec.add_figure(
            "assurance_audit_grades_chart", f"Audit gradings by key line of enquiry ({themes}), {w.label}",
            f"Horizontal stacked bars, one per key line of enquiry of the {themes} audit and one for all of them, "
            f"showing the share of gradings that were good or outstanding and the share that required improvement "
            f"or were inadequate; overall {share}. Hatched segments are suppressed small counts.",
            "assurance_audit_grades_by_line",
            lambda: assurance_charts.grade_bars(by_line, "line_of_enquiry", title=f"Gradings by key line of enquiry, {w.label}",
                                  source="multi-agency audit register"),
        )
    sec.findings = _findings(sec, tables, p, config, w)
    return sec


def findings(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> list[Finding]:
    """Findings about the quarter's audit (rules AUD-01 to AUD-04, docs/assurance.md)."""
    return section(returns_or_tables, period, config, words).findings


def _findings(sec, tables, p: Period, config, w: PeriodWords) -> list[Finding]:
    from .publish import number

    audits = tables.get("audits")
    if audits is None:
        return []
    meta = audits_in_period(audits, p)
    out: list[Finding] = []
    if meta.empty:
        return [Finding("context", f"No multi-agency audit panel met in {w.label}.", "professional", "assurance",
                        "table assurance_audits_held", rule="AUD-01")]
    hist = sec["assurance_audit_theme_history"]
    current = set(meta["audit_id"])
    for _, row in hist.loc[hist["audit_id"].isin(current)].iterrows():
        theme, prio = row["theme"], priority_for(row["theme"], config)
        pct, change, graded = number(row["pct_good_or_better"]), number(row["change_pp"]), number(row["graded"])
        head = f"In the {theme} audit ({row['audit_id']})"
        ev = "table assurance_audit_theme_history"
        if pd.isna(pct):
            out.append(Finding("context", f"{head}, the grade counts are too small to publish a share good or better.",
                               "professional", "assurance", ev, priority=prio, rule="AUD-01"))
            continue
        level = f"{pct:.1f}% of {graded:.0f} gradings were good or outstanding"
        if row["change_pp"] == "z":
            out.append(Finding("context", f"{head}, {level}; it is the first audit on this theme.", "professional",
                               "assurance", ev, priority=prio, rule="AUD-01"))
        elif pd.isna(change):
            out.append(Finding("context", f"{head}, {level}; the earlier audit's counts are too small to compare.",
                               "professional", "assurance", ev, priority=prio, rule="AUD-01"))
        else:
            pv = 0.0 if row["change_p"] == "<0.001" else number(row["change_p"])
            clear = bool(pv < ALPHA)
            kind = ("working_well" if change >= CHANGE_PP and clear else "worried" if change <= -CHANGE_PP and clear
                    else "context")
            delta = (f"up {change:.1f} percentage points" if change > 0 else f"down {-change:.1f} percentage points"
                     if change < 0 else "unchanged")
            p_words = row["change_p"] if row["change_p"] == "<0.001" else f"= {row['change_p']}"
            test = (f"a clear change (p {p_words}, allowing for gradings of the same case being alike)" if clear else
                    f"no clear change (p {p_words}, allowing for gradings of the same case being alike): a change of "
                    "this size can arise by chance in audits of a few cases")
            out.append(Finding(kind, f"{head}, {level}, {delta} on the previous audit on this theme: {test}.",
                               "professional", "assurance", ev, priority=prio, rule="AUD-01", weight=abs(change) / 100))
    prio = priority_for(" ".join(meta["theme"].astype(str)), config)
    # the share and its interval are judged on unrounded counts; they are quoted only where the published table
    # shows them
    cases = int(meta["cases"].sum())
    for by, label, rule, name in (("line_of_enquiry", "these lines of enquiry", "AUD-02", "assurance_audit_grades_by_line"),
                                  ("agency", "these agencies", "AUD-03", "assurance_audit_grades_by_agency")):
        raw = good_or_better_intervals(audits, p, by=by)
        raw = raw.loc[raw[by] != "All"]
        shown = sec[name].set_index(by)

        def names(rows, by=by, shown=shown):
            out_ = []
            for _, r in rows.iterrows():
                s_ = shown.loc[r[by]]
                if s_["pct_good_or_better"] in ("c", "x"):
                    out_.append(str(r[by]))
                else:
                    out_.append(f"{r[by]} ({s_['pct_good_or_better']}%, 95% interval {s_['pct_lower']}% to "
                                f"{s_['pct_upper']}%)")
            return "; ".join(out_)

        pct, lo, hi = raw["pct_good_or_better"], raw["pct_lower"], raw["pct_upper"]
        weak = raw.loc[(pct < WEAK_PCT) & (hi < 50)]
        strong = raw.loc[(pct >= STRONG_PCT) & (lo > 50)]
        unclear = raw.loc[((pct < WEAK_PCT) & (hi >= 50)) | ((pct >= STRONG_PCT) & (lo <= 50))]
        if len(weak):
            out.append(Finding("worried", f"Fewer than half of the gradings were good or better for {label}, even "
                               f"allowing for gradings of the same case being alike: {names(weak)}.", "professional",
                               "assurance", f"table {name}", priority=prio, rule=rule,
                               weight=float(1 - weak["pct_good_or_better"].min() / 100)))
        if len(strong):
            out.append(Finding("working_well", f"At least three quarters of gradings were good or better for {label}, "
                               f"and clearly more than half even allowing for gradings of the same case being alike: "
                               f"{names(strong)}.", "professional", "assurance", f"table {name}", priority=prio,
                               rule=rule, weight=float(strong["pct_good_or_better"].max() / 100)))
        if len(unclear):
            out.append(Finding("context", f"For {label} the share of gradings good or better was under half or at least "
                               f"three quarters, but with gradings from {cases} case{'s' if cases != 1 else ''} the 95% "
                               f"interval includes one half, so it could be chance: {names(unclear)}.", "professional",
                               "assurance", f"table {name}", priority=prio, rule=rule, weight=0.2))
    rec = sec["assurance_audit_recommendations"]
    if "actions" in tables:
        if len(rec):
            n_open = int((rec["state"] != "complete").sum())
            out.append(Finding(
                "needs_to_happen",
                f"The audit panel's {len(rec)} recommendation{'s are' if len(rec) != 1 else ' is'} in the action plan "
                f"({n_open} open at {w.end}), owned by {', '.join(sorted(rec['owner_agency'].unique()))}.",
                "professional", "assurance", "table assurance_audit_recommendations", priority=prio, rule="AUD-04",
                weight=0.5,
            ))
        else:
            out.append(Finding(
                "needs_to_happen",
                "No recommendations from this quarter's audit are in the action plan yet: the panel's recommendations "
                "should be turned into SMART actions with owners and dates.",
                "professional", "assurance", "table assurance_audit_recommendations", priority=prio, rule="AUD-04",
                weight=0.6,
            ))
    return out
