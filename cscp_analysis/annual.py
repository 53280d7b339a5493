"""The annual-report figure book of a financial year (issue 8; ``cscp annual --year 2025-26``).

Every figure and table the partnership's annual report needs, numbered, each with a title, alt text
(or, for a table, a summary) written from its numbers, a source note and a CSV of its data. The book
is built from the returns *as at the end of the year's fourth quarter*: the rolling twelve months of
the domain libraries at Q4 are the financial year, so the book reuses them and derives no statistic
of its own.

========================  =============================================================================
chapter                   what it shows (library it calls)
========================  =============================================================================
``scorecard``             each indicator's value for the year and the year before, the change, England
                          and the RAG rating at 31 March; the percentage indicators year on year; the
                          quarterly trend of the key indicators (:mod:`.scorecard`)
``disproportionality``    rates and relative rate indices by ethnic group along the child's journey,
                          decision points, and the change since the year before (:mod:`.disproportionality`)
``audits``                the year's four multi-agency audits: themes, gradings per audit (:mod:`.assurance.audits`)
``reviews``               rapid reviews and practice reviews in the year (:mod:`.assurance.reviews`)
``training``              training reach and evaluation (Wilcoxon signed-rank) (:mod:`.assurance.training`)
``voice``                 the year's Your Voice Matters surveys and themes (:mod:`.assurance.voice`)
``lado``                  allegations in the year and timeliness year on year (:mod:`.assurance.lado`)
``cdop``                  child death reviews completed in the year, strictly suppressed (:mod:`.assurance.child_deaths`)
========================  =============================================================================

**Numbering.** :data:`CONTENTS` lists the book's items in reading order. Figures and tables are
numbered separately, in that order ("Figure 1", "Table 1", ...), and each item's file name carries its
number (``annual_fig01_scorecard_percentages``, ``annual_tab01_scorecard_year_on_year``). The numbers
come from the list, never from the data: an item that cannot be built in a year (a register not
received) keeps its number and is reported as not available, so the numbers an author cites do not
move. Adding an item to the list renumbers only the items after it.

**Disclosure.** Every table is published through :mod:`cscp_analysis.disclosure` (the domain
libraries' own publication functions where they exist): counts from 1 to the threshold are ``c``,
with secondary suppression and no figure derived from a suppressed count; child-death tables use the
stricter CDOP threshold and minimum total.

Typical use (``notebooks/annual_report.ipynb``)::

    book = annual.Book.from_session(ctx)       # ctx: session.start(period=<the year's Q4>)
    ch = book.chapter("scorecard")
    annual.show(ctx, ch)                       # tables and figures into the pack, numbered, with findings
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
import pandas as pd

from . import disclosure as D
from .periods import FinancialYear, Period, parse_period, parse_year, period_of

__all__ = [
    "CHAPTERS",
    "CONTENTS",
    "Entry",
    "Numbered",
    "Item",
    "Chapter",
    "Book",
    "numbering",
    "contents_table",
    "contents_markdown",
    "show",
    "introduction",
    "key_indicators",
    "scorecard_year_on_year",
    "percentage_indicators",
    "quarterly_trend",
    "audits_held",
    "audit_grades_by_audit",
    "audit_four_grades",
    "training_reach",
    "voice_surveys",
    "lado_by_year",
    "cdop_reviews",
    "full_years",
]

PNG_DPI = 300  # print resolution of every figure of the book
MAX_KEY_INDICATORS = 9


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
}

_SRC = {
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


def _fill(text: str, fy: FinancialYear) -> str:
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
        rows.append({"number": n.number, "name": n.name, "title": _fill(e.title, fy), "chapter": CHAPTERS[e.chapter][0],
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


# ---------------------------------------------------------------------------------------------------
# Built items and chapters
# ---------------------------------------------------------------------------------------------------


@dataclass
class Item:
    """A numbered figure or table of the book, built for a year."""

    number: str
    name: str
    key: str
    kind: str
    chapter: str
    title: str
    lens: str
    source: str
    alt: str = ""  # figures: alt text; tables: a summary sentence; both from the numbers
    data: pd.DataFrame | None = None  # published (disclosure-controlled): the table, or the data behind the figure
    count_columns: tuple[str, ...] = ()
    threshold: int | None = None  # a stricter threshold than the partnership's (child deaths)
    draw: Callable[[], object] | None = None  # figures: returns a matplotlib Figure
    display: tuple[str, ...] = ()  # tables: the columns shown in the HTML book (all when empty; the CSV has all)
    available: bool = True
    reason: str = ""  # why not available


@dataclass
class Chapter:
    key: str
    heading: str
    intro: str
    items: list[Item]
    sentences: list[str] = field(default_factory=list)

    def __getitem__(self, key: str) -> Item:
        for it in self.items:
            if it.key == key:
                return it
        raise KeyError(f"no item {key!r} in chapter {self.key}")


@dataclass
class _Part:
    """What a chapter builder returns for one item (the number, name and title come from the contents)."""

    data: pd.DataFrame | None
    alt: str
    draw: Callable[[], object] | None = None
    counts: tuple[str, ...] = ()
    threshold: int | None = None
    display: tuple[str, ...] = ()


class Book:
    """The figure book of a financial year from the returns as at its fourth quarter.

    ``Book(returns, "2025-26", config)``; :meth:`chapter` builds one chapter's numbered items (cached).
    """

    def __init__(self, returns, year: str | FinancialYear, config=None):
        self.year = parse_year(year)
        self.q4: Period = self.year.quarters()[-1]
        self.previous = FinancialYear(self.year.start_year - 1)
        self.returns = returns
        self.config = config if config is not None else getattr(returns, "config", None)
        stands = getattr(returns, "period", None)
        if stands is not None and parse_period(str(stands)) < self.q4:
            raise ValueError(f"the returns stand at {stands}; the book for {self.year} needs them as at {self.q4} "
                             "(the year is not complete)")
        self.tables = getattr(returns, "tables", returns)
        self._cache: dict = {}

    @classmethod
    def from_session(cls, ctx, year: str | FinancialYear | None = None) -> Book:
        """The book of the session's financial year; the session's period must be the year's fourth quarter."""
        fy = parse_year(year) if year is not None else ctx.period.financial_year
        q4 = fy.quarters()[-1]
        if ctx.period != q4:
            raise ValueError(f"the annual book for {fy} is built from the returns as at {q4}, not {ctx.period}")
        return cls(ctx.returns, fy, ctx.config)

    # --- shared computations ------------------------------------------------------------------
    @property
    def threshold(self) -> int:
        return int(getattr(self.config, "suppression_threshold", 5) or 5)

    def scorecard(self, previous: bool = False):
        """The scorecard at the year's Q4 (or the previous year's), computed once."""
        from . import scorecard

        key = ("scorecard", previous)
        if key not in self._cache:
            q = self.q4.shift(-4) if previous else self.q4
            self._cache[key] = scorecard.compute(self.returns, period=q, config=self.config)
        return self._cache[key]

    def disproportionality(self):
        """The disproportionality results for the twelve months to the year's Q4 (or ``sections.Blocked``)."""
        from .disproportionality import sections as S

        if "disp" not in self._cache:
            self._cache["disp"] = S.run(SimpleNamespace(returns=self.returns, config=self.config, period=self.q4))
        return self._cache["disp"]

    def section(self, area: str):
        """An assurance area's section at the year's Q4 (its twelve-month windows are the year)."""
        from . import assurance

        key = ("section", area)
        if key not in self._cache:
            self._cache[key] = assurance.AREAS[area].section(self.returns, self.q4, self.config)
        return self._cache[key]

    # --- chapters -------------------------------------------------------------------------------
    def chapter(self, key: str) -> Chapter:
        if key not in CHAPTERS:
            raise KeyError(f"no chapter {key!r}; the chapters are {', '.join(CHAPTERS)}")
        if ("chapter", key) in self._cache:
            return self._cache[("chapter", key)]
        builder = getattr(self, f"_build_{key}")
        parts, sentences, missing = builder()
        items = []
        for n in numbering():
            e = n.entry
            if e.chapter != key:
                continue
            base = dict(number=n.number, name=n.name, key=e.key, kind=e.kind, chapter=key, title=_fill(e.title, self.year),
                        lens=e.lens, source=_fill(_SRC[key], self.year))
            part = parts.get(e.key)
            if part is None:
                items.append(Item(**base, available=False, reason=missing.get(e.key, missing.get("*", "not built"))))
            else:
                items.append(Item(**base, alt=self._yearly(part.alt), data=part.data, count_columns=tuple(part.counts),
                                  threshold=part.threshold, draw=part.draw, display=tuple(part.display)))
        heading, intro = CHAPTERS[key]
        ch = Chapter(key, heading, intro, items, [self._yearly(s) for s in sentences])
        self._cache[("chapter", key)] = ch
        return ch

    def chapters(self) -> list[Chapter]:
        return [self.chapter(k) for k in CHAPTERS]

    def items(self) -> list[Item]:
        return [it for ch in self.chapters() for it in ch.items]

    def _yearly(self, text: str) -> str:
        """Assurance sentences speak of 'the twelve months to the end of 2025-26-Q4': here that is the year."""
        q = self.q4.label
        text = text.replace(f"the twelve months to the end of {q}", f"the financial year {self.year}")
        text = text.replace(f"twelve months to the end of {q}", f"financial year {self.year}")
        text = text.replace(f"the end of {q}", f"31 March {self.year.end.year}")
        return text

    def _missing(self, register: str) -> dict:
        return {"*": f"the {register} register was not available for {self.year} (not received, or blocked by "
                     "validation)"}

    # --- 1. scorecard ---------------------------------------------------------------------------
    def _build_scorecard(self):
        sc, prev = self.scorecard(), self.scorecard(previous=True)
        yoy = scorecard_year_on_year(sc, prev)
        parts: dict[str, _Part] = {}
        fy, py = self.year.label, self.previous.label
        n_pub = int((yoy["status"] == "published").sum())
        judged = yoy[yoy["direction"].isin(["better", "worse"])]
        parts["scorecard_year_on_year"] = _Part(
            yoy,
            f"{len(yoy)} indicators, {n_pub} published for {fy}; of those with a preferred direction and a value shown "
            f"in both years, {int((judged['direction'] == 'better').sum())} moved in the better direction and "
            f"{int((judged['direction'] == 'worse').sum())} in the worse direction since {py}. RAG ratings at "
            f"{self.year.end:%-d %B %Y}: " + _rag_words(yoy) + ".",
            display=("indicator_id", "short_title", "unit", "value_previous_year", "value_year", "change", "direction",
                     "target", "england", "compared_with_england", "rag_year_end"))
        pct = percentage_indicators(yoy)
        if len(pct):
            from .charts import annual as AC

            src = "partners' returns; children's social care extract; DfE (England)"
            parts["scorecard_percentages"] = _Part(
                pct, _percentages_alt(pct, fy, py),
                lambda: AC.year_on_year(pct, previous_name=py, current_name=fy,
                                        title=f"Percentage indicators, {py} to {fy}", source=src))
        keys = key_indicators(sc)
        trend = quarterly_trend(sc, keys)
        if len(trend):
            from .charts import annual as AC

            title = _fill(CONTENTS_BY_KEY["scorecard_trend"].title, self.year)
            parts["scorecard_trend"] = _Part(
                trend, _trend_alt(trend),
                lambda: AC.quarterly_trend(trend, title=title, source="partners' returns; CSC extract; DfE (England)"))
        return parts, _scorecard_sentences(yoy, fy, py), {}

    # --- 2. disproportionality ------------------------------------------------------------------
    def _build_disproportionality(self):
        from .disproportionality import sections as S

        res = self.disproportionality()
        if isinstance(res, S.Blocked):
            return {}, [res.reason], {"*": res.reason}
        parts: dict[str, _Part] = {}
        for key, fn in (("disproportionality_rri", S.forest_rri), ("disproportionality_journey", S.journey_chart),
                        ("disproportionality_decisions", S.forest_decisions)):
            parts[key] = _chart_part(fn, res)
        rates = S.rates_major(res)
        t = _as_year(rates.table, self.year)
        parts["disproportionality_rates"] = _Part(
            t, _rates_summary(t), counts=tuple(rates.counts),
            display=("stage", "group", "children", "rate_per_10000", "rate_lower", "rate_upper", "rri", "rri_lower",
                     "rri_upper", "disproportionality_ratio", "label"))
        dec = S.decisions(res, ("ethnicity_major",))
        t = _as_year(dec.table, self.year)
        parts["disproportionality_decision_points"] = _Part(
            t, _decisions_summary(t), counts=tuple(dec.counts),
            display=("decision", "group", "children_at_previous_stage", "children_going_on", "percent_going_on", "ratio",
                     "ratio_lower", "ratio_upper", "label"))
        tr = S.trend_summary(res)
        change = tr.table[tr.table["characteristic"] == "ethnicity_major"].reset_index(drop=True)
        change = change.rename(columns={"rri_year_earlier": "rri_previous_year", "rri_latest": "rri_year"})
        parts["disproportionality_change"] = _Part(
            change, _change_summary(change),
            display=("stage", "group", "rri_previous_year", "rri_year", "change", "p_adjusted", "direction"))
        return parts, rates.sentences + dec.sentences + tr.sentences, {}

    # --- 3. audits ------------------------------------------------------------------------------
    def _build_audits(self):
        from .charts import assurance as ch

        audits = self.tables.get("audits")
        if audits is None:
            return {}, [], self._missing("audits")
        held = audits_held(audits, self.year, self.config)
        by_audit = audit_grades_by_audit(audits, self.year, self.config)
        four = audit_four_grades(audits, self.year, self.config)
        parts = {
            "audits_held": _Part(held, _held_summary(held, self.year), counts=("cases", "gradings")),
            "audit_four_grades": _Part(four, f"The four grades of each of the {len(held)} audits of {self.year}, "
                                       "grouped into good or better and requires improvement or inadequate "
                                       "(c: too small to publish).", counts=("gradings",)),
        }
        if len(held):
            parts["audit_grades"] = _Part(
                by_audit, _audit_alt(by_audit, self.year),
                lambda: ch.grade_bars(by_audit, "audit", title=f"Gradings by audit, {self.year}",
                                      source="multi-agency audit register"),
                counts=("good_or_better", "ri_or_inadequate", "graded"))
        return parts, _audit_sentences(by_audit, self.year), {"audit_grades": f"no audit was held in {self.year}"}

    # --- 4. reviews -----------------------------------------------------------------------------
    def _build_reviews(self):
        sec = self.section("reviews")
        if not sec.tables:
            return {}, sec.sentences(), self._missing("reviews")
        summ, lcspr, themes = (sec["assurance_reviews_summary"], sec["assurance_lcspr_status"],
                               sec["assurance_reviews_themes"])
        fig = sec.figures[0]
        n = summ.loc[summ["group"] == "timeliness", "reviews"].iloc[0]
        parts = {
            "rapid_reviews": _Part(summ, f"{n} serious incidents were notified in {self.year}; the table gives whether "
                                   "each rapid review was completed within 15 working days and the decision taken "
                                   "(c: too small to publish).", counts=("reviews",)),
            "rapid_reviews_trend": _Part(sec[fig.data], fig.alt, fig.draw),
            "practice_reviews": _Part(lcspr, f"Local child safeguarding practice reviews commissioned, published and in "
                                      f"progress as they stood at 31 March {self.year.end.year}.", counts=("reviews",)),
            "review_themes": _Part(themes, f"{len(themes)} learning themes named by the reviews of incidents notified in "
                                   f"{self.year}, with the number of reviews naming each.", counts=("reviews",)),
        }
        return parts, sec.sentences(), {}

    # --- 5. training ----------------------------------------------------------------------------
    def _build_training(self):
        from .assurance.publish import number

        sec = self.section("training")
        att, ev = self.tables.get("training_attendance"), self.tables.get("training_evaluation")
        parts: dict[str, _Part] = {}
        sentences = [s for f, s in zip(sec.findings, sec.sentences(), strict=True) if f.rule in ("TRN-01", "TRN-02")]
        missing = {}
        if att is not None:
            reach = training_reach(att, self.year, self.config)
            tot = reach.iloc[-1]
            parts["training_reach"] = _Part(
                reach, f"{tot['booked']} places were booked on multi-agency training in {self.year} and {tot['attended']} "
                f"attended ({tot['pct_attended']}%), by agency.", counts=("booked", "attended", "did_not_attend"))
            b, a = number(tot["booked"]), number(tot["attended"])
            if pd.notna(b) and pd.notna(a) and b > 0:
                sentences.insert(0, f"{a:.0f} of {b:.0f} places booked on multi-agency training in {self.year} were "
                                 f"attended ({tot['pct_attended']}%).")
        else:
            missing["training_reach"] = self._missing("training attendance")["*"]
        if ev is not None:
            evt, cp = sec["assurance_training_evaluation"], sec["assurance_training_changed_practice"]
            fig = sec.figures[0]
            parts["training_confidence"] = _Part(evt, fig.alt, fig.draw)
            parts["training_evaluation"] = _Part(
                evt, "For each course and all courses: learners with ratings before and after, how many were more, "
                "equally or less confident, mean and median ratings, the Wilcoxon signed-rank test and the rank-biserial "
                "effect size (statistics hidden where the number of learners is too small).",
                counts=("pairs", "improved", "unchanged", "worse"))
            allrow = cp.iloc[-1]
            parts["training_changed_practice"] = _Part(
                cp, f"Of {allrow['followed_up']} learners answering the three-month follow-up, {allrow['pct_changed']}% "
                f"said the course changed their practice (95% interval {allrow['lower_ci']}% to {allrow['upper_ci']}%).",
                counts=("followed_up", "changed", "not_changed"))
        else:
            for k in ("training_confidence", "training_evaluation", "training_changed_practice"):
                missing[k] = self._missing("training evaluation")["*"]
        return parts, sentences, missing

    # --- 6. voice -------------------------------------------------------------------------------
    def _build_voice(self):
        from .assurance import voice as V
        from .assurance._common import ROLLING
        from .charts import annual as AC
        from .charts import assurance as ch

        resp, sessions = self.tables.get("voice_responses"), self.tables.get("voice_sessions")
        parts: dict[str, _Part] = {}
        missing: dict[str, str] = {}
        sentences: list[str] = []
        label = year_label(self.year)
        if resp is not None:
            t = voice_surveys(resp, self.year, self.config)
            year_rows = t[t["survey"] == label].reset_index(drop=True)
            by_survey = t.loc[t["survey"] != label, ["item_id", "item", "survey", "answered", "agree",
                                                      "pct_agree"]].reset_index(drop=True)
            counts = ("answered", "disagree", "neither", "agree")
            parts["voice_surveys"] = _Part(t, _voice_summary(t, label), counts=counts)
            if len(year_rows):
                parts["voice_year"] = _Part(
                    year_rows, _voice_year_alt(year_rows, self.year),
                    lambda: ch.likert_diverging(year_rows, title=f"Your Voice Matters, all surveys of {self.year}",
                                                source="Your Voice Matters survey"), counts=counts)
                parts["voice_by_survey"] = _Part(
                    by_survey, _voice_survey_alt(by_survey, self.year),
                    lambda: AC.agreement_by_survey(by_survey, title=f"Agreement by survey, {self.year}",
                                                   source="Your Voice Matters survey"),
                    counts=("answered", "agree"))
            sentences += _voice_sentences(t, label)
        else:
            for k in ("voice_surveys", "voice_year", "voice_by_survey"):
                missing[k] = self._missing("voice responses")["*"]
        if sessions is not None:
            th = V.session_themes(sessions, self.q4, window=ROLLING)
            parts["voice_themes"] = _Part(th, f"{th['theme'].nunique()} themes raised at {len(th)} session-theme pairs "
                                          f"in {self.year}, with what the partnership did in response.")
            if len(th):
                sentences.append(f"Themes children and families raised in {self.year}: "
                                 + ", ".join(sorted(th["theme"].unique())) + ".")
        else:
            missing["voice_themes"] = self._missing("voice sessions")["*"]
        return parts, sentences, missing

    # --- 7. LADO --------------------------------------------------------------------------------
    def _build_lado(self):
        sec = self.section("lado")
        if not sec.tables:
            return {}, sec.sentences(), self._missing("LADO")
        sector, tl = sec["assurance_lado_by_sector"], sec["assurance_lado_timeliness"]
        fig = sec.figures[0]
        years = lado_by_year(self.tables["lado"], full_years(self.config, self.year), self.config)
        parts = {
            "lado_sectors": _Part(sector, fig.alt, fig.draw, counts=tuple(sector.columns[1:])),
            "lado_sector_outcome": _Part(sector, f"{sector.iloc[-1]['total']} allegations received in {self.year} by "
                                         "the sector of the person's employer and the outcome as at the year end "
                                         "(c: too small to publish).", counts=tuple(sector.columns[1:])),
            "lado_timeliness": _Part(tl, "Allegations received in the year by whether the LADO's initial consideration "
                                     "was within one working day, and by time to conclusion (or how long open at the "
                                     "year end).", counts=("allegations",)),
            "lado_years": _Part(years, _lado_years_summary(years), counts=("allegations_received",)),
        }
        return parts, sec.sentences(), {}

    # --- 8. CDOP --------------------------------------------------------------------------------
    def _build_cdop(self):
        from .assurance.publish import threshold

        sec = self.section("child_deaths")
        cd = self.tables.get("child_deaths")
        if cd is None:
            return {}, sec.sentences(), self._missing("child deaths")
        t = threshold(self.config, cdop=True)
        table = cdop_reviews(cd, self.year, self.config)
        fig = sec.figures[0]
        total = table.loc[table["group"] == "All", "reviews"].iloc[0]
        parts = {
            "cdop_category": _Part(sec[fig.data], fig.alt, fig.draw, counts=("reviews",), threshold=t),
            "cdop_reviews": _Part(table, f"{total} child death reviews were completed in {self.year}; each breakdown is "
                                  "published only when the total allows, and every count from 1 to "
                                  f"{t} is hidden (c) with any count that would reveal it.", counts=("reviews",),
                                  threshold=t),
        }
        return parts, sec.sentences(), {}


