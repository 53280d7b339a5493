"""The chapters of the annual book: each takes the domain's sections or year view at the year's fourth quarter.

Each function returns ``(parts, findings, missing)``: the built items by their key in the contents
(:class:`Part`: published data, a summary or alt text from the numbers, how to draw a figure), the
chapter's findings, and why any item could not be built (``"*"`` for the whole chapter). The book gives
the items their numbers and titles (:mod:`.contents`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd

from ..assurance import year as assurance_year
from ..disproportionality import year as disp_year
from ..narrative import Finding
from ..scorecard import year as scorecard_year
from .contents import CONTENTS_BY_KEY, fill

__all__ = ["Part", "scorecard", "disproportionality", "audits", "reviews", "training", "voice", "lado", "cdop",
           "self_assessment", "actions", "qa_visits", "practitioners", "training_needs", "contracts", "voice_reach",
           "you_said_we_did", "disagreements", "funding"]


@dataclass
class Part:
    """One built item of a chapter (its number, name and title come from the contents)."""

    data: pd.DataFrame  # published: the table, or the data behind the figure
    text: str  # tables: a summary sentence; figures: alt text; both from the numbers
    draw: Callable[[], object] | None = None  # figures: returns a matplotlib Figure
    counts: tuple[str, ...] = ()
    threshold: int | None = None
    display: tuple[str, ...] = ()
    view: pd.DataFrame | None = None  # tables: what the page shows (columns in words), when not the data itself

    @property
    def summary(self) -> str:
        return self.text

    @property
    def alt(self) -> str:
        return self.text


def _said(sentences: Iterable[str], lens: str, chapter: str) -> list[Finding]:
    return [Finding("context", s, lens, "annual", f"chapter {chapter}") for s in sentences]


def _missing(book, register: str) -> dict:
    return {"*": f"the {register} register was not available for {book.year} (not received, or blocked by "
                 "validation)"}


def _figure_of(section, name: str) -> Part:
    """A figure of a domain section as a part of the book (same alt text, data and drawing)."""
    fig = next(f for f in section.figures if f.name == name)
    return Part(section.figure_data(fig), fig.alt, fig.draw)


# --- 1. scorecard -----------------------------------------------------------------------------------


def scorecard(book):
    from ..charts import annual as annual_charts

    sc, prev = book.scorecard(), book.scorecard(previous=True)
    yoy = scorecard_year.scorecard_year_on_year(sc, prev)
    fy, py = book.year.label, book.previous.label
    parts: dict[str, Part] = {"scorecard_year_on_year": Part(
        yoy, scorecard_year.year_on_year_summary(yoy, fy, py, book.year.end),
        display=("indicator_id", "short_title", "unit", "value_previous_year", "value_year", "change", "direction",
                 "target", "england", "compared_with_england", "rag_year_end"))}
    pct = scorecard_year.percentage_indicators(yoy)
    if len(pct):
        src = "partners' returns; children's social care extract; DfE (England)"
        parts["scorecard_percentages"] = Part(pct, scorecard_year.percentages_alt(pct, fy, py), lambda: annual_charts.year_on_year(
            pct, previous_name=py, current_name=fy, title=f"Percentage indicators, {py} to {fy}", source=src))
    trend = scorecard_year.quarterly_trend(sc, scorecard_year.key_indicators(sc))
    if len(trend):
        title = fill(CONTENTS_BY_KEY["scorecard_trend"].title, book.year)
        parts["scorecard_trend"] = Part(trend, scorecard_year.trend_alt(trend), lambda: annual_charts.quarterly_trend(
            trend, title=title, source="partners' returns; CSC extract; DfE (England)"))
    return parts, _said(scorecard_year.year_sentences(yoy, fy, py), "independent", "scorecard"), {}


# --- 2. disproportionality --------------------------------------------------------------------------


def disproportionality(book):
    from ..disproportionality import sections
    from ..disproportionality.page import set_aside_note

    res = book.disproportionality()
    if isinstance(res, sections.Blocked):
        return {}, _said([res.reason], "independent", "disproportionality"), {"*": res.reason}
    parts: dict[str, Part] = {}
    for key, fn in (("disproportionality_rri", sections.forest_rri), ("disproportionality_journey",
                                                                        sections.journey_chart),
                    ("disproportionality_decisions", sections.forest_decisions)):
        sec = fn(res)
        parts[key] = _figure_of(sec, sec.figures[0].name)
    rates = sections.rates_major(res)
    t = disp_year.as_year(rates.tables[0].data, book.year)
    set_aside = set_aside_note(res)  # rows of the year's returns set aside at validation, said as the quarter does
    parts["disproportionality_rates"] = Part(
        t, " ".join(filter(None, [disp_year.rates_summary(t), set_aside])), counts=rates.tables[0].counts,
        display=("stage", "group", "children", "rate_per_10000", "rate_lower", "rate_upper", "rri", "rri_lower",
                 "rri_upper", "disproportionality_ratio", "label"))
    dec = sections.decisions(res, ("ethnicity_major",))
    t = disp_year.as_year(dec.tables[0].data, book.year)
    parts["disproportionality_decision_points"] = Part(
        t, disp_year.decisions_summary(t), counts=dec.tables[0].counts,
        display=("decision", "group", "children_at_previous_stage", "children_going_on", "percent_going_on", "ratio",
                 "ratio_lower", "ratio_upper", "label"))
    tr = sections.trend_summary(res)
    change = tr.tables[0].data
    change = change[change["characteristic"] == "ethnicity_major"].reset_index(drop=True)
    change = change.rename(columns={"rri_year_earlier": "rri_previous_year", "rri_latest": "rri_year"})
    parts["disproportionality_change"] = Part(
        change, disp_year.change_summary(change),
        display=("stage", "group", "rri_previous_year", "rri_year", "change", "p_adjusted", "direction"))
    return parts, rates.findings + dec.findings + tr.findings, {}


# --- 3. audits --------------------------------------------------------------------------------------


def audits(book):
    from ..charts import assurance as charts

    register = book.tables.get("audits")
    if register is None:
        return {}, [], _missing(book, "audits")
    held = assurance_year.audits_held(register, book.year, book.config)
    by_audit = assurance_year.audit_grades_by_audit(register, book.year, book.config)
    four = assurance_year.audit_four_grades(register, book.year, book.config)
    parts = {
        "audits_held": Part(held, assurance_year.held_summary(held, book.year), counts=("cases", "gradings")),
        "audit_four_grades": Part(four, f"The four grades of each of the {len(held)} audits of {book.year}, grouped "
                                  "into good or better and requires improvement or inadequate.", counts=("gradings",)),
    }
    if len(held):
        parts["audit_grades"] = Part(
            by_audit, assurance_year.audit_alt(by_audit, book.year),
            lambda: charts.grade_bars(by_audit, "audit", title=f"Gradings by audit, {book.year}",
                                      source="multi-agency audit register"),
            counts=("good_or_better", "ri_or_inadequate", "graded"))
    return (parts, _said(assurance_year.audit_sentences(by_audit, book.year), "professional", "audits"),
            {"audit_grades": f"no audit was held in {book.year}"})


# --- 4. reviews -------------------------------------------------------------------------------------


def reviews(book):
    sec = book.section("reviews")
    if not sec.tables:
        return {}, sec.findings, _missing(book, "reviews")
    summ, lcspr, themes = (sec["assurance_reviews_summary"], sec["assurance_lcspr_status"],
                           sec["assurance_reviews_themes"])
    n = summ.loc[summ["group"] == "timeliness", "reviews"].iloc[0]
    parts = {
        "rapid_reviews": Part(summ, f"{n} serious incidents were notified in {book.year}; the table gives whether each "
                              "rapid review was completed within 15 working days and the decision taken.",
                              counts=("reviews",)),
        "rapid_reviews_trend": _figure_of(sec, "assurance_reviews_chart"),
        "practice_reviews": Part(lcspr, f"Local child safeguarding practice reviews commissioned, published and in "
                                 f"progress as they stood at 31 March {book.year.end.year}.", counts=("reviews",)),
        "review_themes": Part(themes, f"{len(themes)} learning themes named by the reviews of incidents notified in "
                              f"{book.year}, with the number of reviews naming each.", counts=("reviews",)),
    }
    return parts, sec.findings, {}


# --- 5. training ------------------------------------------------------------------------------------


def training(book):
    from ..assurance.publish import number

    sec = book.section("training")
    att, ev = book.tables.get("training_attendance"), book.tables.get("training_evaluation")
    parts: dict[str, Part] = {}
    found = [f for f in sec.findings if f.rule in ("TRN-01", "TRN-02")]
    missing = {}
    if att is not None:
        reach = assurance_year.training_reach(att, book.year, book.config)
        tot = reach.iloc[-1]
        parts["training_reach"] = Part(
            reach, f"{tot['booked']} places were booked on multi-agency training in {book.year} and {tot['attended']} "
            f"attended ({tot['pct_attended']}%), by agency.", counts=("booked", "attended", "did_not_attend"))
        b, a = number(tot["booked"]), number(tot["attended"])
        if pd.notna(b) and pd.notna(a) and b > 0:
            found = _said([f"{a:.0f} of {b:.0f} places booked on multi-agency training in {book.year} were attended "
                           f"({tot['pct_attended']}%)."], "professional", "training") + found
    else:
        missing["training_reach"] = _missing(book, "training attendance")["*"]
    if ev is not None:
        evt, cp = sec["assurance_training_evaluation"], sec["assurance_training_changed_practice"]
        parts["training_confidence"] = Part(evt, sec.figures[0].alt, sec.figures[0].draw)
        parts["training_evaluation"] = Part(
            evt, "For each course and all courses: learners with ratings before and after, how many were more, "
            "equally or less confident, mean and median ratings, the Wilcoxon signed-rank test and the rank-biserial "
            "effect size (statistics hidden where the number of learners is too small).",
            counts=("pairs", "improved", "unchanged", "worse"))
        allrow = cp.iloc[-1]
        parts["training_changed_practice"] = Part(
            cp, f"Of {allrow['followed_up']} learners answering the three-month follow-up, {allrow['pct_changed']}% "
            f"said the course changed their practice (95% interval {allrow['lower_ci']}% to {allrow['upper_ci']}%).",
            counts=("followed_up", "changed", "not_changed"))
    else:
        for k in ("training_confidence", "training_evaluation", "training_changed_practice"):
            missing[k] = _missing(book, "training evaluation")["*"]
    return parts, found, missing


# --- 6. voice ---------------------------------------------------------------------------------------


def voice(book):
    from ..assurance import voice as voice_register
    from ..assurance._common import ROLLING
    from ..charts import annual as annual_charts
    from ..charts import assurance as charts

    resp, sessions = book.tables.get("voice_responses"), book.tables.get("voice_sessions")
    parts: dict[str, Part] = {}
    missing: dict[str, str] = {}
    sentences: list[str] = []
    label = assurance_year.year_label(book.year)
    if resp is not None:
        t = assurance_year.voice_surveys(resp, book.year, book.config)
        year_rows = t[t["survey"] == label].reset_index(drop=True)
        by_survey = t.loc[t["survey"] != label, ["item_id", "item", "survey", "answered", "agree",
                                                  "pct_agree"]].reset_index(drop=True)
        counts = ("answered", "disagree", "neither", "agree")
        parts["voice_surveys"] = Part(t, assurance_year.voice_summary(t, label), counts=counts)
        if len(year_rows):
            parts["voice_year"] = Part(
                year_rows, assurance_year.voice_year_alt(year_rows, book.year),
                lambda: charts.likert_diverging(year_rows, title=f"Your Voice Matters, all surveys of {book.year}",
                                                source="Your Voice Matters survey"), counts=counts)
            parts["voice_by_survey"] = Part(
                by_survey, assurance_year.voice_survey_alt(by_survey, book.year),
                lambda: annual_charts.agreement_by_survey(by_survey, title=f"Agreement by survey, {book.year}",
                                                          source="Your Voice Matters survey"),
                counts=("answered", "agree"))
        sentences += assurance_year.voice_sentences(t, label)
    else:
        for k in ("voice_surveys", "voice_year", "voice_by_survey"):
            missing[k] = _missing(book, "voice responses")["*"]
    if sessions is not None:
        th = voice_register.session_themes(sessions, book.q4, window=ROLLING)
        parts["voice_themes"] = Part(th, f"{th['theme'].nunique()} themes raised at {len(th)} session-theme pairs in "
                                     f"{book.year}, with what the partnership did in response.")
        if len(th):
            sentences.append(f"Themes children and families raised in {book.year}: "
                             + ", ".join(sorted(th["theme"].unique())) + ".")
    else:
        missing["voice_themes"] = _missing(book, "voice sessions")["*"]
    return parts, _said(sentences, "citizen", "voice"), missing


# --- 7. LADO ----------------------------------------------------------------------------------------


def lado(book):
    sec = book.section("lado")
    if not sec.tables:
        return {}, sec.findings, _missing(book, "LADO")
    sector, tl = sec["assurance_lado_by_sector"], sec["assurance_lado_timeliness"]
    years = assurance_year.lado_by_year(book.tables["lado"], assurance_year.full_years(book.config, book.year),
                                        book.config)
    fig = _figure_of(sec, "assurance_lado_chart")
    fig.counts = tuple(sector.columns[1:])
    parts = {
        "lado_sectors": fig,
        "lado_sector_outcome": Part(sector, f"{sector.iloc[-1]['total']} allegations received in {book.year} by the "
                                    "sector of the person's employer and the outcome as at the year end.",
                                    counts=tuple(sector.columns[1:])),
        "lado_timeliness": Part(tl, "Allegations received in the year by whether the LADO's initial consideration was "
                                "within one working day, and by time to conclusion (or how long open at the year end).",
                                counts=("allegations",)),
        "lado_years": Part(years, assurance_year.lado_years_summary(years), counts=("allegations_received",)),
    }
    return parts, sec.findings, {}


# --- 8. CDOP ----------------------------------------------------------------------------------------


def cdop(book):
    from ..assurance.publish import threshold

    sec = book.section("child_deaths")
    register = book.tables.get("child_deaths")
    if register is None:
        return {}, sec.findings, _missing(book, "child deaths")
    t = threshold(book.config, cdop=True)
    table = assurance_year.cdop_reviews(register, book.year, book.config)
    fig = _figure_of(sec, "assurance_cdop_chart")
    fig.counts, fig.threshold = ("reviews",), t
    total = table.loc[table["group"] == "All", "reviews"].iloc[0]
    parts = {
        "cdop_category": fig,
        "cdop_reviews": Part(table, f"{total} child death reviews were completed in {book.year}; each breakdown is "
                             "published only when the total allows, and every count from 1 to "
                             f"{t} is hidden ([c]), with any count that would reveal it ([s]).", counts=("reviews",),
                             threshold=t),
    }
    return parts, sec.findings, {}


# --- 9. self-assessments ----------------------------------------------------------------------------


def self_assessment(book):
    sec = book.section("self_assessment")
    if not sec.tables:
        return {}, sec.findings, _missing(book, "self-assessments")
    rounds = sec["assurance_self_assessment_rounds"]
    parts = {"self_assessment_rounds": Part(
        rounds, f"The latest Section 11 and Section 175/157 rounds with submissions by 31 March {book.year.end.year}: "
        "organisations asked and submitted, standards rated, the share met and not met, and the change since the "
        "round before.")}
    if "assurance_s11_chart" in {f.name for f in sec.figures}:
        parts["s11_by_organisation"] = _figure_of(sec, "assurance_s11_chart")
    return parts, sec.findings, {"s11_by_organisation": "no Section 11 round had submissions by the year end"}


# --- 10. the action plan ----------------------------------------------------------------------------


def actions(book):
    sec = book.section("actions")
    if not sec.tables:
        return {}, sec.findings, _missing(book, "actions")
    by_source = sec["assurance_actions_by_source"]
    parts = {"actions_by_source": Part(
        by_source, f"Actions raised from each source (audits, reviews, self-assessments, inspection and scrutiny, ...) "
        f"with their progress at 31 March {book.year.end.year}: completed, open on time and overdue.")}
    if sec.figures:
        parts["actions_ageing"] = _figure_of(sec, "assurance_actions_ageing_chart")
    return parts, sec.findings, {"actions_ageing": "no action was open at the year end"}



# --- 11 to 18. the arrangements' other evidence: each chapter is its register's section at Q4 ---------------


def _from_section(book, area: str, items: dict[str, str]):
    """The chapter of an assurance area whose section, built at the year's Q4 in the year's words, already holds
    every item: ``items`` maps each key of the contents to the name of the section's table or figure."""
    sec = book.section(area)
    if sec.unavailable and not sec.tables:
        return {}, sec.findings, {"*": sec.unavailable}
    figures = {f.name for f in sec.figures}
    parts: dict[str, Part] = {}
    missing: dict[str, str] = {}
    for key, name in items.items():
        if name in figures:
            parts[key] = _figure_of(sec, name)
        elif name in sec and sec.table(name).data is not None and len(sec[name]):
            t = sec.table(name)
            parts[key] = Part(t.data, t.summary, counts=t.counts, threshold=t.threshold, view=t.view)
        else:
            missing[key] = f"nothing was recorded for it in {book.year}"
    return parts, sec.findings, missing


