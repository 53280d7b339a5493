"""Quantity keys: the name every published number is known by, whichever table prints it.

A key names one quantity, for example::

    children | characteristic=sex | group=Boys | stage=Child protection plan | window=2026-27-Q2

the quantity first, then ``name=value`` pairs in alphabetical order of name. The same quantity
printed in two tables has the same key, so the audit treats it as one unknown.

A declaration writes keys as *templates* filled in from each row of its table: ``{column}`` is the
row's value in that column (spaces around it removed); ``{column:before →}`` and
``{column:after →}`` are the text before or after a separator in it (for a column such as
``decision`` = ``Initial conference → Child protection plan``). The pairs may be written in any
order; :func:`parse` puts them in the canonical order. Filling a template is vectorised over the
rows of a table (pandas string operations, no loop over rows).
"""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["AuditError", "Columns", "Template", "parse", "is_template", "fill_text"]

_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_ \-]*$")
_SPEC = re.compile(r"^(before|after) (.+)$")


class AuditError(ValueError):
    """A declaration or a published table the audit cannot read; the message names the table, row and column."""


@dataclass(frozen=True)
class _Field:
    column: str
    part: str = ""  # "", "before" or "after"
    separator: str = ""


@dataclass(frozen=True)
class Template:
    """A parsed key template: the quantity and, for each name (sorted), its value as literal text and fields."""

    text: str
    quantity: str
    names: tuple[str, ...]
    values: tuple[tuple[str | _Field, ...], ...]

    @property
    def columns(self) -> set[str]:
        """The table columns the template reads."""
        return {p.column for value in self.values for p in value if isinstance(p, _Field)}

    def fill(self, table: Columns, rows: np.ndarray | None = None, replace: dict[str, str] | None = None) -> np.ndarray:
        """The key of each row (positions ``rows``, all rows when None) of ``table``: an array of strings.

        ``replace`` gives columns whose value is taken as a constant instead of the row's (used to
        name a total row: the part's key with ``group`` replaced by ``All children``).
        """
        rows = np.arange(table.n) if rows is None else rows
        out = np.full(len(rows), self.quantity, dtype=object)
        for name, value in zip(self.names, self.values, strict=True):
            filled = _fill(value, table, rows, self.text, replace or {})
            bad = filled == ""
            for piece in value:  # a '|' can only come from a column's values (the template was split on it)
                if isinstance(piece, _Field) and piece.column in table and not piece.part:
                    bad |= table.has_pipe(piece.column)[rows]
            if bad.any():
                row = table.label(rows[np.flatnonzero(bad)[0]])
                raise AuditError(f"{table.where}:{row}: the key template {self.text!r} gives {name}="
                                 f"{filled[np.flatnonzero(bad)[0]]!r}; a key value must not be empty or contain '|'")
            out = out + f" | {name}=" + filled
        return out