CONTENTS_BY_KEY = {e.key: e for e in CONTENTS}


# ---------------------------------------------------------------------------------------------------
# Publishing a chapter into the pack
# ---------------------------------------------------------------------------------------------------


def show(ctx, chapter: Chapter) -> None:
    """Write the chapter's numbered tables and figures into the pack (figures at 300 dpi) and show them.

    Tables are shown with their number and title above and their summary, source and file below;
    figures through ``ctx.figure`` (alt text on the image and in the caption). An item not available
    this year is named with the reason, so that its number is not silently missing.
    """
    for it in chapter.items:
        if not it.available:
            ctx.note(f"**{it.number}: {it.title}.** Not available this year: {it.reason}.")
            continue
        if it.kind == "table":
            ctx.pack.table(it.data, it.name, it.title, it.lens, count_columns=it.count_columns, source=it.source,
                           number=it.number, threshold=it.threshold)
            shown = it.data[list(it.display)] if it.display else it.data
            ctx.show(shown, caption=f"{it.number}: {it.title}")
            more = " (with more columns)" if it.display else ""
            ctx.note(f"*{it.number}.* {it.alt} Source: {it.source}. Data{more}: `tables/{it.name}.csv`.")
        else:
            fig = it.draw()
            ctx.figure(fig, it.name, it.title, it.lens, it.alt, data=it.data, source=it.source, number=it.number,
                       png_dpi=PNG_DPI)


