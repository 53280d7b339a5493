"""Loading and validating every return a quarter's analysis needs: :func:`load_returns`.

For the quarter being run it reads the population, the children's social care extract and the
assurance registers (cumulative files), and the partner returns, commentary and submissions log of
every quarter's folder up to and including it (the scorecard needs their history). Each file goes
through the rules of ``registry``; rows that break an error rule are rejected (kept, with the
reason, for ``rejected/``), the rest are accepted; every file's rows received = accepted + rejected.
The extract and the registers are then cut to what was known at the period end (``asat``).

Nothing here raises on a bad file. Only a data folder, or the quarter's folder, that does not exist
stops the load (:class:`ReturnsError`), because there is then nothing to validate.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import PROJECT_ROOT, PartnershipConfig, load_partnership
from ..errors import CscpError
from ..periods import Period, PeriodError, parse_period
from . import asat
from .load import RawTable, find_file, read_table
from .registry import ERROR, WARNING, as_hits, get_rule, rules_for
from .schemas import SCHEMAS, Schema
from .table import Context, Table, build_table

__all__ = ["Returns", "ValidationReport", "ReturnsError", "load_returns", "latest_period", "period_folders",
           "validate_main", "ISSUE_COLUMNS", "RECONCILIATION_COLUMNS"]

ISSUE_COLUMNS = ["file", "row", "column", "rule_id", "severity", "message", "value"]
RECONCILIATION_COLUMNS = ["file", "table", "period", "agency", "received", "accepted", "rejected",
                          "after_period_end", "used", "blank_rows", "status"]
_PERIOD_DIR = re.compile(r"^\d{4}-\d{2}-Q[1-4]$")
_FILE_LEVEL_ERRORS = ("RET-001", "RET-002", "RET-003", "RET-010", "RET-012")
DEFAULT_DATA = PROJECT_ROOT / "data_raw" / "demo"


class ReturnsError(CscpError, FileNotFoundError):
    """The data folder or the quarter's folder does not exist: there is nothing to validate."""


# --- the report ------------------------------------------------------------------------------------


