"""The rules added by the hardening of issue 18, each with passing and failing rows.

CSC-008 (a referral long before birth), PRT-010 (a group the partner suppressed), COM-002 (commentary
on an unknown indicator) and COM-003 (child-level detail in commentary), and the commentary screen
itself on the issue's own example and on sentences it must leave alone.
"""

import pytest

from cscp_analysis.returns.table import table_from_records

from .conftest import TABLES, ctx, run_rule


def rec(name, i=0, **kw):
    return {**TABLES[name][i], **kw}


# --- CSC-008 -------------------------------------------------------------------------------------------


def test_csc008_referral_more_than_40_weeks_before_birth():
    # C2 was born 2020-06-11. 40 weeks (280 days) earlier is 2019-09-05 (hand count: 2019-09-05 + 280 days
    # = 2020-06-11), so a referral on 2019-09-05 is a valid pre-birth referral and one on 2019-09-04 is not;
    # the issue's case, a referral three years before birth, is an error too.
    c = ctx(children=[rec("children", 1)])
    t = table_from_records("referrals", [
        rec("referrals", 1, referral_id="RA", referral_date="2020-06-11"),   # on the day of birth
        rec("referrals", 1, referral_id="RB", referral_date="2019-09-05"),   # exactly 40 weeks before: valid
        rec("referrals", 1, referral_id="RC", referral_date="2019-09-04"),   # 40 weeks and a day before
        rec("referrals", 1, referral_id="RD", referral_date="2017-06-11"),   # three years before
    ])
    assert run_rule("CSC-008", t, c) == [
        (4, "referral_date", "2019-09-04: 40 weeks before the child's birth on 2020-06-11"),
        (5, "referral_date", "2017-06-11: 156 weeks before the child's birth on 2020-06-11"),
    ]


# --- PRT-010 -------------------------------------------------------------------------------------------


def _row(breakdown="total", group="all", numerator="10", denominator="", indicator="POL_ARRESTS"):
    return {"period": "2026-27-Q2", "agency": "POLICE", "indicator": indicator, "breakdown": breakdown,
            "group": group, "numerator": numerator, "denominator": denominator}


def _pr(rows):
    return table_from_records("partner_return", rows, folder="2026-27-Q2", owner="POLICE")


@pytest.mark.parametrize("symbol", ["c", "[c]", "*", "**", "<5", "< 5", "suppressed", "C"])
def test_prt010_a_partner_suppression_symbol_in_a_breakdown_is_recorded_not_rejected(symbol):
    t = _pr([_row(numerator="12"), _row("sex", "M", "9"), _row("sex", "F", symbol)])
    assert run_rule("PRT-010", t, ctx()) == [(4, "numerator", symbol)]
    assert run_rule("RET-021", t, ctx()) == []  # not "not a whole number"
    assert run_rule("PRT-006", t, ctx()) == []  # a suppressed group cannot add up: not reported as a mismatch


def test_prt010_a_symbol_on_the_total_row_is_still_an_error():
    t = _pr([_row(numerator="c"), _row("sex", "M", "9")])
    assert run_rule("PRT-010", t, ctx()) == []
    assert run_rule("RET-021", t, ctx()) == [(2, "numerator", "c")]


def test_prt010_words_that_are_not_symbols_are_still_errors():
    t = _pr([_row(numerator="12"), _row("sex", "F", "about 3"), _row("sex", "M", "n/a")])
    assert run_rule("PRT-010", t, ctx()) == []
    assert run_rule("RET-021", t, ctx()) == [(3, "numerator", "about 3"), (4, "numerator", "n/a")]


# --- COM-002 -------------------------------------------------------------------------------------------


def _com(rows):
    base = {"period": "2026-27-Q2", "agency": "POLICE", "indicator": "", "commentary": "Stable.", "author_role": ""}
    return table_from_records("commentary", [{**base, **r} for r in rows], folder="2026-27-Q2")


def test_com002_commentary_on_an_unknown_indicator_is_rejected():
    t = _com([{}, {"indicator": "POL_ARRESTS"}, {"indicator": "CSC-01", "agency": "CSC"},
              {"indicator": "POL_NOT_AN_INDICATOR"}, {"indicator": "pol_arrests"}, {"indicator": "HLT_SELF_HARM"}])
    assert run_rule("COM-002", t, ctx()) == [
        (5, "indicator", "POL_NOT_AN_INDICATOR is not an indicator of POLICE"),
        (6, "indicator", "pol_arrests is not an indicator of POLICE; did you mean POL_ARRESTS?"),
        (7, "indicator", "HLT_SELF_HARM is not an indicator of POLICE"),  # another agency's indicator
    ]


# --- COM-003 and the screen ------------------------------------------------------------------------------

ISSUE_EXAMPLE = ("Of the 59 flagged, 2 were girls of Other ethnicity; one girl aged 14 at Caludon Castle School "
                 "was flagged twice")


def test_com003_flags_the_issue_example_by_kind_never_by_its_words():
    t = _com([{"commentary": "Arrests fell by 12% on last quarter."}, {"commentary": ISSUE_EXAMPLE}])
    found = run_rule("COM-003", t, ctx())
    assert found == [(3, "commentary", "a child's age together with a named place"),
                     (3, "commentary", "a count of children small enough to identify them")]
    assert all("Caludon" not in v and "14" not in v for _, _, v in found)  # the report is published


def test_the_screen_finds_each_kind_in_the_issue_example():
    from cscp_analysis.returns.commentary_scan import scan_text

    assert scan_text(ISSUE_EXAMPLE) == [("count", "2 were girls"), ("count", "one girl"),
                                        ("age_place", "aged 14 … Caludon Castle School")]


@pytest.mark.parametrize("text, kinds", [
    ("Three siblings were placed together.", ["count"]),
    ("A 14-year-old in Hillfields was reported missing.", ["age_place"]),
    ("Mrs Smith raised the concern about a boy called Jay.", ["name", "name"]),
    ("The child was born 3 May 2014.", ["birth"]),
    ("5 young people were arrested.", ["count"]),
    ("6 children were arrested.", []),                       # above the threshold of 5
    ("1 in 4 children were seen within 2 working days.", []),  # a proportion, and days
    ("Year 6 pupils took part.", []),                        # a school year
    ("Suspensions rose 3% among 52,549 pupils.", []),
    ("A boy aged 12 in Coventry was seen.", []),             # the partnership's own area is not a named place
    ("Our return covers 4 indicators.", []),
    ("Children aged 5 to 9 were the largest group.", []),
])
def test_the_screen_finds_child_level_detail_and_leaves_aggregate_text_alone(text, kinds):
    from cscp_analysis.returns.commentary_scan import scan_text

    assert [k for k, _ in scan_text(text, 5, {"Coventry"})] == kinds
