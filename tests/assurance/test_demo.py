"""The demo partnership's registers, loaded as the pipeline loads them (slow: the loader validates everything)."""

import pandas as pd
import pytest

from cscp_analysis.config import PROJECT_ROOT
from cscp_analysis.disclosure import check_section

DEMO = PROJECT_ROOT / "data_raw" / "demo"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (DEMO / "assurance").is_dir(), reason="demo data not generated")]


@pytest.fixture(scope="module")
def demo():
    from cscp_analysis.config import load_partnership
    from cscp_analysis.returns import latest_period, load_returns

    config = load_partnership(PROJECT_ROOT / "config")
    period = latest_period(DEMO)
    return load_returns(DEMO, str(period), config), period, config


def test_the_action_due_on_the_period_end_is_open_but_not_overdue(demo):
    from cscp_analysis.assurance import actions

    returns, period, _ = demo
    s = actions.action_status(returns.tables["actions"], period)
    due_today = s.loc[s["due_date"] == pd.Timestamp(period.end)]
    assert len(due_today) and due_today["open"].any()
    assert not due_today["overdue"].any()
    assert s["overdue"].any()  # and some others are overdue


def test_every_section_publishes_only_suppressed_small_counts(demo):
    from cscp_analysis import assurance

    returns, period, config = demo
    for module in assurance.AREAS.values():
        sec = module.section(returns, period, config)
        check_section(sec, config.suppression_threshold)
        assert sec.tables, module.__name__
        assert {sec.lens_of(t) for t in sec.tables} <= {"professional", "provider", "citizen", "independent"}


def test_the_review_notified_before_easter_2024(demo):
    # RR-2024-02 was notified on Thursday 28 March 2024, the day before Good Friday. Easter Monday was
    # 1 April. Working days: 2-5 April (4), 8-12 (9), 15-19 (14), Monday 22 April is the 15th.
    from cscp_analysis.assurance import reviews
    from cscp_analysis.config import load_partnership
    from cscp_analysis.returns import load_returns

    returns = load_returns(DEMO, "2024-25-Q1", load_partnership(PROJECT_ROOT / "config"))
    s = reviews.rapid_review_status(returns.tables["reviews"], "2024-25-Q1").set_index("review_id")
    assert s.loc["RR-2024-02", "due_date"] == pd.Timestamp("2024-04-22")
    # completed 16 April: 2-5 (4), 8-12 (9), 15, 16 -> 11 working days
    assert s.loc["RR-2024-02", "working_days"] == 11 and bool(s.loc["RR-2024-02", "within_15"])


def test_one_section_11_agency_did_not_submit_in_the_latest_round(demo):
    from cscp_analysis.assurance import self_assessment

    returns, period, _ = demo
    assert self_assessment.current_rounds(returns.tables["self_assessments"], "S11", period)[0] == "2025-26"
    assert len(self_assessment.not_submitted(returns.tables["self_assessments"], period, "S11")) == 1


def test_findings_cover_every_area(demo):
    from cscp_analysis import assurance

    returns, period, config = demo
    f = assurance.findings(returns, period, config)
    assert {x.rule.split("-")[0] for x in f} >= {"AUD", "SA", "REV", "TRN", "ACT", "VOI", "LAD", "CDP"}
    assert {x.lens for x in f} >= {"professional", "provider", "citizen"}
