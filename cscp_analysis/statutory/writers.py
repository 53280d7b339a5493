"""The children's social care extract written back in the statutory formats (for the demo partnership).

``cscp demo-data --format cin-census|ssda903|annex-a`` uses these, so that the quarter can be run
from the files a council would hold and the result compared with the canonical demo. Each writer
reads an extract folder (``csc/*.csv``) and writes what the format carries, as a council's system
would lay it out; what the format cannot carry is simply not written (docs/statutory_formats.md):

* :func:`write_cin_census`: one XML of every child and referral (``Sex`` M/F/U, the 2024-25 layout, or
  ``GenderCurrent`` for an earlier ``year``); each plan in the episode of the conference that made it,
  else the episode open on its start, else the child's first; ``ReferralNFA`` true for no further
  action, early help or advice; no strategy discussion, enquiry end, outcomes or care;
* :func:`write_ssda903`: ``SSDA903_Header.csv``, ``_Episodes``, ``_UASC`` and ``_Missing`` (DD/MM/YYYY,
  SEX M/F/U): one episode per placement, RNE S for a period's first and P after, REC X1 between and
  E8 ("ceased for any other reason": the extract does not say why) at the end of a period; missing
  episodes of looked-after children only;
* :func:`write_annex_a`: a workbook with a sheet for each of Lists 1 to 11 (Lists 1, 2 and 9 to 11
  with headings only), Ofsted's headings and drop-down values (``a) WBRI``, ``q) 6: Police``), Excel
  dates; every record of the extract rather than the inspection's twelve months.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from .. import codes as C
from ..returns.schemas import CSC_TABLES, SCHEMAS
from .codes_dfe import GROUP_PLACE

__all__ = ["write_cin_census", "write_ssda903", "write_annex_a", "read_extract", "FORMATS"]

FORMATS = ("cin-census", "ssda903", "annex-a")
_NFA = ("NFA", "EARLY_HELP", "INFO_ADVICE")
_GENDER = {"M": "1", "F": "2", "U": "0"}


def read_extract(csc_dir) -> dict[str, pd.DataFrame]:
    """The extract's tables as text ('' for blank), those present in ``csc_dir``."""
    out = {}
    for name in CSC_TABLES:
        p = Path(csc_dir) / f"{name}.csv"
        if p.is_file():
            df = pd.read_csv(p, dtype=str, keep_default_na=False)
            for c in SCHEMAS[name].column_names:
                if c not in df.columns:
                    df[c] = ""
            out[name] = df
    return out


def _el(tag: str, value: str, indent: str) -> str:
    return f"{indent}<{tag}>{escape(value)}</{tag}>\n" if value != "" else ""


