"""Declarations: JSON round trip, keys, and clear errors naming the table, row and column."""

import json

import pandas as pd
import pytest

from cscp_analysis import disclosure_audit as audit
from cscp_analysis.disclosure_audit import symbols
from cscp_analysis.disclosure_audit.keys import Columns, parse

DECISIONS = pd.DataFrame({"window": ["2026-27-Q2"], "decision": ["Initial conference → Child protection plan"],
                          "group": ["Boys"], "children_at_previous_stage": ["c"], "children_going_on": ["289"],
                          "percent_going_on": ["c"]})


def _decisions_declaration(table=DECISIONS):
    return audit.declare(
        table, "decisions",
        [audit.Cells("children_at_previous_stage", "children | stage={decision:before →} | group={group} | window={window}"),
         audit.Cells("children_going_on", "going on | decision={decision} | group={group} | window={window}",
                     label="{group} going on")],
        sums=[audit.SumOver("children_going_on", "group", total_key="going on | decision={decision} | window={window}"),
              audit.SumAcross(["children_going_on"], "children_going_on")],
        at_most=[audit.AtMost("children_going_on", "children | stage={decision:after →} | group={group} | window={window}")],
        equal=[audit.Equal("children_going_on", "children_going_on", where={"group": ["Boys"]})],
        ratios=[audit.Ratio("percent_going_on", "children_going_on", "children_at_previous_stage", decimals=1)],
        threshold=5, title="Decision points")


def test_a_declaration_survives_json():
    decl = _decisions_declaration()
    text = json.dumps(decl.to_dict(), ensure_ascii=False, sort_keys=True)
    again = audit.Declaration.from_dict(json.loads(text))
    assert again == decl
    assert again.to_dict() == decl.to_dict()
    assert json.loads(text)["ratios"][0] == {"type": "Ratio", "column": "percent_going_on", "numerator": "children_going_on",
                                             "denominator": "children_at_previous_stage", "decimals": 1, "scale": 100.0}


def test_inline_rows_are_kept_for_quoted_figures():
    quoted = pd.DataFrame({"statement": ["I feel safe"], "percent_agree": ["78.3"]})
    decl = audit.declare(quoted, "voice_alt_text", [], ratios=[audit.Ratio(
        "percent_agree", "voice | answer=agree | statement={statement}", "voice | answer=all | statement={statement}")],
        inline=True)
    assert decl.rows == [{"statement": "I feel safe", "percent_agree": "78.3"}]
    assert audit.Declaration.from_dict(json.loads(json.dumps(decl.to_dict()))).rows == decl.rows


@pytest.mark.parametrize("data, message", [
    ({"name": "t", "cells": [], "colour": 1}, "unknown field(s) in the audit declaration: colour"),
    ({"cells": []}, "needs 'name' and 'cells'"),
    ({"format": 2, "name": "t", "cells": []}, "format 2 is not 1"),
    ({"name": "t", "cells": [{"column": "a", "key": "k | a={a}", "size": 3}]}, "Cells has no field(s) size"),
    ({"name": "t", "cells": [], "sums": [{"column": "a"}]}, "needs a 'type'"),
])
def test_a_malformed_declaration_is_refused_clearly(data, message):
    with pytest.raises(audit.AuditError, match=message.replace("(", r"\(").replace(")", r"\)")):
        audit.Declaration.from_dict(data, "entry.json")


def test_the_same_quantity_in_two_tables_is_one_unknown_whatever_the_order_of_its_key():
    a = pd.DataFrame({"stage": ["Plan"], "group": ["Boys"], "n": ["[c]"]})
    b = pd.DataFrame({"who": ["Boys"], "where": ["Plan"], "count": ["4"]})
    da = audit.declare(a, "a", audit.Cells("n", "children | stage={stage} | group={group}"))
    db = audit.declare(b, "b", audit.Cells("count", "children|group={who}|stage={where}"))
    facts = audit.build_facts([audit.Source(a, da), audit.Source(b, db)])
    assert list(facts.keys) == ["children | group=Boys | stage=Plan"]
    assert (facts.lower[0], facts.upper[0]) == (4, 4)


def test_templates_take_text_before_or_after_a_separator():
    t = parse("children | stage={decision:after →} | from={decision:before →} | all=every {group}")
    keys = t.fill(Columns(DECISIONS, "decisions"))
    assert list(keys) == ["children | all=every Boys | from=Initial conference | stage=Child protection plan"]


