"""Tagged PDF of a pack page: read back with pypdf, drawn to pixels with PDFium (pypdfium2)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pypdf
import pypdfium2
import pytest
from PIL import Image

from cscp_analysis import pdf
from cscp_analysis.pdf import PdfError

CREATED = dt.date(2026, 10, 15)
MARK = "OFFICIAL-SENSITIVE"
TITLE = "Scrutiny summary, July to September 2026"
ALT = "Bar chart: re-referrals were 21.3% this quarter, above the target of 20%."
A4_POINTS = (595.28, 841.89)  # 210 mm × 297 mm at 72 points to the inch


def _png(width: int = 1200, height: int = 400) -> str:
    """A chart-like image: dark bars on white (drawn here, so the test needs no plotting library)."""
    pixels = np.full((height, width, 3), 255, dtype=np.uint8)
    for i, top in enumerate((100, 250, 60, 180)):
        pixels[top:height - 20, 80 + i * 280: 260 + i * 280] = (29, 112, 184)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


PAGE = f"""<!DOCTYPE html><html><head><title>notebook</title></head><body>
<h1>Scrutiny summary</h1>
<p>What is working well, what we are worried about and what needs to happen.</p>
<table><caption>Scorecard, July to September 2026</caption>
<thead><tr><th>Indicator</th><th>This quarter</th><th>RAG</th></tr></thead>
<tbody><tr><td>Re-referrals within 12 months</td><td>21.3</td><td>Red</td></tr>
<tr><td>Assessments within 45 working days</td><td>c</td><td>Grey</td></tr></tbody></table>
<img src="data:image/png;base64,{_png()}" alt="{ALT}" style="width:2000px">
</body></html>"""

# The same PDF, written in this process and in a separate one (the determinism test).
WRITE = f"""
import datetime as dt, sys
from pathlib import Path
from cscp_analysis import pdf
pdf.html_to_pdf(Path(sys.argv[1]), sys.argv[2], title={TITLE!r}, created=dt.date(2026, 10, 15), marking={MARK!r})
"""


@pytest.fixture(scope="module")
def page_html(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def printed(page_html) -> Path:
    return pdf.html_to_pdf(page_html, page_html.with_suffix(".pdf"), title=TITLE, created=CREATED, marking=MARK)


def _structure(node, found: list) -> list:
    """Every structure element under ``node`` as (type, alt text), depth first."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, pypdf.generic.ArrayObject):
        for child in node:
            _structure(child, found)
    elif isinstance(node, pypdf.generic.DictionaryObject):
        if "/S" in node:
            found.append((str(node["/S"]), str(node["/Alt"]) if "/Alt" in node else None))
        if "/K" in node:
            _structure(node["/K"], found)
    return found


# --- (1) tagged PDF/UA, read with pypdf --------------------------------------------------------------

def test_marked_with_structure_tree_language_and_title(printed):
    reader = pypdf.PdfReader(str(printed))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])  # the viewer shows the title, not the file name
    assert reader.metadata.title == TITLE
    assert reader.metadata["/CreationDate"].startswith("D:20261015")
    assert reader.metadata["/ModDate"].startswith("D:20261015")


def test_xmp_identifies_pdf_ua_and_carries_the_title(printed):
    xmp = pypdf.PdfReader(str(printed)).trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfuaid:part="1"' in xmp
    assert f'<rdf:li xml:lang="x-default">{TITLE}</rdf:li>' in xmp
    assert "<xmp:CreateDate>2026-10-15</xmp:CreateDate>" in xmp


def test_structure_tree_has_heading_table_cells_and_figure_with_alt_text(printed):
    root = pypdf.PdfReader(str(printed)).trailer["/Root"]
    found = _structure(root["/StructTreeRoot"], [])
    kinds = [kind for kind, _ in found]
    assert kinds[0] == "/Document"
    for kind in ("/H1", "/P", "/Table", "/Caption", "/TR", "/TH", "/TD"):
        assert kind in kinds, kind
    assert kinds.count("/TH") == 3 and kinds.count("/TD") == 6
    assert ("/Figure", ALT) in found


# --- (2) drawn to pixels: an A4 page with something on it ---------------------------------------------

