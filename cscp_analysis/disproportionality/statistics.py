"""Statistics per group: rates, relative rate indices, disproportionality and decision-point ratios.

Every number comes from the statistics core (:mod:`cscp_analysis.stats`); this module arranges the
counts from :mod:`.cohorts`, adjusts p-values within families and labels each result.

For group *g* with *a* children in a cohort out of a population *n*, and its reference group (or all
other children) with *a₀* out of *n₀*:

* **rate** per 10,000 = a / n × 10,000, with the exact Poisson interval below 10 children and Byar's
  from 10 (``stats.rate``, as PHEindicatormethods ``phe_rate``);
* **relative rate index** RRI = (a/n) / (a₀/n₀) with the Katz log interval and the Wald p-value of
  ln RRI = 0 (``stats.risk_ratio``, as epitools ``riskratio.wald``);
* **disproportionality ratio** DR = (a / A) / (n / N), the group's share of the cohort (A: every child
  at the stage, or in the stratum for intersections, including those whose ethnicity is not known,
  as DfE's percentages are) over its share of the population (N), with the Wilson interval of the
  cohort share (``stats.disproportionality_ratio``). Where x% of the children have ethnicity not
  known, every ethnic group's DR is understated by about x% (shown first, in the data-quality
  table); the RRIs, which leave them out, are not;
* **decision-point ratio**: the proportion p = b / a of the group's children at the previous stage
  (a) who reach this stage (b), Wilson interval (``stats.proportion``), and its ratio to the
  reference group's proportion with the score interval (Koopman; Miettinen–Nurminen) and score test
  (``_stats.proportion_ratio``, statsmodels): decision-point proportions can be close to 1, where the
  Katz interval collapses;
* **age-standardised rate** (direct standardisation, Dobson interval: ``stats.dsr``) over the five
  DfE age bands, the standard being the area's whole child population; the age-standardised RRI is
  the ratio of the two standardised rates.

*Families* for the Benjamini–Hochberg adjustment (``stats.bh_adjust`` with ``family=``): **one family
per question the page answers**, in each window (:data:`QUESTIONS`, :func:`question_of`):

* *who is referred?*: every group of every characteristic (major and detailed ethnic groups, sex,
  age band, disability, the intersections) at referral;
* *who reaches the later stages?*: the same at assessment, section 47 enquiry, conference and plan
  (rates per child in the population);
* *who goes on at each decision?*: every group at every decision point from referral to plan;
* *who becomes looked after?*: every group's rate of starting to be looked after and its decision
  point from referral (:func:`adjust_questions` adjusts the two tables together);
* *who is reported missing?*: every group at that stage.

A wider family is stricter than one stage × one characteristic, and it is the family of the question a
finding answers: a worry in the summary has had its false-discovery control across everything that
could have produced it (docs/methods.md §7). Groups too small to say anything (fewer than
``min_children`` children in the group or its reference; for a decision point, at the previous stage)
are not tested, so they do not count in the family. ``family_size`` is each row's m.

*What could have been detected* (``stats.minimum_detectable_ratio``, docs/methods.md §16): for every
comparison that was tested and is not significant, the smallest ratio above 1 (``mdr``) and the
largest below 1 (``mdr_below``) that a test at the level the family's adjustment asked of it would
have detected with 80% power: the group's children (population, or children at the previous stage) as
n₁, the reference's count and children as a₀ and n₀. The level: Benjamini–Hochberg declares the R
smallest of m p-values significant when p₍R₎ ≤ R·α/m, so one more comparison would have had to reach
(R + 1)·α/m (``mdr_alpha``; α at most). "Not significant" then reads "not significant, and these
numbers could only have detected a ratio of ``mdr`` or more".

*Label* (after adjustment, at 5%): ``significantly higher`` / ``significantly lower`` when the
adjusted p-value is below 0.05 and the ratio is above / below 1; ``not significant`` otherwise;
``too few to say`` for small groups; ``not available`` where there is no denominator (e.g. no
population by disability); ``reference`` for the reference group itself.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtri

from . import _stats as stats

__all__ = [
    "LABELS",
    "ALPHA",
    "POWER",
    "QUESTIONS",
    "PARTNER_QUESTIONS",
    "question_text",
    "question_of",
    "adjust_questions",
    "detectable",
    "rates",
    "decision_points",
    "age_standardised",
    "label",
    "adjust",
]

ALPHA = 0.05
POWER = 0.8
LABELS = ("significantly higher", "significantly lower", "not significant", "too few to say", "not available",
          "reference")
FAMILY = ["window", "family"]
#: the questions the disproportionality page answers: one false-discovery family each (in each window)
QUESTIONS = {
    "referred": "who is referred?",
    "reached": "who reaches the later stages of the journey?",
    "decisions": "who goes on at each decision?",
    "looked_after": "who becomes looked after?",
    "missing": "who is reported missing?",
}


#: the question each partner indicator answers (one false-discovery family each)
PARTNER_QUESTIONS = {
    "EDU_SUSPENSIONS": "who is suspended?",
    "EDU_PERM_EXCL": "who is permanently excluded?",
    "YJS_FTE": "who enters the youth justice system?",
    "POL_EXPLOITATION": "who is flagged at risk of exploitation?",
    "POL_ARRESTS": "who is arrested?",
}


def question_text(family: str) -> str:
    """The question a false-discovery family answers, in words ('who is referred?')."""
    if family in QUESTIONS:
        return QUESTIONS[family]
    return PARTNER_QUESTIONS.get(family, f"who is counted in {family}?")


def question_of(stage, measure: str) -> np.ndarray:
    """The question (a key of :data:`QUESTIONS`) each comparison answers: ``measure`` is ``"rri"`` (a rate
    against the reference's) or ``"decision"`` (a decision-point ratio); ``stage`` the stage reached."""
    st = np.asarray(stage, dtype=object)
    if measure == "decision":
        return np.where(st == "cla", "looked_after", "decisions").astype(object)
    out = np.full(st.shape, "reached", dtype=object)
    for key, q in (("referral", "referred"), ("cla", "looked_after"), ("missing", "missing")):
        out[st == key] = q
    return out


def _nan_if(values, mask) -> np.ndarray:
    return np.where(mask, np.nan, np.asarray(values, dtype=float))


def label(ratio, p_adjusted, too_few, available, is_reference, alpha: float = ALPHA) -> np.ndarray:
    """The plain label of each result (see module docstring). Vectorised."""
    ratio = np.asarray(ratio, float)
    p = np.asarray(p_adjusted, float)
    out = np.where(p < alpha, np.where(ratio > 1, "significantly higher", "significantly lower"), "not significant")
    out = np.where(np.asarray(too_few, bool), "too few to say", out)
    out = np.where(~np.asarray(available, bool), "not available", out)
    out = np.where(np.asarray(is_reference, bool), "reference", out)
    return out.astype(object)


def adjust(df: pd.DataFrame, p_col: str, out_col: str, family: list[str] | None = None) -> pd.DataFrame:
    """Benjamini–Hochberg adjusted p-values within each family (``stats.bh_adjust`` with ``family=``);
    NaN p-values (groups not tested) stay NaN and do not count. Adds ``family_size`` (the m of each
    row's family; 0 where not tested) unless ``out_col`` already has a different family's size column."""
    family = family or FAMILY
    df[out_col] = np.nan
    if len(df) == 0:
        df["family_size"] = 0
        return df
    labels = df[family].astype(str).agg("\x1f".join, axis=1).to_numpy()
    p = df[p_col].to_numpy(float)
    df[out_col] = stats.bh_adjust(p, family=labels)
    tested = pd.Series(np.isfinite(p), index=df.index)
    df["family_size"] = tested.groupby(labels).transform("sum").where(tested, 0).astype(int).to_numpy()
    return df


def _effective_alpha(q: np.ndarray, families: np.ndarray, alpha: float = ALPHA) -> np.ndarray:
    """The level one more comparison of each family would have had to reach: (R + 1)·α/m, at most α
    (R discoveries among the m tested comparisons of the family)."""
    tested = np.isfinite(q)
    s = pd.DataFrame({"f": families, "t": tested, "d": tested & (np.nan_to_num(q, nan=1.0) < alpha)})
    m = s.groupby("f")["t"].transform("sum").to_numpy(float)
    r = s.groupby("f")["d"].transform("sum").to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(m > 0, np.minimum(alpha, (r + 1) * alpha / np.maximum(m, 1)), alpha)


def detectable(n1, a0, n0, q, families, tested, kind: str = "proportion", power: float = POWER,
               alpha: float = ALPHA) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(mdr, mdr_below, mdr_alpha)``: the minimum detectable ratios (above and below 1) of each tested,
    not significant comparison at the level its family's adjustment asked of it (see module docstring);
    NaN elsewhere. ``kind``: ``"proportion"`` (children) or ``"rate"`` (events)."""
    n1, a0, n0, q = (np.asarray(v, float) for v in (n1, a0, n0, q))
    level = _effective_alpha(q, np.asarray(families, dtype=object), alpha)
    want = np.asarray(tested, bool) & np.isfinite(q) & (q >= alpha) & (n1 > 0) & (n0 > 0) & (a0 >= 0) \
        & np.isfinite(a0) & (a0 <= n0 if kind == "proportion" else True)
    mdr = np.full(n1.shape, np.nan)
    below = np.full(n1.shape, np.nan)
    if want.any():
        mdr[want] = stats.minimum_detectable_ratio(n1[want], a0[want], n0[want], power=power, alpha=level[want],
                                                   kind=kind)
        # below 1: exp(−(z₁₋α/₂ + z_power)·SE₀), the mirror of the MDR on the log scale. Written out because a
        # proportion near 1 (nine in ten referred children are assessed) cannot be detected above 1 (the MDR is
        # infinite) but can below it, where 1/MDR would say 0
        r0 = a0[want] / n0[want]
        with np.errstate(divide="ignore", invalid="ignore"):
            per_child = (1 - r0) / r0 if kind == "proportion" else 1 / r0
            se0 = np.sqrt(per_child * (1 / n1[want] + 1 / n0[want]))
        k = ndtri(1 - level[want] / 2) + ndtri(power)
        below[want] = np.where(r0 > 0, np.exp(-k * se0), np.nan)
    return mdr, below, np.where(want, level, np.nan)


def adjust_questions(rates: pd.DataFrame, decisions: pd.DataFrame, *, min_children: int = 10,
                     alpha: float = ALPHA) -> None:
    """One Benjamini–Hochberg family per question and window across the two tables (in place): the
    relative rate indices (``rri_p_adjusted``) and decision-point ratios (``ratio_p_adjusted``) of each
    question adjusted together, ``family``, ``family_size``, the labels and what could have been detected
    (``mdr``, ``mdr_below``, ``mdr_alpha``) recomputed."""
    rq = pd.DataFrame({"window": rates["window"].to_numpy(), "family": question_of(rates["stage"], "rri"),
                       "p": rates["rri_p"].to_numpy(float)})
    dq = pd.DataFrame({"window": decisions["window"].to_numpy(), "family": question_of(decisions["stage"], "decision"),
                       "p": decisions["ratio_p"].to_numpy(float)}) if len(decisions) else rq.iloc[0:0]
    both = adjust(pd.concat([rq, dq], ignore_index=True), "p", "q")
    n = len(rq)
    fam = (both["window"] + "\x1f" + both["family"]).to_numpy()
    for df, part, p_adj, ratio, measure in ((rates, slice(0, n), "rri_p_adjusted", "rri", "rri"),
                                            (decisions, slice(n, None), "ratio_p_adjusted", "ratio", "decision")):
        if not len(df):
            continue
        df["family"] = both["family"].to_numpy()[part]
        df["family_size"] = both["family_size"].to_numpy()[part]
        df[p_adj] = both["q"].to_numpy()[part]
        available = np.isfinite(df[ratio].to_numpy(float)) | df["is_reference"].to_numpy(bool) \
            if measure == "decision" else ~df["label"].eq("not available").to_numpy()
        df["label"] = label(df[ratio], df[p_adj], df["too_few"], available, df["is_reference"], alpha)
        if measure == "rri":
            n1, a0, n0 = df["population"], df["ref_children"], df["ref_population"]
        else:
            n1, a0, n0 = df["previous_children"], df["ref_children"], df["ref_previous_children"]
        tested = np.isfinite(df[p_adj].to_numpy(float))
        df["mdr"], df["mdr_below"], df["mdr_alpha"] = detectable(n1, a0, n0, df[p_adj], fam[part], tested,
                                                                 alpha=alpha)


def rates(counts: pd.DataFrame, *, min_children: int = 10, confidence: float = 0.95) -> pd.DataFrame:
    """Rates, RRIs and disproportionality ratios for the counts of :func:`.cohorts.count_stage`.

    Adds ``rate, rate_lower, rate_upper, rate_method, rri, rri_lower, rri_upper, rri_p, rri_p_adjusted,
    dr, dr_lower, dr_upper, too_few, label``. Unrounded: disclosure control happens at publication.
    """
    df = counts.copy()
    a = df["children"].to_numpy(float)
    n = df["population"].to_numpy(float)
    a0 = df["ref_children"].to_numpy(float)
    n0 = df["ref_population"].to_numpy(float)
    has_pop = np.isfinite(n) & (n > 0)
    r = stats.rate(pd.DataFrame({"a": _nan_if(a, ~has_pop), "n": np.where(has_pop, n, np.nan)}), "a", "n",
                   multiplier=10_000, confidence=confidence)
    df["rate"], df["rate_lower"], df["rate_upper"] = r["value"].to_numpy(), r["lower_ci"].to_numpy(), r["upper_ci"].to_numpy()
    df["rate_method"] = np.where(has_pop, r["method"].to_numpy(dtype=object), None)
    # RRI: only where both groups have a population and counts fit inside it
    ok = has_pop & np.isfinite(n0) & (n0 > 0) & (a <= n) & (a0 <= n0) & ~df["is_reference"].to_numpy(bool)
    rr = stats.risk_ratio(_nan_if(a, ~ok), np.where(ok, n, np.nan), _nan_if(a0, ~ok), np.where(ok, n0, np.nan),
                          confidence=confidence)
    df["rri"], df["rri_lower"], df["rri_upper"] = np.asarray(rr[0]), np.asarray(rr[1]), np.asarray(rr[2])
    df["rri_p"] = np.asarray(rr.p_value, float)
    too_few = (a < min_children) | (a0 < min_children) | (ok & ~np.isfinite(df["rri_p"].to_numpy(float)))
    df["too_few"] = too_few
    df.loc[too_few, "rri_p"] = np.nan
    df["family"] = question_of(df["stage"], "rri") if "stage" in df.columns else "rri"
    adjust(df, "rri_p", "rri_p_adjusted")
    # disproportionality ratio: share of the cohort (children with a known value and a population) over
    # share of the population
    big_a = df["dr_children"].to_numpy(float)
    big_n = df["dr_population"].to_numpy(float)
    okd = has_pop & np.isfinite(big_n) & (big_n > 0) & (big_a > 0) & (a <= big_a) & (n <= big_n)
    dr = stats.disproportionality_ratio(_nan_if(a, ~okd), np.where(okd, big_a, np.nan), _nan_if(n, ~okd),
                                        np.where(okd, big_n, np.nan), confidence=confidence)
    df["dr"], df["dr_lower"], df["dr_upper"] = np.asarray(dr[0]), np.asarray(dr[1]), np.asarray(dr[2])
    df["label"] = label(df["rri"], df["rri_p_adjusted"], too_few, has_pop & np.isfinite(n0), df["is_reference"])
    return df


def decision_points(counts: pd.DataFrame, *, min_children: int = 10, confidence: float = 0.95) -> pd.DataFrame:
    """Decision-point proportions and ratios for the counts of :func:`.cohorts.count_decision`.

    Adds ``proportion, proportion_lower, proportion_upper`` (as percentages), ``ratio, ratio_lower,
    ratio_upper, ratio_p, ratio_p_adjusted, too_few, label``.
    """
    df = counts.copy()
    a = df["previous_children"].to_numpy(float)
    b = df["children"].to_numpy(float)
    a0 = df["ref_previous_children"].to_numpy(float)
    b0 = df["ref_children"].to_numpy(float)
    has = a > 0
    pr = stats.proportion(pd.DataFrame({"b": _nan_if(b, ~has), "a": np.where(has, a, np.nan)}), "b", "a",
                          confidence=confidence, multiplier=100)
    df["proportion"], df["proportion_lower"], df["proportion_upper"] = (
        pr["value"].to_numpy(), pr["lower_ci"].to_numpy(), pr["upper_ci"].to_numpy())
    ok = has & (a0 > 0) & ~df["is_reference"].to_numpy(bool)
    ratio, lower, upper, p = stats.proportion_ratio(_nan_if(b, ~ok), np.where(ok, a, np.nan), _nan_if(b0, ~ok),
                                                    np.where(ok, a0, np.nan), confidence=confidence)
    df["ratio"], df["ratio_lower"], df["ratio_upper"], df["ratio_p"] = ratio, lower, upper, p
    too_few = (a < min_children) | (a0 < min_children) | (ok & ~np.isfinite(df["ratio_p"].to_numpy(float)))
    df["too_few"] = too_few
    df.loc[too_few, "ratio_p"] = np.nan
    df["family"] = question_of(df["stage"], "decision") if "stage" in df.columns else "decision"
    adjust(df, "ratio_p", "ratio_p_adjusted")
    df["label"] = label(df["ratio"], df["ratio_p_adjusted"], too_few, np.ones(len(df), bool), df["is_reference"])
    return df


def age_standardised(counts: np.ndarray, population: np.ndarray, standard: np.ndarray, *,
                     confidence: float = 0.95) -> pd.DataFrame:
    """Directly age-standardised rates per 10,000 (Dobson interval) for each row of ``counts[group, band]``.

    DSR = Σᵢ wᵢ·aᵢ/nᵢ / Σᵢ wᵢ × 10,000, with wᵢ the standard population of age band i
    (``stats.dsr``; NaN below 10 children, as PHEindicatormethods ``phe_dsr``). A group with no
    population in some age band has no standardised rate (NaN).

    Returns one row per group (in order): ``dsr, dsr_lower, dsr_upper``.
    """
    g, k = counts.shape
    out = pd.DataFrame({"dsr": np.nan, "dsr_lower": np.nan, "dsr_upper": np.nan}, index=np.arange(g))
    usable = (population > 0).all(axis=1)
    if not usable.any():
        return out
    rows = np.flatnonzero(usable)
    long = pd.DataFrame({
        "group": np.repeat(rows, k),
        "children": counts[rows].ravel(),
        "population": population[rows].ravel(),
        "standard": np.tile(np.asarray(standard, float), len(rows)),
    })
    d = stats.dsr(long, "children", "population", group_by="group", standard="standard", multiplier=10_000,
                  confidence=confidence)
    out.loc[d["group"].to_numpy(), ["dsr", "dsr_lower", "dsr_upper"]] = d[["value", "lower_ci", "upper_ci"]].to_numpy()
    return out
