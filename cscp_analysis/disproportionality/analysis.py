"""Every disproportionality table for one period, from plain DataFrames.

:func:`analyse` takes the record-level extract (a mapping of schema names to DataFrames: ``children``,
``referrals``, ``assessments``, ``section47``, ``icpc``, ``cp_plans``, ``cla_periods``,
``missing_episodes``), the ``population`` table and the period, and returns a :class:`Results` holding
unrounded tables. Publication (disclosure control) is :mod:`.publish`; sentences are
:mod:`.findings`. It never reads a file, so the loader's validated tables, a test's hand-made cohort
and a benchmark's twelve-million-child extract all go through the same code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from ..periods import parse_period
from ..returns.page_notes import set_aside_of
from . import cohorts, quality, statistics
from .trend import trend as _trend

__all__ = ["Results", "analyse", "analyse_returns"]


@dataclass
class Results:
    """Unrounded results of :func:`analyse` (every table carries a ``window`` column where relevant)."""

    period: str
    reference: str
    reference_label: str
    windows: list[cohorts.Window]
    population_years: dict[str, int]
    rates: pd.DataFrame  # every window, stage, characteristic and group
    decisions: pd.DataFrame  # decision points, every window
    age_standardised: pd.DataFrame  # latest window, ethnic groups
    sensitivity: pd.DataFrame  # latest window, ethnic groups
    data_quality: pd.DataFrame  # every window and stage
    trend_series: pd.DataFrame
    trend_summary: pd.DataFrame
    partner: pd.DataFrame | None = None
    notes: dict = field(default_factory=dict)
    min_children: int = 10
    missing_warning_pct: float = 5.0
    confidence: float = 0.95
    threshold: int = 5

    @property
    def latest(self) -> str:
        return self.windows[-1].label

    def latest_rates(self) -> pd.DataFrame:
        return self.rates[self.rates["window"] == self.latest].reset_index(drop=True)

    def latest_decisions(self) -> pd.DataFrame:
        return self.decisions[self.decisions["window"] == self.latest].reset_index(drop=True)

    def latest_quality(self) -> pd.DataFrame:
        return self.data_quality[self.data_quality["window"] == self.latest].reset_index(drop=True)


def analyse(
    tables: Mapping[str, pd.DataFrame],
    population: pd.DataFrame,
    period,
    *,
    reference: str = "WBRI",
    quarters: int = 8,
    data_start: date | None = None,
    min_children: int = 10,
    missing_warning_pct: float = 5.0,
    confidence: float = 0.95,
    intersections: bool = True,
    partner: pd.DataFrame | None = None,
    partner_indicators: Mapping[str, Mapping] | None = None,
    stages: tuple[str, ...] | None = None,
    threshold: int = 5,
    partner_suppressed: pd.DataFrame | None = None,
) -> Results:
    """All disproportionality tables for the rolling twelve months ending ``period`` and the
    ``quarters - 1`` quarters before it (windows starting before ``data_start`` are left out; by
    default ``data_start`` is the first day of the extract's first quarter with any event).

    ``reference``: a DfE ethnicity code (``WBRI``), an ONS major group, or ``"all other children"``.
    ``partner_suppressed``: breakdown rows the partners suppressed themselves (``Returns.partner_suppressed``),
    shown as suppressed by the partner in the partners' breakdowns, never counted as zero.
    """
    per = parse_period(period)
    ex = cohorts.prepare(tables)
    if data_start is None:
        first = ex.first_day()
        if first is None:
            raise ValueError("analyse: the extract has no events")
        from ..periods import period_of

        data_start = period_of(pd.Timestamp(np.datetime64(first, "D"))).start
    ws = cohorts.windows(per, quarters, data_start)
    if not ws:
        raise ValueError(f"analyse: the extract starts on {data_start}, too late for a twelve-month window ending {per}")
    gs = cohorts.groupings(reference, intersections=intersections)
    trend_gs = [g for g in gs if g.characteristic in ("ethnicity_major", "ethnicity")]
    stage_keys = tuple(stages) if stages else tuple(s.key for s in cohorts.STAGES)
    rate_frames, dec_frames, quality_rows, pop_years = [], [], [], {}
    latest = ws[-1]
    for w in ws:
        year = cohorts.population_year(population, w.start, w.end)
        pop_years[w.label] = year
        P = cohorts.population_array(population, year)
        use = gs if w is latest else trend_gs
        for key in stage_keys:
            rate_frames.append(cohorts.count_stage(ex, key, w, use, P))
            quality_rows.append(cohorts.ethnicity_quality(ex, key, w))
            if cohorts.stage(key).previous is not None and cohorts.stage(key).previous in stage_keys:
                dec_frames.append(cohorts.count_decision(ex, key, w, use))
    rates = statistics.rates(pd.concat(rate_frames, ignore_index=True), min_children=min_children, confidence=confidence)
    if dec_frames:
        decisions = statistics.decision_points(pd.concat(dec_frames, ignore_index=True), min_children=min_children,
                                       confidence=confidence)
    else:  # no two consecutive stages analysed
        decisions = pd.DataFrame(columns=["window", "stage", "previous", "characteristic", "group", "group_label",
                                          "stratum", "ref_group", "reference_label", "in_others", "is_reference",
                                          "previous_children", "children", "ref_previous_children", "ref_children",
                                          "proportion", "ratio", "ratio_p", "ratio_p_adjusted", "too_few", "label"])
    # one false-discovery family per question, across the two tables (statistics.QUESTIONS)
    statistics.adjust_questions(rates, decisions, min_children=min_children)
    # age-standardised rates, latest window, ethnic groups
    P = cohorts.population_array(population, pop_years[latest.label])
    asr = []
    for key in stage_keys:
        for g in trend_gs:
            counts, popb, std = cohorts.count_by_age(ex, key, latest, g, P)
            d = statistics.age_standardised(counts, popb, std, confidence=confidence)
            d.insert(0, "group", list(g.groups))
            d.insert(0, "characteristic", g.characteristic)
            d.insert(0, "stage", key)
            d.insert(0, "window", latest.label)
            ref = np.asarray(g.reference)
            if (ref >= 0).all():
                d["dsr_ratio"] = d["dsr"].to_numpy() / d["dsr"].to_numpy()[ref]
            else:  # all other children: standardise each group's complement
                rest = statistics.age_standardised(counts.sum(0) - counts, popb.sum(0) - popb, std, confidence=confidence)
                d["dsr_ratio"] = d["dsr"].to_numpy() / rest["dsr"].to_numpy()
            asr.append(d)
    age_std = pd.concat(asr, ignore_index=True)
    latest_rates = rates[rates["window"] == latest.label]
    age_std = age_std.merge(latest_rates[["window", "stage", "characteristic", "group", "group_label", "children",
                                          "rri", "label"]],
                            on=["window", "stage", "characteristic", "group"], how="left")
    with np.errstate(divide="ignore", invalid="ignore"):
        age_std["age_profile_differs"] = np.abs(np.log(age_std["dsr_ratio"] / age_std["rri"])) > np.log(1.1)
    sens = quality.sensitivity(rates[rates["window"] == latest.label],
                               decisions=decisions[decisions["window"] == latest.label] if len(decisions) else None,
                               min_children=min_children, confidence=confidence)
    dq = quality.data_quality(pd.DataFrame(quality_rows), sens, missing_warning_pct)
    series, summary = _trend(rates, [w.label for w in ws], confidence=confidence)
    from .publish import masks

    masks(rates, decisions, dq, threshold)
    part = None
    if (partner is not None and len(partner)) or (partner_suppressed is not None and len(partner_suppressed)):
        from .partners import partner_breakdowns

        part = partner_breakdowns(partner if partner is not None else partner_suppressed.iloc[0:0], population, per,
                                  indicators=partner_indicators or {}, reference=reference, min_children=min_children,
                                  confidence=confidence, suppressed=partner_suppressed)
    ref_label = next(g.reference_label for g in gs if g.characteristic == "ethnicity_major")
    return Results(str(per), reference, ref_label, ws, pop_years, rates, decisions, age_std, sens, dq, series, summary,
                   part, dict(ex.notes), min_children, missing_warning_pct, confidence, threshold)


def analyse_returns(returns, config, period=None, **kw) -> Results:
    """:func:`analyse` on the loader's validated returns with the partnership's configuration.

    Parts the loader blocked are left out: a blocked table of the extract is analysed as empty (its
    stage shows no children, and ``notes['blocked']`` says why), and a partner's figures for a quarter
    whose return or indicator is blocked are dropped (the partner table's ``quarters`` column then
    shows fewer than four).
    """
    tables = dict(returns.tables)
    per = period or getattr(returns, "period", None)
    blocked = {}
    is_blocked = getattr(returns, "blocked_reason", None)
    for stg in cohorts.STAGES:
        reason = is_blocked(table=stg.table) if is_blocked else None
        if reason:
            blocked[stg.table] = reason
            tables[stg.table] = tables[stg.table].iloc[0:0] if stg.table in tables else None
    partner = _unblocked(tables.get("partner_return"), is_blocked)
    suppressed = _unblocked(getattr(returns, "partner_suppressed", None), is_blocked)
    first = parse_period(config.first_period).start if getattr(config, "first_period", None) else None
    res = analyse(
        tables, tables["population"], per,
        reference=config.reference_group,
        min_children=config.min_children_for_group,
        missing_warning_pct=config.missing_ethnicity_warning_pct,
        threshold=config.suppression_threshold,
        partner=partner,
        partner_indicators=config.partner_indicators,
        partner_suppressed=suppressed,
        data_start=kw.pop("data_start", first),
        **kw,
    )
    res.notes["blocked"] = blocked
    # the tables of the extract whose few rejected rows were set aside: every section says so (page.py)
    res.notes["set_aside"] = set_aside_of(returns, ["children", *(stg.table for stg in cohorts.STAGES)])
    return res


def _unblocked(partner: pd.DataFrame | None, is_blocked) -> pd.DataFrame | None:
    """A partner's rows without those of a quarter whose return or indicator is blocked."""
    if partner is None or not len(partner) or not is_blocked:
        return partner
    keys = partner[["agency", "indicator", "period"]].drop_duplicates()
    bad = [(a, i, p) for a, i, p in keys.itertuples(index=False) if is_blocked(agency=a, indicator=i, period=str(p))]
    if not bad:
        return partner
    drop = pd.MultiIndex.from_tuples(bad)
    idx = pd.MultiIndex.from_frame(partner[["agency", "indicator", "period"]].astype(str))
    return partner[~idx.isin(drop)]
