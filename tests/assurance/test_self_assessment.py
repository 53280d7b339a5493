"""Section 11 and Section 175 self-assessments: rounds, ratings, non-submission, actions and change."""

import pytest

from cscp_analysis.assurance import self_assessment as S

from .conftest import PERIOD, make

STANDARDS = {"S11-1": "Leadership", "S11-2": "Safer recruitment", "S11-10": "Information sharing"}


def org_round(fw, rnd, org, agency, ratings, submitted):
    return [{"framework": fw, "round": rnd, "organisation": org, "agency": agency, "standard_id": sid,
             "standard": STANDARDS.get(sid, sid), "rating": r, "submitted_date": submitted if r != "not_submitted" else None}
            for sid, r in ratings.items()]


ROWS = (
    org_round("S11", "2023-24", "Police force", "POLICE", {"S11-1": "met", "S11-2": "not_met", "S11-10": "partly_met"}, "2023-11-01")
    + org_round("S11", "2023-24", "Health trust", "HEALTH", {"S11-1": "met", "S11-2": "met", "S11-10": "met"}, "2023-11-01")
    + org_round("S11", "2023-24", "Probation", "PROBATION", {"S11-1": "met", "S11-2": "met", "S11-10": "met"}, "2023-11-01")
    + org_round("S11", "2025-26", "Police force", "POLICE", {"S11-1": "met", "S11-2": "partly_met", "S11-10": "met"}, "2025-11-05")
    + org_round("S11", "2025-26", "Health trust", "HEALTH", {"S11-1": "not_met", "S11-2": "met", "S11-10": "partly_met"}, "2025-12-01")
    + org_round("S11", "2025-26", "Probation", "PROBATION", {"S11-1": "not_submitted", "S11-2": "not_submitted",
                                                            "S11-10": "not_submitted"}, None)
    # submitted after the period end: not submitted as at 30 September 2026
    + org_round("S11", "2025-26", "Housing", "HOUSING", {"S11-1": "met", "S11-2": "met", "S11-10": "met"}, "2026-10-15")
    # the next round starts on 1 April 2027: not there yet
    + org_round("S11", "2027-28", "Police force", "POLICE", {"S11-1": "met"}, "2027-06-01")
)


@pytest.fixture
def sa():
    return make("self_assessments", ROWS)


def test_rounds(sa):
    assert S.current_rounds(sa, "S11", PERIOD) == ("2025-26", "2023-24")
    # In 2025-26-Q2 the 2025-26 round had started (1 April 2025) but nobody had submitted yet.
    assert S.current_rounds(sa, "S11", "2025-26-Q2") == ("2023-24", None)
    assert S.current_rounds(sa, "S175", PERIOD) == (None, None)


def test_round_start_dates():
    assert str(S.round_start("S11", "2025-26").date()) == "2025-04-01"
    assert str(S.round_start("S175", "2025-26").date()) == "2025-09-01"


def test_ratings_by_standard_and_organisation(sa):
    t = S.ratings(sa, PERIOD, "S11", by="standard")
    # Natural order of standards: S11-1, S11-2, S11-10; only Police and Health submitted by the period end.
    assert t["standard_id"].tolist() == ["S11-1", "S11-2", "S11-10", "All"]
    assert t[["met", "partly_met", "not_met"]].values.tolist() == [[1, 0, 1], [1, 1, 0], [1, 1, 0], [3, 2, 1]]
    assert t["pct_met"].iloc[-1] == pytest.approx(50.0)
    o = S.ratings(sa, PERIOD, "S11", by="organisation").set_index("organisation")
    assert o.loc["Health trust", ["met", "partly_met", "not_met"]].tolist() == [1, 1, 1]
    assert "Probation" not in o.index and "Housing" not in o.index


def test_not_submitted_includes_late_submissions(sa):
    ns = S.not_submitted(sa, PERIOD, "S11")
    assert ns["organisation"].tolist() == ["Housing", "Probation"]


def test_agency_actions_list_not_met_first(sa):
    a = S.agency_actions(sa, PERIOD, "S11")
    assert a[["organisation", "standard_id", "rating"]].values.tolist() == [
        ["Health trust", "S11-1", "Not met"], ["Health trust", "S11-10", "Partly met"],
        ["Police force", "S11-2", "Partly met"]]
    assert a["recommended_action"].iloc[0].startswith("Meet standard S11-1 (Leadership): rated not met in 2025-26")
    assert len(S.agency_actions(sa, PERIOD, "S11", include_partly=False)) == 1


def test_change_since_previous_round(sa):
    c = S.change_since_previous(sa, PERIOD, "S11").set_index("organisation")
    # Police: S11-1 met->met, S11-2 not met->partly (up), S11-10 partly->met (up): 2 improved, 1 unchanged.
    assert c.loc["Police force", ["improved", "unchanged", "declined"]].tolist() == [2, 1, 0]
    # Health: met->not met (down), met->met, met->partly (down).
    assert c.loc["Health trust", ["improved", "unchanged", "declined"]].tolist() == [0, 1, 2]
    # Met: before 1 + 3 = 4 of 6; after 2 + 1 = 3 of 6: -16.7 points.
    assert c.loc["All", "change_pp"] == pytest.approx(100 * (3 - 4) / 6)


def test_findings(sa, config):
    found = S.findings({"self_assessments": sa}, PERIOD, config)
    # No Section 175 round in this register: said as context, after the Section 11 findings.
    assert found[-1].rule == "SA-01" and found[-1].text.startswith("No Section 175/157 round had submissions")
    f = {x.rule: x for x in found[:-1]}
    assert "3 of 6 standard ratings (50.0%) were met" in f["SA-01"].text
    assert f["SA-01"].kind == "worried"  # -16.7 points
    assert f["SA-02"].kind == "worried" and "Housing, Probation" in f["SA-02"].text
    assert "Health trust (1 standard)" in f["SA-03"].text
