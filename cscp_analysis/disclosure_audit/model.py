"""What an intruder knows, as linear facts about quantities.

Every published count cell gives an interval for its quantity: a number is exact; a number rounded
to a base b is any whole number that rounds to it, [v − b/2, v + b/2) (a shown 0 is exactly 0: a
non-zero count that rounds to 0 is shown as ``[low]``); a symbol gives the interval in
:mod:`.symbols`. Every quantity is at least 0. Every declared relation gives linear equations or
inequalities (:mod:`.declare`). All of it is assembled, vectorised over rows, into

* one unknown per distinct quantity key, with bounds ``lower ≤ x ≤ upper`` (the tightest of its
  published cells) and, for each bound, the table it came from;
* a sparse matrix of relation rows ``A x = b`` or ``A x ≤ b``, each with the table that declared it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from . import symbols as sym
from .declare import AtMost, Cells, Declaration, Equal, Ratio, SumAcross, SumOver, check
from .keys import AuditError, Columns, fill_text, parse

__all__ = ["Facts", "Source", "build_facts", "table_cells", "DEFAULT_THRESHOLD"]

DEFAULT_THRESHOLD = 5


@dataclass
class Source:
    """A published table with its declaration. ``where`` names it in messages (its file in a pack)."""

    table: pd.DataFrame
    declaration: Declaration
    where: str = ""
    threshold: int | None = None  # the pack's threshold for the table, used when the declaration gives none

    @property
    def name(self) -> str:
        return self.declaration.name

    @property
    def title(self) -> str:
        return self.declaration.title or self.declaration.name

    @property
    def limit(self) -> int:
        t = self.declaration.threshold if self.declaration.threshold is not None else self.threshold
        return int(t) if t is not None else DEFAULT_THRESHOLD


@dataclass
class Facts:
    """Everything published, as bounds and linear relations over quantities.

    ``keys[j]`` names unknown j; ``lower``/``upper`` its bounds (``upper`` may be ``inf``);
    ``lower_from``/``upper_from`` the index (in ``tables``) of the table that gives each bound (−1:
    only non-negativity). ``matrix`` (relations × unknowns, CSR), ``rhs`` and ``equality`` (True for
    ``=``, False for ``≤``) are the relation rows; ``row_table`` the table that declared each and
    ``row_what`` a short description. ``cells`` has one row per published count cell; ``labels[j]``
    is how a reader names unknown j (its first cell's label, else its key).
    """

    keys: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    lower_from: np.ndarray
    upper_from: np.ndarray
    matrix: sparse.csr_matrix
    rhs: np.ndarray
    equality: np.ndarray
    row_table: np.ndarray
    row_what: np.ndarray
    cells: pd.DataFrame
    tables: list[str]
    titles: list[str]
    labels: np.ndarray

    @property
    def n(self) -> int:
        return len(self.keys)


# --------------------------------------------------------------------------------------------------
# reading cells

CELL_COLUMNS = ["table", "row", "column", "key", "label", "text", "kind", "lower", "upper"]


def row_mask(table: Columns, where) -> np.ndarray:
    """Rows whose columns hold one of the listed values (all rows when ``where`` is empty)."""
    keep = np.ones(table.n, dtype=bool)
    for col, values in (where or {}).items():
        keep &= np.isin(table[col], np.array([str(v).strip() for v in values], dtype=object))
    return keep


def _numbers(text: np.ndarray) -> np.ndarray:
    """Numbers in published text (thousands commas and % signs allowed); NaN where there is none."""
    out = np.array(pd.to_numeric(text, errors="coerce"), dtype=float)
    retry = np.flatnonzero(np.isnan(out))
    if len(retry):  # only text that is not a plain number is cleaned and read again
        cleaned = np.char.replace(np.char.replace(text[retry].astype(str), ",", ""), "%", "")
        out[retry] = np.array(pd.to_numeric(cleaned, errors="coerce"), dtype=float)
    return out


def table_cells(source: Source, table: Columns | None = None) -> pd.DataFrame:
    """The published count cells of one table: one row per cell with its key, interval and kind.

    Columns: ``table``, ``row`` (the row's label: its line in the CSV for a pack), ``column``,
    ``key``, ``label``, ``text``, ``kind`` (``number``, ``rounded`` or a symbol's kind), ``lower``,
    ``upper``, ``position`` (the row's position), ``threshold``. Raises :class:`AuditError` for a
    cell that is neither a number nor a symbol.
    """
    parts = _cell_arrays(source, table)
    if not parts:
        return pd.DataFrame({c: [] for c in CELL_COLUMNS + ["position", "threshold"]})
    return pd.DataFrame({k: np.concatenate([p[k] for p in parts]) for k in parts[0]})


def _cell_arrays(source: Source, table: Columns | None = None) -> list[dict]:
    """:func:`table_cells` as a list of dicts of arrays (one per count column), cheap to concatenate."""
    decl = source.declaration
    table = table or Columns(source.table, source.where or source.name)
    where = table.where
    out = []
    for c in decl.cells:
        rows = np.flatnonzero(row_mask(table, c.where))
        if not len(rows):
            continue
        keys = parse(c.key).fill(table, rows)
        labels = fill_text(c.label, table, rows) if c.label else keys
        text = table[c.column][rows]
        lower = _numbers(text)
        is_number = ~np.isnan(lower)
        upper = lower.copy()
        kind = np.where(is_number, "number", "").astype(object)
        bad = is_number & ((lower < 0) | (np.abs(lower - np.round(lower)) > 1e-9))
        if bad.any():
            at = np.flatnonzero(bad)[0]
            raise AuditError(f"{where}:{table.label(rows[at])}: column {c.column!r}: {text[at]!r} is not a count (a "
                             "whole number, 0 or more)")
        if c.rounded_to:
            base = c.rounded_to
            off = is_number & (np.abs(lower / base - np.round(lower / base)) > 1e-9)
            if off.any():
                at = np.flatnonzero(off)[0]
                raise AuditError(f"{where}:{table.label(rows[at])}: column {c.column!r}: {text[at]!r} is not a "
                                 f"multiple of {base}, but the column is declared rounded to {base}")
            nonzero = is_number & (lower > 0)
            lower = np.where(nonzero, np.maximum(np.ceil(lower - base / 2), 0), lower)
            upper = np.where(nonzero, np.ceil(upper + base / 2) - 1, upper)
            kind[nonzero] = "rounded"
        for symbol in np.unique(text[~is_number]):
            at = ~is_number & (text == symbol)
            m = sym.meaning(symbol)
            first = table.label(rows[np.flatnonzero(at)[0]])
            if m is None:
                shown = "an empty cell" if symbol == "" else repr(symbol)
                raise AuditError(f"{where}:{first}: column {c.column!r}: {shown} is neither a count nor a symbol "
                                 f"({', '.join(sym.MEANINGS)})")
            try:
                lo, hi = sym.count_interval(symbol, source.limit, c.rounded_to)
            except ValueError as exc:
                raise AuditError(f"{where}:{first}: column {c.column!r}: {exc}") from None
            lower[at], upper[at] = lo, hi
            kind[at] = m.kind
        n = len(rows)
        out.append({
            "table": np.full(n, decl.name, dtype=object), "row": np.asarray(source.table.index[rows], dtype=object),
            "column": np.full(n, c.column, dtype=object), "key": keys, "label": labels, "text": text, "kind": kind,
            "lower": lower, "upper": upper, "position": rows, "threshold": np.full(n, source.limit),
        })
    return out


# --------------------------------------------------------------------------------------------------
# relations


class _Rows:
    """Relation rows being collected: entries (row, key, coefficient) and per row its rhs, sense, what."""

    def __init__(self):
        self.entry_row, self.entry_key, self.entry_coef = [], [], []
        self.rhs, self.equality, self.what = [], [], []
        self.count = 0

    def add(self, keys: list[np.ndarray], coefs: list, rhs, equality: bool, what: str) -> None:
        """Add len(keys[0]) rows: row i is Σ_k coefs[k][i] · x[keys[k][i]] (= or ≤) rhs[i]."""
        n = len(keys[0])
        if n == 0:
            return
        ids = np.arange(self.count, self.count + n)
        for k, c in zip(keys, coefs, strict=True):
            self.entry_row.append(ids)
            self.entry_key.append(np.asarray(k, dtype=object))
            self.entry_coef.append(np.broadcast_to(np.asarray(c, dtype=float), (n,)))
        self.rhs.append(np.broadcast_to(np.asarray(rhs, dtype=float), (n,)))
        self.equality.append(np.full(n, equality))
        self.what.append(np.full(n, what, dtype=object))
        self.count += n

    def add_grouped(self, row_of: np.ndarray, n_rows: int, keys: np.ndarray, coefs: np.ndarray, equality: bool,
                    what: str) -> None:
        """Add n_rows rows whose entries are given directly (row_of[i], keys[i], coefs[i]); rhs 0."""
        if n_rows == 0:
            return
        self.entry_row.append(self.count + np.asarray(row_of))
        self.entry_key.append(np.asarray(keys, dtype=object))
        self.entry_coef.append(np.asarray(coefs, dtype=float))
        self.rhs.append(np.zeros(n_rows))
        self.equality.append(np.full(n_rows, equality))
        self.what.append(np.full(n_rows, what, dtype=object))
        self.count += n_rows


def _terms(term: str, table: Columns, rows: np.ndarray, cell_keys: dict[str, np.ndarray]) -> np.ndarray:
    """The key of ``term`` in each of ``rows`` (None where a count column's cells leave the row out)."""
    if term in cell_keys:
        return cell_keys[term][rows]
    return parse(term).fill(table, rows)


def _relations(source: Source, table: Columns, cells: list[dict], out: _Rows) -> None:
    decl = source.declaration
    by_column = decl.cells_by_column()
    cell_keys = {c.column: np.full(table.n, None, dtype=object) for c in decl.cells}
    for part in cells:  # the key of each column's cell in every row, None where the cells leave a row out
        cell_keys[part["column"][0]][part["position"]] = part["key"]
    for rel in decl.relations:
        rows = np.flatnonzero(row_mask(table, rel.where))
        if not len(rows):
            continue
        if isinstance(rel, SumOver):
            spec: Cells = by_column[rel.column]
            rows = rows[cell_keys[rel.column][rows] != None]  # noqa: E711 (element-wise on an object array)
            if rel.total is not None:
                rows = rows[table[rel.over][rows] != str(rel.total).strip()]
            if not len(rows):
                continue
            if rel.total is not None:
                totals = parse(spec.key).fill(table, rows, replace={rel.over: str(rel.total).strip()})
            else:
                totals = parse(rel.total_key).fill(table, rows)
            codes, uniques = pd.factorize(totals)
            n = len(uniques)
            row_of = np.concatenate([codes, np.arange(n)])
            keys = np.concatenate([cell_keys[rel.column][rows], np.asarray(uniques, dtype=object)])
            coefs = np.concatenate([np.ones(len(codes)), -np.ones(n)])
            out.add_grouped(row_of, n, keys, coefs, True, f"{rel.column} adds up over {rel.over}")
            continue
        if isinstance(rel, Ratio):
            text = table[rel.column][rows]
            value = _numbers(text)
            is_low = np.isin(text, [sym.LOW, "low"])
            shown = ~np.isnan(value)
            known = np.isin(text, np.array(list(sym.MEANINGS), dtype=object))
            unknown = ~shown & ~known
            if unknown.any():
                at = np.flatnonzero(unknown)[0]
                raise AuditError(f"{table.where}:{table.label(rows[at])}: column {rel.column!r}: {text[at]!r} is "
                                 f"neither a number nor a symbol ({', '.join(sym.MEANINGS)})")
            keep = shown | is_low
            rows, value, is_low = rows[keep], value[keep], is_low[keep]
            if not len(rows):
                continue
            num = _terms(rel.numerator, table, rows, cell_keys)
            den = _terms(rel.denominator, table, rows, cell_keys)
            ok = (num != None) & (den != None)  # noqa: E711
            num, den, r, low = num[ok], den[ok], value[ok], is_low[ok]
            half = 0.5 * 10.0 ** -rel.decimals
            top = np.where(low, half, r + half)
            what = f"{rel.column} (rounded to {rel.decimals} decimal places)"
            out.add([num, den], [np.full(len(num), rel.scale), -top], 0.0, False, what)  # scale·num − top·den ≤ 0
            bottom = r - half
            floor = ~low & (bottom > 0)  # bottom·den − scale·num ≤ 0
            out.add([den[floor], num[floor]], [bottom[floor], np.full(int(floor.sum()), -rel.scale)], 0.0, False, what)
            out.add([num[low]], [-np.ones(int(low.sum()))], -1.0, False, f"{rel.column} is above zero")  # num ≥ 1
            continue
        if isinstance(rel, SumAcross):
            terms, coefs = list(rel.parts) + [rel.total], [1.0] * len(rel.parts) + [-1.0]
            what, equality = f"{' + '.join(rel.parts)} = {rel.total}", True
        elif isinstance(rel, AtMost):
            terms, coefs, what, equality = [rel.smaller, rel.larger], [1.0, -1.0], \
                f"{rel.smaller} is at most {rel.larger}", False
        elif isinstance(rel, Equal):
            terms, coefs, what, equality = [rel.left, rel.right], [1.0, -1.0], f"{rel.left} equals {rel.right}", True
        else:  # pragma: no cover - the declaration classes are closed
            raise AuditError(f"{table.where}: unknown relation {rel!r}")
        keys = [_terms(t, table, rows, cell_keys) for t in terms]
        ok = np.logical_and.reduce([k != None for k in keys])  # noqa: E711
        out.add([k[ok] for k in keys], [np.full(int(ok.sum()), c) for c in coefs], 0.0, equality, what)


# --------------------------------------------------------------------------------------------------
# everything together


def build_facts(sources: list[Source]) -> Facts:
    """Assemble the facts of all published tables (the same key in two tables is one unknown)."""
    names = [s.name for s in sources]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise AuditError(f"two declarations share the name {dupes[0]!r}; each table needs its own name")
    all_cells, rows = [], _Rows()
    row_table = []
    for i, source in enumerate(sources):
        check(source.declaration, source.table, source.where or source.name)
        table = Columns(source.table, source.where or source.name)
        parts = _cell_arrays(source, table)
        for part in parts:
            part["table_index"] = np.full(len(part["key"]), i)
        all_cells.extend(parts)
        before = rows.count
        _relations(source, table, parts, rows)
        row_table.append(np.full(rows.count - before, i))
    columns = CELL_COLUMNS + ["position", "threshold", "table_index"]
    cells = pd.DataFrame({c: (np.concatenate([p[c] for p in all_cells]) if all_cells else []) for c in columns})
    entry_keys = np.concatenate(rows.entry_key) if rows.entry_key else np.array([], dtype=object)
    codes, keys = pd.factorize(np.concatenate([cells["key"].to_numpy(dtype=object), entry_keys]))
    n = len(keys)
    cell_var = codes[:len(cells)]
    entry_var = codes[len(cells):]
    cells["var"] = cell_var
    lower, upper, lower_from, upper_from = bounds_of(cells, n)
    if rows.count:
        matrix = sparse.coo_matrix((np.concatenate(rows.entry_coef), (np.concatenate(rows.entry_row), entry_var)),
                                   shape=(rows.count, n)).tocsr()
        matrix.sum_duplicates()
        rhs, equality = np.concatenate(rows.rhs), np.concatenate(rows.equality)
        what, row_table_arr = np.concatenate(rows.what), np.concatenate(row_table)
    else:
        matrix = sparse.csr_matrix((0, n))
        rhs, equality, what, row_table_arr = np.zeros(0), np.zeros(0, bool), np.zeros(0, object), np.zeros(0, int)
    labels = np.asarray(keys, dtype=object).copy()  # how a reader names each quantity: its first cell's label
    first = cells.drop_duplicates("var")
    labels[first["var"].to_numpy(dtype=int)] = first["label"].to_numpy(dtype=object)
    return Facts(np.asarray(keys, dtype=object), lower, upper, lower_from, upper_from, matrix, rhs, equality,
                 row_table_arr, what, cells, names, [s.title for s in sources], labels)


def bounds_of(cells: pd.DataFrame, n: int):
    """Tightest bounds per unknown and the table giving each (vectorised: sort, then first per unknown).

    A lower bound of 0 is credited to a table only when the table prints the number (a shown 0);
    every count is known to be at least 0 without any table.
    """
    lower, upper = np.zeros(n), np.full(n, math.inf)
    lower_from, upper_from = np.full(n, -1), np.full(n, -1)
    if len(cells):
        var = cells["var"].to_numpy()
        lo, hi, tab = cells["lower"].to_numpy(float), cells["upper"].to_numpy(float), cells["table_index"].to_numpy()
        informative = (lo > 0) | cells["kind"].isin(["number", "rounded"]).to_numpy()
        order = np.lexsort((~informative, -lo, var))  # per unknown: the largest lower bound, a printed one first
        first = order[np.r_[True, var[order][1:] != var[order][:-1]]]
        lower[var[first]] = np.maximum(lo[first], 0.0)
        lower_from[var[first]] = np.where(informative[first], tab[first], -1)
        order = np.lexsort((hi, var))  # per unknown, the smallest upper bound first
        first = order[np.r_[True, var[order][1:] != var[order][:-1]]]
        finite = np.isfinite(hi[first])
        upper[var[first]] = hi[first]
        upper_from[var[first]] = np.where(finite, tab[first], -1)
    return lower, upper, lower_from, upper_from


def declare(table: pd.DataFrame, name: str, cells: Cells | list[Cells], *, sums=(), at_most=(), equal=(), ratios=(),
            threshold: int | None = None, title: str = "", inline: bool = False, truth: dict | None = None,
            truth_keys: dict | None = None) -> Declaration:
    """Declare a published table's cells and relations, checked against the table.

    ``table`` is the table as published (strings, symbols). ``inline=True`` stores its rows in the
    declaration (for figures quoted in text, which have no CSV). ``truth``: the true count of each
    declared count column, row by row (``{column: values}``), and ``truth_keys`` true values of
    quantities no table prints (``{key: value}``), for the run's audit (see :class:`Declaration`).
    Returns the :class:`Declaration` (``.to_dict()`` for the catalogue); raises :class:`AuditError`
    naming the table, row and column when the declaration does not fit the table.
    """
    if truth is not None:
        truth = {c: [None if v is None or v != v else float(v) for v in values] for c, values in truth.items()}
    decl = Declaration(name=name, cells=[cells] if isinstance(cells, Cells) else list(cells), sums=list(sums),
                       at_most=list(at_most), equal=list(equal), ratios=list(ratios), threshold=threshold, title=title,
                       rows=table.astype(str).to_dict("records") if inline else None, truth=truth,
                       truth_keys={str(k): float(v) for k, v in truth_keys.items()} if truth_keys else None)
    build_facts([Source(table, decl, name)])  # every template filled in and every cell read, as the audit will
    return decl
