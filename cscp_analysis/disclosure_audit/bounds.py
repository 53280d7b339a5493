"""The intruder's bounds: the smallest and largest value of each suppressed quantity consistent with
everything published, by linear programming (SciPy's ``linprog`` with HiGHS).

For a suppressed quantity x_j and the published facts (bounds ``l ≤ x ≤ u`` from every cell, and the
declared relations ``A x = b``, ``A x ≤ b``), the audit solves

    lower_j = min x_j   and   upper_j = max x_j   subject to all the facts,

the *attacker problem* of cell-suppression auditing (Hundepool et al. 2012, *Statistical Disclosure
Control*, §4.3; τ-ARGUS's audit; sdcTable's ``attack()``). The continuous relaxation is solved, as
those tools do: an intruder who also uses that counts are whole numbers can round the bounds inward
(``ceil(lower)``, ``floor(upper)``, which the report does) and may do a little better still by integer
programming; the relaxation never claims a cell is narrower than it is.

How it scales:

* quantities printed as exact numbers are constants, not unknowns, so they do not link relations;
* the remaining unknowns split into *components* (unknowns linked through relations); separate
  components are separate problems;
* many components are solved in one LP: minimising the sum of one target per component minimises
  each target, because the components share no constraint. The number of LP solves is then twice the
  largest number of targets in one component, not twice the number of suppressed cells;
* a solution is a feasible point for every unknown at once: an unknown found at its own bound (a
  ``[c]`` count at 1, say) has that bound as its minimum or maximum without a solve of its own.

Which tables pin a bound: HiGHS returns the dual values (marginals) at the optimum; a relation or a
published bound with a non-zero dual is part of the proof of the bound (LP duality: the bound is a
combination of exactly those constraints). The tables that declared those relations or printed
those cells (and the numbers substituted into them) are named.

Unbounded maxima: unknowns without a finite upper bound get a large artificial bound M (10^k above
every published magnitude); a maximum above M/2 is reported as infinite. A contradiction among the
published facts (no value satisfies them all) is found by a second, "elastic" LP that lets every
relation be broken at a cost and minimises the total breach: the components that must break one are
contradictory, and the relations and cells with non-zero breach or dual are named.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import linprog
from scipy.sparse.csgraph import connected_components

from .model import Facts

__all__ = ["Bounds", "Contradiction", "solve_bounds"]

_TOL = 1e-7  # primal tolerance on a solution (HiGHS's default feasibility tolerance)
_DUAL = 1e-9  # a dual this far from zero marks a binding constraint


@dataclass
class Contradiction:
    """Published facts that cannot all be true: the unknowns involved, the tables, the relations."""

    variables: list[int]
    tables: set[int]
    relations: list[str]


@dataclass
class Bounds:
    """``lower[j]``/``upper[j]`` for each target j (NaN elsewhere and where the facts contradict each
    other); ``lower_by[j]``/``upper_by[j]``: the tables (indices) whose facts give the bound."""

    lower: np.ndarray
    upper: np.ndarray
    lower_by: dict[int, set[int]]
    upper_by: dict[int, set[int]]
    contradictions: list[Contradiction]
    solves: int = 0
    components: int = 0
    largest: int = 0
    in_contradiction: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))


def _lp(c, matrix, rhs, equality, lower, upper):
    """One ``linprog`` (HiGHS) call; returns (status, x, row duals, lower-bound duals, upper-bound duals)."""
    eq, ub = equality, ~equality
    res = linprog(c,
                  A_ub=matrix[ub] if ub.any() else None, b_ub=rhs[ub] if ub.any() else None,
                  A_eq=matrix[eq] if eq.any() else None, b_eq=rhs[eq] if eq.any() else None,
                  bounds=np.column_stack([lower, upper]), method="highs")
    if res.status != 0:
        return res.status, None, None, None, None
    duals = np.zeros(len(rhs))
    if eq.any():
        duals[eq] = res.eqlin.marginals
    if ub.any():
        duals[ub] = res.ineqlin.marginals
    return 0, res.x, duals, res.lower.marginals, res.upper.marginals


def solve_bounds(facts: Facts, targets: np.ndarray) -> Bounds:
    """Feasible range of every target unknown (indices into ``facts.keys``), with the tables that pin it."""
    n = facts.n
    targets = np.unique(np.asarray(targets, dtype=int))
    lower_val, upper_val = np.full(n, np.nan), np.full(n, np.nan)
    lower_by: dict[int, set[int]] = {}
    upper_by: dict[int, set[int]] = {}
    contradictions: list[Contradiction] = []
    bad = np.zeros(n, bool)
    lb, ub = facts.lower.copy(), facts.upper.copy()
    n_tables = len(facts.tables)

    # cells that contradict each other (one table prints 8 where another shows [c], meaning 1 to 5)
    clash = lb > ub + _TOL * np.maximum(1, np.abs(lb))
    for j in np.flatnonzero(clash):
        contradictions.append(Contradiction([int(j)], {int(t) for t in (facts.lower_from[j], facts.upper_from[j])
                                                       if t >= 0}, ["the same figure is printed differently"]))
    bad |= clash

    fixed = (ub - lb <= 1e-9) & ~clash
    value = np.where(fixed, lb, 0.0)
    free = np.flatnonzero(~fixed & ~clash)
    position = np.full(n, -1)
    position[free] = np.arange(len(free))
    A = facts.matrix
    rhs = facts.rhs - A @ value
    # which tables each relation row stands for: its own table and those printing the numbers substituted into it
    source_of_fixed = sparse.csr_matrix((np.ones(int((fixed & (facts.lower_from >= 0)).sum())),
                                         (np.flatnonzero(fixed & (facts.lower_from >= 0)),
                                          facts.lower_from[fixed & (facts.lower_from >= 0)])), shape=(n, n_tables))
    own = sparse.csr_matrix((np.ones(len(facts.row_table)), (np.arange(len(facts.row_table)), facts.row_table)),
                            shape=(len(facts.row_table), n_tables))
    row_tables = ((own + (abs(A) > 0).astype(float) @ source_of_fixed) > 0).tocsr()
    A_free = A[:, free].tocsr() if len(free) else sparse.csr_matrix((A.shape[0], 0))
    A_bad = A[:, np.flatnonzero(clash)]
    rows_with_bad = np.asarray((abs(A_bad) > 0).sum(axis=1)).ravel() > 0 if clash.any() else np.zeros(A.shape[0], bool)

    # relations among printed numbers only: they hold or they are a contradiction
    n_free_in_row = np.diff(A_free.indptr)
    constant = (n_free_in_row == 0) & ~rows_with_bad
    scale = 1 + np.asarray(abs(A) @ np.abs(value)).ravel()
    broken = constant & np.where(facts.equality, np.abs(rhs) > 1e-6 * scale, rhs < -1e-6 * scale)
    for i in np.flatnonzero(broken):
        cols = A.indices[A.indptr[i]:A.indptr[i + 1]]
        contradictions.append(Contradiction([int(c) for c in cols], set(row_tables[i].indices.tolist()),
                                            [str(facts.row_what[i])]))
    # rows touching a clashing cell are left out; its component is reported through the clash
    active = np.flatnonzero((n_free_in_row > 0) & ~rows_with_bad)
    M = _big(lb, ub, rhs, fixed)

    # components of the free unknowns, linked by the active rows
    nf, nr = len(free), len(active)
    sub = A_free[active].tocoo()
    graph = sparse.coo_matrix((np.ones(sub.nnz), (sub.col, nf + sub.row)), shape=(nf + nr, nf + nr))
    n_comp, label = connected_components(graph, directed=False)
    var_comp, row_comp = label[:nf], label[nf:]

    is_target = np.zeros(n, bool)
    is_target[targets] = True
    # targets that are printed numbers elsewhere: pinned by the table that prints them
    for j in np.flatnonzero(is_target & fixed):
        lower_val[j] = upper_val[j] = value[j]
        lower_by[j] = {int(facts.lower_from[j])} - {-1}
        upper_by[j] = {int(facts.upper_from[j])} - {-1}

    f_lb, f_ub = lb[free], ub[free]
    f_ub_lp = np.where(np.isinf(f_ub), M, f_ub)
    A_act, rhs_act, eq_act = A_free[active], rhs[active], facts.equality[active]
    comp_has_rows = np.zeros(n_comp, bool)
    comp_has_rows[row_comp] = True

    # contradictions among the relations: one feasibility LP, then an elastic LP to find where
    comp_bad = np.zeros(n_comp, bool)
    solves = 0
    if nr:
        status, *_ = _lp(np.zeros(nf), A_act, rhs_act, eq_act, f_lb, f_ub_lp)
        solves += 1
        if status == 2:
            comp_bad, found = _elastic(facts, free, active, A_act, rhs_act, eq_act, f_lb, f_ub_lp, var_comp, row_comp,
                                       n_comp, row_tables)
            solves += 1
            contradictions.extend(found)
        elif status != 0:
            raise RuntimeError(f"HiGHS could not solve the audit's feasibility problem (status {status})")
    bad[free[comp_bad[var_comp]]] = True

    # targets alone in their component: their bounds are their own cells'
    ft = is_target[free] & ~comp_bad[var_comp]
    alone = ft & ~comp_has_rows[var_comp]
    for k in np.flatnonzero(alone):
        j = free[k]
        lower_val[j], upper_val[j] = f_lb[k], f_ub[k]
        lower_by[j] = {int(facts.lower_from[j])} - {-1}
        upper_by[j] = {int(facts.upper_from[j])} - {-1}

    pending = {"min": ft & ~alone, "max": (ft & ~alone).copy()}
    counts = np.bincount(var_comp[ft & ~alone], minlength=n_comp) if nf else np.zeros(0, int)
    largest = int(counts.max()) if len(counts) else 0
    while pending["min"].any() or pending["max"].any():
        for sense in ("min", "max"):
            todo = np.flatnonzero(pending[sense])
            if not len(todo):
                continue
            comps, first = np.unique(var_comp[todo], return_index=True)
            chosen = todo[first]  # one target per component still to do
            in_comp = np.zeros(n_comp, bool)
            in_comp[comps] = True
            v_idx = np.flatnonzero(in_comp[var_comp])
            r_idx = np.flatnonzero(in_comp[row_comp])
            local = np.full(nf, -1)
            local[v_idx] = np.arange(len(v_idx))
            c = np.zeros(len(v_idx))
            c[local[chosen]] = 1.0 if sense == "min" else -1.0
            status, x, duals, lo_m, up_m = _lp(c, A_act[r_idx][:, v_idx], rhs_act[r_idx], eq_act[r_idx], f_lb[v_idx],
                                               f_ub_lp[v_idx])
            solves += 1
            if status != 0:
                raise RuntimeError(f"HiGHS could not solve an audit problem (status {status})")
            target_of = np.full(n_comp, -1)
            target_of[comps] = free[chosen]
            got = x[local[chosen]]
            store = lower_val if sense == "min" else upper_val
            store[free[chosen]] = np.where(got >= M / 2, math.inf, got)
            by = lower_by if sense == "min" else upper_by
            for j in free[chosen]:
                by[int(j)] = set()
            _credit(by, target_of, var_comp[v_idx], row_comp[r_idx], duals, lo_m, up_m, r_idx, active, free[v_idx],
                    facts, row_tables, got_inf=(sense == "max"), x=x, M=M)
            pending[sense][chosen] = False
            _witness(pending, x, v_idx, f_lb, f_ub, M, free, lower_val, upper_val, lower_by, upper_by, facts)
    lower_val[bad] = np.nan
    upper_val[bad] = np.nan
    return Bounds(lower_val, upper_val, lower_by, upper_by, contradictions, solves, int(n_comp), largest, bad)


def _big(lb, ub, rhs, fixed) -> float:
    """The artificial upper bound M: a power of 10 at least 1,000 times every published magnitude."""
    finite = np.concatenate([lb[np.isfinite(lb)], ub[np.isfinite(ub)], np.abs(rhs)])
    top = max(1e4, float(np.abs(finite).max()) if len(finite) else 1.0)
    return 10.0 ** math.ceil(math.log10(top * 1000))


def _credit(by, target_of, v_comp, r_comp, duals, lo_m, up_m, r_idx, active, v_global, facts, row_tables, got_inf,
            x, M) -> None:
    """Add to ``by[target]`` the tables behind every binding relation and bound of the target's component."""
    pairs = []
    binding = np.flatnonzero(np.abs(duals) > _DUAL)
    if len(binding):
        tables = row_tables[active[r_idx[binding]]].tocoo()
        pairs.append(np.column_stack([r_comp[binding][tables.row], tables.col]))
    for marg, source, is_upper in ((lo_m, facts.lower_from, False), (up_m, facts.upper_from, True)):
        hit = np.flatnonzero(np.abs(marg) > _DUAL)
        if is_upper:
            hit = hit[x[hit] < M / 2]
        src = source[v_global[hit]]
        keep = src >= 0
        pairs.append(np.column_stack([v_comp[hit][keep], src[keep]]))
    pairs = np.unique(np.concatenate(pairs), axis=0) if pairs else np.zeros((0, 2), int)
    for comp, table in pairs:
        j = target_of[comp]
        if j >= 0:
            by[int(j)].add(int(table))