def qa_visits(book):
    return _from_section(book, "qa_visits", {"qa_visits_by_agency": "assurance_qa_visits_by_agency",
                                             "qa_actions_closed": "assurance_qa_actions_chart",
                                             "qa_actions_by_agency": "assurance_qa_actions_closure"})


def practitioners(book):
    return _from_section(book, "practitioners", {"stag_attendance": "assurance_stag_attendance",
                                                 "stag_issues": "assurance_stag_issues",
                                                 "staff_survey": "assurance_staff_survey_chart",
                                                 "staff_survey_change": "assurance_staff_survey_change",
                                                 "staff_survey_agreement": "assurance_staff_survey_agreement"})


def training_needs(book):
    return _from_section(book, "training_needs", {"training_needs_chart": "assurance_training_needs_chart",
                                                  "training_needs_by_topic": "assurance_training_needs_by_topic"})


def contracts(book):
    return _from_section(book, "contract_monitoring", {"contracts_chart": "assurance_contracts_chart",
                                                       "contracts_by_service": "assurance_contracts_by_service"})


def voice_reach(book):
    return _from_section(book, "voice_reach", {"voice_reach_chart": "assurance_voice_reach_chart",
                                               "voice_reach_table": "assurance_voice_reach"})


def you_said_we_did(book):
    return _from_section(book, "you_said_we_did", {"you_said_chart": "assurance_you_said_chart",
                                                   "you_said_by_voice": "assurance_you_said_by_voice",
                                                   "you_said_list": "assurance_you_said_list"})


def disagreements(book):
    return _from_section(book, "disagreements", {"disagreements_chart": "assurance_disagreements_chart",
                                                 "disagreements_by_agency": "assurance_disagreements_by_agency"})


def funding(book):
    return _from_section(book, "funding", {"funding_contributions": "assurance_funding_contributions",
                                           "funding_spend": "assurance_funding_spend",
                                           "funding_chart": "assurance_funding_chart"})