def introduction(book: Book) -> str:
    """What the book covers, in words: the year, the returns it stands on, the numbering and the symbols."""
    fy = book.year
    n = numbering()
    figs, tabs = sum(x.entry.kind == "figure" for x in n), sum(x.entry.kind == "table" for x in n)
    return (f"**Financial year {fy}** ({fy.start:%-d %B %Y} to {fy.end:%-d %B %Y}), from the partners' returns and "
            f"registers as they stood at the end of {book.q4} (the previous year, {book.previous}, from the same "
            f"returns). {figs} figures and {tabs} tables, numbered in reading order; each figure is in the pack as "
            f"SVG and as PNG at {PNG_DPI} dpi (`figures/`), with the CSV of its data (`tables/<name>_data.csv`), and "
            "each table as CSV (`tables/`). Symbols: `c` suppressed (a count from 1 to "
            f"{book.threshold}, or one that would reveal it), `x` not available, `z` not applicable, `low` rounds "
            "to zero.")


# ---------------------------------------------------------------------------------------------------
# Pure functions: the year's tables from the domain libraries
# ---------------------------------------------------------------------------------------------------


def year_label(year: str | FinancialYear) -> str:
    return f"{parse_year(year).label}, all surveys"


def full_years(config, year: str | FinancialYear) -> list[FinancialYear]:
    """Every complete financial year from the partnership's first period to ``year`` (oldest first)."""
    fy = parse_year(year)
    first = getattr(config, "first_period", None)
    if not first:
        return [FinancialYear(fy.start_year - 1), fy]
    p = parse_period(first)
    start = p.start_year if p.quarter == 1 else p.start_year + 1
    return [FinancialYear(y) for y in range(start, fy.start_year + 1)]


