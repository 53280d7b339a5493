"""Every quality-assurance register carries its five pieces (docs/architecture.md §10, "Adding a register"):
a schema (and so a template and a data-dictionary entry), a generator in the demo partnership, a section
under its lens, a chapter of the annual book, and its method in docs/assurance.md."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cscp_analysis import assurance
from cscp_analysis.annual import CHAPTERS, CONTENTS
from cscp_analysis.periods import parse_period
from cscp_analysis.returns import SCHEMAS
from cscp_analysis.sections import Section
from cscp_analysis.synthetic.assurance import generate_registers

DOCS = Path(__file__).resolve().parents[2] / "docs"
AREAS = sorted(assurance.AREAS)
# the words that head each area's method in docs/assurance.md ("### 3.n ...")
METHOD_HEADINGS = {"audits": "Audits", "self_assessment": "Section 11", "reviews": "Rapid reviews",
                   "training": "Training", "actions": "action plan", "voice": "voice of children", "lado": "LADO",
                   "child_deaths": "CDOP", "qa_visits": "Quality-assurance visits", "practitioners": "Practitioners",
                   "training_needs": "Training needs", "contract_monitoring": "Contract monitoring",
                   "voice_reach": "Who was heard", "you_said_we_did": "You said, we did",
                   "disagreements": "Professional disagreements", "funding": "Funding"}


@pytest.fixture(scope="module")
def generated():
    return generate_registers(np.random.default_rng(7), parse_period("2025-26-Q1"), parse_period("2025-26-Q4"))


def test_every_area_is_catalogued():
    assert set(assurance.REGISTERS) == set(assurance.AREAS) == set(assurance.LENS) == set(assurance.ANNUAL_CHAPTER)


@pytest.mark.parametrize("area", AREAS)
def test_each_register_has_a_schema_in_the_assurance_folder(area):
    for table in assurance.REGISTERS[area]:
        assert table in SCHEMAS, f"{area}: no schema for {table}"
        assert SCHEMAS[table].file.startswith("assurance/"), SCHEMAS[table].file


@pytest.mark.parametrize("area", AREAS)
def test_each_register_has_a_generator(area, generated):
    for table in assurance.REGISTERS[area]:
        assert table in generated and len(generated[table]), f"{area}: the demo generator writes no {table}"
        assert set(SCHEMAS[table].required_columns) <= set(generated[table].columns), table


@pytest.mark.parametrize("area", AREAS)
def test_each_area_has_a_section_that_says_when_its_register_is_missing(area):
    sec = assurance.AREAS[area].section({}, "2025-26-Q4")
    assert isinstance(sec, Section) and sec.lens == assurance.LENS[area]
    assert sec.unavailable and sec.findings  # never skipped: a missing register is stated


@pytest.mark.parametrize("area", AREAS)
def test_each_area_has_an_annual_chapter_and_a_method(area):
    chapter = assurance.ANNUAL_CHAPTER[area]
    assert chapter in CHAPTERS and any(e.chapter == chapter for e in CONTENTS)
    headings = [line for line in (DOCS / "assurance.md").read_text(encoding="utf-8").splitlines()
                if line.startswith("### ")]
    assert any(METHOD_HEADINGS[area].lower() in h.lower() for h in headings), \
        f"docs/assurance.md has no section on the method of {area}"
