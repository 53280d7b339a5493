"""Cohorts along the child's journey, counted by characteristic, from the record-level extract.

A *cohort* is the set of **children** (not events) with at least one event of a stage whose date falls
in a window (normally the rolling twelve months ending a quarter). Stages and their dates:

=============  ====================  ========================  ================================
stage          table                 date                      previous stage (decision point)
=============  ====================  ========================  ================================
referral       referrals             referral_date             –
assessment     assessments           assessment_start          referral
s47            section47             s47_start                 assessment
icpc           icpc                  icpc_date                 s47
cp_plan        cp_plans              plan_start                icpc
cla            cla_periods           cla_start                 referral
missing        missing_episodes      missing_start             – (not on the journey)
=============  ====================  ========================  ================================

A child's age at a stage is their age in whole years on their **first** event of that stage in the
window; children whose first event is before their date of birth are counted as *Unborn* (children's
social care can act before birth). Ethnicity, sex and disability are the child's as recorded in the
``children`` table.

*Decision point*: of the children in the previous stage's cohort for the window, those who are also
in this stage's cohort for the same window ("of the children assessed in the twelve months, how many
were also the subject of a section 47 enquiry in those twelve months"). This is a proportion (the
numerator is a subset of the denominator), every window is cut off at its end in the same way, and it
needs only child identifiers and dates, so it works when links between records are incomplete.
Children are grouped by their characteristics at the previous stage.

Everything is integer-coded once (:func:`prepare`): children become positions ``0..n-1``, codes become
small integers, dates become days; a cohort is then a slice of a day-sorted event array, and every
count is an ``np.bincount``. A twelve-million-child extract fits in well under a gigabyte.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from .. import codes as C

__all__ = [
    "Stage",
    "STAGES",
    "JOURNEY",
    "stage",
    "Extract",
    "prepare",
    "Grouping",
    "groupings",
    "is_others",
    "SEX_CODES",
    "DISABILITY_CODES",
    "AGE_BAND_LABELS",
    "population_array",
    "population_year",
    "Window",
    "windows",
    "count_stage",
    "count_decision",
    "count_by_age",
]

# --- stages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    key: str
    title: str  # short heading: "Referred"
    cohort: str  # "children referred to children's social care"
    verb: str  # sentence fragment after "as likely as ... to": "be referred to children's social care"
    table: str
    date: str
    previous: str | None = None
    journey: bool = True


STAGES: tuple[Stage, ...] = (
    Stage("referral", "Referred", "children referred to children's social care", "be referred to children's social care",
          "referrals", "referral_date"),
    Stage("assessment", "Assessed", "children assessed", "be assessed", "assessments", "assessment_start", "referral"),
    Stage("s47", "Section 47 enquiry", "children subject to a section 47 enquiry", "be the subject of a section 47 enquiry",
          "section47", "s47_start", "assessment"),
    Stage("icpc", "Initial conference", "children subject to an initial child protection conference",
          "be the subject of an initial child protection conference", "icpc", "icpc_date", "s47"),
    Stage("cp_plan", "Child protection plan", "children starting a child protection plan",
          "start a child protection plan", "cp_plans", "plan_start", "icpc"),
    Stage("cla", "Started to be looked after", "children starting to be looked after", "start to be looked after",
          "cla_periods", "cla_start", "referral"),
    Stage("missing", "Went missing", "children reported missing from home or care", "be reported missing from home or care",
          "missing_episodes", "missing_start", None, journey=False),
)
JOURNEY: tuple[str, ...] = tuple(s.key for s in STAGES if s.journey)
_STAGE = {s.key: s for s in STAGES}


def stage(key: str) -> Stage:
    try:
        return _STAGE[key]
    except KeyError:
        raise KeyError(f"no stage called {key!r}; known: {', '.join(_STAGE)}") from None


# --- codes ---------------------------------------------------------------------------------------

ETH_CODES: tuple[str, ...] = C.ETHNICITY_CODES  # position = the integer code
_ETH_INDEX = {c: i for i, c in enumerate(ETH_CODES)}
_UNKNOWN_IDX = np.array([_ETH_INDEX[c] for c in C.UNKNOWN_ETHNICITY])
_KNOWN = [c for c in ETH_CODES if c not in C.UNKNOWN_ETHNICITY]
SEX_CODES = ("M", "F", "U")
DISABILITY_CODES = ("Y", "N", "U")
AGE_BAND_LABELS: tuple[str, ...] = ("Unborn",) + tuple(b[0] for b in C.AGE_BANDS) + ("18 and over",)
_BAND_OF_AGE = np.array([1 + next(i for i, (_, lo, hi) in enumerate(C.AGE_BANDS) if lo <= a <= hi) for a in range(18)])
_SEX_WORD = {"M": "Boys", "F": "Girls", "U": "Sex not recorded"}
_DIS_WORD = {"Y": "Disabled", "N": "Not disabled", "U": "Disability not known"}


def _encode(values: pd.Series, codes: Sequence[str], fallback: int) -> tuple[np.ndarray, int]:
    """Codes -> int8 positions in ``codes`` (blank or unrecognised -> ``fallback``), and how many fell back.

    The column is factorised once and only its distinct values are cleaned, so this is fast on
    millions of rows."""
    uniques_codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lookup = {c: i for i, c in enumerate(codes)}
    cleaned = np.array([lookup.get(str(u).strip().upper(), -1) for u in uniques] + [-1], dtype=np.int16)
    out = cleaned[uniques_codes]  # the sentinel -1 picks the appended -1
    bad = out < 0
    out = np.where(bad, fallback, out).astype(np.int8)
    return out, int(bad.sum())


def _fnv1a(b: np.ndarray) -> np.ndarray:
    """64-bit FNV-1a hash of each byte string (vectorised over the columns of its bytes). The NUL bytes
    that pad a fixed-width array are skipped, so the hash does not depend on the array's width."""
    width = b.dtype.itemsize
    cols = b.view(np.uint8).reshape(len(b), width) if len(b) else np.zeros((0, width), np.uint8)
    h = np.full(len(b), 14695981039346656037, dtype=np.uint64)
    prime = np.uint64(1099511628211)
    for j in range(width):
        c = cols[:, j]
        h = np.where(c != 0, (h ^ c.astype(np.uint64)) * prime, h)
    return h


