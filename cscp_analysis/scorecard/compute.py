"""Computing every indicator of the scorecard for a period.

For each indicator of the registry, from one definition:

* the **quarter's value** with its interval (percentages: Wilson; rates: exact Poisson below 10 events,
  Byar's from 10; counts: none; median days: binomial order-statistic interval), at 95% and 99.8%;
* the **previous quarter**, the **same quarter last year** and the **rolling twelve months**;
* the **SPC series** (monthly where the data allow, quarterly for partners' returns) with each point's
  type and the series' variation and assurance icons (NHS "Making Data Count", ``stats.xmr``);
* the **published benchmarks** (England, region, statistical-neighbour median), whether the partnership
  is significantly higher, lower or similar at 95% and 99.8%, better or worse given polarity, and its
  rank and quartile among its statistical neighbours;
* the **target** status, the **RAG** rating with its reason in words (:mod:`.rag`), and the owning
  agency's **commentary** (flagged when missing).

Rates of events (referrals per 10,000 children) are *annualised* in a quarter or month (× 12 ÷ months)
so that they read on the same scale as the annual rates DfE publishes; rates of a stock (children on a
plan at the quarter end) are not. Method and decisions: ``docs/scorecard.md``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.stats import binom

from ..disclosure import BOARD, audience_of
from ..periods import Period, parse_period
from ..returns.page_notes import commentary_flags_by_row, set_aside_of
from .measures import MEASURES, Events, MeasureData, MeasureError, Windows
from .registry import Indicator, IndicatorError, load_indicators
from .spc import MIN_SPC_POINTS, run_xmr

__all__ = [
    "BOARD_FLAG",
    "CONFIDENCE",
    "ESTIMATE_COLUMNS",
    "IndicatorResult",
    "Scorecard",
    "compute",
    "compute_indicator",
    "commentary_flag_words",
    "tables_read",
    "median_interval",
    "estimates",
    "MIN_SPC_POINTS",
]

CONFIDENCE = (0.95, 0.998)
#: how the board's flag on commentary that seems to give detail about individual children begins
BOARD_FLAG = "Read before publishing"
ESTIMATE_COLUMNS = ["label", "start", "end", "numerator", "denominator", "value", "lower_ci", "upper_ci",
                    "lower_998", "upper_998", "note"]


# ---------------------------------------------------------------------------------------------------
# Statistics of one indicator over a set of windows
# ---------------------------------------------------------------------------------------------------


def median_interval(values, confidence: float = 0.95) -> tuple[float, float, float]:
    """Median with a distribution-free confidence interval from binomial order statistics.

    For n sorted values x(1) ≤ … ≤ x(n), the interval is [x(r), x(n−r+1)] where r is the largest rank
    with P(B ≤ r−1) ≤ (1−c)/2 for B ~ Binomial(n, ½); its coverage is 1 − 2·P(B ≤ r−1) ≥ c (Conover,
    *Practical nonparametric statistics*, 3rd edn, §3.2; Campbell & Gardner in *Statistics with
    confidence*). For n = 10 at 95% that is [x(2), x(9)] (coverage 97.9%). Below the smallest n with
    such an r (6 at 95%) the interval is not defined and NaN is returned for both limits.
    """
    x = np.sort(np.asarray(values, dtype=float))
    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return math.nan, math.nan, math.nan
    med = float(np.median(x))
    alpha = 1 - confidence
    # r - 1 = the largest k with cdf(k) <= alpha / 2
    k = int(binom.ppf(alpha / 2, n, 0.5))
    if binom.cdf(k, n, 0.5) > alpha / 2:
        k -= 1
    r = k + 1
    if r < 1:
        return med, math.nan, math.nan
    return med, float(x[r - 1]), float(x[n - r])


def _percentage(num: np.ndarray, den: np.ndarray, confidence: float):
    from ..stats.intervals import wilson_interval

    ok = den > 0
    x = np.where(ok, num, np.nan)
    n = np.where(ok, den, np.nan)
    lo, hi = wilson_interval(x, n, confidence)
    return np.asarray(lo) * 100, np.asarray(hi) * 100


def _poisson(num: np.ndarray, confidence: float):
    from ..stats.intervals import poisson_interval

    return poisson_interval(num, confidence)


def estimates(ind: Indicator, num: np.ndarray, den: np.ndarray | None, w: Windows,
              values: list[np.ndarray] | None = None) -> pd.DataFrame:
    """The indicator's value and intervals in each window of ``w`` (one row per window).

    ``num``/``den`` are the measures' counts in each window (``den`` is None for a count or median).
    A zero or missing denominator gives a missing value with a note saying why.
    """
    n = len(w)
    num = np.asarray(num, dtype=float)
    den = np.full(n, np.nan) if den is None else np.asarray(den, dtype=float)
    out = pd.DataFrame({"label": list(w.labels), "start": pd.to_datetime(w.start), "end": pd.to_datetime(w.end),
                        "numerator": num, "denominator": den})
    note = np.full(n, "", dtype=object)
    value = np.full(n, np.nan)
    lims = {c: (np.full(n, np.nan), np.full(n, np.nan)) for c in CONFIDENCE}
    stat = ind.statistic
    if stat == "percentage":
        with np.errstate(invalid="ignore", divide="ignore"):
            value = np.where(den > 0, num / den * 100, np.nan)
        over = (num > den) & (den > 0)
        if over.any():
            bad = [w.labels[i] for i in np.flatnonzero(over)[:3]]
            raise IndicatorError(f"indicator {ind.id}: numerator {ind.numerator} is larger than denominator "
                                 f"{ind.denominator} in {', '.join(bad)}: they do not describe the same events")
        for c in CONFIDENCE:
            lims[c] = _percentage(np.where(np.isnan(num), 0, num), den, c)
            lims[c] = tuple(np.where(np.isnan(value), np.nan, v) for v in lims[c])
        note = np.where(den == 0, f"no {_what(ind.denominator)} in the period", note)
    elif stat == "rate":
        spec = MEASURES[ind.numerator.split(":", 1)[0]]
        annual = 12 / w.months if spec.time == "flow" else 1.0
        scale = np.where(den > 0, ind.per * annual / np.where(den > 0, den, 1), np.nan)
        value = num * scale
        for c in CONFIDENCE:
            lo, hi = _poisson(np.where(np.isnan(num), np.nan, num), c)
            lims[c] = (np.asarray(lo) * scale, np.asarray(hi) * scale)
        note = np.where(den == 0, "population not available", note)
    elif stat == "count":
        value = num.copy()
    elif stat == "median_days":
        vals = values if values is not None else [np.array([])] * n
        counts = np.array([v.size for v in vals], dtype=float)
        out["numerator"] = counts
        for i, v in enumerate(vals):
            for c in CONFIDENCE:
                m, lo, hi = median_interval(v, c)
                value[i] = m
                lims[c][0][i], lims[c][1][i] = lo, hi
        note = np.where(counts == 0, "nothing completed in the period", note)
    note = np.where(np.isnan(num) & (note == ""), "no data for the period", note)
    out["value"] = value
    out["lower_ci"], out["upper_ci"] = lims[0.95]
    out["lower_998"], out["upper_998"] = lims[0.998]
    out["note"] = note
    return out[ESTIMATE_COLUMNS]


def clustered_intervals(est: pd.DataFrame, ind: Indicator, num_events, den_events, w: Windows) -> pd.DataFrame:
    """A percentage's intervals allowing for clustering, when its measures name the cluster of each event
    (the case an audit grade belongs to, the child giving a survey answer): answers from one cluster are
    alike, so they are not as many independent answers as their number says.

    In each window, the Wilson interval of the effective counts Y/deff of N/deff, where the design effect
    deff = 1 + (m̃ − 1)·ICC (Kish 1965; ICC by one-way ANOVA, never below 0): ``stats.clustered_proportion``,
    the same interval the quality-assurance page gives the same answers. ``est`` (from :func:`estimates`)
    is returned with its interval columns replaced; unchanged when the measures name no clusters."""
    if ind.statistic != "percentage" or not all(isinstance(e, Events) and e.cluster is not None
                                                for e in (num_events, den_events)):
        return est
    from ..stats import clustered_proportion

    est = est.copy()
    for i, (x, n) in enumerate(zip(num_events.per_cluster(w), den_events.per_cluster(w), strict=True)):  # tens
        if not len(n) or not np.isfinite(est["value"].iloc[i]):
            continue
        clusters = pd.DataFrame({"cluster": n.index.to_numpy(), "n": n.to_numpy(dtype=float),
                                 "x": x.reindex(n.index, fill_value=0).to_numpy(dtype=float)})
        for confidence, (lower, upper) in ((0.95, ("lower_ci", "upper_ci")), (0.998, ("lower_998", "upper_998"))):
            r = clustered_proportion(clusters, "x", "n", "cluster", confidence=confidence, multiplier=100).iloc[0]
            est.loc[est.index[i], [lower, upper]] = [float(r["lower_ci"]), float(r["upper_ci"])]
    return est


def _what(measure_id: str | None) -> str:
    if not measure_id:
        return "events"
    spec = MEASURES.get(measure_id.split(":", 1)[0])
    return spec.noun if spec else measure_id


# ---------------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------------


@dataclass
class IndicatorResult:
    """Everything the scorecard shows for one indicator in one period."""

    indicator: Indicator
    period: Period
    status: str = "ok"  # ok | not_published
    reason: str = ""
    quarters: pd.DataFrame | None = None  # one row per quarter (oldest first), the last is the period
    rolling: pd.DataFrame | None = None  # one row: the twelve months to the period end
    spc: pd.DataFrame | None = None  # the SPC series with point types (None when too short)
    spc_frequency: str = ""
    spc_summary: dict = field(default_factory=dict)
    benchmark: dict = field(default_factory=dict)
    target_status: str = ""  # met | missed | no target | not computable
    rag: str = "grey"
    rag_reason: str = ""
    commentary: str = ""
    commentary_status: str = ""  # provided | missing | not expected | withheld (public pack: all of it flagged)
    # commentary screened as giving detail about individual children (returns.commentary_flags), in words:
    # the board's pack shows it with this flag; the public pack withholds it and says so here
    commentary_flag: str = ""
    # tables this indicator read whose few rejected rows were set aside (returns.set_aside): table -> SetAside
    set_aside: dict = field(default_factory=dict)
    population_note: str = ""
    seconds: float = 0.0
    threshold: int = 5  # disclosure threshold: counts from 1 to this are suppressed
    config: object = field(default=None, repr=False)

    @property
    def counts_as_they_are(self) -> bool:
        """Whether this indicator's counts are published unsuppressed: it counts the partnership's own work
        (``own_work`` in indicators.yaml) and this is the board's pack (``docs/disclosure.md``)."""
        from ..disclosure import shows_own_work

        return bool(self.indicator.own_work) and shows_own_work(self.config)

    # convenient rows ------------------------------------------------------------------------------
    def _q(self, offset: int) -> pd.Series | None:
        if self.quarters is None:
            return None
        label = self.period.shift(offset).label
        sel = self.quarters[self.quarters["label"] == label]
        return sel.iloc[0] if len(sel) else None

    @property
    def current(self) -> pd.Series | None:
        return self._q(0)

    @property
    def previous(self) -> pd.Series | None:
        return self._q(-1)

    @property
    def last_year(self) -> pd.Series | None:
        return self._q(-4)

    @property
    def twelve_months(self) -> pd.Series | None:
        return None if self.rolling is None or not len(self.rolling) else self.rolling.iloc[0]

    @property
    def is_stock(self) -> bool:
        return MEASURES[self.indicator.numerator.split(":", 1)[0]].time == "stock"

    @property
    def comparable(self) -> pd.Series | None:
        """The value compared with annual published benchmarks: the rolling twelve months for events,
        the period-end value for a stock (DfE counts stocks at 31 March)."""
        return self.current if self.is_stock else self.twelve_months

    @property
    def comparable_label(self) -> str:
        if self.is_stock:
            return f"at {self.period.end:%-d %B %Y}"
        s, e = self.period.rolling_twelve_months()
        return f"in the 12 months to {e:%-d %B %Y}"


