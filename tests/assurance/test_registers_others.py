"""Training needs, contract monitoring, who was heard, you said we did, professional disagreements and funding,
each worked by hand on a small register."""

import pytest
from statsmodels.stats.proportion import proportions_ztest

from cscp_analysis.assurance import contracts as C
from cscp_analysis.assurance import disagreements as D
from cscp_analysis.assurance import funding as F
from cscp_analysis.assurance import reach as R
from cscp_analysis.assurance import training_needs as T
from cscp_analysis.assurance import you_said as Y
from cscp_analysis.disclosure import check_disclosure

from .conftest import PERIOD, make

# --- training needs ---------------------------------------------------------------------------------------


def needs():
    rows = [("2026-27", "2026-04-20", "HEALTH", "Neglect", "Neglect course", 40),
            ("2026-27", "2026-04-20", "EDUCATION", "Neglect", "Neglect course", 20),
            ("2026-27", "2026-04-20", "HEALTH", "Contextual safeguarding", None, 12),
            ("2025-26", "2025-04-20", "HEALTH", "Neglect", "Neglect course", 99)]  # last year's round
    return make("training_needs", [dict(zip(("round", "assessed_date", "agency", "topic", "course", "staff_to_train"), r,
                                            strict=True), priority="high") for r in rows])


def places():
    rows = [(f"B{i}", "Neglect course", "2026-03-01", "HEALTH" if i < 20 else "EDUCATION", "Y") for i in range(30)]
    rows += [("B98", "Neglect course", "2025-09-30", "HEALTH", "Y"),   # before the twelve months
             ("B99", "Neglect course", "2026-03-01", "HEALTH", "N")]   # booked, not attended
    return make("training_attendance", [dict(zip(("booking_id", "course", "session_date", "agency", "attended"), r,
                                                 strict=True)) for r in rows])


def test_needs_against_places_by_topic_and_agency(config):
    assert T.current_round(needs(), PERIOD) == "2026-27"
    assert T.current_round(needs(), "2026-27-Q1") == "2026-27" and T.current_round(needs(), "2025-26-Q4") == "2025-26"
    t = T.needs_against_delivery(needs(), places(), PERIOD).set_index("topic")
    assert (t.loc["Neglect", "staff_to_train"], t.loc["Neglect", "places_attended"]) == (60, 30)
    assert (t.loc["Neglect", "coverage_pct"], t.loc["Neglect", "gap"]) == (50.0, 30)
    assert (t.loc["Contextual safeguarding", "course"], t.loc["Contextual safeguarding", "places_attended"]) == \
        (T.NO_COURSE, 0)
    assert t.loc["All topics", "staff_to_train"] == 72
    a = T.needs_against_delivery(needs(), places(), PERIOD, by_agency=True, config=config)
    edu = a[(a["agency"] == "Education") & (a["topic"] == "Neglect")].iloc[0]
    assert (edu["staff_to_train"], edu["places_attended"], edu["coverage_pct"], edu["gap"]) == (20, 10, 50.0, 10)


def test_needs_findings_name_the_gap_and_the_topic_without_a_course(config):
    n = needs()
    n.loc[(n["topic"] == "Neglect") & (n["agency"] == "HEALTH") & (n["round"] == "2026-27"), "staff_to_train"] = 70
    sec = T.section({"training_needs": n, "training_attendance": places()}, PERIOD, config)
    gap = [f for f in sec.findings if f.rule == "TNA-02"]
    assert gap and gap[0].kind == "worried" and "90 staff trained" in gap[0].text and "33.3% of the need" in gap[0].text
    assert [f for f in sec.findings if f.rule == "TNA-03"][0].text.startswith(
        "No course of the multi-agency programme meets the need for: Contextual safeguarding (12 staff)")
    assert T.section({}, PERIOD, config).unavailable


# --- contract monitoring ----------------------------------------------------------------------------------


def reviews(service, provider_met: list[int], start=0, date="2026-05-01"):
    rows = []
    for k, met in enumerate(provider_met):
        for s in range(4):
            rows.append({"review_id": f"{service}-{start + k}", "review_date": date, "provider": f"{service} {k}",
                         "service_type": service, "standard_id": f"CM-{s + 1}", "standard": f"Standard {s + 1}",
                         "rating": "met" if s < met else "not_met", "concern_raised": "N" if s < met else "Y"})
    return rows


