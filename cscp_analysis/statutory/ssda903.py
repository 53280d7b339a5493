"""The SSDA903 return (children looked after) into the children's social care extract.

The return is a set of CSVs, one per table, recognised by file name in any case (``Header.csv``,
``SSDA903_2025_episodes.CSV``, ``903 missing.csv``) or, failing that, by their columns. Dates are
DD/MM/YYYY (ISO is accepted too); sex is 1/2 until 2023-24 and M/F/U from 2024-25.

* ``Header`` -> ``children`` (CHILD, DOB, SEX, ETHNIC; disability is not in the return: written U,
  not known, and said so in ``sources.csv``); ``UASC`` -> ``uasc`` Y for the children it lists, N for
  the others (blank when no UASC file is given).
* ``Episodes`` -> ``cla_periods`` and ``cla_placements``. A period of care starts at an episode with
  RNE ``S`` and ends at an episode whose REC is not ``X1`` (its DEC is the end date); its legal status
  and category of need are those of its first episode. A new placement starts at every new episode
  except a change of legal status only (RNE ``L``); its type is the extract's group of the 903 PLACE
  code (``codes_dfe.PLACE_GROUP``). Episodes of several years' files are combined (the same child and
  DECOM read twice is one episode: the later file's). A period whose first episode in the files is not
  an ``S`` began before them: its start is unknown, so it is set aside with the reason.
* ``Missing`` -> ``missing_episodes`` for MISSING ``M`` (looked after: Y); an absence (``A``, away from
  placement without authorisation) is not a missing episode and is set aside with that reason. The
  903 records neither missing episodes from home nor return interviews: ``sources.csv`` says so.
* Reviews, OC2, OC3, AD1, PlacedAdoption, PrevPerm, SWEpisodes and DoLo are read and counted
  (``import_files.csv``); the extract has no table for them.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .codes_dfe import EPISODE_CONTINUES, NEW_PLACEMENT_RNE, PLACE_GROUP, SEX_903
from .errors import StatutoryFileError
from .extract import Extract, Field
from .values import by_value, clean_text, make_keys, parse_dates, upper

__all__ = ["read_ssda903", "TABLES_903", "recognise", "SOURCE_903"]

SOURCE_903 = "SSDA903"
# table -> its columns (the return's order); the first ones listed in _NEEDED must be present.
TABLES_903: dict[str, tuple[str, ...]] = {
    "Header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "Episodes": ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC", "REASON_PLACE_CHANGE",
                 "HOME_POST", "PL_POST", "URN"),
    "UASC": ("CHILD", "SEX", "DOB", "DUC"),
    "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "OC2": ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK", "IMMUNISATIONS", "TEETH_CHECK",
            "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"),
    "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
    "PlacedAdoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
    "PrevPerm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "SWEpisodes": ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
    "DoLo": ("CHILD", "DOB", "DOLO_START", "DOLO_END"),
}
_NEEDED = {
    "Header": ("CHILD", "SEX", "DOB", "ETHNIC"),
    "Episodes": ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "DEC", "REC"),
    "UASC": ("CHILD",),
    "Missing": ("CHILD", "MISSING", "MIS_START"),
}
# words in a file name -> table (most specific first)
_NAMES = (
    (r"sw[ _-]*episodes?|social[ _-]*worker", "SWEpisodes"), (r"placed[ _-]*(for[ _-]*)?adoption", "PlacedAdoption"),
    (r"prev(ious)?[ _-]*perm(anence)?", "PrevPerm"), (r"dolo|deprivation", "DoLo"), (r"episodes?", "Episodes"),
    (r"header", "Header"), (r"uasc", "UASC"), (r"reviews?", "Reviews"), (r"missing", "Missing"), (r"oc2", "OC2"),
    (r"oc3", "OC3"), (r"ad1", "AD1"),
)
_USED = {"Header": "children", "Episodes": "cla_periods, cla_placements", "UASC": "children (uasc)",
         "Missing": "missing_episodes"}


def _read_csv(path: Path) -> pd.DataFrame:
    data = path.read_bytes()
    if not data.strip():
        raise StatutoryFileError(path, "the file is empty; an SSDA903 table is a CSV with a header row")
    if data[:4] == b"PK\x03\x04" or b"\x00" in data[:4096]:
        raise StatutoryFileError(path, "not a CSV file (it looks like a binary file or a workbook); the SSDA903 tables "
                                       "are CSVs")
    for enc in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    import io

    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise StatutoryFileError(path, f"not a readable CSV ({str(exc).splitlines()[0]})") from None
    df.columns = [str(c).strip().upper() for c in df.columns]
    return df


def recognise(path: Path, columns: list[str]) -> str | None:
    """The 903 table a file is: by its name (any case), else by its columns; None when neither says."""
    stem = re.sub(r"[^a-z0-9]+", " ", Path(path).stem.lower())
    for pattern, table in _NAMES:
        if re.search(rf"(^|\s|\d){pattern}($|\s|\d)", stem) or re.search(pattern.replace("[ _-]*", ""), stem.replace(" ", "")):
            return table
    cols = set(columns)
    best = [t for t, c in TABLES_903.items() if set(c) == cols]
    if best:
        return best[0]
    # every column one of the table's, and the ones it cannot do without all there
    part = [t for t, c in TABLES_903.items() if cols <= set(c) and set(_NEEDED.get(t, c[:3])) <= cols]
    return part[0] if len(part) == 1 else None


def _load(paths) -> dict[str, list[tuple[Path, pd.DataFrame]]]:
    found: dict[str, list[tuple[Path, pd.DataFrame]]] = {}
    for p in [Path(x) for x in paths]:
        if not p.is_file():
            raise FileNotFoundError(f"{p}: no such file")
        df = _read_csv(p)
        table = recognise(p, list(df.columns))
        if table is None:
            shown = ", ".join(list(df.columns)[:8]) or "none"
            raise StatutoryFileError(p, f"not an SSDA903 table: neither its name nor its columns ({shown}) are those of "
                                        "Header, Episodes, UASC, Reviews, Missing, OC2, OC3, AD1, PlacedAdoption, PrevPerm, "
                                        "SWEpisodes or DoLo")
        need = [c for c in _NEEDED.get(table, ("CHILD",)) if c not in df.columns]
        if need:
            raise StatutoryFileError(p, f"read as the SSDA903 {table} table (from its name) but it has no column "
                                        f"{', '.join(need)}")
        found.setdefault(table, []).append((p, df))
    return found


def _rejected(reason, label, location, values: dict) -> pd.DataFrame:
    frame = pd.DataFrame({"source": label, "location": location, "reason": reason})
    for k, v in values.items():
        frame[k] = v
    return frame


def _rows(df: pd.DataFrame) -> np.ndarray:
    return (np.arange(len(df)) + 2).astype(str).astype(object)  # the file's line (row 1 is the header)


def _concat(parts: list[tuple[Path, pd.DataFrame]], columns: tuple[str, ...]) -> pd.DataFrame:
    frames = []
    for k, (p, df) in enumerate(parts):
        f = pd.DataFrame({c: clean_text(df[c]) if c in df.columns else "" for c in columns})
        f["_file"] = p.name
        f["_line"] = _rows(df)
        f["_order"] = k
        frames.append(f)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*columns, "_file", "_line", "_order"])


def _in_later_file(df: pd.DataFrame, key: list[str]) -> np.ndarray:
    """Rows whose ``key`` is also in a later file (several years' returns repeat the episodes open across
    31 March): only the latest file's row is kept. Rows repeated within one file are all kept."""
    last_file = df.groupby(key, sort=False)["_order"].transform("max").to_numpy()
    return df["_order"].to_numpy() < last_file


