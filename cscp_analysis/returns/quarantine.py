"""Writing the validation results into the evidence pack (deterministic bytes, nothing identifying).

    rejected/<folder>_<file>.csv     the rejected rows of each file, with row, rule_id and reason
                                     (only for files that had some), e.g. rejected/2026-27-Q2_education.csv
    tables/validation_report.csv     every problem: file, row, column, rule_id, severity, message, value
    tables/validation_summary.csv    the count per rule
    tables/reconciliation.csv        per file: received, accepted, rejected, after_period_end, used
    tables/blocked.csv               what is not published and why
    tables/set_aside.csv             tables whose few rejected rows were set aside, how many and why
    validation_report.txt            the report ``cscp validate`` prints

Every CSV written here goes through :func:`cscp_analysis.spreadsheet_safety.neutralise`: a partner's
value or commentary beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written with a
``'`` in front, so that opening ``rejected/`` or the report in a spreadsheet never runs it.

An evidence pack is published, so what goes into it is redacted (``redact=True``, the default):

* files about individual children, cases or people (the extract and the registers): a rejected row
  is given by its row number in the partner's file, the rules it broke and the columns concerned,
  never by its values, and the report's ``value`` says ``withheld``; the partner finds the row in
  their own file, and ``cscp validate`` run locally shows the values;
* aggregate files (partner returns, population, commentary, the submissions log): rows as received,
  except that a number from 1 to the suppression threshold is shown as ``c`` (the disclosure rule of
  DfE's children-in-need publications), in the rows and in the report's values.

``Returns.rejected`` and ``Returns.report`` in memory keep everything, for the analyst's own use.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..spreadsheet_safety import neutralise
from .schemas import SCHEMAS
from .validate import ValidationReport

__all__ = ["write_quarantine", "rejected_name", "redacted_report", "redacted_rejected", "set_aside_table", "WITHHELD"]

WITHHELD = "withheld"


def rejected_name(rel: str) -> str:
    """``2026-27-Q2/education.csv`` -> ``2026-27-Q2_education.csv`` (one flat folder, names never collide)."""
    p = Path(rel)
    return "_".join(p.with_suffix(".csv").parts)


def _csv(df: pd.DataFrame, path: Path) -> Path:
    """Write ``df``; a text cell a spreadsheet would run as a formula is neutralised (``spreadsheet_safety``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    neutralise(df).to_csv(path, index=False, lineterminator="\n", date_format="%Y-%m-%d")
    return path


def _record_level_files(returns) -> set[str]:
    rec = returns.reconciliation
    names = {n for n, s in SCHEMAS.items() if s.record_level}
    return set(rec.loc[rec["table"].isin(names), "file"])


def _small_number_pattern(threshold: int) -> re.Pattern:
    # a whole number from 1 to the threshold standing alone (not part of a date, code or larger number),
    # and not a number of days: "3 days late" counts no one, and the board must see how late a return was
    alts = "|".join(str(k) for k in range(threshold, 0, -1))
    return re.compile(rf"(?<![\w.\-/:])(?:{alts})(?![\w.\-/:])(?!\s+(?:working\s+)?days?\b)")


def redacted_report(returns) -> ValidationReport:
    """The report as the pack shows it: values withheld for record-level files, small numbers as ``c``."""
    issues = returns.report.issues.copy()
    record = issues["file"].isin(_record_level_files(returns)).to_numpy()
    values = issues["value"].astype(str).to_numpy(dtype=object)
    out = values.copy()
    out[record & (values != "")] = WITHHELD
    if (~record).any():
        small = _small_number_pattern(returns.config.suppression_threshold)
        out[~record] = pd.Series(values[~record], dtype=object).str.replace(small, "c", regex=True).to_numpy(dtype=object)
    issues["value"] = out
    return ValidationReport(issues, returns.report.period, returns.reconciliation)


def _join_by(keys: pd.Series, texts: pd.Series) -> pd.Series:
    """``"; "``-joined texts per key, in order; the costly join only for keys with several texts."""
    df = pd.DataFrame({"k": keys.to_numpy(), "t": texts.to_numpy(dtype=object)})
    several = df["k"].duplicated(keep=False).to_numpy()
    one = df[~several].set_index("k")["t"]
    if several.any():
        one = pd.concat([one, df[several].groupby("k", sort=False)["t"].agg("; ".join)])
    return one


def redacted_rejected(returns) -> dict[str, pd.DataFrame]:
    """The rejected rows as the pack shows them (see the module docstring)."""
    out: dict[str, pd.DataFrame] = {}
    record = _record_level_files(returns)
    issues = returns.report.issues
    threshold = returns.config.suppression_threshold
    for rel, df in returns.rejected.items():
        if rel in record:
            mine = issues[(issues["file"] == rel) & (issues["severity"] == "error")]
            col = mine["column"].where(mine["column"] == "", mine["column"] + ": ")
            mine = mine.assign(reason=col + mine["rule_id"] + " " + mine["message"].str.rstrip("."))
            at_row = mine.dropna(subset=["row"])
            rows = _join_by(at_row["row"], at_row["reason"])
            file_level = "; ".join(mine.loc[mine["row"].isna(), "reason"])
            reason = df["row"].map(rows).fillna(file_level) if len(rows) else pd.Series(file_level, index=df.index)
            out[rel] = pd.DataFrame({"row": df["row"], "rule_id": df["rule_id"], "reason": reason.to_numpy()})
        else:
            safe = df.copy()
            for c in safe.columns:
                if c in ("row", "rule_id", "reason"):
                    continue
                num = pd.to_numeric(safe[c], errors="coerce")
                small = ((num >= 1) & (num <= threshold) & (num == np.floor(num))).fillna(False).to_numpy(dtype=bool)
                if small.any():
                    safe[c] = safe[c].astype(object).where(~small, "c")
            out[rel] = safe
    return out


def set_aside_table(returns) -> pd.DataFrame:
    """One row per table whose few rejected rows were set aside: ``table, file, set_aside, rows, reasons``."""
    rows = [{"table": name, "file": sa.file, "set_aside": sa.n, "rows": sa.total,
             "reasons": "; ".join(f"{text.rstrip('.')} ({k:,})" for text, k in sa.reasons)}
            for name, sa in sorted((getattr(returns, "set_aside_rows", None) or {}).items())]
    return pd.DataFrame(rows, columns=["table", "file", "set_aside", "rows", "reasons"])


def write_quarantine(returns, pack_dir: str | Path, redact: bool = True) -> list[Path]:
    """Write the rejected rows, the report, the reconciliation and what is blocked into ``pack_dir``."""
    pack = Path(pack_dir)
    written: list[Path] = []
    rejected = redacted_rejected(returns) if redact else returns.rejected
    for rel, df in sorted(rejected.items()):
        if len(df):
            written.append(_csv(df, pack / "rejected" / rejected_name(rel)))
    report = redacted_report(returns) if redact else returns.report
    written.append(_csv(report.issues, pack / "tables" / "validation_report.csv"))
    written.append(_csv(report.summary(), pack / "tables" / "validation_summary.csv"))
    written.append(_csv(returns.reconciliation, pack / "tables" / "reconciliation.csv"))
    blocked = pd.DataFrame(sorted(returns.blocked.items()), columns=["part", "reason"])
    written.append(_csv(blocked, pack / "tables" / "blocked.csv"))
    written.append(_csv(set_aside_table(returns), pack / "tables" / "set_aside.csv"))
    txt = pack / "validation_report.txt"
    txt.write_text(report.format(max_per_rule=200), encoding="utf-8", newline="\n")
    written.append(txt)
    return written
