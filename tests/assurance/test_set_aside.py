"""Every quality-assurance section says, once, how many rows of the registers it reads were set aside at
validation, of how many, and why; and nothing about the registers it does not read."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from cscp_analysis import assurance
from cscp_analysis.config import load_partnership
from cscp_analysis.returns import SetAside, get_rule, load_returns
from cscp_analysis.returns.page_notes import rows_words

DEMO = Path(__file__).resolve().parents[2] / "data_raw" / "demo"
PERIOD = "2026-27-Q2"
RULE = get_rule("REG-002").sentence  # "An action is 'complete' exactly when it has a completed_date (...)."
REGISTERS = [r for area in sorted(assurance.REGISTERS) for r in assurance.REGISTERS[area]]


def _counts(register: str) -> tuple[int, int]:
    """A count of rows set aside, and of rows, that no other register has (so a wrong one shows)."""
    i = REGISTERS.index(register)
    return 2 + i, 1_000 + 37 * i


@pytest.fixture(scope="module")
def returns():
    """The demo's returns, with rows of every register set aside."""
    clean = load_returns(DEMO, PERIOD, load_partnership())
    set_aside = {r: SetAside(*_counts(r), ((RULE, _counts(r)[0]),), f"assurance/{r}.csv") for r in REGISTERS}
    return dataclasses.replace(clean, set_aside_rows=set_aside)


def _said(register: str) -> str:
    n, total = _counts(register)
    return f"{n:,} of {total:,} {rows_words(register)[0]} (they did not meet the rule that an action is 'complete' " \
           "exactly when it has a completed date)"


@pytest.mark.parametrize("area", sorted(assurance.AREAS))
def test_each_section_says_which_rows_of_its_registers_were_set_aside(area, returns):
    sec = assurance.AREAS[area].section(returns, PERIOD, returns.config)
    assert sec.intro.count("**Rows set aside.**") == 1, area
    for register in assurance.REGISTERS[area]:
        assert _said(register) in sec.intro, (area, register)
    others = [r for r in REGISTERS if r not in assurance.REGISTERS[area]]
    for register in others:
        assert _said(register) not in sec.intro, (area, register)


@pytest.mark.parametrize("area", sorted(assurance.AREAS))
def test_the_registers_each_section_states_are_those_the_catalogue_lists(area):
    assert assurance.AREAS[area].section.registers == assurance.REGISTERS[area]


def test_nothing_set_aside_and_plain_tables_say_nothing(returns):
    clean = dataclasses.replace(returns, set_aside_rows={})
    assert "Rows set aside" not in assurance.lado.section(clean, PERIOD, clean.config).intro
    assert "Rows set aside" not in assurance.lado.section(clean.tables, PERIOD, clean.config).intro
