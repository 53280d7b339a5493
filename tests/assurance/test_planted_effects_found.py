"""The effects planted in the demo's new registers (issue 17) are found by the pack, each by the rule meant to
find it, in the words a board reads: the demo is the end-to-end test of the registers' analysis."""

from __future__ import annotations

import pandas as pd
import pytest

pytestmark = [pytest.mark.slow]

#: (rule, kind of finding, words it must say): one per planted effect (cscp_analysis/synthetic/registers.py).
PLANTED = [
    ("QAV-03", "worried", "Education (schools, colleges and the local authority) closed"),  # slow to close actions
    ("PRA-01", "needs_to_happen", "No practitioner from Probation Service came to STAG"),
    ("PRA-04", "worried", "NHS Coventry and Warwickshire (ICB and providers) practitioners agreeing"),  # a drop
    ("TNA-02", "worried", "Child exploitation: the agencies need"),  # training need above what was delivered
    ("CON-02", "worried", "Supported accommodation (16 and 17) met"),  # below the other services
    ("REA-02", "worried", "Asian children were"),  # under-reached against the city's children
    ("YSW-02", "worried", "Themes raised by parents and families were answered within three months"),
    ("DIS-02", "worried", "Disagreements raised with West Midlands Police"),
    ("FUN-02", "worried", "The partnership spent"),  # more than the partners contributed
]


@pytest.mark.parametrize("rule, kind, words", PLANTED, ids=[p[0] for p in PLANTED])
def test_the_pack_finds_each_planted_effect(quarter_pack, rule, kind, words):
    found = pd.read_csv(quarter_pack / "tables" / "assurance_findings.csv", dtype=str, keep_default_na=False)
    mine = found[(found["rule"] == rule) & (found["kind"] == kind)]
    assert mine["text"].str.startswith(words).any(), mine["text"].tolist()


def test_the_contract_and_timescale_worries_reach_the_scrutineers_first_page(quarter_pack):
    page = (quarter_pack / "html" / "05_scrutiny_summary.html").read_text(encoding="utf-8")
    worries = page[page.index("The most serious worries"):page.index("Disproportionality: what the numbers show")]
    assert "Supported accommodation (16 and 17) met" in worries  # CON-02
    assert "Of allegations concluded, 34.8% were concluded within one month" in worries  # LAD-03 (issue 15)
    assert worries.count("Children&#x27;s safety and statutory timescales") + worries.count(
        "Children's safety and statutory timescales") == 1  # the tier is named once
