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
* many problems are solved in one ``linprog`` call by stacking copies of their components
  block-diagonally: minimising the sum of one target per copy minimises each target, because the
  copies share no constraint (batches of at most ``_BUDGET`` non-zeros plus columns);
* a first pass finds four feasible points per component (the sum of its targets minimised and
  maximised, and two random mixes of signs); a target seen at its own bound (a ``[c]`` count at 1,
  say) has that bound as its minimum or maximum without a problem of its own, and a target whose
  values seen are already far enough apart to prove it protected (``settled``) needs no exact bounds.

Which tables pin a bound: HiGHS returns the dual values (marginals) at the optimum; a relation or a
published bound with a non-zero dual is part of the proof of the bound (LP duality: the bound is a
combination of exactly those constraints). The tables that declared those relations or printed
those cells (and the numbers substituted into them) are named; :func:`minimal_tables_many` then
reduces them to a set that pins the cell on its own.

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
    other); ``lower_by[j]``/``upper_by[j]``: the tables (indices) whose facts give the bound.
    ``exact[j]``: both are the exact minimum and maximum; False for a target settled early (see
    :func:`solve_bounds`), whose ``lower``/``upper`` are then feasible values found, not bounds."""

    lower: np.ndarray
    upper: np.ndarray
    lower_by: dict[int, set[int]]
    upper_by: dict[int, set[int]]
    contradictions: list[Contradiction]
    solves: int = 0
    components: int = 0
    largest: int = 0
    in_contradiction: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    exact: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    rows_of: dict = field(default_factory=dict)  # component of each unknown -> the relation rows in it

    def component_rows(self, j: int) -> np.ndarray | None:
        """The relation rows (indices into the facts) of unknown j's component, or None if j was a printed number."""
        return self.rows_of.get(int(j))


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


def solve_bounds(facts: Facts, targets: np.ndarray, settled=None) -> Bounds:
    """Feasible range of every target unknown (indices into ``facts.keys``), with the tables that pin it.

    ``settled(unknowns, lowest_seen, highest_seen) -> bool array``, if given, says which targets
    need no exact bounds because values already found feasible are far enough apart (the rule of
    :mod:`.protection` is monotone: a wider range passes whenever a narrower one does). Those
    targets are left with the values seen and ``exact`` False.
    """
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
    M = _big(lb, ub, rhs)

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

    pending = np.zeros((2, nf), bool)  # [0]: minimum still to find, [1]: maximum
    pending[:, ft & ~alone] = True
    counts = np.bincount(var_comp[ft & ~alone], minlength=n_comp) if nf else np.zeros(0, int)
    largest = int(counts.max()) if len(counts) else 0
    blocks = _Blocks(A_act, var_comp, row_comp, n_comp)
    state = _State(facts, free, f_lb, f_ub, M, pending, lower_val, upper_val, lower_by, upper_by)
    inexact = np.zeros(n, bool)

    def settle():
        """Drop the tasks of targets that the values seen so far already prove protected."""
        open_ = np.flatnonzero(pending.any(axis=0))
        if settled is None or not len(open_):
            return
        seen_lo = np.where(pending[0, open_], state.seen_low[open_], f_lb[open_])
        seen_hi = np.where(pending[1, open_], np.where(state.seen_high[open_] >= M / 2, math.inf,
                                                       state.seen_high[open_]), f_ub[open_])
        done = open_[np.asarray(settled(free[open_], seen_lo, seen_hi), bool)]
        for s, seen in ((0, seen_lo), (1, seen_hi)):
            mine = pending[s, done]
            values = (lower_val, upper_val)[s]
            values[free[done[mine]]] = seen[np.searchsorted(open_, done[mine])]
            for j in free[done[mine]]:
                (lower_by, upper_by)[s][int(j)] = set()
        inexact[free[done[(pending[0, done] | pending[1, done])]]] = True
        pending[:, done] = False

    # pass 1: four feasible points per component (the sum of its targets minimised and maximised, and a
    # random mix of both), whose values settle every target found at its own bound without a solve of its own
    comps = np.unique(var_comp[pending.any(axis=0)])
    if len(comps):
        solves += _witness_pass(blocks, comps, state, pending.any(axis=0), rhs_act, eq_act, f_ub_lp)
    settle()
    # pass 2: every task still open, stacked in batches, each batch pruned by the solutions of the ones before
    while pending.any():
        sense, var = np.nonzero(pending)
        solves += _solve_tasks(blocks, np.column_stack([var, sense]), state, rhs_act, eq_act, f_ub_lp, active,
                               row_tables, one_batch=True)
        settle()
    lower_val[bad] = np.nan
    upper_val[bad] = np.nan
    out = Bounds(lower_val, upper_val, lower_by, upper_by, contradictions, solves, int(n_comp), largest, bad,
                 ~inexact & ~bad)
    out.rows_of = _RowsOf(free, var_comp, active[blocks.row_order], blocks.row_start, blocks.n_rows)
    return out