@dataclass
class Scorecard:
    """The computed scorecard of a period: one :class:`IndicatorResult` per indicator, in registry order."""

    period: Period
    results: dict[str, IndicatorResult]
    config: object = None
    seconds: float = 0.0
    benchmark_year: int | None = None

    def __iter__(self):
        return iter(self.results.values())

    def __len__(self) -> int:
        return len(self.results)

    def __getitem__(self, key: str) -> IndicatorResult:
        try:
            return self.results[key]
        except KeyError:
            raise KeyError(f"no indicator {key!r} in the scorecard; known: {', '.join(self.results)}") from None

    def table(self) -> pd.DataFrame:
        """The scorecard as a tidy table of *unrounded, unsuppressed* values (for analysis inside the
        library; publish with :func:`cscp_analysis.scorecard.publish.published_table`)."""
        from .publish import scorecard_frame

        return scorecard_frame(self)

    def series(self) -> pd.DataFrame:
        """Every indicator's SPC series, long (unsuppressed)."""
        frames = [r.spc.assign(indicator_id=r.indicator.id) for r in self if r.spc is not None]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def findings(self):
        from .narrative import scorecard_findings

        return scorecard_findings(self)


# ---------------------------------------------------------------------------------------------------
# The computation
# ---------------------------------------------------------------------------------------------------


