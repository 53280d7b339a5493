"""The audit's findings: every suppressed figure with the intruder's range, and what fails.

``AuditReport.format()`` is what a person reads (the command prints it); it never prints a true
value of a suppressed cell, only what an intruder can already work out from the pack.
``to_frame()`` has one row per suppressed quantity, including the true value when the audit was
given one (for tests and the run's own log; never publish it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["AuditReport", "Finding"]


@dataclass
class Finding:
    """A problem that is not a single cell's range: published facts that contradict each other, or a
    declared relation or a symbol that the true figures break."""

    kind: str  # "contradiction" or "false fact"
    tables: list[str]
    message: str


def _number(x: float) -> str:
    if np.isnan(x):
        return "?"
    if np.isinf(x):
        return "no limit"
    return f"{x:,.0f}"


def _tables(titles: list[str]) -> str:
    quoted = [f"“{t}”" for t in titles]
    if not quoted:
        return "its own symbol"
    if len(quoted) == 1:
        return f"the table {quoted[0]}"
    return "the tables " + ", ".join(quoted[:-1]) + " and " + quoted[-1]


@dataclass
class AuditReport:
    """Result of :func:`cscp_analysis.disclosure_audit.audit_tables` / ``audit_pack``.

    ``cells``: one row per suppressed quantity, columns ``key``, ``label``, ``tables`` (where it is
    suppressed), ``symbols``, ``symbol_low``, ``symbol_high``, ``true_value`` (NaN without truth),
    ``lower``/``upper`` (the LP's bounds), ``low``/``high`` (whole numbers), ``sensitive`` (held to
    the protection interval, see :mod:`.protection`), ``protected``,
    ``reason`` and ``pinned_by`` (tables whose facts give the bounds; titles joined by "; ").
    """

    cells: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)
    not_audited: list[str] = field(default_factory=list)
    audited: list[str] = field(default_factory=list)
    protection: int = 5
    with_truth: bool = False
    stats: dict = field(default_factory=dict)
    strict: bool = False
    own_work: list[str] = field(default_factory=list)

    @property
    def failures(self) -> pd.DataFrame:
        """The suppressed cells that are not protected."""
        return self.cells[~self.cells["protected"].astype(bool)]

    @property
    def ok(self) -> bool:
        """True when every suppressed cell is protected and the published facts are consistent."""
        return self.failures.empty and not self.findings

    def to_frame(self) -> pd.DataFrame:
        """One row per suppressed quantity (a copy of :attr:`cells`)."""
        return self.cells.copy()

    def format(self, limit: int = 50) -> str:
        """The findings in plain language, failures first (at most ``limit`` of each kind)."""
        fails = self.failures
        lines = [f"Intruder audit: {len(self.cells):,} suppressed figure(s) in {len(self.audited)} table(s); "
                 f"protection {self.protection} either side "
                 f"({'true values known' if self.with_truth else 'without true values'})."]
        if self.with_truth:
            missing = int(self.cells["true_value"].isna().sum())
            if missing:
                lines.append(f"No true value was given for {missing:,} of them (check that the true tables' keys "
                             "match the published ones); those are checked as without true values.")
        if self.ok:
            lines.append("No suppressed figure can be narrowed beyond what its symbol says, and the published "
                         "figures are consistent.")
        if len(fails):
            lines.append("")
            lines.append(f"Suppressed figures an intruder can narrow too far ({len(fails):,}):")
            for row in fails.head(limit).itertuples(index=False):
                lines.append("  - " + self._sentence(row))
            if len(fails) > limit:
                lines.append(f"  … and {len(fails) - limit:,} more (see to_frame()).")
        for kind, heading in (("contradiction", "Published figures that cannot all be true"),
                              ("false fact", "Declarations or symbols that the true figures break")):
            found = [f for f in self.findings if f.kind == kind]
            if found:
                lines.append("")
                lines.append(f"{heading} ({len(found)}):")
                lines.extend(f"  - {f.message}" for f in found[:limit])
                if len(found) > limit:
                    lines.append(f"  … and {len(found) - limit} more.")
        for files, heading in ((self.own_work, "Not audited, shown as they are (the partnership's own work, for "
                                               "the board)"),
                               (self.not_audited, "Not audited (no declaration of how their cells add up)")):
            if files:
                shown = ", ".join(files[:limit]) + (f" and {len(files) - limit} more" if len(files) > limit else "")
                lines.append("")
                lines.append(f"{heading}: {shown}")
        return "\n".join(lines)

    def summary(self) -> dict:
        """The figures a run records (the manifest): tables audited, suppressed figures checked, how many an
        intruder can narrow too far, contradictions and false declarations, and the time taken."""
        return {
            "tables_audited": len(self.audited),
            "count_cells_read": int(self.stats.get("cells", 0)),
            "suppressed_figures_checked": int(len(self.cells)),
            "suppressed_figures_at_risk": int(len(self.failures)),
            "contradictions": sum(f.kind == "contradiction" for f in self.findings),
            "false_declarations": sum(f.kind == "false fact" for f in self.findings),
            "protection": int(self.protection),
            "true_values_known": bool(self.with_truth),
            "seconds": round(float(self.stats.get("seconds", 0.0)), 3),
            "tables_not_audited": len(self.not_audited),
            "own_work_tables": len(self.own_work),
        }

    def _sentence(self, row) -> str:
        what = f"{row.label} (shown as {row.symbols} in {row.tables})"
        pinned = row.pinned_by.split("; ") if row.pinned_by else []
        if row.reason == "contradiction":
            return f"{what}: the published figures around it contradict each other (see below)."
        if row.reason == "truth outside":
            return (f"{what}: its true value lies outside the range {_number(row.low)}–{_number(row.high)} that "
                    f"{_tables(pinned)} allow; a declared relation or the true values are wrong.")
        span = f"exactly {_number(row.low)}" if row.low == row.high else f"{_number(row.low)}–{_number(row.high)}"
        lo, hi = _number(row.symbol_low), _number(row.symbol_high)
        if not row.sensitive:
            need = "a suppressed figure must not be recoverable exactly"
        elif self.strict and np.isfinite(row.symbol_high) and row.symbol_high - row.symbol_low <= self.protection:
            need = f"every value from {lo} to {hi} must stay possible"
        elif np.isfinite(row.symbol_high) and row.symbol_high - row.symbol_low <= self.protection:
            need = (f"it must stay possible that it is {lo}, or that it is {hi}, whichever is not its true value"
                    if self.with_truth else f"it must stay possible that it is {lo} or that it is {hi}")
        elif self.with_truth:
            need = f"the range must reach {self.protection} beyond the true value on one side, or {lo}"
        else:
            need = f"the range must be at least {self.protection} wide, or reach {lo}"
        return f"{what}: an intruder can narrow it to {span} from {_tables(pinned)} ({need})."
