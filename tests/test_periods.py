"""Periods and working days, against calendars worked out by hand."""

from datetime import date

import numpy as np
import pytest

from cscp_analysis.periods import (
    FinancialYear,
    Period,
    PeriodError,
    add_working_days,
    age_at,
    bank_holidays,
    parse_period,
    parse_year,
    period_of,
    period_range,
    working_days_between,
)


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("2026-27-Q1", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026-27-Q2", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-27-Q3", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-27-Q4", date(2027, 1, 1), date(2027, 3, 31)),
        ("1999-00-Q4", date(2000, 1, 1), date(2000, 3, 31)),  # century turn: 99 -> 00
        ("2023-24-Q4", date(2024, 1, 1), date(2024, 3, 31)),  # leap year February inside
    ],
)
def test_quarter_dates(text, start, end):
    p = parse_period(text)
    assert (p.start, p.end, str(p)) == (start, end, text)


@pytest.mark.parametrize(
    "bad, fragment",
    [
        ("2026-Q2", "YYYY-YY-Qn"),
        ("2026-27-Q5", "YYYY-YY-Qn"),
        ("2026-28-Q1", "second year must follow"),
        ("26-27-Q1", "YYYY-YY-Qn"),
        ("", "YYYY-YY-Qn"),
    ],
)
def test_bad_periods_say_what_is_wrong(bad, fragment):
    with pytest.raises(PeriodError, match=fragment):
        parse_period(bad)


def test_non_text_period_is_refused():
    with pytest.raises(PeriodError, match="must be text"):
        parse_period(202627)


def test_navigation():
    p = parse_period("2026-27-Q1")
    assert str(p.previous()) == "2025-26-Q4"
    assert str(p.next()) == "2026-27-Q2"
    assert str(p.same_quarter_last_year()) == "2025-26-Q1"
    assert p.rolling_twelve_months() == (date(2025, 7, 1), date(2026, 6, 30))
    assert [str(q) for q in p.rolling_quarters(3)] == ["2025-26-Q3", "2025-26-Q4", "2026-27-Q1"]


def test_period_range_and_of():
    r = period_range("2023-24-Q1", "2026-27-Q2")
    assert len(r) == 14 and str(r[0]) == "2023-24-Q1" and str(r[-1]) == "2026-27-Q2"
    assert str(period_of(date(2026, 3, 31))) == "2025-26-Q4"
    assert str(period_of(date(2026, 4, 1))) == "2026-27-Q1"
    with pytest.raises(PeriodError, match="ends"):
        period_range("2026-27-Q2", "2026-27-Q1")


def test_financial_year():
    fy = parse_year("2025-26")
    assert fy == FinancialYear(2025)
    assert (fy.start, fy.end, fy.dfe_year) == (date(2025, 4, 1), date(2026, 3, 31), 2026)
    assert [str(q) for q in fy.quarters()] == ["2025-26-Q1", "2025-26-Q2", "2025-26-Q3", "2025-26-Q4"]
    with pytest.raises(PeriodError, match="YYYY-YY"):
        parse_year("2025/26")


def test_period_sorting():
    assert sorted([Period(2026, 1), Period(2025, 4), Period(2025, 1)]) == [Period(2025, 1), Period(2025, 4), Period(2026, 1)]


# --- working days ---------------------------------------------------------------------------------


def test_bank_holidays_2025_england():
    # gov.uk/bank-holidays, England and Wales 2025: 8 days.
    expected = [date(2025, 1, 1), date(2025, 4, 18), date(2025, 4, 21), date(2025, 5, 5), date(2025, 5, 26),
                date(2025, 8, 25), date(2025, 12, 25), date(2025, 12, 26)]
    assert bank_holidays(2025, 2025) == expected


def test_working_days_plain_week():
    # Monday 2 June 2025 to Monday 9 June 2025: Tue..Fri (4) + Mon (1) = 5; the start day does not count.
    assert working_days_between(date(2025, 6, 2), date(2025, 6, 9)) == 5
    assert working_days_between(date(2025, 6, 2), date(2025, 6, 2)) == 0


def test_working_days_across_easter():
    # Thursday 17 April 2025 -> Tuesday 22 April 2025: Good Friday 18th, weekend, Easter Monday 21st; only Tue 22nd counts.
    assert working_days_between(date(2025, 4, 17), date(2025, 4, 22)) == 1


def test_working_days_across_christmas_and_new_year():
    # Wed 24 Dec 2025 -> Fri 2 Jan 2026: 25, 26 Dec and 1 Jan are holidays; 27-28 Dec weekend.
    # Working days counted: Mon 29, Tue 30, Wed 31 Dec, Fri 2 Jan = 4.
    assert working_days_between(date(2025, 12, 24), date(2026, 1, 2)) == 4


def test_notification_before_bank_holiday_weekend_fifteen_days():
    # A serious incident notified on Friday 22 August 2025 (before the August bank holiday, Monday 25th).
    # 15 working days after: Aug 26-29 (4), Sep 1-5 (5), Sep 8-12 (5), Sep 15 (1) -> Monday 15 September 2025.
    due = add_working_days(date(2025, 8, 22), 15)
    assert due == date(2025, 9, 15)
    assert working_days_between(date(2025, 8, 22), due) == 15


def test_add_working_days_from_weekend_and_holiday():
    # From Saturday 23 Aug 2025 one working day is Tuesday 26th (Monday 25th is a bank holiday).
    assert add_working_days(date(2025, 8, 23), 1) == date(2025, 8, 26)
    # From Good Friday 2025, one working day is Tuesday 22 April.
    assert add_working_days(date(2025, 4, 18), 1) == date(2025, 4, 22)


def test_working_days_vectorised_with_missing():
    out = working_days_between(["2025-06-02", None, "2025-06-09"], ["2025-06-09", "2025-06-10", "2025-06-02"])
    assert out[0] == 5 and np.isnan(out[1]) and out[2] == -5


def test_age_at():
    ages = age_at(["2010-09-30", "2010-10-01", "2012-02-29"], "2026-09-30")
    assert list(ages) == [16, 15, 14]
    # 29 February birthday: still 13 on 28 Feb 2026, 14 on 1 March 2026
    assert list(age_at(["2012-02-29", "2012-02-29"], ["2026-02-28", "2026-03-01"])) == [13, 14]
