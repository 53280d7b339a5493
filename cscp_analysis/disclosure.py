"""Statistical disclosure control at publication: suppression, rounding and the GSS/DfE symbols.

Follows the DfE children-in-need and children-looked-after publications (docs/architecture.md §5):

* **primary suppression**: any count from 1 to ``threshold`` (5 by default, configurable per
  partnership) is suppressed and shown as ``c``; 0 is shown;
* **secondary suppression**: no suppressed cell may be recoverable from the totals of its row or
  column. In every line (a row with a row total, a column with a column total, or a 1-D breakdown
  with its total) where exactly one cell is suppressed, the next-smallest non-zero cell of that line
  is suppressed too (the line's total if no part is left), repeated until stable. Then every
  suppressed cell is checked by linear algebra: if the published totals and cells still determine a
  suppressed value exactly (as in a 'bridge' between two suppressed blocks), another cell next to it
  is suppressed and the process repeats;
* every **derived** figure (rate, percentage, interval) whose count is suppressed is shown as ``c``;
* **rounding**: percentages and rates to one decimal place (half away from zero, as DfE and Excel),
  counts to the nearest 10 where asked (national and regional figures); a non-zero value that
  rounds to zero is shown as ``low``;
* symbols: ``c`` suppressed, ``x`` not available (missing), ``z`` not applicable, ``low``.

Inside the package a hidden cell is the letter ``c``, whatever hid it. Every cell this module hides
is a :class:`Hidden`: a string equal to ``"c"`` (so every comparison with ``"c"`` holds) that also
knows *why* it is hidden (``kind``: ``"primary"``, a count from 1 to the threshold or a figure
worked out from one; ``"secondary"``, hidden so that another hidden count cannot be worked out) and
the unrounded value it hides. The output boundary (:mod:`cscp_analysis.symbols`) writes ``[c]`` or
``[s]`` from the kind; the value never reaches a reader (``str()`` of a :class:`Hidden` is ``"c"``) and
is there for the run's own checks (a sentence must never state it). Use :func:`hide` to hide cells in
a module that suppresses by hand.

Everything upstream works on unrounded numbers; suppression and rounding happen once, here. The
result is a table of strings plus a boolean mask of what was suppressed (for charts), and
:func:`check_disclosure` guards a published table before it is written.

Source: Government Statistical Service, *Symbols in tables, definitions and guidance* (2021);
DfE *Children in need* and *Children looked after in England* methodology (suppression of counts
1 to 5, rounding of national figures); GSS *Statistical disclosure control* guidance (secondary
suppression).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy.linalg import null_space

from cscp_analysis.stats._checks import _numeric, _rows

from .errors import CscpError

__all__ = [
    "cell_number",
    "is_cell_number",
    "SUPPRESSED",
    "NOT_AVAILABLE",
    "NOT_APPLICABLE",
    "LOW",
    "SYMBOLS",
    "PRIMARY",
    "SECONDARY",
    "Hidden",
    "hide",
    "hidden_like",
    "DisclosureError",
    "Published",
    "primary_suppression",
    "secondary_suppression",
    "suppress_table",
    "round_half_up",
    "format_numbers",
    "publish_table",
    "check_disclosure",
    "check_section",
    "format_p",
    "BOARD",
    "PUBLIC",
    "AUDIENCES",
    "BOARD_MARKING",
    "audience_of",
    "shows_own_work",
]

SUPPRESSED = "c"
NOT_AVAILABLE = "x"
NOT_APPLICABLE = "z"
LOW = "low"
SYMBOLS = {SUPPRESSED: "suppressed to protect confidentiality", NOT_AVAILABLE: "not available",
           NOT_APPLICABLE: "not applicable", LOW: "rounds to zero, but is not zero"}
DEFAULT_THRESHOLD = 5
_EPS = float(np.sqrt(np.finfo(float).eps))


PRIMARY, SECONDARY = "primary", "secondary"


class Hidden(str):
    """A hidden cell: the letter ``c`` to every comparison, knowing why it is hidden and what it hides.

    ``kind`` is :data:`PRIMARY` (a count from 1 to the threshold, or a figure worked out from one) or
    :data:`SECONDARY` (hidden so that another hidden count cannot be worked out); ``value`` is the
    unrounded number the cell hides (NaN when not known). ``Hidden(PRIMARY, 3) == "c"``; ``str()``,
    ``repr()`` and formatting give ``"c"``, so the value is never printed. pandas keeps the object
    through copies, filters, sorting, ``concat``, ``merge`` and ``reset_index``; an operation that
    builds new strings (``.str`` methods, ``astype(str)``) gives a plain ``"c"``, which the output
    boundary writes as ``[c]``.
    """

    def __new__(cls, kind: str = PRIMARY, value: float = float("nan")):
        if kind not in (PRIMARY, SECONDARY):
            raise ValueError(f"Hidden: kind must be {PRIMARY!r} or {SECONDARY!r}, not {kind!r}")
        cell = super().__new__(cls, SUPPRESSED)
        cell.kind = kind
        cell.value = float(value) if value is not None else float("nan")
        return cell

    def __reduce__(self):  # pickling and copying keep the kind and the value
        return (Hidden, (self.kind, self.value))

    def __repr__(self) -> str:
        return repr(SUPPRESSED)


def _kinds(values: np.ndarray, threshold: int | None, kind) -> np.ndarray:
    if kind is not None:
        return np.broadcast_to(np.asarray(kind, dtype=object), values.shape)
    if threshold is None:
        raise ValueError("hide: give 'threshold' (to tell primary from secondary cells) or 'kind'")
    return np.where(primary_suppression(values, threshold), PRIMARY, SECONDARY).astype(object)


def hide(values, hidden, text=None, *, threshold: int | None = None, kind=None) -> np.ndarray:
    """``text`` (an array of published strings, one per value) with every ``hidden`` cell a :class:`Hidden`.

    ``values`` are the unrounded numbers; ``kind`` (one for all, or one per cell) says why the cells
    are hidden; without it a hidden count from 1 to ``threshold`` is primary and any other secondary
    (a count, not a derived figure: give ``kind`` for rates and percentages). ``text`` defaults to
    empty strings (every hidden cell is replaced anyway). Returns an object array.
    """
    v = np.asarray(_numeric(values, "values", where="hide"), dtype=float).ravel()
    mask = np.broadcast_to(np.asarray(hidden, dtype=bool), v.shape)
    out = (np.full(v.shape, "", dtype=object) if text is None
           else np.array(np.broadcast_to(np.asarray(text, dtype=object), v.shape), dtype=object))
    kinds = _kinds(v, threshold, kind)
    at = np.flatnonzero(mask)
    out[at] = [Hidden(k, x) for k, x in zip(kinds[at], v[at], strict=True)]  # one object per hidden cell
    return out


def hidden_like(cells, values, text) -> np.ndarray:
    """``text`` hidden wherever ``cells`` (published cells of the count a figure is worked out from) are,
    with the same kind (primary where a cell is a plain ``c``) and the figure's own unrounded ``values``."""
    cells = np.asarray(cells, dtype=object).ravel()
    hidden = np.array([c == SUPPRESSED for c in cells], dtype=bool)
    kinds = np.array([getattr(c, "kind", PRIMARY) for c in cells], dtype=object)
    return hide(values, hidden, text, kind=kinds)


