"""Each rule generated from the schemas, with a passing and a failing row (rows start at file row 2)."""

import pandas as pd

from cscp_analysis.returns.load import RawTable
from cscp_analysis.returns.table import build_table, table_from_records

from .conftest import TABLES, ctx, run_rule


def T(name, rows, **kw):
    return table_from_records(name, rows, **kw)


def child(**kw):
    return {**TABLES["children"][0], **kw}


def referral(**kw):
    return {**TABLES["referrals"][0], **kw}


def test_ret013_values_beyond_headings():
    t = T("children", [child()])
    assert run_rule("RET-013", t, ctx()) == []
    raw = t.files[0]
    raw.spill = pd.Index([0]).to_numpy()
    raw.spill_values = pd.Series(["oops"]).to_numpy(dtype=object)
    assert run_rule("RET-013", build_table(t.schema, [raw]), ctx()) == [(2, "", "oops")]


def test_ret020_required_value_blank():
    t = T("children", [child(), child(child_id="C9", sex="", uasc="")])
    assert run_rule("RET-020", t, ctx()) == [(3, "sex", "blank")]  # uasc may be blank


def test_ret021_not_a_whole_number():
    rows = [{"year": "2025", "age": "7", "sex": "F", "ethnicity": "WBRI", "population": p}
            for p in ("1520", "1,520", "15.5", "lots")]
    assert run_rule("RET-021", T("population", rows), ctx()) == [(4, "population", "15.5"), (5, "population", "lots")]


def test_ret022_not_a_date():
    t = T("children", [child(), child(child_id="C8", date_of_birth="02/03/2015"),
                       child(child_id="C9", date_of_birth="31/02/2015")])
    assert run_rule("RET-022", t, ctx()) == [(4, "date_of_birth", "31/02/2015")]


def test_ret023_not_a_period():
    rows = [{"period": p, "agency": "POLICE", "indicator": "POL_ARRESTS", "breakdown": "total", "group": "all",
             "numerator": "1"} for p in ("2026-27-Q2", "2026-Q2", "2026-28-Q2")]
    t = T("partner_return", rows, folder="2026-27-Q2", owner="POLICE")
    assert run_rule("RET-023", t, ctx()) == [(3, "period", "2026-Q2"), (4, "period", "2026-28-Q2")]


def test_ret024_unknown_code_suggests_the_code_meant():
    t = T("children", [child(), child(child_id="C8", ethnicity="wbri"), child(child_id="C9", ethnicity="XYZ")])
    assert run_rule("RET-024", t, ctx()) == [(3, "ethnicity", "wbri; did you mean WBRI?"), (4, "ethnicity", "XYZ")]


def test_ret024_configured_codes():
    rows = [{"period": "2026-27-Q2", "agency": a, "indicator": "POL_ARRESTS", "breakdown": "total", "group": "all",
             "numerator": "1"} for a in ("POLICE", "POLIS")]
    t = T("partner_return", rows, folder="2026-27-Q2", owner="POLICE")
    assert run_rule("RET-024", t, ctx()) == [(3, "agency", "POLIS")]


def test_ret025_negative_count():
    rows = [{"year": "2025", "age": "7", "sex": "F", "ethnicity": "WBRI", "population": p} for p in ("0", "-3")]
    assert run_rule("RET-025", T("population", rows), ctx()) == [(3, "population", "-3")]


def test_ret026_outside_range():
    rows = [{"year": "2025", "age": a, "sex": "F", "ethnicity": "WBRI", "population": "5"} for a in ("17", "18")]
    assert run_rule("RET-026", T("population", rows), ctx()) == [(3, "age", "18; allowed 0 to 17")]


def test_ret030_repeated_row_keeps_the_first():
    t = T("children", [child(), child(child_id="C2"), child()])
    assert run_rule("RET-030", t, ctx()) == [(4, "", "repeats row 2")]


