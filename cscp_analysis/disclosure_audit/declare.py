"""How a published table tells the intruder audit what its cells are and how they add up.

A :class:`Declaration` is a small data structure (dataclasses, serialisable to JSON for the pack's
catalogue) saying, for one published table:

* :class:`Cells`: which columns hold counts, and the *key* of the quantity each cell is (a template
  filled in from the row, see :mod:`.keys`). The same quantity printed in two tables has the same key.
* the relations between quantities that any reader knows hold:

  - :class:`SumOver`: rows that add up to a total (groups of a characteristic to the stage total,
    quarters to a rolling year, detailed groups to a major group). The total is either a row of the
    same table (``total="All children"``) or a quantity named by a key template (``total_key``),
    printed in another table or nowhere;
  - :class:`SumAcross`: within each row, columns that add up (refused + not obtained = not known);
  - :class:`AtMost`: one quantity is at most another (a decision point's numerator is at most the
    next stage's count and at most the previous stage's);
  - :class:`Equal`: two quantities are the same (every child protection plan in the window followed
    an initial conference in it, so those going on from conference to plan are the children on a plan);
  - :class:`Ratio`: a published percentage or rate and its rounding bound its numerator and
    denominator: with the published value r to d decimals and h = 0.5 × 10^-d,
    (r − h) × denominator ≤ scale × numerator ≤ (r + h) × denominator.

A term of a relation is either a count column declared in ``cells`` (the quantity of that column in
the same row) or a key template (it contains ``|``), filled in from the row.

Example, the decision-point table::

    declare(table, "disproportionality_decision_points",
            cells=[Cells("children_at_previous_stage",
                         "children | stage={decision:before →} | characteristic={characteristic} | "
                         "group={group} | window={window}"),
                   Cells("children_going_on",
                         "children going on | decision={decision} | characteristic={characteristic} | "
                         "group={group} | window={window}")],
            at_most=[AtMost("children_going_on", "children_at_previous_stage"),
                     AtMost("children_going_on", "children | stage={decision:after →} | "
                            "characteristic={characteristic} | group={group} | window={window}")],
            ratios=[Ratio("percent_going_on", "children_going_on", "children_at_previous_stage", decimals=1)])
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

import pandas as pd

from .keys import AuditError, is_template, parse

__all__ = ["Cells", "SumOver", "SumAcross", "AtMost", "Equal", "Ratio", "Declaration", "FORMAT_VERSION"]

FORMAT_VERSION = 1
Where = dict[str, list[str]]


@dataclass
class Cells:
    """A column of counts. ``key``: the template of each cell's quantity key. ``label``: a template
    of how a reader would name the quantity ("{group} at the {stage} stage, {window}"; the key when
    empty). ``rounded_to``: the base the counts are rounded to (10 for national figures), if any.
    ``where``: only rows whose columns hold one of the listed values (``{"characteristic": ["sex"]}``)."""

    column: str
    key: str
    label: str = ""
    rounded_to: int | None = None
    where: Where | None = None


@dataclass
class SumOver:
    """The rows of ``column`` add up, over the values of column ``over``, to a total: the row whose
    ``over`` is ``total``, or the quantity ``total_key`` (a template filled in from each part's row;
    parts with the same total key add up to it). Every part of each total must be in the table."""

    column: str
    over: str
    total: str | None = None
    total_key: str | None = None
    where: Where | None = None


@dataclass
class SumAcross:
    """In each row, the ``parts`` add up to ``total`` (each a count column of ``cells`` or a key template)."""

    parts: list[str]
    total: str
    where: Where | None = None


@dataclass
class AtMost:
    """In each row, ``smaller`` is at most ``larger`` (each a count column of ``cells`` or a key template)."""

    smaller: str
    larger: str
    where: Where | None = None


@dataclass
class Equal:
    """In each row, ``left`` equals ``right`` (each a count column of ``cells`` or a key template)."""

    left: str
    right: str
    where: Where | None = None


@dataclass
class Ratio:
    """Column ``column`` shows scale × numerator / denominator rounded to ``decimals`` places (a
    percentage: ``scale=100``; a rate per 10,000: ``scale=10_000``). Symbols in it tell nothing,
    except ``[low]``/``low``: above zero but below half a unit of the last place."""

    column: str
    numerator: str
    denominator: str
    decimals: int = 1
    scale: float = 100.0
    where: Where | None = None


_RELATIONS = {"SumOver": SumOver, "SumAcross": SumAcross, "AtMost": AtMost, "Equal": Equal, "Ratio": Ratio}


@dataclass
class Declaration:
    """Everything the audit needs to know about one published table (or a set of quoted figures).

    ``threshold``: counts from 1 to it are primary-suppressed (``None``: the table's threshold in the
    pack's catalogue, else 5). ``rows``: the published cells themselves, for figures quoted in text
    (alt text, narrative) that have no CSV of their own; ``None`` for a table, whose CSV is read.

    ``truth``: the true (unsuppressed) count of each declared count column, row by row (``None`` where
    not known), and ``truth_keys``: true values of quantities no table prints (a total that is never
    published), by key. They let the run's audit apply the full protection rule and check every
    relation and symbol against the true figures. They belong in the run's private catalogue only:
    :meth:`public` drops them, and the pack's published copy of the declarations never has them.
    """

    name: str
    cells: list[Cells]
    sums: list[SumOver | SumAcross] = field(default_factory=list)
    at_most: list[AtMost] = field(default_factory=list)
    equal: list[Equal] = field(default_factory=list)
    ratios: list[Ratio] = field(default_factory=list)
    threshold: int | None = None
    title: str = ""
    rows: list[dict] | None = None
    truth: dict[str, list] | None = None
    truth_keys: dict[str, float] | None = None

    @property
    def relations(self) -> list:
        return [*self.sums, *self.at_most, *self.equal, *self.ratios]

    def cells_by_column(self) -> dict[str, Cells]:
        return {c.column: c for c in self.cells}

    # --- JSON ------------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """A JSON-ready dict (what the pack's catalogue stores as ``extra["audit"]``)."""
        def strip(obj) -> dict:
            return {k: v for k, v in asdict(obj).items() if v is not None and v != ""}

        out = {"format": FORMAT_VERSION, "name": self.name, "cells": [strip(c) for c in self.cells]}
        for group in ("sums", "at_most", "equal", "ratios"):
            items = getattr(self, group)
            if items:
                out[group] = [{"type": type(r).__name__, **strip(r)} for r in items]
        if self.threshold is not None:
            out["threshold"] = self.threshold
        if self.title:
            out["title"] = self.title
        if self.rows is not None:
            out["rows"] = self.rows
        if self.truth:
            out["truth"] = {c: [None if v is None or v != v else float(v) for v in values]
                            for c, values in self.truth.items()}
        if self.truth_keys:
            out["truth_keys"] = {k: float(v) for k, v in self.truth_keys.items()}
        return out

    def public(self) -> Declaration:
        """The declaration without the true figures (what a published pack may keep)."""
        from dataclasses import replace

        return replace(self, truth=None, truth_keys=None)

    @classmethod
    def from_dict(cls, data: dict, where: str = "declaration") -> Declaration:
        """Read a declaration written by :meth:`to_dict`; a malformed one raises :class:`AuditError`."""
        if not isinstance(data, dict):
            raise AuditError(f"{where}: an audit declaration must be a JSON object, not {type(data).__name__}")
        if data.get("format", FORMAT_VERSION) != FORMAT_VERSION:
            raise AuditError(f"{where}: audit declaration format {data.get('format')!r} is not {FORMAT_VERSION}")
        unknown = set(data) - {"format", "name", "cells", "sums", "at_most", "equal", "ratios", "threshold", "title",
                               "rows", "truth", "truth_keys"}
        if unknown:
            raise AuditError(f"{where}: unknown field(s) in the audit declaration: {', '.join(sorted(unknown))}")
        if "name" not in data or "cells" not in data:
            raise AuditError(f"{where}: an audit declaration needs 'name' and 'cells'")
        cells = [_build(Cells, c, f"{where}: cells") for c in data["cells"]]
        groups = {}
        for group in ("sums", "at_most", "equal", "ratios"):
            items = []
            for item in data.get(group, []):
                kind = _RELATIONS.get(item.get("type")) if isinstance(item, dict) else None
                if kind is None:
                    raise AuditError(f"{where}: {group}: {item!r} needs a 'type', one of {', '.join(_RELATIONS)}")
                items.append(_build(kind, {k: v for k, v in item.items() if k != "type"}, f"{where}: {group}"))
            groups[group] = items
        truth, truth_keys = data.get("truth"), data.get("truth_keys")
        if truth is not None and (not isinstance(truth, dict) or
                                  not all(isinstance(v, list) for v in truth.values())):
            raise AuditError(f"{where}: 'truth' must map count columns to lists of values")
        if truth_keys is not None and not isinstance(truth_keys, dict):
            raise AuditError(f"{where}: 'truth_keys' must map keys to values")
        return cls(name=data["name"], cells=cells, threshold=data.get("threshold"), title=data.get("title", ""),
                   rows=data.get("rows"), truth=truth, truth_keys=truth_keys, **groups)


def _build(kind, values, where: str):
    if not isinstance(values, dict):
        raise AuditError(f"{where}: {values!r} must be an object")
    names = {f.name for f in fields(kind)}
    unknown = set(values) - names
    if unknown:
        raise AuditError(f"{where}: {kind.__name__} has no field(s) {', '.join(sorted(unknown))}")
    try:
        return kind(**values)
    except TypeError as exc:
        raise AuditError(f"{where}: {kind.__name__}: {exc}") from None



def check(decl: Declaration, table: pd.DataFrame, where: str | None = None) -> None:
    """Raise :class:`AuditError` if ``decl`` does not fit ``table`` (columns, templates, terms)."""
    where = where or decl.name
    if decl.threshold is not None and (isinstance(decl.threshold, bool) or not isinstance(decl.threshold, int)
                                       or decl.threshold < 1):
        raise AuditError(f"{where}: threshold must be a whole number of at least 1, not {decl.threshold!r}")
    if not decl.cells and not decl.relations:
        raise AuditError(f"{where}: declare at least one column of counts (cells) or one relation")
    columns = set(map(str, table.columns))
    seen = set()
    for c in decl.cells:
        if c.column in seen:
            raise AuditError(f"{where}: column {c.column!r} is declared twice in cells")
        seen.add(c.column)
        _column(c.column, columns, where, "cells")
        parse(c.key)
        _where(c.where, columns, where)
        if c.rounded_to is not None and (isinstance(c.rounded_to, bool) or not isinstance(c.rounded_to, int)
                                         or c.rounded_to < 2):
            raise AuditError(f"{where}: cells {c.column!r}: rounded_to must be a whole number of at least 2")
    for col, values in (decl.truth or {}).items():
        if col not in seen:
            raise AuditError(f"{where}: true values are given for {col!r}, which is not a declared count column")
        if len(values) != len(table):
            raise AuditError(f"{where}: {len(values)} true values for column {col!r}, but the table has {len(table)} rows")
    for rel in decl.relations:
        kind = type(rel).__name__
        _where(rel.where, columns, where)
        if isinstance(rel, SumOver):
            if rel.column not in seen:
                raise AuditError(f"{where}: SumOver column {rel.column!r} is not one of the declared count columns")
            _column(rel.over, columns, where, "SumOver over")
            if (rel.total is None) == (rel.total_key is None):
                raise AuditError(f"{where}: SumOver over {rel.over!r}: give either total (the value of {rel.over!r} "
                                 "in the total row) or total_key (a key template), not both or neither")
            if rel.total_key is not None:
                parse(rel.total_key)
            if rel.total is not None and ("|" in str(rel.total) or not str(rel.total).strip()):
                raise AuditError(f"{where}: SumOver total {rel.total!r} must be a value of {rel.over!r}, without '|'")
        elif isinstance(rel, Ratio):
            _column(rel.column, columns, where, "Ratio")
            for term in (rel.numerator, rel.denominator):
                _term(term, seen, where, kind)
            if isinstance(rel.decimals, bool) or not isinstance(rel.decimals, int) or rel.decimals < 0:
                raise AuditError(f"{where}: Ratio {rel.column!r}: decimals must be a whole number, 0 or more")
            if not rel.scale or rel.scale <= 0:
                raise AuditError(f"{where}: Ratio {rel.column!r}: scale must be positive")
        else:
            terms = (list(rel.parts) + [rel.total] if isinstance(rel, SumAcross)
                     else [rel.smaller, rel.larger] if isinstance(rel, AtMost) else [rel.left, rel.right])
            if isinstance(rel, SumAcross) and not rel.parts:
                raise AuditError(f"{where}: SumAcross needs at least one part")
            for term in terms:
                _term(term, seen, where, kind)


def _column(col, columns, where, what):
    if col not in columns:
        raise AuditError(f"{where}: {what}: column {col!r} is not in the table (columns: {', '.join(sorted(columns))})")


def _where(spec, columns, where):
    if spec is None:
        return
    if not isinstance(spec, dict):
        raise AuditError(f"{where}: 'where' must map columns to lists of values, not {spec!r}")
    for col, values in spec.items():
        _column(col, columns, where, "where")
        if isinstance(values, str) or not isinstance(values, (list, tuple)):
            raise AuditError(f"{where}: where {col!r} must be a list of values, not {values!r}")


def _term(term, cells_columns, where, kind):
    if not isinstance(term, str):
        raise AuditError(f"{where}: {kind}: {term!r} must be a count column or a key template")
    if term in cells_columns:
        return
    if not is_template(term):
        raise AuditError(f"{where}: {kind}: {term!r} is neither a count column declared in cells nor a key template "
                         "('quantity | name=value | ...')")
    parse(term)
