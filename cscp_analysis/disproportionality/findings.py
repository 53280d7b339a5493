"""Plain-English findings generated from the numbers, one sentence each.

Rules (each sentence names its rule in ``Finding.rule``):

* ``DISP-RRI``: a group's relative rate index at a stage is *significantly higher* or *significantly
  lower* after the Benjamini–Hochberg adjustment (kind ``worried`` for ethnicity and disability:
  either direction may mean that children's needs are met differently; ``context`` for sex and age
  band, where needs differ in known ways; weight ``|ln RRI|``);
* ``DISP-DECISION``: a decision-point ratio is significant after adjustment: this is where a
  difference arises (kind as above, weight ``|ln ratio| + 1``);
* ``DISP-DQ``: a stage carries the data-quality warning (kind ``needs_to_happen``);
* ``DISP-TREND``: a gap is narrowing (``working_well``) or widening (``worried``);
* ``DISP-PARTNER``: a partner breakdown's ratio is significant (``worried`` by ethnicity, ``context``
  by sex);
* ``DISP-POWER``: a comparison of interest is **not** significant although its ratio is 1.25 or more
  (or 0.8 or less): a major ethnic group or disability along the journey, an ethnic group in a
  partner's return. The sentence gives the smallest ratio these numbers could have detected
  (``statistics.detectable``, 80% power), so that "not significant" is never read as "no
  difference" (kind ``context``).

Every sentence about significance names its false-discovery family: the question it answers
(``statistics.QUESTIONS``, one Benjamini–Hochberg family per question and window) and how many
comparisons the family holds.

Never a sentence for a suppressed or unreliable figure: no sentence when the count or its reference is
suppressed, when the group is too small (fewer than ``min_children`` children), or when the finding
would change if the children of unknown ethnicity were shared out like the population (the
data-quality sentence says so instead). Characteristics: the major and detailed ethnic groups, sex, age
band and disability; the intersections are shown in tables only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import disclosure
from ..narrative import Finding
from ..periods import parse_period
from . import cohorts
from .statistics import PARTNER_QUESTIONS, question_text

__all__ = ["findings", "sentences", "subject", "ratio_text", "twelve_months_to", "significance", "detectable_text",
           "question_text", "PARTNER_QUESTIONS"]

_LENS, _SOURCE = "independent", "disproportionality"
_CHARS = ("ethnicity_major", "ethnicity", "sex", "age_band", "disability")
_SPECIAL = {
    "Gypsy/Roma": "Gypsy or Roma children",
    "Traveller of Irish heritage": "Children who are Travellers of Irish heritage",
    "Other White backgrounds": "Children of other White backgrounds",
    "Boys": "Boys", "Girls": "Girls", "Disabled": "Disabled children", "Not disabled": "Children who are not disabled",
    "Unborn": "Unborn children", "Under 1": "Babies under 1",
}
_PRIORITY = {"missing": "P2", "POL_EXPLOITATION": "P2", "YJS_FTE": "P2", "POL_ARRESTS": "P2"}


def subject(label: str, characteristic: str = "ethnicity") -> str:
    """The subject of a sentence for a group: 'Children of Black ethnicity', 'Boys', 'Children aged 10 to 15'."""
    if label in _SPECIAL:
        return _SPECIAL[label]
    if characteristic == "age_band":
        return f"Children aged {label}"
    if label.lower().startswith("any other"):
        return f"Children of {label[0].lower()}{label[1:]}"
    return f"Children of {label} ethnicity"


def _lower_first(text: str) -> str:
    return text if text[:2].isupper() or text.startswith(("White", "Black", "Asian", "Mixed")) else text[0].lower() + text[1:]


def ratio_text(x: float, like: float | None = None) -> str:
    """Two decimals below 2 (1.45, 0.62), one from 2 (2.1); ``like``: use the decimals of that ratio
    (so an interval is written to the same places as its estimate)."""
    ref = x if like is None else like
    return f"{x:.1f}" if ref >= 2 else f"{x:.2f}"


def _ci(est: float, lo: float, hi: float) -> str:
    return f"{ratio_text(lo, est)} to {ratio_text(hi, est)}"


#: what each partner indicator's rate is a rate of, for sentences
PARTNER_PHRASES = {
    "EDU_SUSPENSIONS": "suspension",
    "EDU_PERM_EXCL": "permanent exclusion",
    "YJS_FTE": "first-time entry to the youth justice system",
    "POL_EXPLOITATION": "being flagged at risk of exploitation",
    "POL_ARRESTS": "arrest",
}
#: characteristics whose differences are findings to worry about; the others are context (needs vary
#: with age, and boys and girls differ in well-known ways), still reported but not as concerns
_WORRY = ("ethnicity_major", "ethnicity", "disability")
#: characteristics whose comparisons that are not significant get a sentence on what could have been detected
_POWER_CHARS = ("ethnicity_major", "disability")


def twelve_months_to(window: str) -> str:
    """'the twelve months to September 2026' for the window ending quarter ``window``."""
    return f"the twelve months to {parse_period(window).end:%B %Y}"


#: what each partner indicator counts, in the plural, for sentences
PARTNER_NOUNS = {
    "EDU_SUSPENSIONS": "suspensions",
    "EDU_PERM_EXCL": "permanent exclusions",
    "YJS_FTE": "first-time entrants",
    "POL_EXPLOITATION": "flags of risk of exploitation",
    "POL_ARRESTS": "arrests",
}
#: the smallest ratio (or largest below 1) worth a sentence when it is not significant
OF_INTEREST = 1.25


def _p_text(p: float) -> str:
    return str(disclosure.format_p([p])[0])


def _question_text(family: str) -> str:
    return f"asking {question_text(family).rstrip('?')}"


def significance(p_adjusted: float, family: str, size: int) -> str:
    """'this is statistically significant after adjustment for multiple comparisons (adjusted p 0.003; one of
    61 comparisons asking who is referred)'."""
    return (f"this is statistically significant after adjustment for multiple comparisons (adjusted p "
            f"{_p_text(p_adjusted)}; one of {int(size)} comparisons {_question_text(family)})")