class _Context:
    """Windows and measure results shared by every indicator of one run (each measure counted once)."""

    def __init__(self, returns, period: Period, config, first_period: Period):
        self.period = period
        self.config = config
        self.data = MeasureData(returns, config, period)
        self.returns = returns
        first_q = min(first_period, period.shift(-4))
        self.quarter_periods = [first_q.shift(k) for k in range((period.start_year * 4 + period.quarter)
                                                                - (first_q.start_year * 4 + first_q.quarter) + 1)]
        spc_first = first_period if first_period <= period else period.shift(-3)
        self.spc_periods = [p for p in self.quarter_periods if p >= spc_first]
        self.windows = {
            "quarter": Windows.quarters(self.quarter_periods),
            "rolling12": Windows.rolling([period]),
            "month": Windows.monthly(self.spc_periods),
        }
        self._counts: dict = {}
        # the quarter's commentary by (agency, indicator), read once; rows screened as giving detail about
        # individual children are withheld from the public pack and flagged in the board's
        self.commentary: dict[tuple[str, str], str] = {}
        self.flagged: dict[tuple[str, str], list[str]] = {}  # kinds of detail found, per flagged row
        self.withheld: dict[tuple[str, str], int] = {}  # rows withheld (public pack)
        self.audience = audience_of(config)
        com = getattr(returns, "commentary", None)
        if com is not None and len(com):
            c = com[com["period"].astype(str) == period.label]
            key = c["indicator"].astype("string").fillna("").str.strip()
            kinds = _flag_kinds(c, returns)
            for a, k, t, found in zip(c["agency"].astype(str), key, c["commentary"], kinds, strict=False):  # tens
                if not (isinstance(t, str) and t.strip()):
                    continue
                where = (a, str(k))
                if found:
                    self.flagged.setdefault(where, []).append(found)
                    if self.audience != BOARD:
                        self.withheld[where] = self.withheld.get(where, 0) + 1
                        continue
                self.commentary[where] = (self.commentary.get(where, "") + " " + t.strip()).strip()

    def counts(self, measure_id: str, kind: str) -> np.ndarray:
        key = (measure_id, kind)
        if key not in self._counts:
            self._counts[key] = self.data.get(measure_id).count(self.windows[kind])
        return self._counts[key]

    def values(self, measure_id: str, kind: str) -> list[np.ndarray]:
        key = (measure_id, kind, "values")
        if key not in self._counts:
            self._counts[key] = self.data.get(measure_id).values_in(self.windows[kind])
        return self._counts[key]


