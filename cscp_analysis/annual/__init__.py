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

The package is thin: :mod:`.contents` (the list and its numbering), :mod:`.book` (the book of a year),
:mod:`.chapters` (each chapter from the domain's own sections or year view:
:mod:`cscp_analysis.scorecard.year`, :mod:`cscp_analysis.disproportionality.year`,
:mod:`cscp_analysis.assurance.year`).

Typical use (``notebooks/annual_report.ipynb``)::

    book = annual.Book.for_period(ctx.returns, ctx.period, ctx.config)   # the period: the year's Q4
    ctx.show(book.chapter("scorecard"))          # tables and figures into the pack, numbered, with findings
"""

from __future__ import annotations

from .book import PNG_DPI, Book, introduction
from .contents import CHAPTERS, CONTENTS, Entry, Numbered, contents_markdown, contents_table, numbering

__all__ = ["CHAPTERS", "CONTENTS", "Entry", "Numbered", "Book", "PNG_DPI", "numbering", "contents_table",
           "contents_markdown", "introduction"]
