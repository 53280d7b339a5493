"""Benchmarks against DfE's own published numbers and against hand arithmetic from the raw counts.

Sources of expected values:
* DfE's published rates and population estimates in ``dfe_cla_rates/cla_number_and_rate_per_10k_children.csv``
  (read here through the reader, never through the code under test);
* DfE's percentages published in the CIN census files, and the counts beside them;
* rates DfE published in its 2024 children-in-need release (``b1``/``c1`` 2013-2024 files, as in
  dfe-analytical-services/CSC_outcomes_and_enablers ``data-raw/b1_children_in_need_2013_to_2024.csv`` at
  commit 6f27b06 and ``data-raw/c1_children_in_need_referrals_and_rereferrals_2013_to_2024.csv`` at ad72d3a),
  written below as literals;
* hand arithmetic from raw counts, shown in the comments (round half up, as DfE).
"""

from __future__ import annotations

import math
import shutil
import statistics

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cscp_analysis import benchmarking as bm
from cscp_analysis import reference as ref

CLA_TYPES = {
    "cla_rate": "Children looked after on 31 March each year",
    "cla_start_rate": "Children starting to be looked after each year",
    "cla_cease_rate": "Children ceasing to be looked after each year",
}


@pytest.fixture(scope="module")
def coventry():
    t = bm.build_benchmark_table("E08000026", 2025)
    return t


def _value(table, measure, year, area_type, col="value"):
    row = table[(table["measure"] == measure) & (table["year"] == year) & (table["area_type"] == area_type)]
    assert len(row) == 1, (measure, year, area_type)
    return row[col].iloc[0]


# --------------------------------------------------------------------------------------------------
# Rounding
# --------------------------------------------------------------------------------------------------


def test_round_half_up_as_dfe_true_round():
    # 446.85 is stored as 446.8499999...; DfE's true_round (sqrt(eps) guard) rounds it up, as on paper.
    assert bm.round_half_up(446.85, 1) == 446.9
    assert bm.round_half_up(24.95, 1) == 25.0
    assert bm.round_half_up(79.5, 0) == 80.0
    assert bm.round_half_up(0.05, 1) == 0.1
    assert bm.round_half_up(2.675, 2) == 2.68
    assert bm.round_half_up(-1.5, 0) == -2.0
    out = bm.round_half_up(np.array([1.25, np.nan, 3.349]), 1)
    assert out[0] == 1.3 and np.isnan(out[1]) and out[2] == 3.3


@settings(max_examples=400, deadline=None)
@given(count=st.integers(0, 1_000_000), pop=st.integers(100, 13_000_000), decimals=st.sampled_from([0, 1]))
def test_round_half_up_of_a_rate_equals_exact_rational_rounding(count, pop, decimals):
    # Exact: floor(count x 10^(4+d) / pop + 1/2) in integers. For populations up to England's (~12.2 million)
    # a rate's distance from a half is 0 or at least 1 / (2 pop) > sqrt(eps), so the guard never misrounds.
    exact = (2 * count * 10 ** (4 + decimals) + pop) // (2 * pop)
    assert round(bm.round_half_up(count / pop * 10_000, decimals) * 10**decimals) == exact


# --------------------------------------------------------------------------------------------------
# Looked-after rates: every rate DfE publishes is reproduced
# --------------------------------------------------------------------------------------------------


def _published_cla(measure):
    cla = ref.read_cla_rates()
    cla = cla[cla["population_type"] == CLA_TYPES[measure]].copy()
    cla["area_code"] = np.where(
        cla["level"] == "la",
        cla["new_la_code"],
        np.where(cla["level"] == "regional", cla["region_code"], "E92000001"),
    )
    cla["pub"], cla["pub_status"] = ref.split_values(cla["rate_per_10000"])
    return cla


@pytest.mark.parametrize("measure", list(CLA_TYPES))
def test_every_published_cla_rate_is_reproduced(measure):
    """For every LA, E12 region and England row and every year 2021-2025 where DfE publishes a rate,
    our rate (count / ONS 0-17 of the previous mid-year x 10,000, half up to whole numbers; area
    numerators from the authorities' exact counts) equals it; where DfE shows a symbol, so do we."""
    pub = _published_cla(measure)
    ours = bm.compute_rates(measure)
    pub = pub[(pub["level"] != "regional") | pub["region_code"].str.startswith("E12")]
    m = pub.merge(ours, on=["year", "area_code"], how="left", validate="one_to_one")
    assert m["status"].notna().all()
    both = m["pub_status"] == "ok"
    assert (
        len(m) == 825 and both.sum() > 800
    )  # 5 years x (153 + 11 former/new authorities + 9 regions + England)
    assert (m.loc[both, "value_num"] == m.loc[both, "pub"]).all(), m.loc[both & (m["value_num"] != m["pub"])]
    assert (m.loc[~both, "status"] == m.loc[~both, "pub_status"]).all()


