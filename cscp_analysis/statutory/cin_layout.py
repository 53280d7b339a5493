"""The layout of the children-in-need census XML, collection years 2017 to 2026, as DfE's schemas set it.

One XSD per collection year; across 2017-2026 they differ only in a few places, which this module
writes out instead of shipping the XSDs themselves:

* ``GenderCurrent`` (1 male, 2 female, 0 not recorded, 9 indeterminate) until 2023-24, then ``Sex``
  (M, F, U) from 2024-25; both are read, either satisfies the schema;
* ``CINPlanDates`` (child-in-need plan start and end) in every year read here;
* ``PreProceedingsandFGDM`` (pre-proceedings and family group decision making) from 2025-26.

:func:`check_children` compares one element's child elements with its type (an element the schema
does not know, one out of order, one missing or repeated beyond its maximum) and says what deviates,
with the element path; the importer caches the answer for each distinct sequence of tags, so a
million children cost a dictionary look-up each. Code lists and dates are checked on the values.
"""

from __future__ import annotations

from .. import codes as C

__all__ = ["LAYOUT", "check_children", "CODE_LISTS", "BOOLEAN_VALUES", "PATHS"]

UNBOUNDED = 10**9

# type -> ((child tag, min occurs, max occurs), ...) in schema order; alternatives share one position.
LAYOUT: dict[str, tuple[tuple[str, int, int], ...]] = {
    "Message": (("Header", 0, 1), ("Children", 1, 1)),
    "Header": (("CollectionDetails", 0, 1), ("Source", 0, UNBOUNDED)),
    "CollectionDetails": (("Collection", 0, 1), ("Year", 0, 1), ("ReferenceDate", 0, 1)),
    "Source": (("SourceLevel", 0, 1), ("LEA", 1, 1), ("SoftwareCode", 0, 1), ("Release", 0, 1), ("SerialNo", 0, 1),
               ("DateTime", 0, 1)),
    "Children": (("Child", 1, UNBOUNDED),),
    "Child": (("ChildIdentifiers", 1, 1), ("ChildCharacteristics", 1, 1), ("CINdetails", 1, UNBOUNDED)),
    "ChildIdentifiers": (("LAchildID", 1, 1), ("UPN", 0, 1), ("FormerUPN", 0, 1), ("UPNunknown", 0, 1),
                         ("PersonBirthDate", 0, 1), ("ExpectedPersonBirthDate", 0, 1), ("GenderCurrent|Sex", 1, 1),
                         ("PersonDeathDate", 0, 1)),
    "ChildCharacteristics": (("Ethnicity", 1, 1), ("Disabilities", 0, 1)),
    "Disabilities": (("Disability", 1, UNBOUNDED),),
    "CINdetails": (("CINreferralDate", 1, 1), ("ReferralSource", 1, 1), ("PrimaryNeedCode", 0, 1),
                   ("CINclosureDate", 0, 1), ("ReasonForClosure", 0, 1), ("DateOfInitialCPC", 0, 1),
                   ("Assessments", 0, UNBOUNDED), ("CINPlanDates", 0, UNBOUNDED), ("Section47", 0, UNBOUNDED),
                   ("ReferralNFA", 1, 1), ("ChildProtectionPlans", 0, UNBOUNDED),
                   ("PreProceedingsandFGDM", 0, UNBOUNDED)),
    "Assessments": (("AssessmentActualStartDate", 1, 1), ("AssessmentInternalReviewDate", 0, 1),
                    ("AssessmentAuthorisationDate", 0, 1), ("FactorsIdentifiedAtAssessment", 0, 1)),
    "FactorsIdentifiedAtAssessment": (("AssessmentFactors", 0, UNBOUNDED),),
    "CINPlanDates": (("CINPlanStartDate", 1, 1), ("CINPlanEndDate", 0, 1)),
    "Section47": (("S47ActualStartDate", 1, 1), ("InitialCPCtarget", 0, 1), ("DateOfInitialCPC", 0, 1),
                  ("ICPCnotRequired", 1, 1)),
    "ChildProtectionPlans": (("CPPstartDate", 1, 1), ("CPPendDate", 0, 1), ("InitialCategoryOfAbuse", 1, 1),
                             ("LatestCategoryOfAbuse", 1, 1), ("NumberOfPreviousCPP", 1, 1), ("Reviews", 0, 1)),
    "Reviews": (("CPPreviewDate", 1, UNBOUNDED),),
    "PreProceedingsandFGDM": (("PPStartDate", 0, 1), ("LBPSentDate", 0, 1), ("FGDMMeetingOffer", 0, 1),
                              ("FGDMMeetingFac", 0, 1), ("InitialPPMeetingDate", 0, 1), ("ReviewMeetingsCount", 0, 1),
                              ("StepDecisionDate", 0, 1), ("PPOutcome", 0, 1), ("CourtAppDate", 0, 1),
                              ("LetterInitCPDate", 0, 1)),
}

