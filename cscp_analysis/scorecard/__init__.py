"""The multi-agency Performance Scorecard (docs/architecture.md §2, issue 5).

Indicators are configuration (``config/indicators.yaml``, read by :mod:`.registry`); their numerators
and denominators are named *measures*, small tested derivations from the returns (:mod:`.measures`).
:func:`compute` gives, for a period, every indicator's value with its interval, previous quarter,
same quarter last year, rolling twelve months, SPC series with point types and icons, published
benchmarks with significance and polarity, target status, RAG with its reason in words and the
owning agency's commentary. :mod:`.narrative` drafts "What is working well / What are we worried
about / What needs to happen" from them by documented rules; :mod:`.publish` gives the
disclosure-controlled tables the evidence pack shows. Method: ``docs/scorecard.md``.

Typical use in a notebook::

    sc = scorecard.compute(ctx.returns, ctx.period, ctx.config)
    table = scorecard.published_table(sc)          # tidy, disclosure-controlled
    findings = sc.findings()                       # narrative.Finding objects
"""

from . import catalogue  # noqa: F401  (registers every measure)
from .compute import CONFIDENCE, IndicatorResult, Scorecard, compute, compute_indicator, median_interval
from .measures import MEASURES, MeasureError, measure
from .narrative import RULES, scorecard_findings
from .publish import (
    PUBLISHED_COLUMNS,
    commentary_table,
    definitions_table,
    published_series,
    published_table,
    scorecard_frame,
)
from .rag import rate_indicator
from .registry import Indicator, IndicatorError, load_indicators, parse_indicators

__all__ = [
    "CONFIDENCE",
    "Indicator",
    "IndicatorError",
    "IndicatorResult",
    "MEASURES",
    "MeasureError",
    "PUBLISHED_COLUMNS",
    "RULES",
    "Scorecard",
    "commentary_table",
    "compute",
    "compute_indicator",
    "definitions_table",
    "load_indicators",
    "measure",
    "median_interval",
    "parse_indicators",
    "published_series",
    "published_table",
    "rate_indicator",
    "scorecard_findings",
    "scorecard_frame",
]