def test_cla_population_is_the_previous_mid_year_ons_estimate():
    # The CLA file carries the population DfE divided by: it is the ONS 0-17 estimate for mid-(Y-1), every row.
    cla = ref.read_cla_rates()
    pop = ref.read_population()

    def key(d):
        return np.where(
            d["level"] == "la", d["old_la_code"], np.where(d["level"] == "regional", d["region_code"], "E")
        )

    cla = cla.assign(key=key(cla))
    pop = pop.assign(key=key(pop), year=pop["year"] + 1)
    m = cla.merge(
        pop[["year", "key", "population_estimate"]], on=["year", "key"], how="left", suffixes=("", "_ons")
    )
    numeric = m["population_estimate"] != "x"
    assert numeric.sum() == 2505 - 14 * 3 + 0  # 14 authority-years before/after a boundary change show "x"
    assert (m.loc[numeric, "population_estimate"] == m.loc[numeric, "population_estimate_ons"]).all()
    # Same-year estimates would not do: Coventry 2025 uses 83,561 (mid-2024), not mid-2025.
    cov = m[(m["year"] == 2025) & (m["key"] == "331")]
    assert set(cov["population_estimate"]) == {"83561"}


@pytest.mark.parametrize("measure", list(CLA_TYPES))
def test_benchmark_table_cla_rates_equal_dfe_for_every_authority(measure):
    """The boundary-aware series of every current authority (the one the benchmark CSV shows) carries
    DfE's published rate of the authority or predecessor it comes from."""
    eng = bm.all_england()
    la = eng.la[eng.la["measure"] == measure]
    pub = _published_cla(measure)
    pub = pub[pub["level"] == "la"][["year", "old_la_code", "pub", "pub_status"]]
    m = la.merge(pub, left_on=["year", "src_key"], right_on=["year", "old_la_code"], how="left")
    assert m["pub_status"].notna().all()
    ok = m["pub_status"] == "ok"
    assert (m.loc[ok, "value_num"] == m.loc[ok, "pub"]).all()
    assert (m.loc[~ok, "status"] == m.loc[~ok, "pub_status"]).all()
    assert len(m) == 153 * 5


# --------------------------------------------------------------------------------------------------
# Children-in-need rates: the method reproduces the rates DfE published in 2024
# --------------------------------------------------------------------------------------------------


def _population_with_original_mid2023():
    """The ONS series with mid-2023 replaced by the estimates as first published (July 2024), which DfE's
    2024 release divided by (ONS revised mid-2023 in 2025: Coventry 80,494 -> 80,988)."""
    pop = ref.read_population()
    mye = ref.read_mye2023_0_17().set_index("code")["population"]
    y = pop["year"] == 2023
    code = pop["new_la_code"].where(
        pop["level"] == "la", pop["region_code"].where(pop["level"] == "regional", "E92000001")
    )
    orig = code[y].map(mye)
    pop.loc[y, "population_estimate"] = (
        orig.astype("Int64").astype(str).where(orig.notna(), pop.loc[y, "population_estimate"])
    )
    return pop


# DfE 2024 release, year 2024: At31_episodes_rate and Referrals_rate as published.
DFE_2024_CIN_RATE = {
    "E92000001": 332.9, "E12000001": 467.2, "E12000002": 379.5, "E12000003": 340.9, "E12000004": 278.8,
    "E12000005": 351.3, "E12000006": 237.4, "E12000007": 370.2, "E12000008": 316.5, "E12000009": 303.3,
    "E08000026": 446.9, "E06000047": 412.4, "E06000005": 495.3, "E06000001": 728.3, "E06000009": 618.6,
    "E08000001": 259.2, "E06000063": 342.1, "E10000017": 304.2, "E08000012": 533.6, "E06000064": 306.6,
    "E06000061": 273.5, "E06000017": 204.5, "E06000062": 279.9, "E08000025": 318.1, "E08000027": 317.5,
}  # fmt: skip
DFE_2024_REFERRAL_RATE = {
    "E92000001": 518.3, "E12000001": 598.8, "E12000002": 512.4, "E12000003": 539.1, "E12000004": 552.9,
    "E12000005": 484.5, "E12000006": 331.6, "E12000007": 556.4, "E12000008": 609.5, "E12000009": 475.9,
    "E08000026": 559.7, "E06000047": 468.5, "E06000005": 686.7, "E06000001": 1072.6, "E08000001": 512.9,
    "E08000012": 839.0, "E08000025": 622.0, "E06000017": 346.2, "E06000063": 458.7, "E06000064": 355.6,
}  # fmt: skip


