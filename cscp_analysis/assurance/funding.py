"""The partnership's funding: contributions by partner and spend by function, for the annual report.

Working Together to Safeguard Children 2023 asks the safeguarding partners (the local authority, the
integrated care board and the police) to agree the level of funding for the arrangements, "equitable and
proportionate", and to report it. The tables:

* **The year** is the latest financial year whose outturn (what was spent) had been recorded by the period
  end, against the year before.
* **Contributions** by partner in the year and the year before, the change in pounds and percent, and each
  partner's share of the year's total. A contribution unchanged in cash terms is a fall in real terms.
* **Spend** by function: budget, outturn, the variance (outturn − budget, and as a percentage of the
  budget), each function's share of the outturn, and the year before's outturn.
* **The balance**: the year's contributions − its outturn (a negative balance was met from reserves).

Money is about organisations, not people: formatted, not suppressed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..narrative import Finding
from ..periods import FinancialYear, Period, PeriodWords, parse_period, parse_year
from ..sections import Section
from ._common import (
    agency_labels,
    happened,
    missing_part,
    missing_section,
    needs_columns,
    percent,
    register,
    states_set_aside,
    worded,
)

__all__ = ["SAFEGUARDING_PARTNERS", "FUNCTION_WORDS", "latest_year", "contributions", "spend", "section", "findings"]

SOURCE = "the partnership's budget: partners' contributions and the outturn by function"
SAFEGUARDING_PARTNERS = ("CSC", "HEALTH", "POLICE")  # the local authority, the integrated care board, the police
FUNCTION_WORDS = {"business_unit": "Business unit", "independent_scrutiny": "Independent scrutiny",
                  "training": "Multi-agency training", "practice_reviews": "Rapid and practice reviews",
                  "child_death_reviews": "Child death reviews", "voice_and_engagement": "Voice and engagement",
                  "other": "Other"}
TOTAL = "Total"
_LENS, _SRC = "independent", "assurance"


def latest_year(spend_register: pd.DataFrame, period: str | Period) -> FinancialYear | None:
    """The latest financial year whose outturn was recorded by the period end (None: none)."""
    needs_columns(spend_register, ("year", "function", "budget", "spent", "recorded_date"), "funding_spend")
    years = spend_register.loc[happened(spend_register["recorded_date"], period), "year"].astype("string").dropna()
    return parse_year(sorted(years.unique())[-1]) if len(years) else None


def _previous(year: FinancialYear) -> str:
    return FinancialYear(year.start_year - 1).label


def contributions(con: pd.DataFrame, year: FinancialYear, period: str | Period, config=None) -> pd.DataFrame:
    """Each partner's contribution in ``year`` and the year before: ``partner``, ``agency``, ``previous``,
    ``contribution``, ``change``, ``change_pct``, ``share_pct``; "Total" last."""
    needs_columns(con, ("year", "partner", "agency", "contribution", "agreed_date"), "funding_contributions")
    c = con.loc[happened(con["agreed_date"], period)]
    now = c.loc[c["year"].astype("string") == year.label].groupby(["partner", "agency"], sort=True)["contribution"].sum()
    before = c.loc[c["year"].astype("string") == _previous(year)].groupby(["partner", "agency"], sort=True)[
        "contribution"].sum()
    t = pd.concat([before.rename("previous"), now.rename("contribution")], axis=1).reset_index()
    t = t.sort_values(["contribution", "partner"], ascending=[False, True], kind="mergesort", na_position="last")
    total = pd.DataFrame([{"partner": TOTAL, "agency": "", "previous": t["previous"].sum(min_count=1),
                           "contribution": t["contribution"].sum(min_count=1)}])
    t = pd.concat([t, total], ignore_index=True)
    t["change"] = t["contribution"] - t["previous"]
    t["change_pct"] = percent(t["change"], t["previous"])
    t["share_pct"] = percent(t["contribution"], t["contribution"].iloc[-1])
    t["agency"] = agency_labels(t["agency"], config).where(t["partner"] != TOTAL, "")
    return t[["partner", "agency", "previous", "contribution", "change", "change_pct", "share_pct"]]


def spend(sp: pd.DataFrame, year: FinancialYear, period: str | Period) -> pd.DataFrame:
    """Budget and outturn by function in ``year``: ``function``, ``budget``, ``spent``, ``variance``,
    ``variance_pct``, ``share_pct``, ``spent_previous``; "Total" last."""
    s = sp.loc[happened(sp["recorded_date"], period)]
    now = s.loc[s["year"].astype("string") == year.label].groupby("function", sort=False)[["budget", "spent"]].sum()
    before = s.loc[s["year"].astype("string") == _previous(year)].groupby("function")["spent"].sum()
    order = [f for f in FUNCTION_WORDS if f in now.index] + sorted(set(now.index) - set(FUNCTION_WORDS))
    t = now.reindex(order).reset_index()
    t["spent_previous"] = t["function"].map(before)
    t = pd.concat([t, pd.DataFrame([{"function": TOTAL, "budget": t["budget"].sum(), "spent": t["spent"].sum(),
                                     "spent_previous": t["spent_previous"].sum(min_count=1)}])], ignore_index=True)
    t["variance"] = t["spent"] - t["budget"]
    t["variance_pct"] = percent(t["variance"], t["budget"])
    t["share_pct"] = percent(t["spent"], t["spent"].iloc[-1])
    t["function"] = t["function"].map(lambda f: FUNCTION_WORDS.get(f, str(f).replace("_", " ").capitalize()))
    return t[["function", "budget", "spent", "variance", "variance_pct", "share_pct", "spent_previous"]]


# --- the section ------------------------------------------------------------------------------------


def _money(values) -> list[str]:
    v = pd.to_numeric(pd.Series(values), errors="coerce")
    return ["x" if pd.isna(x) else (f"-£{abs(x):,.0f}" if x < 0 else f"£{x:,.0f}") for x in v]


def _money_view(df: pd.DataFrame, money: list[str], words: dict[str, str]) -> pd.DataFrame:
    shown = df.copy()
    for c in money:
        shown[c] = _money(df[c])
    return worded(shown, words)


@states_set_aside("funding_contributions", "funding_spend")
def section(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> Section:
    """The partnership's funding: contributions by partner and spend by function (lens: independent)."""
    from ..charts import registers as charts
    from .publish import format_only

    p = parse_period(period)
    w = words or PeriodWords.quarter(p)
    sec = Section("funding", "The partnership's funding: contributions and spend", _LENS, period=w.label, source=SOURCE,
                  window=f"the latest financial year whose outturn was recorded by {w.end}, and the year before")
    con, sp = register(returns_or_tables, "funding_contributions"), register(returns_or_tables, "funding_spend")
    if con is None and sp is None:
        return missing_section(sec, "funding_contributions", "funding_spend")
    year = latest_year(sp, p) if sp is not None else None
    if year is None and con is not None:
        known = con.loc[happened(con["agreed_date"], p), "year"].astype("string").dropna()
        year = parse_year(sorted(known.unique())[-1]) if len(known) else None
    if year is None:
        sec.findings.append(Finding("needs_to_happen", f"No year's funding had been recorded by {w.end}.", _LENS, _SRC,
                                    "register funding", rule="FUN-01", weight=0.5))
        return sec
    sec.window = f"the financial year {year.label} (the latest with its outturn recorded by {w.end}), and {_previous(year)}"
    found: list[Finding] = []
    c_table = s_table = None
    if con is not None:
        c_table = format_only(contributions(con, year, p, config), {"previous": 0, "contribution": 0, "change": 0,
                                                                      "change_pct": 1, "share_pct": 1})
        tot = c_table.iloc[-1]
        sec.add_table("assurance_funding_contributions", f"Contributions to the partnership's budget by partner, "
                      f"{year.label} and {_previous(year)} (pounds)", c_table,
                      view=_money_view(c_table, ["previous", "contribution", "change"],
                                       {"partner": "Partner", "previous": _previous(year), "contribution": year.label,
                                        "change": "Change", "change_pct": "Change (%)", "share_pct": "Share (%)"}),
                      summary=f"The partners contributed {_money([tot['contribution']])[0]} in {year.label}, against "
                              f"{_money([tot['previous']])[0]} in {_previous(year)}.")
    else:
        missing_part(sec, "funding_contributions")
    if sp is not None:
        s_table = format_only(spend(sp, year, p), {"budget": 0, "spent": 0, "variance": 0, "variance_pct": 1,
                                                   "share_pct": 1, "spent_previous": 0})
        tot = s_table.iloc[-1]
        sec.add_table("assurance_funding_spend", f"The partnership's budget and spend by function, {year.label} "
                      "(pounds)", s_table,
                      view=_money_view(s_table, ["budget", "spent", "variance", "spent_previous"],
                                       {"function": "Function", "budget": "Budget", "spent": "Spent",
                                        "variance": "Over (+) or under (-) budget", "variance_pct": "Variance (%)",
                                        "share_pct": "Share of spend (%)", "spent_previous": f"Spent in {_previous(year)}"}),
                      summary=f"The partnership spent {_money([tot['spent']])[0]} in {year.label} against a budget of "
                              f"{_money([tot['budget']])[0]}.")
        body = s_table.iloc[:-1]
        sec.add_figure(
            "assurance_funding_chart", f"Budget and spend by function, {year.label}",
            f"Paired bar chart, one pair per function of the partnership's budget for {year.label}: the budget (grey) "
            f"and what was spent (blue), in pounds; in all {_money([tot['budget']])[0]} budgeted and "
            f"{_money([tot['spent']])[0]} spent.",
            "assurance_funding_spend",
            lambda: charts.paired_bars(body, "function", "budget", "spent", first_name="Budget", second_name="Spent",
                                       title=f"Budget and spend by function, {year.label}", xlabel="Pounds",
                                       source="partnership budget"))
    else:
        missing_part(sec, "funding_spend")
    found += _findings(c_table, s_table, con, year, p, config)
    sec.findings = found + sec.findings
    return sec


