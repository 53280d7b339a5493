"""Rules across the tables of the children's social care extract, each with passing and failing rows."""

from cscp_analysis.returns.table import table_from_records

from .conftest import TABLES, ctx, run_rule


def rec(name, i=0, **kw):
    return {**TABLES[name][i], **kw}


def test_csc001_assessment_after_referral():
    c = ctx(referrals=[rec("referrals")])  # R1 referred 2026-04-10
    t = table_from_records("assessments", [rec("assessments", assessment_start="2026-04-10"),
                                           rec("assessments", assessment_id="A2", assessment_start="2026-04-09")])
    assert run_rule("CSC-001", t, c) == [(3, "assessment_start", "2026-04-09 is before the referral_date 2026-04-10")]


def test_csc002_strategy_discussion_after_referral():
    c = ctx(referrals=[rec("referrals")])
    t = table_from_records("section47", [rec("section47"), rec("section47", s47_id="S2", strategy_discussion_date="2026-04-01")])
    assert run_rule("CSC-002", t, c) == [(3, "strategy_discussion_date", "2026-04-01 is before the referral_date 2026-04-10")]


def test_csc003_icpc_after_section47():
    c = ctx(section47=[rec("section47")])  # S1 started 2026-04-12
    t = table_from_records("icpc", [rec("icpc"), rec("icpc", icpc_id="I2", icpc_date="2026-04-11")])
    assert run_rule("CSC-003", t, c) == [(3, "icpc_date", "2026-04-11 is before the s47_start 2026-04-12")]


def test_csc004_plan_after_conference():
    c = ctx(icpc=[rec("icpc")])  # I1 on 2026-05-05
    t = table_from_records("cp_plans", [rec("cp_plans"), rec("cp_plans", 1), rec("cp_plans", plan_id="P2", plan_start="2026-05-04")])
    assert run_rule("CSC-004", t, c) == [(4, "plan_start", "2026-05-04 is before the icpc_date 2026-05-05")]


def test_csc005_placement_within_its_period_of_care():
    c = ctx(cla_periods=[rec("cla_periods", cla_end="2026-06-30")])  # L1 2025-11-03 to 2026-06-30
    t = table_from_records("cla_placements", [
        rec("cla_placements"), rec("cla_placements", placement_id="PL3", placement_start="2025-11-02"),
        rec("cla_placements", placement_id="PL4", placement_start="2026-07-01", placement_end="")])
    assert run_rule("CSC-005", t, c) == [(3, "placement_start", "2025-11-02 is before the cla_start 2025-11-03"),
                                        (4, "placement_start", "2026-07-01 is after the cla_end 2026-06-30")]


def test_csc006_same_child_as_the_parent_row():
    c = ctx(referrals=[rec("referrals")])
    t = table_from_records("assessments", [rec("assessments"), rec("assessments", assessment_id="A2", child_id="C2")])
    assert run_rule("CSC-006", t, c) == [(3, "child_id", "C2, but referral_id R1 is about C1")]


def test_csc007_referred_under_18():
    c = ctx(children=[rec("children", date_of_birth="2008-04-10"), rec("children", child_id="C2", date_of_birth="2008-04-11")])
    t = table_from_records("referrals", [rec("referrals", child_id="C1"), rec("referrals", referral_id="R2", child_id="C2")])
    assert run_rule("CSC-007", t, c) == [(2, "referral_date", "2026-04-10: aged 18 (born 2008-04-10)")]


def test_cross_table_rules_skip_when_the_parent_table_is_absent():
    t = table_from_records("assessments", [rec("assessments")])
    for rid in ("CSC-001", "CSC-006"):
        assert run_rule(rid, t, ctx()) == []
