"""Rules of the quarterly files (partner returns, commentary, submissions), each with passing and failing rows."""

import pandas as pd

from cscp_analysis.periods import parse_period
from cscp_analysis.returns.registry import get_rule
from cscp_analysis.returns.table import table_from_records
from cscp_analysis.returns.validate import QuarterFolder

from .conftest import ctx, run_rule


def row(indicator="POL_ARRESTS", breakdown="total", group="all", numerator="10", denominator="", **kw):
    return {"period": "2026-27-Q2", "agency": "POLICE", "indicator": indicator, "breakdown": breakdown, "group": group,
            "numerator": numerator, "denominator": denominator, **kw}


def PR(rows, owner="POLICE", folder="2026-27-Q2"):
    return table_from_records("partner_return", rows, folder=folder, owner=owner)


def test_per001_period_matches_the_folder():
    t = PR([row(), row(indicator="POL_PROTECTION", period="2026-27-Q1")])
    assert run_rule("PER-001", t, ctx()) == [(3, "period", "2026-27-Q1; the folder is 2026-27-Q2")]


def test_per002_agency_matches_the_file():
    t = PR([row(), row(indicator="POL_PROTECTION", agency="HEALTH")])
    assert run_rule("PER-002", t, ctx()) == [(3, "agency", "HEALTH in the return of POLICE")]


def test_prt001_indicator_of_another_agency():
    t = PR([row(), row(indicator="HLT_SELF_HARM")])
    assert run_rule("PRT-001", t, ctx()) == [(3, "indicator", "HLT_SELF_HARM belongs to HEALTH")]


def test_prt002_numerator_above_denominator_for_a_percentage():
    t = PR([row("POL_STRATEGY_ATTEND", numerator="40", denominator="40"),
            row("POL_STRATEGY_ATTEND", breakdown="sex", group="M", numerator="41", denominator="40"),
            row("POL_ARRESTS", numerator="41", denominator="")])
    assert run_rule("PRT-002", t, ctx()) == [(3, "numerator", "41 > 40")]


def test_prt002_rates_may_exceed_their_denominator():
    t = table_from_records("partner_return", [dict(row("EDU_SUSPENSIONS", numerator="120", denominator="100"),
                                                   agency="EDUCATION")], folder="2026-27-Q2", owner="EDUCATION")
    assert run_rule("PRT-002", t, ctx()) == []


def test_prt003_percentage_needs_a_denominator_above_zero():
    t = PR([row("POL_STRATEGY_ATTEND", numerator="4", denominator="5"),
            row("POL_STRATEGY_ATTEND", breakdown="sex", group="M", numerator="0", denominator="0"),
            row("POL_STRATEGY_ATTEND", breakdown="sex", group="F", numerator="1", denominator="")])
    assert run_rule("PRT-003", t, ctx()) == [(3, "denominator", "0; POL_STRATEGY_ATTEND is a percentage"),
                                            (4, "denominator", "blank; POL_STRATEGY_ATTEND is a percentage")]


def test_prt004_count_with_a_denominator():
    t = PR([row(), row("POL_PROTECTION", denominator="50")])
    assert run_rule("PRT-004", t, ctx()) == [(3, "denominator", "50")]


def test_prt005_headline_row_is_total_all():
    t = PR([row(), row("POL_PROTECTION", group="everyone"), row(breakdown="sex", group="all")])
    assert run_rule("PRT-005", t, ctx()) == [(3, "group", "breakdown total, group everyone"),
                                            (4, "group", "breakdown sex, group all")]


def test_prt006_breakdown_adds_up_to_the_total():
    ok = [row(numerator="10"), row(breakdown="sex", group="M", numerator="7"), row(breakdown="sex", group="F", numerator="3")]
    assert run_rule("PRT-006", PR(ok), ctx()) == []
    bad = ok + [row(breakdown="ethnicity", group="White", numerator="8")]
    assert run_rule("PRT-006", PR(bad), ctx()) == [(2, "numerator", "ethnicity groups add up to 8, total 10")]


def test_prt007_every_indicator_of_the_specification_is_there(config):
    codes = list(config.returns["POLICE"].indicators)
    t = PR([row(c) for c in codes])
    assert run_rule("PRT-007", t, ctx()) == []
    t = PR([row(c) for c in codes if c not in ("POL_ARRESTS", "POL_PROTECTION")])
    assert run_rule("PRT-007", t, ctx()) == [(None, "indicator", "POL_PROTECTION, POL_ARRESTS")]


