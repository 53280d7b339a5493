"""Auditing a set of published tables, or a whole evidence pack.

``audit_tables([(table, declaration), ...])`` audits tables held in memory (tests, a run before it
writes anything); ``audit_pack(pack_dir)`` reads every ``tables/*.csv`` of a pack and the
declarations stored in its catalogue (``<pack>/.catalogue/*.json``, ``extra["audit"]``: one
declaration or a list) while the pack is being built, or in the pack's ``disclosure_audit.json``
once it is published (:func:`save_declarations`, without the true figures). A declaration with
``rows`` (figures quoted in alt text or narrative) needs no CSV. Tables without a declaration are
listed as not audited. Tables the catalogue marks as the partnership's own work (``extra["own_work"]``:
the board's pack shows them as they are, ``docs/disclosure.md``) are not audited, and neither are
the own-work rows of a table that marks some (the scorecard): they are meant to be seen.

The true values (``truth``) are optional: a mapping from quantity key to value, or unrounded tables
with their declarations (``[(table, declaration), ...]``, read with the same keys). Declarations may
carry their own (``Declaration.truth``, in the run's private catalogue), which ``audit_pack`` uses
when none is given. With them the audit applies the full protection rule (:mod:`.protection`) and
checks that every declared relation and every symbol holds for the true figures.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .bounds import minimal_tables_many, solve_bounds
from .declare import Declaration
from .keys import AuditError, Columns, parse
from .model import Facts, Source, build_facts, row_mask
from .protection import DEFAULT_PROTECTION, check_protection, protection_distance, whole_range
from .report import AuditReport, Finding
from .symbols import MEANINGS

__all__ = ["audit_tables", "audit_pack", "truth_from", "truth_of", "read_pack", "read_declared", "Declared",
           "save_declarations", "DECLARATIONS_FILE"]

DECLARATIONS_FILE = "disclosure_audit.json"

_PROTECTED_KINDS = sorted({m.kind for m in MEANINGS.values() if m.protected})


def truth_from(tables: Iterable[tuple[pd.DataFrame, Declaration]]) -> dict[str, float]:
    """True values by quantity key, from unrounded, unsuppressed tables and their declarations.

    Each table has the columns its declaration reads; count cells are numbers (a missing value is
    skipped). The same key with two different values raises :class:`AuditError`.
    """
    keys, values = [], []
    for frame, decl in tables:
        table = Columns(frame, f"{decl.name} (true values)")
        for c in decl.cells:
            rows = np.flatnonzero(row_mask(table, c.where))
            if not len(rows):
                continue
            k = parse(c.key).fill(table, rows)
            v = pd.to_numeric(frame[c.column].iloc[rows], errors="coerce").to_numpy(dtype=float)
            keep = ~np.isnan(v)
            keys.append(k[keep])
            values.append(v[keep])
    if not keys:
        return {}
    frame = pd.DataFrame({"key": np.concatenate(keys), "value": np.concatenate(values)})
    spread = frame.groupby("key")["value"].agg(["min", "max"])
    clash = spread[spread["max"] - spread["min"] > 1e-9]
    if len(clash):
        raise AuditError(f"true values: {clash.index[0]!r} has two different values in the tables given")
    return dict(zip(spread.index, spread["min"].to_numpy(dtype=float), strict=True))


def truth_of(sources: Iterable[Source]) -> dict[str, float] | None:
    """The true values the declarations carry (``Declaration.truth`` and ``truth_keys``), by quantity key;
    ``None`` when none carries any. The same key with two different values raises :class:`AuditError`
    naming both tables (a key that names two different quantities, or true figures that disagree)."""
    keys, values, where = [], [], []
    for source in sources:
        decl = source.declaration
        if decl.truth_keys:
            keys.append(np.array(list(decl.truth_keys), dtype=object))
            values.append(np.array(list(decl.truth_keys.values()), dtype=float))
            where.append(np.full(len(decl.truth_keys), decl.name, dtype=object))
        if not decl.truth:
            continue
        table = Columns(source.table, source.where or source.name)
        for c in decl.cells:
            if c.column not in decl.truth:
                continue
            rows = np.flatnonzero(row_mask(table, c.where))
            v = np.array(decl.truth[c.column], dtype=float)[rows]
            keep = ~np.isnan(v)
            keys.append(parse(c.key).fill(table, rows[keep]))
            values.append(v[keep])
            where.append(np.full(int(keep.sum()), decl.name, dtype=object))
    if not sum(len(k) for k in keys):
        return None
    frame = pd.DataFrame({"key": np.concatenate(keys), "value": np.concatenate(values), "table": np.concatenate(where)})
    spread = frame.groupby("key")["value"].agg(["min", "max"])
    clash = spread.index[spread["max"] - spread["min"] > 1e-9]
    if len(clash):
        tables = sorted(set(frame.loc[frame["key"] == clash[0], "table"]))
        raise AuditError(f"true values: {clash[0]!r} has two different values (in {', '.join(tables)}); each key must "
                         "name one quantity")
    return dict(zip(spread.index, spread["min"].to_numpy(dtype=float), strict=True))


def _truth_vector(truth, facts: Facts) -> np.ndarray | None:
    if truth is None:
        return None
    if not isinstance(truth, Mapping):
        if isinstance(truth, pd.Series):
            truth = truth.to_dict()
        else:
            truth = truth_from(truth)
    v = pd.Series(facts.keys).map(truth)
    return pd.to_numeric(v, errors="coerce").to_numpy(dtype=float)


def audit_tables(tables: Iterable, truth=None, protection: int = DEFAULT_PROTECTION,
                 not_audited: Iterable[str] = (), protect_secondary: bool = False, explain: int = 50,
                 exact: bool = False, strict: bool = False) -> AuditReport:
    """Audit published tables held in memory: ``[(table, declaration), ...]`` or :class:`~.model.Source` objects.

    Every published cell of all tables is gathered; for each suppressed quantity the LP finds the
    smallest and largest value consistent with everything published (:mod:`.bounds`), and the rule of
    :mod:`.protection` decides whether it is protected (``protect_secondary``: hold secondary cells
    to the protection interval too, not only to "not worked out exactly"; ``strict``: a primary count
    must keep every value from 1 to the threshold possible, see :mod:`.protection`). For the first ``explain``
    failing cells the tables that pin them are reduced to an irreducible set
    (:func:`~.bounds.minimal_tables_many`); beyond that they are the tables of the LP's dual proof.

    ``exact``: find the exact smallest and largest value of every suppressed cell. By default the
    audit stops working on a cell once feasible values it has found are far enough apart to prove
    the cell protected; its ``lower``/``upper`` are then values known to be possible (the true range
    is at least that wide) and ``exact`` is False. Failing cells always get exact bounds.
    """
    started = time.perf_counter()
    protection = protection_distance(protection)
    sources = [t if isinstance(t, Source) else Source(t[0], t[1], t[1].name) for t in tables]
    facts = build_facts(sources)
    true = _truth_vector(truth, facts)
    cells = facts.cells
    protected_cells = cells[cells["kind"].isin(_PROTECTED_KINDS)]
    targets = np.unique(protected_cells["var"].to_numpy(dtype=int))

    per = protected_cells.assign(primary=protected_cells["kind"] == "primary",
                                 either=protected_cells["kind"] == "suppressed").groupby("var", sort=True)
    symbol_low = per["lower"].max().to_numpy(float)
    symbol_high = per["upper"].min().to_numpy(float)
    threshold = per["threshold"].max().to_numpy(float)
    primary, either = per["primary"].any().to_numpy(bool), per["either"].any().to_numpy(bool)
    tv = true[targets] if true is not None else None

    def sensitive_of(t):
        maybe = either[t] if tv is None else either[t] & (np.isnan(tv[t]) | (tv[t] <= threshold[t]))
        return primary[t] | maybe | bool(protect_secondary)

    def settled(js, wmin, wmax):
        """Cells that feasible values already found prove protected need no exact bounds."""
        t = np.searchsorted(targets, js)
        low, high = whole_range(wmin, wmax)
        ok, _ = check_protection(low, high, symbol_low[t], symbol_high[t], protection,
                                 None if tv is None else tv[t], sensitive_of(t), strict)
        return ok

    bounds = solve_bounds(facts, targets, settled=None if exact else settled)
    low, high = whole_range(bounds.lower[targets], bounds.upper[targets])
    everyone = np.arange(len(targets))
    sensitive = sensitive_of(everyone)
    ok, reason = check_protection(low, high, symbol_low, symbol_high, protection, tv, sensitive, strict)
    contradicted = bounds.in_contradiction[targets]
    ok = ok & ~contradicted
    reason = np.where(contradicted, "contradiction", reason)
    titles = facts.titles
    items, where = [], []
    for j in targets[~ok & ~contradicted][:max(int(explain), 0)]:
        for sense, store, by in (("min", bounds.lower, bounds.lower_by), ("max", bounds.upper, bounds.upper_by)):
            if len(by.get(int(j), ())) > 1:
                items.append((int(j), sense, float(store[j]), by[int(j)], bounds.component_rows(int(j))))
                where.append(by)
    for item, by, kept in zip(items, where, minimal_tables_many(facts, items), strict=True):
        by[item[0]] = kept

    lower_by = _names([bounds.lower_by], targets, titles)
    upper_by = _names([bounds.upper_by], targets, titles)
    pinned = _names([bounds.lower_by, bounds.upper_by], targets, titles)
    frame = pd.DataFrame({
        "key": facts.keys[targets].astype(str) if len(targets) else np.array([], dtype=str),
        "label": facts.labels[targets] if len(targets) else np.array([], dtype=object),
        "tables": _joined(protected_cells, "table", targets), "symbols": _joined(protected_cells, "text", targets),
        "symbol_low": symbol_low, "symbol_high": symbol_high,
        "true_value": tv if tv is not None else np.full(len(targets), np.nan),
        "lower": bounds.lower[targets], "upper": bounds.upper[targets], "exact": bounds.exact[targets],
        "low": low, "high": high, "sensitive": sensitive, "protected": ok.astype(bool), "reason": reason,
        "pinned_by": pinned, "lower_pinned_by": lower_by, "upper_pinned_by": upper_by,
    })
    findings = [_contradiction(c, facts) for c in bounds.contradictions]
    if true is not None:
        findings += _false_facts(facts, true)
    stats = {"seconds": time.perf_counter() - started, "lp_solves": bounds.solves, "components": bounds.components,
             "largest_component_targets": bounds.largest, "quantities": facts.n, "relations": len(facts.rhs),
             "cells": len(cells),
             "truth_not_in_pack": 0 if truth is None or not isinstance(truth, Mapping)
             else len(set(truth) - set(facts.keys.tolist()))}
    return AuditReport(frame, findings, sorted(not_audited), [s.name for s in sources], int(protection),
                       true is not None, stats, strict)


def _label(facts: Facts, j: int) -> str:
    return str(facts.labels[j])


def _joined(cells: pd.DataFrame, column: str, targets: np.ndarray, sep: str = ", ") -> np.ndarray:
    """For each target, the distinct values of ``column`` among its cells, joined by ``sep`` (in order met)."""
    distinct = cells.drop_duplicates(["var", column])
    joined = (distinct[column].astype(object) + sep).groupby(distinct["var"].to_numpy(), sort=True).sum()
    out = np.full(len(targets), "", dtype=object)
    out[np.searchsorted(targets, joined.index.to_numpy())] = [x[:-len(sep)] for x in joined.to_numpy(dtype=object)]
    return out


def _names(maps: list[dict], targets: np.ndarray, titles: list[str]) -> np.ndarray:
    """For each target, the titles of the tables in its sets (from every map), joined by "; " in table order."""
    var, table = [], []
    for m in maps:
        for j, tables in m.items():
            var.extend([j] * len(tables))
            table.extend(tables)
    if not var:
        return np.full(len(targets), "", dtype=object)
    pairs = pd.DataFrame({"var": np.asarray(var, dtype=int), "table": np.asarray(table, dtype=int)})
    pairs = pairs[np.isin(pairs["var"].to_numpy(), targets)].sort_values(["var", "table"], kind="stable")
    pairs["title"] = np.asarray(titles, dtype=object)[pairs["table"].to_numpy()]
    return _joined(pairs, "title", targets, "; ")


def _contradiction(c, facts: Facts) -> Finding:
    tables = [facts.titles[t] for t in sorted(c.tables)]
    shown = [_label(facts, j) for j in c.variables[:6]]
    more = f" and {len(c.variables) - 6} more" if len(c.variables) > 6 else ""
    rel = f" (through: {'; '.join(c.relations)})" if c.relations else ""
    msg = (f"{', '.join(shown)}{more}: no set of values agrees with everything published in "
           f"{', '.join(f'“{t}”' for t in tables) or 'the tables'}{rel}.")
    return Finding("contradiction", tables, msg)


def _false_facts(facts: Facts, true: np.ndarray) -> list[Finding]:
    """Declared relations and published cells that the true figures break (vectorised checks)."""
    out = []
    cells = facts.cells
    tv = true[cells["var"].to_numpy(dtype=int)]
    known = ~np.isnan(tv)
    outside = known & ((tv < cells["lower"].to_numpy(float) - 1e-9) | (tv > cells["upper"].to_numpy(float) + 1e-9))
    for row in cells[outside].itertuples(index=False):
        meaning = MEANINGS.get(row.text)
        says = f"{row.text} ({meaning.words})" if meaning else row.text
        out.append(Finding("false fact", [facts.titles[row.table_index]],
                           f"{row.table}:{row.row}: column {row.column!r} shows {says}, which the true figure for "
                           f"{row.label} is not."))
    A = facts.matrix
    if A.shape[0]:
        value = np.where(np.isnan(true), facts.lower, true)
        value = np.where(np.isnan(true) & (facts.upper - facts.lower > 1e-9), np.nan, value)
        unknown = np.isnan(value)
        complete = np.asarray((abs(A) > 0) @ unknown.astype(float)).ravel() == 0
        residual = A @ np.nan_to_num(value) - facts.rhs
        scale = 1 + np.asarray(abs(A) @ np.abs(np.nan_to_num(value))).ravel()
        broken = complete & np.where(facts.equality, np.abs(residual) > 1e-6 * scale, residual > 1e-6 * scale)
        for i in np.flatnonzero(broken)[:200]:
            cols = A.indices[A.indptr[i]:A.indptr[i + 1]]
            names = ", ".join(_label(facts, j) for j in cols[:4])
            out.append(Finding("false fact", [facts.titles[facts.row_table[i]]],
                               f"{facts.tables[facts.row_table[i]]}: the declared relation “{facts.row_what[i]}” "
                               f"does not hold for the true figures ({names})."))
    return out


# --------------------------------------------------------------------------------------------------
# a pack on disk


def _read_csv(path: Path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.index = np.arange(2, len(df) + 2)  # the line in the file: errors then say file:line
    return df


@dataclass
class Declared:
    """What a pack declares: the sources to audit, the CSVs without a declaration (``not_audited``) and
    the tables shown as they are as the partnership's own work (``own_work``), by file."""

    sources: list[Source] = field(default_factory=list)
    not_audited: list[str] = field(default_factory=list)
    own_work: list[str] = field(default_factory=list)