def test_page_is_a4_and_not_blank(printed):
    document = pypdfium2.PdfDocument(str(printed))
    assert len(document) == 1
    page = document[0]
    assert page.get_size() == pytest.approx(A4_POINTS, abs=0.1)
    pixels = page.render(scale=1).to_numpy()[..., :3]
    assert pixels.shape[0] == 842 and pixels.shape[1] in (595, 596)  # 1 pixel a point, rounded up
    ink = (pixels < 200).any(axis=2).mean()
    assert ink > 0.05, f"only {ink:.1%} of the page is drawn on"


def test_marking_and_page_number_on_the_page(printed):
    text = pypdf.PdfReader(str(printed)).pages[0].extract_text()
    assert text.count(MARK) == 2  # the first page: at its head (read out) and its foot
    assert "Page 1 of 1" in text
    assert "Re-referrals within 12 months" in text and "21.3" in text


def test_image_is_scaled_to_the_text_width(printed):
    page = pypdfium2.PdfDocument(str(printed))[0]
    images = list(page.get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE]))
    assert len(images) == 1
    left, _, right, _ = images[0].get_bounds()
    # 18 mm side margins: the text column runs from 51.0 to 544.3 points, though the page asked for 2000 px
    assert left >= 50.9 and right <= 544.4


def test_long_table_repeats_its_header_and_numbers_every_page(tmp_path):
    rows = "".join(f"<tr><td>Indicator {i}</td><td>{i}.5</td></tr>" for i in range(120))
    html = f"<h2>Every indicator</h2><table><thead><tr><th>Name</th><th>Value</th></tr></thead>{rows}</table>"
    out = pdf.html_to_pdf(html, tmp_path / "long.pdf", title="Long table", created=CREATED, marking=MARK)
    reader = pypdf.PdfReader(str(out))
    n = len(reader.pages)
    assert n >= 2
    for i, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert "Name" in text and "Value" in text  # the header row on every page
        assert f"Page {i} of {n}" in text
        assert MARK in text
    # no row is cut in two: every row's cells are on the same page, each row once
    seen = [line for page in reader.pages for line in page.extract_text().splitlines() if line.startswith("Indicator ")]
    assert len(seen) == 120 and all(line.split()[2] == f"{line.split()[1]}.5" for line in seen)


# --- (3) same bytes ---------------------------------------------------------------------------------

def test_same_inputs_same_bytes_in_another_process_time_zone_and_day(printed, page_html, tmp_path, faketime):
    again = pdf.html_to_pdf(page_html, tmp_path / "again.pdf", title=TITLE, created=CREATED, marking=MARK)
    assert again.read_bytes() == printed.read_bytes()
    other = tmp_path / "other.pdf"
    command = [sys.executable, "-c", WRITE, str(page_html), str(other)]
    if faketime:  # the clock moved years ahead: anything that read it would change the bytes
        command = [faketime, "2031-02-03 04:05:06"] + command
    env = {**os.environ, "TZ": "Pacific/Auckland", "PYTHONHASHSEED": "4321"}
    r = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert hashlib.sha256(other.read_bytes()).hexdigest() == hashlib.sha256(printed.read_bytes()).hexdigest()


def test_the_creation_date_is_the_parameter(page_html, tmp_path, printed):
    later = pdf.html_to_pdf(page_html, tmp_path / "later.pdf", title=TITLE, created=dt.date(2027, 1, 15),
                            marking=MARK)
    assert pypdf.PdfReader(str(later)).metadata["/CreationDate"].startswith("D:20270115")
    assert later.read_bytes() != printed.read_bytes()


# --- a reader page of the pack: the notebook's chrome goes, its content stays ---------------------------

