"""Turning the text of statutory files into the extract's values, vectorised over distinct values.

Councils' files write the same thing many ways: dates as ``2024-03-31``, ``2024-03-31T00:00:00``,
``2024-03-31Z`` or ``31/03/2024``; booleans as ``true``, ``1``, ``Y`` or ``Yes``; Annex A's values
wrapped as ``a) WBRI`` or ``q) 6: Police``. Each function here works on a numpy array (or Series)
of text and looks at every *distinct* value once, so a million rows cost a few thousand parses.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["make_keys", "by_value", "parse_dates", "parse_yes_no", "clean_text", "upper", "iso", "unwrap_annex"]

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
_UK = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_YES = {"TRUE", "1", "Y", "YES", "A) YES"}
_NO = {"FALSE", "0", "N", "NO", "B) NO"}


def by_value(values, func) -> np.ndarray:
    """``func`` applied to each distinct value of ``values`` once (``func`` maps an object array of the
    distinct values to an array of results), then spread back to every row."""
    arr = np.asarray(values, dtype=object)
    if len(arr) == 0:
        return np.asarray(func(np.array([], dtype=object)))
    codes, uniques = pd.factorize(arr, use_na_sentinel=False)
    return np.asarray(func(np.asarray(uniques, dtype=object)))[codes]


def _clean(u: np.ndarray) -> np.ndarray:
    s = pd.Series(u, dtype=object)
    return s.where(s.notna(), "").astype(str).str.replace("\u00a0", " ", regex=False).str.strip().to_numpy(dtype=object)


def clean_text(values) -> np.ndarray:
    """Text with surrounding white space (including non-breaking spaces) removed; None and NaN as ''."""
    return by_value(values, _clean).astype(object)


def upper(values) -> np.ndarray:
    """Cleaned text in capitals (codes written in lower case by some systems)."""
    return by_value(values, lambda u: pd.Series(_clean(u)).str.upper().to_numpy(dtype=object)).astype(object)


def _parse_one(text: str) -> np.datetime64 | None:
    m = _ISO.match(text)
    if m:
        y, mo, d = (int(x) for x in m.groups())
    else:
        m = _UK.match(text)
        if not m:
            return None
        d, mo, y = (int(x) for x in m.groups())
    try:
        return np.datetime64(f"{y:04d}-{mo:02d}-{d:02d}", "D")
    except ValueError:  # 2024-02-30
        return None


def parse_dates(values) -> tuple[np.ndarray, np.ndarray]:
    """``datetime64[D]`` of each value (NaT when blank or not a date) and the mask of values that were
    not blank but not a date either. Accepts ISO dates (with a time or a time zone after them, as XML
    ``xs:date`` and ``xs:dateTime`` allow) and day-first dates (``31/03/2024``, as SSDA903 writes them)."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=False)
    uniques = _clean(np.asarray(uniques, dtype=object))
    parsed = np.array([_parse_one(u) if u else None for u in uniques], dtype=object)
    bad_u = np.array([bool(u) and p is None for u, p in zip(uniques, parsed, strict=True)], dtype=bool)
    days = np.array([np.datetime64("NaT", "D") if p is None else p for p in parsed], dtype="datetime64[D]")
    if len(codes) == 0:
        return np.array([], dtype="datetime64[D]"), np.zeros(0, dtype=bool)
    return days[codes], bad_u[codes]


def parse_yes_no(values) -> tuple[np.ndarray, np.ndarray]:
    """'Y', 'N' or '' for each value, and the mask of values that were neither blank nor a yes or no."""
    text = upper(values)
    out = by_value(text, lambda u: np.array(["Y" if x in _YES else "N" if x in _NO else "" for x in u], dtype=object))
    bad = (out == "") & (text != "")
    return out.astype(object), np.asarray(bad, dtype=bool)


def iso(days: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD`` text of ``datetime64[D]`` values, '' for NaT."""
    days = np.asarray(days, dtype="datetime64[D]")
    out = np.datetime_as_string(days, unit="D").astype(object)
    out[np.isnat(days)] = ""
    return out


_WRAP = re.compile(r"^[a-z]{1,2}\)\s*", re.IGNORECASE)


def unwrap_annex(values) -> np.ndarray:
    """Annex A's drop-down values without their list letter: ``a) WBRI`` -> ``WBRI``, ``q) 6: Police``
    -> ``6: Police``, ``b) Female`` -> ``Female`` (values without a letter are left as they are)."""
    return by_value(values, lambda u: pd.Series(_clean(u)).str.replace(_WRAP, "", regex=True).str.strip()
                    .to_numpy(dtype=object)).astype(object)


def make_keys(prefix: str, child_ids, days) -> np.ndarray:
    """Keys for records that have no identifier of their own: ``<prefix>-<child>-<YYYYMMDD>``, with ``-2``,
    ``-3`` for a second or third record of the same child and day (in the order given). The same
    record read from another file (another year's return, or another format) gets the same key."""
    child_ids = np.asarray(child_ids, dtype=object)
    stamp = by_value(np.asarray(days, dtype="datetime64[D]").astype(object),
                     lambda u: np.array(["" if pd.isna(x) else str(x).replace("-", "") for x in u], dtype=object))
    out = np.array([f"{prefix}-{c}-{d}" for c, d in zip(child_ids, stamp, strict=True)], dtype=object)
    base = pd.Series(out, dtype=object)
    repeat = base.duplicated(keep=False).to_numpy()
    if repeat.any():
        sub = base[repeat]
        n = sub.groupby(sub, sort=False).cumcount().to_numpy() + 1
        idx = np.flatnonzero(repeat)
        later = n > 1
        out[idx[later]] = out[idx[later]] + "-" + n[later].astype(str).astype(object)
    return out
