"""Data quality first: children whose ethnicity is not known, and whether that could change a finding.

Children recorded as REFU (refused) or NOBT (information not yet obtained) cannot be placed in an
ethnic group. They are counted at every stage (never silently dropped), shown before any finding,
and left out of the relative rate indices, which therefore assume that the children of unknown
ethnicity are spread across groups like the children whose ethnicity is known.

**The warning rule implemented.** A stage carries a data-quality warning when either

1. the share of its children with ethnicity not known exceeds the partnership's
   ``missing_ethnicity_warning_pct`` (5% by default): a plain rule a partner can act on; or
2. the conclusion would change under a reasonable alternative assumption: the unknown children are
   re-assigned to ethnic groups **in proportion to each group's share of the population** (as if
   recording gaps did not depend on ethnicity at all, the assumption furthest from the one made by
   leaving them out that is still plausible), the RRIs, p-values and Benjamini–Hochberg adjustment are
   recomputed, and at least one group's label (significantly higher / lower / not significant)
   changes.

Why both: rule 1 alone warns about a 6% gap that cannot move any conclusion and is silent about a 4%
gap that can; rule 2 alone is silent about a large gap that happens not to flip a label today.
The extreme bounds (every unknown child in the group, or every one in the reference) are reported
beside each RRI for transparency but are not used for the warning: with any missing data they move
small groups' ratios so far that they would warn always and so inform never.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _stats as stats
from .statistics import label, question_of

__all__ = ["data_quality", "sensitivity"]


def sensitivity(rates: pd.DataFrame, *, decisions: pd.DataFrame | None = None, min_children: int = 10,
                confidence: float = 0.95) -> pd.DataFrame:
    """The missing-ethnicity check for the ethnic-group rows of a :func:`.statistics.rates` table.

    Adds ``unknown`` (children of unknown ethnicity at the stage), ``rri_reallocated`` with its
    interval, adjusted p-value and ``label_reallocated`` (unknown children shared out in proportion to
    the population), ``label_changes`` (bool), and the extreme bounds ``rri_all_unknown_in_group`` and
    ``rri_all_unknown_in_reference`` (point estimates).

    The re-adjustment uses the same families as the findings (one per question, ``statistics.QUESTIONS``):
    the reallocated p-values of the ethnic groups replace theirs, every other comparison of the question
    (other characteristics, and the decision points of ``decisions`` for "who becomes looked after?")
    keeps its own.
    """
    is_eth = rates["characteristic"].isin(["ethnicity_major", "ethnicity"]).to_numpy()
    df = rates[is_eth].copy()
    a = df["children"].to_numpy(float)
    n = df["population"].to_numpy(float)
    a0 = df["ref_children"].to_numpy(float)
    n0 = df["ref_population"].to_numpy(float)
    u = df["unknown_ethnicity"].to_numpy(float)
    total = df["stratum_population"].to_numpy(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        a_r = a + u * n / total
        a0_r = a0 + u * n0 / total
        ok = np.isfinite(n) & (n > 0) & np.isfinite(n0) & (n0 > 0) & ~df["is_reference"].to_numpy(bool) \
            & (a_r <= n) & (a0_r <= n0)
        rr = stats.risk_ratio(np.where(ok, a_r, np.nan), np.where(ok, n, np.nan), np.where(ok, a0_r, np.nan),
                              np.where(ok, n0, np.nan), confidence=confidence)
        df["unknown"] = u
        df["rri_reallocated"] = np.asarray(rr[0])
        df["rri_reallocated_lower"], df["rri_reallocated_upper"] = np.asarray(rr[1]), np.asarray(rr[2])
        df["rri_reallocated_p"] = np.where(df["too_few"].to_numpy(bool), np.nan, np.asarray(rr.p_value, float))
        df["rri_reallocated_p_adjusted"] = _readjust(rates, is_eth, df["rri_reallocated_p"].to_numpy(float), decisions)
        tested = df["label"].isin(["significantly higher", "significantly lower", "not significant"]).to_numpy()
        df["label_reallocated"] = np.where(
            tested, label(df["rri_reallocated"], df["rri_reallocated_p_adjusted"], df["too_few"],
                          np.ones(len(df), bool), df["is_reference"]), df["label"].to_numpy(dtype=object))
        df["label_changes"] = df["label"] != df["label_reallocated"]
        df["rri_all_unknown_in_group"] = np.where(ok, ((a + u) / n) / (a0 / n0), np.nan)
        df["rri_all_unknown_in_reference"] = np.where(ok, (a / n) / ((a0 + u) / n0), np.nan)
    keep = ["window", "stage", "characteristic", "group", "group_label", "is_reference", "children", "unknown",
            "rri", "rri_lower", "rri_upper", "label", "rri_reallocated", "rri_reallocated_lower",
            "rri_reallocated_upper", "rri_reallocated_p_adjusted", "label_reallocated", "label_changes",
            "rri_all_unknown_in_group", "rri_all_unknown_in_reference", "too_few"]
    return df[keep].reset_index(drop=True)


def _readjust(rates: pd.DataFrame, rows: np.ndarray, p_new: np.ndarray, decisions: pd.DataFrame | None) -> np.ndarray:
    """Benjamini–Hochberg by question with ``p_new`` in place of the p-values of ``rows``; the adjusted
    values of those rows."""
    p = rates["rri_p"].to_numpy(float).copy()
    p[rows] = p_new
    fam = rates["window"].astype(str).to_numpy() + "\x1f" + question_of(rates["stage"], "rri")
    if decisions is not None and len(decisions):
        p = np.r_[p, decisions["ratio_p"].to_numpy(float)]
        fam = np.r_[fam, decisions["window"].astype(str).to_numpy() + "\x1f" + question_of(decisions["stage"], "decision")]
    return np.asarray(stats.bh_adjust(p, family=fam), float)[: len(rows)][rows]


def data_quality(quality: pd.DataFrame, sens: pd.DataFrame, warning_pct: float) -> pd.DataFrame:
    """One row per window and stage: children, refused, not obtained, unknown and its share, and the
    warning with its reason (see the module docstring for the rule)."""
    df = quality.copy()
    df["unknown"] = df["refused"] + df["not_obtained"]
    with np.errstate(invalid="ignore", divide="ignore"):
        df["unknown_pct"] = np.where(df["children"] > 0, df["unknown"] / df["children"] * 100, np.nan)
    df["above_threshold"] = df["unknown_pct"] > warning_pct
    if len(sens):
        changed = sens[sens["label_changes"]].groupby(["window", "stage"]).size().rename("labels_changed")
        df = df.merge(changed, how="left", left_on=["window", "stage"], right_index=True)
    else:
        df["labels_changed"] = 0
    df["labels_changed"] = df["labels_changed"].fillna(0).astype(int)
    df["warning"] = df["above_threshold"] | (df["labels_changed"] > 0)
    reason = np.where(df["above_threshold"], f"more than {warning_pct:g}% of children have ethnicity not known", "")
    both = df["above_threshold"] & (df["labels_changed"] > 0)
    reason = np.where(both, reason + "; ", reason)
    reason = np.where(df["labels_changed"] > 0,
                      reason + "a finding would change if the unknown children were shared out like the population",
                      reason)
    df["warning_reason"] = reason
    return df