def _statutory_gap(ind: Indicator, ctx: _Context) -> str:
    """Why an indicator cannot be computed from the statutory files supplied (``Returns.statutory_gaps``): a
    column it reads that no source recorded. Never computed from a substitute."""
    gaps = getattr(ctx.returns, "statutory_gaps", None) or {}
    if not gaps:
        return ""
    read = set().union(*(ctx.data.reads.get(m, set()) for m in ind.measures))
    hit = sorted(c for c in read if c in gaps)
    return "; ".join(dict.fromkeys(gaps[c] for c in hit))


def tables_read(ind: Indicator, data: MeasureData) -> list[str]:
    """The tables an indicator's measures read: those each measure declares and those whose columns it was
    seen to read (``MeasureData.reads``), in a fixed order."""
    declared = [t for m in ind.measures for t in MEASURES[m.partition(":")[0]].tables]
    seen = sorted({c.split(".", 1)[0] for m in ind.measures for c in data.reads.get(m, set())})
    return list(dict.fromkeys(declared + seen))


def _blocked_reason(ind: Indicator, returns, config) -> str:
    """Why an indicator must not be published: a blocked agency, table or indicator in the returns."""
    blocked = getattr(returns, "blocked", None) or {}
    if not blocked:
        return ""
    keys = {f"indicator:{ind.id}"}
    for mid in ind.measures:
        base, _, arg = mid.partition(":")
        spec = MEASURES[base]
        agency = spec.agency
        if spec.argument == "partner indicator code" and config is not None:
            agency = config.partner_indicators.get(arg, {}).get("agency", "")
            keys |= {f"indicator:{arg}"}
        if agency and spec.kind != "population":
            keys.add(f"agency:{agency}")
        for t in spec.tables:
            keys |= {f"table:{t}", t}
    reasons = [f"{blocked[k]}" for k in sorted(keys) if k in blocked]
    return "; ".join(dict.fromkeys(reasons))