def _warn_dates(extract: Extract, df: pd.DataFrame, col: str, table: str) -> np.ndarray:
    days, bad = parse_dates(df[col].to_numpy(dtype=object))
    if bad.any():
        extract.warn(", ".join(sorted(df.loc[bad, "_file"].unique())), f"{table}/{col}",
                     "not a date (DD/MM/YYYY): left blank", int(bad.sum()), str(df.loc[bad, col].iloc[0]))
    return days


def _children(found, extract: Extract) -> set[str]:
    h = _concat(found.get("Header", []), TABLES_903["Header"])
    n = len(h)
    dob = _warn_dates(extract, h, "DOB", "Header")
    # a child in several years' Header files: the latest file's row
    keep_last = ~h.duplicated("CHILD", keep="last").to_numpy()
    ok = (h["CHILD"] != "").to_numpy() & keep_last
    later = (h["CHILD"] != "").to_numpy() & ~keep_last
    blank = (h["CHILD"] == "").to_numpy()
    extract.set_aside("children", _rejected("no CHILD: the child cannot be identified", h["_file"][blank],
                                            h["_line"][blank], {"CHILD": h["CHILD"][blank]}))
    extract.set_aside("children", _rejected("the same CHILD in a later Header row or file (that one was kept)",
                                            h["_file"][later], h["_line"][later], {"CHILD": h["CHILD"][later]}))
    sex_raw = upper(h["SEX"])
    sex = by_value(sex_raw, lambda u: np.array([SEX_903.get(x, x) for x in u], dtype=object))
    uasc = np.full(n, "", dtype=object)
    if "UASC" in found:
        listed = set(_concat(found["UASC"], TABLES_903["UASC"])["CHILD"])
        uasc = np.where(h["CHILD"].isin(listed), "Y", "N").astype(object)
    children = pd.DataFrame({"child_id": h["CHILD"].to_numpy(dtype=object), "date_of_birth": dob, "sex": sex,
                             "ethnicity": upper(h["ETHNIC"]), "disability": "U", "disability_codes": "",
                             "uasc": uasc})[ok].reset_index(drop=True)
    extract.tables["children"] = children
    extract.read["children"] = n
    return set(children["child_id"])


