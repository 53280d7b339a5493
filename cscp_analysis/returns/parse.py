"""Turning the text of a cell into a typed value, column at a time (vectorised).

Every parser takes the stripped text of a column (``str`` dtype, NaN for a blank cell) and returns
the typed values with a boolean mask of the cells that could not be read. A cell that cannot be read
becomes missing in the typed column; the validation rules report it (RET-021 to RET-023) and reject
its row, so a half-read value is never used.

What is accepted, because partners' spreadsheets produce it:

* dates (from 1800 to 2200): ``YYYY-MM-DD`` (with or without a time of day), ``DD/MM/YYYY`` (also ``-`` or ``.``
  between the parts; day first, as in England), and Excel serial day numbers (20000 to 80000, i.e.
  1954 to 2119) when a date column was saved as numbers;
* whole numbers: ``412``, ``412.0``, ``1,234`` (thousands separators), ``+5``, ``1e3``; not ``4.5``,
  ``nan`` or ``inf``, and nothing of 10^15 or more (a value that large is a typing or export mistake);
* periods: ``YYYY-YY-Qn`` with the second year following the first (``q2`` is read as ``Q2``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["to_text", "to_dates", "to_integers", "to_periods", "EXCEL_EPOCH", "INTEGER_LIMIT"]

EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # Excel's day 0 (its 1900 leap-year bug makes day 60 29 Feb 1900)
INTEGER_LIMIT = 10**15
_SERIAL_MIN, _SERIAL_MAX = 20_000, 80_000
_YEAR_MIN, _YEAR_MAX = 1800, 2200

_ISO_TIME = r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_UK = r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"
_SERIAL = r"^(\d{5})(?:\.0+)?$"


def to_text(s: pd.Series) -> pd.Series:
    """Stripped text with NaN for blank (already the form the loader gives)."""
    return s


def _from_parts(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    y = pd.to_numeric(year)
    parts = pd.DataFrame({"year": y.where(y.between(_YEAR_MIN, _YEAR_MAX), 2000),
                          "month": pd.to_numeric(month), "day": pd.to_numeric(day)})
    out = pd.to_datetime(parts, errors="coerce")
    return out.where(y.between(_YEAR_MIN, _YEAR_MAX))


_LOW = np.datetime64(f"{_YEAR_MIN}-01-01")
_HIGH = np.datetime64(f"{_YEAR_MAX}-12-31")


def _in_range(d: pd.Series) -> pd.Series:
    """Dates outside 1800 to 2200 are not dates anyone meant (and do not fit ``datetime64[ns]``)."""
    v = d.to_numpy()
    outside = (v < _LOW) | (v > _HIGH)  # NaT compares False
    return d.where(~outside) if outside.any() else d


def to_dates(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Dates (``datetime64[ns]``) and the mask of cells that are not dates."""
    present = s.notna().to_numpy()
    out = _in_range(pd.to_datetime(s, format="%Y-%m-%d", errors="coerce"))
    todo = present & out.isna().to_numpy()
    if todo.any():
        out = out.astype("datetime64[ns]")
        rest = s[todo]
        got = pd.Series(pd.NaT, index=rest.index, dtype="datetime64[ns]")
        iso = rest.str.extract(_ISO_TIME)
        m = iso[0].notna()
        if m.any():
            got[m] = _from_parts(iso.loc[m, 0], iso.loc[m, 1], iso.loc[m, 2]).astype("datetime64[ns]")
        uk = rest.str.extract(_UK)
        m = uk[0].notna()
        if m.any():
            got[m] = _from_parts(uk.loc[m, 2], uk.loc[m, 1], uk.loc[m, 0]).astype("datetime64[ns]")
        serial = pd.to_numeric(rest.str.extract(_SERIAL)[0], errors="coerce")
        m = serial.between(_SERIAL_MIN, _SERIAL_MAX)
        if m.any():
            got[m] = (EXCEL_EPOCH + pd.to_timedelta(serial[m], unit="D")).astype("datetime64[ns]")
        out[todo] = got
    out = out.astype("datetime64[ns]")
    bad = present & out.isna().to_numpy()
    return out, bad


def to_integers(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Whole numbers (nullable ``Int64``) and the mask of cells that are not whole numbers."""
    present = s.notna().to_numpy()
    num = pd.to_numeric(s, errors="coerce")
    num = num.astype("float64") if num.dtype != "float64" else num
    todo = present & num.isna().to_numpy()
    if todo.any():
        rest = s[todo]
        cleaned = rest.str.replace(r"^([+-]?\d{1,3}(?:,\d{3})+)(\.0+)?$", r"\1", regex=True).str.replace(",", "", regex=False)
        ok = rest.str.match(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.0+)?$")
        again = pd.to_numeric(cleaned.where(ok), errors="coerce")
        num = num.copy()
        num[todo] = again.astype("float64")
    arr = num.to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        good = np.isfinite(arr) & (np.abs(arr) < INTEGER_LIMIT) & (arr == np.round(arr))
    bad = present & ~good
    values = pd.array(np.where(good, arr, 0).astype("int64"), dtype="Int64")
    values[~good] = pd.NA
    return pd.Series(values, index=s.index), bad


def to_periods(s: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Periods ``YYYY-YY-Qn`` as text, and the mask of cells that are not periods."""
    present = s.notna().to_numpy()
    up = s.str.upper()
    shape = up.str.fullmatch(r"\d{4}-\d{2}-Q[1-4]").fillna(False).to_numpy(dtype=bool)
    good = shape.copy()
    if shape.any():
        y1 = pd.to_numeric(up[shape].str.slice(0, 4)).to_numpy()
        y2 = pd.to_numeric(up[shape].str.slice(5, 7)).to_numpy()
        good[shape] = (y1 + 1) % 100 == y2
    bad = present & ~good
    return up.where(good), bad