PATHS = {
    "Child": "Message/Children/Child",
    "ChildIdentifiers": "Message/Children/Child/ChildIdentifiers",
    "ChildCharacteristics": "Message/Children/Child/ChildCharacteristics",
    "Disabilities": "Message/Children/Child/ChildCharacteristics/Disabilities",
    "CINdetails": "Message/Children/Child/CINdetails",
    "Assessments": "Message/Children/Child/CINdetails/Assessments",
    "FactorsIdentifiedAtAssessment": "Message/Children/Child/CINdetails/Assessments/FactorsIdentifiedAtAssessment",
    "CINPlanDates": "Message/Children/Child/CINdetails/CINPlanDates",
    "Section47": "Message/Children/Child/CINdetails/Section47",
    "ChildProtectionPlans": "Message/Children/Child/CINdetails/ChildProtectionPlans",
    "Reviews": "Message/Children/Child/CINdetails/ChildProtectionPlans/Reviews",
    "PreProceedingsandFGDM": "Message/Children/Child/CINdetails/PreProceedingsandFGDM",
    "Header": "Message/Header",
    "CollectionDetails": "Message/Header/CollectionDetails",
    "Source": "Message/Header/Source",
    "Message": "Message",
    "Children": "Message/Children",
}

REASONS_FOR_CLOSURE = ("RC1", "RC2", "RC3", "RC4", "RC5", "RC6", "RC7", "RC8", "RC9")
GENDER_CURRENT = ("0", "1", "2", "9")
BOOLEAN_VALUES = ("true", "false", "TRUE", "FALSE", "True", "False", "0", "1")

# element path -> allowed values (checked on the distinct values; deviations are warnings, the value is kept)
CODE_LISTS: dict[str, tuple[str, ...]] = {
    "ChildIdentifiers/Sex": tuple(C.SEX),
    "ChildIdentifiers/GenderCurrent": GENDER_CURRENT,
    "ChildCharacteristics/Ethnicity": C.ETHNICITY_CODES,
    "Disabilities/Disability": tuple(C.DISABILITY_CODES),
    "CINdetails/ReferralSource": tuple(C.REFERRAL_SOURCES),
    "CINdetails/PrimaryNeedCode": tuple(C.NEED_CODES),
    "CINdetails/ReasonForClosure": REASONS_FOR_CLOSURE,
    "FactorsIdentifiedAtAssessment/AssessmentFactors": tuple(C.ASSESSMENT_FACTORS),
    "ChildProtectionPlans/InitialCategoryOfAbuse": tuple(C.CP_CATEGORIES),
    "ChildProtectionPlans/LatestCategoryOfAbuse": tuple(C.CP_CATEGORIES),
}


def check_children(type_name: str, tags: tuple[str, ...]) -> list[str]:
    """What deviates from the schema in a ``type_name`` element whose child elements are ``tags``
    (local names, in document order): each problem as ``Child/Element: what``."""
    spec = LAYOUT.get(type_name)
    if spec is None:
        return []
    position = {}
    for i, (names, _, _) in enumerate(spec):
        for n in names.split("|"):
            position[n] = i
    problems: list[str] = []
    counts = [0] * len(spec)
    last = -1
    for t in tags:
        i = position.get(t)
        if i is None:
            problems.append(f"{type_name}/{t}: an element the CIN census schema does not have here")
            continue
        if i < last:
            problems.append(f"{type_name}/{t}: out of the schema's order")
        last = max(last, i)
        counts[i] += 1
    for (names, lo, hi), n in zip(spec, counts, strict=True):
        shown = names.replace("|", " or ")
        if n < lo:
            problems.append(f"{type_name}/{shown}: required but missing")
        elif n > hi:
            problems.append(f"{type_name}/{shown}: appears {n} times, at most {hi} allowed")
    return problems
