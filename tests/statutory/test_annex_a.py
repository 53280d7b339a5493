"""The Annex A importer on a workbook laid out as councils fill Ofsted's template: sheets named in
different ways, headings worded and punctuated differently, drop-down values ("a) WBRI", "q) 6: Police"),
dates as Excel dates, serial numbers or text, '#N/A' and formulas. The workbook is written cell by cell
here (not by this package's writer); expected values are read off those cells."""

from __future__ import annotations

from datetime import datetime

import openpyxl
import pytest

from cscp_analysis.cli import main
from cscp_analysis.statutory import StatutoryFileError, import_annex_a, missing_fields
from cscp_analysis.statutory.annex_a import read_annex_a

from .conftest import DATA, read

COMMON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age"]


def _workbook(path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    ws = wb.create_sheet("List 1")
    ws.append(COMMON + ["Date of Contact", "Contact Source"])
    ws.append([555, "b) Female", "a) WBRI", datetime(2015, 1, 25), 6.1, datetime(2024, 9, 16), "q) 6: Police"])
    ws = wb.create_sheet("List 3 - Referrals")
    ws.append(["Annex A return: referrals (invented data)"])  # a title row above the headings
    ws.append(["Child ID", "Gender ", "Ethnicity", "Date of birth", "Age", "Date of referral", "Referral source",
               "Referral NFA?", "Number of Referrals in Last 12 Months"])
    ws.append([101.0, "a) Male", "k) APKN", datetime(2012, 8, 8), 12, datetime(2024, 9, 16), "q) 6: Police", "No", 1])
    ws.append(["102", "Female", "White British", None, 9, "17/09/2024", "e) 2A: Schools", "b) No", 0])
    ws.append(["103", "c) Not stated/recorded", "s) NOBT", "#N/A", 0, 45560, "Police", "a) Yes", 0])  # 45560: 25/09/2024
    ws.append(["104", "b) Female", "a) WBRI", datetime(2010, 1, 1), 14, None, "q) 6: Police", "No", 0])
    ws = wb.create_sheet("L4")
    ws.append(COMMON + ["Does the Child have a Disability", "Continuous Assessment Start Date",
                        "Child Seen During Continuous Assessment", "Continuous Assessment Date of Authorisation"])
    ws.append([101, "a) Male", "k) APKN", datetime(2012, 8, 8), 12, "a) Yes", datetime(2024, 9, 17), "Yes",
               datetime(2024, 10, 30)])
    ws.append([102, "b) Female", "a) WBRI", None, 9, "b) No", datetime(2024, 9, 1), "Yes", None])  # before her referral
    ws = wb.create_sheet("List 5")
    ws.append(COMMON + ["Does the Child have a Disability",
                        "Strategy discussion initiating Section 47 Enquiry Start Date",
                        "Was an Initial Child Protection Conference deemed unnecessary?",
                        "Date of Initial Child Protection Conference",
                        "Did the Initial Child Protection Conference Result in a Child Protection Plan"])
    ws.append([101, "a) Male", "k) APKN", None, 12, "a) Yes", datetime(2024, 11, 1), "No", datetime(2024, 11, 20), "Yes"])
    ws = wb.create_sheet("List 7")
    ws.append(COMMON + ["Does the Child have a Disability", "Child Protection Plan Start Date",
                        "Initial Category of Abuse", "Latest Category of Abuse", "Child Protection Plan End Date"])
    ws.append([101, "a) Male", "k) APKN", None, 12, "a) Yes", datetime(2024, 11, 20), "Sexual abuse", "Neglect", None])
    ws = wb.create_sheet("List 8")
    ws.append(COMMON + ["Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N))",
                        "Does the Child have a Disability", "Date Started to be Looked After",
                        "Child\u2019s Category of Need", "Start date of current legal status", "Child's Legal Status",
                        "Date Ceased to be Looked After", "Start Date of Most Recent Placement", "Placement Type",
                        "Number of Episodes the Child has been \u2018Missing\u2019 from their Placement in the last 12 months"])
    ws.append([201, "b) Female", "o) BAFR", datetime(2008, 5, 4), 16, "a) Yes", "b) No", datetime(2023, 5, 1),
               "N1 - Abuse or Neglect", datetime(2023, 9, 1), "E1: Placement order", None, datetime(2024, 2, 2),
               "f) U6: Foster placement - not FFA", 2])
    ws = wb.create_sheet("List 10")
    ws.append(["Child Unique ID", "Family identifier", "Gender", "Ethnicity", "Date of Birth",
               "Date of Decision that Child Should be Placed for Adoption"])
    ws.append([301, 9, "a) Male", "a) WBRI", datetime(2020, 1, 1), "=F1+5"])
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    root = tmp_path_factory.mktemp("annex")
    out = root / "x"
    import_annex_a(_workbook(root / "Annex A 2024.xlsx"), out)
    return out


def test_referrals_from_list_3_with_unwrapped_values_and_any_kind_of_date(imported):
    r = read(imported, "referrals.csv")
    assert r[["referral_id", "referral_date", "referral_source", "referral_outcome"]].values.tolist() == [
        ["R-101-20240916", "2024-09-16", "6", "ASSESSMENT"],  # 101.0 read as 101; "q) 6: Police"
        ["R-102-20240917", "2024-09-17", "2A", "ASSESSMENT"],  # a date written as text
        ["R-103-20240925", "2024-09-25", "POLICE", "NFA"],  # an Excel serial date; a source without its code is kept
    ]
    rej = read(imported / "rejected", "referrals.csv")
    assert rej["child_id"].tolist() == ["104"] and rej["location"].tolist() == ["List 3 - Referrals row 6"]


def test_children_from_every_list(imported):
    ch = read(imported, "children.csv").set_index("child_id")
    assert ch.loc["101", ["sex", "ethnicity", "date_of_birth", "disability"]].tolist() == ["M", "APKN", "2012-08-08", "Y"]
    assert ch.loc["102", ["sex", "ethnicity", "disability"]].tolist() == ["F", "WBRI", "N"]  # "White British" by name
    assert ch.loc["103", ["sex", "date_of_birth", "disability"]].tolist() == ["U", "", "U"]  # '#N/A' is blank
    assert ch.loc["201", ["uasc", "disability", "ethnicity"]].tolist() == ["Y", "N", "BAFR"]
    assert "301" in ch.index and "555" in ch.index


def test_assessments_enquiries_conferences_plans_and_care(imported):
    a = read(imported, "assessments.csv")
    assert a[["child_id", "referral_id", "assessment_start", "assessment_authorised"]].values.tolist() == [
        ["101", "R-101-20240916", "2024-09-17", "2024-10-30"]]
    assert "no referral of this child on or before" in read(imported / "rejected", "assessments.csv")["reason"].item()
    s = read(imported, "section47.csv")
    assert s[["child_id", "strategy_discussion_date", "s47_start", "icpc_required"]].values.tolist() == [
        ["101", "2024-11-01", "", "Y"]]
    i = read(imported, "icpc.csv")
    assert i[["child_id", "icpc_date", "plan_made", "s47_id"]].values.tolist() == [
        ["101", "2024-11-20", "Y", "S-101-20241101"]]
    p = read(imported, "cp_plans.csv")
    assert p[["child_id", "plan_start", "category", "icpc_id"]].values.tolist() == [
        ["101", "2024-11-20", "SAB", "I-101-20241120"]]  # "Sexual abuse" is SAB; the conference that day made it
    c = read(imported, "cla_periods.csv")
    assert c[["child_id", "cla_start", "cla_end", "legal_status", "category_of_need"]].values.tolist() == [
        ["201", "2023-05-01", "", "E1", "N1"]]
    pl = read(imported, "cla_placements.csv")
    assert pl[["placement_start", "placement_type"]].values.tolist() == [["2024-02-02", "FOSTER"]]


def test_what_annex_a_cannot_give_is_said(imported):
    gaps = missing_fields(imported)
    assert "strategy" not in " ".join(gaps)  # List 5 gives the strategy discussion date
    assert "section47.s47_start" in gaps and "assessments.factors" in gaps
    assert "most recent placement only" in gaps["cla_placements.placement_start"]
    assert "does not list them" in gaps["missing_episodes.missing_start"]
    files = read(imported, "import_files.csv").set_index("part")
    assert files.loc["List 1 (contacts)", "used_for"].startswith("not used")
    assert files.loc["List 3 (referrals)", "detail"] == "sheet List 3 - Referrals"


def test_a_file_without_the_lists_is_refused(tmp_path, capsys):
    wb = openpyxl.Workbook()
    wb.active.title = "Summary"
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(StatutoryFileError, match="a workbook without Annex A's lists"):
        read_annex_a(tmp_path / "other.xlsx")
    with pytest.raises(StatutoryFileError, match="not an Excel workbook"):
        read_annex_a(DATA / "letter.xml")
    assert main(["import", "annex-a", str(tmp_path / "other.xlsx"), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"cscp: {tmp_path / 'other.xlsx'}: a workbook without") and "Traceback" not in err
