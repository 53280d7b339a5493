"""What validation decided, on the scorecard: rows set aside in the tables an indicator reads, and
commentary screened as giving detail about individual children (withheld from the public pack, flagged
for the board)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pandas as pd
import pytest

from cscp_analysis.returns import SetAside, get_rule
from cscp_analysis.scorecard import commentary_table, compute, published_table
from cscp_analysis.scorecard import sections as S
from cscp_analysis.scorecard.board import detail_html, summary_html, workbook_sheets

from .conftest import PERIOD, make_returns, only

RULE = get_rule("RET-050").sentence  # "Dates on a row are in order (e.g. a referral_date on or before ...)."
FLAGGED = "Of the 59 suspended, 2 were girls aged 14 at Caludon Castle School."


@pytest.fixture(scope="module")
def base():
    return make_returns()


def _with(base, **extra) -> SimpleNamespace:
    return SimpleNamespace(**{**vars(base), **extra})


@pytest.fixture(scope="module")
def set_aside_card(base, config):
    returns = _with(base, set_aside_rows={"referrals": SetAside(3, 4_000, ((RULE, 3),), "csc/referrals.csv"),
                                          "lado": SetAside(2, 300, ((RULE, 2),), "assurance/lado.csv")})
    return compute(returns, PERIOD, config, only(config, "CSC-01", "CSC-02", "CSC-07", "EDU-01"))


def test_an_indicator_records_the_tables_it_read_with_rows_set_aside(set_aside_card):
    # referrals per 10,000 and re-referrals read the referrals; plans and suspensions do not
    assert list(set_aside_card["CSC-01"].set_aside) == ["referrals"]
    assert list(set_aside_card["CSC-02"].set_aside) == ["referrals"]
    assert set_aside_card["CSC-07"].set_aside == {} and set_aside_card["EDU-01"].set_aside == {}


def test_the_scorecard_says_once_which_indicators_leave_rows_out_and_why(set_aside_card):
    table = published_table(set_aside_card)
    intro = S.overview(set_aside_card, table).intro
    assert intro == (
        "**Rows set aside.** 3 of 4,000 referrals in the children's social care extract were set aside (they did not "
        "meet the rule that dates on a row are in order); the indicators computed from them leave them out (CSC-01 "
        f"{set_aside_card['CSC-01'].indicator.label}; CSC-02 {set_aside_card['CSC-02'].indicator.label}).")
    # the other sections point to it in one sentence; the LADO register feeds none of these indicators
    for sec in (S.detail(set_aside_card, table), S.spc(set_aside_card), S.findings(set_aside_card)):
        assert sec.intro.startswith("**Rows set aside.** Some indicators below leave out rows set aside at validation "
                                    "(3 of 4,000 referrals)"), sec.name
        assert "allegations" not in sec.intro


def test_each_indicator_row_says_what_it_leaves_out(set_aside_card):
    table = published_table(set_aside_card).set_index("indicator_id")
    assert table.loc["CSC-01", "set_aside"] == "Leaves out rows set aside at validation: 3 of 4,000 referrals."
    assert table.loc["CSC-07", "set_aside"] == ""
    html = summary_html(set_aside_card, table.reset_index(), pd.DataFrame(columns=["indicator_id", "value"]))
    assert html.count("leaves out rows set aside at validation: 3 of 4,000 referrals") == 2  # CSC-01 and CSC-02


def test_nothing_set_aside_says_nothing(base, config):
    sc = compute(base, PERIOD, config, only(config, "CSC-01"))
    assert sc["CSC-01"].set_aside == {} and S.overview(sc, published_table(sc)).intro == ""
    assert published_table(sc)["set_aside"].tolist() == [""]


# --- commentary screened for detail about individual children ------------------------------------------------


def _flagged_returns(base):
    """The fixture's commentary with its file and row, one more row on suspensions that the screen flagged."""
    com = base.commentary.copy()
    extra = pd.DataFrame([(PERIOD, "EDUCATION", "EDU_SUSPENSIONS", FLAGGED, "Head of Inclusion")], columns=com.columns)
    com = pd.concat([com, extra], ignore_index=True)
    com["_file"] = f"{PERIOD}/commentary.csv"
    com["_row"] = range(2, len(com) + 2)
    flagged_row = int(com["_row"].iloc[-1])
    withheld = pd.DataFrame({"_file": [f"{PERIOD}/commentary.csv"], "_row": [flagged_row],
                             "kinds": ["a count of children small enough to identify them; a child's age together "
                                       "with a named place"]})
    return _with(base, commentary=com, commentary_withheld=lambda: withheld)