def _witness(pending, x, v_idx, f_lb, f_ub, M, free, lower_val, upper_val, lower_by, upper_by, facts) -> None:
    """Targets a solution shows at their own bound (or beyond M/2) need no solve of their own."""
    xs = x
    at_low = pending["min"][v_idx] & (xs <= f_lb[v_idx] + _TOL)
    for k in v_idx[at_low]:
        j = int(free[k])
        lower_val[j] = f_lb[k]
        lower_by[j] = {int(facts.lower_from[j])} - {-1}
    pending["min"][v_idx[at_low]] = False
    finite = np.isfinite(f_ub[v_idx])
    at_high = pending["max"][v_idx] & ((finite & (xs >= f_ub[v_idx] - _TOL)) | (xs >= M / 2))
    for k in v_idx[at_high]:
        j = int(free[k])
        upper_val[j] = f_ub[k] if np.isfinite(f_ub[k]) else math.inf
        upper_by[j] = {int(facts.upper_from[j])} - {-1}
    pending["max"][v_idx[at_high]] = False


def _elastic(facts, free, active, A, rhs, equality, lb, ub, var_comp, row_comp, n_comp, row_tables):
    """Find the contradictory components: minimise the total breach of the relations (always feasible)."""
    nr, nf = A.shape
    eq_rows, ub_rows = np.flatnonzero(equality), np.flatnonzero(~equality)
    # slacks: s+ and s- for each equality row, s for each inequality row; A x + s+ − s− = b; A x − s ≤ b
    n_eq, n_ub = len(eq_rows), len(ub_rows)
    slack_cols = nf + np.arange(2 * n_eq + n_ub)
    entries_row = np.concatenate([eq_rows, eq_rows, ub_rows])
    entries_val = np.concatenate([np.ones(n_eq), -np.ones(n_eq), -np.ones(n_ub)])
    S = sparse.csr_matrix((entries_val, (entries_row, slack_cols - nf)), shape=(nr, len(slack_cols)))
    big = sparse.hstack([A, S]).tocsr()
    c = np.concatenate([np.zeros(nf), np.ones(len(slack_cols))])
    lo = np.concatenate([lb, np.zeros(len(slack_cols))])
    hi = np.concatenate([ub, np.full(len(slack_cols), np.inf)])
    status, x, duals, lo_m, up_m = _lp(c, big, rhs, equality, lo, hi)
    if status != 0:
        raise RuntimeError(f"HiGHS could not solve the audit's contradiction search (status {status})")
    breach = np.zeros(nr)
    s = x[nf:]
    breach[eq_rows] = s[:n_eq] + s[n_eq:2 * n_eq]
    breach[ub_rows] += s[2 * n_eq:]
    comp_breach = np.bincount(row_comp, weights=breach, minlength=n_comp)
    comp_bad = comp_breach > 1e-6
    found = []
    for comp in np.flatnonzero(comp_bad):
        rows = np.flatnonzero((row_comp == comp) & ((breach > _TOL) | (np.abs(duals) > _DUAL)))
        tables = set(row_tables[active[rows]].indices.tolist())
        vars_ = np.flatnonzero(var_comp == comp)
        for marg, source in ((lo_m[:nf], facts.lower_from), (up_m[:nf], facts.upper_from)):
            hit = vars_[np.abs(marg[vars_]) > _DUAL]
            tables |= {int(t) for t in source[free[hit]] if t >= 0}
        found.append(Contradiction([int(v) for v in free[vars_]], tables,
                                   sorted({str(w) for w in facts.row_what[active[rows]]})))
    return comp_bad, found


