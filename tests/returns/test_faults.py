"""Issue 18 §4, §8 and §9 on the demo partnership: each case as the analyst met it, before and after.

Each test starts from a linked copy of the committed demo (17,620 children), changes what the
partners sent in one way, and checks what validation makes of it.
"""

from __future__ import annotations

import dataclasses
import io
import time
from pathlib import Path

import pandas as pd
import pytest

from cscp_analysis.config import load_partnership
from cscp_analysis.returns import load_returns, validate_main, write_quarantine

from .conftest import DEMO, linked_copy, read, write

PERIOD = "2026-27-Q2"
CONFIG = load_partnership()


@pytest.fixture()
def demo(tmp_path) -> Path:
    return linked_copy(DEMO, tmp_path / "data")


def _lines(data: Path, config=CONFIG) -> tuple[int, list[str]]:
    """What ``cscp validate`` prints, and its exit code."""
    out = io.StringIO()
    code = validate_main(PERIOD, data, config, out=out)
    return code, [line.strip() for line in out.getvalue().splitlines()]


def _load(data: Path, config=CONFIG):
    """The returns, with the exit code and the lines ``cscp validate`` would give (one load, not two)."""
    returns = load_returns(data, PERIOD, config)
    lines = [line.strip() for line in returns.report.format().splitlines()]
    return returns, (1 if returns.report.has_errors else 0), lines


# --- §8 size limits and progress ---------------------------------------------------------------------