def write_cin_census(csc_dir, path, year: int = 2026, reference_date: str | None = None) -> Path:
    """Write the extract in ``csc_dir`` as a CIN census XML file at ``path``."""
    t = read_extract(csc_dir)
    ch, ref = t["children"], t["referrals"]
    ass, s47 = t.get("assessments"), t.get("section47")
    icpc, plans = t.get("icpc"), t.get("cp_plans")
    ref_date = reference_date or max(v for df in t.values() for c in df.columns if c.endswith(("date", "start", "end",
                                                                                              "authorised"))
                                     for v in (df[c].max(),) if v)
    ref = ref.sort_values(["child_id", "referral_date", "referral_id"], kind="stable")
    by_ref = {k: g for k, g in ass.sort_values(["assessment_start", "assessment_id"]).groupby("referral_id")} \
        if ass is not None else {}
    s47_by_ref = {k: g for k, g in s47.sort_values(["s47_start", "s47_id"]).groupby("referral_id")} if s47 is not None else {}
    conf = icpc.drop_duplicates("s47_id").set_index("s47_id")["icpc_date"].to_dict() if icpc is not None else {}
    # each plan's episode: its conference's, else the episode open on its start, else the child's first
    plan_ref: dict[str, list] = {}
    if plans is not None and len(plans):
        icpc_ref = {}
        if icpc is not None and s47 is not None:
            s2r = s47.set_index("s47_id")["referral_id"].to_dict()
            icpc_ref = {i: s2r.get(s, "") for i, s in zip(icpc["icpc_id"], icpc["s47_id"], strict=True)}
        first_ref = ref.groupby("child_id")["referral_id"].first().to_dict()
        open_on = pd.merge_asof(
            plans.assign(t=pd.to_datetime(plans["plan_start"]))[["plan_id", "child_id", "t"]].sort_values("t"),
            ref.assign(t=pd.to_datetime(ref["referral_date"]))[["child_id", "t", "referral_id", "cin_closure_date"]]
            .sort_values("t"), on="t", by="child_id", direction="backward")
        still_open = (open_on["cin_closure_date"].fillna("") == "") | (open_on["cin_closure_date"].fillna("")
                                                                        >= open_on["t"].dt.strftime("%Y-%m-%d"))
        episode = dict(zip(open_on["plan_id"], np.where(still_open, open_on["referral_id"].fillna(""), ""), strict=True))
        previous = plans.sort_values(["child_id", "plan_start"]).groupby("child_id").cumcount()
        previous = dict(zip(plans.sort_values(["child_id", "plan_start"])["plan_id"], previous, strict=True))
        for p in plans.sort_values(["plan_start", "plan_id"]).itertuples(index=False):
            r = icpc_ref.get(p.icpc_id, "") or episode.get(p.plan_id) or first_ref.get(p.child_id, "")
            plan_ref.setdefault(r, []).append((p, previous[p.plan_id]))
    refs_of = {k: g for k, g in ref.groupby("child_id", sort=False)}
    out = [f'<?xml version="1.0" encoding="utf-8"?>\n<Message>\n  <Header>\n    <CollectionDetails>\n'
           f"      <Collection>CIN</Collection>\n      <Year>{year}</Year>\n      <ReferenceDate>{ref_date}</ReferenceDate>\n"
           "    </CollectionDetails>\n    <Source>\n      <SourceLevel>L</SourceLevel>\n      <LEA>999</LEA>\n"
           "      <SoftwareCode>cscp demo-data</SoftwareCode>\n    </Source>\n  </Header>\n  <Children>\n"]
    for c in ch.itertuples(index=False):
        x = ["    <Child>\n      <ChildIdentifiers>\n", _el("LAchildID", c.child_id, "        "),
             "        <UPNunknown>UN1</UPNunknown>\n"]
        x.append(_el("PersonBirthDate" if c.date_of_birth <= ref_date else "ExpectedPersonBirthDate", c.date_of_birth,
                     "        "))
        x.append(_el("Sex", c.sex, "        ") if year >= 2025 else _el("GenderCurrent", _GENDER.get(c.sex, c.sex), "        "))
        x.append("      </ChildIdentifiers>\n      <ChildCharacteristics>\n")
        x.append(_el("Ethnicity", c.ethnicity, "        "))
        if c.disability_codes:
            x.append("        <Disabilities>\n")
            x += [_el("Disability", d, "          ") for d in c.disability_codes.split(";")]
            x.append("        </Disabilities>\n")
        x.append("      </ChildCharacteristics>\n")
        for r in refs_of.get(c.child_id, pd.DataFrame()).itertuples(index=False):
            x.append("      <CINdetails>\n")
            x += [_el("CINreferralDate", r.referral_date, "        "), _el("ReferralSource", r.referral_source, "        "),
                  _el("PrimaryNeedCode", r.primary_need, "        "), _el("CINclosureDate", r.cin_closure_date, "        ")]
            g = by_ref.get(r.referral_id)
            for a in ([] if g is None else g.itertuples(index=False)):
                x += ["        <Assessments>\n", _el("AssessmentActualStartDate", a.assessment_start, "          "),
                      _el("AssessmentAuthorisationDate", a.assessment_authorised, "          ")]
                if a.factors:
                    x.append("          <FactorsIdentifiedAtAssessment>\n")
                    x += [_el("AssessmentFactors", f, "            ") for f in a.factors.split(";")]
                    x.append("          </FactorsIdentifiedAtAssessment>\n")
                x.append("        </Assessments>\n")
            g = s47_by_ref.get(r.referral_id)
            for s in ([] if g is None else g.itertuples(index=False)):
                x += ["        <Section47>\n", _el("S47ActualStartDate", s.s47_start, "          "),
                      _el("DateOfInitialCPC", conf.get(s.s47_id, ""), "          "),
                      _el("ICPCnotRequired", "true" if s.icpc_required == "N" else "false", "          "),
                      "        </Section47>\n"]
            x.append(_el("ReferralNFA", "true" if r.referral_outcome in _NFA else "false", "        "))
            for p, n_before in plan_ref.get(r.referral_id, []):
                x += ["        <ChildProtectionPlans>\n", _el("CPPstartDate", p.plan_start, "          "),
                      _el("CPPendDate", p.plan_end, "          "), _el("InitialCategoryOfAbuse", p.category, "          "),
                      _el("LatestCategoryOfAbuse", p.category, "          "),
                      _el("NumberOfPreviousCPP", str(n_before), "          "), "        </ChildProtectionPlans>\n"]
            x.append("      </CINdetails>\n")
        x.append("    </Child>\n")
        out.append("".join(x))
    out.append("  </Children>\n</Message>\n")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(out), encoding="utf-8", newline="\n")
    return path


