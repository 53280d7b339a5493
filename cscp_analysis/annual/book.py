"""The annual-report figure book of a financial year, built from the domains' own sections.

The book stands on the returns *as at the end of the year's fourth quarter*: the rolling twelve months
of the domain libraries at Q4 are the financial year, so each chapter takes the domain's sections (or
its year view) at Q4 with the year's words (:meth:`PeriodWords.year`), and derives no statistic of its
own. A chapter is a :class:`~cscp_analysis.sections.Section` whose tables and figures carry the numbers
of :mod:`.contents`; the notebook shows each with ``ctx.show(book.chapter("reviews"))``.
"""

from __future__ import annotations

from ..periods import FinancialYear, Period, PeriodWords, parse_period, parse_year
from ..sections import Figure, Section, Table
from .contents import CHAPTERS, SOURCES, fill, numbering

__all__ = ["Book", "PNG_DPI", "introduction"]

PNG_DPI = 300  # print resolution of every figure of the book


class Book:
    """The figure book of a financial year from the returns as at its fourth quarter.

    ``Book(returns, "2025-26", config)``; :meth:`chapter` builds one chapter's numbered items (cached).
    """

    def __init__(self, returns, year: str | FinancialYear, config=None):
        self.year = parse_year(year)
        self.q4: Period = self.year.quarters()[-1]
        self.previous = FinancialYear(self.year.start_year - 1)
        self.words = PeriodWords.year(self.year)
        self.returns = returns
        self.config = config if config is not None else getattr(returns, "config", None)
        stands = getattr(returns, "period", None)
        if stands is not None and parse_period(str(stands)) < self.q4:
            raise ValueError(f"the returns stand at {stands}; the book for {self.year} needs them as at {self.q4} "
                             "(the year is not complete)")
        self.tables = getattr(returns, "tables", returns)
        self._cache: dict = {}

    @classmethod
    def for_period(cls, returns, period: Period, config, year: str | FinancialYear | None = None) -> Book:
        """The book of ``year`` (default: the period's financial year); ``period`` must be its fourth quarter."""
        fy = parse_year(year) if year is not None else period.financial_year
        q4 = fy.quarters()[-1]
        if period != q4:
            raise ValueError(f"the annual book for {fy} is built from the returns as at {q4}, not {period}")
        return cls(returns, fy, config)

    # --- shared computations ------------------------------------------------------------------
    @property
    def threshold(self) -> int:
        return int(getattr(self.config, "suppression_threshold", 5) or 5)

    def _cached(self, key, build):
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def scorecard(self, previous: bool = False):
        """The scorecard at the year's Q4 (or the previous year's), computed once."""
        from .. import scorecard

        q = self.q4.shift(-4) if previous else self.q4
        return self._cached(("scorecard", previous), lambda: scorecard.compute(self.returns, q, self.config))

    def disproportionality(self):
        """The disproportionality results for the twelve months to the year's Q4 (or ``sections.Blocked``)."""
        from ..disproportionality import sections

        return self._cached("disp", lambda: sections.run(self.returns, self.config, self.q4))

    def section(self, area: str) -> Section:
        """An assurance area's section at the year's Q4, in the year's words."""
        from .. import assurance

        return self._cached(("section", area), lambda: assurance.AREAS[area].section(
            self.returns, self.q4, self.config, words=self.words))

    # --- chapters -------------------------------------------------------------------------------
    def chapter(self, key: str) -> Section:
        """The chapter's section: its numbered tables and figures, in the order of the contents."""
        from . import chapters

        if key not in CHAPTERS:
            raise KeyError(f"no chapter {key!r}; the chapters are {', '.join(CHAPTERS)}")
        return self._cached(("chapter", key), lambda: self._number(key, *getattr(chapters, key)(self)))

    def _number(self, key: str, parts: dict, findings: list, missing: dict) -> Section:
        heading, intro = CHAPTERS[key]
        sec = Section(f"annual_{key}", heading, "independent", source=fill(SOURCES[key], self.year),
                      figures_first=False)
        for n in numbering():
            e = n.entry
            if e.chapter != key:
                continue
            title = fill(e.title, self.year)
            part = parts.get(e.key)
            if part is None:
                reason = missing.get(e.key, missing.get("*", "not built"))
                if e.kind == "table":
                    sec.add_table(n.name, title, None, lens=e.lens, number=n.number, unavailable=reason)
                else:
                    sec.add_figure(n.name, title, "", None, None, lens=e.lens, number=n.number, unavailable=reason)
            elif e.kind == "table":
                sec.add_table(n.name, title, part.data, part.counts, threshold=part.threshold, display=part.display,
                              summary=part.summary, lens=e.lens, number=n.number, view=part.view)
            else:
                sec.add_figure(n.name, title, part.alt, part.data, part.draw, lens=e.lens, number=n.number,
                               dpi=PNG_DPI)
        sec.findings = list(findings)
        return sec

    def chapters(self) -> list[Section]:
        return [self.chapter(k) for k in CHAPTERS]

    def items(self) -> list[Table | Figure]:
        """Every numbered table and figure, in reading order."""
        return [it for ch in self.chapters() for it in ch.items()]

    def item(self, key: str) -> Table | Figure:
        """The item listed in the contents as ``key`` (``"scorecard_year_on_year"``)."""
        name = {n.entry.key: n.name for n in numbering()}[key]
        return next(it for it in self.items() if it.name == name)


def introduction(book: Book) -> str:
    """What the book covers, in words: the year, the returns it stands on, the numbering and the symbols."""
    fy = book.year
    n = numbering()
    figs, tabs = sum(x.entry.kind == "figure" for x in n), sum(x.entry.kind == "table" for x in n)
    return (f"**Financial year {fy}** ({fy.start:%-d %B %Y} to {fy.end:%-d %B %Y}), from the partners' returns and "
            f"registers as they stood at the end of {book.q4} (the previous year, {book.previous}, from the same "
            f"returns). {figs} figures and {tabs} tables, numbered in reading order; each figure is in the pack as "
            f"SVG and as PNG at {PNG_DPI} dpi (`figures/`), with the CSV of its data (`tables/<name>_data.csv`), and "
            "each table as CSV (`tables/`). Symbols, as the Government Analysis Function recommends: "
            f"`[c]` a count from 1 to {book.threshold}, or a figure worked out from one, hidden to protect "
            "confidentiality; `[s]` hidden so that another hidden count cannot be worked out from the figures shown; "
            "`[x]` not available; `[z]` not applicable; `[low]` rounds to zero, but is not zero. Under each table "
            "a note explains the symbols it uses.")