class DisclosureError(CscpError, ValueError):
    """A published table would disclose a small count."""


class Published(NamedTuple):
    """A publication table (strings) and the mask of suppressed cells (True = shown as ``c``)."""

    table: pd.DataFrame
    suppressed: pd.DataFrame


def _threshold(threshold) -> int:
    if isinstance(threshold, bool) or not isinstance(threshold, (int, np.integer)) or threshold < 1:
        raise ValueError(f"'threshold' must be a whole number of at least 1 (counts 1 to threshold are "
                         f"suppressed); got {threshold!r}")
    return int(threshold)


def primary_suppression(counts, threshold: int = DEFAULT_THRESHOLD) -> np.ndarray:
    """True for every count from 1 to ``threshold``; 0 and larger counts are shown. NaN is not suppressed."""
    t = _threshold(threshold)
    v = _numeric(counts, "counts", where="primary_suppression")
    with np.errstate(invalid="ignore"):
        return (v >= 0.5) & (v < t + 0.5)


# --------------------------------------------------------------------------------------------------
# secondary suppression on one block: a grid of cells, optionally with a total row and a total column


def _line_pass(values: np.ndarray, mask: np.ndarray, total_col: int | None) -> bool:
    """One pass over the rows of a grid whose column ``total_col`` holds each row's total.

    Every row with exactly one suppressed cell (part or total) gets one more: the smallest non-zero
    unsuppressed part, else the total, else any unsuppressed part. Vectorised over rows.
    Returns whether anything changed.
    """
    if total_col is None or values.shape[1] < 2:
        return False
    need = mask.sum(axis=1) == 1
    if not need.any():
        return False
    rows = np.flatnonzero(need)
    parts = np.ones(values.shape[1], dtype=bool)
    parts[total_col] = False
    v = values[rows]
    m = mask[rows]
    free = ~m & parts[None, :] & ~np.isnan(v)
    nonzero = np.where(free & (v > 0), v, np.inf)
    pick = nonzero.argmin(axis=1)
    has_nonzero = np.isfinite(nonzero.min(axis=1))
    total_free = ~m[:, total_col] & ~np.isnan(v[:, total_col])
    zero_pick = np.where(free, 0, 1).argmin(axis=1)
    has_free = free.any(axis=1)
    col = np.where(has_nonzero, pick, np.where(total_free, total_col, np.where(has_free, zero_pick, -1)))
    ok = col >= 0
    mask[rows[ok], col[ok]] = True
    return bool(ok.any())


