"""Every disproportionality table and chart in full, one section each: the tables behind the page.

Each function takes the :class:`~.analysis.Results` and returns a
:class:`~cscp_analysis.sections.Section` holding one published, disclosure-controlled table (every
characteristic, group and stage) or one figure (drawn when shown, with its alt text and the published
data behind it), and the findings drawn from the numbers. The page itself (:mod:`.sections`) answers
questions with readable tables and lists these as CSV files in its appendix; the annual book shows some
of them as they are, at the year's fourth quarter (its rolling twelve months are the financial year).
Nothing here computes a statistic. When the analysis could not run (:class:`Blocked`), every function
returns ``None``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import disclosure
from ..narrative import findings_table
from ..sections import Section
from . import cohorts, publish
from . import declarations as declare
from .findings import findings, twelve_months_to
from .page import LENS, SOURCE, Blocked, run
from .page import context as _context
from .page import figure_section as _figure_section
from .page import new_section as _section
from .page import skip_if_blocked as _skip_if_blocked
from .page import table_section as _table_section

__all__ = ["Blocked", "run", "data_quality", "rates", "rates_major", "rates_detailed", "rates_other",
           "rates_intersections", "decisions", "forest_rri", "forest_decisions", "journey_chart", "age_standardised",
           "sensitivity", "trend_chart", "trend_summary", "trend_table", "partner", "real_data", "real_data_chart",
           "real_data_table", "findings_section", "LENS", "SOURCE"]


def _stage_order(df: pd.DataFrame) -> pd.DataFrame:
    order = {s.title: i for i, s in enumerate(cohorts.STAGES)}
    return df.assign(_o=df["stage"].map(order)).sort_values("_o", kind="mergesort").drop(columns="_o")


@_skip_if_blocked
def data_quality(res) -> Section:
    q = res.latest_quality()
    t = publish.publish_quality(q, res.threshold)
    f = findings(res)
    note = ""
    if not t["warning"].eq("yes").any():
        note = (f"No stage carries a data-quality warning: at every stage ethnicity is known for more than "
                f"{100 - res.missing_warning_pct:g}% of children, and sharing the unknown children out like the "
                "population changes no finding.")
    return _table_section("disproportionality_data_quality",
                          f"Children with ethnicity not known at each stage, {twelve_months_to(res.latest)}", t,
                          ["children", "ethnicity_refused", "ethnicity_not_obtained", "ethnicity_not_known"],
                          [x for x in f if x.rule == "DISP-DQ"], note,
                          audit=declare.quality(t, "disproportionality_data_quality", q))


@_skip_if_blocked
def rates(res, characteristics: tuple[str, ...], name: str, title: str, stages: tuple[str, ...] | None = None,
          intro: str = "") -> Section:
    r = res.latest_rates()
    r = r[r["characteristic"].isin(characteristics)]
    if stages:
        r = r[r["stage"].isin(stages)]
    t = publish.publish_rates(r, res.threshold)
    f = [x for x in findings(res) if x.rule == "DISP-RRI"
         and any(f", {c}, " in x.evidence for c in characteristics)
         and (stages is None or any(f"[{st}, " in x.evidence for st in stages))]
    return _table_section(name, title, t, ["children"], f, intro, audit=declare.rates(t, name, res, r))


@_skip_if_blocked
def rates_major(res) -> Section:
    return rates(res, ("ethnicity_major",), "disproportionality_rates_major",
                 f"Rates per 10,000, relative rate indices and disproportionality ratios by major ethnic group, "
                 f"{twelve_months_to(res.latest)}")


@_skip_if_blocked
def rates_detailed(res) -> Section:
    return rates(res, ("ethnicity",), "disproportionality_rates_detailed",
                 f"Rates and ratios by detailed ethnic group (DfE codes), {twelve_months_to(res.latest)}",
                 intro=f"Each DfE code is shown on its own, including small groups; with fewer than {res.min_children} "
                 f"children a group is too few to say anything about, and counts of 1 to {res.threshold} are shown as [c].")


@_skip_if_blocked
def rates_other(res) -> Section:
    return rates(res, ("sex", "age_band", "disability"), "disproportionality_rates_sex_age_disability",
                 f"Rates and ratios by sex, age band and disability, {twelve_months_to(res.latest)}",
                 intro="Boys are compared with girls, each age band and disability group with all other children. The "
                 "population table has no figures by disability, so there is no rate or relative rate index for "
                 "disability (x); its decision points, which need no population, are in the decision-point table.")


@_skip_if_blocked
def rates_intersections(res) -> Section:
    r = res.latest_rates()
    r = r[r["characteristic"].isin(["ethnicity_major_x_sex", "ethnicity_major_x_age_band"]) & ~r["is_reference"]]
    few = int(r["too_few"].sum())
    return rates(res, ("ethnicity_major_x_sex", "ethnicity_major_x_age_band"), "disproportionality_rates_intersections",
                 f"Intersections: ethnic group by sex and by age band, {twelve_months_to(res.latest)}",
                 intro=f"Only where numbers allow: each group is compared with {res.reference_label} of the same sex or "
                 f"age band; {few} of {len(r)} comparisons have fewer than {res.min_children} children in the group or "
                 "its reference and are labelled too few to say (or c where a count is 5 or fewer).")


@_skip_if_blocked
def decisions(res, characteristics: tuple[str, ...] = ("ethnicity_major", "ethnicity", "sex", "age_band",
                                                      "disability")) -> Section:
    d = res.latest_decisions()
    d = d[d["characteristic"].isin(characteristics)]
    t = publish.publish_decisions(d, res.threshold)
    f = [x for x in findings(res) if any(f", {c}, " in x.evidence for c in characteristics)]
    return _table_section("disproportionality_decision_points",
                          f"Decision points: of the children at one stage, the share who go on to the next, "
                          f"{twelve_months_to(res.latest)}", t, ["children_at_previous_stage", "children_going_on"],
                          [x for x in f if x.rule == "DISP-DECISION"],
                          audit=declare.decisions(t, "disproportionality_decision_points", res, d))


def _rri_table(res, characteristic: str) -> pd.DataFrame:
    r = res.latest_rates()
    r = r[(r["characteristic"] == characteristic) & r["stage"].isin(cohorts.JOURNEY)]
    return publish.publish_rates(r, res.threshold)


@_skip_if_blocked
def forest_rri(res, characteristic: str = "ethnicity_major") -> Section:
    from ..charts import forest

    t = _rri_table(res, characteristic)
    title = f"Relative rate index by ethnic group at each stage, {twelve_months_to(res.latest)}"
    alt = forest.forest_alt(t, "relative rate indices", res.reference_label)
    data = t[["stage", "group", "children", "rri", "rri_lower", "rri_upper", "label"]]
    return _figure_section("disproportionality_forest_rri", title, alt, data, lambda: forest.forest(
        t, title=title, xlabel=f"Relative rate index against {res.reference_label} (log scale)",
        source="record-level extract; population table"))


@_skip_if_blocked
def forest_decisions(res, characteristic: str = "ethnicity_major") -> Section:
    from ..charts import forest

    d = res.latest_decisions()
    d = d[d["characteristic"] == characteristic]
    t = publish.publish_decisions(d, res.threshold)
    title = f"Decision-point ratios by ethnic group, {twelve_months_to(res.latest)}"
    alt = forest.forest_alt(t, "decision-point ratios", res.reference_label, ratio="ratio", lower="ratio_lower",
                            upper="ratio_upper", panel="decision", panels_word="decisions")
    data = t[["decision", "group", "children_at_previous_stage", "children_going_on", "percent_going_on", "ratio",
              "ratio_lower", "ratio_upper", "label"]]
    return _figure_section("disproportionality_forest_decisions", title, alt, data, lambda: forest.forest(
        t, ratio="ratio", lower="ratio_lower", upper="ratio_upper", panel="decision", title=title,
        xlabel=f"Ratio of the share going on, against {res.reference_label} (log scale)",
        source="record-level extract"))


@_skip_if_blocked
def journey_chart(res, characteristic: str = "ethnicity_major") -> Section:
    from ..charts import journey

    t = _rri_table(res, characteristic)
    title = f"Rate per 10,000 children at each stage of the journey, {twelve_months_to(res.latest)}"
    data = t[["stage", "group", "children", "population", "rate_per_10000", "rate_lower", "rate_upper"]]
    return _figure_section("disproportionality_journey", title, journey.journey_alt(t), data,
                           lambda: journey.journey(t, title=title, source="record-level extract; population table"))


@_skip_if_blocked
def age_standardised(res) -> Section:
    t = publish.publish_age_standardised(res.age_standardised, res.latest_rates(), res.threshold)
    changed = t[t["age_profile_changes_the_ratio"] == "yes"]
    name = "disproportionality_age_standardised"
    sent = []
    if len(changed):
        for r in changed.itertuples():
            sent.append(f"For {r.group} children at the stage '{r.stage}', the age-standardised ratio ({r.age_standardised_rri}) "
                        f"differs from the crude ratio ({r.crude_rri}) by more than 10%: their age profile explains part "
                        "of the difference.")
    else:
        sent.append("Age standardisation changes no group's ratio by more than 10%: the groups' different age "
                    "profiles do not explain the differences above.")
    return _table_section(name, f"Age-standardised rates per 10,000 by ethnic group (Dobson), "
                          f"{twelve_months_to(res.latest)}", t, ["children"],
                          [_context(x, f"table {name}", "DISP-ASR") for x in sent],
                          audit=declare.cells_only(t, name, {"children": declare.CHILDREN}, raw=res.age_standardised,
                                                   raw_columns={"children": "children"}))


@_skip_if_blocked
def sensitivity(res) -> Section:
    t = publish.publish_sensitivity(res.sensitivity, res.latest_rates(), res.threshold)
    n = int((t["label"] != t["label_unknown_shared_like_population"]).sum())
    sent = [f"Sharing the children whose ethnicity is not known out like the population changes "
            f"{'no finding' if n == 0 else f'{n} finding' + ('s' if n > 1 else '')} in this table."]
    name = "disproportionality_sensitivity"
    return _table_section(name, "How much the children with ethnicity not known could change each relative rate index",
                          t, ["children"], [_context(x, f"table {name}", "DISP-SENS") for x in sent],
                          audit=declare.cells_only(t, name, {"children": declare.CHILDREN}, raw=res.sensitivity,
                                                   raw_columns={"children": "children"}))


@_skip_if_blocked
def trend_chart(res, characteristic: str = "ethnicity_major") -> Section:
    from ..charts import journey

    t = publish.publish_trend(res.trend_series, res.rates, res.threshold)
    t = t[(t["characteristic"] == characteristic) & t["stage"].isin([cohorts.stage(k).title for k in cohorts.JOURNEY])]
    title = "Relative rate index by ethnic group over the last eight quarters (rolling twelve months)"
    summ = res.trend_summary[res.trend_summary["characteristic"] == characteristic]
    alt = journey.trend_alt(t, summ, reference=res.reference_label)
    return _figure_section("disproportionality_trend_chart", title, alt, t,
                           lambda: journey.trend(t, title=title, source="record-level extract; population table"))


@_skip_if_blocked
def trend_summary(res) -> Section:
    return _table_section("disproportionality_trend_summary",
                          "Is each gap narrowing? The latest twelve months against the twelve months a year earlier",
                          trend_table(res), (), [x for x in findings(res) if x.rule == "DISP-TREND"])


def trend_table(res) -> pd.DataFrame:
    """The published change in each group's relative rate index: the latest twelve months against the twelve
    months a year earlier (masked as the rates tables of both windows)."""
    s = res.trend_summary
    keys = ["stage", "characteristic", "group"]
    rows = list(zip(s["stage"], s["characteristic"], s["group"], strict=True))

    def masks(window) -> tuple[np.ndarray, np.ndarray]:
        """Whether each row's index is hidden in ``window``, and whether because its own count is 1 to the threshold."""
        r = res.rates[res.rates["window"] == window].set_index(keys) if window else None
        if r is None:
            return np.ones(len(rows), bool), np.zeros(len(rows), bool)
        hidden = r["rri_hidden"].to_dict()
        why = r["rri_hidden_reason"].to_dict() if "rri_hidden_reason" in r.columns else {}
        return (np.array([bool(hidden.get(k, True)) for k in rows], bool),
                np.array([why.get(k, "") == "primary" for k in rows], bool))

    hidden_now, small_now = masks(res.latest)
    then_w = s["window_then"].iloc[0] if len(s) and "window_then" in s.columns else None
    hidden_then, small_then = masks(then_w)
    hide = hidden_now | hidden_then
    small = (small_now & hidden_now) | (small_then & hidden_then)
    kind = np.where(small, disclosure.PRIMARY, disclosure.SECONDARY)
    nothing = np.full(len(rows), np.nan)
    t = pd.DataFrame({
        "stage": s["stage"].map(lambda k: cohorts.stage(k).title), "characteristic": s["characteristic"],
        "group": s["group_label"],
        "rri_year_earlier": disclosure.hide(s.get("rri_then", nothing), hidden_then,
                                            publish.fmt(s.get("rri_then", np.nan), 2),
                                            kind=np.where(small_then, disclosure.PRIMARY, disclosure.SECONDARY)),
        "rri_latest": disclosure.hide(s["rri_now"], hidden_now, publish.fmt(s["rri_now"], 2),
                                      kind=np.where(small_now, disclosure.PRIMARY, disclosure.SECONDARY)),
        "change": disclosure.hide(s.get("change_ratio", nothing), hide, publish.fmt(s.get("change_ratio", np.nan), 2),
                                  kind=kind),
        "p_adjusted": disclosure.hide(s.get("change_p_adjusted", nothing), hide,
                                      publish.fmt_p(s.get("change_p_adjusted", np.nan)), kind=kind),
        "direction": disclosure.hide(nothing, hide & ~s["direction"].isin(["reference"]).to_numpy(),
                                     s["direction"].to_numpy(dtype=object), kind=kind),
    })
    return t[t["direction"] != "reference"].reset_index(drop=True)


