"""The SSDA903 importer on hand-written CSVs laid out as councils' systems export them (names in any
case, SEX 1/2, DD/MM/YYYY, Windows line ends). Expected values are read off the files by hand."""

from __future__ import annotations

import pytest

from cscp_analysis.cli import main
from cscp_analysis.statutory import StatutoryFileError, import_ssda903, missing_fields
from cscp_analysis.statutory.ssda903 import read_ssda903, recognise

from .conftest import DATA, read

D = DATA / "ssda903"
ONE_YEAR = [D / "SSDA903_2024_header.csv", D / "SSDA903_2024_Episodes.CSV", D / "903 missing 2024.csv", D / "uasc.csv",
            D / "reviews.csv"]


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    out = tmp_path_factory.mktemp("903")
    import_ssda903(ONE_YEAR, out)
    return out


@pytest.mark.parametrize("name, table", [("SSDA903_2024_header.csv", "Header"), ("SSDA903_2024_Episodes.CSV", "Episodes"),
                                         ("903 missing 2024.csv", "Missing"), ("uasc.csv", "UASC"),
                                         ("reviews.csv", "Reviews"), ("earlier_year_903.csv", "Episodes")])
def test_tables_are_recognised_by_name_or_columns(name, table):
    from cscp_analysis.statutory.ssda903 import _read_csv

    assert recognise(D / name, list(_read_csv(D / name).columns)) == table


def test_children_from_header_with_old_sex_coding_and_uasc(year):
    ch = read(year, "children.csv")
    assert ch.to_dict("records") == [
        {"child_id": "1001", "date_of_birth": "2013-02-14", "sex": "M", "ethnicity": "WBRI", "disability": "U",
         "disability_codes": "", "uasc": "N"},
        {"child_id": "1002", "date_of_birth": "2008-05-04", "sex": "F", "ethnicity": "BAFR", "disability": "U",
         "disability_codes": "", "uasc": "Y"},
        {"child_id": "1003", "date_of_birth": "2011-09-09", "sex": "F", "ethnicity": "REFU", "disability": "U",
         "disability_codes": "", "uasc": "N"},
    ]


def test_periods_of_care_run_from_rne_s_to_a_rec_other_than_x1(year):
    p = read(year, "cla_periods.csv")
    assert p.to_dict("records") == [
        # 1001: S on 15/02/2022, then X1, X1 and an open episode: one period, still open
        {"cla_id": "L-1001-20220215", "child_id": "1001", "cla_start": "2022-02-15", "cla_end": "", "legal_status": "C1",
         "category_of_need": "N1"},
        # 1002: ended E13 on 20/08/2023, started again on 01/01/2024
        {"cla_id": "L-1002-20230501", "child_id": "1002", "cla_start": "2023-05-01", "cla_end": "2023-08-20",
         "legal_status": "V2", "category_of_need": "N4"},
        {"cla_id": "L-1002-20240101", "child_id": "1002", "cla_start": "2024-01-01", "cla_end": "", "legal_status": "C1",
         "category_of_need": "N1"},
    ]
    rej = read(year / "rejected", "cla_periods.csv")
    reasons = dict(zip(rej["CHILD"], rej["reason"], strict=True))
    assert reasons["1003"].startswith("its first episode in the files is not a start (RNE S)")
    assert reasons["9999"] == "its CHILD is not in the Header table"


def test_placements_change_at_every_episode_but_a_change_of_legal_status(year):
    pl = read(year, "cla_placements.csv")
    assert pl[["child_id", "placement_start", "placement_end", "placement_type", "cla_id"]].values.tolist() == [
        ["1001", "2022-02-15", "2023-10-10", "FOSTER", "L-1001-20220215"],  # U4, through the L episode
        ["1001", "2023-10-10", "", "RESID", "L-1001-20220215"],  # K2
        ["1002", "2023-05-01", "2023-08-20", "KINSHIP", "L-1002-20230501"],  # U1
        ["1002", "2024-01-01", "", "RESID", "L-1002-20240101"],  # R1
    ]


def test_missing_but_not_absent(year):
    m = read(year, "missing_episodes.csv")
    assert m[["child_id", "missing_start", "missing_end", "looked_after", "rhi_offered"]].values.tolist() == [
        ["1001", "2023-12-01", "2023-12-02", "Y", ""], ["1002", "2023-07-01", "", "Y", ""]]
    assert read(year / "rejected", "missing_episodes.csv")["reason"].tolist() == [
        "an absence (A: away from placement without authorisation), not a missing episode"]


def test_report_reconciles_and_says_what_the_903_lacks(year):
    rep = read(year, "import_report.csv").set_index("table").astype(int)
    assert rep.loc["children"].tolist() == [3, 3, 0]
    # periods: 4 built from the episodes (1001, 1002 twice, 1003) + 1 episode of a child not in the Header
    assert rep.loc["cla_periods"].tolist() == [5, 3, 2]
    assert rep.loc["cla_placements"].tolist() == [5, 4, 1]
    assert rep.loc["missing_episodes"].tolist() == [3, 2, 1]
    gaps = missing_fields(year)
    assert "CIN census" in gaps["children.disability"]
    assert "return home interviews" in gaps["missing_episodes.rhi_offered"]
    assert "looked-after children only" in gaps["missing_episodes.missing_start"]
    files = read(year, "import_files.csv")
    assert files.loc[files["part"] == "Reviews", "used_for"].item().startswith("not used")


def test_an_earlier_years_episodes_complete_a_period(tmp_path):
    rep = import_ssda903([*ONE_YEAR, D / "earlier_year_903.csv"], tmp_path / "x").set_index("table")
    p = read(tmp_path / "x", "cla_periods.csv")
    # 1003's period now starts at its S episode of 01/03/2019; its episode of 01/03/2020 (P) is a new placement
    assert p.loc[p["child_id"] == "1003", ["cla_start", "cla_end"]].values.tolist() == [["2019-03-01", ""]]
    assert rep.loc["cla_periods"].tolist() == [5, 4, 1]


def test_wrong_files_are_refused(tmp_path, capsys):
    with pytest.raises(StatutoryFileError, match="not an SSDA903 table"):
        read_ssda903([D / "SSDA903_2024_header.csv", DATA / "not_903.csv"])
    with pytest.raises(StatutoryFileError, match="no SSDA903 Header table"):
        read_ssda903([D / "SSDA903_2024_Episodes.CSV"])
    with pytest.raises(StatutoryFileError, match="not an SSDA903 table"):
        read_ssda903([DATA / "cin_2025.xml"])
    workbook = tmp_path / "header.csv"
    workbook.write_bytes(b"PK\x03\x04" + b"\x00" * 64)  # a workbook renamed .csv
    with pytest.raises(StatutoryFileError, match="not a CSV file"):
        read_ssda903([workbook])
    assert main(["import", "ssda903", str(DATA / "not_903.csv"), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"cscp: {DATA / 'not_903.csv'}: not an SSDA903 table") and "Traceback" not in err
