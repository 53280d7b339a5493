"""Disclosure control of every disproportionality table and chart (docs/architecture.md §5), through
:mod:`cscp_analysis.disclosure`.

The tables are linked: the children at a stage (data-quality table) are the sum of the ethnic
groups and the children of unknown ethnicity; the major ethnic groups are sums of detailed groups;
each sex or age band is a sum over ethnic groups; a decision point's denominator is the previous
stage's count and its numerator is at most the group's count at the next stage. A suppressed cell
must not be recoverable from any of them, so suppression is decided once, for every window and stage,
over all these relations together (:func:`.suppression.masks`: primary, ties and secondary
suppression, with the reason each cell is hidden), and every published table, chart and sentence
reads the same masks:

* **derived figures**: a rate or interval is ``c`` when its count is; a relative rate index when the
  group's count or its reference's count is (for "all other children" the reference is *A* minus the
  group, so when either is); a disproportionality ratio when the count or the children at the stage
  (for intersections: in the sex or age band) are; a decision-point
  ratio when any of the four counts is (for "all other children" within a stratum: when any group
  in it is).

Rates and percentages are shown to one decimal place, ratios to two, p-values to three (``<0.001``),
half away from zero (``disclosure.format_numbers``). Every published table is checked with
``disclosure.check_disclosure`` before it is returned.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import disclosure
from . import cohorts
from .suppression import COMPARISON, PRIMARY, SECONDARY, masks, reason_words

__all__ = ["masks", "publish_rates", "publish_decisions", "publish_quality", "publish_trend",
           "publish_age_standardised", "publish_sensitivity", "publish_partner", "fmt", "fmt_p"]



def fmt(values, decimals: int = 1) -> np.ndarray:
    """Numbers for publication: half-up rounding, ``low``, ``x`` for missing (``disclosure.format_numbers``)."""
    return disclosure.format_numbers(np.asarray(values, float), decimals)


def fmt_p(p) -> np.ndarray:
    """p-values to three decimals, ``<0.001`` below that, ``x`` where not tested (``disclosure.format_p``)."""
    return disclosure.format_p(np.asarray(p, float))


# --- the masks: decided in .suppression ------------------------------------------------------------


def _line(values: list[float], mask: list[bool], threshold: int) -> list[bool]:
    """Primary and secondary suppression of parts whose last element is their total."""
    v = np.asarray(values, float).reshape(-1, 1)
    m = disclosure.primary_suppression(v, threshold) | np.asarray(mask, bool).reshape(-1, 1)
    return list(disclosure.secondary_suppression(v, m, total_row=len(values) - 1).ravel())


# --- published tables ------------------------------------------------------------------------------


def _counts(values, hidden) -> np.ndarray:
    v = np.asarray(values, float)
    text = np.char.mod("%.0f", np.where(np.isfinite(v), v, 0)).astype(object)
    text = np.where(np.isfinite(v), text, disclosure.NOT_AVAILABLE)
    return np.where(np.asarray(hidden, bool), disclosure.SUPPRESSED, text).astype(object)


def _derived(values, hidden, decimals) -> np.ndarray:
    return np.where(np.asarray(hidden, bool), disclosure.SUPPRESSED, fmt(values, decimals)).astype(object)


def _check(table: pd.DataFrame, counts: list[str], derived: dict, threshold: int) -> pd.DataFrame:
    table = table.reset_index(drop=True)
    disclosure.check_disclosure(table, counts=counts, threshold=threshold, derived=derived)
    return table


def _question(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The question each comparison answers (its false-discovery family) and how many comparisons it holds."""
    from .statistics import question_text

    if "family" not in df.columns:
        return np.full(len(df), "", dtype=object), np.full(len(df), "", dtype=object)
    size = df["family_size"].fillna(0).astype(int).to_numpy() if "family_size" in df.columns else np.zeros(len(df), int)
    words = np.array([question_text(str(f)) for f in df["family"]], dtype=object)
    tested = size > 0
    return np.where(tested, words, ""), np.where(tested, size.astype(str), "").astype(object)