@_skip_if_blocked
def partner(res) -> Section:
    if res.partner is None or len(res.partner) == 0:
        sec = _section("disproportionality_partner_breakdowns", "Partners' returns by ethnicity and sex")
        sec.unavailable = "no partner returns with breakdowns for these quarters"
        return sec
    t = publish.publish_partner(res.partner, res.threshold)
    f = findings(res)
    name = "disproportionality_partner_breakdowns"
    return _table_section(name, f"Partners' returns by ethnicity and sex, the four quarters to {res.period}", t,
                          ["number"], [x for x in f if x.rule == "DISP-PARTNER"], source="the partners' quarterly returns",
                          audit=declare.partner(t, name, res.partner))


_REAL_SOURCE = "DfE, children looked after in England by ethnicity (published); ONS, Census 2021"


def real_data_table(example: pd.DataFrame) -> pd.DataFrame:
    """The published example as a table (DfE and Census counts are published figures, shown as published)."""

    e = example
    shown = np.isfinite(e["looked_after"].to_numpy(float))
    t = pd.DataFrame({
        "year": e["year"].astype(str), "area": e["area"], "group": e["group"],
        "looked_after_31_march": np.where(shown, e["looked_after"].map(lambda v: f"{v:.0f}" if np.isfinite(v) else ""),
                                          e["looked_after_status"]),
        "looked_after_total": e["looked_after_total"].map(lambda v: f"{v:.0f}"),
        "census_2021_aged_10_17": e["population_10_17"].map(lambda v: f"{v:.0f}"),
        "share_of_looked_after_pct": np.where(shown, publish.fmt(e["share_looked_after_pct"], 1), disclosure.SUPPRESSED),
        "share_of_population_pct": publish.fmt(e["share_population_pct"], 1),
        "disproportionality_ratio": np.where(shown, publish.fmt(e["dr"], 2), disclosure.SUPPRESSED),
        "dr_lower": np.where(shown, publish.fmt(e["dr_lower"], 2), disclosure.SUPPRESSED),
        "dr_upper": np.where(shown, publish.fmt(e["dr_upper"], 2), disclosure.SUPPRESSED),
        "ratio_to_white": np.where(e["group"] == "White", disclosure.NOT_APPLICABLE, np.where(shown, publish.fmt(e["ratio"], 2), disclosure.SUPPRESSED)),
        "ratio_lower": np.where(e["group"] == "White", disclosure.NOT_APPLICABLE,
                                np.where(shown, publish.fmt(e["ratio_lower"], 2), disclosure.SUPPRESSED)),
        "ratio_upper": np.where(e["group"] == "White", disclosure.NOT_APPLICABLE,
                                np.where(shown, publish.fmt(e["ratio_upper"], 2), disclosure.SUPPRESSED)),
        "label": np.where(shown, e["label"], disclosure.SUPPRESSED),
    })
    disclosure.check_disclosure(t, counts=["looked_after_31_march"], derived={"disproportionality_ratio": "looked_after_31_march"})
    return t


