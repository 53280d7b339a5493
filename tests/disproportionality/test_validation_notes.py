"""What validation decided, on the disproportionality page: groups a partner suppressed in its own return
(never summed as zero) and rows of the extract set aside (said once by each section that reads them)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cscp_analysis import stats
from cscp_analysis.config import load_partnership
from cscp_analysis.disproportionality import analyse
from cscp_analysis.disproportionality import sections as S
from cscp_analysis.disproportionality.analysis import analyse_returns
from cscp_analysis.disproportionality.partners import partner_breakdowns
from cscp_analysis.disproportionality.publish import publish_partner
from cscp_analysis.returns import SetAside, get_rule

from .helpers import PERIOD, cohort, population, row

QUARTERS = ["2025-26-Q3", "2025-26-Q4", "2026-27-Q1", "2026-27-Q2"]
COLUMNS = ["period", "agency", "indicator", "breakdown", "group", "numerator", "denominator"]
IND = {"EDU_SUSPENSIONS": {"title": "Suspensions", "breakdowns": ["sex", "ethnicity"]}}
POP = population({("WBRI", "M"): 1000, ("WBRI", "F"): 1000, ("BCRB", "M"): 100, ("BCRB", "F"): 100},
                 years=(2026,), age=12)


def _sent():
    """What the school sent: suspensions with pupils on roll, every quarter the same."""
    rows = []
    for q in QUARTERS:
        rows += [(q, "EDUCATION", "EDU_SUSPENSIONS", "ethnicity", "White", 100, 10_000),
                 (q, "EDUCATION", "EDU_SUSPENSIONS", "ethnicity", "Black", 30, 1_000),
                 (q, "EDUCATION", "EDU_SUSPENSIONS", "ethnicity", "Asian", 20, 1_000),
                 (q, "EDUCATION", "EDU_SUSPENSIONS", "ethnicity", "Not known", 4, 200),
                 (q, "EDUCATION", "EDU_SUSPENSIONS", "sex", "M", 90, 5_500),
                 (q, "EDUCATION", "EDU_SUSPENSIONS", "sex", "F", 64, 5_500)]
    return pd.DataFrame(rows, columns=COLUMNS)


def _split(sent: pd.DataFrame, quarter: str, group: str, symbol: str = "c"):
    """As validation leaves it: the suppressed row out of the partner table, kept in partner_suppressed."""
    hit = (sent["period"] == quarter) & (sent["group"] == group)
    sup = sent[hit].astype({"numerator": object}).assign(numerator=symbol, denominator="",
                                                         suppressed_by_partner=f"suppressed by the partner ({symbol})")
    return sent[~hit].reset_index(drop=True), sup.reset_index(drop=True)


def test_a_group_suppressed_in_one_quarter_has_no_twelve_month_count_and_no_rate():
    partner, sup = _split(_sent(), "2026-27-Q1", "Black")
    t = partner_breakdowns(partner, POP, PERIOD, indicators=IND, suppressed=sup)
    b = row(t, indicator="EDU_SUSPENSIONS", breakdown="ethnicity", group="Black")
    # summing the three quarters received would say 90 (a false total); it is not known
    assert np.isnan(b["numerator"]) and np.isnan(b["rate"]) and np.isnan(b["ratio"])
    assert b["label"] == "suppressed by the partner" and b["quarters"] == 4
    assert b["suppressed_by_partner"] == "suppressed by the partner in its own return (1 of the 4 quarters)"
    # the others are as before: Asian 80 suspensions over 1,000 pupils against White 400 over 10,000
    a = row(t, indicator="EDU_SUSPENSIONS", breakdown="ethnicity", group="Asian")
    rr = stats.rate_ratio(80, 1000, 400, 10_000)
    assert a["numerator"] == 80 and a["ratio"] == pytest.approx(float(rr[0])) and a["suppressed_by_partner"] == ""
    # the share of the ethnicity breakdown not known needs every group: not 16 / 496
    assert np.isnan(a["unknown_pct"])
    # boys against girls is another breakdown, unaffected: (360 / 5,500) / (256 / 5,500)
    m = row(t, indicator="EDU_SUSPENSIONS", breakdown="sex", group="M")
    assert m["ratio"] == pytest.approx(360 / 256)


def test_without_suppression_the_same_rows_give_the_numbers_the_test_above_withholds():
    # the control: the same data with Black sent as a number (30) gives 120 and a share not known of 16 / 616
    t = partner_breakdowns(_sent(), POP, PERIOD, indicators=IND)
    b = row(t, indicator="EDU_SUSPENSIONS", breakdown="ethnicity", group="Black")
    assert b["numerator"] == 120 and b["suppressed_by_partner"] == ""
    assert b["unknown_pct"] == pytest.approx(16 / 616 * 100)


def test_a_suppressed_comparison_group_stops_the_ratios_it_would_anchor():
    partner, sup = _split(_sent(), "2025-26-Q3", "White")
    t = partner_breakdowns(partner, POP, PERIOD, indicators=IND, suppressed=sup)
    b = row(t, indicator="EDU_SUSPENSIONS", breakdown="ethnicity", group="Black")
    assert b["numerator"] == 120 and b["rate"] == pytest.approx(120 / 1000 * 100)  # its own rate stands
    assert np.isnan(b["ratio"]) and b["label"] == "not available"  # never against 300 White suspensions


def test_all_other_children_as_the_comparison_needs_every_group():
    partner, sup = _split(_sent(), "2026-27-Q2", "Asian")
    t = partner_breakdowns(partner, POP, PERIOD, indicators=IND, suppressed=sup, reference="all other children")
    b = row(t, indicator="EDU_SUSPENSIONS", breakdown="ethnicity", group="Black")
    assert np.isnan(b["ratio"])  # "all other children" would otherwise count Asian as 60, not 80


def test_a_group_suppressed_every_quarter_still_has_its_row():
    sent = _sent()
    hit = sent["group"] == "Black"
    sup = sent[hit].astype({"numerator": object}).assign(numerator="<5")
    t = partner_breakdowns(sent[~hit], POP, PERIOD, indicators=IND, suppressed=sup)
    b = row(t, indicator="EDU_SUSPENSIONS", breakdown="ethnicity", group="Black")
    assert np.isnan(b["numerator"]) and b["suppressed_by_partner"].endswith("(4 of the 4 quarters)")


def test_published_as_suppressed_by_the_partner_with_another_group_hidden_so_it_cannot_be_worked_out():
    partner, sup = _split(_sent(), "2026-27-Q1", "Black")
    t = publish_partner(partner_breakdowns(partner, POP, PERIOD, indicators=IND, suppressed=sup), threshold=5)
    eth = t[(t["indicator"] == "EDU_SUSPENSIONS") & (t["breakdown"] == "ethnicity")].set_index("group")
    assert eth.loc["Black", ["number", "rate", "ratio", "suppressed_by_partner"]].tolist() == ["c", "c", "c", "yes"]
    assert eth.loc["Black", "hidden_because"] == "suppressed by the partner in its own return (1 of the 4 quarters)"
    # the headline total is published (scorecard), so one more group of the line is hidden: the smallest, 16 not known
    assert eth.loc["Unknown", "number"] == "c"
    assert (eth["number"] == "c").sum() == 2 and eth.loc["Asian", "number"] == "80"


def _res_with_partner():
    partner, sup = _split(_sent(), "2026-27-Q1", "Black")
    t = cohort({"WBRI": {"referral": 200}, "BCRB": {"referral": 60}})
    return analyse(t, POP, PERIOD, data_start=date(2023, 4, 1), quarters=1, partner=partner, partner_indicators=IND,
                   partner_suppressed=sup)


def test_the_partners_section_says_which_groups_and_shows_them_as_suppressed_by_the_partner():
    sec = S.partners_returns(_res_with_partner())
    assert ("**Suppressed by the partner.** One group was suppressed by the partner in its own return (suspensions: "
            "Black children)") in sec.intro
    view = sec.tables[0].view.set_index("Indicator")
    assert view.loc["Suspensions", "Black (against White)"] == "suppressed by the partner"
    assert view.loc["Suspensions", "Asian (against White)"] not in ("suppressed by the partner", "hidden")
    assert not any("Black" in f.text for f in sec.findings)  # no sentence about a group with no count


RULE = get_rule("RET-022").sentence


def test_each_section_names_the_rows_set_aside_in_the_tables_it_reads():
    t = cohort({"WBRI": {"referral": 200, "assessment": 150, "s47": 60, "cla": 20},
                "BCRB": {"referral": 60, "assessment": 50, "s47": 30, "cla": 10}})
    res = analyse(t, population({("WBRI", "M"): 10_000, ("BCRB", "M"): 1_000}), PERIOD, data_start=date(2023, 4, 1),
                  quarters=1)
    res.notes["set_aside"] = {"children": SetAside(2, 262, ((RULE, 2),)),
                              "section47": SetAside(1, 91, ((get_rule("RET-041").sentence, 1),))}
    referred = S.who_is_referred(res).intro
    assert referred.count("**Rows set aside.**") == 1
    assert "2 of 262 children's records (they did not meet the rule that a date column holds a real date" in referred
    assert "section 47" not in referred.split("**Rows set aside.**")[1]  # referral reads no enquiry
    goes_on = S.who_goes_on(res).intro
    assert "1 of 91 section 47 enquiries (it belongs to a referral or a child's record that was set aside)" in goes_on
    assert "section 47 enquiries (it" not in S.who_becomes_looked_after(res).intro
    assert "section 47 enquiries (it" in S.data_quality(res).intro and "section 47 enquiries (it" in S.appendix(res).intro
    res.notes["set_aside"] = {}
    assert "Rows set aside" not in S.who_is_referred(res).intro


def test_the_analysis_of_the_returns_records_what_was_set_aside():
    cfg = load_partnership()
    tables = cohort({"WBRI": {"referral": 50}, "BCRB": {"referral": 20}})
    tables["population"] = population({("WBRI", "M"): 10_000, ("BCRB", "M"): 1_000})
    returns = SimpleNamespace(tables=tables, period=PERIOD, blocked_reason=lambda **kw: None,
                              set_aside_rows={"referrals": SetAside(3, 73, ((RULE, 3),)),
                                              "lado": SetAside(1, 200, ((RULE, 1),)),
                                              "icpc": SetAside(0, 0, ())})
    res = analyse_returns(returns, cfg, PERIOD, data_start=date(2023, 4, 1), quarters=1)
    assert list(res.notes["set_aside"]) == ["referrals"]  # of the extract, and only with rows set aside
    assert "3 of 73 referrals" in S.who_is_referred(res).intro