class _RowsOf:
    """Lazy map: unknown -> the relation rows of its component (what :func:`minimal_tables_many` needs)."""

    def __init__(self, free, var_comp, rows_sorted, row_start, n_rows):
        self.position = {int(j): k for k, j in enumerate(free)}
        self.var_comp, self.rows_sorted, self.row_start, self.n_rows = var_comp, rows_sorted, row_start, n_rows

    def get(self, j: int):
        k = self.position.get(j)
        if k is None:
            return None
        c = self.var_comp[k]
        return self.rows_sorted[self.row_start[c]:self.row_start[c] + self.n_rows[c]]


_BUDGET = 100_000  # non-zeros plus columns per stacked LP


def _ragged(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenation of arange(start, start + length) for each pair (vectorised)."""
    lengths = np.asarray(lengths, int)
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, int)
    shift = np.repeat(np.asarray(starts, int) - (np.cumsum(lengths) - lengths), lengths)
    return shift + np.arange(total)


class _Blocks:
    """The components of the free unknowns, each as its own small LP (local rows, columns, entries)."""

    def __init__(self, A, var_comp, row_comp, n_comp):
        self.var_order = np.argsort(var_comp, kind="stable")
        self.row_order = np.argsort(row_comp, kind="stable")
        self.n_vars = np.bincount(var_comp, minlength=n_comp)
        self.n_rows = np.bincount(row_comp, minlength=n_comp)
        self.var_start = np.cumsum(self.n_vars) - self.n_vars
        self.row_start = np.cumsum(self.n_rows) - self.n_rows
        self.var_local = np.empty(len(var_comp), int)
        self.var_local[self.var_order] = np.arange(len(var_comp)) - np.repeat(self.var_start, self.n_vars)
        self.row_local = np.empty(len(row_comp), int)
        self.row_local[self.row_order] = np.arange(len(row_comp)) - np.repeat(self.row_start, self.n_rows)
        coo = A.tocoo()
        entry_comp = row_comp[coo.row]
        order = np.argsort(entry_comp, kind="stable")
        self.entry_row = self.row_local[coo.row[order]]
        self.entry_col = self.var_local[coo.col[order]]
        self.entry_val = coo.data[order]
        self.n_entries = np.bincount(entry_comp, minlength=n_comp)
        self.entry_start = np.cumsum(self.n_entries) - self.n_entries
        self.var_comp = var_comp


class _State:
    """What has been found so far: values, the tables behind them, and the tasks still open."""

    def __init__(self, facts, free, f_lb, f_ub, M, pending, lower_val, upper_val, lower_by, upper_by):
        self.facts, self.free, self.f_lb, self.f_ub, self.M = facts, free, f_lb, f_ub, M
        self.pending, self.values, self.by = pending, (lower_val, upper_val), (lower_by, upper_by)
        self.seen_low = np.full(len(free), math.inf)  # the smallest and largest value seen in any solution
        self.seen_high = np.full(len(free), -math.inf)


def _solve_tasks(blocks: _Blocks, tasks: np.ndarray, state: _State, rhs, equality, f_ub_lp, active, row_tables,
                 one_batch: bool = False) -> int:
    """Solve tasks (free unknown, 0 = minimise / 1 = maximise) with copies of their components stacked
    block-diagonally in as few LPs as the size budget allows; returns the number of LP solves."""
    comp = blocks.var_comp[tasks[:, 0]]
    size = blocks.n_entries[comp] + blocks.n_vars[comp]
    batch = np.cumsum(size) // _BUDGET
    solves = 0
    for b in np.unique(batch):
        chosen = tasks[batch == b]
        chosen = chosen[state.pending[chosen[:, 1], chosen[:, 0]]]  # solved meanwhile by a witness
        if len(chosen):
            _solve_batch(blocks, chosen, state, rhs, equality, f_ub_lp, active, row_tables)
            solves += 1
        if one_batch:
            break
    return solves


def _stack(blocks: _Blocks, comp: np.ndarray, rhs, equality, f_lb, f_ub_lp):
    """Copies of the components ``comp`` (one per entry) stacked block-diagonally as one LP's data."""
    nv, nr, ne = blocks.n_vars[comp], blocks.n_rows[comp], blocks.n_entries[comp]
    col_off, row_off = np.cumsum(nv) - nv, np.cumsum(nr) - nr
    cols = blocks.var_order[_ragged(blocks.var_start[comp], nv)]  # free-unknown index of every stacked column
    rows = blocks.row_order[_ragged(blocks.row_start[comp], nr)]  # active-row index of every stacked row
    entries = _ragged(blocks.entry_start[comp], ne)
    matrix = sparse.csr_matrix((blocks.entry_val[entries],
                                (blocks.entry_row[entries] + np.repeat(row_off, ne),
                                 blocks.entry_col[entries] + np.repeat(col_off, ne))),
                               shape=(int(nr.sum()), int(nv.sum())))
    return matrix, cols, rows, col_off, nv, nr, (rhs[rows], equality[rows], f_lb[cols], f_ub_lp[cols])


def _witness_pass(blocks: _Blocks, comps: np.ndarray, state: _State, is_target: np.ndarray, rhs, equality,
                  f_ub_lp) -> int:
    """Four feasible points per component, from stacked LPs within the size budget; returns the number of solves."""
    copies = np.repeat(comps, 4)
    size = blocks.n_entries[copies] + blocks.n_vars[copies]
    batch = np.cumsum(size) // _BUDGET
    rng = np.random.default_rng(len(comps))  # fixed seed: the same pack gives the same report
    solves = 0
    for b in np.unique(batch):
        chosen = copies[batch == b]
        matrix, cols, rows, col_off, nv, nr, data = _stack(blocks, chosen, rhs, equality, state.f_lb, f_ub_lp)
        which = np.repeat(np.flatnonzero(batch == b) % 4, nv)
        mix = rng.choice([-1.0, 1.0], len(cols))
        c = np.select([which == 0, which == 1, which == 2], [np.ones(len(cols)), -np.ones(len(cols)), mix], -mix)
        c = np.where(is_target[cols], c, 0.0)
        status, x, *_ = _lp(c, matrix, *data)
        if status != 0:
            raise RuntimeError(f"HiGHS could not solve an audit problem (status {status})")
        _witness(state, x, cols)
        solves += 1
    return solves


def _solve_batch(blocks: _Blocks, tasks: np.ndarray, state: _State, rhs, equality, f_ub_lp, active,
                 row_tables) -> None:
    facts, free = state.facts, state.free
    var, sense = tasks[:, 0], tasks[:, 1]
    comp = blocks.var_comp[var]
    matrix, cols, rows, col_off, nv, nr, data = _stack(blocks, comp, rhs, equality, state.f_lb, f_ub_lp)
    c = np.zeros(len(cols))
    target_col = col_off + blocks.var_local[var]
    c[target_col] = np.where(sense == 0, 1.0, -1.0)
    status, x, duals, lo_m, up_m = _lp(c, matrix, *data)
    if status != 0:
        raise RuntimeError(f"HiGHS could not solve an audit problem (status {status})")
    got = x[target_col]
    for s in (0, 1):
        mine = sense == s
        state.values[s][free[var[mine]]] = np.where(got[mine] >= state.M / 2, math.inf, got[mine])
        state.pending[s, var[mine]] = False
    # which tables each task's bound rests on: binding relations and bounds of its copy (non-zero duals)
    task_of_row = np.repeat(np.arange(len(tasks)), nr)
    task_of_col = np.repeat(np.arange(len(tasks)), nv)
    pairs = []
    binding = np.flatnonzero(np.abs(duals) > _DUAL)
    if len(binding):
        tabs = row_tables[active[rows[binding]]].tocoo()
        pairs.append(np.column_stack([task_of_row[binding][tabs.row], tabs.col]))
    for marg, source, upper in ((lo_m, facts.lower_from, False), (up_m, facts.upper_from, True)):
        hit = np.flatnonzero(np.abs(marg) > _DUAL)
        if upper:
            hit = hit[x[hit] < state.M / 2]
        src = source[free[cols[hit]]]
        keep = src >= 0
        pairs.append(np.column_stack([task_of_col[hit][keep], src[keep]]))
    found = [set() for _ in range(len(tasks))]
    for t, table in np.unique(np.concatenate(pairs), axis=0):
        found[t].add(int(table))
    for t in range(len(tasks)):
        state.by[sense[t]][int(free[var[t]])] = found[t]
    _witness(state, x, cols)


def _witness(state: _State, x: np.ndarray, cols: np.ndarray) -> None:
    """Targets a solution shows at their own bound (or beyond M/2) need no solve of their own."""
    free, facts = state.free, state.facts
    np.minimum.at(state.seen_low, cols, x)
    np.maximum.at(state.seen_high, cols, x)
    low = state.pending[0, cols] & (x <= state.f_lb[cols] + _TOL)
    for k in np.unique(cols[low]):
        j = int(free[k])
        state.values[0][j] = state.f_lb[k]
        state.by[0][j] = {int(facts.lower_from[j])} - {-1}
    state.pending[0, cols[low]] = False
    finite = np.isfinite(state.f_ub[cols])
    high = state.pending[1, cols] & ((finite & (x >= state.f_ub[cols] - _TOL)) | (x >= state.M / 2))
    for k in np.unique(cols[high]):
        j = int(free[k])
        state.values[1][j] = state.f_ub[k] if np.isfinite(state.f_ub[k]) else math.inf
        state.by[1][j] = {int(facts.upper_from[j])} - {-1}
    state.pending[1, cols[high]] = False


def _big(lb, ub, rhs) -> float:
    """The artificial upper bound M: a power of 10 at least 1,000 times every published magnitude."""
    finite = np.concatenate([lb[np.isfinite(lb)], ub[np.isfinite(ub)], np.abs(rhs)])
    top = max(1e4, float(np.abs(finite).max()) if len(finite) else 1.0)
    return 10.0 ** math.ceil(math.log10(top * 1000))


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


def _subproblem(facts: Facts, j: int, sense: str, tables: set[int], rows: np.ndarray | None):
    """The LP of unknown j's bound using only the facts of ``tables`` (optionally only relation ``rows``):
    (cost, matrix, rhs, equality, lower, upper, position of j, M)."""
    from .model import bounds_of

    keep_rows = np.flatnonzero(np.isin(facts.row_table, list(tables)))
    if rows is not None:
        keep_rows = keep_rows[np.isin(keep_rows, rows)]
    A = facts.matrix[keep_rows]
    cols = np.unique(np.concatenate([A.indices, [j]]))
    cells = facts.cells
    mine = cells["table_index"].isin(list(tables)).to_numpy() & np.isin(cells["var"].to_numpy(dtype=int), cols)
    lb, ub, _, _ = bounds_of(cells[mine], facts.n)
    M = _big(lb[cols], ub[cols], facts.rhs[keep_rows])
    c = np.zeros(len(cols))
    at = int(np.searchsorted(cols, j))
    c[at] = 1.0 if sense == "min" else -1.0
    return (c, A[:, cols], facts.rhs[keep_rows], facts.equality[keep_rows], lb[cols],
            np.where(np.isinf(ub[cols]), M, ub[cols]), at, M)


def _bounds_from(facts: Facts, trials: list) -> list[float]:
    """The bound of each (j, sense, tables, rows) using only the facts of ``tables`` (the cells they print
    and the relations they declare; only relation ``rows`` when given: leaving relations out can only
    widen a range, so a bound that holds without them holds with them), all LPs stacked block-diagonally."""
    parts = [_subproblem(facts, *t) for t in trials]
    c = np.concatenate([p[0] for p in parts])
    matrix = sparse.block_diag([p[1] for p in parts], format="csr")
    offsets = np.cumsum([0] + [len(p[0]) for p in parts])
    status, x, *_ = _lp(c, matrix, np.concatenate([p[2] for p in parts]), np.concatenate([p[3] for p in parts]),
                        np.concatenate([p[4] for p in parts]), np.concatenate([p[5] for p in parts]))
    if status != 0:
        return [math.nan] * len(trials)
    out = []
    for k, p in enumerate(parts):
        got = x[offsets[k] + p[6]]
        out.append(math.inf if got >= p[7] / 2 else float(got))
    return out


def minimal_tables_many(facts: Facts, items: list) -> list[set[int]]:
    """For each (j, sense, value, tables, rows): a set of tables that still gives j the same bound.

    Starting from the tables behind the dual proof, each table (in order) is left out if the facts
    of the others still give the same whole-number bound (``ceil`` of a minimum, ``floor`` of a
    maximum). The result is irreducible when ``rows`` is None: leaving out any one of its tables
    loosens the bound. With ``rows`` (j's component, much faster) it is still sufficient, and
    irreducible but for rare cases where a number printed only by a dropped table linked j to
    relations outside the component. One round tries one table for every item, in one stacked LP.
    """
    def whole(v, sense):
        if math.isinf(v) or math.isnan(v):
            return v
        return math.ceil(v - 1e-6) if sense == "min" else math.floor(v + 1e-6)

    kept = [set(it[3]) for it in items]
    order = [sorted(it[3]) for it in items]
    for r in range(max((len(o) for o in order), default=0)):
        trials, owners = [], []
        for k, (j, sense, _value, _, rows) in enumerate(items):
            if r < len(order[k]) and len(kept[k]) > 1:
                trials.append((j, sense, kept[k] - {order[k][r]}, rows))
                owners.append(k)
        if not trials:
            continue
        got = _bounds_from(facts, trials)
        for k, g in zip(owners, got, strict=True):
            j, sense, value = items[k][:3]
            if not math.isnan(g) and whole(g, sense) == whole(value, sense):
                kept[k] -= {order[k][r]}
    return kept