@pytest.mark.parametrize(
    ("measure", "published"), [("cin_rate", DFE_2024_CIN_RATE), ("referral_rate", DFE_2024_REFERRAL_RATE)]
)
def test_cin_rates_reproduce_dfe_2024_release(measure, published):
    """Count / ONS 0-17 of the previous mid-year (as then published) x 10,000, half up to 1 dp, with
    regional and England numerators from the authorities' exact counts: every published value is hit,
    including the North East's 467.2, which the rounded regional count 25,010 would miss (467.3)."""
    ours = bm.compute_rates(measure, population=_population_with_original_mid2023())
    ours = ours[ours["year"] == 2024].set_index("area_code")["value_num"]
    got = {code: ours[code] for code in published}
    assert got == published


def test_revised_population_explains_the_difference_from_2024_publication():
    # With ONS's revised mid-2023 (80,988) Coventry's 2024 rate is 3,597 / 80,988 x 10,000 = 444.14 -> 444.1;
    # DfE published 446.9 in 2024 with the original 80,494 (3,597 / 80,494 x 10,000 = 446.87). Our series uses
    # the revised population throughout, as DfE's 2025 looked-after file does.
    t = bm.build_benchmark_table("Coventry", 2024)
    assert _value(t, "cin_rate", 2024, "la") == "444.1"


# --------------------------------------------------------------------------------------------------
# Self-consistency of the percentages and caseloads DfE publishes
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("measure", ["rereferral_pct", "cpp_subsequent_pct", "cpp_2yrs_pct", "sw_caseload",
                                     "sw_turnover_pct", "sw_agency_pct", "sw_vacancy_pct"])  # fmt: skip
def test_published_percentages_recompute_from_their_counts(measure):
    """At authority level, numerator / denominator x multiplier, half up to 1 dp, equals DfE's published
    value for every row with numeric counts. Workforce FTEs are published to 1 dp, so workforce values
    are only required to agree within what that rounding allows."""
    m = bm.MEASURES[measure]
    table = ref.read_workforce() if m.table == "workforce" else ref.read_cin_table(m.table)
    table = table[table["level"] == "la"]
    num, ns = ref.split_values(table[m.numerator])
    den = sum(ref.split_values(table[c])[0] for c in m.denominator)
    pub, ps = ref.split_values(table[m.value_column])
    ok = (ns == "ok") & (ps == "ok") & (den > 0)
    assert ok.sum() > 1000
    exact = np.floor(num[ok] / den[ok] * m.multiplier * 10 + 0.5 + 1e-9) / 10
    if m.table == "workforce":
        # each FTE is within 0.05 of its published value
        k = len(m.denominator)
        lo = num[ok] - 0.05 if m.numerator.endswith("fte") else num[ok]
        hi = num[ok] + 0.05 if m.numerator.endswith("fte") else num[ok]
        bound_hi = hi / (den[ok] - 0.05 * k) * m.multiplier
        bound_lo = lo / (den[ok] + 0.05 * k) * m.multiplier
        assert ((pub[ok] >= bound_lo - 0.05 - 1e-9) & (pub[ok] <= bound_hi + 0.05 + 1e-9)).all()
    else:
        assert (exact == pub[ok]).all()


# --------------------------------------------------------------------------------------------------
# Coventry 2025: the acceptance figures
# --------------------------------------------------------------------------------------------------

