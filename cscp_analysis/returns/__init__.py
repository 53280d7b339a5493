"""Partners' returns: schemas, loading CSV and Excel, validation, quarantine and reconciliation.

The one module that reads the partnership's data (docs/architecture.md §2). Everything else receives a
:class:`Returns`::

    from cscp_analysis.returns import load_returns
    r = load_returns("data_raw/demo", "2026-27-Q2")
    r.tables["referrals"]        # accepted rows as at the period end, typed, with _row (the partner's file row)
    r.partner                    # every partner-return row of every quarter up to 2026-27-Q2
    r.report.format()            # the grouped validation report (``cscp validate`` prints it)
    r.rejected                   # per file, the rejected rows as received with rule_id and reason
    r.reconciliation             # per file: received = accepted + rejected (accepted = used + after_period_end)
    r.blocked                    # what must not be published, and why
    r.blocked_reason(indicator="EDU_SUSPENSIONS")
    r.set_aside("children")      # n, total, reasons: rejected rows few enough to set aside (the rest is used)
    r.partner_suppressed         # breakdown rows a partner suppressed itself (c, *, <5); headline unaffected
    r.commentary_flags           # commentary that seems to give detail about individual children
    r.commentary_withheld()      # the commentary rows a public build leaves out (_file, _row, kinds)

See ``docs/data_returns.md`` for the rules, what blocks what, and the as-at rules; and
``docs/data_dictionary.md`` for every file and column.
"""

from __future__ import annotations

from .blocking import SetAside
from .quality import data_quality
from .quarantine import write_quarantine
from .registry import ERROR, WARNING, Rule, all_rules, get_rule, rule
from .schemas import SCHEMAS, Schema, schema
from .templates import write_data_dictionary, write_returns_doc, write_templates
from .validate import (
    Returns,
    ReturnsError,
    ValidationReport,
    latest_period,
    load_returns,
    period_folders,
    validate_main,
)

__all__ = [
    "load_returns",
    "Returns",
    "ReturnsError",
    "SetAside",
    "ValidationReport",
    "validate_main",
    "latest_period",
    "period_folders",
    "write_quarantine",
    "data_quality",
    "write_templates",
    "write_data_dictionary",
    "write_returns_doc",
    "rule",
    "all_rules",
    "get_rule",
    "Rule",
    "ERROR",
    "WARNING",
    "SCHEMAS",
    "Schema",
    "schema",
]