@dataclass
class ValidationReport:
    """Every problem found, one row per file, row, column and rule."""

    issues: pd.DataFrame
    period: str = ""
    reconciliation: pd.DataFrame | None = None

    @property
    def has_errors(self) -> bool:
        return bool((self.issues["severity"] == ERROR).any())

    @property
    def n_errors(self) -> int:
        return int((self.issues["severity"] == ERROR).sum())

    @property
    def n_warnings(self) -> int:
        return int((self.issues["severity"] == WARNING).sum())

    def summary(self) -> pd.DataFrame:
        """The count of problems per rule: rule_id, severity, rule, files, count."""
        if self.issues.empty:
            return pd.DataFrame(columns=["rule_id", "severity", "rule", "files", "count"])
        g = self.issues.groupby(["rule_id", "severity", "message"], sort=True)
        out = g.agg(files=("file", "nunique"), count=("file", "size")).reset_index()
        return out.rename(columns={"message": "rule"})[["rule_id", "severity", "rule", "files", "count"]]

    def lines(self, issues: pd.DataFrame | None = None) -> pd.Series:
        """Each problem as ``file:row: column: RULE-ID the rule (value seen)``."""
        df = self.issues if issues is None else issues
        if df.empty:
            return pd.Series([], dtype=object)
        row = df["row"].astype("Int64").astype("string").fillna("")
        where = df["file"].astype(str) + np.where(row != "", ":" + row, "").astype(object)
        col = df["column"].fillna("").astype(str)
        col_part = np.where(col != "", " " + col + ":", "").astype(object)
        val = df["value"].fillna("").astype(str)
        val_part = np.where(val != "", " (" + val + ")", "").astype(object)
        return pd.Series(where + ":" + col_part + " " + df["rule_id"] + " " + df["message"].str.rstrip(".")
                         + val_part, index=df.index)

    def format(self, max_per_rule: int | None = 20) -> str:
        """The report a partner can act on: problems grouped by file, then the count per rule."""
        out: list[str] = []
        head = f"Validation of the returns for {self.period}" if self.period else "Validation of the returns"
        out.append(head)
        out.append("=" * len(head))
        rec = self.reconciliation
        if rec is not None and len(rec):
            files = int((rec["status"] != "missing").sum())
            out.append(f"{files} files read: {int(rec['received'].sum()):,} rows received, "
                       f"{int(rec['accepted'].sum()):,} accepted, {int(rec['rejected'].sum()):,} rejected.")
        if self.issues.empty:
            out.append("No problems found.")
            return "\n".join(out) + "\n"
        n_files = self.issues["file"].nunique()
        out.append(f"{self.n_errors:,} error{'s' if self.n_errors != 1 else ''} and {self.n_warnings:,} "
                   f"warning{'s' if self.n_warnings != 1 else ''} in {n_files} file{'s' if n_files != 1 else ''}. "
                   "Errors reject the row (or the file) and block what is computed from it; warnings do not.")
        iss = self.issues
        shown_all = iss if max_per_rule is None else iss.groupby(["file", "rule_id"], sort=False).head(max_per_rule)
        lines = self.lines(shown_all)  # only the lines printed are built
        counts = iss.groupby(["file", "rule_id"], sort=True).size()
        per_file = iss.groupby(["file", "severity"]).size()
        shown_by = {k: g.index for k, g in shown_all.groupby(["file", "rule_id"], sort=True)}
        for file in counts.index.get_level_values(0).unique():
            ne = int(per_file.get((file, ERROR), 0))
            nw = int(per_file.get((file, WARNING), 0))
            out.append("")
            out.append(f"{file}: {ne:,} error{'s' if ne != 1 else ''}, {nw:,} warning{'s' if nw != 1 else ''}")
            for rule_id, n in counts.loc[file].items():
                idx = shown_by[(file, rule_id)]
                out.extend("  " + lines.loc[idx])
                if n > len(idx):
                    out.append(f"  ... and {n - len(idx):,} more {rule_id} in {file} "
                               "(every one is in tables/validation_report.csv)")
        out.append("")
        out.append("Count per rule")
        for r in self.summary().itertuples(index=False):
            out.append(f"  {r.rule_id}  {r.severity:<7}  {r.count:>8,}  {r.rule}")
        return "\n".join(out) + "\n"


# --- the returns -----------------------------------------------------------------------------------


@dataclass
class Returns:
    """Everything loaded for a quarter: accepted rows, the report, rejected rows and what is blocked."""

    period: Period
    data_dir: Path
    config: PartnershipConfig
    tables: dict[str, pd.DataFrame]
    report: ValidationReport
    rejected: dict[str, pd.DataFrame]
    reconciliation: pd.DataFrame
    blocked: dict[str, str]
    inputs: pd.DataFrame
    extract_date: pd.Timestamp
    fatal: str | None = None

    @property
    def partner(self) -> pd.DataFrame:
        return self.tables["partner_return"]

    @property
    def commentary(self) -> pd.DataFrame:
        return self.tables["commentary"]

    @property
    def submissions(self) -> pd.DataFrame:
        return self.tables["submissions"]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def blocked_reason(self, *, table: str | None = None, agency: str | None = None, indicator: str | None = None,
                       period: str | Period | None = None) -> str | None:
        """Why a part cannot be published, or ``None`` when it can.

        ``table`` for a table of the extract, registers or population (``"referrals"``); ``agency``
        and/or ``indicator`` for a partner's figures of ``period`` (default: the quarter being run).
        An indicator is blocked when its own rows were rejected or when its agency's whole return is.
        """
        suffix = "" if period is None or str(period) == str(self.period) else f"@{period}"
        keys = []
        if table:
            keys.append(f"table:{table}{suffix}")
        if indicator:
            keys.append(f"indicator:{indicator}{suffix}")
            spec = self.config.partner_indicators.get(indicator)
            if spec and not agency:
                agency = spec["agency"]
        if agency:
            keys.append(f"agency:{agency}{suffix}")
        for k in keys:
            if k in self.blocked:
                return self.blocked[k]
        return None

    def is_blocked(self, **kw) -> bool:
        return self.blocked_reason(**kw) is not None