# Coventry (331, E08000026), year ending 31 March 2025; ONS mid-2024 0-17 population 83,561.
COVENTRY_2025 = {
    "cin_rate": "400.9",  # b1 At31_episodes 3,350 / 83,561 x 10,000 = 400.905
    "referral_rate": "566.7",  # c1 referral_count 4,735 / 83,561 x 10,000 = 566.652
    "rereferral_pct": "18.5",  # c1 rereferral_count 878 / 4,735 = 18.543% (published 18.5)
    "s47_rate": "311.4",  # c4 Section47 2,602 / 83,561 x 10,000 = 311.389
    "icpc_rate": "62.1",  # c4 ICPC 519 / 83,561 x 10,000 = 62.110
    "cpp_rate": "47.6",  # d5 CPP_At31 398 / 83,561 x 10,000 = 47.630
    "cpp_subsequent_pct": "27.3",  # d3 132 / 484 = 27.273% (published 27.3)
    "cpp_2yrs_pct": "3.5",  # d5 14 / 398 = 3.518% (published 3.5)
    "cla_rate": "82",  # 684 / 83,561 x 10,000 = 81.856 -> 82 (DfE publishes 82)
    "cla_start_rate": "34",  # 282 / 83,561 x 10,000 = 33.748 -> 34 (DfE publishes 34)
    "cla_cease_rate": "33",  # 275 / 83,561 x 10,000 = 32.910 -> 33 (DfE publishes 33)
    "sw_caseload": "12.8",  # 3,014 cases / 235.5 case-holding FTE = 12.798 (published 12.8)
    "sw_turnover_pct": "11.3",  # 42.6 leavers FTE / 377.8 in post = 11.276% (published 11.3)
    "sw_agency_pct": "6.1",  # 24.4 / (24.4 + 377.8) = 6.067% (published 6.1)
    "sw_vacancy_pct": "7.4",  # 30.0 / (30.0 + 377.8) = 7.357% (published 7.4)
}

# England 2025, ONS mid-2024 0-17 = 12,183,016. National counts are rounded to 10; where the rate is the
# same at both ends of [n - 5, n + 4] it does not depend on the exact count.
ENGLAND_2025 = {
    "cin_rate": "330.3",  # 402,400: 402,395..402,404 -> 330.292..330.299
    "referral_rate": "519.4",  # 632,830: 519.432..519.440
    "rereferral_pct": "22.6",  # published
    "s47_rate": "189.3",  # 230,590: 189.268..189.275
    "icpc_rate": "59.2",  # 72,100: 59.177..59.184
    "cpp_rate": "40.6",  # 49,420: 40.561..40.568
    "cpp_subsequent_pct": "24.5",  # published
    "cpp_2yrs_pct": "2.3",  # published
    "cla_rate": "67",  # 81,770: 67.114..67.121 (DfE publishes 67)
    "cla_start_rate": "26",  # 32,270: 26.484..26.491 (DfE publishes 26)
    "cla_cease_rate": "28",  # 34,450: 28.273..28.280 (DfE publishes 28)
    "sw_caseload": "15.2",  # published
    "sw_turnover_pct": "11.8",  # published
    "sw_agency_pct": "13.0",  # published 13
    "sw_vacancy_pct": "14.2",  # published
}

# West Midlands 2025, ONS mid-2024 0-17 = 1,351,245.
WEST_MIDLANDS_2025 = {
    "cin_rate": "345.3",  # 46,660: 46,655..46,664 -> 345.274..345.341
    # The 14 authorities' referral_count: 16,324 + 4,735 + 3,412 + 1,806 + 3,723 + 1,504 + 3,022 + 5,137 + 3,874
    # + 1,421 + 3,355 + 5,152 + 4,451 + 4,805 = 62,721 -> 464.172
    "referral_rate": "464.2",
    "rereferral_pct": "19.5",  # published
    # Section47: 6,162 + 2,602 + 1,309 + 804 + 1,385 + 1,031 + 1,124 + 2,029 + 1,899 + 537 + 1,146 + 1,449
    # + 1,028 + 2,219 = 24,724 -> 182.972 -> 183.0 (the published rounded 24,720 would give 182.942 -> 182.9)
    "s47_rate": "183.0",
    # ICPC: 2,094 + 519 + 374 + 246 + 466 + 337 + 298 + 737 + 505 + 229 + 357 + 551 + 235 + 792 = 7,740 -> 57.281
    "icpc_rate": "57.3",
    # CPP_At31: 1,677 + 398 + 237 + 139 + 357 + 173 + 177 + 524 + 316 + 158 + 227 + 335 + 213 + 522 = 5,453
    # -> 40.355 -> 40.4 (the published rounded 5,450 would give 40.333 -> 40.3)
    "cpp_rate": "40.4",
    "cpp_subsequent_pct": "26.7",  # published
    "cpp_2yrs_pct": "2.3",  # published
    "cla_rate": "86",  # 11,560: 85.514..85.580 (DfE publishes 86)
    "cla_start_rate": "25",  # 3,350: 24.755..24.822 (DfE publishes 25)
    "cla_cease_rate": "28",  # 3,730: 27.567..27.634 (DfE publishes 28)
    "sw_caseload": "15.3",  # published
    "sw_turnover_pct": "11.5",
    "sw_agency_pct": "10.4",
    "sw_vacancy_pct": "14.0",  # published 14
}