def _dmy(values: pd.Series) -> pd.Series:
    d = pd.to_datetime(values.replace("", None))
    return d.dt.strftime("%d/%m/%Y").fillna("")


def write_ssda903(csc_dir, folder) -> list[Path]:
    """Write the extract's looked-after children as the SSDA903 CSVs in ``folder``."""
    t = read_extract(csc_dir)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    ch, periods, pl = t["children"], t["cla_periods"], t["cla_placements"]
    miss = t.get("missing_episodes", pd.DataFrame(columns=SCHEMAS["missing_episodes"].column_names))
    looked_after = set(periods["child_id"])
    h = ch[ch["child_id"].isin(looked_after)]
    header = pd.DataFrame({"CHILD": h["child_id"], "SEX": h["sex"], "DOB": _dmy(h["date_of_birth"]),
                           "ETHNIC": h["ethnicity"], "UPN": "UN1", "MOTHER": "", "MC_DOB": ""})
    pl = pl.merge(periods[["cla_id", "cla_end", "legal_status", "category_of_need"]], on="cla_id", how="left")
    pl = pl.sort_values(["child_id", "placement_start", "placement_id"], kind="stable")
    first = ~pl["cla_id"].duplicated(keep="first")
    last = ~pl["cla_id"].duplicated(keep="last")
    rec = np.where(~last, "X1", np.where(pl["cla_end"] != "", "E8", ""))
    episodes = pd.DataFrame({
        "CHILD": pl["child_id"], "DECOM": _dmy(pl["placement_start"]), "RNE": np.where(first, "S", "P"),
        "LS": pl["legal_status"], "CIN": pl["category_of_need"], "PLACE": pl["placement_type"].map(GROUP_PLACE).fillna(""),
        "PLACE_PROVIDER": "PR1", "DEC": _dmy(pl["placement_end"]), "REC": rec, "REASON_PLACE_CHANGE": "",
        "HOME_POST": "", "PL_POST": "", "URN": ""})
    u = ch[(ch["uasc"] == "Y") & ch["child_id"].isin(looked_after)]
    uasc = pd.DataFrame({"CHILD": u["child_id"], "SEX": u["sex"], "DOB": _dmy(u["date_of_birth"]), "DUC": ""})
    m = miss[miss["looked_after"] == "Y"].merge(ch[["child_id", "date_of_birth"]], on="child_id", how="left")
    missing = pd.DataFrame({"CHILD": m["child_id"], "DOB": _dmy(m["date_of_birth"]), "MISSING": "M",
                            "MIS_START": _dmy(m["missing_start"]), "MIS_END": _dmy(m["missing_end"])})
    paths = []
    for name, df in (("Header", header), ("Episodes", episodes), ("UASC", uasc), ("Missing", missing)):
        p = folder / f"SSDA903_{name}.csv"
        df.to_csv(p, index=False, lineterminator="\n")
        paths.append(p)
    return paths


