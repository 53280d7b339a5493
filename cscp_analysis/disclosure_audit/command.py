"""``cscp audit-disclosure PACK``: the intruder audit of a pack on disk.

Exit 0 when no suppressed figure can be narrowed too far and the published figures are consistent;
1 otherwise, or when the pack or a declaration cannot be read (the message says which file, row and
column). Wire it into the command line with :func:`add_parser`.
"""

from __future__ import annotations

import sys

from .keys import AuditError
from .pack import audit_pack
from .protection import DEFAULT_PROTECTION

__all__ = ["main_audit", "add_parser"]


def main_audit(pack_dir, protection: int = DEFAULT_PROTECTION, out=None, strict: bool = False) -> int:
    """Audit the pack in ``pack_dir``, print the findings, and return the exit code (0 nothing pinned, 1 otherwise)."""
    out = out or sys.stdout
    try:
        report = audit_pack(pack_dir, protection=protection, strict=strict)
    except (AuditError, ValueError, OSError) as exc:
        print(f"cscp: {exc}", file=sys.stderr)
        return 1
    print(report.format(), file=out)
    return 0 if report.ok else 1


def add_parser(subparsers) -> None:
    """Add ``audit-disclosure PACK [--protection N]`` to the ``cscp`` command's subparsers."""
    p = subparsers.add_parser("audit-disclosure",
                              help="the intruder audit: can any suppressed figure of a pack be worked out from "
                                   "everything published? exit 1 if so")
    p.add_argument("pack", help="the pack folder, e.g. outputs/2026-27-Q2")
    p.add_argument("--protection", type=int, default=DEFAULT_PROTECTION,
                   help=f"how far either side a suppressed count must stay uncertain (default {DEFAULT_PROTECTION})")
    p.add_argument("--strict", action="store_true",
                   help="a count shown as [c] must keep every value from 1 to the threshold possible")
    p.set_defaults(func=lambda a: main_audit(a.pack, protection=a.protection, strict=a.strict))
