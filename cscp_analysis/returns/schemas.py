"""The one place that defines every return the package reads.

Each :class:`Schema` names its file (relative to the partnership's data folder), its columns with
their types and allowed codes, its key, its parent tables and the dates that must be in order.
The synthetic generator writes to these schemas, validation checks against them, and the data
dictionary (``docs/data_dictionary.md``) and the partners' blank templates are generated from them,
so they cannot drift apart. The building blocks (:class:`Column`, :class:`Schema`, ...) are in
``schema_types``; the registers of the arrangements' other evidence (quality-assurance visits to funding) in
``schemas_assurance``, added here after the other registers.

Data folder layout (``data_raw/<partnership>/``)::

    population/population.csv        mid-year population 0-17 by age, sex and ethnicity
    csc/*.csv                        record-level children's social care extract (cumulative)
    assurance/*.csv                  the partnership's registers: audits, reviews, training, ...
    <period>/<agency>.csv            each partner's aggregate quarterly return (tidy)
    <period>/commentary.csv          each agency's written analysis for the quarter
    <period>/submissions.csv         when each return was due and received

Column types:
    id       text identifier (pseudonymised for people)
    text     free text
    code     one of a fixed list (``codes``) or of a configured list (``codes_from``)
    date     a calendar date (ISO ``YYYY-MM-DD`` in CSV; Excel dates or serials accepted)
    integer  a whole number (``min`` gives its lower bound)
    period   a financial quarter ``YYYY-YY-Qn``
"""

from __future__ import annotations

from .. import codes as C
from .schema_types import GRADES, TYPES, Column, Pending, Relation, Schema
from .schema_types import yes_no as _yn
from .schemas_assurance import REGISTER_SCHEMAS

__all__ = ["TYPES", "Column", "Relation", "Pending", "Schema", "SCHEMAS", "schema", "CSC_TABLES", "ASSURANCE_TABLES", "PERIOD_TABLES"]

CHILD_ID = Column("child_id", "id", "Pseudonymised child identifier, the same in every table of the extract", example="CH0001234")

_SCHEMAS: list[Schema] = []


def _add(s: Schema) -> Schema:
    _SCHEMAS.append(s)
    return s


# --- population -------------------------------------------------------------------------------

_add(Schema(
    "population", "population/population.csv", "Population aged 0 to 17",
    "Mid-year resident population aged 0 to 17 by single year of age, sex and ethnicity: the denominator of every "
    "rate per 10,000 children. Shaped on ONS mid-year estimates and Census 2021 ethnic groups.",
    "population",
    (
        Column("year", "integer", "Mid-year of the estimate (30 June of this year)", min=2000, max=2100, example="2025"),
        Column("age", "integer", "Age in whole years", min=0, max=17, example="7"),
        Column("sex", "code", "Sex", codes=("M", "F"), example="F"),
        Column("ethnicity", "code", "DfE ethnicity code", codes=C.ETHNICITY_CODES, example="WBRI"),
        Column("population", "integer", "Number of children", min=0, example="1520"),
    ),
    key=("year", "age", "sex", "ethnicity"),
    owner="PARTNERSHIP",
))

# --- children's social care extract --------------------------------------------------------------

_add(Schema(
    "children", "csc/children.csv", "Children",
    "One row per child known to children's social care in the extract, with the characteristics used for "
    "disproportionality analysis (children-in-need census module 'child identifiers' and 'characteristics').",
    "extract",
    (
        CHILD_ID,
        Column("date_of_birth", "date", "Date of birth", example="2014-05-03"),
        Column("sex", "code", "Sex (U: not known or not recorded)", codes=tuple(C.SEX), example="M"),
        Column("ethnicity", "code", "DfE ethnicity code (REFU refused, NOBT not yet obtained)", codes=C.ETHNICITY_CODES, example="BAFR"),
        Column("disability", "code", "Disabled under the Equality Act 2010 (U: not known); derived from disability_codes "
               "where they are given (Y: any code other than NONE, N: NONE only, U: no code)", codes=tuple(C.DISABILITY),
               example="N"),
        Column("disability_codes", "text", "DfE disability codes of the children-in-need census, separated by ';' ("
               + ", ".join(C.DISABILITY_CODES) + "; NONE: no disability; blank: none recorded)", required=False,
               nullable=True, example="LD;AUT"),
        _yn("uasc", "Unaccompanied asylum-seeking child", required=False, nullable=True, example="N"),
    ),
    key=("child_id",),
    owner="CSC",
    as_at_note="a child is kept when any row of the extract kept as at the period end refers to them, or, if no row "
               "of the extract refers to them at all, when they were born by the period end",
))

