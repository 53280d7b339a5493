"""Small tables for the audit tests, and a brute-force search that does not use linear programming."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from cscp_analysis import disclosure_audit as audit

KEY = "people | row={row} | column={column}"


def grid(published: list[list[str]], rows: list[str], columns: list[str]) -> pd.DataFrame:
    """A two-way table in tidy form: one line per cell (row, column, count as published text)."""
    return pd.DataFrame([{"row": r, "column": c, "count": published[i][j]}
                         for i, r in enumerate(rows) for j, c in enumerate(columns)])


def grid_declaration(table: pd.DataFrame, name: str = "grid", threshold: int = 5) -> audit.Declaration:
    """Rows add up to the 'Total' column and columns to the 'Total' row."""
    return audit.declare(table, name, audit.Cells("count", KEY, label="{row}, {column}"),
                         sums=[audit.SumOver("count", over="column", total="Total"),
                               audit.SumOver("count", over="row", total="Total")],
                         threshold=threshold, title=f"Table {name}")


def brute_force(values: np.ndarray, allowed: dict[tuple[int, int], tuple[int, int]], chunk: int = 100_000):
    """Whole-number bounds of the withheld cells of a grid whose last row and column are totals.

    ``values``: the true grid with its margins; ``allowed``: for each withheld cell, the whole
    numbers its symbol allows (lowest, highest). Every combination of values for the withheld cells
    is tried (numpy, in chunks of the Cartesian product); a combination is kept when every row and
    column adds up to its total. Returns ``{cell: (min, max)}`` over the kept combinations, or
    ``None`` if none is kept. Independent of the audit's code: no linear programming, no declarations.
    """
    cells = list(allowed)
    ranges = [range(lo, hi + 1) for lo, hi in (allowed[c] for c in cells)]
    n_r, n_c = values.shape
    lo = np.full(len(cells), np.inf)
    hi = np.full(len(cells), -np.inf)
    product = itertools.product(*ranges)
    while True:
        combos = np.array(list(itertools.islice(product, chunk)), dtype=float).reshape(-1, len(cells))
        if not len(combos):
            break
        full = np.broadcast_to(values.astype(float), (len(combos), n_r, n_c)).copy()
        for k, (r, c) in enumerate(cells):
            full[:, r, c] = combos[:, k]
        ok = np.all(full[:, :, :-1].sum(axis=2) == full[:, :, -1], axis=1)  # each row adds up to its total
        ok &= np.all(full[:, :-1, :].sum(axis=1) == full[:, -1, :], axis=1)  # each column adds up to its total
        if ok.any():
            lo = np.minimum(lo, combos[ok].min(axis=0))
            hi = np.maximum(hi, combos[ok].max(axis=0))
    if np.isinf(lo).any():
        return None
    return {cell: (lo[k], hi[k]) for k, cell in enumerate(cells)}


def within_totals(values: np.ndarray, cell: tuple[int, int], low: int, high: int, withheld=()) -> tuple[int, int]:
    """Narrow a cell's candidate values to at most the *printed* totals it is part of (a part never
    exceeds its row's, column's or the grand total; a margin never exceeds the grand total). Totals
    in ``withheld`` are not printed and cut nothing. Only a search-space cut for :func:`brute_force`:
    it removes no solution."""
    r, c = cell
    last_r, last_c = values.shape[0] - 1, values.shape[1] - 1
    totals = []
    if c < last_c:
        totals.append((last_r, c))
    if r < last_r:
        totals.append((r, last_c))
    if (r, c) != (last_r, last_c):
        totals.append((last_r, last_c))
    for t in totals:
        if t != cell and t not in withheld:
            high = min(high, int(values[t]))
    return low, high


def result(report: audit.AuditReport, key: str) -> pd.Series:
    """The report's row for one quantity key."""
    rows = report.cells[report.cells["key"] == key]
    assert len(rows) == 1, f"{key!r} is not (once) among the suppressed cells: {list(report.cells['key'])}"
    return rows.iloc[0]


def key(row: str, column: str) -> str:
    return f"people | column={column} | row={row}"
