"""A corrupted copy of a clean data folder for every rule: its exact message and the exit code of ``cscp validate``.

Run on the small hand-made data here, and on the committed demo in ``test_demo.py``.
"""

import io

import pytest

from cscp_analysis.returns import validate_main
from cscp_analysis.returns.registry import all_rules

from .conftest import linked_copy, write_data
from .corruptions import CONFIG, CORRUPTIONS, expected_exit


@pytest.fixture(scope="module")
def hand_data(tmp_path_factory):
    return write_data(tmp_path_factory.mktemp("hand") / "data", config=CONFIG)


def check(root, rule_id):
    expected = CORRUPTIONS[rule_id](root)
    out = io.StringIO()
    code = validate_main(data_dir=root, config=CONFIG, out=out)
    lines = [line.strip() for line in out.getvalue().splitlines()]
    assert expected in lines, f"expected\n  {expected}\nin\n{out.getvalue()}"
    assert code == expected_exit(rule_id), out.getvalue()


@pytest.mark.parametrize("rule_id", sorted(CORRUPTIONS))
def test_corrupted_hand_made_data(rule_id, hand_data, tmp_path):
    check(linked_copy(hand_data, tmp_path / "data"), rule_id)


def test_clean_hand_made_data_exits_0(hand_data):
    out = io.StringIO()
    assert validate_main(data_dir=hand_data, config=CONFIG, out=out) == 0
    assert "No problems found." in out.getvalue()


def test_every_rule_has_a_corruption():
    assert sorted(CORRUPTIONS) == sorted(r.id for r in all_rules())
