"""Financial years and quarters, and working days.

A *period* is a financial quarter written ``YYYY-YY-Qn``: ``2026-27-Q2`` is July to September 2026.
Quarter 1 is April to June, as in every English public-sector return. A *financial year* is written
``YYYY-YY`` and runs from 1 April to 31 March; DfE publications call the year ending 31 March 2026
"2026".

Working days exclude Saturdays, Sundays and the England and Wales bank holidays of the ``holidays``
package (subdivision ``ENG``): this is how the children-in-need census counts "within 45 working days"
and how Working Together counts the 15 working days for a rapid review.

Nothing here reads the clock: every date comes from a parameter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import numpy as np
import pandas as pd

from .errors import CscpError

__all__ = [
    "PeriodWords",
    "day_words",
    "Period",
    "FinancialYear",
    "parse_period",
    "parse_year",
    "period_range",
    "period_of",
    "bank_holidays",
    "working_days_between",
    "add_working_days",
    "age_at",
]

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})-Q([1-4])$")
_YEAR_RE = re.compile(r"^(\d{4})-(\d{2})$")


class PeriodError(CscpError, ValueError):
    """A period or year written in a form we cannot read."""


def _check_year_pair(text: str, start: int, end2: int, what: str) -> None:
    if (start + 1) % 100 != end2:
        raise PeriodError(
            f"{what} {text!r}: the second year must follow the first "
            f"(expected {start}-{(start + 1) % 100:02d})"
        )


@dataclass(frozen=True, order=True)
class FinancialYear:
    """A financial year, 1 April ``start_year`` to 31 March ``start_year + 1``."""

    start_year: int

    @property
    def label(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def start(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        return date(self.start_year + 1, 3, 31)

    @property
    def dfe_year(self) -> int:
        """The year DfE uses for this financial year (the year ending 31 March)."""
        return self.start_year + 1

    def quarters(self) -> list[Period]:
        return [Period(self.start_year, q) for q in (1, 2, 3, 4)]

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True, order=True)
class Period:
    """A financial quarter. ``Period(2026, 2)`` is 2026-27-Q2, July to September 2026."""

    start_year: int
    quarter: int

    def __post_init__(self) -> None:
        if self.quarter not in (1, 2, 3, 4):
            raise PeriodError(f"quarter must be 1 to 4, not {self.quarter}")

    # --- naming -------------------------------------------------------------------------------
    @property
    def label(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}-Q{self.quarter}"

    def __str__(self) -> str:
        return self.label

    @property
    def short_label(self) -> str:
        """A chart-friendly label such as ``Jul-Sep 2026``."""
        return f"{self.start:%b}-{self.end:%b} {self.end:%Y}"

    # --- dates --------------------------------------------------------------------------------
    @property
    def start(self) -> date:
        month = 4 + 3 * (self.quarter - 1)
        year = self.start_year + (month - 1) // 12
        return date(year, (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> date:
        return (self.next().start) - timedelta(days=1)

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear(self.start_year)

    def months(self) -> list[pd.Period]:
        """The three calendar months of the quarter."""
        return list(pd.period_range(self.start, self.end, freq="M"))

    # --- navigation ---------------------------------------------------------------------------
    def _index(self) -> int:
        return self.start_year * 4 + (self.quarter - 1)

    @classmethod
    def _from_index(cls, i: int) -> Period:
        return cls(i // 4, i % 4 + 1)

    def shift(self, quarters: int) -> Period:
        return Period._from_index(self._index() + quarters)

    def next(self) -> Period:
        return self.shift(1)

    def previous(self) -> Period:
        return self.shift(-1)

    def same_quarter_last_year(self) -> Period:
        return self.shift(-4)

    def rolling_twelve_months(self) -> tuple[date, date]:
        """First and last day of the twelve months ending with this quarter."""
        return self.shift(-3).start, self.end

    def rolling_quarters(self, n: int = 4) -> list[Period]:
        """The ``n`` quarters ending with this one, oldest first."""
        return [self.shift(k) for k in range(-(n - 1), 1)]

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def day_words(day: date) -> str:
    """A date as a reader writes it: ``30 September 2026`` (no leading zero)."""
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True)
class PeriodWords:
    """How evidence speaks of its period, so that the same section reads right in a quarter's pack and
    in the annual book (the book builds each section at the year's fourth quarter, whose rolling twelve
    months are the financial year).

    ``label``          the period itself: "July to September 2026" / "the financial year 2025-26"
    ``twelve_months``  its rolling year: "the twelve months to 30 September 2026" / "the financial year 2025-26"
    ``end``            its last day: "30 September 2026" / "31 March 2026"
    """

    label: str
    twelve_months: str
    end: str

    @classmethod
    def quarter(cls, period: str | Period) -> PeriodWords:
        p = parse_period(period)
        return cls(f"{p.start:%B} to {p.end:%B %Y}", f"the twelve months to {day_words(p.end)}", day_words(p.end))

    @classmethod
    def year(cls, year: str | FinancialYear) -> PeriodWords:
        fy = parse_year(year)
        return cls(f"the financial year {fy.label}", f"the financial year {fy.label}", day_words(fy.end))


def parse_period(text: str | Period) -> Period:
    """Read ``YYYY-YY-Qn`` into a :class:`Period`, with an error that says what is wrong."""
    if isinstance(text, Period):
        return text
    if not isinstance(text, str):
        raise PeriodError(f"period must be text like '2026-27-Q2', not {type(text).__name__} {text!r}")
    m = _PERIOD_RE.match(text.strip())
    if not m:
        raise PeriodError(
            f"period {text!r} is not a financial quarter written YYYY-YY-Qn, "
            "for example '2026-27-Q2' (quarter 1 is April to June)"
        )
    start, end2, q = int(m.group(1)), int(m.group(2)), int(m.group(3))
    _check_year_pair(text, start, end2, "period")
    return Period(start, q)


def parse_year(text: str | FinancialYear) -> FinancialYear:
    """Read a financial year ``YYYY-YY`` (for example ``2025-26``)."""
    if isinstance(text, FinancialYear):
        return text
    if not isinstance(text, str):
        raise PeriodError(f"year must be text like '2025-26', not {type(text).__name__} {text!r}")
    m = _YEAR_RE.match(text.strip())
    if not m:
        raise PeriodError(
            f"financial year {text!r} is not written YYYY-YY, for example '2025-26' (April 2025 to March 2026)"
        )
    start, end2 = int(m.group(1)), int(m.group(2))
    _check_year_pair(text, start, end2, "financial year")
    return FinancialYear(start)


def period_range(first: str | Period, last: str | Period) -> list[Period]:
    """Every quarter from ``first`` to ``last`` inclusive."""
    a, b = parse_period(first), parse_period(last)
    if b < a:
        raise PeriodError(f"period range ends ({b}) before it starts ({a})")
    return [Period._from_index(i) for i in range(a._index(), b._index() + 1)]


def period_of(day: date | pd.Timestamp) -> Period:
    """The financial quarter containing ``day``."""
    d = pd.Timestamp(day)
    fy = d.year if d.month >= 4 else d.year - 1
    q = ((d.month - 4) % 12) // 3 + 1
    return Period(fy, q)


# --- working days ----------------------------------------------------------------------------


@cache
def _holiday_array(first_year: int, last_year: int) -> np.ndarray:
    import holidays

    days = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return np.array(sorted(days.keys()), dtype="datetime64[D]")


def bank_holidays(first_year: int, last_year: int) -> list[date]:
    """England and Wales bank holidays from 1 January ``first_year`` to 31 December ``last_year``."""
    return [d.astype(object) for d in _holiday_array(first_year, last_year)]


def _as_days(values) -> np.ndarray:
    arr = pd.to_datetime(pd.Series(np.atleast_1d(values)) if np.ndim(values) else pd.Series([values]))
    return arr.to_numpy(dtype="datetime64[D]")


def _holidays_covering(*arrays: np.ndarray) -> np.ndarray:
    years = [a.astype("datetime64[Y]").astype(int) + 1970 for a in arrays if a.size]
    finite = [y for y in years if y.size]
    if not finite:
        return _holiday_array(2000, 2000)
    lo = min(int(y.min()) for y in finite) - 1
    hi = max(int(y.max()) for y in finite) + 1
    return _holiday_array(lo, hi)


def working_days_between(start, end):
    """Working days from ``start`` to ``end``: ``end`` counts, ``start`` does not.

    This is the convention of the children-in-need census ("the number of working days between the
    start and the authorisation of an assessment"): a referral on Monday with an assessment completed
    on Tuesday took one working day. Saturdays, Sundays and England and Wales bank holidays are not
    working days. Works on scalars or arrays; missing dates give NaN. If ``end`` is before ``start``
    the result is negative.
    """
    scalar = np.ndim(start) == 0 and np.ndim(end) == 0
    s = pd.to_datetime(pd.Series(np.atleast_1d(start)))
    e = pd.to_datetime(pd.Series(np.atleast_1d(end)))
    if len(s) != len(e):
        if len(s) == 1:
            s = pd.Series(np.repeat(s.to_numpy(), len(e)))
        elif len(e) == 1:
            e = pd.Series(np.repeat(e.to_numpy(), len(s)))
        else:
            raise ValueError(f"start and end have different lengths ({len(s)} and {len(e)})")
    missing = (s.isna() | e.isna()).to_numpy()
    sd = s.fillna(pd.Timestamp("2000-01-03")).to_numpy(dtype="datetime64[D]")
    ed = e.fillna(pd.Timestamp("2000-01-03")).to_numpy(dtype="datetime64[D]")
    hol = _holidays_covering(sd[~missing], ed[~missing])
    # busday_count counts [begin, end): shifting both by a day gives (start, end].
    one = np.timedelta64(1, "D")
    out = np.busday_count(sd + one, ed + one, holidays=hol).astype(float)
    out[missing] = np.nan
    return float(out[0]) if scalar else out


def add_working_days(start, days: int):
    """The date ``days`` working days after ``start`` (so ``working_days_between`` of the two is ``days``)."""
    scalar = np.ndim(start) == 0
    s = pd.to_datetime(pd.Series(np.atleast_1d(start))).to_numpy(dtype="datetime64[D]")
    hol = _holidays_covering(s, s + np.timedelta64(max(days, 0) * 2 + 30, "D"))
    out = np.busday_offset(s, days, roll="backward", holidays=hol)
    out = pd.to_datetime(out)
    return out[0].date() if scalar else out


def age_at(date_of_birth, on):
    """Age in whole years on a date (birthdays counted on the day; 29 February birthdays on 1 March)."""
    dob = pd.to_datetime(pd.Series(np.atleast_1d(date_of_birth)))
    day = pd.to_datetime(pd.Series(np.atleast_1d(on)))
    if len(day) == 1 and len(dob) > 1:
        day = pd.Series(np.repeat(day.to_numpy(), len(dob)))
    years = day.dt.year - dob.dt.year
    before_birthday = (day.dt.month < dob.dt.month) | ((day.dt.month == dob.dt.month) & (day.dt.day < dob.dt.day))
    age = (years - before_birthday.astype(int)).to_numpy(dtype=float)
    age[(dob.isna() | day.isna()).to_numpy()] = np.nan
    return age
