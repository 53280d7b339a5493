"""Citizen lens: whose voices were heard. The arrangements "seek views from groups within the nine protected
characteristics"; this section shows who took part in the partnership's engagement, by characteristic,
against the city's children, so that gaps in reach are visible.

* **Heard**: participations in engagement activities held in **the twelve months to the period end**, by
  protected characteristic and group (a child taking part twice counts twice: these are participations,
  not children). Shares are of the participations whose group was recorded; the share not recorded is
  given beside them.
* **Against the population**: for age band (5 to 9, 10 to 15, 16 to 17), sex and ethnicity (the ONS major
  groups), the group's share of the city's children aged 5 to 17 in the mid-year population estimate of
  the year the period's financial year starts (the latest one before, if that year is not in the table),
  as DfE uses for rates. The **representation ratio** is the share heard ÷ the population share, with the
  Wilson interval of the share heard divided by the population share and the score test of equal shares
  (``stats.disproportionality_ratio``), p-values adjusted by Benjamini–Hochberg within each characteristic.
  A group is **under-reached** when its ratio's interval lies below 1 and its adjusted p-value is below 0.05.
* Disability, religion and the other characteristics have no population figure in the package's
  reference data: who was heard is shown without a comparison, and the section says so.

Participations by protected characteristic are counts of children: they go through small-number
suppression, and no share or ratio is shown from a hidden count (nor, within a characteristic, any share
when the number not recorded is hidden, since the shares would reveal it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import disclosure
from ..codes import major_group
from ..narrative import Finding
from ..periods import Period, PeriodWords, parse_period
from ..sections import Section
from ._common import ROLLING, in_window, missing_section, needs_columns, register, states_set_aside, worded
from ._compare import ALPHA, p_of, p_text

__all__ = ["COMPARED", "heard", "population_shares", "reach_against_population", "published_reach",
           "audit_declaration", "section", "findings"]

SOURCE = "the partnership's record of who took part in engagement activities; ONS-based mid-year population"
NOT_RECORDED = "Not recorded"
ALL = "All participations"
AGES = (5, 17)
COMPARED = {  # the groups compared with the population, in order
    "age_band": ("5 to 9", "10 to 15", "16 to 17"),
    "sex": ("Male", "Female"),
    "ethnicity": ("White", "Mixed", "Asian", "Black", "Other"),
}
CHARACTERISTIC_WORDS = {"age_band": "Age", "sex": "Sex", "ethnicity": "Ethnicity", "disability": "Disability",
                        "religion": "Religion or belief"}
_AGE_BANDS = ((5, 9, "5 to 9"), (10, 15, "10 to 15"), (16, 17, "16 to 17"))
NOT_RECORDED_WORRY = 10.0  # more participations than this share with the group not recorded is a gap in itself
_LENS, _SRC = "citizen", "assurance"


def heard(reach: pd.DataFrame, period: str | Period, window: str = ROLLING) -> pd.DataFrame:
    """Participations in the window by characteristic and group: ``characteristic``, ``group``, ``participants``.

    Groups in a fixed order (compared groups first, then others alphabetically, then "Not recorded"), and an
    "All participations" row closing each characteristic.
    """
    needs_columns(reach, ("activity_id", "activity_date", "characteristic", "group", "participants"), "voice_reach")
    r = reach.loc[in_window(reach["activity_date"], period, window)]
    g = r.groupby([r["characteristic"].astype("string"), r["group"].astype("string")], sort=True)["participants"].sum()
    rows = []
    for ch in sorted(g.index.get_level_values(0).unique(), key=lambda c: list(CHARACTERISTIC_WORDS).index(c)
                     if c in CHARACTERISTIC_WORDS else 99):
        part = g.loc[ch]
        order = [x for x in COMPARED.get(ch, ()) if x in part.index]
        order += sorted(x for x in part.index if x not in order and x != NOT_RECORDED)
        order += [NOT_RECORDED] if NOT_RECORDED in part.index else []
        rows += [(ch, grp, int(part[grp])) for grp in order]
        rows.append((ch, ALL, int(part.sum())))
    return pd.DataFrame(rows, columns=["characteristic", "group", "participants"])


def population_shares(population: pd.DataFrame, period: str | Period) -> tuple[pd.DataFrame, int | None]:
    """Children aged 5 to 17 by age band, sex and ethnic group: ``characteristic``, ``group``, ``population``,
    ``population_share`` (percent); and the mid-year used (None when the table has none)."""
    needs_columns(population, ("year", "age", "sex", "ethnicity", "population"), "population")
    p = parse_period(period)
    years = sorted(int(y) for y in pd.to_numeric(population["year"], errors="coerce").dropna().unique())
    usable = [y for y in years if y <= p.start_year]
    year = usable[-1] if usable else (years[0] if years else None)
    if year is None:
        return pd.DataFrame(columns=["characteristic", "group", "population", "population_share"]), None
    pop = population.loc[(pd.to_numeric(population["year"]) == year)
                         & pd.to_numeric(population["age"]).between(*AGES)].copy()
    age = pd.to_numeric(pop["age"])
    pop["age_band"] = np.select([age.between(a, b) for a, b, _ in _AGE_BANDS], [n for *_, n in _AGE_BANDS], "")
    pop["sex_word"] = pop["sex"].astype("string").map({"M": "Male", "F": "Female"})
    pop["major"] = major_group(pop["ethnicity"].astype("string"))
    rows = []
    for ch, col in (("age_band", "age_band"), ("sex", "sex_word"), ("ethnicity", "major")):
        s = pop.groupby(pop[col])["population"].sum().reindex(list(COMPARED[ch])).fillna(0)
        rows += [(ch, g, float(v), 100 * float(v) / float(s.sum())) for g, v in s.items()]
    return pd.DataFrame(rows, columns=["characteristic", "group", "population", "population_share"]), year


def reach_against_population(reach: pd.DataFrame, population: pd.DataFrame | None, period: str | Period
                             ) -> tuple[pd.DataFrame, int | None]:
    """:func:`heard` with shares, population shares and representation ratios (see the module docstring).

    Added columns: ``share`` (percent of recorded), ``lower_ci``, ``upper_ci`` (Wilson), ``population_share``,
    ``ratio``, ``ratio_lower``, ``ratio_upper``, ``p_value``, ``p_adjusted``; and ``pct_not_recorded`` on the
    "All participations" row. Returns the table and the population's mid-year.
    """
    from ..stats import bh_adjust, disproportionality_ratio, wilson_interval

    t = heard(reach, period)
    total = t["participants"].where(t["group"] == ALL).groupby(t["characteristic"]).transform("max")
    not_rec = t["participants"].where(t["group"] == NOT_RECORDED).groupby(t["characteristic"]).transform("max").fillna(0)
    recorded = (total - not_rec).astype(float)
    is_group = ~t["group"].isin([ALL, NOT_RECORDED])
    x = t["participants"].astype(float)
    share = np.where(is_group & (recorded > 0), 100 * x / recorded.where(recorded > 0, 1), np.nan)
    lo, hi = np.full(len(t), np.nan), np.full(len(t), np.nan)
    ok = (is_group & (recorded > 0)).to_numpy()
    if ok.any():
        a, b = wilson_interval(x[ok], recorded[ok])
        lo[ok], hi[ok] = 100 * np.asarray(a, float), 100 * np.asarray(b, float)
    t["share"], t["lower_ci"], t["upper_ci"] = share, lo, hi
    pop, year = population_shares(population, period) if population is not None else (pd.DataFrame(
        columns=["characteristic", "group", "population", "population_share"]), None)
    t = t.merge(pop, on=["characteristic", "group"], how="left")
    comp = (t["population"].notna() & (t["population"] > 0) & (recorded.to_numpy() > 0)).to_numpy()
    ratio, rl, ru, pv = (np.full(len(t), np.nan) for _ in range(4))
    if comp.any():
        pop_total = t.groupby("characteristic")["population"].transform("sum").to_numpy()
        res = disproportionality_ratio(x[comp], recorded.to_numpy()[comp], t["population"].to_numpy()[comp],
                                       pop_total[comp])
        ratio[comp], rl[comp], ru[comp] = (np.asarray(v, float) for v in res)
        pv[comp] = np.asarray(res.p_value, float)
    t["ratio"], t["ratio_lower"], t["ratio_upper"], t["p_value"] = ratio, rl, ru, pv
    t["p_adjusted"] = bh_adjust(pv, family=t["characteristic"].to_numpy())
    t["pct_not_recorded"] = np.where(t["group"] == ALL, 100 * not_rec / total.where(total > 0, np.nan), np.nan)
    return t.drop(columns="population"), year


def published_reach(table: pd.DataFrame, config=None) -> pd.DataFrame:
    """Participations as published: counts suppressed within each characteristic (groups add up to all
    participations); every share, interval, ratio and p-value of a hidden count shown as ``c``, and every share
    of a characteristic whose number not recorded is hidden shown as ``c`` too."""
    from .publish import publish

    stats = ["share", "lower_ci", "upper_ci", "ratio", "ratio_lower", "ratio_upper", "pct_not_recorded"]
    out = publish(table[["characteristic", "group", "participants", *stats]], ["participants"], config,
                  derived={c: ["participants"] for c in stats}, by="characteristic", total_row=("group", ALL),
                  decimals={"share": 1, "lower_ci": 1, "upper_ci": 1, "ratio": 2, "ratio_lower": 2, "ratio_upper": 2,
                            "pct_not_recorded": 1}).table
    out["population_share"] = [("x" if pd.isna(v) else f"{v:.1f}") for v in table["population_share"]]
    out["p_adjusted"] = p_text(table["p_adjusted"])
    hidden = out["participants"] == "c"
    out.loc[hidden, "p_adjusted"] = "c"
    nr_hidden = (out["group"] == NOT_RECORDED) & hidden
    blocks = set(out.loc[nr_hidden, "characteristic"])
    in_block = out["characteristic"].isin(blocks) & ~out["group"].isin([ALL, NOT_RECORDED])
    out.loc[in_block, ["share", "lower_ci", "upper_ci", "ratio", "ratio_lower", "ratio_upper", "p_adjusted"]] = "c"
    out.loc[out["group"].isin([ALL, NOT_RECORDED]), ["share", "lower_ci", "upper_ci", "population_share", "ratio",
                                                      "ratio_lower", "ratio_upper", "p_adjusted"]] = "z"
    out.loc[out["group"] != ALL, "pct_not_recorded"] = "z"
    not_compared = ~out["characteristic"].isin(list(COMPARED)) & ~out["group"].isin([ALL, NOT_RECORDED])
    out.loc[not_compared, ["population_share", "ratio", "ratio_lower", "ratio_upper", "p_adjusted"]] = "x"
    # a hidden count hides every figure of its row, whatever else applies (as the count is hidden: [c] or [s]);
    # so does the share not recorded
    for col in [*stats, "p_adjusted"]:
        values = pd.to_numeric(table[col], errors="coerce").to_numpy(float)
        out[col] = np.where(hidden, disclosure.hidden_like(out["participants"], values, out[col]), out[col])
    out.loc[out["characteristic"].isin(blocks) & (out["group"] == ALL), "pct_not_recorded"] = "c"
    out.insert(0, "characteristic_words", out["characteristic"].map(lambda c: CHARACTERISTIC_WORDS.get(c, c)))
    return out


def audit_declaration(table: pd.DataFrame, name: str, period: str | Period, raw: pd.DataFrame | None = None):
    """How the published reach table adds up, for the intruder audit (``docs/disclosure.md``): within each
    characteristic the groups and "Not recorded" add up to all participations (the characteristics' totals
    differ: an activity may record one and not another); each share is of the participations whose group was
    recorded (the groups other than "Not recorded"), and the share not recorded is of all of them. ``raw``:
    :func:`reach_against_population` (the true counts, same rows), for the run's private check."""
    from ..disclosure_audit import Cells, Ratio, SumOver, declare

    window = f"twelve months to {parse_period(period)}"
    key = f"participations | characteristic={{characteristic}} | group={{group}} | window={window}"
    recorded = f"participations with the group recorded | characteristic={{characteristic}} | window={window}"
    groups = sorted(set(table["group"]) - {ALL, NOT_RECORDED})
    return declare(
        table, name, Cells("participants", key, label=f"{{characteristic_words}}: {{group}}, {window}"),
        sums=[SumOver("participants", "group", total=ALL),
              SumOver("participants", "group", total_key=recorded, where={"group": groups})],
        ratios=[Ratio("share", "participants", recorded, decimals=1, where={"group": groups}),
                Ratio("pct_not_recorded", key.replace("{group}", NOT_RECORDED), "participants", decimals=1,
                      where={"group": [ALL]})],
        truth=None if raw is None else {"participants": raw["participants"].astype(float).tolist()})


