"""What was received for a quarter, from whom, and how far it can be trusted (notebook 01).

Pure functions over a loaded :class:`~cscp_analysis.returns.Returns`: the returns expected and
received with their timeliness and row counts, the validation summary, and the completeness of the
characteristics every disproportionality finding depends on. Findings are generated from these
numbers by the rules written beside each sentence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import disclosure
from .narrative import Finding, findings_table
from .periods import period_range
from .returns.page_notes import set_aside_view
from .returns.quarantine import set_aside_table
from .sections import Section

__all__ = ["received", "rows_by_source", "completeness", "validation_summary", "findings", "received_section",
           "validation_section", "rows_section", "completeness_section", "completeness_declaration", "findings_section"]

COMPLETENESS_MEASURES = {
    "ethnicity_recorded": "Ethnicity recorded",
    "sex_recorded": "Sex recorded",
    "disability_recorded": "Disability recorded",
    "primary_need_recorded": "Primary need recorded",
}


def received(returns) -> pd.DataFrame:
    """One row per return expected for the period: agency, file, due and received dates, status, rows.

    Status: "on time" (received on or before the due date), "N days late", or "not received".
    Rows come from the reconciliation (received = accepted + rejected).
    """
    period = str(returns.period)
    subs = returns.submissions
    subs = subs[subs["period"].astype(str) == period].copy()
    rec = returns.reconciliation
    rec = rec[rec["period"].astype(str) == period]
    names = returns.config.agencies
    expected = {spec.agency: spec.file for spec in returns.config.returns.values()}
    rows = []
    for agency, file in sorted(expected.items()):
        s = subs[(subs["agency"] == agency) & (subs["return_name"] == file)]
        due = s["due_date"].iloc[0] if len(s) else pd.NaT
        got = s["received_date"].iloc[0] if len(s) else pd.NaT
        r = rec[rec["file"] == f"{period}/{file}"]
        present = len(r) > 0
        if pd.isna(got) and not present:
            status = "not received"
        elif pd.isna(got) or pd.isna(due):
            status = "received (no date logged)"
        else:
            late = int((got - due).days)
            status = "on time" if late <= 0 else f"{late} day{'s' if late != 1 else ''} late"
        rows.append({
            "agency": agency,
            "agency_name": names.get(agency, agency),
            "file": file,
            "due_date": due.date().isoformat() if pd.notna(due) else "",
            "received_date": got.date().isoformat() if pd.notna(got) else "",
            "status": status,
            "rows_received": int(r["received"].sum()) if present else 0,
            "rows_accepted": int(r["accepted"].sum()) if present else 0,
            "rows_rejected": int(r["rejected"].sum()) if present else 0,
        })
    return pd.DataFrame(rows)


def rows_by_source(returns) -> pd.DataFrame:
    """Rows received, accepted and rejected per table for the run, summed over files (the reconciliation)."""
    rec = returns.reconciliation
    out = (rec.groupby("table", sort=True)[["received", "accepted", "rejected"]].sum().reset_index())
    out["balances"] = np.where(out["received"] == out["accepted"] + out["rejected"], "yes", "NO")
    return out


def validation_summary(returns) -> pd.DataFrame:
    """Number of problems per rule (rule, severity, sentence, files, problems)."""
    s = returns.report.summary()
    s = s.reset_index(drop=True) if isinstance(s, pd.DataFrame) else pd.DataFrame(s)
    return s.rename(columns={"count": "problems"})


def completeness(returns, quarters: int = 8) -> pd.DataFrame:
    """Share of children referred each quarter with each characteristic recorded (last ``quarters`` quarters).

    Columns: period, measure, label, numerator (children with it recorded), denominator (children
    referred), percent. From :func:`cscp_analysis.returns.data_quality`.
    """
    from .returns import data_quality

    dq = data_quality(returns)
    wanted = [str(p) for p in period_range(returns.period.shift(-(quarters - 1)), returns.period)]
    dq = dq[(dq["agency"] == "CSC") & dq["measure"].isin(COMPLETENESS_MEASURES) & dq["period"].isin(wanted)]
    out = dq[["period", "measure", "numerator", "denominator", "percent"]].copy()
    out["label"] = out["measure"].map(COMPLETENESS_MEASURES)
    out = out.sort_values(["measure", "period"]).reset_index(drop=True)
    return out[["period", "measure", "label", "numerator", "denominator", "percent"]]


def publish_completeness(table: pd.DataFrame, threshold: int) -> disclosure.Published:
    """Completeness for publication: the number *not* recorded is a count of children, so it is suppressed."""
    t = table.copy()
    t["not_recorded"] = t["denominator"].astype(float) - t["numerator"].astype(float)
    t["percent"] = t["percent"].astype(float)
    return disclosure.publish_table(t[["period", "label", "denominator", "not_recorded", "percent"]],
                                    counts=["denominator", "not_recorded"], derived={"percent": "not_recorded"},
                                    threshold=threshold)


def findings(returns) -> list[Finding]:
    """Data findings for the scrutiny summary, each with the rule that produced it.

    DQ-1  every expected return received on time → working well; any not received → worried.
    DQ-2  a return received late → worried (names the agency and the days).
    DQ-3  rows rejected → worried, with the count and the files (what depends on them is not published).
    DQ-4  ethnicity recorded for fewer than 95% of children referred in the quarter → worried
          (below that, an unknown group is large enough to change a disproportionality finding).
    """
    out: list[Finding] = []
    rec = received(returns)
    names = dict(zip(rec["agency"], rec["agency_name"], strict=True))
    missing = rec[rec["status"] == "not received"]
    late = rec[rec["status"].str.endswith("late")]
    if missing.empty and late.empty:
        out.append(Finding("working_well", f"All {len(rec)} partner returns expected for {returns.period} arrived on time.",
                           "data", "data", "returns_received", rule="DQ-1"))
    for _, r in missing.iterrows():
        out.append(Finding("worried", f"{names[r['agency']]} did not send its return ({r['file']}) for "
                           f"{returns.period}; its indicators are shown as not available.", "data", "data",
                           "returns_received", rule="DQ-1", weight=2))
    for _, r in late.iterrows():
        out.append(Finding("worried", f"{names[r['agency']]}'s return for {returns.period} arrived {r['status']}.",
                           "data", "data", "returns_received", rule="DQ-2", weight=1))
    rej = int(returns.reconciliation["rejected"].sum())
    if rej:
        files = returns.reconciliation.loc[returns.reconciliation["rejected"] > 0, "file"].tolist()
        out.append(Finding("worried", f"{rej:,} rows failed validation and were set aside ({', '.join(files[:4])}"
                           f"{'…' if len(files) > 4 else ''}); nothing computed from them is published.",
                           "data", "data", "reconciliation", rule="DQ-3", weight=2))
        out.append(Finding("needs_to_happen", "Partners whose rows were rejected correct and resend them before "
                           "the next quarter's run.", "data", "data", "validation_report", rule="DQ-3"))
    comp = completeness(returns, quarters=1)
    limit = getattr(returns.config, "suppression_threshold", disclosure.DEFAULT_THRESHOLD)
    shown = publish_completeness(comp, limit).table  # never quote a hidden share
    eth = comp.assign(shown=pd.to_numeric(shown["percent"], errors="coerce"))
    eth = eth[eth["measure"] == "ethnicity_recorded"]
    if len(eth) and pd.notna(eth["shown"].iloc[0]):
        pct = float(eth["percent"].iloc[0])
        if pct < 95:
            out.append(Finding("worried", f"Ethnicity was recorded for only {pct:.1f}% of children referred in "
                               f"{returns.period}, enough to change disproportionality findings.", "data", "data",
                               "data_completeness", rule="DQ-4", weight=1.5))
            out.append(Finding("needs_to_happen", "Children's Services improve the recording of ethnicity at "
                               "referral.", "data", "data", "data_completeness", rule="DQ-4"))
        else:
            out.append(Finding("context", f"Ethnicity was recorded for {pct:.1f}% of children referred in "
                               f"{returns.period}.", "data", "data", "data_completeness", rule="DQ-4"))
    return out


# --- sections of the data-returns page ---------------------------------------------------------------

SOURCE = "the partners' returns and the submissions log"


def received_section(returns) -> Section:
    """The returns expected and received for the quarter, with their timeliness and rows."""
    table = received(returns)
    sec = Section("returns_received", f"Partner returns expected and received, {returns.period}", "data", source=SOURCE)
    sec.add_table("returns_received", f"Partner returns expected and received, {returns.period}", table,
                  view=table[["agency_name", "file", "due_date", "received_date", "status", "rows_received",
                              "rows_accepted", "rows_rejected"]])
    return sec


def found_examples(issues: pd.DataFrame, shown: int = 3) -> pd.DataFrame:
    """For each rule, what was found, in the words of the validation report: the value seen with its file,
    the first ``shown`` of them and how many more ('no health.csv in 2024-25-Q3/ (2024-25-Q3/health.csv)')."""
    if issues.empty:
        return pd.DataFrame(columns=["rule_id", "found"])
    rows = []
    for rule_id, g in issues.groupby("rule_id", sort=True):
        seen = [(f"{v} ({f})" if str(v).strip() else str(f)) for v, f in zip(g["value"].fillna(""), g["file"], strict=True)]
        more = len(seen) - shown
        rows.append({"rule_id": rule_id, "found": "; ".join(seen[:shown]) + (f"; and {more} more" if more > 0 else "")})
    return pd.DataFrame(rows)


def validation_section(returns) -> Section:
    """The problems found, by rule (the full list is the pack's validation report): what each rule checks,
    how many problems it found and what they were; the rule's identifier stays in the CSV."""
    sec = Section("validation_summary", "Problems found, by rule", "data", source=SOURCE)
    summary = validation_summary(returns)
    view = summary.merge(found_examples(returns.report.issues), on="rule_id", how="left")
    view = view.rename(columns={"rule": "checked"})[["checked", "severity", "problems", "found"]]
    sec.add_table("validation_summary", "Problems found, by rule", summary, written=False, view=view)
    errors, warnings = returns.report.n_errors, returns.report.n_warnings
    said = (f"{errors} error{'s' if errors != 1 else ''}" if errors else "No errors") + \
        (f" and {warnings} warning{'s' if warnings != 1 else ''}" if warnings else " and no warnings")
    sec.findings = [Finding("context", said + ": each is listed with its file, row and column in the pack's "
                            "validation report.", "data", "data", "validation report")]
    return sec


def rows_section(returns) -> Section:
    """Rows received, accepted and rejected, by table: received always equals accepted plus rejected; and
    the rows set aside (rejected, but few enough that the rest of their table was analysed), with why."""
    sec = Section("rows_by_table", "Rows received, accepted and rejected, by table", "data", source=SOURCE)
    sec.add_table("rows_by_table", "Rows received, accepted and rejected, by table", rows_by_source(returns))
    view = set_aside_view(returns)
    if len(view):
        threshold = getattr(returns.config, "set_aside_threshold_pct", 0)
        sec.intro = (f"Rows that failed validation are rejected. Where a table of the children's social care extract "
                     f"or a register had fewer than {threshold:g}% of its rows rejected, those rows were **set aside**: "
                     "the rest of the table was analysed, and every page computed from it says how many rows it "
                     "leaves out and why. The second table lists them; the rows themselves are in the pack's "
                     "rejected rows, by row number.")
        sec.add_table("set_aside", "Rows set aside, and why", set_aside_table(returns), written=False, view=view)
    return sec


def completeness_section(returns, threshold: int) -> Section:
    """How completely the characteristics of children referred were recorded, quarter by quarter."""
    from .charts import data_quality as charts

    complete = completeness(returns)
    published = publish_completeness(complete, threshold)
    title = "Children referred with each characteristic recorded"
    sec = Section("data_completeness", title, "data", source="the children's social care record-level extract")
    sec.add_table("data_completeness", title, published.table, counts=["denominator", "not_recorded"], shown=False,
                  audit=completeness_declaration(published.table, complete))
    # the alt text quotes only the percentages the table shows (a hidden one would give its count away)
    sec.add_figure("data_completeness", title, charts.completeness_alt(published.table), published.table,
                   lambda: charts.completeness_chart(complete, published.table))
    return sec


def completeness_declaration(table: pd.DataFrame, complete: pd.DataFrame | None = None):
    """How the published completeness table adds up, for the intruder audit (``docs/disclosure.md``): for each
    measure and quarter, the children referred with it recorded plus those without it make the children
    referred, and the percentage is of them recorded. The measures' denominators are not tied to each other
    (each is counted by its own rule). ``complete``: :func:`completeness` (the true counts, same rows)."""
    from .disclosure_audit import Cells, Ratio, SumAcross, declare

    where = "measure={label} | quarter={period}"
    recorded = "children referred with the characteristic recorded | " + where
    truth = None
    if complete is not None:
        num, den = complete["numerator"].astype(float), complete["denominator"].astype(float)
        truth = {"denominator": den.tolist(), "not_recorded": (den - num).tolist()}
    return declare(table, "data_completeness",
                   [Cells("denominator", "children referred | " + where, label="{label}: children referred in {period}"),
                    Cells("not_recorded", "children referred without the characteristic recorded | " + where,
                          label="{label}: not recorded, children referred in {period}")],
                   sums=[SumAcross([recorded, "not_recorded"], "denominator")],
                   ratios=[Ratio("percent", recorded, "denominator", decimals=1)], truth=truth)


def findings_section(returns) -> Section:
    """The findings about the data returns, published for the scrutiny summary."""
    found = findings(returns)
    sec = Section("data_findings", "Findings about the data returns", "data")
    sec.add_table("data_findings", "Findings about the data returns", findings_table(found), shown=False)
    sec.findings = found
    return sec
