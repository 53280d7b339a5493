"""Ofsted's Annex A workbook (Lists 1 to 11, one sheet each) into the children's social care extract.

Councils' workbooks differ: sheets are called ``List 3``, ``List 3 - Referrals`` or ``L3``; headings are
worded and punctuated differently (``Child Unique ID``, ``Child ID``; curly or straight quotes); values
are Ofsted's drop-down entries (``a) WBRI``, ``b) Female``, ``q) 6: Police``, ``E1: Placement order``,
``f) U6: Foster placement - not FFA``) or plain codes and words. So sheets are found by their list
number, headings matched loosely (``_FIELDS``), values unwrapped (the list letter dropped, the leading
DfE code taken, words mapped to codes), and dates read whether Excel dates, serial numbers or text.

What each list gives (docs/statutory_formats.md has the full table):

* List 3 -> referrals (date, source, NFA); List 6 adds the primary need and closure date of the
  referral whose CIN start date it matches;
* List 4 -> assessments (start and authorisation), each linked to the child's latest referral on or
  before its start (Annex A has no link of its own);
* List 5 -> section 47 enquiries with the **strategy discussion date** (the one field the CIN census
  lacks), whether a conference was needed, and its conference (date, whether it made a plan);
* List 7 -> child protection plans (start, end, initial category);
* List 8 -> periods of care (start, end, category of need, the *current* legal status) and each
  child's most recent placement only;
* Lists 4 to 8 -> whether a child is disabled (yes or no; Annex A has no DfE disability codes); every
  list -> the child's sex, ethnicity and date of birth.
* Lists 1, 2, 9, 10 and 11 (contacts, early help, care leavers, adoption, adopters) are counted, not
  used: the extract has no tables for them. Missing episodes are only counts per child in List 8.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from .. import codes as C
from .codes_dfe import PLACE_GROUP
from .errors import StatutoryFileError
from .extract import Extract, Field
from .values import by_value, clean_text, make_keys, parse_dates, parse_yes_no, unwrap_annex

__all__ = ["read_annex_a", "SOURCE_ANNEX"]

SOURCE_ANNEX = "Annex A"
_SHEET = re.compile(r"^\s*(?:list|l)\s*[-_]?\s*0*(\d{1,2})\b", re.IGNORECASE)
_LIST_WORDS = {1: "contacts", 2: "early help", 3: "referrals", 4: "assessments", 5: "section 47 enquiries and conferences",
               6: "children in need", 7: "child protection plans", 8: "children in care", 9: "care leavers",
               10: "adoption", 11: "adopters"}

# field -> heading patterns (searched in the normalised heading: lower case, letters, digits and spaces)
_COMMON = {
    "child_id": (r"child.*(unique|id\b|identifier)", r"^(unique )?id$", r"^child id"),
    "sex": (r"^gender", r"^sex\b"),
    "ethnicity": (r"^ethnic",),
    "dob": (r"date of birth", r"^dob$"),
    "disability": (r"disab",),
}
_FIELDS = {
    3: {"referral_date": (r"date of referral", r"referral date"), "source": (r"referral source", r"source of referral"),
        "nfa": (r"\bnfa\b", r"no further action")},
    4: {"start": (r"assessment start", r"start date"), "authorised": (r"authoris", r"authoriz", r"completion date",
                                                                        r"date.*complet")},
    5: {"strategy": (r"strategy",), "s47_start": (r"(section 47|s47) (enquiry )?start",),
        "unnecessary": (r"unnecessary", r"not required"),
        "icpc_date": (r"date of (the )?initial child protection conference", r"icpc date", r"date of icpc"),
        "plan_made": (r"result in a child protection plan", r"result.*plan")},
    6: {"cin_start": (r"cin start", r"start date"), "need": (r"primary need",), "closure": (r"closure date",)},
    7: {"start": (r"plan start", r"start date"), "end": (r"plan end", r"end date"), "category": (r"initial category",)},
    8: {"started": (r"started to be looked after", r"date.*(became|started).*looked after"),
        "ceased": (r"^date ceased", r"date .*ceased to be looked after"), "legal": (r"^(child s )?(current )?legal status$",),
        "need": (r"category of need",), "placement_start": (r"start date of (the )?most recent placement",),
        "placement_type": (r"^placement type",), "uasc": (r"unaccompanied", r"\buasc\b")},
}
_OPTIONAL = {"s47_start", "uasc", "placement_start", "placement_type"}  # headings many workbooks do not have
_SEX_WORDS = {"MALE": "M", "M": "M", "FEMALE": "F", "F": "F", "NOT STATED/RECORDED": "U", "NOT STATED": "U",
              "NOT RECORDED": "U", "UNKNOWN": "U", "INDETERMINATE": "U", "NEITHER": "U", "U": "U", "1": "M", "2": "F",
              "0": "U", "9": "U"}
_CATEGORY_WORDS = {"NEGLECT": "NEG", "PHYSICAL ABUSE": "PHY", "PHYSICAL": "PHY", "EMOTIONAL ABUSE": "EMO",
                   "EMOTIONAL": "EMO", "SEXUAL ABUSE": "SAB", "SEXUAL": "SAB", "MULTIPLE": "MUL", "MIXED": "MUL"}
_ETH_NAMES = {e.name.upper(): e.code for e in C.ETHNICITY} | {"CARIBBEAN": "BCRB", "AFRICAN": "BAFR",
                                                              "ANY OTHER MIXED BACKGROUND": "MOTH"}
_BLANKS = {"#N/A", "N/A", "NA", "#REF!", "#VALUE!", "NULL", "NONE", "-"}


def _norm(heading) -> str:
    text = str(heading or "").replace("\u2018", "'").replace("\u2019", "'").lower()
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9 ]+", " ", text)).strip()


def _cell_text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (datetime, date)):
        return v.strftime("%Y-%m-%d")
    text = str(v).replace("\u00a0", " ").strip()
    return "" if text.upper() in _BLANKS or text.startswith("=") else text


def _cell_date(v):
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, (int, float)) and 10_000 < float(v) < 80_000:  # an Excel serial date
        return (pd.Timestamp("1899-12-30") + pd.Timedelta(days=int(v))).strftime("%Y-%m-%d")
    return _cell_text(v)


def _open(path: Path):
    import openpyxl

    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    if not zipfile.is_zipfile(path):
        raise StatutoryFileError(path, "not an Excel workbook (.xlsx); Annex A is a workbook with a sheet for each of "
                                       "Lists 1 to 11")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken or foreign zip
        raise StatutoryFileError(path, f"not a readable Excel workbook ({type(exc).__name__}: {exc})") from None


def _sheets(wb) -> dict[int, object]:
    out = {}
    for ws in wb.worksheets:
        m = _SHEET.match(ws.title)
        if m and 1 <= int(m.group(1)) <= 11 and int(m.group(1)) not in out:
            out[int(m.group(1))] = ws
    return out


def _grid(ws) -> tuple[list[str], list[tuple], int]:
    """The heading row (the first of the top ten rows that names a child identifier) and the rows below it."""
    rows = list(ws.iter_rows(values_only=True))
    for i, row in enumerate(rows[:10]):
        heads = [_norm(c) for c in row]
        if any(re.search(p, h) for h in heads for p in _COMMON["child_id"]) and sum(bool(h) for h in heads) >= 3:
            body = [r for r in rows[i + 1:] if any(_cell_text(c) for c in r)]
            return heads, body, i + 1
    return [], [], 0


def _match(heads: list[str], patterns: tuple[str, ...], used: set[int]) -> int | None:
    for p in patterns:
        for j, h in enumerate(heads):
            if j not in used and h and re.search(p, h):
                return j
    return None


def _columns(heads: list[str], number: int) -> dict[str, int]:
    found: dict[str, int] = {}
    used: set[int] = set()
    # specific fields first, so that "start date" of a list does not take a more specific heading's place
    for field_name, pats in list(_FIELDS.get(number, {}).items()) + list(_COMMON.items()):
        j = _match(heads, pats, used)
        if j is not None:
            found[field_name] = j
            used.add(j)
    return found


def _lead_code(values, allowed) -> np.ndarray:
    """The DfE code a drop-down value starts with (``6: Police`` -> ``6``, ``N1 - Abuse`` -> ``N1``)."""
    allowed = set(allowed)

    def one(u):
        out = []
        for x in u:
            x = str(x)
            m = re.match(r"^([A-Za-z]{0,4}\d{0,2}[A-Za-z]?)\s*(?:[:\-\u2013]|$)", x)
            code = m.group(1).upper() if m and m.group(1) else x.upper()
            out.append(code if code in allowed or not x else x.upper() if x.upper() in allowed else code)
        return np.array(out, dtype=object)
    return by_value(unwrap_annex(values), one).astype(object)


def _words(values, mapping: dict[str, str], allowed) -> np.ndarray:
    allowed = set(allowed)

    def one(u):
        out = []
        for x in u:
            up = str(x).upper()
            code = up.split(":")[0].split(" - ")[0].strip()
            out.append(code if code in allowed else mapping.get(up, mapping.get(code, up)))
        return np.array(out, dtype=object)
    return by_value(unwrap_annex(values), one).astype(object)


class _List:
    """One list's rows: ``col(field)`` gives the cells of a matched heading (blank when not matched)."""

    def __init__(self, number: int, ws, label: str):
        self.number, self.label, self.sheet = number, label, ws.title
        heads, body, header_row = _grid(ws)
        self.heads, self.rows, self.header_row = heads, body, header_row
        self.cols = _columns(heads, number) if heads else {}

    def __len__(self) -> int:
        return len(self.rows)

    def raw(self, name: str) -> list:
        j = self.cols.get(name)
        return [r[j] if j is not None and j < len(r) else None for r in self.rows]

    def text(self, name: str) -> np.ndarray:
        return clean_text([_cell_text(v) for v in self.raw(name)])

    def dates(self, name: str, extract: Extract) -> np.ndarray:
        raw = np.array([_cell_date(v) for v in self.raw(name)], dtype=object)
        days, bad = parse_dates(raw)
        if bad.any():
            extract.warn(self.label, f"{self.sheet}/{self._heading(name)}", "not a date: left blank", int(bad.sum()),
                         str(raw[bad][0]))
        return days

    def yes_no(self, name: str) -> np.ndarray:
        return parse_yes_no(unwrap_annex(self.text(name)))[0]

    def has(self, name: str) -> bool:
        return name in self.cols

    def _heading(self, name: str) -> str:
        j = self.cols.get(name)
        return self.heads[j] if j is not None else name

    def lines(self) -> np.ndarray:
        return np.arange(self.header_row + 1, self.header_row + 1 + len(self.rows)).astype(str).astype(object)