def _is_number(text) -> bool:
    try:
        float(str(text).replace(",", ""))
        return True
    except ValueError:
        return False


def scorecard_year_on_year(sc, previous) -> pd.DataFrame:
    """Each indicator's value for the financial year (``sc`` at the year's Q4) beside the previous year's.

    The year's value is the scorecard's rolling twelve months at Q4 for events and its value at 31 March
    for a stock (a number of children at a date), each as the scorecard publishes it (disclosure-controlled,
    rounded). ``change`` is this year minus the previous year, from the unrounded values, shown only where
    both years are; ``direction`` is ``better``/``worse`` given the indicator's polarity (``higher``/``lower``
    when it has none, ``no change`` when the change rounds to zero). England, the comparison with it and
    the RAG rating are the scorecard's at the year end.
    """
    from .scorecard import published_table
    from .scorecard.publish import fmt

    pub, pub0 = published_table(sc), published_table(previous)
    prev_pos = {r.indicator.id: i for i, r in enumerate(previous)}
    rows = []
    for i, r in enumerate(sc):
        ind = r.indicator
        j = prev_pos.get(ind.id)
        col = "value" if r.is_stock else "rolling_12_months"
        now = pub.at[i, col]
        then = pub0.at[j, col] if j is not None else D.NOT_AVAILABLE
        now_v = r.comparable["value"] if r.comparable is not None else np.nan
        then_v = (previous.results[ind.id].comparable["value"] if j is not None
                  and previous.results[ind.id].comparable is not None else np.nan)
        if _is_number(now) and _is_number(then) and np.isfinite(now_v) and np.isfinite(then_v):
            change = fmt(now_v - then_v, ind.decimals)
            if float(change) == 0:
                direction = "no change"
            elif ind.polarity == "neither":
                direction = "higher" if now_v > then_v else "lower"
            else:
                up = now_v > then_v
                direction = "better" if up == (ind.polarity == "higher_is_better") else "worse"
        else:
            change = D.SUPPRESSED if D.SUPPRESSED in (now, then) else D.NOT_AVAILABLE
            direction = change
        target_met = D.NOT_APPLICABLE
        if ind.target is not None:
            if _is_number(now):
                v = float(now_v)
                target_met = "yes" if (v >= ind.target if ind.polarity == "higher_is_better" else v <= ind.target) else "no"
            else:
                target_met = now if now in (D.SUPPRESSED, D.NOT_AVAILABLE) else D.NOT_AVAILABLE
        bench = pub.at[i, "benchmark_measure"] != "" and r.benchmark.get("status") == "ok"
        rows.append({
            "indicator_id": ind.id, "title": ind.title, "short_title": ind.label, "agency": ind.agency,
            "statistic": ind.statistic,
            "unit": ind.unit, "polarity": ind.polarity,
            "year_basis": f"at {sc.period.end:%-d %B %Y}" if r.is_stock else f"{sc.period.financial_year} (April to March)",
            "value_previous_year": then if then != "" else D.NOT_AVAILABLE,
            "value_year": now if now != "" else D.NOT_AVAILABLE,
            "change": change, "direction": direction,
            "target": pub.at[i, "target"] or D.NOT_APPLICABLE, "target_met_in_year": target_met,
            "england": pub.at[i, "england"] if bench else D.NOT_APPLICABLE,
            "england_year": pub.at[i, "benchmark_year"] if bench else D.NOT_APPLICABLE,
            "compared_with_england": pub.at[i, "better_worse_england"] if bench else D.NOT_APPLICABLE,
            "rag_year_end": pub.at[i, "rag"], "rag_reason": pub.at[i, "rag_reason"],
            "status": pub.at[i, "status"], "status_reason": pub.at[i, "status_reason"],
        })
    return pd.DataFrame(rows)