# --- folders ---------------------------------------------------------------------------------------


def period_folders(data_dir: str | Path) -> list[Period]:
    """The quarters that have a folder in ``data_dir``, oldest first."""
    d = Path(data_dir)
    if not d.is_dir():
        raise ReturnsError(f"data folder {d} does not exist")
    out = []
    for p in d.iterdir():
        if p.is_dir() and _PERIOD_DIR.match(p.name):
            try:
                out.append(parse_period(p.name))
            except ValueError:
                continue
    return sorted(out)


def latest_period(data_dir: str | Path) -> Period:
    """The latest quarter with a folder in ``data_dir`` (the default quarter of every command)."""
    folders = period_folders(data_dir)
    if not folders:
        raise ReturnsError(f"no quarter folders (named like 2026-27-Q2) in {Path(data_dir)}")
    return folders[-1]


@dataclass
class QuarterFolder:
    """What ``period`` rules see of a quarter's folder."""

    period: Period
    files: dict[str, str]  # agency -> relative path of its return, for the returns present
    log: dict[str, object]  # agency -> received_date in submissions.csv (NaT when blank), accepted rows
    log_rows: dict[str, int]
    commented: set[str]
    submissions_rel: str
    commentary_rel: str


# --- the engine ------------------------------------------------------------------------------------


class _Collector:
    def __init__(self) -> None:
        self.chunks: list[pd.DataFrame] = []

    def add(self, file, row, column, rule_id, value, table="", pos=None, scope=None) -> None:
        r = get_rule(rule_id)
        n = len(file) if isinstance(file, np.ndarray) else 1
        if n == 0:
            return
        if row is not None and np.ndim(row) == 0:
            row = [row]
        self.chunks.append(pd.DataFrame({
            "file": file, "row": pd.array(row if row is not None else [None] * n, dtype="Int64"),
            "column": column, "rule_id": rule_id, "severity": r.severity, "message": r.sentence,
            "value": value, "_table": table, "_pos": pos if pos is not None else -1,
            "_scope": scope,
        }, index=range(n)))

    def frame(self) -> pd.DataFrame:
        cols = ISSUE_COLUMNS + ["_table", "_pos", "_scope"]
        if not self.chunks:
            return pd.DataFrame({c: pd.Series([], dtype=object) for c in cols}).astype({"row": "Int64", "_pos": "int64"})
        df = pd.concat(self.chunks, ignore_index=True)
        df["value"] = df["value"].astype(object).where(df["value"].notna(), "").astype(str)
        df["column"] = df["column"].fillna("").astype(str)
        return df[cols]


@dataclass
class _Source:
    """One expected file: where it is (or would be), whether it could be used, its raw table."""

    schema: Schema
    rel: str
    raw: RawTable | None
    period: str | None = None
    agency: str | None = None
    unusable: str | None = None  # why the whole file could not be used
    unusable_rule: str | None = None


def _rel(path: Path, data_dir: Path) -> str:
    return path.relative_to(data_dir).as_posix()


