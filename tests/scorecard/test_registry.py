"""The indicator registry: the shipped configuration, and clear errors for broken definitions."""

from __future__ import annotations

import copy
from types import SimpleNamespace

import numpy as np
import pytest
import yaml

from cscp_analysis.benchmarking import MEASURES as PUBLISHED
from cscp_analysis.config import CONFIG_DIR
from cscp_analysis.scorecard import IndicatorError, compute, load_indicators, parse_indicators
from cscp_analysis.scorecard.measures import MEASURES

GOOD = {
    "id": "T-01", "title": "Re-referrals", "agency": "CSC", "priority": "P1", "lens": "independent",
    "statistic": "percentage", "numerator": "csc.rereferrals", "denominator": "csc.referrals",
    "polarity": "lower_is_better", "target": 20, "benchmark": "rereferral_pct",
    "definition": "Re-referrals within 12 months.", "source": "DfE CIN census guidance.",
}


def _with(**changes):
    d = copy.deepcopy(GOOD)
    for k, v in changes.items():
        if v is None:
            d.pop(k, None)
        else:
            d[k] = v
    return [d]


def test_shipped_registry_is_about_thirty_indicators_across_the_agencies(config):
    inds = load_indicators(config=config)
    assert 28 <= len(inds) <= 40
    agencies = {i.agency for i in inds}
    assert {"CSC", "POLICE", "HEALTH", "EDUCATION", "YJS", "PARTNERSHIP"} <= agencies
    assert {i.lens for i in inds} == {"independent", "provider", "professional", "citizen"}
    assert {i.statistic for i in inds} == {"percentage", "rate", "count", "median_days"}
    assert {i.per for i in inds if i.statistic == "rate"} >= {10_000, 100_000}
    for i in inds:
        assert i.benchmark is None or i.benchmark in PUBLISHED
        assert i.priority in config.priorities
        assert i.definition and i.source


def test_every_shipped_indicator_can_be_computed(fixture_scorecard, config):
    sc = fixture_scorecard
    empty = [r.indicator.id for r in sc if np.isnan(r.current["value"])]
    assert not empty
    assert len(sc) == len(load_indicators(config=config))


def test_the_config_file_is_read_from_the_config_folder(config):
    assert [i.id for i in load_indicators(CONFIG_DIR, config)] == [i.id for i in load_indicators(config=config)]


@pytest.mark.parametrize("changes, message", [
    ({"numerator": "csc.rereferal"}, "numerator 'csc.rereferal' is not a registered measure (did you mean csc.rereferrals"),
    ({"denominator": None}, "a percentage needs a denominator"),
    ({"statistic": "ratio"}, "statistic 'ratio' is not one of"),
    ({"polarity": "up"}, "polarity 'up' is not one of"),
    ({"title": None}, "'title' is missing"),
    ({"agency": "FIRE"}, "agency 'FIRE' is not one of the partnership's agencies"),
    ({"priority": "P9"}, "priority 'P9' is not one of"),
    ({"lens": "external"}, "lens 'external' is not one of the QA lenses"),
    ({"benchmark": "rereferal_pct"}, "benchmark 'rereferal_pct' is not a published measure"),
    ({"polarity": "neither"}, "a target needs a direction"),
    ({"statistic": "rate"}, "a rate needs 'per'"),
    ({"denominator": "csc.cp_plans_open"}, "must both count events in the period or both count a stock"),
    ({"denominator": "population.age_0_17"}, "a percentage of a population is a rate"),
    ({"statistic": "count"}, "a count has no denominator"),
    ({"numerator": "partner.numerator"}, "needs partner indicator code after a colon"),
    ({"numerator": "partner.numerator:POL_NOPE"}, "POL_NOPE is not an indicator of any partner return"),
    ({"rag": {"tolerence": 2}}, "unknown rag option(s) ['tolerence']"),
    ({"colour": "red"}, "unknown field(s) ['colour']"),
])
def test_a_broken_definition_names_the_indicator_and_the_problem(config, changes, message):
    with pytest.raises(IndicatorError) as e:
        parse_indicators(_with(**changes), config=config, where="indicators.yaml")
    assert "indicators.yaml: indicator T-01: " in str(e.value)
    assert message in str(e.value)


def test_duplicate_ids_are_refused(config):
    with pytest.raises(IndicatorError, match="T-01: the id is used twice"):
        parse_indicators(_with() + _with(), config=config)


def test_a_median_needs_a_values_measure(config):
    with pytest.raises(IndicatorError, match="median_days needs a measure of durations"):
        parse_indicators(_with(statistic="median_days", denominator=None, target=None), config=config)


def test_a_yaml_file_with_a_broken_indicator_fails_on_load(tmp_path, config):
    items = yaml.safe_load((CONFIG_DIR / "indicators.yaml").read_text())["indicators"]
    items[5]["numerator"] = "csc.no_such_measure"
    (tmp_path / "indicators.yaml").write_text(yaml.safe_dump({"indicators": items}))
    with pytest.raises(IndicatorError, match=f"indicator {items[5]['id']}: numerator 'csc.no_such_measure'"):
        load_indicators(tmp_path, config)


def test_a_definition_that_cannot_be_computed_from_the_returns_names_the_indicator(fixture_returns, config):
    inds = parse_indicators(_with(), config=config)
    broken = SimpleNamespace(tables={k: v for k, v in fixture_returns.tables.items() if k != "referrals"},
                             partner=fixture_returns.partner, commentary=fixture_returns.commentary, blocked={})
    with pytest.raises(IndicatorError, match=r"indicator T-01 \(Re-referrals\): table 'referrals' is not in the returns"):
        compute(broken, "2025-26-Q4", config, indicators=inds)
    renamed = dict(fixture_returns.tables)
    renamed["referrals"] = renamed["referrals"].rename(columns={"referral_date": "date"})
    broken.tables = renamed
    with pytest.raises(IndicatorError, match=r"T-01 .*table 'referrals' has no column\(s\) \['referral_date'\]"):
        compute(broken, "2025-26-Q4", config, indicators=inds)


def test_every_measure_has_a_definition_in_words():
    for m in MEASURES.values():
        assert len(m.description) > 30, m.id


def test_the_method_page_documents_every_measure_and_rule():
    from cscp_analysis.config import PROJECT_ROOT
    from cscp_analysis.scorecard import RULES

    text = (PROJECT_ROOT / "docs" / "scorecard.md").read_text(encoding="utf-8")
    missing = [m for m in MEASURES if f"`{m}" not in text and m.split(".")[1] not in text]
    assert not missing, f"measures not in docs/scorecard.md: {missing}"
    assert all(r in text for r in RULES)
