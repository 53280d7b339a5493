"""Multi-agency training: who it reached, and whether it made a difference.

* **Reach**: places booked and attended on multi-agency courses in the quarter, by agency and by
  course; "did not attend" is booked but not attended.
* **Confidence before and after**: each learner rates their confidence (1 to 10) before and after the
  course. The paired ratings are compared with the Wilcoxon signed-rank test (scipy
  ``scipy.stats.wilcoxon``, zero differences dropped as Wilcoxon proposed, two-sided; scipy chooses
  the exact or permutation distribution for small samples and the normal approximation with tie
  correction otherwise). The **effect size we report** is the matched-pairs rank-biserial correlation
  (Kerby 2014)::

      r = (T+ − T−) / (T+ + T−)

  where T+ and T− are the sums of the ranks of |after − before| (average ranks for ties, zero
  differences dropped) over learners whose confidence rose and fell. It runs from −1 (everyone less
  confident) to +1 (everyone more confident). ``r_z = Z / √N`` (N the number of non-zero pairs,
  signed so that positive means more confident) is given beside it for readers used to it.
* **Changed practice**: at the three-month follow-up, the share of learners who answered who said the
  course changed their practice, with a Wilson 95% interval (``cscp_analysis.stats``). Only sessions
  at least 91 days before the period end can have a follow-up answer (as the loader rules).

Windows: reach is for **the quarter**; the evaluation and the follow-up for sessions in **the twelve
months to the period end** (a quarter holds too few pairs per course, and follow-up answers arrive
three months after the session). Counts of learners are counts of people: published counts go
through small-number suppression, and no test is run on fewer than ``MIN_PAIRS`` pairs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

from ..narrative import Finding
from ..periods import Period, PeriodWords, parse_period
from ..sections import Section
from ._common import (
    QUARTER,
    ROLLING,
    in_window,
    needs_columns,
    percent,
    period_end,
    states_set_aside,
    tables_of,
)

__all__ = [
    "MIN_PAIRS",
    "reach",
    "signed_rank",
    "evaluation",
    "changed_practice",
    "confidence_distribution",
    "published_reach",
    "published_evaluation",
    "published_changed",
    "section",
    "findings",
]

SOURCE = "the partnership's training attendance and evaluation registers"  # where this section's numbers come from, in words

MIN_PAIRS = 10  # fewer non-zero pairs than this and no test or effect size is given
FOLLOW_UP_DAYS = 91  # a follow-up answer exists only for sessions at least this many days before the period end


def reach(attendance: pd.DataFrame, period: str | Period, by: str = "agency", window: str = QUARTER) -> pd.DataFrame:
    """Places booked and attended in the window by ``by`` (``agency`` or ``course``), with an "All" row.

    Columns: ``by``, ``booked``, ``attended``, ``did_not_attend``, ``pct_attended``.
    """
    needs_columns(attendance, ("booking_id", "course", "session_date", "agency", "attended"), "training_attendance")
    if by not in ("agency", "course"):
        raise ValueError("by must be 'agency' or 'course'")
    a = attendance.loc[in_window(attendance["session_date"], period, window)]
    att = a["attended"].astype("string").eq("Y").fillna(False).astype(int)
    t = pd.DataFrame({by: a[by].astype("string"), "booked": 1, "attended": att})
    g = t.groupby(by, sort=True)[["booked", "attended"]].sum()
    g = pd.concat([g, g.sum().to_frame("All").T])
    g.index.name = by
    g = g.reset_index()
    g["did_not_attend"] = g["booked"] - g["attended"]
    g["pct_attended"] = percent(g["attended"], g["booked"])
    return g[[by, "booked", "attended", "did_not_attend", "pct_attended"]]


def signed_rank(before, after) -> dict:
    """Wilcoxon signed-rank test and effect sizes for paired ratings (see module docstring).

    Returns ``pairs``, ``nonzero_pairs``, ``improved``, ``unchanged``, ``worse``, ``t_plus``,
    ``t_minus``, ``statistic`` (min of T+ and T−, as scipy reports it), ``z``, ``p_value``,
    ``rank_biserial``, ``r_z``. Statistics are NaN below ``MIN_PAIRS`` non-zero pairs.
    """
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    keep = ~(np.isnan(a) | np.isnan(b))
    d = (a - b)[keep]
    nz = d[d != 0]
    n = int(nz.size)
    ranks = sps.rankdata(np.abs(nz)) if n else np.array([])
    t_plus = float(ranks[nz > 0].sum())
    t_minus = float(ranks[nz < 0].sum())
    out = {
        "pairs": int(d.size), "nonzero_pairs": n, "improved": int((d > 0).sum()), "unchanged": int((d == 0).sum()),
        "worse": int((d < 0).sum()), "t_plus": t_plus, "t_minus": t_minus, "statistic": np.nan, "z": np.nan,
        "p_value": np.nan, "rank_biserial": np.nan, "r_z": np.nan,
    }
    if n < MIN_PAIRS:
        return out
    res = sps.wilcoxon(nz, zero_method="wilcox", correction=False, alternative="two-sided", method="auto")
    asym = sps.wilcoxon(nz, zero_method="wilcox", correction=False, alternative="two-sided", method="asymptotic")
    sign = 1.0 if t_plus >= t_minus else -1.0
    z = sign * abs(float(asym.zstatistic))
    out.update(statistic=float(res.statistic), z=z, p_value=float(res.pvalue),
               rank_biserial=(t_plus - t_minus) / (t_plus + t_minus), r_z=float(z / np.sqrt(n)))
    return out


def _eval_window(ev: pd.DataFrame, period, window) -> pd.DataFrame:
    needs_columns(ev, ("response_id", "course", "session_date", "agency", "confidence_before", "confidence_after",
                       "changed_practice"), "training_evaluation")
    return ev.loc[in_window(ev["session_date"], period, window)]


def evaluation(ev: pd.DataFrame, period: str | Period, by: str | None = "course", window: str = ROLLING) -> pd.DataFrame:
    """Confidence before and after, by ``by`` (``course``, ``agency`` or None), with an "All" row.

    Columns: ``by``, ``pairs``, ``median_before``, ``median_after``, ``mean_before``, ``mean_after``,
    ``mean_change`` and the results of :func:`signed_rank`.
    """
    e = _eval_window(ev, period, window)
    groups: list[tuple[str, pd.DataFrame]] = []
    if by is not None:
        groups += [(str(k), g) for k, g in e.groupby(e[by].astype("string"), sort=True)]
    groups.append(("All", e))
    rows = []
    for key, g in groups:
        b = pd.to_numeric(g["confidence_before"], errors="coerce").astype(float)
        a = pd.to_numeric(g["confidence_after"], errors="coerce").astype(float)
        ok = a.notna() & b.notna()
        r = {"group": key, "median_before": b[ok].median(), "median_after": a[ok].median(),
             "mean_before": b[ok].mean(), "mean_after": a[ok].mean()}
        r["mean_change"] = r["mean_after"] - r["mean_before"]
        r.update(signed_rank(b[ok], a[ok]))
        rows.append(r)
    out = pd.DataFrame(rows).rename(columns={"group": by or "group"})
    first = [by or "group", "pairs", "median_before", "median_after", "mean_before", "mean_after", "mean_change"]
    return out[first + [c for c in out.columns if c not in first]]


def changed_practice(ev: pd.DataFrame, period: str | Period, by: str | None = None, window: str = ROLLING,
                     confidence: float = 0.95) -> pd.DataFrame:
    """Learners answering the three-month follow-up, and the share saying their practice changed.

    Columns: ``by``, ``followed_up`` (answered Y or N), ``changed`` (Y), ``pct_changed`` with Wilson
    ``lower_ci`` and ``upper_ci`` (percent).
    """
    from ..stats import wilson_interval

    e = _eval_window(ev, period, window)
    old_enough = pd.to_datetime(e["session_date"]) <= period_end(period) - pd.Timedelta(days=FOLLOW_UP_DAYS)
    ans = e["changed_practice"].astype("string").where(old_enough)
    t = pd.DataFrame({"key": e[by].astype("string") if by else "All",
                      "followed_up": ans.isin(["Y", "N"]).fillna(False).astype(int),
                      "changed": (ans == "Y").fillna(False).astype(int)})
    g = t.groupby("key", sort=True)[["followed_up", "changed"]].sum()
    if by:
        g = pd.concat([g, g.sum().to_frame("All").T])
    g.index.name = by or "group"
    g = g.reset_index()
    g["pct_changed"] = percent(g["changed"], g["followed_up"])
    has = g["followed_up"] > 0
    lo = np.full(len(g), np.nan)
    hi = np.full(len(g), np.nan)
    if has.any():
        l_, h_ = wilson_interval(g.loc[has, "changed"].to_numpy(), g.loc[has, "followed_up"].to_numpy(), confidence)
        lo[has.to_numpy()] = 100 * np.asarray(l_, dtype=float)
        hi[has.to_numpy()] = 100 * np.asarray(h_, dtype=float)
    g["lower_ci"], g["upper_ci"] = lo, hi
    return g


def confidence_distribution(ev: pd.DataFrame, period: str | Period, window: str = ROLLING) -> pd.DataFrame:
    """Learners at each confidence rating (1 to 10) before and after: ``rating``, ``before``, ``after``."""
    e = _eval_window(ev, period, window)
    b = pd.to_numeric(e["confidence_before"], errors="coerce")
    a = pd.to_numeric(e["confidence_after"], errors="coerce")
    ok = a.notna() & b.notna()
    levels = list(range(1, 11))
    return pd.DataFrame({
        "rating": levels,
        "before": b[ok].astype(int).value_counts().reindex(levels, fill_value=0).to_numpy(),
        "after": a[ok].astype(int).value_counts().reindex(levels, fill_value=0).to_numpy(),
    })


# --- publication and findings ------------------------------------------------------------------------

ALPHA = 0.05
DNA_WORRY_PCT = 20.0  # more booked places than this share not attended is a worry
CHANGED_TARGET = 50.0  # the follow-up share is judged against half of learners
_REACH_COUNTS = ["booked", "attended", "did_not_attend"]
_EVAL_COLUMNS = ["pairs", "improved", "unchanged", "worse", "mean_before", "mean_after", "median_before", "median_after",
                 "statistic", "z", "p_value", "rank_biserial", "r_z"]
_EVAL_DERIVED = {c: ["pairs"] for c in _EVAL_COLUMNS[4:]}
_EVAL_DECIMALS = {"mean_before": 1, "mean_after": 1, "median_before": 1, "median_after": 1, "statistic": 1, "z": 2,
                  "p_value": 4, "rank_biserial": 2, "r_z": 2}


def published_reach(attendance: pd.DataFrame, period: str | Period, config=None, by: str = "agency") -> pd.DataFrame:
    """Places booked and attended, as published (counts of the partnership's own work: shown as they are
    in the board's pack)."""
    from .publish import publish

    t = reach(attendance, period, by=by)
    return publish(t, _REACH_COUNTS, config, derived={"pct_attended": ["attended", "did_not_attend"]},
                   total_row=(by, "All"), total_column="booked", own_work=True).table


def published_evaluation(ev: pd.DataFrame, period: str | Period, config=None, by: str = "course") -> pd.DataFrame:
    """Confidence before and after by course, as published: statistics hidden where the pairs are suppressed."""
    from .. import disclosure
    from .publish import publish

    t = evaluation(ev, period, by=by)[[by, *_EVAL_COLUMNS]]
    out = publish(t, ["pairs", "improved", "unchanged", "worse"], config, derived=_EVAL_DERIVED,
                  total_row=(by, "All"), total_column="pairs", decimals=_EVAL_DECIMALS, own_work=True).table
    shown = ~out["p_value"].isin([disclosure.SUPPRESSED])
    out.loc[shown, "p_value"] = disclosure.format_p(t.loc[shown, "p_value"].to_numpy(dtype=float))
    return out


def published_changed(ev: pd.DataFrame, period: str | Period, config=None, by: str | None = "course") -> pd.DataFrame:
    from .publish import publish

    t = changed_practice(ev, period, by=by)
    key = by or "group"
    t["not_changed"] = t["followed_up"] - t["changed"]
    t = t[[key, "followed_up", "changed", "not_changed", "pct_changed", "lower_ci", "upper_ci"]]
    src = ["changed", "not_changed"]
    return publish(t, ["followed_up", "changed", "not_changed"], config,
                   derived={"pct_changed": src, "lower_ci": src, "upper_ci": src},
                   total_row=(key, "All") if by else None, total_column="followed_up", own_work=True).table


@states_set_aside("training_attendance", "training_evaluation")
def section(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> Section:
    """The training section: reach in the quarter, evaluation over twelve months (lens: professional)."""
    from ..charts import assurance as assurance_charts
    tables = tables_of(returns_or_tables)
    p = parse_period(period)
    w = words or PeriodWords.quarter(p)
    sec = Section("training", "Multi-agency training: reach and evaluation", "professional", period=w.label, source=SOURCE,
                  window="places booked in the quarter; evaluations of sessions in the twelve months to the period end")
    att = tables.get("training_attendance")
    ev = tables.get("training_evaluation")
    if att is not None:
        sec.add_table("assurance_training_reach_agency", f"Multi-agency training places by agency, {w.label}",
                published_reach(att, p, config, "agency"), counts=_REACH_COUNTS, own_work=True)
        sec.add_table("assurance_training_reach_course", f"Multi-agency training places by course, {w.label}",
                published_reach(att, p, config, "course"), counts=_REACH_COUNTS, own_work=True)
    if ev is not None:
        evt = sec.add_table("assurance_training_evaluation", "Confidence before and after each course (1 to 10), Wilcoxon "
                      f"signed-rank test and rank-biserial effect size, {w.twelve_months}",
                      published_evaluation(ev, p, config), counts=["pairs", "improved", "unchanged", "worse"],
                      own_work=True,  # the page shows what a reader needs; the test statistics are in the CSV
                      display=("course", "pairs", "improved", "unchanged", "worse", "mean_before", "mean_after",
                               "p_value", "rank_biserial"))
        sec.add_table("assurance_training_changed_practice", "Learners saying at three-month follow-up that the course "
                f"changed their practice, {w.twelve_months}",
                published_changed(ev, p, config), counts=["followed_up", "changed", "not_changed"], own_work=True)
        allrow = evt.iloc[-1]
        sec.add_figure(
            "assurance_training_chart", "Mean confidence before and after each course",
            f"Dumbbell chart, one row per course and one for all courses, with an arrow from the mean self-rated "
            f"confidence before the course to the mean after it, on a scale of 1 to 10; across all courses it went from "
            f"{allrow['mean_before']} to {allrow['mean_after']} for {allrow['pairs']} learners.",
            "assurance_training_evaluation",
            lambda: assurance_charts.paired_confidence(evt, "course", title="Confidence before and after, by course",
                                         source="training evaluations"),
        )
    sec.findings = _findings(sec, tables, p, config, w)
    if att is None and ev is None:
        return sec.missing("training_attendance", "training_evaluation")
    return sec


def findings(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> list[Finding]:
    """Findings about training (rules TRN-01 to TRN-04, docs/assurance.md), quoting published numbers only."""
    return section(returns_or_tables, period, config, words).findings


def _findings(sec, tables, p: Period, config, w: PeriodWords) -> list[Finding]:
    from .publish import number

    out: list[Finding] = []
    if "assurance_training_evaluation" in sec:
        allrow = sec["assurance_training_evaluation"].iloc[-1]
        pval, rb, pairs = number(allrow["p_value"]), number(allrow["rank_biserial"]), number(allrow["pairs"])
        if pairs == 0:
            out.append(Finding("context", f"No training evaluations were recorded for sessions in "
                               f"{w.twelve_months}.", "professional", "assurance",
                               "table assurance_training_evaluation", priority="P4", rule="TRN-01"))
        elif pd.notna(pval) or allrow["p_value"] == "<0.001":
            sig = allrow["p_value"] == "<0.001" or pval < ALPHA
            kind = ("working_well" if rb > 0 else "worried") if sig else "context"
            ptxt = "p < 0.001" if allrow["p_value"] == "<0.001" or pval < 0.001 else f"p = {pval:.3f}"
            out.append(Finding(
                kind,
                f"Across {pairs:.0f} learners in {w.twelve_months}, median confidence went from "
                f"{number(allrow['median_before']):g} to {number(allrow['median_after']):g} out of 10 (Wilcoxon "
                f"signed-rank {ptxt}; rank-biserial effect size {rb:.2f}).",
                "professional", "assurance", "table assurance_training_evaluation", priority="P4", rule="TRN-01",
                weight=abs(rb),
            ))
        cp = sec["assurance_training_changed_practice"].iloc[-1]
        pct, lo, hi, n = (number(cp[c]) for c in ("pct_changed", "lower_ci", "upper_ci", "followed_up"))
        if pd.notna(pct) and pd.notna(n):
            kind = "working_well" if lo > CHANGED_TARGET else "worried" if hi < CHANGED_TARGET else "context"
            out.append(Finding(
                kind,
                f"{pct:.1f}% of {n:.0f} learners who answered the three-month follow-up said the course had changed "
                f"their practice (95% interval {lo:.1f}% to {hi:.1f}%).",
                "professional", "assurance", "table assurance_training_changed_practice", priority="P4", rule="TRN-02",
                weight=pct / 100,
            ))
    if "assurance_training_reach_agency" in sec:
        r = sec["assurance_training_reach_agency"]
        tot = r.iloc[-1]
        booked, attended, pct = number(tot["booked"]), number(tot["attended"]), number(tot["pct_attended"])
        if booked == 0:
            out.append(Finding("worried", f"No places on multi-agency training were booked in {w.label}.",
                               "professional", "assurance", "table assurance_training_reach_agency", priority="P4",
                               rule="TRN-03", weight=0.5))
        elif pd.notna(pct) and pd.notna(attended):
            pct_dna = 100 - pct
            out.append(Finding(
                "worried" if pct_dna > DNA_WORRY_PCT else "context",
                f"{attended:.0f} of {booked:.0f} places booked on multi-agency training in {w.label} were attended; "
                f"{pct_dna:.1f}% were not.",
                "professional", "assurance", "table assurance_training_reach_agency", priority="P4", rule="TRN-03",
                weight=pct_dna / 100,
            ))
        raw = reach(tables["training_attendance"], p, by="agency")
        agencies = [a for a in getattr(config, "agencies", {}) if a != "PARTNERSHIP"]
        attended_any = set(raw.loc[(raw["agency"] != "All") & (raw["attended"] > 0), "agency"])
        missing = [a for a in agencies if a not in attended_any]
        if missing and int(raw.iloc[-1]["booked"]):
            out.append(Finding(
                "needs_to_happen",
                f"No learners from {', '.join(config.agencies.get(a, a) for a in missing)} attended multi-agency "
                f"training in {w.label}: the partnership "
                "should check these agencies' access to the programme.",
                "professional", "assurance", "table assurance_training_reach_agency", priority="P4", rule="TRN-04",
                weight=0.4,
            ))
    return out
