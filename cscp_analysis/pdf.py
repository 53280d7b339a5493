"""A reader page of the evidence pack as a tagged, accessible A4 PDF (PDF/UA-1), with WeasyPrint.

The scrutiny summary and the annual report book are read on paper and forwarded as attachments, so
the pack carries them as PDF too, with the same headings, tables and figures as their HTML pages::

    pdf.html_to_pdf(pack / "html" / "05_scrutiny_summary.html", pack / "scrutiny_summary.pdf",
                    title="Scrutiny summary, July to September 2026", created=date(2026, 10, 15),
                    marking="OFFICIAL-SENSITIVE")

**Input: the reader HTML the pack already has.** The pipeline renders each executed notebook to
HTML with nbconvert's "lab" template, code and parameter cells removed. :func:`printable_html` keeps
the content of that page (headings, paragraphs, lists, tables, images with their alt text) and drops
the notebook's screen chrome: the JupyterLab style sheets and scripts of the page head, input and
output prompts, the pilcrow links beside headings and warnings a cell printed to stderr. It then puts
the content into a fresh page with a print style sheet. Working from the rendered HTML rather than
the notebook keeps one rendering path: the PDF shows exactly what the HTML page shows, and any HTML
(not only a notebook's) can be printed the same way.

**The print style sheet**: A4 with 18 mm side margins; the marking (when given) centred at the top
and bottom of every page and, as text a screen reader reads, at the head of the first page; "Page n
of m" at the foot; headings kept with what follows them; table rows, figures and images never split
across pages, header rows repeated; a table of nine columns or more on landscape pages; cells holding a number or a symbol (``c``, ``x``) right-aligned;
images scaled down to the width of the text.

**Tagged PDF/UA-1** (WeasyPrint's ``pdf_variant="pdf/ua-1"``, which switches on ``pdf_tags``): a
structure tree (headings, paragraphs, lists, tables with header cells, figures with their alt text),
``/MarkInfo << /Marked true >>``, the document language (``/Lang``), the title in the document
information and XMP metadata (shown in the viewer's title bar) and the PDF/UA identification
(``pdfuaid:part 1``) in the XMP metadata. Headings also become the PDF's bookmarks.

**Same bytes every time**: the creation and modification dates are the ``created`` argument (never
the clock), and the file identifier is a hash of the content (``pdf_identifier=True``), so two runs
on the same inputs, with the same fonts installed, give identical files.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from pathlib import Path

__all__ = ["html_to_pdf", "printable_html", "print_stylesheet", "PdfError"]

# Notebook chrome that has no place on paper (nbconvert's lab template and JupyterLab's classes).
_DROP_SELECTORS = (
    ".jp-InputPrompt, .jp-OutputPrompt, .jp-InputArea-prompt, .jp-OutputArea-prompt, "
    "a.anchor-link, [data-mime-type='application/vnd.jupyter.stderr']"
)
_DROP_TAGS = ("script", "link", "meta", "noscript", "template", "button", "input", "title")
# A table with this many columns or more is printed on landscape pages, across the full text width.
WIDE_TABLE_COLUMNS = 9
# A table cell holding a number or a disclosure symbol is right-aligned so that columns line up.
_NUMBER_CELL = re.compile(r"[-−+]?[0-9][0-9,]*(\.[0-9]+)?\s*%?|[-−+]?\.[0-9]+|\[?(c|x|z|u|low)\]?")


class PdfError(ValueError):
    """The page cannot be printed as asked; the message says what to change."""


def print_stylesheet(marking: str | None = None) -> str:
    """The print CSS: A4 page, margins, page numbers, the marking on every page, no split rows."""
    mark = _css_string(marking) if marking else None
    margin_marking = (
        f"  @top-center {{ content: {mark}; font-weight: bold; font-size: 9pt; }}\n"
        f"  @bottom-center {{ content: {mark}; font-weight: bold; font-size: 9pt; }}\n"
    ) if mark else ""
    first_page = "@page :first { @top-center { content: none; } }\n" if mark else ""
    return (
        "@page {\n"
        "  size: A4 portrait;\n"
        "  margin: 20mm 18mm 22mm 18mm;\n"
        f"{margin_marking}"
        '  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 9pt; }\n'
        "}\n"
        "@page wide { size: A4 landscape; }\n"
        f"{first_page}"
        "html { font-family: Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif; font-size: 10pt;\n"
        "       line-height: 1.35; color: #0b0c0c; }\n"
        "body { margin: 0; }\n"
        ".cscp-marking { text-align: center; font-weight: bold; font-size: 9pt; margin: 0 0 6mm 0; }\n"
        "h1 { font-size: 18pt; margin: 0 0 4mm 0; }\n"
        "h2 { font-size: 14pt; margin: 6mm 0 2mm 0; }\n"
        "h3, h4, h5, h6 { font-size: 11pt; margin: 4mm 0 2mm 0; }\n"
        "h1, h2, h3, h4, h5, h6 { break-after: avoid; page-break-after: avoid; break-inside: avoid; }\n"
        "p, li { orphans: 2; widows: 2; }\n"
        "img, svg { max-width: 100% !important; height: auto !important; break-inside: avoid; }\n"
        "figure, tr, img { break-inside: avoid; page-break-inside: avoid; }\n"
        "table { border-collapse: collapse; margin: 2mm 0 4mm 0; font-size: 8.5pt; max-width: 100%; }\n"
        "thead { display: table-header-group; }\n"
        "caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: 1mm; }\n"
        "th, td { border-bottom: 0.5pt solid #b1b4b6; padding: 1mm 1.5mm; vertical-align: top;\n"
        "         text-align: left; overflow-wrap: break-word; }\n"
        "thead th { border-bottom: 1pt solid #0b0c0c; vertical-align: bottom; }\n"
        "td.cscp-number { text-align: right; font-variant-numeric: tabular-nums; }\n"
        "pre { white-space: pre-wrap; font-size: 8.5pt; }\n"
        ".cscp-wide { page: wide; }\n"
        ".cscp-wide table { width: 100%; font-size: 7pt; }\n"
        ".cscp-wide th, .cscp-wide td { padding: 0.6mm 1mm; }\n"
        ".cscp-wide th, .cscp-wide td { hyphens: auto; hyphenate-limit-chars: 9 4 4; }\n"
        "a { color: #1d70b8; }\n"
    )


def printable_html(html: str, *, title: str, created: dt.date | dt.datetime | str, lang: str = "en-GB",
                   marking: str | None = None, author: str | None = None, page_dir: Path | None = None,
                   pdf_dir: Path | None = None, prints: dict[str, Path] | None = None) -> str:
    """The content of an HTML page (a notebook's reader page or any other) in a fresh printable page.

    See the module docstring for what is kept and what is dropped. Style sheets inside the body (a
    table's own colours) are kept; those of the page head (the JupyterLab theme) are not. Given the
    page's folder and the PDF's, relative links are rewritten to point from where the PDF will sit
    (``html/02_performance_scorecard.html`` from the pack's top), and relative images to files on disk
    (:func:`_relink`). ``prints`` swaps a chart embedded as SVG for its print-resolution PNG
    (:func:`_print_images`).
    """
    from bs4 import BeautifulSoup

    if not isinstance(title, str) or not title.strip():
        raise PdfError("a PDF needs a title (it is shown in the viewer's title bar and read out first)")
    if not isinstance(lang, str) or not lang.strip():
        raise PdfError("a PDF needs its language, such as en-GB")
    stamp = _w3c_date(created)
    soup = BeautifulSoup(html, "html.parser")
    body = soup.body or soup
    for tag in body.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in body.select(_DROP_SELECTORS):
        tag.decompose()
    for style in (soup.head.find_all("style") if soup.head else []):
        style.decompose()
    if page_dir is not None and pdf_dir is not None:
        _relink(body, Path(page_dir), Path(pdf_dir))
    if prints:
        _print_images(body, prints)
    for cell in body.find_all("td"):
        if _NUMBER_CELL.fullmatch(cell.get_text(strip=True)):
            cell["class"] = [*cell.get("class", []), "cscp-number"]
    for table in body.find_all("table"):
        if table.find_parent("table") is not None:
            continue
        wide = _columns(table) >= WIDE_TABLE_COLUMNS
        if wide:
            table.wrap(soup.new_tag("div", attrs={"class": "cscp-wide"}))
        _fix_column_widths(soup, table, wide)
    content = body.decode_contents() if body is not soup else str(soup)
    e = html_lib.escape
    head = [
        '<meta charset="utf-8">',
        f"<title>{e(title)}</title>",
        f'<meta name="dcterms.created" content="{stamp}">',
        f'<meta name="dcterms.modified" content="{stamp}">',
        '<meta name="generator" content="cscp-analysis">',
    ]
    if author:
        head.append(f'<meta name="author" content="{e(author, quote=True)}">')
    head.append(f"<style>{print_stylesheet(marking)}</style>")
    lead = f'<p class="cscp-marking">{e(marking)}</p>' if marking else ""
    return (f'<!DOCTYPE html>\n<html lang="{e(lang, quote=True)}">\n<head>\n' + "\n".join(head)
            + f"\n</head>\n<body>\n{lead}\n{content}\n</body>\n</html>\n")


def _is_relative(url: str) -> bool:
    return bool(url) and not url.startswith(("#", "/")) and not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", url)


def _relink(body, page_dir: Path, pdf_dir: Path) -> None:
    """Relative links made relative to the PDF's folder, relative images made absolute file addresses.

    WeasyPrint writes every link it resolves against a base address as an absolute one. With the page's
    folder as the base, a pack's PDF would point into the private staging folder where it was printed
    (``file:///tmp/cscp-2026-27-Q2-x1y2/pack/html/...``): broken once the pack is published, and a
    different file on every run. So the PDF is printed without a base, its links are relative to where it
    sits in the pack (and still work when the pack is moved), and the images it embeds are found by
    their full path (a path embedded as a picture is not written into the PDF).
    """
    import os
    import posixpath

    rel = Path(os.path.relpath(page_dir, pdf_dir)).as_posix()
    for a in body.find_all("a", href=True):
        href = a["href"].strip()
        if _is_relative(href):
            a["href"] = posixpath.normpath(posixpath.join(rel, href)) + ("/" if href.endswith("/") else "")
    for tag in body.find_all(src=True):
        src = tag["src"].strip()
        if _is_relative(src):
            tag["src"] = (page_dir / src).resolve().as_uri()


def svg_key(svg: bytes) -> str:
    """How a chart's SVG is recognised wherever it is embedded: the sha256 of its bytes."""
    import hashlib

    return hashlib.sha256(svg).hexdigest()


def _print_images(body, prints: dict[str, Path]) -> None:
    """Charts embedded as SVG (``data:image/svg+xml;base64,...``) printed from their PNG at print resolution
    when the pack has one (``prints``: :func:`svg_key` of the SVG -> the PNG; the annual book saves its
    figures at 300 dots per inch for print). WeasyPrint draws SVG in Python, path by path: the annual book's
    22 charts took 25 of its 35 seconds; the same charts as PNGs take well under one. The alt text stays."""
    import base64

    prefix = "data:image/svg+xml;base64,"
    for img in body.find_all("img", src=True):
        src = img["src"].strip()
        if not src.startswith(prefix):
            continue
        try:
            png = prints.get(svg_key(base64.b64decode(src[len(prefix):], validate=False)))
        except ValueError:
            continue
        if png is not None and Path(png).is_file():
            img["src"] = Path(png).resolve().as_uri()


def html_to_pdf(html: str | Path, pdf_path: str | Path, *, title: str, created: dt.date | dt.datetime | str,
                lang: str = "en-GB", marking: str | None = None, base_url: str | Path | None = None,
                author: str | None = None, prints: dict[str, Path] | None = None) -> Path:
    """Print an HTML page to a tagged PDF/UA-1 file; return its path.

    ``html`` is a path to an HTML file (a :class:`~pathlib.Path`, or a string without ``<``) or the
    markup itself.
    ``created`` (a date, a datetime or a W3C date string) is written as the creation and
    modification date; it is a parameter so that the same inputs always give the same bytes.
    ``base_url`` resolves relative links and images; without it, a page read from a file keeps its links
    relative to where the PDF is written (:func:`_relink`), so the same page gives the same bytes
    wherever it is printed. ``prints`` (:func:`_print_images`) prints charts from their PNGs.
    """
    from weasyprint import HTML

    if isinstance(html, Path) or (isinstance(html, str) and "<" not in html):
        source = Path(html)
        if not source.is_file():
            raise PdfError(f"{source}: no such HTML file to print")
        markup = source.read_text(encoding="utf-8")
        base = base_url
        page_dir = None if base_url is not None else source.resolve().parent
    else:
        markup, base, page_dir = html, base_url, None
    out = Path(pdf_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    document = printable_html(markup, title=title, created=created, lang=lang, marking=marking, author=author,
                              page_dir=page_dir, pdf_dir=None if page_dir is None else out.resolve().parent,
                              prints=prints)
    HTML(string=document, base_url=None if base is None else str(base)).write_pdf(
        str(out), pdf_variant="pdf/ua-1", pdf_identifier=True)
    return out


#: Characters of table text across the text width: portrait at 8.5 pt, landscape (wide tables) at 7 pt.
_LINE_CHARS = {False: 100, True: 185}
#: The longest typical cell a column's share is estimated from, in characters.
_TYPICAL_CHARS = 300


def _fix_column_widths(soup, table, wide: bool = False) -> None:
    """Give a table fixed column widths (``table-layout: fixed`` and a ``<colgroup>`` of percentages), so
    that the PDF renderer need not measure every word of every cell to size the columns.

    Automatic table layout finds each column's narrowest and widest content by laying out each cell's text
    at every break opportunity; on the scrutiny summary's text-heavy tables that took 14 of WeasyPrint's
    17 seconds. The widths are estimated from the text instead, in characters: each column first gets room
    for its longest word (so no word is split), as a share of the characters a line of the table holds
    (:data:`_LINE_CHARS`); what is left is shared in proportion to each column's mean cell length (at most
    :data:`_TYPICAL_CHARS`, at least 4). A table that already sets its widths (a ``<colgroup>``) keeps them,
    as does one whose rows are spanned.
    """
    if table.find("colgroup") is not None:
        return
    rows = [row for row in table.find_all("tr") if row.find_parent("table") is table]
    cells = [row.find_all(["td", "th"], recursive=False) for row in rows]
    n = _columns(table)
    plain = [c for c in cells if len(c) == n and all(_span(x) == 1 for x in c)]
    if n < 2 or not plain:
        return
    least, typical = [], []
    for j in range(n):
        texts = [row[j].get_text(" ", strip=True) for row in plain]
        least.append(max((len(w) for t in texts for w in t.split()), default=0) + 2)
        typical.append(min(_TYPICAL_CHARS, max(4.0, sum(map(len, texts)) / len(texts))))
    floor = [x / _LINE_CHARS[wide] for x in least]
    left = 1 - sum(floor)
    if left <= 0:
        shares = [x / sum(least) for x in least]
    else:
        shares = [f + left * t / sum(typical) for f, t in zip(floor, typical, strict=True)]
    group = soup.new_tag("colgroup")
    for share in shares:
        group.append(soup.new_tag("col", attrs={"style": f"width:{100 * share:.1f}%"}))
    caption = table.find("caption", recursive=False)
    if caption is not None:
        caption.insert_after(group)
    else:
        table.insert(0, group)
    table["style"] = (table.get("style", "") + ";table-layout:fixed;width:100%").lstrip(";")


def _columns(table) -> int:
    """How many columns a table has: the most cells in any of its rows, counting colspans."""
    widest = 0
    for row in table.find_all("tr"):
        if row.find_parent("table") is table:
            cells = row.find_all(["td", "th"], recursive=False)
            widest = max(widest, sum(_span(cell) for cell in cells))
    return widest


def _span(cell) -> int:
    try:
        return max(1, int(cell.get("colspan", 1)))
    except ValueError:
        return 1


def _w3c_date(created) -> str:
    """The date as W3C's profile of ISO 8601 (what WeasyPrint reads from ``dcterms.created``)."""
    if isinstance(created, dt.datetime):
        if created.tzinfo is None:
            return created.strftime("%Y-%m-%dT%H:%M:%SZ")
        return created.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(created, dt.date):
        return created.isoformat()
    if isinstance(created, str):
        try:
            dt.date.fromisoformat(created[:10])
        except ValueError:
            raise PdfError(f"created must be a date such as 2026-10-15, not {created!r}") from None
        return created
    raise PdfError(f"created must be a date (a parameter, never the clock), not {created!r}")


def _css_string(text: str) -> str:
    """Text as a quoted CSS string (backslashes, quotes and line breaks escaped)."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return f'"{escaped}"'