def percentage_indicators(yoy: pd.DataFrame) -> pd.DataFrame:
    """The percentage indicators of :func:`scorecard_year_on_year` shown in at least one year, for the chart."""
    t = yoy[(yoy["statistic"] == "percentage") & (yoy["status"] == "published")]
    t = t[t["value_year"].map(_is_number) | t["value_previous_year"].map(_is_number)]
    out = t[["indicator_id", "title", "polarity", "value_previous_year", "value_year", "change", "direction",
             "england"]].copy()
    out.insert(1, "label", out["indicator_id"] + " " + t["short_title"].to_numpy())
    out["england"] = out["england"].where(out["england"].map(_is_number), "")
    return out.reset_index(drop=True)


def key_indicators(sc, limit: int = MAX_KEY_INDICATORS) -> list[str]:
    """The indicators compared with England (the published DfE measures), in registry order; if none,
    the first published indicators."""
    ok = [r for r in sc if r.status == "ok" and r.quarters is not None]
    keys = [r.indicator.id for r in ok if (r.benchmark or {}).get("status") == "ok"]
    return (keys or [r.indicator.id for r in ok])[:limit]


def quarterly_trend(sc, indicators: Sequence[str], quarters: int = 8) -> pd.DataFrame:
    """The quarterly values of ``indicators`` over the ``quarters`` quarters to ``sc.period``, as published.

    Each quarter's value is the scorecard's (rates of events annualised), shown as ``c`` where its
    numerator (or counted denominator) is from 1 to the threshold (``disclosure.publish_table``), rounded
    to the indicator's decimals; counts and denominators are not published here. ``england`` is England's
    latest published value where the indicator has a comparable measure.
    """
    from .scorecard import published_table

    pub = published_table(sc)
    t = int(getattr(sc.config, "suppression_threshold", 5) or 5) if sc.config is not None else 5
    labels = [p.label for p in sc.period.rolling_quarters(quarters)]
    frames = []
    for r in sc:
        ind = r.indicator
        if ind.id not in indicators or r.status != "ok" or r.quarters is None:
            continue
        q = r.quarters.set_index("label").reindex(labels).reset_index()
        q = q.rename(columns={"index": "label"}) if "label" not in q.columns else q
        p = D.publish_table(q[["label", "numerator", "denominator", "value"]], ["numerator", "denominator"],
                            {"value": ["numerator", "denominator"]}, threshold=t, decimals=ind.decimals).table
        i = list(sc.results).index(ind.id)
        bench = (r.benchmark or {}).get("status") == "ok"
        frames.append(pd.DataFrame({
            "indicator_id": ind.id, "label": ind.label, "unit": ind.unit or "",
            "financial_year": [str(parse_period(x).financial_year) for x in labels],
            "quarter": labels, "value": p["value"].to_numpy(),
            "england": pub.at[i, "england"] if bench else "",
        }))
    order = {k: n for n, k in enumerate(indicators)}
    frames.sort(key=lambda f: order[f["indicator_id"].iloc[0]])
    cols = ["indicator_id", "label", "unit", "financial_year", "quarter", "value", "england"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


def audits_held(audits: pd.DataFrame, year: str | FinancialYear, config=None) -> pd.DataFrame:
    """The audits whose panel met in the year: quarter, date, theme, cases, agencies, lines of enquiry, gradings."""
    from .assurance import audits as A
    from .assurance._common import ROLLING
    from .assurance.publish import publish

    fy = parse_year(year)
    meta = A.audits_in_period(audits, fy.quarters()[-1], window=ROLLING)
    meta.insert(1, "quarter", [period_of(d).label for d in pd.to_datetime(meta["audit_date"])])
    return publish(meta, ["cases", "gradings"], config).table


def audit_grades_by_audit(audits: pd.DataFrame, year: str | FinancialYear, config=None) -> pd.DataFrame:
    """Gradings of each of the year's audits, good or better against requires improvement or inadequate, and
    all of the year's audits together; published (secondary suppression along rows and the year's total)."""
    from .assurance import audits as A
    from .assurance._common import ROLLING, percent
    from .assurance.publish import publish

    fy = parse_year(year)
    q4 = fy.quarters()[-1]
    meta = A.audits_in_period(audits, q4, window=ROLLING)
    rows = []
    for a in meta.itertuples():
        d = A.grade_distribution(audits, q4, by=None, audit_id=a.audit_id).iloc[0]
        quarter = period_of(pd.Timestamp(a.audit_date)).label
        rows.append({"audit": f"{a.theme} ({quarter})", "audit_id": a.audit_id, "theme": a.theme, "quarter": quarter,
                     "good_or_better": int(d["good_or_better"]), "ri_or_inadequate": int(d["ri_or_inadequate"]),
                     "graded": int(d["graded"])})
    cols = ["audit", "audit_id", "theme", "quarter", "good_or_better", "ri_or_inadequate", "graded"]
    t = pd.DataFrame(rows, columns=cols)
    total = {"audit": "All audits in the year", "audit_id": "", "theme": "", "quarter": fy.label,
             **{c: int(t[c].sum()) for c in cols[4:]}}
    t = pd.concat([t, pd.DataFrame([total])], ignore_index=True)
    t["pct_good_or_better"] = percent(t["good_or_better"], t["graded"])
    return publish(t, ["good_or_better", "ri_or_inadequate", "graded"], config,
                   derived={"pct_good_or_better": ["good_or_better", "ri_or_inadequate"]},
                   total_row=("audit", "All audits in the year"), total_column="graded").table


def audit_four_grades(audits: pd.DataFrame, year: str | FinancialYear, config=None) -> pd.DataFrame:
    """The four grades of each audit of the year, as each quarter's evidence pack publishes them, with the theme."""
    from .assurance import audits as A

    fy = parse_year(year)
    frames = []
    for q in fy.quarters():
        t = A.published_four_grades(audits, q, config)
        if len(t):
            meta = A.audits_in_period(audits, q).set_index("audit_id")["theme"]
            t.insert(1, "theme", t["audit_id"].map(meta))
            t.insert(2, "quarter", q.label)
            frames.append(t)
    cols = ["audit_id", "theme", "quarter", "group", "grade", "gradings", "pct"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


def training_reach(attendance: pd.DataFrame, year: str | FinancialYear, config=None, by: str = "agency") -> pd.DataFrame:
    """Places booked and attended on multi-agency training in the year by ``by``, with the year's total."""
    from .assurance import training as T
    from .assurance._common import ROLLING
    from .assurance.publish import publish

    fy = parse_year(year)
    t = T.reach(attendance, fy.quarters()[-1], by=by, window=ROLLING)
    return publish(t, ["booked", "attended", "did_not_attend"], config,
                   derived={"pct_attended": ["attended", "did_not_attend"]}, total_row=(by, "All"),
                   total_column="booked").table


_VOICE_COUNTS = ["answered", "disagree", "neither", "agree"]


def voice_surveys(responses: pd.DataFrame, year: str | FinancialYear, config=None) -> pd.DataFrame:
    """Each statement of each of the year's surveys and of the year as a whole: answered, disagree / neither /
    agree and their percentages (:func:`assurance.voice.likert_summary` per quarter and over the year).

    One block per statement: its quarters' rows and the year's row (the total of the quarters), published
    together so that no suppressed count can be recovered from the year's total or a row's total.
    """
    from .assurance import voice as V
    from .assurance._common import ROLLING
    from .assurance.publish import publish

    fy = parse_year(year)
    label = year_label(fy)
    frames = []
    for q in fy.quarters():
        s = V.likert_summary(responses, q)
        s.insert(0, "survey", q.label)
        frames.append(s)
    y = V.likert_summary(responses, fy.quarters()[-1], window=ROLLING)
    y.insert(0, "survey", label)
    cols = ["item_id", "item", "survey", *_VOICE_COUNTS, "pct_disagree", "pct_neither", "pct_agree"]
    if not len(y):
        return pd.DataFrame(columns=cols)
    t = pd.concat(frames + [y], ignore_index=True)[cols]
    item_order = {k: i for i, k in enumerate(y["item_id"])}
    survey_order = {k: i for i, k in enumerate([q.label for q in fy.quarters()] + [label])}
    t = t.assign(_i=t["item_id"].map(item_order), _s=t["survey"].map(survey_order))
    t = t.sort_values(["_i", "_s"], kind="mergesort").drop(columns=["_i", "_s"]).reset_index(drop=True)
    t["item"] = t["item_id"].map(y.set_index("item_id")["item"])
    return publish(t, _VOICE_COUNTS, config, total_row=("survey", label), total_column="answered", by="item_id",
                   derived={"pct_disagree": ["disagree", "answered"], "pct_neither": ["neither", "answered"],
                            "pct_agree": ["agree", "answered"]}).table


def lado_by_year(lado: pd.DataFrame, years: Sequence[FinancialYear], config=None) -> pd.DataFrame:
    """Allegations received in each financial year and the headline timeliness, each as it stood at that
    year's end (:func:`assurance.lado.timeliness`, published, and :func:`~assurance.lado.timeliness_rates`
    from the published counts only)."""
    from .assurance import lado as L
    from .assurance.publish import format_only, publish

    rows = []
    for fy in years:
        q4 = fy.quarters()[-1]
        tl = publish(L.timeliness(lado, q4), ["allegations"], config, by="measure",
                     total_row=("band", "All allegations")).table
        rates = L.timeliness_rates(tl).set_index("measure")["pct"]
        rows.append({"financial_year": fy.label, "allegations_received": tl["allegations"].iloc[0],
                     "pct_initial_consideration_within_1_working_day": rates.iloc[0],
                     "pct_concluded_within_1_month": rates.iloc[1], "pct_concluded_within_3_months": rates.iloc[2],
                     "pct_concluded_within_12_months": rates.iloc[3]})
    t = pd.DataFrame(rows)
    if not len(t):
        return t
    pct = [c for c in t.columns if c.startswith("pct_")]
    out = format_only(t, dict.fromkeys(pct, 1))
    for c in pct:
        out[c] = out[c].replace({D.NOT_AVAILABLE: D.SUPPRESSED})
    return out


def cdop_reviews(child_deaths: pd.DataFrame, year: str | FinancialYear, config=None) -> pd.DataFrame:
    """Child death reviews completed in the year by each breakdown, as the CDOP rules publish them
    (:func:`assurance.child_deaths.published_breakdown`, strict threshold and minimum total)."""
    from .assurance import child_deaths as C

    fy = parse_year(year)
    frames = []
    for by, (title, _) in C.BREAKDOWNS.items():
        t = C.published_breakdown(child_deaths, fy.quarters()[-1], by, config)
        t.insert(0, "breakdown", title)
        frames.append(t)
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------------------------------
# Alt text, summaries and sentences, from the published numbers
# ---------------------------------------------------------------------------------------------------


def _as_year(table: pd.DataFrame, fy: FinancialYear) -> pd.DataFrame:
    """A disproportionality table's ``window`` (the twelve months to Q4) named as the financial year."""
    t = table.copy()
    if "window" in t.columns:
        t = t.rename(columns={"window": "financial_year"})
        t["financial_year"] = fy.label
    return t


def _chart_part(fn, res) -> _Part:
    import matplotlib.pyplot as plt

    c = fn(res)
    plt.close(c.fig)
    return _Part(c.data, c.alt, lambda: fn(res).fig)


def _num(v) -> float:
    from .assurance.publish import number

    return number(v)


def _rag_words(yoy: pd.DataFrame) -> str:
    by = yoy["rag_year_end"].value_counts()
    return ", ".join(f"{int(by.get(c, 0))} {c}" for c in ("red", "amber", "green", "grey"))


def _percentages_alt(t: pd.DataFrame, fy: str, py: str) -> str:
    text = (f"Dumbbell chart of {len(t)} percentage indicators on a scale of 0 to 100%, one row each, with an arrow "
            f"from the value in {py} (grey) to the value in {fy} (blue) and England's latest published value as an "
            "orange mark where there is one. ")
    ch = t.assign(c=t["change"].map(_num)).dropna(subset=["c"])
    better, worse = ch[ch["direction"] == "better"], ch[ch["direction"] == "worse"]
    if len(better):
        b = better.loc[better["c"].abs().idxmax()]
        text += (f"The largest improvement: {b['label']}, {b['value_previous_year']}% to {b['value_year']}%. ")
    if len(worse):
        w = worse.loc[worse["c"].abs().idxmax()]
        text += f"The largest deterioration: {w['label']}, {w['value_previous_year']}% to {w['value_year']}%. "
    n_c = int(((t["value_year"] == "c") | (t["value_previous_year"] == "c")).sum())
    if n_c:
        text += f"{n_c} value{'s are' if n_c > 1 else ' is'} suppressed and marked c."
    return text.strip()


def _trend_alt(t: pd.DataFrame) -> str:
    ids = list(dict.fromkeys(t["indicator_id"]))
    quarters = list(dict.fromkeys(t["quarter"]))
    parts = []
    for i in ids:
        s = t[t["indicator_id"] == i]
        first, last = s.iloc[0], s.iloc[-1]
        eng = f", England {last['england']}" if last["england"] else ""
        parts.append(f"{i} {first['label']}: {first['value']} in {first['quarter']} and {last['value']} in "
                     f"{last['quarter']}{eng}")
    n_c = int((t["value"] == "c").sum())
    return (f"Small multiples of {len(ids)} indicators, each a line of its quarterly values from {quarters[0]} to "
            f"{quarters[-1]} (rates of events annualised), a dotted line at the start of each financial year and "
            "England's latest published annual value as a dashed orange line. " + "; ".join(parts) + "."
            + (f" {n_c} quarterly values are suppressed and marked c." if n_c else ""))


def _scorecard_sentences(yoy: pd.DataFrame, fy: str, py: str) -> list[str]:
    out = []
    judged = yoy[yoy["direction"].isin(["better", "worse"])]
    for word in ("better", "worse"):
        sub = judged[judged["direction"] == word]
        if len(sub):
            out.append(f"Moved in the {word} direction between {py} and {fy}: " + "; ".join(
                f"{r.indicator_id} {r.title} ({r.value_previous_year} to {r.value_year})" for r in sub.itertuples())
                + ".")
    for word in ("better", "worse"):
        sub = yoy[yoy["compared_with_england"] == word]
        if len(sub):
            out.append(f"Significantly {word} than England (95%, England's latest published year) in {fy}: "
                       + ", ".join(f"{r.indicator_id} {r.title}" for r in sub.itertuples()) + ".")
    red = yoy[yoy["rag_year_end"] == "red"]
    out.append(f"RAG ratings at the year end: {_rag_words(yoy)}"
               + (". Red: " + ", ".join(f"{r.indicator_id} {r.title}" for r in red.itertuples()) if len(red) else "")
               + ".")
    blocked = yoy[yoy["status"] != "published"]
    if len(blocked):
        out.append("Not published for the year: " + "; ".join(f"{r.indicator_id} ({r.status_reason})"
                                                              for r in blocked.itertuples()) + ".")
    return out


def _rates_summary(t: pd.DataFrame) -> str:
    sig = t[t["label"].astype(str).str.startswith("significantly")]
    return (f"{t['group'].nunique()} ethnic groups at {t['stage'].nunique()} stages of the child's journey: the rate per "
            f"10,000 children with its 95% interval, the relative rate index against {t['reference'].iloc[0]} and the "
            f"disproportionality ratio; {len(sig)} ratios are significantly different from 1 after adjustment for "
            "multiple comparisons.")


def _decisions_summary(t: pd.DataFrame) -> str:
    sig = t[t["label"].astype(str).str.startswith("significantly")]
    return (f"{t['decision'].nunique()} decision points, each ethnic group's share going on to the next stage against "
            f"{t['reference'].iloc[0]}; {len(sig)} ratios are significantly different from 1 after adjustment.")


def _change_summary(t: pd.DataFrame) -> str:
    n_n = int((t["direction"] == "narrowing").sum())
    n_w = int((t["direction"] == "widening").sum())
    return (f"Each ethnic group's relative rate index at each stage in the year and the year before, the ratio of the "
            f"two and whether the gap changed: {n_n} gaps narrowed and {n_w} widened significantly; the rest show no "
            "clear change or are too small to say.")


def _held_summary(held: pd.DataFrame, fy) -> str:
    if not len(held):
        return f"No multi-agency audit panel met in {fy}."
    return (f"{len(held)} audits in {fy}, on " + "; ".join(f"{r.theme} ({r.quarter})" for r in held.itertuples())
            + ", with the number of case files and gradings of each.")


def _audit_alt(t: pd.DataFrame, fy) -> str:
    body = t[t["audit"] != "All audits in the year"]
    allrow = t[t["audit"] == "All audits in the year"].iloc[0]
    shares = "; ".join(f"{r.audit} {r.pct_good_or_better}{'%' if r.pct_good_or_better not in ('c', 'x') else ''}"
                       for r in body.itertuples())
    return (f"Horizontal stacked bars, one per audit of {fy} and one for all of them, showing the share of gradings "
            f"that were good or outstanding and the share that required improvement or were inadequate. Good or "
            f"outstanding: {shares}; all audits {allrow['pct_good_or_better']}"
            f"{'%' if allrow['pct_good_or_better'] not in ('c', 'x') else ''} of {allrow['graded']} gradings. "
            "Hatched segments are suppressed small counts.")


def _audit_sentences(t: pd.DataFrame, fy) -> list[str]:
    body = t[t["audit"] != "All audits in the year"]
    if not len(body):
        return [f"No multi-agency audit panel met in {fy}."]
    allrow = t[t["audit"] == "All audits in the year"].iloc[0]
    out = [f"{len(body)} multi-agency audits were held in {fy}: " + "; ".join(body["audit"]) + "."]
    if _is_number(allrow["pct_good_or_better"]):
        out.append(f"Across the year, {allrow['pct_good_or_better']}% of {allrow['graded']} gradings were good or "
                   "outstanding.")
    shown = body.assign(p=body["pct_good_or_better"].map(_num)).dropna(subset=["p"])
    if len(shown) > 1:
        hi, lo = shown.loc[shown["p"].idxmax()], shown.loc[shown["p"].idxmin()]
        out.append(f"The highest share good or outstanding was in the {hi['audit']} audit ({hi['pct_good_or_better']}%), "
                   f"the lowest in the {lo['audit']} audit ({lo['pct_good_or_better']}%).")
    return out


def _voice_summary(t: pd.DataFrame, label: str) -> str:
    surveys = [s for s in dict.fromkeys(t["survey"]) if s != label]
    return (f"{t['item_id'].nunique()} statements in {len(surveys)} surveys ({', '.join(surveys)}) and all surveys "
            "together: children answering, and the number and share who disagreed, neither agreed nor disagreed, or "
            "agreed (c: too small to publish).")


def _voice_year_alt(year_rows: pd.DataFrame, fy) -> str:
    agree = year_rows["pct_agree"].map(_num)
    text = (f"Diverging bar chart, one bar per statement, of how children answered the Your Voice Matters surveys of "
            f"{fy} taken together: the share who disagreed extends left of the centre line, the share who agreed to "
            "the right, and those who neither agreed nor disagreed straddle it")
    if agree.notna().any():
        best, worst = year_rows.loc[agree.idxmax()], year_rows.loc[agree.idxmin()]
        text += (f"; agreement ranged from {worst['pct_agree']}% (\"{worst['item']}\") to {best['pct_agree']}% "
                 f"(\"{best['item']}\")")
    return text + "."


def _voice_survey_alt(t: pd.DataFrame, fy) -> str:
    surveys = list(dict.fromkeys(t["survey"]))
    parts = []
    for _, s in t.groupby("item_id", sort=False):
        parts.append(f"\"{s['item'].iloc[0]}\": " + ", ".join(
            f"{v}{'%' if _is_number(v) else ''}" for v in s["pct_agree"]))
    return (f"Dot plot of the share of children agreeing with each statement in each of the {len(surveys)} surveys of "
            f"{fy} ({', '.join(surveys)}), one marker shape per survey, on a scale of 0 to 100%. "
            + "; ".join(parts) + ".")


def _voice_sentences(t: pd.DataFrame, label: str) -> list[str]:
    from .assurance.voice import AGREE_GOOD, AGREE_POOR

    y = t[t["survey"] == label]
    agree = y["pct_agree"].map(_num)
    out = []
    good, poor = y[agree >= AGREE_GOOD], y[agree < AGREE_POOR]
    if len(good):
        out.append("Across the year's surveys, most children agreed that: " + "; ".join(
            f"\"{r.item}\" ({r.pct_agree}% of {r.answered})" for r in good.itertuples()) + ".")
    if len(poor):
        out.append("Across the year's surveys, fewer than half of children agreed that: " + "; ".join(
            f"\"{r.item}\" ({r.pct_agree}% of {r.answered})" for r in poor.itertuples()) + ".")
    body = t[t["survey"] != label]
    for _, s in body.groupby("item_id", sort=False):
        v = s["pct_agree"].map(_num).to_numpy()
        if len(v) >= 2 and np.isfinite(v[0]) and np.isfinite(v[-1]) and abs(v[-1] - v[0]) >= 10:
            out.append(f"Agreement that \"{s['item'].iloc[0]}\" moved from {s['pct_agree'].iloc[0]}% in "
                       f"{s['survey'].iloc[0]} to {s['pct_agree'].iloc[-1]}% in {s['survey'].iloc[-1]}.")
    return out


def _lado_years_summary(t: pd.DataFrame) -> str:
    if not len(t):
        return "No complete financial year of LADO allegations."
    return ("Allegations received in each financial year from " + t["financial_year"].iloc[0] + " to "
            + t["financial_year"].iloc[-1] + ", as they stood at each year's end, with the share whose initial "
            "consideration was within one working day and the shares of concluded allegations concluded within one, "
            "three and twelve months (c where a count behind the share is too small to publish).")