_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_GENDER_WORDS = {"M": "a) Male", "F": "b) Female", "U": "c) Not stated/recorded"}
_CATEGORY_WORDS = {"NEG": "Neglect", "PHY": "Physical abuse", "SAB": "Sexual abuse", "EMO": "Emotional abuse",
                   "MUL": "Multiple"}
_COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
_HEADINGS = {
    1: _COMMON + ["Date of Contact", "Contact Source"],
    2: _COMMON + ["Assessment start date", "Assessment completion date", "Organisation completing assessment"],
    3: _COMMON + ["Date of Referral", "Referral Source", "Referral NFA?", "Number of Referrals in Last 12 Months",
                  "Allocated Team", "Allocated Worker"],
    4: _COMMON + ["Does the Child have a Disability", "Continuous Assessment Start Date",
                  "Child Seen During Continuous Assessment", "Continuous Assessment Date of Authorisation",
                  "Was the child assessed as requiring LA children\u2019s social care support?", "Allocated Team",
                  "Allocated Worker"],
    5: _COMMON + ["Does the Child have a Disability", "Strategy discussion initiating Section 47 Enquiry Start Date",
                  "Was an Initial Child Protection Conference deemed unnecessary?",
                  "Date of Initial Child Protection Conference",
                  "Did the Initial Child Protection Conference Result in a Child Protection Plan",
                  "Number of Section 47 Enquiries in the last 12 months", "Number of ICPCs in the last 12 months",
                  "Allocated Team", "Allocated Worker"],
    6: _COMMON + ["Does the Child have a Disability", "CIN Start Date", "Primary Need Code", "Date Child Was Last Seen",
                  "CIN Closure Date", "Reason for Closure", "Case Status", "Allocated Team", "Allocated Worker"],
    7: _COMMON + ["Does the Child have a Disability", "Child Protection Plan Start Date", "Initial Category of Abuse",
                  "Latest Category of Abuse", "Date of the Last Statutory Visit", "Was the Child Seen Alone?",
                  "Date of latest review conference", "Child Protection Plan End Date",
                  "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
                  "Number of Previous Child Protection Plans", "Allocated Team", "Allocated Worker"],
    8: _COMMON + ["Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
                  "Does the Child have a Disability", "Date Started to be Looked After", "Child\u2019s Category of Need",
                  "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
                  "Start date of current legal status", "Child\u2019s Legal Status", "Date of Latest Statutory Review",
                  "Number of Placements in the Last 12 months", "Date Ceased to be Looked After",
                  "Reason Ceased to be Looked After", "Start Date of Most Recent Placement", "Placement Type",
                  "Placement Provider", "Number of Episodes the Child has been \u2018Missing\u2019 from their Placement in the "
                  "last 12 months", "Allocated Team", "Allocated Worker"],
    9: _COMMON + ["Does the Child have a Disability", "Allocated Team", "Allocated Worker", "Eligibility Category",
                  "LA in Touch", "Type of Accommodation", "Suitability of Accommodation", "Activity Status"],
    10: ["Child Unique ID", "Family identifier", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)",
         "Does the Child have a Disability", "Date the Child Entered Care",
         "Date of Decision that Child Should be Placed for Adoption", "Date of Placement Order"],
    11: ["Individual adopter identifier", "Family identifier", "Gender", "Ethnicity", "Disability",
         "Is the (prospective) adopter fostering for adoption?", "Date enquiry received"],
}


