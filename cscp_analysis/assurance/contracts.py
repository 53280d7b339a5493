"""Provider lens: contract monitoring of commissioned services, which "can also provide safeguarding
intelligence and is reported to the Audit and Performance Subgroup".

* Reviews held in **the twelve months to the period end**; each rates the provider against the
  safeguarding standards (met, partly met, not met) and records any safeguarding concern raised.
* **Standards met by service type**, with an interval that allows for the standards of one review being
  alike (a good provider meets most of them): the design-effect Wilson interval with the review as the
  cluster (``stats.clustered_proportion``).
* **Each service type against the others together**: the difference in the share met, tested with both
  shares' counts divided by their design effects (Rao and Scott's first-order correction of the
  two-proportion test for clustered samples; ``stats.two_proportion_test`` on the effective counts), the
  p-values adjusted by Benjamini–Hochberg across the service types.
* **Providers** with the standards each met at its latest review in the twelve months, and the concerns
  raised.

Providers are organisations: the tables are formatted, not suppressed (docs/assurance.md §3.9).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..narrative import Finding
from ..periods import Period, PeriodWords, parse_period
from ..sections import Section
from ._common import ROLLING, in_window, missing_section, needs_columns, register, states_set_aside, worded
from ._compare import ALPHA, p_of, published_comparison

__all__ = ["SERVICE_LABELS", "ratings_in_period", "by_service_type", "by_provider", "section", "findings"]

SOURCE = "the commissioners' contract-monitoring register"
SERVICE_LABELS = {
    "childrens_home": "Children's homes", "fostering_agency": "Independent fostering agencies",
    "supported_accommodation": "Supported accommodation (16 and 17)", "short_breaks": "Short breaks",
    "alternative_provision": "Alternative provision", "home_to_school_transport": "Home to school transport",
    "youth_services": "Youth services",
}
ALL = "All services"
NOT_MET_PROVIDER = 2  # a provider not meeting this many standards at its latest review is named
_LENS, _SRC = "provider", "assurance"


def ratings_in_period(cm: pd.DataFrame, period: str | Period, window: str = ROLLING) -> pd.DataFrame:
    """Rows (review × standard) of reviews held in the window, with ``service`` in words."""
    needs_columns(cm, ("review_id", "review_date", "provider", "service_type", "standard_id", "rating",
                       "concern_raised"), "contract_monitoring")
    r = cm.loc[in_window(cm["review_date"], period, window)].copy()
    r["service"] = r["service_type"].astype("string").map(lambda s: SERVICE_LABELS.get(s, s))
    r["met"] = (r["rating"].astype("string") == "met").fillna(False).astype(int)
    return r.reset_index(drop=True)


def by_service_type(cm: pd.DataFrame, period: str | Period) -> pd.DataFrame:
    """Standards met by service type, with clustered intervals and the comparison with the other types.

    Columns: ``service``, ``providers``, ``reviews``, ``rated``, ``met``, ``partly_met``, ``not_met``,
    ``concerns``, ``pct`` (met), ``lower_ci``, ``upper_ci``, ``design_effect``, then the columns of
    :func:`._compare.against_the_rest` from ``pct_rest``; the last row is "All services".
    """
    from ..stats import bh_adjust, clustered_proportion, two_proportion_test

    r = ratings_in_period(cm, period)
    cols = ["service", "providers", "reviews", "rated", "met", "partly_met", "not_met", "concerns", "pct", "lower_ci",
            "upper_ci", "design_effect", "pct_rest", "difference_pp", "difference_lower", "difference_upper", "p_value",
            "p_adjusted"]
    if r.empty:
        return pd.DataFrame(columns=cols)
    rating = r["rating"].astype("string")
    counts = pd.DataFrame({"service": r["service"], "providers": r["provider"].astype("string"),
                           "reviews": r["review_id"].astype("string"), "rated": 1, "met": r["met"],
                           "partly_met": (rating == "partly_met").fillna(False).astype(int),
                           "not_met": (rating == "not_met").fillna(False).astype(int),
                           "concerns": (r["concern_raised"].astype("string") == "Y").fillna(False).astype(int)})
    agg = {"providers": "nunique", "reviews": "nunique", "rated": "sum", "met": "sum", "partly_met": "sum",
           "not_met": "sum", "concerns": "sum"}
    g = counts.groupby("service", sort=True).agg(agg)
    g.loc[ALL] = counts.agg(agg)
    g = g.rename_axis("service").reset_index()
    services = g["service"].tolist()[:-1]
    # each type, the rest of the register for each type, and everything: one clustered call
    answers = r[["service", "review_id", "met"]].assign(one=1)
    rest = pd.concat([answers.loc[answers["service"] != s].assign(service=f"rest of {s}") for s in services])
    both = pd.concat([answers, rest, answers.assign(service=ALL)], ignore_index=True)
    cl = clustered_proportion(both, "met", "one", "review_id", group_by="service", multiplier=100).set_index("service")
    own = cl.reindex(g["service"])
    g["pct"], g["lower_ci"], g["upper_ci"] = own["value"].to_numpy(), own["lower_ci"].to_numpy(), own["upper_ci"].to_numpy()
    g["design_effect"] = own["design_effect"].to_numpy()
    others = cl.reindex([f"rest of {s}" for s in services] + [None])
    has = others["denominator"].notna().to_numpy() & (others["denominator"].fillna(0) > 0).to_numpy()
    d, dl, du, p = (np.full(len(g), np.nan) for _ in range(4))
    if has.any():
        res = two_proportion_test(
            (others["numerator"] / others["design_effect"]).to_numpy()[has],
            (others["denominator"] / others["design_effect"]).to_numpy()[has],
            (g["met"] / g["design_effect"]).to_numpy()[has], (g["rated"] / g["design_effect"]).to_numpy()[has])
        d[has], dl[has], du[has] = (100 * np.asarray(v, float) for v in res)
        p[has] = np.asarray(res.p_value, float)
    g["pct_rest"] = others["value"].to_numpy()
    g["difference_pp"], g["difference_lower"], g["difference_upper"], g["p_value"] = d, dl, du, p
    g["p_adjusted"] = bh_adjust(p)
    return g[cols]


def by_provider(cm: pd.DataFrame, period: str | Period) -> pd.DataFrame:
    """Each provider's latest review in the window: ``provider``, ``service``, ``review_date``, ``rated``, ``met``,
    ``partly_met``, ``not_met``, ``pct_met``, ``concerns``; by service, then the share met (lowest first)."""
    r = ratings_in_period(cm, period)
    if r.empty:
        return pd.DataFrame(columns=["provider", "service", "review_date", "rated", "met", "partly_met", "not_met",
                                     "pct_met", "concerns"])
    latest = r.groupby("provider")["review_date"].transform("max")
    r = r.loc[r["review_date"] == latest]
    rating = r["rating"].astype("string")
    t = pd.DataFrame({"provider": r["provider"].astype("string"), "service": r["service"],
                      "review_date": pd.to_datetime(r["review_date"]), "rated": 1, "met": r["met"],
                      "partly_met": (rating == "partly_met").astype(int), "not_met": (rating == "not_met").astype(int),
                      "concerns": (r["concern_raised"].astype("string") == "Y").astype(int)})
    g = t.groupby(["provider", "service", "review_date"], sort=True)[["rated", "met", "partly_met", "not_met",
                                                                      "concerns"]].sum().reset_index()
    g["pct_met"] = 100 * g["met"] / g["rated"]
    g = g.sort_values(["service", "pct_met", "provider"], kind="mergesort").reset_index(drop=True)
    return g[["provider", "service", "review_date", "rated", "met", "partly_met", "not_met", "pct_met", "concerns"]]


# --- the section ------------------------------------------------------------------------------------

_TYPE_WORDS = {"service": "Service type", "providers": "Providers", "reviews": "Reviews", "rated": "Standards rated",
               "met": "Met", "partly_met": "Partly met", "not_met": "Not met", "concerns": "Concerns raised",
               "pct": "Met (%)", "lower_ci": "95% interval from", "upper_ci": "to",
               "difference_pp": "Difference from other services (points)", "p_adjusted": "p (adjusted)"}
_PROVIDER_WORDS = {"provider": "Provider", "service": "Service type", "review_date": "Latest review",
                   "rated": "Standards rated", "met": "Met", "partly_met": "Partly met", "not_met": "Not met",
                   "pct_met": "Met (%)", "concerns": "Concerns raised"}


@states_set_aside("contract_monitoring")
def section(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> Section:
    """The contract-monitoring section: standards met by service type and provider (lens: provider)."""
    from ..charts import assurance as assurance_charts
    from .publish import format_only

    p = parse_period(period)
    w = words or PeriodWords.quarter(p)
    sec = Section("contract_monitoring", "Contract monitoring of commissioned services", _LENS, period=w.label,
                  source=SOURCE, window=f"contract-monitoring reviews held in {w.twelve_months}")
    cm = register(returns_or_tables, "contract_monitoring")
    if cm is None:
        return missing_section(sec, "contract_monitoring")
    types = sec.add_table("assurance_contracts_by_service", f"Contract monitoring: safeguarding standards met by type of "
                          f"service, {w.twelve_months}", published_comparison(by_service_type(cm, p), ALL, "service"))
    sec.tables[-1].view = worded(types, _TYPE_WORDS)
    if len(types):
        tot = types.iloc[-1]
        sec.tables[-1].summary = (f"{tot['reviews']} reviews of {tot['providers']} providers in {w.twelve_months} "
                                  f"rated {tot['rated']} standards: {tot['pct']}% were met, and {tot['concerns']} "
                                  "safeguarding concerns were raised.")
    providers = format_only(by_provider(cm, p), {"pct_met": 1})
    sec.add_table("assurance_contracts_by_provider", f"Contract monitoring: each provider's latest review in "
                  f"{w.twelve_months}", providers, view=worded(providers, _PROVIDER_WORDS),
                  summary="Each provider's latest review: standards met, partly met and not met, and concerns raised "
                          "(lowest share met first within each type of service).")
    if len(types) > 1:
        chart_data = types.iloc[:-1]
        sec.add_figure(
            "assurance_contracts_chart", f"Safeguarding standards met by type of service, {w.twelve_months}",
            f"Stacked bar chart, one bar per type of commissioned service, of the share of safeguarding standards met, "
            f"partly met and not met at the reviews of {w.twelve_months}; across all services {types.iloc[-1]['pct']}% "
            "were met.",
            "assurance_contracts_by_service",
            lambda: assurance_charts.rating_bars(chart_data, "service", title="Safeguarding standards by type of service",
                                                 source="contract monitoring"))
    sec.findings = _findings(types, providers, w)
    return sec


def findings(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> list[Finding]:
    """Findings about contract monitoring (rules CON-01 to CON-04, docs/assurance.md)."""
    return section(returns_or_tables, period, config, words).findings


def _num(v) -> float:
    from .publish import number

    return number(v)


def _findings(types: pd.DataFrame, providers: pd.DataFrame, w: PeriodWords) -> list[Finding]:
    if not len(types):
        return [Finding("needs_to_happen", f"No contract-monitoring review was recorded in {w.twelve_months}.", _LENS,
                        _SRC, "table assurance_contracts_by_service", rule="CON-01", weight=0.6)]
    tot, body = types.iloc[-1], types.iloc[:-1]
    out = [Finding("context", f"{tot['reviews']} contract-monitoring reviews of {tot['providers']} commissioned providers "
                   f"in {w.twelve_months} found {tot['pct']}% of safeguarding standards met (95% interval "
                   f"{tot['lower_ci']}% to {tot['upper_ci']}%).", _LENS, _SRC, "table assurance_contracts_by_service",
                   rule="CON-01")]
    pa, diff = body["p_adjusted"].map(p_of), body["difference_pp"].map(_num)
    for r in body.loc[(pa < ALPHA) & (diff < 0)].itertuples():
        out.append(Finding("worried", f"{r.service} met {r.pct}% of safeguarding standards (95% interval {r.lower_ci}% "
                           f"to {r.upper_ci}%) against {r.pct_rest}% for the other commissioned services: "
                           f"{abs(_num(r.difference_pp)):.1f} points lower, more than chance would explain.", _LENS, _SRC,
                           "table assurance_contracts_by_service", rule="CON-02", weight=0.8))
    concerns = body.loc[body["concerns"].map(_num) > 0].sort_values("concerns", key=lambda s: s.map(_num),
                                                                     ascending=False, kind="mergesort")
    if len(concerns):
        out.append(Finding("needs_to_happen", f"{tot['concerns']} safeguarding concerns were raised at contract "
                           "monitoring (" + "; ".join(f"{r.service} {r.concerns}" for r in concerns.itertuples())
                           + "): the Audit and Performance subgroup should see how each was followed up.", _LENS, _SRC,
                           "table assurance_contracts_by_service", rule="CON-03", weight=0.5))
    weak = providers.loc[providers["not_met"].map(_num) >= NOT_MET_PROVIDER]
    if len(weak):
        out.append(Finding("worried", f"{len(weak)} providers did not meet {NOT_MET_PROVIDER} or more safeguarding "
                           "standards at their latest review: " + "; ".join(
                               f"{r.provider} ({r.service}, {r.not_met} not met)" for r in weak.itertuples()) + ".",
                           _LENS, _SRC, "table assurance_contracts_by_provider", rule="CON-04", weight=0.6))
    return out