def detectable_text(ratio: float, mdr: float, mdr_below: float) -> str:
    """What the numbers could have detected, in the direction of the ratio seen."""
    if ratio >= 1:
        if not np.isfinite(mdr):
            return "these numbers could not have detected any ratio above 1"
        return f"these numbers could only have detected a ratio of {ratio_text(mdr)} or more (with 80% power)"
    if not np.isfinite(mdr_below) or mdr_below <= 0:
        return "these numbers could not have detected any ratio below 1"
    return f"these numbers could only have detected a ratio of {ratio_text(mdr_below)} or less (with 80% power)"


def _not_significant(p_adjusted: float, ratio: float, mdr: float, mdr_below: float) -> str:
    return (f"this is not statistically significant (adjusted p {_p_text(p_adjusted)}), and "
            f"{detectable_text(ratio, mdr, mdr_below)}, so a real difference of this size could easily be missed")


def _of_interest(ratio) -> np.ndarray:
    r = np.asarray(ratio, float)
    return np.isfinite(r) & ((r >= OF_INTEREST) | (r <= 1 / OF_INTEREST))


def findings(results, *, window: str | None = None) -> list[Finding]:
    """Every finding for the latest window (or ``window``) of a :class:`~.analysis.Results`."""
    w = window or results.latest
    out: list[Finding] = []
    sens = results.sensitivity
    sensitive = set(zip(sens.loc[sens["label_changes"], "stage"], sens.loc[sens["label_changes"], "characteristic"],
                        sens.loc[sens["label_changes"], "group"], strict=True)) if len(sens) else set()
    when = twelve_months_to(w)
    conf = f"{results.confidence * 100:.0f}% CI"
    # data quality first
    dq = results.data_quality[results.data_quality["window"] == w]
    for r in dq[dq["warning"]].itertuples():
        st = cohorts.stage(r.stage)
        if not r.unknown_suppressed and not r.children_suppressed:
            head = (f"Ethnicity was not recorded for {r.unknown_pct:.1f}% of {st.cohort} in {when} "
                    f"({int(r.unknown):,} of {int(r.children):,} children)")
        else:
            head = f"Ethnicity was not recorded for some {st.cohort} in {when}"
        why = []
        if r.above_threshold:
            why.append(f"above the partnership's {results.missing_warning_pct:g}% threshold")
        if r.labels_changed:
            why.append(f"{int(r.labels_changed)} finding{'s' if r.labels_changed != 1 else ''} would change if those "
                       "children were shared out like the population")
        out.append(Finding("needs_to_happen", f"{head}, {' and '.join(why)}: recording of ethnicity needs to improve "
                           "before differences at this stage can be relied on.", _LENS, _SOURCE,
                           f"disproportionality_data_quality[{r.stage}]", "P1", "DISP-DQ", 2.0))
    # rates
    rates = results.rates
    rr = rates[(rates["window"] == w) & rates["characteristic"].isin(_CHARS)
               & rates["label"].isin(["significantly higher", "significantly lower"]) & ~rates["rri_hidden"]]
    for r in rr.itertuples():
        if (r.stage, r.characteristic, r.group) in sensitive:
            continue
        st = cohorts.stage(r.stage)
        text = (f"{subject(r.group_label, r.characteristic)} were {ratio_text(r.rri)} times as likely as "
                f"{r.reference_label} to {st.verb} in {when} ({conf} {_ci(r.rri, r.rri_lower, r.rri_upper)}); "
                f"{significance(r.rri_p_adjusted, r.family, r.family_size)}.")
        kind = "worried" if r.characteristic in _WORRY else "context"
        out.append(Finding(kind, text, _LENS, _SOURCE, f"disproportionality_rates[{r.stage}, {r.characteristic}, {r.group}]",
                           _PRIORITY.get(r.stage, "P1"),
                           "DISP-RRI", float(abs(np.log(r.rri)))))
    # decision points
    dec = results.decisions
    dd = dec[(dec["window"] == w) & dec["characteristic"].isin(_CHARS)
             & dec["label"].isin(["significantly higher", "significantly lower"]) & ~dec["ratio_hidden"]]
    for r in dd.itertuples():
        st, prev = cohorts.stage(r.stage), cohorts.stage(r.previous)
        ref_pct = r.ref_children / r.ref_previous_children * 100
        text = (f"Of the {prev.cohort} in {when}, {_lower_first(subject(r.group_label, r.characteristic))} were "
                f"{ratio_text(r.ratio)} times as likely as {r.reference_label} to go on to {st.verb} "
                f"({r.proportion:.1f}% against {ref_pct:.1f}%; {conf} of the ratio {_ci(r.ratio, r.ratio_lower, r.ratio_upper)}); "
                f"{significance(r.ratio_p_adjusted, r.family, r.family_size)}, so the difference arises at this decision.")
        kind = "worried" if r.characteristic in _WORRY else "context"
        out.append(Finding(kind, text, _LENS, _SOURCE,
                           f"disproportionality_decision_points[{r.stage}, {r.characteristic}, {r.group}]",
                           _PRIORITY.get(r.stage, "P1"), "DISP-DECISION", float(abs(np.log(r.ratio))) + 1.0))
    out += _power_journey(results, w, sensitive, when)
    # trend
    ts = results.trend_summary
    if len(ts) and "window_then" in ts.columns:
        hidden = rates.set_index(["window", "stage", "characteristic", "group"])["rri_hidden"]
        for r in ts[ts["direction"].isin(["narrowing", "widening"])].itertuples():
            if hidden.get((r.window_now, r.stage, r.characteristic, r.group), True) or \
                    hidden.get((r.window_then, r.stage, r.characteristic, r.group), True):
                continue
            if (r.stage, r.characteristic, r.group) in sensitive:
                continue
            st = cohorts.stage(r.stage)
            text = (f"The gap between {_lower_first(subject(r.group_label, r.characteristic))} and {r.reference_label} "
                    f"in how likely they are to {st.verb} is {r.direction}: their relative rate index "
                    f"was {ratio_text(r.rri_then)} in {twelve_months_to(r.window_then)} and {ratio_text(r.rri_now)} in "
                    f"{twelve_months_to(r.window_now)}; the change is statistically significant after adjustment for "
                    f"multiple comparisons (adjusted p {_p_text(r.change_p_adjusted)}; one of {int(r.family_size)} "
                    "comparisons asking whether any gap is changing).")
            kind = "working_well" if r.direction == "narrowing" else "worried"
            out.append(Finding(kind, text, _LENS, _SOURCE,
                               f"disproportionality_trend_summary[{r.stage}, {r.characteristic}, {r.group}]",
                               _PRIORITY.get(r.stage, "P1"),
                               "DISP-TREND", float(abs(np.log(r.change_ratio)))))
    # partners
    part = results.partner
    if part is not None and len(part):
        from .publish import partner_masks

        hide = partner_masks(part, results.threshold)
        key = part["indicator"] + "\x1f" + part["breakdown"]
        sup = pd.Series(hide.to_numpy(bool), index=key + "\x1f" + part["group"])
        interest = _of_interest(part["ratio"])
        for i, r in enumerate(part.itertuples()):
            if hide.iloc[i]:
                continue
            refg = {"girls": "F"}.get(r.reference, r.reference.replace(" children", ""))
            if refg != "all other" and sup.get(f"{r.indicator}\x1f{r.breakdown}\x1f{refg}", True):
                continue
            who, reference = _partner_who(r)
            measure = PARTNER_PHRASES.get(r.indicator, r.title[0].lower() + r.title[1:])
            if r.label == "not significant" and r.breakdown == "ethnicity" and interest[i]:
                text = (f"{who} had a rate of {measure} {ratio_text(r.ratio)} times that of {reference} in the four "
                        f"quarters to {parse_period(r.window).end:%B %Y} ({r.numerator:,.0f} "
                        f"{PARTNER_NOUNS.get(r.indicator, r.counts)}); "
                        f"{_not_significant(r.ratio_p_adjusted, r.ratio, r.mdr, r.mdr_below)}.")
                out.append(Finding("context", text, _LENS, _SOURCE,
                                   f"disproportionality_partner_breakdowns[{r.indicator}, {r.breakdown}, {r.group}]",
                                   _PRIORITY.get(r.indicator, "P1"), "DISP-POWER", 0.3))
                continue
            if r.label not in ("significantly higher", "significantly lower"):
                continue
            text = (f"{who} had a rate of {measure} {ratio_text(r.ratio)} times that of {reference} in "
                    f"the four quarters to {parse_period(r.window).end:%B %Y} ({conf} "
                    f"{_ci(r.ratio, r.ratio_lower, r.ratio_upper)}; counting {r.counts}); "
                    f"{significance(r.ratio_p_adjusted, r.family, r.family_size)}.")
            kind = "worried" if r.breakdown == "ethnicity" else "context"
            out.append(Finding(kind, text, _LENS, _SOURCE,
                               f"disproportionality_partner_breakdowns[{r.indicator}, {r.breakdown}, {r.group}]",
                               _PRIORITY.get(r.indicator, "P1"), "DISP-PARTNER", float(abs(np.log(r.ratio)))))
    return out


