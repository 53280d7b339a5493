"""Codes shared by every return: ethnicity, sex, disability, age bands, agencies.

Ethnicity uses the DfE codes of the children-in-need census and the SSDA903 return (the
"extended" codes of the Common Basic Data Set). Each code maps to

* its ONS major group (White, Mixed, Asian, Black, Other, or Unknown for REFU/NOBT), and
* its Census 2021 category (20 categories), so that population denominators can be built from
  Census 2021 ethnic-group tables.

Decision (documented in docs/methods.md): Chinese (CHNE) sits in the **Asian** major group, as in
Census 2021 and DfE publications since 2022; older DfE tables put it in "Other".

Never combine the non-White groups into one "BME" total: groups with opposite differences cancel out.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = [
    "ETHNICITY",
    "ETHNICITY_CODES",
    "MAJOR_GROUPS",
    "UNKNOWN_ETHNICITY",
    "major_group",
    "SEX",
    "DISABILITY",
    "AGE_BANDS",
    "age_band",
    "REFERRAL_SOURCES",
    "CP_CATEGORIES",
    "ASSESSMENT_FACTORS",
    "CLA_LEGAL_STATUS",
    "PLACEMENT_TYPES",
    "NEED_CODES",
]


@dataclass(frozen=True)
class Ethnicity:
    code: str
    name: str
    major_group: str
    census_2021: str  # Census 2021 20-category label (short form), "" when not applicable


ETHNICITY: tuple[Ethnicity, ...] = (
    Ethnicity("WBRI", "White British", "White", "White: English, Welsh, Scottish, Northern Irish or British"),
    Ethnicity("WIRI", "White Irish", "White", "White: Irish"),
    Ethnicity("WIRT", "Traveller of Irish heritage", "White", "White: Gypsy or Irish Traveller"),
    Ethnicity("WROM", "Gypsy/Roma", "White", "White: Roma"),
    Ethnicity("WOTH", "Any other White background", "White", "White: Other White"),
    Ethnicity("MWBC", "White and Black Caribbean", "Mixed", "Mixed: White and Black Caribbean"),
    Ethnicity("MWBA", "White and Black African", "Mixed", "Mixed: White and Black African"),
    Ethnicity("MWAS", "White and Asian", "Mixed", "Mixed: White and Asian"),
    Ethnicity("MOTH", "Any other Mixed background", "Mixed", "Mixed: Other Mixed or Multiple ethnic groups"),
    Ethnicity("AIND", "Indian", "Asian", "Asian: Indian"),
    Ethnicity("APKN", "Pakistani", "Asian", "Asian: Pakistani"),
    Ethnicity("ABAN", "Bangladeshi", "Asian", "Asian: Bangladeshi"),
    Ethnicity("CHNE", "Chinese", "Asian", "Asian: Chinese"),
    Ethnicity("AOTH", "Any other Asian background", "Asian", "Asian: Other Asian"),
    Ethnicity("BCRB", "Black Caribbean", "Black", "Black: Caribbean"),
    Ethnicity("BAFR", "Black African", "Black", "Black: African"),
    Ethnicity("BOTH", "Any other Black background", "Black", "Black: Other Black"),
    Ethnicity("OOTH", "Any other ethnic group", "Other", "Other: Any other ethnic group / Arab"),
    Ethnicity("REFU", "Refused", "Unknown", ""),
    Ethnicity("NOBT", "Information not yet obtained", "Unknown", ""),
)

ETHNICITY_CODES: tuple[str, ...] = tuple(e.code for e in ETHNICITY)
UNKNOWN_ETHNICITY: tuple[str, ...] = ("REFU", "NOBT")
MAJOR_GROUPS: tuple[str, ...] = ("White", "Mixed", "Asian", "Black", "Other", "Unknown")
_MAJOR = {e.code: e.major_group for e in ETHNICITY}
ETHNICITY_NAMES = {e.code: e.name for e in ETHNICITY}


def major_group(codes: pd.Series) -> pd.Series:
    """The ONS major group of each DfE ethnicity code (unknown codes give NaN)."""
    return codes.map(_MAJOR)


SEX = {"M": "Male", "F": "Female", "U": "Not known or not recorded"}

DISABILITY = {"Y": "Disabled", "N": "Not disabled", "U": "Not known"}

# Age bands used by DfE's children-in-need and looked-after publications.
AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("Under 1", 0, 0),
    ("1 to 4", 1, 4),
    ("5 to 9", 5, 9),
    ("10 to 15", 10, 15),
    ("16 to 17", 16, 17),
)


def age_band(age: pd.Series) -> pd.Series:
    """DfE age band of an age in whole years (NaN outside 0–17)."""
    bins = [-0.5] + [hi + 0.5 for _, _, hi in AGE_BANDS]
    labels = [name for name, _, _ in AGE_BANDS]
    return pd.cut(age, bins=bins, labels=labels).astype("object")


# Children-in-need census: source of referral (CIN census guidance, table "Source of referral").
REFERRAL_SOURCES = {
    "1A": "Individual: family member/relative/carer",
    "1B": "Individual: acquaintance",
    "1C": "Individual: self",
    "1D": "Individual: other",
    "2A": "Schools",
    "2B": "Education services",
    "3A": "Health services: GP",
    "3B": "Health services: health visitor",
    "3C": "Health services: school nurse",
    "3D": "Health services: other primary health services",
    "3E": "Health services: A&E",
    "3F": "Health services: other",
    "4": "Housing",
    "5A": "LA services: social care",
    "5B": "LA services: other internal",
    "5C": "LA services: external",
    "5D": "LA services: early help",
    "6": "Police",
    "7": "Other legal agency",
    "8": "Other",
    "9": "Anonymous",
    "10": "Unknown",
}

# Initial category of abuse of a child protection plan.
CP_CATEGORIES = {
    "NEG": "Neglect",
    "PHY": "Physical abuse",
    "SEX": "Sexual abuse",
    "EMO": "Emotional abuse",
    "MUL": "Multiple",
}

# Factors identified at the end of assessment (a subset of the CIN census codes, with readable keys).
ASSESSMENT_FACTORS = {
    "DA": "Domestic abuse",
    "MH": "Mental health of a parent or carer",
    "SUB": "Drug or alcohol misuse of a parent or carer",
    "NEG": "Neglect",
    "EA": "Emotional abuse",
    "PA": "Physical abuse",
    "SA": "Sexual abuse",
    "CSE": "Child sexual exploitation",
    "CCE": "Child criminal exploitation",
    "GANG": "Gangs",
    "MISS": "Going or being missing",
    "SH": "Self-harm",
}

# SSDA903 legal status at the start of a period of care (subset).
CLA_LEGAL_STATUS = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "E1": "Placement order",
    "V2": "Accommodated under section 20",
    "L1": "Police protection",
    "J2": "Remanded to local authority accommodation",
}

PLACEMENT_TYPES = {
    "FOSTER": "Foster placement",
    "KINSHIP": "Placed with connected person (kinship)",
    "RESID": "Children's home",
    "SUPP": "Supported accommodation",
    "PARENT": "Placed with parents",
    "ADOPT": "Placed for adoption",
    "OTHER": "Other placement",
}

# Children-in-need census category of need (primary need).
NEED_CODES = {
    "N1": "Abuse or neglect",
    "N2": "Child's disability or illness",
    "N3": "Parental disability or illness",
    "N4": "Family in acute stress",
    "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour",
    "N7": "Low income",
    "N8": "Absent parenting",
    "N9": "Cases other than children in need",
    "N0": "Not stated",
}