def findings(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> list[Finding]:
    """Findings about the partnership's funding (rules FUN-01 to FUN-03, docs/assurance.md)."""
    return section(returns_or_tables, period, config, words).findings


def _num(v) -> float:
    from .publish import number

    return number(v)


def _findings(c_table, s_table, con, year: FinancialYear, p, config) -> list[Finding]:
    out: list[Finding] = []
    if c_table is not None:
        tot = _num(c_table.iloc[-1]["contribution"])
        c = con.loc[(con["year"].astype("string") == year.label) & happened(con["agreed_date"], p)]
        by = c.groupby(c["agency"].astype("string"))["contribution"].sum()
        shares = "; ".join(f"{agency_labels(pd.Series([a]), config).iloc[0]} {100 * by.get(a, 0) / tot:.1f}%"
                           for a in SAFEGUARDING_PARTNERS) if tot else ""
        three = 100 * sum(by.get(a, 0) for a in SAFEGUARDING_PARTNERS) / tot if tot else np.nan
        out.append(Finding("context", f"In {year.label} the partners contributed {_money([tot])[0]}; the three "
                           f"safeguarding partners gave {three:.1f}% of it ({shares}).", _LENS, _SRC,
                           "table assurance_funding_contributions", rule="FUN-01"))
        body = c_table.iloc[:-1]
        flat = body.loc[body["change"].map(_num) == 0, "partner"].tolist()
        if flat:
            out.append(Finding("context", f"Unchanged in cash terms since {_previous(year)} (a fall in real terms): "
                               + ", ".join(flat) + ".", _LENS, _SRC, "table assurance_funding_contributions",
                               rule="FUN-03", weight=0.3))
    if s_table is not None:
        spent = _num(s_table.iloc[-1]["spent"])
        income = _num(c_table.iloc[-1]["contribution"]) if c_table is not None else np.nan
        body = s_table.iloc[:-1]
        over = body.assign(v=body["variance"].map(_num)).sort_values("v", ascending=False, kind="mergesort").iloc[0]
        if pd.notna(income) and spent > income:
            out.append(Finding("worried", f"The partnership spent {_money([spent - income])[0]} more than its partners "
                               f"contributed in {year.label} ({_money([spent])[0]} against {_money([income])[0]}); the "
                               f"largest overspend was on {over['function'].lower()} ({_money([over['v']])[0]}, "
                               f"{over['variance_pct']}% over its budget). The safeguarding partners should agree how "
                               "it is met and next year's budget.", _LENS, _SRC, "table assurance_funding_spend",
                               rule="FUN-02", weight=0.7))
        elif pd.notna(income):
            out.append(Finding("context", f"The partnership spent {_money([spent])[0]} in {year.label}, within the "
                               f"{_money([income])[0]} its partners contributed.", _LENS, _SRC,
                               "table assurance_funding_spend", rule="FUN-02"))
    return out
