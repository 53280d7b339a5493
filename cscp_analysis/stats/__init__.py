"""Statistics for the partnership's indicators: pure numerics, vectorised with numpy.

Two levels (docs/architecture.md §3.3):

* array primitives taking scalars or arrays and returning arrays — :func:`wilson_interval`,
  :func:`byar_interval`, :func:`exact_poisson_interval`, :func:`poisson_interval`,
  :func:`risk_ratio`, :func:`rate_ratio`, :func:`disproportionality_ratio`,
  :func:`compare_with_benchmark`, :func:`bh_adjust`, :func:`chi2_for_trend`,
  :func:`two_proportion_test`, :func:`cochran_armitage_test`, :func:`minimum_detectable_ratio`,
  :func:`power_for_ratio`, :func:`assurance_icon`, :func:`variation_icon`; and, per clustered
  proportion, :func:`icc_anova`, :func:`design_effect`, :func:`clustered_wilson_interval`,
  :func:`cluster_bootstrap_interval`;
* table functions in the style of PHEindicatormethods: a DataFrame in, the same DataFrame out
  (same row order and index) with ``value``, ``lower_ci``, ``upper_ci``, ``confidence``,
  ``statistic`` and ``method`` appended — :func:`proportion`, :func:`rate`,
  :func:`proportion_change`; :func:`detectable_ratio` and :func:`fdr_by_family` append their own
  columns; grouped summaries :func:`dsr`, :func:`isr`, :func:`recent_trend`,
  :func:`trend_across_waves`, :func:`clustered_proportion`, :func:`funnel_limits`,
  :func:`funnel_significance`; the SPC chart :func:`xmr` and the run chart :func:`run_chart`.

Each function's docstring gives its formula and its source; docs/methods.md collects them with the
decisions taken. This package imports nothing else from cscp_analysis.
"""

from .change import DifferenceInterval, proportion_change, two_proportion_test
from .clustered import (
    BOOTSTRAP_REPLICATES,
    BOOTSTRAP_SEED,
    ClusteredInterval,
    cluster_bootstrap_interval,
    clustered_proportion,
    clustered_wilson_interval,
    design_effect,
    icc_anova,
)
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
from .multiple import bh_adjust, fdr_by_family
from .power import detectable_ratio, minimum_detectable_ratio, power_for_ratio
from .ratios import RatioInterval, disproportionality_ratio, rate_ratio, risk_ratio, significance_flag
from .runchart import crossings_limit, longest_run_limit, run_chart
from .spc import (
    BASELINE_POINTS,
    IMPROVEMENTS,
    ProvisionalLimitsWarning,
    assurance_icon,
    default_baseline,
    variation_icon,
    xmr,
)
from .standardisation import DSR_MIN_EVENTS, dsr, esp2013_children, isr
from .trend import (
    TREND_LABELS,
    TrendTest,
    chi2_for_trend,
    cochran_armitage_test,
    recent_trend,
    trend_across_waves,
    trend_polarity,
)

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
    # SPC and run charts
    "xmr",
    "assurance_icon",
    "variation_icon",
    "default_baseline",
    "BASELINE_POINTS",
    "ProvisionalLimitsWarning",
    "IMPROVEMENTS",
    "run_chart",
    "longest_run_limit",
    "crossings_limit",
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
    "fdr_by_family",
    # trend
    "recent_trend",
    "trend_polarity",
    "chi2_for_trend",
    "TREND_LABELS",
    # change between survey waves
    "two_proportion_test",
    "proportion_change",
    "DifferenceInterval",
    "cochran_armitage_test",
    "trend_across_waves",
    "TrendTest",
    # clustered answers
    "icc_anova",
    "design_effect",
    "clustered_wilson_interval",
    "cluster_bootstrap_interval",
    "clustered_proportion",
    "ClusteredInterval",
    "BOOTSTRAP_REPLICATES",
    "BOOTSTRAP_SEED",
    # power
    "minimum_detectable_ratio",
    "power_for_ratio",
    "detectable_ratio",
]