_add(Schema(
    "referrals", "csc/referrals.csv", "Referrals to children's social care",
    "One row per referral accepted by children's social care (CIN census: referral date, source, outcome).",
    "extract",
    (
        Column("referral_id", "id", "Referral identifier", example="R0004567"),
        CHILD_ID,
        Column("referral_date", "date", "Date the referral was received", example="2026-07-14"),
        Column("referral_source", "code", "Source of referral (CIN census codes)", codes=tuple(C.REFERRAL_SOURCES), example="6"),
        Column("primary_need", "code", "Primary need code at referral", codes=tuple(C.NEED_CODES), nullable=True, example="N1"),
        Column("referral_outcome", "code", "What happened next: an assessment, no further action, step down to early help, "
               "or information and advice only", codes=("ASSESSMENT", "NFA", "EARLY_HELP", "INFO_ADVICE"), example="ASSESSMENT"),
        Column("cin_closure_date", "date", "Date the child-in-need episode opened by this referral closed (blank while open)",
               nullable=True, example="2026-11-02"),
    ),
    key=("referral_id",),
    relations=(Relation("child_id", "children", "child_id"),),
    date_order=(("referral_date", "cin_closure_date"),),
    owner="CSC",
    period_date="referral_date",
    starts="referral_date",
    pending=(Pending("cin_closure_date"),),
))

_add(Schema(
    "assessments", "csc/assessments.csv", "Children and family assessments",
    "One row per single assessment (CIN census: assessment start and authorisation dates, factors).",
    "extract",
    (
        Column("assessment_id", "id", "Assessment identifier", example="A0003456"),
        Column("referral_id", "id", "The referral the assessment belongs to", example="R0004567"),
        CHILD_ID,
        Column("assessment_start", "date", "Date the assessment started", example="2026-07-15"),
        Column("assessment_authorised", "date", "Date the assessment was completed and authorised (blank while open)",
               nullable=True, example="2026-08-20"),
        Column("factors", "text", "Factors identified at the end of assessment, codes separated by ';' ("
               + ", ".join(C.ASSESSMENT_FACTORS) + ": the children-in-need census codes)", nullable=True, example="3B;4B"),
        Column("assessment_outcome", "code", "Outcome: child in need plan, section 47 enquiry, no further action, step down",
               codes=("CIN_PLAN", "S47", "NFA", "STEP_DOWN"), nullable=True, example="CIN_PLAN"),
    ),
    key=("assessment_id",),
    relations=(Relation("referral_id", "referrals", "referral_id"), Relation("child_id", "children", "child_id")),
    date_order=(("assessment_start", "assessment_authorised"),),
    owner="CSC",
    period_date="assessment_authorised",
    starts="assessment_start",
    pending=(Pending("assessment_authorised", blank=("factors", "assessment_outcome")),),
))

_add(Schema(
    "section47", "csc/section47.csv", "Section 47 enquiries",
    "One row per section 47 enquiry, with the strategy discussion that started it (CIN census section 47 module).",
    "extract",
    (
        Column("s47_id", "id", "Section 47 enquiry identifier", example="S0001234"),
        Column("referral_id", "id", "The referral the enquiry belongs to", example="R0004567"),
        CHILD_ID,
        Column("strategy_discussion_date", "date", "Date of the strategy discussion (blank when the source does not "
               "record it: the children-in-need census does not, Ofsted's Annex A List 5 does)", nullable=True,
               example="2026-07-16"),
        Column("s47_start", "date", "Date the section 47 enquiry started (blank when the source does not record it: "
               "Annex A alone does not)", nullable=True, example="2026-07-16"),
        Column("s47_end", "date", "Date the enquiry concluded (blank while open)", nullable=True, example="2026-07-30"),
        _yn("icpc_required", "Whether the enquiry concluded that an initial child protection conference was needed "
            "(blank while open)", nullable=True, example="Y"),
    ),
    key=("s47_id",),
    relations=(Relation("referral_id", "referrals", "referral_id"), Relation("child_id", "children", "child_id")),
    date_order=(("strategy_discussion_date", "s47_start"), ("s47_start", "s47_end")),
    owner="CSC",
    period_date="s47_start",
    starts="s47_start",
    pending=(Pending("s47_end", blank=("icpc_required",)),),
))

