"""One truth per cell (issue 14): no output of a pack states a value that a table of the same pack hides.

The demo quarter is built for both audiences (once per session, ``tests/conftest.py``); each build leaves,
outside the pack, the true value of every hidden cell. ``tests/one_truth.py`` scans every output of the
pack (the pages' text and figures' alt text, the index, the table views, the catalogue's titles, alt text
and sources, the validation report, the findings and headlines) for a sentence that names a hidden cell's
row and states its true value, and every table for a shown cell that is the same quantity. The issue's
own cases are put back into a copy of the public pack to show that the scan finds them.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import one_truth
import pandas as pd
import pytest

#: Tables whose hidden cells are DfE's own suppression in its published statistics (its ``c``, kept as
#: published: the benchmarks, the statistical neighbours beside a scorecard indicator, the worked example on
#: published data): their values were never known to us.
PUBLISHED_ELSEWHERE = ("benchmarking_trend", "disproportionality_real_data", "scorecard_benchmark_")


def _report(found) -> str:
    return "\n".join(str(f) for f in found[:25]) + (f"\n... and {len(found) - 25} more" if len(found) > 25 else "")


def test_no_output_of_the_board_pack_states_a_value_it_hides(quarter_pack, quarter_pack_hidden_values):
    found, checked = one_truth.leaks(quarter_pack, quarter_pack_hidden_values)
    assert checked["hidden cells with their true value"] > 1000 and checked["statements with a number"] > 1000
    assert not found, _report(found)


def test_no_output_of_the_public_pack_states_a_value_it_hides(public_pack):
    found, checked = one_truth.leaks(*public_pack)
    assert checked["hidden cells with their true value"] > 1000 and checked["statements with a number"] > 1000
    assert not found, _report(found)


@pytest.mark.parametrize("audience", ["board", "public"])
def test_every_cell_we_hide_knows_its_value(audience, quarter_pack, quarter_pack_hidden_values, public_pack):
    # otherwise the scan could not check it: every hidden cell of a table we publish carries its value
    pack, values = (quarter_pack, quarter_pack_hidden_values) if audience == "board" else public_pack
    _, unknown = one_truth.hidden_cells(pack, values)
    ours = {t: n for t, n in unknown.items() if not t.startswith(PUBLISHED_ELSEWHERE)}
    assert ours == {}


def test_the_hidden_values_never_reach_the_pack(public_pack):
    pack, values = public_pack
    assert values.is_dir() and not values.is_relative_to(pack)
    assert not list(pack.rglob("*hidden_values*"))


def _copy(pack: Path, tmp_path: Path) -> Path:
    """The tables and manifest of a pack (what the scan reads besides its pages), to put a leak back into."""
    out = tmp_path / "pack"
    shutil.copytree(pack / "tables", out / "tables")
    shutil.copy(pack / "manifest.json", out / "manifest.json")
    return out


def _hidden(values: Path, table: str, column: str, row: int) -> float:
    cells = pd.read_csv(values / f"{table}.csv")
    return float(cells.loc[(cells["column"] == column) & (cells["row"] == row), "value"].iloc[0])


def _put_alt(pack: Path, name: str, alt: str) -> None:
    path = pack / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for e in manifest["catalogue"]:
        if e["name"] == name and e["kind"] == "figure":
            e["alt"] = alt
    path.write_text(json.dumps(manifest), encoding="utf-8")


def test_the_scan_finds_the_data_completeness_caption_of_the_issue(public_pack, tmp_path):
    # the issue: "the data-completeness caption gives 99.7% of 1,195 for a cell the chart suppresses"
    pack, values = public_pack
    table = pd.read_csv(pack / "tables" / "data_completeness.csv", dtype=str, keep_default_na=False)
    row = int(table.index[(table["label"] == "Sex recorded") & (table["period"] == "2026-27-Q2")][0])
    assert table.loc[row, "percent"] == "[c]"
    true = _hidden(values, "data_completeness", "percent", row)
    copy = _copy(pack, tmp_path)
    _put_alt(copy, "data_completeness", "Line chart of the share of children referred each quarter with each "
             f"characteristic recorded: sex recorded {true:.1f}% in 2026-27-Q2 (range 99.4% to 99.7%).")
    found, _ = one_truth.leaks(copy, values)
    hits = {(f.table, f.row, f.column) for f in found if f.where.startswith("catalogue data_completeness")}
    assert ("data_completeness.csv", row, "percent") in hits
    assert {f.value for f in found if f.table == "data_completeness.csv"} == {f"{true:.1f}"}


def test_the_scan_finds_the_voice_chart_of_the_issue(public_pack, tmp_path):
    # the issue: the voice chart blanks statements while its alt text quotes their shares
    pack, values = public_pack
    table = pd.read_csv(pack / "tables" / "assurance_voice_likert.csv", dtype=str, keep_default_na=False)
    hidden = table.index[table["pct_disagree"] == "[c]"]
    assert len(hidden), "the demo's public voice table hides a share who disagreed"
    row = int(hidden[0])
    statement, true = table.loc[row, "item"], _hidden(values, "assurance_voice_likert", "pct_disagree", row)
    copy = _copy(pack, tmp_path)
    _put_alt(copy, "assurance_voice_chart", f"Diverging bar chart of the Your Voice Matters survey: {true:.1f}% "
             f"disagreed with \u201c{statement}\u201d.")
    found, _ = one_truth.leaks(copy, values)
    assert any(f.table == "assurance_voice_likert.csv" and f.row == row and f.column == "pct_disagree"
               for f in found), _report(found)


def test_the_scan_finds_a_finding_that_quotes_a_hidden_count(public_pack, tmp_path):
    # a finding built from the unrounded table instead of the published one: "4 of 9 rapid reviews were late"
    pack, values = public_pack
    copy = _copy(pack, tmp_path)
    table = pd.read_csv(copy / "tables" / "assurance_lado_by_sector.csv", dtype=str, keep_default_na=False)
    cells = pd.read_csv(values / "assurance_lado_by_sector.csv")
    cell = cells[(cells["kind"] == "primary") & (cells["column"] != "pct")].iloc[0]
    sector = table.loc[int(cell["row"]), "employer_sector"]
    findings = pd.read_csv(copy / "tables" / "assurance_findings.csv", dtype=str, keep_default_na=False)
    extra = findings.iloc[[0]].assign(text=f"{sector}: {cell['value']:.0f} allegations were referred to the LADO.")
    pd.concat([findings, extra]).to_csv(copy / "tables" / "assurance_findings.csv", index=False)
    found, _ = one_truth.leaks(copy, values)
    assert any(f.table == "assurance_lado_by_sector.csv" and f.row == cell["row"] for f in found), _report(found)


# --- the matching itself, on a pack of three small tables ---------------------------------------------------


def _mini(tmp_path: Path, sentences: list[str]) -> tuple[Path, Path]:
    pack, values = tmp_path / "pack", tmp_path / "values"
    (pack / "tables").mkdir(parents=True)
    values.mkdir()
    pd.DataFrame({"sector": ["Education", "Police", "Health", "All"], "allegations": ["12", "[c]", "[s]", "30"]}
                 ).to_csv(pack / "tables" / "lado.csv", index=False)
    pd.DataFrame({"row": [1, 2], "column": ["allegations", "allegations"], "kind": ["primary", "secondary"],
                  "value": [3.0, 15.0]}).to_csv(values / "lado.csv", index=False)
    # the same quantity shown in another table: Health's 15 allegations
    pd.DataFrame({"sector": ["Health"], "allegations": ["15"], "outcome": ["substantiated"]}
                 ).to_csv(pack / "tables" / "lado_health.csv", index=False)
    pd.DataFrame({"text": sentences}).to_csv(pack / "tables" / "findings.csv", index=False)
    catalogue = [{"kind": "table", "name": n, "title": t, "files": [f"tables/{n}.csv"], "alt": "", "source": ""}
                 for n, t in (("lado", "LADO allegations by sector"), ("lado_health", "Health: LADO allegations"),
                              ("findings", "Findings"))]
    (pack / "manifest.json").write_text(json.dumps({"catalogue": catalogue}), encoding="utf-8")
    return pack, values


def test_a_sentence_naming_the_row_and_stating_the_value_is_a_leak(tmp_path):
    found, _ = one_truth.leaks(*_mini(tmp_path, ["Police received 3 allegations in the year."]))
    assert [(f.table, f.row, f.value, f.label) for f in found if f.where.startswith("tables/findings")] == [
        ("lado.csv", 1, "3", "Police")]


def test_a_number_of_another_row_or_another_subject_is_not(tmp_path):
    found, _ = one_truth.leaks(*_mini(tmp_path, [
        "Police attended 3 training courses in the year.",  # not about allegations
        "Education received 3 more allegations than last year.",  # names Education, whose 12 is shown
        "Police received 12 allegations in the year before.",  # 12 is not the hidden 3
        "Health received 15 allegations.",  # shown as 15 in another table: the sentence may quote that
    ]))
    assert [f for f in found if f.where.startswith("tables/findings")] == []


def test_the_same_quantity_shown_in_another_table_is_a_leak(tmp_path):
    found, _ = one_truth.leaks(*_mini(tmp_path, []))
    assert [(f.table, f.row, f.value) for f in found] == [("lado.csv", 2, "15")]
