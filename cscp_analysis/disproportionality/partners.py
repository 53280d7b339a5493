"""Partners' aggregate returns broken down by ethnicity and sex: suspensions and exclusions, first-time
entrants to the youth justice system, exploitation, arrests.

Partners send quarterly aggregate figures (``partner_return``: one row per indicator, breakdown and
group). For the rolling twelve months ending the period the four quarterly returns are combined:

* **numerators** are summed over the four quarters. What they count depends on the indicator and is
  stated in the table (``counts``): *events* for suspensions, permanent exclusions and arrests (one
  pupil can be suspended twice), *children* for first-time entrants (a child enters once) and
  *child-quarters* for children flagged at risk of exploitation (a child flagged in two quarters
  counts twice; the return does not say whether it is the same child);
* **denominators**: for indicators whose return carries a denominator (pupils on roll for the
  education rates), the mean of the quarters' denominators (the same pupils are on roll all year);
  otherwise the population table's children aged 10 to 17 in the group (the ages the youth justice
  system and the police indicators cover), for the mid-year containing the window's midpoint.

Groups: boys are compared with girls. Partners return ONS major groups (White, Mixed, Asian, Black, Other), never detailed codes, so
the reference is *White* children when the partnership's reference is White British (the closest
group the returns carry), or all other children when that is the configured reference. DfE codes in
a return are mapped to their major group; anything else (``Unknown``, ``Not known``, ``Refused``...) is
counted as ethnicity not known.

Statistics: rate per 100 (education, as DfE publishes exclusions) or per 10,000 children aged 10-17;
ratio to the reference with its interval and p-value, Katz (``stats.risk_ratio``) for counts of
children and the exact conditional Poisson rate ratio (``stats.rate_ratio``) for counts of events;
Benjamini–Hochberg within each indicator (one question each: "who is arrested?", with the ethnic groups
and boys in one family); for a comparison that is not significant, the smallest ratio these numbers
could have detected (``mdr``, ``statistics.detectable``: children as proportions, events and
child-quarters as Poisson rates); the same labels as the journey tables.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .. import codes
from ..periods import parse_period
from . import _stats as stats
from .cohorts import ETH_CODES, is_others, population_array, population_year
from .statistics import adjust, detectable, label

__all__ = ["partner_breakdowns", "COUNTS", "major_group_of"]

#: What each indicator's numerator counts (``events``, ``children`` or ``child-quarters``).
COUNTS: dict[str, str] = {
    "EDU_SUSPENSIONS": "events",
    "EDU_PERM_EXCL": "events",
    "YJS_FTE": "children",
    "POL_EXPLOITATION": "child-quarters",
    "POL_ARRESTS": "events",
}
_MAJOR = [m for m in codes.MAJOR_GROUPS if m != "Unknown"]
_MAJOR_OF_CODE = {e.code: e.major_group for e in codes.ETHNICITY}
_SEX = {"m": "M", "male": "M", "boys": "M", "f": "F", "female": "F", "girls": "F"}


def major_group_of(groups: pd.Series) -> pd.Series:
    """A partner's ethnicity group label -> ONS major group (``Unknown`` when not one)."""
    t = groups.astype(str).str.strip()
    by_name = t.str.title().where(t.str.title().isin(_MAJOR))
    by_code = t.str.upper().map(_MAJOR_OF_CODE)
    return by_name.fillna(by_code).fillna("Unknown")


