"""GSS symbols at the output boundary (issue 14): [c] primary, [s] secondary, [x], [z], [low], explained under
each table in words, in every CSV, page table, table view, workbook sheet and chart."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from types import SimpleNamespace

import matplotlib
import numpy as np
import openpyxl
import pandas as pd
import pytest

from cscp_analysis import charts, disclosure, evidence, symbols, workbook
from cscp_analysis.charts import assurance as assurance_charts
from cscp_analysis.disclosure import PRIMARY, SECONDARY, Hidden
from cscp_analysis.index_page import write_table_views

C_WORDS = "[c] a count from 1 to 5, or a figure worked out from one, hidden to protect confidentiality"
S_WORDS = "[s] hidden so that another hidden count cannot be worked out from the figures shown"


def _line() -> disclosure.Published:
    # one line adding up to its total: 3 is a count from 1 to 5 (primary); with it alone hidden, 20 - 10 - 7
    # would give it away, so the next smallest part, 7, is hidden too (secondary); the shares follow their counts
    df = pd.DataFrame({"sector": ["Education", "Health", "Police", "All"], "allegations": [10, 3, 7, 20],
                       "pct": [50.0, 15.0, 35.0, 100.0]})
    return disclosure.publish_table(df, ["allegations"], {"pct": "allegations"}, total_row=("sector", "All"))


def test_publish_table_knows_which_cells_are_primary_and_which_secondary():
    t = _line().table
    assert list(t["allegations"]) == ["10", "c", "c", "20"]  # inside the package, still the letter c
    kinds = [getattr(v, "kind", None) for v in t["allegations"]]
    assert kinds == [None, PRIMARY, SECONDARY, None]
    assert [getattr(v, "kind", None) for v in t["pct"]] == [None, PRIMARY, SECONDARY, None]
    assert [getattr(v, "value", None) for v in t["allegations"]][1:3] == [3.0, 7.0]
    assert list(symbols.published(t)["allegations"]) == ["10", "[c]", "[s]", "20"]
    assert list(symbols.published(t)["pct"]) == ["50.0", "[c]", "[s]", "100.0"]


def test_a_hidden_cell_reads_as_c_and_never_prints_its_value():
    h = Hidden(SECONDARY, 289)
    assert h == "c" and hash(h) == hash("c") and str(h) == "c" and repr(h) == "'c'" and f"{h}" == "c"
    assert "289" not in f"{h!r} {h!s} {h}" and pd.Series([h]).isin(["c"]).all()
    with pytest.raises(ValueError, match="kind"):
        Hidden("tertiary", 1)


def test_the_kind_survives_what_modules_do_with_a_published_table():
    t = _line().table
    other = pd.DataFrame({"sector": ["Police"], "note": ["a note"]})
    ways = {
        "copy": t.copy(), "deep copy": copy.deepcopy(t), "pickle": pickle.loads(pickle.dumps(t)),
        "filter and reset_index": t[t["sector"] != "Education"].reset_index(drop=True),
        "sort": t.sort_values("sector"), "concat": pd.concat([t, t], ignore_index=True),
        "merge": t.merge(other, on="sector", how="left"),
    }
    for how, table in ways.items():
        police = table.loc[table["sector"] == "Police", "allegations"].iloc[0]
        assert getattr(police, "kind", None) == SECONDARY, how
        assert symbols.published(table).loc[table["sector"] == "Police", "allegations"].iloc[0] == "[s]", how


def test_published_changes_whole_cells_only_and_twice_is_once():
    t = pd.DataFrame({"a": ["c", "x", "z", "low", "12", "c marks a count", "[c]"], "b": list(range(7))})
    once = symbols.published(t)
    assert list(once["a"]) == ["[c]", "[x]", "[z]", "[low]", "12", "c marks a count", "[c]"]
    assert symbols.published(once).equals(once) and list(once["b"]) == list(range(7))


def test_the_footnote_explains_only_the_symbols_a_table_uses():
    assert symbols.footnote(pd.DataFrame({"a": ["1", "2"]})) == ""
    assert symbols.footnote(_line().table) == f"Symbols: {C_WORDS}; {S_WORDS}."
    assert symbols.footnote(pd.DataFrame({"a": ["c", "x"]}), threshold=10) == (
        "Symbols: [c] a count from 1 to 10, or a figure worked out from one, hidden to protect confidentiality; "
        "[x] not available.")
    assert symbols.hidden_words(["1", "c", Hidden(SECONDARY, 9), "x"], "sectors") == (
        "2 sectors are hidden: 1 marked [c] (a count from 1 to 5, or worked out from one) and 1 marked [s] "
        "(hidden so that another hidden count cannot be worked out).")
    assert symbols.hidden_words(["1", "x"]) == ""


def test_the_pack_writes_gss_symbols_and_the_views_explain_them(tmp_path):
    pack = evidence.Pack(tmp_path, notebook="04_quality_assurance")
    pack.table(_line().table, "lado", "LADO allegations by sector", "provider", count_columns=["allegations"])
    pack.table(pd.DataFrame({"a": ["1"]}), "plain", "Plain", "provider")
    written = pd.read_csv(tmp_path / "tables" / "lado.csv", dtype=str, keep_default_na=False)
    assert list(written["allegations"]) == ["10", "[c]", "[s]", "20"]
    write_table_views(tmp_path, [e for e in evidence.read_catalogue(tmp_path) if e.kind == "table"], "Pack")
    view = (tmp_path / "html" / "tables" / "lado.html").read_text()
    assert f"Symbols: {C_WORDS}; {S_WORDS}." in view
    assert "Symbols:" not in (tmp_path / "html" / "tables" / "plain.html").read_text()


def test_the_values_of_hidden_cells_are_written_only_when_asked_and_outside_the_pack(tmp_path, monkeypatch):
    pack = evidence.Pack(tmp_path / "pack")
    monkeypatch.delenv(evidence.HIDDEN_VALUES_ENV, raising=False)
    pack.table(_line().table, "lado", "LADO", "provider", count_columns=["allegations"])
    assert not list((tmp_path / "pack").rglob("*values*"))
    monkeypatch.setenv(evidence.HIDDEN_VALUES_ENV, str(tmp_path / "values"))
    pack.table(_line().table, "lado", "LADO", "provider", count_columns=["allegations"])
    cells = pd.read_csv(tmp_path / "values" / "lado.csv")
    assert cells.to_dict("list") == {"row": [1, 2, 1, 2], "column": ["allegations", "allegations", "pct", "pct"],
                                     "kind": ["primary", "secondary", "primary", "secondary"],
                                     "value": [3.0, 7.0, 15.0, 35.0]}


def test_the_page_table_has_its_footnote(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: shown.append(obj.data))
    ctx = SimpleNamespace(config=SimpleNamespace(suppression_threshold=5))
    from cscp_analysis.session import Session

    Session.show_table(ctx, _line().table, "LADO allegations")
    html = shown[-1]
    assert ">[c]</td>" in html and ">[s]</td>" in html and ">c</td>" not in html
    assert f"Symbols: {C_WORDS}; {S_WORDS}." in html
    Session.show_table(ctx, pd.DataFrame({"a": ["c"]}), "CDOP", threshold=8)  # a stricter table's threshold
    assert "a count from 1 to 8" in shown[-1]


def test_the_workbook_writes_gss_symbols_with_a_note(tmp_path):
    path = workbook.write(tmp_path / "b.xlsx", [workbook.Sheet("LADO", "LADO allegations", _line().table)],
                          created=dt.date(2026, 10, 15))
    ws = openpyxl.load_workbook(path)["LADO"]
    values = [c.value for c in ws["B"]]
    assert "[c]" in values and "[s]" in values and "c" not in values
    assert any(v == f"Symbols: {C_WORDS}; {S_WORDS}." for v in [c.value for c in ws["A"]])


def test_a_chart_marks_hidden_bars_with_their_symbols_and_a_note_clear_of_axis_and_source():
    t = _line().table.rename(columns={"allegations": "total", "sector": "employer_sector"})
    fig = assurance_charts.sector_bars(t, title="LADO allegations by sector", source="LADO register")
    ax = fig.axes[0]
    marks = [x.get_text() for x in ax.texts]
    assert "[c]" in marks and "[s]" in marks and "c" not in marks
    note = next(x for x in fig.texts if x.get_text().startswith("Symbols:"))
    assert note.get_text().replace("\n", " ") == f"Symbols: {C_WORDS}; {S_WORDS}."
    source = next(x for x in fig.texts if x.get_text().startswith("Source:"))
    fig.canvas.draw()
    axes_bottom = ax.get_tightbbox().y0  # the axis with its tick labels and its label
    note_box, source_box = note.get_window_extent(), source.get_window_extent()
    assert source_box.y1 <= note_box.y0 and note_box.y1 < axes_bottom
    assert note_box.x1 <= fig.bbox.x1  # the note is wrapped to the figure's width
    matplotlib.pyplot.close(fig)


def test_a_chart_without_hidden_values_has_no_note():
    t = pd.DataFrame({"employer_sector": ["Education", "All"], "total": ["10", "10"]})
    fig = assurance_charts.sector_bars(t, source="LADO register")
    assert not any(x.get_text().startswith("Symbols:") for x in fig.texts)
    assert charts.hidden_note(np.array(["1", "x"], dtype=object)) == ""
    matplotlib.pyplot.close(fig)


def test_table_views_leave_the_analysts_keys_in_the_csv(tmp_path):
    # issue 15: no rule identifiers, evidence keys, weights or code names in what readers see
    import pandas as pd

    from cscp_analysis.labels import analyst_columns, value_label

    findings = pd.DataFrame({"kind": ["worried", "context"], "text": ["Something is wrong.", "Something to know."],
                             "evidence": ["table assurance_voice_reach", "disproportionality_rates[EDU_PERM_EXCL, sex, M]"],
                             "rule": ["REA-02", "DISP-POWER"], "weight": [0.65, 0.0],
                             "measure": ["referral_rate", "cin_rate"], "agency": ["CSC", "EARLY_HELP"],
                             "source": ["dfe_cin_census/b1.csv: At31_episodes; ONS mid-2012", "ons/mid_2024.csv: age"]})
    assert analyst_columns(findings) == ["evidence", "rule", "weight", "measure", "source"]
    assert value_label("EARLY_HELP") == "Early help" and value_label("CSC") == "CSC"
    # a table of keys only keeps them (nothing else to read)
    assert analyst_columns(pd.DataFrame({"measure": ["cin_rate"]})) == []
    pack = evidence.Pack(tmp_path, notebook="t")
    pack.table(findings, "some_findings", "Some findings", "summary")
    write_table_views(tmp_path, [e for e in evidence.read_catalogue(tmp_path) if e.kind == "table"], "Pack")
    page = (tmp_path / "html" / "tables" / "some_findings.html").read_text()
    visible = page.split("<details>")[0]
    for key in ("assurance_voice_reach", "REA-02", "0.65", "referral_rate", "EARLY_HELP"):
        assert key not in visible, key
    assert "Early help" in visible and "Something is wrong." in visible
    assert "<summary>For the analyst</summary>" in page and "<code>evidence</code>" in page


def test_a_table_view_never_splits_a_short_number_or_code_and_folds_the_numeric_copy(tmp_path):
    # the benchmarking trend's view printed "43 2.7" and "E080 0002 6" across lines, and its value twice
    import pandas as pd

    from cscp_analysis.evidence import CatalogueEntry
    from cscp_analysis.index_page import write_table_views

    (tmp_path / "tables").mkdir()
    pd.DataFrame({"year": [2013], "area_type": ["region"], "area_code": ["E12000005"], "value": ["432.7"],
                  "value_num": [432.7]}).to_csv(tmp_path / "tables" / "trend.csv", index=False)
    entry = CatalogueEntry("table", "trend", "Published measures by year", "independent", ["tables/trend.csv"])
    page = write_table_views(tmp_path, [entry], "Evidence pack")[0].read_text(encoding="utf-8")
    assert '<td class="n">432.7</td>' in page and '<td class="n">E12000005</td>' in page
    assert ">Region</td>" in page and ">region<" not in page
    assert "Value number" not in page.split("<details>")[0] and "value_num" in page.split("<details>")[1]