_add(Schema(
    "icpc", "csc/icpc.csv", "Initial child protection conferences",
    "One row per initial child protection conference (CIN census: date of ICPC, whether a plan was made).",
    "extract",
    (
        Column("icpc_id", "id", "Conference identifier", example="I0000456"),
        Column("s47_id", "id", "The section 47 enquiry that led to it (blank when the source records the conference without "
               "an enquiry of its own: the CIN census's conference date at episode level, e.g. after another "
               "authority's enquiry)", nullable=True, example="S0001234"),
        CHILD_ID,
        Column("icpc_date", "date", "Date of the conference", example="2026-08-05"),
        _yn("plan_made", "Whether the child was made subject to a child protection plan", example="Y"),
    ),
    key=("icpc_id",),
    relations=(Relation("s47_id", "section47", "s47_id"), Relation("child_id", "children", "child_id")),
    owner="CSC",
    period_date="icpc_date",
    starts="icpc_date",
))

_add(Schema(
    "cp_plans", "csc/cp_plans.csv", "Child protection plans",
    "One row per child protection plan, including plans that started before the extract's first period (for repeat "
    "plans and duration) (CIN census child protection plan module).",
    "extract",
    (
        Column("plan_id", "id", "Plan identifier", example="P0000345"),
        CHILD_ID,
        Column("icpc_id", "id", "The conference that made the plan (blank for plans from before the extract or transferred in)",
               nullable=True, example="I0000456"),
        Column("plan_start", "date", "Date the plan started", example="2026-08-05"),
        Column("plan_end", "date", "Date the plan ended (blank while open)", nullable=True, example="2027-02-10"),
        Column("category", "code", "Initial category of abuse", codes=tuple(C.CP_CATEGORIES), example="NEG"),
    ),
    key=("plan_id",),
    relations=(Relation("child_id", "children", "child_id"), Relation("icpc_id", "icpc", "icpc_id")),
    date_order=(("plan_start", "plan_end"),),
    owner="CSC",
    period_date="plan_start",
    starts="plan_start",
    pending=(Pending("plan_end"),),
))

_add(Schema(
    "cla_periods", "csc/cla_periods.csv", "Periods of care (children looked after)",
    "One row per period of care (SSDA903 episodes combined into periods), including periods that started before the "
    "extract's first period.",
    "extract",
    (
        Column("cla_id", "id", "Period-of-care identifier", example="L0000123"),
        CHILD_ID,
        Column("cla_start", "date", "Date the child started to be looked after", example="2025-11-03"),
        Column("cla_end", "date", "Date the child ceased to be looked after (blank while looked after)", nullable=True),
        Column("legal_status", "code", "Legal status at the start", codes=tuple(C.CLA_LEGAL_STATUS), example="C2"),
        Column("category_of_need", "code", "Category of need", codes=tuple(C.NEED_CODES), example="N1"),
    ),
    key=("cla_id",),
    relations=(Relation("child_id", "children", "child_id"),),
    date_order=(("cla_start", "cla_end"),),
    owner="CSC",
    period_date="cla_start",
    starts="cla_start",
    pending=(Pending("cla_end"),),
))

_add(Schema(
    "cla_placements", "csc/cla_placements.csv", "Placements of looked-after children",
    "One row per placement within a period of care (for placement stability: three or more placements in a year).",
    "extract",
    (
        Column("placement_id", "id", "Placement identifier", example="PL0000456"),
        Column("cla_id", "id", "The period of care", example="L0000123"),
        CHILD_ID,
        Column("placement_start", "date", "Date the placement started", example="2025-11-03"),
        Column("placement_end", "date", "Date the placement ended (blank while current)", nullable=True),
        Column("placement_type", "code", "Type of placement", codes=tuple(C.PLACEMENT_TYPES), example="FOSTER"),
    ),
    key=("placement_id",),
    relations=(Relation("cla_id", "cla_periods", "cla_id"), Relation("child_id", "children", "child_id")),
    date_order=(("placement_start", "placement_end"),),
    owner="CSC",
    period_date="placement_start",
    starts="placement_start",
    pending=(Pending("placement_end"),),
))