def test_a_return_over_its_size_limit_is_refused_before_it_is_read(demo):
    # before: a 200 MB return was read (15 minutes, 6.7 GB); now anything over the limit is never read
    rel = f"{PERIOD}/police.csv"
    rows = read(demo, rel)
    big = pd.concat([rows] * (6 * 1024 * 1024 // len(rows.to_csv(index=False)) + 1), ignore_index=True)
    write(demo, rel, big)
    size = (demo / rel).stat().st_size
    assert size > 5 * 1024 * 1024
    t0 = time.perf_counter()
    returns = load_returns(demo, PERIOD, CONFIG)
    assert time.perf_counter() - t0 < 60
    issues = returns.report.issues
    mine = issues[(issues["file"] == rel) & (issues["rule_id"] == "RET-007")]
    assert mine["value"].tolist() == [f"{size / 1024 / 1024:,.1f} MB, above the limit of 5.0 MB for this return"]
    assert rel not in set(returns.inputs["path"])  # not even hashed
    assert returns.blocked_reason(agency="POLICE").startswith(f"{rel} could not be used: RET-007")
    # an agency can be given its own limit in partnership.yaml (returns.agencies.POLICE.size_limit_mb)
    roomy = dataclasses.replace(CONFIG, returns={**CONFIG.returns, "POLICE": dataclasses.replace(
        CONFIG.returns["POLICE"], size_limit_mb=50)})
    assert "RET-007" not in set(load_returns(demo, PERIOD, roomy).report.issues["rule_id"])


def test_long_validation_reports_progress(demo):
    said: list[str] = []
    load_returns(demo, PERIOD, CONFIG, progress=said.append)
    assert "reading csc/referrals.csv (1.3 MB)" in said
    assert "checking 17,620 rows of csc/children.csv" in said
    assert f"reading {PERIOD}/" in said
    from cscp_analysis.returns.validate import progress_after

    stream = io.StringIO()
    progress_after(0, stream)("reading csc/referrals.csv")
    assert stream.getvalue().startswith("  reading csc/referrals.csv (")


# --- §8 a referral long before birth, two versions of a return, a folder where a file should be ---------


def test_a_referral_three_years_before_birth_is_an_error(demo):
    # before: accepted silently
    ref, ch = read(demo, "csc/referrals.csv"), read(demo, "csc/children.csv")
    born = pd.to_datetime(ref["child_id"].map(ch.set_index("child_id")["date_of_birth"]))
    pos = int(ref.index[born > "2005-01-01"][0])
    ref.loc[pos, "referral_date"] = (born[pos] - pd.DateOffset(years=3)).strftime("%Y-%m-%d")
    write(demo, "csc/referrals.csv", ref)
    code, lines = _lines(demo)
    assert code == 1
    assert any(line.startswith(f"csc/referrals.csv:{pos + 2}: referral_date: CSC-008") for line in lines)


def test_two_versions_of_a_return_are_an_error_naming_both(demo):
    # before: police v2.csv was ignored with a warning, exit 0, and the stale police.csv was published
    rel = f"{PERIOD}/police.csv"
    df = read(demo, rel)
    df.loc[0, "numerator"] = str(int(df.loc[0, "numerator"]) + 7)
    df.to_csv(demo / PERIOD / "police v2.csv", index=False, lineterminator="\n")
    returns, code, lines = _load(demo)
    assert code == 1
    assert (f"{rel}: RET-008 A return is sent once: there are not two versions of it that differ "
            "(police.csv and police v2.csv differ: remove the one that is out of date)") in lines
    assert "two versions of the return, police.csv and police v2.csv, differ" in returns.blocked_reason(agency="POLICE")
    assert not (returns.partner["period"].astype(str).eq(PERIOD) & returns.partner["agency"].eq("POLICE")).any()


def test_an_identical_copy_of_a_return_is_only_a_warning(demo):
    read(demo, f"{PERIOD}/police.csv").to_excel(demo / PERIOD / "police (1).xlsx", index=False)
    code, lines = _lines(demo)
    assert code == 0
    assert (f"{PERIOD}/police (1).xlsx: RET-004 The file is in the template's format: comma-separated CSV or an "
            "Excel workbook (police.csv was read; police (1).xlsx holds the same rows and is ignored)") in lines


def test_a_folder_where_a_return_should_be_says_so(demo):
    # before: reported as "no health.csv"
    (demo / PERIOD / "health.csv").unlink()
    (demo / PERIOD / "health.csv").mkdir()
    code, lines = _lines(demo)
    assert code == 1
    assert (f"{PERIOD}/health.csv: RET-001 The file can be read as CSV (UTF-8 or Windows-1252) or as an Excel "
            "workbook (.xlsx) (it is a folder, not a file: put the return itself in its place)") in lines
    assert not any(f"no health.csv in {PERIOD}/" in line for line in lines)


# --- §8 commentary on an unknown indicator; §4 commentary with child-level detail ----------------------


def _commentary(demo, **changes) -> int:
    rel = f"{PERIOD}/commentary.csv"
    df = read(demo, rel)
    pos = int(df.index[df["agency"] == "POLICE"][0])
    for k, v in changes.items():
        df.loc[pos, k] = v
    write(demo, rel, df)
    return pos + 2


def test_commentary_on_an_unknown_indicator_is_rejected_not_counted_as_used(demo):
    # before: counted as used and shown nowhere
    row = _commentary(demo, indicator="POL_NOT_REPORTED")
    returns = load_returns(demo, PERIOD, CONFIG)
    rec = returns.reconciliation.set_index("file").loc[f"{PERIOD}/commentary.csv"]
    assert (rec["rejected"], rec["used"]) == (1, rec["received"] - 1)
    assert returns.rejected[f"{PERIOD}/commentary.csv"]["row"].tolist() == [row]


ISSUE_COMMENTARY = ("Of the 59 flagged, 2 were girls of Other ethnicity; one girl aged 14 at Caludon Castle School "
                    "was flagged twice")


def test_commentary_with_child_level_detail_is_flagged_with_its_row_and_withheld(demo, tmp_path):
    # before: published word for word
    row = _commentary(demo, commentary=ISSUE_COMMENTARY)
    returns = load_returns(demo, PERIOD, CONFIG)
    lines = returns.report.format().splitlines()
    assert (f"  {PERIOD}/commentary.csv:{row}: commentary: COM-003 Commentary gives no detail about individual children "
            "(a count of 1 to 5 children, an age with a named place, a name, a date of birth) "
            "(a count of children small enough to identify them)") in lines
    flags = returns.commentary_flags
    assert set(flags["row"]) == {row} and set(flags["agency"]) == {"POLICE"}
    assert "aged 14 … Caludon Castle School" in set(flags["matched"])
    withheld = returns.commentary_withheld()
    assert withheld[["_file", "_row"]].values.tolist() == [[f"{PERIOD}/commentary.csv", row]]
    com = returns.commentary
    assert ((com["_file"] == f"{PERIOD}/commentary.csv") & (com["_row"] == row)).sum() == 1  # kept for the board
    # the published report names the row and the kind of detail, never the words
    write_quarantine(returns, tmp_path / "pack")
    published = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "pack").rglob("*") if p.is_file())
    assert "COM-003" in published and "Caludon" not in published


# --- §9 the rest goes on: rows set aside, groups a partner suppressed -----------------------------------


def _break_children(demo, n: int) -> list[int]:
    ch = read(demo, "csc/children.csv")
    ch.loc[: n - 1, "date_of_birth"] = "not known"
    write(demo, "csc/children.csv", ch)
    return list(range(2, n + 2))


