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
