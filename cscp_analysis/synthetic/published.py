"""Published figures for Coventry that the synthetic demo partnership is shaped and calibrated on.

Every number here is copied from a file in ``data_raw/reference/`` (or ``../shared/reference/``),
named beside it, so that the generator needs no file at run time and a reviewer can check each
figure against its source. Coventry is ``E08000026`` (DfE ``331``). DfE years are years ending
31 March: ``2025`` is 2024-25.

Nothing here is real record-level data: only published aggregate statistics (Open Government
Licence v3.0).
"""

from __future__ import annotations

# --- population ------------------------------------------------------------------------------

# ONS mid-2023 population estimates (July 2024 release), single year of age 0..17 by sex, Coventry.
# Source: ons_mye_2023_single_year_age/ons_mye2023_age0_17_by_sex_all_geographies.csv
# (0-17 total 80,494: male 41,233, female 39,261).
MYE2023_MALE = (2081, 2211, 2247, 2261, 2291, 2239, 2245, 2357, 2240, 2348, 2303, 2500, 2425, 2378, 2311, 2289, 2216, 2291)
MYE2023_FEMALE = (1987, 2160, 2050, 2148, 2231, 2199, 2262, 2187, 2209, 2211, 2239, 2343, 2239, 2270, 2211, 2222, 2085, 2008)

# ONS mid-year estimates of children aged 0 to 17 as DfE uses them (2025 revisions), Coventry.
# Source: ons_population/ons_mid-year_population_estimates_2012_to_2024.csv
MYE_0_17 = {2018: 76037, 2019: 76447, 2020: 76721, 2021: 76520, 2022: 77950, 2023: 80988, 2024: 83561}

# Census 2021 (RM032) children aged 10 to 17 by ethnic group (5 groups) and sex, Coventry.
# Source: census2021_child_pop_10_17_ethnicity/prism_r_child_population_10_17_west_midlands_mets_extract.csv
# (summed over the three sub-bands).
CENSUS2021_10_17 = {
    "M": {"White": 2511 + 3686 + 3504, "Asian": 962 + 1352 + 1233, "Black": 695 + 894 + 815,
          "Mixed": 301 + 452 + 374, "Other": 212 + 302 + 242},
    "F": {"White": 2354 + 3434 + 3318, "Asian": 886 + 1282 + 1202, "Black": 638 + 861 + 708,
          "Mixed": 301 + 440 + 391, "Other": 211 + 325 + 253},
}

# Census 2021 ethnic group (20 categories), usual residents of all ages, Coventry, mapped to DfE codes
# (Arab and Any other ethnic group both to OOTH). Source: ons_population/ons-ethnic-population-la.csv
CENSUS2021_ALL_AGES = {
    "WBRI": 190889, "WIRI": 5662, "WIRT": 294, "WROM": 1116, "WOTH": 28285,
    "MWBC": 4597, "MWBA": 1663, "MWAS": 3182, "MOTH": 2289,
    "AIND": 32096, "APKN": 12658, "ABAN": 4257, "CHNE": 4571, "AOTH": 10333,
    "BCRB": 3459, "BAFR": 24109, "BOTH": 3155,
    "OOTH": 2482 + 10224,
}

# --- children's social care (DfE years ending 31 March 2023, 2024, 2025) ------------------------

# dfe_cin_census/c1: referrals, re-referrals within 12 months (%), assessed and not in need (%).
REFERRALS = {2023: 4925, 2024: 4505, 2025: 4735}
REREFERRAL_PCT = {2023: 19.1, 2024: 20.9, 2025: 18.5}
NOT_IN_NEED_PCT = {2023: 32.8, 2024: 30.2, 2025: 30.8}
# dfe_cin_census/b1: children in need at 31 March (episodes).
CIN_AT_31_MARCH = {2023: 3780, 2024: 3597, 2025: 3350}
# dfe_cin_census/c4: section 47 enquiries, ICPCs, and ICPCs within 15 working days of the strategy discussion.
SECTION47 = {2023: 2244, 2024: 2548, 2025: 2602}
ICPC = {2023: 593, 2024: 605, 2025: 519}
ICPC_WITHIN_15WD_PCT = {2023: round(100 * (25 + 461) / 593, 1), 2024: round(100 * (19 + 486) / 605, 1),
                        2025: round(100 * (20 + 423) / 519, 1)}
# dfe_cin_census/d3: child protection plans starting, second or subsequent (%).
CP_STARTS = {2023: 538, 2024: 578, 2025: 484}
CP_SUBSEQUENT_PCT = {2023: 21.4, 2024: 27.2, 2025: 27.3}
# dfe_cin_census/d5: child protection plans at 31 March, and the share lasting 2 years or more.
CP_AT_31_MARCH = {2023: 489, 2024: 511, 2025: 398}
CP_2YEARS_PCT = {2023: 2.2, 2024: 3.7, 2025: 3.5}
# dfe_cla_rates/cla_number_and_rate_per_10k_children.csv: number and rate per 10,000.
CLA_AT_31_MARCH = {2023: (725, 93), 2024: (672, 83), 2025: (684, 82)}
CLA_STARTS = {2023: (277, 36), 2024: (257, 32), 2025: (282, 34)}
CLA_CEASED = {2023: (283, 36), 2024: (313, 39), 2025: (275, 33)}
# dfe_cla_missing: looked-after children with a missing incident, and incidents, year ending 31 March 2023.
CLA_MISSING_2023 = {"children": 120, "incidents": 528, "looked_after_during_year": 996}


def mye_growth(year: int) -> float:
    """Population of children aged 0-17 in ``year`` relative to mid-2023.

    The DfE/ONS series (``MYE_0_17``) for 2022 to 2024; from 2025 on, +1% a year (an assumption:
    no estimate is published yet). Years before 2018 use 2018.
    """
    if year in MYE_0_17:
        return MYE_0_17[year] / MYE_0_17[2023]
    if year > max(MYE_0_17):
        last = max(MYE_0_17)
        return MYE_0_17[last] / MYE_0_17[2023] * 1.01 ** (year - last)
    return MYE_0_17[min(MYE_0_17)] / MYE_0_17[2023]
