"""One corruption per rule: break a clean data folder in exactly one place and say the message expected.

Each function takes a data folder (a writable copy: the hand-made one or the demo's), changes one
file, and returns the exact line ``cscp validate`` must print for it. They read the data to choose
their row, so the same corruption works on the hand-made data and on the demo.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cscp_analysis.config import load_partnership
from cscp_analysis.returns.registry import get_rule
from cscp_analysis.returns.validate import latest_period

from .conftest import read, write

CONFIG = load_partnership()


def msg(file: str, row: int | None, column: str, rule_id: str, value: str) -> str:
    sentence = get_rule(rule_id).sentence.rstrip(".")
    where = f"{file}:{row}" if row is not None else file
    col = f" {column}:" if column else ""
    val = f" ({value})" if value else ""
    return f"{where}:{col} {rule_id} {sentence}{val}"


def q(root) -> str:
    return str(latest_period(root))


def q_prev(root) -> str:
    return str(latest_period(root).previous())


def _row(df: pd.DataFrame, mask) -> int:
    """Position (0-based) of the first row where ``mask`` holds."""
    idx = list(df.index[mask])
    assert idx, "no row to corrupt"
    return int(idx[0])


def _set(root, rel, pos, column, value):
    df = read(root, rel)
    old = df.loc[pos, column]
    df.loc[pos, column] = value
    write(root, rel, df)
    return pos + 2, old


def _replace_file(root, rel, data: bytes):
    p = Path(root) / rel
    if p.is_symlink():
        p.unlink()
    p.write_bytes(data)


def _text(root, rel) -> str:
    return (Path(root) / rel).read_text(encoding="utf-8")


def _percentage_codes(agency=None):
    return [c for c, i in CONFIG.partner_indicators.items() if i["type"] == "percentage" and (agency is None or i["agency"] == agency)]


# --- files -------------------------------------------------------------------------------------------


def ret001(root):
    rel = f"{q(root)}/police.csv"
    _replace_file(root, rel, bytes(range(256)) * 4)
    return msg(rel, None, "", "RET-001", "it holds binary data, not text: is it the right file, saved as CSV?")


def ret002(root):
    rel = f"{q(root)}/commentary.csv"
    _replace_file(root, rel, b"")
    return msg(rel, None, "", "RET-002", "the file is empty (0 bytes)")


def ret003(root):
    rel = f"{q(root)}/education.csv"
    header = _text(root, rel).splitlines()[0]
    _replace_file(root, rel, (header + "\n").encode())
    return msg(rel, None, "", "RET-003", "column headings but no rows")


def ret004(root):
    rel = f"{q(root)}/police.csv"
    df = read(root, rel)
    p = Path(root) / rel
    p.unlink()
    df.to_csv(p, index=False, sep=";", lineterminator="\n")
    return msg(rel, None, "", "RET-004", "separated by semicolons, not commas: read anyway")


def ret005(root):
    rel = f"{q(root)}/notes for the analyst.txt"
    (Path(root) / rel).write_text("Health return to follow\n")
    return msg(rel, None, "", "RET-005", "not a return the partnership expects: ignored")


def ret006(root):
    rel = "assurance/child_deaths.csv"
    (Path(root) / rel).unlink()
    return msg(rel, None, "", "RET-006", "no child_deaths.csv in assurance/")


def ret010(root):
    rel = f"{q(root)}/health.csv"
    df = read(root, rel).drop(columns=["numerator"])
    write(root, rel, df)
    return msg(rel, None, "numerator", "RET-010", "headings found: " + ", ".join(df.columns))


def ret011(root):
    rel = "csc/referrals.csv"
    df = read(root, rel)
    df["notes"] = ""
    write(root, rel, df)
    return msg(rel, None, "notes", "RET-011", "notes")


def ret012(root):
    rel = "assurance/audits.csv"
    df = read(root, rel)
    df.insert(len(df.columns), "Grade ", df["grade"])
    write(root, rel, df)
    return msg(rel, None, "grade", "RET-012", "'grade' and 'Grade'")


def ret013(root):
    rel = f"{q(root)}/police.csv"
    lines = _text(root, rel).splitlines()
    lines[2] = lines[2] + ",Checked by AB"
    _replace_file(root, rel, ("\n".join(lines) + "\n").encode())
    return msg(rel, 3, "", "RET-013", "Checked by AB")


# --- values ------------------------------------------------------------------------------------------


def ret020(root):
    row, _ = _set(root, "csc/children.csv", 0, "sex", "")
    return msg("csc/children.csv", row, "sex", "RET-020", "blank")


def ret021(root):
    row, _ = _set(root, "population/population.csv", 0, "population", "about 1500")
    return msg("population/population.csv", row, "population", "RET-021", "about 1500")


def ret022(root):
    row, _ = _set(root, "csc/referrals.csv", 1, "referral_date", "31/02/2026")
    return msg("csc/referrals.csv", row, "referral_date", "RET-022", "31/02/2026")


def ret023(root):
    row, _ = _set(root, f"{q(root)}/commentary.csv", 0, "period", "Q2 2026")
    return msg(f"{q(root)}/commentary.csv", row, "period", "RET-023", "Q2 2026")


def ret024(root):
    row, _ = _set(root, "csc/children.csv", 1, "ethnicity", "wbri")
    return msg("csc/children.csv", row, "ethnicity", "RET-024", "wbri; did you mean WBRI?")


def ret025(root):
    rel = f"{q(root)}/education.csv"
    row, _ = _set(root, rel, 0, "numerator", "-3")
    return msg(rel, row, "numerator", "RET-025", "-3")


def ret026(root):
    row, _ = _set(root, "assurance/training_evaluation.csv", 0, "confidence_after", "11")
    return msg("assurance/training_evaluation.csv", row, "confidence_after", "RET-026", "11; allowed 1 to 10")


def ret030(root):
    rel = "assurance/lado.csv"
    df = read(root, rel)
    df = pd.concat([df, df.iloc[[0]]], ignore_index=True)
    write(root, rel, df)
    return msg(rel, len(df) + 1, "", "RET-030", "repeats row 2")


def ret031(root):
    rel = "csc/children.csv"
    df = read(root, rel)
    first = df.loc[0, "child_id"]
    row, _ = _set(root, rel, 1, "child_id", first)
    return msg(rel, 2, "child_id", "RET-031", f"{first} on 2 rows, first row 2")


def ret040(root):
    row, _ = _set(root, "csc/assessments.csv", 0, "referral_id", "R-NOT-THERE")
    return msg("csc/assessments.csv", row, "referral_id", "RET-040", "R-NOT-THERE not in referrals.csv")


def ret041(root):
    ass = read(root, "csc/assessments.csv")
    ref = read(root, "csc/referrals.csv")
    rid = ass.loc[0, "referral_id"]
    pos = _row(ref, ref["referral_id"] == rid)
    row, _ = _set(root, "csc/referrals.csv", pos, "referral_source", "99")
    return msg("csc/assessments.csv", 2, "referral_id", "RET-041", f"{rid} was rejected: referrals.csv:{row} RET-024")


def ret050(root):
    rel = "csc/referrals.csv"
    df = read(root, rel)
    pos = _row(df, df["cin_closure_date"] != "")
    d = pd.Timestamp(df.loc[pos, "referral_date"])
    before = (d - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    row, _ = _set(root, rel, pos, "cin_closure_date", before)
    return msg(rel, row, "cin_closure_date", "RET-050", f"cin_closure_date {before} is before referral_date {d:%Y-%m-%d}")


def ret060(root):
    rel = "csc/missing_episodes.csv"
    df = read(root, rel)
    pos = _row(df, (df["missing_end"] == "") & (df["rhi_date"] == ""))
    end = pd.Timestamp(latest_period(root).end)
    later = (end + pd.Timedelta(days=5)).strftime("%Y-%m-%d")
    row, _ = _set(root, rel, pos, "missing_start", later)
    return msg(rel, row, "missing_start", "RET-060", f"{later} is after {end:%Y-%m-%d}")


def ret061(root):
    rel = "assurance/audits.csv"
    row, _ = _set(root, rel, 0, "audit_date", "1926-06-10")
    return msg(rel, row, "audit_date", "RET-061", "1926-06-10")


# --- quarterly files ---------------------------------------------------------------------------------


def per001(root):
    rel = f"{q(root)}/commentary.csv"
    row, _ = _set(root, rel, 0, "period", q_prev(root))
    return msg(rel, row, "period", "PER-001", f"{q_prev(root)}; the folder is {q(root)}")


def per002(root):
    rel = f"{q(root)}/police.csv"
    row, _ = _set(root, rel, 0, "agency", "HEALTH")
    return msg(rel, row, "agency", "PER-002", "HEALTH in the return of POLICE")


def prt001(root):
    rel = f"{q(root)}/police.csv"
    row, _ = _set(root, rel, 0, "indicator", "HLT_SELF_HARM")
    return msg(rel, row, "indicator", "PRT-001", "HLT_SELF_HARM belongs to HEALTH")


def _percentage_row(root, rel):
    df = read(root, rel)
    pos = _row(df, df["indicator"].isin(_percentage_codes()) & (df["breakdown"] == "total"))
    return df, pos


def prt002(root):
    rel = f"{q(root)}/health.csv"
    df, pos = _percentage_row(root, rel)
    den = int(df.loc[pos, "denominator"])
    row, _ = _set(root, rel, pos, "numerator", str(den + 1))
    return msg(rel, row, "numerator", "PRT-002", f"{den + 1} > {den}")


def prt003(root):
    rel = f"{q(root)}/health.csv"
    df, pos = _percentage_row(root, rel)
    row, _ = _set(root, rel, pos, "denominator", "")
    return msg(rel, row, "denominator", "PRT-003", f"blank; {df.loc[pos, 'indicator']} is a percentage")


def prt004(root):
    rel = f"{q(root)}/police.csv"
    df = read(root, rel)
    pos = _row(df, (df["indicator"] == "POL_PROTECTION") & (df["breakdown"] == "total"))
    row, _ = _set(root, rel, pos, "denominator", "1000")
    return msg(rel, row, "denominator", "PRT-004", "1000")


def prt005(root):
    rel = f"{q(root)}/police.csv"
    df = read(root, rel)
    pos = _row(df, (df["indicator"] == "POL_PROTECTION") & (df["breakdown"] == "total"))
    row, _ = _set(root, rel, pos, "group", "everyone")
    return msg(rel, row, "group", "PRT-005", "breakdown total, group everyone")


def prt006(root):
    rel = f"{q(root)}/police.csv"
    df = read(root, rel)
    tot = _row(df, (df["indicator"] == "POL_ARRESTS") & (df["breakdown"] == "total"))
    pos = _row(df, (df["indicator"] == "POL_ARRESTS") & (df["breakdown"] == "sex"))
    parts = df[(df["indicator"] == "POL_ARRESTS") & (df["breakdown"] == "sex")]["numerator"].astype(int).sum()
    _set(root, rel, pos, "numerator", str(int(df.loc[pos, "numerator"]) + 1))
    return msg(rel, tot + 2, "numerator", "PRT-006", f"sex groups add up to {parts + 1}, total {df.loc[tot, 'numerator']}")


def prt007(root):
    rel = f"{q(root)}/police.csv"
    df = read(root, rel)
    write(root, rel, df[df["indicator"] != "POL_PROTECTION"])
    return msg(rel, None, "indicator", "PRT-007", "POL_PROTECTION")


def prt008(root):
    rel = f"{q(root)}/police.csv"
    df = read(root, rel)
    tot = df[(df["indicator"] == "POL_PROTECTION") & (df["breakdown"] == "total")].iloc[0]
    extra = [dict(tot, breakdown="age_band", group=g, numerator=n) for g, n in (("10 to 15", "0"), ("16 to 17", tot["numerator"]))]
    df = pd.concat([df, pd.DataFrame(extra)], ignore_index=True)
    write(root, rel, df)
    return msg(rel, len(df), "breakdown", "PRT-008", "age_band for POL_PROTECTION")


def prt009(root):
    rel = f"{q(root)}/police.csv"
    df = read(root, rel)
    pos = _row(df, (df["breakdown"] == "sex") & (df["group"] == "M"))
    row, _ = _set(root, rel, pos, "group", "Male")
    return msg(rel, row, "group", "PRT-009", "Male in a sex breakdown")


def sub001(root):
    rel = f"{q(root)}/lado.csv"
    (Path(root) / rel).unlink()
    subs = read(root, f"{q(root)}/submissions.csv")
    got = subs.loc[subs["agency"] == "LADO", "received_date"]
    note = f"; submissions.csv says it was received {got.iloc[0]}" if len(got) and got.iloc[0] else ""
    return msg(rel, None, "", "SUB-001", f"no lado.csv in {q(root)}/{note}")


def sub002(root):
    rel = f"{q_prev(root)}/lado.csv"
    (Path(root) / rel).unlink()
    subs = read(root, f"{q_prev(root)}/submissions.csv")
    got = subs.loc[subs["agency"] == "LADO", "received_date"]
    note = f"; submissions.csv says it was received {got.iloc[0]}" if len(got) and got.iloc[0] else ""
    return msg(rel, None, "", "SUB-002", f"no lado.csv in {q_prev(root)}/{note}")


def sub003(root):
    rel = f"{q(root)}/submissions.csv"
    df = read(root, rel)
    pos = _row(df, df["agency"] == "POLICE")
    due = pd.Timestamp(df.loc[pos, "due_date"])
    late = (due + pd.Timedelta(days=9)).strftime("%Y-%m-%d")
    row, _ = _set(root, rel, pos, "received_date", late)
    return msg(rel, row, "received_date", "SUB-003", f"received {late}, due {due:%Y-%m-%d}: 9 days late")


def sub004(root):
    rel = f"{q(root)}/submissions.csv"
    df = read(root, rel)
    pos = _row(df, df["agency"] == "POLICE")
    row, _ = _set(root, rel, pos, "received_date", "")
    return msg(rel, row, "received_date", "SUB-004", f"{q(root)}/police.csv is in the folder but its received_date is blank")


def sub005(root):
    rel = f"{q(root)}/submissions.csv"
    df = read(root, rel)
    pos = _row(df, df["agency"] == "POLICE")
    early = pd.Timestamp(latest_period(root).start).strftime("%Y-%m-%d")
    row, _ = _set(root, rel, pos, "due_date", early)
    return msg(rel, row, "due_date", "SUB-005", f"{early} for {q(root)}")


def com001(root):
    rel = f"{q(root)}/commentary.csv"
    df = read(root, rel)
    write(root, rel, df[df["agency"] != "POLICE"])
    return msg(rel, None, "agency", "COM-001", "nothing from POLICE")


# --- the extract ---------------------------------------------------------------------------------------


def _child_row(root, name, parent, key, parent_date, col, label):
    df = read(root, f"csc/{name}.csv")
    par = read(root, f"csc/{parent}.csv").drop_duplicates(key).set_index(key)
    pos = _row(df, df[key].isin(par.index) & (df[key] != ""))
    d = pd.Timestamp(par.loc[df.loc[pos, key], parent_date])
    before = (d - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    row, _ = _set(root, f"csc/{name}.csv", pos, col, before)
    return msg(f"csc/{name}.csv", row, col, label, f"{before} is before the {parent_date} {d:%Y-%m-%d}")


def csc001(root):
    return _child_row(root, "assessments", "referrals", "referral_id", "referral_date", "assessment_start", "CSC-001")


def csc002(root):
    # also moves s47_start? no: strategy discussion before the referral, s47_start unchanged (RET-050 holds)
    return _child_row(root, "section47", "referrals", "referral_id", "referral_date", "strategy_discussion_date", "CSC-002")


def csc003(root):
    return _child_row(root, "icpc", "section47", "s47_id", "s47_start", "icpc_date", "CSC-003")


def csc004(root):
    df = read(root, "csc/cp_plans.csv")
    icpc = read(root, "csc/icpc.csv").set_index("icpc_id")
    pos = _row(df, df["icpc_id"].isin(icpc.index) & (df["plan_end"] == ""))
    d = pd.Timestamp(icpc.loc[df.loc[pos, "icpc_id"], "icpc_date"])
    before = (d - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    row, _ = _set(root, "csc/cp_plans.csv", pos, "plan_start", before)
    return msg("csc/cp_plans.csv", row, "plan_start", "CSC-004", f"{before} is before the icpc_date {d:%Y-%m-%d}")


def csc005(root):
    return _child_row(root, "cla_placements", "cla_periods", "cla_id", "cla_start", "placement_start", "CSC-005")


def csc006(root):
    ass = read(root, "csc/assessments.csv")
    ref = read(root, "csc/referrals.csv").set_index("referral_id")
    rid = ass.loc[0, "referral_id"]
    owner = ref.loc[rid, "child_id"]
    other = ref.loc[ref["child_id"] != owner, "child_id"].iloc[0]
    row, _ = _set(root, "csc/assessments.csv", 0, "child_id", other)
    return msg("csc/assessments.csv", row, "child_id", "CSC-006", f"{other}, but referral_id {rid} is about {owner}")


def csc007(root):
    ref = read(root, "csc/referrals.csv")
    ch = read(root, "csc/children.csv")
    recent = _row(ref, ref["referral_date"] >= "2023-04-01")
    cid, date = ref.loc[recent, "child_id"], pd.Timestamp(ref.loc[recent, "referral_date"])
    pos = _row(ch, ch["child_id"] == cid)
    born = (date - pd.DateOffset(years=19)).strftime("%Y-%m-%d")
    _set(root, "csc/children.csv", pos, "date_of_birth", born)
    return msg("csc/referrals.csv", recent + 2, "referral_date", "CSC-007", f"{date:%Y-%m-%d}: aged 19 (born {born})")


# --- registers and population -------------------------------------------------------------------------


def reg001(root):
    rel = "assurance/lado.csv"
    df = read(root, rel)
    pos = _row(df, df["outcome"] != "ongoing")
    row, _ = _set(root, rel, pos, "date_concluded", "")
    return msg(rel, row, "outcome", "REG-001", f"{df.loc[pos, 'outcome']} with no date_concluded")


def reg002(root):
    rel = "assurance/actions.csv"
    df = read(root, rel)
    pos = _row(df, df["status"] == "complete")
    row, _ = _set(root, rel, pos, "completed_date", "")
    return msg(rel, row, "status", "REG-002", "complete with no completed_date")


def reg003(root):
    rel = "assurance/self_assessments.csv"
    df = read(root, rel)
    pos = _row(df, df["rating"] == "met")
    row, _ = _set(root, rel, pos, "submitted_date", "")
    return msg(rel, row, "rating", "REG-003", "met with no submitted_date")


def reg004(root):
    rel = "assurance/reviews.csv"
    df = read(root, rel)
    pos = _row(df, (df["decision"] == "LCSPR") & (df["lcspr_commissioned_date"] != ""))
    row, _ = _set(root, rel, pos, "decision", "NO_REVIEW")
    return msg(rel, row, "decision", "REG-004", "NO_REVIEW with LCSPR dates")


def pop001(root):
    rel = "population/population.csv"
    df = read(root, rel)
    year = df["year"].iloc[0]
    keep = ~((df["year"] == year) & (df["age"] == "3") & (df["sex"] == "F") & (df["ethnicity"] == "WBRI"))
    write(root, rel, df[keep])
    return msg(rel, None, "", "POP-001", f"1 of the year-age-sex-ethnicity cells of {year} are missing")


def reg005(root):
    rel = "assurance/qa_visits.csv"
    df = read(root, rel)
    pos = _row(df, df["status"] == "held")
    row, _ = _set(root, rel, pos, "visit_date", "")
    df = read(root, rel)
    df.loc[pos, "grade"] = ""  # keep REG-006 quiet: only REG-005 should speak
    write(root, rel, df)
    return msg(rel, row, "status", "REG-005", "held with no visit_date")


def reg006(root):
    rel = "assurance/qa_visits.csv"
    df = read(root, rel)
    pos = _row(df, df["status"] != "held")
    row, _ = _set(root, rel, pos, "grade", "good")
    return msg(rel, row, "grade", "REG-006", f"good for a {df.loc[pos, 'status']} visit")


def reg007(root):
    rel = "assurance/qa_visit_actions.csv"
    df = read(root, rel)
    pos = _row(df, df["status"] == "complete")
    row, _ = _set(root, rel, pos, "completed_date", "")
    return msg(rel, row, "status", "REG-007", "complete with no completed_date")


def reg008(root):
    rel = "assurance/qa_visit_actions.csv"
    df = read(root, rel)
    pos = 0
    other = "POLICE" if df.loc[pos, "agency"] != "POLICE" else "HEALTH"
    row, old = _set(root, rel, pos, "agency", other)
    return msg(rel, row, "agency", "REG-008", f"{other} (the visit was to {old})")


def reg009(root):
    rel = "assurance/stag_issues.csv"
    df = read(root, rel)
    pos = _row(df, df["escalated"] == "Y")
    row, _ = _set(root, rel, pos, "escalated_to", "")
    return msg(rel, row, "escalated_to", "REG-009", "escalated with nowhere named")


def reg010(root):
    rel = "assurance/stag_issues.csv"
    df = read(root, rel)
    pos = _row(df, df["response_date"] != "")
    row, _ = _set(root, rel, pos, "response_date", "")
    return msg(rel, row, "response", "REG-010", "response without a response_date")


def reg011(root):
    rel = "assurance/staff_survey.csv"
    df = read(root, rel)
    same = df.index[(df["item_id"] == df["item_id"].iloc[0]) & (df["survey_date"] == df["survey_date"].iloc[0])]
    pos = int(same[-1])  # the first row keeps the common wording
    common = df.loc[pos, "item"]
    row, _ = _set(root, rel, pos, "item", "A different wording")
    return msg(rel, row, "item", "REG-011", f"A different wording (elsewhere: {common})")


def reg012(root):
    rel = "assurance/training_needs.csv"
    row, _ = _set(root, rel, 0, "round", "2026/27")
    return msg(rel, row, "round", "REG-012", "2026/27")


def reg013(root):
    rel = "assurance/training_needs.csv"
    df = read(root, rel)
    pos = _row(df, df["course"] != "")
    row, _ = _set(root, rel, pos, "course", "A course nobody runs")
    return msg(rel, row, "course", "REG-013", "A course nobody runs")


def reg014(root):
    rel = "assurance/contract_monitoring.csv"
    df = read(root, rel)
    first = df["review_id"].iloc[0]
    row, _ = _set(root, rel, 0, "provider", "Another provider")
    return msg(rel, row, "review_id", "REG-014", f"{first} has more than one date, provider or service type")


def reg015(root):
    rel = "assurance/voice_reach.csv"
    df = read(root, rel)
    pos = _row(df, df["characteristic"] == "ethnicity")
    row, _ = _set(root, rel, pos, "group", "Pakistani")
    return msg(rel, row, "group", "REG-015", "Pakistani (ethnicity)")


def reg016(root):
    rel = "assurance/voice_reach.csv"
    df = read(root, rel)
    pos = _row(df, df["characteristic"] == "sex")
    activity = df.loc[pos, "activity_id"]
    new = int(df.loc[pos, "participants"]) + 1
    row, _ = _set(root, rel, pos, "participants", str(new))
    total = read(root, rel)
    part = total[(total["activity_id"] == activity) & (total["characteristic"] == "sex")]["participants"].astype(int).sum()
    return msg(rel, row, "participants", "REG-016", f"sex adds up to {part}")


def reg017(root):
    rel = "assurance/you_said_we_did.csv"
    df = read(root, rel)
    pos = _row(df, df["response_date"] != "")
    row, _ = _set(root, rel, pos, "we_did", "")
    return msg(rel, row, "we_did", "REG-017", "response_date without we_did")


def reg018(root):
    rel = "assurance/professional_disagreements.csv"
    df = read(root, rel)
    pos = _row(df, df["outcome"] == "resolved")
    row, _ = _set(root, rel, pos, "resolved_date", "")
    return msg(rel, row, "outcome", "REG-018", "resolved with no resolved_date")


def reg019(root):
    rel = "assurance/professional_disagreements.csv"
    df = read(root, rel)
    row, _ = _set(root, rel, 0, "raised_with", df.loc[0, "raised_by"])
    return msg(rel, row, "raised_with", "REG-019", df.loc[0, "raised_by"])


CORRUPTIONS = {
    "RET-001": ret001, "RET-002": ret002, "RET-003": ret003, "RET-004": ret004, "RET-005": ret005,
    "RET-006": ret006, "RET-010": ret010, "RET-011": ret011, "RET-012": ret012, "RET-013": ret013,
    "RET-020": ret020, "RET-021": ret021, "RET-022": ret022, "RET-023": ret023, "RET-024": ret024,
    "RET-025": ret025, "RET-026": ret026, "RET-030": ret030, "RET-031": ret031, "RET-040": ret040,
    "RET-041": ret041, "RET-050": ret050, "RET-060": ret060, "RET-061": ret061,
    "PER-001": per001, "PER-002": per002,
    "PRT-001": prt001, "PRT-002": prt002, "PRT-003": prt003, "PRT-004": prt004, "PRT-005": prt005,
    "PRT-006": prt006, "PRT-007": prt007, "PRT-008": prt008, "PRT-009": prt009,
    "SUB-001": sub001, "SUB-002": sub002, "SUB-003": sub003, "SUB-004": sub004, "SUB-005": sub005,
    "COM-001": com001,
    "CSC-001": csc001, "CSC-002": csc002, "CSC-003": csc003, "CSC-004": csc004, "CSC-005": csc005,
    "CSC-006": csc006, "CSC-007": csc007,
    "REG-001": reg001, "REG-002": reg002, "REG-003": reg003, "REG-004": reg004, "POP-001": pop001,
    "REG-005": reg005, "REG-006": reg006, "REG-007": reg007, "REG-008": reg008, "REG-009": reg009,
    "REG-010": reg010, "REG-011": reg011, "REG-012": reg012, "REG-013": reg013, "REG-014": reg014,
    "REG-015": reg015, "REG-016": reg016, "REG-017": reg017, "REG-018": reg018, "REG-019": reg019,
}


def expected_exit(rule_id: str) -> int:
    return 1 if get_rule(rule_id).severity == "error" else 0