def _entries(pack: Path) -> list[dict]:
    """The pack's table entries (kind, name, title, files, extra): from the catalogue while it is built,
    else from the published ``disclosure_audit.json``; an empty list when it has neither."""
    from ..evidence import CATALOGUE_DIR, read_catalogue

    if (pack / CATALOGUE_DIR).is_dir():
        try:
            entries = read_catalogue(pack)
        except (json.JSONDecodeError, TypeError) as exc:
            raise AuditError(f"{pack / CATALOGUE_DIR}: a catalogue entry cannot be read ({exc})") from None
        return [{"kind": e.kind, "name": e.name, "title": e.title, "files": list(e.files), "extra": e.extra or {},
                 "where": f"{CATALOGUE_DIR}/{e.kind}-{e.name}.json"} for e in entries]
    saved = pack / DECLARATIONS_FILE
    if not saved.is_file():
        return []
    try:
        data = json.loads(saved.read_text(encoding="utf-8"))
        tables = data["tables"]
        return [{**t, "kind": t.get("kind", "table"), "extra": t.get("extra", {}), "where": DECLARATIONS_FILE}
                for t in tables]
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise AuditError(f"{saved}: the pack's declarations cannot be read ({exc})") from None


def _drop_rows(table: pd.DataFrame, decl: Declaration, positions) -> tuple[pd.DataFrame, Declaration]:
    """The table without the rows at ``positions`` (0-based), and its declaration's true values likewise."""
    from dataclasses import replace

    keep = ~np.isin(np.arange(len(table)), np.asarray(list(positions), dtype=int))
    truth = {c: [v for v, k in zip(values, keep, strict=True) if k] for c, values in (decl.truth or {}).items()}
    return table[keep], replace(decl, truth=truth or None)


