"""Malformed files never give a traceback: random bytes, truncated CSV, wrong separators, huge values.

Each example writes one file into an otherwise small data folder and validates it: the result is a
report (exit 0 or 1), never an exception, and every file's rows still reconcile.
"""

import io
import shutil
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cscp_analysis.returns import load_returns, validate_main

from .conftest import CSC_CLEAN, PERIODS, TABLES, partner_rows
from .corruptions import CONFIG

SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

POLICE = pd.DataFrame(partner_rows(PERIODS[1], "POLICE", CONFIG)).to_csv(index=False, lineterminator="\n").encode()
REFERRALS = pd.DataFrame(TABLES["referrals"]).to_csv(index=False, lineterminator="\n").encode()


def _folder() -> Path:
    root = Path(tempfile.mkdtemp(prefix="cscp-malformed-"))
    (root / PERIODS[1]).mkdir()
    (root / "csc").mkdir()
    return root


def _check(rel: str, data: bytes) -> tuple[int, pd.DataFrame]:
    root = _folder()
    try:
        (root / rel).write_bytes(data)
        r = load_returns(root, PERIODS[1], CONFIG)  # must not raise
        rec = r.reconciliation
        assert (rec["received"] == rec["accepted"] + rec["rejected"]).all()
        assert (rec["accepted"] == rec["used"] + rec["after_period_end"]).all()
        text = r.report.format()  # what ``cscp validate`` prints (its exit code: has_errors)
        assert text.startswith("Validation of the returns")
        code = 1 if r.report.has_errors else 0
        mine = r.report.issues[r.report.issues["file"].str.startswith(rel.rsplit(".", 1)[0])]
        rows = rec[rec["file"].str.startswith(rel.rsplit(".", 1)[0])]
        assert len(rows) == 1
        if rows["rejected"].iloc[0] or rows["status"].iloc[0] == "file rejected":
            assert (mine["severity"] == "error").any()
        return code, mine
    finally:
        shutil.rmtree(root, ignore_errors=True)


@SETTINGS
@given(st.binary(min_size=0, max_size=3000))
def test_random_bytes(data):
    code, mine = _check(f"{PERIODS[1]}/police.csv", data)
    assert code == 1  # at least the rest of the folder is missing; and never a traceback


@SETTINGS
@given(st.integers(min_value=0, max_value=len(POLICE)))
def test_truncated_csv(cut):
    _check(f"{PERIODS[1]}/police.csv", POLICE[:cut])


@SETTINGS
@given(st.integers(min_value=0, max_value=len(REFERRALS)), st.sampled_from([b'"', b'\r', b'\x00', b',,,', b'\xff']))
def test_truncated_extract_with_debris(cut, debris):
    _check("csc/referrals.csv", REFERRALS[:cut] + debris)


@SETTINGS
@given(st.sampled_from([";", "\t", "|", ":", " ", ",,"]))
def test_wrong_separators(sep):
    code, mine = _check(f"{PERIODS[1]}/police.csv", POLICE.replace(b",", sep.encode()))
    if sep in (";", "\t", "|"):
        assert "RET-004" in set(mine["rule_id"]) and "RET-010" not in set(mine["rule_id"])


def _numerator(value: str):
    df = pd.read_csv(io.BytesIO(POLICE), dtype=str, keep_default_na=False)
    df.loc[0, "numerator"] = value
    return _check(f"{PERIODS[1]}/police.csv", df.to_csv(index=False, lineterminator="\n").encode("utf-8", "surrogatepass"))


@SETTINGS
@given(st.one_of(st.integers(min_value=-10**30, max_value=10**30),
                 st.floats(allow_nan=True, allow_infinity=True, width=64)))
def test_huge_values(number):
    code, mine = _numerator(repr(number))
    f = float(number)
    whole = f == f and abs(f) < 10**15 and f == int(f) if f not in (float("inf"), float("-inf")) else False
    flagged = set(mine.loc[mine["row"] == 2, "rule_id"])
    if whole and f >= 0:
        assert not flagged & {"RET-021", "RET-025"}
    else:
        assert flagged & {"RET-021", "RET-025"} and code == 1


@SETTINGS
@given(st.text(min_size=0, max_size=2000))
def test_strange_values(value):
    _numerator(value)  # any text at all: a report, never an exception


@SETTINGS
@given(st.text(max_size=500))
def test_random_text(text):
    _check(f"{PERIODS[1]}/police.csv", text.encode("utf-8", errors="surrogatepass"))




def test_validate_main_on_a_binary_file_prints_a_report(tmp_path):
    (tmp_path / PERIODS[1]).mkdir()
    (tmp_path / PERIODS[1] / "police.csv").write_bytes(bytes(range(256)))
    out = io.StringIO()
    assert validate_main(data_dir=tmp_path, config=CONFIG, out=out) == 1
    assert f"{PERIODS[1]}/police.csv: RET-001" in out.getvalue()


assert CSC_CLEAN is not None