# Statistical-neighbour medians, 2025 (neighbours 831 Derby, 852 Southampton, 874 Peterborough, 350 Bolton,
# 336 Wolverhampton, 312 Hillingdon, 354 Rochdale, 335 Walsall, 821 Luton, 861 Stoke-on-Trent).
SN_2025 = {
    # At31 / mid-2024 pop: 2030/62113 = 326.8, 1971/50941 = 386.9, 2389/57621 = 414.6, 2184/75599 = 288.9,
    # 2917/68405 = 426.4, 2563/75524 = 339.4, 2672/58087 = 460.0, 2939/71799 = 409.3, 1990/62280 = 319.5,
    # 3186/62520 = 509.6; sorted the middle two are 386.9 and 409.3 -> 398.1
    "cin_rate": ("398.1", 10),
    # published: 88, 90, 72, 78, 73, 41, 102, 81, 58, 170 -> middle two 78 and 81 -> 79.5 -> 80
    "cla_rate": ("80", 10),
    # published: 25.8, 31.1, 25.4, 30.7, 22.9, 15.1, 20.1, 24.5, 23.6, 28.4 -> (24.5 + 25.4) / 2 = 24.95 -> 25.0
    "cpp_subsequent_pct": ("25.0", 10),
    # published: 5.1, 3.1, c, c, 11.7, 7.9, 5.3, 0, c, 3.5 -> seven values, median 5.1
    "cpp_2yrs_pct": ("5.1", 7),
    # published: 23.1, 20.2, 19.8, 20.5, 20.8, 20.9, 17.2, 19.7, 18.9, 21 -> (20.2 + 20.5) / 2 = 20.35 -> 20.4
    "rereferral_pct": ("20.4", 10),
    # published: 14.9, 14.3, 17.1, 20.8, 13.8, 13.8, 15.4, 11.9, 13.7, 18 -> (14.3 + 14.9) / 2 = 14.6
    "sw_caseload": ("14.6", 10),
}


@pytest.mark.parametrize("area_type", ["la", "england", "region"])
def test_coventry_2025_matches_published_and_hand_derived_figures(coventry, area_type):
    expected = {"la": COVENTRY_2025, "england": ENGLAND_2025, "region": WEST_MIDLANDS_2025}[area_type]
    got = {m: _value(coventry, m, 2025, area_type) for m in expected}
    assert got == expected
    codes = set(coventry.loc[coventry["area_type"] == area_type, "area_code"])
    assert codes == {"la": {"E08000026"}, "england": {"E92000001"}, "region": {"E12000005"}}[area_type]


def test_coventry_2025_neighbour_medians(coventry):
    for measure, (value, n) in SN_2025.items():
        assert _value(coventry, measure, 2025, "sn_median") == value, measure
        assert _value(coventry, measure, 2025, "sn_median", "n_neighbours") == n, measure