def bound_from(facts: Facts, j: int, sense: str, tables: set[int]) -> float:
    """The minimum (``sense="min"``) or maximum of unknown ``j`` using only the facts of ``tables``:
    the cells they print and the relations they declare (an independent LP over that subset)."""
    from .model import bounds_of

    keep_cells = facts.cells["table_index"].isin(list(tables)).to_numpy()
    lb, ub, _, _ = bounds_of(facts.cells[keep_cells], facts.n)
    keep_rows = np.isin(facts.row_table, list(tables))
    A = facts.matrix[keep_rows]
    cols = np.unique(np.concatenate([A.indices, [j]]))
    A = A[:, cols]
    M = _big(lb, ub, facts.rhs[keep_rows], np.zeros(facts.n, bool))
    c = np.zeros(len(cols))
    c[np.searchsorted(cols, j)] = 1.0 if sense == "min" else -1.0
    status, x, *_ = _lp(c, A, facts.rhs[keep_rows], facts.equality[keep_rows], lb[cols],
                        np.where(np.isinf(ub[cols]), M, ub[cols]))
    if status != 0:
        return math.nan
    got = x[np.searchsorted(cols, j)]
    return math.inf if got >= M / 2 else float(got)


def minimal_tables(facts: Facts, j: int, sense: str, value: float, tables: set[int]) -> set[int]:
    """A smallest-by-removal set of tables that still gives unknown ``j`` the same whole-number bound.

    Starting from the tables behind the dual proof, each table (in order) is left out if the facts
    of the others still give the same bound (``ceil`` of a minimum, ``floor`` of a maximum). The
    result is irreducible: leaving out any one of its tables loosens the bound.
    """
    def whole(v):
        return math.ceil(v - 1e-6) if sense == "min" else (v if math.isinf(v) else math.floor(v + 1e-6))

    target = whole(value)
    kept = set(tables)
    for t in sorted(tables):
        trial = kept - {t}
        if not trial:
            continue
        got = bound_from(facts, j, sense, trial)
        if not math.isnan(got) and whole(got) == target:
            kept = trial
    return kept