def _read(schema: Schema, folder: Path, stem: str, data_dir: Path, col: _Collector, *, expected_rel: str,
          period: str | None = None, agency: str | None = None, missing_rule: str | None = "RET-006",
          sheet: str | None = None) -> _Source:
    path, found = find_file(folder, stem)
    if path is None:
        if found:  # only formats we cannot read
            rel = _rel(found[0], data_dir)
            raw = read_table(found[0], rel, schema.column_names, schema.required_columns, (schema.sheet,))
            for p in raw.problems:
                col.add(rel, None, p.column, p.rule_id, p.value, schema.name)
            why = f"{rel} could not be read"
            return _Source(schema, rel, raw, period, agency, unusable=why, unusable_rule="RET-001")
        if missing_rule:
            col.add(expected_rel, None, "", missing_rule, f"no {Path(expected_rel).name} in {Path(expected_rel).parent.as_posix()}/",
                    schema.name)
        return _Source(schema, expected_rel, None, period, agency, unusable=f"{expected_rel} is missing",
                       unusable_rule=missing_rule)
    rel = _rel(path, data_dir)
    for other in found:
        if other != path:
            col.add(_rel(other, data_dir), None, "", "RET-004", f"{path.name} was read; {other.name} is ignored", schema.name)
    sheets = ((sheet,) if sheet else ()) + (schema.sheet, stem)  # the configured sheet, else the template's
    raw = read_table(path, rel, schema.column_names, schema.required_columns, sheets)
    src = _Source(schema, rel, raw, period, agency)
    for p in raw.problems:
        if p.rule_id == "RET-003" and schema.name == "commentary":
            continue
        col.add(rel, None, p.column, p.rule_id, p.value, schema.name)
        if p.rule_id in _FILE_LEVEL_ERRORS and src.unusable is None:
            r = get_rule(p.rule_id)
            what = f"{p.column}: " if p.column else ""
            src.unusable = f"{rel} could not be used: {what}{p.rule_id} {r.sentence.rstrip('.')} ({p.value})"
            src.unusable_rule = p.rule_id
    if not raw.readable and src.unusable is None:
        src.unusable, src.unusable_rule = f"{rel} could not be read", "RET-001"
    return src


def _run_row_rules(t: Table, ctx: Context, col: _Collector) -> tuple[np.ndarray, np.ndarray]:
    """Run every row rule of ``t``'s schema; return the mask of rows rejected and the first error rule of each."""
    rejected = np.zeros(len(t), dtype=bool)
    first = np.full(len(t), "", dtype=object)
    if not len(t):
        return rejected, first
    for r in rules_for(t.name, "row"):
        try:
            hits = as_hits(r.func(t, ctx), r, len(t))
        except Exception as exc:  # a rule that fails must not lose the run; it is reported as such
            raise RuntimeError(f"validation rule {r.id} failed on {t.name}: {type(exc).__name__}: {exc}") from exc
        for h in hits:
            if h.pos is None:
                files = [t.files[h.file]] if h.file is not None else t.files
                for f in files:
                    col.add(f.rel, None, h.column, r.id, h.values if h.values is not None else "", t.name)
                continue
            pos = np.asarray(h.pos, dtype=np.int64)
            if not len(pos):
                continue
            if h.values is None:
                values = t.text[h.column].to_numpy(dtype=object)[pos] if h.column in t.text else ""
            else:
                values = h.values
            col.add(t.file_of(pos), t.rows[pos], h.column, r.id, values, t.name, pos)
            if r.severity == ERROR:
                fresh = pos[~rejected[pos]]
                first[fresh] = r.id
                rejected[pos] = True
    return rejected, first


def _reasons(issues: pd.DataFrame, table: str) -> pd.DataFrame:
    """For each rejected position of ``table``: rule ids and reasons, joined when several."""
    e = issues[(issues["_table"] == table) & (issues["severity"] == ERROR) & (issues["_pos"] >= 0)]
    if e.empty:
        return pd.DataFrame({"_pos": pd.Series([], dtype="int64"), "rule_id": pd.Series([], dtype=object),
                             "reason": pd.Series([], dtype=object)})
    col = e["column"].where(e["column"] == "", e["column"] + ": ")
    val = e["value"].where(e["value"] == "", " (" + e["value"] + ")")
    reason = col + e["rule_id"] + " " + e["message"].str.rstrip(".") + val
    df = pd.DataFrame({"_pos": e["_pos"].to_numpy(), "rule_id": e["rule_id"].to_numpy(), "reason": reason.to_numpy()})
    df = df.sort_values(["_pos", "rule_id"], kind="stable")
    multi = df["_pos"].duplicated(keep=False).to_numpy()
    single = df[~multi]
    if multi.any():
        joined = df[multi].groupby("_pos", sort=True).agg(rule_id=("rule_id", lambda s: ";".join(dict.fromkeys(s))),
                                                           reason=("reason", "; ".join)).reset_index()
        single = pd.concat([single, joined], ignore_index=True).sort_values("_pos")
    return single.reset_index(drop=True)