def real_data(example: pd.DataFrame, la_name: str = "Coventry") -> Section:
    """The worked example on published data, with its caveats first."""
    from .real_data import CAVEATS

    e = example
    t = real_data_table(example)
    name = "disproportionality_real_data_cla"
    la = e[e["area"] == la_name]
    sent = []
    if len(la):
        latest = la["year"].max()
        for r in la[(la["year"] == latest) & la["label"].isin(["significantly higher", "significantly lower"])].itertuples():
            sent.append(f"In DfE's published figures, {r.group} children were {r.share_looked_after_pct:.1f}% of children looked "
                        f"after by {la_name} on 31 March {latest} ({r.looked_after:.0f} of {r.looked_after_total:.0f}) and "
                        f"{r.share_population_pct:.1f}% of its children aged 10 to 17 in the 2021 Census, a "
                        f"disproportionality ratio of {r.dr:.2f} (95% CI {r.dr_lower:.2f} to {r.dr_upper:.2f}); the years and "
                        "ages differ, so this is an illustration of the method, not a current finding.")
    note = "**Caveats, read before the numbers.** " + " ".join(CAVEATS)
    sec = _section(name, "Worked example on published data", [_context(x, f"table {name}", "DISP-REAL") for x in sent],
                   note, source=_REAL_SOURCE)
    chart = real_data_chart(example)
    sec.figures = chart.figures
    year = str(int(e["year"].max()))
    sec.add_table(name, f"Worked example on published data: children looked after on 31 March {year} by ethnic group, "
                  f"{la_name} (every year and the other five districts are in the CSV file)", t, (),
                  view=_real_data_view(t, la_name, year))
    return sec


