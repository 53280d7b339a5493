"""The schemas of the registers of the arrangements' other evidence: quality-assurance visits and their actions,
the Safeguarding Together Action Group, the staff survey, the training needs analysis, contract monitoring, who was
heard, "you said, we did", professional disagreements and the partnership's funding.

``cscp_analysis.returns.schemas`` adds them, in this order, after the other registers (:data:`REGISTER_SCHEMAS`).
"""

from __future__ import annotations

from .schema_types import GRADES, Column, Pending, Relation, Schema, yes_no

__all__ = ["REGISTER_SCHEMAS", "QA_VISIT_STATUS", "CONTRACT_SERVICE_TYPES", "REACH_CHARACTERISTICS",
           "DISAGREEMENT_ISSUES", "SPEND_FUNCTIONS"]

REGISTER_SCHEMAS: list[Schema] = []


def _add(s: Schema) -> Schema:
    REGISTER_SCHEMAS.append(s)
    return s


QA_VISIT_STATUS = ("planned", "held", "cancelled")

_add(Schema(
    "qa_visits", "assurance/qa_visits.csv", "Quality-assurance visits",
    "One row per quality-assurance visit the partnership plans to a service of a partner agency (the continuous cycle "
    "of quality assurance and improvement): when it was planned, whether it was held, and the grade given.",
    "register",
    (
        Column("visit_id", "id", "Visit identifier", example="QAV-2026-014"),
        Column("agency", "code", "Agency whose service was visited", codes_from="agencies", example="HEALTH"),
        Column("service", "text", "Service or team visited", example="Emergency department"),
        Column("planned_date", "date", "Date the visit was planned for", planned=True),
        Column("visit_date", "date", "Date the visit was held (blank if not held)", nullable=True),
        Column("status", "code", "planned (not yet held), held, or cancelled", codes=QA_VISIT_STATUS, example="held"),
        Column("grade", "code", "Grade the visit gave the service (blank unless held)", codes=GRADES, nullable=True,
               example="good"),
        Column("focus", "text", "What the visit looked at", nullable=True, example="Voice of the child in records"),
    ),
    key=("visit_id",),
    date_order=(),
    owner="PARTNERSHIP",
    period_date="planned_date",
    pending=(Pending("visit_date", blank=("grade",), reset=(("status", "planned"),)),),
    as_at_note="a visit planned after the period end stays on the plan (planned); a visit held after it is 'planned' "
               "with no date or grade",
))

_add(Schema(
    "qa_visit_actions", "assurance/qa_visit_actions.csv", "Actions from quality-assurance visits",
    "One row per action a quality-assurance visit agreed with the service, with its due and completion dates.",
    "register",
    (
        Column("action_id", "id", "Action identifier", example="QAVA-0131"),
        Column("visit_id", "id", "The visit that raised it", example="QAV-2026-014"),
        Column("agency", "code", "Agency responsible", codes_from="agencies", example="HEALTH"),
        Column("raised_date", "date", "Date the action was agreed"),
        Column("due_date", "date", "Date it is due", planned=True),
        Column("status", "code", "Status", codes=("open", "complete"), example="open"),
        Column("completed_date", "date", "Date completed (blank while open)", nullable=True),
    ),
    key=("action_id",),
    relations=(Relation("visit_id", "qa_visits", "visit_id"),),
    date_order=(("raised_date", "due_date"), ("raised_date", "completed_date")),
    owner="PARTNERSHIP",
    period_date="raised_date",
    starts="raised_date",
    pending=(Pending("completed_date", reset=(("status", "open"),)),),
))

_add(Schema(
    "stag_attendance", "assurance/stag_attendance.csv", "Safeguarding Together Action Group attendance",
    "One row per meeting of the Safeguarding Together Action Group (STAG, front-line practitioners) and agency "
    "represented, with the number of practitioners who came.",
    "register",
    (
        Column("meeting_id", "id", "Meeting identifier", example="STAG-2026-07"),
        Column("meeting_date", "date", "Date of the meeting"),
        Column("agency", "code", "Agency of the practitioners", codes_from="agencies", example="EDUCATION"),
        Column("attendees", "integer", "Practitioners from the agency who attended", min=0, example="3"),
    ),
    key=("meeting_id", "agency"),
    owner="PARTNERSHIP",
    period_date="meeting_date",
    starts="meeting_date",
))

