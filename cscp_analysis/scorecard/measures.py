"""Measures: the machinery behind the small, tested derivations that indicators' numerators and denominators name.

An indicator in ``config/indicators.yaml`` says *what* it divides by what (``numerator:
csc.rereferrals``, ``denominator: csc.referrals``); a measure says *how* that is derived from the
returns, once, in a function registered with :func:`measure` (the catalogue of measures is
:mod:`.catalogue`, one function per measure, as the validation rules live beside their registry). A
measure returns one of

* :class:`Events` — things that happen on a day (a referral, an authorised assessment), optionally
  with the child they concern (to count children rather than events) and a value (days taken);
* :class:`Stock` — something counted *at* a date (children on a plan at a month end);
* :class:`Quarterly` — a partner's quarterly figure from its aggregate return;
* :class:`Population` — the population denominator in force at a date.

so that one definition gives every window the scorecard needs — the quarter, the previous quarter,
the same quarter last year, the rolling twelve months and each month of the SPC series — by
vectorised counting (``np.searchsorted`` of the window boundaries in the sorted event dates), fast on a
1,000,000-child extract. Nothing here loops over children or events.

Dates are whole days (``datetime64[D]``); a window ``[start, end]`` includes both ends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import CscpError
from ..periods import Period

__all__ = [
    "MeasureSpec",
    "MeasureError",
    "MEASURES",
    "measure",
    "MeasureData",
    "Windows",
    "Events",
    "Stock",
    "IntervalStock",
    "Quarterly",
    "Population",
    "evaluate",
    "population_year",
]

DAY = "datetime64[D]"


class MeasureError(CscpError, ValueError):
    """A measure cannot be derived from the returns (a table or column is missing); says which."""


# ---------------------------------------------------------------------------------------------------
# Windows
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Windows:
    """A set of windows of one kind: ``month``, ``quarter`` or ``rolling12`` (twelve months to a quarter end).

    ``period`` is the quarter each window belongs to (for a month, the quarter containing it; for a
    rolling window, the quarter it ends with). ``months`` is each window's length in months, used to
    annualise a rate (× 12 ÷ months).
    """

    kind: str
    labels: tuple[str, ...]
    start: np.ndarray
    end: np.ndarray
    periods: tuple[Period, ...]
    months: int

    def __len__(self) -> int:
        return len(self.labels)

    @classmethod
    def quarters(cls, periods: list[Period]) -> Windows:
        return cls("quarter", tuple(p.label for p in periods),
                   np.array([p.start for p in periods], dtype=DAY), np.array([p.end for p in periods], dtype=DAY),
                   tuple(periods), 3)

    @classmethod
    def rolling(cls, periods: list[Period]) -> Windows:
        spans = [p.rolling_twelve_months() for p in periods]
        return cls("rolling12", tuple(f"12 months to {p.end:%d %b %Y}" for p in periods),
                   np.array([s for s, _ in spans], dtype=DAY), np.array([e for _, e in spans], dtype=DAY),
                   tuple(periods), 12)

    @classmethod
    def monthly(cls, periods: list[Period]) -> Windows:
        months = [m for p in periods for m in p.months()]
        owner = [p for p in periods for _ in p.months()]
        return cls("month", tuple(str(m) for m in months),
                   np.array([m.start_time.date() for m in months], dtype=DAY),
                   np.array([m.end_time.date() for m in months], dtype=DAY), tuple(owner), 1)


# ---------------------------------------------------------------------------------------------------
# What a measure returns
# ---------------------------------------------------------------------------------------------------


def _days(values) -> np.ndarray:
    """A date column as ``datetime64[D]`` (NaT kept)."""
    s = pd.to_datetime(pd.Series(values), errors="coerce")
    return s.to_numpy(dtype="datetime64[ns]").astype(DAY)


@dataclass
class Events:
    """Events on days, sorted by date; ``child`` (integer codes) to count distinct children;
    ``values`` (e.g. days taken) for a median. Rows without a date are dropped."""

    dates: np.ndarray
    child: np.ndarray | None = None
    values: np.ndarray | None = None
    distinct: bool = False  # count distinct children rather than events
    since: np.datetime64 | None = None  # the first date the source covers: earlier windows have no data
    # the cluster each event belongs to (a case of an audit, a child answering a survey), as text keys shared
    # by a numerator and its denominator: a percentage of them gets an interval that allows for the clustering
    cluster: np.ndarray | None = None

    @classmethod
    def build(cls, dates, child=None, values=None, distinct: bool = False, since=None, cluster=None) -> Events:
        d = _days(dates)
        keep = ~np.isnat(d)
        order = np.argsort(d[keep], kind="stable")
        c = v = k = None
        if child is not None:
            codes, _ = pd.factorize(pd.Series(child).reset_index(drop=True))
            c = np.asarray(codes)[keep][order]
        if values is not None:
            v = np.asarray(pd.Series(values).reset_index(drop=True), dtype=float)[keep][order]
        if cluster is not None:
            k = np.asarray(pd.Series(cluster).reset_index(drop=True).astype(str), dtype=object)[keep][order]
        if distinct and c is None:
            raise ValueError("distinct events need the child column")
        first = None if since is None or pd.isna(since) else np.datetime64(pd.Timestamp(since).date(), "D")
        return cls(d[keep][order], c, v, distinct, first, k)

    def per_cluster(self, w: Windows) -> list[pd.Series]:
        """For each window, the number of events of each cluster in it (a loop over windows, tens)."""
        if self.cluster is None:
            raise ValueError("these events name no clusters")
        lo, hi = self.bounds(w)
        return [pd.Series(self.cluster[a:b]).value_counts(sort=False) for a, b in zip(lo, hi, strict=False)]

    def bounds(self, w: Windows) -> tuple[np.ndarray, np.ndarray]:
        lo = np.searchsorted(self.dates, w.start, side="left")
        hi = np.searchsorted(self.dates, w.end, side="right")
        return lo, hi

    def _before(self, w: Windows) -> np.ndarray:
        """Windows that end before the source's first date: no data, not zero."""
        return np.zeros(len(w), dtype=bool) if self.since is None else (w.end < self.since)

    def count(self, w: Windows) -> np.ndarray:
        lo, hi = self.bounds(w)
        if not self.distinct:
            out = (hi - lo).astype(float)
        else:  # a loop over windows (tens), never over events
            out = np.array([np.unique(self.child[a:b]).size for a, b in zip(lo, hi, strict=False)], dtype=float)
        out[self._before(w)] = np.nan
        return out

    def values_in(self, w: Windows) -> list[np.ndarray]:
        lo, hi = self.bounds(w)
        vals = self.values if self.values is not None else np.zeros(len(self.dates))
        return [vals[a:b][~np.isnan(vals[a:b])] for a, b in zip(lo, hi, strict=False)]


