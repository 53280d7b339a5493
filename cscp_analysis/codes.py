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
    "DISABILITY_CODES",
    "disabled_from_codes",
    "AGE_BANDS",
    "age_band",
    "REFERRAL_SOURCES",
    "CP_CATEGORIES",
    "ASSESSMENT_FACTORS",
    "READABLE_TO_DFE",
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

# Whether the child is disabled, derived from the DfE disability codes below (children-in-need census
# ``Disabilities``): Y when any code other than NONE is recorded, N when only NONE, U when none is recorded.
DISABILITY = {"Y": "Disabled", "N": "Not disabled", "U": "Not known"}

# DfE disability codes (children-in-need census, ``Disability``; Equality Act 2010 categories).
DISABILITY_CODES = {
    "NONE": "No disability",
    "MOB": "Mobility",
    "HAND": "Hand function",
    "PC": "Personal care",
    "INC": "Incontinence",
    "COMM": "Communication",
    "LD": "Learning",
    "HEAR": "Hearing",
    "VIS": "Vision",
    "BEH": "Behaviour",
    "CON": "Consciousness",
    "AUT": "Autism or Asperger syndrome",
    "DDA": "Other disability under the Equality Act 2010",
}


def disabled_from_codes(codes: pd.Series) -> pd.Series:
    """Y, N or U from ';'-separated DfE disability codes: Y when any code other than NONE is recorded,
    N when only NONE is, U when the value is blank (nothing recorded)."""
    text = codes.fillna("").astype(str).str.upper().str.replace(" ", "", regex=False)
    has_any = text != ""
    only_none = text.str.fullmatch(r"NONE(;NONE)*")
    return pd.Series(["Y"] * len(text), index=text.index, dtype=object).where(~only_none, "N").where(has_any, "U")

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

# Initial category of abuse of a child protection plan (DfE codes; SAB was SEX here before).
CP_CATEGORIES = {
    "NEG": "Neglect",
    "PHY": "Physical abuse",
    "SAB": "Sexual abuse",
    "EMO": "Emotional abuse",
    "MUL": "Multiple",
}

# Factors identified at the end of assessment: the children-in-need census codes (2024-25 onwards, the
# codes still in use in 2025-26) with DfE's labels, shortened. 18A and 19A are earlier years' codes for
# physical and sexual abuse (split into child-on-child B and adult-on-child C since).
ASSESSMENT_FACTORS = {
    "1A": "Alcohol misuse: by the child",
    "1B": "Alcohol misuse: by a parent or carer",
    "1C": "Alcohol misuse: by another person in the household",
    "2A": "Drug misuse: by the child",
    "2B": "Drug misuse: by a parent or carer",
    "2C": "Drug misuse: by another person in the household",
    "3A": "Domestic abuse: the child is the subject",
    "3B": "Domestic abuse: a parent or carer is the subject",
    "3C": "Domestic abuse: another person in the household is the subject",
    "4A": "Mental health: of the child",
    "4B": "Mental health: of a parent or carer",
    "4C": "Mental health: of another person in the household",
    "5A": "Learning disability: of the child",
    "5B": "Learning disability: of a parent or carer",
    "5C": "Learning disability: of another person in the household",
    "6A": "Physical disability or illness: of the child",
    "6B": "Physical disability or illness: of a parent or carer",
    "6C": "Physical disability or illness: of another person in the household",
    "7A": "Young carer",
    "8B": "Privately fostered: overseas children who intend to return",
    "8C": "Privately fostered: overseas children who intend to stay",
    "8D": "Privately fostered: UK children in educational placements",
    "8E": "Privately fostered: UK children making alternative family arrangements",
    "8F": "Privately fostered: other",
    "9A": "Unaccompanied asylum-seeking child",
    "10A": "Going or being missing",
    "11A": "Child sexual exploitation",
    "12A": "Trafficking",
    "13A": "Gangs",
    "14A": "Socially unacceptable behaviour",
    "15A": "Self-harm",
    "16A": "Abuse or neglect: neglect",
    "17A": "Abuse or neglect: emotional abuse",
    "18A": "Abuse or neglect: physical abuse (before 2024-25)",
    "18B": "Abuse or neglect: physical abuse, child on child",
    "18C": "Abuse or neglect: physical abuse, adult on child",
    "19A": "Abuse or neglect: sexual abuse (before 2024-25)",
    "19B": "Abuse or neglect: sexual abuse, child on child",
    "19C": "Abuse or neglect: sexual abuse, adult on child",
    "20": "Other",
    "21": "No factors identified",
    "22A": "Female genital mutilation",
    "23A": "Abuse linked to faith or belief",
    "24A": "Child criminal exploitation",
}

# The readable keys this package used before it adopted DfE's codes, and the DfE code each became
# (docs/data_dictionary.md shows the table). Where DfE splits a theme by whose problem it is, the key
# meant the parent's or carer's (B); physical and sexual abuse are adult on child (C).
READABLE_TO_DFE = {
    ("assessment factor", "DA"): "3B",
    ("assessment factor", "MH"): "4B",
    ("assessment factor", "SUB"): "2B",
    ("assessment factor", "NEG"): "16A",
    ("assessment factor", "EA"): "17A",
    ("assessment factor", "PA"): "18C",
    ("assessment factor", "SA"): "19C",
    ("assessment factor", "CSE"): "11A",
    ("assessment factor", "CCE"): "24A",
    ("assessment factor", "GANG"): "13A",
    ("assessment factor", "MISS"): "10A",
    ("assessment factor", "SH"): "15A",
    ("child protection category", "SEX"): "SAB",
    ("disability", "Y"): "any DfE disability code other than NONE (disability Y is derived from them)",
    ("disability", "N"): "NONE",
    ("disability", "U"): "no code recorded",
}

# SSDA903 legal status (LS), every code of the return.
CLA_LEGAL_STATUS = {
    "C1": "Interim care order",
    "C2": "Full care order",
    "D1": "Freeing order granted",
    "E1": "Placement order granted",
    "J1": "Remanded to local authority accommodation or youth detention accommodation",
    "J2": "Placed in local authority accommodation under the Police and Criminal Evidence Act 1984",
    "J3": "Sentenced to a youth rehabilitation order with residence or intensive fostering requirement",
    "L1": "Under police protection and in local authority accommodation",
    "L2": "Emergency protection order",
    "L3": "Under a child assessment order and in local authority accommodation",
    "V2": "Single period of accommodation under section 20",
    "V3": "Accommodated under an agreed series of short-term breaks, individual episodes",
    "V4": "Accommodated under an agreed series of short-term breaks, series of episodes",
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
