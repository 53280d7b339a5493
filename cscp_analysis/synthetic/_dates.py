"""Vectorised date arithmetic on integer day numbers (days since 1970-01-01), for the generator.

Working days follow ``cscp_analysis.periods`` (Saturdays, Sundays and England and Wales bank
holidays are not working days; ``working_days_between`` counts the end day and not the start day),
but work on numpy arrays of day numbers directly, which is what millions of records need.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from ..periods import Period, bank_holidays

_EPOCH = np.datetime64("1970-01-01", "D")
_CAL: np.busdaycalendar | None = None


def day(value: str | date) -> int:
    """The day number of an ISO date or a ``date``."""
    return int((np.datetime64(str(value), "D") - _EPOCH).astype(np.int64))


def to_datetime64(days: np.ndarray) -> np.ndarray:
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]")


def calendar() -> np.busdaycalendar:
    global _CAL
    if _CAL is None:
        hol = np.array(bank_holidays(1995, 2040), dtype="datetime64[D]")
        _CAL = np.busdaycalendar(weekmask="1111100", holidays=hol)
    return _CAL


def add_working_days(start: np.ndarray, n, roll: str = "forward") -> np.ndarray:
    """``start`` moved ``n`` working days on; a start on a non-working day first rolls ``roll``.

    With ``roll="backward"`` this equals :func:`cscp_analysis.periods.add_working_days`; with the
    default ``"forward"`` a Saturday plus 0 working days is the next Monday (never before ``start``).
    """
    out = np.busday_offset(to_datetime64(start), np.asarray(n, dtype=np.int64), roll=roll, busdaycal=calendar())
    return out.astype(np.int64)


def working_days_between(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Working days from ``start`` to ``end`` (end counted, start not), as ``periods.working_days_between``."""
    s = to_datetime64(start) + np.timedelta64(1, "D")
    e = to_datetime64(end) + np.timedelta64(1, "D")
    return np.busday_count(s, e, busdaycal=calendar())


def is_working_day(days: np.ndarray) -> np.ndarray:
    return np.is_busday(to_datetime64(days), busdaycal=calendar())


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month (1-12) and day of month of each day number."""
    d = to_datetime64(days)
    months = d.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    dom = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, dom


def month_number(days: np.ndarray) -> np.ndarray:
    """Months since January 1970 (0 = January 1970)."""
    return to_datetime64(days).astype("datetime64[M]").astype(np.int64)


def quarter_index(days: np.ndarray) -> np.ndarray:
    """Financial-quarter index: 0 is April to June 1970; ``Period(y, q)`` has ``(y - 1970) * 4 + q - 1``."""
    return (month_number(days) - 3) // 3


def period_index(p: Period) -> int:
    return (p.start_year - 1970) * 4 + p.quarter - 1


def add_years(days: np.ndarray, years: int) -> np.ndarray:
    """The same calendar day ``years`` later (29 February becomes 1 March)."""
    d = to_datetime64(days)
    months = d.astype("datetime64[M]")
    offset = d - months.astype("datetime64[D]")
    return ((months + np.timedelta64(12 * years, "M")).astype("datetime64[D]") + offset).astype(np.int64)


def age_years(dob: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Age in whole years on a day (birthday counted on the day)."""
    yb, mb, db = ymd(dob)
    yo, mo, do = ymd(on)
    before = (mo < mb) | ((mo == mb) & (do < db))
    return yo - yb - before.astype(np.int64)


def iso(days: np.ndarray, blank: np.ndarray | None = None) -> np.ndarray:
    """ISO ``YYYY-MM-DD`` strings (object array); ``blank`` marks values written as empty."""
    out = np.datetime_as_string(to_datetime64(days), unit="D").astype(object)
    if blank is not None:
        out[blank] = ""
    return out