def _card(base, config, audience):
    cfg = dataclasses.replace(config, raw={**config.raw, "audience": audience})
    return compute(_flagged_returns(base), PERIOD, cfg, only(cfg, "EDU-01", "EDU-02"))


def _everything_published(sc) -> str:
    table = published_table(sc)
    com = commentary_table(sc)
    sheets = workbook_sheets(sc, table, pd.DataFrame(columns=["indicator_id"]), com, pd.DataFrame())
    return " ".join([table.to_csv(), com.to_csv(), detail_html(table), S.commentary(sc).tables[0].view.to_csv(),
                     " ".join(f.text for f in S.commentary(sc).findings),
                     " ".join(sh.table.to_csv() for sh in sheets if sh.table is not None)])


def test_the_public_pack_withholds_flagged_commentary_and_says_so_in_words(base, config):
    sc = _card(base, config, "public")
    edu = sc["EDU-01"]
    assert FLAGGED not in edu.commentary and edu.commentary == "Commentary on EDU_SUSPENSIONS."  # the other row stays
    assert edu.commentary_status == "provided"
    assert edu.commentary_flag == ("Part of the agency's commentary was withheld for review: it seemed to give detail "
                                   "about individual children, so it is not published until the agency has rewritten "
                                   "it.")
    published = _everything_published(sc)
    assert "Caludon" not in published and "2 were girls" not in published
    assert "a child's age together with a named place" not in published  # not even the kind of detail
    assert "withheld for review" in detail_html(published_table(sc))
    assert sc["EDU-02"].commentary_flag == ""


def test_commentary_that_is_all_flagged_is_withheld_not_missing(base, config):
    returns = _flagged_returns(base)
    com = returns.commentary
    returns.commentary = com[~((com["indicator"] == "EDU_SUSPENSIONS") & (com["commentary"] != FLAGGED))]
    cfg = dataclasses.replace(config, raw={**config.raw, "audience": "public"})
    edu = compute(returns, PERIOD, cfg, only(cfg, "EDU-01"))["EDU-01"]
    assert (edu.commentary, edu.commentary_status) == ("", "withheld")
    assert edu.commentary_flag.startswith("The agency's commentary was withheld for review")
    cell = detail_html(published_table(compute(returns, PERIOD, cfg, only(cfg, "EDU-01"))))
    assert "<strong>Withheld for review</strong>" in cell and "Missing" not in cell


def test_the_board_sees_flagged_commentary_with_a_flag_to_read_it_before_publishing(base, config):
    sc = _card(base, config, "board")
    edu = sc["EDU-01"]
    assert FLAGGED in edu.commentary and edu.commentary_status == "provided"
    assert edu.commentary_flag == (
        "Read before publishing: this commentary seems to give detail about individual children (a count of children "
        "small enough to identify them; a child's age together with a named place). The public pack withholds it "
        "until it has been reviewed.")
    html = detail_html(published_table(sc))
    assert "Flagged: read before publishing.</strong> <small>This commentary seems" in html and "Caludon Castle School" in html
    assert html.count("ead before publishing") == 1  # the flag once, not its lead twice
    com = commentary_table(sc).set_index("indicator_id")
    assert com.loc["EDU-01", "commentary_flag"] == edu.commentary_flag and com.loc["EDU-02", "commentary_flag"] == ""
    assert any("flagged, for the board to read before anything is published" in f.text
               for f in S.commentary(sc).findings)


def test_unscreened_commentary_is_shown_as_it_was(base, config):
    # no screen results (a returns object without them) and no file and row: nothing flagged, nothing withheld
    sc = compute(base, PERIOD, config, only(config, "EDU-01"))
    assert sc["EDU-01"].commentary == "Commentary on EDU_SUSPENSIONS." and sc["EDU-01"].commentary_flag == ""