def _real_data_view(t: pd.DataFrame, la_name: str, year: str) -> pd.DataFrame:
    """The partnership's own rows of the worked example's latest year, with words for headers."""
    from . import readable

    v = t[(t["area"] == la_name) & (t["year"] == year)]
    if v.empty:
        v = t[t["year"] == year]
    return pd.DataFrame({
        "Ethnic group": v["group"],
        "Looked after on 31 March": [readable.count_cell(x) for x in v["looked_after_31_march"]],
        "Share of children looked after": [f"{x}%" if x not in ("c", "x") else readable.HIDDEN
                                           for x in v["share_of_looked_after_pct"]],
        "Share of children aged 10 to 17 (Census 2021)": [f"{x}%" for x in v["share_of_population_pct"]],
        "Disproportionality ratio (95% interval)": [readable.ratio_cell(*x) for x in zip(
            v["disproportionality_ratio"], v["dr_lower"], v["dr_upper"], strict=True)],
        "Ratio to White children (95% interval)": [readable.ratio_cell(*x) or "the comparison group" for x in zip(
            v["ratio_to_white"], v["ratio_lower"], v["ratio_upper"], strict=True)],
    }).reset_index(drop=True)


def real_data_chart(example: pd.DataFrame, year: int | None = None) -> Section:
    from ..charts import forest

    e = example
    year = year or int(e["year"].max())
    t = real_data_table(e)
    t = t[t["year"] == str(year)].rename(columns={"area": "stage"})
    t = t.assign(rri=t["ratio_to_white"], rri_lower=t["ratio_lower"], rri_upper=t["ratio_upper"])
    title = (f"Children looked after on 31 March {year} per child aged 10-17, each ethnic group against White children "
             "(published DfE figures; Census 2021)")
    alt = forest.forest_alt(t, "ratios of looked-after children per child aged 10-17", "White children",
                            panels_word="areas") + \
        " Years and ages differ between numerator and denominator: an illustration of the method."
    data = t[["year", "stage", "group", "rri", "rri_lower", "rri_upper", "label"]].rename(
        columns={"stage": "area", "rri": "ratio_to_white", "rri_lower": "ratio_lower", "rri_upper": "ratio_upper"})
    return _figure_section("disproportionality_real_data_chart", title, alt, data, lambda: forest.forest(
        t, title=title, xlabel="Ratio to White children (log scale)",
        source="DfE SFR looked-after children by ethnicity; ONS Census 2021"), source=_REAL_SOURCE)


@_skip_if_blocked
def findings_section(res) -> Section:
    t = findings_table(findings(res))
    return _table_section("disproportionality_findings",
                          "Every disproportionality finding, with the rule that produced it", t)
