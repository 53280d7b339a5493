"""STAG and the staff survey: attendance, issues waiting, the change between waves, suppression and the
clustered interval, worked by hand."""

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from cscp_analysis.assurance import practitioners as P

from .conftest import PERIOD, make

S1 = "I know how to escalate a concern about a child"
S2 = "I get feedback when I make a referral"


def test_stag_attendance_lists_an_agency_that_stopped_coming(config):
    att = make("stag_attendance", [
        {"meeting_id": "M1", "meeting_date": "2026-02-10", "agency": "HEALTH", "attendees": 3},
        {"meeting_id": "M1", "meeting_date": "2026-02-10", "agency": "POLICE", "attendees": 1},
        {"meeting_id": "M2", "meeting_date": "2026-05-10", "agency": "HEALTH", "attendees": 2},
        {"meeting_id": "M0", "meeting_date": "2025-06-10", "agency": "EDUCATION", "attendees": 4},  # before the window
        {"meeting_id": "M3", "meeting_date": "2026-10-10", "agency": "EDUCATION", "attendees": 4},  # after the end
    ])
    t = P.stag_attendance(att, PERIOD, config).set_index("agency")
    assert t.loc["All meetings", "meetings_attended"] == 2 and t.loc["All meetings", "practitioners"] == 6
    assert (t.loc["Health", "meetings_attended"], t.loc["Health", "practitioners"], t.loc["Health", "pct_of_meetings"]) \
        == (2, 5, 100.0)
    assert t.loc["Education", "meetings_attended"] == 0  # came before, not in the twelve months
    sec = P.section({"stag_attendance": att}, PERIOD, config)
    absent = [f for f in sec.findings if f.rule == "PRA-01" and f.kind == "needs_to_happen"]
    assert absent and "No practitioner from Education came to STAG" in absent[0].text


def test_escalated_issue_waiting_more_than_90_days():
    rows = [{"issue_id": i, "meeting_id": "M", "meeting_date": d, "agency": "HEALTH", "theme": "Delays", "escalated": e,
             "escalated_to": "Executive group" if e == "Y" else None, "response": r and "Done", "response_date": r}
            for i, d, e, r in (("I1", "2026-07-01", "Y", None),    # 91 days before the end, no answer: waiting
                               ("I2", "2026-07-02", "Y", None),    # 90 days: not yet
                               ("I3", "2026-03-01", "Y", "2026-10-05"),  # answered after the end: waiting
                               ("I4", "2026-03-01", "N", None))]   # not escalated
    t = P.stag_issues(make("stag_issues", rows), PERIOD).set_index("theme")
    assert (t.loc["Delays", "raised"], t.loc["Delays", "escalated"], t.loc["Delays", "answered"],
            t.loc["Delays", "escalated_waiting"]) == (4, 3, 0, 2)


def answers(date, agency, item_id, item, agree, total, start):
    return [{"response_id": f"R{date}{agency}{start + i}", "survey_date": date, "agency": agency, "item_id": item_id,
             "item": item, "response": 4 if i < agree else 2} for i in range(total)]


def survey():
    rows = []
    # S1, health: 30 of 40 agree in December, 20 of 40 in June; education: 30 of 40 both times
    rows += answers("2025-12-31", "HEALTH", "S1", S1, 30, 40, 0) + answers("2026-06-30", "HEALTH", "S1", S1, 20, 40, 0)
    rows += answers("2025-12-31", "EDUCATION", "S1", S1, 30, 40, 0) + answers("2026-06-30", "EDUCATION", "S1", S1, 30, 40, 0)
    # S2: police 10 answered, 7 agree (3 not: hidden) in June
    rows += answers("2025-12-31", "POLICE", "S2", S2, 6, 10, 0) + answers("2026-06-30", "POLICE", "S2", S2, 7, 10, 0)
    rows += answers("2025-12-31", "HEALTH", "S2", S2, 20, 40, 0) + answers("2026-06-30", "HEALTH", "S2", S2, 20, 40, 0)
    return make("staff_survey", rows)


def test_waves_are_the_latest_and_the_one_before():
    latest, before = P.survey_waves(survey(), PERIOD)
    assert (str(latest.date()), str(before.date())) == ("2026-06-30", "2025-12-31")
    assert P.survey_waves(survey(), "2027-28-Q2") == (None, None)  # no wave in the twelve months