def _detectable(values, hidden) -> np.ndarray:
    """Minimum detectable ratios for publication: ``x`` where there is none (significant, not tested),
    ``none`` where no ratio could have been detected, ``c`` where the ratio is hidden."""
    v = np.asarray(values, float)
    text = np.where(np.isinf(v), "none", fmt(np.where(np.isinf(v), np.nan, v), 2)).astype(object)
    return np.where(np.asarray(hidden, bool), disclosure.SUPPRESSED, text).astype(object)


def _why(reasons, threshold: int) -> np.ndarray:
    return np.array([reason_words(str(x), threshold) for x in reasons], dtype=object)


def publish_rates(rates: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
    """Rates, RRIs and disproportionality ratios for publication (rows as given)."""
    r = rates
    hide_rate = r["suppressed"].to_numpy(bool)
    hide_rri = r["rri_hidden"].to_numpy(bool)
    hide_dr = r["dr_hidden"].to_numpy(bool)
    out = pd.DataFrame({
        "window": r["window"].to_numpy(),
        "stage": r["stage"].map(lambda k: cohorts.stage(k).title).to_numpy(),
        "characteristic": r["characteristic"].to_numpy(),
        "group": r["group_label"].to_numpy(),
        "children": _counts(r["children"], hide_rate),
        "population": _counts(r["population"], np.zeros(len(r), bool)),
        "rate_per_10000": _derived(r["rate"], hide_rate, 1),
        "rate_lower": _derived(r["rate_lower"], hide_rate, 1),
        "rate_upper": _derived(r["rate_upper"], hide_rate, 1),
        "reference": r["reference_label"].to_numpy() if "reference_label" in r.columns else "",
        "rri": _derived(r["rri"], hide_rri, 2),
        "rri_lower": _derived(r["rri_lower"], hide_rri, 2),
        "rri_upper": _derived(r["rri_upper"], hide_rri, 2),
        "p_adjusted": np.where(hide_rri, disclosure.SUPPRESSED, fmt_p(r["rri_p_adjusted"])),
        "disproportionality_ratio": _derived(r["dr"], hide_dr, 2),
        "dr_lower": _derived(r["dr_lower"], hide_dr, 2),
        "dr_upper": _derived(r["dr_upper"], hide_dr, 2),
        "label": np.where(hide_rri & ~r["is_reference"].to_numpy(bool), disclosure.SUPPRESSED, r["label"].to_numpy()),
        "question": np.where(hide_rri, "", _question(r)[0]),
        "comparisons_in_question": np.where(hide_rri, "", _question(r)[1]),
        "detectable_ratio_above": _detectable(r["mdr"] if "mdr" in r.columns else np.nan, hide_rri),
        "detectable_ratio_below": _detectable(r["mdr_below"] if "mdr_below" in r.columns else np.nan, hide_rri),
        "hidden_because": _why(r["rri_hidden_reason"] if "rri_hidden_reason" in r.columns else [""] * len(r), threshold),
    })
    out.loc[r["is_reference"].to_numpy(bool) & ~hide_rate, ["rri", "rri_lower", "rri_upper", "p_adjusted"]] = disclosure.NOT_APPLICABLE
    out.loc[r["is_reference"].to_numpy(bool), "hidden_because"] = np.where(
        hide_rate[r["is_reference"].to_numpy(bool)], out.loc[r["is_reference"].to_numpy(bool), "hidden_because"], "")
    derived = {c: "children" for c in ("rate_per_10000", "rate_lower", "rate_upper", "rri", "rri_lower", "rri_upper",
                                       "disproportionality_ratio", "dr_lower", "dr_upper", "p_adjusted",
                                       "detectable_ratio_above", "detectable_ratio_below")}
    return _check(out, ["children"], derived, threshold)


def publish_decisions(dec: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
    """Decision points for publication."""
    hp = dec["previous_suppressed"].to_numpy(bool)
    hc = dec["suppressed"].to_numpy(bool)
    hr = dec["ratio_hidden"].to_numpy(bool)
    out = pd.DataFrame({
        "window": dec["window"].to_numpy(),
        "decision": [f"{cohorts.stage(p).title} → {cohorts.stage(s).title}" for p, s in zip(dec["previous"], dec["stage"], strict=True)],
        "characteristic": dec["characteristic"].to_numpy(),
        "group": dec["group_label"].to_numpy(),
        "children_at_previous_stage": _counts(dec["previous_children"], hp),
        "children_going_on": _counts(dec["children"], hc),
        "percent_going_on": _derived(dec["proportion"], hp | hc, 1),
        "percent_lower": _derived(dec["proportion_lower"], hp | hc, 1),
        "percent_upper": _derived(dec["proportion_upper"], hp | hc, 1),
        "reference": dec["reference_label"].to_numpy() if "reference_label" in dec.columns else "",
        "ratio": _derived(dec["ratio"], hr, 2),
        "ratio_lower": _derived(dec["ratio_lower"], hr, 2),
        "ratio_upper": _derived(dec["ratio_upper"], hr, 2),
        "p_adjusted": np.where(hr, disclosure.SUPPRESSED, fmt_p(dec["ratio_p_adjusted"])),
        "label": np.where(hr & ~dec["is_reference"].to_numpy(bool), disclosure.SUPPRESSED, dec["label"].to_numpy()),
        "question": np.where(hr, "", _question(dec)[0]),
        "comparisons_in_question": np.where(hr, "", _question(dec)[1]),
        "detectable_ratio_above": _detectable(dec["mdr"] if "mdr" in dec.columns else np.nan, hr),
        "detectable_ratio_below": _detectable(dec["mdr_below"] if "mdr_below" in dec.columns else np.nan, hr),
        "hidden_because": _why(dec["ratio_hidden_reason"] if "ratio_hidden_reason" in dec.columns else [""] * len(dec),
                               threshold),
    })
    ref = dec["is_reference"].to_numpy(bool)
    out.loc[ref & ~(hp | hc), ["ratio", "ratio_lower", "ratio_upper", "p_adjusted"]] = disclosure.NOT_APPLICABLE
    out.loc[ref & ~(hp | hc), "hidden_because"] = ""
    derived = {c: ["children_at_previous_stage", "children_going_on"] for c in
               ("percent_going_on", "percent_lower", "percent_upper", "ratio", "ratio_lower", "ratio_upper", "p_adjusted",
                "detectable_ratio_above", "detectable_ratio_below")}
    return _check(out, ["children_at_previous_stage", "children_going_on"], derived, threshold)


def publish_quality(dq: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
    """Children with ethnicity not known at each stage, with the warning."""
    hu = dq["unknown_suppressed"].to_numpy(bool) | dq["children_suppressed"].to_numpy(bool)
    out = pd.DataFrame({
        "window": dq["window"].to_numpy(),
        "stage": dq["stage"].map(lambda k: cohorts.stage(k).title).to_numpy(),
        "children": _counts(dq["children"], dq["children_suppressed"]),
        "ethnicity_refused": _counts(dq["refused"], dq["refused_suppressed"]),
        "ethnicity_not_obtained": _counts(dq["not_obtained"], dq["not_obtained_suppressed"]),
        "ethnicity_not_known": _counts(dq["unknown"], dq["unknown_suppressed"]),
        "percent_not_known": _derived(dq["unknown_pct"], hu, 1),
        "findings_that_would_change": dq["labels_changed"].astype(int).astype(str).to_numpy(),
        "warning": np.where(dq["warning"], "yes", "no"),
        "why": dq["warning_reason"].to_numpy(),
    })
    return _check(out, ["children", "ethnicity_refused", "ethnicity_not_obtained", "ethnicity_not_known"],
                  {"percent_not_known": ["children", "ethnicity_not_known"]}, threshold)


def publish_trend(series: pd.DataFrame, rates: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
    """Each group's RRI by window (for the trend chart), masked as the rates table."""
    keys = ["window", "stage", "characteristic", "group"]
    s = series.merge(rates[keys + ["suppressed", "rri_hidden"]], on=keys, how="left")
    out = pd.DataFrame({
        "window": s["window"].to_numpy(), "stage": s["stage"].map(lambda k: cohorts.stage(k).title).to_numpy(),
        "characteristic": s["characteristic"].to_numpy(), "group": s["group_label"].to_numpy(),
        "children": _counts(s["children"], s["suppressed"].fillna(True)),
        "rri": _derived(s["rri"], s["rri_hidden"].fillna(True), 2),
        "rri_lower": _derived(s["rri_lower"], s["rri_hidden"].fillna(True), 2),
        "rri_upper": _derived(s["rri_upper"], s["rri_hidden"].fillna(True), 2),
        "label": np.where(s["rri_hidden"].fillna(True) & ~s["is_reference"].to_numpy(bool), disclosure.SUPPRESSED, s["label"]),
    })
    out.loc[s["is_reference"].to_numpy(bool) & ~s["suppressed"].fillna(True).to_numpy(bool),
            ["rri", "rri_lower", "rri_upper"]] = disclosure.NOT_APPLICABLE
    return _check(out, ["children"], {c: "children" for c in ("rri", "rri_lower", "rri_upper")}, threshold)


def publish_age_standardised(asr: pd.DataFrame, rates: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
    keys = ["window", "stage", "characteristic", "group"]
    a = asr.merge(rates[keys + ["suppressed", "rri_hidden", "is_reference"]], on=keys, how="left")
    hide = a["suppressed"].fillna(True).to_numpy(bool)
    hr = a["rri_hidden"].fillna(True).to_numpy(bool)
    out = pd.DataFrame({
        "window": a["window"].to_numpy(), "stage": a["stage"].map(lambda k: cohorts.stage(k).title).to_numpy(),
        "characteristic": a["characteristic"].to_numpy(), "group": a["group_label"].to_numpy(),
        "children": _counts(a["children"], hide),
        "age_standardised_rate": _derived(a["dsr"], hide, 1),
        "asr_lower": _derived(a["dsr_lower"], hide, 1),
        "asr_upper": _derived(a["dsr_upper"], hide, 1),
        "crude_rri": _derived(a["rri"], hr, 2),
        "age_standardised_rri": _derived(a["dsr_ratio"], hr, 2),
        "age_profile_changes_the_ratio": np.where(hr, disclosure.SUPPRESSED, np.where(a["age_profile_differs"], "yes", "no")),
    })
    out.loc[a["is_reference"].fillna(False).to_numpy(bool) & ~hide, ["crude_rri", "age_standardised_rri"]] = disclosure.NOT_APPLICABLE
    derived = {c: "children" for c in ("age_standardised_rate", "asr_lower", "asr_upper", "crude_rri", "age_standardised_rri")}
    return _check(out, ["children"], derived, threshold)


def publish_sensitivity(sens: pd.DataFrame, rates: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
    keys = ["window", "stage", "characteristic", "group"]
    s = sens.merge(rates[keys + ["suppressed", "rri_hidden"]], on=keys, how="left")
    hr = s["rri_hidden"].fillna(True).to_numpy(bool)
    out = pd.DataFrame({
        "window": s["window"].to_numpy(), "stage": s["stage"].map(lambda k: cohorts.stage(k).title).to_numpy(),
        "characteristic": s["characteristic"].to_numpy(), "group": s["group_label"].to_numpy(),
        "children": _counts(s["children"], s["suppressed"].fillna(True)),
        "rri": _derived(s["rri"], hr, 2),
        "label": np.where(hr & ~s["is_reference"].to_numpy(bool), disclosure.SUPPRESSED, s["label"]),
        "rri_unknown_shared_like_population": _derived(s["rri_reallocated"], hr, 2),
        "label_unknown_shared_like_population": np.where(hr & ~s["is_reference"].to_numpy(bool), disclosure.SUPPRESSED,
                                                         s["label_reallocated"]),
        "rri_if_every_unknown_child_in_group": _derived(s["rri_all_unknown_in_group"], hr, 2),
        "rri_if_every_unknown_child_in_reference": _derived(s["rri_all_unknown_in_reference"], hr, 2),
    })
    ref = s["is_reference"].to_numpy(bool) & ~s["suppressed"].fillna(True).to_numpy(bool)
    out.loc[ref, [c for c in out.columns if c.startswith("rri")]] = disclosure.NOT_APPLICABLE
    derived = {c: "children" for c in out.columns if c.startswith("rri")}
    return _check(out, ["children"], derived, threshold)


def _by_partner(part: pd.DataFrame) -> np.ndarray:
    """Groups the partner suppressed in its own return (``partners.partner_breakdowns``)."""
    if "suppressed_by_partner" not in part.columns:
        return np.zeros(len(part), dtype=bool)
    return part["suppressed_by_partner"].fillna("").astype(str).ne("").to_numpy(bool)


def partner_masks(part: pd.DataFrame, threshold: int = 5) -> pd.Series:
    """Suppression of partner numerators: primary, and secondary within each indicator × breakdown
    (the groups, with ethnicity not known, add up to the indicator's total, which the scorecard shows).
    A group the partner suppressed in its own return is hidden from the start, like a primary cell, so
    that it cannot be worked out from the total and the other groups either."""
    hidden = pd.Series(False, index=part.index)
    by_partner = pd.Series(_by_partner(part), index=part.index)
    for _, g in part.groupby(["indicator", "breakdown"], sort=False):
        vals = g["numerator"].to_numpy(float).tolist()
        new = _line(vals + [float(np.nansum(vals))], by_partner.loc[g.index].tolist() + [False], threshold)
        hidden.loc[g.index] = new[:-1]
    return hidden


def publish_partner(part: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
    if part is None or len(part) == 0:
        return pd.DataFrame()
    hide = partner_masks(part, threshold).to_numpy(bool)
    key = part["indicator"] + "\x1f" + part["breakdown"]
    sup = pd.Series(hide, index=key + "\x1f" + part["group"])
    grp_hidden = pd.Series(hide, index=part.index).groupby(key.to_numpy()).transform("any").to_numpy(bool)
    ref_group = part["reference"].str.replace(" children", "", regex=False).replace({"girls": "F"})
    named = ref_group != "all other"
    ref_hide = np.where(named, (key + "\x1f" + ref_group).map(sup).fillna(True).to_numpy(bool), grp_hidden)
    hr = hide | ref_hide
    out = pd.DataFrame({
        "window": part["window"].to_numpy(), "indicator": part["indicator"].to_numpy(), "title": part["title"].to_numpy(),
        "counts": part["counts"].to_numpy(), "breakdown": part["breakdown"].to_numpy(), "group": part["group"].to_numpy(),
        "quarters": part["quarters"].astype(int).astype(str).to_numpy(),
        "number": _counts(part["numerator"], hide),
        "denominator": _counts(part["denominator"], np.zeros(len(part), bool)),
        "denominator_source": part["denominator_source"].to_numpy(),
        "rate": _derived(part["rate"], hide, 1), "rate_lower": _derived(part["rate_lower"], hide, 1),
        "rate_upper": _derived(part["rate_upper"], hide, 1), "per": part["per"].map(lambda x: f"{x:,.0f}").to_numpy(),
        "reference": part["reference"].to_numpy(),
        "ratio": _derived(part["ratio"], hr, 2), "ratio_lower": _derived(part["ratio_lower"], hr, 2),
        "ratio_upper": _derived(part["ratio_upper"], hr, 2),
        "p_adjusted": np.where(hr, disclosure.SUPPRESSED, fmt_p(part["ratio_p_adjusted"])),
        "label": np.where(hr & ~part["is_reference"].to_numpy(bool), disclosure.SUPPRESSED, part["label"].to_numpy()),
        "question": np.where(hr, "", _question(part)[0]),
        "comparisons_in_question": np.where(hr, "", _question(part)[1]),
        "detectable_ratio_above": _detectable(part["mdr"] if "mdr" in part.columns else np.nan, hr),
        "detectable_ratio_below": _detectable(part["mdr_below"] if "mdr_below" in part.columns else np.nan, hr),
        "hidden_because": _why(np.where(hide, np.where(disclosure.primary_suppression(part["numerator"].to_numpy(float),
                                                                                      threshold), PRIMARY, SECONDARY),
                                        np.where(ref_hide, COMPARISON, "")), threshold),
    })
    is_ref = part["is_reference"].to_numpy(bool)
    out.loc[is_ref & ~hide, ["ratio", "ratio_lower", "ratio_upper", "p_adjusted"]] = disclosure.NOT_APPLICABLE
    out.loc[is_ref & ~hide, "hidden_because"] = ""
    by_partner = _by_partner(part)
    out["suppressed_by_partner"] = np.where(by_partner, "yes", "")
    out.loc[by_partner, "hidden_because"] = part.loc[by_partner, "suppressed_by_partner"].to_numpy(object)
    derived = {c: "number" for c in ("rate", "rate_lower", "rate_upper", "ratio", "ratio_lower", "ratio_upper", "p_adjusted",
                                     "detectable_ratio_above", "detectable_ratio_below")}
    return _check(out, ["number"], derived, threshold)
