"""The children-in-need census (CIN census) XML into the children's social care extract.

The file is read incrementally (lxml ``iterparse`` on each ``Child``, cleared once read), so a
national-size file never sits in memory as a tree: values go into plain lists as they are read
(repeated values shared, not copied), and everything after that is vectorised over the distinct values.

What goes where (docs/statutory_formats.md has the full table):

* ``ChildIdentifiers`` and ``ChildCharacteristics`` -> ``children``: ``LAchildID`` is the child's
  identifier; the date of birth is ``PersonBirthDate``, or ``ExpectedPersonBirthDate`` for a child not
  yet born; sex is ``Sex`` (M, F, U) or, before 2024-25, ``GenderCurrent`` (1 M, 2 F, 0 and 9 U);
  ``disability_codes`` are the ``Disability`` codes and ``disability`` is derived from them (Y: any code
  other than NONE; N: NONE only; U: no ``Disabilities``). UPNs are read past and never written.
* each ``CINdetails`` -> a referral; ``Assessments``, ``Section47`` and ``ChildProtectionPlans`` ->
  assessments, section 47 enquiries and plans; a ``Section47`` with a ``DateOfInitialCPC`` -> a
  conference, with ``plan_made`` Y when a plan of the same episode starts that day.
* The census has no identifiers below the child, so keys are made from the child and the date:
  ``R-<child>-<YYYYMMDD>`` for a referral, ``A-``, ``S-``, ``I-``, ``P-`` likewise, with ``-2``, ``-3``
  for a second or third on the same day (in the file's order). The same record in another year's
  census, or in Annex A, gets the same key.
* Not in the census, so not supplied (``sources.csv`` says so): the strategy discussion date, the end
  of a section 47 enquiry, assessment outcomes, UASC status, periods of care, placements and missing
  episodes.

Records that cannot be keyed (no ``LAchildID``, no valid referral, assessment, enquiry or plan start
date, a child repeated) are set aside with the reason; everything else is kept, and values outside
DfE's lists are kept as they are for validation to report, with a warning here naming the element.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from .. import codes as C
from .cin_layout import CODE_LISTS, PATHS, check_children
from .errors import StatutoryFileError
from .extract import Extract, Field
from .values import by_value, parse_dates, parse_yes_no, upper
from .values import make_keys as _keys

__all__ = ["read_cin_census", "CIN_SOURCE"]

CIN_SOURCE = "CIN census"
_GENDER = {"1": "M", "2": "F", "0": "U", "9": "U"}
_TRUE = {"true", "1", "y", "yes"}
_FALSE = {"false", "0", "n", "no"}
_REPEATED = ("Assessments", "CINPlanDates", "Section47", "ChildProtectionPlans", "PreProceedingsandFGDM")

_NOT_IN_CIN = {
    "cla_periods": "the CIN census does not record periods of care; supply the SSDA903 return (or Annex A List 8)",
    "cla_placements": "the CIN census does not record placements; supply the SSDA903 return",
    "missing_episodes": "the CIN census does not record missing episodes; supply the SSDA903 return (looked-after "
                        "children only) or the partnership's own missing-episodes extract",
}


def _root(path: Path) -> tuple[str, str]:
    """The root element's local name and namespace, read from the first bytes; refuses what is not XML."""
    from lxml import etree

    size = path.stat().st_size
    if size == 0:
        raise StatutoryFileError(path, "the file is empty; a CIN census file is XML starting with <Message>")
    parser = etree.XMLPullParser(events=("start",), resolve_entities=False, no_network=True)
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(65536)
            if not chunk:
                break
            try:
                parser.feed(chunk)
            except etree.XMLSyntaxError as exc:
                raise StatutoryFileError(path, f"not an XML file ({exc.msg}); a CIN census file is XML starting "
                                               "with <Message>") from None
            for _, el in parser.read_events():
                q = etree.QName(el)
                return q.localname, q.namespace or ""
    raise StatutoryFileError(path, "no XML element found; a CIN census file is XML starting with <Message>")


