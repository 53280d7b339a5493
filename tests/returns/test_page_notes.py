"""What a page says about validation's decisions (cscp_analysis.returns.page_notes): the sentences are
written out here in full, so a change of wording or a wrong count fails."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from cscp_analysis.returns import SetAside, get_rule
from cscp_analysis.returns import page_notes as notes

DATE_RULE = get_rule("RET-022").sentence  # "A date column holds a real date, ..."
PARENT_RULE = get_rule("RET-041").sentence  # "A row whose parent row was rejected is rejected too ..."
ORDER_RULE = get_rule("RET-050").sentence  # "Dates on a row are in order (e.g. a referral_date on or before ...)."


def _returns(**set_aside):
    return SimpleNamespace(set_aside_rows=set_aside)


def test_one_rule_in_words_with_what_follows():
    sa = SetAside(5, 17_620, ((DATE_RULE, 5),), "csc/children.csv")
    assert notes.set_aside_sentence(sa, "children") == (
        "5 of 17,620 children's records in the children's social care extract were set aside (they did not meet "
        "the rule that a date column holds a real date, written YYYY-MM-DD or DD/MM/YYYY, or an Excel date); the "
        "figures below leave them out.")


def test_one_row_its_parent_and_a_rule_with_a_column_name_in_words():
    one = SetAside(1, 3_361, ((PARENT_RULE, 1),), "csc/icpc.csv")
    assert notes.set_aside_sentence(one, "icpc", consequence="nothing else changes") == (
        "1 of 3,361 initial child protection conferences in the children's social care extract was set aside (it "
        "belongs to a section 47 enquiry or a child's record that was set aside); nothing else changes.")
    several = SetAside(4, 24_160, ((ORDER_RULE, 3), (PARENT_RULE, 1)), "csc/referrals.csv")
    # the example in brackets, with its column names, is dropped; each rule gives its own count
    assert notes.set_aside_sentence(several, "referrals") == (
        "4 of 24,160 referrals in the children's social care extract were set aside (3 did not meet the rule that "
        "dates on a row are in order; 1 belongs to a child's record that was set aside); the figures below leave "
        "them out.")


def test_nothing_set_aside_says_nothing():
    assert notes.set_aside_sentence(SetAside(0, 100, ()), "lado") == ""
    assert notes.set_aside_note(_returns(), ["lado"]) == ""
    assert notes.set_aside_note(SimpleNamespace(), ["lado"]) == ""  # plain tables: nothing known
    # a table the section does not read is not mentioned
    assert notes.set_aside_note(_returns(lado=SetAside(2, 310, ((DATE_RULE, 2),))), ["reviews"]) == ""


def test_a_section_reading_several_tables_says_it_once_grouped_by_where_they_come_from():
    r = _returns(children=SetAside(5, 17_620, ((DATE_RULE, 5),)), referrals=SetAside(8, 24_160, ((PARENT_RULE, 8),)),
                 lado=SetAside(2, 310, ((get_rule("REG-001").sentence, 2),)))
    assert notes.set_aside_note(r, ["children", "referrals", "lado", "assessments"]) == (
        "**Rows set aside.** The figures below leave out rows that failed validation and were set aside. From the "
        "children's social care extract: 5 of 17,620 children's records (they did not meet the rule that a date "
        "column holds a real date, written YYYY-MM-DD or DD/MM/YYYY, or an Excel date); 8 of 24,160 referrals (they "
        "belong to a child's record that was set aside). From the LADO register: 2 of 310 allegations (they did not "
        "meet the rule that an allegation's outcome is 'ongoing' exactly when it has no date concluded).")


def test_no_code_names_reach_the_words_for_any_rule():
    # every rule that can set rows aside, as a page would say it: no snake_case, no rule identifier
    for rule in (get_rule(i) for i in ("RET-020", "RET-022", "RET-041", "RET-050", "CSC-005", "CSC-006", "REG-002",
                                       "REG-014")):
        sa = SetAside(2, 200, ((rule.sentence, 2),))
        for table in ("cla_placements", "qa_visit_actions", "contract_monitoring"):
            words = notes.set_aside_sentence(sa, table)
            assert "_" not in words and rule.id not in words and ".csv" not in words, words


def test_the_data_returns_page_lists_what_was_set_aside_and_why_in_journey_order():
    r = _returns(referrals=SetAside(8, 24_160, ((PARENT_RULE, 8),)), children=SetAside(5, 17_620, ((DATE_RULE, 5),)),
                 lado=SetAside(0, 310, ()))
    view = notes.set_aside_view(r)
    assert view.to_dict("records") == [
        {"Records": "Children's records in the children's social care extract", "Set aside": "5", "Of": "17,620",
         "Share": "0.028%", "Why": "They did not meet the rule that a date column holds a real date, written "
                                   "YYYY-MM-DD or DD/MM/YYYY, or an Excel date"},
        {"Records": "Referrals in the children's social care extract", "Set aside": "8", "Of": "24,160",
         "Share": "0.033%", "Why": "They belong to a child's record that was set aside"},
    ]  # 5 / 17,620 = 0.0284%; 8 / 24,160 = 0.0331% (two significant figures)


def test_groups_a_partner_suppressed_in_words():
    assert notes.partner_suppressed_sentence([]) == ""
    assert notes.partner_suppressed_sentence(["arrests: Black children"]) == (
        "**Suppressed by the partner.** One group was suppressed by the partner in its own return (arrests: Black "
        "children): it is shown as suppressed by the partner, no rate, ratio or total counts it as zero, and a "
        "comparison that needs it is not made.")
    assert notes.partner_suppressed_sentence(["a: girls", "b: boys"]).startswith(
        "**Suppressed by the partner.** 2 groups were suppressed by the partner in its own return (a: girls; b: boys): "
        "they are shown")


def test_flagged_commentary_by_file_and_row():
    withheld = pd.DataFrame({"_file": ["2026-27-Q2/commentary.csv"], "_row": [7],
                             "kinds": ["a count of children small enough to identify them; a person's name"]})
    r = SimpleNamespace(commentary_withheld=lambda: withheld)
    assert notes.commentary_flags_by_row(r) == {
        ("2026-27-Q2/commentary.csv", 7): "a count of children small enough to identify them; a person's name"}
    assert notes.commentary_flags_by_row(SimpleNamespace()) == {}
    assert notes.commentary_flags_by_row(SimpleNamespace(commentary_withheld=lambda: withheld.iloc[0:0])) == {}


@pytest.mark.parametrize("table", sorted(notes.ROWS))
def test_every_table_that_can_be_set_aside_has_words(table):
    from cscp_analysis.returns.schemas import SCHEMAS

    assert SCHEMAS[table].scope in ("extract", "register")
    plural, singular, where = notes.rows_words(table)
    assert plural and singular and where.startswith("the ")


def test_every_table_of_the_extract_and_the_registers_is_named():
    from cscp_analysis.returns.schemas import SCHEMAS

    assert {n for n, s in SCHEMAS.items() if s.scope in ("extract", "register")} == set(notes.ROWS)