def _episodes(found, extract: Extract, known: set[str]) -> None:
    e = _concat(found.get("Episodes", []), TABLES_903["Episodes"])
    n = len(e)
    decom = _warn_dates(extract, e, "DECOM", "Episodes")
    dec = _warn_dates(extract, e, "DEC", "Episodes")
    e["_decom"], e["_dec"] = decom, dec
    e["RNE"], e["REC"], e["LS"], e["CIN"], e["PLACE"] = (upper(e[c]) for c in ("RNE", "REC", "LS", "CIN", "PLACE"))
    # the same episode in several years' files: the later file's
    dup = _in_later_file(e, ["CHILD", "_decom"]) & ~np.isnat(decom)
    unknown = ~e["CHILD"].isin(known).to_numpy()
    no_start = np.isnat(decom)
    bad = dup | unknown | no_start
    reason = np.where(no_start, "no valid DECOM: the episode cannot be placed in time",
                      np.where(unknown, "its CHILD is not in the Header table", "the same episode (CHILD and DECOM) in a "
                               "later file (that one was kept)")).astype(object)
    ep = e[~bad].sort_values(["CHILD", "_decom", "_order"], kind="stable").reset_index(drop=True)
    child = ep["CHILD"].to_numpy(dtype=object)
    first_of_child = np.ones(len(ep), dtype=bool)
    first_of_child[1:] = child[1:] != child[:-1]
    rec = ep["REC"].to_numpy(dtype=object)
    dec_ep = ep["_dec"].to_numpy(dtype="datetime64[D]")
    ends = (rec != EPISODE_CONTINUES) & (rec != "") & ~np.isnat(dec_ep)
    prev_ended = np.zeros(len(ep), dtype=bool)
    prev_ended[1:] = ends[:-1]
    starts = first_of_child | prev_ended | (ep["RNE"].to_numpy(dtype=object) == "S")
    period = np.cumsum(starts) - 1
    first_rne = ep["RNE"].to_numpy(dtype=object)[starts]
    unknown_start = first_rne != "S"
    not_s_inside = (ep["RNE"].to_numpy(dtype=object) == "S") & ~(first_of_child | prev_ended)
    extract.warn(", ".join(sorted(ep["_file"].unique())), "Episodes/RNE",
                 "an episode with RNE S while the period before it had not ended (REC X1 or blank): a new period of care "
                 "starts there", int(not_s_inside.sum()), str(child[not_s_inside][0]) if not_s_inside.any() else "")
    # periods
    p_idx = np.flatnonzero(starts)
    last_idx = np.r_[p_idx[1:] - 1, len(ep) - 1] if len(ep) else np.array([], dtype=np.int64)
    p_child = child[p_idx]
    p_start = ep["_decom"].to_numpy(dtype="datetime64[D]")[p_idx]
    p_end = np.where(ends[last_idx], dec_ep[last_idx], np.datetime64("NaT", "D")) if len(ep) else dec_ep[:0]
    p_ok = ~unknown_start
    p_keys = make_keys("L", p_child, p_start)
    periods = pd.DataFrame({"cla_id": p_keys, "child_id": p_child, "cla_start": p_start, "cla_end": p_end,
                            "legal_status": ep["LS"].to_numpy(dtype=object)[p_idx],
                            "category_of_need": ep["CIN"].to_numpy(dtype=object)[p_idx]})
    # episodes set aside: those that cannot be placed, and those of a period whose start is not in the files
    extract.set_aside("cla_periods", _rejected(
        "its first episode in the files is not a start (RNE S): the period of care began before the files; supply "
        "earlier years' Episodes", ep["_file"].to_numpy(dtype=object)[p_idx][~p_ok],
        ep["_line"].to_numpy(dtype=object)[p_idx][~p_ok], {"CHILD": p_child[~p_ok],
                                                            "DECOM": ep["DECOM"].to_numpy(dtype=object)[p_idx][~p_ok],
                                                            "RNE": first_rne[~p_ok]}))
    extract.tables["cla_periods"] = periods[p_ok].reset_index(drop=True)
    # placements: a new one at each episode except a change of legal status only
    new_pl = np.isin(ep["RNE"].to_numpy(dtype=object), NEW_PLACEMENT_RNE) | starts
    pl_idx = np.flatnonzero(new_pl)
    pl_last = np.r_[pl_idx[1:] - 1, len(ep) - 1] if len(ep) else np.array([], dtype=np.int64)
    pl_child = child[pl_idx]
    pl_start = ep["_decom"].to_numpy(dtype="datetime64[D]")[pl_idx]
    pl_end = dec_ep[pl_last] if len(ep) else dec_ep[:0]
    place = ep["PLACE"].to_numpy(dtype=object)[pl_idx]
    group = by_value(place, lambda u: np.array([PLACE_GROUP.get(x, x) for x in u], dtype=object))
    unknown_place = ~np.isin(place, list(PLACE_GROUP))
    extract.warn(", ".join(sorted(ep["_file"].unique())), "Episodes/PLACE",
                 "not a placement code of the return: kept as it is, for validation to report", int(unknown_place.sum()),
                 str(place[unknown_place][0]) if unknown_place.any() else "")
    pl_period = period[pl_idx]
    pl_ok = p_ok[pl_period] if len(pl_idx) else np.zeros(0, bool)
    placements = pd.DataFrame({"placement_id": make_keys("PL", pl_child, pl_start), "cla_id": p_keys[pl_period],
                               "child_id": pl_child, "placement_start": pl_start, "placement_end": pl_end,
                               "placement_type": group})
    extract.set_aside("cla_placements", _rejected(
        "its period of care was set aside (see rejected/cla_periods.csv)", ep["_file"].to_numpy(dtype=object)[pl_idx][~pl_ok],
        ep["_line"].to_numpy(dtype=object)[pl_idx][~pl_ok], {"CHILD": pl_child[~pl_ok],
                                                              "DECOM": ep["DECOM"].to_numpy(dtype=object)[pl_idx][~pl_ok]}))
    extract.tables["cla_placements"] = placements[pl_ok].reset_index(drop=True)
    # episodes that could not be placed at all count against both tables' reads: report them under periods
    extract.set_aside("cla_periods", _rejected(reason[bad], e["_file"][bad], e["_line"][bad],
                                               {"CHILD": e["CHILD"][bad], "DECOM": e["DECOM"][bad]}))
    extract.read["cla_periods"] = len(periods) + int(bad.sum())
    extract.read["cla_placements"] = len(placements)
    extract.files.append({"file": ", ".join(p.name for p, _ in found.get("Episodes", [])), "kind": SOURCE_903,
                          "detail": "", "part": "Episodes", "records": n,
                          "used_for": f"{len(periods)} periods of care and {len(placements)} placements built from the "
                                      f"episodes; {int(bad.sum())} episodes set aside"})