class Columns:
    """A published table's columns as stripped strings, converted once (templates read them often)."""

    def __init__(self, table: pd.DataFrame, where: str):
        self.table, self.where, self.n = table, where, len(table)
        self._cache: dict = {}

    def __contains__(self, column: str) -> bool:
        return column in self.table.columns

    def __getitem__(self, column: str) -> np.ndarray:
        if column not in self._cache:
            codes, uniques = self.codes(column)
            self._cache[column] = uniques[codes]
        return self._cache[column]

    def codes(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        """The column as codes into its distinct values (stripped strings): work on the few distinct values."""
        key = ("codes", column)
        if key not in self._cache:
            codes, uniques = pd.factorize(self.table[column].to_numpy(dtype=object), use_na_sentinel=False)
            stripped = np.array([str(u).strip() for u in uniques], dtype=object)
            self._cache[key] = (codes, stripped)
        return self._cache[key]

    def has_pipe(self, column: str) -> np.ndarray:
        """Which rows' values contain '|', which a key value must not."""
        key = ("pipe", column)
        if key not in self._cache:
            codes, uniques = self.codes(column)
            self._cache[key] = np.array(["|" in u for u in uniques], dtype=bool)[codes]
        return self._cache[key]

    def part(self, column: str, which: str, separator: str) -> tuple[np.ndarray, np.ndarray]:
        """The text before or after ``separator`` in each row (stripped), and whether the row has it."""
        key = ("part", column, which, separator)
        if key not in self._cache:
            codes, uniques = self.codes(column)
            split = [u.partition(separator) for u in uniques]
            text = np.array([(a if which == "before" else b).strip() for a, _, b in split], dtype=object)
            has = np.array([sep != "" for _, sep, _ in split], dtype=bool)
            self._cache[key] = (text[codes], has[codes])
        return self._cache[key]

    def label(self, position: int):
        """How a row is named in messages: its index label (the line of the CSV for a pack's table)."""
        return self.table.index[position]


def fill_text(text: str, table: Columns, rows: np.ndarray | None = None) -> np.ndarray:
    """A free-text template (a label such as ``"{group} at the {stage} stage"``) filled in for each row."""
    rows = np.arange(table.n) if rows is None else rows
    return _fill(_value(text, text), table, rows, text, {})


def _fill(value: tuple, table: Columns, rows: np.ndarray, text: str, replace: dict[str, str]) -> np.ndarray:
    """Literal text and fields of one template value, filled in for the given rows (vectorised)."""
    filled = np.full(len(rows), "", dtype=object)
    for piece in value:
        if isinstance(piece, str):
            filled = filled + piece
            continue
        if piece.column in replace:
            col = np.full(len(rows), replace[piece.column], dtype=object)
        elif piece.column not in table:
            raise AuditError(f"{table.where}: the template {text!r} reads column {piece.column!r}, which is not in the "
                             f"table (columns: {', '.join(map(str, table.table.columns))})")
        elif piece.part:
            col, has = table.part(piece.column, piece.part, piece.separator)
            col, has = col[rows], has[rows]
            if not has.all():
                at = np.flatnonzero(~has)[0]
                raise AuditError(f"{table.where}:{table.label(rows[at])}: column {piece.column!r}: "
                                 f"{table[piece.column][rows[at]]!r} has no {piece.separator!r} to take the text "
                                 f"{piece.part} (template {text!r})")
        else:
            col = table[piece.column][rows]
        filled = col if (len(value) == 1) else filled + col
    return filled


def is_template(text: str) -> bool:
    """True when ``text`` reads as a key template (it has at least one ``|``), not a column name."""
    return "|" in text


def parse(text: str) -> Template:
    """Parse a key template ``"quantity | name=value | ..."``; raises :class:`AuditError` if malformed."""
    if not isinstance(text, str):
        raise AuditError(f"a key template must be text such as 'children | stage={{stage}}'; got {text!r}")
    return _parse(text)


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> Template:
    if not text.strip():
        raise AuditError(f"a key template must be text such as 'children | stage={{stage}}'; got {text!r}")
    parts = [p.strip() for p in text.split("|")]
    quantity, pairs = parts[0], parts[1:]
    if not quantity or "{" in quantity or "=" in quantity:
        raise AuditError(f"key template {text!r}: it must start with the quantity's name (plain text, e.g. 'children')")
    named: dict[str, tuple] = {}
    for pair in pairs:
        name, eq, value = pair.partition("=")
        name, value = name.strip(), value.strip()
        if not eq or not _NAME.match(name) or not value:
            raise AuditError(f"key template {text!r}: {pair!r} must be name=value (name: letters, digits, '_')")
        if name in named:
            raise AuditError(f"key template {text!r}: {name!r} is given twice")
        named[name] = _value(value, text)
    names = tuple(sorted(named))
    return Template(text, quantity, names, tuple(named[n] for n in names))


def _value(value: str, text: str) -> tuple:
    pieces: list = []
    try:
        parsed = list(string.Formatter().parse(value))
    except ValueError as exc:
        raise AuditError(f"key template {text!r}: {value!r}: {exc}") from None
    for literal, column, spec, conversion in parsed:
        if literal:
            pieces.append(literal)
        if column is None:
            continue
        if not column or conversion:
            raise AuditError(f"key template {text!r}: {{{column}}} must name a column")
        if spec:
            m = _SPEC.match(spec)
            if not m:
                raise AuditError(f"key template {text!r}: {{{column}:{spec}}}: only 'before SEP' and 'after SEP' "
                                 "may follow the colon")
            pieces.append(_Field(column, m.group(1), m.group(2)))
        else:
            pieces.append(_Field(column))
    return tuple(pieces)
