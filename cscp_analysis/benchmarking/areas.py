"""Which authority, which years: England's local authorities, boundary changes and request parsing."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..errors import CscpError

AREA_TYPES = ("la", "region", "england", "sn_median")
ENGLAND_CODE = "E92000001"
LONDON_CODE, LONDON_NAME = "E12000007", "London"
INNER_OUTER_LONDON = ("E13000001", "E13000002")


class BenchmarkError(CscpError, ValueError):
    """A request we cannot answer (unknown authority, year outside the data); the message says why."""


# ---------------------------------------------------------------------------------------------------
# Boundary changes and authorities
# ---------------------------------------------------------------------------------------------------

#: (successor old code, predecessor old codes, last year (ending 31 March) published for the predecessors, note)
BOUNDARY_CHANGES: tuple[tuple[str, tuple[str, ...], int, str], ...] = (
    (
        "838",
        ("835",),
        2019,
        "Dorset council (E06000059) replaced Dorset county (E10000009) in April 2019, "
        "without Christchurch, which joined BCP",
    ),
    (
        "839",
        ("836", "837"),
        2019,
        "Bournemouth, Christchurch and Poole (E06000058) replaced Bournemouth and "
        "Poole in April 2019; the predecessor figure is Bournemouth + Poole (Christchurch was in Dorset county)",
    ),
    ("940", ("928",), 2021, "North Northamptonshire replaced Northamptonshire (E10000021) in April 2021"),
    ("941", ("928",), 2021, "West Northamptonshire replaced Northamptonshire (E10000021) in April 2021"),
    ("942", ("909",), 2023, "Cumberland replaced Cumbria (E10000006) in April 2023"),
    ("943", ("909",), 2023, "Westmorland and Furness replaced Cumbria (E10000006) in April 2023"),
)
_PREDECESSOR_LAST_YEAR = {p: last for _, preds, last, _ in BOUNDARY_CHANGES for p in preds}
_SUCCESSOR_FIRST_YEAR = {s: last + 1 for s, _, last, _ in BOUNDARY_CHANGES}
_SUCCESSORS: dict[str, list[str]] = {}
for _s, _preds, _, _ in BOUNDARY_CHANGES:
    for _p in _preds:
        _SUCCESSORS.setdefault(_p, []).append(_s)


def _exists(code: pd.Series, year: pd.Series) -> pd.Series:
    """Whether the authority with old code ``code`` existed in ``year`` (ending 31 March)."""
    last = code.map(_PREDECESSOR_LAST_YEAR)
    first = code.map(_SUCCESSOR_FIRST_YEAR)
    return ~((last.notna() & (year > last)) | (first.notna() & (year < first)))


@dataclass(frozen=True)
class Authority:
    old_code: str
    new_code: str
    name: str
    region_code: str
    region_name: str


def _norm_name(name: str) -> str:
    s = name.lower().replace("&", " and ")
    s = re.sub(r"[^a-z0-9 ]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


#: Common short names accepted by :func:`resolve_la` (normalised name -> old 3-digit code).
NAME_ALIASES = {
    "bcp": "839",
    "hull": "810",
    "durham": "840",
    "bristol": "801",
    "herefordshire": "884",
    "st helens": "342",
    "southend": "882",
}
