"""The disproportionality page, question by question: one call per section.

Each section answers one question a reader brings ("Who is referred?", "Who goes on at each decision?",
"Who becomes looked after?", ...): the finding in plain words (which groups differ, by how much, how
sure, and what the numbers could have detected when nothing is significant), a forest plot, and one
readable table (a few columns with words for headers, at most about twenty rows; its published,
tidy version is written to the pack as CSV). Every full table behind the page (every characteristic,
group and stage, intersections, age-standardised rates, the sensitivity check, the trend, partners'
breakdowns) is written as CSV by :func:`appendix` and listed there with links. Sections are built by
:mod:`.full_tables` where the annual book shows a full table as it is.

Nothing here computes a statistic. When the analysis could not run (:class:`Blocked`), every function
returns ``None`` and the notebook says why once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..returns.page_notes import partner_suppressed_sentence
from ..sections import Section
from . import cohorts, publish, readable
from . import declarations as declare
from .findings import findings, twelve_months_to
from .full_tables import (
    age_standardised,
    decisions,
    findings_section,
    forest_decisions,
    forest_rri,
    journey_chart,
    partner,
    rates,
    rates_detailed,
    rates_intersections,
    rates_major,
    rates_other,
    real_data,
    real_data_chart,
    real_data_table,
    sensitivity,
    trend_chart,
    trend_summary,
    trend_table,
)
from .page import (
    LENS,
    SOURCE,
    Blocked,
    new_section,
    question_of_finding,
    run,
    skip_if_blocked,
    states_set_aside,
)
from .statistics import QUESTIONS, question_text

__all__ = [
    "Blocked", "run", "methods_box", "data_quality", "who_is_referred", "who_reaches_each_stage", "who_goes_on",
    "who_becomes_looked_after", "sex_age_and_disability", "is_the_gap_changing", "partners_returns", "appendix",
    "APPENDIX", "LENS", "SOURCE",
    # the full tables and charts (the appendix writes them; the annual book shows some as they are)
    "rates", "rates_major", "rates_detailed", "rates_other", "rates_intersections", "decisions", "forest_rri",
    "forest_decisions", "journey_chart", "age_standardised", "sensitivity", "trend_chart", "trend_summary",
    "trend_table", "partner", "real_data", "real_data_chart", "real_data_table", "findings_section",
]

SIG = ("significantly higher", "significantly lower")
DECISIONS = ("assessment", "s47", "icpc", "cp_plan")  # the decisions of "who goes on?" (looked after has its own)


def _found(res, part: str) -> list:
    return [f for f in findings(res) if question_of_finding(f) == part]


def _family_size(res, family: str) -> int:
    sizes = [int(t.loc[t["family"] == family, "family_size"].max()) for t in (res.latest_rates(), res.latest_decisions())
             if "family" in t.columns and (t["family"] == family).any()]
    return max(sizes) if sizes else 0


def _family_sentence(res, family: str, what: str) -> str:
    n = _family_size(res, family)
    if not n:
        return ""
    return (f"The {n:,} comparisons that answer \"{question_text(family)}\" ({what}) are one family for the "
            "false-discovery adjustment (Benjamini–Hochberg at 5%): a difference is called significant only after "
            "allowing for all of them.")


def _forest_figure(sec: Section, name: str, title: str, chart: pd.DataFrame, what: str, reference: str, xlabel: str,
                   *, ratio="rri", lower="rri_lower", upper="rri_upper", panel="stage", panels_word="stages",
                   source="record-level extract; population table") -> None:
    """Add a forest plot of a published table (its reference rows left out) with alt text from its numbers."""
    from ..charts import forest

    chart = chart[chart[ratio] != "z"].reset_index(drop=True)
    alt = forest.forest_alt(chart, what, reference, ratio=ratio, lower=lower, upper=upper, panel=panel,
                            panels_word=panels_word)
    keep = [c for c in (panel, "group", "children", "children_going_on", "children_at_previous_stage", "number", ratio,
                        lower, upper, "label", "hidden_because") if c in chart.columns]
    sec.add_figure(name, title, alt, chart[keep], lambda: forest.forest(
        chart, ratio=ratio, lower=lower, upper=upper, panel=panel, title=title, xlabel=xlabel, source=source))


# --- how to read the page, and data quality first ------------------------------------------------------


def methods_box(res) -> str:
    """How to read the page (markdown), with the run's reference group, thresholds and false-discovery
    families (or why nothing follows)."""
    if isinstance(res, Blocked):
        return f"**{res.reason}**"
    families = "; ".join(f"*{q}*" for q in QUESTIONS.values())
    return f"""**How to read this page**