_add(Schema(
    "missing_episodes", "csc/missing_episodes.csv", "Missing episodes",
    "One row per episode of a child going missing from home or care, with the return home interview offered.",
    "extract",
    (
        Column("missing_id", "id", "Episode identifier", example="M0001234"),
        CHILD_ID,
        Column("missing_start", "date", "Date the child was reported missing", example="2026-08-12"),
        Column("missing_end", "date", "Date the child was found or returned (blank while missing)", nullable=True),
        _yn("looked_after", "Whether the child was looked after at the time", example="N"),
        _yn("rhi_offered", "Whether a return home interview was offered (blank when the source does not record it: "
            "the SSDA903 return does not)", nullable=True, example="Y"),
        Column("rhi_date", "date", "Date the return home interview took place (blank if none)", nullable=True),
    ),
    key=("missing_id",),
    relations=(Relation("child_id", "children", "child_id"),),
    date_order=(("missing_start", "missing_end"), ("missing_start", "rhi_date")),
    owner="CSC",
    period_date="missing_start",
    starts="missing_start",
    pending=(Pending("missing_end"), Pending("rhi_date")),
))

# --- partners' quarterly returns -----------------------------------------------------------------

_add(Schema(
    "partner_return", "{period}/{agency}.csv", "Partner agency quarterly return",
    "A partner's aggregate figures for the quarter in one tidy format: one row per indicator, breakdown and group. "
    "breakdown 'total' with group 'all' is the headline figure; other breakdowns (ethnicity, sex, age_band, ...) "
    "split it. The denominator is blank for counts.",
    "period",
    (
        Column("period", "period", "The quarter the figures are for", example="2026-27-Q2"),
        Column("agency", "code", "Agency code", codes_from="agencies", example="POLICE"),
        Column("indicator", "code", "Indicator code from the partnership's return specification", codes_from="partner_indicators",
               example="POL_DA_CHILDREN"),
        Column("breakdown", "text", "What the rows are split by: total, ethnicity, sex, age_band, ...", example="total"),
        Column("group", "text", "The group within the breakdown ('all' for the total)", example="all"),
        Column("numerator", "integer", "The count", min=0, example="412"),
        Column("denominator", "integer", "The denominator, for percentages and rates (blank for counts)", min=0, nullable=True,
               example=""),
    ),
    key=("period", "agency", "indicator", "breakdown", "group"),
))

_add(Schema(
    "commentary", "{period}/commentary.csv", "Partners' commentary",
    "Each agency's written analysis of its figures for the quarter: one row per agency, and optionally one per "
    "indicator. Shown beside the agency's data in the scorecard.",
    "period",
    (
        Column("period", "period", "The quarter", example="2026-27-Q2"),
        Column("agency", "code", "Agency code", codes_from="agencies", example="POLICE"),
        Column("indicator", "text", "Indicator it refers to (blank: the agency's overall commentary)", nullable=True),
        Column("commentary", "text", "What the figures show, why, and what the agency is doing about it"),
        Column("author_role", "text", "Role of the person who wrote it", required=False, nullable=True, example="Head of Service"),
    ),
    key=("period", "agency", "indicator"),
))

_add(Schema(
    "submissions", "{period}/submissions.csv", "Return submissions log",
    "Kept by the partnership business unit: when each agency's return was due and when it arrived (blank if it has not).",
    "period",
    (
        Column("period", "period", "The quarter", example="2026-27-Q2"),
        Column("agency", "code", "Agency code", codes_from="agencies", example="HEALTH"),
        Column("return_name", "text", "File expected", example="health.csv"),
        Column("due_date", "date", "Date the return was due"),
        Column("received_date", "date", "Date it was received (blank if not received)", nullable=True),
    ),
    key=("period", "agency", "return_name"),
    owner="PARTNERSHIP",
))