def _lines(shape, total_row, total_col):
    """The additive lines of a block as (parts, total) lists of flat cell indices."""
    n_r, n_c = shape
    lines = []
    if total_col is not None:
        for r in range(n_r):
            lines.append(([r * n_c + c for c in range(n_c) if c != total_col], r * n_c + total_col))
    if total_row is not None:
        for c in range(n_c):
            lines.append(([r * n_c + c for r in range(n_r) if r != total_row], total_row * n_c + c))
    return lines


def _determined(mask: np.ndarray, total_row, total_col) -> np.ndarray:
    """Suppressed cells whose value the published cells and totals determine exactly (flat bool array)."""
    flat = mask.ravel()
    unknown = np.flatnonzero(flat)
    out = np.zeros(flat.shape, dtype=bool)
    lines = _lines(mask.shape, total_row, total_col)
    if not len(unknown) or not lines:
        return out
    col_of = {cell: j for j, cell in enumerate(unknown)}
    a = np.zeros((len(lines), len(unknown)))
    for i, (parts, total) in enumerate(lines):  # one equation per line: Σ parts − total = 0
        for cell in parts:
            if cell in col_of:
                a[i, col_of[cell]] += 1
        if total in col_of:
            a[i, col_of[total]] -= 1
    a = a[np.abs(a).sum(axis=1) > 0]
    if not len(a):
        return out
    basis = null_space(a)
    free = np.linalg.norm(basis, axis=1) if basis.size else np.zeros(len(unknown))
    out[unknown[free < 1e-9]] = True
    return out


def secondary_suppression(values, mask, total_row: int | None = None, total_col: int | None = None,
                          audit: bool = True) -> np.ndarray:
    """Extend a suppression mask so that no suppressed cell can be recovered from totals.

    ``values`` is a 2-D grid of counts including its margins: row ``total_row`` holds the column
    totals and column ``total_col`` the row totals (either may be None; a 1-D breakdown with a total
    is a one-column grid with ``total_row``). ``mask`` is the primary suppression (True =
    suppressed). Lines with exactly one suppressed cell get the next-smallest non-zero cell
    suppressed, rows then columns, until stable; with ``audit`` the result is then checked by linear
    algebra and extended until no suppressed value is determined by the published ones.
    """
    v = np.array(_numeric(values, "values", where="secondary_suppression"), dtype=float, ndmin=2)
    m = np.array(mask, dtype=bool, ndmin=2).copy()
    if v.shape != m.shape:
        raise ValueError(f"secondary_suppression: 'values' {v.shape} and 'mask' {m.shape} must have the same shape")
    for _ in range(v.size + 1):
        changed = True
        while changed:
            changed = _line_pass(v, m, total_col)
            changed = _line_pass(v.T, m.T, total_row) or changed
        if not audit:
            return m
        determined = _determined(m, total_row, total_col)
        if not determined.any():
            return m
        # suppress one more cell beside the first determined cell: its row, else its column
        cell = int(np.flatnonzero(determined)[0])
        r, c = divmod(cell, v.shape[1])
        if not _add_beside(v, m, r, c, total_row, total_col):
            m[:] = m | ~np.isnan(v)  # nothing else can be done: withhold the whole block
            return m
    return m


