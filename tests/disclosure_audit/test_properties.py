"""Property tests (hypothesis): the LP's bounds contain every whole-number solution a brute-force
search finds, and the true table is always among them."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cscp_analysis import disclosure_audit as audit

from .helpers import brute_force, grid, grid_declaration, key, result, within_totals

THRESHOLD = 2  # small, so that random tables have both primary ([c]) and secondary cells


@st.composite
def suppressed_tables(draw):
    n_r, n_c = draw(st.integers(1, 2)), draw(st.integers(2, 3))
    parts = np.array(draw(st.lists(st.integers(0, 4), min_size=n_r * n_c, max_size=n_r * n_c))).reshape(n_r, n_c)
    values = np.zeros((n_r + 1, n_c + 1), dtype=int)
    values[:n_r, :n_c] = parts
    values[:n_r, -1] = parts.sum(axis=1)
    values[-1, :n_c] = parts.sum(axis=0)
    values[-1, -1] = parts.sum()
    nonzero = [(i, j) for i in range(n_r + 1) for j in range(n_c + 1) if values[i, j] > 0]
    if not nonzero:
        values[0, 0] = values[0, -1] = values[-1, 0] = values[-1, -1] = 1
        nonzero = [(0, 0), (0, n_c), (n_r, 0), (n_r, n_c)]
    chosen = draw(st.lists(st.sampled_from(nonzero), min_size=1, max_size=4, unique=True))
    bare = draw(st.booleans())  # the bare c of older packs, or the GSS marks
    symbols = {cell: ("c" if bare else "[c]" if values[cell] <= THRESHOLD else "[s]") for cell in chosen}
    return values, symbols


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(suppressed_tables())
def test_lp_bounds_hold_every_whole_number_solution(case):
    values, symbols = case
    n_r, n_c = values.shape
    rows = [f"R{i}" for i in range(n_r - 1)] + ["Total"]
    cols = [f"C{j}" for j in range(n_c - 1)] + ["Total"]
    shown = [[symbols.get((i, j), str(values[i, j])) for j in range(n_c)] for i in range(n_r)]
    t = grid(shown, rows, cols)
    truth = {key(rows[i], cols[j]): values[i, j] for (i, j) in symbols}
    report = audit.audit_tables([(t, grid_declaration(t, threshold=THRESHOLD))], truth=truth, exact=True)
    assert not report.findings, report.format()
    # what each symbol allows (docs/disclosure.md: [c] 1 to the threshold, [s] above it, c 1 or more),
    # cut to the printed totals each cell is part of, and to CAP where no printed total bounds it
    cap = int(values[-1, -1]) + 20
    allowed = {cell: within_totals(values, cell, *{"[c]": (1, THRESHOLD), "[s]": (THRESHOLD + 1, cap),
                                                   "c": (1, cap)}[s], withheld=symbols)
               for cell, s in symbols.items()}
    found = brute_force(values, allowed)
    assert found is not None  # the true table is a solution
    for (i, j), (lo, hi) in found.items():
        r = result(report, key(rows[i], cols[j]))
        # every whole-number solution lies within the LP's range, and so does the true value
        assert r["lower"] <= lo + 1e-6 and hi <= r["upper"] + 1e-6, (rows[i], cols[j])
        assert r["low"] <= values[i, j] <= r["high"]
        # a table with margins is totally unimodular: the LP's vertices are whole numbers, so the
        # rounded range is exactly the brute-force range (where the search was not cut at CAP)
        if r["high"] < cap:
            assert (r["low"], r["high"]) == (lo, hi), (rows[i], cols[j])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(suppressed_tables())
def test_stopping_early_never_changes_the_verdict(case):
    # without exact, a cell proven protected by feasible values found keeps those values (inside its exact
    # range); every verdict is the same as with exact bounds
    values, symbols = case
    n_r, n_c = values.shape
    rows = [f"R{i}" for i in range(n_r - 1)] + ["Total"]
    cols = [f"C{j}" for j in range(n_c - 1)] + ["Total"]
    t = grid([[symbols.get((i, j), str(values[i, j])) for j in range(n_c)] for i in range(n_r)], rows, cols)
    truth = {key(rows[i], cols[j]): values[i, j] for (i, j) in symbols}
    tables = [(t, grid_declaration(t, threshold=THRESHOLD))]
    quick = audit.audit_tables(tables, truth=truth).cells.set_index("key")
    exact = audit.audit_tables(tables, truth=truth, exact=True).cells.set_index("key")
    assert exact["exact"].all()
    assert (quick["protected"] == exact["protected"]).all()
    assert (quick["lower"] >= exact["lower"] - 1e-6).all() and (quick["upper"] <= exact["upper"] + 1e-6).all()
    assert (quick.loc[~quick["exact"], "protected"]).all()  # only protected cells are left inexact
