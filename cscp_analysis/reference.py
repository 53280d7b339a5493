"""Reading the published DfE and ONS reference files in ``data_raw/reference/``.

This is the only module that opens the benchmarking files. Every value column is read as text so that DfE's
symbols survive (``c`` suppressed, ``x`` not available, ``z`` not applicable, ``low``/``k`` rounds to
zero, ``u`` low reliability, ``:`` not available); :func:`split_values` turns a text column into a
float column (NaN where a symbol) and a status column (``ok``, the symbol, or ``missing`` for an empty
cell). A symbol is never turned into zero.

Every reader returns a fresh DataFrame with the same leading columns:

``year``          int, the file's ``time_period`` (for DfE files: the year ending 31 March; for the ONS
                  file: the mid-year of the estimate)
``level``         ``national``, ``regional`` or ``la``
``region_code``, ``region_name``, ``old_la_code``, ``new_la_code``, ``la_name``  as published (text)

followed by the file's own columns, as text. The files, their publishers and commits are described in
each folder's ``PROVENANCE.md`` and in ``data_raw/reference/README.md``.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import CscpError

__all__ = [
    "CLA_FILES",
    "CENSUS_FILE",
    "CLA_ETHNIC_COLUMNS",
    "read_cla_by_ethnicity",
    "read_census_10_17",
    "DEFAULT_REFERENCE_DIR",
    "FILES",
    "SYMBOLS",
    "STATUS_OK",
    "STATUS_MISSING",
    "ReferenceDataError",
    "reference_dir",
    "reference_path",
    "read_published",
    "split_values",
    "read_cin_table",
    "read_cla_rates",
    "read_population",
    "read_workforce",
    "read_sn_model",
    "read_mye2023_0_17",
]

DEFAULT_REFERENCE_DIR = Path(__file__).resolve().parents[1] / "data_raw" / "reference"

#: The files the package reads, by key, relative to the reference folder.
FILES: dict[str, str] = {
    "b1": "dfe_cin_census/b1_children_in_need_2013_to_2025.csv",
    "c1": "dfe_cin_census/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
    "c4": "dfe_cin_census/c4_children_in_need_section_47s_and_icpcs_2013_to_2025.csv",
    "d3": "dfe_cin_census/d3_cpps_subsequent_plan_2013_to_2025.csv",
    "d5": "dfe_cin_census/d5_cpps_at31march_by_duration_2013_to_2025.csv",
    "cla": "dfe_cla_rates/cla_number_and_rate_per_10k_children.csv",
    "population": "ons_population/ons_mid-year_population_estimates_2012_to_2024.csv",
    "workforce": "dfe_csc_workforce/csww_indicators_2017_to_2025.csv",
    "sn2025": "statistical_neighbours/sn_model_2025_wide.csv",
    "mye2023": "ons_mye_2023_single_year_age/ons_mye2023_age0_17_by_sex_all_geographies.csv",
}

#: DfE's symbols (Explore Education Statistics conventions) and what each means.
SYMBOLS: dict[str, str] = {
    "c": "suppressed: a count of 1 to 5, or withheld so that one cannot be recovered",
    "x": "not available",
    "z": "not applicable",
    "low": "rounds to zero, but is not zero",
    "k": "rounds to zero, but is not zero",
    "u": "low reliability (data-quality concerns)",
    ":": "not available",
}
STATUS_OK = "ok"
STATUS_MISSING = "missing"

_LEVELS = {"National": "national", "Regional": "regional", "Local authority": "la"}
_GEO_COLUMNS = ["region_code", "region_name", "old_la_code", "new_la_code", "la_name"]


class ReferenceDataError(CscpError, ValueError):
    """A reference file is missing or holds something we do not recognise; the message says which."""


def reference_dir(path: str | Path | None = None) -> Path:
    """The reference folder: ``path`` if given, else ``data_raw/reference`` of this package."""
    return Path(path).resolve() if path is not None else DEFAULT_REFERENCE_DIR


def reference_path(key: str, ref_dir: str | Path | None = None) -> Path:
    """Full path of one of :data:`FILES`; a clear error if the key is unknown or the file absent."""
    if key not in FILES:
        raise ReferenceDataError(f"unknown reference file {key!r}; known: {', '.join(FILES)}")
    path = reference_dir(ref_dir) / FILES[key]
    if not path.is_file():
        raise ReferenceDataError(
            f"reference file not found: {path} (copy it from ../shared/reference/, see data_raw/reference/README.md)"
        )
    return path


@functools.lru_cache(maxsize=32)
def _read_text_csv(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig")
    df.columns = [c.strip() for c in df.columns]
    return df


def read_published(key: str, ref_dir: str | Path | None = None) -> pd.DataFrame:
    """One reference file, every column as text (symbols kept, empty cells as ``""``), a fresh copy."""
    path = reference_path(key, ref_dir)
    st = path.stat()
    return _read_text_csv(str(path), st.st_mtime_ns, st.st_size).copy()


def split_values(values: pd.Series, *, where: str = "") -> tuple[pd.Series, pd.Series]:
    """Split a published text column into ``(number, status)``.

    ``number`` is a float (NaN where the cell holds a symbol or is empty); ``status`` is ``"ok"`` for a
    number, the symbol itself for one of :data:`SYMBOLS`, ``"missing"`` for an empty cell. Anything
    else raises :class:`ReferenceDataError` naming ``where`` and the offending values.
    """
    text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    number = pd.to_numeric(text, errors="coerce")
    status = pd.Series(STATUS_OK, index=values.index, dtype=object)
    not_number = number.isna()
    symbol = not_number & text.isin(list(SYMBOLS))
    status[symbol] = text[symbol]
    empty = not_number & (text == "")
    status[empty] = STATUS_MISSING
    bad = not_number & ~symbol & ~empty
    if bad.any():
        examples = sorted(set(text[bad]))[:5]
        raise ReferenceDataError(
            f"{where or values.name}: unrecognised value(s) {examples} (not a number or a DfE symbol)"
        )
    return number.astype(float), status


def _standard(df: pd.DataFrame, key: str) -> pd.DataFrame:
    """The common leading columns: year (int), level, and the geography columns."""
    missing = [c for c in ["time_period", "geographic_level", *_GEO_COLUMNS] if c not in df.columns]
    if missing:
        raise ReferenceDataError(f"{FILES[key]}: expected column(s) {missing}")
    unknown = sorted(set(df["geographic_level"]) - set(_LEVELS))
    if unknown:
        raise ReferenceDataError(f"{FILES[key]}: unknown geographic_level {unknown}")
    out = pd.DataFrame(
        {
            "year": df["time_period"].astype(int),
            "level": df["geographic_level"].map(_LEVELS),
            **{c: df[c].str.strip() for c in _GEO_COLUMNS},
        },
        index=df.index,
    )
    rest = [
        c
        for c in df.columns
        if c not in {"time_period", "time_identifier", "geographic_level", *_GEO_COLUMNS}
    ]
    return pd.concat([out, df[rest]], axis=1)


def read_cin_table(table: str, ref_dir: str | Path | None = None) -> pd.DataFrame:
    """A children-in-need census table: ``b1`` (CIN), ``c1`` (referrals), ``c4`` (section 47 and ICPC),
    ``d3`` (CP plans starting, subsequent plans), ``d5`` (CP plans at 31 March by duration)."""
    if table not in {"b1", "c1", "c4", "d3", "d5"}:
        raise ReferenceDataError(f"unknown CIN census table {table!r}")
    return _standard(read_published(table, ref_dir), table)


def read_cla_rates(ref_dir: str | Path | None = None) -> pd.DataFrame:
    """Children looked after at 31 March, starting and ceasing: number, rate per 10,000 and the
    population estimate DfE used (``population_type``, ``population_estimate``, ``children_count``,
    ``rate_per_10000``)."""
    return _standard(read_published("cla", ref_dir), "cla")


def read_population(ref_dir: str | Path | None = None) -> pd.DataFrame:
    """ONS mid-year estimates of children aged 0 to 17 as DfE packages them; ``year`` is the mid-year."""
    return _standard(read_published("population", ref_dir), "population")


def read_workforce(ref_dir: str | Path | None = None) -> pd.DataFrame:
    """Children's social work workforce indicators. ``year`` is DfE's reporting year (2025 = the census
    at 30 September 2024). Some rows are published jointly for two authorities, with codes such as
    ``"314 / 318"`` (Kingston upon Thames / Richmond upon Thames)."""
    return _standard(read_published("workforce", ref_dir), "workforce")


def read_sn_model(ref_dir: str | Path | None = None) -> pd.DataFrame:
    """DfE 2025 statistical-neighbour model, long: one row per authority and neighbour.

    Columns ``old_la_code``, ``la_name``, ``region_name``, ``sn_rank`` (1 = nearest), ``neighbour_code``
    (old 3-digit code) and ``closeness`` ("Very close", "Close", ...).
    """
    wide = read_published("sn2025", ref_dir)
    parts = []
    for k in range(1, 11):
        if f"SN_{k}" not in wide.columns:
            raise ReferenceDataError(f"{FILES['sn2025']}: expected column SN_{k}")
        parts.append(
            pd.DataFrame(
                {
                    "old_la_code": wide["old_la_code"].str.strip(),
                    "la_name": wide["la_name"].str.strip(),
                    "region_name": wide["region_name"].str.strip(),
                    "sn_rank": k,
                    "neighbour_code": wide[f"SN_{k}"].str.strip(),
                    "closeness": wide[f"SN_{k}P"].str.strip(),
                }
            )
        )
    long = pd.concat(parts, ignore_index=True)
    return long.sort_values(["old_la_code", "sn_rank"], kind="stable").reset_index(drop=True)


def read_mye2023_0_17(ref_dir: str | Path | None = None) -> pd.DataFrame:
    """ONS mid-2023 estimates as *first* published (July 2024), children aged 0 to 17, persons:
    columns ``code``, ``name``, ``geography``, ``population`` (int). These are the denominators of
    the rates DfE published in its 2024 releases, before ONS revised mid-2023 in 2025."""
    df = read_published("mye2023", ref_dir)
    df = df[(df["sex"] == "persons") & (df["age"] != "all")]
    ages = df["age"].astype(int)
    if not set(ages) == set(range(18)):
        raise ReferenceDataError(f"{FILES['mye2023']}: expected single years of age 0 to 17")
    pop = df.assign(population=df["population_mid2023"].astype(np.int64))
    return pop.groupby(["code", "name", "geography"], as_index=False, sort=True)["population"].sum()


# ---------------------------------------------------------------------------------------------------
# The two folders behind the real-data disproportionality example
# ---------------------------------------------------------------------------------------------------
#
# ``dfe_cla_characteristics/``: DfE's children looked after at 31 March by ethnic group (White, Mixed,
# Asian, Black, Any other, Not known) for England, every region and every local authority, from the SFR
# underlying-data files of 2014 to 2017 (SFR 36/2014, 34/2015, 41/2016, 50/2017); and
# ``census2021_child_pop_10_17_ethnicity/``: ONS Census 2021 children aged 10 to 17 by ethnic group (the
# same five groups) and sex, for Coventry and five other West Midlands metropolitan districts. In the SFR
# files ``x`` marks a suppressed or unavailable cell: a symbol becomes NaN in ``value`` with the symbol
# kept in ``status``; it is never turned into zero.

#: The SFR underlying-data files, by the year of the 31 March they describe.
CLA_FILES: dict[int, str] = {
    2014: "dfe_cla_characteristics/SFR36_CLA2014_la_cla_by_characteristics_incl_ethnicity.csv",
    2015: "dfe_cla_characteristics/SFR34_CLA2015_la_cla_by_characteristics_incl_ethnicity.csv",
    2016: "dfe_cla_characteristics/SFR41_CLA2016_la_cla_by_characteristics_incl_ethnicity.csv",
    2017: "dfe_cla_characteristics/SFR50_CLA2017_la_cla_by_characteristics_incl_ethnicity.csv",
}
CENSUS_FILE = "census2021_child_pop_10_17_ethnicity/prism_r_child_population_10_17_west_midlands_mets_extract.csv"

#: SFR column -> ethnic group (the DfE column dictionary, SFR50_2017_MetaData.txt: ``CLA_EOTH`` is
#: "any other ethnic background", ``CLA_Oth`` is "ethnic background is not known").
CLA_ETHNIC_COLUMNS: dict[str, str] = {
    "CLA_White": "White",
    "CLA_Mixed": "Mixed",
    "CLA_Asian": "Asian",
    "CLA_Black": "Black",
    "CLA_EOTH": "Other",
    "CLA_Oth": "Unknown",
}
_SFR_LEVELS = {"NATIONAL": "national", "REGION": "regional", "LA": "la"}
_SYMBOLS = {"x", "c", "z", "k", "u", "low", ":", ".."}



def _ethnicity_path(rel: str, ref_dir: str | Path | None) -> Path:
    root = Path(ref_dir) if ref_dir is not None else DEFAULT_REFERENCE_DIR
    p = root / rel
    if not p.is_file():
        raise ReferenceDataError(
            f"reference file not found: {p} (copy it byte for byte from ../shared/reference/, see "
            "data_raw/reference/README.md)"
        )
    return p


def _split(text: pd.Series, where: str) -> tuple[pd.Series, pd.Series]:
    """Text values -> (float value, status): ``ok``, the symbol, or ``missing`` for an empty cell."""
    t = text.fillna("").astype(str).str.strip()
    num = pd.to_numeric(t.str.replace(",", "", regex=False), errors="coerce")
    status = pd.Series(np.where(num.notna(), "ok", np.where(t == "", "missing", t)), index=t.index)
    odd = ~status.isin(["ok", "missing"]) & ~status.str.lower().isin(_SYMBOLS)
    if odd.any():
        raise ReferenceDataError(f"{where}: values that are neither numbers nor DfE symbols: "
                                      f"{sorted(set(t[odd]))[:5]}")
    return num.astype(float), status


def read_cla_by_ethnicity(ref_dir: str | Path | None = None, years: tuple[int, ...] | None = None) -> pd.DataFrame:
    """Children looked after at 31 March by ethnic group, tidy: one row per year, area and group.

    Columns: ``year`` (the 31 March), ``level`` (national / regional / la), ``new_la_code``,
    ``old_la_code`` (DfE three-digit code as text; a letter for regions), ``area``, ``group`` (White,
    Mixed, Asian, Black, Other, Unknown, or Total for all children looked after at 31 March),
    ``value`` (float, NaN where suppressed) and ``status`` (``ok`` or the symbol, ``x`` in these files).

    National and regional figures are rounded to the nearest 10 by DfE; local-authority figures are
    exact, with 1 to 5 shown as ``x``.
    """
    frames = []
    for year in years or tuple(CLA_FILES):
        if year not in CLA_FILES:
            raise ReferenceDataError(f"no looked-after-by-ethnicity file for {year}; have {', '.join(map(str, CLA_FILES))}")
        p = _ethnicity_path(CLA_FILES[year], ref_dir)
        raw = pd.read_csv(p, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig")
        raw.columns = [c.strip() for c in raw.columns]
        total_col = f"CLA_Mar{year}"
        need = ["New_geog_code", "geog_l", "geog_c", "geog_n", total_col, *CLA_ETHNIC_COLUMNS]
        missing = [c for c in need if c not in raw.columns]
        if missing:
            raise ReferenceDataError(f"{p.name}: columns {missing} are missing")
        raw = raw[raw["geog_l"].str.strip().isin(list(_SFR_LEVELS))]
        long = raw[need].melt(id_vars=need[:4], var_name="column", value_name="text")
        value, status = _split(long["text"], p.name)
        groups = {**CLA_ETHNIC_COLUMNS, total_col: "Total"}
        frames.append(pd.DataFrame({
            "year": year,
            "level": long["geog_l"].str.strip().map(_SFR_LEVELS).to_numpy(),
            "new_la_code": long["New_geog_code"].str.strip().to_numpy(),
            "old_la_code": long["geog_c"].str.strip().to_numpy(),
            "area": long["geog_n"].str.strip().to_numpy(),
            "group": long["column"].map(groups).to_numpy(),
            "value": value.to_numpy(),
            "status": status.to_numpy(),
        }))
    out = pd.concat(frames, ignore_index=True)
    order = {g: i for i, g in enumerate(["White", "Mixed", "Asian", "Black", "Other", "Unknown", "Total"])}
    out["_o"] = out["group"].map(order)
    out = out.sort_values(["year", "level", "old_la_code", "area", "_o"], kind="mergesort").drop(columns="_o")
    return out.reset_index(drop=True)


def read_census_10_17(ref_dir: str | Path | None = None) -> pd.DataFrame:
    """Census 2021 children aged 10 to 17 by ethnic group and sex, summed over the three age sub-bands.

    Columns: ``new_la_code``, ``area``, ``group`` (White, Mixed, Asian, Black, Other), ``sex``
    (``F``/``M``), ``population``. The source leaves the sub-bands unlabelled (probably 10-11, 12-14,
    15-17: see PROVENANCE.md), so only their 10-17 total is used.
    """
    p = _ethnicity_path(CENSUS_FILE, ref_dir)
    raw = pd.read_csv(p, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig")
    need = ["geo_id", "la_name", "ethnicity", "sex", "population"]
    missing = [c for c in need if c not in raw.columns]
    if missing:
        raise ReferenceDataError(f"{p.name}: columns {missing} are missing")
    value, status = _split(raw["population"], p.name)
    if (status != "ok").any():
        raise ReferenceDataError(f"{p.name}: population holds non-numbers at rows {list(raw.index[status != 'ok'][:5])}")
    sex = raw["sex"].str.strip().str.lower().map({"female": "F", "male": "M"})
    if sex.isna().any():
        raise ReferenceDataError(f"{p.name}: unexpected sex values {sorted(set(raw['sex'][sex.isna()]))}")
    df = pd.DataFrame({"new_la_code": raw["geo_id"].str.strip(), "area": raw["la_name"].str.strip(),
                       "group": raw["ethnicity"].str.strip(), "sex": sex, "population": value})
    out = df.groupby(["new_la_code", "area", "group", "sex"], as_index=False, sort=True)["population"].sum()
    out["population"] = out["population"].astype("int64")
    return out
