"""The evidence pack's writer: deterministic files, refusal of leaky tables, checksums, index."""

import hashlib
import json
import subprocess

import pandas as pd
import pytest

from cscp_analysis import charts, evidence
from cscp_analysis.index_page import write_index


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_table_is_deterministic_and_catalogued(tmp_path):
    df = pd.DataFrame({"group": ["a", "b"], "count": [10, 20], "rate": [1 / 3, 2.5]})
    a = evidence.Pack(tmp_path / "a", notebook="nb").table(df, "t1", "A table", "independent", count_columns=["count"])
    b = evidence.Pack(tmp_path / "b", notebook="nb").table(df, "t1", "A table", "independent", count_columns=["count"])
    assert a.read_bytes() == b.read_bytes()
    # 1/3 written with 10 significant figures, \n line endings, no index
    assert a.read_text() == "group,count,rate\na,10,0.3333333333\nb,20,2.5\n"
    (entry,) = evidence.read_catalogue(tmp_path / "a")
    assert (entry.kind, entry.name, entry.lens, entry.files) == ("table", "t1", "independent", ["tables/t1.csv"])


def test_table_with_small_count_is_refused(tmp_path):
    df = pd.DataFrame({"group": ["a", "b"], "children": [3, 20]})
    with pytest.raises(ValueError, match=r"children.*counts from 1 to 5"):
        evidence.Pack(tmp_path).table(df, "leaky", "Leaky", "independent", count_columns=["children"])
    assert not (tmp_path / "tables" / "leaky.csv").exists()
    # the suppression symbol and zero are fine
    ok = pd.DataFrame({"group": ["a", "b", "c"], "children": ["c", 0, 20]})
    evidence.Pack(tmp_path).table(ok, "ok", "Ok", "independent", count_columns=["children"])


def test_bad_names_and_lenses(tmp_path):
    pack = evidence.Pack(tmp_path)
    with pytest.raises(ValueError, match="artefact name"):
        pack.table(pd.DataFrame({"a": [1]}), "Bad Name", "t", "independent")
    with pytest.raises(ValueError, match="lens"):
        pack.table(pd.DataFrame({"a": [1]}), "fine", "t", "nowhere")


def test_figure_needs_alt_text_and_is_deterministic(tmp_path):
    def draw():
        fig, ax = charts.new_figure()
        ax.plot([1, 2, 3], [3, 1, 2])
        charts.finish(fig, ax, title="Test", xlabel="x", ylabel="y (count)", source="test")
        return fig

    with pytest.raises(ValueError, match="alt text"):
        evidence.Pack(tmp_path / "x").figure(draw(), "f", "F", "independent", alt="")
    files_a = evidence.Pack(tmp_path / "a").figure(draw(), "f", "F", "independent", alt="A line going down then up.",
                                                   data=pd.DataFrame({"x": [1, 2, 3], "y": [3, 1, 2]}))
    files_b = evidence.Pack(tmp_path / "b").figure(draw(), "f", "F", "independent", alt="A line going down then up.",
                                                   data=pd.DataFrame({"x": [1, 2, 3], "y": [3, 1, 2]}))
    assert [_sha(p) for p in files_a] == [_sha(p) for p in files_b]
    svg = files_a[0].read_text()
    assert "<dc:date>" not in svg
    assert (tmp_path / "a" / "tables" / "f_data.csv").exists()


def test_checksums_are_sha256sum_compatible(tmp_path):
    pack = evidence.Pack(tmp_path)
    pack.table(pd.DataFrame({"a": [10]}), "t", "T", "independent")
    (tmp_path / "notes.txt").write_text("hello\n")
    evidence.write_checksums(tmp_path)
    result = subprocess.run(["sha256sum", "-c", "checksums.sha256"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    # the private catalogue is not part of the pack's checksums
    assert ".catalogue" not in (tmp_path / "checksums.sha256").read_text()
    sums = evidence.read_checksums(tmp_path / "checksums.sha256")
    assert sums["notes.txt"] == hashlib.sha256(b"hello\n").hexdigest()


def test_manifest_lists_inputs_and_outputs(tmp_path):
    pack = evidence.Pack(tmp_path)
    pack.table(pd.DataFrame({"a": [10]}), "t", "T", "independent")
    inputs = pd.DataFrame({"path": ["b.csv", "a.csv"], "sha256": ["2" * 64, "1" * 64], "bytes": [2, 1]})
    m = evidence.build_manifest(tmp_path, kind="quarter", parameters={"period": "2026-27-Q2"}, inputs=inputs,
                                started="s", finished="f", project_root=tmp_path)
    assert [i["path"] for i in m["inputs"]] == ["a.csv", "b.csv"]
    assert m["outputs"] == [{"path": "tables/t.csv", "sha256": _sha(tmp_path / "tables" / "t.csv"), "bytes": 5}]  # "a\n10\n"
    assert m["package"]["name"] == "cscp-analysis" and "pandas" in m["packages"]
    json.dumps(m)  # serialisable


def test_index_groups_by_lens_and_links_readable_tables(tmp_path):
    pack = evidence.Pack(tmp_path, notebook="02_performance_scorecard")
    pack.table(pd.DataFrame({"a": [10]}), "scorecard", "The scorecard", "independent")
    fig, ax = charts.new_figure()
    ax.bar(["a", "b"], [1, 2])
    pack.figure(fig, "lado_sector", "LADO by sector", "provider", alt="Bars of allegations by employer sector.")
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "02_performance_scorecard.html").write_text("<html></html>")
    page = write_index(tmp_path, evidence.read_catalogue(tmp_path), title="Pack <test>").read_text()
    assert "Pack &lt;test&gt;" in page
    assert page.index("id='independent'") < page.index("id='provider'")
    assert "href='figures/lado_sector.svg'>LADO by sector</a>" in page  # no wall of thumbnails
    assert "href='tables/scorecard.csv'" in page and "html/02_performance_scorecard.html" in page
    assert "href='html/tables/scorecard.html'" in page and ">Performance scorecard</a>" in page
    view = (tmp_path / "html" / "tables" / "scorecard.html").read_text()
    assert "<th>A</th>" in view and "../../tables/scorecard.csv" in view
    assert "Symbols:" not in view  # a table without symbols has no note about them (tests/test_symbols.py)
    assert "http://" not in page and "https://" not in page  # reads offline