_add(Schema(
    "stag_issues", "assurance/stag_issues.csv", "Issues raised at the Safeguarding Together Action Group",
    "One row per issue practitioners raised at STAG: the theme, whether it was escalated to a subgroup or the "
    "executive, and the response.",
    "register",
    (
        Column("issue_id", "id", "Issue identifier", example="STAGI-0042"),
        Column("meeting_id", "id", "The meeting it was raised at", example="STAG-2026-07"),
        Column("meeting_date", "date", "Date of the meeting"),
        Column("agency", "code", "Agency of the practitioner who raised it", codes_from="agencies", example="HEALTH"),
        Column("theme", "text", "What was raised", example="Delays in strategy discussions out of hours"),
        yes_no("escalated", "Whether it was escalated to a subgroup or the executive", example="Y"),
        Column("escalated_to", "text", "Where it was escalated (blank if not escalated)", nullable=True,
               example="Audit and Performance subgroup"),
        Column("response", "text", "What was done in response (blank while awaited)", nullable=True),
        Column("response_date", "date", "Date the response was given (blank while awaited)", nullable=True),
    ),
    key=("issue_id",),
    date_order=(("meeting_date", "response_date"),),
    owner="PARTNERSHIP",
    period_date="meeting_date",
    starts="meeting_date",
    pending=(Pending("response_date", blank=("response",)),),
))

_add(Schema(
    "staff_survey", "assurance/staff_survey.csv", "Multi-agency staff survey responses",
    "One row per respondent and statement of the partnership's regular survey of practitioners (Likert 1 = strongly "
    "disagree to 5 = strongly agree). Anonymous: no names are collected.",
    "register",
    (
        Column("response_id", "id", "Anonymous respondent identifier within the survey", example="SS-2026A-0412"),
        Column("survey_date", "date", "Date the survey closed"),
        Column("agency", "code", "Respondent's agency", codes_from="agencies", example="HEALTH"),
        Column("item_id", "text", "Statement identifier", example="S3"),
        Column("item", "text", "The statement", example="I know how to escalate a concern about a child"),
        Column("response", "integer", "1 strongly disagree, 2 disagree, 3 neither, 4 agree, 5 strongly agree", min=1,
               max=5, nullable=True),
    ),
    key=("response_id", "item_id"),
    owner="PARTNERSHIP",
    period_date="survey_date",
    starts="survey_date",
))

_add(Schema(
    "training_needs", "assurance/training_needs.csv", "Training needs analysis",
    "One row per agency and topic of the annual multi-agency training needs analysis: how many staff need training "
    "on the topic in the year, and the course of the programme that meets the need (blank if none does).",
    "register",
    (
        Column("round", "text", "Financial year the analysis is for, YYYY-YY", example="2026-27"),
        Column("assessed_date", "date", "Date the agency's needs were submitted"),
        Column("agency", "code", "Agency", codes_from="agencies", example="EDUCATION"),
        Column("topic", "text", "Training topic", example="Child exploitation"),
        Column("course", "text", "Course of the multi-agency programme that meets the need (blank if none does)",
               nullable=True, example="Child criminal exploitation and county lines"),
        Column("staff_to_train", "integer", "Staff who need training on the topic in the year", min=0, example="45"),
        Column("priority", "code", "The agency's priority for the topic", codes=("high", "medium", "low"),
               example="high"),
    ),
    key=("round", "agency", "topic"),
    owner="PARTNERSHIP",
    period_date="assessed_date",
    starts="assessed_date",
))

CONTRACT_SERVICE_TYPES = ("childrens_home", "fostering_agency", "supported_accommodation", "short_breaks",
                          "alternative_provision", "home_to_school_transport", "youth_services")

_add(Schema(
    "contract_monitoring", "assurance/contract_monitoring.csv", "Contract monitoring of commissioned services",
    "One row per safeguarding standard rated at each contract-monitoring review of a commissioned provider, with "
    "whether a safeguarding concern was raised under it (reported to the Audit and Performance subgroup).",
    "register",
    (
        Column("review_id", "id", "Review identifier", example="CM-2026-031"),
        Column("review_date", "date", "Date of the review"),
        Column("provider", "text", "Provider", example="Northfield Children's Homes Ltd"),
        Column("service_type", "code", "Type of service", codes=CONTRACT_SERVICE_TYPES, example="childrens_home"),
        Column("standard_id", "text", "Safeguarding standard number", example="CM-3"),
        Column("standard", "text", "The standard", example="Safer recruitment checks complete"),
        Column("rating", "code", "Rating", codes=("met", "partly_met", "not_met"), example="met"),
        yes_no("concern_raised", "Whether a safeguarding concern was raised under this standard", example="N"),
    ),
    key=("review_id", "standard_id"),
    owner="PARTNERSHIP",
    period_date="review_date",
    starts="review_date",
))

REACH_CHARACTERISTICS = ("age_band", "sex", "ethnicity", "disability", "religion")

_add(Schema(
    "voice_reach", "assurance/voice_reach.csv", "Who was heard: participants by protected characteristic",
    "One row per engagement activity, protected characteristic and group: how many children and young people "
    "taking part were in the group, so that reach can be compared with the city's population. Counts of "
    "participations, not of children.",
    "register",
    (
        Column("activity_id", "id", "Activity identifier", example="VR-2026-011"),
        Column("activity_date", "date", "Date of the activity"),
        Column("activity", "text", "The activity", example="Your Voice Matters survey"),
        Column("characteristic", "code", "Protected characteristic", codes=REACH_CHARACTERISTICS, example="ethnicity"),
        Column("group", "text", "Group within the characteristic (age band 5 to 9, 10 to 15, 16 to 17; sex Male, "
               "Female; ethnicity White, Mixed, Asian, Black, Other; any characteristic: Not recorded)",
               example="Asian"),
        Column("participants", "integer", "Participants in the group", min=0, example="14"),
    ),
    key=("activity_id", "characteristic", "group"),
    owner="PARTNERSHIP",
    period_date="activity_date",
    starts="activity_date",
))

