"""Statutory files found in a folder, read and combined into one extract.

``cscp run`` calls this on the data folder's ``csc/``: a council can drop the files it already makes
there (CIN census XML, the SSDA903 CSVs, an Annex A workbook) instead of building our CSVs. Each
source gives what it holds best:

* the child's journey (referrals, assessments, section 47 enquiries, conferences, plans) from the CIN
  census; several years' censuses are combined (the same record, by its key of child and date, read
  again from a later year is that year's; the earlier one is set aside with the reason);
* strategy discussion dates from Annex A List 5, each matched to the census enquiry of the same child
  that started on the day of the discussion or within 30 days after it (the nearest);
* care (periods, placements) and looked-after children's missing episodes from the SSDA903 return;
* Annex A for whatever no other source gives (the journey without a census, care without a 903);
* children from every source: the census's record first, then the 903's, then Annex A's; the 903's
  UASC status fills that column for the census's children.

Which source gave each column is written in ``sources.csv``; CSVs that are the extract's own tables
(``children.csv``, ...) are left alone, and so is anything that is not a statutory file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..returns.schemas import CSC_TABLES, SCHEMAS
from .errors import StatutoryFileError
from .extract import Extract, Field

__all__ = ["find_statutory_files", "read_folder", "combine", "STRATEGY_WINDOW_DAYS"]

STRATEGY_WINDOW_DAYS = 30
_JOURNEY = ("referrals", "assessments", "section47", "icpc", "cp_plans")
_CARE = ("cla_periods", "cla_placements", "missing_episodes")
_CANONICAL = {f"{t}.csv" for t in CSC_TABLES} | {f"{t}.xlsx" for t in CSC_TABLES}
_IMPORT_OUTPUTS = {"import_report.csv", "sources.csv", "import_files.csv", "import_warnings.csv"}


def find_statutory_files(csc_dir) -> dict[str, list[Path]]:
    """``{"cin-census": [...], "ssda903": [...], "annex-a": [...]}``: the statutory files in ``csc_dir``."""
    from .annex_a import _open, _sheets
    from .cin_census import _root
    from .ssda903 import _read_csv, recognise

    out: dict[str, list[Path]] = {"cin-census": [], "ssda903": [], "annex-a": []}
    folder = Path(csc_dir)
    if not folder.is_dir():
        return out
    for p in sorted(folder.iterdir()):
        name = p.name.lower()
        if not p.is_file() or name.startswith((".", "~$")) or name in _CANONICAL or name in _IMPORT_OUTPUTS:
            continue
        if name.endswith(".xml"):
            root, _ = _root(p)
            if root != "Message":
                raise StatutoryFileError(p, f"an XML file in the extract's folder that is not a CIN census (its root "
                                            f"element is <{root}>, a CIN census file's is <Message>)")
            out["cin-census"].append(p)
        elif name.endswith(".csv"):
            try:
                df = _read_csv(p)
            except StatutoryFileError:
                continue
            if recognise(p, list(df.columns)):
                out["ssda903"].append(p)
        elif name.endswith((".xlsx", ".xlsm")):
            wb = _open(p)
            try:
                if _sheets(wb):
                    out["annex-a"].append(p)
            finally:
                wb.close()
    return out


def _key(table: str) -> str:
    return SCHEMAS[table].key[0]


def _stack(parts: list[Extract], label_of: list[str]) -> Extract:
    """Several extracts of one kind (e.g. years of CIN census, oldest first) as one: a record whose key
    appears again in a later one is set aside with the reason."""
    if len(parts) == 1:
        return parts[0]
    out = Extract()
    for p in parts:
        out.fields.update(p.fields)
        out.absent.update(p.absent)
        out.files += p.files
        out.warnings += p.warnings
        for t, frames in p.rejected.items():
            out.rejected.setdefault(t, []).extend(frames)
        for t, n in p.read.items():
            out.read[t] = out.read.get(t, 0) + n
    for t in CSC_TABLES:
        frames = [(k, p.tables[t]) for k, p in enumerate(parts) if t in p.tables]
        if not frames:
            continue
        allrows = pd.concat([f.assign(_part=k) for k, f in frames], ignore_index=True)
        later = allrows.groupby(_key(t), sort=False)["_part"].transform("max").to_numpy() > allrows["_part"].to_numpy()
        dropped = allrows[later]
        if len(dropped):
            out.set_aside(t, pd.DataFrame({"source": [label_of[k] for k in dropped["_part"]], "location": "",
                                           "reason": "the same record in a later file (that one was kept)",
                                           _key(t): dropped[_key(t)].to_numpy()}))
        out.tables[t] = allrows[~later].drop(columns="_part").reset_index(drop=True)
    return out


def _take(out: Extract, src: Extract, tables) -> None:
    for t in tables:
        if t in src.tables or t in src.read:
            out.tables[t] = src.tables.get(t, pd.DataFrame(columns=SCHEMAS[t].column_names))
            out.read[t] = src.read.get(t, len(out.tables[t]))
            if t in src.rejected:
                out.rejected[t] = list(src.rejected[t])
            for (table, col), f in src.fields.items():
                if table == t:
                    out.fields[(table, col)] = f
            out.absent.pop(t, None)
        elif t in src.absent and t not in out.tables:
            out.absent.setdefault(t, src.absent[t])


def _strategy_dates(out: Extract, annex: Extract) -> None:
    """Annex A List 5's strategy discussion dates onto the census's enquiries (see the module docstring)."""
    s = out.tables.get("section47")
    a = annex.tables.get("section47")
    if s is None or a is None or not len(s):
        return
    left = pd.DataFrame({"child_id": s["child_id"].to_numpy(dtype=object),
                         "t": pd.to_datetime(s["s47_start"]).to_numpy(), "i": np.arange(len(s))}).dropna(subset=["t"])
    right = pd.DataFrame({"child_id": a["child_id"].to_numpy(dtype=object),
                          "t": pd.to_datetime(a["strategy_discussion_date"]).to_numpy()}).dropna(subset=["t"])
    right["strategy"] = right["t"]
    m = pd.merge_asof(left.sort_values("t", kind="stable"), right.sort_values("t", kind="stable"), on="t", by="child_id",
                      direction="backward", tolerance=pd.Timedelta(days=STRATEGY_WINDOW_DAYS))
    m = m.dropna(subset=["strategy"]).drop_duplicates(["child_id", "strategy"], keep="last")
    day = np.full(len(s), np.datetime64("NaT", "ns"), dtype="datetime64[ns]")
    day[m["i"].to_numpy(dtype=np.int64)] = m["strategy"].to_numpy(dtype="datetime64[ns]")
    s = s.copy()
    s["strategy_discussion_date"] = day
    out.tables["section47"] = s
    matched = len(m)
    coverage = "all" if matched == len(s) else "part"
    note = "" if coverage == "all" else (f"{len(s) - matched:,} of the census's {len(s):,} enquiries have no strategy "
                                         f"discussion in Annex A List 5 on or within {STRATEGY_WINDOW_DAYS} days before "
                                         "their start (Annex A covers the inspection's months only)")
    out.fields[("section47", "strategy_discussion_date")] = Field(
        f"Annex A: List 5 strategy discussion, matched to the CIN census enquiry of the same child starting on the day "
        f"or within {STRATEGY_WINDOW_DAYS} days after", coverage, note)
    out.files.append({"file": "", "kind": "combined", "detail": "", "part": "strategy discussions (Annex A List 5)",
                      "records": len(a), "used_for": f"{matched:,} matched to CIN census enquiries; "
                                                     f"{len(a) - matched:,} matched none"})


def _children(out: Extract, sources: list[tuple[str, Extract]]) -> None:
    frames, reads, rejected = [], 0, []
    seen: set = set()
    supplied: list[str] = []
    for label, src in sources:
        ch = src.tables.get("children")
        if ch is None:
            continue
        new = ch[~ch["child_id"].isin(seen)]
        if not frames:
            reads += src.read.get("children", len(ch))
            rejected += src.rejected.get("children", [])
        else:
            reads += len(new)
        seen |= set(new["child_id"])
        frames.append(new)
        supplied.append(label)
    if not frames:
        return
    children = pd.concat(frames, ignore_index=True)
    uasc_src = next((src for label, src in sources if label == "SSDA903" and src.fields.get(("children", "uasc"))
                     and src.fields[("children", "uasc")].supplied_by), None)
    if uasc_src is not None:
        listed = uasc_src.tables["children"].set_index("child_id")["uasc"]
        known = children["child_id"].map(listed)
        children["uasc"] = known.fillna("N").where(children["uasc"].fillna("") == "", children["uasc"])
        out.fields[("children", "uasc")] = Field("SSDA903: UASC (listed: Y; other children: N)")
    out.tables["children"] = children
    out.read["children"] = reads
    if rejected:
        out.rejected["children"] = rejected
    first = sources[0][1]
    for (t, col), f in first.fields.items():
        if t == "children" and (t, col) not in out.fields:
            extra = "; ".join(f"{lab} for children only in it" for lab in supplied[1:])
            out.fields[(t, col)] = Field(f.supplied_by + (f"; {extra}" if extra and f.supplied_by else ""), f.coverage,
                                         f.note)


def combine(cin: list[Extract], s903: Extract | None, annex: Extract | None, cin_labels=None) -> Extract:
    """One extract from the sources read (see the module docstring)."""
    out = Extract()
    census = _stack(cin, cin_labels or [f"CIN census {k + 1}" for k in range(len(cin))]) if cin else None
    journey = census or annex
    care = s903 or annex
    for src in (census, s903, annex):
        if src is not None:
            out.files += src.files
            out.warnings += src.warnings
    if journey is not None:
        _take(out, journey, _JOURNEY)
    if care is not None:
        _take(out, care, _CARE)
    if s903 is not None and "missing_episodes" not in s903.tables and annex is not None:
        out.absent["missing_episodes"] = annex.absent.get("missing_episodes", "")
    if census is not None and annex is not None:
        _strategy_dates(out, annex)
    order = [(lab, src) for lab, src in (("CIN census", census), ("SSDA903", s903), ("Annex A", annex)) if src is not None]
    _children(out, order)
    for t in CSC_TABLES:
        if t not in out.tables and t not in out.absent:
            why = [src.absent[t] for _, src in order if t in src.absent]
            out.absent[t] = why[0] if why else "no source supplied this table"
    return out


def read_folder(csc_dir) -> tuple[Extract | None, list[Path]]:
    """Find, read and combine the statutory files in ``csc_dir``; ``(None, [])`` when there are none."""
    from .annex_a import read_annex_a
    from .cin_census import read_cin_census
    from .ssda903 import read_ssda903

    found = find_statutory_files(csc_dir)
    files = [p for kind in ("cin-census", "ssda903", "annex-a") for p in found[kind]]
    if not files:
        return None, []
    cin = []
    for p in found["cin-census"]:
        e = read_cin_census(p)
        detail = next((f["detail"] for f in e.files), "")
        cin.append((detail, p.name, e))
    cin.sort(key=lambda x: (x[0], x[1]))  # by collection year and reference date, then name
    s903 = read_ssda903(found["ssda903"]) if found["ssda903"] else None
    annex_parts = [read_annex_a(p) for p in found["annex-a"]]
    annex = _stack(annex_parts, [p.name for p in found["annex-a"]]) if annex_parts else None
    extract = combine([e for _, _, e in cin], s903, annex, [n for _, n, _ in cin])
    return extract, files