def test_change_between_waves_by_hand_and_against_statsmodels(config):
    t = P.survey_change(survey(), PERIOD, config)
    h = t[(t["agency"] == "Health") & (t["item_id"] == "S1")].iloc[0]
    assert (h["pct_previous"], h["pct"], h["change_pp"]) == (75.0, 50.0, -25.0)
    # pooled: p = 50/80 = 0.625; se = sqrt(0.625 * 0.375 * (1/40 + 1/40)) = 0.108253; z = -0.25 / se = -2.3094
    assert h["p_value"] == pytest.approx(0.020921, abs=1e-5)
    assert h["p_value"] == pytest.approx(proportions_ztest([20, 30], [40, 40])[1])
    everyone = t[(t["agency"] == "All agencies") & (t["item_id"] == "S1")].iloc[0]
    assert (everyone["answered"], everyone["agree"], everyone["agree_previous"]) == (80, 50, 60)
    assert t["agency"].tolist()[:3] == ["Education", "Health", "All agencies"]  # agencies, then all, per statement


def test_published_change_hides_a_small_team(config):
    pub = P.published_survey_change(P.survey_change(survey(), PERIOD, config), config)
    police = pub[(pub["agency"] == "Police") & (pub["item_id"] == "S2")].iloc[0]
    # June: 7 agree, 3 not: 3 is hidden, so is 7 (answered - agree would give it); no share, change or p
    assert (police["answered"], police["agree"], police["pct"], police["change_pp"], police["p_adjusted"]) == \
        ("10", "c", "c", "c", "c")
    health = pub[(pub["agency"] == "Health") & (pub["item_id"] == "S1")].iloc[0]
    assert (health["pct"], health["change_pp"]) == ("50.0", "-25.0")


def test_agreement_across_statements_allows_for_respondents():
    # three respondents answering two statements each: agree 2, 2, 0 of 2 (one agency)
    rows = []
    for r, agree in (("A", 2), ("B", 2), ("C", 0)):
        for k, item in enumerate(("S1", "S2")):
            rows.append({"response_id": r, "survey_date": "2026-06-30", "agency": "HEALTH", "item_id": item,
                         "item": item, "response": 5 if k < agree else 1})
    t = P.agreement_by_agency(make("staff_survey", rows), PERIOD).iloc[0]
    # by hand: N = 6, Y = 4, k = 3, m = 2; sum y^2/m = (4 + 4 + 0)/2 = 4; MSB = (4 - 16/6)/2 = 0.6667;
    # MSW = (4 - 4)/(6 - 3) = 0; m0 = (6 - 12/6)/2 = 2; ICC = 0.6667/0.6667 = 1; deff = 1 + (2 - 1) * 1 = 2
    assert (t["respondents"], t["answers"], t["agree"]) == (3, 6, 4)
    assert t["icc"] == pytest.approx(1.0) and t["design_effect"] == pytest.approx(2.0)
    lo, hi = proportion_confint(4 / 2, 6 / 2, method="wilson")  # Wilson on the effective counts 2 of 3
    assert (t["lower_ci"], t["upper_ci"]) == pytest.approx((100 * lo, 100 * hi))
    assert t["pct"] == pytest.approx(100 * 4 / 6)


def test_section_finds_the_drop_and_no_chance_change(config):
    data = survey()
    june_health_s1 = (data["survey_date"] == "2026-06-30") & (data["agency"] == "HEALTH") & (data["item_id"] == "S1")
    data.loc[data.index[june_health_s1][10:20], "response"] = 2  # 10 of 40 agree in June: a drop of 50 points
    sec = P.section({"staff_survey": data}, PERIOD, config)
    drops = [f for f in sec.findings if f.rule == "PRA-04"]
    assert [f.kind for f in drops] == ["worried"] and drops[0].text.startswith("Health practitioners agreeing")
    assert not [f for f in sec.findings if f.rule == "PRA-04" and "Education" in f.text]
    assert np.isin(["assurance_staff_survey_change", "assurance_staff_survey_agreement"],
                   [t.name for t in sec.tables]).all()
    assert P.section({}, PERIOD, config).unavailable
