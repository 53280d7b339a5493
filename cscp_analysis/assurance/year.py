"""The quality-assurance registers' year view for the annual book.

The book builds each register's quarterly section at the year's fourth quarter with the year's words
(:class:`~cscp_analysis.periods.PeriodWords`), so their rolling twelve months read as the financial year;
these functions add the tables that only a year has (each audit of the year, each survey of the year and
the year as a whole, the LADO year on year), published through the same disclosure rules, with the
sentences and alt text written from their numbers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import disclosure
from ..periods import FinancialYear, parse_period, parse_year, period_of
from . import audits as audit_register
from . import child_deaths as cdop_register
from . import lado as lado_register
from . import training as training_register
from . import voice as voice_register
from ._common import ROLLING, percent
from .publish import format_only, number, publish
from .voice import AGREE_GOOD, AGREE_POOR

__all__ = ["year_label", "full_years", "audits_held", "audit_grades_by_audit", "audit_four_grades", "training_reach",
           "voice_surveys", "lado_by_year", "cdop_reviews", "held_summary", "audit_alt", "audit_sentences",
           "voice_summary", "voice_year_alt", "voice_survey_alt", "voice_sentences", "lado_years_summary"]


def year_label(year: str | FinancialYear) -> str:
    return f"{parse_year(year).label}, all surveys"


def full_years(config, year: str | FinancialYear) -> list[FinancialYear]:
    """Every complete financial year from the partnership's first period to ``year`` (oldest first)."""
    fy = parse_year(year)
    first = getattr(config, "first_period", None)
    if not first:
        return [FinancialYear(fy.start_year - 1), fy]
    p = parse_period(first)
    start = p.start_year if p.quarter == 1 else p.start_year + 1
    return [FinancialYear(y) for y in range(start, fy.start_year + 1)]


_is_number = disclosure.is_cell_number


def _num(v) -> float:
    return number(v)


def audits_held(audits: pd.DataFrame, year: str | FinancialYear, config=None) -> pd.DataFrame:
    """The audits whose panel met in the year: quarter, date, theme, cases, agencies, lines of enquiry, gradings."""

    fy = parse_year(year)
    meta = audit_register.audits_in_period(audits, fy.quarters()[-1], window=ROLLING)
    meta.insert(1, "quarter", [period_of(d).label for d in pd.to_datetime(meta["audit_date"])])
    return publish(meta, ["cases", "gradings"], config).table


def audit_grades_by_audit(audits: pd.DataFrame, year: str | FinancialYear, config=None) -> pd.DataFrame:
    """Gradings of each of the year's audits, good or better against requires improvement or inadequate, and
    all of the year's audits together; published (secondary suppression along rows and the year's total)."""

    fy = parse_year(year)
    q4 = fy.quarters()[-1]
    meta = audit_register.audits_in_period(audits, q4, window=ROLLING)
    rows = []
    for a in meta.itertuples():
        d = audit_register.grade_distribution(audits, q4, by=None, audit_id=a.audit_id).iloc[0]
        quarter = period_of(pd.Timestamp(a.audit_date)).label
        rows.append({"audit": f"{a.theme} ({quarter})", "audit_id": a.audit_id, "theme": a.theme, "quarter": quarter,
                     "good_or_better": int(d["good_or_better"]), "ri_or_inadequate": int(d["ri_or_inadequate"]),
                     "graded": int(d["graded"])})
    cols = ["audit", "audit_id", "theme", "quarter", "good_or_better", "ri_or_inadequate", "graded"]
    t = pd.DataFrame(rows, columns=cols)
    total = {"audit": "All audits in the year", "audit_id": "", "theme": "", "quarter": fy.label,
             **{c: int(t[c].sum()) for c in cols[4:]}}
    t = pd.concat([t, pd.DataFrame([total])], ignore_index=True)
    t["pct_good_or_better"] = percent(t["good_or_better"], t["graded"])
    return publish(t, ["good_or_better", "ri_or_inadequate", "graded"], config,
                   derived={"pct_good_or_better": ["good_or_better", "ri_or_inadequate"]},
                   total_row=("audit", "All audits in the year"), total_column="graded").table


def audit_four_grades(audits: pd.DataFrame, year: str | FinancialYear, config=None) -> pd.DataFrame:
    """The four grades of each audit of the year, as each quarter's evidence pack publishes them, with the theme."""
    fy = parse_year(year)
    frames = []
    for q in fy.quarters():
        t = audit_register.published_four_grades(audits, q, config)
        if len(t):
            meta = audit_register.audits_in_period(audits, q).set_index("audit_id")["theme"]
            t.insert(1, "theme", t["audit_id"].map(meta))
            t.insert(2, "quarter", q.label)
            frames.append(t)
    cols = ["audit_id", "theme", "quarter", "group", "grade", "gradings", "pct"]
    return pd.concat(frames, ignore_index=True)[cols] if frames else pd.DataFrame(columns=cols)


