"""Reading the two published reference folders behind the real-data disproportionality example.

This is the only module of the disproportionality work that opens files. It reads

* ``dfe_cla_characteristics/``: DfE's children looked after at 31 March by ethnic group (White,
  Mixed, Asian, Black, Any other, Not known) for England, every region and every local authority,
  from the SFR underlying-data files of 2014, 2015, 2016 and 2017 (SFR 36/2014, 34/2015, 41/2016,
  50/2017); and
* ``census2021_child_pop_10_17_ethnicity/``: ONS Census 2021 children aged 10 to 17 by ethnic group
  (the same five groups) and sex, for Coventry and five other West Midlands metropolitan districts.

Both folders are byte-identical copies of the project's shared reference library, each with its
``PROVENANCE.md`` (publisher, source repository and commit, git blob sha1 of each file).

Values are read as text first so that DfE's symbols survive: in the SFR files ``x`` marks a
suppressed or unavailable cell (numbers of 1 to 5 at local-authority level). A symbol becomes NaN in
``value`` with the symbol kept in ``status``; it is never turned into zero.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .errors import CscpError

__all__ = [
    "DEFAULT_REFERENCE_DIR",
    "CLA_FILES",
    "CENSUS_FILE",
    "CLA_ETHNIC_COLUMNS",
    "ReferenceEthnicityError",
    "read_cla_by_ethnicity",
    "read_census_10_17",
]

DEFAULT_REFERENCE_DIR = Path(__file__).resolve().parents[1] / "data_raw" / "reference"

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
_LEVELS = {"NATIONAL": "national", "REGION": "regional", "LA": "la"}
_SYMBOLS = {"x", "c", "z", "k", "u", "low", ":", ".."}


class ReferenceEthnicityError(CscpError, ValueError):
    """A reference file is missing or not in the layout we expect; the message says which."""


def _path(rel: str, ref_dir: str | Path | None) -> Path:
    root = Path(ref_dir) if ref_dir is not None else DEFAULT_REFERENCE_DIR
    p = root / rel
    if not p.is_file():
        raise ReferenceEthnicityError(
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
        raise ReferenceEthnicityError(f"{where}: values that are neither numbers nor DfE symbols: "
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
            raise ReferenceEthnicityError(f"no looked-after-by-ethnicity file for {year}; have {', '.join(map(str, CLA_FILES))}")
        p = _path(CLA_FILES[year], ref_dir)
        raw = pd.read_csv(p, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig")
        raw.columns = [c.strip() for c in raw.columns]
        total_col = f"CLA_Mar{year}"
        need = ["New_geog_code", "geog_l", "geog_c", "geog_n", total_col, *CLA_ETHNIC_COLUMNS]
        missing = [c for c in need if c not in raw.columns]
        if missing:
            raise ReferenceEthnicityError(f"{p.name}: columns {missing} are missing")
        raw = raw[raw["geog_l"].str.strip().isin(list(_LEVELS))]
        long = raw[need].melt(id_vars=need[:4], var_name="column", value_name="text")
        value, status = _split(long["text"], p.name)
        groups = {**CLA_ETHNIC_COLUMNS, total_col: "Total"}
        frames.append(pd.DataFrame({
            "year": year,
            "level": long["geog_l"].str.strip().map(_LEVELS).to_numpy(),
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
    p = _path(CENSUS_FILE, ref_dir)
    raw = pd.read_csv(p, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8-sig")
    need = ["geo_id", "la_name", "ethnicity", "sex", "population"]
    missing = [c for c in need if c not in raw.columns]
    if missing:
        raise ReferenceEthnicityError(f"{p.name}: columns {missing} are missing")
    value, status = _split(raw["population"], p.name)
    if (status != "ok").any():
        raise ReferenceEthnicityError(f"{p.name}: population holds non-numbers at rows {list(raw.index[status != 'ok'][:5])}")
    sex = raw["sex"].str.strip().str.lower().map({"female": "F", "male": "M"})
    if sex.isna().any():
        raise ReferenceEthnicityError(f"{p.name}: unexpected sex values {sorted(set(raw['sex'][sex.isna()]))}")
    df = pd.DataFrame({"new_la_code": raw["geo_id"].str.strip(), "area": raw["la_name"].str.strip(),
                       "group": raw["ethnicity"].str.strip(), "sex": sex, "population": value})
    out = df.groupby(["new_la_code", "area", "group", "sex"], as_index=False, sort=True)["population"].sum()
    out["population"] = out["population"].astype("int64")
    return out