def _wrap(codes: pd.Series, order: list[str], words: dict[str, str] | None = None) -> pd.Series:
    label = {c: f"{_LETTERS[i % 26]}) {c}" + (f": {words[c]}" if words and c in words else "") for i, c in enumerate(order)}
    return codes.map(label).fillna(codes)


def _date(values: pd.Series) -> list:
    return [date.fromisoformat(v) if v else None for v in values]


def write_annex_a(csc_dir, path) -> Path:
    """Write the extract as an Annex A workbook at ``path`` (Lists 3 to 8 filled, the others headed only)."""
    import openpyxl

    t = read_extract(csc_dir)
    ch = t["children"].set_index("child_id")

    def common(ids: pd.Series) -> dict:
        c = ch.reindex(ids.to_numpy())
        return {"Child Unique ID": ids.tolist(), "Gender": c["sex"].map(_GENDER_WORDS).fillna("").tolist(),
                "Ethnicity": _wrap(c["ethnicity"].fillna(""), list(C.ETHNICITY_CODES)).tolist(),
                "Date of Birth": _date(c["date_of_birth"].fillna("")), "Age of Child (Years)": [None] * len(ids)}

    def disability(ids: pd.Series) -> list:
        return ch.reindex(ids.to_numpy())["disability"].map({"Y": "a) Yes", "N": "b) No"}).fillna("").tolist()

    yes_no = {"Y": "Yes", "N": "No"}
    rows: dict[int, dict] = {}
    r = t["referrals"]
    rows[3] = {**common(r["child_id"]), "Date of Referral": _date(r["referral_date"]),
               "Referral Source": _wrap(r["referral_source"], list(C.REFERRAL_SOURCES),
                                        {k: v.split(":")[0] for k, v in C.REFERRAL_SOURCES.items()}).tolist(),
               "Referral NFA?": np.where(r["referral_outcome"].isin(_NFA), "Yes", "No").tolist()}
    a = t["assessments"]
    rows[4] = {**common(a["child_id"]), "Does the Child have a Disability": disability(a["child_id"]),
               "Continuous Assessment Start Date": _date(a["assessment_start"]),
               "Continuous Assessment Date of Authorisation": _date(a["assessment_authorised"])}
    s = t["section47"].merge(t["icpc"].drop_duplicates("s47_id")[["s47_id", "icpc_date", "plan_made"]], on="s47_id",
                             how="left").fillna("")
    rows[5] = {**common(s["child_id"]), "Does the Child have a Disability": disability(s["child_id"]),
               "Strategy discussion initiating Section 47 Enquiry Start Date": _date(s["strategy_discussion_date"]),
               "Was an Initial Child Protection Conference deemed unnecessary?":
                   s["icpc_required"].map({"N": "Yes", "Y": "No"}).fillna("").tolist(),
               "Date of Initial Child Protection Conference": _date(s["icpc_date"]),
               "Did the Initial Child Protection Conference Result in a Child Protection Plan":
                   s["plan_made"].map(yes_no).fillna("").tolist()}
    rows[6] = {**common(r["child_id"]), "Does the Child have a Disability": disability(r["child_id"]),
               "CIN Start Date": _date(r["referral_date"]),
               "Primary Need Code": [f"{n} - {C.NEED_CODES[n]}" if n else "" for n in r["primary_need"]],
               "CIN Closure Date": _date(r["cin_closure_date"])}
    p = t["cp_plans"]
    rows[7] = {**common(p["child_id"]), "Does the Child have a Disability": disability(p["child_id"]),
               "Child Protection Plan Start Date": _date(p["plan_start"]),
               "Initial Category of Abuse": p["category"].map(_CATEGORY_WORDS).fillna(p["category"]).tolist(),
               "Latest Category of Abuse": p["category"].map(_CATEGORY_WORDS).fillna(p["category"]).tolist(),
               "Child Protection Plan End Date": _date(p["plan_end"])}
    cla = t["cla_periods"]
    last = t["cla_placements"].sort_values(["placement_start", "placement_id"]).drop_duplicates("cla_id", keep="last")
    cla = cla.merge(last[["cla_id", "placement_start", "placement_type"]], on="cla_id", how="left").fillna("")
    uasc = ch.reindex(cla["child_id"].to_numpy())["uasc"].map({"Y": "a) Yes", "N": "b) No"}).fillna("").tolist()
    rows[8] = {**common(cla["child_id"]), "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)": uasc,
               "Does the Child have a Disability": disability(cla["child_id"]),
               "Date Started to be Looked After": _date(cla["cla_start"]),
               "Child\u2019s Category of Need": [f"{n} - {C.NEED_CODES[n]}" if n in C.NEED_CODES else n
                                                 for n in cla["category_of_need"]],
               "Start date of current legal status": _date(cla["cla_start"]),
               "Child\u2019s Legal Status": [f"{x}: {C.CLA_LEGAL_STATUS.get(x, '')}" for x in cla["legal_status"]],
               "Date Ceased to be Looked After": _date(cla["cla_end"]),
               "Start Date of Most Recent Placement": _date(cla["placement_start"]),
               "Placement Type": [f"{GROUP_PLACE.get(x, x)}: {C.PLACEMENT_TYPES.get(x, '')}" if x else ""
                                  for x in cla["placement_type"]]}
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for n in range(1, 12):
        ws = wb.create_sheet(f"List {n}")
        heads = _HEADINGS[n]
        ws.append(heads)
        data = rows.get(n)
        if not data:
            continue
        length = len(next(iter(data.values())))
        cols = [data.get(h, [None] * length) for h in heads]
        for values in zip(*cols, strict=True):
            ws.append([None if v == "" else v for v in values])
        for j, h in enumerate(heads, 1):
            if h.startswith(("Date", "Continuous Assessment Start", "Continuous Assessment Date", "Strategy",
                             "Child Protection Plan Start", "Child Protection Plan End", "CIN Start", "CIN Closure",
                             "Start")):
                for cell in ws.iter_cols(min_col=j, max_col=j, min_row=2):
                    for c in cell:
                        c.number_format = "DD/MM/YYYY"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    import io

    from ..returns.templates import _FIXED_TIME, _fixed_zip

    wb.properties.created = wb.properties.modified = _FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_fixed_zip(buf.getvalue()))  # same extract, same bytes
    return path