def _partner_who(r) -> tuple[str, str]:
    """The subject and the comparison of a partner sentence: pupils for the education returns."""
    if r.breakdown != "ethnicity":
        return {"M": "Boys", "F": "Girls"}[r.group], r.reference
    if str(r.indicator).startswith("EDU_"):
        return f"Pupils of {r.group} ethnicity", r.reference.replace("children", "pupils")
    return subject(r.group, "ethnicity"), r.reference


def _power_journey(results, w: str, sensitive: set, when: str) -> list[Finding]:
    """``DISP-POWER`` along the journey: major ethnic groups and disability whose ratio is 1.25 or more (0.8
    or less) but not significant, with what the numbers could have detected."""
    out: list[Finding] = []
    rates = results.rates
    rr = rates[(rates["window"] == w) & rates["characteristic"].isin(_POWER_CHARS) & (rates["label"] == "not significant")
               & ~rates["rri_hidden"].astype(bool) & _of_interest(rates["rri"])]
    for r in rr.itertuples():
        if (r.stage, r.characteristic, r.group) in sensitive:
            continue
        st = cohorts.stage(r.stage)
        text = (f"{subject(r.group_label, r.characteristic)} were {ratio_text(r.rri)} times as likely as "
                f"{r.reference_label} to {st.verb} in {when} ({r.children:,.0f} children); "
                f"{_not_significant(r.rri_p_adjusted, r.rri, r.mdr, r.mdr_below)}.")
        out.append(Finding("context", text, _LENS, _SOURCE,
                           f"disproportionality_rates[{r.stage}, {r.characteristic}, {r.group}]",
                           _PRIORITY.get(r.stage, "P1"), "DISP-POWER", 0.3))
    dec = results.decisions
    dd = dec[(dec["window"] == w) & dec["characteristic"].isin(_POWER_CHARS) & (dec["label"] == "not significant")
             & ~dec["ratio_hidden"].astype(bool) & _of_interest(dec["ratio"])]
    for r in dd.itertuples():
        st, prev = cohorts.stage(r.stage), cohorts.stage(r.previous)
        text = (f"Of the {prev.cohort} in {when}, {_lower_first(subject(r.group_label, r.characteristic))} were "
                f"{ratio_text(r.ratio)} times as likely as {r.reference_label} to go on to {st.verb} "
                f"({r.children:,.0f} of {r.previous_children:,.0f} children, {r.proportion:.1f}% against "
                f"{r.ref_children / r.ref_previous_children * 100:.1f}%); "
                f"{_not_significant(r.ratio_p_adjusted, r.ratio, r.mdr, r.mdr_below)}.")
        out.append(Finding("context", text, _LENS, _SOURCE,
                           f"disproportionality_decision_points[{r.stage}, {r.characteristic}, {r.group}]",
                           _PRIORITY.get(r.stage, "P1"), "DISP-POWER", 0.3))
    return out


def sentences(found: list[Finding], kinds: tuple[str, ...] | None = None, rules: tuple[str, ...] | None = None) -> list[str]:
    """The sentences of some findings, most important first (for ``ctx.findings``)."""
    sel = [f for f in found if (kinds is None or f.kind in kinds) and (rules is None or f.rule in rules)]
    sel.sort(key=lambda f: (-f.weight, f.text))
    return [f.text for f in sel]
