"""Which authority and which years a request means: codes, names and former codes resolved, years checked."""

from __future__ import annotations

import difflib
import functools
import re
from pathlib import Path

from .. import reference as ref
from .areas import _SUCCESSORS, NAME_ALIASES, Authority, BenchmarkError, _norm_name
from .compute import _all_england_cached, _stamp, all_england

# ---------------------------------------------------------------------------------------------------
# Requests: which authority, which years
# ---------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _lookup_cached(rd: str, stamp: tuple) -> dict:
    eng = _all_england_cached(rd, stamp)
    a = eng.authorities
    b1 = ref.read_cin_table("b1", rd)
    published = b1[b1["level"] == "la"][["old_la_code", "new_la_code", "la_name"]].drop_duplicates()
    current = set(a["old_code"])
    by_code: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for old, new, name in zip(a["old_code"], a["new_code"], a["name"], strict=False):
        by_code[old] = by_code[new.upper()] = old
        by_name[_norm_name(name)] = old
        if "," in name:  # "Bristol, City of" -> "bristol"; "Herefordshire, County of" -> "herefordshire"
            by_name.setdefault(_norm_name(name.split(",")[0]), old)
    for old, new in zip(published["old_la_code"], published["new_la_code"], strict=False):
        if old in current:  # a former code of a current authority, e.g. North Yorkshire's E10000023
            by_code.setdefault(new.upper(), old)
    for alias, old in NAME_ALIASES.items():
        by_name.setdefault(alias, old)
    abolished = published[~published["old_la_code"].isin(current)]
    gone: dict[str, str] = {}
    for old, new, name in zip(
        abolished["old_la_code"], abolished["new_la_code"], abolished["la_name"], strict=False
    ):
        gone[old] = gone[new.upper()] = gone[_norm_name(name)] = old
    rows = {old: Authority(old, new, name, rc, rn) for old, new, name, rc, rn in a.itertuples(index=False)}
    return {"by_code": by_code, "by_name": by_name, "gone": gone, "rows": rows}


def resolve_la(la: str | int, reference_dir: str | Path | None = None) -> Authority:
    """The authority named by ``la``: its new code (``E08000026``, or a former code such as
    ``E10000023``), old 3-digit code (``331``) or name (``Coventry``, ``coventry``), case-insensitive;
    a few short names too (:data:`NAME_ALIASES`, e.g. ``BCP``).

    Raises :class:`BenchmarkError` listing close matches when unknown, and naming the successors
    when ``la`` is an authority that no longer exists (e.g. Northamptonshire)."""
    rd = str(ref.reference_dir(reference_dir))
    all_england(reference_dir)  # fills the cache
    look = _lookup_cached(rd, _stamp(ref.reference_dir(reference_dir)))
    query = str(la).strip()
    old = look["by_code"].get(query.upper()) or look["by_name"].get(_norm_name(query))
    if old:
        return look["rows"][old]
    gone = look["gone"].get(query.upper()) or look["gone"].get(_norm_name(query))
    if gone:
        succ = ", ".join(
            f"{look['rows'][s].name} ({look['rows'][s].new_code})"
            for s in _SUCCESSORS.get(gone, [])
            if s in look["rows"]
        )
        raise BenchmarkError(
            f"{query!r} is a former authority (old code {gone}), replaced by {succ}; ask for one of those: "
            "its time series includes the predecessor's figures"
        )
    names = {n: o for n, o in look["by_name"].items()}
    close = [n for n in names if len(_norm_name(query)) >= 3 and _norm_name(query) in n]
    close += [
        n
        for n in difflib.get_close_matches(_norm_name(query), list(names), n=6, cutoff=0.6)
        if n not in close
    ]
    close += difflib.get_close_matches(
        query.upper(), [c for c in look["by_code"] if not c.isdigit()], n=3, cutoff=0.8
    )
    olds = list(dict.fromkeys(names.get(c) or look["by_code"].get(c) for c in close))[:6]
    hint = (
        "; close matches: "
        + ", ".join(f"{look['rows'][o].name} ({look['rows'][o].new_code}, {o})" for o in olds)
        if olds
        else ""
    )
    raise BenchmarkError(
        f"unknown local authority {query!r}: give a new code (E08000026), old code (331) or name{hint}"
    )


def parse_years(year: str | int, reference_dir: str | Path | None = None) -> tuple[int, int]:
    """``(first, last)`` years (ending 31 March) asked for.

    ``2025`` → every year available up to and including 2025 (so trend charts work); ``"2024-25"`` or
    ``"2024/25"`` (a financial year) → the same as ``2025``; ``"2019-2025"`` or ``"2019:2025"`` → that
    range only. A year after the latest published one is an error, as is a year before the first."""
    eng = all_england(reference_dir)
    lo_all = min(min(v) for v in eng.years.values())
    hi_all = max(max(v) for v in eng.years.values())
    s = str(year).strip()
    m_fy = re.fullmatch(r"(\d{4})[-/](\d{2})", s)
    m_rng = re.fullmatch(r"(\d{4})\s*(?:-|:|\.\.)\s*(\d{4})", s)
    if re.fullmatch(r"\d{4}", s):
        first, last = lo_all, int(s)
    elif m_fy:
        start = int(m_fy.group(1))
        if (start + 1) % 100 != int(m_fy.group(2)):
            raise BenchmarkError(f"year {s!r}: a financial year is written like 2024-25")
        first, last = lo_all, start + 1
    elif m_rng:
        first, last = int(m_rng.group(1)), int(m_rng.group(2))
        if first > last:
            raise BenchmarkError(f"year range {s!r} runs backwards")
    else:
        raise BenchmarkError(
            f"year {s!r}: give the year ending 31 March (2025), a financial year (2024-25) or a range (2019-2025)"
        )
    if last > hi_all:
        raise BenchmarkError(
            f"no published data for {last}: the reference data run from {lo_all} to {hi_all}"
        )
    if last < lo_all:
        raise BenchmarkError(
            f"no published data for {last}: the reference data run from {lo_all} to {hi_all}"
        )
    return max(first, lo_all), last