def read_declared(pack_dir: str | Path) -> Declared:
    """The declared tables of a pack, the CSVs without a declaration and the own-work tables (see the module)."""
    pack = Path(pack_dir)
    if not pack.is_dir():
        raise AuditError(f"{pack}: there is no evidence pack here (no such folder)")
    if not (pack / "tables").is_dir():
        raise AuditError(f"{pack}: this is not an evidence pack (no tables/ folder)")
    out, covered = Declared(), set()
    for e in _entries(pack):
        extra = e["extra"] or {}
        own = extra.get("own_work")
        csvs = [f for f in e["files"] if f.endswith(".csv")]
        if own is True:
            out.own_work += csvs
            covered |= set(csvs)
            continue
        spec = extra.get("audit")
        if not spec:
            continue
        for d in (spec if isinstance(spec, list) else [spec]):
            decl = Declaration.from_dict(d, e["where"])
            decl.title = decl.title or e["title"]
            threshold = extra.get("threshold")
            if decl.rows is not None:
                table = pd.DataFrame(decl.rows, dtype=str)
                table.index = np.arange(1, len(table) + 1)
                out.sources.append(Source(table, decl, f"{e['where']} (quoted figures)", threshold))
                continue
            chosen = f"tables/{decl.name}.csv" if f"tables/{decl.name}.csv" in csvs else (csvs[0] if len(csvs) == 1
                                                                                           else None)
            if chosen is None or not (pack / chosen).is_file():
                raise AuditError(f"{e['where']}: the declaration {decl.name!r} has no table file in the pack "
                                 f"(files: {', '.join(e['files']) or 'none'})")
            covered.add(chosen)
            table = _read_csv(pack / chosen)
            if own:  # some rows are the partnership's own work, shown as they are
                table, decl = _drop_rows(table, decl, own)
            out.sources.append(Source(table, decl, chosen, threshold))
    every = sorted(f"tables/{p.name}" for p in (pack / "tables").glob("*.csv"))
    out.not_audited = [f for f in every if f not in covered]
    return out


