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
}

SOURCES = {
    "scorecard": ("partners' quarterly returns and the children's social care record-level extract, {previous} and "
                  "{year}; England: DfE Children in need and Children looked after in England, latest published year; "
                  "ONS mid-year population estimates"),
    "disproportionality": ("children's social care record-level extract, {year}; child population by ethnic group "
                           "(ONS-based); method in docs/disproportionality.md"),
    "audits": "multi-agency case-file audit register, audits held in {year}",
    "reviews": "rapid review register (serious incident notifications) as at {end}",
    "training": "multi-agency training attendance and evaluation registers, sessions in {year}",
    "voice": "Your Voice Matters survey and engagement sessions, {year}",
    "lado": "LADO allegations register, allegations as they stood at the end of each year",
    "cdop": "Child Death Overview Panel, reviews completed in {year}",
    "self_assessment": "Section 11 and Section 175/157 self-assessment register, rounds as they stood at {end}",
    "actions": "partnership action plan register as it stood at {end}",
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