class Stock:
    """Something counted at a date; subclasses give :meth:`at`."""

    def at(self, dates: np.ndarray) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    def count(self, w: Windows) -> np.ndarray:
        return self.at(w.end)


@dataclass
class IntervalStock(Stock):
    """Items open at a date ``d``: started on or before ``d`` and not ended on or before ``d``
    (``start ≤ d`` and (``end`` blank or ``end > d``)). Counts items: the measures using it rely on a
    child having at most one open item at a time (one plan, one period of care, one CIN episode)."""

    starts: np.ndarray
    ends: np.ndarray  # sorted, NaT removed

    @classmethod
    def build(cls, starts, ends) -> IntervalStock:
        s, e = _days(starts), _days(ends)
        ok = ~np.isnat(s) & (np.isnat(e) | (e >= s))
        s, e = s[ok], e[ok]
        return cls(np.sort(s), np.sort(e[~np.isnat(e)]))

    def at(self, dates: np.ndarray) -> np.ndarray:
        d = np.asarray(dates, dtype=DAY)
        started = np.searchsorted(self.starts, d, side="right")
        ended = np.searchsorted(self.ends, d, side="right")
        return (started - ended).astype(float)


@dataclass
class FunctionStock(Stock):
    """A stock computed by a vectorised function of one date, evaluated at each date (a loop over the
    tens of dates of the series, never over children)."""

    fn: Callable[[np.datetime64], float]

    def at(self, dates: np.ndarray) -> np.ndarray:
        return np.array([self.fn(d) for d in np.asarray(dates, dtype=DAY)], dtype=float)


@dataclass
class Quarterly:
    """A partner's quarterly figure by period label (NaN where the return did not arrive or had no
    row). ``flow``: a count over the quarter (twelve months = the sum of four quarters); otherwise a
    snapshot at the quarter end (twelve months = the latest quarter)."""

    values: dict[str, float]
    flow: bool = True

    def count(self, w: Windows) -> np.ndarray:
        if w.kind == "month":
            return np.full(len(w), np.nan)
        out = []
        for p in w.periods:
            if w.kind == "quarter" or not self.flow:
                out.append(self.values.get(p.label, np.nan))
            else:
                four = [self.values.get(p.shift(-k).label, np.nan) for k in range(4)]
                out.append(float(np.sum(four)) if not np.any(np.isnan(four)) else np.nan)
        return np.asarray(out, dtype=float)


def population_year(day) -> int:
    """The mid-year estimate used for a date: the one of the calendar year in which its financial year
    starts (DfE: the year ending 31 March *Y* uses mid-*(Y−1)*), so 2026-27 uses mid-2026."""
    d = pd.Timestamp(day)
    return d.year if d.month >= 4 else d.year - 1