def read_pack(pack_dir: str | Path) -> tuple[list[Source], list[str]]:
    """The declared tables of a pack (as :class:`Source` objects) and the CSVs without a declaration."""
    declared = read_declared(pack_dir)
    return declared.sources, declared.not_audited


def save_declarations(pack_dir: str | Path) -> Path:
    """Write the pack's table entries and their declarations, without the true figures, to
    ``<pack>/disclosure_audit.json`` (deterministic bytes), so that ``cscp audit-disclosure`` can audit
    the published pack once its catalogue is gone."""
    pack = Path(pack_dir)
    tables = []
    for e in _entries(pack):
        if e["kind"] != "table":
            continue
        extra = {k: v for k, v in (e["extra"] or {}).items() if k in ("count_columns", "threshold", "own_work", "audit")}
        spec = extra.get("audit")
        if spec:
            specs = spec if isinstance(spec, list) else [spec]
            extra["audit"] = [Declaration.from_dict(d, e["where"]).public().to_dict() for d in specs]
        tables.append({"name": e["name"], "title": e["title"], "files": e["files"], "extra": extra})
    path = pack / DECLARATIONS_FILE
    text = json.dumps({"format": 1, "tables": tables}, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    return path


def audit_pack(pack_dir: str | Path | None = None, truth=None, protection: int = DEFAULT_PROTECTION,
               tables: Iterable | None = None, protect_secondary: bool = False, explain: int = 50,
               exact: bool = False, strict: bool = False) -> AuditReport:
    """Audit an evidence pack: every table with a declaration, plus ``tables`` given directly.

    Returns an :class:`AuditReport`; ``report.ok`` is False when a suppressed figure can be narrowed
    too far or the published figures contradict each other. Without ``truth``, the true figures the
    declarations carry (the run's catalogue) are used when there are any.
    """
    declared = read_declared(pack_dir) if pack_dir is not None else Declared()
    sources = list(declared.sources)
    for t in tables or []:
        sources.append(t if isinstance(t, Source) else Source(t[0], t[1], t[1].name))
    if truth is None:
        truth = truth_of(sources)
    report = audit_tables(sources, truth=truth, protection=protection, not_audited=declared.not_audited,
                          protect_secondary=protect_secondary, explain=explain, exact=exact, strict=strict)
    report.own_work = sorted(declared.own_work)
    return report
