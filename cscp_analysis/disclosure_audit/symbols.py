"""The symbols a published table may show instead of a number, and what each tells an intruder.

One place for every symbol the audit understands. The GSS forms (Government Statistical Service,
*Symbols in tables, definitions and guidance*, 2021) are written in square brackets; the bare forms
are the ones the packs published before the audit existed, still read so that an older pack can be
audited.

==========  =========================================================  ==================================
symbol      meaning for a reader                                       what the intruder learns (a count)
==========  =========================================================  ==================================
``[c]``     confidential: a count from 1 to the threshold               1 ≤ value ≤ threshold
``[s]``     suppressed so that a confidential count cannot be worked    value ≥ threshold + 1
            out from the totals (secondary suppression)
``[x]``     not available                                               nothing (value ≥ 0)
``[z]``     not applicable                                              nothing (value ≥ 0)
``[low]``   a count rounded to a base that rounds to zero but is not    1 ≤ value < base / 2
            zero; a percentage or rate that rounds to zero              0 < value < half a unit of the last place
``c``       suppressed, primary or secondary (older packs)              value ≥ 1
``x``       not available (older packs)                                 nothing (value ≥ 0)
``z``       not applicable (older packs)                                nothing (value ≥ 0)
``low``     as ``[low]`` (older packs)                                  as ``[low]``
==========  =========================================================  ==================================

Why ``[s]`` may promise "at least threshold + 1": a cell chosen for secondary suppression is never a
count from 1 to the threshold (those are primary), and the publisher never chooses a zero (a zero is
always shown). So the mark tells the intruder exactly "not 0 and not 1 to the threshold", and the
audit models exactly that. If a publisher ever marks a zero ``[s]``, the audit (given the true
values) reports it, because the symbol would then tell a lie the intruder's bounds rely on.

A bare ``c`` does not say which kind of suppression it is, so it promises only what both kinds
share: the count is not zero (zeros are always shown; :mod:`cscp_analysis.disclosure` chooses a zero
as a secondary cell only when nothing else is left, and the audit given the true values reports that
case). Modelling the strongest intruder the symbols allow is the safe side for an audit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "PRIMARY",
    "SECONDARY",
    "NOT_AVAILABLE",
    "NOT_APPLICABLE",
    "LOW",
    "SUPPRESSED_OLD",
    "MEANINGS",
    "Meaning",
    "meaning",
    "count_interval",
]

PRIMARY = "[c]"
SECONDARY = "[s]"
NOT_AVAILABLE = "[x]"
NOT_APPLICABLE = "[z]"
LOW = "[low]"
SUPPRESSED_OLD = "c"


@dataclass(frozen=True)
class Meaning:
    """What a symbol means.

    ``kind``: ``"primary"``, ``"secondary"`` or ``"suppressed"`` (either; the bare ``c``) for a
    withheld count the audit must protect; ``"not_available"``, ``"not_applicable"`` or ``"low"``
    otherwise. ``words`` is the legend a reader sees.
    """

    kind: str
    words: str

    @property
    def protected(self) -> bool:
        """True for a withheld count the audit checks."""
        return self.kind in ("primary", "secondary", "suppressed")


MEANINGS: dict[str, Meaning] = {
    PRIMARY: Meaning("primary", "confidential: a count from 1 to the threshold"),
    SECONDARY: Meaning("secondary", "withheld so that a confidential count cannot be worked out from the totals"),
    NOT_AVAILABLE: Meaning("not_available", "not available"),
    NOT_APPLICABLE: Meaning("not_applicable", "not applicable"),
    LOW: Meaning("low", "rounds to zero, but is not zero"),
    SUPPRESSED_OLD: Meaning("suppressed", "suppressed to protect confidentiality"),
    "x": Meaning("not_available", "not available"),
    "z": Meaning("not_applicable", "not applicable"),
    "low": Meaning("low", "rounds to zero, but is not zero"),
}


def meaning(text: str) -> Meaning | None:
    """The meaning of a symbol (surrounding spaces ignored), or ``None`` if ``text`` is not a symbol."""
    return MEANINGS.get(text.strip())


def count_interval(symbol: str, threshold: int, rounded_to: int | None = None) -> tuple[float, float]:
    """The interval ``(lowest, highest)`` an intruder knows a count shown as ``symbol`` lies in.

    ``threshold`` is the largest count that is primary-suppressed (5 by default); ``rounded_to`` the
    base the table's counts are rounded to, if any (``[low]`` is only meaningful then: the count is
    at least 1 and rounds to 0, so it is below half the base). Raises ``ValueError`` for a symbol
    that cannot stand for a count.
    """
    m = meaning(symbol)
    if m is None:
        raise ValueError(f"{symbol!r} is not a symbol")
    if m.kind == "primary":
        return 1.0, float(threshold)
    if m.kind == "secondary":
        return float(threshold + 1), math.inf
    if m.kind == "suppressed":
        return 1.0, math.inf
    if m.kind == "low":
        if not rounded_to:
            raise ValueError(f"{symbol!r} cannot stand for a count that is not rounded (a count is a whole number)")
        return 1.0, float(math.ceil(rounded_to / 2) - 1)
    return 0.0, math.inf
