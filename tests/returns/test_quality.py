"""Data-quality indicators per agency and quarter, checked against counts of the hand-made data."""

from cscp_analysis.returns import data_quality

from .conftest import load, set_cell


def _value(dq, period, agency, measure):
    row = dq[(dq["period"] == period) & (dq["agency"] == agency) & (dq["measure"] == measure)]
    assert len(row) == 1, (period, agency, measure)
    return tuple(row[["numerator", "denominator"]].iloc[0])


def test_characteristics_of_children_referred(clean_returns):
    dq = data_quality(clean_returns)
    # Q2 referrals: R3 (C3, NOBT, disability U) and R4 (C4, BCRB, no primary need)
    assert _value(dq, "2026-27-Q2", "CSC", "ethnicity_recorded") == (1, 2)
    assert _value(dq, "2026-27-Q2", "CSC", "ethnicity_not_obtained") == (1, 2)
    assert _value(dq, "2026-27-Q2", "CSC", "ethnicity_refused") == (0, 2)
    assert _value(dq, "2026-27-Q2", "CSC", "disability_recorded") == (1, 2)
    assert _value(dq, "2026-27-Q2", "CSC", "primary_need_recorded") == (1, 2)
    # Q1 referrals: R1 (C1) and R2 (C2), all recorded
    assert _value(dq, "2026-27-Q1", "CSC", "ethnicity_recorded") == (2, 2)
    row = dq[(dq["period"] == "2026-27-Q2") & (dq["measure"] == "ethnicity_recorded")]
    assert row["percent"].iloc[0] == 50.0


def test_returns_timeliness_and_rejections(data_dir):
    (data_dir / "2026-27-Q1" / "lado.csv").unlink()
    set_cell(data_dir, "2026-27-Q2/submissions.csv", 2, "received_date", "2026-11-06")  # POLICE, due 2026-10-30
    set_cell(data_dir, "2026-27-Q2/police.csv", 2, "numerator", "-2")
    dq = data_quality(load(data_dir))
    assert _value(dq, "2026-27-Q1", "LADO", "return_received") == (0, 1)
    assert _value(dq, "2026-27-Q2", "LADO", "return_received") == (1, 1)
    assert _value(dq, "2026-27-Q2", "POLICE", "return_on_time") == (0, 1)
    assert _value(dq, "2026-27-Q2", "POLICE", "days_late")[0] == 7
    assert _value(dq, "2026-27-Q2", "HEALTH", "return_on_time") == (1, 1)
    assert _value(dq, "2026-27-Q2", "POLICE", "rows_rejected") == (1, 10)
    assert _value(dq, "2026-27-Q2", "POLICE", "indicators_supplied") == (5, 6)  # its total row was rejected
    assert _value(dq, "2026-27-Q2", "HEALTH", "commentary_received") == (1, 1)
    assert list(dq.columns) == ["period", "agency", "measure", "numerator", "denominator", "percent"]


def test_unknown_ethnicity_in_partner_breakdowns(data_dir):
    from .conftest import edit

    def add(df):
        extra = [dict(df.iloc[0], breakdown="ethnicity", group=g, numerator=n, denominator="")
                 for g, n in (("White", "6"), ("Black", "2"), ("Unknown", "2"))]
        import pandas as pd
        return pd.concat([df, pd.DataFrame(extra)], ignore_index=True)

    edit(data_dir, "2026-27-Q2/police.csv", add)  # first row: POL_DA_CHILDREN total 10
    dq = data_quality(load(data_dir))
    assert _value(dq, "2026-27-Q2", "POLICE", "ethnicity_unknown_in_breakdowns") == (2, 10)