def test_a_notebook_reader_page_prints_its_content_without_its_chrome(tmp_path, caplog):
    from cscp_analysis.pipeline import render_html

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Scrutiny summary\n\nWhat the partnership is looking at."),
        nbformat.v4.new_code_cell("period = '2026-27-Q2'", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("show()", execution_count=3, outputs=[
            nbformat.v4.new_output("display_data", data={
                "text/html": "<table><thead><tr><th>Indicator</th><th>Value</th></tr></thead>"
                             "<tbody><tr><td>Re-referrals</td><td>21.3</td></tr>"
                             "<tr><td>Missing</td><td>c</td></tr></tbody></table>",
                "text/plain": "table"}),
            nbformat.v4.new_output("display_data", data={
                "text/html": f'<img src="data:image/png;base64,{_png(600, 200)}" alt="{ALT}">'}),
            nbformat.v4.new_output("stream", name="stderr", text="FutureWarning: something internal\n"),
        ]),
    ]
    page = render_html_for_test(render_html, nb, tmp_path)
    markup = page.read_text(encoding="utf-8")
    assert "--jp-" in markup and "anchor-link" in markup  # the lab page does carry the chrome

    printable = pdf.printable_html(markup, title=TITLE, created=CREATED, marking=MARK)
    assert "--jp-" not in printable and "anchor-link" not in printable and "¶" not in printable
    assert "FutureWarning" not in printable and "<script" not in printable
    assert "<title>notebook</title>" not in printable and f"<title>{TITLE}</title>" in printable
    assert '<td class="cscp-number">21.3</td>' in printable and '<td class="cscp-number">c</td>' in printable

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        out = pdf.html_to_pdf(page, tmp_path / "summary.pdf", title=TITLE, created=CREATED, marking=MARK)
    # nothing WeasyPrint could not follow or would have to guess (a missing alt text is an error there)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []
    text = pypdf.PdfReader(str(out)).pages[0].extract_text()
    assert "Scrutiny summary" in text and "Re-referrals" in text and "21.3" in text
    assert "period" not in text and "In [" not in text and "[3]" not in text
    found = _structure(pypdf.PdfReader(str(out)).trailer["/Root"]["/StructTreeRoot"], [])
    assert ("/Figure", ALT) in found and ("/H1", None) in found


def render_html_for_test(render_html, nb, folder: Path) -> Path:
    path = folder / "notebook.ipynb"
    nbformat.write(nb, str(path))
    return render_html(path, folder / "notebook.html")


# --- clear errors -----------------------------------------------------------------------------------

def test_bad_requests_get_clear_errors(tmp_path):
    with pytest.raises(PdfError, match="no such HTML file"):
        pdf.html_to_pdf(tmp_path / "missing.html", tmp_path / "x.pdf", title=TITLE, created=CREATED)
    with pytest.raises(PdfError, match="needs a title"):
        pdf.html_to_pdf("<p>x</p>", tmp_path / "x.pdf", title=" ", created=CREATED)
    with pytest.raises(PdfError, match="created must be a date"):
        pdf.html_to_pdf("<p>x</p>", tmp_path / "x.pdf", title=TITLE, created="today")
    assert not (tmp_path / "x.pdf").exists()


def test_marking_is_a_safe_css_string():
    css = pdf.print_stylesheet('SECRET "x" \\ y')
    assert 'content: "SECRET \\"x\\" \\\\ y"' in css
    assert "@top-center" not in pdf.print_stylesheet(None)


def test_a_wide_table_is_printed_across_a_landscape_page(tmp_path):
    headers = [f"Column heading {i}" for i in range(14)]
    row = "".join(f"<td>value {i} with a few words to wrap</td>" for i in range(14))
    html = (f"<h1>Wide</h1><p>Before.</p><table><thead><tr>{''.join(f'<th>{h}</th>' for h in headers)}</tr></thead>"
            f"<tbody><tr>{row}</tr></tbody></table><p>After.</p>")
    out = pdf.html_to_pdf(html, tmp_path / "wide.pdf", title="Wide", created=CREATED, marking=MARK)
    document = pypdfium2.PdfDocument(str(out))
    sizes = [document[i].get_size() for i in range(len(document))]
    landscape = [i for i, (w, h) in enumerate(sizes) if w > h]
    assert sizes[0] == pytest.approx(A4_POINTS, abs=0.1)  # the page starts in portrait
    assert len(landscape) == 1 and sizes[landscape[0]] == pytest.approx(A4_POINTS[::-1], abs=0.1)
    text = document[landscape[0]].get_textpage().get_text_range()
    assert "heading 0" in text and "heading 13" in text  # the last column is on the page, not cut off
    # nothing drawn beyond the right margin (18 mm = 51.0 points; 2 points for half a border and glyph edges)
    right = max(obj.get_bounds()[2] for obj in document[landscape[0]].get_objects())
    assert right <= 841.89 - 51.0 + 2