* **Rate per 10,000**: children in a group reaching a stage in the twelve months, per 10,000 children of that group
  living in the area (population table, mid-year {res.population_years[res.latest]}). Children are counted once,
  however many referrals or enquiries they had.
* **Relative rate index**: a group's rate divided by the rate of {res.reference_label}. 2.0 means twice as likely;
  0.5 half as likely. Its 95% interval (Katz) is the range the true ratio plausibly lies in.
* **Decision-point ratio**: of the children at one stage (for example assessed), the share of a group who went on to
  the next (a section 47 enquiry), divided by the same share for {res.reference_label}. Because it starts from the
  previous stage, it shows *where* a difference arises.
* **Significant**: the adjusted p-value is below 0.05. Many groups are compared at once, so p-values are adjusted
  (Benjamini–Hochberg) within one family per question the page answers: {families} (and, for the trend and each
  partner's return, one family each). A wider family is stricter: a difference must stand out among every comparison
  that could have answered the same question.
* **Not significant is not the same as no difference.** Where a ratio is not significant, the tables give the
  smallest ratio these numbers could have detected (with 80% power): a group of a few dozen children can differ by
  half again and still not be detected.
* **Fewer than {res.min_children} children**: "too few to say".
* **Hidden figures ([c] and [s])**: a count of 1 to {res.threshold} is hidden and marked [c] (primary suppression); any
  count from which a hidden count could be worked out from the totals or from the decision points is hidden and
  marked [s] (secondary suppression); no rate or ratio is shown from a hidden count (it takes its count's mark). Charts
  and tables say which.
* **What these numbers cannot show**: why a difference exists. The data carry no measure of deprivation, need or
  family circumstances, so nothing here is adjusted for them, and a difference is not by itself evidence of bias (nor
  is its absence evidence of fairness). Children whose ethnicity is not recorded are left out of the ratios (data
  quality first, below). Ethnic groups are compared one by one, never as a combined "BME" group.
* Full method, formulas and sources: `docs/disproportionality.md`."""


@skip_if_blocked
@states_set_aside()
def data_quality(res) -> Section:
    """Children whose ethnicity is not recorded at each stage, and whether that could change a finding."""
    q = res.latest_quality()
    t = publish.publish_quality(q, res.threshold)
    view = pd.DataFrame({
        "Stage": t["stage"],
        "Children": [readable.count_cell(v) for v in t["children"]],
        "Ethnicity not recorded": [readable.count_cell(v) for v in t["ethnicity_not_known"]],
        "Share not recorded": [f"{v}%" if v not in ("c", "x") else readable.HIDDEN for v in t["percent_not_known"]],
        "Findings that would change": t["findings_that_would_change"],
        "Warning": [f"Yes: {w}" if flag == "yes" else "No" for flag, w in zip(t["warning"], t["why"], strict=True)],
    })
    found = _found(res, "quality")
    sens = publish.publish_sensitivity(res.sensitivity, res.latest_rates(), res.threshold)
    n = int((sens["label"] != sens["label_unknown_shared_like_population"]).sum())
    note = (f"Before any finding: at each stage, how many children have no recorded ethnicity (refused, or not yet "
            f"obtained), and whether sharing them out like the population would change a finding. A stage carries a "
            f"warning when more than {res.missing_warning_pct:g}% are not recorded or a finding would change. "
            f"Sharing them out changes {'no finding' if n == 0 else f'{n} finding' + ('s' if n > 1 else '')}.")
    sec = new_section("disproportionality_data_quality", "Data quality first: children whose ethnicity is not recorded",
                      found, intro=note)
    sec.add_table("disproportionality_data_quality",
                  f"Children with ethnicity not recorded at each stage, {twelve_months_to(res.latest)}", t,
                  ["children", "ethnicity_refused", "ethnicity_not_obtained", "ethnicity_not_known"], view=view,
                  audit=declare.quality(t, "disproportionality_data_quality", q))
    return sec


# --- the questions ---------------------------------------------------------------------------------------


@skip_if_blocked
@states_set_aside("referral")
def who_is_referred(res) -> Section:
    """Each ethnic group's rate of referral against the reference group's (major and detailed groups)."""
    when = twelve_months_to(res.latest)
    r = res.latest_rates()
    r = r[(r["stage"] == "referral") & r["characteristic"].isin(["ethnicity_major", "ethnicity"])]
    major = (r["characteristic"] == "ethnicity_major").to_numpy()
    t = publish.publish_rates(r, res.threshold)
    chart = t.assign(level=np.where(major, "Ethnic groups", "Detailed ethnic groups (DfE codes)"))
    sec = new_section("disproportionality_who_is_referred", "Who is referred?", _found(res, "referred"),
                      intro=(f"Each ethnic group's rate of referral to children's social care in {when}, against "
                             f"{res.reference_label}. " + _family_sentence(
                                 res, "referred", "every group of every characteristic at referral")))
    title = f"Who is referred? Relative rate index of referral by ethnic group, {when}"
    _forest_figure(sec, "disproportionality_referred_forest", title, chart, "relative rate indices of referral",
                   res.reference_label, f"Relative rate index against {res.reference_label} (log scale)", panel="level",
                   panels_word="levels")
    keep = [major, ~major & t["label"].isin(SIG).to_numpy()]
    shown = pd.concat([t[k] for k in keep], ignore_index=True)
    raw = pd.concat([r.reset_index(drop=True)[k] for k in keep], ignore_index=True)
    sec.add_table("disproportionality_who_is_referred",
                  f"Referrals by ethnic group (and any detailed group that differs significantly), {when}", shown,
                  ["children"], view=readable.rates_view(shown, "Ethnic group", "Children referred"),
                  audit=declare.cells_only(shown, "disproportionality_who_is_referred", {"children": declare.CHILDREN},
                                           raw=raw, raw_columns={"children": "children"}))
    return sec


@skip_if_blocked
@states_set_aside()
def who_reaches_each_stage(res) -> Section:
    """Each major ethnic group's relative rate index at every stage of the journey: where gaps open."""
    when = twelve_months_to(res.latest)
    r = res.latest_rates()
    r = r[(r["characteristic"] == "ethnicity_major") & r["stage"].isin(cohorts.JOURNEY)]
    t = publish.publish_rates(r, res.threshold)
    stages = [cohorts.stage(k).title for k in cohorts.JOURNEY]
    found = _found(res, "reached") + _age_standardised_context(res)
    sec = new_section("disproportionality_who_reaches_each_stage", "Who reaches each stage of the journey?", found,
                      intro=(f"Each major ethnic group's rate at each stage, from referral to starting to be looked "
                             f"after, against {res.reference_label}. Where a gap appears at one stage and not the one "
                             "before, the decision between them is where it arises (next question). " + _family_sentence(
                                 res, "reached", "every group of every characteristic at assessment, section 47 "
                                                 "enquiry, conference and plan")))
    title = f"Relative rate index by ethnic group at each stage, {when}"
    _forest_figure(sec, "disproportionality_forest_rri", title, t, "relative rate indices", res.reference_label,
                   f"Relative rate index against {res.reference_label} (log scale)")
    body = t[t["rri"] != "z"]
    groups = list(dict.fromkeys(body["group"]))
    view = pd.DataFrame({"Ethnic group": groups})
    for st in stages:
        sub = body[body["stage"] == st].set_index("group")
        view[st] = [readable.pivot_cell(sub.loc[g, "rri"], sub.loc[g, "label"]) if g in sub.index else "" for g in groups]
    sec.add_table("disproportionality_who_reaches_each_stage",
                  f"Relative rate index against {res.reference_label} at each stage ('higher' or 'lower': "
                  f"statistically significant), {when}", t, ["children"], view=view,
                  audit=declare.cells_only(t, "disproportionality_who_reaches_each_stage",
                                           {"children": declare.CHILDREN}, raw=r, raw_columns={"children": "children"}))
    return sec


def _age_standardised_context(res) -> list:
    from .page import context

    t = publish.publish_age_standardised(res.age_standardised, res.latest_rates(), res.threshold)
    journey = [cohorts.stage(k).title for k in cohorts.JOURNEY]
    changed = t[(t["age_profile_changes_the_ratio"] == "yes") & (t["characteristic"] == "ethnicity_major")
                & t["stage"].isin(journey)]
    if not len(changed):
        return [context("Age standardisation changes no major ethnic group's ratio by more than 10%: the groups' "
                        "different age profiles do not explain the differences.", "table disproportionality_age_standardised",
                        "DISP-ASR")]
    return [context(f"For {r.group} children at the stage '{r.stage}', the age-standardised ratio ({r.age_standardised_rri}) "
                    f"differs from the crude ratio ({r.crude_rri}) by more than 10%: their age profile explains part of "
                    "the difference.", "table disproportionality_age_standardised", "DISP-ASR")
            for r in changed.itertuples()]


@skip_if_blocked
@states_set_aside("referral", "assessment", "s47", "icpc", "cp_plan")
def who_goes_on(res) -> Section:
    """Decision points from referral to plan: of the children at one stage, the share of each group who go on."""
    when = twelve_months_to(res.latest)
    d = res.latest_decisions()
    d = d[d["stage"].isin(DECISIONS)]
    major = d[d["characteristic"] == "ethnicity_major"]
    t = publish.publish_decisions(major, res.threshold)
    detailed = publish.publish_decisions(d[d["characteristic"] == "ethnicity"], res.threshold)
    sec = new_section("disproportionality_who_goes_on", "Who goes on at each decision?", _found(res, "decisions"),
                      intro=(f"Of the children at one stage in {when}, the share of each group who went on to the "
                             f"next: assessed after referral, a section 47 enquiry after assessment, a conference after "
                             f"an enquiry, a plan after a conference; each against {res.reference_label}. "
                             + _family_sentence(res, "decisions", "every group of every characteristic at these four "
                                                                  "decisions")))
    title = f"Who goes on at each decision? Ratio of the share going on, by ethnic group, {when}"
    _forest_figure(sec, "disproportionality_decisions_forest", title, t, "decision-point ratios", res.reference_label,
                   f"Ratio of the share going on, against {res.reference_label} (log scale)", ratio="ratio",
                   lower="ratio_lower", upper="ratio_upper", panel="decision", panels_word="decisions",
                   source="record-level extract")
    ref = t[t["ratio"] == "z"]
    keep_major, keep_detailed = (t["label"] != "reference").to_numpy(), detailed["label"].isin(SIG).to_numpy()
    shown = pd.concat([t[keep_major], detailed[keep_detailed]], ignore_index=True)
    raw = pd.concat([major.reset_index(drop=True)[keep_major],
                     d[d["characteristic"] == "ethnicity"].reset_index(drop=True)[keep_detailed]], ignore_index=True)
    sec.add_table("disproportionality_who_goes_on",
                  f"Decision points by ethnic group (and any detailed group that differs significantly), {when}", shown,
                  ["children_at_previous_stage", "children_going_on"],
                  view=readable.decisions_view(shown, ref, res.reference_label),
                  audit=declare.decisions(shown, "disproportionality_who_goes_on", res, raw, full=False))
    return sec


@skip_if_blocked
@states_set_aside("referral", "cla")
def who_becomes_looked_after(res) -> Section:
    """Starting to be looked after: each group's rate, and of the children referred the share who started."""
    when = twelve_months_to(res.latest)
    r = res.latest_rates()
    r = r[(r["stage"] == "cla") & (r["characteristic"] == "ethnicity_major")]
    d = res.latest_decisions()
    d = d[(d["stage"] == "cla") & (d["characteristic"] == "ethnicity_major")]
    tr = publish.publish_rates(r, res.threshold)
    td = publish.publish_decisions(d, res.threshold)
    rate_words = "Rate per child of starting to be looked after"
    share_words = "Share of the children referred who started to be looked after"
    both = pd.concat([
        pd.DataFrame({"measure": rate_words, "group": tr["group"], "children": tr["children"],
                      "children_at_previous_stage": "z", "ratio": tr["rri"], "ratio_lower": tr["rri_lower"],
                      "ratio_upper": tr["rri_upper"], "p_adjusted": tr["p_adjusted"], "label": tr["label"],
                      "detectable_ratio_above": tr["detectable_ratio_above"],
                      "detectable_ratio_below": tr["detectable_ratio_below"], "hidden_because": tr["hidden_because"]}),
        pd.DataFrame({"measure": share_words, "group": td["group"], "children": td["children_going_on"],
                      "children_at_previous_stage": td["children_at_previous_stage"], "ratio": td["ratio"],
                      "ratio_lower": td["ratio_lower"], "ratio_upper": td["ratio_upper"], "p_adjusted": td["p_adjusted"],
                      "label": td["label"], "detectable_ratio_above": td["detectable_ratio_above"],
                      "detectable_ratio_below": td["detectable_ratio_below"], "hidden_because": td["hidden_because"]}),
    ], ignore_index=True)
    sec = new_section("disproportionality_who_becomes_looked_after", "Who becomes looked after?",
                      _found(res, "looked_after"),
                      intro=(f"Children who started to be looked after in {when}: each group's rate against "
                             f"{res.reference_label}, and, of the children referred, the share who started to be "
                             "looked after (children enter care by several routes, so the decision is counted from "
                             "referral). " + _family_sentence(res, "looked_after", "every group of every "
                                                              "characteristic, both measures")))
    title = f"Who becomes looked after? Ratios by ethnic group, {when}"
    _forest_figure(sec, "disproportionality_looked_after_forest", title, both, "ratios of starting to be looked after",
                   res.reference_label, f"Ratio against {res.reference_label} (log scale)", ratio="ratio",
                   lower="ratio_lower", upper="ratio_upper", panel="measure", panels_word="measures")
    body = both[both["label"] != "reference"].reset_index(drop=True)
    view = pd.DataFrame({
        "Measure": np.where(body["measure"] == rate_words, "Rate per child", "Share of those referred"),
        "Ethnic group": body["group"],
        "Children": [readable.count_cell(c) if p == "z" else readable.went_on_cell(c, p, "")
                     for c, p in zip(body["children"], body["children_at_previous_stage"], strict=True)],
        "Ratio (95% interval)": [readable.ratio_cell(*x) for x in zip(body["ratio"], body["ratio_lower"],
                                                                      body["ratio_upper"], strict=True)],
        "Adjusted p-value": [readable.p_cell(v) for v in body["p_adjusted"]],
        "What it means": [readable.meaning(*x) for x in zip(body["label"], body["hidden_because"], body["ratio"],
                                                            body["detectable_ratio_above"],
                                                            body["detectable_ratio_below"], strict=True)],
    })
    sec.add_table("disproportionality_who_becomes_looked_after",
                  f"Starting to be looked after by ethnic group, {when}", both, ["children", "children_at_previous_stage"],
                  view=view, audit=declare.looked_after(both, "disproportionality_who_becomes_looked_after", res,
                                                        rate_words, share_words, raw_rates=r, raw_decisions=d))
    return sec


@skip_if_blocked
@states_set_aside()
def sex_age_and_disability(res) -> Section:
    """Boys against girls and each age band against all other children, at every stage."""
    when = twelve_months_to(res.latest)
    r = res.latest_rates()
    r = r[r["characteristic"].isin(["sex", "age_band"]) & r["stage"].isin(cohorts.JOURNEY) & ~r["is_reference"]
          & r["label"].ne("not available")]
    t = publish.publish_rates(r, res.threshold)
    t["group"] = np.where(t["group"] == "Boys", "Boys (against girls)", t["group"])
    sec = new_section("disproportionality_sex_age_disability", "Boys and girls, age and disability",
                      _found(res, "characteristics"),
                      intro=(f"Boys against girls, and each age band against all other children, at each stage in "
                             f"{when}. Needs differ with age and between boys and girls in well-known ways, so these "
                             "are context rather than concerns. The population figures have no breakdown by "
                             "disability, so disabled children have no rate; their decision points are in the table "
                             "of every decision point (below, in the appendix), and any significant difference is "
                             "listed here. These comparisons belong to the same false-discovery families as the ethnic "
                             "groups (one per question)."))
    title = f"Relative rate index by sex and age band at each stage, {when}"
    _forest_figure(sec, "disproportionality_sex_age_forest", title, t, "relative rate indices by sex and age band",
                   "girls (for boys) and all other children (for age bands)",
                   "Relative rate index (log scale; boys against girls, each age band against all other children)")
    stages = [cohorts.stage(k).title for k in cohorts.JOURNEY]
    groups = list(dict.fromkeys(t["group"]))
    view = pd.DataFrame({"Group": groups})
    for st in stages:
        sub = t[t["stage"] == st].set_index("group")
        view[st] = [readable.pivot_cell(sub.loc[g, "rri"], sub.loc[g, "label"]) if g in sub.index else "" for g in groups]
    sec.add_table("disproportionality_sex_and_age",
                  f"Relative rate index by sex and age band at each stage ('higher' or 'lower': statistically "
                  f"significant), {when}", t, ["children"], view=view,
                  audit=declare.cells_only(t, "disproportionality_sex_and_age", {"children": declare.CHILDREN},
                                           raw=r, raw_columns={"children": "children"},
                                           relabel={"Boys (against girls)": "Boys"}))
    return sec


@skip_if_blocked
@states_set_aside()
def is_the_gap_changing(res) -> Section:
    """Each major group's relative rate index over eight quarters, and whether the gap narrowed or widened."""
    from ..charts import journey

    t = publish.publish_trend(res.trend_series, res.rates, res.threshold)
    t = t[(t["characteristic"] == "ethnicity_major") & t["stage"].isin([cohorts.stage(k).title for k in cohorts.JOURNEY])]
    summ = res.trend_summary[res.trend_summary["characteristic"] == "ethnicity_major"]
    n = int(res.trend_summary["family_size"].max()) if "family_size" in res.trend_summary.columns and len(summ) else 0
    sec = new_section("disproportionality_is_the_gap_changing", "Is any gap changing?", _found(res, "trend"),
                      intro=("Each major group's relative rate index for the rolling twelve months ending each of the "
                             "last eight quarters. Neighbouring points share nine months of children, so the test "
                             "compares the latest twelve months with the twelve months a year earlier" +
                             (f"; the {n} comparisons (every stage, ethnic group and level) are one false-discovery "
                              "family." if n else ".")))
    title = "Relative rate index by ethnic group over the last eight quarters (rolling twelve months)"
    sec.add_figure("disproportionality_trend_chart", title, journey.trend_alt(t, summ, reference=res.reference_label), t,
                   lambda: journey.trend(t, title=title, source="record-level extract; population table"))
    change = trend_table(res)
    change = change[change["characteristic"] == "ethnicity_major"].reset_index(drop=True)
    stages = [cohorts.stage(k).title for k in cohorts.JOURNEY]
    groups = list(dict.fromkeys(change["group"]))
    view = pd.DataFrame({"Ethnic group": groups})
    for st in stages:
        sub = change[change["stage"] == st].set_index("group")
        view[st] = [_change_cell(sub.loc[g]) if g in sub.index else "" for g in groups]
    sec.add_table("disproportionality_gap_changes",
                  "Relative rate index a year earlier and now, by ethnic group and stage (narrowing or widening: "
                  "statistically significant)", change, view=view)
    return sec


def _change_cell(row) -> str:
    then, now, direction = str(row["rri_year_earlier"]), str(row["rri_latest"]), str(row["direction"])
    if "c" in (then, now) or direction == "c":
        return readable.HIDDEN
    if direction == "too few to say":
        return "too few"
    text = f"{then} → {now}"
    return f"{text}, {direction}" if direction in ("narrowing", "widening") else text


@skip_if_blocked
def partners_returns(res) -> Section:
    """Partners' returns by ethnic group and sex: exclusions, youth justice, exploitation, arrests."""
    if res.partner is None or len(res.partner) == 0:
        sec = new_section("disproportionality_partner_breakdowns", "Partners' returns by ethnicity and sex")
        sec.unavailable = "no partner returns with breakdowns for these quarters"
        return sec
    from .statistics import PARTNER_QUESTIONS

    t = publish.publish_partner(res.partner, res.threshold)
    quarters_to = twelve_months_to(res.period).replace("the twelve months to ", "")
    known = t[~t["group"].isin(["Unknown"])].copy()
    known["who"] = np.where(known["breakdown"] == "sex", known["group"].map({"M": "Boys", "F": "Girls"}), known["group"])
    chart = known[known["ratio"] != "z"].assign(panel=known["title"])
    sec = new_section("disproportionality_partner_breakdowns",
                      "Who is excluded, enters the youth justice system, is flagged at risk of exploitation or is "
                      "arrested?", _found(res, "partners"),
                      intro=(f"The partners' returns for the four quarters to {quarters_to}: each ethnic group against "
                             f"White children (the returns carry major groups only) and boys against girls. Each "
                             f"indicator answers its own question ({'; '.join(PARTNER_QUESTIONS.values())}), and its "
                             "comparisons are one false-discovery family."),
                      source="the partners' quarterly returns")
    _forest_figure(sec, "disproportionality_partner_forest",
                   f"Partners' returns: ratios by ethnic group and sex, the four quarters to {quarters_to}",
                   chart.rename(columns={"group": "code"}).rename(columns={"who": "group"}),
                   "rate ratios in partners' returns", "White children (ethnic groups) and girls (boys)",
                   "Rate ratio (log scale)", ratio="ratio",
                   lower="ratio_lower", upper="ratio_upper", panel="panel", panels_word="indicators",
                   source="partners' quarterly returns")
    columns = [g for g in dict.fromkeys(chart["who"])]
    view = pd.DataFrame({"Indicator": list(dict.fromkeys(chart["title"]))})
    for g in columns:
        sub = chart[chart["who"] == g].set_index("title")
        view[g if g == "Boys" else f"{g} (against White)"] = [
            (BY_PARTNER if sub.loc[i, "suppressed_by_partner"] == "yes" else
             readable.pivot_cell(sub.loc[i, "ratio"], sub.loc[i, "label"])) if i in sub.index else ""
            for i in view["Indicator"]]
    view = view.rename(columns={"Boys": "Boys (against girls)"})
    note = _suppressed_by_partner_note(t)
    if note:
        sec.intro = f"{sec.intro}\n\n{note}"
    sec.add_table("disproportionality_partner_breakdowns",
                  f"Partners' returns: rate ratios by ethnic group and sex ('higher' or 'lower': statistically "
                  f"significant), the four quarters to {quarters_to}", t, ["number"], view=view,
                  audit=declare.partner(t, "disproportionality_partner_breakdowns", res.partner))
    return sec


BY_PARTNER = "suppressed by the partner"


def _suppressed_by_partner_note(t: pd.DataFrame) -> str:
    """The groups the partners suppressed in their own returns, in words, for the section's introduction."""
    if "suppressed_by_partner" not in t.columns:
        return ""
    mine = t[t["suppressed_by_partner"] == "yes"]
    words = {"M": "boys", "F": "girls", "Unknown": "ethnicity not known"}
    groups = [f"{title[:1].lower() + title[1:]}: {words.get(g, f'{g} children')}"
              for g, title in zip(mine["group"], mine["title"], strict=True)]
    return partner_suppressed_sentence(groups)


# --- every table behind the page -------------------------------------------------------------------------

#: the CSV files the page writes, in the order the appendix lists them: (name, what it holds)
APPENDIX = (
    ("disproportionality_data_quality", "Children with ethnicity not recorded at each stage"),
    ("disproportionality_who_is_referred", "Who is referred: the table shown"),
    ("disproportionality_who_reaches_each_stage", "Relative rate index by ethnic group at each stage"),
    ("disproportionality_who_goes_on", "Decision points by ethnic group: the table shown"),
    ("disproportionality_who_becomes_looked_after", "Starting to be looked after: the table shown"),
    ("disproportionality_sex_and_age", "Relative rate index by sex and age band at each stage"),
    ("disproportionality_gap_changes", "Relative rate index a year earlier and now, major ethnic groups"),
    ("disproportionality_partner_breakdowns", "Partners' returns by ethnicity and sex, every indicator"),
    ("disproportionality_rates_major", "Rates, relative rate indices and disproportionality ratios by major ethnic "
                                       "group, every stage"),
    ("disproportionality_rates_detailed", "The same by detailed ethnic group (DfE codes)"),
    ("disproportionality_rates_sex_age_disability", "The same by sex, age band and disability"),
    ("disproportionality_rates_intersections", "The same by ethnic group and sex, and ethnic group and age band"),
    ("disproportionality_decision_points", "Every decision point: every characteristic and group"),
    ("disproportionality_age_standardised", "Age-standardised rates by ethnic group (Dobson)"),
    ("disproportionality_sensitivity", "How much the children with ethnicity not recorded could change each ratio"),
    ("disproportionality_trend", "Each group's relative rate index for each of the last eight quarters"),
    ("disproportionality_trend_summary", "Is each gap changing: every stage and ethnic group"),
    ("disproportionality_findings", "Every finding on this page, with the rule that drafted it"),
    ("disproportionality_real_data_cla", "The worked example on published data"),
)


@skip_if_blocked
@states_set_aside(*(stage.key for stage in cohorts.STAGES))
def appendix(res) -> Section:
    """Every table behind the page, written to the pack as CSV (not shown), and a list of them with links."""
    sec = new_section("disproportionality_appendix", "Every table behind this page, as CSV")
    for part in (rates_major(res), rates_detailed(res), rates_other(res), rates_intersections(res), decisions(res),
                 age_standardised(res), sensitivity(res), trend_summary(res), findings_section(res)):
        for table in part.tables:
            sec.add_table(table.name, table.title, table.data, table.counts, shown=False, audit=table.audit)
    series = publish.publish_trend(res.trend_series, res.rates, res.threshold)
    sec.add_table("disproportionality_trend", "Each group's relative rate index for each of the last eight quarters",
                  series, ["children"], shown=False,
                  audit=declare.trend(series, "disproportionality_trend", res, res.trend_series))
    lines = [f"- [{what}](../tables/{name}.csv)" for name, what in APPENDIX]
    sec.intro = ("The tables the page draws on, in full and tidy (one row per window, stage, characteristic and group; "
                 "hidden figures as [c] or [s]), for anyone who wants to check or reuse a number. Each chart's data is also "
                 "written beside it (the figure's name with `_data.csv`).\n\n" + "\n".join(lines))
    return sec
