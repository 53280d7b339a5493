"""Writing the validation results into the evidence pack (deterministic bytes).

    rejected/<folder>_<file>.csv     the rejected rows of each file, as received, with rule_id and reason
                                     (only for files that had some), e.g. rejected/2026-27-Q2_education.csv
    tables/validation_report.csv     every problem: file, row, column, rule_id, severity, message, value
    tables/validation_summary.csv    the count per rule
    tables/reconciliation.csv        per file: received, accepted, rejected, after_period_end, used
    tables/blocked.csv               what is not published and why
    validation_report.txt            the report ``cscp validate`` prints
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

__all__ = ["write_quarantine", "rejected_name"]


def rejected_name(rel: str) -> str:
    """``2026-27-Q2/education.csv`` -> ``2026-27-Q2_education.csv`` (one flat folder, names never collide)."""
    p = Path(rel)
    return "_".join(p.with_suffix(".csv").parts)


def _csv(df: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, lineterminator="\n", date_format="%Y-%m-%d")
    return path


def write_quarantine(returns, pack_dir: str | Path) -> list[Path]:
    """Write the rejected rows, the report, the reconciliation and what is blocked into ``pack_dir``."""
    pack = Path(pack_dir)
    written: list[Path] = []
    for rel, df in sorted(returns.rejected.items()):
        if len(df):
            written.append(_csv(df, pack / "rejected" / rejected_name(rel)))
    report = returns.report
    written.append(_csv(report.issues, pack / "tables" / "validation_report.csv"))
    written.append(_csv(report.summary(), pack / "tables" / "validation_summary.csv"))
    written.append(_csv(returns.reconciliation, pack / "tables" / "reconciliation.csv"))
    blocked = pd.DataFrame(sorted(returns.blocked.items()), columns=["part", "reason"])
    written.append(_csv(blocked, pack / "tables" / "blocked.csv"))
    txt = pack / "validation_report.txt"
    txt.write_text(report.format(max_per_rule=200), encoding="utf-8", newline="\n")
    written.append(txt)
    return written