def _rejected(reason, lst: _List, mask: np.ndarray, values: dict) -> pd.DataFrame:
    frame = pd.DataFrame({"source": lst.label, "location": [f"{lst.sheet} row {r}" for r in lst.lines()[mask]],
                          "reason": reason})
    for k, v in values.items():
        frame[k] = np.asarray(v, dtype=object)[mask]
    return frame


def _link_to_referral(refs: pd.DataFrame, child: np.ndarray, day: np.ndarray) -> np.ndarray:
    """The id of each child's latest referral on or before ``day`` ('' when none)."""
    out = np.full(len(child), "", dtype=object)
    ok = ~np.isnat(day)
    if not len(refs) or not ok.any():
        return out
    left = pd.DataFrame({"child_id": child[ok], "t": day[ok].astype("datetime64[ns]"), "i": np.flatnonzero(ok)})
    right = refs[["child_id", "referral_date", "referral_id"]].rename(columns={"referral_date": "t"})
    right = right.assign(t=right["t"].astype("datetime64[ns]")).dropna(subset=["t"]).sort_values("t", kind="stable")
    m = pd.merge_asof(left.sort_values("t", kind="stable"), right, on="t", by="child_id", direction="backward")
    out[m["i"].to_numpy()] = m["referral_id"].fillna("").to_numpy(dtype=object)
    return out


