"""Rules of the assurance registers and of the population, each with passing and failing rows."""

from cscp_analysis.returns.table import table_from_records

from .conftest import TABLES, ctx, population_rows, run_rule


def rec(name, i=0, **kw):
    return {**TABLES[name][i], **kw}


def test_reg001_lado_outcome_and_conclusion():
    t = table_from_records("lado", [rec("lado"), rec("lado", 1), rec("lado", allegation_id="L3", date_concluded=""),
                                    rec("lado", 1, allegation_id="L4", date_concluded="2026-09-01")])
    assert run_rule("REG-001", t, ctx()) == [(4, "outcome", "substantiated with no date_concluded"),
                                            (5, "outcome", "ongoing with a date_concluded")]


def test_reg002_action_status_and_completion():
    t = table_from_records("actions", [rec("actions"), rec("actions", 1), rec("actions", action_id="A3", completed_date="2026-07-01"),
                                       rec("actions", 1, action_id="A4", completed_date="")])
    assert run_rule("REG-002", t, ctx()) == [(4, "status", "open with a completed_date"),
                                            (5, "status", "complete with no completed_date")]


def test_reg003_self_assessment_submitted():
    t = table_from_records("self_assessments", [rec("self_assessments"), rec("self_assessments", 1),
                                                rec("self_assessments", standard_id="S11-4", submitted_date="")])
    assert run_rule("REG-003", t, ctx()) == [(4, "rating", "met with no submitted_date")]


def test_reg004_lcspr_dates_only_for_an_lcspr():
    t = table_from_records("reviews", [rec("reviews"), rec("reviews", review_id="RR-2", decision="NO_REVIEW")])
    assert run_rule("REG-004", t, ctx()) == [(3, "decision", "NO_REVIEW with LCSPR dates")]


def test_pop001_population_complete():
    rows = population_rows(2025)
    assert run_rule("POP-001", table_from_records("population", rows), ctx()) == []
    gap = [r for r in rows if not (r["age"] == "3" and r["sex"] == "F")]
    assert run_rule("POP-001", table_from_records("population", gap), ctx()) == [
        (None, "", "18 of the year-age-sex-ethnicity cells of 2025 are missing")]


# --- quality-assurance visits, practitioners, training needs, contract monitoring, reach, you said we did,
# professional disagreements and funding --------------------------------------------------------------------


def test_reg005_qa_visit_held_exactly_when_dated():
    t = table_from_records("qa_visits", [rec("qa_visits"), rec("qa_visits", 1),
                                         rec("qa_visits", visit_id="V3", visit_date=""),
                                         rec("qa_visits", 1, visit_id="V4", status="cancelled", visit_date="2026-06-01")])
    assert run_rule("REG-005", t, ctx()) == [(4, "status", "held with no visit_date"),
                                            (5, "status", "cancelled with a visit_date")]


def test_reg006_only_a_held_visit_is_graded():
    t = table_from_records("qa_visits", [rec("qa_visits"), rec("qa_visits", 1),
                                         rec("qa_visits", 1, visit_id="V3", grade="inadequate")])
    assert run_rule("REG-006", t, ctx()) == [(4, "grade", "inadequate for a planned visit")]


def test_reg007_qa_action_status_and_completion():
    t = table_from_records("qa_visit_actions", [rec("qa_visit_actions"), rec("qa_visit_actions", 1),
                                                rec("qa_visit_actions", 1, action_id="A3", completed_date="2026-06-01")])
    assert run_rule("REG-007", t, ctx()) == [(4, "status", "open with a completed_date")]


def test_reg008_qa_action_belongs_to_the_visited_agency():
    t = table_from_records("qa_visit_actions", [rec("qa_visit_actions"),
                                                rec("qa_visit_actions", 1, action_id="A3", agency="POLICE")])
    c = ctx(qa_visits=TABLES["qa_visits"])
    assert run_rule("REG-008", t, c) == [(3, "agency", "POLICE (the visit was to HEALTH)")]


def test_reg009_escalated_issue_names_where():
    t = table_from_records("stag_issues", [rec("stag_issues"), rec("stag_issues", 1),
                                           rec("stag_issues", issue_id="I3", escalated_to=""),
                                           rec("stag_issues", 1, issue_id="I4", escalated_to="Executive")])
    assert run_rule("REG-009", t, ctx()) == [(4, "escalated_to", "escalated with nowhere named"),
                                            (5, "escalated_to", "not escalated but escalated_to given")]


