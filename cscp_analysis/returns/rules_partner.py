"""Rules of the quarterly files: partner returns, commentary and the submissions log.

Commentary is also checked for the indicator it is about (COM-002) and screened for detail about
individual children (COM-003); the screen itself is ``commentary_scan``.

The partner-return rules read the partnership's return specification (``config/partnership.yaml``,
``returns.agencies``): which indicators each agency sends, of which type (count, percentage or
rate), and with which breakdowns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import codes as C
from ..periods import parse_period
from .commentary_scan import KINDS, known_indicators, scan_table
from .registry import ERROR, WARNING, Finding, Hits, rule
from .table import Context, Table

SEX_GROUPS = tuple(C.SEX)
AGE_BAND_GROUPS = tuple(name for name, _, _ in C.AGE_BANDS)
ETHNICITY_GROUPS = tuple(C.ETHNICITY_CODES) + tuple(C.MAJOR_GROUPS)
BREAKDOWN_GROUPS = {"sex": SEX_GROUPS, "ethnicity": ETHNICITY_GROUPS, "age_band": AGE_BAND_GROUPS,
                    "total": ("all",)}
# what partners write for a number they suppressed themselves: c or [c] (GSS), *, **, <5, < 10, suppressed
PARTNER_SUPPRESSION = r"(?i)(?:\[?c\]?|\*{1,3}|<\s*\d{1,2}|supp(?:ressed)?\.?)"


def suppressed_by_partner(t: Table) -> np.ndarray:
    """Rows of a breakdown (not the total) whose numerator or denominator is a partner's suppression symbol.

    Such a row is not an error: the partner applied its own disclosure control to a small group. It
    is recorded as suppressed by the partner (``Returns.partner_suppressed``) and left out of the
    figures, and the indicator's headline total is published as usual. A symbol on the total row is
    still an error (RET-021): the headline has to be a number.
    """
    if "suppressed_by_partner" not in t.cache:
        if t.name != "partner_return" or not len(t):
            t.cache["suppressed_by_partner"] = np.zeros(len(t), dtype=bool)
        else:
            breakdown = t.text["breakdown"].str.lower()
            part = (breakdown.notna() & (breakdown != "total")).to_numpy(dtype=bool)
            symbol = np.zeros(len(t), dtype=bool)
            for c in ("numerator", "denominator"):
                sym = t.text[c].str.fullmatch(PARTNER_SUPPRESSION).fillna(False).to_numpy(dtype=bool)
                symbol |= sym & t.bad[c]
            t.cache["suppressed_by_partner"] = part & symbol
    return t.cache["suppressed_by_partner"]


def _spec(ctx: Context) -> pd.DataFrame:
    """One row per configured indicator: indicator, agency, type, breakdowns (tuple)."""
    rows = [{"indicator": code, "spec_agency": ind["agency"], "type": ind.get("type", "count"),
             "breakdowns": tuple(ind.get("breakdowns", ()) or ())}
            for code, ind in ctx.config.partner_indicators.items()]
    return pd.DataFrame(rows, columns=["indicator", "spec_agency", "type", "breakdowns"])


def _with_spec(t: Table, ctx: Context) -> pd.DataFrame:
    df = t.data[["indicator", "breakdown", "group", "numerator", "denominator"]].copy()
    df["_pos"] = np.arange(len(df))
    return df.merge(_spec(ctx), on="indicator", how="left", sort=False).sort_values("_pos").reset_index(drop=True)


@rule("PER-001", table=("partner_return", "commentary", "submissions"), field="period", severity=ERROR)
def period_matches_folder(t: Table, ctx: Context):
    """The period on each row is the quarter of the folder the file is in.

    A row for another quarter (often last quarter's file sent again, or a copied row not updated)
    is rejected: the quarter being run must be computed from its own figures only.
    """
    p = t.data["period"]
    bad = (p.notna() & (p.to_numpy(dtype=object) != t.folder)).to_numpy(dtype=bool)
    if not bad.any():
        return None
    vals = [f"{x}; the folder is {f}" for x, f in zip(p[bad].to_numpy(dtype=object), t.folder[bad], strict=False)]
    return Hits(np.flatnonzero(bad), "period", np.array(vals, dtype=object))


@rule("PER-002", table="partner_return", field="agency", severity=ERROR)
def agency_matches_file(t: Table, ctx: Context):
    """The agency on each row is the agency whose return the file is (e.g. POLICE in police.csv)."""
    a = t.text["agency"]
    bad = (a.notna() & (a.to_numpy(dtype=object) != t.owner)).to_numpy(dtype=bool)
    if not bad.any():
        return None
    vals = [f"{x} in the return of {o}" for x, o in zip(a[bad].to_numpy(dtype=object), t.owner[bad], strict=False)]
    return Hits(np.flatnonzero(bad), "agency", np.array(vals, dtype=object))


@rule("PRT-001", table="partner_return", field="indicator", severity=ERROR)
def indicator_of_agency(t: Table, ctx: Context):
    """The indicator is one of those the return specification gives the agency sending the file."""
    df = _with_spec(t, ctx)
    bad = (df["spec_agency"].notna() & (df["spec_agency"].to_numpy(dtype=object) != t.owner)).to_numpy(dtype=bool)
    if not bad.any():
        return None
    vals = [f"{i} belongs to {a}" for i, a in zip(df["indicator"][bad], df["spec_agency"][bad], strict=False)]
    return Hits(np.flatnonzero(bad), "indicator", np.array(vals, dtype=object))


@rule("PRT-002", table="partner_return", field="numerator", severity=ERROR)
def numerator_above_denominator(t: Table, ctx: Context):
    """For a percentage, the numerator is no more than the denominator."""
    df = _with_spec(t, ctx)
    bad = ((df["type"] == "percentage") & (df["numerator"] > df["denominator"])).fillna(False).to_numpy(dtype=bool)
    if not bad.any():
        return None
    vals = [f"{n} > {d}" for n, d in zip(df["numerator"][bad], df["denominator"][bad], strict=False)]
    return Hits(np.flatnonzero(bad), "numerator", np.array(vals, dtype=object))


@rule("PRT-003", table="partner_return", field="denominator", severity=ERROR)
def denominator_needed(t: Table, ctx: Context):
    """A percentage or a rate has a denominator above zero."""
    df = _with_spec(t, ctx)
    ratio = df["type"].isin(["percentage", "rate"]).to_numpy()
    blank = t.text["denominator"].isna().to_numpy()
    zero = (df["denominator"] == 0).fillna(False).to_numpy(dtype=bool)
    bad = ratio & (blank | zero) & ~t.bad["denominator"]
    if not bad.any():
        return None
    vals = np.where(zero[bad], "0", "blank")
    vals = np.array([f"{v}; {i} is a {ty}" for v, i, ty in zip(vals, df["indicator"][bad], df["type"][bad], strict=False)], dtype=object)
    return Hits(np.flatnonzero(bad), "denominator", vals)


@rule("PRT-004", table="partner_return", field="denominator", severity=WARNING)
def count_without_denominator(t: Table, ctx: Context):
    """A count has no denominator (a denominator given for a count is ignored)."""
    df = _with_spec(t, ctx)
    bad = ((df["type"] == "count").to_numpy() & t.text["denominator"].notna().to_numpy())
    return Hits(np.flatnonzero(bad), "denominator") if bad.any() else None


@rule("PRT-005", table="partner_return", field="group", severity=ERROR)
def total_row_group(t: Table, ctx: Context):
    """The headline row has breakdown 'total' and group 'all'; no other breakdown has a group 'all'."""
    b, g = t.text["breakdown"], t.text["group"]
    total = (b.str.lower() == "total").fillna(False).to_numpy(dtype=bool)
    is_all = (g.str.lower() == "all").fillna(False).to_numpy(dtype=bool)
    bad = (total & ~is_all & g.notna().to_numpy()) | (~total & is_all & b.notna().to_numpy())
    if not bad.any():
        return None
    vals = [f"breakdown {x}, group {y}" for x, y in zip(b[bad].to_numpy(dtype=object), g[bad].to_numpy(dtype=object), strict=False)]
    return Hits(np.flatnonzero(bad), "group", np.array(vals, dtype=object))


@rule("PRT-006", table="partner_return", field="numerator", severity=WARNING)
def breakdown_adds_up(t: Table, ctx: Context):
    """The groups of each breakdown add up to the indicator's total (numerators, and denominators where given).

    Reported on the total row of the breakdown's indicator. A breakdown may legitimately fall short
    when some records have no value for it (the partner should then send a group 'Unknown').
    """
    d = t.data
    df = pd.DataFrame({"f": t.file_idx, "indicator": d["indicator"], "breakdown": d["breakdown"].str.lower(),
                       "num": d["numerator"], "den": d["denominator"], "pos": np.arange(len(d))})
    df = df[df["indicator"].notna() & df["breakdown"].notna()]
    # a breakdown with a group the partner suppressed cannot add up: PRT-010 says so instead
    sup = suppressed_by_partner(t)
    if sup.any():
        gone = pd.MultiIndex.from_arrays([t.file_idx[sup], d["indicator"][sup], d["breakdown"][sup].str.lower()])
        df = df[~pd.MultiIndex.from_frame(df[["f", "indicator", "breakdown"]]).isin(gone)]
    tot = df[df["breakdown"] == "total"].drop_duplicates(["f", "indicator"])
    parts = df[df["breakdown"] != "total"]
    if tot.empty or parts.empty:
        return None
    sums = parts.groupby(["f", "indicator", "breakdown"], sort=True).agg(
        num=("num", lambda s: s.sum(min_count=1)), den=("den", lambda s: s.sum(min_count=1))).reset_index()
    m = sums.merge(tot[["f", "indicator", "num", "den", "pos"]], on=["f", "indicator"], suffixes=("", "_total"))
    off_num = (m["num"] != m["num_total"]).fillna(False)
    off_den = (m["den"].notna() & m["den_total"].notna() & (m["den"] != m["den_total"])).fillna(False)
    bad = m[off_num | off_den]
    if bad.empty:
        return None
    vals = [f"{b} groups add up to {n}" + (f"/{dd}" if pd.notna(dd) else "") + f", total {nt}"
            + (f"/{dt}" if pd.notna(dt) else "")
            for b, n, dd, nt, dt in zip(bad["breakdown"], bad["num"], bad["den"], bad["num_total"], bad["den_total"], strict=False)]
    return Hits(bad["pos"].to_numpy(dtype=np.int64), "numerator", np.array(vals, dtype=object))


@rule("PRT-010", table="partner_return", field="numerator", severity=WARNING)
def suppressed_group(t: Table, ctx: Context):
    """A group of a breakdown that the partner suppressed (c, *, <5) is recorded as suppressed by the partner.

    The group is shown as suppressed by the partner and left out of the breakdown's figures; the
    indicator's headline total is still published. Send the total row as a number: a symbol there
    is an error (RET-021).
    """
    sup = suppressed_by_partner(t)
    if not sup.any():
        return None
    num_symbol = t.bad["numerator"][sup]
    col = np.where(num_symbol, "numerator", "denominator")
    out = []
    for c in ("numerator", "denominator"):
        pos = np.flatnonzero(sup)[col == c]
        if len(pos):
            out.append(Hits(pos, c))
    return out


@rule("PRT-007", table="partner_return", field="indicator", severity=WARNING)
def indicator_missing(t: Table, ctx: Context):
    """The return has a total row for every indicator the specification gives the agency.

    An indicator that is not there is shown as not available in the scorecard.
    """
    if not len(t):
        return None
    spec = _spec(ctx)[["indicator", "spec_agency"]]
    owners = pd.DataFrame({"f": t.file_idx, "spec_agency": t.owner}).drop_duplicates("f")
    wanted = owners.merge(spec, on="spec_agency")  # every (file, indicator) the specification asks for
    d = t.data
    total = (d["breakdown"].str.lower() == "total").fillna(False).to_numpy(dtype=bool)
    have = pd.MultiIndex.from_arrays([t.file_idx[total], d["indicator"].to_numpy(dtype=object)[total]])
    missing = wanted[~pd.MultiIndex.from_frame(wanted[["f", "indicator"]]).isin(have)]
    if missing.empty:
        return None
    order = {c: i for i, c in enumerate(spec["indicator"])}
    missing = missing.assign(o=missing["indicator"].map(order)).sort_values(["f", "o"])
    listed = missing.groupby("f", sort=True)["indicator"].agg(", ".join)  # one line per file, not per row
    return [Hits(None, "indicator", text, file=int(k)) for k, text in listed.items()]


@rule("PRT-008", table="partner_return", field="breakdown", severity=WARNING)
def breakdown_expected(t: Table, ctx: Context):
    """A breakdown other than 'total' is one the specification asks of the indicator (others are not used)."""
    df = _with_spec(t, ctx)
    b = df["breakdown"].str.lower()
    known = df["breakdowns"].notna().to_numpy()
    pairs = _spec(ctx).explode("breakdowns").dropna(subset=["breakdowns"])
    listed = pd.MultiIndex.from_arrays([df["indicator"], b]).isin(
        pd.MultiIndex.from_arrays([pairs["indicator"], pairs["breakdowns"].astype(str)]))
    bad = known & b.notna().to_numpy() & (b != "total").fillna(False).to_numpy(dtype=bool) & ~listed
    if not bad.any():
        return None
    vals = [f"{x} for {i}" for x, i in zip(df["breakdown"][bad], df["indicator"][bad], strict=False)]
    return Hits(np.flatnonzero(bad), "breakdown", np.array(vals, dtype=object))


@rule("PRT-009", table="partner_return", field="group", severity=ERROR)
def group_known(t: Table, ctx: Context):
    """A group of a sex, ethnicity or age-band breakdown is a code of the data dictionary.

    Sex: M, F or U; ethnicity: a DfE ethnicity code or an ONS major group (White, Mixed, Asian,
    Black, Other, Unknown); age band: the DfE age bands (Under 1, 1 to 4, 5 to 9, 10 to 15, 16 to 17).
    """
    b = t.text["breakdown"].str.lower()
    g = t.text["group"]
    bad = np.zeros(len(t), dtype=bool)
    for name, allowed in BREAKDOWN_GROUPS.items():
        if name == "total":
            continue
        m = (b == name).fillna(False).to_numpy(dtype=bool) & g.notna().to_numpy()
        bad |= m & ~g.isin(allowed).to_numpy()
    if not bad.any():
        return None
    vals = [f"{y} in a {x} breakdown" for x, y in zip(t.text["breakdown"][bad], g[bad], strict=False)]
    return Hits(np.flatnonzero(bad), "group", np.array(vals, dtype=object))


# --- the submissions log -----------------------------------------------------------------------------


@rule("SUB-003", table="submissions", field="received_date", severity=WARNING)
def submission_late(t: Table, ctx: Context):
    """A return arrives by its due date (a late return is reported in the data-quality indicators)."""
    d = t.data
    late = (d["received_date"] > d["due_date"]).fillna(False).to_numpy(dtype=bool)
    if not late.any():
        return None
    days = (d["received_date"] - d["due_date"]).dt.days[late].to_numpy()
    vals = [f"received {r:%Y-%m-%d}, due {u:%Y-%m-%d}: {int(n)} days late"
            for r, u, n in zip(d["received_date"][late], d["due_date"][late], days, strict=False)]
    return Hits(np.flatnonzero(late), "received_date", np.array(vals, dtype=object))


@rule("SUB-005", table="submissions", severity=ERROR)
def submission_dates_in_range(t: Table, ctx: Context):
    """A return falls due after its quarter ends, and arrives after its quarter starts, both within a year of the quarter's end.

    A date outside that window is a typing mistake (often the wrong year) and would make the
    timeliness of submissions wrong.
    """
    out = []
    d = t.data
    folder = pd.Series(t.folder, dtype=object)
    quarters = {p: parse_period(p) for p in folder.dropna().unique()}  # one per folder, not per row
    starts = pd.to_datetime(folder.map({p: q.start for p, q in quarters.items()})).to_numpy()
    ends = pd.to_datetime(folder.map({p: q.end for p, q in quarters.items()})).to_numpy()
    year = np.timedelta64(366, "D")
    due = d["due_date"].to_numpy()
    rec = d["received_date"].to_numpy()
    with np.errstate(invalid="ignore"):
        bad_due = ~np.isnat(due) & ((due <= ends) | (due > ends + year))
        bad_rec = ~np.isnat(rec) & ((rec < starts) | (rec > ends + year))
    for col, bad, arr in (("due_date", bad_due, due), ("received_date", bad_rec, rec)):
        if bad.any():
            vals = [f"{pd.Timestamp(x):%Y-%m-%d} for {p}" for x, p in zip(arr[bad], t.folder[bad], strict=False)]
            out.append(Hits(np.flatnonzero(bad), col, np.array(vals, dtype=object)))
    return out


# --- a quarter's folder as a whole (kind="period"): ``q`` is a QuarterFolder from validate.py ------------


@rule("SUB-001", table="partner_return", severity=ERROR, kind="period")
def return_missing(q, ctx: Context):
    """Every agency in the return specification has sent its return for the quarter being run.

    The agency's indicators for the quarter are not published (the scorecard shows them as
    missing, not as zero).
    """
    if q.period != ctx.period:
        return []
    return _missing(q, ctx)


@rule("SUB-002", table="partner_return", severity=WARNING, kind="period")
def return_missing_earlier(q, ctx: Context):
    """Every agency in the return specification sent its return for each earlier quarter (a missing one leaves a gap in its trend)."""
    if q.period == ctx.period:
        return []
    return _missing(q, ctx)


def _missing(q, ctx: Context) -> list[Finding]:
    out = []
    for agency, spec in ctx.config.returns.items():
        if agency in q.files:
            continue
        logged = q.log.get(agency)
        note = ""
        if logged is not None and pd.notna(logged):
            note = f"; submissions.csv says it was received {logged:%Y-%m-%d}"
        out.append(Finding(f"{q.period}/{spec.file}", None, "", f"no {spec.file} in {q.period}/{note}",
                           str(q.period), agency))
    return out


@rule("SUB-004", table="submissions", severity=WARNING, kind="period")
def log_matches_files(q, ctx: Context):
    """Each return in the quarter's folder is in submissions.csv with the date it was received."""
    out = []
    for agency, rel in sorted(q.files.items()):
        if agency not in q.log:
            out.append(Finding(q.submissions_rel, None, "agency", f"{rel} is not listed", str(q.period), agency))
        elif pd.isna(q.log[agency]):
            out.append(Finding(q.submissions_rel, q.log_rows.get(agency), "received_date",
                               f"{rel} is in the folder but its received_date is blank", str(q.period), agency))
    return out


