"""Publishing the assurance evidence: disclosure control, and sections ready for the notebook.

Every published table goes through :mod:`cscp_analysis.disclosure`:

* tables counting people or events about people (children's case files, reviews, learners,
  respondents, allegations, deaths) through :func:`publish` (``disclosure.publish_table``: counts 1 to
  the threshold shown as ``c``, secondary suppression along the table's totals, every percentage or
  statistic drawn from a suppressed count shown as ``c``, rounding half up once);
* tables about organisations (self-assessment ratings, the action plan) through :func:`format_only`
  (``disclosure.format_numbers``: the same rounding and symbols, no suppression; docs/assurance.md
  says why).

A :class:`Section` bundles what one notebook section shows: its published tables, the figures drawn
from them (with alt text written from the numbers), and its findings. The notebook then needs one call
to build it and two to show it::

    sec = assurance.audits.section(ctx.returns, ctx.period, ctx.config)
    publish.show_tables(ctx, sec)
    publish.show_figures(ctx, sec)
    ctx.findings(sec.sentences())
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import disclosure as D
from ..narrative import Finding

__all__ = [
    "PublishedTable",
    "FigureSpec",
    "Section",
    "threshold",
    "publish",
    "format_only",
    "number",
    "cell",
    "suppressed_total",
    "dates_as_text",
    "show_tables",
    "show_figures",
    "contents",
    "findings_of",
]


def threshold(config=None, cdop: bool = False) -> int:
    """The partnership's suppression threshold (``cdop_threshold`` for child deaths), 5 by default."""
    if cdop:
        return int(getattr(config, "cdop_threshold", getattr(config, "suppression_threshold", 5)))
    return int(getattr(config, "suppression_threshold", 5))


def dates_as_text(df: pd.DataFrame) -> pd.DataFrame:
    """Datetime columns as ISO dates (``YYYY-MM-DD``), blanks as empty text."""
    out = df.copy()
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = out[c].dt.strftime("%Y-%m-%d").fillna("")
    return out


def publish(df: pd.DataFrame, counts: Sequence[str], config=None, *, derived: Mapping | None = None,
            total_row=None, total_column: str | None = None, by=None, cdop: bool = False,
            decimals: int | Mapping[str, int] = 1, threshold_value: int | None = None) -> D.Published:
    """Suppress and round a table counting people or events (``disclosure.publish_table``)."""
    t = threshold_value if threshold_value is not None else threshold(config, cdop)
    return D.publish_table(dates_as_text(df), counts, derived, threshold=t, total_row=total_row,
                           total_column=total_column, by=by, decimals=decimals)


def format_only(df: pd.DataFrame, decimals: Mapping[str, int]) -> pd.DataFrame:
    """Round the named columns half up (``disclosure.format_numbers``), symbols for missing; no suppression.

    For tables about organisations, whose counts are not counts of people.
    """
    out = dates_as_text(df)
    for c, places in decimals.items():
        out[c] = D.format_numbers(pd.to_numeric(out[c], errors="coerce").to_numpy(dtype=float), places)
    return out


def number(value) -> float:
    """A published cell as a number: NaN for ``c``, ``x``, ``z``, ``low`` or anything that is not a number."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        return float("nan")


def cell(table: pd.DataFrame, key_column: str, key, column: str) -> float:
    """The number in ``column`` of the row whose ``key_column`` is ``key`` (NaN if suppressed or absent)."""
    rows = table.loc[table[key_column] == key, column]
    return number(rows.iloc[0]) if len(rows) else float("nan")


def suppressed_total(n: int, threshold_value: int) -> str:
    """A lone total as published: ``c`` from 1 to the threshold, the number otherwise."""
    return D.SUPPRESSED if 1 <= n <= threshold_value else str(int(n))


@dataclass
class PublishedTable:
    name: str  # file name in the pack (tables/<name>.csv)
    title: str
    table: pd.DataFrame  # disclosure-controlled, as written
    counts: tuple[str, ...] = ()  # columns of counts of people or events (checked again by the Pack)
    lens: str = "professional"


@dataclass
class FigureSpec:
    name: str
    title: str
    alt: str  # written from the numbers
    data: str  # name of the published table behind it
    draw: Callable[[], object]  # returns a matplotlib Figure
    lens: str = "professional"


@dataclass
class Section:
    """One area's evidence for a period: published tables, figures and findings."""

    area: str
    title: str
    lens: str
    period: str
    window: str  # which records are in the period, in words
    tables: dict[str, PublishedTable] = field(default_factory=dict)
    figures: list[FigureSpec] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def add(self, name: str, title: str, table: pd.DataFrame, counts: Sequence[str] = (), lens: str | None = None) -> pd.DataFrame:
        self.tables[name] = PublishedTable(name, title, table.reset_index(drop=True), tuple(counts), lens or self.lens)
        return self.tables[name].table

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name].table

    def missing(self, *registers: str) -> Section:
        """Record that the registers were not available (not received, or blocked by validation)."""
        names = ", ".join(registers)
        self.window = f"nothing: the {names} register{'s were' if len(registers) > 1 else ' was'} not available"
        self.findings.append(Finding(
            "needs_to_happen", f"The {names} register{'s were' if len(registers) > 1 else ' was'} not available for "
            f"{self.period} (not received, or blocked by validation: see the data returns section), so this part of "
            "the evidence is missing.", self.lens, "assurance", f"register {names}", rule="QA-00", weight=0.9))
        return self

    def sentences(self) -> list[str]:
        """The findings as sentences, each tagged with its line of the Signs of Safety summary."""
        from ..narrative import KINDS

        return [f"*{KINDS[f.kind]}*: {f.text} ({f.rule})" for f in self.findings]

    def check(self, threshold_value: int = 5) -> None:
        """Raise ``disclosure.DisclosureError`` if any table shows a small count in a count column."""
        for t in self.tables.values():
            if t.counts:
                D.check_disclosure(t.table, counts=list(t.counts), threshold=threshold_value, derived={})


def show_tables(ctx, section: Section, names: Sequence[str] | None = None) -> None:
    """Write the section's tables to the evidence pack under their lens, and show them."""
    for name in names or list(section.tables):
        t = section.tables[name]
        ctx.pack.table(t.table, t.name, t.title, t.lens, count_columns=t.counts, source="04_quality_assurance")
        ctx.show(t.table, t.title)


def show_figures(ctx, section: Section) -> None:
    """Draw the section's figures, write them (with the published data behind them) and show them."""
    for f in section.figures:
        fig = f.draw()
        ctx.figure(fig, f.name, f.title, f.lens, f.alt, data=section[f.data], source="04_quality_assurance")


def contents(sections: Sequence[Section]) -> pd.DataFrame:
    """One row per table and figure of the sections: the lens it is filed under, its section, name and title."""
    rows = []
    for sec in sections:
        for f in sec.figures:
            rows.append((f.lens, sec.title, "figure", f.name, f.title, sec.window))
        for t in sec.tables.values():
            rows.append((t.lens, sec.title, "table", t.name, t.title, sec.window))
    return pd.DataFrame(rows, columns=["lens", "section", "kind", "name", "title", "records_in_the_period"])


def findings_of(sections: Sequence[Section]) -> pd.DataFrame:
    """Every finding of the sections as the tidy table of :func:`cscp_analysis.narrative.findings_table`."""
    from ..narrative import findings_table

    return findings_table([f for sec in sections for f in sec.findings])