def test_ret031_duplicate_key_rejects_every_row_sharing_it():
    t = T("children", [child(), child(sex="M"), child(child_id="C2"), child()])
    # rows 2 and 3 share C1 with different values (row 5 is an exact repeat of row 2: RET-030's)
    assert run_rule("RET-031", t, ctx()) == [(2, "child_id", "C1 on 2 rows, first row 2"),
                                            (3, "child_id", "C1 on 2 rows, first row 2")]


def test_ret031_key_of_several_columns():
    rows = [{"period": "2026-27-Q2", "agency": "POLICE", "indicator": "POL_ARRESTS", "breakdown": "total",
             "group": "all", "numerator": n} for n in ("1", "2")]
    t = T("partner_return", rows, folder="2026-27-Q2", owner="POLICE")
    assert run_rule("RET-031", t, ctx())[0] == (2, "", "2026-27-Q2 / POLICE / POL_ARRESTS / total / all on 2 rows, first row 2")


def test_ret040_parent_missing():
    c = ctx(children=[child()])
    t = T("referrals", [referral(), referral(referral_id="R9", child_id="C9")])
    assert run_rule("RET-040", t, c) == [(3, "child_id", "C9 not in children.csv")]


def test_ret041_parent_rejected():
    c = ctx(children=[child()])
    c.rejected["children"] = pd.DataFrame({"child_id": ["C2"], "_row": [3], "_where": ["children.csv:3 RET-024"]})
    t = T("referrals", [referral(), referral(referral_id="R2", child_id="C2")])
    assert run_rule("RET-041", t, c) == [(3, "child_id", "C2 was rejected: children.csv:3 RET-024")]
    assert run_rule("RET-040", t, c) == []


def test_ret041_parent_file_unusable():
    c = ctx()
    c.unusable["children"] = "csc/children.csv could not be read"
    t = T("referrals", [referral()])
    assert run_rule("RET-041", t, c) == [(2, "child_id", "C1: csc/children.csv could not be read")]


def test_ret050_dates_out_of_order():
    t = T("referrals", [referral(cin_closure_date="2026-04-10"), referral(referral_id="R2", cin_closure_date="2026-04-09")])
    assert run_rule("RET-050", t, ctx()) == [
        (3, "cin_closure_date", "cin_closure_date 2026-04-09 is before referral_date 2026-04-10")]


def test_ret060_date_after_the_extract():
    t = T("referrals", [referral(referral_date="2026-09-30"), referral(referral_id="R2", referral_date="2026-10-01")])
    assert run_rule("RET-060", t, ctx()) == [(3, "referral_date", "2026-10-01 is after 2026-09-30")]


def test_ret060_planned_dates_may_be_in_the_future():
    t = T("actions", [dict(TABLES["actions"][0], due_date="2027-06-30")])
    assert run_rule("RET-060", t, ctx()) == []


def test_ret061_date_too_early():
    t = T("children", [child(date_of_birth="1990-01-01"), child(child_id="C2", date_of_birth="1989-12-31")])
    assert run_rule("RET-061", t, ctx()) == [(3, "date_of_birth", "1989-12-31")]


def test_rules_see_empty_tables_without_failing():
    empty = build_table(table_from_records("children", []).schema, [])
    for rid in ("RET-013", "RET-020", "RET-024", "RET-030", "RET-031", "RET-050", "RET-060", "RET-061"):
        assert run_rule(rid, empty, ctx()) == []
    assert isinstance(RawTable, type)


def test_ret030_ret031_quiet_without_duplicates():
    rows = [{"period": "2026-27-Q2", "agency": "POLICE", "indicator": i, "breakdown": "total", "group": "all",
             "numerator": "1"} for i in ("POL_ARRESTS", "POL_PROTECTION")]
    t = T("partner_return", rows, folder="2026-27-Q2", owner="POLICE")
    assert run_rule("RET-030", t, ctx()) == [] and run_rule("RET-031", t, ctx()) == []
