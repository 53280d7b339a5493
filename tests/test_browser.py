"""The pack in a real browser: headless Chromium opens index.html offline.

Every link and image must resolve to a file in the pack, every image must load and carry alt text,
nothing may be fetched from the network, and a screenshot is kept for the record.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("href", "src"):
            if a.get(key):
                self.refs.append((tag, a[key]))


def test_index_links_and_images_resolve_offline(quarter_pack: Path):
    parser = _Links()
    parser.feed((quarter_pack / "index.html").read_text(encoding="utf-8"))
    assert parser.refs
    for tag, ref in parser.refs:
        url = urlparse(ref)
        assert url.scheme in ("", "file"), f"{tag} points off the pack: {ref}"
        if ref.startswith("#"):
            continue
        assert (quarter_pack / unquote(url.path)).is_file(), f"broken {tag}: {ref}"


def _pages(pack: Path) -> list[Path]:
    return [pack / "index.html", *sorted((pack / "html").glob("*.html"))]


def test_every_page_in_headless_chromium(quarter_pack: Path, chromium: str, tmp_path: Path):
    """Each page at 1280 px: nothing fetched from the network, every image loaded with its alt text, no table
    wider than the page, and axe-core finds no serious or critical accessibility violation."""
    playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright (in the dev extras)")
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright",
                                     reason="pip install axe-playwright-python (in the dev extras)")
    axe = axe_module.Axe()
    requests, failed, problems = [], [], []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("request", lambda r: requests.append(r.url))
        page.on("requestfailed", lambda r: failed.append(r.url))
        for path in _pages(quarter_pack):
            page.goto(path.resolve().as_uri(), wait_until="load")
            layout = page.evaluate("""() => ({doc: document.documentElement.scrollWidth,
                tables: [...document.querySelectorAll('table')].map(t => [t.className, t.scrollWidth,
                                                                          t.parentElement.clientWidth])})""")
            if layout["doc"] > 1280:
                problems.append(f"{path.name}: the page scrolls sideways ({layout['doc']} px)")
            for cls, width, box in layout["tables"]:
                if width > box + 1:
                    problems.append(f"{path.name}: a table ({cls}) is {width} px in a {box} px box")
            images = page.eval_on_selector_all(
                "img", "els => els.map(e => ({src: (e.getAttribute('src') || '').slice(0, 40), alt: e.getAttribute('alt'), "
                       "loaded: e.complete && e.naturalWidth > 0}))")
            problems += [f"{path.name}: image not loaded ({i['src']})" for i in images if not i["loaded"]]
            problems += [f"{path.name}: image without alt text" for i in images if not i["alt"]]
            result = axe.run(page)
            for v in result.response["violations"]:
                if v["impact"] in ("serious", "critical"):
                    problems.append(f"{path.name}: axe {v['id']} ({v['impact']}) on {len(v['nodes'])} element(s)")
            if path.name == "index.html":
                shot = tmp_path / "index.png"
                page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert not problems, "\n".join(problems)
    assert not failed, failed
    assert all(u.startswith("file://") or u.startswith("data:") for u in requests), \
        [u for u in requests if not u.startswith(("file://", "data:"))]
    assert shot.stat().st_size > 10_000
    keep = Path(__file__).resolve().parents[1] / ".pytest_cache" / "index-screenshot.png"
    keep.parent.mkdir(exist_ok=True)
    keep.write_bytes(shot.read_bytes())


def test_the_scorecard_summary_fits_one_screen_wide(quarter_pack: Path, chromium: str):
    playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright (in the dev extras)")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto((quarter_pack / "html" / "02_performance_scorecard.html").resolve().as_uri(), wait_until="load")
        widths = page.evaluate("""() => ['table.cscp-summary', 'table.cscp-detail'].map(s => {
            const t = document.querySelector(s); return t ? [t.scrollWidth, window.innerWidth] : null; })""")
        align = page.evaluate("() => getComputedStyle(document.querySelector('table.cscp-summary th[scope=row]')).textAlign")
        browser.close()
    for w in widths:
        assert w is not None and w[0] <= w[1], widths
    assert align in ("left", "start")
