"""The rule registry: identifiers, sentences, severities, and a test for every rule."""

import re
from pathlib import Path

import pytest

from cscp_analysis.returns import ERROR, WARNING, all_rules, get_rule, rule
from cscp_analysis.returns.registry import Hits, as_hits


def test_every_rule_is_well_formed():
    rules = all_rules()
    assert len(rules) >= 40
    for r in rules:
        assert re.fullmatch(r"(RET|PER|PRT|SUB|COM|CSC|REG|POP)-\d{3}", r.id), r.id
        assert r.severity in (ERROR, WARNING)
        assert r.sentence[0].isupper() and r.sentence.endswith("."), r.id
        assert r.tables, r.id


def test_every_rule_has_its_own_test():
    here = Path(__file__).parent
    text = "".join(p.read_text(encoding="utf-8") for p in here.glob("test_rules_*.py"))
    text += (here / "test_load.py").read_text(encoding="utf-8")
    untested = [r.id for r in all_rules() if r.id not in text and r.id.replace("-", "").lower() not in text]
    # the file rules are tested through the loader (test_load.py) and through corrupted data (corruptions.py)
    untested = [i for i in untested if get_rule(i).kind != "file"]
    assert untested == []


def test_a_rule_needs_a_sentence_and_a_known_table():
    with pytest.raises(ValueError, match="docstring"):
        rule("TST-001", table="children")(lambda t, c: None)
    with pytest.raises(ValueError, match="neither a schema nor a scope"):
        @rule("TST-002", table="nothing")
        def f(t, c):
            """A sentence."""
    with pytest.raises(ValueError, match="severity"):
        rule("TST-003", severity="fatal")


def test_a_rule_id_is_registered_once():
    with pytest.raises(ValueError, match="registered twice"):
        @rule("RET-020", table="children")
        def another(t, c):
            """Something else."""


def test_as_hits_accepts_masks_positions_and_hits():
    r = get_rule("RET-020")
    import numpy as np

    assert as_hits(np.array([True, False, True]), r, 3)[0].pos.tolist() == [0, 2]
    assert as_hits([1], r, 3)[0].pos.tolist() == [1]
    assert as_hits(None, r, 3) == []
    h = Hits(np.array([0]), "sex", "blank")
    assert as_hits(h, r, 3) == [h]
    with pytest.raises(ValueError, match="mask"):
        as_hits(np.array([True]), r, 3)
