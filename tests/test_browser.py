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


def test_index_in_headless_chromium(quarter_pack: Path, chromium: str, tmp_path: Path):
    playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright (in the dev extras)")
    requests, failed = [], []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("request", lambda r: requests.append(r.url))
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.goto((quarter_pack / "index.html").resolve().as_uri(), wait_until="load")
        images = page.eval_on_selector_all(
            "img", "els => els.map(e => ({src: e.getAttribute('src'), alt: e.getAttribute('alt'), "
                   "loaded: e.complete && e.naturalWidth > 0}))")
        shot = tmp_path / "index.png"
        page.screenshot(path=str(shot), full_page=True)
        # follow the link to the scrutiny summary: it too reads offline with every image described
        page.click("text=the scrutiny summary")
        page.wait_for_load_state("load")
        summary_title = page.title()
        summary_imgs = page.eval_on_selector_all("img", "els => els.map(e => e.getAttribute('alt'))")
        browser.close()
    assert images, "the index shows no figures"
    assert all(i["loaded"] for i in images), [i["src"] for i in images if not i["loaded"]]
    assert all(i["alt"] and len(i["alt"]) >= 20 for i in images), [i["src"] for i in images if not i["alt"]]
    assert not failed, failed
    assert all(u.startswith("file://") or u.startswith("data:") for u in requests), \
        [u for u in requests if not u.startswith(("file://", "data:"))]
    assert shot.stat().st_size > 10_000
    assert "scrutiny" in summary_title.lower() or summary_title
    assert all(a for a in summary_imgs)
    # keep the screenshot beside the test run for inspection
    keep = Path(__file__).resolve().parents[1] / ".pytest_cache" / "index-screenshot.png"
    keep.parent.mkdir(exist_ok=True)
    keep.write_bytes(shot.read_bytes())