def test_tables_get_fixed_column_widths_estimated_from_their_text():
    # automatic table layout measured every word of every cell (14 of 17 s on the scrutiny summary); the
    # widths are estimated instead. By hand: column A's longest word is 4 characters (room 4 + 2 = 6 of a
    # 100-character line), its mean cell 2.5 characters (at least 4); column B's longest word 5 (room 7), mean
    # (1 + 13) / 2 = 7. Left after the words' room: 1 - 0.13 = 0.87, shared 4 : 7.
    # A: 0.06 + 0.87 * 4 / 11 = 0.3764; B: 0.07 + 0.87 * 7 / 11 = 0.6236.
    from cscp_analysis.pdf import printable_html

    page = ("<html><body><table><thead><tr><th>A</th><th>B</th></tr></thead>"
            "<tbody><tr><td>abcd</td><td>one two three</td></tr></tbody></table></body></html>")
    out = printable_html(page, title="t", created="2026-10-15")
    assert '<col style="width:37.6%"/><col style="width:62.4%"/>' in out.replace("></col>", "/>")
    assert "table-layout:fixed;width:100%" in out
    # a table that sets its own widths keeps them
    own = page.replace("<table>", '<table><colgroup><col style="width:10%"><col style="width:90%"></colgroup>')
    assert "table-layout:fixed" not in printable_html(own, title="t", created="2026-10-15")


# --- links: relative to where the PDF sits, the same bytes wherever it was printed -----------------------

LINKED = """<!DOCTYPE html><html><body><h1>Scrutiny summary</h1>
<p>See <a href="02_performance_scorecard.html">the scorecard</a>, <a href="../tables/scorecard.csv">its table</a>,
<a href="#top">the top</a> and <a href="https://www.gov.uk/">GOV.UK</a>.</p></body></html>"""


def _links(path: Path) -> list[str]:
    reader = pypdf.PdfReader(str(path))
    return sorted(str(a.get_object()["/A"]["/URI"]) for page in reader.pages for a in page.get("/Annots", [])
                  if "/A" in a.get_object() and "/URI" in a.get_object()["/A"])


def test_a_pack_page_links_from_where_the_pdf_sits_and_prints_the_same_anywhere(tmp_path):
    # a pack is printed in a private staging folder and then moved: links into that folder would break
    # once it is published, and would make every run's PDF different (each staging folder has its own name)
    printed = []
    for staging in ("cscp-2026-27-Q2-abc123", "cscp-2026-27-Q2-xyz789"):
        pack = tmp_path / staging / "pack"
        (pack / "html").mkdir(parents=True)
        page = pack / "html" / "05_scrutiny_summary.html"
        page.write_text(LINKED, encoding="utf-8")
        printed.append(pdf.html_to_pdf(page, pack / "scrutiny_summary.pdf", title=TITLE, created=CREATED))
    assert _links(printed[0]) == ["html/02_performance_scorecard.html", "https://www.gov.uk/", "tables/scorecard.csv"]
    assert printed[0].read_bytes() == printed[1].read_bytes()
    assert b"cscp-2026-27-Q2" not in printed[0].read_bytes()


# --- charts printed from their print-resolution PNG ------------------------------------------------------

SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100"><rect x="10" y="10" width="80" '
       b'height="80" fill="#1d70b8"/></svg>')


def _images(path: Path) -> int:
    reader = pypdf.PdfReader(str(path))
    return sum(1 for page in reader.pages for _ in page.images)


def test_a_chart_with_a_print_png_is_printed_from_it_and_keeps_its_alt_text(tmp_path):
    # WeasyPrint draws SVG path by path: the annual book's charts took most of its time; their 300-dpi PNGs
    # (saved for print) are drawn at once
    png = tmp_path / "chart.png"
    Image.fromarray(np.full((100, 300, 3), 200, dtype=np.uint8)).save(png)
    page = tmp_path / "book.html"
    page.write_text(f'<html><body><h1>Annual report</h1><img alt="{ALT}" '
                    f'src="data:image/svg+xml;base64,{base64.b64encode(SVG).decode()}"></body></html>', encoding="utf-8")
    vector = pdf.html_to_pdf(page, tmp_path / "vector.pdf", title=TITLE, created=CREATED)
    raster = pdf.html_to_pdf(page, tmp_path / "raster.pdf", title=TITLE, created=CREATED,
                             prints={pdf.svg_key(SVG): png})
    assert _images(vector) == 0 and _images(raster) == 1
    figures = [alt for kind, alt in _structure(pypdf.PdfReader(str(raster)).trailer["/Root"]["/StructTreeRoot"], [])
               if kind == "/Figure"]
    assert figures == [ALT]
    other = pdf.html_to_pdf(page, tmp_path / "other.pdf", title=TITLE, created=CREATED,
                            prints={pdf.svg_key(b"<svg/>"): png})  # a PNG of another chart is never used
    assert _images(other) == 0
