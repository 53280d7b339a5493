"""``index.html``: the scrutineer's entry page, and a readable page for every published table.

The index opens with the quarter's headline figures (the scrutiny summary's ``scrutiny_headlines``
table, so the first numbers every reader sees are the same), points to the scrutiny summary, lists the
reports by name, and then every table and figure by lens. Each table links to a readable HTML view
(``html/tables/<name>.html``: headings in words, the symbols explained) with its CSV beside it.

Plain HTML with inline CSS and no scripts, so the pack reads offline from any folder or a USB stick.
Nothing here reads the clock, so the pages are the same on every run of the same inputs.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from pathlib import Path

import pandas as pd

from .evidence import LENSES, CatalogueEntry
from .labels import analyst_columns, for_readers
from .symbols import footnote

__all__ = ["write_index", "write_table_views", "REPORT_TITLES"]

REPORT_TITLES = {
    "01_data_returns": "Data returns: what was received, and how far it can be trusted",
    "02_performance_scorecard": "Performance scorecard",
    "03_disproportionality": "Disproportionality along the child's journey",
    "04_quality_assurance": "Quality assurance by lens",
    "05_scrutiny_summary": "Scrutiny summary",
    "06_benchmarking": "Benchmarking against England, the region and statistical neighbours",
    "annual_report": "Annual report figure book",
}

_CSS = """
body{font-family:Arial,Helvetica,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#0b0c0c;line-height:1.45}
h1{font-size:1.8em;margin-bottom:.2em}h2{border-bottom:3px solid #12436D;padding-bottom:.2em;margin-top:2em}
h3{margin-bottom:.3em}.sub{color:#505a5f;margin-top:0}a{color:#1d70b8;text-decoration:underline}
a:focus{outline:3px solid #fd0;background:#fd0}
table{border-collapse:collapse;width:100%;font-size:.95em}th,td{text-align:left;vertical-align:top;padding:.35em .5em;
border-bottom:1px solid #b1b4b6;overflow-wrap:anywhere}td.n{white-space:nowrap;overflow-wrap:normal}tbody tr>:first-child{min-width:7.5em}#headlines+table th,#headlines+table td{overflow-wrap:break-word}.wide{overflow-x:auto;max-width:100%}thead th{background:#f3f2f1}.marking{font-weight:bold;
letter-spacing:.05em;border:2px solid #0b0c0c;display:inline-block;padding:.1em .5em}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:1.2em}
figure{margin:0;border:1px solid #b1b4b6;padding:.6em;background:#fff}figure img{width:100%;height:auto}
figcaption{font-size:.9em;color:#0b0c0c}ul.tables{columns:2;font-size:.95em}nav ul{list-style:none;padding:0}
nav li{display:inline;margin-right:1.2em}.files{font-size:.85em;color:#505a5f}
"""


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


def marking_banner(marking: str | None) -> str:
    """The security marking at the top of a page of the board's pack (nothing for a public page)."""
    if not marking:
        return ""
    return (f"<p class='marking' style='font-weight:bold;letter-spacing:.05em;border:2px solid #0b0c0c;"
            f"display:inline-block;padding:.1em .5em;margin:0'>{_e(marking)}</p>"
            "<p class='sub' style='color:#505a5f;margin:.3em 0 1em'>For the partnership board, its subgroups and the Independent Scrutineer: counts of "
            "the partnership's own work are shown as they are. Do not publish or forward.</p>")


def write_index(pack_dir: str | Path, catalogue: list[CatalogueEntry], title: str, subtitle: str = "",
                marking: str | None = None, pdfs=None) -> Path:
    """Write ``index.html`` for the pack in ``pack_dir`` from the catalogue of its tables and figures.
    ``marking`` (the board's pack: ``OFFICIAL-SENSITIVE``) is printed at the top of every page; ``pdfs``
    names the pack's PDFs (default: those in ``pack_dir``; a run names them while they print)."""
    pack_dir = Path(pack_dir)
    by_lens: dict[str, list[CatalogueEntry]] = defaultdict(list)
    for entry in catalogue:
        by_lens[entry.lens].append(entry)
    reports = sorted(p.name for p in (pack_dir / "html").glob("*.html")) if (pack_dir / "html").exists() else []
    # the scrutiny summary is the first page a reader opens
    reports.sort(key=lambda r: (not r.startswith("05_scrutiny_summary"), r))
    notebook_lens = {e.notebook: e.lens for e in catalogue if e.notebook}

    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<header>{marking_banner(marking)}<h1>{_e(title)}</h1>",
        f'<p class="sub">{_e(subtitle)}</p></header>' if subtitle else "</header>",
        "<nav aria-label='Lenses'><ul>",
    ]
    lenses = [lens for lens in LENSES if by_lens.get(lens) or any(notebook_lens.get(r[:-5]) == lens for r in reports)]
    for lens in lenses:
        parts.append(f"<li><a href='#{lens}'>{_e(LENSES[lens].split(':')[0])}</a></li>")
    parts.append("</ul></nav><main>")

    heads = pack_dir / "tables" / "scrutiny_headlines.csv"
    if heads.exists():
        h = pd.read_csv(heads, dtype=str, keep_default_na=False)
        parts.append("<h2 id='headlines'>The quarter at a glance</h2><table><thead><tr><th scope='col'>Topic</th>"
                     "<th scope='col'>Headline</th><th scope='col'>Detail</th></tr></thead><tbody>")
        for r in h.itertuples():
            link = f" <a href='html/{_e(r.report)}'>see the evidence</a>" if r.report else ""
            parts.append(f"<tr><th scope='row'>{_e(r.topic)}</th><td>{_e(r.headline)}{link}</td><td>{_e(r.detail)}</td></tr>")
        parts.append("</tbody></table>")
    if "05_scrutiny_summary.html" in reports:
        parts.append("<p><strong>Start here: <a href='html/05_scrutiny_summary.html'>the scrutiny summary</a></strong>"
                     " — the most serious worries, what is working well and what needs to happen, by priority.</p>")
    parts.append("<h2 id='reports'>Reports</h2><ul>")
    for r in reports:
        label = REPORT_TITLES.get(r[:-5], r[:-5].replace("_", " ").capitalize())
        parts.append(f"<li><a href='html/{_e(r)}'>{_e(label)}</a> "
                     f"<span class='files'>(<a href='notebooks/{_e(r[:-5])}.ipynb'>the notebook behind it</a>)</span></li>")
    for pdf, label in (("scrutiny_summary.pdf", "The scrutiny summary"), ("annual_report.pdf", "The annual report figure book")):
        if (pdf in pdfs) if pdfs is not None else (pack_dir / pdf).exists():
            parts.append(f"<li><a href='{pdf}'>{label}, as a PDF to print (A4)</a></li>")
    books = [e for e in catalogue if e.kind == "workbook"]
    for b in books:
        parts.append(f"<li><a href='{_e(b.files[0])}'>{_e(b.title)}, as an Excel workbook</a></li>")
    parts.append("</ul>")

    for lens in lenses:
        entries = by_lens.get(lens, [])
        parts.append(f"<section><h2 id='{lens}'>{_e(LENSES[lens])}</h2>")
        figures = [e for e in entries if e.kind == "figure"]
        tables = [e for e in entries if e.kind == "table"]
        if figures:
            parts.append("<h3>Figures</h3><ul class='tables'>")
            for f in figures:
                png = next((x for x in f.files if x.endswith(".png")), None)
                svg = next((x for x in f.files if x.endswith(".svg")), None)
                data = next((x for x in f.files if x.endswith(".csv")), None)
                number = f"{_e(f.number)}: " if f.number else ""
                main = png or svg
                links = [f"<a href='{_e(svg)}'>SVG</a>" if svg and main != svg else "",
                         f"<a href='{_e(data)}'>its data (CSV)</a>" if data else ""]
                parts.append(f"<li><a href='{_e(main)}'>{number}{_e(f.title)}</a> "
                             f"<span class='files'>{' · '.join(x for x in links if x)}</span></li>")
            parts.append("</ul>")
        if tables:
            parts.append("<h3>Tables</h3><ul class='tables'>")
            for t in tables:
                number = f"{_e(t.number)}: " if t.number else ""
                parts.append(f"<li><a href='html/tables/{_e(t.name)}.html'>{number}{_e(t.title)}</a> "
                             f"<span class='files'>(<a href='{_e(t.files[0])}'>CSV</a>)</span></li>")
            parts.append("</ul>")
        parts.append("</section>")

    parts.append("<h2 id='provenance'>Provenance</h2><p>Every input and output of this pack, with its size and "
                 "SHA-256 checksum, is listed in <a href='manifest.json'>manifest.json</a>; "
                 "<a href='checksums.sha256'>checksums.sha256</a> can be checked with <code>sha256sum -c</code>, "
                 "and <code>cscp verify</code> re-runs the pack and compares every table and figure.</p>")
    if (pack_dir / "validation_report.txt").exists():
        parts.append("<p>Validation of the partners' returns: <a href='validation_report.txt'>validation report</a>, "
                     "<a href='tables/reconciliation.csv'>rows received, accepted and rejected</a>.</p>")
    parts.append("</main></body></html>\n")
    write_table_views(pack_dir, [e for e in catalogue if e.kind == "table"], title, marking)
    path = pack_dir / "index.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def whole_short_cells(html_table: str, longest: int = 12) -> str:
    """Mark each cell of at most ``longest`` characters without a space ("432.7", "E08000026", "12,345", "[c]")
    so that it is never split across lines (``td.n``: ``white-space: nowrap``)."""
    return re.sub(rf"<td>([^<\s]{{1,{int(longest)}}})</td>", r'<td class="n">\1</td>', html_table)


def write_table_views(pack_dir: str | Path, tables: list[CatalogueEntry], pack_title: str,
                      marking: str | None = None) -> list[Path]:
    """A readable HTML page for every published table (headings in words, symbols explained, its CSV linked)."""
    pack_dir = Path(pack_dir)
    folder = pack_dir / "html" / "tables"
    written = []
    for t in tables:
        csv = pack_dir / t.files[0]
        if not csv.exists():
            continue
        raw = pd.read_csv(csv, dtype=str, keep_default_na=False)
        note = footnote(raw, (t.extra or {}).get("threshold"))  # only the symbols this table uses
        keys = analyst_columns(raw)
        df = for_readers(raw.drop(columns=keys))
        body = whole_short_cells(df.to_html(index=False, border=0, escape=True))
        if keys:  # the keys stay in the CSV, named for the analyst, folded away from readers
            body += ("<details><summary>For the analyst</summary><p>The CSV also holds "
                     + ", ".join(f"<code>{_e(k)}</code>" for k in keys) + " (keys and codes).</p></details>")
        number = f"{t.number}: " if t.number else ""
        page = ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
                "<meta name='viewport' content='width=device-width, initial-scale=1'>"
                f"<title>{_e(number + t.title)}</title><style>{_CSS}</style></head><body>"
                + (f"<header>{marking_banner(marking)}</header>" if marking else "") + "<main>"
                f"<p><a href='../../index.html'>{_e(pack_title)}</a></p><h1>{_e(number + t.title)}</h1>"
                + (f"<p class='sub'>Source: {_e(t.source)}</p>" if t.source else "")
                + f"<div class='wide' tabindex='0' role='region' aria-label='{_e(t.title)} (scrolls sideways when wider "
                "than the window)'>" + body + "</div>" + (f"<p class='symbols'>{_e(note)}</p>" if note else "")
                + "<p class='files'>The same table as data: "
                f"<a href='../../{_e(t.files[0])}'>{_e(t.files[0])}</a>.</p></main></body></html>\n")
        path = folder / f"{t.name}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
        written.append(path)
    return written
