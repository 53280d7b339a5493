"""CDOP: strict small-number suppression, no breakdown of a small total, no percentage from a hidden count."""

from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cscp_analysis.assurance import child_deaths as CD
from cscp_analysis.disclosure import check_disclosure

from .conftest import PERIOD, make


def deaths(categories, modifiable=None, date="2026-03-15", start=0):
    modifiable = modifiable or ["N"] * len(categories)
    return [{"review_id": f"CD{start + i}", "review_date": date, "age_band": "1-4", "category": c, "modifiable": m,
             "expected": "N"} for i, (c, m) in enumerate(zip(categories, modifiable, strict=True))]


def test_counts_by_category_in_the_twelve_months():
    rows = deaths([8] * 7 + [9] * 2) + deaths([4] * 3, date="2025-09-30", start=50)  # last three: outside the window
    t = CD.deaths_reviewed(make("child_deaths", rows), PERIOD).set_index("group")["reviews"]
    assert t["Perinatal or neonatal event"] == 7 and t["Infection"] == 2 and t["Malignancy"] == 0
    assert t["All"] == 9 and len(t) == 11


def test_no_breakdown_when_the_total_is_under_the_minimum(config):
    # 9 reviews (< 10): only the total, no categories at all.
    t = CD.published_breakdown(make("child_deaths", deaths([8] * 7 + [9] * 2)), PERIOD, "category", config)
    assert t["group"].tolist() == ["All"] and t["reviews"].tolist() == ["9"]
    assert "No breakdown" in t["note"].iloc[0]


def test_a_small_total_is_itself_suppressed(config):
    t = CD.published_breakdown(make("child_deaths", deaths([8] * 4)), PERIOD, "category", config)
    assert t["reviews"].tolist() == ["c"]


def test_primary_and_secondary_suppression_and_percentages(config):
    # 12 reviews: 8 perinatal, 3 infection, 1 malignancy. 3 and 1 are suppressed; the two hidden cells cannot be
    # recovered individually (only their sum, 4). The percentages of hidden counts are c; 8 of 12 = 66.7%.
    rows = deaths([8] * 8 + [9] * 3 + [4])
    t = CD.published_breakdown(make("child_deaths", rows), PERIOD, "category", config).set_index("group")
    assert t.loc["Perinatal or neonatal event", ["reviews", "pct"]].tolist() == ["8", "66.7"]
    assert t.loc["Infection", ["reviews", "pct"]].tolist() == ["c", "c"]
    assert t.loc["Malignancy", ["reviews", "pct"]].tolist() == ["c", "c"]
    assert t.loc["All", "reviews"] == "12" and t.loc["Chronic medical condition", "reviews"] == "0"


def test_secondary_suppression_when_only_one_count_is_small(config):
    # 15 reviews: 10 perinatal and 5 infection. 5 alone would be recoverable as 15 - 10, so 10 is hidden too.
    t = CD.published_breakdown(make("child_deaths", deaths([8] * 10 + [9] * 5)), PERIOD, "category", config)
    v = t.set_index("group")["reviews"]
    assert v["Infection"] == "c" and v["Perinatal or neonatal event"] == "c" and v["All"] == "15"


def test_a_higher_cdop_threshold_and_minimum_are_honoured():
    cfg = SimpleNamespace(suppression_threshold=5, cdop_threshold=7, raw={"disclosure": {"cdop_min_total": 20}})
    rows = deaths([8] * 12 + [9] * 7)  # 19 < 20
    assert CD.published_breakdown(make("child_deaths", rows), PERIOD, "category", cfg)["group"].tolist() == ["All"]
    rows = deaths([8] * 13 + [9] * 7)  # 20: breakdown; 7 is suppressed under a threshold of 7
    v = CD.published_breakdown(make("child_deaths", rows), PERIOD, "category", cfg).set_index("group")["reviews"]
    assert v["Infection"] == "c" and v["Perinatal or neonatal event"] == "c" and v["All"] == "20"
    assert CD.min_total(SimpleNamespace(cdop_threshold=12, raw={})) == 13


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(cats=st.lists(st.integers(1, 10), max_size=45), mods=st.lists(st.sampled_from(["Y", "N"]), min_size=45,
                                                                      max_size=45))
def test_no_cdop_output_ever_shows_a_small_count(cats, mods, config):
    sec = CD.section({"child_deaths": make("child_deaths", deaths(cats, mods[:len(cats)]))}, PERIOD, config)
    for t in sec.tables:
        name = t.name
        check_disclosure(t.data, counts=["reviews"], derived={"pct": "reviews"}, threshold=5)
        body = t.data.iloc[:-1]
        hidden = int((body["reviews"] == "c").sum())
        assert hidden != 1, name  # a single hidden cell would be recoverable from the published total
        if len(cats) < 10:
            assert len(t.data) == 1, name
    for f in sec.findings:
        for k in range(1, 6):
            assert f"({k})" not in f.text and f" {k} reviews" not in f.text, f.text


def test_findings_use_published_numbers_only(config):
    rows = deaths([8] * 8 + [9] * 3 + [4] + [6] * 9, modifiable=["Y"] * 7 + ["N"] * 14)
    f = {x.rule: x for x in CD.findings({"child_deaths": make("child_deaths", rows)}, PERIOD, config)}
    assert "completed 21 reviews" in f["CDP-01"].text
    assert "33.3%" in f["CDP-02"].text  # 7 of 21, both counts above 5
    assert "Chronic medical condition (9)" in f["CDP-03"].text
    assert "Infection" not in f["CDP-03"].text
