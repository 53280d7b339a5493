"""The CIN census importer on hand-written files laid out as councils' systems write them.

Every expected value below is read off the XML in ``data/`` by hand (the comments say from where).
"""

from __future__ import annotations

import pandas as pd
import pytest

from cscp_analysis.cli import main
from cscp_analysis.statutory import StatutoryFileError, import_cin_census, missing_fields
from cscp_analysis.statutory.cin_census import read_cin_census

from .conftest import DATA, read


@pytest.fixture(scope="module")
def modern(tmp_path_factory):
    out = tmp_path_factory.mktemp("cin2025")
    import_cin_census(DATA / "cin_2025.xml", out)
    return out


def test_children_from_identifiers_and_characteristics(modern):
    ch = read(modern, "children.csv")
    assert list(ch.columns) == ["child_id", "date_of_birth", "sex", "ethnicity", "disability", "disability_codes", "uasc"]
    a, b = ch.to_dict("records")
    # LA001: born 2015-03-27, Sex F, " wbri " cleaned and capitalised, HAND and HEAR so disabled
    assert a == {"child_id": "LA001", "date_of_birth": "2015-03-27", "sex": "F", "ethnicity": "WBRI", "disability": "Y",
                 "disability_codes": "HAND;HEAR", "uasc": ""}
    # LA002: unborn, so the expected date of birth; NONE only, so not disabled
    assert b == {"child_id": "LA002", "date_of_birth": "2025-05-01", "sex": "U", "ethnicity": "NOBT", "disability": "N",
                 "disability_codes": "NONE", "uasc": ""}
    assert "UPN" not in open(modern / "children.csv").read() and "A123456789123" not in open(modern / "children.csv").read()


def test_referrals_keyed_by_child_and_date(modern):
    r = read(modern, "referrals.csv")
    assert r["referral_id"].tolist() == ["R-LA001-20240603", "R-LA001-20250201", "R-LA002-20250301"]
    assert r["referral_source"].tolist() == ["6", "2A", "3B"]  # "2a" capitalised
    assert r["primary_need"].tolist() == ["N1", "", "N1"]
    assert r["referral_outcome"].tolist() == ["ASSESSMENT", "NFA", "ASSESSMENT"]  # ReferralNFA 0, true, false
    assert r["cin_closure_date"].tolist() == ["2025-01-10", "", ""]


def test_assessments_with_dfe_factor_codes_and_repeat_keys(modern):
    a = read(modern, "assessments.csv")
    # two assessments of LA001 started on 2024-06-04: the second gets -2
    assert a["assessment_id"].tolist() == ["A-LA001-20240604", "A-LA001-20240604-2"]
    assert a["referral_id"].tolist() == ["R-LA001-20240603"] * 2
    assert a["assessment_authorised"].tolist() == ["2024-07-20", ""]
    assert a["factors"].tolist() == ["3B;11A", ""]
    assert a["assessment_outcome"].tolist() == ["", ""]  # not in the census


def test_enquiries_conferences_and_plans(modern):
    s = read(modern, "section47.csv")
    assert s["s47_id"].tolist() == ["S-LA001-20240722", "S-LA001-20241202"]
    assert s["strategy_discussion_date"].tolist() == ["", ""]  # the census does not record it
    assert s["icpc_required"].tolist() == ["Y", "N"]  # a conference was held; ICPCnotRequired 1
    i = read(modern, "icpc.csv")
    # the Section47 conference, and LA002's conference recorded at episode level (no enquiry of its own)
    assert i.to_dict("records") == [
        {"icpc_id": "I-LA001-20240805", "s47_id": "S-LA001-20240722", "child_id": "LA001", "icpc_date": "2024-08-05",
         "plan_made": "Y"},
        {"icpc_id": "I-LA002-20250320", "s47_id": "", "child_id": "LA002", "icpc_date": "2025-03-20", "plan_made": "Y"},
    ]
    p = read(modern, "cp_plans.csv")
    assert p.to_dict("records") == [
        {"plan_id": "P-LA001-20240805", "child_id": "LA001", "icpc_id": "I-LA001-20240805", "plan_start": "2024-08-05",
         "plan_end": "2025-01-10", "category": "SAB"},
        {"plan_id": "P-LA002-20250320", "child_id": "LA002", "icpc_id": "I-LA002-20250320", "plan_start": "2025-03-20",
         "plan_end": "", "category": "NEG"},
    ]