# --- the section ------------------------------------------------------------------------------------

_WORDS = {"characteristic_words": "Characteristic", "group": "Group", "participants": "Participations",
          "share": "Share of those recorded (%)", "lower_ci": "95% interval from", "upper_ci": "to",
          "population_share": "Share of children aged 5 to 17 (%)", "ratio": "Representation ratio",
          "ratio_lower": "Ratio interval from", "ratio_upper": "to ", "pct_not_recorded": "Not recorded (%)"}


@states_set_aside("voice_reach")
def section(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> Section:
    """Who was heard, by protected characteristic, against the city's children (lens: citizen)."""
    from ..charts import registers as charts

    p = parse_period(period)
    w = words or PeriodWords.quarter(p)
    sec = Section("voice_reach", "Whose voices were heard: reach by protected characteristic", _LENS, period=w.label,
                  source=SOURCE, window=f"engagement activities held in {w.twelve_months}")
    reach = register(returns_or_tables, "voice_reach")
    if reach is None:
        return missing_section(sec, "voice_reach")
    population = register(returns_or_tables, "population")
    raw, year = reach_against_population(reach, population, p)
    published = published_reach(raw, config)
    t = sec.add_table("assurance_voice_reach", f"Participations in engagement by protected characteristic, "
                      f"{w.twelve_months}, against the city's children aged 5 to 17"
                      + (f" (mid-{year} estimate)" if year else ""), published, counts=["participants"],
                      audit=audit_declaration(published, "assurance_voice_reach", p, raw))
    sec.tables[-1].view = worded(t, _WORDS)
    n_act = int(reach.loc[in_window(reach["activity_date"], p, ROLLING), "activity_id"].nunique())
    first_total = t.loc[t["group"] == ALL, "participants"]
    total_text = first_total.iloc[0] if len(first_total) else "0"
    sec.tables[-1].summary = (f"{total_text} participations in {n_act} engagement activities in {w.twelve_months}, by "
                              "protected characteristic; the representation ratio is the share heard over the share "
                              "of the city's children (below 1: heard less than their number would suggest).")
    compared = t.loc[t["characteristic"].isin(list(COMPARED)) & ~t["group"].isin([ALL, NOT_RECORDED])]
    if len(compared):
        chart = compared.assign(label=compared["characteristic_words"] + ": " + compared["group"])
        sec.add_figure(
            "assurance_voice_reach_chart", f"Who was heard against the city's children, {w.twelve_months}",
            f"Dot chart, one row per age band, sex and ethnic group: the share of participations in engagement in "
            f"{w.twelve_months} (with its 95% interval as a line) and, as a diamond, the group's share of the city's "
            "children aged 5 to 17; a dot left of its diamond is a group heard less than its number would suggest.",
            "assurance_voice_reach",
            lambda: charts.shares_with_intervals(chart, "label", "share", "lower_ci", "upper_ci",
                                                 reference="population_share", reference_name="Share of children 5-17",
                                                 value_name="Share of participations",
                                                 title="Who was heard against the city's children",
                                                 xlabel="Share (%)", source="engagement records; mid-year population"))
    sec.findings = _findings(t, n_act, w, population is not None)
    return sec


def findings(returns_or_tables, period: str | Period, config=None, words: PeriodWords | None = None) -> list[Finding]:
    """Findings about reach (rules REA-01 to REA-04, docs/assurance.md)."""
    return section(returns_or_tables, period, config, words).findings


def _num(v) -> float:
    from .publish import number

    return number(v)


def _who(characteristic: str, group: str) -> str:
    return f"Children aged {group}" if characteristic == "age_band" else f"{group} children"


def _findings(t: pd.DataFrame, n_act: int, w: PeriodWords, has_population: bool) -> list[Finding]:
    totals = t.loc[t["group"] == ALL]
    if not len(totals) or _num(totals["participants"].iloc[0]) == 0:
        return [Finding("needs_to_happen", f"No engagement activity was recorded in {w.twelve_months}.", _LENS, _SRC,
                        "table assurance_voice_reach", priority="P4", rule="REA-01", weight=0.6)]
    most = int(totals["participants"].map(_num).max())
    out = [Finding("context", f"{most:,} children and young people's participations were "
                   f"recorded in {n_act} engagement activities in {w.twelve_months}.", _LENS, _SRC,
                   "table assurance_voice_reach", priority="P4", rule="REA-01")]
    body = t.loc[~t["group"].isin([ALL, NOT_RECORDED])]
    under = body.loc[(body["ratio_upper"].map(_num) < 1) & (body["p_adjusted"].map(p_of) < ALPHA)]
    for r in under.itertuples():
        out.append(Finding(
            "worried", f"{_who(r.characteristic, r.group)} were {r.share}% of those heard but "
            f"{r.population_share}% of the city's children aged 5 to 17: heard at {r.ratio} times their share "
            f"(95% interval {r.ratio_lower} to {r.ratio_upper}).", _LENS, _SRC, "table assurance_voice_reach",
            priority="P4", rule="REA-02", weight=min(1.0, 1.2 - _num(r.ratio))))
    if has_population and not len(under) and body["ratio"].map(_num).notna().any():
        out.append(Finding("working_well", "No age band, sex or ethnic group was heard significantly less than its "
                           "share of the city's children.", _LENS, _SRC, "table assurance_voice_reach", priority="P4",
                           rule="REA-02", weight=0.3))
    if not has_population:
        out.append(Finding("context", "The population table was not available, so who was heard cannot be compared "
                           "with the city's children.", _LENS, _SRC, "table assurance_voice_reach", priority="P4",
                           rule="REA-03"))
    others = sorted({r.characteristic_words.lower() for r in body.itertuples() if r.characteristic not in COMPARED})
    if others:
        out.append(Finding("context", f"Who was heard by {' and '.join(others)} is shown without a comparison: the "
                           "city's children by these characteristics are not in the package's reference data.", _LENS,
                           _SRC, "table assurance_voice_reach", priority="P4", rule="REA-03"))
    gaps = totals.loc[totals["pct_not_recorded"].map(_num) > NOT_RECORDED_WORRY]
    if len(gaps):
        out.append(Finding("needs_to_happen", "More than one participation in ten had no record of the child's "
                           + ", ".join(f"{r.characteristic_words.lower()} ({r.pct_not_recorded}%)"
                                       for r in gaps.itertuples())
                           + ": activities should ask, so that reach can be seen.", _LENS, _SRC,
                           "table assurance_voice_reach", priority="P4", rule="REA-04", weight=0.4))
    return out