def _blocked_quarters(ind: Indicator, returns, config) -> dict[str, str]:
    """Earlier quarters of a partner indicator that must not be published (``agency:X@Q``,
    ``indicator:C@Q``): shown as gaps in the trend, never as numbers."""
    blocked = getattr(returns, "blocked", None) or {}
    out: dict[str, str] = {}
    for mid in ind.measures:
        base, _, arg = mid.partition(":")
        if MEASURES[base].argument != "partner indicator code" or config is None:
            continue
        agency = config.partner_indicators.get(arg, {}).get("agency", "")
        for key, reason in blocked.items():
            what, _, q = key.partition("@")
            if q and what in (f"agency:{agency}", f"indicator:{arg}"):
                out.setdefault(q, reason)
    return out


def _blank(frame: pd.DataFrame, mask, note: str | pd.Series) -> None:
    frame.loc[mask, ["numerator", "denominator", "value", "lower_ci", "upper_ci", "lower_998", "upper_998"]] = np.nan
    frame.loc[mask, "note"] = note


def _spc_frequency(ind: Indicator) -> str:
    if ind.spc:
        return ind.spc
    return "monthly" if all(MEASURES[m.split(":", 1)[0]].monthly for m in ind.measures) else "quarterly"


def compute_indicator(ind: Indicator, ctx: _Context, reference_dir=None, benchmark_cache: dict | None = None
                      ) -> IndicatorResult:
    """One indicator's result (see the module docstring). Errors name the indicator."""
    t0 = time.perf_counter()
    res = IndicatorResult(ind, ctx.period, threshold=getattr(ctx.config, "suppression_threshold", 5) or 5,
                          config=ctx.config)
    reason = _blocked_reason(ind, ctx.returns, ctx.config)
    if reason:
        res.status, res.reason = "not_published", reason
        res.rag, res.rag_reason = "grey", f"Grey: not published, because {reason}."
        res.target_status = "not computable"
        _attach_commentary(res, ctx)
        res.seconds = time.perf_counter() - t0
        return res
    try:
        def stats_for(kind: str) -> pd.DataFrame:
            w = ctx.windows[kind]
            if ind.statistic == "median_days":
                return estimates(ind, np.zeros(len(w)), None, w, ctx.values(ind.numerator, kind))
            num = ctx.counts(ind.numerator, kind)
            den = ctx.counts(ind.denominator, kind) if ind.denominator else None
            est = estimates(ind, num, den, w)
            if ind.statistic == "percentage" and ind.denominator:  # clustered answers: a wider interval
                est = clustered_intervals(est, ind, ctx.data.get(ind.numerator), ctx.data.get(ind.denominator), w)
            return est

        res.quarters = stats_for("quarter")
        gap = _statutory_gap(ind, ctx)
        if gap:
            res.status, res.reason = "not_published", gap
            res.quarters = res.rolling = None
            res.rag, res.rag_reason = "grey", f"Grey: not published, because {gap}."
            res.target_status = "not computable"
            _attach_commentary(res, ctx)
            res.benchmark = {"status": "none", "note": gap}
            res.seconds = time.perf_counter() - t0
            return res
        res.rolling = stats_for("rolling12")
        gaps = _blocked_quarters(ind, ctx.returns, ctx.config)
        if gaps:
            hit = res.quarters["label"].isin(list(gaps))
            _blank(res.quarters, hit, res.quarters.loc[hit, "label"].map(lambda q: f"not published: {gaps[q]}"))
            if any(ctx.period.shift(-k).label in gaps for k in range(4)):
                _blank(res.rolling, res.rolling.index, "not published: a quarter of the twelve months is blocked")
        freq = _spc_frequency(ind)
        res.spc_frequency = freq
        if freq == "monthly":
            series = stats_for("month")
        else:
            series = res.quarters[res.quarters["label"].isin([p.label for p in ctx.spc_periods])]
        res.spc, res.spc_summary = _spc(ind, series.reset_index(drop=True), ctx.period)
        if ind.denominator and MEASURES[ind.denominator.split(":", 1)[0]].kind == "population":
            pop = ctx.data.get(ind.denominator)
            y = pop.year_for(ctx.period.end)
            res.population_note = (f"population: mid-{y} estimate of {MEASURES[ind.denominator].unit}"
                                   if y else "population: no estimate available")
    except (MeasureError, KeyError, ValueError) as exc:
        if isinstance(exc, IndicatorError) and str(exc).startswith(f"indicator {ind.id}"):
            raise
        raise IndicatorError(f"indicator {ind.id} ({ind.title}): {exc}") from exc
    res.set_aside = set_aside_of(ctx.returns, tables_read(ind, ctx.data))
    from .benchmarks import attach_benchmark
    from .rag import rate_indicator, target_status

    attach_benchmark(res, ctx.config, reference_dir, benchmark_cache)
    if res.benchmark.get("status") == "ok":
        res.benchmark["local_same_year"], res.benchmark["local_same_year_numerator"] = _local_for_year(
            ind, ctx, res, int(res.benchmark["year"]))
    res.target_status = target_status(res)
    res.rag, res.rag_reason = rate_indicator(res)
    _attach_commentary(res, ctx)
    res.seconds = time.perf_counter() - t0
    return res