def _missing(found, extract: Extract, known: set[str]) -> None:
    m = _concat(found["Missing"], TABLES_903["Missing"])
    start = _warn_dates(extract, m, "MIS_START", "Missing")
    end = _warn_dates(extract, m, "MIS_END", "Missing")
    kind = upper(m["MISSING"])
    dup = _in_later_file(m.assign(_s=start), ["CHILD", "_s"]) & ~np.isnat(start)
    absence = kind == "A"
    unknown = ~m["CHILD"].isin(known).to_numpy()
    no_start = np.isnat(start)
    bad = absence | unknown | no_start | dup | ~np.isin(kind, ["M", "A"])
    reason = np.select([no_start, unknown, absence, dup],
                       ["no valid MIS_START: the episode cannot be placed in time",
                        "its CHILD is not in the Header table",
                        "an absence (A: away from placement without authorisation), not a missing episode",
                        "the same episode (CHILD and MIS_START) in a later file (that one was kept)"],
                       "MISSING is neither M (missing) nor A (absent)").astype(object)
    extract.set_aside("missing_episodes", _rejected(reason[bad], m["_file"][bad], m["_line"][bad],
                                                    {"CHILD": m["CHILD"][bad], "MISSING": m["MISSING"][bad],
                                                     "MIS_START": m["MIS_START"][bad]}))
    ok = ~bad
    child = m["CHILD"].to_numpy(dtype=object)[ok]
    extract.tables["missing_episodes"] = pd.DataFrame({
        "missing_id": make_keys("M", child, start[ok]), "child_id": child, "missing_start": start[ok],
        "missing_end": end[ok], "looked_after": "Y", "rhi_offered": "", "rhi_date": np.datetime64("NaT", "D")})
    extract.read["missing_episodes"] = len(m)


