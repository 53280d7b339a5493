"""Issue 18 follow-up: what validation decided reaches the pages, from the demo as the loader leaves it.

Five children's records with an unreadable date of birth (set aside, with the rows that hang on them), a
police breakdown group sent as ``c``, and commentary giving a child's age with a named school: each test
loads that once and reads the page the reader would see.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from cscp_analysis import intake, scorecard
from cscp_analysis.config import load_partnership
from cscp_analysis.disproportionality import sections as disproportionality
from cscp_analysis.returns import load_returns
from cscp_analysis.scorecard import sections as scorecard_sections

from .conftest import DEMO, linked_copy, read, write

PERIOD = "2026-27-Q2"
SCHOOL = "Caludon Castle School"
COMMENTARY = f"Suspensions rose; one girl aged 14 at {SCHOOL} was suspended three times."


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    demo = linked_copy(DEMO, tmp_path_factory.mktemp("pages") / "data")
    ch = read(demo, "csc/children.csv")
    ch.loc[:4, "date_of_birth"] = "not known"
    write(demo, "csc/children.csv", ch)
    police = read(demo, f"{PERIOD}/police.csv")
    hit = (police["indicator"] == "POL_ARRESTS") & (police["breakdown"] == "ethnicity") & (police["group"] == "Black")
    police.loc[hit, "numerator"] = "c"
    write(demo, f"{PERIOD}/police.csv", police)
    com = read(demo, f"{PERIOD}/commentary.csv")
    com.loc[com.index[com["indicator"] == "EDU_SUSPENSIONS"][0], "commentary"] = COMMENTARY
    write(demo, f"{PERIOD}/commentary.csv", com)
    return demo


def _returns(data, audience):
    config = load_partnership()
    return load_returns(data, PERIOD, dataclasses.replace(config, raw={**config.raw, "audience": audience}))


@pytest.fixture(scope="module")
def public(data):
    return _returns(data, "public")


def test_the_loader_decided_what_the_pages_are_about(public):
    assert public.set_aside("children").n == 5 and public.blocked_reason(table="children") is None
    assert public.partner_suppressed["group"].tolist() == ["Black"]
    assert len(public.commentary_withheld()) == 1


def test_the_data_returns_page_lists_the_rows_set_aside(public):
    view = intake.rows_section(public).table("set_aside").view.set_index("Records")
    assert view.loc["Children's records in the children's social care extract", ["Set aside", "Of"]].tolist() == \
        ["5", "17,620"]
    assert "Referrals in the children's social care extract" in view.index


def test_the_disproportionality_page_says_what_it_leaves_out_and_what_the_police_suppressed(public):
    res = disproportionality.run(public, public.config, public.period)
    referred = disproportionality.who_is_referred(res).intro
    assert "From the children's social care extract: 5 of 17,620 children's records" in referred
    partners = disproportionality.partners_returns(res)
    assert "(children aged 10 to 17 arrested: Black children)" in partners.intro
    table = partners.tables[0].data
    black = table[(table["indicator"] == "POL_ARRESTS") & (table["group"] == "Black")].iloc[0]
    assert (black["number"], black["suppressed_by_partner"]) == ("c", "yes")


def test_the_public_scorecard_withholds_the_commentary_and_the_board_sees_it_flagged(data, public):
    sc = scorecard.compute(public, PERIOD, public.config)
    assert SCHOOL not in scorecard.published_table(sc).to_csv() + scorecard.commentary_table(sc).to_csv()
    assert "withheld for review" in sc["EDU-01"].commentary_flag
    intro = scorecard_sections.overview(sc, scorecard.published_table(sc)).intro
    assert "of 24,160 referrals in the children's social care extract were set aside" in intro
    board = _returns(data, "board")
    sc = scorecard.compute(board, PERIOD, board.config)
    assert COMMENTARY in sc["EDU-01"].commentary and sc["EDU-01"].commentary_flag.startswith("Read before publishing")