@rule("COM-001", table="commentary", severity=WARNING, kind="period")
def commentary_missing(q, ctx: Context):
    """Each agency that sent a return also sent commentary on it for the quarter."""
    return [Finding(q.commentary_rel, None, "agency", f"nothing from {agency}", str(q.period), agency)
            for agency in sorted(q.files) if agency not in q.commented]


@rule("COM-003", table="commentary", field="commentary", severity=WARNING)
def child_level_detail(t: Table, ctx: Context):
    """Commentary gives no detail about individual children (a count of 1 to 5 children, an age with a named place, a name, a date of birth).

    A flagged commentary is withheld from the public evidence pack and shown in the board pack
    only with the flag; rewrite it in terms that cannot point to a child (for example "fewer than
    six" or "a small number"). The value shown is the kind of detail found, never the words.
    """
    f = scan_table(t, ctx)
    if f.empty:
        return None
    first = f.drop_duplicates(["pos", "kind"])
    return Hits(first["pos"].to_numpy(dtype=np.int64), "commentary", first["kind"].map(KINDS).to_numpy(dtype=object))


@rule("COM-002", table="commentary", field="indicator", severity=ERROR)
def commentary_indicator_known(t: Table, ctx: Context):
    """A commentary's indicator is blank (the agency's overall commentary) or one the agency reports.

    The agency's partner-return indicators (``config/partnership.yaml``) and the scorecard indicators
    it owns (``config/indicators.yaml``). Commentary on any other indicator would be shown nowhere,
    so it is rejected and the partner told.
    """
    ind = t.text["indicator"]
    present = ind.notna().to_numpy()
    if not present.any():
        return None
    pairs = known_indicators(ctx)
    agency = t.text["agency"].to_numpy(dtype=object)
    code = ind.to_numpy(dtype=object)
    pos = np.flatnonzero(present)
    bad = pos[[(a, c) not in pairs for a, c in zip(agency[pos], code[pos], strict=True)]]  # tens of rows
    if not len(bad):
        return None
    of_agency: dict[str, dict[str, str]] = {}
    for a, c in pairs:
        of_agency.setdefault(a, {})[c.upper().replace(" ", "")] = c
    vals = []
    for a, c in zip(agency[bad], code[bad], strict=True):
        guess = of_agency.get(a, {}).get(str(c).upper().replace(" ", ""))
        vals.append(f"{c} is not an indicator of {a}" + (f"; did you mean {guess}?" if guess else ""))
    return Hits(bad, "indicator", np.array(vals, dtype=object))