def test_reg010_response_and_its_date_together():
    t = table_from_records("stag_issues", [rec("stag_issues"), rec("stag_issues", 1),
                                           rec("stag_issues", issue_id="I3", response_date="")])
    assert run_rule("REG-010", t, ctx()) == [(4, "response", "response without a response_date")]


def test_reg011_statement_wording_is_the_same_within_a_survey():
    rows = [rec("staff_survey"), rec("staff_survey", 1), rec("staff_survey", response_id="SS-3"),
            rec("staff_survey", response_id="SS-4", item="I know how to raise a concern")]
    t = table_from_records("staff_survey", rows)
    assert run_rule("REG-011", t, ctx()) == [
        (5, "item", "I know how to raise a concern (elsewhere: I know how to escalate a concern about a child)")]


def test_reg012_financial_year_written_yyyy_yy():
    t = table_from_records("training_needs", [rec("training_needs"), rec("training_needs", 1),
                                              rec("training_needs", topic="T3", round="2026-28"),
                                              rec("training_needs", topic="T4", round="2026/27")])
    assert run_rule("REG-012", t, ctx()) == [(4, "round", "2026-28"), (5, "round", "2026/27")]
    f = table_from_records("funding_spend", [rec("funding_spend"), rec("funding_spend", 1, year="FY2025")])
    assert run_rule("REG-012", f, ctx()) == [(3, "year", "FY2025")]


def test_reg013_needs_course_is_in_the_programme():
    t = table_from_records("training_needs", [rec("training_needs"), rec("training_needs", 1),
                                              rec("training_needs", topic="T3", course="Knife crime awareness")])
    c = ctx(training_attendance=TABLES["training_attendance"])
    assert run_rule("REG-013", t, c) == [(4, "course", "Knife crime awareness")]


def test_reg014_contract_review_rows_agree():
    t = table_from_records("contract_monitoring", [rec("contract_monitoring"), rec("contract_monitoring", 1),
                                                   rec("contract_monitoring", review_id="CM-2", standard_id="CM-1"),
                                                   rec("contract_monitoring", review_id="CM-2", standard_id="CM-2",
                                                       provider="Ash Homes Ltd")])
    assert run_rule("REG-014", t, ctx()) == [
        (4, "review_id", "CM-2 has more than one date, provider or service type"),
        (5, "review_id", "CM-2 has more than one date, provider or service type")]


def test_reg015_reach_groups_comparable_with_the_population():
    t = table_from_records("voice_reach", [*(rec("voice_reach", i) for i in range(4)),
                                           rec("voice_reach", 2, activity_id="VR-2", group="Pakistani"),
                                           rec("voice_reach", 0, activity_id="VR-2", group="Not recorded"),
                                           rec("voice_reach", 0, activity_id="VR-2", characteristic="religion",
                                               group="Sikh")])
    assert run_rule("REG-015", t, ctx()) == [(6, "group", "Pakistani (ethnicity)")]


def test_reg016_reach_totals_agree_across_characteristics():
    rows = [*(rec("voice_reach", i) for i in range(4))]
    assert run_rule("REG-016", table_from_records("voice_reach", rows), ctx()) == []
    rows[3] = rec("voice_reach", 3, participants="4")  # ethnicity adds to 13, sex to 12
    got = run_rule("REG-016", table_from_records("voice_reach", rows), ctx())
    assert got == [(2, "participants", "sex adds up to 12"), (3, "participants", "sex adds up to 12"),
                   (4, "participants", "ethnicity adds up to 13"), (5, "participants", "ethnicity adds up to 13")]


def test_reg017_we_did_and_its_date_together():
    t = table_from_records("you_said_we_did", [rec("you_said_we_did"), rec("you_said_we_did", 1),
                                               rec("you_said_we_did", 1, theme_id="Y3", response_date="2026-09-01")])
    assert run_rule("REG-017", t, ctx()) == [(4, "we_did", "response_date without we_did")]


def test_reg018_disagreement_ongoing_exactly_when_unresolved():
    t = table_from_records("professional_disagreements", [
        rec("professional_disagreements"), rec("professional_disagreements", 1),
        rec("professional_disagreements", escalation_id="E3", resolved_date="")])
    assert run_rule("REG-018", t, ctx()) == [(4, "outcome", "resolved with no resolved_date")]


def test_reg019_disagreement_between_two_agencies():
    t = table_from_records("professional_disagreements", [
        rec("professional_disagreements"), rec("professional_disagreements", 1, escalation_id="E3", raised_with="HEALTH")])
    assert run_rule("REG-019", t, ctx()) == [(3, "raised_with", "HEALTH")]