def read_annex_a(path) -> Extract:
    """Read an Annex A workbook into an :class:`Extract`; refuses a file that is not one."""
    path = Path(path)
    wb = _open(path)
    try:
        sheets = _sheets(wb)
        if not sheets:
            names = ", ".join(ws.title for ws in wb.worksheets[:6])
            raise StatutoryFileError(path, f"a workbook without Annex A's lists: no sheet is named List 1 to List 11 "
                                           f"(its sheets: {names})")
        lists = {n: _List(n, ws, path.name) for n, ws in sorted(sheets.items())}
    finally:
        wb.close()
    if not any(lst.heads for lst in lists.values()):
        raise StatutoryFileError(path, "none of the List sheets has a heading row naming the child's identifier "
                                       "(e.g. Child Unique ID) in its first ten rows")
    extract = Extract()
    for n, lst in lists.items():
        if lst.rows and not lst.heads:
            extract.warn(path.name, lst.sheet, "no heading row naming the child's identifier: the sheet was not read",
                         len(lst.rows))
        missing = [f for f in _FIELDS.get(n, {}) if f not in lst.cols and f not in _OPTIONAL] + (
            ["child_id"] if "child_id" not in lst.cols else [])
        if lst.heads and missing and n in _FIELDS:
            extract.warn(path.name, lst.sheet, "no heading found for: " + ", ".join(missing), len(missing))
    _build(lists, extract)
    for n, lst in lists.items():
        used = {3: "referrals", 4: "assessments", 5: "section47, icpc", 6: "referrals (primary need, closure)",
                7: "cp_plans", 8: "cla_periods, cla_placements"}.get(n, "not used: the extract has no table for it")
        extract.files.append({"file": path.name, "kind": SOURCE_ANNEX, "detail": f"sheet {lst.sheet}",
                              "part": f"List {n} ({_LIST_WORDS[n]})", "records": len(lst), "used_for": used})
    return extract


