"""Documents and templates generated from the schemas: the committed docs never drift, templates read back clean."""

from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from cscp_analysis.config import PROJECT_ROOT
from cscp_analysis.returns import SCHEMAS, write_templates
from cscp_analysis.returns.load import read_table
from cscp_analysis.returns.templates import data_dictionary_markdown, returns_doc_markdown


def test_committed_data_dictionary_is_generated_from_the_schemas():
    committed = (PROJECT_ROOT / "docs" / "data_dictionary.md").read_text(encoding="utf-8")
    assert committed == data_dictionary_markdown(), (
        "docs/data_dictionary.md differs from the schemas: run "
        "python -c 'from cscp_analysis.returns import write_data_dictionary; write_data_dictionary()'")


def test_committed_returns_doc_is_generated_from_the_rules():
    committed = (PROJECT_ROOT / "docs" / "data_returns.md").read_text(encoding="utf-8")
    assert committed == returns_doc_markdown(), (
        "docs/data_returns.md differs from the rules: run "
        "python -c 'from cscp_analysis.returns import write_returns_doc; write_returns_doc()'")


def test_data_dictionary_names_every_column():
    md = data_dictionary_markdown()
    for s in SCHEMAS.values():
        assert f"## {s.name}" in md
        for c in s.columns:
            assert f"| {c.name} |" in md


def test_templates_csv_and_xlsx_for_every_schema_with_an_about_sheet(tmp_path, config):
    written = write_templates(tmp_path, config)
    names = {p.relative_to(tmp_path).as_posix() for p in written}
    assert {"csc/referrals.csv", "csc/referrals.xlsx", "quarter/partner_return.xlsx", "quarter/police.csv",
            "quarter/police.xlsx", "assurance/lado.xlsx"} <= names
    for s in SCHEMAS.values():
        rel = s.file.replace("{period}", "quarter").replace("{agency}", s.name)
        header = (tmp_path / rel).read_text(encoding="utf-8").splitlines()[0]
        assert header.split(",") == s.column_names
        wb = load_workbook(tmp_path / rel.replace(".csv", ".xlsx"))
        assert wb.sheetnames == [s.sheet, "About"]
        about = [r for r in wb["About"].iter_rows(values_only=True)]
        assert about[4][0] == "column" and [r[0] for r in about[5:]] == s.column_names


def test_templates_are_deterministic(tmp_path, config):
    a = write_templates(tmp_path / "a", config)
    b = write_templates(tmp_path / "b", config)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


def test_prefilled_agency_template_reads_back(tmp_path, config):
    write_templates(tmp_path, config)
    s = SCHEMAS["partner_return"]
    for suffix in ("csv", "xlsx"):
        raw = read_table(Path(tmp_path / "quarter" / f"police.{suffix}"), f"police.{suffix}", s.column_names,
                         s.required_columns, (s.sheet,))
        assert not raw.problems
        cells = raw.cells
        assert set(cells["indicator"]) == set(config.returns["POLICE"].indicators)
        totals = cells[cells["breakdown"] == "total"]
        assert (totals["group"] == "all").all() and len(totals) == len(config.returns["POLICE"].indicators)
        assert pd.Series(cells["agency"]).eq("POLICE").all()