class _Reader:
    """The columns read from one file, as lists (text values shared through ``_share``)."""

    def __init__(self, label: str):
        self.label = label
        self.header: dict[str, str] = {}
        shared: dict[str, str] = {}
        self._share = shared.setdefault
        self.structure: Counter = Counter()
        self.structure_example: dict[str, str] = {}
        self.cache: dict[tuple, list[str]] = {}
        self.ch = {k: [] for k in ("id", "PersonBirthDate", "ExpectedPersonBirthDate", "Sex", "GenderCurrent",
                                   "PersonDeathDate", "Ethnicity", "Disability", "has_disabilities", "has_id_upn")}
        self.ref = {k: [] for k in ("child", "CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate",
                                    "ReasonForClosure", "DateOfInitialCPC", "ReferralNFA", "n")}
        self.ass = {k: [] for k in ("ref", "AssessmentActualStartDate", "AssessmentAuthorisationDate", "factors", "n")}
        self.s47 = {k: [] for k in ("ref", "S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC",
                                    "ICPCnotRequired", "n")}
        self.cpp = {k: [] for k in ("ref", "CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse",
                                    "LatestCategoryOfAbuse", "NumberOfPreviousCPP", "n")}
        self.cin_plans = 0
        self.pre_proceedings = 0
        self.factor_values: Counter = Counter()
        self.disability_values: Counter = Counter()

    def layout(self, type_name: str, tags: tuple[str, ...], who: str) -> None:
        key = (type_name, tags)
        problems = self.cache.get(key)
        if problems is None:
            problems = self.cache[key] = check_children(type_name, tags)
        for p in problems:
            self.structure[p] += 1
            self.structure_example.setdefault(p, who)

    def child(self, el, plen: int) -> None:
        share = self._share
        ch = self.ch
        index = len(ch["id"])
        tags = []
        ids = chars = None
        details = []
        for sub in el:
            t = sub.tag[plen:]
            tags.append(t)
            if t == "ChildIdentifiers":
                ids = sub
            elif t == "ChildCharacteristics":
                chars = sub
            elif t == "CINdetails":
                details.append(sub)
        values = {}
        id_tags = []
        if ids is not None:
            for e in ids:
                name = e.tag[plen:]
                id_tags.append(name)
                txt = e.text
                values[name] = txt.strip() if txt else ""
        who = values.get("LAchildID", "") or f"child {index + 1}"
        self.layout("Child", tuple(tags), who)
        if ids is not None:
            self.layout("ChildIdentifiers", tuple(id_tags), who)
        ch["id"].append(values.get("LAchildID", ""))
        for k in ("PersonBirthDate", "ExpectedPersonBirthDate", "Sex", "GenderCurrent", "PersonDeathDate"):
            v = values.get(k, "")
            ch[k].append(share(v, v))
        eth = ""
        dis: list[str] = []
        has_dis = False
        if chars is not None:
            c_tags = []
            for e in chars:
                name = e.tag[plen:]
                c_tags.append(name)
                if name == "Ethnicity":
                    txt = e.text
                    eth = txt.strip() if txt else ""
                elif name == "Disabilities":
                    has_dis = True
                    d_tags = []
                    for d in e:
                        d_tags.append(d.tag[plen:])
                        txt = d.text
                        code = txt.strip().upper() if txt else ""
                        if code and code not in dis:
                            dis.append(code)
                    self.layout("Disabilities", tuple(d_tags), who)
            self.layout("ChildCharacteristics", tuple(c_tags), who)
        ch["Ethnicity"].append(share(eth, eth))
        joined = ";".join(dis)
        ch["Disability"].append(share(joined, joined))
        ch["has_disabilities"].append(has_dis)
        for d in dis:
            self.disability_values[d] += 1
        for n, det in enumerate(details, 1):
            self.episode(det, index, n, plen, who)

    def _leaves(self, el, plen: int, type_name: str, who: str) -> dict[str, str]:
        values = {}
        tags = []
        for e in el:
            name = e.tag[plen:]
            tags.append(name)
            txt = e.text
            values[name] = txt.strip() if txt else ""
        self.layout(type_name, tuple(tags), who)
        return values

    def episode(self, det, child: int, n: int, plen: int, who: str) -> None:
        share = self._share
        ref = self.ref
        r_index = len(ref["child"])
        values = {}
        tags = []
        parts: dict[str, list] = {k: [] for k in _REPEATED}
        for e in det:
            name = e.tag[plen:]
            tags.append(name)
            if name in parts:
                parts[name].append(e)
            else:
                txt = e.text
                values[name] = txt.strip() if txt else ""
        self.layout("CINdetails", tuple(tags), who)
        ref["child"].append(child)
        ref["n"].append(n)
        for k in ("CINreferralDate", "ReferralSource", "PrimaryNeedCode", "CINclosureDate", "ReasonForClosure",
                  "DateOfInitialCPC", "ReferralNFA"):
            v = values.get(k, "")
            ref[k].append(share(v, v))
        ass = self.ass
        for i, a in enumerate(parts["Assessments"], 1):
            factors: list[str] = []
            a_tags = []
            a_values = {}
            for e in a:
                name = e.tag[plen:]
                a_tags.append(name)
                if name == "FactorsIdentifiedAtAssessment":
                    f_tags = []
                    for f in e:
                        f_tags.append(f.tag[plen:])
                        txt = f.text
                        code = txt.strip().upper() if txt else ""
                        if code and code not in factors:
                            factors.append(code)
                    self.layout("FactorsIdentifiedAtAssessment", tuple(f_tags), who)
                else:
                    txt = e.text
                    a_values[name] = txt.strip() if txt else ""
            self.layout("Assessments", tuple(a_tags), who)
            ass["ref"].append(r_index)
            ass["n"].append(i)
            for k in ("AssessmentActualStartDate", "AssessmentAuthorisationDate"):
                v = a_values.get(k, "")
                ass[k].append(share(v, v))
            joined = ";".join(factors)
            ass["factors"].append(share(joined, joined))
            for f in factors:
                self.factor_values[f] += 1
        s47 = self.s47
        for i, s in enumerate(parts["Section47"], 1):
            v = self._leaves(s, plen, "Section47", who)
            s47["ref"].append(r_index)
            s47["n"].append(i)
            for k in ("S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"):
                x = v.get(k, "")
                s47[k].append(share(x, x))
        cpp = self.cpp
        for i, p in enumerate(parts["ChildProtectionPlans"], 1):
            p_values = {}
            p_tags = []
            for e in p:
                name = e.tag[plen:]
                p_tags.append(name)
                if name == "Reviews":
                    self.layout("Reviews", tuple(r.tag[plen:] for r in e), who)
                else:
                    txt = e.text
                    p_values[name] = txt.strip() if txt else ""
            self.layout("ChildProtectionPlans", tuple(p_tags), who)
            cpp["ref"].append(r_index)
            cpp["n"].append(i)
            for k in ("CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse", "LatestCategoryOfAbuse",
                      "NumberOfPreviousCPP"):
                x = p_values.get(k, "")
                cpp[k].append(share(x, x))
        for c in parts["CINPlanDates"]:
            self._leaves(c, plen, "CINPlanDates", who)
        for c in parts["PreProceedingsandFGDM"]:
            self._leaves(c, plen, "PreProceedingsandFGDM", who)
        self.cin_plans += len(parts["CINPlanDates"])
        self.pre_proceedings += len(parts["PreProceedingsandFGDM"])

    def header_element(self, el, plen: int) -> None:
        for sub in el.iter():
            if sub is el:
                continue
            txt = sub.text
            if txt and txt.strip() and len(sub) == 0:
                self.header[sub.tag[plen:]] = txt.strip()


