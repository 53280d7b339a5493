"""Findings drafted from the numbers, in the partnership's Signs of Safety lines.

Every domain module (scorecard, disproportionality, assurance) turns its statistics into
:class:`Finding` objects by documented rules. The notebooks show them under their own section; the
scrutiny summary gathers them by partnership priority into "What is working well", "What are we
worried about" and "What needs to happen". A finding always names the evidence behind it (an
indicator, a table, a review) so the scrutineer can follow it back, and is never drafted from a
suppressed or unreliable figure.

The sentences are drafts for the Audit and Performance subgroup to edit, not conclusions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

__all__ = ["Finding", "KINDS", "findings_table", "sentence_number", "times_as_likely"]

KINDS = {
    "working_well": "What is working well",
    "worried": "What are we worried about",
    "needs_to_happen": "What needs to happen",
    "context": "Context",
}


@dataclass(frozen=True)
class Finding:
    kind: str  # one of KINDS
    text: str  # one sentence, generated from the numbers
    lens: str  # independent / provider / professional / citizen / data
    source: str  # "scorecard", "disproportionality", "assurance", "data"
    evidence: str  # the indicator id, table name or record the sentence rests on
    priority: str = ""  # partnership priority id (P1...) when known
    rule: str = ""  # the documented rule that produced it
    weight: float = 0.0  # for ordering within its source: larger = more important
    severity: int = 0  # 1 children's safety and statutory timescales ... 4 data; 0: the scrutiny summary decides
    owner: str = ""  # who is to act (what needs to happen)
    by_when: str = ""  # by when, in words
    level: str = ""  # the level of help the work happens at (Universal ... Statutory intervention)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"finding kind {self.kind!r} is not one of {', '.join(KINDS)}")


def findings_table(findings: list[Finding]) -> pd.DataFrame:
    """A tidy, deterministic table of findings (ordered by kind, priority, weight, text)."""
    cols = ["kind", "priority", "lens", "source", "evidence", "rule", "text", "weight", "severity", "owner", "by_when",
            "level"]
    if not findings:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame([asdict(f) for f in findings])[cols]
    order = {k: i for i, k in enumerate(KINDS)}
    df["_k"] = df["kind"].map(order)
    df = df.sort_values(["_k", "priority", "weight", "text"], ascending=[True, True, False, True], kind="mergesort")
    return df.drop(columns="_k").reset_index(drop=True)


def sentence_number(value: float, unit: str = "", decimals: int = 1) -> str:
    """A number as it reads in a sentence: 1,234 or 12.3% or 45.6 per 10,000."""
    if pd.isna(value):
        return "not available"
    if unit == "%":
        return f"{value:,.{decimals}f}%"
    text = f"{value:,.0f}" if float(value).is_integer() and decimals == 0 else f"{value:,.{decimals}f}"
    return f"{text} {unit}".strip()


def times_as_likely(ratio: float) -> str:
    """'2.1 times as likely as' / 'about half as likely as' style wording for a ratio."""
    if pd.isna(ratio):
        return "not comparable with"
    if ratio >= 1.05:
        return f"{ratio:.1f} times as likely as"
    if ratio <= 0.95:
        return f"{ratio:.2f} times as likely as (less likely than)"
    return "about as likely as"