def _provenance(extract: Extract, found) -> None:
    src = SOURCE_903
    f = extract.fields
    for col, what in (("child_id", "Header/CHILD"), ("date_of_birth", "Header/DOB"), ("sex", "Header/SEX (1 M, 2 F before "
                      "2024-25)"), ("ethnicity", "Header/ETHNIC")):
        f[("children", col)] = Field(f"{src}: {what}")
    f[("children", "disability")] = Field("", "none", "the SSDA903 return does not record disability (written U, not "
                                                      "known); supply the CIN census")
    f[("children", "disability_codes")] = Field("", "none", "the SSDA903 return does not record disability; supply the "
                                                            "CIN census")
    f[("children", "uasc")] = Field(f"{src}: UASC (listed: Y)") if "UASC" in found else Field(
        "", "none", "no SSDA903 UASC table was supplied")
    if "Episodes" in found:
        for col, what in (("cla_id", "made from CHILD and the DECOM of the period's first episode"),
                          ("child_id", "Episodes/CHILD"), ("cla_start", "Episodes/DECOM of the episode with RNE S"),
                          ("cla_end", "Episodes/DEC of the episode whose REC is not X1"),
                          ("legal_status", "Episodes/LS of the period's first episode"),
                          ("category_of_need", "Episodes/CIN of the period's first episode")):
            f[("cla_periods", col)] = Field(f"{src}: {what}")
        for col, what in (("placement_id", "made from CHILD and DECOM"), ("cla_id", "the period of care"),
                          ("child_id", "Episodes/CHILD"),
                          ("placement_start", "Episodes/DECOM of an episode with RNE S, P, T, B or U"),
                          ("placement_end", "Episodes/DEC of the placement's last episode"),
                          ("placement_type", "Episodes/PLACE, grouped")):
            f[("cla_placements", col)] = Field(f"{src}: {what}")
    else:
        extract.absent["cla_periods"] = extract.absent["cla_placements"] = "no SSDA903 Episodes table was supplied"
    if "Missing" in found:
        part = ("the SSDA903 return records missing episodes of looked-after children only; missing episodes from home "
                "need the partnership's own extract")
        for col, what in (("missing_id", "made from CHILD and MIS_START"), ("child_id", "Missing/CHILD"),
                          ("missing_start", "Missing/MIS_START"), ("missing_end", "Missing/MIS_END"),
                          ("looked_after", "Y: the return is about looked-after children")):
            f[("missing_episodes", col)] = Field(f"{src}: {what}", "part", part)
        for col in ("rhi_offered", "rhi_date"):
            f[("missing_episodes", col)] = Field("", "none", "the SSDA903 return does not record return home interviews")
    else:
        extract.absent["missing_episodes"] = "no SSDA903 Missing table was supplied"
    for t in ("referrals", "assessments", "section47", "icpc", "cp_plans"):
        extract.absent[t] = "the SSDA903 return is about looked-after children only; supply the CIN census"


def read_ssda903(paths) -> Extract:
    """Read the SSDA903 CSVs ``paths`` into an :class:`Extract` (the Header table is needed)."""
    paths = [Path(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)]
    found = _load(paths)
    if "Header" not in found:
        names = ", ".join(p.name for p in paths)
        raise StatutoryFileError(names, "no SSDA903 Header table among these files: it holds the children the other "
                                        "tables refer to")
    extract = Extract()
    known = _children(found, extract)
    if "Episodes" in found:
        _episodes(found, extract, known)
    if "Missing" in found:
        _missing(found, extract, known)
    _provenance(extract, found)
    for table, parts in sorted(found.items()):
        if table == "Episodes":
            continue
        for p, df in parts:
            extract.files.append({"file": p.name, "kind": SOURCE_903, "detail": "", "part": table, "records": len(df),
                                  "used_for": _USED.get(table, "not used: the extract has no table for it")})
    return extract