def _parse(path: Path, source=None, label: str | None = None) -> _Reader:
    """Read the file at ``path`` (or the file-like ``source``, a part of it) into a :class:`_Reader`."""
    from lxml import etree

    root, ns = _root(path)
    if root != "Message":
        raise StatutoryFileError(path, f"not a CIN census file: the root element is <{root}>, a CIN census file's is "
                                       "<Message> (with <Header> and <Children>)")
    prefix = f"{{{ns}}}" if ns else ""
    plen = len(prefix)
    reader = _Reader(label or path.name)
    seen_children = False
    context = etree.iterparse(source if source is not None else str(path), events=("end",),
                              tag=(prefix + "Child", prefix + "Header", prefix + "Children"),
                              resolve_entities=False, no_network=True, remove_comments=True, remove_pis=True,
                              remove_blank_text=True,
                              huge_tree=True)
    try:
        for _, el in context:
            name = el.tag[plen:]
            if name == "Child":
                reader.child(el, plen)
            elif name == "Header":
                reader.header_element(el, plen)
            else:
                seen_children = True
            el.clear(keep_tail=False)
            while el.getprevious() is not None:
                del el.getparent()[0]
    except etree.XMLSyntaxError as exc:
        line = f" at line {exc.lineno}" if exc.lineno else ""
        raise StatutoryFileError(path, f"the XML is broken{line} ({exc.msg}); nothing was imported") from None
    if not seen_children:
        raise StatutoryFileError(path, "not a CIN census file: <Message> has no <Children> element")
    return reader


# --- from lists to tables ---------------------------------------------------------------------------


def _dates(values: list, reader: _Reader, extract: Extract, path: str) -> np.ndarray:
    days, bad = parse_dates(np.asarray(values, dtype=object))
    if bad.any():
        example = str(np.asarray(values, dtype=object)[bad][0])
        extract.warn(reader.label, path, "not a date (YYYY-MM-DD): left blank", int(bad.sum()), example)
    return days


def _check_codes(values: np.ndarray, reader: _Reader, extract: Extract, key: str, full_path: str) -> None:
    allowed = set(CODE_LISTS[key])
    counts = pd.Series(values, dtype=object).value_counts()
    bad = counts[[v != "" and v not in allowed for v in counts.index]]
    if len(bad):
        extract.warn(reader.label, full_path, "not a code of DfE's list: kept as it is, for validation to report",
                     int(bad.sum()), str(bad.index[0]))


