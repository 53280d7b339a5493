"""Notebook 04_quality_assurance: committed clean, and (slow) executed on the demo data into a pack."""

import json

import pytest

from cscp_analysis.config import PROJECT_ROOT

NOTEBOOK = PROJECT_ROOT / "notebooks" / "04_quality_assurance.ipynb"
DEMO = PROJECT_ROOT / "data_raw" / "demo"


def test_notebook_is_committed_without_outputs_and_follows_the_conventions():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"] == {"name": "cscp-analysis", "display_name": "Python (cscp-analysis)",
                                            "language": "python"}
    cells = nb["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    assert cells[1]["metadata"].get("tags") == ["parameters"]
    params = "".join(cells[1]["source"])
    for line in ('period = ""', 'data_dir = "../data_raw/demo"', 'output_dir = "../outputs/_interactive"',
                 'config_dir = "../config"', 'returns_cache = ""', 'notebook = "04_quality_assurance"'):
        assert line in params
    assert cells[2]["metadata"].get("tags") == ["remove-cell"] and "session.start(" in "".join(cells[2]["source"])
    for c in cells:
        if c["cell_type"] == "code":
            assert c["outputs"] == [] and c["execution_count"] is None


@pytest.mark.slow
@pytest.mark.skipif(not (DEMO / "assurance").is_dir(), reason="demo data not generated")
def test_notebook_runs_on_the_demo_quarter_and_fills_every_lens(tmp_path):
    import papermill as pm

    from cscp_analysis.config import load_partnership
    from cscp_analysis.evidence import read_catalogue
    from cscp_analysis.pipeline import ensure_kernel
    from cscp_analysis.privacy import scan_pack
    from cscp_analysis.returns import latest_period, load_returns

    pack = tmp_path / "pack"
    pm.execute_notebook(str(NOTEBOOK), str(tmp_path / "out.ipynb"), kernel_name=ensure_kernel(),
                        parameters={"data_dir": str(DEMO), "output_dir": str(pack),
                                    "config_dir": str(PROJECT_ROOT / "config")},
                        cwd=str(NOTEBOOK.parent), progress_bar=False, log_output=False)
    cat = read_catalogue(pack)
    lenses = {e.lens for e in cat}
    assert {"professional", "provider", "citizen", "independent", "summary"} <= lenses
    by_name = {e.name: e for e in cat}
    assert by_name["assurance_lado_by_sector"].lens == "provider"
    assert by_name["assurance_voice_likert"].lens == "citizen"
    assert by_name["assurance_actions_independent"].lens == "independent"
    figures = [e for e in cat if e.kind == "figure"]
    assert len(figures) >= 8 and all(len(e.alt) > 40 for e in figures)
    config = load_partnership(PROJECT_ROOT / "config")
    period = latest_period(DEMO)
    returns = load_returns(DEMO, str(period), config)
    assert scan_pack(pack, returns.tables, config.suppression_threshold, cat, audience="board") == []
    executed = json.loads((tmp_path / "out.ipynb").read_text(encoding="utf-8"))
    text = json.dumps(executed["cells"])
    assert "Traceback" not in text
    for area in ("Multi-agency thematic", "Section 11", "Rapid reviews", "training", "CDOP", "action plan", "LADO",
                 "Your Voice Matters"):
        assert area in text