def _add_beside(v: np.ndarray, m: np.ndarray, r: int, c: int, total_row, total_col) -> bool:
    """Suppress the smallest non-zero unsuppressed cell in row r (or column c) of the block."""
    candidates = []
    if total_col is not None:
        candidates += [(v[r, j], r, j) for j in range(v.shape[1]) if not m[r, j] and j != total_col]
    if total_row is not None:
        candidates += [(v[i, c], i, c) for i in range(v.shape[0]) if not m[i, c] and i != total_row]
    candidates = [x for x in candidates if not np.isnan(x[0])]
    if not candidates:
        candidates = [(v[i, j], i, j) for i in range(v.shape[0]) for j in range(v.shape[1])
                      if not m[i, j] and not np.isnan(v[i, j])]
    if not candidates:
        return False
    nonzero = [x for x in candidates if x[0] > 0]
    _, i, j = min(nonzero or candidates, key=lambda x: x[0])
    m[i, j] = True
    return True


def suppress_table(table: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD, total_row=None,
                   total_column=None) -> pd.DataFrame:
    """Primary and secondary suppression of a wide numeric table; returns the mask (True = suppressed).

    ``total_row`` is the index label of the row of column totals and ``total_column`` the name of
    the column of row totals (either or both may be absent).
    """
    if total_row is not None and total_row not in table.index:
        raise ValueError(f"suppress_table: 'total_row' {total_row!r} is not in the index")
    if total_column is not None and total_column not in table.columns:
        raise ValueError(f"suppress_table: 'total_column' {total_column!r} is not a column")
    values = np.column_stack([_numeric(table[c], str(c), where="suppress_table") for c in table.columns]) \
        if len(table.columns) else np.zeros((len(table), 0))
    mask = primary_suppression(values, threshold)
    tr = None if total_row is None else int(np.flatnonzero(table.index == total_row)[0])
    tc = None if total_column is None else int(list(table.columns).index(total_column))
    mask = secondary_suppression(values, mask, tr, tc)
    return pd.DataFrame(mask, index=table.index, columns=table.columns)


# --------------------------------------------------------------------------------------------------
# rounding and formatting


def round_half_up(values, decimals: int = 0, base: float | None = None):
    """Round half away from zero, as DfE's ``true_round`` and Excel: 2.25 -> 2.3, 0.05 -> 0.1, 15 -> 20 with base 10.

    ``sign(x) · trunc(|x| · s + 0.5 + √ε) / s`` with ``s = 10^decimals`` (or ``1 / base`` to round to a
    multiple of ``base``, such as 10 for the nearest ten). The √ε guard (√ of the float epsilon) makes a
    value such as 446.85, stored as 446.84999…, round up as it would on paper. Source: DfE
    CSC_outcomes_and_enablers ``R/read_data.R`` (``true_round``). The one rounding of the package:
    publication tables and the benchmarks (which must reproduce DfE's published figures) both use it.
    Scalars give a float; arrays an array; NaN stays NaN.
    """
    scalar = np.ndim(values) == 0 and not isinstance(values, (pd.Series, pd.Index))
    v = _numeric(values, "values", where="round_half_up")
    scale = 1.0 / base if base else 10.0 ** decimals
    out = np.sign(v) * np.trunc(np.abs(v) * scale + 0.5 + _EPS) / scale
    return float(out.ravel()[0]) if scalar else out