# --- the partnership's assurance registers -----------------------------------------------------

_GRADES = GRADES

_add(Schema(
    "audits", "assurance/audits.csv", "Multi-agency case-file audit grades",
    "One row per case, agency and key line of enquiry of each multi-agency thematic audit (one a quarter).",
    "register",
    (
        Column("audit_id", "id", "Audit identifier (one per thematic audit)", example="MACA-2026-Q2"),
        Column("audit_date", "date", "Date of the audit panel"),
        Column("theme", "text", "Theme of the audit", example="Neglect"),
        Column("case_ref", "id", "Pseudonymised case reference", example="CASE-07"),
        Column("agency", "code", "Agency whose practice was graded", codes_from="agencies", example="HEALTH"),
        Column("line_of_enquiry", "text", "Key line of enquiry", example="Voice of the child"),
        Column("grade", "code", "Grade", codes=_GRADES, example="good"),
    ),
    key=("audit_id", "case_ref", "agency", "line_of_enquiry"),
    owner="PARTNERSHIP",
    period_date="audit_date",
    starts="audit_date",
))

_add(Schema(
    "self_assessments", "assurance/self_assessments.csv", "Section 11 and Section 175/157 self-assessments",
    "One row per organisation and standard of each round: Section 11 (Children Act 2004, every two years) for "
    "agencies, Section 175/157 (Education Act 2002, annual) for schools and colleges.",
    "register",
    (
        Column("framework", "code", "S11 or S175", codes=("S11", "S175"), example="S11"),
        Column("round", "text", "Round of the self-assessment, a financial or academic year", example="2025-26"),
        Column("organisation", "text", "Organisation that completed it", example="West Midlands Police"),
        Column("agency", "code", "Agency code of the organisation", codes_from="agencies", example="POLICE"),
        Column("standard_id", "text", "Standard number", example="S11-3"),
        Column("standard", "text", "The standard", example="Safer recruitment"),
        Column("rating", "code", "Self-rating, or not_submitted", codes=("met", "partly_met", "not_met", "not_submitted"), example="met"),
        Column("submitted_date", "date", "Date submitted (blank if not submitted)", nullable=True),
    ),
    key=("framework", "round", "organisation", "standard_id"),
    owner="PARTNERSHIP",
    period_date="submitted_date",
    pending=(Pending("submitted_date", reset=(("rating", "not_submitted"),)),),
    as_at_note="rows of a round that starts after the period end are left out (a Section 11 round starts on 1 April "
               "of its first year, a Section 175 round on 1 September)",
))

_add(Schema(
    "reviews", "assurance/reviews.csv", "Rapid reviews and local child safeguarding practice reviews",
    "One row per serious incident notified to the Child Safeguarding Practice Review Panel, with its rapid review "
    "and, where decided, the local child safeguarding practice review (Working Together 2023).",
    "register",
    (
        Column("review_id", "id", "Case identifier", example="RR-2026-03"),
        Column("notification_date", "date", "Date the serious incident was notified to the national panel"),
        Column("rapid_review_date", "date", "Date the rapid review was completed and sent to the panel (blank if not yet)", nullable=True),
        Column("decision", "code", "Decision: local practice review, no review, national review, or pending",
               codes=("LCSPR", "NO_REVIEW", "NATIONAL", "PENDING"), example="LCSPR"),
        Column("lcspr_commissioned_date", "date", "Date a local practice review was commissioned", nullable=True),
        Column("lcspr_due_date", "date", "Date the local practice review is due to be published", nullable=True,
               planned=True),
        Column("lcspr_published_date", "date", "Date it was published", nullable=True),
        Column("themes", "text", "Learning themes, separated by ';'", nullable=True, example="Neglect;Information sharing"),
    ),
    key=("review_id",),
    date_order=(("notification_date", "rapid_review_date"), ("lcspr_commissioned_date", "lcspr_published_date")),
    owner="PARTNERSHIP",
    period_date="notification_date",
    starts="notification_date",
    pending=(
        Pending("rapid_review_date", blank=("lcspr_commissioned_date", "lcspr_due_date", "lcspr_published_date"),
                reset=(("decision", "PENDING"),)),
        Pending("lcspr_commissioned_date", blank=("lcspr_due_date", "lcspr_published_date")),
        Pending("lcspr_published_date"),
    ),
))

