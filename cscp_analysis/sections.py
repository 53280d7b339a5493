"""The one contract between the evidence libraries and what a reader sees: a :class:`Section`.

A section is one part of the evidence for a period: a title, the lens it is filed under, which
records it covers (in words), its published tables, its figures and its findings. Every domain
(scorecard, disproportionality, quality assurance, data returns, the annual book) builds sections
with pure functions; one renderer shows them (``Session.show`` in a notebook) and writes them into
the evidence pack, so a change to how evidence is presented is made once.

* a :class:`Table` is already published: disclosure-controlled strings, with the columns that hold
  counts of people or events named (the pack checks them again before writing);
* a :class:`Figure` carries a function that draws it (drawn once, when shown), its alt text written
  from the numbers, and the published data behind it (a table of the section, by name, or a frame);
* findings are :class:`~cscp_analysis.narrative.Finding` objects, drafted from the numbers by
  documented rules.

A section, table or figure that cannot be built this period (a register not received, an analysis
blocked by validation) says why in ``unavailable`` rather than disappearing, so that a reader (and
the annual book's numbering) sees the gap.

Typical use, in a domain module::

    sec = Section("reviews", "Rapid reviews and practice reviews", lens="professional",
                  window="serious incidents notified in the twelve months to the period end")
    sec.add_table("assurance_reviews_summary", "Rapid reviews: timeliness and decisions", published,
                  counts=["reviews"])
    sec.add_figure("assurance_reviews_chart", "Rapid reviews, rolling twelve months", alt,
                   "assurance_reviews_rolling", lambda: charts.review_timeliness(...))

and in a notebook: ``ctx.show(sec)``.

This module holds data only: it reads no file, draws nothing and imports no domain module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from .narrative import KINDS, Finding

__all__ = ["Table", "Figure", "Workbook", "Section", "contents", "findings_of"]


@dataclass
class Table:
    """A published table of a section."""

    name: str  # file name in the pack: tables/<name>.csv
    title: str
    data: pd.DataFrame | None  # disclosure-controlled, as it will be written (None when unavailable)
    counts: tuple[str, ...] = ()  # columns of counts of people or events (checked again by the pack)
    threshold: int | None = None  # a stricter threshold than the partnership's (child deaths)
    display: tuple[str, ...] = ()  # the columns shown on the page (all when empty; the CSV has all)
    summary: str = ""  # one sentence about the table, from its numbers (printed below it)
    lens: str = ""  # "" = the section's lens
    number: str = ""  # "Table 3" in a numbered book
    shown: bool = True  # False: written to the pack (CSV) but not shown on the page
    written: bool = True  # False: already in the pack (written by the pipeline); shown only
    view: pd.DataFrame | None = None  # what the page shows, when it is a part of the published table
    html: str = ""  # an accessible HTML rendering to show instead of the generic table
    audit: object = None  # how its cells add up, for the intruder audit (cscp_analysis.disclosure_audit.declare)
    own_work: bool = False  # counts of the partnership's own work, shown as they are (the board's pack)
    unavailable: str = ""  # why the table could not be built this period

    def __post_init__(self) -> None:
        self.counts = tuple(self.counts)
        self.display = tuple(self.display)


@dataclass
class Figure:
    """A figure of a section: drawn once when shown, with alt text and the published data behind it."""

    name: str  # file name in the pack: figures/<name>.svg|png, tables/<name>_data.csv
    title: str
    alt: str  # what the chart shows, written from the numbers
    data: pd.DataFrame | str | None  # the published data, or the name of a table of the section
    draw: Callable[[], object] | None  # returns a matplotlib Figure (None when unavailable)
    lens: str = ""
    number: str = ""  # "Figure 2" in a numbered book
    dpi: int | None = None  # a PNG too, at this resolution (300 for the print book); None: SVG only
    unavailable: str = ""


@dataclass
class Workbook:
    """An Excel workbook published with a section (``<name>.xlsx`` in the pack): its sheets are
    :class:`cscp_analysis.workbook.Sheet` descriptions of published tables."""

    name: str
    title: str
    sheets: list
    created: object  # a date: the period end (never the clock), so the bytes do not change between runs


@dataclass
class Section:
    """One part of the evidence for a period: published tables, figures and findings."""

    name: str
    title: str
    lens: str
    window: str = ""  # which records are in the period, in words
    period: str = ""  # the period the section describes, as the reader knows it
    intro: str = ""  # markdown shown before the section's tables and figures
    source: str = ""  # where the numbers come from, in words (every table and figure)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    workbooks: list[Workbook] = field(default_factory=list)
    unavailable: str = ""  # why the whole section could not be built this period
    figures_first: bool = True  # show figures before tables; False keeps the order they were added in
    findings_heading: str = "What the numbers say"
    findings_by_line: bool = False  # group the findings under the Signs of Safety lines, each with a heading
    _order: list[str] = field(default_factory=list, repr=False)

    # --- building -------------------------------------------------------------------------------
    def add_table(self, name: str, title: str, data: pd.DataFrame, counts: Sequence[str] = (), **kw) -> pd.DataFrame:
        """Add a published table; returns it (index reset) so the caller can quote its cells."""
        data = data.reset_index(drop=True) if data is not None else None
        if data is not None and data.attrs.get("own_work"):  # published as the partnership's own work
            kw.setdefault("own_work", True)
        self.tables.append(Table(name, title, data, tuple(counts), **kw))
        self._order.append(name)
        return data

    def add_figure(self, name: str, title: str, alt: str, data: pd.DataFrame | str | None,
                   draw: Callable[[], object], **kw) -> Figure:
        """Add a figure: its alt text, the published data behind it (or a table's name) and how to draw it."""
        fig = Figure(name, title, alt, data, draw, **kw)
        self.figures.append(fig)
        self._order.append(name)
        return fig

    def items(self) -> list[Table | Figure]:
        """Tables and figures in the order a reader meets them (see ``figures_first``)."""
        if self.figures_first:
            return [*self.figures, *self.tables]
        by_name = {x.name: x for x in [*self.tables, *self.figures]}
        listed = [by_name[n] for n in self._order if n in by_name]
        return listed + [x for x in [*self.figures, *self.tables] if x not in listed]

    def missing(self, *registers: str) -> Section:
        """Record that the registers were not available (not received, or blocked by validation)."""
        names = ", ".join(registers)
        were = "s were" if len(registers) > 1 else " was"
        self.unavailable = (f"the {names} register{were} not available (not received, or blocked by validation: "
                            "see the data returns section)")
        self.window = f"nothing: the {names} register{were} not available"
        self.findings.append(Finding(
            "needs_to_happen", f"The {names} register{were} not available for {self.period or 'this period'} (not "
            "received, or blocked by validation: see the data returns section), so this part of the evidence is "
            "missing.", self.lens,
            "assurance", f"register {names}", rule="QA-00", weight=0.9))
        return self

    # --- reading --------------------------------------------------------------------------------
    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(f"section {self.name} has no table {name!r}; it has {', '.join(t.name for t in self.tables)}")

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.table(name).data

    def __contains__(self, name: str) -> bool:
        return any(t.name == name for t in self.tables)

    def figure_data(self, fig: Figure) -> pd.DataFrame | None:
        """The published data behind a figure (a table of this section when named)."""
        return self[fig.data] if isinstance(fig.data, str) else fig.data

    def lens_of(self, item: Table | Figure) -> str:
        return item.lens or self.lens


def contents(sections: Iterable[Section]) -> pd.DataFrame:
    """One row per table and figure of the sections: the lens it is filed under, its section and title."""
    rows = []
    for sec in sections:
        for f in sec.figures:
            rows.append((sec.lens_of(f), sec.title, "figure", f.name, f.title, sec.window))
        for t in sec.tables:
            rows.append((sec.lens_of(t), sec.title, "table", t.name, t.title, sec.window))
    return pd.DataFrame(rows, columns=["lens", "section", "kind", "name", "title", "records_in_the_period"])


def findings_of(sections: Iterable[Section]) -> list[Finding]:
    """Every finding of the sections, in section order."""
    return [f for sec in sections for f in sec.findings]


def kind_heading(kind: str) -> str:
    """The Signs of Safety line a finding is drafted under, in words."""
    return KINDS[kind]