def format_numbers(values, decimals: int = 1, base: float | None = None) -> np.ndarray:
    """Format numbers for publication: half-up rounding, ``low`` for non-zero values that round to zero,
    ``x`` for missing. ``base`` (e.g. 10) rounds to a multiple and shows whole numbers."""
    v = _numeric(values, "values", where="format_numbers").ravel()
    r = round_half_up(v, decimals, base)
    places = 0 if base else decimals
    r = np.where(r == 0, 0.0, r)  # never "-0.0"
    text = np.char.mod(f"%.{places}f", np.where(np.isnan(r), 0.0, r)).astype(object)
    text = np.where((r == 0) & (v != 0) & ~np.isnan(v), LOW, text)
    text = np.where(np.isnan(v), NOT_AVAILABLE, text)
    return text.astype(object)


def _format_counts(v: np.ndarray, base: float | None) -> np.ndarray:
    if base:
        return format_numbers(v, 0, base)
    r = round_half_up(v, 0)
    r = np.where(r == 0, 0.0, r)
    text = np.char.mod("%.0f", np.where(np.isnan(r), 0.0, r)).astype(object)
    return np.where(np.isnan(v), NOT_AVAILABLE, text).astype(object)


# --------------------------------------------------------------------------------------------------
# the one call for the other modules


def _row_mask(df: pd.DataFrame, spec, what: str) -> np.ndarray:
    """Boolean row selector from an index label, a (column, value) pair, a column of booleans or an array."""
    if spec is None:
        return np.zeros(len(df), dtype=bool)
    if isinstance(spec, tuple) and len(spec) == 2 and spec[0] in df.columns:
        return (df[spec[0]] == spec[1]).to_numpy()
    if isinstance(spec, str) and spec in df.columns and pd.api.types.is_bool_dtype(df[spec]):
        return df[spec].to_numpy(dtype=bool)
    if np.ndim(spec) == 0:
        found = (df.index == spec)
        if not found.any():
            raise ValueError(f"publish_table: '{what}' {spec!r} is not an index label of the table")
        return np.asarray(found, dtype=bool)
    arr = np.asarray(spec, dtype=bool)
    if arr.shape != (len(df),):
        raise ValueError(f"publish_table: '{what}' must be a label, a (column, value) pair or one true/false per row")
    return arr