def test_five_bad_children_are_set_aside_and_the_analysis_goes_on(demo, tmp_path):
    # before: five bad rows among 17,620 children blocked the children table, hence the disproportionality
    # analysis and six indicators
    _break_children(demo, 5)
    returns = load_returns(demo, PERIOD, CONFIG)
    assert returns.blocked_reason(table="children") is None
    n, total, reasons = returns.set_aside("children")
    assert (n, total) == (5, 17_620)
    assert reasons == (("A date column holds a real date, written YYYY-MM-DD or DD/MM/YYYY, or an Excel date.", 5),)
    assert returns.set_aside("children").sentence() == (
        "5 of 17,620 rows of csc/children.csv (0.028%) failed validation and were set aside; the figures use the "
        "other 17,615. Rules not met: a date column holds a real date, written YYYY-MM-DD or DD/MM/YYYY, or an "
        "Excel date (5).")
    assert len(returns.tables["children"]) == 17_615
    # their referrals (and so on down the journey) are set aside with them, for the same reason in the end
    ref = returns.set_aside("referrals")
    assert ref.n > 0 and returns.blocked_reason(table="referrals") is None
    assert ref.reasons[0][0].startswith("A row whose parent row was rejected is rejected too")
    lado = returns.set_aside("lado")
    assert (lado.n, lado.reasons, lado.file, lado.sentence()) == (0, (), "assurance/lado.csv", "")
    assert lado.total == len(read(demo, "assurance/lado.csv"))
    write_quarantine(returns, tmp_path / "pack")
    table = pd.read_csv(tmp_path / "pack" / "tables" / "set_aside.csv")
    assert table.set_index("table").loc["children", ["set_aside", "rows"]].tolist() == [5, 17_620]


def test_at_or_over_the_threshold_the_table_is_blocked_as_before(demo):
    _break_children(demo, 177)  # 177 of 17,620 is 1.005%, at or over 1%
    returns = load_returns(demo, PERIOD, CONFIG)
    assert returns.blocked_reason(table="children") == "177 rows of csc/children.csv rejected (RET-022 x177)"
    assert returns.set_aside("children").n == 0


def test_a_threshold_of_zero_never_sets_rows_aside(demo):
    _break_children(demo, 5)
    strict = dataclasses.replace(CONFIG, set_aside_threshold_pct=0.0)
    assert load_returns(demo, PERIOD, strict).blocked_reason(table="children") == \
        "5 rows of csc/children.csv rejected (RET-022 x5)"


@pytest.mark.parametrize("symbol", ["c", "*", "<5"])
def test_a_group_the_partner_suppressed_does_not_block_the_headline(demo, symbol):
    # before: a partner's own c, * or <5 in a breakdown row blocked the indicator's headline total
    rel = f"{PERIOD}/police.csv"
    df = read(demo, rel)
    pos = int(df.index[(df["indicator"] == "POL_ARRESTS") & (df["breakdown"] == "ethnicity")][0])
    group = df.loc[pos, "group"]
    df.loc[pos, "numerator"] = symbol
    write(demo, rel, df)
    returns, code, lines = _load(demo)
    assert code == 0  # a warning, not an error
    assert any(line.startswith(f"{rel}:{pos + 2}: numerator: PRT-010") for line in lines)
    assert returns.blocked_reason(indicator="POL_ARRESTS") is None
    p = returns.partner
    mine = p[(p["period"].astype(str) == PERIOD) & (p["indicator"] == "POL_ARRESTS")]
    assert len(mine[mine["breakdown"] == "total"]) == 1  # the headline is published
    assert not ((mine["breakdown"] == "ethnicity") & (mine["group"] == group)).any()  # never a zero
    sup = returns.partner_suppressed
    assert sup[["indicator", "breakdown", "group", "numerator", "suppressed_by_partner", "_row"]].values.tolist() == [
        ["POL_ARRESTS", "ethnicity", group, symbol, f"suppressed by the partner ({symbol})", pos + 2]]


@pytest.mark.parametrize("name, is_version", [
    ("police v2.csv", True), ("police (1).xlsx", True), ("Police - corrected.csv", True),
    ("Copy of police.csv", True), ("police_final_v3.csv", True),
    ("police.xlsx", False),            # the return itself in another format: read, or compared, by find_file's caller
    ("police notes.txt", False),       # a note about the return
    ("policeman.csv", False),          # another word
    ("lado.csv", False),               # another return
])
def test_which_files_are_versions_of_a_return(tmp_path, name, is_version):
    from cscp_analysis.returns.load import versions_of

    (tmp_path / "police.csv").write_text("x\n")
    (tmp_path / name).write_text("x\n")
    assert (versions_of(tmp_path, "police", {"lado", "health"}) == [tmp_path / name]) is is_version
