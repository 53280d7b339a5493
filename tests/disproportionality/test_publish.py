"""Disclosure control: a group of 1 to 5 children shows c, no ratio from a suppressed count, no suppressed
cell recoverable from the linked tables."""

from datetime import date

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cscp_analysis import disclosure as D
from cscp_analysis.disproportionality import analyse
from cscp_analysis.disproportionality import publish as pb

from .helpers import PERIOD, cohort, merge, population, row

POP = population({(e, "M"): 5000 for e in ("WBRI", "WOTH", "MWBC", "APKN", "BCRB", "BAFR", "OOTH")})


def _run(tables, **kw):
    return analyse(tables, POP, PERIOD, data_start=date(2023, 4, 1), quarters=1, **kw)


def _tables():
    return merge(cohort({"WBRI": {"referral": 120, "assessment": 100, "s47": 40},
                         "APKN": {"referral": 60, "assessment": 50, "s47": 20},
                         "BAFR": {"referral": 45, "assessment": 40, "s47": 16},
                         "BCRB": {"referral": 3, "assessment": 3, "s47": 2},  # a group of 3 children
                         "WOTH": {"referral": 30, "assessment": 25, "s47": 9},
                         "OOTH": {"referral": 12, "assessment": 10, "s47": 4}}),
                 cohort({"NOBT": {"referral": 8, "assessment": 4, "s47": 1}}))


def test_small_group_shows_c_and_nothing_derived_from_it():
    res = _run(_tables())
    t = pb.publish_rates(res.latest_rates())
    b = row(t, stage="Referred", characteristic="ethnicity", group="Black Caribbean")
    assert b["children"] == "c"
    for col in ("rate_per_10000", "rate_lower", "rate_upper", "rri", "rri_lower", "rri_upper", "p_adjusted",
                "disproportionality_ratio", "label"):
        assert b[col] == "c", col
    # no count from 1 to 5 anywhere in any published table
    for table, counts in ((t, ["children"]), (pb.publish_decisions(res.latest_decisions()),
                                              ["children_at_previous_stage", "children_going_on"]),
                          (pb.publish_quality(res.latest_quality()),
                           ["children", "ethnicity_refused", "ethnicity_not_obtained", "ethnicity_not_known"])):
        D.check_disclosure(table, counts=counts)
        for c in counts:
            v = pd.to_numeric(table[c], errors="coerce")
            assert not v.between(1, 5).any(), c


def test_secondary_suppression_protects_the_suppressed_group_from_the_totals():
    res = _run(_tables())
    t = pb.publish_rates(res.latest_rates())
    q = pb.publish_quality(res.latest_quality())
    ref = t[(t["stage"] == "Referred") & (t["characteristic"] == "ethnicity_major")]
    # Black = BAFR 45 + BCRB 3 = 48 is shown in the major table, so the detailed table must hide another Black
    # group (here BAFR) or 48 - 45 gives the 3 away
    det = t[(t["stage"] == "Referred") & (t["characteristic"] == "ethnicity")]
    black = det[det["group"].isin(["Black Caribbean", "Black African", "Any other Black background"])]
    shown_black_major = row(ref, group="Black")["children"]
    if shown_black_major != "c":
        assert (black["children"] == "c").sum() >= 2
    # in each line (groups + not known = children at the stage) never exactly one hidden cell next to a shown total
    total = row(q, stage="Referred")
    cells = list(ref["children"]) + [total["ethnicity_not_known"]]
    if total["children"] != "c":
        assert sum(c == "c" for c in cells) != 1


def test_no_ratio_when_the_reference_is_suppressed():
    tables = merge(cohort({"WBRI": {"referral": 4}, "APKN": {"referral": 60}, "BAFR": {"referral": 45}}))
    t = pb.publish_rates(_run(tables).latest_rates())
    for r in t[(t["stage"] == "Referred") & (t["characteristic"] == "ethnicity")].itertuples():
        assert r.rri == "c", r.group
    # the rate of a shown group is still shown (it does not depend on the reference)
    # 60 of 5,000 -> 120.0 per 10,000
    assert row(t, stage="Referred", characteristic="ethnicity", group="Pakistani")["rate_per_10000"] == "120.0"


def test_decision_denominator_takes_the_previous_stage_mask():
    res = _run(_tables())
    rates = res.latest_rates()
    dec = res.latest_decisions()
    for r in dec[dec["characteristic"] == "ethnicity"].itertuples():
        prev = rates[(rates["stage"] == r.previous) & (rates["characteristic"] == r.characteristic)
                     & (rates["group"] == r.group)]
        assert bool(prev["suppressed"].iloc[0]) == bool(r.previous_suppressed)
    t = pb.publish_decisions(dec)
    d = row(t, decision="Referred → Assessed", characteristic="ethnicity", group="Black Caribbean")
    assert d["children_at_previous_stage"] == "c" and d["ratio"] == "c" and d["percent_going_on"] == "c"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=14), min_size=7, max_size=7), st.integers(min_value=0, max_value=7))
def test_no_suppressed_cell_is_recoverable(sizes, unknown):
    codes = ["WBRI", "WOTH", "MWBC", "APKN", "BCRB", "BAFR", "OOTH"]
    groups = {c: {"referral": n} for c, n in zip(codes, sizes, strict=True) if n > 0}
    if unknown:
        groups["NOBT"] = {"referral": unknown}
    if not groups:
        return
    res = _run(cohort(groups), intersections=False, stages=("referral",))
    r = res.latest_rates()
    r = r[r["stage"] == "referral"]
    q = row(res.latest_quality(), stage="referral")
    # every count of 1 to 5 is suppressed
    small = r["children"].between(1, 5)
    assert r.loc[small, "suppressed"].all()
    assert not (1 <= q["unknown"] <= 5) or q["unknown_suppressed"]
    # the major line: groups + not known = children at the stage
    maj = r[r["characteristic"] == "ethnicity_major"]
    vals = np.r_[maj["children"].to_numpy(float), q["unknown"], q["children"]]
    mask = np.r_[maj["suppressed"].to_numpy(bool), q["unknown_suppressed"], q["children_suppressed"]]
    _assert_undetermined(vals, mask)
    # detailed groups inside each major group
    det = r[r["characteristic"] == "ethnicity"].set_index("group")
    majors = maj.set_index("group")
    for major, members in (("Black", ["BCRB", "BAFR", "BOTH"]), ("Asian", ["AIND", "APKN", "ABAN", "CHNE", "AOTH"]),
                           ("Mixed", ["MWBC", "MWBA", "MWAS", "MOTH"])):
        v = np.r_[det.loc[members, "children"].to_numpy(float), majors.loc[major, "children"]]
        m = np.r_[det.loc[members, "suppressed"].to_numpy(bool), majors.loc[major, "suppressed"]]
        _assert_undetermined(v, m)


def _assert_undetermined(values, mask):
    """With the last cell the total of the others: a published line never pins down a suppressed cell."""
    if not mask.any():
        return
    if mask[-1]:
        return  # the total itself is hidden
    assert mask[:-1].sum() != 1, (values, mask)