def publish_table(df: pd.DataFrame, counts: Sequence[str], derived: Mapping[str, str | Sequence[str]] | None = None,
                  *, threshold: int = DEFAULT_THRESHOLD, total_row=None, total_column: str | None = None,
                  by: str | Sequence[str] | None = None, round_counts: float | None = None, round_rows=None,
                  decimals: int | Mapping[str, int] = 1, not_applicable=None, suppress: bool = True) -> Published:
    """Suppress and round an unrounded table once, for publication; returns ``Published(table, suppressed)``.

    Parameters
    ----------
    counts : the count columns. Their cells are primary-suppressed (1 to ``threshold``) and, where
        they add up to a published total, secondary-suppressed.
    derived : ``{column: count column}`` (or a list of count columns) for every rate, percentage or
        interval computed from counts: the derived cell is shown as ``c`` wherever one of its counts
        is suppressed. Derived columns are rounded to ``decimals`` places (1 by default; a mapping
        gives per-column places).
    total_row : which rows hold the column totals of the other rows: an index label, a
        ``(column, value)`` pair such as ``("ethnicity", "Total")``, a boolean column, or a boolean
        array. Each count column is then an additive line.
    total_column : the count column holding each row's total of the other count columns (each row is
        then an additive line).
    by : column(s) splitting the table into independent blocks (e.g. one per period), each with its
        own total row.
    round_counts : round counts to this base (10 for national and regional figures); ``round_rows``
        limits that to some rows (same forms as ``total_row``).
    not_applicable : a boolean DataFrame (or ``{column: mask}``) of cells shown as ``z``.
    suppress : False publishes the counts as they are, rounded and with the same symbols for missing and
        not-applicable cells but nothing hidden: for counts of the partnership's own work in the board's
        internal pack (``docs/disclosure.md``). ``check_disclosure`` is then not to be applied to them.

    Other columns pass through unchanged. Missing values are shown as ``x``. The table's
    ``attrs`` record the counts, the derived map and the threshold for :func:`check_disclosure`.
    Every hidden cell is a :class:`Hidden` ``c``: primary where the count (or a count the figure is
    worked out from) is from 1 to the threshold, secondary otherwise; the output boundary writes
    ``[c]`` and ``[s]``.
    """
    where = "publish_table"
    t = _threshold(threshold)
    counts = [counts] if isinstance(counts, str) else list(counts)
    derived = dict(derived or {})
    for c in counts + list(derived):
        if c not in df.columns:
            raise ValueError(f"{where}: column {c!r} is not in the table (columns: {', '.join(map(str, df.columns))})")
    sources = {d: ([s] if isinstance(s, str) else list(s)) for d, s in derived.items()}
    for d, src in sources.items():
        missing = [s for s in src if s not in counts]
        if missing:
            raise ValueError(f"{where}: derived column {d!r} comes from {missing[0]!r}, which is not one of 'counts'")
    if total_column is not None and total_column not in counts:
        raise ValueError(f"{where}: 'total_column' {total_column!r} must be one of 'counts'")

    values = np.column_stack([_numeric(df[c], c, where=where) for c in counts])
    bad = (values < 0).any(axis=1)
    if bad.any():
        raise ValueError(f"{where}: counts must not be negative, but are in {_rows(bad, df.index)}")
    mask = primary_suppression(values, t) if suppress else np.zeros(values.shape, dtype=bool)
    is_total = _row_mask(df, total_row, "total_row")
    if by is None:
        blocks = [np.arange(len(df))]
    else:
        keys = [by] if isinstance(by, str) else list(by)
        blocks = list(df.reset_index(drop=True).groupby(keys, sort=False, dropna=False).indices.values())
    tc = counts.index(total_column) if total_column is not None else None
    for rows in blocks:  # one block per period or table: a handful
        totals = np.flatnonzero(is_total[rows])
        if len(totals) > 1:
            raise ValueError(f"{where}: a block has {len(totals)} total rows; use 'by' to separate the blocks")
        tr = int(totals[0]) if len(totals) else None
        mask[rows] = secondary_suppression(values[rows], mask[rows], tr, tc)

    out = df.copy()
    shown_mask = pd.DataFrame(False, index=df.index, columns=df.columns)
    primary = mask & primary_suppression(values, t) if suppress else np.zeros(values.shape, dtype=bool)
    round_mask = _row_mask(df, round_rows, "round_rows") if round_rows is not None else np.ones(len(df), dtype=bool)
    for j, c in enumerate(counts):
        text = _format_counts(values[:, j], None)
        if round_counts:
            text = np.where(round_mask, _format_counts(values[:, j], round_counts), text)
        out[c] = pd.Series(hide(values[:, j], mask[:, j], text, kind=np.where(primary[:, j], PRIMARY, SECONDARY)),
                           index=out.index, dtype=object)
        shown_mask[c] = mask[:, j]
    for d, src in sources.items():
        places = decimals.get(d, 1) if isinstance(decimals, Mapping) else decimals
        blank = np.zeros(len(df), dtype=bool)
        from_primary = np.zeros(len(df), dtype=bool)
        for s in src:
            blank |= mask[:, counts.index(s)]
            from_primary |= primary[:, counts.index(s)]
        number = _numeric(df[d], d, where=where)
        out[d] = pd.Series(hide(number, blank, format_numbers(number, places),
                                kind=np.where(from_primary, PRIMARY, SECONDARY)), index=out.index, dtype=object)
        shown_mask[d] = blank
    if not_applicable is not None:
        na = not_applicable if isinstance(not_applicable, pd.DataFrame) else pd.DataFrame(
            {k: np.asarray(v, dtype=bool) for k, v in not_applicable.items()}, index=df.index)
        for c in na.columns:
            if c in out.columns:
                cells = na[c].to_numpy(dtype=bool) & ~shown_mask[c].to_numpy()
                out[c] = np.where(cells, NOT_APPLICABLE, out[c].to_numpy(dtype=object))
    out.attrs.update({"counts": counts, "derived": sources, "threshold": t})
    return Published(out, shown_mask)