def test_prt008_breakdown_not_in_the_specification():
    t = PR([row(breakdown="sex", group="M"), row("POL_PROTECTION", breakdown="sex", group="M")])
    assert run_rule("PRT-008", t, ctx()) == [(3, "breakdown", "sex for POL_PROTECTION")]


def test_prt009_group_codes():
    t = PR([row(breakdown="sex", group="M"), row(breakdown="sex", group="Male"), row(breakdown="ethnicity", group="Black"),
            row(breakdown="ethnicity", group="BCRB"), row(breakdown="ethnicity", group="BME"),
            row(breakdown="age_band", group="10 to 15")])
    assert run_rule("PRT-009", t, ctx()) == [(3, "group", "Male in a sex breakdown"), (6, "group", "BME in a ethnicity breakdown")]


def sub(**kw):
    return {"period": "2026-27-Q2", "agency": "POLICE", "return_name": "police.csv", "due_date": "2026-10-30",
            "received_date": "2026-10-28", **kw}


def test_sub003_late_submission():
    t = table_from_records("submissions", [sub(), sub(agency="HEALTH", received_date="2026-11-03")], folder="2026-27-Q2")
    assert run_rule("SUB-003", t, ctx()) == [(3, "received_date", "received 2026-11-03, due 2026-10-30: 4 days late")]


def test_sub005_submission_dates_outside_the_quarter():
    t = table_from_records("submissions", [sub(), sub(agency="HEALTH", due_date="2026-09-01"),
                                           sub(agency="YJS", received_date="2062-10-28")], folder="2026-27-Q2")
    assert run_rule("SUB-005", t, ctx()) == [(3, "due_date", "2026-09-01 for 2026-27-Q2"),
                                            (4, "received_date", "2062-10-28 for 2026-27-Q2")]


def _folder(period="2026-27-Q2", files=None, log=None, commented=None):
    return QuarterFolder(parse_period(period), files if files is not None else {},
                         log if log is not None else {}, {a: 2 + i for i, a in enumerate(log or {})},
                         commented or set(), f"{period}/submissions.csv", f"{period}/commentary.csv")


def _everyone(config):
    return {a: f"2026-27-Q2/{s.file}" for a, s in config.returns.items()}


def test_sub001_return_missing_in_the_quarter_being_run(config):
    assert get_rule("SUB-001").func(_folder(files=_everyone(config)), ctx()) == []
    files = _everyone(config)
    del files["HEALTH"]
    found = get_rule("SUB-001").func(_folder(files=files, log={"HEALTH": pd.Timestamp("2026-10-20")}), ctx())
    assert [(f.file, f.value, f.agency) for f in found] == [
        ("2026-27-Q2/health.csv", "no health.csv in 2026-27-Q2/; submissions.csv says it was received 2026-10-20", "HEALTH")]
    assert get_rule("SUB-002").func(_folder(files=files), ctx()) == []  # SUB-002 is for earlier quarters


def test_sub002_return_missing_in_an_earlier_quarter(config):
    files = {a: p.replace("Q2", "Q1") for a, p in _everyone(config).items() if a != "YJS"}
    found = get_rule("SUB-002").func(_folder("2026-27-Q1", files=files), ctx())
    assert [(f.file, f.value) for f in found] == [("2026-27-Q1/youth_justice.csv", "no youth_justice.csv in 2026-27-Q1/")]
    assert get_rule("SUB-001").func(_folder("2026-27-Q1", files=files), ctx()) == []


def test_sub004_log_matches_the_files():
    files = {"POLICE": "2026-27-Q2/police.csv", "HEALTH": "2026-27-Q2/health.csv"}
    ok = _folder(files=files, log={"POLICE": pd.Timestamp("2026-10-01"), "HEALTH": pd.Timestamp("2026-10-02")})
    assert get_rule("SUB-004").func(ok, ctx()) == []
    bad = _folder(files=files, log={"POLICE": pd.NaT})
    found = [(f.row, f.column, f.value) for f in get_rule("SUB-004").func(bad, ctx())]
    assert found == [(None, "agency", "2026-27-Q2/health.csv is not listed"),
                     (2, "received_date", "2026-27-Q2/police.csv is in the folder but its received_date is blank")]


def test_com001_commentary_missing():
    files = {"POLICE": "2026-27-Q2/police.csv", "HEALTH": "2026-27-Q2/health.csv"}
    assert get_rule("COM-001").func(_folder(files=files, commented={"POLICE", "HEALTH"}), ctx()) == []
    found = get_rule("COM-001").func(_folder(files=files, commented={"POLICE"}), ctx())
    assert [(f.file, f.value) for f in found] == [("2026-27-Q2/commentary.csv", "nothing from HEALTH")]