def test_standards_met_by_type_with_the_design_effect_test():
    # homes: 2 reviews meeting 4 and 0 of 4; transport: 2 reviews meeting 2 and 2 of 4
    cm = make("contract_monitoring", reviews("childrens_home", [4, 0]) + reviews("home_to_school_transport", [2, 2]))
    t = C.by_service_type(cm, PERIOD).set_index("service")
    homes, transport = t.loc["Children's homes"], t.loc["Home to school transport"]
    assert (homes["rated"], homes["met"], homes["not_met"], homes["concerns"], homes["pct"]) == (8, 4, 4, 4, 50.0)
    # by hand, homes: N = 8, Y = 4, k = 2, m = 4; sum y^2/m = 16/4 = 4; MSB = (4 - 16/8)/1 = 2; MSW = 0;
    # m0 = (8 - 32/8)/1 = 4; ICC = 2/2 = 1; deff = 1 + 3 * 1 = 4.
    assert homes["design_effect"] == pytest.approx(4.0)
    # transport: y = 2, 2: sum y^2/m = 2; MSB = (2 - 2)/1 = 0; MSW = (4 - 2)/6 = 1/3; ICC = -1/3 / (0 + 3 * 1/3) < 0,
    # so the design effect uses 0: deff = 1
    assert transport["design_effect"] == pytest.approx(1.0)
    # homes against the rest (= transport): 4/4 of 8/4 against 4/1 of 8/1, pooled z
    assert homes["p_value"] == pytest.approx(proportions_ztest([1, 4], [2, 8])[1])
    assert homes["difference_pp"] == pytest.approx(0.0)


def test_each_providers_latest_review():
    cm = make("contract_monitoring", reviews("short_breaks", [1], start=0, date="2026-01-10")
              + reviews("short_breaks", [3], start=5, date="2026-06-10"))
    p = C.by_provider(cm, PERIOD)
    assert len(p) == 1 and (p.iloc[0]["met"], p.iloc[0]["pct_met"]) == (3, 75.0)


# --- who was heard ------------------------------------------------------------------------------------------


def population():
    rows = []
    for age in range(0, 18):
        for sex in ("M", "F"):
            for eth, n in (("WBRI", 60), ("APKN", 30), ("BAFR", 10)):
                rows.append({"year": 2026, "age": age, "sex": sex, "ethnicity": eth, "population": n})
    return make("population", rows)


def reach_rows(groups: dict[str, int], ch="ethnicity", activity="A1", date="2026-05-01"):
    return [{"activity_id": activity, "activity_date": date, "activity": "Youth forum", "characteristic": ch,
             "group": g, "participants": n} for g, n in groups.items()]


def test_representation_ratio_by_hand():
    reach = make("voice_reach", reach_rows({"White": 140, "Asian": 20, "Black": 40, "Not recorded": 10}))
    t, year = R.reach_against_population(reach, population(), PERIOD)
    t = t.set_index("group")
    assert year == 2026
    # recorded = 200; Asian share 10%; population 5-17: Asian 30 of 100 in every cell = 30%; ratio = 1/3
    assert t.loc["Asian", "share"] == pytest.approx(10.0)
    assert t.loc["Asian", "population_share"] == pytest.approx(30.0)
    assert t.loc["Asian", "ratio"] == pytest.approx(1 / 3)
    assert t.loc["All participations", "pct_not_recorded"] == pytest.approx(100 * 10 / 210)


def test_reach_hides_shares_when_not_recorded_is_hidden(config):
    reach = make("voice_reach", reach_rows({"White": 140, "Asian": 20, "Black": 40, "Not recorded": 3}))
    pub = R.published_reach(R.reach_against_population(reach, population(), PERIOD)[0], config).set_index("group")
    assert pub.loc["Not recorded", "participants"] == "c"
    assert (pub.loc["Asian", "share"], pub.loc["Asian", "ratio"]) == ("c", "c")  # would reveal the 3
    check_disclosure(pub.reset_index(), counts=["participants"], threshold=5)


def test_reach_section_names_the_group_heard_less(config):
    reach = make("voice_reach", reach_rows({"White": 140, "Asian": 20, "Black": 40, "Not recorded": 10})
                 + reach_rows({"Disabled": 30, "Not disabled": 180}, ch="disability"))
    sec = R.section({"voice_reach": reach, "population": population()}, PERIOD, config)
    under = [f for f in sec.findings if f.rule == "REA-02"]
    assert len(under) == 1 and under[0].text.startswith("Asian children were 10.0% of those heard but 30.0%")
    assert any(f.rule == "REA-03" and "disability" in f.text for f in sec.findings)


# --- you said, we did ------------------------------------------------------------------------------------


def theme(tid, voice, raised, answered=None):
    return {"theme_id": tid, "raised_date": raised, "voice_of": voice, "forum": "Forum", "theme": f"Theme {tid}",
            "lead_agency": "PARTNERSHIP", "we_did": answered and "Done", "response_date": answered}