def check_disclosure(table: pd.DataFrame, counts: Sequence[str] | None = None, threshold: int | None = None,
                     derived: Mapping[str, str | Sequence[str]] | None = None) -> None:
    """Raise :class:`DisclosureError` if a published table shows a count from 1 to ``threshold``,
    or a derived figure next to a suppressed count.

    ``counts``, ``derived`` and ``threshold`` default to what :func:`publish_table` recorded in
    ``table.attrs`` (threshold 5 otherwise; every column is checked when no counts are known).
    Cells holding symbols (``c``, ``x``, ``z``, ``low``) or text are ignored; numbers may be
    strings (with thousands commas) or numeric.
    """
    attrs = getattr(table, "attrs", {}) or {}
    counts = list(counts if counts is not None else attrs.get("counts", table.columns))
    t = _threshold(threshold if threshold is not None else attrs.get("threshold", DEFAULT_THRESHOLD))
    derived = derived if derived is not None else attrs.get("derived", {})
    problems = []
    for c in counts:
        if c not in table.columns:
            raise ValueError(f"check_disclosure: column {c!r} is not in the table")
        cells = table[c]
        as_text = cells.astype(str).str.replace(",", "", regex=False).str.strip()
        numbers = pd.to_numeric(as_text, errors="coerce").to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            small = (numbers >= 0.5) & (numbers < t + 0.5)
        if small.any():
            problems.append(f"column {c!r} shows counts from 1 to {t} in {_rows(small, table.index)}")
    for d, src in dict(derived).items():
        src = [src] if isinstance(src, str) else list(src)
        if d not in table.columns:
            continue
        hidden = np.zeros(len(table), dtype=bool)
        for s in src:
            if s in table.columns:
                hidden |= (table[s].astype(str).str.strip() == SUPPRESSED).to_numpy()
        shown = ~table[d].astype(str).str.strip().isin([SUPPRESSED, NOT_APPLICABLE, NOT_AVAILABLE]).to_numpy()
        leaked = hidden & shown  # "z" (not applicable) and "x" (not available) say nothing about the count
        if leaked.any():
            problems.append(f"column {d!r} is shown where its count is suppressed in {_rows(leaked, table.index)}")
    if problems:
        raise DisclosureError("The table would disclose small numbers: " + "; ".join(problems))


def check_section(section, threshold: int = DEFAULT_THRESHOLD) -> None:
    """Raise :class:`DisclosureError` if any table of a :class:`~cscp_analysis.sections.Section` shows a
    count from 1 to the threshold (or to its own stricter threshold) in a column declared as a count."""
    for t in section.tables:
        if t.counts and t.data is not None:
            check_disclosure(t.data, counts=list(t.counts), threshold=max(threshold, t.threshold or 0), derived={})


def cell_number(value) -> float:
    """A published cell as a number: NaN for a symbol (``c``, ``x``, ``z``, ``low``, ``[c]`` ...) or anything
    else that is not a number; thousands separators are read ("1,234" is 1234)."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        return float("nan")


def is_cell_number(value) -> bool:
    """Whether a published cell holds a number (not a symbol or words)."""
    return not np.isnan(cell_number(value))


def format_p(values) -> np.ndarray:
    """p-values as readers expect them: ``<0.001`` below 0.001, otherwise three decimal places (0.042);
    ``x`` where missing. Never ``low``: a p-value is not a count that rounds to zero."""
    v = _numeric(values, "values", where="format_p").ravel()
    out = np.where(np.isnan(v), NOT_AVAILABLE, np.char.mod("%.3f", np.where(np.isnan(v), 0.0, v)))
    return np.where(v < 0.001, "<0.001", out).astype(object)


# --- audiences ---------------------------------------------------------------------------------------

BOARD, PUBLIC = "board", "public"
AUDIENCES = (BOARD, PUBLIC)
#: The marking every page and workbook of the board's internal pack carries (Government Security
#: Classifications: OFFICIAL with the SENSITIVE handling caveat).
BOARD_MARKING = "OFFICIAL-SENSITIVE"


def audience_of(config) -> str:
    """The audience a run publishes for (``board`` or ``public``; public when not said: the safe side)."""
    raw = getattr(config, "raw", None) or {}
    value = raw.get("audience", PUBLIC)
    return value if value in AUDIENCES else PUBLIC


def shows_own_work(config) -> bool:
    """Whether counts of the partnership's own work (reviews, audits, training places, actions, survey
    responses, LADO and CDOP totals) are shown as they are: in the board's internal pack only."""
    return audience_of(config) == BOARD