def test_coventry_2025_neighbour_values_and_rank():
    d = bm.sn_distribution("cin_rate", 2025, "Coventry")
    assert d["value"].tolist() == [
        "326.8",
        "386.9",
        "414.6",
        "288.9",
        "426.4",
        "339.4",
        "460.0",
        "409.3",
        "319.5",
        "509.6",
    ]
    assert d["area_name"].tolist()[:3] == ["Derby", "Southampton", "Peterborough"]
    d = bm.sn_distribution("cpp_2yrs_pct", 2025, "331")
    assert d["status"].tolist() == ["ok", "ok", "c", "c", "ok", "ok", "ok", "ok", "c", "ok"]
    assert d["counted"].sum() == 7 and d["value_num"].isna().sum() == 3
    # Coventry 82 among 88, 90, 72, 78, 73, 41, 102, 81, 58, 170: four are higher (88, 90, 102, 170) -> rank 5 of 11;
    # quartile ceil(4 x 5 / 11) = 2.
    v = bm.benchmark_values("cla_rate", 2025, "E08000026")
    assert v == {"la": 82.0, "england": 67.0, "region": 86.0, "sn_median": 80.0, "rank": 5, "quartile": 2, "n": 11,
                 "n_neighbours": 10}  # fmt: skip
    # cpp_2yrs_pct: Coventry 3.5 among 5.1, 3.1, 11.7, 7.9, 5.3, 0.0, 3.5 -> higher: 5.1, 11.7, 7.9, 5.3 -> rank 5
    # of 8 (the tie with Stoke-on-Trent's 3.5 shares the rank), quartile ceil(20 / 8) = 3.
    v = bm.benchmark_values("cpp_2yrs_pct", 2025, "Coventry")
    assert (v["rank"], v["n"], v["quartile"], v["n_neighbours"]) == (5, 8, 3, 7)


def test_sn_median_agrees_with_an_independent_median_everywhere():
    """For every authority, measure and year, the vectorised median equals statistics.median of the counted
    neighbour values (half up to the measure's precision)."""
    eng = bm.all_england()
    rng = np.random.default_rng(5)
    picks = eng.sn.iloc[rng.choice(len(eng.sn), 300, replace=False)]
    for measure, authority, year, value, n in picks[
        ["measure", "authority", "year", "value_num", "n_neighbours"]
    ].itertuples(index=False):
        d = bm.sn_distribution(measure, year, authority)
        vals = d.loc[d["counted"], "value_num"].tolist()
        dec = bm.MEASURES[measure].decimals
        assert len(vals) == n
        assert value == bm.round_half_up(statistics.median(vals), dec), (measure, authority, year)


# --------------------------------------------------------------------------------------------------
# Symbols, boundary changes, joint figures
# --------------------------------------------------------------------------------------------------


def test_symbols_stay_marked_and_never_become_zero():
    t = bm.build_benchmark_table("City of London", 2025)
    row = t[(t["measure"] == "cla_rate") & (t["year"] == 2025) & (t["area_type"] == "la")].iloc[0]
    assert (row["value"], row["status"]) == ("c", "c") and math.isnan(row["value_num"])
    t = bm.build_benchmark_table("Isles of Scilly", 2025)
    assert _value(t, "cla_rate", 2025, "la") == "z"
    t = bm.build_benchmark_table("Herefordshire", 2025)
    assert (_value(t, "referral_rate", 2024, "la"), _value(t, "referral_rate", 2024, "la", "status")) == (
        "u",
        "u",
    )
    t = bm.build_benchmark_table("Sunderland", 2025)
    assert _value(t, "sw_agency_pct", 2025, "la") == "low"
    # Any row that is not "ok" has no number; every "ok" row has one.
    all_rows = pd.concat([bm.build_benchmark_table(la, 2025) for la in ("201", "420", "884", "394", "331")])
    ok = all_rows["status"] == "ok"
    assert all_rows.loc[ok, "value_num"].notna().all() and all_rows.loc[~ok, "value_num"].isna().all()
    assert (all_rows.loc[~ok, "value"] == all_rows.loc[~ok, "status"].replace("missing", "")).all()


def test_split_authorities_take_their_predecessor_before_the_split():
    t = bm.build_benchmark_table("West Northamptonshire", 2025)
    # 2021: Northamptonshire (E10000021): b1 At31_episodes 4,877 / mid-2020 170,287 x 10,000 = 286.399 -> 286.4
    r = t[(t["measure"] == "cin_rate") & (t["year"] == 2021) & (t["area_type"] == "la")].iloc[0]
    assert (r["area_code"], r["area_name"], r["value"]) == ("E10000021", "Northamptonshire", "286.4")
    assert _value(t, "cin_rate", 2022, "la", "area_code") == "E06000062"
    # DfE published Northamptonshire's 2021 CLA rate as 67 (and West Northamptonshire's as x).
    assert _value(t, "cla_rate", 2021, "la") == "67"
    t = bm.build_benchmark_table("Cumberland", 2025)
    assert _value(t, "cla_rate", 2023, "la") == "82"  # Cumbria 2023 as published by DfE
    assert _value(t, "cla_rate", 2023, "la", "area_name") == "Cumbria"
    assert _value(t, "cla_rate", 2024, "la", "area_name") == "Cumberland"
    # every year of every CIN measure is filled
    assert (t.loc[t["area_type"] == "la", "status"] != "missing").all()