def _local_for_year(ind: Indicator, ctx: _Context, res: IndicatorResult, year: int) -> tuple[float, float]:
    """The partnership's own value for the year ending 31 March ``year`` (the year DfE's benchmark covers):
    the twelve months to that date for events, the value at that date for a stock; NaN when the extract
    does not reach back so far. Returns the value and its numerator (for disclosure control)."""
    q4 = parse_period(f"{year - 1}-{year % 100:02d}-Q4")
    if res.is_stock:
        row = res.quarters[res.quarters["label"] == q4.label] if res.quarters is not None else []
        return (float(row["value"].iloc[0]), float(row["numerator"].iloc[0])) if len(row) else (math.nan, math.nan)
    if q4.shift(-3) < min(ctx.quarter_periods):
        return math.nan, math.nan
    w = Windows.rolling([q4])
    if ind.statistic == "median_days":
        est = estimates(ind, np.zeros(1), None, w, ctx.data.get(ind.numerator).values_in(w))
    else:
        num = ctx.data.get(ind.numerator).count(w)
        den = ctx.data.get(ind.denominator).count(w) if ind.denominator else None
        est = estimates(ind, num, den, w)
    return float(est["value"].iloc[0]), float(est["numerator"].iloc[0])


# ---------------------------------------------------------------------------------------------------
# SPC
# ---------------------------------------------------------------------------------------------------


def _spc(ind: Indicator, series: pd.DataFrame, period: Period) -> tuple[pd.DataFrame | None, dict]:
    """XmR chart of the series (``stats.xmr``), points without a value left out."""


    return run_xmr(ind, series, period)


# ---------------------------------------------------------------------------------------------------
# Commentary
# ---------------------------------------------------------------------------------------------------


def _partner_codes(ind: Indicator) -> set[str]:
    return {m.split(":", 1)[1] for m in ind.measures if ":" in m}