def test_report_reconciles_and_tables_the_census_lacks_are_not_written(modern):
    rep = read(modern, "import_report.csv")
    assert rep.to_dict("records") == [
        {"table": "children", "read": "2", "written": "2", "set_aside": "0"},
        {"table": "referrals", "read": "3", "written": "3", "set_aside": "0"},
        {"table": "assessments", "read": "2", "written": "2", "set_aside": "0"},
        {"table": "section47", "read": "2", "written": "2", "set_aside": "0"},
        {"table": "icpc", "read": "2", "written": "2", "set_aside": "0"},
        {"table": "cp_plans", "read": "2", "written": "2", "set_aside": "0"},
    ]
    for t in ("cla_periods", "cla_placements", "missing_episodes"):
        assert not (modern / f"{t}.csv").exists()
    assert not (modern / "rejected").exists()
    files = read(modern, "import_files.csv")
    assert set(files["part"]) >= {"Child", "CINdetails", "CINPlanDates", "PreProceedingsandFGDM"}
    assert files.loc[files["part"] == "PreProceedingsandFGDM", "records"].item() == "1"
    assert "collection year 2025" in files["detail"].iloc[0] and "local authority 999" in files["detail"].iloc[0]


def test_missing_fields_say_which_source_would_supply_them(modern):
    gaps = missing_fields(modern)
    assert gaps["section47.strategy_discussion_date"] == ("the CIN census does not record the strategy discussion date; "
                                                          "supply Annex A List 5")
    assert "SSDA903" in gaps["cla_periods.cla_start"]
    assert "referrals.referral_date" not in gaps
    src = read(modern, "sources.csv")
    row = src[(src["table"] == "referrals") & (src["column"] == "referral_date")].iloc[0]
    assert row["supplied_by"] == "CIN census: CINdetails/CINreferralDate" and row["coverage"] == "all"


def test_older_year_with_namespace_gender_and_faults(tmp_path):
    out = tmp_path / "x"
    rep = import_cin_census(DATA / "cin_2018.xml", out).set_index("table")
    # children: OLD1 and OLD3 kept; one without LAchildID and OLD1's second appearance set aside
    assert rep.loc["children"].tolist() == [4, 2, 2]
    # referrals: OLD1's first and OLD3's kept; OLD1's without a date, and the two of set-aside children, set aside
    assert rep.loc["referrals"].tolist() == [5, 2, 3]
    assert rep.loc["assessments"].tolist() == [1, 1, 0]
    assert rep.loc["section47"].tolist() == [1, 0, 1] and rep.loc["icpc"].tolist() == [1, 0, 1]
    ch = read(out, "children.csv")
    assert ch["sex"].tolist() == ["M", "U"]  # GenderCurrent 1 and 9
    assert ch["date_of_birth"].tolist() == ["2010-01-15", "2009-12-31"]  # "2010-01-15Z" has a time zone
    assert ch["disability"].tolist() == ["U", "U"]  # no Disabilities element: not known
    r = read(out, "referrals.csv")
    assert r["referral_date"].tolist() == ["2017-05-01", "2017-07-03"]
    assert r["referral_outcome"].tolist() == ["ASSESSMENT", ""]  # FALSE; "maybe" is neither
    a = read(out, "assessments.csv")
    assert a["assessment_authorised"].tolist() == [""]  # 31/06/2017 is no date
    assert a["factors"].tolist() == ["18A;XX"]  # kept for validation to report
    rej = read(out / "rejected", "referrals.csv")
    assert sorted(rej["reason"]) == ["its child was set aside (see rejected/children.csv)"] * 2 + [
        "no valid CINreferralDate: the referral cannot be keyed"]
    assert "Message/Children/Child[1]/CINdetails[2]" in rej["location"].tolist()
    rc = read(out / "rejected", "children.csv")
    assert rc["location"].tolist() == ["Message/Children/Child[2]", "Message/Children/Child[4]"]
    w = read(out, "import_warnings.csv")
    problems = set(zip(w["path"], w["problem"], strict=True))
    assert ("Message/Children/Child/CINdetails/FavouriteColour", "an element the CIN census schema does not have here") \
        in problems
    assert ("Message/Children/Child/CINdetails/ReferralSource", "out of the schema's order") in problems
    assert ("Message/Children/Child/CINdetails/CINreferralDate", "required but missing") in problems
    assert ("Message/Children/Child/ChildIdentifiers/LAchildID", "required but missing") in problems
    assert any(p == "Message/Children/Child/ChildCharacteristics/Ethnicity" and "not a code" in q for p, q in problems)
    assert any(p.endswith("AssessmentAuthorisationDate") and "not a date" in q for p, q in problems)
    assert any(p.endswith("AssessmentFactors") and "not a code" in q for p, q in problems)
    assert any(p.endswith("ReferralNFA") for p, _ in problems)


