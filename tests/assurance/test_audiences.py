"""Two audiences, one code path: the board's pack shows counts of the partnership's own work as they are;
the public pack hides 1 to 5 everywhere; counts of children by a protected characteristic or a rare event
keep the rule in both (docs/disclosure.md)."""

from types import SimpleNamespace

import pandas as pd
import pytest

from cscp_analysis import disclosure
from cscp_analysis.assurance import child_deaths as CD
from cscp_analysis.assurance import reviews as R
from cscp_analysis.evidence import Pack
from cscp_analysis.privacy import scan_pack

from .conftest import PERIOD, make
from .test_child_deaths import deaths
from .test_reviews import rv


def _config(audience):
    return SimpleNamespace(suppression_threshold=5, cdop_threshold=5,
                           raw={"disclosure": {"threshold": 5, "cdop_threshold": 5}, "audience": audience})


def test_the_audience_defaults_to_public_the_safe_side():
    assert disclosure.audience_of(SimpleNamespace(raw={})) == "public"
    assert disclosure.audience_of(SimpleNamespace(raw={"audience": "everyone"})) == "public"
    assert disclosure.shows_own_work(_config("board")) and not disclosure.shows_own_work(_config("public"))


def test_publish_table_without_suppression_still_rounds_and_marks_missing():
    df = pd.DataFrame({"g": ["a", "b", "All"], "n": [3, 9, 12], "pct": [25.0, 75.0, 100.0]})
    shown = disclosure.publish_table(df, ["n"], {"pct": ["n"]}, total_row=("g", "All"), suppress=False).table
    assert shown["n"].tolist() == ["3", "9", "12"] and shown["pct"].tolist() == ["25.0", "75.0", "100.0"]
    hidden = disclosure.publish_table(df, ["n"], {"pct": ["n"]}, total_row=("g", "All")).table
    assert hidden["n"].tolist() == ["c", "c", "12"]  # 3 primary, 9 secondary (else 12 - 9 = 3)


def _rapid_reviews():
    # 9 notified in the year: 5 on time (within 15 working days), 4 late (the case the issue names).
    on_time = [rv(f"A{i}", "2026-05-22", "2026-06-15", "NO_REVIEW") for i in range(5)]
    late = [rv(f"B{i}", "2026-05-22", "2026-06-16", "NO_REVIEW") for i in range(4)]
    return {"reviews": make("reviews", on_time + late)}


def test_the_board_sees_how_many_rapid_reviews_were_late():
    board = R.section(_rapid_reviews(), PERIOD, _config("board"))["assurance_reviews_summary"]
    public = R.section(_rapid_reviews(), PERIOD, _config("public"))["assurance_reviews_summary"]
    cells = board.astype(str).to_numpy().ravel().tolist()
    assert "4" in cells and "5" in cells
    assert "4" not in public.astype(str).to_numpy().ravel().tolist()
    assert "c" in public.astype(str).to_numpy().ravel().tolist()
    sec = R.section(_rapid_reviews(), PERIOD, _config("board"))
    assert all(t.own_work for t in sec.tables)


def test_cdop_judgements_are_shown_to_the_board_but_age_and_category_keep_the_rule():
    # 12 reviews: 3 with modifiable factors; 8 perinatal, 3 infection, 1 malignancy.
    rows = make("child_deaths", deaths([8] * 8 + [9] * 3 + [4], modifiable=["Y"] * 3 + ["N"] * 9))
    mod = CD.published_breakdown(rows, PERIOD, "modifiable", _config("board")).set_index("group")["reviews"]
    assert mod["Yes"] == "3" and mod["No"] == "9"
    assert CD.published_breakdown(rows, PERIOD, "modifiable", _config("public")).set_index("group")["reviews"]["Yes"] == "c"
    cat = CD.published_breakdown(rows, PERIOD, "category", _config("board")).set_index("group")["reviews"]
    assert cat["Infection"] == "c" and cat["Malignancy"] == "c"


def test_a_small_cdop_total_is_shown_to_the_board_for_the_panels_judgements():
    rows = make("child_deaths", deaths([8] * 4, modifiable=["Y", "N", "N", "N"]))
    t = CD.published_breakdown(rows, PERIOD, "modifiable", _config("board")).set_index("group")["reviews"]
    assert t["All"] == "4" and t["Yes"] == "1"
    assert CD.published_breakdown(rows, PERIOD, "category", _config("board"))["reviews"].tolist() == ["c"]


def test_the_pack_refuses_own_work_small_counts_in_the_public_pack(tmp_path):
    df = pd.DataFrame({"measure": ["late"], "reviews": [4]})
    Pack(tmp_path / "board", audience="board").table(df, "t", "T", "professional", count_columns=["reviews"],
                                                     own_work=True)
    with pytest.raises(ValueError, match="counts from 1 to 5"):
        Pack(tmp_path / "public", audience="public").table(df, "t", "T", "professional", count_columns=["reviews"],
                                                           own_work=True)


def test_the_privacy_scan_names_own_work_marked_in_a_public_pack(tmp_path):
    from cscp_analysis.evidence import read_catalogue

    pack = Pack(tmp_path, audience="board")
    pack.table(pd.DataFrame({"measure": ["late"], "reviews": [4]}), "t", "T", "professional",
               count_columns=["reviews"], own_work=True)
    cat = read_catalogue(tmp_path)
    assert scan_pack(tmp_path, {}, 5, cat, audience="board") == []
    found = scan_pack(tmp_path, {}, 5, cat, audience="public")
    assert any("own work" in f.what for f in found) and any("unsuppressed" in f.what for f in found)


def test_the_boards_findings_quote_the_count_the_public_ones_say_at_least_one():
    rows = [rv("B", "2026-05-22", "2026-06-16", "LCSPR", commissioned="2026-07-01", due="2026-09-01")]
    board = {f.rule: f.text for f in R.findings({"reviews": make("reviews", rows)}, PERIOD, _config("board"))}
    public = {f.rule: f.text for f in R.findings({"reviews": make("reviews", rows)}, PERIOD, _config("public"))}
    assert board["REV-03"].startswith("1 local child safeguarding practice review was past its publication date")
    assert board["REV-01"].startswith("1 of 1 rapid reviews")
    assert public["REV-03"].startswith("At least one") and public["REV-01"].startswith("At least one")