def commentary_expected(agency: str, config) -> bool:
    """Whether an agency is expected to comment on its indicators each quarter: every agency, children's
    social care included, unless the partnership's configuration lists it under
    ``scorecard.commentary.not_expected_from`` (the business unit, which writes the pack's own narrative)."""
    raw = getattr(config, "raw", None) or {}
    excused = ((raw.get("scorecard") or {}).get("commentary") or {}).get("not_expected_from") or []
    return agency not in set(map(str, excused))


def _flag_kinds(commentary: pd.DataFrame, returns) -> list[str]:
    """For each commentary row, the kinds of child-level detail the screen found in it, in words ("" when
    none), joined on the row's file and row (``Returns.commentary_withheld``)."""
    flags = commentary_flags_by_row(returns)
    if not flags or "_file" not in commentary.columns or "_row" not in commentary.columns:
        return [""] * len(commentary)
    return [flags.get((str(f), int(r)), "") if pd.notna(r) else ""
            for f, r in zip(commentary["_file"], commentary["_row"], strict=True)]


def commentary_flag_words(kinds: list[str], audience: str, shown: bool = False) -> str:
    """What the scorecard says beside commentary the screen flagged (never the words it found).

    Board: the commentary is shown, with a flag to read it before anything is published. Public: it is
    withheld for review, and the page says so in place of the words.
    """
    if not kinds:
        return ""
    found = "; ".join(dict.fromkeys("; ".join(kinds).split("; ")))
    if audience == BOARD:
        return (f"{BOARD_FLAG}: this commentary seems to give detail about individual children ({found}). "
                "The public pack withholds it until it has been reviewed.")
    part = "Part of the agency's commentary was" if shown else "The agency's commentary was"
    return (f"{part} withheld for review: it seemed to give detail about individual children, so it is not "
            "published until the agency has rewritten it.")


def _attach_commentary(res: IndicatorResult, ctx: _Context) -> None:
    ind = res.indicator
    keys = [(ind.agency, k) for k in sorted({ind.id} | _partner_codes(ind))]
    text = " ".join(ctx.commentary.get(k, "") for k in keys).strip()
    kinds = [x for k in keys for x in ctx.flagged.get(k, [])]
    withheld = sum(ctx.withheld.get(k, 0) for k in keys)
    res.commentary = text
    res.commentary_flag = commentary_flag_words(kinds, ctx.audience, shown=bool(text))
    expected = ind.commentary if ind.commentary is not None else commentary_expected(ind.agency, ctx.config)
    if text:
        res.commentary_status = "provided"
    elif withheld:
        res.commentary_status = "withheld"
    elif expected:
        res.commentary_status = "missing"
    else:
        res.commentary_status = "not expected"


# ---------------------------------------------------------------------------------------------------
# The whole scorecard
# ---------------------------------------------------------------------------------------------------


def compute(returns, period: str | Period, config, indicators: list[Indicator] | None = None, *,
            reference_dir=None, first_period: str | Period | None = None) -> Scorecard:
    """Compute every indicator for ``period``.

    ``returns`` is the validated returns (``cscp_analysis.returns.Returns``: ``.tables``, ``.partner``,
    ``.commentary``, ``.blocked``); ``config`` the partnership's configuration; ``indicators`` the
    registry (default: ``indicators.yaml`` beside the configuration; the pipeline loads and checks it
    once before any notebook runs). ``first_period`` (default the configuration's ``periods.first``)
    is where the SPC series start.
    """
    t0 = time.perf_counter()
    period = parse_period(str(period)) if not isinstance(period, Period) else period
    if indicators is None:
        where = config.path.parent if config is not None and getattr(config, "path", None) else None
        indicators = load_indicators(where, config=config)
    first = parse_period(str(first_period)) if first_period else (
        parse_period(config.first_period) if config is not None else period.shift(-11))
    ctx = _Context(returns, period, config, first)
    indicators = [ind for ind in indicators if ind.in_force_at(period)]  # retired ones stay in earlier quarters
    results = {ind.id: compute_indicator(ind, ctx, reference_dir) for ind in indicators}
    years = [r.benchmark.get("year") for r in results.values() if r.benchmark.get("year")]
    return Scorecard(period, results, config, time.perf_counter() - t0, max(years) if years else None)
