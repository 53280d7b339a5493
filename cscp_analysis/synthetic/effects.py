"""The known effects injected into the synthetic demo partnership, defined once.

The generator takes its parameters from this list, the README's table of injected effects is
written from it, and the tests check that each effect can be found in the generated data. An
analysis of the demo should find these effects, and (beyond noise) nothing else:

* no decision after referral depends on a child's ethnicity, age or sex, except the one listed
  (assessment to section 47 enquiry); referral rates depend on age and sex in the same way for
  every ethnic group, apart from the one listed under-referral;
* the partners' returns carry their own listed effects.

Periods are resolved from the generator's ``first`` and ``last`` quarters, so that a shorter or
longer demo keeps the same shape (``effects_for``); ``EFFECTS`` holds them for the committed demo.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..periods import Period, parse_period, period_range

__all__ = ["Effect", "effects_for", "effect", "EFFECTS", "DEFAULT_FIRST", "DEFAULT_LAST", "markdown_table"]

DEFAULT_FIRST = "2023-24-Q1"
DEFAULT_LAST = "2026-27-Q2"


@dataclass(frozen=True)
class Effect:
    id: str
    description: str
    table: str  # schema name (or partner return file) where it shows
    stage: str  # the stage, measure or indicator affected
    groups: tuple[str, ...] = ()  # codes of the groups affected (DfE ethnicity codes, ONS major groups, agencies)
    factor: float | None = None  # multiplier applied to the affected groups (or to the baseline level)
    periods: tuple[str, ...] = ()  # periods (YYYY-YY-Qn) or months (YYYY-MM) affected; empty: every period
    detail: dict = field(default_factory=dict)  # other parameters the generator uses

    def as_dict(self) -> dict:
        return {"id": self.id, "description": self.description, "table": self.table, "stage": self.stage,
                "groups": list(self.groups), "factor": self.factor, "periods": list(self.periods),
                "detail": dict(self.detail)}


def _quarters(first: Period, last: Period) -> list[Period]:
    return period_range(first, last)


def effects_for(first: str | Period = DEFAULT_FIRST, last: str | Period = DEFAULT_LAST) -> list[Effect]:
    """The injected effects with their periods resolved for a demo covering ``first`` to ``last``."""
    first, last = parse_period(first), parse_period(last)
    quarters = _quarters(first, last)
    decline = [str(q) for q in quarters[-6:]]
    # The special-cause month: the January of the financial year before the last quarter's.
    spike_month = f"{last.start_year}-01"
    missing_return_period = str(quarters[max(0, len(quarters) - 8)])
    waves = [q for q in quarters if q.quarter in (1, 3)]  # the staff survey closes in June and December
    survey_wave = str(waves[-1]) if waves else ""
    outturn_year = f"{last.start_year - 1}-{last.start_year % 100:02d}"  # accounts closed in April after the year
    step_down = [str(q) for q in quarters[-8:]]
    return [
        Effect(
            "referral_under_representation",
            "Asian Pakistani and Bangladeshi children are referred to children's social care at 0.6 times the rate "
            "of other children of the same age and sex.",
            table="referrals", stage="referral", groups=("APKN", "ABAN"), factor=0.6,
        ),
        Effect(
            "s47_decision_point",
            "Black Caribbean and Mixed White and Black Caribbean children who are assessed go on to a section 47 "
            "enquiry 1.8 times as often as other assessed children; no other decision depends on ethnicity.",
            table="section47", stage="assessment -> section 47", groups=("BCRB", "MWBC"), factor=1.8,
            detail={"base_probability": 0.40},
        ),
        Effect(
            "assessment_timeliness_decline",
            "The share of assessments authorised within 45 working days falls steadily from about 90% to about 70% "
            "over the last six quarters (quarter of the assessment's expected completion).",
            table="assessments", stage="assessment within 45 working days", factor=None,
            periods=tuple(decline), detail={"baseline": 0.90, "final": 0.70},
        ),
        Effect(
            "missing_special_cause",
            f"Missing episodes in {spike_month} are about 60% above the usual monthly level: a special-cause "
            "point above the XmR upper process limit.",
            table="missing_episodes", stage="missing episodes per month", factor=1.6, periods=(spike_month,),
        ),
        Effect(
            "missing_ethnicity",
            "About 3% of children in the extract have ethnicity NOBT (not yet obtained) or REFU (refused): about 14% "
            "of children who were only referred, 3% of children assessed, 0.5% of children on a plan or looked after.",
            table="children", stage="ethnicity recording", groups=("NOBT", "REFU"), factor=None,
            detail={"referred_only": 0.14, "assessed": 0.03, "plan_or_looked_after": 0.005, "refused_share": 0.3},
        ),
        Effect(
            "suspensions_rising",
            "Suspensions per 100 pupils rise steadily across the period (a deteriorating partner indicator).",
            table="education.csv", stage="EDU_SUSPENSIONS", factor=1.5, periods=tuple(str(q) for q in quarters),
            detail={"first_rate_per_100": 2.0, "last_rate_per_100": 3.0},
        ),
        Effect(
            "black_pupils_permanent_exclusions",
            "Black pupils are permanently excluded at 2.5 times the rate of other pupils.",
            table="education.csv", stage="EDU_PERM_EXCL", groups=("Black",), factor=2.5,
        ),
        Effect(
            "black_children_first_time_entrants",
            "Black children become first-time entrants to the youth justice system at 2.5 times the rate of other "
            "children.",
            table="youth_justice.csv", stage="YJS_FTE", groups=("Black",), factor=2.5,
        ),
        Effect(
            "return_missing",
            f"The health return for {missing_return_period} never arrived: listed in submissions.csv with a blank "
            "received date, and the file is absent.",
            table="submissions", stage="HEALTH", groups=("HEALTH",), periods=(missing_return_period,),
        ),
        Effect(
            "return_late",
            f"The youth justice return for {last} arrived after its due date.",
            table="submissions", stage="YJS", groups=("YJS",), periods=(str(last),), detail={"days_late": 4},
        ),
        Effect(
            "commentary_missing",
            f"Health sent no commentary on HLT_RHA_ON_TIME for {last}.",
            table="commentary", stage="HLT_RHA_ON_TIME", groups=("HEALTH",), periods=(str(last),),
        ),
        # --- the registers of the arrangements' other evidence, and the early help return ---
        Effect(
            "qa_actions_slow",
            "Actions agreed at quality-assurance visits to education services take about three times as long to "
            "close as other agencies' (about a third closed within 90 days, against about 85%).",
            table="qa_visit_actions", stage="closed within 90 days", groups=("EDUCATION",), factor=3.0,
            detail={"usual_scale_days": 25, "slow_scale_days": 75},
        ),
        Effect(
            "stag_absent_agency",
            "No probation practitioner has come to the Safeguarding Together Action Group in the last twelve months.",
            table="stag_attendance", stage="attendance", groups=("PROBATION",), detail={"months_absent": 12},
        ),
        Effect(
            "survey_escalation_drop",
            f"In the latest staff survey ({survey_wave}), health practitioners' agreement that they know how to "
            "escalate a concern about a child falls from about 83% to about 45%; other agencies and statements are "
            "unchanged.",
            table="staff_survey", stage="S1", groups=("HEALTH",), periods=(survey_wave,) if survey_wave else (),
            detail={"item": 0, "shift": 1.0},
        ),
        Effect(
            "training_need_exploitation",
            "Agencies ask for about three times as many places on child exploitation training as the programme "
            "delivers; one topic (contextual safeguarding and harm outside the home) has no course at all.",
            table="training_needs", stage="staff_to_train", groups=("Child exploitation",), factor=3.0,
        ),
        Effect(
            "contract_supported_accommodation",
            "Supported accommodation providers meet about half of the safeguarding standards at contract monitoring, "
            "against about 85% for the other commissioned services.",
            table="contract_monitoring", stage="standards met", groups=("supported_accommodation",),
            detail={"ratings": (0.50, 0.35, 0.15)},
        ),
        Effect(
            "reach_asian_children",
            "Asian children take part in the partnership's engagement activities at about half their share of the "
            "city's children aged 5 to 17.",
            table="voice_reach", stage="participants by ethnicity", groups=("Asian",), factor=0.5,
        ),
        Effect(
            "you_said_families_wait",
            "Themes raised by families wait about three and a half times as long for a response as those raised by "
            "children or practitioners (about a quarter answered within three months, against about 85%).",
            table="you_said_we_did", stage="time to respond", groups=("families",), factor=3.6,
            detail={"usual_scale_days": 25, "slow_scale_days": 90},
        ),
        Effect(
            "disagreements_stuck",
            "In the last twelve months about three in five professional disagreements raised with the police stuck at "
            "stage 2 for months; the others settle within about three working days a stage.",
            table="professional_disagreements", stage="stage 2", groups=("POLICE",),
            detail={"months": 12, "share_stuck": 0.6},
        ),
        Effect(
            "funding_deficit",
            f"In {outturn_year}, the latest year with its outturn, practice reviews cost 1.9 times their budget and the "
            "partnership spent more than its partners contributed; the police contribution has not risen in any year.",
            table="funding_spend", stage="practice_reviews", groups=("POLICE",), factor=1.9,
            periods=(outturn_year,),
        ),
        Effect(
            "early_help_step_down_rise",
            f"Step-downs from children's social care to early help are about half as high again from {step_down[0]} "
            "as before (a sustained shift in the early help return).",
            table="early_help.csv", stage="EH_STEP_DOWN", groups=("EARLY_HELP",), factor=1.5,
            periods=tuple(step_down),
        ),
    ]


EFFECTS: list[Effect] = effects_for()


def effect(effect_id: str, effects: list[Effect] | None = None) -> Effect:
    """The effect called ``effect_id``."""
    for e in effects if effects is not None else EFFECTS:
        if e.id == effect_id:
            return e
    raise KeyError(f"no injected effect called {effect_id!r}")


def markdown_table(effects: list[Effect] | None = None) -> str:
    """The effects as a Markdown table (for the demo's README)."""
    rows = ["| id | where | stage | groups | factor | periods | description |", "|---|---|---|---|---|---|---|"]
    for e in effects if effects is not None else EFFECTS:
        periods = ", ".join(e.periods) if len(e.periods) <= 6 else f"{e.periods[0]} to {e.periods[-1]}"
        factor = "" if e.factor is None else f"{e.factor:g}"
        rows.append(f"| `{e.id}` | {e.table} | {e.stage} | {', '.join(e.groups)} | {factor} | {periods or 'all'} | "
                    f"{e.description} |")
    return "\n".join(rows)
