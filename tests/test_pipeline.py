"""End to end: cscp run into a temporary folder, refusal to overwrite, failures, verify.

The full quarter is built once per session (``quarter_pack``); the failure tests use small notebook
folders so that each runs in seconds.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from cscp_analysis import pipeline
from cscp_analysis.cli import main as cli

pytestmark = [pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data_raw" / "demo"
PERIOD = "2026-27-Q2"


def _notebook_dir(tmp: Path, extra_cells: list[str] | None = None, name: str = "01_data_returns") -> Path:
    """A notebook folder holding notebook 01 (optionally with cells appended) under ``name``."""
    folder = tmp / "notebooks"
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(ROOT / "notebooks" / "01_data_returns.ipynb", as_version=4)
    for src in extra_cells or []:
        nb.cells.append(nbformat.v4.new_code_cell(src))
    nbformat.write(nb, folder / f"{name}.ipynb")
    return folder


def _quick_run(tmp: Path, out: Path, extra_cells=None, force=False):
    nbdir = _notebook_dir(tmp, extra_cells)
    return pipeline.run_quarter(PERIOD, DEMO, out, force=force, notebook_dir=nbdir,
                                notebooks=[(1, "01_data_returns")], progress=None)


def test_pack_has_the_contracted_layout(quarter_pack):
    for name in ("index.html", "manifest.json", "checksums.sha256", "validation_report.txt"):
        assert (quarter_pack / name).is_file(), name
    for folder in ("notebooks", "html", "tables", "figures"):
        assert any((quarter_pack / folder).iterdir()), folder
    notebooks = sorted(p.stem for p in (quarter_pack / "notebooks").glob("*.ipynb"))
    htmls = sorted(p.stem for p in (quarter_pack / "html").glob("*.html"))
    expected = sorted(n for _, n in pipeline._available(pipeline.QUARTERLY_NOTEBOOKS, pipeline.NOTEBOOK_DIR))
    assert notebooks == htmls == expected
    assert not (quarter_pack / ".catalogue").exists()
    assert not list(quarter_pack.parent.glob("*.partial"))  # no temporary folder left behind


def test_checksums_verify_with_sha256sum(quarter_pack):
    r = subprocess.run(["sha256sum", "--quiet", "-c", "checksums.sha256"], cwd=quarter_pack, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_manifest_records_parameters_inputs_and_outputs(quarter_pack):
    m = json.loads((quarter_pack / "manifest.json").read_text())
    assert m["kind"] == "quarter" and m["parameters"]["period"] == PERIOD
    assert m["parameters"]["data_dir"] == "data_raw/demo"
    inputs = {i["path"] for i in m["inputs"]}
    assert {"csc/referrals.csv", f"{PERIOD}/police.csv", "population/population.csv"} <= inputs
    outputs = {o["path"] for o in m["outputs"]}
    assert "index.html" in outputs and any(p.startswith("tables/") for p in outputs)
    assert m["package"]["version"] and "pandas" in m["packages"] and m["python"]["version"]
    assert m["started"] <= m["finished"]
    assert m["parameters"]["audience"] == "board"  # the quarterly pack's default (docs/disclosure.md)
    config = {c["path"]: c["sha256"] for c in m["configuration"]}
    assert set(config) == {"partnership.yaml", "indicators.yaml", "benchmark_measures.yaml"}
    assert config["indicators.yaml"] == hashlib.sha256((ROOT / "config" / "indicators.yaml").read_bytes()).hexdigest()
    assert any(r["path"].startswith("dfe_cin_census/") for r in m["reference"])
    labels = (quarter_pack / "tables" / "column_labels.csv").read_text(encoding="utf-8")
    assert labels.startswith("column,heading\n") and "\nlower_ci," in labels  # the data dictionary


def test_reader_html_hides_code_and_parameters(quarter_pack):
    html = (quarter_pack / "html" / "01_data_returns.html").read_text()
    assert "session.start(" not in html  # the set-up cell
    assert 'returns_cache = ""' not in html  # the parameters cell
    assert "Returns expected and received" in html
    assert "cdnjs" not in html and "<script src=\"http" not in html


def test_index_links_every_report(quarter_pack):
    page = (quarter_pack / "index.html").read_text()
    for html in (quarter_pack / "html").glob("*.html"):
        assert f"html/{html.name}" in page


def test_refuses_to_overwrite_an_existing_pack(quarter_pack):
    before = (quarter_pack / "checksums.sha256").read_bytes()
    with pytest.raises(pipeline.RunError, match="already exists"):
        pipeline.run_quarter(PERIOD, DEMO, quarter_pack.parent, progress=None)
    assert (quarter_pack / "checksums.sha256").read_bytes() == before
    # through the command line: a clear message and exit code 1, no traceback
    assert cli(["run", "--period", PERIOD, "--out", str(quarter_pack.parent)]) == 1


def test_verify_passes_on_an_untouched_pack(quarter_pack):
    result = pipeline.verify_pack(quarter_pack, progress=None)
    assert result.ok, result.problems
    assert result.compared > 10


def test_verify_fails_naming_a_tampered_table(tmp_path):
    result = _quick_run(tmp_path, tmp_path / "out")
    pack = result.pack
    table = pack / "tables" / "returns_received.csv"
    table.write_text(table.read_text().replace("on time", "late", 1))
    # verify re-runs the notebooks named in the manifest from the project's notebooks folder
    check = pipeline.verify_pack(pack, progress=None)
    assert not check.ok
    assert any(p.startswith("tables/returns_received.csv") for p in check.problems), check.problems


def test_verify_fails_naming_a_changed_input(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DEMO, data)
    nbdir = _notebook_dir(tmp_path)
    pack = pipeline.run_quarter(PERIOD, data, tmp_path / "out", notebook_dir=nbdir,
                                notebooks=[(1, "01_data_returns")], progress=None).pack
    sub = data / PERIOD / "submissions.csv"
    sub.write_text(sub.read_text().replace("2026-11-03", "2026-10-29"))  # the late return now on time
    check = pipeline.verify_pack(pack, progress=None)
    assert not check.ok
    assert any(p.startswith(f"input {PERIOD}/submissions.csv") for p in check.problems), check.problems
    assert any(p.startswith("tables/returns_received.csv") for p in check.problems), check.problems


def test_a_failing_notebook_names_the_cell_and_publishes_nothing(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(pipeline.RunError, match=r"notebook 01_data_returns failed at cell \d+.*ZeroDivisionError"):
        _quick_run(tmp_path, out, extra_cells=["1 / 0"])
    assert not (out / PERIOD).exists()
    assert not list(out.glob("*.partial"))
    kept = out / "_failed" / PERIOD / "01_data_returns.ipynb"
    assert kept.exists()  # left for inspection, outside the pack


def test_a_failed_rerun_leaves_the_earlier_pack_untouched(tmp_path):
    out = tmp_path / "out"
    pack = _quick_run(tmp_path, out).pack
    before = (pack / "checksums.sha256").read_bytes()
    with pytest.raises(pipeline.RunError):
        _quick_run(tmp_path / "again", out, extra_cells=["raise RuntimeError('boom')"], force=True)
    assert (pack / "checksums.sha256").read_bytes() == before


def test_a_leaky_notebook_fails_the_privacy_scan(tmp_path):
    leak = "print(ctx.returns.tables['children']['child_id'].iloc[0])"
    with pytest.raises(pipeline.RunError, match="(?s)privacy scan failed.*child or case identifier"):
        _quick_run(tmp_path, tmp_path / "out", extra_cells=[leak])
    assert not (tmp_path / "out" / PERIOD).exists()


def test_a_leaky_date_of_birth_fails_the_privacy_scan(tmp_path):
    leak = ("dob = ctx.returns.tables['children']['date_of_birth']\n"
            "print(dob.dt.strftime('%d/%m/%Y').iloc[:3].tolist())")
    with pytest.raises(pipeline.RunError, match="date of birth"):
        _quick_run(tmp_path, tmp_path / "out", extra_cells=[leak])


def test_a_small_count_in_a_table_fails_the_privacy_scan(tmp_path):
    leak = ("import pandas as pd\n"
            "ctx.pack.table(pd.DataFrame({'group': ['a'], 'children': [3]}), 'leak', 'Leak', 'data')")
    with pytest.raises(pipeline.RunError, match="unsuppressed count"):
        _quick_run(tmp_path, tmp_path / "out", extra_cells=[leak])


def test_cli_run_bad_period_is_a_clear_error(capsys):
    assert cli(["run", "--period", "2026-Q2"]) == 1
    err = capsys.readouterr().err
    assert "YYYY-YY-Qn" in err and "Traceback" not in err


def test_console_script_help():
    r = subprocess.run([sys.executable, "-m", "cscp_analysis.cli", "--help"], capture_output=True, text=True)
    assert r.returncode == 0
    for command in ("run", "validate", "verify", "annual", "benchmark", "demo-data"):
        assert command in r.stdout


@pytest.mark.parametrize("broken", ["indicators", "benchmark_measures"])
def test_a_mistake_in_the_configuration_stops_the_run_before_any_notebook(tmp_path, broken):
    import time

    from cscp_analysis.errors import CscpError

    cfg = tmp_path / "config"
    shutil.copytree(ROOT / "config", cfg)
    path = cfg / f"{broken}.yaml"
    text = path.read_text(encoding="utf-8")
    if broken == "indicators":
        path.write_text(text.replace("polarity: higher_is_better", "polarity: higher_is_best", 1), encoding="utf-8")
    else:
        path.write_text(text + "\n  nonsense: [\n", encoding="utf-8")
    t0 = time.perf_counter()
    with pytest.raises(CscpError) as err:
        pipeline.run_quarter(PERIOD, DEMO, tmp_path / "out", config_dir=cfg, progress=None)
    assert time.perf_counter() - t0 < 30 and not (tmp_path / "out" / PERIOD).exists()
    assert broken in str(err.value) or "polarity" in str(err.value)


def test_the_scrutiny_summary_is_printed_as_a_tagged_marked_pdf(quarter_pack):
    import pypdf
    import pypdfium2

    path = quarter_pack / "scrutiny_summary.pdf"
    reader = pypdf.PdfReader(str(path))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root and root["/Lang"] == "en-GB"
    assert "OFFICIAL-SENSITIVE" in reader.pages[1].extract_text()  # the board's marking on every later page
    bitmap = pypdfium2.PdfDocument(str(path))[0].render(scale=0.5).to_numpy()
    assert (bitmap < 200).mean() > 0.01  # the first page is not blank
    assert "scrutiny_summary.pdf" in (quarter_pack / "index.html").read_text(encoding="utf-8")


def test_running_notebooks_leaves_the_callers_working_folder_as_it_was(tmp_path, monkeypatch):
    # papermill changes the working folder around each notebook; two at once could leave the process in a
    # folder deleted afterwards (the pipeline benchmark's second run failed with "No such file or directory")
    import os

    from cscp_analysis import pipeline

    elsewhere = tmp_path / "notebook folder"
    elsewhere.mkdir()

    def execute(name, *args):
        os.chdir(elsewhere)  # what papermill's cwd does, left behind by a racing thread
        return 0.0

    monkeypatch.setattr(pipeline, "_execute", execute)
    monkeypatch.setattr(pipeline, "render_html", lambda *a, **k: None)
    before = os.getcwd()
    pipeline._run_notebooks([(0, "a"), (0, "b")], {}, tmp_path, tmp_path / "failed", "k", 2, None, elsewhere)
    assert os.getcwd() == before


def test_running_notebooks_leaves_papermills_file_handler_without_a_folder(tmp_path, monkeypatch):
    # papermill's file handler keeps a working folder for the whole process, set and restored by each
    # notebook; two at once can leave it naming a notebook folder, and the next run in the same process
    # then failed to write its first notebook once that folder was deleted (the benchmark's second run)
    from papermill.iorw import papermill_io

    from cscp_analysis import pipeline

    elsewhere = tmp_path / "notebook folder"
    elsewhere.mkdir()
    handler = papermill_io.get_handler("local")

    def execute(name, *args):
        handler.cwd(str(elsewhere))  # what a racing thread's restore leaves behind
        return 0.0

    monkeypatch.setattr(pipeline, "_execute", execute)
    pipeline._run_notebooks([(0, "a"), (0, "b")], {}, tmp_path, tmp_path / "failed", "k", 2, None, elsewhere)
    assert handler._cwd is None


def test_a_page_that_cannot_be_printed_stops_the_run_with_the_printers_reason(tmp_path):
    # the PDF prints in a separate process; its failure must reach the run as one clear line, not be lost
    from cscp_analysis import pipeline

    (tmp_path / "html" / "05_scrutiny_summary.html").mkdir(parents=True)  # a folder where the page should be
    with pipeline._printing_pdfs(tmp_path, "2026-27-Q2", "board", "Evidence pack", None) as (pdfs, printed):
        assert pdfs == ["scrutiny_summary.pdf"]
        with pytest.raises(pipeline.RunError, match="printing the PDF failed.*no such HTML file to print"):
            printed()