def _rejected(reason: np.ndarray | str, location: np.ndarray, values: dict[str, np.ndarray], label: str) -> pd.DataFrame:
    frame = pd.DataFrame({"source": label, "location": location, "reason": reason})
    for k, v in values.items():
        frame[k] = v
    return frame


def _yes_no(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return parse_yes_no(values)


def _release(columns: dict, keep: tuple[str, ...] = ()) -> None:
    for k, v in columns.items():
        if k not in keep:
            v.clear()


def _tables(reader: _Reader, extract: Extract) -> None:
    label = reader.label
    P = PATHS

    # children ------------------------------------------------------------------------------------
    ch = reader.ch
    n_ch = len(ch["id"])
    cid = np.asarray(ch["id"], dtype=object)
    blank_id = cid == ""
    dup = pd.Series(cid).duplicated().to_numpy() & ~blank_id
    child_ok = ~blank_id & ~dup
    position = np.arange(1, n_ch + 1)
    if (~child_ok).any():
        reason = np.where(blank_id, "no LAchildID: the child cannot be identified",
                          "this LAchildID appears again (the child's first appearance was kept, this one set aside)")
        extract.set_aside("children", _rejected(reason[~child_ok], np.array([f"{P['Child']}[{i}]" for i in position[~child_ok]],
                                                                         dtype=object),
                                                {"child_id": cid[~child_ok]}, label))
    born, bad_b = parse_dates(np.asarray(ch["PersonBirthDate"], dtype=object))
    expected, bad_e = parse_dates(np.asarray(ch["ExpectedPersonBirthDate"], dtype=object))
    extract.warn(label, P["ChildIdentifiers"] + "/PersonBirthDate", "not a date (YYYY-MM-DD): left blank", int(bad_b.sum()),
                 str(np.asarray(ch["PersonBirthDate"], dtype=object)[bad_b][0]) if bad_b.any() else "")
    extract.warn(label, P["ChildIdentifiers"] + "/ExpectedPersonBirthDate", "not a date (YYYY-MM-DD): left blank",
                 int(bad_e.sum()), "")
    dob = np.where(np.isnat(born), expected, born)
    no_dob = np.isnat(dob) & child_ok
    extract.warn(label, P["ChildIdentifiers"], "neither PersonBirthDate nor ExpectedPersonBirthDate: date of birth left "
                 "blank", int(no_dob.sum()), str(cid[no_dob][0]) if no_dob.any() else "")
    sex_new = np.asarray(ch["Sex"], dtype=object)
    gender = np.asarray(ch["GenderCurrent"], dtype=object)
    _check_codes(sex_new, reader, extract, "ChildIdentifiers/Sex", P["ChildIdentifiers"] + "/Sex")
    _check_codes(gender, reader, extract, "ChildIdentifiers/GenderCurrent", P["ChildIdentifiers"] + "/GenderCurrent")
    from_gender = by_value(gender, lambda u: np.array([_GENDER.get(x, x) for x in u], dtype=object))
    sex = np.where(sex_new != "", upper(sex_new), from_gender)
    eth = upper(ch["Ethnicity"])
    _check_codes(eth, reader, extract, "ChildCharacteristics/Ethnicity", P["ChildCharacteristics"] + "/Ethnicity")
    dis_codes = np.asarray(ch["Disability"], dtype=object)
    unknown_dis = sorted(set(reader.disability_values) - set(C.DISABILITY_CODES))
    if unknown_dis:
        extract.warn(label, P["Disabilities"] + "/Disability", "not a code of DfE's list: kept as it is",
                     sum(reader.disability_values[c] for c in unknown_dis), unknown_dis[0])
    disabled = by_value(dis_codes, lambda u: C.disabled_from_codes(pd.Series(u, dtype=object)).to_numpy(dtype=object))
    mixed = pd.Series(by_value(dis_codes, lambda u: np.array([";" in x and "NONE" in x.split(";") for x in u], dtype=bool)))
    extract.warn(label, P["Disabilities"], "NONE recorded with other disability codes: the child counts as disabled",
                 int(mixed.sum()), str(cid[mixed.to_numpy()][0]) if mixed.any() else "")
    children = pd.DataFrame({
        "child_id": cid, "date_of_birth": dob, "sex": sex, "ethnicity": eth, "disability": disabled,
        "disability_codes": dis_codes,
    })
    extract.tables["children"] = children[child_ok].reset_index(drop=True)
    extract.read["children"] = n_ch
    _release(ch, keep=("id",))  # what was read is no longer needed once in the table (memory for large files)

    # referrals (CINdetails) ----------------------------------------------------------------------------
    ref = reader.ref
    n_ref = len(ref["child"])
    r_child = np.asarray(ref["child"], dtype=np.int64)
    r_cid = cid[r_child] if n_ref else np.array([], dtype=object)
    r_date = _dates(ref["CINreferralDate"], reader, extract, P["CINdetails"] + "/CINreferralDate")
    r_n = np.asarray(ref["n"], dtype=np.int64)

    def r_loc(rows: np.ndarray) -> np.ndarray:
        """Where referral rows ``rows`` are in the file (built only for the rows set aside)."""
        return np.array([f"{P['Child']}[{c + 1}]/CINdetails[{n}]" for c, n in zip(r_child[rows], r_n[rows], strict=True)],
                        dtype=object)
    r_parent_ok = child_ok[r_child] if n_ref else np.zeros(0, bool)
    r_ok = r_parent_ok & ~np.isnat(r_date)
    r_reason = np.where(~r_parent_ok, "its child was set aside (see rejected/children.csv)",
                        "no valid CINreferralDate: the referral cannot be keyed")
    source = upper(ref["ReferralSource"])
    need = upper(ref["PrimaryNeedCode"])
    _check_codes(source, reader, extract, "CINdetails/ReferralSource", P["CINdetails"] + "/ReferralSource")
    _check_codes(need, reader, extract, "CINdetails/PrimaryNeedCode", P["CINdetails"] + "/PrimaryNeedCode")
    nfa, bad_nfa = _yes_no(np.asarray(ref["ReferralNFA"], dtype=object))
    extract.warn(label, P["CINdetails"] + "/ReferralNFA", "not true, false, 1 or 0: referral outcome left blank",
                 int(bad_nfa.sum()), str(np.asarray(ref["ReferralNFA"], dtype=object)[bad_nfa][0]) if bad_nfa.any() else "")
    outcome = np.where(nfa == "Y", "NFA", np.where(nfa == "N", "ASSESSMENT", "")).astype(object)
    closure = _dates(ref["CINclosureDate"], reader, extract, P["CINdetails"] + "/CINclosureDate")
    r_id = _keys("R", r_cid, r_date) if n_ref else np.array([], dtype=object)
    if (~r_ok).any():
        extract.set_aside("referrals", _rejected(r_reason[~r_ok], r_loc(np.flatnonzero(~r_ok)), {
            "child_id": r_cid[~r_ok], "CINreferralDate": np.asarray(ref["CINreferralDate"], dtype=object)[~r_ok]}, label))
    extract.tables["referrals"] = pd.DataFrame({
        "referral_id": r_id, "child_id": r_cid, "referral_date": r_date, "referral_source": source,
        "primary_need": need, "referral_outcome": outcome, "cin_closure_date": closure,
    })[r_ok].reset_index(drop=True)
    extract.read["referrals"] = n_ref

    def below(table: str, cols: dict, n_key: str, start_key: str, prefix: str, what: str):
        """Rows of a module under CINdetails: parent referral, start date, key, location, keep mask."""
        parent = np.asarray(cols["ref"], dtype=np.int64)
        n = len(parent)
        start = _dates(cols[start_key], reader, extract, f"{P[table]}/{start_key}")
        p_ok = r_ok[parent] if n else np.zeros(0, bool)
        ok = p_ok & ~np.isnat(start)
        c_ids = r_cid[parent] if n else np.array([], dtype=object)
        ks = np.asarray(cols[n_key], dtype=np.int64)

        def loc(rows: np.ndarray) -> np.ndarray:
            return np.array([f"{rl}/{table}[{k}]" for rl, k in zip(r_loc(parent[rows]), ks[rows], strict=True)],
                            dtype=object)
        reason = np.where(~p_ok, "its referral was set aside (see rejected/referrals.csv)",
                          f"no valid {start_key}: the {what} cannot be keyed")
        keys = _keys(prefix, c_ids, start) if n else np.array([], dtype=object)
        return parent, start, ok, c_ids, loc, reason, keys

    # assessments ----------------------------------------------------------------------------------
    a = reader.ass
    parent, start, ok, c_ids, loc, reason, keys = below("Assessments", a, "n", "AssessmentActualStartDate", "A",
                                                        "assessment")
    auth = _dates(a["AssessmentAuthorisationDate"], reader, extract, P["Assessments"] + "/AssessmentAuthorisationDate")
    unknown_f = sorted(set(reader.factor_values) - set(C.ASSESSMENT_FACTORS))
    if unknown_f:
        extract.warn(label, P["FactorsIdentifiedAtAssessment"] + "/AssessmentFactors",
                     "not a code of DfE's list: kept as it is", sum(reader.factor_values[c] for c in unknown_f), unknown_f[0])
    if (~ok).any():
        extract.set_aside("assessments", _rejected(reason[~ok], loc(np.flatnonzero(~ok)), {
            "child_id": c_ids[~ok], "AssessmentActualStartDate": np.asarray(a["AssessmentActualStartDate"], dtype=object)[~ok]},
            label))
    extract.tables["assessments"] = pd.DataFrame({
        "assessment_id": keys, "referral_id": r_id[parent] if len(parent) else np.array([], dtype=object),
        "child_id": c_ids, "assessment_start": start, "assessment_authorised": auth,
        "factors": np.asarray(a["factors"], dtype=object), "assessment_outcome": "",
    })[ok].reset_index(drop=True)
    extract.read["assessments"] = len(parent)
    _release(a)

    # section 47 enquiries and their conferences ---------------------------------------------------------
    s = reader.s47
    parent, start, ok, c_ids, loc, reason, keys = below("Section47", s, "n", "S47ActualStartDate", "S", "enquiry")
    icpc_day = _dates(s["DateOfInitialCPC"], reader, extract, P["Section47"] + "/DateOfInitialCPC")
    not_req, bad_nr = _yes_no(np.asarray(s["ICPCnotRequired"], dtype=object))
    extract.warn(label, P["Section47"] + "/ICPCnotRequired", "not true, false, 1 or 0: left blank", int(bad_nr.sum()), "")
    icpc_required = np.where(not_req == "Y", "N", np.where(~np.isnat(icpc_day), "Y", "")).astype(object)
    if (~ok).any():
        extract.set_aside("section47", _rejected(reason[~ok], loc(np.flatnonzero(~ok)), {
            "child_id": c_ids[~ok], "S47ActualStartDate": np.asarray(s["S47ActualStartDate"], dtype=object)[~ok]}, label))
    s_ref = r_id[parent] if len(parent) else np.array([], dtype=object)
    extract.tables["section47"] = pd.DataFrame({
        "s47_id": keys, "referral_id": s_ref, "child_id": c_ids, "strategy_discussion_date": np.datetime64("NaT", "D"),
        "s47_start": start, "s47_end": np.datetime64("NaT", "D"), "icpc_required": icpc_required,
    })[ok].reset_index(drop=True)
    extract.read["section47"] = len(parent)

    # conferences: each Section47 with a DateOfInitialCPC, and each episode-level DateOfInitialCPC no enquiry holds
    has_icpc = ~np.isnat(icpc_day)
    i_parent_ref = parent[has_icpc]
    i_ok = ok[has_icpc]
    i_day = icpc_day[has_icpc]
    i_cids = c_ids[has_icpc]
    i_keys = _keys("I", i_cids, i_day) if has_icpc.any() else np.array([], dtype=object)
    i_s47 = keys[has_icpc]
    i_rows = np.flatnonzero(has_icpc)
    ep_day = _dates(ref["DateOfInitialCPC"], reader, extract, P["CINdetails"] + "/DateOfInitialCPC")
    held = pd.DataFrame({"ref": i_parent_ref, "day": i_day})
    ep = pd.DataFrame({"ref": np.arange(n_ref), "day": ep_day})
    ep = ep[~np.isnat(ep_day)]
    orphan = ep.merge(held.drop_duplicates(), on=["ref", "day"], how="left", indicator=True)
    orphan = orphan[orphan["_merge"] == "left_only"]
    # plans: a conference made a plan when a plan of the same episode starts on its day
    c = reader.cpp
    p_parent, p_start, p_ok, p_cids, p_loc, p_reason, p_keys = below("ChildProtectionPlans", c, "n", "CPPstartDate", "P",
                                                                     "plan")
    plans_by_day = pd.DataFrame({"ref": p_parent[p_ok], "day": p_start[p_ok]}).drop_duplicates()
    i_reason = np.full(len(i_keys), "its section 47 enquiry was set aside (see rejected/section47.csv)", dtype=object)
    if (~i_ok).any():
        extract.set_aside("icpc", _rejected(i_reason[~i_ok], np.array([x + "/DateOfInitialCPC" for x in loc(i_rows[~i_ok])],
                                                                      dtype=object), {"child_id": i_cids[~i_ok],
                                                                            "DateOfInitialCPC": i_day[~i_ok]}, label))
    # a conference recorded at episode level only (DfE: not also in a Section47): a conference without an enquiry
    o_ref = orphan["ref"].to_numpy(dtype=np.int64)
    o_day = orphan["day"].to_numpy(dtype="datetime64[D]")
    o_ok = r_ok[o_ref] if len(o_ref) else np.zeros(0, bool)
    if (~o_ok).any():
        extract.set_aside("icpc", _rejected("its referral was set aside (see rejected/referrals.csv)",
                                            np.array([x + "/DateOfInitialCPC" for x in r_loc(o_ref[~o_ok])], dtype=object),
                                            {"child_id": r_cid[o_ref[~o_ok]], "DateOfInitialCPC": o_day[~o_ok]}, label))
    all_ref = np.concatenate([i_parent_ref, o_ref])
    all_day = np.concatenate([i_day, o_day]).astype("datetime64[D]")
    all_cid = np.concatenate([i_cids, r_cid[o_ref] if len(o_ref) else np.array([], dtype=object)])
    all_ok = np.concatenate([i_ok, o_ok])
    all_s47 = np.concatenate([i_s47, np.full(len(o_ref), "", dtype=object)])
    i_keys = _keys("I", all_cid, all_day) if len(all_ref) else np.array([], dtype=object)
    made = pd.DataFrame({"ref": all_ref, "day": all_day}).merge(plans_by_day.assign(made=True), on=["ref", "day"],
                                                                 how="left")["made"].fillna(False).to_numpy(dtype=bool)
    extract.tables["icpc"] = pd.DataFrame({
        "icpc_id": i_keys, "s47_id": all_s47, "child_id": all_cid, "icpc_date": all_day,
        "plan_made": np.where(made, "Y", "N").astype(object),
    })[all_ok].reset_index(drop=True)
    extract.read["icpc"] = len(all_ref)
    i_parent_ref, i_day, i_ok = all_ref, all_day, all_ok

    # child protection plans -----------------------------------------------------------------------------
    p_end = _dates(c["CPPendDate"], reader, extract, P["ChildProtectionPlans"] + "/CPPendDate")
    category = upper(c["InitialCategoryOfAbuse"])
    _check_codes(category, reader, extract, "ChildProtectionPlans/InitialCategoryOfAbuse",
                 P["ChildProtectionPlans"] + "/InitialCategoryOfAbuse")
    conf = pd.DataFrame({"ref": i_parent_ref[i_ok], "day": i_day[i_ok], "icpc_id": i_keys[i_ok]}).drop_duplicates(["ref", "day"])
    p_icpc = pd.DataFrame({"ref": p_parent, "day": p_start}).merge(conf, on=["ref", "day"], how="left")["icpc_id"]
    if (~p_ok).any():
        extract.set_aside("cp_plans", _rejected(p_reason[~p_ok], p_loc(np.flatnonzero(~p_ok)), {
            "child_id": p_cids[~p_ok], "CPPstartDate": np.asarray(c["CPPstartDate"], dtype=object)[~p_ok]}, label))
    extract.tables["cp_plans"] = pd.DataFrame({
        "plan_id": p_keys, "child_id": p_cids, "icpc_id": p_icpc.fillna("").to_numpy(dtype=object),
        "plan_start": p_start, "plan_end": p_end, "category": category,
    })[p_ok].reset_index(drop=True)
    extract.read["cp_plans"] = len(p_parent)
    _release(c)
    _release(s)


def _provenance(extract: Extract) -> None:
    src = CIN_SOURCE
    given = {
        ("children", "child_id"): "ChildIdentifiers/LAchildID",
        ("children", "date_of_birth"): "ChildIdentifiers/PersonBirthDate (ExpectedPersonBirthDate for an unborn child)",
        ("children", "sex"): "ChildIdentifiers/Sex (GenderCurrent before 2024-25)",
        ("children", "ethnicity"): "ChildCharacteristics/Ethnicity",
        ("children", "disability"): "derived from ChildCharacteristics/Disabilities/Disability",
        ("children", "disability_codes"): "ChildCharacteristics/Disabilities/Disability",
        ("referrals", "referral_id"): "made from LAchildID and CINreferralDate",
        ("referrals", "child_id"): "ChildIdentifiers/LAchildID",
        ("referrals", "referral_date"): "CINdetails/CINreferralDate",
        ("referrals", "referral_source"): "CINdetails/ReferralSource",
        ("referrals", "primary_need"): "CINdetails/PrimaryNeedCode",
        ("referrals", "cin_closure_date"): "CINdetails/CINclosureDate",
        ("assessments", "assessment_id"): "made from LAchildID and AssessmentActualStartDate",
        ("assessments", "referral_id"): "the CINdetails holding the assessment",
        ("assessments", "child_id"): "ChildIdentifiers/LAchildID",
        ("assessments", "assessment_start"): "Assessments/AssessmentActualStartDate",
        ("assessments", "assessment_authorised"): "Assessments/AssessmentAuthorisationDate",
        ("assessments", "factors"): "Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors",
        ("section47", "s47_id"): "made from LAchildID and S47ActualStartDate",
        ("section47", "referral_id"): "the CINdetails holding the enquiry",
        ("section47", "child_id"): "ChildIdentifiers/LAchildID",
        ("section47", "s47_start"): "Section47/S47ActualStartDate",
        ("icpc", "icpc_id"): "made from LAchildID and Section47/DateOfInitialCPC",
        ("icpc", "s47_id"): "the Section47 holding the conference date (blank for CINdetails/DateOfInitialCPC)",
        ("icpc", "child_id"): "ChildIdentifiers/LAchildID",
        ("icpc", "icpc_date"): "Section47/DateOfInitialCPC, or CINdetails/DateOfInitialCPC when no Section47 holds it",
        ("icpc", "plan_made"): "derived: Y when a ChildProtectionPlans of the episode starts on the conference day",
        ("cp_plans", "plan_id"): "made from LAchildID and CPPstartDate",
        ("cp_plans", "child_id"): "ChildIdentifiers/LAchildID",
        ("cp_plans", "icpc_id"): "derived: the conference of the episode held on the plan's start day",
        ("cp_plans", "plan_start"): "ChildProtectionPlans/CPPstartDate",
        ("cp_plans", "plan_end"): "ChildProtectionPlans/CPPendDate",
        ("cp_plans", "category"): "ChildProtectionPlans/InitialCategoryOfAbuse",
    }
    for k, v in given.items():
        extract.fields[k] = Field(f"{src}: {v}")
    extract.fields[("referrals", "referral_outcome")] = Field(
        f"{src}: CINdetails/ReferralNFA", "all",
        "NFA when ReferralNFA is true, ASSESSMENT otherwise; the census does not tell a step down to early help or "
        "advice only from no further action (those arrive as NFA)")
    extract.fields[("section47", "icpc_required")] = Field(
        f"{src}: Section47/ICPCnotRequired and DateOfInitialCPC", "part",
        "N when ICPCnotRequired is true, Y when a conference was held; blank while the census cannot tell (an enquiry "
        "still open, or a conference not yet held)")
    missing = {
        ("children", "uasc"): "the CIN census does not record whether a child is an unaccompanied asylum-seeking child; "
                              "supply the SSDA903 UASC table or Annex A List 8",
        ("assessments", "assessment_outcome"): "the CIN census does not record the outcome of an assessment",
        ("section47", "strategy_discussion_date"): "the CIN census does not record the strategy discussion date; supply "
                                                   "Annex A List 5",
        ("section47", "s47_end"): "the CIN census does not record when a section 47 enquiry ended",
    }
    for k, v in missing.items():
        extract.fields[k] = Field("", "none", v)
    extract.absent.update(_NOT_IN_CIN)


def read_cin_census(path) -> Extract:
    """Read one CIN census XML file (any collection year from 2017 to 2026) into an :class:`Extract`.

    Refuses (:class:`StatutoryFileError`) a file that is empty, not XML, broken, or XML of another kind.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    return extract_from(_parse(path))


def extract_from(reader: _Reader) -> Extract:
    """The extract from what a :class:`_Reader` read: tables, provenance, warnings, files read."""
    extract = Extract()
    _tables(reader, extract)
    _provenance(extract)
    for problem, n in sorted(reader.structure.items()):
        type_name, _, what = problem.partition(": ")
        where = PATHS.get(type_name.split("/")[0], type_name.split("/")[0])
        extract.warn(reader.label, f"{where}/{type_name.split('/', 1)[1]}" if "/" in type_name else where, what, n,
                     reader.structure_example.get(problem, ""))
    h = reader.header
    detail = ", ".join(x for x in (f"collection year {h['Year']}" if h.get("Year") else "",
                                   f"reference date {h['ReferenceDate']}" if h.get("ReferenceDate") else "",
                                   f"local authority {h['LEA']}" if h.get("LEA") else "") if x)
    for part, n, used in (("Child", extract.read["children"], "children"),
                          ("CINdetails", extract.read["referrals"], "referrals"),
                          ("Assessments", extract.read["assessments"], "assessments"),
                          ("Section47", extract.read["section47"], "section47, icpc"),
                          ("ChildProtectionPlans", extract.read["cp_plans"], "cp_plans"),
                          ("CINPlanDates", reader.cin_plans, "not used: the extract has no table of child-in-need plans"),
                          ("PreProceedingsandFGDM", reader.pre_proceedings,
                           "not used: the extract has no table of pre-proceedings")):
        extract.files.append({"file": reader.label, "kind": CIN_SOURCE, "detail": detail, "part": part, "records": n,
                              "used_for": used})
    return extract
