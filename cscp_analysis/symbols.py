"""What a reader sees where a table shows no number: the GSS symbols, written at the output boundary.

Inside the package a cell without a number holds one of DfE's older letters (``c`` hidden, ``x`` not
available, ``z`` not applicable, ``low``), and hundreds of functions and tests compare with them.
What is *published* uses the symbols the Government Analysis Function recommends (*Symbols in tables,
definitions and guidance*, 2021), in square brackets so that no reader mistakes one for a value:

========  ==========================================================================================
``[c]``   a count from 1 to the threshold (5), or a figure worked out from one, hidden to protect
          confidentiality (primary suppression)
``[s]``   hidden so that another hidden count cannot be worked out from the figures shown
          (secondary suppression; GSS has no symbol of its own for it, so it is marked, as
          :mod:`cscp_analysis.disclosure_audit.symbols` reads it)
``[x]``   not available
``[z]``   not applicable
``[low]`` rounds to zero, but is not zero
========  ==========================================================================================

A hidden cell made by :mod:`cscp_analysis.disclosure` is a :class:`~cscp_analysis.disclosure.Hidden`
``c`` that knows whether it is primary or secondary; a plain ``c`` (a module that hid a cell by hand)
is written ``[c]``. The switch happens in one place, :func:`published`, called by everything that
writes for a reader: the pack's CSVs and figure data (:class:`cscp_analysis.evidence.Pack`), the
tables on the pages (``Session.show_table``, the index's table views) and the board's workbook.
:func:`footnote` explains, in words, only the symbols a table uses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .disclosure import DEFAULT_THRESHOLD, LOW, NOT_APPLICABLE, NOT_AVAILABLE, SECONDARY, SUPPRESSED
from .disclosure_audit import symbols as gss

__all__ = ["LETTERS", "ORDER", "WORDS", "SHORT_WORDS", "symbol", "published", "used", "footnote", "hidden_words",
           "hidden_cells"]

#: The internal letters and the GSS symbol each is written as (a secondary ``c`` is :data:`gss.SECONDARY`).
LETTERS: dict[str, str] = {SUPPRESSED: gss.PRIMARY, NOT_AVAILABLE: gss.NOT_AVAILABLE,
                           NOT_APPLICABLE: gss.NOT_APPLICABLE, LOW: gss.LOW}
#: The order symbols are explained in.
ORDER = (gss.PRIMARY, gss.SECONDARY, gss.NOT_AVAILABLE, gss.NOT_APPLICABLE, gss.LOW)
#: What each symbol means, in plain words (``{threshold}`` filled in by :func:`footnote`); the same
#: words are in docs/disclosure.md and in the charts' notes.
WORDS: dict[str, str] = {
    gss.PRIMARY: "a count from 1 to {threshold}, or a figure worked out from one, hidden to protect confidentiality",
    gss.SECONDARY: "hidden so that another hidden count cannot be worked out from the figures shown",
    gss.NOT_AVAILABLE: "not available",
    gss.NOT_APPLICABLE: "not applicable",
    gss.LOW: "rounds to zero, but is not zero",
}

#: The same, shorter, for alt text and chart labels.
SHORT_WORDS: dict[str, str] = {
    gss.PRIMARY: "a count from 1 to {threshold}, or worked out from one",
    gss.SECONDARY: "hidden so that another hidden count cannot be worked out",
}


def symbol(cell):
    """The GSS symbol of one cell holding an internal letter; any other cell unchanged."""
    if isinstance(cell, str) and cell in LETTERS:
        if cell == SUPPRESSED and getattr(cell, "kind", None) == SECONDARY:
            return gss.SECONDARY
        return LETTERS[cell]
    return cell


def published(table: pd.DataFrame) -> pd.DataFrame:
    """The table as it is written for a reader: every internal letter replaced by its GSS symbol (a copy).

    Only whole cells are replaced (a sentence containing the letter c is text); cells already in GSS
    form stay as they are, so applying it twice changes nothing. ``attrs`` are kept.
    """
    out = table.copy()
    for col in out.columns:
        column = out[col]
        if not (column.dtype == object or pd.api.types.is_string_dtype(column)):
            continue
        at = np.flatnonzero(column.isin(list(LETTERS)).to_numpy())  # a hash look-up per cell, vectorised
        if not len(at):
            continue
        cells = column.to_numpy(dtype=object).copy()
        cells[at] = [symbol(v) for v in cells[at]]  # only the cells holding a letter
        out[col] = pd.Series(cells, index=out.index, dtype=object)
    return out


def used(table: pd.DataFrame) -> list[str]:
    """The GSS symbols a table shows (written or still as letters), in :data:`ORDER`."""
    found: set[str] = set()
    shown = published(table)
    for col in shown.columns:
        column = shown[col]
        if column.dtype == object or pd.api.types.is_string_dtype(column):
            found |= set(column[column.isin(ORDER)].astype(str))
    return [s for s in ORDER if s in found]


def footnote(table_or_symbols, threshold: int | None = None) -> str:
    """One sentence explaining the symbols a table uses (``""`` when it uses none): "Symbols: [c] a count ...".

    ``table_or_symbols`` is a table (letters or GSS symbols) or a list of symbols; ``threshold`` is the
    largest count hidden as ``[c]`` (5 unless the partnership, or a stricter table, says otherwise).
    """
    symbols = used(table_or_symbols) if isinstance(table_or_symbols, pd.DataFrame) else \
        [s for s in ORDER if s in set(symbol(x) for x in table_or_symbols)]
    if not symbols:
        return ""
    t = DEFAULT_THRESHOLD if threshold is None else int(threshold)
    return "Symbols: " + "; ".join(f"{s} {WORDS[s].format(threshold=t)}" for s in symbols) + "."


def hidden_words(cells, what: str = "values", threshold: int | None = None) -> str:
    """How many of ``cells`` are hidden and what their symbols mean, for alt text and sentences (``""`` if none).

    "3 values are hidden: 2 marked [c] (a count from 1 to 5, or worked out from one) and 1 marked [s]
    (hidden so that another hidden count cannot be worked out)." ``what`` names the things counted.
    """
    marks = [symbol(c) for c in cells if isinstance(c, str) and symbol(c) in (gss.PRIMARY, gss.SECONDARY)]
    if not marks:
        return ""
    t = DEFAULT_THRESHOLD if threshold is None else int(threshold)
    parts = [f"{marks.count(m)} marked {m} ({SHORT_WORDS[m].format(threshold=t)})"
             for m in (gss.PRIMARY, gss.SECONDARY) if marks.count(m)]
    are = "is" if len(marks) == 1 else "are"
    name = what[:-1] if len(marks) == 1 and what.endswith("s") else what
    return f"{len(marks)} {name} {are} hidden: {' and '.join(parts)}."


def hidden_cells(table: pd.DataFrame) -> pd.DataFrame:
    """Every hidden cell of a table that knows what it hides: ``row`` (position), ``column``, ``kind``, ``value``.

    For the run's own checks (a sentence must never state a hidden value): never published.
    """
    rows, columns, kinds, values = [], [], [], []
    for col in table.columns:
        column = table[col]
        if not (column.dtype == object or pd.api.types.is_string_dtype(column)):
            continue
        at = np.flatnonzero(column.isin([SUPPRESSED]).to_numpy())
        for i in at:
            cell = column.iat[i]
            if hasattr(cell, "kind"):
                rows.append(int(i))
                columns.append(str(col))
                kinds.append(cell.kind)
                values.append(cell.value)
    return pd.DataFrame({"row": pd.Series(rows, dtype=int), "column": pd.Series(columns, dtype=object),
                         "kind": pd.Series(kinds, dtype=object), "value": pd.Series(values, dtype=float)})