def test_merged_authority_combines_its_predecessors_counts():
    t = bm.build_benchmark_table("BCP", 2025)
    # 2019: Bournemouth 419 of 2,046 referrals re-referrals, Poole 254 of 1,194 -> 673 / 3,240 = 20.77% -> 20.8
    r = t[(t["measure"] == "rereferral_pct") & (t["year"] == 2019) & (t["area_type"] == "la")].iloc[0]
    assert r["value"] == "20.8"
    assert set(r["area_code"].split(" + ")) == {"E06000028", "E06000029"}
    assert "predecessors" in r["source"]
    # ONS publishes no mid-2018 estimate on the old Bournemouth/Poole/Dorset boundaries (the file shows x),
    # so their 2019 rates are not available rather than invented.
    assert _value(t, "cin_rate", 2019, "la", "status") == "x"
    assert _value(t, "cin_rate", 2020, "la", "area_code") == "E06000058"
    # Dorset before April 2019 is the county (E10000009): re-referrals 2019 published 27.3.
    t = bm.build_benchmark_table("Dorset", 2025)
    assert _value(t, "rereferral_pct", 2019, "la") == "27.3"
    assert _value(t, "rereferral_pct", 2019, "la", "area_code") == "E10000009"


def test_recoded_authority_is_continuous():
    t = bm.build_benchmark_table("North Yorkshire", 2025)
    # 2023 published as E10000023: 3,021 / mid-2022 114,700 = 263.38; 2024 as E06000065: 3,398 / 114,929 = 295.66
    assert (
        _value(t, "cin_rate", 2023, "la") == "263.4"
        and _value(t, "cin_rate", 2023, "la", "area_code") == "E10000023"
    )
    assert (
        _value(t, "cin_rate", 2024, "la") == "295.7"
        and _value(t, "cin_rate", 2024, "la", "area_code") == "E06000065"
    )
    assert list(t.loc[(t["measure"] == "cin_rate") & (t["area_type"] == "la"), "year"]) == list(
        range(2013, 2026)
    )


def test_joint_workforce_figure_is_shown_and_not_double_counted():
    # Workforce 2025 publishes Kingston upon Thames and Richmond upon Thames jointly ("314 / 318": 13.9).
    t = bm.build_benchmark_table("Richmond upon Thames", 2025)
    assert _value(t, "sw_caseload", 2025, "la") == "13.9"
    assert _value(t, "sw_caseload", 2025, "la", "area_code") == "E09000021 / E09000027"
    d = bm.sn_distribution("sw_caseload", 2025, "318")
    kingston = d[d["old_la_code"] == "314"].iloc[0]
    assert (
        kingston["value"] == "13.9" and not kingston["counted"]
    )  # Richmond's own figure is not its benchmark
    assert _value(t, "sw_caseload", 2025, "sn_median", "n_neighbours") == 9


def test_absent_row_is_marked_missing(tmp_path):
    # A reference folder in which Coventry's 2013 CIN row has been removed.
    for key in ref.FILES:
        if key == "mye2023":
            continue
        src = ref.reference_path(key)
        (tmp_path / src.parent.name).mkdir(exist_ok=True)
        shutil.copy(src, tmp_path / src.parent.name / src.name)
    b1 = tmp_path / ref.FILES["b1"]
    lines = b1.read_text().splitlines(keepends=True)
    b1.write_text(
        "".join(
            line
            for line in lines
            if not line.startswith(
                "2013,Reporting year,Local authority,E92000001,England,E12000005,West Midlands,331,"
            )
        )
    )
    t = bm.build_benchmark_table("Coventry", 2014, reference_dir=tmp_path)
    row = t[(t["measure"] == "cin_rate") & (t["year"] == 2013) & (t["area_type"] == "la")].iloc[0]
    assert (row["value"], row["status"], row["area_code"]) == ("", "missing", "E08000026")
    # The West Midlands 2013 rate now rests on the published rounded count, and says so.
    reg = t[(t["measure"] == "cin_rate") & (t["year"] == 2013) & (t["area_type"] == "region")].iloc[0]
    assert "published count" in reg["source"] or "any count" in reg["source"]