def training_reach(attendance: pd.DataFrame, year: str | FinancialYear, config=None, by: str = "agency") -> pd.DataFrame:
    """Places booked and attended on multi-agency training in the year by ``by``, with the year's total."""

    fy = parse_year(year)
    t = training_register.reach(attendance, fy.quarters()[-1], by=by, window=ROLLING)
    return publish(t, ["booked", "attended", "did_not_attend"], config,
                   derived={"pct_attended": ["attended", "did_not_attend"]}, total_row=(by, "All"),
                   total_column="booked").table


_VOICE_COUNTS = ["answered", "disagree", "neither", "agree"]


def voice_surveys(responses: pd.DataFrame, year: str | FinancialYear, config=None) -> pd.DataFrame:
    """Each statement of each of the year's surveys and of the year as a whole: answered, disagree / neither /
    agree and their percentages (:func:`assurance.voice.likert_summary` per quarter and over the year).

    One block per statement: its quarters' rows and the year's row (the total of the quarters), published
    together so that no suppressed count can be recovered from the year's total or a row's total.
    """

    fy = parse_year(year)
    label = year_label(fy)
    frames = []
    for q in fy.quarters():
        s = voice_register.likert_summary(responses, q)
        s.insert(0, "survey", q.label)
        frames.append(s)
    y = voice_register.likert_summary(responses, fy.quarters()[-1], window=ROLLING)
    y.insert(0, "survey", label)
    cols = ["item_id", "item", "survey", *_VOICE_COUNTS, "pct_disagree", "pct_neither", "pct_agree"]
    if not len(y):
        return pd.DataFrame(columns=cols)
    t = pd.concat(frames + [y], ignore_index=True)[cols]
    item_order = {k: i for i, k in enumerate(y["item_id"])}
    survey_order = {k: i for i, k in enumerate([q.label for q in fy.quarters()] + [label])}
    t = t.assign(_i=t["item_id"].map(item_order), _s=t["survey"].map(survey_order))
    t = t.sort_values(["_i", "_s"], kind="mergesort").drop(columns=["_i", "_s"]).reset_index(drop=True)
    t["item"] = t["item_id"].map(y.set_index("item_id")["item"])
    return publish(t, _VOICE_COUNTS, config, total_row=("survey", label), total_column="answered", by="item_id",
                   derived={"pct_disagree": ["disagree", "answered"], "pct_neither": ["neither", "answered"],
                            "pct_agree": ["agree", "answered"]}).table


def lado_by_year(lado: pd.DataFrame, years: Sequence[FinancialYear], config=None) -> pd.DataFrame:
    """Allegations received in each financial year and the headline timeliness, each as it stood at that
    year's end (:func:`assurance.lado.timeliness`, published, and :func:`~assurance.lado.timeliness_rates`
    from the published counts only)."""

    rows = []
    for fy in years:
        q4 = fy.quarters()[-1]
        tl = publish(lado_register.timeliness(lado, q4), ["allegations"], config, by="measure",
                     total_row=("band", "All allegations")).table
        rates = lado_register.timeliness_rates(tl).set_index("measure")["pct"]
        rows.append({"financial_year": fy.label, "allegations_received": tl["allegations"].iloc[0],
                     "pct_initial_consideration_within_1_working_day": rates.iloc[0],
                     "pct_concluded_within_1_month": rates.iloc[1], "pct_concluded_within_3_months": rates.iloc[2],
                     "pct_concluded_within_12_months": rates.iloc[3]})
    t = pd.DataFrame(rows)
    if not len(t):
        return t
    pct = [c for c in t.columns if c.startswith("pct_")]
    out = format_only(t, dict.fromkeys(pct, 1))
    for c in pct:
        out[c] = out[c].replace({disclosure.NOT_AVAILABLE: disclosure.SUPPRESSED})
    return out


def cdop_reviews(child_deaths: pd.DataFrame, year: str | FinancialYear, config=None) -> pd.DataFrame:
    """Child death reviews completed in the year by each breakdown, as the CDOP rules publish them
    (:func:`assurance.child_deaths.published_breakdown`, strict threshold and minimum total)."""
    fy = parse_year(year)
    frames = []
    for by, (title, _) in cdop_register.BREAKDOWNS.items():
        t = cdop_register.published_breakdown(child_deaths, fy.quarters()[-1], by, config)
        t.insert(0, "breakdown", title)
        frames.append(t)
    return pd.concat(frames, ignore_index=True)


def held_summary(held: pd.DataFrame, fy) -> str:
    if not len(held):
        return f"No multi-agency audit panel met in {fy}."
    return (f"{len(held)} audits in {fy}, on " + "; ".join(f"{r.theme} ({r.quarter})" for r in held.itertuples())
            + ", with the number of case files and gradings of each.")


