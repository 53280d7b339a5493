"""Computing every published measure for every authority, region, England and neighbour median."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import reference as ref
from ..disclosure import round_half_up
from .areas import (
    BOUNDARY_CHANGES,
    ENGLAND_CODE,
    INNER_OUTER_LONDON,
    LONDON_CODE,
    LONDON_NAME,
    BenchmarkError,
    _exists,
)
from .measures import MEASURES, Measure, check_measure

# ---------------------------------------------------------------------------------------------------
# Arithmetic
# ---------------------------------------------------------------------------------------------------



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
    m = check_measure(measure)
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


#: A run's shared cache folder (set by the pipeline for the notebooks of one run: private, deleted with the
#: run's staging): the England computation is done once per run, not once per notebook.
RUN_CACHE_ENV = "CSCP_RUN_CACHE"


def all_england(reference_dir: str | Path | None = None) -> _England:
    """Every measure for every authority, region, England and neighbour median, every year (cached in the
    process, and across the notebooks of one run when :data:`RUN_CACHE_ENV` names a folder)."""
    rd = ref.reference_dir(reference_dir)
    stamp = _stamp(rd)
    folder = os.environ.get(RUN_CACHE_ENV)
    if not folder or _all_england_cached.cache_info().currsize:
        return _all_england_cached(str(rd), stamp)
    return _shared(Path(folder), str(rd), stamp)


def _shared(folder: Path, rd: str, stamp: tuple) -> _England:
    """The England computation through the run's cache folder: the first notebook computes it under a file
    lock and leaves a pickle; the others wait for the lock and read it (a fraction of the time)."""
    import fcntl
    import hashlib
    import pickle

    key = hashlib.sha256(repr((rd, stamp)).encode()).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"england-{key}.pkl"
    with open(folder / f"england-{key}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if path.exists():
                with open(path, "rb") as fh:
                    return pickle.load(fh)  # noqa: S301 - written by this run moments before
            value = _all_england_cached(rd, stamp)
            tmp = path.with_suffix(".part")
            with open(tmp, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
            return value
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _stamp(rd: Path) -> tuple:
    """Modification times and sizes of the files read, so that a changed file is read again."""
    return tuple(
        (k, (rd / f).stat().st_mtime_ns, (rd / f).stat().st_size) if (rd / f).exists() else (k, 0, 0)
        for k, f in ref.FILES.items()
        if k != "mye2023"
    )
