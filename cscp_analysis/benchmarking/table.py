"""The benchmark table of one authority, and the values the scorecard compares with."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from .. import reference as ref
from .areas import AREA_TYPES, ENGLAND_CODE, BenchmarkError
from .compute import all_england
from .lookup import parse_years, resolve_la
from .measures import MEASURES, check_measure

OUTPUT_COLUMNS = [
    "measure", "year", "area_type", "area_code", "area_name", "value",
    "value_num", "status", "n_neighbours",
    "measure_title", "unit", "source",
]  # fmt: skip

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
    m = check_measure(measure)
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
    m = check_measure(measure)
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



