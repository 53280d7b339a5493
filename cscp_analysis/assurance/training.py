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
from ..periods import Period, parse_period
from ._common import QUARTER, ROLLING, in_window, needs_columns, percent, period_end, tables_of

__all__ = [
    "MIN_PAIRS",
    "reach",
    "signed_rank",
    "evaluation",
    "changed_practice",
    "confidence_distribution",
    "findings",
]

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
               rank_biserial=(t_plus - t_minus) / (t_plus + t_minus), r_z=z / np.sqrt(n))
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


# --- findings ---------------------------------------------------------------------------------------

ALPHA = 0.05
DNA_WORRY_PCT = 20.0  # more booked places than this share not attended is a worry
CHANGED_TARGET = 50.0  # the follow-up share is judged against half of learners


def findings(returns_or_tables, period: str | Period, config=None) -> list[Finding]:
    """Findings about training (rules TRN-01 to TRN-04, docs/assurance.md)."""
    tables = tables_of(returns_or_tables)
    p = parse_period(period)
    threshold = getattr(config, "suppression_threshold", 5)
    publishable = lambda n: not (0 < n <= threshold)  # noqa: E731
    out: list[Finding] = []
    ev = tables.get("training_evaluation")
    if ev is not None and len(ev):
        allrow = evaluation(ev, p, by=None).iloc[-1]
        if pd.notna(allrow["p_value"]) and publishable(allrow["pairs"]):
            sig = allrow["p_value"] < ALPHA
            kind = ("working_well" if allrow["rank_biserial"] > 0 else "worried") if sig else "context"
            ptxt = "p < 0.001" if allrow["p_value"] < 0.001 else f"p = {allrow['p_value']:.3f}"
            out.append(Finding(
                kind,
                f"Across {int(allrow['pairs'])} learners in the twelve months to the end of {p.label}, median confidence "
                f"went from {allrow['median_before']:g} to {allrow['median_after']:g} out of 10 (Wilcoxon signed-rank "
                f"{ptxt}; rank-biserial effect size {allrow['rank_biserial']:.2f}).",
                "professional", "assurance", "table assurance_training_evaluation", priority="P4", rule="TRN-01",
                weight=float(abs(allrow["rank_biserial"])),
            ))
        cp = changed_practice(ev, p).iloc[-1]
        if cp["followed_up"] > 0 and publishable(cp["followed_up"]) and publishable(cp["changed"]) \
                and publishable(cp["followed_up"] - cp["changed"]):
            kind = "working_well" if cp["lower_ci"] > CHANGED_TARGET else "worried" if cp["upper_ci"] < CHANGED_TARGET \
                else "context"
            out.append(Finding(
                kind,
                f"{cp['pct_changed']:.1f}% of {int(cp['followed_up'])} learners who answered the three-month follow-up "
                f"said the course had changed their practice (95% interval {cp['lower_ci']:.1f}% to {cp['upper_ci']:.1f}%).",
                "professional", "assurance", "table assurance_training_changed_practice", priority="P4", rule="TRN-02",
                weight=float(cp["pct_changed"]) / 100,
            ))
    att = tables.get("training_attendance")
    if att is not None and len(att):
        r = reach(att, p, by="agency")
        tot = r.iloc[-1]
        if tot["booked"] and publishable(tot["did_not_attend"]) and publishable(tot["attended"]):
            pct_dna = 100 - float(tot["pct_attended"])
            kind = "worried" if pct_dna > DNA_WORRY_PCT else "context"
            out.append(Finding(
                kind,
                f"{int(tot['attended'])} of {int(tot['booked'])} places booked on multi-agency training in {p.label} were "
                f"attended; {pct_dna:.1f}% were not.",
                "professional", "assurance", "table assurance_training_reach_agency", priority="P4", rule="TRN-03",
                weight=pct_dna / 100,
            ))
        agencies = [a for a in getattr(config, "agencies", {}) if a != "PARTNERSHIP"]
        attended = set(r.loc[(r["agency"] != "All") & (r["attended"] > 0), "agency"])
        missing = [a for a in agencies if a not in attended]
        if missing and tot["booked"]:
            out.append(Finding(
                "needs_to_happen",
                f"No learners from {', '.join(missing)} attended multi-agency training in {p.label}: the partnership "
                "should check these agencies' access to the programme.",
                "professional", "assurance", "table assurance_training_reach_agency", priority="P4", rule="TRN-04",
                weight=0.4,
            ))
    return out