def audit_alt(t: pd.DataFrame, fy) -> str:
    body = t[t["audit"] != "All audits in the year"]
    allrow = t[t["audit"] == "All audits in the year"].iloc[0]
    shares = "; ".join(f"{r.audit} {r.pct_good_or_better}{'%' if r.pct_good_or_better not in ('c', 'x') else ''}"
                       for r in body.itertuples())
    return (f"Horizontal stacked bars, one per audit of {fy} and one for all of them, showing the share of gradings "
            f"that were good or outstanding and the share that required improvement or were inadequate. Good or "
            f"outstanding: {shares}; all audits {allrow['pct_good_or_better']}"
            f"{'%' if allrow['pct_good_or_better'] not in ('c', 'x') else ''} of {allrow['graded']} gradings. "
            "Hatched segments are suppressed small counts.")


def audit_sentences(t: pd.DataFrame, fy) -> list[str]:
    body = t[t["audit"] != "All audits in the year"]
    if not len(body):
        return [f"No multi-agency audit panel met in {fy}."]
    allrow = t[t["audit"] == "All audits in the year"].iloc[0]
    out = [f"{len(body)} multi-agency audits were held in {fy}: " + "; ".join(body["audit"]) + "."]
    if _is_number(allrow["pct_good_or_better"]):
        out.append(f"Across the year, {allrow['pct_good_or_better']}% of {allrow['graded']} gradings were good or "
                   "outstanding.")
    shown = body.assign(p=body["pct_good_or_better"].map(_num)).dropna(subset=["p"])
    if len(shown) > 1:
        hi, lo = shown.loc[shown["p"].idxmax()], shown.loc[shown["p"].idxmin()]
        out.append(f"The highest share good or outstanding was in the {hi['audit']} audit ({hi['pct_good_or_better']}%), "
                   f"the lowest in the {lo['audit']} audit ({lo['pct_good_or_better']}%).")
    return out


def voice_summary(t: pd.DataFrame, label: str) -> str:
    surveys = [s for s in dict.fromkeys(t["survey"]) if s != label]
    return (f"{t['item_id'].nunique()} statements in {len(surveys)} surveys ({', '.join(surveys)}) and all surveys "
            "together: children answering, and the number and share who disagreed, neither agreed nor disagreed, or "
            "agreed.")


def voice_year_alt(year_rows: pd.DataFrame, fy) -> str:
    agree = year_rows["pct_agree"].map(_num)
    text = (f"Diverging bar chart, one bar per statement, of how children answered the Your Voice Matters surveys of "
            f"{fy} taken together: the share who disagreed extends left of the centre line, the share who agreed to "
            "the right, and those who neither agreed nor disagreed straddle it")
    if agree.notna().any():
        best, worst = year_rows.loc[agree.idxmax()], year_rows.loc[agree.idxmin()]
        text += (f"; agreement ranged from {worst['pct_agree']}% (\"{worst['item']}\") to {best['pct_agree']}% "
                 f"(\"{best['item']}\")")
    return text + "."


def voice_survey_alt(t: pd.DataFrame, fy) -> str:
    surveys = list(dict.fromkeys(t["survey"]))
    parts = []
    for _, s in t.groupby("item_id", sort=False):
        parts.append(f"\"{s['item'].iloc[0]}\": " + ", ".join(
            f"{v}{'%' if _is_number(v) else ''}" for v in s["pct_agree"]))
    return (f"Dot plot of the share of children agreeing with each statement in each of the {len(surveys)} surveys of "
            f"{fy} ({', '.join(surveys)}), one marker shape per survey, on a scale of 0 to 100%. "
            + "; ".join(parts) + ".")


def voice_sentences(t: pd.DataFrame, label: str) -> list[str]:
    y = t[t["survey"] == label]
    agree = y["pct_agree"].map(_num)
    out = []
    good, poor = y[agree >= AGREE_GOOD], y[agree < AGREE_POOR]
    if len(good):
        out.append("Across the year's surveys, most children agreed that: " + "; ".join(
            f"\"{r.item}\" ({r.pct_agree}% of {r.answered})" for r in good.itertuples()) + ".")
    if len(poor):
        out.append("Across the year's surveys, fewer than half of children agreed that: " + "; ".join(
            f"\"{r.item}\" ({r.pct_agree}% of {r.answered})" for r in poor.itertuples()) + ".")
    body = t[t["survey"] != label]
    for _, s in body.groupby("item_id", sort=False):
        v = s["pct_agree"].map(_num).to_numpy()
        if len(v) >= 2 and np.isfinite(v[0]) and np.isfinite(v[-1]) and abs(v[-1] - v[0]) >= 10:
            out.append(f"Agreement that \"{s['item'].iloc[0]}\" moved from {s['pct_agree'].iloc[0]}% in "
                       f"{s['survey'].iloc[0]} to {s['pct_agree'].iloc[-1]}% in {s['survey'].iloc[-1]}.")
    return out


def lado_years_summary(t: pd.DataFrame) -> str:
    if not len(t):
        return "No complete financial year of LADO allegations."
    return ("Allegations received in each financial year from " + t["financial_year"].iloc[0] + " to "
            + t["financial_year"].iloc[-1] + ", as they stood at each year's end, with the share whose initial "
            "consideration was within one working day and the shares of concluded allegations concluded within one, "
            "three and twelve months (hidden where a count behind the share is).")
