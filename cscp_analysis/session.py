"""What a notebook needs to start: checked parameters, the loaded returns, and somewhere to publish.

Every notebook's second cell is::

    ctx = session.start(period=period, data_dir=data_dir, output_dir=output_dir,
                        config_dir=config_dir, returns_cache=returns_cache, notebook=notebook)

``start`` checks the papermill parameters (papermill itself only warns about unknown or missing
ones), loads and validates the returns (or reuses the copy the pipeline validated once for the whole
run), and gives the notebook an evidence :class:`~cscp_analysis.evidence.Pack` to write tables and
figures into, plus small display helpers so that each notebook section stays one library call, a
chart or table, and findings drawn from the numbers.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import sections
from .config import PartnershipConfig, load_partnership
from .errors import CscpError
from .evidence import Pack
from .index_page import whole_short_cells
from .labels import for_readers
from .narrative import KINDS, Finding, findings_table
from .periods import Period, parse_period
from .sections import Figure, Section, Table
from .symbols import footnote, published

__all__ = ["Session", "start", "save_cache", "load_cache", "ParameterError"]


class ParameterError(CscpError, ValueError):
    """A notebook parameter is missing or wrong; the message names it."""


@dataclass
class Session:
    period: Period
    data_dir: Path
    output_dir: Path
    config: PartnershipConfig
    returns: object  # cscp_analysis.returns.Returns
    pack: Pack
    notebook: str
    shown: list[Section] = field(default_factory=list)  # the sections this notebook has shown, in order
    marking: str | None = None  # the security marking of the audience's pages and workbooks
    _styled: bool = False

    @property
    def words(self):
        """How this period reads: ``ctx.words.label`` is "July to September 2026"."""
        from .periods import PeriodWords

        return PeriodWords.quarter(self.period)

    # --- display (notebooks show; they never compute) ---------------------------------------------
    def show(self, item, caption: str = "", max_rows: int = 60, heading: str = "What the numbers say") -> None:
        """Show a :class:`~cscp_analysis.sections.Section` (publishing its tables and figures into the
        pack), or a published table (a DataFrame) with a caption. ``None`` shows nothing."""
        if item is None:
            return
        self._styles()
        if isinstance(item, Section):
            self._show_section(item, heading)
            self.shown.append(item)
        else:
            self.show_table(item, caption, max_rows)

    def _styles(self) -> None:
        if not self._styled:
            from IPython.display import HTML, display

            display(HTML(PAGE_CSS))
            self._styled = True

    def _show_section(self, sec: Section, heading: str) -> None:
        if sec.intro:
            self.note(sec.intro)
        if sec.window:
            self.note(f"*In the period:* {sec.window}.")
        if sec.unavailable and not sec.tables and not sec.figures:
            self.note(f"**Not available this period:** {sec.unavailable}.")
        for item in sec.items():
            lens = sec.lens_of(item)
            if item.unavailable:
                label = f"{item.number}: " if item.number else ""
                self.note(f"**{label}{item.title}.** Not available: {item.unavailable}.")
            elif isinstance(item, Figure):
                self.figure(item.draw(), item.name, item.title, lens, item.alt, data=sec.figure_data(item),
                            source=sec.source, number=item.number, png_dpi=item.dpi)
            else:
                if item.written:
                    self.pack.table(item.data, item.name, item.title, lens, count_columns=item.counts,
                                    source=sec.source, number=item.number, threshold=item.threshold,
                                    audit=item.audit, own_work=item.own_work)
                if item.shown:
                    self._show_published(item)
                if item.summary:
                    more = " (with more columns)" if item.display else ""
                    source = f" Source: {sec.source}." if sec.source else ""
                    label = f"*{item.number}.* " if item.number else ""
                    self.note(f"{label}{item.summary}{source} [The table as data{more}, CSV](../tables/{item.name}.csv).")
        for wb in sec.workbooks:
            self.pack.workbook(wb.name, wb.title, sec.lens, wb.sheets, created=wb.created, marking=self.marking,
                               source=sec.source)
            self.note(f"The same tables as an Excel workbook for the board: [{wb.name}.xlsx](../{wb.name}.xlsx) "
                      f"({len(wb.sheets)} sheets: {', '.join(sh.name for sh in wb.sheets)}).")
        shows_numbers = bool(sec.figures) or any(t.shown or t.summary for t in sec.tables)
        if not sec.findings and not shows_numbers:
            return  # a section that only writes tables (an appendix) has nothing to say about them
        if sec.findings_by_line:
            self.findings_by_line(sec.findings)
        else:
            self.findings(sec.findings, heading if heading != "What the numbers say" else sec.findings_heading)

    def _show_published(self, table: Table) -> None:
        from IPython.display import HTML, display

        if table.html:
            display(HTML(table.html))
            return
        shown = table.view if table.view is not None else table.data
        if table.display:
            shown = shown[list(table.display)]
        self.show_table(shown, caption=f"{table.number}: {table.title}" if table.number else table.title,
                        threshold=table.threshold)

    def show_contents(self, caption: str) -> None:
        """The tables and figures of every section shown so far, with their lens and the records counted."""
        self.show_table(sections.contents(self.shown), caption)

    def publish_findings(self, name: str, title: str, caption: str = "", lens: str = "summary") -> None:
        """Publish every finding of the sections shown so far as one tidy table (the scrutiny summary reads it)."""
        table = findings_table(sections.findings_of(self.shown))
        self.pack.table(table, name, title, lens)
        if caption:
            self.show_table(table[["kind", "text"]], caption)
            self.method_note(table=table[["kind", "rule", "evidence", "text"]],
                             summary="Method notes: the rule and evidence behind each finding")

    def show_table(self, table: pd.DataFrame, caption: str = "", max_rows: int = 60,
                   threshold: int | None = None) -> None:
        """Show a published table (already disclosure-controlled) without its index, with the GSS symbols
        and a footnote explaining the ones it uses (``threshold``: a stricter table's, else the partnership's)."""
        from IPython.display import HTML, display

        head = published(table.head(max_rows))
        t = for_readers(_thousands(head))
        few = len(t.columns) <= FEW_COLUMNS  # words kept whole; a wider table may break a long word to fit
        heads = len(t.columns) <= WHOLE_HEADINGS  # headings' words kept whole
        html = t.to_html(index=False, na_rep="", border=0, escape=True,
                         classes="cscp-table" + (" cscp-few" if few else "") + (" cscp-heads" if heads else ""))
        html = whole_short_cells(html, longest=9)  # "<0.001" or "12,345" never split
        if caption:
            html = f"<p><strong>{_escape(caption)}</strong></p>" + html
        limit = max(int(threshold or 0), self.config.suppression_threshold)
        note = footnote(head, limit)
        if note:
            html += f"<p class='symbols'><small>{_escape(note)}</small></p>"
        if len(table) > max_rows:
            html += f"<p><em>First {max_rows} of {len(table)} rows; the full table is in the pack's tables folder.</em></p>"
        display(HTML(html))

    def method_note(self, markdown: str = "", table: pd.DataFrame | None = None,
                    summary: str = "Method notes for the analyst") -> None:
        """Detail for the analyst (rule identifiers, evidence keys, file paths), folded away from readers."""
        import mistune  # nbconvert's own markdown renderer
        from IPython.display import HTML, display

        body = mistune.html(markdown) if markdown else ""
        if table is not None:
            body += for_readers(table).to_html(index=False, na_rep="", border=0, classes="cscp-table", escape=True)
        display(HTML(f"<details><summary>{_escape(summary)}</summary>{body}</details>"))

    def findings(self, findings, heading: str = "What the numbers say") -> None:
        """Findings drafted from the numbers (never typed by hand): ``Finding`` objects or sentences.

        A finding under one of the Signs of Safety lines is labelled with it; context is shown plain.
        """
        from IPython.display import Markdown, display

        lines = []
        for f in findings:
            if isinstance(f, Finding):
                lines.append(f"- *{KINDS[f.kind]}*: {f.text}" if f.kind != "context" else f"- {f.text}")
            else:
                lines.append(f"- {f}")
        if not lines:  # a section with nothing drafted says nothing (no sentence stamped under every table)
            return
        display(Markdown(f"**{heading}**\n\n" + "\n".join(lines)))

    def findings_by_line(self, findings) -> None:
        """Findings under the three Signs of Safety lines, each line with a heading (context last, if any)."""
        from IPython.display import Markdown, display

        parts = []
        for kind, heading in KINDS.items():
            items = [f for f in findings if f.kind == kind]
            if kind == "context" and not items:
                continue
            parts.append(f"### {heading}\n")
            parts += [f"- {f.text}" for f in items] or ["Nothing was drafted by the rules for this period."]
            parts.append("")
        display(Markdown("\n".join(parts)))

    def note(self, text: str) -> None:
        from IPython.display import Markdown, display

        display(Markdown(text))

    def disclosure_words(self) -> str:
        """What disclosure control this page's tables have been through, in the words of its audience: the
        board's pack shows the partnership's own work as it is (docs/disclosure.md, "Two audiences")."""
        from .disclosure import BOARD

        t = self.config.suppression_threshold
        rule = (f"a count of children from 1 to {t} is hidden and marked [c], and any figure from which one "
                "could be worked out is hidden and marked [s]")
        if self.pack.audience == BOARD:
            return (f"Counts of children are protected: {rule}. Counts of the partnership's own work (audits, "
                    "reviews, training, surveys, actions, LADO and child death review totals) are shown as they "
                    "are, because this pack is for the board and its Independent Scrutineer.")
        return f"Every table has been through disclosure control: {rule}."

    def figure(self, fig, name: str, title: str, lens: str, alt: str, data: pd.DataFrame | None = None,
               source: str = "", number: str = "", png_dpi: int | None = None) -> None:
        """Save a figure to the pack (SVG, PNG and its data) and show it with its alt text.

        ``png_dpi=300`` gives print resolution (the annual-report figure book).
        """
        import base64

        from IPython.display import HTML, Markdown, display

        files = self.pack.figure(fig, name, title, lens, alt, data, source=source, number=number, png_dpi=png_dpi)
        svg = [f for f in files if f.suffix == ".svg"][0]
        # an <img> with its alt attribute (nbconvert's lab template drops the alt of image outputs); the SVG as
        # rendered once, so the page and the pack's file are the same picture
        b64 = base64.b64encode(svg.read_bytes()).decode("ascii")
        display(HTML(f'<img src="data:image/svg+xml;base64,{b64}" alt="{_escape(alt)}" '
                     f'style="max-width:820px;width:100%;height:auto">'))
        label = f"{number}: " if number else "Figure: "
        data_note = f" [The numbers behind the chart, CSV](../tables/{name}_data.csv)." if data is not None else ""
        display(Markdown(f"*{label}{title}.*" + (f" Source: {source}." if source else "") + data_note))


#: A cell of one short token (a number, a percentage, a p-value, a symbol): kept on one line.
def _thousands(table: pd.DataFrame) -> pd.DataFrame:
    """Whole numbers of 1,000 or more written with a thousands separator (``9,500 rows``), as GOV.UK's style
    asks; not years, codes or identifiers (columns named so), which are never written with commas."""
    import numbers

    def big(v) -> bool:  # a whole number of 1,000 or more (in a column of numbers, or of numbers and symbols)
        return isinstance(v, numbers.Integral) and not isinstance(v, bool) and abs(v) >= 1000

    out = None
    for col in table.columns:
        column = table[col]
        if re.search(r"year|code|urn|_id$|^id$", str(col), re.IGNORECASE) or pd.api.types.is_bool_dtype(column):
            continue
        if not (pd.api.types.is_integer_dtype(column) or column.dtype == object):
            continue
        values = column.tolist()
        if any(big(v) for v in values):
            out = table.copy() if out is None else out
            out[col] = pd.Series([f"{v:,}" if big(v) else v for v in values], index=column.index, dtype=object)
    return table if out is None else out



#: A table of this many columns or fewer keeps its words whole (no column is squeezed to break one).
FEW_COLUMNS = 8
#: A table of this many columns or fewer keeps the words of its headings whole ("Answered", not "Answere d");
#: the scorecard's benchmark table (18 columns) would not fit 1280 px so.
WHOLE_HEADINGS = 15

#: The reader pages' own styles, shown once at the top of each page: tables fit the page (text wraps,
#: left-aligned; numbers stay right-aligned only in the scorecard's own tables), links are underlined.
PAGE_CSS = """<style>
table.cscp-table{width:100%;max-width:100%;table-layout:auto;border-collapse:collapse;font-size:13px;margin:0 0 1em}
table.cscp-table th,table.cscp-table td{text-align:left !important;white-space:normal;overflow-wrap:anywhere;
  vertical-align:top;padding:4px 6px;border-bottom:1px solid #d0d4d8}
table.cscp-table tbody tr>:first-child{min-width:7.5em}
table.cscp-few th,table.cscp-few td{overflow-wrap:break-word}
table.cscp-table td.n{white-space:nowrap;overflow-wrap:normal}
table.cscp-heads thead th{overflow-wrap:normal}
table.cscp-table thead th{background:#eef0f2}
.jp-RenderedHTMLCommon a:not(.anchor-link), .jp-RenderedMarkdown a:not(.anchor-link){text-decoration:underline !important}
</style>"""


def _escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def _resolve(path: str, what: str, must_exist: bool) -> Path:
    if not isinstance(path, str) or not path.strip():
        raise ParameterError(f"parameter {what} must be a folder path, not {path!r}")
    p = Path(path).expanduser()
    if must_exist and not p.is_dir():
        raise ParameterError(f"parameter {what}: folder {p.resolve()} does not exist")
    return p


def start(period: str = "", data_dir: str = "../data_raw/demo", output_dir: str = "../outputs/_interactive",
          config_dir: str = "../config", returns_cache: str = "", notebook: str = "",
          audience: str = "board") -> Session:
    """Check the notebook's parameters, load the returns and open the pack (see module docstring).

    ``audience`` is ``board`` (the partnership's internal pack, marked OFFICIAL-SENSITIVE, showing counts
    of its own work as they are) or ``public`` (DfE-style control on every count); ``docs/disclosure.md``."""
    from . import charts  # noqa: F401  (applies the house style)
    from . import returns as R
    from .disclosure import AUDIENCES, BOARD, BOARD_MARKING

    data = _resolve(data_dir, "data_dir", must_exist=True)
    out = _resolve(output_dir, "output_dir", must_exist=False)
    cfg_dir = _resolve(config_dir, "config_dir", must_exist=True)
    config = load_partnership(cfg_dir)
    if period in ("", None):
        per = R.latest_period(data)
    else:
        try:
            per = parse_period(period)
        except ValueError as exc:
            raise ParameterError(f"parameter period: {exc}") from None
    if not isinstance(notebook, str):
        raise ParameterError(f"parameter notebook must be text, not {notebook!r}")
    if audience not in AUDIENCES:
        raise ParameterError(f"parameter audience must be one of {', '.join(AUDIENCES)}, not {audience!r}")
    config.raw["audience"] = audience
    returns = None
    if returns_cache:
        returns = load_cache(returns_cache, per, data)
    if returns is None:
        returns = R.load_returns(data, str(per), config)
    pack = Pack(out, notebook=notebook, suppression_threshold=config.suppression_threshold, audience=audience)
    return Session(per, data, out, config, returns, pack, notebook,
                   marking=BOARD_MARKING if audience == BOARD else None)


def save_cache(returns, path: str | Path) -> Path:
    """Keep the validated returns for the notebooks of one run (outside the pack, deleted after the run)."""
    path = Path(path)
    with open(path, "wb") as fh:
        pickle.dump(returns, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def load_cache(path: str | Path, period: Period, data_dir: Path):
    """The cached returns if they are for this period and data folder, else ``None``."""
    path = Path(path)
    if not path.exists():
        return None
    with open(path, "rb") as fh:
        returns = pickle.load(fh)  # noqa: S301 - written by this run's pipeline moments before
    same_period = str(getattr(returns, "period", "")) == str(period)
    same_data = Path(getattr(returns, "data_dir", "")).resolve() == Path(data_dir).resolve()
    return returns if same_period and same_data else None
