"""The list of contents of the annual-report figure book, and its numbering.

:data:`CONTENTS` lists the book's items in reading order. Figures and tables are numbered separately,
in that order ("Figure 1", "Table 1", ...), and each item's file name carries its number
(``annual_fig01_scorecard_percentages``, ``annual_tab01_scorecard_year_on_year``). The numbers come from
the list, never from the data: an item that cannot be built in a year (a register not received) keeps
its number and is reported as not available, so the numbers an author cites do not move. Adding an item
to the list renumbers only the items after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ..periods import FinancialYear, parse_year

__all__ = ["CHAPTERS", "SOURCES", "CONTENTS", "CONTENTS_BY_KEY", "Entry", "Numbered", "numbering", "fill",
           "contents_table", "contents_markdown"]

# ---------------------------------------------------------------------------------------------------
# The contents: chapters and items, in reading order
# ---------------------------------------------------------------------------------------------------

# chapter -> (heading, what the reader is looking at)
CHAPTERS: dict[str, tuple[str, str]] = {
    "scorecard": ("Performance scorecard: the year against the year before",
                  "Each indicator's value for the financial year beside the year before, the change, England's "
                  "latest published figure and the RAG rating at the year end."),
    "disproportionality": ("Disproportionality along the child's journey",
                           "Whether children of some ethnic groups were more or less likely than White British children "
                           "to reach each stage of the child's journey in the year, and where a difference arose."),
    "audits": ("Multi-agency case-file audits",
               "The year's four thematic audits: what each looked at and how the case files were graded."),
    "reviews": ("Rapid reviews and local child safeguarding practice reviews",
                "Serious incidents notified in the year, whether their rapid reviews met the 15-working-day "
                "timescale, and the practice reviews."),
    "training": ("Multi-agency training",
                 "Who the training programme reached in the year and whether it made a difference to learners' "
                 "confidence and practice."),
    "voice": ("The voice of children and families",
              "How children answered the Your Voice Matters surveys of the year, and the themes they raised."),
    "lado": ("Allegations against people who work with children (LADO)",
             "Allegations received by the LADO in the year by sector and outcome, and how quickly they were handled, "
             "year on year."),
    "cdop": ("Child deaths reviewed (CDOP)",
             "Reviews the Child Death Overview Panel completed in the year. These are the most identifying numbers "
             "the partnership holds: small counts are hidden, and no breakdown is given when the total is small."),
    "self_assessment": ("Section 11 and Section 175/157 self-assessments",
                        "How the partner agencies (Section 11) and schools and colleges (Section 175/157) rated "
                        "themselves against the safeguarding standards in their latest rounds, and who had not "
                        "submitted."),
    "actions": ("The partnership action plan",
                "The SMART actions raised from every lens, their progress at the year end, and how far past their due "
                "date the open ones were."),
    "qa_visits": ("Quality-assurance visits",
                  "The visits the partnership planned to partners' services in the year, whether they were held and how "
                  "the services were graded, and how quickly each agency closed the actions agreed."),
    "practitioners": ("Practitioners' views: the Safeguarding Together Action Group and the staff survey",
                      "Which agencies' practitioners came to STAG, the issues they raised and escalated, and how "
                      "practitioners answered the staff survey, with the change since the survey before."),
    "training_needs": ("The training needs analysis",
                       "The staff the agencies need trained on each topic against the places attended in the year, "
                       "with the gaps named."),
    "contracts": ("Contract monitoring of commissioned services",
                  "The safeguarding standards commissioned providers met at their contract-monitoring reviews in the "
                  "year, by type of service, and the concerns raised."),
    "voice_reach": ("Whose voices were heard",
                    "Who took part in the partnership's engagement in the year, by protected characteristic, against "
                    "the city's children."),
    "you_said_we_did": ("You said, we did",
                        "The themes children, families and practitioners raised in the year, what was done and how "
                        "quickly."),
    "disagreements": ("Professional disagreements",
                      "Disagreements between agencies escalated under the partnership's protocol in the year: the stage "
                      "they reached, how they ended and how long they took."),
    "funding": ("The partnership's funding",
                "What each partner contributed and what the partnership spent on each function, in the latest year "
                "whose outturn was known at the year end."),
}

SOURCES = {
    "scorecard": ("partners' quarterly returns and the children's social care record-level extract, {previous} and "
                  "{year}; England: DfE Children in need and Children looked after in England, latest published year; "
                  "ONS mid-year population estimates"),
    "disproportionality": ("children's social care record-level extract, {year}; child population by ethnic group "
                           "(ONS-based); the method is in the package's notes on disproportionality"),
    "audits": "multi-agency case-file audit register, audits held in {year}",
    "reviews": "rapid review register (serious incident notifications) as at {end}",
    "training": "multi-agency training attendance and evaluation registers, sessions in {year}",
    "voice": "Your Voice Matters survey and engagement sessions, {year}",
    "lado": "LADO allegations register, allegations as they stood at the end of each year",
    "cdop": "Child Death Overview Panel, reviews completed in {year}",
    "self_assessment": "Section 11 and Section 175/157 self-assessment register, rounds as they stood at {end}",
    "actions": "partnership action plan register as it stood at {end}",
    "qa_visits": "quality-assurance visits and their actions, visits planned in {year}",
    "practitioners": "STAG attendance and issues, {year}; the multi-agency staff survey",
    "training_needs": "training needs analysis and training attendance register, {year}",
    "contracts": "commissioners' contract-monitoring register, reviews held in {year}",
    "voice_reach": "record of who took part in engagement, {year}; ONS-based mid-year population",
    "you_said_we_did": "the \"you said, we did\" tracker, themes raised in {year}",
    "disagreements": "professional disagreements register, disagreements raised in {year}",
    "funding": "the partnership's budget: contributions and outturn as recorded at {end}",
}


@dataclass(frozen=True)
class Entry:
    """One item of the book as listed in :data:`CONTENTS` (``{year}``, ``{previous}``, ``{end}`` filled in later)."""

    chapter: str
    kind: str  # "figure" or "table"
    key: str  # short name, unique within the book
    title: str
    lens: str


CONTENTS: tuple[Entry, ...] = (
    Entry("scorecard", "table", "scorecard_year_on_year",
          "Performance scorecard: each indicator in {year} and {previous}, the change, England and the RAG rating at "
          "{end}", "independent"),
    Entry("scorecard", "figure", "scorecard_percentages",
          "Percentage indicators of the scorecard, {previous} to {year}, with England", "independent"),
    Entry("scorecard", "figure", "scorecard_trend",
          "Key indicators quarter by quarter, {previous} and {year}", "independent"),
    Entry("disproportionality", "figure", "disproportionality_rri",
          "Relative rate index by ethnic group at each stage of the child's journey, {year}", "independent"),
    Entry("disproportionality", "figure", "disproportionality_journey",
          "Children per 10,000 reaching each stage of the child's journey by ethnic group, {year}", "independent"),
    Entry("disproportionality", "table", "disproportionality_rates",
          "Rates per 10,000, relative rate indices and disproportionality ratios by ethnic group at each stage, {year}",
          "independent"),
    Entry("disproportionality", "figure", "disproportionality_decisions",
          "Decision-point ratios by ethnic group, {year}", "independent"),
    Entry("disproportionality", "table", "disproportionality_decision_points",
          "Decision points by ethnic group: of the children at one stage, the share who went on to the next, {year}",
          "independent"),
    Entry("disproportionality", "table", "disproportionality_change",
          "Relative rate index by ethnic group in {year} against {previous}", "independent"),
    Entry("audits", "table", "audits_held", "Multi-agency case-file audits held in {year}", "professional"),
    Entry("audits", "figure", "audit_grades", "Case-file gradings good or outstanding, by audit, {year}", "professional"),
    Entry("audits", "table", "audit_four_grades", "Case-file gradings by grade for each audit of {year}", "professional"),
    Entry("reviews", "table", "rapid_reviews",
          "Rapid reviews of serious incidents notified in {year}: timeliness and decisions", "professional"),
    Entry("reviews", "figure", "rapid_reviews_trend",
          "Serious incidents notified and rapid reviews within 15 working days, rolling twelve months to each quarter "
          "end, {previous} and {year}", "professional"),
    Entry("reviews", "table", "practice_reviews", "Local child safeguarding practice reviews at {end}", "professional"),
    Entry("reviews", "table", "review_themes", "Learning themes of the reviews of serious incidents notified in {year}",
          "professional"),
    Entry("training", "table", "training_reach", "Places on multi-agency training booked and attended in {year}, by agency",
          "professional"),
    Entry("training", "figure", "training_confidence", "Learners' mean confidence before and after each course, {year}",
          "professional"),
    Entry("training", "table", "training_evaluation",
          "Learners' confidence before and after each course: Wilcoxon signed-rank test and effect size, {year}",
          "professional"),
    Entry("training", "table", "training_changed_practice",
          "Learners saying at the three-month follow-up that the course changed their practice, {year}", "professional"),
    Entry("voice", "figure", "voice_year", "How children answered each Your Voice Matters statement, all surveys of {year}",
          "citizen"),
    Entry("voice", "figure", "voice_by_survey", "Children agreeing with each statement in each survey of {year}", "citizen"),
    Entry("voice", "table", "voice_surveys", "Your Voice Matters: answers to each statement in each survey of {year} and "
          "the year as a whole", "citizen"),
    Entry("voice", "table", "voice_themes", "Themes children and families raised in {year}, and what was done", "citizen"),
    Entry("lado", "figure", "lado_sectors", "Allegations referred to the LADO in {year} by employer sector", "provider"),
    Entry("lado", "table", "lado_sector_outcome", "Allegations referred to the LADO in {year} by employer sector and outcome",
          "provider"),
    Entry("lado", "table", "lado_timeliness",
          "LADO timeliness in {year}: initial consideration and time to conclusion", "provider"),
    Entry("lado", "table", "lado_years", "Allegations referred to the LADO and headline timeliness, year on year", "provider"),
    Entry("cdop", "figure", "cdop_category", "Child death reviews completed in {year} by category of death", "professional"),
    Entry("cdop", "table", "cdop_reviews",
          "Child death reviews completed in {year} by category, age, modifiable factors and whether the death was expected",
          "professional"),
    Entry("self_assessment", "table", "self_assessment_rounds",
          "Self-assessment rounds at {end}: organisations asked and submitted, standards met, change since the round "
          "before", "professional"),
    Entry("self_assessment", "figure", "s11_by_organisation",
          "Section 11 standards met, partly met and not met by organisation, latest round at {end}", "professional"),
    Entry("actions", "table", "actions_by_source", "The partnership action plan at {end}: actions by source and progress",
          "professional"),
    Entry("actions", "figure", "actions_ageing", "Open actions by time past their due date at {end}", "professional"),
    # the arrangements' other evidence (appended so that no earlier number moves)
    Entry("qa_visits", "table", "qa_visits_by_agency",
          "Quality-assurance visits planned in {year} by agency: held, cancelled and the grades given", "professional"),
    Entry("qa_visits", "figure", "qa_actions_closed",
          "Actions from quality-assurance visits closed within 90 days, by agency, at {end}", "professional"),
    Entry("qa_visits", "table", "qa_actions_by_agency",
          "Actions from quality-assurance visits closed within 90 days by agency, and actions open at {end}",
          "professional"),
    Entry("practitioners", "table", "stag_attendance", "STAG meetings attended by each agency, {year}", "professional"),
    Entry("practitioners", "table", "stag_issues", "Issues practitioners raised at STAG in {year}, escalated and answered",
          "professional"),
    Entry("practitioners", "figure", "staff_survey",
          "Practitioners agreeing with each statement: the latest staff survey of {year} against the one before",
          "professional"),
    Entry("practitioners", "table", "staff_survey_change",
          "Staff survey: agreement with each statement, the latest survey of {year} against the one before, with the "
          "change and its interval", "professional"),
    Entry("practitioners", "table", "staff_survey_agreement",
          "Staff survey: agreement across all statements by agency, the latest survey of {year}", "professional"),
    Entry("training_needs", "figure", "training_needs_chart",
          "Staff to train and places attended by topic, {year}", "professional"),
    Entry("training_needs", "table", "training_needs_by_topic",
          "Training needs analysis for {year}: staff to train and places attended by topic, with the gaps",
          "professional"),
    Entry("contracts", "figure", "contracts_chart",
          "Safeguarding standards met, partly met and not met by type of commissioned service, {year}", "provider"),
    Entry("contracts", "table", "contracts_by_service",
          "Contract monitoring in {year}: safeguarding standards met by type of service, and concerns raised",
          "provider"),
    Entry("voice_reach", "figure", "voice_reach_chart",
          "Who was heard in {year} against the city's children aged 5 to 17", "citizen"),
    Entry("voice_reach", "table", "voice_reach_table",
          "Participations in engagement in {year} by protected characteristic, against the city's children",
          "citizen"),
    Entry("you_said_we_did", "figure", "you_said_chart",
          "Themes raised in {year} by children, families and practitioners, and how quickly they were answered",
          "citizen"),
    Entry("you_said_we_did", "table", "you_said_by_voice",
          "You said, we did: themes raised in {year} by who raised them, answered within three months", "citizen"),
    Entry("you_said_we_did", "table", "you_said_list", "You said, we did: each theme raised in {year} and what was done",
          "citizen"),
    Entry("disagreements", "figure", "disagreements_chart",
          "Professional disagreements raised in {year} by agency and highest stage reached", "professional"),
    Entry("disagreements", "table", "disagreements_by_agency",
          "Professional disagreements raised in {year}: stage, outcome and time to settle, by agency", "professional"),
    Entry("funding", "table", "funding_contributions",
          "Contributions to the partnership's budget by partner, the latest year with its outturn at {end}",
          "independent"),
    Entry("funding", "table", "funding_spend",
          "The partnership's budget and spend by function, the latest year with its outturn at {end}", "independent"),
    Entry("funding", "figure", "funding_chart",
          "Budget and spend by function, the latest year with its outturn at {end}", "independent"),
)


@dataclass(frozen=True)
class Numbered:
    entry: Entry
    number: str  # "Figure 3"
    name: str  # "annual_fig03_disproportionality_rri"


def numbering(contents: Sequence[Entry] = CONTENTS) -> list[Numbered]:
    """Number the items: figures and tables separately, in list order; names carry the number."""
    keys = [e.key for e in contents]
    dupes = sorted({k for k in keys if keys.count(k) > 1 and k})
    if dupes:
        raise ValueError(f"the book lists {', '.join(dupes)} more than once")
    counters = {"figure": 0, "table": 0}
    out = []
    for e in contents:
        if e.kind not in counters:
            raise ValueError(f"item {e.key}: kind must be 'figure' or 'table', not {e.kind!r}")
        if e.chapter not in CHAPTERS:
            raise ValueError(f"item {e.key}: chapter {e.chapter!r} is not one of {', '.join(CHAPTERS)}")
        counters[e.kind] += 1
        n = counters[e.kind]
        word, short = ("Figure", "fig") if e.kind == "figure" else ("Table", "tab")
        out.append(Numbered(e, f"{word} {n}", f"annual_{short}{n:02d}_{e.key}"))
    return out


def fill(text: str, fy: FinancialYear) -> str:
    prev = FinancialYear(fy.start_year - 1)
    return text.format(year=fy.label, previous=prev.label, end=f"31 March {fy.end.year}",
                       start=f"1 April {fy.start.year}")


def contents_table(year: str | FinancialYear) -> pd.DataFrame:
    """The list of figures and tables of the book for ``year``: number, name, title, chapter, lens, files."""
    fy = parse_year(year)
    rows = []
    for n in numbering():
        e = n.entry
        files = (f"figures/{n.name}.svg; figures/{n.name}.png; tables/{n.name}_data.csv" if e.kind == "figure"
                 else f"tables/{n.name}.csv")
        rows.append({"number": n.number, "name": n.name, "title": fill(e.title, fy), "chapter": CHAPTERS[e.chapter][0],
                     "lens": e.lens, "files": files})
    return pd.DataFrame(rows)


def contents_markdown(year: str | FinancialYear) -> str:
    """The contents as a markdown list, chapter by chapter."""
    t = contents_table(year)
    lines = []
    for i, (heading, _) in enumerate(CHAPTERS.values(), start=1):
        lines.append(f"{i}. **{heading}**")
        for r in t[t["chapter"] == heading].itertuples():
            lines.append(f"    - {r.number}: {r.title}")
    return "\n".join(lines)


CONTENTS_BY_KEY = {e.key: e for e in CONTENTS}
