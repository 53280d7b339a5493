"""The intruder audit: can any suppressed figure be worked out from everything a pack publishes?

Each published table declares what its count cells are (a *quantity key* per cell, so that the same
quantity printed in two tables is one unknown) and how they relate (totals, "at most", equalities,
percentages with their rounding). The audit gathers every published cell of the pack and, for each
suppressed one, computes the smallest and largest value consistent with all of it by linear
programming (SciPy's HiGHS): the check τ-ARGUS and sdcTable call *auditing*. A suppressed cell that
can be narrowed to within the protection distance (5 by default) fails, naming the tables that pin
it. See ``docs/disclosure.md``, "The intruder audit".

Modules: :mod:`.symbols` (what each symbol reveals), :mod:`.keys` (quantity keys), :mod:`.declare`
(declarations), :mod:`.model` (facts from tables), :mod:`.bounds` (the LP), :mod:`.protection` (the
rule), :mod:`.report`, :mod:`.pack` (auditing tables or a pack), :mod:`.command` (``cscp
audit-disclosure``).
"""

from .bounds import solve_bounds
from .command import add_parser, main_audit
from .declare import AtMost, Cells, Declaration, Equal, Ratio, SumAcross, SumOver
from .keys import AuditError
from .model import Source, build_facts, declare
from .pack import (
    DECLARATIONS_FILE,
    Declared,
    audit_pack,
    audit_tables,
    read_declared,
    read_pack,
    save_declarations,
    truth_from,
    truth_of,
)
from .protection import DEFAULT_PROTECTION, check_protection
from .report import AuditReport, Finding
from .symbols import LOW, NOT_APPLICABLE, NOT_AVAILABLE, PRIMARY, SECONDARY

__all__ = [
    "AtMost", "AuditError", "AuditReport", "Cells", "DEFAULT_PROTECTION", "Declaration", "Equal", "Finding", "LOW",
    "NOT_APPLICABLE", "NOT_AVAILABLE", "PRIMARY", "Ratio", "SECONDARY", "Source", "SumAcross", "SumOver", "add_parser",
    "audit_pack", "audit_tables", "build_facts", "check_protection", "declare", "main_audit", "read_pack",
    "solve_bounds", "truth_from", "truth_of", "read_declared", "Declared", "save_declarations", "DECLARATIONS_FILE",
]
