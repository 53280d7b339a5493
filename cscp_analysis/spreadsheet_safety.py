"""Cells a spreadsheet would execute, made inert before any CSV is written.

A CSV cell whose text begins with ``=``, ``+``, ``-`` or ``@`` is read by Excel, LibreOffice and
Google Sheets as a formula: ``=HYPERLINK("http://x","click")`` becomes a link, and
``+cmd|' /C calc'!A0`` (dynamic data exchange) can start a program when the file is opened. A tab or
carriage return at the start of a cell is stripped by some spreadsheets, which then read what
follows as a formula. Partners' commentary and partners' values reach the evidence pack and
``rejected/`` as text, so every text cell is checked when a CSV is written.

The rule is the one OWASP recommends ("CSV Injection", owasp.org/www-community/attacks/CSV_Injection):
prefix such a cell with a single quotation mark, which spreadsheets show as text and never
evaluate; the CSV writer then quotes the cell as usual. Numbers stay numbers: a numeric column is
never touched, and neither is a text cell that is just a number (``-5``, ``+3``, ``-0.25``, ``1e-3``),
which a spreadsheet reads as that number and cannot run. Everything else that starts with one of the
six characters is prefixed, including a lone ``-``.

An Excel workbook is different: its cells have types, so text stored as text is never evaluated,
whatever it begins with; the board workbook (``cscp_analysis.workbook``) writes every text cell so.

``neutralise(df)`` returns a copy of a table with its text cells made safe (the column names too);
``neutralise_text(s)`` does the same for one string. Both leave safe values unchanged, so applying
them twice changes nothing.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = ["TRIGGERS", "PREFIX", "neutralise", "neutralise_text", "is_dangerous"]

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)*|\.\d+)(?:[eE][+-]?\d+)?%?")
_TRIGGER_CLASS = "[=+\\-@\t\r]"


def is_dangerous(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula (see the module docstring)."""
    return bool(text) and text[0] in TRIGGERS and not _NUMBER.fullmatch(text)


def neutralise_text(value):
    """``value`` with a ``'`` in front when a spreadsheet would execute it; anything else unchanged."""
    if isinstance(value, str) and is_dangerous(value):
        return PREFIX + value
    return value


def _neutralise_series(s: pd.Series) -> pd.Series:
    """A text (object, string or categorical) column with its dangerous cells prefixed; vectorised."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = pd.Series(s.cat.categories)
        if not cats.map(lambda v: isinstance(v, str) and is_dangerous(v)).any():  # a few categories
            return s
        s = s.astype(object)
    text = s.astype("string")
    cand = np.flatnonzero(text.str.match(_TRIGGER_CLASS).fillna(False).to_numpy(dtype=bool))
    if not len(cand):
        return s
    # only the candidates (rare) are looked at one by one: text, not a number written as text
    values = s.iloc[cand].to_numpy(dtype=object)
    fix = cand[np.array([isinstance(v, str) and is_dangerous(v) for v in values], dtype=bool)]
    if not len(fix):
        return s
    out = s.astype(object).copy()
    out.iloc[fix] = PREFIX + text.iloc[fix].astype(object)
    return out


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` in which no cell (and no column name) would run as a spreadsheet formula.

    Only text cells change; numeric, boolean and date columns, and text cells that are plain
    numbers, are kept as they are. The index is kept too (CSV writers here never write it).
    """
    out = None
    for i in range(df.shape[1]):
        s = df.iloc[:, i]
        if not (s.dtype == object or pd.api.types.is_string_dtype(s.dtype) or isinstance(s.dtype, pd.CategoricalDtype)):
            continue
        fixed = _neutralise_series(s)
        if fixed is not s:
            if out is None:
                out = df.copy()
            out.isetitem(i, fixed)
    names = [neutralise_text(c) for c in df.columns]
    if names != list(df.columns):
        out = (df.copy() if out is None else out)
        out.columns = names
    return df if out is None else out

