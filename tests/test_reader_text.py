"""What readers see on every page of the pack: words, not program output.

Issue 15's standard, checked on both demo packs: no code-like token (``age_band``, ``cscp_analysis.stats``,
``indicators.yaml``) in the visible text of any page outside the folded notes for the analyst, and no
p-value written as ``low``. File names of the pack's own data (``tables/scorecard.csv``) are links a reader
follows, so they may appear.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytestmark = [pytest.mark.slow]

#: snake_case names, dotted module paths, configuration files.
CODE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\bcscp_analysis\.[\w.]+|\b[\w-]+\.ya?ml\b")
#: A file of the pack, or of the published reference data, named as such (a link's text, a source line).
FILE = re.compile(r"[\w./-]+\.(?:csv|xlsx|pdf|svg|html|txt|json)\b")
P_LOW = re.compile(r"\bp\s*(?:=|is|value)?\s*low\b", re.IGNORECASE)


def visible_text(page: Path) -> str:
    """The text a reader sees, without scripts, styles, inline charts and the folded analyst notes."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["script", "style", "details", "code", "svg", "template"]):
        tag.decompose()
    return soup.get_text(" ")


def residue(pack: Path) -> dict[str, list[str]]:
    found = {}
    for page in sorted([*pack.glob("*.html"), *(pack / "html").rglob("*.html")]):
        text = visible_text(page)
        hits = sorted(set(CODE.findall(FILE.sub(" ", text))) | set(P_LOW.findall(text)))
        if hits:
            found[page.relative_to(pack).as_posix()] = hits[:10]
    return found


def test_the_check_finds_what_the_issue_saw(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<p>Rates by ethnicity_major and age_band, from config/indicators.yaml (p low).</p>"
                    "<details><summary>For the analyst</summary>rule SC_WR_1</details>"
                    "<p>The same table as data: <a href='x'>tables/scorecard_spc.csv</a>.</p>", encoding="utf-8")
    (tmp_path / "html").mkdir()
    assert residue(tmp_path) == {"page.html": sorted(["age_band", "ethnicity_major", "indicators.yaml", "p low"])}


@pytest.mark.parametrize("audience", ["board", "public"])
def test_no_page_of_the_demo_pack_shows_code_to_its_readers(audience, quarter_pack, public_pack):
    pack = quarter_pack if audience == "board" else public_pack[0]
    pages = [*pack.glob("*.html"), *(pack / "html").rglob("*.html")]
    assert len(pages) > 90
    assert residue(pack) == {}