_add(Schema(
    "you_said_we_did", "assurance/you_said_we_did.csv", "You said, we did",
    "One row per theme children, families or practitioners raised with the partnership, with what was done and when.",
    "register",
    (
        Column("theme_id", "id", "Theme identifier", example="YSWD-0057"),
        Column("raised_date", "date", "Date the theme was raised"),
        Column("voice_of", "code", "Who raised it", codes=("children", "families", "practitioners"), example="children"),
        Column("forum", "text", "Where it was raised", example="Youth forum"),
        Column("theme", "text", "What was said", example="Feeling unsafe at bus stations"),
        Column("lead_agency", "code", "Agency leading the response", codes_from="agencies", example="PARTNERSHIP"),
        Column("we_did", "text", "What was done (blank while awaited)", nullable=True),
        Column("response_date", "date", "Date it was done (blank while awaited)", nullable=True),
    ),
    key=("theme_id",),
    date_order=(("raised_date", "response_date"),),
    owner="PARTNERSHIP",
    period_date="raised_date",
    starts="raised_date",
    pending=(Pending("response_date", blank=("we_did",)),),
))

DISAGREEMENT_ISSUES = ("threshold_decision", "plan_or_progress", "information_sharing", "response_to_referral",
                       "other")

_add(Schema(
    "professional_disagreements", "assurance/professional_disagreements.csv", "Professional disagreements (escalation)",
    "One row per professional disagreement escalated under the partnership's resolution and escalation protocol: "
    "who raised it with whom, the highest stage it reached and how it ended.",
    "register",
    (
        Column("escalation_id", "id", "Escalation identifier", example="ESC-2026-0088"),
        Column("raised_date", "date", "Date the disagreement was raised"),
        Column("raised_by", "code", "Agency of the practitioner who raised it", codes_from="agencies", example="EDUCATION"),
        Column("raised_with", "code", "Agency it was raised with", codes_from="agencies", example="CSC"),
        Column("issue", "code", "What it was about", codes=DISAGREEMENT_ISSUES, example="threshold_decision"),
        Column("stage_reached", "integer", "Highest stage of the protocol reached (1 practitioners to 4 the "
               "partnership's executive)", min=1, max=4, example="2"),
        Column("outcome", "code", "resolved, withdrawn or ongoing", codes=("resolved", "withdrawn", "ongoing"),
               example="resolved"),
        Column("resolved_date", "date", "Date it was resolved or withdrawn (blank while ongoing)", nullable=True),
    ),
    key=("escalation_id",),
    date_order=(("raised_date", "resolved_date"),),
    owner="PARTNERSHIP",
    period_date="raised_date",
    starts="raised_date",
    pending=(Pending("resolved_date", reset=(("outcome", "ongoing"),)),),
    as_at_note="the stage reached is as the register stands, which may include a stage reached after the period end",
))

SPEND_FUNCTIONS = ("business_unit", "independent_scrutiny", "training", "practice_reviews", "child_death_reviews",
                   "voice_and_engagement", "other")

_add(Schema(
    "funding_contributions", "assurance/funding_contributions.csv", "Partnership funding: contributions",
    "One row per partner and financial year: what it contributed to the partnership's budget (Working Together 2023: "
    "the safeguarding partners agree the level of funding, equitable and proportionate).",
    "register",
    (
        Column("year", "text", "Financial year, YYYY-YY", example="2025-26"),
        Column("partner", "text", "Contributing organisation", example="West Midlands Police"),
        Column("agency", "code", "Agency code of the partner", codes_from="agencies", example="POLICE"),
        Column("contribution", "integer", "Contribution in pounds", min=0, example="95000"),
        Column("agreed_date", "date", "Date the contribution was agreed"),
    ),
    key=("year", "partner"),
    owner="PARTNERSHIP",
    period_date="agreed_date",
    starts="agreed_date",
))

_add(Schema(
    "funding_spend", "assurance/funding_spend.csv", "Partnership funding: spend",
    "One row per function and financial year: the budget and what was spent (the outturn, recorded once the year's "
    "accounts are closed).",
    "register",
    (
        Column("year", "text", "Financial year, YYYY-YY", example="2025-26"),
        Column("function", "code", "What the money paid for", codes=SPEND_FUNCTIONS, example="business_unit"),
        Column("budget", "integer", "Budget in pounds", min=0, example="310000"),
        Column("spent", "integer", "Outturn in pounds", min=0, example="322500"),
        Column("recorded_date", "date", "Date the outturn was recorded"),
    ),
    key=("year", "function"),
    owner="PARTNERSHIP",
    period_date="recorded_date",
    starts="recorded_date",
))
