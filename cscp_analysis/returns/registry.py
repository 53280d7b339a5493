"""The validation-rule registry: one small function per rule, registered by a decorator.

In the style of the DfE census validators (data-to-insight/csc-validator-be-cin)::

    @rule("CSC-001", table="assessments", field="assessment_start", severity=ERROR)
    def assessment_after_referral(t, ctx):
        \"\"\"An assessment starts on or after the date of the referral it belongs to.\"\"\"
        ...
        return positions_of_failing_rows

The first sentence of the docstring is the rule as a partner reads it in every message; the function
returns the rows that break it (positions in the table), vectorised, never looping over rows. It may
also return :class:`Hits` to name another column or to show a value other than the cell's text.

Severity: an **error** rejects the row (it goes to ``rejected/`` with the rule and the reason) and
blocks publication of whatever is computed from the table, agency or indicator it belongs to; a
**warning** is reported and the run goes on with the row.

Kinds: ``row`` rules look at one table; ``file`` rules are found by the loader while reading a file
(their functions only document them); ``period`` rules look at a quarter's folder as a whole (a
return that is missing, a submissions log that does not match the files).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .schemas import SCHEMAS

__all__ = ["ERROR", "WARNING", "Rule", "Hits", "Finding", "rule", "REGISTRY", "rules_for", "get_rule"]

ERROR = "error"
WARNING = "warning"
KINDS = ("file", "row", "period")


@dataclass(frozen=True)
class Rule:
    id: str
    func: Callable[..., Any]
    tables: tuple[str, ...]
    field: str
    severity: str
    sentence: str
    kind: str
    detail: str  # the rest of the docstring (shown in docs/data_returns.md)

    @property
    def blocks(self) -> bool:
        return self.severity == ERROR

    def __call__(self, *args, **kwargs):
        return self.func(*args, **kwargs)


@dataclass
class Hits:
    """Rows that break a rule: ``pos`` are positions in the table (``None``: the file as a whole)."""

    pos: np.ndarray | None
    column: str = ""
    values: Any = None  # one value per position, or one value for all; None: the cell's text
    file: int | None = None  # for file-level hits of a table read from several files: which one


@dataclass
class Finding:
    """A problem found by a ``period`` rule (a quarter's folder as a whole)."""

    file: str  # path relative to the data folder
    row: int | None = None
    column: str = ""
    value: str = ""
    period: str = ""  # the quarter it concerns
    agency: str = ""  # the agency it concerns


REGISTRY: dict[str, Rule] = {}

_SCOPES = {"*": None, "extract": "extract", "register": "register", "period": "period", "population": "population"}


def _expand(table: str | tuple[str, ...]) -> tuple[str, ...]:
    names = (table,) if isinstance(table, str) else tuple(table)
    out: list[str] = []
    for n in names:
        if n in _SCOPES:
            scope = _SCOPES[n]
            out += [s.name for s in SCHEMAS.values() if scope is None or s.scope == scope]
        elif n in SCHEMAS:
            out.append(n)
        else:
            raise ValueError(f"rule table {n!r} is neither a schema nor a scope ({', '.join(_SCOPES)})")
    return tuple(dict.fromkeys(out))


def _sentence(fn: Callable) -> tuple[str, str]:
    doc = inspect.getdoc(fn) or ""
    paras = doc.split("\n\n", 1)
    first = " ".join(paras[0].split())
    if not first:
        raise ValueError(f"rule {fn.__name__} needs a docstring: its first sentence is the rule's message")
    return first, (paras[1].strip() if len(paras) > 1 else "")


def rule(rule_id: str, table: str | tuple[str, ...] = "*", field: str = "", severity: str = ERROR,
         kind: str = "row") -> Callable[[Callable], Rule]:
    """Register a validation rule (see the module docstring)."""
    if severity not in (ERROR, WARNING):
        raise ValueError(f"rule {rule_id}: severity must be {ERROR!r} or {WARNING!r}")
    if kind not in KINDS:
        raise ValueError(f"rule {rule_id}: kind must be one of {KINDS}")

    def deco(fn: Callable) -> Rule:
        if rule_id in REGISTRY and REGISTRY[rule_id].func.__qualname__ != fn.__qualname__:
            raise ValueError(f"rule {rule_id} is registered twice ({REGISTRY[rule_id].func.__name__}, {fn.__name__})")
        sentence, detail = _sentence(fn)
        r = Rule(rule_id, fn, _expand(table), field, severity, sentence, kind, detail)
        REGISTRY[rule_id] = r
        return r

    return deco


def get_rule(rule_id: str) -> Rule:
    _load_all()
    try:
        return REGISTRY[rule_id]
    except KeyError:
        raise KeyError(f"no rule {rule_id!r}; known: {', '.join(sorted(REGISTRY))}") from None


def rules_for(table: str, kind: str = "row") -> list[Rule]:
    """The rules of ``kind`` that apply to ``table``, in identifier order."""
    _load_all()
    return [r for _, r in sorted(REGISTRY.items()) if r.kind == kind and table in r.tables]


def all_rules() -> list[Rule]:
    _load_all()
    return [r for _, r in sorted(REGISTRY.items())]


def _load_all() -> None:
    from . import rules_csc, rules_files, rules_generic, rules_partner, rules_registers  # noqa: F401


def as_hits(result: Any, rule: Rule, n: int) -> list[Hits]:
    """Whatever a rule function returned, as a list of :class:`Hits`."""
    if result is None:
        return []
    if isinstance(result, Hits):
        return [result]
    if isinstance(result, list) and all(isinstance(h, Hits) for h in result):
        return result
    arr = np.asarray(result.to_numpy() if isinstance(result, (pd.Index, pd.Series)) else result)
    if arr.dtype == bool:
        if arr.shape != (n,):
            raise ValueError(f"rule {rule.id} returned a mask of {arr.shape} for a table of {n} rows")
        arr = np.flatnonzero(arr)
    return [Hits(arr.astype(np.int64), rule.field)]