def test_answered_within_three_months_edges():
    ysw = make("you_said_we_did", [
        theme("T1", "children", "2026-03-01", "2026-05-31"),  # 91 days: within
        theme("T2", "children", "2026-03-01", "2026-06-01"),  # 92 days: later
        theme("T3", "families", "2026-07-01", None),  # raised 91 days before the end: due, awaiting over three months
        theme("T4", "families", "2026-07-02", None),  # 90 days: not yet due
        theme("T5", "families", "2026-02-01", "2026-10-10"),  # answered after the end: awaiting
    ])
    t = Y.theme_status(ysw, PERIOD).set_index("theme_id")
    assert t["state"].to_dict() == {"T1": Y.STATES[0], "T2": Y.STATES[1], "T3": Y.STATES[2], "T4": Y.STATES[3],
                                    "T5": Y.STATES[2]}
    v = Y.by_voice(ysw, PERIOD).set_index("voice")
    fam = v.loc["Parents and families"]
    assert (fam["raised"], fam["due"], fam["answered_in_time"], fam["awaiting_over_three_months"]) == (3, 2, 0, 2)
    assert v.loc["Children and young people", "pct"] == 50.0


# --- professional disagreements -------------------------------------------------------------------------


def escalation(eid, raised, resolved, with_="POLICE", stage=2):
    return {"escalation_id": eid, "raised_date": raised, "raised_by": "EDUCATION", "raised_with": with_,
            "issue": "threshold_decision", "stage_reached": stage, "outcome": "resolved" if resolved else "ongoing",
            "resolved_date": resolved}


def test_settled_within_20_working_days_across_the_august_bank_holiday(config):
    # raised Monday 3 August 2026: 4-7, 10-14, 17-21, 24-28 August = 19 working days; 31 August is a bank holiday;
    # 1 September is the 20th working day, 2 September the 21st
    dis = make("professional_disagreements", [escalation("E1", "2026-08-03", "2026-09-01"),
                                              escalation("E2", "2026-08-03", "2026-09-02"),
                                              escalation("E3", "2026-06-01", None, stage=2),
                                              escalation("E4", "2026-09-25", None, with_="CSC", stage=1)])
    s = D.escalation_status(dis, PERIOD).set_index("escalation_id")
    assert (s.loc["E1", "working_days"], s.loc["E2", "working_days"]) == (20, 21)
    assert (bool(s.loc["E1", "in_time"]), bool(s.loc["E2", "in_time"])) == (True, False)
    assert bool(s.loc["E3", "past_timescale"]) and not bool(s.loc["E4", "due"])
    t = D.by_agency(dis, PERIOD, config).set_index("agency")
    assert (t.loc["Police", "raised"], t.loc["Police", "due"], t.loc["Police", "in_time"],
            t.loc["Police", "stage_2"], t.loc["Police", "past_timescale"]) == (3, 3, 1, 3, 1)
    stuck = D.stuck(dis, PERIOD, config)
    assert stuck.iloc[0][["agency", "stage", "ongoing"]].tolist() == ["Police", "Stage 2", 1]


# --- funding -----------------------------------------------------------------------------------------------


def test_funding_contributions_spend_and_the_deficit(config):
    con = make("funding_contributions", [
        {"year": y, "partner": p, "agency": a, "contribution": c, "agreed_date": d}
        for y, d in (("2024-25", "2024-04-01"), ("2025-26", "2025-04-01"))
        for p, a, c in (("Council", "CSC", 100_000 if y == "2024-25" else 110_000), ("Police", "POLICE", 50_000))])
    sp = make("funding_spend", [
        {"year": "2025-26", "function": "business_unit", "budget": 120_000, "spent": 118_000, "recorded_date": "2026-04-30"},
        {"year": "2025-26", "function": "practice_reviews", "budget": 40_000, "spent": 60_000, "recorded_date": "2026-04-30"},
        {"year": "2026-27", "function": "business_unit", "budget": 1, "spent": 1, "recorded_date": "2027-04-30"}])
    assert F.latest_year(sp, PERIOD).label == "2025-26"
    c = F.contributions(con, F.latest_year(sp, PERIOD), PERIOD, config).set_index("partner")
    assert (c.loc["Council", "change"], c.loc["Council", "change_pct"]) == (10_000, 10.0)
    assert c.loc["Total", "contribution"] == 160_000 and c.loc["Police", "share_pct"] == pytest.approx(31.25)
    s = F.spend(sp, F.latest_year(sp, PERIOD), PERIOD).set_index("function")
    assert (s.loc["Rapid and practice reviews", "variance"], s.loc["Rapid and practice reviews", "variance_pct"]) == \
        (20_000, 50.0)
    sec = F.section({"funding_contributions": con, "funding_spend": sp}, PERIOD, config)
    deficit = [f for f in sec.findings if f.rule == "FUN-02"][0]
    assert deficit.kind == "worried" and deficit.text.startswith("The partnership spent £18,000 more than its partners")
    assert any(f.rule == "FUN-03" and "Police" in f.text for f in sec.findings)
    assert F.section({}, PERIOD, config).unavailable
