"""The published annual measures: their definitions are data (``config/benchmark_measures.yaml``).

:class:`Measure` says how one measure is computed from DfE's published files; :func:`load_measures`
reads and checks the registry; :data:`MEASURES` is the registry shipped with the package, by id, in
display order. Add a measure by adding an entry to the YAML file (and its expected values to
``tests/test_benchmarking.py``); no code changes.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, fields
from pathlib import Path

import yaml

from .. import reference as ref
from ..config import CONFIG_DIR
from ..errors import CscpError
from .areas import BenchmarkError

__all__ = ["check_measure", "Measure", "MEASURES", "MEASURES_FILE", "PER_10K", "MeasureFileError", "load_measures"]

PER_10K = "per 10,000 children aged 0-17"
MEASURES_FILE = CONFIG_DIR / "benchmark_measures.yaml"
_KINDS = ("rate", "published")
_POLARITIES = ("lower_is_better", "higher_is_better", "neither")


class MeasureFileError(CscpError, ValueError):
    """The benchmark measures file is wrong; the message names the file, the measure and the key."""


@dataclass(frozen=True)
class Measure:
    """One published annual measure.

    ``kind`` is ``"rate"`` (``numerator`` count ÷ ONS 0–17 population of the previous mid-year ×
    ``multiplier``) or ``"published"`` (DfE's own ``value_column``; ``numerator`` ÷ sum of
    ``denominator`` columns × ``multiplier`` is its definition, used to check it and to combine
    predecessor authorities). ``polarity`` is a hint for the scorecard: ``lower_is_better``,
    ``higher_is_better`` or ``neither`` (context: a rate of need or intervention is neither).
    """

    id: str
    title: str
    unit: str
    decimals: int
    polarity: str
    table: str
    kind: str
    numerator: str
    denominator: tuple[str, ...] = ()
    value_column: str | None = None
    multiplier: float = 10_000
    row_filter: tuple[str, str] | None = None
    definition: str = ""

    @property
    def source_file(self) -> str:
        return ref.FILES[self.table]

    @property
    def source(self) -> str:
        cols = self.value_column if self.kind == "published" else self.numerator
        extra = "; ONS mid-year 0-17 population of the previous year" if self.kind == "rate" else ""
        filt = f" ({self.row_filter[0]} = {self.row_filter[1]!r})" if self.row_filter else ""
        return f"{self.source_file}: {cols}{filt}{extra}"


def load_measures(path: str | Path = MEASURES_FILE) -> dict[str, Measure]:
    """The measures of ``path`` by id, in file order, each checked (unknown keys, kinds, tables)."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise MeasureFileError(f"{path}: cannot be read as YAML ({exc})") from None
    allowed = {f.name for f in fields(Measure)}
    out: dict[str, Measure] = {}
    for i, row in enumerate(raw.get("measures") or [], start=1):
        where = f"{path}: measure {row.get('id', i)!r}" if isinstance(row, dict) else f"{path}: entry {i}"
        if not isinstance(row, dict):
            raise MeasureFileError(f"{where}: each measure must be a mapping of keys to values")
        unknown = sorted(set(row) - allowed)
        if unknown:
            raise MeasureFileError(f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")
        missing = sorted({"id", "title", "unit", "decimals", "polarity", "table", "kind", "numerator"} - set(row))
        if missing:
            raise MeasureFileError(f"{where}: missing key(s) {', '.join(missing)}")
        if row["kind"] not in _KINDS:
            raise MeasureFileError(f"{where}: kind must be one of {', '.join(_KINDS)}, not {row['kind']!r}")
        if row["polarity"] not in _POLARITIES:
            raise MeasureFileError(f"{where}: polarity must be one of {', '.join(_POLARITIES)}, not {row['polarity']!r}")
        if row["table"] not in ref.FILES:
            raise MeasureFileError(f"{where}: table {row['table']!r} is not a reference file ({', '.join(ref.FILES)})")
        if row["kind"] == "published" and not row.get("value_column"):
            raise MeasureFileError(f"{where}: a published measure needs its value_column")
        if row["id"] in out:
            raise MeasureFileError(f"{where}: the id is used twice")
        kw = dict(row)
        kw["denominator"] = tuple(row.get("denominator") or ())
        kw["row_filter"] = tuple(row["row_filter"]) if row.get("row_filter") else None
        kw["multiplier"] = float(row.get("multiplier", 10_000))
        kw["definition"] = str(row.get("definition", "")).strip()
        out[row["id"]] = Measure(**kw)
    if not out:
        raise MeasureFileError(f"{path}: no measures")
    return out


#: The measure registry shipped with the package, by id, in display order.
MEASURES: dict[str, Measure] = load_measures()


def check_measure(measure: str) -> Measure:
    """The measure called ``measure``, or a :class:`BenchmarkError` suggesting the nearest names."""
    if measure not in MEASURES:
        close = difflib.get_close_matches(measure, list(MEASURES), n=3)
        raise BenchmarkError(
            f"unknown measure {measure!r}"
            + (f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(MEASURES)}")
        )
    return MEASURES[measure]
