"""Published benchmarks for any English local authority, from DfE and ONS files.

For an authority, its region, England and the median of its ten DfE (2025 model) statistical
neighbours, every published annual measure in :data:`MEASURES` for every year available, computed as
DfE computes them (method and checks: ``docs/benchmarking.md``):

* **rates per 10,000 children** = count ÷ ONS mid-year estimate of children aged 0–17 for the
  *previous* mid-year (year ending 31 March *Y* uses mid-*(Y−1)*) × 10,000, rounded half up (DfE's
  ``true_round``) to the precision DfE publishes: one decimal for children-in-need measures, whole
  numbers for looked-after children. Regional and England counts are published rounded to the nearest
  10, so their rates are computed from the exact sum of the region's authority counts where that sum
  is known (no suppressed authority, or one whose suppressed cells cannot change the rounded rate),
  otherwise from the published rounded count. This reproduces every rate DfE publishes in the
  looked-after file (tests).
* **published percentages and caseloads** are DfE's own figures (tests recompute them from the counts).
* **statistical-neighbour median**: the median of the neighbours' published values, ignoring
  suppressed or missing ones, rounded half up to the measure's precision; ``n_neighbours`` says how
  many contributed.
* **boundary changes** (:data:`BOUNDARY_CHANGES`): before a change an authority takes its
  predecessor's figure (summed counts when there were two), labelled with the predecessor's codes and
  names; recoded authorities with an unchanged 3-digit code are continuous as published.

Public API: :data:`MEASURES`, :func:`build_benchmark_table`, :func:`benchmark_values`,
:func:`sn_distribution`, :func:`resolve_la`, :func:`parse_years`, :func:`run_benchmark`.
"""

from __future__ import annotations

from ..disclosure import round_half_up
from .areas import AREA_TYPES, BOUNDARY_CHANGES, ENGLAND_CODE, NAME_ALIASES, Authority, BenchmarkError
from .command import run_benchmark
from .compute import all_england, compute_rates
from .lookup import parse_years, resolve_la
from .measures import MEASURES, PER_10K, Measure, load_measures
from .table import OUTPUT_COLUMNS, benchmark_values, build_benchmark_table, sn_distribution

__all__ = [
    "Measure",
    "MEASURES",
    "PER_10K",
    "load_measures",
    "BOUNDARY_CHANGES",
    "AREA_TYPES",
    "ENGLAND_CODE",
    "Authority",
    "BenchmarkError",
    "OUTPUT_COLUMNS",
    "round_half_up",
    "resolve_la",
    "parse_years",
    "all_england",
    "compute_rates",
    "NAME_ALIASES",
    "build_benchmark_table",
    "benchmark_values",
    "sn_distribution",
    "run_benchmark",
]
