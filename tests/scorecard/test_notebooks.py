"""The scorecard and benchmarking notebooks: committed clean, and executed on the demo (slow)."""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest

from cscp_analysis.config import PROJECT_ROOT

NOTEBOOKS = ["02_performance_scorecard", "06_benchmarking"]
NB_DIR = PROJECT_ROOT / "notebooks"
DEMO = PROJECT_ROOT / "data_raw" / "demo"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_follows_the_conventions_and_is_committed_without_outputs(name):
    nb = nbformat.read(NB_DIR / f"{name}.ipynb", as_version=4)
    assert nb.metadata["kernelspec"] == {"name": "cscp-analysis", "display_name": "Python (cscp-analysis)",
                                         "language": "python"}
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    params, start = nb.cells[1], nb.cells[2]
    assert params.metadata.get("tags") == ["parameters"]
    ns: dict = {}
    exec(params.source, ns)  # only scalars, with the documented defaults
    ns.pop("__builtins__")
    assert ns == {"period": "", "data_dir": "../data_raw/demo", "output_dir": "../outputs/_interactive",
                  "config_dir": "../config", "returns_cache": "", "notebook": name}
    assert start.metadata.get("tags") == ["remove-cell"] and "session.start(" in start.source
    for c in nb.cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None


@pytest.mark.slow
@pytest.mark.skipif(not (DEMO / "2026-27-Q2").is_dir(), reason="demo data not generated")
def test_scorecard_notebook_runs_on_the_demo_and_writes_its_part_of_the_pack(tmp_path):
    import papermill as pm

    from cscp_analysis.evidence import read_catalogue
    from cscp_analysis.pipeline import render_html
    from cscp_analysis.scorecard import PUBLISHED_COLUMNS

    out = tmp_path / "pack"
    pm.execute_notebook(str(NB_DIR / "02_performance_scorecard.ipynb"), str(tmp_path / "02.ipynb"),
                        parameters={"output_dir": str(out)}, kernel_name="cscp-analysis", cwd=str(NB_DIR),
                        progress_bar=False)
    table = pd.read_csv(out / "tables" / "scorecard.csv", dtype=str, keep_default_na=False)
    assert list(table.columns) == PUBLISHED_COLUMNS and len(table) >= 30
    assert (table["rag_reason"].str.len() > 10).all()
    for name in ("scorecard_findings", "scorecard_benchmarks", "scorecard_commentary", "scorecard_definitions",
                 "scorecard_spc_csc_data"):
        assert (out / "tables" / f"{name}.csv").is_file(), name
    figures = {e.name: e for e in read_catalogue(out) if e.kind == "figure"}
    assert {"scorecard_spc_csc", "scorecard_spc_partners", "scorecard_benchmark_csc_02"} <= set(figures)
    assert all(len(e.alt) > 40 for e in figures.values())
    findings = pd.read_csv(out / "tables" / "scorecard_findings.csv")
    assert {"working_well", "worried", "needs_to_happen"} <= set(findings["kind"])
    html = render_html(tmp_path / "02.ipynb", tmp_path / "02.html").read_text(encoding="utf-8")
    for words in ("What is working well", "What are we worried about", "What needs to happen", "cscp-summary",
                  "cscp-detail", "commentary", "Missing"):
        assert words in html, words
    assert "session.start" not in html  # code hidden from readers


@pytest.mark.slow
@pytest.mark.skipif(not (DEMO / "2026-27-Q2").is_dir(), reason="demo data not generated")
def test_benchmarking_notebook_runs_with_a_trend_chart_per_measure(tmp_path):
    import papermill as pm

    from cscp_analysis.benchmarking import MEASURES
    from cscp_analysis.evidence import read_catalogue

    out = tmp_path / "pack"
    pm.execute_notebook(str(NB_DIR / "06_benchmarking.ipynb"), str(tmp_path / "06.ipynb"),
                        parameters={"output_dir": str(out)}, kernel_name="cscp-analysis", cwd=str(NB_DIR),
                        progress_bar=False)
    latest = pd.read_csv(out / "tables" / "benchmarking_latest.csv", dtype=str)
    assert set(latest["measure"]) == set(MEASURES)
    figures = {e.name for e in read_catalogue(out) if e.kind == "figure"}
    assert figures == {f"benchmarking_trend_{m}" for m in MEASURES}