def write_formats(csc_dir, formats, keep_csv: bool = False) -> list[Path]:
    """Write the extract in ``csc_dir`` in each of ``formats`` (``cin-census``, ``ssda903``, ``annex-a``) into
    the same folder, then remove its CSVs (unless ``keep_csv``): the folder then holds what a council
    would put there, and ``cscp run`` imports it on the way. Returns the files written."""
    csc_dir = Path(csc_dir)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format {', '.join(unknown)}; choose from {', '.join(FORMATS)}")
    staged = csc_dir / ".extract"
    staged.mkdir(exist_ok=True)
    for name in CSC_TABLES:
        src = csc_dir / f"{name}.csv"
        if src.is_file():
            (staged / src.name).write_bytes(src.read_bytes())
    written: list[Path] = []
    try:
        if "cin-census" in formats:
            written.append(write_cin_census(staged, csc_dir / "cin_census.xml"))
        if "ssda903" in formats:
            written += write_ssda903(staged, csc_dir)
        if "annex-a" in formats:
            written.append(write_annex_a(staged, csc_dir / "annex_a.xlsx"))
    finally:
        for p in staged.iterdir():
            p.unlink()
        staged.rmdir()
    if not keep_csv:
        for name in CSC_TABLES:
            (csc_dir / f"{name}.csv").unlink(missing_ok=True)
    return written