def _children(lists: dict[int, _List], extract: Extract) -> None:
    frames = []
    for n, lst in lists.items():
        if n in (11,) or not lst.has("child_id") or not len(lst):
            continue
        frames.append(pd.DataFrame({
            "child_id": lst.text("child_id"), "dob": lst.dates("dob", extract),
            "sex": _words(lst.text("sex"), _SEX_WORDS, C.SEX), "ethnicity": _words(lst.text("ethnicity"), _ETH_NAMES,
                                                                                  C.ETHNICITY_CODES),
            "disability": lst.yes_no("disability") if lst.has("disability") else "",
            "uasc": lst.yes_no("uasc") if lst.has("uasc") else "", "_n": n}))
    if not frames:
        return
    allrows = pd.concat(frames, ignore_index=True)
    allrows = allrows[allrows["child_id"] != ""]
    allrows = allrows.replace({"": np.nan})
    first = allrows.groupby("child_id", sort=False).first()  # first non-blank of each field, in list order
    out = pd.DataFrame({"child_id": first.index.to_numpy(dtype=object),
                        "date_of_birth": first["dob"].to_numpy(dtype="datetime64[ns]"),
                        "sex": first["sex"].fillna("U").to_numpy(dtype=object),
                        "ethnicity": first["ethnicity"].fillna("").to_numpy(dtype=object),
                        "disability": first["disability"].fillna("U").to_numpy(dtype=object),
                        "disability_codes": "", "uasc": first["uasc"].fillna("").to_numpy(dtype=object)})
    extract.tables["children"] = out
    extract.read["children"] = len(out)


