"""Quality-assurance evidence beyond the scorecard, one module per register (docs/architecture.md §1).

=====================  ==========================================================  ============
module                 evidence                                                    lens
=====================  ==========================================================  ============
``audits``             multi-agency thematic case-file audits                      professional
``self_assessment``    Section 11 and Section 175/157 self-assessments             professional
``reviews``            rapid reviews and local child safeguarding practice reviews professional
``training``           training reach, confidence before and after, follow-up      professional
``actions``            the SMART action plan fed by every lens                     professional
``voice``              Your Voice Matters survey and engagement sessions           citizen
``lado``               allegations against people who work with children           provider
``child_deaths``       child deaths reviewed by CDOP                               professional
``qa_visits``          quality-assurance visits and the closure of their actions   professional
``practitioners``      STAG attendance and issues, and the staff survey            professional
``training_needs``     the training needs analysis against the training delivered  professional
``contracts``          contract monitoring of commissioned services                provider
``reach``              who was heard, by protected characteristic                  citizen
``you_said``           "you said, we did"                                          citizen
``disagreements``      professional disagreements (escalation and resolution)      professional
``funding``            contributions by partner and spend by function              independent
=====================  ==========================================================  ============

Every function is pure: registers (DataFrames, as the loader returns them) and a period in, tidy
unrounded DataFrames out; nothing reads files or the clock. Publication (small-number suppression)
is :mod:`.publish`, a thin layer over :mod:`cscp_analysis.disclosure`. Each module has
``findings(returns_or_tables, period, config) -> list[narrative.Finding]``; :func:`findings` gathers
them all for the scrutiny summary. Decisions are written down in ``docs/assurance.md``.
"""

from __future__ import annotations

from ..narrative import Finding
from ..periods import Period
from . import (
    actions,
    audits,
    child_deaths,
    contracts,
    disagreements,
    funding,
    lado,
    practitioners,
    qa_visits,
    reach,
    reviews,
    self_assessment,
    training,
    training_needs,
    voice,
    you_said,
)

__all__ = [
    "actions",
    "audits",
    "child_deaths",
    "lado",
    "reviews",
    "self_assessment",
    "training",
    "voice",
    "qa_visits",
    "practitioners",
    "training_needs",
    "contracts",
    "reach",
    "you_said",
    "disagreements",
    "funding",
    "AREAS",
    "LENS",
    "REGISTERS",
    "ANNUAL_CHAPTER",
    "findings",
]

# area -> module, in the order of the notebook
AREAS = {
    "audits": audits,
    "self_assessment": self_assessment,
    "reviews": reviews,
    "training": training,
    "actions": actions,
    "voice": voice,
    "lado": lado,
    "child_deaths": child_deaths,
    "qa_visits": qa_visits,
    "practitioners": practitioners,
    "training_needs": training_needs,
    "contract_monitoring": contracts,
    "voice_reach": reach,
    "you_said_we_did": you_said,
    "disagreements": disagreements,
    "funding": funding,
}

# The lens each area's tables and figures are published under (docs/assurance.md explains the choices:
# the action plan sits under professional, where the partnership's learning cycle is reported, and its
# inspection and scrutiny actions are also shown under independent; CDOP is a multi-agency review of
# practice, like rapid reviews, so it sits under professional; the partnership's funding is scrutinised as
# part of the arrangements themselves, so it sits under independent).
LENS = {
    "audits": "professional",
    "self_assessment": "professional",
    "reviews": "professional",
    "training": "professional",
    "actions": "professional",
    "voice": "citizen",
    "lado": "provider",
    "child_deaths": "professional",
    "qa_visits": "professional",
    "practitioners": "professional",
    "training_needs": "professional",
    "contract_monitoring": "provider",
    "voice_reach": "citizen",
    "you_said_we_did": "citizen",
    "disagreements": "professional",
    "funding": "independent",
}


# area -> the registers (tables of the returns) it reads; every register has a schema in returns/schemas.py
# and a generator in synthetic/assurance.py (tests/assurance/test_catalogue.py checks both)
REGISTERS = {
    "audits": ("audits",),
    "self_assessment": ("self_assessments",),
    "reviews": ("reviews",),
    "training": ("training_attendance", "training_evaluation"),
    "actions": ("actions",),
    "voice": ("voice_responses", "voice_sessions"),
    "lado": ("lado",),
    "child_deaths": ("child_deaths",),
    "qa_visits": ("qa_visits", "qa_visit_actions"),
    "practitioners": ("stag_attendance", "stag_issues", "staff_survey"),
    "training_needs": ("training_needs",),
    "contract_monitoring": ("contract_monitoring",),
    "voice_reach": ("voice_reach",),
    "you_said_we_did": ("you_said_we_did",),
    "disagreements": ("professional_disagreements",),
    "funding": ("funding_contributions", "funding_spend"),
}

# area -> its chapter of the annual-report figure book (annual/contents.py)
ANNUAL_CHAPTER = {
    "audits": "audits",
    "self_assessment": "self_assessment",
    "reviews": "reviews",
    "training": "training",
    "actions": "actions",
    "voice": "voice",
    "lado": "lado",
    "child_deaths": "cdop",
    "qa_visits": "qa_visits",
    "practitioners": "practitioners",
    "training_needs": "training_needs",
    "contract_monitoring": "contracts",
    "voice_reach": "voice_reach",
    "you_said_we_did": "you_said_we_did",
    "disagreements": "disagreements",
    "funding": "funding",
}


def findings(returns_or_tables, period: str | Period, config=None) -> list[Finding]:
    """Every assurance finding for the period, area by area (in the order of ``AREAS``)."""
    out: list[Finding] = []
    for module in AREAS.values():
        out.extend(module.findings(returns_or_tables, period, config))
    return out
