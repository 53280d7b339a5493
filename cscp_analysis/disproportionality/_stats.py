"""The statistics core functions this package uses, in one place (``cscp_analysis.stats``)."""

from __future__ import annotations

try:
    from ..stats import bh_adjust, disproportionality_ratio, dsr, proportion, rate, rate_ratio, risk_ratio
except ImportError:  # the core's package __init__ not there yet: take the functions from its modules
    from ..stats.intervals import proportion, rate
    from ..stats.multiple import bh_adjust
    from ..stats.ratios import disproportionality_ratio, rate_ratio, risk_ratio
    from ..stats.standardisation import dsr

__all__ = ["bh_adjust", "disproportionality_ratio", "dsr", "proportion", "rate", "rate_ratio", "risk_ratio"]
