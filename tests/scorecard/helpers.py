"""Build an IndicatorResult by hand, for the RAG, narrative and disclosure tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cscp_analysis.periods import parse_period
from cscp_analysis.scorecard.compute import ESTIMATE_COLUMNS, IndicatorResult, Scorecard
from cscp_analysis.scorecard.registry import parse_indicators

PERIOD = parse_period("2025-26-Q4")


def indicator(**kw):
    base = {"id": "T-01", "title": "Assessments within 45 working days", "agency": "CSC", "priority": "P1",
            "lens": "independent", "statistic": "percentage", "numerator": "csc.assessments_within_45wd",
            "denominator": "csc.assessments_completed", "polarity": "higher_is_better", "target": 90,
            "definition": "d", "source": "s"}
    base.update(kw)
    base = {k: v for k, v in base.items() if v is not None}
    return parse_indicators([base], benchmarks={"rereferral_pct": None, "cla_rate": None})[0]


def quarters(values, nums=None, dens=None, ci=5.0):
    """Quarter rows ending with PERIOD, oldest first; the 95% interval is value ∓ ``ci`` (or the pair
    ``ci=(lower, upper)`` for the last quarter; ``ci=None`` for no interval, as for a count)."""
    n = len(values)
    labels = [PERIOD.shift(k - n + 1).label for k in range(n)]
    nums = nums if nums is not None else [50.0] * n
    dens = dens if dens is not None else [100.0] * n
    df = pd.DataFrame({"label": labels, "start": pd.NaT, "end": pd.NaT, "numerator": nums, "denominator": dens,
                       "value": values, "lower_ci": [v - 5 for v in values], "upper_ci": [v + 5 for v in values],
                       "lower_998": [v - 8 for v in values], "upper_998": [v + 8 for v in values], "note": ""})
    if ci is None:
        df[["lower_ci", "upper_ci", "lower_998", "upper_998"]] = np.nan
    elif isinstance(ci, tuple):
        df.loc[df.index[-1], ["lower_ci", "upper_ci"]] = ci
    else:
        df["lower_ci"], df["upper_ci"] = df["value"] - ci, df["value"] + ci
    return df[ESTIMATE_COLUMNS]


def result(ind=None, values=(85.0,), nums=None, dens=None, spc=None, benchmark=None, status="ok", reason="",
           commentary_status="provided", commentary="Some commentary.", ci=5.0):
    ind = ind or indicator()
    q = quarters(list(values), nums, dens, ci)
    r = IndicatorResult(ind, PERIOD, status=status, reason=reason, quarters=q if status == "ok" else None,
                        rolling=q.tail(1).reset_index(drop=True) if status == "ok" else None,
                        spc_summary=spc or {}, benchmark=benchmark or {"status": "none", "note": "none"},
                        commentary_status=commentary_status, commentary=commentary)
    if spc is not None:
        # twelve months, April 2025 to March 2026; the last three are the quarter. ``special`` maps a
        # month to (point_type, rule, value); other months are common cause at the mean (50).
        labels = [str(p) for p in pd.period_range("2025-04", "2026-03", freq="M")]
        special = spc.get("special", {})
        types = [special.get(m, ("common_cause", "", 50.0))[0] for m in labels]
        rules = [special.get(m, ("common_cause", "", 50.0))[1] for m in labels]
        vals = [special.get(m, ("common_cause", "", 50.0))[2] for m in labels]
        r.spc = pd.DataFrame({"label": labels, "value": vals, "numerator": 50.0, "denominator": 100.0,
                              "end": [pd.Period(m, freq="M").end_time.normalize() for m in labels],
                              "in_period": [m >= "2026-01" for m in labels], "point_type": types, "rule": rules,
                              "mean": 50.0, "lpl": 30.0, "upl": 70.0})
        r.spc_frequency = "monthly"
    from cscp_analysis.scorecard.rag import target_status

    if status == "ok":
        r.target_status = target_status(r)
    return r


def bench(vs95="similar", vs998="similar", sn="similar", england=80.0, sn_median=82.0, value=85.0):
    return {"status": "ok", "measure": "rereferral_pct", "year": 2025, "year_label": "year ending 31 March 2025",
            "decimals": 1, "value": value, "value_label": "in the 12 months to 31 March 2026", "england": england,
            "region": 81.0, "sn_median": sn_median, "vs_england_95_polarity": vs95, "vs_england_998_polarity": vs998,
            "vs_sn_95": sn, "rank": 3, "n": 11, "quartile": 2}


def scorecard(*results):
    return Scorecard(PERIOD, {r.indicator.id: r for r in results}, None)


__all__ = ["indicator", "quarters", "result", "bench", "scorecard", "PERIOD", "np"]