_add(Schema(
    "training_attendance", "assurance/training_attendance.csv", "Multi-agency training attendance",
    "One row per place booked on a multi-agency safeguarding course.",
    "register",
    (
        Column("booking_id", "id", "Booking identifier", example="TB-000123"),
        Column("course", "text", "Course title", example="Neglect and the Graded Care Profile"),
        Column("session_date", "date", "Date of the session"),
        Column("agency", "code", "Learner's agency", codes_from="agencies", example="EDUCATION"),
        _yn("attended", "Whether the learner attended", example="Y"),
    ),
    key=("booking_id",),
    owner="PARTNERSHIP",
    period_date="session_date",
    starts="session_date",
))

_add(Schema(
    "training_evaluation", "assurance/training_evaluation.csv", "Training evaluation",
    "One row per learner's evaluation: confidence before and after the course (1 to 10), and at three-month "
    "follow-up whether practice changed.",
    "register",
    (
        Column("response_id", "id", "Response identifier", example="TE-000123"),
        Column("course", "text", "Course title"),
        Column("session_date", "date", "Date of the session"),
        Column("agency", "code", "Learner's agency", codes_from="agencies"),
        Column("confidence_before", "integer", "Self-rated confidence before the course", min=1, max=10, example="5"),
        Column("confidence_after", "integer", "Self-rated confidence after the course", min=1, max=10, example="8"),
        _yn("changed_practice", "At follow-up: has the course changed your practice? (blank: no follow-up response)", nullable=True),
    ),
    key=("response_id",),
    owner="PARTNERSHIP",
    period_date="session_date",
    starts="session_date",
    as_at_note="the three-month follow-up answer (changed_practice) is blanked when the session was less than 91 "
               "days before the period end",
))

_add(Schema(
    "actions", "assurance/actions.csv", "Partnership action plan",
    "One row per SMART action raised by an audit, review, scrutiny or inspection, as the tracker stood at the "
    "latest period end.",
    "register",
    (
        Column("action_id", "id", "Action identifier", example="ACT-0042"),
        Column("source_type", "code", "Where the action came from",
               codes=("AUDIT", "RAPID_REVIEW", "LCSPR", "SCRUTINY", "INSPECTION", "S11", "S175"), example="AUDIT"),
        Column("source_ref", "text", "Reference of the source (audit or review identifier)", example="MACA-2026-Q2"),
        Column("description", "text", "The action"),
        Column("owner_agency", "code", "Agency responsible", codes_from="agencies"),
        Column("raised_date", "date", "Date the action was agreed"),
        Column("due_date", "date", "Date it is due", planned=True),
        Column("status", "code", "Status", codes=("open", "complete"), example="open"),
        Column("completed_date", "date", "Date completed (blank while open)", nullable=True),
    ),
    key=("action_id",),
    date_order=(("raised_date", "due_date"), ("raised_date", "completed_date")),
    owner="PARTNERSHIP",
    period_date="raised_date",
    starts="raised_date",
    pending=(Pending("completed_date", reset=(("status", "open"),)),),
))

_add(Schema(
    "voice_responses", "assurance/voice_responses.csv", "Your Voice Matters survey responses",
    "One row per respondent and item of the quarterly survey of children and young people (Likert 1 = strongly "
    "disagree to 5 = strongly agree). No names or identifiers are collected.",
    "register",
    (
        Column("response_id", "id", "Anonymous respondent identifier within the survey", example="YVM-2026Q2-0031"),
        Column("survey_date", "date", "Date of the survey"),
        Column("setting", "text", "Where it was run (school group, youth forum, children in care council)"),
        Column("age_band", "code", "Respondent's age band", codes=("8-10", "11-13", "14-15", "16-17"), nullable=True),
        Column("item_id", "text", "Item identifier", example="Q3"),
        Column("item", "text", "The statement", example="I know who to talk to if I feel unsafe"),
        Column("response", "integer", "1 strongly disagree, 2 disagree, 3 neither, 4 agree, 5 strongly agree", min=1, max=5,
               nullable=True),
    ),
    key=("response_id", "item_id"),
    owner="PARTNERSHIP",
    period_date="survey_date",
    starts="survey_date",
))

