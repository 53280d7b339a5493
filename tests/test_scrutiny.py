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


def test_select_takes_at_most_two_per_source_and_five_per_line():
    rows = [("worried", "P1", f"s{i}", 1 - i / 10) for i in range(4)]
    g = scrutiny.gather({"scorecard": _findings("s", rows),
                         "assurance": _findings("a", [("worried", "P1", f"a{i}", 0.95 - i / 10) for i in range(4)]),
                         "data": _findings("d", [("worried", "P1", "d0", 0.01), ("context", "P1", "ctx", 9)])})
    sel = scrutiny.select(g)
    assert list(sel["text"]) == ["s0", "a0", "s1", "a1", "d0"]  # by weight, two per source, five in all
    assert list(sel["rank"]) == [1, 2, 3, 4, 5]


def test_priority_blocks_count_what_is_left_out():
    g = scrutiny.gather({"scorecard": _findings("s", [("worried", "P1", f"s{i}", 1 - i / 10) for i in range(4)])})
    blocks = scrutiny.priority_blocks(scrutiny.select(g), g, {"P1": "Right help", "P2": "Neglect"})
    p1 = blocks[0]
    assert p1["title"] == "Right help" and len(p1["lines"]["worried"]["items"]) == 2
    assert p1["lines"]["worried"]["more"] == 2
    assert blocks[1]["lines"]["worried"]["items"] == []  # a priority with nothing says so (not skipped)


def test_caveats_list_what_is_blocked_and_rejected():
    returns = SimpleNamespace(blocked={"indicator:EDU-01": "education.csv was not received"},
                              reconciliation=pd.DataFrame({"rejected": [2, 3]}))
    data = _findings("data", [("worried", "", "Police's return arrived 4 days late.", 1)])
    out = scrutiny.caveats(returns, data)
    assert out == ["Not published (indicator:EDU-01): education.csv was not received.",
                   "5 rows failed validation and were set aside; see the validation report.",
                   "Police's return arrived 4 days late."]
    clean = SimpleNamespace(blocked={}, reconciliation=pd.DataFrame({"rejected": [0]}))
    assert scrutiny.caveats(clean) == ["Every expected return arrived and passed validation."]


def test_inputs_by_folder_sums_files_and_bytes():
    returns = SimpleNamespace(inputs=pd.DataFrame({"path": ["csc/a.csv", "csc/b.csv", "2026-27-Q2/police.csv",
                                                            "README.md"],
                                                   "bytes": [10, 20, 5, 1], "sha256": ["x"] * 4}))
    t = scrutiny.inputs_by_folder(returns).set_index("folder")
    assert t.loc["csc", "files"] == 2 and t.loc["csc", "bytes"] == 30 and t.loc[".", "files"] == 1