@pytest.mark.parametrize("template, message", [
    ("children", None),
    ("children | stage", "must be name=value"),
    ("{x} | a=b", "must start with the quantity"),
    ("children | a={x:upper}", "only 'before SEP' and 'after SEP'"),
    ("children | a=1 | a=2", "'a' is given twice"),
])
def test_malformed_templates_are_refused(template, message):
    if message is None:
        assert parse(template).names == ()
        return
    with pytest.raises(audit.AuditError, match=message):
        parse(template)


@pytest.mark.parametrize("change, message", [
    (dict(cells=audit.Cells("kids", "children | group={group}")), "column 'kids' is not in the table"),
    (dict(cells=audit.Cells("children_going_on", "children | group={sex}")), "reads column 'sex'"),
    (dict(sums=[audit.SumOver("children_going_on", "group")]), "give either total"),
    (dict(at_most=[audit.AtMost("children_going_on", "children_at_previous")]),
     "'children_at_previous' is neither a count column declared in cells nor a key template"),
    (dict(ratios=[audit.Ratio("percent_going_on", "children_going_on", "children_going_on", decimals=-1)]),
     "decimals must be a whole number"),
    (dict(cells=audit.Cells("children_going_on", "children | group={group}", where={"group": "Boys"})),
     "must be a list of values"),
    (dict(threshold=0), "threshold must be a whole number of at least 1"),
])
def test_a_declaration_that_does_not_fit_its_table_is_refused(change, message):
    args = dict(cells=audit.Cells("children_going_on", "children | group={group}"))
    args.update(change)
    with pytest.raises(audit.AuditError, match=message):
        audit.declare(DECISIONS, "decisions", **args)


@pytest.mark.parametrize("text, message", [
    ("abc", r"decisions:0: column 'children_going_on': 'abc' is neither a count nor a symbol"),
    ("", r"decisions:0: column 'children_going_on': an empty cell is neither a count nor a symbol"),
    ("3.5", r"decisions:0: column 'children_going_on': '3.5' is not a count"),
    ("-1", r"decisions:0: column 'children_going_on': '-1' is not a count"),
    ("[low]", r"decisions:0: column 'children_going_on': '\[low\]' cannot stand for a count that is not rounded"),
])
def test_a_cell_that_is_neither_a_count_nor_a_symbol_is_an_error_naming_its_place(text, message):
    table = DECISIONS.assign(children_going_on=[text])
    decl = audit.Declaration("decisions", [audit.Cells("children_going_on", "children | group={group}")])
    with pytest.raises(audit.AuditError, match=message):
        audit.audit_tables([(table, decl)])


def test_a_rounded_count_must_be_a_multiple_of_its_base():
    table = pd.DataFrame({"area": ["North"], "children": ["35"]})
    with pytest.raises(audit.AuditError, match="'35' is not a multiple of 10"):
        audit.declare(table, "regions", audit.Cells("children", "children | area={area}", rounded_to=10))


def test_a_separator_missing_from_a_value_is_an_error():
    table = DECISIONS.assign(decision=["Conference to plan"])
    with pytest.raises(audit.AuditError, match="has no '→' to take the text after"):
        audit.declare(table, "decisions", audit.Cells("children_going_on", "children | stage={decision:after →}"))


def test_a_ratio_cell_must_be_a_number_or_a_symbol():
    table = DECISIONS.assign(percent_going_on=["about half"])
    with pytest.raises(audit.AuditError, match="column 'percent_going_on': 'about half' is neither a number nor a symbol"):
        _decisions_declaration(table)


def test_what_each_symbol_tells_an_intruder():
    # docs/disclosure.md: [c] 1 to threshold; [s] above it; c 1 or more; x and z nothing; [low] 1 to under half the base
    assert symbols.count_interval("[c]", 5) == (1, 5)
    assert symbols.count_interval("[s]", 5) == (6, float("inf"))
    assert symbols.count_interval("c", 5) == (1, float("inf"))
    for s in ("[x]", "[z]", "x", "z"):
        assert symbols.count_interval(s, 5) == (0, float("inf"))
    assert symbols.count_interval("[low]", 5, rounded_to=10) == (1, 4)  # 1..4 round to 0; 5 rounds to 10
    assert symbols.count_interval("low", 5, rounded_to=5) == (1, 2)  # 1, 2 round to 0; 2.5 would round to 5
    assert {m.kind for s, m in symbols.MEANINGS.items() if m.protected} == {"primary", "secondary", "suppressed"}