_add(Schema(
    "voice_sessions", "assurance/voice_sessions.csv", "Voice of children sessions",
    "One row per engagement session with children, young people or parents, with the themes they raised and what "
    "the partnership did in response.",
    "register",
    (
        Column("session_id", "id", "Session identifier", example="VS-2026-07"),
        Column("session_date", "date", "Date"),
        Column("setting", "text", "Group or setting"),
        Column("participants", "integer", "Number of participants", min=0),
        Column("themes", "text", "Themes raised, separated by ';'", nullable=True),
        Column("you_said_we_did", "text", "What the partnership did in response", nullable=True),
    ),
    key=("session_id",),
    owner="PARTNERSHIP",
    period_date="session_date",
    starts="session_date",
))

_add(Schema(
    "lado", "assurance/lado.csv", "LADO allegations",
    "One row per allegation against a person who works with children referred to the Local Authority Designated "
    "Officer (Working Together 2023, chapter 2).",
    "register",
    (
        Column("allegation_id", "id", "Allegation identifier", example="LADO-2026-0123"),
        Column("date_received", "date", "Date the referral reached the LADO"),
        Column("employer_sector", "code", "Sector of the person's employer",
               codes=("education", "early_years", "health", "social_care", "police", "faith", "sport", "transport", "other"),
               example="education"),
        Column("allegation_category", "code", "Category", codes=("physical", "sexual", "emotional", "neglect", "suitability"),
               example="physical"),
        _yn("threshold_met", "Whether the harm threshold was met (progressed to an allegations management meeting)"),
        Column("initial_consideration_date", "date", "Date of the LADO's initial consideration", nullable=True),
        Column("outcome", "code", "Outcome (ongoing while not concluded)",
               codes=("substantiated", "unsubstantiated", "unfounded", "false", "malicious", "ongoing"), example="ongoing"),
        Column("date_concluded", "date", "Date concluded (blank while ongoing)", nullable=True),
    ),
    key=("allegation_id",),
    date_order=(("date_received", "initial_consideration_date"), ("date_received", "date_concluded")),
    owner="LADO",
    period_date="date_received",
    starts="date_received",
    pending=(Pending("initial_consideration_date"), Pending("date_concluded", reset=(("outcome", "ongoing"),))),
))

_add(Schema(
    "child_deaths", "assurance/child_deaths.csv", "Child deaths reviewed (CDOP)",
    "One row per child death review completed by the Child Death Overview Panel. Among the most identifying data the "
    "partnership holds: only aggregated, suppressed figures are ever published.",
    "register",
    (
        Column("review_id", "id", "Review identifier", example="CDOP-2026-014"),
        Column("review_date", "date", "Date the panel completed the review"),
        Column("age_band", "code", "Age at death", codes=("0-27 days", "28-364 days", "1-4", "5-9", "10-14", "15-17")),
        Column("category", "integer", "CDOP category of death (1 deliberately inflicted injury ... 10 sudden unexpected "
               "unexplained death)", min=1, max=10),
        _yn("modifiable", "Whether modifiable factors were identified"),
        _yn("expected", "Whether the death was expected"),
    ),
    key=("review_id",),
    owner="PARTNERSHIP",
    period_date="review_date",
    starts="review_date",
))

# --- registers of the arrangements' other evidence (returns/schemas_assurance.py) ----------------------------

for _s in REGISTER_SCHEMAS:
    _add(_s)

SCHEMAS: dict[str, Schema] = {s.name: s for s in _SCHEMAS}
CSC_TABLES = tuple(s.name for s in _SCHEMAS if s.scope == "extract")
ASSURANCE_TABLES = tuple(s.name for s in _SCHEMAS if s.scope == "register")
PERIOD_TABLES = tuple(s.name for s in _SCHEMAS if s.scope == "period")


def schema(name: str) -> Schema:
    """The schema called ``name``, with an error listing the known ones."""
    try:
        return SCHEMAS[name]
    except KeyError:
        raise KeyError(f"no schema called {name!r}; known: {', '.join(SCHEMAS)}") from None