def _build(lists: dict[int, _List], extract: Extract) -> None:
    src = SOURCE_ANNEX
    f = extract.fields
    _children(lists, extract)
    if "children" in extract.tables:
        for col, what in (("child_id", "Child Unique ID"), ("date_of_birth", "Date of Birth"), ("sex", "Gender"),
                          ("ethnicity", "Ethnicity")):
            f[("children", col)] = Field(f"{src}: {what} (the first list that gives it)")
        f[("children", "disability")] = Field(f"{src}: Does the Child have a Disability (Lists 4 to 8)", "part",
                                              "Annex A gives disability only for children in Lists 4 to 8 (U for others)")
        f[("children", "disability_codes")] = Field("", "none", "Annex A records whether a child is disabled, not DfE's "
                                                                "disability codes; supply the CIN census")
        f[("children", "uasc")] = Field(f"{src}: List 8 UASC", "part", "Annex A gives UASC status only for children in "
                                                                       "care (List 8)")
    refs = pd.DataFrame(columns=["referral_id", "child_id", "referral_date"])
    lst = lists.get(3)
    if lst is not None and len(lst) and lst.has("referral_date"):
        child = lst.text("child_id")
        day = lst.dates("referral_date", extract)
        ok = (child != "") & ~np.isnat(day)
        extract.set_aside("referrals", _rejected("no child identifier or no valid date of referral", lst, ~ok,
                                                 {"child_id": child, "referral_date": day}))
        nfa = lst.yes_no("nfa") if lst.has("nfa") else np.full(len(lst), "", dtype=object)
        refs = pd.DataFrame({"referral_id": make_keys("R", child, day), "child_id": child, "referral_date": day,
                             "referral_source": _lead_code(lst.text("source"), C.REFERRAL_SOURCES),
                             "primary_need": "", "referral_outcome": np.where(nfa == "Y", "NFA", np.where(
                                 nfa == "N", "ASSESSMENT", "")).astype(object),
                             "cin_closure_date": np.datetime64("NaT", "D")})[ok].reset_index(drop=True)
        six = lists.get(6)
        need_note = "Annex A gives the primary need only for referrals whose episode is in List 6"
        if six is not None and len(six) and six.has("cin_start"):
            cin = pd.DataFrame({"child_id": six.text("child_id"), "referral_date": six.dates("cin_start", extract),
                                "need6": _lead_code(six.text("need"), C.NEED_CODES),
                                "close6": six.dates("closure", extract)}).drop_duplicates(["child_id", "referral_date"])
            m = refs.merge(cin, on=["child_id", "referral_date"], how="left")
            refs["primary_need"] = m["need6"].fillna("").to_numpy(dtype=object)
            refs["cin_closure_date"] = m["close6"].to_numpy()
            f[("referrals", "primary_need")] = Field(f"{src}: List 6 Primary Need Code (matched on CIN start date)", "part",
                                                     need_note)
            f[("referrals", "cin_closure_date")] = Field(f"{src}: List 6 CIN Closure Date (matched on CIN start date)",
                                                         "part", "Annex A gives closure dates only for episodes in List 6")
        else:
            f[("referrals", "primary_need")] = Field("", "none", "no Annex A List 6 (children in need) was supplied")
            f[("referrals", "cin_closure_date")] = Field("", "none", "no Annex A List 6 (children in need) was supplied")
        extract.tables["referrals"] = refs
        extract.read["referrals"] = len(lst)
        for col, what in (("referral_id", "made from the child and the date of referral"), ("child_id", "List 3 Child ID"),
                          ("referral_date", "List 3 Date of Referral"), ("referral_source", "List 3 Referral Source")):
            f[("referrals", col)] = Field(f"{src}: {what}")
        f[("referrals", "referral_outcome")] = Field(f"{src}: List 3 Referral NFA?", "all",
                                                     "NFA when the referral was no further action, ASSESSMENT otherwise")
    else:
        extract.absent["referrals"] = "no Annex A List 3 (referrals) was supplied"

    lst = lists.get(4)
    if lst is not None and len(lst) and lst.has("start"):
        child = lst.text("child_id")
        start = lst.dates("start", extract)
        ref_id = _link_to_referral(refs, child, start)
        ok = (child != "") & ~np.isnat(start) & (ref_id != "")
        reason = np.where((child == "") | np.isnat(start), "no child identifier or no valid assessment start date",
                          "no referral of this child on or before the assessment's start in List 3: the extract links "
                          "each assessment to its referral").astype(object)
        extract.set_aside("assessments", _rejected(reason[~ok], lst, ~ok, {"child_id": child, "start": start}))
        extract.tables["assessments"] = pd.DataFrame({
            "assessment_id": make_keys("A", child, start), "referral_id": ref_id, "child_id": child,
            "assessment_start": start, "assessment_authorised": lst.dates("authorised", extract), "factors": "",
            "assessment_outcome": ""})[ok].reset_index(drop=True)
        extract.read["assessments"] = len(lst)
        for col, what in (("assessment_id", "made from the child and the start date"),
                          ("referral_id", "derived: the child's latest referral in List 3 on or before the start"),
                          ("child_id", "List 4 Child ID"), ("assessment_start", "List 4 Assessment Start Date"),
                          ("assessment_authorised", "List 4 Date of Authorisation")):
            f[("assessments", col)] = Field(f"{src}: {what}")
        f[("assessments", "factors")] = Field("", "none", "Annex A does not record the factors identified at assessment; "
                                                          "supply the CIN census")
        f[("assessments", "assessment_outcome")] = Field("", "none", "Annex A does not record the outcome in the "
                                                                     "extract's terms")
    else:
        extract.absent["assessments"] = "no Annex A List 4 (assessments) was supplied"

    lst = lists.get(5)
    if lst is not None and len(lst) and (lst.has("strategy") or lst.has("s47_start")):
        child = lst.text("child_id")
        strategy = lst.dates("strategy", extract) if lst.has("strategy") else np.full(len(lst), np.datetime64("NaT", "D"))
        s_start = lst.dates("s47_start", extract) if lst.has("s47_start") else np.full(len(lst), np.datetime64("NaT", "D"))
        when = np.where(np.isnat(s_start), strategy, s_start)
        ref_id = _link_to_referral(refs, child, when)
        ok = (child != "") & ~np.isnat(when) & (ref_id != "")
        reason = np.where((child == "") | np.isnat(when), "no child identifier or no valid strategy discussion date",
                          "no referral of this child on or before the strategy discussion in List 3: the extract links "
                          "each enquiry to its referral").astype(object)
        extract.set_aside("section47", _rejected(reason[~ok], lst, ~ok, {"child_id": child, "strategy": strategy}))
        unnecessary = lst.yes_no("unnecessary") if lst.has("unnecessary") else np.full(len(lst), "", dtype=object)
        s_keys = make_keys("S", child, when)
        extract.tables["section47"] = pd.DataFrame({
            "s47_id": s_keys, "referral_id": ref_id, "child_id": child, "strategy_discussion_date": strategy,
            "s47_start": s_start, "s47_end": np.datetime64("NaT", "D"),
            "icpc_required": np.where(unnecessary == "Y", "N", np.where(unnecessary == "N", "Y", "")).astype(object),
        })[ok].reset_index(drop=True)
        extract.read["section47"] = len(lst)
        icpc_day = lst.dates("icpc_date", extract) if lst.has("icpc_date") else np.full(len(lst), np.datetime64("NaT", "D"))
        has = ~np.isnat(icpc_day)
        made = lst.yes_no("plan_made") if lst.has("plan_made") else np.full(len(lst), "", dtype=object)
        extract.set_aside("icpc", _rejected("its section 47 enquiry was set aside (see rejected/section47.csv)", lst,
                                            has & ~ok, {"child_id": child, "icpc_date": icpc_day}))
        extract.tables["icpc"] = pd.DataFrame({
            "icpc_id": make_keys("I", child[has], icpc_day[has]), "s47_id": s_keys[has], "child_id": child[has],
            "icpc_date": icpc_day[has], "plan_made": made[has]})[ok[has]].reset_index(drop=True)
        extract.read["icpc"] = int(has.sum())
        for col, what in (("s47_id", "made from the child and the strategy discussion date"),
                          ("referral_id", "derived: the child's latest referral in List 3 on or before it"),
                          ("child_id", "List 5 Child ID"),
                          ("strategy_discussion_date", "List 5 Strategy discussion initiating Section 47 Enquiry"),
                          ("icpc_required", "List 5 Was an ICPC deemed unnecessary? (Yes: N)")):
            f[("section47", col)] = Field(f"{src}: {what}")
        f[("section47", "s47_start")] = Field(f"{src}: List 5 Section 47 start", "all") if lst.has("s47_start") else Field(
            "", "none", "Annex A List 5 gives the strategy discussion that started the enquiry, not the enquiry's own "
                        "start date; supply the CIN census")
        f[("section47", "s47_end")] = Field("", "none", "Annex A does not record when a section 47 enquiry ended")
        for col, what in (("icpc_id", "made from the child and the conference date"), ("s47_id", "the List 5 row"),
                          ("child_id", "List 5 Child ID"), ("icpc_date", "List 5 Date of Initial Child Protection "
                                                                        "Conference"),
                          ("plan_made", "List 5 Did the ICPC result in a Child Protection Plan")):
            f[("icpc", col)] = Field(f"{src}: {what}")
    else:
        extract.absent["section47"] = extract.absent["icpc"] = "no Annex A List 5 (section 47 enquiries) was supplied"

    lst = lists.get(7)
    if lst is not None and len(lst) and lst.has("start"):
        child = lst.text("child_id")
        start = lst.dates("start", extract)
        ok = (child != "") & ~np.isnat(start)
        extract.set_aside("cp_plans", _rejected("no child identifier or no valid plan start date", lst, ~ok,
                                                {"child_id": child, "start": start}))
        icpc = extract.tables.get("icpc", pd.DataFrame(columns=["icpc_id", "child_id", "icpc_date"]))
        conf = icpc[["icpc_id", "child_id", "icpc_date"]].drop_duplicates(["child_id", "icpc_date"])
        link = pd.DataFrame({"child_id": child, "icpc_date": start}).merge(
            conf.assign(icpc_date=conf["icpc_date"].astype("datetime64[ns]")), on=["child_id", "icpc_date"],
            how="left")["icpc_id"].fillna("").to_numpy(dtype=object)
        extract.tables["cp_plans"] = pd.DataFrame({
            "plan_id": make_keys("P", child, start), "child_id": child, "icpc_id": link, "plan_start": start,
            "plan_end": lst.dates("end", extract),
            "category": _words(lst.text("category"), _CATEGORY_WORDS, C.CP_CATEGORIES)})[ok].reset_index(drop=True)
        extract.read["cp_plans"] = len(lst)
        for col, what in (("plan_id", "made from the child and the plan start date"), ("child_id", "List 7 Child ID"),
                          ("icpc_id", "derived: the List 5 conference of the child on the plan's start day"),
                          ("plan_start", "List 7 Child Protection Plan Start Date"),
                          ("plan_end", "List 7 Child Protection Plan End Date"),
                          ("category", "List 7 Initial Category of Abuse")):
            f[("cp_plans", col)] = Field(f"{src}: {what}")
    else:
        extract.absent["cp_plans"] = "no Annex A List 7 (child protection plans) was supplied"

    lst = lists.get(8)
    if lst is not None and len(lst) and lst.has("started"):
        child = lst.text("child_id")
        start = lst.dates("started", extract)
        ok = (child != "") & ~np.isnat(start)
        extract.set_aside("cla_periods", _rejected("no child identifier or no valid date started to be looked after", lst,
                                                   ~ok, {"child_id": child, "started": start}))
        end = lst.dates("ceased", extract)
        keys = make_keys("L", child, start)
        extract.tables["cla_periods"] = pd.DataFrame({
            "cla_id": keys, "child_id": child, "cla_start": start, "cla_end": end,
            "legal_status": _lead_code(lst.text("legal"), C.CLA_LEGAL_STATUS),
            "category_of_need": _lead_code(lst.text("need"), C.NEED_CODES)})[ok].reset_index(drop=True)
        extract.read["cla_periods"] = len(lst)
        p_start = lst.dates("placement_start", extract)
        has = ok & ~np.isnat(p_start)
        place = _lead_code(lst.text("placement_type"), PLACE_GROUP)
        group = by_value(place, lambda u: np.array([PLACE_GROUP.get(x, x) for x in u], dtype=object))
        extract.tables["cla_placements"] = pd.DataFrame({
            "placement_id": make_keys("PL", child[has], p_start[has]), "cla_id": keys[has], "child_id": child[has],
            "placement_start": p_start[has], "placement_end": end[has], "placement_type": group[has]})
        extract.read["cla_placements"] = int(has.sum())
        for col, what in (("cla_id", "made from the child and the date started"), ("child_id", "List 8 Child ID"),
                          ("cla_start", "List 8 Date Started to be Looked After"),
                          ("cla_end", "List 8 Date Ceased to be Looked After"),
                          ("category_of_need", "List 8 Child's Category of Need")):
            f[("cla_periods", col)] = Field(f"{src}: {what}")
        f[("cla_periods", "legal_status")] = Field(f"{src}: List 8 Child's Legal Status", "part",
                                                   "Annex A gives the current legal status, not the status at the start "
                                                   "of the period; supply the SSDA903 Episodes")
        part = ("Annex A gives each child's most recent placement only (and a count of placements in the last 12 "
                "months); supply the SSDA903 Episodes for every placement")
        for col, what in (("placement_id", "made from the child and the placement start"), ("cla_id", "the List 8 row"),
                          ("child_id", "List 8 Child ID"), ("placement_start", "List 8 Start Date of Most Recent "
                                                                               "Placement"),
                          ("placement_end", "List 8 Date Ceased to be Looked After"),
                          ("placement_type", "List 8 Placement Type, grouped")):
            f[("cla_placements", col)] = Field(f"{src}: {what}", "part", part)
    else:
        extract.absent["cla_periods"] = extract.absent["cla_placements"] = "no Annex A List 8 (children in care) was supplied"
    extract.absent["missing_episodes"] = ("Annex A List 8 counts each looked-after child's missing episodes in the last 12 "
                                          "months but does not list them; supply the SSDA903 Missing table or the "
                                          "partnership's own missing-episodes extract")
