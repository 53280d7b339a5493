"""The committed demo: clean, it validates with exit 0; a corrupted copy for every rule gives its message and exit code.

The copies are made of symbolic links to the demo's files; each corruption replaces the one file
it changes (written by the test into a temporary folder, never committed).
"""

import io
import os
from pathlib import Path

import pytest

from cscp_analysis.returns import load_returns, validate_main

from .conftest import DEMO, linked_copy
from .corruptions import CONFIG, CORRUPTIONS, expected_exit

DEMO_DIR = Path(os.environ.get("CSCP_TEST_DEMO", DEMO))
pytestmark = pytest.mark.skipif(not (DEMO_DIR / "2026-27-Q2").is_dir(),
                                reason=f"the demo data are not in {DEMO_DIR} yet")


def test_clean_demo_exits_0():
    out = io.StringIO()
    assert validate_main(data_dir=DEMO_DIR, config=CONFIG, out=out) == 0, out.getvalue()
    assert "0 errors" in out.getvalue() or "No problems found." in out.getvalue()


def test_clean_demo_reconciles_and_blocks_nothing_but_the_missing_return():
    r = load_returns(DEMO_DIR, "2026-27-Q2", CONFIG)
    rec = r.reconciliation
    assert (rec["received"] == rec["accepted"] + rec["rejected"]).all()
    assert (rec["accepted"] == rec["used"] + rec["after_period_end"]).all()
    assert rec["rejected"].sum() == 0
    # the one return the demo leaves out on purpose (an earlier quarter), and nothing else
    assert all(k.startswith("agency:") and "@" in k for k in r.blocked), r.blocked


@pytest.mark.parametrize("rule_id", sorted(CORRUPTIONS))
def test_corrupted_demo(rule_id, tmp_path):
    root = linked_copy(DEMO_DIR, tmp_path / "demo")
    expected = CORRUPTIONS[rule_id](root)
    out = io.StringIO()
    code = validate_main(data_dir=root, config=CONFIG, out=out)
    lines = [line.strip() for line in out.getvalue().splitlines()]
    assert expected in lines, f"expected\n  {expected}\nin\n{out.getvalue()[:5000]}"
    assert code == expected_exit(rule_id), out.getvalue()[:5000]


def test_pack_of_a_corrupted_demo_passes_the_privacy_scan(tmp_path):
    from cscp_analysis.privacy import scan_pack
    from cscp_analysis.returns import write_quarantine

    from .corruptions import prt002, ret024, ret041, ret061

    root = linked_copy(DEMO_DIR, tmp_path / "demo")
    for corrupt in (ret024, ret041, ret061, prt002):
        corrupt(root)
    r = load_returns(root, "2026-27-Q2", CONFIG)
    assert len(r.rejected) >= 3
    write_quarantine(r, tmp_path / "pack")
    assert scan_pack(tmp_path / "pack", r.tables, CONFIG.suppression_threshold) == []