@pytest.mark.parametrize("name, says", [
    ("letter.xml", "not an XML file"),
    ("workbook.xml", "not a CIN census file: the root element is <Workbook>"),
    ("broken.xml", "the XML is broken"),
    ("empty.xml", "the file is empty"),
])
def test_a_file_that_is_not_a_census_is_refused_clearly(name, says, tmp_path, capsys):
    with pytest.raises(StatutoryFileError) as err:
        read_cin_census(DATA / name)
    assert str(err.value).startswith(f"{DATA / name}: ") and says in str(err.value)
    code = main(["import", "cin-census", str(DATA / name), "--out", str(tmp_path / "out")])
    captured = capsys.readouterr()
    assert code == 1 and captured.err.startswith(f"cscp: {DATA / name}: ") and "Traceback" not in captured.err
    assert not (tmp_path / "out").exists()


def test_cli_imports_and_refuses_to_overwrite_without_force(tmp_path, capsys):
    out = tmp_path / "extract"
    assert main(["import", "cin-census", str(DATA / "cin_2025.xml"), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "referrals" in text and "sources.csv" in text
    assert (out.stat().st_mode & 0o777) == 0o700
    assert main(["import", "cin-census", str(DATA / "cin_2025.xml"), "--out", str(out)]) == 1
    assert "not empty" in capsys.readouterr().err
    assert main(["import", "cin-census", str(DATA / "cin_2018.xml"), "--out", str(out), "--force"]) == 0
    assert pd.read_csv(out / "children.csv")["child_id"].tolist() == ["OLD1", "OLD3"]


def test_same_file_same_bytes(tmp_path):
    import_cin_census(DATA / "cin_2025.xml", tmp_path / "a")
    import_cin_census(DATA / "cin_2025.xml", tmp_path / "b")
    for f in sorted(p.name for p in (tmp_path / "a").iterdir() if p.is_file()):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f


@pytest.mark.parametrize("name", ["cin_2025.xml", "cin_2018.xml"])
def test_reading_in_parts_gives_the_same_bytes_as_reading_whole(name, tmp_path):
    """cin_2018.xml has a default namespace and a child repeated in both halves (so it is read whole again)."""
    import_cin_census(DATA / name, tmp_path / "one", workers=1)
    import_cin_census(DATA / name, tmp_path / "two", workers=2)
    import_cin_census(DATA / name, tmp_path / "three", workers=3)
    names = sorted(p.name for p in (tmp_path / "one").rglob("*") if p.is_file())
    assert names == sorted(p.name for p in (tmp_path / "two").rglob("*") if p.is_file())
    for f in (tmp_path / "one").rglob("*.csv"):
        rel = f.relative_to(tmp_path / "one")
        assert f.read_bytes() == (tmp_path / "two" / rel).read_bytes() == (tmp_path / "three" / rel).read_bytes(), rel
    assert not list(tmp_path.glob(".cin_parts_*"))  # the private staging folders are gone


def test_the_file_is_cut_between_children():
    from cscp_analysis.statutory.cin_parallel import _Part, _plan

    head, tail, ranges = _plan(DATA / "cin_2025.xml", 2)
    assert len(ranges) == 2 and head.rstrip().endswith(b"<Children>") and tail.strip() == b"</Children>\n</Message>"
    second = _Part(DATA / "cin_2025.xml", *ranges[1], head, tail).read()
    assert b"<LAchildID>LA002</LAchildID>" in second and b"LA001" not in second and second.startswith(b"<?xml")
