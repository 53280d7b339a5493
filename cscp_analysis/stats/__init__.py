"""Statistics for the partnership's indicators: pure numerics, vectorised with numpy.

Two levels (DESIGN.md §3.3):

* array primitives taking scalars or arrays and returning arrays — :func:`wilson_interval`,
  :func:`byar_interval`, :func:`exact_poisson_interval`, :func:`poisson_interval`,
  :func:`risk_ratio`, :func:`rate_ratio`, :func:`disproportionality_ratio`,
  :func:`compare_with_benchmark`, :func:`bh_adjust`, :func:`chi2_for_trend`;
* table functions in the style of PHEindicatormethods: a DataFrame in, the same DataFrame out
  (same row order and index) with ``value``, ``lower_ci``, ``upper_ci``, ``confidence``,
  ``statistic`` and ``method`` appended — :func:`proportion`, :func:`rate`; and grouped summaries
  :func:`dsr`, :func:`isr`, :func:`recent_trend`, :func:`funnel_limits`, :func:`funnel_significance`,
  plus the SPC chart :func:`xmr`.

Each function's docstring gives its formula and its source; docs/methods.md collects them with the
decisions taken. This package imports nothing else from cscp_analysis.
"""

from .comparison import POLARITIES, apply_polarity, benchmark_comparison, compare_with_benchmark
from .funnel import SIGNIFICANCE_LEVELS, funnel_limits, funnel_points, funnel_significance
from .intervals import (
    EXACT_BELOW,
    byar_interval,
    exact_poisson_interval,
    poisson_interval,
    proportion,
    rate,
    wilson_interval,
)
from .multiple import bh_adjust
from .ratios import RatioInterval, disproportionality_ratio, rate_ratio, risk_ratio, significance_flag
from .spc import IMPROVEMENTS, ProvisionalLimitsWarning, xmr
from .standardisation import DSR_MIN_EVENTS, dsr, esp2013_children, isr
from .trend import TREND_LABELS, chi2_for_trend, recent_trend, trend_polarity

# PHEindicatormethods / PHStatsMethods names, for readers who know those packages
assign_funnel_significance = funnel_significance
calculate_funnel_limits = funnel_limits

__all__ = [
    # intervals
    "wilson_interval",
    "byar_interval",
    "exact_poisson_interval",
    "poisson_interval",
    "proportion",
    "rate",
    "EXACT_BELOW",
    # ratios
    "RatioInterval",
    "risk_ratio",
    "rate_ratio",
    "disproportionality_ratio",
    "significance_flag",
    # standardisation
    "dsr",
    "isr",
    "esp2013_children",
    "DSR_MIN_EVENTS",
    # SPC
    "xmr",
    "ProvisionalLimitsWarning",
    "IMPROVEMENTS",
    # funnels
    "funnel_limits",
    "funnel_significance",
    "funnel_points",
    "calculate_funnel_limits",
    "assign_funnel_significance",
    "SIGNIFICANCE_LEVELS",
    # comparison with a benchmark
    "compare_with_benchmark",
    "apply_polarity",
    "benchmark_comparison",
    "POLARITIES",
    # multiple comparisons
    "bh_adjust",
    # trend
    "recent_trend",
    "trend_polarity",
    "chi2_for_trend",
    "TREND_LABELS",
]
