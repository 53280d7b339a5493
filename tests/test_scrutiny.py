"""The scrutiny summary's gathering and selection (cscp_analysis.scrutiny), on hand-made findings tables."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from cscp_analysis import scrutiny


def _findings(source, rows):
    return pd.DataFrame([{"kind": k, "priority": p, "lens": "independent", "source": "", "evidence": "e",
                          "rule": "R", "text": t, "weight": w} for k, p, t, w in rows])


def test_gather_fills_the_source_and_drops_unknown_kinds():
    g = scrutiny.gather({
        "scorecard": _findings("scorecard", [("worried", "P1", "a", 0.5), ("nonsense", "P1", "b", 1)]),
        "data": None,
        "assurance": _findings("assurance", [("working_well", "", "c", "0.2")]),
    })
    assert list(g["text"]) == ["a", "c"] and list(g["source"]) == ["scorecard", "assurance"]
    assert g["weight"].tolist() == [0.5, 0.2]


def test_select_ranks_by_severity_then_relative_weight_two_per_source_five_in_all():
    # rules set the tiers: REV- (1: statutory timescales), SC- (2), AUD- (3), DQ- (4)
    def rows(source, rule, weights):
        t = _findings(source, [("worried", "P1", f"{source}{i}", w) for i, w in enumerate(weights)])
        return t.assign(rule=rule)
    g = scrutiny.gather({"scorecard": rows("s", "SC-WR-3", [5, 2.5, 1]), "assurance": rows("a", "AUD-02", [0.9, 0.3]),
                         "data": rows("d", "DQ-2", [1.0]), "reviews": rows("r", "REV-01", [0.1])})
    sel = scrutiny.select(g)
    assert list(sel["text"]) == ["r0", "s0", "s1", "a0", "a1"]  # tier first; data (tier 4) falls off the five
    assert list(sel["severity"]) == [1, 2, 2, 3, 3]
    assert list(sel["rank"]) == [1, 2, 3, 4, 5]


def test_a_finding_that_carries_its_own_tier_keeps_it():
    g = scrutiny.gather({"scorecard": _findings("s", [("worried", "P1", "statutory", 1)]).assign(rule="SC-WR-3",
                                                                                             severity=1)})
    assert g["severity"].tolist() == [1]
    assert scrutiny.severity("SC-WR-3") == 2 and scrutiny.severity("DQ-2") == 4 and scrutiny.severity("X-1") == 3


def test_contradictory_items_are_merged_into_the_worry():
    g = scrutiny.gather({"scorecard": _findings("s", [("working_well", "P1", "Target met four quarters running.", 1),
                                                      ("worried", "P1", "A special-cause concern in August.", 3)])})
    merged = scrutiny.merge_contradictions(g)
    assert merged["kind"].tolist() == ["worried"]
    assert merged["text"].iloc[0] == ("A special-cause concern in August. Going well at the same time: target met "
                                      "four quarters running.")


def test_actions_carry_owner_by_when_and_level():
    g = scrutiny.gather({"assurance": _findings("a", [("needs_to_happen", "", "Agree a revised date.", 0.8)]).assign(
        rule="REV-03")})
    a = scrutiny.actions(g).iloc[0]
    assert a["owner"] == "the Safeguarding Partnership business unit" and a["level"] == "Statutory intervention"
    assert a["by_when"] == "the next meeting of the Audit and Performance subgroup" and a["severity"] == 1


def test_priority_blocks_count_what_is_left_out():
    g = scrutiny.gather({"scorecard": _findings("s", [("worried", "P1", f"s{i}", 1 - i / 10) for i in range(4)])})
    blocks = scrutiny.priority_blocks(scrutiny.select(g), g, {"P1": "Right help", "P2": "Neglect"})
    p1 = blocks[0]
    assert p1["title"] == "Right help" and len(p1["lines"]["worried"]["items"]) == 2
    assert p1["lines"]["worried"]["more"] == 2
    assert blocks[1]["lines"]["worried"]["items"] == []  # a priority with nothing says so (not skipped)


def test_caveats_list_what_is_blocked_and_rejected():
    returns = SimpleNamespace(blocked={"agency:HEALTH@2024-25-Q3": "no return: no health.csv in 2024-25-Q3/"},
                              reconciliation=pd.DataFrame({"rejected": [2, 3]}),
                              config=SimpleNamespace(agencies={"HEALTH": "NHS Coventry"}))
    data = _findings("data", [("worried", "", "Police's return arrived 4 days late.", 1)])
    out = scrutiny.caveats(returns, data)
    assert out == ["Not published: NHS Coventry's return for October to December 2024 (no health.csv in 2024-25-Q3/).",
                   "5 rows failed validation and were set aside; the data returns page says which and why.",
                   "Police's return arrived 4 days late."]
    clean = SimpleNamespace(blocked={}, reconciliation=pd.DataFrame({"rejected": [0]}))
    assert scrutiny.caveats(clean) == ["Every expected return arrived and passed validation."]


def test_inputs_by_folder_sums_files_and_bytes():
    returns = SimpleNamespace(inputs=pd.DataFrame({"path": ["csc/a.csv", "csc/b.csv", "2026-27-Q2/police.csv",
                                                            "README.md"],
                                                   "bytes": [10, 20, 5, 1], "sha256": ["x"] * 4}))
    t = scrutiny.inputs_by_folder(returns).set_index("folder")
    assert t.loc["csc", "files"] == 2 and t.loc["csc", "bytes"] == 30 and t.loc[".", "files"] == 1


def test_every_rule_that_drafts_findings_has_a_tier_and_a_level_of_help():
    # a register added without its place in the severity rule would rank as "own assurance work" and
    # "across all levels" by default, whatever it found (the issue 17 registers once did)
    import re
    from pathlib import Path

    import cscp_analysis

    root = Path(cscp_analysis.__file__).parent
    prefixes = {m for p in root.rglob("*.py") for m in re.findall(r'rule="([A-Z]+-)', p.read_text(encoding="utf-8"))}
    assert len(prefixes) >= 18
    tiered = {prefix for prefix, _ in scrutiny.RULE_TIERS}
    levelled = {prefix for prefix, _ in scrutiny.RULE_LEVELS}
    assert not {p for p in prefixes if not any(t.startswith(p) for t in tiered)} - {"SC-"}  # the scorecard's carry theirs
    assert not {p for p in prefixes if not any(t.startswith(p) for t in levelled)} - {"SC-", "QA-"}
    assert scrutiny.severity("CON-02") == 1 and scrutiny.severity("REA-02") == 2 and scrutiny.severity("QAV-03") == 3
    assert scrutiny.severity("DISP-01") == 2 and scrutiny.severity("DIS-03") == 3
    assert scrutiny.level_of_help("YSW-02", "assurance") == "Universal"


def test_the_most_serious_worries_hold_one_from_each_register():
    # two contract-monitoring worries (CON-02, CON-04) must not push the LADO timescale out of the five
    def row(rule, text, weight, evidence="e"):
        return _findings("assurance", [("worried", "", text, weight)]).assign(rule=rule, evidence=evidence)
    assurance = pd.concat([row("CON-02", "standards met", 0.8), row("CON-04", "providers below", 0.6),
                           row("LAD-03", "LADO within a month", 0.6), row("REV-01", "rapid review late", 0.5),
                           row("AUD-02", "audit grades", 0.9)], ignore_index=True)
    scorecard = pd.concat([_findings("scorecard", [("worried", "P1", f"indicator {i}", 1.0)]).assign(
        rule="SC-WR-3", severity=1, evidence=f"CSC-0{i}") for i in (1, 2)], ignore_index=True)
    top = scrutiny.top_worries(scrutiny.gather({"assurance": assurance, "scorecard": scorecard}))
    assert list(top["text"]) == ["indicator 1", "indicator 2", "standards met", "LADO within a month",
                                 "rapid review late"]
