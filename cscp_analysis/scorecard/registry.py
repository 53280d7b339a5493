"""The indicator registry: ``config/indicators.yaml`` read into checked :class:`Indicator` objects.

Indicators are configuration, not code. Each one names its statistic, the *measures* its numerator
and denominator come from (small tested functions registered in :mod:`.measures`), its polarity, an
optional target, its comparable published benchmark (a :data:`cscp_analysis.benchmarking.MEASURES`
id) and its definition with source. The partnership resets its priorities and the indicators change
by editing the YAML; a mistake in it is reported naming the indicator and the field::

    config/indicators.yaml: indicator CSC-02: numerator 'csc.rereferal' is not a registered measure
    (did you mean csc.rereferrals?)

Statistics (``statistic:``):

=============  =====================================================================================
percentage     numerator ÷ denominator × 100, Wilson score interval (``stats.wilson_interval``)
rate           numerator ÷ denominator × ``per`` (10,000 children aged 0-17; 100,000 aged 10-17;
               100 pupils), exact Poisson interval below 10 events, Byar's from 10
count          the numerator; no interval (a complete count, see docs/scorecard.md)
median_days    the median of the numerator measure's values (days), with a distribution-free
               interval from binomial order statistics
=============  =====================================================================================
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import CscpError

__all__ = [
    "Indicator",
    "IndicatorError",
    "STATISTICS",
    "POLARITIES",
    "QA_LENSES",
    "load_indicators",
    "parse_indicators",
    "RAG_OPTIONS",
]

STATISTICS = ("percentage", "rate", "count", "median_days")
POLARITIES = ("higher_is_better", "lower_is_better", "neither")
QA_LENSES = ("independent", "provider", "professional", "citizen")
SPC_FREQUENCIES = ("monthly", "quarterly")

#: RAG options an indicator may override (``rag:`` mapping); defaults in :mod:`.rag`.
RAG_OPTIONS = {
    "tolerance": "how far (in the indicator's units) the value may miss its target and be amber, not red; "
                 "default 5% of the target",
    "use_target": "whether the target counts (default true)",
    "use_spc": "whether SPC special causes count (default true)",
    "use_benchmark": "whether the comparison with England counts (default true)",
    "red_confidence": "confidence level at which 'significantly worse than England' is red (default 0.998)",
    "amber_confidence": "confidence level at which 'significantly worse than England' is amber (default 0.95)",
}

_REQUIRED = ("id", "title", "agency", "priority", "lens", "statistic", "numerator", "polarity", "definition", "source")
_OPTIONAL = ("denominator", "per", "target", "benchmark", "spc", "rag", "decimals", "commentary", "unit", "short_title",
             "benchmark_note", "spc_chart", "spc_baseline", "spc_changes", "in_force", "level", "statutory")
LEVELS = ("Universal", "Early help", "Multi-agency early help", "Statutory intervention", "Across all levels")
SPC_CHARTS = ("xmr", "run")


class IndicatorError(CscpError, ValueError):
    """An indicator definition that cannot be used; the message names the indicator and the field."""


@dataclass(frozen=True)
class Indicator:
    """One scorecard indicator, as configured."""

    id: str
    title: str
    agency: str
    priority: str
    lens: str
    statistic: str
    numerator: str
    polarity: str
    definition: str
    source: str
    denominator: str | None = None
    per: float | None = None
    target: float | None = None
    benchmark: str | None = None
    spc: str | None = None  # monthly / quarterly; None: monthly where every measure allows it
    rag: dict[str, Any] = field(default_factory=dict)
    decimals: int = 1
    commentary: bool | None = None  # owning agency expected to comment each quarter (None: if it sends a return)
    unit: str = ""  # how the value reads, e.g. "%" or "per 10,000 children aged 0-17"
    short_title: str = ""
    benchmark_note: str = ""
    spc_chart: str | None = None  # xmr | run; None: xmr for events, run for a stock (points not independent)
    spc_baseline: int | None = None  # points the limits are fixed from; None: stats.default_baseline
    spc_changes: tuple[tuple[str, str], ...] = ()  # (first month or quarter of the new process, why)
    priorities: tuple[tuple[str, str | None, str | None], ...] = ()  # (priority, from period, to period)
    in_force: tuple[str | None, str | None] = (None, None)  # the quarters the indicator is on the scorecard
    level: str = ""  # the level of help the work happens at (LEVELS)
    statutory: str = ""  # the statutory timescale or duty it measures, in words ("" when none)

    def priority_at(self, period) -> str:
        """The partnership priority the indicator evidences in ``period`` ("" when none is in force)."""
        from ..periods import parse_period

        p = parse_period(period)
        for pid, start, end in self.priorities or ((self.priority, None, None),):
            if (start is None or parse_period(start) <= p) and (end is None or p <= parse_period(end)):
                return pid
        return ""

    def in_force_at(self, period) -> bool:
        """Whether the indicator is on the scorecard in ``period`` (retired indicators stay in the history)."""
        from ..periods import parse_period

        p = parse_period(period)
        start, end = self.in_force
        return (start is None or parse_period(start) <= p) and (end is None or p <= parse_period(end))

    @property
    def improvement(self) -> str:
        """The SPC improvement direction (NHSRplotthedots): increase, decrease or neutral."""
        return {"higher_is_better": "increase", "lower_is_better": "decrease"}.get(self.polarity, "neutral")

    @property
    def measures(self) -> tuple[str, ...]:
        return tuple(m for m in (self.numerator, self.denominator) if m)

    @property
    def label(self) -> str:
        return self.short_title or self.title

    def describe(self) -> dict[str, Any]:
        """The definition as a row of the published definitions table."""
        return {
            "indicator_id": self.id, "title": self.title, "agency": self.agency, "priority": self.priority,
            "lens": self.lens, "statistic": self.statistic, "unit": self.unit, "numerator": self.numerator,
            "denominator": self.denominator or "", "polarity": self.polarity,
            "target": self.target, "benchmark": self.benchmark or "", "definition": self.definition,
            "source": self.source,
        }


def _text(value) -> str | None:
    return None if value in (None, "") else str(value).strip()


def _period_or_err(where: str, ind: str, what: str, value) -> str:
    from ..periods import PeriodError, parse_period

    try:
        return str(parse_period(str(value).strip()))
    except PeriodError:
        raise _err(where, ind, f"{what} {value!r} is not a quarter written YYYY-YY-Qn") from None


def change_start(when: str):
    """The first day of a change point written as a month (2025-04) or a quarter (2025-26-Q1)."""
    import pandas as pd

    from ..periods import PeriodError, parse_period

    try:
        return pd.Timestamp(parse_period(when).start)
    except PeriodError:
        return pd.Period(when, freq="M").start_time


def _err(where: str, ind: str, msg: str) -> IndicatorError:
    return IndicatorError(f"{where}: indicator {ind}: {msg}")


def _closest(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=2)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def _default_unit(statistic: str, per: float | None, denominator: str | None, measures: dict) -> str:
    if statistic == "percentage":
        return "%"
    if statistic == "count":
        return ""
    if statistic == "median_days":
        return "days"
    base = measures[denominator].unit if denominator in measures else ""
    return f"per {per:,.0f} {base}".strip()


def parse_indicators(items: list, *, where: str = "indicators", config=None, measures: dict | None = None,
                     benchmarks: dict | None = None) -> list[Indicator]:
    """Check a list of indicator mappings and return :class:`Indicator` objects (in the given order).

    ``config`` (a :class:`~cscp_analysis.config.PartnershipConfig`) checks agencies and priorities;
    ``measures`` (default: the registered measures) checks numerator and denominator; ``benchmarks``
    (default: :data:`cscp_analysis.benchmarking.MEASURES`) checks ``benchmark``.
    """
    from . import measures as M

    measures = M.MEASURES if measures is None else measures
    if benchmarks is None:
        try:
            from ..benchmarking import MEASURES as benchmarks
        except ImportError:  # the benchmark module is optional for checking
            benchmarks = None
    if not isinstance(items, list) or not items:
        raise IndicatorError(f"{where}: expected a non-empty list of indicators under 'indicators:'")
    out: list[Indicator] = []
    seen: set[str] = set()
    for k, raw in enumerate(items):
        if not isinstance(raw, dict):
            raise IndicatorError(f"{where}: entry {k + 1} is not a mapping of fields")
        ind = str(raw.get("id", f"#{k + 1}"))
        for f in _REQUIRED:
            if raw.get(f) in (None, ""):
                raise _err(where, ind, f"'{f}' is missing")
        unknown = sorted(set(raw) - set(_REQUIRED) - set(_OPTIONAL))
        if unknown:
            raise _err(where, ind, f"unknown field(s) {unknown}{_closest(unknown[0], _REQUIRED + _OPTIONAL)}")
        if ind in seen:
            raise _err(where, ind, "the id is used twice")
        seen.add(ind)
        stat = str(raw["statistic"])
        if stat not in STATISTICS:
            raise _err(where, ind, f"statistic {stat!r} is not one of {', '.join(STATISTICS)}{_closest(stat, STATISTICS)}")
        pol = str(raw["polarity"])
        if pol not in POLARITIES:
            raise _err(where, ind, f"polarity {pol!r} is not one of {', '.join(POLARITIES)}")
        lens = str(raw["lens"])
        if lens not in QA_LENSES:
            raise _err(where, ind, f"lens {lens!r} is not one of the QA lenses {', '.join(QA_LENSES)}")
        agency = str(raw["agency"])
        if config is not None and agency not in config.agencies:
            raise _err(where, ind, f"agency {agency!r} is not one of the partnership's agencies "
                                   f"({', '.join(config.agencies)})")
        # a priority, or its history when the partnership reset its priorities: [{id, from, to}, ...]
        given = raw["priority"]
        entries = given if isinstance(given, list) else [{"id": given}]
        priority_periods = []
        for entry in entries:
            if not isinstance(entry, dict) or "id" not in entry or set(entry) - {"id", "from", "to"}:
                raise _err(where, ind, "priority must be a priority id, or a list of {id, from, to} (quarters "
                                       "YYYY-YY-Qn) when the indicator moved between priorities")
            pid = str(entry["id"])
            if config is not None and config.priorities and pid not in config.priorities:
                raise _err(where, ind, f"priority {pid!r} is not one of the partnership's priorities "
                                       f"({', '.join(config.priorities)})")
            start = _period_or_err(where, ind, "priority from", entry["from"]) if entry.get("from") else None
            end = _period_or_err(where, ind, "priority to", entry["to"]) if entry.get("to") else None
            priority_periods.append((pid, start, end))
        priority = priority_periods[-1][0]  # the latest (the one in force now, for a current indicator)
        priority_periods = tuple(priority_periods) if isinstance(given, list) else ()
        num, den = str(raw["numerator"]), raw.get("denominator")
        den = None if den in (None, "") else str(den)
        for role, mid in (("numerator", num), ("denominator", den)):
            if mid is None:
                continue
            base = mid.split(":", 1)[0]
            if base not in measures:
                raise _err(where, ind, f"{role} {mid!r} is not a registered measure{_closest(base, measures)}")
            spec = measures[base]
            if spec.argument and ":" not in mid:
                raise _err(where, ind, f"{role} {mid!r} needs {spec.argument} after a colon, e.g. {base}:CODE")
            if not spec.argument and ":" in mid:
                raise _err(where, ind, f"{role} {mid!r}: measure {base} takes no argument")
            if spec.argument == "partner indicator code" and config is not None:
                code = mid.split(":", 1)[1]
                if code not in config.partner_indicators:
                    raise _err(where, ind, f"{role} {mid!r}: {code} is not an indicator of any partner return"
                                           f"{_closest(code, config.partner_indicators)}")
        nspec = measures[num.split(":", 1)[0]]
        dspec = measures[den.split(":", 1)[0]] if den else None
        per = raw.get("per")
        if stat in ("percentage", "rate"):
            if den is None:
                raise _err(where, ind, f"a {stat} needs a denominator")
            if nspec.kind == "values" or dspec.kind == "values":
                raise _err(where, ind, f"a {stat} needs counted measures, not the values measure "
                                       f"{num if nspec.kind == 'values' else den}")
        if stat == "rate":
            if per in (None, ""):
                raise _err(where, ind, "a rate needs 'per' (for example 10000 for a rate per 10,000 children)")
            try:
                per = float(per)
            except (TypeError, ValueError):
                raise _err(where, ind, f"per must be a number, not {per!r}") from None
            if per <= 0:
                raise _err(where, ind, "per must be positive")
        elif per not in (None, ""):
            raise _err(where, ind, f"'per' only applies to a rate, not to a {stat}")
        else:
            per = None
        if stat == "percentage" and dspec.kind == "population":
            raise _err(where, ind, "a percentage of a population is a rate: use statistic: rate with 'per'")
        if stat in ("count", "median_days") and den is not None:
            raise _err(where, ind, f"a {stat} has no denominator (remove {den!r})")
        if stat == "median_days" and nspec.kind != "values":
            raise _err(where, ind, f"median_days needs a measure of durations (values), and {num} counts {nspec.kind}")
        if stat != "median_days" and nspec.kind == "values":
            raise _err(where, ind, f"{num} gives durations: use statistic median_days")
        if dspec is not None and stat == "percentage":
            if nspec.time != dspec.time:
                raise _err(where, ind, f"numerator {num} ({nspec.time}) and denominator {den} ({dspec.time}) must both "
                                       "count events in the period or both count a stock at its end")
        target = raw.get("target")
        if target not in (None, ""):
            try:
                target = float(target)
            except (TypeError, ValueError):
                raise _err(where, ind, f"target must be a number, not {target!r}") from None
            if pol == "neither":
                raise _err(where, ind, "a target needs a direction: set polarity to higher_is_better or lower_is_better")
        else:
            target = None
        bench = raw.get("benchmark")
        bench = None if bench in (None, "") else str(bench)
        if bench is not None and benchmarks is not None and bench not in benchmarks:
            raise _err(where, ind, f"benchmark {bench!r} is not a published measure{_closest(bench, benchmarks)}"
                                   f" (known: {', '.join(benchmarks)})")
        spc = raw.get("spc")
        if spc not in (None, "") and spc not in SPC_FREQUENCIES:
            raise _err(where, ind, f"spc must be monthly or quarterly, not {spc!r}")
        if spc == "monthly" and not all(measures[m.split(':', 1)[0]].monthly for m in (num, den) if m):
            raise _err(where, ind, "spc: monthly, but a measure it uses is only available by quarter")
        spc_chart = raw.get("spc_chart")
        if spc_chart not in (None, "") and spc_chart not in SPC_CHARTS:
            raise _err(where, ind, f"spc_chart must be xmr or run, not {spc_chart!r}")
        spc_baseline = raw.get("spc_baseline")
        if spc_baseline not in (None, ""):
            if isinstance(spc_baseline, bool) or not isinstance(spc_baseline, int) or spc_baseline < 2:
                raise _err(where, ind, f"spc_baseline must be a whole number of points, at least 2, not {spc_baseline!r}")
        else:
            spc_baseline = None
        changes = []
        for k, ch in enumerate(raw.get("spc_changes") or [], start=1):
            if not isinstance(ch, dict) or set(ch) != {"from", "reason"}:
                raise _err(where, ind, f"spc_changes entry {k} must have exactly 'from' (a month YYYY-MM or a "
                                       "quarter YYYY-YY-Qn) and 'reason'")
            when = str(ch["from"]).strip()
            try:
                change_start(when)
            except ValueError:
                raise _err(where, ind, f"spc_changes entry {k}: 'from' {when!r} is not a month (YYYY-MM) or a quarter "
                                       "(YYYY-YY-Qn)") from None
            changes.append((when, " ".join(str(ch["reason"]).split())))
        in_force = raw.get("in_force") or {}
        if not isinstance(in_force, dict) or set(in_force) - {"from", "to"}:
            raise _err(where, ind, "in_force must be a mapping with 'from' and/or 'to' (quarters YYYY-YY-Qn)")
        for key in ("from", "to"):
            if in_force.get(key) not in (None, ""):
                _period_or_err(where, ind, f"in_force {key}", in_force[key])
        level = str(raw.get("level") or "").strip()
        if level and level not in LEVELS:
            raise _err(where, ind, f"level must be one of {', '.join(LEVELS)}, not {level!r}")
        rag = raw.get("rag") or {}
        if not isinstance(rag, dict):
            raise _err(where, ind, "rag must be a mapping of options")
        bad = sorted(set(rag) - set(RAG_OPTIONS))
        if bad:
            raise _err(where, ind, f"unknown rag option(s) {bad}; known: {', '.join(RAG_OPTIONS)}")
        decimals = raw.get("decimals", 0 if stat == "count" else 1)
        out.append(Indicator(
            id=ind, title=str(raw["title"]).strip(), agency=agency, priority=priority, lens=lens, statistic=stat,
            numerator=num, polarity=pol, definition=" ".join(str(raw["definition"]).split()),
            source=" ".join(str(raw["source"]).split()), denominator=den, per=per, target=target, benchmark=bench,
            spc=spc or None, rag=dict(rag), decimals=int(decimals), commentary=None if raw.get("commentary") is None else bool(raw["commentary"]),
            unit=str(raw.get("unit") or _default_unit(stat, per, den, measures)),
            short_title=str(raw.get("short_title") or ""), benchmark_note=str(raw.get("benchmark_note") or ""),
            spc_chart=spc_chart or None, spc_baseline=spc_baseline, spc_changes=tuple(changes),
            priorities=priority_periods, level=level, statutory=" ".join(str(raw.get("statutory") or "").split()),
            in_force=(_text(in_force.get("from")), _text(in_force.get("to"))),
        ))
    return out


def load_indicators(path: str | Path | None = None, config=None) -> list[Indicator]:
    """Read and check ``indicators.yaml`` (a file, or a config folder holding it)."""
    from ..config import CONFIG_DIR

    p = Path(path) if path else CONFIG_DIR / "indicators.yaml"
    if p.is_dir():
        p = p / "indicators.yaml"
    if not p.exists():
        raise IndicatorError(f"indicator registry {p} does not exist")
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise IndicatorError(f"{p} is not valid YAML: {exc}") from None
    items = raw.get("indicators") if isinstance(raw, dict) else raw
    return parse_indicators(items, where=str(p), config=config)
