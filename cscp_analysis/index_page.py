"""``index.html``: the scrutineer's entry page, organised by the four lenses.

Plain HTML with inline CSS and no scripts, so the pack reads offline from any folder or a USB stick.
Every image has its alt text; every table and figure links to the CSV of its data. Nothing here reads
the clock, so the page is the same on every run of the same inputs.
"""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path

from .evidence import LENSES, CatalogueEntry

__all__ = ["write_index"]

_CSS = """
body{font-family:Arial,Helvetica,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#0b0c0c;line-height:1.45}
h1{font-size:1.8em;margin-bottom:.2em}h2{border-bottom:3px solid #12436D;padding-bottom:.2em;margin-top:2em}
h3{margin-bottom:.3em}.sub{color:#505a5f;margin-top:0}a{color:#1d70b8}a:focus{outline:3px solid #fd0;background:#fd0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:1.2em}
figure{margin:0;border:1px solid #b1b4b6;padding:.6em;background:#fff}figure img{width:100%;height:auto}
figcaption{font-size:.9em;color:#0b0c0c}ul.tables{columns:2;font-size:.95em}nav ul{list-style:none;padding:0}
nav li{display:inline;margin-right:1.2em}.files{font-size:.85em;color:#505a5f}
"""


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


def write_index(pack_dir: str | Path, catalogue: list[CatalogueEntry], title: str, subtitle: str = "") -> Path:
    """Write ``index.html`` for the pack in ``pack_dir`` from the catalogue of its tables and figures."""
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
        f"<header><h1>{_e(title)}</h1>",
        f'<p class="sub">{_e(subtitle)}</p></header>' if subtitle else "</header>",
        "<nav aria-label='Lenses'><ul>",
    ]
    lenses = [lens for lens in LENSES if by_lens.get(lens) or any(notebook_lens.get(r[:-5]) == lens for r in reports)]
    for lens in lenses:
        parts.append(f"<li><a href='#{lens}'>{_e(LENSES[lens].split(':')[0])}</a></li>")
    parts.append("</ul></nav><main>")

    if "05_scrutiny_summary.html" in reports:
        parts.append("<p><strong>Start here: <a href='html/05_scrutiny_summary.html'>the scrutiny summary</a></strong>"
                     " — what is working well, what we are worried about and what needs to happen, by priority.</p>")
    parts.append("<h2 id='reports'>Reports</h2><ul>")
    for r in reports:
        label = r[:-5].replace("_", " ")
        label = label[3:] if label[:2].isdigit() else label
        parts.append(f"<li><a href='html/{_e(r)}'>{_e(label.capitalize())}</a> "
                     f"<span class='files'>(<a href='notebooks/{_e(r[:-5])}.ipynb'>notebook</a>)</span></li>")
    parts.append("</ul>")

    for lens in lenses:
        entries = by_lens.get(lens, [])
        parts.append(f"<section><h2 id='{lens}'>{_e(LENSES[lens])}</h2>")
        figures = [e for e in entries if e.kind == "figure"]
        tables = [e for e in entries if e.kind == "table"]
        if figures:
            parts.append("<div class='grid'>")
            for f in figures:
                png = next((x for x in f.files if x.endswith(".png")), None)
                svg = next((x for x in f.files if x.endswith(".svg")), None)
                data = next((x for x in f.files if x.endswith(".csv")), None)
                number = f"{_e(f.number)}: " if f.number else ""
                parts.append("<figure>")
                if png:
                    parts.append(f"<img src='{_e(png)}' alt='{_e(f.alt)}'>")
                links = [f"<a href='{_e(svg)}'>SVG</a>" if svg else "", f"<a href='{_e(data)}'>data (CSV)</a>" if data else ""]
                parts.append(f"<figcaption><strong>{number}{_e(f.title)}</strong><br>"
                             f"<span class='files'>{' · '.join(x for x in links if x)}</span></figcaption></figure>")
            parts.append("</div>")
        if tables:
            parts.append("<h3>Tables</h3><ul class='tables'>")
            for t in tables:
                number = f"{_e(t.number)}: " if t.number else ""
                parts.append(f"<li><a href='{_e(t.files[0])}'>{number}{_e(t.title)}</a></li>")
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
    path = pack_dir / "index.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