def _rejected_rows(src_files: list[RawTable], t: Table | None, reasons: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per file: the rejected rows as received (``row`` first), with ``rule_id`` and ``reason``."""
    out: dict[str, pd.DataFrame] = {}
    if t is None or reasons.empty:
        return out
    pos = reasons["_pos"].to_numpy()
    fidx = t.file_idx[pos]
    fpos = t.file_pos[pos]
    for k in np.unique(fidx):
        m = fidx == k
        raw = t.files[k]
        rows = raw.cells.iloc[fpos[m]].reset_index(drop=True)
        df = pd.concat([pd.DataFrame({"row": raw.rows[fpos[m]]}), rows,
                        reasons.loc[m, ["rule_id", "reason"]].reset_index(drop=True)], axis=1)
        out[raw.rel] = df
    return out


def _whole_file_rejected(src: _Source) -> pd.DataFrame | None:
    raw = src.raw
    if raw is None or raw.cells is None or not len(raw.cells):
        return None
    df = pd.concat([pd.DataFrame({"row": raw.rows}), raw.cells.reset_index(drop=True)], axis=1)
    df["rule_id"] = src.unusable_rule or "RET-001"
    df["reason"] = src.unusable
    return df


def _public(df: pd.DataFrame) -> pd.DataFrame:
    """Accepted rows as other modules see them: a fresh 0..n-1 index, ``_row`` (and ``_file``) last."""
    return df.reset_index(drop=True)


def load_returns(data_dir: str | Path, period: str | Period, config: PartnershipConfig | None = None) -> Returns:
    """Load and validate everything needed to analyse ``period`` (see the module docstring)."""
    data_dir = Path(data_dir)
    config = config or load_partnership()
    folders = period_folders(data_dir)
    period = parse_period(period)
    if period not in folders:
        avail = ", ".join(str(p) for p in folders) or "none"
        raise ReturnsError(f"there is no folder {period} in {data_dir} (quarters with a folder: {avail})")
    latest = folders[-1]
    extract_date = pd.Timestamp(latest.end)
    ctx = Context(period=period, config=config, extract_date=extract_date)
    col = _Collector()
    sources: list[_Source] = []
    tables: dict[str, Table] = {}
    rejected_mask: dict[str, np.ndarray] = {}

    # statutory files in csc/ (CIN census, SSDA903, Annex A) are imported into a private temporary data folder
    # first, and the extract is read from there (cscp_analysis.statutory.loader)
    from ..statutory.loader import stage

    staged = stage(data_dir)
    for rel, what in staged.problems:
        col.add(rel, None, "", "RET-001", what, "")

    # 1. the cumulative files, in schema order (parents before children)
    for schema in SCHEMAS.values():
        if schema.scope == "period":
            continue
        folder, name = schema.file.rsplit("/", 1)
        base = staged.base(schema, data_dir)
        src = _read(schema, base / folder, Path(name).stem, base, col, expected_rel=schema.file)
        sources.append(src)
        usable = [src.raw] if src.unusable is None and src.raw is not None else []
        t = build_table(schema, usable)
        tables[schema.name] = t
        if src.unusable:
            ctx.unusable[schema.name] = src.unusable
        rej, first = _run_row_rules(t, ctx, col)
        rejected_mask[schema.name] = rej
        ctx.accepted[schema.name] = t.data[~rej]
        if rej.any() and schema.key:
            # where a parent row was rejected: shown to the partner on its children's rows (RET-041)
            r = t.data.loc[rej, list(schema.key) + ["_row"]].copy()
            r["_where"] = src.rel.rsplit("/", 1)[-1] + ":" + r["_row"].astype(str) + " " + first[rej].astype(str)
            ctx.rejected[schema.name] = r
        ctx.tables[schema.name] = t

    staged.cleanup()

    # 2. the quarters' folders up to the one being run
    quarters = [p for p in folders if p <= period]
    period_sources: dict[str, list[_Source]] = {"partner_return": [], "commentary": [], "submissions": []}
    expected_names = {Path(s.file).name.lower() for s in config.returns.values()} | {"commentary.csv", "submissions.csv"}
    for q in quarters:
        qdir = data_dir / str(q)
        for agency, spec in config.returns.items():
            stem = Path(spec.file).stem
            sheet = ((config.raw.get("returns") or {}).get("agencies") or {}).get(agency, {}).get("sheet")
            src = _read(SCHEMAS["partner_return"], qdir, stem, data_dir, col, expected_rel=f"{q}/{spec.file}",
                        period=str(q), agency=agency, missing_rule=None, sheet=sheet)
            period_sources["partner_return"].append(src)
        for name in ("commentary", "submissions"):
            src = _read(SCHEMAS[name], qdir, name, data_dir, col, expected_rel=f"{q}/{name}.csv", period=str(q))
            period_sources[name].append(src)
        expected_stems = {Path(n).stem for n in expected_names}
        for f in sorted(qdir.iterdir()):
            if f.is_file() and not f.name.startswith(".") and f.stem.lower() not in expected_stems:
                col.add(f"{q}/{f.name}", None, "", "RET-005", "not a return the partnership expects: ignored", "")
    for name, srcs in period_sources.items():
        schema = SCHEMAS[name]
        usable = [s for s in srcs if s.unusable is None and s.raw is not None]
        t = build_table(schema, [s.raw for s in usable], [s.period for s in usable],
                        [s.agency for s in usable] if name == "partner_return" else None)
        tables[name] = t
        rej, _ = _run_row_rules(t, ctx, col)
        rejected_mask[name] = rej
        ctx.accepted[name] = t.data[~rej]
        ctx.tables[name] = t
        sources.extend(srcs)

    # 3. each quarter's folder as a whole
    subs = tables["submissions"]
    com = tables["commentary"]
    for q in quarters:
        qs = str(q)
        files = {s.agency: s.rel for s in period_sources["partner_return"] if s.period == qs and s.raw is not None}
        sub_ok = ~rejected_mask["submissions"]
        m = (subs.folder == qs) & sub_ok if len(subs) else np.zeros(0, dtype=bool)
        log = dict(zip(subs.data.loc[m, "agency"], subs.data.loc[m, "received_date"], strict=False)) if len(subs) else {}
        log_rows = dict(zip(subs.data.loc[m, "agency"], subs.data.loc[m, "_row"], strict=False)) if len(subs) else {}
        cm = (com.folder == qs) & ~rejected_mask["commentary"] if len(com) else np.zeros(0, dtype=bool)
        commented = set(com.data.loc[cm, "agency"].dropna()) if len(com) else set()
        folder = QuarterFolder(q, files, log, {k: int(v) for k, v in log_rows.items()}, commented,
                               f"{qs}/submissions.csv", f"{qs}/commentary.csv")
        for r in rules_for("partner_return", "period") + rules_for("submissions", "period") + rules_for("commentary", "period"):
            for f in r.func(folder, ctx) or []:
                col.add(f.file, f.row, f.column, r.id, f.value, "_period", scope=f"{f.agency}@{f.period}")

    issues = col.frame()

    # 4. rejected rows, accepted rows, reconciliation
    rejected: dict[str, pd.DataFrame] = {}
    accepted_full: dict[str, pd.DataFrame] = {}
    for name, t in tables.items():
        if rejected_mask[name].any():
            rejected.update(_rejected_rows(t.files, t, _reasons(issues, name)))
        acc = t.data[~rejected_mask[name]]
        if SCHEMAS[name].scope == "period":
            acc = acc.copy()
            rels = np.array([f.rel for f in t.files] or [""], dtype=object)
            acc["_file"] = pd.Categorical(rels[t.file_idx[~rejected_mask[name]]]) if len(t.files) else pd.Categorical([])
        accepted_full[name] = acc
    for s in sources:
        if s.unusable and s.raw is not None:
            whole = _whole_file_rejected(s)
            if whole is not None:
                rejected[s.rel] = whole

    cut, left_out = asat.as_at_all({n: accepted_full[n] for n in accepted_full
                                    if SCHEMAS[n].scope in ("extract", "register")}, period)
    final: dict[str, pd.DataFrame] = {}
    for name, df in accepted_full.items():
        final[name] = _public(cut.get(name, df))

    reconciliation = _reconcile(sources, tables, rejected_mask, left_out)
    blocked = _blocked(sources, tables, rejected_mask, issues, period, config)
    inputs = pd.DataFrame(
        [{"path": s.rel, "sha256": s.raw.sha256, "bytes": s.raw.bytes} for s in sources
         if s.raw is not None and s.raw.sha256],
        columns=["path", "sha256", "bytes"]).drop_duplicates("path").sort_values("path").reset_index(drop=True)
    inputs = staged.inputs(inputs, data_dir)
    public_issues = issues.sort_values(["file", "row", "rule_id", "column"], na_position="first", kind="stable")
    report = ValidationReport(public_issues[ISSUE_COLUMNS].reset_index(drop=True), str(period), reconciliation)
    out = Returns(period=period, data_dir=data_dir, config=config, tables=final, report=report,
                  rejected=dict(sorted(rejected.items())), reconciliation=reconciliation, blocked=blocked,
                  inputs=inputs, extract_date=extract_date)
    out.statutory_gaps = staged.gaps  # what the statutory sources could not supply (statutory.missing_fields)
    return out


def _reconcile(sources: list[_Source], tables: dict[str, Table], rejected_mask: dict[str, np.ndarray],
               left_out: dict[str, np.ndarray]) -> pd.DataFrame:
    rows = []
    for s in sources:
        name = s.schema.name
        base = {"file": s.rel, "table": name, "period": s.period or "", "agency": s.agency or (s.schema.owner or "")}
        if s.raw is None:
            rows.append({**base, "received": 0, "accepted": 0, "rejected": 0, "after_period_end": 0, "used": 0,
                         "blank_rows": 0, "status": "missing"})
            continue
        received = len(s.raw.cells) if s.raw.cells is not None else 0
        if s.unusable:
            rows.append({**base, "received": received, "accepted": 0, "rejected": received, "after_period_end": 0,
                         "used": 0, "blank_rows": s.raw.blank_rows, "status": "file rejected"})
            continue
        t = tables[name]
        k = next(i for i, f in enumerate(t.files) if f is s.raw)
        in_file = t.file_idx == k
        rej = int(rejected_mask[name][in_file].sum())
        acc = received - rej
        after = 0
        if name in left_out:
            acc_mask = ~rejected_mask[name]
            left = np.zeros(len(t), dtype=bool)
            left[np.flatnonzero(acc_mask)] = left_out[name]
            after = int(left[in_file].sum())
        rows.append({**base, "received": received, "accepted": acc, "rejected": rej, "after_period_end": after,
                     "used": acc - after, "blank_rows": s.raw.blank_rows,
                     "status": "rows rejected" if rej else "ok"})
    df = pd.DataFrame(rows, columns=RECONCILIATION_COLUMNS)
    return df.sort_values(["file"], kind="stable").reset_index(drop=True)


def _blocked(sources: list[_Source], tables: dict[str, Table], rejected_mask: dict[str, np.ndarray],
             issues: pd.DataFrame, period: Period, config: PartnershipConfig) -> dict[str, str]:
    out: dict[str, str] = {}
    run = str(period)

    def key(kind: str, what: str, q: str | None) -> str:
        return f"{kind}:{what}" if not q or q == run else f"{kind}:{what}@{q}"

    def summary(sub: pd.DataFrame) -> str:
        counts = sub.groupby("rule_id").size()
        return ", ".join(f"{r} x{n:,}" if n > 1 else r for r, n in counts.items())

    errors = issues[issues["severity"] == ERROR]
    for s in sources:
        name = s.schema.name
        if s.unusable:
            if name == "partner_return":
                if s.raw is not None:  # a missing return is set below from SUB-001/SUB-002
                    out[key("agency", s.agency, s.period)] = s.unusable
            elif s.schema.scope == "period":
                out[key("table", name, s.period)] = s.unusable
            else:
                out[key("table", name, None)] = s.unusable
    for name, t in tables.items():
        rej = rejected_mask[name]
        if not rej.any():
            continue
        schema = SCHEMAS[name]
        e = errors[(errors["_table"] == name) & (errors["_pos"] >= 0)]
        if schema.scope != "period":
            # rows known to start after the period end do not count: nothing as at the period end uses them
            counting = rej.copy()
            if schema.starts:
                later = (t.data[schema.starts] > pd.Timestamp(period.end)).fillna(False).to_numpy(dtype=bool)
                counting &= ~later
            if counting.any():
                sub = e[e["_pos"].isin(np.flatnonzero(counting))]
                n = int(counting.sum())
                out.setdefault(key("table", name, None),
                               f"{n:,} row{'s' if n != 1 else ''} of {t.files[0].rel} rejected ({summary(sub)})")
            continue
        pos = np.flatnonzero(rej)
        d = t.data.iloc[pos]
        by_pos = e.groupby("_pos")["rule_id"].agg(lambda s: summary(s.to_frame()))
        folder = t.folder[pos]
        files = t.file_of(pos)
        if name == "partner_return":
            owner = t.owner[pos]
            spec = config.partner_indicators
            ind = d["indicator"].to_numpy(dtype=object)
            for q, a, i, f, p in zip(folder, owner, ind, files, pos, strict=False):  # rejected rows only
                if isinstance(i, str) and spec.get(i, {}).get("agency") == a:
                    k = key("indicator", i, q)
                else:
                    k = key("agency", a, q)
                prev = out.get(k)
                text = f"{f}:{t.rows[p]} rejected ({by_pos.get(p, '')})"
                out[k] = text if prev is None else (prev if prev.count(";") >= 4 else prev + "; " + text)
        else:
            ag = d["agency"].to_numpy(dtype=object)
            kind = "commentary" if name == "commentary" else "submissions"
            for q, a, f, p in zip(folder, ag, files, pos, strict=False):
                k = key(kind, a if isinstance(a, str) else "(blank agency)", q)
                out.setdefault(k, f"{f}:{t.rows[p]} rejected ({by_pos.get(p, '')})")
    # returns not received
    missing = issues[issues["rule_id"].isin(["SUB-001", "SUB-002"])]
    for scope, value in zip(missing["_scope"], missing["value"], strict=False):
        agency, _, q = str(scope).partition("@")
        if agency:
            out.setdefault(key("agency", agency, q), f"no return: {value}")
    return dict(sorted(out.items()))


# --- the command -----------------------------------------------------------------------------------


def validate_main(period: str | Period | None = None, data_dir: str | Path | None = None,
                  config: PartnershipConfig | None = None, out=None) -> int:
    """``cscp validate``: print the grouped report; 0 when no error was found (warnings alone), 1 otherwise."""
    out = out or sys.stdout
    data_dir = Path(data_dir) if data_dir else DEFAULT_DATA
    try:
        per = parse_period(period) if period else latest_period(data_dir)
        returns = load_returns(data_dir, per, config)
    except (ReturnsError, PeriodError) as exc:
        print(f"cscp validate: {exc}", file=out)
        return 1
    out.write(returns.report.format())
    return 1 if returns.report.has_errors else 0