# --------------------------------------------------------------------------------------------------
# Requests and the command
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query", ["E08000026", "e08000026", "331", 331, "Coventry", "COVENTRY", " coventry "]
)
def test_resolve_la_accepts_codes_and_names(query):
    a = bm.resolve_la(query)
    assert (a.old_code, a.new_code, a.name, a.region_code) == ("331", "E08000026", "Coventry", "E12000005")


def test_resolve_la_former_code_and_short_names():
    assert bm.resolve_la("E10000023").name == "North Yorkshire"  # its code until 2023
    assert bm.resolve_la("bcp").new_code == "E06000058"
    assert bm.resolve_la("Bristol").name == "Bristol, City of"
    assert bm.resolve_la("Camden").region_code == "E12000007"  # Inner London authorities are in London


def test_resolve_la_errors_list_close_matches_or_successors():
    with pytest.raises(
        bm.BenchmarkError, match=r"unknown local authority 'Coventy'.*Coventry \(E08000026, 331\)"
    ):
        bm.resolve_la("Coventy")
    with pytest.raises(bm.BenchmarkError, match="Kingston upon Thames"):
        bm.resolve_la("Kingston")
    with pytest.raises(bm.BenchmarkError, match="North Northamptonshire.*West Northamptonshire"):
        bm.resolve_la("Northamptonshire")


@pytest.mark.parametrize(
    ("year", "expected"), [(2025, (2013, 2025)), ("2025", (2013, 2025)), ("2024-25", (2013, 2025)),
                           ("2024/25", (2013, 2025)), ("2019-2025", (2019, 2025)), ("2021:2023", (2021, 2023))],
)  # fmt: skip
def test_parse_years(year, expected):
    assert bm.parse_years(year) == expected


@pytest.mark.parametrize("year", [2026, "2012", "2024-26", "last", "2025-2019"])
def test_parse_years_rejects(year):
    with pytest.raises(bm.BenchmarkError):
        bm.parse_years(year)


def test_table_layout_and_years(coventry):
    assert list(coventry.columns) == bm.OUTPUT_COLUMNS
    assert list(coventry.columns[:6]) == ["measure", "year", "area_type", "area_code", "area_name", "value"]
    assert set(coventry["area_type"]) == {"la", "region", "england", "sn_median"}
    assert set(coventry["measure"]) == set(bm.MEASURES)
    years = coventry.groupby("measure")["year"].agg(["min", "max"])
    assert years.loc["cin_rate"].tolist() == [2013, 2025]
    assert years.loc["cla_rate"].tolist() == [2021, 2025]
    assert years.loc["sw_caseload"].tolist() == [2017, 2025]
    assert coventry.groupby(["measure", "year"]).size().eq(4).all()
    assert coventry.loc[coventry["area_type"] != "sn_median", "n_neighbours"].isna().all()
    assert bm.build_benchmark_table("331", 2020)["year"].max() == 2020
    for m in bm.MEASURES.values():
        assert m.polarity in {"lower_is_better", "higher_is_better", "neither"} and m.definition and m.title


def test_run_benchmark_writes_the_csv_with_symbols(tmp_path, capsys, monkeypatch):
    out = tmp_path / "b.csv"
    assert bm.run_benchmark("Isles of Scilly", 2025, out=out) == 0
    printed = capsys.readouterr().out
    assert "Isles of Scilly" in printed and "cin_rate" in printed and str(out) in printed
    csv = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(csv.columns) == bm.OUTPUT_COLUMNS
    assert "z" in set(csv["value"])
    monkeypatch.setattr(bm.command, "DEFAULT_OUT_DIR", tmp_path / "outputs")
    assert bm.run_benchmark("E08000026", "2024-25") == 0
    written = tmp_path / "outputs" / "benchmark_E08000026_2025.csv"
    first = written.read_bytes()
    assert bm.run_benchmark("331", 2025) == 0
    assert written.read_bytes() == first  # reproducible bytes
    row = pd.read_csv(written, dtype=str, keep_default_na=False).query(
        "measure == 'cin_rate' and year == '2025'"
    )
    assert row["value"].tolist() == ["400.9", "345.3", "330.3", "398.1"]


def test_run_benchmark_exit_code_and_message_for_bad_requests(tmp_path, capsys):
    assert bm.run_benchmark("Coventy", 2025, out=tmp_path / "x.csv") == 2
    assert "close matches: Coventry" in capsys.readouterr().err
    assert bm.run_benchmark("Coventry", 2026, out=tmp_path / "x.csv") == 2
    assert "no published data for 2026" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()