@dataclass
class Population:
    """Population in force at a date, by the DfE rule of :func:`population_year`; where that estimate
    is not in the population table, the latest earlier one (:attr:`used` records which)."""

    by_year: dict[int, float]
    ages: tuple[int, int]
    used: dict[str, str] = field(default_factory=dict)

    def year_for(self, day) -> int | None:
        want = population_year(day)
        avail = sorted(y for y in self.by_year if y <= want)
        return avail[-1] if avail else None

    def at(self, dates: np.ndarray) -> np.ndarray:
        out = []
        for d in np.asarray(dates, dtype=DAY):
            y = self.year_for(d)
            out.append(self.by_year[y] if y is not None else np.nan)
            want = population_year(d)
            self.used[str(want)] = f"mid-{y}" if y is not None else "none"
        return np.asarray(out, dtype=float)

    def count(self, w: Windows) -> np.ndarray:
        return self.at(w.end)


def evaluate(result, w: Windows) -> np.ndarray:
    """The count (or population) of a measure's result in each window."""
    return result.count(w)


# ---------------------------------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeasureSpec:
    id: str
    fn: Callable
    kind: str  # events | stock | values | quarterly | population
    time: str  # flow (counted over a window) | stock (counted at its end)
    tables: tuple[str, ...]
    agency: str  # the agency whose data it uses ("" when it depends on the argument)
    description: str
    argument: str | None = None
    unit: str = ""  # for populations: what is counted ("children aged 0-17")
    noun: str = ""  # what it counts, in a few words ("missing episodes"), for notes such as "no ... in the period"

    @property
    def monthly(self) -> bool:
        return self.kind != "quarterly"


MEASURES: dict[str, MeasureSpec] = {}


def measure(id: str, *, kind: str, tables: tuple[str, ...], agency: str, time: str | None = None,
            argument: str | None = None, unit: str = "", noun: str = ""):
    """Register a measure. Its docstring's first paragraph is its definition in words."""

    def wrap(fn):
        if id in MEASURES:
            raise ValueError(f"measure {id} registered twice")
        doc = " ".join((fn.__doc__ or "").strip().split("\n\n")[0].split())
        t = time or ("stock" if kind in ("stock", "population") else "flow")
        MEASURES[id] = MeasureSpec(id, fn, kind, t, tables, agency, doc, argument, unit,
                                   noun or id.split(".", 1)[-1].replace("_", " "))
        return fn

    return wrap


class MeasureData:
    """The returns as the measures see them, with a cache of shared derivations."""

    def __init__(self, returns, config=None, period: Period | None = None):
        self.returns = returns
        self.config = config
        self.period = period
        self._cache: dict = {}
        self._reading: list[set] = []  # the columns read by the measures and derivations being computed
        self._cache_reads: dict = {}
        self.reads: dict[str, set[str]] = {}  # measure id -> "table.column" it read

    def _note(self, columns: set[str]) -> None:
        for open_reads in self._reading:
            open_reads |= columns

    def table(self, name: str, columns: tuple[str, ...] = ()) -> pd.DataFrame:
        self._note({f"{name}.{c}" for c in columns})
        tables = getattr(self.returns, "tables", None) or {}
        if name not in tables or tables[name] is None:
            raise MeasureError(f"table {name!r} is not in the returns")
        df = tables[name]
        missing = [c for c in columns if c not in df.columns]
        if missing:
            raise MeasureError(f"table {name!r} has no column(s) {missing}")
        return df

    def partner(self) -> pd.DataFrame:
        df = getattr(self.returns, "partner", None)
        if df is None:
            raise MeasureError("the partners' quarterly returns are not loaded")
        need = ["period", "indicator", "breakdown", "group", "numerator", "denominator"]
        missing = [c for c in need if c not in df.columns]
        if missing:
            raise MeasureError(f"partner returns have no column(s) {missing}")
        return df

    def cached(self, key, fn):
        """A shared derivation, computed once; the columns it read count for every measure that uses it."""
        if key not in self._cache:
            self._reading.append(set())
            try:
                self._cache[key] = fn()
            finally:
                self._cache_reads[key] = self._reading.pop()
        self._note(self._cache_reads.get(key, set()))
        return self._cache[key]

    def get(self, measure_id: str):
        """The result of a measure (``id`` or ``id:argument``), computed once; :attr:`reads` records the
        columns it read (so that a column the statutory sources did not supply can stop it)."""
        base, _, arg = measure_id.partition(":")
        if base not in MEASURES:
            raise MeasureError(f"{base!r} is not a registered measure")
        spec = MEASURES[base]
        value = self.cached(("measure", measure_id), lambda: spec.fn(self, arg) if spec.argument else spec.fn(self))
        self.reads[measure_id] = set(self._cache_reads.get(("measure", measure_id), set()))
        return value


def _yes(s: pd.Series) -> np.ndarray:
    return (s.astype("string").str.upper() == "Y").fillna(False).to_numpy(dtype=bool)
