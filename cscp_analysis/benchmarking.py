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

import difflib
import functools
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import reference as ref
from .errors import CscpError

__all__ = [
    "Measure",
    "MEASURES",
    "BOUNDARY_CHANGES",
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

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT_DIR = PROJECT_ROOT / "outputs"

OUTPUT_COLUMNS = [
    "measure", "year", "area_type", "area_code", "area_name", "value",
    "value_num", "status", "n_neighbours",
    "measure_title", "unit", "source",
]  # fmt: skip
AREA_TYPES = ("la", "region", "england", "sn_median")
ENGLAND_CODE = "E92000001"
LONDON_CODE, LONDON_NAME = "E12000007", "London"
INNER_OUTER_LONDON = ("E13000001", "E13000002")

PER_10K = "per 10,000 children aged 0-17"


class BenchmarkError(CscpError, ValueError):
    """A request we cannot answer (unknown authority, year outside the data); the message says why."""


# ---------------------------------------------------------------------------------------------------
# The measures
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """One published annual measure.

    ``kind`` is ``"rate"`` (``numerator`` count ÷ ONS 0–17 population of the previous mid-year ×
    ``multiplier``) or ``"published"`` (DfE's own ``value_column``; ``numerator`` ÷ sum of
    ``denominator`` columns × ``multiplier`` is its definition, used to check it and to combine
    predecessor authorities). ``polarity`` is a hint for the scorecard: ``lower_is_better``,
    ``higher_is_better`` or ``neither`` (context: a rate of need or intervention is neither).
    """

    id: str
    title: str
    unit: str
    decimals: int
    polarity: str
    table: str
    kind: str
    numerator: str
    denominator: tuple[str, ...] = ()
    value_column: str | None = None
    multiplier: float = 10_000
    row_filter: tuple[str, str] | None = None
    definition: str = ""

    @property
    def source_file(self) -> str:
        return ref.FILES[self.table]

    @property
    def source(self) -> str:
        cols = self.value_column if self.kind == "published" else self.numerator
        extra = "; ONS mid-year 0-17 population of the previous year" if self.kind == "rate" else ""
        filt = f" ({self.row_filter[0]} = {self.row_filter[1]!r})" if self.row_filter else ""
        return f"{self.source_file}: {cols}{filt}{extra}"


_M = [
    Measure(
        id="cin_rate",
        title="Children in need at 31 March",
        unit=PER_10K,
        decimals=1,
        polarity="neither",
        table="b1",
        kind="rate",
        numerator="At31_episodes",
        definition=(
            "Children in need at 31 March (CIN census episodes open at 31 March; a child has at most one open"
            " episode) per 10,000 children aged 0-17. DfE Characteristics of children in need, table B1."
        ),
    ),
    Measure(
        id="referral_rate",
        title="Referrals to children's social care in the year",
        unit=PER_10K,
        decimals=1,
        polarity="neither",
        table="c1",
        kind="rate",
        numerator="referral_count",
        definition=(
            "Referrals starting in the year ending 31 March (referrals, not children) per 10,000 children "
            "aged 0-17. DfE Characteristics of children in need, table C1."
        ),
    ),
    Measure(
        id="rereferral_pct",
        title="Re-referrals within 12 months of a previous referral",
        unit="%",
        decimals=1,
        polarity="lower_is_better",
        table="c1",
        kind="published",
        numerator="rereferral_count",
        denominator=("referral_count",),
        value_column="rereferral_percent",
        multiplier=100,
        definition=(
            "Referrals in the year that were within 12 months of a previous referral of the same child, as a "
            "percentage of all referrals in the year. DfE Characteristics of children in need, table C1."
        ),
    ),
    Measure(
        id="s47_rate",
        title="Section 47 enquiries started in the year",
        unit=PER_10K,
        decimals=1,
        polarity="neither",
        table="c4",
        kind="rate",
        numerator="Section47",
        definition=(
            "Section 47 enquiries starting in the year (enquiries, not children) per 10,000 children aged "
            "0-17. DfE Characteristics of children in need, table C4 (D1 in the publication)."
        ),
    ),
    Measure(
        id="icpc_rate",
        title="Initial child protection conferences in the year",
        unit=PER_10K,
        decimals=1,
        polarity="neither",
        table="c4",
        kind="rate",
        numerator="ICPC",
        definition=(
            "Initial child protection conferences held in the year (conferences, not children) per 10,000 "
            "children aged 0-17. DfE Characteristics of children in need, table C4."
        ),
    ),
    Measure(
        id="cpp_rate",
        title="Children on a child protection plan at 31 March",
        unit=PER_10K,
        decimals=1,
        polarity="neither",
        table="d5",
        kind="rate",
        numerator="CPP_At31",
        definition=(
            "Children who were the subject of a child protection plan at 31 March per 10,000 children aged "
            "0-17. DfE Characteristics of children in need, table D5."
        ),
    ),
    Measure(
        id="cpp_subsequent_pct",
        title="Child protection plans that were a second or subsequent plan",
        unit="%",
        decimals=1,
        polarity="lower_is_better",
        table="d3",
        kind="published",
        numerator="CPP_subsequent",
        denominator=("CPP_start",),
        value_column="CPP_subsequent_percent",
        multiplier=100,
        definition=(
            "Child protection plans starting in the year that were a second or subsequent plan for the child "
            "(any time previously), as a percentage of plans starting in the year. DfE table D3."
        ),
    ),
    Measure(
        id="cpp_2yrs_pct",
        title="Child protection plans at 31 March lasting 2 years or more",
        unit="%",
        decimals=1,
        polarity="lower_is_better",
        table="d5",
        kind="published",
        numerator="2_years_or_more",
        denominator=("CPP_At31",),
        value_column="2_years_or_more_percent",
        multiplier=100,
        definition=(
            "Child protection plans open at 31 March that had lasted 2 years or more, as a percentage of "
            "plans open at 31 March. DfE table D5. (Not the LAIT measure on plans *ceasing* after 2 years or "
            "more, table D4, which is not in the reference data.)"
        ),
    ),
    Measure(
        id="cla_rate",
        title="Children looked after at 31 March",
        unit=PER_10K,
        decimals=0,
        polarity="neither",
        table="cla",
        kind="rate",
        numerator="children_count",
        row_filter=("population_type", "Children looked after on 31 March each year"),
        definition=(
            "Children looked after at 31 March per 10,000 children aged 0-17, whole numbers as DfE publishes."
            " DfE Children looked after in England, cla_number_and_rate_per_10k_children."
        ),
    ),
    Measure(
        id="cla_start_rate",
        title="Children starting to be looked after in the year",
        unit=PER_10K,
        decimals=0,
        polarity="neither",
        table="cla",
        kind="rate",
        numerator="children_count",
        row_filter=("population_type", "Children starting to be looked after each year"),
        definition=(
            "Children starting to be looked after in the year ending 31 March (children, not episodes) per "
            "10,000 children aged 0-17, whole numbers as DfE publishes. DfE Children looked after in England."
        ),
    ),
    Measure(
        id="cla_cease_rate",
        title="Children ceasing to be looked after in the year",
        unit=PER_10K,
        decimals=0,
        polarity="neither",
        table="cla",
        kind="rate",
        numerator="children_count",
        row_filter=("population_type", "Children ceasing to be looked after each year"),
        definition=(
            "Children ceasing to be looked after in the year ending 31 March per 10,000 children aged 0-17, "
            "whole numbers as DfE publishes. DfE Children looked after in England."
        ),
    ),
    Measure(
        id="sw_caseload",
        title="Average caseload of children's social workers",
        unit="cases per case-holding FTE",
        decimals=1,
        polarity="lower_is_better",
        table="workforce",
        kind="published",
        numerator="cases",
        denominator=("case_holders_fte",),
        value_column="caseload_fte",
        multiplier=1,
        definition=(
            "Cases held by children and family social workers at 30 September, divided by the FTE of social "
            "workers holding cases. DfE Children's social work workforce (year 2025 = 30 September 2024)."
        ),
    ),
    Measure(
        id="sw_turnover_pct",
        title="Social worker turnover rate (FTE)",
        unit="%",
        decimals=1,
        polarity="lower_is_better",
        table="workforce",
        kind="published",
        numerator="leavers_fte",
        denominator=("inpost_fte",),
        value_column="turnover_rate_fte",
        multiplier=100,
        definition=(
            "FTE children and family social workers leaving in the year to 30 September, as a percentage of "
            "FTE in post at 30 September. DfE Children's social work workforce."
        ),
    ),
    Measure(
        id="sw_agency_pct",
        title="Agency social worker rate (FTE)",
        unit="%",
        decimals=1,
        polarity="lower_is_better",
        table="workforce",
        kind="published",
        numerator="agency_fte",
        denominator=("agency_fte", "inpost_fte"),
        value_column="agency_rate_fte",
        multiplier=100,
        definition=(
            "FTE agency children and family social workers at 30 September as a percentage of agency plus "
            "directly employed FTE. DfE Children's social work workforce."
        ),
    ),
    Measure(
        id="sw_vacancy_pct",
        title="Social worker vacancy rate (FTE)",
        unit="%",
        decimals=1,
        polarity="lower_is_better",
        table="workforce",
        kind="published",
        numerator="vacancy_fte",
        denominator=("vacancy_fte", "inpost_fte"),
        value_column="vacancy_rate_fte",
        multiplier=100,
        definition=(
            "FTE vacancies for children and family social workers at 30 September as a percentage of "
            "vacancies plus FTE in post. DfE Children's social work workforce."
        ),
    ),
]
#: The measure registry, by id, in display order.
MEASURES: dict[str, Measure] = {m.id: m for m in _M}


# ---------------------------------------------------------------------------------------------------
# Boundary changes and authorities
# ---------------------------------------------------------------------------------------------------

#: (successor old code, predecessor old codes, last year (ending 31 March) published for the predecessors, note)
BOUNDARY_CHANGES: tuple[tuple[str, tuple[str, ...], int, str], ...] = (
    (
        "838",
        ("835",),
        2019,
        "Dorset council (E06000059) replaced Dorset county (E10000009) in April 2019, "
        "without Christchurch, which joined BCP",
    ),
    (
        "839",
        ("836", "837"),
        2019,
        "Bournemouth, Christchurch and Poole (E06000058) replaced Bournemouth and "
        "Poole in April 2019; the predecessor figure is Bournemouth + Poole (Christchurch was in Dorset county)",
    ),
    ("940", ("928",), 2021, "North Northamptonshire replaced Northamptonshire (E10000021) in April 2021"),
    ("941", ("928",), 2021, "West Northamptonshire replaced Northamptonshire (E10000021) in April 2021"),
    ("942", ("909",), 2023, "Cumberland replaced Cumbria (E10000006) in April 2023"),
    ("943", ("909",), 2023, "Westmorland and Furness replaced Cumbria (E10000006) in April 2023"),
)
_PREDECESSOR_LAST_YEAR = {p: last for _, preds, last, _ in BOUNDARY_CHANGES for p in preds}
_SUCCESSOR_FIRST_YEAR = {s: last + 1 for s, _, last, _ in BOUNDARY_CHANGES}
_SUCCESSORS: dict[str, list[str]] = {}
for _s, _preds, _, _ in BOUNDARY_CHANGES:
    for _p in _preds:
        _SUCCESSORS.setdefault(_p, []).append(_s)


def _exists(code: pd.Series, year: pd.Series) -> pd.Series:
    """Whether the authority with old code ``code`` existed in ``year`` (ending 31 March)."""
    last = code.map(_PREDECESSOR_LAST_YEAR)
    first = code.map(_SUCCESSOR_FIRST_YEAR)
    return ~((last.notna() & (year > last)) | (first.notna() & (year < first)))


@dataclass(frozen=True)
class Authority:
    old_code: str
    new_code: str
    name: str
    region_code: str
    region_name: str


def _norm_name(name: str) -> str:
    s = name.lower().replace("&", " and ")
    s = re.sub(r"[^a-z0-9 ]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


# ---------------------------------------------------------------------------------------------------
# Arithmetic
# ---------------------------------------------------------------------------------------------------

_EPS = math.sqrt(np.finfo(float).eps)


def round_half_up(x, decimals: int = 0):
    """Round half away from zero, as DfE's ``true_round`` (CSC_outcomes_and_enablers ``R/read_data.R``):
    ``trunc(|x| · 10^d + 0.5 + √ε) / 10^d · sign(x)``. The √ε guard makes a value such as 446.85,
    stored as 446.84999…, round up as it would on paper. Works on scalars and arrays; NaN stays NaN."""
    x = np.asarray(x, dtype=float)
    scale = 10.0**decimals
    out = np.sign(x) * np.trunc(np.abs(x) * scale + 0.5 + _EPS) / scale
    return out if out.ndim else float(out)


def _fmt(values: pd.Series, decimals: int) -> pd.Series:
    return values.map(lambda v: "" if pd.isna(v) else f"{v:.{decimals}f}")


_UNKNOWN_IN_SUM = {"x", ":", "u", "low", "k", ref.STATUS_MISSING}
_STATUS_PRECEDENCE = ["x", ":", "u", "c", "k", "low", "z", ref.STATUS_MISSING]


def _combined_status(statuses: pd.Series) -> str:
    present = set(statuses) - {ref.STATUS_OK}
    for s in _STATUS_PRECEDENCE:
        if s in present:
            return s
    return ref.STATUS_OK


# ---------------------------------------------------------------------------------------------------
# Whole-England computation (cached per reference folder)
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _England:
    authorities: pd.DataFrame  # old_code, new_code, name, region_code, region_name
    la: pd.DataFrame  # measure, authority, year, area_code, area_name, src_key, value_num, status, source
    # areas: measure, year, area_type (region|england), area_code, area_name, value_num, status, source
    areas: pd.DataFrame
    sn: pd.DataFrame  # measure, authority, year, value_num, status, n_neighbours, source
    neighbours: pd.DataFrame  # authority, sn_rank, neighbour, closeness
    years: dict  # measure -> sorted list of years
    la_by_authority: dict  # authority -> its rows of ``la``
    sn_by_authority: dict  # authority -> its rows of ``sn``


def _tables(rd) -> dict[str, pd.DataFrame]:
    out = {t: ref.read_cin_table(t, rd) for t in ("b1", "c1", "c4", "d3", "d5")}
    out["cla"] = ref.read_cla_rates(rd)
    out["workforce"] = ref.read_workforce(rd)
    return out


def _population(pop: pd.DataFrame) -> pd.DataFrame:
    """ONS 0-17 population (as :func:`reference.read_population` returns it) keyed by the DfE year it
    is the denominator of: the year ending 31 March *Y* uses the mid-*(Y-1)* estimate."""
    value, status = ref.split_values(pop["population_estimate"], where=ref.FILES["population"])
    key = np.where(
        pop["level"] == "la",
        pop["old_la_code"],
        np.where(pop["level"] == "regional", pop["region_code"], ENGLAND_CODE),
    )
    return pd.DataFrame(
        {"year": pop["year"] + 1, "key": key, "mid_year": pop["year"], "pop": value.where(status == "ok")}
    )


def _components(m: Measure, table: pd.DataFrame, pop: pd.DataFrame) -> pd.DataFrame:
    """One row per published row of the measure's table: numerator, denominator, published value."""
    t = table
    if m.row_filter:
        t = t[t[m.row_filter[0]].str.strip() == m.row_filter[1]]
    where = f"{m.source_file}"
    num, num_st = ref.split_values(t[m.numerator], where=f"{where}: {m.numerator}")
    key = np.where(
        t["level"] == "la",
        t["old_la_code"],
        np.where(t["level"] == "regional", t["region_code"], ENGLAND_CODE),
    )
    c = pd.DataFrame(
        {
            "measure": m.id, "year": t["year"].to_numpy(), "level": t["level"].to_numpy(), "key": key,
            "area_code": np.where(t["level"] == "la", t["new_la_code"], np.where(t["level"] == "regional", t["region_code"], ENGLAND_CODE)),
            "area_name": np.where(t["level"] == "la", t["la_name"], np.where(t["level"] == "regional", t["region_name"], "England")),
            "region": t["region_code"].replace({c: LONDON_CODE for c in INNER_OUTER_LONDON}).to_numpy(),
            "num": num.to_numpy(), "num_status": num_st.to_numpy(),
        }
    )  # fmt: skip
    if m.kind == "rate":
        c = c.merge(pop[["year", "key", "pop", "mid_year"]], on=["year", "key"], how="left")
        c["den"] = c.pop("pop")
        c["den_status"] = np.where(c["den"].notna(), ref.STATUS_OK, "x")
        c["pub"], c["pub_status"] = np.nan, ref.STATUS_OK
    else:
        den = pd.Series(0.0, index=t.index)
        den_st = pd.Series(ref.STATUS_OK, index=t.index, dtype=object)
        for col in m.denominator:
            v, s = ref.split_values(t[col], where=f"{where}: {col}")
            den = den + v
            den_st = den_st.where(s == ref.STATUS_OK, s)
        pub, pub_st = ref.split_values(t[m.value_column], where=f"{where}: {m.value_column}")
        c["den"], c["den_status"] = den.to_numpy(), den_st.to_numpy()
        c["pub"], c["pub_status"] = pub.to_numpy(), pub_st.to_numpy()
        c["mid_year"] = np.nan
    return c


def _compute(m: Measure, num, den, num_status, den_status):
    """Value and status of num ÷ den × multiplier, rounded half up; symbols carried through."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = round_half_up(num / den * m.multiplier, m.decimals)
    status = np.where(
        num_status != ref.STATUS_OK,
        num_status,
        np.where(den_status != ref.STATUS_OK, den_status, ref.STATUS_OK),
    )
    status = np.where((status == ref.STATUS_OK) & ~(den > 0), "z" if m.kind == "published" else "x", status)
    status = np.where((status == ref.STATUS_OK) & (value == 0) & (num > 0), "low", status)
    value = np.where(status == ref.STATUS_OK, value, np.nan)
    return value, status


def _area_values(m: Measure, comp: pd.DataFrame) -> pd.DataFrame:
    """Region (E12) and England values of a measure, every year."""
    la = comp[(comp["level"] == "la") & _exists(comp["key"], comp["year"])]
    pub = comp[comp["level"] != "la"]
    pub = pub[(pub["level"] == "national") | pub["key"].str.startswith("E12")]
    out = pub[["measure", "year", "level", "key", "area_code", "area_name"]].copy()
    out["area_type"] = np.where(out["level"] == "national", "england", "region")
    if m.kind == "published":
        out["value_num"] = round_half_up(pub["pub"].to_numpy(), m.decimals)
        out["status"] = pub["pub_status"].to_numpy()
        out["source"] = m.source + " (as published)"
        return out.drop(columns=["level", "key"])
    # Rates: the exact numerator is the sum of the authorities' counts; published area counts are
    # rounded to the nearest 10, which bounds the exact count to [n - 5, n + 4].
    st = la["num_status"]
    parts = pd.DataFrame(
        {
            "year": la["year"], "region": la["region"],
            "ok_sum": la["num"].where(st == ref.STATUS_OK, 0.0),
            "n_c": (st == "c").astype(int),
            "n_unknown": st.isin(_UNKNOWN_IN_SUM).astype(int),
        }
    )  # fmt: skip
    by_region = parts.groupby(["year", "region"], as_index=False)[["ok_sum", "n_c", "n_unknown"]].sum()
    by_region = by_region.rename(columns={"region": "key"})
    national = (
        parts.groupby("year", as_index=False)[["ok_sum", "n_c", "n_unknown"]].sum().assign(key=ENGLAND_CODE)
    )
    sums = pd.concat([by_region, national], ignore_index=True)
    a = pub.merge(sums, on=["year", "key"], how="left")
    n = a["num"].to_numpy()
    lo = (a["ok_sum"] + a["n_c"]).to_numpy(dtype=float, copy=True)
    hi = (a["ok_sum"] + 5 * a["n_c"]).to_numpy(dtype=float, copy=True)
    unknown = (a["n_unknown"].fillna(1) > 0).to_numpy()
    lo[unknown], hi[unknown] = -np.inf, np.inf
    rounded10 = np.isfinite(n) & (np.mod(n, 10) == 0)
    lo = np.where(rounded10, np.maximum(lo, n - 5), np.where(np.isfinite(n), n, lo))
    hi = np.where(rounded10, np.minimum(hi, n + 4), np.where(np.isfinite(n), n, hi))
    # Authorities' counts that cannot add up to the published count (e.g. an authority's row is absent)
    # are set aside: the published count alone then bounds the numerator.
    bad = lo > hi
    lo = np.where(bad, np.where(rounded10, n - 5, n), lo)
    hi = np.where(bad, np.where(rounded10, n + 4, n), hi)
    den = a["den"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        v_lo = round_half_up(lo / den * m.multiplier, m.decimals)
        v_hi = round_half_up(hi / den * m.multiplier, m.decimals)
    exact = np.isfinite(v_lo) & (v_lo == v_hi)
    value, status = _compute(
        m, np.where(exact, lo, n), den, a["num_status"].to_numpy(), a["den_status"].to_numpy()
    )
    # An exact sum of authority counts makes the value available even if the area count is a symbol.
    value = np.where(exact, v_lo, value)
    status = np.where(exact & (status != "low"), ref.STATUS_OK, status)
    out = a[["measure", "year", "area_code", "area_name"]].copy()
    out["area_type"] = np.where(a["level"] == "national", "england", "region")
    out["value_num"], out["status"] = value, status
    how = np.where(
        exact & (lo == hi),
        np.where(bad, "numerator: published count", "numerator: sum of its authorities' counts (exact)"),
        np.where(
            exact,
            "numerator: any count consistent with the published rounded count and its authorities' counts "
            "(all give this rate)",
            "numerator: published count rounded to 10 (the exact count is not recoverable; the rate may "
            "differ from DfE's by one in the last digit)",
        ),
    )
    out["source"] = [
        f"{m.source_file}: {m.numerator}; ONS mid-{int(y) - 1} 0-17 population; {h}"
        for y, h in zip(a["year"], how, strict=True)
    ]
    return out


def compute_rates(
    measure: str, population: pd.DataFrame | None = None, reference_dir: str | Path | None = None
) -> pd.DataFrame:
    """A rate measure for every published row of its file (authorities under the codes they were
    published with, no boundary mapping), every E12 region and England, every year.

    ``population`` replaces the ONS file (same layout as :func:`reference.read_population`), e.g. to
    reproduce rates DfE published before ONS revised an estimate. Columns ``measure, year, area_type,
    old_la_code, area_code, area_name, value_num, status, source``.
    """
    m = _check_measure(measure)
    if m.kind != "rate":
        raise BenchmarkError(f"{m.id} is not a rate; DfE publishes it (column {m.value_column})")
    rd = ref.reference_dir(reference_dir)
    pop = _population(population if population is not None else ref.read_population(rd))
    table = _tables(rd)[m.table]
    comp = _components(m, table, pop)
    la = comp[comp["level"] == "la"]
    value, status = _compute(
        m, la["num"], la["den"], la["num_status"].to_numpy(), la["den_status"].to_numpy()
    )
    la_out = la[["measure", "year", "area_code", "area_name"]].assign(
        area_type="la", old_la_code=la["key"], value_num=value, status=status,
        source=[f"{m.source_file}: {m.numerator}; ONS mid-{int(y) - 1} 0-17 population" for y in la["year"]],
    )  # fmt: skip
    areas = _area_values(m, comp).assign(old_la_code="")
    cols = [
        "measure",
        "year",
        "area_type",
        "old_la_code",
        "area_code",
        "area_name",
        "value_num",
        "status",
        "source",
    ]
    return pd.concat([la_out[cols], areas[cols]], ignore_index=True)


def _resolve_authorities(comp: pd.DataFrame, authorities: pd.Series) -> pd.DataFrame:
    """Map each current authority and year to the published row(s) that give its figure.

    Before a boundary change (:data:`BOUNDARY_CHANGES`) the predecessor rows are used if all are
    published that year; otherwise the authority's own row, or a row published jointly for it and
    another authority (workforce, e.g. ``"314 / 318"``).
    """
    la = comp[comp["level"] == "la"].copy()
    la["src_key"] = la["key"]
    la["member"] = la["key"].str.split("/")
    la = la.explode("member")
    la["member"] = la["member"].str.strip()
    own = pd.DataFrame(
        {"authority": authorities, "member": authorities, "prio": 1, "until": 9999, "n_need": 1}
    )
    pred_rows = [
        (s, p, 0, last, len(preds))
        for s, preds, last, _ in BOUNDARY_CHANGES
        for p in preds
        if s in set(authorities)
    ]
    pred = pd.DataFrame(pred_rows, columns=["authority", "member", "prio", "until", "n_need"])
    want = pd.concat([own, pred], ignore_index=True)
    cand = la.merge(want, on="member", how="inner")
    cand = cand[cand["year"] <= cand["until"]]
    found = cand.groupby(["measure", "authority", "year", "prio"])["member"].transform("nunique")
    cand = cand[found == cand["n_need"]]
    best = cand.groupby(["measure", "authority", "year"])["prio"].transform("min")
    cand = cand[cand["prio"] == best].drop_duplicates(["measure", "authority", "year", "src_key"])
    size = cand.groupby(["measure", "authority", "year"])["src_key"].transform("size")
    single = cand[size == 1].copy()
    multi = cand[size > 1]
    if len(multi):
        g = multi.sort_values("src_key").groupby(["measure", "authority", "year"], as_index=False)
        merged = g.agg(
            src_key=("src_key", "+".join), area_code=("area_code", " + ".join), area_name=("area_name", " + ".join),
            num=("num", "sum"), den=("den", "sum"), num_status=("num_status", _combined_status),
            den_status=("den_status", _combined_status), mid_year=("mid_year", "first"),
        )  # fmt: skip
        merged["pub"], merged["pub_status"], merged["n_src"] = np.nan, ref.STATUS_OK, 2
        single["n_src"] = 1
        cand = pd.concat([single, merged], ignore_index=True)
    else:
        cand = single.assign(n_src=1)
    return cand


def _la_values(m: Measure, resolved: pd.DataFrame) -> pd.DataFrame:
    r = resolved
    value, status = _compute(m, r["num"], r["den"], r["num_status"].to_numpy(), r["den_status"].to_numpy())
    if m.kind == "published":
        use_pub = (r["n_src"] == 1).to_numpy()
        value = np.where(use_pub, round_half_up(r["pub"].to_numpy(), m.decimals), value)
        status = np.where(use_pub, r["pub_status"].to_numpy(), status)
        src = np.where(
            use_pub,
            m.source + " (as published)",
            f"{m.source_file}: {m.numerator} / {' + '.join(m.denominator)} (predecessors' counts combined)",
        )
    else:
        src = [f"{m.source_file}: {m.numerator}; ONS mid-{int(y) - 1} 0-17 population" for y in r["year"]]
        src = np.where(r["n_src"] > 1, [s + " (predecessors' counts combined)" for s in src], src)
    note = np.where(
        (r["n_src"] == 1) & (r["src_key"] != r["authority"]),
        np.where(
            r["src_key"].str.contains("/", regex=False),
            "; figure published jointly for two authorities",
            "; figure of the predecessor authority",
        ),
        "",
    )
    out = r[["measure", "authority", "year", "area_code", "area_name", "src_key"]].copy()
    out["value_num"], out["status"] = value, status
    out["source"] = pd.Series(src, index=r.index).astype(str) + note
    return out.reset_index(drop=True)


def _sn_medians(la: pd.DataFrame, neighbours: pd.DataFrame) -> pd.DataFrame:
    """Median of each authority's neighbours' values (ok values only, one per distinct published figure,
    never the authority's own figure), rounded half up to the measure's precision."""
    own = la[["measure", "authority", "year", "src_key"]].rename(columns={"src_key": "own_key"})
    nb = neighbours[["authority", "neighbour"]].merge(
        la.rename(columns={"authority": "neighbour"})[
            ["measure", "neighbour", "year", "src_key", "value_num", "status"]
        ],
        on="neighbour",
    )
    nb = nb[nb["status"] == ref.STATUS_OK]
    nb = nb.merge(own, on=["measure", "authority", "year"], how="left")
    nb = nb[nb["src_key"] != nb["own_key"]].drop_duplicates(["measure", "authority", "year", "src_key"])
    dec = nb["measure"].map({k: v.decimals for k, v in MEASURES.items()})
    nb = nb.assign(scaled=np.rint(nb["value_num"] * 10.0**dec), dec=dec)
    g = nb.groupby(["measure", "authority", "year"], as_index=False).agg(
        med=("scaled", "median"), n_neighbours=("scaled", "size"), dec=("dec", "first")
    )
    g["value_num"] = np.floor(g["med"] + 0.5) / 10.0 ** g["dec"]
    g["status"] = ref.STATUS_OK
    return g.drop(columns=["med", "dec"])


def _authorities(tables: dict, sn: pd.DataFrame) -> pd.DataFrame:
    b1 = tables["b1"]
    la = b1[b1["level"] == "la"].sort_values("year").drop_duplicates("old_la_code", keep="last")
    la = la.set_index("old_la_code")
    codes = sn["old_la_code"].drop_duplicates()
    missing = sorted(set(codes) - set(la.index))
    if missing:
        raise ref.ReferenceDataError(f"statistical-neighbour authorities {missing} not in {ref.FILES['b1']}")
    a = la.loc[codes.to_numpy()]
    region = a["region_code"].replace({c: LONDON_CODE for c in INNER_OUTER_LONDON})
    region_name = np.where(region == LONDON_CODE, LONDON_NAME, a["region_name"])
    return pd.DataFrame(
        {"old_code": codes.to_numpy(), "new_code": a["new_la_code"].to_numpy(), "name": a["la_name"].to_numpy(),
         "region_code": region.to_numpy(), "region_name": region_name}
    )  # fmt: skip


@functools.lru_cache(maxsize=4)
def _all_england_cached(rd: str, stamp: tuple) -> _England:
    tables = _tables(rd)
    pop = _population(ref.read_population(rd))
    sn = ref.read_sn_model(rd)
    authorities = _authorities(tables, sn)
    neighbours = sn.rename(columns={"old_la_code": "authority", "neighbour_code": "neighbour"})[
        ["authority", "sn_rank", "neighbour", "closeness"]
    ]
    comps = [_components(m, tables[m.table], pop) for m in MEASURES.values()]
    comp = pd.concat(comps, ignore_index=True)
    resolved = _resolve_authorities(comp, authorities["old_code"])
    la = pd.concat(
        [_la_values(m, resolved[resolved["measure"] == m.id]) for m in MEASURES.values()], ignore_index=True
    )
    areas = pd.concat(
        [_area_values(m, c) for m, c in zip(MEASURES.values(), comps, strict=False)], ignore_index=True
    )
    sn_med = _sn_medians(la, neighbours)
    years = {m.id: sorted(set(c["year"])) for m, c in zip(MEASURES.values(), comps, strict=False)}
    la_by = {k: g for k, g in la.groupby("authority", sort=False)}
    sn_by = {k: g for k, g in sn_med.groupby("authority", sort=False)}
    return _England(authorities, la, areas, sn_med, neighbours, years, la_by, sn_by)


def all_england(reference_dir: str | Path | None = None) -> _England:
    """Every measure for every authority, region, England and neighbour median, every year (cached)."""
    rd = ref.reference_dir(reference_dir)
    return _all_england_cached(str(rd), _stamp(rd))


def _stamp(rd: Path) -> tuple:
    """Modification times and sizes of the files read, so that a changed file is read again."""
    return tuple(
        (k, (rd / f).stat().st_mtime_ns, (rd / f).stat().st_size) if (rd / f).exists() else (k, 0, 0)
        for k, f in ref.FILES.items()
        if k != "mye2023"
    )


# ---------------------------------------------------------------------------------------------------
# Requests: which authority, which years
# ---------------------------------------------------------------------------------------------------


#: Common short names accepted by :func:`resolve_la` (normalised name -> old 3-digit code).
NAME_ALIASES = {
    "bcp": "839",
    "hull": "810",
    "durham": "840",
    "bristol": "801",
    "herefordshire": "884",
    "st helens": "342",
    "southend": "882",
}


@functools.lru_cache(maxsize=4)
def _lookup_cached(rd: str, stamp: tuple) -> dict:
    eng = _all_england_cached(rd, stamp)
    a = eng.authorities
    b1 = ref.read_cin_table("b1", rd)
    published = b1[b1["level"] == "la"][["old_la_code", "new_la_code", "la_name"]].drop_duplicates()
    current = set(a["old_code"])
    by_code: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for old, new, name in zip(a["old_code"], a["new_code"], a["name"], strict=False):
        by_code[old] = by_code[new.upper()] = old
        by_name[_norm_name(name)] = old
        if "," in name:  # "Bristol, City of" -> "bristol"; "Herefordshire, County of" -> "herefordshire"
            by_name.setdefault(_norm_name(name.split(",")[0]), old)
    for old, new in zip(published["old_la_code"], published["new_la_code"], strict=False):
        if old in current:  # a former code of a current authority, e.g. North Yorkshire's E10000023
            by_code.setdefault(new.upper(), old)
    for alias, old in NAME_ALIASES.items():
        by_name.setdefault(alias, old)
    abolished = published[~published["old_la_code"].isin(current)]
    gone: dict[str, str] = {}
    for old, new, name in zip(
        abolished["old_la_code"], abolished["new_la_code"], abolished["la_name"], strict=False
    ):
        gone[old] = gone[new.upper()] = gone[_norm_name(name)] = old
    rows = {old: Authority(old, new, name, rc, rn) for old, new, name, rc, rn in a.itertuples(index=False)}
    return {"by_code": by_code, "by_name": by_name, "gone": gone, "rows": rows}


def resolve_la(la: str | int, reference_dir: str | Path | None = None) -> Authority:
    """The authority named by ``la``: its new code (``E08000026``, or a former code such as
    ``E10000023``), old 3-digit code (``331``) or name (``Coventry``, ``coventry``), case-insensitive;
    a few short names too (:data:`NAME_ALIASES`, e.g. ``BCP``).

    Raises :class:`BenchmarkError` listing close matches when unknown, and naming the successors
    when ``la`` is an authority that no longer exists (e.g. Northamptonshire)."""
    rd = str(ref.reference_dir(reference_dir))
    all_england(reference_dir)  # fills the cache
    look = _lookup_cached(rd, _stamp(ref.reference_dir(reference_dir)))
    query = str(la).strip()
    old = look["by_code"].get(query.upper()) or look["by_name"].get(_norm_name(query))
    if old:
        return look["rows"][old]
    gone = look["gone"].get(query.upper()) or look["gone"].get(_norm_name(query))
    if gone:
        succ = ", ".join(
            f"{look['rows'][s].name} ({look['rows'][s].new_code})"
            for s in _SUCCESSORS.get(gone, [])
            if s in look["rows"]
        )
        raise BenchmarkError(
            f"{query!r} is a former authority (old code {gone}), replaced by {succ}; ask for one of those: "
            "its time series includes the predecessor's figures"
        )
    names = {n: o for n, o in look["by_name"].items()}
    close = [n for n in names if len(_norm_name(query)) >= 3 and _norm_name(query) in n]
    close += [
        n
        for n in difflib.get_close_matches(_norm_name(query), list(names), n=6, cutoff=0.6)
        if n not in close
    ]
    close += difflib.get_close_matches(
        query.upper(), [c for c in look["by_code"] if not c.isdigit()], n=3, cutoff=0.8
    )
    olds = list(dict.fromkeys(names.get(c) or look["by_code"].get(c) for c in close))[:6]
    hint = (
        "; close matches: "
        + ", ".join(f"{look['rows'][o].name} ({look['rows'][o].new_code}, {o})" for o in olds)
        if olds
        else ""
    )
    raise BenchmarkError(
        f"unknown local authority {query!r}: give a new code (E08000026), old code (331) or name{hint}"
    )


def parse_years(year: str | int, reference_dir: str | Path | None = None) -> tuple[int, int]:
    """``(first, last)`` years (ending 31 March) asked for.

    ``2025`` → every year available up to and including 2025 (so trend charts work); ``"2024-25"`` or
    ``"2024/25"`` (a financial year) → the same as ``2025``; ``"2019-2025"`` or ``"2019:2025"`` → that
    range only. A year after the latest published one is an error, as is a year before the first."""
    eng = all_england(reference_dir)
    lo_all = min(min(v) for v in eng.years.values())
    hi_all = max(max(v) for v in eng.years.values())
    s = str(year).strip()
    m_fy = re.fullmatch(r"(\d{4})[-/](\d{2})", s)
    m_rng = re.fullmatch(r"(\d{4})\s*(?:-|:|\.\.)\s*(\d{4})", s)
    if re.fullmatch(r"\d{4}", s):
        first, last = lo_all, int(s)
    elif m_fy:
        start = int(m_fy.group(1))
        if (start + 1) % 100 != int(m_fy.group(2)):
            raise BenchmarkError(f"year {s!r}: a financial year is written like 2024-25")
        first, last = lo_all, start + 1
    elif m_rng:
        first, last = int(m_rng.group(1)), int(m_rng.group(2))
        if first > last:
            raise BenchmarkError(f"year range {s!r} runs backwards")
    else:
        raise BenchmarkError(
            f"year {s!r}: give the year ending 31 March (2025), a financial year (2024-25) or a range (2019-2025)"
        )
    if last > hi_all:
        raise BenchmarkError(
            f"no published data for {last}: the reference data run from {lo_all} to {hi_all}"
        )
    if last < lo_all:
        raise BenchmarkError(
            f"no published data for {last}: the reference data run from {lo_all} to {hi_all}"
        )
    return max(first, lo_all), last


# ---------------------------------------------------------------------------------------------------
# The table, the scorecard's helpers and the command
# ---------------------------------------------------------------------------------------------------


def build_benchmark_table(
    la: str | int, year: str | int, reference_dir: str | Path | None = None
) -> pd.DataFrame:
    """Tidy table of every measure for the authority, its region, England and its neighbours' median,
    for every year available up to and including ``year`` (see :func:`parse_years`).

    Columns :data:`OUTPUT_COLUMNS`: ``measure, year, area_type, area_code, area_name, value`` (text:
    the number formatted to the measure's published precision, or DfE's symbol, or ``""`` when no
    figure is published), ``value_num`` (float, NaN unless ``status == "ok"``), ``status`` (``ok``,
    ``c``, ``x``, ``z``, ``low``, ``k``, ``u``, ``:``, ``missing``), ``n_neighbours`` (neighbours
    contributing to an ``sn_median`` row, NA otherwise), ``measure_title``, ``unit``, ``source``.
    """
    eng = all_england(reference_dir)
    auth = resolve_la(la, reference_dir)
    first, last = parse_years(year, reference_dir)
    base = pd.DataFrame(
        [(m, y) for m in MEASURES for y in eng.years[m] if first <= y <= last], columns=["measure", "year"]
    )
    files = base["measure"].map({k: v.source_file for k, v in MEASURES.items()})
    own = eng.la_by_authority.get(auth.old_code, eng.la.iloc[:0]).drop(columns=["authority", "src_key"])
    la_rows = base.merge(own, on=["measure", "year"], how="left")
    gap = la_rows["status"].isna()
    la_rows["area_code"] = la_rows["area_code"].where(~gap, auth.new_code)
    la_rows["area_name"] = la_rows["area_name"].where(~gap, auth.name)
    la_rows["status"] = la_rows["status"].where(~gap, ref.STATUS_MISSING)
    la_rows["source"] = la_rows["source"].where(~gap, files + ": no row for this authority")
    la_rows["area_type"] = "la"
    area = eng.areas[eng.areas["area_code"].isin([auth.region_code, ENGLAND_CODE])]
    area = base.merge(area, on=["measure", "year"], how="inner")
    sn = eng.sn_by_authority.get(auth.old_code, eng.sn.iloc[:0]).drop(columns=["authority"])
    sn = base.merge(sn, on=["measure", "year"], how="left")
    sn["n_neighbours"] = sn["n_neighbours"].fillna(0).astype(int)
    sn["status"] = sn["status"].fillna("x")
    sn["area_type"], sn["area_code"] = "sn_median", f"SN2025:{auth.old_code}"
    sn["area_name"] = f"Median of {auth.name}'s 10 statistical neighbours (DfE 2025 model)"
    sn["source"] = [
        f"median of {n} of 10 statistical neighbours' values ({ref.FILES['sn2025']}); {f}"
        for n, f in zip(sn["n_neighbours"], files, strict=False)
    ]
    out = pd.concat([la_rows, area, sn], ignore_index=True)
    out["measure"] = pd.Categorical(out["measure"], list(MEASURES), ordered=True)
    out["area_type"] = pd.Categorical(out["area_type"], AREA_TYPES, ordered=True)
    out = out.sort_values(["measure", "year", "area_type"], kind="stable")
    out["area_type"] = out["area_type"].astype(str)
    out["measure"] = out["measure"].astype(str)
    dec = out["measure"].map({k: v.decimals for k, v in MEASURES.items()})
    ok = out["status"] == ref.STATUS_OK
    out["value_num"] = out["value_num"].where(ok)
    out["value"] = [
        f"{v:.{d}f}" if o else ("" if s == ref.STATUS_MISSING else s)
        for v, d, o, s in zip(out["value_num"], dec, ok, out["status"], strict=False)
    ]
    out["n_neighbours"] = out["n_neighbours"].where(out["area_type"] == "sn_median").astype("Int64")
    out["measure_title"] = out["measure"].map({k: v.title for k, v in MEASURES.items()})
    out["unit"] = out["measure"].map({k: v.unit for k, v in MEASURES.items()})
    out["year"] = out["year"].astype(int)
    return out[OUTPUT_COLUMNS].reset_index(drop=True)


def _check_measure(measure: str) -> Measure:
    if measure not in MEASURES:
        close = difflib.get_close_matches(measure, list(MEASURES), n=3)
        raise BenchmarkError(
            f"unknown measure {measure!r}"
            + (f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(MEASURES)}")
        )
    return MEASURES[measure]


def sn_distribution(
    measure: str, year: int, la: str | int, reference_dir: str | Path | None = None
) -> pd.DataFrame:
    """Each of the authority's ten statistical neighbours' value of ``measure`` in ``year`` (for a
    benchmark chart), in the DfE model's order (1 = nearest).

    Columns ``sn_rank, old_la_code, area_code, area_name, closeness, value, value_num, status,
    counted``; ``area_code``/``area_name`` are those of the published figure (a predecessor's, or a
    joint one, where that applies); ``counted`` says whether it entered the median (a suppressed or
    missing value does not, nor a second neighbour sharing the same published figure, nor a figure
    that is the authority's own).
    """
    m = _check_measure(measure)
    eng = all_england(reference_dir)
    auth = resolve_la(la, reference_dir)
    nb = eng.neighbours[eng.neighbours["authority"] == auth.old_code]
    vals = eng.la[(eng.la["measure"] == m.id) & (eng.la["year"] == int(year))]
    own = vals.loc[vals["authority"] == auth.old_code, "src_key"]
    own_key = own.iloc[0] if len(own) else None
    d = nb.merge(vals.rename(columns={"authority": "neighbour"}), on="neighbour", how="left")
    names = dict(
        zip(
            eng.authorities["old_code"],
            zip(eng.authorities["new_code"], eng.authorities["name"], strict=False),
            strict=False,
        )
    )
    gap = d["status"].isna()
    d.loc[gap, "status"] = ref.STATUS_MISSING
    d.loc[gap, "area_code"] = [names[c][0] for c in d.loc[gap, "neighbour"]]
    d.loc[gap, "area_name"] = [names[c][1] for c in d.loc[gap, "neighbour"]]
    ok = d["status"] == ref.STATUS_OK
    d["counted"] = ok & (d["src_key"] != own_key) & ~(ok & d.duplicated(["src_key"]) & d["src_key"].notna())
    d["value_num"] = d["value_num"].where(ok)
    d["value"] = [
        f"{v:.{m.decimals}f}" if o else ("" if s == ref.STATUS_MISSING else s)
        for v, o, s in zip(d["value_num"], ok, d["status"], strict=False)
    ]
    d = d.rename(columns={"neighbour": "old_la_code"})
    return d[
        [
            "sn_rank",
            "old_la_code",
            "area_code",
            "area_name",
            "closeness",
            "value",
            "value_num",
            "status",
            "counted",
        ]
    ].reset_index(drop=True)


def benchmark_values(measure: str, year: int, la: str | int, reference_dir: str | Path | None = None) -> dict:
    """The benchmarks the scorecard shows beside an indicator.

    Returns ``dict(la, england, region, sn_median, rank, quartile, n, n_neighbours)``: values are
    floats (NaN where not published); ``rank`` is the authority's position among itself and its
    counted neighbours (1 = highest value; ties share the best rank), ``n`` how many were ranked,
    ``quartile`` ``ceil(4 · rank / n)`` (1 = the highest quarter; polarity decides whether that is
    good), all ``None`` when the authority has no value.
    """
    m = _check_measure(measure)
    eng = all_england(reference_dir)
    auth = resolve_la(la, reference_dir)
    y = int(year)
    if y not in eng.years[m.id]:
        raise BenchmarkError(f"{m.id} is published for {eng.years[m.id][0]}-{eng.years[m.id][-1]}, not {y}")

    def pick(df, **kw):
        sel = df[(df["measure"] == m.id) & (df["year"] == y)]
        for k, v in kw.items():
            sel = sel[sel[k] == v]
        ok = sel[sel["status"] == ref.STATUS_OK]
        return float(ok["value_num"].iloc[0]) if len(ok) else float("nan")

    la_value = pick(eng.la, authority=auth.old_code)
    sn = eng.sn[(eng.sn["measure"] == m.id) & (eng.sn["year"] == y) & (eng.sn["authority"] == auth.old_code)]
    dist = sn_distribution(m.id, y, auth.old_code, reference_dir)
    counted = dist.loc[dist["counted"], "value_num"].to_numpy()
    rank = quartile = n = None
    if not math.isnan(la_value):
        n = int(len(counted) + 1)
        rank = int(1 + np.sum(counted > la_value))
        quartile = int(math.ceil(4 * rank / n))
    return {
        "la": la_value,
        "england": pick(eng.areas, area_code=ENGLAND_CODE),
        "region": pick(eng.areas, area_code=auth.region_code),
        "sn_median": float(sn["value_num"].iloc[0]) if len(sn) else float("nan"),
        "rank": rank,
        "quartile": quartile,
        "n": n,
        "n_neighbours": int(sn["n_neighbours"].iloc[0]) if len(sn) else 0,
    }


def _summary(table: pd.DataFrame, auth: Authority, last: int) -> str:
    rows = []
    for mid, g in table.groupby("measure", sort=False):
        y = g["year"].max()
        g = g[g["year"] == y].set_index("area_type")
        sn = g.loc["sn_median"]
        rows.append(
            (mid, str(y), g.loc["la", "value"] or "-", g.loc["region", "value"] or "-", g.loc["england", "value"] or "-",
             f"{sn['value'] or '-'} ({sn['n_neighbours']})")
        )  # fmt: skip
    head = ("measure", "year", auth.name, auth.region_name, "England", "SN median (n)")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(r):
        return "  ".join(
            c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )

    title = f"{auth.name} ({auth.new_code}, {auth.old_code}), {auth.region_name}: latest year up to {last}"
    return "\n".join([title, line(head), *(line(r) for r in rows)])


def run_benchmark(
    la: str | int, year: str | int, out: str | Path | None = None, reference_dir: str | Path | None = None
) -> int:
    """``cscp benchmark``: write the benchmark CSV and print a summary; returns the exit code
    (0 written, 2 for a request we cannot answer, with the reason on stderr)."""
    try:
        auth = resolve_la(la, reference_dir)
        first, last = parse_years(year, reference_dir)
        table = build_benchmark_table(auth.old_code, year, reference_dir)
    except (BenchmarkError, ref.ReferenceDataError) as exc:
        print(f"cscp benchmark: {exc}", file=sys.stderr)
        return 2
    path = Path(out) if out else DEFAULT_OUT_DIR / f"benchmark_{auth.new_code}_{last}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False, lineterminator="\n")
    print(_summary(table, auth, last))
    print(f"\n{len(table)} rows ({first}-{last}) written to {path}")
    return 0