def _as_bytes(values) -> np.ndarray | None:
    """Identifiers as fixed-width ASCII bytes, or None when they are not plain ASCII text."""
    try:
        arr = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
        if len(arr) and not all(isinstance(x, str) for x in arr[:: max(1, len(arr) // 1000)]):
            arr = np.array([str(x) for x in arr], dtype=object)
        return arr.astype("S")
    except (UnicodeEncodeError, ValueError, TypeError):
        return None


class _IdLookup:
    """Positions of identifiers among the children's identifiers.

    Fast path: identifiers as bytes, hashed to 64 bits (FNV-1a), looked up in a hash table of those
    integers, and every match confirmed by comparing the bytes themselves, so a hash collision can
    never link the wrong child (a collision among the children themselves switches to the exact path).
    Exact path: ``pandas.Index.get_indexer``.
    """

    def __init__(self, ids: pd.Series):
        self.index = pd.Index(ids)
        self.bytes = _as_bytes(ids)
        self.fast = self.bytes is not None
        if self.fast:
            self.hashes = pd.Index(_fnv1a(self.bytes))
            if self.hashes.has_duplicates:
                self.fast = False

    def __call__(self, values: pd.Series) -> np.ndarray:
        if self.fast:
            b = _as_bytes(values)
            if b is not None:
                width = max(b.dtype.itemsize, self.bytes.dtype.itemsize)
                b = b.astype(f"S{width}")
                cand = self.hashes.get_indexer(_fnv1a(b))  # a hash table of 64-bit integers
                found = cand >= 0
                same = np.zeros(len(b), dtype=bool)
                same[found] = self.bytes.astype(f"S{width}")[cand[found]] == b[found]
                return np.where(same, cand, -1).astype(np.int32)
        return self.index.get_indexer(values).astype(np.int32)


def _days(values) -> np.ndarray:
    """Dates -> int32 days since 1970-01-01 (``_NO_DAY`` for a missing date)."""
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if not pd.api.types.is_datetime64_any_dtype(s.dtype):
        s = pd.to_datetime(s, errors="coerce", format="ISO8601")
    d = s.to_numpy(dtype="datetime64[D]")
    out = d.astype("int64")
    out[np.isnat(d)] = _NO_DAY
    return out.astype(np.int32)


_NO_DAY = np.iinfo(np.int32).min


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day of day numbers (days since 1970-01-01), by integer arithmetic: H. Hinnant's
    ``civil_from_days`` (proleptic Gregorian calendar, eras of 400 years), much faster than
    datetime64 conversions on millions of dates."""
    z = np.asarray(days, dtype=np.int64) + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    y = yoe + era * 400 + (m <= 2)
    return y, m, d


def age_in_years(dob_days: np.ndarray, on_days: np.ndarray) -> np.ndarray:
    """Whole years from birth to a date (negative before birth), as ``periods.age_at``.

    age = year(on) − year(dob) − 1 if (month, day) of ``on`` is before that of ``dob``, else 0 less.
    A 29 February birthday is reached on 1 March in other years.
    """
    y1, m1, d1 = _ymd(dob_days)
    y2, m2, d2 = _ymd(on_days)
    before = (m2 * 32 + d2) < (m1 * 32 + d1)
    age = y2 - y1 - before.astype(np.int64)
    # before birth: any day earlier than the date of birth is "unborn" (age -1)
    age = np.where(on_days < dob_days, -1, np.maximum(age, 0))
    return age


def age_band_index(age: np.ndarray) -> np.ndarray:
    """Position in :data:`AGE_BAND_LABELS`: 0 Unborn, 1-5 the DfE bands, 6 eighteen and over."""
    a = np.asarray(age)
    out = np.empty(a.shape, dtype=np.int8)
    out[a < 0] = 0
    ok = (a >= 0) & (a <= 17)
    out[ok] = _BAND_OF_AGE[a[ok]]
    out[a > 17] = len(AGE_BAND_LABELS) - 1
    return out


# --- the extract, integer-coded ------------------------------------------------------------------


@dataclass
class Extract:
    """The record-level extract coded for counting.

    ``ethnicity``, ``sex``, ``disability``: int8 per child (positions in ``ETH_CODES``, ``SEX_CODES``,
    ``DISABILITY_CODES``); ``dob``: int32 days; ``events[stage] = (child, day, age)``: int32 child
    positions, int32 days and int8 age band at the event, sorted by day.
    """

    n_children: int
    ethnicity: np.ndarray
    sex: np.ndarray
    disability: np.ndarray
    dob: np.ndarray
    events: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]
    notes: dict[str, int] = field(default_factory=dict)

    def first_day(self, key: str = "referral") -> int | None:
        """The first day with an event of ``key`` (referrals by default: plans and periods of care that
        began before the extract are carried in it, so they do not mark its start)."""
        ev = self.events.get(key)
        return int(ev[1][0]) if ev is not None and len(ev[1]) else None


def prepare(tables: Mapping[str, pd.DataFrame], stages: Sequence[Stage] = STAGES) -> Extract:
    """Code the ``children`` table and each stage's event table (see :class:`Extract`).

    ``tables`` maps schema names to DataFrames with at least ``child_id`` and the stage's date column
    (a missing stage table gives an empty stage). Events whose child is not in ``children`` or whose
    date is missing are left out and counted in ``notes``; blank or unrecognised ethnicity counts as
    not obtained (NOBT), blank sex or disability as not known (U).
    """
    if "children" not in tables:
        raise ValueError("prepare: the 'children' table is required")
    ch = tables["children"]
    for col in ("child_id", "date_of_birth", "ethnicity", "sex"):
        if col not in ch.columns:
            raise ValueError(f"prepare: the children table has no column {col!r}")
    ids = pd.Index(ch["child_id"])
    if ids.has_duplicates:
        raise ValueError(f"prepare: child_id is repeated in the children table, for example {ids[ids.duplicated()][0]!r}")
    lookup = _IdLookup(ch["child_id"])
    notes: dict[str, int] = {}
    eth, notes["ethnicity_blank_or_unrecognised"] = _encode(ch["ethnicity"], ETH_CODES, _ETH_INDEX["NOBT"])
    sex, notes["sex_blank_or_unrecognised"] = _encode(ch["sex"], SEX_CODES, 2)
    if "disability" in ch.columns:
        dis, notes["disability_blank_or_unrecognised"] = _encode(ch["disability"], DISABILITY_CODES, 2)
    else:
        dis = np.full(len(ch), 2, np.int8)
    dob = _days(ch["date_of_birth"])
    events: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for st in stages:
        t = tables.get(st.table)
        if t is None or len(t) == 0:
            events[st.key] = (np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.int8))
            continue
        if st.date not in t.columns or "child_id" not in t.columns:
            raise ValueError(f"prepare: table {st.table} needs columns child_id and {st.date}")
        child = lookup(t["child_id"])
        day = _days(t[st.date])
        ok = (child >= 0) & (day != _NO_DAY)
        notes[f"{st.table}_unmatched_child"] = int((child < 0).sum())
        notes[f"{st.table}_missing_date"] = int((day == _NO_DAY).sum())
        child, day = child[ok], day[ok]
        order = np.argsort(day, kind="stable")
        child, day = child[order], day[order]
        has_dob = dob[child] != _NO_DAY
        age = np.where(has_dob, age_in_years(np.where(has_dob, dob[child], day), day), 99)
        band = np.where(has_dob, age_band_index(age), -1).astype(np.int8)
        notes[f"{st.table}_no_date_of_birth"] = int((~has_dob).sum())
        events[st.key] = (child, day, band)
    return Extract(len(ch), eth, sex, dis, dob, events, notes)


# --- groupings -----------------------------------------------------------------------------------

_OTHERS = {"others", "all other children", "all_other", "all_others", "rest", "all other"}


def is_others(reference: str) -> bool:
    """Whether ``reference`` means "all other children" rather than a group."""
    return str(reference).strip().lower() in _OTHERS


@dataclass(frozen=True)
class Grouping:
    """How one characteristic splits children into groups, and what each group is compared with.

    ``reference[g]`` is the position of group ``g``'s reference group, ``-1`` for "all other children
    with a known value in the same stratum", or ``g`` itself for the reference group. ``strata`` gives
    each group's stratum (for intersections: the sex or age band; otherwise "").
    """

    characteristic: str
    title: str
    groups: tuple[str, ...]  # keys (DfE code, major group name, sex code, band label ...)
    labels: tuple[str, ...]  # readable
    strata: tuple[str, ...]
    reference: tuple[int, ...]
    reference_label: str
    ethnic_map: np.ndarray | None = None  # ETH_CODES position -> ethnic group position (-1 unknown)
    axis: str = "ethnicity"  # ethnicity, sex, age_band, disability, ethnicity_x_sex, ethnicity_x_age_band
    has_population: tuple[bool, ...] = ()  # the population table gives this group a denominator
    in_others: tuple[bool, ...] = ()  # counted among "all other children" (not a not-known category)

    def __len__(self) -> int:
        return len(self.groups)


def _ethnic_groups(level: str, reference: str) -> tuple[list[str], list[str], np.ndarray, int | None, str]:
    """Ethnic groups at ``level`` (major / detailed) with the map from DfE codes and the reference position."""
    ref = str(reference).strip()
    names = C.ETHNICITY_NAMES
    major_of = {e.code: e.major_group for e in C.ETHNICITY}
    emap = np.full(len(ETH_CODES), -1, dtype=np.int16)
    if level == "detailed":
        keys = list(_KNOWN)
        labels = [names[c] for c in keys]
        for i, c in enumerate(keys):
            emap[_ETH_INDEX[c]] = i
        if is_others(ref):
            return keys, labels, emap, None, "all other children"
        if ref.upper() in keys:
            return keys, labels, emap, keys.index(ref.upper()), f"{names[ref.upper()]} children"
        raise ValueError(f"reference group {reference!r} is not a DfE ethnicity code (detailed level needs one, "
                         "or 'all other children')")
    if level != "major":
        raise ValueError(f"ethnic group level must be 'major' or 'detailed', not {level!r}")
    majors = [m for m in C.MAJOR_GROUPS if m != "Unknown"]
    if is_others(ref) or ref.title() in majors:
        keys = list(majors)
        for c in _KNOWN:
            emap[_ETH_INDEX[c]] = keys.index(major_of[c])
        if is_others(ref):
            return keys, list(keys), emap, None, "all other children"
        return keys, list(keys), emap, keys.index(ref.title()), f"{ref.title()} children"
    code = ref.upper()
    if code not in _KNOWN:
        raise ValueError(f"reference group {reference!r} is not a DfE ethnicity code, an ONS major group or "
                         "'all other children'")
    m = major_of[code]
    rest = "Other White" if m == "White" else f"{m} (other than {names[code]})"
    keys, labels = [], []
    for g in majors:
        if g == m:
            keys += [code, rest]
            labels += [names[code], "Other White backgrounds" if m == "White" else rest]
        else:
            keys.append(g)
            labels.append(g)
    for c in _KNOWN:
        emap[_ETH_INDEX[c]] = keys.index(code) if c == code else keys.index(rest if major_of[c] == m else major_of[c])
    return keys, labels, emap, keys.index(code), f"{names[code]} children"


def _simple(characteristic, title, keys, labels, axis, has_pop, reference="others", in_others=None) -> Grouping:
    ref = [-1] * len(keys)
    ref_label = "all other children"
    if not is_others(reference):
        if reference not in keys:
            raise ValueError(f"reference {reference!r} for {characteristic} is not one of {', '.join(keys)}")
        r = keys.index(reference)
        ref = [r] * len(keys)
        ref_label = f"{labels[r].lower()}"
    in_others = tuple(in_others) if in_others is not None else (True,) * len(keys)
    return Grouping(characteristic, title, tuple(keys), tuple(labels), ("",) * len(keys), tuple(ref), ref_label,
                    None, axis, tuple(has_pop), in_others)


def groupings(reference: str = "WBRI", *, intersections: bool = True,
              references: Mapping[str, str] | None = None) -> list[Grouping]:
    """The characteristics analysed, in reading order.

    * ``ethnicity_major``: ONS major groups (the reference's own major group split into the reference
      and the rest, e.g. White British and Other White), compared with ``reference``;
    * ``ethnicity``: each DfE code (detailed group), compared with ``reference`` (or, when the
      reference is a major group, with all other children);
    * ``sex``: boys compared with girls (``references={"sex": "others"}`` for all other children);
    * ``age_band``, ``disability``: each compared with all other children (``references`` may name a
      group instead, e.g. ``{"age_band": "10 to 15"}``);
    * ``ethnicity_major_x_sex``, ``ethnicity_major_x_age_band``: each major group within each sex or
      age band, compared with the reference group of the same sex or age band.

    Never one combined "BME" group: groups with opposite differences would cancel out.
    """
    references = dict(references or {})
    out: list[Grouping] = []
    keys, labels, emap, r, ref_label = _ethnic_groups("major", reference)
    ref = [-1 if r is None else r] * len(keys)
    out.append(Grouping("ethnicity_major", "Ethnicity (major group)", tuple(keys), tuple(labels), ("",) * len(keys),
                        tuple(ref), ref_label, emap, "ethnicity", (True,) * len(keys), (True,) * len(keys)))
    det_ref = reference if (is_others(reference) or str(reference).strip().upper() in _KNOWN) else "others"
    dkeys, dlabels, dmap, dr, dref_label = _ethnic_groups("detailed", det_ref)
    dref = [-1 if dr is None else dr] * len(dkeys)
    out.append(Grouping("ethnicity", "Ethnicity (detailed group)", tuple(dkeys), tuple(dlabels), ("",) * len(dkeys),
                        tuple(dref), dref_label, dmap, "ethnicity", (True,) * len(dkeys), (True,) * len(dkeys)))
    out.append(_simple("sex", "Sex", list(SEX_CODES), [_SEX_WORD[s] for s in SEX_CODES], "sex", [True, True, False],
                       references.get("sex", "F"), [True, True, False]))
    bands = list(AGE_BAND_LABELS)
    out.append(_simple("age_band", "Age band", bands, bands, "age_band",
                       [b not in ("Unborn", "18 and over") for b in bands], references.get("age_band", "others")))
    out.append(_simple("disability", "Disability", list(DISABILITY_CODES), [_DIS_WORD[s] for s in DISABILITY_CODES],
                       "disability", [False] * 3, references.get("disability", "others"), [True, True, False]))
    if intersections:
        band_labels = [b[0] for b in C.AGE_BANDS]
        for axis, strata, strata_labels in (("sex", ["M", "F"], ["Boys", "Girls"]), ("age_band", band_labels, band_labels)):
            gk, gl, gs, gr = [], [], [], []
            for s, sl in zip(strata, strata_labels, strict=True):
                base = len(gk)
                for k, lab in zip(keys, labels, strict=True):
                    gk.append(f"{k} | {s}")
                    gl.append(f"{lab}, {sl.lower() if axis == 'sex' else 'aged ' + sl}")
                    gs.append(s)
                gr += [(-1 if r is None else base + r)] * len(keys)
            out.append(Grouping(f"ethnicity_major_x_{axis}", f"Ethnicity (major group) by {'sex' if axis == 'sex' else 'age band'}",
                                tuple(gk), tuple(gl), tuple(gs), tuple(gr), ref_label, emap, f"ethnicity_x_{axis}",
                                (True,) * len(gk), (True,) * len(gk)))
    return out


def _child_codes(g: Grouping, ex: Extract, child: np.ndarray, band: np.ndarray) -> np.ndarray:
    """Group position of each child (``-1``: not in any group, e.g. unknown ethnicity)."""
    if g.axis == "ethnicity":
        return g.ethnic_map[ex.ethnicity[child]].astype(np.int32)
    if g.axis == "sex":
        return ex.sex[child].astype(np.int32)
    if g.axis == "disability":
        return ex.disability[child].astype(np.int32)
    if g.axis == "age_band":
        return band.astype(np.int32)
    n_eth = int(g.ethnic_map.max()) + 1
    e = g.ethnic_map[ex.ethnicity[child]].astype(np.int32)
    if g.axis == "ethnicity_x_sex":
        s = ex.sex[child].astype(np.int32)  # 0 M, 1 F, 2 U
        ok = (e >= 0) & (s <= 1)
        return np.where(ok, s * n_eth + e, -1)
    if g.axis == "ethnicity_x_age_band":
        b = band.astype(np.int32) - 1  # 0..4 for the DfE bands; unborn and 18+ fall out
        ok = (e >= 0) & (b >= 0) & (b <= len(C.AGE_BANDS) - 1)
        return np.where(ok, b * n_eth + e, -1)
    raise ValueError(f"unknown grouping axis {g.axis!r}")


# --- population ----------------------------------------------------------------------------------


def population_array(population: pd.DataFrame, year: int) -> np.ndarray:
    """``P[age 0-17, sex (M, F), ETH_CODES position]`` for one mid-year, as float."""
    p = population[population["year"].astype(int) == int(year)]
    out = np.zeros((18, 2, len(ETH_CODES)))
    if len(p) == 0:
        raise ValueError(f"the population table has no rows for {year}")
    age = p["age"].astype(int).to_numpy()
    sex = pd.Categorical(p["sex"].astype(str), categories=["M", "F"]).codes
    eth = pd.Categorical(p["ethnicity"].astype(str), categories=list(ETH_CODES)).codes
    ok = (age >= 0) & (age <= 17) & (sex >= 0) & (eth >= 0)
    np.add.at(out, (age[ok], sex[ok], eth[ok]), p["population"].astype(float).to_numpy()[ok])
    return out


def population_year(population: pd.DataFrame, start: date, end: date) -> int:
    """The mid-year estimate used for a window: the year containing the window's midpoint, or the
    nearest year the population table holds (documented in ``docs/disproportionality.md``)."""
    mid = pd.Timestamp(start) + (pd.Timestamp(end) - pd.Timestamp(start)) / 2
    years = np.sort(population["year"].astype(int).unique())
    if len(years) == 0:
        raise ValueError("the population table is empty")
    return int(years[np.argmin(np.abs(years - mid.year))])


def _group_population(g: Grouping, P: np.ndarray) -> np.ndarray:
    """Population of each group (NaN where the population table cannot give one)."""
    out = np.full(len(g), np.nan)
    if g.axis == "ethnicity":
        tot = P.sum(axis=(0, 1))
        for i in range(len(g)):
            out[i] = tot[g.ethnic_map == i].sum()
    elif g.axis == "sex":
        out[:2] = P.sum(axis=(0, 2))
    elif g.axis == "age_band":
        by_age = P.sum(axis=(1, 2))
        for b in range(1, 6):
            out[b] = by_age[_BAND_OF_AGE == b].sum()
    elif g.axis in ("ethnicity_x_sex", "ethnicity_x_age_band"):
        n_eth = int(g.ethnic_map.max()) + 1
        for e in range(n_eth):
            cols = g.ethnic_map == e
            if g.axis == "ethnicity_x_sex":
                for s in range(2):
                    out[s * n_eth + e] = P[:, s, :][:, cols].sum()
            else:
                for b in range(5):
                    out[b * n_eth + e] = P[_BAND_OF_AGE == b + 1][:, :, cols].sum()
    return out


def _group_population_by_band(g: Grouping, P: np.ndarray) -> np.ndarray:
    """``[group, band 0-4]`` population of each ethnic group in each DfE age band."""
    out = np.zeros((len(g), 5))
    for i in range(len(g)):
        cols = g.ethnic_map == i
        for b in range(5):
            out[i, b] = P[_BAND_OF_AGE == b + 1][:, :, cols].sum()
    return out


# --- windows -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    label: str  # the quarter it ends: 2026-27-Q2
    start: date
    end: date

    @property
    def days(self) -> tuple[int, int]:
        return int(np.datetime64(self.start, "D").astype(np.int64)), int(np.datetime64(self.end, "D").astype(np.int64))


def windows(period, quarters: int = 8, data_start: date | None = None) -> list[Window]:
    """Rolling twelve-month windows ending the period and each of the ``quarters - 1`` before it,
    oldest first; windows that start before ``data_start`` (the extract's first day) are left out."""
    from ..periods import parse_period

    p = parse_period(period)
    out = []
    for q in p.rolling_quarters(quarters):
        s, e = q.rolling_twelve_months()
        if data_start is None or s >= data_start:
            out.append(Window(str(q), s, e))
    return out


# --- counting --------------------------------------------------------------------------------------


def _cohort(ex: Extract, key: str, w: Window) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Children with an event of ``key`` in ``w``: (child positions ascending, age band at first event,
    number of events in the window per child). Cached on the extract: each table asks for it."""
    cache = ex.__dict__.setdefault("_cohorts", {})
    k = (key, w.start, w.end)
    if k in cache:
        return cache[k]
    child, day, band = ex.events[key]
    lo, hi = w.days
    a, b = np.searchsorted(day, lo, "left"), np.searchsorted(day, hi, "right")
    c, bd = child[a:b], band[a:b]
    if len(c) == 0:
        out = (np.zeros(0, np.int32), np.zeros(0, np.int8), np.zeros(0, np.int32))
    else:
        # events are sorted by day, so each child's first event in the window is its lowest position
        first = np.full(ex.n_children, len(c), dtype=np.int64)
        np.minimum.at(first, c, np.arange(len(c)))
        uniq = np.flatnonzero(first < len(c)).astype(np.int32)
        counts = np.bincount(c, minlength=ex.n_children)[uniq].astype(np.int32)
        out = (uniq, bd[first[uniq]], counts)
    cache[k] = out
    return out


def _meta(g: Grouping) -> dict:
    ref = np.asarray(g.reference)
    ref_group = [g.groups[r] if r >= 0 else "" for r in ref]
    ref_label = [_lower_label(g.labels[r]) if r >= 0 else "all other children" for r in ref]
    if g.axis in ("ethnicity", "ethnicity_x_sex", "ethnicity_x_age_band"):
        ref_label = [f"{g.reference_label}" + (f" ({s.lower() if g.axis == 'ethnicity_x_sex' else 'aged ' + s})"
                                               if s else "") for s in _stratum_words(g)]
    return {"characteristic": g.characteristic, "group": list(g.groups), "group_label": list(g.labels),
            "stratum": list(g.strata), "ref_group": ref_group, "reference_label": ref_label,
            "in_others": list(g.in_others)}


def _lower_label(label: str) -> str:
    """'Girls' -> 'girls', 'Disabled' -> 'disabled children', age bands -> 'children aged 10 to 15'."""
    if label in ("Boys", "Girls"):
        return label.lower()
    if label in ("Disabled", "Not disabled"):
        return f"{label.lower()} children"
    if label[0].isdigit() or label.startswith("Under"):
        return f"children aged {label.lower()}"
    return label


def _stratum_words(g: Grouping) -> list[str]:
    if g.axis == "ethnicity_x_sex":
        return [{"M": "boys", "F": "girls"}[s] for s in g.strata]
    return list(g.strata)


def count_stage(ex: Extract, key: str, w: Window, gs: Sequence[Grouping], P: np.ndarray) -> pd.DataFrame:
    """Children (and events) of one stage in one window, by group, with populations and reference counts.

    Columns: ``window, stage, characteristic, group, group_label, stratum, is_reference, children,
    events, population, ref_children, ref_population, unknown_ethnicity`` (children with ethnicity
    not known in the group's stratum, for ethnicity groupings), ``stratum_children`` and
    ``stratum_population`` (children and population of every group with a population in the stratum:
    the totals of "all other children"), ``dr_children`` and ``dr_population`` (every child at the
    stage, or in the stratum for intersections, whatever their ethnicity, and the population they
    come from: the totals of the disproportionality ratio).
    """
    child, band, n_ev = _cohort(ex, key, w)
    cols: dict[str, list] = defaultdict(list)
    for g in gs:
        codes = _child_codes(g, ex, child, band)
        k = len(g)
        ok = codes >= 0
        n = np.bincount(codes[ok], minlength=k).astype(float)
        ev = np.bincount(codes[ok], weights=n_ev[ok], minlength=k)
        pop = _group_population(g, P)
        pop = np.where(np.asarray(g.has_population, bool), pop, np.nan)
        ref_n, ref_pop, unknown, stratum_n, stratum_p = _references(g, n, pop, ex, child, band)
        dr_n, dr_p = _dr_totals(g, ex, child, band, P)
        part = {
            **_meta(g),
            "is_reference": [g.reference[i] == i for i in range(k)],
            "children": n, "events": ev, "population": pop,
            "ref_children": ref_n, "ref_population": ref_pop, "unknown_ethnicity": unknown,
            "stratum_children": stratum_n, "stratum_population": np.where(np.isnan(pop), np.nan, stratum_p),
            "dr_children": dr_n, "dr_population": np.where(np.isnan(pop), np.nan, dr_p),
        }
        for c, v in part.items():
            cols[c].append(np.asarray(v) if not isinstance(v, str) else np.full(k, v, dtype=object))
    out = {c: np.concatenate(v) for c, v in cols.items()}
    n_rows = len(out["children"])
    return pd.DataFrame({"window": np.full(n_rows, w.label, dtype=object), "stage": np.full(n_rows, key, dtype=object),
                         **out})


def _dr_totals(g: Grouping, ex: Extract, child: np.ndarray, band: np.ndarray, P: np.ndarray):
    """Children at the stage (or in each group's stratum, whatever their ethnicity) and their population."""
    k = len(g)
    if g.axis == "ethnicity_x_sex":
        s = ex.sex[child]
        n = np.array([(s == "MF".index(x)).sum() for x in g.strata], float)
        p = np.array([P[:, "MF".index(x), :].sum() for x in g.strata], float)
        return n, p
    if g.axis == "ethnicity_x_age_band":
        labels = [b[0] for b in C.AGE_BANDS]
        n = np.array([(band == labels.index(x) + 1).sum() for x in g.strata], float)
        p = np.array([P[_BAND_OF_AGE == labels.index(x) + 1].sum() for x in g.strata], float)
        return n, p
    return np.full(k, float(len(child))), np.full(k, float(P.sum()))


def _strata_index(g: Grouping) -> np.ndarray:
    _, inv = np.unique(np.asarray(g.strata, dtype=object).astype(str), return_inverse=True)
    return inv


def _references(g: Grouping, n: np.ndarray, pop: np.ndarray, ex: Extract, child: np.ndarray, band: np.ndarray):
    """Reference counts for each group: its named reference group, or all other children (with a known
    value) in the same stratum; plus the children of unknown ethnicity in each group's stratum."""
    k = len(g)
    st = _strata_index(g)
    counted = np.asarray(g.has_population, bool)  # "all other children" = those the population also counts
    n_st = np.bincount(st, weights=np.where(counted, n, 0.0), minlength=st.max() + 1)
    p_st = np.bincount(st, weights=np.where(counted, np.nan_to_num(pop), 0.0), minlength=st.max() + 1)
    ref = np.asarray(g.reference)
    ref_n = np.where(ref >= 0, n[np.maximum(ref, 0)], n_st[st] - np.where(counted, n, 0.0))
    ref_pop = np.where(ref >= 0, pop[np.maximum(ref, 0)], p_st[st] - np.nan_to_num(pop))
    ref_pop = np.where(np.isnan(pop), np.nan, ref_pop)
    unknown = np.full(k, np.nan)
    if g.ethnic_map is not None:
        unk = np.isin(ex.ethnicity[child], _UNKNOWN_IDX)
        if g.axis == "ethnicity":
            unknown[:] = unk.sum()
        elif g.axis == "ethnicity_x_sex":
            s = ex.sex[child]
            for i in range(k):
                unknown[i] = (unk & (s == "MF".index(g.strata[i]))).sum()
        elif g.axis == "ethnicity_x_age_band":
            labels = [b[0] for b in C.AGE_BANDS]
            for i in range(k):
                unknown[i] = (unk & (band == labels.index(g.strata[i]) + 1)).sum()
    return ref_n, ref_pop, unknown, n_st[st], p_st[st]


def count_decision(ex: Extract, key: str, w: Window, gs: Sequence[Grouping]) -> pd.DataFrame:
    """Decision point into stage ``key``: children of the previous stage's cohort in the window, and
    how many of them are also in this stage's cohort, by group (grouped at the previous stage).

    Columns: ``window, stage, previous, characteristic, group, group_label, stratum, is_reference,
    previous_children, children, ref_previous_children, ref_children, unknown_previous,
    unknown_children``.
    """
    prev = stage(key).previous
    if prev is None:
        raise ValueError(f"stage {key!r} has no previous stage")
    pchild, pband, _ = _cohort(ex, prev, w)
    cchild, _, _ = _cohort(ex, key, w)
    in_stage = np.zeros(ex.n_children, dtype=bool)
    in_stage[cchild] = True
    went = in_stage[pchild]
    unk = np.isin(ex.ethnicity[pchild], _UNKNOWN_IDX)
    frames = []
    for g in gs:
        codes = _child_codes(g, ex, pchild, pband)
        k = len(g)
        ok = codes >= 0
        den = np.bincount(codes[ok], minlength=k).astype(float)
        num = np.bincount(codes[ok & went], minlength=k).astype(float)
        st = _strata_index(g)
        ref = np.asarray(g.reference)
        counted = np.asarray(g.in_others, bool)  # "all other children" leaves out not-known categories
        den_st = np.bincount(st, weights=np.where(counted, den, 0.0), minlength=st.max() + 1)
        num_st = np.bincount(st, weights=np.where(counted, num, 0.0), minlength=st.max() + 1)
        ref_den = np.where(ref >= 0, den[np.maximum(ref, 0)], den_st[st] - np.where(counted, den, 0.0))
        ref_num = np.where(ref >= 0, num[np.maximum(ref, 0)], num_st[st] - np.where(counted, num, 0.0))
        u_den = np.full(k, np.nan)
        u_num = np.full(k, np.nan)
        if g.axis == "ethnicity":
            u_den[:], u_num[:] = unk.sum(), (unk & went).sum()
        frames.append(pd.DataFrame({
            "window": w.label, "stage": key, "previous": prev, **_meta(g),
            "is_reference": [g.reference[i] == i for i in range(k)],
            "previous_children": den, "children": num, "ref_previous_children": ref_den, "ref_children": ref_num,
            "unknown_previous": u_den, "unknown_children": u_num,
        }))
    return pd.concat(frames, ignore_index=True)


def count_by_age(ex: Extract, key: str, w: Window, g: Grouping, P: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For age standardisation: ``(children[group, band], population[group, band], standard[band])``
    over the five DfE age bands (children counted unborn are put in *Under 1*; 18 and over left out).
    The standard population is the whole child population of the area in the same year."""
    if g.axis != "ethnicity":
        raise ValueError("age standardisation is done for ethnic groupings only")
    child, band, _ = _cohort(ex, key, w)
    e = g.ethnic_map[ex.ethnicity[child]].astype(np.int64)
    b = np.where(band == 0, 1, band).astype(np.int64) - 1  # unborn -> Under 1
    ok = (e >= 0) & (b >= 0) & (b <= 4)
    counts = np.bincount(e[ok] * 5 + b[ok], minlength=len(g) * 5).reshape(len(g), 5).astype(float)
    popb = _group_population_by_band(g, P)
    by_age = P.sum(axis=(1, 2))
    std = np.array([by_age[_BAND_OF_AGE == i + 1].sum() for i in range(5)])
    return counts, popb, std


def ethnicity_quality(ex: Extract, key: str, w: Window) -> dict:
    """Children in a stage's cohort with ethnicity refused (REFU) or not yet obtained (NOBT)."""
    child, _, _ = _cohort(ex, key, w)
    e = ex.ethnicity[child]
    return {"window": w.label, "stage": key, "children": float(len(child)),
            "refused": float((e == _ETH_INDEX["REFU"]).sum()), "not_obtained": float((e == _ETH_INDEX["NOBT"]).sum())}