def partner_breakdowns(partner: pd.DataFrame, population: pd.DataFrame, period, *,
                       indicators: Mapping[str, Mapping] | None = None, reference: str = "WBRI",
                       min_children: int = 10, confidence: float = 0.95,
                       suppressed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rates and ratios by ethnicity and sex for the partner indicators with breakdowns.

    Returns one row per indicator × breakdown × group: ``indicator, title, counts, breakdown, group,
    quarters, numerator, denominator, denominator_source, rate, rate_lower, rate_upper, per, ratio,
    ratio_lower, ratio_upper, ratio_p, ratio_p_adjusted, family, family_size, mdr, mdr_below, mdr_alpha,
    too_few, label, unknown, unknown_pct, suppressed_by_partner``.

    ``suppressed``: the breakdown rows a partner suppressed itself (``Returns.partner_suppressed``: ``c``,
    ``*``, ``<5`` sent instead of a number). A group suppressed in any of the four quarters has no
    twelve-month count: its ``numerator`` is missing (never zero), it has no rate or ratio, and
    ``suppressed_by_partner`` says so in words. Nothing that needs its count is computed either: the
    ratios of its breakdown when it is the comparison group (or when the comparison is all other
    children), and the share of the indicator's ethnicity breakdown not known.
    """
    per = parse_period(period)
    quarters = [str(q) for q in per.rolling_quarters(4)]
    indicators = dict(indicators or {})

    def window_rows(rows: pd.DataFrame) -> pd.DataFrame:
        rows = rows[rows["period"].astype(str).isin(quarters) & rows["breakdown"].isin(["ethnicity", "sex"])]
        if indicators:
            rows = rows[rows["indicator"].isin([k for k, v in indicators.items() if v.get("breakdowns")])]
        return rows.copy()

    df = window_rows(partner)
    df["numerator"] = pd.to_numeric(df["numerator"], errors="coerce").astype(float)
    df["denominator"] = pd.to_numeric(df["denominator"], errors="coerce").astype(float)
    df["_by_partner"] = False
    if suppressed is not None and len(suppressed):  # kept apart by validation; here as missing counts
        sup = window_rows(suppressed)[["period", "agency", "indicator", "breakdown", "group", "denominator"]]
        sup["numerator"] = np.nan
        sup["denominator"] = pd.to_numeric(sup["denominator"], errors="coerce").astype(float)
        sup["_by_partner"] = True
        df = pd.concat([df, sup], ignore_index=True) if len(df) else sup
    if df.empty:
        return pd.DataFrame()
    eth = df["breakdown"] == "ethnicity"
    df.loc[eth, "group"] = major_group_of(df.loc[eth, "group"])
    sx = df["breakdown"] == "sex"
    df.loc[sx, "group"] = df.loc[sx, "group"].astype(str).str.strip().str.lower().map(_SEX).fillna("Unknown")
    agg = df.groupby(["indicator", "breakdown", "group"], as_index=False).agg(
        numerator=("numerator", "sum"), denominator=("denominator", "mean"), quarters=("period", "nunique"),
        by_partner=("_by_partner", "sum"))
    by_partner = agg.pop("by_partner").to_numpy(int)
    agg.loc[by_partner > 0, "numerator"] = np.nan  # a sum with a suppressed quarter in it is not known
    agg["suppressed_by_partner"] = np.where(
        by_partner > 0, np.char.add(np.char.add("suppressed by the partner in its own return (", by_partner.astype(str)),
                                    f" of the {len(quarters)} quarters)"), "")
    # population aged 10-17 by major group and sex
    s, e = per.rolling_twelve_months()
    year = population_year(population, s, e)
    P = population_array(population, year)[10:18]
    eth_pop = {m: P[:, :, [i for i, c in enumerate(ETH_CODES) if _MAJOR_OF_CODE.get(c) == m]].sum() for m in _MAJOR}
    sex_pop = {"M": P[:, 0, :].sum(), "F": P[:, 1, :].sum()}
    pop = np.where(agg["breakdown"] == "ethnicity", agg["group"].map(eth_pop), agg["group"].map(sex_pop))
    pop = pd.to_numeric(pd.Series(pop), errors="coerce").to_numpy(float)
    has_den = agg["denominator"].notna() & (agg["denominator"] > 0)
    agg["denominator_source"] = np.where(has_den, "the return (mean of the quarters)",
                                         f"population aged 10 to 17, mid-{year}")
    agg["denominator"] = np.where(has_den, agg["denominator"], pop)
    agg.loc[agg["group"] == "Unknown", ["denominator", "denominator_source"]] = [np.nan, ""]
    agg["counts"] = agg["indicator"].map(COUNTS).fillna("events")
    agg["title"] = agg["indicator"].map(lambda k: str(indicators.get(k, {}).get("title", k)))
    agg["per"] = np.where(has_den, 100.0, 10_000.0)
    # unknown ethnicity: share of the indicator's total (not known when a group of it was suppressed)
    eth_rows = agg[agg["breakdown"] == "ethnicity"]
    tot = eth_rows.groupby("indicator")["numerator"].sum(min_count=1)
    tot[eth_rows.groupby("indicator")["numerator"].apply(lambda s: s.isna().any())] = np.nan  # a few indicators
    unk = eth_rows[eth_rows["group"] == "Unknown"].set_index("indicator")["numerator"]
    no_unknown_row = ~agg["indicator"].isin(unk.index)
    agg["unknown"] = np.where(agg["breakdown"] == "ethnicity",
                              np.where(no_unknown_row, 0.0, agg["indicator"].map(unk)), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        agg["unknown_pct"] = agg["unknown"] / agg["indicator"].map(tot) * 100
    known = agg["group"] != "Unknown"
    # reference: White (or the configured major group) for ethnicity; all other children for sex
    ref_group = None if is_others(reference) else (
        _MAJOR_OF_CODE.get(str(reference).upper()) or (str(reference).title() if str(reference).title() in _MAJOR else "White"))
    keys = ["indicator", "breakdown"]
    g_num = agg[known].groupby(keys)["numerator"].transform("sum")
    g_den = agg[known].groupby(keys)["denominator"].transform("sum")
    # all other children: not known when a group of the breakdown was suppressed by the partner
    g_num[agg[known].groupby(keys)["numerator"].transform(lambda s: s.isna().any()).astype(bool)] = np.nan
    agg["ref_numerator"], agg["ref_denominator"] = np.nan, np.nan
    agg.loc[known, "ref_numerator"] = g_num - agg.loc[known, "numerator"]
    agg.loc[known, "ref_denominator"] = g_den - agg.loc[known, "denominator"]
    agg["is_reference"] = False
    # sex: boys compared with girls
    sexm = known & (agg["breakdown"] == "sex")
    girls = agg[sexm & (agg["group"] == "F")].set_index("indicator")
    agg.loc[sexm, "ref_numerator"] = agg.loc[sexm, "indicator"].map(girls["numerator"])
    agg.loc[sexm, "ref_denominator"] = agg.loc[sexm, "indicator"].map(girls["denominator"])
    agg.loc[sexm & (agg["group"] == "F"), "is_reference"] = True
    if ref_group is not None:
        refrows = agg[known & (agg["breakdown"] == "ethnicity") & (agg["group"] == ref_group)].set_index("indicator")
        m = known & (agg["breakdown"] == "ethnicity")
        agg.loc[m, "ref_numerator"] = agg.loc[m, "indicator"].map(refrows["numerator"])
        agg.loc[m, "ref_denominator"] = agg.loc[m, "indicator"].map(refrows["denominator"])
        agg.loc[m & (agg["group"] == ref_group), "is_reference"] = True
    x, n = agg["numerator"].to_numpy(float), agg["denominator"].to_numpy(float)
    x0, n0 = agg["ref_numerator"].to_numpy(float), agg["ref_denominator"].to_numpy(float)
    ok = known.to_numpy() & (n > 0) & (n0 > 0) & ~agg["is_reference"].to_numpy(bool) & np.isfinite(x) & np.isfinite(x0)
    r = stats.rate(pd.DataFrame({"x": np.where(n > 0, x, np.nan), "n": np.where(n > 0, n, np.nan)}), "x", "n",
                   multiplier=1, confidence=confidence)
    mult = agg["per"].to_numpy(float)
    agg["rate"] = r["value"].to_numpy() * mult
    agg["rate_lower"], agg["rate_upper"] = r["lower_ci"].to_numpy() * mult, r["upper_ci"].to_numpy() * mult
    children = (agg["counts"] == "children").to_numpy() & (x <= n) & (x0 <= n0)
    nan = np.nan
    rr_c = stats.risk_ratio(np.where(ok & children, x, nan), np.where(ok & children, n, nan),
                            np.where(ok & children, x0, nan), np.where(ok & children, n0, nan), confidence=confidence)
    rr_e = stats.rate_ratio(np.where(ok & ~children, x, nan), np.where(ok & ~children, n, nan),
                            np.where(ok & ~children, x0, nan), np.where(ok & ~children, n0, nan), confidence=confidence)
    for i, col in enumerate(["ratio", "ratio_lower", "ratio_upper"]):
        agg[col] = np.where(children, np.asarray(rr_c[i]), np.asarray(rr_e[i]))
    agg["ratio_method"] = np.where(ok, np.where(children, rr_c.method, rr_e.method), "")
    agg["ratio_p"] = np.where(children, np.asarray(rr_c.p_value, float), np.asarray(rr_e.p_value, float))
    too_few = (x < min_children) | (x0 < min_children)
    agg["too_few"] = too_few
    agg.loc[too_few, "ratio_p"] = np.nan
    # one question per indicator ("who is suspended?", "who is arrested?"): ethnic groups and boys together
    agg["family"] = agg["indicator"]
    adjust(agg, "ratio_p", "ratio_p_adjusted", family=["family"])
    tested = np.isfinite(agg["ratio_p_adjusted"].to_numpy(float))
    mdr_c = detectable(n, x0, n0, agg["ratio_p_adjusted"], agg["family"], tested & children, kind="proportion")
    mdr_e = detectable(n, x0, n0, agg["ratio_p_adjusted"], agg["family"], tested & ~children, kind="rate")
    for i, col in enumerate(["mdr", "mdr_below", "mdr_alpha"]):
        agg[col] = np.where(children, mdr_c[i], mdr_e[i])
    agg["label"] = label(agg["ratio"], agg["ratio_p_adjusted"], too_few, ok | agg["is_reference"].to_numpy(bool),
                         agg["is_reference"])
    agg.loc[~known, "label"] = "not available"
    agg.loc[agg["suppressed_by_partner"] != "", "label"] = "suppressed by the partner"
    agg["reference"] = np.where(agg["breakdown"] == "ethnicity", f"{ref_group} children" if ref_group else
                                "all other children", "girls")
    order = {g: i for i, g in enumerate(_MAJOR + ["M", "F", "Unknown"])}
    agg["_o"] = agg["group"].map(order)
    agg = agg.sort_values(["indicator", "breakdown", "_o"], kind="mergesort").drop(columns="_o")
    agg.insert(0, "window", str(per))
    return agg.reset_index(drop=True)
